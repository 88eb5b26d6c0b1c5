//! The records of checked files as `apply` would send them: every key as written (the first of a
//! repeated key), `${NAME}` references resolved in string values as the check resolves them, and
//! `serviceId` in front when the record names none. The check decided which records belong to
//! which connector (`CheckedRecord`); this only reads their keys back from the same text.

use serde_json::Value as Json;

use crate::appmixer::{Field, LiveRecord};
use crate::check::EnvLookup;
use crate::connectors::Profile;
use crate::document::{self, Value, pointer};
use crate::outcome::Report;

/// A record of a file, ready to compare and send.
pub struct FileRecord {
    /// The file's path as reported.
    pub path: String,
    pub document: usize,
    /// JSON Pointer of the record in its document (`""` or `/3`).
    pub pointer: String,
    pub profile: &'static Profile,
    pub record: LiveRecord,
    /// Keys whose value references a variable that is not set, with the names: such a record
    /// cannot be compared or sent.
    pub unresolved: Vec<(String, Vec<String>)>,
}

impl FileRecord {
    /// `config/azdo.yaml`, `config/all.yaml, record /1`, `config/s.yaml, document 2`.
    pub fn place(&self) -> String {
        let mut place = self.path.clone();
        if self.document > 0 {
            place.push_str(&format!(", document {}", self.document + 1));
        }
        if !self.pointer.is_empty() {
            place.push_str(&format!(", record {}", self.pointer));
        }
        place
    }
}

/// The records of the supported connectors in a checked report (which must keep sources and
/// records), in report order.
pub fn file_records(report: &Report, env: &EnvLookup) -> Vec<FileRecord> {
    let mut found = Vec::new();
    for file in &report.files {
        let Some(source) = &file.source else {
            continue;
        };
        if file.records.is_empty() {
            continue;
        }
        let loaded = document::load(source);
        for checked in &file.records {
            let Some(root) = loaded.documents.get(checked.document) else {
                continue;
            };
            let located = pointer::locate(root, &checked.pointer);
            let Value::Mapping(entries) = &located.node.value else {
                continue;
            };
            let profile = checked.record.profile;
            let mut record = LiveRecord::default();
            let mut unresolved = Vec::new();
            for entry in entries {
                let value = match &entry.value.value {
                    Value::String(text) => {
                        let resolved = crate::env::resolve(text, env.as_ref());
                        if !resolved.undefined.is_empty() {
                            unresolved.push((entry.key.clone(), resolved.undefined));
                        }
                        Json::String(resolved.value.unwrap_or_else(|| text.clone()))
                    }
                    _ => entry.value.to_json(),
                };
                record.push(entry.key.clone(), Field::of(&entry.key, value));
            }
            record.push_front(
                "serviceId".to_owned(),
                Field::Plain(Json::from(profile.service_id)),
            );
            found.push(FileRecord {
                path: file.path.clone(),
                document: checked.document,
                pointer: checked.pointer.clone(),
                profile,
                record,
                unresolved,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use secrecy::ExposeSecret;

    use super::*;
    use crate::check::{Options, check_source};
    use crate::source::{Format, SourceText};

    fn records_of(text: &str, env: &[(&'static str, &'static str)]) -> Vec<FileRecord> {
        let env: Vec<(&'static str, &'static str)> = env.to_vec();
        let lookup: EnvLookup = Arc::new(move |name| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        });
        let options = Options {
            env: Arc::clone(&lookup),
            ..Options::default()
        };
        let file = check_source(
            SourceText::new("c.yaml", Format::Yaml, text.to_owned()),
            &options,
        );
        file_records(
            &Report {
                files: vec![file],
                ..Report::default()
            },
            &lookup,
        )
    }

    #[test]
    fn every_key_is_kept_with_references_resolved_and_the_service_in_front() {
        let found = records_of(
            "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: ${S}\nsandbox: true\nclientId: again\n",
            &[("S", "resolved-secret-value")],
        );
        assert_eq!(found.len(), 1);
        let record = &found[0].record;
        let keys: Vec<&str> = record
            .entries()
            .iter()
            .map(|(key, _)| key.as_str())
            .collect();
        assert_eq!(keys, ["serviceId", "clientId", "clientSecret", "sandbox"]);
        assert_eq!(record.service_id(), Some("appmixer:azuredevops"));
        let secrets = record.secret_values();
        assert_eq!(secrets[0].expose_secret(), "resolved-secret-value");
        assert!(found[0].unresolved.is_empty());
        assert!(record.pretty_json().contains("\"sandbox\": true"));
    }

    #[test]
    fn lists_give_one_record_per_supported_item_and_unset_variables_are_kept_apart() {
        let found = records_of(
            "- serviceId: appmixer:slack\n  token: x\n- serviceId: appmixer:microsoft\n  clientId: a\n  clientSecret: ${UNSET}\n",
            &[],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/1");
        assert_eq!(found[0].profile.service_id, "appmixer:microsoft");
        assert_eq!(
            found[0].unresolved,
            [("clientSecret".to_owned(), vec!["UNSET".to_owned()])]
        );
        assert_eq!(found[0].place(), "c.yaml, record /1");
    }
}
