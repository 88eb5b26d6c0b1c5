//! The lexical scan: secret values found in the text itself, without a tree (a file that failed to
//! parse has none, or only part of one).

use secrecy::{ExposeSecret, SecretString};

use super::MIN_SCRUBBED_LENGTH;
use crate::document::Span;

/// The spans a lexical scan finds: after `<…secret…>:` on a line, the rest of the line, and the
/// following lines indented deeper than the key (block scalars, continuation lines). Two layouts
/// put the value on a later line that is not indented deeper, and are masked too: the key ends its
/// line (`"clientSecret":` then the JSON value on the next line, or a YAML list `- item` at the
/// key's own indentation), and the key stands without its colon (`"clientSecret"` then `: value`,
/// or YAML's explicit `? clientSecret` then `: value`).
///
/// NUL characters are skipped while scanning: a file saved as UTF-16 (Windows PowerShell's `>`
/// does that) reads as ASCII with a NUL after every letter, `c\0l\0i\0…`, where no `secret`
/// would be found otherwise. Valid YAML and JSON never hold a raw NUL, so this costs nothing there.
pub fn lexical_secret_spans(text: &str) -> Vec<Span> {
    let mut spans = scan_without_nul(text);
    // What the scan masked is a secret value wherever else it stands: a file that failed to parse
    // has no tree to say that `clientId` holds the same value as `clientSecret`.
    let values = lexical_values(text, &spans);
    spans.extend(value_spans(text, &values));
    spans
}

/// The secret values the lexical scan finds in a text, to scrub from free text (a key name that
/// failed to parse as intended can quote one). Cheaper than `lexical_secret_spans`: the places
/// where the values stand elsewhere are not looked for.
pub fn lexical_secret_values(text: &str) -> Vec<SecretString> {
    lexical_values(text, &scan_without_nul(text))
}

/// The values the lexical spans hold, to scrub from free text as well (a key name that failed to
/// parse as intended can quote one).
pub fn lexical_values(text: &str, spans: &[Span]) -> Vec<SecretString> {
    spans
        .iter()
        .filter_map(|span| text.get(span.clone()))
        .filter_map(lexical_value)
        // A `${NAME}` names a variable (its value is collected where it is resolved); scrubbing
        // the reference would blank every message naming it. The cut at `}` can leave `${NAME`.
        .filter(|value| !value.contains("${"))
        .map(|value| SecretString::from(value.to_owned()))
        .collect()
}

/// The value a masked span most likely holds: up to a flow separator or a comment, unquoted.
fn lexical_value(masked: &str) -> Option<&str> {
    let end = [
        masked.find([',', '}', ']', '\n', '\r', '\0']),
        masked.find(" #"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(masked.len());
    let value = masked[..end].trim();
    // A quoted value ends at its closing quote; an unquoted one at a quote that closes the key it
    // stands in (`"note clientSecret: value": 1`).
    let value = match value.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let inner = &value[1..];
            &inner[..inner.find(quote).unwrap_or(inner.len())]
        }
        _ => &value[..value.find('"').unwrap_or(value.len())],
    }
    .trim();
    (!value.is_empty()).then_some(value)
}

fn scan_without_nul(text: &str) -> Vec<Span> {
    if !text.contains('\0') {
        return scan(text);
    }
    // Scan the text without its NULs, then map every span back to the original offsets.
    let mut projected = String::with_capacity(text.len());
    let mut original = Vec::with_capacity(text.len() + 1);
    for (offset, character) in text.char_indices() {
        if character != '\0' {
            projected.push(character);
            original.extend((0..character.len_utf8()).map(|index| offset + index));
        }
    }
    original.push(text.len());
    scan(&projected)
        .into_iter()
        .map(|span| {
            let start = original.get(span.start).copied().unwrap_or(text.len());
            let end = span
                .end
                .checked_sub(1)
                .and_then(|last| original.get(last))
                .map_or(start, |last| last + 1)
                .max(start);
            start..end
        })
        .collect()
}

fn scan(text: &str) -> Vec<Span> {
    let aliased = aliased_anchors(text);
    let mut spans = Vec::new();
    let mut masking_deeper_than: Option<usize> = None;
    // Set after a secret key whose value did not start on the key's line.
    let mut pending: Option<Pending> = None;
    // Set while a YAML list given as the value sits at the key's own indentation.
    let mut masking_items_at: Option<usize> = None;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let line_end = line_start + line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        let indent = content.len() - trimmed.len();
        let whole_value = line_start + indent..line_start + content.len();
        if let Some(key_indent) = masking_deeper_than {
            if trimmed.is_empty() || indent > key_indent {
                spans.push(line_start..line_start + content.len());
                line_start = line_end;
                continue;
            }
            masking_deeper_than = None;
        }
        if trimmed.is_empty() {
            line_start = line_end;
            continue;
        }
        if masking_items_at == Some(indent) && is_list_item(trimmed) {
            spans.push(whole_value);
            masking_deeper_than = Some(indent);
            line_start = line_end;
            continue;
        }
        masking_items_at = None;
        match pending.take() {
            Some(Pending::Colon { key_indent }) if trimmed.starts_with(':') => {
                let value = trimmed[1..].trim_start();
                spans.push(line_start + content.len() - value.len()..line_start + content.len());
                masking_deeper_than = Some(key_indent.min(indent));
                line_start = line_end;
                continue;
            }
            // A list item is the value only at or past the key's column; one further left is the
            // next record of an enclosing list.
            Some(Pending::Value { key_indent })
                if !looks_like_key(trimmed) && (indent >= key_indent || !is_list_item(trimmed)) =>
            {
                spans.push(whole_value);
                masking_deeper_than = Some(key_indent.min(indent));
                if is_list_item(trimmed) {
                    masking_items_at = Some(indent);
                }
                line_start = line_end;
                continue;
            }
            _ => {}
        }
        // In a YAML list (`- clientSecret: x`), the key's own column is what continuation lines
        // are indented past; the record's other keys sit at that column and stay visible.
        let key_indent = indent + list_markers_len(trimmed);
        // The earlier of a secret key and an anchor a secret key aliases, when a line has both.
        let found = match (
            secret_value_start(content),
            anchor_value_start(content, &aliased),
        ) {
            (Some(SecretKey::Value(key)), Some(SecretKey::Value(anchor))) => {
                Some(SecretKey::Value(key.min(anchor)))
            }
            (Some(SecretKey::Value(key)), _) => Some(SecretKey::Value(key)),
            (_, Some(anchor)) => Some(anchor),
            (key, None) => key,
        };
        match found {
            Some(SecretKey::Value(value_start)) => {
                let value = content[value_start..].trim_end();
                // A bare `${NAME}` (followed by `,` in JSON) names a variable; it is shown.
                if !crate::env::is_only_references(value.trim_end_matches(',')) {
                    spans.push(line_start + value_start..line_start + content.len());
                    masking_deeper_than = Some(key_indent);
                    if value_start >= content.trim_end().len() {
                        pending = Some(Pending::Value { key_indent });
                    }
                }
            }
            Some(SecretKey::WithoutColon) => pending = Some(Pending::Colon { key_indent }),
            None => {}
        }
        line_start = line_end;
    }
    spans
}

/// Anchors that a secret key takes its value from (`clientSecret: *name`). A file that failed to
/// parse has no tree to resolve them, and the anchored value (`stash: &name value`) is the secret.
fn aliased_anchors(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for line in text.lines() {
        let Some(SecretKey::Value(start)) = secret_value_start(line) else {
            continue;
        };
        if let Some(name) = line.get(start..).and_then(|value| value.strip_prefix('*')) {
            let name = &name[..name.find(ends_anchor_name).unwrap_or(name.len())];
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Characters that end an anchor or alias name on a line (flow indicators end it too).
fn ends_anchor_name(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}')
}

/// Where the value after `&name` starts on this line, for an anchor a secret key aliases.
fn anchor_value_start(line: &str, aliased: &[&str]) -> Option<SecretKey> {
    for name in aliased {
        let token = format!("&{name}");
        let mut search_from = 0;
        while let Some(found) = line[search_from..].find(&token) {
            let after = search_from + found + token.len();
            if line[after..].chars().next().is_none_or(ends_anchor_name) {
                let value = line[after..].trim_start_matches([' ', '\t']);
                return Some(SecretKey::Value(line.len() - value.len()));
            }
            search_from = after;
        }
    }
    None
}

/// What a secret key left open at the end of its line.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// The key and its colon, but no value yet.
    Value { key_indent: usize },
    /// The key alone: the colon (and the value) follow on a later line.
    Colon { key_indent: usize },
}

/// A secret key found on a line.
enum SecretKey {
    /// The value starts at this byte of the line (which may be its end).
    Value(usize),
    /// The line ends right after the key, before any colon.
    WithoutColon,
}

/// The length of the `- ` / `? ` markers that start a line (`- - key:` nests two lists).
fn list_markers_len(trimmed: &str) -> usize {
    let mut rest = trimmed;
    while let Some(after) = rest
        .strip_prefix("- ")
        .or_else(|| rest.strip_prefix("? "))
        .or_else(|| rest.strip_prefix("-\t"))
    {
        rest = after.trim_start_matches([' ', '\t']);
    }
    trimmed.len() - rest.len()
}

fn is_list_item(trimmed: &str) -> bool {
    trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t")
}

/// Whether a line starts with `key:` / `"key":` (a new entry, not a value for a pending key).
fn looks_like_key(trimmed: &str) -> bool {
    let (quote, rest) = match trimmed.as_bytes().first() {
        Some(quote @ (b'"' | b'\'')) => (Some(*quote as char), &trimmed[1..]),
        _ => (None, trimmed),
    };
    let name_end = rest
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '$')))
        .unwrap_or(rest.len());
    if name_end == 0 {
        return false;
    }
    let mut after = &rest[name_end..];
    if let Some(quote) = quote {
        let Some(stripped) = after.strip_prefix(quote) else {
            return false;
        };
        after = stripped;
    }
    let after = after.trim_start_matches([' ', '\t']);
    after.starts_with(':')
        && (after.len() == 1 || after[1..].starts_with([' ', '\t']) || quote.is_some())
}

/// Where the value after a key containing `secret` starts on this line, if such a key is on it.
fn secret_value_start(line: &str) -> Option<SecretKey> {
    // Every line of every file is scanned: find `secret` in any letter case without building a
    // lower-case copy of the line. Only ASCII is inspected below, so byte offsets are shared.
    let lower = line;
    let mut search_from = 0;
    let mut without_colon = false;
    while let Some(found) = super::find_secret_word(&lower.as_bytes()[search_from..]) {
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
            return Some(SecretKey::Value(cursor));
        }
        without_colon = cursor >= lower.len();
        search_from = after;
    }
    without_colon.then_some(SecretKey::WithoutColon)
}

/// The spans of every occurrence of a known secret value in the text, wherever it stands: pasted
/// into another key (`clientId`), anchored on another key and aliased under `clientSecret`, or
/// left in a comment. Values shorter than `MIN_SCRUBBED_LENGTH` are left to span masking, as
/// they are in `scrub`.
pub fn value_spans(text: &str, secrets: &[SecretString]) -> Vec<Span> {
    let mut spans = Vec::new();
    for secret in secrets {
        let value = secret.expose_secret().trim();
        if value.chars().count() < MIN_SCRUBBED_LENGTH {
            continue;
        }
        spans.extend(
            text.match_indices(value)
                .map(|(start, found)| start..start + found.len()),
        );
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::redact::mask;

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
    fn values_on_a_later_line_are_masked() {
        // JSON value on the next line, at the key's indentation.
        let text = "{\n  \"clientSecret\":\n  \"value-one\",\n  \"clientId\": \"x\"\n}\n";
        let masked = mask(text, &lexical_secret_spans(text));
        assert!(!masked.contains("value-one") && masked.contains("\"clientId\": \"x\""));
        // The colon on the next line (JSON), and YAML's explicit key.
        for text in [
            "{\"clientSecret\"\n  : \"value-two\", \"a\": 1}\n",
            "? clientSecret\n: value-two\nclientId: x\n",
        ] {
            let masked = mask(text, &lexical_secret_spans(text));
            assert!(!masked.contains("value-two"), "{masked}");
        }
        // A YAML list at the key's own indentation.
        let text = "clientSecret:\n- item-one\n- item-two\nclientId: x\n";
        let masked = mask(text, &lexical_secret_spans(text));
        assert!(!masked.contains("item-one") && !masked.contains("item-two"));
        assert!(masked.contains("clientId: x"));
        // An empty secret followed by a key keeps the key visible.
        let text = "clientSecret:\nclientId: x\n";
        assert_eq!(mask(text, &lexical_secret_spans(text)), text);
    }

    #[test]
    fn the_other_keys_of_a_listed_record_stay_visible() {
        let text = "- clientSecret: abcdefgh\n    continued\n  clientId: x\n- clientSecret:\n- clientId: y\n";
        let masked = mask(text, &lexical_secret_spans(text));
        assert!(!masked.contains("abcdefgh") && !masked.contains("continued"));
        assert!(masked.contains("  clientId: x\n") && masked.contains("- clientId: y"));
    }

    #[test]
    fn text_with_nul_characters_is_scanned_without_them() {
        let text = "c\0l\0i\0e\0n\0t\0S\0e\0c\0r\0e\0t\0:\0 \0v\0a\0l\0\n\0x\0";
        let masked = mask(text, &lexical_secret_spans(text));
        assert_eq!(masked.len(), text.len());
        assert!(!masked.contains("v\0a\0l"), "{masked:?}");
        assert!(masked.contains("x\0"));
    }

    #[test]
    fn anchors_aliased_by_a_secret_key_are_masked_without_a_tree() {
        let text = "{stash: &s value-one, clientSecret: *s, broken\nb: &t\n  value-two\nclientSecret: *t\nother: &u shown\n";
        let masked = mask(text, &lexical_secret_spans(text));
        assert!(
            !masked.contains("value-one") && !masked.contains("value-two"),
            "{masked}"
        );
        assert!(masked.contains("other: &u shown"));
    }

    #[test]
    fn known_values_are_masked_anywhere() {
        let secrets = vec![SecretString::from("abc~def.ghi".to_owned())];
        let text = "clientId: abc~def.ghi\n# old: abc~def.ghi\n";
        let masked = mask(text, &value_spans(text, &secrets));
        assert!(!masked.contains("abc~def.ghi"));
        let short = vec![SecretString::from("ab".to_owned())];
        assert!(value_spans("ab ab", &short).is_empty());
    }
}
