//! Domain rules a schema cannot express: pure functions over the typed record, one file per
//! subject. Each finding names the key it is about; the pipeline turns the key into a source span.

use crate::catalogue::Code;
use crate::record::Record;

/// What the rules may know beyond the record.
#[derive(Debug, Clone, Default)]
pub struct RuleContext {
    /// `--api-url`: the Appmixer API base URL the redirect URI is derived from.
    pub api_url: Option<url::Url>,
}

/// One rule finding, before positions are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    /// The key the finding is about (`None`: the record itself).
    pub key: Option<String>,
    pub message: String,
    /// Specific help; the catalogue's fix when `None`.
    pub help: Option<String>,
}

impl Finding {
    pub fn new(code: Code, key: &str, message: impl Into<String>) -> Finding {
        Finding {
            code,
            key: Some(key.to_owned()),
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }
}

/// Runs every rule over one record.
pub fn check(_record: &Record, _context: &RuleContext) -> Vec<Finding> {
    Vec::new()
}
