//! A fake Entra on 127.0.0.1 for the probe's end-to-end tests and benchmark: a thread accepting
//! connections, one thread per connection serving scripted HTTP/1.1 answers (`Connection:
//! close`), recording every request (line, headers, body) so tests can assert where the secret
//! went. Nothing here touches the internet.

#![allow(dead_code)] // each test binary uses a different part

pub mod appmixer;
pub mod faults;
pub mod graph;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn is_discovery(&self) -> bool {
        self.target
            .ends_with("/v2.0/.well-known/openid-configuration")
    }

    pub fn is_token(&self) -> bool {
        self.target.ends_with("/oauth2/v2.0/token")
    }

    /// The decoded `application/x-www-form-urlencoded` body.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect()
    }

    pub fn form_value(&self, key: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (a slow server).
    pub delay: Duration,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(status, "application/json; charset=utf-8", body)
    }

    /// A body from `fixtures/entra/`.
    pub fn fixture(status: u16, file: &str) -> Reply {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/entra")
            .join(file);
        let body =
            std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let content_type = if file.ends_with(".json") {
            "application/json; charset=utf-8"
        } else if file.ends_with(".html") {
            "text/html"
        } else {
            "text/plain"
        };
        Reply::new(status, content_type, body)
    }

    /// The discovery document of a public-cloud tenant.
    pub fn discovery() -> Reply {
        Reply::fixture(200, "discovery-200.json")
    }

    /// A token answer (the token is synthetic).
    pub fn token() -> Reply {
        Reply::fixture(200, "token-200-ok.json")
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

/// The running fake. Dropping it stops accepting connections.
pub struct FakeEntra {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl FakeEntra {
    /// Serves `handler(request, n)` where `n` counts requests of the same kind (discovery, token,
    /// other) from 0, so a script can answer "429 first, then a token".
    pub fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> FakeEntra {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let counters = Arc::new([
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        ]);
        {
            let requests = Arc::clone(&requests);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let requests = Arc::clone(&requests);
                    let handler = Arc::clone(&handler);
                    let counters = Arc::clone(&counters);
                    thread::spawn(move || serve(stream, &requests, handler.as_ref(), &counters));
                }
            });
        }
        FakeEntra {
            addr,
            requests,
            stop,
        }
    }

    /// Discovery and token endpoints with fixed answers; anything else is a 404.
    pub fn scripted(discovery: Reply, token: Reply) -> FakeEntra {
        FakeEntra::start(move |request, _| {
            if request.is_discovery() {
                discovery.clone()
            } else if request.is_token() {
                token.clone()
            } else {
                Reply::new(404, "text/plain", "not found")
            }
        })
    }

    /// `http://127.0.0.1:PORT`, for `--authority`.
    pub fn authority(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub fn count(&self, kind: fn(&Request) -> bool) -> usize {
        self.requests()
            .iter()
            .filter(|request| kind(request))
            .count()
    }
}

impl Drop for FakeEntra {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(
    stream: TcpStream,
    requests: &Mutex<Vec<Request>>,
    handler: &Handler,
    counters: &[AtomicUsize; 3],
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let kind = if request.is_discovery() {
        0
    } else if request.is_token() {
        1
    } else {
        2
    };
    let n = counters[kind].fetch_add(1, Ordering::SeqCst);
    requests
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(request.clone());
    let reply = handler(&request, n);
    if !reply.delay.is_zero() {
        thread::sleep(reply.delay);
    }
    write_reply(&mut writer, &reply);
}

/// Writes a complete answer (`Connection: close`, with its `Content-Length`).
fn write_reply(writer: &mut impl Write, reply: &Reply) {
    let reason = match reply.status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    let _ = writer.write_all(head.as_bytes());
    let _ = writer.write_all(&reply.body);
    let _ = writer.flush();
}

fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

/// What one run of the binary printed.
#[allow(dead_code)] // each test binary uses its own part of the support module
pub struct Run {
    /// -1 for a run that was killed (no exit code).
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

#[allow(dead_code)]
impl Run {
    pub fn of(output: &std::process::Output) -> Run {
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Standard output as a JSON report.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("not JSON ({error}):\n{}", self.stdout))
    }
}

/// The diagnostics of a JSON report whose code starts with one of `prefixes`, in report order.
#[allow(dead_code)] // each test binary uses its own part of the support module
pub fn diagnostics_with_prefix(
    report: &serde_json::Value,
    prefixes: &[&str],
) -> Vec<serde_json::Value> {
    report["files"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|file| file["diagnostics"].as_array().cloned().unwrap_or_default())
        .filter(|diagnostic| {
            diagnostic["code"]
                .as_str()
                .is_some_and(|code| prefixes.iter().any(|prefix| code.starts_with(prefix)))
        })
        .collect()
}
