//! Strict JSON (RFC 8259) through jsonc-parser with every permissive option off.

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};

use super::{Entry, LoadError, Loaded, MAX_DEPTH, Node, Value};
use crate::catalogue::Code;

fn strict_options() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// What a scan before parsing finds that must stop it.
enum Precheck {
    /// Nesting goes deeper than `MAX_DEPTH` at this byte: the parser recurses per level.
    TooDeep(usize),
    /// A raw control character inside a string, which RFC 8259 forbids and the parser accepts.
    ControlCharacter(usize),
}

/// One pass over the bytes, tracking strings, for what the parser would not refuse itself.
fn precheck(text: &str) -> Option<Precheck> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (index, byte) in text.bytes().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                0x00..=0x1F => return Some(Precheck::ControlCharacter(index)),
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(Precheck::TooDeep(index));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn syntax_error(message: impl Into<String>, at: usize, text: &str) -> LoadError {
    let end = text
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(at, |character| at + character.len_utf8());
    LoadError {
        code: Code::LoadSyntax,
        message: message.into(),
        span: at..end,
    }
}

fn convert(value: ast::Value<'_>) -> Node {
    match value {
        ast::Value::StringLit(literal) => Node {
            span: literal.range.start..literal.range.end,
            value: Value::String(literal.value.into_owned()),
        },
        ast::Value::NumberLit(literal) => {
            let value = literal
                .value
                .parse::<i64>()
                .map(Value::Integer)
                .or_else(|_| literal.value.parse::<f64>().map(Value::Float))
                .unwrap_or_else(|_| Value::String(literal.value.to_owned()));
            Node {
                span: literal.range.start..literal.range.end,
                value,
            }
        }
        ast::Value::BooleanLit(literal) => Node {
            span: literal.range.start..literal.range.end,
            value: Value::Bool(literal.value),
        },
        ast::Value::NullKeyword(keyword) => Node {
            span: keyword.range.start..keyword.range.end,
            value: Value::Null,
        },
        ast::Value::Array(array) => Node {
            span: array.range.start..array.range.end,
            value: Value::Sequence(array.elements.into_iter().map(convert).collect()),
        },
        ast::Value::Object(object) => Node {
            span: object.range.start..object.range.end,
            value: Value::Mapping(
                object
                    .properties
                    .into_iter()
                    .map(|property| {
                        let (key, key_span) = match property.name {
                            ast::ObjectPropName::String(name) => {
                                (name.value.into_owned(), name.range.start..name.range.end)
                            }
                            ast::ObjectPropName::Word(word) => {
                                (word.value.to_owned(), word.range.start..word.range.end)
                            }
                        };
                        Entry {
                            key,
                            key_span,
                            value: convert(property.value),
                        }
                    })
                    .collect(),
            ),
        },
    }
}

/// Loads one JSON document.
pub fn load(text: &str) -> Loaded {
    match precheck(text) {
        Some(Precheck::TooDeep(at)) => {
            return Loaded {
                documents: Vec::new(),
                error: Some(LoadError {
                    code: Code::LoadTooLarge,
                    message: format!(
                        "nesting is deeper than {MAX_DEPTH} levels; a connector configuration is at most two levels deep"
                    ),
                    span: at..at + 1,
                }),
            };
        }
        Some(Precheck::ControlCharacter(at)) => {
            return Loaded {
                documents: Vec::new(),
                error: Some(syntax_error(
                    "control character inside a string; write it escaped (`\\n`, `\\t`, `\\u0000`)",
                    at,
                    text,
                )),
            };
        }
        None => {}
    }
    match jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict_options()) {
        Ok(result) => Loaded {
            documents: result.value.map(convert).into_iter().collect(),
            error: None,
        },
        Err(error) => {
            let range = error.range();
            Loaded {
                documents: Vec::new(),
                error: Some(syntax_error(error.kind().to_string(), range.start, text)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_json_is_loaded_with_spans() {
        let text = r#"{"clientId": "abc", "n": 1, "list": [true, null]}"#;
        let loaded = load(text);
        assert!(loaded.error.is_none());
        let root = &loaded.documents[0];
        let entry = root.get("clientId").unwrap();
        assert_eq!(&text[entry.key_span.clone()], "\"clientId\"");
        assert_eq!(&text[entry.value.span.clone()], "\"abc\"");
        assert_eq!(root.get("n").unwrap().value.value, Value::Integer(1));
    }

    #[test]
    fn permissive_syntax_is_rejected() {
        for text in [
            "{\"a\": 1,}",
            "{a: 1}",
            "{\"a\": 1 // c\n}",
            "{'a': 1}",
            "[0x10]",
            "[+1]",
            "[.5]",
            "[NaN]",
            "[\"\\x41\"]",
            "[\"a\tb\"]",
        ] {
            let loaded = load(text);
            assert_eq!(
                loaded.error.map(|error| error.code),
                Some(Code::LoadSyntax),
                "{text}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let text = "[".repeat(100_000);
        assert_eq!(load(&text).error.unwrap().code, Code::LoadTooLarge);
    }

    #[test]
    fn empty_input_has_no_document() {
        let loaded = load("  \n");
        assert!(loaded.error.is_none());
        assert!(loaded.documents.is_empty());
    }
}
