//! End-to-end tests of the lint core through the binary: every load/service-id/key code on its
//! fixture at the right position, exit statuses, inputs, and snapshots of both report formats.

use std::path::Path;

use connector_lint::connectors::{PROFILES, Profile};

use assert_cmd::Command;
use serde_json::Value;

/// The synthetic secret the fixtures use; it must never appear in any output.
const FIXTURE_SECRET: &str = "Zk38Q~aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z";

fn lint() -> Command {
    let mut command = Command::cargo_bin("connector-lint").expect("binary is built");
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("NO_GRAPHICS")
        .env_remove("APPMIXER_API_URL")
        .env_remove("AZDO_CLIENT_SECRET");
    command
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command) -> Run {
    let output = command.output().expect("the binary runs");
    let run = Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stdout.contains(FIXTURE_SECRET) && !run.stderr.contains(FIXTURE_SECRET),
        "the secret leaked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    run
}

fn json_report(args: &[&str]) -> (i32, Value) {
    let run = run(lint().arg("check").arg("--format").arg("json").args(args));
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}):\n{}\n{}", run.stdout, run.stderr));
    (run.status, report)
}

/// (code, severity, pointer, line, column) of every diagnostic of the first file.
fn findings(report: &Value) -> Vec<(String, String, String, u64, u64)> {
    report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["severity"].as_str().unwrap_or_default().to_owned(),
                d["pointer"].as_str().unwrap_or("-").to_owned(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn every_core_code_fires_on_its_fixture_at_its_position() {
    // fixture, code, severity, pointer, line, column
    let cases: &[(&str, &str, &str, &str, u64, u64)] = &[
        ("load-syntax.yaml", "load/syntax", "error", "", 2, 11),
        ("load-syntax.json", "load/syntax", "error", "", 3, 53),
        (
            "load-duplicate-key.yaml",
            "load/duplicate-key",
            "error",
            "/clientId",
            4,
            1,
        ),
        (
            "load-duplicate-key.json",
            "load/duplicate-key",
            "error",
            "/clientSecret",
            3,
            2,
        ),
        ("load-not-utf8.yaml", "load/not-utf8", "error", "", 3, 18),
        ("load-empty.yaml", "load/empty", "error", "", 1, 1),
        ("load-empty-comments.yaml", "load/empty", "error", "", 1, 1),
        ("load-empty.json", "load/empty", "error", "", 1, 1),
        (
            "load-not-a-record.yaml",
            "load/not-a-record",
            "error",
            "",
            1,
            1,
        ),
        (
            "load-not-a-record-item.json",
            "load/not-a-record",
            "error",
            "/0",
            2,
            3,
        ),
        (
            "service-id-misspelled.yaml",
            "service-id/misspelled",
            "error",
            "/serviceId",
            1,
            12,
        ),
        (
            "service-id-unsupported.yaml",
            "service-id/unsupported",
            "info",
            "/serviceId",
            1,
            12,
        ),
        (
            "service-id-missing.yaml",
            "service-id/missing",
            "error",
            "/1",
            4,
            3,
        ),
        ("key-missing.yaml", "key/missing", "error", "", 1, 1),
        (
            "key-misspelled.yaml",
            "key/misspelled",
            "error",
            "/clientID",
            2,
            1,
        ),
        (
            "key-misspelled.yaml",
            "key/misspelled",
            "error",
            "/client_secret",
            3,
            1,
        ),
        (
            "key-misspelled.yaml",
            "key/misspelled",
            "error",
            "/redirectURI",
            4,
            1,
        ),
        ("key-unknown.yaml", "key/unknown", "warning", "/scope", 4, 1),
        (
            "key-wrong-type.yaml",
            "key/wrong-type",
            "error",
            "/outputFilePrefix",
            4,
            19,
        ),
        (
            "key-wrong-type.yaml",
            "key/wrong-type",
            "error",
            "/tenantId",
            5,
            9,
        ),
    ];
    for (fixture, code, severity, pointer, line, column) in cases {
        let path = format!("fixtures/invalid/{fixture}");
        let (status, report) = json_report(&[&path]);
        let found = findings(&report);
        let expected = (
            code.to_string(),
            severity.to_string(),
            pointer.to_string(),
            *line,
            *column,
        );
        assert!(
            found.contains(&expected),
            "{fixture}: expected {expected:?}, got {found:?}"
        );
        // A file holding only a record of another service checks nothing: exit 2 (SPEC).
        let expected_status = match (*severity, *code) {
            ("error", _) => 1,
            (_, "service-id/unsupported") => 2,
            _ => 0,
        };
        assert_eq!(status, expected_status, "{fixture}");
    }
}

#[test]
fn misspelled_keys_name_the_intended_key() {
    let (_, report) = json_report(&["fixtures/invalid/key-misspelled.yaml"]);
    let messages: Vec<&str> = report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    for intended in ["`clientId`", "`clientSecret`", "`redirectUri`"] {
        assert!(
            messages
                .iter()
                .any(|m| m.contains(&format!("did you mean {intended}"))),
            "{intended} not suggested in {messages:?}"
        );
    }
    // The misspelling explains the missing keys; they are not reported twice.
    assert!(findings(&report).iter().all(|f| f.0 != "key/missing"));
}

#[test]
fn valid_fixtures_have_no_error() {
    let (status, report) = json_report(&["fixtures/valid"]);
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(report["summary"]["errors"], 0);
    let on_disk = std::fs::read_dir("fixtures/valid")
        .expect("fixtures")
        .count();
    assert_eq!(report["summary"]["files"], on_disk as u64);
    for file in report["files"].as_array().expect("files") {
        for diagnostic in file["diagnostics"].as_array().expect("diagnostics") {
            assert_ne!(diagnostic["severity"], "error", "{diagnostic:#}");
        }
    }
}

#[test]
fn every_file_and_every_diagnostic_is_reported() {
    let (status, report) = json_report(&["fixtures/invalid"]);
    assert_eq!(status, 1);
    let files = report["files"].as_array().expect("files");
    let on_disk = std::fs::read_dir("fixtures/invalid")
        .expect("fixtures")
        .count();
    assert_eq!(files.len(), on_disk);
    let paths: Vec<&str> = files.iter().filter_map(|f| f["path"].as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "files are reported in path order");
    let total: usize = files
        .iter()
        .map(|f| f["diagnostics"].as_array().map_or(0, Vec::len))
        .sum();
    let summary = &report["summary"];
    let counted = summary["errors"].as_u64().unwrap_or(0)
        + summary["warnings"].as_u64().unwrap_or(0)
        + summary["infos"].as_u64().unwrap_or(0);
    assert_eq!(total as u64, counted);
    assert!(total >= 20);
}

#[test]
fn json_report_snapshot() {
    let (_, report) = json_report(&["fixtures/invalid", "fixtures/valid"]);
    insta::assert_json_snapshot!("json_report", report);
}

#[test]
fn plain_human_output_snapshot() {
    let result = run(lint().args(["check", "fixtures/invalid", "fixtures/valid"]));
    assert_eq!(result.status, 1);
    // Not a terminal: plain ASCII without colour and without hyperlinks.
    assert!(result.stdout.is_ascii(), "non-ASCII in plain output");
    assert!(
        !result.stdout.contains('\u{1b}'),
        "escape sequences in plain output"
    );
    insta::assert_snapshot!("human_plain", result.stdout);
}

#[test]
fn narrated_output_when_no_graphics_is_set() {
    let result = run(lint()
        .env("NO_GRAPHICS", "1")
        .args(["check", "fixtures/invalid/key-unknown.yaml"]));
    assert_eq!(result.status, 0);
    assert!(result.stdout.contains("unknown key `scope`"));
    assert!(
        !result.stdout.contains("|"),
        "narrated output draws no boxes:\n{}",
        result.stdout
    );
}

#[test]
fn colour_is_used_only_when_asked() {
    let coloured = run(lint().args([
        "check",
        "--color",
        "always",
        "fixtures/invalid/key-unknown.yaml",
    ]));
    assert!(coloured.stdout.contains('\u{1b}'));
    let plain = run(lint().args(["check", "fixtures/invalid/key-unknown.yaml"]));
    assert!(!plain.stdout.contains('\u{1b}'));
}

#[test]
fn secret_values_are_masked_in_snippets() {
    let result = run(lint().args(["check", "fixtures/invalid/load-duplicate-key.json"]));
    assert!(
        result.stdout.contains("\"clientSecret\": ****"),
        "{}",
        result.stdout
    );
}

#[test]
fn standard_input_is_read_with_its_format() {
    let yaml = std::fs::read("fixtures/invalid/key-unknown.yaml").expect("fixture");
    let mut command = lint();
    command
        .args(["check", "-", "--format", "json"])
        .write_stdin(yaml);
    let result = run(&mut command);
    let report: Value = serde_json::from_str(&result.stdout).expect("JSON");
    assert_eq!(report["files"][0]["path"], "-");
    assert!(
        findings(&report).iter().any(|f| f.0 == "key/unknown"),
        "{report:#}"
    );

    let json = std::fs::read("fixtures/invalid/load-syntax.json").expect("fixture");
    let mut command = lint();
    command
        .args(["check", "-", "--stdin-format", "json", "--format", "json"])
        .write_stdin(json);
    let result = run(&mut command);
    let report: Value = serde_json::from_str(&result.stdout).expect("JSON");
    assert_eq!(report["files"][0]["diagnostics"][0]["code"], "load/syntax");
}

#[test]
fn files_over_the_limit_are_refused_unread() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = directory.path().join("huge.yaml");
    let file = std::fs::File::create(&path).expect("create");
    // Sparse: two mebibytes on paper, nothing written; reading it whole would be the bug.
    file.set_len(2 * 1024 * 1024).expect("size");
    let path = path.to_string_lossy().into_owned();
    let (status, report) = json_report(&[&path]);
    assert_eq!(status, 1);
    assert_eq!(
        report["files"][0]["diagnostics"][0]["code"],
        "load/too-large"
    );

    let (status, report) = json_report(&["--max-file-size", "64", "fixtures/valid/azdo.yaml"]);
    assert_eq!(status, 1);
    assert_eq!(
        report["files"][0]["diagnostics"][0]["code"],
        "load/too-large"
    );
    let (status, _) = json_report(&["--max-file-size", "4KiB", "fixtures/valid/azdo.yaml"]);
    assert_eq!(status, 0);
}

#[test]
fn unreadable_inputs_exit_2() {
    let missing = run(lint().args(["check", "fixtures/does-not-exist.yaml"]));
    assert_eq!(missing.status, 2);
    assert!(
        missing.stderr.contains("does not exist"),
        "{}",
        missing.stderr
    );

    let empty = tempfile::tempdir().expect("temp dir");
    std::fs::write(empty.path().join("notes.txt"), "x").expect("write");
    let result = run(lint().arg("check").arg(empty.path()));
    assert_eq!(result.status, 2);
    assert!(result.stderr.contains("holds no"), "{}", result.stderr);

    let wrong_extension = run(lint().args(["check", "Cargo.toml"]));
    assert_eq!(wrong_extension.status, 2);

    let usage = run(lint().args(["check", "--format", "xml"]));
    assert_eq!(usage.status, 2);
}

fn committed_schema_path(profile: &Profile) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(profile.schema_file())
}

#[test]
fn schema_command_prints_the_committed_schema() {
    // Without an argument: the default connector's, whose file keeps its name.
    let result = run(lint().arg("schema"));
    assert_eq!(result.status, 0);
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/appmixer.azuredevops.schema.json"),
    )
    .expect("committed schema");
    assert_eq!(result.stdout, committed);
    for profile in PROFILES {
        let result = run(lint().args(["schema", profile.service_id]));
        assert_eq!(result.status, 0, "{}", profile.service_id);
        let committed =
            std::fs::read_to_string(committed_schema_path(profile)).expect("committed schema");
        assert_eq!(result.stdout, committed, "{}", profile.service_id);
    }
    let unknown = run(lint().args(["schema", "appmixer:microsoft.dynamics"]));
    assert_eq!(unknown.status, 2);
    assert!(
        unknown
            .stderr
            .contains("did you mean `appmixer:microsoft:dynamics`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn committed_schema_is_up_to_date() {
    for profile in PROFILES {
        let path = committed_schema_path(profile);
        let generated = connector_lint::schema::json_schema_text(profile);
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &generated).expect("write schema");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "schemas/{} is stale; regenerate it with `UPDATE_SCHEMA=1 cargo test --test cli committed_schema_is_up_to_date`",
            profile.schema_file()
        );
    }
}

#[test]
fn every_key_of_the_schema_has_a_title_and_description() {
    for profile in PROFILES {
        let schema = connector_lint::schema::json_schema(profile);
        let properties = schema["$defs"]["record"]["properties"]
            .as_object()
            .expect("record properties");
        let names: Vec<&str> = properties.keys().map(String::as_str).collect();
        let keys: Vec<&str> = profile.keys.iter().map(|key| key.name).collect();
        assert_eq!(names, keys);
        for (key, property) in properties {
            assert!(property["title"].is_string(), "{key} has no title");
            assert!(
                property["description"].is_string(),
                "{key} has no description"
            );
        }
    }
}

#[test]
fn terminal_escapes_in_a_file_never_reach_the_output() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = directory.path().join("escapes.yaml");
    std::fs::write(
        &path,
        "clientId: \"\u{1b}[31mred\u{1b}[0m\"\nclientSecret: ${S}\n\"x\u{1b}[2Jy\": 1\n",
    )
    .expect("write");
    for format in [
        "human", "json", "sarif", "github", "azure", "junit", "gitlab",
    ] {
        let result = run(lint().arg("check").arg(&path).args(["--format", format]));
        assert_eq!(result.status, 1, "{format}");
        assert!(
            !result.stdout.contains('\u{1b}'),
            "{format}: {}",
            result.stdout
        );
        assert!(
            !result.stderr.contains('\u{1b}'),
            "{format}: {}",
            result.stderr
        );
    }
}
