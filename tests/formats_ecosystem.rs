//! The pre-commit hook definition: parsed, and its file pattern tried on typical paths, since
//! pre-commit itself is not available to the tests.

use saphyr::{LoadableYamlNode, Yaml};

fn hooks(text: &str) -> Yaml<'_> {
    let mut documents = Yaml::load_from_str(text).expect("valid YAML");
    assert_eq!(documents.len(), 1);
    documents.remove(0)
}

fn field(hook: &Yaml<'_>, key: &str) -> String {
    hook.as_mapping_get(key)
        .and_then(|value| value.as_str())
        .unwrap_or_else(|| panic!("`{key}` is a string"))
        .to_owned()
}

#[test]
fn the_hook_runs_check_on_connector_configurations_only() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .expect("the hook definition exists");
    let hooks = hooks(&text);
    let hook = hooks.as_sequence_get(0).expect("one hook");
    assert_eq!(field(hook, "id"), "connector-lint");
    assert_eq!(field(hook, "language"), "rust");
    assert_eq!(field(hook, "entry"), "connector-lint check");
    let files = regex::Regex::new(&field(hook, "files")).expect("a valid pattern");
    for path in [
        "azdo.yaml",
        "config/azdo.yml",
        "deploy/azure-devops.json",
        "azuredevops.prod.yaml",
    ] {
        assert!(files.is_match(path), "{path} is checked");
    }
    for path in [
        ".github/workflows/ci.yml",
        "package.json",
        "config/slack.yaml",
        "azdo/readme.md",
    ] {
        assert!(!files.is_match(path), "{path} is not checked");
    }
}
