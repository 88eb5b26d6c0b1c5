//! The pure classifier over every Entra body in `fixtures/entra/` (copied from the shared set) and
//! our own variants in `fixtures/entra/variants/`. The expected code of each file is written
//! here, independently of the classifier's own table.

use std::path::{Path, PathBuf};
use std::time::Duration;

use connector_lint::catalogue::Code;
use connector_lint::probe::classify::{
    self, Discovery, aadsts_prefix, classify, classify_discovery,
};
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/entra")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|error| panic!("{}: {error}", full.display()))
}

fn no_headers() -> HeaderMap {
    HeaderMap::new()
}

/// (file, status, expected code, expected AADSTS number)
const CASES: &[(&str, u16, Code, Option<u32>)] = &[
    ("token-200-ok.json", 200, Code::ProbeOk, None),
    (
        "token-400-AADSTS500011-resource-not-in-tenant.json",
        400,
        Code::ProbeResourceMissing,
        Some(500011),
    ),
    (
        "token-400-AADSTS53003-conditional-access.json",
        400,
        Code::ProbeBlockedByPolicy,
        Some(53003),
    ),
    (
        "token-400-AADSTS700016-client-not-in-tenant.json",
        400,
        Code::ProbeClientNotFound,
        Some(700016),
    ),
    (
        "token-400-AADSTS90002-tenant-not-found.json",
        400,
        Code::ProbeTenantNotFound,
        Some(90002),
    ),
    (
        "token-400-AADSTS900023-tenant-malformed.json",
        400,
        Code::ProbeTenantMalformed,
        Some(900023),
    ),
    (
        "token-401-AADSTS7000215-invalid-secret.json",
        401,
        Code::ProbeSecretInvalid,
        Some(7000215),
    ),
    (
        "token-401-AADSTS7000218-missing-secret.json",
        401,
        Code::ProbeSecretMissing,
        Some(7000218),
    ),
    (
        "token-401-AADSTS7000222-expired-secret.json",
        401,
        Code::ProbeSecretExpired,
        Some(7000222),
    ),
    (
        "variants/token-401-AADSTS7000215-old-wording-space-trailer.json",
        401,
        Code::ProbeSecretInvalid,
        Some(7000215),
    ),
    (
        "variants/token-400-AADSTS7000112-app-disabled-pretty-tabs.json",
        400,
        Code::ProbeAppDisabled,
        Some(7000112),
    ),
    (
        "variants/token-400-AADSTS900382-cross-cloud-extra-fields.json",
        400,
        Code::ProbeWrongCloud,
        Some(900382),
    ),
    (
        "variants/token-400-AADSTS90038-national-cloud.json",
        400,
        Code::ProbeWrongCloud,
        Some(90038),
    ),
    (
        "variants/token-400-AADSTS900432-cross-cloud.json",
        400,
        Code::ProbeWrongCloud,
        Some(900432),
    ),
    (
        "variants/token-400-AADSTS700016-prefix-only-no-error-codes.json",
        400,
        Code::ProbeClientNotFound,
        Some(700016),
    ),
    (
        "variants/token-400-AADSTS50034-unknown-code.json",
        400,
        Code::ProbeUnexpectedResponse,
        Some(50034),
    ),
    (
        "variants/token-400-AADSTS90055-throttled.json",
        400,
        Code::ProbeThrottled,
        Some(90055),
    ),
    (
        "variants/token-429-too-many-requests.txt",
        429,
        Code::ProbeThrottled,
        None,
    ),
    (
        "variants/token-200-captive-portal.html",
        200,
        Code::ProbeUnexpectedResponse,
        None,
    ),
    (
        "variants/token-200-no-access-token.json",
        200,
        Code::ProbeUnexpectedResponse,
        None,
    ),
    (
        "variants/token-503-service-unavailable.html",
        503,
        Code::ProbeUnexpectedResponse,
        None,
    ),
];

#[test]
fn every_fixture_body_is_classified() {
    for (file, status, code, aadsts) in CASES {
        let verdict = classify(*status, &no_headers(), &fixture(file));
        assert_eq!(verdict.code, *code, "{file}");
        assert_eq!(verdict.status, Some(*status), "{file}");
        assert_eq!(
            verdict.entra.as_ref().and_then(|entra| entra.code),
            *aadsts,
            "{file}"
        );
    }
}

#[test]
fn every_shared_body_has_a_case() {
    // A body added to the shared set must get an expected code here.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/entra");
    for entry in std::fs::read_dir(&dir).expect("fixtures/entra") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.starts_with("token-") {
            assert!(
                CASES.iter().any(|(file, ..)| *file == name),
                "{name} has no expected code"
            );
        }
    }
}

#[test]
fn descriptions_lose_prefix_and_both_trailers_but_keep_ids() {
    let old = classify(
        401,
        &no_headers(),
        &fixture("token-401-AADSTS7000222-expired-secret.json"),
    );
    let entra = old.entra.expect("entra error");
    let description = entra.description.as_deref().expect("description");
    assert!(description.starts_with("The provided client secret keys are expired."));
    assert!(!description.contains("Trace ID"));
    assert!(!description.contains("AADSTS7000222"));
    assert!(!description.contains('\r') && !description.contains('\n'));
    assert_eq!(
        entra.trace_id.as_deref(),
        Some("18072e8c-35bf-492d-89e9-c616612e7696")
    );
    assert_eq!(entra.error.as_deref(), Some("invalid_client"));
    let shown = entra.describe();
    assert!(shown.starts_with("AADSTS7000222: The provided client secret keys are expired."));
    assert!(shown.contains("correlation id d5f4b3b2-e4b0-4ce6-8741-c7a87ce42c82"));

    let new = classify(
        400,
        &no_headers(),
        &fixture("variants/token-400-AADSTS700016-prefix-only-no-error-codes.json"),
    );
    let entra = new.entra.expect("entra error");
    // No separate id fields in this body: the ids come from the space-separated trailer.
    assert_eq!(
        entra.trace_id.as_deref(),
        Some("aa9b0c1d-2e3f-4a4b-9c5d-7e8f9a0b1c2d")
    );
    assert_eq!(
        entra.correlation_id.as_deref(),
        Some("bb0c1d2e-3f4a-4b5c-8d6e-8f9a0b1c2d3e")
    );
    assert!(
        !entra
            .description
            .as_deref()
            .unwrap_or_default()
            .contains("Trace ID")
    );
}

#[test]
fn error_codes_win_over_the_description_prefix() {
    let body = br#"{"error":"invalid_client","error_description":"AADSTS700016: moved","error_codes":[7000222, 700016]}"#;
    assert_eq!(
        classify(401, &no_headers(), body).code,
        Code::ProbeSecretExpired
    );
}

#[test]
fn odd_shapes_are_tolerated() {
    let cases: &[(&[u8], u16, Code)] = &[
        // BOM, string code, keys in any order
        (
            b"\xEF\xBB\xBF{\"error_codes\":[\"7000215\"],\"error\":\"invalid_client\"}",
            401,
            Code::ProbeSecretInvalid,
        ),
        // error_codes of the wrong type: falls back to the prefix
        (
            br#"{"error_codes":"x","error_description":"AADSTS7000218: no secret"}"#,
            401,
            Code::ProbeSecretMissing,
        ),
        // no code anywhere
        (
            br#"{"error":"server_error"}"#,
            400,
            Code::ProbeUnexpectedResponse,
        ),
        // JSON but not an object
        (b"[1,2,3]", 400, Code::ProbeUnexpectedResponse),
        (
            b"\"AADSTS7000215: text\"",
            400,
            Code::ProbeUnexpectedResponse,
        ),
        // empty bodies
        (b"", 200, Code::ProbeUnexpectedResponse),
        (b"", 429, Code::ProbeThrottled),
        // access_token present but empty, or not a string
        (
            br#"{"access_token":""}"#,
            200,
            Code::ProbeUnexpectedResponse,
        ),
        (
            br#"{"access_token":{"a":1}}"#,
            200,
            Code::ProbeUnexpectedResponse,
        ),
        (
            br#"{"access_token":null}"#,
            200,
            Code::ProbeUnexpectedResponse,
        ),
        // a token on a non-200 status is not a success
        (
            br#"{"access_token":"x.y.z"}"#,
            400,
            Code::ProbeUnexpectedResponse,
        ),
        // not UTF-8 at all
        (b"\xff\xfe\x00garbage", 502, Code::ProbeUnexpectedResponse),
    ];
    for (body, status, code) in cases {
        assert_eq!(
            classify(*status, &no_headers(), body).code,
            *code,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn the_token_is_never_kept() {
    let body = fixture("token-200-ok.json");
    let verdict = classify(200, &no_headers(), &body);
    assert_eq!(verdict.code, Code::ProbeOk);
    let debug = format!("{verdict:?}");
    assert!(!debug.contains("eyJ0eXAi"), "{debug}");
    assert!(verdict.entra.is_none() && verdict.detail.is_none());
}

#[test]
fn retry_after_and_retryability() {
    let mut headers = HeaderMap::new();
    headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
    let verdict = classify(429, &headers, b"Too Many Requests");
    assert_eq!(verdict.code, Code::ProbeThrottled);
    assert_eq!(verdict.retry_after, Some(Duration::from_secs(7)));
    assert!(verdict.is_retryable());

    headers.insert(
        RETRY_AFTER,
        HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    assert_eq!(classify::retry_after(&headers), None);

    assert!(classify(503, &no_headers(), b"busy").is_retryable());
    assert!(
        !classify(
            401,
            &no_headers(),
            &fixture("token-401-AADSTS7000215-invalid-secret.json")
        )
        .is_retryable()
    );
}

#[test]
fn redirects_and_html_are_described_plainly() {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::LOCATION,
        HeaderValue::from_static("https://evil.example/steal?client_secret=x"),
    );
    let verdict = classify(302, &headers, b"");
    assert_eq!(verdict.code, Code::ProbeUnexpectedResponse);
    let detail = verdict.detail.expect("detail");
    assert!(detail.contains("never follows"), "{detail}");
    assert!(detail.contains("https://evil.example/steal"), "{detail}");
    assert!(!detail.contains("client_secret"), "{detail}");

    let html = classify(
        200,
        &no_headers(),
        &fixture("variants/token-200-captive-portal.html"),
    );
    let detail = html.detail.expect("detail");
    assert!(detail.starts_with("HTTP 200 OK"), "{detail}");
    assert!(!detail.contains('\n'));
}

#[test]
fn control_characters_from_a_server_do_not_reach_the_terminal() {
    let body = b"{\"error_codes\":[50034],\"error_description\":\"AADSTS50034: \\u001b[31mred\\u0007 text\"}";
    let verdict = classify(400, &no_headers(), body);
    let shown = verdict.entra.expect("entra").describe();
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
}

#[test]
fn long_descriptions_are_bounded() {
    let long = "x".repeat(10_000);
    let body = format!(r#"{{"error_codes":[50034],"error_description":"AADSTS50034: {long}"}}"#);
    let verdict = classify(400, &no_headers(), body.as_bytes());
    let description = verdict.entra.and_then(|entra| entra.description);
    assert!(description.is_some_and(|text| text.chars().count() <= 401));
}

#[test]
fn aadsts_prefix_is_strict() {
    assert_eq!(aadsts_prefix("AADSTS90002: Tenant"), Some(90002));
    assert_eq!(aadsts_prefix("  AADSTS7000222: x"), Some(7000222));
    assert_eq!(aadsts_prefix("AADSTS: x"), None);
    assert_eq!(aadsts_prefix("AADSTS123 x"), None);
    assert_eq!(aadsts_prefix("Error AADSTS90002: x"), None);
    assert_eq!(aadsts_prefix("AADSTS99999999999: x"), None);
}

#[test]
fn discovery_proceeds_stops_or_detects_another_cloud() {
    let ok = fixture("discovery-200.json");
    assert_eq!(
        classify_discovery(200, &no_headers(), &ok, Some("microsoftonline.com")),
        Discovery::Proceed
    );
    assert_eq!(
        classify_discovery(200, &no_headers(), &ok, None),
        Discovery::Proceed
    );

    let gov = fixture("variants/discovery-200-usgov-tenant.json");
    match classify_discovery(200, &no_headers(), &gov, Some("microsoftonline.com")) {
        Discovery::Stop(verdict) => {
            assert_eq!(verdict.code, Code::ProbeWrongCloud);
            assert!(verdict.detail.unwrap_or_default().contains("usgov"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        classify_discovery(200, &no_headers(), &gov, Some("microsoftonline.us")),
        Discovery::Proceed
    );
    // An unknown instance name is not judged.
    assert_eq!(
        classify_discovery(
            200,
            &no_headers(),
            br#"{"token_endpoint":"https://x/t","cloud_instance_name":"somewhere.new"}"#,
            Some("microsoftonline.com")
        ),
        Discovery::Proceed
    );

    let not_found = fixture("token-400-AADSTS90002-tenant-not-found.json");
    match classify_discovery(400, &no_headers(), &not_found, Some("microsoftonline.com")) {
        Discovery::Stop(verdict) => assert_eq!(verdict.code, Code::ProbeTenantNotFound),
        other => panic!("{other:?}"),
    }

    for body in [&b"<html>portal</html>"[..], b"{}", b""] {
        match classify_discovery(200, &no_headers(), body, None) {
            Discovery::Stop(verdict) => {
                assert_eq!(verdict.code, Code::ProbeUnexpectedResponse)
            }
            other => panic!("{other:?}"),
        }
    }
}
