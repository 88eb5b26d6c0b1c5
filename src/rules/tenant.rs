//! `tenant/invalid`: `tenantId` (the app's home tenant, used by `--probe`) must be a GUID or a
//! domain name. `tenant/not-specific` (multi-tenant aliases given to a probe) belongs to the probe.

use std::sync::LazyLock;

use regex::Regex;

use super::{Finding, chars, is_guid, values, with_origin};
use crate::catalogue::Code;
use crate::connectors::entra::{CONSUMERS_TENANT_ID, cloud_of_tenant_domain, is_login_host};
use crate::connectors::{KeyKind, Profile};
use crate::record::{Origin, Record};

const KEY: &str = "tenantId";

/// A domain name as the schema's pattern accepts it: labels of letters, digits and inner hyphens,
/// and an alphabetic top-level label.
static DOMAIN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$").ok()
});

/// The sign-in aliases that are not a tenant.
pub const ALIASES: &[&str] = &["common", "organizations", "consumers"];

const OVERVIEW: &str = "copy the Directory (tenant) ID from the Overview page of the app registration (Microsoft Entra ID > App registrations > your app)";

pub fn is_domain(value: &str) -> bool {
    DOMAIN.as_ref().is_some_and(|regex| regex.is_match(value))
}

/// Whether `value` names a tenant: a GUID or a domain name.
pub fn is_tenant(value: &str) -> bool {
    is_guid(value) || is_domain(value)
}

/// The tenant inside a sign-in address (`https://login.microsoftonline.com/<tenant>/v2.0`,
/// `sts.windows.net/<GUID>/`): the one segment that names a tenant, if there is exactly one.
fn tenant_in_address(value: &str) -> Option<&str> {
    let mut tenants = value
        .split('/')
        .filter(|segment| is_tenant(segment) && !is_login_host(segment));
    let first = tenants.next()?;
    tenants.next().is_none().then_some(first)
}

/// The one tenant a wrong `tenantId` stands for, when there is one: the value without its
/// invisible characters, or the tenant inside a sign-in address. Help texts give it, and a fix
/// can write it.
pub fn corrected(value: &str) -> Option<String> {
    let visible: String = value.chars().filter(|c| !chars::is_invisible(*c)).collect();
    if visible != value && is_tenant(&visible) {
        return Some(visible);
    }
    value
        .contains('/')
        .then(|| tenant_in_address(value))
        .flatten()
        .map(str::to_owned)
}

/// Judges a `tenantId` value as written, for the record's connector.
pub fn judge(raw: &str, origin: &Origin, profile: &Profile) -> Option<Finding> {
    let value = values::cleaned(raw);
    let described = origin.describe();
    let invalid = |message: String, help: String| {
        Some(Finding::new(Code::TenantInvalid, KEY, message).help(with_origin(help, origin)))
    };
    let consumers =
        value.eq_ignore_ascii_case("consumers") || value.eq_ignore_ascii_case(CONSUMERS_TENANT_ID);
    if consumers && !profile.sign_in.personal_accounts {
        return invalid(
            format!(
                "`{KEY}`{described} is `{value}`, the tenant of personal Microsoft accounts only: the {} signs in work or school accounts, which it never holds",
                profile.title()
            ),
            format!("{OVERVIEW}: the app's home tenant is a work or school directory"),
        );
    }
    if is_guid(value) {
        if value == super::client_id::NIL_GUID {
            return invalid(
                format!("`{KEY}`{described} is the nil GUID, a placeholder, not a tenant"),
                OVERVIEW.to_owned(),
            );
        }
        return None;
    }
    if is_domain(value) {
        if is_login_host(value) {
            return invalid(
                format!("`{KEY}`{described} is `{value}`, Entra's sign-in host, not a tenant"),
                OVERVIEW.to_owned(),
            );
        }
        return national_cloud(value, &described, origin, profile);
    }
    // A sign-in alias is a valid Entra tenant segment; it is wrong only for a probe, which
    // reports it as `tenant/not-specific` (SPEC). Reporting it here too would say it twice.
    if ALIASES
        .iter()
        .any(|alias| alias.eq_ignore_ascii_case(value))
    {
        return None;
    }
    if value.is_empty() {
        return invalid(format!("`{KEY}`{described} is empty"), OVERVIEW.to_owned());
    }
    if let Some((position, c)) = chars::first(value, |c| !c.is_ascii() || chars::is_invisible(c)) {
        return invalid(
            format!(
                "`{KEY}`{described} is not a tenant: it has {}",
                chars::describe_at(c, position)
            ),
            match corrected(value) {
                Some(tenant) => format!("write `{tenant}`"),
                None => OVERVIEW.to_owned(),
            },
        );
    }
    if value.contains('/') {
        let what = if value.contains("://") {
            "a URL"
        } else {
            "a sign-in address (a host and a path)"
        };
        return invalid(
            format!("`{KEY}`{described} is {what}, not a tenant id or domain"),
            match corrected(value) {
                Some(tenant) => format!("write only the tenant: `{tenant}`"),
                None => OVERVIEW.to_owned(),
            },
        );
    }
    invalid(
        format!("`{KEY}`{described} is neither a GUID nor a domain name"),
        format!(
            "{OVERVIEW}, or use a verified domain of the tenant such as `contoso.onmicrosoft.com`"
        ),
    )
}

/// `tenant/national-cloud`: a tenant whose initial domain belongs to a cloud the connector does
/// not sign in through. A probe with that cloud's `--cloud` can prove the credentials there, but
/// says nothing about signing in through Appmixer.
fn national_cloud(
    value: &str,
    described: &str,
    origin: &Origin,
    profile: &Profile,
) -> Option<Finding> {
    let cloud = cloud_of_tenant_domain(value)?;
    if cloud.authority == profile.sign_in.authority {
        return None;
    }
    Some(
        Finding::new(
            Code::TenantNationalCloud,
            KEY,
            format!(
                "`{KEY}`{described} is `{value}`, a tenant of {} (sign-in at {}), but the {} signs users in only through {}: a probe with `--cloud {}` says nothing about signing in through Appmixer",
                cloud.name,
                cloud.authority,
                profile.title(),
                profile.sign_in.authority,
                cloud.probe_name
            ),
        )
        .help(with_origin(
            format!(
                "register the app in a tenant of the cloud the connector signs in through ({}); an app of {} is unknown there. If your Appmixer's connector was changed to sign in through {}, ignore this finding (`--ignore tenant/national-cloud`)",
                profile.sign_in.authority, cloud.name, cloud.authority
            ),
            origin,
        )),
    )
}

pub fn check(record: &Record) -> Vec<Finding> {
    record
        .texts_of(KeyKind::Tenant)
        .filter_map(|(key, value)| judge(value, record.origin(key), record.profile))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::{AZURE_DEVOPS, DYNAMICS, MICROSOFT, PROFILES};

    #[test]
    fn tenants_pass() {
        for value in [
            "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            "9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D",
            "contoso.onmicrosoft.com",
            "contoso.com",
            "my-company.co.uk",
            " contoso.com ",
            // Aliases are left to the probe (`tenant/not-specific`).
            "common",
            "Organizations",
        ] {
            assert_eq!(
                judge(value, &Origin::Literal, &AZURE_DEVOPS),
                None,
                "{value}"
            );
        }
    }

    #[test]
    fn invalid_tenants() {
        for value in [
            "",
            "contoso",
            "-contoso.com",
            "contoso.c",
            "contoso..com",
            "9a8b7c6d5e4f",
            "https://login.microsoftonline.com/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/oauth2/v2.0/token",
        ] {
            let finding = judge(value, &Origin::Literal, &AZURE_DEVOPS);
            assert_eq!(
                finding.as_ref().map(|finding| finding.code),
                Some(Code::TenantInvalid),
                "{value}"
            );
        }
        let help = judge(
            "https://login.microsoftonline.com/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/v2.0",
            &Origin::Literal,
            &AZURE_DEVOPS,
        )
        .and_then(|finding| finding.help)
        .unwrap_or_default();
        assert!(
            help.contains("`9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d`"),
            "{help}"
        );
    }

    fn code(value: &str, profile: &'static Profile) -> Option<Code> {
        judge(value, &Origin::Literal, profile).map(|finding| finding.code)
    }

    #[test]
    fn tenants_that_cannot_work() {
        for profile in PROFILES {
            for value in [
                "00000000-0000-0000-0000-000000000000",
                "login.microsoftonline.com",
                "Login.MicrosoftOnline.com",
                "sts.windows.net",
                "sts.windows.net/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/",
                "login.microsoftonline.com/contoso.onmicrosoft.com/v2.0",
                "contoso\u{200B}.onmicrosoft.com",
            ] {
                assert_eq!(code(value, profile), Some(Code::TenantInvalid), "{value}");
            }
        }
        let help = judge(
            "sts.windows.net/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/",
            &Origin::Literal,
            &AZURE_DEVOPS,
        )
        .and_then(|finding| finding.help)
        .unwrap_or_default();
        assert!(
            help.contains("`9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d`"),
            "{help}"
        );
        let invisible = judge(
            "contoso\u{200B}.onmicrosoft.com",
            &Origin::Literal,
            &AZURE_DEVOPS,
        );
        assert!(invisible.is_some_and(|finding| {
            finding
                .message
                .contains("U+200B ZERO WIDTH SPACE at character 8")
                && finding
                    .help
                    .unwrap_or_default()
                    .contains("`contoso.onmicrosoft.com`")
        }));
    }

    #[test]
    fn consumers_only_where_personal_accounts_sign_in() {
        for value in ["consumers", "Consumers", CONSUMERS_TENANT_ID] {
            for profile in [&AZURE_DEVOPS, &DYNAMICS] {
                assert_eq!(code(value, profile), Some(Code::TenantInvalid), "{value}");
            }
            // The Microsoft connector signs personal accounts in; the probe reports the alias.
            assert_eq!(code(value, &MICROSOFT), None, "{value}");
        }
        for profile in PROFILES {
            assert_eq!(code("organizations", profile), None);
            assert_eq!(code("common", profile), None);
        }
    }

    #[test]
    fn national_cloud_tenants_for_public_cloud_connectors() {
        for profile in PROFILES {
            for value in ["contoso.onmicrosoft.us", "contoso.partner.onmschina.cn"] {
                let finding = judge(value, &Origin::Literal, profile);
                assert_eq!(
                    finding.as_ref().map(|finding| finding.code),
                    Some(Code::TenantNationalCloud),
                    "{value}"
                );
                assert!(finding.is_some_and(|finding| finding.message.contains("--cloud")));
            }
            for value in ["contoso.onmicrosoft.com", "contoso.us", "contoso.com"] {
                assert_eq!(code(value, profile), None, "{value}");
            }
        }
    }
}
