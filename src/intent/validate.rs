//! The rules that span fields: workload and external references, duplicates, and combinations
//! the contract forbids. A [`ValidIntent`] can only be had from [`validate`], so the expansion
//! never sees an intent that breaks them. What the contract warns about without refusing it
//! comes with the valid intent ([`ValidIntent::warnings`]).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Code, Diagnostic, Severity};
use crate::intent::*;
use crate::yaml::Span;

/// An intent that passed every check, with its workloads and externals indexed by name.
#[derive(Clone, Debug)]
pub struct ValidIntent {
    intent: NetworkIntent,
    workloads: BTreeMap<String, usize>,
    externals: BTreeMap<String, usize>,
    managed: BTreeSet<String>,
    warnings: Vec<Diagnostic>,
}

/// What a name in a connection stands for.
#[derive(Clone, Copy, Debug)]
pub enum Named<'a> {
    Workload(&'a Workload),
    External(&'a External),
}

impl ValidIntent {
    pub fn intent(&self) -> &NetworkIntent {
        &self.intent
    }

    /// The workload of that name; validation made sure it exists.
    pub fn workload(&self, name: &str) -> &Workload {
        &self.intent.spec.workloads[self.workloads[name]]
    }

    /// The workload or the external of that name; validation made sure it is one of them.
    pub fn named(&self, name: &str) -> Named<'_> {
        match self.externals.get(name) {
            Some(&i) => Named::External(&self.intent.spec.externals[i]),
            None => Named::Workload(self.workload(name)),
        }
    }

    /// What the intent says that is allowed but probably not meant, as warnings.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
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
    let externals = externals(&intent.spec, &workloads, &mut diags);
    let names = Defined { workloads: &workloads, externals: &externals };
    references(&intent.spec, names, &mut diags);
    combinations(&intent, &mut diags);
    external_connections(&intent.spec, &externals, &mut diags);
    duplicates(&intent.spec, &mut diags);
    duplicate_ports(&intent, &mut diags);
    if diags.is_empty() {
        let warnings = warnings(&intent, &managed);
        Ok(ValidIntent { intent, workloads, externals, managed, warnings })
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

/// The externals by name; one defined twice, or named as a workload is, is an error that
/// points at the first definition.
fn externals(
    spec: &Spec,
    workloads: &BTreeMap<String, usize>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, usize> {
    let mut externals: BTreeMap<String, usize> = BTreeMap::new();
    for (i, e) in spec.externals.iter().enumerate() {
        let (first, what) = match (workloads.get(e.name.as_str()), externals.get(e.name.as_str())) {
            (Some(&w), _) => (spec.workloads[w].name.span, "defined both as a workload and as an external"),
            (None, Some(&x)) => (spec.externals[x].name.span, "defined twice"),
            (None, None) => {
                externals.insert(e.name.value.clone(), i);
                continue;
            }
        };
        let message = format!("`{}` is {what}", e.name.value);
        let d = Diagnostic::error(Code::DuplicateExternal, &e.name.path, e.name.span, message);
        let d = d.with_help(format!(
            "first defined on line {}; workloads and externals share one set of names",
            first.start.line
        ));
        diags.push(d.also_at(None, Some(first), "first defined here"));
    }
    externals
}

/// The names an intent defines: its workloads' and its externals'.
#[derive(Clone, Copy)]
struct Defined<'a> {
    workloads: &'a BTreeMap<String, usize>,
    externals: &'a BTreeMap<String, usize>,
}

impl Defined<'_> {
    /// Checks a name where only a workload may be (`field` says where, as in "`hubs` take").
    fn workload(&self, r: &At<String>, field: &str, diags: &mut Vec<Diagnostic>) {
        if self.externals.contains_key(r.as_str()) {
            let message = format!("`{}` is an external, but {field} workloads only", r.value);
            let d = Diagnostic::error(Code::ExternalNotAllowed, &r.path, r.span, message);
            diags.push(d.with_help(
                "an external (an address outside the cluster) can be a side of a `connections` entry only",
            ));
        } else if !self.workloads.contains_key(r.as_str()) {
            let message = format!("workload `{}` is not defined in `spec.workloads`", r.value);
            let d = Diagnostic::error(Code::UnknownWorkload, &r.path, r.span, message);
            diags.push(d.suggesting(r, self.workloads.keys().map(String::as_str), None));
        }
    }

    /// Checks a side of a connection: a workload or an external.
    fn either(&self, r: &At<String>, diags: &mut Vec<Diagnostic>) {
        if self.externals.is_empty() {
            return self.workload(r, "`connections` take", diags);
        }
        if !self.workloads.contains_key(r.as_str()) && !self.externals.contains_key(r.as_str()) {
            let message =
                format!("`{}` is defined in neither `spec.workloads` nor `spec.externals`", r.value);
            let d = Diagnostic::error(Code::UnknownWorkload, &r.path, r.span, message);
            let known = self.workloads.keys().chain(self.externals.keys()).map(String::as_str);
            diags.push(d.suggesting(r, known, None));
        }
    }
}

/// Every name used must be defined: a workload where the contract wants one, a workload or an
/// external in `connections`; a close defined name is the hint.
fn references(spec: &Spec, names: Defined, diags: &mut Vec<Diagnostic>) {
    for hub in &spec.hubs {
        names.workload(&hub.workload, "`hubs` take", diags);
        hub.spokes.iter().for_each(|s| names.workload(s, "`hubs` take", diags));
    }
    for server in &spec.servers {
        names.workload(&server.workload, "`servers` take", diags);
    }
    for c in &spec.connections {
        c.from.names().iter().chain(c.to.names()).for_each(|r| names.either(r, diags));
    }
    let internet = [
        spec.internet.ingress.as_ref().map(|i| &i.workloads),
        spec.internet.egress.as_ref().map(|e| &e.workloads),
    ];
    for w in internet.into_iter().flatten().flatten() {
        names.workload(w, "`internet` takes", diags);
    }
}

/// The rules of connections with an external side: never an external on both sides, and
/// port numbers only (an address has no named ports).
fn external_connections(spec: &Spec, externals: &BTreeMap<String, usize>, diags: &mut Vec<Diagnostic>) {
    let is_external = |n: &At<String>| externals.contains_key(n.as_str());
    for c in &spec.connections {
        for (from, to) in c.pairs().filter(|(f, t)| is_external(f) && is_external(t)) {
            let message = format!("connection `{}` -> `{}` joins two externals", from.value, to.value);
            let d = Diagnostic::error(Code::ExternalToExternal, &to.path, to.span, message);
            diags.push(d.with_help(
                "at most one side of a connection is an external: netpol-intent allows traffic of pods only",
            ));
        }
        let Some(external) = c.from.names().iter().chain(c.to.names()).find(|n| is_external(n)) else {
            continue;
        };
        for (i, port) in c.ports.iter().enumerate() {
            let Some(PortValue::Name(name)) = &port.port else { continue };
            let message = format!("named port `{name}` in a connection with external `{}`", external.value);
            let d =
                Diagnostic::error(Code::NamedPortExternal, format!("{}.ports[{i}]", c.path), c.span, message);
            diags.push(
                d.with_help("an address outside the cluster has no named ports: write the port number"),
            );
        }
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

/// The names of a list, each once, in the order written.
fn distinct(names: &[At<String>]) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    names.iter().map(|n| n.as_str()).filter(|n| seen.insert(*n)).collect()
}

/// The same allowance declared twice: an error at the second, pointing at the first.
fn duplicates<'a>(spec: &'a Spec, diags: &mut Vec<Diagnostic>) {
    let ports = |p: &'_ [Port]| -> BTreeSet<Port> { p.iter().cloned().collect() };
    let mut duplicate = |path: &str, span, what: String, first: Span| {
        let d = Diagnostic::error(Code::Duplicate, path, span, format!("{what} is declared twice"));
        let d = d.with_help(format!("first declared on line {}", first.start.line));
        diags.push(d.also_at(None, Some(first), "first declared here"));
    };
    // A name twice in one list, then a pair (of distinct names) that an earlier connection,
    // or an earlier pair of the same lists, already declares with the same ports.
    let mut pairs: BTreeMap<(&str, &str, BTreeSet<Port>), Span> = BTreeMap::new();
    for c in &spec.connections {
        for (side, names) in [("from", &c.from), ("to", &c.to)] {
            for (n, first) in repeats(names.names(), |n| &n.value) {
                duplicate(&n.path, n.span, format!("`{}` in `{side}`", n.value), first.span);
            }
        }
        for f in distinct(c.from.names()) {
            for t in distinct(c.to.names()) {
                match pairs.entry((f, t, ports(&c.ports))) {
                    Entry::Occupied(first) => {
                        duplicate(&c.path, c.span, format!("connection `{f}` -> `{t}`"), *first.get())
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(c.span);
                    }
                }
            }
        }
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
    let server_key = |s: &'a Server| (&s.workload.value, &s.target_label.value, ports(&s.ports), s.scope);
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

/// The warnings: Egress isolated in the namespace of the DNS pods, which then reach neither
/// upstream resolvers nor the API server unless the intent allows them.
fn warnings(intent: &NetworkIntent, managed: &BTreeSet<String>) -> Vec<Diagnostic> {
    let dns = &intent.spec.dns.namespace;
    if !intent.isolates(PolicyType::Egress) || !managed.contains(dns.as_str()) {
        return Vec::new();
    }
    let ns = intent.spec.namespaces.iter().find(|ns| ns.value == dns.value).expect("a managed namespace");
    let message = format!(
        "Egress is isolated in `{}`, the namespace of the DNS pods: they can reach neither upstream \
         resolvers nor the API server unless the intent allows it",
        ns.value
    );
    let help = "allow the DNS pods' egress with connections to externals (the upstream resolvers, \
                the API server), or leave the namespace out of `namespaces`";
    let d = Diagnostic::new(Severity::Warning, Some(Code::DnsEgressIsolated), message);
    vec![d.with_path(&ns.path).at(ns.span).with_help(help)]
}
