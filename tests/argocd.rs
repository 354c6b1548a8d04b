//! The Argo CD examples in `examples/argocd/`: the Config Management Plugin's `discover` and
//! `generate` run here as the sidecar would run them; the patches apply, with the real
//! `kubectl kustomize`, to a stand-in for the stock repo-server; the PreSync hook's manifests
//! build into read-only hooks, and its script runs against recorded `kubectl get
//! networkpolicies --all-namespaces -o yaml` outputs (`tests/argocd/live-*.yaml`) through a
//! fake `kubectl` first on PATH.
//!
//! Where kubectl is not installed the kustomize tests say so and pass, unless
//! `NETPOL_INTENT_REQUIRE_KPT=1` is set, as CI does.

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

/// Runs a bash script in `dir` with `path` as PATH.
fn bash(script: &Path, dir: &Path, path: &std::ffi::OsStr) -> Output {
    Command::new("bash").arg(script).current_dir(dir).env("PATH", path).output().unwrap()
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

// ----- Config Management Plugin --------------------------------------------------------------

fn plugin() -> Node {
    parse_file(&example("cmp/plugin.yaml")).remove(0)
}

/// Runs the plugin's `discover.find.command` in `dir`.
fn discover(dir: &Path) -> String {
    let plugin = plugin();
    let command = strings(at(&plugin, "spec.discover.find.command"));
    let out = Command::new(command[0]).args(&command[1..]).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "discovery must not fail: {}", text(&out));
    stdout(&out)
}

#[test]
fn the_plugin_is_chosen_for_directories_with_an_intent() {
    let plugin = plugin();
    assert_eq!(str_at(&plugin, "apiVersion"), "argoproj.io/v1alpha1");
    assert_eq!(str_at(&plugin, "kind"), "ConfigManagementPlugin");
    assert_eq!(discover(&example("cmp/app")), "./network-intent.yaml\n");

    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(discover(tmp.path()), "", "an empty directory");
    std::fs::write(tmp.path().join("app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
        .unwrap();
    std::fs::write(tmp.path().join("notes.md"), "kind: NetworkIntent\n").unwrap();
    assert_eq!(discover(tmp.path()), "", "no YAML file holds an intent");
    std::fs::create_dir(tmp.path().join("net")).unwrap();
    std::fs::copy(example("cmp/app/network-intent.yaml"), tmp.path().join("net/intent.yml")).unwrap();
    assert_eq!(discover(tmp.path()), "./net/intent.yml\n");
}

/// The plugin's `generate` command is `generate.sh`, as the image installs it.
#[test]
fn the_image_installs_the_plugin_and_its_generate_script() {
    assert_eq!(strings(at(&plugin(), "spec.generate.command")), ["netpol-intent-cmp-generate"]);
    let dockerfile = std::fs::read_to_string(example("Dockerfile")).unwrap();
    for line in [
        "COPY examples/argocd/cmp/plugin.yaml /home/argocd/cmp-server/config/plugin.yaml",
        "COPY examples/argocd/cmp/generate.sh /usr/local/bin/netpol-intent-cmp-generate",
        "COPY --from=build /out/bin/netpol-intent /usr/local/bin/netpol-intent",
        "USER 999",
    ] {
        assert!(dockerfile.lines().any(|l| l == line), "the Dockerfile lacks `{line}`");
    }
}

#[test]
fn plugin_generate_prints_the_policies_of_every_intent_and_nothing_else() {
    let script = example("cmp/generate.sh");
    let out = bash(&script, &example("cmp/app"), &common::path_with_binary());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(stdout(&out), generated(&example("cmp/app/network-intent.yaml")));
    assert_eq!(stderr(&out), "");

    // Two intents, in path order, one YAML stream.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(example("cmp/app/network-intent.yaml"), tmp.path().join("b.yaml")).unwrap();
    std::fs::create_dir(tmp.path().join("a")).unwrap();
    std::fs::copy(
        common::root().join("examples/hub-and-spoke/intent.yaml"),
        tmp.path().join("a/platform.yaml"),
    )
    .unwrap();
    let out = bash(&script, tmp.path(), &common::path_with_binary());
    assert!(out.status.success(), "{}", text(&out));
    let first = generated(&tmp.path().join("a/platform.yaml"));
    let second = generated(&tmp.path().join("b.yaml"));
    assert_eq!(stdout(&out), format!("{first}---\n{second}"));
    let docs = parse(&stdout(&out));
    assert_eq!(docs.len(), parse(&first).len() + parse(&second).len());
    assert!(docs.iter().all(|d| d.get("kind").and_then(Node::as_str) == Some("NetworkPolicy")));
}

#[test]
fn plugin_generate_fails_loudly_rather_than_print_nothing() {
    let script = example("cmp/generate.sh");
    let tmp = tempfile::tempdir().unwrap();
    let out = bash(&script, tmp.path(), &common::path_with_binary());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("no NetworkIntent"), "{}", text(&out));

    // An invalid intent: its errors, nothing on standard output.
    std::fs::copy(common::root().join("tests/errors/unknown-field.yaml"), tmp.path().join("intent.yaml"))
        .unwrap();
    let out = bash(&script, tmp.path(), &common::path_with_binary());
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("error[unknown-field]: ./intent.yaml:10:7"), "{}", text(&out));

    // A netpol-intent that prints no policy (here a fake one that prints nothing).
    std::fs::copy(example("cmp/app/network-intent.yaml"), tmp.path().join("intent.yaml")).unwrap();
    let fakes = tempfile::tempdir().unwrap();
    let fake = fakes.path().join("netpol-intent");
    std::fs::write(&fake, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", fakes.path().display());
    let out = bash(&script, tmp.path(), path.as_ref());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("generated no NetworkPolicy"), "{}", text(&out));
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
    // The init container copies the binary to the volume, under the name the repo-server mounts.
    let command = strings(at(init, "command"));
    assert_eq!(command[..2], ["cp", "/usr/local/bin/netpol-intent"]);
    assert_eq!(command[2], format!("{}/{}", str_at(init_mount, "mountPath"), str_at(mount, "subPath")));
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

    // Read-only, and only NetworkPolicies.
    let role = one(&docs, "ClusterRole");
    for rule in at(role, "rules").as_seq().unwrap() {
        assert_eq!(strings(at(rule, "apiGroups")), ["networking.k8s.io"]);
        assert_eq!(strings(at(rule, "resources")), ["networkpolicies"]);
        for verb in strings(at(rule, "verbs")) {
            assert!(["get", "list", "watch"].contains(&verb), "the role grants `{verb}`");
        }
        assert!(strings(at(rule, "verbs")).contains(&"list"), "`kubectl get -A` lists");
    }
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

    // The Job runs as that account, in its namespace, the script of the ConfigMap.
    assert_eq!(str_at(job, "metadata.namespace"), sa_namespace);
    let pod = at(job, "spec.template.spec");
    assert_eq!(str_at(pod, "serviceAccountName"), sa_name);
    assert_eq!(str_at(job, "spec.backoffLimit"), "0");
    let config = one(&docs, "ConfigMap");
    assert_eq!(str_at(config, "metadata.namespace"), sa_namespace);
    let container = &at(pod, "containers").as_seq().unwrap()[0];
    assert_eq!(str_at(container, "image"), "registry.example.com/netpol-intent:0.1.0");
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
    let mount = by_name(at(container, "volumeMounts"), str_at(volume, "name"));
    assert_eq!(
        strings(at(container, "command")),
        ["bash", &format!("{}/check.sh", str_at(mount, "mountPath"))]
    );
    for file in ["check.sh", "network-intent.yaml"] {
        let data = key(config, "data", file);
        assert_eq!(data, std::fs::read_to_string(example("presync").join(file)).unwrap(), "{file}");
    }
}

/// A directory with a fake `kubectl` that prints a recorded output for exactly the command the
/// check runs, or fails as kubectl does without a cluster.
fn fake_kubectl(recording: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let body = match recording {
        Some(name) => format!(
            "[ \"$*\" = 'get networkpolicies --all-namespaces -o yaml' ] || {{ echo \"unexpected: kubectl $*\" >&2; exit 3; }}\n\
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

/// Runs the check in `dir` (holding check.sh and network-intent.yaml) against a recording.
fn check(dir: &Path, recording: Option<&str>) -> Output {
    let kubectl = fake_kubectl(recording);
    let bin = Path::new(env!("CARGO_BIN_EXE_netpol-intent")).parent().unwrap();
    let path = format!("{}:{}:/usr/bin:/bin", kubectl.path().display(), bin.display());
    // Run from elsewhere, as in the Job: the script finds the intent next to itself.
    bash(&dir.join("check.sh"), &std::env::temp_dir(), path.as_ref())
}

#[test]
fn the_presync_check_fails_the_sync_on_dangerous_drift_only() {
    let dir = example("presync");

    let clean = check(&dir, Some("live-clean.yaml"));
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));
    assert_eq!(
        stdout(&clean),
        "intent `shop`: 0 to add, 0 to change, 0 to remove, 4 unchanged\n\
         netpol-intent: no dangerous drift in the live cluster; the sync goes on\n"
    );

    // A deleted default-deny-all leaves `shop` open now; the sync puts it back, so it goes on.
    let removed = check(&dir, Some("live-default-deny-removed.yaml"));
    assert_eq!(removed.status.code(), Some(0), "{}", text(&removed));
    assert!(
        stdout(&removed).contains("1 to add, 0 to change, 0 to remove, 3 unchanged"),
        "{}",
        text(&removed)
    );
    assert!(stdout(&removed).contains("+ add     shop/default-deny-all\n"), "{}", text(&removed));

    // A policy applied by hand that admits everything: the sync would not remove it.
    let widening = check(&dir, Some("live-widening.yaml"));
    assert_eq!(widening.status.code(), Some(1), "{}", text(&widening));
    assert!(
        stdout(&widening).contains(
            "! shop/allow-all-debug  (<stdin>:83): widens Ingress access to pods the intent isolates"
        ),
        "{}",
        text(&widening)
    );
    assert!(stderr(&widening).contains("dangerous drift in the live cluster (above): failing the sync"));

    // The intent being synced drops `billing`: the sync would prune its default-deny-all.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(dir.join("check.sh"), tmp.path().join("check.sh")).unwrap();
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

    // No live policies to read: the check cannot be made, and says so.
    let denied = check(&dir, None);
    assert_eq!(denied.status.code(), Some(2), "{}", text(&denied));
    assert!(stderr(&denied).contains("Unauthorized"), "{}", text(&denied));
    assert!(stderr(&denied).contains("cannot read the live NetworkPolicies"), "{}", text(&denied));
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
    assert!(shown.contains("- remove  shop/allow-all  (<stdin>:"), "{shown}");
    assert!(stderr(&labelled).contains("dangerous drift in the live cluster (above): failing the sync"));
}
