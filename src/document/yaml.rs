//! YAML 1.2 through saphyr: the saphyr-parser event stream, with saphyr's core-schema scalar
//! resolution, built into the spanned tree by an explicit stack.
//!
//! Why not saphyr's `MarkedYaml` loader directly: it recurses once per nesting level (a 200 KB
//! `- - - …` line aborts the process), stops at the first duplicate key, and drops a key's own span
//! from the error. Building from the same events keeps every span, bounds depth and alias expansion
//! while reading, and lets duplicate keys be reported all at once with both positions.
//!
//! A file that is only `key: value` lines (the shape of nearly every connector file) is read by
//! `flat` instead, into the same tree, at a fraction of the scanner's cost.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScalarStyle, Span as MarkerSpan};

use super::{Entry, LoadError, Loaded, MAX_ALIAS_NODES, MAX_DEPTH, Node, Span, Value};
use crate::catalogue::Code;

mod flat;

/// Maps saphyr's character offsets to byte offsets.
struct CharOffsets<'a> {
    text: &'a str,
    /// Byte offset of every character; empty when the text is ASCII (offsets are equal).
    bytes: Vec<u32>,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(byte, _)| byte as u32).collect()
        };
        CharOffsets { text, bytes }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.text.len())
        } else {
            self.bytes
                .get(char_index)
                .map_or(self.text.len(), |byte| *byte as usize)
        }
    }

    fn span(&self, span: &MarkerSpan) -> Span {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        start..end
    }
}

enum Frame {
    Sequence {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Mapping {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
    },
}

struct Builder<'a> {
    text: &'a str,
    offsets: CharOffsets<'a>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
    documents: Vec<Node>,
    /// Whether the current document received its root node.
    document_has_root: bool,
}

fn count_nodes(node: &Node) -> usize {
    let mut count = 0;
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        count += 1;
        match &node.value {
            Value::Sequence(items) => stack.extend(items),
            Value::Mapping(entries) => stack.extend(entries.iter().map(|entry| &entry.value)),
            _ => {}
        }
    }
    count
}

/// Whether an untagged plain scalar may be something other than a string under the core schema
/// (null, a boolean, an integer or a float): only when it is empty or starts with one of the
/// characters those start with (`~`, `null`, `true`, `false`, a digit, a sign, `.inf`, `.nan`).
/// Most values (`https://…`, `appmixer:…`, secrets) are then strings without trying each parse.
fn may_resolve_to_non_string(text: &str) -> bool {
    text.as_bytes().first().is_none_or(|first| {
        matches!(
            first,
            b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F'
        )
    })
}

fn resolve_scalar(
    text: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Cow<'_, saphyr_parser::Tag>>,
) -> Value {
    // Quoted and block scalars are strings whatever they look like; skip resolution for them.
    if style != ScalarStyle::Plain && tag.is_none() {
        return Value::String(text.into_owned());
    }
    if tag.is_none() && !may_resolve_to_non_string(&text) {
        return Value::String(text.into_owned());
    }
    // Only a core tag that does not fit its value (`!!int abc`) needs the text afterwards.
    let fallback = tag.map(|_| text.clone().into_owned());
    match Scalar::parse_from_cow_and_metadata(text, style, tag) {
        Some(Scalar::Null) => Value::Null,
        Some(Scalar::Boolean(flag)) => Value::Bool(flag),
        Some(Scalar::Integer(number)) => Value::Integer(number),
        Some(Scalar::FloatingPoint(number)) => Value::Float(number.into_inner()),
        Some(Scalar::String(text)) => Value::String(text.into_owned()),
        None => Value::String(fallback.unwrap_or_default()),
    }
}

impl<'a> Builder<'a> {
    fn depth_error(&self, at: usize) -> LoadError {
        LoadError {
            code: Code::LoadTooLarge,
            message: format!(
                "nesting is deeper than {MAX_DEPTH} levels; a connector configuration is at most two levels deep"
            ),
            span: at..at,
        }
    }

    fn open(&mut self, frame: Frame, at: usize) -> Result<(), LoadError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.depth_error(at));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Whether the next completed node is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Mapping { key: None, .. }))
    }

    fn complete(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                self.documents.push(node);
                self.document_has_root = true;
            }
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                None => {
                    // A non-scalar key (`? [a, b]`): keep its source text as the key's name.
                    let name = self
                        .text
                        .get(node.span.clone())
                        .unwrap_or("?")
                        .trim()
                        .to_owned();
                    *key = Some((name, node.span));
                }
                Some((name, key_span)) => entries.push(Entry {
                    key: name,
                    key_span,
                    value: node,
                }),
            },
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: MarkerSpan) -> Result<(), LoadError> {
        let bytes = self.offsets.span(&span);
        match event {
            Event::DocumentStart(_) => self.document_has_root = false,
            Event::DocumentEnd => {
                if !self.document_has_root {
                    self.documents.push(Node {
                        span: bytes.start..bytes.start,
                        value: Value::Null,
                    });
                }
                self.document_has_root = true;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let bytes = quoted_span(self.text, bytes, style);
                if self.expects_key() {
                    if anchor != 0 {
                        // An anchored key can be aliased later, as a key or as a value.
                        let node = Node {
                            span: bytes.clone(),
                            value: resolve_scalar(text.clone(), style, tag.as_ref()),
                        };
                        self.anchors.insert(anchor, node);
                    }
                    if let Some(Frame::Mapping { key, .. }) = self.stack.last_mut() {
                        *key = Some((text.into_owned(), bytes));
                    }
                    return Ok(());
                }
                let value = resolve_scalar(text, style, tag.as_ref());
                self.complete(Node { span: bytes, value }, anchor);
            }
            Event::Alias(anchor) => {
                let Some(node) = self.anchors.get(&anchor) else {
                    return Err(LoadError {
                        code: Code::LoadSyntax,
                        message: "alias to an unknown anchor".to_owned(),
                        span: bytes,
                    });
                };
                self.alias_nodes += count_nodes(node);
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(LoadError {
                        code: Code::LoadTooLarge,
                        message: format!(
                            "aliases expand to more than {MAX_ALIAS_NODES} nodes; the file looks like an alias bomb"
                        ),
                        span: bytes,
                    });
                }
                // The copy points at the alias, so findings about it label `*name`.
                let mut node = node.clone();
                node.span = bytes;
                if self.expects_key() {
                    let name = match &node.value {
                        Value::String(text) => text.clone(),
                        _ => self.text.get(node.span.clone()).unwrap_or("*").to_owned(),
                    };
                    if let Some(Frame::Mapping { key, .. }) = self.stack.last_mut() {
                        *key = Some((name, node.span));
                    }
                    return Ok(());
                }
                self.complete(node, 0);
            }
            Event::SequenceStart(anchor, _) => self.open(
                Frame::Sequence {
                    start: bytes.start,
                    anchor,
                    items: Vec::new(),
                },
                bytes.start,
            )?,
            Event::MappingStart(anchor, _) => self.open(
                Frame::Mapping {
                    start: bytes.start,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                },
                bytes.start,
            )?,
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (start, anchor, value) = match frame {
                    Frame::Sequence {
                        start,
                        anchor,
                        items,
                    } => (start, anchor, Value::Sequence(items)),
                    Frame::Mapping {
                        start,
                        anchor,
                        entries,
                        ..
                    } => (start, anchor, Value::Mapping(entries)),
                };
                let end = self.trim_end(start, bytes.end.max(start));
                self.complete(
                    Node {
                        span: start..end,
                        value,
                    },
                    anchor,
                );
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn trim_end(&self, start: usize, end: usize) -> usize {
        trim_collection_end(self.text, start, end)
    }
}

/// Block collections end where the next token starts; pull the end back over trailing
/// whitespace and comments so a label covers the collection only.
fn trim_collection_end(text: &str, start: usize, end: usize) -> usize {
    let Some(slice) = text.get(start..end) else {
        return end;
    };
    let mut trimmed = slice.len();
    loop {
        let head = &slice[..trimmed];
        let without_space = head.trim_end();
        // Drop a trailing comment line if there is one.
        let last_line_start = without_space.rfind('\n').map_or(0, |index| index + 1);
        let last_line = &without_space[last_line_start..];
        if last_line.trim_start().starts_with('#') && last_line_start > 0 {
            trimmed = last_line_start;
            continue;
        }
        trimmed = without_space.len();
        break;
    }
    start + trimmed.max(1).min(slice.len())
}

/// saphyr ends a quoted scalar where the next token starts, trailing spaces and a comment
/// included; the value ends at its closing quote.
fn quoted_span(text: &str, span: Span, style: ScalarStyle) -> Span {
    let quote = match style {
        ScalarStyle::SingleQuoted => b'\'',
        ScalarStyle::DoubleQuoted => b'"',
        _ => return span,
    };
    let bytes = text.as_bytes();
    let end = span.end.min(bytes.len());
    let Some(open) = bytes[span.start.min(end)..end]
        .iter()
        .position(|byte| *byte == quote)
        .map(|offset| span.start + offset)
    else {
        return span;
    };
    let mut index = open + 1;
    while index < end {
        match bytes[index] {
            b'\\' if quote == b'"' => index += 2,
            b'\'' if quote == b'\'' && bytes.get(index + 1) == Some(&b'\'') => index += 2,
            byte if byte == quote => return span.start..index + 1,
            _ => index += 1,
        }
    }
    span
}

/// Loads every document of a YAML stream.
pub fn load(text: &str) -> Loaded {
    if let Some(document) = flat::load(text) {
        return Loaded {
            documents: vec![document],
            error: None,
        };
    }
    load_with_parser(text)
}

/// Loads every document of a YAML stream through saphyr's parser.
fn load_with_parser(text: &str) -> Loaded {
    let mut builder = Builder {
        text,
        offsets: CharOffsets::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        documents: Vec::new(),
        document_has_root: true,
    };
    let mut parser = Parser::new_from_str(text);
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                if let Err(error) = builder.on_event(event, span) {
                    return Loaded {
                        documents: builder.documents,
                        error: Some(error),
                    };
                }
            }
            Some(Err(error)) => {
                let at = builder.offsets.byte(error.marker().index());
                let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                return Loaded {
                    documents: builder.documents,
                    error: Some(LoadError {
                        code: Code::LoadSyntax,
                        message: error.info().to_owned(),
                        span: at..end,
                    }),
                };
            }
        }
    }
    Loaded {
        documents: builder.documents,
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let loaded = load(text);
        assert!(loaded.error.is_none(), "{:?}", loaded.error);
        assert_eq!(loaded.documents.len(), 1);
        loaded.documents.into_iter().next().unwrap()
    }

    /// The shortcut for strings agrees with saphyr's own resolution on every value it takes.
    #[test]
    fn plain_scalars_skipped_by_the_shortcut_are_strings_to_saphyr() {
        let alphabet = [
            "0", "1", "9", "x", "X", "e", "E", "i", "I", "n", "N", "a", "A", "o", "O", "b", "_",
            "+", "-", ".", "~", ":", "/", " ", "\u{e9}", "inf", "Inf", "nan", "NaN", "null",
            "true", "false", "0x", "0o", "1e5", ".5", "_1", "infinity",
        ];
        let mut texts: Vec<String> = Vec::new();
        for a in alphabet {
            texts.push(a.to_owned());
            for b in alphabet {
                texts.push(format!("{a}{b}"));
                for c in alphabet {
                    texts.push(format!("{a}{b}{c}"));
                }
            }
        }
        texts.extend(
            [
                "https://api.acme.appmixer.cloud/auth/azuredevops/callback",
                "appmixer:azuredevops",
                "b66c90e4-ebdd-430c-8a4c-4e72348111e0",
                "Infinity",
                "INF",
                "NULL",
                "TRUE",
                "FALSE",
                "Yes",
                "on",
                "0b101",
                "1_000",
            ]
            .map(str::to_owned),
        );
        let mut skipped = 0;
        for text in &texts {
            if may_resolve_to_non_string(text) {
                continue;
            }
            skipped += 1;
            let resolved = Scalar::parse_from_cow_and_metadata(
                Cow::Borrowed(text.as_str()),
                ScalarStyle::Plain,
                None,
            );
            assert!(
                matches!(resolved, Some(Scalar::String(_))),
                "{text:?} resolves to {resolved:?}"
            );
        }
        assert!(skipped > texts.len() / 2, "{skipped} of {}", texts.len());
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let text = "a: \"x \\\" y\"   # note\nb: 'it''s' # c\nc: [\"q\" , 2]\n'k' : v\n";
        let root = one(text);
        let span = |key: &str| {
            let entry = root.get(key).unwrap();
            &text[entry.value.span.clone()]
        };
        assert_eq!(span("a"), "\"x \\\" y\"");
        assert_eq!(span("b"), "'it''s'");
        let entry = root.get("k").unwrap();
        assert_eq!(&text[entry.key_span.clone()], "'k'");
        let Value::Sequence(items) = &root.get("c").unwrap().value.value else {
            panic!("a list");
        };
        assert_eq!(&text[items[0].span.clone()], "\"q\"");
    }

    #[test]
    fn keys_and_values_keep_their_spans() {
        let text = "clientId: abc\nclientSecret: \"x y\"\n";
        let root = one(text);
        let entry = root.get("clientSecret").unwrap();
        assert_eq!(&text[entry.key_span.clone()], "clientSecret");
        assert_eq!(entry.value.as_str(), Some("x y"));
        assert!(text[entry.value.span.clone()].contains("x y"));
        let id = root.get("clientId").unwrap();
        assert_eq!(&text[id.value.span.clone()], "abc");
    }

    #[test]
    fn non_ascii_offsets_are_bytes() {
        let text = "é: ü\nkey: value\n";
        let root = one(text);
        let entry = root.get("key").unwrap();
        assert_eq!(&text[entry.value.span.clone()], "value");
    }

    #[test]
    fn scalars_resolve_by_core_schema() {
        let root = one("a: 1\nb: true\nc:\nd: '1'\ne: 1.5\n");
        assert_eq!(root.get("a").unwrap().value.value, Value::Integer(1));
        assert_eq!(root.get("b").unwrap().value.value, Value::Bool(true));
        assert_eq!(root.get("c").unwrap().value.value, Value::Null);
        assert_eq!(
            root.get("d").unwrap().value.value,
            Value::String("1".into())
        );
        assert_eq!(root.get("e").unwrap().value.value, Value::Float(1.5));
    }

    #[test]
    fn streams_hold_several_documents() {
        let loaded = load("a: 1\n---\nb: 2\n---\n");
        assert!(loaded.error.is_none());
        assert_eq!(loaded.documents.len(), 3);
        assert_eq!(loaded.documents[2].value, Value::Null);
        assert!(load("# only a comment\n").documents.is_empty());
    }

    #[test]
    fn duplicates_are_kept_for_reporting() {
        let root = one("a: 1\na: 2\n");
        match &root.value {
            Value::Mapping(entries) => assert_eq!(entries.len(), 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(super::super::duplicate_keys(&root).len(), 1);
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let text = "- ".repeat(100_000) + "x";
        let loaded = load(&text);
        assert_eq!(loaded.error.unwrap().code, Code::LoadTooLarge);
        let flow = "[".repeat(100_000);
        let loaded = load(&flow);
        assert!(loaded.error.is_some());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let previous = level - 1;
            text.push_str(&format!(
                "a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}]\n"
            ));
        }
        let loaded = load(&text);
        assert_eq!(loaded.error.unwrap().code, Code::LoadTooLarge);
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let text = "a: b\n  c: d\n";
        let error = load(text).error.unwrap();
        assert_eq!(error.code, Code::LoadSyntax);
        assert!(error.span.start <= text.len());
    }
}
