//! `appmixer:microsoft:dynamics`, from `src/appmixer/microsoft/dynamics/auth.js` and
//! `dynamics-commons.js` of `clientIO/appmixer-connectors`: the v1 endpoints
//! (`/common/oauth2/authorize?resource=…`), whose consent is static (the app must list Dynamics
//! CRM's `user_impersonation`), and three cache TTLs in milliseconds read from the configuration.
//! The engine builds the callback from the second segment of the id: `/auth/microsoft/callback`.

use super::{
    AccountType, DYNAMICS_CRM_APP_ID, EndpointVersion, Key, KeyKind, Permission, ProbeTarget,
    Profile, SignIn, WELL_KNOWN_ID_COUNT, WrongClientId, well_known_ids,
};
use crate::catalogue::{Code, Severity};

static WRONG_CLIENT_IDS: [WrongClientId; WELL_KNOWN_ID_COUNT] =
    well_known_ids(Code::ClientIdResourceAppId);

/// The cache TTL keys share their meaning: the connector falls back to its default when unset.
const fn ttl(name: &'static str, title: &'static str, description: &'static str) -> Key {
    Key {
        name,
        kind: KeyKind::Milliseconds,
        required: false,
        read_by_appmixer: true,
        title,
        description,
    }
}

pub static DYNAMICS: Profile = Profile {
    service_id: "appmixer:microsoft:dynamics",
    name: "Microsoft Dynamics 365",
    products: "",
    secret_variable: "DYNAMICS_CLIENT_SECRET",
    keys: &[
        Key {
            name: "serviceId",
            kind: KeyKind::ServiceId,
            required: false,
            read_by_appmixer: true,
            title: "Service id",
            description: "The Appmixer service this configuration belongs to: exactly `appmixer:microsoft:dynamics`. Optional in a file holding one record; required in a list of records (the `GET /service-config` shape).",
        },
        Key {
            name: "clientId",
            kind: KeyKind::ClientId,
            required: true,
            read_by_appmixer: true,
            title: "Application (client) ID",
            description: "The Application (client) ID of the Entra app registration: a GUID, on the app's Overview page in Microsoft Entra ID. May be a `${NAME}` environment reference.",
        },
        Key {
            name: "clientSecret",
            kind: KeyKind::ClientSecret,
            required: true,
            read_by_appmixer: true,
            title: "Client secret (Value)",
            description: "The client secret's **Value** (not its Secret ID), from Certificates & secrets of the app registration; it is shown only once, right after creation. Prefer a `${NAME}` environment reference such as `${DYNAMICS_CLIENT_SECRET}` over writing it in the file.",
        },
        Key {
            name: "callbackUrl",
            kind: KeyKind::Callback,
            required: false,
            read_by_appmixer: true,
            title: "Callback URL override",
            description: "Appmixer's per-service override of the OAuth callback URL it sends to Entra: `<Appmixer API URL>/auth/microsoft/callback` (the engine takes the second segment of the service id).",
        },
        ttl(
            "listOutportCacheTTL",
            "Output port cache TTL (ms)",
            "How long, in milliseconds, the connector caches the output ports it reads from Dataverse. A non-negative number; the connector's default when unset or 0.",
        ),
        ttl(
            "listLookupOptionsCacheTTL",
            "Lookup options cache TTL (ms)",
            "How long, in milliseconds, the connector caches lookup options. A non-negative number; the connector's default when unset or 0.",
        ),
        ttl(
            "listInspectorCacheTTL",
            "Inspector cache TTL (ms)",
            "How long, in milliseconds, the connector caches the inspector's input ports. A non-negative number; the connector's default when unset or 0.",
        ),
        Key {
            name: "tenantId",
            kind: KeyKind::Tenant,
            required: false,
            read_by_appmixer: false,
            title: "Directory (tenant) ID",
            description: "The app's home tenant (a GUID, or a verified domain such as `contoso.onmicrosoft.com`), on the app's Overview page, used by `connector-lint check --probe` and its registration check. The connector signs each user in through the tenant they give when connecting, or its default; whether it also reads a Backoffice `tenantId` is not documented.",
        },
    ],
    callback_path: "/auth/microsoft/callback",
    extra_redirect_paths: &[],
    sign_in: SignIn {
        version: EndpointVersion::V1,
        default_tenant: "common",
        authority: "https://login.microsoftonline.com",
        personal_accounts: false,
    },
    probe: ProbeTarget {
        scope: "00000007-0000-0000-c000-000000000000/.default",
        resource: "Dynamics CRM",
        resource_missing_help: "Check that `{tenant}` is a tenant with a Dynamics 365 or Dataverse environment (Power Platform admin center > Environments), and probe that tenant.",
    },
    wrong_client_ids: &WRONG_CLIENT_IDS,
    account_types: &[
        AccountType {
            audience: "AzureADMultipleOrgs",
            severity: None,
            when_flag: None,
            why: "users of any organization can sign in",
        },
        AccountType {
            audience: "AzureADandPersonalMicrosoftAccount",
            severity: None,
            when_flag: None,
            why: "users of any organization can sign in",
        },
        AccountType {
            audience: "AzureADMyOrg",
            severity: Some(Severity::Error),
            when_flag: None,
            why: "the connector signs in through `common`, which a single-tenant app refuses (AADSTS50194)",
        },
        AccountType {
            audience: "PersonalMicrosoftAccount",
            severity: Some(Severity::Error),
            when_flag: None,
            why: "Dynamics 365 needs a work or school account, which this app does not accept",
        },
    ],
    permission: Some(Permission {
        resource_app_id: DYNAMICS_CRM_APP_ID,
        resource: "Dynamics CRM",
        scope_id: "78ce3f0f-a1ce-49c2-8cde-64b5c0896db4",
        scope: "user_impersonation",
        severity: Severity::Error,
        why: "the connector signs in through the v1 endpoint, whose consent covers only the permissions the app lists: without it the first sign-in fails with AADSTS650057",
    }),
};
