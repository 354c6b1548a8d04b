//! The Flux example in `examples/flux/`: the committed `policies/` directory is exactly what
//! the intent renders (re-rendered here into a scratch copy, byte for byte), the Flux
//! Kustomization points at it and prunes, and the CI check of `ci-check.yaml` runs here, in a
//! scratch git repository, and fails exactly when the committed output is stale.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use netpol_intent::yaml::Node;

const INTENT: &str = "examples/flux/intent/network-intent.yaml";
const POLICIES: &str = "examples/flux/policies";

fn parse_file(path: &Path) -> Node {
    let text = std::fs::read_to_string(path).unwrap();
    netpol_intent::yaml::parse(&text, &Default::default()).unwrap().remove(0)
}

fn str_at<'a>(node: &'a Node, path: &str) -> &'a str {
    path.split('.')
        .fold(node, |n, key| n.get(key).unwrap_or_else(|| panic!("no `{key}` in `{path}`")))
        .as_str()
        .unwrap()
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    common::tree(dir, &[])
        .into_iter()
        .map(|rel| (rel.clone(), std::fs::read(dir.join(rel)).unwrap()))
        .collect()
}

#[test]
fn the_committed_policies_are_what_the_intent_renders() {
    let committed = common::root().join(POLICIES);
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("policies");
    common::copy_tree(&committed, &copy, &[]);
    let out = common::run(
        &["generate", common::root().join(INTENT).to_str().unwrap(), "-o", copy.to_str().unwrap()],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        files(&copy),
        files(&committed),
        "examples/flux/policies is stale: run `netpol-intent generate {INTENT} -o {POLICIES}`"
    );
    assert!(
        out.stderr.ends_with(": 0 written, 12 unchanged, 0 removed, 0 other files kept\n"),
        "{}",
        out.stderr
    );
    for (rel, bytes) in files(&committed) {
        assert!(!String::from_utf8(bytes).unwrap().contains("${"), "`${{` in {}", rel.display());
    }
    // Into an empty directory too: nothing else is in the committed one.
    let fresh = tmp.path().join("fresh");
    let out = common::run(
        &["generate", common::root().join(INTENT).to_str().unwrap(), "-o", fresh.to_str().unwrap()],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(files(&fresh), files(&committed));
}

#[test]
fn the_flux_kustomization_applies_and_prunes_the_rendered_directory_only() {
    let flux = parse_file(&common::root().join("examples/flux/clusters/production/network-policies.yaml"));
    assert_eq!(str_at(&flux, "apiVersion"), "kustomize.toolkit.fluxcd.io/v1");
    assert_eq!(str_at(&flux, "kind"), "Kustomization");
    assert_eq!(str_at(&flux, "spec.prune"), "true");
    assert_eq!(str_at(&flux, "spec.sourceRef.kind"), "GitRepository");
    let path = str_at(&flux, "spec.path");
    assert_eq!(path.strip_prefix("./"), Some(POLICIES), "the path is relative to the repository's root");
    assert!(common::root().join(POLICIES).join("kustomization.yaml").is_file());
    assert!(
        !common::root().join(INTENT).starts_with(common::root().join(POLICIES)),
        "the intent is never applied"
    );

    if !common::available("kubectl", &["version", "--client"]) {
        return;
    }
    // What Flux builds from the directory: every policy the intent generates, nothing else.
    let build = Command::new("kubectl").arg("kustomize").arg(common::root().join(POLICIES)).output().unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let sources = netpol_intent::policy::read::Collected::from(vec![netpol_intent::policy::read::Source {
        name: "build".to_string(),
        text: String::from_utf8(build.stdout).unwrap(),
    }]);
    let intent = std::fs::read_to_string(common::root().join(INTENT)).unwrap();
    let report = netpol_intent::diff(&intent, &sources, "default").unwrap();
    assert!(!report.has_differences(), "{}", netpol_intent::report::text(&report, false));
    assert_eq!((report.unchanged, report.unmanaged.len()), (12, 0));
}

/// The `run` script and `env` of the step with id `id` in the CI workflow. GitHub reads its
/// workflows as YAML 1.2 (`on:` is a key, not a boolean), so this one is read so too.
fn ci_step(id: &str) -> (String, Vec<(String, String)>) {
    let text = std::fs::read_to_string(common::root().join("examples/flux/ci-check.yaml")).unwrap();
    let workflow = netpol_intent::yaml::parse_as_yaml_1_2(&text, &Default::default()).unwrap().remove(0);
    assert_eq!(str_at(&workflow, "defaults.run.shell"), "bash");
    let job = workflow.get("jobs").unwrap().as_map().unwrap()[0].1.clone();
    let steps = job.get("steps").unwrap().as_seq().unwrap();
    let step = steps.iter().find(|s| s.get("id").and_then(Node::as_str) == Some(id)).expect("the step");
    let script = str_at(step, "run").to_string();
    assert!(!script.contains("${{"), "no expressions in the script's text");
    let env = step
        .get("env")
        .unwrap()
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().to_string(), v.as_str().unwrap().to_string()))
        .collect();
    (script, env)
}

fn ci_check() -> (String, Vec<(String, String)>) {
    ci_step("check")
}

fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs the CI check (as `shell: bash` does) in `repo`.
fn run_check(repo: &Path) -> Output {
    let (script, env) = ci_check();
    let file = repo.parent().unwrap().join("check.sh");
    std::fs::write(&file, script).unwrap();
    Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&file)
        .current_dir(repo)
        .envs(env)
        .env("PATH", common::path_with_binary())
        .output()
        .unwrap()
}

#[test]
fn the_ci_check_fails_exactly_when_the_committed_output_is_stale() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    common::copy_tree(&common::root().join("examples/flux"), &repo.join("examples/flux"), &[]);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "policies"]);
    let show = |out: &Output| {
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    };

    let clean = run_check(&repo);
    assert!(clean.status.success(), "{}", show(&clean));
    assert!(show(&clean).contains("examples/flux/policies is up to date"), "{}", show(&clean));

    // The intent is edited and committed without re-rendering.
    let intent = repo.join(INTENT);
    let text = std::fs::read_to_string(&intent).unwrap();
    assert!(text.contains("port: 5432"));
    std::fs::write(&intent, text.replace("port: 5432", "port: 5433")).unwrap();
    git(&repo, &["commit", "-qam", "edit the intent only"]);
    let stale = run_check(&repo);
    assert_eq!(stale.status.code(), Some(1), "{}", show(&stale));
    assert!(
        show(&stale).contains("::error title=netpol-intent::examples/flux/policies is not what"),
        "{}",
        show(&stale)
    );
    assert!(show(&stale).contains("+      port: 5433"), "the diff is shown: {}", show(&stale));
    let status = Command::new("git").args(["status", "--porcelain"]).current_dir(&repo).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout), "", "the check wrote");

    // Rendered and committed: clean again.
    let (intent_arg, dir) =
        (repo.join(INTENT).display().to_string(), repo.join(POLICIES).display().to_string());
    assert_eq!(common::run(&["generate", &intent_arg, "-o", &dir], "").code, 0);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "render"]);
    assert!(run_check(&repo).status.success());

    // A policy deleted in the commit: the check renders it back, and fails.
    std::fs::remove_file(repo.join(POLICIES).join("data/default-deny-all.yaml")).unwrap();
    git(&repo, &["commit", "-qam", "delete a policy"]);
    let deleted = run_check(&repo);
    assert_eq!(deleted.status.code(), Some(1), "{}", show(&deleted));
    assert!(
        show(&deleted).contains("--- /dev/null\n+++ examples/flux/policies/data/default-deny-all.yaml\n"),
        "{}",
        show(&deleted)
    );
    assert!(!repo.join(POLICIES).join("data/default-deny-all.yaml").exists(), "the check wrote");
}

/// The install step of the CI check, run against a fake release server on loopback (the
/// step's GitHub URL pointed at it): it installs the release binary when the archive matches
/// the release's SHA256SUMS, and fails when it does not. docs/install.md shows the same script.
#[test]
fn the_ci_check_installs_the_release_binary_only_when_its_checksum_matches() {
    let (script, env) = ci_step("install");
    let version = &env.iter().find(|(k, _)| k == "VERSION").expect("a VERSION").1;
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    let install_page = std::fs::read_to_string(common::root().join("docs/install.md")).unwrap();
    assert!(install_page.contains(&script), "docs/install.md shows the install script:\n{script}");

    let run = |tamper: &dyn Fn(&Path)| {
        let tmp = tempfile::tempdir().unwrap();
        let served = tmp.path().join("server");
        let server = common::release_server::ReleaseServer::start(served.clone());
        let release = served.join(format!("netpol-intent/netpol-intent/releases/download/v{version}"));
        let binary = common::release_server::stub_binary(tmp.path(), version);
        common::release_server::publish(&release, version, "x86_64-unknown-linux-gnu", &binary);
        tamper(&release);
        let real = "https://github.com/netpol-intent/netpol-intent/";
        assert!(script.contains(real));
        let local = script.replace(real, &format!("{}/netpol-intent/netpol-intent/", server.url));
        let (runner_temp, github_path) = (tmp.path().join("runner-temp"), tmp.path().join("github-path"));
        std::fs::create_dir(&runner_temp).unwrap();
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &local])
            .envs(env.clone())
            .env("RUNNER_TEMP", &runner_temp)
            .env("GITHUB_PATH", &github_path)
            .output()
            .unwrap();
        let path = std::fs::read_to_string(&github_path).unwrap_or_default();
        let installed = Path::new(path.trim()).join("netpol-intent");
        let runs = Command::new(&installed).arg("--version").output().is_ok_and(|o| o.status.success());
        (out, runs, tmp)
    };
    let (ok, runs, _tmp) = run(&|_| {});
    assert!(ok.status.success() && runs, "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains(": OK"));

    let archive = format!("netpol-intent-{version}-x86_64-unknown-linux-gnu.tar.gz");
    let (bad, runs, _tmp) = run(&|dir| {
        let mut bytes = std::fs::read(dir.join(&archive)).unwrap();
        bytes[100] ^= 1;
        std::fs::write(dir.join(&archive), bytes).unwrap();
    });
    assert!(!bad.status.success() && !runs, "a changed archive is not installed");
    assert!(String::from_utf8_lossy(&bad.stdout).contains("FAILED"), "{bad:?}");
    let (unlisted, runs, _tmp) = run(&|dir| std::fs::write(dir.join("SHA256SUMS"), "").unwrap());
    assert!(!unlisted.status.success() && !runs, "an archive SHA256SUMS does not list is not installed");
}
