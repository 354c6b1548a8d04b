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

/// A DNS-1123 label, as the schema states it: at most 63 lowercase letters, digits and `-`,
/// starting and ending with a letter or digit (`crate::k8s::names::dns_label`).
const DNS_LABEL: &str = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

/// A label key, as the schema states it (`crate::k8s::names::label_key`): an optional prefix,
/// a DNS-1123 subdomain, and `/`; then a name of at most 63 letters, digits, `-`, `_` and `.`,
/// starting and ending with a letter or digit. The prefix's own limit of 253 characters is
/// the decoder's to check; [`LABEL_KEY_MAX`] bounds the whole.
const LABEL_KEY: &str = "^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*/)?\
                         [A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";
/// The longest label key: a prefix of 253 characters, `/` and a name of 63.
const LABEL_KEY_MAX: u32 = 317;

/// A label value (`crate::k8s::names::label_value`): empty, or at most 63 letters, digits, `-`,
/// `_` and `.`, starting and ending with a letter or digit.
const LABEL_VALUE: &str = "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$";

/// A named port, IANA_SVC_NAME (`crate::k8s::names::port_name`): lowercase letters, digits and
/// single `-` between them, with at least one letter; at most 15 characters.
const IANA_SVC_NAME: &str = "^([a-z0-9]+-)*[0-9]*[a-z][a-z0-9]*(-[a-z0-9]+)*$";

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
    /// The intent's name, and what any Kubernetes object may carry.
    pub metadata: Metadata,
    /// The managed namespaces and the connections to allow in and between them.
    pub spec: Spec,
    /// Where the whole document is, for diagnostics about the file as a whole.
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

/// The intent's name, and what any Kubernetes object may carry.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Metadata {
    /// The intent's name, a DNS-1123 label, recorded on every generated policy in the
    /// `netpol-intent.dev/intent` annotation.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub name: At<String>,
    /// Accepted as on any KRM object (kpt may set it), and not used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Accepted as on any KRM object, and not used.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Accepted as on any KRM object; kustomize reads `config.kubernetes.io/function` here, and
    /// the KRM function its own `netpol-intent.dev/` settings.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// A direction of traffic, as in a NetworkPolicy's `policyTypes`.
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

/// The managed namespaces and the connections to allow in and between them.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    /// The managed namespaces: each gets a default-deny baseline. Nothing is ever generated
    /// into a namespace that is not listed here.
    #[schemars(length(min = 1))]
    #[schemars(inner(regex(pattern = DNS_LABEL)))]
    pub namespaces: Vec<At<String>>,
    /// The directions isolated in every managed namespace: `[Ingress]` unless set.
    #[serde(default = "default_isolation")]
    #[schemars(length(min = 1))]
    pub isolation: Vec<PolicyType>,
    /// The namespace label whose value is the namespace's name, which Kubernetes sets on every
    /// namespace as `kubernetes.io/metadata.name`.
    #[serde(default = "default_namespace_label")]
    #[schemars(regex(pattern = LABEL_KEY), length(max = LABEL_KEY_MAX))]
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
    /// Connections with the outside of the cluster: which pods accept them, and which open them.
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
    /// The escape hatch for new deployments: in each managed namespace, pods whose `label` is
    /// "true" may talk to every pod of their namespace, and every pod of it to them.
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

/// The DNS allowance: every pod to the DNS pods.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dns {
    /// Whether every pod may reach the DNS pods.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The namespace of the DNS pods.
    #[serde(default = "default_dns_namespace")]
    #[schemars(regex(pattern = DNS_LABEL))]
    pub namespace: At<String>,
    /// The DNS pods in that namespace: `k8s-app: kube-dns` unless set.
    #[serde(default = "default_dns_selector")]
    pub pod_selector: LabelSelector,
    /// The ports of the DNS pods: 53 over UDP and TCP unless set.
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
    /// Labels a pod must have, each with exactly this value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend(
        "propertyNames" = {"pattern": LABEL_KEY, "maxLength": LABEL_KEY_MAX},
        "additionalProperties" = {"type": "string", "pattern": LABEL_VALUE, "maxLength": 63},
    ))]
    pub match_labels: BTreeMap<String, String>,
    /// Requirements on a pod's labels, all of which must hold.
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

/// A requirement on the value of one label.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelectorRequirement {
    /// The label the requirement is about.
    #[schemars(regex(pattern = LABEL_KEY), length(max = LABEL_KEY_MAX))]
    pub key: String,
    /// How the label's value must relate to `values`.
    pub operator: Operator,
    /// The values, at least one for `In` and `NotIn`, and none for `Exists` and `DoesNotExist`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(regex(pattern = LABEL_VALUE), length(max = 63)))]
    pub values: Vec<String>,
}

/// How a label's value relates to a requirement's values.
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

/// A named group of pods in one namespace.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workload {
    /// The name the rules refer to it by, a DNS-1123 label unique in the file.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub name: At<String>,
    /// Its namespace, managed or not.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub namespace: At<String>,
    /// Its pods in that namespace.
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
    /// A number from 1 to 65535, or the name of a container port; absent, every port of
    /// `protocol`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<PortValue>,
    /// The last port of a range starting at `port`, which must then be a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub end_port: Option<i32>,
    /// The protocol: TCP unless set.
    #[serde(default)]
    pub protocol: Protocol,
}

/// A port: a number, or the name of a container port.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PortValue {
    /// A port number.
    Number(#[schemars(range(min = 1, max = 65535))] i32),
    /// An IANA service name, as in a container's `ports[].name`: at most 15 lowercase letters,
    /// digits and single `-` between them, with at least one letter.
    Name(#[schemars(regex(pattern = IANA_SVC_NAME), length(min = 1, max = 15))] String),
}

pub use crate::k8s::protocol::Protocol;

/// An IP block: `cidr` minus every `except` range.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cidr {
    /// An IPv4 or IPv6 range with no host bits set, as `10.0.0.0/8`.
    pub cidr: String,
    /// Ranges inside `cidr` to leave out.
    #[serde(default)]
    pub except: Vec<String>,
}

/// Connections with the outside of the cluster: which pods accept them, and which open them.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Internet {
    /// The pods that accept connections from outside the cluster (and from any pod).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress: Option<InternetIngress>,
    /// The pods that may open connections to the internet.
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
    /// Pods with this label set to "true", in any managed namespace; when `workloads` is
    /// absent or empty, `networking/allow-internet-access` unless set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = LABEL_KEY), length(max = LABEL_KEY_MAX))]
    pub label: Option<At<String>>,
    /// Workloads whose pods accept such connections too.
    #[serde(default)]
    #[schemars(inner(regex(pattern = DNS_LABEL)))]
    pub workloads: Vec<At<String>>,
    /// The ports they accept them on; all ports when omitted or empty.
    #[serde(default)]
    pub ports: Vec<Port>,
    /// The sources; any source at all when omitted.
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
    /// Pods with this label set to "true", in any managed namespace; when `workloads` is
    /// absent or empty, `networking/allow-internet-egress` unless set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = LABEL_KEY), length(max = LABEL_KEY_MAX))]
    pub label: Option<At<String>>,
    /// Workloads whose pods may open such connections too.
    #[serde(default)]
    #[schemars(inner(regex(pattern = DNS_LABEL)))]
    pub workloads: Vec<At<String>>,
    /// The ports they may connect to, as numbers; all ports when omitted or empty.
    #[serde(default)]
    pub ports: Vec<Port>,
    /// The destinations: 0.0.0.0/0 except the private (10/8, 172.16/12, 192.168/16), shared
    /// (100.64/10) and link-local (169.254/16, where cloud metadata answers) ranges unless set.
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

/// Hub-and-spoke: many spokes reach one hub.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hub {
    /// The workload that the spokes reach.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub workload: At<String>,
    /// The hub's ports the spokes reach; all ports when omitted or empty.
    #[serde(default)]
    pub ports: Vec<Port>,
    /// The workloads, in any namespace, that reach the hub.
    #[serde(default)]
    #[schemars(inner(regex(pattern = DNS_LABEL)))]
    pub spokes: Vec<At<String>>,
    /// Pods in the hub's namespace with this label set to "true" are spokes too.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = LABEL_KEY), length(max = LABEL_KEY_MAX))]
    pub access_label: Option<At<String>>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
    #[serde(skip)]
    #[schemars(skip)]
    pub path: String,
}

/// Fan-out: one server reaches every pod that carries its target label.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Server {
    /// The workload that opens the connections.
    #[schemars(regex(pattern = DNS_LABEL))]
    pub workload: At<String>,
    /// Its targets are the pods with this label set to "true", in any managed namespace.
    #[schemars(regex(pattern = LABEL_KEY), length(max = LABEL_KEY_MAX))]
    pub target_label: At<String>,
    /// The targets' ports it reaches; all ports when omitted or empty.
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
    /// A workload or an external, or a list of them, that opens the connections (at most one
    /// side of each pair is an external).
    pub from: Names,
    /// A workload or an external, or a list of them, that accepts the connections.
    pub to: Names,
    /// The ports of `to` it reaches; all ports when omitted or empty.
    #[serde(default)]
    pub ports: Vec<Port>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
    #[serde(skip)]
    #[schemars(skip)]
    pub path: String,
}

/// The escape hatch for new deployments.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWorkloads {
    /// The label that marks a new deployment's pods when set to "true":
    /// `networking/allow-all-connections` unless set.
    #[serde(default = "default_new_workloads_label")]
    #[schemars(regex(pattern = LABEL_KEY), length(max = LABEL_KEY_MAX))]
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

/// The JSON Schema of the intent file, as `netpol-intent schema` prints it. Descriptions are
/// the doc comments above, their lines joined into sentences ([`as_sentences`]); integers
/// carry their ranges and no `format` ([`no_integer_format`]).
pub fn json_schema() -> serde_json::Value {
    let settings = schemars::generate::SchemaSettings::default()
        .with_transform(schemars::transform::RecursiveTransform(no_null))
        .with_transform(schemars::transform::RecursiveTransform(as_sentences))
        .with_transform(schemars::transform::RecursiveTransform(no_integer_format));
    let mut schema = settings.into_generator().into_root_schema_for::<NetworkIntent>();
    schema.insert(
        "$id".to_string(),
        serde_json::Value::String("https://netpol-intent.dev/schema/networkintent-v1alpha1.json".to_string()),
    );
    schema.to_value()
}

/// A description as an editor shows it: the lines of each paragraph of a doc comment, wrapped
/// to fit the source, joined.
fn as_sentences(schema: &mut Schema) {
    if let Some(serde_json::Value::String(text)) = schema.get_mut("description") {
        let paragraph = |p: &str| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" ");
        *text = text.split("\n\n").map(paragraph).collect::<Vec<_>>().join("\n\n");
    }
}

/// Takes out `format: int32` (and the like), which is no format of JSON Schema's and which
/// strict validators refuse; `minimum` and `maximum` say the range.
fn no_integer_format(schema: &mut Schema) {
    let integer =
        |f: &serde_json::Value| f.as_str().is_some_and(|f| f.starts_with("int") || f.starts_with("uint"));
    if schema.get("format").is_some_and(integer) {
        schema.remove("format");
    }
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
