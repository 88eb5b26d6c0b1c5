//! The HTTP edge of the probe: OpenID discovery, then the client-credentials request, with
//! timeouts, bounded retries and bounded bodies. Everything it learns goes through the pure
//! `classify` module; nothing here decides what an answer means.
//!
//! The secret leaves this process in exactly one place: the form body of the token request,
//! built in `token_request`. It is never put in a URL or header, and redirects are never followed
//! (so it cannot be forwarded to another host).

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::{ACCEPT, HeaderMap};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::Settings;
use super::classify::{self, Discovery, Verdict, one_line};
use crate::catalogue::Code;

/// Bodies are read up to this size: Entra's answers are a few KiB; more is not Entra.
pub const MAX_BODY: u64 = 64 * 1024;

/// Retries after the first attempt, for 429, throttling codes and 5xx.
pub const MAX_RETRIES: u32 = 3;

/// First wait when the answer names none; doubled on each retry.
const INITIAL_BACKOFF: Duration = Duration::from_millis(250);

/// One Entra endpoint set (an authority), shared by all probing threads.
pub struct Entra {
    client: Client,
    authority: Url,
    timeout: Duration,
    expected_cloud: Option<&'static str>,
    /// Discovery per tenant, done once however many records share the tenant: concurrent callers
    /// of the same tenant wait for the first one's answer.
    discoveries: Mutex<HashMap<String, Arc<OnceLock<Discovery>>>>,
}

/// The HTTP client could not be set up (no TLS backend, say).
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the HTTP client: {0}")]
pub struct SetupError(String);

impl Entra {
    pub fn new(settings: &Settings) -> Result<Entra, SetupError> {
        let mut builder = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.timeout)
            .timeout(settings.timeout)
            .user_agent(concat!("connector-lint/", env!("CARGO_PKG_VERSION")));
        if settings.is_loopback() {
            // A proxy from the environment must not see (or break) requests meant for loopback.
            builder = builder.no_proxy();
        }
        let client = builder
            .build()
            .map_err(|error| SetupError(root_cause(&error)))?;
        Ok(Entra {
            client,
            authority: settings.authority.clone(),
            timeout: settings.timeout,
            expected_cloud: settings.expected_cloud,
            discoveries: Mutex::new(HashMap::new()),
        })
    }

    /// Probes one set of credentials: discovery (cached per tenant), then the token request.
    /// `scope` is the connector's resource (`<resource>/.default`).
    pub fn probe(
        &self,
        tenant: &str,
        client_id: &str,
        secret: &SecretString,
        scope: &str,
    ) -> Verdict {
        if let Discovery::Stop(verdict) = self.discover(tenant) {
            return verdict;
        }
        let url = self.endpoint(tenant, &["oauth2", "v2.0", "token"]);
        self.with_retries(|| {
            match self.exchange(self.token_request(url.clone(), client_id, secret, scope)) {
                Ok(answer) if answer.oversized => {
                    classify::oversized(answer.status, &answer.headers, &answer.body, MAX_BODY)
                }
                Ok(answer) => classify::classify(answer.status, &answer.headers, &answer.body),
                Err(unreachable) => unreachable.into(),
            }
        })
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
        let key = tenant.to_ascii_lowercase();
        let cell = {
            // A poisoned lock only means another thread panicked mid-insert; the map is still
            // usable, and a run must not panic.
            let mut map = self
                .discoveries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(map.entry(key).or_default())
        };
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

    /// Repeats an attempt while its verdict is retryable, at most `MAX_RETRIES` times, waiting as
    /// `Retry-After` says (capped at the timeout) or with a doubling backoff.
    fn with_retries(&self, mut attempt: impl FnMut() -> Verdict) -> Verdict {
        let mut backoff = INITIAL_BACKOFF;
        let mut retries = 0;
        loop {
            let mut verdict = attempt();
            if !verdict.is_retryable() {
                return verdict;
            }
            if retries == MAX_RETRIES {
                let note = format!("still so after {} attempts", retries + 1);
                verdict.detail = Some(match verdict.detail.take() {
                    Some(detail) => format!("{detail}; {note}"),
                    None => note,
                });
                return verdict;
            }
            let wait = verdict.retry_after.unwrap_or(backoff).min(self.timeout);
            std::thread::sleep(wait);
            backoff = backoff.saturating_mul(2);
            retries += 1;
        }
    }

    /// Sends a request and reads at most `MAX_BODY` bytes of the answer, all within the timeout.
    ///
    /// The deadline is set on the request itself, not only on the client: reqwest's blocking
    /// client applies a client-wide timeout to `send()` and then afresh to each read of the body,
    /// so a server dripping a byte just under the timeout apart could stretch one request to
    /// about twice `--timeout`. A per-request timeout is one deadline from the start of the
    /// request to the end of the body. The check after each read is a second guard for the same
    /// deadline.
    fn exchange(&self, request: RequestBuilder) -> Result<Answer, Unreachable> {
        let started = Instant::now();
        let response = request
            .timeout(self.timeout)
            .send()
            .map_err(|error| self.transport_failure(&error))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        // One byte past the limit tells a body of exactly `MAX_BODY` from a larger one.
        let mut limited = response.take(MAX_BODY + 1);
        let mut chunk = [0u8; 8192];
        loop {
            match limited.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) => body.extend_from_slice(&chunk[..read]),
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    if is_timeout(&error) || started.elapsed() >= self.timeout {
                        return Err(self.timed_out());
                    }
                    return Err(Unreachable(format!(
                        "the answer from {} (HTTP {status}) broke off after {} bytes of its body: {}",
                        self.host(),
                        body.len(),
                        root_cause(&error)
                    )));
                }
            }
            if started.elapsed() > self.timeout {
                return Err(self.timed_out());
            }
        }
        // Never more than `MAX_BODY` bytes are kept: the rest was not read at all.
        let oversized = body.len() as u64 > MAX_BODY;
        body.truncate(usize::try_from(MAX_BODY).unwrap_or(usize::MAX));
        Ok(Answer {
            status,
            headers,
            body,
            oversized,
        })
    }

    fn timed_out(&self) -> Unreachable {
        Unreachable(format!(
            "no complete answer from {} within {} (`--timeout`)",
            self.host(),
            seconds(self.timeout)
        ))
    }

    fn transport_failure(&self, error: &reqwest::Error) -> Unreachable {
        if error.is_timeout() {
            return self.timed_out();
        }
        let cause = root_cause(error);
        let detail = if let Some(tls) = tls_failure(error) {
            // Said plainly: "invalid peer certificate: UnknownIssuer" alone does not tell a user
            // that the probe refused the server, nor that nothing was sent to it.
            match tls {
                rustls::Error::InvalidCertificate(_) => format!(
                    "the TLS certificate of {} is not trusted ({cause}), so the probe closed the connection before sending any request",
                    self.host()
                ),
                _ => format!(
                    "the TLS handshake with {} failed ({cause}), so no request was sent",
                    self.host()
                ),
            }
        } else if error.is_connect() {
            format!("cannot connect to {}: {cause}", self.host())
        } else {
            format!("the request to {} failed: {cause}", self.host())
        };
        Unreachable(detail)
    }

    /// `host[:port]` of the authority, for messages.
    pub fn host(&self) -> String {
        let host = self.authority.host_str().unwrap_or("the authority");
        match self.authority.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }
}

/// No answer at all (DNS, connection, TLS, timeout, a broken body): what happened, on one line.
struct Unreachable(String);

/// A whole answer, as far as the probe reads it.
struct Answer {
    status: u16,
    headers: HeaderMap,
    /// At most `MAX_BODY` bytes.
    body: Vec<u8>,
    /// The body went on past `MAX_BODY`; the rest was not read.
    oversized: bool,
}

impl From<Unreachable> for Verdict {
    fn from(unreachable: Unreachable) -> Verdict {
        Verdict::new(Code::ProbeUnreachable).with_detail(unreachable.0)
    }
}

/// `10 s`, `1.5 s`.
pub fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs} s")
    }
}

/// Whether a body read failed on a deadline (reqwest's own, inside the `io::Error`).
fn is_timeout(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::TimedOut
        || error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
            .is_some_and(reqwest::Error::is_timeout)
}

/// The TLS error behind a failed request, if that is what it was. rustls's error travels inside
/// (nested) `io::Error`s, whose `source()` skips the error they wrap, so an `io::Error` is opened
/// with `get_ref` instead.
fn tls_failure<'e>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e rustls::Error> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        current = match error.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    None
}

/// The innermost cause of an error, on one line: the useful part ("connection refused",
/// "invalid peer certificate: UnknownIssuer"), without the URL reqwest adds on top.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    one_line(&current.to_string(), 200)
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

    #[test]
    fn tls_failures_are_found_inside_nested_io_errors() {
        // The shape hyper-rustls gives: io::Error(Other, io::Error(InvalidData, rustls::Error)).
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let inner = std::io::Error::new(std::io::ErrorKind::InvalidData, tls.clone());
        let outer = std::io::Error::other(inner);
        assert_eq!(tls_failure(&outer), Some(&tls));
        let plain = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(tls_failure(&plain), None);
    }

    #[test]
    fn seconds_read_well() {
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }
}
