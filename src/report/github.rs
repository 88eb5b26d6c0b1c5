//! `--format github`: GitHub Actions workflow commands, one line per diagnostic:
//!
//! ```text
//! ::error file=config/azdo.yaml,line=3,col=15,endLine=3,endColumn=51,title=client-id/not-guid::config/azdo.yaml:3:15: message
//! ```
//!
//! The runner turns each line into an annotation on the file. Properties and data are escaped
//! separately, exactly as `@actions/core` (`packages/core/src/command.ts`) escapes them, so a
//! path or message holding `%`, `,`, `:` or a newline cannot end a property early or start a
//! command of its own on the next line.

use std::fmt::Write as _;

use super::{End, Piece, RedactedFile, Sink, Summary};
use crate::catalogue::Severity;
use crate::source::InputError;

/// `escapeData` of `@actions/core`: what follows the closing `::`.
pub fn escape_data(value: &str) -> String {
    super::escape_chars(value, &[('%', "%25"), ('\r', "%0D"), ('\n', "%0A")])
}

/// `escapeProperty` of `@actions/core`: a `key=value` before the `::`, where `,` separates
/// properties and `:` ends them.
pub fn escape_property(value: &str) -> String {
    super::escape_chars(
        value,
        &[
            ('%', "%25"),
            ('\r', "%0D"),
            ('\n', "%0A"),
            (':', "%3A"),
            (',', "%2C"),
        ],
    )
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The workflow commands, a line per finding, written as the files arrive.
#[derive(Debug)]
pub struct GithubSink;

/// A file-less error for an input that could not be read, so the run's failure shows in the
/// job's annotations and not only in its log.
fn input_error_line(error: &InputError) -> String {
    format!(
        "::error title={}::{}\n",
        escape_property("connector-lint"),
        escape_data(&error.to_string())
    )
}

impl Sink for GithubSink {
    fn render(&self, file: &RedactedFile) -> Piece {
        render_file(file).into()
    }

    fn begin(
        &mut self,
        input_errors: &[InputError],
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        for error in input_errors {
            out.write_all(input_error_line(error).as_bytes())?;
        }
        Ok(())
    }

    fn write(
        &mut self,
        piece: Piece,
        _: Summary,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        out.write_all(&piece.text)
    }

    fn input_error(
        &mut self,
        error: &InputError,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        out.write_all(input_error_line(error).as_bytes())
    }

    fn finish(&mut self, _: &End<'_>, _: &mut dyn std::io::Write) -> std::io::Result<()> {
        Ok(())
    }
}

fn render_file(file: &RedactedFile) -> String {
    let mut out = String::new();
    // Standard input has no file to annotate; its findings become file-less annotations.
    let path = (file.path != "-").then_some(&*file.path);
    for diagnostic in &file.diagnostics {
        let mut properties = Vec::new();
        // The message repeats `path:line:col`: the properties only feed the annotation, the
        // log line shows the data alone.
        let mut prefix = String::new();
        if let Some(path) = path {
            properties.push(format!("file={}", escape_property(path)));
            prefix = format!("{path}: ");
        }
        if let Some(location) = &diagnostic.location {
            properties.push(format!("line={}", location.start.line));
            // GitHub takes the columns only within one line (the Actions toolkit's
            // annotation properties say so); a span over several lines gets lines alone.
            let one_line = location.start.line == location.end.line;
            if one_line {
                properties.push(format!("col={}", location.start.column));
            }
            properties.push(format!("endLine={}", location.end.line));
            if one_line {
                properties.push(format!("endColumn={}", location.end.column));
            }
            prefix = format!(
                "{}:{}:{}: ",
                path.unwrap_or("stdin"),
                location.start.line,
                location.start.column
            );
        }
        properties.push(format!(
            "title={}",
            escape_property(diagnostic.code.as_str())
        ));
        let mut message = format!("{prefix}{}", diagnostic.message);
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            command(diagnostic.severity),
            properties.join(","),
            escape_data(&message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(escape_data("50%,a:b;c]\r\nd"), "50%25,a:b;c]%0D%0Ad");
    }

    #[test]
    fn properties_also_escape_separators() {
        assert_eq!(escape_property("a%,b:c;d]\r\n"), "a%25%2Cb%3Ac;d]%0D%0A");
    }

    #[test]
    fn escaping_runs_percent_first() {
        // An escape sequence in the input must survive: `%0A` is data, not a line break.
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_property("%3A"), "%253A");
    }
}
