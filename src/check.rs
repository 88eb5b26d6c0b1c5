//! The pipeline for one file: text → documents → records → shape → rules, as diagnostics with
//! source positions. Pure over its inputs: the environment comes in as a lookup function.

use std::sync::Arc;

use crate::catalogue::Code;
use crate::config::Policy;
use crate::connectors::{self, KeyKind, Profile, ServiceMatch};
use crate::diagnostic::{Diagnostic, Location};
use crate::document::{self, Node, Value, pointer};
pub use crate::outcome::{CheckedRecord, FileReport, Note};
use crate::record::{FieldValue, Origin, Record};
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
    /// `--service`: the connector of records that name none.
    pub service: Option<&'static Profile>,
    /// What is suppressed, and per-path API URLs (`--ignore`, the project file).
    pub policy: Arc<Policy>,
    /// `--allow-unset-env`: an unset `${NAME}` is `env/not-checked` (info), not `env/undefined`.
    pub allow_unset_env: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            rules: RuleContext::default(),
            env: Arc::new(crate::env::process_environment),
            keep_sources: true,
            keep_records: true,
            service: None,
            policy: Arc::new(Policy::default()),
            allow_unset_env: false,
        }
    }
}

pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Advice for a file that does not parse, in the terms of its own format.
fn syntax_help(format: source::Format) -> &'static str {
    match format {
        source::Format::Json => {
            "fix the JSON at the position shown: strict JSON has no comments and no trailing commas, and every key and string is in double quotes"
        }
        source::Format::Yaml => {
            "fix the YAML at the position shown: check the indentation, and quote a value that contains `: ` or ` #`, or starts with one of `@`, `` ` ``, `%`, `*`, `&`, `!`, `|`, `>`, `{`, `[`"
        }
    }
}

/// The mappings of a document where a record's own keys (`clientId`, `clientSecret`) repeat: two
/// records pasted one after the other (two environments) rather than a key typed twice. Each comes
/// with the hint that says how one file holds several records.
fn pasted_records(
    duplicates: &[document::DuplicateKey],
    format: source::Format,
) -> Vec<(String, &'static str)> {
    let hint = match format {
        source::Format::Yaml => {
            "; if this mapping holds two records (two environments, say), separate them with a line `---` (a YAML stream), or write them as a list (`- clientId: ...`)"
        }
        source::Format::Json => {
            "; if this object holds two records (two environments, say), write them as a list: `[{...}, {...}]`"
        }
    };
    // A duplicate's pointer is its key's; the mapping's is the pointer without the last segment
    // (a `/` inside a key is escaped as `~1`).
    fn mapping(duplicate: &document::DuplicateKey) -> &str {
        duplicate
            .pointer
            .rsplit_once('/')
            .map_or("", |(parent, _)| parent)
    }
    // Counted once per mapping: a file can repeat a key on every line.
    let mut repeats: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for duplicate in duplicates {
        *repeats.entry(mapping(duplicate)).or_default() += 1;
    }
    let mut seen = std::collections::HashSet::new();
    let mut found: Vec<(String, &'static str)> = Vec::new();
    for duplicate in duplicates {
        let pointer = mapping(duplicate);
        let record_key = matches!(duplicate.key.as_str(), "clientId" | "clientSecret");
        if record_key
            && repeats.get(pointer).is_some_and(|&count| count >= 2)
            && seen.insert(pointer)
        {
            found.push((pointer.to_owned(), hint));
        }
    }
    found
}

/// Reads and checks one input. `Err` means the input cannot be read at all (exit 2).
pub fn check_input(input: &Input, options: &Options) -> Result<FileReport, InputError> {
    let name = input.display().to_owned();
    let format = match input {
        Input::File { format, .. } | Input::Stdin { format } => *format,
    };
    let bytes = match source::read_bytes(input, options.max_file_size) {
        Ok(bytes) => bytes,
        Err(ReadFailure::Input(error)) => return Err(error),
        Err(ReadFailure::Decode(problem)) => {
            return Ok(decode_failure(name, format, problem, options));
        }
    };
    match source::decode(bytes) {
        Ok(text) => {
            let source = SourceText::new(name, format, text);
            let source = match input {
                Input::File { path, .. } => source.from_file(path),
                Input::Stdin { .. } => source,
            };
            Ok(check_source(source, options))
        }
        Err(problem) => Ok(decode_failure(name, format, problem, options)),
    }
}

fn decode_failure(
    name: String,
    format: source::Format,
    problem: DecodeProblem,
    options: &Options,
) -> FileReport {
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
            // The snippet is drawn from the lossy text, which no loader read.
            let found = secrets::collect(&source.text, &[], true, options.env.as_ref(), true);
            report.secret_spans = found.spans;
            report.secrets = found.values;
            report.source = Some(source);
        }
    }
    report
}

/// Checks a decoded text.
pub fn check_source(source: SourceText, options: &Options) -> FileReport {
    // A per-path API URL of the project file replaces the run's for this file.
    let per_file;
    let options = match options.policy.api_url_for(&source.name) {
        Some(api_url) => {
            let mut rules = options.rules.clone();
            rules.api_url = Some(api_url.clone());
            per_file = Options {
                rules,
                ..options.clone()
            };
            &per_file
        }
        None => options,
    };
    let mut report = FileReport::empty(source.name.clone());
    let loaded = document::load(&source);
    report.looks_like_config = looks_like_config(&source, &loaded);
    let mut diagnostics = Vec::new();

    for (index, root) in loaded.documents.iter().enumerate() {
        let duplicates = document::duplicate_keys(root);
        let pasted_records = pasted_records(&duplicates, source.format);
        for duplicate in duplicates {
            let hint = pasted_records
                .iter()
                .find(|(pointer, _)| {
                    duplicate
                        .pointer
                        .rsplit_once('/')
                        .is_some_and(|(parent, _)| parent == pointer)
                })
                .map(|(_, hint)| *hint)
                .unwrap_or_default();
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
                    "keep one `{}` and delete the other; only the first is checked{hint}",
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
            let mut diagnostic = Diagnostic::new(error.code, error.message)
                .at(Location::new(&source, document, "", error.span));
            if error.code == Code::LoadSyntax {
                diagnostic = diagnostic.with_help(syntax_help(source.format));
            }
            diagnostics.push(diagnostic);
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

    let found = secrets::collect(
        &source.text,
        &loaded.documents,
        load_failed,
        options.env.as_ref(),
        options.keep_sources,
    );
    report.secret_spans = found.spans;
    report.secrets = found.values;
    // After every secret is known: suppression only drops findings, it never decides masking.
    let inline = crate::suppress::find_inline(&source, &loaded.documents);
    let ignores = options.policy.ignores_for(&source.name);
    if !inline.is_empty() || !ignores.is_empty() {
        report.suppressed = crate::suppress::apply(&source, inline, &ignores, &mut diagnostics);
    }
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

/// Whether a loaded file is, or may be, a connector configuration: a record holds a key of a
/// connector or a near miss of one, it lies where Appmixer's key store keeps connector keys, or it
/// cannot be told (it does not load, or holds nothing). Workflows and `package.json` are not.
/// The connector a key store's path names (`connectors/appmixer/microsoft/config.prod.json`),
/// read from the path as shown or, when that has lost the `connectors/` directories above the
/// working directory, from the whole path of the file.
fn key_store_service(source: &SourceText) -> Option<String> {
    connectors::service_from_key_store_path(&source.name).or_else(|| {
        let path = source.path.as_deref()?;
        // Only a key store's file name is worth asking the working directory for. It ends in
        // `.json`, and so does the path, unless a separator or a `.` component follows it: most
        // files are ruled out without parsing the path's components.
        let bytes = path.as_os_str().as_encoded_bytes();
        if !(bytes.ends_with(b".json") || matches!(bytes.last(), Some(b'/' | b'\\' | b'.'))) {
            return None;
        }
        let name = path.file_name()?.to_str()?;
        if !(name.starts_with("config.") && name.ends_with(".json")) {
            return None;
        }
        let whole = std::path::absolute(path).ok()?;
        connectors::service_from_key_store_path(&whole.to_string_lossy())
    })
}

fn looks_like_config(source: &SourceText, loaded: &document::Loaded) -> bool {
    if loaded.error.is_some() || loaded.documents.is_empty() || key_store_service(source).is_some()
    {
        return true;
    }
    let connector_key = |key: &str| {
        connectors::PROFILES.iter().any(|profile| {
            profile.key(key).is_some() || schema::suggest_key(profile, key).is_some()
        })
    };
    // Something else's configuration: a mapping with keys, none a connector's. An empty
    // mapping, a scalar or a list of scalars is checked (and reported as the broken record it is).
    let foreign = |node: &Node| match &node.value {
        Value::Mapping(entries) => {
            !entries.is_empty() && !entries.iter().any(|entry| connector_key(&entry.key))
        }
        _ => false,
    };
    !loaded.documents.iter().all(|root| match &root.value {
        Value::Sequence(items) => !items.is_empty() && items.iter().all(foreign),
        _ => foreign(root),
    })
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
        Value::Mapping(entries) => check_record(
            RecordAt {
                source,
                document: index,
                pointer: "",
                node: root,
                entries,
                in_sequence: false,
                index: std::cell::OnceCell::new(),
            },
            options,
            report,
            diagnostics,
        ),
        Value::Sequence(items) => {
            if items.is_empty() {
                diagnostics.push(
                    Diagnostic::new(Code::LoadEmpty, "the list of records is empty")
                        .at(Location::new(source, index, "", root.span.clone())),
                );
            }
            for (position, item) in items.iter().enumerate() {
                let item_pointer = pointer::push("", &position.to_string());
                if let Value::Mapping(entries) = &item.value {
                    check_record(
                        RecordAt {
                            source,
                            document: index,
                            pointer: &item_pointer,
                            node: item,
                            entries,
                            in_sequence: true,
                            index: std::cell::OnceCell::new(),
                        },
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

/// One record being checked: where it stands and what it holds.
struct RecordAt<'a> {
    source: &'a SourceText,
    document: usize,
    /// JSON Pointer of the record in its document (`""` or `/3`).
    pointer: &'a str,
    node: &'a Node,
    entries: &'a [document::Entry],
    /// Whether the record is an item of a list of records.
    in_sequence: bool,
    /// Each key's first entry, built on the first lookup in a mapping too large to scan per
    /// finding (a hostile file may hold 100,000 keys, each with a finding).
    index: std::cell::OnceCell<std::collections::HashMap<&'a str, (&'a document::Entry, usize)>>,
}

impl RecordAt<'_> {
    fn location(&self) -> Location {
        Location::new(
            self.source,
            self.document,
            self.pointer,
            self.node.span.clone(),
        )
    }

    /// A key of this record (its first occurrence), or the record itself when the key is absent.
    /// A key's first entry, and how many times the key appears.
    fn entry(&self, key: &str) -> Option<(&document::Entry, usize)> {
        if self.entries.len() <= 16 {
            let mut found = self.entries.iter().filter(|entry| entry.key == key);
            let first = found.next()?;
            return Some((first, 1 + found.count()));
        }
        let index = self.index.get_or_init(|| {
            let mut index: std::collections::HashMap<&str, (&document::Entry, usize)> =
                std::collections::HashMap::with_capacity(self.entries.len());
            for entry in self.entries {
                index
                    .entry(entry.key.as_str())
                    .and_modify(|(_, count)| *count += 1)
                    .or_insert((entry, 1));
            }
            index
        });
        index.get(key).copied()
    }

    fn locate(&self, key: &str, on_key: bool) -> Location {
        match self.entry(key).map(|(entry, _)| entry) {
            Some(entry) => Location::new(
                self.source,
                self.document,
                pointer::push(self.pointer, key),
                if on_key {
                    entry.key_span.clone()
                } else {
                    entry.value.span.clone()
                },
            ),
            None => self.location(),
        }
    }

    /// The source edits of a fix of `key`'s value (or name), when the key appears once and its
    /// value was written literally.
    fn fix(&self, key: &str, fix: &crate::fix::ValueFix, literal: bool) -> Option<crate::fix::Fix> {
        let (entry, count) = self.entry(key)?;
        if count > 1 {
            return None;
        }
        let renames_to = match fix.target {
            crate::fix::Target::Key => {
                let to = &fix.edits.first()?.replacement;
                Some(pointer::push(self.pointer, to))
            }
            crate::fix::Target::Value if !literal => return None,
            crate::fix::Target::Value => None,
        };
        crate::fix::locate(
            self.source,
            &entry.key,
            &entry.key_span,
            &entry.value,
            fix,
            renames_to,
        )
    }

    /// Each key's first occurrence (later ones are reported as duplicates), in order.
    fn first_entries(&self) -> Vec<&'_ document::Entry> {
        // Records have a handful of keys; a set pays only for the huge mappings a hostile file
        // may hold, where comparing each key with every earlier one would be quadratic.
        if self.entries.len() <= 16 {
            return self
                .entries
                .iter()
                .enumerate()
                .filter(|(index, entry)| {
                    !self.entries[..*index]
                        .iter()
                        .any(|earlier| earlier.key == entry.key)
                })
                .map(|(_, entry)| entry)
                .collect();
        }
        let mut seen = std::collections::HashSet::with_capacity(self.entries.len());
        self.entries
            .iter()
            .filter(|entry| seen.insert(entry.key.as_str()))
            .collect()
    }
}

/// The JSON instance the schema validates: each key's first occurrence, strings with their
/// `${NAME}` references resolved (an unset one stays as written, which the schema accepts).
fn schema_instance(entries: &[&document::Entry], options: &Options) -> serde_json::Value {
    let mut object = serde_json::Map::with_capacity(entries.len());
    for entry in entries {
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

/// Which connector a record belongs to, or `None` when it is not one connector-lint checks (the
/// diagnostic saying so is pushed).
fn record_profile(
    at: &RecordAt<'_>,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'static Profile> {
    let fallback = || -> Result<&'static Profile, String> {
        if let Some(profile) = options.service {
            return Ok(profile);
        }
        match key_store_service(at.source) {
            Some(service) => connectors::by_service_id(&service).ok_or(service),
            None => Ok(connectors::default_profile()),
        }
    };
    match at.node.get("serviceId").map(|entry| &entry.value.value) {
        Some(Value::String(service)) => match connectors::match_service_id(service) {
            ServiceMatch::Exact(profile) => Some(profile),
            ServiceMatch::Misspelled(profile) => {
                let id = profile.service_id;
                diagnostics.push(
                    Diagnostic::new(
                        Code::ServiceIdMisspelled,
                        format!("`serviceId` is `{service}`, not `{id}`"),
                    )
                    .with_help(format!(
                        "write `serviceId: {id}` exactly (lower case, with a colon); Appmixer matches it character for character"
                    ))
                    .at(at.locate("serviceId", false))
                    .with_fix(at.fix(
                        "serviceId",
                        &crate::fix::ValueFix::replace_value(service, id),
                        true,
                    )),
                );
                Some(profile)
            }
            ServiceMatch::Other => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ServiceIdUnsupported,
                        format!(
                            "a record of `{service}`, a service connector-lint does not check: skipped"
                        ),
                    )
                    .at(at.locate("serviceId", false)),
                );
                None
            }
        },
        absent_or_other => {
            let profile = match fallback() {
                Ok(profile) => profile,
                Err(service) => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::ServiceIdUnsupported,
                            format!(
                                "by its path in the Appmixer key store this is a key of `{service}`, not of {}: skipped",
                                connectors::service_ids_listed()
                            ),
                        )
                        .with_help(format!(
                            "nothing to do, unless the file belongs to a supported connector: then move it under `connectors/<vendor>/<service>/`, or pass `--service` (e.g. `--service {}`)",
                            connectors::default_profile().service_id
                        ))
                        .at(at.location()),
                    );
                    return None;
                }
            };
            if absent_or_other.is_none() && at.in_sequence {
                diagnostics.push(
                    Diagnostic::new(Code::ServiceIdMissing, "this record has no `serviceId`")
                        .with_help(format!(
                            "add `serviceId: {}`; in a list of service configurations every record names its service",
                            profile.service_id
                        ))
                        .at(at.location()),
                );
            }
            Some(profile)
        }
    }
}

/// The typed record: `${NAME}` references resolved (an unset one is `env/undefined`, and the
/// rules do not see the key), values of the types the profile allows.
fn resolve_record(
    profile: &'static Profile,
    at: &RecordAt<'_>,
    entries: &[&document::Entry],
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Record {
    let mut record = Record::new(profile);
    for entry in entries {
        let Some((index, key)) = profile.key_at(&entry.key) else {
            continue;
        };
        let text = match &entry.value.value {
            Value::String(text) => text,
            Value::Bool(flag) if key.kind == KeyKind::Flag => {
                record.set_value_at(index, FieldValue::Bool(*flag), Origin::Literal);
                continue;
            }
            Value::Integer(number) if key.kind == KeyKind::Milliseconds => {
                // Precision is of no concern: a TTL is judged only by its sign.
                #[allow(clippy::cast_precision_loss)]
                let number = *number as f64;
                record.set_value_at(index, FieldValue::Number(number), Origin::Literal);
                continue;
            }
            Value::Float(number) if key.kind == KeyKind::Milliseconds => {
                record.set_value_at(index, FieldValue::Number(*number), Origin::Literal);
                continue;
            }
            _ => continue,
        };
        let resolved = crate::env::resolve(text, options.env.as_ref());
        for name in resolved
            .undefined
            .iter()
            .filter(|_| options.allow_unset_env)
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::EnvNotChecked,
                    format!(
                        "`{}` references `${{{name}}}`, which is not set: its value was not checked (`--allow-unset-env`)",
                        entry.key
                    ),
                )
                .with_help(format!(
                    "nothing to do here; the run that deploys must have `{name}` set, and checks the value"
                ))
                .at(at.locate(&entry.key, false)),
            );
        }
        // A secret written into the file is `client-secret/plaintext` on the next run: the
        // environment is the only place to suggest for it.
        let or_file = || {
            if secrets::is_secret_key(&entry.key) {
                ""
            } else {
                ", or write the value into the file"
            }
        };
        for name in resolved
            .undefined
            .iter()
            .filter(|_| !options.allow_unset_env)
        {
            let or_file = or_file();
            diagnostics.push(
                Diagnostic::new(
                    Code::EnvUndefined,
                    format!("`{}` references `${{{name}}}`, which is not set", entry.key),
                )
                .with_help(format!(
                    "set `{name}` in the environment that runs connector-lint and the deploy (e.g. `export {name}=...` in a shell, a secret variable in CI){or_file}"
                ))
                .at(at.locate(&entry.key, false)),
            );
        }
        if let Some(value) = resolved.value {
            let origin = if resolved.names.is_empty() {
                Origin::Literal
            } else {
                Origin::Environment(resolved.names)
            };
            record.set_text_at(index, key.kind, value, origin);
        }
    }
    record
}

fn check_record(
    at: RecordAt<'_>,
    options: &Options,
    report: &mut FileReport,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(profile) = record_profile(&at, options, diagnostics) else {
        return;
    };
    report.checked_records += 1;
    let entries = at.first_entries();
    let record = resolve_record(profile, &at, &entries, options, diagnostics);

    // Most records are plain (`schema::is_plain_record`): the shape-only schema accepts them by
    // construction, so no instance is built or validated for them.
    let plain = schema::is_plain_record(
        profile,
        entries.iter().map(|entry| {
            (
                entry.key.as_str(),
                matches!(entry.value.value, Value::String(_)),
            )
        }),
    );
    if !plain {
        let instance = schema_instance(&entries, options);
        for finding in schema::validate(profile, &instance) {
            let location = match &finding.key {
                Some(key) => at.locate(key, finding.on_key),
                None => at.location(),
            };
            // A shape finding without help gets none (not the catalogue's generic fix).
            let mut diagnostic = Diagnostic::located(finding.code, finding.message, None, location);
            diagnostic.help = finding.help;
            diagnostic.fix = match (&finding.key, &finding.fix) {
                (Some(key), Some(fix)) => at.fix(key, fix, true),
                _ => None,
            };
            diagnostics.push(diagnostic);
        }
    }

    for finding in rules::check(&record, &options.rules) {
        let location = match &finding.key {
            Some(key) => at.locate(key, false),
            None => at.location(),
        };
        let fix = match (&finding.key, &finding.fix) {
            (Some(key), Some(fix)) => at.fix(key, fix, *record.origin(key) == Origin::Literal),
            _ => None,
        };
        diagnostics.push(
            Diagnostic::located(finding.code, finding.message, finding.help, location)
                .with_fix(fix),
        );
    }
    // Only for a record without the key (or, for a connector without such a key, without any
    // callback key): one whose value is unset or of the wrong type has a diagnostic saying so.
    let unchecked = match rules::redirect_uri::checked_callback_key(profile) {
        Some(key) => at.node.get(key).is_none(),
        None => profile
            .keys_of(KeyKind::Callback)
            .all(|key| at.node.get(key.name).is_none()),
    };
    let record_notes = if unchecked {
        rules::notes(&record, &options.rules)
    } else {
        Vec::new()
    };
    for message in record_notes.into_iter().chain(rules::value_notes(&record)) {
        report.notes.push(Note {
            document: at.document,
            pointer: at.pointer.to_owned(),
            message,
        });
    }
    report.records.push(CheckedRecord {
        document: at.document,
        pointer: at.pointer.to_owned(),
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
}
