//! Where a file's known secret values stand in a text: one automaton over all of them, so a text
//! is read once however many values a file holds (a 1 MiB file can hold 40,000 secret keys, and
//! one search per value per message was quadratic).

use std::cell::OnceCell;
use std::collections::HashMap;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};
use secrecy::{ExposeSecret, SecretString};

use super::MIN_SCRUBBED_LENGTH;
use crate::document::Span;

/// Up to this many values, asking whether a short text holds one is cheaper as one memchr-led
/// search per value than building an automaton (most files hold one or two secrets, and every
/// message of every file is asked).
const FEW: usize = 4;

/// The secret values of one file that are searched for in texts: each trimmed, at least
/// `MIN_SCRUBBED_LENGTH` characters long (shorter ones are common words, masked only where they
/// stand under a secret key), once each.
pub struct SecretValues<'a> {
    values: Vec<&'a str>,
    /// Whether no value can overlap itself (`has_no_border`), decided once per file's values.
    no_borders: bool,
    /// Built the first time it is needed.
    automaton: OnceCell<Option<Longest>>,
}

impl std::fmt::Debug for SecretValues<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the values themselves.
        write!(f, "SecretValues({} values)", self.values.len())
    }
}

impl<'a> SecretValues<'a> {
    pub fn new(secrets: &'a [SecretString]) -> SecretValues<'a> {
        let mut values: Vec<&str> = secrets
            .iter()
            .map(|secret| secret.expose_secret().trim())
            .filter(|value| value.chars().count() >= MIN_SCRUBBED_LENGTH)
            .collect();
        values.sort_unstable();
        values.dedup();
        let no_borders = values.len() <= FEW && values.iter().all(|value| has_no_border(value));
        SecretValues {
            values,
            no_borders,
            automaton: OnceCell::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Whether the text holds any of the values.
    pub fn occur_in(&self, text: &str) -> bool {
        if self.values.len() <= FEW {
            return self
                .values
                .iter()
                .any(|value| contains(text.as_bytes(), value.as_bytes()));
        }
        self.automaton()
            .is_some_and(|automaton| automaton.finds(text.as_bytes()))
    }

    /// The byte ranges the values cover in the text, in order, overlapping occurrences merged:
    /// every byte of every occurrence of every value is in one of them.
    pub fn spans_in(&self, text: &str) -> Vec<Span> {
        if self.values.is_empty() {
            return Vec::new();
        }
        // Most files hold a secret or two, and building an automaton costs far more than reading
        // a file's text once per value. A value that no proper prefix ends (no border) cannot
        // overlap itself, so its non-overlapping occurrences are all of them.
        if self.no_borders {
            let mut occurrences: Vec<Span> = self
                .values
                .iter()
                .flat_map(|value| {
                    memchr::memmem::find_iter(text.as_bytes(), value.as_bytes())
                        .map(|start| start..start + value.len())
                })
                .collect();
            occurrences.sort_unstable_by_key(|span| (span.start, span.end));
            let mut spans: Vec<Span> = Vec::with_capacity(occurrences.len());
            for span in occurrences {
                match spans.last_mut() {
                    // Overlapping: one range; adjacent ones stay apart, as in `Longest::covered`.
                    Some(previous) if span.start < previous.end => {
                        previous.end = previous.end.max(span.end);
                    }
                    _ => spans.push(span),
                }
            }
            return spans;
        }
        self.automaton()
            .map_or_else(Vec::new, |automaton| automaton.covered(text.as_bytes()))
    }

    fn automaton(&self) -> Option<&Longest> {
        self.automaton
            .get_or_init(|| Longest::new(&self.values))
            .as_ref()
    }
}

/// An Aho-Corasick automaton that tells, at each position of a text, the longest value ending
/// there: with it, the union of all occurrences (overlapping ones included) is found in one pass,
/// where listing every overlapping match could take far longer (values that are suffixes of
/// each other, such as `aaaaaa`, `aaaaaaa`, ...).
struct Longest {
    nfa: NFA,
}

impl Longest {
    fn new(values: &[&str]) -> Option<Longest> {
        // Standard semantics keep every match of a state (not only the leftmost-first one).
        NFA::builder()
            .match_kind(MatchKind::Standard)
            .build(values)
            .ok()
            .map(|nfa| Longest { nfa })
    }

    /// The longest value that ends in this (matching) state.
    fn longest_at(&self, state: StateID) -> usize {
        (0..self.nfa.match_len(state))
            .map(|index| self.nfa.pattern_len(self.nfa.match_pattern(state, index)))
            .max()
            .unwrap_or(0)
    }

    /// Whether any value occurs in the text.
    fn finds(&self, text: &[u8]) -> bool {
        self.nfa
            .try_find(&aho_corasick::Input::new(text))
            .is_ok_and(|found| found.is_some())
    }

    fn covered(&self, text: &[u8]) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        let Ok(mut state) = self.nfa.start_state(Anchored::No) else {
            return spans;
        };
        // The longest value of each matching state, measured once per state: a state can hold
        // many values (all those that are suffixes of its text).
        let mut longest: HashMap<StateID, usize> = HashMap::new();
        for (index, &byte) in text.iter().enumerate() {
            state = self.nfa.next_state(Anchored::No, state, byte);
            if !self.nfa.is_match(state) {
                continue;
            }
            let length = *longest
                .entry(state)
                .or_insert_with(|| self.longest_at(state));
            let end = index + 1;
            let mut start = end - length;
            // Overlapping earlier occurrences become one range (adjacent ones stay apart, as two
            // values written side by side are two occurrences). A long value can begin before a
            // shorter one found earlier inside it, and so swallow several ranges: ends only grow,
            // so those are the last ones, and each range is merged away once.
            while let Some(previous) = spans.last()
                && start < previous.end
            {
                start = start.min(previous.start);
                spans.pop();
            }
            spans.push(start..end);
        }
        spans
    }
}

/// Whether no proper prefix of the value is also its suffix (the failure function of
/// Knuth-Morris-Pratt ends at zero): then two occurrences of it cannot overlap.
fn has_no_border(value: &str) -> bool {
    let bytes = value.as_bytes();
    // A border of length k starts the suffix at byte n - k with the value's first byte: a value
    // whose first byte does not come back (most secrets) has none.
    match bytes.split_first() {
        None => return true,
        Some((first, rest)) if memchr::memchr(*first, rest).is_none() => return true,
        Some(_) => {}
    }
    // Most secrets are short: their failure function fits on the stack.
    let mut short = [0usize; 64];
    let mut long = Vec::new();
    let failure: &mut [usize] = if bytes.len() <= short.len() {
        &mut short[..bytes.len()]
    } else {
        long.resize(bytes.len(), 0);
        &mut long
    };
    let mut matched = 0;
    for index in 1..bytes.len() {
        while matched > 0 && bytes[index] != bytes[matched] {
            matched = failure[matched - 1];
        }
        if bytes[index] == bytes[matched] {
            matched += 1;
        }
        failure[index] = matched;
    }
    failure.last().is_none_or(|&border| border == 0)
}

/// Texts up to this long are searched by `contains` without building a searcher.
const SHORT_TEXT: usize = 1024;

/// Substring search tuned for messages, which are short: setting up a two-way searcher costs more
/// than finding the needle's first byte with memchr and comparing from there. Longer texts (a
/// message quoting a huge value) still get the searcher, so the work stays linear.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else {
        return false;
    };
    if haystack.len() > SHORT_TEXT {
        return memchr::memmem::find(haystack, needle).is_some();
    }
    let Some(&first) = needle.first() else {
        return true;
    };
    memchr::memchr_iter(first, &haystack[..=last_start])
        .any(|start| haystack[start..].starts_with(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(values: &[&str]) -> Vec<SecretString> {
        values
            .iter()
            .map(|value| SecretString::from((*value).to_owned()))
            .collect()
    }

    /// Every byte of every occurrence, found the slow way.
    fn covered_naively(text: &str, values: &[&str]) -> Vec<bool> {
        let mut covered = vec![false; text.len()];
        for value in values {
            let value = value.trim();
            if value.chars().count() < MIN_SCRUBBED_LENGTH {
                continue;
            }
            for start in 0..text.len() {
                if text.as_bytes()[start..].starts_with(value.as_bytes()) {
                    covered[start..start + value.len()].fill(true);
                }
            }
        }
        covered
    }

    fn covered_by_spans(text: &str, spans: &[Span]) -> Vec<bool> {
        let mut covered = vec![false; text.len()];
        for span in spans {
            covered[span.clone()].fill(true);
        }
        covered
    }

    #[test]
    fn borders_are_found() {
        for (value, border) in [
            ("abcabc", true),
            ("aaaaaa", true),
            ("abcdab", true),
            ("abcdef", false),
            ("Zq18Q~abcdefZ", true),
            ("Zq18Q~abcdefg", false),
            ("", false),
        ] {
            assert_eq!(!has_no_border(value), border, "{value}");
        }
        // Values longer than the failure function's room on the stack.
        for length in [63, 64, 65, 200] {
            let plain: String = (0..length)
                .map(|index| char::from(b'a' + (index % 26) as u8))
                .collect();
            let bordered = format!("{plain}a");
            assert_eq!(!has_no_border(&plain), length > 26, "{length}");
            assert!(!has_no_border(&bordered), "{length}");
            let unique = format!("{}z", "y".repeat(length));
            assert!(has_no_border(&unique), "{length}");
        }
    }

    proptest::proptest! {
        /// The shortcuts of `has_no_border` (a first byte that does not come back, the failure
        /// function on the stack) against the definition, over small alphabets where borders are
        /// common and lengths around the stack's room.
        #[test]
        fn borders_agree_with_the_definition(value in "[abQ~]{0,70}|[a-z]{60,70}") {
            let bytes = value.as_bytes();
            let bordered = (1..bytes.len()).any(|k| bytes[..k] == bytes[bytes.len() - k..]);
            proptest::prop_assert_eq!(has_no_border(&value), !bordered, "{}", value);
        }
    }

    #[test]
    fn spans_cover_every_occurrence_overlapping_ones_too() {
        let cases: &[(&str, &[&str])] = &[
            ("id: abcdefghi and abcdef", &["abcdef", "defghi"]),
            ("aaaaaaaaaa", &["aaaaaa"]),
            ("xaaaaaaaay", &["aaaaaa", "aaaaaaa", "aaaaaaaa"]),
            ("s3cr3t-vALUE s3cr3t-vALUEs3cr3t-vALUE", &["s3cr3t-vALUE"]),
            ("é secret-é-value é", &["secret-é-value"]),
            ("short ab ab", &["ab", "  padded-value  "]),
            ("  padded-value", &["ab", "  padded-value  "]),
            // Values that overlap themselves (a border), and values beside each other.
            ("abcabcabc abcab", &["abcabc"]),
            ("xyzw-secretxyzw-secret", &["xyzw-secret", "secretxyzw"]),
            ("aaaaaaaaaa", &["aaaaaa", "bbbbbbbb"]),
            // A value that begins before shorter values found inside it first.
            (
                "`LEAKnested/legacy` twice",
                &["nested", "LEAKnested/legacy"],
            ),
            (
                "x wxyzABCD-efgh-ijklmnop y",
                &["ABCD-e", "fgh-ij", "wxyzABCD-efgh-ijklmnop"],
            ),
            ("", &["abcdefgh"]),
            ("nothing here", &[]),
        ];
        for (text, values) in cases {
            let secrets = secrets(values);
            let found = SecretValues::new(&secrets);
            let spans = found.spans_in(text);
            assert_eq!(
                covered_by_spans(text, &spans),
                covered_naively(text, values),
                "{text:?} {values:?}"
            );
            // Sorted, and overlapping occurrences merged.
            assert!(spans.windows(2).all(|pair| pair[0].end <= pair[1].start));
            assert_eq!(found.occur_in(text), !spans.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn many_values_are_asked_alike_through_the_automaton() {
        let values: Vec<String> = (0..50).map(|index| format!("value-{index:04}")).collect();
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        let secrets = secrets(&refs);
        let found = SecretValues::new(&secrets);
        assert!(found.occur_in("the key holds value-0042, sadly"));
        assert!(!found.occur_in("the key holds value-9999"));
        let text = "value-0001value-0002 and value-0049";
        assert_eq!(
            covered_by_spans(text, &found.spans_in(text)),
            covered_naively(text, &refs)
        );
    }

    #[test]
    fn short_and_long_texts_are_searched_alike() {
        for (haystack, needle) in [
            ("abcabd", "abd"),
            ("abcabc", "abd"),
            ("ab", "abc"),
            ("", "a"),
            ("x", ""),
            ("aaaaab", "aab"),
            ("secret at the end: s3cr3t", "s3cr3t"),
        ] {
            let expected = haystack.contains(needle);
            assert_eq!(contains(haystack.as_bytes(), needle.as_bytes()), expected);
            let long = format!("{}{haystack}", "-".repeat(SHORT_TEXT));
            assert_eq!(contains(long.as_bytes(), needle.as_bytes()), expected);
        }
    }

    #[test]
    fn debug_output_holds_no_value() {
        let secrets = secrets(&["do-not-print-me"]);
        let shown = format!("{:?}", SecretValues::new(&secrets));
        assert!(!shown.contains("do-not-print-me"), "{shown}");
    }
}
