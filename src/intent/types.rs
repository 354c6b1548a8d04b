//! The NetworkIntent file format (v1alpha1): the types the file decodes into, with every
//! default applied. The JSON Schema in `schema/` is generated from these types, so field names
//! and descriptions live here once. Reading a file into them is [`crate::intent::decode`]; checking the
//! rules that span fields is [`crate::intent::validate`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;

use crate::yaml::Span;

pub const API_VERSION: &str = "netpol-intent.dev/v1alpha1";
pub const KIND: &str = "NetworkIntent";

/// A DNS-1123 label, as the schema states it (the decoder also checks the length).
const DNS_LABEL: &str = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

/// A value with the place in the file it came from, so later checks can point at it.
/// Serializes and describes itself in the schema as the bare value.
#[derive(Clone, Debug)]
pub struct At<T> {
    pub value: T,
    pub span: Span,
    /// The field path, as in `spec.hubs[0].spokes[1]`.
    pub path: String,
}

impl<T> At<T> {
    pub fn new(value: T, span: Span, path: impl Into<String>) -> Self {
        At { value, span, path: path.into() }
    }
}

impl<T> std::ops::Deref for At<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Serialize> Serialize for At<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: JsonSchema> JsonSchema for At<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A NetworkIntent: which namespaces netpol-intent manages, and which connections to allow
/// in and between them. Every rule is an allowance on top of a default-deny baseline.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "NetworkIntent")]
pub struct NetworkIntent {
    /// Always `netpol-intent.dev/v1alpha1`.
    #[schemars(extend("const" = API_VERSION))]
    pub api_version: String,
    /// Always `NetworkIntent`.
    #[schemars(extend("const" = KIND))]
    pub kind: String,
    pub metadata: Metadata,
    pub spec: Spec,
    /// Where the whole document is, for diagnostics about the file as a whole.
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Metadata {
    /// The intent's name (a DNS-1123 label), recorded on every generated policy in the
    /// `netpol-intent.dev/intent` annotation.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub name: At<String>,
    /// Accepted as on any KRM object (kpt may set it); not used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Accepted as on any KRM object; not used.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Accepted as on any KRM object (kustomize reads `config.kubernetes.io/function` here).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
pub enum PolicyType {
    Ingress,
    Egress,
}

impl PolicyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Ingress => "Ingress",
            PolicyType::Egress => "Egress",
        }
    }
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    /// The managed namespaces: each gets a default-deny baseline. Nothing is ever generated
    /// into a namespace that is not listed here.
    #[schemars(length(min = 1))]
    #[schemars(inner(regex(pattern = DNS_LABEL)))]
    pub namespaces: Vec<At<String>>,
    /// The directions isolated in every managed namespace.
    #[serde(default = "default_isolation")]
    #[schemars(length(min = 1))]
    pub isolation: Vec<PolicyType>,
    /// The namespace label whose value is the namespace's name.
    #[serde(default = "default_namespace_label")]
    pub namespace_label: At<String>,
    /// Allow any pod to reach any pod of its own namespace, on all ports.
    #[serde(default)]
    pub same_namespace: bool,
    /// Every pod may reach the DNS pods; on unless `enabled: false`.
    #[serde(default)]
    pub dns: Dns,
    /// Named groups of pods, referenced by name elsewhere in the file.
    #[serde(default)]
    pub workloads: Vec<Workload>,
    /// Named addresses outside the cluster, usable as either side of a connection.
    #[serde(default)]
    pub externals: Vec<External>,
    #[serde(default)]
    pub internet: Internet,
    /// Hub-and-spoke: many spokes reach one hub.
    #[serde(default)]
    pub hubs: Vec<Hub>,
    /// Fan-out: one server reaches every pod that carries its target label.
    #[serde(default)]
    pub servers: Vec<Server>,
    /// Explicit pairs, in the same or across namespaces.
    #[serde(default)]
    pub connections: Vec<Connection>,
    /// The escape hatch for new deployments: in each managed namespace, pods with
    /// `label`="true" may talk to every pod and every pod to them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_workloads: Option<NewWorkloads>,
}

pub fn default_isolation() -> Vec<PolicyType> {
    vec![PolicyType::Ingress]
}

pub const DEFAULT_NAMESPACE_LABEL: &str = "kubernetes.io/metadata.name";

fn default_namespace_label() -> At<String> {
    At::new(DEFAULT_NAMESPACE_LABEL.to_string(), Span::default(), "spec.namespaceLabel")
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dns {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The namespace of the DNS pods.
    #[serde(default = "default_dns_namespace")]
    #[schemars(regex(pattern = DNS_LABEL))]
    pub namespace: At<String>,
    /// The DNS pods.
    #[serde(default = "default_dns_selector")]
    pub pod_selector: LabelSelector,
    #[serde(default = "default_dns_ports")]
    pub ports: Vec<Port>,
    /// Addresses where DNS may also be reached (a node-local DNS cache, such as
    /// 169.254.20.10/32), on `ports`: every pod of every managed namespace may reach them when
    /// Egress is isolated. Omitted or empty: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cidrs: Vec<Cidr>,
}

fn yes() -> bool {
    true
}

fn default_dns_namespace() -> At<String> {
    At::new("kube-system".to_string(), Span::default(), "spec.dns.namespace")
}

pub fn default_dns_selector() -> LabelSelector {
    LabelSelector {
        match_labels: BTreeMap::from([("k8s-app".to_string(), "kube-dns".to_string())]),
        match_expressions: Vec::new(),
    }
}

pub fn default_dns_ports() -> Vec<Port> {
    [Protocol::UDP, Protocol::TCP]
        .into_iter()
        .map(|protocol| Port { port: Some(PortValue::Number(53)), end_port: None, protocol })
        .collect()
}

impl Default for Dns {
    fn default() -> Self {
        Dns {
            enabled: true,
            namespace: default_dns_namespace(),
            pod_selector: default_dns_selector(),
            ports: default_dns_ports(),
            cidrs: Vec::new(),
        }
    }
}

/// A Kubernetes LabelSelector. Both parts must match (AND); an empty selector selects all.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelector {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

impl LabelSelector {
    /// The selector `key: "true"`, as the article's labels are used.
    pub fn label_true(key: &str) -> Self {
        LabelSelector {
            match_labels: BTreeMap::from([(key.to_string(), "true".to_string())]),
            match_expressions: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelectorRequirement {
    pub key: String,
    pub operator: Operator,
    /// Required, non-empty, for `In` and `NotIn`; absent for `Exists` and `DoesNotExist`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl Operator {
    pub const ALL: [Operator; 4] = [Operator::In, Operator::NotIn, Operator::Exists, Operator::DoesNotExist];
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::In => "In",
            Operator::NotIn => "NotIn",
            Operator::Exists => "Exists",
            Operator::DoesNotExist => "DoesNotExist",
        }
    }
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workload {
    /// Unique in the file; a DNS-1123 label.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub name: At<String>,
    /// Any namespace, managed or not.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub namespace: At<String>,
    pub pod_selector: LabelSelector,
}

/// A named set of addresses outside the cluster, usable as either side of a connection: as
/// `to`, the connection opens the source's egress side only; as `from`, the destination's
/// ingress side only.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct External {
    /// Unique across workloads and externals; a DNS-1123 label.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub name: At<String>,
    /// The addresses: each `cidr` minus its `except` ranges. Required, non-empty.
    #[schemars(length(min = 1))]
    pub cidrs: Vec<Cidr>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
    #[serde(skip)]
    #[schemars(skip)]
    pub path: String,
}

/// A Kubernetes NetworkPolicyPort.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Port {
    /// A number (1-65535) or a named container port; absent means every port of `protocol`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<PortValue>,
    /// The last port of a range starting at `port` (numeric `port` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub end_port: Option<i32>,
    #[serde(default)]
    pub protocol: Protocol,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PortValue {
    Number(#[schemars(range(min = 1, max = 65535))] i32),
    /// An IANA service name, as in a container's `ports[].name`.
    Name(String),
}

#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
pub enum Protocol {
    #[default]
    TCP,
    UDP,
    SCTP,
}

impl Protocol {
    pub const ALL: [Protocol; 3] = [Protocol::TCP, Protocol::UDP, Protocol::SCTP];
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::TCP => "TCP",
            Protocol::UDP => "UDP",
            Protocol::SCTP => "SCTP",
        }
    }
}

/// An IP block: `cidr` minus every `except` range.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cidr {
    pub cidr: String,
    /// Ranges inside `cidr` to leave out.
    #[serde(default)]
    pub except: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Internet {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress: Option<InternetIngress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress: Option<InternetEgress>,
}

pub const DEFAULT_INGRESS_LABEL: &str = "networking/allow-internet-access";
pub const DEFAULT_EGRESS_LABEL: &str = "networking/allow-internet-egress";
pub const DEFAULT_NEW_WORKLOADS_LABEL: &str = "networking/allow-all-connections";

/// Pods that accept traffic from outside the cluster (and from any pod).
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InternetIngress {
    /// Pods with this label set to "true", in any managed namespace. Defaults to
    /// `networking/allow-internet-access` when `workloads` is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<At<String>>,
    #[serde(default)]
    #[schemars(inner(regex(pattern = DNS_LABEL)))]
    pub workloads: Vec<At<String>>,
    /// Omitted or empty: all ports.
    #[serde(default)]
    pub ports: Vec<Port>,
    /// Omitted: any source at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Vec<Cidr>>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

/// Pods that may open connections to the internet. Needs Egress in `isolation`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InternetEgress {
    /// Pods with this label set to "true", in any managed namespace. Defaults to
    /// `networking/allow-internet-egress` when `workloads` is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<At<String>>,
    #[serde(default)]
    #[schemars(inner(regex(pattern = DNS_LABEL)))]
    pub workloads: Vec<At<String>>,
    #[serde(default)]
    pub ports: Vec<Port>,
    /// Defaults to 0.0.0.0/0 except the private (10/8, 172.16/12, 192.168/16), shared
    /// (100.64/10) and link-local (169.254/16, where cloud metadata answers) ranges.
    #[serde(default = "default_internet_to")]
    pub to: Vec<Cidr>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

pub fn default_internet_to() -> Vec<Cidr> {
    vec![Cidr {
        cidr: "0.0.0.0/0".to_string(),
        except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"]
            .map(String::from)
            .to_vec(),
    }]
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hub {
    /// The workload that the spokes reach.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub workload: At<String>,
    /// Omitted or empty: all ports.
    #[serde(default)]
    pub ports: Vec<Port>,
    /// Workloads in any namespace.
    #[serde(default)]
    #[schemars(inner(regex(pattern = DNS_LABEL)))]
    pub spokes: Vec<At<String>>,
    /// Pods in the hub's namespace with this label set to "true" are spokes too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_label: Option<At<String>>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
    #[serde(skip)]
    #[schemars(skip)]
    pub path: String,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Server {
    /// The workload that opens the connections.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub workload: At<String>,
    /// Targets are pods with this label set to "true", in any managed namespace.
    pub target_label: At<String>,
    #[serde(default)]
    pub ports: Vec<Port>,
    /// Where the targets are: `managed` (the default), pods in the managed namespaces; `all`,
    /// pods in every namespace (the server's egress side selects them anywhere; the targets'
    /// ingress sides are still generated in managed namespaces only).
    #[serde(default)]
    pub scope: Scope,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
    #[serde(skip)]
    #[schemars(skip)]
    pub path: String,
}

/// The namespaces a server's targets are in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// The managed namespaces.
    #[default]
    Managed,
    /// Every namespace.
    All,
}

impl Scope {
    pub const ALL: [Scope; 2] = [Scope::Managed, Scope::All];
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Managed => "managed",
            Scope::All => "all",
        }
    }
}

/// A workload or external name, or a list of them: each is one side of the connection's pairs.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Names {
    One(#[schemars(regex(pattern = DNS_LABEL))] At<String>),
    Many(#[schemars(length(min = 1), inner(regex(pattern = DNS_LABEL)))] Vec<At<String>>),
}

impl Names {
    /// The names, in the order written.
    pub fn names(&self) -> &[At<String>] {
        match self {
            Names::One(name) => std::slice::from_ref(name),
            Names::Many(names) => names,
        }
    }
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Connection {
    /// A workload or an external, or a list of them (at most one side of each pair is an
    /// external).
    pub from: Names,
    /// A workload or an external, or a list of them.
    pub to: Names,
    #[serde(default)]
    pub ports: Vec<Port>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
    #[serde(skip)]
    #[schemars(skip)]
    pub path: String,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWorkloads {
    #[serde(default = "default_new_workloads_label")]
    pub label: At<String>,
}

fn default_new_workloads_label() -> At<String> {
    At::new(DEFAULT_NEW_WORKLOADS_LABEL.to_string(), Span::default(), "spec.newWorkloads.label")
}

impl Connection {
    /// Every (from, to) pair of the cross product of `from` and `to`, `from` first.
    pub fn pairs(&self) -> impl Iterator<Item = (&At<String>, &At<String>)> {
        let to = self.to.names();
        self.from.names().iter().flat_map(move |f| to.iter().map(move |t| (f, t)))
    }
}

impl NetworkIntent {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn isolates(&self, t: PolicyType) -> bool {
        self.spec.isolation.contains(&t)
    }
}

/// The JSON Schema of the intent file, as `netpol-intent schema` prints it.
pub fn json_schema() -> serde_json::Value {
    let settings = schemars::generate::SchemaSettings::default()
        .with_transform(schemars::transform::RecursiveTransform(no_null));
    let mut schema = settings.into_generator().into_root_schema_for::<NetworkIntent>();
    schema.insert(
        "$id".to_string(),
        serde_json::Value::String("https://netpol-intent.dev/schema/networkintent-v1alpha1.json".to_string()),
    );
    schema.to_value()
}

/// Takes `null` out of what an optional field accepts: a key with no value is an error
/// (see [`crate::intent::decode`]), only an absent key means the default.
fn no_null(schema: &mut Schema) {
    let is_null = |v: &serde_json::Value| v == "null" || v.get("type").is_some_and(|t| t == "null");
    if let Some(serde_json::Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| !is_null(t));
        if let [only] = types.as_slice() {
            let only = only.clone();
            schema.insert("type".to_string(), only);
        }
    }
    let Some(serde_json::Value::Array(choices)) = schema.get_mut("anyOf") else { return };
    choices.retain(|c| !is_null(c));
    if let [serde_json::Value::Object(only)] = choices.as_slice() {
        let only = only.clone();
        schema.remove("anyOf");
        for (k, v) in only {
            schema.insert(k, v);
        }
    }
}
