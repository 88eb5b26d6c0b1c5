//! `diff` and `apply` end to end: the binary against the fake Appmixer API on 127.0.0.1. A refused
//! apply is proven to have sent nothing (the fake records every request); an apply is proven to
//! have stored the file's record; no output of any run holds the token, the password or a secret.

mod support;

use serde_json::Value;
use support::appmixer::{self as fake, FakeAppmixer};
use support::{Reply, Run};

/// The secret the files read from the environment.
const FILE_SECRET: &str = "Ef56Q~File.Azdo-Secret_0123456789abcdefg";

/// A directory with `azdo.yaml` holding `body` (`{url}` replaced by the API URL).
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new(files: &[(&str, String)]) -> Files {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, body) in files {
            std::fs::write(dir.path().join(name), body).expect("write");
        }
        Files { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

/// The Azure DevOps file a team keeps: the live record's client id, the secret from the
/// environment, the redirect URI of `url`.
fn azdo_file(url: &str) -> String {
    format!(
        "serviceId: appmixer:azuredevops\nclientId: {}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\nredirectUri: {url}/auth/azuredevops/callback\n",
        fake::AZDO_CLIENT_ID
    )
}

/// The fake holding the live Azure DevOps record (another secret, an extra key) among others.
fn backoffice() -> FakeAppmixer {
    let fake = FakeAppmixer::start(fake::other_records(3));
    let mut azdo = fake::azdo_record(Some(&fake.localhost_url()));
    azdo["sandbox"] = Value::Bool(true);
    fake.insert(azdo);
    fake
}

fn command(args: &[&str]) -> assert_cmd::Command {
    let mut command = fake::with_token(args);
    command.env("AZDO_CLIENT_SECRET", FILE_SECRET);
    command
}

/// Runs, and checks that neither the file's secret nor anything of `NEVER_SHOWN` was shown.
fn run(command: &mut assert_cmd::Command) -> Run {
    let run = fake::run(command);
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains(FILE_SECRET), "the file's secret in:\n{text}");
    }
    run
}

fn diff(fake: &FakeAppmixer, files: &Files, extra: &[&str]) -> Run {
    let path = files.path("azdo.yaml");
    let url = fake.localhost_url();
    let mut args = vec!["diff", path.as_str(), "--api-url", url.as_str()];
    args.extend_from_slice(extra);
    run(&mut command(&args))
}

fn apply(fake: &FakeAppmixer, paths: &[String], extra: &[&str]) -> Run {
    let url = fake.localhost_url();
    let mut args = vec!["apply"];
    args.extend(paths.iter().map(String::as_str));
    args.extend(["--api-url", url.as_str()]);
    args.extend_from_slice(extra);
    run(&mut command(&args))
}

fn one_file(body: String) -> (Files, Vec<String>) {
    let files = Files::new(&[("azdo.yaml", body)]);
    let paths = vec![files.path("azdo.yaml")];
    (files, paths)
}

#[test]
fn diff_reports_each_key_and_never_a_secret() {
    let fake = backoffice();
    let files = Files::new(&[("azdo.yaml", azdo_file(&fake.localhost_url()))]);
    let run = diff(&fake, &files, &[]);
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("~ clientSecret"), "{}", run.stdout);
    assert!(
        run.stdout.contains("a secret: values not shown"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("- sandbox"), "{}", run.stdout);
    assert!(run.stdout.contains("`clientId`"), "{}", run.stdout);
    let json = diff(&fake, &files, &["--format", "json"]);
    assert_eq!(json.status, 1);
    let report = json.json();
    let changes = report["records"][0]["changes"]
        .as_array()
        .expect("changes")
        .clone();
    let keys: Vec<(&str, &str)> = changes
        .iter()
        .map(|change| {
            (
                change["key"].as_str().unwrap_or_default(),
                change["change"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [("clientSecret", "different"), ("sandbox", "only-live")]
    );
    assert_eq!(changes[0].get("file"), None);
    assert_eq!(changes[1]["live"], true);
    // Nothing was written.
    assert!(fake.puts().is_empty());
}

#[test]
fn diff_of_the_same_record_is_exit_0() {
    let fake = FakeAppmixer::start(vec![]);
    let url = fake.localhost_url();
    let mut live = fake::azdo_record(Some(&url));
    live["clientSecret"] = Value::from(FILE_SECRET);
    fake.insert(live);
    let files = Files::new(&[("azdo.yaml", azdo_file(&url))]);
    let run = diff(&fake, &files, &[]);
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("no difference"), "{}", run.stdout);
    assert!(run.stdout.contains("`clientSecret`"), "{}", run.stdout);
}

#[test]
fn diff_against_a_connector_that_is_not_configured() {
    let fake = FakeAppmixer::start(fake::other_records(2));
    let files = Files::new(&[("azdo.yaml", azdo_file(&fake.localhost_url()))]);
    let run = diff(&fake, &files, &[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stdout
            .contains("holds no record of `appmixer:azuredevops`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("+ clientSecret"), "{}", run.stdout);
}

#[test]
fn diff_does_not_compare_an_unset_variable() {
    let fake = backoffice();
    let files = Files::new(&[("azdo.yaml", azdo_file(&fake.localhost_url()))]);
    let path = files.path("azdo.yaml");
    let url = fake.localhost_url();
    let run =
        run(fake::with_token(&["diff", &path, "--api-url", &url]).env_remove("AZDO_CLIENT_SECRET"));
    assert_eq!(run.status, 1);
    assert!(
        run.stdout.contains("`${AZDO_CLIENT_SECRET}` is not set"),
        "{}",
        run.stdout
    );
}

#[test]
fn diff_of_a_missing_file_sends_nothing() {
    let fake = backoffice();
    let url = fake.localhost_url();
    let run = run(&mut command(&["diff", "no/such.yaml", "--api-url", &url]));
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no/such.yaml"), "{}", run.stderr);
    assert!(fake.requests().is_empty());
}

#[test]
fn a_file_with_an_error_refuses_the_whole_apply_and_nothing_is_sent() {
    let fake = backoffice();
    let url = fake.localhost_url();
    let files = Files::new(&[
        ("azdo.yaml", azdo_file(&url)),
        (
            "microsoft.yaml",
            "serviceId: appmixer:microsoft\nclientId: YOUR_CLIENT_ID\nclientSecret: ${AZDO_CLIENT_SECRET}\n".to_owned(),
        ),
    ]);
    let run = apply(
        &fake,
        &[files.path("azdo.yaml"), files.path("microsoft.yaml")],
        &[],
    );
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("client-id/placeholder"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("apply refused"), "{}", run.stdout);
    assert!(run.stdout.contains("nothing was sent"), "{}", run.stdout);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn a_warning_refuses_only_under_deny_warnings() {
    let fake = backoffice();
    let url = fake.localhost_url();
    let (_files, paths) = one_file(format!("{}sandbox: false\n", azdo_file(&url)));
    let refused = apply(&fake, &paths, &["--deny-warnings"]);
    assert_eq!(refused.status, 1, "{}", refused.stdout);
    assert!(refused.stdout.contains("key/unknown"), "{}", refused.stdout);
    assert!(
        refused.stdout.contains("--deny-warnings"),
        "{}",
        refused.stdout
    );
    assert!(fake.requests().is_empty());
    let applied = apply(&fake, &paths, &[]);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert_eq!(fake.puts().len(), 1);
}

#[test]
fn a_probe_without_a_verdict_refuses_the_apply() {
    let entra = support::FakeEntra::scripted(Reply::json(503, "{}"), Reply::token());
    let fake = backoffice();
    let url = fake.localhost_url();
    let (_files, paths) = one_file(format!(
        "{}tenantId: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n",
        azdo_file(&url)
    ));
    let run = apply(
        &fake,
        &paths,
        &[
            "--probe",
            "--authority",
            &entra.authority(),
            "--timeout",
            "1",
        ],
    );
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("no verdict"), "{}", run.stdout);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn dry_run_shows_the_plan_and_the_masked_record_and_sends_nothing() {
    let fake = backoffice();
    let (_files, paths) = one_file(azdo_file(&fake.localhost_url()));
    let run = apply(&fake, &paths, &["--dry-run"]);
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("a PUT replaces the whole record"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("- sandbox"), "{}", run.stdout);
    assert!(run.stdout.contains("Would send PUT"), "{}", run.stdout);
    assert!(
        run.stdout.contains("\"clientSecret\": \"********\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("nothing was sent"), "{}", run.stdout);
    assert!(fake.puts().is_empty());
    assert_eq!(
        fake.stored("appmixer:azuredevops").expect("live")["sandbox"],
        true
    );
}

#[test]
fn apply_puts_the_resolved_record_reads_it_back_and_a_second_run_has_nothing_to_do() {
    let fake = backoffice();
    let (_files, paths) = one_file(azdo_file(&fake.localhost_url()));
    let run = apply(&fake, &paths, &[]);
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Applied"), "{}", run.stdout);
    let puts = fake.puts();
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].target, "/service-config/appmixer:azuredevops");
    let sent: Value = serde_json::from_slice(&puts[0].body).expect("json");
    assert_eq!(sent["clientSecret"], FILE_SECRET);
    assert_eq!(sent["serviceId"], "appmixer:azuredevops");
    let stored = fake.stored("appmixer:azuredevops").expect("stored");
    assert_eq!(stored.get("sandbox"), None, "the full replace removed it");
    assert_eq!(stored["clientSecret"], FILE_SECRET);
    // The PUT was followed by a read back.
    let last = fake.requests().last().cloned().expect("requests");
    assert_eq!(
        (last.method.as_str(), last.target.as_str()),
        ("GET", "/service-config/appmixer:azuredevops")
    );

    let again = apply(&fake, &paths, &[]);
    assert_eq!(again.status, 0, "{}", again.stdout);
    assert!(
        again.stdout.contains("Nothing to apply"),
        "{}",
        again.stdout
    );
    assert_eq!(fake.puts().len(), 1);
}

#[test]
fn apply_signs_in_once_with_a_user_name_and_password() {
    let fake = backoffice();
    let (_files, paths) = one_file(azdo_file(&fake.localhost_url()));
    let url = fake.localhost_url();
    let run = run(fake::binary()
        .args(["apply", &paths[0], "--api-url", &url])
        .env("AZDO_CLIENT_SECRET", FILE_SECRET)
        .env("APPMIXER_USERNAME", fake::USERNAME)
        .env("APPMIXER_PASSWORD", fake::PASSWORD));
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(fake.sign_ins(), 1);
    assert_eq!(fake.puts().len(), 1);
}

#[test]
fn a_failed_put_is_exit_3_and_does_not_echo_the_record() {
    let fake = FakeAppmixer::scripted(vec![], |request| {
        (request.method == "PUT").then(|| {
            fake::error_reply(
                500,
                &format!("cannot store {}", String::from_utf8_lossy(&request.body)),
            )
        })
    });
    fake.insert(fake::azdo_record(Some(&fake.localhost_url())));
    let (_files, paths) = one_file(azdo_file(&fake.localhost_url()));
    let run = apply(&fake, &paths, &[]);
    assert_eq!(run.status, 3, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("HTTP 500"), "{}", run.stderr);
}

#[test]
fn a_record_not_stored_as_sent_is_exit_3() {
    // The API accepts the PUT and keeps the old record.
    let fake = FakeAppmixer::scripted(vec![], |request| {
        (request.method == "PUT").then(|| Reply::json(200, "{}"))
    });
    fake.insert(fake::azdo_record(Some(&fake.localhost_url())));
    let (_files, paths) = one_file(azdo_file(&fake.localhost_url()));
    let run = apply(&fake, &paths, &[]);
    assert_eq!(run.status, 3, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("`clientSecret`"), "{}", run.stderr);
    assert!(run.stderr.contains("not as sent"), "{}", run.stderr);
}

#[test]
fn two_records_of_one_service_refuse_the_apply() {
    let fake = backoffice();
    let url = fake.localhost_url();
    let files = Files::new(&[("a.yaml", azdo_file(&url)), ("b.yaml", azdo_file(&url))]);
    let run = apply(&fake, &[files.path("a.yaml"), files.path("b.yaml")], &[]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("both records of `appmixer:azuredevops`"),
        "{}",
        run.stdout
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn an_unset_variable_is_never_sent_even_when_the_check_allows_it() {
    let fake = backoffice();
    let (_files, paths) = one_file(azdo_file(&fake.localhost_url()));
    let url = fake.localhost_url();
    let run = run(
        fake::with_token(&["apply", &paths[0], "--api-url", &url, "--allow-unset-env"])
            .env_remove("AZDO_CLIENT_SECRET"),
    );
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("needs `${AZDO_CLIENT_SECRET}`"),
        "{}",
        run.stdout
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn a_refused_token_is_exit_2_and_nothing_is_stored() {
    let fake = backoffice();
    let (_files, paths) = one_file(azdo_file(&fake.localhost_url()));
    let url = fake.localhost_url();
    let run = run(fake::binary()
        .args(["apply", &paths[0], "--api-url", &url])
        .env("AZDO_CLIENT_SECRET", FILE_SECRET)
        .env("APPMIXER_TOKEN", "revoked-token-value"));
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        !run.stderr.contains("revoked-token-value"),
        "{}",
        run.stderr
    );
    assert!(fake.puts().is_empty());
}

#[test]
fn a_machine_format_keeps_standard_output_for_the_report() {
    let fake = backoffice();
    let (_files, paths) = one_file(azdo_file(&fake.localhost_url()));
    let run = apply(&fake, &paths, &["--format", "json", "--dry-run"]);
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["summary"]["errors"], 0);
    assert!(run.stderr.contains("Would send PUT"), "{}", run.stderr);
}

#[test]
fn apply_needs_files_and_a_usable_api_url() {
    let fake = backoffice();
    let url = fake.localhost_url();
    for args in [
        vec!["apply", "--api-url", url.as_str()],
        vec![
            "apply",
            "fixtures/valid",
            "--api-url",
            "http://api.acme.appmixer.cloud",
        ],
        vec!["apply", "fixtures/valid"],
    ] {
        let run = run(&mut command(&args));
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
    }
    assert!(fake.requests().is_empty());
}

/// The commands the README's live Backoffice section shows (the everyday three and the CI
/// examples) are commands the binary takes.
#[test]
fn the_readme_examples_parse() {
    use clap::Parser;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme.find("## The live Backoffice").expect("the section");
    let end = start
        + readme[start..]
            .find("\n## CI gate")
            .expect("the next section");
    let commands: Vec<&str> = readme[start..end]
        .lines()
        .map(str::trim)
        .filter_map(|line| {
            line.strip_prefix("run: ")
                .or_else(|| line.strip_prefix("- "))
                .or(Some(line))
        })
        .filter(|line| line.starts_with("connector-lint "))
        .collect();
    assert!(commands.len() >= 6, "{commands:?}");
    assert!(
        commands[0].contains("--dry-run"),
        "the dry run comes first: {commands:?}"
    );
    for command in commands {
        let words = command.split_whitespace();
        if let Err(error) = connector_lint::cli::Cli::try_parse_from(words) {
            panic!("`{command}` does not parse: {error}");
        }
    }
}
