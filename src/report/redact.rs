//! Masking, scrubbing and neutralising, in one place: every text that reaches any output passes
//! through here. Before any format sees a file, the spans and values that `crate::secrets` decides
//! are secret are masked in the source text and scrubbed from every text (path, messages, help,
//! pointers, related messages, notes); what the run itself prints on standard error (input errors,
//! echoed arguments) is neutralised here too.
//!
//! Neutralising makes a text safe to print wherever it lands: control characters are shown as
//! escapes (a terminal escape sequence or a line break cannot travel in it), and the prefixes
//! that CI runners execute as commands cannot form: Azure Pipelines reads `##vso[` anywhere in a
//! line, GitHub Actions reads `::` at the start of a line (and its older `##[` anywhere). Text
//! wrapped by a renderer can start a line at any blank (or inside a long word), so no `::` is
//! left where a command could start. The `github` and
//! `azure` formats write their own commands around the neutralised texts, escaped as their
//! runners expect.

use std::borrow::Cow;

use secrecy::{ExposeSecret, SecretString};

use crate::document::{Span, pointer};
use crate::secrets::{Finder, Marks};
use crate::source::InputError;

/// The character that replaces each byte of a secret.
pub const MASK: char = '*';

/// What replaces a secret in free text (always the same length, so it says nothing of the
/// secret's).
pub const MASKED: &str = "********";

/// Replaces every byte of every span with `MASK`, keeping byte offsets (and so every label) valid.
pub fn mask(text: &str, spans: &[Span]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        let start = span.start.min(bytes.len());
        let end = span.end.min(bytes.len());
        for byte in &mut bytes[start..end] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = MASK as u8;
            }
        }
    }
    // Whole characters were replaced only if spans fall on character boundaries; a lossy decode
    // keeps the result valid UTF-8 whatever the spans.
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// Neutralises a source text for a snippet, byte for byte so that offsets, and with them every
/// label, stay valid: each byte of a hidden character (see `is_hidden`, line ends and tabs
/// excepted) becomes `?`, and the second `#` of `##vso[` and `##[` becomes `?`. Snippet lines are
/// drawn after a line number, so no `::` can start one.
pub fn neutralise_source(text: String) -> String {
    if !has_controls(&text) && !holds_double_hash(text.as_bytes()) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hidden(c) && !matches!(c, '\t' | '\n' | '\r') {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else if c == '[' && ends_with_command_prefix(&out) {
            // `##vso` or `##` just before: make it `#?vso` or `#?`.
            let hash = out.rfind("##").unwrap_or(0);
            out.replace_range(hash + 1..hash + 2, "?");
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that must not reach an output as they are: controls (C0, DEL, C1; line breaks
/// included), the line and paragraph separators, and the bidirectional formatting characters
/// that reorder what a terminal or a browser shows.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Whether a text ends with `##vso` (any letter case) or `##`, so that a `[` would complete a
/// command prefix.
fn ends_with_command_prefix(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.ends_with(b"##")
        || bytes.len() >= 5 && bytes[bytes.len() - 5..].eq_ignore_ascii_case(b"##vso")
}

/// Makes a free text (a path, a message, an argument echoed in an error) safe for any output:
/// hidden characters other than tab shown as escapes (`\n`, `\r`, `\u{1b}`), and a backslash put
/// into `##vso[` (`##vso\[`), `##[` (`##\[`) and every `::` that could start a workflow command
/// (`:\:warning`).
pub fn neutralise(text: &str) -> Cow<'_, str> {
    neutralise_marked(text, Marks::of(text.as_bytes()))
}

/// `neutralise` with the text's marks already known.
fn neutralise_marked(text: &str, marks: Marks) -> Cow<'_, str> {
    if !needs_neutralising_marked(text, marks) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (index, c) in text.char_indices() {
        match c {
            '\t' => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            ':' if starts_command(text, index) => out.push_str(":\\"),
            '[' if ends_with_command_prefix(&out) => out.push_str("\\["),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether the `:` at `index` starts a `::` that GitHub could read as a workflow command: one
/// that starts the text or follows a blank or a control (a renderer wrapping the text, or a line
/// break shown as `\n`, can put it at the start of a line), or one followed by a letter, as every
/// command name is (a long word can be wrapped anywhere). `[::1]` is left as it is.
fn starts_command(text: &str, index: usize) -> bool {
    let bytes = text.as_bytes();
    bytes.get(index + 1) == Some(&b':')
        && (bytes.get(index + 2).is_some_and(u8::is_ascii_alphabetic)
            || text[..index]
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || c.is_control()))
}

/// Whether `neutralise` would change a text.
#[cfg(test)]
fn needs_neutralising(text: &str) -> bool {
    needs_neutralising_marked(text, Marks::of(text.as_bytes()))
}

/// Whether `neutralise` would change a text with these marks. Every message of every file comes
/// here, most of them with no candidate byte at all: a control (C0 other than tab, DEL) or a line
/// end is hidden by itself; only the lead byte of a C1 control (`C2`) or of a separator or bidi
/// character (`E2`, `D8`) needs the character read; colons and hashes, which messages hold often
/// (`clientSecret: ...`), matter only as `::` or `##`.
fn needs_neutralising_marked(text: &str, marks: Marks) -> bool {
    let bytes = text.as_bytes();
    marks.any(Marks::CONTROL | Marks::LINE_END)
        || (marks.any(Marks::HIDDEN_LEAD) && text.chars().any(|c| c != '\t' && is_hidden(c)))
        || (marks.any(Marks::COLON)
            && memchr::memchr_iter(b':', bytes).any(|index| starts_command(text, index)))
        || (marks.any(Marks::HASH) && holds_double_hash(bytes))
}

/// Whether `##` stands in a text. A `#` is rare, and finding it with `memchr` costs less than
/// setting up a substring searcher for every message.
fn holds_double_hash(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'#', bytes).any(|at| bytes.get(at + 1) == Some(&b'#'))
}

/// Whether a text holds a control character other than tab and line ends: `is_hidden` over the
/// bytes, for the source texts of snippets. C0 controls and DEL are single bytes; the C1 controls
/// (U+0080 to U+009F) are `C2 80` to `C2 9F` in UTF-8, the separators and bidi characters start
/// with `E2` or `D8`. Tab and line ends are no candidates: every source text has line ends,
/// and none of them needs the closer look.
pub fn has_controls(text: &str) -> bool {
    let bytes = text.as_bytes();
    let candidate = bytes.iter().fold(false, |found, &byte| {
        found
            | ((byte < 0x20) & (byte != b'\t') & (byte != b'\n') & (byte != b'\r'))
            | (byte == 0x7f)
            | (byte == 0xc2)
            | (byte == 0xe2)
            | (byte == 0xd8)
    });
    candidate
        && text
            .chars()
            .any(|c| is_hidden(c) && !matches!(c, '\t' | '\n' | '\r'))
}

/// Scrubs and neutralises the texts of one file with its secrets: the one function every text
/// of a file passes on its way to any format.
#[derive(Debug)]
pub struct Redactor<'a> {
    finder: Finder<'a>,
}

impl<'a> Redactor<'a> {
    pub fn new(secrets: &'a [SecretString]) -> Redactor<'a> {
        Redactor {
            finder: Finder::new(secrets),
        }
    }

    /// Whether `text` would come out changed. Both questions are asked of the text's marks,
    /// read once.
    pub fn changes(&self, text: &str) -> bool {
        let marks = Marks::of(text.as_bytes());
        needs_neutralising_marked(text, marks) || self.finder.holds_marked(text, marks)
    }

    /// A free text with every spelling of every secret replaced by `MASKED`, then neutralised.
    pub fn text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let marks = Marks::of(text.as_bytes());
        if !self.finder.holds_marked(text, marks) {
            return neutralise_marked(text, marks);
        }
        let scrubbed = replace_spans(text, self.finder.find(text));
        Cow::Owned(neutralise(&scrubbed).into_owned())
    }

    /// A JSON Pointer: every segment below a secret key masked (everything under a secret key is
    /// secret, its keys too), then scrubbed and neutralised like any text.
    pub fn pointer<'t>(&self, pointer: &'t str) -> Cow<'t, str> {
        let below = crate::secrets::names_under_secret_key(pointer);
        if below.is_empty() {
            return self.text(pointer);
        }
        let segments = pointer::segments(pointer);
        let kept = segments.len() - below.len();
        let mut masked = String::new();
        for (index, segment) in segments.iter().enumerate() {
            masked = pointer::push(&masked, if index < kept { segment } else { MASKED });
        }
        Cow::Owned(self.text(&masked).into_owned())
    }
}

/// Replaces each span of a text with `MASKED`; overlapping and touching spans are one.
fn replace_spans(text: &str, mut spans: Vec<Span>) -> String {
    spans.sort_unstable_by_key(|span| span.start);
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for span in merged {
        out.push_str(text.get(copied..span.start).unwrap_or_default());
        out.push_str(MASKED);
        copied = span.end;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Replaces every occurrence of a fragment of a secret in free text, however short: a credential's
/// `hint` holds the first three characters of a secret, too short for [`scrub`], which leaves short
/// values alone because they stand in ordinary words. Only for text that came from outside.
pub fn scrub_fragments(text: &str, fragments: &[SecretString]) -> String {
    let mut out = text.to_owned();
    for fragment in fragments {
        let value = fragment.expose_secret();
        if !value.is_empty() && out.contains(value) {
            out = out.replace(value, "***");
        }
    }
    out
}

/// Masks the names below a secret key where a text quotes them whole (`` `name` ``): a short
/// name is not searched for everywhere (see `crate::secrets::MIN_SCRUBBED_LENGTH`), but a message
/// about a key under a secret key quotes it.
pub fn scrub_quoted<'t>(text: Cow<'t, str>, names: &[String]) -> Cow<'t, str> {
    let mut text = text;
    for name in names {
        let quoted = format!("`{name}`");
        if text.contains(&quoted) {
            text = Cow::Owned(text.replace(&quoted, &format!("`{MASKED}`")));
        }
    }
    text
}

/// Whether free text holds any of the secret values (those long enough to scrub), in any
/// spelling.
pub fn holds_secret(text: &str, secrets: &[SecretString]) -> bool {
    Finder::new(secrets).holds(text)
}

/// Replaces every spelling of every secret value in free text (messages, help).
pub fn scrub(text: &str, secrets: &[SecretString]) -> String {
    let finder = Finder::new(secrets);
    if !finder.holds(text) {
        return text.to_owned();
    }
    replace_spans(text, finder.find(text))
}

/// An input error, neutralised (its path was given on the command line or found in a directory
/// walk, its reason may quote the system).
pub fn input_error(error: &InputError) -> InputError {
    let clean = |text: &str| neutralise(text).into_owned();
    match error {
        InputError::Missing(path) => InputError::Missing(clean(path)),
        InputError::NoConfigFiles(path) => InputError::NoConfigFiles(clean(path)),
        InputError::NotAFile(path) => InputError::NotAFile(clean(path)),
        InputError::UnknownExtension(path) => InputError::UnknownExtension(clean(path)),
        InputError::Unreadable { path, reason } => InputError::Unreadable {
            path: clean(path),
            reason: clean(reason),
        },
        InputError::OnlyUnrelated(count) => InputError::OnlyUnrelated(*count),
    }
}

/// A URL from the command line or the environment, for an error message: a user name and
/// password, a query and a fragment (where tokens travel) masked, then neutralised.
pub fn url_for_display(text: &str) -> String {
    let (scheme, rest) = match text.find("://") {
        Some(at) => text.split_at(at + 3),
        None => ("", text),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => format!("{MASKED}@{}", &authority[at + 1..]),
        None => authority.to_owned(),
    };
    let tail = match tail.find(['?', '#']) {
        Some(at) => format!("{}{MASKED}", &tail[..=at]),
        None => tail.to_owned(),
    };
    neutralise(&format!("{scheme}{authority}{tail}")).into_owned()
}

/// A message about a URL that parsed, with what may be a credential inside it (password, query,
/// fragment) masked wherever the message quotes it, then neutralised.
pub fn hide_url_credentials(text: &str, url: &url::Url) -> String {
    let mut out = text.to_owned();
    for part in [url.password(), url.query(), url.fragment()]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
    {
        out = out.replace(part, MASKED);
    }
    neutralise(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_wise_control_check_agrees_with_chars() {
        let samples = [
            "",
            "plain",
            "tab\tnew\nline\r",
            "bell\u{7}",
            "del\u{7f}",
            "c1\u{85}",
            "c1\u{9f}x",
            "latin \u{a0}\u{c0}\u{ff}",
            "é and 🦀 and “quotes” — dash",
            "\u{1b}[31m",
            "\u{80}",
            "end\u{0}",
            "bidi \u{202e}",
            "separator \u{2028}",
            "arabic mark \u{61c}",
        ];
        let hidden = |c: char| is_hidden(c) && !matches!(c, '\t' | '\n' | '\r');
        for text in samples {
            assert_eq!(has_controls(text), text.chars().any(hidden), "{text:?}");
        }
        for code in (0..=0x2ffu32).chain(0x2000..=0x2070).chain(0x600..=0x620) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let text = format!("a{c}b");
            assert_eq!(has_controls(&text), hidden(c), "U+{code:04X}");
            assert_eq!(
                needs_neutralising(&text),
                is_hidden(c) && c != '\t',
                "U+{code:04X}"
            );
        }
    }

    /// `needs_neutralising` and `has_controls` as they were before their shortcuts (every byte
    /// below 0x20 a candidate, `##` found by a substring searcher), to hold them to.
    fn needs_neutralising_reference(text: &str) -> bool {
        text.chars().any(|c| c != '\t' && is_hidden(c))
            || text
                .char_indices()
                .any(|(index, c)| c == ':' && starts_command(text, index))
            || memchr::memmem::find(text.as_bytes(), b"##").is_some()
    }

    fn has_controls_reference(text: &str) -> bool {
        text.chars()
            .any(|c| is_hidden(c) && !matches!(c, '\t' | '\n' | '\r'))
    }

    fn assert_shortcuts_agree(text: &str) {
        assert_eq!(
            needs_neutralising(text),
            needs_neutralising_reference(text),
            "{text:?}"
        );
        assert_eq!(has_controls(text), has_controls_reference(text), "{text:?}");
        assert_eq!(
            holds_double_hash(text.as_bytes()),
            text.contains("##"),
            "{text:?}"
        );
        // What the shortcuts gate: a text said to need nothing comes out as it went in.
        if !needs_neutralising(text) {
            assert!(matches!(neutralise(text), Cow::Borrowed(_)));
        }
        if !has_controls(text) && !text.contains("##") {
            assert_eq!(neutralise_source(text.to_owned()), text);
        }
    }

    #[test]
    fn shortcuts_agree_with_reading_every_character() {
        let mut texts: Vec<String> = [
            "",
            "#",
            "##",
            "# #",
            "a#b#",
            "#\n#",
            "::",
            ": :",
            "a::b",
            "[::1]",
            "x\n::warning",
            "\t",
            "\n",
            "\r",
            "\r\n",
            "tab\tonly",
            "\u{85}",
            "\u{2028}",
            "\u{202e}",
            "\u{61c}",
            "é“”—",
            "##vso[",
            "##[",
            "#\u{7f}#",
        ]
        .iter()
        .map(|text| (*text).to_owned())
        .collect();
        // Long enough for the vectorised passes, with the byte in every position of a block.
        for at in 0..70 {
            for inserted in ["#", "##", "\n", "\t", "\u{1b}", "::x", "\u{2029}", "é"] {
                let mut text = "a".repeat(70);
                text.insert_str(at, inserted);
                texts.push(text);
            }
        }
        for text in &texts {
            assert_shortcuts_agree(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn generated_texts_agree_on_neutralising(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", " ", "#", ":", "[", "vso", "\t", "\n", "\r", "\u{0}", "\u{1b}", "\u{7f}",
                "\u{85}", "\u{a0}", "é", "\u{2028}", "\u{200e}", "\u{2066}", "\u{61c}", "“",
            ]), 0..40),
        ) {
            assert_shortcuts_agree(&pieces.concat());
        }
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        let text = "a: \u{1b}[2Jx\u{7}\u{85}\tok\r\n".to_owned();
        let neutral = neutralise_source(text.clone());
        assert_eq!(neutral.len(), text.len());
        assert!(
            !neutral
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        );
        assert!(neutral.ends_with("\tok\r\n"));
    }

    #[test]
    fn free_text_shows_hidden_characters_and_breaks_command_prefixes() {
        assert_eq!(neutralise("plain: text"), Cow::Borrowed("plain: text"));
        assert_eq!(
            neutralise("a\u{1b}[31mb\u{7}\nc\r\u{202e}d\te"),
            "a\\u{1b}[31mb\\u{7}\\nc\\r\\u{202e}d\te"
        );
        assert_eq!(
            neutralise("x\n::warning::y ::: ##vso[task.setvariable] ##VSO[a] ##[group]"),
            "x\\n:\\:warning:\\:y :\\:: ##vso\\[task.setvariable] ##VSO\\[a] ##\\[group]"
        );
        assert_eq!(
            neutralise("http://[::1]:80/ a::b"),
            "http://[::1]:80/ a:\\:b"
        );
        for hostile in [
            "::error::x",
            "a\n::set-env name=x::y",
            "##vso[task.setvariable variable=x]y",
            "p\r##vso[task.complete result=Succeeded]",
        ] {
            let neutral = neutralise(hostile);
            assert!(
                !neutral.contains("::") && !neutral.contains("##vso["),
                "{neutral}"
            );
            assert!(!neutral.contains(['\n', '\r']), "{neutral}");
        }
    }

    #[test]
    fn source_keeps_its_length_without_command_prefixes() {
        let text = "# ##vso[task.setvariable variable=x]y ##[group]\na: \u{202e}b\n".to_owned();
        let neutral = neutralise_source(text.clone());
        assert_eq!(neutral.len(), text.len());
        assert!(
            !neutral.contains("##vso[") && !neutral.contains("##["),
            "{neutral}"
        );
        assert!(neutral.contains("#?vso[") && neutral.contains("#?[group]"));
    }

    #[test]
    fn masking_keeps_offsets_and_utf8() {
        let text = "s: é€x\n";
        let span = 3..text.len() - 1;
        let masked = mask(text, std::slice::from_ref(&span));
        assert_eq!(masked.len(), text.len());
        assert!(masked.ends_with("******\n"));
    }

    #[test]
    fn scrub_removes_secret_values_from_text() {
        let secrets = vec![SecretString::from("abc~def.ghi".to_owned())];
        assert_eq!(
            scrub("value abc~def.ghi here", &secrets),
            "value ******** here"
        );
        assert_eq!(scrub("/abc~0def.ghi/x", &secrets), "/********/x");
        assert_eq!(
            scrub("abc~def.ghiabc~def.ghi, abc%7Edef.ghi", &secrets),
            "********, ********"
        );
        let short = vec![SecretString::from("ab".to_owned())];
        assert_eq!(scrub("about", &short), "about");
        assert_eq!(scrub_fragments("about", &short), "***out");
        let empty = vec![SecretString::from(String::new())];
        assert_eq!(scrub_fragments("about", &empty), "about");
    }

    #[test]
    fn pointers_below_a_secret_key_are_masked() {
        let secrets = vec![SecretString::from("abc8Q~dEfGhIjKl".to_owned())];
        let redactor = Redactor::new(&secrets);
        assert_eq!(
            redactor.pointer("/clientSecret/ab/0"),
            "/clientSecret/********/********"
        );
        assert_eq!(redactor.pointer("/abc8Q~0dEfGhIjKl"), "/********");
        assert_eq!(
            redactor.pointer("/0/clientId"),
            Cow::Borrowed("/0/clientId")
        );
        assert_eq!(redactor.pointer("/a::b"), "/a:\\:b");
    }

    #[test]
    fn quoted_names_are_masked_whole() {
        let names = vec!["ab".to_owned()];
        assert_eq!(
            scrub_quoted(Cow::Borrowed("`ab` appears twice; about `abc`"), &names),
            "`********` appears twice; about `abc`"
        );
    }

    #[test]
    fn messages_about_a_url_hide_its_credentials() {
        let url = url::Url::parse("https://u:p4ss@my.acme.example/?token=abc#frag").unwrap();
        assert_eq!(
            hide_url_credentials(&format!("`{url}` points at the Studio"), &url),
            "`https://u:********@my.acme.example/?********#********` points at the Studio"
        );
    }

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            url_for_display("https://user:p4ss@api.acme.example/x?token=abc#frag"),
            "https://********@api.acme.example/x?********"
        );
        assert_eq!(
            url_for_display("not a url\n::warning::x"),
            "not a url\\n:\\:warning:\\:x"
        );
        assert_eq!(url_for_display("ftp://host/path"), "ftp://host/path");
    }
}
