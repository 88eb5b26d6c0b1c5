//! The pipeline for one file: text → documents → records → shape → rules, as diagnostics with
//! source positions. Pure over its inputs: the environment comes in as a lookup function.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use crate::catalogue::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::document::{self, Node, Value, pointer};
pub use crate::outcome::{CheckedRecord, FileReport, Note};
use crate::record::{Origin, Record, SERVICE_ID};
use crate::rules::{self, RuleContext};
use crate::schema;
use crate::secrets;
use crate::source::{self, DecodeProblem, Input, InputError, ReadFailure, SourceText};

/// Looks up an environment variable.
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What a run checks with.
#[derive(Clone)]
pub struct Options {
    /// Files larger than this many bytes are refused unread.
    pub max_file_size: u64,
    pub rules: RuleContext,
    pub env: EnvLookup,
    /// Keep each file's text for snippets (the human format) and the probe; without it a file's
    /// text is dropped as soon as it is checked, which keeps memory flat over many files.
    pub keep_sources: bool,
    /// Keep the typed records (only the probe reads them).
    pub keep_records: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            rules: RuleContext::default(),
            env: Arc::new(crate::env::process_environment),
            keep_sources: true,
            keep_records: true,
        }
    }
}

pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Reads and checks one input. `Err` means the input cannot be read at all (exit 2).
pub fn check_input(input: &Input, options: &Options) -> Result<FileReport, InputError> {
    let name = input.display().to_owned();
    let format = match input {
        Input::File { format, .. } | Input::Stdin { format } => *format,
    };
    let bytes = match source::read_bytes(input, options.max_file_size) {
        Ok(bytes) => bytes,
        Err(ReadFailure::Input(error)) => return Err(error),
        Err(ReadFailure::Decode(problem)) => return Ok(decode_failure(name, format, problem)),
    };
    match source::decode(bytes) {
        Ok(text) => Ok(check_source(SourceText::new(name, format, text), options)),
        Err(problem) => Ok(decode_failure(name, format, problem)),
    }
}

fn decode_failure(name: String, format: source::Format, problem: DecodeProblem) -> FileReport {
    let mut report = FileReport::empty(name.clone());
    match problem {
        DecodeProblem::TooLarge { limit, size } => {
            let size = size.map_or_else(|| "more".to_owned(), |size| format!("{size}"));
            report.diagnostics.push(Diagnostic::new(
                Code::LoadTooLarge,
                format!(
                    "the file has {size} bytes, over the limit of {limit} bytes; it was not read"
                ),
            ));
        }
        DecodeProblem::NotUtf8 { offset, text, hint } => {
            let source = SourceText::new(name, format, text);
            let end = source.text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            let location = Location::new(&source, 0, "", offset..end);
            let hint = hint.map(|hint| format!("; {hint}")).unwrap_or_default();
            report.diagnostics.push(
                Diagnostic::new(
                    Code::LoadNotUtf8,
                    format!(
                        "invalid UTF-8 at line {}, column {}{hint}",
                        location.start.line, location.start.column
                    ),
                )
                .at(location),
            );
            report.source = Some(source);
        }
    }
    report
}

/// Checks a decoded text.
pub fn check_source(source: SourceText, options: &Options) -> FileReport {
    let mut report = FileReport::empty(source.name.clone());
    let loaded = document::load(&source);
    let mut diagnostics = Vec::new();

    let mut in_trees = secrets::TreeSecrets::default();
    for (index, root) in loaded.documents.iter().enumerate() {
        secrets::gather_secrets(root, &mut in_trees);
        for duplicate in document::duplicate_keys(root) {
            let first = source.position(duplicate.first.start);
            diagnostics.push(
                Diagnostic::new(
                    Code::LoadDuplicateKey,
                    format!(
                        "`{}` appears twice in this mapping (first on line {})",
                        duplicate.key, first.line
                    ),
                )
                .with_help(format!(
                    "keep one `{}` and delete the other; only the first is checked",
                    duplicate.key
                ))
                .at(Location::new(
                    &source,
                    index,
                    duplicate.pointer,
                    duplicate.duplicate,
                ))
                .related(duplicate.first, "first here"),
            );
        }
        check_document(&source, index, root, options, &mut report, &mut diagnostics);
    }

    let load_failed = loaded.error.is_some();
    match loaded.error {
        Some(error) => {
            let document = loaded.documents.len();
            diagnostics.push(
                Diagnostic::new(error.code, error.message)
                    .at(Location::new(&source, document, "", error.span)),
            );
        }
        None if loaded.documents.is_empty() => {
            diagnostics.push(
                Diagnostic::new(Code::LoadEmpty, "the file holds no document").at(Location::new(
                    &source,
                    0,
                    "",
                    0..0,
                )),
            );
        }
        None => {}
    }

    report.secret_spans = in_trees.spans;
    // Secret values as written, for scrubbing free text. A bare `${NAME}` is not a secret (its
    // resolved value was collected when the record was checked).
    for span in &report.secret_spans {
        if let Some(text) = source.text.get(span.clone()) {
            let unquoted = text.trim().trim_matches(['"', '\'']);
            // A value that is only `${NAME}` names a variable; it is not the secret (the resolved
            // value is added where it is resolved). Scrubbing it would blank every message and
            // help that names the variable.
            if crate::env::is_only_references(unquoted) {
                continue;
            }
            report.secrets.push(SecretString::from(unquoted.to_owned()));
        }
    }
    // The loaded values too: an aliased secret's span is `*name`, not the value.
    for value in in_trees.values {
        if !crate::env::is_only_references(&value) {
            report.secrets.push(SecretString::from(value));
        }
    }
    // And what the lexical scan takes for secret values: a file that failed to parse has no
    // tree, and its text may come back in a message (e.g. inside a broken key). Collected here,
    // while the text is at hand, because machine formats never see the text.
    // The scan only finds values after a `secret` word; when every such word in the text is in
    // the name of a key the tree knows as secret, it can find nothing the tree did not give.
    if load_failed || secrets::count_secret_words(&source.text) != in_trees.words_in_keys {
        report
            .secrets
            .extend(secrets::lexical_secret_values(&source.text));
    }
    // The same value arrives from the span, the tree and the lexical scan; each is searched for
    // in every message, so keep one of each.
    report
        .secrets
        .sort_unstable_by(|a, b| a.expose_secret().cmp(b.expose_secret()));
    report
        .secrets
        .dedup_by(|a, b| a.expose_secret() == b.expose_secret());
    report.diagnostics = diagnostics;
    if options.keep_sources {
        report.source = Some(source);
    }
    if !options.keep_records {
        report.records = Vec::new();
        // Secrets are kept to scrub messages; a file without diagnostics (and no probe to add
        // some) has none to scrub.
        if report.diagnostics.is_empty() {
            report.secrets = Vec::new();
        }
    }
    if !options.keep_sources {
        report.secret_spans = Vec::new();
    }
    report.sort();
    report
}

fn check_document(
    source: &SourceText,
    index: usize,
    root: &Node,
    options: &Options,
    report: &mut FileReport,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match &root.value {
        Value::Mapping(_) => {
            check_record(source, index, "", root, false, options, report, diagnostics)
        }
        Value::Sequence(items) => {
            if items.is_empty() {
                diagnostics.push(
                    Diagnostic::new(Code::LoadEmpty, "the list of records is empty")
                        .at(Location::new(source, index, "", root.span.clone())),
                );
            }
            for (position, item) in items.iter().enumerate() {
                let item_pointer = pointer::push("", &position.to_string());
                if matches!(item.value, Value::Mapping(_)) {
                    check_record(
                        source,
                        index,
                        &item_pointer,
                        item,
                        true,
                        options,
                        report,
                        diagnostics,
                    );
                } else {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::LoadNotARecord,
                            format!(
                                "item {position} of the list is {}, not a record",
                                item.value.type_name()
                            ),
                        )
                        .at(Location::new(
                            source,
                            index,
                            item_pointer,
                            item.span.clone(),
                        )),
                    );
                }
            }
        }
        Value::Null => diagnostics.push(
            Diagnostic::new(Code::LoadEmpty, format!("document {} is empty", index + 1))
                .at(Location::new(source, index, "", root.span.clone())),
        ),
        other => diagnostics.push(
            Diagnostic::new(
                Code::LoadNotARecord,
                format!(
                    "the document is {}, not a record (a mapping of keys to values)",
                    other.type_name()
                ),
            )
            .at(Location::new(source, index, "", root.span.clone())),
        ),
    }
}

/// The JSON instance the schema validates: each key's first occurrence, strings with their
/// `${NAME}` references resolved (an unset one stays as written, which the schema accepts).
fn schema_instance(entries: &[document::Entry], options: &Options) -> serde_json::Value {
    let mut object = serde_json::Map::with_capacity(entries.len());
    for entry in entries {
        if object.contains_key(&entry.key) {
            continue;
        }
        let json = match &entry.value.value {
            Value::String(text) => serde_json::Value::String(
                crate::env::resolve(text, options.env.as_ref())
                    .value
                    .unwrap_or_else(|| text.clone()),
            ),
            _ => entry.value.to_json(),
        };
        object.insert(entry.key.clone(), json);
    }
    serde_json::Value::Object(object)
}

/// How a service id relates to ours.
#[derive(Debug, PartialEq, Eq)]
pub enum ServiceMatch {
    Exact,
    Misspelled,
    Other,
}

/// Classifies a `serviceId` value.
pub fn match_service_id(value: &str) -> ServiceMatch {
    if value == SERVICE_ID {
        return ServiceMatch::Exact;
    }
    let normalized: String = value
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if matches!(c, '.' | '/' | '_' | ' ') {
                ':'
            } else {
                c
            }
        })
        .filter(|c| *c != '-')
        .collect();
    if normalized == SERVICE_ID
        || normalized.contains("azuredevops")
        || normalized.contains("azure:devops")
        || strsim::damerau_levenshtein(&normalized, SERVICE_ID) <= 3
    {
        ServiceMatch::Misspelled
    } else {
        ServiceMatch::Other
    }
}

#[allow(clippy::too_many_arguments)]
fn check_record(
    source: &SourceText,
    document: usize,
    record_pointer: &str,
    node: &Node,
    in_sequence: bool,
    options: &Options,
    report: &mut FileReport,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Value::Mapping(entries) = &node.value else {
        return;
    };
    let record_location = || Location::new(source, document, record_pointer, node.span.clone());
    // A key of this record (its first occurrence), or the record itself when the key is absent.
    let locate = |key: &str, on_key: bool| -> Location {
        match entries.iter().find(|entry| entry.key == key) {
            Some(entry) => Location::new(
                source,
                document,
                pointer::push(record_pointer, key),
                if on_key {
                    entry.key_span.clone()
                } else {
                    entry.value.span.clone()
                },
            ),
            None => record_location(),
        }
    };

    match node.get("serviceId").map(|entry| &entry.value.value) {
        None if in_sequence => diagnostics.push(
            Diagnostic::new(Code::ServiceIdMissing, "this record has no `serviceId`")
                .with_help(format!(
                    "add `serviceId: {SERVICE_ID}`; in a list of service configurations every record names its service"
                ))
                .at(record_location()),
        ),
        Some(Value::String(service)) => match match_service_id(service) {
            ServiceMatch::Exact => {}
            ServiceMatch::Misspelled => diagnostics.push(
                Diagnostic::new(
                    Code::ServiceIdMisspelled,
                    format!("`serviceId` is `{service}`, not `{SERVICE_ID}`"),
                )
                .with_help(format!(
                    "write `serviceId: {SERVICE_ID}` exactly (lower case, with a colon); Appmixer matches it character for character"
                ))
                .at(locate("serviceId", false)),
            ),
            ServiceMatch::Other => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ServiceIdUnsupported,
                        format!("a record of `{service}`, not `{SERVICE_ID}`: skipped"),
                    )
                    .at(locate("serviceId", false)),
                );
                return;
            }
        },
        _ => {}
    }

    // Resolve `${NAME}` references; the schema and the rules see the resolved values.
    let mut record = Record::default();
    // Each key's first occurrence counts (later ones are reported as duplicates).
    let first_entries = || {
        entries.iter().enumerate().filter_map(|(index, entry)| {
            (!entries[..index]
                .iter()
                .any(|earlier| earlier.key == entry.key))
            .then_some(entry)
        })
    };
    for entry in first_entries() {
        let Value::String(text) = &entry.value.value else {
            continue;
        };
        let resolved = crate::env::resolve(text, options.env.as_ref());
        for name in &resolved.undefined {
            diagnostics.push(
                Diagnostic::new(
                    Code::EnvUndefined,
                    format!("`{}` references `${{{name}}}`, which is not set", entry.key),
                )
                .with_help(format!(
                    "set `{name}` in the environment that runs connector-lint and the deploy (e.g. `export {name}=...` or a CI secret), or write the value into the file"
                ))
                .at(locate(&entry.key, false)),
            );
        }
        // Unset: the rules do not see the key, so they judge nothing they cannot know.
        if let Some(value) = resolved.value {
            let origin = if resolved.names.is_empty() {
                Origin::Literal
            } else {
                Origin::Environment(resolved.names)
            };
            if origin != Origin::Literal && secrets::is_secret_key(&entry.key) {
                report.secrets.push(SecretString::from(value.clone()));
            }
            record.set(&entry.key, value, origin);
        }
    }

    // Most records are plain (`schema::is_plain_record`): the shape-only schema accepts them by
    // construction, so no instance is built or validated for them.
    let plain = schema::is_plain_record(first_entries().map(|entry| {
        (
            entry.key.as_str(),
            matches!(entry.value.value, Value::String(_)),
        )
    }));
    if !plain {
        let instance = schema_instance(entries, options);
        for finding in schema::validate(&instance) {
            let location = match &finding.key {
                Some(key) => locate(key, finding.on_key),
                None => record_location(),
            };
            // A shape finding without help gets none (not the catalogue's generic fix).
            let mut diagnostic = Diagnostic::located(finding.code, finding.message, None, location);
            diagnostic.help = finding.help;
            diagnostics.push(diagnostic);
        }
    }

    for finding in rules::check(&record, &options.rules) {
        let location = match &finding.key {
            Some(key) => locate(key, false),
            None => record_location(),
        };
        diagnostics.push(Diagnostic::located(
            finding.code,
            finding.message,
            finding.help,
            location,
        ));
    }
    // Only for a record that has no `redirectUri` key at all: one whose value is unset or of the
    // wrong type already has a diagnostic saying so.
    if node.get("redirectUri").is_none() {
        for message in rules::notes(&record, &options.rules) {
            report.notes.push(Note {
                document,
                pointer: record_pointer.to_owned(),
                message,
            });
        }
    }
    report.records.push(CheckedRecord {
        document,
        pointer: record_pointer.to_owned(),
        record,
    });
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    fn secrets_of(text: &str) -> Vec<String> {
        let source = SourceText::new("t.yaml", crate::source::Format::Yaml, text.to_owned());
        let options = Options {
            keep_records: true,
            ..Options::default()
        };
        check_source(source, &options)
            .secrets
            .iter()
            .map(|secret| secret.expose_secret().to_owned())
            .collect()
    }

    #[test]
    fn secrets_outside_secret_keys_are_still_collected() {
        // Only in the tree: the scan is skipped, the value is known all the same.
        let plain = secrets_of("clientId: x\nclientSecret: Tree-Value-123\n");
        assert_eq!(plain, vec!["Tree-Value-123".to_owned()]);
        // A `secret` word the tree does not hold as a key: the lexical scan runs and finds it.
        let commented = secrets_of(
            "# old clientSecret: Old-Value-456\nclientId: x\nclientSecret: New-Value-789\n",
        );
        assert!(
            commented.contains(&"Old-Value-456".to_owned()),
            "{commented:?}"
        );
        assert!(
            commented.contains(&"New-Value-789".to_owned()),
            "{commented:?}"
        );
        // A key name that reads as `secret: value`: its text comes back in `key/unknown`.
        let in_key = secrets_of("clientSecret: x\n\"note clientSecret: In-Key-Value-1\": 1\n");
        assert!(in_key.contains(&"In-Key-Value-1".to_owned()), "{in_key:?}");
        // A file that fails to parse: only the scan can find it.
        let broken = secrets_of("clientSecret: Broken-Value-1\nclientId: [\n");
        assert!(broken.contains(&"Broken-Value-1".to_owned()), "{broken:?}");
    }

    use super::*;

    #[test]
    fn bare_references_are_not_secrets() {
        assert!(crate::env::is_only_references("${AZDO_CLIENT_SECRET}"));
        assert!(crate::env::is_only_references("\"${A}${B}\""));
        assert!(!crate::env::is_only_references("x${A}"));
        assert!(!crate::env::is_only_references("abc"));
        assert!(!crate::env::is_only_references(""));
    }

    #[test]
    fn service_ids_are_classified() {
        assert_eq!(
            match_service_id("appmixer:azuredevops"),
            ServiceMatch::Exact
        );
        for near in [
            "appmixer.azuredevops",
            "Appmixer:AzureDevOps",
            "appmixer:azure-devops",
            "appmixer:azuredevop",
            "appmixer:azuredevops ",
        ] {
            assert_eq!(match_service_id(near), ServiceMatch::Misspelled, "{near}");
        }
        for other in ["appmixer:slack", "appmixer:google", "appmixer:jira"] {
            assert_eq!(match_service_id(other), ServiceMatch::Other, "{other}");
        }
    }
}
