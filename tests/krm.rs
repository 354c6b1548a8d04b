//! The KRM function, driven through the command line with no arguments, as kpt and kustomize
//! run it. Each `tests/krm/CASE/` holds `input.yaml` (or `input.json`), a ResourceList shaped
//! as an orchestrator sends it, and `expected.yaml`, the ResourceList the function must print.
//! Adding a case needs no code: drop in an input and run with `UPDATE_GOLDEN=1` once. Every
//! case is also checked for what must hold of any run (see [`check_invariants`]).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use netpol_intent::yaml::{self, Node};

/// Every case directory, sorted.
fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(common::root().join("tests/krm"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    assert!(out.len() >= 10, "expected the KRM cases in tests/krm, found {out:?}");
    out
}

fn input_of(case: &Path) -> String {
    let path = ["input.yaml", "input.json"]
        .iter()
        .map(|f| case.join(f))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{} has no input.yaml or input.json", case.display()));
    std::fs::read_to_string(path).unwrap()
}

fn parse_one(text: &str) -> Node {
    // serde-saphyr reads the ResourceList, and its results, as the crate does.
    common::readback::agree(text);
    common::readback::results(text);
    let mut docs = yaml::parse(text, &Default::default()).expect("the output is YAML");
    assert_eq!(docs.len(), 1, "one document");
    docs.remove(0)
}

fn str_at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(node, |n, key| n.get(key))?.as_str()
}

fn annotation<'a>(item: &'a Node, key: &str) -> Option<&'a str> {
    item.get("metadata")?.get("annotations")?.get(key)?.as_str()
}

/// The results of an output ResourceList, as (severity, message) pairs.
fn results(list: &Node) -> Vec<(String, String)> {
    let results = list.get("results").and_then(Node::as_seq).unwrap_or_default();
    results
        .iter()
        .map(|r| {
            let severity = str_at(r, &["severity"]).expect("every result has a severity");
            let message = str_at(r, &["message"]).expect("every result has a message");
            (severity.to_string(), message.to_string())
        })
        .collect()
}

/// The `items:` section of a ResourceList's text, up to the next top-level key.
fn items_section(text: &str) -> &str {
    let start = text.find("\nitems:").map(|i| i + 1).expect("an items key");
    let mut end = start + text[start..].find('\n').unwrap() + 1;
    for line in text[end..].split_inclusive('\n') {
        if !(line.starts_with([' ', '-', '\n'])) {
            break;
        }
        end += line.len();
    }
    &text[start..end]
}

#[test]
fn every_case_matches_its_expected_output() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let input = input_of(&case);
        let out = common::run(&[], &input);
        common::golden(&case.join("expected.yaml"), &out.stdout);
        check_invariants(&name, &input, &out);
    }
}

/// What holds of every run: the output is a ResourceList whose results explain the exit
/// status and stderr; items other than NetworkPolicies keep their values and order; generated
/// text holds no `${`; and a successful run, fed its own output, changes no item.
fn check_invariants(name: &str, input: &str, out: &common::Output) {
    let list = parse_one(&out.stdout);
    assert_eq!(str_at(&list, &["kind"]), Some("ResourceList"), "{name}");
    let items = list.get("items").and_then(Node::as_seq).expect("items is a list");
    let results = results(&list);
    assert!(!results.is_empty(), "{name}: every run reports something");
    for (severity, _) in &results {
        assert!(["error", "warning", "info"].contains(&severity.as_str()), "{name}: severity {severity}");
    }
    let errors = results.iter().any(|(s, _)| s == "error");
    assert_eq!(out.code, i32::from(errors), "{name}: exit status 1 exactly when there are error results");
    let loud: Vec<&(String, String)> = results.iter().filter(|(s, _)| s != "info").collect();
    assert_eq!(out.stderr.is_empty(), loud.is_empty(), "{name}: stderr:\n{}", out.stderr);
    for (_, message) in loud {
        let words = message.split(" (help: ").next().unwrap();
        assert!(out.stderr.contains(words), "{name}: stderr lacks `{words}`:\n{}", out.stderr);
    }

    // Items that are not NetworkPolicies come out with the same values, in the same order,
    // but for the copy of its config that kustomize gives a generator.
    if let Ok(docs) = yaml::parse(input, &Default::default()) {
        if let Some(input_items) = docs.first().and_then(|d| d.get("items")).and_then(Node::as_seq) {
            let is_config_copy = |n: &Node| {
                str_at(n, &["kind"]) == Some("NetworkIntent")
                    && annotation(n, "config.kubernetes.io/local-config") == Some("true")
                    && annotation(n, "internal.config.kubernetes.io/path").is_none()
            };
            let not_policies = |items: &[Node], skip_config: bool| -> Vec<Node> {
                items
                    .iter()
                    .filter(|n| str_at(n, &["kind"]) != Some("NetworkPolicy"))
                    .filter(|n| !(skip_config && is_config_copy(n)))
                    .cloned()
                    .collect()
            };
            let before = not_policies(input_items, !errors && items.len() != input_items.len());
            let after = not_policies(items, false);
            assert_eq!(before.len(), after.len(), "{name}: items lost or added");
            for (b, a) in before.iter().zip(&after) {
                assert!(a.eq_ignoring_spans(b), "{name}: item changed: {}", yaml::emit_one(a));
            }
        }
    }

    let mut keys = BTreeSet::new();
    for item in items.iter().filter(|n| str_at(n, &["kind"]) == Some("NetworkPolicy")) {
        let key = (str_at(item, &["metadata", "namespace"]), str_at(item, &["metadata", "name"]));
        // A successful run leaves one policy per key (a failed one leaves the items alone).
        assert!(keys.insert(key) || out.code != 0, "{name}: policy {key:?} twice");
        if annotation(item, "netpol-intent.dev/intent").is_some() {
            assert!(!yaml::emit_one(item).contains("${"), "{name}: `${{` in a generated policy");
        }
    }

    if out.code == 0 {
        let again = common::run(&[], &out.stdout);
        assert_eq!(again.code, 0, "{name}: second run: {}", again.stderr);
        assert_eq!(
            items_section(&again.stdout),
            items_section(&out.stdout),
            "{name}: a second run changed items"
        );
    }
}

#[test]
fn check_mode_writes_the_items_byte_for_byte() {
    for case in ["check-drift", "check-up-to-date", "check-flow-and-json-items"] {
        let input = input_of(&common::root().join("tests/krm").join(case));
        let out = common::run(&[], &input);
        assert_eq!(items_section(&out.stdout), items_section(&input), "{case}");
    }
}

#[test]
fn check_mode_reports_each_policy_added_changed_or_removed() {
    let out = common::run(&[], &input_of(&common::root().join("tests/krm/check-drift")));
    assert_eq!(out.code, 1);
    let list = parse_one(&out.stdout);
    let errors: Vec<String> =
        results(&list).into_iter().filter(|(s, _)| s == "error").map(|(_, m)| m).collect();
    let about = |policy: &str, words: &str| errors.iter().any(|m| m.contains(policy) && m.contains(words));
    assert!(about("billing/allow-web-to-payments", "is missing"), "{errors:#?}");
    assert!(about("shop/internet-access-web", "differs"), "{errors:#?}");
    assert!(about("billing/allow-web-to-legacy", "not generated"), "{errors:#?}");
    assert!(about("shop/default-deny-all", "not generated"), "the duplicate: {errors:#?}");
    assert_eq!(errors.len(), 4, "formatting is no drift: {errors:#?}");
}

/// Check mode judges connections among the package's Namespaces and workloads: each danger is
/// an error about the policy it names, a workload left with no ingress a warning about it, and
/// each connection opened or closed an info about its destination workload, with its file.
#[test]
fn check_mode_reports_the_dangers_and_connections_among_the_package_workloads() {
    let out = common::run(&[], &input_of(&common::root().join("tests/krm/check-connections")));
    assert_eq!(out.code, 1);
    let list = parse_one(&out.stdout);
    let tagged: Vec<(String, String, String, String)> = list
        .get("results")
        .and_then(Node::as_seq)
        .unwrap()
        .iter()
        .filter_map(|r| {
            let code = str_at(r, &["tags", "code"])?;
            let about = str_at(r, &["resourceRef", "name"]).unwrap_or_default();
            let file = str_at(r, &["file", "path"]).unwrap_or_default();
            Some((
                code.to_string(),
                str_at(r, &["severity"])?.to_string(),
                about.to_string(),
                file.to_string(),
            ))
        })
        .collect();
    let has = |code: &str, severity: &str, about: &str, file: &str| {
        tagged.iter().any(|t| {
            (t.0.as_str(), t.1.as_str(), t.2.as_str(), t.3.as_str()) == (code, severity, about, file)
        })
    };
    assert!(has("widens-access", "error", "allow-debug", "debug-policy.yaml"), "{tagged:#?}");
    assert!(
        has(
            "namespace-isolation-lost",
            "error",
            "default-deny-all",
            "network-policies/billing/default-deny-all.yaml"
        ),
        "{tagged:#?}"
    );
    assert!(
        has("pod-isolation-lost", "error", "allow-api-to-db", "network-policies/legacy/allow-api-to-db.yaml"),
        "{tagged:#?}"
    );
    assert!(has("unreachable", "warning", "debug", "apps.yaml"), "{tagged:#?}");
    assert!(has("connection-opened", "info", "db", "apps.yaml"), "{tagged:#?}");
    assert!(has("connection-closed", "info", "debug", "apps.yaml"), "{tagged:#?}");
    let messages: Vec<(String, String)> = results(&list);
    assert!(
        messages.iter().any(|(s, m)| s == "info"
            && m == "connections: 12 opened, 12 closed, 6 widening, among the 5 workloads of the package and a new pod in the managed namespace"),
        "{messages:#?}"
    );
}

#[test]
fn hostile_items_come_out_byte_for_byte() {
    let input = input_of(&common::root().join("tests/krm/hostile-passthrough"));
    let out = common::run(&[], &input);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let items = items_section(&input);
    assert!(
        items_section(&out.stdout).starts_with(items),
        "the items must be passed through as written:\n{}",
        out.stdout
    );
}

/// The words of an invalid intent's results are those the command line prints for the same
/// intent file, and they point at the same field.
#[test]
fn invalid_intent_results_use_the_words_of_the_command_line() {
    let case = common::root().join("tests/errors/unknown-field.yaml");
    let intent = std::fs::read_to_string(&case).unwrap();
    let cli = common::run(&["generate", case.to_str().unwrap()], "");
    assert_eq!(cli.code, 2);
    let indented: String = intent.lines().map(|l| format!("  {l}\n")).collect();
    let list = format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n{indented}"
    );
    let out = common::run(&[], &list);
    assert_eq!(out.code, 1);
    let output = parse_one(&out.stdout);
    let results = output.get("results").and_then(Node::as_seq).unwrap();
    let cli_errors: Vec<&str> = cli.stderr.lines().filter(|l| l.starts_with("error[")).collect();
    assert_eq!(results.len(), cli_errors.len(), "{}", out.stdout);
    for (line, result) in cli_errors.iter().zip(results) {
        let field = str_at(result, &["field", "path"]).expect("a field path");
        let message = str_at(result, &["message"]).unwrap();
        let words = message.split(" (help: ").next().unwrap();
        assert!(line.ends_with(&format!(" {field}: {words}")), "{line} vs {field}: {message}");
        assert_eq!(str_at(result, &["severity"]), Some("error"));
    }
    assert!(out.stdout.contains("help: did you mean `podSelector`?"), "{}", out.stdout);
}

#[test]
fn no_arguments_on_a_terminal_prints_help() {
    let out = common::run_with(&[], b"", true);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("Turns a NetworkIntent file"), "{}", out.stdout);
    assert!(out.stdout.contains("KRM function"), "{}", out.stdout);
}

#[test]
fn the_krm_subcommand_is_the_no_argument_mode() {
    let input = input_of(&common::root().join("tests/krm/kpt-first-run"));
    let bare = common::run(&[], &input);
    let named = common::run(&["krm"], &input);
    assert_eq!(bare.code, 0);
    assert_eq!((bare.code, &bare.stdout, &bare.stderr), (named.code, &named.stdout, &named.stderr));
    // With `krm`, a terminal on standard input does not mean help.
    let named_on_terminal = common::run_with(&["krm"], input.as_bytes(), true);
    assert_eq!(named_on_terminal.stdout, bare.stdout);
}

#[test]
fn malformed_input_gets_an_error_result_and_never_a_panic() {
    let inputs: Vec<&[u8]> = vec![
        b"",
        b"# only a comment\n",
        b"\xff\xfe not UTF-8",
        b"{\"kind\": ",
        b"kind: ResourceList\napiVersion: config.kubernetes.io/v1\nitems: {}\n",
        b"kind: ResourceList\napiVersion: v1\n",
        b"- a\n- b\n",
        b"just text\n",
        b"kind: ResourceList\napiVersion: config.kubernetes.io/v1\n---\nkind: ResourceList\n",
        b"kind: ResourceList\napiVersion: config.kubernetes.io/v1\nitems: [*nothing]\n",
        b"kind: ResourceList\napiVersion: config.kubernetes.io/v1\nfunctionConfig: 3\n",
        b"kind: ResourceList\napiVersion: config.kubernetes.io/v1\nfunctionConfig: {kind: NetworkIntent}\n",
    ];
    for input in inputs {
        let shown = String::from_utf8_lossy(input);
        let out = common::run_with(&[], input, false);
        assert_eq!(out.code, 1, "{shown}: {}", out.stdout);
        assert!(out.stderr.starts_with("error"), "{shown}: stderr: {}", out.stderr);
        let list = parse_one(&out.stdout);
        assert_eq!(str_at(&list, &["kind"]), Some("ResourceList"), "{shown}");
        assert!(results(&list).iter().any(|(s, _)| s == "error"), "{shown}: {}", out.stdout);
    }
}

/// The kustomize fixtures carry the intent of the kustomize examples, as kustomize passes it.
#[test]
fn kustomize_fixtures_carry_the_example_intents() {
    for kind in ["generator", "transformer"] {
        let example = common::root().join(format!("examples/kustomize/{kind}/network-intent.yaml"));
        let intent = parse_one(&std::fs::read_to_string(&example).unwrap());
        let fixture = parse_one(&input_of(&common::root().join(format!("tests/krm/kustomize-{kind}"))));
        let config = fixture.get("functionConfig").unwrap();
        assert!(config.get("spec").unwrap().eq_ignoring_spans(intent.get("spec").unwrap()), "{kind}");
        assert_eq!(
            annotation(config, "config.kubernetes.io/function"),
            annotation(&intent, "config.kubernetes.io/function"),
            "{kind}"
        );
        // kustomize marks the config local, so that it never reaches the build.
        assert_eq!(annotation(config, "config.kubernetes.io/local-config"), Some("true"), "{kind}");
    }
}

/// A run that would leave the package ambiguous fails in either mode and changes no item: two
/// NetworkPolicies with one identity, or an output path that names a file holding anything but
/// the intent's policies (here the intent's own file, and a hand-written policy's).
#[test]
fn an_ambiguous_package_is_an_error_that_changes_no_item() {
    for (case, code, count) in [
        ("duplicate-identity", "duplicate-policy", 2),
        ("duplicate-identity-check", "duplicate-policy", 2),
        ("output-path-is-the-intent", "invalid-annotation", 1),
        ("output-path-holds-other-items", "invalid-annotation", 1),
    ] {
        let input = input_of(&common::root().join("tests/krm").join(case));
        let out = common::run(&[], &input);
        assert_eq!(out.code, 1, "{case}: {}", out.stderr);
        assert_eq!(items_section(&out.stdout), items_section(&input), "{case}: items changed");
        let list = parse_one(&out.stdout);
        let errors: Vec<&Node> = list
            .get("results")
            .and_then(Node::as_seq)
            .unwrap()
            .iter()
            .filter(|r| str_at(r, &["severity"]) == Some("error"))
            .collect();
        assert_eq!(errors.len(), count, "{case}: {}", out.stdout);
        assert!(errors.iter().all(|r| str_at(r, &["tags", "code"]) == Some(code)), "{case}: {}", out.stdout);
    }
    // Each clash names both files.
    let out = common::run(&[], &input_of(&common::root().join("tests/krm/duplicate-identity")));
    assert!(
        out.stderr.contains("(`network-policies/shop/default-deny-all.yaml`), and `hand-written.yaml` holds"),
        "{}",
        out.stderr
    );
    let out = common::run(&[], &input_of(&common::root().join("tests/krm/output-path-is-the-intent")));
    assert!(
        out.stderr.contains("error[invalid-annotation]: network-intent.yaml: NetworkIntent/shop:"),
        "{}",
        out.stderr
    );
}
