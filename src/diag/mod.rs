//! Diagnostics are data: a code, a one-line message, the field path and the span it is about,
//! and an optional help line. They are rendered at the edge: [`render_text`] for people,
//! [`render_github`] for GitHub Actions' annotations; the KRM function renders the same data as
//! results.

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
    /// A key with no value, which is not its field's default.
    NullValue,
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
        Code::NullValue,
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
            Code::NullValue => "null-value",
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

/// One GitHub Actions workflow command, `::error file=F,line=L,col=C,title=T::message`, with
/// its values escaped as the runner expects: `%`, CR and LF in the message; those and `:` and
/// `,` in the properties. A property that is `None` (or a line of 0) is left out.
pub fn github_command(
    severity: Severity,
    file: Option<&str>,
    line: usize,
    col: usize,
    title: &str,
    message: &str,
) -> String {
    let mut props: Vec<String> = Vec::new();
    if let Some(file) = file {
        props.push(format!("file={}", escape_property(file)));
        if line > 0 {
            props.push(format!("line={line}"));
            if col > 0 {
                props.push(format!("col={col}"));
            }
        }
    }
    props.push(format!("title={}", escape_property(title)));
    format!("::{} {}::{}\n", severity.as_str(), props.join(","), escape_data(message))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The GitHub Actions rendering: one annotation per diagnostic, on the file, line and column
/// it is about, titled with its code; the field path leads the message, the help follows on a
/// line of its own.
///
/// ```text
/// ::error file=intent.yaml,line=7,col=7,title=netpol-intent unknown-field::spec.workloads[0].podSelectr: unknown field `podSelectr`%0Ahelp: did you mean `podSelector`?
/// ```
pub fn render_github(file: &str, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let Pos { line, col, .. } = d.pos();
        let mut message =
            if d.path.is_empty() { d.message.clone() } else { format!("{}: {}", d.path, d.message) };
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let title = format!("netpol-intent {}", d.code);
        out.push_str(&github_command(d.severity, Some(file), line, col, &title, &message));
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

    #[test]
    fn renders_github_annotations_with_file_line_column_and_title() {
        let span = Span { start: Pos { line: 7, col: 5, offset: 0 }, end: Pos::default() };
        let d = Diagnostic::error(Code::UnknownField, "spec.foo", span, "unknown field `foo`")
            .with_help("did you mean `dns`?");
        let mut w = Diagnostic::error(Code::Duplicate, "", Span::default(), "twice");
        w.severity = Severity::Warning;
        assert_eq!(
            render_github("deploy/a.yaml", &[d, w]),
            "::error file=deploy/a.yaml,line=7,col=5,title=netpol-intent unknown-field::\
             spec.foo: unknown field `foo`%0Ahelp: did you mean `dns`?\n\
             ::warning file=deploy/a.yaml,title=netpol-intent duplicate::twice\n"
        );
    }

    #[test]
    fn github_annotations_escape_what_the_runner_would_read_as_syntax() {
        // A message may hold `%`, line breaks and `::`; a file name `:` and `,`.
        let line =
            github_command(Severity::Error, Some("a,b:c%.yaml"), 3, 0, "t: x, y", "50%\r\nnext :: end");
        assert_eq!(line, "::error file=a%2Cb%3Ac%25.yaml,line=3,title=t%3A x%2C y::50%25%0D%0Anext :: end\n");
        assert_eq!(line.matches('\n').count(), 1, "one command is one line");
        assert_eq!(github_command(Severity::Error, None, 0, 0, "t", "m"), "::error title=t::m\n");
    }
}
