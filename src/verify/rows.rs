//! The rows of the contract's "Meaning" table (`../shared/intent-v1alpha1.md`) and of its
//! "Additions" table, each read on its own, as the tables state it. A row allows pod-to-pod
//! connections on both sides ([`Row::both`]), or opens one side only (the two `internet` rows,
//! a connection toward or from an external, `dns.cidrs`: [`Row::ingress_only`],
//! [`Row::egress_only`]). A new row of the contract is one more implementation of [`Row`] in
//! [`rows`].

use super::model::{blocks, selector, End, Model};
use crate::engine::selector::Selector;
use crate::engine::{ConnSet, IpSet};
use crate::intent::{Hub, Port, Scope, Server, Spec};

pub trait Row {
    /// What the row allows from pod class `s` to pod class `d` (both sides).
    fn both(&self, _m: &Model, _s: usize, _d: usize) -> ConnSet {
        ConnSet::none()
    }

    /// What the row admits on the ingress side of class `d` only, from `src`.
    fn ingress_only(&self, _m: &Model, _src: End, _d: usize) -> ConnSet {
        ConnSet::none()
    }

    /// What the row admits on the egress side of class `s` only, towards `dst`.
    fn egress_only(&self, _m: &Model, _s: usize, _dst: End) -> ConnSet {
        ConnSet::none()
    }

    /// The address blocks the row names (to cut the address space).
    fn blocks(&self) -> Vec<IpSet> {
        Vec::new()
    }
}

/// Every row the intent uses.
pub fn rows<'a>(m: &Model<'a>) -> Vec<Box<dyn Row + 'a>> {
    let spec = &m.intent.intent().spec;
    let mut rows: Vec<Box<dyn Row + 'a>> = Vec::new();
    if spec.same_namespace {
        rows.push(Box::new(SameNamespace));
    }
    if spec.dns.enabled {
        rows.push(Box::new(Dns { selector: selector(&spec.dns.pod_selector) }));
        if !spec.dns.cidrs.is_empty() {
            rows.push(Box::new(DnsCidrs { to: blocks(&spec.dns.cidrs), ports: spec.dns.ports.clone() }));
        }
    }
    rows.extend(spec.hubs.iter().map(|h| Box::new(HubRow(h)) as Box<dyn Row + 'a>));
    rows.extend(spec.servers.iter().map(|s| Box::new(ServerRow(s)) as Box<dyn Row + 'a>));
    rows.extend(connections(spec));
    if let Some(n) = &spec.new_workloads {
        rows.push(Box::new(NewWorkloads { label: n.label.value.clone() }));
    }
    if let Some(i) = &spec.internet.ingress {
        let from = i.from.as_deref().map(blocks);
        let label = i.label.as_ref().map(|l| l.value.clone());
        let workloads = i.workloads.iter().map(|w| w.value.clone()).collect();
        rows.push(Box::new(InternetIngress { label, workloads, ports: i.ports.clone(), from }));
    }
    if let Some(e) = &spec.internet.egress {
        let label = e.label.as_ref().map(|l| l.value.clone());
        let workloads = e.workloads.iter().map(|w| w.value.clone()).collect();
        rows.push(Box::new(InternetEgress { label, workloads, ports: e.ports.clone(), to: blocks(&e.to) }));
    }
    rows
}

/// `sameNamespace: true`: any pod to any pod of the same managed namespace, all ports.
struct SameNamespace;

impl Row for SameNamespace {
    fn both(&self, m: &Model, s: usize, d: usize) -> ConnSet {
        match m.namespace(s) == m.namespace(d) && m.is_managed(d) {
            true => ConnSet::all(),
            false => ConnSet::none(),
        }
    }
}

/// `dns`: every pod, of any namespace, to the DNS pods (`namespace` AND `podSelector`), on
/// `ports`.
struct Dns {
    selector: Selector,
}

impl Row for Dns {
    fn both(&self, m: &Model, _s: usize, d: usize) -> ConnSet {
        let dns = &m.spec().dns;
        match m.namespace(d) == *dns.namespace && self.selector.matches(&m.cluster.classes[d].labels) {
            true => m.ports(&dns.ports, End::Class(d)),
            false => ConnSet::none(),
        }
    }
}

/// `hubs[]`: each `spokes` workload, and each pod in the hub's namespace with
/// `accessLabel`=`"true"`, to the hub, on `ports`.
struct HubRow<'a>(&'a Hub);

impl Row for HubRow<'_> {
    fn both(&self, m: &Model, s: usize, d: usize) -> ConnSet {
        let hub = self.0;
        let hub_ns = &m.intent.workload(&hub.workload).namespace;
        let spoke = hub.spokes.iter().any(|w| m.is(w, s))
            || hub.access_label.as_ref().is_some_and(|l| m.namespace(s) == **hub_ns && m.label_true(s, l));
        match spoke && m.is(&hub.workload, d) {
            true => m.ports(&hub.ports, End::Class(d)),
            false => ConnSet::none(),
        }
    }
}

/// `servers[]`: the server workload to pods with `targetLabel`=`"true"` in any managed
/// namespace, on `ports`; with `scope: all`, in every namespace (the targets' sides outside the
/// managed namespaces are not isolated, so "both sides" holds there too).
struct ServerRow<'a>(&'a Server);

impl Row for ServerRow<'_> {
    fn both(&self, m: &Model, s: usize, d: usize) -> ConnSet {
        let server = self.0;
        let in_scope = server.scope == Scope::All || m.is_managed(d);
        match m.is(&server.workload, s) && in_scope && m.label_true(d, &server.target_label) {
            true => m.ports(&server.ports, End::Class(d)),
            false => ConnSet::none(),
        }
    }
}

/// `connections[]`: `from` to `to`, on `ports`.
struct Pair {
    from: String,
    to: String,
    ports: Vec<Port>,
}

impl Row for Pair {
    fn both(&self, m: &Model, s: usize, d: usize) -> ConnSet {
        match m.is(&self.from, s) && m.is(&self.to, d) {
            true => m.ports(&self.ports, End::Class(d)),
            false => ConnSet::none(),
        }
    }
}

/// `connections[]`: every pair of the cross product of `from` and `to`, each as a single
/// connection: between workloads ([`Pair`]), toward an external ([`ToExternal`]) or from one
/// ([`FromExternal`]). Both sides external is refused by validation.
fn connections<'a>(spec: &Spec) -> Vec<Box<dyn Row + 'a>> {
    let external = |name: &str| spec.externals.iter().find(|e| *e.name == name).map(|e| blocks(&e.cidrs));
    let mut rows: Vec<Box<dyn Row + 'a>> = Vec::new();
    for c in &spec.connections {
        for (from, to) in c.pairs() {
            let (f, t, ports) = (from.value.clone(), to.value.clone(), c.ports.clone());
            match (external(&f), external(&t)) {
                (None, None) => rows.push(Box::new(Pair { from: f, to: t, ports })),
                (None, Some(to)) => rows.push(Box::new(ToExternal { from: f, to, ports })),
                (Some(from), None) => rows.push(Box::new(FromExternal { from, to: t, ports })),
                (Some(_), Some(_)) => {}
            }
        }
    }
    rows
}

/// `connections[]` with `to: <external>`: egress side only: `from` to the external's `cidrs`,
/// on `ports`.
struct ToExternal {
    from: String,
    to: IpSet,
    ports: Vec<Port>,
}

impl Row for ToExternal {
    fn egress_only(&self, m: &Model, s: usize, dst: End) -> ConnSet {
        let End::Address(ip) = dst else { return ConnSet::none() };
        match m.is(&self.from, s) && self.to.contains(ip) {
            true => m.ports(&self.ports, dst),
            false => ConnSet::none(),
        }
    }

    fn blocks(&self) -> Vec<IpSet> {
        vec![self.to.clone()]
    }
}

/// `connections[]` with `from: <external>`: ingress side only: the external's `cidrs` to `to`,
/// on `ports`.
struct FromExternal {
    from: IpSet,
    to: String,
    ports: Vec<Port>,
}

impl Row for FromExternal {
    fn ingress_only(&self, m: &Model, src: End, d: usize) -> ConnSet {
        // CIDRs hold addresses, never pods (the engine's assumption, docs/connectivity.md).
        let End::Address(ip) = src else { return ConnSet::none() };
        match self.from.contains(ip) && m.is(&self.to, d) {
            true => m.ports(&self.ports, End::Class(d)),
            false => ConnSet::none(),
        }
    }

    fn blocks(&self) -> Vec<IpSet> {
        vec![self.from.clone()]
    }
}

/// `dns.cidrs`: egress side only: every pod of every managed namespace to those addresses, on
/// `dns.ports` (read only when DNS is enabled).
struct DnsCidrs {
    to: IpSet,
    ports: Vec<Port>,
}

impl Row for DnsCidrs {
    fn egress_only(&self, m: &Model, s: usize, dst: End) -> ConnSet {
        let End::Address(ip) = dst else { return ConnSet::none() };
        match m.is_managed(s) && self.to.contains(ip) {
            true => m.ports(&self.ports, dst),
            false => ConnSet::none(),
        }
    }

    fn blocks(&self) -> Vec<IpSet> {
        vec![self.to.clone()]
    }
}

/// `newWorkloads`: within each managed namespace, pods with `label`=`"true"` to every pod, and
/// every pod to them, all ports.
struct NewWorkloads {
    label: String,
}

impl Row for NewWorkloads {
    fn both(&self, m: &Model, s: usize, d: usize) -> ConnSet {
        let labelled = m.label_true(s, &self.label) || m.label_true(d, &self.label);
        match m.namespace(s) == m.namespace(d) && m.is_managed(d) && labelled {
            true => ConnSet::all(),
            false => ConnSet::none(),
        }
    }
}

/// Whether class `c` is one of an `internet` row's pods: `label`=`"true"` in a managed
/// namespace, or one of `workloads`.
fn internet_pod(m: &Model, label: &Option<String>, workloads: &[String], c: usize) -> bool {
    label.as_ref().is_some_and(|l| m.is_managed(c) && m.label_true(c, l))
        || workloads.iter().any(|w| m.is(w, c))
}

/// `internet.ingress`: ingress side only: any source (or only the `from` CIDRs) to the
/// labelled pods and `workloads`, on `ports`.
struct InternetIngress {
    label: Option<String>,
    workloads: Vec<String>,
    ports: Vec<Port>,
    /// `None`: any source at all, pods included.
    from: Option<IpSet>,
}

impl Row for InternetIngress {
    fn ingress_only(&self, m: &Model, src: End, d: usize) -> ConnSet {
        let source = match (&self.from, src) {
            (None, _) => true,
            (Some(set), End::Address(ip)) => set.contains(ip),
            // CIDRs hold addresses, never pods (the engine's assumption, docs/connectivity.md).
            (Some(_), End::Class(_)) => false,
        };
        match source && internet_pod(m, &self.label, &self.workloads, d) {
            true => m.ports(&self.ports, End::Class(d)),
            false => ConnSet::none(),
        }
    }

    fn blocks(&self) -> Vec<IpSet> {
        self.from.iter().cloned().collect()
    }
}

/// `internet.egress` (Egress isolated only): egress side only: those pods to the `to` CIDRs,
/// on `ports`.
struct InternetEgress {
    label: Option<String>,
    workloads: Vec<String>,
    ports: Vec<Port>,
    to: IpSet,
}

impl Row for InternetEgress {
    fn egress_only(&self, m: &Model, s: usize, dst: End) -> ConnSet {
        let End::Address(ip) = dst else { return ConnSet::none() };
        match self.to.contains(ip) && internet_pod(m, &self.label, &self.workloads, s) {
            true => m.ports(&self.ports, dst),
            false => ConnSet::none(),
        }
    }

    fn blocks(&self) -> Vec<IpSet> {
        vec![self.to.clone()]
    }
}
