//! A newcomer's first hour (issue 18): the advice the tool gives must be right, and a run that
//! checks nothing must not pass.

use assert_cmd::Command;

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
    Output {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

const GUIDE_RECORD: &str =
    "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: ${AZDO_CLIENT_SECRET}\n";

/// A wrong `--api-url` is refused with the URL to give, before any advice is derived from it.
#[test]
fn a_wrong_api_url_is_refused_with_the_one_to_give() {
    for (api_url, instead) in [
        (
            "https://my.acme.appmixer.cloud",
            Some("https://api.acme.appmixer.cloud"),
        ),
        (
            "https://backoffice.acme.appmixer.cloud",
            Some("https://api.acme.appmixer.cloud"),
        ),
        (
            "http://api.acme.appmixer.cloud",
            Some("https://api.acme.appmixer.cloud"),
        ),
        ("https://api.YOUR_SUBDOMAIN.appmixer.cloud", None),
    ] {
        for via_environment in [false, true] {
            let mut command = binary();
            command
                .env(
                    "AZDO_CLIENT_SECRET",
                    "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a",
                )
                .args(["check", "-"])
                .write_stdin(GUIDE_RECORD);
            if via_environment {
                command.env("APPMIXER_API_URL", api_url);
            } else {
                command.args(["--api-url", api_url]);
            }
            let result = run(&mut command);
            assert_eq!(result.status, 2, "{api_url}: {}", result.stderr);
            assert!(result.stdout.is_empty(), "{api_url}: {}", result.stdout);
            assert!(
                !result.stderr.contains("/auth/azuredevops/callback"),
                "no redirect URI is derived from a wrong API URL: {}",
                result.stderr
            );
            if let Some(instead) = instead {
                assert!(
                    result.stderr.contains(&format!("--api-url {instead}`")),
                    "{api_url}: {}",
                    result.stderr
                );
            }
        }
    }
    // The right one passes, and the note names the URI derived from it.
    let result = run(binary()
        .env(
            "AZDO_CLIENT_SECRET",
            "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a",
        )
        .args(["check", "-", "--api-url", "https://api.acme.appmixer.cloud"])
        .write_stdin(GUIDE_RECORD));
    assert_eq!(result.status, 0, "{}{}", result.stdout, result.stderr);
    assert!(
        result
            .stdout
            .contains("https://api.acme.appmixer.cloud/auth/azuredevops/callback"),
        "{}",
        result.stdout
    );
}

/// An unset secret variable is set in the environment, never written into the file (which the
/// next run would warn about); other values may be written.
#[test]
fn env_undefined_help_never_suggests_writing_a_secret_into_the_file() {
    let result = run(binary()
        .args(["check", "-", "--format", "json"])
        .write_stdin("clientId: ${AZDO_CLIENT_ID}\nclientSecret: ${AZDO_CLIENT_SECRET}\n"));
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("JSON");
    let helps: Vec<(String, String)> = report["files"][0]["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|diagnostic| diagnostic["code"] == "env/undefined")
        .map(|diagnostic| {
            (
                diagnostic["pointer"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                diagnostic["help"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(helps.len(), 2, "{}", result.stdout);
    for (pointer, help) in helps {
        let suggests_file = help.contains("into the file");
        assert_eq!(suggests_file, pointer == "/clientId", "{pointer}: {help}");
    }
}

/// Two environments pasted into one mapping: the duplicates say how one file holds two records.
#[test]
fn two_records_in_one_mapping_are_told_how_to_separate() {
    for (input, format, hint) in [
        (
            "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: ${A}\nclientId: 5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f\nclientSecret: ${B}\n",
            "yaml",
            "---",
        ),
        (
            r#"{"clientId": "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40", "clientSecret": "${A}", "clientId": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f", "clientSecret": "${B}"}"#,
            "json",
            "[{...}, {...}]",
        ),
    ] {
        let result = run(binary()
            .env("A", "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a")
            .env("B", "xyZ2Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a")
            .args(["check", "-", "--format", "json", "--stdin-format", format])
            .write_stdin(input));
        let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("JSON");
        let duplicates: Vec<&str> = report["files"][0]["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|diagnostic| diagnostic["code"] == "load/duplicate-key")
            .filter_map(|diagnostic| diagnostic["help"].as_str())
            .collect();
        assert_eq!(duplicates.len(), 2, "{}", result.stdout);
        assert!(
            duplicates.iter().all(|help| help.contains(hint)),
            "{duplicates:?}"
        );
    }
    // One key typed twice is not two records.
    let result = run(binary()
        .args(["check", "-", "--format", "json"])
        .write_stdin("clientId: x\nclientId: y\nclientSecret: ${A}\n"));
    assert!(!result.stdout.contains("---"), "{}", result.stdout);
}

/// Syntax advice speaks the file's own format.
#[test]
fn syntax_advice_is_for_the_files_format() {
    let json = run(binary()
        .args(["check", "-", "--format", "json", "--stdin-format", "json"])
        .write_stdin("{\"clientId\": \"x\",}"));
    assert!(json.stdout.contains("trailing commas"), "{}", json.stdout);
    assert!(!json.stdout.contains("indentation"), "{}", json.stdout);
    let yaml = run(binary()
        .args(["check", "-", "--format", "json"])
        .write_stdin("clientId: [x\n"));
    assert!(yaml.stdout.contains("indentation"), "{}", yaml.stdout);
    assert!(!yaml.stdout.contains("trailing commas"), "{}", yaml.stdout);
}

/// `explain` finds a code given without its family.
#[test]
fn explain_suggests_a_code_given_without_its_family() {
    let result = run(binary().args(["explain", "looks-like-secret-id"]));
    assert_eq!(result.status, 2);
    assert!(
        result
            .stderr
            .contains("did you mean `client-secret/looks-like-secret-id`"),
        "{}",
        result.stderr
    );
}

/// A run in which no input holds a record of a supported connector is exit 2, saying what it found,
/// in every format; one supported record among others is enough.
#[test]
fn a_run_that_checks_nothing_does_not_pass() {
    let others = r#"[{"serviceId": "appmixer:slack", "clientId": "1", "clientSecret": "slack-secret-0123456789"}, {"serviceId": "appmixer:linear"}]"#;
    for format in [
        "human", "json", "sarif", "github", "azure", "junit", "gitlab",
    ] {
        let result = run(binary()
            .args(["check", "-", "--stdin-format", "json", "--format", format])
            .write_stdin(others));
        assert_eq!(result.status, 2, "{format}: {}", result.stdout);
        assert!(
            result.stderr.contains("nothing was checked")
                && result.stderr.contains("2 records of other services"),
            "{format}: {}",
            result.stderr
        );
        if format == "azure" {
            assert!(result.stdout.contains("result=Failed"), "{}", result.stdout);
        }
    }
    let with_one = r#"[{"serviceId": "appmixer:slack"}, {"serviceId": "appmixer:microsoft", "clientId": "7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "clientSecret": "${S}"}]"#;
    let result = run(binary()
        .env("S", "Ms18Q~Microsoft.Connector-Secret_0123456")
        .args(["check", "-", "--stdin-format", "json"])
        .write_stdin(with_one));
    assert_eq!(result.status, 0, "{}{}", result.stdout, result.stderr);
}

/// Two files whose help holds a long URL (`redirect-uri/mismatch`) and a command in backticks
/// (`load/not-utf8`), written into `dir`; the arguments that check them.
fn files_with_long_help(dir: &std::path::Path) -> Vec<String> {
    let mismatch = dir.join("mismatch.yaml");
    std::fs::write(
        &mismatch,
        "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: ${S}\nredirectUri: https://api.other.appmixer.cloud/auth/azuredevops/callback\n",
    )
    .unwrap();
    let utf16 = dir.join("utf16.yaml");
    let text: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("clientId: x\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(&utf16, text).unwrap();
    [
        "check",
        "--color",
        "never",
        "--api-url",
        "https://api.acme.appmixer.cloud",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([&mismatch, &utf16].map(|path| path.display().to_string()))
    .collect()
}

const LONG_URL: &str = "`https://api.acme.appmixer.cloud/auth/azuredevops/callback`";
const COMMAND: &str = "`iconv -f UTF-16 -t UTF-8`.";

/// The help blocks of a human report: each `help:` line with the lines that continue it.
fn help_blocks(report: &str) -> Vec<Vec<&str>> {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut in_help = false;
    for line in report.lines() {
        if line.trim_start().starts_with("help:") {
            blocks.push(vec![line]);
            in_help = true;
        } else if in_help && line.starts_with("        ") && !line.trim().is_empty() {
            blocks.last_mut().unwrap().push(line);
        } else {
            in_help = false;
        }
    }
    blocks
}

/// Runs the binary with its standard output on a pseudo-terminal `columns` wide (standard error a
/// pipe), and returns what the terminal received.
#[cfg(unix)]
fn run_on_terminal(columns: u16, env: &[(&str, &str)], args: &[String]) -> String {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut master, mut slave) = (-1, -1);
    let size = libc::winsize {
        ws_row: 50,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors it opened into the two integers, and only reads the
    // window size it is given.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned by nobody else.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_connector-lint"))
        .env_clear()
        .envs(env.iter().copied())
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::from(slave))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut terminal = std::fs::File::from(master);
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    // Once the child has exited, reading the master side fails (EIO on Linux) or ends.
    while let Ok(read @ 1..) = terminal.read(&mut buffer) {
        received.extend_from_slice(&buffer[..read]);
    }
    child.wait().expect("the binary ends");
    String::from_utf8_lossy(&received).replace("\r\n", "\n")
}

/// On a terminal, help wraps to the terminal's width (asked of the terminal, or `COLUMNS` when
/// set), at spaces only: a URL and a command in backticks stay whole on one line.
#[cfg(unix)]
#[test]
fn help_wraps_to_the_terminal_and_never_inside_a_url_or_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let args = files_with_long_help(dir.path());
    let secret = ("S", "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a");
    for (terminal, columns, width) in [
        (70, None, 70),
        (120, None, 120),
        // `COLUMNS` overrides what the terminal says.
        (200, Some("70"), 70),
        (40, Some("120"), 120),
    ] {
        let mut env = vec![secret];
        if let Some(columns) = columns {
            env.push(("COLUMNS", columns));
        }
        let report = run_on_terminal(terminal, &env, &args);
        let blocks = help_blocks(&report);
        assert_eq!(blocks.len(), 2, "{width}: {report}");
        // The first help (230 characters) wraps at 120 columns as at 70; the second (101) only
        // at 70.
        for (index, block) in blocks.iter().enumerate() {
            assert_eq!(
                block.len() > 1,
                index == 0 || width < 100,
                "{width}: {block:#?}"
            );
            for line in block {
                assert!(
                    line.chars().count() <= width,
                    "{width}: {} columns: {line}",
                    line.chars().count()
                );
            }
        }
        for whole in [LONG_URL, COMMAND] {
            assert!(
                blocks.iter().flatten().any(|line| line.contains(whole)),
                "{width}: {whole} broken: {blocks:#?}"
            );
        }
        assert!(!report.contains(secret.1), "{report}");
    }
}

/// Not on a terminal (a file, a pipe, a CI log), nothing wraps, whatever `COLUMNS` says: each
/// message and help is one line.
#[test]
fn help_is_not_wrapped_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let args = files_with_long_help(dir.path());
    for columns in [None, Some("40"), Some("120")] {
        let mut command = binary();
        command
            .env("S", "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a")
            .args(&args);
        if let Some(columns) = columns {
            command.env("COLUMNS", columns);
        }
        let result = run(&mut command);
        assert_eq!(result.status, 1, "{}", result.stderr);
        let blocks = help_blocks(&result.stdout);
        assert_eq!(blocks.len(), 2, "{}", result.stdout);
        assert!(
            blocks.iter().all(|block| block.len() == 1),
            "{columns:?}: {blocks:#?}"
        );
        assert!(
            blocks[0][0].ends_with("(or `APPMIXER_API_URL`).") && blocks[0][0].contains(LONG_URL),
            "{}",
            blocks[0][0]
        );
        assert!(blocks[1][0].ends_with(COMMAND), "{}", blocks[1][0]);
        // The headline is one line too.
        assert!(
            result
                .stdout
                .lines()
                .any(|line| line.contains("`redirectUri` is `")
                    && line.ends_with("/auth/azuredevops/callback`")),
            "{}",
            result.stdout
        );
    }
}

/// The path each format names the file by, read the way each consumer reads it.
fn paths_in(format: &str, report: &str) -> Vec<String> {
    let field = |line: &str, start: &str, end: char| {
        line.split_once(start)
            .and_then(|(_, rest)| rest.split(end).next())
            .map(str::to_owned)
    };
    match format {
        "human" => report
            .lines()
            .filter_map(|line| field(line, "-[", ':'))
            .collect(),
        "json" => {
            let report: serde_json::Value = serde_json::from_str(report).expect("JSON");
            report["files"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|file| file["path"].as_str().unwrap_or_default().to_owned())
                .collect()
        }
        "sarif" => {
            let log: serde_json::Value = serde_json::from_str(report).expect("SARIF");
            log["runs"][0]["results"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|result| {
                    let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
                    let uri = artifact["uri"].as_str().unwrap_or_default();
                    match artifact["uriBaseId"].as_str() {
                        Some("%SRCROOT%") => uri.to_owned(),
                        // Percent-decoded: the paths in this test need no other decoding.
                        _ => uri.trim_start_matches("file://").replace("%20", " "),
                    }
                })
                .collect()
        }
        "github" => report
            .lines()
            .filter_map(|line| field(line, "file=", ','))
            .collect(),
        "azure" => report
            .lines()
            .filter_map(|line| field(line, "sourcepath=", ';'))
            .collect(),
        "junit" => report
            .lines()
            .filter(|line| line.trim_start().starts_with("<testcase"))
            .filter_map(|line| field(line, "name=\"", '"'))
            .collect(),
        "gitlab" => {
            let issues: serde_json::Value = serde_json::from_str(report).expect("Code Quality");
            issues
                .as_array()
                .into_iter()
                .flatten()
                .map(|issue| {
                    issue["location"]["path"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect()
        }
        other => panic!("no format {other}"),
    }
}

/// One path normalisation for every format: a leading `./` dropped, an absolute path under the
/// working directory shown relative to it, any other path as given.
#[test]
fn every_format_names_a_file_by_the_same_path() {
    let work = tempfile::tempdir().unwrap();
    // Canonical, so that the working directory the binary sees is this very text.
    let root = work.path().canonicalize().unwrap();
    std::fs::create_dir(root.join("config")).unwrap();
    // An error and a warning, so that every format names the file at least once.
    let record = "clientId: not-a-guid\nclientSecret: ${S}\nscope: x\n";
    std::fs::write(root.join("config/azdo.yaml"), record).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().canonicalize().unwrap().join("azdo.yaml");
    std::fs::write(&outside, record).unwrap();
    let inside = root.join("config/azdo.yaml").display().to_string();
    let outside = outside.display().to_string();
    for (given, shown) in [
        (".", "config/azdo.yaml"),
        ("./config", "config/azdo.yaml"),
        ("./config/azdo.yaml", "config/azdo.yaml"),
        ("././/config/azdo.yaml", "config/azdo.yaml"),
        ("config/azdo.yaml", "config/azdo.yaml"),
        (inside.as_str(), "config/azdo.yaml"),
        (outside.as_str(), outside.as_str()),
    ] {
        for format in [
            "human", "json", "sarif", "github", "azure", "junit", "gitlab",
        ] {
            let result = run(binary()
                .current_dir(&root)
                .env("S", "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a")
                .args(["check", given, "--format", format]));
            assert_eq!(result.status, 1, "{given} {format}: {}", result.stderr);
            let paths = paths_in(format, &result.stdout);
            assert!(!paths.is_empty(), "{given} {format}: {}", result.stdout);
            assert!(
                paths.iter().all(|path| path == shown),
                "{given} {format}: {paths:?} instead of {shown}"
            );
        }
    }
}

const SECRET_VALUE: &str = "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a";

/// The note for records without a `redirectUri` is said once per run in the human report, naming
/// a few of the records and counting the rest, and reaches the JSON report, per record.
#[test]
fn a_note_for_many_records_is_said_once_and_reaches_json() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c", "d"] {
        std::fs::write(dir.path().join(format!("{name}.yaml")), GUIDE_RECORD).unwrap();
    }
    std::fs::write(
        dir.path().join("e.yaml"),
        format!(
            "{GUIDE_RECORD}redirectUri: https://api.acme.appmixer.cloud/auth/azuredevops/callback\n"
        ),
    )
    .unwrap();
    let check = |format: &str| {
        run(binary()
            .current_dir(dir.path())
            .env("AZDO_CLIENT_SECRET", SECRET_VALUE)
            .args(["check", ".", "--format", format]))
    };
    let human = check("human");
    assert_eq!(human.status, 0, "{}{}", human.stdout, human.stderr);
    let notes: Vec<&str> = human
        .stdout
        .lines()
        .filter(|line| line.starts_with("note:"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", human.stdout);
    assert!(
        notes[0].starts_with("note: 4 records (a.yaml; b.yaml; c.yaml and 1 more): without `redirectUri`, the redirect URI is not checked: "),
        "{}",
        notes[0]
    );
    // Said at the end, before the summary line.
    assert!(
        human.stdout.ends_with(&format!(
            "{}\n\n5 files checked: 0 errors, 0 warnings, 0 infos.\n",
            notes[0]
        )),
        "{}",
        human.stdout
    );
    let json = check("json");
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 5);
    for file in &files[..4] {
        let notes = file["notes"].as_array().expect("notes");
        assert_eq!(notes.len(), 1, "{file}");
        assert_eq!(notes[0]["pointer"], "");
        assert_eq!(notes[0]["document"], 0);
        assert!(
            notes[0]["message"]
                .as_str()
                .is_some_and(|message| message.starts_with("without `redirectUri`")),
            "{file}"
        );
    }
    // A file without notes has no `notes` field: the report of a clean file is as it was.
    assert!(files[4].get("notes").is_none(), "{}", files[4]);
    assert!(!json.stdout.contains(SECRET_VALUE));
}

/// A run whose inputs could not be read does not end in a summary that reads like a pass.
#[test]
fn a_run_that_could_not_read_its_input_does_not_read_like_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), GUIDE_RECORD).unwrap();
    let check = |args: &[&str]| {
        run(binary()
            .current_dir(dir.path())
            .env("AZDO_CLIENT_SECRET", SECRET_VALUE)
            .args(args))
    };
    for args in [
        &["check", "missing.yaml"][..],
        &["check", "missing.yaml", "--quiet"][..],
    ] {
        let result = check(args);
        assert_eq!(result.status, 2);
        assert_eq!(
            result.stdout,
            "nothing checked: 1 input could not be checked.\n"
        );
        assert!(
            result.stderr.contains("`missing.yaml` does not exist"),
            "{}",
            result.stderr
        );
    }
    for (args, status, stdout, stderr) in [
        (
            &["check", "missing.yaml", "gone/", "a.yaml"][..],
            2,
            "1 file checked: 0 errors, 0 warnings, 0 infos; 2 inputs could not be checked.\n",
            "",
        ),
        // With `--output`, the line on the terminal says it too.
        (
            &["check", "missing.yaml", "-o", "report.txt"][..],
            2,
            "",
            "connector-lint: nothing checked: 1 input could not be checked; report written to report.txt\n",
        ),
        (
            &["check", "a.yaml", "-o", "report.txt"][..],
            0,
            "",
            "connector-lint: 1 file checked, 0 errors, 0 warnings, 0 infos; report written to report.txt\n",
        ),
    ] {
        let result = check(args);
        assert_eq!(result.status, status, "{args:?}");
        assert!(
            result.stdout.ends_with(stdout),
            "{args:?}: {}",
            result.stdout
        );
        assert!(
            result.stderr.ends_with(stderr),
            "{args:?}: {}",
            result.stderr
        );
    }
    // The JSON report names the inputs it could not check; a run without has no such field.
    for (args, errors) in [
        (
            &["check", "missing.yaml", "a.yaml", "--format", "json"][..],
            serde_json::json!(["`missing.yaml` does not exist"]),
        ),
        (
            &["check", "a.yaml", "--format", "json"][..],
            serde_json::Value::Null,
        ),
    ] {
        let result = check(args);
        let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("JSON");
        assert_eq!(report["inputErrors"], errors, "{}", result.stdout);
        assert_eq!(report["summary"]["files"], 1, "{}", result.stdout);
    }
}

/// Counts in messages agree with their nouns.
#[test]
fn a_short_secret_is_counted_in_the_singular() {
    for (secret, phrase) in [
        ("x", "is only 1 character long"),
        ("abcde", "is only 5 characters long"),
    ] {
        let result = run(binary()
            .args(["check", "-", "--format", "json"])
            .write_stdin(format!(
                "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: {secret}\n"
            )));
        let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("JSON");
        let messages: Vec<&str> = report["files"][0]["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|diagnostic| diagnostic["message"].as_str())
            .collect();
        assert!(
            messages.iter().any(|message| message.contains(phrase)),
            "{secret}: {messages:?}"
        );
    }
}

/// The Appmixer subdomain (`api.<subdomain>.appmixer.cloud`) is never called a tenant, which is
/// the Entra word (`tenantId`, `--tenant`, `tenant/*`).
#[test]
fn the_appmixer_subdomain_is_never_called_a_tenant() {
    let mut texts = Vec::new();
    for redirect in [
        "https://my.acme.appmixer.cloud/auth/azuredevops/callback",
        "https://api.appmixer.cloud/auth/azuredevops/callback",
    ] {
        for args in [
            &["check", "-", "--format", "json"][..],
            &[
                "check",
                "-",
                "--format",
                "json",
                "--api-url",
                "https://backoffice.appmixer.cloud",
            ][..],
        ] {
            let result = run(binary()
                .env("AZDO_CLIENT_SECRET", SECRET_VALUE)
                .args(args)
                .write_stdin(format!("{GUIDE_RECORD}redirectUri: {redirect}\n")));
            texts.push(result.stdout + &result.stderr);
        }
    }
    texts.push(run(binary().args(["explain", "redirect-uri/not-api-host"])).stdout);
    let all = texts.join("\n");
    assert!(all.contains("api.<subdomain>.appmixer.cloud"), "{all}");
    assert!(all.contains("api.<your-subdomain>.appmixer.cloud"), "{all}");
    for wrong in [
        "<tenant>",
        "your-tenant",
        "tenant can be told",
        "of your tenant",
    ] {
        assert!(!all.contains(wrong), "{wrong}: {all}");
    }
}

/// Every command `init` and `explain SERVICE` print pastes into a shell as it stands: no
/// `<placeholder>` a shell reads as a redirect.
#[test]
fn printed_commands_paste_safely_into_a_shell() {
    for service in [
        "appmixer:azuredevops",
        "appmixer:microsoft",
        "appmixer:microsoft:dynamics",
    ] {
        for args in [["init", service], ["explain", service]] {
            let text = run(binary().args(args)).stdout;
            // The commands: the spans in backticks and the indented lines of comments that
            // start with a program's name.
            let mut commands: Vec<String> = text
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect();
            commands.extend(
                text.lines()
                    .map(|line| line.trim_start_matches('#').trim())
                    .filter(|line| line.starts_with("connector-lint ") || line.starts_with("az "))
                    .map(str::to_owned),
            );
            let commands: Vec<String> = commands
                .into_iter()
                .filter(|command| {
                    command.starts_with("connector-lint ") || command.starts_with("az ")
                })
                .collect();
            assert!(commands.len() >= 2, "{args:?}: {commands:?}");
            for command in &commands {
                // Writing Azure's answer into a file is the one redirect meant as one.
                let command = command.replace(" > app.json", "");
                assert!(
                    !command.contains(['<', '>']),
                    "{args:?}: `{command}` is a shell redirect when pasted"
                );
            }
        }
    }
}
