//! The rendering for people, one block per diagnostic: the severity and code, where (file,
//! line and column, the object, the field path), the message, and the help on a line of its
//! own. Parts a diagnostic lacks are left out.
//!
//! ```text
//! error[unknown-field]: intent.yaml:7:7: spec.workloads[0].podSelectr: unknown field `podSelectr`
//!   help: did you mean `podSelector`?
//! error[unreadable]: deploy/missing: cannot read: No such file or directory (os error 2)
//! error[unknown-field]: intent.yaml: NetworkIntent/shop: spec.x: unknown field `x`
//! error: the intent and `--against` cannot both be standard input
//! ```

use std::fmt::Write as _;

use super::Diagnostic;

/// Every diagnostic, in order.
pub fn render(diags: &[Diagnostic]) -> String {
    diags.iter().map(render_one).collect()
}

/// One diagnostic's block, ending with a line break.
pub fn render_one(d: &Diagnostic) -> String {
    let mut out = d.severity.as_str().to_string();
    if let Some(code) = d.code {
        let _ = write!(out, "[{code}]");
    }
    out.push(':');
    match (&d.file, d.span) {
        (Some(file), Some(span)) => {
            let _ = write!(out, " {file}:{}:{}:", span.start.line, span.start.col);
        }
        (Some(file), None) => {
            let _ = write!(out, " {file}:");
        }
        (None, Some(span)) => {
            let _ = write!(out, " {}:{}:", span.start.line, span.start.col);
        }
        (None, None) => {}
    }
    if let Some(r) = &d.resource {
        match &r.namespace {
            Some(ns) => write!(out, " {}/{ns}/{}:", r.kind, r.name),
            None => write!(out, " {}/{}:", r.kind, r.name),
        }
        .expect("writing to a String");
    }
    if !d.path.is_empty() {
        let _ = write!(out, " {}:", d.path);
    }
    let _ = writeln!(out, " {}", d.message);
    if let Some(help) = &d.help {
        let _ = writeln!(out, "  help: {help}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, ResourceRef, Severity};
    use crate::yaml::{Pos, Span};

    #[test]
    fn renders_file_line_column_path_and_help() {
        let span = Span { start: Pos { line: 7, col: 5, offset: 0 }, end: Pos::default() };
        let d = Diagnostic::error(Code::UnknownField, "spec.foo", span, "unknown field `foo`")
            .with_help("did you mean `dns`?")
            .in_file("a.yaml");
        assert_eq!(
            render(&[d]),
            "error[unknown-field]: a.yaml:7:5: spec.foo: unknown field `foo`\n  help: did you mean `dns`?\n"
        );
    }

    #[test]
    fn leaves_out_what_a_diagnostic_lacks() {
        let unreadable = Diagnostic::problem(Code::Unreadable, "cannot read: gone").in_file("deploy");
        let failure = Diagnostic::failure("two standard inputs");
        let policy = Diagnostic::problem(Code::DuplicatePolicy, "twice").in_file("a.yaml").at_line(6, 1);
        assert_eq!(
            render(&[unreadable, failure, policy]),
            "error[unreadable]: deploy: cannot read: gone\nerror: two standard inputs\n\
             error[duplicate-policy]: a.yaml:6:1: twice\n"
        );
    }

    #[test]
    fn names_the_object_for_results_of_the_krm_function() {
        let mut d = Diagnostic::problem(Code::UndeclaredNamespace, "no Namespace item declares `shop`")
            .in_file("intent.yaml")
            .with_path("spec.namespaces[0]")
            .about(Some(ResourceRef::policy("shop", "p")));
        d.severity = Severity::Warning;
        assert_eq!(
            render_one(&d),
            "warning[undeclared-namespace]: intent.yaml: NetworkPolicy/shop/p: spec.namespaces[0]: \
             no Namespace item declares `shop`\n"
        );
    }
}
