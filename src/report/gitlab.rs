//! `--format gitlab`: a GitLab Code Quality report, a JSON array of issues:
//!
//! ```json
//! [{"description": "...", "check_name": "client-id/not-guid", "fingerprint": "…",
//!   "severity": "major", "location": {"path": "config/azdo.yaml", "lines": {"begin": 3, "end": 3}}}]
//! ```
//!
//! GitLab compares fingerprints between the source and target branch to show new and fixed
//! issues, so a fingerprint must stay the same while the finding does: it is a SHA-256 of the
//! code, the path, the document and the JSON Pointer (not the line, which moves when lines are
//! added above), plus a counter for repeats of the same finding at the same place. Never
//! `DefaultHasher`: its output may change between Rust releases.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{End, Piece, RedactedFile, Sink, Summary};
use crate::catalogue::Severity;
use crate::source::InputError;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's scale is info, minor, major, critical, blocker. An error blocks the deploy gate but
/// is a configuration fault, not a security hole: `major`.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// The fingerprint of a finding: hex SHA-256 over length-delimited fields, so `a` + `bc` and
/// `ab` + `c` cannot collide.
pub fn fingerprint(
    code: &str,
    path: &str,
    document: usize,
    pointer: &str,
    repeat: usize,
) -> String {
    let mut hasher = Sha256::new();
    for field in [
        code,
        path,
        itoa::Buffer::new().format(document),
        pointer,
        itoa::Buffer::new().format(repeat),
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        hex.push(HEX[usize::from(byte >> 4)] as char);
        hex.push(HEX[usize::from(byte & 15)] as char);
    }
    hex
}

/// The issues, one JSON array written as the files arrive: each issue pretty-printed on its own
/// and indented to its depth, so the bytes are those of the whole array pretty-printed.
#[derive(Debug, Default)]
pub struct GitlabSink {
    /// Whether an issue was written.
    any: bool,
}

impl Sink for GitlabSink {
    fn render(&self, file: &RedactedFile) -> Piece {
        render_file(file)
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
        if piece.text.is_empty() {
            return Ok(());
        }
        out.write_all(if self.any { b",\n" } else { b"[\n" })?;
        self.any = true;
        out.write_all(&piece.text)
    }

    fn finish(&mut self, _: &End<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(if self.any { b"\n]\n" } else { b"[]\n" })
    }
}

/// A file's issues, each at the array's depth, separated as in the array.
fn render_file(file: &RedactedFile) -> Piece {
    let mut out = Vec::new();
    let mut seen: HashMap<(&str, usize, &str), usize> = HashMap::new();
    for diagnostic in &file.diagnostics {
        let location = diagnostic.location.as_ref();
        let document = location.map_or(0, |location| location.document);
        let pointer = location.map_or("", |location| location.pointer.as_str());
        let repeat = seen
            .entry((diagnostic.code.as_str(), document, pointer))
            .or_insert(0);
        let fingerprint = fingerprint(
            diagnostic.code.as_str(),
            &file.path,
            document,
            pointer,
            *repeat,
        );
        *repeat += 1;
        // GitLab needs a line for every issue; a finding about the whole file points at line 1.
        let (begin, end) =
            location.map_or((1, 1), |location| (location.start.line, location.end.line));
        let issue = Issue {
            description: diagnostic.message.clone(),
            check_name: diagnostic.code.as_str(),
            fingerprint,
            severity: severity(diagnostic.severity),
            location: Location {
                path: &file.path,
                lines: Lines { begin, end },
            },
        };
        if !out.is_empty() {
            out.extend_from_slice(b",\n");
        }
        super::push_pretty(&mut out, &issue, "  ");
    }
    Piece {
        text: out,
        ..Piece::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_fixed_and_distinct() {
        let one = fingerprint("key/unknown", "a.yaml", 0, "/x", 0);
        assert_eq!(one, fingerprint("key/unknown", "a.yaml", 0, "/x", 0));
        assert_eq!(one.len(), 64);
        assert_ne!(one, fingerprint("key/unknown", "a.yaml", 0, "/x", 1));
        assert_ne!(one, fingerprint("key/unknown", "b.yaml", 0, "/x", 0));
        assert_ne!(
            fingerprint("ab", "c", 0, "", 0),
            fingerprint("a", "bc", 0, "", 0)
        );
        // A pinned value: a change here changes every fingerprint users have in GitLab.
        assert_eq!(
            fingerprint("key/missing", "config/azdo.yaml", 0, "", 0),
            "6641df05ba0507e422607531a920b5898ebed5bdb6874ee9fdaf49e62d6efd25"
        );
    }
}
