//! A fake Appmixer API on 127.0.0.1, for the tests of `check --live`, `diff`, `apply` and `pull`:
//! `POST /user/auth`, `GET /service-config` (paged with `offset`/`limit`), `GET` and
//! `PUT /service-config/{serviceId}`, in the shapes the Appmixer documentation gives (flat records
//! with `serviceId` beside the keys, values of any JSON type, a `PUT` replacing the whole record).
//!
//! It is unkind on purpose: its error bodies echo the token, the user name and the password it
//! received, and a record it stores comes back with every secret it was sent, so the tests can
//! prove none of them reaches any output. A test may put a `script` in front of it to answer one
//! request its own way (a fault); every request is recorded, so a test can prove that nothing
//! was sent.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::{FakeEntra, Reply, Request};

/// The token the fake accepts as `APPMIXER_TOKEN`.
pub const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.fake-admin-token-Z9";
/// The user name and password `POST /user/auth` accepts, and the token it gives for them.
pub const USERNAME: &str = "admin-user@example.com";
pub const PASSWORD: &str = "Pa55w0rd-for-the-fake!";
pub const SIGNED_IN_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.signed-in-token-Q7";

type Script = dyn Fn(&Request) -> Option<Reply> + Send + Sync;

/// The running fake.
pub struct FakeAppmixer {
    server: FakeEntra,
    store: Arc<Mutex<Vec<Value>>>,
}

impl FakeAppmixer {
    /// Serves `records` (JSON objects, in the order the list gives them).
    pub fn start(records: Vec<Value>) -> FakeAppmixer {
        FakeAppmixer::scripted(records, |_| None)
    }

    /// Like `start`, with `script` asked first: where it answers, its answer is sent instead.
    pub fn scripted(
        records: Vec<Value>,
        script: impl Fn(&Request) -> Option<Reply> + Send + Sync + 'static,
    ) -> FakeAppmixer {
        let store = Arc::new(Mutex::new(records));
        let script: Arc<Script> = Arc::new(script);
        let server = {
            let store = Arc::clone(&store);
            FakeEntra::start(move |request, _| {
                script(request).unwrap_or_else(|| answer(request, &store))
            })
        };
        FakeAppmixer { server, store }
    }

    /// `http://127.0.0.1:PORT`, for `--api-url`.
    pub fn url(&self) -> String {
        self.server.authority()
    }

    /// `http://localhost:PORT`: the same server under the one http host a redirect URI may name
    /// (`redirect-uri/insecure-scheme`), for runs that must come out clean.
    pub fn localhost_url(&self) -> String {
        self.url().replace("127.0.0.1", "localhost")
    }

    pub fn requests(&self) -> Vec<Request> {
        self.server.requests()
    }

    /// The `PUT` requests received.
    pub fn puts(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|request| request.method == "PUT")
            .collect()
    }

    /// Stores a record (replacing the one of its service), as the Backoffice would.
    pub fn insert(&self, record: Value) {
        let mut records = lock(&self.store);
        match records
            .iter_mut()
            .find(|stored| stored["serviceId"] == record["serviceId"])
        {
            Some(stored) => *stored = record,
            None => records.push(record),
        }
    }

    /// How many times `POST /user/auth` was asked.
    pub fn sign_ins(&self) -> usize {
        self.requests()
            .iter()
            .filter(|request| request.target == "/user/auth")
            .count()
    }

    /// The record stored for a service, as the fake holds it now.
    pub fn stored(&self, service_id: &str) -> Option<Value> {
        lock(&self.store)
            .iter()
            .find(|record| record["serviceId"] == service_id)
            .cloned()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The path of a request and its query pairs.
pub fn path_and_query(request: &Request) -> (String, Vec<(String, String)>) {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let pairs = url::form_urlencoded::parse(query.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    (path.to_owned(), pairs)
}

/// A JSON answer in the shape of the API's errors (hapi's Boom: statusCode, error, message).
pub fn error_reply(status: u16, message: &str) -> Reply {
    let error = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    Reply::json(
        status,
        json!({"statusCode": status, "error": error, "message": message}).to_string(),
    )
}

fn answer(request: &Request, store: &Mutex<Vec<Value>>) -> Reply {
    let (path, query) = path_and_query(request);
    if request.method == "POST" && path == "/user/auth" {
        return sign_in(request);
    }
    // Every other endpoint needs an admin token; a wrong one is echoed back, unkindly.
    let authorization = request.header("authorization").unwrap_or_default();
    let token = authorization.strip_prefix("Bearer ").unwrap_or_default();
    if token != TOKEN && token != SIGNED_IN_TOKEN {
        return error_reply(401, &format!("Invalid token: {authorization}"));
    }
    let service = path.strip_prefix("/service-config/").map(str::to_owned);
    match (request.method.as_str(), path.as_str(), service) {
        ("GET", "/service-config", _) => {
            let number = |name: &str, default: usize| {
                query
                    .iter()
                    .find(|(key, _)| key == name)
                    .and_then(|(_, value)| value.parse().ok())
                    .unwrap_or(default)
            };
            let (offset, limit) = (number("offset", 0), number("limit", 100));
            let records = lock(store);
            let page: Vec<Value> = records.iter().skip(offset).take(limit).cloned().collect();
            Reply::json(200, Value::Array(page).to_string())
        }
        ("GET", _, Some(service)) => {
            let records = lock(store);
            match records
                .iter()
                .find(|record| record["serviceId"] == service.as_str())
            {
                Some(record) => Reply::json(200, record.to_string()),
                None => error_reply(404, &format!("No configuration for {service} ({token})")),
            }
        }
        ("PUT", _, Some(service)) => {
            let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&request.body) else {
                return error_reply(400, "the body is not a JSON object");
            };
            let mut record = body;
            // The engine stores the record under the id of the URL.
            record.insert("serviceId".to_owned(), Value::from(service.clone()));
            let record = Value::Object(record);
            let mut records = lock(store);
            match records
                .iter_mut()
                .find(|stored| stored["serviceId"] == service.as_str())
            {
                Some(stored) => *stored = record.clone(),
                None => records.push(record.clone()),
            }
            Reply::json(200, record.to_string())
        }
        _ => error_reply(404, &format!("no route for {} {path}", request.method)),
    }
}

fn sign_in(request: &Request) -> Reply {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let username = body["username"].as_str().unwrap_or_default();
    let password = body["password"].as_str().unwrap_or_default();
    if username == USERNAME && password == PASSWORD {
        Reply::json(
            200,
            json!({
                "user": {"id": "5c88c7cc04a917256c726c3d", "username": username, "isActive": true, "plan": "free", "vendor": null},
                "token": SIGNED_IN_TOKEN,
            })
            .to_string(),
        )
    } else {
        error_reply(
            401,
            &format!("Invalid username or password: {username} / {password}"),
        )
    }
}

/// The client secret of the live Azure DevOps record (the current Entra format).
pub const AZDO_SECRET: &str = "Ab38Q~Live.Azdo-Secret_0123456789abcdefg";
/// The client secret of the live Microsoft record.
pub const MICROSOFT_SECRET: &str = "Cd49Q~Live.Msft-Secret_0123456789abcdefg";
/// A secret of another service's record, which must never be shown either.
pub const OTHER_SECRET: &str = "google-client-secret-never-shown-42";
pub const AZDO_CLIENT_ID: &str = "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40";
pub const MICROSOFT_CLIENT_ID: &str = "6a1d2e3f-4b5c-4d6e-8f70-8192a3b4c5d6";

/// Every value no output may hold.
pub const NEVER_SHOWN: &[&str] = &[
    TOKEN,
    USERNAME,
    PASSWORD,
    SIGNED_IN_TOKEN,
    AZDO_SECRET,
    MICROSOFT_SECRET,
    OTHER_SECRET,
];

/// The live Azure DevOps record (its redirect URI on the fake's API URL when one is given).
pub fn azdo_record(api_url: Option<&str>) -> Value {
    let mut record = json!({
        "serviceId": "appmixer:azuredevops",
        "clientId": AZDO_CLIENT_ID,
        "clientSecret": AZDO_SECRET,
    });
    if let Some(url) = api_url {
        record["redirectUri"] = Value::from(format!("{url}/auth/azuredevops/callback"));
    }
    record
}

/// The live Microsoft record, with a boolean and an extra key the Backoffice added.
pub fn microsoft_record() -> Value {
    json!({
        "serviceId": "appmixer:microsoft",
        "clientId": MICROSOFT_CLIENT_ID,
        "clientSecret": MICROSOFT_SECRET,
        "microsoftTenant": true,
        "outputFilePrefix": "teams-export",
    })
}

/// Other services' records, as a real Appmixer holds them: `count` of them, the first two in the
/// documentation's own shapes.
pub fn other_records(count: usize) -> Vec<Value> {
    let mut records = vec![
        json!({"serviceId": "appmixer:google", "clientID": "my-global-client-id", "clientSecret": OTHER_SECRET}),
        json!({"serviceId": "appmixer:evernote", "sandbox": true}),
    ];
    records.extend((records.len()..count).map(|index| {
        json!({"serviceId": format!("vendor{index}:service"), "apiKey": null, "limit": index})
    }));
    records.truncate(count);
    records
}

/// Asserts that no text holds any value of [`NEVER_SHOWN`], as it is or form-encoded.
pub fn assert_nothing_secret(texts: &[&str]) {
    for text in texts {
        for value in NEVER_SHOWN {
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            assert!(!text.contains(value), "`{value}` in output:\n{text}");
            assert!(!text.contains(&encoded), "`{encoded}` in output:\n{text}");
        }
    }
}

/// The binary, run from the repository, with no Appmixer variable from the environment that runs
/// the tests (a developer's own token must not reach the fake, nor change a test).
pub fn binary() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("connector-lint").expect("binary");
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("APPMIXER_API_URL")
        .env_remove("APPMIXER_TOKEN")
        .env_remove("APPMIXER_USERNAME")
        .env_remove("APPMIXER_PASSWORD")
        .env("NO_COLOR", "1");
    command
}

/// `binary()` with the fake's token and `args`.
pub fn with_token(args: &[&str]) -> assert_cmd::Command {
    let mut command = binary();
    command.env("APPMIXER_TOKEN", TOKEN).args(args);
    command
}

/// Runs a command and checks that nothing secret is in its output.
pub fn run(command: &mut assert_cmd::Command) -> super::Run {
    let output = command.output().expect("the binary runs");
    let run = super::Run::of(&output);
    assert_nothing_secret(&[&run.stdout, &run.stderr]);
    run
}
