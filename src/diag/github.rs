//! The rendering for GitHub Actions: one workflow command per diagnostic, which the runner
//! shows as an annotation on that file and range of lines in a pull request.
//!
//! ```text
//! ::error file=intent.yaml,line=10,col=7,endLine=10,endColumn=16,title=netpol-intent unknown-field::spec.workloads[0].podSelectr: unknown field `podSelectr`%0Ahelp: did you mean `podSelector`?
//! ```
//!
//! The title is `netpol-intent` and the code; the field path leads the message and the help
//! follows on a line of its own. A diagnostic about standard input, which GitHub cannot
//! annotate, goes on the run with its text rendering (which says where) as the message.

use super::{text, Diagnostic, Severity, STDIN};
use crate::yaml::Span;

/// Every diagnostic, one command each.
pub fn render(diags: &[Diagnostic]) -> String {
    diags.iter().map(render_one).collect()
}

fn render_one(d: &Diagnostic) -> String {
    let title = match d.code {
        Some(code) => format!("netpol-intent {code}"),
        None => "netpol-intent".to_string(),
    };
    let mut props = Vec::new();
    match &d.file {
        Some(file) if file != STDIN => {
            props.push(format!("file={}", escape_property(file)));
            if let Some(span) = d.span.filter(|s| s.start.line > 0) {
                props.extend(range(span));
            }
        }
        _ => {}
    }
    props.push(format!("title={}", escape_property(&title)));
    let message = if props.len() == 1 && (d.file.is_some() || d.span.is_some()) {
        text::render_one(d).trim_end().to_string()
    } else {
        let mut message =
            if d.path.is_empty() { d.message.clone() } else { format!("{}: {}", d.path, d.message) };
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        message
    };
    command(d.severity, &props, &message)
}

/// The notice after the first `shown` annotations, when `omitted` more are not printed (GitHub
/// shows only the first few of a step anyway).
pub fn omitted(omitted: usize, shown: usize) -> String {
    let message = format!(
        "{omitted} more errors not shown (at most {shown} are printed; run netpol-intent with \
         `--error-format json` for all of them)"
    );
    command(Severity::Info, &["title=netpol-intent".to_string()], &message)
}

/// `line`, `col`, and, when the span has an extent, `endLine` and (on one line) `endColumn`,
/// the place of its last character.
fn range(span: Span) -> Vec<String> {
    let (start, end) = (span.start, span.end);
    let mut props = vec![format!("line={}", start.line)];
    if start.col > 0 {
        props.push(format!("col={}", start.col));
    }
    if (end.line, end.col) <= (start.line, start.col) {
        return props;
    }
    let last = if end.col > 1 { (end.line, Some(end.col - 1)) } else { (end.line - 1, None) };
    if last.0 < start.line {
        return props;
    }
    props.push(format!("endLine={}", last.0));
    if let (true, Some(col)) = (last.0 == start.line, last.1) {
        props.push(format!("endColumn={col}"));
    }
    props
}

/// `::severity props::message`, the message escaped as the runner expects: `%`, CR and LF
/// (and, in the properties, `:` and `,`). GitHub calls an info a notice.
fn command(severity: Severity, props: &[String], message: &str) -> String {
    let severity = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    format!("::{severity} {}::{}\n", props.join(","), escape_data(message))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::at;
    use crate::diag::Code;

    #[test]
    fn annotates_the_file_and_range_titled_with_the_code() {
        let span = Span { start: at(7, 5), end: at(7, 8) };
        let d = Diagnostic::error(Code::UnknownField, "spec.foo", span, "unknown field `foo`")
            .with_help("did you mean `dns`?")
            .in_file("deploy/a.yaml");
        let mut w = Diagnostic::problem(Code::Duplicate, "twice").in_file("deploy/a.yaml");
        w.severity = Severity::Warning;
        assert_eq!(
            render(&[d, w]),
            "::error file=deploy/a.yaml,line=7,col=5,endLine=7,endColumn=7,title=netpol-intent unknown-field::\
             spec.foo: unknown field `foo`%0Ahelp: did you mean `dns`?\n\
             ::warning file=deploy/a.yaml,title=netpol-intent duplicate::twice\n"
        );
    }

    #[test]
    fn a_range_over_lines_has_an_end_line_and_no_end_column() {
        assert_eq!(range(Span { start: at(3, 3), end: at(6, 1) }), ["line=3", "col=3", "endLine=5"]);
        assert_eq!(range(Span { start: at(3, 3), end: at(5, 4) }), ["line=3", "col=3", "endLine=5"]);
        assert_eq!(range(Span::point(at(3, 3))), ["line=3", "col=3"]);
        assert_eq!(range(Span { start: at(3, 3), end: at(4, 1) }), ["line=3", "col=3", "endLine=3"]);
    }

    #[test]
    fn standard_input_and_failures_go_on_the_run() {
        let d =
            Diagnostic::error(Code::UnknownField, "spec.foo", Span::point(at(10, 7)), "unknown field `foo`")
                .in_file(STDIN);
        assert_eq!(
            render(&[d]),
            "::error title=netpol-intent unknown-field::error[unknown-field]: <stdin>:10:7: spec.foo: unknown field `foo`\n"
        );
        assert_eq!(
            render(&[Diagnostic::failure("cannot read x")]),
            "::error title=netpol-intent::cannot read x\n"
        );
    }

    #[test]
    fn escapes_what_the_runner_would_read_as_syntax() {
        // A message may hold `%`, line breaks and `::`; a file name `:` and `,`. (A message
        // made by `Diagnostic::new` has its line breaks escaped already.)
        let mut d = Diagnostic::problem(Code::Unreadable, "").in_file("a,b:c%.yaml").at_line(3, 0);
        d.message = "50%\r\nnext :: end".into();
        let line = render(&[d]);
        assert_eq!(
            line,
            "::error file=a%2Cb%3Ac%25.yaml,line=3,title=netpol-intent unreadable::50%25%0D%0Anext :: end\n"
        );
        assert_eq!(line.matches('\n').count(), 1, "one command is one line");
    }
}
