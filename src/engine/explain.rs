//! Why one connection is allowed or denied: on each side, whether a policy isolates it, and
//! which policies and rules admit the other end on which ports — or, when none does, every
//! policy that isolates it and what each of its rules lacks. Computed from the policies and
//! the two ends directly; it agrees with [`super::reach`] by construction of the same rules
//! (a test holds them to it).

use std::net::IpAddr;

use super::connset::ConnSet;
use super::policy::{Direction, Peer, Policy};
use super::workloads::{Namespace, Workload, Workloads};

/// One end of the connection asked about.
#[derive(Clone, Copy, Debug)]
pub enum End<'w> {
    Workload(&'w Workload),
    Address(IpAddr),
}

/// How one rule of a selecting policy treats the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleVerdict {
    /// Index of the rule in the policy's `ingress` or `egress`.
    pub rule: usize,
    /// The first peer that holds the other end (`Some(None)` for a rule with no peers, which
    /// holds everyone), or `None` when no peer does.
    pub peer: Option<Option<usize>>,
    /// The connections the rule's ports admit towards the destination.
    pub ports: ConnSet,
}

impl RuleVerdict {
    /// What the rule admits here: its ports when its peers hold the other end.
    pub fn admits(&self) -> ConnSet {
        if self.peer.is_some() {
            self.ports.clone()
        } else {
            ConnSet::none()
        }
    }
}

/// A policy that selects the pod of a side and isolates its direction.
#[derive(Clone, Debug)]
pub struct Selecting<'p> {
    pub policy: &'p Policy,
    pub rules: Vec<RuleVerdict>,
}

/// One side of the connection.
#[derive(Clone, Debug)]
pub enum Side<'p> {
    /// The end is an address: it has no policies of its own.
    Address,
    /// No policy isolates the pod in this direction: everything is admitted.
    Open,
    /// Policies isolate it; it admits the union of what their rules admit.
    Isolated { policies: Vec<Selecting<'p>>, admitted: ConnSet },
}

impl Side<'_> {
    pub fn admitted(&self) -> ConnSet {
        match self {
            Side::Address | Side::Open => ConnSet::all(),
            Side::Isolated { admitted, .. } => admitted.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Explanation<'p> {
    /// The destination's ingress side.
    pub ingress: Side<'p>,
    /// The source's egress side.
    pub egress: Side<'p>,
    /// What is allowed: both sides' intersection.
    pub allowed: ConnSet,
}

/// Explains the connections from `src` to `dst` under `policies`.
pub fn explain<'p>(workloads: &Workloads, policies: &'p [Policy], src: End, dst: End) -> Explanation<'p> {
    let ingress = side(workloads, policies, Direction::Ingress, dst, src, dst);
    let egress = side(workloads, policies, Direction::Egress, src, dst, dst);
    let allowed = ingress.admitted().intersect(&egress.admitted());
    Explanation { ingress, egress, allowed }
}

/// The side of `pod` in direction `d`, towards `other`; `dst` is the connection's destination
/// (where named ports resolve).
fn side<'p>(w: &Workloads, policies: &'p [Policy], d: Direction, pod: End, other: End, dst: End) -> Side<'p> {
    let End::Workload(pod) = pod else { return Side::Address };
    let mut selecting = Vec::new();
    for p in policies.iter().filter(|p| p.namespace == pod.namespace && p.selector.matches(&pod.labels)) {
        let Some(rules) = p.rules(d) else { continue };
        let rules = rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let peer = match &r.peers {
                    None => Some(None),
                    Some(peers) => peers.iter().position(|x| holds(w, &p.namespace, x, other)).map(Some),
                };
                let ports = match dst {
                    End::Workload(t) => r.ports.towards(Some(&|name, protocol| t.named_port(name, protocol))),
                    End::Address(_) => r.ports.towards(None),
                };
                RuleVerdict { rule: i, peer, ports }
            })
            .collect();
        selecting.push(Selecting { policy: p, rules });
    }
    if selecting.is_empty() {
        return Side::Open;
    }
    let admitted = selecting
        .iter()
        .flat_map(|s| s.rules.iter().map(RuleVerdict::admits))
        .fold(ConnSet::none(), |a, b| a.union(&b));
    Side::Isolated { policies: selecting, admitted }
}

/// Whether `peer`, in a policy of namespace `policy_ns`, holds `end`. Address blocks hold
/// addresses only, never pods (docs/connectivity.md, "Assumptions").
pub fn holds(w: &Workloads, policy_ns: &str, peer: &Peer, end: End) -> bool {
    match (peer, end) {
        (Peer::Block { set, .. }, End::Address(ip)) => set.contains(ip),
        (Peer::Block { .. }, End::Workload(_)) | (Peer::Pods { .. }, End::Address(_)) => false,
        (Peer::Pods { namespaces, pods }, End::Workload(x)) => {
            let ns_ok = match namespaces {
                None => x.namespace == policy_ns,
                Some(s) => w.namespace(&x.namespace).is_some_and(|n: &Namespace| s.matches(&n.labels)),
            };
            ns_ok && pods.as_ref().is_none_or(|s| s.matches(&x.labels))
        }
    }
}
