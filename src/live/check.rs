//! `check --live`: the live records of the supported connectors, checked exactly as files are.
//!
//! Each record is rendered as pretty-printed JSON and that text goes through the normal check
//! (`check::check_source`), so the findings, their positions and every report format are those of
//! a file; the report's path is `<API URL>/service-config/<serviceId>`. The report layer masks the
//! secrets in the text before any snippet is shown, as it does for files. Three things differ,
//! because the Backoffice is not a file:
//! - `client-secret/plaintext` does not apply: the Backoffice necessarily holds the value;
//! - `${NAME}` is not resolved: Appmixer sends such a value as it is, so an unresolved reference
//!   is reported as what it is in the Backoffice;
//! - a connector named with `--service` that is not configured is `backoffice/not-configured`.

use std::sync::Arc;
use std::time::Duration;

use crate::appmixer::{ApiError, Client};
use crate::catalogue::Code;
use crate::check::{self, Options};
use crate::connectors::Profile;
use crate::diagnostic::Diagnostic;
use crate::document::pointer;
use crate::outcome::{FileReport, Report};
use crate::source::{Format, SourceText};

/// `check --live`: connects (`--api-url`, the credentials of `options.env`), reads and checks.
pub fn run(
    api_url: Option<&str>,
    services: &[&'static Profile],
    timeout: Option<Duration>,
    options: &Options,
) -> Result<Report, ApiError> {
    let env = Arc::clone(&options.env);
    let client = super::connect(api_url, timeout, env.as_ref())?;
    check_live(&client, services, options)
}

/// Checks the live records of `services` (all the supported connectors' when empty).
pub fn check_live(
    client: &Client,
    services: &[&'static Profile],
    options: &Options,
) -> Result<Report, ApiError> {
    let (fetched, others) = super::fetch(client, services)?;
    if fetched.is_empty() {
        return Err(super::nothing_found(client, others));
    }
    let mut files: Vec<FileReport> = fetched
        .into_iter()
        .map(|fetched| {
            let path = client.record_url(&fetched.service_id);
            let mut file = match &fetched.record {
                Some(record) => check_text(path, fetched.profile, record.pretty_json(), options),
                None => not_configured(path, fetched.profile, client),
            };
            // A record may hold what the server echoed of the credentials.
            file.secrets.extend(client.secrets());
            file
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Report {
        files,
        ..Report::default()
    })
}

/// Checks the text of one live record.
fn check_text(
    path: String,
    profile: &'static Profile,
    text: String,
    options: &Options,
) -> FileReport {
    let options = Options {
        // The record's own `serviceId` decides, as in a file; one without is the service asked
        // about.
        service: Some(profile),
        // Appmixer does not resolve `${NAME}`: the value is what the connector sends.
        env: Arc::new(|_| None),
        ..options.clone()
    };
    let mut file = check::check_source(SourceText::new(path, Format::Json, text), &options);
    file.diagnostics
        .retain(|diagnostic| diagnostic.code != Code::ClientSecretPlaintext);
    for diagnostic in &mut file.diagnostics {
        if diagnostic.code == Code::EnvUndefined {
            let key = diagnostic
                .location
                .as_ref()
                .and_then(|location| pointer::segments(&location.pointer).pop())
                .unwrap_or_default();
            diagnostic.message = format!(
                "`{key}` holds a `${{NAME}}` reference, but Appmixer does not resolve environment references: the connector sends these characters as they are"
            );
            diagnostic.help = Some(
                "put the value itself into the Backoffice; a deploy script probably sent a file without resolving it (`connector-lint apply` resolves references before it sends)"
                    .to_owned(),
            );
        }
    }
    file
}

fn not_configured(path: String, profile: &'static Profile, client: &Client) -> FileReport {
    let mut file = FileReport::empty(path);
    file.diagnostics.push(
        Diagnostic::new(
            Code::BackofficeNotConfigured,
            format!(
                "`{}` has no configuration in the Backoffice: the {} cannot sign anyone in",
                profile.service_id,
                profile.title()
            ),
        )
        .with_help(format!(
            "configure it in the Backoffice (Services, `{}`: `clientId` and `clientSecret`), or push a checked file with `connector-lint apply FILE --api-url {} --dry-run` and then without `--dry-run`",
            profile.service_id,
            crate::appmixer::display_base(client.base())
        )),
    );
    file
}
