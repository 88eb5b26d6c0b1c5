//! connector-lint: checks the Appmixer Backoffice configuration of the Azure DevOps connector.
//!
//! The flow is one way: `source` reads inputs, `document` loads a spanned tree, `check` runs the
//! shape (`schema`) and the domain `rules` over each record, and `report` renders the diagnostics.

pub mod catalogue;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod document;
pub mod env;
pub mod explain;
pub mod probe;
pub mod record;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;

use rayon::prelude::*;

use check::{Options, check_input};
use report::Report;
use source::{Input, InputError};

/// Checks every input, in parallel, and returns the report sorted by path (inputs that cannot be
/// read at all come back as errors).
pub fn check_inputs(inputs: &[Input], options: &Options) -> (Report, Vec<InputError>) {
    let results: Vec<_> = inputs
        .par_iter()
        .map(|input| check_input(input, options))
        .collect();
    let errors = results
        .iter()
        .filter_map(|result| result.as_ref().err().cloned())
        .collect();
    // Unwrapping the reports in place keeps them from being held twice.
    let mut report = Report {
        files: results.into_iter().filter_map(Result::ok).collect(),
    };
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    (report, errors)
}
