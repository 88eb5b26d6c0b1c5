//! Benchmark (not a test): `check --probe` of 1,000 records against the loopback fake Entra
//! answering every request after 50 ms. Target: under 3 s. Run with `cargo bench --bench probe`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use support::{FakeEntra, Reply, Request};

const RECORDS: usize = 1_000;
const LATENCY: Duration = Duration::from_millis(50);
const TARGET: Duration = Duration::from_secs(3);

fn main() -> ExitCode {
    let fake = FakeEntra::start(|request, _| {
        let reply = if request.is_discovery() {
            Reply::discovery()
        } else {
            Reply::token()
        };
        reply.delay(LATENCY)
    });
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!("cannot create a temporary directory: {error}");
            return ExitCode::FAILURE;
        }
    };
    let path = dir.path().join("records.yaml");
    let mut text = String::new();
    for index in 0..RECORDS {
        text.push_str(&format!(
            "- serviceId: appmixer:azuredevops\n  clientId: 11111111-2222-4333-8444-{index:012}\n  clientSecret: ${{BENCH_SECRET}}\n  tenantId: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n"
        ));
    }
    if let Err(error) = std::fs::write(&path, text) {
        eprintln!("cannot write {}: {error}", path.display());
        return ExitCode::FAILURE;
    }

    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_connector-lint"))
        .args(["check", "--probe", "--format", "json", "--authority"])
        .arg(fake.authority())
        .arg(&path)
        .env("BENCH_SECRET", "b3nQ~bench.Secret_Value-0123456789abcdef")
        .output();
    let elapsed = started.elapsed();
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            eprintln!("cannot run connector-lint: {error}");
            return ExitCode::FAILURE;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let ok = stdout.matches("\"probe/ok\"").count();
    let discoveries = fake.count(Request::is_discovery);
    let tokens = fake.count(Request::is_token);
    println!(
        "probe bench: {RECORDS} records, fake Entra answering after {} ms: {:.2} s (exit {:?}; {ok} probe/ok; {discoveries} discovery, {tokens} token requests)",
        LATENCY.as_millis(),
        elapsed.as_secs_f64(),
        output.status.code(),
    );
    if ok != RECORDS || elapsed >= TARGET {
        eprintln!(
            "FAILED: expected {RECORDS} probe/ok in under {} s",
            TARGET.as_secs()
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
