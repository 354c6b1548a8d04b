//! What a set of NetworkPolicies allows in a [`Cluster`], as the Kubernetes documentation
//! defines it (concepts/services-networking/network-policies and the NetworkPolicy API):
//!
//! - A pod is isolated for ingress (egress) when some policy of its namespace selects it and
//!   has Ingress (Egress) in its policyTypes. Absent or empty `policyTypes` defaults as the API
//!   server does: Ingress always, Egress too when the policy has egress rules. A policy's
//!   rules of a direction not in its policyTypes are ignored.
//! - S may connect to D on (protocol, port) when D's ingress admits it (D not isolated for
//!   ingress, or some ingress rule of a policy selecting D admits S on that port) AND S's egress
//!   admits it (the same with egress rules and D). An address outside the cluster has no side.
//! - A rule with no or an empty `from`/`to` admits every source/destination, outside addresses
//!   included; no or empty `ports` admits every port of every protocol.
//! - A peer with `podSelector` alone is the pods of the policy's own namespace; with
//!   `namespaceSelector` alone, every pod of the matching namespaces; with both, the pods
//!   matching both (an AND). Selectors never match an outside address.
//! - An `ipBlock` peer matches by IP address, pods included, as Calico and Cilium do (the
//!   documentation leaves pod IPs in an ipBlock implementation-defined); pods have IPs in
//!   10.0.0.0/8, so a block that leaves out the private ranges matches no pod.
//! - A named port is resolved on the destination pod's container ports (name and protocol),
//!   for ingress and egress rules alike, and matches no outside address.
//!
//! A peer that the API server would reject (no selector and no block, or a block with a
//! selector) makes the evaluator panic: the generator must never produce one.

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};

use super::cluster::{Cluster, Endpoint};
use super::k8s::{self, PortMask};

/// One rule of one direction, prepared against the cluster.
struct Rule {
    /// For each endpoint: whether the rule's peers match it.
    peers: Vec<bool>,
    /// For each endpoint as the destination: the port cases the rule admits.
    ports: Vec<PortMask>,
}

/// The policies' verdicts over a cluster, computed up front.
pub struct Network<'c> {
    cluster: &'c Cluster,
    /// For each endpoint: `None` when not isolated for ingress, else the indexes in `rules` of
    /// the ingress rules of the policies that select it.
    ingress: Vec<Option<Vec<usize>>>,
    egress: Vec<Option<Vec<usize>>>,
    rules: Vec<Rule>,
}

/// The policyTypes a policy has once the API server has defaulted them.
pub fn effective_types(policy: &NetworkPolicy) -> Vec<String> {
    let spec = policy.spec.as_ref().expect("a NetworkPolicy has a spec");
    match &spec.policy_types {
        Some(types) if !types.is_empty() => types.clone(),
        _ => {
            let mut types = vec!["Ingress".to_string()];
            if spec.egress.as_ref().is_some_and(|e| !e.is_empty()) {
                types.push("Egress".to_string());
            }
            types
        }
    }
}

/// Whether `peer`, in a policy of namespace `policy_ns`, matches `e`.
pub fn peer_matches(cluster: &Cluster, policy_ns: &str, peer: &NetworkPolicyPeer, e: &Endpoint) -> bool {
    match (&peer.ip_block, &peer.namespace_selector, &peer.pod_selector) {
        (Some(block), None, None) => k8s::in_block(block, e.ip),
        (None, None, None) => panic!("a peer with no selector and no ipBlock is invalid: {peer:?}"),
        (Some(_), _, _) => panic!("a peer with an ipBlock and a selector is invalid: {peer:?}"),
        (None, namespaces, pods) => {
            let Some(ns) = e.namespace else { return false };
            let namespace = &cluster.namespaces[ns];
            let ns_ok = match namespaces {
                Some(s) => k8s::selects(s, &namespace.labels),
                None => namespace.name == policy_ns,
            };
            ns_ok && pods.as_ref().is_none_or(|s| k8s::selects(s, &e.labels))
        }
    }
}

impl<'c> Network<'c> {
    pub fn new(cluster: &'c Cluster, policies: &[NetworkPolicy]) -> Self {
        let n = cluster.endpoints.len();
        let mut net = Network { cluster, ingress: vec![None; n], egress: vec![None; n], rules: Vec::new() };
        for policy in policies {
            let ns = policy.metadata.namespace.as_deref().expect("a policy has a namespace");
            let spec = policy.spec.as_ref().expect("a policy has a spec");
            let all = Default::default();
            let selector = spec.pod_selector.as_ref().unwrap_or(&all);
            let selected: Vec<usize> = (0..n)
                .filter(|&i| {
                    let e = &cluster.endpoints[i];
                    cluster.namespace_of(e) == Some(ns) && k8s::selects(selector, &e.labels)
                })
                .collect();
            let types = effective_types(policy);
            if types.iter().any(|t| t == "Ingress") {
                let rules: Vec<usize> = spec
                    .ingress
                    .iter()
                    .flatten()
                    .map(|r| net.add_rule(ns, r.from.as_deref(), r.ports.as_deref()))
                    .collect();
                for &i in &selected {
                    net.ingress[i].get_or_insert_with(Vec::new).extend(&rules);
                }
            }
            if types.iter().any(|t| t == "Egress") {
                let rules: Vec<usize> = spec
                    .egress
                    .iter()
                    .flatten()
                    .map(|r| net.add_rule(ns, r.to.as_deref(), r.ports.as_deref()))
                    .collect();
                for &i in &selected {
                    net.egress[i].get_or_insert_with(Vec::new).extend(&rules);
                }
            }
            for t in &types {
                assert!(
                    t == "Ingress" || t == "Egress",
                    "unknown policyType `{t}` in {:?}",
                    policy.metadata.name
                );
            }
        }
        net
    }

    /// Prepares one rule of a policy in namespace `ns`. The port cases depend on the
    /// destination (named ports): the selected pod for an ingress rule, the peer for an egress
    /// rule; either way the table is indexed by the destination endpoint.
    fn add_rule(
        &mut self,
        ns: &str,
        peers: Option<&[NetworkPolicyPeer]>,
        ports: Option<&[NetworkPolicyPort]>,
    ) -> usize {
        let endpoints = &self.cluster.endpoints;
        let peers = endpoints
            .iter()
            .map(|e| match peers {
                None | Some([]) => true,
                Some(peers) => peers.iter().any(|p| peer_matches(self.cluster, ns, p, e)),
            })
            .collect();
        let ports = endpoints
            .iter()
            .map(|e| {
                k8s::ports_mask(&self.cluster.port_cases, ports, e.is_pod().then_some(e.ports.as_slice()))
            })
            .collect();
        self.rules.push(Rule { peers, ports });
        self.rules.len() - 1
    }

    /// The port cases on which endpoint `src` may connect to endpoint `dst`.
    pub fn mask(&self, src: usize, dst: usize) -> PortMask {
        let all = k8s::all_ports(self.cluster.port_cases.len());
        let ingress = match &self.ingress[dst] {
            None => all,
            Some(rules) => rules
                .iter()
                .map(|&r| &self.rules[r])
                .filter(|r| r.peers[src])
                .fold(0, |m, r| m | r.ports[dst]),
        };
        let egress = match &self.egress[src] {
            None => all,
            Some(rules) => rules
                .iter()
                .map(|&r| &self.rules[r])
                .filter(|r| r.peers[dst])
                .fold(0, |m, r| m | r.ports[dst]),
        };
        ingress & egress
    }

    /// Whether `src` may connect to `dst` on `case` (as `TCP/5432`); both named as in the
    /// cluster.
    pub fn allows(&self, src: &str, dst: &str, case: &str) -> bool {
        self.mask(self.cluster.index(src), self.cluster.index(dst)) & k8s::bit(&self.cluster.port_cases, case)
            != 0
    }

    pub fn isolated_for_ingress(&self, pod: &str) -> bool {
        self.ingress[self.cluster.index(pod)].is_some()
    }

    pub fn isolated_for_egress(&self, pod: &str) -> bool {
        self.egress[self.cluster.index(pod)].is_some()
    }
}

/// The evaluator against the Kubernetes documentation, on policies written by hand.
mod tests {
    use k8s_openapi::api::networking::v1::NetworkPolicy;

    use super::Network;
    use crate::semantics::cluster::Cluster;
    use crate::semantics::k8s;

    /// Policies from YAML text, as a user would write them.
    fn policies(yaml: &str) -> Vec<NetworkPolicy> {
        let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(yaml).unwrap();
        docs.into_iter().map(|d| serde_json::from_value(d).unwrap()).collect()
    }

    /// A policy document in `namespace` with `spec` (indented by two spaces).
    fn policy(namespace: &str, spec: &str) -> String {
        format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n\
             metadata:\n  name: p\n  namespace: {namespace}\nspec:{spec}\n"
        )
    }

    fn cluster() -> Cluster {
        Cluster::new()
            .namespace_label("a", "team=red")
            .pod("a/web", "app=web,tier=front", "http=TCP/8080,dns=UDP/5353")
            .pod("a/db", "app=db", "")
            .pod("b/web", "app=web", "http=TCP/80")
            .pod("b/job", "app=job,track=canary", "")
            .with_externals()
    }

    /// Asserts the verdict on each `(source, destination, "PROTOCOL/port", allowed)`.
    fn assert_verdicts(yaml: &str, expected: &[(&str, &str, &str, bool)]) {
        let c = cluster();
        let net = Network::new(&c, &policies(yaml));
        for (src, dst, port, allowed) in expected {
            assert_eq!(net.allows(src, dst, port), *allowed, "{src} -> {dst} on {port}\n{yaml}");
        }
    }

    /// Asserts, for a policy of namespace `a` isolating `a/web` for ingress with `ingress`
    /// (its rules), whether each `(source, "PROTOCOL/port", allowed)` reaches `a/web`.
    fn assert_to_web(ingress: &str, expected: &[(&str, &str, bool)]) {
        let spec =
            format!("\n  podSelector: {{matchLabels: {{app: web}}}}\n  policyTypes: [Ingress]{ingress}");
        let expected: Vec<_> = expected.iter().map(|(src, port, ok)| (*src, "a/web", *port, *ok)).collect();
        assert_verdicts(&policy("a", &spec), &expected);
    }

    fn assert_isolation(yaml: &str, pod: &str, ingress: bool, egress: bool) {
        let c = cluster();
        let net = Network::new(&c, &policies(yaml));
        assert_eq!(net.isolated_for_ingress(pod), ingress, "{pod} isolated for ingress\n{yaml}");
        assert_eq!(net.isolated_for_egress(pod), egress, "{pod} isolated for egress\n{yaml}");
    }

    #[test]
    fn policy_types_default_as_the_api_server_does() {
        // No policyTypes but egress rules: Ingress and Egress.
        let both = policy("a", "\n  podSelector: {}\n  egress: [{to: [{podSelector: {}}]}]");
        assert_isolation(&both, "a/web", true, true);
        assert_verdicts(
            &both,
            &[
                ("b/web", "a/web", "TCP/80", false),
                ("a/db", "a/web", "TCP/80", false),
                ("a/db", "b/web", "TCP/80", false),
                ("a/db", "8.8.8.8", "TCP/80", false),
                ("b/web", "b/job", "TCP/80", true),
            ],
        );
        // No policyTypes and no egress rules, or empty lists: Ingress only.
        for spec in ["", "\n  egress: []", "\n  policyTypes: []"] {
            assert_isolation(&policy("a", &format!("\n  podSelector: {{}}{spec}")), "a/web", true, false);
        }
        // The rules of a direction that is not in policyTypes count for nothing.
        let egress_only = policy("a", "\n  podSelector: {}\n  policyTypes: [Egress]\n  ingress: [{}]");
        assert_isolation(&egress_only, "a/web", false, true);
        assert_verdicts(
            &egress_only,
            &[("a/web", "a/db", "TCP/80", false), ("b/web", "a/web", "TCP/80", true)],
        );
        // Only the selected pods of the policy's own namespace are isolated.
        let web = policy("a", "\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]");
        assert_isolation(&web, "a/web", true, false);
        assert_isolation(&web, "a/db", false, false);
        assert_isolation(&web, "b/web", false, false);
    }

    #[test]
    fn empty_and_absent_lists_mean_what_kubernetes_says() {
        // No rules, or an empty rule list: nothing. A rule with no or an empty `from`: everyone.
        assert_to_web("", &[("b/job", "TCP/80", false)]);
        assert_to_web("\n  ingress: []", &[("b/job", "TCP/80", false)]);
        for rules in ["\n  ingress: [{}]", "\n  ingress: [{from: []}]", "\n  ingress: [{ports: []}]"] {
            assert_to_web(
                rules,
                &[("b/job", "TCP/80", true), ("8.8.8.8", "SCTP/80", true), ("a/db", "UDP/53", true)],
            );
        }
    }

    #[test]
    fn peers_select_as_kubernetes_says() {
        // Namespace AND pods in one peer.
        let and = "\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}, podSelector: {matchLabels: {app: web}}}]}]";
        assert_to_web(
            and,
            &[("b/web", "TCP/80", true), ("b/job", "TCP/80", false), ("a/web", "TCP/80", false)],
        );
        // Namespace OR pods as two peers.
        let or = "\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}}, {podSelector: {matchLabels: {app: web}}}]}]";
        assert_to_web(
            or,
            &[
                ("b/web", "TCP/80", true),
                ("b/job", "TCP/80", true),
                ("a/web", "TCP/80", true),
                ("a/db", "TCP/80", false),
            ],
        );
        // A pod selector alone: the policy's own namespace, never outside addresses.
        let own = "\n  ingress: [{from: [{podSelector: {}}]}]";
        assert_to_web(
            own,
            &[("a/db", "TCP/80", true), ("b/web", "TCP/80", false), ("8.8.8.8", "TCP/80", false)],
        );
        // A namespace selector alone: every pod of those namespaces; `{}` is every namespace.
        let every = "\n  ingress: [{from: [{namespaceSelector: {}}]}]";
        assert_to_web(
            every,
            &[("b/job", "TCP/80", true), ("a/db", "TCP/80", true), ("8.8.8.8", "TCP/80", false)],
        );
        let red = "\n  ingress: [{from: [{namespaceSelector: {matchLabels: {team: red}}}]}]";
        assert_to_web(red, &[("a/db", "TCP/80", true), ("b/job", "TCP/80", false)]);
        // matchExpressions, on a pod with track=canary and one without track.
        let expr = |requirement: &str| {
            format!("\n  ingress: [{{from: [{{namespaceSelector: {{}}, podSelector: {{matchExpressions: [{requirement}]}}}}]}}]")
        };
        let cases = [
            ("{key: track, operator: In, values: [canary]}", true, false),
            ("{key: track, operator: In, values: [stable]}", false, false),
            ("{key: track, operator: NotIn, values: [canary]}", false, true),
            ("{key: track, operator: Exists}", true, false),
            ("{key: track, operator: DoesNotExist}", false, true),
        ];
        for (requirement, job, web) in cases {
            assert_to_web(&expr(requirement), &[("b/job", "TCP/80", job), ("b/web", "TCP/80", web)]);
        }
        // ipBlock: by address, pods included (b's pods are in 10.2.0.0/16); `except` carves out.
        let public =
            "\n  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 192.168.0.0/16]}}]}]";
        assert_to_web(
            public,
            &[
                ("8.8.8.8", "TCP/80", true),
                ("172.16.5.5", "TCP/80", true),
                ("192.168.1.10", "TCP/80", false),
                ("10.250.0.1", "TCP/80", false),
                ("b/web", "TCP/80", false),
            ],
        );
        let b_pods = "\n  ingress: [{from: [{ipBlock: {cidr: 10.2.0.0/16}}]}]";
        assert_to_web(
            b_pods,
            &[("b/web", "TCP/80", true), ("a/db", "TCP/80", false), ("8.8.8.8", "TCP/80", false)],
        );
    }

    #[test]
    fn ports_match_as_kubernetes_says() {
        let ports = |p: &str| format!("\n  ingress: [{{ports: [{p}]}}]");
        // The protocol defaults to TCP; no port is every port of the protocol.
        assert_to_web(
            &ports("{port: 80}"),
            &[("b/job", "TCP/80", true), ("b/job", "SCTP/80", false), ("b/job", "TCP/443", false)],
        );
        assert_to_web(&ports("{protocol: UDP}"), &[("b/job", "UDP/9090", true), ("b/job", "TCP/80", false)]);
        // endPort: an inclusive range.
        let range = ports("{port: 8080, endPort: 8089}");
        assert_to_web(
            &range,
            &[("b/job", "TCP/8080", true), ("b/job", "TCP/8085", true), ("b/job", "TCP/8443", false)],
        );
        // Named ports resolve on the destination pod (a/web: http=TCP/8080, dns=UDP/5353),
        // protocol included.
        assert_to_web(&ports("{port: http}"), &[("b/job", "TCP/8080", true), ("b/job", "TCP/80", false)]);
        assert_to_web(
            &ports("{port: dns, protocol: UDP}"),
            &[("b/job", "UDP/5353", true), ("b/job", "UDP/53", false)],
        );
        assert_to_web(&ports("{port: dns}"), &[("b/job", "UDP/5353", false)]);
        // In an egress rule, the destination's named port; outside addresses have none.
        let egress =
            policy("b", "\n  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: http}]}]");
        assert_verdicts(
            &egress,
            &[
                ("b/job", "a/web", "TCP/8080", true),
                ("b/job", "a/web", "TCP/80", false),
                ("b/job", "b/web", "TCP/80", true),
                ("b/job", "8.8.8.8", "TCP/80", false),
            ],
        );
    }

    #[test]
    fn both_sides_must_admit_a_connection() {
        let yaml = policy(
            "a",
            "\n  podSelector: {}\n  policyTypes: [Ingress]\n  ingress: [{ports: [{port: 80}]}]",
        ) + &policy(
            "b",
            "\n  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: 8080}, {port: 80}]}]",
        );
        assert_verdicts(
            &yaml,
            &[
                ("b/job", "a/db", "TCP/80", true),
                ("b/job", "a/db", "TCP/8080", false),
                ("b/job", "8.8.8.8", "TCP/80", true),
                ("8.8.8.8", "a/db", "TCP/80", true),
                ("8.8.8.8", "a/db", "TCP/443", false),
            ],
        );
        // Where neither side is isolated (a/db's egress, b/web's ingress): every port.
        let c = cluster();
        let net = Network::new(&c, &policies(&yaml));
        let all = k8s::all_ports(c.port_cases.len());
        assert_eq!(net.mask(c.index("a/db"), c.index("b/web")), all);
        assert_eq!(net.mask(c.index("a/db"), c.index("8.8.8.8")), all);
    }
}
