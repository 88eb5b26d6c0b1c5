//! The outcome of a run, as data: the files checked, their diagnostics and notes, the records kept
//! for the probe, the counts and the exit status they imply. The check produces it, the probe adds
//! to it, the formats render it; none of them needs another to know its shape.

use secrecy::SecretString;

use crate::catalogue::{Code, Severity};
use crate::diagnostic::Diagnostic;
use crate::document::Span;
use crate::record::Record;
use crate::source::SourceText;

/// An `appmixer:azuredevops` record that was checked, kept for the probe.
#[derive(Debug)]
pub struct CheckedRecord {
    pub document: usize,
    /// JSON Pointer of the record in its document (`""` or `/3`).
    pub pointer: String,
    pub record: Record,
}

/// A remark for the human report that is not a diagnostic (no code, no severity), e.g. the exact
/// redirect URI to register when a record has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub document: usize,
    /// JSON Pointer of the record the note is about.
    pub pointer: String,
    pub message: String,
}

/// Everything known about one checked file.
#[derive(Debug)]
pub struct FileReport {
    /// The path shown for the file (`source::shown_path`); `-` for standard input.
    pub path: String,
    /// The text, for snippets; masked by the report layer before it is shown.
    pub source: Option<SourceText>,
    /// Byte ranges of secret values in `source`.
    pub secret_spans: Vec<Span>,
    /// Secret values (as written or resolved), so the report layer can scrub any text it prints.
    pub secrets: Vec<SecretString>,
    pub diagnostics: Vec<Diagnostic>,
    pub records: Vec<CheckedRecord>,
    /// How many records of a supported connector were checked (`records` is emptied when the
    /// probe does not need them; the count stays).
    pub checked_records: usize,
    /// Notes for the human report.
    pub notes: Vec<Note>,
    /// Findings left out by `--ignore`, the project file or inline comments.
    pub suppressed: usize,
    /// Whether the file holds a connector key or a near miss of one (or cannot be told apart
    /// from a configuration: it does not load, or it is empty). A walked file without is skipped.
    pub looks_like_config: bool,
    /// Findings fixed by `check --fix` (or that `--diff` would fix).
    pub fixed: usize,
}

impl FileReport {
    pub fn empty(path: String) -> FileReport {
        FileReport {
            path,
            source: None,
            secret_spans: Vec::new(),
            secrets: Vec::new(),
            diagnostics: Vec::new(),
            records: Vec::new(),
            checked_records: 0,
            notes: Vec::new(),
            suppressed: 0,
            looks_like_config: true,
            fixed: 0,
        }
    }

    /// Orders diagnostics by position, then code, so every format is deterministic.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|location| (location.document, location.span.start, location.span.end))
            };
            key(a).cmp(&key(b)).then(a.code.cmp(&b.code))
        });
    }
}

/// The result of a run.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    /// Files found in a walked directory that are not connector configurations.
    pub skipped: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings left out by suppressions (they never change the exit status).
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
    /// Walked files that are not connector configurations, not checked.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: usize,
    /// Findings fixed by `--fix` (the counts above are what remains).
    #[serde(skip_serializing_if = "is_zero")]
    pub fixed: usize,
    /// Files changed by `--fix`.
    #[serde(skip_serializing_if = "is_zero", rename = "fixedFiles")]
    pub fixed_files: usize,
    /// Records of a supported connector that were checked: none, and nothing was checked.
    #[serde(skip)]
    pub records: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

impl Summary {
    /// The counts of one file.
    pub fn of_file(file: &FileReport) -> Summary {
        let mut summary = Summary {
            files: 1,
            suppressed: file.suppressed,
            fixed: file.fixed,
            fixed_files: usize::from(file.fixed > 0),
            records: file.checked_records,
            ..Summary::default()
        };
        for diagnostic in &file.diagnostics {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }

    /// Adds another summary's counts to this one.
    pub fn add(&mut self, other: Summary) {
        self.files += other.files;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.suppressed += other.suppressed;
        self.skipped += other.skipped;
        self.fixed += other.fixed;
        self.fixed_files += other.fixed_files;
        self.records += other.records;
    }

    /// What the summary line says after the counts: `, 2 suppressed; 2 files skipped: not
    /// connector configurations` (nothing when there is nothing to say).
    pub fn remarks(&self) -> String {
        let mut out = String::new();
        if self.fixed > 0 {
            out.push_str(&format!(
                " remaining after {} applied in {}",
                fixes(self.fixed),
                count(self.fixed_files, "file")
            ));
        }
        if self.suppressed > 0 {
            out.push_str(&format!(", {} suppressed", self.suppressed));
        }
        if self.skipped > 0 {
            out.push_str(&format!(
                "; {} skipped: not connector configurations",
                count(self.skipped, "file")
            ));
        }
        out
    }
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            skipped: self.skipped,
            ..Summary::default()
        };
        for file in &self.files {
            summary.add(Summary::of_file(file));
        }
        summary
    }

    /// Whether a probe was asked for and could not reach a verdict on some record.
    pub fn has_inconclusive_probe(&self) -> bool {
        self.files
            .iter()
            .flat_map(|file| &file.diagnostics)
            .any(|diagnostic| is_inconclusive(diagnostic.code))
    }
}

/// Probe outcomes that are no verdict on the credentials, or on the app registration.
pub fn is_inconclusive(code: Code) -> bool {
    matches!(
        code,
        Code::ProbeThrottled
            | Code::ProbeUnreachable
            | Code::ProbeUnexpectedResponse
            | Code::ProbeBlockedByPolicy
            | Code::RegistrationUnreadable
    )
}

/// The exit status of `check` (see the SPEC's table).
pub fn exit_status(report: &Report, deny_warnings: bool, input_errors: bool) -> u8 {
    exit_status_of(
        report.summary(),
        report.has_inconclusive_probe(),
        deny_warnings,
        input_errors,
    )
}

/// [`exit_status`] from the counts alone (and whether a probe was inconclusive).
pub fn exit_status_of(
    summary: Summary,
    inconclusive_probe: bool,
    deny_warnings: bool,
    input_errors: bool,
) -> u8 {
    if input_errors {
        2
    } else if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        1
    } else if nothing_checked(summary) {
        // A gate that checked nothing must not pass.
        2
    } else if inconclusive_probe {
        3
    } else {
        0
    }
}

/// `1 fix`, `2 fixes`.
pub fn fixes(number: usize) -> String {
    if number == 1 {
        "1 fix".to_owned()
    } else {
        format!("{number} fixes")
    }
}

/// Whether a run found files but no record of a supported connector in them (and no error that
/// would explain it): it checked nothing, and must not pass.
pub fn nothing_checked(summary: Summary) -> bool {
    (summary.files > 0 || summary.skipped > 0) && summary.records == 0 && summary.errors == 0
}

/// What a run that checked nothing says on standard error.
pub fn nothing_checked_message(summary: Summary) -> String {
    let services = crate::connectors::service_ids_listed();
    // With no record checked, every info is a skipped record of another service.
    let skipped = summary.infos;
    format!(
        "nothing was checked: {} held no record of {services}{}",
        count(summary.files, "file"),
        if skipped > 0 {
            format!(
                "; {} of other services {} skipped (`service-id/unsupported` in the report names each)",
                count(skipped, "record"),
                if skipped == 1 { "was" } else { "were" }
            )
        } else {
            String::new()
        }
    )
}

/// `1 file`, `2 files`.
pub fn count(number: usize, word: &str) -> String {
    if number == 1 {
        format!("{number} {word}")
    } else {
        format!("{number} {word}s")
    }
}

/// Whether a diagnostic fails the gate: errors always, warnings under `--deny-warnings`.
pub fn fails_gate(severity: Severity, deny_warnings: bool) -> bool {
    match severity {
        Severity::Error => true,
        Severity::Warning => deny_warnings,
        Severity::Info => false,
    }
}
