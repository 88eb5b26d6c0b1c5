//! Texts printed by `explain` and `init`, drawn from the rule catalogue.

use crate::catalogue::{CATALOGUE, Rule};

/// The full explanation of one rule.
pub fn explain(rule: &Rule) -> String {
    format!(
        "{id} ({severity}): {title}\n\nWhy it matters:\n  {why}\n\nHow to fix it:\n  {fix}\n\nMore: {uri}\n",
        id = rule.id,
        severity = rule.severity.as_str(),
        title = rule.title,
        why = rule.why,
        fix = rule.fix,
        uri = rule.help_uri(),
    )
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
    let mut scored: Vec<(f64, &'static str)> = CATALOGUE
        .iter()
        .map(|rule| (strsim::jaro_winkler(code, rule.id), rule.id))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

/// The starter configuration printed by `init`. It is meant to be linted as it is: until the admin
/// fills it in, `check` reports exactly the three things left to do (the comments say which), and
/// nothing else.
pub const STARTER_CONFIG: &str = r#"# yaml-language-server: $schema=https://raw.githubusercontent.com/appmixer-connectors/connector-lint/main/schemas/appmixer.azuredevops.schema.json
#
# Appmixer Backoffice configuration of the Azure DevOps connector (appmixer:azuredevops).
# Check it with:  connector-lint check azdo.yaml --api-url https://api.<your-tenant>.appmixer.cloud
#
# As printed, this file does not pass yet, on purpose: `connector-lint check` reports exactly the
# three things left to do, as errors, and nothing else:
#   client-id/placeholder           clientId is still YOUR_CLIENT_ID
#   env/undefined                   AZDO_CLIENT_SECRET is not set (until you export it)
#   redirect-uri/placeholder-host   the redirect URI still says YOUR_SUBDOMAIN
#
# In Microsoft Entra ID > App registrations:
# 1. New registration; under Authentication add the platform "Web" with the redirect URI
#    https://api.<your-tenant>.appmixer.cloud/auth/azuredevops/callback
# 2. API permissions > Add a permission > Azure DevOps > Delegated > user_impersonation.
# 3. Certificates & secrets > New client secret, and copy its Value (not the Secret ID): it is
#    shown only once.

serviceId: appmixer:azuredevops

# Application (client) ID: a GUID, on the app registration's Overview page.
clientId: YOUR_CLIENT_ID

# The secret Value, read from the environment so it never lands in version control:
#   export AZDO_CLIENT_SECRET='...'
clientSecret: ${AZDO_CLIENT_SECRET}

# The Web redirect URI registered on the app: <Appmixer API URL>/auth/azuredevops/callback.
# A self-managed Appmixer uses its own API URL, path prefix included, e.g.
#   https://appmixer.contoso.com/api/auth/azuredevops/callback
redirectUri: https://api.YOUR_SUBDOMAIN.appmixer.cloud/auth/azuredevops/callback

# Directory (tenant) ID (a GUID, on the Overview page) or a verified domain; only read by
# `connector-lint check --probe`. Uncomment and fill in to use it.
# tenantId: contoso.onmicrosoft.com
"#;

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
    let mut titles: Vec<&str> = CATALOGUE.iter().map(section_of).collect();
    titles.dedup();
    for title in titles {
        out.push_str(&format!(
            "\n## {title}\n\n| code | severity | what it catches |\n|---|---|---|\n"
        ));
        let rules: Vec<&Rule> = CATALOGUE
            .iter()
            .filter(|rule| section_of(rule) == title)
            .collect();
        for rule in &rules {
            out.push_str(&format!(
                "| [`{id}`](#{anchor}) | {severity} | {title} |\n",
                id = rule.id,
                anchor = anchor(rule),
                severity = rule.severity.as_str(),
                title = rule.title.replace('|', "\\|"),
            ));
        }
        for rule in rules {
            out.push_str(&format!(
                "\n### `{id}`\n\n**{severity}**: {title}.\n\n**Why it matters.** {why}\n\n**How to fix it.** {fix}\n",
                id = rule.id,
                severity = rule.severity.as_str(),
                title = rule.title,
                why = rule.why,
                fix = rule.fix,
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
        assert!(STARTER_CONFIG.starts_with("# yaml-language-server: $schema=https://"));
        let first = STARTER_CONFIG.lines().next().unwrap_or_default();
        assert!(first.ends_with("/schemas/appmixer.azuredevops.schema.json"));
        assert!(STARTER_CONFIG.contains("clientSecret: ${AZDO_CLIENT_SECRET}"));
    }
}
