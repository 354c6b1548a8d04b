//! The Argo CD examples in `examples/argocd/`: the Config Management Plugin's `discover` and
//! `generate` commands run here as the sidecar would run them, and in the image; the patches
//! apply, with the real `kubectl kustomize`, to a stand-in for the stock repo-server, and the
//! native kustomize route's init container copies the binary out of the image; the PreSync
//! hook's manifests build into read-only hooks, and its pod runs against recorded `kubectl get
//! networkpolicies,pods,namespaces --all-namespaces -o yaml` outputs (`tests/argocd/live-*.yaml`:
//! the policies, live pods with their `ownerReferences` and status, namespaces with their
//! labels): the init container's command with a fake `kubectl`, then the check container here
//! and in the image.
//!
//! Where kubectl or podman is not installed those tests say so and pass, unless
//! `NETPOL_INTENT_REQUIRE_KPT=1` or `NETPOL_INTENT_REQUIRE_PODMAN=1` is set, as CI does.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use netpol_intent::yaml::Node;

fn example(rel: &str) -> PathBuf {
    common::root().join("examples/argocd").join(rel)
}

fn parse(text: &str) -> Vec<Node> {
    netpol_intent::yaml::parse(text, &Default::default()).unwrap_or_else(|e| panic!("{e}:\n{text}"))
}

fn parse_file(path: &Path) -> Vec<Node> {
    parse(&std::fs::read_to_string(path).unwrap())
}

/// The scalar at a dotted path of keys (`spec.template.spec`).
fn at<'a>(node: &'a Node, path: &str) -> &'a Node {
    path.split('.').fold(node, |n, key| n.get(key).unwrap_or_else(|| panic!("no `{key}` in `{path}`")))
}

fn str_at<'a>(node: &'a Node, path: &str) -> &'a str {
    at(node, path).as_str().unwrap_or_else(|| panic!("`{path}` is not a scalar"))
}

/// A key of a map that may hold dots (an annotation, a ConfigMap's data).
fn key<'a>(node: &'a Node, map: &str, key: &str) -> &'a str {
    at(node, map).get(key).and_then(Node::as_str).unwrap_or_else(|| panic!("no `{key}` in `{map}`"))
}

fn annotation<'a>(node: &'a Node, name: &str) -> &'a str {
    key(node, "metadata.annotations", name)
}

fn strings(node: &Node) -> Vec<&str> {
    node.as_seq().unwrap().iter().map(|n| n.as_str().unwrap()).collect()
}

fn by_name<'a>(list: &'a Node, name: &str) -> &'a Node {
    list.as_seq()
        .unwrap()
        .iter()
        .find(|n| n.get("name").and_then(Node::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no entry named {name}"))
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn kustomize(dir: &Path) -> Vec<Node> {
    let out = Command::new("kubectl").arg("kustomize").arg(dir).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    parse(&stdout(&out))
}

fn generated(intent: &Path) -> String {
    let out = common::run(&["generate", intent.to_str().unwrap()], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

/// The image the examples name (with its tag; docs/install.md shows how to pin its digest).
const IMAGE: &str = "ghcr.io/netpol-intent/netpol-intent:0.1.0";

// ----- Config Management Plugin --------------------------------------------------------------

fn plugin() -> Node {
    parse_file(&example("cmp/plugin.yaml")).remove(0)
}

/// The plugin's command at `key` (`spec.discover.find.command`, `spec.generate.command`).
fn plugin_command(key: &str) -> Vec<String> {
    strings(at(&plugin(), key)).into_iter().map(str::to_string).collect()
}

/// Runs the plugin's command at `key` in `dir` as the sidecar does, here: the image's
/// `/netpol-intent` is the binary under test, and nothing else is on PATH.
fn run_plugin(key: &str, dir: &Path) -> Output {
    let command = plugin_command(key);
    assert_eq!(command[0], "/netpol-intent", "the plugin runs the binary itself");
    Command::new(env!("CARGO_BIN_EXE_netpol-intent"))
        .args(&command[1..])
        .current_dir(dir)
        .env_clear()
        .output()
        .unwrap()
}

const DISCOVER: &str = "spec.discover.find.command";
const GENERATE: &str = "spec.generate.command";

/// Whether Argo CD picks the plugin for `dir`: its find command exits 0 and prints something.
fn chosen(out: &Output) -> bool {
    out.status.success() && !out.stdout.is_empty()
}

#[test]
fn the_plugin_is_chosen_for_directories_with_an_intent_as_netpol_intent_reads_it() {
    let plugin = plugin();
    assert_eq!(str_at(&plugin, "apiVersion"), "argoproj.io/v1alpha1");
    assert_eq!(str_at(&plugin, "kind"), "ConfigManagementPlugin");
    let out = run_plugin(DISCOVER, &example("cmp/app"));
    assert_eq!(stdout(&out), "./network-intent.yaml\n", "{}", text(&out));
    assert!(chosen(&out));

    // A quoted kind, a trailing comment, flow style, JSON, a nested directory: all found.
    let out = run_plugin(DISCOVER, &common::root().join("tests/discover/app"));
    assert_eq!(
        stdout(&out),
        "./comment.yml\n./flow.yaml\n./intent.json\n./nested/deep.yaml\n./quoted.yaml\n",
        "{}",
        text(&out)
    );

    // No intent: not chosen, with the reason in the repo-server's log.
    let tmp = tempfile::tempdir().unwrap();
    let none = run_plugin(DISCOVER, tmp.path());
    assert!(!chosen(&none), "an empty directory: {}", text(&none));
    std::fs::write(tmp.path().join("app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
        .unwrap();
    std::fs::copy(common::root().join("tests/discover/app/notes.yaml"), tmp.path().join("notes.yaml"))
        .unwrap();
    std::fs::write(tmp.path().join("notes.md"), "kind: NetworkIntent\n").unwrap();
    let none = run_plugin(DISCOVER, tmp.path());
    assert!(!chosen(&none), "files that only mention the word: {}", text(&none));
    assert_eq!((none.status.code(), stderr(&none).contains("no NetworkIntent in .")), (Some(1), true));
}

#[test]
fn plugin_generate_prints_the_policies_of_every_intent_and_nothing_else() {
    let out = run_plugin(GENERATE, &example("cmp/app"));
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(stdout(&out), generated(&example("cmp/app/network-intent.yaml")));
    assert_eq!(stderr(&out), "");

    // Several intents: one stream, sorted by namespace then name, each policy once.
    let app = common::root().join("tests/discover/app");
    let out = run_plugin(GENERATE, &app);
    assert!(out.status.success(), "{}", text(&out));
    let direct = common::run(&["generate", app.to_str().unwrap()], "");
    assert_eq!(stdout(&out), direct.stdout);
    let docs = parse(&stdout(&out));
    assert_eq!(docs.len(), 7);
    let keys: Vec<(&str, &str)> =
        docs.iter().map(|d| (str_at(d, "metadata.namespace"), str_at(d, "metadata.name"))).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(keys, sorted);
    assert!(docs.iter().all(|d| str_at(d, "kind") == "NetworkPolicy"));
}

#[test]
fn plugin_generate_fails_loudly_rather_than_print_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_plugin(GENERATE, tmp.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("no NetworkIntent in ."), "{}", text(&out));

    // An invalid intent: its errors, nothing on standard output.
    std::fs::copy(common::root().join("tests/errors/unknown-field.yaml"), tmp.path().join("intent.yaml"))
        .unwrap();
    let out = run_plugin(GENERATE, tmp.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("error[unknown-field]: ./intent.yaml:10:7"), "{}", text(&out));

    // An intent next to a file that is not YAML (perhaps an intent someone broke).
    std::fs::copy(example("cmp/app/network-intent.yaml"), tmp.path().join("intent.yaml")).unwrap();
    std::fs::write(tmp.path().join("other.yaml"), "kind: NetworkIntent\nmetadata: [\n").unwrap();
    let out = run_plugin(GENERATE, tmp.path());
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(2), ""), "{}", text(&out));
    assert!(stderr(&out).contains("error[yaml-syntax]: ./other.yaml:"), "{}", text(&out));
}

/// The plugin's commands in the image, as the sidecar runs them: as user 999, on a read-only
/// root, in the application's directory, with the plugin's configuration the image's own.
#[test]
fn the_plugin_commands_run_in_the_image_as_the_sidecar_runs_them() {
    let Some(image) = common::image::image() else { return };
    let in_image = |key: &str, dir: &Path| {
        let command = plugin_command(key);
        let run = common::image::Run {
            mounts: vec![(dir, "/app", true)],
            workdir: Some("/app"),
            user: Some("999"),
            command: Some(&command[0]),
        };
        run.output(image, &command[1..].iter().map(String::as_str).collect::<Vec<_>>())
    };
    for dir in [example("cmp/app"), common::root().join("tests/discover/app")] {
        for key in [DISCOVER, GENERATE] {
            let (inside, here) = (in_image(key, &dir), run_plugin(key, &dir));
            assert!(inside.status.success(), "{key} in {}: {}", dir.display(), text(&inside));
            assert_eq!(stdout(&inside), stdout(&here), "{key} in {}", dir.display());
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let none = in_image(DISCOVER, tmp.path());
    assert!(!chosen(&none), "{}", text(&none));
    let empty = in_image(GENERATE, tmp.path());
    assert_eq!((empty.status.code(), stdout(&empty).as_str()), (Some(2), ""), "{}", text(&empty));
    assert!(stderr(&empty).contains("no NetworkIntent in ."), "{}", text(&empty));
}

/// A stand-in for the stock `argocd-repo-server` Deployment: its container, and the volumes
/// the patches rely on.
const REPO_SERVER: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: argocd-repo-server
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: argocd-repo-server}
  template:
    metadata:
      labels: {app.kubernetes.io/name: argocd-repo-server}
    spec:
      containers:
        - name: argocd-repo-server
          image: quay.io/argoproj/argocd:v3.0.0
          volumeMounts:
            - {name: var-files, mountPath: /var/run/argocd}
            - {name: plugins, mountPath: /home/argocd/cmp-server/plugins}
      volumes:
        - {name: var-files, emptyDir: {}}
        - {name: plugins, emptyDir: {}}
";

/// The repo-server after `patch` (a file of the examples), built by `kubectl kustomize`.
fn patched_repo_server(patch: &str) -> Node {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("repo-server.yaml"), REPO_SERVER).unwrap();
    std::fs::copy(example(patch), tmp.path().join("patch.yaml")).unwrap();
    std::fs::write(
        tmp.path().join("kustomization.yaml"),
        "resources: [repo-server.yaml]\npatches:\n  - path: patch.yaml\n",
    )
    .unwrap();
    let mut docs = kustomize(tmp.path());
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

/// Every volume a container mounts is a volume of the pod.
fn assert_mounts_exist(pod: &Node, container: &Node) {
    let volumes: BTreeSet<&str> =
        at(pod, "volumes").as_seq().unwrap().iter().map(|v| str_at(v, "name")).collect();
    for mount in at(container, "volumeMounts").as_seq().unwrap() {
        assert!(volumes.contains(str_at(mount, "name")), "no volume {}", str_at(mount, "name"));
    }
}

#[test]
fn the_sidecar_patch_adds_the_plugin_container_to_the_repo_server() {
    if !common::available("kubectl", &["version", "--client"]) {
        return;
    }
    let deployment = patched_repo_server("cmp/repo-server-patch.yaml");
    let pod = at(&deployment, "spec.template.spec");
    let names: BTreeSet<&str> =
        at(pod, "containers").as_seq().unwrap().iter().map(|c| str_at(c, "name")).collect();
    assert_eq!(names, BTreeSet::from(["argocd-repo-server", "netpol-intent"]), "the stock container is kept");
    let sidecar = by_name(at(pod, "containers"), "netpol-intent");
    assert_eq!(str_at(sidecar, "image"), IMAGE, "the sidecar is the netpol-intent image");
    assert_eq!(strings(at(sidecar, "command")), ["/var/run/argocd/argocd-cmp-server"]);
    assert_eq!(str_at(sidecar, "securityContext.runAsUser"), "999");
    let mounts: Vec<(&str, &str)> = at(sidecar, "volumeMounts")
        .as_seq()
        .unwrap()
        .iter()
        .map(|m| (str_at(m, "name"), str_at(m, "mountPath")))
        .collect();
    assert!(mounts.contains(&("var-files", "/var/run/argocd")), "{mounts:?}");
    assert!(mounts.contains(&("plugins", "/home/argocd/cmp-server/plugins")), "{mounts:?}");
    assert_mounts_exist(pod, sidecar);
}

// ----- Native kustomize ----------------------------------------------------------------------

#[test]
fn native_kustomize_gets_exec_functions_and_the_binary_where_the_intent_looks() {
    if !common::available("kubectl", &["version", "--client"]) {
        return;
    }
    let cm = parse_file(&example("kustomize/argocd-cm-patch.yaml")).remove(0);
    assert_eq!((str_at(&cm, "kind"), str_at(&cm, "metadata.name")), ("ConfigMap", "argocd-cm"));
    assert_eq!(key(&cm, "data", "kustomize.buildOptions"), "--enable-alpha-plugins --enable-exec");

    let deployment = patched_repo_server("kustomize/repo-server-patch.yaml");
    let pod = at(&deployment, "spec.template.spec");
    let init = by_name(at(pod, "initContainers"), "install-netpol-intent");
    let repo_server = by_name(at(pod, "containers"), "argocd-repo-server");
    assert_eq!(at(pod, "containers").as_seq().unwrap().len(), 1);
    assert_mounts_exist(pod, init);
    assert_mounts_exist(pod, repo_server);
    let mount = by_name(at(repo_server, "volumeMounts"), "netpol-intent-bin");
    let init_mount = by_name(at(init, "volumeMounts"), "netpol-intent-bin");
    // The init container, the image's entrypoint, copies the binary to the volume, under the
    // name the repo-server mounts.
    assert_eq!(str_at(init, "image"), IMAGE);
    assert!(init.get("command").is_none(), "the image has no shell and no cp: its entrypoint copies");
    let args = strings(at(init, "args"));
    assert_eq!(
        args,
        ["copy-binary", &format!("{}/{}", str_at(init_mount, "mountPath"), str_at(mount, "subPath"))]
    );
    let in_repo_server = str_at(mount, "mountPath");
    assert!(by_name(at(repo_server, "volumeMounts"), "var-files").get("mountPath").is_some());

    // The application's intent runs the binary at that path.
    let intent = parse_file(&example("kustomize/app/network-intent.yaml")).remove(0);
    let function = parse(annotation(&intent, "config.kubernetes.io/function")).remove(0);
    assert_eq!(str_at(&function, "exec.path"), in_repo_server);
    let kustomization = parse_file(&example("kustomize/app/kustomization.yaml")).remove(0);
    assert_eq!(strings(at(&kustomization, "generators")), ["network-intent.yaml"]);
    for resource in strings(at(&kustomization, "resources")) {
        assert!(example("kustomize/app").join(resource).is_file(), "{resource}");
    }
    assert!(parse(&generated(&example("kustomize/app/network-intent.yaml"))).len() >= 4);
}

/// The init container's arguments, run in the image with a scratch directory as its volume:
/// the binary it leaves there is whole, executable and runs (it is static) here.
#[test]
fn the_init_container_copies_the_binary_out_of_the_image() {
    let Some(image) = common::image::image() else { return };
    let patch = parse_file(&example("kustomize/repo-server-patch.yaml")).remove(0);
    let init = by_name(at(&patch, "spec.template.spec.initContainers"), "install-netpol-intent");
    let mount = str_at(&at(init, "volumeMounts").as_seq().unwrap()[0], "mountPath");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let run = common::image::Run { mounts: vec![(tmp.path(), mount, false)], ..Default::default() };
    let out = run.output(image, &strings(at(init, "args")));
    assert!(out.status.success(), "{}", text(&out));
    let copied = tmp.path().join("netpol-intent");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&copied).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o755);
    assert_eq!(common::tree(tmp.path(), &[]), [PathBuf::from("netpol-intent")], "no partial file is left");
    let version = Command::new(&copied).arg("--version").output().unwrap();
    assert_eq!(stdout(&version), format!("netpol-intent {}\n", env!("CARGO_PKG_VERSION")));
}

// ----- PreSync hook --------------------------------------------------------------------------

fn kind(doc: &Node) -> &str {
    str_at(doc, "kind")
}

fn one<'a>(docs: &'a [Node], wanted: &str) -> &'a Node {
    let found: Vec<&Node> = docs.iter().filter(|d| kind(d) == wanted).collect();
    assert_eq!(found.len(), 1, "one {wanted}");
    found[0]
}

#[test]
fn the_presync_hook_builds_into_read_only_hooks_that_run_the_check() {
    if !common::available("kubectl", &["version", "--client"]) {
        return;
    }
    let docs = kustomize(&example("presync"));
    let kinds: BTreeSet<&str> = docs.iter().map(kind).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["ClusterRole", "ClusterRoleBinding", "ConfigMap", "Job", "ServiceAccount"])
    );
    assert_eq!(docs.len(), 5);
    for doc in &docs {
        assert_eq!(annotation(doc, "argocd.argoproj.io/hook"), "PreSync", "{}", kind(doc));
        if kind(doc) != "Job" {
            // Created before the Job, which is in wave 0.
            assert_eq!(annotation(doc, "argocd.argoproj.io/sync-wave"), "-1", "{}", kind(doc));
        }
    }
    let job = one(&docs, "Job");
    assert_eq!(annotation(job, "argocd.argoproj.io/hook-delete-policy"), "BeforeHookCreation,HookSucceeded");
    assert!(job
        .get("metadata")
        .unwrap()
        .get("annotations")
        .unwrap()
        .get("argocd.argoproj.io/sync-wave")
        .is_none());

    // Read-only, and only NetworkPolicies, Pods and Namespaces: what the init container gets.
    let role = one(&docs, "ClusterRole");
    let mut granted = Vec::new();
    for rule in at(role, "rules").as_seq().unwrap() {
        for verb in strings(at(rule, "verbs")) {
            assert!(["get", "list", "watch"].contains(&verb), "the role grants `{verb}`");
        }
        assert!(strings(at(rule, "verbs")).contains(&"list"), "`kubectl get -A` lists");
        for group in strings(at(rule, "apiGroups")) {
            granted.extend(
                strings(at(rule, "resources")).into_iter().map(|r| (group.to_string(), r.to_string())),
            );
        }
    }
    granted.sort();
    let expected = [("", "namespaces"), ("", "pods"), ("networking.k8s.io", "networkpolicies")];
    assert_eq!(granted, expected.map(|(g, r)| (g.to_string(), r.to_string())));
    let (init_container, _) = job_containers();
    let command = strings(at(&init_container, "command"))[2].to_string();
    assert!(
        command.contains("kubectl get networkpolicies,pods,namespaces --all-namespaces -o yaml"),
        "{command}"
    );
    let account = one(&docs, "ServiceAccount");
    let (sa_name, sa_namespace) = (str_at(account, "metadata.name"), str_at(account, "metadata.namespace"));
    let binding = one(&docs, "ClusterRoleBinding");
    assert_eq!(str_at(binding, "roleRef.kind"), "ClusterRole");
    assert_eq!(str_at(binding, "roleRef.name"), str_at(role, "metadata.name"));
    let subjects = at(binding, "subjects").as_seq().unwrap();
    assert_eq!(subjects.len(), 1);
    assert_eq!(
        (str_at(&subjects[0], "kind"), str_at(&subjects[0], "name"), str_at(&subjects[0], "namespace")),
        ("ServiceAccount", sa_name, sa_namespace)
    );

    // The Job runs as that account, in its namespace: kubectl's image reads the live policies
    // into a shared volume, then the netpol-intent image checks them against the ConfigMap's
    // intent.
    assert_eq!(str_at(job, "metadata.namespace"), sa_namespace);
    let pod = at(job, "spec.template.spec");
    assert_eq!(str_at(pod, "serviceAccountName"), sa_name);
    assert_eq!(str_at(job, "spec.backoffLimit"), "0");
    let config = one(&docs, "ConfigMap");
    assert_eq!(str_at(config, "metadata.namespace"), sa_namespace);
    let init = &at(pod, "initContainers").as_seq().unwrap()[0];
    assert!(str_at(init, "image").starts_with("registry.k8s.io/kubectl:v"), "the upstream kubectl image");
    let container = &at(pod, "containers").as_seq().unwrap()[0];
    assert_eq!(str_at(container, "image"), IMAGE);
    assert!(container.get("command").is_none(), "the image's entrypoint runs, no shell");
    let volume = at(pod, "volumes")
        .as_seq()
        .unwrap()
        .iter()
        .find(|v| v.get("configMap").is_some())
        .expect("a ConfigMap volume");
    assert_eq!(
        str_at(volume, "configMap.name"),
        str_at(config, "metadata.name"),
        "the generated name, hash included"
    );
    let data: Vec<&str> =
        at(config, "data").as_map().unwrap().iter().map(|(k, _)| k.as_str().unwrap()).collect();
    assert_eq!(data, ["network-intent.yaml"]);
    assert_eq!(
        key(config, "data", "network-intent.yaml"),
        std::fs::read_to_string(example("presync/network-intent.yaml")).unwrap()
    );
    // Every mount is a volume of the pod; the live policies pass through an emptyDir.
    assert_mounts_exist(pod, init);
    assert_mounts_exist(pod, container);
    let live = by_name(at(pod, "volumes"), "live");
    assert!(live.get("emptyDir").is_some());
}

/// The Job of `presync/job.yaml`: its init container and its check container.
fn job_containers() -> (Node, Node) {
    let job = parse_file(&example("presync/job.yaml")).remove(0);
    let pod = at(&job, "spec.template.spec");
    let init = at(pod, "initContainers").as_seq().unwrap()[0].clone();
    let check = at(pod, "containers").as_seq().unwrap()[0].clone();
    (init, check)
}

/// (volume name, mount path) of a container.
fn mounts(container: &Node) -> Vec<(String, String)> {
    at(container, "volumeMounts")
        .as_seq()
        .unwrap()
        .iter()
        .map(|m| (str_at(m, "name").to_string(), str_at(m, "mountPath").to_string()))
        .collect()
}

/// A directory with a fake `kubectl` that prints a recorded output for exactly the command the
/// hook runs, or fails as kubectl does without a cluster.
fn fake_kubectl(recording: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let body = match recording {
        Some(name) => format!(
            "[ \"$*\" = 'get networkpolicies,pods,namespaces --all-namespaces -o yaml' ] || {{ echo \"unexpected: kubectl $*\" >&2; exit 3; }}\n\
             cat '{}'\n",
            common::root().join("tests/argocd").join(name).display()
        ),
        None => "echo 'error: You must be logged in to the server (Unauthorized)' >&2\nexit 1\n".to_string(),
    };
    let path = dir.path().join("kubectl");
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    dir
}

/// The pod's volumes here: a directory per volume, the ConfigMap's holding `intent_dir`'s
/// `network-intent.yaml`.
struct Volumes {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Volumes {
    fn new(intent_dir: &Path) -> Volumes {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        for volume in ["intent", "live", "tmp"] {
            std::fs::create_dir(root.join(volume)).unwrap();
            std::fs::set_permissions(root.join(volume), std::os::unix::fs::PermissionsExt::from_mode(0o777))
                .unwrap();
        }
        std::fs::copy(intent_dir.join("network-intent.yaml"), root.join("intent/network-intent.yaml"))
            .unwrap();
        Volumes { _tmp: tmp, root }
    }

    /// `text` with each word that is in a mount of `container` moved to its volume's
    /// directory here.
    fn here(&self, container: &Node, text: &str) -> String {
        let mounts = mounts(container);
        let word = |w: &str| -> String {
            for (volume, path) in &mounts {
                if let Some(rest) =
                    w.strip_prefix(path.as_str()).filter(|r| r.is_empty() || r.starts_with('/'))
                {
                    return format!("{}{rest}", self.root.join(volume).display());
                }
            }
            w.to_string()
        };
        text.split(' ').map(word).collect::<Vec<_>>().join(" ")
    }
}

/// Runs the hook's pod here, against a recording of `kubectl get` (`None`: kubectl fails):
/// the init container's command with bash and the fake kubectl, its mount paths mapped to
/// directories; then, if it succeeded, the check container's arguments with the binary under
/// test (in the image when `image` is given, with the real mounts). `dir` holds the intent.
fn check_with(dir: &Path, recording: Option<&str>, image: Option<&str>) -> Output {
    let (init, check) = job_containers();
    let volumes = Volumes::new(dir);
    let command = strings(at(&init, "command"));
    assert_eq!(command[..2], ["/bin/bash", "-c"]);
    let kubectl = fake_kubectl(recording);
    let read = Command::new("bash")
        .arg("-c")
        .arg(volumes.here(&init, command[2]))
        .env("PATH", format!("{}:/usr/bin:/bin", kubectl.path().display()))
        .output()
        .unwrap();
    if !read.status.success() {
        return read;
    }
    let args = strings(at(&check, "args"));
    match image {
        None => {
            let args: Vec<String> = args.iter().map(|a| volumes.here(&check, a)).collect();
            Command::new(env!("CARGO_BIN_EXE_netpol-intent")).args(&args).output().unwrap()
        }
        Some(image) => {
            let dirs: Vec<(PathBuf, String)> =
                mounts(&check).into_iter().map(|(v, path)| (volumes.root.join(v), path)).collect();
            let run = common::image::Run {
                mounts: dirs.iter().map(|(d, p)| (d.as_path(), p.as_str(), true)).collect(),
                ..Default::default()
            };
            run.output(image, &args)
        }
    }
}

fn check(dir: &Path, recording: Option<&str>) -> Output {
    check_with(dir, recording, None)
}

#[test]
fn the_presync_check_fails_the_sync_on_dangerous_drift_only() {
    let dir = example("presync");

    let clean = check(&dir, Some("live-clean.yaml"));
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));
    assert_eq!(stdout(&clean), "intent `shop`: 0 to add, 0 to change, 0 to remove, 4 unchanged\n");

    // Label tracking: every policy Argo CD applied carries `app.kubernetes.io/instance`, which
    // the check ignores (`--ignore-label`); without it, each would be reported as changed.
    let tracked = check(&dir, Some("live-label-tracking.yaml"));
    assert_eq!(stdout(&tracked), "intent `shop`: 0 to add, 0 to change, 0 to remove, 4 unchanged\n");
    let intent = dir.join("network-intent.yaml").display().to_string();
    let live = common::root().join("tests/argocd/live-label-tracking.yaml").display().to_string();
    let unignored = common::run(&["diff", &intent, "--against", &live, "--fail-on", "dangers"], "");
    assert!(unignored.stdout.contains("0 to add, 4 to change"), "{}", unignored.stdout);

    // A deleted default-deny-all leaves `shop` open now; the sync puts it back, so it goes on:
    // what it closes, to a new pod of `shop`, is no danger.
    let removed = check(&dir, Some("live-default-deny-removed.yaml"));
    assert_eq!(removed.status.code(), Some(0), "{}", text(&removed));
    let shown = stdout(&removed);
    assert!(shown.contains("1 to add, 0 to change, 0 to remove, 3 unchanged"), "{}", text(&removed));
    assert!(shown.contains("+ add     shop/default-deny-all\n"), "{}", text(&removed));
    assert!(
        shown.contains("connections: 0 opened, 7 closed, among the 5 workloads of ")
            && shown.contains("cluster.yaml and a new pod in each of the 2 managed namespaces"),
        "{shown}"
    );

    // A policy applied by hand that admits everything: the sync would not remove it. The live
    // web pods are open to all by the intent already; a new pod of `shop` is not, so that is a
    // widening, from every live pod and address.
    let widening = check(&dir, Some("live-widening.yaml"));
    assert_eq!(widening.status.code(), Some(1), "{}", text(&widening));
    let shown = stdout(&widening);
    assert!(
        shown.contains("! shop/allow-all-debug  (")
            && shown.contains("cluster.yaml:83): widens Ingress access to pods the intent isolates"),
        "{}",
        text(&widening)
    );
    assert!(
        shown.contains("billing/payments-6b8f7d9c4d-7xk2p, kube-system/coredns-668d6bf9bc-9wq4t, ")
            && shown.contains(" → shop/* all  (shop/allow-all-debug spec.ingress[0])"),
        "{shown}"
    );

    // The intent being synced drops `billing`: the sync would prune its default-deny-all.
    let tmp = tempfile::tempdir().unwrap();
    let intent = std::fs::read_to_string(dir.join("network-intent.yaml")).unwrap();
    let dropped = intent.replace("namespaces: [shop, billing]", "namespaces: [shop]").replace(
        "    - name: payments\n      namespace: billing\n",
        "    - name: payments\n      namespace: other\n",
    );
    assert_ne!(dropped, intent);
    std::fs::write(tmp.path().join("network-intent.yaml"), dropped).unwrap();
    let lost = check(tmp.path(), Some("live-clean.yaml"));
    assert_eq!(lost.status.code(), Some(1), "{}", text(&lost));
    assert!(
        stdout(&lost).contains("danger[namespace-isolation-lost]: billing/default-deny-all (Ingress)"),
        "{}",
        text(&lost)
    );

    // No live policies to read: the init container fails, so the Job and the sync do.
    let denied = check(&dir, None);
    assert_eq!(denied.status.code(), Some(1), "{}", text(&denied));
    assert!(stderr(&denied).contains("Unauthorized"), "{}", text(&denied));
}

/// The check container in the image, on the recorded live policies: what the Job logs and
/// the exit status that fails the sync or lets it go on.
#[test]
fn the_presync_check_runs_in_the_image_on_recorded_live_policies() {
    let Some(image) = common::image::image() else { return };
    let dir = example("presync");
    for (recording, status) in
        [("live-clean.yaml", 0), ("live-default-deny-removed.yaml", 0), ("live-widening.yaml", 1)]
    {
        let inside = check_with(&dir, Some(recording), Some(image));
        let here = check(&dir, Some(recording));
        assert_eq!(inside.status.code(), Some(status), "{recording}: {}", text(&inside));
        // The same report, but for the path of the live file, which differs.
        let path_free = |out: &Output| {
            let line = |l: &str| {
                let l = l.split(" (").next().unwrap();
                match (l.find("live/cluster.yaml"), l.find(" of /")) {
                    (Some(end), Some(start)) if start < end => format!("{}{}", &l[..start + 4], &l[end..]),
                    _ => l.to_string(),
                }
            };
            stdout(out).lines().map(line).collect::<Vec<_>>()
        };
        assert_eq!(path_free(&inside), path_free(&here), "{recording}");
    }
    let widening = check_with(&dir, Some("live-widening.yaml"), Some(image));
    assert!(
        stdout(&widening).contains("(/live/cluster.yaml:83): widens Ingress access"),
        "{}",
        text(&widening)
    );
}

/// An allow-all applied by hand with the intent's own label and annotation: to the diff it is
/// a policy of the intent's to remove, but the sync would not prune what Argo CD does not
/// track, and the label claims what the intent does not generate. It widens access, so the
/// check fails the sync, as it does for the same policy without the label.
#[test]
fn the_presync_check_fails_on_a_widening_policy_that_carries_the_intents_label() {
    let labelled = check(&example("presync"), Some("live-labelled-allow-all.yaml"));
    assert_eq!(labelled.status.code(), Some(1), "{}", text(&labelled));
    let shown = stdout(&labelled);
    assert!(shown.contains("0 to add, 0 to change, 1 to remove, 4 unchanged; 1 dangerous"), "{shown}");
    assert!(shown.contains("danger[widens-access]: shop/allow-all (Ingress): "), "{shown}");
    assert!(shown.contains("it carries this intent's label, but the intent does not generate it"), "{shown}");
    assert!(shown.contains("- remove  shop/allow-all  (") && shown.contains("cluster.yaml:85)"), "{shown}");
}
