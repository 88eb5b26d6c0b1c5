//! Connector settings that are not credentials: flags (`microsoftTenant`) and durations in
//! milliseconds (Dynamics's cache TTLs). Their types are checked by the shape; these rules judge
//! the values a type cannot rule out (a flag string that is neither `true` nor `false`, a negative
//! duration, a duration written with a unit).

use super::{Finding, with_origin};
use crate::catalogue::Code;
use crate::connectors::KeyKind;
use crate::record::{FieldValue, Record};

/// Whether a flag string is one the connector reads: `true` or `false` in any letter case (it
/// compares the lower-cased string with `true`; anything else is off).
pub fn is_flag_text(text: &str) -> bool {
    text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
}

pub fn check(record: &Record) -> Vec<Finding> {
    let mut findings = Vec::new();
    // Only flags and durations are judged here: the other keys are not looked up at all.
    for key in record
        .profile
        .keys
        .iter()
        .filter(|key| matches!(key.kind, KeyKind::Flag | KeyKind::Milliseconds))
    {
        let origin = record.origin(key.name);
        let described = origin.describe();
        let name = key.name;
        match (key.kind, record.value(name)) {
            (KeyKind::Flag, Some(FieldValue::Text(text))) if !is_flag_text(text.as_str()) => {
                findings.push(
                    Finding::new(
                        Code::KeyWrongType,
                        name,
                        format!(
                            "`{name}`{described} is neither `true` nor `false`: the connector takes any other text as `false`"
                        ),
                    )
                    .help(with_origin(
                        format!("write `{name}: true` or `{name}: false`"),
                        origin,
                    )),
                );
            }
            (KeyKind::Milliseconds, Some(FieldValue::Number(number))) if *number < 0.0 => {
                findings.push(
                    Finding::new(
                        Code::KeyWrongType,
                        name,
                        format!("`{name}`{described} is negative; a cache TTL is a duration"),
                    )
                    .help(format!(
                        "write a number of milliseconds such as `{name}: 60000`, or remove the key for the connector's default"
                    )),
                );
            }
            (KeyKind::Milliseconds, Some(FieldValue::Text(text)))
                if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) =>
            {
                findings.push(
                    Finding::new(
                        Code::KeyWrongType,
                        name,
                        format!(
                            "`{name}`{described} is not a number of milliseconds (digits only, no unit)"
                        ),
                    )
                    .help(with_origin(
                        format!(
                            "write the duration in milliseconds, e.g. `{name}: 3600000` for an hour"
                        ),
                        origin,
                    )),
                );
            }
            _ => {}
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::{DYNAMICS, MICROSOFT};
    use crate::record::Origin;

    fn text(profile: &'static crate::connectors::Profile, key: &str, value: &str) -> Vec<Code> {
        let mut record = Record::new(profile);
        record.set(key, value.to_owned(), Origin::Literal);
        check(&record).iter().map(|finding| finding.code).collect()
    }

    #[test]
    fn flags_take_true_and_false_in_any_case() {
        for value in ["true", "false", "TRUE", "False", "tRuE"] {
            assert!(
                text(&MICROSOFT, "microsoftTenant", value).is_empty(),
                "{value}"
            );
        }
        for value in ["yes", "1", "on", "", "true "] {
            assert_eq!(
                text(&MICROSOFT, "microsoftTenant", value),
                [Code::KeyWrongType],
                "{value:?}"
            );
        }
        let mut record = Record::new(&MICROSOFT);
        record.set_value("microsoftTenant", FieldValue::Bool(true), Origin::Literal);
        assert!(check(&record).is_empty());
    }

    #[test]
    fn milliseconds_are_non_negative_numbers() {
        for value in ["0", "60000"] {
            assert!(
                text(&DYNAMICS, "listOutportCacheTTL", value).is_empty(),
                "{value}"
            );
        }
        for value in ["1h", "-5", "60 000", "", "6e4"] {
            assert_eq!(
                text(&DYNAMICS, "listInspectorCacheTTL", value),
                [Code::KeyWrongType],
                "{value:?}"
            );
        }
        for (number, findings) in [(60000.0, 0), (0.0, 0), (-1.0, 1)] {
            let mut record = Record::new(&DYNAMICS);
            record.set_value(
                "listLookupOptionsCacheTTL",
                FieldValue::Number(number),
                Origin::Literal,
            );
            assert_eq!(check(&record).len(), findings);
        }
    }
}
