//! Sets of port numbers (1-65535) as sorted, disjoint, non-adjacent inclusive ranges, with the
//! set operations. Port 0 is never a member: Kubernetes ports are 1-65535.

use std::fmt;

pub const MIN_PORT: u16 = 1;
pub const MAX_PORT: u16 = 65535;

/// A set of ports. Invariant: ranges sorted, each `lo <= hi`, and between two ranges at
/// least one port that is in neither (so equal sets have equal representations).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortSet {
    ranges: Vec<(u16, u16)>,
}

impl PortSet {
    pub fn empty() -> PortSet {
        PortSet::default()
    }

    /// Every port, 1-65535.
    pub fn all() -> PortSet {
        PortSet { ranges: vec![(MIN_PORT, MAX_PORT)] }
    }

    /// The ports `lo..=hi`, clipped to 1-65535; empty when `lo > hi`.
    pub fn range(lo: u16, hi: u16) -> PortSet {
        let lo = lo.max(MIN_PORT);
        if lo > hi {
            return PortSet::empty();
        }
        PortSet { ranges: vec![(lo, hi)] }
    }

    pub fn single(port: u16) -> PortSet {
        PortSet::range(port, port)
    }

    /// The set's ranges, inclusive, in order.
    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn is_all(&self) -> bool {
        self.ranges == [(MIN_PORT, MAX_PORT)]
    }

    pub fn contains(&self, port: u16) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= port && port <= hi)
    }

    /// The set from any ranges (overlapping, unsorted, adjacent), normalised.
    fn from_ranges(mut ranges: Vec<(u16, u16)>) -> PortSet {
        ranges.sort_unstable();
        let mut out: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
        for (lo, hi) in ranges {
            match out.last_mut() {
                Some(last) if lo as u32 <= last.1 as u32 + 1 => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        PortSet { ranges: out }
    }

    pub fn union(&self, other: &PortSet) -> PortSet {
        if self.is_empty() || other.is_all() {
            return other.clone();
        }
        if other.is_empty() || self.is_all() {
            return self.clone();
        }
        PortSet::from_ranges(self.ranges.iter().chain(&other.ranges).copied().collect())
    }

    pub fn intersect(&self, other: &PortSet) -> PortSet {
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            let (lo, hi) = (a.0.max(b.0), a.1.min(b.1));
            if lo <= hi {
                out.push((lo, hi));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        PortSet { ranges: out }
    }

    /// The ports of `self` that are not in `other`.
    pub fn minus(&self, other: &PortSet) -> PortSet {
        self.intersect(&other.complement())
    }

    /// The ports 1-65535 not in `self`.
    pub fn complement(&self) -> PortSet {
        let mut out = Vec::new();
        let mut next = MIN_PORT as u32;
        for &(lo, hi) in &self.ranges {
            if (lo as u32) > next {
                out.push((next as u16, lo - 1));
            }
            next = hi as u32 + 1;
        }
        if next <= MAX_PORT as u32 {
            out.push((next as u16, MAX_PORT));
        }
        PortSet { ranges: out }
    }

    pub fn is_subset(&self, other: &PortSet) -> bool {
        self.minus(other).is_empty()
    }
}

/// `80, 8080-8089`; `all` for every port; `none` for the empty set.
impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return write!(f, "all");
        }
        if self.is_empty() {
            return write!(f, "none");
        }
        let parts: Vec<String> = self
            .ranges
            .iter()
            .map(|&(lo, hi)| if lo == hi { lo.to_string() } else { format!("{lo}-{hi}") })
            .collect();
        write!(f, "{}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations_keep_one_representation() {
        let a = PortSet::range(80, 90).union(&PortSet::range(91, 100)).union(&PortSet::single(443));
        assert_eq!(a.ranges(), &[(80, 100), (443, 443)]);
        assert_eq!(a.to_string(), "80-100, 443");
        let b = PortSet::range(95, 500);
        assert_eq!(a.intersect(&b).ranges(), &[(95, 100), (443, 443)]);
        assert_eq!(a.minus(&b).ranges(), &[(80, 94)]);
        assert_eq!(b.minus(&a).ranges(), &[(101, 442), (444, 500)]);
        assert!(PortSet::all().complement().is_empty());
        assert_eq!(PortSet::empty().complement(), PortSet::all());
        assert_eq!(PortSet::single(1).complement().ranges(), &[(2, 65535)]);
        assert_eq!(PortSet::single(65535).complement().ranges(), &[(1, 65534)]);
        assert!(PortSet::range(0, 0).is_empty());
        assert!(a.intersect(&b).is_subset(&a));
        assert_eq!(PortSet::all().to_string(), "all");
    }
}
