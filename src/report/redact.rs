//! Masking and scrubbing, in one place, before any format sees a file: the spans and values that
//! `crate::secrets` decides are secret are masked in the source text and scrubbed from messages.

use secrecy::{ExposeSecret, SecretString};

use crate::document::Span;
use crate::secrets::MIN_SCRUBBED_LENGTH;

/// The character that replaces each byte of a secret.
pub const MASK: char = '*';

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

/// Replaces control characters (other than tab and line ends) with `?`, byte for byte, so that a
/// snippet can never carry a terminal escape sequence out of a hostile file. Offsets, and with
/// them every label, stay valid.
pub fn neutralise_controls(text: String) -> String {
    if !has_controls(&text) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_neutralised(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_neutralised(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether a text holds a control character other than tab and line ends: `is_neutralised` over
/// the bytes, since every message of every file passes through here. C0 controls and DEL are
/// single bytes; the C1 controls (U+0080 to U+009F) are `C2 80` to `C2 9F` in UTF-8.
pub fn has_controls(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Most texts hold no candidate byte at all: a pass without early exit (which the compiler
    // vectorises) rules them out before the exact check.
    let candidate = bytes.iter().fold(false, |found, &byte| {
        found | (byte < 0x20) | (byte == 0x7f) | (byte == 0xc2)
    });
    candidate
        && bytes.iter().enumerate().any(|(index, byte)| match byte {
            b'\t' | b'\n' | b'\r' => false,
            0..0x20 | 0x7f => true,
            0xc2 => matches!(bytes.get(index + 1), Some(0x80..=0x9f)),
            _ => false,
        })
}

/// Whether free text holds any of the secret values (those long enough to scrub).
pub fn holds_secret(text: &str, secrets: &[SecretString]) -> bool {
    secrets.iter().any(|secret| {
        let value = secret.expose_secret().trim();
        value.chars().count() >= MIN_SCRUBBED_LENGTH && contains(text.as_bytes(), value.as_bytes())
    })
}

/// Texts up to this long are searched by `contains` without building a searcher.
const SHORT_TEXT: usize = 1024;

/// Substring search tuned for messages, which are short: setting up a two-way searcher costs more
/// than finding the needle's first byte with memchr and comparing from there. Longer texts (a
/// message quoting a huge value) still get the searcher, so the work stays linear.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else {
        return false;
    };
    if haystack.len() > SHORT_TEXT {
        return memchr::memmem::find(haystack, needle).is_some();
    }
    let Some(&first) = needle.first() else {
        return true;
    };
    memchr::memchr_iter(first, &haystack[..=last_start])
        .any(|start| haystack[start..].starts_with(needle))
}

/// Replaces any occurrence of a secret value in free text (messages, help).
pub fn scrub(text: &str, secrets: &[SecretString]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        let value = secret.expose_secret().trim();
        if value.chars().count() >= MIN_SCRUBBED_LENGTH && out.contains(value) {
            out = out.replace(value, "********");
        }
    }
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
            "é and 🦀",
            "\u{1b}[31m",
            "\u{80}",
            "end\u{0}",
        ];
        for text in samples {
            assert_eq!(
                has_controls(text),
                text.chars().any(is_neutralised),
                "{text:?}"
            );
        }
        for code in 0..=0x2ffu32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let text = format!("a{c}b");
            assert_eq!(has_controls(&text), is_neutralised(c), "U+{code:04X}");
        }
    }

    #[test]
    fn short_and_long_texts_are_searched_alike() {
        for (haystack, needle) in [
            ("abcabd", "abd"),
            ("abcabc", "abd"),
            ("ab", "abc"),
            ("", "a"),
            ("x", ""),
            ("aaaaab", "aab"),
            ("secret at the end: s3cr3t", "s3cr3t"),
        ] {
            let expected = haystack.contains(needle);
            assert_eq!(contains(haystack.as_bytes(), needle.as_bytes()), expected);
            let long = format!("{}{haystack}", "-".repeat(SHORT_TEXT));
            assert_eq!(contains(long.as_bytes(), needle.as_bytes()), expected);
        }
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        let text = "a: \u{1b}[2Jx\u{7}\u{85}\tok\r\n".to_owned();
        let neutral = neutralise_controls(text.clone());
        assert_eq!(neutral.len(), text.len());
        assert!(
            !neutral
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        );
        assert!(neutral.ends_with("\tok\r\n"));
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
        let short = vec![SecretString::from("ab".to_owned())];
        assert_eq!(scrub("about", &short), "about");
        assert_eq!(scrub_fragments("about", &short), "***out");
        let empty = vec![SecretString::from(String::new())];
        assert_eq!(scrub_fragments("about", &empty), "about");
    }
}
