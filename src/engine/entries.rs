//! The connectivity as a list of entries between workloads, and between workloads and address
//! sets: what every renderer and the semantic diff work from.

use super::connset::ConnSet;
use super::ipset::IpSet;
use super::reach::Connectivity;

/// One end of a connection: a workload (index into the workloads) or a set of addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Workload(usize),
    Addresses(IpSet),
}

/// What `src` may open to `dst`. One end is always a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub src: Endpoint,
    pub dst: Endpoint,
    pub conns: ConnSet,
}

impl Connectivity<'_> {
    /// Every allowed connection: for each workload in order, the workloads it may reach (in
    /// order, itself left out), then the addresses it may reach, then the addresses that may
    /// reach it, each address set grouped by what it allows.
    pub fn entries(&self) -> Vec<Entry> {
        let workloads = self.cluster.workloads.workloads.len();
        let mut out = Vec::new();
        for s in 0..workloads {
            for d in (0..workloads).filter(|&d| d != s) {
                let conns = self.between(s, d);
                if !conns.is_empty() {
                    out.push(Entry {
                        src: Endpoint::Workload(s),
                        dst: Endpoint::Workload(d),
                        conns: conns.clone(),
                    });
                }
            }
            for (set, conns) in self.to_addresses(s) {
                out.push(Entry {
                    src: Endpoint::Workload(s),
                    dst: Endpoint::Addresses(set),
                    conns: conns.clone(),
                });
            }
            for (set, conns) in self.from_addresses(s) {
                out.push(Entry {
                    src: Endpoint::Addresses(set),
                    dst: Endpoint::Workload(s),
                    conns: conns.clone(),
                });
            }
        }
        out
    }
}
