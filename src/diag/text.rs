//! The rendering for people: one block per diagnostic. Its first line says how bad, what
//! (the code), where (file, line and column, the object, the field path) and the message;
//! under it, when the file's text is at hand, the source line with the span marked (`^`), and
//! each related place with its own line and message (`-`, or a note where its line is not at
//! hand); then the help. Parts a diagnostic lacks are left out. In colour on a terminal, plain
//! otherwise.
//!
//! ```text
//! error[duplicate-workload]: intent.yaml:14:13: spec.workloads[2].name: workload `frontend` is defined twice
//!    |
//! 14 |     - name: frontend
//!    |             ^^^^^^^^
//!    |
//!  8 |     - name: frontend
//!    |             -------- first defined here
//!   help: first defined on line 8
//! error[unreadable]: deploy/missing: cannot read: No such file or directory (os error 2)
//! error: only one of the intent, `--against` and `--workloads` can be standard input
//! ```

use std::fmt::Write as _;

use super::excerpt::{excerpt, Excerpt, Sources};
use super::{Diagnostic, Related, Severity};
use crate::yaml::Span;

/// What the renderer is given besides the diagnostics: the texts of the files they are in (a
/// diagnostic whose file is not there has no excerpt), whether to colour, and how many
/// diagnostics were left out after these (said in one last line).
pub struct Context<'a> {
    pub sources: &'a Sources,
    pub colour: bool,
    pub omitted: usize,
}

/// Every diagnostic, in order, without excerpts or colour.
pub fn render(diags: &[Diagnostic]) -> String {
    render_with(diags, &Context { sources: &Sources::new(), colour: false, omitted: 0 })
}

/// Every diagnostic, in order, with the excerpts `cx` has the sources of, then the line
/// about the ones left out, if any.
pub fn render_with(diags: &[Diagnostic], cx: &Context) -> String {
    let p = Palette::new(cx.colour);
    let mut out: String = diags.iter().map(|d| block(d, cx.sources, &p)).collect();
    if cx.omitted > 0 {
        let what = if diags.iter().all(Diagnostic::is_error) { "errors" } else { "problems" };
        let _ = writeln!(
            out,
            "{}note{}: {} more {what} not shown (at most {} are printed; `--error-format json` prints \
             them all)",
            p.note,
            p.reset,
            cx.omitted,
            diags.len()
        );
    }
    out
}

/// One diagnostic's first line and help, without excerpts or colour, ending with a line break.
pub fn render_one(d: &Diagnostic) -> String {
    let p = Palette::new(false);
    let mut out = head(d, &p);
    if let Some(help) = &d.help {
        let _ = writeln!(out, "  help: {help}");
    }
    out
}

/// One diagnostic's block.
fn block(d: &Diagnostic, sources: &Sources, p: &Palette) -> String {
    let mut out = head(d, p);
    let excerpt_in = |file: Option<&str>, span: Option<Span>| {
        file.and_then(|f| sources.get(f)).zip(span).and_then(|(text, span)| excerpt(text, span))
    };
    if let Some(main) = excerpt_in(d.file.as_deref(), d.span) {
        let related: Vec<(Option<Excerpt>, &Related)> = d
            .related
            .iter()
            .map(|r| (excerpt_in(r.file.as_deref().or(d.file.as_deref()), r.span), r))
            .collect();
        let lines = related.iter().filter_map(|(e, _)| e.as_ref()).chain([&main]).map(|e| e.line);
        let width = lines.map(|l| l.to_string().len()).max().unwrap_or(1);
        let g = Gutter { width, p, primary: severity_colour(d.severity, p) };
        g.blank(&mut out);
        g.lines(&mut out, &main, '^', "");
        for (e, r) in &related {
            match e {
                Some(e) => {
                    if let Some(file) = r.file.as_deref().filter(|f| Some(*f) != d.file.as_deref()) {
                        g.file(&mut out, file, r.span.unwrap_or_default());
                    }
                    g.blank(&mut out);
                    g.lines(&mut out, e, '-', &r.message);
                }
                None => note(&mut out, r, p),
            }
        }
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "  {}help{}: {help}", p.help, p.reset);
    }
    out
}

/// A related place without an excerpt: its file and position, if known, and its message.
fn note(out: &mut String, r: &Related, p: &Palette) {
    let place = match (&r.file, r.span) {
        (Some(file), Some(span)) => format!("{file}:{}:{}: ", span.start.line, span.start.col),
        (Some(file), None) => format!("{file}: "),
        (None, Some(span)) => format!("line {}: ", span.start.line),
        (None, None) => String::new(),
    };
    let _ = writeln!(out, "  {}note{}: {place}{}", p.note, p.reset, r.message);
}

/// The first line: severity and code, place, object, field path and message.
fn head(d: &Diagnostic, p: &Palette) -> String {
    let mut out = format!("{}{}", severity_colour(d.severity, p), d.severity.as_str());
    if let Some(code) = d.code {
        let _ = write!(out, "[{code}]");
    }
    out.push_str(p.reset);
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
    out
}

/// The gutter of an excerpt: line numbers right-aligned in `width` columns, then ` | `.
struct Gutter<'a> {
    width: usize,
    p: &'a Palette,
    primary: &'static str,
}

impl Gutter<'_> {
    /// The line that says another file's excerpt follows: `::: file:line:col`.
    fn file(&self, out: &mut String, file: &str, span: Span) {
        let (g, r) = (self.p.gutter, self.p.reset);
        let (line, col) = (span.start.line, span.start.col);
        let _ = writeln!(out, "{:w$}{g}:::{r} {file}:{line}:{col}", "", w = self.width + 1);
    }

    fn blank(&self, out: &mut String) {
        let _ = writeln!(out, "{:w$} {}|{}", "", self.p.gutter, self.p.reset, w = self.width);
    }

    /// The source line, and under it the marks (`mark` repeated) and `label`.
    fn lines(&self, out: &mut String, e: &Excerpt, mark: char, label: &str) {
        let (g, r) = (self.p.gutter, self.p.reset);
        let _ = writeln!(out, "{g}{:>w$} |{r} {}", e.line, e.text, w = self.width);
        let colour = if mark == '^' { self.primary } else { self.p.gutter };
        let marks: String = std::iter::repeat_n(mark, e.width).collect();
        let label = if label.is_empty() { String::new() } else { format!(" {label}") };
        let _ = writeln!(
            out,
            "{:w$} {g}|{r} {:s$}{colour}{marks}{label}{r}",
            "",
            "",
            w = self.width,
            s = e.start
        );
    }
}

/// ANSI colours, as rustc uses them; all empty when colour is off.
struct Palette {
    error: &'static str,
    warning: &'static str,
    info: &'static str,
    gutter: &'static str,
    help: &'static str,
    note: &'static str,
    reset: &'static str,
}

impl Palette {
    fn new(colour: bool) -> Palette {
        match colour {
            true => Palette {
                error: "\x1b[1;31m",
                warning: "\x1b[1;33m",
                info: "\x1b[1;36m",
                gutter: "\x1b[1;34m",
                help: "\x1b[1;36m",
                note: "\x1b[1;32m",
                reset: "\x1b[0m",
            },
            false => Palette { error: "", warning: "", info: "", gutter: "", help: "", note: "", reset: "" },
        }
    }
}

fn severity_colour(severity: Severity, p: &Palette) -> &'static str {
    match severity {
        Severity::Error => p.error,
        Severity::Warning => p.warning,
        Severity::Info => p.info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::at;
    use crate::diag::{Code, ResourceRef, Severity};
    use crate::yaml::{Pos, Span};

    #[test]
    fn renders_file_line_column_path_and_help() {
        let span = Span { start: at(7, 5), end: Pos::default() };
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

    fn sources() -> Sources {
        let mut s = Sources::new();
        s.add("a.yaml", "workloads:\n  - name: web\n  - name: web\n");
        s.add("b.yaml", "spec:\n  name: web\n");
        s
    }

    /// The duplicate of line 3, first defined on line 2 and in another file.
    fn duplicate() -> Diagnostic {
        let span = Span { start: at(3, 11), end: at(3, 14) };
        Diagnostic::error(Code::DuplicateWorkload, "workloads[1].name", span, "`web` is defined twice")
            .with_help("first defined on line 2")
            .in_file("a.yaml")
            .also_at(None, Some(Span { start: at(2, 11), end: at(2, 14) }), "first defined here")
            .also_at(Some("b.yaml"), Some(Span { start: at(2, 9), end: at(2, 12) }), "and here")
            .also_at(Some("c.yaml"), None, "the intent that manages it")
    }

    #[test]
    fn an_excerpt_marks_the_span_and_each_related_place_under_the_first_line() {
        let cx = Context { sources: &sources(), colour: false, omitted: 0 };
        assert_eq!(
            render_with(&[duplicate()], &cx),
            "error[duplicate-workload]: a.yaml:3:11: workloads[1].name: `web` is defined twice\n  \
             |\n3 |   - name: web\n  |           ^^^\n  \
             |\n2 |   - name: web\n  |           --- first defined here\n  \
             ::: b.yaml:2:9\n  |\n2 |   name: web\n  |         --- and here\n  \
             note: c.yaml: the intent that manages it\n  \
             help: first defined on line 2\n"
        );
    }

    #[test]
    fn colour_marks_severity_gutter_and_help_and_a_count_ends_a_cut_list() {
        let cx = Context { sources: &sources(), colour: true, omitted: 3 };
        let out = render_with(&[duplicate()], &cx);
        assert!(out.starts_with("\x1b[1;31merror[duplicate-workload]\x1b[0m: a.yaml:3:11:"), "{out}");
        assert!(out.contains("\x1b[1;34m3 |\x1b[0m   - name: web\n"), "{out:?}");
        assert!(out.contains("\x1b[1;31m^^^\x1b[0m"), "{out:?}");
        assert!(out.contains("\x1b[1;36mhelp\x1b[0m: first"), "{out:?}");
        assert!(out.ends_with("note\x1b[0m: 3 more errors not shown (at most 1 are printed; `--error-format json` prints them all)\n"), "{out:?}");
        let plain = render_with(&[duplicate()], &Context { colour: false, ..cx });
        assert!(!plain.contains('\x1b'), "{plain:?}");
    }
}
