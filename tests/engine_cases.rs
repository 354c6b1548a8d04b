//! The engine's cases: each folder of `tests/engine/` holds `policies.yaml`, `workloads.yaml`,
//! `about.md` (what it shows, and the Kubernetes docs or API source that decides it) and either
//! `expected.json` (every allowed connection, in the conformance format, written by hand) or
//! `expected.stderr` (the error). Adding a case needs no code.
//!
//! For each case with connections: `connectivity --format json` must mean exactly
//! `expected.json` (compared as `../shared/conformance/check.py` compares); `explain` must agree
//! with it on every pair of workloads and on a few addresses; and the text listing is golden
//! (`expected.txt`, rewritten by `UPDATE_GOLDEN=1`).

mod common;

use std::path::Path;

use common::connlist::ConnList;
use netpol_intent::engine::explain::{explain, End};
use netpol_intent::engine::{Cluster, Connectivity};

fn cases() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(common::root().join("tests/engine"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 15, "expected the engine cases");
    dirs
}

/// Runs `connectivity` on a case's files.
fn connectivity(dir: &Path, format: &str) -> common::Output {
    let (p, w) = (dir.join("policies.yaml"), dir.join("workloads.yaml"));
    let args = ["connectivity", "--policies", p.to_str().unwrap(), "--workloads", w.to_str().unwrap()];
    common::run(&[&args[..], &["--format", format]].concat(), "")
}

#[test]
fn every_case_allows_exactly_what_it_expects() {
    let mut failures = Vec::new();
    for dir in cases() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            dir.join("about.md").is_file(),
            "{name}: about.md says what the case shows and what decides it"
        );
        if dir.join("expected.stderr").is_file() {
            let out = connectivity(&dir, "json");
            assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{name}: an error, nothing on stdout");
            common::golden(
                &dir.join("expected.stderr"),
                &out.stderr.replace(&format!("{}/", dir.display()), ""),
            );
            continue;
        }
        let out = connectivity(&dir, "json");
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let expected = std::fs::read_to_string(dir.join("expected.json")).unwrap();
        let differences = ConnList::parse(&expected).differences(&ConnList::parse(&out.stdout));
        if !differences.is_empty() {
            failures.push(format!("{name}:\n  {}", differences.join("\n  ")));
        }
        let text = connectivity(&dir, "text");
        common::golden(&dir.join("expected.txt"), &text.stdout);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn explain_agrees_with_connectivity_in_every_case() {
    let addresses = ["8.8.8.8", "10.1.2.3", "192.168.1.10", "172.16.5.5"].map(|a| a.parse().unwrap());
    for dir in cases().into_iter().filter(|d| d.join("expected.json").is_file()) {
        let mut stdin = std::io::empty();
        let workloads =
            netpol_intent::shell::cli::analyze::read_workloads(&dir.join("workloads.yaml"), &mut stdin)
                .unwrap();
        let policies = netpol_intent::shell::cli::analyze::read_policies(
            &dir.join("policies.yaml"),
            "default",
            &mut stdin,
        )
        .unwrap();
        let cluster = Cluster::new(workloads.clone());
        let net = Connectivity::compute(&cluster, &policies);
        let w = &workloads.workloads;
        let check = |s: End, d: End, got: &netpol_intent::engine::ConnSet, what: &str| {
            let e = explain(&workloads, &policies, s, d);
            assert_eq!(&e.allowed, got, "{}: explain and connectivity disagree on {what}", dir.display());
        };
        for (i, src) in w.iter().enumerate() {
            for (j, dst) in w.iter().enumerate().filter(|(j, _)| *j != i) {
                check(
                    End::Workload(src),
                    End::Workload(dst),
                    net.between(i, j),
                    &format!("{} -> {}", src.id(), dst.id()),
                );
            }
            for ip in addresses {
                let to =
                    net.to_addresses(i).into_iter().find(|(s, _)| s.contains(ip)).map(|(_, c)| c.clone());
                let from =
                    net.from_addresses(i).into_iter().find(|(s, _)| s.contains(ip)).map(|(_, c)| c.clone());
                check(
                    End::Workload(src),
                    End::Address(ip),
                    &to.unwrap_or_default(),
                    &format!("{} -> {ip}", src.id()),
                );
                check(
                    End::Address(ip),
                    End::Workload(src),
                    &from.unwrap_or_default(),
                    &format!("{ip} -> {}", src.id()),
                );
            }
        }
    }
}

#[test]
fn the_connection_lists_compare_by_meaning() {
    // The comparison itself: ranges merge, duplicates union, self pairs and order do not count.
    let a = r#"[{"src":"a/x","dst":"b/y","allowed":[{"protocol":"TCP","from":80,"to":81}]},
                {"src":"a/x","dst":"a/x","allowed":[{"protocol":"UDP"}]},
                {"src":"a/x","dst":"10.0.0.0/8","allowed":[{"protocol":"UDP","port":53}]}]"#;
    let b = r#"[{"src":"a/x","dst":"10.0.0.0-10.127.255.255,10.128.0.0/9","allowed":[{"protocol":"UDP","port":53}]},
                {"src":"a/x","dst":"b/y","allowed":[{"protocol":"TCP","port":81}]},
                {"src":"a/x","dst":"b/y","allowed":[{"protocol":"TCP","port":80}]}]"#;
    assert!(ConnList::parse(a).differences(&ConnList::parse(b)).is_empty());
    let c = r#"[{"src":"a/x","dst":"10.0.0.0/9","allowed":[{"protocol":"UDP","port":53}]}]"#;
    assert_eq!(
        ConnList::parse(a).differences(&ConnList::parse(c)),
        ["MISSING a/x -> b/y: TCP 80-81", "MISSING a/x -> 10.128.0.0/9: UDP 53"]
    );
    assert!(Path::new(&common::root().join("tests/engine")).is_dir());
}

#[test]
fn inputs_are_files_directories_standard_input_or_an_intent() {
    // A case's folder as both inputs (each reader ignores the other's kinds), and the policies
    // from standard input: the same connections.
    let dir = common::root().join("tests/engine/and-vs-or-peers");
    let expected = ConnList::parse(&std::fs::read_to_string(dir.join("expected.json")).unwrap());
    let d = dir.to_str().unwrap();
    let out = common::run(&["connectivity", "--policies", d, "--workloads", d, "--format", "json"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(expected.differences(&ConnList::parse(&out.stdout)).is_empty(), "{}", out.stdout);
    let policies = std::fs::read_to_string(dir.join("policies.yaml")).unwrap();
    let out =
        common::run(&["connectivity", "--policies", "-", "--workloads", d, "--format", "json"], &policies);
    assert!(expected.differences(&ConnList::parse(&out.stdout)).is_empty(), "{}", out.stdout);
    let out = common::run(&["connectivity", "--policies", "-", "--workloads", "-"], "");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "error: `--policies` and `--workloads` cannot both be standard input\n")
    );
    // An intent file stands for the policies it generates.
    let hub = common::root().join("examples/hub-and-spoke");
    let (intent, workloads) = (hub.join("intent.yaml"), hub.join("workloads.yaml"));
    let generated = common::run(&["generate", intent.to_str().unwrap()], "").stdout;
    let from_intent = common::run(
        &["connectivity", "--policies", intent.to_str().unwrap(), "--workloads", workloads.to_str().unwrap()],
        "",
    );
    let from_policies = common::run(
        &["connectivity", "--policies", "-", "--workloads", workloads.to_str().unwrap()],
        &generated,
    );
    assert_eq!(from_intent.stdout, from_policies.stdout);
    assert!(
        from_intent.stdout.contains("orders/orders-api\n  → data/postgres        TCP 5432\n"),
        "{}",
        from_intent.stdout
    );
    // A file that looks like an intent, as `discover` sees one (the intent's apiVersion, a
    // misspelt kind), is read as one and refused, never read as holding no policies.
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("intent.yaml");
    let text =
        std::fs::read_to_string(&intent).unwrap().replacen("kind: NetworkIntent", "kind: NetworkIntnt", 1);
    std::fs::write(&bad, text).unwrap();
    let out = common::run(
        &["connectivity", "--policies", bad.to_str().unwrap(), "--workloads", workloads.to_str().unwrap()],
        "",
    );
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{}", out.stderr);
    assert!(out.stderr.starts_with("error[wrong-kind]: "), "{}", out.stderr);
    assert!(out.stderr.contains("kind: NetworkIntnt\n  |       ^^^^^^^^^^^^"), "{}", out.stderr);
}

#[test]
fn explain_names_unknown_workloads_and_bad_ports() {
    let hub = common::root().join("examples/hub-and-spoke");
    let (p, w) = (hub.join("intent.yaml"), hub.join("workloads.yaml"));
    let (p, w) = (p.to_str().unwrap(), w.to_str().unwrap());
    let out = common::run(
        &["explain", "orders/orders-apl", "data/postgres", "--policies", p, "--workloads", w],
        "",
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: `orders/orders-apl` is neither a workload (namespace/name) nor an IP address; did you mean `orders/orders-api`?\n"
    );
    let out = common::run(
        &["explain", "orders/orders-api", "data/postgres", "5432/ICMP", "--policies", p, "--workloads", w],
        "",
    );
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    let out = common::run(
        &["explain", "orders/orders-api", "data/postgres", "5432", "--policies", p, "--workloads", w],
        "",
    );
    assert!(
        out.stdout.starts_with("orders/orders-api → data/postgres on TCP 5432: allowed\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("      egress[0]: to[0] holds data/postgres; admits TCP 5432\n"),
        "{}",
        out.stdout
    );
}
