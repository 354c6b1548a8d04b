//! How long `diff` takes on a large repository: an intent of about 10,000 policies, written with
//! `generate -o` into a temporary directory, then a few percent of the files changed, removed
//! or added, and the directory's `kustomization.yaml` made to list the files there (as a
//! change that edits the files by hand would). Each run reads the directory through its
//! kustomization, compares, and renders the text and JSON reports.
//!
//! `cargo bench --bench diff` prints the median and the spread of the runs, and the peak
//! resident memory of the process (VmHWM).

#[path = "../tests/common/large.rs"]
mod large;
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 5_000;
const RUNS: usize = 7;

/// Changes 2% of the policy files, deletes 0.5% and adds 0.5% stale ones of the intent.
fn drift(dir: &Path) -> (usize, usize, usize) {
    let mut files: Vec<_> = walk(dir).into_iter().filter(|p| !p.ends_with("kustomization.yaml")).collect();
    files.sort();
    let (mut changed, mut removed, mut added) = (0, 0, 0);
    for (i, file) in files.iter().enumerate() {
        if i % 50 == 0 {
            let text = std::fs::read_to_string(file).unwrap();
            if text.contains("port: 8080") {
                std::fs::write(file, text.replace("port: 8080", "port: 8081")).unwrap();
                changed += 1;
            }
        } else if i % 200 == 1 {
            std::fs::remove_file(file).unwrap();
            removed += 1;
        } else if i % 200 == 3 {
            let text = std::fs::read_to_string(file).unwrap();
            if !text.contains("name: allow-") {
                continue;
            }
            let stale = text.replace("name: allow-", "name: stale-allow-");
            std::fs::write(file.with_file_name(format!("stale-{i}.yaml")), stale).unwrap();
            added += 1;
        }
    }
    let mut listed: Vec<String> = walk(dir)
        .iter()
        .filter(|p| !p.ends_with("kustomization.yaml"))
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    listed.sort();
    let resources: String = listed.iter().map(|f| format!("- {f}\n")).collect();
    // Still netpol-intent's (its marker first), so that `--check` compares it too.
    let marker = netpol_intent::shell::outdir::KUSTOMIZATION_MARKER;
    std::fs::write(dir.join("kustomization.yaml"), format!("{marker}\nresources:\n{resources}")).unwrap();
    (changed, removed, added)
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn main() {
    let intent = large::connected_intent(CONNECTIONS);
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("policies");

    let start = Instant::now();
    let policies = netpol_intent::generate(&intent).expect("the intent is valid");
    let generated = start.elapsed();
    let start = Instant::now();
    let written = netpol_intent::shell::outdir::write(&dir, &["big"], &policies).expect("generate -o");
    println!(
        "generate: {} policies in {generated:.2?}; writing the directory: {:.2?} ({written})",
        policies.len(),
        start.elapsed()
    );
    let check = |what: &str| {
        let start = Instant::now();
        let checked = netpol_intent::shell::outdir::check(&dir, &["big"], &policies).expect("--check");
        let (stale, lines) = (checked.is_stale(), checked.diff.lines().count());
        println!(
            "generate -o --check of the {what} directory: {:.2?} (stale: {stale}, {lines} diff lines)",
            start.elapsed()
        );
    };
    check("written");
    let (changed, removed, added) = drift(&dir);
    println!("drift: {changed} files changed, {removed} removed, {added} stale added");
    check("drifted");

    support::show_peak_rss("the setup");
    support::reset_peak_rss();
    drop(policies);

    let mut times: Vec<Duration> = Vec::new();
    let mut sizes = (0, 0);
    for _ in 0..RUNS {
        let start = Instant::now();
        let sources =
            netpol_intent::shell::input::collect::collect(&dir, &mut std::io::empty()).expect("readable");
        let report = netpol_intent::diff(&intent, &sources, "default").expect("a report");
        let text = netpol_intent::report::text(&report, false);
        let json = netpol_intent::report::json(&report);
        times.push(start.elapsed());
        sizes = (text.len(), json.len());
        assert_eq!(report.added.len(), removed);
        assert_eq!(report.removed.len(), added);
        assert_eq!(report.changed.len(), changed);
    }
    times.sort();
    println!(
        "diff (read {} files + compare + text and json): median {:.2?}, min {:.2?}, max {:.2?} over {RUNS} runs",
        walk(&dir).len(),
        times[RUNS / 2],
        times[0],
        times[RUNS - 1]
    );
    println!("report sizes: text {} bytes, json {} bytes", sizes.0, sizes.1);
    support::show_peak_rss("the diff runs");
}
