//! `netpol-intent init`: a starting intent from manifests. The fixture `tests/init/manifests/`
//! holds a repository's manifests beside `kubectl get -o yaml` output (a `List` whose
//! ReplicaSets and Pods are owned); `tests/init/expected.yaml` is what `init` writes for it
//! (`UPDATE_GOLDEN=1` rewrites it). Every case checks meaning too: the intent decodes and
//! validates, generates only the baseline, and its commented examples, uncommented, are valid
//! and allow what they say.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use netpol_intent::intent::validate::ValidIntent;

fn init(args: &[&str], stdin: &str) -> common::Output {
    let mut all = vec!["init"];
    all.extend_from_slice(args);
    common::run(&all, stdin)
}

fn fixture() -> String {
    common::root().join("tests/init/manifests").display().to_string()
}

/// The intent `init` printed for `from`, checked to have succeeded.
fn started(from: &str) -> String {
    let out = init(&["--from", from], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

fn valid(text: &str) -> ValidIntent {
    netpol_intent::load(text).unwrap_or_else(|d| panic!("not a valid intent: {d:#?}\n{text}"))
}

/// The `(namespace, name)` of every policy `text` generates.
fn generated(text: &str) -> BTreeSet<(String, String)> {
    let policies = netpol_intent::generate(text).unwrap();
    policies
        .iter()
        .map(|p| (p.metadata.namespace.clone().unwrap(), p.metadata.name.clone().unwrap()))
        .collect()
}

/// The intent with its example block uncommented.
fn uncommented(text: &str) -> String {
    text.lines()
        .map(|l| match l.strip_prefix("  # ") {
            Some(rest)
                if rest.starts_with("connections:")
                    || rest.starts_with("hubs:")
                    || rest.starts_with("  ") =>
            {
                format!("  {rest}\n")
            }
            _ => format!("{l}\n"),
        })
        .collect()
}

fn baseline(namespaces: &[&str]) -> BTreeSet<(String, String)> {
    namespaces.iter().map(|ns| (ns.to_string(), "default-deny-all".to_string())).collect()
}

#[test]
fn the_fixture_gives_the_expected_intent_which_generates_only_the_baseline() {
    let from = "tests/init/manifests";
    let out = common::run(&["init", "--from", &fixture()], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.stdout.replace(&fixture(), from);
    common::golden(&common::root().join("tests/init/expected.yaml"), &text);
    assert_eq!(out.stderr, "init: 3 namespaces, 9 workloads, 2 left out (see its comments)\n");

    let intent = valid(&text);
    let spec = &intent.intent().spec;
    let namespaces: Vec<&str> = spec.namespaces.iter().map(|n| n.as_str()).collect();
    assert_eq!(namespaces, ["billing", "monitoring", "shop"], "kube-system is left out");
    assert_eq!(generated(&text), baseline(&namespaces));
    assert!(spec.dns.enabled && spec.connections.is_empty() && spec.hubs.is_empty());

    // One workload per controller: owned ReplicaSets and Pods are not workloads.
    let names: Vec<(&str, &str)> =
        spec.workloads.iter().map(|w| (w.namespace.as_str(), w.name.as_str())).collect();
    assert_eq!(
        names,
        [
            ("billing", "debug"),
            ("billing", "billing-frontend"),
            ("billing", "ledger-v2"),
            ("billing", "migrate"),
            ("billing", "payments"),
            ("monitoring", "log-agent"),
            ("shop", "db"),
            ("shop", "shop-frontend"),
            ("shop", "report"),
        ]
    );
    let selector = |name: &str| &intent.workload(name).pod_selector;
    // The controller's selector, both parts, not its template's labels (`role`, `version`).
    let db = selector("db");
    assert_eq!(db.match_labels.keys().collect::<Vec<_>>(), ["app"]);
    assert_eq!(db.match_expressions[0].key, "role");
    assert_eq!(db.match_expressions[0].values, ["primary", "replica"]);
    assert_eq!(selector("shop-frontend").match_labels.len(), 1);
    // A Job without labels: the label Kubernetes sets on its pods; a bare Pod: its labels.
    assert_eq!(selector("migrate").match_labels["batch.kubernetes.io/job-name"], "migrate");
    assert_eq!(selector("debug").match_labels["run"], "debug");
    assert!(text.contains("#   Pod billing/scratch: no labels to select it by\n"), "{text}");
}

#[test]
fn the_examples_use_the_workloads_names_and_allow_what_they_say() {
    let text = uncommented(&started(&fixture()));
    let intent = valid(&text);
    let spec = &intent.intent().spec;
    let c = &spec.connections[0];
    assert_eq!((c.from.names()[0].as_str(), c.to.names()[0].as_str()), ("billing-frontend", "payments"));
    assert_eq!(format!("{:?}", c.ports[0].port), "Some(Number(8443))", "the port payments listens on");
    assert_eq!(spec.hubs[0].workload.as_str(), "payments");
    let spokes: Vec<&str> = spec.hubs[0].spokes.iter().map(|s| s.as_str()).collect();
    assert_eq!(spokes, ["debug", "billing-frontend", "ledger-v2"]);
    let policies = generated(&text);
    for wanted in ["allow-billing-frontend-to-payments", "allow-payments-access"] {
        assert!(policies.contains(&("billing".to_string(), wanted.to_string())), "{wanted}: {policies:?}");
    }
}

#[test]
fn standard_input_and_one_workload_give_a_valid_intent_named_after_its_namespace() {
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n\
                    spec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n";
    let out = init(&["--from", "-"], manifest);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("written by `netpol-intent init` from -."), "{}", out.stdout);
    let intent = valid(&out.stdout);
    assert_eq!(intent.intent().name(), "default", "no namespace is `default`, as kubectl has it");
    assert_eq!(generated(&out.stdout), baseline(&["default"]));
    // Alone, the workload is its own hub's spoke through an access label, and its own peer.
    let examples = uncommented(&out.stdout);
    assert!(examples.contains("accessLabel: networking/allow-api-access"), "{examples}");
    assert_eq!(valid(&examples).intent().spec.connections[0].from.names()[0].as_str(), "api");

    let named = init(&["--from", "-", "--name", "payments-team"], manifest);
    assert_eq!(valid(&named.stdout).intent().name(), "payments-team");
    let bad = init(&["--from", "-", "--name", "Payments"], manifest);
    assert_eq!((bad.code, bad.stdout.as_str()), (2, ""));
    assert!(bad.stderr.contains("the intent's name `Payments` must hold only lowercase"), "{}", bad.stderr);
}

#[test]
fn clashing_dotted_and_long_names_become_unique_workload_names() {
    let long = format!("{}.{}", "a".repeat(40), "b".repeat(40));
    let deployment = |ns: &str, name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\n\
             spec:\n  selector: {{matchLabels: {{app: x}}}}\n  template: {{metadata: {{labels: {{app: x}}}}}}\n---\n"
        )
    };
    // `web` twice; `x.y` and `x-y` clash as themselves and again as `<namespace>-<name>`; the
    // long one is cut, with a hash.
    let manifests: String = [
        ("shop", "web"),
        ("staging", "web"),
        ("a", "b"),
        ("shop", "x.y"),
        ("shop", "x-y"),
        ("shop", long.as_str()),
    ]
    .iter()
    .map(|(ns, name)| deployment(ns, name))
    .collect();
    let text = started_from_stdin(&manifests);
    let intent = valid(&text);
    let names: Vec<&str> = intent.intent().spec.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names.len(), 6);
    assert_eq!(names.iter().collect::<BTreeSet<_>>().len(), 6, "unique: {names:?}");
    let cut = format!("{}-{}-f5e4207a", "a".repeat(40), "b".repeat(13));
    let expected = ["b", &cut, "shop-web", "shop-x-y-b96a5d4f", "shop-x-y-d052039f", "staging-web"];
    assert_eq!(names, expected);
    for name in &names {
        netpol_intent::k8s::names::dns_label(name).unwrap_or_else(|why| panic!("{name}: {why}"));
    }
    assert_eq!(cut.len(), 63);
    // Each says what it stands for.
    assert!(text.contains("# Deployment shop/x.y\n"), "{text}");
    assert!(text.contains(&format!("# Deployment shop/{long}\n")), "{text}");
    assert_eq!(started_from_stdin(&manifests), text, "deterministic");
    let documents: Vec<&str> = manifests.split_inclusive("---\n").collect();
    let reversed: String = documents.into_iter().rev().collect();
    assert_eq!(started_from_stdin(&reversed), text, "whatever the order of the documents");
}

fn started_from_stdin(manifests: &str) -> String {
    let out = init(&["--from", "-"], manifests);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn the_output_file_is_written_once_and_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("intent.yaml");
    let file = path.display().to_string();
    let out = init(&["--from", &fixture(), "-o", &file], "");
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    assert_eq!(out.stderr, format!("{file}: 3 namespaces, 9 workloads, 2 left out (see its comments)\n"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), started(&fixture()));
    assert_eq!(common::run(&["generate", &file], "").code, 0);

    std::fs::write(&path, "mine\n").unwrap();
    let again = init(&["--from", &fixture(), "-o", &file], "");
    assert_eq!((again.code, again.stdout.as_str()), (2, ""));
    assert_eq!(again.stderr, format!("error: {file} exists: init never overwrites a file\n"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine\n");
    // A dangling link is a file too; and nothing is left beside them.
    let link = tmp.path().join("link.yaml");
    std::os::unix::fs::symlink(tmp.path().join("nowhere"), &link).unwrap();
    assert_eq!(init(&["--from", &fixture(), "-o", &link.display().to_string()], "").code, 2);
    assert!(!tmp.path().join("nowhere").exists());
    assert_eq!(common::tree(tmp.path(), &[]), [Path::new("intent.yaml"), Path::new("link.yaml")]);

    // --quiet drops the summary, never an error.
    let quiet = tmp.path().join("quiet.yaml").display().to_string();
    let out = common::run(&["--quiet", "init", "--from", &fixture(), "-o", &quiet], "");
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let out = common::run(&["init", "--quiet", "--from", &fixture(), "-o", &quiet], "");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("exists: init never overwrites a file"), "{}", out.stderr);
}

#[test]
fn manifests_kubernetes_would_refuse_are_errors_and_nothing_is_written() {
    let cases = [
        ("apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: on}}\n", "`on` is true (a boolean) to kubectl"),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchExpressions: [{key: a, operator: Near}]}\n  template: {}\n",
            "operator",
        ),
        ("apiVersion: v1\nkind: Pod\nmetadata: {name: P_1}\n", "Pod name `P_1`"),
        ("kind: [\n", "error[invalid-workload]"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "holds no Namespace and no workload"),
        (
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system}\n",
            "holds no Namespace and no workload outside the system namespaces",
        ),
    ];
    for (manifest, wanted) in cases {
        let out = init(&["--from", "-"], manifest);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{manifest}");
        assert!(out.stderr.contains(wanted), "{manifest}: {}", out.stderr);
    }
    let out = init(&["--from", "/no/such/dir"], "");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("/no/such/dir"), "{}", out.stderr);
}

/// Every workloads file of the shared conformance corpus (real applications' manifests among
/// them) gives a valid intent that generates only the baseline.
#[test]
fn every_conformance_case_gives_a_valid_baseline_intent() {
    let corpus = common::root().join("../shared/conformance");
    if !corpus.is_dir() {
        assert!(std::env::var_os("CI").is_none(), "CI has the corpus at {}", corpus.display());
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    }
    let mut cases = 0;
    for case in std::fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()) {
        let workloads = case.join("workloads.yaml");
        if !workloads.is_file() {
            continue;
        }
        cases += 1;
        let text = started(&workloads.display().to_string());
        let intent = valid(&text);
        let namespaces: Vec<&str> = intent.intent().spec.namespaces.iter().map(|n| n.as_str()).collect();
        assert_eq!(generated(&text), baseline(&namespaces), "{}", case.display());
        if !intent.intent().spec.workloads.is_empty() {
            valid(&uncommented(&text));
        }
    }
    assert!(cases >= 100, "{cases} cases");
}

/// Names YAML 1.1 readers take for booleans or numbers (`on`, `y`, `123` are DNS labels) are
/// written quoted, so the intent reads back as the names it was made from.
#[test]
fn names_that_look_like_booleans_or_numbers_are_quoted() {
    let manifests = "apiVersion: v1\nkind: Namespace\nmetadata: {name: \"on\"}\n---\n\
                     apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: \"y\", namespace: \"on\"}\n\
                     spec: {selector: {matchLabels: {app: \"no\"}}, template: {metadata: {labels: {app: \"no\"}}}}\n---\n\
                     apiVersion: v1\nkind: Pod\nmetadata: {name: \"123\", namespace: \"on\", labels: {app: \"123\"}}\n";
    let out = init(&["--from", "-"], manifests);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let intent = valid(&out.stdout);
    let names: Vec<(&str, &str)> =
        intent.intent().spec.workloads.iter().map(|w| (w.name.as_str(), w.namespace.as_str())).collect();
    assert_eq!(names, [("123", "on"), ("y", "on")], "{}", out.stdout);
}
