//! A NetworkPolicy as Kubernetes would store it, with what does not change its meaning taken
//! out ([`normalize`]), so that the diff and the KRM function's check compare meaning, not
//! spelling.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

/// Annotation and label prefixes that tools add on their way to the cluster; they say nothing
/// about the policy.
const TOOL_KEYS: &[&str] = &[
    "config.kubernetes.io/",
    "internal.config.kubernetes.io/",
    "config.k8s.io/id",
    "kustomize.config.k8s.io/",
    "kubectl.kubernetes.io/last-applied-configuration",
    "kustomize.toolkit.fluxcd.io/",
    "argocd.argoproj.io/",
];

fn is_tool_key(key: &str) -> bool {
    TOOL_KEYS.iter().any(|p| key.starts_with(p))
}

/// `policy` without the labels `keys`, for a comparison that ignores them (`diff
/// --ignore-label`); no labels left is no `labels` at all.
pub fn without_labels(mut policy: NetworkPolicy, keys: &[String]) -> NetworkPolicy {
    if let Some(labels) = &mut policy.metadata.labels {
        labels.retain(|k, _| !keys.contains(k));
        if labels.is_empty() {
            policy.metadata.labels = None;
        }
    }
    policy
}

/// A policy as Kubernetes would store it, with what does not change its meaning taken out:
/// metadata is reduced to name, namespace, labels and annotations (less [`TOOL_KEYS`]);
/// `policyTypes` is defaulted as the API server does (Ingress, plus Egress when there are
/// egress rules) and put in the order Ingress, Egress; a port's protocol defaults to TCP; empty
/// lists and maps that mean the same as absent ones (`ingress: []`, `from: []`, `ports: []`,
/// `except: []`, `matchLabels: {}`, selector `values: []`) are dropped. A selector that is
/// present but empty (`podSelector: {}`) stays: it differs from an absent one in a peer.
pub fn normalize(policy: NetworkPolicy) -> NetworkPolicy {
    let m = &policy.metadata;
    let keep = |map: &Option<BTreeMap<String, String>>| {
        let map: BTreeMap<String, String> = map
            .iter()
            .flatten()
            .filter(|(k, _)| !is_tool_key(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        (!map.is_empty()).then_some(map)
    };
    let metadata = meta::ObjectMeta {
        name: m.name.clone(),
        namespace: m.namespace.clone(),
        labels: keep(&m.labels),
        annotations: keep(&m.annotations),
        ..Default::default()
    };
    let spec = policy.spec.unwrap_or_default();
    let ingress: Vec<_> = spec.ingress.unwrap_or_default();
    let egress: Vec<_> = spec.egress.unwrap_or_default();
    let declared = spec.policy_types.unwrap_or_default();
    let types: Vec<String> = if declared.is_empty() {
        let mut t = vec!["Ingress".to_string()];
        if !egress.is_empty() {
            t.push("Egress".to_string());
        }
        t
    } else {
        let mut known: Vec<String> = ["Ingress", "Egress"]
            .into_iter()
            .filter(|k| declared.iter().any(|d| d == k))
            .map(str::to_string)
            .collect();
        // A value Kubernetes would refuse is kept, so that it shows in the diff.
        known.extend(declared.iter().filter(|d| !matches!(d.as_str(), "Ingress" | "Egress")).cloned());
        known
    };
    let peers = |peers: Option<Vec<NetworkPolicyPeer>>| {
        peers.filter(|p| !p.is_empty()).map(|p| p.into_iter().map(peer).collect())
    };
    let spec = NetworkPolicySpec {
        pod_selector: Some(selector(spec.pod_selector.unwrap_or_default())),
        policy_types: Some(types),
        ingress: (!ingress.is_empty()).then(|| {
            ingress
                .into_iter()
                .map(|mut r| {
                    r.from = peers(r.from);
                    r.ports = ports(r.ports);
                    r
                })
                .collect()
        }),
        egress: (!egress.is_empty()).then(|| {
            egress
                .into_iter()
                .map(|mut r| {
                    r.to = peers(r.to);
                    r.ports = ports(r.ports);
                    r
                })
                .collect()
        }),
    };
    NetworkPolicy { metadata, spec: Some(spec) }
}

fn selector(s: meta::LabelSelector) -> meta::LabelSelector {
    meta::LabelSelector {
        match_labels: s.match_labels.filter(|m| !m.is_empty()),
        match_expressions: s.match_expressions.filter(|e| !e.is_empty()).map(|e| {
            e.into_iter()
                .map(|mut r| {
                    r.values = r.values.filter(|v| !v.is_empty());
                    r
                })
                .collect()
        }),
    }
}

fn peer(p: NetworkPolicyPeer) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        namespace_selector: p.namespace_selector.map(selector),
        pod_selector: p.pod_selector.map(selector),
        ip_block: p.ip_block.map(|b| IPBlock { cidr: b.cidr, except: b.except.filter(|e| !e.is_empty()) }),
    }
}

fn ports(ports: Option<Vec<NetworkPolicyPort>>) -> Option<Vec<NetworkPolicyPort>> {
    ports.filter(|p| !p.is_empty()).map(|p| {
        p.into_iter()
            .map(|mut port| {
                port.protocol.get_or_insert_with(|| "TCP".to_string());
                port
            })
            .collect()
    })
}

/// The normalised policy as YAML, keys in reading order.
pub fn to_text(policy: &NetworkPolicy) -> String {
    crate::yaml::emit_one(&crate::policy::render::policy_node(policy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::read::{CurrentPolicy, Source};

    fn policies(text: &str) -> Vec<CurrentPolicy> {
        crate::policy::read::parse(&[Source { name: "c.yaml".into(), text: text.into() }], "default").unwrap()
    }

    fn normal(text: &str) -> String {
        to_text(&normalize(policies(text).remove(0).policy))
    }

    const HEAD: &str =
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: \"n\"}\n";

    #[test]
    fn normalisation_applies_kubernetes_defaults() {
        // No policyTypes: Ingress, plus Egress when there are egress rules.
        let ingress_only = normal(&format!("{HEAD}spec: {{podSelector: {{}}, egress: []}}\n"));
        assert!(
            ingress_only.contains("policyTypes:\n  - Ingress\nmetadata")
                || ingress_only.contains("  - Ingress\n")
        );
        assert!(!ingress_only.contains("Egress"), "{ingress_only}");
        let both = normal(&format!("{HEAD}spec: {{podSelector: {{}}, egress: [{{}}]}}\n"));
        assert!(both.contains("  - Ingress\n  - Egress\n"), "{both}");
        // Order of policyTypes, absent protocol, empty lists and maps.
        let a = normal(&format!(
            "{HEAD}spec:\n  podSelector: {{matchLabels: {{}}}}\n  policyTypes: [Egress, Ingress]\n  \
             ingress: [{{from: [], ports: [{{port: 80}}]}}]\n"
        ));
        let b = normal(&format!(
            "{HEAD}spec:\n  podSelector: {{}}\n  policyTypes: [Ingress, Egress]\n  \
             ingress: [{{ports: [{{protocol: TCP, port: 80}}]}}]\n  egress: []\n"
        ));
        assert_eq!(a, b);
        // Missing podSelector is the empty one.
        assert_eq!(
            normal(&format!("{HEAD}spec: {{}}\n")),
            normal(&format!("{HEAD}spec: {{podSelector: {{}}}}\n"))
        );
    }

    #[test]
    fn normalisation_keeps_what_changes_meaning() {
        let all = normal(&format!("{HEAD}spec: {{podSelector: {{}}, ingress: [{{}}]}}\n"));
        let none = normal(&format!("{HEAD}spec: {{podSelector: {{}}, ingress: []}}\n"));
        assert_ne!(all, none);
        let own_ns = normal(&format!("{HEAD}spec: {{ingress: [{{from: [{{podSelector: {{}}}}]}}]}}\n"));
        let any_ns = normal(&format!("{HEAD}spec: {{ingress: [{{from: [{{namespaceSelector: {{}}}}]}}]}}\n"));
        assert_ne!(own_ns, any_ns);
        let udp = normal(&format!("{HEAD}spec: {{ingress: [{{ports: [{{protocol: UDP, port: 53}}]}}]}}\n"));
        let tcp = normal(&format!("{HEAD}spec: {{ingress: [{{ports: [{{port: 53}}]}}]}}\n"));
        assert_ne!(udp, tcp);
    }

    #[test]
    fn tool_annotations_and_server_fields_are_ignored() {
        let plain = normal(&format!("{HEAD}spec: {{}}\n"));
        let noisy = normal(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: \"n\"\n  \
             uid: abc-123\n  resourceVersion: \"5\"\n  generation: 2\n  annotations:\n    \
             config.kubernetes.io/index: \"0\"\n    kubectl.kubernetes.io/last-applied-configuration: x\n  \
             labels:\n    kustomize.toolkit.fluxcd.io/name: flux\nspec: {}\n",
        );
        assert_eq!(plain, noisy);
    }
}
