//! Connectivity lists in the conformance JSON format (`../shared/conformance/README.md`),
//! compared by meaning as that corpus' checker compares them: absent pairs allow nothing,
//! duplicates are unioned, self pairs are ignored, and address sets are compared per address
//! (split on every boundary either side uses). IPv6 addresses are left out, as the corpus'
//! address space is IPv4.

use std::collections::BTreeMap;

use netpol_intent::engine::ipset::{Atoms, Family, IpRange};
use netpol_intent::engine::{ConnSet, IpSet, PortSet, Protocol};
use serde_json::Value;

/// A connectivity list: pairs of workloads, and per (direction, workload) address sets.
#[derive(Debug, Default)]
pub struct ConnList {
    pub pairs: BTreeMap<(String, String), ConnSet>,
    /// `("out", w)`: from `w` to the addresses; `("in", w)`: from the addresses to `w`.
    pub addresses: BTreeMap<(&'static str, String), Vec<(IpSet, ConnSet)>>,
}

/// An address set as the format writes it: CIDRs, `first-last` ranges and single addresses,
/// comma-separated; `None` for a workload name.
pub fn address_set(text: &str) -> Option<IpSet> {
    let mut set = IpSet::empty();
    for part in text.split(',').map(str::trim) {
        let one = if let Some((lo, hi)) = part.split_once('-') {
            let (lo, hi): (std::net::IpAddr, std::net::IpAddr) = (lo.parse().ok()?, hi.parse().ok()?);
            let v = |ip: std::net::IpAddr| match ip {
                std::net::IpAddr::V4(a) => (Family::V4, u32::from(a) as u128),
                std::net::IpAddr::V6(a) => (Family::V6, u128::from(a)),
            };
            let ((family, lo), (_, hi)) = (v(lo), v(hi));
            IpSet::from_ranges([IpRange { family, lo, hi }])
        } else if part.contains('/') {
            IpSet::cidr(part).ok()?
        } else {
            IpSet::single(part.parse().ok()?)
        };
        set = set.union(&one);
    }
    Some(set)
}

fn allowed(items: &Value) -> ConnSet {
    let mut set = ConnSet::none();
    for item in items.as_array().expect("`allowed` is a list") {
        let protocol =
            Protocol::parse(item["protocol"].as_str().expect("a protocol")).expect("TCP, UDP or SCTP");
        let port = |key: &str, default: u64| item.get(key).and_then(Value::as_u64).unwrap_or(default) as u16;
        let ports = match item.get("port") {
            Some(p) => PortSet::single(p.as_u64().expect("a port number") as u16),
            None => PortSet::range(port("from", 1), port("to", 65535)),
        };
        set = set.union(&ConnSet::on(protocol, ports));
    }
    set
}

impl ConnList {
    pub fn parse(json: &str) -> ConnList {
        let value: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON: {e}\n{json}"));
        let mut list = ConnList::default();
        for e in value.as_array().expect("a list of entries") {
            let (src, dst) = (e["src"].as_str().expect("src"), e["dst"].as_str().expect("dst"));
            let conns = allowed(&e["allowed"]);
            match (address_set(src), address_set(dst)) {
                (None, None) if src != dst => {
                    let slot = list.pairs.entry((src.to_string(), dst.to_string())).or_default();
                    *slot = slot.union(&conns);
                }
                (None, None) => {}
                (Some(set), None) => {
                    list.addresses.entry(("in", dst.to_string())).or_default().push((set, conns))
                }
                (None, Some(set)) => {
                    list.addresses.entry(("out", src.to_string())).or_default().push((set, conns))
                }
                (Some(_), Some(_)) => panic!("an entry between two address sets: {e}"),
            }
        }
        list
    }

    /// Every difference, as `MISSING src -> dst: conns` (expected, not in `got`) and `EXTRA`.
    pub fn differences(&self, got: &ConnList) -> Vec<String> {
        let mut out = Vec::new();
        let mut report = |src: &str, dst: &str, e: &ConnSet, g: &ConnSet| {
            for (kind, diff) in [("MISSING", e.minus(g)), ("EXTRA", g.minus(e))] {
                if !diff.is_empty() {
                    out.push(format!("{kind} {src} -> {dst}: {diff}"));
                }
            }
        };
        let none = ConnSet::none();
        let keys: std::collections::BTreeSet<_> = self.pairs.keys().chain(got.pairs.keys()).collect();
        for k in keys {
            report(&k.0, &k.1, self.pairs.get(k).unwrap_or(&none), got.pairs.get(k).unwrap_or(&none));
        }
        let keys: std::collections::BTreeSet<_> = self.addresses.keys().chain(got.addresses.keys()).collect();
        for k in keys {
            let (e, g) = (
                self.addresses.get(k).cloned().unwrap_or_default(),
                got.addresses.get(k).cloned().unwrap_or_default(),
            );
            let atoms = Atoms::new(e.iter().chain(&g).map(|(s, _)| s));
            let at = |list: &[(IpSet, ConnSet)], r: IpRange| {
                list.iter()
                    .filter(|(s, _)| s.contains(r.first()))
                    .fold(ConnSet::none(), |a, (_, c)| a.union(c))
            };
            // IPv6 is out of the corpus' scope, as for its checker.
            for r in atoms.iter().filter(|r| r.family == Family::V4) {
                let (ec, gc) = (at(&e, r), at(&g, r));
                let ip = r.to_text();
                match k.0 {
                    "out" => report(&k.1, &ip, &ec, &gc),
                    _ => report(&ip, &k.1, &ec, &gc),
                }
            }
        }
        out
    }
}
