//! What check mode says of connections: the package's NetworkPolicies (what is applied now)
//! against the policies the intent generates, judged by the connectivity engine among the
//! package's own Namespaces and workload items and a new pod in each managed namespace — or,
//! when it has none, among the intent's own workloads ([`crate::diff::model`]) — as `diff`
//! judges them ([`crate::diff_valid`]).
//!
//! The results, by severity (docs/krm.md, "Check mode"):
//! - error: each danger, `widens-access`, `namespace-isolation-lost`, `pod-isolation-lost`,
//!   about the package's policy it names: what the package applies lets through more than the
//!   intent allows, or generating would leave pods open;
//! - warning: `unreachable`, each workload that generating would leave with no ingress it has;
//! - info: `connection-opened` and `connection-closed`, each connection generating would open
//!   or close, about its destination workload (its source, for an address), and a summary.
//!
//! Each kind lists at most [`LIMIT`] results, then one saying how many more.

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic, ResourceRef, Severity};
use crate::diff::{DangerKind, Model, PolicyRef, Report};
use crate::engine::{Endpoint, Entry, Workloads};
use crate::intent::validate::ValidIntent;
use crate::policy::read::{CurrentPolicy, Location};
use crate::yaml::Node;

use super::list::{item_path, str_at};

/// The most results of one kind.
const LIMIT: usize = 20;

/// The kinds the engine reads as workloads, with their apiVersion.
const WORKLOAD_KINDS: [(&str, &str); 9] = [
    ("Namespace", "v1"),
    ("Pod", "v1"),
    ("ReplicationController", "v1"),
    ("Deployment", "apps/v1"),
    ("StatefulSet", "apps/v1"),
    ("DaemonSet", "apps/v1"),
    ("ReplicaSet", "apps/v1"),
    ("Job", "batch/v1"),
    ("CronJob", "batch/v1"),
];

/// An item's file, or its place among the items when it comes from none (kustomize).
fn file_of(item: &Node, i: usize) -> String {
    item_path(item).map_or_else(|| format!("items[{i}]"), str::to_string)
}

/// The results about connections of the items against what `valid` generates.
pub(crate) fn check(items: &[Node], valid: &ValidIntent) -> Vec<Diagnostic> {
    let (current, refused) = policies(items);
    if refused {
        let note = "connections not judged: a NetworkPolicy of the package is not one Kubernetes would take";
        let mut out = unowned_refusals(items, valid.intent().name());
        out.push(Diagnostic::new(Severity::Info, None, note));
        return out;
    }
    let files: BTreeMap<PolicyRef, String> = current
        .iter()
        .map(|c| {
            (PolicyRef { namespace: c.namespace().into(), name: c.name().into() }, c.location.file.clone())
        })
        .collect();
    let (workloads, places) = match workloads(items) {
        Ok(found) => found,
        Err(problems) => return problems,
    };
    match crate::diff_valid(valid, current, &[], workloads) {
        Ok(report) => results(&report, &files, &places),
        Err(problems) => problems.into_iter().map(Diagnostic::nowhere).collect(),
    }
}

/// The package's NetworkPolicies, as what is applied now; and whether one could not be read.
fn policies(items: &[Node]) -> (Vec<CurrentPolicy>, bool) {
    let mut out = Vec::new();
    let mut refused = false;
    for (i, item) in items.iter().enumerate().filter(|(_, n)| is_policy(n)) {
        match crate::policy::read::policy(item, "default") {
            Ok(Some(policy)) => {
                out.push(CurrentPolicy { policy, location: Location { file: file_of(item, i), line: 0 } })
            }
            Ok(None) => {}
            Err(_) => refused = true,
        }
    }
    (out, refused)
}

fn is_policy(item: &Node) -> bool {
    str_at(item, "apiVersion") == Some("networking.k8s.io/v1")
        && str_at(item, "kind") == Some("NetworkPolicy")
}

/// An `invalid-policy` error for each NetworkPolicy the intent does not own that Kubernetes
/// would refuse (check mode reports the owned ones already).
fn unowned_refusals(items: &[Node], intent: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate().filter(|(_, n)| is_policy(n)) {
        if crate::policy::ownership::of_node(item) == Some(intent) {
            continue;
        }
        if let Err((_, why)) = crate::policy::read::policy(item, "default") {
            let metadata = item.get("metadata");
            let ns = metadata.and_then(|m| str_at(m, "namespace")).unwrap_or("default");
            let name = metadata.and_then(|m| str_at(m, "name")).unwrap_or_default();
            let message = format!("NetworkPolicy `{ns}/{name}` is not one Kubernetes would take: {why}");
            let d =
                Diagnostic::problem(Code::InvalidPolicy, message).about(Some(ResourceRef::policy(ns, name)));
            out.push(d.in_file(file_of(item, i)));
        }
    }
    out
}

/// Where each workload object is: (kind, namespace, name) → its file.
type Places = BTreeMap<(String, String, String), String>;

/// The package's Namespaces and workloads, named for the report, and where each is; `None`
/// when it has none. Errors for those Kubernetes would refuse.
#[allow(clippy::type_complexity)]
fn workloads(items: &[Node]) -> Result<(Option<(String, Workloads)>, Places), Vec<Diagnostic>> {
    let kinds: Vec<(usize, &Node)> = items
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            WORKLOAD_KINDS
                .iter()
                .any(|(k, v)| str_at(n, "kind") == Some(k) && str_at(n, "apiVersion") == Some(v))
        })
        .collect();
    if kinds.is_empty() {
        return Ok((None, Places::new()));
    }
    let files: Vec<String> = kinds.iter().map(|(i, n)| file_of(n, *i)).collect();
    let objects = kinds.iter().zip(&files).map(|((_, n), f)| (f.as_str(), *n));
    let workloads = crate::engine::workloads::read_objects(objects)
        .map_err(|problems| problems.into_iter().map(Diagnostic::nowhere).collect::<Vec<_>>())?;
    let mut places = Places::new();
    for ((_, n), file) in kinds.iter().zip(files) {
        let metadata = n.get("metadata");
        let field = |key| metadata.and_then(|m| str_at(m, key)).unwrap_or_default().to_string();
        let namespace = metadata.and_then(|m| str_at(m, "namespace")).unwrap_or("default").to_string();
        places.insert((str_at(n, "kind").unwrap_or_default().to_string(), namespace, field("name")), file);
    }
    Ok((Some(("the package".to_string(), workloads)), places))
}

/// The report's dangers, connections and unreachable workloads as results.
fn results(r: &Report, files: &BTreeMap<PolicyRef, String>, places: &Places) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in &r.dangers {
        let code = match d.kind {
            DangerKind::WidensAccess => Code::WidensAccess,
            DangerKind::NamespaceIsolationLost => Code::NamespaceIsolationLost,
            DangerKind::PodIsolationLost => Code::PodIsolationLost,
        };
        let mut result = Diagnostic::problem(code, d.message.clone())
            .about(Some(ResourceRef::policy(&d.policy.namespace, &d.policy.name)));
        result.file = files.get(&d.policy).cloned();
        out.push(result);
    }
    let c = &r.connections;
    let about = |w: usize| workload_ref(&c.workloads, w, &c.model, places);
    let unreachable = c.unreachable.iter().map(|&w| {
        let message = format!(
            "`{}` would be left with no ingress: something may reach it now",
            c.workloads.workloads[w].id()
        );
        let (resource, file) = about(w);
        let mut d = Diagnostic::new(Severity::Warning, Some(Code::Unreachable), message).about(resource);
        d.file = file;
        d
    });
    out.extend(limited(unreachable.collect(), "workloads left with no ingress", Severity::Warning));
    for (entries, code, verdict, what) in [
        (&c.opened, Code::ConnectionOpened, "denied → allowed", "connections opened"),
        (&c.closed, Code::ConnectionClosed, "allowed → denied", "connections closed"),
    ] {
        let each = entries.iter().map(|e| connection(c, e, code, verdict, &about));
        out.extend(limited(each.collect(), what, Severity::Info));
    }
    out.push(Diagnostic::new(Severity::Info, None, summary(r)));
    out
}

/// One result for a connection, about its destination workload (its source, for an address).
fn connection(
    c: &crate::diff::Connections,
    e: &Entry,
    code: Code,
    verdict: &str,
    about: &dyn Fn(usize) -> (Option<ResourceRef>, Option<String>),
) -> Diagnostic {
    let name = |end| crate::connreport::endpoint_for_people(&c.workloads, end);
    let message = format!("{} → {} {}: {verdict}", name(&e.src), name(&e.dst), e.conns);
    let mut d = Diagnostic::new(Severity::Info, Some(code), message);
    let workload = match (&e.dst, &e.src) {
        (Endpoint::Workload(w), _) | (_, Endpoint::Workload(w)) => Some(*w),
        _ => None,
    };
    if let Some(w) = workload {
        let (resource, file) = about(w);
        d = d.about(resource);
        d.file = file;
    }
    d
}

/// The workload object `w` is, and its file; none for the intent's own pods, which are not
/// objects.
fn workload_ref(
    workloads: &Workloads,
    w: usize,
    model: &Model,
    places: &Places,
) -> (Option<ResourceRef>, Option<String>) {
    if *model == Model::Intent {
        return (None, None);
    }
    let w = &workloads.workloads[w];
    if w.name == crate::diff::model::NEW_POD {
        return (None, None);
    }
    let api_version = WORKLOAD_KINDS.iter().find(|(k, _)| *k == w.kind).map_or("v1", |(_, v)| v);
    let resource = ResourceRef {
        api_version: api_version.to_string(),
        kind: w.kind.clone(),
        name: w.name.clone(),
        namespace: Some(w.namespace.clone()),
    };
    let file = places.get(&(w.kind.clone(), w.namespace.clone(), w.name.clone())).cloned();
    (Some(resource), file)
}

/// At most [`LIMIT`] of `results`, then one of `severity` saying how many `what` are left out.
fn limited(mut results: Vec<Diagnostic>, what: &str, severity: Severity) -> Vec<Diagnostic> {
    if results.len() > LIMIT {
        let more = results.len() - LIMIT;
        results.truncate(LIMIT);
        let message = format!("{more} more {what}: `netpol-intent diff --workloads` lists them all");
        results.push(Diagnostic::new(severity, None, message));
    }
    results
}

/// The summary of what generating does to connections, and among which workloads.
fn summary(r: &Report) -> String {
    let c = &r.connections;
    let among = match &c.model {
        Model::Given { .. } => c.among(),
        Model::Intent => format!(
            "{} pods standing for the workloads, labels and namespaces the intent names (the package \
             has no Namespace or workload items)",
            c.workloads.workloads.len()
        ),
    };
    format!(
        "connections: {} opened, {} closed, {} widening, among {among}",
        c.opened.len(),
        c.closed.len(),
        c.widening.len()
    )
}
