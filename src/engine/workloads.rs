//! The workloads policies apply to: Namespaces with their labels, and endpoints — Pods, and
//! the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets,
//! ReplicationControllers, Jobs and CronJobs (`spec.jobTemplate.spec.template`) — with their
//! labels and named container ports. [`read`] picks them out of YAML texts (multi-document,
//! `kind: List`); it is pure: the shell reads the files.
//!
//! The model (see docs/connectivity.md, "Assumptions"):
//! - a workload's name is `namespace/metadata.name`; without `metadata.namespace` it is in
//!   `default`; replicas, the controller's own labels and its `selector` do not matter to
//!   connectivity (the selector and whether a controller owns the object are read for `init`);
//! - every namespace carries `kubernetes.io/metadata.name: <name>`, as the API server sets it
//!   (since 1.21), whatever the file says; a namespace that workloads use but no Namespace
//!   object declares has that label only;
//! - named ports are those of `spec.containers[].ports[]` (protocol TCP when absent).
//!
//! Every other kind is ignored. What Kubernetes would refuse, or could read otherwise than we
//! do, is an [`Code::InvalidWorkload`] error: a label value that is not a string, a label key
//! or value, a name or a namespace that Kubernetes' name rules reject, a malformed selector, a
//! port that is not 1-65535, an unknown protocol, a duplicate name, a known kind with an
//! unexpected apiVersion. (What a YAML 1.1 reader takes for another type, the YAML layer has
//! refused already.)

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

use super::connset::Protocol;
use super::selector::{Labels, Selector};
use crate::diag::{Code, Diagnostic};
use crate::k8s::names;
use crate::yaml::{self, Node, Scalar};

/// The label the API server sets on every namespace to its name.
pub const METADATA_NAME: &str = "kubernetes.io/metadata.name";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespace {
    pub name: String,
    /// With [`METADATA_NAME`] always set.
    pub labels: Labels,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub protocol: Protocol,
    pub number: u16,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub namespace: String,
    pub name: String,
    /// `Pod`, `Deployment`, ...
    pub kind: String,
    /// The pod's (or pod template's) labels.
    pub labels: Labels,
    pub ports: Vec<ContainerPort>,
    /// A controller's `spec.selector` (a CronJob's `spec.jobTemplate.spec.selector`; a
    /// ReplicationController's map as `matchLabels`); `None` for a Pod, or when absent.
    pub selector: Option<LabelSelector>,
    /// Whether `metadata.ownerReferences` names a controller of this object (the ReplicaSet
    /// of a Deployment, the Pods of a ReplicaSet, in `kubectl get -o yaml` output).
    pub owned: bool,
}

impl Workload {
    /// `namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// The number of the container port called `name` on `protocol`.
    pub fn named_port(&self, name: &str, protocol: Protocol) -> Option<u16> {
        self.ports
            .iter()
            .find(|p| p.name.as_deref() == Some(name) && p.protocol == protocol)
            .map(|p| p.number)
    }
}

/// Namespaces (sorted by name) and workloads (sorted by namespace, then name).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Workloads {
    pub namespaces: Vec<Namespace>,
    pub workloads: Vec<Workload>,
}

/// The kinds read, with the apiVersion each must have and the path to its pod template (empty
/// for a Pod, which is its own template).
const KINDS: [(&str, &str, &[&str]); 8] = [
    ("Pod", "v1", &[]),
    ("ReplicationController", "v1", &["spec", "template"]),
    ("Deployment", "apps/v1", &["spec", "template"]),
    ("StatefulSet", "apps/v1", &["spec", "template"]),
    ("DaemonSet", "apps/v1", &["spec", "template"]),
    ("ReplicaSet", "apps/v1", &["spec", "template"]),
    ("Job", "batch/v1", &["spec", "template"]),
    ("CronJob", "batch/v1", &["spec", "jobTemplate", "spec", "template"]),
];

impl Workloads {
    /// Builds the model from namespaces and workloads in any order: sorts them, sets
    /// [`METADATA_NAME`], and adds the namespaces the workloads use but nobody declared.
    pub fn new(mut namespaces: Vec<Namespace>, mut workloads: Vec<Workload>) -> Workloads {
        for ns in &mut namespaces {
            ns.labels.insert(METADATA_NAME.to_string(), ns.name.clone());
        }
        for w in &workloads {
            if !namespaces.iter().any(|n| n.name == w.namespace) {
                let labels = Labels::from([(METADATA_NAME.to_string(), w.namespace.clone())]);
                namespaces.push(Namespace { name: w.namespace.clone(), labels });
            }
        }
        namespaces.sort_by(|a, b| a.name.cmp(&b.name));
        workloads.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        Workloads { namespaces, workloads }
    }

    /// The index of the workload `namespace/name`.
    pub fn find(&self, id: &str) -> Option<usize> {
        let (ns, name) = id.split_once('/')?;
        self.workloads.binary_search_by(|w| (w.namespace.as_str(), w.name.as_str()).cmp(&(ns, name))).ok()
    }

    pub fn namespace(&self, name: &str) -> Option<&Namespace> {
        self.namespaces.iter().find(|n| n.name == name)
    }
}

/// One source of text: its name (for messages) and content.
pub struct Text<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// The namespaces and workloads in `texts`; every problem of every text, or the model.
pub fn read(texts: &[Text]) -> Result<Workloads, Vec<Diagnostic>> {
    let mut reader = Reader::default();
    for t in texts {
        reader.file = t.name.to_string();
        match yaml::parse(t.text, &yaml::Limits::default()) {
            Ok(docs) => docs.iter().for_each(|d| reader.document(d)),
            Err(e) => e.all().for_each(|e| reader.problem_at(e.pos.line, e.pos.col, e.message.clone())),
        }
    }
    reader.finish()
}

/// The namespaces and workloads among `objects`, each with the name of its file (for
/// messages): every problem, or the model. For objects already parsed, as a KRM function's
/// items; a `List` among them is read item by item.
pub fn read_objects<'a>(
    objects: impl IntoIterator<Item = (&'a str, &'a Node)>,
) -> Result<Workloads, Vec<Diagnostic>> {
    let mut reader = Reader::default();
    for (file, node) in objects {
        reader.file = file.to_string();
        reader.document(node);
    }
    reader.finish()
}

#[derive(Default)]
struct Reader {
    file: String,
    namespaces: Vec<Namespace>,
    workloads: Vec<Workload>,
    /// `kind namespace/name` → where it was first seen, for duplicates.
    seen: BTreeMap<(bool, String), String>,
    problems: Vec<Diagnostic>,
}

impl Reader {
    fn problem_at(&mut self, line: usize, col: usize, message: String) {
        let problem = Diagnostic::problem(Code::InvalidWorkload, message).in_file(&self.file);
        self.problems.push(problem.at_line(line, col));
    }

    fn problem(&mut self, node: &Node, message: String) {
        self.problem_at(node.span.start.line, node.span.start.col, message);
    }

    fn document(&mut self, doc: &Node) {
        let kind = doc.get("kind").and_then(Node::as_str).unwrap_or_default();
        match doc.get("items").and_then(Node::as_seq) {
            Some(items) if kind.ends_with("List") => items.iter().for_each(|i| self.object(i)),
            _ => self.object(doc),
        }
    }

    fn object(&mut self, node: &Node) {
        let field = |key: &str| node.get(key).and_then(Node::as_str).unwrap_or_default();
        let (api_version, kind) = (field("apiVersion"), field("kind"));
        if kind == "Namespace" && api_version == "v1" {
            return self.namespace(node);
        }
        let Some((_, expected, template)) = KINDS.iter().find(|(k, _, _)| *k == kind) else { return };
        if api_version != *expected {
            let message = format!("{kind} with apiVersion `{api_version}`: expected `{expected}`");
            return self.problem(node, message);
        }
        let Some((namespace, name)) = self.names(node, kind) else { return };
        let mut pod = node;
        for key in *template {
            match pod.get(key) {
                Some(next) => pod = next,
                None => {
                    return self.problem(node, format!("{kind} `{name}` has no `{}`", template.join(".")))
                }
            }
        }
        let labels = pod.get("metadata").and_then(|m| m.get("labels"));
        let labels = self.labels(labels);
        let ports = self.ports(pod.get("spec").and_then(|s| s.get("containers")));
        let selector = self.selector(kind, template, node);
        let owned = owned(node);
        let workload = Workload { namespace, name, kind: kind.to_string(), labels, ports, selector, owned };
        self.remember(node, false, &workload.id());
        self.workloads.push(workload);
    }

    fn namespace(&mut self, node: &Node) {
        let Some((_, name)) = self.names(node, "Namespace") else { return };
        let labels = self.labels(node.get("metadata").and_then(|m| m.get("labels")));
        self.remember(node, true, &name);
        self.namespaces.push(Namespace { name, labels });
    }

    /// Reports an object seen before (two workloads `ns/name`, or two Namespaces).
    fn remember(&mut self, node: &Node, namespace: bool, id: &str) {
        let here = format!("{}:{}", self.file, node.span.start.line);
        if let Some(first) = self.seen.insert((namespace, id.to_string()), here) {
            let what = if namespace { "Namespace" } else { "workload" };
            self.problem(node, format!("{what} `{id}` is also defined at {first}"));
        }
    }

    /// `(namespace, name)` of an object: `metadata.name` is required, `namespace` defaults.
    fn names(&mut self, node: &Node, kind: &str) -> Option<(String, String)> {
        let meta = node.get("metadata");
        let name = match meta.and_then(|m| m.get("name")).filter(|n| !n.is_null()) {
            Some(n) => self.string(n)?,
            None => String::new(),
        };
        if name.is_empty() {
            self.problem(node, format!("{kind} has no `metadata.name`"));
            return None;
        }
        let at = meta.and_then(|m| m.get("name")).unwrap_or(node);
        let rule = if kind == "Namespace" { names::dns_label } else { names::dns_subdomain };
        self.check(at, &format!("{kind} name `{name}`"), rule(&name))?;
        let namespace = match meta.and_then(|m| m.get("namespace")).filter(|n| !n.is_null()) {
            Some(n) => {
                let namespace = self.string(n)?;
                self.check(n, &format!("namespace `{namespace}`"), names::dns_label(&namespace))?;
                namespace
            }
            None => "default".to_string(),
        };
        Some((namespace, name))
    }

    /// A string scalar, else a problem. (What YAML 1.1 readers take for something else, the
    /// YAML layer has refused already.)
    fn string(&mut self, node: &Node) -> Option<String> {
        match node.scalar() {
            Some(Scalar::Str(s)) => Some(s.to_string()),
            _ => {
                self.problem(node, format!("expected a string, found {}", node.kind_name()));
                None
            }
        }
    }

    fn labels(&mut self, node: Option<&Node>) -> Labels {
        let mut labels = Labels::new();
        let Some(node) = node.filter(|n| !n.is_null()) else { return labels };
        let Some(entries) = node.as_map() else {
            self.problem(node, format!("labels must be a mapping, found {}", node.kind_name()));
            return labels;
        };
        for (k, v) in entries {
            let (Some(key), Some(value)) = (self.string(k), self.string(v)) else { continue };
            let key_ok = self.check(k, &format!("label key `{key}`"), names::label_key(&key));
            let value_ok = self.check(v, &format!("label value `{value}`"), names::label_value(&value));
            if key_ok.and(value_ok).is_some() {
                labels.insert(key, value);
            }
        }
        labels
    }

    /// `Some(())` when `verdict` is, else a problem at `node`: `what` and why it is refused.
    fn check(&mut self, node: &Node, what: &str, verdict: Result<(), String>) -> Option<()> {
        verdict.map_err(|why| self.problem(node, format!("{what} {why}"))).ok()
    }

    /// The controller's selector (see [`Workload::selector`]); problems for one the API
    /// server would refuse.
    fn selector(&mut self, kind: &str, template: &[&str], object: &Node) -> Option<LabelSelector> {
        // The selector sits beside the template: `spec.selector`, `spec.jobTemplate.spec.selector`.
        let mut spec = Some(object);
        for key in template.iter().take(template.len().saturating_sub(1)) {
            spec = spec.and_then(|n| n.get(key));
        }
        let node = spec.filter(|_| !template.is_empty())?.get("selector").filter(|n| !n.is_null())?;
        let selector = if kind == "ReplicationController" {
            LabelSelector { match_labels: Some(self.labels(Some(node))), match_expressions: None }
        } else {
            self.label_selector(node)?
        };
        if let Err(why) = Selector::parse(&selector) {
            self.problem(node, format!("{kind} selector: {why}"));
            return None;
        }
        Some(selector)
    }

    /// A `LabelSelector` mapping: `matchLabels` and `matchExpressions`, every string checked.
    fn label_selector(&mut self, node: &Node) -> Option<LabelSelector> {
        let Some(entries) = node.as_map() else {
            self.problem(node, format!("a selector must be a mapping, found {}", node.kind_name()));
            return None;
        };
        let mut selector = LabelSelector::default();
        for (key, value) in entries {
            match key.as_str() {
                Some("matchLabels") => selector.match_labels = Some(self.labels(Some(value))),
                Some("matchExpressions") => {
                    let items = value.as_seq().unwrap_or_default();
                    let requirements = items.iter().filter_map(|r| self.requirement(r)).collect();
                    selector.match_expressions = Some(requirements);
                }
                _ => self
                    .problem(key, "a selector holds only `matchLabels` and `matchExpressions`".to_string()),
            }
        }
        Some(selector)
    }

    fn requirement(&mut self, node: &Node) -> Option<LabelSelectorRequirement> {
        let key_node = node.get("key").unwrap_or(node);
        let key = self.string(key_node)?;
        self.check(key_node, &format!("label key `{key}`"), names::label_key(&key))?;
        let operator = self.string(node.get("operator").unwrap_or(node))?;
        let mut values = Vec::new();
        for v in node.get("values").and_then(Node::as_seq).unwrap_or_default() {
            let value = self.string(v)?;
            self.check(v, &format!("label value `{value}`"), names::label_value(&value))?;
            values.push(value);
        }
        let values = node.get("values").map(|_| values);
        Some(LabelSelectorRequirement { key, operator, values })
    }

    fn ports(&mut self, containers: Option<&Node>) -> Vec<ContainerPort> {
        let mut out = Vec::new();
        for c in containers.and_then(Node::as_seq).unwrap_or_default() {
            for p in c.get("ports").and_then(Node::as_seq).unwrap_or_default() {
                out.extend(self.port(p));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    fn port(&mut self, p: &Node) -> Option<ContainerPort> {
        let number = p.get("containerPort");
        let number = match number.and_then(Node::as_i64) {
            Some(n) if (1..=65535).contains(&n) => n as u16,
            _ => {
                self.problem(number.unwrap_or(p), "containerPort must be a number in 1-65535".to_string());
                return None;
            }
        };
        let protocol = match p.get("protocol") {
            None => Protocol::TCP,
            Some(n) => match n.as_str().and_then(Protocol::parse) {
                Some(protocol) => protocol,
                None => {
                    self.problem(n, "protocol must be TCP, UDP or SCTP".to_string());
                    return None;
                }
            },
        };
        let name = match p.get("name") {
            None => None,
            Some(n) => Some(self.string(n)?),
        };
        Some(ContainerPort { name, protocol, number })
    }

    fn finish(self) -> Result<Workloads, Vec<Diagnostic>> {
        if self.problems.is_empty() {
            Ok(Workloads::new(self.namespaces, self.workloads))
        } else {
            Err(self.problems)
        }
    }
}

/// Whether an object's `metadata.ownerReferences` has an entry with `controller: true`.
fn owned(object: &Node) -> bool {
    let refs = object.get("metadata").and_then(|m| m.get("ownerReferences")).and_then(Node::as_seq);
    refs.unwrap_or_default().iter().any(|r| r.get("controller").and_then(Node::as_bool) == Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_one(text: &str) -> Result<Workloads, Vec<Diagnostic>> {
        read(&[Text { name: "w.yaml", text }])
    }

    #[test]
    fn reads_every_workload_kind_and_namespaces() {
        let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: shop, labels: {team: red, kubernetes.io/metadata.name: wrong}}
- apiVersion: v1
  kind: Service
  metadata: {name: ignored, namespace: shop}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop, labels: {ignored: yes-really}}
spec:
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: batch}}
        spec:
          containers:
          - ports: [{containerPort: 8080, name: http}, {containerPort: 53, protocol: UDP, name: dns}]
---
apiVersion: v1
kind: Pod
metadata: {name: solo}
spec: {containers: [{name: c}]}
";
        let w = read_one(text).unwrap();
        let names: Vec<(&str, &BTreeMap<String, String>)> =
            w.namespaces.iter().map(|n| (n.name.as_str(), &n.labels)).collect();
        assert_eq!(names[0].0, "default");
        assert_eq!(names[1].1["kubernetes.io/metadata.name"], "shop");
        assert_eq!(names[1].1["team"], "red");
        assert_eq!(w.workloads.len(), 2);
        let job = &w.workloads[w.find("shop/nightly").unwrap()];
        assert_eq!((job.kind.as_str(), job.labels["app"].as_str()), ("CronJob", "batch"));
        assert_eq!(job.named_port("dns", Protocol::UDP), Some(53));
        assert_eq!(job.named_port("dns", Protocol::TCP), None);
        assert_eq!(job.named_port("http", Protocol::TCP), Some(8080));
        assert_eq!(w.workloads[w.find("default/solo").unwrap()].kind, "Pod");
    }

    #[test]
    fn refuses_what_kubernetes_would_read_otherwise() {
        let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {num: 5}}
spec: {containers: [{ports: [{containerPort: 0}, {containerPort: 80, protocol: ICMP}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old}
";
        let problems = read_one(text).unwrap_err();
        let messages: Vec<String> =
            problems.iter().map(|p| format!("{}:{} {}", p.line(), p.col(), p.message)).collect();
        assert_eq!(messages.len(), 5, "{messages:#?}");
        assert!(messages[0].starts_with("3:35 expected a string, found a number"), "{messages:#?}");
        assert!(messages[1].contains("containerPort must be a number in 1-65535"));
        assert!(messages[2].contains("protocol must be TCP, UDP or SCTP"));
        assert!(messages[3].contains("workload `default/p` is also defined at w.yaml:1"));
        assert!(messages[4].contains("Deployment with apiVersion `extensions/v1beta1`"));
    }

    #[test]
    fn reports_every_place_the_yaml_layer_refuses() {
        let problems = read_one("kind: Pod\nmetadata: {name: p, labels: {on: yes}}\n").unwrap_err();
        let places: Vec<(usize, usize)> = problems.iter().map(|p| (p.line(), p.col())).collect();
        assert_eq!(places, [(2, 30), (2, 34)], "{problems:#?}");
    }

    #[test]
    fn reads_controller_selectors_and_owners() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector:
    matchLabels: {app: web}
    matchExpressions: [{key: track, operator: NotIn, values: [canary]}, {key: tier, operator: Exists}]
  template: {metadata: {labels: {app: web, tier: front}}}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: old, namespace: shop}
spec: {selector: {app: old}, template: {metadata: {labels: {app: old}}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec: {jobTemplate: {spec: {selector: {matchLabels: {app: batch}}, template: {metadata: {labels: {app: batch}}}}}}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-5d4f-x2
  namespace: shop
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d4f, controller: true}]
";
        let w = read_one(text).unwrap();
        let web = &w.workloads[w.find("shop/web").unwrap()];
        let selector = web.selector.as_ref().unwrap();
        assert_eq!(selector.match_labels.as_ref().unwrap()["app"], "web");
        let expressions = selector.match_expressions.as_ref().unwrap();
        assert_eq!(
            (expressions[0].operator.as_str(), expressions[0].values.as_deref()),
            ("NotIn", Some(&["canary".to_string()][..]))
        );
        assert_eq!((expressions[1].key.as_str(), expressions[1].values.as_deref()), ("tier", None));
        assert!(!web.owned);
        let old = &w.workloads[w.find("shop/old").unwrap()];
        assert_eq!(old.selector.as_ref().unwrap().match_labels.as_ref().unwrap()["app"], "old");
        let nightly = &w.workloads[w.find("shop/nightly").unwrap()];
        assert_eq!(nightly.selector.as_ref().unwrap().match_labels.as_ref().unwrap()["app"], "batch");
        let pod = &w.workloads[w.find("shop/web-5d4f-x2").unwrap()];
        assert!(pod.owned && pod.selector.is_none());
    }

    #[test]
    fn refuses_names_labels_and_selectors_the_api_server_would_refuse() {
        let text = "\
apiVersion: v1
kind: Namespace
metadata: {name: Shop.x}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: Web_1, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchExpressions: [{key: app, operator: In}]}
  template: {metadata: {labels: {app: \"a b\", _x: ok}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}, matchLabel: {}}
  template: {metadata: {labels: {app: agent}}}
";
        let problems = read_one(text).unwrap_err();
        let messages: Vec<String> =
            problems.iter().map(|p| format!("{}:{} {}", p.line(), p.col(), p.message)).collect();
        let expected = [
            "3:18 Namespace name `Shop.x` must hold only lowercase letters, digits and '-'",
            "7:18 Deployment name `Web_1` each dot-separated part must hold only lowercase letters, digits and '-'",
        ];
        assert_eq!(messages[..2], expected, "{messages:#?}");
        assert!(messages[2].starts_with("14:39 label value `a b` must hold only"), "{messages:#?}");
        assert!(messages[3].starts_with("14:46 label key `_x` must start and end"), "{messages:#?}");
        assert!(messages[4].starts_with("13:13 Deployment selector: matchExpressions[0]: operator `In`"));
        assert!(messages[5].starts_with("20:41 a selector holds only `matchLabels` and `matchExpressions`"));
        assert_eq!(messages.len(), 6, "{messages:#?}");
    }
}
