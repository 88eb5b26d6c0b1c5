//! `appmixer:azuredevops`. The connector's `auth.js` is not in the public snapshot of
//! `clientIO/appmixer-connectors` read for this profile (June 2025); its facts are the SPEC's: the
//! v2.0 endpoints with the account's `tenantId` or `organizations`, the Azure DevOps resource's
//! delegated `user_impersonation`, and the engine's callback `/auth/azuredevops/callback`.

use super::{
    AZURE_DEVOPS_APP_ID, AccountType, EndpointVersion, Key, KeyKind, Permission, ProbeTarget,
    Profile, SignIn, WELL_KNOWN_ID_COUNT, WrongClientId, well_known_ids,
};
use crate::catalogue::{Code, Severity};

static WRONG_CLIENT_IDS: [WrongClientId; WELL_KNOWN_ID_COUNT] =
    well_known_ids(Code::ClientIdAzureDevopsResource);

pub static AZURE_DEVOPS: Profile = Profile {
    service_id: "appmixer:azuredevops",
    name: "Azure DevOps",
    products: "",
    secret_variable: "AZDO_CLIENT_SECRET",
    keys: &[
        Key {
            name: "serviceId",
            kind: KeyKind::ServiceId,
            required: false,
            read_by_appmixer: true,
            title: "Service id",
            description: "The Appmixer service this configuration belongs to: exactly `appmixer:azuredevops`. Optional in a file holding one record; required in a list of records (the `GET /service-config` shape).",
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
            description: "The client secret's **Value** (not its Secret ID), from Certificates & secrets of the app registration; it is shown only once, right after creation. Prefer a `${NAME}` environment reference such as `${AZDO_CLIENT_SECRET}` over writing it in the file.",
        },
        Key {
            name: "redirectUri",
            kind: KeyKind::Callback,
            required: false,
            read_by_appmixer: false,
            title: "Redirect URI",
            description: "The Web redirect URI registered on the Entra app: `<Appmixer API URL>/auth/azuredevops/callback`, e.g. `https://api.acme.appmixer.cloud/auth/azuredevops/callback`. `https` only (`http://localhost` for development).",
        },
        Key {
            name: "callbackUrl",
            kind: KeyKind::Callback,
            required: false,
            read_by_appmixer: true,
            title: "Callback URL override",
            description: "Appmixer's per-service override of the OAuth callback URL it sends to Entra. Same rules as `redirectUri`, and must equal it when both are set.",
        },
        Key {
            name: "outputFilePrefix",
            kind: KeyKind::Text,
            required: false,
            read_by_appmixer: true,
            title: "Output file prefix",
            description: "Prefix of the file names the connector gives to CSV exports.",
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
    callback_path: "/auth/azuredevops/callback",
    extra_redirect_paths: &[],
    sign_in: SignIn {
        version: EndpointVersion::V2,
        default_tenant: "organizations",
        authority: "https://login.microsoftonline.com",
        personal_accounts: false,
    },
    probe: ProbeTarget {
        scope: "499b84ac-1321-427f-aa17-267ca6975798/.default",
        resource: "Azure DevOps",
        resource_missing_help: "Check that `{tenant}` is the tenant your Azure DevOps organization is connected to (Azure DevOps > Organization settings > Microsoft Entra), and probe that tenant.",
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
            why: "the connector signs in through `organizations`, which a single-tenant app refuses (AADSTS50194)",
        },
        AccountType {
            audience: "PersonalMicrosoftAccount",
            severity: Some(Severity::Error),
            when_flag: None,
            why: "Azure DevOps needs a work or school account, which this app does not accept",
        },
    ],
    permission: Some(Permission {
        resource_app_id: AZURE_DEVOPS_APP_ID,
        resource: "Azure DevOps",
        scope_id: "ee69721e-6c3a-468f-a9ec-302d16a4c599",
        scope: "user_impersonation",
        severity: Severity::Warning,
        why: "the v2.0 endpoint can still ask for it at sign-in, but admins of customer tenants see an unlisted permission only then, and admin consent ahead of time is impossible",
    }),
};
