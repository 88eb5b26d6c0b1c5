//! `pull` end to end: the binary against the fake Appmixer API on 127.0.0.1. What it writes is a
//! YAML stream that `check`, `diff` and `apply` read back (the round trip finds no difference), and
//! no secret is ever in the file or on the terminal.

mod support;

use serde_json::{Value, json};
use support::Reply;
use support::appmixer::{self as fake, FakeAppmixer};

/// The fake with both supported records among others, one with values that are not strings.
fn backoffice() -> FakeAppmixer {
    let fake = FakeAppmixer::start(fake::other_records(130));
    let mut azdo = fake::azdo_record(Some(&fake.localhost_url()));
    azdo["sandbox"] = Value::Bool(true);
    azdo["retries"] = json!(3);
    azdo["scopes"] = json!(["vso.work", "vso.code"]);
    fake.insert(azdo);
    fake.insert(fake::microsoft_record());
    fake
}

fn pull(fake: &FakeAppmixer, extra: &[&str]) -> support::Run {
    let url = fake.localhost_url();
    let mut args = vec!["pull", "--api-url", url.as_str()];
    args.extend_from_slice(extra);
    fake::run(&mut fake::with_token(&args))
}

#[test]
fn every_supported_record_is_written_with_its_secret_as_a_reference() {
    let fake = backoffice();
    let run = pull(&fake, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let yaml = &run.stdout;
    assert_eq!(yaml.matches("\n---\n").count(), 2, "{yaml}");
    assert!(
        yaml.contains("serviceId: \"appmixer:azuredevops\""),
        "{yaml}"
    );
    assert!(yaml.contains("serviceId: \"appmixer:microsoft\""), "{yaml}");
    assert!(
        yaml.contains("clientSecret: \"${AZDO_CLIENT_SECRET}\""),
        "{yaml}"
    );
    assert!(
        yaml.contains("clientSecret: \"${MICROSOFT_CLIENT_SECRET}\""),
        "{yaml}"
    );
    assert!(
        yaml.contains("# clientSecret: the live value is not written here; set AZDO_CLIENT_SECRET"),
        "{yaml}"
    );
    assert!(yaml.contains("sandbox: true"), "{yaml}");
    assert!(yaml.contains("retries: 3"), "{yaml}");
    assert!(
        yaml.contains("scopes: [\"vso.work\", \"vso.code\"]"),
        "{yaml}"
    );
    assert!(yaml.contains("microsoftTenant: true"), "{yaml}");
    // Other services' records are not written.
    assert!(
        !yaml.contains("appmixer:google") && !yaml.contains("evernote"),
        "{yaml}"
    );
    assert!(
        run.stderr
            .contains("AZDO_CLIENT_SECRET, MICROSOFT_CLIENT_SECRET"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_pulled_file_is_checked_compared_and_applied_as_it_is() {
    let fake = backoffice();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("backoffice.yaml").display().to_string();
    let run = pull(&fake, &["--output", &file]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains(&file), "{}", run.stderr);
    let written = std::fs::read_to_string(&file).expect("written");
    fake::assert_nothing_secret(&[&written]);

    let with_secrets = |args: &[&str]| {
        let mut command = fake::with_token(args);
        command
            .env("AZDO_CLIENT_SECRET", fake::AZDO_SECRET)
            .env("MICROSOFT_CLIENT_SECRET", fake::MICROSOFT_SECRET);
        fake::run(&mut command)
    };
    let url = fake.localhost_url();
    let check = with_secrets(&["check", &file, "--api-url", &url, "--format", "json"]);
    let codes: Vec<String> = support::diagnostics_with_prefix(&check.json(), &[""])
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        !codes.iter().any(|code| code.starts_with("load/")
            || code.starts_with("env/")
            || code == "client-secret/plaintext"),
        "{codes:?}"
    );
    let diff = with_secrets(&["diff", &file, "--api-url", &url]);
    assert_eq!(diff.status, 0, "{}\n{}", diff.stdout, diff.stderr);
    assert_eq!(
        diff.stdout.matches("no difference").count(),
        2,
        "{}",
        diff.stdout
    );
    let apply = with_secrets(&["apply", &file, "--api-url", &url]);
    // The extra keys are warnings (`key/unknown`), which do not refuse an apply.
    assert_eq!(apply.status, 0, "{}\n{}", apply.stdout, apply.stderr);
    assert!(
        apply.stdout.contains("Nothing to apply"),
        "{}",
        apply.stdout
    );
    assert!(fake.puts().is_empty());
}

#[test]
fn a_named_connector_that_is_not_configured_is_exit_1() {
    let fake = backoffice();
    let run = pull(
        &fake,
        &[
            "--service",
            "appmixer:microsoft:dynamics",
            "--service",
            "appmixer:microsoft",
        ],
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`appmixer:microsoft:dynamics` is not configured"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("serviceId: \"appmixer:microsoft\""),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("azuredevops"), "{}", run.stdout);
}

#[test]
fn a_backoffice_without_supported_connectors_writes_nothing() {
    let fake = FakeAppmixer::start(fake::other_records(4));
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("out.yaml");
    let run = pull(&fake, &["--output", &file.display().to_string()]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(!file.exists());
}

#[test]
fn failures_write_no_file_and_show_no_secret() {
    let echo = format!("{} {} {}", fake::TOKEN, fake::PASSWORD, fake::AZDO_SECRET);
    for (reply, status) in [
        (fake::error_reply(401, &echo), 2),
        (fake::error_reply(403, &echo), 2),
        (fake::error_reply(500, &echo), 3),
        (Reply::new(200, "text/html", echo.clone()), 3),
    ] {
        let fake = FakeAppmixer::scripted(vec![], move |_| Some(reply.clone()));
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("out.yaml");
        let run = pull(&fake, &["--output", &file.display().to_string()]);
        assert_eq!(run.status, status, "{}", run.stderr);
        assert!(!file.exists());
        assert!(run.stdout.is_empty());
    }
}
