//! `check --live` end to end: the binary against the fake Appmixer API on 127.0.0.1. The live
//! records are checked exactly as files are (positions in the pretty-printed record, every
//! format), and no run, failed or not, shows the token, the password or a secret.

mod support;

use serde_json::{Value, json};
use support::appmixer::{self as fake, FakeAppmixer};
use support::{Reply, Run};

const FORMATS: &[&str] = &[
    "human", "json", "sarif", "github", "azure", "junit", "gitlab",
];

/// The fake with the Azure DevOps record (redirect URI right, an extra key), the Microsoft
/// record (callback on the Studio host) and `others` records of other services around them.
fn backoffice(others: usize) -> FakeAppmixer {
    let fake = FakeAppmixer::start(fake::other_records(others));
    let mut azdo = fake::azdo_record(Some(&fake.url()));
    azdo["sandbox"] = Value::Bool(true);
    fake.insert(azdo);
    let mut microsoft = fake::microsoft_record();
    microsoft["callbackUrl"] =
        Value::from("https://my.acme.appmixer.cloud/auth/microsoft/callback");
    fake.insert(microsoft);
    fake
}

fn live(fake: &FakeAppmixer, extra: &[&str]) -> Run {
    let url = fake.url();
    let mut args = vec!["check", "--live", "--api-url", url.as_str()];
    args.extend_from_slice(extra);
    fake::run(&mut fake::with_token(&args))
}

fn diagnostics(run: &Run) -> Vec<Value> {
    support::diagnostics_with_prefix(&run.json(), &[""])
}

#[test]
fn every_supported_record_is_checked_at_its_url_and_others_are_left_alone() {
    let fake = backoffice(150);
    let run = live(&fake, &["--format", "json"]);
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|file| file["path"].as_str().expect("path"))
        .collect();
    let url = fake.url();
    assert_eq!(
        paths,
        [
            format!("{url}/service-config/appmixer:azuredevops"),
            format!("{url}/service-config/appmixer:microsoft"),
        ]
    );
    let codes: Vec<String> = diagnostics(&run)
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(codes.contains(&"key/unknown".to_owned()), "{codes:?}");
    assert!(
        codes.contains(&"redirect-uri/not-api-host".to_owned()),
        "{codes:?}"
    );
    // The Backoffice necessarily holds the secret's value: no plaintext warning.
    assert!(
        !codes.contains(&"client-secret/plaintext".to_owned()),
        "{codes:?}"
    );
    assert!(
        !codes.iter().any(|code| code.starts_with("service-id/")),
        "{codes:?}"
    );
    // Paged: the 152 records took two pages.
    assert_eq!(fake.requests().len(), 2);
}

#[test]
fn positions_refer_to_the_pretty_printed_record() {
    let fake = backoffice(0);
    let run = live(
        &fake,
        &["--format", "json", "--service", "appmixer:microsoft"],
    );
    let stored = fake.stored("appmixer:microsoft").expect("stored");
    let pretty = serde_json::to_string_pretty(&stored).expect("pretty");
    let line = pretty
        .lines()
        .position(|line| line.contains("\"callbackUrl\""))
        .expect("callbackUrl line")
        + 1;
    let column = pretty
        .lines()
        .nth(line - 1)
        .and_then(|text| text.find("\"https"))
        .expect("value")
        + 1;
    let found = diagnostics(&run)
        .into_iter()
        .find(|diagnostic| diagnostic["pointer"] == "/callbackUrl")
        .expect("a finding on callbackUrl");
    assert_eq!(found["line"], line, "{found}");
    assert_eq!(found["column"], column, "{found}");
}

#[test]
fn the_human_report_shows_the_record_with_its_secret_masked() {
    let fake = backoffice(3);
    let mut microsoft = fake.stored("appmixer:microsoft").expect("stored");
    // A finding on the secret itself, so the snippet has to show its line.
    microsoft["clientSecret"] = Value::from(format!("{} ", fake::MICROSOFT_SECRET));
    fake.insert(microsoft);
    let run = live(&fake, &["--service", "appmixer:microsoft"]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    let url = fake.url();
    assert!(
        run.stdout
            .contains(&format!("{url}/service-config/appmixer:microsoft")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\"clientSecret\": ****"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("value/surrounding-whitespace"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("my.acme.appmixer.cloud"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_format_works_and_none_shows_a_secret() {
    let fake = backoffice(120);
    let mut statuses = Vec::new();
    for format in FORMATS {
        let run = live(&fake, &["--format", format]);
        assert!(
            run.stdout.contains("service-config/appmixer:microsoft"),
            "{format}:\n{}",
            run.stdout
        );
        statuses.push(run.status);
    }
    assert!(statuses.iter().all(|status| *status == 1), "{statuses:?}");
}

#[test]
fn a_named_connector_that_is_not_configured_is_an_error() {
    let fake = FakeAppmixer::scripted(vec![fake::azdo_record(None)], |request| {
        request
            .target
            .ends_with("/appmixer:microsoft:dynamics")
            .then(|| Reply::json(200, "{}"))
    });
    for format in FORMATS {
        let run = live(
            &fake,
            &[
                "--service",
                "appmixer:azuredevops",
                "--service",
                "appmixer:microsoft",
                "--service",
                "appmixer:microsoft:dynamics",
                "--format",
                format,
            ],
        );
        assert_eq!(run.status, 1, "{format}: {}\n{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains("backoffice/not-configured"),
            "{format}: {}",
            run.stdout
        );
    }
    let run = live(
        &fake,
        &[
            "--service",
            "appmixer:microsoft",
            "--service",
            "appmixer:microsoft:dynamics",
            "--format",
            "json",
        ],
    );
    let not_configured: Vec<Value> = diagnostics(&run)
        .into_iter()
        .filter(|diagnostic| diagnostic["code"] == "backoffice/not-configured")
        .collect();
    assert_eq!(not_configured.len(), 2, "{}", run.stdout);
    // Only the named records were asked for; no list.
    assert!(
        fake.requests()
            .iter()
            .all(|request| request.target.starts_with("/service-config/"))
    );
}

#[test]
fn a_clean_live_record_passes() {
    let fake = FakeAppmixer::start(fake::other_records(2));
    let url = fake.localhost_url();
    fake.insert(fake::azdo_record(Some(&url)));
    let run = fake::run(&mut fake::with_token(&[
        "check",
        "--live",
        "--api-url",
        &url,
    ]));
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("0 errors"), "{}", run.stdout);
}

#[test]
fn a_backoffice_without_supported_connectors_checks_nothing() {
    let fake = FakeAppmixer::start(fake::other_records(5));
    let run = live(&fake, &[]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("5 records of other services"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--service"), "{}", run.stderr);
}

#[test]
fn an_unresolved_reference_in_the_backoffice_is_reported_as_such() {
    let fake = FakeAppmixer::start(vec![]);
    let mut azdo = fake::azdo_record(Some(&fake.url()));
    azdo["clientSecret"] = Value::from("${AZDO_CLIENT_SECRET}");
    fake.insert(azdo);
    // Even with the variable set here: Appmixer would send the characters as they are.
    let run = fake::run(
        fake::with_token(&[
            "check",
            "--live",
            "--api-url",
            &fake.url(),
            "--format",
            "json",
        ])
        .env("AZDO_CLIENT_SECRET", fake::AZDO_SECRET),
    );
    assert_eq!(run.status, 1, "{}", run.stdout);
    let found = diagnostics(&run)
        .into_iter()
        .find(|diagnostic| diagnostic["code"] == "env/undefined")
        .expect("env/undefined");
    assert!(
        found["message"]
            .as_str()
            .unwrap_or_default()
            .contains("does not resolve"),
        "{found}"
    );
}

#[test]
fn a_user_name_and_password_sign_in_once() {
    let fake = backoffice(0);
    let url = fake.url();
    let run = fake::run(
        fake::binary()
            .args(["check", "--live", "--api-url", &url])
            .env("APPMIXER_USERNAME", fake::USERNAME)
            .env("APPMIXER_PASSWORD", fake::PASSWORD),
    );
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(fake.sign_ins(), 1);
}

#[test]
fn failures_end_with_their_exit_status_and_show_no_secret() {
    let echo = format!(
        "{} {} {} {} {}",
        fake::TOKEN,
        fake::USERNAME,
        fake::PASSWORD,
        fake::AZDO_SECRET,
        fake::OTHER_SECRET
    );
    let cases: Vec<(Reply, i32, &str)> = vec![
        (fake::error_reply(401, &echo), 2, "HTTP 401"),
        (fake::error_reply(403, &echo), 2, "HTTP 403"),
        (fake::error_reply(500, &echo), 3, "HTTP 500"),
        (fake::error_reply(502, "bad gateway"), 3, "HTTP 502"),
        (
            Reply::new(200, "text/html", format!("<html>{echo}</html>")),
            3,
            "not JSON",
        ),
        (
            Reply::json(
                200,
                json!({"serviceId": "appmixer:google", "clientSecret": fake::OTHER_SECRET})
                    .to_string(),
            ),
            3,
            "appmixer:google",
        ),
        (
            Reply::new(301, "text/plain", echo.clone())
                .header("Location", "https://elsewhere.example/x"),
            3,
            "redirect",
        ),
    ];
    for (reply, status, phrase) in cases {
        let fake = FakeAppmixer::scripted(vec![], move |_| Some(reply.clone()));
        for format in FORMATS {
            let run = live(
                &fake,
                &["--service", "appmixer:azuredevops", "--format", format],
            );
            assert_eq!(run.status, status, "{format}: {}", run.stderr);
            assert!(
                run.stderr.contains(phrase),
                "{format}: `{phrase}` not in {}",
                run.stderr
            );
            assert!(run.stdout.is_empty(), "{format}: {}", run.stdout);
        }
    }
}

#[test]
fn a_refused_sign_in_is_exit_2_without_the_password() {
    let fake = backoffice(0);
    let run = fake::run(
        fake::binary()
            .args(["check", "--live", "--api-url", &fake.url()])
            .env("APPMIXER_USERNAME", fake::USERNAME)
            .env("APPMIXER_PASSWORD", "Wrong-Pa55word-echoed"),
    );
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        !run.stderr.contains("Wrong-Pa55word-echoed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("APPMIXER_PASSWORD"), "{}", run.stderr);
}

#[test]
fn bad_settings_are_usage_errors_before_anything_is_sent() {
    let fake = backoffice(0);
    let url = fake.url();
    // No credentials.
    let run = fake::run(fake::binary().args(["check", "--live", "--api-url", &url]));
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("APPMIXER_TOKEN"), "{}", run.stderr);
    // No API URL, an insecure one, the Studio's.
    for api_url in [
        None,
        Some("http://api.acme.appmixer.cloud"),
        Some("https://my.acme.appmixer.cloud"),
        Some("not a url"),
    ] {
        let mut args = vec!["check", "--live"];
        if let Some(api_url) = api_url {
            args.extend(["--api-url", api_url]);
        }
        let run = fake::run(&mut fake::with_token(&args));
        assert_eq!(run.status, 2, "{api_url:?}: {}", run.stderr);
        assert!(run.stderr.contains("--api-url"), "{}", run.stderr);
    }
    // Files and --live do not mix.
    let run = fake::run(&mut fake::with_token(&[
        "check",
        "--live",
        "--api-url",
        &url,
        "fixtures/valid",
    ]));
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn an_api_that_cannot_be_reached_is_exit_3() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let run = fake::run(&mut fake::with_token(&[
        "check",
        "--live",
        "--api-url",
        &format!("http://127.0.0.1:{port}"),
    ]));
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("could not be reached"),
        "{}",
        run.stderr
    );

    let slow = FakeAppmixer::scripted(vec![], |_| {
        Some(Reply::json(200, "[]").delay(std::time::Duration::from_secs(3)))
    });
    let run = live(&slow, &["--timeout", "0.5"]);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.contains("0.5 s"), "{}", run.stderr);
}

#[test]
fn the_live_secret_can_be_probed() {
    let entra = support::FakeEntra::scripted(Reply::discovery(), Reply::token());
    let fake = FakeAppmixer::start(vec![]);
    let url = fake.localhost_url();
    let mut azdo = fake::azdo_record(Some(&url));
    azdo["tenantId"] = Value::from("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    fake.insert(azdo);
    let run = fake::run(&mut fake::with_token(&[
        "check",
        "--live",
        "--api-url",
        &url,
        "--probe",
        "--authority",
        &entra.authority(),
        "--timeout",
        "2",
        "--format",
        "json",
    ]));
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        diagnostics(&run)
            .iter()
            .any(|diagnostic| diagnostic["code"] == "probe/ok")
    );
    let token = entra
        .requests()
        .into_iter()
        .find(support::Request::is_token)
        .expect("a token request");
    assert_eq!(
        token.form_value("client_secret").as_deref(),
        Some(fake::AZDO_SECRET)
    );
}
