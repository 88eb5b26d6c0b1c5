//! Domain rules a schema cannot express: pure functions over the typed record, one file per
//! subject. Each finding names the key it is about; the pipeline turns the key into a source span.
//!
//! How the rules avoid cascades (two errors saying the same thing):
//! - `values` reports surrounding whitespace and quotes on the value as written; every other rule
//!   judges the *cleaned* value (whitespace trimmed, one pair of quotes removed), so a GUID with a
//!   trailing newline is one error (whitespace), not two (whitespace + not a GUID). A value that
//!   is only whitespace is left to the subject rule ("empty"), not reported as whitespace.
//! - Within a subject the rules are ordered from the most specific diagnosis to the most general,
//!   and a value gets the first one that applies (`client-id/placeholder` before
//!   `client-id/not-guid`, `client-secret/equals-client-id` before `looks-like-secret-id`).
//! - `redirect-uri/invalid-url` stops the other redirect-URI checks of that value, and
//!   `redirect-uri/mismatch` only compares values that passed their own checks.

pub mod api_url;
pub mod chars;
pub mod client_id;
pub mod client_secret;
pub mod redirect_uri;
pub mod settings;
pub mod tenant;
pub mod values;

use crate::catalogue::Code;
use crate::record::{Origin, Record};

/// What the rules may know beyond the record.
#[derive(Debug, Clone, Default)]
pub struct RuleContext {
    /// `--api-url`: the Appmixer API base URL the redirect URI is derived from.
    pub api_url: Option<url::Url>,
}

/// One rule finding, before positions are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    /// The key the finding is about (`None`: the record itself).
    pub key: Option<String>,
    pub message: String,
    /// Specific help; the catalogue's fix when `None`.
    pub help: Option<String>,
    /// The edit of the value that fixes it, when there is one right answer and the value was
    /// written literally (a value from `${NAME}` is fixed where the variable is set).
    pub fix: Option<crate::fix::ValueFix>,
}

impl Finding {
    pub fn new(code: Code, key: &str, message: impl Into<String>) -> Finding {
        Finding {
            code,
            key: Some(key.to_owned()),
            message: message.into(),
            help: None,
            fix: None,
        }
    }

    pub fn fix(mut self, fix: Option<crate::fix::ValueFix>) -> Finding {
        self.fix = fix;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }
}

/// Runs every rule over one record.
pub fn check(record: &Record, context: &RuleContext) -> Vec<Finding> {
    let mut findings = values::check(record);
    findings.extend(client_id::check(record));
    findings.extend(client_secret::check(record));
    findings.extend(redirect_uri::check(record, context));
    findings.extend(tenant::check(record));
    findings.extend(settings::check(record));
    findings
}

/// Notes for the human report that are not diagnostics (no code, no severity) about a record
/// whose callback is not checked: the redirect URI to register.
pub fn notes(record: &Record, context: &RuleContext) -> Vec<String> {
    redirect_uri::notes(record, context).into_iter().collect()
}

/// Notes about values that pass, for every record (the human report shows them): today how to
/// register an `http://127.0.0.1` redirect URI, which the portal's text box refuses.
pub fn value_notes(record: &Record) -> Vec<String> {
    redirect_uri::value_notes(record)
}

/// Whether `text` is a GUID in its registry form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either
/// letter case: Entra shows lower case, but upper case is the same id).
pub fn is_guid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            8 | 13 | 18 | 23 => *byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        })
}

/// A GUID in one of the other spellings people paste (`{...}`, `urn:uuid:...`, no dashes), as the
/// canonical form, so help can show the value to write instead.
pub fn guid_in_other_form(text: &str) -> Option<String> {
    let inner = text
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .or_else(|| text.strip_prefix("urn:uuid:"))
        .or_else(|| text.strip_prefix("URN:UUID:"))
        .unwrap_or(text);
    if is_guid(inner) {
        return Some(inner.to_owned());
    }
    if inner.len() == 32 && inner.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        // Byte slicing is safe: all 32 bytes are ASCII hex digits.
        return Some(format!(
            "{}-{}-{}-{}-{}",
            &inner[..8],
            &inner[8..12],
            &inner[12..16],
            &inner[16..20],
            &inner[20..]
        ));
    }
    None
}

/// Why a value is a template rather than a real value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    /// A template word or pattern: `YOUR_CLIENT_ID`, `<client-id>`, `changeme`, `xxx`, `TODO`.
    Template,
    /// A value copied from a masked display (`abc*******`).
    Masked,
    /// An environment or pipeline reference in a syntax connector-lint does not resolve
    /// (`$NAME`, `$(NAME)`, `${{ secrets.NAME }}`, `%NAME%`, `#{NAME}#`); the text describes it.
    UnresolvedReference(&'static str),
}

/// Template words, compared after lower-casing and dropping everything but letters and digits.
const TEMPLATE_WORDS: &[&str] = &[
    "changeme",
    "changethis",
    "changeit",
    "replaceme",
    "replacethis",
    "todo",
    "tbd",
    "fixme",
    "placeholder",
    "dummy",
    "example",
    "sample",
    "test",
    "secret",
    "clientsecret",
    "secretvalue",
    "clientid",
    "applicationid",
    "appid",
    "guid",
    "uuid",
    "value",
    "password",
    "none",
    "null",
    "nil",
    "undefined",
    "na",
    "empty",
    "redacted",
    "hidden",
    "masked",
    "foo",
    "bar",
    "foobar",
    "abc",
    "abc123",
    "123",
    "1234",
    "12345",
    "123456",
];

/// Prefixes of instructions left in place of a value (`YOUR_CLIENT_ID`, `insert-secret-here`).
const TEMPLATE_PREFIXES: &[&str] = &["your", "insert", "enter", "paste", "replacewith", "putyour"];

/// What a "… here" template names before its "here" (`secret-here`, `client_id_here`). A random
/// value that merely ends in "here" (`…sphere`) names none of these.
const HERE_WORDS: &[&str] = &[
    "secret", "value", "id", "key", "token", "password", "guid", "uri", "url", "tenant", "goes",
];

/// Whether a (cleaned) value is a template, a masked copy or an unresolved reference. Real ids and
/// secrets are random, so the word lists cannot match them by accident in practice.
pub fn placeholder(value: &str) -> Option<Placeholder> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    // A GUID holds nothing any check below looks for (no `$`, `%`, `#`, `*`, `<` or `{`, and
    // hex digits cannot spell a template word, a prefix, `here` or all `x`), and nearly every
    // client id is one.
    if is_guid(value) {
        return None;
    }
    if let Some(kind) = unresolved_reference(value) {
        return Some(Placeholder::UnresolvedReference(kind));
    }
    // A masked copy has a `*`, which most values have not: looked for first (with `memchr`).
    if value.as_bytes().contains(&b'*')
        && value.as_bytes().windows(4).any(|window| window == b"****")
    {
        return Some(Placeholder::Masked);
    }
    let wrapped = (value.starts_with('<') && value.ends_with('>'))
        || (value.starts_with("{{") && value.ends_with("}}"));
    let only_filler = value.len() >= 3
        && value
            .bytes()
            .all(|byte| matches!(byte, b'*' | b'.' | b'-' | b'_' | b'#'));
    if wrapped || only_filler || Normalized::of(value).is_template() {
        Some(Placeholder::Template)
    } else {
        None
    }
}

/// How much of each end of a normalized value the template checks read: more than the longest
/// template word, prefix, or `… here` word with its `here` (a test holds the lists to it).
const NORMALIZED_WINDOW: usize = 16;

/// Each byte as `Normalized` keeps it: an ASCII letter or digit lower-cased, anything else 0
/// (dropped). A table, for the loop every client id and secret goes through.
pub(crate) const NORMALIZED_BYTE: [u8; 256] = {
    let mut table = [0; 256];
    let mut index = 0;
    while index < table.len() {
        let byte = index as u8;
        if byte.is_ascii_alphanumeric() {
            table[index] = byte.to_ascii_lowercase();
        }
        index += 1;
    }
    table
};

/// A value's letters and digits, lower-cased, as far as the template checks look at them: both
/// ends, the length and whether all are `x`. Kept on the stack, because every client id and
/// secret of every record passes through here.
struct Normalized {
    head: [u8; NORMALIZED_WINDOW],
    tail: [u8; NORMALIZED_WINDOW],
    len: usize,
    only_x: bool,
}

impl Normalized {
    fn of(value: &str) -> Normalized {
        let mut head = [0; NORMALIZED_WINDOW];
        // The last bytes, shifted in one at a time: its big-endian bytes are the tail in order,
        // right-aligned as `tail` reads it (the state is in registers, not in the struct, since
        // every client id and secret of every record passes through here).
        let mut tail: u128 = 0;
        let mut len = 0;
        let mut only_x = true;
        for byte in value.bytes() {
            let byte = NORMALIZED_BYTE[usize::from(byte)];
            if byte == 0 {
                continue;
            }
            if let Some(slot) = head.get_mut(len) {
                *slot = byte;
            }
            tail = (tail << 8) | u128::from(byte);
            len += 1;
            only_x &= byte == b'x';
        }
        Normalized {
            head,
            tail: tail.to_be_bytes(),
            len,
            only_x,
        }
    }

    /// All `x`, a template word, or an instruction (`YOUR_CLIENT_ID`, `secret-goes-here`).
    fn is_template(&self) -> bool {
        let only_x = self.len >= 3 && self.only_x;
        let instruction = TEMPLATE_PREFIXES
            .iter()
            .any(|prefix| self.head().starts_with(prefix.as_bytes()) && self.len > prefix.len())
            || names_here(self.tail());
        let template_word = self.len <= NORMALIZED_WINDOW
            && TEMPLATE_WORDS
                .iter()
                .any(|word| word.as_bytes() == self.head());
        only_x || instruction || template_word
    }

    /// The first (up to) `NORMALIZED_WINDOW` bytes.
    fn head(&self) -> &[u8] {
        &self.head[..self.len.min(NORMALIZED_WINDOW)]
    }

    /// The last (up to) `NORMALIZED_WINDOW` bytes.
    fn tail(&self) -> &[u8] {
        &self.tail[NORMALIZED_WINDOW - self.len.min(NORMALIZED_WINDOW)..]
    }
}

/// Whether a normalized value's end is a `… here` template (`secret-here`, `client_id_here`).
fn names_here(tail: &[u8]) -> bool {
    tail.strip_suffix(b"here").is_some_and(|named| {
        HERE_WORDS
            .iter()
            .any(|word| named.ends_with(word.as_bytes()))
    })
}

/// [`placeholder`] for a value in the current secret format
/// ([`client_secret::is_current_format`]), which nearly every secret is in: only its end needs
/// reading, as such a value can only be a `… here` template. Its alphabet has no whitespace, `$`,
/// `%`, `#`, `*`, `<` or `{` (nothing to trim, no reference, masked copy or wrapper, and no
/// filler only); normalized, it has a digit among its first four bytes and then `q` (the digit
/// before `Q~`), so it is not all `x`, starts with no instruction (each prefix is four letters
/// or more) and is no template word (none has a `q`). Tests hold it to `placeholder` and the
/// lists to these facts.
pub(crate) fn current_format_placeholder(value: &str) -> Option<Placeholder> {
    let mut tail = [0; NORMALIZED_WINDOW];
    let mut length = 0;
    for byte in value.bytes().rev() {
        let byte = NORMALIZED_BYTE[usize::from(byte)];
        if byte == 0 {
            continue;
        }
        length += 1;
        tail[NORMALIZED_WINDOW - length] = byte;
        if length == NORMALIZED_WINDOW {
            break;
        }
    }
    names_here(&tail[NORMALIZED_WINDOW - length..]).then_some(Placeholder::Template)
}

/// References in syntaxes other than `${NAME}` that an admin may expect to be substituted.
fn unresolved_reference(value: &str) -> Option<&'static str> {
    let is_name = |name: &str| {
        let mut chars = name.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    };
    if value.starts_with("${{") && value.ends_with("}}") {
        Some("a GitHub Actions expression (`${{ ... }}`)")
    } else if let Some(name) = value.strip_prefix("$(").and_then(|v| v.strip_suffix(')')) {
        is_name(name).then_some("an Azure Pipelines macro (`$(NAME)`)")
    } else if let Some(name) = value.strip_prefix('$') {
        // Upper case only: a legacy random secret may start with `$`, but not with `$` followed
        // by nothing but capitals, digits and underscores.
        let shouty = name.chars().any(|c| c.is_ascii_uppercase())
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        (is_name(name) && shouty).then_some("a shell-style reference without braces (`$NAME`)")
    } else if let Some(name) = value.strip_prefix('%').and_then(|v| v.strip_suffix('%')) {
        is_name(name).then_some("a Windows-style reference (`%NAME%`)")
    } else if let Some(name) = value.strip_prefix("#{").and_then(|v| v.strip_suffix("}#")) {
        is_name(name).then_some("a replace-token (`#{NAME}#`)")
    } else {
        None
    }
}

/// Help for a value that came from the environment: the fix belongs in the variable.
pub fn origin_help(origin: &Origin) -> Option<String> {
    match origin {
        Origin::Literal => None,
        Origin::Environment(names) => Some(format!(
            "the value comes from {}: fix it where that variable is set (shell profile, `.env` file, CI secret)",
            names
                .iter()
                .map(|name| format!("`${{{name}}}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Joins a specific help text with the environment hint, when there is one.
pub fn with_origin(help: impl Into<String>, origin: &Origin) -> String {
    let help = help.into();
    match origin_help(origin) {
        Some(hint) => format!("{help}; {hint}"),
        None => help,
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builds records from plain values for the rules' unit tests: no files involved.

    use crate::connectors::{AZURE_DEVOPS, Profile};
    use crate::record::{Origin, Record};

    /// A record of literal values, of the Azure DevOps connector.
    pub fn record(pairs: &[(&str, &str)]) -> Record {
        record_of(&AZURE_DEVOPS, pairs)
    }

    /// A record of literal values, of any connector.
    pub fn record_of(profile: &'static Profile, pairs: &[(&str, &str)]) -> Record {
        let mut record = Record::new(profile);
        for (key, value) in pairs {
            record.set(key, (*value).to_owned(), Origin::Literal);
        }
        record
    }

    /// A record where `env_key`'s value came from `${NAME}`.
    pub fn record_with_env(pairs: &[(&str, &str)], env_key: &str, name: &str) -> Record {
        let mut record = Record::new(&AZURE_DEVOPS);
        for (key, value) in pairs {
            let origin = if *key == env_key {
                Origin::Environment(vec![name.to_owned()])
            } else {
                Origin::Literal
            };
            record.set(key, (*value).to_owned(), origin);
        }
        record
    }

    pub fn codes(findings: &[super::Finding]) -> Vec<crate::catalogue::Code> {
        findings.iter().map(|finding| finding.code).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_in_either_case() {
        assert!(is_guid("3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40"));
        assert!(is_guid("3F2B8C1E-7D4A-4B6E-9C2F-1A5E8D7B6C40"));
        assert!(!is_guid("3f2b8c1e7d4a4b6e9c2f1a5e8d7b6c40"));
        assert!(!is_guid("3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c4"));
        assert!(!is_guid("3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c4g"));
        assert!(!is_guid(""));
    }

    #[test]
    fn other_guid_spellings_are_recognised() {
        let canonical = "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40";
        for text in [
            "{3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40}",
            "urn:uuid:3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
            "3f2b8c1e7d4a4b6e9c2f1a5e8d7b6c40",
        ] {
            assert_eq!(
                guid_in_other_form(text).as_deref(),
                Some(canonical),
                "{text}"
            );
        }
        assert_eq!(guid_in_other_form("not a guid"), None);
    }

    /// The template checks read only the ends of a normalized value: every list they compare
    /// with must fit in them.
    #[test]
    fn template_lists_fit_the_normalized_window() {
        assert!(
            TEMPLATE_WORDS
                .iter()
                .all(|word| word.len() <= NORMALIZED_WINDOW)
        );
        assert!(
            TEMPLATE_PREFIXES
                .iter()
                .all(|prefix| prefix.len() < NORMALIZED_WINDOW)
        );
        assert!(
            HERE_WORDS
                .iter()
                .all(|word| word.len() + "here".len() <= NORMALIZED_WINDOW)
        );
    }

    /// What `current_format_placeholder` takes for granted about the lists.
    #[test]
    fn the_lists_leave_current_format_secrets_only_here_templates() {
        assert!(TEMPLATE_WORDS.iter().all(|word| !word.contains('q')));
        assert!(TEMPLATE_PREFIXES.iter().all(
            |prefix| prefix.len() >= 4 && prefix.bytes().all(|byte| byte.is_ascii_alphabetic())
        ));
    }

    /// Current-format secrets that end like every `… here` template and near misses of one.
    #[test]
    fn current_format_placeholders_are_the_placeholders() {
        let mut templates = 0;
        for start in ["abC", "you", "---", "xxx", "eyJ", "ins", "..."] {
            for end in [
                "secret-here",
                "SECRET_HERE",
                "id-here",
                "idhere",
                "goes.here",
                "tokenhere",
                "sphere",
                "here",
                "hereX",
                "value~here-",
                "uri_here_",
                "0123456789",
                "x-x-x-x-x-x",
            ] {
                for fill in [
                    "",
                    "a",
                    "-",
                    "Zz9",
                    "~.~",
                    "abcdefghijklmnopqrstuvwxyz0123456789",
                ] {
                    let mut value = format!("{start}7Q~{fill}");
                    while value.len() + end.len() < 40 {
                        value.push('k');
                    }
                    let value: String = format!("{value}{end}").chars().take(40).collect();
                    if !client_secret::is_current_format(&value) {
                        continue;
                    }
                    let expected = placeholder(&value);
                    templates += usize::from(expected.is_some());
                    assert_eq!(current_format_placeholder(&value), expected, "{value}");
                }
            }
        }
        assert!(templates > 20, "{templates}");
    }

    proptest::proptest! {
        #[test]
        fn current_format_placeholders_are_the_placeholders_fuzzed(
            value in "(your|[A-Za-z0-9_~.-]{3})[0-9]Q~[A-Za-z0-9_~.-]{20,24}(here|HERE|[-_.~]|id|secret|value|x|[a-z0-9]){1,6}",
        ) {
            if client_secret::is_current_format(&value) {
                proptest::prop_assert_eq!(current_format_placeholder(&value), placeholder(&value), "{}", value);
            }
        }
    }

    #[test]
    fn the_normalizing_table_keeps_letters_and_digits_lower_cased() {
        for byte in 0..=u8::MAX {
            let expected = if byte.is_ascii_alphanumeric() {
                byte.to_ascii_lowercase()
            } else {
                0
            };
            assert_eq!(NORMALIZED_BYTE[usize::from(byte)], expected, "{byte}");
        }
    }

    /// The template check on the whole normalized string, as `Normalized` reads its windows.
    fn whole(value: &str) -> bool {
        let normalized: String = value
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|byte| char::from(byte.to_ascii_lowercase()))
            .collect();
        let only_x = normalized.len() >= 3 && normalized.chars().all(|c| c == 'x');
        let instruction = TEMPLATE_PREFIXES
            .iter()
            .any(|prefix| normalized.starts_with(prefix) && normalized.len() > prefix.len())
            || normalized
                .strip_suffix("here")
                .is_some_and(|named| HERE_WORDS.iter().any(|word| named.ends_with(word)));
        only_x || instruction || TEMPLATE_WORDS.contains(&normalized.as_str())
    }

    proptest::proptest! {
        /// Any text around the window's length, made of template pieces and filler.
        #[test]
        fn windowed_template_check_matches_the_whole_string_fuzzed(
            value in "(your|here|secret|id|x|X|[a-z0-9]|[-_ .~]|é){0,24}",
        ) {
            let normalized = Normalized::of(&value);
            proptest::prop_assert_eq!(normalized.is_template(), whole(&value), "{:?}", value);
        }
    }

    /// The windowed check gives what comparing the whole normalized string gives.
    #[test]
    fn windowed_template_check_matches_the_whole_string() {
        let pieces = [
            "",
            "x",
            "XX",
            "your",
            "Your-Tenant",
            "insert",
            "-",
            "_",
            "secret",
            "here",
            "HERE",
            "id",
            "value",
            "é",
            "0",
            "123",
            "abc",
            "changeme",
            "z",
            "password_",
            "sphere",
            "hfc2Q~Rbr7rz53L3A-RFZK1j-O82pyNilgWqg~Vb",
            "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
        ];
        for first in pieces {
            for second in pieces {
                for third in [
                    "",
                    "-",
                    "xxxxxxxxxxxxxxxxxx",
                    "goes here",
                    "0123456789abcdef",
                ] {
                    let value = format!("{first}{second}{third}");
                    assert_eq!(
                        Normalized::of(&value).is_template(),
                        whole(&value),
                        "{value:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn placeholders_are_recognised() {
        for text in [
            "YOUR_CLIENT_ID",
            "your-client-secret",
            "<client-id>",
            "<your secret>",
            "{{CLIENT_SECRET}}",
            "changeme",
            "CHANGE_ME",
            "xxx",
            "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX",
            "TODO",
            "todo",
            "paste-secret-here",
            "secret_here",
            "client-id-here",
            "secret",
        ] {
            assert_eq!(placeholder(text), Some(Placeholder::Template), "{text}");
        }
        // Random values that merely end in "here" are not templates.
        for text in [
            "Tq3+vX9/kLm2Rp8sphere",
            "aB3dE5fG7hJ9kL1mAtmosphere",
            "nowhere",
        ] {
            assert_eq!(placeholder(text), None, "{text}");
        }
        assert_eq!(
            placeholder("abc~1Q****************"),
            Some(Placeholder::Masked)
        );
        assert_eq!(placeholder("********"), Some(Placeholder::Masked));
        for text in [
            "$AZDO_CLIENT_SECRET",
            "$(AzdoClientSecret)",
            "${{ secrets.AZDO_CLIENT_SECRET }}",
            "%AZDO_CLIENT_SECRET%",
            "#{AzdoClientSecret}#",
        ] {
            assert!(
                matches!(placeholder(text), Some(Placeholder::UnresolvedReference(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn real_values_are_not_placeholders() {
        for text in [
            "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
            "3F2B8C1E-7D4A-4B6E-9C2F-1A5E8D7B6C40",
            "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a",
            "Tq3+vX9/kLm2Rp8sW1yZ4aB6cD0eF7gH=",
            "x7$kP!q2@Lm9#rT4",
            "contoso.onmicrosoft.com",
            "",
        ] {
            assert_eq!(placeholder(text), None, "{text}");
        }
    }

    /// The schema's string patterns, as committed (the schema layer drops pattern errors).
    fn schema_pattern(key: &str) -> regex::Regex {
        let schema = crate::schema::json_schema(&crate::connectors::AZURE_DEVOPS);
        let pattern = schema["$defs"]["record"]["properties"][key]["pattern"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!pattern.is_empty(), "no pattern for {key}");
        regex::Regex::new(&pattern).unwrap_or_else(|error| panic!("{key}: {error}"))
    }

    const PATTERN_KEYS: &[&str] = &["clientId", "redirectUri", "callbackUrl", "tenantId"];

    /// Asserts that when `value` fails the schema's pattern for `key`, a rule reports an error
    /// on that key: nothing the editor flags passes the command line silently.
    fn assert_rules_cover_pattern(key: &str, value: &str) -> Result<(), String> {
        if schema_pattern(key).is_match(value) {
            return Ok(());
        }
        let findings = check(&testing::record(&[(key, value)]), &RuleContext::default());
        let covered = findings.iter().any(|finding| {
            finding.key.as_deref() == Some(key)
                && finding.code.severity() == crate::catalogue::Severity::Error
        });
        if covered {
            Ok(())
        } else {
            Err(format!(
                "{key} = {value:?} fails the schema pattern but no rule error fires"
            ))
        }
    }

    #[test]
    fn rules_catch_what_the_schema_patterns_reject() {
        let samples = [
            "",
            " ",
            "x",
            "YOUR_CLIENT_ID",
            "<client-id>",
            "3f2b8c1e7d4a4b6e9c2f1a5e8d7b6c40",
            "{3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40}",
            " 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
            "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\n",
            "\"3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\"",
            "common",
            "contoso",
            "contoso.c",
            "-contoso.com",
            "contoso..com",
            " contoso.com",
            "api.acme.appmixer.cloud/auth/azuredevops/callback",
            "http://api.acme.appmixer.cloud/auth/azuredevops/callback",
            "HTTPS://api.acme.appmixer.cloud/auth/azuredevops/callback",
            "Https://api.acme.appmixer.cloud/auth/azuredevops/callback",
            "http://LOCALHOST/auth/azuredevops/callback",
            "http://localhostx/auth/azuredevops/callback",
            "http://127.0.0.1/auth/azuredevops/callback",
            "https:/api.acme.appmixer.cloud/auth/azuredevops/callback",
            "https:\\\\api.acme.appmixer.cloud/auth/azuredevops/callback",
            " https://api.acme.appmixer.cloud/auth/azuredevops/callback",
            "'https://api.acme.appmixer.cloud/auth/azuredevops/callback'",
            "ftp://api.acme.appmixer.cloud/auth/azuredevops/callback",
            "//api.acme.appmixer.cloud/auth/azuredevops/callback",
            "${UNRESOLVED",
        ];
        for key in PATTERN_KEYS {
            for value in samples {
                assert_rules_cover_pattern(key, value).unwrap_or_else(|error| panic!("{error}"));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn rules_catch_what_the_schema_patterns_reject_fuzzed(
            key_index in 0usize..4,
            base_index in 0usize..4,
            position in 0usize..80,
            inserted in proptest::sample::select(vec![
                " ", "\t", "\n", "\"", "'", "x", "-", ".", "/", ":", "{", "}", "$", "G", "\u{A0}",
            ]),
            arbitrary in "[ -~]{0,40}",
            use_arbitrary in proptest::bool::ANY,
        ) {
            let bases = [
                "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
                "https://api.acme.appmixer.cloud/auth/azuredevops/callback",
                "http://localhost:2200/auth/azuredevops/callback",
                "contoso.onmicrosoft.com",
            ];
            let value = if use_arbitrary {
                arbitrary
            } else {
                let base = bases[base_index];
                let at = base
                    .char_indices()
                    .map(|(index, _)| index)
                    .chain(std::iter::once(base.len()))
                    .nth(position % (base.chars().count() + 1))
                    .unwrap_or(0);
                format!("{}{inserted}{}", &base[..at], &base[at..])
            };
            let key = PATTERN_KEYS[key_index];
            proptest::prop_assert!(assert_rules_cover_pattern(key, &value).is_ok(), "{:?}", assert_rules_cover_pattern(key, &value));
        }
    }

    proptest::proptest! {
        /// Any text in any key: the rules never panic (a panic is a defect, whatever the input).
        #[test]
        fn rules_never_panic(
            value in "\\PC{0,60}",
            prefix in proptest::sample::select(vec![
                "", "https://", "http://", "http://LOCALHOST", "http://é€@LOCALHOST", "https://api.", "{", "\"",
            ]),
            with_api in proptest::bool::ANY,
        ) {
            let value = format!("{prefix}{value}");
            let context = RuleContext {
                api_url: with_api.then(|| url::Url::parse("https://api.acme.appmixer.cloud/x/").ok()).flatten(),
            };
            for key in ["clientId", "clientSecret", "redirectUri", "callbackUrl", "tenantId"] {
                let record = testing::record(&[(key, value.as_str()), ("clientId", value.as_str())]);
                let _ = check(&record, &context);
                let _ = notes(&record, &context);
            }
        }
    }

    /// Wrong redirect URIs of every kind the rules know, for a connector's callback path.
    fn wrong_uris(path: &str) -> Vec<String> {
        let schemes = ["https://", "http://", "HTTPS://", "ftp://", "https:/", ""];
        let hosts = [
            "api.acme.appmixer.cloud",
            "API.acme.appmixer.cloud",
            "my.acme.appmixer.cloud",
            "backoffice.acme.appmixer.cloud",
            "acme.appmixer.cloud",
            "api.appmixer.cloud",
            "acme.api.appmixer.cloud",
            "api-acme.appmixer.cloud",
            "appmixer.cloud",
            "api.acme.appmixer.cloud.",
            "studio.eu.acme.appmixer.cloud",
            "appmixer.contoso.com",
            "appmixer.yourstory.com",
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.0.0.2",
            "[::1]",
            "*.contoso.com",
            "api.YOUR_SUBDOMAIN.appmixer.cloud",
            "\u{430}pi.acme.appmixer.cloud",
            "api.acme\u{3002}appmixer.cloud",
            "api.acme.appmixer.cloud\u{200B}",
            "user:hunter2@api.acme.appmixer.cloud",
        ];
        let ports = ["", ":443", ":8443", ":0443", ":", ":2200"];
        let upper = path.to_ascii_uppercase();
        let paths = [
            path.to_owned(),
            format!("/api{path}"),
            format!("/{path}"),
            format!("{path}/"),
            upper,
            "/auth/x/callback".to_owned(),
            String::new(),
            "/".to_owned(),
            format!("/a,b{path}"),
        ];
        let tails = ["", "?a=b", "#x"];
        // Every host, port and path together, each with one of the schemes and tails in turn;
        // every host with every scheme and tail on the plain path.
        let mut uris = Vec::new();
        for (h, host) in hosts.iter().enumerate() {
            for (p, port) in ports.iter().enumerate() {
                for (q, path) in paths.iter().enumerate() {
                    let scheme = schemes[(h + p + q) % schemes.len()];
                    let tail = tails[(h * 7 + q) % tails.len()];
                    uris.push(format!("{scheme}{host}{port}{path}{tail}"));
                }
            }
            for scheme in schemes {
                for tail in tails {
                    uris.push(format!("{scheme}{host}{}{tail}", paths[0]));
                }
            }
        }
        uris
    }

    /// The concrete URIs a help text quotes (`` `https://…` ``; templates with `<…>` are not).
    fn quoted_uris(help: &str) -> Vec<String> {
        help.split('`')
            .skip(1)
            .step_by(2)
            .filter(|quoted| {
                quoted
                    .split_once("://")
                    .is_some_and(|(_, rest)| !rest.is_empty())
                    && !quoted.contains('<')
            })
            .map(str::to_owned)
            .collect()
    }

    /// Every URI a redirect-URI finding suggests passes the rules itself (for the same key of the
    /// same connector, with the same `--api-url`), and the findings on one value never suggest
    /// two different fixes; the only other URI a help may quote is the documented example.
    #[test]
    fn every_suggested_uri_passes_the_rules_and_is_the_only_fix() {
        use crate::connectors::{KeyKind, PROFILES};
        let mut suggested = 0;
        let mut problems = Vec::new();
        for profile in PROFILES {
            for key in profile
                .keys
                .iter()
                .filter(|key| matches!(key.kind, KeyKind::Callback | KeyKind::Url))
            {
                let path = redirect_uri::Target::of(profile, key.kind).path;
                let example = format!("https://api.acme.appmixer.cloud{path}");
                for api in [
                    None,
                    Some("https://api.acme.appmixer.cloud"),
                    Some("https://appmixer.contoso.com/api/"),
                ] {
                    let context = RuleContext {
                        api_url: api.and_then(|api| url::Url::parse(api).ok()),
                    };
                    let errors_on_key = |value: &str| -> Vec<Finding> {
                        check(&testing::record_of(profile, &[(key.name, value)]), &context)
                            .into_iter()
                            .filter(|finding| {
                                finding.key.as_deref() == Some(key.name)
                                    && finding.code.severity() == crate::catalogue::Severity::Error
                            })
                            .collect()
                    };
                    for value in wrong_uris(path) {
                        let findings: Vec<Finding> = check(
                            &testing::record_of(profile, &[(key.name, value.as_str())]),
                            &context,
                        )
                        .into_iter()
                        .filter(|finding| {
                            finding.key.as_deref() == Some(key.name)
                                && finding.code.as_str().starts_with("redirect-uri/")
                        })
                        .collect();
                        let mut fixes: Vec<String> = findings
                            .iter()
                            .flat_map(|finding| quoted_uris(finding.help.as_deref().unwrap_or("")))
                            .filter(|uri| {
                                *uri != example || api.is_some() && key.kind == KeyKind::Callback
                            })
                            .collect();
                        fixes.sort();
                        fixes.dedup();
                        if fixes.len() > 1 {
                            problems.push(format!(
                                "{} {} = {value:?} (api {api:?}): several fixes {fixes:?}",
                                profile.service_id, key.name
                            ));
                        }
                        for fix in fixes {
                            suggested += 1;
                            let again = errors_on_key(&fix);
                            if !again.is_empty() {
                                problems.push(format!(
                                    "{} {} = {value:?} (api {api:?}): the fix {fix:?} gets {:?}",
                                    profile.service_id,
                                    key.name,
                                    testing::codes(&again)
                                ));
                            }
                        }
                    }
                }
            }
        }
        problems.truncate(20);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(suggested > 5_000, "only {suggested} suggestions were tried");
    }
}
