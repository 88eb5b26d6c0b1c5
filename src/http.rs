//! The HTTP edge every outside service shares (Entra for the probe, the Appmixer API): one bounded
//! client configuration (connect and whole-request timeouts, no redirects, no proxy for loopback)
//! and one bounded exchange (the body read up to a limit, within one deadline). What an answer
//! means is decided elsewhere, by pure code; nothing here looks inside a body.

use std::collections::HashMap;
use std::hash::Hash;
use std::io::Read;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::HeaderMap;
use url::Url;

use crate::probe::classify::one_line;

/// A whole answer, as far as it is read.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    /// At most the limit given to [`exchange`].
    pub body: Vec<u8>,
    /// The body went on past the limit; the rest was not read.
    pub oversized: bool,
}

/// No answer at all (DNS, connection, TLS, timeout, a broken body): what happened, on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable(pub String);

/// A client that never follows a redirect (a redirect would carry a secret or a bearer token to
/// wherever the answer points), with connect and total timeouts.
pub fn client(timeout: Duration, loopback: bool) -> Result<Client, String> {
    let mut builder = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout)
        .timeout(timeout)
        .user_agent(concat!("connector-lint/", env!("CARGO_PKG_VERSION")));
    if loopback {
        // A proxy from the environment must not see (or break) requests meant for loopback.
        builder = builder.no_proxy();
    }
    builder.build().map_err(|error| root_cause(&error))
}

/// Sends a request and reads at most `max_body` bytes of the answer, all within `timeout`.
/// `host` names the server in messages.
///
/// The deadline is set on the request itself, not only on the client: reqwest's blocking client
/// applies a client-wide timeout to `send()` and then afresh to each read of the body, so a server
/// dripping a byte just under the timeout apart could stretch one request to about twice the
/// timeout. A per-request timeout is one deadline from the start of the request to the end of the
/// body. The check after each read is a second guard for the same deadline.
pub fn exchange(
    request: RequestBuilder,
    timeout: Duration,
    max_body: u64,
    host: &str,
) -> Result<Answer, Unreachable> {
    let started = Instant::now();
    let response = request
        .timeout(timeout)
        .send()
        .map_err(|error| transport_failure(&error, host, timeout))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    // One byte past the limit tells a body of exactly `max_body` from a larger one.
    let mut limited = response.take(max_body.saturating_add(1));
    let mut chunk = [0u8; 8192];
    loop {
        match limited.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => body.extend_from_slice(&chunk[..read]),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => {
                if is_timeout(&error) || started.elapsed() >= timeout {
                    return Err(timed_out(host, timeout));
                }
                return Err(Unreachable(format!(
                    "the answer from {host} (HTTP {status}) broke off after {} bytes of its body: {}",
                    body.len(),
                    root_cause(&error)
                )));
            }
        }
        if started.elapsed() > timeout {
            return Err(timed_out(host, timeout));
        }
    }
    // Never more than `max_body` bytes are kept: the rest was not read at all.
    let oversized = body.len() as u64 > max_body;
    body.truncate(usize::try_from(max_body).unwrap_or(usize::MAX));
    Ok(Answer {
        status,
        headers,
        body,
        oversized,
    })
}

/// Answers worth asking for once per key however many threads need them (discovery per tenant,
/// a registration per app): the cell of `key`, which concurrent callers initialise once.
pub type OnceMap<K, V> = Mutex<HashMap<K, Arc<OnceLock<V>>>>;

/// The cell of `key` in `map`, created empty when absent.
pub fn once_cell<K: Eq + Hash, V>(map: &OnceMap<K, V>, key: K) -> Arc<OnceLock<V>> {
    // A poisoned lock only means another thread panicked mid-insert; the map is still usable,
    // and a run must not panic.
    let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    Arc::clone(map.entry(key).or_default())
}

/// Retries after the first attempt, for throttling and server errors.
pub const MAX_RETRIES: u32 = 3;

/// First wait when the answer names none; doubled on each retry.
const INITIAL_BACKOFF: Duration = Duration::from_millis(250);

/// The outcome of one attempt at a request, as far as retrying it goes.
pub trait Retryable {
    /// Whether asking again may give another answer (throttling, a server error).
    fn is_retryable(&self) -> bool;
    /// How long the server asked to wait (`Retry-After`).
    fn retry_after(&self) -> Option<Duration>;
    /// Records that the retries ran out after `attempts` attempts, for the message.
    fn exhausted(&mut self, attempts: u32);
}

/// Repeats an attempt while its outcome is retryable, at most `MAX_RETRIES` times, waiting as
/// `Retry-After` says (capped at `timeout`, so a server cannot park the run) or with a doubling
/// backoff.
pub fn with_retries<T: Retryable>(timeout: Duration, mut attempt: impl FnMut() -> T) -> T {
    let mut backoff = INITIAL_BACKOFF;
    let mut retries = 0;
    loop {
        let mut outcome = attempt();
        if !outcome.is_retryable() {
            return outcome;
        }
        if retries == MAX_RETRIES {
            outcome.exhausted(retries + 1);
            return outcome;
        }
        let wait = outcome.retry_after().unwrap_or(backoff).min(timeout);
        std::thread::sleep(wait);
        backoff = backoff.saturating_mul(2);
        retries += 1;
    }
}

fn timed_out(host: &str, timeout: Duration) -> Unreachable {
    Unreachable(format!(
        "no complete answer from {host} within {} (`--timeout`)",
        seconds(timeout)
    ))
}

fn transport_failure(error: &reqwest::Error, host: &str, timeout: Duration) -> Unreachable {
    if error.is_timeout() {
        return timed_out(host, timeout);
    }
    let cause = root_cause(error);
    let detail = if let Some(tls) = tls_failure(error) {
        // Said plainly: "invalid peer certificate: UnknownIssuer" alone does not tell a user that
        // connector-lint refused the server, nor that nothing was sent to it.
        match tls {
            rustls::Error::InvalidCertificate(_) => format!(
                "the TLS certificate of {host} is not trusted ({cause}), so connector-lint closed the connection before sending any request"
            ),
            _ => format!("the TLS handshake with {host} failed ({cause}), so no request was sent"),
        }
    } else if error.is_connect() {
        format!("cannot connect to {host}: {cause}")
    } else {
        format!("the request to {host} failed: {cause}")
    };
    Unreachable(detail)
}

/// `host[:port]` of a URL, for messages.
pub fn host_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or("the server");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// Whether a URL names this machine (where plain http is allowed, for tests).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
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
pub fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    one_line(&current.to_string(), 200)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    struct Attempt {
        retryable: bool,
        attempts: u32,
    }

    impl Retryable for Attempt {
        fn is_retryable(&self) -> bool {
            self.retryable
        }
        fn retry_after(&self) -> Option<Duration> {
            Some(Duration::ZERO)
        }
        fn exhausted(&mut self, attempts: u32) {
            self.attempts = attempts;
        }
    }

    #[test]
    fn retries_are_bounded_and_stop_at_an_answer() {
        let mut calls = 0;
        let outcome = with_retries(Duration::from_secs(1), || {
            calls += 1;
            Attempt {
                retryable: true,
                attempts: 0,
            }
        });
        assert_eq!(
            (calls, outcome.attempts),
            (MAX_RETRIES + 1, MAX_RETRIES + 1)
        );
        let mut calls = 0;
        let outcome = with_retries(Duration::from_secs(1), || {
            calls += 1;
            Attempt {
                retryable: calls < 2,
                attempts: 0,
            }
        });
        assert_eq!((calls, outcome.attempts), (2, 0));
    }

    #[test]
    fn seconds_read_well() {
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn loopback_is_this_machine_only() {
        for (url, loopback) in [
            ("http://127.0.0.1:8080", true),
            ("http://[::1]:1", true),
            ("http://localhost", true),
            ("https://api.acme.appmixer.cloud", false),
            ("http://10.0.0.1", false),
            ("http://localhost.example.com", false),
        ] {
            let parsed = Url::parse(url).expect("url");
            assert_eq!(is_loopback(&parsed), loopback, "{url}");
        }
    }
}
