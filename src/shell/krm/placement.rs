//! The generated policies placed among the items: which items the intent owns (by the
//! contract's label and annotation, [`crate::policy::ownership`]), which file and index each
//! generated policy gets, what a run would leave ambiguous, and how the owned items compare
//! with the generated policies (check mode).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::networking::v1::NetworkPolicy;
use serde_json::Value;

use crate::diag::{key_path, Code, Diagnostic, ResourceRef};
use crate::yaml::{self, splice, Node};

use super::list::{self, item_path, str_at};
use super::results::ConfigRef;
use super::settings::{self, OutputPath, DEFAULT_OUTPUT_PATH, OUTPUT_PATH_ANNOTATION};

/// A policy's namespace and name.
type Key = (String, String);

/// One policy the intent generates, with its place in the package.
struct Planned {
    key: Key,
    policy: NetworkPolicy,
    path: String,
    index: usize,
}

/// The generated policies next to the items.
pub(crate) struct Placement<'a> {
    src: &'a str,
    /// Items the function does not own, in input order.
    kept: Vec<&'a Node>,
    /// Policies an earlier run generated, by key; the first of each key.
    owned: BTreeMap<Key, &'a Node>,
    /// Owned policies with a key seen before.
    duplicates: Vec<&'a Node>,
    planned: Vec<Planned>,
    intent: &'a str,
    output_path: &'a OutputPath,
}

/// How an item's policy compares with the generated one.
enum Drift {
    Missing,
    /// Differs, first at this field path.
    Differs(String),
    /// Not a NetworkPolicy Kubernetes would take, for this reason.
    Invalid(String),
    Same,
}

const GENERATE_HELP: &str = "run netpol-intent in `generate` mode, the default, to bring it up to date";

impl<'a> Placement<'a> {
    pub fn new(
        src: &'a str,
        (items, config): (&'a [Node], &Node),
        intent: &'a str,
        policies: Vec<NetworkPolicy>,
        output_path: &'a OutputPath,
    ) -> Placement<'a> {
        let (mut kept, mut owned, mut duplicates) = (Vec::new(), BTreeMap::new(), Vec::new());
        for item in items {
            if let Some(key) = owned_key(item, intent) {
                match owned.entry(key) {
                    Entry::Occupied(_) => duplicates.push(item),
                    Entry::Vacant(slot) => {
                        slot.insert(item);
                    }
                }
            } else if !is_config_copy(item, config) {
                kept.push(item);
            }
        }
        let mut planned: Vec<Planned> = policies
            .into_iter()
            .map(|policy| {
                let namespace = policy.metadata.namespace.clone().unwrap_or_default();
                let name = policy.metadata.name.clone().unwrap_or_default();
                let path = output_path.render(&namespace, &name, intent);
                Planned { key: (namespace, name), policy, path, index: 0 }
            })
            .collect();
        // Policies sharing a file are numbered in order (no other item may be in it, see
        // [`Placement::taken_paths`]).
        let mut next: HashMap<String, usize> = planned.iter().map(|p| (p.path.clone(), 0)).collect();
        for p in &mut planned {
            let n = next.get_mut(&p.path).expect("every planned path is counted");
            p.index = *n;
            *n += 1;
        }
        Placement { src, kept, owned, duplicates, planned, intent, output_path }
    }

    /// What the run would leave ambiguous: [`Placement::taken_paths`] and [`Placement::twins`].
    pub fn conflicts(&self, ctx: &ConfigRef) -> Vec<Diagnostic> {
        self.taken_paths(ctx).into_iter().chain(self.twins()).collect()
    }

    /// An error for each file the output path puts generated policies into that holds an item
    /// which is not one of this intent's policies (the intent's own file, a file written by
    /// hand, another intent's policy): writing there would mix them, and the first run would
    /// write policies into the intent.
    fn taken_paths(&self, ctx: &ConfigRef) -> Vec<Diagnostic> {
        let planned: BTreeSet<&str> = self.planned.iter().map(|p| p.path.as_str()).collect();
        let mut taken: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
        for item in &self.kept {
            if let Some(path) = item_path(item).filter(|p| planned.contains(p)) {
                taken.entry(path).or_default().push(item);
            }
        }
        let field = settings::annotation_path(OUTPUT_PATH_ANNOTATION);
        taken
            .into_iter()
            .map(|(path, items)| {
                let first = list::describe(items[0]);
                let others = match items.len() {
                    1 => String::new(),
                    n => format!(" and {} other item{}", n - 1, if n == 2 { "" } else { "s" }),
                };
                let message = format!(
                    "output path `{}` puts NetworkPolicies into `{path}`, which holds {first}{others}: \
                     a file of generated policies may hold nothing else",
                    self.output_path.template()
                );
                let help = format!(
                    "choose a path that names only files of this intent's policies, such as the default \
                     `{DEFAULT_OUTPUT_PATH}`"
                );
                let d =
                    Diagnostic::problem(Code::InvalidAnnotation, message).with_path(&field).with_help(help);
                ctx.result(d)
            })
            .collect()
    }

    /// An error for each NetworkPolicy identity that the package would hold twice: a
    /// generated policy and an item the intent does not own (written by hand, or by another
    /// intent) with its namespace and name, or two such items. kustomize refuses two objects
    /// with one identity; kpt writes both, and `kubectl apply` keeps whichever comes last. An
    /// item without a namespace is applied into whichever namespace it is applied to, so it
    /// clashes with a generated policy of its name in any namespace.
    fn twins(&self) -> Vec<Diagnostic> {
        let policies = self.kept.iter().filter(|item| {
            str_at(item, "apiVersion") == Some("networking.k8s.io/v1")
                && str_at(item, "kind") == Some("NetworkPolicy")
        });
        let mut by_name: HashMap<&str, Vec<&Planned>> = HashMap::new();
        for p in &self.planned {
            by_name.entry(p.key.1.as_str()).or_default().push(p);
        }
        let mut seen: BTreeMap<(&str, &str), &Node> = BTreeMap::new();
        let mut out = Vec::new();
        for item in policies {
            let metadata = item.get("metadata");
            let namespace = metadata.and_then(|m| str_at(m, "namespace")).unwrap_or_default();
            let name = metadata.and_then(|m| str_at(m, "name")).unwrap_or_default();
            let generated = by_name
                .get(name)
                .and_then(|ps| ps.iter().find(|p| namespace.is_empty() || p.key.0 == namespace));
            let (ns, other) = match (generated, seen.insert((namespace, name), item)) {
                (Some(p), _) => {
                    (p.key.0.as_str(), format!("the intent generates it (`{}`)", self.file_of(p)))
                }
                (None, Some(first)) => (namespace, format!("{} holds it too", where_from(first))),
                (None, None) => continue,
            };
            out.push(twin(item, (ns, name), &other, namespace.is_empty()));
        }
        out
    }

    /// The file a planned policy is in now, or will be written to.
    fn file_of<'p>(&'p self, p: &'p Planned) -> &'p str {
        self.owned.get(&p.key).and_then(|item| item_path(item)).unwrap_or(&p.path)
    }

    /// The items with the generated policies in place of the owned ones, and a summary.
    pub fn generate(&self) -> (Vec<String>, String) {
        let mut entries: Vec<String> = self.kept.iter().map(|item| splice::entry(self.src, item)).collect();
        let (mut added, mut changed, mut unchanged) = (0, 0, 0);
        for p in &self.planned {
            let existing = self.owned.get(&p.key).copied();
            match (existing, self.drift(existing, p)) {
                (Some(item), Drift::Same) if placed(item, &p.path, p.index) => {
                    unchanged += 1;
                    entries.push(splice::entry(self.src, item));
                }
                (_, drift) => {
                    if matches!(drift, Drift::Missing) {
                        added += 1;
                    } else {
                        changed += 1;
                    }
                    entries.push(splice::indent_entry(&yaml::emit_one(&placed_node(p))));
                }
            }
        }
        let removed = self.removed().count();
        let summary = format!(
            "intent `{}`: {} generated ({added} added, {changed} changed, {unchanged} unchanged), \
             {removed} removed",
            self.intent,
            policies(self.planned.len())
        );
        (entries, summary)
    }

    /// An error for each policy added, changed or removed, or owned and invalid; and a summary.
    pub fn check(&self) -> (Vec<Diagnostic>, String) {
        let mut results = Vec::new();
        for p in &self.planned {
            let existing = self.owned.get(&p.key).copied();
            let (ns, name) = &p.key;
            let d = match self.drift(existing, p) {
                Drift::Same => continue,
                Drift::Missing => {
                    let message = format!("NetworkPolicy `{ns}/{name}` is missing: the intent generates it");
                    Diagnostic::problem(Code::Drift, message)
                }
                Drift::Differs(field) => {
                    let message = format!(
                        "NetworkPolicy `{ns}/{name}` differs from what the intent generates, at `{field}`"
                    );
                    Diagnostic::problem(Code::Drift, message).with_path(field)
                }
                Drift::Invalid(why) => {
                    let message =
                        format!("NetworkPolicy `{ns}/{name}` is not one Kubernetes would take: {why}");
                    Diagnostic::problem(Code::InvalidPolicy, message)
                }
            };
            let file = existing.and_then(item_path).unwrap_or(&p.path);
            results.push(d.with_help(GENERATE_HELP).about(Some(ResourceRef::policy(ns, name))).in_file(file));
        }
        for item in self.removed() {
            let (ns, name) = owned_key(item, self.intent).unwrap_or_default();
            let message = format!(
                "NetworkPolicy `{ns}/{name}` is not generated by the intent `{}` any more",
                self.intent
            );
            let mut d = Diagnostic::problem(Code::Drift, message).with_help(GENERATE_HELP);
            d = d.about(Some(ResourceRef::policy(&ns, &name)));
            d.file = item_path(item).map(str::to_string);
            results.push(d);
        }
        let summary = if results.is_empty() {
            format!("intent `{}`: {} up to date", self.intent, policies(self.planned.len()))
        } else {
            format!("intent `{}`: {} out of date", self.intent, policies(results.len()))
        };
        (results, summary)
    }

    /// Owned policies that the intent no longer generates, and duplicates.
    fn removed(&self) -> impl Iterator<Item = &'a Node> + '_ {
        let planned: BTreeSet<&Key> = self.planned.iter().map(|p| &p.key).collect();
        let stale = self.owned.iter().filter(move |(k, _)| !planned.contains(k)).map(|(_, item)| *item);
        stale.chain(self.duplicates.iter().copied())
    }

    /// How an existing item differs from the planned policy, by meaning: both are compared
    /// as `diff` compares them ([`crate::policy::normalize`]), so formatting, defaulted fields
    /// and the annotations tools add do not count.
    fn drift(&self, existing: Option<&Node>, p: &Planned) -> Drift {
        let Some(existing) = existing else {
            return Drift::Missing;
        };
        // An owned item is a `networking.k8s.io/v1` NetworkPolicy, so it is one or invalid.
        let current = match crate::policy::read::policy(existing, "") {
            Ok(Some(current)) => current,
            Ok(None) => return Drift::Differs("kind".to_string()),
            Err((_, why)) => return Drift::Invalid(why),
        };
        let normal = |policy| {
            serde_json::to_value(crate::policy::normalize::normalize(policy))
                .expect("a NetworkPolicy serializes")
        };
        match first_difference(&normal(current), &normal(p.policy.clone()), "") {
            None => Drift::Same,
            Some(field) => Drift::Differs(field),
        }
    }
}

/// The error for an item with the identity of `(ns, name)` that `other` holds too.
fn twin(item: &Node, (ns, name): (&str, &str), other: &str, no_namespace: bool) -> Diagnostic {
    let theirs = if no_namespace {
        "one with no namespace (it lands in the namespace it is applied to)"
    } else {
        "one that this intent did not generate"
    };
    let message = format!(
        "NetworkPolicy `{ns}/{name}` would be in the package twice: {other}, and {} holds {theirs}",
        where_from(item)
    );
    let help = "rename or delete one of them: kustomize refuses two objects with one identity, and \
                `kubectl apply` keeps whichever comes last";
    let mut d = Diagnostic::problem(Code::DuplicatePolicy, message).with_help(help);
    d = d.about(Some(ResourceRef::policy(ns, name)));
    d.file = item_path(item).map(str::to_string);
    d
}

/// An item's file, in words: `` `a/b.yaml` ``, or "an item from no file".
fn where_from(item: &Node) -> String {
    item_path(item).map_or_else(|| "an item from no file".to_string(), |p| format!("`{p}`"))
}

/// "1 NetworkPolicy", "2 NetworkPolicies".
fn policies(n: usize) -> String {
    format!("{n} NetworkPolic{}", if n == 1 { "y" } else { "ies" })
}

/// The generated policy as YAML, with its place in the package.
fn placed_node(p: &Planned) -> Node {
    let mut node = crate::policy::render::policy_node(&p.policy);
    if let Some(annotations) = node.get_mut("metadata").and_then(|m| m.get_mut("annotations")) {
        let index = p.index.to_string();
        annotations.set(list::LEGACY_PATH, Node::str(&p.path));
        annotations.set(list::LEGACY_INDEX, Node::str(&index));
        annotations.set(list::PATH, Node::str(&p.path));
        annotations.set(list::INDEX, Node::str(&index));
    }
    node
}

/// Whether an item is where the plan puts it; an item from no file (kustomize) is anywhere.
fn placed(item: &Node, path: &str, index: usize) -> bool {
    match item_path(item) {
        None => true,
        Some(p) => p == path && list::item_index(item).unwrap_or(0) == index,
    }
}

/// The namespace and name of a NetworkPolicy that the intent `intent` generated.
fn owned_key(item: &Node, intent: &str) -> Option<Key> {
    if crate::policy::ownership::of_node(item) != Some(intent) {
        return None;
    }
    let metadata = item.get("metadata")?;
    let namespace = str_at(metadata, "namespace").unwrap_or_default();
    Some((namespace.to_string(), str_at(metadata, "name").unwrap_or_default().to_string()))
}

/// Whether `item` is the copy of the functionConfig that kustomize passes a generator as a
/// local-config item. kpt also passes the intent's own file as an item, but from a file (with a
/// path): that one must stay, or kpt deletes the file.
fn is_config_copy(item: &Node, config: &Node) -> bool {
    list::annotation(item, list::LOCAL_CONFIG) == Some("true")
        && item_path(item).is_none()
        && list::same_object(item, config)
}

/// The path of the first field where `a` and `b` differ (key order does not count).
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    let here = || if path.is_empty() { ".".to_string() } else { path.to_string() };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => {
                        if let Some(p) = first_difference(va, vb, &key_path(path, k)) {
                            return Some(p);
                        }
                    }
                    None => return Some(key_path(path, k)),
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map(|k| key_path(path, k))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if let Some(p) = first_difference(va, vb, &format!("{path}[{i}]")) {
                    return Some(p);
                }
            }
            (x.len() != y.len()).then(|| format!("{path}[{}]", x.len().min(y.len())))
        }
        _ => (a != b).then(here),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_names_the_field() {
        let a: Value = serde_json::json!({"spec": {"ingress": [{"ports": [{"port": 80}]}]}, "kind": "X"});
        let b: Value = serde_json::json!({"kind": "X", "spec": {"ingress": [{"ports": [{"port": 81}]}]}});
        assert_eq!(first_difference(&a, &b, ""), Some("spec.ingress[0].ports[0].port".into()));
        let c: Value = serde_json::json!({"kind": "X", "spec": {"ingress": [{"ports": [{"port": 80}]}, {}]}});
        assert_eq!(first_difference(&a, &c, ""), Some("spec.ingress[1]".into()));
        let d: Value = serde_json::json!({"kind": "X", "spec": {"ingress": [{"ports": [{"port": 80}]}]}});
        assert_eq!(first_difference(&a, &d, ""), None, "key order does not count");
        let e: Value =
            serde_json::json!({"kind": "X", "spec": {"ingress": [{"ports": [{"port": 80}]}]}, "x": 1});
        assert_eq!(first_difference(&a, &e, ""), Some("x".into()));
    }
}
