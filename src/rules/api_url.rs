//! `--api-url` (or `APPMIXER_API_URL`) is where every expected redirect URI is derived from, so it
//! must pass what a redirect URI's scheme and host must pass: a Studio or Backoffice host, plain
//! http outside loopback, a template host or a path on `*.appmixer.cloud` would turn every piece
//! of advice derived from it into a wrong one. A wrong one is refused with the URL to give instead.

use url::Url;

use super::redirect_uri::{self, Target};
use crate::catalogue::{Code, Severity};
use crate::connectors::{self, KeyKind};
use crate::record::Origin;

/// Why an API URL cannot be used, and the one URL to give instead when it can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: String,
    pub instead: Option<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.reason)?;
        match &self.instead {
            Some(url) => write!(f, "; pass `--api-url {url}`"),
            None => write!(
                f,
                "; pass the Appmixer API base URL, e.g. `--api-url https://api.acme.appmixer.cloud`"
            ),
        }
    }
}

/// The findings the redirect-URI rules raise on the callback this API URL implies (for every
/// connector: a path the rules refuse for one refuses the URL), as errors only.
fn errors(api: &Url) -> Vec<Code> {
    let mut codes = Vec::new();
    for profile in connectors::PROFILES {
        let derived = redirect_uri::expected_from_api_url(api, profile.callback_path);
        let judged = redirect_uri::judge(
            "--api-url",
            &derived,
            &Origin::Literal,
            Target::of(profile, KeyKind::Callback),
            None,
        );
        codes.extend(
            judged
                .findings
                .iter()
                .filter(|finding| finding.code.severity() == Severity::Error)
                .map(|finding| finding.code),
        );
    }
    codes.sort();
    codes.dedup();
    codes
}

/// A shown URL without user name and password.
fn shown(api: &Url) -> String {
    let mut url = api.clone();
    let _ = url.set_password(None);
    let _ = url.set_username("");
    url.to_string()
}

/// The corrected API URL: https, the `api.` host on `*.appmixer.cloud`, no path there. Given only
/// when it passes the rules itself.
fn corrected(api: &Url) -> Option<String> {
    let host = api.host_str()?;
    let mut url = api.clone();
    let loopback = matches!(host, "localhost" | "127.0.0.1");
    if url.scheme() != "https" && !loopback {
        url.set_scheme("https").ok()?;
    }
    if redirect_uri::is_cloud_host(host) {
        if let Err(api_host) = redirect_uri::cloud_api_host(host) {
            url.set_host(Some(&api_host?)).ok()?;
        }
        url.set_path("");
        let _ = url.set_port(None);
    }
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_password(None);
    let _ = url.set_username("");
    errors(&url)
        .is_empty()
        .then(|| url.as_str().trim_end_matches('/').to_owned())
}

/// Judges an API URL; `Ok` when every redirect URI derived from it passes the rules.
pub fn judge(api: &Url) -> Result<(), Refusal> {
    let codes = errors(api);
    let Some(first) = codes.first() else {
        return Ok(());
    };
    let host = api.host_str().unwrap_or_default();
    let front = host.split('.').next().unwrap_or_default();
    let reason = match first {
        Code::RedirectUriInsecureScheme => format!(
            "`{}` uses `{}`; the Appmixer API is served over https (plain http only on localhost)",
            shown(api),
            api.scheme()
        ),
        Code::RedirectUriPlaceholderHost => {
            format!("`{}` still has a template host (`{host}`)", shown(api))
        }
        Code::RedirectUriNotApiHost => {
            let which = match front {
                "my" | "studio" => "the Studio",
                "backoffice" => "the Backoffice",
                _ => "not the API host",
            };
            format!(
                "`{}` points at `{host}` ({which}); the OAuth callback is served by the API host `api.<subdomain>.appmixer.cloud`",
                shown(api)
            )
        }
        Code::RedirectUriWrongPath => format!(
            "`{}` has a path; on `*.appmixer.cloud` the API URL is the bare `api.` host",
            shown(api)
        ),
        other => format!(
            "`{}` cannot be the Appmixer API URL ({})",
            shown(api),
            other.rule().title
        ),
    };
    Err(Refusal {
        reason,
        instead: corrected(api),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(text: &str) -> Result<(), Refusal> {
        judge(&Url::parse(text).expect("a URL"))
    }

    #[test]
    fn api_urls_that_work_pass() {
        for text in [
            "https://api.acme.appmixer.cloud",
            "https://api.acme.appmixer.cloud/",
            "https://appmixer.contoso.com/api",
            "https://api.contoso.com",
            "http://localhost:2200",
        ] {
            assert_eq!(judged(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn front_ends_plain_http_and_templates_are_refused_with_the_url_to_give() {
        for (text, instead) in [
            (
                "https://my.acme.appmixer.cloud",
                Some("https://api.acme.appmixer.cloud"),
            ),
            (
                "https://backoffice.acme.appmixer.cloud/",
                Some("https://api.acme.appmixer.cloud"),
            ),
            (
                "http://api.acme.appmixer.cloud",
                Some("https://api.acme.appmixer.cloud"),
            ),
            ("http://api.contoso.com", Some("https://api.contoso.com")),
            // A callback given as the API URL: the base is what every connector's callback is
            // derived from.
            (
                "https://api.acme.appmixer.cloud/auth/azuredevops/callback",
                Some("https://api.acme.appmixer.cloud"),
            ),
            ("https://api.YOUR_SUBDOMAIN.appmixer.cloud", None),
        ] {
            let refusal = judged(text).expect_err(text);
            assert_eq!(refusal.instead.as_deref(), instead, "{text}: {refusal}");
        }
    }

    /// Every suggested API URL passes itself.
    #[test]
    fn suggestions_pass_the_rules() {
        for text in [
            "https://my.acme.appmixer.cloud",
            "http://my.acme.appmixer.cloud:8080/x?y#z",
            "https://studio.acme.appmixer.cloud",
            "https://acme.appmixer.cloud",
            "http://appmixer.contoso.com/api",
        ] {
            if let Err(Refusal {
                instead: Some(url), ..
            }) = judged(text)
            {
                assert_eq!(judged(&url), Ok(()), "{text} → {url}");
            }
        }
    }
}
