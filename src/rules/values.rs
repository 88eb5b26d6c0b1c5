//! `value/surrounding-whitespace` and `value/surrounding-quotes`: characters pasted around an id,
//! secret or URI that become part of it. The other rules judge the value as [`clean`] returns it,
//! so each of these problems is reported once, here.

use secrecy::ExposeSecret;

use super::{Finding, with_origin};
use crate::catalogue::Code;
use crate::fix::ValueFix;
use crate::record::{FieldValue, Origin, Record};

/// Quote pairs people paste around values: ASCII quotes and backticks, and the typographic
/// quotes word processors and chat tools substitute.
const QUOTE_PAIRS: &[(char, char)] = &[
    ('"', '"'),
    ('\'', '\''),
    ('`', '`'),
    ('\u{201C}', '\u{201D}'),
    ('\u{2018}', '\u{2019}'),
    ('\u{201E}', '\u{201C}'),
    ('\u{00AB}', '\u{00BB}'),
];

/// Whitespace as Unicode defines it, plus the invisible characters that travel with copied text
/// (zero-width space, word joiner, byte order mark) and break an exact comparison just the same.
pub fn is_surrounding_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// A value with its surrounding whitespace and one pair of surrounding quotes removed, and what
/// was removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned<'a> {
    pub value: &'a str,
    pub leading: &'a str,
    pub trailing: &'a str,
    pub quotes: Option<(char, char)>,
}

/// Removes surrounding whitespace, then one pair of surrounding quotes, then whitespace again
/// (`' "abc" '` is `abc`).
pub fn clean(raw: &str) -> Cleaned<'_> {
    if has_plain_edges(raw) {
        return Cleaned {
            value: raw,
            leading: "",
            trailing: "",
            quotes: None,
        };
    }
    strip_edges(raw)
}

/// [`clean`] without its shortcut.
fn strip_edges(raw: &str) -> Cleaned<'_> {
    let value = raw.trim_start_matches(is_surrounding_space);
    let leading = &raw[..raw.len() - value.len()];
    let trimmed = value.trim_end_matches(is_surrounding_space);
    let trailing = &value[trimmed.len()..];
    let mut cleaned = Cleaned {
        value: trimmed,
        leading,
        trailing,
        quotes: None,
    };
    for &(open, close) in QUOTE_PAIRS {
        let inner = trimmed
            .strip_prefix(open)
            .and_then(|rest| rest.strip_suffix(close));
        if let Some(inner) = inner {
            cleaned.value = inner.trim_matches(is_surrounding_space);
            cleaned.quotes = Some((open, close));
            break;
        }
    }
    cleaned
}

/// Whether a value starts and ends with a visible ASCII character that is not a quote: then
/// [`clean`] has nothing to remove (every space it trims and every quote it strips is either
/// outside visible ASCII or one of `"`, `'` and `` ` ``). Nearly every real value is like that,
/// and the rules clean each value several times.
fn has_plain_edges(raw: &str) -> bool {
    let plain = |byte: &u8| byte.is_ascii_graphic() && !matches!(byte, b'"' | b'\'' | b'`');
    raw.as_bytes().first().is_some_and(plain) && raw.as_bytes().last().is_some_and(plain)
}

/// The cleaned value of a string, for the other rules.
pub fn cleaned(raw: &str) -> &str {
    clean(raw).value
}

/// The name of a whitespace character, for messages.
fn space_name(c: char) -> (&'static str, &'static str) {
    match c {
        ' ' => ("a space", "spaces"),
        '\t' => ("a tab", "tabs"),
        '\n' => ("a newline", "newlines"),
        '\r' => ("a carriage return", "carriage returns"),
        '\u{A0}' => ("a non-breaking space", "non-breaking spaces"),
        '\u{200B}' => ("a zero-width space", "zero-width spaces"),
        '\u{FEFF}' => ("a byte order mark", "byte order marks"),
        _ => ("an invisible space character", "invisible space characters"),
    }
}

/// "a newline", "2 spaces", "a space and a tab", "a zero-width space (U+200B ZERO WIDTH SPACE)":
/// a character outside ASCII is named, since an editor shows it as nothing or as a space.
fn describe_spaces(text: &str) -> String {
    let mut counts: Vec<(char, usize)> = Vec::new();
    for c in text.chars() {
        match counts.iter_mut().find(|(seen, _)| *seen == c) {
            Some((_, count)) => *count += 1,
            None => counts.push((c, 1)),
        }
    }
    let parts: Vec<String> = counts
        .into_iter()
        .map(|(c, count)| {
            let (one, many) = space_name(c);
            let words = if count == 1 {
                one.to_owned()
            } else {
                format!("{count} {many}")
            };
            if c.is_ascii() {
                words
            } else {
                format!("{words} ({})", super::chars::name(c))
            }
        })
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Judges one value. Never quotes the value (it may be the secret): it describes what surrounds it.
pub fn judge(key: &str, raw: &str, origin: &Origin) -> Vec<Finding> {
    let cleaned = clean(raw);
    let mut findings = Vec::new();
    if cleaned.value.len() == raw.len() {
        return findings;
    }
    let described = origin.describe();
    // A value that is only whitespace is an empty value: the subject rule reports that.
    let only_space = raw.chars().all(is_surrounding_space);
    if !only_space && (!cleaned.leading.is_empty() || !cleaned.trailing.is_empty()) {
        let mut parts = Vec::new();
        if !cleaned.leading.is_empty() {
            parts.push(format!("starts with {}", describe_spaces(cleaned.leading)));
        }
        if !cleaned.trailing.is_empty() {
            parts.push(format!("ends with {}", describe_spaces(cleaned.trailing)));
        }
        let message = format!(
            "`{key}`{described} {}, which becomes part of the value",
            parts.join(" and ")
        );
        let help = if cleaned.trailing.contains('\n') && *origin == Origin::Literal {
            "remove the whitespace; a YAML block scalar (`|` or `>`) keeps the final newline: write `|-`, or put the value on the key's line".to_owned()
        } else if cleaned.trailing.contains('\n') {
            "remove the newline from the variable: `$(cat file)` strips it, `echo` adds one (use `printf %s`)".to_owned()
        } else {
            "remove the surrounding whitespace".to_owned()
        };
        // Removing exactly what the message names.
        let fix = ValueFix::delete([
            0..cleaned.leading.len(),
            raw.len() - cleaned.trailing.len()..raw.len(),
        ]);
        findings.push(
            Finding::new(Code::ValueSurroundingWhitespace, key, message)
                .help(with_origin(help, origin))
                .fix(Some(fix)),
        );
    }
    if let Some((open, close)) = cleaned.quotes {
        let kind = match open {
            '"' => "double quotes",
            '\'' => "single quotes",
            '`' => "backticks",
            _ => "typographic quotes",
        };
        let message = format!(
            "`{key}`{described} is wrapped in {kind} ({open}…{close}) that are part of the value"
        );
        let help = match origin {
            Origin::Literal => format!(
                "keep one pair of quotes at most: `{key}: \"…\"` in YAML or JSON, not `{key}: '\"…\"'`"
            ),
            Origin::Environment(_) => {
                "remove the quotes from the variable's value (in `.env` files and CI secret stores the quotes are kept as characters)".to_owned()
            }
        };
        // The quotes and the spaces inside them; the spaces outside are the whitespace fix's.
        let value_start = offset_in(raw, cleaned.value);
        let fix = ValueFix::delete([
            cleaned.leading.len()..value_start,
            value_start + cleaned.value.len()..raw.len() - cleaned.trailing.len(),
        ]);
        findings.push(
            Finding::new(Code::ValueSurroundingQuotes, key, message)
                .help(with_origin(help, origin))
                .fix(Some(fix)),
        );
    }
    findings
}

/// The byte offset of `inner`, a part of `outer` (as [`clean`] returns), in `outer`.
pub fn offset_in(outer: &str, inner: &str) -> usize {
    (inner.as_ptr() as usize)
        .checked_sub(outer.as_ptr() as usize)
        .filter(|offset| offset + inner.len() <= outer.len())
        .unwrap_or(0)
}

/// Runs the value rules over every key whose value Entra or Appmixer compares exactly (ids,
/// secrets, URIs, the tenant).
pub fn check(record: &Record) -> Vec<Finding> {
    let mut findings = Vec::new();
    for key in record.profile.keys.iter().filter(|key| key.kind.is_exact()) {
        let raw = match record.value(key.name) {
            Some(FieldValue::Text(text)) => text.as_str(),
            Some(FieldValue::Secret(secret)) => secret.expose_secret(),
            _ => continue,
        };
        // What `judge` returns for a value with nothing to clean, without looking up its origin.
        if has_plain_edges(raw) {
            continue;
        }
        findings.extend(judge(key.name, raw, record.origin(key.name)));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut in `clean` never skips something `strip_edges` would remove.
    #[test]
    fn plain_edges_need_no_cleaning() {
        let edges = [
            "a", "Z", "0", "~", "-", "*", "$", "{", "}", "\"", "'", "`", " ", "\t", "\n", "\u{a0}",
            "\u{200b}", "\u{feff}", "\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}", "\u{201e}",
            "\u{ab}", "\u{bb}", "é", "\u{7f}", "\u{1}",
        ];
        for first in edges {
            for last in edges {
                for middle in ["", "x", " \"mid\" "] {
                    let raw = format!("{first}{middle}{last}");
                    if has_plain_edges(&raw) {
                        assert_eq!(strip_edges(&raw), clean(&raw), "{raw:?}");
                        assert_eq!(strip_edges(&raw).value, raw, "{raw:?}");
                    }
                }
            }
        }
        assert!(has_plain_edges("abc") && !has_plain_edges(" abc") && !has_plain_edges("\"a\""));
    }
    use crate::rules::testing::{codes, record, record_with_env};

    #[test]
    fn clean_removes_whitespace_then_quotes() {
        assert_eq!(cleaned("  abc\n"), "abc");
        assert_eq!(cleaned("\"abc\""), "abc");
        assert_eq!(cleaned(" ' abc ' "), "abc");
        assert_eq!(cleaned("\u{201C}abc\u{201D}"), "abc");
        assert_eq!(cleaned("abc"), "abc");
        assert_eq!(cleaned("\"abc"), "\"abc");
        assert_eq!(cleaned("\""), "\"");
        assert_eq!(cleaned(""), "");
    }

    #[test]
    fn whitespace_is_described() {
        let findings = judge("clientId", "abc\n", &Origin::Literal);
        assert_eq!(codes(&findings), vec![Code::ValueSurroundingWhitespace]);
        assert!(findings[0].message.contains("ends with a newline"));
        assert!(findings[0].help.as_deref().unwrap_or("").contains("|-"));
        let findings = judge("clientId", "  \tabc\u{A0}", &Origin::Literal);
        assert!(
            findings[0]
                .message
                .contains("starts with 2 spaces and a tab and ends with a non-breaking space (U+00A0 NO-BREAK SPACE)"),
            "{}",
            findings[0].message
        );
    }

    /// The fixes remove exactly the whitespace and the quotes, and together leave the value the
    /// other rules judged.
    #[test]
    fn fixes_leave_the_cleaned_value() {
        for raw in [
            " abc",
            "abc\n",
            " \"abc\" ",
            "' abc '",
            "\u{201C}abc\u{201D}",
            "\t'\"x\"' ",
        ] {
            let findings = judge("clientId", raw, &Origin::Literal);
            assert!(!findings.is_empty(), "{raw:?}");
            let mut edits: Vec<_> = findings
                .iter()
                .flat_map(|finding| finding.fix.clone().expect("a fix").edits)
                .collect();
            edits.sort_by_key(|edit| std::cmp::Reverse(edit.range.start));
            let mut fixed = raw.to_owned();
            for edit in edits {
                fixed.replace_range(edit.range, &edit.replacement);
            }
            assert_eq!(fixed, cleaned(raw), "{raw:?}");
            // One pair of quotes is removed at a time.
            if raw != "\t'\"x\"' " {
                assert!(
                    judge("clientId", &fixed, &Origin::Literal).is_empty(),
                    "{raw:?}"
                );
            }
        }
    }

    #[test]
    fn whitespace_only_is_left_to_the_subject_rule() {
        assert!(judge("clientSecret", "   ", &Origin::Literal).is_empty());
        assert!(judge("clientSecret", "", &Origin::Literal).is_empty());
    }

    #[test]
    fn quotes_inside_the_value() {
        let findings = judge("clientId", "\"abc\"", &Origin::Literal);
        assert_eq!(codes(&findings), vec![Code::ValueSurroundingQuotes]);
        assert!(findings[0].message.contains("double quotes"));
        let findings = judge("clientId", " 'abc' ", &Origin::Literal);
        assert_eq!(
            codes(&findings),
            vec![
                Code::ValueSurroundingWhitespace,
                Code::ValueSurroundingQuotes
            ]
        );
        // A quote on one side only, or inside, is not a surrounding pair.
        assert!(judge("clientSecret", "ab\"cd\"", &Origin::Literal).is_empty());
        assert!(judge("clientSecret", "\"abcd", &Origin::Literal).is_empty());
    }

    #[test]
    fn environment_values_get_environment_help() {
        let origin = Origin::Environment(vec!["AZDO_CLIENT_SECRET".into()]);
        let findings = judge("clientSecret", "abc\n", &origin);
        assert!(
            findings[0]
                .message
                .contains("(from `${AZDO_CLIENT_SECRET}`)")
        );
        assert!(findings[0].help.as_deref().unwrap_or("").contains("printf"));
    }

    #[test]
    fn never_quotes_the_secret() {
        let secret = "Zq8~Q7x.secretvalue-1234567890";
        for raw in [
            format!(" {secret}\n"),
            format!("\"{secret}\""),
            format!("  '{secret}'  "),
        ] {
            let findings = check(&record(&[("clientSecret", &raw)]));
            assert!(!findings.is_empty());
            for finding in findings {
                assert!(!finding.message.contains("secretvalue"));
                assert!(!finding.help.unwrap_or_default().contains("secretvalue"));
            }
        }
    }

    #[test]
    fn applies_to_the_keys_of_the_spec() {
        let findings = check(&record(&[
            ("clientId", " a"),
            ("clientSecret", " b"),
            ("redirectUri", " c"),
            ("callbackUrl", " d"),
            ("tenantId", " e"),
            ("outputFilePrefix", " f"),
            ("serviceId", " g"),
        ]));
        let keys: Vec<_> = findings
            .iter()
            .filter_map(|finding| finding.key.as_deref())
            .collect();
        assert_eq!(
            keys,
            vec![
                "clientId",
                "clientSecret",
                "redirectUri",
                "callbackUrl",
                "tenantId"
            ]
        );
        let findings = check(&record_with_env(
            &[("clientSecret", "\"x\"")],
            "clientSecret",
            "S",
        ));
        assert_eq!(codes(&findings), vec![Code::ValueSurroundingQuotes]);
    }
}
