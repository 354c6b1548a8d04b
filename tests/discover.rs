//! `netpol-intent discover DIR` and `netpol-intent generate DIR|FILE...`: intents are found as
//! the YAML reader sees them, in the fixture `tests/discover/app/` (a quoted kind, a trailing
//! comment, flow style, JSON, a nested directory; a ConfigMap and a README that only mention
//! the word, a hidden directory), and several intents merge into one sorted stream or fail
//! loudly. The Argo CD plugin runs these commands (`tests/argocd.rs`).

mod common;

use std::path::{Path, PathBuf};

use netpol_intent::yaml::Node;

fn app() -> PathBuf {
    common::root().join("tests/discover/app")
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

const FOUND: [&str; 5] = ["comment.yml", "flow.yaml", "intent.json", "nested/deep.yaml", "quoted.yaml"];

#[test]
fn discover_prints_every_intent_file_in_path_order_and_nothing_else() {
    let out = common::run(&["discover", arg(&app())], "");
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
    let expected: String = FOUND.iter().map(|f| format!("{}\n", app().join(f).display())).collect();
    assert_eq!(out.stdout, expected);
}

#[test]
fn discover_finds_no_intent_in_a_directory_without_one_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(app().join("notes.yaml"), tmp.path().join("notes.yaml")).unwrap();
    std::fs::copy(app().join("README.md"), tmp.path().join("README.md")).unwrap();
    // A link to a directory of intents is not followed.
    std::os::unix::fs::symlink(app(), tmp.path().join("linked")).unwrap();
    let out = common::run(&["discover", arg(tmp.path())], "");
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "no NetworkIntent in {}: no .yaml, .yml or .json file under it holds one\n",
            tmp.path().display()
        )
    );
    // A link to an intent file is read.
    std::os::unix::fs::symlink(app().join("quoted.yaml"), tmp.path().join("intent.yaml")).unwrap();
    let out = common::run(&["discover", arg(tmp.path())], "");
    assert_eq!(out.stdout, format!("{}\n", tmp.path().join("intent.yaml").display()));
}

#[test]
fn discover_fails_on_a_file_that_is_not_yaml_rather_than_pass_it_over() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(app().join("quoted.yaml"), tmp.path().join("good.yaml")).unwrap();
    std::fs::write(tmp.path().join("broken.yaml"), "kind: NetworkIntent\nmetadata: [\n").unwrap();
    std::fs::write(tmp.path().join("latin1.yaml"), b"kind: caf\xe9\n").unwrap();
    let out = common::run(&["discover", arg(tmp.path())], "");
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:?}");
    let broken = tmp.path().join("broken.yaml").display().to_string();
    assert!(
        out.stderr.contains(&format!("error[unreadable]: {}", tmp.path().join("latin1.yaml").display())),
        "{}",
        out.stderr
    );
    let generate = common::run(&["generate", arg(tmp.path())], "");
    assert_eq!((generate.code, generate.stdout.as_str()), (2, ""), "{generate:?}");
    assert!(generate.stderr.contains(&broken), "{}", generate.stderr);
    assert!(common::run(&["discover", "/nonexistent/dir"], "")
        .stderr
        .contains("error[unreadable]: /nonexistent/dir"));
}

/// Each policy, as `namespace/name`.
fn policies(yaml: &str) -> Vec<String> {
    netpol_intent::yaml::parse(yaml, &Default::default())
        .unwrap()
        .iter()
        .map(|doc| {
            assert_eq!(doc.get("kind").and_then(Node::as_str), Some("NetworkPolicy"));
            let meta = doc.get("metadata").unwrap();
            let field = |k| meta.get(k).and_then(Node::as_str).unwrap();
            format!("{}/{}", field("namespace"), field("name"))
        })
        .collect()
}

#[test]
fn generate_a_directory_merges_every_intent_into_one_sorted_stream() {
    let out = common::run(&["generate", arg(&app())], "");
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
    let mut each = Vec::new();
    for file in FOUND {
        let one = common::run(&["generate", arg(&app().join(file))], "");
        assert_eq!(one.code, 0, "{file}: {}", one.stderr);
        each.extend(policies(&one.stdout));
    }
    let mut sorted = each.clone();
    sorted.sort();
    assert_eq!(policies(&out.stdout), sorted, "every intent's policies, by namespace then name");
    for namespace in ["alpha", "bravo", "charlie", "delta", "echo"] {
        assert!(sorted.contains(&format!("{namespace}/default-deny-all")), "{namespace}");
    }
    assert!(!out.stdout.contains("hidden"), "the hidden directory is skipped");

    // The same files named one by one, in another order: the same bytes.
    let files: Vec<String> = FOUND.iter().rev().map(|f| app().join(f).display().to_string()).collect();
    let args: Vec<&str> = std::iter::once("generate").chain(files.iter().map(String::as_str)).collect();
    assert_eq!(common::run(&args, "").stdout, out.stdout);
}

#[test]
fn generate_fails_loudly_when_there_is_nothing_to_print() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(app().join("notes.yaml"), tmp.path().join("notes.yaml")).unwrap();
    let out = common::run(&["generate", arg(tmp.path())], "");
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "error: no NetworkIntent in {}: no .yaml, .yml or .json file under it holds one\n",
            tmp.path().display()
        )
    );
}

#[test]
fn generate_refuses_intents_that_claim_one_namespace_naming_both_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(app().join("quoted.yaml"), tmp.path().join("a.yaml")).unwrap();
    let other = std::fs::read_to_string(app().join("nested/deep.yaml")).unwrap();
    std::fs::write(
        tmp.path().join("b.yaml"),
        other.replace("namespaces: [echo]", "namespaces: [echo, alpha]"),
    )
    .unwrap();
    let out = common::run(&["generate", arg(tmp.path())], "");
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:?}");
    let (a, b) =
        (tmp.path().join("a.yaml").display().to_string(), tmp.path().join("b.yaml").display().to_string());
    assert!(
        out.stderr.contains(&format!(
            "error[duplicate]: {b}:7:22: spec.namespaces[1]: namespace `alpha` is also managed by intent `alpha` in {a}\n"
        )),
        "{}",
        out.stderr
    );

    // One intent twice (a file and the directory holding it) is a clash too.
    let twice = common::run(&["generate", arg(&app().join("flow.yaml")), arg(&app())], "");
    assert_eq!((twice.code, twice.stdout.as_str()), (2, ""), "{twice:?}");
    assert!(twice.stderr.contains("intent `charlie` is also in"), "{}", twice.stderr);
}

#[test]
fn generate_reports_every_invalid_intent_and_a_file_of_several_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let intent = std::fs::read_to_string(app().join("quoted.yaml")).unwrap();
    std::fs::write(
        tmp.path().join("a.yaml"),
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\n---\n{intent}"),
    )
    .unwrap();
    std::fs::copy(common::root().join("tests/errors/unknown-field.yaml"), tmp.path().join("b.yaml")).unwrap();
    let out = common::run(&["generate", arg(tmp.path())], "");
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:?}");
    let a = tmp.path().join("a.yaml").display().to_string();
    assert!(
        out.stderr.contains(&format!("error[not-one-document]: {a}:6:1: the file holds 2 documents")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("error[unknown-field]: {}:10:7", tmp.path().join("b.yaml").display())),
        "{}",
        out.stderr
    );
}

#[test]
fn generate_with_one_file_or_standard_input_is_unchanged_and_o_takes_a_directory_too() {
    let intent = common::root().join("examples/article-ingress/intent.yaml");
    let expected =
        std::fs::read_to_string(common::root().join("examples/article-ingress/expected.yaml")).unwrap();
    assert_eq!(common::run(&["generate", arg(&intent)], "").stdout, expected);
    let text = std::fs::read_to_string(&intent).unwrap();
    assert_eq!(common::run(&["generate", "-"], &text).stdout, expected);

    // The same intent twice is two intents of one name: an error, and nothing written.
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let out = common::run(&["generate", arg(&intent), arg(&intent), "-o", arg(&out_dir)], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("intent `shop` is also in"), "{}", out.stderr);
    assert!(!out_dir.exists());
    // A directory of intents: every policy it generates, in one DIR.
    let out = common::run(&["generate", arg(&app()), "-o", arg(&out_dir)], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let printed = common::run(&["generate", arg(&app())], "").stdout;
    let listed = std::fs::read_to_string(out_dir.join("kustomization.yaml")).unwrap();
    assert_eq!(listed.matches("\n- ").count(), printed.matches("kind: NetworkPolicy").count());
}
