//! The rendering for code scanning: one SARIF 2.1.0 log (the OASIS standard GitHub code
//! scanning reads) with one run of netpol-intent, every code as a rule, and a result per
//! diagnostic: its level, its message (the field path first, the help after it), its place as
//! a region of its file (columns count characters: `columnKind` is `unicodeCodePoints`), the
//! field path as a logical location, and the related places. Standard input has no URI, so a
//! diagnostic about it has no physical location.

use serde_json::{json, Value};

use super::{Code, Diagnostic, Related, Severity, STDIN};
use crate::yaml::Span;

/// The schema the log names, the errata's, as the OASIS standard publishes it.
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The log of `diags` (no results for none), pretty-printed, ending with a line break.
pub fn render(diags: &[Diagnostic]) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| json!({"id": c.as_str(), "shortDescription": {"text": c.description()}}))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "netpol-intent",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": diags.iter().map(result).collect::<Vec<_>>(),
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).expect("a SARIF log serializes");
    text.push('\n');
    text
}

fn result(d: &Diagnostic) -> Value {
    let mut text = if d.path.is_empty() { d.message.clone() } else { format!("{}: {}", d.path, d.message) };
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let mut result = json!({"level": level, "message": {"text": text}});
    if let Some(code) = d.code {
        result["ruleId"] = json!(code.as_str());
        result["ruleIndex"] = json!(Code::ALL.iter().position(|c| *c == code));
    }
    let mut location = physical(d.file.as_deref(), d.span);
    if !d.path.is_empty() {
        location["logicalLocations"] = json!([{"fullyQualifiedName": d.path}]);
    }
    if location.as_object().is_some_and(|l| !l.is_empty()) {
        result["locations"] = json!([location]);
    }
    if !d.related.is_empty() {
        result["relatedLocations"] =
            d.related.iter().enumerate().map(|(i, r)| related(i, r, d.file.as_deref())).collect();
    }
    result
}

fn related(id: usize, r: &Related, file: Option<&str>) -> Value {
    let mut location = physical(r.file.as_deref().or(file), r.span);
    location["id"] = json!(id);
    location["message"] = json!({"text": r.message});
    location
}

/// `{"physicalLocation": …}` for a file (and a region of it), or `{}` for none.
fn physical(file: Option<&str>, span: Option<Span>) -> Value {
    let Some(uri) = file.and_then(uri) else { return json!({}) };
    let mut physical = json!({"artifactLocation": {"uri": uri}});
    if let Some(region) = span.and_then(region) {
        physical["region"] = region;
    }
    json!({"physicalLocation": physical})
}

/// The region of a span: 1-based lines and columns, the end column just after the last
/// character (a place with no extent is the character at it).
fn region(span: Span) -> Option<Value> {
    let (start, end) = (span.start, span.end);
    if start.line == 0 {
        return None;
    }
    if start.col == 0 {
        return Some(json!({"startLine": start.line}));
    }
    let (end_line, end_col) = if (end.line, end.col) > (start.line, start.col) {
        (end.line, end.col)
    } else {
        (start.line, start.col + 1)
    };
    Some(
        json!({"startLine": start.line, "startColumn": start.col, "endLine": end_line, "endColumn": end_col}),
    )
}

/// A file's URI reference: its path, percent-encoded but for `/` and RFC 3986's unreserved
/// characters; `file://` before an absolute path; none for standard input.
fn uri(file: &str) -> Option<String> {
    if file == STDIN || file.is_empty() {
        return None;
    }
    let mut out = String::from(if file.starts_with('/') { "file://" } else { "" });
    for b in file.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::at;

    #[test]
    fn a_result_has_its_rule_level_message_region_and_related_places() {
        let span = Span { start: at(14, 13), end: at(14, 21) };
        let d = Diagnostic::error(Code::DuplicateWorkload, "spec.workloads[2].name", span, "defined twice")
            .with_help("rename one")
            .in_file("deploy/intent.yaml")
            .also_at(None, Some(Span::point(at(8, 13))), "first defined here");
        let log: Value = serde_json::from_str(&render(&[d])).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), Code::ALL.len());
        let r = &run["results"][0];
        assert_eq!(r["ruleId"], "duplicate-workload");
        assert_eq!(
            run["tool"]["driver"]["rules"][r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            "duplicate-workload"
        );
        assert_eq!(r["level"], "error");
        assert_eq!(r["message"]["text"], "spec.workloads[2].name: defined twice\nhelp: rename one");
        let location = &r["locations"][0];
        assert_eq!(location["physicalLocation"]["artifactLocation"]["uri"], "deploy/intent.yaml");
        assert_eq!(
            location["physicalLocation"]["region"],
            json!({"startLine": 14, "startColumn": 13, "endLine": 14, "endColumn": 21})
        );
        assert_eq!(location["logicalLocations"][0]["fullyQualifiedName"], "spec.workloads[2].name");
        let related = &r["relatedLocations"][0];
        assert_eq!(related["physicalLocation"]["region"]["endColumn"], 14);
        assert_eq!(related["message"]["text"], "first defined here");
    }

    #[test]
    fn standard_input_and_failures_have_no_place_and_paths_are_uris() {
        let log: Value = serde_json::from_str(&render(&[
            Diagnostic::failure("no input"),
            Diagnostic::problem(Code::YamlSyntax, "bad").in_file(STDIN).at_line(2, 3),
        ]))
        .unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert!(results.iter().all(|r| r.get("locations").is_none()), "{results:?}");
        assert!(results[0].get("ruleId").is_none());
        assert_eq!(uri("dir/a b%.yaml").as_deref(), Some("dir/a%20b%25.yaml"));
        assert_eq!(uri("/abs/é.yaml").as_deref(), Some("file:///abs/%C3%A9.yaml"));
        assert_eq!(render(&[]).matches("\"results\": []").count(), 1);
    }
}
