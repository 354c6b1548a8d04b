//! Benchmark of `generate` over a large generated intent: 1,000 namespaces, 10,000 workloads,
//! 5,000 connections and 200 hubs, with Ingress and Egress isolated.
//!
//! `cargo bench --bench generate` prints the median of several runs for each stage and the
//! process's peak resident memory. Plain Rust, no harness: the figures are for reports, not
//! assertions.

mod support;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

const NAMESPACES: usize = 1_000;
const WORKLOADS: usize = 10_000;
const CONNECTIONS: usize = 5_000;
const HUBS: usize = 200;
const RUNS: usize = 7;

/// A large, valid intent. Deterministic: workload `i` lives in namespace `i % NAMESPACES`;
/// one namespace in ten is left unmanaged so that both cross-namespace cases occur.
fn large_intent() -> String {
    let mut s = String::new();
    s.push_str(
        "apiVersion: netpol-intent.dev/v1alpha1\nkind: NetworkIntent\nmetadata:\n  name: bench\nspec:\n",
    );
    s.push_str("  isolation: [Ingress, Egress]\n  sameNamespace: true\n  namespaces:\n");
    for n in (0..NAMESPACES).filter(|n| n % 10 != 9) {
        writeln!(s, "  - ns-{n}").unwrap();
    }
    s.push_str("  internet:\n    ingress: {}\n    egress: {ports: [{port: 443}]}\n");
    s.push_str("  newWorkloads: {}\n  workloads:\n");
    for w in 0..WORKLOADS {
        writeln!(
            s,
            "  - name: w-{w}\n    namespace: ns-{}\n    podSelector:\n      matchLabels: {{app: app-{w}, tier: t{}}}",
            w % NAMESPACES,
            w % 3
        )
        .unwrap();
    }
    s.push_str("  hubs:\n");
    for h in 0..HUBS {
        let spokes: Vec<String> = (1..=5).map(|k| format!("w-{}", (h * 37 + k * 101) % WORKLOADS)).collect();
        writeln!(
            s,
            "  - workload: w-{h}\n    ports: [{{port: 5432}}]\n    spokes: [{}]\n    accessLabel: access/hub-{h}",
            spokes.join(", ")
        )
        .unwrap();
    }
    s.push_str("  servers:\n  - workload: w-1\n    targetLabel: networking/allow-scraper\n    ports: [{port: metrics}]\n");
    s.push_str("  connections:\n");
    for c in 0..CONNECTIONS {
        let (from, to) = (c * 7 % WORKLOADS, (c * 13 + 1) % WORKLOADS);
        writeln!(s, "  - {{from: w-{from}, to: w-{to}, ports: [{{port: {}}}]}}", 1000 + c % 5000).unwrap();
    }
    s
}

/// Runs the release binary's `generate` on `path` once: its wall time and its peak RSS, read
/// from /proc every millisecond while it runs (VmHWM is a high-water mark, so the last reading
/// before exit holds the peak of all but the final millisecond).
fn run_binary(path: &std::path::Path) -> (Duration, f64) {
    let start = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_netpol-intent"))
        .arg("generate")
        .arg(path)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the binary runs");
    let pid = child.id().to_string();
    let mut peak = 0.0f64;
    loop {
        if let Some(mib) = support::peak_rss_mib(&pid) {
            peak = peak.max(mib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "generate failed");
            return (start.elapsed(), peak);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn main() {
    let text = large_intent();
    println!("intent: {} KiB, {} lines", text.len() / 1024, text.lines().count());

    let (t_load, valid) =
        support::time(RUNS, || netpol_intent::load(&text).expect("the bench intent is valid"));
    let (t_expand, policies) = support::time(RUNS, || netpol_intent::policy::expand::expand(&valid));
    let (t_render, yaml) = support::time(RUNS, || netpol_intent::policy::render::to_yaml(&policies));
    let (t_total, _) = support::time(RUNS, || {
        let policies = netpol_intent::generate(&text).expect("valid");
        netpol_intent::policy::render::to_yaml(&policies)
    });
    println!("policies: {}, output: {} MiB", policies.len(), yaml.len() / (1024 * 1024));
    println!("median of {RUNS} runs:");
    println!("  parse+validate  {t_load:>10.1?}");
    println!("  expand          {t_expand:>10.1?}");
    println!("  render          {t_render:>10.1?}");
    println!("  generate total  {t_total:>10.1?}");
    drop((valid, policies, yaml));

    let file = std::env::temp_dir().join(format!("netpol-intent-bench-{}.yaml", std::process::id()));
    std::fs::write(&file, &text).expect("write the bench intent");
    let runs: Vec<(Duration, f64)> = (0..RUNS).map(|_| run_binary(&file)).collect();
    let _ = std::fs::remove_file(&file);
    let wall = support::median(runs.iter().map(|r| r.0).collect());
    let peak = runs.iter().map(|r| r.1).fold(0.0, f64::max);
    println!("the binary, `netpol-intent generate FILE > /dev/null`:");
    println!("  wall time       {wall:>10.1?} (median of {RUNS}, process start included)");
    println!("  peak RSS        {peak:>8.0} MiB");
}
