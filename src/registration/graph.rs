//! The Microsoft Graph edge of the registration read (`--probe`): a client-credentials token for
//! Graph from the same tenant and cloud (through the probe's Entra client), then
//! `GET {graph}/v1.0/applications(appId='…')?$select=…` and, when that is refused or not found,
//! `GET {graph}/v1.0/servicePrincipals(appId='…')`. Every request is bounded like the probe's
//! (the shared `http` edge: timeouts, no redirects, bounded answers, bounded retries honouring
//! `Retry-After`); every answer goes to the pure `answer` module.
//!
//! The Graph token leaves this process in exactly one place, the `Authorization` header of these
//! requests, and only to the Graph host; one token and one read serve every record of the same
//! app in the same tenant.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::header::ACCEPT;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::answer::{self, Answer, Unread};
use super::model::{Application, ServicePrincipal};
use crate::http;
use crate::probe::Cloud;
use crate::probe::entra::Entra;

/// The properties the checks read: `$select` asks for these and nothing else.
pub const APPLICATION_SELECT: &str = "appId,displayName,signInAudience,web,spa,publicClient,requiredResourceAccess,passwordCredentials,isFallbackPublicClient,disabledByMicrosoftStatus";

/// The properties the fallback reads of the service principal.
pub const PRINCIPAL_SELECT: &str = "appId,displayName,appOwnerOrganizationId";

/// Where Graph is and which token it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https://graph.microsoft.com`, or `--graph-url`.
    pub base: Url,
    /// The token's scope: the cloud's Graph resource, `https://graph.microsoft.com/.default`.
    pub scope: String,
}

/// `--graph-url` cannot be used: a usage error (exit 2), before any traffic.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GraphUrlError {
    #[error(
        "--graph-url `{text}` is not an absolute URL ({reason}); pass e.g. https://graph.microsoft.com"
    )]
    NotUrl { text: String, reason: String },
    #[error(
        "--graph-url `{0}` must use https; plain http is accepted only on a loopback address (http://127.0.0.1:PORT, for tests)"
    )]
    Insecure(String),
    #[error(
        "--graph-url must not hold a user name, password, query or fragment: the probe sends a bearer token there"
    )]
    Extras,
}

/// The Graph host of each cloud.
pub fn cloud_graph(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Public => "https://graph.microsoft.com",
        Cloud::Usgov => "https://graph.microsoft.us",
        Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
    }
}

/// The cloud whose login host an authority is, if it is one.
fn cloud_of_authority(authority: &Url) -> Option<Cloud> {
    [Cloud::Public, Cloud::Usgov, Cloud::China]
        .into_iter()
        .find(|cloud| {
            Url::parse(cloud.authority()).is_ok_and(|known| {
                known
                    .host_str()
                    .zip(authority.host_str())
                    .is_some_and(|(known, given)| known.eq_ignore_ascii_case(given))
            })
        })
}

/// Where the probe reads registrations from: `--graph-url`, else the Graph of the cloud (from
/// `--cloud`, or the authority when it is a cloud's login host). `Ok(None)`: an authority of
/// no known cloud and no `--graph-url`, so no Graph to ask.
pub fn endpoint(
    graph_url: Option<&str>,
    cloud: Option<Cloud>,
    authority: Option<&Url>,
) -> Result<Option<Endpoint>, GraphUrlError> {
    let cloud = match (cloud, authority) {
        (Some(cloud), _) => Some(cloud),
        (None, Some(authority)) => cloud_of_authority(authority),
        (None, None) => Some(Cloud::Public),
    };
    let scope_cloud = cloud.unwrap_or_default();
    let scope = format!("{}/.default", cloud_graph(scope_cloud));
    let base = match (graph_url, cloud) {
        (Some(text), _) => parse_graph_url(text)?,
        (None, Some(cloud)) => {
            Url::parse(cloud_graph(cloud)).map_err(|error| GraphUrlError::NotUrl {
                text: cloud_graph(cloud).to_owned(),
                reason: error.to_string(),
            })?
        }
        (None, None) => return Ok(None),
    };
    Ok(Some(Endpoint { base, scope }))
}

fn parse_graph_url(text: &str) -> Result<Url, GraphUrlError> {
    let url = Url::parse(text.trim()).map_err(|error| GraphUrlError::NotUrl {
        text: crate::report::redact::url_for_display(text),
        reason: error.to_string(),
    })?;
    if url.host().is_none() || url.cannot_be_a_base() {
        return Err(GraphUrlError::NotUrl {
            text: crate::report::redact::url_for_display(text),
            reason: "no host".to_owned(),
        });
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(GraphUrlError::Extras);
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if http::is_loopback(&url) => Ok(url),
        _ => Err(GraphUrlError::Insecure(text.to_owned())),
    }
}

/// A registration as far as Graph gave it, for every record of one app in one tenant.
#[derive(Debug)]
pub enum Read {
    /// The application object, and the token it was read with (kept only to scrub it from
    /// texts).
    App {
        app: Box<Application>,
        token: SecretString,
    },
    Unread {
        unread: Unread,
        token: Option<SecretString>,
    },
}

/// The Graph client of a run, shared by the reading threads.
pub struct Graph {
    client: Client,
    endpoint: Endpoint,
    timeout: Duration,
    /// One token and one read per (tenant, client id): concurrent callers of the same app wait
    /// for the first one's answer.
    reads: Reads,
}

/// The reads of a run, by (tenant, client id), each done once.
type Reads = http::OnceMap<(String, String), Read>;

impl Graph {
    pub fn new(endpoint: Endpoint, timeout: Duration) -> Result<Graph, String> {
        let client = http::client(timeout, http::is_loopback(&endpoint.base))?;
        Ok(Graph {
            client,
            endpoint,
            timeout,
            reads: Reads::default(),
        })
    }

    /// `host[:port]` of Graph, for messages.
    pub fn host(&self) -> String {
        http::host_of(&self.endpoint.base)
    }

    /// Reads the registration of `client_id` in `tenant` (once per pair).
    pub fn read(
        &self,
        entra: &Entra,
        tenant: &str,
        client_id: &str,
        secret: &SecretString,
    ) -> Arc<OnceLock<Read>> {
        let key = (tenant.to_ascii_lowercase(), client_id.to_ascii_lowercase());
        let cell = http::once_cell(&self.reads, key);
        cell.get_or_init(|| self.fetch(entra, tenant, client_id, secret));
        cell
    }

    fn fetch(&self, entra: &Entra, tenant: &str, client_id: &str, secret: &SecretString) -> Read {
        let token = match entra.access_token(tenant, client_id, secret, &self.endpoint.scope) {
            Ok(token) => token,
            Err(verdict) => {
                return Read::Unread {
                    unread: Unread::NoToken(verdict),
                    token: None,
                };
            }
        };
        let application: Answer<Application> = self.get(
            &format!("applications(appId='{client_id}')"),
            APPLICATION_SELECT,
            &token,
            "an application object",
        );
        if !answer::asks_principal(&application) {
            return match application {
                Answer::Found(app) => Read::App {
                    app: Box::new(app),
                    token,
                },
                other => Read::Unread {
                    unread: Unread::Application {
                        application: Box::new(other),
                        principal: None,
                    },
                    token: Some(token),
                },
            };
        }
        let principal: Answer<ServicePrincipal> = self.get(
            &format!("servicePrincipals(appId='{client_id}')"),
            PRINCIPAL_SELECT,
            &token,
            "a service principal",
        );
        Read::Unread {
            unread: Unread::Application {
                application: Box::new(application),
                principal: Some(Box::new(principal)),
            },
            token: Some(token),
        }
    }

    /// `GET {graph}/v1.0/{resource}?$select=…` with the bearer token, retried the bounded way.
    fn get<T: serde::de::DeserializeOwned>(
        &self,
        resource: &str,
        select: &str,
        token: &SecretString,
        object: &str,
    ) -> Answer<T> {
        let url = self.url(resource, select);
        let host = self.host();
        http::with_retries(self.timeout, || {
            // The one place the Graph token is exposed: the header of a request to Graph.
            let request = self
                .client
                .get(url.clone())
                .header(ACCEPT, "application/json")
                .bearer_auth(token.expose_secret());
            match http::exchange(request, self.timeout, answer::MAX_BODY, &host) {
                Ok(reply) => answer::classify(
                    reply.status,
                    &reply.headers,
                    &reply.body,
                    reply.oversized,
                    object,
                ),
                Err(unreachable) => unreachable.into(),
            }
        })
    }

    /// `{graph}/v1.0/{resource}?$select=…`; the resource is one path segment (the client id in
    /// it is a GUID, checked before).
    fn url(&self, resource: &str, select: &str) -> Url {
        let mut url = self.endpoint.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push("v1.0").push(resource);
        }
        url.set_query(Some(&format!("$select={select}")));
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graph_of_the_cloud_or_of_the_flag() {
        let public = endpoint(None, None, None).expect("ok").expect("endpoint");
        assert_eq!(public.base.as_str(), "https://graph.microsoft.com/");
        assert_eq!(public.scope, "https://graph.microsoft.com/.default");
        let china = endpoint(None, Some(Cloud::China), None)
            .expect("ok")
            .expect("endpoint");
        assert_eq!(
            china.scope,
            "https://microsoftgraph.chinacloudapi.cn/.default"
        );
        let usgov_login = Url::parse("https://login.microsoftonline.us/").expect("url");
        let usgov = endpoint(None, None, Some(&usgov_login))
            .expect("ok")
            .expect("endpoint");
        assert_eq!(usgov.base.as_str(), "https://graph.microsoft.us/");
        let loopback = Url::parse("http://127.0.0.1:9").expect("url");
        assert_eq!(endpoint(None, None, Some(&loopback)), Ok(None));
        let flag = endpoint(Some("http://127.0.0.1:7/graph/"), None, Some(&loopback))
            .expect("ok")
            .expect("endpoint");
        assert_eq!(flag.scope, "https://graph.microsoft.com/.default");
        for bad in [
            "http://graph.example.com",
            "ftp://127.0.0.1",
            "graph.microsoft.com",
            "https://user:pw@graph.microsoft.com",
            "https://graph.microsoft.com/?x=1",
            "https://graph.microsoft.com/#f",
            "",
        ] {
            assert!(endpoint(Some(bad), None, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_are_one_segment_under_v1() {
        let graph = Graph::new(
            endpoint(Some("http://127.0.0.1:7/prefix/"), None, None)
                .expect("ok")
                .expect("endpoint"),
            Duration::from_secs(1),
        )
        .expect("client");
        let url = graph.url(
            "applications(appId='11111111-2222-4333-8444-555555555555')",
            APPLICATION_SELECT,
        );
        assert_eq!(
            url.as_str(),
            format!(
                "http://127.0.0.1:7/prefix/v1.0/applications(appId='11111111-2222-4333-8444-555555555555')?$select={APPLICATION_SELECT}"
            )
        );
    }
}
