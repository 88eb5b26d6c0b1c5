//! The HTTP edge of the probe: OpenID discovery, then the client-credentials request, with
//! timeouts, bounded retries and bounded bodies. Everything it learns goes through the pure
//! `classify` module; nothing here decides what an answer means.
//!
//! The secret leaves this process in exactly one place: the form body of the token request,
//! built in `token_request`. It is never put in a URL or header, and redirects are never followed
//! (so it cannot be forwarded to another host).

use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::ACCEPT;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::Settings;
use super::classify::{self, Discovery, Verdict};
use crate::catalogue::Code;
use crate::http::{self, Answer, Unreachable};

/// Bodies are read up to this size: Entra's answers are a few KiB; more is not Entra.
pub const MAX_BODY: u64 = 64 * 1024;

/// Retries after the first attempt, for 429, throttling codes and 5xx.
pub use crate::http::MAX_RETRIES;

/// One Entra endpoint set (an authority), shared by all probing threads.
pub struct Entra {
    client: Client,
    authority: Url,
    timeout: Duration,
    expected_cloud: Option<&'static str>,
    /// Discovery per tenant, done once however many records share the tenant: concurrent callers
    /// of the same tenant wait for the first one's answer.
    discoveries: http::OnceMap<String, Discovery>,
}

/// The HTTP client could not be set up (no TLS backend, say).
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the HTTP client: {0}")]
pub struct SetupError(String);

impl Entra {
    pub fn new(settings: &Settings) -> Result<Entra, SetupError> {
        let client = http::client(settings.timeout, settings.is_loopback()).map_err(SetupError)?;
        Ok(Entra {
            client,
            authority: settings.authority.clone(),
            timeout: settings.timeout,
            expected_cloud: settings.expected_cloud,
            discoveries: http::OnceMap::default(),
        })
    }

    /// Probes one set of credentials: discovery (cached per tenant), then the token request.
    /// `scope` is the connector's resource (`<resource>/.default`). The token is discarded.
    pub fn probe(
        &self,
        tenant: &str,
        client_id: &str,
        secret: &SecretString,
        scope: &str,
    ) -> Verdict {
        self.token(tenant, client_id, secret, scope, false).0
    }

    /// A token for `scope` with the same credentials, kept (secret) for a request of this run: the
    /// app registration read needs one for Microsoft Graph. `Err` is why Entra issued none.
    pub fn access_token(
        &self,
        tenant: &str,
        client_id: &str,
        secret: &SecretString,
        scope: &str,
    ) -> Result<SecretString, Box<Verdict>> {
        match self.token(tenant, client_id, secret, scope, true) {
            (verdict, Some(token)) if verdict.code == Code::ProbeOk => Ok(token),
            (verdict, _) => Err(Box::new(verdict)),
        }
    }

    fn token(
        &self,
        tenant: &str,
        client_id: &str,
        secret: &SecretString,
        scope: &str,
        keep: bool,
    ) -> (Verdict, Option<SecretString>) {
        if let Discovery::Stop(verdict) = self.discover(tenant) {
            return (verdict, None);
        }
        let url = self.endpoint(tenant, &["oauth2", "v2.0", "token"]);
        let mut token = None;
        let verdict = self.with_retries(|| {
            match self.exchange(self.token_request(url.clone(), client_id, secret, scope)) {
                Ok(answer) if answer.oversized => {
                    classify::oversized(answer.status, &answer.headers, &answer.body, MAX_BODY)
                }
                Ok(answer) => {
                    let verdict = classify::classify(answer.status, &answer.headers, &answer.body);
                    if keep && verdict.code == Code::ProbeOk {
                        token = classify::access_token(&answer.body);
                    }
                    verdict
                }
                Err(unreachable) => unreachable.into(),
            }
        });
        (verdict, token)
    }

    fn token_request(
        &self,
        url: Url,
        client_id: &str,
        secret: &SecretString,
        scope: &str,
    ) -> RequestBuilder {
        // The one place the secret is exposed: straight into the urlencoded form body.
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret.expose_secret()),
            ("scope", scope),
        ];
        self.client
            .post(url)
            .header(ACCEPT, "application/json")
            .form(&form)
    }

    fn discover(&self, tenant: &str) -> Discovery {
        let cell = http::once_cell(&self.discoveries, tenant.to_ascii_lowercase());
        cell.get_or_init(|| {
            let url = self.endpoint(tenant, &["v2.0", ".well-known", "openid-configuration"]);
            // `probe/ok` stands for "go on" here: the retry loop only needs a verdict.
            let verdict = self.with_retries(|| {
                let request = self
                    .client
                    .get(url.clone())
                    .header(ACCEPT, "application/json");
                match self.exchange(request) {
                    Ok(answer) if answer.oversized => {
                        classify::oversized(answer.status, &answer.headers, &answer.body, MAX_BODY)
                    }
                    Ok(answer) => {
                        match classify::classify_discovery(
                            answer.status,
                            &answer.headers,
                            &answer.body,
                            self.expected_cloud,
                        ) {
                            Discovery::Proceed => Verdict::new(Code::ProbeOk),
                            Discovery::Stop(verdict) => verdict,
                        }
                    }
                    Err(unreachable) => unreachable.into(),
                }
            });
            if verdict.code == Code::ProbeOk {
                Discovery::Proceed
            } else {
                Discovery::Stop(verdict)
            }
        })
        .clone()
    }

    /// `{authority}/{tenant}/{rest…}`; the tenant is one percent-encoded path segment, so even a
    /// tenant that slipped past validation could not change the host or add a query.
    fn endpoint(&self, tenant: &str, rest: &[&str]) -> Url {
        let mut url = self.authority.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push(tenant).extend(rest);
        }
        url
    }

    /// Repeats an attempt while its verdict is retryable (the bounded retries every HTTP edge
    /// shares).
    fn with_retries(&self, attempt: impl FnMut() -> Verdict) -> Verdict {
        http::with_retries(self.timeout, attempt)
    }

    /// Sends a request and reads at most `MAX_BODY` bytes of the answer, all within the timeout.
    fn exchange(&self, request: RequestBuilder) -> Result<Answer, Unreachable> {
        http::exchange(request, self.timeout, MAX_BODY, &self.host())
    }

    /// `host[:port]` of the authority, for messages.
    pub fn host(&self) -> String {
        http::host_of(&self.authority)
    }
}

impl http::Retryable for Verdict {
    fn is_retryable(&self) -> bool {
        Verdict::is_retryable(self)
    }

    fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    fn exhausted(&mut self, attempts: u32) {
        let note = format!("still so after {attempts} attempts");
        self.detail = Some(match self.detail.take() {
            Some(detail) => format!("{detail}; {note}"),
            None => note,
        });
    }
}

impl From<Unreachable> for Verdict {
    fn from(unreachable: Unreachable) -> Verdict {
        Verdict::new(Code::ProbeUnreachable).with_detail(unreachable.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entra(authority: &str) -> Entra {
        let settings =
            Settings::new(None, None, Some(authority), Some(Duration::from_secs(1))).expect("ok");
        Entra::new(&settings).expect("client")
    }

    #[test]
    fn endpoints_append_one_encoded_tenant_segment() {
        let public = entra("https://login.microsoftonline.com");
        assert_eq!(
            public
                .endpoint("contoso.com", &["oauth2", "v2.0", "token"])
                .as_str(),
            "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token"
        );
        let prefixed = entra("https://proxy.example/entra/");
        assert_eq!(
            prefixed
                .endpoint("t", &["v2.0", ".well-known", "openid-configuration"])
                .as_str(),
            "https://proxy.example/entra/t/v2.0/.well-known/openid-configuration"
        );
        // Defence in depth: even a tenant that slipped past validation stays one segment.
        let odd = public.endpoint("a/b?c#d", &["x"]);
        assert_eq!(odd.host_str(), Some("login.microsoftonline.com"));
        assert_eq!(odd.query(), None);
        assert_eq!(odd.path(), "/a%2Fb%3Fc%23d/x");
    }
}
