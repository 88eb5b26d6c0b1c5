//! The Appmixer REST API, at the edge: `GET /service-config` (paged with `offset`/`limit`),
//! `GET` and `PUT /service-config/{serviceId}`, and `POST /user/auth` to exchange a user name and
//! password for a token once per run.
//!
//! Built in layers, as the probe is: [`parse_api_url`] and [`Credentials::from_env`] refuse
//! unusable settings before any traffic; `answer` says what each answer means (pure); [`Client`]
//! sends the requests through the shared bounded HTTP edge (`crate::http`: https only outside
//! loopback, no redirects, connect and whole-request timeouts, bodies read up to a bound).
//!
//! The shapes follow the Appmixer API documentation (Service Configuration; Authentication):
//! records are flat objects with `serviceId` beside the keys, values of any JSON type; the list
//! is a JSON array, 100 records a page by default; sign-in answers `{"user": …, "token": …}`.

mod answer;
mod client;
pub mod record;

use secrecy::SecretString;
use url::Url;

pub use client::{Client, MAX_BODY, MAX_PAGES, PAGE_SIZE};
pub use record::{Field, LiveRecord, MASKED};

/// The variable holding an admin user's token (a JWT), sent as `Authorization: Bearer`.
pub const TOKEN_VARIABLE: &str = "APPMIXER_TOKEN";
/// The variables of a user name and password exchanged for a token through `POST /user/auth`.
pub const USERNAME_VARIABLE: &str = "APPMIXER_USERNAME";
pub const PASSWORD_VARIABLE: &str = "APPMIXER_PASSWORD";

/// Why the API could not be used. Messages never hold a credential or a secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// A bad `--api-url` or missing credentials: nothing was sent (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The API refused the credentials (401/403; exit 2).
    #[error("{0}")]
    Refused(String),
    /// The API could not be reached, or gave no complete answer (exit 3).
    #[error("{0}")]
    Unreachable(String),
    /// The API answered something that is not what it documents (exit 3).
    #[error("{0}")]
    Unexpected(String),
    /// The API holds nothing of a supported connector to work on: nothing was checked (exit 2).
    #[error("{0}")]
    Nothing(String),
}

impl ApiError {
    /// The exit status of a run that ends on this error (the SPEC's *The live Backoffice*).
    pub fn exit_status(&self) -> u8 {
        match self {
            ApiError::Usage(_) | ApiError::Refused(_) | ApiError::Nothing(_) => 2,
            ApiError::Unreachable(_) | ApiError::Unexpected(_) => 3,
        }
    }
}

/// Parses `--api-url`: `https` anywhere, `http` only on a loopback address (for tests); no user
/// name, password, query or fragment. The value itself is echoed only once it has parsed as such
/// a URL, so a token pasted into the wrong flag is not printed back.
pub fn parse_api_url(text: Option<&str>) -> Result<Url, ApiError> {
    let usage = |problem: &str| {
        ApiError::Usage(format!(
            "--api-url {problem}; pass the Appmixer API base URL, e.g. https://api.acme.appmixer.cloud (or set APPMIXER_API_URL)"
        ))
    };
    let text = text.map(str::trim).filter(|text| !text.is_empty());
    let Some(text) = text else {
        return Err(usage("is required"));
    };
    let url =
        Url::parse(text).map_err(|error| usage(&format!("is not an absolute URL ({error})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::Usage(format!(
            "--api-url must not hold a user name or password; give the credentials in {TOKEN_VARIABLE}, or in {USERNAME_VARIABLE} and {PASSWORD_VARIABLE}"
        )));
    }
    if url.host().is_none() || url.cannot_be_a_base() {
        return Err(usage("has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(usage(
            "must not have a query or a fragment (the request paths are appended to it)",
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if crate::http::is_loopback(&url) => {}
        _ => {
            return Err(ApiError::Usage(format!(
                "--api-url `{url}` must use https: the token travels with every request; plain http is accepted only on a loopback address (http://127.0.0.1:PORT, for tests)"
            )));
        }
    }
    if let Some(host) = url.host_str()
        && let Some(tenant) = host.strip_suffix(".appmixer.cloud")
        && let Some((first, rest)) = tenant.split_once('.')
        && matches!(first, "my" | "backoffice")
    {
        return Err(ApiError::Usage(format!(
            "--api-url `{url}` is the {} host, not the API: pass https://api.{rest}.appmixer.cloud",
            if first == "my" {
                "Studio"
            } else {
                "Backoffice"
            }
        )));
    }
    let mut url = url;
    // `https://api.acme.appmixer.cloud/` and `…/prefix/` take their request paths after the
    // last segment, not after an empty one.
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty();
    }
    Ok(url)
}

/// `https://api.acme.appmixer.cloud`, without a trailing slash: the start of every path shown.
pub fn display_base(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

/// The credentials of a run, read from the environment and held as secrets at once.
pub struct Credentials {
    kind: Kind,
}

enum Kind {
    Token(SecretString),
    Login {
        username: SecretString,
        password: SecretString,
    },
}

impl Credentials {
    /// `APPMIXER_TOKEN`, else `APPMIXER_USERNAME` with `APPMIXER_PASSWORD`. An empty variable
    /// counts as unset; a token pasted with its `Bearer ` prefix, or with a trailing newline from
    /// a secret store, is taken without them.
    pub fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, ApiError> {
        let read = |name: &str| {
            lookup(name)
                .map(|value| SecretString::from(value.trim().to_owned()))
                .filter(|value| !secrecy::ExposeSecret::expose_secret(value).is_empty())
        };
        if let Some(token) = read(TOKEN_VARIABLE) {
            let exposed = secrecy::ExposeSecret::expose_secret(&token);
            let token = match exposed.get(..7) {
                Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => {
                    SecretString::from(exposed[7..].trim().to_owned())
                }
                _ => token,
            };
            return Ok(Credentials {
                kind: Kind::Token(token),
            });
        }
        match (read(USERNAME_VARIABLE), read(PASSWORD_VARIABLE)) {
            (Some(username), Some(password)) => Ok(Credentials {
                kind: Kind::Login { username, password },
            }),
            (Some(_), None) => Err(ApiError::Usage(format!(
                "{USERNAME_VARIABLE} is set but {PASSWORD_VARIABLE} is not; set both, or an admin user's token in {TOKEN_VARIABLE}"
            ))),
            (None, Some(_)) => Err(ApiError::Usage(format!(
                "{PASSWORD_VARIABLE} is set but {USERNAME_VARIABLE} is not; set both, or an admin user's token in {TOKEN_VARIABLE}"
            ))),
            (None, None) => Err(ApiError::Usage(format!(
                "no credentials for the Appmixer API: set {TOKEN_VARIABLE} to an admin user's token, or {USERNAME_VARIABLE} and {PASSWORD_VARIABLE} (as masked secret variables in CI)"
            ))),
        }
    }

    /// A token, for tests and callers that hold one already.
    pub fn token(token: SecretString) -> Credentials {
        Credentials {
            kind: Kind::Token(token),
        }
    }

    /// Which credentials a request carries, for messages: never their values.
    fn described(&self) -> &'static str {
        match self.kind {
            Kind::Token(_) => "the token in APPMIXER_TOKEN",
            Kind::Login { .. } => {
                "the token that signing in as APPMIXER_USERNAME with APPMIXER_PASSWORD gave"
            }
        }
    }

    /// Every credential value, for scrubbing what a server sends back.
    fn values(&self) -> Vec<SecretString> {
        match &self.kind {
            Kind::Token(token) => vec![token.clone()],
            Kind::Login { username, password } => vec![username.clone(), password.clone()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn api_urls_are_https_or_loopback_http() {
        for good in [
            "https://api.acme.appmixer.cloud",
            "https://api.acme.appmixer.cloud/",
            "https://appmixer.example.com/api/",
            "http://127.0.0.1:8080",
            "http://localhost:1",
        ] {
            let url = parse_api_url(Some(good)).unwrap_or_else(|error| panic!("{good}: {error}"));
            assert!(!url.path().ends_with('/') || url.path() == "/", "{url}");
        }
        assert_eq!(
            display_base(&parse_api_url(Some("https://h.example/api/")).expect("ok")),
            "https://h.example/api"
        );
        for bad in [
            None,
            Some(""),
            Some("api.acme.appmixer.cloud"),
            Some("http://api.acme.appmixer.cloud"),
            Some("ftp://127.0.0.1"),
            Some("https://user:pw@api.acme.appmixer.cloud"),
            Some("https://api.acme.appmixer.cloud/?token=abc"),
            Some("https://api.acme.appmixer.cloud/#x"),
            Some("https://my.acme.appmixer.cloud"),
            Some("https://backoffice.acme.appmixer.cloud"),
        ] {
            let error = parse_api_url(bad).expect_err("refused");
            assert_eq!(error.exit_status(), 2, "{bad:?}");
            assert!(!error.to_string().contains("pw@"), "{error}");
            assert!(!error.to_string().contains("token=abc"), "{error}");
        }
        let studio = parse_api_url(Some("https://my.acme.appmixer.cloud")).expect_err("studio");
        assert!(
            studio
                .to_string()
                .contains("https://api.acme.appmixer.cloud"),
            "{studio}"
        );
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn credentials_come_from_the_environment() {
        let token = Credentials::from_env(&env(&[
            ("APPMIXER_TOKEN", "Bearer abc.def\n"),
            ("APPMIXER_USERNAME", "u"),
        ]))
        .expect("token");
        match &token.kind {
            Kind::Token(value) => assert_eq!(value.expose_secret(), "abc.def"),
            Kind::Login { .. } => panic!("the token wins"),
        }
        assert_eq!(token.described(), "the token in APPMIXER_TOKEN");
        let login = Credentials::from_env(&env(&[
            ("APPMIXER_TOKEN", ""),
            ("APPMIXER_USERNAME", "admin@example.com"),
            ("APPMIXER_PASSWORD", "pw"),
        ]))
        .expect("login");
        assert!(matches!(login.kind, Kind::Login { .. }));
        assert_eq!(login.values().len(), 2);
        for partial in [
            &[("APPMIXER_USERNAME", "u")][..],
            &[("APPMIXER_PASSWORD", "p")][..],
            &[][..],
        ] {
            let error = Credentials::from_env(&env(partial)).err().expect("refused");
            assert_eq!(error.exit_status(), 2);
            assert!(error.to_string().contains("APPMIXER_TOKEN"), "{error}");
        }
    }
}
