//! The Kubernetes primitives that both the evaluator and the oracle need, because the contract
//! defines its values as Kubernetes values: a LabelSelector, a NetworkPolicyPort and an
//! IP block (`{cidr, except}`). Nothing here knows about the intent or the expansion.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use k8s_openapi::api::networking::v1::{IPBlock, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub type Labels = BTreeMap<String, String>;

/// A connection's protocol and destination port, e.g. `TCP/5432`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortCase {
    pub protocol: &'static str,
    pub port: i32,
}

impl std::fmt::Display for PortCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.protocol, self.port)
    }
}

const fn case(protocol: &'static str, port: i32) -> PortCase {
    PortCase { protocol, port }
}

pub const PROTOCOLS: [&str; 3] = ["TCP", "UDP", "SCTP"];

/// The (protocol, port) pairs every cluster tries: the numbers behind the named ports of the
/// model pods (`http` 80 or 8080, `metrics` 9090 or 9100, `dns` UDP 53 or 5353 or TCP 53), a
/// few common ports, and the same numbers on other protocols. [`probes`] adds the ports an
/// intent names and their edges.
pub const BASE_PORT_CASES: [PortCase; 15] = [
    case("TCP", 53),
    case("TCP", 80),
    case("TCP", 443),
    case("TCP", 5432),
    case("TCP", 8080),
    case("TCP", 8085),
    case("TCP", 8443),
    case("TCP", 9090),
    case("TCP", 9096),
    case("TCP", 9100),
    case("UDP", 53),
    case("UDP", 5353),
    case("UDP", 9090),
    case("SCTP", 80),
    case("SCTP", 9090),
];

/// The port cases worth trying for `ports` (an intent's port entries): for each numeric entry
/// its first and last port and the numbers just outside them, and its first port on the other
/// protocols, after [`BASE_PORT_CASES`].
pub fn probes<'a>(ports: impl IntoIterator<Item = &'a NetworkPolicyPort>) -> Vec<PortCase> {
    let mut out = BASE_PORT_CASES.to_vec();
    let mut add = |protocol: &'static str, port: i32| {
        let c = case(protocol, port);
        if (1..=65535).contains(&port) && !out.contains(&c) {
            out.push(c);
        }
    };
    for p in ports {
        let Some(IntOrString::Int(first)) = p.port else { continue };
        let last = p.end_port.unwrap_or(first);
        let protocol = PROTOCOLS.into_iter().find(|x| Some(*x) == p.protocol.as_deref()).unwrap_or("TCP");
        for port in [first - 1, first, last, last + 1] {
            add(protocol, port);
        }
        for other in PROTOCOLS {
            add(other, first);
        }
    }
    assert!(out.len() <= 64, "too many port cases for one mask: {}", out.len());
    out
}

/// A set of port cases, one bit each, in the order of the cluster's `port_cases`.
pub type PortMask = u64;

/// The mask of every one of `n` port cases.
pub fn all_ports(n: usize) -> PortMask {
    if n == 64 {
        u64::MAX
    } else {
        (1 << n) - 1
    }
}

/// The bit of `case` (as `TCP/80`) among `cases`.
pub fn bit(cases: &[PortCase], case: &str) -> PortMask {
    let i = cases
        .iter()
        .position(|c| c.to_string() == case)
        .unwrap_or_else(|| panic!("`{case}` is not one of the port cases {cases:?}"));
    1 << i
}

/// The port cases in `mask`, as `TCP/80, UDP/53`.
pub fn describe(cases: &[PortCase], mask: PortMask) -> String {
    let listed: Vec<String> =
        cases.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, c)| c.to_string()).collect();
    if listed.is_empty() {
        "nothing".to_string()
    } else {
        listed.join(", ")
    }
}

/// A container port of a pod: `name` on `protocol`/`number`.
#[derive(Clone, Debug)]
pub struct NamedPort {
    pub name: String,
    pub protocol: &'static str,
    pub number: i32,
}

/// Whether `selector` selects an object with `labels`: every `matchLabels` entry and every
/// `matchExpressions` requirement must hold; an empty selector selects everything.
pub fn selects(selector: &LabelSelector, labels: &Labels) -> bool {
    let labels_ok = selector.match_labels.iter().flatten().all(|(k, v)| labels.get(k) == Some(v));
    let expressions_ok = selector.match_expressions.iter().flatten().all(|r| {
        let values = r.values.as_deref().unwrap_or_default();
        let value = labels.get(&r.key);
        match r.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => !value.is_some_and(|v| values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            other => panic!("unknown selector operator `{other}`"),
        }
    });
    labels_ok && expressions_ok
}

/// Whether `ip` is in `block`: inside `cidr` and outside every `except`.
pub fn in_block(block: &IPBlock, ip: IpAddr) -> bool {
    let net = |s: &str| s.parse::<IpNet>().unwrap_or_else(|e| panic!("`{s}` is not a CIDR: {e}"));
    net(&block.cidr).contains(&ip) && !block.except.iter().flatten().any(|e| net(e).contains(&ip))
}

/// The port cases (of `cases`) one NetworkPolicyPort admits towards a destination whose
/// container ports are `dst_ports` (`None` for an address outside the cluster). `protocol`
/// defaults to TCP; an absent `port` is every port of the protocol; `endPort` makes a range; a
/// named port is looked up in the destination pod's container ports, protocol included, and
/// matches nothing outside the cluster.
pub fn port_mask(cases: &[PortCase], p: &NetworkPolicyPort, dst_ports: Option<&[NamedPort]>) -> PortMask {
    let protocol = p.protocol.as_deref().unwrap_or("TCP");
    let mut mask = 0;
    for (i, c) in cases.iter().enumerate() {
        if c.protocol != protocol {
            continue;
        }
        let hit = match &p.port {
            None => true,
            Some(IntOrString::Int(n)) => (*n..=p.end_port.unwrap_or(*n)).contains(&c.port),
            Some(IntOrString::String(name)) => dst_ports
                .unwrap_or_default()
                .iter()
                .any(|np| &np.name == name && np.protocol == protocol && np.number == c.port),
        };
        if hit {
            mask |= 1 << i;
        }
    }
    mask
}

/// The port cases a list of ports admits: absent or empty is every port of every protocol.
pub fn ports_mask(
    cases: &[PortCase],
    ports: Option<&[NetworkPolicyPort]>,
    dst_ports: Option<&[NamedPort]>,
) -> PortMask {
    match ports {
        None | Some([]) => all_ports(cases.len()),
        Some(ports) => ports.iter().fold(0, |m, p| m | port_mask(cases, p, dst_ports)),
    }
}
