//! What each supported connector is, as data: one [`Profile`] per Appmixer connector that signs
//! users in with Microsoft Entra ID. Every stage reads the profile of the record it works on (the
//! shape, the rules, the probe, the schema generator, `explain`, `init`, the docs); no rule names a
//! connector. Adding a connector is adding a profile (and its fixtures and schema file).
//!
//! The facts come from the connectors' own `auth.js` files and the Appmixer engine (see the SPEC's
//! *Connectors* table); each profile module says where its facts were read.

mod azuredevops;
mod dynamics;
pub mod entra;
mod microsoft;

use crate::catalogue::{Code, Severity};

pub use azuredevops::AZURE_DEVOPS;
pub use dynamics::DYNAMICS;
pub use microsoft::MICROSOFT;

/// Every supported connector. The first is the default: a record that names no service, and
/// `connector-lint schema` without an argument.
pub static PROFILES: [&Profile; PROFILE_COUNT] = [&AZURE_DEVOPS, &MICROSOFT, &DYNAMICS];

/// How many connectors are supported (per-connector tables are arrays of this length).
pub const PROFILE_COUNT: usize = 3;

/// The connector of a record that names no service and has no other clue.
pub fn default_profile() -> &'static Profile {
    PROFILES[0]
}

/// The profile of a service id, exactly as written.
pub fn by_service_id(service_id: &str) -> Option<&'static Profile> {
    PROFILES
        .iter()
        .copied()
        .find(|profile| profile.service_id == service_id)
}

/// The supported service ids, for messages: `` `a`, `b` or `c` ``.
pub fn service_ids_listed() -> String {
    let ids: Vec<String> = PROFILES
        .iter()
        .map(|profile| format!("`{}`", profile.service_id))
        .collect();
    match ids.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// One supported connector.
#[derive(Debug)]
pub struct Profile {
    /// `appmixer:azuredevops`
    pub service_id: &'static str,
    /// The connector's name as admins know it: `Azure DevOps`.
    pub name: &'static str,
    /// What the connector covers, for titles: `Teams, Outlook, ...`; empty when the name says it.
    pub products: &'static str,
    /// The environment variable the starter configuration reads the secret from.
    pub secret_variable: &'static str,
    /// The keys a record may hold, in the order the documentation lists them.
    pub keys: &'static [Key],
    /// Where Appmixer receives the authorization code, under its API URL. The engine builds it
    /// from the second segment of the service id (`appmixer:microsoft:dynamics` → `microsoft`).
    pub callback_path: &'static str,
    /// Other paths under the API URL that the connector uses as redirect URIs (not OAuth
    /// callbacks), e.g. the OneDrive file picker's.
    pub extra_redirect_paths: &'static [&'static str],
    /// How the connector itself signs users in.
    pub sign_in: SignIn,
    /// What `--probe` asks Entra for.
    pub probe: ProbeTarget,
    /// Application ids that are never this connector's own client id, each with the code it is
    /// reported under.
    pub wrong_client_ids: &'static [WrongClientId],
    /// What the app registration's `signInAudience` must be.
    pub account_types: &'static [AccountType],
    /// The delegated permission the app registration must list, if any.
    pub permission: Option<Permission>,
}

/// One key of a record.
#[derive(Debug)]
pub struct Key {
    pub name: &'static str,
    pub kind: KeyKind,
    pub required: bool,
    /// Whether Appmixer (the engine or the connector) reads it; `false` for keys only
    /// connector-lint reads (`tenantId`, Azure DevOps's `redirectUri`).
    pub read_by_appmixer: bool,
    pub title: &'static str,
    pub description: &'static str,
}

/// What a key holds, which decides the rules that judge it and its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `serviceId`
    ServiceId,
    /// The Application (client) ID: a GUID.
    ClientId,
    /// The client secret's Value.
    ClientSecret,
    /// A URI that must be the connector's OAuth callback (`<API URL><callback_path>`).
    Callback,
    /// A URI that is not the OAuth callback (the file picker's redirect): checked as a URL only.
    Url,
    /// The app's home tenant (only `--probe` reads it).
    Tenant,
    /// Free text.
    Text,
    /// `true` or `false`: a boolean, or the string in any letter case.
    Flag,
    /// A non-negative number of milliseconds.
    Milliseconds,
}

impl KeyKind {
    /// Whether Entra or Appmixer compares the value character for character, so that whitespace
    /// or quotes around it break it.
    pub fn is_exact(self) -> bool {
        matches!(
            self,
            KeyKind::ClientId
                | KeyKind::ClientSecret
                | KeyKind::Callback
                | KeyKind::Url
                | KeyKind::Tenant
        )
    }

    /// Whether a string is the only type the key's value may have.
    pub fn is_string_only(self) -> bool {
        !matches!(self, KeyKind::Flag | KeyKind::Milliseconds)
    }

    /// The type a value must have, for `key/wrong-type` messages.
    pub fn expected_type(self) -> &'static str {
        match self {
            KeyKind::Flag => "`true` or `false`",
            KeyKind::Milliseconds => "a number of milliseconds",
            _ => "a string",
        }
    }
}

/// Which Entra endpoints the connector signs users in through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointVersion {
    /// `/oauth2/v2.0/authorize` with scopes.
    V2,
    /// `/oauth2/authorize` with `resource=` (consent is static: the app must list the permission).
    V1,
}

#[derive(Debug)]
pub struct SignIn {
    pub version: EndpointVersion,
    /// The tenant segment the connector uses when the account gives none.
    pub default_tenant: &'static str,
    /// The only authority the connector's `auth.js` signs in through (each connector's calls
    /// `https://login.microsoftonline.com`, the global cloud's).
    pub authority: &'static str,
    /// Whether personal Microsoft accounts can connect (`common` or a per-account tenant such
    /// as `consumers`); `false` for connectors whose service takes work or school accounts only.
    pub personal_accounts: bool,
}

/// What the probe's client-credentials request asks for.
#[derive(Debug)]
pub struct ProbeTarget {
    /// `<resource>/.default`
    pub scope: &'static str,
    /// The resource's name, for messages: `Azure DevOps`.
    pub resource: &'static str,
    /// What to check when the tenant has no service principal of the resource (AADSTS500011).
    pub resource_missing_help: &'static str,
}

/// An application id that is not an app registration's own client id.
#[derive(Debug)]
pub struct WrongClientId {
    pub id: &'static str,
    /// What it is the id of: `Microsoft Graph`.
    pub name: &'static str,
    /// Where an admin sees it and copies it from.
    pub seen: &'static str,
    pub code: Code,
}

/// A `signInAudience` value and what it means for the connector.
#[derive(Debug)]
pub struct AccountType {
    pub audience: &'static str,
    /// `None`: it allows every account the connector signs in.
    pub severity: Option<Severity>,
    /// A flag key (`microsoftTenant`) that, when on, changes the verdict to this severity.
    pub when_flag: Option<(&'static str, Option<Severity>)>,
    /// Why, for the message.
    pub why: &'static str,
}

/// The portal's name for each account type, for help texts.
pub const ACCOUNT_TYPE_NAMES: &[(&str, &str)] = &[
    (
        "AzureADMyOrg",
        "Accounts in this organizational directory only (single tenant)",
    ),
    (
        "AzureADMultipleOrgs",
        "Accounts in any organizational directory (multitenant)",
    ),
    (
        "AzureADandPersonalMicrosoftAccount",
        "Accounts in any organizational directory and personal Microsoft accounts",
    ),
    (
        "PersonalMicrosoftAccount",
        "Personal Microsoft accounts only",
    ),
];

/// A delegated permission the app registration must list under API permissions.
#[derive(Debug)]
pub struct Permission {
    /// The resource's application id (`requiredResourceAccess[].resourceAppId`).
    pub resource_app_id: &'static str,
    /// The resource as the portal lists it under Add a permission: `Azure DevOps`.
    pub resource: &'static str,
    /// The permission's id (`resourceAccess[].id`, type `Scope`).
    pub scope_id: &'static str,
    /// `user_impersonation`
    pub scope: &'static str,
    /// How serious its absence is.
    pub severity: Severity,
    /// Why it matters, for the message.
    pub why: &'static str,
}

pub use entra::{
    AZURE_DEVOPS_APP_ID, DYNAMICS_CRM_APP_ID, MICROSOFT_GRAPH_APP_ID, WELL_KNOWN_ID_COUNT,
    well_known_ids,
};

/// A profile is its service id: two profiles are the same connector when their ids are.
impl PartialEq for Profile {
    fn eq(&self, other: &Profile) -> bool {
        self.service_id == other.service_id
    }
}

impl Eq for Profile {}

/// Whether two key names are the same. Every record's values are looked up by name many times
/// per rule, mostly with the profile's own `&'static str` (the same pointer), and names are a few
/// bytes long: comparing the pointer, then the length, then the bytes in a loop, costs less than
/// a call to `memcmp` for each key of each lookup.
fn same_name(known: &str, name: &str) -> bool {
    known.len() == name.len()
        && (std::ptr::eq(known.as_ptr(), name.as_ptr())
            || known.bytes().zip(name.bytes()).all(|(a, b)| a == b))
}

impl Profile {
    /// The key of that name, if the connector has it.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.key_at(name).map(|(_, key)| key)
    }

    /// The position of a key in `keys`.
    pub fn key_index(&self, name: &str) -> Option<usize> {
        self.key_at(name).map(|(index, _)| index)
    }

    /// The key of that name and its position in `keys`.
    pub fn key_at(&self, name: &str) -> Option<(usize, &'static Key)> {
        let keys: &'static [Key] = self.keys;
        keys.iter()
            .enumerate()
            .find(|(_, key)| same_name(key.name, name))
    }

    /// The keys of one kind, in order.
    pub fn keys_of(&self, kind: KeyKind) -> impl Iterator<Item = &'static Key> + use<> {
        let keys: &'static [Key] = self.keys;
        keys.iter().filter(move |key| key.kind == kind)
    }

    /// The required keys, in order.
    pub fn required_keys(&self) -> impl Iterator<Item = &'static Key> + use<> {
        let keys: &'static [Key] = self.keys;
        keys.iter().filter(|key| key.required)
    }

    /// `Azure DevOps connector`, or `Microsoft connector (Teams, Outlook, ...)`.
    pub fn title(&self) -> String {
        if self.products.is_empty() {
            format!("{} connector", self.name)
        } else {
            format!("{} connector ({})", self.name, self.products)
        }
    }

    /// The committed schema's file name: the service id with `:` as `.`.
    pub fn schema_file(&self) -> String {
        format!("{}.schema.json", self.service_id.replace(':', "."))
    }

    /// The Appmixer key store's path of the connector, `appmixer/microsoft/dynamics`.
    pub fn key_store_dir(&self) -> String {
        self.service_id.replace(':', "/")
    }

    /// The account types the registration may have without a finding, in the portal's words.
    pub fn accepted_account_types(&self) -> Vec<&'static str> {
        self.account_types
            .iter()
            .filter(|account| account.severity.is_none())
            .filter_map(|account| account_type_name(account.audience))
            .collect()
    }

    /// [`Profile::accepted_account_types`] for a sentence: `"A" or "B"`.
    pub fn accepted_account_types_quoted(&self) -> String {
        self.accepted_account_types()
            .iter()
            .map(|name| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

/// The portal's name of a `signInAudience`.
pub fn account_type_name(audience: &str) -> Option<&'static str> {
    ACCOUNT_TYPE_NAMES
        .iter()
        .find(|(value, _)| *value == audience)
        .map(|(_, name)| *name)
}

/// How a written service id relates to the supported connectors.
#[derive(Debug, PartialEq, Eq)]
pub enum ServiceMatch {
    Exact(&'static Profile),
    /// Close to a supported id but not it (case, `.` for `:`, a typo).
    Misspelled(&'static Profile),
    Other,
}

/// Classifies a `serviceId` value.
pub fn match_service_id(value: &str) -> ServiceMatch {
    if let Some(profile) = by_service_id(value) {
        return ServiceMatch::Exact(profile);
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
    let distance = |profile: &Profile| strsim::damerau_levenshtein(&normalized, profile.service_id);
    let closest = PROFILES
        .iter()
        .copied()
        .min_by_key(|profile| distance(profile));
    match closest {
        Some(profile) if distance(profile) <= 3 => ServiceMatch::Misspelled(profile),
        _ => match PROFILES
            .iter()
            .copied()
            .find(|profile| misspelling_markers(profile).any(|m| normalized.contains(m)))
        {
            Some(profile) => ServiceMatch::Misspelled(profile),
            None => ServiceMatch::Other,
        },
    }
}

/// Words that, anywhere in a service id, can only mean this connector: its last segment when it
/// names no other service (`azuredevops`, `dynamics`), and that segment split in two.
fn misspelling_markers(profile: &Profile) -> impl Iterator<Item = &'static str> {
    const MARKERS: &[(&str, &[&str])] = &[
        ("appmixer:azuredevops", &["azuredevops", "azure:devops"]),
        ("appmixer:microsoft:dynamics", &["dynamics"]),
    ];
    MARKERS
        .iter()
        .filter(move |(id, _)| *id == profile.service_id)
        .flat_map(|(_, markers)| markers.iter().copied())
}

/// The service a path names when it follows Appmixer's key store layout,
/// `…/connectors/<vendor>/<service>[/<module>]/config.<ENV>.json`: `vendor:service[:module]`.
pub fn service_from_key_store_path(path: &str) -> Option<String> {
    // Asked of every file checked; nearly none is a key store's `config.<ENV>.json`.
    if !path.trim_end_matches(['/', '\\']).ends_with(".json") {
        return None;
    }
    let segments: Vec<&str> = path.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
    let (file, directories) = segments.split_last()?;
    let environment = file.strip_prefix("config.")?.strip_suffix(".json")?;
    if environment.is_empty() || environment.contains('.') {
        return None;
    }
    let connectors = directories
        .iter()
        .rposition(|segment| *segment == "connectors")?;
    let service = &directories[connectors + 1..];
    (2..=3).contains(&service.len()).then(|| service.join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_ids_are_unique_and_the_default_is_azure_devops() {
        assert_eq!(default_profile().service_id, "appmixer:azuredevops");
        for (index, profile) in PROFILES.iter().enumerate() {
            assert!(
                PROFILES[..index]
                    .iter()
                    .all(|other| other.service_id != profile.service_id)
            );
            assert_eq!(by_service_id(profile.service_id), Some(*profile));
        }
    }

    #[test]
    fn every_profile_has_the_keys_every_stage_needs() {
        for profile in PROFILES {
            for (kind, name) in [
                (KeyKind::ServiceId, "serviceId"),
                (KeyKind::ClientId, "clientId"),
                (KeyKind::ClientSecret, "clientSecret"),
                (KeyKind::Tenant, "tenantId"),
                (KeyKind::Callback, "callbackUrl"),
            ] {
                assert_eq!(
                    profile.key(name).map(|key| key.kind),
                    Some(kind),
                    "{}: {name}",
                    profile.service_id
                );
            }
            let required: Vec<&str> = profile.required_keys().map(|key| key.name).collect();
            assert_eq!(
                required,
                ["clientId", "clientSecret"],
                "{}",
                profile.service_id
            );
            // The engine's callback: the second segment of the service id.
            let second = profile.service_id.split(':').nth(1).unwrap_or_default();
            assert_eq!(profile.callback_path, format!("/auth/{second}/callback"));
            for key in profile.keys {
                assert!(!key.title.is_empty() && !key.description.is_empty());
                assert!(
                    PROFILES[..]
                        .iter()
                        .flat_map(|p| p.keys)
                        .filter(|other| other.name == key.name)
                        .all(|other| other.kind == key.kind || key.name == "redirectUri"),
                    "{} has kinds that differ between connectors",
                    key.name
                );
            }
            // A record holds its values inline.
            assert!(
                profile.keys.len() <= crate::record::MAX_KEYS,
                "{}",
                profile.service_id
            );
            // The record masks values by kind: a key whose name the secret detection takes for
            // a secret must be the profile's secret, and the other way round.
            for key in profile.keys {
                assert_eq!(
                    crate::secrets::is_secret_key(key.name),
                    key.kind == KeyKind::ClientSecret,
                    "{}: {}",
                    profile.service_id,
                    key.name
                );
            }
            assert!(profile.probe.scope.ends_with("/.default"));
            for account in profile.account_types {
                assert!(account_type_name(account.audience).is_some());
            }
            assert!(!profile.accepted_account_types().is_empty());
        }
    }

    #[test]
    fn service_ids_are_matched() {
        for profile in PROFILES {
            assert_eq!(
                match_service_id(profile.service_id),
                ServiceMatch::Exact(profile)
            );
        }
        for (near, meant) in [
            ("appmixer.azuredevops", &AZURE_DEVOPS),
            ("Appmixer:AzureDevOps", &AZURE_DEVOPS),
            ("appmixer:azure-devops", &AZURE_DEVOPS),
            ("appmixer:azuredevop", &AZURE_DEVOPS),
            ("appmixer:azuredevops ", &AZURE_DEVOPS),
            ("appmixer.microsoft", &MICROSOFT),
            ("Appmixer:Microsoft", &MICROSOFT),
            ("appmixer:microsoft.dynamics", &DYNAMICS),
            ("appmixer:microsoft:dynamic", &DYNAMICS),
            ("appmixer:dynamics", &DYNAMICS),
        ] {
            assert_eq!(
                match_service_id(near),
                ServiceMatch::Misspelled(meant),
                "{near}"
            );
        }
        for other in [
            "appmixer:slack",
            "appmixer:google",
            "appmixer:jira",
            "appmixer:microsoft:teams",
            "appmixer:mssql",
            "appmixer:linear",
        ] {
            assert_eq!(match_service_id(other), ServiceMatch::Other, "{other}");
        }
    }

    #[test]
    fn key_store_paths_name_their_service() {
        for (path, service) in [
            (
                "connectors/appmixer/microsoft/dynamics/config.PROD.json",
                Some("appmixer:microsoft:dynamics"),
            ),
            (
                "./keys/connectors/appmixer/azuredevops/config.dev.json",
                Some("appmixer:azuredevops"),
            ),
            (
                "C:\\keys\\connectors\\appmixer\\linear\\config.STAGING.json",
                Some("appmixer:linear"),
            ),
            ("connectors/appmixer/config.PROD.json", None),
            ("connectors/appmixer/microsoft/config.json", None),
            ("connectors/appmixer/microsoft/config.PROD.yaml", None),
            ("config/azdo.yaml", None),
            ("connectors/a/b/c/d/config.PROD.json", None),
        ] {
            assert_eq!(
                service_from_key_store_path(path).as_deref(),
                service,
                "{path}"
            );
        }
    }
}
