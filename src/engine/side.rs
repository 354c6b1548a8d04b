//! One direction's side of each class: whether a policy isolates it, the rules that then
//! apply to it, and what it admits — from every class and address atom (ingress), or towards
//! them (egress). [`super::reach`] combines both sides of every class into the connectivity;
//! [`Admission`] computes one side for chosen classes only, to ask what some policies would
//! admit there without the table of every pair.

use std::net::IpAddr;

use super::bits::Bits;
use super::cluster::Cluster;
use super::connset::ConnSet;
use super::ipset::{Atoms, IpSet};
use super::policy::{Direction, Peer, Policy, Rule};
use super::table::{ConnId, ConnTable, ALL, NONE};

/// One rule, with its peers as classes and atoms.
pub(super) struct Prepared<'p> {
    pub rule: &'p Rule,
    /// `None`: every class.
    pub classes: Option<Bits>,
    /// The atoms of the rule's address blocks (every atom for a rule with no peers).
    pub atoms: Vec<usize>,
    pub numeric: ConnId,
}

/// For each class, whether a direction isolates it, and the rules that then apply.
pub(super) struct Side<'p> {
    pub direction: Direction,
    pub isolated: Vec<bool>,
    pub rules: Vec<Vec<usize>>,
    pub prepared: Vec<Prepared<'p>>,
}

/// The address blocks of a rule's peers, united.
pub(super) fn blocks(rule: &Rule) -> IpSet {
    let mut set = IpSet::empty();
    for p in rule.peers.iter().flatten() {
        if let Peer::Block { set: b, .. } = p {
            set = set.union(b);
        }
    }
    set
}

/// The atoms that cut the address space at every block of `policies`' rules.
pub(super) fn atoms_of(policies: &[Policy]) -> Atoms {
    let rule_blocks: Vec<IpSet> =
        policies.iter().flat_map(|p| p.ingress.iter().chain(&p.egress).flatten()).map(blocks).collect();
    Atoms::new(&rule_blocks)
}

/// The classes a policy selects: of its namespace, matching its pod selector.
pub(super) fn selected(cluster: &Cluster, p: &Policy) -> Bits {
    let mut selected = cluster.in_namespace(&p.namespace);
    selected.and(&cluster.pods_matching(&p.selector));
    selected
}

/// The classes that a policy of `policies` isolates, for ingress and for egress (indexed by
/// [`Direction`]).
pub fn isolated(cluster: &Cluster, policies: &[Policy]) -> [Bits; 2] {
    let mut out = [Bits::empty(cluster.class_count()), Bits::empty(cluster.class_count())];
    for p in policies.iter().filter(|p| p.ingress.is_some() || p.egress.is_some()) {
        let selected = selected(cluster, p);
        for d in [Direction::Ingress, Direction::Egress].into_iter().filter(|&d| p.rules(d).is_some()) {
            out[d as usize].or(&selected);
        }
    }
    out
}

impl<'p> Side<'p> {
    /// The side of direction `d` of every class under `policies`, its rules prepared on
    /// `atoms`.
    pub fn new(
        cluster: &Cluster,
        policies: &'p [Policy],
        d: Direction,
        atoms: &Atoms,
        table: &mut ConnTable,
    ) -> Side<'p> {
        let n = cluster.class_count();
        let mut side =
            Side { direction: d, isolated: vec![false; n], rules: vec![Vec::new(); n], prepared: Vec::new() };
        for p in policies {
            let Some(rules) = p.rules(d) else { continue };
            let first = side.prepared.len();
            for rule in rules {
                side.prepared.push(prepare(cluster, atoms, table, &p.namespace, rule));
            }
            for c in selected(cluster, p).iter() {
                side.isolated[c] = true;
                side.rules[c].extend(first..side.prepared.len());
            }
        }
        side
    }

    /// What class `c`'s side admits, written into `classes` (from or towards each class) and
    /// `ips` (each atom); both must be all `NONE`. Only for a class the side isolates.
    pub fn admitted(
        &self,
        cluster: &Cluster,
        table: &mut ConnTable,
        c: usize,
        classes: &mut [ConnId],
        ips: &mut [ConnId],
    ) {
        for &r in &self.rules[c] {
            let r = &self.prepared[r];
            match self.direction {
                // Named ports resolve on the selected pod, for classes and addresses alike.
                Direction::Ingress => {
                    let ports = ports_towards(cluster, table, r, c);
                    admit(table, classes, ips, r, ports, ports);
                }
                Direction::Egress if r.rule.ports.named.is_empty() => {
                    admit(table, classes, ips, r, r.numeric, r.numeric);
                }
                // Named ports: resolved on each destination class; addresses get the numbers.
                Direction::Egress => {
                    let targets: Vec<usize> = match &r.classes {
                        None => (0..classes.len()).collect(),
                        Some(b) => b.iter().collect(),
                    };
                    for d in targets {
                        let ports = ports_towards(cluster, table, r, d);
                        classes[d] = table.union(classes[d], ports);
                    }
                    for &a in &r.atoms {
                        ips[a] = table.union(ips[a], r.numeric);
                    }
                }
            }
        }
    }
}

/// Unions `to_classes` into the classes of the rule's peers and `to_atoms` into its atoms.
fn admit(
    table: &mut ConnTable,
    classes: &mut [ConnId],
    ips: &mut [ConnId],
    r: &Prepared,
    to_classes: ConnId,
    to_atoms: ConnId,
) {
    match &r.classes {
        None => classes.iter_mut().for_each(|c| *c = table.union(*c, to_classes)),
        Some(b) => b.iter().for_each(|c| classes[c] = table.union(classes[c], to_classes)),
    }
    r.atoms.iter().for_each(|&a| ips[a] = table.union(ips[a], to_atoms));
}

/// A rule's ports towards class `d`, named ports resolved on it.
fn ports_towards(cluster: &Cluster, table: &mut ConnTable, r: &Prepared, d: usize) -> ConnId {
    if r.rule.ports.named.is_empty() {
        return r.numeric;
    }
    let class = &cluster.classes[d];
    let set = r.rule.ports.towards(Some(&|name, protocol| class.named_port(name, protocol)));
    table.intern(set)
}

fn prepare<'p>(
    cluster: &Cluster,
    atoms: &Atoms,
    table: &mut ConnTable,
    ns: &str,
    rule: &'p Rule,
) -> Prepared<'p> {
    let numeric = table.intern(rule.ports.numeric.clone());
    let Some(peers) = &rule.peers else {
        return Prepared { rule, classes: None, atoms: (0..atoms.len()).collect(), numeric };
    };
    let mut classes = Bits::empty(cluster.class_count());
    for p in peers {
        classes.or(&cluster.peer_classes(p, ns));
    }
    Prepared { rule, classes: Some(classes), atoms: atoms.covering(&blocks(rule)), numeric }
}

/// One direction's side of chosen classes under some policies: what each admits from every
/// class and address (ingress), or towards them (egress). A chosen class that no policy
/// isolates in that direction admits everything.
#[derive(Debug)]
pub struct Admission {
    pub direction: Direction,
    table: ConnTable,
    atoms: Atoms,
    n: usize,
    /// For each class, its row in `classes` and `ips`: chosen and isolated; `None` otherwise.
    row: Vec<Option<usize>>,
    chosen: Bits,
    classes: Vec<ConnId>,
    ips: Vec<ConnId>,
}

impl Admission {
    pub fn compute(cluster: &Cluster, policies: &[Policy], direction: Direction, chosen: &Bits) -> Admission {
        let atoms = atoms_of(policies);
        let mut table = ConnTable::default();
        let side = Side::new(cluster, policies, direction, &atoms, &mut table);
        let (n, k) = (cluster.class_count(), atoms.len());
        let mut row = vec![None; n];
        let (mut classes, mut ips) = (Vec::new(), Vec::new());
        for c in chosen.iter().filter(|&c| side.isolated[c]) {
            row[c] = Some(classes.len() / n.max(1));
            let (from, at) = (classes.len(), ips.len());
            classes.resize(from + n, NONE);
            ips.resize(at + k, NONE);
            side.admitted(cluster, &mut table, c, &mut classes[from..], &mut ips[at..]);
        }
        Admission { direction, table, atoms, n, row, chosen: chosen.clone(), classes, ips }
    }

    fn id(&self, c: usize, cell: impl Fn(usize) -> ConnId) -> ConnId {
        assert!(self.chosen.contains(c), "class {c} was not chosen");
        self.row[c].map_or(ALL, cell)
    }

    /// What class `c`'s side admits from (ingress) or towards (egress) class `other`.
    pub fn class(&self, c: usize, other: usize) -> &ConnSet {
        self.table.get(self.id(c, |r| self.classes[r * self.n + other]))
    }

    /// What class `c`'s side admits from or towards the address `ip`.
    pub fn address(&self, c: usize, ip: IpAddr) -> &ConnSet {
        let a = self.atoms.of(ip);
        self.table.get(self.id(c, |r| self.ips[r * self.atoms.len() + a]))
    }

    /// The atoms on which [`Admission::address`] is uniform.
    pub fn atoms(&self) -> &Atoms {
        &self.atoms
    }
}
