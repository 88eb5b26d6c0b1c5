//! The binary: parse arguments, run, map the outcome to an exit status.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use connector_lint::catalogue::Code;
use connector_lint::cli::{Cli, Command};
use connector_lint::{connectors, explain, live, schema};

fn main() -> ExitCode {
    // Commit allocator memory as it is used rather than a segment or arena at a time: it keeps
    // the resident memory of a ten-thousand-file run near what the reports need.
    // SAFETY: nothing else runs yet (mimalloc's option setters are not thread-safe), and the
    // indices are those of the mimalloc 2 headers that libmimalloc-sys builds with `v2`.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
    // No transparent huge pages. mimalloc asks for them on its arena, and when the machine has
    // just been busy the kernel compacts memory to find each one: the system time of a
    // ten-thousand-file run grew from 43 to about 70 ms after another program had run for a few
    // seconds (as every run of `bench/compare.sh` after a peer does). mimalloc's own switch
    // (`mi_option_allow_thp`) is read before `main`, so the flag it would set is set here; on a
    // kernel without the flag the call fails and there is nothing to turn off.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; it sets a flag on this process's memory.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return ExitCode::from(clap_error(&error)),
    };
    let status = match cli.command {
        Command::Check(args) => connector_lint::run::check(args),
        Command::Schema { service } => print(&schema::json_schema_text(
            service.unwrap_or_else(connectors::default_profile),
        )),
        Command::Explain { code, list } => run_explain(code.as_deref(), list),
        Command::Init { service } => print(&explain::starter_config(
            service.unwrap_or_else(connectors::default_profile),
        )),
        Command::Diff(args) => {
            let result = live::commands::diff(&args, &mut std::io::stdout().lock());
            live_status(result.map(live::commands::Outcome::exit_status))
        }
        Command::Apply(args) => {
            let to_terminal = std::io::stdout().is_terminal();
            let style = connector_lint::run::style_for(&args.check, to_terminal);
            let result = live::commands::apply(
                &args,
                style,
                &mut std::io::stdout().lock(),
                &mut std::io::stderr().lock(),
            );
            live_status(result.map(live::commands::Outcome::exit_status))
        }
        Command::Pull(args) => {
            let result = live::pull::pull(
                &args,
                &mut std::io::stdout().lock(),
                &mut std::io::stderr().lock(),
            );
            live_status(result.map(live::pull::Pulled::exit_status))
        }
        Command::Completions { shell } => run_completions(shell),
        Command::Man { dir } => run_man(dir.as_deref()),
    };
    ExitCode::from(status)
}

/// The exit status of a live Backoffice command, having said why it failed.
fn live_status(result: Result<u8, connector_lint::appmixer::ApiError>) -> u8 {
    match result {
        Ok(status) => status,
        Err(error) => {
            say(&format!("error: {error}"));
            error.exit_status()
        }
    }
}

use connector_lint::run::say;

/// A command line clap refuses: its message quotes the argument as given, so it is neutralised
/// line by line (without colour then: the plain rendering keeps an escape sequence in the argument
/// to be shown, where the coloured one would strip it) unless it needs nothing; help and version
/// go out as they are.
fn clap_error(error: &clap::Error) -> u8 {
    let status = u8::try_from(error.exit_code()).unwrap_or(2);
    let plain = Cli::command()
        .styles(clap::builder::Styles::plain())
        .try_get_matches()
        .err()
        .map_or_else(
            || error.render().to_string(),
            |plain| plain.render().ansi().to_string(),
        );
    let neutral: Vec<_> = plain
        .lines()
        .map(connector_lint::report::redact::neutralise)
        .collect();
    let changed = neutral
        .iter()
        .any(|line| matches!(line, std::borrow::Cow::Owned(_)));
    if !error.use_stderr() || !changed {
        // Writing help or an error to the terminal cannot fail in a way worth reporting.
        let _ = error.print();
    } else {
        for line in neutral {
            eprintln!("{line}");
        }
    }
    status
}

/// Writes to standard output; a closed pipe (`| head`) is not an error worth a panic.
fn print(text: &str) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => 0,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(error) => {
            say(&format!("error: cannot write the output: {error}"));
            2
        }
    }
}

/// Completions come from the clap definitions, so they cannot drift from the real flags.
fn run_completions(shell: clap_complete::Shell) -> u8 {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "connector-lint", &mut script);
    print(&String::from_utf8_lossy(&script))
}

/// The man page, generated from the clap definitions: the top-level page on standard output, or
/// with `--dir` one page per command (the top-level page alone does not list `check`'s flags).
fn run_man(dir: Option<&std::path::Path>) -> u8 {
    let command = Cli::command();
    match dir {
        Some(dir) => match std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(command, dir))
        {
            Ok(()) => 0,
            Err(error) => {
                say(&format!(
                    "error: cannot write the man pages to {}: {error}",
                    dir.display()
                ));
                2
            }
        },
        None => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(command).render(&mut page) {
                Ok(()) => print(&String::from_utf8_lossy(&page)),
                Err(error) => {
                    say(&format!("error: cannot render the man page: {error}"));
                    2
                }
            }
        }
    }
}

fn run_explain(code: Option<&str>, list: bool) -> u8 {
    if list {
        return print(&explain::list());
    }
    let code = code.unwrap_or_default();
    if let Some(profile) = connectors::by_service_id(code) {
        return print(&explain::connector(profile));
    }
    match Code::from_id(code) {
        Some(code) => print(&explain::explain(code.rule())),
        None => {
            let suggestions = explain::closest_codes(code);
            if suggestions.is_empty() {
                say(&format!(
                    "error: unknown code `{code}`; `connector-lint explain --list` shows every code"
                ));
            } else {
                say(&format!(
                    "error: unknown code `{code}`; did you mean {}? (`connector-lint explain --list` shows every code)",
                    suggestions
                        .iter()
                        .map(|id| format!("`{id}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ));
            }
            2
        }
    }
}

/// `mi_option_eager_commit` and `mi_option_arena_eager_commit` in mimalloc 2's `mimalloc.h`
/// (libmimalloc-sys 0.1 does not name them).
const MI_OPTION_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 3;
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

// Checking many small files allocates a tree, strings and a report per file on two threads;
// mimalloc's per-thread free lists make a ten-thousand-file run about 17% faster than glibc's
// allocator (bench/compare.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
