//! A `check` run: the inputs the arguments name, checked and reported in the format asked for,
//! and the exit status that follows. This is the edge where the report reaches standard output
//! (or `--output`) and the errors standard error.
//!
//! Without `--probe`, nothing changes a file's report once it is checked, so the files are
//! checked, redacted and rendered a chunk at a time, each on the thread that checked it, and
//! written in path order: only the counts and what a format's end needs are kept, and memory
//! stays flat however many files there are. The probe and the registration check need every
//! record first, so such a run holds the whole report and renders it afterwards.

use std::io::{IsTerminal, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::check::{Options, check_input};
use crate::cli::{CheckArgs, ColorChoice, OutputFormat, StdinFormat};
use crate::outcome::Summary;
use crate::report::{self, End, Format, Graphics, Piece, Sink, Style};
use crate::rules::RuleContext;
use crate::source::{self, Format as SourceFormat, Input, InputError};

/// Runs `check` with these arguments and returns its exit status.
pub fn check(mut args: CheckArgs) -> u8 {
    // Flags, with the project file filling in what they leave open.
    let settings = match std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))
        .and_then(|cwd| crate::config::resolve(&args, &cwd))
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
        match crate::probe::Settings::new(
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
        .map(crate::registration::file::load)
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
        .filter(|path| *path != Path::new("-"));
    let file_service = match args.file_service() {
        Ok(service) => service,
        Err(error) => {
            say(&format!("error: {error}"));
            return 2;
        }
    };
    // `--live` reads no file: the records come from the Appmixer API.
    let (mut inputs, input_errors) = if args.live {
        (Vec::new(), Vec::new())
    } else {
        source::collect_inputs_excluding(&paths, stdin_format, &|path| settings.excludes(path))
    };
    let mut input_errors = neutralised(input_errors);
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
            Input::File { path, .. } => path.canonicalize().ok().as_ref() != Some(&output),
            Input::Stdin { .. } => true,
        });
        if inputs.is_empty() && input_errors.is_empty() {
            input_errors.extend(neutralised(
                paths
                    .iter()
                    .map(|path| InputError::NoConfigFiles(path.clone())),
            ));
        }
    }
    let format = report_format(args.format);
    let registration_settings =
        crate::registration::Settings::at_now(api_url.clone(), args.expiry_warning);
    // Through `--probe`, the registration is read from Graph, unless a file gives it.
    let mut probe_settings = probe_settings;
    if let Some(settings) = probe_settings.as_mut()
        && registrations.is_none()
    {
        let authority = args.authority.is_some().then_some(&settings.authority);
        match crate::registration::graph::endpoint(args.graph_url.as_deref(), args.cloud, authority)
        {
            Ok(endpoint) => {
                settings.registration = Some(crate::registration::Online {
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
    // The probe and the registration check read the records after every file is checked.
    let needs_records = probe_settings.is_some() || registrations.is_some();
    let options = Options {
        max_file_size: args.max_file_size,
        rules: RuleContext { api_url },
        keep_sources: (format == Format::Human && !args.quiet) || needs_records,
        keep_records: needs_records,
        service: file_service,
        policy: std::sync::Arc::new(settings.policy.clone()),
        allow_unset_env: settings.allow_unset_env,
        ..Options::default()
    };
    let fixing = (args.fix || args.diff).then_some(if args.diff {
        crate::fix::Mode::Diff
    } else {
        crate::fix::Mode::Write
    });
    if let Some(mode) = fixing {
        return run_fix(mode, &inputs, input_errors, &options, &args, output_file);
    }
    let to_terminal = output_file.is_none() && std::io::stdout().is_terminal();
    let style = style_for(&args, to_terminal);
    let reporting = Reporting {
        format,
        style,
        deny_warnings: args.deny_warnings,
        summary_only: args.quiet && format == Format::Human,
        output_file,
    };
    let after = AfterTheCheck {
        probe: probe_settings.as_ref(),
        registrations: registrations.as_ref(),
        registration_settings: &registration_settings,
    };
    if args.live {
        let report = match crate::live::check::run(
            args.api_url.as_deref(),
            &args.service,
            args.timeout,
            &options,
        ) {
            Ok(report) => report,
            Err(error) => {
                say(&format!("error: {error}"));
                return error.exit_status();
            }
        };
        report_whole(report, input_errors, after, reporting)
    } else if needs_records {
        check_whole(inputs, input_errors, &options, after, reporting)
    } else {
        check_streaming(inputs, input_errors, &options, reporting)
    }
}

fn report_format(format: OutputFormat) -> Format {
    match format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Github => Format::Github,
        OutputFormat::Azure => Format::Azure,
        OutputFormat::Junit => Format::Junit,
        OutputFormat::Gitlab => Format::Gitlab,
    }
}

/// `check --fix` and `--diff`: the fixed files' reports (what remains) in the chosen format, or
/// the diff; standard input's fixed text on standard output (the report then on standard error,
/// unless `--output`).
fn run_fix(
    mode: crate::fix::Mode,
    inputs: &[Input],
    mut input_errors: Vec<InputError>,
    options: &Options,
    args: &CheckArgs,
    output_file: Option<&Path>,
) -> u8 {
    let fixed = crate::fix::fix_inputs(inputs, options, mode);
    input_errors.extend(neutralised(fixed.input_errors));
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
    if mode == crate::fix::Mode::Diff {
        let written = deliver(output_file, |out| out.write_all(fixed.diff.as_bytes()));
        say(&format!(
            "connector-lint: {} would be applied in {} (nothing written: --diff); {}, {}, {} would remain.",
            crate::outcome::fixes(summary.fixed),
            report::count(summary.fixed_files, "file"),
            report::count(summary.errors, "error"),
            report::count(summary.warnings, "warning"),
            report::count(summary.infos, "info")
        ));
        return status.max(written);
    }
    let format = report_format(args.format);
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
            out.write_all(report::human::summary_line(summary, input_errors.len()).as_bytes())
        } else {
            report::write_run(&report, format, style, run, out)
        }
    };
    let written = match &stdin_text {
        Some(text) => {
            let printed = deliver(None, |out| out.write_all(text.as_bytes()));
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
        say_written(summary, input_errors.len(), path);
    }
    status.max(written)
}

/// How the run reports.
#[derive(Clone, Copy)]
struct Reporting<'a> {
    format: Format,
    style: Style,
    deny_warnings: bool,
    /// `--quiet`: the human format's summary line alone.
    summary_only: bool,
    /// `--output`, unless standard output.
    output_file: Option<&'a Path>,
}

impl Reporting<'_> {
    fn sink(&self) -> Box<dyn Sink> {
        if self.summary_only {
            Box::new(report::human::HumanSink::summary_only(self.style))
        } else {
            report::sink(self.format, self.style, self.deny_warnings)
        }
    }
}

/// What reads the records of a whole run once every file is checked.
#[derive(Clone, Copy)]
struct AfterTheCheck<'a> {
    probe: Option<&'a crate::probe::Settings>,
    registrations: Option<&'a crate::registration::file::Registrations>,
    registration_settings: &'a crate::registration::Settings,
}

/// The run without a probe: files checked while the report is written (`check_streamed`).
fn check_streaming(
    mut inputs: Vec<Input>,
    mut input_errors: Vec<InputError>,
    options: &Options,
    reporting: Reporting<'_>,
) -> u8 {
    let Reporting {
        deny_warnings,
        output_file,
        ..
    } = reporting;
    // The report is in path order; so are the inputs, then.
    inputs.sort_by(|a, b| a.display().cmp(b.display()));
    let mut sink = reporting.sink();
    let mut summary = Summary::default();
    let written = deliver(output_file, |out| {
        let mut out = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, out);
        let collected = std::mem::take(&mut input_errors);
        let result = check_streamed(
            &inputs,
            &collected,
            options,
            sink.as_mut(),
            deny_warnings,
            &mut out,
        );
        input_errors = collected;
        match result {
            Ok(checked) => {
                summary = checked.summary;
                input_errors.extend(checked.read_errors);
                Ok(())
            }
            Err(failed) => {
                summary = failed.summary;
                input_errors.extend(failed.read_errors);
                Err(failed.error)
            }
        }
    });
    for error in &input_errors {
        say(&format!("error: {error}"));
    }
    if input_errors.is_empty() && crate::outcome::nothing_checked(summary) {
        say(&format!(
            "error: {}",
            crate::outcome::nothing_checked_message(summary)
        ));
    }
    if written == 0
        && let Some(path) = output_file
    {
        say_written(summary, input_errors.len(), path);
    }
    let status = report::exit_status_of(summary, false, deny_warnings, !input_errors.is_empty());
    // The process is about to exit and the OS takes the memory back at once; freeing ten
    // thousand inputs one by one would only add to the run time.
    std::mem::forget(inputs);
    status.max(written)
}

/// The run with a probe or a registration file: every record is checked first, then probed and
/// held to its registration, then the report is written.
fn check_whole(
    inputs: Vec<Input>,
    mut input_errors: Vec<InputError>,
    options: &Options,
    after: AfterTheCheck<'_>,
    reporting: Reporting<'_>,
) -> u8 {
    let (report, read_errors) = crate::check_inputs(&inputs, options);
    // The reports carry their paths; the list of inputs is not needed any more.
    drop(inputs);
    input_errors.extend(neutralised(read_errors));
    report_whole(report, input_errors, after, reporting)
}

/// A whole run's report (files or `--live` records): probed and held to its registration when
/// asked, then written.
fn report_whole(
    mut report: crate::outcome::Report,
    input_errors: Vec<InputError>,
    after: AfterTheCheck<'_>,
    reporting: Reporting<'_>,
) -> u8 {
    let Reporting {
        format,
        style,
        deny_warnings,
        output_file,
        ..
    } = reporting;
    let probe_summary = after
        .probe
        .map(|settings| crate::probe::run(&mut report, settings, std::io::stderr().is_terminal()));
    let registration_summary = after.registrations.map(|file| {
        crate::registration::check_file(&mut report, file, after.registration_settings)
    });
    for error in &input_errors {
        say(&format!("error: {error}"));
    }
    let run = report::Run {
        deny_warnings,
        input_errors: &input_errors,
    };
    let status = report::exit_status(&report, deny_warnings, !input_errors.is_empty());
    if input_errors.is_empty() && crate::outcome::nothing_checked(report.summary()) {
        say(&format!(
            "error: {}",
            crate::outcome::nothing_checked_message(report.summary())
        ));
    }
    let written = deliver(output_file, |out| {
        let mut out = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, out);
        if reporting.summary_only {
            out.write_all(
                report::human::summary_line(report.summary(), input_errors.len()).as_bytes(),
            )?;
        } else {
            report::write_run(&report, format, style, run, &mut out)?;
        }
        if let (Format::Human, Some(summary)) = (format, &probe_summary) {
            out.write_all(report::human::probe_note(summary).as_bytes())?;
        }
        if let (Format::Human, Some(summary)) = (format, &registration_summary) {
            out.write_all(crate::registration::note(summary).as_bytes())?;
        }
        out.flush()
    });
    if written == 0
        && let Some(path) = output_file
    {
        say_written(report.summary(), input_errors.len(), path);
    }
    // As in `check_streaming`: the OS takes the memory back at once.
    std::mem::forget(report);
    status.max(written)
}

/// What a streamed run found.
#[derive(Debug)]
pub struct Checked {
    pub summary: Summary,
    /// Inputs that turned out unreadable when their turn came (after those known before).
    pub read_errors: Vec<InputError>,
}

/// The report could not be written to the end; the files were all checked all the same.
#[derive(Debug)]
pub struct NotWritten {
    pub error: std::io::Error,
    pub summary: Summary,
    pub read_errors: Vec<InputError>,
}

/// Checks `inputs` (sorted by path, the report's order) and writes their report through `sink`
/// as they are checked: a chunk at a time, each file checked, redacted and rendered on one
/// thread, the chunk written, and only the counts kept. `input_errors` are the inputs already
/// known to be unreadable; the report's end names them with those found while reading.
///
/// A failed write (a closed pipe) does not stop the check: the exit status still counts every
/// file.
pub fn check_streamed(
    inputs: &[Input],
    input_errors: &[InputError],
    options: &Options,
    sink: &mut dyn Sink,
    deny_warnings: bool,
    out: &mut dyn Write,
) -> Result<Checked, NotWritten> {
    let mut out = KeepGoing { out, error: None };
    let mut summary = Summary::default();
    let mut read_errors = Vec::new();
    // The sink's own failure (its spill file), if any: the rest is not written, but counted.
    let mut failed = sink.begin(input_errors, &mut out).err();
    for chunk in inputs.chunks(report::CHUNK) {
        let shared: &dyn Sink = sink;
        let checked: Vec<Result<Option<(Piece, Summary)>, InputError>> = chunk
            .par_iter()
            .map(|input| {
                check_input(input, options).map(|file| {
                    if crate::is_skipped(input, &file) {
                        return None;
                    }
                    let redacted = report::redact_file(&file, shared.with_sources());
                    Some((shared.render(&redacted), Summary::of_file(&file)))
                })
            })
            .collect();
        for result in checked {
            let written = match result {
                Ok(None) => {
                    summary.skipped += 1;
                    None
                }
                Ok(Some((piece, counts))) => {
                    summary.add(counts);
                    failed
                        .is_none()
                        .then(|| sink.write(piece, counts, &mut out))
                }
                Err(error) => {
                    let error = report::redact::input_error(&error);
                    let written = failed.is_none().then(|| sink.input_error(&error, &mut out));
                    read_errors.push(error);
                    written
                }
            };
            if let Some(Err(error)) = written {
                failed = Some(error);
            }
        }
    }
    // Every file found was skipped: nothing was checked, which is no pass.
    read_errors.extend(crate::only_skipped(summary.files, summary.skipped));
    if failed.is_none() {
        let every_error: Vec<InputError> =
            input_errors.iter().chain(&read_errors).cloned().collect();
        let end = End {
            summary,
            status: report::exit_status_of(summary, false, deny_warnings, !every_error.is_empty()),
            input_errors: &every_error,
        };
        failed = sink.finish(&end, &mut out).and_then(|()| out.flush()).err();
    }
    match out.error.or(failed) {
        None => Ok(Checked {
            summary,
            read_errors,
        }),
        Some(error) => Err(NotWritten {
            error,
            summary,
            read_errors,
        }),
    }
}

/// A writer that, after its first error, accepts and drops everything, remembering the error.
struct KeepGoing<'a> {
    out: &'a mut dyn Write,
    error: Option<std::io::Error>,
}

impl Write for KeepGoing<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.error.is_none()
            && let Err(error) = self.out.write_all(bytes)
        {
            self.error = Some(error);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.error.is_none()
            && let Err(error) = self.out.flush()
        {
            self.error = Some(error);
        }
        Ok(())
    }
}

/// How the human format draws for these arguments, on a terminal or not.
pub fn style_for(args: &CheckArgs, to_terminal: bool) -> Style {
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
    Style {
        graphics,
        color,
        links: false,
        width: to_terminal
            .then(|| terminal_width(std::env::var("COLUMNS").ok().as_deref()))
            .flatten(),
    }
}

/// The width to wrap to on a terminal: `COLUMNS` when it is a number of columns (a user's
/// override), else what the terminal says. A terminal that cannot say is left to wrap itself
/// rather than be wrapped at a guess that may be wider than it.
fn terminal_width(columns: Option<&str>) -> Option<usize> {
    columns
        .and_then(|columns| columns.trim().parse::<usize>().ok())
        .filter(|width| *width > 0)
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stdout())
                .map(|(terminal_size::Width(width), _)| usize::from(width))
                .filter(|width| *width > 0)
        })
}

/// Writes the report to `--output` or standard output: 0, or 2 having said why it could not.
fn deliver(
    output_file: Option<&Path>,
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
fn say_written(summary: Summary, unchecked: usize, path: &Path) {
    let outcome = report::human::outcome_line(summary, unchecked);
    // `2 files checked, 1 error, …` on this line, as it always read.
    let outcome = match outcome.strip_prefix("nothing") {
        Some(_) => outcome,
        None => outcome.replacen(" checked: ", " checked, ", 1),
    };
    say(&format!(
        "connector-lint: {outcome}; report written to {}",
        path.display()
    ));
}

/// Writes a message to standard error, neutralised: it may quote a path or an argument as given
/// (`report::redact::neutralise`), so it stays one line whatever that holds.
pub fn say(text: &str) {
    eprintln!("{}", report::redact::neutralise(text));
}

/// Input errors quote paths as given: neutralised once, before any format or standard error
/// shows them.
fn neutralised(errors: impl IntoIterator<Item = InputError>) -> Vec<InputError> {
    errors
        .into_iter()
        .map(|error| report::redact::input_error(&error))
        .collect()
}

/// Reports of thousands of files run to megabytes: written in 64 KiB pieces rather than the
/// default 8 KiB, the writes cost an eighth of the system calls.
const OUTPUT_BUFFER: usize = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Run;

    /// Accepts `room` bytes, then fails like a pipe whose reader has gone.
    struct ClosingPipe {
        room: usize,
    }

    impl Write for ClosingPipe {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            let taken = bytes.len().min(self.room);
            self.room -= taken;
            Ok(taken)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn inputs_in(dir: &Path, count: usize) -> Vec<Input> {
        (0..count)
            .map(|index| {
                let path = dir.join(format!("config-{index:04}.yaml"));
                // Every third file lacks its secret: one `key/missing` error each; every fifth
                // has a warning (an unknown key).
                let secret = if index % 3 == 0 {
                    ""
                } else {
                    "clientSecret: ${S}\n"
                };
                let extra = if index % 5 == 0 { "scope: x\n" } else { "" };
                std::fs::write(
                    &path,
                    format!("clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\n{secret}{extra}"),
                )
                .unwrap();
                Input::File {
                    display: path.display().to_string(),
                    path,
                    format: SourceFormat::Yaml,
                    walked: true,
                    directory: None,
                }
            })
            .collect()
    }

    const FORMATS: [Format; 7] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Azure,
        Format::Junit,
        Format::Gitlab,
    ];

    /// Every format's streamed report is, byte for byte, the report of the whole run rendered at
    /// once, over more than one chunk, with input errors known before the run.
    #[test]
    fn streamed_reports_are_the_whole_reports() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = inputs_in(dir.path(), report::CHUNK + 7);
        let errors = vec![InputError::Missing("gone.yaml".to_owned())];
        for format in FORMATS {
            let options = Options {
                keep_sources: format == Format::Human,
                keep_records: false,
                ..Options::default()
            };
            let (report, _) = crate::check_inputs(&inputs, &options);
            for deny_warnings in [false, true] {
                let run = Run {
                    deny_warnings,
                    input_errors: &errors,
                };
                let expected = report::render_run(&report, format, Style::default(), run);
                let mut streamed = Vec::new();
                let mut sink = report::sink(format, Style::default(), deny_warnings);
                let checked = check_streamed(
                    &inputs,
                    &errors,
                    &options,
                    sink.as_mut(),
                    deny_warnings,
                    &mut streamed,
                )
                .unwrap();
                assert_eq!(String::from_utf8(streamed).unwrap(), expected, "{format:?}");
                assert_eq!(checked.summary, report.summary());
                assert!(checked.read_errors.is_empty());
            }
        }
    }

    /// A reader that goes away early stops the writing, not the counting.
    #[test]
    fn every_file_is_counted_even_when_the_reader_leaves() {
        let dir = tempfile::tempdir().unwrap();
        let count = report::CHUNK * 2 + 7;
        let inputs = inputs_in(dir.path(), count);
        let options = Options {
            keep_sources: false,
            keep_records: false,
            ..Options::default()
        };
        for format in FORMATS {
            let mut sink = report::sink(format, Style::default(), false);
            let failed = check_streamed(
                &inputs,
                &[],
                &options,
                sink.as_mut(),
                false,
                &mut ClosingPipe { room: 100 },
            )
            .unwrap_err();
            assert_eq!(failed.error.kind(), std::io::ErrorKind::BrokenPipe);
            assert_eq!(failed.summary.files, count, "{format:?}");
            assert!(failed.summary.errors >= count / 3, "{:?}", failed.summary);
        }
    }

    /// A file that cannot be read when its turn comes is named where it stands and at the end.
    #[test]
    fn unreadable_inputs_found_while_reading_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let mut inputs = inputs_in(dir.path(), 3);
        inputs.insert(
            1,
            Input::File {
                path: dir.path().join("vanished.yaml"),
                display: "vanished.yaml".to_owned(),
                format: SourceFormat::Yaml,
                walked: true,
                directory: None,
            },
        );
        let options = Options::default();
        for format in FORMATS {
            let mut out = Vec::new();
            let mut sink = report::sink(format, Style::default(), false);
            let checked =
                check_streamed(&inputs, &[], &options, sink.as_mut(), false, &mut out).unwrap();
            assert_eq!(checked.summary.files, 3);
            assert_eq!(checked.read_errors.len(), 1);
            let text = String::from_utf8(out).unwrap();
            if !matches!(format, Format::Human | Format::Json | Format::Gitlab) {
                assert!(text.contains("vanished.yaml"), "{format:?}: {text}");
            }
        }
    }
}
