//! The connectivity for people: one block per workload, what it may open (`→`) to workloads
//! and addresses, and what addresses may open to it (`←`), each with the connections allowed.

use super::endpoint_for_people;
use crate::engine::{Endpoint, Entry, Workloads};

/// The entries of [`crate::engine::Connectivity::entries`], which come grouped by workload
/// in order: each workload's block holds the entries whose source it is, and those from
/// addresses to it.
pub fn entries(workloads: &Workloads, entries: &[Entry]) -> String {
    let mut out = String::new();
    let mut rest = entries;
    for (w, workload) in workloads.workloads.iter().enumerate() {
        let owner = |e: &Entry| match (&e.src, &e.dst) {
            (Endpoint::Workload(s), _) => *s,
            (_, Endpoint::Workload(d)) => *d,
            _ => usize::MAX,
        };
        let n = rest.iter().take_while(|e| owner(e) == w).count();
        let (block, tail) = rest.split_at(n);
        rest = tail;
        let lines: Vec<(String, String)> = block
            .iter()
            .map(|e| match &e.src {
                Endpoint::Workload(_) => {
                    (format!("→ {}", endpoint_for_people(workloads, &e.dst)), e.conns.to_string())
                }
                Endpoint::Addresses(_) => {
                    (format!("← {}", endpoint_for_people(workloads, &e.src)), e.conns.to_string())
                }
            })
            .collect();
        out.push_str(&workload.id());
        out.push('\n');
        if lines.is_empty() {
            out.push_str("  nothing in or out\n");
        }
        // Aligned, but a long address list does not push every line to the right.
        let width = lines.iter().map(|(l, _)| l.chars().count()).filter(|&n| n <= 40).max().unwrap_or(0);
        for (left, conns) in lines {
            out.push_str(&format!("  {left:width$}  {conns}\n"));
        }
    }
    if workloads.workloads.is_empty() {
        out.push_str("no workloads\n");
    }
    out
}
