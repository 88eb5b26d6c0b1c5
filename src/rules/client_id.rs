//! `client-id/*`: the Application (client) ID of the Entra app registration, a GUID.

use super::{Finding, Placeholder, guid_in_other_form, is_guid, placeholder, values, with_origin};
use crate::catalogue::Code;
use crate::connectors::{KeyKind, Profile};
use crate::record::{Origin, Record};

const KEY: &str = "clientId";

/// The nil GUID, a placeholder that passes any GUID pattern.
pub const NIL_GUID: &str = "00000000-0000-0000-0000-000000000000";

const OVERVIEW: &str = "copy the Application (client) ID from the Overview page of your app registration (Microsoft Entra ID > App registrations)";

/// Whether a value has the shape of a current Entra client secret (`xxxdQ~...`): such a value in
/// `clientId` means the two fields were swapped, and must not be quoted in a message.
fn looks_like_current_secret(value: &str) -> bool {
    super::client_secret::is_current_format(value)
}

/// Judges a `clientId` value as written (it is cleaned here). At most one finding: the most
/// specific diagnosis wins.
pub fn judge(raw: &str, origin: &Origin, profile: &Profile) -> Option<Finding> {
    let value = values::cleaned(raw);
    let described = origin.describe();
    if value.is_empty() {
        return Some(
            Finding::new(
                Code::ClientIdNotGuid,
                KEY,
                format!("`{KEY}`{described} is empty"),
            )
            .help(with_origin(OVERVIEW, origin)),
        );
    }
    if let Some(kind) = placeholder(value) {
        let message = match kind {
            Placeholder::UnresolvedReference(syntax) => format!(
                "`{KEY}`{described} is {syntax}, which is not substituted (only `${{NAME}}` is)"
            ),
            Placeholder::Masked => format!("`{KEY}`{described} is a masked copy (`****`)"),
            Placeholder::Template => {
                format!("`{KEY}`{described} is a template value that was never filled in")
            }
        };
        let help = match kind {
            Placeholder::UnresolvedReference(_) => {
                "write the id itself, or reference the environment as `${NAME}`".to_owned()
            }
            _ => format!("replace it: {OVERVIEW}"),
        };
        return Some(Finding::new(Code::ClientIdPlaceholder, KEY, message).help(help));
    }
    if is_guid(value) {
        if value == NIL_GUID {
            return Some(
                Finding::new(
                    Code::ClientIdNilGuid,
                    KEY,
                    format!("`{KEY}`{described} is the nil GUID, a placeholder"),
                )
                .help(with_origin(OVERVIEW, origin)),
            );
        }
        if let Some(wrong) = profile
            .wrong_client_ids
            .iter()
            .find(|wrong| value.eq_ignore_ascii_case(wrong.id))
        {
            return Some(
                Finding::new(
                    wrong.code,
                    KEY,
                    format!(
                        "`{KEY}`{described} is `{}`, the id of {} itself, not of your app",
                        wrong.id, wrong.name
                    ),
                )
                .help(with_origin(
                    format!("this id appears {}; {OVERVIEW}", wrong.seen),
                    origin,
                )),
            );
        }
        return None;
    }
    // Not a GUID: say why as precisely as the value allows, without quoting anything that may
    // be a secret.
    let (message, help) = if let Some(canonical) = guid_in_other_form(value) {
        (
            format!(
                "`{KEY}`{described} is a GUID in another notation, not in the form Entra shows"
            ),
            format!("write it as `{canonical}`"),
        )
    } else if looks_like_current_secret(value) {
        (
            format!(
                "`{KEY}`{described} looks like a client secret Value, not an id: are `clientId` and `clientSecret` swapped?"
            ),
            format!(
                "put the secret Value into `clientSecret` (better: `${{{}}}`), then {OVERVIEW}",
                profile.secret_variable
            ),
        )
    } else if value.starts_with("api://") || value.starts_with("https://") {
        (
            format!(
                "`{KEY}`{described} is a URI (the Application ID URI?), not the Application (client) ID"
            ),
            OVERVIEW.to_owned(),
        )
    } else {
        let length = value.chars().count();
        let hint = if (30..=40).contains(&length) && value.contains('-') {
            format!(" ({length} characters; a GUID has 36: truncated or mistyped?)")
        } else {
            String::new()
        };
        (
            format!(
                "`{KEY}`{described} is not a GUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`){hint}"
            ),
            OVERVIEW.to_owned(),
        )
    };
    Some(Finding::new(Code::ClientIdNotGuid, KEY, message).help(with_origin(help, origin)))
}

pub fn check(record: &Record) -> Vec<Finding> {
    record
        .texts_of(KeyKind::ClientId)
        .filter_map(|(key, value)| judge(value, &record.origin(key), record.profile))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::{
        AZURE_DEVOPS, AZURE_DEVOPS_APP_ID, DYNAMICS, DYNAMICS_CRM_APP_ID, MICROSOFT,
        MICROSOFT_GRAPH_APP_ID,
    };

    fn code(value: &str) -> Option<Code> {
        judge(value, &Origin::Literal, &AZURE_DEVOPS).map(|finding| finding.code)
    }

    #[test]
    fn real_ids_pass() {
        for value in [
            "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
            "3F2B8C1E-7D4A-4B6E-9C2F-1A5E8D7B6C40",
            " 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\n",
            "\"3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\"",
        ] {
            assert_eq!(code(value), None, "{value:?}");
        }
    }

    #[test]
    fn not_guid() {
        for value in [
            "",
            "  ",
            "3f2b8c1e7d4a4b6e9c2f1a5e8d7b6c40",
            "{3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40}",
            "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c4",
            "api://3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
            "my-app",
            "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a",
        ] {
            assert_eq!(code(value), Some(Code::ClientIdNotGuid), "{value:?}");
        }
        let dashless = judge(
            "3f2b8c1e7d4a4b6e9c2f1a5e8d7b6c40",
            &Origin::Literal,
            &AZURE_DEVOPS,
        );
        assert!(
            dashless
                .and_then(|finding| finding.help)
                .unwrap_or_default()
                .contains("`3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40`")
        );
    }

    #[test]
    fn a_swapped_secret_is_not_quoted() {
        let secret = "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a";
        let finding = judge(secret, &Origin::Literal, &AZURE_DEVOPS);
        let finding = finding.as_ref();
        assert!(finding.is_some_and(|finding| finding.message.contains("swapped")));
        assert!(finding.is_some_and(|finding| !finding.message.contains("dEfG")));
    }

    #[test]
    fn specific_guids() {
        assert_eq!(code(NIL_GUID), Some(Code::ClientIdNilGuid));
        assert_eq!(
            code(AZURE_DEVOPS_APP_ID),
            Some(Code::ClientIdAzureDevopsResource)
        );
        assert_eq!(
            code(&AZURE_DEVOPS_APP_ID.to_ascii_uppercase()),
            Some(Code::ClientIdAzureDevopsResource)
        );
        for id in [MICROSOFT_GRAPH_APP_ID, DYNAMICS_CRM_APP_ID] {
            assert_eq!(code(id), Some(Code::ClientIdResourceAppId), "{id}");
        }
        // Another connector: Azure DevOps's id is one resource among the others.
        for profile in [&MICROSOFT, &DYNAMICS] {
            for id in [
                AZURE_DEVOPS_APP_ID,
                MICROSOFT_GRAPH_APP_ID,
                DYNAMICS_CRM_APP_ID,
            ] {
                let finding = judge(id, &Origin::Literal, profile);
                assert_eq!(
                    finding.map(|finding| finding.code),
                    Some(Code::ClientIdResourceAppId),
                    "{id}"
                );
            }
        }
    }

    #[test]
    fn placeholders() {
        for value in [
            "YOUR_CLIENT_ID",
            "<client-id>",
            "changeme",
            "xxx",
            "TODO",
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
            "$AZDO_CLIENT_ID",
        ] {
            assert_eq!(code(value), Some(Code::ClientIdPlaceholder), "{value}");
        }
    }

    #[test]
    fn environment_origin_is_named() {
        let origin = Origin::Environment(vec!["AZDO_CLIENT_ID".into()]);
        let finding = judge("nope", &origin, &AZURE_DEVOPS);
        assert!(finding.is_some_and(|finding| finding.message.contains("`${AZDO_CLIENT_ID}`")));
    }
}
