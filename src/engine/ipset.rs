//! Sets of IP addresses, IPv4 and IPv6 apart, as sorted disjoint inclusive ranges; an
//! `ipBlock` (`cidr` minus every `except`) is one. [`Atoms`] cuts the address space at every
//! boundary of a collection of sets, so that each set is a union of whole atoms: the engine
//! computes per atom, not per address.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub const ALL: [Family; 2] = [Family::V4, Family::V6];

    fn max(self) -> u128 {
        match self {
            Family::V4 => u32::MAX as u128,
            Family::V6 => u128::MAX,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn addr(self, value: u128) -> IpAddr {
        match self {
            Family::V4 => IpAddr::V4(Ipv4Addr::from(value as u32)),
            Family::V6 => IpAddr::V6(Ipv6Addr::from(value)),
        }
    }
}

/// One inclusive range of addresses of one family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpRange {
    pub family: Family,
    pub lo: u128,
    pub hi: u128,
}

impl IpRange {
    /// The first address of the range.
    pub fn first(&self) -> IpAddr {
        self.family.addr(self.lo)
    }

    /// The range as one CIDR when it is exactly one, else `first-last`.
    pub fn to_text(&self) -> String {
        let size = self.hi - self.lo;
        let (lo, hi) = (self.family.addr(self.lo), self.family.addr(self.hi));
        let bits = match self.family {
            Family::V4 => 32,
            Family::V6 => 128,
        };
        if size == u128::MAX {
            return format!("{lo}/0");
        }
        let count = size + 1;
        if count.is_power_of_two() && self.lo % count == 0 {
            return format!("{lo}/{}", bits - count.trailing_zeros());
        }
        format!("{lo}-{hi}")
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// A set of addresses. Invariant per family as for [`super::portset::PortSet`]: sorted,
/// disjoint, non-adjacent ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct IpSet {
    ranges: [Vec<(u128, u128)>; 2],
}

fn normalise(mut ranges: Vec<(u128, u128)>) -> Vec<(u128, u128)> {
    ranges.sort_unstable();
    let mut out: Vec<(u128, u128)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if last.1 == u128::MAX || lo <= last.1 + 1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn subtract(a: &[(u128, u128)], b: &[(u128, u128)]) -> Vec<(u128, u128)> {
    let mut out = Vec::new();
    for &(mut lo, hi) in a {
        let mut gone = false;
        for &(c, d) in b {
            if d < lo || c > hi {
                continue;
            }
            if c > lo {
                out.push((lo, c - 1));
            }
            if d >= hi {
                gone = true;
                break;
            }
            lo = d + 1;
        }
        if !gone {
            out.push((lo, hi));
        }
    }
    out
}

impl IpSet {
    pub fn empty() -> IpSet {
        IpSet::default()
    }

    /// Every address, IPv4 and IPv6.
    pub fn all() -> IpSet {
        IpSet { ranges: [vec![(0, Family::V4.max())], vec![(0, Family::V6.max())]] }
    }

    /// Every address of one family.
    pub fn all_of(family: Family) -> IpSet {
        let mut set = IpSet::empty();
        set.ranges[family.index()] = vec![(0, family.max())];
        set
    }

    /// The addresses of a CIDR. Host bits may be set (`192.168.242.213/24` is
    /// `192.168.242.0/24`), as Kubernetes reads it.
    pub fn cidr(text: &str) -> Result<IpSet, String> {
        let net: IpNet = text.trim().parse().map_err(|_| format!("`{text}` is not a CIDR"))?;
        let (family, lo, hi) = match net {
            IpNet::V4(n) => (Family::V4, u32::from(n.network()) as u128, u32::from(n.broadcast()) as u128),
            IpNet::V6(n) => (Family::V6, u128::from(n.network()), u128::from(n.broadcast())),
        };
        let mut set = IpSet::empty();
        set.ranges[family.index()] = vec![(lo, hi)];
        Ok(set)
    }

    /// An `ipBlock`: `cidr` minus the `except` CIDRs, each of which must lie strictly inside
    /// `cidr` (the API server refuses the block otherwise).
    pub fn block(cidr: &str, except: &[String]) -> Result<IpSet, String> {
        let whole = IpSet::cidr(cidr)?;
        let mut out = whole.clone();
        for e in except {
            let hole = IpSet::cidr(e)?;
            if !hole.is_subset(&whole) || hole == whole {
                return Err(format!("except `{e}` is not strictly inside cidr `{cidr}`"));
            }
            out = out.minus(&hole);
        }
        Ok(out)
    }

    /// The set of some ranges, in any order.
    pub fn from_ranges(ranges: impl IntoIterator<Item = IpRange>) -> IpSet {
        let mut lists: [Vec<(u128, u128)>; 2] = [Vec::new(), Vec::new()];
        for r in ranges {
            lists[r.family.index()].push((r.lo, r.hi));
        }
        IpSet { ranges: lists.map(normalise) }
    }

    pub fn single(ip: IpAddr) -> IpSet {
        let (family, v) = match ip {
            IpAddr::V4(a) => (Family::V4, u32::from(a) as u128),
            IpAddr::V6(a) => (Family::V6, u128::from(a)),
        };
        let mut set = IpSet::empty();
        set.ranges[family.index()] = vec![(v, v)];
        set
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.iter().all(Vec::is_empty)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        !self.intersect(&IpSet::single(ip)).is_empty()
    }

    pub fn union(&self, other: &IpSet) -> IpSet {
        IpSet { ranges: [0, 1].map(|i| normalise([&self.ranges[i][..], &other.ranges[i]].concat())) }
    }

    pub fn minus(&self, other: &IpSet) -> IpSet {
        IpSet { ranges: [0, 1].map(|i| subtract(&self.ranges[i], &other.ranges[i])) }
    }

    pub fn intersect(&self, other: &IpSet) -> IpSet {
        self.minus(&self.minus(other))
    }

    pub fn is_subset(&self, other: &IpSet) -> bool {
        self.minus(other).is_empty()
    }

    /// The set's ranges, IPv4 first.
    pub fn ranges(&self) -> impl Iterator<Item = IpRange> + '_ {
        Family::ALL.into_iter().flat_map(move |family| {
            self.ranges[family.index()].iter().map(move |&(lo, hi)| IpRange { family, lo, hi })
        })
    }
}

/// The ranges, comma-separated, each a CIDR or `first-last` (the conformance format).
impl fmt::Display for IpSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.ranges().map(|r| r.to_text()).collect();
        f.write_str(&parts.join(","))
    }
}

/// The address space cut at every boundary of some sets: consecutive ranges ("atoms") that
/// cover every address of both families exactly once, such that each of the sets is a union of
/// whole atoms.
#[derive(Clone, Debug)]
pub struct Atoms {
    atoms: Vec<IpRange>,
}

impl Atoms {
    pub fn new<'a>(sets: impl IntoIterator<Item = &'a IpSet>) -> Atoms {
        let mut starts: [Vec<u128>; 2] = [vec![0], vec![0]];
        for set in sets {
            for r in set.ranges() {
                let cuts = &mut starts[r.family.index()];
                cuts.push(r.lo);
                if r.hi < r.family.max() {
                    cuts.push(r.hi + 1);
                }
            }
        }
        let mut atoms = Vec::new();
        for family in Family::ALL {
            let cuts = &mut starts[family.index()];
            cuts.sort_unstable();
            cuts.dedup();
            for (i, &lo) in cuts.iter().enumerate() {
                let hi = cuts.get(i + 1).map_or(family.max(), |next| next - 1);
                atoms.push(IpRange { family, lo, hi });
            }
        }
        Atoms { atoms }
    }

    pub fn len(&self) -> usize {
        self.atoms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.atoms.is_empty()
    }

    pub fn get(&self, i: usize) -> IpRange {
        self.atoms[i]
    }

    pub fn iter(&self) -> impl Iterator<Item = IpRange> + '_ {
        self.atoms.iter().copied()
    }

    /// The atom holding `ip`.
    pub fn of(&self, ip: IpAddr) -> usize {
        let one = IpSet::single(ip).ranges().next().expect("one address");
        self.atoms.partition_point(|a| (a.family, a.lo) <= (one.family, one.lo)) - 1
    }

    /// The indexes of the atoms that make up `set` (which must be cut by these atoms: one of
    /// the sets they were made from, or a union or difference of them).
    pub fn covering(&self, set: &IpSet) -> Vec<usize> {
        let mut out = Vec::new();
        for r in set.ranges() {
            let first = self.atoms.partition_point(|a| (a.family, a.lo) < (r.family, r.lo));
            for (i, a) in self.atoms.iter().enumerate().skip(first) {
                if a.family != r.family || a.lo > r.hi {
                    break;
                }
                out.push(i);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_with_holes_and_non_canonical_cidrs() {
        let b = IpSet::block("0.0.0.0/0", &["10.0.0.0/8".into(), "192.168.0.0/16".into()]).unwrap();
        assert_eq!(
            b.to_string(),
            "0.0.0.0-9.255.255.255,11.0.0.0-192.167.255.255,192.169.0.0-255.255.255.255"
        );
        assert!(b.contains(ip("8.8.8.8")) && !b.contains(ip("10.1.2.3")) && !b.contains(ip("::1")));
        assert_eq!(IpSet::cidr("192.168.242.213/24").unwrap().to_string(), "192.168.242.0/24");
        assert_eq!(IpSet::cidr("49.50.0.0/32").unwrap().to_string(), "49.50.0.0/32");
        assert_eq!(IpSet::all().to_string(), "0.0.0.0/0,::/0");
        assert!(IpSet::block("10.0.0.0/8", &["11.0.0.0/8".into()]).is_err());
        assert!(IpSet::block("10.0.0.0/8", &["10.0.0.0/8".into()]).is_err());
        assert!(IpSet::cidr("10.0.0.1").is_err());
        let v6 = IpSet::block("2001:db8::/32", &["2001:db8::/48".into()]).unwrap();
        assert_eq!(v6.to_string(), "2001:db8:1::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
    }

    #[test]
    fn atoms_cut_the_space_at_every_boundary() {
        let a = IpSet::cidr("10.0.0.0/8").unwrap();
        let b = IpSet::block("10.0.0.0/16", &["10.0.1.0/24".into()]).unwrap();
        let atoms = Atoms::new([&a, &b]);
        let texts: Vec<String> = atoms.iter().map(|r| r.to_text()).collect();
        assert_eq!(
            texts,
            [
                "0.0.0.0-9.255.255.255",
                "10.0.0.0/24",
                "10.0.1.0/24",
                "10.0.2.0-10.0.255.255",
                "10.1.0.0-10.255.255.255",
                "11.0.0.0-255.255.255.255",
                "::/0"
            ]
        );
        assert_eq!(atoms.covering(&a), [1, 2, 3, 4]);
        assert_eq!(atoms.covering(&b), [1, 3]);
        assert_eq!(atoms.of(ip("10.0.1.7")), 2);
        assert_eq!(atoms.of(ip("::1")), 6);
        assert_eq!(atoms.of(ip("0.0.0.0")), 0);
    }
}
