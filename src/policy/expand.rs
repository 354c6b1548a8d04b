//! The expansion: a valid intent becomes the NetworkPolicies that allow exactly what it says.
//!
//! Every allowance is added through [`Drafts::allow`], which is the one place that decides whether
//! a side is generated at all: only in a managed namespace, and only for an isolated direction.
//! Peers are built from types ([`Peer`]), never from text, so a namespace and a pod selector
//! always end up in one peer (an AND), never in two (an OR).

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::intent::validate::{Named, ValidIntent};
use crate::intent::{At, Cidr, External, LabelSelector, PolicyType, Port, PortValue, Scope, Workload};

use PolicyType::{Egress, Ingress};

/// A set of pods (or addresses) on the other side of a rule.
#[derive(Clone, Copy, Debug)]
enum Peer<'a> {
    /// The pods that `selector` picks in `namespace`.
    Pods { namespace: &'a str, selector: &'a LabelSelector },
    /// The pods with `label`="true" in `namespace`.
    Labelled { namespace: &'a str, label: &'a str },
    /// The pods with `label`="true" in any managed namespace.
    LabelledInManaged { label: &'a str },
    /// The pods with `label`="true" in any namespace at all.
    LabelledAnywhere { label: &'a str },
    /// Every pod of every namespace.
    AnyPod,
    /// An IP block.
    Block(&'a Cidr),
}

impl<'a> Peer<'a> {
    fn workload(w: &'a Workload) -> Self {
        Peer::Pods { namespace: &w.namespace, selector: &w.pod_selector }
    }

    /// An external's addresses: one IP block per entry of its `cidrs`.
    fn external(e: &'a External) -> Vec<Self> {
        e.cidrs.iter().map(Peer::Block).collect()
    }
}

/// One rule as the intent states it: from/to these peers (`None`: anywhere) on these ports
/// (empty: all ports).
struct Rule<'a> {
    peers: Option<Vec<Peer<'a>>>,
    ports: &'a [Port],
}

/// Which part of the intent a policy comes from (two allowances with the same identity, side
/// and namespace are one policy), and the readable name it asks for.
struct Id {
    identity: String,
    name: String,
}

fn id(identity: impl Into<String>, name: impl Into<String>) -> Id {
    Id { identity: identity.into(), name: name.into() }
}

/// A policy being assembled.
struct Draft {
    namespace: String,
    identity: String,
    name: String,
    selector: meta::LabelSelector,
    policy_types: Vec<PolicyType>,
    ingress: Vec<NetworkPolicyIngressRule>,
    egress: Vec<NetworkPolicyEgressRule>,
}

/// The policies being assembled, by namespace, identity and direction.
struct Drafts<'v> {
    intent: &'v ValidIntent,
    namespace_label: &'v str,
    /// (namespace, identity, direction) → draft.
    drafts: BTreeMap<(String, String, PolicyType), Draft>,
}

impl Drafts<'_> {
    /// Adds one side of an allowance: a rule in `namespace` for the pods `selector` picks, in
    /// `direction`. Nothing is added for a namespace that is not managed or a direction that is
    /// not isolated: there, every connection is already allowed.
    fn allow(
        &mut self,
        namespace: &str,
        direction: PolicyType,
        id: Id,
        selector: &LabelSelector,
        rule: Rule,
    ) {
        if !self.intent.is_managed(namespace) || !self.intent.intent().isolates(direction) {
            return;
        }
        let peers = rule.peers.map(|peers| peers.iter().map(|p| self.peer(namespace, p)).collect());
        let ports = (!rule.ports.is_empty()).then(|| rule.ports.iter().map(k8s_port).collect());
        let key = (namespace.to_string(), id.identity.clone(), direction);
        let draft = self.drafts.entry(key).or_insert_with(|| Draft {
            namespace: namespace.to_string(),
            identity: format!("{}/{}", id.identity, direction.as_str()),
            name: id.name,
            selector: k8s_selector(selector),
            policy_types: vec![direction],
            ingress: Vec::new(),
            egress: Vec::new(),
        });
        match direction {
            Ingress => draft.ingress.push(NetworkPolicyIngressRule { from: peers, ports }),
            Egress => draft.egress.push(NetworkPolicyEgressRule { to: peers, ports }),
        }
    }

    /// Adds the ingress side in the destination's namespace and the egress side in the source's;
    /// [`Drafts::allow`] keeps only the sides that are needed.
    fn allow_pair(&mut self, identity: &str, name: &str, src: &Workload, dst: &Workload, ports: &[Port]) {
        let to_dst = Rule { peers: Some(vec![Peer::workload(src)]), ports };
        self.allow(&dst.namespace, Ingress, id(identity, name), &dst.pod_selector, to_dst);
        let from_src = Rule { peers: Some(vec![Peer::workload(dst)]), ports };
        let egress_name = format!("{name}-egress");
        self.allow(&src.namespace, Egress, id(identity, egress_name), &src.pod_selector, from_src);
    }

    /// One `internet` side: in every managed namespace for the pods with `label`="true"
    /// (policy `name`), and in each named workload's namespace for its pods (`name-<workload>`).
    fn allow_internet(
        &mut self,
        direction: PolicyType,
        name: &str,
        (label, workloads): (Option<&String>, &[At<String>]),
        rule: &Rule,
    ) {
        let intent = self.intent;
        let again = || Rule { peers: rule.peers.clone(), ports: rule.ports };
        if let Some(label) = label {
            let selected = LabelSelector::label_true(label);
            for ns in intent.managed() {
                self.allow(ns, direction, id("internet", name), &selected, again());
            }
        }
        for w in workloads {
            let w = intent.workload(w);
            let w_id = id(format!("internet:{}", *w.name), format!("{name}-{}", *w.name));
            self.allow(&w.namespace, direction, w_id, &w.pod_selector, again());
        }
    }

    /// The Kubernetes peer for `peer`, as seen from a policy in `namespace`: a pod selector
    /// alone for pods of the same namespace, else a namespace selector AND a pod selector in
    /// one peer.
    fn peer(&self, namespace: &str, peer: &Peer) -> NetworkPolicyPeer {
        let pods_in = |ns: &str, pods: meta::LabelSelector| NetworkPolicyPeer {
            namespace_selector: (ns != namespace).then(|| self.namespace_selector(ns)),
            pod_selector: Some(pods),
            ip_block: None,
        };
        match *peer {
            Peer::Pods { namespace: ns, selector } => pods_in(ns, k8s_selector(selector)),
            Peer::Labelled { namespace: ns, label } => pods_in(ns, label_true(label)),
            Peer::LabelledInManaged { label } => NetworkPolicyPeer {
                namespace_selector: Some(meta::LabelSelector {
                    match_expressions: Some(vec![meta::LabelSelectorRequirement {
                        key: self.namespace_label.to_string(),
                        operator: "In".to_string(),
                        values: Some(self.intent.managed().iter().cloned().collect()),
                    }]),
                    match_labels: None,
                }),
                pod_selector: Some(label_true(label)),
                ip_block: None,
            },
            Peer::LabelledAnywhere { label } => NetworkPolicyPeer {
                namespace_selector: Some(meta::LabelSelector::default()),
                pod_selector: Some(label_true(label)),
                ip_block: None,
            },
            Peer::AnyPod => NetworkPolicyPeer {
                namespace_selector: Some(meta::LabelSelector::default()),
                pod_selector: None,
                ip_block: None,
            },
            Peer::Block(cidr) => NetworkPolicyPeer {
                ip_block: Some(IPBlock {
                    cidr: cidr.cidr.clone(),
                    except: (!cidr.except.is_empty()).then(|| cidr.except.clone()),
                }),
                namespace_selector: None,
                pod_selector: None,
            },
        }
    }

    fn namespace_selector(&self, namespace: &str) -> meta::LabelSelector {
        meta::LabelSelector {
            match_labels: Some(BTreeMap::from([(self.namespace_label.to_string(), namespace.to_string())])),
            match_expressions: None,
        }
    }

    /// The drafts as NetworkPolicies, with unique names, sorted by namespace, then name.
    fn finish(self) -> Vec<NetworkPolicy> {
        let marks = super::ownership::marks(self.intent.intent().name());
        let mut drafts: Vec<Draft> = self.drafts.into_values().collect();
        let names = super::naming::unique(
            drafts.iter().map(|d| (d.namespace.as_str(), d.name.as_str(), d.identity.as_str())),
        );
        for (d, name) in drafts.iter_mut().zip(names) {
            d.name = name;
        }
        drafts.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        drafts
            .into_iter()
            .map(|d| NetworkPolicy {
                metadata: meta::ObjectMeta {
                    name: Some(d.name),
                    namespace: Some(d.namespace),
                    labels: Some(marks.0.clone()),
                    annotations: Some(marks.1.clone()),
                    ..Default::default()
                },
                spec: Some(NetworkPolicySpec {
                    pod_selector: Some(d.selector),
                    policy_types: Some(d.policy_types.iter().map(|t| t.as_str().to_string()).collect()),
                    ingress: (!d.ingress.is_empty()).then_some(d.ingress),
                    egress: (!d.egress.is_empty()).then_some(d.egress),
                }),
            })
            .collect()
    }
}

fn k8s_selector(s: &LabelSelector) -> meta::LabelSelector {
    meta::LabelSelector {
        match_labels: (!s.match_labels.is_empty()).then(|| s.match_labels.clone()),
        match_expressions: (!s.match_expressions.is_empty()).then(|| {
            s.match_expressions
                .iter()
                .map(|r| meta::LabelSelectorRequirement {
                    key: r.key.clone(),
                    operator: r.operator.as_str().to_string(),
                    values: (!r.values.is_empty()).then(|| r.values.clone()),
                })
                .collect()
        }),
    }
}

fn label_true(label: &str) -> meta::LabelSelector {
    k8s_selector(&LabelSelector::label_true(label))
}

fn k8s_port(p: &Port) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: p.port.as_ref().map(|v| match v {
            PortValue::Number(n) => IntOrString::Int(*n),
            PortValue::Name(s) => IntOrString::String(s.clone()),
        }),
        end_port: p.end_port,
        protocol: Some(p.protocol.as_str().to_string()),
    }
}

/// Expands a valid intent into its NetworkPolicies, sorted by namespace, then name.
pub fn expand(valid: &ValidIntent) -> Vec<NetworkPolicy> {
    let spec = &valid.intent().spec;
    let mut drafts =
        Drafts { intent: valid, namespace_label: &spec.namespace_label, drafts: BTreeMap::new() };
    drafts.namespaces();
    drafts.dns();
    drafts.internet();
    drafts.hubs();
    drafts.servers();
    drafts.connections();
    drafts.finish()
}

/// The rows of the contract, one method each.
impl Drafts<'_> {
    /// The baseline, `sameNamespace` and `newWorkloads`, in every managed namespace.
    fn namespaces(&mut self) {
        let spec = &self.intent.intent().spec;
        let all = LabelSelector::default();
        for ns in self.intent.managed() {
            // The baseline: every pod isolated in every direction of `isolation`.
            self.drafts.insert(
                (ns.clone(), "default-deny".to_string(), Ingress),
                Draft {
                    namespace: ns.clone(),
                    identity: "default-deny".to_string(),
                    name: "default-deny-all".to_string(),
                    selector: k8s_selector(&all),
                    policy_types: spec.isolation.clone(),
                    ingress: Vec::new(),
                    egress: Vec::new(),
                },
            );
            let every_pod = Peer::Pods { namespace: ns, selector: &all };
            // `sameNamespace`: any pod to any pod of the same namespace.
            if spec.same_namespace {
                let rule = || Rule { peers: Some(vec![every_pod]), ports: &[] };
                self.allow(ns, Ingress, id("same-namespace", "allow-same-namespace"), &all, rule());
                self.allow(ns, Egress, id("same-namespace", "allow-same-namespace-egress"), &all, rule());
            }
            // `newWorkloads`: labelled pods to every pod of the namespace, and every pod to them.
            if let Some(new) = &spec.new_workloads {
                let labelled = LabelSelector::label_true(&new.label);
                let new_pods = Peer::Labelled { namespace: ns, label: &new.label };
                let any_rule = || Rule { peers: Some(vec![every_pod]), ports: &[] };
                let new_rule = || Rule { peers: Some(vec![new_pods]), ports: &[] };
                self.allow(ns, Ingress, id("new-from", "allow-ingress-from-new"), &all, new_rule());
                self.allow(ns, Ingress, id("new-to", "allow-ingress-to-new"), &labelled, any_rule());
                self.allow(ns, Egress, id("new-from", "allow-egress-from-new"), &labelled, any_rule());
                self.allow(ns, Egress, id("new-to", "allow-egress-to-new"), &all, new_rule());
            }
        }
    }

    /// `dns`: every pod of any namespace to the DNS pods.
    fn dns(&mut self) {
        let dns = &self.intent.intent().spec.dns;
        if !dns.enabled {
            return;
        }
        let to_dns = Peer::Pods { namespace: &dns.namespace, selector: &dns.pod_selector };
        let from_any = Rule { peers: Some(vec![Peer::AnyPod]), ports: &dns.ports };
        self.allow(&dns.namespace, Ingress, id("dns", "allow-dns"), &dns.pod_selector, from_any);
        let all = LabelSelector::default();
        // The DNS pods, and `cidrs` (a node-local cache, say) on the same ports: one rule.
        let peers: Vec<Peer> = std::iter::once(to_dns).chain(dns.cidrs.iter().map(Peer::Block)).collect();
        for ns in self.intent.managed() {
            let rule = Rule { peers: Some(peers.clone()), ports: &dns.ports };
            self.allow(ns, Egress, id("dns", "allow-dns-egress"), &all, rule);
        }
    }

    /// `internet`: the target's side only of `ingress` (`from` omitted admits any source), the
    /// source's side only of `egress`.
    fn internet(&mut self) {
        let internet = &self.intent.intent().spec.internet;
        if let Some(ingress) = &internet.ingress {
            let peers = ingress.from.as_ref().map(|cidrs| cidrs.iter().map(Peer::Block).collect());
            let rule = Rule { peers, ports: &ingress.ports };
            let targets = (ingress.label.as_deref(), ingress.workloads.as_slice());
            self.allow_internet(Ingress, "internet-access", targets, &rule);
        }
        if let Some(egress) = &internet.egress {
            let rule =
                Rule { peers: Some(egress.to.iter().map(Peer::Block).collect()), ports: &egress.ports };
            let sources = (egress.label.as_deref(), egress.workloads.as_slice());
            self.allow_internet(Egress, "internet-egress", sources, &rule);
        }
    }

    /// `hubs`: each spoke, and each labelled pod of the hub's namespace, to the hub.
    fn hubs(&mut self) {
        let valid = self.intent;
        for hub in &valid.intent().spec.hubs {
            let h = valid.workload(&hub.workload);
            let hub_ns: &str = &h.namespace;
            let mut sources: Vec<Peer> =
                hub.spokes.iter().map(|s| Peer::workload(valid.workload(s))).collect();
            if let Some(label) = &hub.access_label {
                sources.push(Peer::Labelled { namespace: hub_ns, label });
            }
            // The hub's side: one rule admits every spoke.
            let rule = Rule { peers: Some(sources), ports: &hub.ports };
            let hub_id = id(format!("hub:{}", *h.name), format!("allow-{}-access", *h.name));
            self.allow(hub_ns, Ingress, hub_id, &h.pod_selector, rule);
            // The spokes' side: one egress policy per spoke, in the spoke's namespace.
            let to_hub = || Rule { peers: Some(vec![Peer::workload(h)]), ports: &hub.ports };
            for spoke in &hub.spokes {
                let s = valid.workload(spoke);
                let spoke_id = id(
                    format!("hub:{}:spoke:{}", *h.name, *s.name),
                    format!("allow-{}-access-from-{}-egress", *h.name, *s.name),
                );
                self.allow(&s.namespace, Egress, spoke_id, &s.pod_selector, to_hub());
            }
            if let Some(label) = &hub.access_label {
                let labelled = LabelSelector::label_true(label);
                let labelled_id = id(
                    format!("hub:{}:labelled:{}", *h.name, label.value),
                    format!("allow-{}-access-labelled-egress", *h.name),
                );
                self.allow(hub_ns, Egress, labelled_id, &labelled, to_hub());
            }
        }
    }

    /// `servers`: the server to labelled pods in every managed namespace, or (`scope: all`) in
    /// every namespace, whose ingress sides are still written in managed namespaces only.
    fn servers(&mut self) {
        let valid = self.intent;
        for server in &valid.intent().spec.servers {
            let s = valid.workload(&server.workload);
            let label: &str = &server.target_label;
            let identity = format!("server:{}:{label}", *s.name);
            let name = format!("allow-{}-to-access", *s.name);
            let targets = LabelSelector::label_true(label);
            for ns in valid.managed() {
                let rule = Rule { peers: Some(vec![Peer::workload(s)]), ports: &server.ports };
                self.allow(ns, Ingress, id(&identity, &name), &targets, rule);
            }
            let targets = match server.scope {
                Scope::Managed => Peer::LabelledInManaged { label },
                Scope::All => Peer::LabelledAnywhere { label },
            };
            let rule = Rule { peers: Some(vec![targets]), ports: &server.ports };
            self.allow(&s.namespace, Egress, id(&identity, format!("{name}-egress")), &s.pod_selector, rule);
        }
    }

    /// `connections`: each pair of `from` and `to` as a single connection: both sides between
    /// workloads; toward an external, the source's egress side only; from an external, the
    /// destination's ingress side only. A pair's policies are named after it alone, so a list
    /// names them as the single connections it stands for would be.
    fn connections(&mut self) {
        let valid = self.intent;
        for c in &valid.intent().spec.connections {
            for (from, to) in c.pairs() {
                let identity = format!("connection:{}:{}", from.value, to.value);
                let name = format!("allow-{}-to-{}", from.value, to.value);
                match (valid.named(from), valid.named(to)) {
                    (Named::Workload(src), Named::Workload(dst)) => {
                        self.allow_pair(&identity, &name, src, dst, &c.ports)
                    }
                    (Named::Workload(src), Named::External(dst)) => {
                        let rule = Rule { peers: Some(Peer::external(dst)), ports: &c.ports };
                        let id = id(identity, format!("{name}-egress"));
                        self.allow(&src.namespace, Egress, id, &src.pod_selector, rule);
                    }
                    (Named::External(src), Named::Workload(dst)) => {
                        let rule = Rule { peers: Some(Peer::external(src)), ports: &c.ports };
                        self.allow(&dst.namespace, Ingress, id(identity, name), &dst.pod_selector, rule);
                    }
                    // Refused by validation; it would allow nothing anyway.
                    (Named::External(_), Named::External(_)) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn names(text: &str) -> Vec<(String, String)> {
        crate::generate(text)
            .expect("valid intent")
            .into_iter()
            .map(|p| (p.metadata.namespace.unwrap(), p.metadata.name.unwrap()))
            .collect()
    }

    #[test]
    fn clashing_names_get_suffixes_and_stay_unique() {
        // `x-to-y` → `z` and `x` → `y-to-z` both ask for `allow-x-to-y-to-z` in `ns`.
        let text = r#"
apiVersion: netpol-intent.dev/v1alpha1
kind: NetworkIntent
metadata: {name: t}
spec:
  namespaces: [ns]
  workloads:
  - {name: x-to-y, namespace: ns, podSelector: {matchLabels: {a: '1'}}}
  - {name: z, namespace: ns, podSelector: {matchLabels: {a: '2'}}}
  - {name: x, namespace: ns, podSelector: {matchLabels: {a: '3'}}}
  - {name: y-to-z, namespace: ns, podSelector: {matchLabels: {a: '4'}}}
  - {name: other, namespace: ns, podSelector: {matchLabels: {a: '5'}}}
  connections:
  - {from: x-to-y, to: z}
  - {from: x, to: y-to-z}
  - {from: other, to: z}
"#;
        let all = names(text);
        let clashing: Vec<&str> =
            all.iter().map(|(_, n)| n.as_str()).filter(|n| n.starts_with("allow-x-to-y-to-z-")).collect();
        assert_eq!(clashing.len(), 2, "{all:?}");
        assert_ne!(clashing[0], clashing[1]);
        assert!(all.iter().any(|(_, n)| n == "allow-other-to-z"), "unrelated names stay readable: {all:?}");
        let unique: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
    }

    #[test]
    fn names_do_not_depend_on_the_order_of_entries() {
        let head = r#"
apiVersion: netpol-intent.dev/v1alpha1
kind: NetworkIntent
metadata: {name: t}
spec:
  namespaces: [ns]
  workloads:
  - {name: a, namespace: ns, podSelector: {matchLabels: {a: '1'}}}
  - {name: b, namespace: ns, podSelector: {matchLabels: {a: '2'}}}
  connections:
"#;
        let one = names(&format!("{head}  - {{from: a, to: b}}\n  - {{from: b, to: a}}\n"));
        let two = names(&format!("{head}  - {{from: b, to: a}}\n  - {{from: a, to: b}}\n"));
        assert_eq!(one, two);
    }
}
