//! Reports: one module per format behind one entry point. Every format receives the files only
//! after `redact` has masked secret spans and scrubbed and neutralised every text, so no format
//! can forget to.

pub mod azure;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod redact;
pub mod sarif;

use std::borrow::Cow;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
pub use crate::outcome::{
    FileReport, Note, Report, Summary, count, exit_status, exit_status_of, fails_gate,
    is_inconclusive,
};
use crate::source::{InputError, SourceText};

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning, Azure DevOps SARIF viewer, IDEs).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`).
    Github,
    /// Azure Pipelines logging commands (`##vso[task.logissue ...]`).
    Azure,
    /// JUnit XML: one suite, one test case per file.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

/// What the CI formats need to know about a run beyond its files: how the gate is set and which
/// inputs could not be read. Without it a gate could report success for a run whose exit status
/// says it failed (a missing path), or disagree with `--deny-warnings`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Run<'a> {
    pub deny_warnings: bool,
    /// Inputs that could not be checked at all (exit status 2).
    pub input_errors: &'a [InputError],
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

/// A file as formats see it: secret spans masked in the text, and every text (path, messages,
/// help, pointers, related messages, notes) scrubbed of secrets and neutralised
/// (`redact::Redactor`). Diagnostics and notes are borrowed from the report unless that changed
/// one.
#[derive(Debug)]
pub struct RedactedFile<'a> {
    pub path: Cow<'a, str>,
    pub source: Option<SourceText>,
    pub diagnostics: Vec<Cow<'a, Diagnostic>>,
    /// Notes (human format only), redacted like messages.
    pub notes: Vec<Cow<'a, Note>>,
}

/// Masks and scrubs every file of a report.
///
/// Only the human format shows source snippets; the others get no source at all (`with_sources`),
/// which also spares them the masking work.
pub fn redact(report: &Report, with_sources: bool) -> Vec<RedactedFile<'_>> {
    redact_files(&report.files, with_sources)
}

/// `redact` for some of a report's files.
pub fn redact_files(files: &[FileReport], with_sources: bool) -> Vec<RedactedFile<'_>> {
    files
        .par_iter()
        .map(|file| redact_file(file, with_sources))
        .collect()
}

/// `redact` for one file: the choke point between what a file holds and what any format shows.
pub fn redact_file(file: &FileReport, with_sources: bool) -> RedactedFile<'_> {
    // Every secret value known for the file: from its tree, the environment and the
    // lexical scan (collected when the file was checked, see `secrets::collect`).
    let secrets = &file.secrets;
    let redactor = redact::Redactor::new(secrets);
    let source = file.source.as_ref().filter(|_| with_sources).map(|source| {
        let masked = redact::neutralise_source(redact::mask(&source.text, &file.secret_spans));
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
        .map(|diagnostic| redact_diagnostic(diagnostic, &redactor))
        .collect();
    let notes = file
        .notes
        .iter()
        .map(|note| {
            if !redactor.changes(&note.message) && !redactor.changes(&note.pointer) {
                return Cow::Borrowed(note);
            }
            Cow::Owned(Note {
                message: redactor.text(&note.message).into_owned(),
                pointer: redactor.pointer(&note.pointer).into_owned(),
                ..note.clone()
            })
        })
        .collect();
    RedactedFile {
        path: redactor.text(&file.path),
        source,
        diagnostics,
        notes,
    }
}

/// One diagnostic through the redactor. A diagnostic located below a secret key (a key of the
/// mapping `clientSecret` holds) also has the names of that place masked where its texts quote
/// them, however short.
fn redact_diagnostic<'a>(
    diagnostic: &'a Diagnostic,
    redactor: &redact::Redactor<'_>,
) -> Cow<'a, Diagnostic> {
    let pointer = diagnostic.location.as_ref().map(|l| l.pointer.as_str());
    let below_secret = pointer
        .map(crate::secrets::names_under_secret_key)
        .unwrap_or_default();
    let texts = std::iter::once(diagnostic.message.as_str())
        .chain(diagnostic.help.as_deref())
        .chain(diagnostic.related.iter().map(|r| r.message.as_str()))
        .chain(pointer);
    if below_secret.is_empty() && !texts.into_iter().any(|text| redactor.changes(text)) {
        return Cow::Borrowed(diagnostic);
    }
    // Messages quote keys and values from the file: scrub secrets, and keep control characters
    // (terminal escapes) and CI commands out of every format.
    let clean = |text: &str| redact::scrub_quoted(redactor.text(text), &below_secret).into_owned();
    let mut diagnostic = diagnostic.clone();
    diagnostic.message = clean(&diagnostic.message);
    diagnostic.help = diagnostic.help.map(|help| clean(&help));
    for related in &mut diagnostic.related {
        related.message = clean(&related.message);
    }
    if let Some(location) = &mut diagnostic.location {
        location.pointer = redactor.pointer(&location.pointer).into_owned();
    }
    Cow::Owned(diagnostic)
}

/// Renders a whole report in one format, for a run with no input errors and default gating.
pub fn render(report: &Report, format: Format, style: Style) -> String {
    render_run(report, format, style, Run::default())
}

/// Renders a whole report in one format; the CI formats also report the run's input errors and
/// its gate verdict.
pub fn render_run(report: &Report, format: Format, style: Style, run: Run<'_>) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_run(report, format, style, run, &mut out);
    String::from_utf8(out)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// Writes a whole report in one format. The JSON report is streamed (its size grows with the
/// number of files); the other formats are small enough to build first.
pub fn write_run(
    report: &Report,
    format: Format,
    style: Style,
    run: Run<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let summary = report.summary();
    if format == Format::Json {
        // Redacted and rendered a chunk at a time: the report of ten thousand files never has to
        // exist twice.
        return json::write_report(report, summary, out);
    }
    let files = redact(report, format == Format::Human);
    let status = exit_status(report, run.deny_warnings, !run.input_errors.is_empty());
    let text = match format {
        Format::Json => return json::write(&files, summary, out),
        Format::Human => human::render(&files, summary, style),
        Format::Sarif => sarif::render(&files, run, status),
        Format::Github => github::render(&files, run),
        Format::Azure => azure::render(&files, summary, run, status),
        Format::Junit => junit::render(&files, run),
        Format::Gitlab => gitlab::render(&files),
    };
    out.write_all(text.as_bytes())
}

/// Replaces each listed character by its escape, the shape of every CI command escaping (the
/// GitHub toolkit's and the Azure task library's differ only in their tables).
pub(crate) fn escape_chars(value: &str, table: &[(char, &str)]) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match table.iter().find(|(from, _)| *from == c) {
            Some((_, to)) => out.push_str(to),
            None => out.push(c),
        }
    }
    out
}
