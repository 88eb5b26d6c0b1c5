//! `client-id/*`: the Application (client) ID of the Entra app registration, a GUID.

use super::{
    Finding, Placeholder, chars, guid_in_other_form, is_guid, placeholder, values, with_origin,
};
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

/// The first character that keeps a value from being a GUID, with what a GUID has in its place:
/// an invisible or non-ASCII character anywhere, or, in a value of a GUID's 36 characters, the
/// first that is not a hexadecimal digit where one belongs or not `-` where the dash belongs.
fn offending_character(value: &str) -> Option<(usize, char, &'static str)> {
    if let Some((position, c)) = chars::first(value, |c| !c.is_ascii() || chars::is_invisible(c)) {
        let expected = if value.chars().count() == 36 {
            expected_at(position - 1)
        } else {
            "nothing of the kind"
        };
        return Some((position, c, expected));
    }
    if value.len() != 36 {
        return None;
    }
    value.chars().enumerate().find_map(|(index, c)| {
        let expected = expected_at(index);
        let fits = if matches!(index, 8 | 13 | 18 | 23) {
            c == '-'
        } else {
            c.is_ascii_hexdigit()
        };
        (!fits).then_some((index + 1, c, expected))
    })
}

/// What a GUID has at a 0-based position.
fn expected_at(index: usize) -> &'static str {
    if matches!(index, 8 | 13 | 18 | 23) {
        "`-`"
    } else {
        "a hexadecimal digit (0-9, a-f)"
    }
}

/// The GUID a value is when its odd characters are read as what they look like (the letter `O`
/// for a zero, an en dash for `-`, full-width digits, invisible characters dropped), if it is
/// one: the one right value, which help texts give and a fix can write.
pub fn corrected(value: &str) -> Option<String> {
    let read: String = value
        .chars()
        .filter(|c| !chars::is_invisible(*c))
        .map(|c| match c {
            'O' | 'o' => '0',
            other => chars::ascii_look_alike(other).unwrap_or(other),
        })
        .collect();
    (read != value && is_guid(&read)).then_some(read)
}

/// Whether two texts start with the same byte in either letter case (or are both empty): what
/// `eq_ignore_ascii_case` asks of the first byte, asked alone.
fn same_first_byte(a: &str, b: &str) -> bool {
    let first = |text: &str| text.as_bytes().first().map(u8::to_ascii_lowercase);
    first(a) == first(b)
}

/// Judges a `clientId` value as written (it is cleaned here). At most one finding: the most
/// specific diagnosis wins. `tenant`: the record's `tenantId`, to compare with.
pub fn judge(
    raw: &str,
    origin: &Origin,
    profile: &Profile,
    tenant: Option<&str>,
) -> Option<Finding> {
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
    // A GUID is never a placeholder (`placeholder` says so first): most ids are asked once.
    let guid = is_guid(value);
    if let Some(kind) = (!guid).then(|| placeholder(value)).flatten() {
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
    if guid {
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
            // The first byte first: most ids differ from every well-known one right there.
            .find(|wrong| same_first_byte(value, wrong.id) && value.eq_ignore_ascii_case(wrong.id))
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
        if tenant
            .map(values::cleaned)
            .is_some_and(|tenant| tenant.eq_ignore_ascii_case(value))
        {
            return Some(
                Finding::new(
                    Code::ClientIdEqualsTenantId,
                    KEY,
                    format!(
                        "`{KEY}`{described} is the same GUID as `tenantId`: the Directory (tenant) ID, not the Application (client) ID"
                    ),
                )
                .help(with_origin(
                    format!(
                        "the app's Overview page shows both, the Directory (tenant) ID one line below the Application (client) ID; {OVERVIEW}"
                    ),
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
    } else if let Some((position, c, expected)) = offending_character(value) {
        let what = if c.is_ascii() && !chars::is_invisible(c) {
            format!("`{c}` at character {position}")
        } else {
            chars::name_at(c, position)
        };
        let invisible = if chars::is_invisible(c) {
            " (invisible)"
        } else {
            ""
        };
        let guess = match c {
            'O' | 'o' => ": a letter O for a zero?",
            _ => "",
        };
        let place = if expected == "nothing of the kind" {
            "; a GUID is plain ASCII".to_owned()
        } else {
            format!(" where a GUID has {expected}{guess}")
        };
        (
            format!("`{KEY}`{described} is not a GUID: it has {what}{invisible}{place}"),
            match corrected(value) {
                Some(guid) => format!("write `{guid}`"),
                None => OVERVIEW.to_owned(),
            },
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
    let tenant = record
        .texts_of(KeyKind::Tenant)
        .next()
        .map(|(_, tenant)| tenant);
    record
        .texts_of(KeyKind::ClientId)
        .filter_map(|(key, value)| judge(value, record.origin(key), record.profile, tenant))
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
        judge(value, &Origin::Literal, &AZURE_DEVOPS, None).map(|finding| finding.code)
    }

    /// The shortcut in `judge`: what `is_guid` accepts, `placeholder` never takes.
    #[test]
    fn guids_are_never_placeholders() {
        for value in [
            "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
            "3F2B8C1E-7D4A-4B6E-9C2F-1A5E8D7B6C40",
            NIL_GUID,
            "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
            "abc12345-dead-beef-cafe-123456789abc",
        ] {
            assert!(is_guid(value), "{value}");
            assert_eq!(placeholder(value), None, "{value}");
        }
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
            None,
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
        let finding = judge(secret, &Origin::Literal, &AZURE_DEVOPS, None);
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
                let finding = judge(id, &Origin::Literal, profile, None);
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
        let finding = judge("nope", &origin, &AZURE_DEVOPS, None);
        assert!(finding.is_some_and(|finding| finding.message.contains("`${AZDO_CLIENT_ID}`")));
    }

    #[test]
    fn first_party_apps_are_not_your_app() {
        use crate::connectors::entra::{
            AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID, VISUAL_STUDIO_APP_ID,
        };
        for profile in crate::connectors::PROFILES {
            for (id, name) in [
                (AZURE_CLI_APP_ID, "Azure CLI"),
                (AZURE_POWERSHELL_APP_ID, "Azure PowerShell"),
                (VISUAL_STUDIO_APP_ID, "Visual Studio"),
            ] {
                let finding = judge(&id.to_ascii_uppercase(), &Origin::Literal, profile, None);
                assert_eq!(
                    finding.as_ref().map(|finding| finding.code),
                    Some(Code::ClientIdResourceAppId),
                    "{id}"
                );
                assert!(finding.is_some_and(|finding| finding.message.contains(name)));
            }
        }
    }

    #[test]
    fn the_tenant_id_is_not_the_client_id() {
        let tenant = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
        for profile in crate::connectors::PROFILES {
            let finding = judge(
                &tenant.to_ascii_uppercase(),
                &Origin::Literal,
                profile,
                Some(tenant),
            );
            assert_eq!(
                finding.map(|finding| finding.code),
                Some(Code::ClientIdEqualsTenantId)
            );
            // A different tenant, or one given as a domain, is no finding.
            assert_eq!(
                judge(
                    "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
                    &Origin::Literal,
                    profile,
                    Some(tenant)
                ),
                None
            );
            assert_eq!(
                judge(
                    tenant,
                    &Origin::Literal,
                    profile,
                    Some("contoso.onmicrosoft.com")
                ),
                None
            );
        }
    }

    #[test]
    fn the_offending_character_is_named() {
        for (value, named, corrected_to) in [
            (
                "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6cO0",
                "`O` at character 35 where a GUID has a hexadecimal digit (0-9, a-f): a letter O for a zero?",
                Some("3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c00"),
            ),
            (
                "3f2b8c1e\u{2013}7d4a-4b6e-9c2f-1a5e8d7b6c40",
                "U+2013 EN DASH at character 9 where a GUID has `-`",
                Some("3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40"),
            ),
            (
                "\u{FF13}f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
                "U+FF13 FULLWIDTH DIGIT THREE at character 1 where a GUID has a hexadecimal digit",
                Some("3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40"),
            ),
            (
                "3f2b8c1e-\u{200B}7d4a-4b6e-9c2f-1a5e8d7b6c40",
                "U+200B ZERO WIDTH SPACE at character 10 (invisible); a GUID is plain ASCII",
                Some("3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40"),
            ),
            (
                "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6cxy",
                "`x` at character 35 where a GUID has a hexadecimal digit",
                None,
            ),
        ] {
            let finding = judge(value, &Origin::Literal, &AZURE_DEVOPS, None);
            let finding = finding.unwrap_or_else(|| panic!("{value}: no finding"));
            assert_eq!(finding.code, Code::ClientIdNotGuid);
            assert!(finding.message.contains(named), "{}", finding.message);
            assert!(
                !finding.message.contains("truncated"),
                "{}",
                finding.message
            );
            assert_eq!(corrected(value).as_deref(), corrected_to, "{value}");
            if let Some(guid) = corrected_to {
                assert!(
                    finding
                        .help
                        .unwrap_or_default()
                        .contains(&format!("`{guid}`"))
                );
                assert_eq!(judge(guid, &Origin::Literal, &AZURE_DEVOPS, None), None);
            }
        }
        // A value of the wrong length, all hexadecimal digits and dashes, is still "truncated?".
        let short = judge(
            "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c4",
            &Origin::Literal,
            &AZURE_DEVOPS,
            None,
        );
        assert!(short.is_some_and(|finding| finding.message.contains("35 characters")));
    }
}
