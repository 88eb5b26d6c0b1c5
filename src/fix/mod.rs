//! Fixes: edits of source bytes carried by findings, applied, re-checked, and written atomically.
//!
//! A rule that has one right answer attaches a [`ValueFix`] to its finding: an edit of the value
//! (or the key) as the record holds it, computed where the rule computes the suggestion its
//! message gives, so the fix and the message cannot disagree. The check maps it to a [`Fix`] of
//! source bytes ([`scalar`]), keeping the quoting style; only values written literally get one.
//!
//! `check --fix` applies the non-overlapping fixes of a file, checks the result in memory and
//! keeps it only if it loads and has no finding the original lacked; it repeats while fixes apply
//! (a bounded number of rounds), then writes the file through a temporary file in the same
//! directory and a rename. `--diff` shows the same result as a unified diff, masked.

pub mod diff;
pub mod scalar;
pub mod write;

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use crate::catalogue::Code;
use crate::check::{Options, check_source};
use crate::diagnostic::Diagnostic;
use crate::document::{Node, Span};
use crate::outcome::{FileReport, Report};
use crate::source::{self, Input, InputError, ReadFailure, SourceText};

/// What a fix rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The key's name (a misspelled key).
    Key,
    /// The value.
    Value,
}

/// One replacement of bytes of a value (or key) as the record holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueEdit {
    pub range: Range<usize>,
    pub replacement: String,
}

/// A fix as a rule makes it, relative to the value it judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueFix {
    pub target: Target,
    pub edits: Vec<ValueEdit>,
}

impl ValueFix {
    /// Replaces the whole value.
    pub fn replace_value(value: &str, with: impl Into<String>) -> ValueFix {
        ValueFix::replace(0..value.len(), with)
    }

    /// Replaces bytes `range` of the value.
    pub fn replace(range: Range<usize>, with: impl Into<String>) -> ValueFix {
        ValueFix {
            target: Target::Value,
            edits: vec![ValueEdit {
                range,
                replacement: with.into(),
            }],
        }
    }

    /// Deletes the given byte ranges of the value (empty ones are left out).
    pub fn delete(ranges: impl IntoIterator<Item = Range<usize>>) -> ValueFix {
        ValueFix {
            target: Target::Value,
            edits: ranges
                .into_iter()
                .filter(|range| !range.is_empty())
                .map(|range| ValueEdit {
                    range,
                    replacement: String::new(),
                })
                .collect(),
        }
    }

    /// Renames the key `key` to `to`.
    pub fn rename_key(key: &str, to: &str) -> ValueFix {
        ValueFix {
            target: Target::Key,
            ..ValueFix::replace_value(key, to)
        }
    }
}

/// One replacement of source bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A fix as `--fix` applies it: edits of the source text, applied all or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub edits: Vec<Edit>,
    /// For a renamed key, the pointer of the key after the fix: findings under it are about a
    /// value that was not checked before, not findings the fix added.
    pub renames_to: Option<String>,
}

/// Whether findings of a code may carry a fix (the catalogue's table of fixes says when).
pub fn is_fixable(code: Code) -> bool {
    code.rule().autofix().is_some()
}

/// The source edits of a rule's fix on `entry` of a record, or `None` when the key or value is
/// not written in a way an edit can keep exactly (see [`scalar`]).
pub fn locate(
    source: &SourceText,
    key: &str,
    key_span: &Span,
    value: &Node,
    fix: &ValueFix,
    renames_to: Option<String>,
) -> Option<Fix> {
    let (span, written_value) = match fix.target {
        Target::Key => (key_span, key),
        Target::Value => (&value.span, value.as_str()?),
    };
    let written = scalar::Written::read(&source.text, span, source.format, written_value)?;
    let edits = fix
        .edits
        .iter()
        .map(|edit| {
            written
                .edit(&edit.range, &edit.replacement)
                .map(|(span, replacement)| Edit { span, replacement })
        })
        .collect::<Option<Vec<_>>>()?;
    (!edits.is_empty()).then_some(Fix {
        edits,
        renames_to: renames_to.filter(|_| fix.target == Target::Key),
    })
}

/// Whether two edits touch the same bytes (two insertions at one place count).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    (a.span.start < b.span.end && b.span.start < a.span.end)
        || (a.span.start == b.span.start && (a.span.is_empty() || b.span.is_empty()))
}

/// Applies edits that do not overlap (identical ones, e.g. the one suggestion of a value that
/// two findings share, count once).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|edit| std::cmp::Reverse((edit.span.start, edit.span.end)));
    edits.dedup();
    let mut out = text.to_owned();
    for edit in edits {
        if edit.span.end <= out.len() && out.is_char_boundary(edit.span.start) {
            out.replace_range(edit.span.clone(), &edit.replacement);
        }
    }
    out
}

/// Picks the fixable findings whose edits do not overlap one another's (in source order).
fn non_overlapping<'a>(candidates: &[&'a Diagnostic]) -> Vec<&'a Diagnostic> {
    let mut chosen: Vec<&Diagnostic> = Vec::new();
    let mut taken: Vec<&Edit> = Vec::new();
    let mut ordered = candidates.to_vec();
    ordered.sort_by_key(|diagnostic| {
        diagnostic
            .fix
            .as_ref()
            .and_then(|fix| fix.edits.iter().map(|edit| edit.span.start).min())
    });
    for diagnostic in ordered {
        let Some(fix) = &diagnostic.fix else { continue };
        let clash = fix.edits.iter().any(|edit| {
            taken
                .iter()
                .any(|other| *other != edit && overlaps(edit, other))
        });
        if !clash {
            taken.extend(&fix.edits);
            chosen.push(diagnostic);
        }
    }
    chosen
}

/// What identifies a finding across an edit of its file: positions move, pointers do not.
type Identity = (Code, usize, String);

fn identity(diagnostic: &Diagnostic) -> Identity {
    let (document, pointer) = diagnostic
        .location
        .as_ref()
        .map_or((0, String::new()), |location| {
            (location.document, location.pointer.clone())
        });
    (diagnostic.code, document, pointer)
}

fn counted(diagnostics: &[Diagnostic]) -> HashMap<Identity, usize> {
    let mut counts = HashMap::new();
    for diagnostic in diagnostics {
        *counts.entry(identity(diagnostic)).or_insert(0) += 1;
    }
    counts
}

/// Why a fixed text is refused: the first finding it has that the original lacked.
fn added_finding(
    original: &HashMap<Identity, usize>,
    fixed: &[Diagnostic],
    renamed: &[String],
) -> Option<Code> {
    let mut seen: HashMap<Identity, usize> = HashMap::new();
    for diagnostic in fixed {
        let key = identity(diagnostic);
        let count = seen.entry(key.clone()).or_insert(0);
        *count += 1;
        let revealed = renamed
            .iter()
            .any(|pointer| key.2 == *pointer || key.2.starts_with(&format!("{pointer}/")))
            && !diagnostic.code.as_str().starts_with("load/");
        if *count > original.get(&key).copied().unwrap_or(0) && !revealed {
            return Some(diagnostic.code);
        }
    }
    None
}

/// Fixes beyond this many rounds are left for the next run (each round re-checks the file).
const MAX_ROUNDS: usize = 8;

/// The outcome of fixing one text.
#[derive(Debug)]
pub struct FixedText {
    /// The report of the fixed text: what remains.
    pub report: FileReport,
    pub text: String,
    /// Findings whose fix was applied.
    pub fixes: usize,
    /// Findings whose fix was not applied because the result did not pass.
    pub refused: usize,
}

/// Applies every fix of a text that passes, round after round, and returns the fixed text with
/// its report. `options` must keep sources (the edits are of the text).
pub fn fix_text(source: SourceText, options: &Options) -> (FileReport, FixedText) {
    let name = source.name.clone();
    let format = source.format;
    let path = source.path.clone();
    // The fixed text is checked as the same file (a key store's path names its connector).
    let again = |text: String| {
        let fixed = SourceText::new(name.clone(), format, text);
        match &path {
            Some(path) => fixed.from_file(path),
            None => fixed,
        }
    };
    let original_text = source.text.clone();
    let original = check_source(source, options);
    let baseline = counted(&original.diagnostics);
    let mut text = original_text;
    let mut current: Option<FileReport> = None;
    let mut renamed: Vec<String> = Vec::new();
    let mut refused: Vec<(Identity, Code)> = Vec::new();
    let mut fixes = 0;
    for _ in 0..MAX_ROUNDS {
        let report = current.as_ref().unwrap_or(&original);
        let candidates: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.fix.is_some())
            .filter(|diagnostic| !refused.iter().any(|(key, _)| *key == identity(diagnostic)))
            .collect();
        if candidates.is_empty() {
            break;
        }
        let try_fixes = |chosen: &[&Diagnostic], renamed: &[String]| {
            let edits: Vec<Edit> = chosen
                .iter()
                .filter_map(|diagnostic| diagnostic.fix.as_ref())
                .flat_map(|fix| fix.edits.iter().cloned())
                .collect();
            let mut renamed = renamed.to_vec();
            renamed.extend(
                chosen
                    .iter()
                    .filter_map(|diagnostic| diagnostic.fix.as_ref()?.renames_to.clone()),
            );
            let fixed_text = apply(&text, &edits);
            let fixed = check_source(again(fixed_text.clone()), options);
            match added_finding(&baseline, &fixed.diagnostics, &renamed) {
                None => Ok((fixed_text, fixed, renamed)),
                Some(code) => Err(code),
            }
        };
        let chosen = non_overlapping(&candidates);
        let outcome = match try_fixes(&chosen, &renamed) {
            Ok(accepted) => Some((accepted, chosen.len())),
            // Together they fail: the first that passes alone is taken, the failing ones are
            // not tried again.
            Err(_) => {
                let mut found = None;
                for diagnostic in &chosen {
                    match try_fixes(&[*diagnostic], &renamed) {
                        Ok(accepted) => {
                            found = Some((accepted, 1));
                            break;
                        }
                        Err(code) => refused.push((identity(diagnostic), code)),
                    }
                }
                found
            }
        };
        let Some(((fixed_text, fixed, now_renamed), count)) = outcome else {
            break;
        };
        if fixed_text == text {
            break;
        }
        text = fixed_text;
        renamed = now_renamed;
        fixes += count;
        current = Some(fixed);
    }
    let mut report = current.unwrap_or_else(|| check_source(again(text.clone()), options));
    // A finding whose fix was refused says so.
    let mut refused_count = 0;
    for diagnostic in &mut report.diagnostics {
        if let Some((_, code)) = refused.iter().find(|(key, _)| *key == identity(diagnostic)) {
            refused_count += 1;
            let note = format!(
                "connector-lint has a fix for this, not applied: the result would have `{code}`"
            );
            diagnostic.help = Some(match diagnostic.help.take() {
                Some(help) => format!("{help} ({note})"),
                None => note,
            });
            diagnostic.fix = None;
        }
    }
    report.fixed = fixes;
    (
        original,
        FixedText {
            report,
            text,
            fixes,
            refused: refused_count,
        },
    )
}

/// What `check --fix` or `--diff` does with the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write fixed files in place (standard input: the fixed text on standard output).
    Write,
    /// Show the changes as a unified diff; write nothing.
    Diff,
}

/// The outcome of fixing a run's inputs.
#[derive(Debug, Default)]
pub struct FixRun {
    /// The reports of the fixed texts (what remains), in path order.
    pub report: Report,
    pub input_errors: Vec<InputError>,
    /// The unified diff of every changed file (`--diff`), masked.
    pub diff: String,
    /// The fixed text of standard input (`--fix` on `-`).
    pub stdin_text: Option<String>,
    /// Files that could not be written (their path and why).
    pub write_errors: Vec<String>,
}

struct FileOutcome {
    report: FileReport,
    diff: String,
    stdin_text: Option<String>,
    write_error: Option<String>,
}

/// Fixes every input (in parallel) and writes or diffs the results.
pub fn fix_inputs(inputs: &[Input], options: &Options, mode: Mode) -> FixRun {
    let options = Options {
        keep_sources: true,
        ..options.clone()
    };
    let results: Vec<Result<FileOutcome, InputError>> = inputs
        .par_iter()
        .map(|input| fix_input(input, &options, mode))
        .collect();
    let mut run = FixRun::default();
    let mut outcomes = Vec::new();
    for (input, result) in inputs.iter().zip(results) {
        match result {
            Ok(outcome) if input.is_walked() && !outcome.report.looks_like_config => {
                run.report.skipped += 1;
            }
            Ok(outcome) => outcomes.push(outcome),
            Err(error) => run.input_errors.push(error),
        }
    }
    outcomes.sort_by(|a, b| a.report.path.cmp(&b.report.path));
    run.input_errors
        .extend(crate::only_skipped(outcomes.len(), run.report.skipped));
    for outcome in outcomes {
        run.diff.push_str(&outcome.diff);
        if outcome.stdin_text.is_some() {
            run.stdin_text = outcome.stdin_text;
        }
        run.write_errors.extend(outcome.write_error);
        run.report.files.push(outcome.report);
    }
    run
}

fn fix_input(input: &Input, options: &Options, mode: Mode) -> Result<FileOutcome, InputError> {
    let format = match input {
        Input::File { format, .. } | Input::Stdin { format } => *format,
    };
    let unchanged = |report: FileReport| FileOutcome {
        report,
        diff: String::new(),
        stdin_text: None,
        write_error: None,
    };
    let bytes = match source::read_bytes(input, options.max_file_size) {
        Ok(bytes) => bytes,
        Err(ReadFailure::Input(error)) => return Err(error),
        // Too large or not UTF-8: reported as the check reports it, nothing to fix.
        Err(ReadFailure::Decode(_)) => {
            return crate::check::check_input(input, options).map(unchanged);
        }
    };
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let original_bytes = bytes.clone();
    let text = match source::decode(bytes) {
        Ok(text) => text,
        Err(_) => return crate::check::check_input(input, options).map(unchanged),
    };
    let name = input.display().to_owned();
    let source = SourceText::new(name.clone(), format, text.clone());
    let source = match input {
        Input::File { path, .. } => source.from_file(path),
        Input::Stdin { .. } => source,
    };
    let (original, fixed) = fix_text(source, options);
    let changed = fixed.text != text;
    let mut outcome = FileOutcome {
        report: fixed.report,
        diff: String::new(),
        stdin_text: None,
        write_error: None,
    };
    match (mode, input) {
        (Mode::Diff, _) if changed => {
            outcome.diff = diff::unified(&name, &original, &outcome.report);
        }
        (Mode::Diff, _) => {}
        (Mode::Write, Input::Stdin { .. }) => {
            outcome.stdin_text = Some(fixed.text);
        }
        (Mode::Write, Input::File { path, .. }) if changed => {
            let mut bytes = Vec::with_capacity(fixed.text.len() + 3);
            if bom {
                bytes.extend_from_slice(b"\xEF\xBB\xBF");
            }
            bytes.extend_from_slice(fixed.text.as_bytes());
            if let Err(error) = write::replace_file(path, &original_bytes, &bytes) {
                outcome.write_error = Some(format!("cannot write `{name}`: {error}"));
                // Nothing was written: what remains is what the file holds.
                outcome.report = original;
            }
        }
        (Mode::Write, Input::File { .. }) => {}
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(span: Span, replacement: &str) -> Edit {
        Edit {
            span,
            replacement: replacement.to_owned(),
        }
    }

    #[test]
    fn edits_apply_from_the_end_and_identical_ones_once() {
        let text = "abcdef";
        let edits = [
            edit(4..6, "X"),
            edit(0..1, ""),
            edit(4..6, "X"),
            edit(2..2, "+"),
        ];
        assert_eq!(apply(text, &edits), "b+cdX");
    }

    #[test]
    fn overlapping_edits_are_told_apart_from_adjacent_ones() {
        assert!(overlaps(&edit(0..3, ""), &edit(2..4, "")));
        assert!(!overlaps(&edit(0..2, ""), &edit(2..4, "")));
        assert!(overlaps(&edit(2..2, "a"), &edit(2..2, "b")));
        assert!(overlaps(&edit(2..2, "a"), &edit(2..4, "")));
    }

    #[test]
    fn only_findings_the_original_lacked_refuse_a_fix() {
        let diagnostic = |code: Code, pointer: &str| {
            let source = SourceText::new("t.yaml", source::Format::Yaml, "a: b\n".to_owned());
            Diagnostic::new(code, "m").at(crate::diagnostic::Location::new(
                &source,
                0,
                pointer,
                0..1,
            ))
        };
        let original = counted(&[diagnostic(Code::KeyMisspelled, "/clientID")]);
        assert_eq!(added_finding(&original, &[], &[]), None);
        assert_eq!(
            added_finding(
                &original,
                &[diagnostic(Code::ClientIdNotGuid, "/clientId")],
                &[]
            ),
            Some(Code::ClientIdNotGuid)
        );
        // Under a renamed key: the value is checked for the first time.
        assert_eq!(
            added_finding(
                &original,
                &[diagnostic(Code::ClientIdNotGuid, "/clientId")],
                &["/clientId".to_owned()]
            ),
            None
        );
        assert_eq!(
            added_finding(
                &original,
                &[diagnostic(Code::LoadSyntax, "/clientId")],
                &["/clientId".to_owned()]
            ),
            Some(Code::LoadSyntax)
        );
    }
}
