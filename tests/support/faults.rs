//! Misbehaving servers on 127.0.0.1 for `tests/probe_faults.rs`: the transport faults a real
//! network (or a hostile proxy) produces, which the scripted `FakeEntra` cannot, because it always
//! writes a whole, well-formed answer.
//!
//! - `FaultyEntra`: plain HTTP; discovery is answered normally and the chosen endpoint gets the
//!   fault, so the token request (which carries the secret) is the one that breaks.
//! - `TlsEntra`: HTTPS with a freshly generated self-signed certificate, which the probe must not
//!   trust; it records whether any HTTP request ever got through the handshake.
//!
//! Every connection thread ends on its own: when the client goes away (a write fails), when the
//! server is dropped, or at `THREAD_LIFETIME` at the latest, so a test never leaks a busy thread.

use std::io::{BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{Reply, Request, read_request, write_reply};

/// The longest any connection thread lives (a dripping server stops here at the latest).
const THREAD_LIFETIME: Duration = Duration::from_secs(60);

/// How a server misbehaves on the endpoint it is set on.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Read the request, then reset the connection (TCP RST, `SO_LINGER` 0): no answer at all.
    Reset,
    /// Read the request, then close the connection cleanly (FIN) without answering.
    Close,
    /// Announce `declared` body bytes, send `body` (fewer), then close.
    Truncated { declared: usize, body: Vec<u8> },
    /// The status line and headers of a 200 with a large `Content-Length`, then one body byte
    /// per `interval` until the client hangs up.
    Drip { interval: Duration },
    /// A complete, well-formed answer whose body is `prefix` padded with spaces to `size` bytes.
    Huge {
        status: u16,
        prefix: Vec<u8>,
        size: usize,
    },
}

/// Which request gets the fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// OpenID discovery (no secret has been sent yet).
    Discovery,
    /// The token request (the secret is in its body).
    Token,
}

/// State shared by a server and its threads.
#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    connections: AtomicUsize,
    requests: Mutex<Vec<Request>>,
    /// What went wrong on connections that never produced a request (TLS handshakes).
    failures: Mutex<Vec<String>>,
}

impl Shared {
    fn record(&self, request: &Request) {
        self.requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(request.clone());
    }

    fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// Binds 127.0.0.1:0 and runs `serve` on a thread per connection until dropped.
struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    fn start(serve: impl Fn(TcpStream, &Shared) + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared::default());
        let serve = Arc::new(serve);
        {
            let shared = Arc::clone(&shared);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if shared.stopped() {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    shared.connections.fetch_add(1, Ordering::SeqCst);
                    // A client that stops talking must not pin the thread.
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
                    let shared = Arc::clone(&shared);
                    let serve = Arc::clone(&serve);
                    thread::spawn(move || serve(stream, &shared));
                }
            });
        }
        Server { addr, shared }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// A plain-HTTP Entra that answers discovery (and the token request) normally except at `stage`,
/// where it misbehaves as `fault` says.
pub struct FaultyEntra {
    server: Server,
}

impl FaultyEntra {
    pub fn start(stage: Stage, fault: Fault) -> FaultyEntra {
        let server = Server::start(move |stream, shared| {
            let Ok(reader) = stream.try_clone() else {
                return;
            };
            let Some(request) = read_request(&mut BufReader::new(reader)) else {
                return;
            };
            shared.record(&request);
            let faulty = match stage {
                Stage::Discovery => request.is_discovery(),
                Stage::Token => request.is_token(),
            };
            let mut stream = stream;
            if faulty {
                misbehave(stream, &fault, shared);
            } else if request.is_discovery() {
                write_reply(&mut stream, &Reply::discovery());
            } else if request.is_token() {
                write_reply(&mut stream, &Reply::token());
            } else {
                write_reply(&mut stream, &Reply::new(404, "text/plain", "not found"));
            }
        });
        FaultyEntra { server }
    }

    /// `http://127.0.0.1:PORT`, for `--authority`.
    pub fn authority(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.server.shared.requests()
    }
}

fn misbehave(mut stream: TcpStream, fault: &Fault, shared: &Shared) {
    match fault {
        Fault::Reset => {
            // SO_LINGER 0 turns the close into a RST: the client sees "connection reset", not a
            // clean end of stream.
            let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
            drop(stream);
        }
        Fault::Close => {
            let _ = stream.shutdown(Shutdown::Both);
        }
        Fault::Truncated { declared, body } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
            let _ = stream.flush();
            let _ = stream.shutdown(Shutdown::Both);
        }
        Fault::Drip { interval } => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n";
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let started = Instant::now();
            // `{` then spaces: valid JSON so far, and never complete.
            let mut next = b'{';
            while !shared.stopped() && started.elapsed() < THREAD_LIFETIME {
                if stream.write_all(&[next]).is_err() || stream.flush().is_err() {
                    return; // the client hung up
                }
                next = b' ';
                thread::sleep(*interval);
            }
        }
        Fault::Huge {
            status,
            prefix,
            size,
        } => {
            let mut body = prefix.clone();
            body.resize((*size).max(prefix.len()), b' ');
            let reply = Reply::json(*status, body);
            // The client stops reading early and hangs up: the write then fails, which is fine.
            write_reply(&mut stream, &reply);
        }
    }
}

/// An HTTPS Entra on 127.0.0.1 whose certificate is self-signed (valid for `127.0.0.1`, but issued
/// by nobody the probe trusts).
pub struct TlsEntra {
    server: Server,
}

impl TlsEntra {
    pub fn start() -> TlsEntra {
        let rcgen::CertifiedKey { cert, signing_key } = rcgen::generate_simple_self_signed(vec![
            "127.0.0.1".to_owned(),
            "localhost".to_owned(),
        ])
        .expect("self-signed certificate");
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
            rustls::pki_types::PrivatePkcs8KeyDer::from(signing_key.serialize_der()),
        );
        // The provider is named rather than taken from the process default, which depends on the
        // features the rest of the dependency tree happens to enable.
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .expect("server certificate");
        let config = Arc::new(config);
        let server = Server::start(move |stream, shared| {
            let connection = match rustls::ServerConnection::new(Arc::clone(&config)) {
                Ok(connection) => connection,
                Err(error) => {
                    shared.fail(format!("server set-up: {error}"));
                    return;
                }
            };
            let mut tls = rustls::StreamOwned::new(connection, stream);
            // Reading drives the handshake; a client that rejects the certificate makes it fail
            // here, before any byte of a request exists.
            while tls.conn.is_handshaking() {
                if let Err(error) = tls.conn.complete_io(&mut tls.sock) {
                    shared.fail(format!("handshake: {error}"));
                    return;
                }
            }
            let Some(request) = read_request(&mut BufReader::new(&mut tls)) else {
                shared.fail("no request after the handshake".to_owned());
                return;
            };
            shared.record(&request);
            let reply = if request.is_discovery() {
                Reply::discovery()
            } else {
                Reply::token()
            };
            write_reply(&mut tls, &reply);
        });
        TlsEntra { server }
    }

    /// `https://127.0.0.1:PORT`, for `--authority`.
    pub fn authority(&self) -> String {
        format!("https://{}", self.server.addr)
    }

    /// HTTP requests that got through the handshake.
    pub fn requests(&self) -> Vec<Request> {
        self.server.shared.requests()
    }

    /// Connections accepted (to show the probe did knock).
    pub fn connections(&self) -> usize {
        self.server.shared.connections.load(Ordering::SeqCst)
    }

    /// Why connections ended without a request.
    pub fn failures(&self) -> Vec<String> {
        self.server
            .shared
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Shared {
    fn fail(&self, why: String) {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(why);
    }
}
