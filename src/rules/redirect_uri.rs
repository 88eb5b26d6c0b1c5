//! `redirect-uri/*`: the Web redirect URI registered on the Entra app (`redirectUri`) and
//! Appmixer's per-service override (`callbackUrl`), which follow the same rules. Both must be
//! `<Appmixer API URL><callback path of the connector>`.
//!
//! The checks read the URI *as written*: Appmixer sends the value as it is (the connectors put
//! it into the authorize URL unencoded), and Entra compares it with the registered URIs, so
//! whatever the `url` crate would normalise silently (letter case of the scheme, invisible
//! characters, Unicode hosts, a trailing dot, a spelled-out port) is judged on the text. The
//! parser only validates the rest. On `*.appmixer.cloud` the API URL has no path and no port, so
//! the path is exactly the callback path and the host is the `api.` host; a self-managed
//! Appmixer may serve its API under a path prefix, so there the path only has to end in it.
//!
//! Facts are from Microsoft's "Redirect URI (reply URL) best practices and limitations"
//! (learn.microsoft.com/entra/identity-platform/reply-url, 2025-05): `https` only, except
//! `http://localhost` and the `127.0.0.1` loopback (which the portal's text box refuses; the
//! manifest takes it); the port is ignored when matching `localhost` URIs, and only those;
//! `[::1]` is not supported, nor are internationalised domain names, nor `! $ ' ( ) , ;`; at
//! most 256 characters; wildcards only through the manifest, only for work-account-only apps.
//!
//! A finding's help gives a corrected URI only when there is one right answer, and then every
//! finding on the value gives the same one ([`suggestion`]), which passes these checks itself.

use url::Url;

use super::{Finding, RuleContext, chars, values, with_origin};
use crate::catalogue::{Code, Severity};
use crate::connectors::{KeyKind, Profile};
use crate::fix::ValueFix;
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

/// The loopback literal Entra accepts over `http` besides `localhost`.
const LOOPBACK: &str = "127.0.0.1";

/// Nouns a template names in place of a host label (`SUBDOMAIN`, `YOUR_TENANT`). Written in
/// capitals, or after `your`, they are a template; in lower case alone they are words real hosts
/// use (`api.tenant.contoso.com`, `api.host.ch`), except those in [`TEMPLATE_ONLY_LABELS`].
const PLACEHOLDER_NOUNS: &[&str] = &[
    "subdomain",
    "tenant",
    "tenantname",
    "domain",
    "domainname",
    "company",
    "companyname",
    "host",
    "hostname",
    "org",
    "organization",
    "organisation",
    "instance",
    "server",
    "name",
    "todo",
];

/// Labels that are a template in any letter case: instructions, never names.
const TEMPLATE_ONLY_LABELS: &[&str] = &["subdomain", "changeme", "replaceme", "placeholder"];

/// The registration page, for help texts.
const REGISTER: &str = "register it on the Entra app (App registrations > your app > Authentication > Web > Redirect URIs)";

/// How a `http://127.0.0.1` redirect URI gets registered.
pub const REGISTER_LOOPBACK: &str = "the portal's Redirect URIs box refuses an `http` URI on 127.0.0.1: add it in the app's Manifest (App registrations > your app > Manifest, `web.redirectUris`)";

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

/// Whether two redirect URIs are the same for Entra: equal as URLs, except that the port of a
/// `localhost` URI is ignored (and only there).
pub fn same_redirect(a: &Url, b: &Url) -> bool {
    if a == b {
        return true;
    }
    let localhost = |url: &Url| url.host_str() == Some("localhost");
    if !(localhost(a) && localhost(b)) {
        return false;
    }
    let without_port = |url: &Url| {
        let mut url = url.clone();
        // Only fails for URLs that cannot have a port; `localhost` ones can.
        let _ = url.set_port(None);
        url
    };
    without_port(a) == without_port(b)
}

/// The parts of a URI as written, before any normalisation.
#[derive(Debug, PartialEq, Eq)]
struct Written<'a> {
    scheme: &'a str,
    /// What stands between `://` and the host (`user:password@`), if anything.
    user_info: &'a str,
    host: &'a str,
    /// The port as written after `:` (possibly empty), if there is a `:`.
    port: Option<&'a str>,
    path: &'a str,
    /// `?…` and `#…` as written.
    rest: &'a str,
}

fn split(value: &str) -> Option<Written<'_>> {
    let (scheme, after) = value.split_once("://")?;
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
    let authority_end = find(after, b"/?#");
    let authority = &after[..authority_end];
    let tail = &after[authority_end..];
    let path_end = find(tail, b"?#");
    let (path, rest) = tail.split_at(path_end);
    let (user_info, host_port) = match authority.rfind('@') {
        Some(at) => authority.split_at(at + 1),
        None => ("", authority),
    };
    let (host, port) = if host_port.starts_with('[') {
        match host_port.find(']') {
            Some(end) => {
                let (host, after_host) = host_port.split_at(end + 1);
                (host, after_host.strip_prefix(':'))
            }
            None => (host_port, None),
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|byte| byte.is_ascii_digit()) => {
                (host, Some(port))
            }
            _ => (host_port, None),
        }
    };
    Some(Written {
        scheme,
        user_info,
        host,
        port,
        path,
        rest,
    })
}

/// Whether a host as written still holds a template: a placeholder written as one
/// (`api.YOUR_SUBDOMAIN.appmixer.cloud`, `api.<tenant>.appmixer.cloud`, `{tenant}`, `SUBDOMAIN`,
/// `example.com`), not a word inside a real name (`appmixer.yourstory.com`, `api.host.ch`).
pub fn is_placeholder_host(host: &str) -> bool {
    if host
        .bytes()
        .any(|byte| matches!(byte, b'<' | b'>' | b'{' | b'}'))
    {
        return true;
    }
    let lower = if host.bytes().any(|byte| byte.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(host.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(host)
    };
    let lower = lower.trim_end_matches('.');
    let reserved = ["example.com", "example.org", "example.net", "example"];
    if reserved
        .iter()
        .any(|domain| is_domain_or_subdomain(lower, domain))
    {
        return true;
    }
    host.split('.').any(is_placeholder_label)
}

/// One host label as written: see [`is_placeholder_host`].
fn is_placeholder_label(label: &str) -> bool {
    // Hosts are checked for every record: the label's letters and digits, lower-cased, are
    // gathered on the stack (a DNS label has at most 63; a longer one is judged by its start)
    // and compared as bytes.
    let mut buffer = [0u8; 64];
    let mut length = 0;
    for byte in label.bytes() {
        let byte = super::NORMALIZED_BYTE[usize::from(byte)];
        if byte == 0 {
            continue;
        }
        let Some(slot) = buffer.get_mut(length) else {
            break;
        };
        *slot = byte;
        length += 1;
    }
    let letters = &buffer[..length];
    if letters.is_empty() {
        return false;
    }
    let listed = |list: &[&str], word: &[u8]| list.iter().any(|listed| listed.as_bytes() == word);
    // A byte of a character outside ASCII is never an ASCII letter, so bytes tell what
    // characters would.
    let capitals = || {
        label.bytes().any(|byte| byte.is_ascii_uppercase())
            && !label.bytes().any(|byte| byte.is_ascii_lowercase())
    };
    let after_your = letters
        .strip_prefix(b"your")
        .is_some_and(|rest| listed(PLACEHOLDER_NOUNS, rest) || listed(TEMPLATE_ONLY_LABELS, rest));
    listed(TEMPLATE_ONLY_LABELS, letters)
        || after_your
        || ((listed(PLACEHOLDER_NOUNS, letters) || letters.starts_with(b"your")) && capitals())
        || (letters.len() >= 3 && letters.iter().all(|&byte| byte == b'x'))
}

/// `host` is `domain` or one of its subdomains.
fn is_domain_or_subdomain(host: &str, domain: &str) -> bool {
    host.strip_suffix(domain)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

pub fn is_cloud_host(host: &str) -> bool {
    is_domain_or_subdomain(host.trim_end_matches('.'), CLOUD_DOMAIN)
}

/// Whether an `*.appmixer.cloud` host (lower case, no trailing dot) is an API host; when it is
/// not, the API host when there is only one it can be: the Studio's or Backoffice's host with
/// `api.` in place of their label, `<subdomain>.appmixer.cloud` with `api.` before it. A host whose
/// subdomain cannot be told (`api.appmixer.cloud`, `acme.api.appmixer.cloud`,
/// `api-acme.appmixer.cloud`) gets none.
pub fn cloud_api_host(host: &str) -> Result<(), Option<String>> {
    let labels = host.split('.').count();
    let (front, rest) = host.split_once('.').unwrap_or((host, ""));
    let tenant_like = |label: &str| {
        !label.is_empty() && !label.contains("api") && !FRONT_END_LABELS.contains(&label)
    };
    match labels {
        // `api.<subdomain>.appmixer.cloud`
        4 if front == "api" => Ok(()),
        // `appmixer.cloud`
        2 => Err(None),
        // `<subdomain>.appmixer.cloud`
        3 => Err(tenant_like(front).then(|| format!("api.{host}"))),
        // `<front end>.<subdomain>.appmixer.cloud`
        4 => Err((FRONT_END_LABELS.contains(&front)
            && rest.split('.').next().is_some_and(tenant_like))
        .then(|| format!("api.{rest}"))),
        _ if FRONT_END_LABELS.contains(&front) => Err(Some(format!("api.{rest}"))),
        _ => Ok(()),
    }
}

/// The path a callback URI should have, keeping a self-managed path prefix when one can be
/// told, with empty segments (`//`) collapsed.
fn corrected_path(path: &str, on_cloud: bool, callback: &str) -> String {
    if on_cloud {
        return callback.to_owned();
    }
    let mut collapsed = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && collapsed.ends_with('/')) {
            collapsed.push(c);
        }
    }
    let trimmed = collapsed.trim_end_matches('/');
    let lower = trimmed.to_ascii_lowercase();
    let prefix = if let Some(index) = lower.rfind("/auth/") {
        &trimmed[..index]
    } else if lower.ends_with("/callback") {
        &trimmed[..trimmed.len() - "/callback".len()]
    } else {
        trimmed
    };
    format!("{prefix}{callback}")
}

/// The outcome of judging one URI.
#[derive(Debug)]
pub struct Judged<'a> {
    pub findings: Vec<Finding>,
    /// The URI (cleaned) when it has no error of its own: only then is it compared.
    pub valid: Option<&'a str>,
    /// The one corrected URI every finding's help gives, when there is one (see [`suggestion`]).
    pub suggestion: Option<String>,
}

impl Judged<'_> {
    /// The valid URI, parsed (for comparisons, which are rare: most runs have no `--api-url`).
    pub fn valid_url(&self) -> Option<Url> {
        self.valid.and_then(|value| Url::parse(value).ok())
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
    let path_ok = path.bytes().all(is_plain_path_byte);
    (host.split('.').all(label_ok) && last_is_name && path_ok).then_some(host)
}

/// Whether a byte may stand in the path [`plain_https_host`] takes: an ASCII letter or digit,
/// `/`, `-`, `_` or `~` (as a table: every record's callback path is scanned).
fn is_plain_path_byte(byte: u8) -> bool {
    const PLAIN: [bool; 256] = {
        let mut table = [false; 256];
        let mut index = 0;
        while index < table.len() {
            let byte = index as u8;
            table[index] =
                byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'-' | b'_' | b'~');
            index += 1;
        }
        table
    };
    PLAIN[usize::from(byte)]
}

/// What is wrong with a URI, before it is put into words.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    Empty,
    TooLong(usize),
    Forbidden(Vec<char>),
    /// Whitespace, a control or an invisible character, at a 1-based position.
    Invisible(usize, char),
    NoScheme,
    SchemeWithoutSlashes,
    NotAbsolute,
    /// The parser's refusal (or "no host").
    Unparsable(String),
    PlaceholderHost,
    Wildcard,
    Ipv6Loopback,
    /// A character outside ASCII in the host, at a 1-based position of the value.
    UnicodeHost(usize, char),
    SchemeCase,
    LocalhostCase,
    Http,
    OtherScheme,
    Query,
    Fragment,
    TrailingSlash,
    WrongPath(PathProblem),
    /// An `*.appmixer.cloud` host written otherwise than `api.<subdomain>.appmixer.cloud`.
    NotApiHost(HostProblem),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PathProblem {
    CaseOnly(String),
    Missing,
    PrefixOnCloud(String),
    EmptySegment(String),
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct HostProblem {
    /// The host without a trailing dot, in lower case.
    host: String,
    /// Not `api.<subdomain>`: the Studio, the Backoffice, a missing `api.`.
    not_api: bool,
    trailing_dot: bool,
    /// A port written after the host other than the default `:443`.
    port: Option<String>,
}

impl Problem {
    /// Whether the suggestion may fix this problem without `--api-url`: a trailing slash, a
    /// callback path that differs only in letter case, the Studio or Backoffice host for the API
    /// host (nothing else about the host to change).
    fn has_safe_fix(&self) -> bool {
        match self {
            Problem::TrailingSlash | Problem::WrongPath(PathProblem::CaseOnly(_)) => true,
            Problem::NotApiHost(host) => host.not_api && !host.trailing_dot && host.port.is_none(),
            _ => false,
        }
    }

    fn code(&self) -> Code {
        match self {
            Problem::Empty
            | Problem::Invisible(..)
            | Problem::NoScheme
            | Problem::SchemeWithoutSlashes
            | Problem::NotAbsolute
            | Problem::Unparsable(_) => Code::RedirectUriInvalidUrl,
            Problem::TooLong(_) => Code::RedirectUriTooLong,
            Problem::Forbidden(_) => Code::RedirectUriForbiddenCharacter,
            Problem::PlaceholderHost => Code::RedirectUriPlaceholderHost,
            Problem::Wildcard | Problem::Ipv6Loopback | Problem::UnicodeHost(..) => {
                Code::RedirectUriUnsupportedHost
            }
            Problem::SchemeCase | Problem::LocalhostCase | Problem::Http | Problem::OtherScheme => {
                Code::RedirectUriInsecureScheme
            }
            Problem::Query => Code::RedirectUriHasQuery,
            Problem::Fragment => Code::RedirectUriHasFragment,
            Problem::TrailingSlash => Code::RedirectUriTrailingSlash,
            Problem::WrongPath(_) => Code::RedirectUriWrongPath,
            Problem::NotApiHost(_) => Code::RedirectUriNotApiHost,
        }
    }
}

/// Whether a value is the hosted callback written exactly as it should be,
/// `https://api.<subdomain>.appmixer.cloud<callback path>`, with a subdomain of lower-case
/// letters, digits and hyphens that is no template (`xxx`, `your-tenant`) and does not start
/// with `xn--`, and a callback path of the characters [`plain_https_host`] takes. Nearly every
/// record's callback is, and for it [`diagnose_in_full`] finds nothing: such a value has no
/// forbidden, invisible or non-ASCII character, splits into exactly that scheme, host and path,
/// its host is plain (so it is not parsed) and not a template (`api`, `appmixer` and `cloud` are
/// not), it is the API host of `*.appmixer.cloud` with no port or trailing dot, and its path is
/// the callback path (a test holds the two to that).
fn is_plain_cloud_callback(value: &str, target: Target<'_>) -> bool {
    let path = target.path;
    let path_plain =
        path.starts_with('/') && !path.ends_with('/') && path.bytes().all(is_plain_path_byte);
    let subdomain = value
        .strip_prefix("https://api.")
        .and_then(|rest| rest.strip_suffix(path))
        .and_then(|rest| rest.strip_suffix(CLOUD_DOMAIN))
        .and_then(|rest| rest.strip_suffix('.'));
    target.exact_path
        && value.len() <= MAX_LENGTH
        && path_plain
        && subdomain.is_some_and(|label| {
            !label.is_empty()
                && !label.starts_with("xn--")
                && label
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
                && !is_placeholder_label(label)
        })
}

/// The problems of a (cleaned) URI, in the order they are reported.
fn diagnose(value: &str, target: Target<'_>) -> Vec<Problem> {
    if is_plain_cloud_callback(value, target) {
        return Vec::new();
    }
    diagnose_in_full(value, target)
}

/// [`diagnose`] without its shortcut.
fn diagnose_in_full(value: &str, target: Target<'_>) -> Vec<Problem> {
    let mut problems = Vec::new();
    if value.is_empty() {
        problems.push(Problem::Empty);
        return problems;
    }
    // A character is at least a byte: only a long value needs counting.
    let length = if value.len() > MAX_LENGTH {
        value.chars().count()
    } else {
        value.len()
    };
    if length > MAX_LENGTH {
        problems.push(Problem::TooLong(length));
    }
    let has_forbidden = value
        .bytes()
        .any(|byte| FORBIDDEN_BYTES.get(usize::from(byte)) == Some(&true));
    if has_forbidden {
        let mut forbidden: Vec<char> = value.chars().filter(|c| FORBIDDEN.contains(c)).collect();
        forbidden.dedup();
        problems.push(Problem::Forbidden(forbidden));
    }
    // The `url` crate silently drops tabs and newlines inside a URL and maps or drops invisible
    // characters in a host; Entra and Appmixer would not. ASCII text is scanned byte by byte.
    let has_invisible = if value.is_ascii() {
        value
            .bytes()
            .any(|byte| byte.is_ascii_whitespace() || byte.is_ascii_control())
    } else {
        true
    };
    if let Some((position, c)) = has_invisible
        .then(|| chars::first(value, chars::is_invisible))
        .flatten()
    {
        problems.push(Problem::Invisible(position, c));
        return problems;
    }
    let Some(written) = split(value) else {
        problems.push(if !value.contains(':') && value.contains('.') {
            Problem::NoScheme
        } else if value.contains(":/") || value.contains(":\\") {
            Problem::SchemeWithoutSlashes
        } else {
            Problem::NotAbsolute
        });
        return problems;
    };

    // The host, as written.
    let host_offset = written.scheme.len() + "://".len() + written.user_info.len();
    if let Some((index, c)) = written
        .host
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii())
    {
        let position = value[..host_offset].chars().count() + index + 1;
        problems.push(Problem::UnicodeHost(position, c));
        return problems;
    }
    let wildcard = written.host.contains('*');
    let ipv6_loopback = written.host == "[::1]";
    let placeholder_host = !wildcard && is_placeholder_host(written.host);
    if wildcard {
        problems.push(Problem::Wildcard);
    } else if ipv6_loopback {
        problems.push(Problem::Ipv6Loopback);
    } else if placeholder_host {
        problems.push(Problem::PlaceholderHost);
    }
    let host_known = !(wildcard || ipv6_loopback || placeholder_host);

    let url = match plain_https_host(value) {
        Some(_) => None,
        None => match Url::parse(value) {
            Ok(url) if url.host_str().is_some_and(|host| !host.is_empty()) => Some(url),
            Ok(_) => {
                problems.push(Problem::Unparsable("has no host".to_owned()));
                return problems;
            }
            Err(error) => {
                // A template host is usually what the parser trips over: one error is enough.
                if host_known {
                    problems.push(Problem::Unparsable(format!("is not a valid URL: {error}")));
                }
                return problems;
            }
        },
    };
    let host_lower = if written.host.bytes().any(|byte| byte.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(written.host.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(written.host)
    };
    let on_cloud = is_cloud_host(&host_lower);

    // Scheme, as written: `https`, or `http` for `localhost` and `127.0.0.1` only.
    let loopback = written.host == "localhost" || written.host == LOOPBACK;
    let scheme_ok = written.scheme == "https" || (written.scheme == "http" && loopback);
    // `[::1]` has its own finding, which says what to write instead.
    if !(ipv6_loopback || scheme_ok) {
        problems.push(if written.scheme.eq_ignore_ascii_case("https") {
            Problem::SchemeCase
        } else if written.scheme.eq_ignore_ascii_case("http")
            && (host_lower == "localhost" || written.host == LOOPBACK)
        {
            Problem::LocalhostCase
        } else if written.scheme.eq_ignore_ascii_case("http") {
            Problem::Http
        } else {
            Problem::OtherScheme
        });
    }

    let has_query = url.as_ref().is_some_and(|url| url.query().is_some());
    let has_fragment = url.as_ref().is_some_and(|url| url.fragment().is_some());
    if target.exact_path && has_query {
        problems.push(Problem::Query);
    }
    if has_fragment {
        problems.push(Problem::Fragment);
    }
    if !target.exact_path {
        return problems;
    }

    // Path, as written (the `url` crate would resolve `.` segments and percent-encode).
    let callback = target.path;
    let path = written.path;
    let trimmed = path.trim_end_matches('/');
    let mut judged_path = path;
    if trimmed.len() < path.len() && trimmed.to_ascii_lowercase().ends_with("/callback") {
        judged_path = trimmed;
        problems.push(Problem::TrailingSlash);
    }
    let path_ok = if on_cloud {
        judged_path == callback
    } else {
        judged_path.ends_with(callback) && !judged_path.contains("//")
    };
    if !path_ok {
        let lower = judged_path.to_ascii_lowercase();
        let case_only = if on_cloud {
            lower == callback
        } else {
            lower.ends_with(callback) && !lower.contains("//")
        };
        let shown = judged_path.to_owned();
        problems.push(Problem::WrongPath(if case_only {
            PathProblem::CaseOnly(shown)
        } else if judged_path.is_empty() || judged_path == "/" {
            PathProblem::Missing
        } else if judged_path.contains("//") && judged_path.ends_with(callback) {
            PathProblem::EmptySegment(shown)
        } else if on_cloud && judged_path.ends_with(callback) {
            PathProblem::PrefixOnCloud(shown)
        } else {
            PathProblem::Other(shown)
        }));
    }

    if on_cloud && host_known {
        let trailing_dot = host_lower.ends_with('.');
        let host = host_lower.trim_end_matches('.').to_owned();
        let not_api = cloud_api_host(&host).is_err();
        let port = written
            .port
            .filter(|port| *port != "443")
            .map(|port| format!(":{port}"));
        if not_api || trailing_dot || port.is_some() {
            problems.push(Problem::NotApiHost(HostProblem {
                host,
                not_api,
                trailing_dot,
                port,
            }));
        }
    }
    problems
}

fn has_error(problems: &[Problem]) -> bool {
    problems
        .iter()
        .any(|problem| problem.code().severity() == Severity::Error)
}

/// The corrected URI for a value with problems, when there is one right answer: the URI
/// `--api-url` gives (`expected`), or else the value with every problem that has a single fix
/// fixed (invisible characters removed, `https://` added or lower-cased, look-alike letters of
/// the host replaced, the Studio or Backoffice host turned into the API host, the port, query,
/// fragment and trailing slash removed, the callback path put right). `None` when any problem
/// has no single fix (a template host, a forbidden character, a host whose subdomain cannot
/// be told) or the result would not pass these checks itself.
///
/// This is the one place a replacement for a redirect URI is computed: every finding's help on
/// the value quotes it, and a fix can apply it.
pub fn suggestion(raw: &str, target: Target<'_>, expected: Option<&str>) -> Option<String> {
    let value = values::cleaned(raw);
    let candidate = match expected {
        Some(expected) => expected.to_owned(),
        None => repaired(value, target)?,
    };
    (candidate != value && !has_error(&diagnose(&candidate, target))).then_some(candidate)
}

/// The value with each problem that has a single fix fixed; see [`suggestion`].
fn repaired(value: &str, target: Target<'_>) -> Option<String> {
    // Invisible characters are removed; a space may stand for a missing character, so a value
    // with one gets no suggestion.
    if value.chars().any(|c| c == ' ' || c == '\u{A0}') {
        return None;
    }
    let visible: String = value.chars().filter(|c| !chars::is_invisible(*c)).collect();
    let absolute = if visible.contains("://") {
        visible
    } else if let Some((scheme, rest)) = visible
        .split_once(":\\\\")
        .or_else(|| visible.split_once(":/"))
        .filter(|(scheme, _)| {
            scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")
        })
    {
        format!("{scheme}://{rest}")
    } else if !visible.contains(':') && visible.contains('.') && !visible.starts_with('/') {
        format!("https://{visible}")
    } else {
        return None;
    };
    let written = split(&absolute)?;
    let mut host = String::with_capacity(written.host.len());
    for c in written.host.chars() {
        host.push(if c.is_ascii() {
            c
        } else {
            chars::ascii_look_alike(c)?
        });
    }
    if host.contains('*') || host.starts_with('[') || is_placeholder_host(&host) {
        return None;
    }
    let mut host = host.to_ascii_lowercase();
    let on_cloud = is_cloud_host(&host);
    if on_cloud {
        host = host.trim_end_matches('.').to_owned();
        if let Err(api_host) = cloud_api_host(&host) {
            host = api_host?;
        }
    }
    let loopback = host == "localhost" || host == LOOPBACK;
    let scheme = if written.scheme.eq_ignore_ascii_case("http") && loopback {
        "http"
    } else {
        "https"
    };
    let port = match written.port {
        Some(port) if !on_cloud && !port.is_empty() => format!(":{port}"),
        _ => String::new(),
    };
    let (path, rest) = if target.exact_path {
        (
            corrected_path(written.path, on_cloud, target.path),
            String::new(),
        )
    } else {
        let query = written.rest.split('#').next().unwrap_or_default();
        (written.path.to_owned(), query.to_owned())
    };
    Some(format!("{scheme}://{host}{port}{path}{rest}"))
}

/// Judges one `redirectUri` or `callbackUrl` value as written (it is cleaned here). `expected`:
/// the URI `--api-url` gives, which is then the one suggestion.
pub fn judge<'a>(
    key: &str,
    raw: &'a str,
    origin: &Origin,
    target: Target<'_>,
    expected: Option<&str>,
) -> Judged<'a> {
    let value = values::cleaned(raw);
    let problems = diagnose(value, target);
    if problems.is_empty() {
        return Judged {
            findings: Vec::new(),
            valid: Some(value),
            suggestion: None,
        };
    }
    let suggestion = suggestion(raw, target, expected);
    // The suggestion is the fix when it is the one right answer: the URI `--api-url` gives, or a
    // value whose every problem is one the SPEC calls safe to fix. The value keeps the whitespace
    // and quotes around it (their own findings remove them).
    let fix = suggestion
        .as_ref()
        .filter(|_| expected.is_some() || problems.iter().all(Problem::has_safe_fix))
        .map(|suggested| {
            let start = values::offset_in(raw, value);
            ValueFix::replace(start..start + value.len(), suggested.clone())
        });
    let findings: Vec<Finding> = problems
        .iter()
        .map(|problem| {
            let (message, help) = words(key, value, origin, target, problem, suggestion.as_deref());
            Finding::new(problem.code(), key, message)
                .help(with_origin(help, origin))
                .fix(fix.clone())
        })
        .collect();
    let valid = (!has_error(&problems)).then_some(value);
    Judged {
        findings,
        valid,
        suggestion,
    }
}

/// The message and help of one problem. `suggested`: the one corrected URI, if any.
fn words(
    key: &str,
    value: &str,
    origin: &Origin,
    target: Target<'_>,
    problem: &Problem,
    suggested: Option<&str>,
) -> (String, String) {
    let described = origin.describe();
    let callback = target.path;
    let example = format!("https://api.acme.appmixer.cloud{callback}");
    let generic = || format!("write `https://<Appmixer API host>{callback}`, e.g. `{example}`");
    let write = |otherwise: String| match suggested {
        Some(uri) => format!("write `{uri}`"),
        None => otherwise,
    };
    let subject = format!("`{key}`{described}");
    match problem {
        Problem::Empty => (format!("{subject} is empty"), write(generic())),
        Problem::TooLong(length) => (
            format!("{subject} has {length} characters; Entra accepts at most {MAX_LENGTH}"),
            write(format!("use the plain callback URI `<API URL>{callback}`")),
        ),
        Problem::Forbidden(forbidden) => {
            let list: Vec<String> = forbidden.iter().map(|c| format!("`{c}`")).collect();
            (
                format!(
                    "{subject} contains {}, which Entra rejects in a redirect URI",
                    list.join(", ")
                ),
                write(format!(
                    "remove the character; the callback URI is `<API URL>{callback}`"
                )),
            )
        }
        Problem::Invisible(position, c) => {
            let what = match c {
                ' ' => format!("a space at character {position}"),
                '\t' => format!("a tab at character {position}"),
                '\n' => format!("a line break at character {position}"),
                other => chars::describe_at(*other, *position),
            };
            (
                format!("{subject} contains {what}"),
                match suggested {
                    Some(uri) => format!("remove it: write `{uri}`"),
                    None => "remove it: a URI has no whitespace or invisible characters (encode a space in a path as `%20`)".to_owned(),
                },
            )
        }
        Problem::NoScheme => (
            format!("{subject} has no scheme: it is not an absolute URL"),
            write(generic()),
        ),
        Problem::SchemeWithoutSlashes => (
            format!("{subject} is not an absolute URL: the scheme must be followed by `://`"),
            write(generic()),
        ),
        Problem::NotAbsolute => (format!("{subject} is not an absolute URL"), write(generic())),
        Problem::Unparsable(reason) => (format!("{subject} {reason}"), write(generic())),
        Problem::PlaceholderHost => (
            format!(
                "{subject} has the template host `{}`",
                split(value).map_or("", |written| written.host)
            ),
            write(format!(
                "use the host of your Appmixer API, e.g. `{example}` (pass `--api-url` to have it compared)"
            )),
        ),
        Problem::Wildcard => (
            format!(
                "{subject} has the wildcard host `{}`: Appmixer sends one concrete URI, which Entra compares with the registered ones",
                split(value).map_or("", |written| written.host)
            ),
            write(format!(
                "write the host of your Appmixer API, e.g. `{example}`, and register that URI (Entra takes wildcard URIs only through the manifest, only for apps that sign in work accounts alone, and advises against them)"
            )),
        ),
        Problem::Ipv6Loopback => (
            format!("{subject} uses the IPv6 loopback `[::1]`, which Entra does not support in redirect URIs"),
            write(format!(
                "write `{LOOPBACK}` or `localhost` instead of `[::1]` ({REGISTER_LOOPBACK})"
            )),
        ),
        Problem::UnicodeHost(position, c) => (
            format!(
                "{subject} has, in its host, {}: Entra does not support internationalised domain names in redirect URIs",
                chars::describe_at(*c, *position)
            ),
            write("write the host in ASCII letters, digits, `-` and `.` (an internationalised name in its `xn--` form)".to_owned()),
        ),
        Problem::SchemeCase => (
            format!(
                "{subject} writes the scheme as `{}`: it is https, but in capitals",
                split(value).map_or("", |written| written.scheme)
            ),
            write("write the scheme in lower case, `https://`: Appmixer sends the URI as written, and the registered URI must be that same text".to_owned()),
        ),
        Problem::LocalhostCase => (
            format!(
                "{subject} is a local development URI, but Entra allows `http` only for `localhost` and `{LOOPBACK}` written in lower case"
            ),
            write("write the host as `localhost`".to_owned()),
        ),
        Problem::Http => (
            format!(
                "{subject} uses `http`; Entra requires `https` except for `http://localhost` and `http://{LOOPBACK}`"
            ),
            write("use `https://` with your Appmixer API host".to_owned()),
        ),
        Problem::OtherScheme => (
            format!(
                "{subject} uses the scheme `{}`; a Web redirect URI uses `https`",
                split(value).map_or("", |written| written.scheme)
            ),
            write("use `https://` with your Appmixer API host".to_owned()),
        ),
        Problem::Query => (
            format!("{subject} has a query string (`?…`)"),
            write(format!(
                "remove everything from `?` on; Appmixer sends the plain `…{callback}`"
            )),
        ),
        Problem::Fragment => (
            format!("{subject} has a fragment (`#…`); Entra rejects redirect URIs with one"),
            write("remove everything from `#` on".to_owned()),
        ),
        Problem::TrailingSlash => (
            format!(
                "{subject} ends in `/callback/`: the trailing slash makes it a different URI"
            ),
            match suggested {
                Some(uri) => format!("write `{uri}` here and in the Entra app registration"),
                None => "remove the trailing slash here and in the Entra app registration".to_owned(),
            },
        ),
        Problem::WrongPath(path) => {
            let message = match path {
                PathProblem::CaseOnly(path) => format!(
                    "{subject} has the path `{path}`, which differs from `{callback}` only in letter case; Entra compares it exactly"
                ),
                PathProblem::Missing => {
                    format!("{subject} has no path; the callback is at `{callback}`")
                }
                PathProblem::PrefixOnCloud(path) => format!(
                    "{subject} has the path `{path}`; on `*.{CLOUD_DOMAIN}` the path is exactly `{callback}`, with no prefix"
                ),
                PathProblem::EmptySegment(path) => format!(
                    "{subject} has the path `{path}`, with an empty segment (`//`): Appmixer's callback path has none"
                ),
                PathProblem::Other(path) => format!(
                    "{subject} has the path `{path}`, which does not end in `{callback}`"
                ),
            };
            let on_cloud = split(value).is_some_and(|written| is_cloud_host(&written.host.to_ascii_lowercase()));
            let help = match suggested {
                Some(uri) if on_cloud => format!("use `{uri}`"),
                Some(uri) => format!(
                    "use `{uri}` (keep the path prefix your Appmixer API is served under, if any)"
                ),
                None => format!("end the path in `{callback}`, exactly in that letter case"),
            };
            (message, help)
        }
        Problem::NotApiHost(problem) => {
            let host = &problem.host;
            let front = host.split('.').next().unwrap_or_default();
            let which = match front {
                "my" | "studio" => " (the Studio)",
                "backoffice" => " (the Backoffice)",
                _ => "",
            };
            let mut reasons = Vec::new();
            if problem.not_api {
                reasons.push(format!(
                    "points at `{host}`{which}, not at the API host `api.<subdomain>.{CLOUD_DOMAIN}`"
                ));
            }
            if problem.trailing_dot {
                reasons.push(format!(
                    "writes the host with a trailing dot (`{host}.`), which Appmixer does not send"
                ));
            }
            if let Some(port) = &problem.port {
                reasons.push(format!(
                    "gives the port `{port}`: hosted Appmixer serves its API on the default https port, and sends the URI without one"
                ));
            }
            let help = match suggested {
                Some(uri) => format!(
                    "use `{uri}`: the callback is served by the API host, and {REGISTER}"
                ),
                None => format!(
                    "use `https://api.<your-subdomain>.{CLOUD_DOMAIN}{callback}` (the API host of your Appmixer subdomain): the callback is served by the API host"
                ),
            };
            (format!("{subject} {}", reasons.join(", and ")), help)
        }
    }
}

/// A hint when `--api-url` itself points at a front end rather than the API.
fn api_url_hint(api: &Url) -> String {
    match api.host_str() {
        Some(host)
            if is_cloud_host(host) && cloud_api_host(host.trim_end_matches('.')).is_err() =>
        {
            format!(
                " Note that `--api-url` points at `{host}`, which is not the API host `api.<subdomain>.{CLOUD_DOMAIN}`."
            )
        }
        _ => String::new(),
    }
}

pub fn check(record: &Record, context: &RuleContext) -> Vec<Finding> {
    let profile = record.profile;
    let callback = profile.callback_path;
    let mut findings = Vec::new();
    for (key, value) in record.texts_of(KeyKind::Url) {
        let origin = record.origin(key);
        findings
            .extend(judge(key, value, origin, Target::of(profile, KeyKind::Url), None).findings);
    }

    // The redirect URI `--api-url` gives, which is then the one right answer.
    let expected = context.api_url.as_ref().and_then(|api| {
        let text = expected_from_api_url(api, callback);
        Url::parse(&text)
            .ok()
            .map(|url| (text, url, api_url_hint(api)))
    });
    let mut judged = Vec::new();
    for (key, value) in record.texts_of(KeyKind::Callback) {
        let origin = record.origin(key);
        let result = judge(
            key,
            value,
            origin,
            Target::of(profile, KeyKind::Callback),
            expected.as_ref().map(|(text, _, _)| text.as_str()),
        );
        findings.extend(result.findings);
        // Parsed again only for the comparisons below, which few runs make.
        judged.push((key, origin, result.valid));
    }

    // `redirect-uri/mismatch`, among the values that passed their own checks.
    match expected {
        Some((_, expected, hint)) => {
            for (key, origin, valid) in &judged {
                if let Some(valid) = valid.and_then(|value| Url::parse(value).ok())
                    && !same_redirect(&valid, &expected)
                {
                    let raw = record.text(key).unwrap_or_default();
                    let written = values::cleaned(raw);
                    let start = values::offset_in(raw, written);
                    let fix = ValueFix::replace(start..start + written.len(), display(&expected));
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
                        .fix(Some(fix))
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
                && !same_redirect(&redirect, &callback)
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

/// Whether a URI is `http://127.0.0.1…`, which the portal's text box refuses.
fn is_http_loopback(uri: &str) -> bool {
    // `split`'s scheme is what stands before the first `://`, so it is `http` exactly when the
    // URI starts with `http://`; asked first, that spares splitting nearly every URI.
    uri.starts_with("http://")
        && split(uri).is_some_and(|written| written.scheme == "http" && written.host == LOOPBACK)
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
                record.origin(key),
                Target::of(profile, KeyKind::Callback),
                None,
            )
            .valid_url()
            .map(|url| display(&url))
        }),
    };
    let loopback = exact
        .as_deref()
        .filter(|uri| is_http_loopback(uri))
        .map(|_| format!(" ({REGISTER_LOOPBACK})"))
        .unwrap_or_default();
    let Some(key) = checked_key else {
        let title = profile.title();
        return Some(match exact {
            Some(uri) => {
                format!("the {title} sends the redirect URI `{uri}` to Entra: {REGISTER}{loopback}")
            }
            None => format!(
                "the {title} sends the redirect URI `<Appmixer API URL>{callback}` to Entra (e.g. `https://api.acme.appmixer.cloud{callback}`): {REGISTER}; run with `--api-url` to get the exact URI"
            ),
        });
    };
    Some(match exact {
        Some(uri) => format!(
            "without `{key}`, the redirect URI is not checked: {REGISTER} as `{uri}`{loopback} (and add `{key}: {uri}` to have it checked)"
        ),
        None => format!(
            "without `{key}`, the redirect URI is not checked: {REGISTER} as `<Appmixer API URL>{callback}`, e.g. `https://api.acme.appmixer.cloud{callback}`; run with `--api-url` to get the exact URI"
        ),
    })
}

/// Notes about values that pass, for the human report: how to register an `http://127.0.0.1`
/// redirect URI, which the portal's text box refuses.
pub fn value_notes(record: &Record) -> Vec<String> {
    let keys: Vec<String> = record
        .texts_of(KeyKind::Callback)
        .chain(record.texts_of(KeyKind::Url))
        .filter(|(_, value)| is_http_loopback(values::cleaned(value)))
        .map(|(key, _)| format!("`{key}`"))
        .collect();
    let (keys, verb) = match keys.as_slice() {
        [] => return Vec::new(),
        [one] => (one.clone(), "uses"),
        [rest @ .., last] => (format!("{} and {last}", rest.join(", ")), "use"),
    };
    vec![format!(
        "{keys} {verb} `http://{LOOPBACK}`, which Entra accepts for local development; {REGISTER_LOOPBACK}"
    )]
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

    /// A fix is the suggestion the messages give, for the value without its surrounding
    /// whitespace and quotes, and only where it is the one right answer.
    #[test]
    fn fixes_are_the_suggestion_where_it_is_certain() {
        let fixed = |raw: &str, expected: Option<&str>| -> Vec<Option<String>> {
            judge("redirectUri", raw, &Origin::Literal, CALLBACK, expected)
                .findings
                .into_iter()
                .map(|finding| {
                    finding.fix.map(|fix| {
                        let mut value = raw.to_owned();
                        for edit in fix.edits.iter().rev() {
                            value.replace_range(edit.range.clone(), &edit.replacement);
                        }
                        value
                    })
                })
                .collect()
        };
        let good = "https://api.acme.appmixer.cloud/auth/azuredevops/callback";
        for raw in [
            "https://my.acme.appmixer.cloud/auth/azuredevops/callback",
            "https://backoffice.acme.appmixer.cloud/auth/azuredevops/callback",
            "https://api.acme.appmixer.cloud/auth/AzureDevOps/callback/",
        ] {
            let all = fixed(raw, None);
            assert!(!all.is_empty(), "{raw}");
            assert!(
                all.iter().all(|fix| fix.as_deref() == Some(good)),
                "{raw}: {all:?}"
            );
        }
        // Whitespace and quotes around the value are left to their own findings.
        assert_eq!(
            fixed(
                " https://api.acme.appmixer.cloud/auth/azuredevops/callback/ ",
                None
            ),
            [Some(format!(" {good} "))]
        );
        // Not the safe kinds: no fix without `--api-url`, the derived URI with it.
        for raw in [
            "https://api.acme.appmixer.cloud/auth/azuredevops/callback?x=1",
            "http://api.acme.appmixer.cloud/auth/azuredevops/callback",
            "https://api.acme.appmixer.cloud/auth/callback",
        ] {
            assert!(fixed(raw, None).iter().all(Option::is_none), "{raw}");
            assert!(
                fixed(raw, Some(good))
                    .iter()
                    .all(|fix| fix.as_deref() == Some(good)),
                "{raw}"
            );
        }
        // A template host has no one right answer without `--api-url`.
        assert!(
            fixed(
                "https://api.YOUR_SUBDOMAIN.appmixer.cloud/auth/azuredevops/callback",
                None
            )
            .iter()
            .all(Option::is_none)
        );
    }

    /// The targets of every key of every connector, and callback paths the shortcut must refuse
    /// or handle (a trailing slash, an empty segment, characters a plain path has not).
    fn every_target() -> Vec<Target<'static>> {
        use crate::connectors::PROFILES;
        let mut targets: Vec<Target<'static>> = PROFILES
            .iter()
            .flat_map(|profile| {
                [KeyKind::Callback, KeyKind::Url].map(|kind| Target::of(profile, kind))
            })
            .collect();
        for path in [
            "/auth/azuredevops/callback/",
            "/auth//callback",
            "auth/azuredevops/callback",
            "/auth/a%20b/callback",
            "/auth/a:b/callback",
            "/auth/a?b",
            "/auth/a#b",
            "/auth/é/callback",
            "",
            "/",
        ] {
            targets.push(Target {
                path,
                exact_path: true,
            });
        }
        targets
    }

    /// Whenever the shortcut says a value is the plain hosted callback, the full diagnosis finds
    /// nothing in it either: hosts, subdomains, ports, user info, schemes and paths of every kind
    /// around the one the shortcut takes.
    #[test]
    fn plain_cloud_callbacks_have_no_problems() {
        let schemes = ["https://", "http://", "HTTPS://", "https:/", "", "ftp://"];
        let fronts = [
            "api.", "API.", "my.", "", "api.api.", "x.api.", "u:p@api.", "api.a.",
        ];
        let subdomains = [
            "acme",
            "tenant0",
            "a",
            "0",
            "a-b",
            "a-",
            "-",
            "api",
            "my",
            "studio",
            "xxx",
            "XXX",
            "xx",
            "xxxx",
            "subdomain",
            "SUBDOMAIN",
            "your-tenant",
            "yourtenant",
            "your",
            "yours",
            "TENANT",
            "tenant",
            "host",
            "changeme",
            "placeholder",
            "xn--bcher-kva",
            "xn-a",
            "xn--",
            "xn--x",
            "ten\u{200b}ant",
            "ten\u{e1}nt",
            "\u{430}cme",
            "t%41",
            "a_b",
            "a b",
            "{tenant}",
            "<t>",
            "*",
            "",
            "a.b",
            "a:1",
            "[::1]",
        ];
        let domains = [
            ".appmixer.cloud",
            ".appmixer.cloud.",
            ".APPMIXER.cloud",
            ".appmixer.cloud:443",
            ".appmixer.cloud:8443",
            ".appmixer.cloud:",
            ".appmixer.cloud\u{3002}",
            "appmixer.cloud",
            ".example.com",
            ".appmixer.cloud.contoso.com",
        ];
        let mut plain = 0;
        for target in every_target() {
            let callback = target.path;
            let paths = [
                callback.to_owned(),
                format!("{callback}/"),
                callback.to_ascii_uppercase(),
                format!("/api{callback}"),
                format!("/{callback}"),
                format!("{callback}?a=b"),
                format!("{callback}#x"),
                format!("{callback}x"),
                format!("{callback}\u{200b}"),
                format!("{callback} "),
                String::new(),
                "/".to_owned(),
                "/auth/x/callback".to_owned(),
            ];
            for scheme in schemes {
                for front in fronts {
                    for subdomain in subdomains {
                        for domain in domains {
                            for path in &paths {
                                let value = format!("{scheme}{front}{subdomain}{domain}{path}");
                                if is_plain_cloud_callback(&value, target) {
                                    plain += 1;
                                    assert_eq!(
                                        diagnose_in_full(&value, target),
                                        vec![],
                                        "{value} ({target:?})"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        // The shortcut is taken: each plain subdomain, for each target with a plain path.
        assert!(plain >= 3 * 8, "{plain}");
        let good = "https://api.acme.appmixer.cloud/auth/azuredevops/callback";
        assert!(is_plain_cloud_callback(good, CALLBACK));
        assert!(diagnose(good, CALLBACK).is_empty());
        let long = format!(
            "https://api.{}.appmixer.cloud{CALLBACK_PATH}",
            "a".repeat(250)
        );
        assert!(!is_plain_cloud_callback(&long, CALLBACK));
        assert_eq!(diagnose(&long, CALLBACK), diagnose_in_full(&long, CALLBACK));
    }

    proptest::proptest! {
        /// The hosted callback with random edits: whenever the shortcut takes the result, the
        /// full diagnosis finds nothing in it.
        #[test]
        fn plain_cloud_callbacks_have_no_problems_fuzzed(
            target_index in 0usize..16,
            edits in proptest::collection::vec(
                (0u8..3, 0usize..80, proptest::sample::select(vec![
                    'a', 'x', 'X', '-', '.', '/', ':', '@', '?', '#', '%', '_', '~', '*', '[', ' ',
                    '\u{200b}', '\u{3002}', '\u{430}', 'é',
                ])),
                0..4,
            ),
        ) {
            let targets = every_target();
            let target = targets[target_index % targets.len()];
            let mut chars: Vec<char> = format!("https://api.acme.appmixer.cloud{}", target.path)
                .chars()
                .collect();
            for (kind, position, c) in edits {
                let at = position % (chars.len() + 1);
                match kind {
                    0 => chars.insert(at, c),
                    1 if at < chars.len() => { chars.remove(at); }
                    _ if at < chars.len() => chars[at] = c,
                    _ => {}
                }
            }
            let value: String = chars.into_iter().collect();
            if is_plain_cloud_callback(&value, target) {
                proptest::prop_assert_eq!(diagnose_in_full(&value, target), vec![], "{}", value);
            }
        }
    }

    /// `is_placeholder_label` as it was before it compared bytes: the reference it is held to.
    fn is_placeholder_label_by_chars(label: &str) -> bool {
        // Hosts are checked for every record: the label's letters and digits, lower-cased, are
        // gathered on the stack (a DNS label has at most 63; a longer one is judged by its start).
        let mut buffer = [0u8; 64];
        let mut length = 0;
        for byte in label.bytes().filter(u8::is_ascii_alphanumeric) {
            let Some(slot) = buffer.get_mut(length) else {
                break;
            };
            *slot = byte.to_ascii_lowercase();
            length += 1;
        }
        // Only ASCII letters and digits were gathered.
        let letters = std::str::from_utf8(&buffer[..length]).unwrap_or_default();
        if letters.is_empty() {
            return false;
        }
        let capitals = label.chars().any(|c| c.is_ascii_uppercase())
            && !label.chars().any(|c| c.is_ascii_lowercase());
        let noun = |word: &str| PLACEHOLDER_NOUNS.contains(&word);
        let after_your = letters
            .strip_prefix("your")
            .is_some_and(|rest| noun(rest) || TEMPLATE_ONLY_LABELS.contains(&rest));
        TEMPLATE_ONLY_LABELS.contains(&letters)
            || after_your
            || (capitals && (noun(letters) || letters.starts_with("your")))
            || (letters.len() >= 3 && letters.bytes().all(|byte| byte == b'x'))
    }

    /// Labels of every kind the template check looks at, in every letter case, with separators,
    /// digits, non-ASCII letters and lengths past a DNS label's.
    #[test]
    fn placeholder_labels_are_told_as_by_chars() {
        let mut words: Vec<String> = PLACEHOLDER_NOUNS
            .iter()
            .chain(TEMPLATE_ONLY_LABELS)
            .flat_map(|word| {
                [
                    word.to_string(),
                    format!("your{word}"),
                    format!("YOUR_{word}"),
                ]
            })
            .collect();
        words.extend(
            [
                "",
                "-",
                "x",
                "xx",
                "xxx",
                "XXX",
                "x-x-x",
                "your",
                "YOUR",
                "yours",
                "api",
                "acme",
                "tenant0",
                "é",
                "Ü",
                "ÿour",
                "yo\u{200b}ur",
                "a1",
                "İ",
            ]
            .map(str::to_owned),
        );
        words.push("x".repeat(70));
        words.push(format!("{}subdomain", "a".repeat(60)));
        let mut labels = Vec::new();
        for word in &words {
            for variant in [
                word.clone(),
                word.to_uppercase(),
                word.to_ascii_uppercase(),
                format!("{word}-1"),
                format!("<{word}>"),
                {
                    let half = word.chars().count() / 2;
                    let rest: String = word.chars().skip(half).collect();
                    let start: String = word.chars().take(half).collect();
                    format!("{start}{}", rest.to_uppercase())
                },
            ] {
                labels.push(variant);
            }
        }
        let mut placeholders = 0;
        for label in &labels {
            let expected = is_placeholder_label_by_chars(label);
            assert_eq!(is_placeholder_label(label), expected, "{label:?}");
            placeholders += usize::from(expected);
        }
        assert!(
            placeholders > 50 && placeholders < labels.len() - 50,
            "{placeholders}"
        );
    }

    proptest::proptest! {
        #[test]
        fn placeholder_labels_are_told_as_by_chars_fuzzed(
            label in "(your|YOUR|Your|x|X|tenant|TENANT|sub|domain|[a-zA-Z0-9]|[-_ ]|é|Σ){0,8}",
        ) {
            proptest::prop_assert_eq!(is_placeholder_label(&label), is_placeholder_label_by_chars(&label));
        }
    }

    #[test]
    fn plain_path_bytes_are_the_character_class() {
        let class = regex::Regex::new("^[A-Za-z0-9/_~-]$").expect("a valid class");
        for byte in 0..=u8::MAX {
            let text = char::from(byte).to_string();
            assert_eq!(
                is_plain_path_byte(byte),
                byte.is_ascii() && class.is_match(&text),
                "{byte}"
            );
        }
    }

    /// The loopback question asked before splitting is the one `split` answers.
    #[test]
    fn http_loopback_is_told_from_the_start() {
        for uri in [
            "http://127.0.0.1/auth/azuredevops/callback",
            "http://127.0.0.1:2200/x",
            "http://127.0.0.1",
            "http://u@127.0.0.1/",
            "HTTP://127.0.0.1/",
            "https://127.0.0.1/",
            "xhttp://127.0.0.1/",
            "http:/127.0.0.1/",
            "http://localhost/",
            "http://127.0.0.1.nip.io/",
            "ahttp://127.0.0.1",
            "",
        ] {
            let by_split = split(uri)
                .is_some_and(|written| written.scheme == "http" && written.host == LOOPBACK);
            assert_eq!(is_http_loopback(uri), by_split, "{uri}");
        }
    }

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
                    assert_eq!(
                        format!("https://{short}"),
                        url.origin().ascii_serialization()
                    );
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

    /// An API host is derived only when the subdomain can be told from the host.
    #[test]
    fn cloud_api_hosts_are_derived_only_when_certain() {
        for (host, derived) in [
            ("api.acme.appmixer.cloud", Ok(())),
            ("api.eu.acme.appmixer.cloud", Ok(())),
            ("x.a.b.c.appmixer.cloud", Ok(())),
            ("appmixer.cloud", Err(None)),
            ("acme.appmixer.cloud", Err(Some("api.acme.appmixer.cloud"))),
            (
                "my.acme.appmixer.cloud",
                Err(Some("api.acme.appmixer.cloud")),
            ),
            (
                "backoffice.acme.appmixer.cloud",
                Err(Some("api.acme.appmixer.cloud")),
            ),
            (
                "studio.eu.acme.appmixer.cloud",
                Err(Some("api.eu.acme.appmixer.cloud")),
            ),
            (
                "www.a.b.c.appmixer.cloud",
                Err(Some("api.a.b.c.appmixer.cloud")),
            ),
            // The subdomain cannot be told: no guess.
            ("api.appmixer.cloud", Err(None)),
            ("my.appmixer.cloud", Err(None)),
            ("acme.api.appmixer.cloud", Err(None)),
            ("api-acme.appmixer.cloud", Err(None)),
            ("acme-api.appmixer.cloud", Err(None)),
            ("foo.acme.appmixer.cloud", Err(None)),
            ("my.api.appmixer.cloud", Err(None)),
            ("my..appmixer.cloud", Err(None)),
            (".appmixer.cloud", Err(None)),
        ] {
            assert_eq!(
                cloud_api_host(host),
                derived.map_err(|api: Option<&str>| api.map(str::to_owned)),
                "{host}"
            );
        }
    }

    const GOOD: &str = "https://api.acme.appmixer.cloud/auth/azuredevops/callback";

    fn judged(value: &str) -> Vec<Code> {
        codes(&judge("redirectUri", value, &Origin::Literal, CALLBACK, None).findings)
    }

    fn help(value: &str, code: Code) -> String {
        judge("redirectUri", value, &Origin::Literal, CALLBACK, None)
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
                judge("redirectUri", value, &Origin::Literal, CALLBACK, None)
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
            "http://127.0.0.2:3000/auth/azuredevops/callback",
            "HTTP://127.0.0.1/auth/azuredevops/callback",
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
            None,
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

    fn findings(value: &str) -> Vec<Finding> {
        judge("redirectUri", value, &Origin::Literal, CALLBACK, None).findings
    }

    #[test]
    fn real_hosts_with_template_words_are_not_templates() {
        for host in [
            "appmixer.yourstory.com",
            "api.yourbank.de",
            "api.host.ch",
            "api.tenant.contoso.com",
            "api.domain.com",
            "todo.contoso.com",
            "yourcompany-api.contoso.com",
            "api.hostname.io",
            "API.ACME.APPMIXER.CLOUD",
        ] {
            assert!(!is_placeholder_host(host), "{host}");
            let value = format!("https://{host}/auth/azuredevops/callback");
            assert!(
                !judged(&value).contains(&Code::RedirectUriPlaceholderHost),
                "{value}"
            );
        }
        for host in [
            "api.YOUR_SUBDOMAIN.appmixer.cloud",
            "api.SUBDOMAIN.appmixer.cloud",
            "api.subdomain.appmixer.cloud",
            "api.<subdomain>.appmixer.cloud",
            "api.{tenant}.appmixer.cloud",
            "api.TENANT.appmixer.cloud",
            "api.your-tenant.appmixer.cloud",
            "api.yoursubdomain.appmixer.cloud",
            "api.YOUR-COMPANY.com",
            "HOSTNAME",
            "example.com",
            "api.example.org",
            "api.xxx.appmixer.cloud",
        ] {
            assert!(is_placeholder_host(host), "{host}");
        }
    }

    #[test]
    fn loopback_over_http_is_accepted_and_its_registration_explained() {
        for value in [
            "http://127.0.0.1/auth/azuredevops/callback",
            "http://127.0.0.1:2200/auth/azuredevops/callback",
            "https://127.0.0.1/auth/azuredevops/callback",
        ] {
            assert!(judged(value).is_empty(), "{value}: {:?}", judged(value));
        }
        let record = record(&[(
            "redirectUri",
            "http://127.0.0.1:2200/auth/azuredevops/callback",
        )]);
        let notes = value_notes(&record);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("Manifest") && notes[0].contains("web.redirectUris"));
        assert!(value_notes(&super::super::testing::record(&[("redirectUri", GOOD)])).is_empty());
        // The IPv6 loopback is not supported, over either scheme: one finding, not two.
        for value in [
            "http://[::1]/auth/azuredevops/callback",
            "https://[::1]:8080/auth/azuredevops/callback",
        ] {
            assert_eq!(
                judged(value),
                vec![Code::RedirectUriUnsupportedHost],
                "{value}"
            );
            assert!(help(value, Code::RedirectUriUnsupportedHost).contains("127.0.0.1"));
        }
    }

    #[test]
    fn localhost_ports_do_not_count_in_comparisons() {
        let none = RuleContext::default();
        for (redirect, callback, mismatch) in [
            (
                "http://localhost/auth/azuredevops/callback",
                "http://localhost:2200/auth/azuredevops/callback",
                false,
            ),
            (
                "http://localhost:3000/auth/azuredevops/callback",
                "http://localhost:2200/auth/azuredevops/callback",
                false,
            ),
            // Only for `localhost`: elsewhere the port is part of the URI.
            (
                "http://127.0.0.1/auth/azuredevops/callback",
                "http://127.0.0.1:2200/auth/azuredevops/callback",
                true,
            ),
            (
                "https://appmixer.contoso.com:8443/auth/azuredevops/callback",
                "https://appmixer.contoso.com/auth/azuredevops/callback",
                true,
            ),
            (
                "http://localhost/auth/azuredevops/callback",
                "http://localhost:2200/auth/AzureDevOps/callback",
                false,
            ),
            (
                "http://localhost/auth/azuredevops/callback",
                "https://localhost/auth/azuredevops/callback",
                true,
            ),
        ] {
            let found = check(
                &record(&[("redirectUri", redirect), ("callbackUrl", callback)]),
                &none,
            );
            let mismatched = codes(&found).contains(&Code::RedirectUriMismatch);
            // A callback with its own error (letter case) is not compared at all.
            assert_eq!(mismatched, mismatch, "{redirect} / {callback}: {found:?}");
        }
        let context = api("http://localhost:2200");
        assert!(
            check(
                &record(&[("redirectUri", "http://localhost/auth/azuredevops/callback")]),
                &context
            )
            .is_empty()
        );
    }

    #[test]
    fn invisible_and_unicode_characters_are_named() {
        let zero_width = "https://api.acme.appmixer.cloud\u{200B}/auth/azuredevops/callback";
        let found = findings(zero_width);
        assert_eq!(codes(&found), vec![Code::RedirectUriInvalidUrl]);
        assert!(
            found[0]
                .message
                .contains("U+200B ZERO WIDTH SPACE at character 32 (invisible)"),
            "{}",
            found[0].message
        );
        assert!(help(zero_width, Code::RedirectUriInvalidUrl).contains(&format!("`{GOOD}`")));
        for (value, named) in [
            (
                "https://api.acme.appmixer.cloud/auth/azure\u{AD}devops/callback",
                "U+00AD SOFT HYPHEN at character 43",
            ),
            (
                "https://api.acme.appmixer.cloud/auth/azuredevops/callback\u{FEFF}x",
                "U+FEFF ZERO WIDTH NO-BREAK SPACE",
            ),
        ] {
            let found = findings(value);
            assert_eq!(codes(&found), vec![Code::RedirectUriInvalidUrl], "{value}");
            assert!(found[0].message.contains(named), "{}", found[0].message);
        }
        for (value, named, corrected) in [
            (
                "https://api.acme\u{3002}appmixer.cloud/auth/azuredevops/callback",
                "U+3002 IDEOGRAPHIC FULL STOP at character 17, which looks like `.`",
                Some(GOOD),
            ),
            (
                "https://\u{430}pi.acme.appmixer.cloud/auth/azuredevops/callback",
                "U+0430 CYRILLIC SMALL LETTER A at character 9, which looks like `a`",
                Some(GOOD),
            ),
            (
                "https://api.acme.appmixer.cloud\u{FF0E}/auth/azuredevops/callback",
                "U+FF0E FULLWIDTH FULL STOP",
                Some(GOOD),
            ),
            (
                "https://appmixer.m\u{FC}nchen.de/auth/azuredevops/callback",
                "U+00FC LATIN SMALL LETTER U WITH DIAERESIS at character 19",
                None,
            ),
        ] {
            let found = findings(value);
            assert_eq!(
                codes(&found),
                vec![Code::RedirectUriUnsupportedHost],
                "{value}"
            );
            assert!(found[0].message.contains(named), "{}", found[0].message);
            assert_eq!(
                suggestion(value, CALLBACK, None).as_deref(),
                corrected,
                "{value}"
            );
        }
    }

    #[test]
    fn hosted_appmixer_has_no_port_and_no_trailing_dot() {
        for value in [
            "https://api.acme.appmixer.cloud:8443/auth/azuredevops/callback",
            "https://api.acme.appmixer.cloud:0443/auth/azuredevops/callback",
            "https://api.acme.appmixer.cloud:/auth/azuredevops/callback",
            "https://api.acme.appmixer.cloud./auth/azuredevops/callback",
        ] {
            assert_eq!(judged(value), vec![Code::RedirectUriNotApiHost], "{value}");
            assert_eq!(
                suggestion(value, CALLBACK, None).as_deref(),
                Some(GOOD),
                "{value}"
            );
        }
        // The Studio's host with a trailing dot: one finding giving both reasons.
        let both = findings("https://my.acme.appmixer.cloud.:8443/auth/azuredevops/callback");
        assert_eq!(codes(&both), vec![Code::RedirectUriNotApiHost]);
        assert!(both[0].message.contains("Studio") && both[0].message.contains("trailing dot"));
        assert!(both[0].message.contains(":8443"));
        // The default port written out is the same URI; a self-managed port is its own.
        for value in [
            "https://api.acme.appmixer.cloud:443/auth/azuredevops/callback",
            "https://appmixer.contoso.com:8443/auth/azuredevops/callback",
        ] {
            assert!(judged(value).is_empty(), "{value}");
        }
    }

    #[test]
    fn empty_path_segments_are_wrong_everywhere() {
        for (value, corrected) in [
            (
                "https://appmixer.contoso.com//auth/azuredevops/callback",
                "https://appmixer.contoso.com/auth/azuredevops/callback",
            ),
            (
                "https://appmixer.contoso.com/api//auth/azuredevops/callback",
                "https://appmixer.contoso.com/api/auth/azuredevops/callback",
            ),
            (
                "https://api.acme.appmixer.cloud//auth/azuredevops/callback",
                GOOD,
            ),
        ] {
            assert_eq!(judged(value), vec![Code::RedirectUriWrongPath], "{value}");
            assert!(
                help(value, Code::RedirectUriWrongPath).contains(&format!("`{corrected}`")),
                "{value}"
            );
        }
    }

    #[test]
    fn wildcards_are_wildcards() {
        let value = "https://*.contoso.com/auth/azuredevops/callback";
        let found = findings(value);
        assert_eq!(codes(&found), vec![Code::RedirectUriUnsupportedHost]);
        assert!(found[0].message.contains("wildcard"));
        assert!(!found[0].message.contains("template"));
        assert_eq!(
            judged("https://*.appmixer.cloud/auth/azuredevops/callback"),
            vec![Code::RedirectUriUnsupportedHost]
        );
    }

    #[test]
    fn upper_case_scheme_help_agrees_with_the_rule() {
        let value = "HTTPS://api.acme.appmixer.cloud/auth/azuredevops/callback";
        let found = findings(value);
        assert_eq!(codes(&found), vec![Code::RedirectUriInsecureScheme]);
        let help = found[0].help.clone().unwrap_or_default();
        assert!(help.contains(&format!("`{GOOD}`")), "{help}");
        assert!(!help.contains("in lower case: Entra"), "{help}");
    }

    #[test]
    fn api_hosts_are_suggested_only_when_certain() {
        for value in [
            "https://api.appmixer.cloud/auth/azuredevops/callback",
            "https://acme.api.appmixer.cloud/auth/azuredevops/callback",
            "https://api-acme.appmixer.cloud/auth/azuredevops/callback",
        ] {
            let found = findings(value);
            assert_eq!(codes(&found), vec![Code::RedirectUriNotApiHost], "{value}");
            let help = found[0].help.clone().unwrap_or_default();
            assert!(!help.contains("api.api."), "{value}: {help}");
            assert!(help.contains("api.<your-subdomain>"), "{value}: {help}");
            assert_eq!(suggestion(value, CALLBACK, None), None, "{value}");
        }
        // Two findings on one value give one fix.
        let value = "https://acme.appmixer.cloud/api/auth/azuredevops/callback";
        let found = findings(value);
        assert_eq!(
            codes(&found),
            vec![Code::RedirectUriWrongPath, Code::RedirectUriNotApiHost]
        );
        for finding in &found {
            assert!(
                finding
                    .help
                    .as_deref()
                    .unwrap_or_default()
                    .contains(&format!("`{GOOD}`")),
                "{finding:?}"
            );
        }
    }
}
