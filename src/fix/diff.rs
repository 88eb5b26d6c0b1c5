//! `--diff`: the changes a fix makes, as a unified diff. The hunks come from the real texts; the
//! lines shown come from the texts as the report layer masks them for snippets, so a secret
//! value never appears, not even a fixed one.

use similar::{ChangeTag, TextDiff};

use crate::outcome::FileReport;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The unified diff from `original` to `fixed` (reports of the two texts, with their sources),
/// labelled `a/<path>` and `b/<path>`.
pub fn unified(path: &str, original: &FileReport, fixed: &FileReport) -> String {
    let (Some(old), Some(new)) = (&original.source, &fixed.source) else {
        return String::new();
    };
    let masked = |report: &FileReport| {
        crate::report::redact_file(report, true)
            .source
            .map(|source| source.text)
            .unwrap_or_default()
    };
    let (masked_old, masked_new) = (masked(original), masked(fixed));
    let old_lines: Vec<&str> = masked_old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = masked_new.split_inclusive('\n').collect();
    let diff = TextDiff::from_lines(old.text.as_str(), new.text.as_str());
    let mut out = String::new();
    let groups = diff.grouped_ops(CONTEXT);
    if groups.is_empty() {
        return out;
    }
    let path = path.strip_prefix("./").unwrap_or(path);
    out.push_str(&format!("--- a/{path}\n+++ b/{path}\n"));
    for group in groups {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            hunk_range(&old_range),
            hunk_range(&new_range)
        ));
        for op in &group {
            for change in diff.iter_changes(op) {
                let (sign, line) = match change.tag() {
                    ChangeTag::Equal => (' ', change.old_index().and_then(|i| old_lines.get(i))),
                    ChangeTag::Delete => ('-', change.old_index().and_then(|i| old_lines.get(i))),
                    ChangeTag::Insert => ('+', change.new_index().and_then(|i| new_lines.get(i))),
                };
                let line = line.copied().unwrap_or_default();
                out.push(sign);
                out.push_str(line);
                if !line.ends_with('\n') {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

/// `start,count` of a hunk (1-based; an empty range names the line before it).
fn hunk_range(range: &std::ops::Range<usize>) -> String {
    let count = range.len();
    let start = if count == 0 {
        range.start
    } else {
        range.start + 1
    };
    if count == 1 {
        format!("{start}")
    } else {
        format!("{start},{count}")
    }
}
