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
    ("block-scalars.yaml", "client-secret/malformed", 4),
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

// ---------------------------------------------------------------------------------------------
// The classes an attacker found (issue 12, and issue 17's escaped key), each with variants of its
// own. Every case is written by the test into a temporary directory, checked on its own in every
// format and human style, and must produce the diagnostic it is there for.

/// A current Entra secret (three characters, a digit, `Q~`, then 34 of `[A-Za-z0-9_~.-]`: 40 in
/// all) holding the marker, a tilde and a dot; `tag` makes it unique.
fn entra(tag: &str) -> String {
    let body = format!("{MARKER}{tag}~x.");
    let secret = format!(
        "Zq{}8Q~{body}{}",
        tag.len() % 10,
        "0123456789abcdefghijklmnopqrstuvwxyz"
    );
    let secret: String = secret.chars().take(40).collect();
    assert!(
        secret[6..]
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"_~.-".contains(&byte)),
        "{secret} is in the current format"
    );
    secret
}

/// A legacy secret (16 to 64 printable characters) with characters that every escaping changes:
/// `/` and `~` (JSON Pointer), `"` and `\` (JSON and YAML strings), `+`, `=` and `%` (URLs).
fn legacy(tag: &str) -> String {
    format!("{MARKER}{tag}/le~gacy\"Sec\\ret+Va%lue==")
}

/// A JSON string literal (also a YAML double-quoted scalar: JSON's escapes are YAML's).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string")
}

const GUID: &str = "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40";

/// A line a YAML loader refuses, right after the secret's line: the snippet of the syntax error
/// shows the line before it.
const BROKEN: &str =
    "redirectUri: https://api.acme.appmixer.cloud/auth/azuredevops/callback: broken\n";

/// One case: its file name, its text, a code it must produce, and spellings of its secrets that
/// do not hold the marker as it is (escaped copies), which must not be shown either.
struct Case {
    name: String,
    text: String,
    code: &'static str,
    hidden: Vec<String>,
}

fn case(name: &str, text: String, code: &'static str) -> Case {
    Case {
        name: name.to_owned(),
        text,
        code,
        hidden: Vec::new(),
    }
}

fn issue_cases() -> Vec<Case> {
    let mut cases = vec![
        // 1. Everything under a secret key is secret: keys of a mapping, of a nested mapping, of
        // a mapping in a list, however short.
        case(
            "keys-under-secret.yaml",
            format!(
                "clientId: {GUID}\nclientSecret:\n  {s}: 1\n  {s}: 2\n",
                s = entra("keyUnder")
            ),
            "load/duplicate-key",
        ),
        case(
            "keys-under-secret.json",
            format!(
                "{{\"clientId\": \"{GUID}\", \"clientSecret\": {{\"nested\": {{{s}: 1, {s}: 2}}}}}}\n",
                s = quoted(&legacy("nested"))
            ),
            "load/duplicate-key",
        ),
        case(
            "short-keys-under-secret.yaml",
            format!("clientId: {GUID}\nclientSecret:\n  {MARKER}: 1\n  {MARKER}: 2\n"),
            "load/duplicate-key",
        ),
        case(
            "items-under-secret.yaml",
            format!("clientId: {GUID}\nclientSecret: [{{{MARKER}a: 1, {MARKER}a: 2}}]\n"),
            "load/duplicate-key",
        ),
        // 2. A key equal to the secret: its pointer (`~0`, `~1`) is scrubbed too.
        case(
            "secret-as-key.yaml",
            format!(
                "clientId: {GUID}\nclientSecret: {s}\n{s}: oops\n",
                s = entra("asKey")
            ),
            "key/unknown",
        ),
        case(
            "legacy-secret-as-key.json",
            format!(
                "{{\"clientId\": \"{GUID}\", \"clientSecret\": {s}, {s}: 1}}\n",
                s = quoted(&legacy("asKey"))
            ),
            "key/unknown",
        ),
        // 3. Files that fail to parse: only the lexical scan stands between the secret and the
        // snippet.
        case(
            "client-secret-value-trailing-comma.json",
            format!(
                "{{\n  \"clientId\": \"{GUID}\",\n  \"Client secret value\": \"{}\",\n}}\n",
                entra("valueKey")
            ),
            "load/syntax",
        ),
        case(
            "spaced-key-trailing-comma.json",
            format!(
                "{{\n  \"Client Secret (prod)\" :\"{}\",\n  \"clientId\": \"{GUID}\",\n}}\n",
                entra("spacedKey")
            ),
            "load/syntax",
        ),
        case(
            "my-secret-key.yaml",
            format!(
                "clientId: {GUID}\nmy secret key: {}\n{BROKEN}",
                quoted(&legacy("mySecretKey"))
            ),
            "load/syntax",
        ),
        case(
            "explicit-key-with-comment.yaml",
            format!(
                "clientId: {GUID}\n? clientSecret # note: the value is below\n: {}\n{BROKEN}",
                entra("explicit")
            ),
            "load/syntax",
        ),
        case(
            "alias-key.yaml",
            format!(
                "keys: [&k clientSecret]\nclientId: {GUID}\n*k : {}\n{BROKEN}",
                entra("aliasKey")
            ),
            "load/syntax",
        ),
        case(
            "lone-colon.json",
            format!(
                "{{\n  \"clientId\": \"{GUID}\",\n  \"clientSecret\"\n  :\n  \"{}\"\n  \"x\": 1\n}}\n",
                entra("loneColon")
            ),
            "load/syntax",
        ),
        case(
            "no-colon.json",
            format!(
                "{{\n  \"clientId\": \"{GUID}\",\n  \"clientSecret\"\n  \"{}\",\n  \"x\": 1\n}}\n",
                entra("noColon")
            ),
            "load/syntax",
        ),
        case(
            "sequence-under-key.yaml",
            format!(
                "clientId: {GUID}\nclientSecret: [\n\"{}\"]\n{BROKEN}",
                entra("sequence")
            ),
            "load/syntax",
        ),
        case(
            "mapping-under-key.json",
            format!(
                "{{\"clientId\": \"{GUID}\", \"clientSecret\": {{\n\"value\":\n\"{}\"}},\n}}\n",
                entra("mapping")
            ),
            "load/syntax",
        ),
        case(
            "quoted-over-lines.yaml",
            format!(
                "clientId: {GUID}\nclientSecret: \"first line\n{}\"\n{BROKEN}",
                entra("multiLine")
            ),
            "load/syntax",
        ),
        case(
            "yaml-escape-in-key.yaml",
            format!(
                "clientId: {GUID}\n\"client\\x53ecret\": {}\n{BROKEN}",
                entra("yamlEscape")
            ),
            "load/syntax",
        ),
        case(
            "yaml-unicode-escape-in-key.yaml",
            format!(
                "clientId: {GUID}\n\"client\\u0053ecret\": {}\n{BROKEN}",
                entra("yamlEscape2")
            ),
            "load/syntax",
        ),
        case(
            "json-escape-in-key.json",
            format!(
                "{{\n  \"clientId\": \"{GUID}\",\n  \"client\\u0053ecret\": \"{}\",\n  \"\\u0063lient\\u0073\\u0065cret2\": \"{}\",\n}}\n",
                entra("jsonEscape"),
                entra("jsonEscape2")
            ),
            "load/syntax",
        ),
        case(
            "flow-mapping-goes-on.yaml",
            format!(
                "{{clientId: {GUID},\nclientSecret:\n{}, redirectUri: x,\n",
                entra("flowNext")
            ),
            "load/syntax",
        ),
        case(
            "flow-mapping-colon-next.yaml",
            format!(
                "{{clientId: {GUID}, clientSecret\n: {}, other: 1,\n",
                entra("flowColon")
            ),
            "load/syntax",
        ),
        // A plain scalar in a flow mapping goes on over the next line, whatever its indentation.
        case(
            "flow-scalar-goes-on.yaml",
            format!(
                "{{clientId: {GUID}, clientSecret: Qx1-first-half\n{MARKER}secondHalf-of-it, redirectUri: x\n"
            ),
            "load/syntax",
        ),
        case(
            "misspelled-key-broken.yaml",
            format!(
                "clientId: {GUID}\nclientSecert: {}\n{BROKEN}",
                entra("brokenTypo")
            ),
            "load/syntax",
        ),
        case(
            "misspelled-key-next-line-broken.yaml",
            format!(
                "clientId: {GUID}\nclient_secrte:\n  {}\n{BROKEN}",
                entra("brokenTypo2")
            ),
            "load/syntax",
        ),
        // 4. What the tool itself takes for a secret is masked like one: a misspelled secret key,
        // a `clientId` it calls a client secret Value, an escaped copy in another key.
        case(
            "misspelled-keys.yaml",
            format!(
                "- clientId: {GUID}\n  clientSecert: {}\n- clientId: {GUID}\n  clientScret: {}\n- clientId: {GUID}\n  client_secrte: {}\n- clientId: {GUID}\n  \"clientSec\\u200Bret\": {}\n",
                entra("typoOne"),
                entra("typoTwo"),
                entra("typoThree"),
                entra("zeroWidth")
            ),
            "key/misspelled",
        ),
        case(
            "client-id-holds-secret.yaml",
            format!(
                "clientId: {}\nclientSecret: ${{LINT_SECRET_ENV}}\n",
                entra("swapped")
            ),
            "client-id/not-guid",
        ),
        case(
            "client-id-holds-secret-only.yaml",
            format!("clientId: {}\n", entra("swappedAlone")),
            "client-id/not-guid",
        ),
        // 5. A complex key holding a secret key: the key as a whole is secret.
        case(
            "complex-key.yaml",
            format!(
                "clientId: {GUID}\nclientSecret: ${{LINT_SECRET_ENV}}\n? {{clientSecret: {MARKER}}}\n: 1\n? [{MARKER}x, clientSecret]\n: 2\n"
            ),
            "key/unknown",
        ),
    ];
    // Key names the word `secret` is only part of, one file each (a snippet shows the lines next
    // to the syntax error).
    for (index, key) in [
        "clientSecret(prod)",
        "secret/prod",
        "clientSecret[0]",
        "clientSecret\u{a0}",
        "\"api secret\u{a0}\"",
        "\"the Secret\"",
        "SECRET_KEY",
    ]
    .into_iter()
    .enumerate()
    {
        cases.push(case(
            &format!("odd-key-name-{index}.yaml"),
            format!(
                "clientId: {GUID}\n{key}: {}\n{BROKEN}",
                entra(&format!("oddKey{index}"))
            ),
            "load/syntax",
        ));
    }
    // An escaped copy of the secret in another key (JSON `\u`, YAML `\x`, a URL's `%7E`): no marker
    // as it is, so its spelling is listed.
    let secret = entra("copied");
    let json_copy = secret
        .replace('~', "\\u007e")
        .replacen(MARKER, "\\u004cEAK", 1);
    let url_copy = secret.replace('~', "%7E");
    let mut escaped = case(
        "escaped-copy.json",
        format!(
            "{{\n  \"clientId\": \"{GUID}\",\n  \"clientSecret\": \"{secret}\",\n  \"note\": \"{json_copy}\",\n  \"redirectUri\": \"https://api.acme.appmixer.cloud/auth/azuredevops/callback?s={url_copy}\"\n}}\n"
        ),
        "redirect-uri/has-query",
    );
    // The escaped `L` hides the marker: what follows it must not be shown either.
    escaped.hidden = vec!["EAKcopied".to_owned()];
    cases.push(escaped);
    let secret = entra("yamlCopy");
    let yaml_copy = secret.replace('~', "\\x7e").replacen(MARKER, "\\x4cEAK", 1);
    let mut escaped = case(
        "escaped-copy.yaml",
        format!("clientId: {GUID}\nclientSecret: {secret}\nnote: \"{yaml_copy}\"\n"),
        "key/unknown",
    );
    escaped.hidden = vec!["EAKyamlCopy".to_owned()];
    cases.push(escaped);
    // 5. A file named after the secret.
    let secret = entra("fileName");
    cases.push(case(
        &format!("{secret}.yaml"),
        format!("clientId: not-a-guid\nclientSecret: {secret}\n"),
        "client-id/not-guid",
    ));
    cases
}

/// Runs every case on its own through every format and human style, and collects what leaked
/// (all cases run, so a failure lists every class that leaks, not the first).
#[test]
fn every_class_of_the_attack_shows_no_secret_in_any_format() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cases = issue_cases();
    for case in &cases {
        std::fs::write(dir.path().join(&case.name), &case.text).expect("write the case");
    }
    let mut leaks = Vec::new();
    for case in &cases {
        let path = dir.path().join(&case.name);
        let path = path.to_str().expect("a UTF-8 temporary path");
        let mut secrets = hard_secrets();
        secrets.extend(case.hidden.iter().cloned());
        let json = run(
            &["check", path, "--format", "json"],
            &secret_environment(),
            None,
            None,
        );
        if !json.texts[0]
            .1
            .contains(&format!("\"code\": \"{}\"", case.code))
        {
            leaks.push(format!(
                "{}: no {} in\n{}",
                case.name, case.code, json.texts[0].1
            ));
        }
        for (variant, args, extra) in VARIANTS {
            let mut env = secret_environment();
            env.extend_from_slice(extra);
            let mut all = vec!["check", path];
            all.extend_from_slice(args);
            let shown = run(&all, &env, None, None);
            for (stream, text) in &shown.texts {
                for secret in &secrets {
                    if let Some(line) = text.lines().find(|line| line.contains(secret.as_str())) {
                        leaks.push(format!("{} as {variant}, {stream}: {line}", case.name));
                    }
                }
            }
        }
        // The same text on standard input.
        let stdin_format = if case.name.ends_with(".json") {
            "json"
        } else {
            "yaml"
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
                Some(case.text.clone().into_bytes()),
                None,
            );
            for (stream, text) in &shown.texts {
                for secret in &secrets {
                    if let Some(line) = text.lines().find(|line| line.contains(secret.as_str())) {
                        leaks.push(format!(
                            "{} on stdin as {format}, {stream}: {line}",
                            case.name
                        ));
                    }
                }
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Escapes and injected CI commands: nothing from a path, a file or the command line reaches a
// terminal as an escape sequence or a CI log as a command.

/// What a CI runner would execute, or a terminal interpret, in an output: a line (Azure Pipelines
/// also ends one at a bare `\r`) holding `##vso[` or `##[` anywhere, or starting with `::` after
/// blanks; an ESC or BEL anywhere. The format's own commands are allowed where it means them:
/// `github` lines that start with its annotation commands, `azure` lines that start with its
/// logging commands (and hold no second one).
fn commands_in(text: &str, format: &str) -> Vec<String> {
    let mut found = Vec::new();
    if text.contains(['\u{1b}', '\u{7}']) {
        found.push(format!("a terminal control character in {text:?}"));
    }
    for line in text.split(['\n', '\r']) {
        let own = match format {
            "github" => [
                "::error ",
                "::warning ",
                "::notice ",
                "::error::",
                "::warning::",
            ]
            .iter()
            .any(|start| line.starts_with(start)),
            "azure" => {
                (line.starts_with("##vso[task.logissue ")
                    || line.starts_with("##vso[task.complete "))
                    && line.matches("##vso[").count() == 1
            }
            _ => false,
        };
        if own && !line.contains("##[") && !(format == "github" && line.contains("##vso[")) {
            continue;
        }
        if line.contains("##vso[") || line.contains("##[") || line.trim_start().starts_with("::") {
            found.push(line.to_owned());
        }
    }
    found
}

/// Runs with `--color never` (colour is the tool's own escape sequences) in a clean environment.
fn run_plain(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Shown {
    let mut command = Command::cargo_bin("connector-lint").expect("the binary is built");
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let result = command.output().expect("the binary runs");
    Shown {
        status: result.status.code().unwrap_or(-1),
        texts: vec![
            ("stdout", lossy(&result.stdout)),
            ("stderr", lossy(&result.stderr)),
        ],
    }
}

const FORMATS: &[&str] = &[
    "human", "json", "sarif", "github", "azure", "junit", "gitlab",
];

#[test]
fn hostile_paths_never_become_commands_or_escapes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // A directory whose name holds ESC and BEL sequences (found by walking), and files whose
    // names hold a line break and then a command for each runner.
    let odd = dir.path().join("dir\u{1b}[31m\u{1b}]0;title\u{7}");
    std::fs::create_dir(&odd).expect("a directory");
    let record = "clientId: not-a-guid\nclientSecret: ${S}\nunknownKey: 1\n";
    let names = [
        "x\n##vso[task.setvariable variable=INJECTED]yes\n.yaml",
        "y\n::warning::injected\n.yaml",
        "z\r##vso[task.complete result=Succeeded;]done.yaml",
        "::error::at the start.yaml",
        "w\n  ::add-mask::indented\n.yaml",
    ];
    for name in names {
        std::fs::write(odd.join(name), record).expect("write a case");
    }
    for format in FORMATS {
        for args in [
            vec!["check", ".", "--format", format, "--color", "never"],
            vec![
                "check",
                ".",
                "--format",
                format,
                "--color",
                "never",
                "--deny-warnings",
            ],
        ] {
            let shown = run_plain(
                dir.path(),
                &args,
                &[("S", "Hs18Q~notASecretForThisTest.0123456789ab")],
            );
            assert_eq!(shown.status, 1, "{format}: {:?}", shown.texts);
            for (stream, text) in &shown.texts {
                let found = commands_in(text, if *stream == "stdout" { format } else { "" });
                assert!(
                    found.is_empty(),
                    "{format} {stream} would run or show as control: {found:#?}\n--- whole ---\n{text}"
                );
            }
            // The file was reported all the same, under a path that says which one.
            assert!(shown.texts[0].1.contains("injected"), "{format}");
        }
    }
    // The same names given on the command line, missing, and as `--output`.
    for name in names {
        let missing = format!("{name}.missing.yaml");
        let shown = run_plain(dir.path(), &["check", &missing], &[]);
        assert_eq!(shown.status, 2);
        assert!(
            shown.texts[1].1.contains("does not exist"),
            "{:?}",
            shown.texts
        );
        assert!(
            commands_in(&shown.texts[1].1, "").is_empty(),
            "{:?}",
            shown.texts
        );
    }
}

/// Values from the command line and the environment that are echoed in errors or notes on
/// standard error: neutralised, and a credential inside a URL is not shown.
#[test]
fn echoed_arguments_never_become_commands_escapes_or_leaks() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("a.yaml"),
        format!("clientId: {GUID}\nclientSecret: ${{S}}\n"),
    )
    .expect("write");
    let hostile = "\u{1b}[2J\u{7}\n::warning::injected\r##vso[task.setvariable variable=X]y";
    let token = format!("{MARKER}token");
    let urls = [
        format!("api.acme.appmixer.cloud/?token={token}"),
        format!("https://admin:{token}@[bad/"),
        format!("{hostile}{token}"),
        // Parses, and is refused for pointing at the Studio.
        format!("https://my.acme.appmixer.cloud/?token={token}#{token}"),
    ];
    // (arguments, environment)
    type Invocation = (Vec<String>, Vec<(String, String)>);
    let mut runs: Vec<Invocation> = Vec::new();
    for url in &urls {
        runs.push((
            vec![
                "check".into(),
                "a.yaml".into(),
                "--api-url".into(),
                url.clone(),
            ],
            vec![],
        ));
        runs.push((
            vec!["check".into(), "a.yaml".into()],
            vec![("APPMIXER_API_URL".into(), url.clone())],
        ));
    }
    let output = dir.path().join(format!("out{hostile}.txt"));
    let unwritable = dir
        .path()
        .join(format!("no{hostile}dir"))
        .join("report.txt");
    for target in [&output, &unwritable] {
        runs.push((
            vec![
                "check".into(),
                "a.yaml".into(),
                "--output".into(),
                target.to_string_lossy().into_owned(),
            ],
            vec![],
        ));
    }
    runs.push((vec!["explain".into(), hostile.into()], vec![]));
    runs.push((
        vec!["explain".into(), format!("client-secret/{hostile}")],
        vec![],
    ));
    runs.push((
        vec!["check".into(), format!("missing{hostile}.yaml")],
        vec![],
    ));
    runs.push((
        vec![
            "check".into(),
            "a.yaml".into(),
            "--format".into(),
            hostile.into(),
        ],
        vec![],
    ));
    runs.push((
        vec![
            "check".into(),
            "a.yaml".into(),
            "--authority".into(),
            format!("{hostile}{token}"),
            "--probe".into(),
        ],
        vec![],
    ));
    for (args, env) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut env: Vec<(&str, &str)> =
            env.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        env.push(("S", "Hs28Q~notASecretForThisTest.0123456789ab"));
        let shown = run_plain(dir.path(), &args, &env);
        assert!(matches!(shown.status, 0 | 2), "{args:?}: {}", shown.status);
        for (stream, text) in &shown.texts {
            let found = commands_in(text, "");
            assert!(found.is_empty(), "{args:?} {stream}: {found:#?}\n{text}");
            assert!(
                !text.contains(MARKER),
                "{args:?} {stream} shows the token:\n{text}"
            );
        }
    }
}
