//! A record ready for the rules: the values of one service-config record (environment references
//! resolved), each with its origin, keyed by its connector's profile. The profile says which keys
//! exist and what they hold; the record holds only values of the types the profile allows (the
//! shape check reports the others).

use secrecy::SecretString;

use crate::connectors::{KeyKind, Profile};

/// A `${NAME}` environment reference; the schema accepts one wherever it constrains a string.
pub const ENV_REFERENCE: &str = r"\$\{[A-Za-z_][A-Za-z0-9_]*\}";

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Written in the file.
    Literal,
    /// Read from the environment through `${NAME}` references (the names, in order).
    Environment(Vec<String>),
}

impl Origin {
    /// "(from `${NAME}`)" for messages about environment values; empty for literals.
    pub fn describe(&self) -> String {
        match self {
            Origin::Literal => String::new(),
            Origin::Environment(names) => {
                let names: Vec<String> =
                    names.iter().map(|name| format!("`${{{name}}}`")).collect();
                format!(" (from {})", names.join(", "))
            }
        }
    }
}

/// A value as the rules see it.
#[derive(Debug)]
pub enum FieldValue {
    Text(String),
    /// The value of a secret key: exposed only where a rule must test it.
    Secret(SecretString),
    Bool(bool),
    Number(f64),
}

#[derive(Debug)]
pub struct Field {
    pub value: FieldValue,
    pub origin: Origin,
}

/// The most keys a profile may have: a record holds its values inline, without a map or an
/// allocation, as one is built per record of every file (`connectors` tests every profile).
pub const MAX_KEYS: usize = 12;

/// The origin of a value that is absent or written in the file.
static LITERAL: Origin = Origin::Literal;

/// One record of a connector.
#[derive(Debug)]
pub struct Record {
    pub profile: &'static Profile,
    /// The value of each key of the profile, in the profile's order.
    fields: [Option<Field>; MAX_KEYS],
}

impl Record {
    pub fn new(profile: &'static Profile) -> Record {
        debug_assert!(profile.keys.len() <= MAX_KEYS, "{}", profile.service_id);
        Record {
            profile,
            fields: std::array::from_fn(|_| None),
        }
    }

    fn field(&self, key: &str) -> Option<&Field> {
        self.profile
            .key_index(key)
            .and_then(|index| self.fields.get(index)?.as_ref())
    }

    /// The value of a key, whatever its type.
    pub fn value(&self, key: &str) -> Option<&FieldValue> {
        self.field(key).map(|field| &field.value)
    }

    /// A text value (not a secret).
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.value(key) {
            Some(FieldValue::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// A secret value.
    pub fn secret(&self, key: &str) -> Option<&SecretString> {
        match self.value(key) {
            Some(FieldValue::Secret(secret)) => Some(secret),
            _ => None,
        }
    }

    /// The origin of a key's value (`Literal` when absent).
    pub fn origin(&self, key: &str) -> &Origin {
        self.field(key).map_or(&LITERAL, |field| &field.origin)
    }

    /// Whether the record holds a value for this key.
    pub fn has(&self, key: &str) -> bool {
        self.field(key).is_some()
    }

    /// The text values of every key of one kind that the record holds, in the profile's order.
    pub fn texts_of(&self, kind: KeyKind) -> impl Iterator<Item = (&'static str, &str)> {
        self.profile
            .keys
            .iter()
            .zip(&self.fields)
            .filter(move |(key, _)| key.kind == kind)
            .filter_map(
                |(key, field)| match field.as_ref().map(|field| &field.value) {
                    Some(FieldValue::Text(text)) => Some((key.name, text.as_str())),
                    _ => None,
                },
            )
    }

    /// Sets a string value of a known key: a secret key's value becomes a `SecretString` at once.
    /// Unknown keys are ignored (the shape check reports them).
    pub fn set(&mut self, key: &str, value: String, origin: Origin) {
        if let Some((index, known)) = self.profile.key_at(key) {
            self.set_text_at(index, known.kind, value, origin);
        }
    }

    /// Sets a value of any type of a known key; unknown keys are ignored.
    pub fn set_value(&mut self, key: &str, value: FieldValue, origin: Origin) {
        if let Some(index) = self.profile.key_index(key) {
            self.set_value_at(index, value, origin);
        }
    }

    /// `set` for the key at this position of the profile's keys, of this kind (what
    /// `Profile::key_at` gave), without looking the key up again.
    pub fn set_text_at(&mut self, index: usize, kind: KeyKind, value: String, origin: Origin) {
        // Which keys hold secrets is the profile's to say (`connectors` tests that every key a
        // secret's name would be taken for is a `ClientSecret`).
        let value = if kind == KeyKind::ClientSecret {
            FieldValue::Secret(SecretString::from(value))
        } else {
            FieldValue::Text(value)
        };
        self.set_value_at(index, value, origin);
    }

    /// `set_value` for the key at this position of the profile's keys.
    pub fn set_value_at(&mut self, index: usize, value: FieldValue, origin: Origin) {
        if let Some(field) = self.fields.get_mut(index) {
            *field = Some(Field { value, origin });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::PROFILES;

    #[test]
    fn every_known_key_reaches_the_typed_record() {
        for profile in PROFILES {
            for key in profile.keys {
                let mut record = Record::new(profile);
                record.set(key.name, "value".to_owned(), Origin::Literal);
                assert!(record.has(key.name), "{} is dropped", key.name);
                let secret = matches!(record.value(key.name), Some(FieldValue::Secret(_)));
                assert_eq!(secret, key.kind == KeyKind::ClientSecret, "{}", key.name);
            }
            let mut record = Record::new(profile);
            record.set("scope", "x".to_owned(), Origin::Literal);
            assert!(profile.keys.iter().all(|key| !record.has(key.name)));
        }
    }
}
