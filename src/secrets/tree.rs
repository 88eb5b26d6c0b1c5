//! What a loaded tree holds that is secret, gathered in one walk (every file goes through here).

use std::borrow::Cow;

use super::{Marks, count_secret_words, entra_tokens_inside, is_entra_secret, is_near_secret_key};
use crate::document::{Node, Span, Value};

/// What a tree holds under secret keys, and what the tool takes for a secret elsewhere in it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TreeSecrets<'a> {
    /// Source spans to mask: every value held under a secret key, anywhere in the tree (the
    /// outermost one covers all it holds; duplicates included), every key name that holds a secret
    /// key and more (`? {clientSecret: abc}`), and every key or value in the current Entra secret
    /// format. A value that is only `${NAME}` names a variable, reveals nothing, and is left out.
    pub spans: Vec<Span>,
    /// The secret texts, as loaded: every scalar under a secret key, and every key of a mapping
    /// under one (an alias under `clientSecret` carries the anchored value, whose source span is
    /// elsewhere; a quoted value carries its unescaped text); the values of the variables a
    /// `${NAME}` under a secret key reads; the key names and Entra-shaped values of `spans`.
    /// Borrowed from the tree and the text where they stand there (most do): `collect` copies
    /// each distinct one once, into a `SecretString`.
    pub values: Vec<Cow<'a, str>>,
    /// How many times the word `secret` stands in the key names. A key name that itself holds a
    /// `:` (`"note clientSecret: value"`) is not counted: the lexical scan reads a value in it,
    /// which the tree does not know as one.
    pub words_in_keys: usize,
}

/// Adds what `root` holds under secret keys (and in the shape of a secret anywhere) to `found`.
/// `text` is the source the spans index; `env` resolves `${NAME}` references.
pub fn gather<'a>(
    root: &'a Node,
    text: &'a str,
    env: &dyn Fn(&str) -> Option<String>,
    found: &mut TreeSecrets<'a>,
) {
    // (node, whether it is under a secret key), with room for a record or two, so that a small
    // file's walk allocates once.
    let mut stack = Vec::with_capacity(16);
    stack.push((root, false));
    while let Some((node, secret)) = stack.pop() {
        match &node.value {
            Value::Mapping(entries) => {
                for entry in entries {
                    let words = count_secret_words(&entry.key);
                    if words > 0 && !entry.key.contains(':') {
                        found.words_in_keys += words;
                    }
                    let secret_key = words > 0 || is_near_secret_key(&entry.key);
                    if secret {
                        // Everything under a secret key is secret, the keys of a mapping too.
                        found.values.push(Cow::Borrowed(&entry.key));
                    } else if (words > 0 && holds_more_than_a_name(&entry.key))
                        || is_entra_secret(&entry.key)
                    {
                        found.values.push(Cow::Borrowed(&entry.key));
                        found.spans.push(entry.key_span.clone());
                    }
                    if Marks::of(entry.key.as_bytes()).any(Marks::TILDE) {
                        push_entra_tokens(&entry.key, found);
                    }
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
            Value::String(value) => {
                if secret {
                    found.values.push(Cow::Borrowed(value));
                } else if is_entra_secret(value) {
                    found.values.push(Cow::Borrowed(value));
                    found.spans.push(node.span.clone());
                }
                // One look at the value's bytes says whether the rarer searches are needed.
                let marks = Marks::of(value.as_bytes());
                if marks.any(Marks::TILDE) {
                    push_entra_tokens(value, found);
                }
                if marks.any(Marks::DOLLAR) && holds_reference_start(value.as_bytes()) {
                    push_referenced(value, secret, env, found);
                }
            }
            Value::Null => {}
            // A number or a boolean under a secret key is secret as written.
            Value::Bool(_) | Value::Integer(_) | Value::Float(_) => {
                if secret && let Some(written) = text.get(node.span.clone()) {
                    found.values.push(Cow::Borrowed(written.trim()));
                }
            }
        }
    }
}

/// Whether `${` stands in a text.
fn holds_reference_start(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'$', bytes).any(|at| bytes.get(at + 1) == Some(&b'{'))
}

/// Whether a key name that holds the word `secret` holds more than a name: a complex key (`?
/// {clientSecret: abc}`, `[a, clientSecret]`) or a name that quotes a value (`"note clientSecret:
/// value"`). Such a name is quoted by messages (`key/unknown`), so it is secret as a whole.
fn holds_more_than_a_name(key: &str) -> bool {
    key.contains([':', '=', '{', '[', ',', '\n'])
}

/// The Entra-shaped tokens inside a longer text (a URL's query, a note): secret too.
fn push_entra_tokens<'a>(text: &'a str, found: &mut TreeSecrets<'a>) {
    for span in entra_tokens_inside(text) {
        found.values.push(Cow::Borrowed(&text[span]));
    }
}

/// The values of the variables a string references: secret when the string stands under a secret
/// key (each variable on its own, so one unset variable hides none of the others), or when a value
/// has the shape of a secret.
fn push_referenced(
    value: &str,
    secret: bool,
    env: &dyn Fn(&str) -> Option<String>,
    found: &mut TreeSecrets<'_>,
) {
    let references = crate::env::references(value);
    if references.is_empty() {
        return;
    }
    for (_, name) in &references {
        if let Some(resolved) = env(name)
            && (secret || is_entra_secret(&resolved))
        {
            found.values.push(Cow::Owned(resolved));
        }
    }
    if let Some(resolved) = crate::env::resolve(value, env).value
        && (secret || is_entra_secret(&resolved))
    {
        found.values.push(Cow::Owned(resolved));
    }
}

/// Adds the span of every key and string value that equals one of `known` (sorted, trimmed), so a
/// copy of a secret is masked in a snippet however the source spells it (escaped, quoted
/// otherwise).
pub fn spans_equal_to(root: &Node, known: &[&str], spans: &mut Vec<Span>) {
    if known.is_empty() {
        return;
    }
    let is_known = |text: &str| known.binary_search(&text.trim()).is_ok();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Mapping(entries) => {
                for entry in entries {
                    if is_known(&entry.key) {
                        spans.push(entry.key_span.clone());
                    }
                    stack.push(&entry.value);
                }
            }
            Value::Sequence(items) => stack.extend(items),
            Value::String(text) if is_known(text) => spans.push(node.span.clone()),
            _ => {}
        }
    }
}
