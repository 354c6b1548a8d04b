//! `verify`'s answer: agreement, or every extra and missing connection with its ports.
//! "Extra" is what the policies allow beyond the intent (the diff's `opened` from the intent's
//! reading to the policies); "missing" what the intent allows and the policies do not.

use serde_json::json;

use super::{endpoint_for_people, json as conn_json, markdown};
use crate::engine::delta::Delta;
use crate::engine::{Entry, Workloads};

pub fn text(workloads: &Workloads, intent: &str, delta: &Delta) -> String {
    if delta.is_empty() {
        return format!(
            "verify: the policies allow exactly what {intent} says, among {} workloads\n",
            workloads.workloads.len()
        );
    }
    let mut out = format!("verify: the policies do not allow what {intent} says\n");
    for (title, entries) in [
        ("extra (the policies allow it, the intent does not)", &delta.opened),
        ("missing (the intent allows it, the policies do not)", &delta.closed),
    ] {
        if entries.is_empty() {
            continue;
        }
        out.push_str(&format!("{title}:\n"));
        for e in entries {
            let (s, d) = (endpoint_for_people(workloads, &e.src), endpoint_for_people(workloads, &e.dst));
            out.push_str(&format!("  {s} → {d}: {}\n", e.conns));
        }
    }
    out.push_str(&format!("{} extra, {} missing\n", delta.opened.len(), delta.closed.len()));
    out
}

pub fn markdown(workloads: &Workloads, intent: &str, delta: &Delta) -> String {
    if delta.is_empty() {
        return format!("The policies allow exactly what `{intent}` says.\n");
    }
    let section = |title: &str, entries: &[Entry]| match entries.is_empty() {
        true => String::new(),
        false => format!("\n### {title}\n\n{}", markdown::entries(workloads, entries)),
    };
    format!(
        "The policies do not allow what `{intent}` says.\n{}{}",
        section("Extra: the policies allow it, the intent does not", &delta.opened),
        section("Missing: the intent allows it, the policies do not", &delta.closed)
    )
}

/// `{"agree": bool, "extra": [...], "missing": [...]}`, the lists in the conformance format.
pub fn json(workloads: &Workloads, delta: &Delta) -> String {
    let list = |entries: &[Entry]| entries.iter().map(|e| conn_json::entry(workloads, e)).collect::<Vec<_>>();
    let value =
        json!({"agree": delta.is_empty(), "extra": list(&delta.opened), "missing": list(&delta.closed)});
    serde_json::to_string_pretty(&value).expect("JSON") + "\n"
}
