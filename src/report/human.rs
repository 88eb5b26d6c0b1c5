//! `--format human`: miette's graphical (or narrated) rendering of each diagnostic with the
//! offending source lines, then a summary line.

use std::fmt::{self, Write as _};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, NarratableReportHandler,
    SourceCode,
};

use super::{Graphics, RedactedFile, Style, Summary};
use crate::catalogue::Severity;
use crate::diagnostic::Diagnostic;
use crate::source::SourceText;

/// A diagnostic with its (masked) source, in the shape miette renders.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<NamedSource<String>>,
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
        match (&self.source, &self.diagnostic.location) {
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
            GraphicalReportHandler::new_themed(theme)
                .with_links(style.links)
                .with_width(style.width)
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

pub fn render(files: &[RedactedFile], summary: Summary, style: Style) -> String {
    let mut out = String::new();
    for file in files {
        let source = file.source.as_ref().map(|source| {
            NamedSource::new(&*file.path, source.text.clone()).with_language(match source.format {
                crate::source::Format::Yaml => "yaml",
                crate::source::Format::Json => "json",
            })
        });
        for diagnostic in &file.diagnostics {
            let drawn = file
                .source
                .as_ref()
                .is_some_and(|text| drawable(diagnostic, text));
            let shown = Shown {
                diagnostic,
                source: source.clone().filter(|_| drawn),
                path: &file.path,
            };
            render_one(&shown, style, &mut out);
            out.push('\n');
        }
        for note in &file.notes {
            let mut place = String::new();
            if !note.pointer.is_empty() {
                let _ = write!(place, ", record `{}`", note.pointer);
            }
            if note.document > 0 {
                let _ = write!(place, ", document {}", note.document + 1);
            }
            let _ = writeln!(out, "note: {}{place}: {}\n", file.path, note.message);
        }
    }
    out.push_str(&summary_line(summary));
    out
}

/// The closing line of the human report (alone under `--quiet`).
pub fn summary_line(summary: Summary) -> String {
    format!(
        "{} checked: {}, {}, {}{}.\n",
        plural(summary.files, "file"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info"),
        summary.remarks(),
    )
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
