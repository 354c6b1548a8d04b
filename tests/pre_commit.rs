//! The pre-commit hooks in `.pre-commit-hooks.yaml`: each is a real subcommand of the binary,
//! built the way pre-commit builds it (`language: rust`) or run from the released image
//! (`language: docker_image`), and the configurations that docs/pre-commit.md shows work: each
//! hook's `entry` followed by its documented `args` is run as pre-commit would run it, from the
//! repository's root, with no file names since `pass_filenames: false`: with the binary under
//! test, or, for the image hooks, in the image `dist/image.sh` builds, with podman, as
//! pre-commit runs a `docker_image` hook. pre-commit itself is not needed.

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

/// The image a `docker_image` hook names: this version's release.
fn released_image() -> String {
    format!("ghcr.io/netpol-intent/netpol-intent:{}", env!("CARGO_PKG_VERSION"))
}

#[test]
fn each_hook_is_built_with_cargo_or_runs_the_released_image_and_runs_a_real_subcommand() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| str_at(h, "id")).collect();
    assert_eq!(
        ids,
        [
            "netpol-intent-render",
            "netpol-intent-check",
            "netpol-intent-check-rendered",
            "netpol-intent-render-image",
            "netpol-intent-check-image",
            "netpol-intent-check-rendered-image"
        ]
    );
    for hook in &hooks {
        let entry: Vec<&str> = str_at(hook, "entry").split_whitespace().collect();
        match str_at(hook, "language") {
            "rust" => assert_eq!(entry[0], "netpol-intent", "the binary pre-commit installs"),
            "docker_image" => {
                assert_eq!(entry[0], released_image(), "the image of this release");
                let plain = str_at(hook, "id").trim_end_matches("-image");
                let twin = hooks.iter().find(|h| str_at(h, "id") == plain).expect("a plain twin");
                assert_eq!(entry[1..].join(" "), str_at(twin, "entry").split_once(' ').unwrap().1);
                assert_eq!(str_at(hook, "files"), str_at(twin, "files"));
            }
            other => panic!("language {other}"),
        }
        assert_eq!(str_at(hook, "pass_filenames"), "false", "the hooks take their paths from `args`");
        assert!(!str_at(hook, "name").is_empty());
        let help = common::run(&[entry[1], "--help"], "");
        assert_eq!(help.code, 0, "`{}` is no subcommand: {}", entry[1], help.stderr);
        assert!(str_at(hook, "files").contains("ya?ml"), "runs when a YAML file changes");
    }
}

/// The hooks configured in docs/pre-commit.md: in the YAML blocks that start with `repos:` (a
/// whole `.pre-commit-config.yaml`: this repository's hooks, or local ones) and those that
/// start with `- id:` (more of this repository's hooks). Returns (this repository's, local).
fn documented_hooks() -> (Vec<Node>, Vec<Node>) {
    let page = std::fs::read_to_string(common::root().join("docs/pre-commit.md")).unwrap();
    let (mut hooks, mut local) = (Vec::new(), Vec::new());
    for block in page.split("```yaml\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        if block.starts_with("repos:") {
            let config = parse(block).remove(0);
            let repos = config.get("repos").unwrap().as_seq().unwrap();
            assert_eq!(repos.len(), 1);
            let listed = repos[0].get("hooks").unwrap().as_seq().unwrap().iter().cloned();
            if str_at(&repos[0], "repo") == "local" {
                local.extend(listed);
                continue;
            }
            assert_eq!(str_at(&repos[0], "repo"), "https://github.com/netpol-intent/netpol-intent");
            assert_eq!(str_at(&repos[0], "rev"), format!("v{}", env!("CARGO_PKG_VERSION")), "a release tag");
            hooks.extend(listed);
        } else if block.trim_start().starts_with("- id:") {
            hooks.extend(parse(block).remove(0).as_seq().unwrap().iter().cloned());
        }
    }
    (hooks, local)
}

#[test]
fn the_documentation_configures_every_hook() {
    let documented: Vec<String> = documented_hooks().0.iter().map(|h| str_at(h, "id").to_string()).collect();
    let declared: Vec<String> = hooks().iter().map(|h| str_at(h, "id").to_string()).collect();
    assert_eq!(documented, declared);
    let local = documented_hooks().1;
    assert_eq!(local.len(), 1);
    assert_eq!(str_at(&local[0], "language"), "system");
}

/// Runs hook `id` as docs/pre-commit.md configures it, in `repo`: its entry, then its args; an
/// image hook in `image` (the released image's stand-in), as pre-commit runs `docker_image`.
fn run_hook(repo: &Path, id: &str, image: Option<&str>) -> Output {
    run_hook_with(repo, id, image, &[])
}

/// [`run_hook`], with `more` added to the configured args.
fn run_hook_with(repo: &Path, id: &str, image: Option<&str>, more: &[&str]) -> Output {
    let (documented, local) = documented_hooks();
    let configured = documented
        .into_iter()
        .find(|h| str_at(h, "id") == id)
        .unwrap_or_else(|| panic!("docs/pre-commit.md does not configure {id}"));
    let declared = hooks().into_iter().find(|h| str_at(h, "id") == id).unwrap();
    let args = |hook: &Node| -> Vec<String> {
        hook.get("args").unwrap().as_seq().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
    };
    let entry: Vec<String> = str_at(&declared, "entry").split_whitespace().map(str::to_string).collect();
    if str_at(&declared, "language") == "docker_image" {
        assert_eq!(entry[0], released_image());
        let image = image.expect("an image");
        let (uid, gid) = (id_of("-u"), id_of("-g"));
        let mount = format!("{}:/src:rw", repo.display());
        let mut podman = Command::new("podman");
        podman.env("CONTAINERS_CONF", common::image::containers_conf());
        podman.args(["run", "--rm", "--network=none", "--pull=never", "-u", &format!("{uid}:{gid}")]);
        podman.args(["-v", &mount, "--workdir", "/src", image]);
        return podman.args(&entry[1..]).args(args(&configured)).args(more).output().unwrap();
    }
    assert_eq!(entry[0], "netpol-intent");
    // The local `language: system` hook of the same name runs the same command.
    if let Some(same) = local.iter().find(|h| str_at(h, "id") == id) {
        assert_eq!(str_at(same, "entry"), str_at(&declared, "entry"));
        assert_eq!(args(same), args(&configured));
    }
    Command::new(env!("CARGO_BIN_EXE_netpol-intent"))
        .args(&entry[1..])
        .args(args(&configured))
        .args(more)
        .current_dir(repo)
        .output()
        .unwrap()
}

/// This process's user or group ID, as `id -u` or `id -g` prints it.
fn id_of(flag: &str) -> String {
    let out = Command::new("id").arg(flag).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
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

/// Renders, checks, edits a policy by hand, checks and renders again with the hooks `render`
/// and `check` (ids), in a scratch repository.
fn render_and_check(render: &str, check: &str, image: Option<&str>) {
    let tmp = repository();
    let repo = tmp.path();

    let out = run_hook(repo, render, image);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(show(&out), "deploy/policies: 13 written, 0 unchanged, 0 removed, 0 other files kept\n");
    assert!(repo.join("deploy/policies/kustomization.yaml").is_file());

    let out = run_hook(repo, check, image);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));

    // A policy edited by hand: the check fails the commit, the render puts it back.
    let edited = repo.join("deploy/policies/data/default-deny-all.yaml");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, text.replace("- Egress\n", "")).unwrap();
    let out = run_hook(repo, check, image);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(show(&out).contains("~ change  data/default-deny-all"), "{}", show(&out));
    let out = run_hook(repo, render, image);
    assert_eq!(show(&out), "deploy/policies: 1 written, 11 unchanged, 0 removed, 0 other files kept\n");
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), text);
    assert_eq!(run_hook(repo, check, image).status.code(), Some(0));
}

/// The check of a rendered directory (`generate -o DIR --check`): passes after a render,
/// fails with the diff and changes nothing after an edit by hand, passes after a render again.
fn render_and_check_rendered(render: &str, check: &str, image: Option<&str>) {
    let tmp = repository();
    let repo = tmp.path();
    let out = run_hook(repo, check, image);
    assert_eq!(out.status.code(), Some(1), "nothing rendered yet: {}", show(&out));
    assert!(!repo.join("deploy/policies").exists(), "the check wrote: {}", show(&out));
    assert_eq!(run_hook(repo, render, image).status.code(), Some(0));
    let out = run_hook(repo, check, image);
    assert_eq!((out.status.code(), show(&out)), (Some(0), "deploy/policies: up to date\n".to_string()));
    let edited = repo.join("deploy/policies/data/default-deny-all.yaml");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, text.replace("- Egress\n", "")).unwrap();
    let out = run_hook(repo, check, image);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(show(&out).contains("+++ deploy/policies/data/default-deny-all.yaml\n"), "{}", show(&out));
    assert!(show(&out).contains("\n+  - Egress\n"), "{}", show(&out));
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), text.replace("- Egress\n", ""), "the check wrote");
    assert_eq!(run_hook(repo, render, image).status.code(), Some(0));
    assert_eq!(run_hook(repo, check, image).status.code(), Some(0));
}

#[test]
fn the_documented_configuration_renders_and_checks() {
    render_and_check("netpol-intent-render", "netpol-intent-check", None);
    render_and_check_rendered("netpol-intent-render", "netpol-intent-check-rendered", None);
}

#[test]
fn the_image_hooks_render_and_check_in_the_image() {
    let Some(image) = common::image::image() else { return };
    render_and_check("netpol-intent-render-image", "netpol-intent-check-image", Some(image));
    render_and_check_rendered(
        "netpol-intent-render-image",
        "netpol-intent-check-rendered-image",
        Some(image),
    );
}

/// The check hook with `--fail-on dangers` added to its `args` trusts no label: a policy the
/// kustomization applies that carries the intent's label and annotation, and allows what the
/// intent does not, fails the commit.
#[test]
fn the_check_with_fail_on_dangers_fails_on_a_widening_policy_that_carries_the_intents_label() {
    let tmp = repository();
    let repo = tmp.path();
    assert_eq!(run_hook(repo, "netpol-intent-render", None).status.code(), Some(0));
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
    let check = run_hook_with(repo, "netpol-intent-check", None, &["--fail-on", "dangers"]);
    assert_eq!(check.status.code(), Some(1), "{}", show(&check));
    assert!(show(&check).contains("danger[widens-access]: data/allow-all (Ingress)"), "{}", show(&check));
}
