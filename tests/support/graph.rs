//! Microsoft Graph answers for the registration tests, shaped as the Graph documentation shows
//! them (`api-reference/v1.0/resources/application.md`, `passwordcredential.md`,
//! `serviceprincipal.md`, and the `GET /applications` examples): `@odata.context`, properties the
//! checks never read, `null`s where a property is unset, `redirectUriSettings` beside
//! `redirectUris`, several password credentials. Every id is synthetic.

use serde_json::{Value, json};
use time::OffsetDateTime;

/// An ISO 8601 date-time `days` from now (negative: in the past), as Graph writes them (seven
/// fraction digits, `Z`).
pub fn days_from_now(days: i64) -> String {
    let when = OffsetDateTime::now_utc() + time::Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.1234567Z",
        when.year(),
        u8::from(when.month()),
        when.day(),
        when.hour(),
        when.minute(),
        when.second()
    )
}

/// A password credential as Graph lists it: `secretText` null, `hint` the first three characters.
pub fn credential(hint: &str, key_id: &str, description: &str, end: &str) -> Value {
    json!({
        "customKeyIdentifier": null,
        "displayName": description,
        "endDateTime": end,
        "hint": hint,
        "keyId": key_id,
        "secretText": null,
        "startDateTime": days_from_now(-200)
    })
}

/// A complete application object that matches the Azure DevOps setup guide for `callback`, with
/// the secret whose hint is `hint` valid for a year, and an older, expired one.
pub fn application(app_id: &str, callback: &str, hint: &str) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications(appId,displayName,signInAudience,web,spa,publicClient,requiredResourceAccess,passwordCredentials,isFallbackPublicClient,disabledByMicrosoftStatus)/$entity",
        "id": "03ef14b0-ca33-4840-8f4f-d6e91916010e",
        "deletedDateTime": null,
        "appId": app_id,
        "applicationTemplateId": null,
        "createdDateTime": "2024-09-17T19:10:35.2742618Z",
        "displayName": "Appmixer Azure DevOps",
        "description": null,
        "disabledByMicrosoftStatus": null,
        "groupMembershipClaims": null,
        "identifierUris": [],
        "isDeviceOnlyAuthSupported": null,
        "isFallbackPublicClient": null,
        "notes": null,
        "publisherDomain": "contoso.onmicrosoft.com",
        "signInAudience": "AzureADMultipleOrgs",
        "tags": [],
        "tokenEncryptionKeyId": null,
        "api": {
            "requestedAccessTokenVersion": 2,
            "acceptMappedClaims": null,
            "knownClientApplications": [],
            "oauth2PermissionScopes": [],
            "preAuthorizedApplications": []
        },
        "appRoles": [],
        "info": {"logoUrl": null, "marketingUrl": null, "privacyStatementUrl": null, "supportUrl": null, "termsOfServiceUrl": null},
        "keyCredentials": [],
        "parentalControlSettings": {"countriesBlockedForMinors": [], "legalAgeGroupRule": "Allow"},
        "passwordCredentials": [
            credential("Old", "5f2b1c3d-0000-4000-8000-000000000001", "first secret", &days_from_now(-20)),
            credential(hint, "5f2b1c3d-0000-4000-8000-000000000002", "appmixer production", &days_from_now(365))
        ],
        "publicClient": {"redirectUris": []},
        "requiredResourceAccess": [
            {
                "resourceAppId": "00000003-0000-0000-c000-000000000000",
                "resourceAccess": [{"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope"}]
            },
            {
                "resourceAppId": "499b84ac-1321-427f-aa17-267ca6975798",
                "resourceAccess": [{"id": "ee69721e-6c3a-468f-a9ec-302d16a4c599", "type": "Scope"}]
            }
        ],
        "spa": {"redirectUris": []},
        "web": {
            "homePageUrl": null,
            "logoutUrl": null,
            "redirectUris": [callback],
            "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false},
            "redirectUriSettings": [{"uri": callback, "index": null}]
        }
    })
}

/// The service principal of an app, as `GET /servicePrincipals(appId='…')` returns it.
pub fn service_principal(app_id: &str, home_tenant: &str) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
        "id": "59e617e5-e447-4adc-8b88-00af644d7c92",
        "accountEnabled": true,
        "appDisplayName": "Appmixer Azure DevOps",
        "appId": app_id,
        "appOwnerOrganizationId": home_tenant,
        "displayName": "Appmixer Azure DevOps",
        "servicePrincipalType": "Application",
        "signInAudience": "AzureADMultipleOrgs",
        "passwordCredentials": [],
        "tags": []
    })
}

/// A Graph error body (`{"error": {"code", "message", "innerError"}}`).
pub fn error(code: &str, message: &str) -> Value {
    json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": "2026-01-01T00:00:00",
                "request-id": "0c2b5e2a-1111-4222-8333-444455556666",
                "client-request-id": "0c2b5e2a-1111-4222-8333-444455556666"
            }
        }
    })
}

/// The synthetic Graph token the fake Entra issues for the Graph scope (distinct from the
/// connector's token, so a test can tell where each one went).
pub const GRAPH_TOKEN: &str = "eyJ0eXAiOiJKV1QiGRAPH.c3ludGhldGljIGdyYXBoIHRva2Vu.sig";

/// A token answer carrying [`GRAPH_TOKEN`].
pub fn graph_token() -> super::Reply {
    super::Reply::json(
        200,
        serde_json::to_vec(&json!({
            "token_type": "Bearer",
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": GRAPH_TOKEN
        }))
        .unwrap_or_default(),
    )
}

impl super::Request {
    /// A token request for Microsoft Graph (its `scope`).
    pub fn is_graph_token(&self) -> bool {
        self.is_token()
            && self
                .form_value("scope")
                .is_some_and(|scope| scope.contains("graph.microsoft.com"))
    }

    /// `GET /v1.0/applications(appId='…')`.
    pub fn is_application_read(&self) -> bool {
        self.target.starts_with("/v1.0/applications(appId=")
    }

    /// `GET /v1.0/servicePrincipals(appId='…')`.
    pub fn is_principal_read(&self) -> bool {
        self.target.starts_with("/v1.0/servicePrincipals(appId=")
    }
}

/// A fake Entra for the registration tests: discovery, the connector's token (`connector`) and a
/// Graph token (`graph`) told apart by the request's scope.
pub fn entra(connector: super::Reply, graph: super::Reply) -> super::FakeEntra {
    super::FakeEntra::start(move |request, _| {
        if request.is_discovery() {
            super::Reply::discovery()
        } else if request.is_graph_token() {
            graph.clone()
        } else if request.is_token() {
            connector.clone()
        } else {
            super::Reply::new(404, "text/plain", "not found")
        }
    })
}

/// A fake Graph on 127.0.0.1: `handler(request, n)`, where `n` counts the requests of the same
/// endpoint (application reads, service principal reads) from 0.
pub fn start(
    handler: impl Fn(&super::Request, usize) -> super::Reply + Send + Sync + 'static,
) -> super::FakeEntra {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let applications = AtomicUsize::new(0);
    let principals = AtomicUsize::new(0);
    super::FakeEntra::start(move |request, _| {
        let counter = if request.is_principal_read() {
            &principals
        } else {
            &applications
        };
        let n = counter.fetch_add(1, Ordering::SeqCst);
        handler(request, n)
    })
}

/// A Graph body as a JSON reply.
pub fn reply(status: u16, body: &Value) -> super::Reply {
    super::Reply::json(status, serde_json::to_vec_pretty(body).unwrap_or_default())
}
