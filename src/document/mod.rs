//! The spanned document tree shared by the YAML and JSON loaders: every key and every value keeps
//! the byte range it came from, so any later stage can point back at the source.

pub mod json;
pub mod pointer;
pub mod yaml;

use std::collections::{HashMap, hash_map};
use std::ops::Range;

use crate::catalogue::Code;
use crate::source::{Format, SourceText};

/// A byte range in the source text.
pub type Span = Range<usize>;

/// Nesting deeper than this is refused before it can exhaust a stack: a connector configuration
/// is two levels deep (a list of records), so this is generous.
pub const MAX_DEPTH: usize = 64;

/// Aliases may expand to at most this many nodes in one file (a "billion laughs" guard).
pub const MAX_ALIAS_NODES: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    String(String),
    Sequence(Vec<Node>),
    /// Entries in source order; duplicates are kept (and reported), the first one counts.
    Mapping(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Value {
    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Integer(_) | Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
        }
    }
}

impl Node {
    /// The first entry with this key, if the node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Mapping(entries) => entries.iter().find(|entry| entry.key == key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The JSON value of this node (first occurrence wins for duplicate keys).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(flag) => serde_json::Value::Bool(*flag),
            Value::Integer(number) => serde_json::Value::from(*number),
            Value::Float(number) => serde_json::Number::from_f64(*number)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(text) => serde_json::Value::String(text.clone()),
            Value::Sequence(items) => items.iter().map(Node::to_json).collect(),
            Value::Mapping(entries) => {
                let mut object = serde_json::Map::new();
                for entry in entries {
                    if !object.contains_key(&entry.key) {
                        object.insert(entry.key.clone(), entry.value.to_json());
                    }
                }
                serde_json::Value::Object(object)
            }
        }
    }
}

/// A load failure that ends the loading of a file (syntax, limits).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub code: Code,
    pub message: String,
    pub span: Span,
}

/// What loading one file gives: the documents read before any failure, and the failure.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub documents: Vec<Node>,
    pub error: Option<LoadError>,
}

/// Loads a source text in its format.
pub fn load(source: &SourceText) -> Loaded {
    match source.format {
        Format::Yaml => yaml::load(&source.text),
        Format::Json => json::load(&source.text),
    }
}

/// A key repeated within one mapping: where it is, and where it was first.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateKey {
    pub pointer: String,
    pub key: String,
    pub first: Span,
    pub duplicate: Span,
}

/// Mappings up to this many keys are searched for duplicates without a set.
const SCANNED_MAPPING: usize = 16;

/// Every repeated key in a tree, in source order.
pub fn duplicate_keys(root: &Node) -> Vec<DuplicateKey> {
    let mut found = Vec::new();
    let mut stack = vec![(root, String::new())];
    while let Some((node, path)) = stack.pop() {
        match &node.value {
            Value::Mapping(entries) => {
                // Records hold a handful of keys, for which a scan of the earlier keys beats
                // hashing them; a mapping of many keys (100,000 fit under the size limit) gets a
                // set, so the work stays linear.
                let mut firsts: HashMap<&str, usize> = HashMap::new();
                for (index, entry) in entries.iter().enumerate() {
                    let first = if entries.len() <= SCANNED_MAPPING {
                        entries[..index].iter().find(|e| e.key == entry.key)
                    } else {
                        match firsts.entry(entry.key.as_str()) {
                            hash_map::Entry::Occupied(first) => Some(&entries[*first.get()]),
                            hash_map::Entry::Vacant(vacant) => {
                                vacant.insert(index);
                                None
                            }
                        }
                    };
                    if let Some(first) = first {
                        found.push(DuplicateKey {
                            pointer: pointer::push(&path, &entry.key),
                            key: entry.key.clone(),
                            first: first.key_span.clone(),
                            duplicate: entry.key_span.clone(),
                        });
                    }
                    if matches!(entry.value.value, Value::Mapping(_) | Value::Sequence(_)) {
                        stack.push((&entry.value, pointer::push(&path, &entry.key)));
                    }
                }
            }
            Value::Sequence(items) => {
                for (index, item) in items.iter().enumerate() {
                    if matches!(item.value, Value::Mapping(_) | Value::Sequence(_)) {
                        stack.push((item, pointer::push(&path, &index.to_string())));
                    }
                }
            }
            _ => {}
        }
    }
    found.sort_by_key(|duplicate| duplicate.duplicate.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the size where the earlier keys are scanned, the set finds the same duplicates: each
    /// one with the span of its key's first occurrence.
    #[test]
    fn duplicates_of_a_large_mapping_point_at_the_first_occurrence() {
        for keys in [SCANNED_MAPPING, SCANNED_MAPPING + 1, 400] {
            let text: String = (0..keys)
                .map(|index| format!("k{}: {index}\n", index % 10))
                .collect();
            let root = &yaml::load(&text).documents[0];
            let found = duplicate_keys(root);
            assert_eq!(found.len(), keys - 10, "{keys} keys");
            for duplicate in &found {
                assert_eq!(&text[duplicate.first.clone()], duplicate.key);
                assert_eq!(&text[duplicate.duplicate.clone()], duplicate.key);
                let first_line = text[..duplicate.first.start].matches('\n').count();
                assert_eq!(format!("k{first_line}"), duplicate.key);
                assert_eq!(duplicate.pointer, format!("/{}", duplicate.key));
            }
            assert!(
                found
                    .windows(2)
                    .all(|pair| pair[0].duplicate.start < pair[1].duplicate.start)
            );
        }
    }
}
