//! The app registration: is the Entra app set up as the connector's setup guide says? Its account
//! types, the Web redirect URI, the delegated permission, public client flows, whether Microsoft
//! disabled it, and the expiry of the very secret the record holds.
//!
//! Built in layers, like the probe:
//! - `model`: the Graph application object, lenient where sources vary;
//! - `checks`: pure verdicts, held to the record's connector profile, with the clock as an input;
//! - `file`: `--app-registration FILE` (the output of `az ad app show`), read before anything is
//!   sent;
//! - the Graph edge (through `--probe`), which hands every answer to the same checks.
//!
//! A credential's `hint` is the first three characters of its secret: it is held as a secret,
//! never formatted, and scrubbed (with the secret and any token) from every text that came from
//! outside before it reaches a message.

pub mod answer;
pub mod checks;
pub mod file;
pub mod graph;
pub mod model;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use url::Url;

use crate::catalogue::{Code, Severity};
use crate::connectors::KeyKind;
use crate::outcome::Report;
use crate::probe::Placed;
use crate::record::{FieldValue, Record};
use crate::rules::Finding;

pub use checks::{Callback, Context};
pub use file::{FileError, Registrations};
pub use model::Application;

/// `--expiry-warning` when not given, in days.
pub const DEFAULT_EXPIRY_WARNING_DAYS: u32 = 30;

/// The longest `--expiry-warning` accepted: ten years is longer than any secret lives.
const MAX_EXPIRY_WARNING_DAYS: u32 = 3650;

/// Parses `--expiry-warning`: a whole number of days, 0 to 3650.
pub fn parse_expiry_warning(text: &str) -> Result<u32, String> {
    let days: u32 = text
        .trim()
        .trim_end_matches('d')
        .parse()
        .map_err(|_| format!("`{text}` is not a number of days; write e.g. 30"))?;
    if days > MAX_EXPIRY_WARNING_DAYS {
        return Err(format!(
            "`{text}`: the warning window must be at most {MAX_EXPIRY_WARNING_DAYS} days"
        ));
    }
    Ok(days)
}

/// A finding about a registration, with the severity it has for this record (the profile decides
/// some: a missing permission is an error for one connector and a warning for another).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationFinding {
    pub finding: Finding,
    pub severity: Severity,
}

/// What every registration check of a run shares.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--api-url`: the expected callback is derived from it.
    pub api_url: Option<Url>,
    pub expiry_warning_days: u32,
    /// The clock, read once per run by the caller.
    pub now: OffsetDateTime,
}

impl Settings {
    /// The settings of a run, with the clock read now (the edge where it is read).
    pub fn at_now(api_url: Option<Url>, expiry_warning_days: Option<u32>) -> Settings {
        Settings {
            api_url,
            expiry_warning_days: expiry_warning_days.unwrap_or(DEFAULT_EXPIRY_WARNING_DAYS),
            now: OffsetDateTime::now_utc(),
        }
    }
}

/// What the registration checks did over a run, for the report's closing note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// "Microsoft Graph (graph.microsoft.com)", "`app.json`".
    pub source: String,
    /// Records whose registration was looked for.
    pub records: usize,
    /// `registration/ok`.
    pub matched: usize,
    /// At least one warning or error about the registration.
    pub problems: usize,
    /// `registration/unreadable`.
    pub unreadable: usize,
    /// Not looked at, and why (one reason per kind, with how many records).
    pub not_read: Vec<(String, usize)>,
}

impl Summary {
    fn count(&mut self, findings: &[RegistrationFinding]) {
        if findings
            .iter()
            .any(|finding| finding.finding.code == Code::RegistrationUnreadable)
        {
            self.unreadable += 1;
        } else if findings.iter().any(|finding| {
            finding.severity > Severity::Info && finding.finding.code != Code::RegistrationOk
        }) {
            self.problems += 1;
        } else if findings
            .iter()
            .any(|finding| finding.finding.code == Code::RegistrationOk)
        {
            self.matched += 1;
        }
    }

    /// Counts a record whose registration was not looked at, for `reason`.
    pub fn not_read(&mut self, reason: &str) {
        match self.not_read.iter_mut().find(|(known, _)| known == reason) {
            Some((_, count)) => *count += 1,
            None => self.not_read.push((reason.to_owned(), 1)),
        }
    }
}

/// Scrubs what came from outside (Graph's answers, a registration file) before it is shown: the
/// record's secret (as written and form-encoded), any token sent, and every fragment of a secret
/// the registration holds (each credential's `hint`, and the first three characters of the
/// record's secret, which is what a matching hint would be).
pub struct Scrubber {
    secrets: Vec<SecretString>,
    fragments: Vec<SecretString>,
}

impl Scrubber {
    pub fn for_record(
        record: &Record,
        app: Option<&Application>,
        token: Option<&SecretString>,
    ) -> Scrubber {
        let mut secrets = Vec::new();
        let mut fragments = Vec::new();
        for key in record.profile.keys_of(KeyKind::ClientSecret) {
            if let Some(FieldValue::Secret(secret)) = record.value(key.name) {
                secrets.extend(crate::probe::secret_spellings(secret));
                fragments.push(checks::hint_of(secret));
            }
        }
        if let Some(token) = token {
            secrets.push(token.clone());
        }
        let credentials = app
            .and_then(|app| app.password_credentials.value())
            .into_iter()
            .flatten();
        for credential in credentials {
            if let Some(text) = credential.secret_text.value() {
                secrets.push(text.clone());
            }
            if let Some(hint) = credential.hint.value() {
                fragments.push(hint.clone());
            }
        }
        fragments.retain(|fragment| !fragment.expose_secret().is_empty());
        Scrubber { secrets, fragments }
    }

    /// `raw` without any secret or fragment of one, on one line of at most `max_chars`.
    pub fn text(&self, raw: &str, max_chars: usize) -> String {
        let scrubbed = crate::report::redact::scrub(raw, &self.secrets);
        let scrubbed = crate::report::redact::scrub_fragments(&scrubbed, &self.fragments);
        crate::probe::classify::one_line(
            &crate::probe::classify::mask_form_secret(&scrubbed),
            max_chars,
        )
    }

    /// A whole message or help text: only the full secrets (the text is ours, and a fragment of
    /// three characters may stand in it by chance, revealing nothing).
    fn guard(&self, text: &str) -> String {
        crate::report::redact::scrub(text, &self.secrets)
    }
}

/// `registration/unreadable` for a record: why there is no verdict and what to do.
pub fn unreadable(record: &Record, why: String, what_to_do: String) -> RegistrationFinding {
    let key = record
        .profile
        .keys_of(KeyKind::ClientId)
        .next()
        .map(|key| key.name.to_owned());
    RegistrationFinding {
        finding: Finding {
            code: Code::RegistrationUnreadable,
            key,
            message: why,
            help: Some(what_to_do),
            fix: None,
        },
        severity: Code::RegistrationUnreadable.severity(),
    }
}

/// The record's client id, trimmed, when it is a GUID (anything else is the rules' to report).
pub fn client_id(record: &Record) -> Option<&str> {
    record
        .texts_of(KeyKind::ClientId)
        .next()
        .map(|(_, id)| id.trim())
        .filter(|id| crate::rules::is_guid(id))
}

/// Judges one record against its application object.
pub fn judge(
    app: &Application,
    record: &Record,
    settings: &Settings,
    source: &str,
    secret_proved: bool,
    token: Option<&SecretString>,
) -> Vec<RegistrationFinding> {
    let scrubber = Scrubber::for_record(record, Some(app), token);
    let callback = checks::expected_callback(record, settings.api_url.as_ref());
    let context = Context {
        callback: callback.as_ref(),
        now: settings.now,
        expiry_warning_days: settings.expiry_warning_days,
        secret_proved,
        source,
        scrubber: &scrubber,
    };
    let mut findings = checks::check(app, record, &context);
    for finding in &mut findings {
        finding.finding.message = scrubber.guard(&finding.finding.message);
        finding.finding.help = finding
            .finding
            .help
            .as_deref()
            .map(|help| scrubber.guard(help));
    }
    findings
}

/// `--app-registration FILE`: judges every record of the report against the file (nothing is
/// sent anywhere) and adds the findings.
pub fn check_file(
    report: &mut Report,
    registrations: &Registrations,
    settings: &Settings,
) -> Summary {
    let source = format!("`{}`", registrations.path);
    let mut summary = Summary {
        source: source.clone(),
        ..Summary::default()
    };
    let mut placed = Vec::new();
    for (file_index, file) in report.files.iter().enumerate() {
        for (record_index, checked) in file.records.iter().enumerate() {
            let record = &checked.record;
            summary.records += 1;
            let Some(client_id) = client_id(record) else {
                summary.not_read("no client id to look for");
                continue;
            };
            let findings = match registrations.find(client_id) {
                Some(app) => judge(app, record, settings, &source, false, None),
                None => vec![unreadable(
                    record,
                    format!(
                        "the app `{client_id}` is not in {source} (which holds {}): no verdict on its registration",
                        registrations.listed_ids()
                    ),
                    format!(
                        "Add it to the file: `az ad app show --id {client_id}` prints it (a file may hold a list of apps), or check that `clientId` is the Application (client) ID of the app you exported."
                    ),
                )],
            };
            summary.count(&findings);
            placed.extend(findings.into_iter().map(|finding| Placed {
                file: file_index,
                record: record_index,
                finding: finding.finding,
                severity: Some(finding.severity),
            }));
        }
    }
    crate::probe::attach(report, placed);
    summary
}

/// The registration read through `--probe`.
#[derive(Debug, Clone)]
pub struct Online {
    /// `None`: no Graph to ask (an `--authority` of no known cloud, and no `--graph-url`).
    pub endpoint: Option<graph::Endpoint>,
    pub settings: Settings,
}

/// A record the probe sent, with the verdict on its credentials.
pub struct Candidate<'a> {
    pub file: usize,
    pub record_index: usize,
    pub record: &'a Record,
    pub tenant: &'a str,
    /// The tenant is the record's `tenantId` (not `--tenant`).
    pub from_file: bool,
    pub client_id: &'a str,
    pub secret: &'a SecretString,
    /// The probe's verdict on the connector's token.
    pub verdict: Code,
}

/// Why a record's registration is not read after its probe, or `None` to read it: only
/// credentials that got a token (or may well have: no service principal of the resource in the
/// tenant says nothing against them) are worth a Graph token.
fn not_read_after(verdict: Code) -> Option<&'static str> {
    match verdict {
        Code::ProbeOk | Code::ProbeResourceMissing => None,
        code if crate::outcome::is_inconclusive(code) => Some("the probe reached no verdict"),
        _ => Some("the credentials got no token"),
    }
}

impl Online {
    /// Reads the registration of every candidate whose credentials worked (one Graph token and
    /// one read per app and tenant, at most `concurrency` at once) and judges it. Returns the
    /// findings, placed on their records, and what was done.
    pub(crate) fn read(
        &self,
        entra: &crate::probe::entra::Entra,
        candidates: &[Candidate<'_>],
        timeout: std::time::Duration,
        concurrency: usize,
    ) -> (Vec<Placed>, Summary) {
        let mut summary = Summary {
            records: candidates.len(),
            ..Summary::default()
        };
        let Some(endpoint) = &self.endpoint else {
            summary.source = "Microsoft Graph".to_owned();
            for _ in candidates {
                summary.not_read(
                    "`--authority` names no cloud whose Graph is known; pass `--graph-url`",
                );
            }
            return (Vec::new(), summary);
        };
        let graph = match graph::Graph::new(endpoint.clone(), timeout) {
            Ok(graph) => graph,
            Err(error) => {
                summary.source = "Microsoft Graph".to_owned();
                for _ in candidates {
                    summary.not_read(&format!("the HTTP client could not be set up: {error}"));
                }
                return (Vec::new(), summary);
            }
        };
        let host = graph.host();
        summary.source = format!("Microsoft Graph, {host}");
        let source = format!("Microsoft Graph ({host})");
        let mut readable = Vec::new();
        for candidate in candidates {
            match (
                not_read_after(candidate.verdict),
                client_id(candidate.record),
            ) {
                (Some(reason), _) => summary.not_read(reason),
                (None, None) => summary.not_read("no client id to look for"),
                (None, Some(_)) => readable.push(candidate),
            }
        }
        let judged = crate::probe::run_bounded(
            readable.len(),
            concurrency,
            None,
            |index| Some(self.judge_read(&graph, entra, readable[index], &source, &host)),
            || None,
        );
        let mut placed = Vec::new();
        for (candidate, findings) in readable.iter().zip(judged) {
            let findings = findings.unwrap_or_else(|| vec![stopped(candidate.record)]);
            summary.count(&findings);
            placed.extend(findings.into_iter().map(|finding| Placed {
                file: candidate.file,
                record: candidate.record_index,
                finding: finding.finding,
                severity: Some(finding.severity),
            }));
        }
        (placed, summary)
    }

    /// Reads (or waits for the read of) one candidate's registration and judges it.
    fn judge_read(
        &self,
        graph: &graph::Graph,
        entra: &crate::probe::entra::Entra,
        candidate: &Candidate<'_>,
        source: &str,
        host: &str,
    ) -> Vec<RegistrationFinding> {
        let client_id = candidate.client_id.trim();
        let cell = graph.read(entra, candidate.tenant, client_id, candidate.secret);
        match cell.get() {
            // An answer about another app (a proxy's mix-up) says nothing about this one.
            Some(graph::Read::App { app, token })
                if app
                    .app_id
                    .value()
                    .is_some_and(|id| !id.trim().eq_ignore_ascii_case(client_id)) =>
            {
                let scrubber = Scrubber::for_record(candidate.record, Some(app), Some(token));
                let returned = app
                    .app_id
                    .value()
                    .map(|id| scrubber.text(id, 60))
                    .unwrap_or_default();
                vec![unreadable(
                    candidate.record,
                    format!(
                        "Microsoft Graph ({host}) answered the read of `{client_id}` with the application `{returned}`, so no verdict on the app registration"
                    ),
                    format!(
                        "Check what stands between this machine and Graph (`--graph-url`, a proxy). Or check the registration offline: `az ad app show --id {client_id} > app.json`, then `--app-registration app.json`."
                    ),
                )]
            }
            // The Graph token came from the record's secret: the secret is one of the app's.
            Some(graph::Read::App { app, token }) => judge(
                app,
                candidate.record,
                &self.settings,
                source,
                true,
                Some(token),
            ),
            Some(graph::Read::Unread { unread, token }) => {
                let scrubber = Scrubber::for_record(candidate.record, None, token.as_ref());
                let asked = answer::Asked {
                    tenant: candidate.tenant,
                    from_file: candidate.from_file,
                    client_id,
                    host,
                };
                let (why, what_to_do) = answer::describe(unread, &asked, &scrubber);
                vec![unreadable(
                    candidate.record,
                    scrubber.guard(&why),
                    scrubber.guard(&what_to_do),
                )]
            }
            None => vec![stopped(candidate.record)],
        }
    }
}

/// No verdict because the read itself failed inside connector-lint.
fn stopped(record: &Record) -> RegistrationFinding {
    unreadable(
        record,
        "the registration read of this record stopped on an internal error; no verdict on the app registration".to_owned(),
        "Run the probe again; if it happens again, check the registration offline with `--app-registration FILE`.".to_owned(),
    )
}

/// The probe note's last line: what no probe proved in this run. Consent is never proved (it is
/// given in each customer's tenant, at the first sign-in); the registration is, where it was read.
pub fn not_proved(registration: Option<&Summary>) -> String {
    let consent = "consent: each customer's tenant consents to the connector's delegated permissions (such as `user_impersonation`) at its first sign-in through Appmixer, which is what proves it";
    let read = registration.is_some_and(|summary| summary.matched + summary.problems > 0);
    if read {
        format!("Not proved by any probe: {consent}.\n")
    } else {
        format!(
            "Not proved by any probe: the app registration (its account types, the Web redirect URI, the delegated permission, the secret's expiry), which was not read (`--app-registration FILE` checks it offline), nor {consent}.\n"
        )
    }
}

/// The closing note of the human report: what the registration checks covered, and what no check
/// of connector-lint proves.
pub fn note(summary: &Summary) -> String {
    let mut out = format!(
        "App registration ({}): {} looked at",
        summary.source,
        crate::outcome::count(summary.records, "record")
    );
    let mut parts = Vec::new();
    if summary.matched > 0 {
        parts.push(format!("{} matching the setup guide", summary.matched));
    }
    if summary.problems > 0 {
        parts.push(format!("{} with a problem found", summary.problems));
    }
    if summary.unreadable > 0 {
        parts.push(format!("{} without a verdict", summary.unreadable));
    }
    for (reason, count) in &summary.not_read {
        parts.push(format!("{count} not read ({reason})"));
    }
    if !parts.is_empty() {
        out.push_str("; ");
        out.push_str(&parts.join(", "));
    }
    out.push_str(".\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_warnings_parse() {
        assert_eq!(parse_expiry_warning("30"), Ok(30));
        assert_eq!(parse_expiry_warning("0"), Ok(0));
        assert_eq!(parse_expiry_warning("14d"), Ok(14));
        for bad in ["-1", "soon", "3651", "", "1.5"] {
            assert!(parse_expiry_warning(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scrubbing_removes_hints_secrets_and_tokens() {
        let mut record = Record::new(&crate::connectors::AZURE_DEVOPS);
        record.set(
            "clientSecret",
            "Zq7Q~unit.Secret-Value_0123456789abcdef".to_owned(),
            crate::record::Origin::Literal,
        );
        let app: Application =
            model::parse(br#"{"passwordCredentials":[{"hint":"Ab1"},{"hint":""},{"hint":null}]}"#)
                .expect("app");
        let token = SecretString::from("eyJ0eXAiOiJKV1QiLCJhbGciOi.token".to_owned());
        let scrubber = Scrubber::for_record(&record, Some(&app), Some(&token));
        let text = scrubber.text(
            "x Zq7Q~unit.Secret-Value_0123456789abcdef Ab1 Zq7 eyJ0eXAiOiJKV1QiLCJhbGciOi.token client_secret=abc\u{1b}[2J",
            400,
        );
        for gone in ["Zq7", "Ab1", "eyJ0", "abc", "\u{1b}"] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
        assert!(text.starts_with("x "));
    }
}
