//! Benchmark (not a test): `check --probe` of 1,000 records of 100 apps (ten records each, say
//! ten environments) with their registrations read through a loopback fake Graph; the fake Entra
//! and the fake Graph both answer every request after 50 ms. One Graph token and one read serve
//! the ten records of an app, so the registrations add about a tenth to the probe's requests.
//! Target: under 4 s. Run with `cargo bench --bench registration`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use support::graph::{self, GRAPH_TOKEN};
use support::{FakeEntra, Reply, Request};

const APPS: usize = 100;
const RECORDS_PER_APP: usize = 10;
const LATENCY: Duration = Duration::from_millis(50);
const TARGET: Duration = Duration::from_secs(4);
const CALLBACK: &str = "https://api.acme.appmixer.cloud/auth/azuredevops/callback";

fn app_id(index: usize) -> String {
    format!("11111111-2222-4333-8444-{index:012}")
}

fn main() -> ExitCode {
    let entra = FakeEntra::start(|request, _| {
        let reply = if request.is_discovery() {
            Reply::discovery()
        } else if request.is_graph_token() {
            graph::graph_token()
        } else {
            Reply::token()
        };
        reply.delay(LATENCY)
    });
    let fake_graph = graph::start(|request, _| {
        let reply = match request.target.split('\'').nth(1) {
            Some(id)
                if request.header("authorization") == Some(&format!("Bearer {GRAPH_TOKEN}")) =>
            {
                graph::reply(200, &graph::application(id, CALLBACK, "b3n"))
            }
            _ => Reply::new(404, "text/plain", "not found"),
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
    for index in 0..APPS * RECORDS_PER_APP {
        text.push_str(&format!(
            "- serviceId: appmixer:azuredevops\n  clientId: {}\n  clientSecret: ${{BENCH_SECRET}}\n  redirectUri: {CALLBACK}\n  tenantId: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n",
            app_id(index % APPS)
        ));
    }
    if let Err(error) = std::fs::write(&path, text) {
        eprintln!("cannot write {}: {error}", path.display());
        return ExitCode::FAILURE;
    }

    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_connector-lint"))
        .args(["check", "--probe", "--format", "json", "--authority"])
        .arg(entra.authority())
        .arg("--graph-url")
        .arg(fake_graph.authority())
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
    let records = APPS * RECORDS_PER_APP;
    let ok = stdout.matches("\"registration/ok\"").count();
    let graph_tokens = entra.count(Request::is_graph_token);
    let reads = fake_graph.requests().len();
    println!(
        "registration bench: {records} records of {APPS} apps, fake Entra and Graph answering after {} ms: {:.2} s (exit {:?}; {ok} registration/ok; {graph_tokens} Graph tokens, {reads} Graph reads)",
        LATENCY.as_millis(),
        elapsed.as_secs_f64(),
        output.status.code(),
    );
    if ok != records || graph_tokens != APPS || reads != APPS || elapsed >= TARGET {
        eprintln!(
            "FAILED: expected {records} registration/ok from {APPS} tokens and reads in under {} s",
            TARGET.as_secs()
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
