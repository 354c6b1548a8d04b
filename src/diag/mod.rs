//! Diagnostics are data: one [`Diagnostic`] for everything the tool reports — an invalid
//! intent, a policy file Kubernetes would refuse, a workload, a KRM function's results, a
//! command line's failure. Each says what (a [`Code`], a one-line message, a help line), how
//! bad ([`Severity`]), and where (file, position, field path, the object it is about, other
//! places it involves). They are rendered at the edge, one renderer per format: [`text`] for
//! people (with [`excerpt`]s of the source), [`github`] for GitHub Actions' annotations,
//! [`json`] for programs, [`sarif`] for code scanning, [`krm`] for a ResourceList's results.

mod code;
pub mod excerpt;
pub mod github;
pub mod json;
pub mod krm;
mod printable;
pub mod sarif;
pub mod text;

pub use code::Code;
pub use printable::{escaped, printable, MAX_VALUE};

use crate::yaml::{Pos, Span};

/// How bad a diagnostic is. An error fails the run; a warning and an info do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The Kubernetes object a diagnostic is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

impl ResourceRef {
    /// The `networking.k8s.io/v1` NetworkPolicy `namespace/name`.
    pub fn policy(namespace: &str, name: &str) -> ResourceRef {
        ResourceRef {
            api_version: "networking.k8s.io/v1".into(),
            kind: "NetworkPolicy".into(),
            name: name.into(),
            namespace: Some(namespace.into()),
        }
    }
}

/// Another place a diagnostic involves, such as where a duplicate was first defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Its file, when it is not the diagnostic's.
    pub file: Option<String>,
    /// Where in that file; `None` for the file as a whole.
    pub span: Option<Span>,
    /// What is there, as in "first defined here".
    pub message: String,
}

/// One finding, or one failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// What kind of problem it is; `None` only for the command line's and the KRM function's
    /// own failures about no input's content (usage, standard input unreadable) and for a
    /// run's summary.
    pub code: Option<Code>,
    /// One terse line, no trailing period.
    pub message: String,
    /// What to do about it, such as "did you mean `podSelector`?".
    pub help: Option<String>,
    /// The value a fix would write (the known name a misspelt one is close to).
    pub proposed: Option<String>,
    /// The field path, as in `spec.workloads[2].podSelector`; empty for none.
    pub path: String,
    /// Where in the file; `None` when no position is known.
    pub span: Option<Span>,
    /// Other places it involves.
    pub related: Vec<Related>,
    /// The file it is about, as the user named it (`<stdin>` for standard input).
    pub file: Option<String>,
    /// The object it is about.
    pub resource: Option<ResourceRef>,
}

/// The name diagnostics give standard input as their file.
pub const STDIN: &str = "<stdin>";

impl Diagnostic {
    /// A diagnostic with a message only; the builders below add the rest. The text a
    /// diagnostic is given may echo anything a file holds: its message is made [`printable`]
    /// (control characters escaped, values in backticks cut), and its help, path, file and
    /// related messages [`escaped`] (the help is advice, whose commands are never cut).
    pub fn new(severity: Severity, code: Option<Code>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: printable(&message.into()),
            help: None,
            proposed: None,
            path: String::new(),
            span: None,
            related: Vec::new(),
            file: None,
            resource: None,
        }
    }

    /// An error about the field at `path` and `span`.
    pub fn error(code: Code, path: impl Into<String>, span: Span, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, Some(code), message).with_path(path).at(span)
    }

    /// An error of the given code about no field, with no position yet.
    pub fn problem(code: Code, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, Some(code), message)
    }

    /// An error without a code: a failure of the command line itself.
    pub fn failure(message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, None, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(escaped(&help.into()));
        self
    }

    /// The help `help`, when there is one (a YAML syntax error's hint, say).
    pub fn with_help_if(mut self, help: Option<&str>) -> Self {
        if let Some(help) = help {
            self.help = Some(escaped(help));
        }
        self
    }

    /// The help "did you mean `known`?" for a misspelt `given`, with `known` as the proposed
    /// value, when one of `known` is close; else `otherwise` as the help, if any.
    pub fn suggesting<'a>(
        mut self,
        given: &str,
        known: impl IntoIterator<Item = &'a str>,
        otherwise: Option<String>,
    ) -> Self {
        match closest(given, known) {
            Some(k) => {
                self.help = Some(format!("did you mean `{k}`?"));
                self.proposed = Some(k.to_string());
            }
            None => self.help = otherwise.map(|h| escaped(&h)),
        }
        self
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = escaped(&path.into());
        self
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// At `line` and `col` (1-based), as a place with no extent; nowhere when `line` is 0.
    pub fn at_line(mut self, line: usize, col: usize) -> Self {
        self.span = (line > 0).then(|| Span::point(Pos { line, col, offset: 0 }));
        self
    }

    /// No position: for results whose positions are not in the file they name.
    pub fn nowhere(mut self) -> Self {
        self.span = None;
        self
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(escaped(&file.into()));
        self
    }

    pub fn about(mut self, resource: Option<ResourceRef>) -> Self {
        self.resource = resource;
        self
    }

    /// Another place it involves, in `file` (the diagnostic's own when `None`).
    pub fn also_at(mut self, file: Option<&str>, span: Option<Span>, message: impl Into<String>) -> Self {
        let (file, message) = (file.map(escaped), printable(&message.into()));
        self.related.push(Related { file, span, message });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Where it starts; line 0 when no position is known.
    pub fn pos(&self) -> Pos {
        self.span.map(|s| s.start).unwrap_or_default()
    }

    pub fn line(&self) -> usize {
        self.pos().line
    }

    pub fn col(&self) -> usize {
        self.pos().col
    }
}

/// The field path of `key` in the mapping at `parent`: `parent.key`, or `parent["key"]` for a
/// key that is not a plain word (an annotation's, say).
pub fn key_path(parent: &str, key: &str) -> String {
    let simple = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (parent.is_empty(), simple) {
        (true, true) => key.to_string(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[{key:?}]"),
    }
}

/// Sorts diagnostics by position, then path, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (a.pos(), &a.path, a.code, &a.message).cmp(&(b.pos(), &b.path, b.code, &b.message)));
}

/// The closest of `known` to `given`, when it is close enough to be the one meant.
pub fn closest<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given_lower = given.to_ascii_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(&given_lower, &k.to_ascii_lowercase()), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, k)| k)
}

/// A "did you mean" help line for `given` among `known`, if one is close.
pub fn did_you_mean<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(given, known).map(|k| format!("did you mean `{k}`?"))
}

/// The place at `line` and `col`, for tests.
#[cfg(test)]
pub(crate) fn at(line: usize, col: usize) -> Pos {
    Pos { line, col, offset: 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let known = ["podSelector", "namespace", "name"];
        assert_eq!(closest("podSelectr", known), Some("podSelector"));
        assert_eq!(closest("PodSelector", known), Some("podSelector"));
        assert_eq!(closest("namespce", known), Some("namespace"));
        assert_eq!(closest("zzz", known), None);
    }

    #[test]
    fn a_suggestion_is_the_help_and_the_proposed_value() {
        let d = Diagnostic::problem(Code::UnknownField, "unknown field `podSelectr`");
        let d = d.suggesting("podSelectr", ["podSelector", "name"], Some("known: podSelector".into()));
        assert_eq!(
            (d.help.as_deref(), d.proposed.as_deref()),
            (Some("did you mean `podSelector`?"), Some("podSelector"))
        );
        let d = Diagnostic::problem(Code::UnknownField, "x").suggesting(
            "zzz",
            ["name"],
            Some("known: name".into()),
        );
        assert_eq!((d.help.as_deref(), d.proposed), (Some("known: name"), None));
    }

    #[test]
    fn a_line_of_zero_is_no_position() {
        let d = Diagnostic::problem(Code::Unreadable, "cannot read").at_line(0, 0);
        assert_eq!((d.span, d.line()), (None, 0));
        let d = d.at_line(3, 7);
        assert_eq!((d.line(), d.col()), (3, 7));
    }
}
