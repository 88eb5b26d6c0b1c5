//! The Microsoft Graph `application` object, as far as the checks read it, and the
//! `servicePrincipal` fields the fallback reads. The same shape comes from Graph
//! (`GET /v1.0/applications(appId='…')`) and from `az ad app show`, so one model serves both.
//!
//! Lenient where the sources vary (extra properties, `null`s, properties left out), strict where a
//! wrong type means the text is not what it claims to be (a list where an object belongs): that
//! is an error of the whole answer, reported by [`parse`] without quoting any value.
//!
//! A credential's `hint` holds the first three characters of its secret, so it is part of the
//! secret: it is read straight into a `SecretString` and never formatted.

use secrecy::SecretString;
use serde::de::{self, IgnoredAny};
use serde::{Deserialize, Deserializer};
use time::OffsetDateTime;

/// A property of an answer: left out, `null`, or a value. Graph sends every property `$select`
/// names (`null` when unset) and `az ad app show` prints them all; a property that is absent was
/// not sent at all (a hand-trimmed file, another API version), which says nothing about its value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Property<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Property<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Property<T>, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Property::Value(value),
            None => Property::Null,
        })
    }
}

impl<T> Property<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Property::Value(value) => Some(value),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Property::Absent)
    }
}

/// The application object (`microsoft.graph.application`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Application {
    pub app_id: Property<String>,
    pub display_name: Property<String>,
    pub sign_in_audience: Property<String>,
    pub web: Property<Web>,
    pub spa: Property<Platform>,
    pub public_client: Property<Platform>,
    pub required_resource_access: Property<Vec<RequiredResourceAccess>>,
    pub password_credentials: Property<Vec<PasswordCredential>>,
    pub is_fallback_public_client: Property<bool>,
    /// A string per the documentation (`null` when not disabled); taken as any JSON value so a
    /// number (the documentation lists the reason as `1`) is not a reason to refuse the answer.
    pub disabled_by_microsoft_status: Property<serde_json::Value>,
    /// Only a service principal has these: recognised to say which command to run instead.
    pub(crate) service_principal_type: Property<IgnoredAny>,
    pub(crate) app_owner_organization_id: Property<IgnoredAny>,
    /// Azure AD Graph's shape, printed by Azure CLI before 2.37 (`replyUrls` instead of `web`).
    pub(crate) reply_urls: Property<IgnoredAny>,
}

/// `web` (`microsoft.graph.webApplication`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Web {
    pub redirect_uris: Property<Vec<Property<String>>>,
    /// The same URIs with their index, in newer answers.
    pub redirect_uri_settings: Property<Vec<Property<RedirectUriSetting>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RedirectUriSetting {
    pub uri: Property<String>,
}

/// `spa` and `publicClient`: only their redirect URIs matter here.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Platform {
    pub redirect_uris: Property<Vec<Property<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RequiredResourceAccess {
    pub resource_app_id: Property<String>,
    pub resource_access: Property<Vec<ResourceAccess>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ResourceAccess {
    pub id: Property<String>,
    /// `Scope` (delegated) or `Role` (application).
    #[serde(rename = "type")]
    pub kind: Property<String>,
}

/// A client secret of the app (`microsoft.graph.passwordCredential`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PasswordCredential {
    /// The description given when it was created.
    pub display_name: Property<String>,
    pub end_date_time: Property<Timestamp>,
    pub start_date_time: Property<Timestamp>,
    /// The first three characters of the secret: secret themselves.
    pub hint: Property<SecretString>,
    /// The Secret ID the portal shows.
    pub key_id: Property<String>,
    /// Only ever filled in the answer that creates a secret; kept secret should any answer
    /// carry it.
    pub secret_text: Property<SecretString>,
}

/// The service principal fields the fallback reads (`microsoft.graph.servicePrincipal`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServicePrincipal {
    pub app_id: Property<String>,
    pub display_name: Property<String>,
    /// The tenant the application is registered in (its home tenant).
    pub app_owner_organization_id: Property<String>,
}

/// An ISO 8601 / RFC 3339 date-time (Graph's `DateTimeOffset`, always UTC there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub OffsetDateTime);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        parse_timestamp(&text)
            .map(Timestamp)
            // Says what was expected, never what was found.
            .ok_or_else(|| de::Error::custom(DATE_EXPECTED))
    }
}

const DATE_EXPECTED: &str = "expected a date-time such as 2026-01-31T00:00:00Z";

/// RFC 3339 (`2026-01-31T12:00:00Z`, `…+00:00`, any number of fraction digits); a date-time
/// without an offset is read as UTC, which is what Graph's are.
pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let text = text.trim();
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .or_else(|| OffsetDateTime::parse(&format!("{text}Z"), &Rfc3339).ok())
}

/// Why a text is not an application object (or a service principal), without any of its values:
/// where the fault is and what kind of value stands there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// `passwordCredentials[0].endDateTime`, or empty for the whole text.
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(
                f,
                "{} (line {}, column {})",
                self.reason, self.line, self.column
            )
        } else {
            write!(
                f,
                "`{}`: {} (line {}, column {})",
                self.path, self.reason, self.line, self.column
            )
        }
    }
}

/// Parses `bytes` as a `T`, with an error that names the place and the kinds of value found and
/// expected, never a value itself (serde's own messages quote what they found, which may be a
/// secret or a hint in the wrong place).
pub fn parse<T: de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ShapeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| shape_error(bytes, Some(error.path()), error.inner()))?;
    deserializer
        .end()
        .map_err(|error| shape_error(bytes, None, &error))?;
    Ok(value)
}

fn shape_error(
    bytes: &[u8],
    path: Option<&serde_path_to_error::Path>,
    error: &serde_json::Error,
) -> ShapeError {
    let reason = match error.classify() {
        serde_json::error::Category::Data => data_reason(bytes, path, error),
        serde_json::error::Category::Eof => "the text ends early".to_owned(),
        _ => format!("not JSON: {}", without_position(&error.to_string())),
    };
    ShapeError {
        path: path
            .map(ToString::to_string)
            .filter(|path| path != ".")
            .unwrap_or_default(),
        line: error.line(),
        column: error.column(),
        reason,
    }
}

/// serde_json appends " at line L column C"; the position is reported separately.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// "a list where an object belongs". serde's "invalid type: string \"…\", expected …" quotes
/// the value, so the found kind is read from the text at the path instead, and only the
/// expected part of serde's message (which comes from this module's types) is kept.
fn data_reason(
    bytes: &[u8],
    path: Option<&serde_path_to_error::Path>,
    error: &serde_json::Error,
) -> String {
    let message = without_position(&error.to_string());
    let quoted_value =
        message.starts_with("invalid type:") || message.starts_with("invalid value:");
    if !quoted_value {
        // missing/duplicate field names and this module's own messages hold no value.
        return message;
    }
    let expected = message
        .rsplit_once(", expected ")
        .map(|(_, expected)| friendly_expected(expected))
        .unwrap_or_else(|| "another kind of value".to_owned());
    match found_kind(bytes, path) {
        Some(found) => format!("{found} where {expected} belongs"),
        None => format!("a value of the wrong kind where {expected} belongs"),
    }
}

fn friendly_expected(expected: &str) -> String {
    match expected {
        "a sequence" => "a list".to_owned(),
        "a boolean" => "`true`, `false` or `null`".to_owned(),
        "a string" | "a borrowed string" => "a string".to_owned(),
        other if other.starts_with("struct ") => "an object".to_owned(),
        other => other.to_owned(),
    }
}

/// The kind of JSON value at `path` ("a string", "a list", …).
fn found_kind(bytes: &[u8], path: Option<&serde_path_to_error::Path>) -> Option<&'static str> {
    let root: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let mut node = &root;
    for segment in path.into_iter().flat_map(|path| path.iter()) {
        node = match segment {
            serde_path_to_error::Segment::Seq { index } => node.get(*index)?,
            serde_path_to_error::Segment::Map { key } => node.get(key.as_str())?,
            _ => return None,
        };
    }
    Some(match node {
        serde_json::Value::Null => "`null`",
        serde_json::Value::Bool(_) => "`true` or `false`",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    })
}

/// Every string of a list, skipping `null`s.
pub fn strings(list: &Property<Vec<Property<String>>>) -> impl Iterator<Item = &str> {
    list.value()
        .into_iter()
        .flatten()
        .filter_map(|item| item.value().map(String::as_str))
}

impl Web {
    /// The Web redirect URIs: `redirectUris` and `redirectUriSettings[].uri`, each once.
    pub fn redirect_uris(&self) -> Vec<&str> {
        let mut uris: Vec<&str> = strings(&self.redirect_uris).collect();
        let settings = self
            .redirect_uri_settings
            .value()
            .into_iter()
            .flatten()
            .filter_map(|setting| setting.value())
            .filter_map(|setting| setting.uri.value().map(String::as_str));
        for uri in settings {
            if !uris.contains(&uri) {
                uris.push(uri);
            }
        }
        uris
    }
}

impl Platform {
    pub fn redirect_uris(&self) -> Vec<&str> {
        strings(&self.redirect_uris).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn properties_tell_absent_from_null() {
        let app: Application =
            parse(br#"{"appId":"a","signInAudience":null,"extra":{"x":[1,2]}}"#).expect("parsed");
        assert_eq!(app.app_id, Property::Value("a".to_owned()));
        assert_eq!(app.sign_in_audience, Property::Null);
        assert!(app.web.is_absent());
        assert!(app.password_credentials.is_absent());
    }

    #[test]
    fn hints_are_secret_and_dates_parse() {
        let app: Application = parse(
            br#"{"passwordCredentials":[{"hint":"Ab1","keyId":"k","endDateTime":"2026-01-31T10:20:30.1234567Z","startDateTime":"2025-01-31T10:20:30+00:00","customKeyIdentifier":null,"secretText":null}]}"#,
        )
        .expect("parsed");
        let credentials = app.password_credentials.value().expect("credentials");
        let hint = credentials[0].hint.value().expect("hint");
        assert_eq!(hint.expose_secret(), "Ab1");
        assert!(!format!("{app:?}").contains("Ab1"));
        let end = credentials[0].end_date_time.value().expect("end").0;
        assert_eq!(
            (end.year(), u8::from(end.month()), end.day()),
            (2026, 1, 31)
        );
        assert!(matches!(credentials[0].secret_text, Property::Null));
    }

    #[test]
    fn dates_without_an_offset_are_utc() {
        let date = parse_timestamp("2026-03-01T00:00:00").expect("date");
        assert_eq!(date.offset(), time::UtcOffset::UTC);
        assert!(parse_timestamp("31/01/2026").is_none());
        assert!(parse_timestamp("").is_none());
    }

    #[test]
    fn shape_errors_name_the_place_and_kinds_but_never_a_value() {
        let text = br#"{"passwordCredentials":[{"hint":"Zq7","endDateTime":["Zq7secret"]}]}"#;
        let error = parse::<Application>(text).expect_err("wrong type");
        assert_eq!(error.path, "passwordCredentials[0].endDateTime");
        assert_eq!(error.reason, "a list where a string belongs");
        assert!(!error.to_string().contains("Zq7"), "{error}");

        let error = parse::<Application>(br#"{"web":{"redirectUris":"Zq7x"}}"#).expect_err("type");
        assert_eq!(error.path, "web.redirectUris");
        assert_eq!(error.reason, "a string where a list belongs");

        let error = parse::<Application>(br#"{"passwordCredentials":[{"endDateTime":"Zq7-31"}]}"#)
            .expect_err("date");
        assert!(error.reason.contains("date-time"), "{error}");
        assert!(!error.to_string().contains("Zq7"));

        let error = parse::<Application>(br#"{"isFallbackPublicClient":"Zq7"}"#).expect_err("bool");
        assert!(!error.to_string().contains("Zq7"), "{error}");

        let error = parse::<Application>(b"{\"a\": 1,}").expect_err("syntax");
        assert!(error.reason.starts_with("not JSON"), "{error}");
        assert_eq!(error.line, 1);

        let error = parse::<Application>(b"{} []").expect_err("trailing");
        assert!(error.reason.contains("trailing"), "{error}");
        assert!(parse::<Application>(b"\xEF\xBB\xBF{}").is_ok());
    }

    #[test]
    fn web_redirect_uris_merge_both_lists() {
        let app: Application = parse(
            br#"{"web":{"redirectUris":["https://a/x",null],"redirectUriSettings":[{"uri":"https://a/x","index":null},{"uri":"https://b/y","index":1},null]}}"#,
        )
        .expect("parsed");
        let web = app.web.value().expect("web");
        assert_eq!(web.redirect_uris(), ["https://a/x", "https://b/y"]);
    }
}
