//! `check --app-registration FILE`: the app registrations judged offline, from what
//! `az ad app show` prints, through the binary. Every run is checked, in every format, for the
//! secret and for its first three characters (a credential's `hint`), which the files hold and
//! echo in odd places.

mod support;

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::{Value, json};
use support::graph::{self, days_from_now};
use support::{FakeEntra, Reply, Run};

const SECRET: &str = "Zq7Q~file.Secret-Value_0123456789abcdefgh";
/// The secret's first three characters: what a matching credential's `hint` holds.
const HINT: &str = "Zq7";
const APP: &str = "11111111-2222-4333-8444-555555555555";
const CALLBACK: &str = "https://api.acme.appmixer.cloud/auth/azuredevops/callback";
const FORMATS: &[&str] = &[
    "human", "json", "sarif", "github", "azure", "junit", "gitlab",
];

/// A directory with a record file and a registration file.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new(records: &str, registration: &Value) -> Setup {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("azdo.yaml"), records).expect("records");
        std::fs::write(
            dir.path().join("app.json"),
            serde_json::to_vec_pretty(registration).expect("json"),
        )
        .expect("registration");
        Setup { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, format: &str, extra: &[&str]) -> Run {
        let mut command = Command::cargo_bin("connector-lint").expect("binary");
        command
            .current_dir(self.dir.path())
            .env("AZDO_CLIENT_SECRET", SECRET)
            .env_remove("APPMIXER_API_URL")
            .env("NO_COLOR", "1")
            .args(["check", "azdo.yaml", "--app-registration", "app.json"])
            .args(["--format", format])
            .args(extra);
        let run = Run::of(&command.output().expect("run"));
        assert_no_leak(&run, format);
        run
    }

    /// The run in JSON, after the same run in every other format, all with one exit status.
    fn run_all_formats(&self, extra: &[&str]) -> Run {
        let json = self.run("json", extra);
        for format in FORMATS {
            let run = self.run(format, extra);
            assert_eq!(run.status, json.status, "{format}: {}", run.stdout);
        }
        json
    }
}

fn assert_no_leak(run: &Run, format: &str) {
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains(SECRET), "{format}: the secret in\n{text}");
        assert!(!text.contains(HINT), "{format}: the hint in\n{text}");
        assert!(
            !text.contains("Old1"),
            "{format}: another secret's hint in\n{text}"
        );
    }
}

fn record(client_id: &str) -> String {
    format!(
        "serviceId: appmixer:azuredevops\nclientId: {client_id}\nclientSecret: ${{AZDO_CLIENT_SECRET}}\nredirectUri: {CALLBACK}\n"
    )
}

fn registration_diagnostics(run: &Run) -> Vec<Value> {
    support::diagnostics_with_prefix(&run.json(), &["registration/"])
}

fn codes(run: &Run) -> Vec<(String, String, String)> {
    registration_diagnostics(run)
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["severity"].as_str().unwrap_or_default().to_owned(),
                d["pointer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn one(code: &str, severity: &str, pointer: &str) -> Vec<(String, String, String)> {
    vec![(code.to_owned(), severity.to_owned(), pointer.to_owned())]
}

#[test]
fn a_registration_as_the_setup_guide_asks_is_ok() {
    let setup = Setup::new(&record(APP), &graph::application(APP, CALLBACK, HINT));
    let run = setup.run_all_formats(&[]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(codes(&run), one("registration/ok", "info", "/clientId"));
    let message = registration_diagnostics(&run)[0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("`app.json`"), "{message}");
    assert!(
        message.contains("5f2b1c3d-0000-4000-8000-000000000002"),
        "{message}"
    );
    let human = setup.run("human", &[]);
    assert!(
        human
            .stdout
            .contains("App registration (`app.json`): 1 record looked at; 1 matching"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_list_of_apps_is_matched_by_app_id() {
    let other = "22222222-2222-4333-8444-555555555555";
    let mut wrong = graph::application(other, CALLBACK, HINT);
    wrong["signInAudience"] = json!("AzureADMyOrg");
    let apps = json!([
        wrong,
        graph::application(&APP.to_uppercase(), CALLBACK, HINT)
    ]);
    let records = format!(
        "- {}\n- {}",
        record(APP).replace('\n', "\n  "),
        record(other).replace('\n', "\n  ")
    );
    let setup = Setup::new(&records, &apps);
    let run = setup.run_all_formats(&[]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert_eq!(
        codes(&run),
        vec![
            (
                "registration/ok".to_owned(),
                "info".to_owned(),
                "/0/clientId".to_owned()
            ),
            (
                "registration/not-multitenant".to_owned(),
                "error".to_owned(),
                "/1/clientId".to_owned()
            ),
        ]
    );
}

#[test]
fn every_finding_points_at_its_key_with_the_profiles_severity() {
    let mut app = graph::application(APP, &format!("{CALLBACK}/"), HINT);
    app["isFallbackPublicClient"] = json!(true);
    app["requiredResourceAccess"] = json!([]);
    app["passwordCredentials"][1]["endDateTime"] = json!(days_from_now(10));
    let setup = Setup::new(&record(APP), &app);
    let run = setup.run_all_formats(&["--api-url", "https://api.acme.appmixer.cloud"]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    let mut found = codes(&run);
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "registration/permission-missing".into(),
                "warning".into(),
                "/clientId".into()
            ),
            (
                "registration/public-client".into(),
                "warning".into(),
                "/clientId".into()
            ),
            (
                "registration/redirect-uri-not-registered".into(),
                "error".into(),
                "/clientId".into()
            ),
            (
                "registration/secret-expiring".into(),
                "warning".into(),
                "/clientSecret".into()
            ),
        ]
    );
    let diagnostics = registration_diagnostics(&run);
    let by_code = |code: &str| {
        diagnostics
            .iter()
            .find(|d| d["code"] == code)
            .cloned()
            .unwrap_or_default()
    };
    let expiring = by_code("registration/secret-expiring");
    let message = expiring["message"].as_str().unwrap_or_default();
    assert!(message.contains("\"appmixer production\""), "{message}");
    assert!(
        message.contains("5f2b1c3d-0000-4000-8000-000000000002"),
        "{message}"
    );
    assert!(message.contains("`AZDO_CLIENT_SECRET`"), "{message}");
    assert!(
        message.contains("days (`--expiry-warning` 30 days)"),
        "{message}"
    );
    let help = expiring["help"].as_str().unwrap_or_default();
    assert!(help.contains("Certificates & secrets"), "{help}");
    let redirect = by_code("registration/redirect-uri-not-registered");
    assert!(
        redirect["message"]
            .as_str()
            .unwrap_or_default()
            .contains("ends in a slash"),
        "{redirect}"
    );
    assert!(
        redirect["help"]
            .as_str()
            .unwrap_or_default()
            .contains("Authentication > Web > Redirect URIs")
    );
    assert!(
        by_code("registration/permission-missing")["help"]
            .as_str()
            .unwrap_or_default()
            .contains("API permissions")
    );
    // A narrower window leaves the secret alone.
    let narrow = setup.run(
        "json",
        &[
            "--api-url",
            "https://api.acme.appmixer.cloud",
            "--expiry-warning",
            "5",
        ],
    );
    assert!(
        codes(&narrow)
            .iter()
            .all(|(code, _, _)| code != "registration/secret-expiring")
    );
}

#[test]
fn an_expired_secret_and_a_disabled_app_are_errors() {
    let mut app = graph::application(APP, CALLBACK, HINT);
    app["passwordCredentials"][1]["endDateTime"] = json!(days_from_now(-3));
    app["disabledByMicrosoftStatus"] = json!("DisabledDueToViolationOfServicesAgreement");
    let setup = Setup::new(&record(APP), &app);
    let run = setup.run_all_formats(&[]);
    assert_eq!(run.status, 1);
    let mut found = codes(&run);
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "registration/disabled".into(),
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

#[test]
fn a_secret_of_another_app_is_not_found() {
    let mut app = graph::application(APP, CALLBACK, "Old1");
    app["passwordCredentials"][0]["hint"] = json!("Old1");
    let setup = Setup::new(&record(APP), &app);
    let run = setup.run_all_formats(&[]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(
        codes(&run),
        one("registration/secret-not-found", "warning", "/clientSecret")
    );
    let denied = setup.run("json", &["--deny-warnings"]);
    assert_eq!(denied.status, 1);
}

#[test]
fn a_record_whose_app_is_not_in_the_file_has_no_verdict() {
    let setup = Setup::new(
        &record("33333333-2222-4333-8444-555555555555"),
        &graph::application(APP, CALLBACK, HINT),
    );
    let run = setup.run_all_formats(&[]);
    assert_eq!(run.status, 3, "{}", run.stdout);
    assert_eq!(
        codes(&run),
        one("registration/unreadable", "warning", "/clientId")
    );
    let diagnostic = &registration_diagnostics(&run)[0];
    assert!(
        diagnostic["message"]
            .as_str()
            .unwrap_or_default()
            .contains(APP)
    );
    assert!(
        diagnostic["help"]
            .as_str()
            .unwrap_or_default()
            .contains("az ad app show --id 33333333-2222-4333-8444-555555555555")
    );
}

#[test]
fn an_answer_that_leaves_the_secrets_out_is_no_ok() {
    let mut app = graph::application(APP, CALLBACK, HINT);
    if let Some(object) = app.as_object_mut() {
        object.remove("passwordCredentials");
    }
    let setup = Setup::new(&record(APP), &app);
    let run = setup.run_all_formats(&[]);
    assert_eq!(run.status, 3, "{}", run.stdout);
    assert_eq!(
        codes(&run),
        one("registration/unreadable", "warning", "/clientId")
    );
}

#[test]
fn hints_and_secrets_echoed_anywhere_in_the_file_never_reach_the_output() {
    let mut app = graph::application(APP, &format!("{CALLBACK}/{HINT}"), HINT);
    app["displayName"] = json!(format!("app {HINT} {SECRET}"));
    app["passwordCredentials"][1]["displayName"] = json!(format!("starts {HINT}"));
    app["passwordCredentials"][1]["keyId"] = json!(format!("{HINT}-id"));
    app["passwordCredentials"][1]["endDateTime"] = json!(days_from_now(2));
    app["passwordCredentials"][1]["secretText"] = json!(SECRET);
    app["disabledByMicrosoftStatus"] = json!(format!("disabled {HINT}"));
    app["signInAudience"] = json!(format!("{HINT}Audience"));
    let setup = Setup::new(&record(APP), &app);
    // `assert_no_leak` runs on every format.
    let run = setup.run_all_formats(&["--api-url", "https://api.acme.appmixer.cloud"]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(codes(&run).len() >= 3, "{}", run.stdout);
}

#[test]
fn bad_files_are_usage_errors_naming_the_file_and_nothing_is_sent() {
    let fake = FakeEntra::scripted(Reply::discovery(), Reply::token());
    let authority = fake.authority();
    let setup = Setup::new(&record(APP), &json!({}));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("syntax.json", b"{\"appId\": ".to_vec(), "ends early"),
        ("list.json", b"[]".to_vec(), "no application object"),
        (
            "type.json",
            format!(r#"{{"appId":"{APP}","web":{{"redirectUris":"{HINT}"}}}}"#).into_bytes(),
            "`web.redirectUris`: a string where a list belongs",
        ),
        (
            "sp.json",
            serde_json::to_vec(&graph::service_principal(
                APP,
                "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            ))
            .expect("json"),
            "service principal",
        ),
        ("utf16.json", b"\xFF\xFE[\0]\0".to_vec(), "UTF-16"),
        (
            "noid.json",
            br#"{"displayName":"x"}"#.to_vec(),
            "no `appId`",
        ),
    ];
    for (name, bytes, says) in cases {
        std::fs::write(setup.path(name), bytes).expect("write");
        for probe in [false, true] {
            let mut command = Command::cargo_bin("connector-lint").expect("binary");
            command
                .current_dir(setup.dir.path())
                .env("AZDO_CLIENT_SECRET", SECRET)
                .args(["check", "azdo.yaml", "--app-registration", name]);
            if probe {
                command.args([
                    "--probe",
                    "--tenant",
                    "contoso.com",
                    "--authority",
                    &authority,
                ]);
            }
            let run = Run::of(&command.output().expect("run"));
            assert_no_leak(&run, name);
            assert_eq!(run.status, 2, "{name}: {}", run.stderr);
            assert!(
                run.stderr.contains(&format!("--app-registration {name}")),
                "{}",
                run.stderr
            );
            assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
            assert!(run.stdout.is_empty(), "{name}: {}", run.stdout);
        }
    }
    let missing = Setup::new(&record(APP), &json!({}));
    let mut command = Command::cargo_bin("connector-lint").expect("binary");
    command.current_dir(missing.dir.path()).args([
        "check",
        "azdo.yaml",
        "--app-registration",
        "absent.json",
    ]);
    let run = Run::of(&command.output().expect("run"));
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("absent.json"), "{}", run.stderr);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn flags_are_checked() {
    let setup = Setup::new(&record(APP), &graph::application(APP, CALLBACK, HINT));
    for extra in [
        vec!["--expiry-warning", "soon"],
        vec!["--expiry-warning", "-1"],
        vec!["--graph-url", "http://127.0.0.1:9"],
    ] {
        let run = setup.run("json", &extra);
        assert_eq!(run.status, 2, "{extra:?}: {}", run.stderr);
    }
}
