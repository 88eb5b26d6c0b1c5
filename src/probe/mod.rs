//! `check --probe`: asks Microsoft Entra ID whether each record's tenant, client id and secret
//! really work, by requesting an app-only token for Azure DevOps (and discarding it).
//!
//! The only part of the tool that talks to the network, so it is built in three layers:
//! - `Settings` (from the flags) refuses an unusable authority before any traffic;
//! - `plan` and `finding` are pure: which records are probed against which tenant, and what each
//!   verdict tells the user, labelled on the key it is about;
//! - `entra` sends the requests (bounded in time, size, retries and concurrency) and hands every
//!   answer to the pure `classify`.

pub mod classify;
pub mod entra;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::catalogue::{Code, Severity};
use crate::connectors::{KeyKind, Profile};
use crate::diagnostic::{Diagnostic, Location};
use crate::document::{self, pointer};
use crate::outcome::{self, Report};
use crate::record::{Origin, Record};
use crate::rules::Finding;

pub use classify::Verdict;
use entra::Entra;

/// Requests in flight at once. Small enough to stay polite to Entra, large enough that 1,000
/// records at 50 ms each finish in about two seconds.
pub const CONCURRENCY: usize = 32;

/// `--timeout` when not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest `--timeout` accepted: a probe must end.
const MAX_TIMEOUT: Duration = Duration::from_secs(300);

/// Records probed before a progress bar is worth drawing.
const PROGRESS_THRESHOLD: usize = 3;

/// The Entra cloud (`--cloud`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Cloud {
    /// login.microsoftonline.com
    #[default]
    Public,
    /// login.microsoftonline.us (Azure Government)
    Usgov,
    /// login.partner.microsoftonline.cn (operated by 21Vianet)
    China,
}

impl Cloud {
    pub fn authority(self) -> &'static str {
        match self {
            Cloud::Public => "https://login.microsoftonline.com",
            Cloud::Usgov => "https://login.microsoftonline.us",
            Cloud::China => "https://login.partner.microsoftonline.cn",
        }
    }

    /// The `cloud_instance_name` its discovery documents carry.
    pub fn instance(self) -> &'static str {
        match self {
            Cloud::Public => "microsoftonline.com",
            Cloud::Usgov => "microsoftonline.us",
            Cloud::China => "partner.microsoftonline.cn",
        }
    }
}

/// A probe flag that cannot be used: a usage error (exit 2), reported before any traffic.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error(
        "--authority `{text}` is not an absolute URL ({reason}); pass e.g. https://login.microsoftonline.com"
    )]
    NotUrl { text: String, reason: String },
    #[error(
        "--authority `{0}` must use https; plain http is accepted only on a loopback address (http://127.0.0.1:PORT, for tests)"
    )]
    Insecure(String),
    #[error("--authority must not hold a user name or password")]
    Credentials,
    #[error(
        "--authority `{0}` must not have a query or a fragment: the probe appends the tenant and endpoint paths to it"
    )]
    QueryOrFragment(String),
}

/// How to probe, from the flags.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--tenant`: overrides every record's `tenantId`.
    pub tenant: Option<String>,
    pub authority: Url,
    /// The `cloud_instance_name` expected from discovery (`--cloud`); `None` with `--authority`.
    pub expected_cloud: Option<&'static str>,
    pub timeout: Duration,
    pub concurrency: usize,
    /// Read the app registration through Microsoft Graph after a token (`None`: not asked for).
    pub registration: Option<crate::registration::Online>,
}

impl Settings {
    /// Validates the flags; nothing is sent before this has succeeded.
    pub fn new(
        tenant: Option<String>,
        cloud: Option<Cloud>,
        authority: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<Settings, SettingsError> {
        let (authority, expected_cloud) = match authority {
            Some(text) => (parse_authority(text)?, None),
            None => {
                let cloud = cloud.unwrap_or_default();
                let url = Url::parse(cloud.authority()).map_err(|error| SettingsError::NotUrl {
                    text: cloud.authority().to_owned(),
                    reason: error.to_string(),
                })?;
                (url, Some(cloud.instance()))
            }
        };
        Ok(Settings {
            tenant,
            authority,
            expected_cloud,
            timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
            concurrency: CONCURRENCY,
            registration: None,
        })
    }

    pub fn is_loopback(&self) -> bool {
        crate::http::is_loopback(&self.authority)
    }
}

/// `https://…` anywhere, `http://…` only on loopback; no credentials, query or fragment.
pub fn parse_authority(text: &str) -> Result<Url, SettingsError> {
    let url = Url::parse(text.trim()).map_err(|error| SettingsError::NotUrl {
        text: crate::report::redact::url_for_display(text),
        reason: error.to_string(),
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SettingsError::Credentials);
    }
    if url.host().is_none() || url.cannot_be_a_base() {
        return Err(SettingsError::NotUrl {
            text: crate::report::redact::url_for_display(text),
            reason: "no host".to_owned(),
        });
    }
    match url.scheme() {
        "https" => {}
        "http" if crate::http::is_loopback(&url) => {}
        _ => return Err(SettingsError::Insecure(text.to_owned())),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(SettingsError::QueryOrFragment(text.to_owned()));
    }
    Ok(url)
}

/// Parses `--timeout`: seconds, whole or decimal, more than 0 and at most 300.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds; write e.g. 10 or 2.5"))?;
    if !seconds.is_finite() || seconds <= 0.0 {
        return Err(format!("`{text}`: the timeout must be more than 0 seconds"));
    }
    let duration = Duration::from_secs_f64(seconds);
    if duration > MAX_TIMEOUT {
        return Err(format!(
            "`{text}`: the timeout must be at most {} seconds",
            MAX_TIMEOUT.as_secs()
        ));
    }
    Ok(duration)
}

/// What a tenant string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantShape {
    /// A GUID or a domain name: usable in a URL path and worth asking about.
    Specific,
    /// `common`, `organizations`, `consumers`: Entra's multi-tenant aliases.
    Alias,
    Invalid,
}

pub fn tenant_shape(tenant: &str) -> TenantShape {
    if ["common", "organizations", "consumers"]
        .iter()
        .any(|alias| tenant.eq_ignore_ascii_case(alias))
    {
        return TenantShape::Alias;
    }
    if is_guid(tenant) || is_domain(tenant) {
        TenantShape::Specific
    } else {
        TenantShape::Invalid
    }
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, length)| {
            group.len() == length && group.chars().all(|c| c.is_ascii_hexdigit())
        })
}

/// A DNS name of at least two labels with an alphabetic top-level label.
fn is_domain(text: &str) -> bool {
    if text.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = text.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|top| top.len() >= 2 && top.chars().all(|c| c.is_ascii_alphabetic()))
}

/// What to do with one record.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Ask Entra.
    Probe {
        tenant: String,
        /// The tenant is the record's `tenantId` (not `--tenant`): findings point at it.
        from_file: bool,
    },
    /// No request: the tenant is missing or unusable; the finding says why.
    Refuse(Finding),
    /// No client id or secret: the shape and rule findings already say so.
    Skip,
}

/// Decides how to probe a record (pure).
pub fn plan(record: &Record, cli_tenant: Option<&str>) -> Plan {
    let has_client_id = client_id(record).is_some_and(|id| !id.trim().is_empty());
    let has_secret =
        client_secret(record).is_some_and(|secret| !secret.expose_secret().trim().is_empty());
    if !has_client_id || !has_secret {
        return Plan::Skip;
    }
    let (tenant, from_file) = match (cli_tenant, record.texts_of(KeyKind::Tenant).next()) {
        (Some(tenant), _) => (tenant, false),
        (None, Some((_, tenant))) => (tenant, true),
        (None, None) => {
            return Plan::Refuse(
                Finding {
                    code: Code::ProbeTenantRequired,
                    key: None,
                    message: "no tenant to probe against: the record has no `tenantId` and no `--tenant` was given, so nothing was sent".to_owned(),
                    help: None,
                    fix: None,
                }
                .help(format!("The probe needs the app's home tenant. {FIND_TENANT} Pass it as `--tenant <id>` or add `tenantId: <id>` to the record.")),
            );
        }
    };
    let key = from_file.then_some("tenantId");
    let named = if from_file {
        format!(
            "`tenantId` is `{tenant}`{}",
            record.origin("tenantId").describe()
        )
    } else {
        format!("`--tenant` is `{tenant}`")
    };
    match tenant_shape(tenant) {
        TenantShape::Specific => Plan::Probe {
            tenant: tenant.to_owned(),
            from_file,
        },
        TenantShape::Alias => Plan::Refuse(
            finding(
                Code::TenantNotSpecific,
                key,
                format!("{named}, a sign-in alias, not a tenant: the probe needs one specific tenant (the app's home tenant, or one where the app has a service principal), so nothing was sent"),
            )
            .help(format!(
                "Entra issues app-only tokens only in a specific tenant. {FIND_TENANT} Use it as {}.",
                tenant_place(from_file)
            )),
        ),
        TenantShape::Invalid => Plan::Refuse(
            finding(
                Code::TenantInvalid,
                key,
                format!("{named}, neither a GUID nor a domain name, so the probe sent nothing"),
            )
            .help(format!("{FIND_TENANT} Use it as {}.", tenant_place(from_file))),
        ),
    }
}

const FIND_TENANT: &str = "Copy the Directory (tenant) ID from the Overview page of the app registration (Azure portal > Microsoft Entra ID > App registrations > your app).";

fn tenant_place(from_file: bool) -> &'static str {
    if from_file {
        "`tenantId`"
    } else {
        "`--tenant`"
    }
}

fn finding(code: Code, key: Option<&str>, message: String) -> Finding {
    Finding {
        code,
        key: key.map(str::to_owned),
        message,
        help: None,
        fix: None,
    }
}

/// What the user needs to know about one record's probe.
pub struct Probed<'a> {
    pub record: &'a Record,
    pub tenant: &'a str,
    pub from_file: bool,
    /// `host[:port]` of the authority.
    pub host: &'a str,
}

/// Turns a verdict into a finding on the key it is about, with Entra's code and description and
/// what to do (pure). Never formats the secret.
pub fn describe(verdict: &Verdict, probed: &Probed<'_>) -> Finding {
    let client = client_id(probed.record).unwrap_or_default();
    let profile = probed.record.profile;
    let resource = profile.probe.resource;
    let tenant = probed.tenant;
    let tenant_key = probed.from_file.then_some("tenantId");
    let secret_origin = secret_source(probed.record.origin("clientSecret"));
    let answer = answer(verdict);
    let paste = paste_advice(probed.record.origin("clientSecret"), profile);
    let (key, message, help) = match verdict.code {
        Code::ProbeOk => (
            None,
            format!("Entra issued a token for {resource} to client `{client}` in tenant `{tenant}`: tenant, client id and secret work (the token was discarded)"),
            not_proved(profile),
        ),
        Code::ProbeTenantNotFound => (
            tenant_key,
            format!("Entra ({}) does not know the tenant `{tenant}`: {answer}", probed.host),
            format!("{FIND_TENANT} Put it in {}. A tenant of a national cloud needs `--cloud usgov` or `--cloud china`.", tenant_place(probed.from_file)),
        ),
        Code::ProbeTenantMalformed => (
            tenant_key,
            format!("Entra rejects `{tenant}` as a tenant identifier: {answer}"),
            format!("{FIND_TENANT} Put it in {}.", tenant_place(probed.from_file)),
        ),
        Code::ProbeClientNotFound => (
            Some("clientId"),
            format!("Entra finds no application `{client}` in tenant `{tenant}`: {answer}"),
            "Copy the Application (client) ID and the Directory (tenant) ID from the same Overview page of the app registration (Microsoft Entra ID > App registrations > your app); if the app is registered in another tenant, probe that one.".to_owned(),
        ),
        Code::ProbeSecretInvalid => (
            Some("clientSecret"),
            format!("Entra rejects the client secret{secret_origin} of client `{client}`: {answer}"),
            format!("The secret is wrong, often the Secret ID copied instead of the Value, or a value cut short. {NEW_SECRET} {paste}"),
        ),
        Code::ProbeSecretExpired => (
            Some("clientSecret"),
            format!("the client secret{secret_origin} of client `{client}` has expired: {answer}"),
            format!("{NEW_SECRET} {paste} Then delete the expired secret from the app registration."),
        ),
        Code::ProbeSecretMissing => (
            Some("clientSecret"),
            format!("Entra received no client secret for client `{client}`: {answer}"),
            format!("{NEW_SECRET} {paste}"),
        ),
        Code::ProbeAppDisabled => (
            Some("clientId"),
            format!("the application `{client}` is disabled in tenant `{tenant}`: {answer}"),
            Code::ProbeAppDisabled.rule().fix.to_owned(),
        ),
        Code::ProbeWrongCloud => (
            tenant_key,
            format!("the tenant `{tenant}` belongs to another cloud than {}: {answer}", probed.host),
            "Pass the cloud the app is registered in: `--cloud usgov` (login.microsoftonline.us), `--cloud china` (login.partner.microsoftonline.cn) or `--cloud public`.".to_owned(),
        ),
        Code::ProbeResourceMissing => (
            tenant_key,
            format!("tenant `{tenant}` has no {resource} service principal, so Entra issues no {resource} token there; the secret was not judged: {answer}"),
            profile.probe.resource_missing_help.replace("{tenant}", tenant),
        ),
        Code::ProbeBlockedByPolicy => (
            None,
            format!("a Conditional Access policy blocked the token request, so the secret was not judged: {answer}"),
            Code::ProbeBlockedByPolicy.rule().fix.to_owned(),
        ),
        Code::ProbeThrottled => (
            None,
            format!("Entra ({}) kept throttling the probe; no verdict on tenant, client id or secret: {answer}", probed.host),
            Code::ProbeThrottled.rule().fix.to_owned(),
        ),
        Code::ProbeUnreachable => (
            None,
            format!("Entra could not be reached or gave no complete answer; no verdict on tenant, client id or secret: {answer}"),
            Code::ProbeUnreachable.rule().fix.to_owned(),
        ),
        _ => (
            None,
            format!("Entra ({}) gave an answer the probe does not classify; no verdict on tenant, client id or secret: {answer}", probed.host),
            Code::ProbeUnexpectedResponse.rule().fix.to_owned(),
        ),
    };
    finding(verdict.code, key, message).help(help)
}

/// What a successful probe does not prove, for the connector.
fn not_proved(profile: &Profile) -> String {
    match &profile.permission {
        Some(permission) => format!(
            "The token proves tenant, client id and secret only. The app registration (account types, the Web redirect URI, the delegated {} `{}` permission, the secret's expiry) is judged by the `registration/*` findings when the probe can read it through Microsoft Graph, or from `--app-registration FILE`; consent in each customer's tenant only its first sign-in through Appmixer proves.",
            permission.resource, permission.scope
        ),
        None => "The token proves tenant, client id and secret only. The app registration (account types, the Web redirect URI, the secret's expiry) is judged by the `registration/*` findings when the probe can read it through Microsoft Graph, or from `--app-registration FILE`; consent to the permissions the connector's components ask for only a first sign-in through Appmixer proves.".to_owned(),
    }
}

/// The record's client id and secret (the keys every connector names alike).
fn client_id(record: &Record) -> Option<&str> {
    record.texts_of(KeyKind::ClientId).next().map(|(_, id)| id)
}

fn client_secret(record: &Record) -> Option<&SecretString> {
    record
        .profile
        .keys_of(KeyKind::ClientSecret)
        .find_map(|key| record.secret(key.name))
}

const NEW_SECRET: &str = "In the Azure portal open Microsoft Entra ID > App registrations > your app > Certificates & secrets, choose New client secret and copy its Value (shown only once; not the Secret ID).";

/// " (from the environment variable `NAME`)": not the `${NAME}` spelling, which is the secret's
/// source text and so masked by the report layer wherever it appears.
pub(crate) fn secret_source(origin: &Origin) -> String {
    match origin {
        Origin::Literal => String::new(),
        Origin::Environment(names) => {
            let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            let noun = if names.len() == 1 {
                "variable"
            } else {
                "variables"
            };
            format!(" (from the environment {noun} {})", names.join(", "))
        }
    }
}

fn paste_advice(origin: &Origin, profile: &Profile) -> String {
    let service = profile.service_id;
    match origin {
        Origin::Environment(names) => {
            let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            format!(
                "Store it in {} (this record reads the secret from there) and as `clientSecret` of `{service}` in the Appmixer Backoffice.",
                names.join(", ")
            )
        }
        Origin::Literal => format!(
            "Paste it as `clientSecret` of `{service}` in the Appmixer Backoffice, and here (better as a `${{NAME}}` reference than written in the file)."
        ),
    }
}

/// "HTTP 401, AADSTS7000222: … (trace id …)", or the account of a non-Entra answer.
pub(crate) fn answer(verdict: &Verdict) -> String {
    let mut parts = Vec::new();
    if let Some(entra) = &verdict.entra {
        let status = verdict
            .status
            .map(|status| format!("HTTP {status}, "))
            .unwrap_or_default();
        parts.push(format!("{status}{}", entra.describe()));
    }
    if let Some(detail) = &verdict.detail {
        parts.push(detail.clone());
    }
    if parts.is_empty()
        && let Some(status) = verdict.status
    {
        parts.push(format!("HTTP {status}"));
    }
    parts.join("; ")
}

/// What the probe did over a whole run, for the report's closing note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// `host[:port]` of the authority asked.
    pub host: String,
    /// Records of `appmixer:azuredevops` seen.
    pub records: usize,
    /// Records Entra was asked about.
    pub probed: usize,
    /// `probe/ok`: tenant, client id and secret proved.
    pub proved: usize,
    /// A definite answer that something is wrong.
    pub rejected: usize,
    /// No verdict (network, throttling, policy, unknown answer).
    pub inconclusive: usize,
    /// Not sent: no usable tenant.
    pub refused: usize,
    /// Not sent: no client id or secret.
    pub skipped: usize,
    /// What the app registration read did, when it was asked for.
    pub registration: Option<crate::registration::Summary>,
}

/// Probes every record of a report and adds the findings to its files. `progress`: draw a bar on
/// standard error (the caller decides it is a terminal).
pub fn run(report: &mut Report, settings: &Settings, progress: bool) -> Summary {
    struct Job<'a> {
        file: usize,
        record: usize,
        tenant: String,
        from_file: bool,
        client_id: &'a str,
        secret: &'a SecretString,
        scope: &'static str,
    }

    let mut summary = Summary::default();
    let mut findings: Vec<Placed> = Vec::new();
    let mut jobs = Vec::new();
    for (file_index, file) in report.files.iter().enumerate() {
        for (record_index, checked) in file.records.iter().enumerate() {
            summary.records += 1;
            match plan(&checked.record, settings.tenant.as_deref()) {
                Plan::Skip => summary.skipped += 1,
                Plan::Refuse(finding) => {
                    summary.refused += 1;
                    findings.push(Placed {
                        file: file_index,
                        record: record_index,
                        finding,
                        severity: None,
                    });
                }
                Plan::Probe { tenant, from_file } => {
                    if let (Some(client_id), Some(secret)) =
                        (client_id(&checked.record), client_secret(&checked.record))
                    {
                        jobs.push(Job {
                            file: file_index,
                            record: record_index,
                            tenant,
                            from_file,
                            client_id,
                            secret,
                            scope: checked.record.profile.probe.scope,
                        });
                    }
                }
            }
        }
    }

    let entra = match Entra::new(settings) {
        Ok(entra) => Some(entra),
        Err(error) => {
            eprintln!("warning: {error}; no record was probed");
            None
        }
    };
    summary.host = entra.as_ref().map_or_else(
        || settings.authority.host_str().unwrap_or_default().to_owned(),
        Entra::host,
    );
    let verdicts: Vec<Verdict> = match &entra {
        Some(entra) => {
            let bar =
                (progress && jobs.len() > PROGRESS_THRESHOLD).then(|| progress_bar(jobs.len()));
            let verdicts = execute(jobs.len(), settings.concurrency, bar.as_ref(), |index| {
                let job = &jobs[index];
                entra.probe(&job.tenant, job.client_id, job.secret, job.scope)
            });
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            verdicts
        }
        None => jobs
            .iter()
            .map(|_| {
                Verdict::new(Code::ProbeUnreachable)
                    .with_detail("the HTTP client could not be set up")
            })
            .collect(),
    };

    for (job, verdict) in jobs.iter().zip(&verdicts) {
        summary.probed += 1;
        if verdict.code == Code::ProbeOk {
            summary.proved += 1;
        } else if outcome::is_inconclusive(verdict.code) {
            summary.inconclusive += 1;
        } else {
            summary.rejected += 1;
        }
        let checked = &report.files[job.file].records[job.record];
        let mut finding = describe(
            verdict,
            &Probed {
                record: &checked.record,
                tenant: &job.tenant,
                from_file: job.from_file,
                host: &summary.host,
            },
        );
        // Entra's text is echoed into messages; make sure it cannot carry the secret back out,
        // neither as it is nor as it was sent (form-encoded, which a proxy may echo).
        let secrets = secret_spellings(job.secret);
        finding.message = crate::report::redact::scrub(&finding.message, &secrets);
        finding.help = finding
            .help
            .map(|help| crate::report::redact::scrub(&help, &secrets));
        findings.push(Placed {
            file: job.file,
            record: job.record,
            finding,
            severity: None,
        });
    }
    if let (Some(online), Some(entra)) = (&settings.registration, &entra) {
        let candidates: Vec<crate::registration::Candidate<'_>> = jobs
            .iter()
            .zip(&verdicts)
            .map(|(job, verdict)| crate::registration::Candidate {
                file: job.file,
                record_index: job.record,
                record: &report.files[job.file].records[job.record].record,
                tenant: &job.tenant,
                from_file: job.from_file,
                client_id: job.client_id,
                secret: job.secret,
                verdict: verdict.code,
            })
            .collect();
        let (placed, registration) =
            online.read(entra, &candidates, settings.timeout, settings.concurrency);
        findings.extend(placed);
        summary.registration = Some(registration);
    }
    drop(jobs);

    attach(report, findings);
    summary
}

/// The secret as it is and as the token request carries it (`application/x-www-form-urlencoded`,
/// where e.g. `~` becomes `%7E`).
pub(crate) fn secret_spellings(secret: &SecretString) -> [SecretString; 2] {
    let encoded: String =
        url::form_urlencoded::byte_serialize(secret.expose_secret().as_bytes()).collect();
    [secret.clone(), SecretString::from(encoded)]
}

/// Runs `count` probes on at most `concurrency` threads (each with one request in flight) and
/// returns the verdicts in order.
fn execute(
    count: usize,
    concurrency: usize,
    bar: Option<&ProgressBar>,
    probe: impl Fn(usize) -> Verdict + Sync,
) -> Vec<Verdict> {
    run_bounded(count, concurrency, bar, probe, || {
        Verdict::new(Code::ProbeUnexpectedResponse)
            .with_detail("the probe of this record stopped on an internal error")
    })
}

/// Runs `count` jobs on at most `concurrency` threads and returns their results in order; a job
/// lost to a panicking worker gets `lost()` rather than taking the run down.
pub(crate) fn run_bounded<T: Send>(
    count: usize,
    concurrency: usize,
    bar: Option<&ProgressBar>,
    job: impl Fn(usize) -> T + Sync,
    lost: impl Fn() -> T,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let workers = concurrency.clamp(1, count.max(1));
    let mut results: Vec<Option<T>> = (0..count).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= count {
                            break;
                        }
                        done.push((index, job(index)));
                        if let Some(bar) = bar {
                            bar.inc(1);
                        }
                    }
                    done
                })
            })
            .collect();
        for handle in handles {
            // A worker that panicked leaves its jobs without a result (filled in below)
            // rather than taking the run down.
            if let Ok(done) = handle.join() {
                for (index, result) in done {
                    results[index] = Some(result);
                }
            }
        }
    });
    results
        .into_iter()
        .map(|result| result.unwrap_or_else(&lost))
        .collect()
}

fn progress_bar(count: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(count as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("probing Entra [{bar:30}] {pos}/{len} records ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// A finding about one record of a report (by index), and its severity when it is not the
/// catalogue's.
pub(crate) struct Placed {
    pub file: usize,
    pub record: usize,
    pub finding: Finding,
    pub severity: Option<Severity>,
}

/// Adds findings to their files as diagnostics located on their key (or the record), skipping
/// any the rules already reported at the same place.
pub(crate) fn attach(report: &mut Report, findings: Vec<Placed>) {
    let mut by_file: Vec<Vec<(usize, Finding, Option<Severity>)>> =
        report.files.iter().map(|_| Vec::new()).collect();
    for placed in findings {
        if let Some(list) = by_file.get_mut(placed.file) {
            list.push((placed.record, placed.finding, placed.severity));
        }
    }
    for (file, findings) in report.files.iter_mut().zip(by_file) {
        if findings.is_empty() {
            continue;
        }
        // The tree is not kept after checking; loading again is cheap next to a network request.
        let loaded = file.source.as_ref().map(document::load);
        for (record_index, finding, severity) in findings {
            let Some(checked) = file.records.get(record_index) else {
                continue;
            };
            let location = match (&file.source, &loaded) {
                (Some(source), Some(loaded)) => {
                    loaded.documents.get(checked.document).map(|root| {
                        let record = pointer::locate(root, &checked.pointer);
                        let target = finding
                            .key
                            .as_deref()
                            .map(|key| pointer::locate(record.node, &pointer::push("", key)))
                            .filter(|found| found.exact);
                        match target {
                            Some(found) => Location::new(
                                source,
                                checked.document,
                                format!("{}{}", checked.pointer, found.pointer),
                                found.node.span.clone(),
                            ),
                            // About the whole record: point at where it starts, not at every line.
                            None => {
                                let start = record.node.span.start;
                                Location::new(
                                    source,
                                    checked.document,
                                    checked.pointer.clone(),
                                    start..start,
                                )
                            }
                        }
                    })
                }
                _ => None,
            };
            let already = file.diagnostics.iter().any(|existing| {
                existing.code == finding.code
                    && existing.location.as_ref().map(|l| &l.pointer)
                        == location.as_ref().map(|l| &l.pointer)
            });
            if already {
                continue;
            }
            let mut diagnostic = Diagnostic::new(finding.code, finding.message);
            if let Some(severity) = severity {
                diagnostic.severity = severity;
            }
            if let Some(help) = finding.help {
                diagnostic = diagnostic.with_help(help);
            }
            if let Some(location) = location {
                diagnostic = diagnostic.at(location);
            }
            file.diagnostics.push(diagnostic);
        }
        file.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(pairs: &[(&str, &str)]) -> Record {
        let mut record = Record::new(&crate::connectors::AZURE_DEVOPS);
        for (key, value) in pairs {
            record.set(key, (*value).to_owned(), Origin::Literal);
        }
        record
    }

    const ID: &str = "11111111-2222-4333-8444-555555555555";
    const SECRET: &str = "Zz9Q~unit.Secret-Value_0123456789abcdef";

    #[test]
    fn tenants_are_shaped() {
        assert_eq!(
            tenant_shape("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
            TenantShape::Specific
        );
        assert_eq!(
            tenant_shape("contoso.onmicrosoft.com"),
            TenantShape::Specific
        );
        assert_eq!(tenant_shape("Contoso.COM"), TenantShape::Specific);
        for alias in ["common", "organizations", "consumers", "COMMON"] {
            assert_eq!(tenant_shape(alias), TenantShape::Alias, "{alias}");
        }
        for invalid in [
            "",
            "contoso",
            "contoso onmicrosoft",
            " contoso.com",
            "a/b.com",
            "x.com?y",
            "x.com#y",
            "..",
            "-x.com",
            "x.c0m",
            "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6",
        ] {
            assert_eq!(tenant_shape(invalid), TenantShape::Invalid, "{invalid:?}");
        }
    }

    #[test]
    fn plans_follow_the_tenant() {
        let with_tenant = record(&[
            ("clientId", ID),
            ("clientSecret", SECRET),
            ("tenantId", "contoso.com"),
        ]);
        assert_eq!(
            plan(&with_tenant, None),
            Plan::Probe {
                tenant: "contoso.com".to_owned(),
                from_file: true
            }
        );
        assert_eq!(
            plan(&with_tenant, Some("fabrikam.com")),
            Plan::Probe {
                tenant: "fabrikam.com".to_owned(),
                from_file: false
            }
        );
        let without = record(&[("clientId", ID), ("clientSecret", SECRET)]);
        match plan(&without, None) {
            Plan::Refuse(finding) => {
                assert_eq!(finding.code, Code::ProbeTenantRequired);
                assert_eq!(finding.key, None);
            }
            other => panic!("{other:?}"),
        }
        let alias = record(&[
            ("clientId", ID),
            ("clientSecret", SECRET),
            ("tenantId", "organizations"),
        ]);
        match plan(&alias, None) {
            Plan::Refuse(finding) => {
                assert_eq!(finding.code, Code::TenantNotSpecific);
                assert_eq!(finding.key.as_deref(), Some("tenantId"));
            }
            other => panic!("{other:?}"),
        }
        let no_secret = record(&[("clientId", ID), ("clientSecret", "  ")]);
        assert_eq!(plan(&no_secret, Some("contoso.com")), Plan::Skip);
        let no_id = record(&[("clientSecret", SECRET), ("tenantId", "contoso.com")]);
        assert_eq!(plan(&no_id, None), Plan::Skip);
    }

    #[test]
    fn findings_never_hold_the_secret_and_point_at_their_key() {
        let record = record(&[
            ("clientId", ID),
            ("clientSecret", SECRET),
            ("tenantId", "contoso.com"),
        ]);
        let probed = Probed {
            record: &record,
            tenant: "contoso.com",
            from_file: true,
            host: "login.microsoftonline.com",
        };
        let keys = [
            (Code::ProbeOk, None),
            (Code::ProbeTenantNotFound, Some("tenantId")),
            (Code::ProbeTenantMalformed, Some("tenantId")),
            (Code::ProbeClientNotFound, Some("clientId")),
            (Code::ProbeSecretInvalid, Some("clientSecret")),
            (Code::ProbeSecretExpired, Some("clientSecret")),
            (Code::ProbeSecretMissing, Some("clientSecret")),
            (Code::ProbeAppDisabled, Some("clientId")),
            (Code::ProbeWrongCloud, Some("tenantId")),
            (Code::ProbeResourceMissing, Some("tenantId")),
            (Code::ProbeBlockedByPolicy, None),
            (Code::ProbeThrottled, None),
            (Code::ProbeUnreachable, None),
            (Code::ProbeUnexpectedResponse, None),
        ];
        for (code, key) in keys {
            let finding = describe(&Verdict::new(code), &probed);
            assert_eq!(finding.code, code);
            assert_eq!(finding.key.as_deref(), key, "{code}");
            let help = finding.help.unwrap_or_default();
            assert!(!finding.message.contains(SECRET) && !help.contains(SECRET));
            assert!(!help.is_empty(), "{code}");
        }
        // From `--tenant`, tenant findings fall back to the record.
        let from_flag = Probed {
            from_file: false,
            ..probed
        };
        assert_eq!(
            describe(&Verdict::new(Code::ProbeTenantNotFound), &from_flag).key,
            None
        );
    }

    #[test]
    fn authorities_are_https_or_loopback_http() {
        for good in [
            "https://login.microsoftonline.com",
            "https://proxy.example/entra/",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000",
            "http://localhost:1234",
            "HTTPS://LOGIN.MICROSOFTONLINE.US",
        ] {
            assert!(parse_authority(good).is_ok(), "{good}");
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "http://0.0.0.0:80",
            "ftp://127.0.0.1",
            "file:///tmp",
            "login.microsoftonline.com",
            "https://user:pw@login.microsoftonline.com",
            "https://login.microsoftonline.com/?x=1",
            "https://login.microsoftonline.com/#x",
            "data:text/plain,x",
            "",
        ] {
            assert!(parse_authority(bad).is_err(), "{bad}");
        }
        let settings = Settings::new(None, Some(Cloud::China), None, None).expect("settings");
        assert_eq!(
            settings.authority.as_str(),
            "https://login.partner.microsoftonline.cn/"
        );
        assert_eq!(settings.expected_cloud, Some("partner.microsoftonline.cn"));
        assert_eq!(settings.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn timeouts_parse() {
        assert_eq!(parse_timeout("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_timeout("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_timeout("3s"), Ok(Duration::from_secs(3)));
        for bad in ["0", "-1", "NaN", "inf", "soon", "301", ""] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }
}
