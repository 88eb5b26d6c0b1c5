//! What is secret in a document: the one owner of that decision, used by the check (to collect
//! the values to protect, `collect`) and by the report (to mask them before any snippet or message
//! is shown).
//!
//! Two sources agree here: the tree (`tree`: everything under a key that names a secret, and what
//! the tool itself takes for a secret wherever it stands) and a lexical scan of the text
//! (`lexical`), so a file that failed to parse, whose tree is incomplete, is protected too. A
//! secret is also secret in every spelling an output can hold it in (`projection`).

pub mod lexical;
pub mod marks;
pub mod projection;
pub mod search;
mod tree;

use std::borrow::Cow;
use std::sync::OnceLock;

use secrecy::{ExposeSecret, SecretString};

use crate::connectors::{self, KeyKind};
use crate::document::{Node, Span};

pub use lexical::{lexical_secret_spans, lexical_secret_values, lexical_values, value_spans};
pub use marks::Marks;
use projection::{Decoding, Projection};
pub use search::SecretValues;
pub use tree::TreeSecrets;

/// Shortest secret searched for in free text and elsewhere in a source: shorter values are
/// common words, and are caught by span masking where they stand under a secret key.
pub const MIN_SCRUBBED_LENGTH: usize = 6;

/// Whether a key names a secret: `clientSecret`, any key whose name contains `secret`, and a key
/// the shape check would take for a misspelled secret key (`clientSecert`, `client_secrte`,
/// `clientSec<zero-width space>ret`): the did-you-mean says the user meant a secret, so its value
/// is one.
pub fn is_secret_key(key: &str) -> bool {
    find_secret_word(key.as_bytes()).is_some() || is_near_secret_key(key)
}

/// Whether the did-you-mean of some connector's shape check (`schema::suggest_key`) turns `key`
/// into one of that connector's secret keys (`KeyKind::ClientSecret`).
pub fn is_near_secret_key(key: &str) -> bool {
    // Every key of every file comes here: only names about as long as a secret key can be a near
    // miss of one (the did-you-mean allows two edits), which rules out nearly all without work.
    let (shortest, longest) = *secret_key_lengths();
    // A key has no more letters than bytes: most keys are too short by their length alone.
    if key.len() + 2 < shortest {
        return false;
    }
    let letters = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .count();
    if letters + 2 < shortest || letters > longest + 2 {
        return false;
    }
    // A secret key's own name is its own closest key (distance 0).
    if secret_key_names().contains(&key) {
        return true;
    }
    // The did-you-mean's edit distance, for the few keys that could be near a secret key.
    if !secret_key_names()
        .iter()
        .any(|known| crate::schema::may_suggest(key, known))
    {
        return false;
    }
    connectors::PROFILES.iter().any(|profile| {
        crate::schema::suggest_key(profile, key)
            .and_then(|known| profile.key(known))
            .is_some_and(|known| known.kind == KeyKind::ClientSecret)
    })
}

/// The names of the connectors' secret keys, once each.
fn secret_key_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<&'static str> = connectors::PROFILES
            .iter()
            .flat_map(|profile| profile.keys_of(KeyKind::ClientSecret))
            .map(|key| key.name)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    })
}

/// The shortest and longest name of a secret key among the connectors, separators left out.
fn secret_key_lengths() -> &'static (usize, usize) {
    static LENGTHS: OnceLock<(usize, usize)> = OnceLock::new();
    LENGTHS.get_or_init(|| {
        let lengths = connectors::PROFILES
            .iter()
            .flat_map(|profile| profile.keys_of(KeyKind::ClientSecret))
            .map(|key| key.name.chars().filter(|c| c.is_alphanumeric()).count());
        lengths.fold((usize::MAX, 0), |(shortest, longest), length| {
            (shortest.min(length), longest.max(length))
        })
    })
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

/// Whether a value has the shape of a current Entra client secret (`abc8Q~` and 31 to 34 more):
/// the `client_id` rule calls a `clientId` of that shape "a client secret Value", and the tool
/// masks such a value wherever it stands, under whatever key.
pub fn is_entra_secret(value: &str) -> bool {
    // Every key and value of every file comes here. The cleaned value is a part of the value, and
    // the format is at least `ENTRA_SECRET_LENGTH` bytes long and holds `Q~`: most texts (ids,
    // names) are shorter or lack the marker, and need no cleaning.
    value.len() >= ENTRA_SECRET_LENGTH
        && holds_entra_marker(value.as_bytes())
        && crate::rules::client_secret::is_current_format(crate::rules::values::cleaned(value))
}

/// The shortest text in the current Entra secret format (`is_current_format`: 3 + 1 + 2 + 31).
const ENTRA_SECRET_LENGTH: usize = 37;

/// Where `Q~`, the fixed marker of the current Entra secret format, starts in a text (at the `Q`).
/// The `~` is rare in text and `memchr` finds it without setting up a substring searcher, which
/// costs more than reading a short key or value; `Q~` cannot overlap itself, so these are all
/// its occurrences.
fn entra_markers(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'~', bytes)
        .filter(move |&tilde| tilde > 0 && bytes[tilde - 1] == b'Q')
        .map(|tilde| tilde - 1)
}

/// Whether a text holds `Q~` anywhere (nothing in it can be an Entra secret otherwise). Every key
/// and value of every file is asked, most of them a few bytes long: `Marks` rules out the texts
/// without a `~` for less than a `memchr` call costs.
pub(crate) fn holds_entra_marker(bytes: &[u8]) -> bool {
    Marks::of(bytes).any(Marks::TILDE) && entra_markers(bytes).next().is_some()
}

/// A byte an Entra secret is made of (`is_current_format`'s alphabet).
fn is_entra_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'~' | b'.' | b'-')
}

/// The tokens of a text that have the shape of a current Entra client secret (inside a URL, a
/// comment, a longer value), as byte ranges.
pub fn entra_secret_tokens(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let allowed = is_entra_byte;
    entra_markers(bytes)
        .filter_map(|marker| {
            let start = marker.checked_sub(4)?;
            let end = marker
                + 2
                + bytes[marker + 2..]
                    .iter()
                    .take_while(|&&byte| allowed(byte))
                    .count();
            let bounded = start == 0 || !allowed(bytes[start - 1]);
            (bounded && text.get(start..end).is_some_and(is_entra_secret)).then_some(start..end)
        })
        .collect()
}

/// `entra_secret_tokens` without the tokens that are the whole text. A token starts at the start
/// of the text or after a byte outside the alphabet, and runs on while the alphabet does: in a
/// text made only of the alphabet (a secret on its own, an id), the one token there can be is
/// the whole text, so the search is spared.
pub(crate) fn entra_tokens_inside(text: &str) -> Vec<Span> {
    if text.bytes().all(is_entra_byte) || !holds_entra_marker(text.as_bytes()) {
        return Vec::new();
    }
    let mut tokens = entra_secret_tokens(text);
    tokens.retain(|span| span.len() < text.len());
    tokens
}

/// Everything secret about one file, as the check collects it.
#[derive(Debug, Default)]
pub struct FileSecrets {
    /// Byte ranges of secret text in the source, for snippets (only when asked for).
    pub spans: Vec<Span>,
    /// Secret values, as written and as loaded or resolved, once each, to scrub from any text.
    pub values: Vec<SecretString>,
}

/// Collects what is secret in a file: from its documents (all of them, also those read before a
/// syntax error), from the environment its `${NAME}` references under secret keys resolve to, and,
/// when the tree cannot account for every `secret` in the text, from the lexical scan.
/// `with_spans` also gathers the source spans to mask (only snippets need them). A text that is not
/// UTF-8 (shown from its lossy decoding) has no documents and counts as failed.
pub fn collect(
    text: &str,
    documents: &[Node],
    load_failed: bool,
    env: &dyn Fn(&str) -> Option<String>,
    with_spans: bool,
) -> FileSecrets {
    // A record holds a secret or two: room for those spares growing the lists one by one.
    let mut found = TreeSecrets {
        spans: Vec::with_capacity(4),
        values: Vec::with_capacity(4),
        words_in_keys: 0,
    };
    for root in documents {
        tree::gather(root, text, env, &mut found);
    }
    // The values as they stand in the tree and the text, each copied into a `SecretString` once
    // it is known to be distinct (the same value arrives from the span, the tree and the
    // lexical scan).
    let mut plain: Vec<Cow<'_, str>> = Vec::with_capacity(found.values.len() + found.spans.len());
    // Secret values as written, for scrubbing free text. A bare `${NAME}` names a variable and
    // was left out of the spans (its resolved value is among the values).
    for span in &found.spans {
        if let Some(written) = text.get(span.clone()) {
            let unquoted = written.trim().trim_matches(['"', '\'']);
            if !crate::env::is_only_references(unquoted) {
                plain.push(Cow::Borrowed(unquoted));
            }
        }
    }
    plain.extend(
        std::mem::take(&mut found.values)
            .into_iter()
            .filter(|value| !crate::env::is_only_references(value)),
    );
    if load_failed {
        plain.extend(
            entra_secret_tokens(text)
                .into_iter()
                .map(|span| Cow::Borrowed(&text[span])),
        );
    }
    plain.sort_unstable();
    plain.dedup();
    let mut values: Vec<SecretString> = plain
        .into_iter()
        .map(|value| SecretString::from(value.into_owned()))
        .collect();
    // And what the lexical scan takes for secret values: a file that failed to parse has no
    // tree, and its text may come back in a message (e.g. inside a broken key). Collected here,
    // while the text is at hand, because machine formats never see the text.
    // The scan only finds values after a `secret` word (or a near miss of a secret key, which
    // the tree knows too when the file parses); when every such word in the text is in the name
    // of a key the tree knows as secret, it can find nothing the tree did not give.
    let escaped = Decoding::Lexical.applies(text);
    if load_failed || escaped || count_secret_words(text) != found.words_in_keys {
        values.extend(lexical_secret_values(text, load_failed));
        // Each value is searched for in every message, so keep one of each.
        values.sort_unstable_by(|a, b| a.expose_secret().cmp(b.expose_secret()));
        values.dedup_by(|a, b| a.expose_secret() == b.expose_secret());
    }
    let mut spans = Vec::new();
    if with_spans {
        spans = found.spans;
        // Every key and value equal to a secret, however it is written in the source (a copy
        // escaped as `\u007e`, or with other quotes, in another key).
        let known = lexical::searched(&values);
        for root in documents {
            tree::spans_equal_to(root, &known, &mut spans);
        }
        // What no tree holds (the whole text, when it did not parse), the Entra-shaped tokens,
        // and every other place where a known secret stands, however it is spelled there.
        spans.extend(lexical_secret_spans(text, load_failed));
        spans.extend(entra_secret_tokens(text));
        spans.extend(value_spans(text, &values));
    }
    FileSecrets { spans, values }
}

/// Searches texts for the secrets of one file, in every spelling an output or a source can hold
/// them in: as they are, with backslash escapes (JSON, YAML, a debug form), as a JSON Pointer
/// segment (`~0`, `~1`) and percent-encoded (`%7E`). Only values of at least
/// `MIN_SCRUBBED_LENGTH` characters are searched for.
/// All the values go into one automaton (`SecretValues`): a text is read once per spelling
/// however many secrets a file holds (a 1 MiB file can hold 40,000).
#[derive(Debug)]
pub struct Finder<'a> {
    values: SecretValues<'a>,
}

impl<'a> Finder<'a> {
    pub fn new(secrets: &'a [SecretString]) -> Finder<'a> {
        Finder {
            values: SecretValues::new(secrets),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Whether a text holds any of the secrets, in any spelling.
    pub fn holds(&self, text: &str) -> bool {
        !self.values.is_empty()
            && (self.values.occur_in(text)
                || self
                    .decoded_views(text)
                    .any(|view| self.values.occur_in(&view.text)))
    }

    /// `holds`, for a text whose marks are known: a text without `\\`, `~` or `%` has no other
    /// spelling to decode.
    pub fn holds_marked(&self, text: &str, marks: Marks) -> bool {
        !self.values.is_empty()
            && (self.values.occur_in(text)
                || (marks.any(Marks::BACKSLASH | Marks::TILDE | Marks::PERCENT)
                    && self
                        .decoded_views(text)
                        .any(|view| self.values.occur_in(&view.text))))
    }

    /// The byte ranges of `text` that hold a secret, in any spelling (overlapping ranges are
    /// possible).
    pub fn find(&self, text: &str) -> Vec<Span> {
        let mut spans = Vec::new();
        if self.values.is_empty() {
            return spans;
        }
        for view in std::iter::once(Projection::identity(text)).chain(self.decoded_views(text)) {
            spans.extend(
                self.values
                    .spans_in(&view.text)
                    .into_iter()
                    .map(|span| view.original(&span)),
            );
        }
        spans.sort_unstable_by_key(|span| (span.start, span.end));
        spans.dedup();
        spans
    }

    fn decoded_views<'t>(&self, text: &'t str) -> impl Iterator<Item = Projection<'t>> {
        // Each of these decodings applies only to a text holding its lead byte (`\\`, `~`, `%`):
        // one pass rules out all three for most texts.
        let any = memchr::memchr3(b'\\', b'~', b'%', text.as_bytes()).is_some();
        [Decoding::Backslash, Decoding::Pointer, Decoding::Percent]
            .into_iter()
            .filter(move |decoding| any && decoding.applies(text))
            .map(move |decoding| Projection::new(text, decoding))
    }
}

/// `Finder::find` for one text.
pub fn occurrences(text: &str, secrets: &[SecretString]) -> Vec<Span> {
    Finder::new(secrets).find(text)
}

/// The names that a JSON Pointer passes through below a key that names a secret: everything
/// under a secret key is secret, its keys too (`/clientSecret/<a key of the mapping it holds>`).
pub fn names_under_secret_key(pointer: &str) -> Vec<String> {
    // Every diagnostic's pointer comes here. Without a `~` no segment holds an escape, and the
    // segments are the pieces between the slashes as they stand (as `pointer::segments` splits
    // them): no segment needs copying unless it is below a secret key.
    if memchr::memchr(b'~', pointer.as_bytes()).is_none() {
        if pointer.is_empty() {
            return Vec::new();
        }
        let mut segments = pointer.trim_start_matches('/').split('/');
        return match segments.position(is_secret_key) {
            Some(_) => segments.map(str::to_owned).collect(),
            None => Vec::new(),
        };
    }
    let segments = crate::document::pointer::segments(pointer);
    match segments.iter().position(|segment| is_secret_key(segment)) {
        Some(key) => segments[key + 1..].to_vec(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;

    use super::*;

    #[test]
    fn secret_keys_are_named_or_near_misses() {
        for key in [
            "clientSecret",
            "client_secret",
            "mySecretKey",
            "SECRET",
            "clientSecert",
            "clientScret",
            "client_secrte",
            "clientSec\u{200b}ret",
            "ClientSecet",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "clientId",
            "redirectUri",
            "tenantId",
            "description",
            "x",
            "callbackUrl",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn entra_tokens_are_found_inside_longer_text() {
        let secret = "abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a";
        let text = format!("https://x/cb?s={secret}&t=1 and {secret}x{secret}");
        let tokens: Vec<&str> = entra_secret_tokens(&text)
            .into_iter()
            .map(|span| &text[span])
            .collect();
        assert_eq!(tokens, vec![secret]);
        assert!(is_entra_secret(&format!(" \"{secret}\" ")));
        assert!(entra_secret_tokens("Q~ at the start, aQ~b").is_empty());
    }

    #[test]
    fn spellings_of_a_secret_are_found() {
        let secrets = [SecretString::from("abc8Q~dEf/ghij\"k".to_owned())];
        let finder = Finder::new(&secrets);
        for text in [
            "x abc8Q~dEf/ghij\"k y",
            "/abc8Q~0dEf~1ghij\"k",
            "abc8Q\\u007edEf\\/ghij\\\"k",
            "abc8Q%7EdEf%2Fghij%22k",
        ] {
            assert!(finder.holds(text), "{text}");
            let spans = finder.find(text);
            assert_eq!(spans.len(), 1, "{text}: {spans:?}");
            assert!(text[spans[0].clone()].ends_with('k'), "{text}");
        }
        assert!(!finder.holds("abc8Q~dEf"));
    }

    /// Pieces that generated texts are made of: the Entra marker and alphabet, the bytes every
    /// shortcut looks for, escapes, separators and characters outside ASCII.
    const PIECES: &[&str] = &[
        "Q~",
        "Q",
        "~",
        "abc8",
        "abc8Q~",
        "8",
        "a",
        "Z",
        "-",
        ".",
        "_",
        "0123456789",
        "dEfGhIjKlM",
        " ",
        "\"",
        "'",
        "`",
        "/",
        ":",
        "=",
        "#",
        "$",
        "${X}",
        "{",
        "\\",
        "%7E",
        "~0",
        "~1",
        "é",
        "\u{a0}",
        "\u{200b}",
        "\n",
        "\t",
        "secret",
        "clientSecret",
        "clientSecert",
    ];

    fn generated_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(PIECES), 0..24)
            .prop_map(|pieces| pieces.concat())
    }

    /// The Entra tokens by their definition, without any search: every maximal run of the
    /// format's alphabet that is in the format (a token is bounded on both sides, and a run holds
    /// at most one token: the one whose marker stands 4 bytes after the run's start).
    fn entra_tokens_by_definition(text: &str) -> Vec<Span> {
        let bytes = text.as_bytes();
        let mut tokens = Vec::new();
        let mut start = 0;
        while start < bytes.len() {
            let run = bytes[start..]
                .iter()
                .take_while(|&&byte| is_entra_byte(byte))
                .count();
            if crate::rules::client_secret::is_current_format(&text[start..start + run]) {
                tokens.push(start..start + run);
            }
            start += run.max(1);
            while start < bytes.len() && !text.is_char_boundary(start) {
                start += 1;
            }
        }
        tokens
    }

    fn assert_entra_shortcuts_agree(text: &str) {
        let bytes = text.as_bytes();
        assert_eq!(
            entra_markers(bytes).collect::<Vec<_>>(),
            memchr::memmem::find_iter(bytes, b"Q~").collect::<Vec<_>>(),
            "{text:?}"
        );
        assert_eq!(
            holds_entra_marker(bytes),
            memchr::memmem::find(bytes, b"Q~").is_some(),
            "{text:?}"
        );
        assert_eq!(
            is_entra_secret(text),
            crate::rules::client_secret::is_current_format(crate::rules::values::cleaned(text)),
            "{text:?}"
        );
        let all = entra_tokens_by_definition(text);
        assert_eq!(entra_secret_tokens(text), all, "{text:?}");
        let inside: Vec<Span> = all
            .into_iter()
            .filter(|span| span.len() < text.len())
            .collect();
        assert_eq!(entra_tokens_inside(text), inside, "{text:?}");
    }

    #[test]
    fn entra_shortcuts_agree_with_the_plain_search() {
        let secret = "abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a";
        let mut texts = vec![
            String::new(),
            secret.to_owned(),
            format!(" {secret} "),
            format!("\"{secret}\""),
            format!("'{secret}'"),
            format!("\u{200b}{secret}\u{feff}"),
            format!("{secret}{secret}"),
            format!("x{secret}"),
            format!("{secret}/x"),
            format!("https://x/cb?s={secret}&t={secret}"),
            format!("abc8Q~{}", "a".repeat(30)),
            "Q~".repeat(30),
            "abc8Q~Q~Q~Q~Q~Q~Q~Q~Q~Q~Q~Q~Q~Q~Q~Q~Q~".to_owned(),
        ];
        // Every length around the format's bounds, with and without a tail outside the alphabet.
        for length in 0..48 {
            let tail = "a".repeat(length);
            texts.push(format!("abc8Q~{tail}"));
            texts.push(format!("abc8Q~{tail} x"));
            texts.push(format!("{tail}abc8Q~{tail}"));
        }
        for text in &texts {
            assert_entra_shortcuts_agree(text);
        }
    }

    /// Pointers as `pointer::segments` reads them, for the shortcut to agree with.
    fn names_under_secret_key_by_segments(pointer: &str) -> Vec<String> {
        let segments = crate::document::pointer::segments(pointer);
        match segments.iter().position(|segment| is_secret_key(segment)) {
            Some(key) => segments[key + 1..].to_vec(),
            None => Vec::new(),
        }
    }

    #[test]
    fn names_below_a_secret_key_agree_with_the_segments() {
        for pointer in [
            "",
            "/",
            "//",
            "///clientSecret",
            "clientSecret/x",
            "/clientSecret",
            "/clientSecret/",
            "/clientSecret//a",
            "/0/clientSecret/a/b/0",
            "/a/b/c",
            "/clientSecert/x",
            "/x/secretly/y",
            "/a~1clientSecret/b",
            "/client~0Secret/b",
            "/clientSecret/a~1b/~0",
        ] {
            assert_eq!(
                names_under_secret_key(pointer),
                names_under_secret_key_by_segments(pointer),
                "{pointer:?}"
            );
        }
    }

    proptest::proptest! {
        /// The Entra shortcuts (a `~` first, texts of the alphabet alone) over generated texts.
        #[test]
        fn generated_texts_agree_on_entra_tokens(text in generated_text()) {
            assert_entra_shortcuts_agree(&text);
        }

        /// The pointer shortcut (no `~`, no copies) over generated pointers.
        #[test]
        fn generated_pointers_agree_on_names_below_secret_keys(
            segments in proptest::collection::vec(generated_text(), 0..5),
            leading in 0usize..3,
        ) {
            let pointer = format!("{}{}", "/".repeat(leading), segments.join("/"));
            proptest::prop_assert_eq!(
                names_under_secret_key(&pointer),
                names_under_secret_key_by_segments(&pointer)
            );
        }
    }

    #[test]
    fn names_below_a_secret_key_are_secret() {
        assert_eq!(
            names_under_secret_key("/clientSecret/a~1b/0"),
            vec!["a/b".to_owned(), "0".to_owned()]
        );
        assert!(names_under_secret_key("/0/clientId").is_empty());
    }
}
