//! Shape validation against the generated JSON Schema, compiled once per process. Each schema error
//! becomes a finding about a key of the record: the pipeline maps it to its source span.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;

use crate::catalogue::Code;
use crate::record::{self, KNOWN_KEYS};

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
}

fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            // Validate one record against the committed schema's `record` definition, as the
            // root of a draft-07 schema: it only uses keywords draft-07 shares with 2020-12, and
            // compiling against the draft-07 meta-schema is several times cheaper, which is most
            // of the start-up of a one-file run.
            let mut schema = record::json_schema()
                .pointer("/$defs/record")
                .cloned()
                .unwrap_or_default();
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
pub fn suggest_key(key: &str) -> Option<&'static str> {
    let normalized: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .collect::<String>()
        .to_lowercase();
    if normalized.is_empty() {
        return None;
    }
    // Common synonyms admins reach for.
    let alias = match normalized.as_str() {
        "applicationid" | "appid" | "client" => Some("clientId"),
        "secret" | "clientsecretvalue" | "appsecret" => Some("clientSecret"),
        "redirecturl" | "replyurl" | "replyuri" | "callbackuri" | "redirect" => Some("redirectUri"),
        "tenant" | "directoryid" | "tenantid" => Some("tenantId"),
        "service" | "serviceid" => Some("serviceId"),
        _ => None,
    };
    if alias.is_some() {
        return alias;
    }
    KNOWN_KEYS
        .iter()
        .map(|known| {
            let distance = strsim::damerau_levenshtein(&normalized, &known.to_lowercase());
            (distance, *known)
        })
        .filter(|(distance, known)| *distance <= if known.len() > 8 { 2 } else { 1 })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

/// Whether a record (its keys, each with whether its value is a string; first occurrences only)
/// is one the shape-only schema accepts by construction: every key known, every value a string,
/// `clientId` and `clientSecret` present. `validate` would find nothing in it (a
/// test holds the two to that), so the pipeline skips building and validating the instance.
pub fn is_plain_record<'a>(mut entries: impl Iterator<Item = (&'a str, bool)>) -> bool {
    let mut required = 0;
    let plain = entries.all(|(key, is_string)| {
        if matches!(key, "clientId" | "clientSecret") {
            required += 1;
        }
        is_string && KNOWN_KEYS.contains(&key)
    });
    plain && required == 2
}

/// Validates one record (environment references already resolved).
pub fn validate(instance: &serde_json::Value) -> Vec<ShapeFinding> {
    let Some(validator) = validator() else {
        return vec![ShapeFinding {
            code: Code::LoadSyntax,
            key: None,
            on_key: false,
            message: "internal error: the bundled schema does not compile".into(),
            help: None,
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
                let concerns = KNOWN_KEYS.iter().copied().find(|known| *known == name);
                let help = match name.as_str() {
                    "clientId" => {
                        "add `clientId: <Application (client) ID>`, from the Overview page of the app registration in Microsoft Entra ID"
                    }
                    _ => {
                        "add `clientSecret: ${AZDO_CLIENT_SECRET}` and set the variable to the secret Value (Certificates & secrets of the app registration)"
                    }
                };
                findings.push(ShapeFinding {
                    code: Code::KeyMissing,
                    key: None,
                    on_key: false,
                    message: format!("`{name}` is missing"),
                    help: Some(help.to_owned()),
                    concerns,
                });
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    findings.push(match suggest_key(name) {
                        Some(known) if instance.get(known).is_none() => ShapeFinding {
                            code: Code::KeyMisspelled,
                            key: Some(name.clone()),
                            on_key: true,
                            message: format!("unknown key `{name}`: did you mean `{known}`?"),
                            help: Some(format!(
                                "rename `{name}` to `{known}`; Appmixer reads keys by their exact, case-sensitive name"
                            )),
                            concerns: Some(known),
                        },
                        Some(known) => ShapeFinding {
                            code: Code::KeyUnknown,
                            key: Some(name.clone()),
                            on_key: true,
                            message: format!(
                                "unknown key `{name}` (the record already has `{known}`)"
                            ),
                            help: Some(format!("remove `{name}`; Appmixer ignores it")),
                            concerns: None,
                        },
                        None => ShapeFinding {
                            code: Code::KeyUnknown,
                            key: Some(name.clone()),
                            on_key: true,
                            message: format!(
                                "unknown key `{name}`: the Azure DevOps connector does not read it"
                            ),
                            help: Some(Code::KeyUnknown.rule().fix.to_owned()),
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
                findings.push(ShapeFinding {
                    code: Code::KeyWrongType,
                    key,
                    on_key: false,
                    message: format!("`{name}` must be a string, not {actual}"),
                    help: Some(if actual.starts_with("null") {
                        format!("write the value after `{name}:`, or remove the key")
                    } else {
                        format!(
                            "quote the value (`{name}: \"...\"`): unquoted, YAML reads numbers, `true`/`false` and empty values as other types"
                        )
                    }),
                    concerns: None,
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
    use super::*;
    use serde_json::json;

    #[test]
    fn the_schema_compiles() {
        assert!(validator().is_some());
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
            assert_eq!(suggest_key(key), Some(known), "{key}");
        }
        for key in ["description", "scope", "x"] {
            assert_eq!(suggest_key(key), None, "{key}");
        }
    }

    #[test]
    fn shape_errors_map_to_codes() {
        let findings = validate(&json!({"clientID": "a", "clientSecret": 5, "extra": "x"}));
        let codes: Vec<Code> = findings.iter().map(|finding| finding.code).collect();
        assert!(
            !codes.contains(&Code::KeyMissing),
            "clientID stands for the missing clientId"
        );
        assert!(codes.contains(&Code::KeyMisspelled));
        let missing = validate(&json!({"clientSecret": "b"}));
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].code, Code::KeyMissing);
        assert!(codes.contains(&Code::KeyUnknown));
        assert!(codes.contains(&Code::KeyWrongType));
        assert!(validate(&json!({"clientId": "a", "clientSecret": "b"})).is_empty());
    }

    #[test]
    fn plain_records_are_exactly_those_the_schema_accepts() {
        // Every combination of the known keys and a few others, each a string or not: the fast
        // path must never skip a record the validator has something to say about, and should
        // recognise every record it accepts.
        let keys: Vec<&str> = KNOWN_KEYS
            .iter()
            .copied()
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
                let plain =
                    is_plain_record(object.iter().map(|(k, v)| (k.as_str(), v.is_string())));
                let instance = serde_json::Value::Object(object);
                assert_eq!(plain, validate(&instance).is_empty(), "{instance}");
            }
        }
    }

    #[test]
    fn messages_never_hold_values() {
        let secret = "s3cr3t-value-that-must-not-leak";
        let findings = validate(&json!({"clientSecret": [secret], "clientSecretX": secret}));
        for finding in findings {
            assert!(!finding.message.contains(secret));
            assert!(!finding.help.unwrap_or_default().contains(secret));
        }
    }
}
