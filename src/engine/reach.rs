//! Who can reach whom: for every ordered pair of classes, and between each class and each
//! address atom, the connections allowed.
//!
//! A connection from S to D is allowed when D's ingress admits it and S's egress admits it
//! (an address has no side of its own). A side admits everything when no policy isolates it
//! for that direction; otherwise the union, over the rules of the policies that select it, of
//! the rule's ports where the rule's peers hold the other end. Named ports resolve on the
//! destination: the selected pod for ingress rules, each destination pod for egress rules,
//! never on an address.
//!
//! The cost is per class and rule, not per pod pair: each side is one pass over the rules
//! that apply to a class, each rule's peers already a set of classes and atoms.

use super::cluster::Cluster;
use super::connset::ConnSet;
use super::ipset::{Atoms, IpRange, IpSet};
use super::policy::{Direction, Policy};
use super::side::{atoms_of, Side};
use super::table::{ConnId, ConnTable, ALL, NONE};

/// The connections allowed between every two classes, and between classes and addresses.
#[derive(Debug)]
pub struct Connectivity<'c> {
    pub cluster: &'c Cluster,
    table: ConnTable,
    atoms: Atoms,
    /// `pairs[s * n + d]`: what class `s` may open to class `d`.
    pairs: Vec<ConnId>,
    /// `to_ips[s * k + a]`: what class `s` may open to atom `a`; `from_ips[d * k + a]`: what
    /// atom `a` may open to class `d`.
    to_ips: Vec<ConnId>,
    from_ips: Vec<ConnId>,
}

impl<'c> Connectivity<'c> {
    /// Computes the connectivity `policies` allow among the cluster's workloads.
    pub fn compute(cluster: &'c Cluster, policies: &[Policy]) -> Connectivity<'c> {
        let n = cluster.class_count();
        let atoms = atoms_of(policies);
        let mut table = ConnTable::default();
        let ingress = Side::new(cluster, policies, Direction::Ingress, &atoms, &mut table);
        let egress = Side::new(cluster, policies, Direction::Egress, &atoms, &mut table);
        let k = atoms.len();
        let mut net = Connectivity {
            cluster,
            table,
            atoms,
            pairs: vec![ALL; n * n],
            to_ips: vec![ALL; n * k],
            from_ips: vec![ALL; n * k],
        };
        net.apply_ingress(&ingress);
        net.apply_egress(&egress);
        net
    }

    /// A connectivity given by a reading rather than by policies: `pair(s, d)` for every two
    /// classes, `to_atom(s, a)` and `from_atom(a, d)` for every class and atom of `atoms`. For
    /// comparing what connections should be with what policies allow ([`super::delta::diff`]).
    pub fn from_fn(
        cluster: &'c Cluster,
        atoms: Atoms,
        mut pair: impl FnMut(usize, usize) -> ConnSet,
        mut to_atom: impl FnMut(usize, IpRange) -> ConnSet,
        mut from_atom: impl FnMut(IpRange, usize) -> ConnSet,
    ) -> Connectivity<'c> {
        let (n, k) = (cluster.class_count(), atoms.len());
        let mut table = ConnTable::default();
        let mut pairs = Vec::with_capacity(n * n);
        for s in 0..n {
            for d in 0..n {
                pairs.push(table.intern(pair(s, d)));
            }
        }
        let (mut to_ips, mut from_ips) = (Vec::with_capacity(n * k), Vec::with_capacity(n * k));
        for c in 0..n {
            for a in atoms.iter() {
                to_ips.push(table.intern(to_atom(c, a)));
                from_ips.push(table.intern(from_atom(a, c)));
            }
        }
        Connectivity { cluster, table, atoms, pairs, to_ips, from_ips }
    }

    /// What each class's ingress admits, from every class and atom, into `pairs` and
    /// `from_ips`.
    ///
    /// A column is written to `pairs` with a stride of a whole row; so columns are computed
    /// [`BLOCK`] at a time and written row by row, each row's cells of the block together.
    fn apply_ingress(&mut self, side: &Side) {
        const BLOCK: usize = 64;
        let (n, k) = (self.cluster.class_count(), self.atoms.len());
        let isolated: Vec<usize> = (0..n).filter(|&d| side.isolated[d]).collect();
        let mut cols = vec![NONE; BLOCK * n];
        let mut ips = vec![NONE; k];
        for block in isolated.chunks(BLOCK) {
            for (j, &d) in block.iter().enumerate() {
                let col = &mut cols[j * n..(j + 1) * n];
                col.fill(NONE);
                ips.fill(NONE);
                side.admitted(self.cluster, &mut self.table, d, col, &mut ips);
                self.from_ips[d * k..(d + 1) * k].copy_from_slice(&ips);
            }
            for s in 0..n {
                let row = &mut self.pairs[s * n..(s + 1) * n];
                for (j, &d) in block.iter().enumerate() {
                    row[d] = cols[j * n + s];
                }
            }
        }
    }

    /// What each class's egress admits, towards every class and atom, intersected into
    /// `pairs`, and into `to_ips`.
    fn apply_egress(&mut self, side: &Side) {
        let (n, k) = (self.cluster.class_count(), self.atoms.len());
        let mut row = vec![NONE; n];
        let mut ips = vec![NONE; k];
        for s in (0..n).filter(|&s| side.isolated[s]) {
            row.fill(NONE);
            ips.fill(NONE);
            side.admitted(self.cluster, &mut self.table, s, &mut row, &mut ips);
            for (d, &allowed) in row.iter().enumerate() {
                let cell = &mut self.pairs[s * n + d];
                *cell = self.table.intersect(*cell, allowed);
            }
            self.to_ips[s * k..(s + 1) * k].copy_from_slice(&ips);
        }
    }

    pub fn atoms(&self) -> &Atoms {
        &self.atoms
    }

    pub fn table(&self) -> &ConnTable {
        &self.table
    }

    /// What class `s` may open to class `d`.
    pub fn class_pair(&self, s: usize, d: usize) -> ConnId {
        self.pairs[s * self.cluster.class_count() + d]
    }

    /// What class `s` may open to each class, in class order.
    pub fn class_row(&self, s: usize) -> &[ConnId] {
        let n = self.cluster.class_count();
        &self.pairs[s * n..(s + 1) * n]
    }

    /// What class `s` may open to atom `a`.
    pub fn class_to_atom(&self, s: usize, a: usize) -> ConnId {
        self.to_ips[s * self.atoms.len() + a]
    }

    /// What atom `a` may open to class `d`.
    pub fn atom_to_class(&self, a: usize, d: usize) -> ConnId {
        self.from_ips[d * self.atoms.len() + a]
    }

    /// What workload `src` may open to workload `dst` (indexes into the workloads).
    pub fn between(&self, src: usize, dst: usize) -> &ConnSet {
        let c = &self.cluster.class_of;
        self.table.get(self.class_pair(c[src], c[dst]))
    }

    /// The addresses workload `src` may reach, grouped by what it may open to them, in
    /// address order. Addresses it may open nothing to are left out.
    pub fn to_addresses(&self, src: usize) -> Vec<(IpSet, &ConnSet)> {
        let s = self.cluster.class_of[src];
        self.by_conn(|a| self.class_to_atom(s, a))
    }

    /// The addresses that may reach workload `dst`, grouped likewise.
    pub fn from_addresses(&self, dst: usize) -> Vec<(IpSet, &ConnSet)> {
        let d = self.cluster.class_of[dst];
        self.by_conn(|a| self.atom_to_class(a, d))
    }

    fn by_conn(&self, conn: impl Fn(usize) -> ConnId) -> Vec<(IpSet, &ConnSet)> {
        let mut groups: Vec<(ConnId, Vec<IpRange>)> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for (a, range) in self.atoms.iter().enumerate() {
            let id = conn(a);
            if id != NONE {
                let g = *index.entry(id).or_insert_with(|| {
                    groups.push((id, Vec::new()));
                    groups.len() - 1
                });
                groups[g].1.push(range);
            }
        }
        groups.into_iter().map(|(id, ranges)| (IpSet::from_ranges(ranges), self.table.get(id))).collect()
    }
}
