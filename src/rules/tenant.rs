//! `tenant/invalid`: `tenantId` (the app's home tenant, used by `--probe`) must be a GUID or a
//! domain name. `tenant/not-specific` (multi-tenant aliases given to a probe) belongs to the probe.

use std::sync::LazyLock;

use regex::Regex;

use super::{Finding, is_guid, values, with_origin};
use crate::catalogue::Code;
use crate::connectors::KeyKind;
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

/// Judges a `tenantId` value as written.
pub fn judge(raw: &str, origin: &Origin) -> Option<Finding> {
    let value = values::cleaned(raw);
    // A sign-in alias is a valid Entra tenant segment; it is wrong only for a probe, which
    // reports it as `tenant/not-specific` (SPEC). Reporting it here too would say it twice.
    if is_tenant(value)
        || ALIASES
            .iter()
            .any(|alias| alias.eq_ignore_ascii_case(value))
    {
        return None;
    }
    let described = origin.describe();
    let (message, help) = if value.is_empty() {
        (format!("`{KEY}`{described} is empty"), OVERVIEW.to_owned())
    } else if value.contains("://") {
        // A login URL pasted whole: offer the tenant segment when there is one.
        let segment = value
            .split('/')
            .skip(3)
            .find(|segment| is_tenant(segment) && !segment.contains("microsoftonline"));
        (
            format!("`{KEY}`{described} is a URL, not a tenant id or domain"),
            match segment {
                Some(segment) => format!("write only the tenant: `{segment}`"),
                None => OVERVIEW.to_owned(),
            },
        )
    } else {
        (
            format!("`{KEY}`{described} is neither a GUID nor a domain name"),
            format!(
                "{OVERVIEW}, or use a verified domain of the tenant such as `contoso.onmicrosoft.com`"
            ),
        )
    };
    Some(Finding::new(Code::TenantInvalid, KEY, message).help(with_origin(help, origin)))
}

pub fn check(record: &Record) -> Vec<Finding> {
    record
        .texts_of(KeyKind::Tenant)
        .filter_map(|(key, value)| judge(value, &record.origin(key)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(judge(value, &Origin::Literal), None, "{value}");
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
            let finding = judge(value, &Origin::Literal);
            assert_eq!(
                finding.as_ref().map(|finding| finding.code),
                Some(Code::TenantInvalid),
                "{value}"
            );
        }
        let help = judge(
            "https://login.microsoftonline.com/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/v2.0",
            &Origin::Literal,
        )
        .and_then(|finding| finding.help)
        .unwrap_or_default();
        assert!(
            help.contains("`9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d`"),
            "{help}"
        );
    }
}
