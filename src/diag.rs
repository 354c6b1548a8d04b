//! Diagnostics are data: a code, a one-line message, the field path and the span it is about,
//! and an optional help line. They are rendered at the edge (see [`render_text`]); the KRM
//! function and the GitHub Action render the same data their own way.

use std::fmt;

use crate::yaml::{Pos, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Every kind of problem the tool reports, kebab-case when printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file is not YAML, or the YAML is refused by the parser's limits.
    YamlSyntax,
    /// The file holds no document, or more than one.
    NotOneDocument,
    /// `apiVersion` or `kind` is not that of a NetworkIntent.
    WrongKind,
    UnknownField,
    WrongType,
    MissingField,
    /// An empty list where at least one entry is needed.
    Empty,
    /// A name, namespace, label key or label value that Kubernetes would reject.
    InvalidName,
    InvalidPort,
    InvalidCidr,
    InvalidSelector,
    UnknownWorkload,
    DuplicateWorkload,
    /// The same allowance, namespace or list entry declared twice.
    Duplicate,
    /// `internet.egress` without Egress in `isolation`.
    EgressNotIsolated,
    /// A hub with neither `spokes` nor `accessLabel`.
    HubWithoutSpokes,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::YamlSyntax,
        Code::NotOneDocument,
        Code::WrongKind,
        Code::UnknownField,
        Code::WrongType,
        Code::MissingField,
        Code::Empty,
        Code::InvalidName,
        Code::InvalidPort,
        Code::InvalidCidr,
        Code::InvalidSelector,
        Code::UnknownWorkload,
        Code::DuplicateWorkload,
        Code::Duplicate,
        Code::EgressNotIsolated,
        Code::HubWithoutSpokes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "yaml-syntax",
            Code::NotOneDocument => "not-one-document",
            Code::WrongKind => "wrong-kind",
            Code::UnknownField => "unknown-field",
            Code::WrongType => "wrong-type",
            Code::MissingField => "missing-field",
            Code::Empty => "empty",
            Code::InvalidName => "invalid-name",
            Code::InvalidPort => "invalid-port",
            Code::InvalidCidr => "invalid-cidr",
            Code::InvalidSelector => "invalid-selector",
            Code::UnknownWorkload => "unknown-workload",
            Code::DuplicateWorkload => "duplicate-workload",
            Code::Duplicate => "duplicate",
            Code::EgressNotIsolated => "egress-not-isolated",
            Code::HubWithoutSpokes => "hub-without-spokes",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about one place in the intent file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// One terse line, no trailing period.
    pub message: String,
    /// The field path, as in `spec.workloads[2].podSelector`; empty for the whole file.
    pub path: String,
    /// Where in the file; the start of the file when nothing better is known.
    pub span: Span,
    /// What to do about it, such as "did you mean `podSelector`?".
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, path: impl Into<String>, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            path: path.into(),
            span,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn pos(&self) -> Pos {
        self.span.start
    }
}

/// Sorts diagnostics by position, then path, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.span.start, &a.path, a.code, &a.message).cmp(&(b.span.start, &b.path, b.code, &b.message))
    });
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

/// The human rendering, one diagnostic per block:
///
/// ```text
/// error[unknown-field]: intent.yaml:7:7: spec.workloads[0].podSelectr: unknown field `podSelectr`
///   help: did you mean `podSelector`?
/// ```
pub fn render_text(file: &str, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let Pos { line, col, .. } = d.pos();
        let path = if d.path.is_empty() { String::new() } else { format!(" {}:", d.path) };
        out.push_str(&format!(
            "{}[{}]: {file}:{line}:{col}:{path} {}\n",
            d.severity.as_str(),
            d.code,
            d.message
        ));
        if let Some(help) = &d.help {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{s}");
            assert!(seen.insert(s), "duplicate code {s}");
        }
    }

    #[test]
    fn suggests_close_names_only() {
        let known = ["podSelector", "namespace", "name"];
        assert_eq!(closest("podSelectr", known), Some("podSelector"));
        assert_eq!(closest("PodSelector", known), Some("podSelector"));
        assert_eq!(closest("namespce", known), Some("namespace"));
        assert_eq!(closest("zzz", known), None);
    }

    #[test]
    fn renders_file_line_column_path_and_help() {
        let span = Span { start: Pos { line: 7, col: 5, offset: 0 }, end: Pos::default() };
        let d = Diagnostic::error(Code::UnknownField, "spec.foo", span, "unknown field `foo`")
            .with_help("did you mean `dns`?");
        assert_eq!(
            render_text("a.yaml", &[d]),
            "error[unknown-field]: a.yaml:7:5: spec.foo: unknown field `foo`\n  help: did you mean `dns`?\n"
        );
    }
}
