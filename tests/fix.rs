//! `check --fix` and `--diff` through the binary: every fixture under `fixtures/fix/` is fixed
//! byte for byte into its expected file (quoting styles, escapes, block scalars, comments, CRLF,
//! BOM, key order, indentation, JSON); a second run changes nothing and leaves no fixable finding;
//! fixes that would guess are never made; a refused fix writes nothing; the summary and the exit
//! status are those of what remains; `--diff` writes nothing and masks secrets.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use connector_lint::check::{Options, check_source};
use connector_lint::source::{Format, SourceText};

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
        .env_clear()
        .env("AZDO_CLIENT_SECRET", SECRET)
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

fn fixtures() -> Vec<(PathBuf, PathBuf)> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix");
    let mut pairs: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(&directory)
        .expect("fixtures/fix")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.to_string_lossy().contains(".input."))
        .map(|input| {
            let expected = PathBuf::from(input.to_string_lossy().replace(".input.", ".expected."));
            (input, expected)
        })
        .collect();
    pairs.sort();
    assert!(pairs.len() >= 7, "{pairs:?}");
    pairs
}

/// The fixture copied into a temporary directory under a plain name (`azdo.yaml`).
fn copied(input: &Path) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let extension = input.extension().and_then(|e| e.to_str()).unwrap_or("yaml");
    let name = format!("azdo.{extension}");
    std::fs::copy(input, dir.path().join(&name)).unwrap();
    (dir, name)
}

/// The arguments a fixture asks for in a `# args: ...` line.
fn fixture_args(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|line| line.strip_prefix("# args: "))
        .flat_map(|args| args.split_whitespace().map(str::to_owned))
        .collect()
}

/// The API URL of a fixture's `--api-url` argument.
fn api_url_of(args: &[String]) -> Option<url::Url> {
    args.iter()
        .position(|arg| arg == "--api-url")
        .and_then(|at| args.get(at + 1))
        .and_then(|text| url::Url::parse(text).ok())
}

/// Whether any finding of a text still carries a fix.
fn has_fixable_finding(name: &str, bytes: &[u8]) -> bool {
    let format = if name.ends_with(".json") {
        Format::Json
    } else {
        Format::Yaml
    };
    let text = connector_lint::source::decode(bytes.to_vec()).expect("UTF-8");
    let options = Options {
        env: std::sync::Arc::new(|name: &str| {
            (name == "AZDO_CLIENT_SECRET").then(|| SECRET.to_owned())
        }),
        rules: connector_lint::rules::RuleContext {
            api_url: api_url_of(&fixture_args(bytes)),
        },
        ..Options::default()
    };
    let report = check_source(SourceText::new(name, format, text), &options);
    // The catalogue, `explain` and the docs say which codes have a fix: no other code has one.
    for diagnostic in report.diagnostics.iter().filter(|d| d.fix.is_some()) {
        assert!(
            diagnostic.code.rule().autofix().is_some(),
            "{} carries a fix the catalogue does not list",
            diagnostic.code
        );
    }
    report
        .diagnostics
        .iter()
        .any(|diagnostic| diagnostic.fix.is_some())
}

#[test]
fn explain_says_whether_a_code_has_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    let explain = |code: &str| {
        let mut command = Command::cargo_bin("connector-lint").expect("binary is built");
        let output = command
            .current_dir(dir.path())
            .args(["explain", code])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(
        explain("key/misspelled")
            .contains("Automatic fix:\n  `connector-lint check --fix` renames the key"),
        "{}",
        explain("key/misspelled")
    );
    assert!(explain("client-secret/looks-like-secret-id").contains("Automatic fix:\n  none"));
}

#[test]
fn every_fixture_is_fixed_byte_for_byte_and_a_second_run_changes_nothing() {
    for (input, expected) in fixtures() {
        let (dir, name) = copied(&input);
        let original = std::fs::read(&input).unwrap();
        assert!(
            has_fixable_finding(&name, &original),
            "{input:?} has nothing to fix"
        );
        let args = fixture_args(&original);
        let first = run(lint(dir.path())
            .args([name.as_str(), "--fix", "--quiet"])
            .args(&args));
        let fixed = std::fs::read(dir.path().join(&name)).unwrap();
        let wanted = std::fs::read(&expected).unwrap();
        assert!(
            fixed == wanted,
            "{input:?}:\n{}\nwanted:\n{}",
            String::from_utf8_lossy(&fixed),
            String::from_utf8_lossy(&wanted)
        );
        assert!(
            first.stdout.contains(" applied in 1 file."),
            "{input:?}: {}",
            first.stdout
        );
        // Nothing left to fix: a second run changes no byte and says no fix was applied.
        assert!(!has_fixable_finding(&name, &fixed), "{input:?}");
        let second = run(lint(dir.path())
            .args([name.as_str(), "--fix", "--quiet"])
            .args(&args));
        assert_eq!(
            std::fs::read(dir.path().join(&name)).unwrap(),
            wanted,
            "{input:?}"
        );
        assert!(
            !second.stdout.contains("applied"),
            "{input:?}: {}",
            second.stdout
        );
        // The exit status is that of what remains: the same as checking the fixed file.
        let check = run(lint(dir.path())
            .args([name.as_str(), "--quiet"])
            .args(&args));
        assert_eq!(first.status, check.status, "{input:?}");
        assert_eq!(second.status, check.status, "{input:?}");
        let diff = run(lint(dir.path()).args([name.as_str(), "--diff"]).args(&args));
        assert!(diff.stdout.is_empty(), "{input:?}: {}", diff.stdout);
        // Nothing else was left in the directory (no temporary file).
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

#[test]
fn the_summary_counts_fixes_and_files_and_the_status_is_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        format!("clientID: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\nredirectUri: \"https://api.acme.appmixer.cloud/auth/azuredevops/callback \"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.yaml"),
        "clientId: YOUR_CLIENT_ID\nclientSecret: ${AZDO_CLIENT_SECRET}\nscope: vso.work\n",
    )
    .unwrap();
    let fixed = run(lint(dir.path()).args([".", "--fix"]));
    assert!(
        fixed
            .stdout
            .contains("2 files checked: 1 error, 1 warning, 0 infos remaining after 2 fixes applied in 1 file."),
        "{}",
        fixed.stdout
    );
    // The placeholder remains, and fails the run.
    assert_eq!(fixed.status, 1);
    assert!(fixed.stdout.contains("client-id/placeholder"));
    std::fs::remove_file(dir.path().join("b.yaml")).unwrap();
    let clean = run(lint(dir.path()).args([".", "--fix", "-f", "json"]));
    assert_eq!(clean.status, 0);
    let report: Value = serde_json::from_str(&clean.stdout).unwrap();
    assert!(report["summary"].get("fixed").is_none(), "{report}");
    // In the JSON report, the summary says what was fixed.
    std::fs::write(
        dir.path().join("c.yaml"),
        format!("clientId: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\nredirect_uri: https://api.acme.appmixer.cloud/auth/azuredevops/callback\n"),
    )
    .unwrap();
    let json = run(lint(dir.path()).args([".", "--fix", "-f", "json"]));
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["summary"]["fixed"], 1);
    assert_eq!(report["summary"]["fixedFiles"], 1);
    assert_eq!(report["summary"]["errors"], 0);
}

#[test]
fn fixes_that_would_guess_are_never_made() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // The right key is already there.
        format!(
            "clientID: {CLIENT_ID}\nclientId: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\n"
        ),
        // Two keys it may mean.
        format!(
            "clientId: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\nredirectUrl: https://api.acme.appmixer.cloud/auth/azuredevops/callback\n"
        ),
        // Two misspellings of one key.
        format!(
            "clientID: {CLIENT_ID}\nclient_id: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\n"
        ),
        // Placeholders and a Secret ID.
        "clientId: YOUR_CLIENT_ID\nclientSecret: 9d4f2c1a-1b2c-4d5e-8f90-123456789abc\n".to_owned(),
        // A value from the environment is fixed where the variable is set.
        "clientId: ${PADDED_ID}\nclientSecret: ${AZDO_CLIENT_SECRET}\n".to_owned(),
        // Two callback keys that disagree: without `--api-url`, which is right is a guess.
        format!(
            "clientId: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\nredirectUri: https://api.a.appmixer.cloud/auth/azuredevops/callback\ncallbackUrl: https://api.b.appmixer.cloud/auth/azuredevops/callback\n"
        ),
        // A query string: not among the safe fixes without `--api-url`.
        format!(
            "clientId: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\nredirectUri: https://api.acme.appmixer.cloud/auth/azuredevops/callback?x=1\n"
        ),
        // A template host.
        format!(
            "clientId: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\nredirectUri: https://api.YOUR_SUBDOMAIN.appmixer.cloud/auth/azuredevops/callback\n"
        ),
        // A key written twice.
        format!(
            "clientSecret: ${{AZDO_CLIENT_SECRET}}\nclientId: \"{CLIENT_ID} \"\nclientId: \"{CLIENT_ID} \"\n"
        ),
    ];
    for text in cases {
        let path = dir.path().join("azdo.yaml");
        std::fs::write(&path, &text).unwrap();
        let result = run(lint(dir.path())
            .args(["azdo.yaml", "--fix"])
            .env("PADDED_ID", format!(" {CLIENT_ID}")));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "{}",
            result.stdout
        );
        assert!(
            !result.stdout.contains("applied"),
            "{text}: {}",
            result.stdout
        );
    }
}

#[test]
fn a_fix_whose_result_adds_a_finding_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("azdo.yaml");
    // Without its typographic quotes the plain value `1234` would be a number.
    let text = format!(
        "clientId: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\ntenantId: \u{201C}1234\u{201D}\n"
    );
    std::fs::write(&path, &text).unwrap();
    let refused = run(lint(dir.path()).args(["azdo.yaml", "--fix"]));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert_eq!(refused.status, 1);
    assert!(
        refused.stdout.contains("value/surrounding-quotes"),
        "{}",
        refused.stdout
    );
    assert!(
        refused
            .stdout
            .contains("not applied: the result would have `key/wrong-type`"),
        "{}",
        refused.stdout
    );
    let diff = run(lint(dir.path()).args(["azdo.yaml", "--diff"]));
    assert!(diff.stdout.is_empty(), "{}", diff.stdout);
}

#[test]
fn diff_writes_nothing_and_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("azdo.yaml");
    let text = format!(
        "serviceId: appmixer:azuredevops\nclientId: {CLIENT_ID}\nclientSecret: \" {SECRET}\"\n# keep this\nredirectUri: https://api.acme.appmixer.cloud/auth/azuredevops/callback\n"
    );
    std::fs::write(&path, &text).unwrap();
    let diff = run(lint(dir.path()).args(["azdo.yaml", "--diff"]));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // Masked as snippets mask it: the quoted value, quotes included.
    let masked_old = format!("-clientSecret: {}\n", "*".repeat(SECRET.len() + 3));
    let masked_new = format!("+clientSecret: {}\n", "*".repeat(SECRET.len() + 2));
    assert_eq!(
        diff.stdout,
        format!(
            "--- a/azdo.yaml\n+++ b/azdo.yaml\n@@ -1,5 +1,5 @@\n serviceId: appmixer:azuredevops\n clientId: {CLIENT_ID}\n{masked_old}{masked_new} # keep this\n redirectUri: https://api.acme.appmixer.cloud/auth/azuredevops/callback\n"
        )
    );
    assert!(
        diff.stderr.contains("1 fix would be applied in 1 file (nothing written: --diff); 0 errors, 1 warning, 0 infos would remain."),
        "{}",
        diff.stderr
    );
    // The literal secret is a warning that remains: the status is that of what would remain.
    assert_eq!(diff.status, 0);
    let output = dir.path().join("fix.patch");
    let to_file = run(lint(dir.path()).args(["azdo.yaml", "--diff", "-o", "fix.patch"]));
    assert_eq!(to_file.status, 0);
    assert_eq!(std::fs::read_to_string(output).unwrap(), diff.stdout);
}

#[test]
fn standard_input_is_fixed_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("clientID: {CLIENT_ID}\r\nclientSecret: ${{AZDO_CLIENT_SECRET}}\r\n");
    let fixed = run(lint(dir.path()).args(["-", "--fix"]).write_stdin(text));
    assert_eq!(
        fixed.stdout,
        format!("clientId: {CLIENT_ID}\r\nclientSecret: ${{AZDO_CLIENT_SECRET}}\r\n")
    );
    assert!(
        fixed.stderr.contains(
            "1 file checked: 0 errors, 0 warnings, 0 infos remaining after 1 fix applied in 1 file."
        ),
        "{}",
        fixed.stderr
    );
    assert_eq!(fixed.status, 0);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn a_fixed_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("azdo.yaml");
    std::fs::write(
        &path,
        format!("clientID: {CLIENT_ID}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let fixed = run(lint(dir.path()).args(["azdo.yaml", "--fix"]));
    assert_eq!(fixed.status, 0, "{}", fixed.stdout);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("clientId:")
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_walk_with_nothing_but_other_files_is_no_pass_when_fixing_either() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{\"name\": \"x\"}\n").unwrap();
    for mode in ["--fix", "--diff"] {
        let nothing = run(lint(dir.path()).args([".", mode]));
        assert_eq!(nothing.status, 2, "{mode}");
        assert!(
            nothing.stderr.contains("no connector configuration found"),
            "{}",
            nothing.stderr
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("package.json")).unwrap(),
        "{\"name\": \"x\"}\n"
    );
}

#[test]
fn fix_and_diff_refuse_what_they_cannot_do_together() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["x.yaml", "--fix", "--diff"][..],
        &["x.yaml", "--diff", "--format", "json"][..],
        &["x.yaml", "--fix", "--probe"][..],
    ] {
        let refused = run(lint(dir.path()).args(args));
        assert_eq!(refused.status, 2, "{args:?}");
    }
}
