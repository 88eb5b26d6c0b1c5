//! `--format json`: the SPEC's JSON report, version 1.

use serde::Serialize;

use super::{RedactedFile, Summary};
use crate::catalogue::Severity;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    files: Vec<JsonFile<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

pub fn render(files: &[RedactedFile], summary: Summary) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(files, summary, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Streams the report to `out`, so its size never has to fit in one string.
pub fn write(
    files: &[RedactedFile],
    summary: Summary,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let report = JsonReport {
        version: 1,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        files: files
            .iter()
            .map(|file| JsonFile {
                path: file.path,
                diagnostics: file
                    .diagnostics
                    .iter()
                    .map(|diagnostic| {
                        let location = diagnostic.location.as_ref();
                        JsonDiagnostic {
                            code: diagnostic.code.as_str(),
                            severity: diagnostic.severity,
                            message: &diagnostic.message,
                            help: diagnostic.help.as_deref(),
                            pointer: location.map(|location| location.pointer.as_str()),
                            document: location.map(|location| location.document),
                            line: location.map(|location| location.start.line),
                            column: location.map(|location| location.start.column),
                            end_line: location.map(|location| location.end.line),
                            end_column: location.map(|location| location.end.column),
                        }
                    })
                    .collect(),
            })
            .collect(),
        summary,
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
