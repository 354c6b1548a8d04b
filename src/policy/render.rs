//! NetworkPolicies as YAML: one multi-document stream, keys in the order a reader expects
//! (name before labels, podSelector before rules), label values such as `"true"` quoted.

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::yaml::{self, Node, NodeKind};

/// One policy as a YAML tree, keys in reading order.
pub fn policy_node(policy: &NetworkPolicy) -> Node {
    // Serializing a NetworkPolicy to JSON cannot fail: it holds only strings, numbers and maps
    // with string keys.
    let json = serde_json::to_value(policy).expect("a NetworkPolicy serializes to JSON");
    let mut node = yaml::from_json(&json);
    order(&mut node, &["apiVersion", "kind", "metadata", "spec"]);
    if let Some(metadata) = node.get_mut("metadata") {
        order(metadata, &["name", "namespace", "labels", "annotations"]);
    }
    if let Some(spec) = node.get_mut("spec") {
        order(spec, &["podSelector", "policyTypes", "ingress", "egress"]);
        for direction in ["ingress", "egress"] {
            let Some(NodeKind::Seq(rules)) = spec.get_mut(direction).map(|n| &mut n.kind) else {
                continue;
            };
            for rule in rules {
                order(rule, &["from", "to", "ports"]);
                for list in ["from", "to"] {
                    if let Some(NodeKind::Seq(peers)) = rule.get_mut(list).map(|n| &mut n.kind) {
                        for peer in peers {
                            order(peer, &["namespaceSelector", "podSelector", "ipBlock"]);
                        }
                    }
                }
                if let Some(NodeKind::Seq(ports)) = rule.get_mut("ports").map(|n| &mut n.kind) {
                    for port in ports {
                        order(port, &["protocol", "port", "endPort"]);
                    }
                }
            }
        }
    }
    node
}

/// The policies as one YAML stream, in the order given. Each policy's tree is built, written
/// and dropped in turn, so memory holds one tree at a time.
pub fn to_yaml(policies: &[NetworkPolicy]) -> String {
    let mut out = String::new();
    for (i, policy) in policies.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&yaml::emit_one(&policy_node(policy)));
    }
    out
}

/// Puts a mapping's `first` keys first, in that order; the others keep their order after them.
fn order(node: &mut Node, first: &[&str]) {
    if let NodeKind::Map(entries) = &mut node.kind {
        let rank =
            |k: &Node| k.as_str().and_then(|k| first.iter().position(|f| *f == k)).unwrap_or(first.len());
        entries.sort_by_key(|(k, _)| rank(k));
    }
}
