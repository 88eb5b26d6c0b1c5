//! `redirect-uri/*`: the Web redirect URI registered on the Entra app (`redirectUri`) and
//! Appmixer's per-service override (`callbackUrl`), which follow the same rules. Both must be
//! `<Appmixer API URL>/auth/azuredevops/callback`.
//!
//! The checks read the URI *as written* where Entra compares it character for character (scheme,
//! path), and use the `url` crate to validate the rest. On `*.appmixer.cloud` the API URL has no
//! path, so the path is exactly the callback path and the host is the `api.` host; a self-managed
//! Appmixer may serve its API under a path prefix, so there the path only has to end in it.

use url::Url;

use super::{Finding, RuleContext, values, with_origin};
use crate::catalogue::{Code, Severity};
use crate::connectors::{KeyKind, Profile};
use crate::record::{Origin, Record};

/// What a URI key must be: the connector's OAuth callback (`exact_path`: the path, query and host
/// rules apply), or another redirect URI of the connector (the file picker's), checked as a URL
/// only; `path` is then only the example help texts give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    pub path: &'a str,
    pub exact_path: bool,
}

impl<'a> Target<'a> {
    /// The target of a key of the record's connector.
    pub fn of(profile: &'a Profile, kind: KeyKind) -> Target<'a> {
        match kind {
            KeyKind::Url => Target {
                path: profile
                    .extra_redirect_paths
                    .first()
                    .copied()
                    .unwrap_or(profile.callback_path),
                exact_path: false,
            },
            _ => Target {
                path: profile.callback_path,
                exact_path: true,
            },
        }
    }
}

/// Entra's limit on the length of a redirect URI.
pub const MAX_LENGTH: usize = 256;

/// Characters Entra rejects in a redirect URI.
pub const FORBIDDEN: &[char] = &['!', '$', '\'', '(', ')', ',', ';'];

/// `FORBIDDEN` as a table indexed by byte, so a value is scanned without decoding it (every
/// forbidden character is ASCII: a non-ASCII one added to the list fails to compile here).
const FORBIDDEN_BYTES: [bool; 128] = {
    let mut table = [false; 128];
    let mut index = 0;
    while index < FORBIDDEN.len() {
        table[FORBIDDEN[index] as usize] = true;
        index += 1;
    }
    table
};

const CLOUD_DOMAIN: &str = "appmixer.cloud";

/// Host labels of Appmixer's own front ends, which are not the API.
const FRONT_END_LABELS: &[&str] = &["my", "backoffice", "studio", "www"];

/// Host labels (letters and digits only, lower case) left from a template.
const PLACEHOLDER_LABELS: &[&str] = &[
    "subdomain",
    "tenant",
    "yourtenant",
    "yoursubdomain",
    "yourdomain",
    "yourcompany",
    "yourhost",
    "yourorg",
    "domain",
    "hostname",
    "host",
    "todo",
    "changeme",
];

/// The registration page, for help texts.
const REGISTER: &str = "register it on the Entra app (App registrations > your app > Authentication > Web > Redirect URIs)";

/// The redirect URI `--api-url` implies: the API URL without trailing slashes (a path prefix is
/// kept) followed by the callback path. An API URL that already ends in the callback path is
/// taken as the callback itself rather than getting the path twice.
pub fn expected_from_api_url(api: &Url, callback: &str) -> String {
    let origin = api.origin().ascii_serialization();
    let path = api.path().trim_end_matches('/');
    let path = path.strip_suffix(callback).unwrap_or(path);
    format!("{origin}{path}{callback}")
}

/// A URL for a message: without user name and password, in case one was written into it.
fn display(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() || !shown.username().is_empty() {
        // Both setters only fail for URLs without a host, which never reach this point.
        let _ = shown.set_password(None);
        let _ = shown.set_username("");
    }
    shown.to_string()
}

/// The parts of a URI as written, before any normalisation.
#[derive(Debug, PartialEq, Eq)]
struct Written<'a> {
    scheme: &'a str,
    host: &'a str,
    path: &'a str,
}

fn split(value: &str) -> Option<Written<'_>> {
    let (scheme, rest) = value.split_once("://")?;
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|byte| byte.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return None;
    }
    // The delimiters are ASCII, so a byte position found here is a character boundary.
    let find = |text: &str, delimiters: &[u8]| {
        text.bytes()
            .position(|byte| delimiters.contains(&byte))
            .unwrap_or(text.len())
    };
    let authority_end = find(rest, b"/?#");
    let authority = &rest[..authority_end];
    let after = &rest[authority_end..];
    let path = &after[..find(after, b"?#")];
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if host_port.starts_with('[') {
        host_port
            .find(']')
            .map_or(host_port, |end| &host_port[..=end])
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => host_port,
        }
    };
    Some(Written { scheme, host, path })
}

/// Whether a host as written still holds a template (`api.YOUR_SUBDOMAIN.appmixer.cloud`,
/// `api.<tenant>.appmixer.cloud`, `example.com`).
pub fn is_placeholder_host(host: &str) -> bool {
    let lower = if host.bytes().any(|byte| byte.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(host.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(host)
    };
    let lower = lower.as_ref();
    if lower
        .bytes()
        .any(|byte| matches!(byte, b'<' | b'>' | b'{' | b'}' | b'*'))
    {
        return true;
    }
    let reserved = ["example.com", "example.org", "example.net", "example"];
    if reserved
        .iter()
        .any(|domain| is_domain_or_subdomain(lower, domain))
    {
        return true;
    }
    lower.split('.').any(|label| {
        // Hosts are checked for every record: normalise only labels that need it.
        let normalized = if label.bytes().all(|byte| byte.is_ascii_alphanumeric()) {
            std::borrow::Cow::Borrowed(label)
        } else {
            std::borrow::Cow::Owned(label.chars().filter(char::is_ascii_alphanumeric).collect())
        };
        PLACEHOLDER_LABELS.contains(&normalized.as_ref())
            || (normalized.starts_with("your") && normalized.len() > 4)
            || (normalized.len() >= 3 && normalized.chars().all(|c| c == 'x'))
    })
}

/// `host` is `domain` or one of its subdomains.
fn is_domain_or_subdomain(host: &str, domain: &str) -> bool {
    host.strip_suffix(domain)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

fn is_cloud_host(host: &str) -> bool {
    is_domain_or_subdomain(host, CLOUD_DOMAIN)
}

/// The `api.` host for an `*.appmixer.cloud` host that is not one, when it can be derived.
fn cloud_api_host(host: &str) -> Result<(), Option<String>> {
    let labels = host.split('.').count();
    let (front, rest) = host.split_once('.').unwrap_or((host, ""));
    match labels {
        // `api.<tenant>.appmixer.cloud`
        4 if front == "api" => Ok(()),
        // `appmixer.cloud`
        2 => Err(None),
        // `<tenant>.appmixer.cloud`
        3 => Err(Some(format!("api.{host}"))),
        // `<front end>.<tenant>.appmixer.cloud`
        4 => Err(Some(format!("api.{rest}"))),
        _ if FRONT_END_LABELS.contains(&front) => Err(Some(format!("api.{rest}"))),
        _ => Ok(()),
    }
}

/// The callback URI on the same origin, keeping a self-managed path prefix when one can be told.
fn suggested_uri(origin: &str, path: &str, on_cloud: bool, callback: &str) -> String {
    if on_cloud {
        return format!("{origin}{callback}");
    }
    let trimmed = path.trim_end_matches('/');
    let lower = trimmed.to_ascii_lowercase();
    let prefix = if let Some(index) = lower.rfind("/auth/") {
        &trimmed[..index]
    } else if lower.ends_with("/callback") {
        &trimmed[..trimmed.len() - "/callback".len()]
    } else {
        trimmed
    };
    format!("{origin}{prefix}{callback}")
}

/// The outcome of judging one URI.
#[derive(Debug)]
pub struct Judged<'a> {
    pub findings: Vec<Finding>,
    /// The URI (cleaned) when it has no error of its own: only then is it compared.
    pub valid: Option<&'a str>,
}

impl Judged<'_> {
    /// The valid URI, parsed (for comparisons, which are rare: most runs have no `--api-url`).
    pub fn valid_url(&self) -> Option<Url> {
        self.valid.and_then(|value| Url::parse(value).ok())
    }
}

/// What the checks need from a parsed URI. `url` is `None` when the value is a plain
/// `https://host/path` that parsing could not change (see [`plain_https_host`]).
struct Parsed {
    host: String,
    url: Option<Url>,
}

impl Parsed {
    fn has_query(&self) -> bool {
        self.url.as_ref().is_some_and(|url| url.query().is_some())
    }

    fn has_fragment(&self) -> bool {
        self.url
            .as_ref()
            .is_some_and(|url| url.fragment().is_some())
    }

    fn port(&self) -> Option<u16> {
        self.url.as_ref().and_then(Url::port)
    }

    /// `scheme://host[:port]`, as the URL standard serialises an origin.
    fn origin(&self) -> String {
        match &self.url {
            Some(url) => url.origin().ascii_serialization(),
            None => format!("https://{}", self.host),
        }
    }
}

/// The host of a URI written as `https://host[/path]` with nothing the URL parser would change or
/// reject: host labels of lower-case letters, digits and hyphens (none starting with `xn--`, the
/// last starting with a letter, so it cannot be read as an IPv4 number), and a path of letters,
/// digits, `/`, `-`, `_` and `~`. Parsing such a URI gives that host and no port, query or
/// fragment (a test holds this to `Url::parse`), so the parser, a third of this rule's cost on
/// every record, is skipped for it.
fn plain_https_host(value: &str) -> Option<&str> {
    let rest = value.strip_prefix("https://")?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let label_ok = |label: &str| {
        !label.is_empty()
            && !label.starts_with("xn--")
            && label
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
    };
    let last_is_name = host
        .rsplit('.')
        .next()
        .and_then(|label| label.bytes().next())
        .is_some_and(|byte| byte.is_ascii_lowercase());
    let path_ok = path
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'-' | b'_' | b'~'));
    (host.split('.').all(label_ok) && last_is_name && path_ok).then_some(host)
}

/// Judges one `redirectUri` or `callbackUrl` value as written (it is cleaned here).
pub fn judge<'a>(key: &str, raw: &'a str, origin: &Origin, target: Target<'_>) -> Judged<'a> {
    #[allow(non_snake_case)]
    let CALLBACK_PATH = target.path;
    let value = values::cleaned(raw);
    let described = origin.describe();
    let mut findings = Vec::new();
    let fix = |help: String| with_origin(help, origin);
    let invalid = |message: String, help: String| {
        Finding::new(Code::RedirectUriInvalidUrl, key, message).help(with_origin(help, origin))
    };
    let generic = || {
        format!(
            "write `https://<Appmixer API host>{CALLBACK_PATH}`, e.g. `https://api.acme.appmixer.cloud{CALLBACK_PATH}`"
        )
    };

    if value.is_empty() {
        findings.push(invalid(format!("`{key}`{described} is empty"), generic()));
        return Judged {
            findings,
            valid: None,
        };
    }
    // A character is at least a byte: only a long value needs counting.
    let length = if value.len() > MAX_LENGTH {
        value.chars().count()
    } else {
        value.len()
    };
    if length > MAX_LENGTH {
        findings.push(
            Finding::new(
                Code::RedirectUriTooLong,
                key,
                format!(
                    "`{key}`{described} has {length} characters; Entra accepts at most {MAX_LENGTH}"
                ),
            )
            .help(fix(format!(
                "use the plain callback URI `<API URL>{CALLBACK_PATH}`"
            ))),
        );
    }
    let has_forbidden = value
        .bytes()
        .any(|byte| FORBIDDEN_BYTES.get(usize::from(byte)) == Some(&true));
    let mut forbidden: Vec<char> = if has_forbidden {
        value.chars().filter(|c| FORBIDDEN.contains(c)).collect()
    } else {
        Vec::new()
    };
    forbidden.dedup();
    if !forbidden.is_empty() {
        let list: Vec<String> = forbidden.iter().map(|c| format!("`{c}`")).collect();
        findings.push(
            Finding::new(
                Code::RedirectUriForbiddenCharacter,
                key,
                format!(
                    "`{key}`{described} contains {}, which Entra rejects in a redirect URI",
                    list.join(", ")
                ),
            )
            .help(fix(format!(
                "remove the character; the callback URI is `<API URL>{CALLBACK_PATH}`"
            ))),
        );
    }
    // The `url` crate silently drops tabs and newlines inside a URL; Entra would not.
    // In ASCII text that is a space or a control character, found byte by byte.
    let blank = |c: char| c.is_whitespace() || c.is_control();
    let has_blank = if value.is_ascii() {
        value.bytes().any(|byte| blank(char::from(byte)))
    } else {
        true
    };
    if let Some((position, c)) = has_blank
        .then(|| value.chars().enumerate().find(|(_, c)| blank(*c)))
        .flatten()
    {
        let what = match c {
            ' ' => "a space".to_owned(),
            '\t' => "a tab".to_owned(),
            '\n' => "a line break".to_owned(),
            other => format!("an invisible character (U+{:04X})", other as u32),
        };
        findings.push(invalid(
            format!(
                "`{key}`{described} contains {what} at character {}",
                position + 1
            ),
            "remove it: a URI has no whitespace (encode a space in a path as `%20`)".to_owned(),
        ));
        return Judged {
            findings,
            valid: None,
        };
    }
    let Some(written) = split(value) else {
        let (message, help) = if !value.contains(':') && value.contains('.') {
            (
                format!("`{key}`{described} has no scheme: it is not an absolute URL"),
                format!("write `https://{value}`"),
            )
        } else if value.contains(":/") || value.contains(":\\") {
            (
                format!(
                    "`{key}`{described} is not an absolute URL: the scheme must be followed by `://`"
                ),
                generic(),
            )
        } else {
            (
                format!("`{key}`{described} is not an absolute URL"),
                generic(),
            )
        };
        findings.push(invalid(message, help));
        return Judged {
            findings,
            valid: None,
        };
    };
    let placeholder_host = is_placeholder_host(written.host);
    if placeholder_host {
        findings.push(
            Finding::new(
                Code::RedirectUriPlaceholderHost,
                key,
                format!("`{key}`{described} has the template host `{}`", written.host),
            )
            .help(fix(format!(
                "use the host of your Appmixer API, e.g. `https://api.acme.appmixer.cloud{CALLBACK_PATH}` (pass `--api-url` to have it compared)"
            ))),
        );
    }
    let parsed = match plain_https_host(value) {
        Some(host) => Parsed {
            host: host.to_owned(),
            url: None,
        },
        None => {
            let url = match Url::parse(value) {
                Ok(url) if url.host_str().is_some_and(|host| !host.is_empty()) => Ok(url),
                Ok(_) => Err(format!("`{key}`{described} has no host")),
                Err(error) => Err(format!("`{key}`{described} is not a valid URL: {error}")),
            };
            match url {
                Ok(url) => Parsed {
                    host: url.host_str().unwrap_or_default().to_owned(),
                    url: Some(url),
                },
                Err(message) => {
                    // A template host is usually what the parser trips over: one error is enough.
                    if !placeholder_host {
                        findings.push(invalid(message, generic()));
                    }
                    return Judged {
                        findings,
                        valid: None,
                    };
                }
            }
        }
    };
    let host = parsed.host.as_str();
    let on_cloud = is_cloud_host(host);

    // Scheme, as written: `https`, or `http` for `localhost` only.
    let localhost = written.host == "localhost";
    if !(written.scheme == "https" || (written.scheme == "http" && localhost)) {
        let after_scheme = value.split_once("://").map_or("", |(_, rest)| rest);
        let (message, help) = if written.scheme.eq_ignore_ascii_case("https") {
            (
                format!(
                    "`{key}`{described} writes the scheme as `{}`",
                    written.scheme
                ),
                format!(
                    "write `https://{after_scheme}`: Entra and Appmixer compare the URI as text, in lower case"
                ),
            )
        } else if written.scheme.eq_ignore_ascii_case("http")
            && written.host.eq_ignore_ascii_case("localhost")
        {
            (
                format!(
                    "`{key}`{described} is a local development URI, but only `http://localhost` in lower case is allowed over http"
                ),
                format!(
                    "write `http://localhost{}`",
                    // `find` gives a character boundary, whatever precedes the host.
                    after_scheme
                        .find(written.host)
                        .map_or("", |at| &after_scheme[at + written.host.len()..])
                ),
            )
        } else if written.scheme.eq_ignore_ascii_case("http") {
            let loopback = matches!(host, "127.0.0.1" | "[::1]");
            (
                format!(
                    "`{key}`{described} uses `http`; Entra requires `https` except for `http://localhost`"
                ),
                if loopback {
                    format!("for local development write `http://localhost` instead of `{host}`")
                } else {
                    format!("use `https://{after_scheme}`")
                },
            )
        } else {
            (
                format!(
                    "`{key}`{described} uses the scheme `{}`; a Web redirect URI uses `https`",
                    written.scheme
                ),
                format!("use `https://{after_scheme}`"),
            )
        };
        findings.push(Finding::new(Code::RedirectUriInsecureScheme, key, message).help(fix(help)));
    }

    if target.exact_path && parsed.has_query() {
        findings.push(
            Finding::new(
                Code::RedirectUriHasQuery,
                key,
                format!("`{key}`{described} has a query string (`?…`)"),
            )
            .help(fix(format!(
                "remove everything from `?` on; Appmixer sends the plain `…{CALLBACK_PATH}`"
            ))),
        );
    }
    if parsed.has_fragment() {
        findings.push(
            Finding::new(
                Code::RedirectUriHasFragment,
                key,
                format!(
                    "`{key}`{described} has a fragment (`#…`); Entra rejects redirect URIs with one"
                ),
            )
            .help(fix("remove everything from `#` on".to_owned())),
        );
    }

    if !target.exact_path {
        let clean = findings
            .iter()
            .all(|finding| finding.code.severity() != Severity::Error);
        return Judged {
            findings,
            valid: clean.then_some(value),
        };
    }

    // Path, as written (the `url` crate would resolve `.` segments and percent-encode).
    let path = written.path;
    let trimmed = path.trim_end_matches('/');
    let mut judged_path = path;
    if trimmed.len() < path.len() && trimmed.to_ascii_lowercase().ends_with("/callback") {
        judged_path = trimmed;
        findings.push(
            Finding::new(
                Code::RedirectUriTrailingSlash,
                key,
                format!("`{key}`{described} ends in `/callback/`: the trailing slash makes it a different URI"),
            )
            .help(fix(format!(
                "write `{}` here and in the Entra app registration",
                suggested_uri(&parsed.origin(), trimmed, on_cloud, CALLBACK_PATH)
            ))),
        );
    }
    let path_ok = if on_cloud {
        judged_path == CALLBACK_PATH
    } else {
        judged_path.ends_with(CALLBACK_PATH)
    };
    if !path_ok {
        let lower = judged_path.to_ascii_lowercase();
        let case_only = if on_cloud {
            lower == CALLBACK_PATH
        } else {
            lower.ends_with(CALLBACK_PATH)
        };
        let message = if case_only {
            format!(
                "`{key}`{described} has the path `{judged_path}`, which differs from `{CALLBACK_PATH}` only in letter case; Entra compares it exactly"
            )
        } else if judged_path.is_empty() || judged_path == "/" {
            format!("`{key}`{described} has no path; the callback is at `{CALLBACK_PATH}`")
        } else if on_cloud && judged_path.ends_with(CALLBACK_PATH) {
            format!(
                "`{key}`{described} has the path `{judged_path}`; on `*.{CLOUD_DOMAIN}` the path is exactly `{CALLBACK_PATH}`, with no prefix"
            )
        } else {
            format!(
                "`{key}`{described} has the path `{judged_path}`, which does not end in `{CALLBACK_PATH}`"
            )
        };
        findings.push(
            Finding::new(Code::RedirectUriWrongPath, key, message).help(fix(format!(
                "use `{}`{}",
                suggested_uri(&parsed.origin(), judged_path, on_cloud, CALLBACK_PATH),
                if on_cloud {
                    ""
                } else {
                    " (keep the path prefix your Appmixer API is served under, if any)"
                }
            ))),
        );
    }

    if on_cloud
        && !placeholder_host
        && let Err(corrected) = cloud_api_host(host)
    {
        let port = parsed
            .port()
            .map(|port| format!(":{port}"))
            .unwrap_or_default();
        let front = host.split('.').next().unwrap_or_default();
        let which = match front {
            "my" | "studio" => " (the Studio)",
            "backoffice" => " (the Backoffice)",
            _ => "",
        };
        let help = match corrected {
            Some(api_host) => format!(
                "use `https://{api_host}{port}{CALLBACK_PATH}`: the callback is served by the API host, and {REGISTER}"
            ),
            None => format!(
                "use `https://api.<your-tenant>.{CLOUD_DOMAIN}{CALLBACK_PATH}`: the callback is served by the API host"
            ),
        };
        findings.push(
            Finding::new(
                Code::RedirectUriNotApiHost,
                key,
                format!(
                    "`{key}`{described} points at `{host}`{which}, not at the API host `api.<tenant>.{CLOUD_DOMAIN}`"
                ),
            )
            .help(fix(help)),
        );
    }

    let clean = findings
        .iter()
        .all(|finding| finding.code.severity() != Severity::Error);
    Judged {
        findings,
        valid: clean.then_some(value),
    }
}

/// A hint when `--api-url` itself points at a front end rather than the API.
fn api_url_hint(api: &Url) -> String {
    match api.host_str() {
        Some(host) if is_cloud_host(host) && cloud_api_host(host).is_err() => format!(
            " Note that `--api-url` points at `{host}`, which is not the API host `api.<tenant>.{CLOUD_DOMAIN}`."
        ),
        _ => String::new(),
    }
}

pub fn check(record: &Record, context: &RuleContext) -> Vec<Finding> {
    let profile = record.profile;
    let callback = profile.callback_path;
    let mut findings = Vec::new();
    for (key, value) in record.texts_of(KeyKind::Url) {
        let origin = record.origin(key);
        findings.extend(judge(key, value, &origin, Target::of(profile, KeyKind::Url)).findings);
    }
    let mut judged = Vec::new();
    for (key, value) in record.texts_of(KeyKind::Callback) {
        let origin = record.origin(key);
        let result = judge(key, value, &origin, Target::of(profile, KeyKind::Callback));
        findings.extend(result.findings);
        // Parsed again only for the comparisons below, which few runs make.
        judged.push((key, origin, result.valid));
    }

    // `redirect-uri/mismatch`, among the values that passed their own checks.
    let expected = context.api_url.as_ref().and_then(|api| {
        let text = expected_from_api_url(api, callback);
        Url::parse(&text).ok().map(|url| (url, api_url_hint(api)))
    });
    match expected {
        Some((expected, hint)) => {
            for (key, origin, valid) in &judged {
                if let Some(valid) = valid.and_then(|value| Url::parse(value).ok())
                    && valid != expected
                {
                    findings.push(
                        Finding::new(
                            Code::RedirectUriMismatch,
                            key,
                            format!(
                                "`{key}`{} is `{}`, but `--api-url` gives `{}`",
                                origin.describe(),
                                display(&valid),
                                display(&expected)
                            ),
                        )
                        .help(with_origin(
                            format!(
                                "if `--api-url` is right, set `{key}` to `{}` and {REGISTER}; otherwise correct `--api-url` (or `APPMIXER_API_URL`).{hint}",
                                display(&expected)
                            ),
                            origin,
                        )),
                    );
                }
            }
        }
        None => {
            if let [
                (redirect_key, redirect_origin, Some(redirect)),
                (callback_key, callback_origin, Some(callback)),
            ] = judged.as_slice()
                && let (Ok(redirect), Ok(callback)) = (Url::parse(redirect), Url::parse(callback))
                && redirect != callback
            {
                findings.push(
                    Finding::new(
                        Code::RedirectUriMismatch,
                        callback_key,
                        format!(
                            "`{callback_key}`{} is `{}`, but `{redirect_key}`{} is `{}`",
                            callback_origin.describe(),
                            display(&callback),
                            redirect_origin.describe(),
                            display(&redirect)
                        ),
                    )
                    .help(with_origin(
                        format!(
                            "Appmixer sends `{callback_key}` and Entra accepts only registered URIs: make both `{}` (or remove `{callback_key}`), and {REGISTER}",
                            display(&redirect)
                        ),
                        callback_origin,
                    )),
                );
            }
        }
    }
    findings
}

/// The key a note asks to add for the callback to be checked: one only connector-lint reads, such
/// as Azure DevOps's `redirectUri` (adding a key Appmixer reads would change what it sends).
pub fn checked_callback_key(profile: &Profile) -> Option<&'static str> {
    profile
        .keys_of(KeyKind::Callback)
        .find(|key| !key.read_by_appmixer)
        .map(|key| key.name)
}

/// The note for a record whose callback is not checked (the pipeline asks only for a record
/// without [`checked_callback_key`], or without any callback key when the connector has none such):
/// the exact URI to register, when it can be known.
pub fn notes(record: &Record, context: &RuleContext) -> Option<String> {
    let profile = record.profile;
    let callback = profile.callback_path;
    let checked_key = checked_callback_key(profile);
    let checked = match checked_key {
        Some(key) => record.has(key),
        None => record.texts_of(KeyKind::Callback).next().is_some(),
    };
    if checked {
        return None;
    }
    let exact = match &context.api_url {
        Some(api) => Some(expected_from_api_url(api, callback)),
        None => record.texts_of(KeyKind::Callback).find_map(|(key, value)| {
            judge(
                key,
                value,
                &record.origin(key),
                Target::of(profile, KeyKind::Callback),
            )
            .valid_url()
            .map(|url| display(&url))
        }),
    };
    let Some(key) = checked_key else {
        let title = profile.title();
        return Some(match exact {
            Some(uri) => format!("the {title} sends the redirect URI `{uri}` to Entra: {REGISTER}"),
            None => format!(
                "the {title} sends the redirect URI `<Appmixer API URL>{callback}` to Entra (e.g. `https://api.acme.appmixer.cloud{callback}`): {REGISTER}; run with `--api-url` to get the exact URI"
            ),
        });
    };
    Some(match exact {
        Some(uri) => format!(
            "this record has no `{key}`: {REGISTER} as `{uri}` (and add `{key}: {uri}` to have it checked)"
        ),
        None => format!(
            "this record has no `{key}`: {REGISTER} as `<Appmixer API URL>{callback}`, e.g. `https://api.acme.appmixer.cloud{callback}`; run with `--api-url` to get the exact URI"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALLBACK_PATH: &str = "/auth/azuredevops/callback";
    const CALLBACK: Target<'static> = Target {
        path: CALLBACK_PATH,
        exact_path: true,
    };
    use crate::rules::testing::{codes, record};

    /// Whenever the shortcut takes a value, `Url::parse` accepts it with the same host and no
    /// port, query or fragment, and the origin the checks print is the parser's.
    #[test]
    fn plain_https_hosts_are_what_the_parser_gives() {
        let hosts = [
            "api.acme.appmixer.cloud",
            "a",
            "x-y.z0",
            "xn--bcher-kva.example",
            "api.xn--x.com",
            "1.2.3.4",
            "api.123",
            "api.0x1f",
            "a..b",
            ".a",
            "a.",
            "-a-.b-",
            "API.acme.com",
            "a_b.c",
            "a%41.com",
            "a@b.com",
            "a:1.com",
            "[::1]",
            "é.com",
            "a b.com",
            "",
            "localhost",
            "a.b.c.d.e.f",
            "ab--cd.example",
            "xn--.a",
            "a.xn--",
            "0a.b",
            "a.0b",
        ];
        let paths = [
            "",
            "/",
            "/auth/azuredevops/callback",
            "//x",
            "/a/./b",
            "/a/../b",
            "/%2F",
            "/a?b",
            "/a#b",
            "/~user/-_",
            "/A/B",
            "/a b",
            "/é",
            "\\x",
            "/a;b",
            "/a:b",
        ];
        let mut shortcuts = 0;
        for host in hosts {
            for path in paths {
                for scheme in ["https://", "HTTPS://", "http://", "https:/"] {
                    let value = format!("{scheme}{host}{path}");
                    let Some(short) = plain_https_host(&value) else {
                        continue;
                    };
                    shortcuts += 1;
                    let url = Url::parse(&value).unwrap_or_else(|error| panic!("{value}: {error}"));
                    assert_eq!(url.host_str(), Some(short), "{value}");
                    assert_eq!(
                        (url.port(), url.query(), url.fragment()),
                        (None, None, None),
                        "{value}"
                    );
                    let parsed = Parsed {
                        host: short.to_owned(),
                        url: None,
                    };
                    assert_eq!(parsed.origin(), url.origin().ascii_serialization());
                }
            }
        }
        assert!(shortcuts > 40, "the shortcut took only {shortcuts} values");
    }

    proptest::proptest! {
        /// The same, over generated hosts and paths near the shortcut's edges.
        #[test]
        fn generated_plain_https_hosts_are_what_the_parser_gives(
            host in "[a-z0-9.\\-]{0,12}(xn--)?[a-z0-9.\\-]{0,12}",
            path in "(/[a-zA-Z0-9_~.\\-]{0,8}){0,3}",
        ) {
            let value = format!("https://{host}{path}");
            if let Some(short) = plain_https_host(&value) {
                let url = Url::parse(&value);
                proptest::prop_assert!(url.is_ok(), "{value}");
                let url = url.unwrap_or_else(|_| unreachable!());
                proptest::prop_assert_eq!(url.host_str(), Some(short));
                proptest::prop_assert_eq!((url.port(), url.query(), url.fragment()), (None, None, None));
            }
        }
    }

    /// The label counting in `cloud_api_host` is the slice match it replaced.
    #[test]
    fn cloud_api_host_matches_the_label_patterns() {
        let by_slices = |host: &str| -> Result<(), Option<String>> {
            let labels: Vec<&str> = host.split('.').collect();
            match labels.as_slice() {
                ["api", _, _, _] => Ok(()),
                [_bare, _cloud] => Err(None),
                [_tenant, _, _] => Err(Some(format!("api.{host}"))),
                [_front, rest @ ..] if rest.len() == 3 => {
                    Err(Some(format!("api.{}", rest.join("."))))
                }
                [front, rest @ ..] if FRONT_END_LABELS.contains(front) => {
                    Err(Some(format!("api.{}", rest.join("."))))
                }
                _ => Ok(()),
            }
        };
        for host in [
            "appmixer.cloud",
            "acme.appmixer.cloud",
            "api.acme.appmixer.cloud",
            "my.acme.appmixer.cloud",
            "studio.eu.acme.appmixer.cloud",
            "api.eu.acme.appmixer.cloud",
            "www.a.b.c.appmixer.cloud",
            "x.a.b.c.appmixer.cloud",
            "my",
            "api",
            "",
            ".appmixer.cloud",
            "my..appmixer.cloud",
        ] {
            assert_eq!(cloud_api_host(host), by_slices(host), "{host}");
        }
    }

    const GOOD: &str = "https://api.acme.appmixer.cloud/auth/azuredevops/callback";

    fn judged(value: &str) -> Vec<Code> {
        codes(&judge("redirectUri", value, &Origin::Literal, CALLBACK).findings)
    }

    fn help(value: &str, code: Code) -> String {
        judge("redirectUri", value, &Origin::Literal, CALLBACK)
            .findings
            .into_iter()
            .find(|finding| finding.code == code)
            .and_then(|finding| finding.help)
            .unwrap_or_default()
    }

    fn api(text: &str) -> RuleContext {
        RuleContext {
            api_url: Url::parse(text).ok(),
        }
    }

    #[test]
    fn good_uris_pass() {
        for value in [
            GOOD,
            "https://API.acme.appmixer.cloud/auth/azuredevops/callback",
            "https://api.contoso.com/auth/azuredevops/callback",
            "https://contoso.com/appmixer/api/auth/azuredevops/callback",
            "https://appmixer.contoso.com:8443/auth/azuredevops/callback",
            "http://localhost/auth/azuredevops/callback",
            "http://localhost:2200/auth/azuredevops/callback",
            " https://api.acme.appmixer.cloud/auth/azuredevops/callback\n",
        ] {
            assert!(judged(value).is_empty(), "{value}: {:?}", judged(value));
            assert!(
                judge("redirectUri", value, &Origin::Literal, CALLBACK)
                    .valid
                    .is_some()
            );
        }
    }

    #[test]
    fn invalid_urls() {
        for value in [
            "",
            "api.acme.appmixer.cloud/auth/azuredevops/callback",
            "/auth/azuredevops/callback",
            "https:/api.acme.appmixer.cloud/auth/azuredevops/callback",
            "https:\\\\api.acme.appmixer.cloud/auth/azuredevops/callback",
            "https://api.acme.appmixer.cloud/auth/azure\ndevops/callback",
            "https://api.acme appmixer.cloud/auth/azuredevops/callback",
            "https://:8080/auth/azuredevops/callback",
            "not a url",
            "mailto:admin@acme.com",
        ] {
            assert_eq!(
                judged(value),
                vec![Code::RedirectUriInvalidUrl],
                "{value:?}"
            );
        }
        assert!(
            help(
                "api.acme.appmixer.cloud/auth/azuredevops/callback",
                Code::RedirectUriInvalidUrl
            )
            .contains(GOOD)
        );
    }

    #[test]
    fn schemes() {
        for value in [
            "http://api.acme.appmixer.cloud/auth/azuredevops/callback",
            "http://127.0.0.1:3000/auth/azuredevops/callback",
            "HTTPS://api.acme.appmixer.cloud/auth/azuredevops/callback",
            "http://LOCALHOST/auth/azuredevops/callback",
            "ftp://api.acme.appmixer.cloud/auth/azuredevops/callback",
        ] {
            assert_eq!(
                judged(value),
                vec![Code::RedirectUriInsecureScheme],
                "{value}"
            );
        }
        assert!(
            help(
                "http://api.acme.appmixer.cloud/auth/azuredevops/callback",
                Code::RedirectUriInsecureScheme
            )
            .contains(GOOD)
        );
    }

    #[test]
    fn user_info_before_an_upper_case_localhost_does_not_panic() {
        // The help once sliced the text at the host's length, inside the `€` here.
        let value = "http://aaaaaaaa\u{20AC}@LOCALHOST/auth/azuredevops/callback";
        assert_eq!(
            help(value, Code::RedirectUriInsecureScheme),
            "write `http://localhost/auth/azuredevops/callback`"
        );
    }

    #[test]
    fn paths() {
        for value in [
            "https://api.acme.appmixer.cloud/",
            "https://api.acme.appmixer.cloud",
            "https://api.acme.appmixer.cloud/auth/azure-devops/callback",
            "https://api.acme.appmixer.cloud/api/auth/azuredevops/callback",
            "https://api.contoso.com/auth/azuredevops",
        ] {
            assert_eq!(judged(value), vec![Code::RedirectUriWrongPath], "{value}");
        }
        let case = judge(
            "redirectUri",
            "https://api.acme.appmixer.cloud/auth/AzureDevOps/callback",
            &Origin::Literal,
            CALLBACK,
        );
        assert_eq!(codes(&case.findings), vec![Code::RedirectUriWrongPath]);
        assert!(case.findings[0].message.contains("only in letter case"));
        assert!(
            help(
                "https://appmixer.contoso.com/api/auth/azure-devops/callback",
                Code::RedirectUriWrongPath
            )
            .contains("`https://appmixer.contoso.com/api/auth/azuredevops/callback`")
        );
    }

    #[test]
    fn trailing_slash_is_one_error() {
        assert_eq!(
            judged("https://api.acme.appmixer.cloud/auth/azuredevops/callback/"),
            vec![Code::RedirectUriTrailingSlash]
        );
        assert_eq!(
            judged("https://api.contoso.com/prefix/auth/azuredevops/callback/"),
            vec![Code::RedirectUriTrailingSlash]
        );
    }

    #[test]
    fn query_fragment_characters_length() {
        assert_eq!(
            judged(&format!("{GOOD}?tenant=acme")),
            vec![Code::RedirectUriHasQuery]
        );
        assert_eq!(judged(&format!("{GOOD}?")), vec![Code::RedirectUriHasQuery]);
        assert_eq!(
            judged(&format!("{GOOD}#top")),
            vec![Code::RedirectUriHasFragment]
        );
        assert_eq!(
            judged("https://api.contoso.com/a,b/auth/azuredevops/callback"),
            vec![Code::RedirectUriForbiddenCharacter]
        );
        let long = format!("https://api.contoso.com/{}{CALLBACK_PATH}", "a".repeat(240));
        assert_eq!(judged(&long), vec![Code::RedirectUriTooLong]);
        let exactly = format!(
            "https://api.contoso.com/{}{CALLBACK_PATH}",
            "a".repeat(MAX_LENGTH - 24 - CALLBACK_PATH.len())
        );
        assert_eq!(exactly.chars().count(), MAX_LENGTH);
        assert!(judged(&exactly).is_empty());
    }

    #[test]
    fn placeholder_hosts() {
        for value in [
            "https://api.YOUR_SUBDOMAIN.appmixer.cloud/auth/azuredevops/callback",
            "https://api.SUBDOMAIN.appmixer.cloud/auth/azuredevops/callback",
            "https://api.<tenant>.appmixer.cloud/auth/azuredevops/callback",
            "https://example.com/auth/azuredevops/callback",
            "https://api.example.com/auth/azuredevops/callback",
        ] {
            assert_eq!(
                judged(value),
                vec![Code::RedirectUriPlaceholderHost],
                "{value}"
            );
        }
        assert!(!is_placeholder_host("api.contoso.com"));
        assert!(!is_placeholder_host("api.acme.appmixer.cloud"));
        assert!(!is_placeholder_host("localhost"));
    }

    #[test]
    fn not_api_host_gives_the_corrected_uri() {
        for (value, corrected) in [
            (
                "https://my.acme.appmixer.cloud/auth/azuredevops/callback",
                GOOD,
            ),
            (
                "https://backoffice.acme.appmixer.cloud/auth/azuredevops/callback",
                GOOD,
            ),
            (
                "https://acme.appmixer.cloud/auth/azuredevops/callback",
                GOOD,
            ),
        ] {
            assert_eq!(judged(value), vec![Code::RedirectUriNotApiHost], "{value}");
            assert!(
                help(value, Code::RedirectUriNotApiHost).contains(&format!("`{corrected}`")),
                "{value}"
            );
        }
        assert_eq!(
            judged("https://appmixer.cloud/auth/azuredevops/callback"),
            vec![Code::RedirectUriNotApiHost]
        );
    }

    #[test]
    fn expected_from_api_urls() {
        for (api, expected) in [
            ("https://api.acme.appmixer.cloud", GOOD),
            ("https://api.acme.appmixer.cloud/", GOOD),
            ("https://api.acme.appmixer.cloud//", GOOD),
            (
                "https://appmixer.contoso.com/api/",
                "https://appmixer.contoso.com/api/auth/azuredevops/callback",
            ),
            (
                "https://api.acme.appmixer.cloud/auth/azuredevops/callback",
                GOOD,
            ),
            (
                "http://localhost:2200",
                "http://localhost:2200/auth/azuredevops/callback",
            ),
        ] {
            let api = Url::parse(api).map(|url| expected_from_api_url(&url, CALLBACK_PATH));
            assert_eq!(api.as_deref(), Ok(expected));
        }
    }

    #[test]
    fn mismatch_against_api_url() {
        let context = api("https://api.acme.appmixer.cloud/");
        assert!(check(&record(&[("redirectUri", GOOD)]), &context).is_empty());
        let other = "https://api.other.appmixer.cloud/auth/azuredevops/callback";
        let findings = check(
            &record(&[("redirectUri", GOOD), ("callbackUrl", other)]),
            &context,
        );
        assert_eq!(codes(&findings), vec![Code::RedirectUriMismatch]);
        assert_eq!(findings[0].key.as_deref(), Some("callbackUrl"));
        assert!(findings[0].message.contains(GOOD));
        // Self-managed with a path prefix.
        let context = api("https://appmixer.contoso.com/api");
        assert!(
            check(
                &record(&[(
                    "redirectUri",
                    "https://appmixer.contoso.com/api/auth/azuredevops/callback"
                )]),
                &context
            )
            .is_empty()
        );
        // A value with its own error is not compared too.
        let findings = check(&record(&[("redirectUri", &format!("{GOOD}/"))]), &api(GOOD));
        assert_eq!(codes(&findings), vec![Code::RedirectUriTrailingSlash]);
    }

    #[test]
    fn mismatch_between_keys() {
        let other = "https://api.other.appmixer.cloud/auth/azuredevops/callback";
        let none = RuleContext::default();
        let findings = check(
            &record(&[("redirectUri", GOOD), ("callbackUrl", other)]),
            &none,
        );
        assert_eq!(codes(&findings), vec![Code::RedirectUriMismatch]);
        assert_eq!(findings[0].key.as_deref(), Some("callbackUrl"));
        assert!(
            check(
                &record(&[
                    ("redirectUri", GOOD),
                    (
                        "callbackUrl",
                        "https://API.acme.appmixer.cloud:443/auth/azuredevops/callback"
                    )
                ]),
                &none
            )
            .is_empty()
        );
    }

    #[test]
    fn notes_give_the_uri_to_register() {
        let with_api = notes(
            &record(&[("clientId", "x")]),
            &api("https://api.acme.appmixer.cloud"),
        );
        assert!(with_api.is_some_and(|note| note.contains(&format!("`{GOOD}`"))));
        let from_callback = notes(&record(&[("callbackUrl", GOOD)]), &RuleContext::default());
        assert!(from_callback.is_some_and(|note| note.contains(&format!("`{GOOD}`"))));
        let generic = notes(&record(&[]), &RuleContext::default());
        assert!(generic.is_some_and(|note| note.contains("--api-url")));
        assert!(notes(&record(&[("redirectUri", GOOD)]), &RuleContext::default()).is_none());
    }

    #[test]
    fn user_info_is_not_shown() {
        let context = api("https://api.acme.appmixer.cloud");
        let findings = check(
            &record(&[(
                "redirectUri",
                "https://user:hunter22@api.other.appmixer.cloud/auth/azuredevops/callback",
            )]),
            &context,
        );
        assert_eq!(codes(&findings), vec![Code::RedirectUriMismatch]);
        assert!(!findings[0].message.contains("hunter22"));
    }
}
