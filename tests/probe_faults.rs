//! `check --probe` against servers that fail at the transport level (issue 7, item 3): a reset
//! connection, a truncated body, a server dripping bytes, a multi-megabyte body and an untrusted
//! TLS certificate. Each run must end (the probe's own `--timeout 1`; the 30 s guard below only
//! catches a hang), with an inconclusive warning that says what happened (exit status 3), and
//! with no secret in any output of any format, with or without `RUST_LOG=trace`.
//!
//! No assertion is about time: only codes, exit statuses, messages and the absence of secrets.

mod support;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use support::faults::{Fault, FaultyEntra, Stage, TlsEntra};
use support::{Request, Run};

/// Written literally in the record file.
const LITERAL_SECRET: &str = "Fx7Q~fault.Literal-Secret_0123456789abcd";
/// Read from `${AZDO_CLIENT_SECRET}`.
const ENV_SECRET: &str = "Ev4Q~fault.Env-Secret_0123456789abcdefgh";
const TENANT: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

/// Every `--format`.
const FORMATS: [&str; 7] = [
    "human", "json", "sarif", "github", "azure", "junit", "gitlab",
];

/// Exit status of a run whose only problems are inconclusive probes.
const INCONCLUSIVE: i32 = 3;

/// Kills a run that hangs; a hang detector, not a performance assertion.
const HANG_GUARD: Duration = Duration::from_secs(30);

/// Two records of one tenant: one with the secret written in the file, one reading it from the
/// environment, so both kinds of secret go through every failure.
fn record_file() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let yaml = format!(
        "- serviceId: appmixer:azuredevops
  clientId: 11111111-2222-4333-8444-555555555555
  clientSecret: {LITERAL_SECRET}
  redirectUri: https://api.acme.appmixer.cloud/auth/azuredevops/callback
  tenantId: {TENANT}
- serviceId: appmixer:azuredevops
  clientId: 22222222-3333-4444-8555-666666666666
  clientSecret: ${{AZDO_CLIENT_SECRET}}
  redirectUri: https://api.acme.appmixer.cloud/auth/azuredevops/callback
  tenantId: {TENANT}
"
    );
    std::fs::write(dir.path().join("azdo.yaml"), yaml).expect("write record file");
    dir
}

impl Run {
    /// The `probe/*` diagnostics of a JSON run.
    fn probe_diagnostics(&self) -> Vec<Value> {
        support::diagnostics_with_prefix(&self.json(), &["probe/"])
    }
}

/// Runs `check azdo.yaml --probe --authority <authority> --timeout 1 --format <format>`.
fn run(dir: &Path, authority: &str, format: &str, trace: bool) -> Run {
    let mut command = Command::cargo_bin("connector-lint").expect("binary");
    command
        .current_dir(dir)
        .env("AZDO_CLIENT_SECRET", ENV_SECRET)
        .env_remove("APPMIXER_API_URL")
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .timeout(HANG_GUARD)
        .args([
            "check",
            "azdo.yaml",
            "--probe",
            "--authority",
            authority,
            "--timeout",
            "1",
            "--format",
            format,
        ]);
    if trace {
        command.env("RUST_LOG", "trace").env("RUST_BACKTRACE", "1");
    }
    let output = command.output().expect("run the binary");
    // A run killed by the guard has no exit code (-1).
    let run = Run::of(&output);
    assert_no_secret(&run, format);
    run
}

/// Neither secret, raw or form-encoded, on either stream.
fn assert_no_secret(run: &Run, format: &str) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        for secret in [LITERAL_SECRET, ENV_SECRET] {
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            assert!(
                !text.contains(secret) && !text.contains(&encoded),
                "a secret on {stream} of --format {format}:\n{text}"
            );
        }
    }
}

/// What a scenario must produce: the code of both records' diagnostic and phrases its message
/// must contain.
struct Expected<'a> {
    code: &'a str,
    phrases: &'a [&'a str],
}

/// Runs the scenario in every format (a fresh server per run, made by `start`, which returns the
/// authority and keeps the server alive in its guard), then the JSON and human formats once more
/// under `RUST_LOG=trace` against the same server, which must change nothing.
fn check_scenario<S>(start: impl Fn() -> (S, String), expected: &Expected<'_>) -> Vec<Value> {
    let dir = record_file();
    let mut diagnostics = Vec::new();
    for format in FORMATS {
        let (server, authority) = start();
        let plain = run(dir.path(), &authority, format, false);
        assert_eq!(
            plain.status, INCONCLUSIVE,
            "--format {format} (-1: killed by the hang guard)\nstdout:\n{}\nstderr:\n{}",
            plain.stdout, plain.stderr
        );
        assert!(
            plain.stdout.contains(expected.code) || plain.stderr.contains(expected.code),
            "--format {format} does not name {}:\n{}",
            expected.code,
            plain.stdout
        );
        if format == "json" {
            diagnostics = plain.probe_diagnostics();
            assert_eq!(diagnostics.len(), 2, "{}", plain.stdout);
            for diagnostic in &diagnostics {
                assert_eq!(diagnostic["code"], expected.code, "{}", plain.stdout);
                assert_eq!(diagnostic["severity"], "warning", "{}", plain.stdout);
                let message = diagnostic["message"].as_str().unwrap_or_default();
                for phrase in expected.phrases {
                    assert!(
                        message.contains(phrase),
                        "message lacks {phrase:?}: {message}"
                    );
                }
                assert!(
                    message.contains("no verdict"),
                    "message does not say it is inconclusive: {message}"
                );
            }
        }
        if format == "json" || format == "human" {
            let traced = run(dir.path(), &authority, format, true);
            assert_eq!(
                traced.status, plain.status,
                "RUST_LOG=trace, --format {format}"
            );
            assert_eq!(
                traced.stdout, plain.stdout,
                "RUST_LOG=trace changed stdout of --format {format}"
            );
            assert_eq!(
                traced.stderr, plain.stderr,
                "RUST_LOG=trace changed stderr of --format {format}"
            );
        }
        drop(server);
    }
    diagnostics
}

/// A faulty plain-HTTP server for `check_scenario`.
fn faulty(stage: Stage, fault: Fault) -> impl Fn() -> (FaultyEntra, String) {
    move || {
        let server = FaultyEntra::start(stage, fault.clone());
        let authority = server.authority();
        (server, authority)
    }
}

#[test]
fn a_reset_connection_is_unreachable() {
    check_scenario(
        faulty(Stage::Token, Fault::Reset),
        &Expected {
            code: "probe/unreachable",
            phrases: &["reset"],
        },
    );
}

#[test]
fn a_connection_closed_without_an_answer_is_unreachable() {
    check_scenario(
        faulty(Stage::Token, Fault::Close),
        &Expected {
            code: "probe/unreachable",
            phrases: &["closed"],
        },
    );
}

#[test]
fn a_reset_at_discovery_is_unreachable_and_sends_no_secret() {
    let server = FaultyEntra::start(Stage::Discovery, Fault::Reset);
    let dir = record_file();
    let run = run(dir.path(), &server.authority(), "json", false);
    assert_eq!(run.status, INCONCLUSIVE, "{}", run.stdout);
    for diagnostic in run.probe_diagnostics() {
        assert_eq!(diagnostic["code"], "probe/unreachable");
    }
    let requests = server.requests();
    assert!(!requests.is_empty());
    assert!(requests.iter().all(Request::is_discovery), "{requests:?}");
}

#[test]
fn a_truncated_body_is_unreachable() {
    check_scenario(
        faulty(
            Stage::Token,
            Fault::Truncated {
                declared: 500,
                body: b"{\"token_type\":\"Bear".to_vec(),
            },
        ),
        &Expected {
            code: "probe/unreachable",
            phrases: &["broke off"],
        },
    );
}

#[test]
fn a_dripping_server_is_cut_off_at_the_timeout() {
    check_scenario(
        faulty(
            Stage::Token,
            Fault::Drip {
                interval: Duration::from_millis(200),
            },
        ),
        &Expected {
            code: "probe/unreachable",
            phrases: &["within 1 s", "--timeout"],
        },
    );
}

#[test]
fn a_dripping_discovery_is_cut_off_at_the_timeout() {
    let server = FaultyEntra::start(
        Stage::Discovery,
        Fault::Drip {
            interval: Duration::from_millis(200),
        },
    );
    let dir = record_file();
    let run = run(dir.path(), &server.authority(), "json", false);
    assert_eq!(run.status, INCONCLUSIVE, "{}", run.stdout);
    let diagnostics = run.probe_diagnostics();
    assert_eq!(diagnostics.len(), 2, "{}", run.stdout);
    for diagnostic in diagnostics {
        assert_eq!(diagnostic["code"], "probe/unreachable");
        let message = diagnostic["message"].as_str().unwrap_or_default();
        assert!(message.contains("--timeout"), "{message}");
    }
    assert!(server.requests().iter().all(Request::is_discovery));
}

/// 5 MB: far past the 64 KiB the probe reads.
const HUGE: usize = 5 * 1024 * 1024;

#[test]
fn a_huge_token_answer_is_read_bounded_and_unexpected() {
    // Valid JSON as far as the probe reads, no `access_token` in the first 64 KiB.
    let mut prefix = b"{\"token_type\":\"Bearer\",\"expires_in\":3599,\"padding\":\"".to_vec();
    prefix.resize(HUGE - 100, b'x');
    prefix.extend_from_slice(b"\",\"access_token\":\"eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.e30.\"}");
    check_scenario(
        faulty(
            Stage::Token,
            Fault::Huge {
                status: 200,
                prefix,
                size: HUGE,
            },
        ),
        &Expected {
            code: "probe/unexpected-response",
            phrases: &["HTTP 200", "64 KiB"],
        },
    );
}

#[test]
fn a_huge_error_answer_is_read_bounded_and_unexpected() {
    let prefix = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215],"padding":""#.to_vec();
    check_scenario(
        faulty(
            Stage::Token,
            Fault::Huge {
                status: 401,
                prefix,
                size: HUGE,
            },
        ),
        &Expected {
            code: "probe/unexpected-response",
            phrases: &["HTTP 401", "64 KiB"],
        },
    );
}

#[test]
fn a_huge_discovery_document_is_read_bounded_and_sends_no_secret() {
    let server = FaultyEntra::start(
        Stage::Discovery,
        Fault::Huge {
            status: 200,
            prefix: br#"{"token_endpoint":"https://login.microsoftonline.com/t/oauth2/v2.0/token","padding":""#.to_vec(),
            size: HUGE,
        },
    );
    let dir = record_file();
    let run = run(dir.path(), &server.authority(), "json", false);
    assert_eq!(run.status, INCONCLUSIVE, "{}", run.stdout);
    let diagnostics = run.probe_diagnostics();
    assert_eq!(diagnostics.len(), 2, "{}", run.stdout);
    for diagnostic in diagnostics {
        assert_eq!(diagnostic["code"], "probe/unexpected-response");
    }
    assert!(server.requests().iter().all(Request::is_discovery));
}

#[test]
fn an_untrusted_certificate_is_unreachable_and_nothing_is_sent() {
    let servers = std::sync::Mutex::new(Vec::new());
    check_scenario(
        || {
            let server = std::sync::Arc::new(TlsEntra::start());
            let authority = server.authority();
            servers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(std::sync::Arc::clone(&server));
            (server, authority)
        },
        &Expected {
            code: "probe/unreachable",
            phrases: &["certificate", "not trusted"],
        },
    );
    for server in servers
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .iter()
    {
        // The probe did knock, the handshake failed, and no HTTP request (so no secret) got
        // through.
        assert!(server.connections() > 0);
        assert!(!server.failures().is_empty());
        assert_eq!(server.requests().len(), 0, "{:?}", server.requests());
    }
}

/// A server (a proxy, say) that echoes the token request back: the secret it received, raw or
/// form-encoded, must not come back out through the excerpt or description the probe shows.
#[test]
fn an_answer_echoing_the_request_shows_no_secret() {
    type Echo = fn(&Request) -> support::Reply;
    let echoes: [(&str, Echo); 4] = [
        ("raw secret in a description", |request| {
            let secret = request.form_value("client_secret").unwrap_or_default();
            support::Reply::json(
                400,
                format!(
                    r#"{{"error":"invalid_request","error_description":"AADSTS9999999: bad client_secret {secret}"}}"#
                ),
            )
        }),
        ("encoded secret in a description", |request| {
            let body = String::from_utf8_lossy(&request.body).into_owned();
            let secret = body
                .split('&')
                .find_map(|pair| pair.strip_prefix("client_secret="))
                .unwrap_or_default()
                .to_owned();
            support::Reply::json(
                400,
                format!(
                    r#"{{"error":"invalid_request","error_description":"AADSTS9999999: bad client_secret={secret}"}}"#
                ),
            )
        }),
        ("the form body in a plain-text page", |request| {
            support::Reply::new(502, "text/plain", request.body.clone())
        }),
        ("the form secret first in a plain-text page", |request| {
            let body = String::from_utf8_lossy(&request.body).into_owned();
            let secret = body
                .split('&')
                .find(|pair| pair.starts_with("client_secret="))
                .unwrap_or_default()
                .to_owned();
            support::Reply::new(400, "text/plain", format!("rejected: {secret}"))
        }),
    ];
    for (what, echo) in echoes {
        let dir = record_file();
        for format in FORMATS {
            let fake = support::FakeEntra::start(move |request, _| {
                if request.is_discovery() {
                    support::Reply::discovery()
                } else {
                    echo(request)
                }
            });
            // `run` asserts that neither secret appears, raw or encoded.
            let run = run(dir.path(), &fake.authority(), format, false);
            assert_eq!(
                run.status, INCONCLUSIVE,
                "{what}, --format {format}:\n{}",
                run.stdout
            );
            for stream in [&run.stdout, &run.stderr] {
                for secret in [LITERAL_SECRET, ENV_SECRET] {
                    // Not even a long piece of it (an excerpt cut short).
                    let encoded: String =
                        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
                    for spelling in [secret, encoded.as_str()] {
                        assert!(
                            !stream.contains(&spelling[..12]),
                            "{what}: a piece of a secret in --format {format}:\n{stream}"
                        );
                    }
                }
            }
        }
    }
}
