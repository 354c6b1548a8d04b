//! The rendering for programs: one JSON object per diagnostic, one per line (JSON Lines, as
//! `rustc --error-format json` writes), every field always present (`null` where a diagnostic
//! has no such part):
//!
//! ```text
//! {"code":"unknown-field","severity":"error","message":"unknown field `podSelectr`","help":"did you mean `podSelector`?","file":"intent.yaml","line":10,"column":7,"end":{"line":10,"column":17},"path":"spec.workloads[0].podSelectr","proposed":"podSelector","related":[]}
//! ```
//!
//! `line` and `column` are 1-based, the column counting characters; `end` is the place just
//! after the span's last character (the start again for a place with no extent). `related`
//! lists the other places a diagnostic involves, each with `file`, `line`, `column` and
//! `message`. `docs/intent.md` documents the fields.

use serde_json::{json, Value};

use super::Diagnostic;
use crate::yaml::Span;

/// Every diagnostic, one line each.
pub fn render(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| format!("{}\n", object(d))).collect()
}

/// One diagnostic as a JSON object.
pub fn object(d: &Diagnostic) -> Value {
    let start = |span: Option<Span>| span.filter(|s| s.start.line > 0).map(|s| s.start);
    let end = d.span.filter(|s| s.start.line > 0).map(|s| {
        if (s.end.line, s.end.col) > (s.start.line, s.start.col) {
            s.end
        } else {
            s.start
        }
    });
    json!({
        "code": d.code.map(|c| c.as_str()),
        "severity": d.severity.as_str(),
        "message": d.message,
        "help": d.help,
        "file": d.file,
        "line": start(d.span).map(|p| p.line),
        "column": start(d.span).map(|p| p.col),
        "end": end.map(|p| json!({"line": p.line, "column": p.col})),
        "path": d.path,
        "proposed": d.proposed,
        "related": d.related.iter().map(|r| json!({
            "file": r.file.as_ref().or(d.file.as_ref()),
            "line": start(r.span).map(|p| p.line),
            "column": start(r.span).map(|p| p.col),
            "message": r.message,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::at;
    use crate::diag::Code;

    #[test]
    fn one_object_a_line_with_every_field() {
        let span = Span { start: at(10, 7), end: at(10, 17) };
        let d = Diagnostic::error(
            Code::UnknownField,
            "spec.workloads[0].podSelectr",
            span,
            "unknown field `podSelectr`",
        )
        .suggesting("podSelectr", ["podSelector"], None)
        .in_file("intent.yaml")
        .also_at(None, Some(Span::point(at(8, 7))), "in this workload");
        let out = render(&[d, Diagnostic::failure("no input")]);
        assert_eq!(
            out,
            "{\"code\":\"unknown-field\",\"severity\":\"error\",\"message\":\"unknown field `podSelectr`\",\
             \"help\":\"did you mean `podSelector`?\",\"file\":\"intent.yaml\",\"line\":10,\"column\":7,\
             \"end\":{\"line\":10,\"column\":17},\"path\":\"spec.workloads[0].podSelectr\",\
             \"proposed\":\"podSelector\",\"related\":[{\"file\":\"intent.yaml\",\"line\":8,\"column\":7,\
             \"message\":\"in this workload\"}]}\n\
             {\"code\":null,\"severity\":\"error\",\"message\":\"no input\",\"help\":null,\"file\":null,\
             \"line\":null,\"column\":null,\"end\":null,\"path\":\"\",\"proposed\":null,\"related\":[]}\n"
        );
        for line in out.lines() {
            assert!(serde_json::from_str::<Value>(line).unwrap().is_object());
        }
    }

    #[test]
    fn a_place_with_no_extent_ends_where_it_starts() {
        let d = Diagnostic::problem(Code::DuplicatePolicy, "twice").in_file("a.yaml").at_line(6, 1);
        let o = object(&d);
        assert_eq!((&o["line"], &o["end"]), (&json!(6), &json!({"line": 6, "column": 1})));
    }
}
