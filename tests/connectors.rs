//! The three connectors end to end: each record judged by its own profile (a mixed
//! `GET /service-config` export, a key store tree, `--service`), the human report of each
//! connector's typical mistakes, `init SERVICE`, and the probe asking for each connector's scope.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use support::{FakeEntra, Reply, Request};

use connector_lint::connectors::PROFILES;

const SECRET: &str = "Cn58Q~connectors.Test-Secret_0123456789a";

fn binary() -> Command {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("connector-lint");
    command.env_clear().current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

struct Output {
    status: i32,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("the binary runs");
    let result = Output {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    for text in [&result.stdout, &result.stderr] {
        assert!(!text.contains(SECRET), "the secret leaked:\n{text}");
    }
    result
}

/// `(pointer, code, line, column)` of every diagnostic of the one file of a JSON report.
fn located(json: &str) -> BTreeSet<(String, String, u64, u64)> {
    let report: Value =
        serde_json::from_str(json).unwrap_or_else(|error| panic!("{error}: {json}"));
    report["files"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|file| file["diagnostics"].as_array().cloned().unwrap_or_default())
        .map(|diagnostic| {
            (
                diagnostic["pointer"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                diagnostic["code"].as_str().unwrap_or_default().to_owned(),
                diagnostic["line"].as_u64().unwrap_or_default(),
                diagnostic["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn with_secrets(command: &mut Command) -> &mut Command {
    for profile in PROFILES {
        command.env(profile.secret_variable, SECRET);
    }
    command
}

#[test]
fn a_mixed_export_checks_each_record_by_its_own_profile() {
    let result = run(with_secrets(&mut binary()).args([
        "check",
        "fixtures/connectors/service-config.json",
        "--format",
        "json",
    ]));
    assert_eq!(result.status, 1, "{}", result.stderr);
    let expected: BTreeSet<(String, String, u64, u64)> = [
        // Azure DevOps: the Microsoft callback is not its callback.
        ("/0/callbackUrl", "redirect-uri/wrong-path", 6, 20),
        ("/1/serviceId", "service-id/unsupported", 9, 18),
        // Microsoft: Graph's id, a flag that is not one, the Azure DevOps callback, a key of
        // its own the connector does not read; the file picker URI is fine.
        ("/2/clientId", "client-id/resource-app-id", 15, 17),
        ("/2/microsoftTenant", "key/wrong-type", 17, 24),
        ("/2/callbackUrl", "redirect-uri/wrong-path", 19, 20),
        ("/2/sandbox", "key/unknown", 20, 5),
        // Dynamics: the Studio host, a negative and a worded TTL, a key only Microsoft reads.
        ("/3/callbackUrl", "redirect-uri/not-api-host", 26, 20),
        ("/3/listOutportCacheTTL", "key/wrong-type", 27, 28),
        ("/3/listInspectorCacheTTL", "key/wrong-type", 28, 30),
        ("/3/outputFilePrefix", "key/unknown", 29, 5),
        ("/4/serviceId", "service-id/unsupported", 32, 18),
    ]
    .into_iter()
    .map(|(pointer, code, line, column)| (pointer.to_owned(), code.to_owned(), line, column))
    .collect();
    assert_eq!(located(&result.stdout), expected, "{}", result.stdout);
    // The other services' secrets are not ours, but they are secrets all the same.
    for text in ["slack-secret-value-not-ours", "lin-secret-value-not-ours"] {
        assert!(!result.stdout.contains(text), "{}", result.stdout);
    }
}

#[test]
fn a_key_store_tree_takes_each_service_from_its_path() {
    let result =
        run(with_secrets(&mut binary()).args(["check", "fixtures/keystore", "--format", "json"]));
    assert_eq!(result.status, 0, "{}\n{}", result.stdout, result.stderr);
    let report: Value = serde_json::from_str(&result.stdout).expect("JSON");
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 4, "{}", result.stdout);
    for file in files {
        let path = file["path"].as_str().unwrap_or_default();
        let codes: Vec<&str> = file["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|diagnostic| diagnostic["code"].as_str())
            .collect();
        if path.contains("/linear/") {
            // Judged as an Azure DevOps record, its id would be `client-id/not-guid`.
            assert_eq!(codes, ["service-id/unsupported"], "{path}");
            let message = file["diagnostics"][0]["message"]
                .as_str()
                .unwrap_or_default();
            assert!(message.contains("`appmixer:linear`"), "{message}");
        } else {
            assert!(codes.is_empty(), "{path}: {codes:?}");
        }
    }
}

/// A key store file named from inside the tree (its path shown without the `connectors/`
/// directories above the working directory) is still judged by the service its path names:
/// as an Azure DevOps record, the linear one would be `client-id/not-guid`, and with `--fix` its
/// re-check must agree.
#[test]
fn a_key_store_file_named_from_inside_the_tree_keeps_its_service() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let inside = root.join("fixtures/keystore/connectors/appmixer");
    let linear = inside.join("linear/config.PROD.json");
    for given in [
        linear.display().to_string(),
        "linear/config.PROD.json".to_owned(),
        "./linear/config.PROD.json".to_owned(),
    ] {
        for extra in [&[][..], &["--diff"][..]] {
            let result = run(with_secrets(&mut binary())
                .current_dir(&inside)
                .args(["check", &given, "--format", "json"])
                .args(extra));
            let combined = format!("{}{}", result.stdout, result.stderr);
            assert!(
                combined.contains("service-id/unsupported") || extra == ["--diff"],
                "{given} {extra:?}: {combined}"
            );
            assert!(
                !combined.contains("client-id/not-guid"),
                "{given} {extra:?}: {combined}"
            );
        }
    }
}

#[test]
fn the_service_flag_names_the_connector_of_a_record_without_one() {
    let record = r#"{"clientId": "7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "clientSecret": "${MICROSOFT_CLIENT_SECRET}", "microsoftTenant": "nope"}"#;
    let as_microsoft = run(with_secrets(&mut binary())
        .args([
            "check",
            "-",
            "--stdin-format",
            "json",
            "--format",
            "json",
            "--service",
            "appmixer:microsoft",
        ])
        .write_stdin(record));
    let codes: Vec<String> = located(&as_microsoft.stdout)
        .into_iter()
        .map(|(_, code, _, _)| code)
        .collect();
    assert_eq!(codes, ["key/wrong-type"], "{}", as_microsoft.stdout);
    // Without the flag it is an Azure DevOps record, which has no such key.
    let as_default = run(with_secrets(&mut binary())
        .args(["check", "-", "--stdin-format", "json", "--format", "json"])
        .write_stdin(record));
    let codes: Vec<String> = located(&as_default.stdout)
        .into_iter()
        .map(|(_, code, _, _)| code)
        .collect();
    assert_eq!(codes, ["key/unknown"], "{}", as_default.stdout);
    // A record that names its service keeps it, whatever the flag says.
    let named = run(with_secrets(&mut binary()).args([
        "check",
        "fixtures/valid-env/dynamics.json",
        "--format",
        "json",
        "--service",
        "appmixer:microsoft",
    ]));
    assert_eq!(
        (named.status, located(&named.stdout).len()),
        (0, 0),
        "{}",
        named.stdout
    );

    let unknown = run(binary().args(["check", "-", "--service", "appmixer:azure-devops"]));
    assert_eq!(unknown.status, 2);
    assert!(
        unknown
            .stderr
            .contains("did you mean `appmixer:azuredevops`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn each_connector_has_a_human_report_of_its_typical_mistakes() {
    for (name, file) in [
        (
            "human_microsoft",
            "fixtures/connectors/microsoft-errors.yaml",
        ),
        ("human_dynamics", "fixtures/connectors/dynamics-errors.yaml"),
    ] {
        let result = run(with_secrets(&mut binary()).args(["check", file]));
        assert_eq!(result.status, 1, "{file}");
        insta::assert_snapshot!(name, result.stdout);
    }
}

#[test]
fn init_prints_a_starter_per_connector_that_lints_with_exactly_its_to_dos() {
    for profile in PROFILES {
        let service = profile.service_id;
        let starter = run(binary().args(["init", service]));
        assert_eq!(starter.status, 0, "{service}");
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("starter.yaml");
        std::fs::write(&path, &starter.stdout).expect("write");
        let as_printed = run(binary().arg("check").arg(&path).args(["--format", "json"]));
        assert_eq!(as_printed.status, 1, "{service}");
        let codes: BTreeSet<String> = located(&as_printed.stdout)
            .into_iter()
            .map(|(_, code, _, _)| code)
            .collect();
        for code in &codes {
            assert!(
                starter.stdout.contains(code.as_str()),
                "{service}: the starter's comments should name {code}"
            );
        }
        assert!(codes.contains("client-id/placeholder") && codes.contains("env/undefined"));

        // Filled in (and its commented keys uncommented), it is clean against the API URL it names.
        let filled = starter
            .stdout
            .replace("YOUR_CLIENT_ID", "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40")
            .replace("YOUR_SUBDOMAIN", "acme")
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest
                        .split_once(':')
                        .is_some_and(|(key, _)| profile.key(key).is_some()) =>
                {
                    rest
                }
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&path, &filled).expect("write");
        let filled_in = run(with_secrets(&mut binary()).arg("check").arg(&path).args([
            "--format",
            "json",
            "--api-url",
            "https://api.acme.appmixer.cloud",
        ]));
        assert_eq!(
            (filled_in.status, located(&filled_in.stdout)),
            (0, BTreeSet::new()),
            "{service}:\n{filled}"
        );
    }
}

#[test]
fn the_probe_asks_for_each_connectors_resource() {
    for profile in PROFILES {
        let fake = FakeEntra::scripted(Reply::discovery(), Reply::token());
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("record.yaml");
        std::fs::write(
            &path,
            format!(
                "serviceId: {}\nclientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: ${{{}}}\ntenantId: contoso.onmicrosoft.com\n",
                profile.service_id, profile.secret_variable
            ),
        )
        .expect("write");
        let result = run(with_secrets(&mut binary())
            .arg("check")
            .arg(&path)
            .args([
                "--probe",
                "--authority",
                &fake.authority(),
                "--timeout",
                "2",
            ])
            .args(["--format", "json"]));
        assert_eq!(
            result.status, 0,
            "{}: {}",
            profile.service_id, result.stdout
        );
        let tokens: Vec<Request> = fake
            .requests()
            .into_iter()
            .filter(Request::is_token)
            .collect();
        assert_eq!(tokens.len(), 1, "{}", profile.service_id);
        assert_eq!(
            tokens[0].form_value("scope").as_deref(),
            Some(profile.probe.scope),
            "{}",
            profile.service_id
        );
        assert!(
            result.stdout.contains(profile.probe.resource),
            "{}: {}",
            profile.service_id,
            result.stdout
        );
    }
}

#[test]
fn explain_describes_each_connector_from_its_profile() {
    for profile in PROFILES {
        let result = run(binary().args(["explain", profile.service_id]));
        assert_eq!(result.status, 0, "{}", profile.service_id);
        assert!(result.stdout.contains(profile.callback_path));
        assert!(result.stdout.contains(profile.probe.scope));
        for key in profile.keys {
            assert!(
                result.stdout.contains(&format!("  {} (", key.name)),
                "{}",
                key.name
            );
        }
        if let Some(permission) = &profile.permission {
            assert!(result.stdout.contains(permission.resource));
        }
    }
}

#[test]
fn every_profile_has_its_schema_file_and_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for profile in PROFILES {
        assert!(
            root.join("schemas").join(profile.schema_file()).is_file(),
            "{}",
            profile.service_id
        );
        let valid = std::fs::read_dir(root.join("fixtures/valid-env"))
            .expect("fixtures/valid-env")
            .flatten()
            .filter(|entry| {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let default =
                    profile.service_id == connector_lint::connectors::default_profile().service_id;
                text.contains(&format!("\"{}\"", profile.service_id))
                    || text.contains(&format!("serviceId: {}\n", profile.service_id))
                    || (default && !text.contains("serviceId"))
            })
            .count();
        assert!(valid > 0, "{}: no valid example", profile.service_id);
    }
}
