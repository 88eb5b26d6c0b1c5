//! The shape of a record, per connector: the JSON Schema generated from the connector's profile
//! (the single source of `schemas/*.schema.json`), and the validation of a record against it,
//! compiled once per connector and process. Each schema error becomes a finding about a key of the
//! record: the pipeline maps it to its source span.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;

use crate::catalogue::Code;
use crate::connectors::{KeyKind, PROFILE_COUNT, PROFILES, Profile};
use crate::record::ENV_REFERENCE;

const GUID: &str = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
const DOMAIN: &str = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}";

/// The pattern a key's string value must match, for editors (the CLI's rules report the same
/// values with precise codes); a `${NAME}` reference is accepted wherever a pattern applies.
fn pattern(kind: KeyKind) -> Option<String> {
    match kind {
        KeyKind::ClientId => Some(format!("^(?:{GUID}|{ENV_REFERENCE})$")),
        KeyKind::Callback | KeyKind::Url => Some(format!(
            "^(?:https://|http://(?:localhost|127\\.0\\.0\\.1)(?:[:/]|$)|{ENV_REFERENCE})"
        )),
        KeyKind::Tenant => Some(format!(
            "^(?:{GUID}|{DOMAIN}|[Cc]ommon|[Oo]rganizations|[Cc]onsumers|{ENV_REFERENCE})$"
        )),
        KeyKind::Flag => Some(format!(
            "^(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|{ENV_REFERENCE})$"
        )),
        KeyKind::Milliseconds => Some(format!("^(?:[0-9]+|{ENV_REFERENCE})$")),
        KeyKind::ServiceId | KeyKind::ClientSecret | KeyKind::Text => None,
    }
}

/// The JSON Schema `type` of a key's value.
fn json_type(kind: KeyKind) -> serde_json::Value {
    match kind {
        KeyKind::Flag => serde_json::json!(["boolean", "string"]),
        KeyKind::Milliseconds => serde_json::json!(["number", "string"]),
        _ => serde_json::json!("string"),
    }
}

/// The definition of one record of a connector.
fn record_definition(profile: &Profile) -> serde_json::Value {
    let mut properties = serde_json::Map::new();
    for key in profile.keys {
        let mut property = serde_json::Map::new();
        property.insert("title".into(), key.title.into());
        property.insert("description".into(), key.description.into());
        property.insert("type".into(), json_type(key.kind));
        if key.kind == KeyKind::Milliseconds {
            property.insert("minimum".into(), 0.into());
        }
        if let Some(pattern) = pattern(key.kind) {
            property.insert("pattern".into(), pattern.into());
        }
        if !key.required {
            property.insert("default".into(), serde_json::Value::Null);
        }
        if key.kind == KeyKind::ServiceId {
            property.insert("enum".into(), serde_json::json!([profile.service_id]));
        }
        properties.insert(key.name.into(), property.into());
    }
    let required: Vec<&str> = profile.required_keys().map(|key| key.name).collect();
    serde_json::json!({
        "required": required,
        "title": schema_title(profile),
        "description": schema_description(profile),
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    })
}

fn schema_title(profile: &Profile) -> String {
    format!("Appmixer {} configuration", profile.title())
}

fn schema_description(profile: &Profile) -> String {
    format!(
        "Backoffice service configuration of `{}`: the Microsoft Entra ID app registration the connector signs users in with. Check it with `connector-lint check`.",
        profile.service_id
    )
}

/// The committed schema of a connector: a record, or a list of records each naming its service.
pub fn json_schema(profile: &Profile) -> serde_json::Value {
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("https://github.com/appmixer-connectors/connector-lint/blob/main/schemas/{}", profile.schema_file()),
        "title": schema_title(profile),
        "description": schema_description(profile),
        "anyOf": [
            { "$ref": "#/$defs/record" },
            {
                "type": "array",
                "description": "A list of service configurations, as `GET /service-config` of the Appmixer API returns them; each names its service.",
                "items": {
                    "type": "object",
                    "required": ["serviceId"],
                    "if": { "properties": { "serviceId": { "const": profile.service_id } } },
                    "then": { "$ref": "#/$defs/record" }
                }
            }
        ],
        "$defs": { "record": record_definition(profile) }
    })
}

/// The schema as the bytes committed under `schemas/` and printed by `connector-lint schema`.
pub fn json_schema_text(profile: &Profile) -> String {
    let mut text = serde_json::to_string_pretty(&json_schema(profile)).unwrap_or_default();
    text.push('\n');
    text
}

/// What the schema found, before positions are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeFinding {
    pub code: Code,
    /// The key it is about (`None`: the record mapping itself).
    pub key: Option<String>,
    /// Whether the label belongs on the key (unknown keys) rather than on the value.
    pub on_key: bool,
    pub message: String,
    pub help: Option<String>,
    /// The known key the finding concerns: the missing key, or the one a misspelling means.
    pub concerns: Option<&'static str>,
    /// The rename that fixes a misspelled key, when it is the only key meant.
    pub fix: Option<crate::fix::ValueFix>,
}

fn validator(profile: &Profile) -> Option<&'static jsonschema::Validator> {
    static VALIDATORS: [OnceLock<Option<jsonschema::Validator>>; PROFILE_COUNT] =
        [const { OnceLock::new() }; PROFILE_COUNT];
    let index = PROFILES
        .iter()
        .position(|known| std::ptr::eq(*known, profile))?;
    VALIDATORS[index]
        .get_or_init(|| {
            // Validate one record against the committed schema's `record` definition, as the
            // root of a draft-07 schema: it only uses keywords draft-07 shares with 2020-12, and
            // compiling against the draft-07 meta-schema is several times cheaper, which is most
            // of the start-up of a one-file run.
            let mut schema = record_definition(profile);
            if let Some(object) = schema.as_object_mut() {
                object.insert(
                    "$schema".into(),
                    "http://json-schema.org/draft-07/schema#".into(),
                );
            }
            // Value constraints (patterns, the service id enum) are there for editors; the CLI
            // reports them through the rules with precise codes and drops the schema's errors,
            // so evaluating them here would be work thrown away on every record.
            if let Some(properties) = schema
                .pointer_mut("/properties")
                .and_then(serde_json::Value::as_object_mut)
            {
                for property in properties.values_mut() {
                    if let Some(property) = property.as_object_mut() {
                        property.remove("pattern");
                        property.remove("enum");
                        property.remove("minimum");
                    }
                }
            }
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .should_validate_formats(true)
                .build(&schema)
                .ok()
        })
        .as_ref()
}

/// The closest known key, when `key` is a near miss of one (case, `_`/`-`, a typo or two).
pub fn suggest_key(profile: &Profile, key: &str) -> Option<&'static str> {
    key_candidates(profile, key).first().copied()
}

/// The separators a did-you-mean ignores in a key's name.
fn is_separator(c: char) -> bool {
    matches!(c, '_' | '-' | ' ' | '.')
}

/// Common synonyms admins reach for (normalized), each meaning the first of its keys the
/// connector has.
const ALIASES: &[(&[&str], &[&str])] = &[
    (&["applicationid", "appid", "client"], &["clientId"]),
    (
        &["secret", "clientsecretvalue", "appsecret"],
        &["clientSecret"],
    ),
    (
        &[
            "redirecturl",
            "replyurl",
            "replyuri",
            "callbackuri",
            "redirect",
        ],
        &["redirectUri", "callbackUrl"],
    ),
    (&["tenant", "directoryid", "tenantid"], &["tenantId"]),
    (&["service", "serviceid"], &["serviceId"]),
];

fn aliases_of(normalized: &str) -> &'static [&'static str] {
    aliases_of_bytes(normalized.as_bytes())
}

/// [`aliases_of`] for a normalized key gathered as bytes (no UTF-8 check needed to compare).
fn aliases_of_bytes(normalized: &[u8]) -> &'static [&'static str] {
    ALIASES
        .iter()
        .find(|(words, _)| words.iter().any(|word| word.as_bytes() == normalized))
        .map_or(&[], |(_, keys)| keys)
}

/// The most edits a did-you-mean allows from a key to the known key `known`.
fn allowed_edits(known: &str) -> usize {
    if known.len() > 8 { 2 } else { 1 }
}

/// Whether `key_candidates(_, key)` can hold `known` at all, decided without computing an edit
/// distance or allocating: every key of every file is asked whether it is a near miss of a secret
/// key, and nearly all are far from it. An edit (insertion, deletion, substitution,
/// transposition) changes by at most one both the number of the key's characters that `known`
/// lacks and the number of `known`'s that the key lacks, so the larger of the two is at most the
/// distance. An alias of `known` is one too.
pub fn may_suggest(key: &str, known: &str) -> bool {
    if !known.is_ascii() {
        return true;
    }
    let mut wanted = [0u8; 128];
    for byte in known.bytes() {
        let slot = &mut wanted[usize::from(byte.to_ascii_lowercase())];
        *slot = slot.saturating_add(1);
    }
    let mut length = 0usize;
    let mut matched = 0usize;
    // The normalized key while it can still be an alias (aliases are short and ASCII).
    let mut alias = [0u8; LONGEST_ALIAS];
    let mut alias_length = Some(0);
    let mut take = |c: char| {
        length += 1;
        let byte = u8::try_from(c).ok().filter(u8::is_ascii);
        alias_length = match (alias_length, byte) {
            (Some(at), Some(byte)) if at < LONGEST_ALIAS => {
                alias[at] = byte;
                Some(at + 1)
            }
            _ => None,
        };
        if let Some(count) = byte.map(|byte| &mut wanted[usize::from(byte)])
            && *count > 0
        {
            *count -= 1;
            matched += 1;
        }
    };
    if key.is_ascii() {
        // Most keys: no case mapping tables needed.
        key.bytes()
            .filter(|&byte| !is_separator(char::from(byte)))
            .for_each(|byte| take(char::from(byte.to_ascii_lowercase())));
    } else {
        key.chars()
            .filter(|&c| !is_separator(c))
            .flat_map(char::to_lowercase)
            .for_each(&mut take);
    }
    let missing_from_known = length - matched;
    let missing_from_key = known.len() - matched;
    missing_from_known.max(missing_from_key) <= allowed_edits(known)
        || alias_length.is_some_and(|at| aliases_of_bytes(&alias[..at]).contains(&known))
}

/// The longest alias `aliases_of` knows, in bytes.
const LONGEST_ALIAS: usize = 17;

/// A key's name as the did-you-mean compares it: separators left out, in lower case.
fn normalized_key(key: &str) -> String {
    key.chars()
        .filter(|&c| !is_separator(c))
        .collect::<String>()
        .to_lowercase()
}

/// A lower bound of the edit distance `key_candidates` computes between a normalized key and
/// the known key `known` (in lower case): the larger of the number of the key's characters that
/// `known` lacks and the number of `known`'s that the key lacks (counted with repeats). Each edit
/// (insertion, deletion, substitution, transposition) changes either number by at most one, and
/// both are zero when the two are equal. 0 (no bound) for a known key outside ASCII.
fn edits_lower_bound(normalized: &str, known: &str) -> usize {
    if !known.is_ascii() || known.len() > usize::from(u8::MAX) {
        return 0;
    }
    let mut wanted = [0u8; 128];
    for byte in known.bytes() {
        wanted[usize::from(byte.to_ascii_lowercase())] += 1;
    }
    let mut length = 0usize;
    let mut matched = 0usize;
    for c in normalized.chars() {
        length += 1;
        let slot = u32::from(c)
            .try_into()
            .ok()
            .and_then(|index: usize| wanted.get_mut(index));
        if let Some(count) = slot
            && *count > 0
        {
            *count -= 1;
            matched += 1;
        }
    }
    (length - matched).max(known.len() - matched)
}

/// Every known key `key` may be a near miss of, the closest first: one for most, two for a
/// synonym such as `redirectUrl` (`redirectUri` or `callbackUrl`) or a typo as near to both.
pub fn key_candidates(profile: &Profile, key: &str) -> Vec<&'static str> {
    candidates_within(profile, key, |normalized, known| {
        let allowed = allowed_edits(known);
        // A key the bound rules out has a distance above `allowed`, so it would be dropped
        // anyway; the bound spares the edit distance (an allocation and a table per pair) for
        // nearly every pair.
        if edits_lower_bound(normalized, known) > allowed {
            return None;
        }
        let distance = strsim::damerau_levenshtein(normalized, &known.to_lowercase());
        (distance <= allowed).then_some(distance)
    })
}

/// The candidates for a key: the known keys its aliases name, else the closest of the known keys
/// `distance` (of the normalized key and a known key) keeps.
fn candidates_within(
    profile: &Profile,
    key: &str,
    distance: impl Fn(&str, &'static str) -> Option<usize>,
) -> Vec<&'static str> {
    let normalized = normalized_key(key);
    if normalized.is_empty() {
        return Vec::new();
    }
    let aliases: Vec<&'static str> = aliases_of(&normalized)
        .iter()
        .filter_map(|alias| profile.key(alias).map(|key| key.name))
        .collect();
    if !aliases.is_empty() {
        return aliases;
    }
    let near: Vec<(usize, &'static str)> = profile
        .keys
        .iter()
        .filter_map(|known| {
            distance(&normalized, known.name).map(|distance| (distance, known.name))
        })
        .collect();
    let closest = near.iter().map(|(distance, _)| *distance).min();
    near.into_iter()
        .filter(|(distance, _)| Some(*distance) == closest)
        .map(|(_, known)| known)
        .collect()
}

/// Whether a record (its keys, each with whether its value is a string; first occurrences only)
/// is one the shape-only schema accepts by construction: every key known, every value a string,
/// `clientId` and `clientSecret` present. `validate` would find nothing in it (a
/// test holds the two to that), so the pipeline skips building and validating the instance.
pub fn is_plain_record<'a>(
    profile: &Profile,
    mut entries: impl Iterator<Item = (&'a str, bool)>,
) -> bool {
    let mut required = 0;
    let plain = entries.all(|(name, is_string)| match profile.key(name) {
        Some(key) => {
            required += usize::from(key.required);
            is_string
        }
        None => false,
    });
    plain && required == profile.required_keys().count()
}

/// Validates one record (environment references already resolved).
pub fn validate(profile: &Profile, instance: &serde_json::Value) -> Vec<ShapeFinding> {
    let Some(validator) = validator(profile) else {
        return vec![ShapeFinding {
            code: Code::LoadSyntax,
            key: None,
            on_key: false,
            message: "internal error: the bundled schema does not compile".into(),
            help: None,
            fix: None,
            concerns: None,
        }];
    };
    let mut findings = Vec::new();
    for error in validator.iter_errors(instance) {
        let path = error.instance_path().to_string();
        let key = crate::document::pointer::segments(&path).into_iter().next();
        match error.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default().to_owned();
                let concerns = profile.key(&name).map(|key| key.name);
                let help = match concerns.map(|name| profile.key(name).map(|key| key.kind)) {
                    Some(Some(KeyKind::ClientSecret)) => format!(
                        "add `{name}: ${{{}}}` and set the variable to the secret Value (Certificates & secrets of the app registration)",
                        profile.secret_variable
                    ),
                    _ => format!(
                        "add `{name}: <Application (client) ID>`, from the Overview page of the app registration in Microsoft Entra ID"
                    ),
                };
                findings.push(ShapeFinding {
                    code: Code::KeyMissing,
                    key: None,
                    on_key: false,
                    message: format!("`{name}` is missing"),
                    help: Some(help),
                    concerns,
                    fix: None,
                });
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    let candidates = key_candidates(profile, name);
                    findings.push(match candidates.first().copied() {
                        Some(known) if instance.get(known).is_none() => ShapeFinding {
                            code: Code::KeyMisspelled,
                            key: Some(name.clone()),
                            on_key: true,
                            message: format!("unknown key `{name}`: did you mean `{known}`?"),
                            help: Some(format!(
                                "rename `{name}` to `{known}`; Appmixer reads keys by their exact, case-sensitive name"
                            )),
 concerns: Some(known),
                            // Two keys it may mean is a guess, not a fix.
                            fix: (candidates.len() == 1)
                                .then(|| crate::fix::ValueFix::rename_key(name, known)),
                        },
                        Some(known) => ShapeFinding {
                            code: Code::KeyUnknown,
                            key: Some(name.clone()),
                            on_key: true,
                            message: format!(
                                "unknown key `{name}` (the record already has `{known}`)"
                            ),
                            help: Some(format!("remove `{name}`; Appmixer ignores it")),
                            fix: None,
 concerns: None,
                        },
                        None => ShapeFinding {
                            code: Code::KeyUnknown,
                            key: Some(name.clone()),
                            on_key: true,
                            message: format!(
                                "unknown key `{name}`: the {} does not read it",
                                profile.title()
                            ),
                            help: Some(format!(
                                "Remove the key, or rename it to one of {}.",
                                profile
                                    .keys
                                    .iter()
                                    .map(|key| format!("`{}`", key.name))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                            fix: None,
 concerns: None,
                        },
                    });
                }
            }
            ValidationErrorKind::Type { .. } => {
                let actual = key
                    .as_deref()
                    .and_then(|key| instance.get(key))
                    .map(json_type_name)
                    .unwrap_or("not a string");
                let name = key.clone().unwrap_or_default();
                let kind = profile.key(&name).map_or(KeyKind::Text, |key| key.kind);
                findings.push(ShapeFinding {
                    code: Code::KeyWrongType,
                    key,
                    on_key: false,
                    message: format!("`{name}` must be {}, not {actual}", kind.expected_type()),
                    help: Some(if actual.starts_with("null") {
                        format!("write the value after `{name}:`, or remove the key")
                    } else if kind == KeyKind::Flag {
                        format!("write `{name}: true` or `{name}: false`")
                    } else if kind == KeyKind::Milliseconds {
                        format!("write the number of milliseconds, e.g. `{name}: 60000`")
                    } else {
                        format!(
                            "quote the value (`{name}: \"...\"`): unquoted, YAML reads numbers, `true`/`false` and empty values as other types"
                        )
                    }),
                    concerns: None,
                    fix: None,
                });
            }
            // Patterns and the service id are reported by the rules and the service-id check,
            // with codes more precise than a failed pattern.
            _ => {}
        }
    }
    // `clientID` present and `clientId` missing is one mistake: the misspelling says it all.
    let misspelled: Vec<&str> = findings
        .iter()
        .filter(|finding| finding.code == Code::KeyMisspelled)
        .filter_map(|finding| finding.concerns)
        .collect();
    findings.retain(|finding| {
        !(finding.code == Code::KeyMissing
            && finding
                .concerns
                .is_some_and(|key| misspelled.contains(&key)))
    });
    // Two misspellings of one key (`clientID` and `client_id`): which to keep is a guess.
    let meant_twice: Vec<&'static str> = misspelled
        .iter()
        .filter(|key| misspelled.iter().filter(|other| other == key).count() > 1)
        .copied()
        .collect();
    for finding in &mut findings {
        if finding
            .concerns
            .is_some_and(|key| meant_twice.contains(&key))
        {
            finding.fix = None;
        }
    }
    findings
}

fn json_type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null (an empty value)",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    /// The cheap bound never rules out a key the did-you-mean would suggest: typos of every
    /// known key (each edit kind, separators, letter case, invisible and non-ASCII characters),
    /// aliases, and unrelated names.
    /// Typos of every known key (each edit kind, separators, letter case, invisible and
    /// non-ASCII characters), aliases, and unrelated names.
    fn near_misses() -> Vec<String> {
        use crate::connectors::PROFILES;
        let mut keys: Vec<String> = ALIASES
            .iter()
            .flat_map(|(words, _)| words.iter())
            .flat_map(|word| [word.to_string(), word.to_uppercase(), format!("{word}_x")])
            .collect();
        keys.extend(
            [
                "",
                "x",
                "scope",
                "Ǆ",
                "İclientSecret",
                "client\u{200b}Secret",
                "ΣECRET",
            ]
            .map(str::to_owned),
        );
        let inserted = ['x', 'S', '_', '\u{200b}', 'é', 'Σ'];
        for known in PROFILES.iter().flat_map(|profile| profile.keys) {
            let chars: Vec<char> = known.name.chars().collect();
            for i in 0..=chars.len() {
                for &c in &inserted {
                    let mut edited = chars.clone();
                    edited.insert(i, c);
                    keys.push(edited.iter().collect());
                    if i < chars.len() {
                        let mut edited = chars.clone();
                        edited[i] = c;
                        keys.push(edited.iter().collect());
                    }
                }
                if i < chars.len() {
                    let mut edited = chars.clone();
                    edited.remove(i);
                    keys.push(edited.iter().collect());
                    if let Some(j) = edited.len().checked_sub(1).filter(|&j| i < j) {
                        edited.remove(j);
                        keys.push(edited.iter().collect());
                    }
                }
                if i + 1 < chars.len() {
                    let mut edited = chars.clone();
                    edited.swap(i, i + 1);
                    keys.push(edited.iter().collect());
                }
            }
            keys.push(known.name.to_uppercase());
            keys.push(known.name.replace('I', "_i"));
        }
        keys
    }

    #[test]
    fn may_suggest_never_rules_out_a_suggestion() {
        use crate::connectors::PROFILES;
        let keys = near_misses();
        let mut suggested = 0;
        let mut ruled_out = 0;
        for profile in PROFILES {
            for key in &keys {
                for known in profile.keys {
                    let candidate = key_candidates(profile, key).contains(&known.name);
                    let may = may_suggest(key, known.name);
                    assert!(!candidate || may, "{key:?} is suggested as {}", known.name);
                    suggested += usize::from(candidate);
                    ruled_out += usize::from(!may);
                }
            }
        }
        // The bound has work to do on both sides.
        assert!(
            suggested > 500 && ruled_out > 5000,
            "{suggested} {ruled_out}"
        );
    }

    /// `key_candidates` as it was before the bound: the edit distance to every known key.
    fn key_candidates_unbounded(
        profile: &crate::connectors::Profile,
        key: &str,
    ) -> Vec<&'static str> {
        candidates_within(profile, key, |normalized, known| {
            let distance = strsim::damerau_levenshtein(normalized, &known.to_lowercase());
            (distance <= allowed_edits(known)).then_some(distance)
        })
    }

    /// The bound spares work only: the same candidates in the same order, for typos of every
    /// key and for arbitrary names.
    #[test]
    fn bounded_candidates_are_the_unbounded_ones() {
        use crate::connectors::PROFILES;
        let mut keys = near_misses();
        keys.extend(
            [
                "clientID",
                "client_id",
                "CLIENTSECRET",
                "tenant_ID",
                "redirectURL",
                "scope",
                "aaaa",
            ]
            .map(str::to_owned),
        );
        let mut suggested = 0;
        for profile in PROFILES {
            for key in &keys {
                let bounded = key_candidates(profile, key);
                assert_eq!(bounded, key_candidates_unbounded(profile, key), "{key:?}");
                suggested += bounded.len();
            }
        }
        assert!(suggested > 500, "{suggested}");
    }

    proptest::proptest! {
        /// The bound is below the distance, whatever the two texts (`strsim` counts characters).
        #[test]
        fn edits_lower_bound_is_below_the_distance(
            key in "[a-dA-D_\\-é\u{200b}Σ]{0,14}",
            known in "[a-dA-D]{0,14}",
        ) {
            let normalized = normalized_key(&key);
            let distance = strsim::damerau_levenshtein(&normalized, &known.to_lowercase());
            proptest::prop_assert!(edits_lower_bound(&normalized, &known) <= distance);
        }

        /// Known keys with up to four random edits (insertions, deletions, substitutions,
        /// swaps), in every profile.
        #[test]
        fn bounded_candidates_are_the_unbounded_ones_fuzzed(
            known_index in 0usize..64,
            edits in proptest::collection::vec(
                (0u8..4, 0usize..32, proptest::sample::select(vec!['a', 'e', 'i', 'T', 'd', '_', '-', 'é', '\u{200b}', 'Σ'])),
                0..5,
            ),
        ) {
            let names: Vec<&str> = crate::connectors::PROFILES
                .iter()
                .flat_map(|profile| profile.keys.iter().map(|key| key.name))
                .collect();
            let mut chars: Vec<char> = names[known_index % names.len()].chars().collect();
            for (kind, position, c) in edits {
                let at = position % (chars.len() + 1);
                match kind {
                    0 => chars.insert(at, c),
                    1 if at < chars.len() => { chars.remove(at); }
                    2 if at < chars.len() => chars[at] = c,
                    _ if at + 1 < chars.len() => chars.swap(at, at + 1),
                    _ => {}
                }
            }
            let key: String = chars.into_iter().collect();
            for profile in crate::connectors::PROFILES {
                proptest::prop_assert_eq!(key_candidates(profile, &key), key_candidates_unbounded(profile, &key), "{:?}", key);
            }
        }
    }

    #[test]
    fn aliases_are_short_lower_case_ascii() {
        for word in ALIASES.iter().flat_map(|(words, _)| words.iter()) {
            assert!(word.len() <= LONGEST_ALIAS, "{word}");
            assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "{word}");
        }
    }

    use super::*;
    use crate::connectors::{AZURE_DEVOPS, DYNAMICS, MICROSOFT};
    use serde_json::json;

    #[test]
    fn the_schema_compiles() {
        for profile in PROFILES {
            assert!(validator(profile).is_some(), "{}", profile.service_id);
        }
    }

    #[test]
    fn near_misses_are_suggested() {
        for (key, known) in [
            ("clientID", "clientId"),
            ("client_secret", "clientSecret"),
            ("ClientId", "clientId"),
            ("redirectURI", "redirectUri"),
            ("redirect_url", "redirectUri"),
            ("tenant", "tenantId"),
            ("clientSecert", "clientSecret"),
            ("callbackURL", "callbackUrl"),
        ] {
            assert_eq!(suggest_key(&AZURE_DEVOPS, key), Some(known), "{key}");
        }
        for key in ["description", "scope", "x"] {
            assert_eq!(suggest_key(&AZURE_DEVOPS, key), None, "{key}");
        }
    }

    #[test]
    fn shape_errors_map_to_codes() {
        let findings = validate(
            &AZURE_DEVOPS,
            &json!({"clientID": "a", "clientSecret": 5, "extra": "x"}),
        );
        let codes: Vec<Code> = findings.iter().map(|finding| finding.code).collect();
        assert!(
            !codes.contains(&Code::KeyMissing),
            "clientID stands for the missing clientId"
        );
        assert!(codes.contains(&Code::KeyMisspelled));
        let missing = validate(&AZURE_DEVOPS, &json!({"clientSecret": "b"}));
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].code, Code::KeyMissing);
        assert!(codes.contains(&Code::KeyUnknown));
        assert!(codes.contains(&Code::KeyWrongType));
        assert!(
            validate(
                &AZURE_DEVOPS,
                &json!({"clientId": "a", "clientSecret": "b"})
            )
            .is_empty()
        );
    }

    #[test]
    fn plain_records_are_exactly_those_the_schema_accepts() {
        // Every combination of the known keys and a few others, each a string or not: the fast
        // path must never skip a record the validator has something to say about, and should
        // recognise every record it accepts.
        let keys: Vec<&str> = AZURE_DEVOPS
            .keys
            .iter()
            .map(|key| key.name)
            .chain(["clientID", "scope"])
            .collect();
        for mask in 0u32..(1 << keys.len()) {
            for wrong in [None, Some(0usize), Some(2)] {
                let mut object = serde_json::Map::new();
                for (index, key) in keys.iter().enumerate() {
                    if mask & (1 << index) != 0 {
                        let value = if wrong == Some(index) {
                            json!(1)
                        } else {
                            json!("x")
                        };
                        object.insert((*key).to_owned(), value);
                    }
                }
                let plain = is_plain_record(
                    &AZURE_DEVOPS,
                    object.iter().map(|(k, v)| (k.as_str(), v.is_string())),
                );
                let instance = serde_json::Value::Object(object);
                assert_eq!(
                    plain,
                    validate(&AZURE_DEVOPS, &instance).is_empty(),
                    "{instance}"
                );
            }
        }
    }

    #[test]
    fn messages_never_hold_values() {
        let secret = "s3cr3t-value-that-must-not-leak";
        let findings = validate(
            &AZURE_DEVOPS,
            &json!({"clientSecret": [secret], "clientSecretX": secret}),
        );
        for finding in findings {
            assert!(!finding.message.contains(secret));
            assert!(!finding.help.unwrap_or_default().contains(secret));
        }
    }

    #[test]
    fn flags_and_milliseconds_have_their_own_types() {
        assert!(
            validate(
                &MICROSOFT,
                &json!({"clientId": "a", "clientSecret": "b", "microsoftTenant": true})
            )
            .is_empty()
        );
        assert!(
            validate(
                &MICROSOFT,
                &json!({"clientId": "a", "clientSecret": "b", "microsoftTenant": "TRUE"})
            )
            .is_empty()
        );
        let wrong = validate(
            &MICROSOFT,
            &json!({"clientId": "a", "clientSecret": "b", "microsoftTenant": 1}),
        );
        assert_eq!(wrong.len(), 1);
        assert_eq!(wrong[0].code, Code::KeyWrongType);
        assert!(
            wrong[0].message.contains("`true` or `false`"),
            "{}",
            wrong[0].message
        );
        assert!(
            validate(
                &DYNAMICS,
                &json!({"clientId": "a", "clientSecret": "b", "listOutportCacheTTL": 60000})
            )
            .is_empty()
        );
        let wrong = validate(
            &DYNAMICS,
            &json!({"clientId": "a", "clientSecret": "b", "listInspectorCacheTTL": true}),
        );
        assert_eq!(wrong.len(), 1);
        assert!(
            wrong[0].message.contains("milliseconds"),
            "{}",
            wrong[0].message
        );
        // A key of another connector is unknown here.
        let unknown = validate(
            &DYNAMICS,
            &json!({"clientId": "a", "clientSecret": "b", "microsoftTenant": true}),
        );
        assert_eq!(unknown[0].code, Code::KeyUnknown);
    }

    #[test]
    fn synonyms_mean_the_key_the_connector_has() {
        assert_eq!(
            suggest_key(&AZURE_DEVOPS, "redirect_url"),
            Some("redirectUri")
        );
        assert_eq!(suggest_key(&DYNAMICS, "redirect_url"), Some("callbackUrl"));
        assert_eq!(
            suggest_key(&MICROSOFT, "microsoft_tenant"),
            Some("microsoftTenant")
        );
        assert_eq!(
            suggest_key(&DYNAMICS, "listOutputCacheTTL"),
            Some("listOutportCacheTTL")
        );
    }
}
