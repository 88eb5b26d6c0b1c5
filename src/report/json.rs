//! `--format json`: the SPEC's JSON report, version 1.

use serde::Serialize;

use super::{End, Piece, RedactedFile, Sink, Summary};
use crate::catalogue::Severity;
use crate::diagnostic::Diagnostic;
use crate::source::InputError;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    files: Vec<JsonFile<'a>>,
    summary: Summary,
    /// The inputs that could not be checked at all (exit status 2), each as standard error says
    /// it: without them a run that read nothing would read like a clean pass. Left out when none.
    #[serde(rename = "inputErrors", skip_serializing_if = "Vec::is_empty")]
    input_errors: Vec<String>,
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
    /// What the human report says as notes (the redirect URI to register for a record without
    /// one, ...), per record; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<JsonNote<'a>>,
}

#[derive(Serialize)]
struct JsonNote<'a> {
    message: &'a str,
    /// The JSON Pointer of the record the note is about (`""`: the document is the record).
    pointer: &'a str,
    document: usize,
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

/// The JSON report, written as the files arrive.
///
/// The envelope is serialised with an empty file list and the rendered files are spliced into
/// it, indented to their depth: the bytes are exactly those of one pretty-printed document.
/// Nothing before the file list depends on the summary, so it is serialised again once the files
/// are written.
#[derive(Debug, Default)]
pub struct JsonSink {
    /// Whether a file entry was written.
    any: bool,
}

const FILES: &str = "\"files\": []";

/// The report's text before and after its (empty) file list.
fn envelope(summary: Summary, input_errors: &[InputError]) -> std::io::Result<(String, String)> {
    let envelope = JsonReport {
        version: 1,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        files: Vec::new(),
        summary,
        input_errors: input_errors.iter().map(ToString::to_string).collect(),
    };
    let text = serde_json::to_string_pretty(&envelope).map_err(std::io::Error::other)?;
    match text.split_once(FILES) {
        Some((before, after)) => Ok((before.to_owned(), after.to_owned())),
        None => Err(std::io::Error::other(
            "the report envelope has no file list",
        )),
    }
}

impl Sink for JsonSink {
    fn render(&self, file: &RedactedFile) -> Piece {
        Piece {
            text: file_entry(file),
            ..Piece::default()
        }
    }

    fn begin(&mut self, _: &[InputError], out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(envelope(Summary::default(), &[])?.0.as_bytes())
    }

    fn write(
        &mut self,
        piece: Piece,
        _: Summary,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        out.write_all(if self.any { b",\n" } else { b"\"files\": [\n" })?;
        self.any = true;
        out.write_all(&piece.text)
    }

    fn finish(&mut self, end: &End<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(if self.any { b"\n  ]" } else { FILES.as_bytes() })?;
        out.write_all(envelope(end.summary, end.input_errors)?.1.as_bytes())?;
        out.write_all(b"\n")
    }
}

/// One file's entry, pretty-printed at its depth in the report (two levels, four spaces).
///
/// Laid out by hand because this runs once per file and serde's pretty printer, plus re-indenting
/// its output, cost more than the rest of the report; strings and numbers still go through
/// serde_json, and a test holds the bytes to `serde_json::to_string_pretty`. The bytes are UTF-8
/// (literals, texts and serde_json's output), which a `Piece` takes without checking again.
fn file_entry(file: &RedactedFile) -> Vec<u8> {
    let mut out = Vec::with_capacity(96 + 512 * file.diagnostics.len());
    out.extend_from_slice(b"    {\n      \"path\": ");
    push_string(&mut out, &file.path);
    out.extend_from_slice(b",\n      \"diagnostics\": [");
    for (index, diagnostic) in file.diagnostics.iter().enumerate() {
        out.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
        push_diagnostic(&mut out, &json_diagnostic(diagnostic));
    }
    if !file.diagnostics.is_empty() {
        out.extend_from_slice(b"\n      ");
    }
    out.push(b']');
    if !file.notes.is_empty() {
        out.extend_from_slice(b",\n      \"notes\": [");
        for (index, note) in file.notes.iter().enumerate() {
            out.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
            out.extend_from_slice(b"        {");
            field(&mut out, true, "message");
            push_string(&mut out, &note.message);
            field(&mut out, false, "pointer");
            push_string(&mut out, &note.pointer);
            field(&mut out, false, "document");
            out.extend_from_slice(itoa::Buffer::new().format(note.document).as_bytes());
            out.extend_from_slice(b"\n        }");
        }
        out.extend_from_slice(b"\n      ]");
    }
    out.extend_from_slice(b"\n    }");
    out
}

/// One diagnostic object, its fields in declaration order, as serde would write them.
fn push_diagnostic(out: &mut Vec<u8>, diagnostic: &JsonDiagnostic) {
    out.extend_from_slice(b"        {");
    field(out, true, "code");
    push_plain_string(out, diagnostic.code);
    field(out, false, "severity");
    push_plain_string(out, diagnostic.severity.as_str());
    field(out, false, "message");
    push_string(out, diagnostic.message);
    let strings = [("help", diagnostic.help), ("pointer", diagnostic.pointer)];
    for (name, value) in strings {
        if let Some(value) = value {
            field(out, false, name);
            push_string(out, value);
        }
    }
    let numbers = [
        ("document", diagnostic.document),
        ("line", diagnostic.line),
        ("column", diagnostic.column),
        ("endLine", diagnostic.end_line),
        ("endColumn", diagnostic.end_column),
    ];
    for (name, value) in numbers {
        if let Some(value) = value {
            field(out, false, name);
            out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
        }
    }
    out.extend_from_slice(b"\n        }");
}

/// A field name at the diagnostics' depth, after a comma unless it is the first.
fn field(out: &mut Vec<u8>, first: bool, name: &str) {
    if !first {
        out.push(b',');
    }
    out.extend_from_slice(b"\n          \"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// A JSON string literal, escaped by serde_json when it needs escaping at all. Most texts do not
/// (no quote, backslash or control character).
fn push_string(out: &mut Vec<u8>, text: &str) {
    if needs_escaping(text.as_bytes()) {
        // Serialising a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    } else {
        push_plain_string(out, text);
    }
}

/// A JSON string literal of a text that needs no escaping: the catalogue's codes and severities
/// (a test holds every one of them to `push_string`), and the texts `needs_escaping` clears.
fn push_plain_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    out.extend_from_slice(text.as_bytes());
    out.push(b'"');
}

/// Whether a text holds a quote, a backslash or a control character (what JSON escapes), eight
/// bytes at a time: most texts are short (paths, pointers, messages), too short for the
/// compiler's vector loop, and a word-wide test costs a few instructions per eight bytes. For a
/// word `w`, `(w - 0x01..01 * n) & !w & 0x80..80` is non-zero exactly when some byte of `w` is
/// below `n` (for `n` up to 0x80); a byte equal to `b` is a zero byte of `w ^ 0x01..01 * b`.
fn needs_escaping(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    let below = |word: u64, bound: u8| word.wrapping_sub(ONES * u64::from(bound)) & !word & HIGH;
    let mut chunks = bytes.chunks_exact(8);
    let mut found = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        found |= below(word, 0x20)
            | below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1);
    }
    found != 0
        || chunks
            .remainder()
            .iter()
            .any(|&byte| byte < 0x20 || byte == b'"' || byte == b'\\')
}

fn json_diagnostic(diagnostic: &Diagnostic) -> JsonDiagnostic<'_> {
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
}

/// The file's entry as serde would serialise it, to hold the hand layout to.
#[cfg(test)]
fn json_file<'a>(file: &'a RedactedFile) -> JsonFile<'a> {
    JsonFile {
        path: &file.path,
        diagnostics: file
            .diagnostics
            .iter()
            .map(|diagnostic| json_diagnostic(diagnostic))
            .collect(),
        notes: file
            .notes
            .iter()
            .map(|note| JsonNote {
                message: &note.message,
                pointer: &note.pointer,
                document: note.document,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::catalogue::Code;
    use crate::diagnostic::Location;
    use crate::source::Position;

    fn located(code: Code, message: &str, help: Option<&str>, pointer: &str) -> Diagnostic {
        let location = Location {
            document: 3,
            pointer: pointer.to_owned(),
            span: 0..1,
            start: Position {
                line: 12,
                column: 1,
            },
            end: Position {
                line: 1200,
                column: 65_536,
            },
        };
        Diagnostic::located(code, message.to_owned(), help.map(str::to_owned), location)
    }

    /// The codes and severities are written without looking for what to escape: none has any.
    #[test]
    fn codes_and_severities_need_no_escaping() {
        let severities = [Severity::Info, Severity::Warning, Severity::Error];
        let texts = crate::catalogue::CATALOGUE
            .iter()
            .map(|rule| rule.code.as_str())
            .chain(severities.iter().map(|severity| severity.as_str()));
        for text in texts {
            let mut plain = Vec::new();
            push_plain_string(&mut plain, text);
            assert_eq!(plain, serde_json::to_vec(text).unwrap(), "{text}");
        }
    }

    /// The word-wide test agrees with looking at every byte, wherever the byte stands.
    #[test]
    fn escaping_is_found_in_every_position() {
        let escaped = |byte: u8| byte < 0x20 || byte == b'"' || byte == b'\\';
        for length in 0..40 {
            for at in 0..length {
                for byte in 0..=255u8 {
                    let mut bytes = vec![b'a'; length];
                    bytes[at] = byte;
                    assert_eq!(
                        needs_escaping(&bytes),
                        escaped(byte),
                        "{length} {at} {byte:#x}"
                    );
                }
            }
        }
        // Bytes next to the bounds, and several of them in one word.
        for word in [
            *b"\x1f\x20!#[\\]\x7f",
            *b"\x80\x9f\xff\"\x00abc",
            *b" !#$%&()",
            *b"\xe2\x80\xa8xyz12",
        ] {
            let expected = word.iter().any(|&byte| escaped(byte));
            assert_eq!(needs_escaping(&word), expected, "{word:?}");
        }
    }

    /// The hand layout is byte for byte what serde_json's pretty printer writes, re-indented.
    #[test]
    fn hand_layout_matches_serde_pretty() {
        let diagnostics = [
            Diagnostic::new(Code::LoadSyntax, "plain message"),
            located(
                Code::ClientSecretPlaintext,
                "quotes \" and \\ and \u{1} and \n and é and 🦀",
                Some("help with\ttab"),
                "/a~1b/0/~0c",
            ),
            located(Code::KeyUnknown, "", None, ""),
        ];
        let mut without_help = Diagnostic::new(Code::KeyMissing, "no help");
        without_help.help = None;
        let notes = [
            crate::outcome::Note {
                document: 0,
                pointer: String::new(),
                message: "plain note".to_owned(),
            },
            crate::outcome::Note {
                document: 2,
                pointer: "/1".to_owned(),
                message: "a \"quoted\" note\n".to_owned(),
            },
        ];
        let files = [
            (String::from("plain.yaml"), vec![]),
            (
                String::from("dir/\"odd\" name\u{7f}.yaml"),
                diagnostics.to_vec(),
            ),
            (String::from(""), vec![without_help]),
        ];
        for ((path, diagnostics), with_notes) in files.iter().zip([true, false, true]) {
            let file = RedactedFile {
                path: Cow::Borrowed(path),
                source: None,
                diagnostics: diagnostics.iter().map(Cow::Borrowed).collect(),
                notes: notes
                    .iter()
                    .filter(|_| with_notes)
                    .map(Cow::Borrowed)
                    .collect(),
            };
            let expected = serde_json::to_string_pretty(&json_file(&file))
                .unwrap()
                .replace('\n', "\n    ");
            let rendered = String::from_utf8(file_entry(&file)).unwrap();
            assert_eq!(rendered, format!("    {expected}"), "{path}");
        }
    }
}
