//! The report for programs, documented field by field in `docs/diff.md`.

use crate::connreport::json::entry;
use crate::diff::{Connections, Model, PolicyRef, Report};
use crate::policy::read::Location;

/// For programs, documented field by field in `docs/diff.md`.
pub fn json(r: &Report) -> String {
    use serde_json::json;
    let at = |namespace: &str, name: &str| json!({"namespace": namespace, "name": name});
    let located = |p: &PolicyRef, l: &Location| json!({"namespace": p.namespace, "name": p.name, "file": l.file, "line": l.line});
    let value = json!({
        "intent": r.intent,
        "differences": r.has_differences(),
        "summary": {
            "added": r.added.len(),
            "changed": r.changed.len(),
            "removed": r.removed.len(),
            "unchanged": r.unchanged,
            "unmanaged": r.unmanaged.len(),
            "widening": r.widening(),
            "dangerous": r.dangers.len(),
            "unlisted": r.unlisted.len(),
            "opened": r.connections.opened.len(),
            "closed": r.connections.closed.len(),
        },
        "connections": connections(&r.connections),
        "added": r.added.iter().map(|a| at(&a.namespace, &a.name)).collect::<Vec<_>>(),
        "changed": r.changed.iter().map(|c| with(located(&c.policy, &c.location), json!({"diff": c.diff}))).collect::<Vec<_>>(),
        "removed": r.removed.iter().map(|rm| located(&rm.policy, &rm.location)).collect::<Vec<_>>(),
        "unmanaged": r.unmanaged.iter().map(|u| with(located(&u.policy, &u.location), json!({
            "widens": !u.widens.is_empty(),
            "widened": u.widens.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        }))).collect::<Vec<_>>(),
        "dangers": r.dangers.iter().map(|d| json!({
            "kind": d.kind.as_str(),
            "namespace": d.policy.namespace,
            "name": d.policy.name,
            "direction": d.direction.as_str(),
            "fact": d.fact,
            "message": d.message,
        })).collect::<Vec<_>>(),
        "unlisted": r.unlisted.iter().map(|n| located(&n.policy, &n.location)).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("a report serializes to JSON");
    text.push('\n');
    text
}

/// The `connections` object: the workloads judged among, and the lists in the connectivity
/// JSON format (`src`, `dst`, `allowed`), widening entries with the rules that let them through.
fn connections(c: &Connections) -> serde_json::Value {
    use serde_json::json;
    let w = &c.workloads;
    let list = |entries: &[crate::engine::Entry]| entries.iter().map(|e| entry(w, e)).collect::<Vec<_>>();
    let widening = c.widening.iter().map(|x| {
        let by = x.by.iter().map(
            |r| json!({"namespace": r.policy.namespace, "name": r.policy.name, "rule": super::rule_field(r)}),
        );
        with(entry(w, &x.entry), json!({"by": by.collect::<Vec<_>>()}))
    });
    let (model, from) = match &c.model {
        Model::Intent => ("intent", None),
        Model::Given { from, .. } => ("workloads", Some(from)),
    };
    json!({
        "model": model,
        "workloads": from,
        "opened": list(&c.opened),
        "closed": list(&c.closed),
        "widening": widening.collect::<Vec<_>>(),
        "unreachable": c.unreachable.iter().map(|&i| w.workloads[i].id()).collect::<Vec<_>>(),
    })
}

/// `object` with the fields of `more` after its own.
fn with(mut object: serde_json::Value, more: serde_json::Value) -> serde_json::Value {
    if let (Some(object), serde_json::Value::Object(more)) = (object.as_object_mut(), more) {
        object.extend(more);
    }
    object
}
