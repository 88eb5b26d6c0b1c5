//! The diagnostic model every stage produces and every report format consumes. Positions are
//! computed once, here, so no format has to recover them.

use crate::catalogue::{Code, Severity};
use crate::document::Span;
use crate::source::{Position, SourceText};

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// Index of the document in its file (YAML streams hold several).
    pub document: usize,
    /// JSON Pointer of the key or value inside its document.
    pub pointer: String,
    /// Byte range in the source text.
    pub span: Span,
    pub start: Position,
    /// The position just after the last character (exclusive).
    pub end: Position,
}

impl Location {
    pub fn new(
        source: &SourceText,
        document: usize,
        pointer: impl Into<String>,
        span: Span,
    ) -> Location {
        let start = source.position(span.start);
        let end = source.position(span.end.max(span.start));
        Location {
            document,
            pointer: pointer.into(),
            span,
            start,
            end,
        }
    }
}

/// A secondary place worth showing, e.g. the first occurrence of a duplicate key.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub location: Option<Location>,
    pub related: Vec<Related>,
    /// The edit that fixes it, when there is exactly one right answer (`check --fix`).
    pub fix: Option<crate::fix::Fix>,
}

impl Diagnostic {
    /// A diagnostic with the catalogue's severity and fix as help.
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            help: Some(code.rule().fix.to_owned()),
            location: None,
            related: Vec::new(),
            fix: None,
        }
    }

    /// A diagnostic with specific help (the catalogue's fix when `None`), located.
    pub fn located(
        code: Code,
        message: String,
        help: Option<String>,
        location: Location,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message,
            help: help.or_else(|| Some(code.rule().fix.to_owned())),
            location: Some(location),
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Option<crate::fix::Fix>) -> Diagnostic {
        self.fix = fix;
        self
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }
}
