//! What is secret in a document: the one owner of that decision, used by the check (to collect
//! the values to protect) and by the report (to mask them before any snippet or message is shown).
//!
//! Two sources agree here: the tree (values under a key whose name contains `secret`, exact) and
//! a lexical scan of the text (`lexical`), so a file that failed to parse, whose tree is
//! incomplete, is protected too.

pub mod lexical;

use crate::document::{Node, Span, Value};

pub use lexical::{lexical_secret_spans, lexical_secret_values, lexical_values, value_spans};

/// Shortest secret searched for in free text and elsewhere in a source: shorter values are
/// common words, and are caught by span masking where they stand under a secret key.
pub const MIN_SCRUBBED_LENGTH: usize = 6;

/// Whether a key names a secret: `clientSecret`, and any key whose name contains `secret`.
pub fn is_secret_key(key: &str) -> bool {
    find_secret_word(key.as_bytes()).is_some()
}

/// The offset of the first `secret`, in any letter case (no lower-case copy: every key of every
/// file goes through here).
pub fn find_secret_word(bytes: &[u8]) -> Option<usize> {
    memchr::memchr2_iter(b's', b'S', bytes).find(|&start| {
        bytes
            .get(start + 1..start + 6)
            .is_some_and(|rest| rest.eq_ignore_ascii_case(b"ecret"))
    })
}

/// How many times the word `secret` (any letter case) stands in a text.
pub fn count_secret_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut from = 0;
    while let Some(found) = find_secret_word(&bytes[from..]) {
        count += 1;
        from += found + "secret".len();
    }
    count
}

/// What a tree holds under secret keys, gathered in one walk (every file goes through here).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TreeSecrets {
    /// The spans of every value held under a secret key, anywhere in the tree (duplicates
    /// included); a value that is only `${NAME}` names a variable, reveals nothing, and is left
    /// out.
    pub spans: Vec<Span>,
    /// The scalar values held under a secret key, anywhere in the tree, as loaded: an alias under
    /// `clientSecret` carries the anchored value (whose source span is elsewhere), and a quoted
    /// value carries its unescaped text. The report layer masks and scrubs these wherever they
    /// appear.
    pub values: Vec<String>,
    /// How many times the word `secret` stands in the key names. A key name that itself holds a
    /// `:` (`"note clientSecret: value"`) is not counted: the lexical scan reads a value in it,
    /// which the tree does not know as one.
    pub words_in_keys: usize,
}

/// Adds what `root` holds under secret keys to `found`.
pub fn gather_secrets(root: &Node, found: &mut TreeSecrets) {
    // (node, whether it is under a secret key)
    let mut stack = vec![(root, false)];
    while let Some((node, secret)) = stack.pop() {
        match &node.value {
            Value::Mapping(entries) => {
                for entry in entries {
                    let words = count_secret_words(&entry.key);
                    if !entry.key.contains(':') {
                        found.words_in_keys += words;
                    }
                    let secret_key = words > 0;
                    // Spans: the outermost value under a secret key covers everything in it.
                    if secret_key && !secret {
                        let only_reference = matches!(&entry.value.value,
                            Value::String(text) if crate::env::is_only_references(text));
                        if !only_reference {
                            found.spans.push(entry.value.span.clone());
                        }
                    }
                    stack.push((&entry.value, secret || secret_key));
                }
            }
            Value::Sequence(items) => stack.extend(items.iter().map(|item| (item, secret))),
            Value::String(text) if secret => found.values.push(text.clone()),
            _ => {}
        }
    }
}
