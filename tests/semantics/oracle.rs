//! What an intent allows, read straight from the contract (`intent-v1alpha1.md`, "Meaning" and
//! "Additions"), with no use of the crate's own model or expansion: the intent file is read
//! back as plain JSON into the types below, which apply the contract's defaults themselves.
//!
//! "A connection from pod S to pod D on a protocol/port is allowed exactly when D's ingress
//! admits it and S's egress admits it. Pods in namespaces not listed in `spec.namespaces` are
//! never isolated by this tool, so their own side admits everything." A side of a pod in a
//! managed namespace admits everything when its direction is not in `isolation`; otherwise it
//! admits what one of the table's rows allows. Every row but the two `internet` ones holds on
//! both sides; `internet.ingress` opens the target's side only, `internet.egress` the source's.
//! Of the additions, a connection toward an external and `dns.cidrs` open the source's side
//! only, a connection from an external the destination's; a connection with lists is each pair
//! of the cross product. An address outside the cluster has no side of its own.
//!
//! The values the contract defines as Kubernetes values (label selectors, ports, `{cidr,
//! except}` blocks) are matched with the Kubernetes rules in [`super::k8s`]; a CIDR covers the
//! pods whose IP it holds, as in the evaluator.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{IPBlock, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Deserialize;

use super::cluster::{Cluster, Endpoint};
use super::k8s::{self, PortMask};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Intent {
    pub api_version: String,
    pub kind: String,
    pub metadata: serde_json::Value,
    pub spec: Spec,
    /// The file's text, for messages.
    #[serde(skip)]
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    pub namespaces: Vec<String>,
    #[serde(default = "ingress_only")]
    pub isolation: Vec<String>,
    #[serde(default = "metadata_name")]
    pub namespace_label: String,
    #[serde(default)]
    pub same_namespace: bool,
    #[serde(default)]
    pub dns: Dns,
    #[serde(default)]
    pub workloads: Vec<Workload>,
    #[serde(default)]
    pub externals: Vec<External>,
    #[serde(default)]
    pub internet: Internet,
    #[serde(default)]
    pub hubs: Vec<Hub>,
    #[serde(default)]
    pub servers: Vec<Server>,
    #[serde(default)]
    pub connections: Vec<Connection>,
    pub new_workloads: Option<NewWorkloads>,
}

fn ingress_only() -> Vec<String> {
    vec!["Ingress".to_string()]
}

fn metadata_name() -> String {
    "kubernetes.io/metadata.name".to_string()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dns {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "kube_system")]
    pub namespace: String,
    #[serde(default = "kube_dns")]
    pub pod_selector: LabelSelector,
    #[serde(default = "dns_ports")]
    pub ports: Vec<NetworkPolicyPort>,
    #[serde(default)]
    pub cidrs: Vec<IPBlock>,
}

fn yes() -> bool {
    true
}

fn kube_system() -> String {
    "kube-system".to_string()
}

fn kube_dns() -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([("k8s-app".to_string(), "kube-dns".to_string())])),
        match_expressions: None,
    }
}

fn dns_ports() -> Vec<NetworkPolicyPort> {
    serde_json::from_value(
        serde_json::json!([{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]),
    )
    .unwrap()
}

impl Default for Dns {
    fn default() -> Self {
        Dns {
            enabled: true,
            namespace: kube_system(),
            pod_selector: kube_dns(),
            ports: dns_ports(),
            cidrs: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workload {
    pub name: String,
    pub namespace: String,
    pub pod_selector: LabelSelector,
}

/// A named set of addresses outside the cluster.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct External {
    pub name: String,
    pub cidrs: Vec<IPBlock>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Internet {
    pub ingress: Option<InternetIngress>,
    pub egress: Option<InternetEgress>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InternetIngress {
    pub label: Option<String>,
    pub workloads: Option<Vec<String>>,
    #[serde(default)]
    pub ports: Vec<NetworkPolicyPort>,
    pub from: Option<Vec<IPBlock>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InternetEgress {
    pub label: Option<String>,
    pub workloads: Option<Vec<String>>,
    #[serde(default)]
    pub ports: Vec<NetworkPolicyPort>,
    #[serde(default = "public_internet")]
    pub to: Vec<IPBlock>,
}

/// `internet.egress.to`'s default: everything but the private, shared and link-local ranges.
pub fn public_internet() -> Vec<IPBlock> {
    let except = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];
    vec![IPBlock { cidr: "0.0.0.0/0".to_string(), except: Some(except.map(String::from).to_vec()) }]
}

/// The `internet` label: as given, else the default when `workloads` is absent.
fn internet_label(label: &Option<String>, workloads: &Option<Vec<String>>, default: &str) -> Option<String> {
    match (label, workloads) {
        (Some(label), _) => Some(label.clone()),
        (None, None) => Some(default.to_string()),
        (None, Some(_)) => None,
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hub {
    pub workload: String,
    #[serde(default)]
    pub ports: Vec<NetworkPolicyPort>,
    #[serde(default)]
    pub spokes: Vec<String>,
    pub access_label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Server {
    pub workload: String,
    pub target_label: String,
    #[serde(default)]
    pub ports: Vec<NetworkPolicyPort>,
    /// `managed` when absent, or `all`.
    pub scope: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Connection {
    pub from: Names,
    pub to: Names,
    #[serde(default)]
    pub ports: Vec<NetworkPolicyPort>,
}

/// A name, or a list of names.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Names {
    One(String),
    Many(Vec<String>),
}

impl Names {
    pub fn names(&self) -> Vec<&str> {
        match self {
            Names::One(n) => vec![n.as_str()],
            Names::Many(list) => list.iter().map(String::as_str).collect(),
        }
    }
}

impl Connection {
    /// Every (from, to) pair of the cross product.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        let to = self.to.names();
        self.from.names().into_iter().flat_map(|f| to.iter().map(move |t| (f, *t))).collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWorkloads {
    #[serde(default = "all_connections_label")]
    pub label: String,
}

fn all_connections_label() -> String {
    "networking/allow-all-connections".to_string()
}

impl Intent {
    /// Reads an intent file's text (one YAML document).
    pub fn parse(text: &str) -> Intent {
        // serde-saphyr, not the crate's reader: the oracle shares nothing with `src/`.
        let json: serde_json::Value = serde_saphyr::from_str(text).expect("the intent is YAML");
        let mut intent: Intent = serde_json::from_value(json)
            .unwrap_or_else(|e| panic!("the oracle cannot read the intent: {e}\n{text}"));
        assert_eq!(
            (intent.api_version.as_str(), intent.kind.as_str()),
            ("netpol-intent.dev/v1alpha1", "NetworkIntent")
        );
        intent.text = text.to_string();
        intent
    }

    pub fn is_managed(&self, namespace: &str) -> bool {
        self.spec.namespaces.iter().any(|n| n == namespace)
    }

    fn isolates(&self, direction: &str) -> bool {
        self.spec.isolation.iter().any(|d| d == direction)
    }

    /// The external of that name, if it is one.
    pub fn external(&self, name: &str) -> Option<&External> {
        self.spec.externals.iter().find(|e| e.name == name)
    }

    fn workload(&self, name: &str) -> &Workload {
        self.spec.workloads.iter().find(|w| w.name == name).unwrap_or_else(|| panic!("no workload `{name}`"))
    }

    /// Every port entry of the intent.
    pub fn ports(&self) -> Vec<&NetworkPolicyPort> {
        let s = &self.spec;
        let mut out: Vec<&NetworkPolicyPort> = s.dns.ports.iter().collect();
        out.extend(s.internet.ingress.iter().flat_map(|i| &i.ports));
        out.extend(s.internet.egress.iter().flat_map(|e| &e.ports));
        out.extend(s.hubs.iter().flat_map(|h| &h.ports));
        out.extend(s.servers.iter().flat_map(|s| &s.ports));
        out.extend(s.connections.iter().flat_map(|c| &c.ports));
        out
    }

    /// Every label key the intent gives a meaning to with the value "true".
    pub fn true_labels(&self) -> Vec<String> {
        let s = &self.spec;
        let mut out = Vec::new();
        if let Some(i) = &s.internet.ingress {
            out.extend(internet_label(&i.label, &i.workloads, "networking/allow-internet-access"));
        }
        if let Some(e) = &s.internet.egress {
            out.extend(internet_label(&e.label, &e.workloads, "networking/allow-internet-egress"));
        }
        out.extend(s.hubs.iter().filter_map(|h| h.access_label.clone()));
        out.extend(s.servers.iter().map(|s| s.target_label.clone()));
        out.extend(s.new_workloads.iter().map(|n| n.label.clone()));
        out.sort();
        out.dedup();
        out
    }
}

/// The intent's verdicts over a cluster.
pub struct Oracle<'a> {
    intent: &'a Intent,
    cluster: &'a Cluster,
    /// Workload name → for each endpoint, whether it is one of the workload's pods.
    members: BTreeMap<&'a str, Vec<bool>>,
}

impl<'a> Oracle<'a> {
    pub fn new(intent: &'a Intent, cluster: &'a Cluster) -> Self {
        let members = intent
            .spec
            .workloads
            .iter()
            .map(|w| {
                let of = cluster
                    .endpoints
                    .iter()
                    .map(|e| {
                        cluster.namespace_of(e) == Some(&w.namespace)
                            && k8s::selects(&w.pod_selector, &e.labels)
                    })
                    .collect();
                (w.name.as_str(), of)
            })
            .collect();
        Oracle { intent, cluster, members }
    }

    fn is(&self, workload: &str, e: usize) -> bool {
        self.members[workload][e]
    }

    fn managed(&self, e: &Endpoint) -> bool {
        self.cluster.namespace_of(e).is_some_and(|ns| self.intent.is_managed(ns))
    }

    fn all(&self) -> PortMask {
        k8s::all_ports(self.cluster.port_cases.len())
    }

    /// The port cases a row's `ports` allow towards `dst`: omitted or empty is all ports.
    fn ports(&self, ports: &[NetworkPolicyPort], dst: usize) -> PortMask {
        let d = &self.cluster.endpoints[dst];
        k8s::ports_mask(&self.cluster.port_cases, Some(ports), d.is_pod().then_some(d.ports.as_slice()))
    }

    /// The port cases on which `src` may connect to `dst`.
    pub fn mask(&self, src: usize, dst: usize) -> PortMask {
        self.ingress_side(src, dst) & self.egress_side(src, dst)
    }

    /// What `dst`'s own side admits from `src`.
    fn ingress_side(&self, src: usize, dst: usize) -> PortMask {
        let d = &self.cluster.endpoints[dst];
        if !self.managed(d) || !self.intent.isolates("Ingress") {
            return self.all();
        }
        self.both_sides(src, dst) | self.internet_ingress(src, dst) | self.addresses_ingress(src, dst)
    }

    /// What `src`'s own side admits towards `dst`.
    fn egress_side(&self, src: usize, dst: usize) -> PortMask {
        let s = &self.cluster.endpoints[src];
        if !self.managed(s) || !self.intent.isolates("Egress") {
            return self.all();
        }
        self.both_sides(src, dst) | self.internet_egress(src, dst) | self.addresses_egress(src, dst)
    }

    /// The rows that hold on both sides: pod to pod.
    fn both_sides(&self, src: usize, dst: usize) -> PortMask {
        let spec = &self.intent.spec;
        let (s, d) = (&self.cluster.endpoints[src], &self.cluster.endpoints[dst]);
        if !s.is_pod() || !d.is_pod() {
            return 0;
        }
        let (s_ns, d_ns) = (self.cluster.namespace_of(s).unwrap(), self.cluster.namespace_of(d).unwrap());
        let mut mask = 0;
        // `sameNamespace`: any pod to any pod of the same managed namespace, all ports.
        if spec.same_namespace && s_ns == d_ns && self.intent.is_managed(d_ns) {
            mask |= self.all();
        }
        // `dns`: every pod, of any namespace, to the DNS pods, on `ports`.
        if spec.dns.enabled && d_ns == spec.dns.namespace && k8s::selects(&spec.dns.pod_selector, &d.labels) {
            mask |= self.ports(&spec.dns.ports, dst);
        }
        // `hubs[]`: each spoke, and each pod of the hub's namespace with `accessLabel`, to the hub.
        for hub in &spec.hubs {
            let hub_ns = &self.intent.workload(&hub.workload).namespace;
            let spoke = hub.spokes.iter().any(|w| self.is(w, src))
                || hub.access_label.as_ref().is_some_and(|l| s_ns == hub_ns && s.label_is_true(l));
            if spoke && self.is(&hub.workload, dst) {
                mask |= self.ports(&hub.ports, dst);
            }
        }
        // `servers[]`: the server to labelled pods of any managed namespace, or of any
        // namespace with `scope: all`.
        for server in &spec.servers {
            let all = server.scope.as_deref() == Some("all");
            if self.is(&server.workload, src)
                && (all || self.intent.is_managed(d_ns))
                && d.label_is_true(&server.target_label)
            {
                mask |= self.ports(&server.ports, dst);
            }
        }
        // `connections[]`: `from` to `to`, each pair of workloads.
        for c in &spec.connections {
            for (from, to) in c.pairs() {
                let workloads = self.intent.external(from).is_none() && self.intent.external(to).is_none();
                if workloads && self.is(from, src) && self.is(to, dst) {
                    mask |= self.ports(&c.ports, dst);
                }
            }
        }
        // `newWorkloads`: within a managed namespace, labelled pods to every pod and back.
        if let Some(new) = &spec.new_workloads {
            if s_ns == d_ns
                && self.intent.is_managed(d_ns)
                && (s.label_is_true(&new.label) || d.label_is_true(&new.label))
            {
                mask |= self.all();
            }
        }
        mask
    }

    /// `internet.ingress`: any source (or only the `from` CIDRs) to the labelled pods of any
    /// managed namespace and to `workloads`, on `ports`.
    fn internet_ingress(&self, src: usize, dst: usize) -> PortMask {
        let Some(ingress) = &self.intent.spec.internet.ingress else { return 0 };
        let (s, d) = (&self.cluster.endpoints[src], &self.cluster.endpoints[dst]);
        let label = internet_label(&ingress.label, &ingress.workloads, "networking/allow-internet-access");
        let target = label.is_some_and(|l| self.managed(d) && d.label_is_true(&l))
            || ingress.workloads.iter().flatten().any(|w| self.is(w, dst));
        let source = ingress.from.as_ref().is_none_or(|blocks| blocks.iter().any(|b| k8s::in_block(b, s.ip)));
        if target && source {
            self.ports(&ingress.ports, dst)
        } else {
            0
        }
    }

    /// Connections toward an external (`from` to its `cidrs`) and `dns.cidrs` (every pod of a
    /// managed namespace to them, on the DNS ports, when DNS is on): the source's side only.
    fn addresses_egress(&self, src: usize, dst: usize) -> PortMask {
        let spec = &self.intent.spec;
        let d = &self.cluster.endpoints[dst];
        let mut mask = 0;
        for c in &spec.connections {
            for (from, to) in c.pairs() {
                let Some(external) = self.intent.external(to) else { continue };
                if self.intent.external(from).is_none()
                    && self.is(from, src)
                    && external.cidrs.iter().any(|b| k8s::in_block(b, d.ip))
                {
                    mask |= self.ports(&c.ports, dst);
                }
            }
        }
        let in_dns_cidrs = spec.dns.cidrs.iter().any(|b| k8s::in_block(b, d.ip));
        if spec.dns.enabled && in_dns_cidrs && self.managed(&self.cluster.endpoints[src]) {
            mask |= self.ports(&spec.dns.ports, dst);
        }
        mask
    }

    /// Connections from an external: its `cidrs` to `to`, the destination's side only.
    fn addresses_ingress(&self, src: usize, dst: usize) -> PortMask {
        let s = &self.cluster.endpoints[src];
        let mut mask = 0;
        for c in &self.intent.spec.connections {
            for (from, to) in c.pairs() {
                let Some(external) = self.intent.external(from) else { continue };
                if self.intent.external(to).is_none()
                    && self.is(to, dst)
                    && external.cidrs.iter().any(|b| k8s::in_block(b, s.ip))
                {
                    mask |= self.ports(&c.ports, dst);
                }
            }
        }
        mask
    }

    /// `internet.egress`: the labelled pods of any managed namespace and `workloads` to the
    /// `to` CIDRs, on `ports`.
    fn internet_egress(&self, src: usize, dst: usize) -> PortMask {
        let Some(egress) = &self.intent.spec.internet.egress else { return 0 };
        let (s, d) = (&self.cluster.endpoints[src], &self.cluster.endpoints[dst]);
        let label = internet_label(&egress.label, &egress.workloads, "networking/allow-internet-egress");
        let source = label.is_some_and(|l| self.managed(s) && s.label_is_true(&l))
            || egress.workloads.iter().flatten().any(|w| self.is(w, src));
        if source && egress.to.iter().any(|b| k8s::in_block(b, d.ip)) {
            self.ports(&egress.ports, dst)
        } else {
            0
        }
    }

    /// Whether `src` may connect to `dst` on `case` (as `TCP/5432`).
    pub fn allows(&self, src: &str, dst: &str, case: &str) -> bool {
        self.mask(self.cluster.index(src), self.cluster.index(dst)) & k8s::bit(&self.cluster.port_cases, case)
            != 0
    }
}
