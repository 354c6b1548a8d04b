//! Comparing the evaluator with the oracle, the structural rules every generated set obeys, and
//! readable views of a policy for the per-row tests.

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::cluster::Cluster;
use super::evaluator::{self, Network};
use super::k8s::{self, PortMask};
use super::oracle::{Intent, Oracle};

/// One (source, destination) where the evaluator and the oracle differ.
pub struct Disagreement {
    pub src: usize,
    pub dst: usize,
    pub evaluator: PortMask,
    pub oracle: PortMask,
}

impl Disagreement {
    pub fn describe(&self, cluster: &Cluster) -> String {
        let cases = &cluster.port_cases;
        format!(
            "from {}\n  to {}\n  the policies allow: {}\n  the intent allows:  {}\n  policies only: {}\n  intent only:   {}",
            cluster.describe(self.src),
            cluster.describe(self.dst),
            k8s::describe(cases, self.evaluator),
            k8s::describe(cases, self.oracle),
            k8s::describe(cases, self.evaluator & !self.oracle),
            k8s::describe(cases, self.oracle & !self.evaluator),
        )
    }
}

/// Every (source, destination) of the cluster, pods and outside addresses, where `policies`
/// allow other port cases than `intent` does.
pub fn disagreements(intent: &Intent, cluster: &Cluster, policies: &[NetworkPolicy]) -> Vec<Disagreement> {
    let net = Network::new(cluster, policies);
    let oracle = Oracle::new(intent, cluster);
    let mut out = Vec::new();
    let n = cluster.endpoints.len();
    for src in 0..n {
        for dst in 0..n {
            // Between two outside addresses there is nothing to say; a pod's traffic to its own
            // IP is left to the network plugin (hairpin), which the documentation does not cover.
            if src == dst || !cluster.endpoints[src].is_pod() && !cluster.endpoints[dst].is_pod() {
                continue;
            }
            let (e, o) = (net.mask(src, dst), oracle.mask(src, dst));
            if e != o {
                out.push(Disagreement { src, dst, evaluator: e, oracle: o });
            }
        }
    }
    out
}

/// Panics, with the intent, the policies and the first disagreements, unless `policies` allow
/// exactly what `intent` says in `cluster`.
pub fn assert_exact(what: &str, intent: &Intent, cluster: &Cluster, policies: &[NetworkPolicy]) {
    let found = disagreements(intent, cluster, policies);
    if found.is_empty() {
        return;
    }
    let shown: Vec<String> = found.iter().take(5).map(|d| d.describe(cluster)).collect();
    panic!(
        "{what}: the policies do not allow exactly what the intent says ({} pairs differ)\n\
         --- intent\n{}\n--- policies\n{}\n--- first differences\n{}",
        found.len(),
        intent.text,
        netpol_intent::policy::render::to_yaml(policies),
        shown.join("\n")
    );
}

/// The policies as a user applies them: rendered to YAML and read back.
pub fn through_yaml(policies: &[NetworkPolicy]) -> Vec<NetworkPolicy> {
    crate::readback::policies(&netpol_intent::policy::render::to_yaml(policies))
}

/// What is wrong with the shape of a generated set, whatever the cluster: a policy outside the
/// managed namespaces, a name used twice in a namespace (one would replace the other when
/// applied), no explicit policyTypes, no label and annotation of the tool, or a peer that the
/// API server rejects or that selects whole namespaces other than all.
pub fn structural_problems(intent: &Intent, policies: &[NetworkPolicy]) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in policies {
        let ns = p.metadata.namespace.as_deref().unwrap_or("");
        let name = format!("{ns}/{}", p.metadata.name.as_deref().unwrap_or(""));
        if !intent.is_managed(ns) {
            out.push(format!("{name}: namespace `{ns}` is not managed"));
        }
        if !seen.insert(name.clone()) {
            out.push(format!("{name}: the name is used twice"));
        }
        let spec = p.spec.as_ref().expect("a spec");
        if spec.policy_types.as_ref().is_none_or(|t| t.is_empty()) {
            out.push(format!("{name}: no explicit policyTypes"));
        }
        let labels = p.metadata.labels.clone().unwrap_or_default();
        if labels.get("app.kubernetes.io/managed-by").map(String::as_str) != Some("netpol-intent") {
            out.push(format!("{name}: no app.kubernetes.io/managed-by: netpol-intent label"));
        }
        let annotations = p.metadata.annotations.clone().unwrap_or_default();
        if annotations.get("netpol-intent.dev/intent")
            != intent.metadata.get("name").and_then(|n| n.as_str()).map(String::from).as_ref()
        {
            out.push(format!("{name}: no netpol-intent.dev/intent annotation naming the intent"));
        }
        let ingress = spec.ingress.iter().flatten().flat_map(|r| r.from.iter().flatten()).map(|p| (true, p));
        let egress = spec.egress.iter().flatten().flat_map(|r| r.to.iter().flatten()).map(|p| (false, p));
        for (is_ingress, peer) in ingress.chain(egress) {
            match (&peer.ip_block, &peer.namespace_selector, &peer.pod_selector) {
                (None, None, None) => out.push(format!("{name}: an empty peer")),
                (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                    out.push(format!("{name}: an ipBlock with a selector"))
                }
                // The only namespace-wide peer the contract needs is every pod of every
                // namespace, as the DNS pods' clients (`dns`, an ingress rule); a workload is
                // always a namespace AND a pod selector.
                (None, Some(ns), None) if !is_ingress || *ns != Default::default() => {
                    out.push(format!("{name}: a peer that names namespaces but no pods: {peer:?}"))
                }
                _ => {}
            }
        }
    }
    out
}

/// The policy `namespace/name`.
pub fn find<'a>(policies: &'a [NetworkPolicy], namespace: &str, name: &str) -> &'a NetworkPolicy {
    policies
        .iter()
        .find(|p| {
            p.metadata.namespace.as_deref() == Some(namespace) && p.metadata.name.as_deref() == Some(name)
        })
        .unwrap_or_else(|| panic!("no policy {namespace}/{name}; there are {:?}", names(policies)))
}

/// Every policy, as `namespace/name`.
pub fn names(policies: &[NetworkPolicy]) -> Vec<String> {
    policies
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                p.metadata.namespace.as_deref().unwrap_or(""),
                p.metadata.name.as_deref().unwrap_or("")
            )
        })
        .collect()
}

/// The pods of `cluster` that `policy` selects.
pub fn selected(cluster: &Cluster, policy: &NetworkPolicy) -> Vec<String> {
    let ns = policy.metadata.namespace.as_deref();
    let all = Default::default();
    let selector = policy.spec.as_ref().unwrap().pod_selector.as_ref().unwrap_or(&all);
    cluster
        .endpoints
        .iter()
        .filter(|e| cluster.namespace_of(e) == ns && ns.is_some() && k8s::selects(selector, &e.labels))
        .map(|e| e.name.clone())
        .collect()
}

/// The policyTypes as written (not defaulted).
pub fn types(policy: &NetworkPolicy) -> Vec<String> {
    policy.spec.as_ref().unwrap().policy_types.clone().unwrap_or_default()
}

/// The rules of one direction (`"ingress"` or `"egress"`), one line each, as
/// `from <peers> on <ports>`. A peer reads `ns+pods(…)` (namespaceSelector AND podSelector),
/// `pods(…)` (podSelector alone), `ns(…)` (namespaceSelector alone: every pod of those
/// namespaces), or `ip(cidr except …)`; the pods or namespaces listed are those of `cluster`
/// it matches. `any` is no or an empty peer list; ports read `TCP/5432`, `TCP/9000-9095`,
/// `TCP/metrics`, `UDP/*`, or `all`.
pub fn rules(cluster: &Cluster, policy: &NetworkPolicy, direction: &str) -> Vec<String> {
    let spec = policy.spec.as_ref().unwrap();
    let ns = policy.metadata.namespace.as_deref().unwrap();
    let word = if direction == "ingress" { "from" } else { "to" };
    let line = |peers: Option<&[NetworkPolicyPeer]>, ports: Option<&[NetworkPolicyPort]>| {
        let peers = match peers {
            None | Some([]) => "any".to_string(),
            Some(p) => p.iter().map(|peer| describe_peer(cluster, ns, peer)).collect::<Vec<_>>().join(" "),
        };
        let ports = match ports {
            None | Some([]) => "all".to_string(),
            Some(p) => p.iter().map(describe_port).collect::<Vec<_>>().join(" "),
        };
        format!("{word} {peers} on {ports}")
    };
    match direction {
        "ingress" => {
            spec.ingress.iter().flatten().map(|r| line(r.from.as_deref(), r.ports.as_deref())).collect()
        }
        "egress" => spec.egress.iter().flatten().map(|r| line(r.to.as_deref(), r.ports.as_deref())).collect(),
        other => panic!("no direction `{other}`"),
    }
}

fn describe_peer(cluster: &Cluster, policy_ns: &str, peer: &NetworkPolicyPeer) -> String {
    if let Some(block) = &peer.ip_block {
        return match &block.except {
            Some(except) if !except.is_empty() => format!("ip({} except {})", block.cidr, except.join(",")),
            _ => format!("ip({})", block.cidr),
        };
    }
    let shape = match (&peer.namespace_selector, &peer.pod_selector) {
        (Some(_), Some(_)) => "ns+pods",
        (None, Some(_)) => "pods",
        (Some(_), None) => {
            let namespaces: Vec<&str> = cluster
                .namespaces
                .iter()
                .filter(|n| k8s::selects(peer.namespace_selector.as_ref().unwrap(), &n.labels))
                .map(|n| n.name.as_str())
                .collect();
            return format!("ns({})", namespaces.join(","));
        }
        (None, None) => "invalid",
    };
    let pods: Vec<&str> = cluster
        .endpoints
        .iter()
        .filter(|e| evaluator::peer_matches(cluster, policy_ns, peer, e))
        .map(|e| e.name.as_str())
        .collect();
    format!("{shape}({})", pods.join(","))
}

fn describe_port(p: &NetworkPolicyPort) -> String {
    let protocol = p.protocol.as_deref().unwrap_or("TCP");
    match (&p.port, p.end_port) {
        (None, _) => format!("{protocol}/*"),
        (Some(IntOrString::Int(n)), None) => format!("{protocol}/{n}"),
        (Some(IntOrString::Int(n)), Some(end)) => format!("{protocol}/{n}-{end}"),
        (Some(IntOrString::String(name)), _) => format!("{protocol}/{name}"),
    }
}
