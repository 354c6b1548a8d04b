//! The semantic diff: what changes between two connectivities over the same workloads (two
//! policy sets, or what an intent means against what policies allow). `opened` holds what
//! `after` allows and `before` does not; `closed` the reverse. Compared per class pair and
//! per address atom of both, expanded to workloads only where something differs.

use super::connset::ConnSet;
use super::entries::{Endpoint, Entry};
use super::ipset::{Atoms, IpRange, IpSet};
use super::reach::Connectivity;
use super::table::{ConnId, NONE};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delta {
    pub opened: Vec<Entry>,
    pub closed: Vec<Entry>,
}

impl Delta {
    pub fn is_empty(&self) -> bool {
        self.opened.is_empty() && self.closed.is_empty()
    }
}

/// Compares two connectivities computed over the same cluster.
///
/// Panics if they were computed over different clusters.
pub fn diff(before: &Connectivity, after: &Connectivity) -> Delta {
    assert!(std::ptr::eq(before.cluster, after.cluster), "a diff needs one cluster");
    let cluster = before.cluster;
    let n = cluster.class_count();
    // `same[a]`: the id in `after` of the set `before` calls `a`, to compare cells by id.
    let same: Vec<Option<ConnId>> =
        (0..before.table().len()).map(|a| after.table().find(before.table().get(a as ConnId))).collect();
    let mut delta = Delta::default();
    let workloads = cluster.workloads.workloads.len();
    // For each class, the classes towards which what it may open changes.
    let changed: Vec<Vec<usize>> = (0..n)
        .map(|s| {
            let cells = before.class_row(s).iter().zip(after.class_row(s)).enumerate();
            cells.filter(|(_, (&a, &b))| same[a as usize] != Some(b)).map(|(d, _)| d).collect()
        })
        .collect();
    let sets: Vec<IpSet> =
        before.atoms().iter().chain(after.atoms().iter()).map(|r| IpSet::from_ranges([r])).collect();
    let atoms = Atoms::new(&sets);
    let by_class: Vec<AddressChanges> = (0..n).map(|c| address_changes(before, after, &atoms, c)).collect();
    for s in 0..workloads {
        let mut targets: Vec<usize> = changed[cluster.class_of[s]]
            .iter()
            .flat_map(|&cd| cluster.classes[cd].members.iter().copied())
            .filter(|&d| d != s)
            .collect();
        targets.sort_unstable();
        for d in targets {
            let (a, b) = (before.between(s, d), after.between(s, d));
            push(&mut delta, Endpoint::Workload(s), Endpoint::Workload(d), a, b);
        }
        let (outgoing, incoming) = &by_class[cluster.class_of[s]];
        for (set, a, b) in outgoing {
            push(&mut delta, Endpoint::Workload(s), Endpoint::Addresses(set.clone()), a, b);
        }
        for (set, a, b) in incoming {
            push(&mut delta, Endpoint::Addresses(set.clone()), Endpoint::Workload(s), a, b);
        }
    }
    delta
}

/// Adds what `b` has and `a` lacks to `opened`, and the reverse to `closed`.
fn push(delta: &mut Delta, src: Endpoint, dst: Endpoint, a: &ConnSet, b: &ConnSet) {
    let (opened, closed) = (b.minus(a), a.minus(b));
    if !opened.is_empty() {
        delta.opened.push(Entry { src: src.clone(), dst: dst.clone(), conns: opened });
    }
    if !closed.is_empty() {
        delta.closed.push(Entry { src, dst, conns: closed });
    }
}

/// Address sets whose connections differ, with the connections before and after.
type Changes = Vec<(IpSet, ConnSet, ConnSet)>;
/// To addresses, and from addresses.
type AddressChanges = (Changes, Changes);

/// The changes between class `c` and addresses, on `atoms` (which cut both sides' atoms),
/// grouped by (before, after) and in address order.
fn address_changes(before: &Connectivity, after: &Connectivity, atoms: &Atoms, c: usize) -> AddressChanges {
    type Groups = Vec<((ConnId, ConnId), Vec<IpRange>)>;
    let (mut outgoing, mut incoming): (Groups, Groups) = (Vec::new(), Vec::new());
    for range in atoms.iter() {
        let ip = range.first();
        let (ab, aa) = (before.atoms().of(ip), after.atoms().of(ip));
        let out = (before.class_to_atom(c, ab), after.class_to_atom(c, aa));
        let inc = (before.atom_to_class(ab, c), after.atom_to_class(aa, c));
        for (groups, key) in [(&mut outgoing, out), (&mut incoming, inc)] {
            if before.table().get(key.0) == after.table().get(key.1) {
                continue;
            }
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, ranges)) => ranges.push(range),
                None => groups.push((key, vec![range])),
            }
        }
    }
    let sets = |groups: Groups| -> Changes {
        groups
            .into_iter()
            .map(|((a, b), ranges)| {
                (IpSet::from_ranges(ranges), before.table().get(a).clone(), after.table().get(b).clone())
            })
            .collect()
    };
    (sets(outgoing), sets(incoming))
}

/// The workloads that `before` lets some other workload or some address reach, and `after`
/// lets nothing reach: what a change leaves with no ingress it had. Computed per class, over
/// the same cluster (panics otherwise).
pub fn unreachable(before: &Connectivity, after: &Connectivity) -> Vec<usize> {
    assert!(std::ptr::eq(before.cluster, after.cluster), "a comparison needs one cluster");
    let cluster = before.cluster;
    let n = cluster.class_count();
    let many: Vec<bool> = cluster.classes.iter().map(|c| c.members.len() > 1).collect();
    // Row by row, in the order the cells are stored.
    let reached = |net: &Connectivity| -> Vec<bool> {
        let mut reached = vec![false; n];
        for s in 0..n {
            for (d, (seen, &cell)) in reached.iter_mut().zip(net.class_row(s)).enumerate() {
                *seen |= cell != NONE && (s != d || many[d]);
            }
        }
        for (d, seen) in reached.iter_mut().enumerate() {
            *seen |= (0..net.atoms().len()).any(|a| net.atom_to_class(a, d) != NONE);
        }
        reached
    };
    let (was, is) = (reached(before), reached(after));
    let mut out: Vec<usize> = (0..n)
        .filter(|&d| was[d] && !is[d])
        .flat_map(|d| cluster.classes[d].members.iter().copied())
        .collect();
    out.sort_unstable();
    out
}
