//! The shape nearly every connector file has, read without the YAML scanner: one top-level block
//! mapping of `key: value` lines (a plain key, one space or more, a plain one-line value), with
//! empty lines and comment lines between them, all of it printable ASCII.
//!
//! Why: saphyr's scanner reads a plain scalar a character at a time, through a lookahead buffer,
//! and spends about 40,000 instructions on a 300-byte file of that shape: half of the whole
//! check of a file. Here a line costs a few table lookups per byte, and the tree built is the one
//! saphyr's events build (the tests hold every text this accepts to the parser's own tree, over
//! generated texts full of the characters YAML treats specially, the yaml-test-suite and the
//! fixtures). Anything outside the shape (a quote, an indent, a tab, an inline comment, a
//! sequence, an anchor, a document marker, a key without a value, a byte outside printable
//! ASCII) is declined, and the parser reads the file, errors and all.

use std::borrow::Cow;

use saphyr_parser::ScalarStyle;

use super::{resolve_scalar, trim_collection_end};
use crate::document::{Entry, Node, Value};

/// saphyr refuses an implicit key longer than 1,024 characters; keys here are far shorter.
const LONGEST_KEY: usize = 128;

/// What each byte may be in the shape: a key's byte, a value's byte that may also start it, or a
/// value's byte that may not start one (a YAML indicator). Zero: outside the shape.
const KEY: u8 = 1;
const VALUE_START: u8 = 2;
const VALUE: u8 = 4;

static CLASSES: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut table = [0; 256];
    let mut byte = 0x20;
    while byte < 0x7f {
        let b = byte as u8;
        table[byte] = VALUE;
        // The indicators a plain scalar may not start with (YAML 1.2, c-indicator), the space,
        // and `-`, `?`, `:` (which may start one only before a non-space: declined here).
        if !matches!(
            b,
            b' ' | b'-'
                | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        ) {
            table[byte] |= VALUE_START;
        }
        if b.is_ascii_alphanumeric() || b == b'_' {
            table[byte] |= KEY;
        }
        byte += 1;
    }
    table
}

/// The document of a text in the shape, or `None` for any other text (the parser's to read).
pub(super) fn load(text: &str) -> Option<Node> {
    let bytes = text.as_bytes();
    let mut entries = Vec::new();
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end =
            memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |at| line_start + at);
        let line = &bytes[line_start..line_end];
        match line.first() {
            None => {}
            // A comment may hold any printable character; a control or a byte outside ASCII is
            // the parser's to judge.
            Some(b'#') if line.iter().all(|&byte| CLASSES[usize::from(byte)] != 0) => {}
            Some(b'#') => return None,
            Some(_) => entries.push(entry(text, line_start, line_end)?),
        }
        line_start = line_end + 1;
    }
    let first = entries.first()?;
    let start = first.key_span.start;
    let end = trim_collection_end(text, start, text.len());
    Some(Node {
        span: start..end,
        value: Value::Mapping(entries),
    })
}

/// The entry of a `key: value` line from `start` to `end` (its line break excluded).
fn entry(text: &str, start: usize, end: usize) -> Option<Entry> {
    let line = &text.as_bytes()[start..end];
    let key_length = line
        .iter()
        .position(|&byte| CLASSES[usize::from(byte)] & KEY == 0)?;
    if key_length == 0 || key_length > LONGEST_KEY || line[0].is_ascii_digit() {
        return None;
    }
    let rest = line[key_length..].strip_prefix(b":")?;
    let spaces = rest.iter().take_while(|&&byte| byte == b' ').count();
    let value = &rest[spaces..];
    if spaces == 0 || !is_plain_value(value) {
        return None;
    }
    let value_start = end - value.len();
    let value_text = &text[value_start..end];
    Some(Entry {
        key: text[start..start + key_length].to_owned(),
        key_span: start..start + key_length,
        value: Node {
            span: value_start..end,
            value: resolve_scalar(Cow::Borrowed(value_text), ScalarStyle::Plain, None),
        },
    })
}

/// Whether a value is a plain scalar on its own line that ends where the line does: printable
/// ASCII, not starting with an indicator or a space, not ending with a space or a `:`, and
/// holding neither `: ` (a mapping inside) nor ` #` (a comment).
fn is_plain_value(value: &[u8]) -> bool {
    let Some((&first, _)) = value.split_first() else {
        return false;
    };
    CLASSES[usize::from(first)] & VALUE_START != 0
        && value
            .last()
            .is_some_and(|&last| last != b' ' && last != b':')
        && value
            .iter()
            .all(|&byte| CLASSES[usize::from(byte)] & VALUE != 0)
        && !value.windows(2).any(|pair| pair == b": " || pair == b" #")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::yaml::load_with_parser;

    /// What the parser builds from `text`, when it builds one document without an error.
    fn parsed(text: &str) -> Option<Node> {
        let loaded = load_with_parser(text);
        if loaded.error.is_some() || loaded.documents.len() != 1 {
            return None;
        }
        loaded.documents.into_iter().next()
    }

    /// Every text accepted is the parser's own tree (compared in Debug form, where NaN equals
    /// itself); returns whether it was accepted.
    fn holds_to_parser(text: &str) -> bool {
        let Some(node) = load(text) else {
            return false;
        };
        let expected = parsed(text);
        assert_eq!(
            format!("{:?}", Some(&node)),
            format!("{:?}", expected.as_ref()),
            "{text:?}"
        );
        true
    }

    /// A small deterministic generator (xorshift), so that the texts are the same on every run.
    struct Draw(u64);

    impl Draw {
        fn below(&mut self, bound: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % bound as u64) as usize
        }

        fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
            choices[self.below(choices.len())]
        }
    }

    const KEYS: &[&str] = &[
        "clientId",
        "clientSecret",
        "serviceId",
        "a",
        "_x",
        "k9",
        "9k",
        "client-id",
        "client.id",
        "true",
        "null",
        "x y",
        "é",
        "",
    ];
    const SEPARATORS: &[&str] = &[": ", ":  ", ":", " : ", ":\t", "\t: ", ": \t"];
    /// Pieces of values: every printable ASCII character comes from `character`; these add the
    /// words and pairs YAML gives a meaning.
    const PIECES: &[&str] = &[
        "abc",
        "1",
        "0x1F",
        "-1",
        "+1",
        ".5",
        "1e3",
        "1_0",
        ".inf",
        "-.inf",
        ".nan",
        "~",
        "null",
        "Null",
        "true",
        "False",
        "yes",
        "https://x.example/cb",
        "a: b",
        "a:b",
        "a #b",
        "a#b",
        ": ",
        " #",
        "  ",
        " ",
        ":",
        "#",
        "- ",
        "? ",
        "Q~",
        "\t",
        "\r",
        "é",
        "\u{2028}",
        "\u{feff}",
        "\\",
        "'",
        "\"",
        "{a}",
        "[a]",
        ",",
        "&a",
        "*a",
        "!t",
        "|",
        ">",
        "%",
        "@",
        "`",
        "---",
        "...",
    ];
    const LINES: &[&str] = &[
        "",
        "# a comment",
        "#",
        "  # indented",
        "   ",
        "---",
        "...",
        "- item",
        "  more",
        "%YAML 1.2",
        "? k",
        "\t",
        "# é",
        "#\u{7}",
    ];

    fn value(draw: &mut Draw) -> String {
        let mut value = String::new();
        for _ in 0..draw.below(4) + 1 {
            if draw.below(3) == 0 {
                value.push(char::from(0x20 + draw.below(0x5f) as u8));
            } else {
                value.push_str(draw.pick(PIECES));
            }
        }
        value
    }

    /// A text of a few lines; in half of them the lines are mostly in the shape, so that the
    /// shape's edges (the characters a value may hold, where it ends) are what varies.
    fn text(draw: &mut Draw) -> String {
        let mostly_in_shape = draw.below(2) == 0;
        let mut text = String::new();
        let breaks = ["\n", "\n", "\n", "\r\n"];
        for line in 0..draw.below(6) + 1 {
            if line > 0 {
                text.push_str(breaks[draw.below(breaks.len())]);
            }
            if draw.below(if mostly_in_shape { 12 } else { 4 }) == 0 {
                text.push_str(draw.pick(LINES));
            } else if mostly_in_shape && draw.below(8) != 0 {
                text.push_str(draw.pick(&KEYS[..6]));
                text.push_str(": ");
                for _ in 0..draw.below(12) + 1 {
                    text.push(char::from(0x20 + draw.below(0x5f) as u8));
                }
            } else {
                text.push_str(draw.pick(KEYS));
                text.push_str(if draw.below(3) == 0 {
                    draw.pick(SEPARATORS)
                } else {
                    ": "
                });
                text.push_str(&value(draw));
            }
        }
        if draw.below(2) == 0 {
            text.push('\n');
        }
        text
    }

    #[test]
    fn generated_texts_it_accepts_are_the_parsers_trees() {
        let mut draw = Draw(0x9e37_79b9_7f4a_7c15);
        let mut accepted = 0;
        let total = 200_000;
        for _ in 0..total {
            accepted += usize::from(holds_to_parser(&text(&mut draw)));
        }
        // The shape is common among the generated texts, and so is what it declines.
        assert!(accepted > total / 20, "{accepted} of {total} accepted");
        assert!(accepted < total / 2, "{accepted} of {total} accepted");
    }

    #[test]
    fn every_character_in_every_place_of_a_value() {
        let mut accepted = 0;
        for byte in 0..=u8::MAX {
            let c = char::from(byte);
            for value in [
                format!("{c}"),
                format!("{c}x"),
                format!("x{c}"),
                format!("x{c}y"),
                format!("x {c}"),
                format!("x{c} y"),
                format!("{c}{c}"),
            ] {
                for text in [
                    format!("k: {value}"),
                    format!("k: {value}\nnext: 1\n"),
                    format!("# c\nk:  {value}\n\n# end\n"),
                ] {
                    accepted += usize::from(holds_to_parser(&text));
                }
            }
        }
        assert!(accepted > 1000, "{accepted}");
    }

    #[test]
    fn the_yaml_test_suite_and_the_fixtures_are_the_parsers_trees() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut accepted = 0;
        let mut read = 0;
        let directories = [
            root.join("../shared/conformance/yaml"),
            root.join("fixtures/valid"),
            root.join("fixtures/invalid"),
            root.join("fixtures/rules"),
            root.join("fixtures/secrets"),
            root.join("fixtures/connectors"),
        ];
        for directory in directories {
            let Ok(listing) = std::fs::read_dir(&directory) else {
                continue;
            };
            for entry in listing.flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                read += 1;
                accepted += usize::from(holds_to_parser(&text));
            }
        }
        assert!(read > 0, "no YAML files found");
        assert!(accepted > 0, "none of {read} files was in the shape");
    }

    #[test]
    fn the_benchmark_shape_is_read_here() {
        let text = "# connector configuration\nserviceId: appmixer:azuredevops\n\
                    clientId: fe129a79-3db7-4ccb-86f2-73bc8b81d905\n\
                    clientSecret: hfc2Q~Rbr7rz53L3A-RFZK1j-O82pyNilgWqg~Vb\n\
                    redirectUri: https://api.t.appmixer.cloud/auth/azuredevops/callback\n";
        assert!(holds_to_parser(text));
        let node = load(text).unwrap();
        assert_eq!(
            node.get("serviceId").unwrap().value.as_str(),
            Some("appmixer:azuredevops")
        );
        assert_eq!(&text[node.span.clone()], text[26..].trim_end());
    }

    #[test]
    fn other_shapes_are_declined() {
        for text in [
            "",
            "# only a comment\n",
            "a: 'quoted'\n",
            "a: b # comment\n",
            "a:\n",
            "a: \n",
            "a:\n  b: c\n",
            "a: b\n  continued\n",
            "- a\n",
            "---\na: b\n",
            "a: b\r\n",
            "a: b\t\n",
            "a: é\n",
            "\u{feff}a: b\n",
            "a: &x b\n",
            "a: [b]\n",
            "a: b: c\n",
            "  a: b\n",
            "a : b\n",
        ] {
            assert!(load(text).is_none(), "{text:?}");
        }
        let long_key = "k".repeat(LONGEST_KEY + 1) + ": v\n";
        assert!(load(&long_key).is_none());
    }
}
