//! Texts printed by `explain` and `init`, drawn from the rule catalogue.

use crate::catalogue::{CATALOGUE, Rule};
use crate::connectors::{KeyKind, Profile};

/// The full explanation of one rule.
pub fn explain(rule: &Rule) -> String {
    format!(
        "{id} ({severity}): {title}\n\nWhy it matters:\n  {why}\n\nHow to fix it:\n  {fix}\n\nAutomatic fix:\n  {autofix}\n\nMore: {uri}\n",
        id = rule.id,
        severity = rule.severity.as_str(),
        title = rule.title,
        why = rule.why,
        fix = rule.fix,
        autofix = autofix_text(rule),
        uri = rule.help_uri(),
    )
}

/// Whether `check --fix` fixes findings of a rule, and what it does.
fn autofix_text(rule: &Rule) -> String {
    match rule.autofix() {
        Some(what) => format!("`connector-lint check --fix` {what}; `--diff` shows it first."),
        None => "none; fix it by hand as above.".to_owned(),
    }
}

/// One line per code.
pub fn list() -> String {
    let width = CATALOGUE
        .iter()
        .map(|rule| rule.id.len())
        .max()
        .unwrap_or(0);
    CATALOGUE
        .iter()
        .map(|rule| {
            format!(
                "{id:<width$}  {severity:<7}  {title}\n",
                id = rule.id,
                severity = rule.severity.as_str(),
                title = rule.title
            )
        })
        .collect()
}

/// The codes closest to an unknown one, for "did you mean".
pub fn closest_codes(code: &str) -> Vec<&'static str> {
    // A code given without its family (`looks-like-secret-id`) is compared with the part after
    // the `/` as well.
    let score = |id: &str| {
        let whole = strsim::jaro_winkler(code, id);
        let name = id
            .split_once('/')
            .map_or(0.0, |(_, name)| strsim::jaro_winkler(code, name));
        if code.contains('/') {
            whole
        } else {
            whole.max(name)
        }
    };
    let mut scored: Vec<(f64, &'static str)> = CATALOGUE
        .iter()
        .map(|rule| (score(rule.id), rule.id))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

/// What connector-lint knows of a connector, from its profile: `explain SERVICE` in a terminal,
/// and a section of `docs/rules.md` (Markdown is plain text there too).
pub fn connector(profile: &Profile) -> String {
    let mut out = format!(
        "{id}: the {title}\n\nCallback (the Web redirect URI to register): `<Appmixer API URL>{callback}`\n",
        id = profile.service_id,
        title = profile.title(),
        callback = profile.callback_path,
    );
    for path in profile.extra_redirect_paths {
        out.push_str(&format!(
            "Other redirect URI it uses (not the OAuth callback): `<Appmixer API URL>{path}`\n"
        ));
    }
    let version = match profile.sign_in.version {
        crate::connectors::EndpointVersion::V2 => "v2.0 endpoints",
        crate::connectors::EndpointVersion::V1 => "v1 endpoints (`resource=`; consent is static)",
    };
    out.push_str(&format!(
        "Sign-in: {version} of {}, tenant `{}` unless the account names one\n",
        profile.sign_in.authority, profile.sign_in.default_tenant
    ));
    out.push_str(&format!(
        "Probe (`--probe`): a client-credentials token for {} (scope `{}`)\n",
        profile.probe.resource, profile.probe.scope
    ));
    let accepted = profile
        .accepted_account_types()
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(" or ");
    out.push_str(&format!("Supported account types of the app: {accepted}\n"));
    match &profile.permission {
        Some(permission) => out.push_str(&format!(
            "Delegated permission the app must list: {} > {} ({}; {})\n",
            permission.resource,
            permission.scope,
            permission.severity.as_str(),
            permission.why
        )),
        None => out.push_str(
            "Delegated permission the app must list: none ahead of time (each component asks for its own)\n",
        ),
    }
    out.push_str(&format!(
        "Secret variable of the starter configuration (`init {}`): `{}`\n\nKeys:\n",
        profile.service_id, profile.secret_variable
    ));
    for key in profile.keys {
        let required = if key.required { "required" } else { "optional" };
        // Appmixer's reading of a key outside its connector's code is not always documented
        // (`tenantId`): what is not known to be read by Appmixer is only said to be used here.
        let reader = if key.read_by_appmixer {
            "read by Appmixer"
        } else {
            "used by connector-lint"
        };
        out.push_str(&format!(
            "  {name} ({required}, {reader}): {title}. {description}\n",
            name = key.name,
            title = key.title,
            description = key.description,
        ));
    }
    out.push_str("\nSetup (Microsoft Entra ID > App registrations):\n");
    for (number, step) in setup_steps(profile, "https://api.<subdomain>.appmixer.cloud")
        .iter()
        .enumerate()
    {
        out.push_str(&format!("  {}. {step}\n", number + 1));
    }
    out.push_str(&format!(
        "  {}\n",
        registration_check(
            profile,
            profile.service_id.rsplit(':').next().unwrap_or("config")
        )
    ));
    out
}

/// How connector-lint checks the setup steps against the app registration itself, for `file`.
pub fn registration_check(profile: &Profile, file: &str) -> String {
    let permission = if profile.permission.is_some() {
        " and the permission of step 4"
    } else {
        ""
    };
    format!(
        "Then check the registration itself: `connector-lint check {file}.yaml --probe --tenant YOUR_TENANT_ID` (the Directory (tenant) ID) reads it through Microsoft Graph with the app's own credentials (or, offline, `az ad app show --id YOUR_CLIENT_ID > app.json` and `--app-registration app.json`) and checks the account types and the Web redirect URI of step 1, the expiry of the secret of step 3{permission}. Consent is given in each customer's tenant at the first sign-in, which no check can prove ahead."
    )
}

/// The starter configuration `init` prints for a connector, drawn from its profile. It is meant
/// to be linted as it is: until the admin fills it in, `check` reports exactly the things left to
/// do (the comments say which), and nothing else.
pub fn starter_config(profile: &Profile) -> String {
    let callback = profile.callback_path;
    let example_host = "https://api.YOUR_SUBDOMAIN.appmixer.cloud";
    let checked_key = crate::rules::redirect_uri::checked_callback_key(profile);
    let mut to_dos = vec![
        (
            "client-id/placeholder",
            "clientId is still YOUR_CLIENT_ID".to_owned(),
        ),
        (
            "env/undefined",
            format!(
                "{} is not set (until you export it)",
                profile.secret_variable
            ),
        ),
    ];
    if checked_key.is_some() {
        to_dos.push((
            "redirect-uri/placeholder-host",
            "the redirect URI still says YOUR_SUBDOMAIN".to_owned(),
        ));
    }
    let width = to_dos.iter().map(|(code, _)| code.len()).max().unwrap_or(0);
    let file = profile.service_id.rsplit(':').next().unwrap_or("config");
    let mut out = format!(
        "# yaml-language-server: $schema=https://raw.githubusercontent.com/appmixer-connectors/connector-lint/main/schemas/{schema}\n\
         #\n\
         {about}\
         # Check it with (your Appmixer API URL in place of the example):\n\
         #   connector-lint check {file}.yaml --api-url https://api.acme.appmixer.cloud\n\
         #\n\
         # As printed, this file does not pass yet, on purpose: `connector-lint check` reports exactly the\n\
         # {count} things left to do, as errors, and nothing else:\n",
        schema = profile.schema_file(),
        about = wrap_comment(
            &format!(
                "Appmixer Backoffice configuration of the {} ({}).",
                profile.title(),
                profile.service_id
            ),
            96 - 2
        )
        .iter()
        .map(|line| format!("# {line}\n"))
        .collect::<String>(),
        count = if to_dos.len() == 3 { "three" } else { "two" },
    );
    for (code, what) in &to_dos {
        out.push_str(&format!("#   {code:<width$}   {what}\n"));
    }
    out.push_str(
        "#\n# Set up the app in the Azure portal, Microsoft Entra ID > App registrations:\n",
    );
    for (number, step) in setup_steps(profile, example_host).iter().enumerate() {
        let mut lines = wrap_comment(step, 96 - 5).into_iter();
        if let Some(first) = lines.next() {
            out.push_str(&format!("# {}. {first}\n", number + 1));
        }
        for line in lines {
            out.push_str(&format!("#    {line}\n"));
        }
    }
    out.push_str("#\n");
    for line in wrap_comment(&registration_check(profile, file), 96 - 2) {
        out.push_str(&format!("# {line}\n"));
    }
    out.push('\n');
    for key in profile.keys {
        let (line, comment) = match key.kind {
            KeyKind::ServiceId => (format!("serviceId: {}", profile.service_id), None),
            KeyKind::ClientId => (
                "clientId: YOUR_CLIENT_ID".to_owned(),
                Some("Application (client) ID: a GUID, on the app registration's Overview page."),
            ),
            KeyKind::ClientSecret => (
                format!("clientSecret: ${{{}}}", profile.secret_variable),
                None,
            ),
            KeyKind::Callback if Some(key.name) == checked_key => {
                (format!("{}: {example_host}{callback}", key.name), None)
            }
            _ => continue,
        };
        match (key.kind, comment) {
            (KeyKind::ClientSecret, _) => out.push_str(&format!(
                "# The secret Value, read from the environment so it never lands in version control:\n#   export {}='...'\n",
                profile.secret_variable
            )),
            (KeyKind::Callback, _) => out.push_str(&format!(
                "# The Web redirect URI registered on the app: <Appmixer API URL>{callback}.\n\
                 # A self-managed Appmixer uses its own API URL, path prefix included, e.g.\n\
                 #   https://appmixer.contoso.com/api{callback}\n"
            )),
            (_, Some(comment)) => out.push_str(&format!("# {comment}\n")),
            _ => {}
        }
        out.push_str(&line);
        out.push_str("\n\n");
    }
    // The optional keys, commented out, with what they mean.
    for key in profile.keys {
        let example = match key.kind {
            KeyKind::Tenant => "contoso.onmicrosoft.com".to_owned(),
            KeyKind::Flag => "false".to_owned(),
            KeyKind::Milliseconds => "3600000".to_owned(),
            KeyKind::Url => format!(
                "https://api.acme.appmixer.cloud{}",
                profile
                    .extra_redirect_paths
                    .first()
                    .copied()
                    .unwrap_or(callback)
            ),
            KeyKind::Text if key.name == "outputFilePrefix" => "exports".to_owned(),
            _ => continue,
        };
        let description = if key.kind == KeyKind::Tenant {
            "Directory (tenant) ID (a GUID, on the Overview page) or a verified domain; only read by `connector-lint check --probe`.".to_owned()
        } else {
            key.description.to_owned()
        };
        for line in wrap_comment(&description, 96 - 2) {
            out.push_str(&format!("# {line}\n"));
        }
        out.push_str(&format!("# {}: {example}\n\n", key.name));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The five steps of the setup guide, for the connector.
pub fn setup_steps(profile: &Profile, example_host: &str) -> Vec<String> {
    let accounts = profile.accepted_account_types_quoted();
    let permission = match &profile.permission {
        Some(permission) => format!(
            "API permissions > Add a permission > {} > Delegated permissions > {}.",
            permission.resource, permission.scope
        ),
        None => "API permissions: nothing to add ahead of time; each of the connector's components asks for the delegated permissions it needs when a user connects an account.".to_owned(),
    };
    vec![
        format!(
            "New registration. Supported account types: {accounts}. Redirect URI: platform \"Web\", {example_host}{}",
            profile.callback_path
        ),
        "Copy the Application (client) ID from the app's Overview page into `clientId`.".to_owned(),
        "Certificates & secrets > New client secret (180 days is recommended, 730 the longest the portal offers), and copy its Value (not the Secret ID): it is shown only once.".to_owned(),
        permission,
        format!(
            "Paste `clientId` and `clientSecret` into the Appmixer Backoffice (Connectors, `{}`).",
            profile.service_id
        ),
    ]
}

/// Splits a comment into lines of at most `width` characters, at spaces.
fn wrap_comment(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The sections of `docs/rules.md`: a title and the code prefixes it holds (the SPEC's tables).
pub const SECTIONS: &[(&str, &[&str])] = &[
    ("Loading and shape", &["load/", "service-id/", "key/"]),
    (
        "Values",
        &[
            "value/",
            "env/",
            "client-id/",
            "client-secret/",
            "redirect-uri/",
            "tenant/",
        ],
    ),
    ("Probe", &["probe/"]),
    ("App registration", &["registration/"]),
    ("Suppressions", &["suppression/"]),
    ("Live Backoffice", &["backoffice/"]),
];

/// The path of the generated page, relative to the repository.
pub const DOCS_PATH: &str = "docs/rules.md";

fn section_of(rule: &Rule) -> &'static str {
    SECTIONS
        .iter()
        .find(|(_, prefixes)| prefixes.iter().any(|prefix| rule.id.starts_with(prefix)))
        .map_or("Other", |(title, _)| title)
}

/// The fragment of a rule's `help_uri`, i.e. the anchor of its heading.
fn anchor(rule: &Rule) -> String {
    let uri = rule.help_uri();
    uri.rsplit_once('#')
        .map(|(_, fragment)| fragment.to_owned())
        .unwrap_or_default()
}

/// `docs/rules.md`, generated from the catalogue. Each rule's heading is its code alone, so
/// GitHub's heading anchor is the slug `Rule::help_uri` points at.
pub fn docs_markdown() -> String {
    let mut out = String::new();
    out.push_str("# connector-lint rules\n\n");
    out.push_str("<!-- Generated from src/catalogue.rs; do not edit. Regenerate with: UPDATE_DOCS=1 cargo test --test rules_docs -->\n\n");
    out.push_str("Every diagnostic `connector-lint` reports, with its severity, why it matters and how to fix it.\n");
    out.push_str("`connector-lint explain CODE` prints the same text in a terminal; `connector-lint explain --list` lists the codes.\n");
    out.push_str("Messages and help in a report are specific to the value found; this page is the general rule.\n");
    out.push_str("\n## Connectors\n\nThe connectors connector-lint checks, as their profiles describe them (`connector-lint explain SERVICE` prints the same).\n");
    for profile in crate::connectors::PROFILES {
        let text = connector(profile);
        let (heading, body) = text.split_once("\n\n").unwrap_or((&text, ""));
        out.push_str(&format!(
            "\n### `{}`\n\n{}\n\n",
            profile.service_id,
            heading.split_once(": ").map_or(heading, |(_, title)| title)
        ));
        for line in body.lines() {
            if let Some(item) = line.strip_prefix("  ") {
                out.push_str(&format!("- {item}\n"));
            } else if line.is_empty() {
                out.push('\n');
            } else if line.ends_with(':') {
                out.push_str(&format!("**{}**\n\n", line.trim_end_matches(':')));
            } else {
                out.push_str(&format!("{line}  \n"));
            }
        }
    }
    // Each section once, in the order of its first code (codes appended later join theirs).
    let mut titles: Vec<&str> = Vec::new();
    for title in CATALOGUE.iter().map(section_of) {
        if !titles.contains(&title) {
            titles.push(title);
        }
    }
    for title in titles {
        out.push_str(&format!(
            "\n## {title}\n\n| code | severity | what it catches | `--fix` |\n|---|---|---|---|\n"
        ));
        let rules: Vec<&Rule> = CATALOGUE
            .iter()
            .filter(|rule| section_of(rule) == title)
            .collect();
        for rule in &rules {
            out.push_str(&format!(
                "| [`{id}`](#{anchor}) | {severity} | {title} | {fixable} |\n",
                id = rule.id,
                anchor = anchor(rule),
                severity = rule.severity.as_str(),
                title = rule.title.replace('|', "\\|"),
                fixable = if rule.autofix().is_some() { "yes" } else { "" },
            ));
        }
        for rule in rules {
            out.push_str(&format!(
                "\n### `{id}`\n\n**{severity}**: {title}.\n\n**Why it matters.** {why}\n\n**How to fix it.** {fix}\n\n**Automatic fix.** {autofix}\n",
                id = rule.id,
                severity = rule.severity.as_str(),
                title = rule.title,
                why = rule.why,
                fix = rule.fix,
                autofix = autofix_text(rule),
            ));
        }
    }
    out
}

/// GitHub's heading anchor: lower case, punctuation other than `-` and `_` dropped, spaces to `-`.
pub fn github_slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_has_every_code() {
        let listed = list();
        assert_eq!(listed.lines().count(), CATALOGUE.len());
        for rule in CATALOGUE {
            assert!(listed.contains(rule.id));
        }
    }

    #[test]
    fn unknown_codes_get_suggestions() {
        assert!(
            closest_codes("client-secret/looks-like-secretid")
                .contains(&"client-secret/looks-like-secret-id")
        );
        assert!(closest_codes("zzz").is_empty());
        // Without its family.
        assert_eq!(
            closest_codes("looks-like-secret-id").first(),
            Some(&"client-secret/looks-like-secret-id")
        );
        assert_eq!(
            closest_codes("not-api-host").first(),
            Some(&"redirect-uri/not-api-host")
        );
    }

    #[test]
    fn doc_anchors_match_help_uris() {
        let docs = docs_markdown();
        let headings: Vec<String> = docs
            .lines()
            .filter_map(|line| line.strip_prefix('#'))
            .map(|line| github_slug(line.trim_start_matches('#').trim()))
            .collect();
        let mut unique = headings.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), headings.len(), "duplicate heading anchors");
        for rule in CATALOGUE {
            assert!(
                headings.contains(&anchor(rule)),
                "{}: no heading with anchor {}",
                rule.id,
                anchor(rule)
            );
            assert!(
                docs.contains(rule.why) && docs.contains(rule.fix),
                "{}",
                rule.id
            );
        }
    }

    #[test]
    fn every_rule_is_in_a_section() {
        for rule in CATALOGUE {
            assert_ne!(section_of(rule), "Other", "{}", rule.id);
        }
    }

    #[test]
    fn starter_starts_with_the_schema_line() {
        for profile in crate::connectors::PROFILES {
            let starter = starter_config(profile);
            assert!(starter.starts_with("# yaml-language-server: $schema=https://"));
            let first = starter.lines().next().unwrap_or_default();
            assert!(first.ends_with(&format!("/schemas/{}", profile.schema_file())));
            assert!(starter.contains(&format!("clientSecret: ${{{}}}", profile.secret_variable)));
            assert!(
                starter
                    .lines()
                    .skip(1)
                    .all(|line| line.chars().count() <= 100),
                "{starter}"
            );
        }
    }
}
