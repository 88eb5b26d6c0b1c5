//! A file's record against the live one, key by key (pure): only in the file, only live,
//! different. A secret is compared and reported as differing or equal; its value is never part
//! of a rendering, and neither is any other value that holds a known secret.

use std::fmt::Write as _;

use secrecy::SecretString;
use serde::Serialize;
use serde_json::{Value, json};

use super::records::FileRecord;
use crate::appmixer::{Field, LiveRecord};
use crate::probe::classify::one_line;
use crate::report::redact;

/// How one key differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// In the file, not in the live record: a `PUT` adds it.
    OnlyInFile,
    /// In the live record, not in the file: a `PUT` (a full replace) removes it.
    OnlyLive,
    Different,
    /// The file's value references a variable that is not set: it cannot be compared.
    Unresolved,
}

/// One key that differs.
#[derive(Debug, Clone)]
pub struct KeyChange {
    pub key: String,
    pub change: Change,
    /// Whether the values are kept out of every rendering.
    pub secret: bool,
    pub file: Option<Field>,
    pub live: Option<Field>,
    /// For `Unresolved`: the variables that are not set.
    pub unset: Vec<String>,
}

/// A file's record against the live record of its service.
#[derive(Debug, Clone)]
pub struct RecordDiff {
    /// The file's path, as reported.
    pub path: String,
    /// The document of the file, and the JSON Pointer of the record in it.
    pub document: usize,
    pub pointer: String,
    /// Where the file's record is, for people (`config/azdo.yaml, record /1`).
    pub place: String,
    pub service_id: String,
    /// `<API URL>/service-config/<serviceId>`
    pub url: String,
    /// Whether the Backoffice holds a record of the service.
    pub configured: bool,
    pub changes: Vec<KeyChange>,
    /// The keys that are the same on both sides, in the file's order.
    pub equal: Vec<String>,
}

impl RecordDiff {
    pub fn differs(&self) -> bool {
        !self.changes.is_empty() || !self.configured
    }
}

/// Compares a file's record with the live one (`None`: not configured). `secrets` are every
/// secret value known to the run: a value holding one is treated as a secret.
pub fn compare(
    file: &FileRecord,
    live: Option<&LiveRecord>,
    url: String,
    secrets: &[SecretString],
) -> RecordDiff {
    let empty = LiveRecord::default();
    let live_record = live.unwrap_or(&empty);
    let secret = |field: Option<&Field>| {
        field.is_some_and(|field| field.is_secret() || holds_secret(field, secrets))
    };
    let mut changes = Vec::new();
    let mut equal = Vec::new();
    for (key, field) in file.record.entries() {
        let live_field = live_record.get(key);
        let unset: Vec<String> = file
            .unresolved
            .iter()
            .filter(|(name, _)| name == key)
            .flat_map(|(_, names)| names.iter().cloned())
            .collect();
        let change = if !unset.is_empty() {
            Some(Change::Unresolved)
        } else {
            match live_field {
                None => Some(Change::OnlyInFile),
                Some(live_field) if !live_field.same(field) => Some(Change::Different),
                Some(_) => None,
            }
        };
        match change {
            Some(change) => changes.push(KeyChange {
                key: key.clone(),
                change,
                secret: secret(Some(field)) || secret(live_field),
                file: Some(field.clone()),
                live: live_field.cloned(),
                unset,
            }),
            None => equal.push(key.clone()),
        }
    }
    for (key, field) in live_record.entries() {
        if file.record.get(key).is_none() {
            changes.push(KeyChange {
                key: key.clone(),
                change: Change::OnlyLive,
                secret: secret(Some(field)),
                file: None,
                live: Some(field.clone()),
                unset: Vec::new(),
            });
        }
    }
    RecordDiff {
        path: file.path.clone(),
        document: file.document,
        pointer: file.pointer.clone(),
        place: file.place(),
        service_id: file.profile.service_id.to_owned(),
        url,
        configured: live.is_some(),
        changes,
        equal,
    }
}

fn holds_secret(field: &Field, secrets: &[SecretString]) -> bool {
    match field {
        Field::Secret(_) => true,
        Field::Plain(value) => redact::holds_secret(&value.to_string(), secrets),
    }
}

/// A non-secret value for a line of text: compact JSON, one line, bounded, no control characters.
fn shown(field: Option<&Field>) -> String {
    match field {
        Some(Field::Plain(value)) => {
            redact::neutralise(&one_line(&value.to_string(), 120)).into_owned()
        }
        Some(Field::Secret(_)) | None => String::new(),
    }
}

/// The human rendering of some diffs, one block per record, then a count.
pub fn render_human(diffs: &[RecordDiff]) -> String {
    let mut out = String::new();
    for diff in diffs {
        let _ = writeln!(
            out,
            "{}: {} against {}",
            diff.service_id, diff.place, diff.url
        );
        if !diff.configured {
            let _ = writeln!(
                out,
                "  the Backoffice holds no record of `{}`: every key of the file is new",
                diff.service_id
            );
        }
        let width = diff
            .changes
            .iter()
            .map(|change| change.key.chars().count())
            .max()
            .unwrap_or(0);
        for change in &diff.changes {
            let key = redact::neutralise(&change.key).into_owned();
            let line = match (change.change, change.secret) {
                (Change::Unresolved, _) => format!(
                    "? {key:width$}  not compared: {} not set",
                    change
                        .unset
                        .iter()
                        .map(|name| format!("`${{{name}}}` is"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                (Change::Different, true) => {
                    format!("~ {key:width$}  differs (a secret: values not shown)")
                }
                (Change::Different, false) => format!(
                    "~ {key:width$}  {} (live) -> {} (file)",
                    shown(change.live.as_ref()),
                    shown(change.file.as_ref())
                ),
                (Change::OnlyInFile, true) => {
                    format!("+ {key:width$}  only in the file (a secret: value not shown)")
                }
                (Change::OnlyInFile, false) => format!(
                    "+ {key:width$}  {} (only in the file)",
                    shown(change.file.as_ref())
                ),
                (Change::OnlyLive, true) => format!(
                    "- {key:width$}  only live (a secret: value not shown); a PUT of the file removes it"
                ),
                (Change::OnlyLive, false) => format!(
                    "- {key:width$}  {} (only live); a PUT of the file removes it",
                    shown(change.live.as_ref())
                ),
            };
            let _ = writeln!(out, "  {line}");
        }
        if !diff.equal.is_empty() {
            let keys: Vec<String> = diff
                .equal
                .iter()
                .map(|key| format!("`{}`", redact::neutralise(key)))
                .collect();
            let _ = writeln!(out, "  = equal: {}", keys.join(", "));
        }
        if !diff.differs() {
            let _ = writeln!(out, "  no difference");
        }
        out.push('\n');
    }
    let differing = diffs.iter().filter(|diff| diff.differs()).count();
    let _ = writeln!(
        out,
        "{} compared: {} with differences, {} the same.",
        crate::outcome::count(diffs.len(), "record"),
        differing,
        diffs.len() - differing
    );
    out
}

/// The JSON rendering: one entry per record, each change with its values unless secret.
pub fn render_json(diffs: &[RecordDiff], api_url: &str) -> String {
    let value_of = |field: &Option<Field>| match field {
        Some(Field::Plain(value)) => value.clone(),
        _ => Value::Null,
    };
    let records: Vec<Value> = diffs
        .iter()
        .map(|diff| {
            let changes: Vec<Value> = diff
                .changes
                .iter()
                .map(|change| {
                    let mut entry = json!({
                        "key": change.key,
                        "change": change.change,
                        "secret": change.secret,
                    });
                    if !change.secret {
                        if change.file.is_some() {
                            entry["file"] = value_of(&change.file);
                        }
                        if change.live.is_some() {
                            entry["live"] = value_of(&change.live);
                        }
                    }
                    if !change.unset.is_empty() {
                        entry["unset"] = json!(change.unset);
                    }
                    entry
                })
                .collect();
            json!({
                "path": diff.path,
                "document": diff.document,
                "pointer": diff.pointer,
                "serviceId": diff.service_id,
                "url": diff.url,
                "configured": diff.configured,
                "differs": diff.differs(),
                "changes": changes,
                "equal": diff.equal,
            })
        })
        .collect();
    let differing = diffs.iter().filter(|diff| diff.differs()).count();
    let report = json!({
        "version": 1,
        "tool": {"name": "connector-lint", "version": env!("CARGO_PKG_VERSION")},
        "apiUrl": api_url,
        "records": records,
        "summary": {"records": diffs.len(), "different": differing, "same": diffs.len() - differing},
    });
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::AZURE_DEVOPS;
    use secrecy::ExposeSecret;

    fn live(value: Value) -> LiveRecord {
        match value {
            Value::Object(object) => LiveRecord::from_object(object),
            _ => panic!("an object"),
        }
    }

    fn file(value: Value, unresolved: Vec<(String, Vec<String>)>) -> FileRecord {
        FileRecord {
            path: "config/azdo.yaml".to_owned(),
            document: 0,
            pointer: String::new(),
            profile: &AZURE_DEVOPS,
            record: live(value),
            unresolved,
        }
    }

    const SECRET: &str = "File~Secret.Value-0123456789";
    const LIVE_SECRET: &str = "Live~Secret.Value-9876543210";

    fn secrets() -> Vec<SecretString> {
        [SECRET, LIVE_SECRET]
            .iter()
            .map(|value| SecretString::from((*value).to_owned()))
            .collect()
    }

    fn sample() -> RecordDiff {
        let file = file(
            json!({"serviceId": "appmixer:azuredevops", "clientId": "new-id", "clientSecret": SECRET, "outputFilePrefix": "x", "tenantId": "t"}),
            vec![],
        );
        let live = live(json!({
            "serviceId": "appmixer:azuredevops", "clientId": "old-id", "clientSecret": LIVE_SECRET,
            "sandbox": true, "note": format!("pasted {LIVE_SECRET}"), "tenantId": "t"
        }));
        compare(
            &file,
            Some(&live),
            "https://api/service-config/appmixer:azuredevops".to_owned(),
            &secrets(),
        )
    }

    #[test]
    fn keys_are_compared_one_by_one() {
        let diff = sample();
        let kinds: Vec<(&str, Change, bool)> = diff
            .changes
            .iter()
            .map(|change| (change.key.as_str(), change.change, change.secret))
            .collect();
        assert_eq!(
            kinds,
            [
                ("clientId", Change::Different, false),
                ("clientSecret", Change::Different, true),
                ("outputFilePrefix", Change::OnlyInFile, false),
                ("sandbox", Change::OnlyLive, false),
                ("note", Change::OnlyLive, true),
            ]
        );
        assert_eq!(diff.equal, ["serviceId", "tenantId"]);
        assert!(diff.differs());
    }

    #[test]
    fn no_rendering_shows_a_secret() {
        let diffs = [sample()];
        let human = render_human(&diffs);
        let json = render_json(&diffs, "https://api");
        for text in [&human, &json] {
            for secret in secrets() {
                assert!(!text.contains(secret.expose_secret()), "{text}");
            }
        }
        assert!(
            human.contains("\"old-id\" (live) -> \"new-id\" (file)"),
            "{human}"
        );
        assert!(human.contains("a PUT of the file removes it"), "{human}");
        assert!(
            human.contains("differs (a secret: values not shown)"),
            "{human}"
        );
        let parsed: Value = serde_json::from_str(&json).expect("json");
        assert_eq!(parsed["records"][0]["changes"][0]["live"], "old-id");
        assert_eq!(parsed["records"][0]["changes"][1].get("file"), None);
        assert_eq!(parsed["summary"]["different"], 1);
    }

    #[test]
    fn equal_secrets_are_equal_and_unset_references_are_not_compared() {
        let same = file(
            json!({"serviceId": "appmixer:azuredevops", "clientSecret": SECRET}),
            vec![],
        );
        let stored = live(json!({"serviceId": "appmixer:azuredevops", "clientSecret": SECRET}));
        let diff = compare(&same, Some(&stored), String::new(), &secrets());
        assert!(!diff.differs());
        assert_eq!(diff.equal, ["serviceId", "clientSecret"]);

        let unset = file(
            json!({"serviceId": "appmixer:azuredevops", "clientSecret": "${AZDO_CLIENT_SECRET}"}),
            vec![(
                "clientSecret".to_owned(),
                vec!["AZDO_CLIENT_SECRET".to_owned()],
            )],
        );
        let diff = compare(&unset, Some(&stored), String::new(), &secrets());
        assert_eq!(diff.changes[0].change, Change::Unresolved);
        assert!(render_human(&[diff]).contains("`${AZDO_CLIENT_SECRET}` is not set"));

        let absent = compare(&same, None, String::new(), &secrets());
        assert!(absent.differs());
        assert!(
            absent
                .changes
                .iter()
                .all(|change| change.change == Change::OnlyInFile)
        );
    }
}
