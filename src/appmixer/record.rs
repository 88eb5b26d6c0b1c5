//! A service-config record as the Appmixer API holds it: flat keys beside `serviceId`, values of
//! any JSON type. The value of every key that names a secret (`crate::secrets::is_secret_key`) is a
//! `SecretString` from the moment the answer is read; it is exposed only to build the text a
//! check reads, and the body of a `PUT`.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

/// What `--dry-run` and other masked renderings show instead of a secret.
pub const MASKED: &str = "********";

/// One value of a record.
#[derive(Debug, Clone)]
pub enum Field {
    Plain(Value),
    /// The JSON text of a secret key's value (`"abc"` with its quotes for a string).
    Secret(SecretString),
}

impl Field {
    /// The field for `key`'s value: secret when the key names a secret.
    pub fn of(key: &str, value: Value) -> Field {
        if crate::secrets::is_secret_key(key) {
            Field::Secret(SecretString::from(value.to_string()))
        } else {
            Field::Plain(value)
        }
    }

    pub fn is_secret(&self) -> bool {
        matches!(self, Field::Secret(_))
    }

    /// Whether two values are the same JSON value (a secret compared without being shown).
    pub fn same(&self, other: &Field) -> bool {
        match (self, other) {
            (Field::Plain(a), Field::Plain(b)) => a == b,
            _ => self.exposed() == other.exposed(),
        }
    }

    /// The value itself. Callers hold it only as long as they build a text that is masked or
    /// sent.
    fn exposed(&self) -> Value {
        match self {
            Field::Plain(value) => value.clone(),
            Field::Secret(json) => {
                serde_json::from_str(json.expose_secret()).unwrap_or(Value::Null)
            }
        }
    }

    /// The value with a secret replaced by [`MASKED`].
    pub fn masked(&self) -> Value {
        match self {
            Field::Plain(value) => value.clone(),
            Field::Secret(_) => Value::String(MASKED.to_owned()),
        }
    }
}

/// A whole record, in the order its keys came.
#[derive(Debug, Clone, Default)]
pub struct LiveRecord {
    entries: Vec<(String, Field)>,
}

impl LiveRecord {
    /// A record from the JSON object an answer held.
    pub fn from_object(object: Map<String, Value>) -> LiveRecord {
        LiveRecord {
            entries: object
                .into_iter()
                .map(|(key, value)| {
                    let field = Field::of(&key, value);
                    (key, field)
                })
                .collect(),
        }
    }

    pub fn entries(&self) -> &[(String, Field)] {
        &self.entries
    }

    pub fn get(&self, key: &str) -> Option<&Field> {
        self.entries
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, field)| field)
    }

    /// Adds a key at the end; a key already there keeps its first value.
    pub fn push(&mut self, key: String, field: Field) {
        if self.get(&key).is_none() {
            self.entries.push((key, field));
        }
    }

    /// Adds a key in front (where `serviceId` stands in the API's records).
    pub fn push_front(&mut self, key: String, field: Field) {
        if self.get(&key).is_none() {
            self.entries.insert(0, (key, field));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `serviceId`, when it is a string.
    pub fn service_id(&self) -> Option<&str> {
        match self.get("serviceId") {
            Some(Field::Plain(Value::String(id))) => Some(id),
            _ => None,
        }
    }

    fn object(&self, masked: bool) -> Value {
        let mut object = Map::with_capacity(self.entries.len());
        for (key, field) in &self.entries {
            let value = if masked {
                field.masked()
            } else {
                field.exposed()
            };
            object.insert(key.clone(), value);
        }
        Value::Object(object)
    }

    /// The record as pretty-printed JSON with the secrets in it: the text `check --live` checks
    /// (the report masks the secrets before any snippet is shown).
    pub fn pretty_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.object(false)).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The record as pretty-printed JSON with every secret masked, for showing.
    pub fn masked_json(&self) -> String {
        serde_json::to_string_pretty(&self.object(true)).unwrap_or_default()
    }

    /// The body of a `PUT`: the one place a secret leaves the process for the API.
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&self.object(false)).unwrap_or_default()
    }

    /// Every secret value of the record, as it would stand in a text (a string without its
    /// quotes), for scrubbing.
    pub fn secret_values(&self) -> Vec<SecretString> {
        self.entries
            .iter()
            .filter_map(|(_, field)| match field {
                Field::Secret(json) => Some(json),
                Field::Plain(_) => None,
            })
            .map(
                |json| match serde_json::from_str::<Value>(json.expose_secret()) {
                    Ok(Value::String(text)) => SecretString::from(text),
                    _ => json.clone(),
                },
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> LiveRecord {
        match serde_json::from_str(json) {
            Ok(Value::Object(object)) => LiveRecord::from_object(object),
            other => panic!("not an object: {other:?}"),
        }
    }

    #[test]
    fn secret_keys_are_held_as_secrets_and_only_masked_when_shown() {
        let live = record(
            r#"{"serviceId":"appmixer:azuredevops","clientId":"id","clientSecret":"S3cret~value","sandbox":true}"#,
        );
        assert!(live.get("clientSecret").is_some_and(Field::is_secret));
        assert!(!live.get("clientId").is_some_and(Field::is_secret));
        assert!(!format!("{live:?}").contains("S3cret~value"));
        assert!(!live.masked_json().contains("S3cret~value"));
        assert!(live.masked_json().contains(MASKED));
        assert!(
            live.pretty_json()
                .contains("\"clientSecret\": \"S3cret~value\"")
        );
        assert!(live.pretty_json().contains("\"sandbox\": true"));
        let body: Value = serde_json::from_slice(&live.body()).expect("json");
        assert_eq!(body["clientSecret"], "S3cret~value");
        let values: Vec<String> = live
            .secret_values()
            .iter()
            .map(|secret| secret.expose_secret().to_owned())
            .collect();
        assert_eq!(values, ["S3cret~value"]);
        assert_eq!(live.service_id(), Some("appmixer:azuredevops"));
    }

    #[test]
    fn fields_compare_by_json_value() {
        let a = record(r#"{"clientSecret":"x","n":1,"flag":true}"#);
        let b = record(r#"{"clientSecret":"x","n":1,"flag":"true"}"#);
        let c = record(r#"{"clientSecret":"y","n":1.0}"#);
        let same = |x: &LiveRecord, y: &LiveRecord, key: &str| {
            x.get(key).zip(y.get(key)).is_some_and(|(l, r)| l.same(r))
        };
        assert!(same(&a, &b, "clientSecret"));
        assert!(same(&a, &b, "n"));
        assert!(!same(&a, &b, "flag"));
        assert!(!same(&a, &c, "clientSecret"));
        assert!(!same(&a, &c, "n"));
    }

    #[test]
    fn keys_keep_their_first_value_and_service_id_goes_in_front() {
        let mut live = record(r#"{"clientId":"a"}"#);
        live.push("clientId".to_owned(), Field::Plain(Value::from("b")));
        live.push_front(
            "serviceId".to_owned(),
            Field::Plain(Value::from("appmixer:microsoft")),
        );
        let keys: Vec<&str> = live.entries().iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["serviceId", "clientId"]);
        assert!(
            live.get("clientId")
                .is_some_and(|field| field.same(&Field::Plain(Value::from("a"))))
        );
    }
}
