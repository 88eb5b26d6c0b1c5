//! End-to-end tests of the CI formats: the binary runs on one shared multi-file fixture set
//! (`fixtures/formats/`: errors, warnings, an info, a clean file, a literal secret, broken JSON),
//! every format is snapshotted, parsed back the way its consumer parses it, and checked for the
//! fields that consumer requires.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use quick_xml::events::Event;
use serde_json::Value;

const FIXTURES: &str = "fixtures/formats";
/// The literal secret written in `secret.yaml` and `broken.json`.
const LITERAL_SECRET: &str = "Xq8Q~fixtureLiteralSecretValue.123";
const FORMATS: &[&str] = &[
    "human", "json", "sarif", "github", "azure", "junit", "gitlab",
];

struct Output {
    stdout: String,
    stderr: String,
    status: i32,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `connector-lint` in `dir` with a fixed, colour-free environment.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    let output = Command::cargo_bin("connector-lint")
        .expect("the binary is built")
        .current_dir(dir)
        .args(args)
        .env("AZDO_CLIENT_SECRET", "from-the-environment")
        .env_remove("APPMIXER_API_URL")
        .env_remove("NO_GRAPHICS")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("the binary runs");
    Output {
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        status: output.status.code().unwrap_or(-1),
    }
}

fn run(args: &[&str]) -> Output {
    run_in(&manifest_dir(), args)
}

fn check_fixtures(format: &str) -> Output {
    let output = run(&["check", FIXTURES, "--format", format]);
    assert_eq!(
        output.status, 1,
        "errors in the fixtures: {}",
        output.stderr
    );
    output
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

// ---------------------------------------------------------------------------------------------
// Snapshots: one per format, all from the same fixture set.

#[test]
fn snapshot_every_format() {
    for format in FORMATS {
        let output = check_fixtures(format);
        insta::assert_snapshot!(format!("fixtures_{format}"), output.stdout);
    }
}

#[test]
fn machine_formats_print_nothing_else_on_stdout() {
    for format in ["json", "sarif", "gitlab"] {
        json(&check_fixtures(format).stdout);
    }
    let junit = check_fixtures("junit").stdout;
    parse_junit(&junit);
    for line in check_fixtures("github").stdout.lines() {
        assert!(line.starts_with("::"), "not a workflow command: {line}");
    }
    for line in check_fixtures("azure").stdout.lines() {
        assert!(line.starts_with("##vso["), "not a logging command: {line}");
    }
}

// ---------------------------------------------------------------------------------------------
// No secret reaches any output.

#[test]
fn no_format_shows_the_literal_secret() {
    for format in FORMATS {
        let output = check_fixtures(format);
        assert!(
            !output.stdout.contains(LITERAL_SECRET) && !output.stderr.contains(LITERAL_SECRET),
            "{format} shows the secret"
        );
        assert!(
            !output.stdout.contains("from-the-environment"),
            "{format} shows the secret from the environment"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SARIF.

fn sarif_schema() -> Option<Value> {
    let path = manifest_dir().join("../shared/schemas/sarif-schema-2.1.0.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(json(&text)),
        Err(error) => {
            eprintln!(
                "skipping SARIF schema validation: {} not readable ({error})",
                path.display()
            );
            None
        }
    }
}

fn assert_valid_sarif(log: &Value) {
    let Some(schema) = sarif_schema() else {
        return;
    };
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
}

#[test]
fn sarif_schema_validation_is_not_vacuous() {
    let Some(schema) = sarif_schema() else {
        return;
    };
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let mut log = json(&check_fixtures("sarif").stdout);
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&log));
    log["runs"][0]["results"][0]["level"] = Value::from("error");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!validator.is_valid(&log));
}

#[test]
fn sarif_is_valid_and_complete() {
    let log = json(&check_fixtures("sarif").stdout);
    assert_valid_sarif(&log);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let rule_ids: Vec<&str> = rules
        .iter()
        .map(|rule| rule["id"].as_str().expect("rule id"))
        .collect();
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(
                rule[field]["text"]
                    .as_str()
                    .is_some_and(|text| !text.is_empty())
            );
        }
        assert!(
            rule["helpUri"]
                .as_str()
                .is_some_and(|uri| uri.starts_with("https://"))
        );
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(
        results.len(),
        fixture_totals().all(),
        "one result per diagnostic"
    );
    for result in results {
        let rule_id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rule_ids[index], rule_id);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().expect("level")));
        assert!(result["message"]["text"].as_str().is_some());
        let physical = &result["locations"][0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with("fixtures/formats/"), "relative uri: {uri}");
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &physical["region"];
        for field in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[field].as_u64().is_some_and(|n| n >= 1), "{field}");
        }
    }
    // Rules that fired only, each once.
    let mut sorted = rule_ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), rule_ids.len());
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_uris_are_relative_even_for_absolute_paths_and_stdin_has_none() {
    let absolute = manifest_dir().join(FIXTURES).join("errors.yaml");
    let output = run(&["check", &absolute.to_string_lossy(), "--format", "sarif"]);
    let log = json(&output.stdout);
    assert_valid_sarif(&log);
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/formats/errors.yaml"
    );

    let output = Command::cargo_bin("connector-lint")
        .expect("binary")
        .args(["check", "-", "--format", "sarif"])
        .write_stdin("clientId: 12\n")
        .output()
        .expect("runs");
    let log = json(&String::from_utf8_lossy(&output.stdout));
    assert_valid_sarif(&log);
    let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert!(location["artifactLocation"].get("uri").is_none());
    assert_eq!(
        location["artifactLocation"]["description"]["text"],
        "standard input"
    );
}

// ---------------------------------------------------------------------------------------------
// GitHub workflow commands, parsed back as the runner parses them (`ActionCommand.TryParseV2`).

#[derive(Debug)]
struct WorkflowCommand {
    command: String,
    properties: BTreeMap<String, String>,
    data: String,
}

fn github_unescape_property(value: &str) -> String {
    value
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn github_unescape_data(value: &str) -> String {
    value
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

fn parse_workflow_command(line: &str) -> WorkflowCommand {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let end = rest.find("::").expect("has a closing ::");
    let (head, data) = (&rest[..end], &rest[end + 2..]);
    let (command, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|property| !property.is_empty())
        .map(|property| {
            let (key, value) = property.split_once('=').expect("key=value");
            (key.to_owned(), github_unescape_property(value))
        })
        .collect();
    WorkflowCommand {
        command: command.to_owned(),
        properties,
        data: github_unescape_data(data),
    }
}

#[test]
fn github_commands_carry_every_annotation_field() {
    let output = check_fixtures("github").stdout;
    let commands: Vec<WorkflowCommand> = output.lines().map(parse_workflow_command).collect();
    assert_eq!(commands.len(), fixture_totals().all());
    for command in &commands {
        assert!(["error", "warning", "notice"].contains(&command.command.as_str()));
        for key in ["file", "line", "endLine", "title"] {
            assert!(command.properties.contains_key(key), "{key} in {command:?}");
        }
        let one_line = command.properties["line"] == command.properties["endLine"];
        for key in ["col", "endColumn"] {
            assert_eq!(
                command.properties.contains_key(key),
                one_line,
                "{key} in {command:?}"
            );
        }
    }
    let notice = commands
        .iter()
        .find(|command| command.command == "notice")
        .expect("the info is a notice");
    assert_eq!(notice.properties["title"], "service-id/unsupported");
    assert_eq!(
        notice.properties["file"],
        "fixtures/formats/nested/service-config.json"
    );
}

/// GitHub accepts `col` and `endColumn` only when the annotation starts and ends on one line: a
/// finding over several lines (a block scalar, a whole record) sends its lines alone, and the
/// one-line findings of the same file keep their columns.
#[test]
fn github_multi_line_findings_send_lines_without_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("azdo.yaml"),
        "serviceId: appmixer:azuredevops\nclientId: |\n  not-a-guid\n  second line\nredirectUri: http://api.acme.appmixer.cloud/auth/azuredevops/callback\n",
    )
    .expect("write");
    let output = run_in(dir.path(), &["check", "azdo.yaml", "--format", "github"]);
    assert_eq!(output.status, 1, "{}", output.stderr);
    let commands: Vec<WorkflowCommand> =
        output.stdout.lines().map(parse_workflow_command).collect();
    let find = |code: &str| {
        commands
            .iter()
            .find(|command| command.properties["title"] == code)
            .unwrap_or_else(|| panic!("{code} in {}", output.stdout))
    };
    for code in ["client-id/not-guid", "key/missing"] {
        let command = find(code);
        assert_ne!(
            command.properties["line"], command.properties["endLine"],
            "{command:?}"
        );
        assert!(!command.properties.contains_key("col"), "{command:?}");
        assert!(!command.properties.contains_key("endColumn"), "{command:?}");
    }
    let one_line = find("redirect-uri/insecure-scheme");
    assert_eq!(one_line.properties["line"], "5");
    assert_eq!(one_line.properties["endLine"], "5");
    assert_eq!(one_line.properties["col"], "14");
    assert!(one_line.properties.contains_key("endColumn"));
}

// ---------------------------------------------------------------------------------------------
// Azure Pipelines logging commands, parsed back as `azure-pipelines-task-lib` parses them
// (`commandFromString`).

fn azure_unescape_property(value: &str) -> String {
    value
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%5D", "]")
        .replace("%3B", ";")
        .replace("%AZP25", "%")
}

fn azure_unescape_data(value: &str) -> String {
    value
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%AZP25", "%")
}

fn parse_logging_command(line: &str) -> WorkflowCommand {
    let open = line.find('[').expect("[");
    let close = line.find(']').expect("]");
    assert!(line.starts_with("##vso["));
    let info = &line[open + 1..close];
    let (command, properties) = info.split_once(' ').unwrap_or((info, ""));
    let properties = properties
        .split(';')
        .map(str::trim)
        .filter(|property| !property.is_empty())
        .map(|property| {
            let (key, value) = property.split_once('=').expect("key=value");
            (key.to_owned(), azure_unescape_property(value))
        })
        .collect();
    WorkflowCommand {
        command: command.to_owned(),
        properties,
        data: azure_unescape_data(&line[close + 1..]),
    }
}

#[test]
fn azure_commands_carry_every_issue_field_and_complete_last() {
    let output = check_fixtures("azure").stdout;
    let commands: Vec<WorkflowCommand> = output.lines().map(parse_logging_command).collect();
    let (last, issues) = commands.split_last().expect("commands");
    assert_eq!(last.command, "task.complete");
    assert_eq!(last.properties["result"], "Failed");
    // Errors and warnings; `task.logissue` has no type for infos.
    let totals = fixture_totals();
    assert_eq!(issues.len(), totals.errors + totals.warnings);
    for issue in issues {
        assert_eq!(issue.command, "task.logissue");
        assert!(["error", "warning"].contains(&issue.properties["type"].as_str()));
        for key in ["sourcepath", "linenumber", "columnnumber", "code"] {
            assert!(issue.properties.contains_key(key), "{key} in {issue:?}");
        }
    }
}

#[test]
fn azure_task_result_follows_the_gate() {
    let result = |args: &[&str]| {
        let output = run(args);
        let last = output.stdout.lines().last().expect("a line").to_owned();
        (
            parse_logging_command(&last).properties["result"].clone(),
            output.status,
        )
    };
    let clean = format!("{FIXTURES}/clean.yaml");
    let warnings = format!("{FIXTURES}/warnings.yaml");
    assert_eq!(
        result(&["check", &clean, "--format", "azure"]),
        ("Succeeded".to_owned(), 0)
    );
    assert_eq!(
        result(&["check", &warnings, "--format", "azure"]),
        ("SucceededWithIssues".to_owned(), 0)
    );
    assert_eq!(
        result(&["check", &warnings, "--format", "azure", "--deny-warnings"]),
        ("Failed".to_owned(), 1)
    );
    assert_eq!(
        result(&["check", &clean, "missing.yaml", "--format", "azure"]),
        ("Failed".to_owned(), 2)
    );
}

// ---------------------------------------------------------------------------------------------
// JUnit XML.

#[derive(Debug, Default)]
struct TestCase {
    name: String,
    failures: Vec<(String, String)>,
    errors: usize,
}

#[derive(Debug, Default)]
struct Junit {
    suites: usize,
    suite_attributes: BTreeMap<String, String>,
    cases: Vec<TestCase>,
}

fn attributes(element: &quick_xml::events::BytesStart<'_>) -> BTreeMap<String, String> {
    element
        .attributes()
        .map(|attribute| {
            let attribute = attribute.expect("well-formed attribute");
            (
                attribute.key.0.to_owned(),
                // Normalised as an XML 1.0 parser does: a literal line break would become a space.
                attribute
                    .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                    .expect("escaped attribute")
                    .into_owned(),
            )
        })
        .collect()
}

fn parse_junit(text: &str) -> Junit {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut junit = Junit::default();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(element) | Event::Empty(element) => {
                let attributes = attributes(&element);
                match element.name().0 {
                    "testsuite" => {
                        junit.suites += 1;
                        junit.suite_attributes = attributes;
                    }
                    "testcase" => junit.cases.push(TestCase {
                        name: attributes["name"].clone(),
                        ..TestCase::default()
                    }),
                    "failure" => junit
                        .cases
                        .last_mut()
                        .expect("failure inside a test case")
                        .failures
                        .push((attributes["type"].clone(), attributes["message"].clone())),
                    "error" => {
                        junit.cases.last_mut().expect("error in a case").errors += 1;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    junit
}

#[test]
fn junit_has_one_suite_one_case_per_file_and_a_failure_per_error() {
    let junit = parse_junit(&check_fixtures("junit").stdout);
    assert_eq!(junit.suites, 1);
    assert_eq!(junit.suite_attributes["tests"], "6");
    assert_eq!(junit.suite_attributes["failures"], "3");
    assert_eq!(junit.cases.len(), 6);
    let failures: usize = junit.cases.iter().map(|case| case.failures.len()).sum();
    assert_eq!(failures, 4, "one failure per error");
    let clean = junit
        .cases
        .iter()
        .find(|case| case.name.ends_with("clean.yaml"))
        .expect("the clean file has a test case");
    assert!(clean.failures.is_empty());
    let errors = junit
        .cases
        .iter()
        .find(|case| case.name.ends_with("errors.yaml"))
        .expect("errors.yaml");
    assert_eq!(
        errors
            .failures
            .iter()
            .map(|(code, _)| code.as_str())
            .collect::<Vec<_>>(),
        ["key/missing", "key/wrong-type"]
    );
}

#[test]
fn junit_counts_warnings_as_failures_under_deny_warnings() {
    let path = format!("{FIXTURES}/warnings.yaml");
    let output = run(&["check", &path, "--format", "junit", "--deny-warnings"]);
    assert_eq!(output.status, 1);
    let junit = parse_junit(&output.stdout);
    assert_eq!(junit.cases[0].failures.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// GitLab Code Quality.

#[test]
fn gitlab_issues_have_the_required_fields_and_stable_fingerprints() {
    let first = json(&check_fixtures("gitlab").stdout);
    let issues = first.as_array().expect("an array");
    assert_eq!(issues.len(), fixture_totals().all());
    let mut fingerprints = Vec::new();
    for issue in issues {
        for field in ["description", "check_name", "fingerprint"] {
            assert!(issue[field].as_str().is_some_and(|text| !text.is_empty()));
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().expect("severity"))
        );
        assert!(issue["location"]["path"].as_str().is_some());
        assert!(
            issue["location"]["lines"]["begin"]
                .as_u64()
                .is_some_and(|line| line >= 1)
        );
        fingerprints.push(
            issue["fingerprint"]
                .as_str()
                .expect("fingerprint")
                .to_owned(),
        );
    }
    let mut unique = fingerprints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), fingerprints.len(), "fingerprints are unique");
    let second = json(&check_fixtures("gitlab").stdout);
    assert_eq!(first, second, "fingerprints are stable between runs");
}

// ---------------------------------------------------------------------------------------------
// Escaping: a path and a message holding `%`, `,`, `;`, `:`, `]` and line breaks survive every
// format, and no line break starts a command of its own. Line breaks and command prefixes in
// them are neutralised (shown as `\n`, `:\:`, `##vso\[`) before any format escapes them.

/// The hostile key of `hostile_fixture` as every format shows it.
const SHOWN_KEY: &str =
    "50% off, a;b: c]\\nnext\\r:\\:error:\\:x ##vso\\[task.complete result=Succeeded;]";

/// A file whose name and unknown key hold every character that needs escaping somewhere; the
/// key is returned as every format shows it.
fn hostile_fixture() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = "we%ird,na;me:x]y.json";
    let key = "50% off, a;b: c]\nnext\r::error::x ##vso[task.complete result=Succeeded;]";
    let text = format!(
        "{{\n  \"clientId\": \"3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\",\n  \"clientSecret\": \"${{AZDO_CLIENT_SECRET}}\",\n  {}: true\n}}\n",
        serde_json::to_string(key).expect("key")
    );
    std::fs::write(dir.path().join(name), text).expect("write the fixture");
    (dir, name.to_owned(), SHOWN_KEY.to_owned())
}

#[test]
fn github_escaping_round_trips_paths_and_messages() {
    let (dir, name, key) = hostile_fixture();
    let output = run_in(dir.path(), &["check", &name, "--format", "github"]);
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one command, no injected line: {lines:?}");
    let command = parse_workflow_command(lines[0]);
    assert_eq!(command.command, "warning");
    assert_eq!(command.properties["file"], name);
    assert_eq!(command.properties["title"], "key/unknown");
    assert!(command.data.contains(&key), "{:?}", command.data);
    assert!(command.data.starts_with(&format!("{name}:4:3: ")));
}

#[test]
fn azure_escaping_round_trips_paths_and_messages() {
    let (dir, name, key) = hostile_fixture();
    let output = run_in(dir.path(), &["check", &name, "--format", "azure"]);
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "issue and completion only: {lines:?}");
    let issue = parse_logging_command(lines[0]);
    assert_eq!(issue.command, "task.logissue");
    assert_eq!(issue.properties["sourcepath"], name);
    assert!(issue.data.contains(&key), "{:?}", issue.data);
    let complete = parse_logging_command(lines[1]);
    assert_eq!(complete.properties["result"], "SucceededWithIssues");
}

#[test]
fn xml_and_json_formats_round_trip_paths_and_messages() {
    let (dir, name, key) = hostile_fixture();
    let junit = run_in(dir.path(), &["check", &name, "--format", "junit"]).stdout;
    let parsed = parse_junit(&junit);
    assert_eq!(parsed.cases[0].name, name);
    assert!(junit.contains("50% off, a;b: c]"));

    let gitlab = json(&run_in(dir.path(), &["check", &name, "--format", "gitlab"]).stdout);
    assert_eq!(gitlab[0]["location"]["path"], name.as_str());
    assert!(
        gitlab[0]["description"]
            .as_str()
            .is_some_and(|text| text.contains(&key))
    );

    let sarif = json(&run_in(dir.path(), &["check", &name, "--format", "sarif"]).stdout);
    assert_valid_sarif(&sarif);
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "we%25ird%2Cna%3Bme%3Ax%5Dy.json"
    );
    assert!(
        sarif["runs"][0]["results"][0]["message"]["text"]
            .as_str()
            .is_some_and(|text| text.contains(&key))
    );
}

// ---------------------------------------------------------------------------------------------
// Run-level behaviour: --output, --deny-warnings, --color, and a run that checks nothing.

#[test]
fn output_writes_the_report_to_a_file_and_the_summary_to_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.sarif");
    let output = run(&[
        "check",
        FIXTURES,
        "--format",
        "sarif",
        "--output",
        &report.to_string_lossy(),
    ]);
    assert_eq!(output.status, 1);
    assert_eq!(output.stdout, "");
    assert!(
        output.stderr.contains("6 files checked"),
        "{}",
        output.stderr
    );
    let written = std::fs::read_to_string(&report).expect("the report is written");
    assert_eq!(written, check_fixtures("sarif").stdout);
}

#[test]
fn a_report_written_into_a_checked_directory_is_not_checked_next_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        manifest_dir().join(FIXTURES).join("clean.yaml"),
        dir.path().join("clean.yaml"),
    )
    .expect("copy");
    for _ in 0..2 {
        let output = run_in(
            dir.path(),
            &[
                "check",
                ".",
                "--format",
                "gitlab",
                "--output",
                "gl-code-quality.json",
            ],
        );
        assert_eq!(output.status, 0, "{}", output.stderr);
        assert!(output.stderr.contains("1 file"), "{}", output.stderr);
    }
}

#[test]
fn output_to_an_unwritable_place_is_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("no/such/dir/report.json");
    let path = format!("{FIXTURES}/clean.yaml");
    let output = run(&[
        "check",
        &path,
        "--format",
        "json",
        "--output",
        &target.to_string_lossy(),
    ]);
    assert_eq!(output.status, 2);
    assert!(output.stderr.contains("cannot write the report"));
}

#[test]
fn deny_warnings_turns_warnings_into_exit_1() {
    let path = format!("{FIXTURES}/warnings.yaml");
    assert_eq!(run(&["check", &path]).status, 0);
    assert_eq!(run(&["check", &path, "--deny-warnings"]).status, 1);
    let clean = format!("{FIXTURES}/clean.yaml");
    assert_eq!(run(&["check", &clean, "--deny-warnings"]).status, 0);
}

#[test]
fn color_is_explicit_with_always_and_never() {
    let path = format!("{FIXTURES}/errors.yaml");
    let always = run(&["check", &path, "--color", "always"]);
    assert!(always.stdout.contains('\u{1b}'));
    let never = run(&["check", &path, "--color", "never"]);
    assert!(!never.stdout.contains('\u{1b}'));
    // `auto` writing to a pipe: no colour.
    let auto = run(&["check", &path]);
    assert!(!auto.stdout.contains('\u{1b}'));
}

#[test]
fn a_missing_path_is_exit_2_in_every_format() {
    let clean = format!("{FIXTURES}/clean.yaml");
    for format in FORMATS {
        let output = run(&["check", &clean, "no/such/file.yaml", "--format", format]);
        assert_eq!(output.status, 2, "{format}");
        assert!(output.stderr.contains("`no/such/file.yaml` does not exist"));
    }
    let sarif = json(&run(&["check", "no/such/file.yaml", "--format", "sarif"]).stdout);
    assert_valid_sarif(&sarif);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 2);
    let junit = parse_junit(&run(&["check", "no/such/file.yaml", "--format", "junit"]).stdout);
    assert_eq!(junit.cases[0].name, "no/such/file.yaml");
    assert_eq!(junit.cases[0].errors, 1);
    let github = run(&["check", "no/such/file.yaml", "--format", "github"]).stdout;
    assert!(parse_workflow_command(github.trim_end()).command == "error");
}

#[test]
fn a_directory_without_config_files_is_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "not a config").expect("write");
    let output = run(&["check", &dir.path().to_string_lossy()]);
    assert_eq!(output.status, 2);
    assert!(
        output
            .stderr
            .contains("holds no *.yaml, *.yml or *.json file")
    );
    // With no path at all the current directory is checked, and the same rule holds.
    let output = run_in(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(output.status, 2);
}

// ---------------------------------------------------------------------------------------------
// Completions and man page.

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run(&["completions", shell]);
        assert_eq!(output.status, 0, "{shell}");
        assert!(output.stdout.contains("connector-lint"), "{shell}");
        assert!(output.stdout.contains("deny-warnings"), "{shell}");
    }
    assert_eq!(run(&["completions", "tcsh"]).status, 2);
}

#[test]
fn man_page_from_the_clap_definitions() {
    let output = run(&["man"]);
    assert_eq!(output.status, 0);
    assert!(output.stdout.starts_with(".ie \\n(.g .ds Aq") || output.stdout.contains(".TH"));
    assert!(output.stdout.contains("connector\\-lint"));

    let dir = tempfile::tempdir().expect("temp dir");
    let output = run(&["man", "--dir", &dir.path().to_string_lossy()]);
    assert_eq!(output.status, 0, "{}", output.stderr);
    let check = std::fs::read_to_string(dir.path().join("connector-lint-check.1"))
        .expect("a page for check");
    assert!(check.contains("deny\\-warnings"));
    assert!(dir.path().join("connector-lint.1").exists());
}

#[test]
fn output_dash_is_standard_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clean = manifest_dir().join(FIXTURES).join("clean.yaml");
    let output = run_in(
        dir.path(),
        &[
            "check",
            &clean.to_string_lossy(),
            "--format",
            "gitlab",
            "--output",
            "-",
        ],
    );
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert_eq!(json(&output.stdout), json("[]"));
    assert!(!dir.path().join("-").exists());
}

#[test]
fn standard_input_findings_are_file_less_annotations() {
    let output = Command::cargo_bin("connector-lint")
        .expect("binary")
        .args(["check", "-", "--format", "github"])
        .write_stdin("clientId: 12\n")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines() {
        let command = parse_workflow_command(line);
        assert!(!command.properties.contains_key("file"));
        assert!(command.data.starts_with("stdin:1:"), "{}", command.data);
    }
    let output = Command::cargo_bin("connector-lint")
        .expect("binary")
        .args(["check", "-", "--format", "azure"])
        .write_stdin("clientId: 12\n")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first = parse_logging_command(stdout.lines().next().expect("a line"));
    assert!(!first.properties.contains_key("sourcepath"));
}

/// The counts of the JSON report on the shared fixture set, which every format must match.
struct Totals {
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Totals {
    fn all(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

fn fixture_totals() -> Totals {
    let report = json(&check_fixtures("json").stdout);
    let count = |key: &str| report["summary"][key].as_u64().expect("summary count") as usize;
    let totals = Totals {
        errors: count("errors"),
        warnings: count("warnings"),
        infos: count("infos"),
    };
    assert!(totals.errors > 0 && totals.warnings > 0 && totals.infos > 0);
    totals
}
