//! The binary: parse arguments, run, map the outcome to an exit status.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use connector_lint::catalogue::Code;
use connector_lint::check::Options;
use connector_lint::cli::{CheckArgs, Cli, ColorChoice, Command, OutputFormat, StdinFormat};
use connector_lint::report::{self, Format, Graphics, Style};
use connector_lint::rules::RuleContext;
use connector_lint::source::{self, Format as SourceFormat};
use connector_lint::{
    check_inputs, check_to_json, config, connectors, explain, fix, live, outcome, probe,
    registration, schema,
};

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
        Command::Check(args) => run_check(args),
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
            let style = style_for(&args.check, to_terminal);
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

/// Writes a message to standard error, neutralised: it may quote a path or an argument as given
/// (`report::redact::neutralise`), so it stays one line whatever that holds.
fn say(text: &str) {
    eprintln!("{}", report::redact::neutralise(text));
}

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
    let neutral: Vec<_> = plain.lines().map(report::redact::neutralise).collect();
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

fn style_for(args: &CheckArgs, to_terminal: bool) -> Style {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && !no_color,
    };
    let graphics = if std::env::var_os("NO_GRAPHICS").is_some_and(|value| !value.is_empty()) {
        Graphics::Narrated
    } else if to_terminal {
        Graphics::Unicode
    } else {
        Graphics::Ascii
    };
    let width = if to_terminal {
        terminal_width().unwrap_or(100)
    } else {
        100
    };
    Style {
        graphics,
        color,
        links: false,
        width,
    }
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.parse().ok()
}

fn run_check(mut args: CheckArgs) -> u8 {
    // Flags, with the project file filling in what they leave open.
    let settings = match std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))
        .and_then(|cwd| config::resolve(&args, &cwd))
    {
        Ok(settings) => settings,
        Err(error) => {
            say(&format!("error: {error}"));
            return 2;
        }
    };
    args.deny_warnings = settings.deny_warnings;
    args.expiry_warning = settings.expiry_warning;
    let api_url = settings.api_url.clone();
    // Probe flags are checked before anything is read or sent.
    let probe_settings = if args.probe {
        match probe::Settings::new(
            args.tenant.clone(),
            args.cloud,
            args.authority.as_deref(),
            args.timeout,
        ) {
            Ok(settings) => Some(settings),
            Err(error) => {
                say(&format!("error: {error}"));
                return 2;
            }
        }
    } else {
        None
    };
    // A registration file is read and judged whole before anything else is read or sent.
    let registrations = match args
        .app_registration
        .as_deref()
        .map(registration::file::load)
    {
        None => None,
        Some(Ok(registrations)) => Some(registrations),
        Some(Err(error)) => {
            say(&format!("error: {error}"));
            return 2;
        }
    };
    let stdin_format = match args.stdin_format {
        StdinFormat::Yaml => SourceFormat::Yaml,
        StdinFormat::Json => SourceFormat::Json,
    };
    let paths = if args.paths.is_empty() {
        vec![".".to_owned()]
    } else {
        args.paths.clone()
    };
    // `--output -` is standard output, as `-` is standard input among the paths.
    let output_file = args
        .output
        .as_deref()
        .filter(|path| *path != std::path::Path::new("-"));
    let file_service = match args.file_service() {
        Ok(service) => service,
        Err(error) => {
            say(&format!("error: {error}"));
            return 2;
        }
    };
    // `--live` reads no file: the records come from the Appmixer API.
    let (mut inputs, mut input_errors) = if args.live {
        (Vec::new(), Vec::new())
    } else {
        source::collect_inputs_excluding(&paths, stdin_format, &|path| settings.excludes(path))
    };
    // One file, one API URL: two per-path URLs for a file is a mistake in the project file.
    if let Some(conflict) = inputs
        .iter()
        .find_map(|input| settings.policy.api_url_conflict(input.display()))
    {
        say(&format!("error: {conflict}"));
        return 2;
    }
    // A report written into a directory being checked must not be checked on the next run as
    // if it were a configuration file.
    if let Some(output) = output_file
        .filter(|_| !args.live)
        .and_then(|path| path.canonicalize().ok())
    {
        inputs.retain(|input| match input {
            source::Input::File { path, .. } => path.canonicalize().ok().as_ref() != Some(&output),
            source::Input::Stdin { .. } => true,
        });
        if inputs.is_empty() && input_errors.is_empty() {
            input_errors.extend(
                paths
                    .iter()
                    .map(|path| source::InputError::NoConfigFiles(path.clone())),
            );
        }
    }
    let registration_settings =
        registration::Settings::at_now(api_url.clone(), args.expiry_warning);
    // Through `--probe`, the registration is read from Graph, unless a file gives it.
    let mut probe_settings = probe_settings;
    if let Some(settings) = probe_settings.as_mut()
        && registrations.is_none()
    {
        let authority = args.authority.is_some().then_some(&settings.authority);
        match registration::graph::endpoint(args.graph_url.as_deref(), args.cloud, authority) {
            Ok(endpoint) => {
                settings.registration = Some(registration::Online {
                    endpoint,
                    settings: registration_settings.clone(),
                });
            }
            Err(error) => {
                say(&format!("error: {error}"));
                return 2;
            }
        }
    }
    let needs_records = probe_settings.is_some() || registrations.is_some();
    let options = Options {
        max_file_size: args.max_file_size,
        rules: RuleContext { api_url },
        keep_sources: (args.format == OutputFormat::Human && !args.quiet) || needs_records,
        keep_records: needs_records,
        service: file_service,
        policy: std::sync::Arc::new(settings.policy.clone()),
        allow_unset_env: settings.allow_unset_env,
        ..Options::default()
    };
    let fixing = (args.fix || args.diff).then_some(if args.diff {
        fix::Mode::Diff
    } else {
        fix::Mode::Write
    });
    if let Some(mode) = fixing {
        return run_fix(mode, &inputs, input_errors, &options, &args, output_file);
    }
    if args.format == OutputFormat::Json && !needs_records && !args.live {
        return check_streaming_json(
            inputs,
            input_errors,
            &options,
            output_file,
            args.deny_warnings,
        );
    }
    let (mut report, read_errors) = if args.live {
        match live::check::run(
            args.api_url.as_deref(),
            &args.service,
            args.timeout,
            &options,
        ) {
            Ok(report) => (report, Vec::new()),
            Err(error) => {
                say(&format!("error: {error}"));
                return error.exit_status();
            }
        }
    } else {
        check_inputs(&inputs, &options)
    };
    // The reports carry their paths; the list of inputs is not needed any more.
    drop(inputs);
    input_errors.extend(read_errors);
    let probe_summary = probe_settings
        .map(|settings| probe::run(&mut report, &settings, std::io::stderr().is_terminal()));
    let registration_summary = registrations
        .as_ref()
        .map(|file| registration::check_file(&mut report, file, &registration_settings));

    let format = Format::from(args.format);
    let to_file = output_file.is_some();
    let to_terminal = !to_file && std::io::stdout().is_terminal();
    let input_errors: Vec<_> = input_errors
        .iter()
        .map(report::redact::input_error)
        .collect();
    let run = report::Run {
        deny_warnings: args.deny_warnings,
        input_errors: &input_errors,
    };
    let style = style_for(&args, to_terminal);
    for error in &input_errors {
        say(&format!("error: {error}"));
    }
    let status = report::exit_status(&report, args.deny_warnings, !input_errors.is_empty());
    if input_errors.is_empty() && outcome::nothing_checked(report.summary()) {
        say(&format!(
            "error: {}",
            outcome::nothing_checked_message(report.summary())
        ));
    }
    let write_report = |out: &mut dyn Write| -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, out);
        if args.quiet && format == Format::Human {
            out.write_all(report::human::summary_line(report.summary()).as_bytes())?;
        } else {
            report::write_run(&report, format, style, run, &mut out)?;
        }
        if let (Format::Human, Some(summary)) = (format, &probe_summary) {
            out.write_all(report::human::probe_note(summary).as_bytes())?;
        }
        if let (Format::Human, Some(summary)) = (format, &registration_summary) {
            out.write_all(registration::note(summary).as_bytes())?;
        }
        out.flush()
    };
    let written = deliver(output_file, write_report);
    if written == 0
        && let Some(path) = output_file
    {
        say_written(report.summary(), path);
    }
    // The process is about to exit and the OS takes the memory back at once; freeing ten
    // thousand reports one by one would only add to the run time.
    std::mem::forget(report);
    status.max(written)
}

/// `check --fix` and `--diff`: the fixed files' reports (what remains) in the chosen format, or
/// the diff; standard input's fixed text on standard output (the report then on standard error,
/// unless `--output`).
fn run_fix(
    mode: fix::Mode,
    inputs: &[source::Input],
    mut input_errors: Vec<source::InputError>,
    options: &Options,
    args: &CheckArgs,
    output_file: Option<&std::path::Path>,
) -> u8 {
    let fixed = fix::fix_inputs(inputs, options, mode);
    input_errors.extend(fixed.input_errors);
    let report = fixed.report;
    for error in input_errors
        .iter()
        .map(ToString::to_string)
        .chain(fixed.write_errors.iter().cloned())
    {
        say(&format!("error: {error}"));
    }
    let mut status = report::exit_status(&report, args.deny_warnings, !input_errors.is_empty());
    if !fixed.write_errors.is_empty() {
        status = status.max(2);
    }
    let summary = report.summary();
    if mode == fix::Mode::Diff {
        let written = deliver(output_file, |out| out.write_all(fixed.diff.as_bytes()));
        say(&format!(
            "connector-lint: {} would be applied in {} (nothing written: --diff); {}, {}, {} would remain.",
            connector_lint::outcome::fixes(summary.fixed),
            report::count(summary.fixed_files, "file"),
            report::count(summary.errors, "error"),
            report::count(summary.warnings, "warning"),
            report::count(summary.infos, "info")
        ));
        return status.max(written);
    }
    let format = Format::from(args.format);
    let stdin_text = fixed.stdin_text;
    let to_terminal =
        output_file.is_none() && stdin_text.is_none() && std::io::stdout().is_terminal();
    let style = style_for(args, to_terminal);
    let run = report::Run {
        deny_warnings: args.deny_warnings,
        input_errors: &input_errors,
    };
    let write_report = |out: &mut dyn Write| -> std::io::Result<()> {
        if args.quiet && format == Format::Human {
            out.write_all(report::human::summary_line(summary).as_bytes())
        } else {
            report::write_run(&report, format, style, run, out)
        }
    };
    let written = match &stdin_text {
        Some(text) => {
            let printed = print(text);
            let reported = match output_file {
                Some(_) => deliver(output_file, write_report),
                None => match write_report(&mut std::io::stderr().lock()) {
                    Ok(()) => 0,
                    Err(_) => 2,
                },
            };
            printed.max(reported)
        }
        None => deliver(output_file, write_report),
    };
    if written == 0
        && let Some(path) = output_file
    {
        say_written(summary, path);
    }
    status.max(written)
}

/// The JSON report without a probe: the files are checked while the report is written, a chunk
/// at a time, so ten thousand reports are never held at once (`check_to_json`).
fn check_streaming_json(
    mut inputs: Vec<source::Input>,
    mut input_errors: Vec<source::InputError>,
    options: &Options,
    output_file: Option<&std::path::Path>,
    deny_warnings: bool,
) -> u8 {
    // The report is in path order; so are the inputs, then.
    inputs.sort_by(|a, b| a.display().cmp(b.display()));
    let mut summary = report::Summary::default();
    let written = deliver(output_file, |out| {
        let mut out = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, out);
        match check_to_json(&inputs, options, &mut out) {
            Ok((counts, read_errors)) => {
                summary = counts;
                input_errors.extend(read_errors);
                Ok(())
            }
            Err(failed) => {
                summary = failed.summary;
                input_errors.extend(failed.input_errors);
                Err(failed.error)
            }
        }
    });
    for error in &input_errors {
        say(&format!("error: {error}"));
    }
    if input_errors.is_empty() && outcome::nothing_checked(summary) {
        say(&format!(
            "error: {}",
            outcome::nothing_checked_message(summary)
        ));
    }
    if written == 0
        && let Some(path) = output_file
    {
        say_written(summary, path);
    }
    let status = report::exit_status_of(summary, false, deny_warnings, !input_errors.is_empty());
    // As in `run_check`: the OS takes the memory back at once.
    std::mem::forget(inputs);
    status.max(written)
}

/// Writes the report to `--output` or standard output: 0, or 2 having said why it could not.
fn deliver(
    output_file: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> u8 {
    match output_file {
        Some(path) => match std::fs::File::create(path).and_then(|mut file| write(&mut file)) {
            Ok(()) => 0,
            Err(error) => {
                say(&format!(
                    "error: cannot write the report to {}: {error}",
                    path.display()
                ));
                2
            }
        },
        None => match write(&mut std::io::stdout().lock()) {
            Ok(()) => 0,
            // A closed pipe (`| head`) is the reader's choice, not a failure of the check.
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Err(error) => {
                say(&format!("error: cannot write the output: {error}"));
                2
            }
        },
    }
}

/// The line that replaces the report on the terminal when it goes to `--output`.
fn say_written(summary: report::Summary, path: &std::path::Path) {
    say(&format!(
        "connector-lint: {} checked, {}, {}, {}{}; report written to {}",
        report::count(summary.files, "file"),
        report::count(summary.errors, "error"),
        report::count(summary.warnings, "warning"),
        report::count(summary.infos, "info"),
        summary.remarks(),
        path.display()
    ));
}

/// Reports of thousands of files run to megabytes: written in 64 KiB pieces rather than the
/// default 8 KiB, the writes cost an eighth of the system calls.
const OUTPUT_BUFFER: usize = 64 * 1024;

/// `mi_option_eager_commit` and `mi_option_arena_eager_commit` in mimalloc 2's `mimalloc.h`
/// (libmimalloc-sys 0.1 does not name them).
const MI_OPTION_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 3;
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

// Checking many small files allocates a tree, strings and a report per file on two threads;
// mimalloc's per-thread free lists make a ten-thousand-file run about 17% faster than glibc's
// allocator (bench/compare.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
