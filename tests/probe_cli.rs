//! End-to-end tests of `check --probe`: the binary against a fake Entra on 127.0.0.1 (see
//! `support/`). Every `probe/*` code is produced by its scenario; every run is checked for the
//! secret and the access token in all of its output.

mod support;

use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use support::{FakeEntra, Reply, Request, Run};

/// The secret the tests put in the environment (with characters the form encoding escapes).
const SECRET: &str = "q8R~test.Secret_Value-0123456789abcdefgh";
/// The secret written literally in `fixtures/probe/literal-secret.json`.
const LITERAL_SECRET: &str = "Lt9Q~literal.Secret-Value_0123456789abcd";
/// The start of the synthetic access token in `fixtures/entra/token-200-ok.json`.
const TOKEN_START: &str = "eyJ0eXAiOiJKV1Qi";
const TENANT: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

impl Run {
    /// The diagnostics whose code starts with `probe/` or `tenant/`.
    fn probe_diagnostics(&self) -> Vec<Value> {
        support::diagnostics_with_prefix(&self.json(), &["probe/", "tenant/"])
    }

    /// The single probe diagnostic, checked for code and pointer.
    fn expect_one(&self, code: &str, pointer: &str) -> Value {
        let diagnostics = self.probe_diagnostics();
        assert_eq!(diagnostics.len(), 1, "{}", self.stdout);
        let diagnostic = diagnostics[0].clone();
        assert_eq!(diagnostic["code"], code, "{}", self.stdout);
        assert_eq!(diagnostic["pointer"], pointer, "{}", self.stdout);
        diagnostic
    }
}

fn finish(output: Output) -> Run {
    let run = Run::of(&output);
    assert_no_leak(&run);
    run
}

/// No secret, in any spelling the form encoding could give it, and no token, in any output.
fn assert_no_leak(run: &Run) {
    for text in [&run.stdout, &run.stderr] {
        for secret in [SECRET, LITERAL_SECRET] {
            assert!(!text.contains(secret), "secret in output:\n{text}");
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            assert!(
                !text.contains(&encoded),
                "encoded secret in output:\n{text}"
            );
        }
        assert!(!text.contains(TOKEN_START), "token in output:\n{text}");
    }
}

fn command(args: &[&str]) -> Command {
    let mut command = Command::cargo_bin("connector-lint").expect("binary");
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PROBE_TEST_SECRET", SECRET)
        .env_remove("APPMIXER_API_URL")
        .env("NO_COLOR", "1")
        .args(args);
    command
}

/// `check fixtures/probe/<file> --probe --authority <fake> --timeout 1 --format <format> …`
fn probe(fake: &FakeEntra, file: &str, format: &str, extra: &[&str]) -> Run {
    let path = format!("fixtures/probe/{file}");
    let authority = fake.authority();
    let mut args = vec![
        "check",
        path.as_str(),
        "--probe",
        "--authority",
        authority.as_str(),
        "--timeout",
        "1",
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    finish(command(&args).output().expect("run"))
}

/// Runs a scenario in the JSON format (returned, with its fake), and once more in the human
/// format against a fresh fake, so every scenario is checked for leaks in both.
fn scenario(make: impl Fn() -> FakeEntra, file: &str, extra: &[&str]) -> (Run, FakeEntra) {
    let human_fake = make();
    let human = probe(&human_fake, file, "human", extra);
    let fake = make();
    let run = probe(&fake, file, "json", extra);
    assert_eq!(
        human.status, run.status,
        "{}\n{}",
        human.stdout, human.stderr
    );
    (run, fake)
}

fn token_requests(fake: &FakeEntra) -> Vec<Request> {
    fake.requests()
        .into_iter()
        .filter(Request::is_token)
        .collect()
}

/// The secret reached the fake only as `client_secret` in a POST form body: never in a request
/// line or a header, and never in any other request.
fn assert_secret_only_in_form_body(fake: &FakeEntra, secret: &str) {
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let requests = fake.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        for text in std::iter::once(&request.target).chain(request.headers.iter().map(|(_, v)| v)) {
            assert!(
                !text.contains(secret) && !text.contains(&encoded),
                "{request:?}"
            );
        }
        if request.is_token() {
            assert_eq!(request.method, "POST");
            assert_eq!(request.form_value("client_secret").as_deref(), Some(secret));
        } else {
            let body = String::from_utf8_lossy(&request.body);
            assert!(
                !body.contains(secret) && !body.contains(&encoded),
                "{request:?}"
            );
        }
    }
}

/// A scenario where discovery succeeds and the token endpoint answers `token`.
fn token_scenario(token: Reply, file: &str, extra: &[&str]) -> (Run, FakeEntra) {
    scenario(
        || FakeEntra::scripted(Reply::discovery(), token.clone()),
        file,
        extra,
    )
}

#[test]
fn ok_when_entra_issues_a_token() {
    let (run, fake) = token_scenario(Reply::token(), "record.yaml", &[]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    let diagnostic = run.expect_one("probe/ok", "");
    assert_eq!(diagnostic["severity"], "info");
    let help = diagnostic["help"].as_str().unwrap_or_default();
    assert!(help.contains("redirect URI") && help.contains("user_impersonation"));

    let requests = fake.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let discovery = &requests[0];
    assert_eq!(discovery.method, "GET");
    assert_eq!(
        discovery.target,
        format!("/{TENANT}/v2.0/.well-known/openid-configuration")
    );
    let token = &requests[1];
    assert_eq!(token.method, "POST");
    assert_eq!(token.target, format!("/{TENANT}/oauth2/v2.0/token"));
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let mut form = token.form();
    form.sort();
    assert_eq!(
        form,
        vec![
            (
                "client_id".to_owned(),
                "11111111-2222-4333-8444-555555555555".to_owned()
            ),
            ("client_secret".to_owned(), SECRET.to_owned()),
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            (
                "scope".to_owned(),
                "499b84ac-1321-427f-aa17-267ca6975798/.default".to_owned()
            ),
        ]
    );
    assert_secret_only_in_form_body(&fake, SECRET);
}

#[test]
fn the_human_report_says_what_was_and_was_not_proved() {
    let fake = FakeEntra::scripted(Reply::discovery(), Reply::token());
    let run = probe(&fake, "record.yaml", "human", &[]);
    assert_eq!(run.status, 0);
    assert!(run.stdout.contains("probe/ok"), "{}", run.stdout);
    assert!(
        run.stdout.contains("tenant, client id and secret work"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Not proved by any probe"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("user_impersonation"), "{}", run.stdout);
}

#[test]
fn literal_secret_is_sent_in_the_body_and_masked_everywhere_else() {
    let reply = Reply::fixture(401, "token-401-AADSTS7000215-invalid-secret.json");
    let (run, fake) = token_scenario(reply, "literal-secret.json", &[]);
    assert_eq!(run.status, 1);
    run.expect_one("probe/secret-invalid", "/0/clientSecret");
    assert_secret_only_in_form_body(&fake, LITERAL_SECRET);
    // A domain tenant goes into the path as written.
    assert!(
        fake.requests()
            .iter()
            .all(|request| request.target.starts_with("/contoso.onmicrosoft.com/"))
    );
}

/// One test per Entra answer at the token endpoint: code, where it is labelled, exit status.
fn expect_token_outcome(reply: Reply, code: &str, pointer: &str, status: i32) -> Run {
    let (run, fake) = token_scenario(reply, "record.yaml", &[]);
    assert_eq!(run.status, status, "{}", run.stdout);
    let diagnostic = run.expect_one(code, pointer);
    let message = diagnostic["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!message.is_empty());
    assert_eq!(token_requests(&fake).len(), 1);
    assert_secret_only_in_form_body(&fake, SECRET);
    run
}

#[test]
fn client_not_found() {
    let run = expect_token_outcome(
        Reply::fixture(400, "token-400-AADSTS700016-client-not-in-tenant.json"),
        "probe/client-not-found",
        "/clientId",
        1,
    );
    assert!(run.stdout.contains("AADSTS700016"), "{}", run.stdout);
}

#[test]
fn secret_invalid() {
    expect_token_outcome(
        Reply::fixture(401, "token-401-AADSTS7000215-invalid-secret.json"),
        "probe/secret-invalid",
        "/clientSecret",
        1,
    );
}

#[test]
fn secret_expired_says_how_to_replace_it() {
    let run = expect_token_outcome(
        Reply::fixture(401, "token-401-AADSTS7000222-expired-secret.json"),
        "probe/secret-expired",
        "/clientSecret",
        1,
    );
    let diagnostic = run.expect_one("probe/secret-expired", "/clientSecret");
    let message = diagnostic["message"].as_str().unwrap_or_default();
    assert!(message.contains("AADSTS7000222"), "{message}");
    assert!(
        message.contains("environment variable `PROBE_TEST_SECRET`"),
        "{message}"
    );
    let help = diagnostic["help"].as_str().unwrap_or_default();
    assert!(help.contains("Certificates & secrets"), "{help}");
    assert!(help.contains("New client secret"), "{help}");
    assert!(help.contains("`PROBE_TEST_SECRET`"), "{help}");
    assert!(help.contains("Appmixer Backoffice"), "{help}");
}

#[test]
fn secret_missing() {
    expect_token_outcome(
        Reply::fixture(401, "token-401-AADSTS7000218-missing-secret.json"),
        "probe/secret-missing",
        "/clientSecret",
        1,
    );
}

#[test]
fn app_disabled() {
    expect_token_outcome(
        Reply::fixture(
            400,
            "variants/token-400-AADSTS7000112-app-disabled-pretty-tabs.json",
        ),
        "probe/app-disabled",
        "/clientId",
        1,
    );
}

#[test]
fn wrong_cloud() {
    expect_token_outcome(
        Reply::fixture(
            400,
            "variants/token-400-AADSTS900382-cross-cloud-extra-fields.json",
        ),
        "probe/wrong-cloud",
        "/tenantId",
        1,
    );
}

#[test]
fn resource_missing_is_a_warning() {
    let reply = Reply::fixture(400, "token-400-AADSTS500011-resource-not-in-tenant.json");
    expect_token_outcome(reply.clone(), "probe/resource-missing", "/tenantId", 0);
    let fake = FakeEntra::scripted(Reply::discovery(), reply);
    let denied = probe(&fake, "record.yaml", "json", &["--deny-warnings"]);
    assert_eq!(denied.status, 1);
}

#[test]
fn blocked_by_policy_is_inconclusive() {
    expect_token_outcome(
        Reply::fixture(400, "token-400-AADSTS53003-conditional-access.json"),
        "probe/blocked-by-policy",
        "",
        3,
    );
}

/// A probe without a verdict exits 3, which fails an Azure Pipelines script step: the task's
/// result says Failed too, with the reason, instead of a success with issues the step contradicts.
/// The exit statuses stay as they are.
#[test]
fn azure_fails_the_task_when_the_probe_reaches_no_verdict() {
    let blocked = || {
        FakeEntra::scripted(
            Reply::discovery(),
            Reply::fixture(400, "token-400-AADSTS53003-conditional-access.json"),
        )
    };
    let proved = || FakeEntra::scripted(Reply::discovery(), Reply::token());
    for (fake, extra, status, complete) in [
        (
            blocked(),
            &[][..],
            3,
            "##vso[task.complete result=Failed;]connector-lint: 1 file checked, 0 errors, 1 warning; a probe reached no verdict (exit status 3)",
        ),
        // Under `--deny-warnings` the inconclusive warning is exit 1, failed as well.
        (
            blocked(),
            &["--deny-warnings"][..],
            1,
            "##vso[task.complete result=Failed;]connector-lint: 1 file checked, 0 errors, 1 warning",
        ),
        // A probe that proves the record: exit 0, and the task succeeds.
        (
            proved(),
            &[][..],
            0,
            "##vso[task.complete result=Succeeded;]connector-lint: 1 file checked, 0 errors, 0 warnings",
        ),
    ] {
        let run = probe(&fake, "record.yaml", "azure", extra);
        assert_eq!(run.status, status, "{}{}", run.stdout, run.stderr);
        assert_eq!(run.stdout.lines().last(), Some(complete), "{}", run.stdout);
    }
}

#[test]
fn unknown_code_is_unexpected_and_shown() {
    let run = expect_token_outcome(
        Reply::fixture(400, "variants/token-400-AADSTS50034-unknown-code.json"),
        "probe/unexpected-response",
        "",
        3,
    );
    assert!(run.stdout.contains("AADSTS50034"), "{}", run.stdout);
}

#[test]
fn a_captive_portal_page_is_not_a_success() {
    expect_token_outcome(
        Reply::fixture(200, "variants/token-200-captive-portal.html"),
        "probe/unexpected-response",
        "",
        3,
    );
}

#[test]
fn tenant_not_found_at_discovery_sends_no_secret() {
    let (run, fake) = scenario(
        || {
            FakeEntra::scripted(
                Reply::fixture(400, "token-400-AADSTS90002-tenant-not-found.json"),
                Reply::token(),
            )
        },
        "record.yaml",
        &[],
    );
    assert_eq!(run.status, 1);
    run.expect_one("probe/tenant-not-found", "/tenantId");
    assert_eq!(fake.count(Request::is_discovery), 1);
    assert_eq!(token_requests(&fake).len(), 0);
}

#[test]
fn tenant_malformed_at_discovery_sends_no_secret() {
    let (run, fake) = scenario(
        || {
            FakeEntra::scripted(
                Reply::fixture(400, "token-400-AADSTS900023-tenant-malformed.json"),
                Reply::token(),
            )
        },
        "record.yaml",
        &[],
    );
    assert_eq!(run.status, 1);
    run.expect_one("probe/tenant-malformed", "/tenantId");
    assert_eq!(token_requests(&fake).len(), 0);
}

#[test]
fn tenant_required_sends_nothing() {
    let (run, fake) = token_scenario(Reply::token(), "no-tenant.yaml", &[]);
    assert_eq!(run.status, 1);
    let diagnostic = run.expect_one("probe/tenant-required", "");
    let help = diagnostic["help"].as_str().unwrap_or_default();
    assert!(help.contains("Directory (tenant) ID"), "{help}");
    assert!(help.contains("Overview"), "{help}");
    assert!(fake.requests().is_empty());
}

#[test]
fn multi_tenant_aliases_send_nothing() {
    let (run, fake) = token_scenario(Reply::token(), "alias-tenant.yaml", &[]);
    assert_eq!(run.status, 1);
    let diagnostic = run.expect_one("tenant/not-specific", "/tenantId");
    assert!(
        diagnostic["help"]
            .as_str()
            .unwrap_or_default()
            .contains("Directory (tenant) ID")
    );
    assert!(fake.requests().is_empty());

    for alias in ["organizations", "Consumers"] {
        let (run, fake) = token_scenario(Reply::token(), "record.yaml", &["--tenant", alias]);
        assert_eq!(run.status, 1);
        run.expect_one("tenant/not-specific", "");
        assert!(fake.requests().is_empty());
    }
}

#[test]
fn an_invalid_tenant_flag_sends_nothing() {
    for tenant in ["evil.example/x?y=", "", "not a tenant", "../../other"] {
        let (run, fake) = token_scenario(Reply::token(), "record.yaml", &["--tenant", tenant]);
        assert_eq!(run.status, 1, "{tenant}");
        run.expect_one("tenant/invalid", "");
        assert!(fake.requests().is_empty(), "{tenant}");
    }
}

#[test]
fn an_invalid_tenant_in_the_file_sends_nothing() {
    let (run, fake) = token_scenario(Reply::token(), "bad-tenant.yaml", &[]);
    assert_eq!(run.status, 1);
    run.expect_one("tenant/invalid", "/tenantId");
    assert!(fake.requests().is_empty());
}

#[test]
fn the_tenant_flag_overrides_the_record() {
    let fake = FakeEntra::scripted(Reply::discovery(), Reply::token());
    let run = probe(
        &fake,
        "record.yaml",
        "json",
        &["--tenant", "fabrikam.onmicrosoft.com"],
    );
    assert_eq!(run.status, 0);
    run.expect_one("probe/ok", "");
    assert!(
        fake.requests()
            .iter()
            .all(|request| request.target.starts_with("/fabrikam.onmicrosoft.com/"))
    );
}

#[test]
fn records_without_a_secret_are_not_probed() {
    let fake = FakeEntra::scripted(Reply::discovery(), Reply::token());
    let run = probe(&fake, "no-secret.yaml", "human", &[]);
    assert!(fake.requests().is_empty());
    assert!(
        run.stdout.contains("not sent (no client id or secret)"),
        "{}",
        run.stdout
    );
}

#[test]
fn throttled_after_bounded_retries() {
    let (run, fake) = token_scenario(
        Reply::fixture(429, "variants/token-429-too-many-requests.txt").header("Retry-After", "0"),
        "record.yaml",
        &[],
    );
    assert_eq!(run.status, 3);
    run.expect_one("probe/throttled", "");
    // The first attempt and three retries, then a verdict.
    assert_eq!(token_requests(&fake).len(), 4);
}

#[test]
fn throttled_then_a_token() {
    let fake = FakeEntra::start(|request, n| {
        if request.is_discovery() {
            Reply::discovery()
        } else if n == 0 {
            Reply::fixture(429, "variants/token-429-too-many-requests.txt")
                .header("Retry-After", "1")
        } else {
            Reply::token()
        }
    });
    let run = probe(&fake, "record.yaml", "json", &[]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    run.expect_one("probe/ok", "");
    assert_eq!(token_requests(&fake).len(), 2);
}

#[test]
fn a_server_error_is_retried() {
    let fake = FakeEntra::start(|request, n| {
        if request.is_discovery() {
            if n == 0 {
                Reply::fixture(503, "variants/token-503-service-unavailable.html")
                    .header("Retry-After", "0")
            } else {
                Reply::discovery()
            }
        } else {
            Reply::fixture(401, "token-401-AADSTS7000222-expired-secret.json")
        }
    });
    let run = probe(&fake, "record.yaml", "json", &[]);
    assert_eq!(run.status, 1);
    run.expect_one("probe/secret-expired", "/clientSecret");
    assert_eq!(fake.count(Request::is_discovery), 2);
}

#[test]
fn a_slow_server_is_unreachable_within_the_timeout() {
    let (run, _fake) = token_scenario(
        Reply::token().delay(Duration::from_secs(4)),
        "record.yaml",
        &[],
    );
    assert_eq!(run.status, 3);
    let diagnostic = run.expect_one("probe/unreachable", "");
    assert!(
        diagnostic["message"]
            .as_str()
            .unwrap_or_default()
            .contains("--timeout")
    );
}

#[test]
fn a_closed_port_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let authority = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let run = finish(
        command(&[
            "check",
            "fixtures/probe/record.yaml",
            "--probe",
            "--authority",
            &authority,
            "--timeout",
            "1",
            "--format",
            "json",
        ])
        .output()
        .expect("run"),
    );
    assert_eq!(run.status, 3);
    run.expect_one("probe/unreachable", "");
}

#[test]
fn a_redirect_is_never_followed() {
    let make = || {
        let fake_authority = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let fake = {
            let authority = std::sync::Arc::clone(&fake_authority);
            FakeEntra::start(move |request, _| {
                if request.is_discovery() {
                    Reply::discovery()
                } else if request.is_token() {
                    let target = format!(
                        "{}/stolen?from=token",
                        authority.lock().map(|a| a.clone()).unwrap_or_default()
                    );
                    Reply::new(302, "text/html", "").header("Location", &target)
                } else {
                    Reply::token()
                }
            })
        };
        if let Ok(mut authority) = fake_authority.lock() {
            *authority = fake.authority();
        }
        fake
    };
    let (run, fake) = scenario(make, "record.yaml", &[]);
    assert_eq!(run.status, 3);
    let diagnostic = run.expect_one("probe/unexpected-response", "");
    assert!(
        diagnostic["message"]
            .as_str()
            .unwrap_or_default()
            .contains("never follows")
    );
    assert!(
        fake.requests()
            .iter()
            .all(|request| !request.target.contains("stolen")),
        "{:?}",
        fake.requests()
    );
    assert_eq!(token_requests(&fake).len(), 1);
}

#[test]
fn a_redirect_at_discovery_stops_before_the_secret() {
    let (run, fake) = token_scenario(Reply::token(), "record.yaml", &[]);
    drop((run, fake));
    let fake = FakeEntra::scripted(
        Reply::new(301, "text/html", "").header("Location", "https://elsewhere.example/x"),
        Reply::token(),
    );
    let run = probe(&fake, "record.yaml", "json", &[]);
    assert_eq!(run.status, 3);
    run.expect_one("probe/unexpected-response", "");
    assert_eq!(token_requests(&fake).len(), 0);
}

#[test]
fn many_records_share_one_discovery() {
    let fake = FakeEntra::scripted(Reply::discovery(), Reply::token());
    let run = probe(&fake, "list.yaml", "json", &[]);
    assert_eq!(run.status, 0);
    let diagnostics = run.probe_diagnostics();
    assert_eq!(diagnostics.len(), 6);
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        assert_eq!(diagnostic["code"], "probe/ok");
        assert_eq!(diagnostic["pointer"], format!("/{index}"));
    }
    assert_eq!(fake.count(Request::is_discovery), 1);
    let mut clients: Vec<String> = token_requests(&fake)
        .iter()
        .filter_map(|request| request.form_value("client_id"))
        .collect();
    clients.sort();
    clients.dedup();
    assert_eq!(clients.len(), 6);
}

#[test]
fn unusable_flags_are_usage_errors_before_any_traffic() {
    let fake = FakeEntra::scripted(Reply::discovery(), Reply::token());
    let local = fake.authority();
    let query = format!("{local}/?x=1");
    let fragment = format!("{local}/#f");
    let with_user = local.replace("http://", "http://user:pw@");
    let cases: Vec<Vec<&str>> = vec![
        vec!["--probe", "--authority", "http://example.com"],
        vec!["--probe", "--authority", "http://10.0.0.1:8080"],
        vec!["--probe", "--authority", "ftp://127.0.0.1/"],
        vec!["--probe", "--authority", "login.microsoftonline.com"],
        vec!["--probe", "--authority", &query],
        vec!["--probe", "--authority", &fragment],
        vec!["--probe", "--authority", &with_user],
        vec!["--probe", "--cloud", "usgov", "--authority", &local],
        vec!["--probe", "--cloud", "mars"],
        vec!["--probe", "--authority", &local, "--timeout", "0"],
        vec!["--probe", "--authority", &local, "--timeout", "soon"],
        vec!["--tenant", TENANT],
        vec!["--authority", &local],
        vec!["--timeout", "5"],
    ];
    for extra in cases {
        let mut args = vec!["check", "fixtures/probe/record.yaml"];
        args.extend_from_slice(&extra);
        let run = finish(command(&args).output().expect("run"));
        assert_eq!(run.status, 2, "{extra:?}: {}", run.stderr);
        assert!(!run.stderr.is_empty(), "{extra:?}");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}
