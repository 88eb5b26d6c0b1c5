//! Reports: one module per format behind one entry point. Every format receives the files only
//! after `redact_file` has masked secret spans and scrubbed and neutralised every text, so no
//! format can forget to.

pub mod azure;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod redact;
pub mod sarif;
pub mod wrap;

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
    /// The columns messages and help wrap to (at spaces, `wrap`); `None` (not a terminal: a file,
    /// a pipe, a CI log) leaves each on one line.
    pub width: Option<usize>,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            graphics: Graphics::Ascii,
            color: false,
            links: false,
            width: None,
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
    /// Notes (the human format says each once per run; JSON lists them per file), redacted
    /// like messages.
    pub notes: Vec<Cow<'a, Note>>,
}

/// Masks, scrubs and neutralises one file: the choke point between what a file holds and what
/// any format shows. Only the human format shows source snippets; the others get no source at
/// all (`with_sources`), which also spares them the masking work.
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
            path: source.path.clone(),
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

/// Writes a whole report in one format, through the same sink as a streamed run: a chunk of
/// files at a time is redacted and rendered in parallel, then written.
pub fn write_run(
    report: &Report,
    format: Format,
    style: Style,
    run: Run<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut sink = sink(format, style, run.deny_warnings);
    sink.begin(run.input_errors, out)?;
    for chunk in report.files.chunks(CHUNK) {
        let pieces: Vec<(Piece, Summary)> = chunk
            .par_iter()
            .map(|file| {
                let redacted = redact_file(file, sink.with_sources());
                (sink.render(&redacted), Summary::of_file(file))
            })
            .collect();
        for (piece, counts) in pieces {
            sink.write(piece, counts, out)?;
        }
    }
    let summary = report.summary();
    sink.finish(
        &End {
            summary,
            status: exit_status(report, run.deny_warnings, !run.input_errors.is_empty()),
            input_errors: run.input_errors,
        },
        out,
    )
}

/// Files redacted and rendered at once: enough to keep both cores busy, few enough that memory
/// stays flat.
pub const CHUNK: usize = 512;

/// One file's part of a report, rendered on the thread that checked the file.
#[derive(Debug, Default)]
pub struct Piece {
    /// UTF-8 text.
    pub text: Vec<u8>,
    /// Places in `text` (byte offsets, in order) where a value goes that is known only in report
    /// order: SARIF's index of the result's rule, for the code given.
    pub holes: Vec<(usize, crate::catalogue::Code)>,
    /// The human format's notes of the file, said once per run at its end (`human::Notes`).
    pub notes: Vec<human::PlacedNote>,
}

impl From<String> for Piece {
    fn from(text: String) -> Piece {
        Piece {
            text: text.into_bytes(),
            ..Piece::default()
        }
    }
}

/// Appends a value pretty-printed by serde_json as it stands `indent` deep in a larger document:
/// every line after the first is indented too (JSON strings hold no raw line break, so every line
/// break is the printer's). Writing straight into `out` spares a copy and a re-indenting pass.
pub(crate) fn push_pretty(out: &mut Vec<u8>, value: &impl serde::Serialize, indent: &str) {
    out.extend_from_slice(indent.as_bytes());
    let mut writer = Indented {
        out,
        indent: indent.as_bytes(),
    };
    // Serialising plain structs into memory cannot fail.
    let _ = serde_json::to_writer_pretty(&mut writer, value);
}

/// A writer that indents what follows each line break.
struct Indented<'a> {
    out: &'a mut Vec<u8>,
    indent: &'a [u8],
}

impl std::io::Write for Indented<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut rest = bytes;
        while let Some(at) = memchr::memchr(b'\n', rest) {
            self.out.extend_from_slice(&rest[..=at]);
            self.out.extend_from_slice(self.indent);
            rest = &rest[at + 1..];
        }
        self.out.extend_from_slice(rest);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a report's end says about the whole run.
#[derive(Debug, Clone, Copy)]
pub struct End<'a> {
    pub summary: Summary,
    /// The run's exit status.
    pub status: u8,
    /// Every input that could not be checked, found before the files or while reading them.
    pub input_errors: &'a [InputError],
}

/// A format as a run writes it: each file rendered on its own (in parallel, by `render`), written
/// in report order, and only what the end of the document needs kept (counts, the rules that
/// fired), so memory does not grow with the number of files.
pub trait Sink: Sync {
    /// Whether the format shows source snippets: files then keep their (masked) text.
    fn with_sources(&self) -> bool {
        false
    }
    fn render(&self, file: &RedactedFile) -> Piece;
    /// Before the first file; `input_errors` are those known before any file was read.
    fn begin(
        &mut self,
        input_errors: &[InputError],
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()>;
    /// One file's piece, with the file's counts.
    fn write(
        &mut self,
        piece: Piece,
        counts: Summary,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()>;
    /// An input that turned out unreadable when its turn came.
    fn input_error(
        &mut self,
        _error: &InputError,
        _out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        Ok(())
    }
    fn finish(&mut self, end: &End<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()>;
}

/// The sink of a format.
pub fn sink(format: Format, style: Style, deny_warnings: bool) -> Box<dyn Sink> {
    match format {
        Format::Human => Box::new(human::HumanSink::new(style)),
        Format::Json => Box::new(json::JsonSink::default()),
        Format::Sarif => Box::new(sarif::SarifSink::default()),
        Format::Github => Box::new(github::GithubSink),
        Format::Azure => Box::new(azure::AzureSink),
        Format::Junit => Box::new(junit::JunitSink::new(deny_warnings)),
        Format::Gitlab => Box::new(gitlab::GitlabSink::default()),
    }
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
