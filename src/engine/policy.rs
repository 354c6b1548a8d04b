//! NetworkPolicies compiled once into typed rules: selectors parsed, `policyTypes` defaulted as
//! the API server does, peers and ports typed, address blocks as [`IpSet`]s. Compiling refuses
//! what the API server's validation refuses (networking/validation `ValidateNetworkPolicy`),
//! so the engine never guesses at a policy the cluster would not hold.
//!
//! The rules of the NetworkPolicy API this module decides (concepts/services-networking/
//! network-policies; `NetworkPolicySpec` in networking/v1 types.go):
//! - `policyTypes` absent or empty: `Ingress`, plus `Egress` when `spec.egress` is non-empty.
//!   A direction that is not in `policyTypes` isolates nothing, and its rules are ignored.
//! - `from`/`to` absent or empty: every peer, inside and outside the cluster.
//! - `ports` absent or empty: every port of every protocol. A port entry: `protocol` TCP when
//!   absent; no `port` is every port of the protocol; `endPort` makes a range from a numeric
//!   `port`; a named port is resolved later, on each destination pod.
//! - A peer: `podSelector` alone, pods of the policy's namespace; `namespaceSelector` alone,
//!   every pod of the matching namespaces; both, the pods matching both (AND); `ipBlock`, the
//!   addresses of the block.

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::connset::{ConnSet, Protocol};
use super::ipset::IpSet;
use super::portset::PortSet;
use super::selector::{Labels, Selector};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }

    /// The field of the policy's spec that holds this direction's rules.
    pub fn field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// The field of a rule that holds its peers.
    pub fn peers_field(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// One compiled NetworkPolicy.
#[derive(Clone, Debug)]
pub struct Policy {
    pub namespace: String,
    pub name: String,
    /// `spec.podSelector` (absent is `{}`).
    pub selector: Selector,
    /// `Some(rules)` when the policy isolates ingress (its rules, maybe none), else `None`.
    pub ingress: Option<Vec<Rule>>,
    pub egress: Option<Vec<Rule>>,
    /// Whether `policyTypes` was written, or defaulted.
    pub types_written: bool,
}

impl Policy {
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// The rules of a direction, `None` when the policy does not isolate it.
    pub fn rules(&self, d: Direction) -> Option<&[Rule]> {
        match d {
            Direction::Ingress => self.ingress.as_deref(),
            Direction::Egress => self.egress.as_deref(),
        }
    }

    /// Whether this policy isolates, in direction `d`, a pod of `namespace` with `labels`.
    pub fn isolates(&self, namespace: &str, labels: &Labels, d: Direction) -> bool {
        self.namespace == namespace && self.rules(d).is_some() && self.selector.matches(labels)
    }
}

/// One ingress or egress rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// `None`: every peer (`from`/`to` absent or empty).
    pub peers: Option<Vec<Peer>>,
    pub ports: Ports,
}

#[derive(Clone, Debug)]
pub enum Peer {
    Pods {
        /// `None`: the policy's own namespace.
        namespaces: Option<Selector>,
        /// `None`: every pod of those namespaces.
        pods: Option<Selector>,
    },
    Block {
        set: IpSet,
        /// The block as written, for explanations.
        text: String,
    },
}

/// Looks up a destination pod's named port: `(name, protocol)` → its number.
pub type NamedPorts<'a> = dyn Fn(&str, Protocol) -> Option<u16> + 'a;

/// A rule's `ports`: numbers and ranges, plus named ports to resolve on each destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ports {
    pub numeric: ConnSet,
    pub named: Vec<(String, Protocol)>,
}

impl Ports {
    pub fn all() -> Ports {
        Ports { numeric: ConnSet::all(), named: Vec::new() }
    }

    /// The connections these ports admit towards a destination whose named ports are looked up
    /// with `lookup(name, protocol)`; `None` for an address, which has no named ports.
    pub fn towards(&self, lookup: Option<&NamedPorts>) -> ConnSet {
        let mut out = self.numeric.clone();
        if let Some(lookup) = lookup {
            for (name, protocol) in &self.named {
                if let Some(n) = lookup(name, *protocol) {
                    out = out.union(&ConnSet::on(*protocol, PortSet::single(n)));
                }
            }
        }
        out
    }
}

/// A policy the API server would refuse: which one, where in it, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// Index of the policy in the list given to [`compile`].
    pub index: usize,
    pub policy: String,
    /// The field path, as `spec.ingress[0].ports[1].endPort`.
    pub path: String,
    pub message: String,
}

/// Compiles every policy; errors for all of those the API server would refuse.
pub fn compile<'a>(
    policies: impl IntoIterator<Item = &'a NetworkPolicy>,
) -> Result<Vec<Policy>, Vec<PolicyError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (index, p) in policies.into_iter().enumerate() {
        let id = format!(
            "{}/{}",
            p.metadata.namespace.as_deref().unwrap_or("default"),
            p.metadata.name.as_deref().unwrap_or_default()
        );
        match compile_one(p) {
            Ok(policy) => out.push(policy),
            Err((path, message)) => errors.push(PolicyError { index, policy: id, path, message }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

type Failure = (String, String);

fn compile_one(p: &NetworkPolicy) -> Result<Policy, Failure> {
    let default = Default::default();
    let spec = p.spec.as_ref().unwrap_or(&default);
    let selector = selector(spec.pod_selector.as_ref(), "spec.podSelector")?.unwrap_or_default();
    let types = spec.policy_types.as_deref().unwrap_or_default();
    for (i, t) in types.iter().enumerate() {
        if t != "Ingress" && t != "Egress" {
            return Err((
                format!("spec.policyTypes[{i}]"),
                format!("unknown policy type `{t}` (Ingress or Egress)"),
            ));
        }
    }
    let has_egress_rules = spec.egress.as_ref().is_some_and(|e| !e.is_empty());
    let isolates = |d: Direction| match types.is_empty() {
        true => d == Direction::Ingress || has_egress_rules,
        false => types.iter().any(|t| t == d.as_str()),
    };
    // Rules of a direction the policy does not isolate are validated all the same, then ignored.
    let ingress = rules(Direction::Ingress, spec.ingress.iter().flatten().map(|r| (&r.from, &r.ports)))?;
    let egress = rules(Direction::Egress, spec.egress.iter().flatten().map(|r| (&r.to, &r.ports)))?;
    let ingress = isolates(Direction::Ingress).then_some(ingress);
    let egress = isolates(Direction::Egress).then_some(egress);
    Ok(Policy {
        namespace: p.metadata.namespace.clone().unwrap_or_else(|| "default".to_string()),
        name: p.metadata.name.clone().unwrap_or_default(),
        selector,
        ingress,
        egress,
        types_written: !types.is_empty(),
    })
}

type RawRule<'a> = (&'a Option<Vec<NetworkPolicyPeer>>, &'a Option<Vec<NetworkPolicyPort>>);

fn rules<'a>(d: Direction, raw: impl Iterator<Item = RawRule<'a>>) -> Result<Vec<Rule>, Failure> {
    let mut out = Vec::new();
    for (i, (peers, ports)) in raw.enumerate() {
        let at = format!("spec.{}[{i}]", d.field());
        let peers = match peers.as_deref() {
            None | Some([]) => None,
            Some(list) => Some(
                list.iter()
                    .enumerate()
                    .map(|(j, p)| peer(p, &format!("{at}.{}[{j}]", d.peers_field())))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let ports = match ports.as_deref() {
            None | Some([]) => Ports::all(),
            Some(list) => port_list(list, &format!("{at}.ports"))?,
        };
        out.push(Rule { peers, ports });
    }
    Ok(out)
}

fn selector(s: Option<&LabelSelector>, path: &str) -> Result<Option<Selector>, Failure> {
    s.map(|s| Selector::parse(s).map_err(|e| (path.to_string(), e))).transpose()
}

fn peer(p: &NetworkPolicyPeer, at: &str) -> Result<Peer, Failure> {
    let namespaces = selector(p.namespace_selector.as_ref(), &format!("{at}.namespaceSelector"))?;
    let pods = selector(p.pod_selector.as_ref(), &format!("{at}.podSelector"))?;
    match (&p.ip_block, namespaces, pods) {
        (Some(block), None, None) => {
            let except = block.except.as_deref().unwrap_or_default();
            let set = IpSet::block(&block.cidr, except).map_err(|e| (format!("{at}.ipBlock"), e))?;
            let text = match except {
                [] => block.cidr.clone(),
                _ => format!("{} except {}", block.cidr, except.join(", ")),
            };
            Ok(Peer::Block { set, text })
        }
        (Some(_), _, _) => Err((at.to_string(), "an ipBlock peer cannot also have selectors".to_string())),
        (None, None, None) => {
            Err((at.to_string(), "a peer needs a podSelector, a namespaceSelector or an ipBlock".to_string()))
        }
        (None, namespaces, pods) => Ok(Peer::Pods { namespaces, pods }),
    }
}

fn port_list(list: &[NetworkPolicyPort], at: &str) -> Result<Ports, Failure> {
    let mut ports = Ports { numeric: ConnSet::none(), named: Vec::new() };
    for (i, p) in list.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let protocol = match p.protocol.as_deref() {
            None => Protocol::TCP,
            Some(s) => Protocol::parse(s).ok_or_else(|| {
                (format!("{at}.protocol"), format!("unknown protocol `{s}` (TCP, UDP or SCTP)"))
            })?,
        };
        let number = |n: i32, field: &str| match u16::try_from(n) {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err((format!("{at}.{field}"), format!("port {n} is not in 1-65535"))),
        };
        let range = match (&p.port, p.end_port) {
            (None, None) => PortSet::all(),
            (None, Some(_)) => {
                return Err((format!("{at}.endPort"), "endPort needs a numeric port".to_string()))
            }
            (Some(IntOrString::Int(n)), end) => {
                let (lo, hi) = (number(*n, "port")?, number(end.unwrap_or(*n), "endPort")?);
                if hi < lo {
                    return Err((format!("{at}.endPort"), format!("endPort {hi} is below port {lo}")));
                }
                PortSet::range(lo, hi)
            }
            (Some(IntOrString::String(_)), Some(_)) => {
                return Err((
                    format!("{at}.endPort"),
                    "endPort needs a numeric port, not a named one".to_string(),
                ))
            }
            (Some(IntOrString::String(name)), None) => {
                if !name.chars().any(|c| c.is_ascii_lowercase()) || name.len() > 15 {
                    return Err((
                        format!("{at}.port"),
                        format!("`{name}` is not a port number or a port name"),
                    ));
                }
                ports.named.push((name.clone(), protocol));
                continue;
            }
        };
        ports.numeric = ports.numeric.union(&ConnSet::on(protocol, range));
    }
    ports.named.sort();
    ports.named.dedup();
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(spec: serde_json::Value) -> Result<Policy, Vec<PolicyError>> {
        let p: NetworkPolicy = serde_json::from_value(serde_json::json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "p", "namespace": "n"}, "spec": spec
        }))
        .unwrap();
        compile(&[p]).map(|mut v| v.remove(0))
    }

    #[test]
    fn policy_types_default_as_the_api_server_does() {
        let p = policy(serde_json::json!({"podSelector": {}})).unwrap();
        assert!(p.ingress.is_some() && p.egress.is_none() && !p.types_written);
        let p = policy(serde_json::json!({"podSelector": {}, "egress": []})).unwrap();
        assert!(p.ingress.is_some() && p.egress.is_none());
        let p = policy(serde_json::json!({"podSelector": {}, "egress": [{}]})).unwrap();
        assert!(p.ingress.is_some() && p.egress.is_some());
        let p = policy(serde_json::json!({"podSelector": {}, "policyTypes": ["Egress"], "ingress": [{}]}))
            .unwrap();
        assert!(p.ingress.is_none() && p.egress.as_ref().unwrap().is_empty() && p.types_written);
    }

    #[test]
    fn ports_are_typed() {
        let p = policy(serde_json::json!({"ingress": [{"ports": [
            {"port": 80}, {"port": 8080, "endPort": 8089}, {"protocol": "UDP"}, {"port": "http"},
            {"port": "dns", "protocol": "UDP"}, {"protocol": "SCTP", "port": 9090}
        ]}]}))
        .unwrap();
        let ports = &p.ingress.unwrap()[0].ports;
        assert_eq!(ports.numeric.to_string(), "TCP 80, 8080-8089; UDP all; SCTP 9090");
        assert_eq!(ports.named, [("dns".to_string(), Protocol::UDP), ("http".to_string(), Protocol::TCP)]);
        let lookup = |name: &str, p: Protocol| (name == "http" && p == Protocol::TCP).then_some(8443);
        assert_eq!(ports.towards(Some(&lookup)).to_string(), "TCP 80, 8080-8089, 8443; UDP all; SCTP 9090");
        assert_eq!(ports.towards(None), ports.numeric);
    }

    #[test]
    fn refuses_what_the_api_server_refuses() {
        let cases = [
            (serde_json::json!({"policyTypes": ["ingress"]}), "spec.policyTypes[0]"),
            (serde_json::json!({"ingress": [{"from": [{}]}]}), "spec.ingress[0].from[0]"),
            (
                serde_json::json!({"egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}]}]}),
                "spec.egress[0].to[0]",
            ),
            (
                serde_json::json!({"ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["11.0.0.0/8"]}}]}]}),
                "spec.ingress[0].from[0].ipBlock",
            ),
            (
                serde_json::json!({"ingress": [{"ports": [{"port": 90, "endPort": 80}]}]}),
                "spec.ingress[0].ports[0].endPort",
            ),
            (
                serde_json::json!({"ingress": [{"ports": [{"port": "http", "endPort": 80}]}]}),
                "spec.ingress[0].ports[0].endPort",
            ),
            (serde_json::json!({"ingress": [{"ports": [{"port": 0}]}]}), "spec.ingress[0].ports[0].port"),
            (serde_json::json!({"ingress": [{"ports": [{"port": "80"}]}]}), "spec.ingress[0].ports[0].port"),
            (
                serde_json::json!({"ingress": [{"ports": [{"protocol": "ICMP"}]}]}),
                "spec.ingress[0].ports[0].protocol",
            ),
            (
                serde_json::json!({"podSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}),
                "spec.podSelector",
            ),
        ];
        for (spec, path) in cases {
            let e = policy(spec.clone()).unwrap_err();
            assert_eq!(e[0].path, path, "{spec}: {}", e[0].message);
        }
    }
}
