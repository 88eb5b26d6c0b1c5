//! `check --probe` reading the app registration through Microsoft Graph: the binary against a
//! fake Entra and a fake Graph, both on 127.0.0.1 inside the test (see `support/`). Every refusal
//! Graph gives ends as `registration/unreadable` (exit 3 without an error); every run is checked,
//! in every format, for the secret, its first three characters (the credential's `hint`) and
//! both tokens, which the fakes echo back.

mod support;

use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};
use support::graph::{self, GRAPH_TOKEN, days_from_now};
use support::{FakeEntra, Reply, Request, Run};

/// `PROBE_TEST_SECRET`, the secret of `fixtures/probe/record.yaml`.
const SECRET: &str = "q8R~test.Secret_Value-0123456789abcdefgh";
const HINT: &str = "q8R";
const APP: &str = "11111111-2222-4333-8444-555555555555";
const TENANT: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const OTHER_TENANT: &str = "0f0e0d0c-0b0a-4909-8807-060504030201";
const CALLBACK: &str = "https://api.acme.appmixer.cloud/auth/azuredevops/callback";
/// The start of the connector's synthetic token (`fixtures/entra/token-200-ok.json`).
const CONNECTOR_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9";
const FORMATS: &[&str] = &[
    "human", "json", "sarif", "github", "azure", "junit", "gitlab",
];

fn assert_no_leak(run: &Run, format: &str) {
    let encoded: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
    for text in [&run.stdout, &run.stderr] {
        for leaked in [
            SECRET,
            encoded.as_str(),
            HINT,
            GRAPH_TOKEN,
            CONNECTOR_TOKEN,
            "eyJ0eXAi",
        ] {
            assert!(!text.contains(leaked), "{format}: `{leaked}` in\n{text}");
        }
    }
}

fn run(entra: &FakeEntra, graph: &FakeEntra, file: &str, format: &str, extra: &[&str]) -> Run {
    let path = format!("fixtures/{file}");
    let authority = entra.authority();
    let graph_url = graph.authority();
    let mut command = Command::cargo_bin("connector-lint").expect("binary");
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PROBE_TEST_SECRET", SECRET)
        .env_remove("APPMIXER_API_URL")
        .env("NO_COLOR", "1")
        .args(["check", &path, "--probe", "--authority", &authority])
        .args([
            "--graph-url",
            &graph_url,
            "--timeout",
            "1",
            "--format",
            format,
        ])
        .args(extra);
    let run = Run::of(&command.output().expect("run"));
    assert_no_leak(&run, format);
    run
}

/// A scenario in JSON (returned, with its fakes), after the same one in every other format, each
/// against fresh fakes; all end with the same exit status.
fn scenario(
    make_entra: impl Fn() -> FakeEntra,
    make_graph: impl Fn() -> FakeEntra,
    file: &str,
    extra: &[&str],
) -> (Run, FakeEntra, FakeEntra) {
    let mut status = None;
    for format in FORMATS {
        let (entra, graph) = (make_entra(), make_graph());
        let run = run(&entra, &graph, file, format, extra);
        assert_eq!(
            *status.get_or_insert(run.status),
            run.status,
            "{format}: {}",
            run.stdout
        );
    }
    let (entra, graph) = (make_entra(), make_graph());
    let json = run(&entra, &graph, file, "json", extra);
    (json, entra, graph)
}

/// The fake Entra of most scenarios: both tokens issued.
fn entra_issuing() -> FakeEntra {
    graph::entra(Reply::token(), graph::graph_token())
}

/// A fake Graph that answers every application read with `reply` (service principal reads get
/// `principal`).
fn graph_answering(reply: Reply, principal: Reply) -> impl Fn() -> FakeEntra {
    move || {
        let (reply, principal) = (reply.clone(), principal.clone());
        graph::start(move |request, _| {
            if request.is_principal_read() {
                principal.clone()
            } else if request.is_application_read() {
                reply.clone()
            } else {
                Reply::new(404, "text/plain", "not found")
            }
        })
    }
}

/// The usual scenario: both tokens issued, Graph answering the application read with `reply` and
/// the service principal read with `principal`, on `fixtures/probe/record.yaml`.
fn graph_scenario(reply: Reply, principal: Reply) -> (Run, FakeEntra, FakeEntra) {
    scenario(
        entra_issuing,
        graph_answering(reply, principal),
        "probe/record.yaml",
        &[],
    )
}

fn application(edit: impl FnOnce(&mut Value)) -> Reply {
    let mut app = graph::application(APP, CALLBACK, HINT);
    edit(&mut app);
    graph::reply(200, &app)
}

fn registration(run: &Run) -> Vec<Value> {
    support::diagnostics_with_prefix(&run.json(), &["registration/"])
}

/// The single registration diagnostic, checked for code, severity and pointer.
fn expect_one(run: &Run, code: &str, severity: &str, pointer: &str) -> Value {
    let diagnostics = registration(run);
    assert_eq!(diagnostics.len(), 1, "{}", run.stdout);
    let diagnostic = diagnostics[0].clone();
    assert_eq!(diagnostic["code"], code, "{}", run.stdout);
    assert_eq!(diagnostic["severity"], severity, "{}", run.stdout);
    assert_eq!(diagnostic["pointer"], pointer, "{}", run.stdout);
    diagnostic
}

fn text(diagnostic: &Value, field: &str) -> String {
    diagnostic[field].as_str().unwrap_or_default().to_owned()
}

fn requests(fake: &FakeEntra, kind: fn(&Request) -> bool) -> Vec<Request> {
    fake.requests().into_iter().filter(kind).collect()
}

/// The Graph token went only to Graph, only in the `Authorization` header; Graph saw no secret
/// and never the connector's token.
fn assert_tokens_in_place(entra: &FakeEntra, graph: &FakeEntra) {
    let encoded: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
    for request in graph.requests() {
        assert_eq!(request.method, "GET", "{request:?}");
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {GRAPH_TOKEN}").as_str()),
            "{request:?}"
        );
        let everything = format!(
            "{} {:?} {}",
            request.target,
            request.headers,
            String::from_utf8_lossy(&request.body)
        );
        for leaked in [SECRET, encoded.as_str(), CONNECTOR_TOKEN] {
            assert!(!everything.contains(leaked), "{request:?}");
        }
        assert!(!request.target.contains(GRAPH_TOKEN));
    }
    for request in entra.requests() {
        let everything = format!(
            "{} {:?} {}",
            request.target,
            request.headers,
            String::from_utf8_lossy(&request.body)
        );
        assert!(!everything.contains(GRAPH_TOKEN), "{request:?}");
    }
}

#[test]
fn the_registration_is_read_with_the_probes_own_credentials() {
    let (run, entra, graph) =
        graph_scenario(application(|_| {}), Reply::new(404, "text/plain", ""));
    assert_eq!(run.status, 0, "{}", run.stdout);
    let diagnostic = expect_one(&run, "registration/ok", "info", "/clientId");
    let message = text(&diagnostic, "message");
    assert!(message.contains("Microsoft Graph (127.0.0.1:"), "{message}");
    assert!(
        message.contains(CALLBACK) && message.contains("user_impersonation"),
        "{message}"
    );
    assert!(text(&diagnostic, "help").contains("consent"));

    // One connector token, one Graph token (same client, secret and tenant), one read.
    let tokens = requests(&entra, Request::is_token);
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    let graph_token = requests(&entra, Request::is_graph_token);
    assert_eq!(graph_token.len(), 1);
    assert_eq!(
        graph_token[0].target,
        format!("/{TENANT}/oauth2/v2.0/token")
    );
    assert_eq!(graph_token[0].form_value("client_id").as_deref(), Some(APP));
    assert_eq!(
        graph_token[0].form_value("client_secret").as_deref(),
        Some(SECRET)
    );
    assert_eq!(
        graph_token[0].form_value("scope").as_deref(),
        Some("https://graph.microsoft.com/.default")
    );
    let reads = graph.requests();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(
        reads[0].target,
        format!(
            "/v1.0/applications(appId='{APP}')?$select=appId,displayName,signInAudience,web,spa,publicClient,requiredResourceAccess,passwordCredentials,isFallbackPublicClient,disabledByMicrosoftStatus"
        )
    );
    assert_tokens_in_place(&entra, &graph);
}

#[test]
fn the_human_report_says_what_the_probe_proved_and_what_it_cannot() {
    let entra = entra_issuing();
    let graph = graph_answering(application(|_| {}), Reply::new(404, "text/plain", ""))();
    let human = run(&entra, &graph, "probe/record.yaml", "human", &[]);
    assert_eq!(human.status, 0);
    assert!(
        human
            .stdout
            .contains("App registration (Microsoft Graph, 127.0.0.1:"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("1 matching the setup guide"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("Not proved by any probe: consent"),
        "{}",
        human.stdout
    );
}

#[test]
fn records_of_one_app_share_one_graph_token_and_one_read() {
    let (run, entra, graph) = scenario(
        entra_issuing,
        graph_answering(application(|_| {}), Reply::new(404, "text/plain", "")),
        "registration/same-app.yaml",
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stdout);
    let codes: Vec<Value> = registration(&run)
        .iter()
        .map(|d| d["pointer"].clone())
        .collect();
    assert_eq!(
        codes,
        [
            json!("/0/clientId"),
            json!("/1/clientId"),
            json!("/2/clientId")
        ]
    );
    assert_eq!(requests(&entra, Request::is_graph_token).len(), 1);
    assert_eq!(graph.requests().len(), 1);
}

#[test]
fn findings_from_graph_are_held_to_the_profile() {
    let (run, _, _) = graph_scenario(
        application(|app| {
            app["signInAudience"] = json!("AzureADMyOrg");
            app["web"] = json!({"redirectUris": [], "redirectUriSettings": []});
            app["spa"] = json!({"redirectUris": [CALLBACK]});
            app["passwordCredentials"][1]["endDateTime"] = json!(days_from_now(-1));
        }),
        Reply::new(404, "text/plain", ""),
    );
    assert_eq!(run.status, 1, "{}", run.stdout);
    let mut found: Vec<(String, String, String)> = registration(&run)
        .iter()
        .map(|d| (text(d, "code"), text(d, "severity"), text(d, "pointer")))
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "registration/not-multitenant".into(),
                "error".into(),
                "/clientId".into()
            ),
            (
                "registration/redirect-uri-wrong-platform".into(),
                "error".into(),
                "/clientId".into()
            ),
            (
                "registration/secret-expired".into(),
                "error".into(),
                "/clientSecret".into()
            ),
        ]
    );
}

/// A refusal of the application read: unreadable, exit 3, with what to do.
fn expect_unreadable(run: &Run) -> (String, String) {
    assert_eq!(run.status, 3, "{}", run.stdout);
    let diagnostic = expect_one(run, "registration/unreadable", "warning", "/clientId");
    let (message, help) = (text(&diagnostic, "message"), text(&diagnostic, "help"));
    assert!(!message.is_empty() && !help.is_empty());
    // The token probe itself still proved the credentials.
    let probe = support::diagnostics_with_prefix(&run.json(), &["probe/"]);
    assert_eq!(probe.len(), 1);
    assert_eq!(probe[0]["code"], "probe/ok");
    (message, help)
}

#[test]
fn refused_in_the_home_tenant_says_to_read_it_offline() {
    let (run, entra, graph) = graph_scenario(
        graph::reply(
            403,
            &graph::error(
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.",
            ),
        ),
        graph::reply(200, &graph::service_principal(APP, TENANT)),
    );
    let (message, help) = expect_unreadable(&run);
    assert!(message.contains("Authorization_RequestDenied"), "{message}");
    assert!(
        message.contains("request id 0c2b5e2a-1111-4222-8333-444455556666"),
        "{message}"
    );
    assert!(
        help.contains(&format!("az ad app show --id {APP}")),
        "{help}"
    );
    let principal = requests(&graph, Request::is_principal_read);
    assert_eq!(principal.len(), 1);
    assert_eq!(
        principal[0].target,
        format!(
            "/v1.0/servicePrincipals(appId='{APP}')?$select=appId,displayName,appOwnerOrganizationId"
        )
    );
    assert_tokens_in_place(&entra, &graph);
}

#[test]
fn another_home_tenant_is_named() {
    let (run, _, _) = graph_scenario(
        graph::reply(
            404,
            &graph::error(
                "Request_ResourceNotFound",
                &format!(
                    "Resource '{APP}' does not exist or one of its queried reference-property objects are not present."
                ),
            ),
        ),
        graph::reply(200, &graph::service_principal(APP, OTHER_TENANT)),
    );
    let (message, help) = expect_unreadable(&run);
    assert!(
        message.contains(&format!("home tenant is `{OTHER_TENANT}`")),
        "{message}"
    );
    assert!(message.contains("Request_ResourceNotFound"), "{message}");
    assert!(help.contains(&format!("--tenant {OTHER_TENANT}")), "{help}");
}

#[test]
fn neither_the_application_nor_its_service_principal() {
    let denied = graph::reply(
        403,
        &graph::error(
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ),
    );
    let (run, _, graph) = graph_scenario(denied.clone(), denied);
    let (message, help) = expect_unreadable(&run);
    assert!(message.contains("nor its service principal"), "{message}");
    assert!(help.contains("`tenantId`"), "{help}");
    assert_eq!(graph.requests().len(), 2);
}

#[test]
fn throttling_is_retried_within_bounds_then_no_verdict() {
    let throttled = Reply::new(429, "text/plain", "Too Many Requests").header("Retry-After", "0");
    let (exhausted, _, graph) = graph_scenario(throttled, Reply::new(404, "text/plain", ""));
    let (message, help) = expect_unreadable(&exhausted);
    assert!(
        message.contains("HTTP 429") && message.contains("after 4 attempts"),
        "{message}"
    );
    assert!(help.contains("again later"), "{help}");
    assert_eq!(requests(&graph, Request::is_application_read).len(), 4);

    // Throttled once, honouring Retry-After, then answered.
    let entra = entra_issuing();
    let graph = graph::start(|_, n| {
        if n == 0 {
            Reply::new(429, "text/plain", "Too Many Requests").header("Retry-After", "1")
        } else {
            application(|_| {})
        }
    });
    let answered = run(&entra, &graph, "probe/record.yaml", "json", &[]);
    assert_eq!(answered.status, 0, "{}", answered.stdout);
    expect_one(&answered, "registration/ok", "info", "/clientId");
    assert_eq!(graph.requests().len(), 2);
}

#[test]
fn server_errors_are_retried_then_no_verdict() {
    let failing = Reply::new(
        503,
        "text/html",
        "<html><body>Service Unavailable</body></html>",
    )
    .header("Retry-After", "0");
    let (run, _, graph) = graph_scenario(failing, Reply::new(404, "text/plain", ""));
    let (message, _) = expect_unreadable(&run);
    assert!(message.contains("HTTP 503"), "{message}");
    assert_eq!(graph.requests().len(), 4);
}

#[test]
fn odd_answers_are_no_verdict() {
    let huge = {
        let mut body = serde_json::to_vec(&graph::application(APP, CALLBACK, HINT)).expect("json");
        body.pop();
        body.extend_from_slice(b",\"padding\":\"");
        body.resize(body.len() + 70 * 1024, b'x');
        body.extend_from_slice(b"\"}");
        Reply::json(200, body)
    };
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::new(200, "text/html", "<html>Sign in to the Wi-Fi</html>"),
            "not an application object",
        ),
        (
            Reply::json(200, "{\"appId\": [1]}"),
            "`appId`: a list where a string belongs",
        ),
        (huge, "larger than 64 KiB"),
        (
            graph::reply(
                401,
                &graph::error(
                    "InvalidAuthenticationToken",
                    "Access token validation failure. Invalid audience.",
                ),
            ),
            "InvalidAuthenticationToken",
        ),
        (
            Reply::new(302, "text/html", "").header("Location", "https://elsewhere.example/stolen"),
            "never followed",
        ),
        (
            application(|app| {
                if let Some(object) = app.as_object_mut() {
                    object.remove("passwordCredentials");
                }
            }),
            "passwordCredentials",
        ),
        (
            application(|app| app["appId"] = json!("22222222-2222-4333-8444-555555555555")),
            "with the application `22222222-2222-4333-8444-555555555555`",
        ),
        // Entra just accepted the secret; a list without it is not the whole list.
        (
            application(|app| app["passwordCredentials"][1]["hint"] = json!("Xy1")),
            "not the app's whole list",
        ),
    ];
    for (reply, says) in cases {
        let (run, _, graph) = scenario(
            entra_issuing,
            graph_answering(reply, Reply::new(404, "text/plain", "")),
            "probe/record.yaml",
            &[],
        );
        let (message, _) = expect_unreadable(&run);
        assert!(message.contains(says), "{says}: {message}");
        assert!(
            graph
                .requests()
                .iter()
                .all(|r| !r.target.contains("stolen"))
        );
    }
}

#[test]
fn a_stalled_graph_ends_within_the_timeout() {
    let (run, _, _) = graph_scenario(
        application(|_| {}).delay(Duration::from_secs(4)),
        Reply::new(404, "text/plain", ""),
    );
    let (message, help) = expect_unreadable(&run);
    assert!(message.contains("within 1 s (`--timeout`)"), "{message}");
    assert!(help.contains("--timeout"), "{help}");
}

#[test]
fn no_graph_token_is_no_verdict() {
    let (run, _, graph) = scenario(
        || {
            graph::entra(
                Reply::token(),
                Reply::fixture(400, "token-400-AADSTS53003-conditional-access.json"),
            )
        },
        graph_answering(application(|_| {}), Reply::new(404, "text/plain", "")),
        "probe/record.yaml",
        &[],
    );
    let (message, _) = expect_unreadable(&run);
    assert!(
        message.contains("no Microsoft Graph token") && message.contains("AADSTS53003"),
        "{message}"
    );
    assert!(graph.requests().is_empty());
}

#[test]
fn rejected_credentials_are_not_taken_to_graph() {
    let (run, entra, graph) = scenario(
        || {
            graph::entra(
                Reply::fixture(401, "token-401-AADSTS7000215-invalid-secret.json"),
                graph::graph_token(),
            )
        },
        graph_answering(application(|_| {}), Reply::new(404, "text/plain", "")),
        "probe/record.yaml",
        &[],
    );
    assert_eq!(run.status, 1);
    assert!(registration(&run).is_empty(), "{}", run.stdout);
    assert!(graph.requests().is_empty());
    assert!(requests(&entra, Request::is_graph_token).is_empty());
}

#[test]
fn answers_that_echo_credentials_never_carry_them_out() {
    // Graph (or a proxy in front of it) echoing everything it may have seen or holds.
    let echo = format!(
        "you sent Bearer {GRAPH_TOKEN}; client_secret={SECRET}; hints {HINT}, Old; {}",
        url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect::<String>()
    );
    let cases = vec![
        graph::reply(403, &graph::error(HINT, &echo)),
        graph::reply(400, &graph::error("BadRequest", &echo)),
        Reply::new(200, "text/html", format!("<html>{echo}</html>")),
        Reply::new(500, "text/plain", echo.clone()).header("Retry-After", "0"),
        application(|app| {
            app["displayName"] = json!(echo.clone());
            app["passwordCredentials"][1]["displayName"] = json!(echo.clone());
            app["passwordCredentials"][1]["endDateTime"] = json!(days_from_now(3));
            app["passwordCredentials"][1]["secretText"] = json!(SECRET);
            app["web"]["redirectUris"] = json!([format!("{CALLBACK}/{HINT}")]);
            app["web"]["redirectUriSettings"] = json!([]);
        }),
    ];
    for reply in cases {
        let principal = graph::reply(403, &graph::error("Authorization_RequestDenied", &echo));
        // `assert_no_leak` runs on every format of every scenario.
        let (run, _, _) = scenario(
            entra_issuing,
            graph_answering(reply, principal),
            "probe/record.yaml",
            &[],
        );
        assert!(!registration(&run).is_empty(), "{}", run.stdout);
    }
}

#[test]
fn without_a_graph_for_a_custom_authority_nothing_is_claimed() {
    let entra = entra_issuing();
    let mut command = Command::cargo_bin("connector-lint").expect("binary");
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PROBE_TEST_SECRET", SECRET)
        .env("NO_COLOR", "1")
        .args([
            "check",
            "fixtures/probe/record.yaml",
            "--probe",
            "--authority",
            &entra.authority(),
        ]);
    let human = Run::of(&command.output().expect("run"));
    assert_no_leak(&human, "human");
    assert_eq!(human.status, 0);
    assert!(
        human.stdout.contains("pass `--graph-url`"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("Not proved by any probe: the app registration"),
        "{}",
        human.stdout
    );
    // No `registration/*` diagnostic: the human format starts each with its code.
    assert!(
        !human
            .stdout
            .lines()
            .any(|line| line.starts_with("registration/")),
        "{}",
        human.stdout
    );
    assert!(requests(&entra, Request::is_graph_token).is_empty());
}

#[test]
fn unusable_graph_urls_are_usage_errors_before_any_traffic() {
    let entra = entra_issuing();
    for bad in [
        "http://graph.example.com",
        "ftp://127.0.0.1",
        "graph",
        "https://u:p@graph.microsoft.com",
        "https://graph.microsoft.com/?a=1",
    ] {
        let mut command = Command::cargo_bin("connector-lint").expect("binary");
        command
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("PROBE_TEST_SECRET", SECRET)
            .args([
                "check",
                "fixtures/probe/record.yaml",
                "--probe",
                "--authority",
                &entra.authority(),
                "--graph-url",
                bad,
            ]);
        let run = Run::of(&command.output().expect("run"));
        assert_eq!(run.status, 2, "{bad}: {}", run.stderr);
        assert!(run.stderr.contains("--graph-url"), "{}", run.stderr);
    }
    let mut command = Command::cargo_bin("connector-lint").expect("binary");
    command.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "check",
        "fixtures/probe/record.yaml",
        "--graph-url",
        "https://graph.microsoft.com",
    ]);
    assert_eq!(Run::of(&command.output().expect("run")).status, 2);
    assert!(entra.requests().is_empty(), "{:?}", entra.requests());
}
