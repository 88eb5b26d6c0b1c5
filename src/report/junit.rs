//! `--format junit`: JUnit XML, as Jenkins, GitLab (`artifacts:reports:junit`) and Azure
//! Pipelines (`PublishTestResults@2`, `testResultsFormat: JUnit`) read it: one test suite, one
//! test case per checked file, one `<failure>` per error (and per warning under
//! `--deny-warnings`), the other findings in the test case's `<system-out>`. An input that could
//! not be read is a test case with an `<error>`, so the run's failure shows in the test report.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{Seek, Write as _};

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;

use super::{End, Piece, RedactedFile, Sink, Summary, fails_gate};
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

/// The JUnit document, written as the files arrive. Its first element carries the counts, which
/// only the end of the run knows: the test cases go to an unnamed temporary file (memory only if
/// none can be made) as they are rendered, and at the end the counts, the cases of unreadable
/// inputs and the spilled cases are written in document order.
pub struct JunitSink {
    deny_warnings: bool,
    /// Test cases of checked files so far.
    cases: usize,
    /// Of those, the ones that fail the gate.
    failures: usize,
    spill: Spill,
}

enum Spill {
    File(std::io::BufWriter<std::fs::File>),
    Memory(Vec<u8>),
}

impl JunitSink {
    pub fn new(deny_warnings: bool) -> JunitSink {
        let spill = match tempfile::tempfile() {
            Ok(file) => Spill::File(std::io::BufWriter::with_capacity(64 * 1024, file)),
            Err(_) => Spill::Memory(Vec::new()),
        };
        JunitSink {
            deny_warnings,
            cases: 0,
            failures: 0,
            spill,
        }
    }
}

/// A writer two elements deep (`testsuites`, `testsuite`) with nothing written yet, so what it
/// writes is indented and led by a line break as it is in the whole document.
fn writer_inside_the_suite() -> Writer<Vec<u8>> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = writer.write_event(Event::Start(BytesStart::new("testsuites")));
    let _ = writer.write_event(Event::Start(BytesStart::new("testsuite")));
    writer.get_mut().clear();
    writer
}

fn write_error_case(writer: &mut Writer<Vec<u8>>, error: &InputError) -> std::io::Result<()> {
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
    Ok(())
}

impl Sink for JunitSink {
    fn render(&self, file: &RedactedFile) -> Piece {
        let mut writer = writer_inside_the_suite();
        // Writing into a Vec cannot fail on I/O.
        let _ = write_test_case(&mut writer, file, self.deny_warnings);
        String::from_utf8(writer.into_inner())
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
            .into()
    }

    fn begin(&mut self, _: &[InputError], _: &mut dyn std::io::Write) -> std::io::Result<()> {
        Ok(())
    }

    fn write(
        &mut self,
        piece: Piece,
        counts: Summary,
        _: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        self.cases += 1;
        if counts.errors > 0 || (self.deny_warnings && counts.warnings > 0) {
            self.failures += 1;
        }
        match &mut self.spill {
            Spill::File(file) => file.write_all(&piece.text),
            Spill::Memory(bytes) => {
                bytes.extend_from_slice(&piece.text);
                Ok(())
            }
        }
    }

    fn finish(&mut self, end: &End<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let tests = (self.cases + end.input_errors.len()).to_string();
        let failures = self.failures.to_string();
        let errors = end.input_errors.len().to_string();
        let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let mut suites = BytesStart::new("testsuites");
        suites.push_attribute(attribute("name", SUITE));
        suites.push_attribute(attribute("tests", &tests));
        suites.push_attribute(attribute("failures", &failures));
        suites.push_attribute(attribute("errors", &errors));
        writer.write_event(Event::Start(suites))?;
        let mut suite = BytesStart::new("testsuite");
        suite.push_attribute(attribute("name", SUITE));
        suite.push_attribute(attribute("tests", &tests));
        suite.push_attribute(attribute("failures", &failures));
        suite.push_attribute(attribute("errors", &errors));
        suite.push_attribute(attribute("skipped", "0"));
        suite.push_attribute(attribute("time", "0"));
        writer.write_event(Event::Start(suite))?;
        for error in end.input_errors {
            write_error_case(&mut writer, error)?;
        }
        out.write_all(writer.get_ref())?;
        writer.get_mut().clear();
        match &mut self.spill {
            Spill::File(file) => {
                file.flush()?;
                let file = file.get_mut();
                file.seek(std::io::SeekFrom::Start(0))?;
                std::io::copy(file, out)?;
            }
            Spill::Memory(bytes) => out.write_all(bytes)?,
        }
        writer.write_event(Event::End(BytesEnd::new("testsuite")))?;
        writer.write_event(Event::End(BytesEnd::new("testsuites")))?;
        let mut bytes = writer.into_inner();
        bytes.push(b'\n');
        out.write_all(&bytes)
    }
}

fn write_test_case(
    writer: &mut Writer<Vec<u8>>,
    file: &RedactedFile,
    deny_warnings: bool,
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
            if fails_gate(diagnostic.severity, deny_warnings) {
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
