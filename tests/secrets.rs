//! The secret matrix: every fixture runs through every output format (and every way the human
//! format draws, and `--output FILE`), and the run fails if a secret value appears anywhere in
//! standard output, standard error or the written report.
//!
//! Two families of inputs:
//! - `fixtures/secrets/`: the hard cases. Every secret written in them, and every secret the test
//!   puts in the environment, contains the marker `LEAK`; no output may contain the marker at all,
//!   so even a partly shown secret fails. A second table checks that each hard case really
//!   produced the diagnostic it is there for (a syntax error on the secret's line proves nothing
//!   if the file happens to parse).
//! - every other fixture of the repository, with the environment and arguments it declares in its
//!   `# env:` / `# args:` header; its secrets are the values written after a key containing
//!   `secret` and the values of the secret variables it sets.
//!
//! Every run also sets `RUST_LOG=trace` and `RUST_BACKTRACE=full`: the tool has no logger, and
//! this proves that turning one on by environment shows nothing more.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// Marker contained in every secret of `fixtures/secrets/` and of `SECRET_ENVIRONMENT`.
const MARKER: &str = "LEAK";

/// The variables the hard cases reference; each value holds the marker.
const SECRET_ENVIRONMENT: &[(&str, &str)] = &[
    ("LINT_SECRET_ENV", "Ev1Q~LEAKfromTheEnvironment.0123"),
    ("LINT_SECRET_PADDED", "  Ev2Q~LEAKpaddedWithSpaces.456  "),
    ("LINT_SECRET_AS_ID", "Ev3Q~LEAKusedAsIdAndSecret.789"),
    ("LINT_SECRET_QUOTED", "\"Ev4Q~LEAKquotedInTheVariable\""),
];

/// Environment variables as (name, value).
type Environment = &'static [(&'static str, &'static str)];

/// Every way a report is shown: (name, extra arguments, extra environment).
const VARIANTS: &[(&str, &[&str], Environment)] = &[
    ("human", &["--format", "human"], &[]),
    (
        "human-narrated",
        &["--format", "human"],
        &[("NO_GRAPHICS", "1")],
    ),
    (
        "human-color",
        &["--format", "human", "--color", "always"],
        &[],
    ),
    ("json", &["--format", "json"], &[]),
    ("sarif", &["--format", "sarif"], &[]),
    ("github", &["--format", "github"], &[]),
    ("azure", &["--format", "azure"], &[]),
    ("junit", &["--format", "junit"], &[]),
    ("gitlab", &["--format", "gitlab"], &[]),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one run showed: stdout, stderr and the `--output` file, if one was written.
struct Shown {
    status: i32,
    texts: Vec<(&'static str, String)>,
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the binary with a clean environment plus `env`.
fn run(
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<Vec<u8>>,
    output: Option<&Path>,
) -> Shown {
    let mut command = Command::cargo_bin("connector-lint").expect("the binary is built");
    command
        .current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "full")
        .env("COLUMNS", "80")
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    if let Some(path) = output {
        command.arg("--output").arg(path);
    }
    if let Some(bytes) = stdin {
        command.write_stdin(bytes);
    }
    let result = command.output().expect("the binary runs");
    let mut texts = vec![
        ("stdout", lossy(&result.stdout)),
        ("stderr", lossy(&result.stderr)),
    ];
    if let Some(path) = output {
        let written = std::fs::read(path).expect("the report file was written");
        texts.push(("--output file", lossy(&written)));
    }
    Shown {
        status: result.status.code().unwrap_or(-1),
        texts,
    }
}

/// Fails with the offending lines when any shown text contains any of `secrets`.
fn assert_hidden(shown: &Shown, secrets: &[String], what: &str) {
    assert!(
        matches!(shown.status, 0..=2),
        "{what}: exit status {}",
        shown.status
    );
    for (stream, text) in &shown.texts {
        for secret in secrets {
            if let Some(line) = text.lines().find(|line| line.contains(secret.as_str())) {
                panic!(
                    "{what}: `{secret}` appears in {stream}:\n{line}\n--- whole {stream} ---\n{text}"
                );
            }
        }
    }
}

fn secret_environment() -> Vec<(&'static str, &'static str)> {
    SECRET_ENVIRONMENT.to_vec()
}

// ---------------------------------------------------------------------------------------------
// The hard cases.

/// Each hard case, and a diagnostic (code, 1-based line) it must produce; the line is the one the
/// snippet is drawn around, so the masking of that neighbourhood is what the matrix proves.
const HARD_CASES: &[(&str, &str, usize)] = &[
    ("yaml-syntax-on-secret-line.yaml", "load/syntax", 3),
    ("yaml-syntax-after-secret.yaml", "load/syntax", 3),
    ("yaml-unterminated-quote.yaml", "load/syntax", 2),
    ("yaml-explicit-key-broken.yaml", "load/syntax", 4),
    ("tab-separator.yaml", "load/syntax", 2),
    ("sequence-under-secret.yaml", "load/syntax", 5),
    ("json-syntax-on-secret-line.json", "load/syntax", 3),
    ("json-syntax-after-secret.json", "load/syntax", 3),
    ("json-one-line-broken.json", "load/syntax", 1),
    ("json-one-line.json", "redirect-uri/insecure-scheme", 1),
    ("json-value-on-next-line.json", "load/syntax", 5),
    ("json-key-colon-split.json", "load/syntax", 5),
    ("json-sequence.json", "service-id/misspelled", 4),
    ("yaml-sequence.yaml", "load/not-a-record", 9),
    ("duplicate-key.yaml", "load/duplicate-key", 3),
    ("duplicate-key.json", "load/duplicate-key", 4),
    ("secret-named-keys.yaml", "key/unknown", 4),
    ("secret-named-keys.yaml", "key/unknown", 5),
    ("flow-mapping.yaml", "client-id/not-guid", 1),
    ("flow-mapping-multiline.yaml", "key/unknown", 3),
    ("block-scalars.yaml", "client-secret/unrecognized-format", 4),
    ("block-scalars.yaml", "key/unknown", 12),
    ("block-scalars.yaml", "redirect-uri/not-api-host", 17),
    (
        "secret-in-other-keys.yaml",
        "client-secret/equals-client-id",
        3,
    ),
    ("secret-in-other-keys.yaml", "redirect-uri/has-query", 4),
    ("secret-in-other-keys.yaml", "tenant/invalid", 5),
    ("commented-secret.yaml", "redirect-uri/not-api-host", 6),
    ("alias.yaml", "key/unknown", 1),
    ("alias.yaml", "client-secret/equals-client-id", 5),
    ("quoted.yaml", "value/surrounding-quotes", 3),
    ("quoted.yaml", "value/surrounding-whitespace", 6),
    ("env.yaml", "value/surrounding-whitespace", 6),
    ("env.yaml", "env/undefined", 9),
    ("env.yaml", "client-secret/equals-client-id", 12),
    ("env.yaml", "value/surrounding-quotes", 15),
    ("stream.yaml", "load/syntax", 6),
    ("wrong-type.yaml", "key/wrong-type", 3),
];

/// The secrets a hard-case run must not show: the marker, and the environment's values.
fn hard_secrets() -> Vec<String> {
    let mut secrets = vec![MARKER.to_owned()];
    secrets.extend(
        SECRET_ENVIRONMENT
            .iter()
            .map(|(_, value)| value.trim().trim_matches('"').to_owned()),
    );
    secrets
}

fn hard_case_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/secrets"))
        .expect("fixtures/secrets exists")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    files
}

#[test]
fn every_hard_case_produces_the_diagnostic_it_is_there_for() {
    let shown = run(
        &["check", "fixtures/secrets", "--format", "json"],
        &secret_environment(),
        None,
        None,
    );
    let report: serde_json::Value =
        serde_json::from_str(&shown.texts[0].1).expect("the JSON report parses");
    let mut found: BTreeMap<(String, String, u64), ()> = BTreeMap::new();
    for file in report["files"].as_array().expect("files") {
        let path = file["path"].as_str().expect("path");
        let name = path.rsplit('/').next().unwrap_or(path).to_owned();
        for diagnostic in file["diagnostics"].as_array().expect("diagnostics") {
            let code = diagnostic["code"].as_str().expect("code").to_owned();
            let line = diagnostic["line"].as_u64().unwrap_or(0);
            found.insert((name.clone(), code, line), ());
        }
    }
    for (file, code, line) in HARD_CASES {
        assert!(
            found.contains_key(&(file.to_string(), code.to_string(), *line as u64)),
            "{file}: expected {code} on line {line}; found {:#?}",
            found
                .keys()
                .filter(|key| key.0 == *file)
                .collect::<Vec<_>>()
        );
    }
    // Every hard case is in the table, so none is there without a purpose.
    for file in hard_case_files() {
        let name = file
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        assert!(
            HARD_CASES.iter().any(|(case, ..)| *case == name),
            "{name} is not in HARD_CASES"
        );
    }
}

#[test]
fn hard_cases_show_no_secret_in_any_format() {
    let secrets = hard_secrets();
    for (name, args, extra) in VARIANTS {
        let mut env = secret_environment();
        env.extend_from_slice(extra);
        let mut all = vec!["check", "fixtures/secrets"];
        all.extend_from_slice(args);
        let shown = run(&all, &env, None, None);
        assert_eq!(shown.status, 1, "{name}: the hard cases hold errors");
        assert_hidden(&shown, &secrets, &format!("fixtures/secrets as {name}"));
    }
}

#[test]
fn hard_cases_show_no_secret_in_a_report_file() {
    let secrets = hard_secrets();
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, args, extra) in VARIANTS {
        let mut env = secret_environment();
        env.extend_from_slice(extra);
        let mut all = vec!["check", "fixtures/secrets"];
        all.extend_from_slice(args);
        let output = dir.path().join(format!("report-{name}.txt"));
        let shown = run(&all, &env, None, Some(&output));
        assert_hidden(&shown, &secrets, &format!("--output as {name}"));
    }
}

#[test]
fn hard_cases_on_standard_input_show_no_secret() {
    let secrets = hard_secrets();
    for file in hard_case_files() {
        let bytes = std::fs::read(&file).expect("the fixture reads");
        let stdin_format = match file.extension().and_then(|ext| ext.to_str()) {
            Some("json") => "json",
            _ => "yaml",
        };
        for format in ["human", "json", "sarif"] {
            let shown = run(
                &[
                    "check",
                    "-",
                    "--stdin-format",
                    stdin_format,
                    "--format",
                    format,
                ],
                &secret_environment(),
                Some(bytes.clone()),
                None,
            );
            assert_hidden(
                &shown,
                &secrets,
                &format!("{} on stdin as {format}", file.display()),
            );
        }
    }
}

/// Files the test writes itself: a secret next to bytes that are not UTF-8 (the snippet is drawn
/// from the lossy text), and inside the invalid sequence's line.
#[test]
fn not_utf8_files_show_no_secret() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cases: &[(&str, &[u8])] = &[
        (
            "bad-byte-in-secret.yaml",
            b"clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: Nu1Q~LEAKbefore\xFFafterLEAK\n",
        ),
        (
            "bad-byte-next-line.yaml",
            b"clientSecret: Nu2Q~LEAKnextToABadByte\nclientId: \xC3\x28\n",
        ),
        (
            "bad-byte-before.json",
            b"{\"x\": \"\xFE\",\n \"clientSecret\": \"Nu3Q~LEAKjsonAfterBadByte\"}\n",
        ),
        (
            "utf16.yaml",
            b"\xFF\xFEc\x00l\x00i\x00e\x00n\x00t\x00S\x00e\x00c\x00r\x00e\x00t\x00:\x00 \x00L\x00E\x00A\x00K\x00\n\x00",
        ),
    ];
    for (name, bytes) in cases {
        std::fs::write(dir.path().join(name), bytes).expect("write the case");
    }
    let path = dir
        .path()
        .to_str()
        .expect("a UTF-8 temporary path")
        .to_owned();
    for (variant, args, extra) in VARIANTS {
        let mut all = vec!["check", path.as_str()];
        all.extend_from_slice(args);
        let shown = run(&all, extra, None, None);
        assert_eq!(shown.status, 1, "{variant}");
        if *variant == "json" {
            assert_eq!(
                shown.texts[0].1.matches("\"load/not-utf8\"").count(),
                cases.len(),
                "every case is refused as not UTF-8: {}",
                shown.texts[0].1
            );
        }
        // The UTF-16 file spells the marker with NUL bytes between its letters.
        let secrets = vec![MARKER.to_owned(), "L\0E\0A\0K".to_owned()];
        assert_hidden(&shown, &secrets, &format!("not UTF-8 as {variant}"));
    }
}

// ---------------------------------------------------------------------------------------------
// Every other fixture of the repository.

/// A group of fixtures that run with the same declared environment and arguments.
#[derive(Default)]
struct Group {
    files: Vec<String>,
    secrets: Vec<String>,
}

/// Values after a key whose name contains `secret`, as written on the line (unquoted).
fn literal_secrets(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start().trim_start_matches(['#', '-', '{', ' ']);
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        if !key.to_ascii_lowercase().contains("secret") {
            continue;
        }
        let value = value
            .trim()
            .trim_end_matches(',')
            .trim_end_matches('}')
            .trim()
            .trim_matches(['"', '\''])
            .trim();
        found.push(value.to_owned());
    }
    found
}

/// A fixture's declared environment and arguments.
type Declared = (Vec<(String, String)>, Vec<String>);

fn fixture_groups() -> BTreeMap<Declared, Group> {
    let mut groups: BTreeMap<Declared, Group> = BTreeMap::new();
    let catalogue_text =
        std::fs::read_to_string(root().join("docs/rules.md")).expect("docs/rules.md reads");
    let walker = walk(&root().join("fixtures"));
    for path in walker {
        let relative = path
            .strip_prefix(root())
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        if relative.starts_with("fixtures/secrets/") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("the fixture reads");
        let text = lossy(&bytes);
        let mut env = Vec::new();
        let mut args = Vec::new();
        for line in text.lines() {
            if let Some(assignment) = line.strip_prefix("# env: ") {
                if let Some((name, value)) = assignment.split_once('=') {
                    env.push((name.to_owned(), value.to_owned()));
                }
            } else if let Some(rest) = line.strip_prefix("# args: ") {
                args.extend(rest.split_whitespace().map(str::to_owned));
            }
        }
        // The environment the valid-env fixtures are checked with (see tests/rules_fixtures.rs).
        if relative.starts_with("fixtures/valid-env/") {
            env.push((
                "AZDO_CLIENT_SECRET".to_owned(),
                "Q7f8Q~validEnvironmentSecret.0123456789ab".to_owned(),
            ));
        }
        env.sort();
        let mut secrets = literal_secrets(&text);
        secrets.extend(
            env.iter()
                .filter(|(name, _)| name.to_ascii_uppercase().contains("SECRET"))
                .map(|(_, value)| value.trim().trim_matches(['"', '\'']).to_owned()),
        );
        // Shorter values are common words (`xxx`, `TODO`) that also occur in help texts; the tool
        // scrubs values from six characters on (report/redact.rs), and masks every one in snippets.
        secrets.retain(|secret| secret.chars().count() >= 6 && !secret.contains("${"));
        // A placeholder the catalogue itself names (`YOUR_CLIENT_SECRET`) is printed as rule
        // metadata whatever the input; docs/rules.md is generated from that catalogue.
        secrets.retain(|secret| !catalogue_text.contains(secret.as_str()));
        let group = groups.entry((env, args)).or_default();
        group.files.push(relative);
        group.secrets.extend(secrets);
    }
    groups
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a fixture directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|ext| ext.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_fixture_shows_no_secret_in_any_format() {
    let groups = fixture_groups();
    assert!(groups.len() > 3, "fixtures were found");
    let mut runs = 0;
    for ((env, args), group) in &groups {
        if group.secrets.is_empty() {
            continue;
        }
        for (variant, variant_args, extra) in VARIANTS {
            let mut all: Vec<&str> = vec!["check"];
            all.extend(group.files.iter().map(String::as_str));
            all.extend(args.iter().map(String::as_str));
            all.extend_from_slice(variant_args);
            let mut environment: Vec<(&str, &str)> = env
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();
            environment.extend_from_slice(extra);
            let shown = run(&all, &environment, None, None);
            assert_hidden(
                &shown,
                &group.secrets,
                &format!("{:?} as {variant}", group.files),
            );
            runs += 1;
        }
    }
    assert!(runs >= VARIANTS.len() * 3, "only {runs} runs");
}

/// UTF-16 without a byte order mark is valid UTF-8 (ASCII with a NUL after every letter), so it
/// is loaded, fails as a syntax error, and its snippet must still mask the secret.
#[test]
fn utf16_without_byte_order_mark_shows_no_secret() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let text =
        "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: Nu4Q~LEAKutf16NoBom\n";
    let little: Vec<u8> = text.bytes().flat_map(|byte| [byte, 0]).collect();
    let big: Vec<u8> = text.bytes().flat_map(|byte| [0, byte]).collect();
    std::fs::write(dir.path().join("utf16le.yaml"), little).expect("write");
    std::fs::write(dir.path().join("utf16be.json"), big).expect("write");
    let path = dir
        .path()
        .to_str()
        .expect("a UTF-8 temporary path")
        .to_owned();
    let secrets = vec![
        MARKER.to_owned(),
        "L\0E\0A\0K".to_owned(),
        "\0L\0E\0A\0K".to_owned(),
    ];
    for (variant, args, extra) in VARIANTS {
        let mut all = vec!["check", path.as_str()];
        all.extend_from_slice(args);
        let shown = run(&all, extra, None, None);
        assert_eq!(shown.status, 1, "{variant}");
        assert_hidden(&shown, &secrets, &format!("UTF-16 as {variant}"));
    }
}
