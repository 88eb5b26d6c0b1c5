//! The lexical scan: secret values found in the text itself, without a tree (a file that failed to
//! parse has none, or only part of one). When in doubt it masks: a line is shown only when the
//! scan can tell that no secret value reaches it.
//!
//! The scan reads a view of the text (`Projection`, `Decoding::Lexical`) in which NULs and
//! zero-width characters are left out and numeric escapes decoded: a file saved as UTF-16 reads as
//! ASCII with a NUL after every letter, and `"client\u0053ecret"` (JSON) or `"client\x53ecret"`
//! (YAML) name a secret key as much as `clientSecret` does.

use secrecy::{ExposeSecret, SecretString};

use super::projection::{Decoding, Projection};
use super::{MIN_SCRUBBED_LENGTH, find_secret_word, is_near_secret_key};
use crate::document::Span;

/// The spans a lexical scan finds, in the original text. After a key that names a secret (the
/// word `secret` in any letter case and whatever surrounds it, `"Client secret value"`,
/// `clientSecret(prod)`, `secret/prod`; a near miss such as `clientSecert`; an alias of an anchored
/// secret key; an anchor a secret key aliases), the value's plausible extent is masked:
///
/// - the rest of the line, from the first `:` or `=` after the word (from the word's end when there
///   is none);
/// - the following lines indented deeper than the key (block scalars, continuation lines, nested
///   mappings and lists), and lines while a bracket or quote the value opened is still open (a
///   flow sequence or mapping, a quoted scalar over several lines), whatever their indentation;
/// - a value on a later line: the key ends its line (`"clientSecret":` then the value, a YAML list
///   at the key's own indentation), or the key stands without its colon (`"clientSecret"` then
///   `:` and the value, YAML's explicit `? clientSecret # note` then `: value`, or no colon at all);
/// - every other place where a value found this way stands (a file that failed to parse has no
///   tree to say that `clientId` holds the same value as `clientSecret`).
///
/// `broken` says the file failed to parse (or is no UTF-8 text): then the scan is all there is,
/// and takes the widest reading of every rule above. A file that parsed has a tree that knows its
/// keys and values, and the scan only adds what no tree holds (commented-out secrets, a key whose
/// name holds a value): a `secret` in prose (`# rotate the secret yearly`) leaves the line shown.
pub fn lexical_secret_spans(text: &str, broken: bool) -> Vec<Span> {
    let view = Projection::new(text, Decoding::Lexical);
    let mut spans: Vec<Span> = scan(&view.text, Mode::of(broken))
        .iter()
        .map(|span| view.original(span))
        .collect();
    let values = lexical_values(text, &spans);
    spans.extend(value_spans(text, &values));
    spans
}

/// How widely the scan reads (see `lexical_secret_spans`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The file parsed: a secret key is the word, the rest of a key's name (letters, digits,
    /// `_`, `-`, `.`), maybe a closing quote, blanks, then `:`.
    Parsed,
    /// The file did not parse: a secret key is the word and anything up to the first separator.
    Broken,
}

impl Mode {
    fn of(broken: bool) -> Mode {
        if broken { Mode::Broken } else { Mode::Parsed }
    }
}

/// The secret values the lexical scan finds in a text, to scrub from free text (a key name that
/// failed to parse as intended can quote one). Cheaper than `lexical_secret_spans`: the places
/// where the values stand elsewhere are not looked for.
pub fn lexical_secret_values(text: &str, broken: bool) -> Vec<SecretString> {
    let view = Projection::new(text, Decoding::Lexical);
    let spans: Vec<Span> = scan(&view.text, Mode::of(broken))
        .iter()
        .map(|span| view.original(span))
        .collect();
    lexical_values(text, &spans)
}

/// The values the lexical spans hold, to scrub from free text as well (a key name that failed to
/// parse as intended can quote one), each as written and, when it holds escapes, as decoded.
pub fn lexical_values(text: &str, spans: &[Span]) -> Vec<SecretString> {
    let mut values = Vec::new();
    for value in spans
        .iter()
        .filter_map(|span| text.get(span.clone()))
        .filter_map(lexical_value)
        // A `${NAME}` names a variable (its value is collected where it is resolved); scrubbing
        // the reference would blank every message naming it. The cut at `}` can leave `${NAME`.
        .filter(|value| !value.contains("${"))
    {
        let decoded = Projection::new(value, Decoding::Backslash);
        if decoded.is_decoded() {
            values.push(SecretString::from(decoded.text.trim().to_owned()));
        }
        values.push(SecretString::from(value.to_owned()));
    }
    values
}

/// The value a masked span most likely holds: up to a flow separator or a comment, unquoted.
fn lexical_value(masked: &str) -> Option<&str> {
    let end = [
        masked.find([',', '}', ']', '\n', '\r', '\0']),
        masked.find(" #"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(masked.len());
    let value = masked[..end].trim();
    // A quoted value ends at its closing quote; an unquoted one at a quote that closes the key it
    // stands in (`"note clientSecret: value": 1`).
    let value = match value.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let inner = &value[1..];
            &inner[..inner.find(quote).unwrap_or(inner.len())]
        }
        _ => &value[..value.find('"').unwrap_or(value.len())],
    }
    .trim();
    (!value.is_empty()).then_some(value)
}

/// The lines of a text as (offset of the line, the line without its line break). A line ends at
/// `\n`, `\r\n` or a lone `\r`, as the line index that positions diagnostics counts them.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let from = start;
        let (end, next) = match memchr::memchr2(b'\n', b'\r', &bytes[from..]) {
            Some(offset) => {
                let end = from + offset;
                let next = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                    end + 2
                } else {
                    end + 1
                };
                (end, next)
            }
            None => (text.len(), text.len()),
        };
        start = next;
        Some((from, &text[from..end]))
    })
}

/// Brackets and quotes a masked value opened and has not closed yet: while any is open, the
/// value goes on, on whatever line and at whatever indentation. A value inside a flow collection
/// (`{a: 1, clientSecret: value, ...}`) goes on until the `,` or the bracket that ends it, since a
/// plain scalar in a flow collection may go on over the next lines.
#[derive(Debug, Clone, Copy, Default)]
struct Flow {
    depth: usize,
    quote: Option<u8>,
    /// The value stands in a flow collection.
    in_flow: bool,
    /// The value in a flow collection has ended.
    ended: bool,
}

impl Flow {
    fn is_open(self) -> bool {
        !self.ended && (self.depth > 0 || self.quote.is_some() || self.in_flow)
    }

    /// Whether the text so far stands inside a flow collection (outside quotes).
    fn inside_collection(self) -> bool {
        self.depth > 0 && self.quote.is_none()
    }

    /// Follows the brackets and quotes of a piece of a value. A quote opens a quoted scalar only
    /// where one can start (at the start, after a space or a flow indicator), so the `'` of a plain
    /// `don't` opens nothing; a `#` after a space outside quotes starts a comment. Returns where a
    /// value in a flow collection ended, if it did in this piece.
    fn feed(&mut self, text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut index = 0;
        while index < bytes.len() {
            if self.ended {
                return Some(index);
            }
            let byte = bytes[index];
            let may_start = index == 0
                || matches!(
                    bytes[index - 1],
                    b' ' | b'\t' | b'[' | b'{' | b',' | b':' | b'?' | b'-'
                );
            match self.quote {
                Some(b'"') if byte == b'\\' => index += 1,
                Some(quote) if byte == quote => {
                    if quote == b'\'' && bytes.get(index + 1) == Some(&b'\'') {
                        index += 1;
                    } else {
                        self.quote = None;
                    }
                }
                Some(_) => {}
                None => match byte {
                    b',' | b']' | b'}' if self.in_flow && self.depth == 0 => self.ended = true,
                    b'"' | b'\'' if may_start => self.quote = Some(byte),
                    b'[' | b'{' => self.depth += 1,
                    b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                    b'#' if index == 0 || matches!(bytes[index - 1], b' ' | b'\t') => return None,
                    _ => {}
                },
            }
            index += 1;
        }
        self.ended.then_some(bytes.len())
    }
}

/// A value being masked over the lines after its key.
#[derive(Debug, Clone, Copy)]
struct Continuation {
    /// Lines indented deeper than this belong to the value.
    key_indent: usize,
    flow: Flow,
}

/// What a secret key left open at the end of its line.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// The key and its separator, but no value yet.
    Value { key_indent: usize },
    /// The key alone: the separator (and the value) may follow on a later line.
    Separator { key_indent: usize },
}

/// Where a secret value starts on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecretKey {
    /// After the key's separator, at this byte of the line (which may be its end).
    Value(usize),
    /// The key has no separator on this line; what follows its name starts at this byte.
    WithoutSeparator(usize),
}

fn scan(text: &str, mode: Mode) -> Vec<Span> {
    let anchors = Anchors::of(text, mode);
    let mut spans = Vec::new();
    let mut continuation: Option<Continuation> = None;
    let mut pending: Option<Pending> = None;
    // Set while a YAML list given as the value sits at the key's own indentation.
    let mut masking_items_at: Option<usize> = None;
    // The flow collections open at each line's start, over the whole text: a file that did not
    // parse may hold a value that goes on in one.
    let mut in_text = Flow::default();
    for (line_start, content) in lines(text) {
        let before = in_text;
        in_text.feed(content);
        // Whether a value starting at this byte of the line stands in a flow collection.
        let in_flow_at = |at: usize| {
            let mut state = before;
            state.feed(&content[..at]);
            mode == Mode::Broken && state.inside_collection()
        };
        let trimmed = content.trim_start_matches([' ', '\t']);
        let indent = content.len() - trimmed.len();
        let whole = line_start + indent..line_start + content.len();
        if let Some(open) = &mut continuation {
            if open.flow.is_open() || trimmed.is_empty() || indent > open.key_indent {
                spans.push(whole);
                open.flow.feed(trimmed);
                continue;
            }
            continuation = None;
        }
        if trimmed.is_empty() {
            continue;
        }
        if masking_items_at == Some(indent) && is_list_item(trimmed) {
            spans.push(whole);
            let mut flow = Flow::default();
            flow.feed(trimmed);
            continuation = Some(Continuation {
                key_indent: indent,
                flow,
            });
            continue;
        }
        masking_items_at = None;
        let comment = trimmed.starts_with('#');
        match pending.take() {
            // A comment between a key and its value does not end the wait.
            Some(waiting) if comment => pending = Some(waiting),
            Some(Pending::Separator { key_indent }) if trimmed.starts_with([':', '=']) => {
                let value = trimmed[1..].trim_start_matches([' ', '\t']);
                let start = line_start + content.len() - value.len();
                if value.is_empty() || value.starts_with('#') {
                    // Only a comment: the value is on a later line.
                    if !value.is_empty() {
                        spans.push(start..line_start + content.len());
                    }
                    pending = Some(Pending::Value { key_indent });
                } else {
                    continuation = Some(
                        mask_value(
                            &mut spans,
                            start,
                            value,
                            key_indent.min(indent),
                            in_flow_at(start - line_start),
                        )
                        .0,
                    );
                }
                continue;
            }
            // A line that is no key of its own is taken for the value: of a key without its
            // separator (the separator is what is broken), or of one whose value is on the next
            // line. A list item further left than the key is the next record of an enclosing
            // list, not the value.
            // In a file that parsed, a line after a bare key is the value only after a separator.
            Some(Pending::Separator { .. }) if mode == Mode::Parsed => {}
            Some(Pending::Separator { key_indent: at } | Pending::Value { key_indent: at })
                if !looks_like_key(trimmed) && (indent >= at || !is_list_item(trimmed)) =>
            {
                continuation = Some(
                    mask_value(
                        &mut spans,
                        line_start + indent,
                        trimmed,
                        at.min(indent),
                        in_flow_at(indent),
                    )
                    .0,
                );
                if is_list_item(trimmed) {
                    masking_items_at = Some(indent);
                }
                continue;
            }
            _ => {}
        }
        // In a YAML list (`- clientSecret: x`), the key's own column is what continuation lines
        // are indented past; the record's other keys sit at that column and stay visible.
        let key_indent = indent + list_markers_len(trimmed);
        match secret_value_start(content, &anchors, mode) {
            Some(SecretKey::Value(value_start)) => {
                let value = content[value_start..].trim_end();
                // A bare `${NAME}` (followed by `,` in JSON) names a variable; it is shown.
                if crate::env::is_only_references(value.trim_end_matches(',')) {
                    continue;
                }
                if value.is_empty() || value.starts_with('#') {
                    // Only a comment: the value is on a later line.
                    if !value.is_empty() {
                        spans.push(line_start + value_start..line_start + content.len());
                    }
                    pending = Some(Pending::Value { key_indent });
                } else {
                    let (goes_on, ended) = mask_value(
                        &mut spans,
                        line_start + value_start,
                        &content[value_start..],
                        key_indent,
                        in_flow_at(value_start),
                    );
                    continuation = Some(goes_on);
                    // Another secret key after the value's end on the line (`{clientSecret: a},
                    // {clientSecret: b`) decides how the masking goes on.
                    let ended = ended.map(|end| value_start + end);
                    match ended.and_then(|end| last_secret_key(content, end, mode)) {
                        Some(SecretKey::Value(last)) if content[last..].trim().is_empty() => {
                            continuation = None;
                            pending = Some(Pending::Value { key_indent });
                        }
                        Some(SecretKey::Value(last)) => {
                            let mut flow = Flow {
                                in_flow: in_flow_at(last),
                                ..Flow::default()
                            };
                            flow.feed(&content[last..]);
                            continuation = Some(Continuation { key_indent, flow });
                        }
                        Some(SecretKey::WithoutSeparator(_)) => {
                            pending = Some(Pending::Separator { key_indent });
                        }
                        None => {}
                    }
                }
            }
            Some(SecretKey::WithoutSeparator(after)) => {
                let rest = &content[after..];
                if mode == Mode::Broken
                    && !rest.trim().is_empty()
                    && !crate::env::is_only_references(rest)
                {
                    spans.push(line_start + after..line_start + content.len());
                }
                pending = Some(Pending::Separator { key_indent });
            }
            None => {}
        }
    }
    spans
}

/// Masks a value from `start` to the end of its line and returns how it goes on, and where on the
/// line it ended if it did (only a value in a flow collection can: `in_flow`).
fn mask_value(
    spans: &mut Vec<Span>,
    start: usize,
    value: &str,
    key_indent: usize,
    in_flow: bool,
) -> (Continuation, Option<usize>) {
    spans.push(start..start + value.len());
    let mut flow = Flow {
        in_flow,
        ..Flow::default()
    };
    let ended = flow.feed(value);
    (Continuation { key_indent, flow }, ended)
}

/// The anchors that matter without a tree.
struct Anchors<'a> {
    /// Anchors a secret key takes its value from (`clientSecret: *name`): the anchored value
    /// (`stash: &name value`) is the secret.
    values: Vec<&'a str>,
    /// Anchors on a scalar that names a secret (`&k clientSecret`): an alias of one used as a key
    /// (`*k : value`) is a secret key.
    keys: Vec<&'a str>,
}

impl<'a> Anchors<'a> {
    fn of(text: &'a str, mode: Mode) -> Anchors<'a> {
        let mut anchors = Anchors {
            values: Vec::new(),
            keys: Vec::new(),
        };
        if memchr::memchr2(b'&', b'*', text.as_bytes()).is_none() {
            return anchors;
        }
        for (_, line) in lines(text) {
            for (at, _) in line.match_indices('&') {
                let name = anchor_name(&line[at + 1..]);
                let anchored = line[at + 1 + name.len()..].trim_start_matches([' ', '\t']);
                let scalar = &anchored[..anchored
                    .find([':', ',', '}', ']'])
                    .unwrap_or(anchored.len())];
                if !name.is_empty() && find_secret_word(scalar.as_bytes()).is_some() {
                    anchors.keys.push(name);
                }
            }
            let Some(SecretKey::Value(start)) = key_value_start(line, &[], mode) else {
                continue;
            };
            if let Some(name) = line.get(start..).and_then(|value| value.strip_prefix('*')) {
                let name = anchor_name(name);
                if !name.is_empty() && !anchors.values.contains(&name) {
                    anchors.values.push(name);
                }
            }
        }
        anchors
    }
}

/// The anchor or alias name at the start of a text.
fn anchor_name(text: &str) -> &str {
    &text[..text.find(ends_anchor_name).unwrap_or(text.len())]
}

/// Characters that end an anchor or alias name on a line (flow indicators end it too).
fn ends_anchor_name(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}' | ':')
}

/// Where the value after `&name` starts on this line, for an anchor a secret key aliases.
fn anchor_value_start(line: &str, aliased: &[&str]) -> Option<usize> {
    for name in aliased {
        let token = format!("&{name}");
        let mut search_from = 0;
        while let Some(found) = line[search_from..].find(&token) {
            let after = search_from + found + token.len();
            if line[after..].chars().next().is_none_or(ends_anchor_name) {
                let value = line[after..].trim_start_matches([' ', '\t']);
                return Some(line.len() - value.len());
            }
            search_from = after;
        }
    }
    None
}

/// The length of the `- ` / `? ` markers that start a line (`- - key:` nests two lists).
fn list_markers_len(trimmed: &str) -> usize {
    let mut rest = trimmed;
    while let Some(after) = rest
        .strip_prefix("- ")
        .or_else(|| rest.strip_prefix("? "))
        .or_else(|| rest.strip_prefix("-\t"))
    {
        rest = after.trim_start_matches([' ', '\t']);
    }
    trimmed.len() - rest.len()
}

fn is_list_item(trimmed: &str) -> bool {
    trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t")
}

/// Whether a line starts with a key and its colon (`key:`, `my key:`, `"key":`): a new entry,
/// not a value for a pending key.
fn looks_like_key(trimmed: &str) -> bool {
    if let Some(quote @ (b'"' | b'\'')) = trimmed.as_bytes().first().copied() {
        let inner = &trimmed[1..];
        let Some(close) = inner.find(char::from(quote)) else {
            return false;
        };
        return close > 0
            && inner[close + 1..]
                .trim_start_matches([' ', '\t'])
                .starts_with(':');
    }
    if trimmed.starts_with([
        '-', '[', '{', '}', ']', ',', '#', ':', '*', '&', '!', '|', '>',
    ]) {
        return false;
    }
    let bytes = trimmed.as_bytes();
    memchr::memchr_iter(b':', bytes)
        .find(|&colon| matches!(bytes.get(colon + 1), None | Some(b' ' | b'\t')))
        .is_some_and(|colon| colon > 0 && !trimmed[..colon].contains(['#', '"', '{', '[', ',']))
}

/// Where the value of a secret key starts on this line, if a secret key is on it: the earliest of
/// the key forms the scan knows (see `lexical_secret_spans`).
fn secret_value_start(line: &str, anchors: &Anchors<'_>, mode: Mode) -> Option<SecretKey> {
    let key = key_value_start(line, &anchors.keys, mode);
    match (key, anchor_value_start(line, &anchors.values)) {
        (Some(SecretKey::Value(key)), Some(anchor)) => Some(SecretKey::Value(key.min(anchor))),
        (_, Some(anchor)) => Some(SecretKey::Value(anchor)),
        (key, None) => key,
    }
}

/// `secret_value_start` without the aliased anchors.
fn key_value_start(line: &str, key_anchors: &[&str], mode: Mode) -> Option<SecretKey> {
    let bytes = line.as_bytes();
    let mut found: Option<SecretKey> = None;
    if let Some(word) = find_secret_word(bytes) {
        let after = word + "secret".len();
        found = match mode {
            Mode::Broken => Some(separator_after_word(line, after)),
            Mode::Parsed => colon_after_name(line, after),
        };
    }
    // An alias of an anchored secret key, used as a key: `*k : value`.
    for name in key_anchors {
        let alias = format!("*{name}");
        for (at, _) in line.match_indices(&alias) {
            let after = at + alias.len();
            if line[after..]
                .chars()
                .next()
                .is_some_and(|c| !ends_anchor_name(c))
            {
                continue;
            }
            let rest = line[after..].trim_start_matches([' ', '\t']);
            if let Some(value) = rest.strip_prefix(':') {
                let start = line.len() - value.trim_start_matches([' ', '\t']).len();
                found = earlier(found, SecretKey::Value(start));
            }
        }
    }
    // A near miss of a secret key before a colon (`clientSecert:`, `"client_secrte":`).
    for colon in memchr::memchr_iter(b':', bytes) {
        if let Some(SecretKey::Value(start)) = found
            && start <= colon
        {
            break;
        }
        let before = line[..colon].trim_end_matches([' ', '\t']);
        let before = before.strip_suffix(['"', '\'']).unwrap_or(before);
        let name_start = before
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ')))
            .map_or(0, |(index, c)| index + c.len_utf8());
        let name = before[name_start..].trim();
        if !name.is_empty() && is_near_secret_key(name) {
            found = earlier(found, SecretKey::Value(skip_blanks(line, colon + 1)));
        }
    }
    found
}

/// The last secret word after `from` on a line of a file that did not parse, with where its value
/// starts (only a file that did not parse has lines the tree cannot account for).
fn last_secret_key(line: &str, from: usize, mode: Mode) -> Option<SecretKey> {
    if mode == Mode::Parsed {
        return None;
    }
    let bytes = line.as_bytes();
    let mut last = None;
    let mut at = from;
    while let Some(offset) = find_secret_word(&bytes[at..]) {
        let after = at + offset + "secret".len();
        last = Some(separator_after_word(line, after));
        at = after;
    }
    last
}

/// The word, wherever it stands, in a file that did not parse: everything up to the first
/// separator after it is taken for the rest of the key's name, whatever it holds (spaces,
/// brackets, slashes, a quote). A comment before any separator (`? clientSecret # note: x`)
/// leaves the key without one.
fn separator_after_word(line: &str, after: usize) -> SecretKey {
    let bytes = line.as_bytes();
    let separator = memchr::memchr2(b':', b'=', &bytes[after..]).map(|offset| after + offset);
    match separator {
        Some(at) if comment_start(line, after).is_none_or(|comment| at < comment) => {
            SecretKey::Value(skip_blanks(line, at + 1))
        }
        _ => SecretKey::WithoutSeparator(after),
    }
}

/// The word as part of a key's name, in a file that parsed: the rest of the name, maybe its
/// closing quote, blanks, then `:`. Any occurrence of the word on the line may be the key; one
/// that ends the line (or comes right before a comment) is a key whose colon may follow.
fn colon_after_name(line: &str, first: usize) -> Option<SecretKey> {
    let bytes = line.as_bytes();
    let mut from = first;
    let without_colon = loop {
        let rest = &line[from..];
        let tail = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(rest.len());
        let mut cursor = from + tail;
        if matches!(bytes.get(cursor), Some(b'"' | b'\'')) {
            cursor += 1;
        }
        cursor = skip_blanks(line, cursor);
        if bytes.get(cursor) == Some(&b':') {
            return Some(SecretKey::Value(skip_blanks(line, cursor + 1)));
        }
        match find_secret_word(&bytes[from..]) {
            Some(next) => from += next + "secret".len(),
            None => break cursor >= line.len() || line[cursor..].starts_with('#'),
        }
    };
    without_colon.then_some(SecretKey::WithoutSeparator(line.len()))
}

/// Of two places a secret value may start, the one that masks more: a value start wins over a key
/// without a separator, and the earlier of two of a kind.
fn earlier(found: Option<SecretKey>, candidate: SecretKey) -> Option<SecretKey> {
    Some(match (found, candidate) {
        (None, candidate) => candidate,
        (Some(SecretKey::Value(a)), SecretKey::Value(b)) => SecretKey::Value(a.min(b)),
        (Some(SecretKey::Value(a)), SecretKey::WithoutSeparator(_))
        | (Some(SecretKey::WithoutSeparator(_)), SecretKey::Value(a)) => SecretKey::Value(a),
        (Some(SecretKey::WithoutSeparator(a)), SecretKey::WithoutSeparator(b)) => {
            SecretKey::WithoutSeparator(a.min(b))
        }
    })
}

/// Where a comment starts on a line at or after `from`: a `#` at the start or after a blank.
fn comment_start(line: &str, from: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    memchr::memchr_iter(b'#', &bytes[from..])
        .map(|offset| from + offset)
        .find(|&at| at == 0 || matches!(bytes[at - 1], b' ' | b'\t'))
}

fn skip_blanks(line: &str, mut at: usize) -> usize {
    let bytes = line.as_bytes();
    while matches!(bytes.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    at
}

/// The spans of every occurrence of a known secret value in the text, wherever it stands and
/// however it is spelled there (see `super::occurrences`): pasted into another key (`clientId`),
/// anchored on another key and aliased under `clientSecret`, escaped (`\u007e`), percent-encoded in
/// a URL, or left in a comment. Values shorter than `MIN_SCRUBBED_LENGTH` are left to span
/// masking, as they are in `scrub`.
pub fn value_spans(text: &str, secrets: &[SecretString]) -> Vec<Span> {
    super::occurrences(text, secrets)
}

/// The secret values long enough to be searched for, trimmed, once each.
pub(super) fn searched(secrets: &[SecretString]) -> Vec<&str> {
    let mut values: Vec<&str> = secrets
        .iter()
        .map(|secret| secret.expose_secret().trim())
        .filter(|value| value.chars().count() >= MIN_SCRUBBED_LENGTH)
        .collect();
    values.sort_unstable();
    values.dedup();
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::redact::mask;

    /// The text as a snippet of a file that failed to parse shows it.
    fn masked(text: &str) -> String {
        mask(text, &lexical_secret_spans(text, true))
    }

    #[test]
    fn lexical_scan_masks_values_after_secret_keys() {
        let text = "clientId: abc\nclientSecret: \"Hunter2~x\" # note\n\"client_secret\" : 'v'\n";
        let masked = masked(text);
        assert!(!masked.contains("Hunter2"));
        assert!(!masked.contains("'v'"));
        assert!(masked.contains("clientId: abc"));
        assert!(masked.contains("clientSecret: "));
    }

    #[test]
    fn environment_references_are_shown() {
        let text = "clientSecret: ${AZDO_CLIENT_SECRET}\n\"clientSecret\": \"${X}\",\n";
        assert!(lexical_secret_spans(text, true).is_empty());
        let commented = "clientSecret: ${X} # was hunter2\n";
        assert_eq!(lexical_secret_spans(commented, true).len(), 1);
    }

    #[test]
    fn block_scalars_and_continuations_are_masked() {
        let text = "clientSecret: |\n  line-one\n  line-two\nclientId: x\n";
        let masked = masked(text);
        assert!(!masked.contains("line-one") && !masked.contains("line-two"));
        assert!(masked.contains("clientId: x"));
    }

    #[test]
    fn json_on_one_line_is_masked_from_the_secret_on() {
        let text = r#"{"clientSecret": "abcdefgh", "clientId": "x"}"#;
        assert!(!masked(text).contains("abcdefgh"));
    }

    #[test]
    fn values_on_a_later_line_are_masked() {
        // JSON value on the next line, at the key's indentation.
        let text = "{\n  \"clientSecret\":\n  \"value-one\",\n  \"clientId\": \"x\"\n}\n";
        let shown = masked(text);
        assert!(!shown.contains("value-one") && shown.contains("\"clientId\": \"x\""));
        // The colon on the next line (JSON), and YAML's explicit key.
        for text in [
            "{\"clientSecret\"\n  : \"value-two\", \"a\": 1}\n",
            "? clientSecret\n: value-two\nclientId: x\n",
        ] {
            let shown = masked(text);
            assert!(!shown.contains("value-two"), "{shown}");
        }
        // A YAML list at the key's own indentation.
        let text = "clientSecret:\n- item-one\n- item-two\nclientId: x\n";
        let shown = masked(text);
        assert!(!shown.contains("item-one") && !shown.contains("item-two"));
        assert!(shown.contains("clientId: x"));
        // An empty secret followed by a key keeps the key visible.
        let text = "clientSecret:\nclientId: x\n";
        assert_eq!(masked(text), text);
    }

    #[test]
    fn the_other_keys_of_a_listed_record_stay_visible() {
        let text = "- clientSecret: abcdefgh\n    continued\n  clientId: x\n- clientSecret:\n- clientId: y\n";
        let shown = masked(text);
        assert!(!shown.contains("abcdefgh") && !shown.contains("continued"));
        assert!(shown.contains("  clientId: x\n") && shown.contains("- clientId: y"));
    }

    #[test]
    fn text_with_nul_characters_is_scanned_without_them() {
        let text = "c\0l\0i\0e\0n\0t\0S\0e\0c\0r\0e\0t\0:\0 \0v\0a\0l\0\n\0x\0";
        let shown = masked(text);
        assert_eq!(shown.len(), text.len());
        assert!(!shown.contains("v\0a\0l"), "{shown:?}");
        assert!(shown.contains("x\0"));
    }

    #[test]
    fn anchors_aliased_by_a_secret_key_are_masked_without_a_tree() {
        let text = "{stash: &s value-one, clientSecret: *s}, broken\nb: &t\n  value-two\nclientSecret: *t\nother: &u shown\n";
        let shown = masked(text);
        assert!(
            !shown.contains("value-one") && !shown.contains("value-two"),
            "{shown}"
        );
        assert!(shown.contains("other: &u shown"));
    }

    #[test]
    fn known_values_are_masked_anywhere() {
        let secrets = vec![SecretString::from("abc~def.ghi".to_owned())];
        let text = "clientId: abc~def.ghi\n# old: abc~def.ghi\nurl: x?s=abc%7Edef.ghi\nj: \"abc\\u007edef.ghi\"\n";
        let shown = mask(text, &value_spans(text, &secrets));
        assert!(!shown.contains("def.ghi"), "{shown}");
        let short = vec![SecretString::from("ab".to_owned())];
        assert!(value_spans("ab ab", &short).is_empty());
    }

    /// Every layout of issue 12 item 3 (and issue 17 item 4), each with a variant: the file fails
    /// to parse, so only the scan stands between the secret and the snippet.
    #[test]
    fn broken_layouts_mask_the_secret() {
        let secret = "abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a";
        let layouts = [
            // Key names the word is only part of, with anything after it.
            "{\n  \"clientId\": \"x\",\n  \"Client secret value\": \"SECRET\",\n}\n",
            "{\n  \"Client Secret (prod)\" :\"SECRET\",,\n}\n",
            "my secret key: SECRET\nbroken: [\n",
            "the secret\u{a0}: SECRET\nbroken: [\n",
            "clientSecret(prod): SECRET\nbroken: [\n",
            "secret/prod: SECRET\nbroken: [\n",
            "clientSecret[0]: SECRET\nbroken: [\n",
            "clientSecret\u{a0}: SECRET\nbroken: [\n",
            "clientSecret = SECRET\nbroken: [\n",
            // Complex and alias keys.
            "? clientSecret # note\n: SECRET\nbroken: [\n",
            "? clientSecret\n# a comment between\n: SECRET\nbroken: [\n",
            "keys: [&k clientSecret]\n*k : SECRET\nbroken: [\n",
            "keys: [&k clientSecret]\nother: 1\n*k : SECRET\nbroken: [\n",
            "a: &k clientSecret\nother: 1\n*k: SECRET\nbroken: [\n",
            "? clientSecret # note: x\n: SECRET\nbroken: [\n",
            "clientSecret: # the value follows\nSECRET\nbroken: [\n",
            // The value on the line after a lone colon, or with no colon at all.
            "{\n  \"clientSecret\"\n  :\n  \"SECRET\"\n  \"x\": 1\n}\n",
            "{\n  \"clientSecret\"\n  \"SECRET\",\n  \"x\": 1\n}\n",
            // Sequences and mappings under the key, opened and continued further left.
            "clientSecret: [\n\"SECRET\"]\nbroken: [\n",
            "{\"clientSecret\": {\n\"a\":\n\"SECRET\"}}, x\n",
            "clientSecret: [a,\n  b, SECRET\n",
            "clientSecret: \"first\nSECRET\"\nclientId: x\nbroken: [\n",
            // Escapes in the key.
            "{\"client\\u0053ecret\": \"SECRET\",}\n",
            "\"client\\x53ecret\": SECRET\nbroken: [\n",
            "\"client\\U00000053ecret\": SECRET\nbroken: [\n",
            "{\"client\\u0073\\u0065cret\": \"SECRET\",}\n",
            // A flow mapping going on over the next lines, a plain scalar in it too.
            "{clientId: x, clientSecret: first-half\nSECRET, redirectUri: x\n",
            "[{clientId: x,\n  clientSecret: \"a\"}, {clientSecret: first\nSECRET}\n",
            "{clientId: x,\nclientSecret:\nSECRET, other: 1,\n",
            "{clientId: x, clientSecret\n: SECRET,\n",
            "x: {a: 1,\n  clientSecret: SECRET\n  }\nbroken: [\n",
            // Near misses and invisible characters inside the word.
            "clientSecert: SECRET\nbroken: [\n",
            "clientScret: SECRET\nbroken: [\n",
            "{\"client_secrte\": \"SECRET\",}\n",
            "clientSec\u{200b}ret: SECRET\nbroken: [\n",
            "{\"clientSec\\u200bret\": \"SECRET\",}\n",
            "- clientId: x\n  clientSecert:\n    SECRET\n- broken: [\n",
        ];
        for layout in layouts {
            let text = layout.replace("SECRET", secret);
            let shown = mask(&text, &lexical_secret_spans(&text, true));
            assert_eq!(shown.len(), text.len());
            assert!(
                !shown.contains("dEfGh") && !shown.contains("456789"),
                "{layout:?} shows the secret:\n{shown}"
            );
        }
    }

    #[test]
    fn prose_in_a_file_that_parsed_stays_visible() {
        for text in [
            "# Errors: a misspelled key, and clientSecret missing.\nclientId: x\n",
            "# rotate the secret yearly, see = the wiki\nclientId: x\n",
        ] {
            assert_eq!(mask(text, &lexical_secret_spans(text, false)), text);
        }
        // What no tree holds is masked all the same.
        let text = "# clientSecret: old-value-1\n\"note clientSecret: in-key-2\": 1\n";
        let shown = mask(text, &lexical_secret_spans(text, false));
        assert!(
            !shown.contains("old-value-1") && !shown.contains("in-key-2"),
            "{shown}"
        );
    }

    #[test]
    fn lines_after_the_value_stay_visible() {
        let text = "{\n  \"Client secret value\": \"abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a\",\n  \"clientId\": \"x\",\n}\n";
        assert!(masked(text).contains("  \"clientId\": \"x\",\n}"));
        let text = "clientSecret: [a,\n  b]\nclientId: x\n";
        assert!(masked(text).ends_with("\nclientId: x\n"));
        // A secret word inside the value is no key of its own.
        let text = "{\n  \"clientSecret\": \"Xq8Q~aSecretValue.123\",\n}\n";
        assert!(masked(text).ends_with("*\n}\n"), "{}", masked(text));
        let text = "# rotate the secret yearly\nclientId: x\n";
        assert!(masked(text).ends_with("\nclientId: x\n"));
    }

    #[test]
    fn escaped_values_are_also_scrubbed_as_decoded() {
        let values = lexical_secret_values("{\"clientSecret\": \"ab\\u0063defgh\",\n", true);
        let values: Vec<&str> = values.iter().map(|v| v.expose_secret()).collect();
        assert!(values.contains(&"abcdefgh"), "{values:?}");
        assert!(values.contains(&"ab\\u0063defgh"), "{values:?}");
    }

    #[test]
    fn lines_end_where_the_line_index_ends_them() {
        let found: Vec<(usize, &str)> = lines("a\r\nb\rc\n\nd").collect();
        assert_eq!(found, vec![(0, "a"), (3, "b"), (5, "c"), (7, ""), (8, "d")]);
    }
}
