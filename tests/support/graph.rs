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
