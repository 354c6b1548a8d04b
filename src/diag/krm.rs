//! The rendering for a ResourceList's `results` (the KRM functions spec, as kyaml's
//! `framework.Result`): one mapping per diagnostic, with the message (its help in parentheses,
//! as results have no field for help), the severity, the object (`resourceRef`), the field
//! path and the proposed value of a fix (`field`), the file, and the code as tag `code`.

use super::Diagnostic;
use crate::yaml::Node;

/// One result.
pub fn result(d: &Diagnostic) -> Node {
    let message = match &d.help {
        Some(help) => format!("{} (help: {help})", d.message),
        None => d.message.clone(),
    };
    let mut entries = vec![("message", Node::str(message)), ("severity", Node::str(d.severity.as_str()))];
    if let Some(r) = &d.resource {
        let mut fields = vec![
            ("apiVersion", Node::str(&r.api_version)),
            ("kind", Node::str(&r.kind)),
            ("name", Node::str(&r.name)),
        ];
        if let Some(ns) = &r.namespace {
            fields.push(("namespace", Node::str(ns)));
        }
        entries.push(("resourceRef", Node::map_from(fields)));
    }
    if !d.path.is_empty() {
        let mut field = vec![("path", Node::str(&d.path))];
        if let Some(value) = &d.proposed {
            field.push(("proposedValue", Node::str(value)));
        }
        entries.push(("field", Node::map_from(field)));
    }
    if let Some(file) = &d.file {
        entries.push(("file", Node::map_from(vec![("path", Node::str(file))])));
    }
    if let Some(code) = d.code {
        entries.push(("tags", Node::map_from(vec![("code", Node::str(code.as_str()))])));
    }
    Node::map_from(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, ResourceRef};

    #[test]
    fn a_result_holds_every_part_a_diagnostic_has() {
        let d = Diagnostic::problem(Code::UnknownField, "unknown field `podSelectr`")
            .suggesting("podSelectr", ["podSelector"], None)
            .with_path("spec.workloads[0].podSelectr")
            .in_file("intent.yaml")
            .about(Some(ResourceRef::policy("shop", "p")));
        assert_eq!(
            crate::yaml::emit_one(&result(&d)),
            "message: \"unknown field `podSelectr` (help: did you mean `podSelector`?)\"\nseverity: error\n\
             resourceRef:\n  apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  name: p\n  namespace: shop\n\
             field:\n  path: \"spec.workloads[0].podSelectr\"\n  proposedValue: podSelector\n\
             file:\n  path: intent.yaml\ntags:\n  code: unknown-field\n"
        );
        let bare = Diagnostic::failure("no input");
        assert_eq!(crate::yaml::emit_one(&result(&bare)), "message: no input\nseverity: error\n");
    }
}
