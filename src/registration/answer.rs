//! Pure classification of Microsoft Graph's answers (status, headers and body in, an [`Answer`]
//! out), and what an unread registration tells the user. No I/O: every answer Graph gives (and
//! every odd one a proxy might) is a plain test.
//!
//! Texts from the answer are kept raw here and scrubbed when a message is made, with the secrets
//! of the record the message is about: one answer serves every record of the same app.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Scrubber;
use super::model::{self, Application, ServicePrincipal};
use crate::http::{self, Retryable};
use crate::probe::Verdict;
use crate::probe::classify::{self, one_line};

/// Graph's answers are read up to this size; an application object with the properties the
/// checks ask for is a few KiB.
pub const MAX_BODY: u64 = 64 * 1024;

/// Graph's error envelope: `{"error": {"code", "message", "innerError": {"request-id"}}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

/// What one Graph request answered.
#[derive(Debug)]
pub enum Answer<T> {
    Found(T),
    /// 403: `Authorization_RequestDenied` and its kin.
    Denied(GraphError),
    /// 404: `Request_ResourceNotFound`.
    NotFound(GraphError),
    /// 429, still after the retries.
    Throttled {
        retry_after: Option<Duration>,
        attempts: Option<u32>,
    },
    /// Any other answer that is not the object: a 401, a 5xx after the retries, a redirect (never
    /// followed), a body that is not the object or too large. `detail` is our account of it,
    /// `excerpt` the start of a body that was not Graph's JSON.
    Other {
        status: u16,
        error: GraphError,
        detail: String,
        excerpt: Option<String>,
        retry_after: Option<Duration>,
        attempts: Option<u32>,
    },
    /// No answer (DNS, connection, TLS, timeout): already a plain account.
    Unreachable(String),
}

impl<T> Retryable for Answer<T> {
    fn is_retryable(&self) -> bool {
        match self {
            Answer::Throttled { .. } => true,
            Answer::Other { status, .. } => *status >= 500,
            _ => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Answer::Throttled { retry_after, .. } | Answer::Other { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    fn exhausted(&mut self, count: u32) {
        if let Answer::Throttled { attempts, .. } | Answer::Other { attempts, .. } = self {
            *attempts = Some(count);
        }
    }
}

impl<T> From<http::Unreachable> for Answer<T> {
    fn from(unreachable: http::Unreachable) -> Answer<T> {
        Answer::Unreachable(unreachable.0)
    }
}

/// Classifies an answer; `oversized`: the body went on past [`MAX_BODY`] (unread).
pub fn classify<T: DeserializeOwned>(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    oversized: bool,
    object: &str,
) -> Answer<T> {
    let retry_after = classify::retry_after(headers);
    let other = |detail: String, error: GraphError, excerpt: Option<String>| Answer::Other {
        status,
        error,
        detail,
        excerpt,
        retry_after,
        attempts: None,
    };
    let mut described = classify::status_text(status);
    if let Some(kind) = classify::content_type(headers) {
        described.push_str(&format!(" ({kind})"));
    }
    if oversized {
        return other(
            format!(
                "{described} with a body larger than {} KiB, more than any {object}; only its start was read",
                MAX_BODY / 1024
            ),
            GraphError::default(),
            classify::excerpt(body),
        );
    }
    if (300..400).contains(&status) {
        let target = headers
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(classify::redirect_target)
            .unwrap_or_else(|| "an unnamed location".to_owned());
        return other(
            format!("{described}: a redirect to {target}, which is never followed"),
            GraphError::default(),
            None,
        );
    }
    if status == 200 {
        return match model::parse::<T>(body) {
            Ok(found) => Answer::Found(found),
            Err(error) => other(
                format!("{described}, but not {object}: {error}"),
                GraphError::default(),
                classify::excerpt(body),
            ),
        };
    }
    let error = graph_error(body);
    match (status, error) {
        (429, _) => Answer::Throttled {
            retry_after,
            attempts: None,
        },
        (403, Some(error)) => Answer::Denied(error),
        (404, Some(error)) => Answer::NotFound(error),
        (_, Some(error)) => other(described, error, None),
        (_, None) => other(described, GraphError::default(), classify::excerpt(body)),
    }
}

/// The error envelope of a body, if it has one.
fn graph_error(body: &[u8]) -> Option<GraphError> {
    #[derive(Deserialize)]
    struct Envelope {
        error: Inner,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        #[serde(default)]
        code: serde_json::Value,
        #[serde(default)]
        message: serde_json::Value,
        #[serde(default)]
        inner_error: serde_json::Value,
    }
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let envelope: Envelope = serde_json::from_slice(body).ok()?;
    let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    Some(GraphError {
        code: text(&envelope.error.code),
        message: text(&envelope.error.message),
        request_id: text(&envelope.error.inner_error["request-id"]),
    })
}

/// Why a registration was not read, as far as the requests went.
#[derive(Debug)]
pub enum Unread {
    /// Entra issued no Graph token.
    NoToken(Box<Verdict>),
    /// The application object was not read: what Graph said, and what the service principal
    /// said when it was asked (after a 403 or 404).
    Application {
        application: Box<Answer<Application>>,
        principal: Option<Box<Answer<ServicePrincipal>>>,
    },
}

/// Whether the service principal is worth asking about after this answer.
pub fn asks_principal(answer: &Answer<Application>) -> bool {
    matches!(answer, Answer::Denied(_) | Answer::NotFound(_))
}

/// Where the registration was looked for, for messages.
pub struct Asked<'a> {
    pub tenant: &'a str,
    /// The tenant is the record's `tenantId` (not `--tenant`).
    pub from_file: bool,
    pub client_id: &'a str,
    /// `host[:port]` of Graph.
    pub host: &'a str,
}

const OFFLINE: &str = "Or check the registration offline: `az ad app show --id {id} > app.json`, then `--app-registration app.json`.";

/// The message and the help of `registration/unreadable` for a registration not read (pure).
pub fn describe(unread: &Unread, asked: &Asked<'_>, scrubber: &Scrubber) -> (String, String) {
    let offline = OFFLINE.replace("{id}", asked.client_id);
    let tenant = asked.tenant;
    let place = if asked.from_file {
        "`tenantId`"
    } else {
        "`--tenant`"
    };
    match unread {
        Unread::NoToken(verdict) => (
            format!(
                "Entra issued no Microsoft Graph token to client `{}` in tenant `{tenant}`, so the app registration was not read: {}",
                asked.client_id,
                scrubber.text(&crate::probe::answer(verdict), 600)
            ),
            format!(
                "The probe reads the registration with the record's own credentials; a policy of the tenant (Conditional Access for workload identities) may keep them from Graph. {offline}"
            ),
        ),
        Unread::Application {
            application,
            principal,
        } => {
            let said = format!(
                "Microsoft Graph ({}) {} the application object of `{}` in tenant `{tenant}`",
                asked.host,
                verb(application),
                asked.client_id
            );
            let told = told(application, scrubber);
            let Some(principal) = principal.as_deref() else {
                return (
                    format!("{said}, so no verdict on the app registration: {told}"),
                    format!("{}{offline}", retry_advice(application)),
                );
            };
            match principal {
                Answer::Found(found) => {
                    // A service principal of another app names nobody's home tenant for this one.
                    let same_app = found
                        .app_id
                        .value()
                        .is_none_or(|id| id.trim().eq_ignore_ascii_case(asked.client_id));
                    let owner = found
                        .app_owner_organization_id
                        .value()
                        .filter(|_| same_app)
                        .map(|owner| scrubber.text(owner.trim(), 60));
                    describe_owner(&said, &told, owner.as_deref(), asked, place, &offline)
                }
                other => (
                    format!(
                        "{said} ({told}), nor its service principal ({}: {}), so no verdict on the app registration",
                        verb(other),
                        self::told(other, scrubber)
                    ),
                    format!(
                        "An app reads its own registration only in its home tenant: give it as {place} (the Directory (tenant) ID on the app's Overview page). {offline}"
                    ),
                ),
            }
        }
    }
}

/// After the service principal named the app's home tenant (`owner`).
fn describe_owner(
    said: &str,
    told: &str,
    owner: Option<&str>,
    asked: &Asked<'_>,
    place: &str,
    offline: &str,
) -> (String, String) {
    let tenant = asked.tenant;
    let Some(owner) = owner.filter(|owner| !owner.is_empty()) else {
        return (
            format!(
                "{said} ({told}); its service principal there names no home tenant (`appOwnerOrganizationId`), so no verdict on the app registration"
            ),
            format!("Give the app's home tenant as {place}. {offline}"),
        );
    };
    let tenant_is_guid = crate::rules::is_guid(tenant);
    if tenant_is_guid && !owner.eq_ignore_ascii_case(tenant) {
        return (
            format!(
                "{said} ({told}): the app's home tenant is `{owner}` (the `appOwnerOrganizationId` of its service principal in `{tenant}`), and an app reads its own registration only there; no verdict on the app registration"
            ),
            format!(
                "Probe the home tenant: `--tenant {owner}` (or `tenantId: {owner}` in the record). {offline}"
            ),
        );
    }
    if !tenant_is_guid {
        return (
            format!(
                "{said} ({told}); its service principal there names `{owner}` as the app's home tenant (`appOwnerOrganizationId`); no verdict on the app registration"
            ),
            format!(
                "If `{tenant}` is not the tenant `{owner}`, probe that one: `--tenant {owner}`. If it is, Graph keeps the registration from the app's own token there (some tenants require Application.Read.All for it, which the connector does not need). {offline}"
            ),
        );
    }
    (
        format!(
            "{said} ({told}), although its service principal names `{tenant}` as the app's home tenant: this tenant keeps the registration from the app's own token; no verdict on the app registration"
        ),
        format!(
            "Granting the app Application.Read.All would let the probe read it, but the connector does not need that permission. {offline}"
        ),
    )
}

fn verb<T>(answer: &Answer<T>) -> &'static str {
    match answer {
        Answer::Found(_) => "returned",
        Answer::Denied(_) => "refused to return",
        Answer::NotFound(_) => "did not find",
        Answer::Throttled { .. } => "kept throttling the request for",
        Answer::Other { .. } => "gave no usable answer for",
        Answer::Unreachable(_) => "could not be asked for",
    }
}

/// What an answer said, scrubbed and on one line: Graph's code and message, or our account.
fn told<T>(answer: &Answer<T>, scrubber: &Scrubber) -> String {
    let attempts = |attempts: &Option<u32>| {
        attempts
            .map(|count| format!("; still so after {count} attempts"))
            .unwrap_or_default()
    };
    match answer {
        Answer::Found(_) => "found".to_owned(),
        Answer::Denied(error) => format!("HTTP 403, {}", graph_said(error, scrubber)),
        Answer::NotFound(error) => format!("HTTP 404, {}", graph_said(error, scrubber)),
        Answer::Throttled {
            retry_after,
            attempts: count,
        } => {
            let wait = retry_after
                .map(|wait| format!(", Retry-After {}", http::seconds(wait)))
                .unwrap_or_default();
            format!("HTTP 429{wait}{}", attempts(count))
        }
        Answer::Other {
            error,
            detail,
            excerpt,
            attempts: count,
            ..
        } => {
            let mut out = scrubber.text(detail, 400);
            if *error != GraphError::default() {
                out.push_str(&format!(", {}", graph_said(error, scrubber)));
            }
            if let Some(excerpt) = excerpt {
                out.push_str(&format!(": {}", scrubber.text(excerpt, 120)));
            }
            out.push_str(&attempts(count));
            out
        }
        Answer::Unreachable(detail) => scrubber.text(detail, 400),
    }
}

/// "`Authorization_RequestDenied`: Insufficient privileges … (request id …)".
fn graph_said(error: &GraphError, scrubber: &Scrubber) -> String {
    let mut out = String::new();
    if let Some(code) = &error.code {
        out.push_str(&format!("`{}`", scrubber.text(code, 80)));
    }
    if let Some(message) = &error.message {
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&scrubber.text(message, 300));
    }
    if let Some(id) = &error.request_id {
        out.push_str(&format!(" (request id {})", scrubber.text(id, 64)));
    }
    if out.is_empty() {
        out.push_str("no error code");
    }
    one_line(&out, 500)
}

fn retry_advice<T>(answer: &Answer<T>) -> &'static str {
    match answer {
        Answer::Throttled { .. } => "Run the probe again later, or probe fewer records at once. ",
        Answer::Unreachable(_) => {
            "Check network access to Microsoft Graph (proxy, firewall) and `--timeout`, then run the probe again. "
        }
        Answer::Other { status, .. } if *status >= 500 => {
            "Graph failed on its side; run the probe again later. "
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Code;
    use crate::record::{Origin, Record};
    use reqwest::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};

    const ID: &str = "11111111-2222-4333-8444-555555555555";
    const HOME: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    const OTHER: &str = "0f0e0d0c-0b0a-4909-8807-060504030201";

    fn json_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers
    }

    fn app(status: u16, body: &str) -> Answer<Application> {
        classify(
            status,
            &json_headers(),
            body.as_bytes(),
            false,
            "an application object",
        )
    }

    fn scrubber() -> Scrubber {
        let mut record = Record::new(&crate::connectors::AZURE_DEVOPS);
        record.set(
            "clientSecret",
            "Zq7Q~unit.Secret-Value_0123456789abcdef".to_owned(),
            Origin::Literal,
        );
        Scrubber::for_record(&record, None, None)
    }

    const DENIED: &str = r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-01-01T00:00:00","request-id":"0c2b5e2a-1111-4222-8333-444455556666","client-request-id":"0c2b5e2a-1111-4222-8333-444455556666"}}}"#;
    const NOT_FOUND: &str = r#"{"error":{"code":"Request_ResourceNotFound","message":"Resource '11111111-2222-4333-8444-555555555555' does not exist or one of its queried reference-property objects are not present.","innerError":{"request-id":"r"}}}"#;

    #[test]
    fn answers_are_classified_by_status_and_envelope() {
        assert!(
            matches!(app(403, DENIED), Answer::Denied(GraphError { code: Some(code), .. }) if code == "Authorization_RequestDenied")
        );
        assert!(matches!(app(404, NOT_FOUND), Answer::NotFound(_)));
        assert!(matches!(
            app(200, &format!(r#"{{"appId":"{ID}"}}"#)),
            Answer::Found(_)
        ));
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let throttled: Answer<Application> = classify(
            429,
            &headers,
            b"Too Many Requests",
            false,
            "an application object",
        );
        assert!(throttled.is_retryable());
        assert_eq!(throttled.retry_after(), Some(Duration::from_secs(7)));
        for (status, body) in [(503, "<html>busy</html>"), (500, DENIED)] {
            assert!(app(status, body).is_retryable(), "{status}");
        }
        for answer in [
            app(200, "<html>captive portal</html>"),
            app(200, r#"{"web":"x"}"#),
            app(302, ""),
            app(
                401,
                r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure."}}"#,
            ),
            app(403, "Forbidden"),
        ] {
            assert!(matches!(answer, Answer::Other { .. }), "{answer:?}");
            assert!(!answer.is_retryable());
        }
        let oversized: Answer<Application> = classify(
            200,
            &json_headers(),
            b"{\"appId\":",
            true,
            "an application object",
        );
        assert!(matches!(oversized, Answer::Other { ref detail, .. } if detail.contains("64 KiB")));
    }

    fn asked(tenant: &str) -> Asked<'_> {
        Asked {
            tenant,
            from_file: true,
            client_id: ID,
            host: "graph.microsoft.com",
        }
    }

    fn principal(owner: &str) -> Option<Box<Answer<ServicePrincipal>>> {
        Some(Box::new(classify(
            200,
            &json_headers(),
            format!(r#"{{"appId":"{ID}","appOwnerOrganizationId":"{owner}","servicePrincipalType":"Application"}}"#).as_bytes(),
            false,
            "a service principal",
        )))
    }

    #[test]
    fn the_fallback_names_the_home_tenant_or_says_what_to_do() {
        let refused = |principal| Unread::Application {
            application: Box::new(app(403, DENIED)),
            principal,
        };
        let (message, help) = describe(&refused(principal(OTHER)), &asked(HOME), &scrubber());
        assert!(
            message.contains(&format!("home tenant is `{OTHER}`")),
            "{message}"
        );
        assert!(message.contains("Authorization_RequestDenied"), "{message}");
        assert!(help.contains(&format!("--tenant {OTHER}")), "{help}");

        let (message, help) = describe(&refused(principal(HOME)), &asked(HOME), &scrubber());
        assert!(message.contains("keeps the registration"), "{message}");
        assert!(help.contains("--app-registration"), "{help}");

        let (message, help) = describe(
            &refused(principal(HOME)),
            &asked("contoso.com"),
            &scrubber(),
        );
        assert!(message.contains(&format!("names `{HOME}`")), "{message}");
        assert!(help.contains(&format!("--tenant {HOME}")), "{help}");

        let neither = Unread::Application {
            application: Box::new(app(404, NOT_FOUND)),
            principal: Some(Box::new(classify(
                404,
                &json_headers(),
                NOT_FOUND.as_bytes(),
                false,
                "a service principal",
            ))),
        };
        let (message, help) = describe(&neither, &asked(HOME), &scrubber());
        assert!(
            message.contains("did not find") && message.contains("nor its service principal"),
            "{message}"
        );
        assert!(
            help.contains("`tenantId`") && help.contains("az ad app show --id"),
            "{help}"
        );

        let throttled = Unread::Application {
            application: Box::new(Answer::Throttled {
                retry_after: Some(Duration::from_secs(1)),
                attempts: Some(4),
            }),
            principal: None,
        };
        let (message, help) = describe(&throttled, &asked(HOME), &scrubber());
        assert!(
            message.contains("HTTP 429, Retry-After 1 s; still so after 4 attempts"),
            "{message}"
        );
        assert!(help.contains("again later"), "{help}");

        let token = Unread::NoToken(Box::new(Verdict::new(Code::ProbeBlockedByPolicy)));
        let (message, _) = describe(&token, &asked(HOME), &scrubber());
        assert!(message.contains("no Microsoft Graph token"), "{message}");
    }

    #[test]
    fn echoed_secrets_and_hints_are_scrubbed_from_what_graph_said() {
        let echo = r#"{"error":{"code":"Zq7","message":"you sent Zq7Q~unit.Secret-Value_0123456789abcdef and client_secret=Zq7Q~unit","innerError":{"request-id":"Zq7"}}}"#;
        let unread = Unread::Application {
            application: Box::new(app(400, echo)),
            principal: None,
        };
        let (message, _) = describe(&unread, &asked(HOME), &scrubber());
        assert!(!message.contains("Zq7"), "{message}");
        let page = Unread::Application {
            application: Box::new(app(
                200,
                "<html>Zq7 Zq7Q~unit.Secret-Value_0123456789abcdef</html>",
            )),
            principal: None,
        };
        let (message, _) = describe(&page, &asked(HOME), &scrubber());
        assert!(!message.contains("Zq7"), "{message}");
        assert!(message.contains("not an application object"), "{message}");
    }
}
