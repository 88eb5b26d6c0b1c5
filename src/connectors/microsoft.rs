//! `appmixer:microsoft` (Teams, Outlook, Calendar, OneDrive, SharePoint, Excel), from
//! `src/appmixer/microsoft/auth.js`, `plugin.js` and `microsoft-commons.js` of
//! `clientIO/appmixer-connectors`: v2.0 endpoints on `login.microsoftonline.com`, tenant `common`
//! unless `microsoftTenant` is on (then each account names its tenant), scopes asked per
//! component (no static permission needed), `redirectUri` handed to the OneDrive/SharePoint file
//! picker, `outputFilePrefix` for CSV exports.

use super::{
    AccountType, EndpointVersion, Key, KeyKind, ProbeTarget, Profile, SignIn, WELL_KNOWN_ID_COUNT,
    WrongClientId, well_known_ids,
};
use crate::catalogue::{Code, Severity};

static WRONG_CLIENT_IDS: [WrongClientId; WELL_KNOWN_ID_COUNT] =
    well_known_ids(Code::ClientIdResourceAppId);

pub static MICROSOFT: Profile = Profile {
    service_id: "appmixer:microsoft",
    name: "Microsoft",
    products: "Teams, Outlook, Calendar, OneDrive, SharePoint, Excel",
    secret_variable: "MICROSOFT_CLIENT_SECRET",
    keys: &[
        Key {
            name: "serviceId",
            kind: KeyKind::ServiceId,
            required: false,
            read_by_appmixer: true,
            title: "Service id",
            description: "The Appmixer service this configuration belongs to: exactly `appmixer:microsoft`. Optional in a file holding one record; required in a list of records (the `GET /service-config` shape).",
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
            description: "The client secret's **Value** (not its Secret ID), from Certificates & secrets of the app registration; it is shown only once, right after creation. Prefer a `${NAME}` environment reference such as `${MICROSOFT_CLIENT_SECRET}` over writing it in the file.",
        },
        Key {
            name: "microsoftTenant",
            kind: KeyKind::Flag,
            required: false,
            read_by_appmixer: true,
            title: "Ask each account for its tenant",
            description: "`true` to let each user name the Entra tenant to sign in to (`common`, `organizations`, `consumers` or a tenant id) when connecting an account; otherwise the connector signs in through `common`. A boolean, or the string `true`/`false` in any letter case.",
        },
        Key {
            name: "redirectUri",
            kind: KeyKind::Url,
            required: false,
            read_by_appmixer: true,
            title: "File picker redirect URI",
            description: "The redirect URI the OneDrive/SharePoint file picker uses, by default `<Appmixer API URL>/plugins/appmixer/microsoft/onedrive/picker`. Not the OAuth callback (that is `<Appmixer API URL>/auth/microsoft/callback`). `https` only (`http://localhost` for development).",
        },
        Key {
            name: "callbackUrl",
            kind: KeyKind::Callback,
            required: false,
            read_by_appmixer: true,
            title: "Callback URL override",
            description: "Appmixer's per-service override of the OAuth callback URL it sends to Entra: `<Appmixer API URL>/auth/microsoft/callback`.",
        },
        Key {
            name: "outputFilePrefix",
            kind: KeyKind::Text,
            required: false,
            read_by_appmixer: true,
            title: "Output file prefix",
            description: "Prefix of the file names the connector gives to CSV exports (default `microsoft-export`).",
        },
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
    extra_redirect_paths: &["/plugins/appmixer/microsoft/onedrive/picker"],
    sign_in: SignIn {
        version: EndpointVersion::V2,
        default_tenant: "common",
        authority: "https://login.microsoftonline.com",
        personal_accounts: true,
    },
    probe: ProbeTarget {
        scope: "https://graph.microsoft.com/.default",
        resource: "Microsoft Graph",
        resource_missing_help: "Every Entra tenant has Microsoft Graph: check that `{tenant}` is the app's home tenant (the Directory (tenant) ID on the app's Overview page).",
    },
    wrong_client_ids: &WRONG_CLIENT_IDS,
    account_types: &[
        AccountType {
            audience: "AzureADandPersonalMicrosoftAccount",
            severity: None,
            when_flag: None,
            why: "the connector signs in through `common`, which takes work, school and personal accounts",
        },
        AccountType {
            audience: "AzureADMultipleOrgs",
            severity: Some(Severity::Info),
            when_flag: None,
            why: "only work and school accounts can connect; personal Microsoft accounts (Outlook.com, OneDrive personal) are refused",
        },
        AccountType {
            audience: "AzureADMyOrg",
            severity: Some(Severity::Error),
            when_flag: Some(("microsoftTenant", Some(Severity::Warning))),
            why: "the connector signs in through `common`, which a single-tenant app refuses (AADSTS50194); with `microsoftTenant` on, only accounts that name this tenant can connect",
        },
        AccountType {
            audience: "PersonalMicrosoftAccount",
            severity: Some(Severity::Error),
            when_flag: None,
            why: "work and school accounts (Teams, SharePoint) cannot sign in to a personal-accounts-only app",
        },
    ],
    permission: None,
};
