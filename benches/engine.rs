//! How long the connectivity engine takes on a large cluster: generated Namespaces and
//! Deployments (20 a namespace) and hand-written-style policies (10 a namespace: a default
//! deny, DNS egress, same-namespace pairs, a cross-namespace AND peer on a named port, a
//! monitoring scrape with matchExpressions, egress to another namespace and to the internet
//! with the private ranges excepted).
//!
//! `cargo bench --bench engine` prints, for 500 to 8,000 workloads, the median time of
//! `connectivity` (read the YAML, compute, render JSON) and of a semantic diff of two such
//! policy sets (read both, compute both, compare), and the peak resident memory at 2,000
//! workloads. `cargo bench --bench engine -- --write DIR` writes the 20-namespace,
//! 160-workload cluster as `DIR/topology/` and `DIR/policies/`, for comparing with other
//! tools on the same input.

mod support;

use std::fmt::Write;

use netpol_intent::engine::workloads::{read, Text};
use netpol_intent::engine::{compile, delta, Cluster, Connectivity};

/// The workloads: `namespaces` namespaces of `per` Deployments each.
fn workloads(namespaces: usize, per: usize) -> String {
    let mut out = String::new();
    for n in 0..namespaces {
        let team = ["red", "blue", "green", "gold"][n % 4];
        let _ = write!(
            out,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns{n}\n  labels: {{team: {team}}}\n"
        );
        for w in 0..per {
            let tier = if w % 3 == 0 { "front" } else { "back" };
            let internet = if w % 7 == 0 { ", networking/allow-internet-egress: \"true\"" } else { "" };
            let _ = write!(
                out,
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w{w}\n  namespace: ns{n}\nspec:\n  \
                 selector: {{matchLabels: {{app: w{w}}}}}\n  template:\n    metadata:\n      \
                 labels: {{app: w{w}, tier: {tier}{internet}}}\n    spec:\n      containers:\n      - name: main\n        \
                 image: registry.invalid/app\n        ports:\n        - {{name: http, containerPort: {}}}\n        \
                 - {{name: metrics, containerPort: 9090}}\n",
                8000 + w
            );
        }
    }
    out
}

fn policy(out: &mut String, ns: usize, name: &str, spec: &str) {
    let _ = write!(
        out,
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\n  namespace: ns{ns}\nspec:\n{spec}"
    );
}

/// Ten policies a namespace. `variant` changes a few of them in one namespace of ten (another
/// port, an AND peer split into an OR, one policy left out, a wider egress rule), as a change
/// under review would.
fn policies(namespaces: usize, per: usize, variant: bool) -> String {
    let mut out = String::new();
    for n in 0..namespaces {
        let changed = variant && n % 10 == 3;
        policy(&mut out, n, "default-deny-all", "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n");
        // The variant also lets these namespaces open the http ports of every namespace.
        let wider = if changed {
            "  - to: [{namespaceSelector: {}}]\n    ports: [{port: 8000, endPort: 8100}]\n"
        } else {
            ""
        };
        policy(
            &mut out,
            n,
            "allow-dns",
            &format!(
                "  podSelector: {{}}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: \
                 {{matchLabels: {{kubernetes.io/metadata.name: ns0}}}}\n      podSelector: {{matchLabels: {{app: w0}}}}\n    \
                 ports: [{{port: 53, protocol: UDP}}, {{port: 53, protocol: TCP}}]\n{wider}"
            ),
        );
        for k in 0..4 {
            let (to, from) = ((k * 2 + 1) % per, (k * 2 + 2) % per);
            let port = if changed && k == 0 { 8443 } else { 8080 };
            if changed && k == 3 {
                continue;
            }
            policy(
                &mut out,
                n,
                &format!("w{to}-from-w{from}"),
                &format!(
                    "  podSelector: {{matchLabels: {{app: w{to}}}}}\n  policyTypes: [Ingress]\n  ingress:\n  \
                     - from: [{{podSelector: {{matchLabels: {{app: w{from}}}}}}}]\n    ports: [{{port: {port}, endPort: {}}}]\n",
                    port + 10
                ),
            );
            policy(
                &mut out,
                n,
                &format!("w{from}-to-w{to}"),
                &format!(
                    "  podSelector: {{matchLabels: {{app: w{from}}}}}\n  policyTypes: [Egress]\n  egress:\n  \
                     - to: [{{podSelector: {{matchLabels: {{app: w{to}}}}}}}]\n    ports: [{{port: 8080, endPort: 8090}}]\n"
                ),
            );
        }
        let team = ["red", "blue", "green", "gold"][(n + 1) % 4];
        let peer = if changed {
            format!("    - namespaceSelector: {{matchLabels: {{team: {team}}}}}\n    - podSelector: {{matchLabels: {{tier: front}}}}\n")
        } else {
            format!("    - namespaceSelector: {{matchLabels: {{team: {team}}}}}\n      podSelector: {{matchLabels: {{tier: front}}}}\n")
        };
        policy(
            &mut out,
            n,
            "front-from-other-teams",
            &format!("  podSelector: {{matchLabels: {{tier: front}}}}\n  policyTypes: [Ingress]\n  ingress:\n  - from:\n{peer}    ports: [{{port: http}}]\n"),
        );
        policy(
            &mut out,
            n,
            "scrape",
            "  podSelector: {matchExpressions: [{key: tier, operator: In, values: [front, back]}]}\n  \
             ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ns1}}\n      \
             podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [w1, w2]}]}\n    ports: [{port: metrics}]\n",
        );
        let next = (n + 1) % namespaces;
        policy(
            &mut out,
            n,
            "internet-egress",
            &format!(
                "  podSelector: {{matchLabels: {{networking/allow-internet-egress: \"true\"}}}}\n  policyTypes: [Egress]\n  \
                 egress:\n  - to: [{{ipBlock: {{cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}}}}]\n    \
                 ports: [{{port: 443}}]\n  - to: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: ns{next}}}}}}}]\n    \
                 ports: [{{port: http}}]\n"
            ),
        );
    }
    out
}

fn read_policies(text: &str) -> Vec<netpol_intent::engine::Policy> {
    let sources = [netpol_intent::policy::read::Source { name: "policies.yaml".into(), text: text.into() }];
    let found = netpol_intent::policy::read::parse(&sources, "default").expect("valid policies");
    compile(&found.into_iter().map(|p| p.policy).collect::<Vec<_>>()).expect("valid policies")
}

/// `connectivity --format json` without the file reads: parse, compute, render.
fn connectivity(workloads_text: &str, policies_text: &str) -> (usize, usize) {
    let workloads = read(&[Text { name: "workloads.yaml", text: workloads_text }]).expect("valid workloads");
    let cluster = Cluster::new(workloads);
    let net = Connectivity::compute(&cluster, &read_policies(policies_text));
    let entries = net.entries();
    let json = netpol_intent::connreport::json::entries(&cluster.workloads, &entries);
    (entries.len(), json.len())
}

/// The semantic diff of two policy sets over the same workloads.
fn semantic_diff(workloads_text: &str, a: &str, b: &str) -> (usize, usize) {
    let workloads = read(&[Text { name: "workloads.yaml", text: workloads_text }]).expect("valid workloads");
    let cluster = Cluster::new(workloads);
    let (pa, pb) = (read_policies(a), read_policies(b));
    let (before, after) = (Connectivity::compute(&cluster, &pa), Connectivity::compute(&cluster, &pb));
    let d = delta::diff(&before, &after);
    (d.opened.len(), d.closed.len())
}

fn write_for_other_tools(dir: &std::path::Path) {
    let (w, p) = (workloads(20, 8), policies(20, 8, false));
    for (sub, text) in [("topology", w), ("policies", p)] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::write(dir.join(sub).join(format!("{sub}.yaml")), text).unwrap();
    }
    println!(
        "wrote {}/topology and {}/policies: 20 namespaces, 160 workloads, 200 policies",
        dir.display(),
        dir.display()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--write") {
        return write_for_other_tools(std::path::Path::new(&args[i + 1]));
    }
    println!("workloads  namespaces  policies  connectivity  entries  semantic diff  opened/closed");
    for total in [500, 1_000, 2_000, 4_000, 8_000] {
        let namespaces = total / 20;
        let w = workloads(namespaces, 20);
        let (a, b) = (policies(namespaces, 20, false), policies(namespaces, 20, true));
        if total == 2_000 {
            support::reset_peak_rss();
        }
        let runs = if total >= 4_000 { 3 } else { 5 };
        let (t_conn, (entries, _)) = support::time(runs, || connectivity(&w, &a));
        let (t_diff, (opened, closed)) = support::time(runs, || semantic_diff(&w, &a, &b));
        println!(
            "{total:>9}  {namespaces:>10}  {:>8}  {:>12.2?}  {entries:>7}  {:>13.2?}  {opened}/{closed}",
            namespaces * 10,
            t_conn,
            t_diff
        );
        if total == 2_000 {
            support::show_peak_rss("the 2,000-workload runs (inputs, connectivity and diff)");
        }
    }
}
