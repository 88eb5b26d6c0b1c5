//! Reports: one module per format behind one entry point. Every format receives the files only
//! after `redact` has masked secret spans and scrubbed messages, so no format can forget to.

pub mod human;
pub mod json;
pub mod redact;

use crate::catalogue::{Code, Severity};
use crate::check::FileReport;
use crate::diagnostic::Diagnostic;
use crate::source::SourceText;

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// How the human format draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Graphics {
    /// Unicode box drawing (a terminal).
    Unicode,
    /// Plain ASCII (not a terminal).
    Ascii,
    /// Narrated text (`NO_GRAPHICS`), for screen readers.
    Narrated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub graphics: Graphics,
    pub color: bool,
    /// Terminal hyperlinks; only ever on a terminal.
    pub links: bool,
    pub width: usize,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            graphics: Graphics::Ascii,
            color: false,
            links: false,
            width: 100,
        }
    }
}

/// The result of a run.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            files: self.files.len(),
            ..Summary::default()
        };
        for diagnostic in self.files.iter().flat_map(|file| &file.diagnostics) {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
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

/// Probe outcomes that are no verdict on the credentials.
pub fn is_inconclusive(code: Code) -> bool {
    matches!(
        code,
        Code::ProbeThrottled
            | Code::ProbeUnreachable
            | Code::ProbeUnexpectedResponse
            | Code::ProbeBlockedByPolicy
    )
}

/// The exit status of `check` (see the SPEC's table).
pub fn exit_status(report: &Report, deny_warnings: bool, input_errors: bool) -> u8 {
    let summary = report.summary();
    if input_errors {
        2
    } else if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        1
    } else if report.has_inconclusive_probe() {
        3
    } else {
        0
    }
}

/// A file as formats see it: secret spans masked in the text, secrets scrubbed from messages.
#[derive(Debug)]
pub struct RedactedFile {
    pub path: String,
    pub source: Option<SourceText>,
    pub diagnostics: Vec<Diagnostic>,
    /// Notes (human format only), scrubbed like messages.
    pub notes: Vec<crate::check::Note>,
}

/// Masks and scrubs every file of a report.
pub fn redact(report: &Report) -> Vec<RedactedFile> {
    report
        .files
        .iter()
        .map(|file| {
            let source = file.source.as_ref().map(|source| {
                let mut spans = file.secret_spans.clone();
                spans.extend(redact::lexical_secret_spans(&source.text));
                let masked = redact::mask(&source.text, &spans);
                SourceText {
                    name: source.name.clone(),
                    format: source.format,
                    text: masked,
                    lines: source.lines.clone(),
                }
            });
            let diagnostics = file
                .diagnostics
                .iter()
                .map(|diagnostic| {
                    let mut diagnostic = diagnostic.clone();
                    diagnostic.message = redact::scrub(&diagnostic.message, &file.secrets);
                    diagnostic.help = diagnostic
                        .help
                        .map(|help| redact::scrub(&help, &file.secrets));
                    for related in &mut diagnostic.related {
                        related.message = redact::scrub(&related.message, &file.secrets);
                    }
                    diagnostic
                })
                .collect();
            let notes = file
                .notes
                .iter()
                .map(|note| crate::check::Note {
                    message: redact::scrub(&note.message, &file.secrets),
                    ..note.clone()
                })
                .collect();
            RedactedFile {
                path: file.path.clone(),
                source,
                diagnostics,
                notes,
            }
        })
        .collect()
}

/// Renders a whole report in one format.
pub fn render(report: &Report, format: Format, style: Style) -> String {
    let files = redact(report);
    let summary = report.summary();
    match format {
        Format::Human => human::render(&files, summary, style),
        Format::Json => json::render(&files, summary),
    }
}
