//! Benchmark of the KRM function over a large ResourceList: 20,000 items (Deployments,
//! ConfigMaps and Services with kpt's annotations, and the NetworkPolicies an earlier run
//! generated), with an intent over 100 namespaces.
//!
//! `cargo bench --bench krm` prints the median wall time of several runs of `krm::run`, and
//! the process's peak resident memory (VmHWM). Plain Rust, no harness: the figures are for
//! reports, not assertions.

mod support;

use std::fmt::Write as _;
use std::time::Instant;

const ITEMS: usize = 20_000;
const NAMESPACES: usize = 100;
const RUNS: usize = 7;

/// kpt's bookkeeping annotations for item `i` of file `path`.
fn kpt_annotations(s: &mut String, path: &str, index: usize, i: usize) {
    writeln!(
        s,
        "    annotations:\n      config.kubernetes.io/index: '{index}'\n      config.kubernetes.io/path: '{path}'\n      \
         internal.config.kubernetes.io/index: '{index}'\n      internal.config.kubernetes.io/path: '{path}'\n      \
         internal.config.kubernetes.io/seqindent: 'compact'\n      internal.config.kubernetes.io/id: '{i}'\n      \
         config.k8s.io/id: '{i}'"
    )
    .unwrap();
}

/// The intent: every namespace managed, two workloads each, one connection between them.
fn intent(s: &mut String, indent: &str) {
    let mut intent = String::from(
        "apiVersion: netpol-intent.dev/v1alpha1\nkind: NetworkIntent\nmetadata:\n  name: bench\nspec:\n  \
         isolation: [Ingress, Egress]\n  namespaces:\n",
    );
    for n in 0..NAMESPACES {
        writeln!(intent, "  - ns-{n}").unwrap();
    }
    intent.push_str("  workloads:\n");
    for n in 0..NAMESPACES {
        for app in ["web", "db"] {
            writeln!(
                intent,
                "  - {{name: {app}-{n}, namespace: ns-{n}, podSelector: {{matchLabels: {{app: {app}}}}}}}"
            )
            .unwrap();
        }
    }
    intent.push_str("  connections:\n");
    for n in 0..NAMESPACES {
        writeln!(intent, "  - {{from: web-{n}, to: db-{n}, ports: [{{port: 5432}}]}}").unwrap();
    }
    for line in intent.lines() {
        writeln!(s, "{indent}{line}").unwrap();
    }
}

/// A ResourceList as `kpt fn render` sends it, and how many of its items are policies.
fn resource_list() -> (String, usize) {
    // The output of a first run holds the policies; feed their text back in as items.
    let mut first =
        String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n");
    intent(&mut first, "  ");
    let generated = netpol_intent::shell::krm::run(&first);
    assert_eq!(generated.exit_code, 0, "{}", generated.log);
    let policies = generated.output.split("\n- apiVersion: networking.k8s.io/v1\n").count() - 1;
    let items_text = &generated.output[generated.output.find("items:\n").unwrap() + 7..];
    let policy_text = &items_text[..items_text.find("functionConfig:").unwrap()];

    let mut s = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n");
    for i in 0..ITEMS - policies {
        let ns = i % NAMESPACES;
        match i % 3 {
            0 => {
                writeln!(s, "- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: app-{i}\n    namespace: ns-{ns}")
                    .unwrap();
                kpt_annotations(&mut s, &format!("ns-{ns}/app-{i}.yaml"), 0, i);
                writeln!(
                    s,
                    "  spec:\n    replicas: 2 # two for rolling updates\n    selector:\n      matchLabels: {{app: app-{i}}}\n    \
                     template:\n      metadata:\n        labels: {{app: app-{i}, tier: \"backend\"}}\n      spec:\n        \
                     containers:\n        - name: app\n          image: registry.example/app:{i}\n          \
                     ports: [{{containerPort: 8080}}]\n          env:\n          - {{name: MODE, value: \"0755\"}}"
                )
                .unwrap();
            }
            1 => {
                writeln!(s, "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: config-{i}\n    namespace: ns-{ns}")
                    .unwrap();
                kpt_annotations(&mut s, &format!("ns-{ns}/app-{}.yaml", i - 1), 1, i);
                writeln!(
                    s,
                    "  data:\n    umask: \"0755\"\n    enabled: \"yes\"\n    big: 123456789012345678901234567890\n    \
                     script: |\n      #!/bin/sh\n      echo café {i}\n"
                )
                .unwrap();
            }
            _ => {
                writeln!(s, "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: svc-{i}\n    namespace: ns-{ns}")
                    .unwrap();
                kpt_annotations(&mut s, &format!("ns-{ns}/app-{}.yaml", i - 2), 2, i);
                writeln!(s, "  spec:\n    selector: {{app: app-{}}}\n    ports:\n    - port: 80\n      targetPort: 8080", i - 2)
                    .unwrap();
            }
        }
    }
    s.push_str(policy_text);
    s.push_str("functionConfig:\n");
    intent(&mut s, "  ");
    (s, policies)
}

fn main() {
    let (input, policies) = resource_list();
    println!(
        "ResourceList: {ITEMS} items ({policies} of them policies of an earlier run), {:.1} MiB",
        input.len() as f64 / (1024.0 * 1024.0)
    );
    let mut times = Vec::with_capacity(RUNS);
    let mut output = String::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let run = std::hint::black_box(netpol_intent::shell::krm::run(std::hint::black_box(&input)));
        times.push(start.elapsed());
        assert_eq!(run.exit_code, 0, "{}", run.log);
        output = run.output;
    }
    assert!(output.contains(&format!("{policies} unchanged")), "the policies are passed through");
    println!("krm::run, median of {RUNS}: {:>8.1?}", support::median(times));
    support::show_peak_rss("the runs");
}
