//! Masking of secrets, in one place, before any format sees a file. Two sources of secret spans
//! are merged: the loader's (values under a key containing `secret`, exact) and a lexical scan of
//! the text (so a file that failed to parse, whose tree is incomplete, is masked too).

use secrecy::{ExposeSecret, SecretString};

use crate::document::Span;

/// The character that replaces each byte of a secret.
pub const MASK: char = '*';

/// Shortest secret scrubbed from free text: shorter values are common words and already caught
/// by span masking where they appear in the source.
const MIN_SCRUBBED_LENGTH: usize = 6;

/// The spans a lexical scan finds: after `<…secret…>:` on a line, the rest of the line, and the
/// following lines indented deeper than the key (block scalars, continuation lines).
pub fn lexical_secret_spans(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut masking_deeper_than: Option<usize> = None;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let line_end = line_start + line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start().len();
        if let Some(key_indent) = masking_deeper_than {
            if content.trim().is_empty() || indent > key_indent {
                spans.push(line_start..line_start + content.len());
                line_start = line_end;
                continue;
            }
            masking_deeper_than = None;
        }
        if let Some(value_start) = secret_value_start(content) {
            let value = &content[value_start..];
            // A bare `${NAME}` (possibly followed by `,` in JSON) names a variable; it is shown.
            if !crate::env::is_only_references(value.trim_end().trim_end_matches(',')) {
                spans.push(line_start + value_start..line_start + content.len());
                masking_deeper_than = Some(indent);
            }
        }
        line_start = line_end;
    }
    spans
}

/// Where the value after a key containing `secret` starts on this line, if such a key is on it.
fn secret_value_start(line: &str) -> Option<usize> {
    let lower = line.to_ascii_lowercase();
    let mut search_from = 0;
    while let Some(found) = lower[search_from..].find("secret") {
        let after = search_from + found + "secret".len();
        // Skip the rest of the key name and its closing quote, then expect `:`.
        let rest = &lower[after..];
        let key_tail = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(rest.len());
        let mut cursor = after + key_tail;
        let bytes = lower.as_bytes();
        if matches!(bytes.get(cursor), Some(b'"' | b'\'')) {
            cursor += 1;
        }
        while matches!(bytes.get(cursor), Some(b' ' | b'\t')) {
            cursor += 1;
        }
        if bytes.get(cursor) == Some(&b':') {
            cursor += 1;
            while matches!(bytes.get(cursor), Some(b' ' | b'\t')) {
                cursor += 1;
            }
            return Some(cursor);
        }
        search_from = after;
    }
    None
}

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

/// Whether free text holds any of the secret values (those long enough to scrub).
pub fn holds_secret(text: &str, secrets: &[SecretString]) -> bool {
    secrets.iter().any(|secret| {
        let value = secret.expose_secret().trim();
        value.chars().count() >= MIN_SCRUBBED_LENGTH && text.contains(value)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_scan_masks_values_after_secret_keys() {
        let text = "clientId: abc\nclientSecret: \"Hunter2~x\" # note\n\"client_secret\" : 'v'\n";
        let masked = mask(text, &lexical_secret_spans(text));
        assert!(!masked.contains("Hunter2"));
        assert!(!masked.contains("'v'"));
        assert!(masked.contains("clientId: abc"));
        assert!(masked.contains("clientSecret: "));
    }

    #[test]
    fn environment_references_are_shown() {
        let text = "clientSecret: ${AZDO_CLIENT_SECRET}\n\"clientSecret\": \"${X}\",\n";
        assert!(lexical_secret_spans(text).is_empty());
        let commented = "clientSecret: ${X} # was hunter2\n";
        assert_eq!(lexical_secret_spans(commented).len(), 1);
    }

    #[test]
    fn block_scalars_and_continuations_are_masked() {
        let text = "clientSecret: |\n  line-one\n  line-two\nclientId: x\n";
        let masked = mask(text, &lexical_secret_spans(text));
        assert!(!masked.contains("line-one") && !masked.contains("line-two"));
        assert!(masked.contains("clientId: x"));
    }

    #[test]
    fn json_on_one_line_is_masked_from_the_secret_on() {
        let text = r#"{"clientSecret": "abcdefgh", "clientId": "x"}"#;
        let masked = mask(text, &lexical_secret_spans(text));
        assert!(!masked.contains("abcdefgh"));
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
    }
}
