//! What the contract's rows need to know about the workloads: which namespaces the intent
//! manages and isolates, which classes each named workload holds, labels set to `"true"`, and
//! ports resolved on a destination. Built once per verification from the validated intent
//! and the engine's classes; it never looks at policies.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

use crate::engine::cluster::Cluster;
use crate::engine::selector::Selector;
use crate::engine::{ConnSet, IpSet, PortSet};
use crate::intent::validate::ValidIntent;
use crate::intent::{self, Cidr, PolicyType, Port, PortValue};

/// One end of a connection as the rows see it: a class of pods, or an address.
#[derive(Clone, Copy, Debug)]
pub enum End {
    Class(usize),
    Address(std::net::IpAddr),
}

pub struct Model<'a> {
    pub intent: &'a ValidIntent,
    pub cluster: &'a Cluster,
    /// For each named workload, whether each class belongs to it.
    members: BTreeMap<String, Vec<bool>>,
}

impl<'a> Model<'a> {
    pub fn new(intent: &'a ValidIntent, cluster: &'a Cluster) -> Model<'a> {
        let members = intent
            .intent()
            .spec
            .workloads
            .iter()
            .map(|w| {
                let selector = selector(&w.pod_selector);
                let of = (0..cluster.class_count())
                    .map(|c| {
                        let class = &cluster.classes[c];
                        cluster.workloads.namespaces[class.namespace].name == *w.namespace
                            && selector.matches(&class.labels)
                    })
                    .collect();
                (w.name.value.clone(), of)
            })
            .collect();
        Model { intent, cluster, members }
    }

    pub fn spec(&self) -> &intent::Spec {
        &self.intent.intent().spec
    }

    /// The namespace of a class.
    pub fn namespace(&self, c: usize) -> &str {
        &self.cluster.workloads.namespaces[self.cluster.classes[c].namespace].name
    }

    pub fn is_managed(&self, c: usize) -> bool {
        self.intent.is_managed(self.namespace(c))
    }

    /// Whether a pod of class `c` has its side of `direction` isolated by the intent.
    pub fn isolated(&self, c: usize, direction: PolicyType) -> bool {
        self.is_managed(c) && self.intent.intent().isolates(direction)
    }

    /// Whether class `c` belongs to the named workload.
    pub fn is(&self, workload: &str, c: usize) -> bool {
        self.members.get(workload).is_some_and(|m| m[c])
    }

    /// Whether class `c` carries `label` = `"true"`.
    pub fn label_true(&self, c: usize, label: &str) -> bool {
        self.cluster.classes[c].labels.get(label).map(String::as_str) == Some("true")
    }

    /// What `ports` (Kubernetes NetworkPolicyPort values) allow towards `dst`: omitted or
    /// empty is every port; a named port resolves on the destination pod with the entry's
    /// protocol, and on no address.
    pub fn ports(&self, ports: &[Port], dst: End) -> ConnSet {
        if ports.is_empty() {
            return ConnSet::all();
        }
        let mut out = ConnSet::none();
        for p in ports {
            let protocol = p.protocol;
            let set = match (&p.port, dst) {
                (None, _) => PortSet::all(),
                (Some(PortValue::Number(n)), _) => {
                    let lo = *n as u16;
                    PortSet::range(lo, p.end_port.map_or(lo, |e| e as u16))
                }
                (Some(PortValue::Name(name)), End::Class(c)) => {
                    match self.cluster.classes[c].named_port(name, protocol) {
                        Some(n) => PortSet::single(n),
                        None => PortSet::empty(),
                    }
                }
                (Some(PortValue::Name(_)), End::Address(_)) => PortSet::empty(),
            };
            out = out.union(&ConnSet::on(protocol, set));
        }
        out
    }
}

/// The intent's selector as the engine's (validation made sure it is well formed).
pub fn selector(s: &intent::LabelSelector) -> Selector {
    let k8s = meta::LabelSelector {
        match_labels: Some(s.match_labels.clone()),
        match_expressions: Some(
            s.match_expressions
                .iter()
                .map(|r| meta::LabelSelectorRequirement {
                    key: r.key.clone(),
                    operator: r.operator.as_str().to_string(),
                    values: Some(r.values.clone()),
                })
                .collect(),
        ),
    };
    Selector::parse(&k8s).expect("a validated selector")
}

/// The addresses of some `{cidr, except}` blocks: each `cidr` minus its `except` ranges
/// (validation made sure they parse).
pub fn blocks(cidrs: &[Cidr]) -> IpSet {
    let net = |s: &str| IpSet::cidr(s).expect("a validated CIDR");
    cidrs.iter().fold(IpSet::empty(), |set, b| {
        set.union(&b.except.iter().fold(net(&b.cidr), |block, e| block.minus(&net(e))))
    })
}
