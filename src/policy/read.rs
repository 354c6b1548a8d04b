//! The NetworkPolicies a repository holds now, picked out of the YAML texts of its files
//! ([`parse`], [`read`]); reading the files is [`crate::shell::input::collect`]'s job.
//!
//! Only `networking.k8s.io/v1` `NetworkPolicy` objects count, also inside a `List` that kubectl
//! and kustomize read alike (see [`objects`]); every other kind (a `Kustomization`, a Calico
//! `NetworkPolicy`, a Deployment) is ignored. A file that cannot be read, is not YAML, or holds a
//! NetworkPolicy that Kubernetes would refuse is an error [`Diagnostic`], because `kubectl
//! apply`, Argo CD and Flux would fail on it too; so is a list the two read differently.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::diag::{Code, Diagnostic};
use crate::yaml::{self, Node, NodeKind};

/// The text of one file (or of standard input), with the name to show for it.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// Where a NetworkPolicy was found: the file and the line its document starts on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

/// `file:line`, or `file` alone when the line is not known (0).
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "{}", self.file),
            line => write!(f, "{}:{line}", self.file),
        }
    }
}

/// One NetworkPolicy of the current set; its namespace is always set.
#[derive(Clone, Debug)]
pub struct CurrentPolicy {
    pub policy: NetworkPolicy,
    pub location: Location,
}

impl CurrentPolicy {
    pub fn namespace(&self) -> &str {
        self.policy.metadata.namespace.as_deref().unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.policy.metadata.name.as_deref().unwrap_or_default()
    }
}

/// What `--against` names, read: the files that get applied, and those under the directory
/// that do not (see [`crate::shell::input::collect`]).
#[derive(Clone, Debug, Default)]
pub struct Collected {
    /// The files whose objects get applied.
    pub deployed: Vec<Source>,
    /// Files under a directory with a kustomization that it does not reach: never applied.
    pub unlisted: Vec<Source>,
    /// Files that `kubectl apply -R` of a directory without a kustomization, and a kustomization
    /// below it (which Flux builds instead of walking), do not agree on.
    pub disputed: Vec<Disputed>,
}

impl From<Vec<Source>> for Collected {
    fn from(deployed: Vec<Source>) -> Collected {
        Collected { deployed, ..Collected::default() }
    }
}

/// A file that only one of two readers of a directory without a kustomization applies:
/// `kubectl apply -R`, which reads every `.yaml`, `.yml` and `.json` file, and Flux, which
/// reads the `.yaml` and `.yml` files and builds a directory with a kustomization through it.
#[derive(Clone, Debug)]
pub struct Disputed {
    pub source: Source,
    pub why: Dispute,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dispute {
    /// Under the directory of this kustomization (as shown), which does not list it: applied
    /// by kubectl only.
    NotListed(String),
    /// Listed by this kustomization from outside the directory: applied by Flux only.
    ListedFromOutside(String),
    /// A `.json` file: applied by kubectl only.
    Json,
    /// A hidden file, or one in a hidden directory: applied by kubectl, skipped by the reader.
    Hidden,
}

/// The current policies of what `--against` names, read: the policies that get applied, and those
/// in files that are not.
#[derive(Clone, Debug, Default)]
pub struct Current {
    pub policies: Vec<CurrentPolicy>,
    /// NetworkPolicies in [`Collected::unlisted`] files, valid or not.
    pub unlisted: Vec<Found>,
}

/// A NetworkPolicy seen in a file, by namespace and name (empty when it has none).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub namespace: String,
    pub name: String,
    pub location: Location,
}

/// The policies of `collected` ([`parse`] of the deployed files, with its errors), the ones in
/// unlisted files, and an error for each disputed file that holds a NetworkPolicy: whether it
/// is applied depends on who deploys the directory.
pub fn read(collected: &Collected, default_namespace: &str) -> Result<Current, Vec<Diagnostic>> {
    let parsed = parse(&collected.deployed, default_namespace);
    let mut problems = parsed.as_ref().err().cloned().unwrap_or_default();
    for d in &collected.disputed {
        if let Some(found) = found(&d.source, default_namespace).into_iter().next() {
            let policy = format!("`{}/{}`", found.namespace, found.name);
            let message = match &d.why {
                Dispute::NotListed(k) => format!(
                    "NetworkPolicy {policy} is under `{k}`, whose kustomization does not list it: \
                     `kubectl apply -R` applies it, Flux builds `{k}` and does not; list it there, \
                     or give --against a directory with a kustomization"
                ),
                Dispute::ListedFromOutside(k) => format!(
                    "NetworkPolicy {policy} is listed by the kustomization in `{k}` from outside the \
                     directory: Flux applies it, `kubectl apply -R` does not; give --against a \
                     directory with a kustomization"
                ),
                Dispute::Hidden => format!(
                    "NetworkPolicy {policy} is in a hidden file or directory (its name starts with \
                     `.`): `kubectl apply -R` applies it, the reading of a directory without a \
                     kustomization skips it; move it, or give --against a directory with a kustomization"
                ),
                Dispute::Json => format!(
                    "NetworkPolicy {policy} is in a `.json` file: `kubectl apply -R` applies it, \
                     Flux reads only `.yaml` and `.yml` files in a directory without a kustomization; \
                     give --against a directory with a kustomization, or write it as `.yaml`"
                ),
            };
            let problem = Diagnostic::problem(Code::AmbiguousDirectory, message);
            problems.push(problem.in_file(&found.location.file).at_line(found.location.line, 1));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut unlisted: Vec<Found> =
        collected.unlisted.iter().flat_map(|s| found(s, default_namespace)).collect();
    unlisted.sort();
    Ok(Current { policies: parsed.unwrap_or_default(), unlisted })
}

/// The NetworkPolicies a file names, read leniently (a file that is not YAML has none): the
/// documents, and the items of lists at any depth.
fn found(source: &Source, default_namespace: &str) -> Vec<Found> {
    fn visit<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
        match node.get("items").and_then(Node::as_seq) {
            Some(items) => items.iter().for_each(|item| visit(item, out)),
            None => out.push(node),
        }
    }
    let Ok(docs) = yaml::parse(&source.text, &yaml::Limits::default()) else { return Vec::new() };
    let mut nodes = Vec::new();
    docs.iter().for_each(|doc| visit(doc, &mut nodes));
    let field = |node: &Node, path: &[&str]| {
        path.iter().try_fold(node, |n, key| n.get(key)).and_then(Node::as_str).unwrap_or_default().to_string()
    };
    nodes
        .into_iter()
        .filter(|n| {
            field(n, &["apiVersion"]) == "networking.k8s.io/v1" && field(n, &["kind"]) == "NetworkPolicy"
        })
        .map(|n| {
            let namespace = field(n, &["metadata", "namespace"]);
            Found {
                namespace: if namespace.is_empty() { default_namespace.to_string() } else { namespace },
                name: field(n, &["metadata", "name"]),
                location: Location { file: source.name.clone(), line: n.span.start.line },
            }
        })
        .collect()
}

/// The NetworkPolicies in `sources`, in the order found. A policy with no namespace is in
/// `default_namespace`, as with `kubectl apply -f` and no `-n`. Errors: every problem of every
/// source, in order.
pub fn parse(sources: &[Source], default_namespace: &str) -> Result<Vec<CurrentPolicy>, Vec<Diagnostic>> {
    let mut policies = Vec::new();
    let mut problems = Vec::new();
    for source in sources {
        let docs = match yaml::parse(&source.text, &yaml::Limits::default()) {
            Ok(docs) => docs,
            Err(e) => {
                let problem = Diagnostic::problem(Code::YamlSyntax, e.message).in_file(&source.name);
                problems.push(problem.at(yaml::Span::point(e.pos)).with_help_if(e.help.as_deref()));
                continue;
            }
        };
        for doc in &docs {
            let nodes = objects(doc).unwrap_or_else(|(span, message)| {
                let problem = Diagnostic::problem(Code::AmbiguousList, message).in_file(&source.name);
                problems.push(problem.at(span));
                Vec::new()
            });
            for node in nodes {
                match policy(node, default_namespace) {
                    Ok(Some(policy)) => {
                        let location = Location { file: source.name.clone(), line: node.span.start.line };
                        policies.push(CurrentPolicy { policy, location });
                    }
                    Ok(None) => {}
                    Err((span, message)) => problems.push(
                        Diagnostic::problem(Code::InvalidPolicy, message).in_file(&source.name).at(span),
                    ),
                }
            }
        }
    }
    // The same object twice: kustomize and kubectl refuse that too.
    let mut seen: BTreeMap<(&str, &str), &Location> = BTreeMap::new();
    for p in &policies {
        if let Some(first) = seen.insert((p.namespace(), p.name()), &p.location) {
            let message =
                format!("NetworkPolicy `{}/{}` is also defined at {first}", p.namespace(), p.name());
            let problem = Diagnostic::problem(Code::DuplicatePolicy, message).in_file(&p.location.file);
            let first_at = Some(yaml::Span::point(yaml::Pos { line: first.line, col: 1, offset: 0 }));
            problems.push(problem.at_line(p.location.line, 1).also_at(
                Some(&first.file),
                first_at,
                "first defined here",
            ));
        }
    }
    if problems.is_empty() {
        Ok(policies)
    } else {
        Err(problems)
    }
}

/// The objects of a document as kubectl and kustomize both deploy them: the document itself,
/// or the items of a list (a kind ending in `List`, such as `List` or `NetworkPolicyList`).
/// Where the two read a document differently, an error says where and how, so that no reading
/// is chosen silently:
/// - a list inside a list: kustomize flattens it; kubectl refuses it (`is not a list`);
/// - a list item without its own `kind` or `apiVersion`: kubectl takes them from the list's
///   (the items of a `NetworkPolicyList` become NetworkPolicies); kustomize refuses the item;
/// - an `items` sequence in an object of another kind: kubectl applies the items as objects of
///   their own, and not the object; kustomize keeps the object as it is.
fn objects(doc: &Node) -> Result<Vec<&Node>, (yaml::Span, String)> {
    let kind = doc.get("kind").and_then(Node::as_str).unwrap_or_default();
    let items = doc.get("items").filter(|n| !n.is_null());
    if !kind.ends_with("List") {
        return match items.and_then(Node::as_seq) {
            Some(_) => Err((
                doc.span,
                format!(
                    "a `{kind}` with `items`: kubectl would apply the items as objects of their own, \
                     kustomize keeps one `{kind}`; netpol-intent reads neither way"
                ),
            )),
            None => Ok(vec![doc]),
        };
    }
    let Some(items) = items else { return Ok(Vec::new()) };
    let items = items.as_seq().ok_or_else(|| {
        (items.span, format!("the `items` of a `{kind}` must be a list, not {}", items.kind_name()))
    })?;
    let api_version = doc.get("apiVersion").and_then(Node::as_str).unwrap_or_default();
    for item in items {
        let field = |key: &str| item.get(key).and_then(Node::as_str).filter(|s| !s.is_empty());
        if item.get("items").and_then(Node::as_seq).is_some() {
            return Err((
                item.span,
                format!(
                    "a list inside a `{kind}`: kustomize would flatten it, kubectl refuses it; \
                     move its items into the outer list"
                ),
            ));
        }
        if item.as_map().is_none() || field("kind").is_none() || field("apiVersion").is_none() {
            let mut message = format!("every item of a `{kind}` needs its own `kind` and `apiVersion`");
            let inferred = kind.strip_suffix("List").unwrap_or_default();
            if !inferred.is_empty() && field("kind").is_none() && field("apiVersion").is_none() {
                message.push_str(&format!(
                    ": kubectl would read this one as a `{inferred}` of `{api_version}`, kustomize \
                     refuses it"
                ));
            }
            return Err((item.span, message));
        }
    }
    Ok(items.iter().collect())
}

/// The NetworkPolicy in `node`, `None` when it is some other kind of object; an error for a
/// NetworkPolicy that Kubernetes would refuse (unknown fields included), with where it is.
pub fn policy(node: &Node, default_namespace: &str) -> Result<Option<NetworkPolicy>, (yaml::Span, String)> {
    let field = |key: &str| node.get(key).and_then(Node::as_str);
    if field("apiVersion") != Some("networking.k8s.io/v1") || field("kind") != Some("NetworkPolicy") {
        return Ok(None);
    }
    let json = yaml::to_json(node).map_err(|e| (yaml::Span { start: e.pos, end: e.pos }, e.message))?;
    let mut policy: NetworkPolicy = serde_json::from_value(json.clone())
        .map_err(|e| (node.span, format!("not a valid NetworkPolicy: {e}")))?;
    let label = policy.metadata.name.as_deref().unwrap_or_default();
    if label.is_empty() {
        return Err((node.span, "NetworkPolicy has no `metadata.name`".to_string()));
    }
    // Kubernetes refuses unknown fields (kubectl validates strictly); k8s-openapi skips them,
    // so find what it dropped.
    let back = serde_json::to_value(&policy).expect("a NetworkPolicy serializes to JSON");
    if let Some((span, path)) = unknown_field(node, &back, String::new()) {
        return Err((span, format!("NetworkPolicy `{label}`: unknown field `{path}`")));
    }
    if policy.metadata.namespace.as_deref().unwrap_or_default().is_empty() {
        policy.metadata.namespace = Some(default_namespace.to_string());
    }
    Ok(Some(policy))
}

/// The first key of `node` (not null) that `known` lacks, with its span and dotted path.
fn unknown_field(node: &Node, known: &serde_json::Value, path: String) -> Option<(yaml::Span, String)> {
    match (&node.kind, known) {
        (NodeKind::Map(entries), serde_json::Value::Object(map)) => entries.iter().find_map(|(k, v)| {
            let key = k.as_str()?;
            let path = if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
            match map.get(key) {
                Some(known) => unknown_field(v, known, path),
                None if v.is_null() => None,
                None => Some((k.span, path)),
            }
        }),
        (NodeKind::Seq(items), serde_json::Value::Array(known)) => items
            .iter()
            .zip(known)
            .enumerate()
            .find_map(|(i, (item, known))| unknown_field(item, known, format!("{path}[{i}]"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Vec<Source> {
        vec![Source { name: "a.yaml".to_string(), text: text.to_string() }]
    }

    const POLICY: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n";

    #[test]
    fn picks_network_policies_and_ignores_other_kinds() {
        let text = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n---\n{POLICY}---\n\
             apiVersion: crd.projectcalico.org/v1\nkind: NetworkPolicy\nmetadata: {{name: x}}\n"
        );
        let found = parse(&source(&text), "dflt").unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].namespace(), found[0].name()), ("dflt", "p"));
        assert_eq!(found[0].location.to_string(), "a.yaml:5");
    }

    #[test]
    fn reads_the_items_of_a_list() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.k8s.io/v1\n  \
                    kind: NetworkPolicy\n  metadata: {name: a, namespace: \"n\"}\n";
        let found = parse(&source(text), "default").unwrap();
        assert_eq!((found[0].namespace(), found[0].name(), found[0].location.line), ("n", "a", 4));
    }

    #[test]
    fn lists_that_kubectl_and_kustomize_read_differently_are_refused() {
        let item = "apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: {name: a}\n";
        let nested = format!(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - {item}"
        );
        let kindless =
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n- metadata: {name: a}\n";
        let hidden = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\nitems:\n  - {item}");
        for (text, line, words) in [
            (nested.as_str(), 4, "a list inside a `List`: kustomize would flatten it, kubectl refuses it"),
            (kindless, 4, "kubectl would read this one as a `NetworkPolicy` of `networking.k8s.io/v1`"),
            (hidden.as_str(), 1, "a `ConfigMap` with `items`: kubectl would apply the items"),
            ("kind: List\nitems: {a: b}\n", 2, "the `items` of a `List` must be a list"),
        ] {
            let err = parse(&source(text), "d").unwrap_err();
            assert_eq!((err[0].code, err[0].line()), (Some(Code::AmbiguousList), line), "{text}");
            assert!(err[0].message.contains(words), "{}", err[0].message);
        }
        // An empty list, and a list whose items all say what they are, are read.
        assert!(parse(&source("apiVersion: v1\nkind: List\nitems: []\n"), "d").unwrap().is_empty());
        let flat = format!("apiVersion: v1\nkind: NetworkPolicyList\nitems:\n  - {item}");
        assert_eq!(parse(&source(&flat), "d").unwrap()[0].name(), "a");
    }

    #[test]
    fn reports_syntax_errors_unknown_fields_and_duplicates_with_lines() {
        let err = parse(&source("a: [\n"), "d").unwrap_err();
        assert_eq!((err[0].code, err[0].line()), (Some(Code::YamlSyntax), 2));

        let text = format!("{POLICY}spec:\n  podSelectr: {{}}\n");
        let err = parse(&source(&text), "d").unwrap_err();
        assert_eq!(err[0].code, Some(Code::InvalidPolicy));
        assert_eq!((err[0].line(), err[0].col()), (6, 3));
        assert!(err[0].message.contains("unknown field `spec.podSelectr`"), "{}", err[0].message);

        let err = parse(&source(&format!("{POLICY}---\n{POLICY}")), "d").unwrap_err();
        assert_eq!(
            crate::diag::text::render(&err),
            "error[duplicate-policy]: a.yaml:6:1: NetworkPolicy `d/p` is also defined at a.yaml:1\n"
        );
        assert_eq!(
            crate::diag::github::render(&err),
            "::error file=a.yaml,line=6,col=1,title=netpol-intent duplicate-policy::\
             NetworkPolicy `d/p` is also defined at a.yaml:1\n"
        );

        let text = format!("{POLICY}spec:\n  podSelector: []\n");
        let err = parse(&source(&text), "d").unwrap_err();
        assert!(err[0].message.starts_with("not a valid NetworkPolicy"), "{}", err[0].message);
    }
}
