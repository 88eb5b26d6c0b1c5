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
pub mod directory;
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
pub mod run;
pub mod schema;
pub mod secrets;
pub mod source;
pub mod suppress;

use rayon::prelude::*;

use check::{Options, check_input};
use outcome::Report;
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
pub(crate) fn is_skipped(input: &Input, file: &outcome::FileReport) -> bool {
    input.is_walked() && !file.looks_like_config
}

/// Nothing was checked because every file found was skipped: that is no pass (exit 2).
pub(crate) fn only_skipped(checked: usize, skipped: usize) -> Option<InputError> {
    (checked == 0 && skipped > 0).then_some(InputError::OnlyUnrelated(skipped))
}
