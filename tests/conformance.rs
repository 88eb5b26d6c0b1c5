//! Loader conformance: every JSONTestSuite and yaml-test-suite case from `../shared/conformance/`
//! goes through the real input path (read, decode, load, check). Cases that must be rejected give a
//! `load/*` error; cases that must be accepted never give `load/syntax`; nothing panics.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use connector_lint::catalogue::{Code, Severity};
use connector_lint::check::{Options, check_input};
use connector_lint::source::{Format, Input};

fn suite(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance")
        .join(name);
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

fn codes_of(path: &Path, format: Format) -> Vec<Code> {
    let input = Input::File {
        path: path.to_path_buf(),
        display: path.display().to_string(),
        format,
        walked: false,
        directory: None,
    };
    match check_input(&input, &Options::default()) {
        Ok(report) => report.diagnostics.iter().map(|d| d.code).collect(),
        Err(error) => panic!("{}: cannot be read: {error}", path.display()),
    }
}

fn is_load_error(code: Code) -> bool {
    code.as_str().starts_with("load/") && code.severity() == Severity::Error
}

fn sorted_files(directory: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(directory)
        .expect("suite directory")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    files.sort();
    files
}

#[test]
fn json_test_suite() {
    let Some(directory) = suite("json") else {
        return;
    };
    let mut failures = Vec::new();
    let files = sorted_files(&directory, "json");
    assert!(files.len() > 300, "the suite looks incomplete");
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let codes = codes_of(path, Format::Json);
        if name.starts_with("y_") && codes.contains(&Code::LoadSyntax) {
            failures.push(format!("{name}: must be accepted, got {codes:?}"));
        }
        if name.starts_with("n_") && !codes.iter().copied().any(is_load_error) {
            failures.push(format!("{name}: must be rejected, got {codes:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn yaml_test_suite() {
    let Some(directory) = suite("yaml") else {
        return;
    };
    let errors: HashSet<String> = std::fs::read_to_string(directory.join("ERRORS"))
        .expect("ERRORS list")
        .lines()
        .map(|line| line.trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect();
    let files = sorted_files(&directory, "yaml");
    assert!(files.len() > 300, "the suite looks incomplete");
    let mut failures = Vec::new();
    let mut rejected = 0;
    for path in &files {
        let id = path
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let codes = codes_of(path, Format::Yaml);
        if errors.contains(id) {
            rejected += 1;
            if !codes.iter().copied().any(is_load_error) {
                failures.push(format!("{id}: must be rejected, got {codes:?}"));
            }
        } else if codes.contains(&Code::LoadSyntax) {
            failures.push(format!("{id}: must be accepted, got {codes:?}"));
        }
    }
    assert_eq!(rejected, errors.len(), "every ERRORS case has a file");
    assert!(
        failures.is_empty(),
        "{} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
