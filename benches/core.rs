//! Micro-benchmarks of one record through each stage: loading, shape validation, rules, and the
//! whole per-file pipeline. Run with `cargo bench --bench core`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use connector_lint::check::{Options, check_source};
use connector_lint::connectors::AZURE_DEVOPS;
use connector_lint::document;
use connector_lint::record::{Origin, Record};
use connector_lint::rules::{self, RuleContext};
use connector_lint::schema;
use connector_lint::source::{Format, SourceText};

const YAML: &str = "# connector configuration\nserviceId: appmixer:azuredevops\nclientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: Zk38Q~aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z\nredirectUri: https://api.acme.appmixer.cloud/auth/azuredevops/callback\ntenantId: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n";

fn benches(c: &mut Criterion) {
    let source = SourceText::new("bench.yaml", Format::Yaml, YAML.to_owned());
    c.bench_function("load yaml record", |b| {
        b.iter(|| document::load(black_box(&source)))
    });

    let instance = document::load(&source).documents[0].to_json();
    let json_text = serde_json::to_string(&instance).expect("JSON text");
    let json_source = SourceText::new("bench.json", Format::Json, json_text);
    c.bench_function("load json record", |b| {
        b.iter(|| document::load(black_box(&json_source)))
    });

    c.bench_function("schema validation", |b| {
        b.iter(|| schema::validate(&AZURE_DEVOPS, black_box(&instance)))
    });

    let mut record = Record::new(&AZURE_DEVOPS);
    for (key, value) in instance.as_object().expect("object") {
        if let Some(text) = value.as_str() {
            record.set(key, text.to_owned(), Origin::Literal);
        }
    }
    let context = RuleContext::default();
    c.bench_function("rules", |b| {
        b.iter(|| rules::check(black_box(&record), black_box(&context)))
    });

    let options = Options::default();
    c.bench_function("check one file (load, shape, rules)", |b| {
        b.iter(|| check_source(black_box(source.clone()), &options))
    });
}

criterion_group!(core, benches);
criterion_main!(core);
