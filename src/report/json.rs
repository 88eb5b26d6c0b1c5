//! `--format json`: the SPEC's JSON report, version 1.

use rayon::prelude::*;
use serde::Serialize;

use super::{RedactedFile, Report, Summary};
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

/// Streams the report of already redacted files to `out`.
pub fn write(
    files: &[RedactedFile],
    summary: Summary,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let fragments = files
        .chunks(RENDER_CHUNK)
        .map(|chunk| chunk.par_iter().map(render_file).collect());
    write_fragments(files.is_empty(), summary, fragments, out)
}

/// Streams a whole report to `out`, redacting and rendering a chunk of files at a time, so
/// neither the redacted files nor the text ever exist whole.
pub fn write_report(
    report: &Report,
    summary: Summary,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let fragments = report.files.chunks(RENDER_CHUNK).map(|chunk| {
        chunk
            .par_iter()
            .map(|file| render_file(&super::redact_file(file, false)))
            .collect()
    });
    write_fragments(report.files.is_empty(), summary, fragments, out)
}

/// The envelope, serialised with an empty file list, with the rendered files spliced into it,
/// indented to their depth: the bytes are exactly those of one pretty-printed document.
fn write_fragments(
    no_files: bool,
    summary: Summary,
    fragments: impl Iterator<Item = Vec<String>>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let envelope = JsonReport {
        version: 1,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        files: Vec::new(),
        summary,
    };
    let text = serde_json::to_string_pretty(&envelope).map_err(std::io::Error::other)?;
    let (before, after) = text
        .split_once("\"files\": []")
        .ok_or_else(|| std::io::Error::other("the report envelope has no file list"))?;
    out.write_all(before.as_bytes())?;
    if no_files {
        out.write_all(b"\"files\": []")?;
    } else {
        out.write_all(b"\"files\": [\n")?;
        let mut first = true;
        for chunk in fragments {
            for fragment in chunk {
                if !first {
                    out.write_all(b",\n")?;
                }
                first = false;
                out.write_all(fragment.as_bytes())?;
            }
        }
        out.write_all(b"\n  ]")?;
    }
    out.write_all(after.as_bytes())?;
    out.write_all(b"\n")
}

/// Files rendered at once: enough to keep both cores busy, few enough to keep memory flat.
const RENDER_CHUNK: usize = 512;

/// One file's entry, pretty-printed at its depth in the report (two levels, four spaces).
fn render_file(file: &RedactedFile) -> String {
    let fragment = serde_json::to_string_pretty(&json_file(file)).unwrap_or_default();
    let mut indented = String::with_capacity(fragment.len() + fragment.len() / 8);
    indented.push_str("    ");
    indented.push_str(&fragment.replace('\n', "\n    "));
    indented
}

fn json_file<'a>(file: &'a RedactedFile) -> JsonFile<'a> {
    JsonFile {
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
    }
}
