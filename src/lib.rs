//! connector-lint: checks the Appmixer Backoffice configuration of the Azure DevOps connector.
//!
//! The flow is one way: `source` reads inputs, `document` loads a spanned tree, `check` runs the
//! shape (`schema`) and the domain `rules` over each record, and `report` renders the diagnostics.
//!
//! Checking a text in memory, without files:
//!
//! ```
//! use connector_lint::check::{check_source, Options};
//! use connector_lint::source::{Format, SourceText};
//!
//! let text = "clientID: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: abc\n";
//! let source = SourceText::new("azdo.yaml", Format::Yaml, text.to_owned());
//! let report = check_source(source, &Options::default());
//! let first = &report.diagnostics[0];
//! assert_eq!(first.code.as_str(), "key/misspelled");
//! assert_eq!(first.message, "unknown key `clientID`: did you mean `clientId`?");
//! let location = first.location.as_ref().expect("a position");
//! assert_eq!((location.start.line, location.start.column), (1, 1));
//! ```

pub mod appmixer;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod config;
pub mod connectors;
pub mod diagnostic;
pub mod document;
pub mod env;
pub mod explain;
pub mod fix;
pub mod http;
pub mod live;
pub mod outcome;
pub mod probe;
pub mod record;
pub mod registration;
pub mod report;
pub mod rules;
pub mod schema;
pub mod secrets;
pub mod source;
pub mod suppress;

use rayon::prelude::*;

use std::cell::{Cell, RefCell};

use check::{Options, check_input};
use outcome::{Report, Summary};
use source::{Input, InputError};

/// Checks every input, in parallel, and returns the report sorted by path (inputs that cannot be
/// read at all come back as errors).
pub fn check_inputs(inputs: &[Input], options: &Options) -> (Report, Vec<InputError>) {
    let results: Vec<_> = inputs
        .par_iter()
        .map(|input| check_input(input, options))
        .collect();
    let mut errors: Vec<InputError> = results
        .iter()
        .filter_map(|result| result.as_ref().err().cloned())
        .collect();
    // Unwrapping the reports in place keeps them from being held twice.
    let mut report = Report::default();
    for (input, result) in inputs.iter().zip(results) {
        match result {
            Ok(file) if is_skipped(input, &file) => report.skipped += 1,
            Ok(file) => report.files.push(file),
            Err(_) => {}
        }
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(error) = only_skipped(report.files.len(), report.skipped) {
        errors.push(error);
    }
    (report, errors)
}

/// A file found in a walked directory that is not a connector configuration (a workflow,
/// `package.json`) is left out of the report and counted; a file the user named is checked.
fn is_skipped(input: &Input, file: &outcome::FileReport) -> bool {
    input.is_walked() && !file.looks_like_config
}

/// Nothing was checked because every file found was skipped: that is no pass (exit 2).
pub(crate) fn only_skipped(checked: usize, skipped: usize) -> Option<InputError> {
    (checked == 0 && skipped > 0).then_some(InputError::OnlyUnrelated(skipped))
}

/// Files checked, rendered and written at once by [`check_to_json`]: enough to keep every
/// thread busy, few enough that memory stays flat.
const JSON_CHUNK: usize = 512;

/// [`check_inputs`] and the JSON report in one pass, for runs where nothing changes a file's
/// report after it is checked (no probe): a chunk of inputs is checked in parallel, each file's
/// entry rendered on the thread that checked it, the chunk written, and only the counts kept.
/// `inputs` must be sorted by path (the report order). Returns the summary and the inputs that
/// could not be read; also, with the write error, when the report could not be written.
pub fn check_to_json(
    inputs: &[Input],
    options: &Options,
    out: &mut dyn std::io::Write,
) -> Result<(Summary, Vec<InputError>), CheckToJsonError> {
    let summary = Cell::new(Summary::default());
    let errors = RefCell::new(Vec::new());
    let chunks = inputs.chunks(JSON_CHUNK).map(|chunk| {
        let checked: Vec<_> = chunk
            .par_iter()
            .map(|input| {
                check_input(input, options).map(|file| {
                    if is_skipped(input, &file) {
                        let skipped = Summary {
                            skipped: 1,
                            ..Summary::default()
                        };
                        return (None, skipped);
                    }
                    (
                        Some(report::json::render_entry(&file)),
                        Summary::of_file(&file),
                    )
                })
            })
            .collect();
        let mut entries = Vec::with_capacity(checked.len());
        for result in checked {
            match result {
                Ok((None, counts)) => {
                    let mut total = summary.get();
                    total.add(counts);
                    summary.set(total);
                }
                Ok((Some(entry), counts)) => {
                    let mut total = summary.get();
                    total.add(counts);
                    summary.set(total);
                    entries.push(entry);
                }
                Err(error) => errors.borrow_mut().push(error),
            }
        }
        entries
    });
    // A failed write (a closed pipe) does not stop the check: the exit status still counts
    // every file.
    let mut out = KeepGoing { out, error: None };
    let written = report::json::write_streamed(chunks, || summary.get(), &mut out)
        .and_then(|()| std::io::Write::flush(&mut out));
    let mut errors = errors.into_inner();
    errors.extend(only_skipped(summary.get().files, summary.get().skipped));
    match out.error.map_or(written, Err) {
        Ok(()) => Ok((summary.get(), errors)),
        Err(error) => Err(CheckToJsonError {
            error,
            summary: summary.get(),
            input_errors: errors,
        }),
    }
}

/// The report could not be written to the end; the files were all checked all the same.
#[derive(Debug)]
pub struct CheckToJsonError {
    pub error: std::io::Error,
    pub summary: Summary,
    pub input_errors: Vec<InputError>,
}

/// A writer that, after its first error, accepts and drops everything, remembering the error.
struct KeepGoing<'a> {
    out: &'a mut dyn std::io::Write,
    error: Option<std::io::Error>,
}

impl std::io::Write for KeepGoing<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.error.is_none()
            && let Err(error) = self.out.write_all(bytes)
        {
            self.error = Some(error);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.error.is_none()
            && let Err(error) = self.out.flush()
        {
            self.error = Some(error);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts `room` bytes, then fails like a pipe whose reader has gone.
    struct ClosingPipe {
        room: usize,
    }

    impl std::io::Write for ClosingPipe {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            let taken = bytes.len().min(self.room);
            self.room -= taken;
            Ok(taken)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn inputs_in(dir: &std::path::Path, count: usize) -> Vec<Input> {
        (0..count)
            .map(|index| {
                let path = dir.join(format!("config-{index:04}.yaml"));
                // Every third file lacks its secret: one `key/missing` error each.
                let secret = if index % 3 == 0 {
                    ""
                } else {
                    "clientSecret: ${S}\n"
                };
                std::fs::write(
                    &path,
                    format!("clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\n{secret}"),
                )
                .unwrap();
                Input::File {
                    display: path.display().to_string(),
                    path,
                    format: source::Format::Yaml,
                    walked: true,
                }
            })
            .collect()
    }

    /// The streamed report is the report `check_inputs` gives, and a reader that goes away
    /// early stops the writing, not the counting.
    #[test]
    fn streamed_json_counts_every_file_even_when_the_reader_leaves() {
        let dir = tempfile::tempdir().unwrap();
        let count = JSON_CHUNK * 2 + 7;
        let inputs = inputs_in(dir.path(), count);
        let options = Options::default();
        let (report, _) = check_inputs(&inputs, &options);
        let expected = report::render(&report, report::Format::Json, report::Style::default());

        let mut whole = Vec::new();
        let (summary, errors) = check_to_json(&inputs, &options, &mut whole).unwrap();
        assert_eq!(String::from_utf8(whole).unwrap(), expected);
        assert_eq!(summary, report.summary());
        assert!(errors.is_empty());

        let failed = check_to_json(&inputs, &options, &mut ClosingPipe { room: 100 }).unwrap_err();
        assert_eq!(failed.error.kind(), std::io::ErrorKind::BrokenPipe);
        assert_eq!(failed.summary, summary);
        assert_eq!(summary.files, count);
        assert!(summary.errors >= count / 3, "{summary:?}");
    }
}
