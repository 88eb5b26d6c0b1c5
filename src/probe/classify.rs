//! Pure classification of Entra's answers: status, headers and body in, a verdict out. No I/O,
//! no clock, so every body Entra has ever sent (and every odd one a proxy might) is a plain test.
//!
//! The rule is the SPEC's: classify by `error_codes[0]`, falling back to the `AADSTS<n>:` prefix
//! of `error_description`; never by wording, which Entra changes. A 200 is a success only when it
//! carries an `access_token`, and the token is never kept: the body is read into a shape that
//! records only whether one was there.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};

use crate::catalogue::Code;

/// Longest description kept from an answer: enough for any Entra message, not for a whole page.
const MAX_DESCRIPTION_CHARS: usize = 400;

/// Longest excerpt of a body that is not Entra's JSON (an HTML page from a proxy, say).
const MAX_EXCERPT_CHARS: usize = 120;

/// The error Entra reported, as far as the body tells; every field is optional because answers
/// vary (and a proxy's answer has none of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntraError {
    /// The AADSTS number, from `error_codes[0]` or the description's prefix.
    pub code: Option<u32>,
    /// The OAuth `error` (`invalid_client`, ...).
    pub error: Option<String>,
    /// `error_description` without the `AADSTS<n>: ` prefix and the trace trailer, on one line.
    pub description: Option<String>,
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
}

impl EntraError {
    /// `AADSTS7000222: The provided client secret keys are expired. (trace id …, correlation id …)`
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if let Some(code) = self.code {
            out.push_str(&format!("AADSTS{code}"));
        } else if let Some(error) = &self.error {
            out.push_str(error);
        }
        if let Some(description) = &self.description {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(description);
        }
        let ids: Vec<String> = [
            self.trace_id.as_ref().map(|id| format!("trace id {id}")),
            self.correlation_id
                .as_ref()
                .map(|id| format!("correlation id {id}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !ids.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("({})", ids.join(", ")));
        }
        out
    }
}

/// What one answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// One of the `probe/*` codes.
    pub code: Code,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// Entra's error, when the body carried one.
    pub entra: Option<EntraError>,
    /// A plain account of an answer that is not Entra's (non-JSON body, redirect, transport
    /// failure): already single-line and bounded.
    pub detail: Option<String>,
    /// `Retry-After`, in seconds, when the answer had one.
    pub retry_after: Option<Duration>,
}

impl Verdict {
    pub fn new(code: Code) -> Verdict {
        Verdict {
            code,
            status: None,
            entra: None,
            detail: None,
            retry_after: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Verdict {
        self.detail = Some(detail.into());
        self
    }

    /// Whether asking again may give another answer: throttling and server errors.
    pub fn is_retryable(&self) -> bool {
        self.code == Code::ProbeThrottled || self.status.is_some_and(|status| status >= 500)
    }
}

/// Maps an AADSTS number to its probe code (`None`: not one the probe knows).
pub fn code_for_aadsts(number: u32) -> Option<Code> {
    Some(match number {
        90002 => Code::ProbeTenantNotFound,
        900023 => Code::ProbeTenantMalformed,
        700016 => Code::ProbeClientNotFound,
        7000215 => Code::ProbeSecretInvalid,
        7000222 => Code::ProbeSecretExpired,
        7000218 => Code::ProbeSecretMissing,
        7000112 => Code::ProbeAppDisabled,
        900382 | 900432 | 90038 => Code::ProbeWrongCloud,
        500011 => Code::ProbeResourceMissing,
        53003 => Code::ProbeBlockedByPolicy,
        90055 | 50196 => Code::ProbeThrottled,
        _ => return None,
    })
}

/// Classifies an answer of the token endpoint.
pub fn classify(status: u16, headers: &HeaderMap, body: &[u8]) -> Verdict {
    let retry_after = retry_after(headers);
    let parsed = parse_body(body);
    let mut verdict = Verdict {
        code: Code::ProbeUnexpectedResponse,
        status: Some(status),
        entra: None,
        detail: None,
        retry_after,
    };
    match parsed {
        Body::Json {
            has_access_token,
            error,
        } => {
            if status == 200 && has_access_token {
                verdict.code = Code::ProbeOk;
                return verdict;
            }
            if status == 429 {
                verdict.code = Code::ProbeThrottled;
            } else if let Some(code) = error.code.and_then(code_for_aadsts) {
                verdict.code = code;
            } else {
                // Entra's own code and description, if any, are shown from `verdict.entra`.
                verdict.detail = Some(account(status, headers, BodyShown::Json));
            }
            if error != EntraError::default() {
                verdict.entra = Some(error);
            }
        }
        Body::Other(excerpt) => {
            if status == 429 {
                verdict.code = Code::ProbeThrottled;
            } else {
                verdict.detail = Some(account(
                    status,
                    headers,
                    excerpt
                        .as_deref()
                        .map_or(BodyShown::Empty, BodyShown::Excerpt),
                ));
            }
        }
    }
    verdict
}

/// Classifies an answer whose body went on past `limit` bytes (of which `head` holds the first):
/// bigger than any Entra answer, and not read to its end, so whatever its start says it is no
/// verdict. The status is kept, so a server error is still retried.
pub fn oversized(status: u16, headers: &HeaderMap, head: &[u8], limit: u64) -> Verdict {
    let size = if limit.is_multiple_of(1024) {
        format!("{} KiB", limit / 1024)
    } else {
        format!("{limit} bytes")
    };
    let mut detail = status_text(status);
    if let Some(kind) = content_type(headers) {
        detail.push_str(&format!(" ({kind})"));
    }
    detail.push_str(&format!(
        " with a body larger than {size}, more than any Entra answer; only its first {size} were read"
    ));
    if let Some(excerpt) = excerpt(head) {
        detail.push_str(&format!(", starting: {excerpt}"));
    }
    Verdict {
        code: Code::ProbeUnexpectedResponse,
        status: Some(status),
        entra: None,
        detail: Some(detail),
        retry_after: retry_after(headers),
    }
}

/// What discovery tells before any secret is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    /// The tenant exists in this cloud: go on to the token request.
    Proceed,
    /// Stop here: the verdict for every record of this tenant.
    Stop(Verdict),
}

/// Classifies the answer of `{authority}/{tenant}/v2.0/.well-known/openid-configuration`.
///
/// `expected_cloud` is the `cloud_instance_name` of the chosen `--cloud`; when the document names
/// another known cloud, the tenant lives there and the secret is not sent to this one.
pub fn classify_discovery(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    expected_cloud: Option<&str>,
) -> Discovery {
    if status != 200 {
        let verdict = classify(status, headers, body);
        return Discovery::Stop(verdict);
    }
    let document: Option<DiscoveryDocument> = serde_json::from_slice(strip_bom(body)).ok();
    let Some(document) = document.filter(|document| document.token_endpoint.is_some()) else {
        let shown = excerpt(body).unwrap_or_else(|| "an empty body".to_owned());
        return Discovery::Stop(Verdict {
            code: Code::ProbeUnexpectedResponse,
            status: Some(status),
            entra: None,
            detail: Some(format!(
                "the OpenID discovery document (HTTP 200) names no token endpoint: {shown}"
            )),
            retry_after: None,
        });
    };
    match (expected_cloud, document.cloud_instance_name.as_deref()) {
        (Some(expected), Some(found))
            if KNOWN_CLOUD_INSTANCES.contains(&found) && !found.eq_ignore_ascii_case(expected) =>
        {
            Discovery::Stop(Verdict {
                code: Code::ProbeWrongCloud,
                status: Some(status),
                entra: None,
                detail: Some(format!(
                    "the discovery document says the tenant is served by the `{}` cloud (cloud_instance_name `{found}`), not by `{expected}`; the secret was not sent",
                    cloud_label(found)
                )),
                retry_after: None,
            })
        }
        _ => Discovery::Proceed,
    }
}

/// `cloud_instance_name` of each cloud `--cloud` knows; another value is not judged.
pub const KNOWN_CLOUD_INSTANCES: &[&str] = &[
    "microsoftonline.com",
    "microsoftonline.us",
    "partner.microsoftonline.cn",
];

fn cloud_label(instance: &str) -> &'static str {
    match instance {
        "microsoftonline.us" => "usgov",
        "partner.microsoftonline.cn" => "china",
        _ => "public",
    }
}

#[derive(Deserialize)]
struct DiscoveryDocument {
    #[serde(default, deserialize_with = "lenient_string")]
    token_endpoint: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    cloud_instance_name: Option<String>,
}

enum Body {
    /// A JSON object: whether it held a non-empty `access_token`, and Entra's error fields.
    Json {
        has_access_token: bool,
        error: EntraError,
    },
    /// Anything else: a short printable excerpt (`None` when empty).
    Other(Option<String>),
}

/// The fields of a token answer the probe reads. `access_token` is deserialized into a bool, so
/// the token never lands in a `String` of ours.
#[derive(Deserialize)]
struct TokenBody {
    #[serde(default, deserialize_with = "non_empty_string")]
    access_token: bool,
    #[serde(default, deserialize_with = "lenient_string")]
    error: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    error_description: Option<String>,
    #[serde(default)]
    error_codes: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient_string")]
    trace_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    correlation_id: Option<String>,
}

fn parse_body(body: &[u8]) -> Body {
    match serde_json::from_slice::<TokenBody>(strip_bom(body)) {
        Ok(parsed) => {
            let description = parsed.error_description.as_deref();
            let code = first_error_code(parsed.error_codes.as_ref())
                .or_else(|| description.and_then(aadsts_prefix));
            let trailer = description.map(trace_trailer).unwrap_or_default();
            Body::Json {
                has_access_token: parsed.access_token,
                error: EntraError {
                    code,
                    error: parsed.error.map(|error| one_line(&error, 80)),
                    description: description
                        .map(clean_description)
                        .filter(|text| !text.is_empty()),
                    trace_id: parsed.trace_id.or(trailer.0).map(|id| one_line(&id, 64)),
                    correlation_id: parsed
                        .correlation_id
                        .or(trailer.1)
                        .map(|id| one_line(&id, 64)),
                },
            }
        }
        Err(_) => Body::Other(excerpt(body)),
    }
}

fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// `error_codes[0]` when it is a number (or a numeric string: tolerate a sloppy proxy).
fn first_error_code(codes: Option<&serde_json::Value>) -> Option<u32> {
    let first = match codes? {
        serde_json::Value::Array(items) => items.first()?,
        single => single,
    };
    match first {
        serde_json::Value::Number(number) => number.as_u64().and_then(|n| u32::try_from(n).ok()),
        serde_json::Value::String(text) => {
            text.trim().trim_start_matches("AADSTS").parse::<u32>().ok()
        }
        _ => None,
    }
}

/// The number of a leading `AADSTS<n>:`.
pub fn aadsts_prefix(description: &str) -> Option<u32> {
    let rest = description.trim_start().strip_prefix("AADSTS")?;
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    if digits_end == 0 || !rest[digits_end..].starts_with(':') {
        return None;
    }
    rest[..digits_end].parse().ok()
}

/// Where the trailer starts: `\r\nTrace ID: …` before 2024, ` Trace ID: …` since.
fn trailer_start(description: &str) -> Option<usize> {
    description.find("Trace ID:")
}

/// Trace and correlation ids from the trailer, for bodies without the separate fields.
fn trace_trailer(description: &str) -> (Option<String>, Option<String>) {
    let Some(start) = trailer_start(description) else {
        return (None, None);
    };
    let trailer = &description[start..];
    let value_after = |label: &str| {
        let at = trailer.find(label)? + label.len();
        trailer[at..]
            .split_whitespace()
            .next()
            .map(str::to_owned)
            .filter(|id| !id.is_empty())
    };
    (value_after("Trace ID:"), value_after("Correlation ID:"))
}

/// The description without its `AADSTS<n>: ` prefix and trace trailer, on one bounded line.
fn clean_description(description: &str) -> String {
    let mut text = match trailer_start(description) {
        Some(start) => &description[..start],
        None => description,
    }
    .trim();
    if aadsts_prefix(text).is_some()
        && let Some(colon) = text.find(':')
    {
        text = text[colon + 1..].trim_start();
    }
    one_line(&mask_form_secret(text), MAX_DESCRIPTION_CHARS)
}

/// Masks the value of every `client_secret=` in text from the server. A proxy's error page may
/// echo the token request's form body; the caller scrubs the whole secret, raw and form-encoded,
/// but an excerpt cut short can hold a long piece of it, which only the field name gives away.
/// Done before the text is shortened, so a cut value is masked too.
pub fn mask_form_secret(text: &str) -> String {
    const FIELD: &str = "client_secret=";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` hold in `rest`.
    while let Some(at) = rest.to_ascii_lowercase().find(FIELD) {
        let value_start = at + FIELD.len();
        out.push_str(&rest[..value_start]);
        let value = &rest[value_start..];
        let value_end = value
            .find(|c: char| c == '&' || c == '"' || c == '\'' || c == '<' || c.is_whitespace())
            .unwrap_or(value.len());
        if value_end > 0 {
            out.push_str("********");
        }
        rest = &value[value_end..];
    }
    out.push_str(rest);
    out
}

/// Collapses whitespace, drops control characters (a hostile server must not drive the terminal)
/// and bounds the length.
pub fn one_line(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        let word: String = word.chars().filter(|c| !c.is_control()).collect();
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= max_chars {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

pub(crate) fn excerpt(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = one_line(&mask_form_secret(&text), MAX_EXCERPT_CHARS);
    (!text.is_empty()).then_some(text)
}

/// "HTTP 302 (a redirect to https://x/, not followed)" or "HTTP 502 text/html: <excerpt>".
/// What an account of an answer says about its body.
enum BodyShown<'a> {
    /// A JSON body, described elsewhere (Entra's code and description).
    Json,
    /// The start of a non-JSON body.
    Excerpt(&'a str),
    Empty,
}

fn account(status: u16, headers: &HeaderMap, body: BodyShown<'_>) -> String {
    let mut out = status_text(status);
    if (300..400).contains(&status) {
        let target = headers
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(redirect_target)
            .unwrap_or_else(|| "an unnamed location".to_owned());
        out.push_str(&format!(
            ": a redirect to {target}, which the probe never follows"
        ));
        return out;
    }
    if let Some(kind) = content_type(headers) {
        out.push_str(&format!(" ({kind})"));
    }
    match body {
        BodyShown::Json => {}
        BodyShown::Excerpt(excerpt) => out.push_str(&format!(": {excerpt}")),
        BodyShown::Empty => out.push_str(" with an empty body"),
    }
    out
}

/// "HTTP 502 Bad Gateway".
pub(crate) fn status_text(status: u16) -> String {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .map(|reason| format!(" {reason}"))
        .unwrap_or_default();
    format!("HTTP {status}{reason}")
}

/// The `Content-Type` of an answer, on one bounded line.
pub(crate) fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|kind| one_line(kind, 60))
}

/// A redirect target without its query (which could carry anything) and bounded.
pub(crate) fn redirect_target(location: &str) -> String {
    let without_query = location.split(['?', '#']).next().unwrap_or_default();
    one_line(without_query, 100)
}

/// `Retry-After` in seconds (the form Entra sends); an HTTP date is not worth a date parser here.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

/// The access token of a successful token answer, straight into a `SecretString` (for the one
/// request of this run that needs it); `None` when there is no usable one.
pub fn access_token(body: &[u8]) -> Option<SecretString> {
    #[derive(Deserialize)]
    struct Token {
        access_token: SecretString,
    }
    serde_json::from_slice::<Token>(strip_bom(body))
        .ok()
        .map(|token| token.access_token)
        .filter(|token| !token.expose_secret().trim().is_empty())
}

fn non_empty_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    deserializer.deserialize_any(Present)
}

/// Sees whether a value is a non-empty string without copying it: the token stays in the body
/// buffer, which is dropped right after classification.
struct Present;

impl<'de> serde::de::Visitor<'de> for Present {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<bool, E> {
        Ok(!value.trim().is_empty())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(false)
    }
}

/// A string field that tolerates any other JSON type (as absent).
fn lenient_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(serde_json::Value::deserialize(deserializer)?
        .as_str()
        .map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_answer_is_never_a_verdict_and_says_why() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, "application/json".parse().expect("header"));
        // Its start is a complete token answer, and it still proves nothing.
        let head = br#"{"access_token":"x","token_type":"Bearer"}"#;
        let verdict = oversized(200, &headers, head, 64 * 1024);
        assert_eq!(verdict.code, Code::ProbeUnexpectedResponse);
        assert_eq!(verdict.status, Some(200));
        let detail = verdict.detail.unwrap_or_default();
        assert!(
            detail.starts_with("HTTP 200 OK (application/json) with a body larger than 64 KiB"),
            "{detail}"
        );
        // A server error stays retryable.
        assert!(oversized(503, &HeaderMap::new(), b"", 64 * 1024).is_retryable());
    }

    #[test]
    fn echoed_form_secrets_are_masked_even_when_cut_short() {
        assert_eq!(
            mask_form_secret("a=1&client_secret=Ab1Q%7Esecret&scope=x"),
            "a=1&client_secret=********&scope=x"
        );
        assert_eq!(
            mask_form_secret("CLIENT_SECRET=abc CLIENT_SECRET="),
            "CLIENT_SECRET=******** CLIENT_SECRET="
        );
        assert_eq!(mask_form_secret("no secret here"), "no secret here");
        let cut = excerpt(format!("client_secret={}", "s".repeat(500)).as_bytes());
        assert_eq!(cut.as_deref(), Some("client_secret=********"));
    }
}
