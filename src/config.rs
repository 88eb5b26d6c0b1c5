//! The project file `connector-lint.toml`: what a team would otherwise repeat on every command
//! line. Reading it is pure (`parse`); finding it (the working directory, then each parent) and
//! reading the file are the edges. [`Policy`] is what a run applies per file: the codes to leave
//! out and the API URL to compare against, each chosen by path glob.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use toml::Spanned;

use crate::suppress::{self, IgnoreSet};

/// The name of the project file.
pub const FILE_NAME: &str = "connector-lint.toml";

/// A project file bigger than this is not a project file.
const MAX_SIZE: u64 = 256 * 1024;

/// A project file that cannot be used: a usage error (exit 2) naming the file and the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|line| format!(":{line}")).unwrap_or_default())]
pub struct ConfigError {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFile {
    ignore: Option<Vec<Spanned<String>>>,
    api_url: Option<Spanned<String>>,
    deny_warnings: Option<bool>,
    expiry_warning: Option<Spanned<i64>>,
    exclude: Option<Vec<Spanned<String>>>,
    allow_unset_env: Option<bool>,
    per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    per_file_api_url: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// A path glob from the project file or the command line, matched relative to `base`.
#[derive(Debug, Clone)]
pub struct PathGlob {
    pub text: String,
    /// The glob itself, and the glob with `/**` (so `fixtures` or `config/old` covers what is
    /// under it).
    matchers: [GlobMatcher; 2],
    /// A glob without a `/` matches a file or directory name at any depth, as in `.gitignore`.
    name_only: bool,
    base: PathBuf,
    /// The line in the project file, for messages.
    pub line: Option<usize>,
}

impl PathGlob {
    /// `base` is the directory the glob is relative to (absolute).
    pub fn new(text: &str, base: &Path) -> Result<PathGlob, String> {
        let trimmed = text.trim();
        let cleaned = trimmed
            .strip_prefix("./")
            .unwrap_or(trimmed)
            .trim_end_matches('/');
        if cleaned.is_empty() {
            return Err(format!("`{text}` is not a path glob"));
        }
        let build = |pattern: &str| {
            GlobBuilder::new(pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map(|glob| glob.compile_matcher())
                .map_err(|error| format!("`{text}` is not a valid glob: {}", error.kind()))
        };
        Ok(PathGlob {
            text: text.to_owned(),
            matchers: [build(cleaned)?, build(&format!("{cleaned}/**"))?],
            name_only: !cleaned.contains('/'),
            base: base.to_path_buf(),
            line: None,
        })
    }

    /// Whether the glob covers `path` (as given or found; relative paths are relative to `cwd`).
    pub fn matches(&self, path: &Path, cwd: &Path) -> bool {
        let absolute = normalize(&cwd.join(path));
        let Ok(relative) = absolute.strip_prefix(&self.base) else {
            return false;
        };
        if self.name_only {
            return relative
                .components()
                .any(|component| self.matchers[0].is_match(component.as_os_str()));
        }
        self.matchers
            .iter()
            .any(|matcher| matcher.is_match(relative))
    }
}

/// `a/./b/../c` as `a/c`, without asking the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A validated project file.
#[derive(Debug, Clone)]
pub struct ProjectFile {
    pub path: PathBuf,
    pub ignore: IgnoreSet,
    pub api_url: Option<url::Url>,
    pub deny_warnings: Option<bool>,
    /// Days before a secret's expiry that `--probe` warns (`--expiry-warning`).
    pub expiry_warning: Option<u32>,
    pub exclude: Vec<PathGlob>,
    pub allow_unset_env: Option<bool>,
    pub per_file_ignores: Vec<(PathGlob, IgnoreSet)>,
    pub per_file_api_url: Vec<(PathGlob, url::Url)>,
}

/// The Appmixer API base URL: an absolute http(s) URL with a host.
pub fn parse_api_url(text: &str) -> Result<url::Url, String> {
    let text = text.trim();
    match url::Url::parse(text) {
        // Every expected redirect URI is derived from it: a wrong one would make every piece of
        // advice wrong, so it is refused, with the URL to give, before anything is checked.
        Ok(url) if matches!(url.scheme(), "https" | "http") && url.host().is_some() => {
            crate::rules::api_url::judge(&url)
                .map_err(|refusal| {
                    crate::report::redact::hide_url_credentials(&refusal.to_string(), &url)
                })
                .map(|()| url)
        }
        _ => Err(format!(
            "`{}` is not an absolute http(s) URL; give the Appmixer API base URL, e.g. https://api.acme.appmixer.cloud",
            crate::report::redact::url_for_display(text)
        )),
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|byte| **byte == b'\n')
        .count()
        + 1
}

/// Reads a project file's text. `path` names it in messages; `base` is its directory
/// (absolute), which its globs are relative to.
pub fn parse(text: &str, path: &Path, base: &Path) -> Result<ProjectFile, ConfigError> {
    let shown = path.display().to_string();
    let error_at = |span: Option<std::ops::Range<usize>>, message: String| ConfigError {
        path: shown.clone(),
        line: span.map(|span| line_of(text, span.start)),
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|error| {
        error_at(
            error.span(),
            with_key_suggestion(error.message().trim_end()),
        )
    })?;
    let selectors = |codes: &[Spanned<String>]| -> Result<IgnoreSet, ConfigError> {
        codes
            .iter()
            .map(|code| {
                suppress::parse_selector(code.get_ref())
                    .map_err(|error| error_at(Some(code.span()), error.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(IgnoreSet::new)
    };
    let glob = |pattern: &Spanned<String>| -> Result<PathGlob, ConfigError> {
        let mut glob = PathGlob::new(pattern.get_ref(), base)
            .map_err(|message| error_at(Some(pattern.span()), message))?;
        glob.line = Some(line_of(text, pattern.span().start));
        Ok(glob)
    };
    let url = |value: &Spanned<String>| {
        parse_api_url(value.get_ref()).map_err(|message| error_at(Some(value.span()), message))
    };
    // The same rule as `--expiry-warning`'s.
    let expiry_warning = raw
        .expiry_warning
        .map(|days| {
            crate::registration::parse_expiry_warning(&days.get_ref().to_string()).map_err(
                |message| error_at(Some(days.span()), format!("expiry-warning: {message}")),
            )
        })
        .transpose()?;
    let mut per_file_ignores = Vec::new();
    for (pattern, codes) in raw.per_file_ignores.iter().flatten() {
        per_file_ignores.push((glob(pattern)?, selectors(codes)?));
    }
    let mut per_file_api_url = Vec::new();
    for (pattern, api) in raw.per_file_api_url.iter().flatten() {
        per_file_api_url.push((glob(pattern)?, url(api)?));
    }
    Ok(ProjectFile {
        path: path.to_path_buf(),
        ignore: selectors(raw.ignore.as_deref().unwrap_or_default())?,
        api_url: raw.api_url.as_ref().map(url).transpose()?,
        deny_warnings: raw.deny_warnings,
        expiry_warning,
        exclude: raw
            .exclude
            .iter()
            .flatten()
            .map(glob)
            .collect::<Result<_, _>>()?,
        allow_unset_env: raw.allow_unset_env,
        per_file_ignores,
        per_file_api_url,
    })
}

const KEYS: &[&str] = &[
    "ignore",
    "api-url",
    "deny-warnings",
    "expiry-warning",
    "exclude",
    "allow-unset-env",
    "per-file-ignores",
    "per-file-api-url",
];

/// serde says "unknown field `x`, expected one of ..."; say which key was meant.
fn with_key_suggestion(message: &str) -> String {
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    let Some(name) = unknown else {
        return message.to_owned();
    };
    let closest = KEYS
        .iter()
        .map(|key| (strsim::jaro_winkler(name, key), *key))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        Some((_, key)) => format!("unknown key `{name}`; did you mean `{key}`?"),
        None => format!(
            "unknown key `{name}`; the keys are {}",
            KEYS.iter()
                .map(|key| format!("`{key}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The project file that applies in `cwd`: `connector-lint.toml` there or in the nearest parent.
pub fn discover(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .map(|directory| directory.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads and validates the project file at `path` (an edge: reads the file).
pub fn load(path: &Path) -> Result<ProjectFile, ConfigError> {
    let shown = path.display().to_string();
    let failed = |message: String| ConfigError {
        path: shown.clone(),
        line: None,
        message,
    };
    let metadata = std::fs::metadata(path).map_err(|error| failed(error.to_string()))?;
    if !metadata.is_file() || metadata.len() > MAX_SIZE {
        return Err(failed(format!(
            "not a project file (a regular file of at most {} KiB)",
            MAX_SIZE / 1024
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|error| failed(error.to_string()))?;
    let base = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .canonicalize()
        .map_err(|error| failed(error.to_string()))?;
    parse(&text, path, &base)
}

/// What a run applies to each file: codes to leave out, and per-path API URLs.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// `--ignore` and the project file's `ignore`.
    pub ignore: IgnoreSet,
    pub per_file_ignores: Vec<(PathGlob, IgnoreSet)>,
    /// Empty when `--api-url` is given: the flag wins.
    pub per_file_api_url: Vec<(PathGlob, url::Url)>,
    /// The working directory relative paths are relative to.
    pub cwd: PathBuf,
}

impl Policy {
    /// The ignore sets that apply to the file `name` (as given or found).
    pub fn ignores_for(&self, name: &str) -> Vec<&IgnoreSet> {
        let path = Path::new(name);
        std::iter::once(&self.ignore)
            .filter(|set| !set.is_empty())
            .chain(
                self.per_file_ignores
                    .iter()
                    .filter(|(glob, _)| glob.matches(path, &self.cwd))
                    .map(|(_, set)| set),
            )
            .collect()
    }

    /// The per-path API URLs that cover the file `name`, with their globs.
    pub fn api_urls_for(&self, name: &str) -> Vec<&(PathGlob, url::Url)> {
        let path = Path::new(name);
        self.per_file_api_url
            .iter()
            .filter(|(glob, _)| glob.matches(path, &self.cwd))
            .collect()
    }

    /// The API URL the file `name` is compared against, when a per-path one covers it. Two
    /// different URLs for one file are refused before the run (see [`Policy::api_url_conflict`]).
    pub fn api_url_for(&self, name: &str) -> Option<&url::Url> {
        self.api_urls_for(name).first().map(|(_, url)| url)
    }

    /// A message when two per-path API URLs with different values cover the file `name`.
    pub fn api_url_conflict(&self, name: &str) -> Option<String> {
        let found = self.api_urls_for(name);
        let first = found.first()?;
        let other = found.iter().find(|(_, url)| *url != first.1)?;
        let line = |glob: &PathGlob| {
            glob.line
                .map(|line| format!(" (line {line})"))
                .unwrap_or_default()
        };
        Some(format!(
            "`{name}` is covered by two `per-file-api-url` globs with different URLs: `{}`{} and `{}`{}; make them cover different files",
            first.0.text,
            line(&first.0),
            other.0.text,
            line(&other.0)
        ))
    }
}

/// The settings of a `check` run: the flags, with the project file filling in what they leave
/// open. Flags win: `--api-url` (or `APPMIXER_API_URL`) replaces every API URL of the file;
/// `--ignore` and `--exclude` add to the file's lists.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub api_url: Option<url::Url>,
    pub deny_warnings: bool,
    pub allow_unset_env: bool,
    pub expiry_warning: Option<u32>,
    /// `--exclude` (relative to the working directory) and the file's `exclude`.
    pub exclude: Vec<PathGlob>,
    pub policy: Policy,
    /// The project file read, if any.
    pub project_file: Option<PathBuf>,
}

impl Settings {
    /// Whether a directory walk leaves `path` out.
    pub fn excludes(&self, path: &Path) -> bool {
        self.exclude
            .iter()
            .any(|glob| glob.matches(path, &self.policy.cwd))
    }
}

/// Resolves the settings of `check` in `cwd` (an edge: finds and reads the project file). The
/// error is a usage error's message.
pub fn resolve(args: &crate::cli::CheckArgs, cwd: &Path) -> Result<Settings, String> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => discover(cwd).map(|found| {
            // Shown relative to the working directory when it is in it.
            found
                .strip_prefix(cwd)
                .map(Path::to_path_buf)
                .unwrap_or(found)
        }),
    };
    let file = match &path {
        Some(path) => Some(load(&cwd.join(path)).map_err(|mut error| {
            error.path = path.display().to_string();
            error.to_string()
        })?),
        None => None,
    };
    let mut ignore = IgnoreSet::default();
    for text in &args.ignore {
        let selector =
            suppress::parse_selector(text).map_err(|error| format!("--ignore: {error}"))?;
        ignore.extend(&IgnoreSet::new(vec![selector]));
    }
    let mut exclude = Vec::new();
    for text in &args.exclude {
        exclude.push(PathGlob::new(text, cwd).map_err(|error| format!("--exclude: {error}"))?);
    }
    let flag_api_url = match args.api_url.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => {
            Some(parse_api_url(text).map_err(|error| format!("--api-url {error}"))?)
        }
        _ => None,
    };
    let mut settings = Settings {
        deny_warnings: args.deny_warnings,
        allow_unset_env: args.allow_unset_env,
        expiry_warning: args.expiry_warning,
        exclude,
        policy: Policy {
            cwd: cwd.to_path_buf(),
            ..Policy::default()
        },
        project_file: path,
        ..Settings::default()
    };
    if let Some(file) = file {
        ignore.extend(&file.ignore);
        settings.deny_warnings |= file.deny_warnings.unwrap_or(false);
        settings.allow_unset_env |= file.allow_unset_env.unwrap_or(false);
        settings.expiry_warning = args.expiry_warning.or(file.expiry_warning);
        settings.exclude.extend(file.exclude);
        settings.policy.per_file_ignores = file.per_file_ignores;
        if flag_api_url.is_none() {
            settings.api_url = file.api_url;
            settings.policy.per_file_api_url = file.per_file_api_url;
        }
    }
    if flag_api_url.is_some() {
        settings.api_url = flag_api_url;
    }
    settings.policy.ignore = ignore;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<ProjectFile, ConfigError> {
        parse(text, Path::new("connector-lint.toml"), Path::new("/repo"))
    }

    #[test]
    fn every_key_is_read() {
        let file = parsed(
            "ignore = [\"key/unknown\", \"client-secret/\"]\napi-url = \"https://api.acme.appmixer.cloud\"\ndeny-warnings = true\nexpiry-warning = 14\nexclude = [\"fixtures/**\"]\nallow-unset-env = true\n\n[per-file-ignores]\n\"tests/*.yaml\" = [\"client-secret/plaintext\"]\n\n[per-file-api-url]\n\"prod/*.yaml\" = \"https://api.prod.appmixer.cloud\"\n",
        )
        .unwrap();
        assert!(file.ignore.matches(crate::catalogue::Code::KeyUnknown));
        assert!(
            file.ignore
                .matches(crate::catalogue::Code::ClientSecretPlaintext)
        );
        assert_eq!(
            file.api_url.as_ref().map(url::Url::as_str),
            Some("https://api.acme.appmixer.cloud/")
        );
        assert_eq!(file.deny_warnings, Some(true));
        assert_eq!(file.expiry_warning, Some(14));
        assert_eq!(file.exclude.len(), 1);
        assert_eq!(file.allow_unset_env, Some(true));
        assert_eq!(file.per_file_ignores.len(), 1);
        assert_eq!(file.per_file_api_url[0].0.line, Some(12));
    }

    #[test]
    fn mistakes_name_the_line() {
        let error = parsed("deny-warnings = true\nignores = []\n").unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(
            error.message.contains("did you mean `ignore`"),
            "{}",
            error.message
        );
        let error = parsed("\ndeny-warnings = \"yes\"\n").unwrap_err();
        assert_eq!(error.line, Some(2), "{error}");
        let error = parsed("ignore = [\n  \"key/unknown\",\n  \"key/unknwn\",\n]\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(
            error.message.contains("did you mean `key/unknown`"),
            "{error}"
        );
        assert_eq!(
            error.to_string(),
            format!("connector-lint.toml:3: {}", error.message)
        );
        let error = parsed("[per-file-ignores]\n\"a/*\" = [\"load/syntax\"]\n").unwrap_err();
        assert_eq!(error.line, Some(2));
        let error = parsed("api-url = \"api.acme.appmixer.cloud\"\n").unwrap_err();
        assert_eq!(error.line, Some(1));
        let error = parsed("exclude = [\"a[\"]\n").unwrap_err();
        assert_eq!(error.line, Some(1));
        let error = parsed("expiry-warning = -3\n").unwrap_err();
        assert_eq!(error.line, Some(1));
        let error = parsed("[per-file-api-url]\n\"a\" = 3\n").unwrap_err();
        assert_eq!(error.line, Some(2), "{error}");
    }

    #[test]
    fn globs_match_relative_to_their_base() {
        let base = Path::new("/repo");
        let nested = PathGlob::new("config/prod/*.yaml", base).unwrap();
        assert!(nested.matches(Path::new("config/prod/azdo.yaml"), base));
        assert!(nested.matches(Path::new("./config/prod/azdo.yaml"), base));
        assert!(nested.matches(Path::new("prod/azdo.yaml"), Path::new("/repo/config")));
        assert!(!nested.matches(Path::new("config/prod/x/azdo.yaml"), base));
        assert!(!nested.matches(Path::new("config/prod/azdo.yaml"), Path::new("/elsewhere")));
        let name = PathGlob::new("*.fixture.yaml", base).unwrap();
        assert!(name.matches(Path::new("a/b/c.fixture.yaml"), base));
        let directory = PathGlob::new("legacy/", base).unwrap();
        assert!(directory.matches(Path::new("config/legacy/azdo.yaml"), base));
        assert!(directory.matches(Path::new("legacy"), base));
        let under = PathGlob::new("config/old", base).unwrap();
        assert!(under.matches(Path::new("config/old/a/b.yaml"), base));
        assert!(!under.matches(Path::new("config/older/b.yaml"), base));
    }

    #[test]
    fn conflicting_api_urls_are_named() {
        let base = PathBuf::from("/repo");
        let url = |text: &str| url::Url::parse(text).unwrap();
        let policy = Policy {
            per_file_api_url: vec![
                (
                    PathGlob::new("*.yaml", &base).unwrap(),
                    url("https://api.a.appmixer.cloud"),
                ),
                (
                    PathGlob::new("prod/*", &base).unwrap(),
                    url("https://api.b.appmixer.cloud"),
                ),
            ],
            cwd: base.clone(),
            ..Policy::default()
        };
        assert!(policy.api_url_conflict("staging/x.yaml").is_none());
        assert_eq!(
            policy.api_url_for("staging/x.yaml").map(url::Url::as_str),
            Some("https://api.a.appmixer.cloud/")
        );
        assert!(policy.api_url_conflict("prod/x.yaml").is_some());
        assert!(policy.api_url_for("prod/x.json").is_some());
    }
}
