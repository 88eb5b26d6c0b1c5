//! Every domain-rule code fires on its fixture, at the line and column of the value it is about,
//! and does not fire on its near miss; the files under `fixtures/valid-env/` are completely clean (with their variables set).
//!
//! A fixture states what it needs and what it expects in leading YAML comments:
//! `# env: NAME=value` (the only variables the run sees), `# args: --api-url URL`, and one
//! `# expect: CODE at LINE:COLUMN` per diagnostic. The list is complete: a diagnostic that is not
//! expected fails the test, so a fixture also proves the rules raise nothing else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use connector_lint::catalogue::{CATALOGUE, Code};
use serde_json::Value;

const SECRET_VARIABLES: &[&str] = &[
    "AZDO_CLIENT_SECRET",
    "AZDO_LEGACY_SECRET",
    "MICROSOFT_CLIENT_SECRET",
    "DYNAMICS_CLIENT_SECRET",
];

/// Codes that cannot fire for some connectors: the Azure DevOps resource id is its own code only
/// for the Azure DevOps connector (elsewhere it is `client-id/resource-app-id`).
const NOT_FOR: &[(&str, &str)] = &[
    ("client-id/azure-devops-resource", "appmixer:microsoft"),
    (
        "client-id/azure-devops-resource",
        "appmixer:microsoft:dynamics",
    ),
];

/// The connector a fixture is a record of: its `serviceId`, else the default.
fn service_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .find_map(|line| line.trim().strip_prefix("serviceId:"))
        .map(|service| service.trim().trim_matches(['"', '\'']).to_owned())
        .unwrap_or_else(|| {
            connector_lint::connectors::default_profile()
                .service_id
                .to_owned()
        })
}

/// The families of the SPEC's Values table; `tenant/not-specific` belongs to `--probe`.
fn values_codes() -> Vec<&'static str> {
    let codes: Vec<&'static str> = CATALOGUE
        .iter()
        .map(|rule| rule.id)
        .filter(|id| {
            // The SPEC's Values table is the "Values" section of the rule catalogue's docs.
            connector_lint::explain::SECTIONS
                .iter()
                .filter(|(title, _)| *title == "Values")
                .flat_map(|(_, prefixes)| prefixes.iter())
                .any(|prefix| id.starts_with(prefix))
        })
        .filter(|id| *id != Code::TenantNotSpecific.as_str())
        .collect();
    assert!(
        codes.len() >= 25,
        "the Values section lost its codes: {codes:?}"
    );
    codes
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

#[derive(Debug, Default)]
struct Fixture {
    path: PathBuf,
    env: Vec<(String, String)>,
    args: Vec<String>,
    expected: BTreeSet<(String, usize, usize)>,
}

fn parse(path: &Path) -> Fixture {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path:?}: {error}"));
    let mut fixture = Fixture {
        path: path.to_path_buf(),
        ..Fixture::default()
    };
    for line in text.lines() {
        if let Some(assignment) = line.strip_prefix("# env: ") {
            let (name, value) = assignment.split_once('=').unwrap_or((assignment, ""));
            fixture.env.push((name.to_owned(), value.to_owned()));
        } else if let Some(args) = line.strip_prefix("# args: ") {
            fixture
                .args
                .extend(args.split_whitespace().map(str::to_owned));
        } else if let Some(expect) = line.strip_prefix("# expect: ") {
            let (code, position) = expect
                .split_once(" at ")
                .unwrap_or_else(|| panic!("{path:?}: bad expect line `{line}`"));
            let (line_number, column) = position
                .split_once(':')
                .and_then(|(line, column)| Some((line.parse().ok()?, column.parse().ok()?)))
                .unwrap_or_else(|| panic!("{path:?}: bad position in `{line}`"));
            fixture
                .expected
                .insert((code.to_owned(), line_number, column));
        }
    }
    fixture
}

struct Run {
    status: i32,
    stdout: String,
    diagnostics: BTreeSet<(String, usize, usize)>,
}

/// Runs `check --format <format>` on a fixture with exactly the environment it declares.
fn run(fixture: &Fixture, format: &str) -> Run {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("connector-lint");
    command
        .env_clear()
        .arg("check")
        .arg(&fixture.path)
        .args(["--format", format, "--color", "never"])
        .args(&fixture.args);
    for (name, value) in &fixture.env {
        command.env(name, value);
    }
    let output = command.output().expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut diagnostics = BTreeSet::new();
    if format == "json" {
        let report: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|error| panic!("{:?}: not JSON ({error}): {stdout}", fixture.path));
        for diagnostic in report["files"][0]["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
        {
            diagnostics.insert((
                diagnostic["code"].as_str().unwrap_or_default().to_owned(),
                diagnostic["line"].as_u64().unwrap_or_default() as usize,
                diagnostic["column"].as_u64().unwrap_or_default() as usize,
            ));
        }
    }
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout,
        diagnostics,
    }
}

fn fixture_files(directory: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(directory)
        .unwrap_or_else(|error| panic!("{directory:?}: {error}"))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "yaml" || extension == "json")
        })
        .collect();
    files.sort();
    files
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn every_values_code_has_a_fixture_and_a_near_miss() {
    let directory = root().join("fixtures/rules");
    let mut problems = Vec::new();
    for code in values_codes() {
        let dir = directory.join(code.replace('/', "_"));
        let files = if dir.is_dir() {
            fixture_files(&dir)
        } else {
            Vec::new()
        };
        // Every code that applies to a connector fires on a record of that connector, and has
        // a near miss there.
        for profile in connector_lint::connectors::PROFILES {
            let service = profile.service_id;
            if NOT_FOR.contains(&(code, service)) {
                continue;
            }
            let of_service = |prefix: &str| {
                files
                    .iter()
                    .filter(|f| name_of(f).starts_with(prefix) && service_of(f) == service)
                    .count()
            };
            let (fires, near) = (of_service("fires"), of_service("near-miss"));
            if fires == 0 || near == 0 {
                problems.push(format!(
                    "{code} ({service}): {fires} fires and {near} near-miss fixtures in {dir:?}"
                ));
            }
        }
    }
    for entry in std::fs::read_dir(&directory)
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().replace('_', "/");
        if !values_codes().contains(&name.as_str()) {
            problems.push(format!("fixtures/rules/{name}: no such code"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_code_fires_exactly_where_expected() {
    let mut problems = Vec::new();
    for code in values_codes() {
        let dir = root().join("fixtures/rules").join(code.replace('/', "_"));
        if !dir.is_dir() {
            continue;
        }
        for path in fixture_files(&dir) {
            let fixture = parse(&path);
            let name = name_of(&path);
            let label = format!("fixtures/rules/{}/{name}", code.replace('/', "_"));
            let fires = name.starts_with("fires");
            if fires && !fixture.expected.iter().any(|(c, _, _)| c == code) {
                problems.push(format!("{label}: expects no `{code}`"));
            }
            if !fires && fixture.expected.iter().any(|(c, _, _)| c == code) {
                problems.push(format!("{label}: a near miss must not expect `{code}`"));
            }
            let result = run(&fixture, "json");
            if result.diagnostics != fixture.expected {
                problems.push(format!(
                    "{label}:\n  expected {:?}\n  actual   {:?}",
                    fixture.expected, result.diagnostics
                ));
            }
            let errors = fixture.expected.iter().any(|(c, _, _)| {
                Code::from_id(c).is_some_and(|code| {
                    code.severity() == connector_lint::catalogue::Severity::Error
                })
            });
            let expected_status = i32::from(errors);
            if result.status != expected_status {
                problems.push(format!(
                    "{label}: exit status {} instead of {expected_status}",
                    result.status
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The secrets a fixture holds: literal `clientSecret` values and secret variables it sets.
fn secrets_of(fixture: &Fixture) -> Vec<String> {
    let mut secrets: Vec<String> = fixture
        .env
        .iter()
        .filter(|(name, _)| SECRET_VARIABLES.contains(&name.as_str()))
        .map(|(_, value)| value.clone())
        .collect();
    let text = std::fs::read_to_string(&fixture.path).unwrap_or_default();
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("clientSecret: ") {
            secrets.push(value.trim_matches(['"', '\'']).to_owned());
        }
    }
    // Short values (`""`, 8 characters) are words that may appear in prose; the rules' unit
    // tests cover those.
    secrets.retain(|secret| secret.len() >= 12 && !secret.starts_with("${"));
    secrets
}

#[test]
fn no_format_shows_a_secret_from_a_fixture() {
    let mut problems = Vec::new();
    for directory in std::fs::read_dir(root().join("fixtures/rules"))
        .into_iter()
        .flatten()
        .flatten()
    {
        for path in fixture_files(&directory.path()) {
            let fixture = parse(&path);
            let secrets = secrets_of(&fixture);
            for format in ["json", "human"] {
                let result = run(&fixture, format);
                for secret in &secrets {
                    if result.stdout.contains(secret.as_str()) {
                        problems.push(format!("{path:?} ({format}) shows a secret"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn valid_environment() -> Fixture {
    Fixture {
        env: vec![
            (
                "AZDO_CLIENT_SECRET".into(),
                "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a".into(),
            ),
            // A legacy secret: 32 printable characters of the pre-2021 kind.
            (
                "AZDO_LEGACY_SECRET".into(),
                "Tq3+vX9/kLm2Rp8sW1yZ4aB6cD0eF7g=".into(),
            ),
            (
                "MICROSOFT_CLIENT_SECRET".into(),
                "Ms18Q~Microsoft.Connector-Secret_0123456".into(),
            ),
            (
                "DYNAMICS_CLIENT_SECRET".into(),
                "Dy48Q~Dynamics.Connector-Secret_01234567".into(),
            ),
        ],
        ..Fixture::default()
    }
}

#[test]
fn valid_fixtures_are_completely_clean() {
    let files = fixture_files(&root().join("fixtures/valid-env"));
    assert!(
        files.len() >= 3,
        "expected the valid examples, found {files:?}"
    );
    for path in files {
        let fixture = Fixture {
            path: path.clone(),
            ..valid_environment()
        };
        let result = run(&fixture, "json");
        assert_eq!(
            (result.status, result.diagnostics.len()),
            (0, 0),
            "{path:?}: {}",
            result.stdout
        );
    }
}

#[test]
fn valid_self_managed_fixture_matches_its_api_url() {
    for (file, api_url) in [
        (
            "fixtures/valid-env/self-managed.json",
            "https://appmixer.contoso.com/api/",
        ),
        (
            "fixtures/valid-env/azdo.yaml",
            "https://api.acme.appmixer.cloud",
        ),
    ] {
        let fixture = Fixture {
            path: root().join(file),
            args: vec!["--api-url".into(), api_url.into()],
            ..valid_environment()
        };
        let result = run(&fixture, "json");
        assert_eq!(
            (result.status, result.diagnostics.len()),
            (0, 0),
            "{file}: {}",
            result.stdout
        );
    }
}
