//! Properties over generated inputs (proptest):
//! - any bytes, as YAML or JSON, give a report in every format and style and an exit status of
//!   0, 1 or 2: never a panic;
//! - text built from YAML and JSON fragments (more likely to reach the rules than random bytes)
//!   does the same;
//! - a secret written under `clientSecret` in any quoting, layout and surrounded by broken lines
//!   never appears in any format;
//! - the binary itself, fed any bytes on standard input, exits 0, 1 or 2.
//!
//! `PROPTEST_CASES=N` runs more cases than the defaults here (which keep `cargo test` quick).

use std::sync::Arc;

use proptest::prelude::*;

use connector_lint::check::{Options, check_source};
use connector_lint::report::{self, Format, Graphics, Report, Style};
use connector_lint::source::{self, Format as SourceFormat, Input, SourceText};

const FORMATS: &[Format] = &[
    Format::Human,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Azure,
    Format::Junit,
    Format::Gitlab,
];

const STYLES: &[Style] = &[
    Style {
        graphics: Graphics::Unicode,
        color: true,
        links: false,
        width: Some(80),
    },
    Style {
        graphics: Graphics::Ascii,
        color: false,
        links: false,
        width: None,
    },
    Style {
        graphics: Graphics::Narrated,
        color: false,
        links: false,
        width: Some(60),
    },
];

/// `PROPTEST_CASES` when set (a long run), else the quick default.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default)
}

fn options() -> Options {
    Options {
        // A fixed environment: one secret variable set, everything else unset.
        env: Arc::new(|name: &str| {
            (name == "PROP_SECRET").then(|| "Pp1Q~fromTheEnvironment".to_owned())
        }),
        ..Options::default()
    }
}

/// The library's whole path for one input held in memory: decode, load, check, render every
/// format (and every human style). Returns the rendered texts and the exit status.
fn pipeline(bytes: &[u8], format: SourceFormat) -> (Vec<String>, u8) {
    let report = match source::decode(bytes.to_vec()) {
        Ok(text) => Report {
            files: vec![check_source(
                SourceText::new("input", format, text),
                &options(),
            )],
            ..Report::default()
        },
        // Not UTF-8: through the file path, which builds the `load/not-utf8` report.
        Err(_) => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let path = dir.path().join("input");
            std::fs::write(&path, bytes).expect("write the input");
            let input = Input::File {
                path,
                display: "input".to_owned(),
                format,
                walked: false,
                directory: None,
            };
            let file = connector_lint::check::check_input(&input, &options())
                .expect("a written file is readable");
            Report {
                files: vec![file],
                ..Report::default()
            }
        }
    };
    let mut texts = Vec::new();
    for format in FORMATS {
        if *format == Format::Human {
            for style in STYLES {
                texts.push(report::render(&report, *format, *style));
            }
        } else {
            texts.push(report::render(&report, *format, Style::default()));
        }
    }
    (texts, report::exit_status(&report, false, false))
}

/// Fragments of YAML and JSON syntax, keys the tool knows, and hostile pieces.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("clientId".to_owned()),
        Just("clientSecret".to_owned()),
        Just("redirectUri".to_owned()),
        Just("callbackUrl".to_owned()),
        Just("serviceId".to_owned()),
        Just("tenantId".to_owned()),
        Just("appmixer:azuredevops".to_owned()),
        Just("3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40".to_owned()),
        Just("https://api.acme.appmixer.cloud/auth/azuredevops/callback".to_owned()),
        Just("${PROP_SECRET}".to_owned()),
        Just("${UNSET}".to_owned()),
        Just(": ".to_owned()),
        Just("- ".to_owned()),
        Just("? ".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("  ".to_owned()),
        Just("\t".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(", ".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("# ".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("!!str ".to_owned()),
        Just("|\n".to_owned()),
        Just(">-\n".to_owned()),
        Just("---\n".to_owned()),
        Just("...\n".to_owned()),
        Just("\u{FEFF}".to_owned()),
        Just("é€𝄞".to_owned()),
        Just("\0".to_owned()),
        Just("\\u0041".to_owned()),
        "[a-zA-Z0-9~._-]{1,12}",
        any::<char>().prop_map(String::from),
    ]
}

fn fragments() -> impl Strategy<Value = String> {
    proptest::collection::vec(fragment(), 0..60).prop_map(|parts| parts.concat())
}

/// A secret that cannot occur in any output by chance.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9~._-]{6,34}".prop_map(|tail| format!("Qz7Q~{tail}"))
}

/// How the secret is written after `clientSecret` (the `{}` is the secret).
fn secret_layout() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        "clientSecret: {}\n",
        "clientSecret: '{}'\n",
        "clientSecret: \"{}\"\n",
        "clientSecret: \"{}\n",
        "clientSecret: '\"{}\"'\n",
        "\"clientSecret\": \"{}\",\n",
        "  \"clientSecret\":\n  \"{}\",\n",
        "\"clientSecret\"\n  : \"{}\",\n",
        "{clientSecret: {}, clientId: x}\n",
        "{\"clientId\": \"x\", \"clientSecret\": \"{}\"}\n",
        "- clientSecret: {}\n  clientId: x\n",
        "clientSecret: |\n  {}\n",
        "clientSecret: >-\n  {}\n  more\n",
        "clientSecret: &s {}\nclientId: *s\n",
        "stash: &s {}\nclientSecret: *s\n",
        "? clientSecret\n: {}\n",
        "ClientSecret: {}\n",
        "client_secret: {}\n",
        "mySecretKey: {}\n",
        "# clientSecret: {}\n",
        "clientSecret:\n- {}\n",
        "clientSecret: {} # comment\n",
        "clientSecret: {}\nclientId: {}\n",
        "clientSecret: {}: broken\n",
    ])
}

/// Lines around the secret: valid, broken, or hostile.
fn noise_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\n".to_owned()),
        Just("serviceId: appmixer:azuredevops\n".to_owned()),
        Just("redirectUri: http://my.acme.appmixer.cloud/x?y\n".to_owned()),
        Just("unknownKey: 1\n".to_owned()),
        Just("clientId: [broken\n".to_owned()),
        Just("a: b: c\n".to_owned()),
        Just("  indented: wrongly\n".to_owned()),
        Just("- item\n".to_owned()),
        Just("---\n".to_owned()),
        Just("{\n".to_owned()),
        Just("}\n".to_owned()),
        Just("\"\n".to_owned()),
        Just("\n".to_owned()),
        Just("\t\n".to_owned()),
        fragments().prop_map(|text| format!("{text}\n")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn any_bytes_give_a_report_and_a_valid_status(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        json in any::<bool>(),
    ) {
        let format = if json { SourceFormat::Json } else { SourceFormat::Yaml };
        let (texts, status) = pipeline(&bytes, format);
        prop_assert!(status <= 2);
        prop_assert!(texts.iter().all(|text| !text.is_empty()));
    }

    #[test]
    fn any_fragments_give_a_report_and_a_valid_status(text in fragments(), json in any::<bool>()) {
        let format = if json { SourceFormat::Json } else { SourceFormat::Yaml };
        let (_, status) = pipeline(text.as_bytes(), format);
        prop_assert!(status <= 2);
    }

    #[test]
    fn a_secret_never_appears_in_any_format(
        secret in secret(),
        layout in secret_layout(),
        before in proptest::collection::vec(noise_line(), 0..4),
        after in proptest::collection::vec(noise_line(), 0..4),
        json in any::<bool>(),
    ) {
        let text = format!(
            "{}{}{}",
            before.concat(),
            layout.replace("{}", &secret),
            after.concat()
        );
        let format = if json { SourceFormat::Json } else { SourceFormat::Yaml };
        let (texts, status) = pipeline(text.as_bytes(), format);
        prop_assert!(status <= 2);
        for shown in &texts {
            prop_assert!(
                !shown.contains(&secret),
                "the secret shows in:\n{}\n--- input ---\n{}",
                shown,
                text
            );
        }
    }
}

proptest! {
    // Each case starts a process: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    #[test]
    fn the_binary_exits_0_1_or_2_on_any_standard_input(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        json in any::<bool>(),
    ) {
        let output = assert_cmd::Command::cargo_bin("connector-lint")
            .expect("the binary is built")
            .args(["check", "-", "--stdin-format", if json { "json" } else { "yaml" }])
            .env("NO_COLOR", "1")
            .write_stdin(bytes)
            .output()
            .expect("the binary runs");
        let status = output.status.code();
        prop_assert!(matches!(status, Some(0..=2)), "status {status:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
}
