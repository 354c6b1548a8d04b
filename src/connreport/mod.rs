//! The engine's results as text, markdown and JSON (the connectivity listing, `explain`'s
//! answer). Renderers only format: every fact they print was computed by the engine.

pub mod explain;
pub mod json;
pub mod markdown;
pub mod text;
pub mod verify;

use crate::engine::{Endpoint, IpSet, Workloads};

/// An endpoint as the conformance format names it: `namespace/name`, or the address set as
/// comma-separated CIDRs and `first-last` ranges.
pub fn endpoint_name(workloads: &Workloads, e: &Endpoint) -> String {
    match e {
        Endpoint::Workload(i) => workloads.workloads[*i].id(),
        Endpoint::Addresses(set) => set.to_string(),
    }
}

/// An address set for people: `any address`, `any address except …` when that is shorter, or
/// the ranges, comma-separated.
pub fn addresses_for_people(set: &IpSet) -> String {
    let all = IpSet::all();
    if *set == all {
        return "any address".to_string();
    }
    let rest = all.minus(set);
    let list = |s: &IpSet| s.ranges().map(|r| r.to_text()).collect::<Vec<_>>().join(", ");
    if rest.ranges().count() < set.ranges().count() {
        format!("any address except {}", list(&rest))
    } else {
        list(set)
    }
}

/// An endpoint for people: the workload's name, or [`addresses_for_people`].
pub fn endpoint_for_people(workloads: &Workloads, e: &Endpoint) -> String {
    match e {
        Endpoint::Workload(i) => workloads.workloads[*i].id(),
        Endpoint::Addresses(set) => addresses_for_people(set),
    }
}
