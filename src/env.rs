//! `${NAME}` environment references in string values, resolved before the schema and rules run.

/// The outcome of resolving the references in one string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The text with every reference replaced; `None` when a variable is unset.
    pub value: Option<String>,
    /// The names referenced, in order.
    pub names: Vec<String>,
    /// The names that are not set.
    pub undefined: Vec<String>,
}

fn is_name_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_name_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Finds the references in `text`: `(byte range of "${NAME}", NAME)`.
pub fn references(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    // Every string value of every record goes through here; most hold no `$` at all.
    while let Some(offset) = memchr::memchr(b'$', &bytes[from..]) {
        let index = from + offset;
        from = index + 1;
        if bytes.get(index + 1) != Some(&b'{') {
            continue;
        }
        let name_start = index + 2;
        let mut end = name_start;
        if bytes.get(end).copied().is_some_and(is_name_start) {
            while bytes.get(end).copied().is_some_and(is_name_char) {
                end += 1;
            }
            if bytes.get(end) == Some(&b'}') {
                found.push((index..end + 1, &text[name_start..end]));
                from = end + 1;
            }
        }
    }
    found
}

/// Whether a source text (quotes included) holds nothing but `${NAME}` references: it names
/// variables and is no secret itself, whatever key holds it.
pub fn is_only_references(text: &str) -> bool {
    let inner = text.trim().trim_matches(['"', '\'']);
    let references = references(inner);
    !references.is_empty()
        && references
            .iter()
            .map(|(range, _)| range.len())
            .sum::<usize>()
            == inner.len()
}

/// Replaces every `${NAME}` in `text` using `lookup`.
pub fn resolve(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Resolved {
    if memchr::memchr(b'$', text.as_bytes()).is_none() {
        return Resolved {
            value: Some(text.to_owned()),
            names: Vec::new(),
            undefined: Vec::new(),
        };
    }
    let mut value = String::with_capacity(text.len());
    let mut names = Vec::new();
    let mut undefined = Vec::new();
    let mut last = 0;
    for (range, name) in references(text) {
        value.push_str(&text[last..range.start]);
        match lookup(name) {
            Some(replacement) => value.push_str(&replacement),
            None => undefined.push(name.to_owned()),
        }
        names.push(name.to_owned());
        last = range.end;
    }
    value.push_str(&text[last..]);
    Resolved {
        value: undefined.is_empty().then_some(value),
        names,
        undefined,
    }
}

/// Looks a variable up in the process environment (empty counts as set).
pub fn process_environment(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<String> {
        match name {
            "HOST" => Some("api.acme.appmixer.cloud".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn replaces_references_anywhere() {
        let resolved = resolve("https://${HOST}/auth/azuredevops/callback", &lookup);
        assert_eq!(
            resolved.value.as_deref(),
            Some("https://api.acme.appmixer.cloud/auth/azuredevops/callback")
        );
        assert_eq!(resolved.names, vec!["HOST"]);
        assert_eq!(resolve("${EMPTY}", &lookup).value.as_deref(), Some(""));
    }

    #[test]
    fn reports_unset_variables() {
        let resolved = resolve("${HOST}-${NOPE}", &lookup);
        assert_eq!(resolved.value, None);
        assert_eq!(resolved.undefined, vec!["NOPE"]);
    }

    #[test]
    fn pure_references_are_recognised() {
        assert!(is_only_references("${AZDO_CLIENT_SECRET}"));
        assert!(is_only_references("\"${A}${B}\""));
        assert!(!is_only_references("x${A}"));
        assert!(!is_only_references("${A} # old: hunter2"));
        assert!(!is_only_references(""));
    }

    #[test]
    fn leaves_non_references_alone() {
        for text in ["$HOST", "${}", "${1A}", "${HOST", "$", "price: $5 {x}"] {
            let resolved = resolve(text, &lookup);
            assert_eq!(resolved.value.as_deref(), Some(text));
            assert!(resolved.names.is_empty());
        }
    }
}
