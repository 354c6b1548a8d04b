//! The meaning of the generated policies (issue #2, item 7): every generated policy set must
//! allow exactly what the intent says, no more, no less.
//!
//! The pieces, in `tests/semantics/`:
//! - `evaluator.rs`: what a set of k8s-openapi `NetworkPolicy` values allows in a model
//!   cluster, by the Kubernetes documentation (its module docs say how it reads policyTypes,
//!   ipBlocks and named ports), with its own tests on hand-written policies;
//! - `k8s.rs`: the Kubernetes matching rules (label selectors, ports, IP blocks);
//! - `cluster.rs`: model clusters: namespaces, pods with labels, IPs and named ports, and
//!   addresses outside the cluster.

mod semantics {
    pub mod cluster;
    pub mod evaluator;
    pub mod k8s;
}
