//! Mistakes a generator could make, applied to correct output: the comparison with the oracle
//! (or a structural rule) must catch each.
//!
//! A mistake can be made at one place (one policy) or everywhere it can happen, as a generator
//! bug would. At one place it is often invisible, and rightly so: between two namespaces that
//! both isolate both directions, a wider ingress half is masked by the egress half that is
//! still right; a dropped `policyTypes` on a policy whose rules imply the same types changes
//! nothing; an allowance may be covered by another one. So each mistake must be caught when
//! made everywhere in named examples and row cases (`row <builder>`, the cases of the per-row
//! tests in `tests/semantics.rs`), and at least once when made at one place in the random
//! intents. The three mistakes a structural rule recognises (a split AND peer, a dropped
//! `policyTypes`, a policy in an unmanaged namespace) must also break that rule at every place.

use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::check;
use super::exhaustive::{samples, Sample};

/// How a mistake changes a policy set at the chosen places (policy indexes).
enum Kind {
    /// Changes the policy; returns false (changing nothing) where it cannot happen.
    Change(fn(&mut NetworkPolicy) -> bool),
    /// Leaves out the policies it holds for.
    Remove(fn(&NetworkPolicy) -> bool),
    /// Adds a copy of each policy it holds for in `delta`, a namespace no intent manages.
    CopyToUnmanaged(fn(&NetworkPolicy) -> bool),
    /// Adds a copy of each policy it changes, changed.
    AddChanged(fn(&mut NetworkPolicy) -> bool),
}

struct Mutation {
    name: &'static str,
    kind: Kind,
}

impl Mutation {
    /// The indexes of the policies where the mistake can happen.
    fn places(&self, policies: &[NetworkPolicy]) -> Vec<usize> {
        (0..policies.len())
            .filter(|&i| match self.kind {
                Kind::Change(f) | Kind::AddChanged(f) => f(&mut policies[i].clone()),
                Kind::Remove(f) | Kind::CopyToUnmanaged(f) => f(&policies[i]),
            })
            .collect()
    }

    /// `policies` with the mistake made at `places`.
    fn apply(&self, policies: &[NetworkPolicy], places: &[usize]) -> Vec<NetworkPolicy> {
        let mut out = policies.to_vec();
        match self.kind {
            Kind::Change(f) => places.iter().for_each(|&i| {
                f(&mut out[i]);
            }),
            Kind::Remove(_) => {
                let mut i = 0;
                out.retain(|_| {
                    i += 1;
                    !places.contains(&(i - 1))
                });
            }
            Kind::CopyToUnmanaged(_) => {
                for &i in places {
                    let mut copy = policies[i].clone();
                    copy.metadata.namespace = Some("delta".to_string());
                    out.push(copy);
                }
            }
            Kind::AddChanged(f) => {
                for &i in places {
                    let mut copy = policies[i].clone();
                    f(&mut copy);
                    copy.metadata.name = Some(format!("{}-mirrored", copy.metadata.name.unwrap_or_default()));
                    out.push(copy);
                }
            }
        }
        out
    }
}

fn spec(p: &mut NetworkPolicy) -> &mut NetworkPolicySpec {
    p.spec.as_mut().expect("a spec")
}

/// Every peer list of a policy, ingress and egress.
fn peer_lists(p: &mut NetworkPolicy) -> Vec<&mut Vec<NetworkPolicyPeer>> {
    let spec = spec(p);
    let ingress = spec.ingress.iter_mut().flatten().filter_map(|r| r.from.as_mut());
    let egress = spec.egress.iter_mut().flatten().filter_map(|r| r.to.as_mut());
    ingress.chain(egress).collect()
}

/// Each peer `namespaceSelector` AND `podSelector` becomes two peers, one with each: an OR.
fn split_and_peers(p: &mut NetworkPolicy) -> bool {
    let mut changed = false;
    for peers in peer_lists(p) {
        let mut out = Vec::new();
        for peer in peers.drain(..) {
            if let (Some(ns), Some(pods)) = (&peer.namespace_selector, &peer.pod_selector) {
                out.push(NetworkPolicyPeer { namespace_selector: Some(ns.clone()), ..Default::default() });
                out.push(NetworkPolicyPeer { pod_selector: Some(pods.clone()), ..Default::default() });
                changed = true;
            } else {
                out.push(peer);
            }
        }
        *peers = out;
    }
    changed
}

/// Each peer `namespaceSelector` AND `podSelector` loses its namespace selector, so the pods
/// are looked for in the policy's own namespace.
fn drop_namespace_selectors(p: &mut NetworkPolicy) -> bool {
    let mut changed = false;
    for peer in peer_lists(p).into_iter().flatten() {
        if peer.pod_selector.is_some() && peer.namespace_selector.take().is_some() {
            changed = true;
        }
    }
    changed
}

/// `policyTypes` is left out, so the API server defaults it.
fn drop_policy_types(p: &mut NetworkPolicy) -> bool {
    spec(p).policy_types.take().is_some()
}

/// The first numeric port of the policy becomes the range from it to 65535.
fn widen_a_port(p: &mut NetworkPolicy) -> bool {
    let spec = spec(p);
    let ingress = spec.ingress.iter_mut().flatten().filter_map(|r| r.ports.as_mut());
    let egress = spec.egress.iter_mut().flatten().filter_map(|r| r.ports.as_mut());
    for port in ingress.chain(egress).flatten() {
        if let Some(IntOrString::Int(n)) = port.port {
            if n < 65535 && port.end_port != Some(65535) {
                port.end_port = Some(65535);
                return true;
            }
        }
    }
    false
}

/// A policy of one direction whose rules all name addresses only (an external's, the
/// internet's) becomes the same rules in the other direction: the allowance on the wrong side.
fn flip_address_side(p: &mut NetworkPolicy) -> bool {
    let spec = spec(p);
    let blocks_only = |peers: &Option<Vec<NetworkPolicyPeer>>| {
        peers.as_ref().is_some_and(|p| !p.is_empty() && p.iter().all(|x| x.ip_block.is_some()))
    };
    match spec.policy_types.as_deref() {
        Some([t]) if t == "Egress" && spec.egress.iter().flatten().all(|r| blocks_only(&r.to)) => {
            let rules = spec.egress.take().unwrap_or_default();
            spec.ingress = Some(
                rules.into_iter().map(|r| NetworkPolicyIngressRule { from: r.to, ports: r.ports }).collect(),
            );
            spec.policy_types = Some(vec!["Ingress".to_string()]);
            true
        }
        Some([t]) if t == "Ingress" && spec.ingress.iter().flatten().all(|r| blocks_only(&r.from)) => {
            let rules = spec.ingress.take().unwrap_or_default();
            spec.egress = Some(
                rules.into_iter().map(|r| NetworkPolicyEgressRule { to: r.from, ports: r.ports }).collect(),
            );
            spec.policy_types = Some(vec!["Egress".to_string()]);
            true
        }
        _ => false,
    }
}

/// A peer of the labelled pods of the managed namespaces (`namespaceSelector` with an `In`
/// expression) selects them in every namespace, as `scope: all` would.
fn widen_to_every_namespace(p: &mut NetworkPolicy) -> bool {
    let mut changed = false;
    for peer in peer_lists(p).into_iter().flatten() {
        let Some(ns) = &peer.namespace_selector else { continue };
        if peer.pod_selector.is_some() && ns.match_expressions.as_ref().is_some_and(|e| !e.is_empty()) {
            peer.namespace_selector = Some(Default::default());
            changed = true;
        }
    }
    changed
}

/// The targets' side of a server: an ingress policy named `allow-<server>-to-access`.
fn is_server_targets_side(p: &NetworkPolicy) -> bool {
    let name = p.metadata.name.as_deref().unwrap_or_default();
    name.ends_with("-to-access") && p.spec.as_ref().unwrap().ingress.is_some()
}

/// The egress half of an allowance: a policy whose only type is Egress, with rules.
fn is_egress_half(p: &NetworkPolicy) -> bool {
    let spec = p.spec.as_ref().unwrap();
    spec.policy_types.as_deref() == Some(&["Egress".to_string()]) && spec.egress.is_some()
}

fn is_default_deny(p: &NetworkPolicy) -> bool {
    p.metadata.name.as_deref() == Some("default-deny-all")
}

const SPLIT_AND_PEER: Mutation =
    Mutation { name: "split an AND peer into two peers", kind: Kind::Change(split_and_peers) };
const DROP_NAMESPACE_SELECTOR: Mutation = Mutation {
    name: "drop the namespaceSelector of an AND peer",
    kind: Kind::Change(drop_namespace_selectors),
};
const DROP_POLICY_TYPES: Mutation =
    Mutation { name: "drop policyTypes", kind: Kind::Change(drop_policy_types) };
const REMOVE_EGRESS_HALF: Mutation =
    Mutation { name: "remove an egress half", kind: Kind::Remove(is_egress_half) };
const REMOVE_DEFAULT_DENY: Mutation =
    Mutation { name: "remove default-deny-all", kind: Kind::Remove(is_default_deny) };
const WIDEN_A_PORT: Mutation =
    Mutation { name: "widen a port up to 65535", kind: Kind::Change(widen_a_port) };
const COPY_TO_UNMANAGED: Mutation =
    Mutation { name: "copy a policy into an unmanaged namespace", kind: Kind::CopyToUnmanaged(|_| true) };
const ADDRESSES_ON_THE_WRONG_SIDE: Mutation = Mutation {
    name: "generate an allowance of addresses on the other side",
    kind: Kind::Change(flip_address_side),
};
const ADDRESSES_ON_BOTH_SIDES: Mutation = Mutation {
    name: "generate an allowance of addresses on both sides",
    kind: Kind::AddChanged(flip_address_side),
};
const WIDEN_TO_EVERY_NAMESPACE: Mutation = Mutation {
    name: "select the labelled pods of every namespace, not the managed ones",
    kind: Kind::Change(widen_to_every_namespace),
};
const TARGETS_SIDE_IN_UNMANAGED: Mutation = Mutation {
    name: "write a server's targets' side into an unmanaged namespace",
    kind: Kind::CopyToUnmanaged(is_server_targets_side),
};

/// The row cases and the first random intents, as samples.
fn subjects() -> Vec<Sample> {
    let rows = crate::row_cases().into_iter().map(|(name, c)| Sample {
        name: format!("row {name}"),
        intent: c.intent,
        cluster: c.cluster,
        policies: c.policies,
    });
    rows.chain(samples(40)).collect()
}

fn caught(s: &Sample, policies: &[NetworkPolicy]) -> bool {
    !check::disagreements(&s.intent, &s.cluster, policies).is_empty()
}

/// Asserts that the comparison with the oracle catches `m` made everywhere in each of `named`
/// (examples by directory, row cases as `row <builder>`), and made at one place in some random
/// intent. Prints how often it catches one-place mistakes.
fn assert_caught(m: &Mutation, named: &[&str]) {
    let subjects = subjects();
    for name in named {
        let s = subjects.iter().find(|s| s.name == *name).unwrap_or_else(|| panic!("no sample `{name}`"));
        let places = m.places(&s.policies);
        assert!(!places.is_empty(), "`{}` has no place to happen in {name}", m.name);
        let mutated = m.apply(&s.policies, &places);
        assert!(
            caught(s, &mutated),
            "`{}` made everywhere in {name} was not caught\n--- intent\n{}\n--- mutated policies\n{}",
            m.name,
            s.intent.text,
            netpol_intent::policy::render::to_yaml(&mutated)
        );
    }
    let (mut made, mut found) = (0, 0);
    for s in subjects.iter().filter(|s| s.name.starts_with("random-")) {
        for place in m.places(&s.policies) {
            made += 1;
            found += usize::from(caught(s, &m.apply(&s.policies, &[place])));
        }
    }
    println!("`{}` at one place in the random intents: {found} of {made} caught", m.name);
    assert!(found > 0, "`{}` at one place was never caught in the random intents ({made} tried)", m.name);
}

/// Asserts that every one-place `m` breaks a structural rule, reported with `problem` in it.
fn assert_always_structurally_wrong(m: &Mutation, problem: &str) {
    for s in subjects() {
        for place in m.places(&s.policies) {
            let problems = check::structural_problems(&s.intent, &m.apply(&s.policies, &[place]));
            assert!(
                problems.iter().any(|p| p.contains(problem)),
                "`{}` in {} at {place} broke no structural rule: {problems:?}",
                m.name,
                s.name
            );
        }
    }
}

/// The examples and row cases with peers that join a namespace and pods.
const WITH_AND_PEERS: [&str; 7] = [
    "article-ingress",
    "hub-and-spoke",
    "ingress-egress",
    "row dns_default",
    "row hubs",
    "row servers",
    "row connections",
];

#[test]
fn splitting_an_and_peer_is_caught() {
    assert_caught(&SPLIT_AND_PEER, &WITH_AND_PEERS);
    assert_always_structurally_wrong(&SPLIT_AND_PEER, "names namespaces but no pods");
}

#[test]
fn dropping_a_namespace_selector_is_caught() {
    assert_caught(&DROP_NAMESPACE_SELECTOR, &WITH_AND_PEERS);
}

#[test]
fn dropping_policy_types_is_caught() {
    assert_caught(&DROP_POLICY_TYPES, &["row baseline_egress_only"]);
    assert_always_structurally_wrong(&DROP_POLICY_TYPES, "no explicit policyTypes");
}

#[test]
fn removing_an_egress_half_is_caught() {
    let named = [
        "hub-and-spoke",
        "ingress-egress",
        "row same_namespace",
        "row dns_default",
        "row internet_egress",
        "row hubs",
        "row servers",
        "row connections",
        "row new_workloads",
    ];
    assert_caught(&REMOVE_EGRESS_HALF, &named);
}

#[test]
fn removing_default_deny_all_is_caught() {
    let named = [
        "hub-and-spoke",
        "ingress-egress",
        "row baseline_ingress_only",
        "row baseline_both_directions",
        "row baseline_egress_only",
    ];
    assert_caught(&REMOVE_DEFAULT_DENY, &named);
}

#[test]
fn widening_a_port_is_caught() {
    let named = [
        "article-ingress",
        "hub-and-spoke",
        "ingress-egress",
        "row dns_default",
        "row hubs",
        "row servers",
        "row connections",
        "row internet_ingress_label",
        "row internet_egress",
    ];
    assert_caught(&WIDEN_A_PORT, &named);
}

/// A copy in an unmanaged namespace may leave the meaning intact (a copy of an allowance that
/// selects nobody there); the structural rule catches it always.
#[test]
fn writing_into_an_unmanaged_namespace_is_caught() {
    assert_caught(&COPY_TO_UNMANAGED, &["article-ingress", "hub-and-spoke", "ingress-egress"]);
    assert_always_structurally_wrong(&COPY_TO_UNMANAGED, "namespace `delta` is not managed");
}

/// A connection toward an external opens the source's egress side only, one from an external
/// the destination's ingress side only (as `internet` does): the other side, or both, is wrong.
#[test]
fn an_allowance_of_addresses_on_the_wrong_side_is_caught() {
    let named = [
        "egress-externals",
        "row to_external",
        "row from_external",
        "row connection_lists",
        "row internet_egress",
        "row internet_ingress_workloads_from",
    ];
    assert_caught(&ADDRESSES_ON_THE_WRONG_SIDE, &named);
    assert_caught(&ADDRESSES_ON_BOTH_SIDES, &named);
}

/// `scope: all` leaking: a `managed` server that reaches labelled pods of unmanaged namespaces,
/// or a server's targets' side written into an unmanaged namespace (which isolates its pods).
#[test]
fn scope_all_leaking_into_unmanaged_namespaces_is_caught() {
    assert_caught(&WIDEN_TO_EVERY_NAMESPACE, &["row servers"]);
    assert_caught(&TARGETS_SIDE_IN_UNMANAGED, &["row servers", "row servers_scope_all"]);
    assert_always_structurally_wrong(&TARGETS_SIDE_IN_UNMANAGED, "namespace `delta` is not managed");
}
