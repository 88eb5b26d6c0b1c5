//! `client-secret/*`: the client secret's **Value**. The secret is exposed only inside these
//! functions to test it; no message or help ever contains it or any part of it: they describe
//! (length, position of a bad character, shape), never quote.

use secrecy::{ExposeSecret, SecretString};

use super::{
    Finding, Placeholder, chars, current_format_placeholder, guid_in_other_form, is_guid,
    placeholder, values, with_origin,
};
use crate::catalogue::Code;
use crate::connectors::{KeyKind, Profile};
use crate::record::{Origin, Record};

const KEY: &str = "clientSecret";

/// Legacy secrets: 16 to 64 printable characters (printable as C's `isprint`: ASCII space to `~`).
pub const LEGACY_LENGTH: std::ops::RangeInclusive<usize> = 16..=64;

/// Where the secret Value is, for help texts (the page is named in every help; the full
/// navigation path is added once, by `navigation`).
const CERTIFICATES: &str = "Certificates & secrets";

// Helps most records never show: written out (`CERTIFICATES` inside) so that judging a secret
// formats nothing it does not report (a test holds them to `CERTIFICATES`).
const COPY_AGAIN: &str = "copy the Value again from Certificates & secrets (it is shown only once; create a new client secret if you no longer have it)";
const REFILL: &str = "paste the secret Value from Certificates & secrets (it is shown only once, right after creation; create a new client secret if you no longer have it)";

/// The message of `client-secret/plaintext`, which nearly every record with a literal secret gets:
/// written out (`KEY` inside; a test holds it to `KEY`) rather than formatted for each.
const PLAINTEXT: &str = "`clientSecret` is written literally in the file";

/// Appends where the Certificates & secrets page is.
fn navigation(help: String) -> String {
    format!(
        "{help}. Certificates & secrets is a page of the app registration: Microsoft Entra ID > App registrations > your app"
    )
}

/// The current Entra format, exactly as the SPEC states it: 3 characters, a digit, `Q~`, then 31
/// to 34 of `[A-Za-z0-9_~.-]` (the first three are taken from the same alphabet). Checked byte by
/// byte (it is `^[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}$`): every record's secret goes
/// through it, and a regex costs a cache lookup per call.
pub fn is_current_format(value: &str) -> bool {
    let allowed = |byte: &u8| SECRET_ALPHABET[usize::from(*byte)];
    let bytes = value.as_bytes();
    (3 + 1 + 2 + 31..=3 + 1 + 2 + 34).contains(&bytes.len())
        && bytes[..3].iter().all(allowed)
        && bytes[3].is_ascii_digit()
        && &bytes[4..6] == b"Q~"
        && bytes[6..].iter().all(allowed)
}

/// Whether a byte is one of the current format's alphabet, `[A-Za-z0-9_~.-]`, as a table: every
/// record's secret is tested byte by byte (a test holds the table to the character class).
const SECRET_ALPHABET: [bool; 256] = {
    let mut table = [false; 256];
    let mut index = 0;
    while index < table.len() {
        let byte = index as u8;
        table[index] = byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'~' | b'.' | b'-');
        index += 1;
    }
    table
};

fn is_printable(c: char) -> bool {
    (' '..='~').contains(&c)
}

pub fn is_legacy_format(value: &str) -> bool {
    LEGACY_LENGTH.contains(&value.chars().count()) && value.chars().all(is_printable)
}

/// The length of a current-format secret, and what the start of one is: three characters of its
/// alphabet, a digit, `Q~`.
const CURRENT_LENGTH: std::ops::RangeInclusive<usize> = 37..=40;

fn has_current_prefix(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() >= 6
        && bytes[..3]
            .iter()
            .all(|byte| SECRET_ALPHABET[usize::from(*byte)])
        && bytes[3].is_ascii_digit()
        && &bytes[4..6] == b"Q~"
}

/// Whether a value is an Azure DevOps personal access token: 52 characters of lower-case base32
/// (before July 2024), or 84 letters and digits with the fixed `AZDO` signature at characters 77
/// to 80 (Microsoft Learn, "Use personal access tokens", changes to the format).
fn is_azure_devops_pat(value: &str) -> bool {
    let bytes = value.as_bytes();
    let old = bytes.len() == 52
        && bytes
            .iter()
            .all(|byte| byte.is_ascii_lowercase() || (b'2'..=b'7').contains(byte));
    let new = bytes.len() == 84
        && bytes.iter().all(u8::is_ascii_alphanumeric)
        && &bytes[76..80] == b"AZDO";
    old || new
}

/// Whether a value is a JWT: three base64url parts, the first a JSON header (`eyJ`).
fn is_jwt(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    value.starts_with("eyJ")
        && parts.len() == 3
        && parts.iter().take(2).all(|part| !part.is_empty())
        && parts.iter().all(|part| {
            part.bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_'))
        })
}

/// Why a value cannot be an Entra secret Value as written, described without quoting it, with
/// the help that goes with it. A secret with no such problem may still have an unusual format
/// (`format_problem`).
fn malformed(value: &str) -> Option<(String, String)> {
    let copy_again = COPY_AGAIN;
    if value.contains('\t') {
        let has_value = value.split('\t').map(str::trim).any(is_current_format);
        return Some((
            "holds tab characters: it looks like a row copied from the portal's table of client secrets (description, expiry, Value, Secret ID)".to_owned(),
            if has_value {
                format!("keep only the Value column of that row (40 characters, `Q~` after the first four), or {copy_again}")
            } else {
                copy_again.to_owned()
            },
        ));
    }
    // A GUID is ASCII, so a window of its bytes found here lies on character boundaries.
    let with_guid = (value.len() > 36)
        .then(|| {
            value
                .as_bytes()
                .windows(36)
                .position(|window| std::str::from_utf8(window).is_ok_and(is_guid))
        })
        .flatten();
    if let Some(start) = with_guid {
        let separator = |c: char| c.is_whitespace() || matches!(c, ',' | ';' | '|' | ':');
        let before = value[..start].trim_matches(separator);
        let after = value[start + 36..].trim_matches(separator);
        if !(before.is_empty() && after.is_empty()) {
            return Some((
                "holds a GUID and more, pasted together: a Secret ID and a secret Value?"
                    .to_owned(),
                format!(
                    "keep only the Value (the Secret ID is the GUID beside it, and no credential); {copy_again}"
                ),
            ));
        }
    }
    if let Some((position, c)) = chars::first(value, |c| c.is_whitespace() || c.is_control()) {
        let what = match c {
            ' ' => format!("a space at character {position}"),
            other => chars::name_at(other, position),
        };
        return Some((
            format!("contains {what}; Entra secrets have no whitespace"),
            format!("remove it, or {copy_again}"),
        ));
    }
    if let Some((position, c)) = chars::first(value, |c| !is_printable(c)) {
        let invisible = if chars::is_invisible(c) {
            " (invisible)"
        } else {
            ""
        };
        return Some((
            format!(
                "contains {}{invisible}; Entra secrets are plain ASCII",
                chars::name_at(c, position)
            ),
            format!("remove it, or {copy_again}"),
        ));
    }
    if is_azure_devops_pat(value) {
        return Some((
            "looks like an Azure DevOps personal access token, not an Entra client secret"
                .to_owned(),
            format!(
                "a personal access token signs in one user to Azure DevOps; the connector needs the client secret of its Entra app registration: {copy_again}"
            ),
        ));
    }
    if is_jwt(value) {
        return Some((
            "is a JWT (three dot-separated base64url parts): the app secret of an old Azure DevOps OAuth app (app.vsaex.visualstudio.com), or a token, not an Entra client secret".to_owned(),
            format!(
                "Azure DevOps OAuth apps are deprecated in favour of Entra app registrations: register the app in Microsoft Entra ID and {copy_again}"
            ),
        ));
    }
    let length = value.chars().count();
    if has_current_prefix(value) && !CURRENT_LENGTH.contains(&length) {
        let how = if length < *CURRENT_LENGTH.start() {
            "cut off when it was copied?"
        } else {
            "something pasted after it?"
        };
        return Some((
            format!(
                "starts like a current Entra secret (`Q~` after the first four characters) but has {length} characters instead of 40: {how}"
            ),
            copy_again.to_owned(),
        ));
    }
    None
}

/// Why a secret has no recognised format, described without quoting it. `current`: whether the
/// value is in the current format ([`is_current_format`], asked once per secret).
fn format_problem(value: &str, current: bool) -> Option<String> {
    if current || is_legacy_format(value) {
        return None;
    }
    let length = value.chars().count();
    if length < *LEGACY_LENGTH.start() {
        let characters = if length == 1 {
            "character"
        } else {
            "characters"
        };
        Some(format!(
            "is only {length} {characters} long; Entra secrets have at least 16 (current ones 40): truncated, or not the secret Value?"
        ))
    } else {
        Some(format!(
            "is {length} characters long; Entra secrets have at most 64 (current ones 40): several values pasted together?"
        ))
    }
}

/// Judges a secret. `client_id` and `tenant`: the record's `clientId` and `tenantId` as written,
/// to compare with.
pub fn judge(
    secret: &SecretString,
    origin: &Origin,
    client_id: Option<&str>,
    tenant: Option<&str>,
    profile: &Profile,
) -> Vec<Finding> {
    let variable = profile.secret_variable;
    let value = values::cleaned(secret.expose_secret());
    let current = is_current_format(value);
    let described = origin.describe();
    let mut findings = Vec::new();
    let refill = REFILL;

    let error = if value.is_empty() {
        let message = match origin {
            Origin::Literal => format!("`{KEY}` is empty"),
            Origin::Environment(_) => {
                format!("`{KEY}`{described} is empty: the variable is set, but to nothing")
            }
        };
        Some(
            Finding::new(Code::ClientSecretEmpty, KEY, message)
                .help(with_origin(navigation(refill.to_owned()), origin)),
        )
    } else if let Some(kind) = if current {
        current_format_placeholder(value)
    } else {
        placeholder(value)
    } {
        let (message, help) = match kind {
            Placeholder::UnresolvedReference(syntax) => (
                format!(
                    "`{KEY}`{described} is {syntax}, which is not substituted (only `${{NAME}}` is)"
                ),
                format!(
                    "reference the environment as `${{{variable}}}` (with braces), and set that variable to the secret Value"
                ),
            ),
            Placeholder::Masked => (
                format!(
                    "`{KEY}`{described} is a masked copy (`****`): the portal shows the Value in full only once"
                ),
                format!(
                    "the full Value cannot be shown again: create a new client secret under {CERTIFICATES} and copy its Value right away"
                ),
            ),
            Placeholder::Template => (
                format!("`{KEY}`{described} is a template value that was never filled in"),
                format!(
                    "write `clientSecret: ${{{variable}}}` and set the variable to the secret Value from {CERTIFICATES}"
                ),
            ),
        };
        Some(Finding::new(Code::ClientSecretPlaceholder, KEY, message).help(navigation(help)))
    } else if client_id
        .map(values::cleaned)
        .is_some_and(|id| !id.is_empty() && id.eq_ignore_ascii_case(value))
    {
        Some(
            Finding::new(
                Code::ClientSecretEqualsClientId,
                KEY,
                format!(
                    "`{KEY}`{described} is the same value as `clientId`: the secret is missing"
                ),
            )
            .help(with_origin(navigation(refill.to_owned()), origin)),
        )
    } else if let Some(what) = known_id(value, tenant, profile) {
        Some(
            Finding::new(
                Code::ClientSecretLooksLikeSecretId,
                KEY,
                format!("`{KEY}`{described} is {what}, not the secret Value"),
            )
            .help(with_origin(navigation(refill.to_owned()), origin)),
        )
    } else if tenant
        .map(values::cleaned)
        .is_some_and(|tenant| !tenant.is_empty() && tenant.eq_ignore_ascii_case(value))
    {
        Some(
            Finding::new(
                Code::ClientSecretMalformed,
                KEY,
                format!(
                    "`{KEY}`{described} is the same as `tenantId`: the tenant, not the secret Value"
                ),
            )
            .help(with_origin(navigation(refill.to_owned()), origin)),
        )
    } else if is_guid(value) || guid_in_other_form(value).is_some() {
        Some(
            Finding::new(
                Code::ClientSecretLooksLikeSecretId,
                KEY,
                format!(
                    "`{KEY}`{described} is GUID-shaped: this is the Secret ID, not the secret Value"
                ),
            )
            .help(with_origin(
                navigation(format!(
                    "this is the Secret ID; copy the *Value* column under {CERTIFICATES} (it is shown only once; create a new secret if you no longer have it)"
                )),
                origin,
            )),
        )
    } else if let Some((problem, help)) = (!current).then(|| malformed(value)).flatten() {
        // A secret in the current format is never malformed (a test holds the two to that), and
        // nearly every secret is in it: the character-by-character checks are spared.
        Some(
            Finding::new(
                Code::ClientSecretMalformed,
                KEY,
                format!("`{KEY}`{described} {problem}"),
            )
            .help(with_origin(navigation(help), origin)),
        )
    } else {
        None
    };
    let plausible = error.is_none();
    findings.extend(error);

    if plausible && let Some(problem) = format_problem(value, current) {
        findings.push(
            Finding::new(
                Code::ClientSecretUnrecognizedFormat,
                KEY,
                format!("`{KEY}`{described} {problem}"),
            )
            .help(with_origin(
                navigation(format!(
                    "copy the Value again from {CERTIFICATES}: current secrets are 40 characters with `Q~` after the first four; if in doubt, create a new secret"
                )),
                origin,
            )),
        );
    }

    // Only a value that may be a real secret is worth protecting: an empty, template or GUID
    // value is already an error, and the fix for it is the place to move it to the environment.
    if plausible && *origin == Origin::Literal {
        findings.push(
            Finding::new(
                Code::ClientSecretPlaintext,
                KEY,
                PLAINTEXT,
            )
            // Joined rather than formatted: nearly every record with a literal secret gets it.
            .help(
                [
                    "write `clientSecret: ${",
                    variable,
                    "}` and provide the variable from your secret store or CI secrets; rotate the secret if this file was ever committed",
                ]
                .concat(),
            ),
        );
    }
    findings
}

/// What a GUID-shaped secret is when it is a known id rather than a Secret ID: the record's
/// tenant, or a well-known Microsoft application (publicly known, so naming it leaks nothing).
fn known_id(value: &str, tenant: Option<&str>, profile: &Profile) -> Option<String> {
    if !is_guid(value) {
        return None;
    }
    if tenant
        .map(values::cleaned)
        .is_some_and(|tenant| tenant.eq_ignore_ascii_case(value))
    {
        return Some(
            "the same GUID as `tenantId`: the Directory (tenant) ID from the app's Overview page"
                .to_owned(),
        );
    }
    profile
        .wrong_client_ids
        .iter()
        .find(|wrong| wrong.id.eq_ignore_ascii_case(value))
        .map(|wrong| {
            format!(
                "the application id of {} itself (it appears {})",
                wrong.name, wrong.seen
            )
        })
}

pub fn check(record: &Record) -> Vec<Finding> {
    let client_id = record.texts_of(KeyKind::ClientId).next().map(|(_, id)| id);
    let tenant = record
        .texts_of(KeyKind::Tenant)
        .next()
        .map(|(_, tenant)| tenant);
    record
        .profile
        .keys_of(KeyKind::ClientSecret)
        .filter_map(|key| record.secret(key.name).map(|secret| (key.name, secret)))
        .flat_map(|(key, secret)| {
            judge(
                secret,
                record.origin(key),
                client_id,
                tenant,
                record.profile,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::codes;

    #[test]
    fn the_written_out_helps_name_the_portal_page() {
        for help in [COPY_AGAIN, REFILL] {
            assert!(help.contains(&format!("from {CERTIFICATES} (")), "{help}");
        }
    }

    #[test]
    fn the_alphabet_table_is_the_character_class() {
        let class = regex::Regex::new("^[A-Za-z0-9_~.-]$").expect("a valid class");
        for byte in 0..=u8::MAX {
            let text = char::from(byte).to_string();
            assert_eq!(
                SECRET_ALPHABET[usize::from(byte)],
                byte.is_ascii() && class.is_match(&text),
                "{byte}"
            );
        }
    }

    #[test]
    fn the_written_out_message_names_the_key() {
        assert_eq!(
            PLAINTEXT,
            format!("`{KEY}` is written literally in the file")
        );
    }

    /// Values in the current format that come as near as the format allows to what `malformed`
    /// looks for: GUID-like runs of hex digits and dashes, a JWT's `eyJ` start and dots, runs of
    /// `~`, `.` and `-`, every length the format allows.
    fn current_format_values() -> Vec<String> {
        let starts = ["abC", "eyJ", "000", "---", "~~~", "...", "a-b", "f0f"];
        let bodies = [
            "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40",
            "-7d4a-4b6e-9c2f-1a5e8d7b6c40-7d4a-4b6",
            "eyJhbGciOi.eyJzdWIiOi.SflKxwRJSMeKKF2Q",
            "..................................",
            "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
            "----------------------------------",
            "dEfGhIjKlMnOpQrStUvWxYz0123456789a",
            "AZDOAZDOAZDOAZDOAZDOAZDOAZDOAZDOAZ",
        ];
        let mut values = Vec::new();
        for start in starts {
            for digit in ["0", "7"] {
                for body in bodies {
                    for length in 28..=36 {
                        let body: String = body.chars().cycle().take(length).collect();
                        values.push(format!("{start}{digit}Q~{body}"));
                    }
                }
            }
        }
        values
    }

    /// The shortcut in `judge`: a value in the current format is never malformed.
    #[test]
    fn current_format_values_are_never_malformed() {
        let values = current_format_values();
        let current = values
            .iter()
            .filter(|value| is_current_format(value))
            .count();
        assert!(current > 500, "{current}");
        for value in values.iter().filter(|value| is_current_format(value)) {
            assert_eq!(malformed(value), None, "{value}");
        }
    }

    proptest::proptest! {
        #[test]
        fn current_format_values_are_never_malformed_fuzzed(
            value in "(eyJ|[A-Za-z0-9_~.-]{3})[0-9]Q~[0-9a-f.~_-]{31,34}",
        ) {
            proptest::prop_assert!(is_current_format(&value));
            proptest::prop_assert_eq!(malformed(&value), None);
        }
    }

    const CURRENT: &str = "abC1Q~dEfGhIjKlMnOpQrStUvWxYz0123456789a";

    fn env() -> Origin {
        Origin::Environment(vec!["AZDO_CLIENT_SECRET".into()])
    }

    fn judged(value: &str, origin: Origin, client_id: Option<&str>) -> Vec<Code> {
        codes(&judge(
            &SecretString::from(value.to_owned()),
            &origin,
            client_id,
            None,
            &crate::connectors::AZURE_DEVOPS,
        ))
    }

    #[test]
    fn current_format_check_is_the_regex() {
        let regex = regex::Regex::new(r"^[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}$")
            .expect("the SPEC's pattern");
        let alphabet: Vec<char> = "aZ09_~.-Q!é ".chars().collect();
        // Every length around the limits, with every character class at every interesting place.
        for length in 30..=42 {
            for (position, replacement) in
                (0..length).flat_map(|p| alphabet.iter().map(move |c| (p, *c)))
            {
                let mut value: Vec<char> = format!("abc1Q~{}", "x".repeat(length - 6))
                    .chars()
                    .collect();
                value[position] = replacement;
                let value: String = value.into_iter().collect();
                assert_eq!(
                    is_current_format(&value),
                    regex.is_match(&value),
                    "{value:?}"
                );
            }
        }
    }

    #[test]
    fn current_format_exactly() {
        assert_eq!(CURRENT.len(), 40);
        assert!(is_current_format(CURRENT));
        // 31 and 34 characters after `Q~` are the bounds.
        assert!(is_current_format(&format!("abc1Q~{}", "a".repeat(31))));
        assert!(is_current_format(&format!("abc1Q~{}", "a".repeat(34))));
        assert!(!is_current_format(&format!("abc1Q~{}", "a".repeat(30))));
        assert!(!is_current_format(&format!("abc1Q~{}", "a".repeat(35))));
        assert!(!is_current_format(&format!("abcdQ~{}", "a".repeat(34))));
        assert!(!is_current_format(&format!("abc1q~{}", "a".repeat(34))));
        assert!(!is_current_format(&format!("abc1Q~{}+", "a".repeat(33))));
    }

    #[test]
    fn valid_secrets_from_the_environment_are_clean() {
        assert!(judged(CURRENT, env(), None).is_empty());
        for legacy in [
            "Tq3+vX9/kLm2Rp8s",
            "Tq3+vX9/kLm2Rp8sW1yZ4aB6cD0eF7gH=",
            "x7$kP!q2@Lm9#rT4[]:?*=-_.",
            &"a1B2".repeat(16),
        ] {
            assert!(judged(legacy, env(), None).is_empty(), "{legacy}");
        }
    }

    #[test]
    fn plaintext_only_for_literal_secrets() {
        assert_eq!(
            judged(CURRENT, Origin::Literal, None),
            vec![Code::ClientSecretPlaintext]
        );
        assert!(judged(CURRENT, env(), None).is_empty());
        // Not for values that are already an error: they are no secret to protect.
        assert_eq!(
            judged("changeme", Origin::Literal, None),
            vec![Code::ClientSecretPlaceholder]
        );
    }

    #[test]
    fn errors() {
        assert_eq!(judged("", env(), None), vec![Code::ClientSecretEmpty]);
        assert_eq!(
            judged(" \n", Origin::Literal, None),
            vec![Code::ClientSecretEmpty]
        );
        assert_eq!(
            judged("b5e3f0a2-41c7-4d8e-9f6a-2c1b0e9d8f7a", env(), None),
            vec![Code::ClientSecretLooksLikeSecretId]
        );
        assert_eq!(
            judged("B5E3F0A2-41C7-4D8E-9F6A-2C1B0E9D8F7A", env(), None),
            vec![Code::ClientSecretLooksLikeSecretId]
        );
        let id = "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40";
        assert_eq!(
            judged(id, env(), Some(id)),
            vec![Code::ClientSecretEqualsClientId]
        );
        for template in ["YOUR_CLIENT_SECRET", "<client-secret>", "TODO", "xxx"] {
            assert_eq!(
                judged(template, env(), None),
                vec![Code::ClientSecretPlaceholder],
                "{template}"
            );
        }
    }

    #[test]
    fn unrecognized_format() {
        for value in ["short", &"a".repeat(65)] {
            assert_eq!(
                judged(value, env(), None),
                vec![Code::ClientSecretUnrecognizedFormat],
                "{value}"
            );
        }
    }

    #[test]
    fn messages_never_contain_the_secret() {
        let secrets = [
            CURRENT.to_owned(),
            "b5e3f0a2-41c7-4d8e-9f6a-2c1b0e9d8f7a".to_owned(),
            "Tq3+vX9/\u{200B}kLm2Rp8s".to_owned(),
            "k3Xq9zP".to_owned(),
            format!(" {CURRENT}\n"),
        ];
        for secret in &secrets {
            for origin in [Origin::Literal, env()] {
                let findings = judge(
                    &SecretString::from(secret.clone()),
                    &origin,
                    Some("b5e3f0a2-41c7-4d8e-9f6a-2c1b0e9d8f7a"),
                    None,
                    &crate::connectors::AZURE_DEVOPS,
                );
                for finding in findings {
                    let text = format!("{} {}", finding.message, finding.help.unwrap_or_default());
                    // No run of 6 characters of the secret appears in the text.
                    let chars: Vec<char> = secret.trim().chars().collect();
                    for window in chars.windows(6) {
                        let piece: String = window.iter().collect();
                        assert!(!text.contains(&piece), "{piece} leaked in {text}");
                    }
                }
            }
        }
    }

    fn judged_with(value: &str, tenant: Option<&str>) -> Vec<Finding> {
        judge(
            &SecretString::from(value.to_owned()),
            &env(),
            Some("3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40"),
            tenant,
            &crate::connectors::AZURE_DEVOPS,
        )
    }

    #[test]
    fn values_that_cannot_be_secrets_are_errors_saying_what_they_look_like() {
        let guid = "b5e3f0a2-41c7-4d8e-9f6a-2c1b0e9d8f7a";
        for (value, says) in [
            (
                format!("abc1Q~{}", "x".repeat(24)),
                "30 characters instead of 40: cut off",
            ),
            (
                format!("abc1Q~{}", "x".repeat(30)),
                "36 characters instead of 40",
            ),
            (
                format!("abc1Q~{}", "x".repeat(38)),
                "44 characters instead of 40: something pasted",
            ),
            (
                format!("{}  {}", &CURRENT[..20], &CURRENT[20..]),
                "a space at character 21",
            ),
            (
                format!("{}\u{200B}{}", &CURRENT[..10], &CURRENT[10..]),
                "U+200B ZERO WIDTH SPACE at character 11 (invisible)",
            ),
            (
                format!("{}\u{E9}{}", &CURRENT[..10], &CURRENT[11..]),
                "U+00E9 LATIN SMALL LETTER E WITH ACUTE at character 11",
            ),
            (
                format!("{guid} {CURRENT}"),
                "a Secret ID and a secret Value",
            ),
            (format!("{CURRENT}{guid}"), "a Secret ID and a secret Value"),
            (
                format!("my secret\t2026-06-01\t{CURRENT}\t{guid}"),
                "a row copied from the portal's table",
            ),
            ("a".repeat(20) + &"b2".repeat(16), "personal access token"),
            (
                format!("{}AZDO{}", "A1b2".repeat(19), "x9Z0"),
                "personal access token",
            ),
            (
                "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl".to_owned(),
                "is a JWT",
            ),
        ] {
            let findings = judged_with(&value, None);
            assert_eq!(
                codes(&findings),
                vec![Code::ClientSecretMalformed],
                "{value:?}"
            );
            assert!(
                findings[0].message.contains(says),
                "{value:?}: {}",
                findings[0].message
            );
        }
        // The old Azure DevOps PAT: 52 lower-case base32 characters.
        assert_eq!(("a".repeat(20) + &"b2".repeat(16)).len(), 52);
    }

    #[test]
    fn known_ids_are_named_not_called_a_secret_id() {
        let tenant = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
        let findings = judged_with(&tenant.to_ascii_uppercase(), Some(tenant));
        assert_eq!(codes(&findings), vec![Code::ClientSecretLooksLikeSecretId]);
        assert!(findings[0].message.contains("Directory (tenant) ID"));
        assert!(!findings[0].message.contains("Secret ID"));
        let findings = judged_with(crate::connectors::AZURE_DEVOPS_APP_ID, None);
        assert_eq!(codes(&findings), vec![Code::ClientSecretLooksLikeSecretId]);
        assert!(findings[0].message.contains("Azure DevOps itself"));
        let findings = judged_with("contoso.onmicrosoft.com", Some("contoso.onmicrosoft.com"));
        assert_eq!(codes(&findings), vec![Code::ClientSecretMalformed]);
        // A GUID that is neither: the Secret ID, as before.
        let findings = judged_with("b5e3f0a2-41c7-4d8e-9f6a-2c1b0e9d8f7a", Some(tenant));
        assert_eq!(codes(&findings), vec![Code::ClientSecretLooksLikeSecretId]);
        assert!(findings[0].message.contains("Secret ID"));
    }

    #[test]
    fn plausible_secrets_stay_clean() {
        for value in [
            CURRENT.to_owned(),
            format!("abc1Q~{}", "x".repeat(31)),
            "Tq3+vX9/kLm2Rp8sW1yZ4aB6cD0eF7gH=".to_owned(),
            "x7$kP!q2@Lm9#rT4[]:?*=-_.".to_owned(),
            // 52 characters, but mixed case: not a PAT.
            "Tq3vX9kLm2Rp8sW1yZ4aB6cD0eF7gHTq3vX9kLm2Rp8sW1yZ4aB6".to_owned(),
        ] {
            assert!(judged_with(&value, None).is_empty(), "{value}");
        }
    }
}
