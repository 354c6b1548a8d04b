//! The rules that span fields: workload references, duplicates, and combinations the contract
//! forbids. A [`ValidIntent`] can only be had from [`validate`], so the expansion never sees an
//! intent that breaks them.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Code, Diagnostic};
use crate::intent::*;
use crate::yaml::Span;

/// An intent that passed every check, with its workloads indexed by name.
#[derive(Clone, Debug)]
pub struct ValidIntent {
    intent: NetworkIntent,
    workloads: BTreeMap<String, usize>,
    managed: BTreeSet<String>,
}

impl ValidIntent {
    pub fn intent(&self) -> &NetworkIntent {
        &self.intent
    }

    /// The workload of that name; validation made sure it exists.
    pub fn workload(&self, name: &str) -> &Workload {
        &self.intent.spec.workloads[self.workloads[name]]
    }

    pub fn is_managed(&self, namespace: &str) -> bool {
        self.managed.contains(namespace)
    }

    /// The managed namespaces, sorted.
    pub fn managed(&self) -> &BTreeSet<String> {
        &self.managed
    }
}

/// Each item whose key an earlier item already had, with that earlier item.
fn repeats<'a, T, K: Ord>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<(&'a T, &'a T)> {
    let mut seen = BTreeMap::new();
    items
        .iter()
        .filter_map(|item| match seen.entry(key(item)) {
            Entry::Occupied(first) => Some((item, *first.get())),
            Entry::Vacant(slot) => {
                slot.insert(item);
                None
            }
        })
        .collect()
}

/// The same entry twice in one `ports` list (`{port: 80}` and `{port: 80, protocol: TCP}` are
/// the same). Ports carry no position of their own, so the diagnostic points at the rule that
/// holds the list (at the document for `dns`), and its path at the entry.
fn duplicate_ports(intent: &NetworkIntent, diags: &mut Vec<Diagnostic>) {
    let spec = &intent.spec;
    let mut lists: Vec<(String, Span, &[Port])> = vec![("spec.dns".into(), intent.span, &spec.dns.ports)];
    if let Some(i) = &spec.internet.ingress {
        lists.push(("spec.internet.ingress".into(), i.span, &i.ports));
    }
    if let Some(e) = &spec.internet.egress {
        lists.push(("spec.internet.egress".into(), e.span, &e.ports));
    }
    lists.extend(spec.hubs.iter().map(|h| (h.path.clone(), h.span, &h.ports[..])));
    lists.extend(spec.servers.iter().map(|s| (s.path.clone(), s.span, &s.ports[..])));
    lists.extend(spec.connections.iter().map(|c| (c.path.clone(), c.span, &c.ports[..])));
    for (path, span, ports) in lists {
        for (i, port) in ports.iter().enumerate() {
            let Some(first) = ports[..i].iter().position(|p| p == port) else { continue };
            diags.push(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("{path}.ports[{i}]"),
                    span,
                    format!("port {} is listed twice", describe(port)),
                )
                .with_help(format!("first listed as `ports[{first}]`; remove one")),
            );
        }
    }
}

/// `8443/TCP`, `8000-8080/TCP`, `http/TCP`, `every UDP port`.
fn describe(port: &Port) -> String {
    let protocol = port.protocol.as_str();
    match (&port.port, port.end_port) {
        (None, _) => format!("`every {protocol} port`"),
        (Some(PortValue::Number(n)), Some(end)) => format!("`{n}-{end}/{protocol}`"),
        (Some(PortValue::Number(n)), None) => format!("`{n}/{protocol}`"),
        (Some(PortValue::Name(name)), _) => format!("`{name}/{protocol}`"),
    }
}

pub fn validate(intent: NetworkIntent) -> Result<ValidIntent, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let managed = managed(&intent.spec, &mut diags);
    let workloads = workloads(&intent.spec, &mut diags);
    references(&intent.spec, &workloads, &mut diags);
    combinations(&intent, &mut diags);
    duplicates(&intent.spec, &mut diags);
    duplicate_ports(&intent, &mut diags);
    if diags.is_empty() {
        Ok(ValidIntent { intent, workloads, managed })
    } else {
        crate::diag::sort(&mut diags);
        Err(diags)
    }
}

/// The managed namespaces; each listed twice is an error.
fn managed(spec: &Spec, diags: &mut Vec<Diagnostic>) -> BTreeSet<String> {
    let mut managed = BTreeSet::new();
    for ns in &spec.namespaces {
        if !managed.insert(ns.value.clone()) {
            let message = format!("namespace `{}` is listed twice", ns.value);
            diags.push(Diagnostic::error(Code::Duplicate, &ns.path, ns.span, message));
        }
    }
    managed
}

/// The workloads by name; each defined twice is an error that points at the first.
fn workloads(spec: &Spec, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, usize> {
    let mut workloads: BTreeMap<String, usize> = BTreeMap::new();
    for (i, w) in spec.workloads.iter().enumerate() {
        if let Some(&first) = workloads.get(w.name.as_str()) {
            let first = spec.workloads[first].name.span;
            let message = format!("workload `{}` is defined twice", w.name.value);
            let d = Diagnostic::error(Code::DuplicateWorkload, &w.name.path, w.name.span, message);
            let d = d.with_help(format!("first defined on line {}", first.start.line));
            diags.push(d.also_at(None, Some(first), "first defined here"));
        } else {
            workloads.insert(w.name.value.clone(), i);
        }
    }
    workloads
}

/// Every workload name used must be defined; a close defined name is the hint.
fn references(spec: &Spec, workloads: &BTreeMap<String, usize>, diags: &mut Vec<Diagnostic>) {
    let mut check = |r: &At<String>| {
        if !workloads.contains_key(r.as_str()) {
            let message = format!("workload `{}` is not defined in `spec.workloads`", r.value);
            let d = Diagnostic::error(Code::UnknownWorkload, &r.path, r.span, message);
            diags.push(d.suggesting(r, workloads.keys().map(String::as_str), None));
        }
    };
    for hub in &spec.hubs {
        check(&hub.workload);
        hub.spokes.iter().for_each(&mut check);
    }
    for server in &spec.servers {
        check(&server.workload);
    }
    for c in &spec.connections {
        check(&c.from);
        check(&c.to);
    }
    if let Some(ingress) = &spec.internet.ingress {
        ingress.workloads.iter().for_each(&mut check);
    }
    if let Some(egress) = &spec.internet.egress {
        egress.workloads.iter().for_each(&mut check);
    }
}

/// The combinations the contract forbids: internet egress without Egress isolated, a hub that
/// no one reaches.
fn combinations(intent: &NetworkIntent, diags: &mut Vec<Diagnostic>) {
    if let Some(egress) = &intent.spec.internet.egress {
        if !intent.isolates(PolicyType::Egress) {
            let message = "`internet.egress` needs Egress in `isolation`";
            let d = Diagnostic::error(Code::EgressNotIsolated, "spec.internet.egress", egress.span, message);
            diags.push(d.with_help("set `isolation: [Ingress, Egress]`, or remove `internet.egress`"));
        }
    }
    for hub in &intent.spec.hubs {
        if hub.spokes.is_empty() && hub.access_label.is_none() {
            let message = format!("hub `{}` has neither `spokes` nor `accessLabel`", hub.workload.value);
            let d = Diagnostic::error(Code::HubWithoutSpokes, &hub.path, hub.span, message);
            diags.push(d.with_help("name the workloads that reach it in `spokes`, or set `accessLabel`"));
        }
    }
}

/// The same allowance declared twice: an error at the second, pointing at the first.
fn duplicates<'a>(spec: &'a Spec, diags: &mut Vec<Diagnostic>) {
    let ports = |p: &'_ [Port]| -> BTreeSet<Port> { p.iter().cloned().collect() };
    let mut duplicate = |path: &str, span, what: String, first: Span| {
        let d = Diagnostic::error(Code::Duplicate, path, span, format!("{what} is declared twice"));
        let d = d.with_help(format!("first declared on line {}", first.start.line));
        diags.push(d.also_at(None, Some(first), "first declared here"));
    };
    for (c, first) in repeats(&spec.connections, |c| (&c.from.value, &c.to.value, ports(&c.ports))) {
        let what = format!("connection `{}` -> `{}`", c.from.value, c.to.value);
        duplicate(&c.path, c.span, what, first.span);
    }
    let hub_key = |h: &'a Hub| {
        let spokes: BTreeSet<&str> = h.spokes.iter().map(|s| s.as_str()).collect();
        (&h.workload.value, ports(&h.ports), h.access_label.as_ref().map(|l| &l.value), spokes)
    };
    for (h, first) in repeats(&spec.hubs, hub_key) {
        duplicate(&h.path, h.span, format!("hub `{}`", h.workload.value), first.span);
    }
    for h in &spec.hubs {
        for (s, first) in repeats(&h.spokes, |s| &s.value) {
            duplicate(&s.path, s.span, format!("spoke `{}`", s.value), first.span);
        }
    }
    let server_key = |s: &'a Server| (&s.workload.value, &s.target_label.value, ports(&s.ports));
    for (s, first) in repeats(&spec.servers, server_key) {
        duplicate(&s.path, s.span, format!("server `{}`", s.workload.value), first.span);
    }
    let internet_workloads = [
        spec.internet.ingress.as_ref().map(|i| &i.workloads),
        spec.internet.egress.as_ref().map(|e| &e.workloads),
    ];
    for list in internet_workloads.into_iter().flatten() {
        for (w, first) in repeats(list, |w| &w.value) {
            duplicate(&w.path, w.span, format!("workload `{}`", w.value), first.span);
        }
    }
}
