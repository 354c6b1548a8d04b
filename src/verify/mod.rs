//! `verify`: what the intent allows, read from the contract on its own — not from the
//! generator's expansion — compared with what the engine says policies allow, over the same
//! workloads.
//!
//! The contract's rule: a connection from S to D is allowed exactly when D's ingress admits it
//! and S's egress admits it. A side of a pod outside the managed namespaces, or of a direction
//! not in `isolation`, admits everything; otherwise it admits what the rows ([`rows`]) allow:
//! every row on both sides, except those that open one side only: the `internet` rows, a
//! connection toward or from an external, and `dns.cidrs`. An address has no side of its own.
//!
//! The result is the engine's semantic diff of the intent's reading against the policies:
//! `opened` are connections the policies allow beyond the intent (extra), `closed` those the
//! intent allows and the policies do not (missing).

pub mod model;
pub mod rows;

use crate::engine::cluster::Cluster;
use crate::engine::delta::{self, Delta};
use crate::engine::ipset::{Atoms, IpRange};
use crate::engine::{ConnSet, Connectivity};
use crate::intent::validate::ValidIntent;
use crate::intent::PolicyType;
use model::{End, Model};
use rows::Row;

/// What the intent allows among the cluster's workloads, as a connectivity.
pub fn expected<'c>(intent: &ValidIntent, cluster: &'c Cluster) -> Connectivity<'c> {
    let m = Model::new(intent, cluster);
    let rows = rows::rows(&m);
    let blocks: Vec<_> = rows.iter().flat_map(|r| r.blocks()).collect();
    let atoms = Atoms::new(&blocks);
    let union =
        |f: &dyn Fn(&dyn Row) -> ConnSet| rows.iter().fold(ConnSet::none(), |a, r| a.union(&f(r.as_ref())));
    let side =
        |isolated: bool, f: &dyn Fn(&dyn Row) -> ConnSet| if isolated { union(f) } else { ConnSet::all() };
    let pair = |s: usize, d: usize| {
        let both = union(&|r| r.both(&m, s, d));
        let ingress = side(m.isolated(d, PolicyType::Ingress), &|r| r.ingress_only(&m, End::Class(s), d));
        let egress = side(m.isolated(s, PolicyType::Egress), &|r| r.egress_only(&m, s, End::Class(d)));
        let ingress = if m.isolated(d, PolicyType::Ingress) { ingress.union(&both) } else { ingress };
        let egress = if m.isolated(s, PolicyType::Egress) { egress.union(&both) } else { egress };
        ingress.intersect(&egress)
    };
    let to_atom = |s: usize, a: IpRange| {
        side(m.isolated(s, PolicyType::Egress), &|r| r.egress_only(&m, s, End::Address(a.first())))
    };
    let from_atom = |a: IpRange, d: usize| {
        side(m.isolated(d, PolicyType::Ingress), &|r| r.ingress_only(&m, End::Address(a.first()), d))
    };
    Connectivity::from_fn(cluster, atoms, pair, to_atom, from_atom)
}

/// The connections `actual` allows beyond the intent (`opened`) and those the intent allows
/// that `actual` does not (`closed`). Empty when they agree.
pub fn verify(intent: &ValidIntent, actual: &Connectivity) -> Delta {
    let expected = expected(intent, actual.cluster);
    delta::diff(&expected, actual)
}
