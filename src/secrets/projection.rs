//! Decoded views of a text. A secret can stand in a text in another spelling than its own: escaped
//! in a JSON or YAML string (`\u007e` for `~`), in a JSON Pointer (`~0`), percent-encoded in a URL
//! (`%7E`), or with its key split by a NUL (UTF-16 read as UTF-8) or a zero-width character. A
//! projection is the text with one family of spellings decoded, and a map from every byte of the
//! view back to the text, so what is found in the view is masked where it stands.

use std::borrow::Cow;

use crate::document::Span;

/// Which spellings a projection decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoding {
    /// For the lexical scan: NULs and zero-width characters left out, and the numeric escapes of
    /// JSON and YAML (`\u0053`, `\x53`, `\U00000053`) decoded, except to line breaks and other
    /// controls (which would move the lines the scan reads).
    Lexical,
    /// Every backslash escape of JSON, YAML double-quoted strings and Rust's debug form.
    Backslash,
    /// JSON Pointer (RFC 6901): `~0` is `~`, `~1` is `/`.
    Pointer,
    /// `%XX` of URLs and form bodies, where it stands for a printable ASCII character.
    Percent,
}

impl Decoding {
    /// Whether the text holds anything this decoding would change (checked first, since most
    /// texts hold none and need no view at all).
    pub fn applies(self, text: &str) -> bool {
        let bytes = text.as_bytes();
        match self {
            Decoding::Lexical => {
                memchr::memchr2(b'\0', b'\\', bytes).is_some() || holds_zero_width(bytes)
            }
            Decoding::Backslash => memchr::memchr(b'\\', bytes).is_some(),
            Decoding::Pointer => memchr::memchr_iter(b'~', bytes)
                .any(|at| matches!(bytes.get(at + 1), Some(b'0' | b'1'))),
            Decoding::Percent => memchr::memchr_iter(b'%', bytes).any(|at| {
                bytes
                    .get(at + 1..at + 3)
                    .is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit))
            }),
        }
    }
}

/// A decoded view of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection<'a> {
    pub text: Cow<'a, str>,
    /// For each byte of `text`, and one past its end, the offset in the original it came from;
    /// empty when `text` is the original.
    origin: Vec<u32>,
}

impl<'a> Projection<'a> {
    /// The text itself.
    pub fn identity(text: &'a str) -> Projection<'a> {
        Projection {
            text: Cow::Borrowed(text),
            origin: Vec::new(),
        }
    }

    /// The view of `text` under `decoding` (the text itself when nothing applies).
    pub fn new(text: &'a str, decoding: Decoding) -> Projection<'a> {
        if !decoding.applies(text) {
            return Projection::identity(text);
        }
        let mut view = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len() + 1);
        let mut at = 0;
        while at < text.len() {
            let rest = &text[at..];
            let (decoded, consumed) = match decode_at(rest, decoding) {
                Some(Step::Drop(consumed)) => (None, consumed),
                Some(Step::Char(c, consumed)) => (Some(c), consumed),
                None => {
                    let c = rest.chars().next().unwrap_or('\0');
                    (Some(c), c.len_utf8().max(1))
                }
            };
            if let Some(c) = decoded {
                view.push(c);
                // Offsets fit in u32: files are refused far below 4 GiB (the size limit).
                origin.extend(std::iter::repeat_n(at as u32, c.len_utf8()));
            }
            at += consumed;
        }
        origin.push(text.len() as u32);
        Projection {
            text: Cow::Owned(view),
            origin,
        }
    }

    /// Whether the view differs from the original.
    pub fn is_decoded(&self) -> bool {
        !self.origin.is_empty()
    }

    /// The range of the original text that a range of the view came from: from the start of the
    /// first character to the start of the one after the last (so a decoded escape is covered
    /// whole, and so are characters left out in between).
    pub fn original(&self, span: &Span) -> Span {
        if self.origin.is_empty() {
            return span.clone();
        }
        let at = |offset: usize| {
            self.origin
                .get(offset.min(self.origin.len() - 1))
                .map_or(0, |&origin| origin as usize)
        };
        let start = at(span.start);
        start..at(span.end).max(start)
    }
}

enum Step {
    /// Leave out this many bytes.
    Drop(usize),
    /// This character stands for this many bytes.
    Char(char, usize),
}

/// Characters that take no room and split a word without showing: zero-width space, non-joiner
/// and joiner, word joiner and the invisible operators, the byte order mark, the soft hyphen.
pub fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{AD}')
}

/// `is_zero_width` over UTF-8 bytes: every such character starts with `E2 80`, `E2 81`, `EF BB`
/// or `C2 AD`; a lead byte is enough to look closer.
fn holds_zero_width(bytes: &[u8]) -> bool {
    memchr::memchr3_iter(0xe2, 0xef, 0xc2, bytes).any(|index| {
        std::str::from_utf8(&bytes[index..bytes.len().min(index + 3)])
            .ok()
            .or_else(|| std::str::from_utf8(&bytes[index..bytes.len().min(index + 2)]).ok())
            .and_then(|text| text.chars().next())
            .is_some_and(is_zero_width)
    })
}

fn decode_at(rest: &str, decoding: Decoding) -> Option<Step> {
    let bytes = rest.as_bytes();
    match decoding {
        Decoding::Lexical => {
            if bytes.first() == Some(&0) {
                return Some(Step::Drop(1));
            }
            if let Some(c) = rest.chars().next().filter(|&c| is_zero_width(c)) {
                return Some(Step::Drop(c.len_utf8()));
            }
            match numeric_escape(bytes)? {
                (c, consumed) if is_zero_width(c) => Some(Step::Drop(consumed)),
                (c, _) if c.is_control() => None,
                (c, consumed) => Some(Step::Char(c, consumed)),
            }
        }
        Decoding::Backslash => {
            if bytes.first() != Some(&b'\\') {
                return None;
            }
            if let Some((c, consumed)) = numeric_escape(bytes) {
                return Some(Step::Char(c, consumed));
            }
            let c = match bytes.get(1)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'\'' => '\'',
                b' ' => ' ',
                b'0' => '\0',
                b'a' => '\u{7}',
                b'b' => '\u{8}',
                b't' => '\t',
                b'n' => '\n',
                b'v' => '\u{b}',
                b'f' => '\u{c}',
                b'r' => '\r',
                b'e' => '\u{1b}',
                b'N' => '\u{85}',
                b'_' => '\u{a0}',
                b'L' => '\u{2028}',
                b'P' => '\u{2029}',
                _ => return None,
            };
            Some(Step::Char(c, 2))
        }
        Decoding::Pointer => match bytes {
            [b'~', b'0', ..] => Some(Step::Char('~', 2)),
            [b'~', b'1', ..] => Some(Step::Char('/', 2)),
            _ => None,
        },
        Decoding::Percent => match bytes {
            [b'%', high, low, ..] => {
                let byte = hex_value(&[*high, *low])?;
                let c = char::from(u8::try_from(byte).ok()?);
                (c.is_ascii_graphic() || c == ' ').then_some(Step::Char(c, 3))
            }
            _ => None,
        },
    }
}

/// `\uXXXX` (JSON, YAML), `\xXX`, `\UXXXXXXXX` (YAML) and `\u{X…}` (Rust's debug form): the
/// character and how many bytes the escape takes. A JSON surrogate pair is one character.
fn numeric_escape(bytes: &[u8]) -> Option<(char, usize)> {
    if bytes.first() != Some(&b'\\') {
        return None;
    }
    let digits = |count: usize| bytes.get(2..2 + count).and_then(hex_value);
    match bytes.get(1)? {
        b'x' => Some((char::from_u32(digits(2)?)?, 4)),
        b'U' => Some((char::from_u32(digits(8)?)?, 10)),
        b'u' if bytes.get(2) == Some(&b'{') => {
            let close = bytes.iter().take(12).position(|&byte| byte == b'}')?;
            let value = hex_value(bytes.get(3..close)?)?;
            Some((char::from_u32(value)?, close + 1))
        }
        b'u' => {
            let unit = digits(4)?;
            if let Some(c) = char::from_u32(unit) {
                return Some((c, 6));
            }
            // A high surrogate needs its low half right after it.
            let low = match bytes.get(6..12)? {
                [b'\\', b'u', rest @ ..] => hex_value(rest)?,
                _ => return None,
            };
            let combined =
                0x10000 + ((unit.checked_sub(0xd800)?) << 10) + low.checked_sub(0xdc00)?;
            Some((char::from_u32(combined)?, 12))
        }
        _ => None,
    }
}

fn hex_value(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    digits.iter().try_fold(0u32, |value, &digit| {
        Some(value * 16 + char::from(digit).to_digit(16)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(text: &str, decoding: Decoding) -> String {
        Projection::new(text, decoding).text.into_owned()
    }

    #[test]
    fn escapes_decode_to_their_characters() {
        assert_eq!(
            decoded(
                r#""client\u0053ecret": "a\x7eb\U0000007Ec\"\\\/""#,
                Decoding::Backslash
            ),
            "\"clientSecret\": \"a~b~c\"\\/\""
        );
        assert_eq!(
            decoded(r"\ud83e\udd80 \u{1b}", Decoding::Backslash),
            "🦀 \u{1b}"
        );
        assert_eq!(decoded("/a~0b~1c", Decoding::Pointer), "/a~b/c");
        assert_eq!(decoded("x%7Ey%2f%zz%0A", Decoding::Percent), "x~y/%zz%0A");
        // Broken escapes stay as they are.
        assert_eq!(
            decoded(r"\u00 \x4 \q \", Decoding::Backslash),
            r"\u00 \x4 \q \"
        );
    }

    #[test]
    fn the_lexical_view_drops_invisible_characters_and_keeps_lines() {
        let text = "c\0l\u{200B}ient\\u0053ecret: \"a\\u000ab\"\n";
        let view = Projection::new(text, Decoding::Lexical);
        assert_eq!(view.text, "clientSecret: \"a\\u000ab\"\n");
        // `Secret` in the view is `\u0053ecret` in the text.
        let start = view.text.find("Secret").unwrap();
        let span = view.original(&(start..start + "Secret".len()));
        assert_eq!(&text[span], "\\u0053ecret");
        // `cl` in the view is `c`, NUL, `l` and the zero-width space up to the `i`.
        assert_eq!(view.original(&(0..2)), 0..6);
    }

    #[test]
    fn unchanged_texts_are_borrowed() {
        let view = Projection::new("plain: text", Decoding::Lexical);
        assert!(!view.is_decoded());
        assert_eq!(view.original(&(2..4)), 2..4);
        assert!(!Decoding::Percent.applies("a~b 100%"));
        assert!(!Decoding::Pointer.applies("a~b"));
        assert!(Decoding::Lexical.applies("a\u{2060}b"));
        assert!(!Decoding::Lexical.applies("é and \u{2028}"));
    }
}
