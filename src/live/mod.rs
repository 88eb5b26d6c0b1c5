//! The live Backoffice: `check --live`, `diff`, `apply` and `pull`. Each is a library function
//! that `main` calls with the parsed flags and maps to an exit status; the records come and go
//! through the Appmixer API client (`crate::appmixer`, the edge), and are checked by the same
//! pipeline as files (`crate::check`).

pub mod check;
pub mod commands;
pub mod diff;
pub mod pull;
pub mod records;

use std::time::Duration;

use crate::appmixer::{self, ApiError, Client, Credentials, LiveRecord};
use crate::connectors::{self, Profile, ServiceMatch};

/// `--timeout` when not given (the probe's).
pub const DEFAULT_TIMEOUT: Duration = crate::probe::DEFAULT_TIMEOUT;

/// The client of `--api-url` with the credentials of the environment; both are checked here,
/// before anything is sent.
pub fn connect(
    api_url: Option<&str>,
    timeout: Option<Duration>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Client, ApiError> {
    let base = appmixer::parse_api_url(api_url)?;
    let credentials = Credentials::from_env(env)?;
    Client::new(base, timeout.unwrap_or(DEFAULT_TIMEOUT), credentials)
}

/// A live record of a supported connector (or one whose id is a near miss of one), or a named
/// connector's absence.
pub struct Fetched {
    pub profile: &'static Profile,
    /// The service id as the Backoffice holds it (a near miss keeps its own spelling).
    pub service_id: String,
    /// `None`: the connector is not configured (404, or `{}`).
    pub record: Option<LiveRecord>,
}

/// The records of the connectors named, in the order named, or without names every record of a
/// supported connector the API lists (records of other services are counted, never kept).
pub fn fetch(
    client: &Client,
    services: &[&'static Profile],
) -> Result<(Vec<Fetched>, usize), ApiError> {
    if !services.is_empty() {
        let mut fetched: Vec<Fetched> = Vec::with_capacity(services.len());
        for profile in services {
            if fetched.iter().any(|seen| seen.profile == *profile) {
                continue;
            }
            fetched.push(Fetched {
                profile,
                service_id: profile.service_id.to_owned(),
                record: client.get(profile.service_id)?,
            });
        }
        return Ok((fetched, 0));
    }
    let mut fetched: Vec<Fetched> = Vec::new();
    let mut others = 0;
    for record in client.list()? {
        let service_id = record.service_id().unwrap_or_default().to_owned();
        let profile = match connectors::match_service_id(&service_id) {
            ServiceMatch::Exact(profile) | ServiceMatch::Misspelled(profile) => profile,
            ServiceMatch::Other => {
                others += 1;
                continue;
            }
        };
        if fetched.iter().any(|seen| seen.service_id == service_id) {
            continue;
        }
        fetched.push(Fetched {
            profile,
            service_id,
            record: Some(record),
        });
    }
    fetched.sort_by(|a, b| a.service_id.cmp(&b.service_id));
    Ok((fetched, others))
}

/// The error of a run that found no record of a supported connector at all.
pub fn nothing_found(client: &Client, others: usize) -> ApiError {
    ApiError::Nothing(format!(
        "the Backoffice at {} holds no configuration of {} ({}); nothing was checked. Name a connector with --service to have its absence reported",
        appmixer::display_base(client.base()),
        connectors::service_ids_listed(),
        crate::outcome::count(others, "record") + " of other services"
    ))
}
