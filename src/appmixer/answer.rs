//! What an answer of the Appmixer API means: pure functions over the status, headers and body
//! (no I/O), so every shape a server can answer with is tested with plain values.
//!
//! Messages name the request, the host and which credentials were used, never their values; the
//! API's own message is quoted only when it repeats none of the credentials and secrets known to
//! the run (a server may echo what it received).

use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::ApiError;
use super::record::LiveRecord;
use crate::probe::classify::one_line;

/// An answer as far as it was read.
pub struct Reply<'a> {
    pub status: u16,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The body went on past the limit.
    pub oversized: bool,
}

/// What a message about an answer needs to say.
pub struct Context<'a> {
    /// `GET /service-config/appmixer:azuredevops`
    pub request: &'a str,
    /// `api.acme.appmixer.cloud`
    pub host: &'a str,
    /// `the token in APPMIXER_TOKEN`
    pub credentials: &'a str,
    /// Everything the server must not be quoted on: credentials, tokens, secret values.
    pub secrets: &'a [SecretString],
    /// The limit bodies are read to, for the message about a larger one.
    pub max_body: u64,
}

/// A `GET /service-config/{serviceId}` answer: the record, or `None` when the service is not
/// configured (404, or `{}`).
pub fn record(
    reply: &Reply<'_>,
    context: &Context<'_>,
    service_id: &str,
) -> Result<Option<LiveRecord>, ApiError> {
    if reply.status == 404 {
        return Ok(None);
    }
    let object = match json_of(reply, context)? {
        Value::Object(object) => object,
        other => {
            return Err(ApiError::Unexpected(format!(
                "{} at {} answered {}, not one service configuration (a JSON object)",
                context.request,
                context.host,
                kind(&other)
            )));
        }
    };
    if object.is_empty() {
        return Ok(None);
    }
    let live = LiveRecord::from_object(object);
    match live.get("serviceId") {
        None => {}
        Some(_) if live.service_id() == Some(service_id) => {}
        Some(_) => {
            let named = live.service_id().map_or_else(
                || "a `serviceId` that is not a string".to_owned(),
                |other| format!("`serviceId` {}", quoted(other, context.secrets)),
            );
            return Err(ApiError::Unexpected(format!(
                "{} at {} answered a record with {named}, not `{service_id}`: the API (or a proxy in front of it) is not answering for the service asked about, so nothing from it is used",
                context.request, context.host
            )));
        }
    }
    Ok(Some(live))
}

/// A `GET /service-config?offset=…&limit=…` answer: the records of that page.
pub fn page(reply: &Reply<'_>, context: &Context<'_>) -> Result<Vec<LiveRecord>, ApiError> {
    if reply.status == 404 {
        return Err(ApiError::Unexpected(format!(
            "{} at {} answered HTTP 404: there is no service-config API there; is --api-url the Appmixer API URL (https://api.<subdomain>.appmixer.cloud), with no extra path?",
            context.request, context.host
        )));
    }
    let items = match json_of(reply, context)? {
        Value::Array(items) => items,
        other => {
            return Err(ApiError::Unexpected(format!(
                "{} at {} answered {}, not a list of service configurations",
                context.request,
                context.host,
                kind(&other)
            )));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| match item {
            Value::Object(object) => Ok(LiveRecord::from_object(object)),
            other => Err(ApiError::Unexpected(format!(
                "{} at {} answered a list whose item {index} is {}, not a service configuration",
                context.request,
                context.host,
                kind(&other)
            ))),
        })
        .collect()
}

/// A `POST /user/auth` answer: the token.
pub fn signed_in(reply: &Reply<'_>, context: &Context<'_>) -> Result<SecretString, ApiError> {
    if matches!(reply.status, 400 | 401 | 403 | 404) && !reply.oversized {
        let says = server_says(reply.body, context.secrets);
        return Err(ApiError::Refused(format!(
            "the Appmixer API at {} refused {} (HTTP {} on {}): check the user name and password, or use an admin user's token in APPMIXER_TOKEN{says}",
            context.host, context.credentials, reply.status, context.request
        )));
    }
    let token = match json_of(reply, context)? {
        Value::Object(mut object) => match object.remove("token") {
            Some(Value::String(token)) if !token.trim().is_empty() => Some(token),
            _ => None,
        },
        _ => None,
    };
    token.map(SecretString::from).ok_or_else(|| {
        ApiError::Unexpected(format!(
            "{} at {} answered HTTP {} without a token (`{{\"token\": …}}`); is --api-url the Appmixer API URL?",
            context.request, context.host, reply.status
        ))
    })
}

/// A `PUT /service-config/{serviceId}` answer: stored, or why not. The body of a success is not
/// read: what was stored is read back and compared by the caller.
pub fn stored(reply: &Reply<'_>, context: &Context<'_>) -> Result<(), ApiError> {
    match reply.status {
        200..=299 => Ok(()),
        404 => Err(ApiError::Unexpected(format!(
            "{} at {} answered HTTP 404: the API has no record of this service to replace; create it once in the Backoffice (Services), then apply again{}",
            context.request,
            context.host,
            server_says(reply.body, context.secrets)
        ))),
        _ => Err(failure(reply, context)),
    }
}

/// The JSON body of a successful answer, or why there is none.
fn json_of(reply: &Reply<'_>, context: &Context<'_>) -> Result<Value, ApiError> {
    if !(200..=299).contains(&reply.status) {
        return Err(failure(reply, context));
    }
    if reply.oversized {
        return Err(ApiError::Unexpected(format!(
            "{} at {} answered more than {} KiB; a service configuration is a few hundred bytes, so the rest was not read",
            context.request,
            context.host,
            context.max_body / 1024
        )));
    }
    serde_json::from_slice(reply.body).map_err(|_| {
        let content_type = reply
            .headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| one_line(value, 60))
            .unwrap_or_else(|| "no content type".to_owned());
        ApiError::Unexpected(format!(
            "{} at {} answered HTTP {} with a body that is not JSON ({content_type}, {} bytes); is --api-url the Appmixer API URL (https://api.<subdomain>.appmixer.cloud), not the Studio or the Backoffice?",
            context.request,
            context.host,
            reply.status,
            reply.body.len()
        ))
    })
}

/// Any answer that is not a success: what it means, and what to do.
pub fn failure(reply: &Reply<'_>, context: &Context<'_>) -> ApiError {
    let says = server_says(reply.body, context.secrets);
    let Context {
        request,
        host,
        credentials,
        ..
    } = context;
    let status = reply.status;
    match status {
        401 => ApiError::Refused(format!(
            "the Appmixer API at {host} refused {credentials} (HTTP 401 on {request}): it is expired, revoked or not a token of this Appmixer; sign in again, or set APPMIXER_USERNAME and APPMIXER_PASSWORD{says}"
        )),
        403 => ApiError::Refused(format!(
            "the Appmixer API at {host} accepted {credentials} but does not allow it (HTTP 403 on {request}): service configurations are read and written only by users with the admin scope; use an admin user's token{says}"
        )),
        300..=399 => {
            let target = reply
                .headers
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|location| url::Url::parse(location).ok())
                .map(|url| crate::http::host_of(&url))
                .filter(|target| !holds_secret(target, context.secrets))
                .map(|target| format!(", a redirect to {}", one_line(&target, 100)))
                .unwrap_or_else(|| ", a redirect".to_owned());
            ApiError::Unexpected(format!(
                "{request} at {host} answered HTTP {status}{target}; redirects are not followed (they would carry the token elsewhere): pass the URL the API answers at as --api-url"
            ))
        }
        429 => ApiError::Unexpected(format!(
            "the Appmixer API at {host} is throttling (HTTP 429 on {request}); try again later{says}"
        )),
        500..=599 => ApiError::Unexpected(format!(
            "the Appmixer API at {host} failed (HTTP {status} on {request}); try again later, or ask the Appmixer administrators{says}"
        )),
        _ => ApiError::Unexpected(format!(
            "the Appmixer API at {host} answered HTTP {status} to {request}{says}"
        )),
    }
}

/// ` (the API says: "…")`, when the body carries a message that can be shown; empty otherwise.
fn server_says(body: &[u8], secrets: &[SecretString]) -> String {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return String::new();
    };
    let message = ["message", "error"]
        .iter()
        .find_map(|key| match object.get(*key) {
            Some(Value::String(text)) if !text.trim().is_empty() => Some(text.as_str()),
            _ => None,
        });
    match message {
        Some(text) if holds_secret(text, secrets) => {
            " (the API's message is not shown: it repeats a credential or a secret)".to_owned()
        }
        Some(text) => format!(
            " (the API says: \"{}\")",
            crate::report::redact::neutralise(&one_line(text, 200))
        ),
        None => String::new(),
    }
}

/// A value from the server, quoted for a message, unless it repeats a secret.
fn quoted(text: &str, secrets: &[SecretString]) -> String {
    if holds_secret(text, secrets) {
        "(not shown: it repeats a credential or a secret)".to_owned()
    } else {
        format!(
            "`{}`",
            crate::report::redact::neutralise(&one_line(text, 100))
        )
    }
}

/// Whether a text holds any secret, however short (a short password is still a password), as it
/// is or form-encoded (as a proxy might echo a request).
fn holds_secret(text: &str, secrets: &[SecretString]) -> bool {
    secrets.iter().any(|secret| {
        let value = secret.expose_secret().trim();
        if value.is_empty() {
            return false;
        }
        let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        text.contains(value) || text.contains(&encoded)
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.secret-token";

    fn secrets() -> Vec<SecretString> {
        vec![SecretString::from(TOKEN.to_owned())]
    }

    fn answer(status: u16, body: &str, f: impl FnOnce(&Reply<'_>, &Context<'_>)) {
        let headers = HeaderMap::new();
        let secrets = secrets();
        let reply = Reply {
            status,
            headers: &headers,
            body: body.as_bytes(),
            oversized: false,
        };
        let context = Context {
            request: "GET /service-config/appmixer:azuredevops",
            host: "api.acme.appmixer.cloud",
            credentials: "the token in APPMIXER_TOKEN",
            secrets: &secrets,
            max_body: 1024 * 1024,
        };
        f(&reply, &context);
    }

    fn record_of(status: u16, body: &str) -> Result<Option<LiveRecord>, ApiError> {
        let mut result = None;
        answer(status, body, |reply, context| {
            result = Some(record(reply, context, "appmixer:azuredevops"));
        });
        result.expect("answered")
    }

    #[test]
    fn records_are_read_in_the_documented_shape() {
        let live = record_of(
            200,
            r#"{"serviceId":"appmixer:azuredevops","clientId":"a","clientSecret":"b","sandbox":true,"extra":null}"#,
        )
        .expect("ok")
        .expect("configured");
        assert_eq!(live.entries().len(), 5);
        // Without a serviceId the record is taken as the one asked for.
        assert!(record_of(200, r#"{"clientId":"a"}"#).expect("ok").is_some());
    }

    #[test]
    fn not_configured_is_404_or_an_empty_object() {
        assert!(record_of(404, "not found").expect("ok").is_none());
        assert!(record_of(200, "{}").expect("ok").is_none());
        assert!(record_of(200, " { } ").expect("ok").is_none());
    }

    #[test]
    fn failures_are_classified_by_status() {
        // (status, body, whether it is a refusal, a phrase of the message)
        let cases: &[(u16, &str, bool, &str)] = &[
            (401, "{}", true, "HTTP 401"),
            (403, "{}", true, "admin scope"),
            (500, r#"{"message":"db down"}"#, false, "\"db down\""),
            (503, "", false, "try again"),
            (302, "", false, "redirect"),
            (429, "", false, "throttling"),
            (418, "", false, "HTTP 418"),
            (200, "<html>Studio</html>", false, "not JSON"),
            (200, "[1]", false, "a list"),
            (
                200,
                r#"{"serviceId":"appmixer:slack","clientId":"a"}"#,
                false,
                "`appmixer:slack`",
            ),
            (200, r#"{"serviceId":7}"#, false, "not a string"),
        ];
        for (status, body, refused, phrase) in cases {
            let error = record_of(*status, body).expect_err("a failure");
            assert_eq!(
                matches!(error, ApiError::Refused(_)),
                *refused,
                "{status} {body}: {error:?}"
            );
            assert!(matches!(
                error,
                ApiError::Refused(_) | ApiError::Unexpected(_)
            ));
            assert!(error.to_string().contains(phrase), "{status}: {error}");
            assert!(
                error.to_string().contains("api.acme.appmixer.cloud"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_server_echoing_a_credential_is_not_quoted() {
        for body in [
            format!(r#"{{"message":"bad token {TOKEN}"}}"#),
            format!(r#"{{"error":"{TOKEN}"}}"#),
        ] {
            for status in [400, 401, 403, 500] {
                let error = record_of(status, &body).expect_err("a failure");
                assert!(!error.to_string().contains(TOKEN), "{error}");
                assert!(error.to_string().contains("not shown"), "{error}");
            }
        }
        let error = record_of(200, &format!(r#"{{"serviceId":"{TOKEN}"}}"#)).expect_err("mismatch");
        assert!(!error.to_string().contains(TOKEN), "{error}");
    }

    #[test]
    fn pages_hold_records_only() {
        answer(
            200,
            r#"[{"serviceId":"appmixer:google","clientID":"x"},{"serviceId":"appmixer:evernote","sandbox":true}]"#,
            |reply, context| {
                assert_eq!(page(reply, context).expect("ok").len(), 2);
            },
        );
        answer(200, r#"[{"serviceId":"a"}, 3]"#, |reply, context| {
            assert!(page(reply, context).is_err());
        });
        answer(200, r#"{"items":[]}"#, |reply, context| {
            assert!(page(reply, context).is_err());
        });
        answer(404, "", |reply, context| {
            let error = page(reply, context).expect_err("404");
            assert!(error.to_string().contains("--api-url"), "{error}");
        });
    }

    #[test]
    fn sign_in_gives_a_token_or_a_refusal() {
        answer(
            200,
            r#"{"user":{"id":"1","username":"u"},"token":"jwt"}"#,
            |reply, context| {
                let token = signed_in(reply, context).expect("token");
                assert_eq!(token.expose_secret(), "jwt");
            },
        );
        for status in [400, 401, 403] {
            answer(
                status,
                r#"{"message":"Invalid credentials"}"#,
                |reply, context| {
                    assert!(matches!(
                        signed_in(reply, context),
                        Err(ApiError::Refused(_))
                    ));
                },
            );
        }
        answer(200, r#"{"user":{}}"#, |reply, context| {
            assert!(matches!(
                signed_in(reply, context),
                Err(ApiError::Unexpected(_))
            ));
        });
    }

    #[test]
    fn a_put_is_stored_on_any_success() {
        for status in [200, 201, 204] {
            answer(status, "", |reply, context| {
                assert!(stored(reply, context).is_ok());
            });
        }
        answer(404, "", |reply, context| {
            let error = stored(reply, context).expect_err("404");
            assert!(error.to_string().contains("Backoffice"), "{error}");
        });
        answer(401, "", |reply, context| {
            assert!(matches!(stored(reply, context), Err(ApiError::Refused(_))));
        });
    }

    #[test]
    fn an_oversized_answer_is_not_parsed() {
        let headers = HeaderMap::new();
        let reply = Reply {
            status: 200,
            headers: &headers,
            body: b"[",
            oversized: true,
        };
        let context = Context {
            request: "GET /service-config",
            host: "h",
            credentials: "c",
            secrets: &[],
            max_body: 4096,
        };
        let error = page(&reply, &context).expect_err("too large");
        assert!(error.to_string().contains("4 KiB"), "{error}");
    }
}
