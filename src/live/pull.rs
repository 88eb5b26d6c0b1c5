//! `pull`: the live records of the supported connectors as a YAML stream that `check`, `diff` and
//! `apply` read, one document per record, every secret value replaced by an environment
//! reference (the connector's own variable for `clientSecret`, e.g. `${AZDO_CLIENT_SECRET}`) and a
//! comment naming it. No secret value is ever written: not to the file, not to the terminal.
//!
//! The YAML is written by hand (no YAML serializer is a dependency): keys are plain where they are
//! plain words, strings are double-quoted with YAML's escapes, and other values are JSON, which is
//! YAML's flow style.

use std::fmt::Write as _;
use std::io::Write;
use std::sync::Arc;

use secrecy::SecretString;
use serde_json::Value;

use super::Fetched;
use crate::appmixer::{self, ApiError, Field, LiveRecord};
use crate::check::EnvLookup;
use crate::cli::PullArgs;
use crate::connectors::{KeyKind, Profile};
use crate::report::redact;

/// How a pull ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pulled {
    /// Every record asked for was written.
    All,
    /// A connector named with `--service` is not configured; the others were written.
    SomeMissing,
}

impl Pulled {
    pub fn exit_status(self) -> u8 {
        match self {
            Pulled::All => 0,
            Pulled::SomeMissing => 1,
        }
    }
}

/// `pull --api-url URL [--service ID]... [--output FILE]`. The YAML goes to `--output` (or
/// `out`), what was done to `err`.
pub fn pull(args: &PullArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Pulled, ApiError> {
    let env: EnvLookup = Arc::new(crate::env::process_environment);
    let client = super::connect(args.api_url.as_deref(), args.timeout, env.as_ref())?;
    let (fetched, others) = super::fetch(&client, &args.service)?;
    let mut missing = Vec::new();
    let mut records = Vec::new();
    for fetched in fetched {
        let url = client.record_url(&fetched.service_id);
        match fetched.record {
            Some(_) => records.push((fetched, url)),
            None => missing.push(fetched.service_id),
        }
    }
    if records.is_empty() && missing.is_empty() {
        return Err(super::nothing_found(&client, others));
    }
    let mut secrets = client.secrets();
    for (fetched, _) in &records {
        if let Some(record) = &fetched.record {
            secrets.extend(record.secret_values());
        }
    }
    let base = appmixer::display_base(client.base());
    let say = |err: &mut dyn Write, text: String| {
        let _ = writeln!(err, "{text}");
    };
    for service_id in &missing {
        say(
            err,
            format!(
                "warning: `{service_id}` is not configured in the Backoffice at {base}; nothing was written for it"
            ),
        );
    }
    if records.is_empty() {
        return Ok(Pulled::SomeMissing);
    }
    let text = render(&records, &base, &secrets);
    let variables = variables(&records);
    let destination = match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::write(path, text.as_bytes()).map_err(|error| {
                ApiError::Usage(format!("cannot write {}: {error}", path.display()))
            })?;
            redact::neutralise(&path.display().to_string()).into_owned()
        }
        _ => {
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(error) => {
                    return Err(ApiError::Usage(format!("cannot write the output: {error}")));
                }
            }
            "standard output".to_owned()
        }
    };
    say(
        err,
        format!(
            "connector-lint: pulled {} from {base} to {destination}; the secrets are not in it: set {} before `connector-lint check` or `apply`",
            crate::outcome::count(records.len(), "record"),
            variables.join(", ")
        ),
    );
    Ok(if missing.is_empty() {
        Pulled::All
    } else {
        Pulled::SomeMissing
    })
}

/// The environment variable a secret key's value is read from: the connector's own for its
/// client secret, `<PREFIX>_<KEY>` for another secret key (`webhookSecret` of Azure DevOps is
/// `AZDO_WEBHOOK_SECRET`).
pub fn variable_for(profile: &Profile, key: &str) -> String {
    if profile
        .key(key)
        .is_some_and(|known| known.kind == KeyKind::ClientSecret)
    {
        return profile.secret_variable.to_owned();
    }
    let prefix = profile
        .secret_variable
        .strip_suffix("_CLIENT_SECRET")
        .unwrap_or(profile.secret_variable);
    let mut name = String::from(prefix);
    name.push('_');
    let mut previous_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            name.push('_');
        }
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_uppercase());
        } else if !name.ends_with('_') {
            name.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    name.trim_end_matches('_').to_owned()
}

fn variables(records: &[(Fetched, String)]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (fetched, _) in records {
        let Some(record) = &fetched.record else {
            continue;
        };
        for (key, field) in record.entries() {
            if field.is_secret() {
                let name = variable_for(fetched.profile, key);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// The YAML stream of the records.
fn render(records: &[(Fetched, String)], base: &str, secrets: &[SecretString]) -> String {
    let mut out = format!(
        "# The live Backoffice records of {}, written by `connector-lint pull`.\n# No secret value is in this file: each is an environment reference (`${{NAME}}`) that\n# `connector-lint check`, `diff` and `apply` resolve; set the variables before using it.\n",
        comment_text(base)
    );
    for (fetched, url) in records {
        if let Some(record) = &fetched.record {
            out.push_str("---\n");
            render_record(&mut out, fetched.profile, record, url, secrets);
        }
    }
    out
}

fn render_record(
    out: &mut String,
    profile: &Profile,
    record: &LiveRecord,
    url: &str,
    secrets: &[SecretString],
) {
    let _ = writeln!(out, "# {}: {}", profile.title(), comment_text(url));
    for (key, field) in record.entries() {
        let key_text = yaml_key(key);
        match field {
            Field::Secret(_) => {
                let variable = variable_for(profile, key);
                let _ = writeln!(
                    out,
                    "# {}: the live value is not written here; set {variable} to it{}",
                    comment_text(key),
                    if profile
                        .key(key)
                        .is_some_and(|known| known.kind == KeyKind::ClientSecret)
                    {
                        " (the client secret's Value, from the app registration's Certificates & secrets)"
                    } else {
                        ""
                    }
                );
                let _ = writeln!(
                    out,
                    "{key_text}: {}",
                    yaml_string(&format!("${{{variable}}}"))
                );
            }
            Field::Plain(value) if redact::holds_secret(&value.to_string(), secrets) => {
                let _ = writeln!(
                    out,
                    "# {}: left out: its live value holds a secret value (applying this file removes the key)",
                    comment_text(key)
                );
            }
            Field::Plain(value) => {
                if value
                    .as_str()
                    .is_some_and(|text| !crate::env::references(text).is_empty())
                {
                    let _ = writeln!(
                        out,
                        "# {}: the live value holds `${{…}}`, which check and apply read as an environment reference",
                        comment_text(key)
                    );
                }
                let _ = writeln!(out, "{key_text}: {}", yaml_value(value));
            }
        }
    }
}

/// A comment's text on one line, with nothing that could end the comment.
fn comment_text(text: &str) -> String {
    redact::neutralise(text).into_owned()
}

fn yaml_key(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        key.to_owned()
    } else {
        yaml_string(key)
    }
}

/// Any JSON value in YAML: strings double-quoted, the rest in flow style.
fn yaml_value(value: &Value) -> String {
    match value {
        Value::String(text) => yaml_string(text),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(yaml_value).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(object) => {
            let entries: Vec<String> = object
                .iter()
                .map(|(key, value)| format!("{}: {}", yaml_string(key), yaml_value(value)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => value.to_string(),
    }
}

/// A YAML double-quoted scalar: every character YAML may not hold as it is, escaped.
fn yaml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}') => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Options, check_source};
    use crate::connectors::{AZURE_DEVOPS, DYNAMICS, MICROSOFT};
    use crate::source::{Format, SourceText};
    use secrecy::ExposeSecret;

    #[test]
    fn secret_keys_read_the_connector_variable() {
        assert_eq!(
            variable_for(&AZURE_DEVOPS, "clientSecret"),
            "AZDO_CLIENT_SECRET"
        );
        assert_eq!(
            variable_for(&MICROSOFT, "clientSecret"),
            "MICROSOFT_CLIENT_SECRET"
        );
        assert_eq!(
            variable_for(&DYNAMICS, "clientSecret"),
            "DYNAMICS_CLIENT_SECRET"
        );
        assert_eq!(
            variable_for(&AZURE_DEVOPS, "webhookSecret"),
            "AZDO_WEBHOOK_SECRET"
        );
        assert_eq!(
            variable_for(&MICROSOFT, "old-secret.2"),
            "MICROSOFT_OLD_SECRET_2"
        );
    }

    /// Every string the YAML loader reads back as it was written.
    #[test]
    fn strings_and_values_load_back_as_they_were() {
        let values = [
            Value::from("plain"),
            Value::from("quote \" and \\ back"),
            Value::from("lines\nand\ttabs\r"),
            Value::from("controls \u{0}\u{7}\u{1b}\u{7f}\u{85}\u{9f}"),
            Value::from("separators \u{2028}\u{2029} bom \u{feff}"),
            Value::from("é 🦀 ${NOT_A_REFERENCE_HERE"),
            Value::from(""),
            Value::from("- looks: like yaml # not a comment"),
            Value::Bool(true),
            Value::Null,
            Value::from(3_600_000),
            Value::from(-1.5),
            serde_json::json!(["a", 1, {"k": "v\n"}]),
        ];
        for value in values {
            let text = format!("key: {}\n", yaml_value(&value));
            let loaded = crate::document::yaml::load(&text);
            assert!(loaded.error.is_none(), "{text:?}: {:?}", loaded.error);
            let root = &loaded.documents[0];
            assert_eq!(
                root.get("key").map(|entry| entry.value.to_json()),
                Some(value),
                "{text:?}"
            );
        }
        for key in ["clientId", "odd key", "a:b", "#x", "_ok9"] {
            let text = format!("{}: 1\n", yaml_key(key));
            let loaded = crate::document::yaml::load(&text);
            assert!(loaded.documents[0].get(key).is_some(), "{text:?}");
        }
    }

    fn live(value: Value) -> LiveRecord {
        match value {
            Value::Object(object) => LiveRecord::from_object(object),
            _ => panic!("an object"),
        }
    }

    #[test]
    fn the_stream_holds_no_secret_and_check_reads_it() {
        let secret = "Gh78Q~Pulled.Secret_0123456789abcdefghij";
        let record = live(serde_json::json!({
            "serviceId": "appmixer:microsoft",
            "clientId": "6a1d2e3f-4b5c-4d6e-8f70-8192a3b4c5d6",
            "clientSecret": secret,
            "microsoftTenant": true,
            "note": format!("copied {secret}"),
        }));
        let secrets = record.secret_values();
        let records = vec![(
            Fetched {
                profile: &MICROSOFT,
                service_id: "appmixer:microsoft".to_owned(),
                record: Some(record),
            },
            "https://api.acme.appmixer.cloud/service-config/appmixer:microsoft".to_owned(),
        )];
        let text = render(&records, "https://api.acme.appmixer.cloud", &secrets);
        assert!(!text.contains(secret), "{text}");
        assert!(
            text.contains("clientSecret: \"${MICROSOFT_CLIENT_SECRET}\""),
            "{text}"
        );
        assert!(
            text.contains(
                "# clientSecret: the live value is not written here; set MICROSOFT_CLIENT_SECRET"
            ),
            "{text}"
        );
        assert!(text.contains("microsoftTenant: true"), "{text}");
        assert!(text.contains("# note: left out"), "{text}");
        assert_eq!(variables(&records), ["MICROSOFT_CLIENT_SECRET"]);

        let options = Options {
            env: Arc::new(move |name| {
                (name == "MICROSOFT_CLIENT_SECRET").then(|| secret.to_owned())
            }),
            ..Options::default()
        };
        let checked = check_source(SourceText::new("pulled.yaml", Format::Yaml, text), &options);
        let codes: Vec<&str> = checked
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert!(
            !codes
                .iter()
                .any(|code| code.starts_with("load/") || code.starts_with("env/")),
            "{codes:?}"
        );
        let resolved = checked.records[0]
            .record
            .secret("clientSecret")
            .expect("resolved");
        assert_eq!(resolved.expose_secret(), secret);
    }
}
