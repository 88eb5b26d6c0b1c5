//! The requests: built here, sent through `crate::http`, read by the pure `answer` module.
//!
//! The credentials leave this process in two places only, both towards the API given: the JSON
//! body of `POST /user/auth`, and the `Authorization` header of every other request (built in
//! `authorized`). Redirects are never followed, so neither can be carried to another host.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::blocking::RequestBuilder;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::answer::{self, Context, Reply};
use super::record::LiveRecord;
use super::{ApiError, Credentials, Kind};
use crate::http;

/// Answers are read up to this size: a page of 100 service configurations is some tens of KiB.
pub const MAX_BODY: u64 = 4 * 1024 * 1024;

/// Records asked for per page of `GET /service-config` (the API's documented default).
pub const PAGE_SIZE: usize = 100;

/// Pages read at most: 10,000 service configurations, far more than any Appmixer holds; a server
/// that pages forever cannot keep a run going.
pub const MAX_PAGES: usize = 100;

/// One Appmixer API and the credentials a run uses with it.
pub struct Client {
    http: reqwest::blocking::Client,
    base: Url,
    host: String,
    timeout: Duration,
    credentials: Credentials,
    /// The token of a user-name sign-in, asked for once per run, on the first request that needs it.
    signed_in: OnceLock<Result<SecretString, ApiError>>,
}

impl Client {
    /// `base` comes from [`super::parse_api_url`]; nothing is sent until a record is asked for.
    pub fn new(base: Url, timeout: Duration, credentials: Credentials) -> Result<Client, ApiError> {
        let client = http::client(timeout, http::is_loopback(&base)).map_err(|cause| {
            ApiError::Unreachable(format!("cannot set up the HTTP client: {cause}"))
        })?;
        Ok(Client {
            http: client,
            host: http::host_of(&base),
            base,
            timeout,
            credentials,
            signed_in: OnceLock::new(),
        })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `<API URL>/service-config/<serviceId>`: where a live record is, and its path in reports.
    pub fn record_url(&self, service_id: &str) -> String {
        self.url(&["service-config", service_id]).to_string()
    }

    /// Every value that must never be shown: the credentials, and the token a sign-in gave.
    pub fn secrets(&self) -> Vec<SecretString> {
        let mut secrets = self.credentials.values();
        if let Some(Ok(token)) = self.signed_in.get() {
            secrets.push(token.clone());
        }
        secrets
    }

    /// Every record the API holds (of every service), page by page.
    pub fn list(&self) -> Result<Vec<LiveRecord>, ApiError> {
        let mut records: Vec<LiveRecord> = Vec::new();
        for page_index in 0..MAX_PAGES {
            let offset = records.len();
            let mut url = self.url(&["service-config"]);
            url.query_pairs_mut()
                .append_pair("offset", &offset.to_string())
                .append_pair("limit", &PAGE_SIZE.to_string());
            let request = format!("GET /service-config?offset={offset}&limit={PAGE_SIZE}");
            let builder = self.authorized(self.http.get(url))?;
            let page = self.send(builder, &request, answer::page)?;
            let full = page.len() >= PAGE_SIZE;
            // A server that ignores `offset` sends the first page again: stop at a page that
            // brings no service not seen yet rather than read it a hundred times.
            let known = |record: &LiveRecord| {
                records.iter().any(|seen| {
                    seen.service_id().is_some() && seen.service_id() == record.service_id()
                })
            };
            let fresh = page.iter().any(|record| !known(record));
            if page_index > 0 && !fresh {
                return Ok(records);
            }
            records.extend(page);
            if !full {
                return Ok(records);
            }
        }
        Err(ApiError::Unexpected(format!(
            "GET /service-config at {} still had more after {MAX_PAGES} pages of {PAGE_SIZE}; name the connectors to read with --service",
            self.host
        )))
    }

    /// The record of one service, or `None` when it is not configured (404, or `{}`).
    pub fn get(&self, service_id: &str) -> Result<Option<LiveRecord>, ApiError> {
        let request = format!("GET /service-config/{service_id}");
        let builder = self.authorized(self.http.get(self.url(&["service-config", service_id])))?;
        self.send(builder, &request, |reply, context| {
            answer::record(reply, context, service_id)
        })
    }

    /// Replaces the stored record of a service with `record`, whole.
    pub fn put(&self, service_id: &str, record: &LiveRecord) -> Result<(), ApiError> {
        let request = format!("PUT /service-config/{service_id}");
        let builder = self
            .authorized(self.http.put(self.url(&["service-config", service_id])))?
            .header(CONTENT_TYPE, "application/json")
            .body(record.body());
        // What was sent may come back in an error body.
        let mut secrets = record.secret_values();
        secrets.extend(self.secrets());
        self.send_with(builder, &request, &secrets, answer::stored)
    }

    /// The base URL with path segments appended, each percent-encoded as one segment (a service
    /// id cannot add a segment, a query or change the host).
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Adds the bearer token, signing in first when the credentials are a user name and password.
    fn authorized(&self, builder: RequestBuilder) -> Result<RequestBuilder, ApiError> {
        let token = match &self.credentials.kind {
            Kind::Token(token) => token,
            Kind::Login { username, password } => self
                .signed_in
                .get_or_init(|| self.sign_in(username, password))
                .as_ref()
                .map_err(Clone::clone)?,
        };
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
            .map_err(|_| {
                ApiError::Usage(format!(
                    "{} holds characters an HTTP header cannot carry; copy the token again",
                    if matches!(self.credentials.kind, Kind::Token(_)) {
                        super::TOKEN_VARIABLE
                    } else {
                        "the token the sign-in gave"
                    }
                ))
            })?;
        value.set_sensitive(true);
        Ok(builder.header(AUTHORIZATION, value))
    }

    fn sign_in(
        &self,
        username: &SecretString,
        password: &SecretString,
    ) -> Result<SecretString, ApiError> {
        let body = serde_json::json!({
            "username": username.expose_secret(),
            "password": password.expose_secret(),
        });
        let builder = self
            .http
            .post(self.url(&["user", "auth"]))
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
        let secrets = self.credentials.values();
        let credentials = "the sign-in of APPMIXER_USERNAME with APPMIXER_PASSWORD";
        self.exchange(
            builder,
            "POST /user/auth",
            credentials,
            &secrets,
            answer::signed_in,
        )
    }

    fn send<T>(
        &self,
        builder: RequestBuilder,
        request: &str,
        read: impl FnOnce(&Reply<'_>, &Context<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.send_with(builder, request, &self.secrets(), read)
    }

    fn send_with<T>(
        &self,
        builder: RequestBuilder,
        request: &str,
        secrets: &[SecretString],
        read: impl FnOnce(&Reply<'_>, &Context<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.exchange(
            builder,
            request,
            self.credentials.described(),
            secrets,
            read,
        )
    }

    fn exchange<T>(
        &self,
        builder: RequestBuilder,
        request: &str,
        credentials: &str,
        secrets: &[SecretString],
        read: impl FnOnce(&Reply<'_>, &Context<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let builder = builder.header(ACCEPT, "application/json");
        let answer =
            http::exchange(builder, self.timeout, MAX_BODY, &self.host).map_err(|unreachable| {
                ApiError::Unreachable(format!(
                    "the Appmixer API could not be reached ({request}): {}",
                    unreachable.0
                ))
            })?;
        let reply = Reply {
            status: answer.status,
            headers: &answer.headers,
            body: &answer.body,
            oversized: answer.oversized,
        };
        let context = Context {
            request,
            host: &self.host,
            credentials,
            secrets,
            max_body: MAX_BODY,
        };
        read(&reply, &context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        let url = super::super::parse_api_url(Some(base)).expect("url");
        Client::new(
            url,
            Duration::from_secs(1),
            Credentials::token(SecretString::from("t".to_owned())),
        )
        .expect("client")
    }

    #[test]
    fn record_urls_append_one_segment_per_service_id() {
        assert_eq!(
            client("https://api.acme.appmixer.cloud/").record_url("appmixer:azuredevops"),
            "https://api.acme.appmixer.cloud/service-config/appmixer:azuredevops"
        );
        assert_eq!(
            client("https://h.example/prefix").record_url("appmixer:microsoft:dynamics"),
            "https://h.example/prefix/service-config/appmixer:microsoft:dynamics"
        );
        let odd = client("https://h.example").url(&["service-config", "a/b?c#d"]);
        assert_eq!(odd.host_str(), Some("h.example"));
        assert_eq!(odd.query(), None);
        assert_eq!(odd.path(), "/service-config/a%2Fb%3Fc%23d");
    }
}
