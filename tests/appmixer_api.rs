//! The Appmixer API client against the fake API on 127.0.0.1 (`support/appmixer.rs`): paging,
//! one sign-in per run, and every failure the SPEC names (401/403, 404, `{}`, 5xx, non-JSON, a
//! record of another service, a redirect, a timeout, an untrusted certificate, no server at all),
//! each message free of the token, the password and every secret the fake echoes back.

mod support;

use std::time::Duration;

use connector_lint::appmixer::{ApiError, Client, Credentials, LiveRecord, parse_api_url};
use serde_json::{Value, json};
use support::Reply;
use support::appmixer::{self as fake, FakeAppmixer};

fn credentials(pairs: &[(&str, &str)]) -> Credentials {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    Credentials::from_env(&move |name| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    })
    .unwrap_or_else(|error| panic!("{error}"))
}

fn client_with(url: &str, credentials: Credentials) -> Client {
    let base = parse_api_url(Some(url)).unwrap_or_else(|error| panic!("{error}"));
    Client::new(base, Duration::from_secs(1), credentials).expect("client")
}

fn client(fake: &FakeAppmixer) -> Client {
    client_with(&fake.url(), credentials(&[("APPMIXER_TOKEN", fake::TOKEN)]))
}

fn login_client(fake: &FakeAppmixer, password: &str) -> Client {
    client_with(
        &fake.url(),
        credentials(&[
            ("APPMIXER_USERNAME", fake::USERNAME),
            ("APPMIXER_PASSWORD", password),
        ]),
    )
}

/// The error, checked for what no message may hold.
fn failed<T: std::fmt::Debug>(result: Result<T, ApiError>) -> ApiError {
    let error = result.expect_err("a failure");
    fake::assert_nothing_secret(&[&error.to_string(), &format!("{error:?}")]);
    error
}

fn service_ids(records: &[LiveRecord]) -> Vec<String> {
    records
        .iter()
        .map(|record| record.service_id().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn the_list_is_read_page_by_page() {
    let mut records = fake::other_records(180);
    records.insert(37, fake::azdo_record(None));
    records.push(fake::microsoft_record());
    let fake = FakeAppmixer::start(records);
    let listed = client(&fake).list().expect("listed");
    assert_eq!(listed.len(), 182);
    let ids = service_ids(&listed);
    assert!(ids.contains(&"appmixer:azuredevops".to_owned()));
    assert!(ids.contains(&"appmixer:microsoft".to_owned()));
    let offsets: Vec<String> = fake
        .requests()
        .iter()
        .map(|request| {
            let (path, query) = fake::path_and_query(request);
            assert_eq!(path, "/service-config");
            assert!(query.contains(&("limit".to_owned(), "100".to_owned())));
            query
                .iter()
                .find(|(key, _)| key == "offset")
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(offsets, ["0", "100"]);
    // Every request carried the token as a bearer token, nothing else.
    for request in fake.requests() {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {}", fake::TOKEN).as_str())
        );
    }
}

#[test]
fn a_full_last_page_is_followed_by_an_empty_one() {
    let fake = FakeAppmixer::start(fake::other_records(200));
    assert_eq!(client(&fake).list().expect("listed").len(), 200);
    assert_eq!(fake.requests().len(), 3);
}

#[test]
fn a_server_that_ignores_offset_does_not_page_forever() {
    let first_page = Value::Array(fake::other_records(100)).to_string();
    let fake = FakeAppmixer::scripted(Vec::new(), move |_| {
        Some(Reply::json(200, first_page.clone()))
    });
    assert_eq!(client(&fake).list().expect("listed").len(), 100);
    assert_eq!(fake.requests().len(), 2);
}

#[test]
fn one_record_is_read_with_values_of_any_type() {
    let fake = FakeAppmixer::start(vec![fake::microsoft_record(), fake::azdo_record(None)]);
    let live = client(&fake)
        .get("appmixer:microsoft")
        .expect("read")
        .expect("configured");
    assert_eq!(live.service_id(), Some("appmixer:microsoft"));
    assert!(live.pretty_json().contains("\"microsoftTenant\": true"));
    assert_eq!(
        fake.requests()[0].target,
        "/service-config/appmixer:microsoft"
    );
}

#[test]
fn a_service_that_is_not_configured_is_none() {
    let fake = FakeAppmixer::scripted(vec![], |request| {
        request
            .target
            .ends_with("/appmixer:microsoft")
            .then(|| Reply::json(200, "{}"))
    });
    let client = client(&fake);
    assert!(client.get("appmixer:azuredevops").expect("404").is_none());
    assert!(client.get("appmixer:microsoft").expect("{}").is_none());
}

#[test]
fn a_sign_in_happens_once_per_run_and_its_token_is_used() {
    let fake = FakeAppmixer::start(vec![fake::azdo_record(None), fake::microsoft_record()]);
    let client = login_client(&fake, fake::PASSWORD);
    assert!(client.get("appmixer:azuredevops").expect("read").is_some());
    assert!(client.get("appmixer:microsoft").expect("read").is_some());
    assert_eq!(client.list().expect("listed").len(), 2);
    let requests = fake.requests();
    let sign_ins: Vec<_> = requests
        .iter()
        .filter(|request| request.target == "/user/auth")
        .collect();
    assert_eq!(sign_ins.len(), 1, "{requests:?}");
    let body: Value = serde_json::from_slice(&sign_ins[0].body).expect("json body");
    assert_eq!(
        body,
        json!({"username": fake::USERNAME, "password": fake::PASSWORD})
    );
    for request in requests
        .iter()
        .filter(|request| request.target != "/user/auth")
    {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {}", fake::SIGNED_IN_TOKEN).as_str())
        );
    }
}

#[test]
fn a_refused_sign_in_is_exit_2_and_tried_once() {
    let fake = FakeAppmixer::start(vec![fake::azdo_record(None)]);
    let client = login_client(&fake, "wrong-password-echoed");
    let error = failed(client.get("appmixer:azuredevops"));
    assert!(matches!(error, ApiError::Refused(_)), "{error:?}");
    assert_eq!(error.exit_status(), 2);
    let text = error.to_string();
    assert!(
        text.contains("APPMIXER_USERNAME") && text.contains("APPMIXER_PASSWORD"),
        "{text}"
    );
    assert!(!text.contains("wrong-password-echoed"), "{text}");
    // The second request does not sign in again: the refusal stands for the run.
    failed(client.get("appmixer:microsoft"));
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn a_refused_token_names_the_variable_not_the_value() {
    let fake = FakeAppmixer::start(vec![fake::azdo_record(None)]);
    let client = client_with(
        &fake.url(),
        credentials(&[("APPMIXER_TOKEN", "expired-token-echoed-back")]),
    );
    let error = failed(client.get("appmixer:azuredevops"));
    assert!(matches!(error, ApiError::Refused(_)));
    let text = error.to_string();
    assert!(
        text.contains("APPMIXER_TOKEN") && text.contains("HTTP 401"),
        "{text}"
    );
    assert!(!text.contains("expired-token-echoed-back"), "{text}");
    assert!(text.contains("not shown"), "{text}");
}

#[test]
fn every_failure_has_its_message_and_exit_status() {
    let echo = format!(
        "{} {} {} {}",
        fake::TOKEN,
        fake::PASSWORD,
        fake::AZDO_SECRET,
        fake::OTHER_SECRET
    );
    let cases: Vec<(Reply, u8, &str)> = vec![
        (fake::error_reply(403, &echo), 2, "admin scope"),
        (fake::error_reply(500, &echo), 3, "HTTP 500"),
        (fake::error_reply(503, "maintenance"), 3, "\"maintenance\""),
        (
            Reply::new(200, "text/html", "<html>Appmixer Studio</html>"),
            3,
            "not JSON",
        ),
        (Reply::json(200, "[1,2]"), 3, "a list"),
        (
            Reply::json(
                200,
                json!({"serviceId": "appmixer:google", "clientSecret": fake::OTHER_SECRET})
                    .to_string(),
            ),
            3,
            "`appmixer:google`",
        ),
        (
            Reply::json(200, json!({"serviceId": fake::TOKEN}).to_string()),
            3,
            "not `appmixer:azuredevops`",
        ),
        (Reply::json(429, ""), 3, "HTTP 429"),
        (
            Reply::json(200, format!("[{}]", " ".repeat(5 * 1024 * 1024))),
            3,
            "KiB",
        ),
    ];
    for (reply, status, phrase) in cases {
        let fake = FakeAppmixer::scripted(vec![], move |_| Some(reply.clone()));
        let error = failed(client(&fake).get("appmixer:azuredevops"));
        assert_eq!(error.exit_status(), status, "{error}");
        assert!(
            error.to_string().contains(phrase),
            "`{phrase}` not in: {error}"
        );
    }
}

#[test]
fn a_redirect_is_not_followed() {
    let elsewhere = FakeAppmixer::start(vec![fake::azdo_record(None)]);
    let location = format!("{}/service-config/appmixer:azuredevops", elsewhere.url());
    let fake = FakeAppmixer::scripted(vec![], move |_| {
        Some(Reply::new(302, "text/plain", "moved").header("Location", &location))
    });
    let error = failed(client(&fake).get("appmixer:azuredevops"));
    assert_eq!(error.exit_status(), 3);
    assert!(error.to_string().contains("redirect"), "{error}");
    assert!(
        elsewhere.requests().is_empty(),
        "the token went to the redirect's target"
    );
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn a_slow_api_ends_at_the_timeout() {
    let fake = FakeAppmixer::scripted(vec![], |_| {
        Some(Reply::json(200, "[]").delay(Duration::from_secs(3)))
    });
    let error = failed(client(&fake).list());
    assert!(matches!(error, ApiError::Unreachable(_)), "{error:?}");
    assert_eq!(error.exit_status(), 3);
    assert!(error.to_string().contains("--timeout"), "{error}");
}

#[test]
fn no_server_and_an_untrusted_certificate_are_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = client_with(
        &format!("http://127.0.0.1:{port}"),
        credentials(&[("APPMIXER_TOKEN", fake::TOKEN)]),
    );
    let error = failed(client.list());
    assert!(matches!(error, ApiError::Unreachable(_)), "{error:?}");
    assert!(error.to_string().contains("cannot connect"), "{error}");

    let tls = support::faults::TlsEntra::start();
    let client = client_with(
        &tls.authority(),
        credentials(&[("APPMIXER_TOKEN", fake::TOKEN)]),
    );
    let error = failed(client.get("appmixer:azuredevops"));
    assert_eq!(error.exit_status(), 3);
    assert!(error.to_string().contains("not trusted"), "{error}");
    assert!(
        tls.requests().is_empty(),
        "a request got through the handshake"
    );
}

#[test]
fn a_put_replaces_the_whole_record() {
    let mut live = fake::microsoft_record();
    live["sandbox"] = Value::Bool(true);
    let fake = FakeAppmixer::start(vec![live]);
    let client = client(&fake);
    let Value::Object(object) = json!({
        "serviceId": "appmixer:microsoft",
        "clientId": fake::MICROSOFT_CLIENT_ID,
        "clientSecret": fake::MICROSOFT_SECRET,
    }) else {
        unreachable!()
    };
    client
        .put("appmixer:microsoft", &LiveRecord::from_object(object))
        .expect("stored");
    let stored = fake.stored("appmixer:microsoft").expect("stored");
    assert_eq!(stored.get("sandbox"), None);
    assert_eq!(stored["clientSecret"], fake::MICROSOFT_SECRET);
    let put = &fake.puts()[0];
    assert_eq!(put.target, "/service-config/appmixer:microsoft");
    assert_eq!(put.header("content-type"), Some("application/json"));
}

#[test]
fn a_refused_put_does_not_echo_what_was_sent() {
    let fake = FakeAppmixer::scripted(vec![], |request| {
        (request.method == "PUT").then(|| {
            let body = String::from_utf8_lossy(&request.body).into_owned();
            fake::error_reply(400, &format!("invalid payload {body}"))
        })
    });
    let Value::Object(object) = fake::azdo_record(None) else {
        unreachable!()
    };
    let error = failed(client(&fake).put("appmixer:azuredevops", &LiveRecord::from_object(object)));
    assert_eq!(error.exit_status(), 3);
    assert!(error.to_string().contains("HTTP 400"), "{error}");
}
