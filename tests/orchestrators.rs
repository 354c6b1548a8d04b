//! The real orchestrators: kpt runs the built binary over the example package in
//! `examples/kpt/`, with `fn eval` and with the Kptfile pipeline (`fn render`), twice each; the
//! files it writes must be those in `examples/kpt/.expected/` (regenerate with
//! `UPDATE_GOLDEN=1`), and the second run must change nothing.
//!
//! The Kptfile names the function `netpol-intent`, found on PATH: the tests put the test
//! binary's directory first on PATH. kpt resolves a relative exec path against the directory
//! it is run from, not against the package, so a path would tie the example to one layout.
//!
//! The same runs with the function as a container: `kpt fn eval --image` and a Kptfile whose
//! function is `image:`, the image built by `dist/image.sh` and run by podman
//! (`KPT_FN_RUNTIME=podman`), never pulled.
//!
//! Where kpt (or kubectl, or podman) is not installed these tests say so and pass, unless
//! `NETPOL_INTENT_REQUIRE_KPT=1` (or `NETPOL_INTENT_REQUIRE_PODMAN=1`) is set, as CI does.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SKIP: &[&str] = &[".expected"];

/// Runs `program` in `dir`, with the test binary first on PATH and kpt running function images
/// with podman.
fn run(program: &str, args: &[&str], dir: &Path) -> Output {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", common::path_with_binary())
        .env("KPT_FN_RUNTIME", "podman")
        .env("CONTAINERS_CONF", common::image::containers_conf())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    out
}

fn text(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every file of a directory, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    common::tree(dir, &[])
        .into_iter()
        .map(|rel| (rel.clone(), std::fs::read(dir.join(rel)).unwrap()))
        .collect()
}

fn example() -> PathBuf {
    common::root().join("examples/kpt")
}

/// A copy of the example package in a scratch directory.
fn package() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("shop");
    common::copy_tree(&example(), &pkg, SKIP);
    (tmp, pkg)
}

/// Runs `kpt` twice over a fresh copy of the example package with `args` (from `cwd(pkg)`),
/// checks the first run against `.expected/` and that the second changes nothing.
fn twice(args: &[&str], cwd: impl Fn(&Path) -> PathBuf) {
    twice_with(args, cwd, |_| {});
}

/// [`twice`], on a copy of the package changed by `prepare` first (the files it changes are
/// the package's, not the run's).
fn twice_with(args: &[&str], cwd: impl Fn(&Path) -> PathBuf, prepare: impl Fn(&Path)) {
    let (_tmp, pkg) = package();
    let (_before_tmp, before) = package();
    prepare(&pkg);
    prepare(&before);
    let first = run("kpt", args, &cwd(&pkg));
    assert!(first.status.success(), "{}", text(&first));
    assert!(String::from_utf8_lossy(&first.stderr).contains("10 added"), "{}", text(&first));
    common::golden_package(&before, &example().join(".expected"), &pkg, SKIP);
    for (rel, bytes) in snapshot(&pkg) {
        assert!(!String::from_utf8_lossy(&bytes).contains("${"), "`${{` in {}", rel.display());
    }
    let before = snapshot(&pkg);
    let second = run("kpt", args, &cwd(&pkg));
    assert!(second.status.success(), "{}", text(&second));
    assert!(String::from_utf8_lossy(&second.stderr).contains("10 unchanged"), "{}", text(&second));
    assert_eq!(snapshot(&pkg), before, "the second run changed files");
}

#[test]
fn kpt_fn_eval_writes_the_expected_files_and_a_second_run_changes_nothing() {
    if !common::available("kpt", &["version"]) {
        return;
    }
    let args = ["fn", "eval", ".", "--exec", "netpol-intent", "--fn-config", "network-intent.yaml"];
    twice(&args, Path::to_path_buf);
}

#[test]
fn kpt_fn_render_writes_the_expected_files_and_a_second_run_changes_nothing() {
    if !common::available("kpt", &["version"]) {
        return;
    }
    twice(&["fn", "render", "--allow-exec"], Path::to_path_buf);
    // From another directory: the exec name is looked up on PATH, not next to the package.
    twice(&["fn", "render", "shop", "--allow-exec"], |pkg| pkg.parent().unwrap().to_path_buf());
}

#[test]
fn kpt_fn_eval_with_the_image_writes_the_expected_files_and_a_second_run_changes_nothing() {
    if !common::available("kpt", &["version"]) {
        return;
    }
    let Some(image) = common::image::image() else { return };
    let args = [
        "fn",
        "eval",
        ".",
        "--image",
        image,
        "--image-pull-policy",
        "Never",
        "--fn-config",
        "network-intent.yaml",
    ];
    twice(&args, Path::to_path_buf);
}

/// The Kptfile's function as `image:` instead of `exec:`, as a package that pins the released
/// image would have it.
#[test]
fn kpt_fn_render_with_the_image_in_the_kptfile_writes_the_expected_files_and_a_second_run_changes_nothing() {
    if !common::available("kpt", &["version"]) {
        return;
    }
    let Some(image) = common::image::image() else { return };
    let use_image = |pkg: &Path| {
        let kptfile = std::fs::read_to_string(pkg.join("Kptfile")).unwrap();
        let changed = kptfile.replace("- exec: netpol-intent\n", &format!("- image: {image}\n"));
        assert_ne!(changed, kptfile);
        std::fs::write(pkg.join("Kptfile"), changed).unwrap();
    };
    twice_with(&["fn", "render", "--image-pull-policy", "never"], Path::to_path_buf, use_image);
}

/// The example package rendered by kpt, and beside it (outside the package, so that it is no
/// item of it) a copy of its intent in check mode.
fn rendered_with_check_config() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, pkg) = package();
    let render = run("kpt", &["fn", "render", "--allow-exec"], &pkg);
    assert!(render.status.success(), "{}", text(&render));
    let intent = std::fs::read_to_string(pkg.join("network-intent.yaml")).unwrap();
    let check = intent.replace(
        "    config.kubernetes.io/local-config: \"true\"\n",
        "    config.kubernetes.io/local-config: \"true\"\n    netpol-intent.dev/mode: check\n",
    );
    assert_ne!(check, intent);
    let check_path = tmp.path().join("check.yaml");
    std::fs::write(&check_path, check).unwrap();
    (tmp, pkg, check_path)
}

/// Check mode as a kpt validator: drift fails the run, with a result per policy, and no file
/// changes.
#[test]
fn kpt_check_mode_fails_on_drift_and_changes_nothing() {
    if !common::available("kpt", &["version"]) {
        return;
    }
    let (_tmp, pkg, check_path) = rendered_with_check_config();
    let args = ["fn", "eval", ".", "--exec", "netpol-intent", "--fn-config", check_path.to_str().unwrap()];

    let clean = run("kpt", &args, &pkg);
    assert!(clean.status.success(), "{}", text(&clean));
    let shown = String::from_utf8_lossy(&clean.stderr);
    assert!(shown.contains("10 NetworkPolicies up to date"), "{}", text(&clean));
    assert!(
        shown.contains("connections: 0 opened, 0 closed, 0 widening, among the 2 workloads of the package and a new pod in each of the 2 managed namespaces"),
        "{}",
        text(&clean)
    );

    std::fs::remove_file(pkg.join("network-policies/shop/default-deny-all.yaml")).unwrap();
    let edited = pkg.join("network-policies/billing/allow-frontend-to-payments.yaml");
    let policy = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, policy.replace("port: 8443", "port: 8444")).unwrap();
    let before = snapshot(&pkg);
    let drift = run("kpt", &args, &pkg);
    assert!(!drift.status.success(), "{}", text(&drift));
    let shown = text(&drift);
    assert!(shown.contains("`shop/default-deny-all` is missing"), "{shown}");
    assert!(shown.contains("`billing/allow-frontend-to-payments` differs"), "{shown}");
    assert!(shown.contains("spec.ingress[0].ports[0].port"), "{shown}");
    assert_eq!(snapshot(&pkg), before, "a check changed files");
}

/// `kpt fn eval` without `--fn-config` sends an empty ConfigMap: the run fails with one error
/// that says how to pass the intent, and changes nothing.
#[test]
fn kpt_fn_eval_without_fn_config_is_one_error_saying_how_to_pass_the_intent() {
    if !common::available("kpt", &["version"]) {
        return;
    }
    let (_tmp, pkg) = package();
    let before = snapshot(&pkg);
    let out = run("kpt", &["fn", "eval", ".", "--exec", "netpol-intent"], &pkg);
    assert!(!out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert_eq!(shown.matches("[error]").count(), 1, "{shown}");
    assert!(shown.contains("run without `--fn-config`"), "{shown}");
    assert!(shown.contains("--fn-config intent.yaml"), "{shown}");
    assert_eq!(snapshot(&pkg), before, "a failed run changed files");
}

/// Check mode judges connections among the package's own workloads, for real with kpt: an edit
/// that closes the frontend's database port is a connection that generating would open
/// (info), and a policy added by hand that admits everything to the database is a widening
/// (an error, naming the rule and the connections it lets through).
#[test]
fn kpt_check_mode_reports_the_connections_generating_would_open_and_the_widening() {
    if !common::available("kpt", &["version"]) {
        return;
    }
    let (_tmp, pkg, check_path) = rendered_with_check_config();
    let args = ["fn", "eval", ".", "--exec", "netpol-intent", "--fn-config", check_path.to_str().unwrap()];
    let edited = pkg.join("network-policies/shop/allow-db-access-from-frontend-egress.yaml");
    let policy = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, policy.replace("port: 5432", "port: 5433")).unwrap();
    std::fs::write(
        pkg.join("debug-policy.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: debug, namespace: shop}\n\
         spec:\n  podSelector: {matchLabels: {app: db}}\n  ingress: [{}]\n",
    )
    .unwrap();
    let before = snapshot(&pkg);
    let out = run("kpt", &args, &pkg);
    assert!(!out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        shown.contains(
            "[info] apps/v1/Deployment/shop/db: shop/frontend → shop/db TCP 5432: denied → allowed"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("[error] networking.k8s.io/v1/NetworkPolicy/shop/debug: `debug` (debug-policy.yaml) allows Ingress connections that the intent does not (`spec.ingress[0]`)"),
        "{shown}"
    );
    assert_eq!(snapshot(&pkg), before, "a check changed files");
}

/// `kubectl kustomize` has kustomize built in, but no `--enable-exec`; with
/// `--enable-alpha-plugins` alone it skips exec functions without a word. docs/krm.md warns
/// users; this test notices if that ever changes.
#[test]
fn kubectl_kustomize_skips_exec_functions_silently() {
    if !common::available("kubectl", &["version", "--client"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("generator");
    common::copy_tree(&common::root().join("examples/kustomize/generator"), &dir, &[]);
    std::fs::copy(env!("CARGO_BIN_EXE_netpol-intent"), dir.join("netpol-intent")).unwrap();
    let dir_arg = dir.to_str().unwrap();

    let out = run("kubectl", &["kustomize", "--enable-alpha-plugins", dir_arg], tmp.path());
    assert!(out.status.success(), "{}", text(&out));
    let build = String::from_utf8_lossy(&out.stdout);
    assert!(build.contains("kind: Deployment"), "{build}");
    assert!(!build.contains("NetworkPolicy"), "kubectl kustomize ran the exec function:\n{build}");
    assert!(out.stderr.is_empty(), "{}", text(&out));

    let exec = run("kubectl", &["kustomize", "--enable-alpha-plugins", "--enable-exec", dir_arg], tmp.path());
    assert!(!exec.status.success(), "kubectl kustomize accepts --enable-exec now: {}", text(&exec));
}

/// A package with a flow-style YAML file and a JSON file, in kpt's own JSON layout (what kpt
/// writes back unchanged when a function returns the items as they came).
fn styled_package() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("styled");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        pkg.join("Kptfile"),
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: styled\n  annotations:\n    \
         config.kubernetes.io/local-config: \"true\"\n",
    )
    .unwrap();
    std::fs::write(
        pkg.join("flow.yaml"),
        "{apiVersion: v1, kind: ConfigMap, metadata: {name: flow, namespace: shop}, data: {umask: \"0755\", \"on\": \"yes\"}}\n",
    )
    .unwrap();
    std::fs::write(
        pkg.join("settings.json"),
        "{\n  \"apiVersion\": \"v1\",\n  \"data\": {\n    \"enabled\": \"yes\"\n  },\n  \"kind\": \"ConfigMap\",\n  \
         \"metadata\": {\n    \"name\": \"settings\",\n    \"namespace\": \"shop\"\n  }\n}\n",
    )
    .unwrap();
    (tmp, pkg)
}

/// Check mode changes no item, for real: after `kpt fn eval` of the function in check mode, a
/// flow-style YAML file and a JSON file are byte for byte as they were, as an identity function
/// leaves them. Generate mode leaves them alone too.
#[test]
fn kpt_check_mode_leaves_flow_style_and_json_files_byte_for_byte() {
    if !common::available("kpt", &["version"]) {
        return;
    }
    let (tmp, pkg) = styled_package();
    let identity = tmp.path().join("identity.sh");
    std::fs::write(&identity, "#!/bin/sh\ncat\n").unwrap();
    std::fs::set_permissions(&identity, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let intent = "apiVersion: netpol-intent.dev/v1alpha1\nkind: NetworkIntent\nmetadata:\n  name: shop\n";
    let spec = "spec:\n  namespaces: [shop]\n";
    std::fs::write(tmp.path().join("generate.yaml"), format!("{intent}{spec}")).unwrap();
    let check = format!("{intent}  annotations:\n    netpol-intent.dev/mode: check\n{spec}");
    std::fs::write(tmp.path().join("check.yaml"), check).unwrap();
    let eval = |args: &[&str]| {
        let out = run("kpt", &[&["fn", "eval", "styled"], args].concat(), tmp.path());
        assert!(out.status.success(), "{}", text(&out));
        out
    };
    let files = |pkg: &Path| -> Vec<Vec<u8>> {
        ["flow.yaml", "settings.json"].iter().map(|f| std::fs::read(pkg.join(f)).unwrap()).collect()
    };
    let before = files(&pkg);
    eval(&["--exec", identity.to_str().unwrap()]);
    assert_eq!(files(&pkg), before, "the files are as kpt itself writes them");

    let generate = tmp.path().join("generate.yaml");
    let out = eval(&["--exec", "netpol-intent", "--fn-config", generate.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 added"), "{}", text(&out));
    let generated = files(&pkg);
    // The files as the user wrote them, whatever generate mode did, and the policy up to date.
    std::fs::write(pkg.join("flow.yaml"), &before[0]).unwrap();
    std::fs::write(pkg.join("settings.json"), &before[1]).unwrap();
    let snapshot_before = snapshot(&pkg);
    let check = tmp.path().join("check.yaml");
    let out = eval(&["--exec", "netpol-intent", "--fn-config", check.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 NetworkPolicy up to date"), "{}", text(&out));
    assert_eq!(snapshot(&pkg), snapshot_before, "check mode changed a file");
    assert_eq!(generated, before, "generate mode rewrote a file it does not own");
}

/// Two NetworkPolicies with one identity, or an output path that names the intent's own file:
/// `kpt fn render` fails, and no file of the package changes.
#[test]
fn kpt_render_fails_on_an_ambiguous_package_and_changes_nothing() {
    if !common::available("kpt", &["version"]) {
        return;
    }
    let (_tmp, pkg) = package();
    std::fs::write(
        pkg.join("hand-written.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny-all, namespace: shop}\n\
         spec: {podSelector: {}, ingress: [{}]}\n",
    )
    .unwrap();
    let before = snapshot(&pkg);
    let out = run("kpt", &["fn", "render", "--allow-exec"], &pkg);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("`shop/default-deny-all` would be in the package twice"), "{}", text(&out));
    assert_eq!(snapshot(&pkg), before, "a failed render changed files");

    let (_tmp, pkg) = package();
    let intent = std::fs::read_to_string(pkg.join("network-intent.yaml")).unwrap();
    let pointed = intent.replace(
        "    config.kubernetes.io/local-config: \"true\"\n",
        "    config.kubernetes.io/local-config: \"true\"\n    netpol-intent.dev/output-path: network-intent.yaml\n",
    );
    assert_ne!(pointed, intent);
    std::fs::write(pkg.join("network-intent.yaml"), &pointed).unwrap();
    let out = run("kpt", &["fn", "render", "--allow-exec"], &pkg);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("puts NetworkPolicies into `network-intent.yaml`"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(pkg.join("network-intent.yaml")).unwrap(), pointed);
    assert!(!pkg.join("network-policies").exists());
}
