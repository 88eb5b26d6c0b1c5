//! Fuzz target over the whole library path for one input: UTF-8 decoding, the YAML or JSON
//! loader, the shape and domain rules, redaction, and every report format and human style.
//! The first byte picks the input format; the rest is the file. Any panic is a finding; so is an
//! exit status outside 0..=2.

#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

use connector_lint::check::{Options, check_input, check_source};
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

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let format = if selector & 1 == 0 {
        SourceFormat::Yaml
    } else {
        SourceFormat::Json
    };
    let options = Options {
        // No process environment: a fixed lookup, so runs are reproducible.
        env: Arc::new(|name: &str| {
            (name == "FUZZ_SECRET").then(|| "Fz1Q~fuzzSecretValue".to_owned())
        }),
        ..Options::default()
    };
    let file = match source::decode(bytes.to_vec()) {
        Ok(text) => check_source(SourceText::new("fuzz", format, text), &options),
        // Not UTF-8: the report for that is built on the file path (bounded read, lossy text,
        // position of the bad byte), so go through a file, one per fuzzing process.
        Err(_) => {
            let path = std::env::temp_dir()
                .join(format!("connector-lint-fuzz-{}.input", std::process::id()));
            if std::fs::write(&path, bytes).is_err() {
                return;
            }
            let input = Input::File {
                path,
                display: "fuzz".to_owned(),
                format,
                walked: false,
            };
            match check_input(&input, &options) {
                Ok(file) => file,
                Err(_) => return,
            }
        }
    };
    let report = Report {
        files: vec![file],
        ..Report::default()
    };
    let graphics = match selector >> 1 & 3 {
        0 => Graphics::Unicode,
        1 => Graphics::Narrated,
        _ => Graphics::Ascii,
    };
    let style = Style {
        graphics,
        color: selector & 8 != 0,
        links: false,
        width: 40 + usize::from(selector >> 4) * 8,
    };
    for format in FORMATS {
        let rendered = report::render(&report, *format, style);
        assert!(!rendered.is_empty());
    }
    assert!(report::exit_status(&report, selector & 64 != 0, false) <= 2);
});
