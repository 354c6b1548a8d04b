//! The connectivity JSON format of `../shared/conformance/README.md`: a list of
//! `{"src", "dst", "allowed"}`, one entry a line; `allowed` items are `{"protocol", "port"}` or
//! `{"protocol", "from", "to"}` (inclusive).

use serde_json::{json, Value};

use super::endpoint_name;
use crate::engine::{ConnSet, Entry, Workloads};

/// The `allowed` list of a connection set.
pub fn allowed(conns: &ConnSet) -> Value {
    let mut items = Vec::new();
    for (protocol, ports) in conns.iter() {
        for &(lo, hi) in ports.ranges() {
            items.push(match lo == hi {
                true => json!({"protocol": protocol.as_str(), "port": lo}),
                false => json!({"protocol": protocol.as_str(), "from": lo, "to": hi}),
            });
        }
    }
    Value::Array(items)
}

/// One entry as a JSON object.
pub fn entry(workloads: &Workloads, e: &Entry) -> Value {
    json!({
        "src": endpoint_name(workloads, &e.src),
        "dst": endpoint_name(workloads, &e.dst),
        "allowed": allowed(&e.conns),
    })
}

/// The entries as the conformance format, one entry a line.
pub fn entries(workloads: &Workloads, entries: &[Entry]) -> String {
    let lines: Vec<String> = entries.iter().map(|e| entry(workloads, e).to_string()).collect();
    if lines.is_empty() {
        return "[]\n".to_string();
    }
    format!("[\n{}\n]\n", lines.join(",\n"))
}
