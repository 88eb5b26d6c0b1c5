//! The commands around the rules: `explain` (every catalogue code, exit 2 for an unknown one),
//! `init` (a starter that lints with exactly its documented to-dos), and the human report's note
//! with the redirect URI to register.

use std::collections::BTreeSet;
use std::io::Write;

use assert_cmd::Command;
use connector_lint::catalogue::CATALOGUE;
use serde_json::Value;

const SECRET: &str = "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a";
const CALLBACK: &str = "https://api.acme.appmixer.cloud/auth/azuredevops/callback";

/// The binary with an empty environment: no variable of the developer's shell leaks in.
fn binary() -> Command {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("connector-lint");
    command.env_clear();
    command
}

fn output_of(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn explain_prints_every_catalogue_entry() {
    for rule in CATALOGUE {
        let (status, stdout, _) = output_of(binary().args(["explain", rule.id]));
        assert_eq!(status, 0, "{}", rule.id);
        for part in [
            rule.id,
            rule.severity.as_str(),
            rule.title,
            rule.why,
            rule.fix,
        ] {
            assert!(stdout.contains(part), "{}: missing `{part}`", rule.id);
        }
        assert!(
            stdout.contains(&rule.help_uri()),
            "{}: no help URI",
            rule.id
        );
    }
}

#[test]
fn explain_unknown_code_exits_2_with_a_suggestion() {
    let (status, stdout, stderr) =
        output_of(binary().args(["explain", "client-secret/looks-like-secretid"]));
    assert_eq!(status, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("`client-secret/looks-like-secret-id`"),
        "{stderr}"
    );
    let (status, _, stderr) = output_of(binary().args(["explain", "nothing/like-this"]));
    assert_eq!(status, 2);
    assert!(stderr.contains("explain --list"), "{stderr}");
}

#[test]
fn explain_list_has_every_code() {
    let (status, stdout, _) = output_of(binary().args(["explain", "--list"]));
    assert_eq!(status, 0);
    for rule in CATALOGUE {
        assert!(stdout.contains(rule.id), "{}", rule.id);
    }
}

fn codes_of(json: &str) -> BTreeSet<String> {
    let report: Value =
        serde_json::from_str(json).unwrap_or_else(|error| panic!("{error}: {json}"));
    report["files"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|file| file["diagnostics"].as_array().cloned().unwrap_or_default())
        .filter_map(|diagnostic| diagnostic["code"].as_str().map(str::to_owned))
        .collect()
}

fn temp_yaml(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".yaml")
        .tempfile()
        .expect("a temporary file");
    file.write_all(text.as_bytes()).expect("write");
    file
}

#[test]
fn init_starter_lints_with_exactly_its_documented_to_dos() {
    let (status, starter, _) = output_of(binary().arg("init"));
    assert_eq!(status, 0);
    assert!(starter.starts_with("# yaml-language-server: $schema="));
    assert!(starter.contains("clientSecret: ${AZDO_CLIENT_SECRET}"));
    let file = temp_yaml(&starter);

    // As printed, without the variable: the three to-dos its comments list.
    let (status, json, _) = output_of(
        binary()
            .arg("check")
            .arg(file.path())
            .args(["--format", "json"]),
    );
    assert_eq!(status, 1);
    let expected: BTreeSet<String> = [
        "client-id/placeholder",
        "env/undefined",
        "redirect-uri/placeholder-host",
    ]
    .map(String::from)
    .into();
    assert_eq!(codes_of(&json), expected);
    for code in &expected {
        assert!(
            starter.contains(code.as_str()),
            "the starter's comments should name {code}"
        );
    }

    // Filled in, it is clean, also against the API URL it names.
    let filled = starter
        .replace("YOUR_CLIENT_ID", "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40")
        .replace("YOUR_SUBDOMAIN", "acme")
        .replace("# tenantId:", "tenantId:");
    let file = temp_yaml(&filled);
    let (status, json, _) = output_of(
        binary()
            .env("AZDO_CLIENT_SECRET", SECRET)
            .arg("check")
            .arg(file.path())
            .args([
                "--format",
                "json",
                "--api-url",
                "https://api.acme.appmixer.cloud",
            ]),
    );
    assert_eq!((status, codes_of(&json)), (0, BTreeSet::new()), "{json}");
}

const WITHOUT_REDIRECT: &str =
    "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: ${AZDO_CLIENT_SECRET}\n";

#[test]
fn human_report_names_the_uri_to_register_without_redirect_uri() {
    let file = temp_yaml(WITHOUT_REDIRECT);
    let (status, stdout, _) = output_of(
        binary()
            .env("AZDO_CLIENT_SECRET", SECRET)
            .env("APPMIXER_API_URL", "https://api.acme.appmixer.cloud/")
            .arg("check")
            .arg(file.path()),
    );
    assert_eq!(status, 0, "{stdout}");
    assert!(stdout.contains("register it on the Entra app"), "{stdout}");
    assert!(stdout.contains(&format!("`{CALLBACK}`")), "{stdout}");
    assert!(!stdout.contains(SECRET));

    // Without an API URL, the pattern and how to get the exact URI.
    let (_, stdout, _) = output_of(
        binary()
            .env("AZDO_CLIENT_SECRET", SECRET)
            .arg("check")
            .arg(file.path()),
    );
    assert!(
        stdout.contains("<Appmixer API URL>/auth/azuredevops/callback"),
        "{stdout}"
    );
    assert!(stdout.contains("--api-url"), "{stdout}");

    // The note is not a diagnostic: the JSON report carries it among the file's notes.
    let (_, json, _) = output_of(
        binary()
            .env("AZDO_CLIENT_SECRET", SECRET)
            .arg("check")
            .arg(file.path())
            .args([
                "--format",
                "json",
                "--api-url",
                "https://api.acme.appmixer.cloud",
            ]),
    );
    assert!(codes_of(&json).is_empty());
    let report: Value = serde_json::from_str(&json).expect("JSON");
    let notes = report["files"][0]["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{json}");
    assert!(
        notes[0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("register it on the Entra app")
                && message.contains("`https://api.acme.appmixer.cloud/auth/azuredevops/callback`")),
        "{json}"
    );
}

#[test]
fn no_note_when_redirect_uri_is_present_or_unresolved() {
    for text in [
        format!("{WITHOUT_REDIRECT}redirectUri: {CALLBACK}\n"),
        format!("{WITHOUT_REDIRECT}redirectUri: ${{AZDO_REDIRECT_URI}}\n"),
    ] {
        let file = temp_yaml(&text);
        let (_, stdout, _) = output_of(
            binary()
                .env("AZDO_CLIENT_SECRET", SECRET)
                .arg("check")
                .arg(file.path()),
        );
        assert!(!stdout.contains("note:"), "{stdout}");
    }
}

#[test]
fn environment_values_are_named_and_never_printed() {
    // A secret from the environment that has a problem: the finding names the variable, and
    // neither the value nor any part of it appears in any format.
    let secret = "Zp7Tq3vX9kLm2Rp8sW1yZ4aB6cD0eF7gH2jK5nM8qR1tV4wY7zA0cE3gJ6mP9sU2xW5zB8dF1hK4nQ7tW0yB3eH6kN9q";
    let file = temp_yaml(
        "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: ${AZDO_CLIENT_SECRET}\n",
    );
    for format in ["json", "human"] {
        let (status, stdout, stderr) = output_of(
            binary()
                .env("AZDO_CLIENT_SECRET", secret)
                .arg("check")
                .arg(file.path())
                .args(["--format", format]),
        );
        assert_eq!(status, 0, "a warning only: {stdout}");
        assert!(
            stdout.contains("client-secret/unrecognized-format"),
            "{stdout}"
        );
        assert!(
            stdout.contains("(from `${AZDO_CLIENT_SECRET}`)"),
            "{stdout}"
        );
        assert!(!stdout.contains("client-secret/plaintext"), "{stdout}");
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(8) {
            let piece: String = window.iter().collect();
            assert!(
                !stdout.contains(&piece) && !stderr.contains(&piece),
                "{piece} leaked"
            );
        }
    }
}

#[test]
fn json_input_positions_point_at_the_value() {
    let mut file = tempfile::Builder::new()
        .suffix(".json")
        .tempfile()
        .expect("a temporary file");
    file.write_all(
        b"{\n  \"clientId\": \"3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\",\n  \"clientSecret\": \"${AZDO_CLIENT_SECRET}\",\n  \"redirectUri\": \"https://my.acme.appmixer.cloud/auth/azuredevops/callback\"\n}\n",
    )
    .expect("write");
    let (status, json, _) = output_of(
        binary()
            .env("AZDO_CLIENT_SECRET", SECRET)
            .arg("check")
            .arg(file.path())
            .args(["--format", "json"]),
    );
    assert_eq!(status, 1);
    let report: Value = serde_json::from_str(&json).expect("JSON");
    let diagnostic = &report["files"][0]["diagnostics"][0];
    assert_eq!(diagnostic["code"], "redirect-uri/not-api-host");
    assert_eq!(diagnostic["pointer"], "/redirectUri");
    assert_eq!(
        (diagnostic["line"].as_u64(), diagnostic["column"].as_u64()),
        (Some(4), Some(18))
    );
    assert!(
        diagnostic["help"]
            .as_str()
            .is_some_and(|help| help.contains(&format!("`{CALLBACK}`")))
    );
}
