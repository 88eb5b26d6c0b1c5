//! Suppressions and the project file through the binary: `--ignore`, `connector-lint.toml`
//! (found upward or named), inline `# connector-lint: ignore[...]` comments, `suppression/unused`,
//! `--exclude`, skipped non-configuration files, per-path API URLs, `--allow-unset-env`, and the
//! short flags. Every run is in its own temporary directory.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// A literal secret in the current Entra format; it must never appear in any output.
const SECRET: &str = "Zk38Q~aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z";
const CLIENT_ID: &str = "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40";

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn lint(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("connector-lint").expect("binary is built");
    command
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("NO_GRAPHICS")
        .env_remove("APPMIXER_API_URL")
        .env_remove("AZDO_CLIENT_SECRET")
        .arg("check");
    command
}

fn run(command: &mut Command) -> Run {
    let output = command.output().expect("the binary runs");
    let run = Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
        "the secret leaked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    run
}

fn json(command: &mut Command) -> (i32, Value) {
    let run = run(command.args(["--format", "json"]));
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}):\n{}\n{}", run.stdout, run.stderr));
    (run.status, report)
}

/// (path, code, line) of every diagnostic of the report.
fn codes(report: &Value) -> Vec<(String, String, u64)> {
    let mut found = Vec::new();
    for file in report["files"].as_array().expect("files") {
        for diagnostic in file["diagnostics"].as_array().expect("diagnostics") {
            found.push((
                file["path"].as_str().unwrap_or_default().to_owned(),
                diagnostic["code"].as_str().unwrap_or_default().to_owned(),
                diagnostic["line"].as_u64().unwrap_or_default(),
            ));
        }
    }
    found
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn config_with_unknown_key() -> String {
    format!("clientId: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\nscope: vso.work\n")
}

#[test]
fn inline_comments_suppress_findings_on_their_line_and_the_next() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "azdo.yaml",
        &format!(
            "clientId: {CLIENT_ID}\nclientSecret: {SECRET} # connector-lint: ignore[client-secret/plaintext]\n# connector-lint: ignore[key/]\nscope: vso.work\nredirectUri: https://my.acme.appmixer.cloud/auth/azuredevops/callback\n"
        ),
    );
    let (status, report) = json(lint(dir.path()).arg("azdo.yaml"));
    assert_eq!(
        codes(&report),
        [(
            "azdo.yaml".to_owned(),
            "redirect-uri/not-api-host".to_owned(),
            5
        )]
    );
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(status, 1);

    // The error suppressed too: nothing left, exit 0; the human summary says how many.
    let text = std::fs::read_to_string(dir.path().join("azdo.yaml")).unwrap();
    write(
        dir.path(),
        "azdo.yaml",
        &text.replace(
            "/callback\n",
            "/callback # connector-lint: ignore[redirect-uri/not-api-host]\n",
        ),
    );
    let human = run(lint(dir.path()).arg("azdo.yaml"));
    assert_eq!(human.status, 0, "{}", human.stdout);
    assert!(
        human
            .stdout
            .contains("1 file checked: 0 errors, 0 warnings, 0 infos, 3 suppressed."),
        "{}",
        human.stdout
    );
}

#[test]
fn a_stale_or_misspelled_suppression_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "azdo.yaml",
        &format!(
            "clientId: {CLIENT_ID} # connector-lint: ignore[client-id/not-guid]\nclientSecret: ${{AZDO_CLIENT_SECRET}}\n# connector-lint: ignore[key/unknwn, key/unknown]\nscope: vso.work\ntenantId: contoso.com # connector-lint: ignore[load/syntax]\n# connector-lint: please ignore\noutputFilePrefix: x\n"
        ),
    );
    let (status, report) = json(
        lint(dir.path())
            .arg("azdo.yaml")
            .env("AZDO_CLIENT_SECRET", SECRET),
    );
    let found = codes(&report);
    let unused: Vec<u64> = found
        .iter()
        .filter(|(_, code, _)| code == "suppression/unused")
        .map(|(_, _, line)| *line)
        .collect();
    assert_eq!(unused, [1, 3, 5, 6], "{found:?}");
    assert_eq!(found.len(), 4, "{found:?}");
    let messages: Vec<&str> = report["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|diagnostic| diagnostic["message"].as_str())
        .collect();
    assert!(
        messages[1].contains("did you mean `key/unknown`"),
        "{messages:?}"
    );
    assert!(messages[2].contains("cannot be suppressed"), "{messages:?}");
    assert_eq!(report["summary"]["suppressed"], 1);
    // A warning: exit 0, unless warnings are denied.
    assert_eq!(status, 0);
    let denied = run(lint(dir.path())
        .args(["azdo.yaml", "--deny-warnings", "--quiet"])
        .env("AZDO_CLIENT_SECRET", SECRET));
    assert_eq!(denied.status, 1);
    // `suppression/unused` itself can be ignored for a run.
    let (status, report) = json(
        lint(dir.path())
            .args(["azdo.yaml", "--ignore", "suppression/unused"])
            .env("AZDO_CLIENT_SECRET", SECRET),
    );
    assert_eq!((status, codes(&report).len()), (0, 0));
    assert_eq!(report["summary"]["suppressed"], 5);
}

#[test]
fn load_findings_are_never_suppressed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "broken.yaml",
        "clientId: [ # connector-lint: ignore[load/syntax]\n",
    );
    let (status, report) = json(lint(dir.path()).arg("broken.yaml"));
    let found: Vec<String> = codes(&report)
        .into_iter()
        .map(|(_, code, _)| code)
        .collect();
    assert!(found.contains(&"load/syntax".to_owned()), "{found:?}");
    assert_eq!(status, 1);
    for ignore in ["load/syntax", "load/"] {
        let refused = run(lint(dir.path()).args(["broken.yaml", "--ignore", ignore]));
        assert_eq!(refused.status, 2);
        assert!(
            refused.stderr.contains("cannot be suppressed"),
            "{}",
            refused.stderr
        );
    }
    // A family ignore leaves load findings in place.
    write(
        dir.path(),
        "connector-lint.toml",
        "ignore = [\"key/\", \"client-id/\"]\n",
    );
    let (status, report) = json(lint(dir.path()).arg("broken.yaml"));
    assert_eq!(status, 1);
    assert!(
        codes(&report)
            .iter()
            .any(|(_, code, _)| code == "load/syntax")
    );
}

#[test]
fn unknown_codes_are_usage_errors_with_a_did_you_mean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "azdo.yaml", &config_with_unknown_key());
    let refused = run(lint(dir.path()).args(["azdo.yaml", "--ignore", "key/unknwn"]));
    assert_eq!(refused.status, 2);
    assert!(
        refused.stderr.contains("did you mean `key/unknown`?"),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty());
    let refused = run(lint(dir.path()).args(["azdo.yaml", "--ignore", "clientsecret/"]));
    assert!(
        refused.stderr.contains("did you mean `client-secret/`"),
        "{}",
        refused.stderr
    );
}

#[test]
fn suppression_never_unmasks_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    // The secret is quoted in a comment, and every finding about it is suppressed: nothing that
    // is shown may contain it (`run` asserts that on every output).
    write(
        dir.path(),
        "azdo.yaml",
        &format!(
            "clientId: {CLIENT_ID}\nclientSecret: \"{SECRET} \" # connector-lint: ignore[client-secret/, value/]\n# old clientSecret: {SECRET}\nscope: {SECRET}\n"
        ),
    );
    for format in [
        "human", "json", "sarif", "github", "azure", "junit", "gitlab",
    ] {
        let shown = run(lint(dir.path()).args(["azdo.yaml", "--format", format]));
        assert_eq!(shown.status, 0, "{format}: {}", shown.stdout);
    }
    let shown = run(lint(dir.path()).args(["azdo.yaml", "--ignore", "key/"]));
    assert_eq!(shown.status, 0);
}

#[test]
fn the_project_file_is_found_upward_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "connector-lint.toml",
        "ignore = [\"key/unknown\"]\ndeny-warnings = true\napi-url = \"https://api.acme.appmixer.cloud\"\n",
    );
    write(
        dir.path(),
        "config/azdo.yaml",
        &format!(
            "{}redirectUri: https://api.acme.appmixer.cloud/auth/azuredevops/callback\n",
            config_with_unknown_key()
        ),
    );
    let below = dir.path().join("config");
    let (status, report) = json(
        lint(&below)
            .arg("azdo.yaml")
            .env("AZDO_CLIENT_SECRET", SECRET),
    );
    assert_eq!(codes(&report), []);
    assert_eq!(
        (status, report["summary"]["suppressed"].as_u64()),
        (0, Some(1))
    );
    // The file's API URL is compared.
    let (status, report) = json(
        lint(dir.path())
            .arg("config")
            .env("AZDO_CLIENT_SECRET", SECRET),
    );
    assert_eq!((status, codes(&report).len()), (0, 0));
    // `--api-url` wins over the file's.
    let (status, report) = json(
        lint(&below)
            .args(["azdo.yaml", "--api-url", "https://api.other.appmixer.cloud"])
            .env("AZDO_CLIENT_SECRET", SECRET),
    );
    assert_eq!(status, 1);
    assert_eq!(
        codes(&report),
        [(
            "azdo.yaml".to_owned(),
            "redirect-uri/mismatch".to_owned(),
            4
        )]
    );
    // `--config` names another file; the one found upward is not read then.
    write(dir.path(), "strict.toml", "deny-warnings = true\n");
    let (status, report) = json(
        lint(&below)
            .args(["azdo.yaml", "--config", "../strict.toml"])
            .env("AZDO_CLIENT_SECRET", SECRET),
    );
    assert_eq!(status, 1);
    assert_eq!(
        codes(&report),
        [("azdo.yaml".to_owned(), "key/unknown".to_owned(), 3)]
    );
    let missing = run(lint(&below).args(["azdo.yaml", "--config", "nowhere.toml"]));
    assert_eq!(missing.status, 2);
    assert!(
        missing.stderr.contains("nowhere.toml"),
        "{}",
        missing.stderr
    );
}

#[test]
fn a_bad_project_file_is_a_usage_error_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "azdo.yaml", &config_with_unknown_key());
    for (text, line, expected) in [
        (
            "deny-warnings = true\nignores = []\n",
            2,
            "did you mean `ignore`?",
        ),
        ("\n\ndeny-warnings = \"yes\"\n", 3, "bool"),
        (
            "[per-file-ignores]\n\"tests/*\" = [\n  \"client-secret/plaintxt\",\n]\n",
            3,
            "did you mean `client-secret/plaintext`",
        ),
        (
            "api-url = \"api.acme.appmixer.cloud\"\n",
            1,
            "not an absolute",
        ),
        ("ignore = \"key/unknown\"\n", 1, "sequence"),
        ("exclude = [\"[\"]\n", 1, "not a valid glob"),
    ] {
        write(dir.path(), "connector-lint.toml", text);
        let refused = run(lint(dir.path()).arg("azdo.yaml"));
        assert_eq!(refused.status, 2, "{text}");
        assert!(
            refused
                .stderr
                .contains(&format!("connector-lint.toml:{line}: ")),
            "{text}: {}",
            refused.stderr
        );
        assert!(
            refused.stderr.contains(expected),
            "{text}: {}",
            refused.stderr
        );
        assert!(refused.stdout.is_empty());
    }
}

#[test]
fn per_file_ignores_and_api_urls_follow_their_globs() {
    let dir = tempfile::tempdir().unwrap();
    let record = |host: &str| {
        format!(
            "clientId: {CLIENT_ID}\nclientSecret: {SECRET}\nredirectUri: https://{host}/auth/azuredevops/callback\n"
        )
    };
    write(
        dir.path(),
        "prod/azdo.yaml",
        &record("api.prod.appmixer.cloud"),
    );
    write(
        dir.path(),
        "staging/azdo.yaml",
        &record("api.staging.appmixer.cloud"),
    );
    write(
        dir.path(),
        "tests/azdo.yaml",
        &record("api.prod.appmixer.cloud"),
    );
    write(
        dir.path(),
        "connector-lint.toml",
        "[per-file-ignores]\n\"tests/**\" = [\"client-secret/plaintext\"]\n\n[per-file-api-url]\n\"prod/*.yaml\" = \"https://api.prod.appmixer.cloud\"\n\"staging/*.yaml\" = \"https://api.staging.appmixer.cloud\"\n\"tests/*.yaml\" = \"https://api.staging.appmixer.cloud\"\n",
    );
    let (status, report) = json(lint(dir.path()).arg("."));
    let found = codes(&report);
    assert!(
        found.contains(&(
            "tests/azdo.yaml".to_owned(),
            "redirect-uri/mismatch".to_owned(),
            3
        )),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(path, code, _)| path.starts_with("tests/") && code == "client-secret/plaintext")
    );
    let mismatches = found
        .iter()
        .filter(|(_, code, _)| code == "redirect-uri/mismatch")
        .count();
    assert_eq!(mismatches, 1, "{found:?}");
    assert_eq!(status, 1);
    // Two URLs for one file is refused before anything is checked.
    let text = std::fs::read_to_string(dir.path().join("connector-lint.toml")).unwrap();
    write(
        dir.path(),
        "connector-lint.toml",
        &format!("{text}\"*/azdo.yaml\" = \"https://api.other.appmixer.cloud\"\n"),
    );
    let refused = run(lint(dir.path()).arg("."));
    assert_eq!(refused.status, 2);
    assert!(
        refused.stderr.contains("per-file-api-url"),
        "{}",
        refused.stderr
    );
}

#[test]
fn walked_files_that_are_not_configurations_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "config/azdo.yaml", &config_with_unknown_key());
    write(
        dir.path(),
        "config/package.json",
        "{\"name\": \"x\", \"version\": \"1.0.0\", \"scripts\": {\"test\": \"jest\"}}\n",
    );
    write(
        dir.path(),
        "config/ci.yml",
        "name: ci\non: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n",
    );
    // Near misses and broken files are checked: they may be configurations.
    write(dir.path(), "config/near.yaml", "client_secret: x\n");
    write(dir.path(), "config/broken.yaml", "name: [\n");
    let human = run(lint(dir.path())
        .arg("config")
        .env("AZDO_CLIENT_SECRET", SECRET));
    assert!(
        human
            .stdout
            .contains("3 files checked: 3 errors, 1 warning, 0 infos; 2 files skipped: not connector configurations."),
        "{}",
        human.stdout
    );
    let (_, report) = json(
        lint(dir.path())
            .arg("config")
            .env("AZDO_CLIENT_SECRET", SECRET),
    );
    assert_eq!(report["summary"]["skipped"], 2);
    let paths: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|file| file["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        ["config/azdo.yaml", "config/broken.yaml", "config/near.yaml"]
    );
    // A file named on the command line is always checked.
    let (status, report) = json(lint(dir.path()).arg("config/package.json"));
    assert_eq!(status, 1);
    assert_eq!(report["files"][0]["path"], "config/package.json");
    // A walk that finds nothing but such files checked nothing: exit 2.
    let only = tempfile::tempdir().unwrap();
    write(only.path(), "package.json", "{\"name\": \"x\"}\n");
    let nothing = run(lint(only.path()).arg("."));
    assert_eq!(nothing.status, 2, "{}", nothing.stdout);
    assert!(
        nothing.stderr.contains("no connector configuration found"),
        "{}",
        nothing.stderr
    );
}

#[test]
fn excluded_paths_are_left_out_of_walks_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "config/azdo.yaml", &config_with_unknown_key());
    write(dir.path(), "config/legacy/old.yaml", "clientID: x\n");
    write(dir.path(), "config/draft.yaml", "clientID: x\n");
    let walked = |args: &[&str]| -> Vec<String> {
        let (_, report) = json(
            lint(dir.path())
                .args(args)
                .env("AZDO_CLIENT_SECRET", SECRET),
        );
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|file| file["path"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(walked(&["config"]).len(), 3);
    assert_eq!(
        walked(&[
            "config",
            "--exclude",
            "legacy",
            "--exclude",
            "config/draft.yaml"
        ]),
        ["config/azdo.yaml"]
    );
    write(
        dir.path(),
        "connector-lint.toml",
        "exclude = [\"config/legacy/**\"]\n",
    );
    assert_eq!(
        walked(&["config"]),
        ["config/azdo.yaml", "config/draft.yaml"]
    );
    // A named file is checked whatever the excludes say.
    assert_eq!(
        walked(&["config/legacy/old.yaml", "--exclude", "*.yaml"]),
        ["config/legacy/old.yaml"]
    );
    // Everything excluded: nothing to check, exit 2.
    let nothing = run(lint(dir.path()).args(["config", "--exclude", "*.yaml"]));
    assert_eq!(nothing.status, 2);
}

#[test]
fn unset_variables_can_be_allowed_explicitly_only() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "azdo.yaml",
        &format!("clientId: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\n"),
    );
    let (status, report) = json(lint(dir.path()).arg("azdo.yaml"));
    assert_eq!(status, 1);
    assert_eq!(
        codes(&report),
        [("azdo.yaml".to_owned(), "env/undefined".to_owned(), 2)]
    );
    let (status, report) = json(lint(dir.path()).args(["azdo.yaml", "--allow-unset-env"]));
    assert_eq!(status, 0);
    assert_eq!(
        codes(&report),
        [("azdo.yaml".to_owned(), "env/not-checked".to_owned(), 2)]
    );
    let message = report["files"][0]["diagnostics"][0]["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("not checked"), "{message}");
    assert_eq!(report["files"][0]["diagnostics"][0]["severity"], "info");
    write(
        dir.path(),
        "connector-lint.toml",
        "allow-unset-env = true\n",
    );
    let (status, _) = json(lint(dir.path()).arg("azdo.yaml"));
    assert_eq!(status, 0);
    // A set variable is checked as always.
    let (status, report) = json(
        lint(dir.path())
            .arg("azdo.yaml")
            .env("AZDO_CLIENT_SECRET", "x"),
    );
    assert_eq!(status, 0);
    assert!(
        codes(&report)
            .iter()
            .all(|(_, code, _)| code != "env/not-checked")
    );
}

#[test]
fn short_flags_and_quiet() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "azdo.yaml", &config_with_unknown_key());
    let quiet = run(lint(dir.path())
        .args(["azdo.yaml", "--quiet"])
        .env("AZDO_CLIENT_SECRET", SECRET));
    assert_eq!(
        quiet.stdout,
        "1 file checked: 0 errors, 1 warning, 0 infos.\n"
    );
    let short = run(lint(dir.path())
        .args(["azdo.yaml", "-f", "json", "-o", "report.json"])
        .env("AZDO_CLIENT_SECRET", SECRET));
    assert_eq!(short.status, 0);
    assert!(short.stdout.is_empty());
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["summary"]["warnings"], 1);
    assert!(report["summary"].get("suppressed").is_none());
}
