//! The `appmixer:azuredevops` service-config record as a Rust type: the single source of the
//! committed JSON Schema (`schemas/appmixer.azuredevops.schema.json`) and the typed value the rules
//! read.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use secrecy::SecretString;
use serde::Deserialize;

pub const SERVICE_ID: &str = "appmixer:azuredevops";

/// A `${NAME}` environment reference; the schema accepts one wherever it constrains a string.
pub const ENV_REFERENCE: &str = r"\$\{[A-Za-z_][A-Za-z0-9_]*\}";

const GUID_OR_REFERENCE: &str = r"^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|\$\{[A-Za-z_][A-Za-z0-9_]*\})$";
const TENANT_OR_REFERENCE: &str = r"^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}|[Cc]ommon|[Oo]rganizations|[Cc]onsumers|\$\{[A-Za-z_][A-Za-z0-9_]*\})$";
const HTTPS_OR_REFERENCE: &str =
    r"^(?:https://|http://localhost(?:[:/]|$)|\$\{[A-Za-z_][A-Za-z0-9_]*\})";

/// The keys a record may hold, in the order the documentation lists them.
pub const KNOWN_KEYS: &[&str] = &[
    "serviceId",
    "clientId",
    "clientSecret",
    "redirectUri",
    "callbackUrl",
    "outputFilePrefix",
    "tenantId",
];

/// Backoffice configuration of the Appmixer Azure DevOps connector.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "Appmixer Azure DevOps connector configuration",
    description = "Backoffice service configuration of `appmixer:azuredevops`: the Microsoft Entra ID app registration the connector signs users in with. Check it with `connector-lint check`."
)]
pub struct AzureDevOpsRecord {
    #[schemars(
        title = "Service id",
        description = "The Appmixer service this configuration belongs to: exactly `appmixer:azuredevops`. Optional in a file holding one record; required in a list of records (the `GET /service-config` shape).",
        with = "String",
        extend("enum" = ["appmixer:azuredevops"])
    )]
    #[serde(default)]
    pub service_id: Option<String>,

    #[schemars(
        title = "Application (client) ID",
        description = "The Application (client) ID of the Entra app registration: a GUID, on the app's Overview page in Microsoft Entra ID. May be a `${NAME}` environment reference.",
        with = "String",
        required,
        pattern(GUID_OR_REFERENCE)
    )]
    pub client_id: Option<String>,

    #[schemars(
        title = "Client secret (Value)",
        description = "The client secret's **Value** (not its Secret ID), from Certificates & secrets of the app registration; it is shown only once, right after creation. Prefer a `${NAME}` environment reference such as `${AZDO_CLIENT_SECRET}` over writing it in the file.",
        with = "String",
        required
    )]
    pub client_secret: Option<SecretString>,

    #[schemars(
        title = "Redirect URI",
        description = "The Web redirect URI registered on the Entra app: `<Appmixer API URL>/auth/azuredevops/callback`, e.g. `https://api.acme.appmixer.cloud/auth/azuredevops/callback`. `https` only (`http://localhost` for development).",
        with = "String",
        pattern(HTTPS_OR_REFERENCE)
    )]
    #[serde(default)]
    pub redirect_uri: Option<String>,

    #[schemars(
        title = "Callback URL override",
        description = "Appmixer's per-service override of the OAuth callback URL it sends to Entra. Same rules as `redirectUri`, and must equal it when both are set.",
        with = "String",
        pattern(HTTPS_OR_REFERENCE)
    )]
    #[serde(default)]
    pub callback_url: Option<String>,

    #[schemars(
        title = "Output file prefix",
        description = "Prefix of the file names the connector gives to CSV exports.",
        with = "String"
    )]
    #[serde(default)]
    pub output_file_prefix: Option<String>,

    #[schemars(
        title = "Directory (tenant) ID",
        description = "Not read by Appmixer: the app's home tenant (a GUID, or a verified domain such as `contoso.onmicrosoft.com`), on the app's Overview page. Used by `connector-lint check --probe`.",
        with = "String",
        pattern(TENANT_OR_REFERENCE)
    )]
    #[serde(default)]
    pub tenant_id: Option<String>,
}

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

/// A record ready for the rules: typed values (environment references resolved) and their origin.
#[derive(Debug, Default)]
pub struct Record {
    pub fields: AzureDevOpsRecord,
    /// The origin of each present key, in the order of `KNOWN_KEYS` (no map: a record has at
    /// most these seven keys, and one is built per record of every file).
    pub origins: [Option<Origin>; KNOWN_KEYS.len()],
}

impl Record {
    pub fn origin(&self, key: &str) -> Origin {
        KNOWN_KEYS
            .iter()
            .position(|known| *known == key)
            .and_then(|index| self.origins[index].clone())
            .unwrap_or(Origin::Literal)
    }

    /// Builds the typed record from resolved string values: only known keys whose values are
    /// strings are taken (the schema reports the others), so the rules always get a record.
    pub fn from_strings(values: BTreeMap<String, (String, Origin)>) -> Record {
        let mut record = Record::default();
        for (key, (value, origin)) in values {
            record.set(&key, value, origin);
        }
        record
    }

    /// Whether the record holds a value for this key.
    pub fn has(&self, key: &str) -> bool {
        KNOWN_KEYS
            .iter()
            .position(|known| *known == key)
            .is_some_and(|index| self.origins[index].is_some())
    }

    /// Sets a known key's value; other keys are ignored (the schema reports them).
    pub fn set(&mut self, key: &str, value: String, origin: Origin) {
        let field = &mut self.fields;
        match key {
            "serviceId" => field.service_id = Some(value),
            "clientId" => field.client_id = Some(value),
            "clientSecret" => field.client_secret = Some(SecretString::from(value)),
            "redirectUri" => field.redirect_uri = Some(value),
            "callbackUrl" => field.callback_url = Some(value),
            "outputFilePrefix" => field.output_file_prefix = Some(value),
            "tenantId" => field.tenant_id = Some(value),
            _ => return,
        }
        if let Some(index) = KNOWN_KEYS.iter().position(|known| *known == key) {
            self.origins[index] = Some(origin);
        }
    }
}

/// The committed schema: a record, or a list of records each naming its service.
pub fn json_schema() -> serde_json::Value {
    let record = serde_json::to_value(schemars::schema_for!(AzureDevOpsRecord))
        .unwrap_or(serde_json::Value::Null);
    let mut record_definition = record.clone();
    let mut title = serde_json::Value::Null;
    let mut description = serde_json::Value::Null;
    if let serde_json::Value::Object(object) = &mut record_definition {
        object.remove("$schema");
        title = object.get("title").cloned().unwrap_or_default();
        description = object.get("description").cloned().unwrap_or_default();
    }
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/appmixer-connectors/connector-lint/blob/main/schemas/appmixer.azuredevops.schema.json",
        "title": title,
        "description": description,
        "anyOf": [
            { "$ref": "#/$defs/record" },
            {
                "type": "array",
                "description": "A list of service configurations, as `GET /service-config` of the Appmixer API returns them; each names its service.",
                "items": {
                    "type": "object",
                    "required": ["serviceId"],
                    "if": { "properties": { "serviceId": { "const": SERVICE_ID } } },
                    "then": { "$ref": "#/$defs/record" }
                }
            }
        ],
        "$defs": { "record": record_definition }
    })
}

/// The schema as the bytes committed under `schemas/` and printed by `connector-lint schema`.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_key_reaches_the_typed_record() {
        for key in KNOWN_KEYS {
            let mut values = BTreeMap::new();
            values.insert((*key).to_owned(), ("value".to_owned(), Origin::Literal));
            let record = Record::from_strings(values);
            assert!(record.has(key), "{key} is dropped");
        }
        let mut unknown = BTreeMap::new();
        unknown.insert("scope".to_owned(), ("x".to_owned(), Origin::Literal));
        let record = Record::from_strings(unknown);
        assert!(KNOWN_KEYS.iter().all(|key| !record.has(key)));
    }

    #[test]
    fn schema_properties_are_the_known_keys() {
        let schema = json_schema();
        let properties = schema["$defs"]["record"]["properties"]
            .as_object()
            .map(|object| object.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        assert_eq!(properties, KNOWN_KEYS);
    }
}
