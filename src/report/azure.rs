//! `--format azure`: Azure Pipelines logging commands, one `task.logissue` per error or warning,
//! then one `task.complete` with the gate's verdict:
//!
//! ```text
//! ##vso[task.logissue type=error;sourcepath=config/azdo.yaml;linenumber=3;columnnumber=15;code=client-id/not-guid;]message
//! ##vso[task.complete result=Failed;]connector-lint: 1 error, 0 warnings
//! ```
//!
//! Escaping follows `azure-pipelines-task-lib` (`node/taskcommand.ts`): `%` becomes `%AZP25`
//! first (the agent decodes it back; a plain `%25` would be shown literally), then line breaks,
//! and in properties also `;` (the property separator) and `]` (the end of the properties).
//!
//! `task.logissue` knows only `error` and `warning`, so infos are not emitted.

use std::fmt::Write as _;

use super::{End, Piece, RedactedFile, Sink, Summary, count};
use crate::catalogue::Severity;
use crate::source::InputError;

/// `escapedata` of the task library: the message after `]`.
pub fn escape_data(value: &str) -> String {
    super::escape_chars(value, &[('%', "%AZP25"), ('\r', "%0D"), ('\n', "%0A")])
}

/// `escape` of the task library: a `key=value;` property inside the brackets.
pub fn escape_property(value: &str) -> String {
    super::escape_chars(
        value,
        &[
            ('%', "%AZP25"),
            ('\r', "%0D"),
            ('\n', "%0A"),
            (']', "%5D"),
            (';', "%3B"),
        ],
    )
}

/// The task result for the run's exit status, so the two never disagree: every status but 0
/// fails a script step, and so fails the task (also when the step ignores the exit status); a
/// run that passes with warnings succeeds with issues.
fn result(status: u8, summary: Summary) -> &'static str {
    match status {
        0 if summary.warnings == 0 => "Succeeded",
        0 => "SucceededWithIssues",
        _ => "Failed",
    }
}

/// Why the task failed, when the counts alone do not say: the statuses other than 1.
fn reason(status: u8) -> &'static str {
    match status {
        2 => "; an input could not be checked (exit status 2)",
        3 => "; a probe reached no verdict (exit status 3)",
        _ => "",
    }
}

/// The logging commands, an issue per error and warning as the files arrive, then the task's
/// result.
#[derive(Debug)]
pub struct AzureSink;

fn input_error_line(error: &InputError) -> String {
    format!(
        "##vso[task.logissue type=error;]{}\n",
        escape_data(&error.to_string())
    )
}

impl Sink for AzureSink {
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

    fn finish(&mut self, end: &End<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let summary = end.summary;
        let line = format!(
            "##vso[task.complete result={};]{}\n",
            result(end.status, summary),
            escape_data(&format!(
                "connector-lint: {} checked, {}, {}{}",
                count(summary.files, "file"),
                count(summary.errors, "error"),
                count(summary.warnings, "warning"),
                reason(end.status)
            ))
        );
        out.write_all(line.as_bytes())
    }
}

fn render_file(file: &RedactedFile) -> String {
    let mut out = String::new();
    for diagnostic in &file.diagnostics {
        let kind = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => continue,
        };
        let mut properties = format!("type={kind};");
        // Standard input has no source path the agent could link to.
        if file.path != "-" {
            let _ = write!(properties, "sourcepath={};", escape_property(&file.path));
        }
        if let Some(location) = &diagnostic.location {
            let _ = write!(
                properties,
                "linenumber={};columnnumber={};",
                location.start.line, location.start.column
            );
        }
        let _ = write!(
            properties,
            "code={};",
            escape_property(diagnostic.code.as_str())
        );
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "##vso[task.logissue {properties}]{}",
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
        assert_eq!(escape_data("50%;a]b\r\nc"), "50%AZP25;a]b%0D%0Ac");
    }

    #[test]
    fn properties_also_escape_separators() {
        assert_eq!(
            escape_property("a%;b]c:d,e\r\n"),
            "a%AZP25%3Bb%5Dc:d,e%0D%0A"
        );
    }

    #[test]
    fn results_follow_the_exit_status() {
        let warnings = Summary {
            warnings: 1,
            ..Summary::default()
        };
        assert_eq!(result(0, Summary::default()), "Succeeded");
        assert_eq!(result(0, warnings), "SucceededWithIssues");
        // A probe without a verdict exits 3, which fails the step: the task fails with it.
        assert_eq!(result(3, Summary::default()), "Failed");
        assert_eq!(result(3, warnings), "Failed");
        assert_eq!(result(1, warnings), "Failed");
        assert_eq!(result(2, Summary::default()), "Failed");
    }
}
