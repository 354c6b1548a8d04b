//! A model cluster: namespaces with labels, pods with labels, an IP and named container ports,
//! and a few addresses outside the cluster. Pods are named `namespace/name`; outside
//! addresses by their IP.

use std::net::IpAddr;

use super::k8s::{self, Labels, NamedPort, PortCase};

/// The label Kubernetes sets on every namespace since 1.21.
pub const METADATA_NAME: &str = "kubernetes.io/metadata.name";

/// Addresses outside the cluster that every model cluster holds: public ones (one in the upper
/// half of 203.0.113.0/24, which examples leave out), the three private ranges' (one of them
/// inside 10.0.0.0/8 like the pods, but no pod's), the link-local cloud metadata address and
/// node-local DNS cache address, and one of the shared range 100.64.0.0/10.
pub const EXTERNALS: [&str; 9] = [
    "8.8.8.8",
    "203.0.113.7",
    "203.0.113.200",
    "192.168.1.10",
    "172.16.5.5",
    "10.250.0.1",
    "169.254.169.254",
    "169.254.20.10",
    "100.64.0.10",
];

#[derive(Clone, Debug)]
pub struct Namespace {
    pub name: String,
    pub labels: Labels,
}

/// A pod (with a namespace) or an address outside the cluster (without).
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub name: String,
    pub namespace: Option<usize>,
    pub labels: Labels,
    pub ip: IpAddr,
    pub ports: Vec<NamedPort>,
}

impl Endpoint {
    pub fn is_pod(&self) -> bool {
        self.namespace.is_some()
    }

    pub fn label_is_true(&self, key: &str) -> bool {
        self.labels.get(key).map(String::as_str) == Some("true")
    }
}

#[derive(Clone, Debug)]
pub struct Cluster {
    /// The label each namespace carries with its name as value.
    pub namespace_label: String,
    pub namespaces: Vec<Namespace>,
    /// Pods first, in the order added, then [`EXTERNALS`].
    pub endpoints: Vec<Endpoint>,
    /// The (protocol, port) pairs tried between every two endpoints.
    pub port_cases: Vec<PortCase>,
    pods_in: Vec<usize>,
}

/// `k=v,k2=v2` as labels; the empty string is no labels.
pub fn labels(text: &str) -> Labels {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or_else(|| panic!("`{kv}` is not key=value"));
            (k.trim().to_string(), v.trim().to_string())
        })
        .collect()
}

impl Cluster {
    /// A cluster of today, whose namespaces carry `kubernetes.io/metadata.name`.
    pub fn new() -> Self {
        Self::labelling_namespaces_with(METADATA_NAME)
    }

    /// A cluster whose namespaces carry their name in `label` only (an old cluster, or one
    /// where the intent's `namespaceLabel` is set).
    pub fn labelling_namespaces_with(label: &str) -> Self {
        Cluster {
            namespace_label: label.to_string(),
            namespaces: Vec::new(),
            endpoints: Vec::new(),
            port_cases: k8s::BASE_PORT_CASES.to_vec(),
            pods_in: Vec::new(),
        }
    }

    /// Adds namespace `name` (if new) and returns its index.
    pub fn namespace(&mut self, name: &str) -> usize {
        if let Some(i) = self.namespaces.iter().position(|n| n.name == name) {
            return i;
        }
        let labels = Labels::from([(self.namespace_label.clone(), name.to_string())]);
        self.namespaces.push(Namespace { name: name.to_string(), labels });
        self.pods_in.push(0);
        self.namespaces.len() - 1
    }

    /// Adds a label to a namespace.
    pub fn namespace_label(mut self, namespace: &str, label: &str) -> Self {
        let i = self.namespace(namespace);
        self.namespaces[i].labels.extend(labels(label));
        self
    }

    /// Adds the pod `namespace/name` with `labels` (as `k=v,k2=v2`) and container ports
    /// (as `http=TCP/8080,dns=UDP/53`). Pods of the n-th namespace get IPs in 10.n.0.0/16.
    pub fn pod(mut self, name: &str, pod_labels: &str, ports: &str) -> Self {
        self.add_pod(name, labels(pod_labels), named_ports(ports));
        self
    }

    pub fn add_pod(&mut self, name: &str, labels: Labels, ports: Vec<NamedPort>) {
        let (ns, _) = name.split_once('/').unwrap_or_else(|| panic!("pod `{name}` is not namespace/name"));
        assert!(self.endpoints.iter().all(|e| e.name != name), "pod `{name}` added twice");
        assert!(self.endpoints.iter().all(|e| e.is_pod()), "pods come before the outside addresses");
        let i = self.namespace(ns);
        self.pods_in[i] += 1;
        let ip = format!("10.{}.{}.{}", i + 1, self.pods_in[i] / 250, self.pods_in[i] % 250).parse().unwrap();
        self.endpoints.push(Endpoint { name: name.to_string(), namespace: Some(i), labels, ip, ports });
    }

    /// Adds [`EXTERNALS`] after the pods; call once, last.
    pub fn with_externals(mut self) -> Self {
        for ip in EXTERNALS {
            self.endpoints.push(Endpoint {
                name: ip.to_string(),
                namespace: None,
                labels: Labels::new(),
                ip: ip.parse().unwrap(),
                ports: Vec::new(),
            });
        }
        self
    }

    /// The index of the endpoint named `name`.
    pub fn index(&self, name: &str) -> usize {
        self.endpoints.iter().position(|e| e.name == name).unwrap_or_else(|| {
            let known: Vec<&str> = self.endpoints.iter().map(|e| e.name.as_str()).collect();
            panic!("no pod or address `{name}` in the cluster; it has {known:?}")
        })
    }

    /// The namespace name of a pod.
    pub fn namespace_of(&self, e: &Endpoint) -> Option<&str> {
        e.namespace.map(|i| self.namespaces[i].name.as_str())
    }

    /// A one-line description of an endpoint, for failure messages.
    pub fn describe(&self, i: usize) -> String {
        let e = &self.endpoints[i];
        if !e.is_pod() {
            return format!("{} (outside the cluster)", e.name);
        }
        let labels: Vec<String> = e.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let ports: Vec<String> =
            e.ports.iter().map(|p| format!("{}={}/{}", p.name, p.protocol, p.number)).collect();
        format!("{} ip {} labels {{{}}} ports {{{}}}", e.name, e.ip, labels.join(","), ports.join(","))
    }
}

/// `http=TCP/8080,dns=UDP/53` as container ports.
pub fn named_ports(text: &str) -> Vec<NamedPort> {
    fn bad(s: &str) -> ! {
        panic!("`{s}` is not name=PROTOCOL/number")
    }
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (name, rest) = s.split_once('=').unwrap_or_else(|| bad(s));
            let (protocol, number) = rest.split_once('/').unwrap_or_else(|| bad(s));
            let protocol =
                ["TCP", "UDP", "SCTP"].into_iter().find(|p| *p == protocol).unwrap_or_else(|| bad(s));
            NamedPort { name: name.to_string(), protocol, number: number.parse().unwrap_or_else(|_| bad(s)) }
        })
        .collect()
}
