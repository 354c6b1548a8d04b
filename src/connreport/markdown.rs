//! The connectivity as a markdown table, for pull-request comments and job summaries.

use super::endpoint_name;
use crate::engine::{Entry, Workloads};

pub fn entries(workloads: &Workloads, entries: &[Entry]) -> String {
    let mut out = String::from("| from | to | allowed |\n|---|---|---|\n");
    for e in entries {
        let cell = |s: String| s.replace('|', "\\|");
        out.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            cell(endpoint_name(workloads, &e.src)),
            cell(endpoint_name(workloads, &e.dst)),
            e.conns
        ));
    }
    if entries.is_empty() {
        out.push_str("| | | nothing is allowed |\n");
    }
    out
}
