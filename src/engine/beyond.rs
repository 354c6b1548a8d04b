//! What some rules let through beyond what other policies would admit on the same side: of
//! the connections a connectivity allows, those that rules of some of its policies (the
//! suspects) admit on one side — a destination's ingress, a source's egress — where a
//! reference set of policies would not admit them on that side. For a semantic diff, the
//! connections that policies a repository holds allow and the policies an intent generates do
//! not, each with the rules that let it through.
//!
//! A connection is allowed when both sides admit it, so one that the reference denies is let
//! through by the current policies only in two ways: a side the current policies isolate
//! admits it by some rule where the reference's side does not (what this module finds, and
//! names the rules of), or a side the reference isolates is not isolated now at all (no rule
//! lets that through: isolation is missing, which applying the reference restores).
//!
//! Computed per class and address atom, with the reference's side for the classes the
//! suspects select only ([`Admission`]), expanded to workloads at the end.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use super::bits::Bits;
use super::cluster::Cluster;
use super::connset::ConnSet;
use super::entries::{Endpoint, Entry};
use super::ipset::{Atoms, IpRange, IpSet};
use super::policy::{Direction, Policy, Rule};
use super::reach::Connectivity;
use super::side::{blocks, selected, Admission};

/// One rule: the index of its policy (in the policies the connectivity was computed from),
/// its direction and its index in that direction's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleRef {
    pub policy: usize,
    pub direction: Direction,
    pub rule: usize,
}

/// A connection let through beyond the reference, and the rules that let it through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Beyond {
    pub entry: Entry,
    pub by: Vec<RuleRef>,
}

/// One end at the class level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum End {
    Class(usize),
    Atom(usize),
}

/// What is let through between two ends, and by which rules.
type Through = (ConnSet, Vec<RuleRef>);
type Found = BTreeMap<(End, End), Through>;

/// The connections `net` (computed from `policies`) allows that the rules of the policies at
/// `suspects` admit beyond what `reference` admits on the same side, in workload order (as
/// [`Connectivity::entries`]), each with those rules.
pub fn beyond(
    net: &Connectivity,
    policies: &[Policy],
    suspects: &[usize],
    reference: &[Policy],
) -> Vec<Beyond> {
    let cluster = net.cluster;
    let mut chosen = [Bits::empty(cluster.class_count()), Bits::empty(cluster.class_count())];
    let mut asked = Vec::new();
    for &p in suspects {
        for d in [Direction::Ingress, Direction::Egress] {
            if policies[p].rules(d).is_some_and(|r| !r.is_empty()) {
                let sel = selected(cluster, &policies[p]);
                chosen[d as usize].or(&sel);
                asked.push((p, d, sel));
            }
        }
    }
    let sides = [Direction::Ingress, Direction::Egress]
        .map(|d| Admission::compute(cluster, reference, d, &chosen[d as usize]));
    let cut: Vec<IpSet> = [net.atoms(), sides[0].atoms(), sides[1].atoms()]
        .iter()
        .flat_map(|a| a.iter())
        .map(|r| IpSet::from_ranges([r]))
        .collect();
    let mut ask = Ask { net, sides: &sides, atoms: Atoms::new(&cut), memo: HashMap::new() };
    let mut found = Found::new();
    for (p, d, sel) in asked {
        for (i, rule) in policies[p].rules(d).unwrap_or_default().iter().enumerate() {
            let by = RuleRef { policy: p, direction: d, rule: i };
            ask.rule(&policies[p], rule, &sel, by, &mut found);
        }
    }
    expand(cluster, &ask.atoms, found)
}

/// The question, asked rule by rule.
struct Ask<'a, 'c> {
    net: &'a Connectivity<'c>,
    /// The reference's ingress and egress sides.
    sides: &'a [Admission; 2],
    /// Cut at every atom of `net` and of both sides.
    atoms: Atoms,
    /// `(admitted, allowed, the reference's)` → what is left.
    memo: HashMap<(ConnSet, u32, ConnSet), ConnSet>,
}

impl Ask<'_, '_> {
    /// Records, for each class `c` the rule's policy selects, what the rule admits beyond the
    /// reference on that side, among what `net` allows.
    fn rule(&mut self, policy: &Policy, rule: &Rule, sel: &Bits, by: RuleRef, found: &mut Found) {
        let cluster = self.net.cluster;
        let n = cluster.class_count();
        let peers: Option<Bits> = rule.peers.as_ref().map(|peers| {
            let mut b = Bits::empty(n);
            peers.iter().for_each(|p| b.or(&cluster.peer_classes(p, &policy.namespace)));
            b
        });
        let addresses = match &rule.peers {
            None => IpSet::all(),
            Some(_) => blocks(rule),
        };
        let atoms: Vec<(usize, IpAddr)> = self
            .atoms
            .iter()
            .enumerate()
            .filter(|(_, r)| addresses.contains(r.first()))
            .map(|(a, r)| (a, r.first()))
            .collect();
        let ingress = by.direction == Direction::Ingress;
        let sides = self.sides;
        for c in sel.iter() {
            let others: Vec<usize> = match &peers {
                None => (0..n).collect(),
                Some(b) => b.iter().collect(),
            };
            for o in others {
                let (s, d) = if ingress { (o, c) } else { (c, o) };
                let dst = &cluster.classes[d];
                let ports = rule.ports.towards(Some(&|name, protocol| dst.named_port(name, protocol)));
                let theirs = sides[by.direction as usize].class(c, o);
                let left = self.left(ports, self.net.class_pair(s, d), theirs);
                record(found, (End::Class(s), End::Class(d)), left, by);
            }
            for &(a, ip) in &atoms {
                let at = self.net.atoms().of(ip);
                let (ports, allowed, key) = if ingress {
                    let dst = &cluster.classes[c];
                    let ports = rule.ports.towards(Some(&|name, protocol| dst.named_port(name, protocol)));
                    (ports, self.net.atom_to_class(at, c), (End::Atom(a), End::Class(c)))
                } else {
                    (rule.ports.towards(None), self.net.class_to_atom(c, at), (End::Class(c), End::Atom(a)))
                };
                let left = self.left(ports, allowed, sides[by.direction as usize].address(c, ip));
                record(found, key, left, by);
            }
        }
    }

    /// `admitted` ∩ what `net` allows (its set `allowed`) − what the reference's side admits
    /// there (`theirs`).
    fn left(&mut self, admitted: ConnSet, allowed: u32, theirs: &ConnSet) -> ConnSet {
        let key = (admitted, allowed, theirs.clone());
        if let Some(left) = self.memo.get(&key) {
            return left.clone();
        }
        let left = key.0.intersect(self.net.table().get(allowed)).minus(&key.2);
        self.memo.insert(key, left.clone());
        left
    }
}

fn record(found: &mut Found, key: (End, End), left: ConnSet, by: RuleRef) {
    if left.is_empty() {
        return;
    }
    let (conns, rules) = found.entry(key).or_default();
    *conns = conns.union(&left);
    rules.push(by);
}

/// The class-level findings as entries between workloads, and between workloads and address
/// sets (atoms with the same connections and rules grouped), in workload order.
fn expand(cluster: &Cluster, atoms: &Atoms, found: Found) -> Vec<Beyond> {
    let n = cluster.class_count();
    let mut to_classes: Vec<Vec<(usize, &Through)>> = vec![Vec::new(); n];
    type Groups<'a> = Vec<(&'a Through, Vec<IpRange>)>;
    let (mut outgoing, mut incoming): (Vec<Groups>, Vec<Groups>) = (vec![Vec::new(); n], vec![Vec::new(); n]);
    for (key, value) in &found {
        let (groups, c, a) = match *key {
            (End::Class(s), End::Class(d)) => {
                to_classes[s].push((d, value));
                continue;
            }
            (End::Class(c), End::Atom(a)) => (&mut outgoing, c, a),
            (End::Atom(a), End::Class(c)) => (&mut incoming, c, a),
            (End::Atom(_), End::Atom(_)) => unreachable!("one end is a class"),
        };
        match groups[c].iter_mut().find(|(v, _)| *v == value) {
            Some((_, ranges)) => ranges.push(atoms.get(a)),
            None => groups[c].push((value, vec![atoms.get(a)])),
        }
    }
    let mut out = Vec::new();
    let entry = |src, dst, (conns, by): &Through| {
        let mut by = by.clone();
        by.sort();
        by.dedup();
        Beyond { entry: Entry { src, dst, conns: conns.clone() }, by }
    };
    for s in 0..cluster.workloads.workloads.len() {
        let c = cluster.class_of[s];
        let mut targets: Vec<(usize, &Through)> = to_classes[c]
            .iter()
            .flat_map(|(d, v)| cluster.classes[*d].members.iter().map(move |&w| (w, *v)))
            .filter(|(w, _)| *w != s)
            .collect();
        targets.sort_by_key(|(w, _)| *w);
        for (w, v) in targets {
            out.push(entry(Endpoint::Workload(s), Endpoint::Workload(w), v));
        }
        for (v, ranges) in &outgoing[c] {
            out.push(entry(
                Endpoint::Workload(s),
                Endpoint::Addresses(IpSet::from_ranges(ranges.clone())),
                v,
            ));
        }
        for (v, ranges) in &incoming[c] {
            out.push(entry(
                Endpoint::Addresses(IpSet::from_ranges(ranges.clone())),
                Endpoint::Workload(s),
                v,
            ));
        }
    }
    out
}
