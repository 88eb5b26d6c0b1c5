//! `docs/rules.md` is generated from the catalogue and committed; this test fails, with a diff,
//! when the committed page is stale. Regenerate with `UPDATE_DOCS=1 cargo test --test rules_docs`.

use std::path::Path;

use connector_lint::explain::{DOCS_PATH, docs_markdown};

/// A short line diff: the first lines that differ, with their numbers.
fn diff(committed: &str, generated: &str) -> String {
    let committed: Vec<&str> = committed.lines().collect();
    let generated: Vec<&str> = generated.lines().collect();
    let mut out = String::new();
    let mut shown = 0;
    for index in 0..committed.len().max(generated.len()) {
        let (old, new) = (committed.get(index), generated.get(index));
        if old != new {
            out.push_str(&format!(
                "line {}:\n  - {}\n  + {}\n",
                index + 1,
                old.copied().unwrap_or("<end of file>"),
                new.copied().unwrap_or("<end of file>")
            ));
            shown += 1;
            if shown == 10 {
                out.push_str("  ...\n");
                break;
            }
        }
    }
    out
}

#[test]
fn docs_page_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DOCS_PATH);
    let generated = docs_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create docs/");
        }
        std::fs::write(&path, &generated).expect("write docs/rules.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{DOCS_PATH} is stale; regenerate it with `UPDATE_DOCS=1 cargo test --test rules_docs`:\n{}",
        diff(&committed, &generated)
    );
}
