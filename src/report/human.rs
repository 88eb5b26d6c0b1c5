//! `--format human`: miette's graphical (or narrated) rendering of each diagnostic with the
//! offending source lines, then a summary line.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    NarratableReportHandler, SourceCode, SourceSpan, SpanContents,
};

use super::{End, Graphics, Piece, RedactedFile, Sink, Style, Summary};
use crate::catalogue::Severity;
use crate::diagnostic::Diagnostic;
use crate::source::{InputError, LineIndex, SourceText};

/// A diagnostic with its (masked) source, in the shape miette renders.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<&'a Snippet<'a>>,
    path: &'a str,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shown")
            .field("code", &self.diagnostic.code)
            .finish()
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.source, &self.diagnostic.location) {
            // With a snippet, the path and position are drawn above the source lines.
            (Some(_), Some(_)) => write!(f, "{}", self.diagnostic.message),
            // No snippet (see `drawable`): the headline gives the position instead.
            (None, Some(location)) => write!(
                f,
                "{}:{}:{}: {}",
                self.path, location.start.line, location.start.column, self.diagnostic.message
            ),
            _ => write!(f, "{}: {}", self.path, self.diagnostic.message),
        }
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match (self.source, &self.diagnostic.location) {
            (Some(source), Some(_)) => Some(source as &dyn SourceCode),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let location = self.diagnostic.location.as_ref()?;
        self.source.as_ref()?;
        // The headline already says what is wrong; the underline only has to say where.
        let primary =
            LabeledSpan::new_primary_with_span(None, location.span.start..location.span.end);
        let related = self.diagnostic.related.iter().map(|related| {
            LabeledSpan::new_with_span(
                Some(related.message.clone()),
                related.span.start..related.span.end,
            )
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

fn render_one(shown: &Shown<'_>, style: Style, out: &mut String) {
    let result = match style.graphics {
        Graphics::Narrated => NarratableReportHandler::new().render_report(out, shown),
        Graphics::Unicode | Graphics::Ascii => {
            let theme = match (style.graphics, style.color) {
                (Graphics::Unicode, true) => GraphicalTheme::unicode(),
                (Graphics::Unicode, false) => GraphicalTheme::unicode_nocolor(),
                (_, true) => GraphicalTheme::ascii(),
                (_, false) => GraphicalTheme::none(),
            };
            let handler = GraphicalReportHandler::new_themed(theme)
                .with_links(style.links)
                .with_break_words(false)
                .with_word_separator(super::wrap::separator())
                .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
            match style.width {
                Some(width) => handler.with_width(width),
                None => handler.with_wrap_lines(false),
            }
            .render_report(out, shown)
        }
    };
    if result.is_err() {
        // Rendering into a String only fails on a formatting bug; fall back to one plain line.
        let _ = writeln!(
            out,
            "{}: {}: {}",
            shown.path, shown.diagnostic.code, shown.diagnostic.message
        );
    }
}

/// miette pads the underline under a label with `{:width$}`, and Rust's formatter panics on a
/// width over 65,535: a label that far into one line (a minified JSON file of 1 MB) cannot be
/// drawn. Past this many characters (a tab draws as 4 columns, a wide character as 2), the
/// diagnostic is shown without its snippet.
const MAX_LABEL_COLUMN: usize = 10_000;

/// Whether every label of a diagnostic starts close enough to its line's start to be drawn.
fn drawable(diagnostic: &Diagnostic, source: &SourceText) -> bool {
    let Some(location) = &diagnostic.location else {
        return true;
    };
    location.start.column <= MAX_LABEL_COLUMN
        && location.end.column <= MAX_LABEL_COLUMN
        && diagnostic
            .related
            .iter()
            .all(|related| source.position(related.span.start).column <= MAX_LABEL_COLUMN)
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// A file's masked text as miette reads it, one diagnostic's lines at a time. miette's reader
/// for a whole text counts lines from its first byte for every label, and a `NamedSource` is
/// cloned per diagnostic: both quadratic in a file full of findings. This hands miette only the
/// lines around the span (found with the file's line index), with their offsets and line numbers
/// shifted back, so what it draws is what it would draw from the whole text.
struct Snippet<'a> {
    name: &'a str,
    language: &'static str,
    text: &'a str,
    lines: &'a LineIndex,
}

impl SourceCode for Snippet<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let start = span.offset();
        let end = start.saturating_add(span.len());
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // One line more than miette reads on either side, so its scan of the slice stops where
        // its scan of the whole text would.
        let first_line = self
            .lines
            .line_of(start)
            .saturating_sub(context_lines_before + 1);
        let last_line = self.lines.line_of(end) + context_lines_after + 2;
        let from = self.lines.line_start(first_line).unwrap_or(0);
        let to = self.lines.line_start(last_line).unwrap_or(self.text.len());
        let slice = &self.text[from..to];
        let inner = slice.read_span(
            &SourceSpan::new((start - from).into(), span.len()),
            context_lines_before,
            context_lines_after,
        )?;
        let shifted = SourceSpan::new((inner.span().offset() + from).into(), inner.span().len());
        let contents = MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            shifted,
            inner.line() + first_line,
            inner.column(),
            inner.line_count() + first_line,
        )
        .with_language(self.language);
        Ok(Box::new(contents))
    }
}

/// Findings of one file listed in full; past this many, one line says how many more there are.
/// The machine formats list every one.
pub const SHOWN_PER_FILE: usize = 100;

/// The human report, written as the files arrive: each file's findings drawn on the thread that
/// checked it, the summary line at the end.
#[derive(Debug)]
pub struct HumanSink {
    style: Style,
    /// `--quiet`: nothing but the summary line.
    summary_only: bool,
    /// The run's notes, said at its end.
    notes: Notes,
}

impl HumanSink {
    pub fn new(style: Style) -> HumanSink {
        HumanSink {
            style,
            summary_only: false,
            notes: Notes::default(),
        }
    }

    pub fn summary_only(style: Style) -> HumanSink {
        HumanSink {
            summary_only: true,
            ..HumanSink::new(style)
        }
    }
}

/// A note with the place it is about, as a file's piece carries it to the end of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedNote {
    /// The file, and the record when the file holds several (`a.json, record `/1``).
    pub place: String,
    pub message: String,
}

/// The notes of a run, each said once at its end: the same note for many records (every file
/// without a `redirectUri`) is one note naming a few of them and counting the rest.
#[derive(Debug, Default)]
struct Notes {
    said: Vec<RunNote>,
    /// Where each message is in `said`.
    index: HashMap<String, usize>,
    /// Notes left unsaid past `SHOWN_PER_FILE` different ones, counted.
    more: usize,
}

#[derive(Debug)]
struct RunNote {
    message: String,
    /// The first `PLACES_NAMED` places it is about.
    places: Vec<String>,
    count: usize,
}

/// How many places a note repeated over a run names; the rest are counted.
const PLACES_NAMED: usize = 3;

impl Notes {
    fn add(&mut self, note: PlacedNote) {
        if let Some(&at) = self.index.get(&note.message) {
            let said = &mut self.said[at];
            said.count += 1;
            if said.places.len() < PLACES_NAMED {
                said.places.push(note.place);
            }
        } else if self.said.len() < SHOWN_PER_FILE {
            self.index.insert(note.message.clone(), self.said.len());
            self.said.push(RunNote {
                message: note.message,
                places: vec![note.place],
                count: 1,
            });
        } else {
            self.more += 1;
        }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        for note in &self.said {
            let mut places = note.places.join("; ");
            if note.count > note.places.len() {
                let _ = write!(places, " and {} more", note.count - note.places.len());
            }
            let _ = if note.count == 1 {
                writeln!(out, "note: {places}: {}\n", note.message)
            } else {
                writeln!(
                    out,
                    "note: {} ({places}): {}\n",
                    plural(note.count, "record"),
                    note.message
                )
            };
        }
        if self.more > 0 {
            let _ = writeln!(
                out,
                "note: {} not shown; `--format json` lists every note of every file\n",
                plural(self.more, "more note"),
            );
        }
        out
    }
}

impl Sink for HumanSink {
    fn with_sources(&self) -> bool {
        !self.summary_only
    }

    fn render(&self, file: &RedactedFile) -> Piece {
        if self.summary_only {
            return Piece::default();
        }
        Piece {
            notes: placed_notes(file),
            ..render_file(file, self.style).into()
        }
    }

    fn begin(&mut self, _: &[InputError], _: &mut dyn std::io::Write) -> std::io::Result<()> {
        Ok(())
    }

    fn write(
        &mut self,
        piece: Piece,
        _: Summary,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        for note in piece.notes {
            self.notes.add(note);
        }
        out.write_all(&piece.text)
    }

    fn finish(&mut self, end: &End<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(self.notes.render().as_bytes())?;
        out.write_all(summary_line(end.summary, end.input_errors.len()).as_bytes())
    }
}

/// The closing line of the human report (alone under `--quiet`), given how many inputs could not
/// be checked at all: a run that checked nothing must not read like a pass.
pub fn summary_line(summary: Summary, unchecked: usize) -> String {
    format!("{}.\n", outcome_line(summary, unchecked))
}

/// What a run checked and found, in one line without its full stop: `2 files checked: 1 error,
/// 0 warnings, 0 infos`, `nothing checked: 1 input could not be checked`.
pub fn outcome_line(summary: Summary, unchecked: usize) -> String {
    let could_not = format!("{} could not be checked", plural(unchecked, "input"));
    if summary.files == 0 && unchecked > 0 {
        return format!("nothing checked: {could_not}");
    }
    let mut line = format!(
        "{} checked: {}, {}, {}{}",
        plural(summary.files, "file"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info"),
        summary.remarks(),
    );
    if unchecked > 0 {
        line.push_str("; ");
        line.push_str(&could_not);
    } else if crate::outcome::nothing_checked(summary) {
        line.push_str("; no record of a supported connector, so nothing was checked");
    }
    line
}

/// One file's findings (the first `SHOWN_PER_FILE`); its notes are said at the run's end.
fn render_file(file: &RedactedFile, style: Style) -> String {
    let mut out = String::new();
    let snippet = file.source.as_ref().map(|source| Snippet {
        name: &file.path,
        language: match source.format {
            crate::source::Format::Yaml => "yaml",
            crate::source::Format::Json => "json",
        },
        text: &source.text,
        lines: &source.lines,
    });
    for diagnostic in file.diagnostics.iter().take(SHOWN_PER_FILE) {
        let drawn = file
            .source
            .as_ref()
            .is_some_and(|text| drawable(diagnostic, text));
        let shown = Shown {
            diagnostic,
            source: snippet.as_ref().filter(|_| drawn),
            path: &file.path,
        };
        render_one(&shown, style, &mut out);
        out.push('\n');
    }
    if let Some(more) = file
        .diagnostics
        .len()
        .checked_sub(SHOWN_PER_FILE)
        .filter(|more| *more > 0)
    {
        let _ = writeln!(
            out,
            "{}: {} not shown (the first {SHOWN_PER_FILE} are); `--format json` lists them all\n",
            &*file.path,
            plural(more, "more finding"),
        );
    }
    out
}

/// A file's notes with their places, for the run's end.
fn placed_notes(file: &RedactedFile) -> Vec<PlacedNote> {
    file.notes
        .iter()
        .map(|note| {
            let mut place = file.path.to_string();
            if !note.pointer.is_empty() {
                let _ = write!(place, ", record `{}`", note.pointer);
            }
            if note.document > 0 {
                let _ = write!(place, ", document {}", note.document + 1);
            }
            PlacedNote {
                place,
                message: note.message.clone(),
            }
        })
        .collect()
}

/// The closing note of a `--probe` run: what the probe proved, and what no probe can.
pub fn probe_note(summary: &crate::probe::Summary) -> String {
    let mut out = format!(
        "Probe ({}): asked Entra about {} of {}",
        summary.host,
        summary.probed,
        plural(summary.records, "record"),
    );
    let mut parts = Vec::new();
    if summary.proved > 0 {
        parts.push(format!(
            "{} proved (tenant, client id and secret work)",
            summary.proved
        ));
    }
    if summary.rejected > 0 {
        parts.push(format!("{} with a problem found", summary.rejected));
    }
    if summary.inconclusive > 0 {
        parts.push(format!("{} without a verdict", summary.inconclusive));
    }
    if summary.refused > 0 {
        parts.push(format!("{} not sent (no usable tenant)", summary.refused));
    }
    if summary.skipped > 0 {
        parts.push(format!(
            "{} not sent (no client id or secret)",
            summary.skipped
        ));
    }
    if !parts.is_empty() {
        out.push_str("; ");
        out.push_str(&parts.join(", "));
    }
    out.push_str(".\n");
    if let Some(registration) = &summary.registration {
        out.push_str(&crate::registration::note(registration));
    }
    out.push_str(&crate::registration::not_proved(
        summary.registration.as_ref(),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the snippet reader gives miette is what miette's own reader gives for the whole text:
    /// every span of several texts (line ends of each kind, empty lines, first and last lines),
    /// with as many context lines as miette asks for.
    #[test]
    fn snippets_read_as_the_whole_text_reads() {
        let texts = [
            "a: 1\nb: 2\n\nc: 3\nd: 4\ne: 5\nf: 6\n",
            "one\r\ntwo\r\n\r\nthree\rfour\r\nfive",
            "x",
            "\n\n\nlast: é 🦀\n",
            "k1: v1\nk2: |\n  block one\n  block two\nk3: v3\nk4: v4\nk5: v5\nk6: v6\nk7: v7\n",
        ];
        for text in texts {
            let lines = LineIndex::new(text);
            let snippet = Snippet {
                name: "t.yaml",
                language: "yaml",
                text,
                lines: &lines,
            };
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|at| text.is_char_boundary(*at))
                .collect();
            for (index, &start) in boundaries.iter().enumerate() {
                for &end in &boundaries[index..] {
                    let span = SourceSpan::new(start.into(), end - start);
                    for context in 0..3 {
                        let whole = text.read_span(&span, context, context);
                        let part = snippet.read_span(&span, context, context);
                        match (whole, part) {
                            (Ok(whole), Ok(part)) => {
                                let what = format!("{text:?} {start}..{end} context {context}");
                                assert_eq!(part.data(), whole.data(), "{what}");
                                assert_eq!(part.span(), whole.span(), "{what}");
                                assert_eq!(part.line(), whole.line(), "{what}");
                                assert_eq!(part.column(), whole.column(), "{what}");
                                assert_eq!(part.line_count(), whole.line_count(), "{what}");
                                assert_eq!(part.name(), Some("t.yaml"));
                                assert_eq!(part.language(), Some("yaml"));
                            }
                            (Err(_), Err(_)) => {}
                            (whole, part) => panic!(
                                "{text:?} {start}..{end}: {:?} against {:?}",
                                whole.is_ok(),
                                part.is_ok()
                            ),
                        }
                    }
                }
            }
        }
    }
}
