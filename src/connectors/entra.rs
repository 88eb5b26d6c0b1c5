//! Facts about Microsoft Entra ID itself that every connector's rules share: the well-known
//! application ids that are never an app registration's own client id, the national clouds with
//! their login hosts and tenant domains, and the tenant personal Microsoft accounts live in.
//!
//! Sources (read June 2025 to 2026 in public copies): the client ids of Azure CLI, Azure
//! PowerShell and Visual Studio from Microsoft's Azure Stack Hub documentation (its table of
//! client ids for sign-in) and the public first-party lists that cite Microsoft Learn's "Verify
//! first-party Microsoft applications in sign-in reports"; Azure DevOps's own samples sign in
//! with the Visual Studio id when no app is registered. The login hosts are the ones `--cloud`
//! uses (Microsoft Learn, "National clouds"). The `tid` of personal accounts is from Microsoft's
//! ID token and v2.0 protocol documentation. The initial domains, `*.onmicrosoft.us` (Azure
//! Government, Microsoft 365 GCC High and DoD) and `*.partner.onmschina.cn` (operated by
//! 21Vianet), are from the Microsoft 365 documentation of those clouds.

use super::WrongClientId;
use crate::catalogue::Code;

/// The Azure DevOps resource's application id.
pub const AZURE_DEVOPS_APP_ID: &str = "499b84ac-1321-427f-aa17-267ca6975798";
/// Microsoft Graph's application id.
pub const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// Dynamics CRM's (Dataverse) application id.
pub const DYNAMICS_CRM_APP_ID: &str = "00000007-0000-0000-c000-000000000000";
/// Microsoft Azure CLI's public client id.
pub const AZURE_CLI_APP_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// Microsoft Azure PowerShell's public client id.
pub const AZURE_POWERSHELL_APP_ID: &str = "1950a258-227b-4e31-a9cf-717495945fc2";
/// Visual Studio's public client id.
pub const VISUAL_STUDIO_APP_ID: &str = "872cd9fa-d31f-45e0-9eab-6e460a02d1f1";

/// How many ids [`well_known_ids`] lists.
pub const WELL_KNOWN_ID_COUNT: usize = 6;

/// The well-known Microsoft application ids people paste into `clientId`: the resources listed
/// under API permissions, and Microsoft's own client apps seen in sign-in logs and samples.
/// `own_code_for_azure_devops` is the code the Azure DevOps id is reported under.
pub const fn well_known_ids(
    own_code_for_azure_devops: Code,
) -> [WrongClientId; WELL_KNOWN_ID_COUNT] {
    [
        WrongClientId {
            id: AZURE_DEVOPS_APP_ID,
            name: "Azure DevOps",
            seen: "under API permissions (Azure DevOps, user_impersonation)",
            code: own_code_for_azure_devops,
        },
        WrongClientId {
            id: MICROSOFT_GRAPH_APP_ID,
            name: "Microsoft Graph",
            seen: "under API permissions (Microsoft Graph)",
            code: Code::ClientIdResourceAppId,
        },
        WrongClientId {
            id: DYNAMICS_CRM_APP_ID,
            name: "Dynamics CRM (Dataverse)",
            seen: "under API permissions (Dynamics CRM, user_impersonation)",
            code: Code::ClientIdResourceAppId,
        },
        WrongClientId {
            id: AZURE_CLI_APP_ID,
            name: "Microsoft Azure CLI",
            seen: "in sign-in logs and in scripts that sign in with `az login`",
            code: Code::ClientIdResourceAppId,
        },
        WrongClientId {
            id: AZURE_POWERSHELL_APP_ID,
            name: "Microsoft Azure PowerShell",
            seen: "in sign-in logs and in scripts that sign in with `Connect-AzAccount`",
            code: Code::ClientIdResourceAppId,
        },
        WrongClientId {
            id: VISUAL_STUDIO_APP_ID,
            name: "Visual Studio",
            seen: "in sign-in logs and in Azure DevOps samples that sign in without an app registration of their own",
            code: Code::ClientIdResourceAppId,
        },
    ]
}

/// The tenant personal Microsoft accounts belong to (`tid` in their tokens): what `consumers`
/// signs in to.
pub const CONSUMERS_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// An Entra cloud: where it signs users in and the domain its tenants' initial domains end in.
#[derive(Debug)]
pub struct Cloud {
    /// `Azure Government`
    pub name: &'static str,
    /// What `--cloud` calls it.
    pub probe_name: &'static str,
    /// `https://login.microsoftonline.us`
    pub authority: &'static str,
    /// The initial domains of its tenants end in one of these (`.onmicrosoft.us`).
    pub tenant_domains: &'static [&'static str],
}

/// The clouds, the global one first.
pub static CLOUDS: [Cloud; 3] = [
    Cloud {
        name: "the global Azure cloud",
        probe_name: "public",
        authority: "https://login.microsoftonline.com",
        tenant_domains: &[".onmicrosoft.com"],
    },
    Cloud {
        name: "Azure Government",
        probe_name: "usgov",
        authority: "https://login.microsoftonline.us",
        tenant_domains: &[".onmicrosoft.us"],
    },
    Cloud {
        name: "Azure operated by 21Vianet (China)",
        probe_name: "china",
        authority: "https://login.partner.microsoftonline.cn",
        tenant_domains: &[".partner.onmschina.cn"],
    },
];

/// The cloud a tenant's initial domain belongs to, when the domain tells (a GUID or a custom
/// domain does not).
pub fn cloud_of_tenant_domain(domain: &str) -> Option<&'static Cloud> {
    let lower = domain.trim_end_matches('.').to_ascii_lowercase();
    CLOUDS.iter().find(|cloud| {
        cloud
            .tenant_domains
            .iter()
            .any(|suffix| lower.ends_with(suffix) && lower.len() > suffix.len())
    })
}

/// Hosts of Entra's sign-in and token endpoints, which are never a tenant.
pub const LOGIN_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
    "login.chinacloudapi.cn",
    "login.windows.net",
    "login.microsoft.com",
    "sts.windows.net",
    "login.live.com",
];

/// Whether a host is one of Entra's sign-in hosts.
pub fn is_login_host(host: &str) -> bool {
    let lower = host.trim_end_matches('.').to_ascii_lowercase();
    LOGIN_HOSTS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_ids_are_distinct_guids() {
        let ids = well_known_ids(Code::ClientIdAzureDevopsResource);
        for (index, wrong) in ids.iter().enumerate() {
            assert!(crate::rules::is_guid(wrong.id), "{}", wrong.id);
            assert_eq!(wrong.id, wrong.id.to_ascii_lowercase());
            assert!(ids[..index].iter().all(|other| other.id != wrong.id));
        }
        assert_ne!(CONSUMERS_TENANT_ID, ids[0].id);
    }

    #[test]
    fn clouds_are_told_by_initial_domains() {
        assert_eq!(
            cloud_of_tenant_domain("contoso.onmicrosoft.us").map(|cloud| cloud.probe_name),
            Some("usgov")
        );
        assert_eq!(
            cloud_of_tenant_domain("Contoso.Partner.OnMschina.cn").map(|cloud| cloud.probe_name),
            Some("china")
        );
        assert_eq!(
            cloud_of_tenant_domain("contoso.onmicrosoft.com").map(|cloud| cloud.probe_name),
            Some("public")
        );
        assert!(cloud_of_tenant_domain("contoso.com").is_none());
        assert!(cloud_of_tenant_domain("onmicrosoft.us").is_none());
        assert!(is_login_host("Login.MicrosoftOnline.com"));
        assert!(!is_login_host("contoso.com"));
    }
}
