//! The engine's results as text, markdown and JSON (the connectivity listing, `explain`'s
//! answer). Renderers only format: every fact they print was computed by the engine.

pub mod explain;
pub mod json;
pub mod markdown;
pub mod text;

use crate::engine::{Endpoint, Workloads};

/// An endpoint as the conformance format names it: `namespace/name`, or the address set as
/// comma-separated CIDRs and `first-last` ranges.
pub fn endpoint_name(workloads: &Workloads, e: &Endpoint) -> String {
    match e {
        Endpoint::Workload(i) => workloads.workloads[*i].id(),
        Endpoint::Addresses(set) => set.to_string(),
    }
}
