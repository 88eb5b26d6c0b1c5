//! The app registration held to the record's connector profile: pure functions of the
//! application object, the record, the expected callback and the clock.
//!
//! A verdict is given only from what the registration says. What the answer leaves out (a
//! property not sent, secrets without hints, a list that contradicts a token just issued) is no
//! verdict: it ends in `registration/unreadable`, never in `registration/ok`.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use url::Url;

use super::model::{Application, PasswordCredential, Property};
use super::{RegistrationFinding, Scrubber};
use crate::catalogue::{Code, Severity};
use crate::connectors::{AccountType, KeyKind, Profile, account_type_name};
use crate::record::{FieldValue, Record};
use crate::rules::Finding;

/// The redirect URI the registration must list under Web, and where it was learnt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub uri: String,
    /// "derived from `--api-url`", "`callbackUrl`".
    pub from: String,
}

/// The callback Appmixer sends for the record: its override (`callbackUrl`, a key Appmixer
/// reads) when set, else `<API URL><callback path>` from `--api-url`, else what the record says
/// is registered (`redirectUri` of Azure DevOps, a key only connector-lint reads).
pub fn expected_callback(record: &Record, api_url: Option<&Url>) -> Option<Callback> {
    let profile = record.profile;
    let from_key = |appmixer_reads: bool| {
        profile
            .keys_of(KeyKind::Callback)
            .filter(|key| key.read_by_appmixer == appmixer_reads)
            .find_map(|key| {
                let value = record.text(key.name)?.trim();
                is_absolute(value).then(|| Callback {
                    uri: value.to_owned(),
                    from: format!("`{}`{}", key.name, record.origin(key.name).describe()),
                })
            })
    };
    from_key(true)
        .or_else(|| {
            api_url.map(|api| Callback {
                uri: crate::rules::redirect_uri::expected_from_api_url(api, profile.callback_path),
                from: "derived from `--api-url`".to_owned(),
            })
        })
        .or_else(|| from_key(false))
}

fn is_absolute(value: &str) -> bool {
    Url::parse(value).is_ok_and(|url| url.host().is_some())
}

/// What the checks know besides the registration and the record.
pub struct Context<'a> {
    pub callback: Option<&'a Callback>,
    pub now: OffsetDateTime,
    /// `--expiry-warning`, in days.
    pub expiry_warning_days: u32,
    /// Entra just issued a token for the record's secret (`--probe`): the secret is among the
    /// app's credentials, so a list that holds no match is incomplete, not proof of absence.
    pub secret_proved: bool,
    /// Where the registration came from, for messages: "Microsoft Graph (graph.microsoft.com)",
    /// "`app.json`".
    pub source: &'a str,
    pub scrubber: &'a Scrubber,
}

/// Accumulates the verdicts of one registration.
struct Judgement<'a> {
    record: &'a Record,
    context: &'a Context<'a>,
    app_name: String,
    findings: Vec<RegistrationFinding>,
    /// What matched, for `registration/ok`.
    matched: Vec<String>,
    /// What the record gives nothing to compare with.
    not_compared: Vec<String>,
    /// What the answer does not tell: no verdict.
    unknown: Vec<String>,
}

/// Every finding about one record's app registration: the problems, then `registration/ok` when
/// there is none (of warning or error severity) and nothing was left unknown, or
/// `registration/unreadable` when something was.
pub fn check(
    app: &Application,
    record: &Record,
    context: &Context<'_>,
) -> Vec<RegistrationFinding> {
    let app_name = match app.display_name.value() {
        Some(name) if !name.trim().is_empty() => {
            format!("`{}`", context.scrubber.text(name, 80))
        }
        _ => "the app".to_owned(),
    };
    let mut judgement = Judgement {
        record,
        context,
        app_name,
        findings: Vec::new(),
        matched: Vec::new(),
        not_compared: Vec::new(),
        unknown: Vec::new(),
    };
    judgement.disabled(app);
    judgement.account_type(app);
    judgement.redirect_uri(app);
    judgement.permission(app);
    judgement.public_client(app);
    judgement.secret(app);
    judgement.conclude()
}

impl Judgement<'_> {
    fn profile(&self) -> &'static Profile {
        self.record.profile
    }

    fn push(
        &mut self,
        code: Code,
        severity: Severity,
        key: KeyKind,
        message: String,
        help: String,
    ) {
        let key = self
            .profile()
            .keys_of(key)
            .next()
            .map(|key| key.name.to_owned());
        self.findings.push(RegistrationFinding {
            finding: Finding {
                code,
                key,
                message,
                help: Some(help),
                fix: None,
            },
            severity,
        });
    }

    /// A finding with the catalogue's severity.
    fn push_catalogued(&mut self, code: Code, key: KeyKind, message: String, help: String) {
        self.push(code, code.severity(), key, message, help);
    }

    /// "Microsoft Entra ID > App registrations > `name` > page".
    fn page(&self, page: &str) -> String {
        format!(
            "Microsoft Entra ID > App registrations > {} > {page}",
            self.app_name
        )
    }

    fn disabled(&mut self, app: &Application) {
        let status = match &app.disabled_by_microsoft_status {
            Property::Absent => {
                self.unknown.push(
                    "whether Microsoft disabled the app (`disabledByMicrosoftStatus`)".to_owned(),
                );
                return;
            }
            Property::Null => return,
            Property::Value(value) => value,
        };
        let shown = match status {
            serde_json::Value::Null | serde_json::Value::Bool(false) => return,
            serde_json::Value::String(text)
                if text.trim().is_empty() || text.trim().eq_ignore_ascii_case("NotDisabled") =>
            {
                return;
            }
            serde_json::Value::String(text) => self.context.scrubber.text(text, 80),
            other => self.context.scrubber.text(&other.to_string(), 80),
        };
        let message = format!(
            "Microsoft disabled the app registration {} (`disabledByMicrosoftStatus` is `{shown}`): nobody can sign in through it",
            self.app_name
        );
        self.push_catalogued(
            Code::RegistrationDisabled,
            KeyKind::ClientId,
            message,
            Code::RegistrationDisabled.rule().fix.to_owned(),
        );
    }

    fn account_type(&mut self, app: &Application) {
        let Some(audience) = app.sign_in_audience.value().map(|value| value.trim()) else {
            self.unknown
                .push("the supported account types (`signInAudience`)".to_owned());
            return;
        };
        let profile = self.profile();
        let Some(account) = profile
            .account_types
            .iter()
            .find(|account| account.audience.eq_ignore_ascii_case(audience))
        else {
            self.unknown.push(format!(
                "the supported account types: `signInAudience` is `{}`, which connector-lint does not know",
                self.context.scrubber.text(audience, 60)
            ));
            return;
        };
        let portal_name = account_type_name(account.audience).unwrap_or(account.audience);
        let Some(severity) = account_severity(account, self.record) else {
            self.matched
                .push(format!("account types `{}`", account.audience));
            return;
        };
        let accepted = profile.accepted_account_types_quoted();
        let message = format!(
            "the app registration {} accepts \"{portal_name}\" (`signInAudience` `{}`): {}",
            self.app_name, account.audience, account.why
        );
        let help = format!(
            "In {}, set Supported account types to {accepted}, or set `signInAudience` in the Manifest. A change to personal Microsoft accounts also needs `api.requestedAccessTokenVersion` 2 in the Manifest.",
            self.page("Authentication")
        );
        self.push(
            Code::RegistrationNotMultitenant,
            severity,
            KeyKind::ClientId,
            message,
            help,
        );
    }

    fn redirect_uri(&mut self, app: &Application) {
        let profile = self.profile();
        let web = match &app.web {
            Property::Absent => {
                self.unknown
                    .push("the Web redirect URIs (`web`)".to_owned());
                return;
            }
            Property::Null => Vec::new(),
            Property::Value(web) => web.redirect_uris(),
        };
        let spa: Vec<&str> = app
            .spa
            .value()
            .map(|p| p.redirect_uris())
            .unwrap_or_default();
        let public: Vec<&str> = app
            .public_client
            .value()
            .map(|p| p.redirect_uris())
            .unwrap_or_default();
        let Some(callback) = self.context.callback else {
            // Whatever the API URL is, the callback ends in the connector's path.
            match web
                .iter()
                .find(|uri| path_of(uri).is_some_and(|path| path.ends_with(profile.callback_path)))
            {
                Some(uri) => {
                    self.matched.push(format!(
                        "a Web redirect URI ending in `{}` (`{}`)",
                        profile.callback_path,
                        self.context.scrubber.text(uri, 260)
                    ));
                    self.not_compared
                        .push("the whole redirect URI (pass `--api-url` to compare it)".to_owned());
                }
                None => {
                    let message = format!(
                        "none of the Web redirect URIs of {} ends in `{}`, the {} callback path{}",
                        self.app_name,
                        profile.callback_path,
                        profile.name,
                        self.listed(&web)
                    );
                    let help = format!(
                        "In {}, add the Web redirect URI `<Appmixer API URL>{}` (pass `--api-url` to have the exact URI compared).",
                        self.page("Authentication > Web > Redirect URIs"),
                        profile.callback_path
                    );
                    self.push_catalogued(
                        Code::RegistrationRedirectUriNotRegistered,
                        KeyKind::ClientId,
                        message,
                        help,
                    );
                }
            }
            return;
        };
        let Ok(expected) = Url::parse(&callback.uri) else {
            self.not_compared
                .push("the redirect URI (the record's is not a URL)".to_owned());
            return;
        };
        if web.iter().any(|uri| same_uri(&expected, uri)) {
            self.matched
                .push(format!("the Web redirect URI `{}`", callback.uri));
            return;
        }
        let other_platform = [
            ("Single-page application", &spa, "AADSTS9002327"),
            ("Mobile and desktop applications", &public, "AADSTS700025"),
        ]
        .into_iter()
        .find(|(_, uris, _)| uris.iter().any(|uri| same_uri(&expected, uri)));
        if let Some((platform, _, aadsts)) = other_platform {
            let message = format!(
                "the callback `{}` ({}) is registered on {} under \"{platform}\", not \"Web\": Appmixer redeems the authorization code with the client secret, which Entra refuses for that platform ({aadsts})",
                callback.uri, callback.from, self.app_name
            );
            let help = format!(
                "In {}, remove the URI from \"{platform}\" and add it under \"Web\" (Add a platform > Web), exactly `{}`.",
                self.page("Authentication"),
                callback.uri
            );
            self.push_catalogued(
                Code::RegistrationRedirectUriWrongPlatform,
                KeyKind::ClientId,
                message,
                help,
            );
            return;
        }
        // The connector's other redirect URIs (the file picker's) are not near misses of the
        // callback, however close they look.
        let candidates: Vec<&str> = web
            .iter()
            .copied()
            .filter(|uri| {
                !profile
                    .extra_redirect_paths
                    .iter()
                    .any(|extra| path_of(uri).is_some_and(|path| path.ends_with(extra)))
            })
            .collect();
        let nearest = candidates.iter().min_by_key(|uri| {
            strsim::levenshtein(
                &callback.uri.to_ascii_lowercase(),
                &uri.to_ascii_lowercase(),
            )
        });
        let detail = match nearest {
            Some(uri) => format!(
                "; the nearest registered one, `{}`, {}",
                self.context.scrubber.text(uri, 260),
                difference(&expected, uri, self.context.scrubber)
            ),
            None if web.is_empty() => "; the app has no Web redirect URI at all".to_owned(),
            None => format!(
                "; its Web redirect URIs are the connector's other ones{}",
                self.listed(&web)
            ),
        };
        let message = format!(
            "the callback `{}` ({}) is not among the Web redirect URIs of {}{detail}",
            callback.uri, callback.from, self.app_name
        );
        let help = format!(
            "In {}, add `{}` exactly (Entra compares the whole URI, letter case and trailing slash included); sign-in fails with AADSTS50011 until it is there.",
            self.page("Authentication > Web > Redirect URIs"),
            callback.uri
        );
        self.push_catalogued(
            Code::RegistrationRedirectUriNotRegistered,
            KeyKind::ClientId,
            message,
            help,
        );
    }

    /// " (`a`, `b`)": the URIs, shown scrubbed and bounded.
    fn listed(&self, uris: &[&str]) -> String {
        if uris.is_empty() {
            return String::new();
        }
        let shown: Vec<String> = uris
            .iter()
            .take(5)
            .map(|uri| format!("`{}`", self.context.scrubber.text(uri, 260)))
            .collect();
        let more = uris.len().saturating_sub(5);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!(" ({}{more})", shown.join(", "))
    }

    fn permission(&mut self, app: &Application) {
        let Some(permission) = &self.profile().permission else {
            return;
        };
        let listed = match &app.required_resource_access {
            Property::Absent => {
                self.unknown
                    .push("the API permissions (`requiredResourceAccess`)".to_owned());
                return;
            }
            Property::Null => &[][..],
            Property::Value(list) => list.as_slice(),
        };
        let entries: Vec<_> = listed
            .iter()
            .filter(|resource| {
                resource
                    .resource_app_id
                    .value()
                    .is_some_and(|id| id.trim().eq_ignore_ascii_case(permission.resource_app_id))
            })
            .flat_map(|resource| resource.resource_access.value().into_iter().flatten())
            .filter(|access| {
                access
                    .id
                    .value()
                    .is_some_and(|id| id.trim().eq_ignore_ascii_case(permission.scope_id))
            })
            .collect();
        let delegated = entries.iter().any(|access| {
            access
                .kind
                .value()
                .is_some_and(|kind| kind.eq_ignore_ascii_case("Scope"))
        });
        if delegated {
            self.matched.push(format!(
                "the delegated {} `{}` permission",
                permission.resource, permission.scope
            ));
            return;
        }
        let how = if entries.is_empty() {
            format!(
                "does not list the delegated {} `{}` permission",
                permission.resource, permission.scope
            )
        } else {
            format!(
                "lists {} `{}` only as an application permission (type `Role`), not as the delegated one the connector signs users in with",
                permission.resource, permission.scope
            )
        };
        let message = format!(
            "the app registration {} {how}: {}",
            self.app_name, permission.why
        );
        let help = format!(
            "In {}, choose Add a permission > {} > Delegated permissions > {}, then Add permissions.",
            self.page("API permissions"),
            permission.resource,
            permission.scope
        );
        self.push(
            Code::RegistrationPermissionMissing,
            permission.severity,
            KeyKind::ClientId,
            message,
            help,
        );
    }

    fn public_client(&mut self, app: &Application) {
        match app.is_fallback_public_client {
            Property::Absent => self.unknown.push(
                "whether public client flows are allowed (`isFallbackPublicClient`)".to_owned(),
            ),
            Property::Value(true) => {
                let message = format!(
                    "\"Allow public client flows\" is on for {} (`isFallbackPublicClient`): Entra may then treat it as a public client, which cannot keep a secret, and refuse the secret Appmixer sends (AADSTS700025)",
                    self.app_name
                );
                let help = format!(
                    "In {}, set \"Allow public client flows\" to No (Advanced settings).",
                    self.page("Authentication")
                );
                self.push_catalogued(
                    Code::RegistrationPublicClient,
                    KeyKind::ClientId,
                    message,
                    help,
                );
            }
            Property::Value(false) | Property::Null => {}
        }
    }

    fn secret(&mut self, app: &Application) {
        let profile = self.profile();
        let secret = profile
            .keys_of(KeyKind::ClientSecret)
            .find_map(|key| match self.record.value(key.name) {
                Some(FieldValue::Secret(secret)) => Some(secret),
                _ => None,
            })
            .filter(|secret| !secret.expose_secret().trim().is_empty());
        let Some(secret) = secret else {
            self.not_compared
                .push("the client secret (the record holds none)".to_owned());
            return;
        };
        let credentials: &[PasswordCredential] = match &app.password_credentials {
            Property::Absent => {
                self.unknown.push(
                    "the app's client secrets (`passwordCredentials` was not in the answer)"
                        .to_owned(),
                );
                return;
            }
            Property::Null => &[],
            Property::Value(list) => list,
        };
        let prefix = hint_of(secret);
        let matching: Vec<&PasswordCredential> = credentials
            .iter()
            .filter(|credential| {
                credential
                    .hint
                    .value()
                    .is_some_and(|hint| hint.expose_secret() == prefix.expose_secret())
            })
            .collect();
        if matching.is_empty() {
            self.secret_not_matched(credentials);
            return;
        }
        let verdicts: Vec<(Expiry, &PasswordCredential)> = matching
            .iter()
            .map(|credential| (self.expiry(credential), *credential))
            .collect();
        let origin = self.secret_origin();
        let all_expired = verdicts
            .iter()
            .all(|(e, _)| matches!(e, Expiry::Expired { .. }));
        let ambiguous = if verdicts.len() > 1 {
            format!(
                " ({} of the app's secrets start with the same characters as this one; each is named)",
                verdicts.len()
            )
        } else {
            String::new()
        };
        if all_expired {
            let described: Vec<String> =
                verdicts.iter().map(|(e, c)| self.described(e, c)).collect();
            let message = format!(
                "the client secret{origin} has expired: {}{ambiguous}",
                described.join("; ")
            );
            self.push_catalogued(
                Code::RegistrationSecretExpired,
                KeyKind::ClientSecret,
                message,
                self.new_secret_help(),
            );
            return;
        }
        let due: Vec<String> = verdicts
            .iter()
            .filter(|(e, _)| !matches!(e, Expiry::Valid { .. } | Expiry::Endless))
            .map(|(e, c)| self.described(e, c))
            .collect();
        if !due.is_empty() {
            let message = format!(
                "the client secret{origin} {}: {}{ambiguous}",
                if verdicts.len() > 1 {
                    "may expire soon"
                } else {
                    "expires soon"
                },
                due.join("; ")
            );
            self.push_catalogued(
                Code::RegistrationSecretExpiring,
                KeyKind::ClientSecret,
                message,
                self.new_secret_help(),
            );
            return;
        }
        let described: Vec<String> = verdicts.iter().map(|(e, c)| self.described(e, c)).collect();
        self.matched
            .push(format!("the client secret ({})", described.join("; ")));
    }

    /// No credential carries the secret's hint.
    fn secret_not_matched(&mut self, credentials: &[PasswordCredential]) {
        let without_hint = credentials
            .iter()
            .filter(|credential| credential.hint.value().is_none())
            .count();
        if self.context.secret_proved {
            self.unknown.push(format!(
                "which of the app's client secrets the record holds: Entra just accepted it, yet none of the {} secrets in the answer starts with its characters, so the answer is not the app's whole list",
                credentials.len()
            ));
            return;
        }
        if without_hint > 0 {
            self.unknown.push(format!(
                "which of the app's client secrets the record holds: {without_hint} of its {} secrets carry no hint (the first characters Entra keeps of each)",
                credentials.len()
            ));
            return;
        }
        let origin = self.secret_origin();
        let listed = if credentials.is_empty() {
            "the app has no client secret at all".to_owned()
        } else {
            let shown: Vec<String> = credentials
                .iter()
                .take(5)
                .map(|credential| {
                    let expiry = self.expiry(credential);
                    self.described(&expiry, credential)
                })
                .collect();
            let more = credentials.len().saturating_sub(5);
            let more = if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            };
            format!(
                "its {} secrets are {}{more}",
                credentials.len(),
                shown.join("; ")
            )
        };
        let message = format!(
            "none of the client secrets of {} ({}) is the secret{origin}: {listed}",
            self.app_name, self.context.source
        );
        let help = format!(
            "The secret may belong to another app registration (compare `clientId` with the Application (client) ID), or it was deleted. {}",
            self.new_secret_help()
        );
        self.push_catalogued(
            Code::RegistrationSecretNotFound,
            KeyKind::ClientSecret,
            message,
            help,
        );
    }

    fn expiry(&self, credential: &PasswordCredential) -> Expiry {
        let Some(end) = credential.end_date_time.value().map(|end| end.0) else {
            return Expiry::Endless;
        };
        let left = end - self.context.now;
        let days = left.whole_days();
        if end <= self.context.now {
            Expiry::Expired {
                end,
                days_ago: -days,
            }
        } else if left <= time::Duration::days(i64::from(self.context.expiry_warning_days)) {
            Expiry::Expiring { end, days }
        } else {
            Expiry::Valid { end, days }
        }
    }

    /// "Secret ID `…` (“description”) expired on 2026-01-31, 3 days ago".
    fn described(&self, expiry: &Expiry, credential: &PasswordCredential) -> String {
        let scrub = |text: &str| self.context.scrubber.text(text, 80);
        let id = credential
            .key_id
            .value()
            .map(|id| format!("Secret ID `{}`", scrub(id)))
            .unwrap_or_else(|| "a secret without a Secret ID".to_owned());
        let description = match credential.display_name.value() {
            Some(name) if !name.trim().is_empty() => format!(" (\"{}\")", scrub(name)),
            _ => String::new(),
        };
        let when = match expiry {
            Expiry::Endless => "with no end date".to_owned(),
            Expiry::Expired { end, days_ago } => match days_ago {
                0 => format!("expired on {}, today", date(*end)),
                1 => format!("expired on {}, a day ago", date(*end)),
                n => format!("expired on {}, {n} days ago", date(*end)),
            },
            Expiry::Expiring { end, days } => {
                let left = match days {
                    0 => "within a day".to_owned(),
                    1 => "in 1 day".to_owned(),
                    n => format!("in {n} days"),
                };
                format!(
                    "expires on {}, {left} (`--expiry-warning` {} days)",
                    date(*end),
                    self.context.expiry_warning_days
                )
            }
            Expiry::Valid { end, days } => {
                format!("valid until {}, {days} days from now", date(*end))
            }
        };
        format!("{id}{description} {when}")
    }

    fn secret_origin(&self) -> String {
        let profile = self.profile();
        profile
            .keys_of(KeyKind::ClientSecret)
            .next()
            .map(|key| crate::probe::secret_source(self.record.origin(key.name)))
            .unwrap_or_default()
    }

    fn new_secret_help(&self) -> String {
        format!(
            "In {}, choose New client secret, copy its Value (shown only once; not the Secret ID) into `clientSecret` of `{}` in the Appmixer Backoffice, then delete the old secret once nothing uses it.",
            self.page("Certificates & secrets"),
            self.profile().service_id
        )
    }

    fn conclude(mut self) -> Vec<RegistrationFinding> {
        if !self.unknown.is_empty() {
            let problems = self
                .findings
                .iter()
                .filter(|finding| finding.severity > Severity::Info)
                .count();
            let told = if problems > 0 {
                format!(" (besides the {problems} findings above it)")
            } else {
                String::new()
            };
            let message = format!(
                "the app registration {} was read from {}, but it does not tell {}; no verdict on that{told}",
                self.app_name,
                self.context.source,
                self.unknown.join(", nor ")
            );
            let help = format!(
                "Check the registration as a whole offline: `az ad app show --id {}` > app.json, then `--app-registration app.json` (it prints every property).",
                client_id_of(self.record).unwrap_or("<clientId>")
            );
            self.push_catalogued(
                Code::RegistrationUnreadable,
                KeyKind::ClientId,
                message,
                help,
            );
        } else if self
            .findings
            .iter()
            .all(|finding| finding.severity == Severity::Info)
        {
            let not_compared = if self.not_compared.is_empty() {
                String::new()
            } else {
                format!(". Not compared: {}", self.not_compared.join("; "))
            };
            let message = format!(
                "the app registration {} ({}) matches the setup guide of the {}: {}{not_compared}",
                self.app_name,
                self.context.source,
                self.profile().title(),
                self.matched.join(", ")
            );
            self.push_catalogued(
                Code::RegistrationOk,
                KeyKind::ClientId,
                message,
                "Nothing to do. A registration does not prove consent: each customer's tenant still consents (a user, or its admin) at the first sign-in.".to_owned(),
            );
        }
        self.findings
    }
}

#[derive(Debug, Clone, Copy)]
enum Expiry {
    Endless,
    Expired { end: OffsetDateTime, days_ago: i64 },
    Expiring { end: OffsetDateTime, days: i64 },
    Valid { end: OffsetDateTime, days: i64 },
}

/// `2026-01-31`.
fn date(when: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        when.year(),
        u8::from(when.month()),
        when.day()
    )
}

/// The severity of an account type for this record (`None`: it is fine), `when_flag` included.
fn account_severity(account: &AccountType, record: &Record) -> Option<Severity> {
    match account.when_flag {
        Some((flag, severity)) if flag_is_on(record, flag) => severity,
        _ => account.severity,
    }
}

/// `true`, or the string `true` in any letter case.
fn flag_is_on(record: &Record, key: &str) -> bool {
    match record.value(key) {
        Some(FieldValue::Bool(on)) => *on,
        Some(FieldValue::Text(text)) => text.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// What a credential's `hint` would be for this secret: its first three characters.
pub fn hint_of(secret: &SecretString) -> SecretString {
    SecretString::from(
        secret
            .expose_secret()
            .trim()
            .chars()
            .take(3)
            .collect::<String>(),
    )
}

fn client_id_of(record: &Record) -> Option<&str> {
    record
        .texts_of(KeyKind::ClientId)
        .next()
        .map(|(_, id)| id.trim())
}

fn path_of(uri: &str) -> Option<String> {
    Url::parse(uri).ok().map(|url| url.path().to_owned())
}

/// Whether a registered URI is the expected one as Entra compares them: scheme and host in any
/// letter case, path and query exactly, and the port too except on a loopback host (where Entra
/// matches a registered `http://localhost/…` whatever the port).
fn same_uri(expected: &Url, registered: &str) -> bool {
    Url::parse(registered.trim()).is_ok_and(|url| {
        url.scheme() == expected.scheme()
            && url.host_str() == expected.host_str()
            && (url.port_or_known_default() == expected.port_or_known_default()
                || crate::http::is_loopback(&url))
            && url.path() == expected.path()
            && url.query() == expected.query()
    })
}

/// How a registered URI differs from the expected one, in words (its parts shown scrubbed: they
/// came from outside).
fn difference(expected: &Url, registered: &str, scrubber: &Scrubber) -> String {
    let shown = |part: &str| scrubber.text(part, 200);
    let Ok(url) = Url::parse(registered.trim()) else {
        return "is not an absolute URL".to_owned();
    };
    let mut parts = Vec::new();
    if url.scheme() != expected.scheme() {
        parts.push(format!(
            "uses `{}` instead of `{}`",
            shown(url.scheme()),
            expected.scheme()
        ));
    }
    if url.host_str() != expected.host_str() {
        parts.push(format!(
            "has the host `{}` instead of `{}`",
            shown(url.host_str().unwrap_or_default()),
            expected.host_str().unwrap_or_default()
        ));
    }
    if url.port_or_known_default() != expected.port_or_known_default() {
        parts.push("has another port".to_owned());
    }
    let (path, wanted) = (url.path(), expected.path());
    let path_shown = shown(path);
    if path != wanted {
        if path.strip_suffix('/') == Some(wanted) {
            parts.push("ends in a slash the callback does not have".to_owned());
        } else if wanted.strip_suffix('/') == Some(path) {
            parts.push("lacks the callback's final slash".to_owned());
        } else if path.eq_ignore_ascii_case(wanted) {
            parts.push(format!(
                "differs only in letter case (`{path_shown}` instead of `{wanted}`), which Entra does not ignore in a path"
            ));
        } else {
            parts.push(format!("has the path `{path_shown}` instead of `{wanted}`"));
        }
    }
    if url.query() != expected.query() {
        parts.push("has a query string".to_owned());
    }
    if parts.is_empty() {
        "differs in its spelling".to_owned()
    } else {
        parts.join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::{AZURE_DEVOPS, DYNAMICS, MICROSOFT};
    use crate::record::Origin;
    use crate::registration::model::parse;

    const ID: &str = "11111111-2222-4333-8444-555555555555";
    const SECRET: &str = "Zq7Q~unit.Secret-Value_0123456789abcdef";
    const CALLBACK: &str = "https://api.acme.appmixer.cloud/auth/azuredevops/callback";

    fn now() -> OffsetDateTime {
        super::super::model::parse_timestamp("2026-01-01T00:00:00Z").expect("now")
    }

    fn record(profile: &'static Profile, pairs: &[(&str, &str)]) -> Record {
        let mut record = Record::new(profile);
        record.set("clientId", ID.to_owned(), Origin::Literal);
        record.set("clientSecret", SECRET.to_owned(), Origin::Literal);
        for (key, value) in pairs {
            record.set(key, (*value).to_owned(), Origin::Literal);
        }
        record
    }

    /// A complete, matching Azure DevOps registration; `edit` changes it.
    fn app(edit: impl FnOnce(&mut serde_json::Value)) -> Application {
        let mut value = serde_json::json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications/$entity",
            "id": "03ef14b0-ca33-4840-8f4f-d6e91916010e",
            "appId": ID,
            "displayName": "Appmixer Azure DevOps",
            "signInAudience": "AzureADMultipleOrgs",
            "isFallbackPublicClient": null,
            "disabledByMicrosoftStatus": null,
            "web": {
                "redirectUris": [CALLBACK],
                "homePageUrl": null,
                "implicitGrantSettings": {"enableIdTokenIssuance": false},
                "redirectUriSettings": [{"uri": CALLBACK, "index": null}]
            },
            "spa": {"redirectUris": []},
            "publicClient": {"redirectUris": []},
            "requiredResourceAccess": [{
                "resourceAppId": "499b84ac-1321-427f-aa17-267ca6975798",
                "resourceAccess": [{"id": "ee69721e-6c3a-468f-a9ec-302d16a4c599", "type": "Scope"}]
            }],
            "passwordCredentials": [
                {"customKeyIdentifier": null, "displayName": "old", "endDateTime": "2025-06-01T00:00:00Z",
                 "hint": "Old", "keyId": "aaaaaaaa-0000-4000-8000-000000000001", "secretText": null,
                 "startDateTime": "2024-06-01T00:00:00Z"},
                {"customKeyIdentifier": null, "displayName": "appmixer", "endDateTime": "2026-12-01T00:00:00Z",
                 "hint": "Zq7", "keyId": "aaaaaaaa-0000-4000-8000-000000000002", "secretText": null,
                 "startDateTime": "2025-12-01T00:00:00Z"}
            ]
        });
        edit(&mut value);
        parse(value.to_string().as_bytes()).expect("an application")
    }

    fn run(
        app: &Application,
        record: &Record,
        callback: Option<&str>,
        proved: bool,
    ) -> Vec<RegistrationFinding> {
        let callback = callback.map(|uri| Callback {
            uri: uri.to_owned(),
            from: "derived from `--api-url`".to_owned(),
        });
        let scrubber = Scrubber::for_record(record, Some(app), None);
        let context = Context {
            callback: callback.as_ref(),
            now: now(),
            expiry_warning_days: 30,
            secret_proved: proved,
            source: "`app.json`",
            scrubber: &scrubber,
        };
        let findings = check(app, record, &context);
        for finding in &findings {
            let text = format!(
                "{} {}",
                finding.finding.message,
                finding.finding.help.as_deref().unwrap_or_default()
            );
            assert!(!text.contains("Zq7"), "a hint in {text}");
            assert!(!text.contains(SECRET), "the secret in {text}");
        }
        findings
    }

    fn codes(findings: &[RegistrationFinding]) -> Vec<(Code, Severity, Option<&str>)> {
        findings
            .iter()
            .map(|f| (f.finding.code, f.severity, f.finding.key.as_deref()))
            .collect()
    }

    #[test]
    fn a_matching_registration_is_ok_and_says_what_matched() {
        let record = record(&AZURE_DEVOPS, &[]);
        let findings = run(&app(|_| {}), &record, Some(CALLBACK), false);
        assert_eq!(
            codes(&findings),
            [(Code::RegistrationOk, Severity::Info, Some("clientId"))]
        );
        let message = &findings[0].finding.message;
        assert!(message.contains("AzureADMultipleOrgs"), "{message}");
        assert!(message.contains(CALLBACK), "{message}");
        assert!(message.contains("user_impersonation"), "{message}");
        assert!(
            message.contains("valid until 2026-12-01, 334 days"),
            "{message}"
        );
        assert!(
            message.contains("aaaaaaaa-0000-4000-8000-000000000002"),
            "{message}"
        );
    }

    #[test]
    fn account_types_follow_the_profile_and_its_flag() {
        let single = app(|v| v["signInAudience"] = "AzureADMyOrg".into());
        let findings = run(&single, &record(&AZURE_DEVOPS, &[]), Some(CALLBACK), false);
        assert_eq!(
            codes(&findings),
            [(
                Code::RegistrationNotMultitenant,
                Severity::Error,
                Some("clientId")
            )]
        );
        assert!(findings[0].finding.message.contains("AADSTS50194"));
        assert!(
            findings[0]
                .finding
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("Authentication")
        );

        let microsoft_callback = "https://api.acme.appmixer.cloud/auth/microsoft/callback";
        let microsoft_app = |audience: &'static str| {
            app(move |v| {
                v["signInAudience"] = audience.into();
                v["web"]["redirectUris"] = serde_json::json!([microsoft_callback]);
            })
        };
        let plain = record(&MICROSOFT, &[]);
        let flagged = {
            let mut record = record(&MICROSOFT, &[]);
            record.set_value("microsoftTenant", FieldValue::Bool(true), Origin::Literal);
            record
        };
        let flagged_text = record(&MICROSOFT, &[("microsoftTenant", "TRUE")]);
        let severity = |audience, record: &Record| {
            run(
                &microsoft_app(audience),
                record,
                Some(microsoft_callback),
                false,
            )
            .iter()
            .find(|f| f.finding.code == Code::RegistrationNotMultitenant)
            .map(|f| f.severity)
        };
        assert_eq!(severity("AzureADMyOrg", &plain), Some(Severity::Error));
        assert_eq!(severity("AzureADMyOrg", &flagged), Some(Severity::Warning));
        assert_eq!(
            severity("AzureADMyOrg", &flagged_text),
            Some(Severity::Warning)
        );
        assert_eq!(
            severity("AzureADMultipleOrgs", &plain),
            Some(Severity::Info)
        );
        assert_eq!(severity("AzureADandPersonalMicrosoftAccount", &plain), None);
        assert_eq!(
            severity("PersonalMicrosoftAccount", &flagged),
            Some(Severity::Error)
        );
        // An info finding does not stand in the way of `ok`.
        let info = run(
            &microsoft_app("AzureADMultipleOrgs"),
            &plain,
            Some(microsoft_callback),
            false,
        );
        assert!(info.iter().any(|f| f.finding.code == Code::RegistrationOk));
    }

    #[test]
    fn the_callback_must_be_a_web_redirect_uri() {
        let record = record(&AZURE_DEVOPS, &[]);
        for (registered, says) in [
            (
                "https://api.acme.appmixer.cloud/auth/azuredevops/callback/",
                "ends in a slash",
            ),
            (
                "https://api.acme.appmixer.cloud/auth/AzureDevOps/callback",
                "letter case",
            ),
            (
                "https://my.acme.appmixer.cloud/auth/azuredevops/callback",
                "has the host `my.acme.appmixer.cloud`",
            ),
            (
                "http://api.acme.appmixer.cloud/auth/azuredevops/callback",
                "uses `http`",
            ),
            (
                "https://api.acme.appmixer.cloud/auth/azure/callback",
                "has the path `/auth/azure/callback`",
            ),
        ] {
            let app = app(|v| {
                v["web"]["redirectUris"] =
                    serde_json::json!(["https://elsewhere.example/x", registered]);
                v["web"]["redirectUriSettings"] = serde_json::Value::Null;
            });
            let findings = run(&app, &record, Some(CALLBACK), false);
            assert_eq!(
                codes(&findings),
                [(
                    Code::RegistrationRedirectUriNotRegistered,
                    Severity::Error,
                    Some("clientId")
                )],
                "{registered}"
            );
            let message = &findings[0].finding.message;
            assert!(message.contains(&format!("`{registered}`")), "{message}");
            assert!(message.contains(says), "{message}");
        }
        // A loopback host's port is not a difference to Entra.
        let local = app(|v| {
            v["web"]["redirectUris"] =
                serde_json::json!(["http://localhost/auth/azuredevops/callback"]);
        });
        assert_eq!(
            codes(&run(
                &local,
                &record,
                Some("http://localhost:2200/auth/azuredevops/callback"),
                false
            ))[0]
                .0,
            Code::RegistrationOk
        );
        // Host letter case is not a difference.
        let upper = app(|v| {
            v["web"]["redirectUris"] =
                serde_json::json!(["HTTPS://API.ACME.APPMIXER.CLOUD/auth/azuredevops/callback"]);
        });
        assert_eq!(
            codes(&run(&upper, &record, Some(CALLBACK), false))[0].0,
            Code::RegistrationOk
        );
        // Only in redirectUriSettings is still registered.
        let settings_only = app(|v| v["web"]["redirectUris"] = serde_json::json!([]));
        assert_eq!(
            codes(&run(&settings_only, &record, Some(CALLBACK), false))[0].0,
            Code::RegistrationOk
        );
        // Nothing at all.
        let none = app(|v| v["web"] = serde_json::Value::Null);
        let findings = run(&none, &record, Some(CALLBACK), false);
        assert!(
            findings[0]
                .finding
                .message
                .contains("no Web redirect URI at all")
        );
    }

    #[test]
    fn the_wrong_platform_is_named() {
        let record = record(&AZURE_DEVOPS, &[]);
        for (platform, named, aadsts) in [
            ("spa", "Single-page application", "AADSTS9002327"),
            (
                "publicClient",
                "Mobile and desktop applications",
                "AADSTS700025",
            ),
        ] {
            let app = app(|v| {
                v["web"] = serde_json::json!({"redirectUris": []});
                v[platform] = serde_json::json!({"redirectUris": [CALLBACK]});
            });
            let findings = run(&app, &record, Some(CALLBACK), false);
            assert_eq!(
                codes(&findings)[0].0,
                Code::RegistrationRedirectUriWrongPlatform
            );
            assert_eq!(findings.len(), 1);
            let message = &findings[0].finding.message;
            assert!(
                message.contains(named) && message.contains(aadsts),
                "{message}"
            );
        }
    }

    #[test]
    fn without_an_api_url_the_path_is_what_can_be_judged() {
        let record = record(&AZURE_DEVOPS, &[]);
        let findings = run(&app(|_| {}), &record, None, false);
        assert_eq!(codes(&findings)[0].0, Code::RegistrationOk);
        assert!(findings[0].finding.message.contains("--api-url"));
        let wrong = app(|v| {
            v["web"] = serde_json::json!({"redirectUris": ["https://api.acme.appmixer.cloud/auth/microsoft/callback"]});
        });
        let findings = run(&wrong, &record, None, false);
        assert_eq!(
            codes(&findings)[0].0,
            Code::RegistrationRedirectUriNotRegistered
        );
    }

    #[test]
    fn the_file_picker_uri_is_not_a_near_miss() {
        let callback = "https://api.acme.appmixer.cloud/auth/microsoft/callback";
        let picker = "https://api.acme.appmixer.cloud/plugins/appmixer/microsoft/onedrive/picker";
        let app = app(|v| {
            v["signInAudience"] = "AzureADandPersonalMicrosoftAccount".into();
            v["web"] = serde_json::json!({"redirectUris": [picker]});
        });
        let findings = run(&app, &record(&MICROSOFT, &[]), Some(callback), false);
        let message = &findings[0].finding.message;
        assert!(message.contains("other ones"), "{message}");
        assert!(!message.contains("nearest"), "{message}");
    }

    #[test]
    fn the_permission_is_held_to_the_profile_severity() {
        let none = app(|v| v["requiredResourceAccess"] = serde_json::json!([]));
        let findings = run(&none, &record(&AZURE_DEVOPS, &[]), Some(CALLBACK), false);
        assert_eq!(
            codes(&findings),
            [(
                Code::RegistrationPermissionMissing,
                Severity::Warning,
                Some("clientId")
            )]
        );
        assert!(
            findings[0]
                .finding
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("API permissions")
        );

        let role =
            app(|v| v["requiredResourceAccess"][0]["resourceAccess"][0]["type"] = "Role".into());
        let findings = run(&role, &record(&AZURE_DEVOPS, &[]), Some(CALLBACK), false);
        assert!(
            findings[0]
                .finding
                .message
                .contains("application permission")
        );

        let dynamics_callback = "https://api.acme.appmixer.cloud/auth/microsoft/callback";
        let dynamics = app(|v| v["web"]["redirectUris"] = serde_json::json!([dynamics_callback]));
        let findings = run(
            &dynamics,
            &record(&DYNAMICS, &[]),
            Some(dynamics_callback),
            false,
        );
        assert_eq!(
            codes(&findings),
            [(
                Code::RegistrationPermissionMissing,
                Severity::Error,
                Some("clientId")
            )]
        );
        assert!(findings[0].finding.message.contains("AADSTS650057"));
        // Microsoft lists no permission statically: nothing to miss.
        let microsoft = app(|v| {
            v["signInAudience"] = "AzureADandPersonalMicrosoftAccount".into();
            v["web"]["redirectUris"] = serde_json::json!([dynamics_callback]);
            v["requiredResourceAccess"] = serde_json::json!([]);
        });
        let findings = run(
            &microsoft,
            &record(&MICROSOFT, &[]),
            Some(dynamics_callback),
            false,
        );
        assert_eq!(codes(&findings)[0].0, Code::RegistrationOk);
    }

    #[test]
    fn secret_expiry_is_judged_against_the_clock_and_the_window() {
        let record = record(&AZURE_DEVOPS, &[]);
        let with_end = |end: &'static str| {
            app(move |v| v["passwordCredentials"][1]["endDateTime"] = end.into())
        };
        let expired = run(
            &with_end("2025-12-29T00:00:00Z"),
            &record,
            Some(CALLBACK),
            false,
        );
        assert_eq!(
            codes(&expired),
            [(
                Code::RegistrationSecretExpired,
                Severity::Error,
                Some("clientSecret")
            )]
        );
        let message = &expired[0].finding.message;
        assert!(message.contains("2025-12-29, 3 days ago"), "{message}");
        assert!(
            message.contains("\"appmixer\"") && message.contains("-000000000002"),
            "{message}"
        );
        assert!(
            expired[0]
                .finding
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("Certificates & secrets")
        );

        let soon = run(
            &with_end("2026-01-11T00:00:00Z"),
            &record,
            Some(CALLBACK),
            false,
        );
        assert_eq!(
            codes(&soon),
            [(
                Code::RegistrationSecretExpiring,
                Severity::Warning,
                Some("clientSecret")
            )]
        );
        assert!(
            soon[0].finding.message.contains("2026-01-11, in 10 days"),
            "{}",
            soon[0].finding.message
        );

        let edge = run(
            &with_end("2026-01-31T00:00:00Z"),
            &record,
            Some(CALLBACK),
            false,
        );
        assert_eq!(codes(&edge)[0].0, Code::RegistrationSecretExpiring);
        let beyond = run(
            &with_end("2026-01-31T00:00:01Z"),
            &record,
            Some(CALLBACK),
            false,
        );
        assert_eq!(codes(&beyond)[0].0, Code::RegistrationOk);
        let endless = app(|v| v["passwordCredentials"][1]["endDateTime"] = serde_json::Value::Null);
        assert_eq!(
            codes(&run(&endless, &record, Some(CALLBACK), false))[0].0,
            Code::RegistrationOk
        );
    }

    #[test]
    fn several_secrets_with_the_same_hint_are_judged_together() {
        let record = record(&AZURE_DEVOPS, &[]);
        let both = |first_end: &'static str| {
            app(move |v| {
                v["passwordCredentials"][0]["hint"] = "Zq7".into();
                v["passwordCredentials"][0]["endDateTime"] = first_end.into();
            })
        };
        // One expired, one valid: which one the record holds is unknown, so no `expired` error.
        let mixed = run(
            &both("2025-06-01T00:00:00Z"),
            &record,
            Some(CALLBACK),
            false,
        );
        assert_eq!(codes(&mixed)[0].0, Code::RegistrationSecretExpiring);
        assert!(mixed[0].finding.message.contains("2 of the app's secrets"));
        let all_valid = run(
            &both("2027-06-01T00:00:00Z"),
            &record,
            Some(CALLBACK),
            false,
        );
        assert_eq!(codes(&all_valid)[0].0, Code::RegistrationOk);
    }

    #[test]
    fn a_secret_that_is_not_listed() {
        let record = record(&AZURE_DEVOPS, &[]);
        let other = app(|v| v["passwordCredentials"][1]["hint"] = "Abc".into());
        let findings = run(&other, &record, Some(CALLBACK), false);
        assert_eq!(
            codes(&findings),
            [(
                Code::RegistrationSecretNotFound,
                Severity::Warning,
                Some("clientSecret")
            )]
        );
        assert!(findings[0].finding.message.contains("its 2 secrets"));
        // After the probe proved the secret, the list is incomplete: no verdict, never `ok`.
        let findings = run(&other, &record, Some(CALLBACK), true);
        assert_eq!(
            codes(&findings),
            [(
                Code::RegistrationUnreadable,
                Severity::Warning,
                Some("clientId")
            )]
        );
        // Secrets without hints cannot be told apart.
        let no_hints = app(|v| {
            v["passwordCredentials"][0]["hint"] = serde_json::Value::Null;
            v["passwordCredentials"][1]["hint"] = serde_json::Value::Null;
        });
        assert_eq!(
            codes(&run(&no_hints, &record, Some(CALLBACK), false))[0].0,
            Code::RegistrationUnreadable
        );
        let empty = app(|v| v["passwordCredentials"] = serde_json::json!([]));
        let findings = run(&empty, &record, Some(CALLBACK), false);
        assert!(
            findings[0]
                .finding
                .message
                .contains("no client secret at all")
        );
    }

    #[test]
    fn what_the_answer_leaves_out_is_no_verdict() {
        let record = record(&AZURE_DEVOPS, &[]);
        for property in [
            "passwordCredentials",
            "signInAudience",
            "web",
            "requiredResourceAccess",
            "isFallbackPublicClient",
            "disabledByMicrosoftStatus",
        ] {
            let trimmed = app(|v| {
                v.as_object_mut().map(|object| object.remove(property));
            });
            let findings = run(&trimmed, &record, Some(CALLBACK), false);
            assert_eq!(
                codes(&findings),
                [(
                    Code::RegistrationUnreadable,
                    Severity::Warning,
                    Some("clientId")
                )],
                "{property}"
            );
            assert!(findings[0].finding.message.contains(property), "{property}");
        }
        let unknown = app(|v| v["signInAudience"] = "SomethingNew".into());
        assert_eq!(
            codes(&run(&unknown, &record, Some(CALLBACK), false))[0].0,
            Code::RegistrationUnreadable
        );
    }

    #[test]
    fn public_client_and_disabled() {
        let record = record(&AZURE_DEVOPS, &[]);
        let public = app(|v| v["isFallbackPublicClient"] = true.into());
        assert_eq!(
            codes(&run(&public, &record, Some(CALLBACK), false)),
            [(
                Code::RegistrationPublicClient,
                Severity::Warning,
                Some("clientId")
            )]
        );
        for (status, disabled) in [
            (
                serde_json::json!("DisabledDueToViolationOfServicesAgreement"),
                true,
            ),
            (serde_json::json!(1), true),
            (serde_json::json!("NotDisabled"), false),
            (serde_json::json!(""), false),
        ] {
            let app = app(|v| v["disabledByMicrosoftStatus"] = status.clone());
            let first = codes(&run(&app, &record, Some(CALLBACK), false))[0].0;
            assert_eq!(first == Code::RegistrationDisabled, disabled, "{status}");
        }
    }

    #[test]
    fn callbacks_come_from_the_override_then_the_api_url_then_the_record() {
        let api = Url::parse("https://api.acme.appmixer.cloud/").expect("url");
        let plain = record(&AZURE_DEVOPS, &[]);
        assert_eq!(expected_callback(&plain, None), None);
        assert_eq!(
            expected_callback(&plain, Some(&api))
                .map(|c| c.uri)
                .as_deref(),
            Some(CALLBACK)
        );
        let with_redirect = record(
            &AZURE_DEVOPS,
            &[(
                "redirectUri",
                " https://x.example/auth/azuredevops/callback ",
            )],
        );
        let found = expected_callback(&with_redirect, None).expect("callback");
        assert_eq!(found.uri, "https://x.example/auth/azuredevops/callback");
        assert_eq!(found.from, "`redirectUri`");
        assert_eq!(
            expected_callback(&with_redirect, Some(&api))
                .map(|c| c.uri)
                .as_deref(),
            Some(CALLBACK)
        );
        let with_override = record(
            &AZURE_DEVOPS,
            &[("callbackUrl", "https://y.example/auth/azuredevops/callback")],
        );
        let found = expected_callback(&with_override, Some(&api)).expect("callback");
        assert_eq!(found.from, "`callbackUrl`");
        // The file picker's redirect is not the callback.
        let picker = record(
            &MICROSOFT,
            &[(
                "redirectUri",
                "https://y.example/plugins/appmixer/microsoft/onedrive/picker",
            )],
        );
        assert_eq!(expected_callback(&picker, None), None);
        let broken = record(&AZURE_DEVOPS, &[("redirectUri", "not a url")]);
        assert_eq!(expected_callback(&broken, None), None);
    }
}
