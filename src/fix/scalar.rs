//! From a value to its source bytes and back: which bytes of a key or scalar value each of its
//! characters was written as, and how a replacement is written in the same style (plain, single-
//! or double-quoted YAML, a JSON string with its escapes). Only what can be mapped exactly gets a
//! fix: block scalars, values spread over lines, aliases, anchored or tagged values get none.

use crate::document::Span;
use crate::source::Format;

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Json,
}

/// A written scalar: each character of its value with the source bytes it came from.
#[derive(Debug, Clone)]
pub struct Written {
    pub style: Style,
    /// `(byte offset of the character in the value, source byte range)`, in order.
    chars: Vec<(usize, Span)>,
    /// Where the characters end in the source (before a closing quote).
    content_end: usize,
    value_len: usize,
}

impl Written {
    /// Reads the scalar at `span` of `text`, and returns its map only when the characters it
    /// decodes to are exactly `value` (what the loader read).
    pub fn read(text: &str, span: &Span, format: Format, value: &str) -> Option<Written> {
        let source = text.get(span.clone())?;
        if source.contains(['\n', '\r']) || anchored_or_tagged(text, span.start) {
            return None;
        }
        let (style, inner_start, inner_end) = match (format, source.as_bytes().first()?) {
            (Format::Json, b'"') => (Style::Json, span.start + 1, span.end.checked_sub(1)?),
            (Format::Json, _) => return None,
            (Format::Yaml, b'"') => (
                Style::DoubleQuoted,
                span.start + 1,
                span.end.checked_sub(1)?,
            ),
            (Format::Yaml, b'\'') => (
                Style::SingleQuoted,
                span.start + 1,
                span.end.checked_sub(1)?,
            ),
            (Format::Yaml, b'|' | b'>' | b'*' | b'&' | b'!') => return None,
            (Format::Yaml, _) => (Style::Plain, span.start, span.end),
        };
        if inner_end < inner_start {
            return None;
        }
        let inner = text.get(inner_start..inner_end)?;
        let mut chars = Vec::new();
        let mut decoded = String::with_capacity(inner.len());
        let mut rest = inner.char_indices().peekable();
        while let Some((offset, c)) = rest.next() {
            let start = inner_start + offset;
            let (decoded_char, length) = match (style, c) {
                (Style::SingleQuoted, '\'') => {
                    rest.next_if(|(_, next)| *next == '\'')?;
                    ('\'', 2)
                }
                (Style::DoubleQuoted | Style::Json, '\\') => {
                    let (escaped, length) = unescape(&inner[offset..], style)?;
                    // Skip the rest of the escape sequence.
                    while rest.next_if(|(next, _)| *next < offset + length).is_some() {}
                    (escaped, length)
                }
                (Style::DoubleQuoted | Style::Json, '"') => return None,
                (_, c) => (c, c.len_utf8()),
            };
            chars.push((decoded.len(), start..start + length));
            decoded.push(decoded_char);
        }
        (decoded == value).then_some(Written {
            style,
            chars,
            content_end: inner_end,
            value_len: decoded.len(),
        })
    }

    /// The source edit that replaces bytes `range` of the value with `replacement`, or `None` when
    /// the range does not fall on characters.
    pub fn edit(
        &self,
        range: &std::ops::Range<usize>,
        replacement: &str,
    ) -> Option<(Span, String)> {
        if range.start > range.end || range.end > self.value_len {
            return None;
        }
        let source_at = |offset: usize| -> Option<usize> {
            if offset == self.value_len {
                return Some(self.content_end);
            }
            self.chars
                .iter()
                .find(|(at, _)| *at == offset)
                .map(|(_, span)| span.start)
        };
        let start = source_at(range.start)?;
        let end = source_at(range.end)?;
        Some((start..end, encode(replacement, self.style)?))
    }
}

/// Whether the node at `start` carries an anchor or a tag (`&a value`, `!!str value`): an edit
/// of an anchored value would change every alias of it too.
fn anchored_or_tagged(text: &str, start: usize) -> bool {
    let before = &text[..start];
    let line = before.rsplit(['\n', '\r']).next().unwrap_or(before);
    let after_indicator = line
        .rsplit_once([':', '-', '[', '{', ','])
        .map_or(line, |(_, rest)| rest);
    after_indicator.contains(['&', '!'])
}

/// One escape sequence at the start of `text` (which starts with `\`): the character and the
/// length of the sequence in bytes.
fn unescape(text: &str, style: Style) -> Option<(char, usize)> {
    let mut chars = text.chars();
    chars.next();
    let letter = chars.next()?;
    let hex = |digits: usize| -> Option<(char, usize)> {
        let code = u32::from_str_radix(text.get(2..2 + digits)?, 16).ok()?;
        Some((char::from_u32(code)?, 2 + digits))
    };
    let simple = |c: char| Some((c, 2));
    match (style, letter) {
        (_, '"') => simple('"'),
        (_, '\\') => simple('\\'),
        (_, '/') => simple('/'),
        (_, 'b') => simple('\u{8}'),
        (_, 'f') => simple('\u{C}'),
        (_, 'n') => simple('\n'),
        (_, 'r') => simple('\r'),
        (_, 't') => simple('\t'),
        // A surrogate pair is one character written as two escapes; none of the fixes needs it.
        (_, 'u') => hex(4),
        (Style::DoubleQuoted, '0') => simple('\0'),
        (Style::DoubleQuoted, 'a') => simple('\u{7}'),
        (Style::DoubleQuoted, 'v') => simple('\u{B}'),
        (Style::DoubleQuoted, 'e') => simple('\u{1B}'),
        (Style::DoubleQuoted, ' ') => simple(' '),
        (Style::DoubleQuoted, '\t') => simple('\t'),
        (Style::DoubleQuoted, 'N') => simple('\u{85}'),
        (Style::DoubleQuoted, '_') => simple('\u{A0}'),
        (Style::DoubleQuoted, 'L') => simple('\u{2028}'),
        (Style::DoubleQuoted, 'P') => simple('\u{2029}'),
        (Style::DoubleQuoted, 'x') => hex(2),
        (Style::DoubleQuoted, 'U') => hex(8),
        _ => None,
    }
}

/// `replacement` written in `style`, or `None` when that style cannot hold it (a plain scalar
/// with a comment marker or a `: `, a line break in a single-quoted one).
fn encode(replacement: &str, style: Style) -> Option<String> {
    match style {
        Style::Plain => {
            let unsafe_plain = replacement.contains(": ")
                || replacement.contains(" #")
                || replacement.ends_with(':')
                || replacement.chars().any(char::is_control);
            (!unsafe_plain).then(|| replacement.to_owned())
        }
        Style::SingleQuoted => {
            (!replacement.chars().any(char::is_control)).then(|| replacement.replace('\'', "''"))
        }
        Style::DoubleQuoted | Style::Json => {
            let mut out = String::with_capacity(replacement.len());
            for c in replacement.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                    c => out.push(c),
                }
            }
            Some(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies one value edit to the scalar `written` and returns the new source text.
    fn edited(
        text: &str,
        format: Format,
        value: &str,
        range: std::ops::Range<usize>,
        with: &str,
    ) -> Option<String> {
        let span = 0..text.len();
        let written = Written::read(text, &span, format, value)?;
        let (span, replacement) = written.edit(&range, with)?;
        let mut out = text.to_owned();
        out.replace_range(span, &replacement);
        Some(out)
    }

    #[test]
    fn each_style_keeps_its_quotes_and_escapes() {
        // Plain.
        assert_eq!(
            edited("https://x/cb/", Format::Yaml, "https://x/cb/", 12..13, ""),
            Some("https://x/cb".to_owned())
        );
        // Single-quoted, with a doubled quote kept.
        assert_eq!(
            edited("' it''s '", Format::Yaml, " it's ", 5..6, ""),
            Some("' it''s'".to_owned())
        );
        // Double-quoted, with escapes elsewhere kept as written.
        assert_eq!(
            edited("\"\\x41b\\t\"", Format::Yaml, "Ab\t", 2..3, ""),
            Some("\"\\x41b\"".to_owned())
        );
        // JSON, with `\/` kept and the replacement escaped.
        assert_eq!(
            edited(
                "\"https:\\/\\/my.x\\/a\"",
                Format::Json,
                "https://my.x/a",
                8..10,
                "a\"pi"
            ),
            Some("\"https:\\/\\/a\\\"pi.x\\/a\"".to_owned())
        );
        // The end of the value is just before the closing quote.
        assert_eq!(
            edited("\"abc \"", Format::Yaml, "abc ", 3..4, ""),
            Some("\"abc\"".to_owned())
        );
    }

    #[test]
    fn what_cannot_be_mapped_gets_no_edit() {
        for (text, value) in [
            ("|\n  abc\n", "abc\n"),
            (">-\n  abc\n", "abc"),
            ("\"a\n b\"", "a b"),
            ("*alias", "x"),
        ] {
            let span = 0..text.len();
            assert!(
                Written::read(text, &span, Format::Yaml, value).is_none(),
                "{text:?}"
            );
        }
        // The decoded value must be what the loader read.
        assert!(Written::read("\"abc\"", &(0..5), Format::Yaml, "abd").is_none());
        // An anchored value.
        let text = "a: &s x";
        assert!(Written::read(text, &(6..7), Format::Yaml, "x").is_none());
        let text = "a: x";
        assert!(Written::read(text, &(3..4), Format::Yaml, "x").is_some());
        // A plain scalar cannot take a comment marker.
        let written = Written::read("abc", &(0..3), Format::Yaml, "abc").unwrap();
        assert!(written.edit(&(0..3), "a #b").is_none());
        // A range that is not on a character boundary of the value.
        let written = Written::read("\"\\x41b\"", &(0..7), Format::Yaml, "Ab").unwrap();
        assert!(written.edit(&(0..5), "").is_none());
    }
}
