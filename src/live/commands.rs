//! `diff` and `apply`: files against the live Backoffice, and the gated deploy.
//!
//! `apply` follows Terraform's plan and apply: the files are checked exactly as `check` checks
//! them (the same arguments, the project file, `--probe`); anything that would fail that gate
//! refuses the whole apply before a single request reaches the Appmixer API. Then the plan (the
//! diff of every record) is shown, each record that differs is sent with `PUT` (a full replace),
//! read back and compared with what was sent.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use secrecy::SecretString;

use super::diff::{self, RecordDiff};
use super::records::{FileRecord, file_records};
use crate::appmixer::{self, ApiError, Client, LiveRecord};
use crate::check::{EnvLookup, Options};
use crate::cli::{ApplyArgs, DiffArgs, DiffFormat, StdinFormat};
use crate::outcome::{self, Report};
use crate::report::{self, Format, Style};
use crate::rules::RuleContext;
use crate::source::{self, Format as SourceFormat};

/// How a `diff` or an `apply` ended (an `Err` of the API is the other way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `diff`: every record is the same live.
    Same,
    /// `diff`: at least one record differs.
    Different,
    /// `apply`: the check or the plan refused it; nothing was sent.
    Refused,
    /// `apply --dry-run`: the plan was shown; nothing was sent.
    DryRun,
    /// `apply`: the live records already were the files'.
    NothingToApply,
    /// `apply`: every differing record was sent, read back and found as sent.
    Applied,
}

impl Outcome {
    pub fn exit_status(self) -> u8 {
        match self {
            Outcome::Different | Outcome::Refused => 1,
            Outcome::Same | Outcome::DryRun | Outcome::NothingToApply | Outcome::Applied => 0,
        }
    }
}

fn written(result: std::io::Result<()>) -> Result<(), ApiError> {
    match result {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is the reader's choice.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(ApiError::Usage(format!("cannot write the output: {error}"))),
    }
}

/// Files named on the command line, read and checked with `options` (which keep sources and
/// records). A path that cannot be read is a usage error.
fn check_files(
    paths: &[String],
    stdin_format: StdinFormat,
    excludes: &(dyn Fn(&std::path::Path) -> bool + Sync),
    options: &Options,
) -> Result<Report, ApiError> {
    let stdin_format = match stdin_format {
        StdinFormat::Yaml => SourceFormat::Yaml,
        StdinFormat::Json => SourceFormat::Json,
    };
    let (inputs, mut errors) = source::collect_inputs_excluding(paths, stdin_format, excludes);
    let (report, read_errors) = crate::check_inputs(&inputs, options);
    errors.extend(read_errors);
    if errors.is_empty() {
        Ok(report)
    } else {
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        Err(ApiError::Usage(format!(
            "{}; nothing was sent",
            listed.join("; ")
        )))
    }
}

/// Every secret a rendering must not show: the credentials, and the secret values of the files
/// and of the live records.
fn secrets_of(client: &Client, report: &Report, records: &[FileRecord]) -> Vec<SecretString> {
    let mut secrets = client.secrets();
    for file in &report.files {
        secrets.extend(file.secrets.iter().cloned());
    }
    for record in records {
        secrets.extend(record.record.secret_values());
    }
    secrets
}

/// The live record of each file record's service (each read once), compared with it.
fn plan(
    client: &Client,
    records: &[FileRecord],
    secrets: &mut Vec<SecretString>,
) -> Result<(Vec<RecordDiff>, Vec<Option<LiveRecord>>), ApiError> {
    let mut read: Vec<(&str, Option<LiveRecord>)> = Vec::new();
    for record in records {
        let service_id = record.profile.service_id;
        if !read.iter().any(|(id, _)| *id == service_id) {
            let live = client.get(service_id)?;
            if let Some(live) = &live {
                secrets.extend(live.secret_values());
            }
            read.push((service_id, live));
        }
    }
    let mut diffs = Vec::with_capacity(records.len());
    let mut lives = Vec::with_capacity(records.len());
    for record in records {
        let service_id = record.profile.service_id;
        let live = read
            .iter()
            .find(|(id, _)| *id == service_id)
            .and_then(|(_, live)| live.clone());
        diffs.push(diff::compare(
            record,
            live.as_ref(),
            client.record_url(service_id),
            secrets,
        ));
        lives.push(live);
    }
    Ok((diffs, lives))
}

/// A file that does not load cannot be compared or sent: its records would be a part of it.
fn refuse_unloadable(report: &Report) -> Result<(), ApiError> {
    let broken: Vec<String> = report
        .files
        .iter()
        .filter_map(|file| {
            let failure = file
                .diagnostics
                .iter()
                .find(|diagnostic| diagnostic.code.as_str().starts_with("load/"))?;
            let at = failure
                .location
                .as_ref()
                .map(|location| format!(" at {}:{}", location.start.line, location.start.column))
                .unwrap_or_default();
            Some(format!(
                "`{}` does not load ({}{at})",
                file.path, failure.code
            ))
        })
        .collect();
    if broken.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Usage(format!(
            "{}; `connector-lint check` shows why. Nothing was compared",
            broken.join(", ")
        )))
    }
}

/// `diff PATH... --api-url URL`.
pub fn diff(args: &DiffArgs, out: &mut dyn Write) -> Result<Outcome, ApiError> {
    let env: EnvLookup = Arc::new(crate::env::process_environment);
    let client = super::connect(args.api_url.as_deref(), args.timeout, env.as_ref())?;
    let options = Options {
        service: args.service,
        keep_sources: true,
        keep_records: true,
        env: Arc::clone(&env),
        ..Options::default()
    };
    let report = check_files(&args.paths, StdinFormat::Yaml, &|_| false, &options)?;
    refuse_unloadable(&report)?;
    let records = file_records(&report, &env);
    if records.is_empty() {
        return Err(no_records(&args.paths));
    }
    let mut secrets = secrets_of(&client, &report, &records);
    let (diffs, _) = plan(&client, &records, &mut secrets)?;
    let text = match args.format {
        DiffFormat::Human => diff::render_human(&diffs),
        DiffFormat::Json => diff::render_json(&diffs, &appmixer::display_base(client.base())),
    };
    written(out.write_all(text.as_bytes()))?;
    Ok(if diffs.iter().any(RecordDiff::differs) {
        Outcome::Different
    } else {
        Outcome::Same
    })
}

fn no_records(paths: &[String]) -> ApiError {
    ApiError::Nothing(format!(
        "{} hold no record of {}",
        paths.join(", "),
        crate::connectors::service_ids_listed()
    ))
}

/// `apply PATH... --api-url URL [--dry-run] [check options]`. `out` takes the check report and
/// the plan (the plan goes to `err` when the report is in a machine format, which must stay
/// alone on standard output).
pub fn apply(
    args: &ApplyArgs,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome, ApiError> {
    let check = &args.check;
    if check.live {
        return Err(ApiError::Usage(
            "apply takes files; `check --live` checks the live records".to_owned(),
        ));
    }
    if check.paths.is_empty() {
        return Err(ApiError::Usage(
            "apply needs the files to apply, e.g. `connector-lint apply config/azdo.yaml --api-url URL --dry-run`".to_owned(),
        ));
    }
    if check.output.is_some() {
        return Err(ApiError::Usage(
            "apply writes its report and plan to standard output; --output is for `check`"
                .to_owned(),
        ));
    }
    let cwd = std::env::current_dir()
        .map_err(|error| ApiError::Usage(format!("cannot read the working directory: {error}")))?;
    let settings = crate::config::resolve(check, &cwd).map_err(ApiError::Usage)?;
    let deny_warnings = settings.deny_warnings;
    let env: EnvLookup = Arc::new(crate::env::process_environment);
    // The URL the records go to, and the credentials: refused here, before anything is read or
    // sent.
    let client = super::connect(
        settings.api_url.as_ref().map(url::Url::as_str),
        check.timeout,
        env.as_ref(),
    )?;
    let probe_settings = if check.probe {
        Some(
            crate::probe::Settings::new(
                check.tenant.clone(),
                check.cloud,
                check.authority.as_deref(),
                check.timeout,
            )
            .map_err(|error| ApiError::Usage(error.to_string()))?,
        )
    } else {
        None
    };
    let registrations = check
        .app_registration
        .as_deref()
        .map(crate::registration::file::load)
        .transpose()
        .map_err(|error| ApiError::Usage(error.to_string()))?;
    let service = check.file_service().map_err(ApiError::Usage)?;
    let options = Options {
        max_file_size: check.max_file_size,
        rules: RuleContext {
            api_url: Some(client.base().clone()),
        },
        keep_sources: true,
        keep_records: true,
        service,
        policy: Arc::new(settings.policy.clone()),
        allow_unset_env: settings.allow_unset_env,
        ..Options::default()
    };
    let mut report = check_files(
        &check.paths,
        check.stdin_format,
        &|path| settings.excludes(path),
        &options,
    )?;
    let probe_summary = probe_settings
        .as_ref()
        .map(|settings| crate::probe::run(&mut report, settings, std::io::stderr().is_terminal()));
    let registration_summary = registrations.as_ref().map(|file| {
        let registration_settings = crate::registration::Settings::at_now(
            Some(client.base().clone()),
            settings.expiry_warning,
        );
        crate::registration::check_file(&mut report, file, &registration_settings)
    });

    let format = Format::from(check.format);
    let run = report::Run {
        deny_warnings,
        input_errors: &[],
    };
    written(report::write_run(&report, format, style, run, out))?;
    if format == Format::Human {
        if let Some(summary) = &probe_summary {
            written(out.write_all(report::human::probe_note(summary).as_bytes()))?;
        }
        if let Some(summary) = &registration_summary {
            written(out.write_all(crate::registration::note(summary).as_bytes()))?;
        }
    }
    let log: &mut dyn Write = if format == Format::Human { out } else { err };
    let base = appmixer::display_base(client.base());

    // The gate: what would fail `check` fails the apply, before any request to the API.
    let status = outcome::exit_status(&report, deny_warnings, false);
    if status != 0 {
        let why = match status {
            3 => "a requested probe reached no verdict",
            _ if deny_warnings => "the check found errors or warnings (--deny-warnings)",
            _ => "the check found errors",
        };
        written(writeln!(
            log,
            "\napply refused: {why}; nothing was sent to {base}."
        ))?;
        return Ok(Outcome::Refused);
    }
    refuse_unloadable(&report)?;
    let records = file_records(&report, &env);
    if records.is_empty() {
        return Err(no_records(&check.paths));
    }
    if let Some(refusal) = plan_refusal(&records) {
        written(writeln!(
            log,
            "\napply refused: {refusal}; nothing was sent to {base}."
        ))?;
        return Ok(Outcome::Refused);
    }

    let mut secrets = secrets_of(&client, &report, &records);
    let (diffs, _) = plan(&client, &records, &mut secrets)?;
    written(writeln!(
        log,
        "\nPlan for {base} (a PUT replaces the whole record: keys that are live but not in the file disappear):\n"
    ))?;
    written(log.write_all(diff::render_human(&diffs).as_bytes()))?;
    let to_send: Vec<(&FileRecord, &RecordDiff)> = records
        .iter()
        .zip(&diffs)
        .filter(|(_, diff)| diff.differs())
        .collect();
    if to_send.is_empty() {
        written(writeln!(
            log,
            "Nothing to apply: the Backoffice already holds these records."
        ))?;
        return Ok(Outcome::NothingToApply);
    }
    if args.dry_run {
        for (record, diff) in &to_send {
            written(writeln!(
                log,
                "Would send PUT {} (secrets masked):\n{}\n",
                diff.url,
                record.record.masked_json()
            ))?;
        }
        written(writeln!(
            log,
            "--dry-run: nothing was sent. Run the same command without --dry-run to apply {}.",
            outcome::count(to_send.len(), "record")
        ))?;
        return Ok(Outcome::DryRun);
    }
    for (record, diff) in &to_send {
        let service_id = record.profile.service_id;
        client.put(service_id, &record.record)?;
        let stored = client.get(service_id)?;
        verify(record, stored.as_ref(), diff, &secrets)?;
        written(writeln!(
            log,
            "Applied {}: read back, it holds the file's record.",
            diff.url
        ))?;
    }
    written(writeln!(
        log,
        "{} applied to {base}.",
        outcome::count(to_send.len(), "record")
    ))?;
    Ok(Outcome::Applied)
}

/// What makes a plan impossible to apply as it stands, though the check passed.
fn plan_refusal(records: &[FileRecord]) -> Option<String> {
    // `--allow-unset-env` lets a check pass with unset variables; their values cannot be sent.
    let unresolved: Vec<String> = records
        .iter()
        .flat_map(|record| {
            record.unresolved.iter().flat_map(move |(key, names)| {
                names
                    .iter()
                    .map(move |name| format!("`{key}` of {} needs `${{{name}}}`", record.place()))
            })
        })
        .collect();
    if !unresolved.is_empty() {
        return Some(format!("{}, which is not set", unresolved.join(", ")));
    }
    // A PUT replaces the whole record: two records of one service would overwrite each other.
    for (index, record) in records.iter().enumerate() {
        if let Some(other) = records[..index]
            .iter()
            .find(|other| other.profile == record.profile)
        {
            return Some(format!(
                "{} and {} are both records of `{}`, and a PUT replaces the whole record: keep one",
                other.place(),
                record.place(),
                record.profile.service_id
            ));
        }
    }
    None
}

/// The record read back after a `PUT` holds every key sent, with the value sent. Keys the API
/// adds of its own are not a failure.
fn verify(
    record: &FileRecord,
    stored: Option<&LiveRecord>,
    sent: &RecordDiff,
    secrets: &[SecretString],
) -> Result<(), ApiError> {
    let read_back = diff::compare(record, stored, sent.url.clone(), secrets);
    let missing: Vec<String> = read_back
        .changes
        .iter()
        .filter(|change| change.change != diff::Change::OnlyLive)
        .map(|change| format!("`{}`", change.key))
        .collect();
    if stored.is_none() {
        return Err(ApiError::Unexpected(format!(
            "PUT {} was accepted, but reading it back finds no record",
            sent.url
        )));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Unexpected(format!(
            "PUT {} was accepted, but reading it back finds {} not as sent; the Backoffice may have changed it, or the API stores records differently than documented",
            sent.url,
            missing.join(", ")
        )))
    }
}
