//! The pre-commit hooks in `.pre-commit-hooks.yaml`: each is a real subcommand of the binary,
//! built the way pre-commit builds it (`language: rust`), and the configuration that
//! docs/pre-commit.md shows works: each hook's `entry` followed by its documented `args` is run
//! with the binary under test, in a scratch directory, as pre-commit would run it (from the
//! repository's root, with no file names since `pass_filenames: false`). pre-commit itself is
//! not needed.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use netpol_intent::yaml::Node;

fn parse(text: &str) -> Vec<Node> {
    netpol_intent::yaml::parse(text, &Default::default()).unwrap()
}

fn str_at<'a>(node: &'a Node, key: &str) -> &'a str {
    node.get(key).and_then(Node::as_str).unwrap_or_else(|| panic!("no `{key}`"))
}

fn hooks() -> Vec<Node> {
    let text = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    parse(&text).remove(0).as_seq().unwrap().to_vec()
}

#[test]
fn each_hook_is_built_with_cargo_and_runs_a_real_subcommand() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| str_at(h, "id")).collect();
    assert_eq!(ids, ["netpol-intent-render", "netpol-intent-check"]);
    for hook in &hooks {
        assert_eq!(str_at(hook, "language"), "rust");
        assert_eq!(str_at(hook, "pass_filenames"), "false", "the hooks take their paths from `args`");
        assert!(!str_at(hook, "name").is_empty());
        let entry: Vec<&str> = str_at(hook, "entry").split_whitespace().collect();
        assert_eq!(entry[0], "netpol-intent", "the binary pre-commit installs");
        let help = common::run(&[entry[1], "--help"], "");
        assert_eq!(help.code, 0, "`{}` is no subcommand: {}", entry[1], help.stderr);
        assert!(str_at(hook, "files").contains("ya?ml"), "runs when a YAML file changes");
    }
}

/// The hooks configured in docs/pre-commit.md: the YAML block that starts with `repos:`
/// (a whole `.pre-commit-config.yaml`) and those that start with `- id:` (more hooks for it).
fn documented_hooks() -> Vec<Node> {
    let page = std::fs::read_to_string(common::root().join("docs/pre-commit.md")).unwrap();
    let mut hooks = Vec::new();
    for block in page.split("```yaml\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        if block.starts_with("repos:") {
            let config = parse(block).remove(0);
            let repos = config.get("repos").unwrap().as_seq().unwrap();
            assert_eq!(repos.len(), 1);
            assert_eq!(str_at(&repos[0], "repo"), "https://github.com/netpol-intent/netpol-intent");
            assert!(str_at(&repos[0], "rev").starts_with('v'), "a release tag");
            hooks.extend(repos[0].get("hooks").unwrap().as_seq().unwrap().iter().cloned());
        } else if block.trim_start().starts_with("- id:") {
            hooks.extend(parse(block).remove(0).as_seq().unwrap().iter().cloned());
        }
    }
    hooks
}

#[test]
fn the_documentation_configures_every_hook() {
    let documented: Vec<String> = documented_hooks().iter().map(|h| str_at(h, "id").to_string()).collect();
    let declared: Vec<String> = hooks().iter().map(|h| str_at(h, "id").to_string()).collect();
    assert_eq!(documented, declared);
}

/// Runs hook `id` as docs/pre-commit.md configures it, in `repo`: its entry, then its args.
fn run_hook(repo: &Path, id: &str) -> Output {
    run_hook_with(repo, id, &[])
}

/// [`run_hook`], with `more` added to the configured args.
fn run_hook_with(repo: &Path, id: &str, more: &[&str]) -> Output {
    let configured = documented_hooks()
        .into_iter()
        .find(|h| str_at(h, "id") == id)
        .unwrap_or_else(|| panic!("docs/pre-commit.md does not configure {id}"));
    let declared = hooks().into_iter().find(|h| str_at(h, "id") == id).unwrap();
    let entry: Vec<String> = str_at(&declared, "entry").split_whitespace().map(str::to_string).collect();
    let args: Vec<String> = configured
        .get("args")
        .unwrap()
        .as_seq()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(entry[0], "netpol-intent");
    Command::new(env!("CARGO_BIN_EXE_netpol-intent"))
        .args(&entry[1..])
        .args(&args)
        .args(more)
        .current_dir(repo)
        .output()
        .unwrap()
}

fn show(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A scratch repository with the Flux example's intent in `deploy/`, as the docs set it up.
fn repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("deploy")).unwrap();
    std::fs::copy(
        common::root().join("examples/flux/intent/network-intent.yaml"),
        tmp.path().join("deploy/network-intent.yaml"),
    )
    .unwrap();
    tmp
}

#[test]
fn the_documented_configuration_renders_and_checks() {
    let tmp = repository();
    let repo = tmp.path();

    let render = run_hook(repo, "netpol-intent-render");
    assert_eq!(render.status.code(), Some(0), "{}", show(&render));
    assert_eq!(show(&render), "deploy/policies: 12 written, 0 unchanged, 0 removed, 0 other files kept\n");
    assert!(repo.join("deploy/policies/kustomization.yaml").is_file());

    let check = run_hook(repo, "netpol-intent-check");
    assert_eq!(check.status.code(), Some(0), "{}", show(&check));

    // A policy edited by hand: the check fails the commit, the render puts it back.
    let edited = repo.join("deploy/policies/data/default-deny-all.yaml");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, text.replace("- Egress\n", "")).unwrap();
    let check = run_hook(repo, "netpol-intent-check");
    assert_eq!(check.status.code(), Some(1), "{}", show(&check));
    assert!(show(&check).contains("~ change  data/default-deny-all"), "{}", show(&check));
    let render = run_hook(repo, "netpol-intent-render");
    assert_eq!(show(&render), "deploy/policies: 1 written, 11 unchanged, 0 removed, 0 other files kept\n");
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), text);
    assert_eq!(run_hook(repo, "netpol-intent-check").status.code(), Some(0));
}

/// The check hook with `--fail-on dangers` added to its `args` trusts no label: a policy the
/// kustomization applies that carries the intent's label and annotation, and allows what the
/// intent does not, fails the commit.
#[test]
fn the_check_with_fail_on_dangers_fails_on_a_widening_policy_that_carries_the_intents_label() {
    let tmp = repository();
    let repo = tmp.path();
    assert_eq!(run_hook(repo, "netpol-intent-render").status.code(), Some(0));
    let intent = parse(&std::fs::read_to_string(repo.join("deploy/network-intent.yaml")).unwrap()).remove(0);
    let name = str_at(intent.get("metadata").unwrap(), "name");
    std::fs::write(
        repo.join("deploy/policies/data/allow-all.yaml"),
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-all\n  namespace: data\n  \
             labels: {{app.kubernetes.io/managed-by: netpol-intent}}\n  annotations: {{netpol-intent.dev/intent: {name}}}\n\
             spec:\n  podSelector: {{}}\n  ingress: [{{}}]\n"
        ),
    )
    .unwrap();
    let kustomization = repo.join("deploy/policies/kustomization.yaml");
    let listed = std::fs::read_to_string(&kustomization).unwrap() + "- data/allow-all.yaml\n";
    std::fs::write(&kustomization, listed).unwrap();
    let check = run_hook_with(repo, "netpol-intent-check", &["--fail-on", "dangers"]);
    assert_eq!(check.status.code(), Some(1), "{}", show(&check));
    assert!(show(&check).contains("danger[widens-access]: data/allow-all (Ingress)"), "{}", show(&check));
}
