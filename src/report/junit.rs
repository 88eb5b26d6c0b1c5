//! `--format junit`: JUnit XML, as Jenkins, GitLab (`artifacts:reports:junit`) and Azure
//! Pipelines (`PublishTestResults@2`, `testResultsFormat: JUnit`) read it: one test suite, one
//! test case per checked file, one `<failure>` per error (and per warning under
//! `--deny-warnings`), the other findings in the test case's `<system-out>`. An input that could
//! not be read is a test case with an `<error>`, so the run's failure shows in the test report.

use std::borrow::Cow;
use std::fmt::Write as _;

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::name::QName;

use super::{RedactedFile, Run, fails_gate};
use crate::diagnostic::Diagnostic;
use crate::source::InputError;

const SUITE: &str = "connector-lint";

/// Replaces characters XML 1.0 cannot hold at all (most C0 controls), which a hostile or broken
/// file name could carry, so the document stays well-formed.
fn sanitize(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r') || !(c.is_control() && c < ' ');
    let allowed = |c: char| allowed(c) && !matches!(c, '\u{FFFE}' | '\u{FFFF}');
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

/// An attribute value, escaped by hand: beyond `& < > " '`, line breaks and tabs become
/// character references, because a parser normalises literal ones in attributes to spaces.
fn attribute<'a>(key: &'a str, value: &str) -> Attribute<'a> {
    let mut escaped = String::with_capacity(value.len());
    for c in sanitize(value).chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' => escaped.push_str("&#9;"),
            _ => escaped.push(c),
        }
    }
    Attribute {
        key: QName(key),
        value: Cow::Owned(escaped),
    }
}

/// The path an input error is about: the test case's name.
fn input_path(error: &InputError) -> &str {
    match error {
        InputError::Missing(path)
        | InputError::NoConfigFiles(path)
        | InputError::NotAFile(path)
        | InputError::UnknownExtension(path)
        | InputError::Unreadable { path, .. } => path,
        // Not about one path: every file the walks found was skipped.
        InputError::OnlyUnrelated(_) => ".",
    }
}

/// One finding as a line of text: `path:line:column: severity[code]: message`, then its help.
fn describe(path: &str, diagnostic: &Diagnostic) -> String {
    let mut text = String::from(path);
    if let Some(location) = &diagnostic.location {
        let _ = write!(text, ":{}:{}", location.start.line, location.start.column);
    }
    let _ = write!(
        text,
        ": {}[{}]: {}",
        diagnostic.severity.as_str(),
        diagnostic.code,
        diagnostic.message
    );
    if let Some(help) = &diagnostic.help {
        let _ = write!(text, "\n  help: {help}");
    }
    text
}

fn write_document(files: &[RedactedFile], run: Run<'_>) -> std::io::Result<Vec<u8>> {
    let failing = |file: &RedactedFile| {
        file.diagnostics
            .iter()
            .any(|diagnostic| fails_gate(diagnostic.severity, run.deny_warnings))
    };
    let tests = (files.len() + run.input_errors.len()).to_string();
    let failures = files
        .iter()
        .filter(|file| failing(file))
        .count()
        .to_string();
    let errors = run.input_errors.len().to_string();

    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attribute(attribute("name", SUITE))
        .with_attribute(attribute("tests", &tests))
        .with_attribute(attribute("failures", &failures))
        .with_attribute(attribute("errors", &errors))
        .write_inner_content(|writer| {
            writer
                .create_element("testsuite")
                .with_attribute(attribute("name", SUITE))
                .with_attribute(attribute("tests", &tests))
                .with_attribute(attribute("failures", &failures))
                .with_attribute(attribute("errors", &errors))
                .with_attribute(attribute("skipped", "0"))
                .with_attribute(attribute("time", "0"))
                .write_inner_content(|writer| {
                    for error in run.input_errors {
                        let message = error.to_string();
                        writer
                            .create_element("testcase")
                            .with_attribute(attribute("name", input_path(error)))
                            .with_attribute(attribute("classname", SUITE))
                            .with_attribute(attribute("time", "0"))
                            .write_inner_content(|writer| {
                                writer
                                    .create_element("error")
                                    .with_attribute(attribute("message", &message))
                                    .with_attribute(attribute("type", "input"))
                                    .write_text_content(BytesText::new(&sanitize(&message)))?;
                                Ok(())
                            })?;
                    }
                    for file in files {
                        write_test_case(writer, file, run)?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

fn write_test_case(
    writer: &mut Writer<Vec<u8>>,
    file: &RedactedFile,
    run: Run<'_>,
) -> std::io::Result<()> {
    let element = writer
        .create_element("testcase")
        .with_attribute(attribute("name", &file.path))
        .with_attribute(attribute("classname", SUITE))
        .with_attribute(attribute("file", &file.path))
        .with_attribute(attribute("time", "0"));
    if file.diagnostics.is_empty() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|writer| {
        let mut other = String::new();
        for diagnostic in &file.diagnostics {
            let text = describe(&file.path, diagnostic);
            if fails_gate(diagnostic.severity, run.deny_warnings) {
                writer
                    .create_element("failure")
                    .with_attribute(attribute("message", &diagnostic.message))
                    .with_attribute(attribute("type", diagnostic.code.as_str()))
                    .write_text_content(BytesText::new(&sanitize(&text)))?;
            } else {
                other.push_str(&text);
                other.push('\n');
            }
        }
        if !other.is_empty() {
            writer
                .create_element("system-out")
                .write_text_content(BytesText::new(&sanitize(&other)))?;
        }
        Ok(())
    })?;
    Ok(())
}

pub fn render(files: &[RedactedFile], run: Run<'_>) -> String {
    match write_document(files, run) {
        Ok(bytes) => String::from_utf8(bytes)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned()),
        // Writing into memory cannot fail on I/O; an error here is a bug, reported in the output
        // itself rather than by a panic.
        Err(error) => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{SUITE}\" tests=\"0\" failures=\"0\" errors=\"1\"><!-- {} --></testsuites>\n",
            error.to_string().replace("--", "- -")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_keep_line_breaks_and_escape_markup() {
        let attr = attribute("m", "a<b>&\"c'\nd\te\u{1}");
        assert_eq!(
            attr.value.as_ref(),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;d&#9;e\u{FFFD}"
        );
    }
}
