//! The engine's results as text, markdown and JSON (the connectivity listing, `explain`'s
//! answer). Renderers only format: every fact they print was computed by the engine.

pub mod explain;
pub mod json;
pub mod markdown;
pub mod text;
pub mod verify;

use crate::engine::ipset::Family;
use crate::engine::{Endpoint, IpSet, Workloads};

/// An endpoint as the conformance format names it: `namespace/name`, or the address set as
/// comma-separated CIDRs and `first-last` ranges.
pub fn endpoint_name(workloads: &Workloads, e: &Endpoint) -> String {
    match e {
        Endpoint::Workload(i) => workloads.workloads[*i].id(),
        Endpoint::Addresses(set) => set.to_string(),
    }
}

/// An address set for people: `any address`, `any IPv4 address` (or IPv6), `any address
/// except …` or `any IPv4 address except …` when that is shorter, or the ranges,
/// comma-separated.
pub fn addresses_for_people(set: &IpSet) -> String {
    let list = |s: &IpSet| s.ranges().map(|r| r.to_text()).collect::<Vec<_>>().join(", ");
    let within = |whole: IpSet, name: &str| -> Option<String> {
        if !set.is_subset(&whole) {
            return None;
        }
        let rest = whole.minus(set);
        match rest.is_empty() {
            true => Some(name.to_string()),
            false => (rest.ranges().count() < set.ranges().count())
                .then(|| format!("{name} except {}", list(&rest))),
        }
    };
    within(IpSet::all(), "any address")
        .or_else(|| within(IpSet::all_of(Family::V4), "any IPv4 address"))
        .or_else(|| within(IpSet::all_of(Family::V6), "any IPv6 address"))
        .unwrap_or_else(|| list(set))
}

/// An endpoint for people: the workload's name, or [`addresses_for_people`].
pub fn endpoint_for_people(workloads: &Workloads, e: &Endpoint) -> String {
    match e {
        Endpoint::Workload(i) => workloads.workloads[*i].id(),
        Endpoint::Addresses(set) => addresses_for_people(set),
    }
}
