//! The connectivity engine: from any NetworkPolicies and workloads, who can reach whom, on
//! which protocols and ports — between workloads, and between workloads and addresses.
//!
//! It knows Kubernetes, not the intent: it imports neither the intent nor its expansion, so it
//! can judge hand-written policies and the generator's alike. Pure: texts and policy values in,
//! data out; the command line reads the files and renders the results.
//!
//! ```text
//! YAML texts ──workloads::read──▶ Workloads ──Cluster::new──▶ Cluster (classes, label index)
//! NetworkPolicy values ──policy::compile──▶ Vec<Policy>
//! (Cluster, policies) ──Connectivity::compute──▶ Connectivity ──entries──▶ Vec<Entry>
//! (Connectivity, Connectivity) ──delta::diff──▶ Delta {opened, closed}; delta::unreachable
//! (Connectivity, suspect policies, reference policies) ──beyond::beyond──▶ what their rules let through
//! (Workloads, policies, src, dst) ──explain::explain──▶ Explanation
//! ```
//!
//! The modules, from the bottom up: [`portset`] and [`connset`] (ports and connections as sets),
//! [`ipset`] (addresses, blocks and atoms), [`selector`] (typed label selectors), [`bits`]
//! (sets of classes), [`workloads`] (the model and its reader), [`policy`] (compiled
//! policies), [`cluster`] (classes and the selector index), [`table`] (interned connection
//! sets), [`side`] (one direction's side of each class, and [`side::Admission`] for chosen
//! classes), [`reach`] (the computation), [`entries`], [`delta`], [`beyond`] and [`explain`].

pub mod beyond;
pub mod bits;
pub mod cluster;
pub mod connset;
pub mod delta;
pub mod entries;
pub mod explain;
pub mod ipset;
pub mod policy;
pub mod portset;
pub mod reach;
pub mod selector;
pub mod side;
pub mod table;
pub mod workloads;

pub use cluster::Cluster;
pub use connset::{ConnSet, Protocol};
pub use entries::{Endpoint, Entry};
pub use ipset::IpSet;
pub use policy::{compile, Policy, PolicyError};
pub use portset::PortSet;
pub use reach::Connectivity;
pub use workloads::Workloads;
