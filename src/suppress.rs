//! What a run leaves out of its report on purpose: codes and families named by `--ignore` and the
//! project file, and inline `# connector-lint: ignore[CODE, ...]` comments in YAML.
//!
//! Suppression only removes findings after the check has run; what is secret (and so masked) was
//! decided before and apart from it, so no suppression can make a secret visible. `load/*`
//! findings cannot be suppressed: a file that cannot be read is never a pass.

use std::fmt;

use crate::catalogue::{CATALOGUE, Code};
use crate::diagnostic::{Diagnostic, Location};
use crate::document::{Node, Span, Value};
use crate::source::{Format, SourceText};

/// A code, or a whole family of codes (`client-secret/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selector {
    Code(Code),
    /// A family prefix, with its slash: `client-secret/`.
    Family(&'static str),
}

impl Selector {
    pub fn matches(self, code: Code) -> bool {
        match self {
            Selector::Code(selected) => selected == code,
            Selector::Family(prefix) => code.as_str().starts_with(prefix),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Code(code) => f.write_str(code.as_str()),
            Selector::Family(prefix) => f.write_str(prefix),
        }
    }
}

/// Why a text does not name something that can be suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectorError {
    /// Neither a code nor a family; the closest codes, for a did-you-mean.
    Unknown {
        text: String,
        suggestions: Vec<&'static str>,
    },
    /// A `load/*` code or the `load/` family.
    Unsuppressible(String),
}

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectorError::Unknown { text, suggestions } if suggestions.is_empty() => write!(
                f,
                "`{text}` is not a connector-lint code or family; `connector-lint explain --list` shows every code"
            ),
            SelectorError::Unknown { text, suggestions } => write!(
                f,
                "`{text}` is not a connector-lint code or family; did you mean {}?",
                suggestions
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            SelectorError::Unsuppressible(text) => write!(
                f,
                "`{text}` cannot be suppressed: a file that cannot be read is never a pass"
            ),
        }
    }
}

impl std::error::Error for SelectorError {}

/// Whether findings of a code may be suppressed at all.
pub fn is_suppressible(code: Code) -> bool {
    !code.as_str().starts_with(UNSUPPRESSIBLE_FAMILY)
}

const UNSUPPRESSIBLE_FAMILY: &str = "load/";

/// The family prefixes of the catalogue, with their slash (`client-secret/`).
fn families() -> impl Iterator<Item = &'static str> {
    CATALOGUE
        .iter()
        .filter_map(|rule| rule.id.find('/').map(|slash| &rule.id[..=slash]))
}

/// Reads `client-secret/looks-like-secret-id`, `client-secret/` or `client-secret`.
pub fn parse_selector(text: &str) -> Result<Selector, SelectorError> {
    let text = text.trim();
    let selector = if let Some(code) = Code::from_id(text) {
        Some(Selector::Code(code))
    } else {
        let prefix = text.strip_suffix("/*").unwrap_or(text);
        families()
            .find(|family| {
                family.strip_suffix('/') == Some(prefix.strip_suffix('/').unwrap_or(prefix))
            })
            .map(Selector::Family)
    };
    match selector {
        Some(Selector::Code(code)) if !is_suppressible(code) => {
            Err(SelectorError::Unsuppressible(text.to_owned()))
        }
        Some(Selector::Family(UNSUPPRESSIBLE_FAMILY)) => {
            Err(SelectorError::Unsuppressible(text.to_owned()))
        }
        Some(selector) => Ok(selector),
        None => {
            // `clientsecret/` means a family; `key/unknwn` a code.
            let meant_family = text.ends_with('/') || text.ends_with("/*") || !text.contains('/');
            let mut suggestions = Vec::new();
            if meant_family {
                let family_text = format!("{}/", text.trim_end_matches(['/', '*']));
                let mut scored: Vec<(f64, &'static str)> = families()
                    .map(|family| (strsim::jaro_winkler(&family_text, family), family))
                    .filter(|(score, _)| *score > 0.8)
                    .collect();
                scored.sort_by(|a, b| b.0.total_cmp(&a.0));
                scored.dedup_by(|a, b| a.1 == b.1);
                suggestions = scored.into_iter().take(2).map(|(_, id)| id).collect();
            }
            if suggestions.is_empty() {
                suggestions = crate::explain::closest_codes(text);
            }
            Err(SelectorError::Unknown {
                text: text.to_owned(),
                suggestions,
            })
        }
    }
}

/// Codes and families to leave out of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreSet {
    selectors: Vec<Selector>,
}

impl IgnoreSet {
    pub fn new(selectors: Vec<Selector>) -> IgnoreSet {
        IgnoreSet { selectors }
    }

    pub fn extend(&mut self, other: &IgnoreSet) {
        self.selectors.extend(other.selectors.iter().copied());
    }

    pub fn is_empty(&self) -> bool {
        self.selectors.is_empty()
    }

    pub fn matches(&self, code: Code) -> bool {
        is_suppressible(code) && self.selectors.iter().any(|selector| selector.matches(code))
    }
}

/// One code named in an inline comment.
#[derive(Debug, Clone)]
struct Named {
    selector: Result<Selector, SelectorError>,
    /// Where the code is written in the comment.
    span: Span,
    used: bool,
}

/// One `# connector-lint: ignore[...]` comment.
#[derive(Debug, Clone)]
pub struct Inline {
    /// The 1-based line whose findings it suppresses.
    line: usize,
    /// The whole comment, for a comment that is not a well-formed suppression.
    comment: Span,
    named: Vec<Named>,
    /// Whether the comment is `connector-lint:` followed by something other than `ignore[...]`.
    malformed: bool,
}

const MARKER: &str = "connector-lint:";

/// The inline suppressions of a YAML text (JSON has no comments). `documents` are the loaded
/// trees: a `#` inside a key or value (a quoted string, a block scalar) is not a comment.
pub fn find_inline(source: &SourceText, documents: &[Node]) -> Vec<Inline> {
    if source.format != Format::Yaml {
        return Vec::new();
    }
    let text = source.text.as_str();
    let finder = memchr::memmem::find_iter(text.as_bytes(), MARKER.as_bytes());
    let mut found = Vec::new();
    let mut scalars: Option<Vec<Span>> = None;
    for marker in finder {
        let Some(hash) = comment_start(text, marker) else {
            continue;
        };
        let scalars = scalars.get_or_insert_with(|| scalar_spans(documents));
        if scalars
            .iter()
            .any(|span| span.start <= hash && hash < span.end)
        {
            continue;
        }
        let line_start = text[..hash]
            .rfind(['\n', '\r'])
            .map_or(0, |index| index + 1);
        let alone = text[line_start..hash].trim().is_empty();
        let line = source.position(hash).line + usize::from(alone);
        let line_end = text[marker..]
            .find(['\n', '\r'])
            .map_or(text.len(), |index| marker + index);
        let body_start = marker + MARKER.len();
        found.push(parse_comment(text, hash..line_end, body_start, line));
    }
    found
}

/// The `#` that starts the comment holding `connector-lint:` at `marker`: only spaces between
/// them, and before it the start of the line or a space (YAML's rule for a comment).
fn comment_start(text: &str, marker: usize) -> Option<usize> {
    let before = &text[..marker];
    let hash = before
        .trim_end_matches([' ', '\t'])
        .strip_suffix('#')?
        .len();
    let starts_comment = hash == 0
        || matches!(
            text.as_bytes().get(hash - 1),
            Some(b' ' | b'\t' | b'\n' | b'\r')
        );
    starts_comment.then_some(hash)
}

fn parse_comment(text: &str, comment: Span, body_start: usize, line: usize) -> Inline {
    let body = &text[body_start..comment.end];
    let mut inline = Inline {
        line,
        comment: comment.clone(),
        named: Vec::new(),
        malformed: true,
    };
    let trimmed = body.trim_start();
    let Some(rest) = trimmed.strip_prefix("ignore[") else {
        return inline;
    };
    let Some(close) = rest.find(']') else {
        return inline;
    };
    let list_start = body_start + (body.len() - trimmed.len()) + "ignore[".len();
    let mut offset = list_start;
    for part in rest[..close].split(',') {
        let start = offset + (part.len() - part.trim_start().len());
        let end = start + part.trim().len();
        offset += part.len() + 1;
        if part.trim().is_empty() {
            continue;
        }
        inline.named.push(Named {
            selector: parse_selector(part),
            span: start..end,
            used: false,
        });
    }
    inline.malformed = inline.named.is_empty();
    inline
}

/// The spans of every key and scalar value of the trees.
fn scalar_spans(documents: &[Node]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut stack: Vec<&Node> = documents.iter().collect();
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Sequence(items) => stack.extend(items),
            Value::Mapping(entries) => {
                for entry in entries {
                    spans.push(entry.key_span.clone());
                    stack.push(&entry.value);
                }
            }
            _ => spans.push(node.span.clone()),
        }
    }
    spans
}

/// Removes the suppressed findings from `diagnostics`, adds a `suppression/unused` finding for
/// every inline suppression that suppressed nothing, and returns how many were suppressed.
///
/// Inline comments are matched first, so a comment that repeats a run-wide ignore still counts
/// as used; a `suppression/unused` finding can itself be ignored run-wide.
pub fn apply(
    source: &SourceText,
    mut inline: Vec<Inline>,
    ignores: &[&IgnoreSet],
    diagnostics: &mut Vec<Diagnostic>,
) -> usize {
    let before = diagnostics.len();
    diagnostics.retain(|diagnostic| {
        if !is_suppressible(diagnostic.code) {
            return true;
        }
        if let Some(location) = &diagnostic.location {
            let line = location.start.line;
            for comment in inline.iter_mut().filter(|comment| comment.line == line) {
                if let Some(named) = comment.named.iter_mut().find(|named| {
                    named
                        .selector
                        .as_ref()
                        .is_ok_and(|selector| selector.matches(diagnostic.code))
                }) {
                    named.used = true;
                    return false;
                }
            }
        }
        !ignores.iter().any(|set| set.matches(diagnostic.code))
    });
    let mut suppressed = before - diagnostics.len();
    for unused in unused_suppressions(source, &inline) {
        if ignores.iter().any(|set| set.matches(unused.code)) {
            suppressed += 1;
        } else {
            diagnostics.push(unused);
        }
    }
    suppressed
}

fn unused_suppressions(source: &SourceText, inline: &[Inline]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let help_remove = "remove it from the comment (or the whole comment when it names nothing else), so that it cannot hide the next finding on that line";
    for comment in inline {
        if comment.malformed {
            found.push(
                Diagnostic::new(
                    Code::SuppressionUnused,
                    "this `connector-lint:` comment is not a suppression and suppresses nothing",
                )
                .with_help(
                    "write `# connector-lint: ignore[CODE, ...]` at the end of the line, or alone on the line above",
                )
                .at(Location::new(source, 0, "", comment.comment.clone())),
            );
            continue;
        }
        for named in comment.named.iter().filter(|named| !named.used) {
            let message = match &named.selector {
                Ok(selector) => format!(
                    "the suppression of `{selector}` suppresses nothing: no `{selector}` finding starts on line {}",
                    comment.line
                ),
                Err(error) => format!("the suppression suppresses nothing: {error}"),
            };
            found.push(
                Diagnostic::new(Code::SuppressionUnused, message)
                    .with_help(help_remove)
                    .at(Location::new(source, 0, "", named.span.clone())),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_codes_and_families() {
        assert_eq!(
            parse_selector("key/unknown"),
            Ok(Selector::Code(Code::KeyUnknown))
        );
        for family in ["client-secret/", "client-secret", "client-secret/*"] {
            assert_eq!(
                parse_selector(family),
                Ok(Selector::Family("client-secret/")),
                "{family}"
            );
        }
        assert!(Selector::Family("client-secret/").matches(Code::ClientSecretPlaintext));
        assert!(!Selector::Family("client-secret/").matches(Code::ClientIdNotGuid));
    }

    #[test]
    fn unknown_codes_get_a_did_you_mean() {
        let error = parse_selector("key/unknwn").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`key/unknwn` is not a connector-lint code or family; did you mean `key/unknown`?"
        );
        let error = parse_selector("client-secrt/").unwrap_err();
        assert!(error.to_string().contains("`client-secret/"), "{error}");
        let error = parse_selector("zzz").unwrap_err();
        assert!(error.to_string().contains("explain --list"), "{error}");
    }

    #[test]
    fn load_findings_cannot_be_suppressed() {
        for text in ["load/syntax", "load/", "load"] {
            assert!(
                matches!(parse_selector(text), Err(SelectorError::Unsuppressible(_))),
                "{text}"
            );
        }
        assert!(!IgnoreSet::new(vec![Selector::Family("load/")]).matches(Code::LoadSyntax));
    }

    fn inline_of(text: &str) -> Vec<Inline> {
        let source = SourceText::new("t.yaml", Format::Yaml, text.to_owned());
        let loaded = crate::document::load(&source);
        find_inline(&source, &loaded.documents)
    }

    #[test]
    fn comments_at_the_end_of_a_line_and_on_the_line_above() {
        let found = inline_of(
            "a: 1 # connector-lint: ignore[key/unknown]\n  # connector-lint: ignore[ client-secret/ , key/misspelled]\nb: 2\n",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, 1);
        assert_eq!(found[1].line, 3);
        let codes: Vec<String> = found[1]
            .named
            .iter()
            .map(|named| named.selector.as_ref().map(ToString::to_string).unwrap())
            .collect();
        assert_eq!(codes, ["client-secret/", "key/misspelled"]);
    }

    #[test]
    fn a_hash_inside_a_value_is_not_a_comment() {
        assert!(inline_of("a: \"x # connector-lint: ignore[key/unknown]\"\n").is_empty());
        assert!(inline_of("a: x#connector-lint: ignore[key/unknown]\n").is_empty());
        assert!(inline_of("a: |\n  # connector-lint: ignore[key/unknown]\nb: 1\n").is_empty());
        assert!(inline_of("a: 'it''s # connector-lint: ignore[key/unknown]'\n").is_empty());
        let json = SourceText::new(
            "t.json",
            Format::Json,
            "{\"a\": \"# connector-lint: ignore[key/unknown]\"}".to_owned(),
        );
        assert!(find_inline(&json, &[]).is_empty());
    }

    #[test]
    fn malformed_comments_are_kept_to_be_reported() {
        let found = inline_of("a: 1 # connector-lint: ignore key/unknown\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].malformed);
    }
}
