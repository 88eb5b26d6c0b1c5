//! Files full of findings: the human format lists a bounded number of them per file and says how
//! many more there are; the machine formats list every one. (How long they take is measured by
//! `bench/scale.sh`, never here.)

use assert_cmd::Command;
use serde_json::Value;

const FORMATS: &[&str] = &[
    "human", "json", "sarif", "github", "azure", "junit", "gitlab",
];

/// What the human format lists of one file before it stops (`report::human::SHOWN_PER_FILE`).
const SHOWN_PER_FILE: usize = 100;

fn run(dir: &std::path::Path, args: &[&str]) -> (String, i32) {
    let output = Command::cargo_bin("connector-lint")
        .expect("the binary is built")
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("NO_GRAPHICS")
        .env_remove("APPMIXER_API_URL")
        .output()
        .expect("the binary runs");
    (
        String::from_utf8(output.stdout).expect("UTF-8"),
        output.status.code().unwrap_or(-1),
    )
}

/// A mapping that repeats one key `repeats` times (a `load/duplicate-key` for each repeat after
/// the first), beside a clean file.
fn fixture(repeats: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("x:\n");
    for _ in 0..repeats {
        text.push_str("  a: 1\n");
    }
    std::fs::write(dir.path().join("repeats.yaml"), text).expect("write");
    dir
}

fn json_report(dir: &std::path::Path) -> Value {
    let (stdout, status) = run(dir, &["check", "repeats.yaml", "--format", "json"]);
    assert_eq!(status, 1);
    serde_json::from_str(&stdout).expect("JSON")
}

#[test]
fn the_human_format_stops_listing_a_file_after_a_bound_and_says_so() {
    for repeats in [SHOWN_PER_FILE, SHOWN_PER_FILE + 2, 750] {
        let dir = fixture(repeats);
        let report = json_report(dir.path());
        let diagnostics = report["files"][0]["diagnostics"].as_array().expect("list");
        let all = diagnostics.len();
        assert!(all >= repeats - 1, "{all}");
        let codes: Vec<&str> = diagnostics
            .iter()
            .map(|diagnostic| diagnostic["code"].as_str().expect("code"))
            .collect();
        let (human, status) = run(dir.path(), &["check", "repeats.yaml"]);
        assert_eq!(status, 1);
        // Each diagnostic's first line is its code.
        let shown = human
            .lines()
            .filter(|line| codes.contains(&line.trim()))
            .count();
        assert_eq!(shown, all.min(SHOWN_PER_FILE), "{repeats} repeats");
        let more = all.saturating_sub(SHOWN_PER_FILE);
        let bound = human
            .lines()
            .filter(|line| line.contains("not shown"))
            .collect::<Vec<_>>();
        if more == 0 {
            assert!(bound.is_empty(), "{bound:?}");
        } else {
            assert_eq!(bound.len(), 1, "{human}");
            let wording = if more == 1 { "finding" } else { "findings" };
            assert!(
                bound[0].starts_with(&format!("repeats.yaml: {more} more {wording} not shown")),
                "{}",
                bound[0]
            );
            assert!(
                bound[0].contains("`--format json` lists them all"),
                "{}",
                bound[0]
            );
        }
        // The summary still counts every finding.
        let errors = report["summary"]["errors"].as_u64().expect("count");
        assert!(
            human.contains(&format!("1 file checked: {errors} errors")),
            "{}",
            human.lines().last().unwrap_or_default()
        );
    }
}

#[test]
fn machine_formats_list_every_finding() {
    let dir = fixture(750);
    let report = json_report(dir.path());
    let all = report["files"][0]["diagnostics"]
        .as_array()
        .expect("list")
        .len();
    let count = |key: &str| report["summary"][key].as_u64().expect("count") as usize;
    let errors = count("errors");
    assert!(all > 700 && errors > 700);
    for format in FORMATS {
        let (stdout, status) = run(dir.path(), &["check", "repeats.yaml", "--format", format]);
        assert_eq!(status, 1, "{format}");
        let listed = match *format {
            "human" => continue,
            "json" => all,
            "sarif" => {
                let log: Value = serde_json::from_str(&stdout).expect("SARIF");
                log["runs"][0]["results"].as_array().expect("results").len()
            }
            "github" => stdout.lines().filter(|line| line.starts_with("::")).count(),
            // Azure has no info issue.
            "azure" => stdout.matches("##vso[task.logissue ").count() + count("infos"),
            // A `<failure>` per error; warnings and infos in `<system-out>`, one line each.
            "junit" => {
                assert_eq!(stdout.matches("<failure ").count(), errors);
                [": error[", ": warning[", ": info["]
                    .iter()
                    .map(|severity| stdout.matches(severity).count())
                    .sum()
            }
            "gitlab" => {
                let issues: Value = serde_json::from_str(&stdout).expect("GitLab");
                issues.as_array().expect("issues").len()
            }
            other => unreachable!("{other}"),
        };
        assert_eq!(listed, all, "{format}");
    }
}
