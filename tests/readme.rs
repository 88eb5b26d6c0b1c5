//! The README's examples are commands the binary takes: every `connector-lint` command line in a
//! shell or YAML block (install, environments, CI, the live Backoffice, ...) parses, so a renamed
//! flag or command breaks this test instead of an admin's pipeline.

use clap::Parser;
use clap::error::ErrorKind;

const README: &str = include_str!("../README.md");

/// The fenced blocks whose language says they hold commands or CI configuration, with the line
/// each starts on. Blocks of another language (toml, json, plain text) are skipped whole.
fn command_blocks(readme: &str) -> Vec<(usize, Vec<&str>)> {
    enum State<'a> {
        Outside,
        Commands(usize, Vec<&'a str>),
        Other,
    }
    let mut blocks = Vec::new();
    let mut state = State::Outside;
    for (index, line) in readme.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        state = match (state, fence) {
            (State::Outside, Some(language)) => {
                if matches!(language.trim(), "sh" | "yaml" | "console" | "powershell") {
                    State::Commands(index + 1, Vec::new())
                } else {
                    State::Other
                }
            }
            (State::Commands(start, lines), Some(_)) => {
                blocks.push((start, lines));
                State::Outside
            }
            (State::Commands(start, mut lines), None) => {
                lines.push(line);
                State::Commands(start, lines)
            }
            (State::Other, Some(_)) => State::Outside,
            (state, None) => state,
        };
    }
    blocks
}

/// The `connector-lint` invocations of a block: continuation lines joined, YAML and shell
/// prefixes (`- `, `run: `, `script: `, `$ `, `NAME=value `) dropped, and everything from a shell
/// operator or comment on cut off.
fn invocations(lines: &[&str]) -> Vec<String> {
    let mut joined = Vec::new();
    let mut pending = String::new();
    for line in lines {
        let line = line.trim();
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head.trim_end());
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        joined.push(std::mem::take(&mut pending));
    }
    joined
        .iter()
        .filter_map(|line| {
            let mut rest = line.as_str();
            for prefix in ["- ", "run: ", "script: ", "$ "] {
                rest = rest.strip_prefix(prefix).unwrap_or(rest).trim_start();
            }
            while let Some((first, after)) = rest.split_once(' ') {
                let is_assignment = first.split_once('=').is_some_and(|(name, _)| {
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                });
                if !is_assignment {
                    break;
                }
                rest = after.trim_start();
            }
            rest.starts_with("connector-lint ").then_some(rest)
        })
        .map(|command| {
            let end = [" #", " >", " |", " &&", " ||", " 2>"]
                .iter()
                .filter_map(|operator| command.find(operator))
                .min()
                .unwrap_or(command.len());
            command[..end].trim().to_owned()
        })
        .collect()
}

fn readme_commands() -> Vec<(usize, String)> {
    command_blocks(README)
        .into_iter()
        .flat_map(|(line, lines)| {
            invocations(&lines)
                .into_iter()
                .map(move |command| (line, command))
        })
        .collect()
}

#[test]
fn every_readme_command_parses() {
    let commands = readme_commands();
    assert!(commands.len() >= 30, "too few commands found: {commands:?}");
    for (line, command) in &commands {
        let words = command.split_whitespace();
        if let Err(error) = connector_lint::cli::Cli::try_parse_from(words)
            && !matches!(
                error.kind(),
                ErrorKind::DisplayVersion | ErrorKind::DisplayHelp
            )
        {
            panic!("README.md, block at line {line}: `{command}` does not parse: {error}");
        }
    }
}

/// The commands the admin sections and the CI examples depend on are among those parsed, so
/// the test above covers them (and a block the extraction misses shows up here).
#[test]
fn the_install_environment_and_ci_commands_are_among_them() {
    let commands: Vec<String> = readme_commands()
        .into_iter()
        .map(|(_, command)| command)
        .collect();
    for expected in [
        "connector-lint check config/ --format github --allow-unset-env",
        "connector-lint check config/ --format sarif --output connector-lint.sarif",
        "connector-lint check config/ --format azure --allow-unset-env",
        "connector-lint check config/ --format gitlab --output gl-code-quality-report.json",
        "connector-lint check config/",
        "connector-lint --version",
    ] {
        assert!(
            commands.iter().any(|command| command == expected),
            "`{expected}` not found among {commands:#?}"
        );
    }
}

#[test]
fn extraction_handles_prefixes_operators_and_continuations() {
    let lines = [
        "      - run: connector-lint check config/ --format sarif --output x.sarif || true",
        "AZDO_CLIENT_SECRET=... connector-lint check a.yaml --probe \\",
        "    --api-url https://api.acme.appmixer.cloud",
        "connector-lint completions bash > ~/.bash_completion # a comment",
        "  - script: connector-lint check config/ --format junit",
        "cargo install --locked --path .",
    ];
    assert_eq!(
        invocations(&lines),
        [
            "connector-lint check config/ --format sarif --output x.sarif",
            "connector-lint check a.yaml --probe --api-url https://api.acme.appmixer.cloud",
            "connector-lint completions bash",
            "connector-lint check config/ --format junit",
        ]
    );
    let readme = "```toml\nconnector-lint x\n```\n```sh\nconnector-lint check\n```\n";
    assert_eq!(command_blocks(readme), [(4, vec!["connector-lint check"])]);
}
