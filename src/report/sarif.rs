//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
//!
//! Small hand-written serde structs rather than a SARIF crate: only the fields consumers use,
//! and full control over `columnKind` and `helpUri`. The driver lists only the rules that fired
//! (with the catalogue's title, explanation, fix and help URI), in the order they first fired;
//! each result points at its rule by id and index. Artifact URIs are relative to `%SRCROOT%` (the directory the run started in,
//! in CI the checkout), percent-encoded; columns count Unicode code points, as ours do, and the
//! end column is exclusive, as SARIF's is.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{End, Piece, RedactedFile, Sink, Summary};
use crate::catalogue::{Code, Severity};
use crate::diagnostic::Diagnostic;
use crate::source::InputError;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/appmixer-connectors/connector-lint";
/// The base the relative artifact URIs resolve against.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<SarifRun>,
}

/// The run's fields in the order they are written: the results as the files arrive, then what
/// only the end of the run knows (the rules that fired, the exit status).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun {
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
    tool: Tool,
    invocations: Vec<Invocation>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
}

#[derive(Clone, Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    exit_code: u8,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    /// The JSON Pointer of the key or value, prefixed by the document index in a YAML stream.
    fully_qualified_name: String,
    kind: &'static str,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Characters kept as they are in a URI path: RFC 3986 unreserved characters and `/`. Anything
/// else (space, `%`, `:`, `#`, `?`, non-ASCII) is percent-encoded byte by byte, so a path is
/// never read as a scheme, query or fragment.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The artifact location of a reported path, which is the path every format shows
/// (`source::shown_path`: relative to the working directory when it is under it): relative to
/// `%SRCROOT%` when relative, an absolute `file:` URI otherwise, percent-encoded either way; a
/// description without a URI for standard input, which has no file.
fn artifact_location(path: &str) -> ArtifactLocation {
    if path == "-" {
        return ArtifactLocation {
            uri: None,
            uri_base_id: None,
            description: Some(Text {
                text: "standard input".to_owned(),
            }),
        };
    }
    // A live Backoffice record's path is its API URL, an absolute URI already.
    if let Ok(url) = url::Url::parse(path)
        && matches!(url.scheme(), "http" | "https")
    {
        return ArtifactLocation {
            uri: Some(url.to_string()),
            uri_base_id: None,
            description: None,
        };
    }
    if !is_absolute(path) {
        return ArtifactLocation {
            uri: Some(encode_path(path)),
            uri_base_id: Some(SRCROOT),
            description: None,
        };
    }
    // `C:/x` on Windows needs the extra slash of `file:///C:/x`; keep the drive colon.
    let absolute = path.trim_start_matches('/');
    let encoded = match absolute.split_once(':') {
        Some((drive, rest)) if drive.len() == 1 => format!("{drive}:{}", encode_path(rest)),
        _ => encode_path(absolute),
    };
    ArtifactLocation {
        uri: Some(format!("file:///{encoded}")),
        uri_base_id: None,
        description: None,
    }
}

fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || (bytes.len() >= 3
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && bytes[2] == b'/')
}

fn result(
    diagnostic: &Diagnostic,
    artifact_location: ArtifactLocation,
    rule_index: usize,
) -> SarifResult {
    // GitHub code scanning needs a region on every result; a finding about the whole file
    // points at its first line.
    let region = match &diagnostic.location {
        Some(location) => Region {
            start_line: location.start.line,
            start_column: Some(location.start.column),
            end_line: Some(location.end.line),
            end_column: Some(location.end.column),
        },
        None => Region {
            start_line: 1,
            start_column: None,
            end_line: None,
            end_column: None,
        },
    };
    let logical_locations = diagnostic
        .location
        .iter()
        .map(|location| LogicalLocation {
            fully_qualified_name: if location.document == 0 {
                location.pointer.clone()
            } else {
                format!("document {}: {}", location.document + 1, location.pointer)
            },
            kind: "member",
        })
        .collect();
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    SarifResult {
        rule_id: diagnostic.code.as_str(),
        rule_index,
        level: level(diagnostic.severity),
        message: Text { text: message },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location,
                region,
            },
            logical_locations,
        }],
    }
}

fn descriptor(code: Code) -> ReportingDescriptor {
    let rule = code.rule();
    ReportingDescriptor {
        id: rule.id,
        short_description: Text {
            text: rule.title.to_owned(),
        },
        full_description: Text {
            text: rule.why.to_owned(),
        },
        help: Help {
            text: rule.fix.to_owned(),
            markdown: format!(
                "{}\n\n**Fix:** {}\n\nSee `connector-lint explain {}` or [the rule's documentation]({}).",
                rule.why,
                rule.fix,
                rule.id,
                rule.help_uri()
            ),
        },
        help_uri: rule.help_uri(),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
    }
}

/// The SARIF log, written as the files arrive. Each result names its rule by index into the
/// driver's rules, which lists the rules that fired in the order they first fired: the index is
/// known when the result is written, and the list, written after the results, is all that is kept.
#[derive(Default)]
pub struct SarifSink {
    /// The rules that fired so far, in the order they first fired.
    fired: Vec<Code>,
    /// Whether a result was written.
    any: bool,
}

/// Written where a result's rule index goes, and replaced by it in report order: no other text of
/// a result can hold it, since a JSON string would have its quotes escaped.
const RULE_INDEX_HOLE: &str = "\"ruleIndex\": 18446744073709551615";

/// The results of one file, each pretty-printed at its depth in the log, with a hole for each
/// rule index.
fn render_file(file: &RedactedFile) -> Piece {
    let mut piece = Piece::default();
    // The same for every result of the file.
    let artifact = artifact_location(&file.path);
    for diagnostic in &file.diagnostics {
        let result = result(diagnostic, artifact.clone(), usize::MAX);
        if !piece.text.is_empty() {
            piece.text.extend_from_slice(b",\n");
        }
        let start = piece.text.len();
        super::push_pretty(&mut piece.text, &result, RESULT_INDENT);
        if let Some(found) = memchr::memmem::find(&piece.text[start..], RULE_INDEX_HOLE.as_bytes())
        {
            // Keep `"ruleIndex": `, drop the placeholder number.
            let at = start + found + RULE_INDEX_HOLE.len() - PLACEHOLDER.len();
            piece.text.drain(at..at + PLACEHOLDER.len());
            piece.holes.push((at, diagnostic.code));
        }
    }
    piece
}

/// The depth of a result in the log: `runs`, the run, `results`, four levels of two spaces.
const RESULT_INDENT: &str = "        ";

/// `usize::MAX`, the rule index a result is rendered with before its place is known.
const PLACEHOLDER: &str = "18446744073709551615";

/// The log with no results, split where the results go.
fn envelope(tool: Tool, invocation: Invocation) -> std::io::Result<(String, String)> {
    let mut base_ids = BTreeMap::new();
    base_ids.insert(
        SRCROOT,
        ArtifactLocation {
            uri: None,
            uri_base_id: None,
            description: Some(Text {
                text: "The directory connector-lint ran in (in CI, the repository checkout)."
                    .to_owned(),
            }),
        },
    );
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![SarifRun {
            original_uri_base_ids: base_ids,
            column_kind: "unicodeCodePoints",
            results: Vec::new(),
            tool,
            invocations: vec![invocation],
        }],
    };
    let text = serde_json::to_string_pretty(&log).map_err(std::io::Error::other)?;
    match text.split_once(RESULTS) {
        Some((before, after)) => Ok((before.to_owned(), after.to_owned())),
        None => Err(std::io::Error::other("the SARIF log has no results")),
    }
}

const RESULTS: &str = "\"results\": []";

fn tool(rules: Vec<ReportingDescriptor>) -> Tool {
    Tool {
        driver: Driver {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            semantic_version: env!("CARGO_PKG_VERSION"),
            information_uri: INFORMATION_URI,
            rules,
        },
    }
}

impl Sink for SarifSink {
    fn render(&self, file: &RedactedFile) -> Piece {
        render_file(file)
    }

    fn begin(&mut self, _: &[InputError], out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let nothing_yet = Invocation {
            execution_successful: true,
            exit_code: 0,
            tool_execution_notifications: Vec::new(),
        };
        // Everything before the results is the same whatever the run finds.
        out.write_all(envelope(tool(Vec::new()), nothing_yet)?.0.as_bytes())
    }

    fn write(
        &mut self,
        piece: Piece,
        _: Summary,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        if piece.text.is_empty() {
            return Ok(());
        }
        out.write_all(if self.any {
            b",\n"
        } else {
            b"\"results\": [\n"
        })?;
        self.any = true;
        let mut written = 0;
        for (at, code) in piece.holes {
            out.write_all(&piece.text[written..at])?;
            let index = match self.fired.iter().position(|fired| *fired == code) {
                Some(index) => index,
                None => {
                    self.fired.push(code);
                    self.fired.len() - 1
                }
            };
            out.write_all(itoa::Buffer::new().format(index).as_bytes())?;
            written = at;
        }
        out.write_all(&piece.text[written..])
    }

    fn finish(&mut self, end: &End<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(if self.any {
            b"\n      ]"
        } else {
            RESULTS.as_bytes()
        })?;
        let notifications = end
            .input_errors
            .iter()
            .map(|error| Notification {
                level: "error",
                message: Text {
                    text: error.to_string(),
                },
            })
            .collect();
        let invocation = Invocation {
            execution_successful: end.input_errors.is_empty(),
            exit_code: end.status,
            tool_execution_notifications: notifications,
        };
        let rules = self.fired.iter().copied().map(descriptor).collect();
        out.write_all(envelope(tool(rules), invocation)?.1.as_bytes())?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(path: &str) -> (Option<String>, Option<&'static str>) {
        let location = artifact_location(path);
        (location.uri, location.uri_base_id)
    }

    #[test]
    fn relative_paths_are_relative_uris() {
        assert_eq!(
            uri("config/azdo.yaml"),
            (Some("config/azdo.yaml".to_owned()), Some(SRCROOT))
        );
        assert_eq!(
            uri("a b/100%;x:y#z?.yaml"),
            (
                Some("a%20b/100%25%3Bx%3Ay%23z%3F.yaml".to_owned()),
                Some(SRCROOT)
            )
        );
        assert_eq!(
            uri("é.yaml"),
            (Some("%C3%A9.yaml".to_owned()), Some(SRCROOT))
        );
    }

    /// Absolute paths under the working directory reach the formats relative already
    /// (`source::shown_path`); the others are `file:` URIs.
    #[test]
    fn absolute_paths_are_file_uris() {
        assert_eq!(
            uri("/elsewhere/a.yaml"),
            (Some("file:///elsewhere/a.yaml".to_owned()), None)
        );
        assert_eq!(
            uri("C:/x y/a.yaml"),
            (Some("file:///C:/x%20y/a.yaml".to_owned()), None)
        );
    }

    #[test]
    fn live_records_keep_their_api_url() {
        assert_eq!(
            uri("https://api.acme.appmixer.cloud/service-config/appmixer:azuredevops"),
            (
                Some(
                    "https://api.acme.appmixer.cloud/service-config/appmixer:azuredevops"
                        .to_owned()
                ),
                None
            )
        );
    }

    #[test]
    fn standard_input_has_no_uri() {
        assert_eq!(uri("-"), (None, None));
    }
}
