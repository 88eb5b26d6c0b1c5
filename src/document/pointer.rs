//! JSON Pointers (RFC 6901) over the spanned tree: the one locator that schema errors, rules and the
//! probe use to find the source span of a key or value.

use super::{Node, Span, Value};

/// Appends one segment to a pointer, escaping `~` and `/`.
pub fn push(pointer: &str, segment: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + segment.len() + 1);
    out.push_str(pointer);
    out.push('/');
    // Most keys have nothing to escape: copied whole, not a character at a time.
    if !segment.contains(['~', '/']) {
        out.push_str(segment);
        return out;
    }
    for character in segment.chars() {
        match character {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            other => out.push(other),
        }
    }
    out
}

/// Splits a pointer into unescaped segments (`""` is the root and has none).
pub fn segments(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|segment| {
            if segment.contains('~') {
                segment.replace("~1", "/").replace("~0", "~")
            } else {
                segment.to_owned()
            }
        })
        .collect()
}

/// Where a pointer leads in the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<'a> {
    /// The deepest node the pointer reaches.
    pub node: &'a Node,
    /// The span of the key that holds `node`, when it is a mapping value.
    pub key_span: Option<Span>,
    /// The pointer of `node`; shorter than the one asked for when a segment does not resolve.
    pub pointer: String,
    /// Whether every segment resolved.
    pub exact: bool,
}

/// Follows a pointer as far as it resolves; never fails (the root always resolves).
pub fn locate<'a>(root: &'a Node, pointer: &str) -> Located<'a> {
    let mut located = Located {
        node: root,
        key_span: None,
        pointer: String::new(),
        exact: true,
    };
    for segment in segments(pointer) {
        // Decide by the node's type, not by how the segment looks: `"0"` may be a key.
        let next = match &located.node.value {
            Value::Mapping(entries) => entries
                .iter()
                .find(|entry| entry.key == segment)
                .map(|entry| (&entry.value, Some(entry.key_span.clone()))),
            Value::Sequence(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index))
                .map(|item| (item, None)),
            _ => None,
        };
        match next {
            Some((node, key_span)) => {
                located.pointer = push(&located.pointer, &segment);
                located.node = node;
                located.key_span = key_span;
            }
            None => {
                located.exact = false;
                break;
            }
        }
    }
    located
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        let pointer = push(&push("", "a/b"), "c~d");
        assert_eq!(pointer, "/a~1b/c~0d");
        assert_eq!(segments(&pointer), vec!["a/b", "c~d"]);
        assert!(segments("").is_empty());
    }

    #[test]
    fn locate_stops_at_deepest_resolving_node() {
        let loaded = crate::document::yaml::load("a:\n  b: 1\nlist: [x, y]\n\"0\": zero\n");
        let root = &loaded.documents[0];
        let found = locate(root, "/a/b");
        assert!(found.exact);
        assert_eq!(found.node.value, Value::Integer(1));
        let partial = locate(root, "/a/missing");
        assert!(!partial.exact);
        assert_eq!(partial.pointer, "/a");
        assert_eq!(
            locate(root, "/list/1").node.value,
            Value::String("y".into())
        );
        assert_eq!(locate(root, "/0").node.value, Value::String("zero".into()));
    }
}
