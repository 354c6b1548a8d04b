//! Sets of connections: for each protocol NetworkPolicies know (TCP, UDP, SCTP), a
//! [`PortSet`]. "All connections" is the three protocols on ports 1-65535.

use std::fmt;

use super::portset::PortSet;

pub use crate::k8s::protocol::Protocol;

/// A set of (protocol, port) connections.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnSet {
    ports: [PortSet; 3],
}

impl ConnSet {
    pub fn none() -> ConnSet {
        ConnSet::default()
    }

    pub fn all() -> ConnSet {
        ConnSet { ports: [PortSet::all(), PortSet::all(), PortSet::all()] }
    }

    /// `ports` on `protocol`, nothing on the others.
    pub fn on(protocol: Protocol, ports: PortSet) -> ConnSet {
        let mut set = ConnSet::none();
        set.ports[protocol.index()] = ports;
        set
    }

    pub fn ports(&self, protocol: Protocol) -> &PortSet {
        &self.ports[protocol.index()]
    }

    pub fn is_empty(&self) -> bool {
        self.ports.iter().all(PortSet::is_empty)
    }

    pub fn is_all(&self) -> bool {
        self.ports.iter().all(PortSet::is_all)
    }

    pub fn contains(&self, protocol: Protocol, port: u16) -> bool {
        self.ports(protocol).contains(port)
    }

    fn zip(&self, other: &ConnSet, f: impl Fn(&PortSet, &PortSet) -> PortSet) -> ConnSet {
        ConnSet { ports: [0, 1, 2].map(|i| f(&self.ports[i], &other.ports[i])) }
    }

    pub fn union(&self, other: &ConnSet) -> ConnSet {
        self.zip(other, PortSet::union)
    }

    pub fn intersect(&self, other: &ConnSet) -> ConnSet {
        self.zip(other, PortSet::intersect)
    }

    pub fn minus(&self, other: &ConnSet) -> ConnSet {
        self.zip(other, PortSet::minus)
    }

    pub fn is_subset(&self, other: &ConnSet) -> bool {
        self.minus(other).is_empty()
    }

    /// The protocols with at least one port, and their ports.
    pub fn iter(&self) -> impl Iterator<Item = (Protocol, &PortSet)> {
        Protocol::ALL.into_iter().map(|p| (p, self.ports(p))).filter(|(_, ports)| !ports.is_empty())
    }
}

/// `all`, `none`, or per protocol: `TCP 80, 8080-8089; UDP all`.
impl fmt::Display for ConnSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("all");
        }
        if self.is_empty() {
            return f.write_str("none");
        }
        let parts: Vec<String> = self.iter().map(|(p, ports)| format!("{p} {ports}")).collect();
        f.write_str(&parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_protocol_set_operations() {
        let web = ConnSet::on(Protocol::TCP, PortSet::range(80, 443));
        let dns = ConnSet::on(Protocol::UDP, PortSet::single(53))
            .union(&ConnSet::on(Protocol::TCP, PortSet::single(53)));
        let both = web.union(&dns);
        assert_eq!(both.to_string(), "TCP 53, 80-443; UDP 53");
        assert_eq!(both.intersect(&dns), dns);
        assert_eq!(both.minus(&web).to_string(), "TCP 53; UDP 53");
        assert!(dns.is_subset(&both) && !both.is_subset(&dns));
        assert!(ConnSet::all().minus(&ConnSet::all()).is_empty());
        assert_eq!(ConnSet::all().to_string(), "all");
        assert!(both.contains(Protocol::UDP, 53) && !both.contains(Protocol::SCTP, 53));
        assert_eq!(Protocol::parse("SCTP"), Some(Protocol::SCTP));
        assert_eq!(Protocol::parse("tcp"), None);
    }
}
