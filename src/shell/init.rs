//! `init`: a starting NetworkIntent from the workloads a repository or a cluster holds
//! ([`starting_intent`], pure), and the one write it makes ([`write_new`]).
//!
//! The intent manages every namespace of the manifests (Namespace objects, and the
//! namespaces of the workloads) but the system ones ([`SYSTEM_NAMESPACES`]), isolates them with
//! the default isolation (`[Ingress]`), keeps the DNS allowance, and names one workload per
//! controller: each Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job
//! and CronJob that no other object controls, and each bare Pod. So it generates only the
//! baseline; commented examples at its end show a connection and a hub using its names.
//!
//! A workload's `podSelector` is the controller's own selector (`matchLabels` and
//! `matchExpressions`); without one (a Job, whose selector the API server makes up; a
//! ReplicationController, whose selector defaults to its template's labels; a bare Pod) it is
//! the pod (template) labels; a Job without labels gets the `batch.kubernetes.io/job-name`
//! label Kubernetes puts on its pods. What has none of these (a CronJob or a Pod without
//! labels), or a selector that selects every pod of its namespace, is left out, and a comment
//! says why.
//!
//! Workload names must be unique DNS-1123 labels: a name is the object's own, with `.` turned
//! into `-` and cut to 63 characters with a hash of the whole; names that clash (two
//! controllers of one name in two namespaces) become `<namespace>-<name>`, and if that still
//! clashes, get a hash of the object's kind, namespace and name. A comment on each workload
//! names the object it stands for. Same manifests, same bytes.

use std::collections::BTreeMap;
use std::path::Path;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use sha2::{Digest, Sha256};

use crate::engine::workloads::{Workload, Workloads};
use crate::engine::Protocol;

/// Namespaces the cluster itself runs in: isolating them breaks the cluster, so they are left
/// out (the DNS allowance reaches kube-system's DNS pods without managing it).
pub const SYSTEM_NAMESPACES: [&str; 3] = ["kube-system", "kube-public", "kube-node-lease"];

/// The intent's name when `--name` is not given and there is not exactly one namespace.
pub const DEFAULT_NAME: &str = "network";

/// A starting intent's text, and what it holds, for the summary line.
#[derive(Debug)]
pub struct Started {
    pub text: String,
    pub namespaces: usize,
    pub workloads: usize,
    pub left_out: usize,
}

/// One workload of the starting intent.
struct Entry<'a> {
    object: &'a Workload,
    selector: LabelSelector,
    name: String,
}

/// The starting intent for `found` (read from `from`, named in the header comment), named
/// `name`, or after its only namespace, or [`DEFAULT_NAME`]. An error when there is no
/// namespace to manage or `name` is not a DNS-1123 label.
pub fn starting_intent(found: &Workloads, from: &str, name: Option<&str>) -> Result<Started, String> {
    let system = |ns: &str| SYSTEM_NAMESPACES.contains(&ns);
    let namespaces: Vec<&str> =
        found.namespaces.iter().map(|n| n.name.as_str()).filter(|n| !system(n)).collect();
    if namespaces.is_empty() {
        return Err(format!("{from} holds no Namespace and no workload outside the system namespaces"));
    }
    let name = match name {
        Some(name) => name.to_string(),
        None if namespaces.len() == 1 => namespaces[0].to_string(),
        None => DEFAULT_NAME.to_string(),
    };
    crate::k8s::names::dns_label(&name).map_err(|why| format!("the intent's name `{name}` {why}"))?;
    let mut entries = Vec::new();
    let mut left_out = Vec::new();
    for object in found.workloads.iter().filter(|w| !w.owned && !system(&w.namespace)) {
        match pod_selector(object) {
            Ok(selector) => entries.push(Entry { object, selector, name: String::new() }),
            Err(why) => left_out.push(format!("{} {}: {why}", object.kind, object.id())),
        }
    }
    for ns in found.namespaces.iter().filter(|n| system(&n.name)) {
        let count = found.workloads.iter().filter(|w| w.namespace == ns.name && !w.owned).count();
        left_out.push(format!("namespace {}: a system namespace ({})", ns.name, plural(count, "workload")));
    }
    name_uniquely(&mut entries);
    let text = render(&name, from, &namespaces, &entries, &left_out);
    Ok(Started { text, namespaces: namespaces.len(), workloads: entries.len(), left_out: left_out.len() })
}

/// `1 workload`, `2 workloads`.
pub fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The podSelector of `w`'s workload (see the module's contract), or why it has none.
fn pod_selector(w: &Workload) -> Result<LabelSelector, String> {
    let labels = |labels: &BTreeMap<String, String>| LabelSelector {
        match_labels: Some(labels.clone()),
        match_expressions: None,
    };
    let selector = match &w.selector {
        Some(selector) => selector.clone(),
        None if !w.labels.is_empty() => labels(&w.labels),
        None if w.kind == "Job" => {
            labels(&BTreeMap::from([("batch.kubernetes.io/job-name".to_string(), w.name.clone())]))
        }
        None if w.kind == "Pod" => return Err("no labels to select it by".to_string()),
        None => return Err("no selector and no pod template labels to select its pods by".to_string()),
    };
    let empty = selector.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
        && selector.match_expressions.as_ref().is_none_or(Vec::is_empty);
    if empty {
        return Err("its selector selects every pod of its namespace".to_string());
    }
    Ok(selector)
}

/// Gives every entry a unique DNS-1123 label (see the module's contract); entries come
/// sorted by namespace, then name, and so do the names they get.
fn name_uniquely(entries: &mut [Entry]) {
    let candidate = |w: &Workload, level: u8| -> String {
        let name = w.name.replace('.', "-");
        let qualified = format!("{}-{name}", w.namespace);
        match level {
            0 => crate::policy::naming::shorten(&name),
            1 => crate::policy::naming::shorten(&qualified),
            _ => {
                let digest = Sha256::digest(format!("{}/{}", w.kind, w.id()).as_bytes());
                let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
                let prefix = &qualified[..qualified.len().min(63 - 9)];
                format!("{}-{hash}", prefix.trim_end_matches('-'))
            }
        }
    };
    let mut levels = vec![0u8; entries.len()];
    loop {
        let names: Vec<String> = entries.iter().zip(&levels).map(|(e, l)| candidate(e.object, *l)).collect();
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        names.iter().for_each(|n| *count.entry(n).or_default() += 1);
        let clashing: Vec<usize> = (0..names.len()).filter(|&i| count[names[i].as_str()] > 1).collect();
        if clashing.is_empty() || clashing.iter().all(|&i| levels[i] == 2) {
            for (entry, name) in entries.iter_mut().zip(names) {
                entry.name = name;
            }
            return;
        }
        clashing.into_iter().for_each(|i| levels[i] = (levels[i] + 1).min(2));
    }
}

/// A scalar as YAML reads it back as the same string, in flow or block context.
fn scalar(s: &str) -> String {
    if crate::yaml::needs_quotes(s) {
        serde_json::to_string(s).expect("a string serializes")
    } else {
        s.to_string()
    }
}

/// A selector in flow style: `{matchLabels: {app: web}, matchExpressions: [...]}`.
fn flow_selector(s: &LabelSelector) -> String {
    let mut parts = Vec::new();
    if let Some(labels) = s.match_labels.as_ref().filter(|l| !l.is_empty()) {
        let pairs: Vec<String> =
            labels.iter().map(|(k, v)| format!("{}: {}", scalar(k), scalar(v))).collect();
        parts.push(format!("matchLabels: {{{}}}", pairs.join(", ")));
    }
    if let Some(expressions) = s.match_expressions.as_ref().filter(|e| !e.is_empty()) {
        let items: Vec<String> = expressions
            .iter()
            .map(|r| {
                let mut item = format!("key: {}, operator: {}", scalar(&r.key), scalar(&r.operator));
                if let Some(values) = r.values.as_ref().filter(|v| !v.is_empty()) {
                    let values: Vec<String> = values.iter().map(|v| scalar(v)).collect();
                    item.push_str(&format!(", values: [{}]", values.join(", ")));
                }
                format!("{{{item}}}")
            })
            .collect();
        parts.push(format!("matchExpressions: [{}]", items.join(", ")));
    }
    format!("{{{}}}", parts.join(", "))
}

/// The intent's text: a header, the namespaces, the defaults written out, the workloads, and
/// the examples.
fn render(name: &str, from: &str, namespaces: &[&str], entries: &[Entry], left_out: &[String]) -> String {
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    let mut lines = vec![
        format!("# A starting NetworkIntent, written by `netpol-intent init` from {}.", one_line(from)),
        "# It isolates the namespaces below and keeps DNS open, nothing more: add the connections".into(),
        "# your workloads need (examples at the end), and check what it generates with".into(),
        "# `netpol-intent generate`. The format is in docs/intent.md.".into(),
    ];
    if !left_out.is_empty() {
        lines.push("#".into());
        lines.push("# Left out (add them by hand):".into());
        lines.extend(left_out.iter().map(|l| format!("#   {}", one_line(l))));
    }
    lines.extend([
        format!("apiVersion: {}", crate::intent::API_VERSION),
        format!("kind: {}", crate::intent::KIND),
        "metadata:".into(),
        format!("  name: {}", scalar(name)),
        "spec:".into(),
        "  namespaces:".into(),
    ]);
    lines.extend(namespaces.iter().map(|ns| format!("    - {}", scalar(ns))));
    lines.extend([
        "  # Ingress only, the default. Read docs/egress-isolation-checklist.md before adding Egress.".into(),
        "  isolation: [Ingress]".into(),
        "  # Every pod may reach the cluster DNS: kube-system's k8s-app=kube-dns pods, UDP and TCP 53."
            .into(),
        "  dns: {enabled: true}".into(),
    ]);
    if entries.is_empty() {
        lines.push("  # No workload was found: name them under `workloads` (see docs/intent.md).".into());
    } else {
        lines.push("  workloads:".into());
        for e in entries {
            lines.push(format!("    - name: {}  # {} {}", scalar(&e.name), e.object.kind, e.object.id()));
            lines.push(format!("      namespace: {}", scalar(&e.object.namespace)));
            lines.push(format!("      podSelector: {}", flow_selector(&e.selector)));
        }
        lines.extend(examples(entries));
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// Commented examples of a connection and a hub, with the entries' names: to the first entry
/// with a container port (else the first), on that port, from the first other controller
/// (else the first other entry, else itself); the same entry as a hub for up to three others (or, alone, for the pods with an
/// access label).
fn examples(entries: &[Entry]) -> Vec<String> {
    let to = entries.iter().find(|e| !e.object.ports.is_empty()).unwrap_or(&entries[0]);
    let others = || entries.iter().filter(|e| e.name != to.name);
    let from = others().find(|e| e.object.kind != "Pod").or_else(|| others().next()).unwrap_or(to);
    let port = match to.object.ports.first() {
        Some(p) if p.protocol == Protocol::TCP => format!("{{port: {}}}", p.number),
        Some(p) => format!("{{port: {}, protocol: {}}}", p.number, p.protocol.as_str()),
        None => "{port: 8080}".to_string(),
    };
    let spokes: Vec<String> =
        entries.iter().filter(|e| e.name != to.name).take(3).map(|e| scalar(&e.name)).collect();
    let label = Some(format!("allow-{}-access", to.name)).filter(|l| l.len() <= 63);
    let reached_by = match spokes.is_empty() {
        true => format!("accessLabel: networking/{}", label.as_deref().unwrap_or("allow-access")),
        false => format!("spokes: [{}]", spokes.join(", ")),
    };
    vec![
        "  # Examples with the names above: uncomment, and edit to the traffic you need.".into(),
        "  # connections:".into(),
        format!("  #   - from: {}", scalar(&from.name)),
        format!("  #     to: {}", scalar(&to.name)),
        format!("  #     ports: [{port}]"),
        "  # hubs:".into(),
        format!("  #   - workload: {}", scalar(&to.name)),
        format!("  #     {reached_by}"),
        format!("  #     ports: [{port}]"),
    ]
}

/// Writes `text` to `path`, which must not exist: the text goes to a file beside it first,
/// then is linked to `path` in one step that fails if `path` exists (a file, a directory or a
/// link, dangling or not), so that no existing file is overwritten and no partial file is
/// left at `path`.
pub fn write_new(path: &Path, text: &str) -> Result<(), String> {
    let shown = path.display();
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(format!("{shown} exists: init never overwrites a file"));
    }
    let file_name = path.file_name().ok_or_else(|| format!("{shown} is no file path"))?;
    let partial =
        path.with_file_name(format!(".{}.init-{}", file_name.to_string_lossy(), std::process::id()));
    let written = std::fs::File::create(&partial).and_then(|mut f| {
        std::io::Write::write_all(&mut f, text.as_bytes())?;
        f.sync_all()
    });
    let linked = written.and_then(|()| std::fs::hard_link(&partial, path));
    let _ = std::fs::remove_file(&partial);
    linked.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!("{shown} exists: init never overwrites a file"),
        _ => format!("cannot write {shown}: {e}"),
    })
}
