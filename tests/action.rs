//! The GitHub Action, run here as the runner would run it: `action.yml` is parsed, and its
//! steps run in order with `bash --noprofile --norc -eo pipefail` (what `shell: bash` means)
//! under a faked `GITHUB_*` environment: `GITHUB_OUTPUT` a new file per step, one
//! `GITHUB_STEP_SUMMARY`, `GITHUB_ACTION_PATH` the repository root, `GITHUB_WORKSPACE` (and the
//! working directory) a scratch copy of `tests/action/repo/`. The `${{ … }}` expressions the
//! action uses are evaluated here (inputs with their defaults, step outputs); any other makes
//! the test fail, and so does one in a script's text. The action's outputs are then read from
//! `outputs.*.value`, as the runner does.
//!
//! The fixture holds two intents, an invalid one and `deploy/policies/`, rendered from the two
//! (after a change to the generator: from `tests/action/repo/`, run
//! `netpol-intent generate network/shop.yaml -o deploy/policies`, then the same for `web.yaml`).
//!
//! The install step is run for real against a fake release server on loopback: a thread here
//! serves a directory of releases (made by `action/package.sh` and `sha256sum`, as the release
//! workflow makes them) and logs each path asked for; the action runs from a scratch copy whose
//! `Cargo.toml` names that server as its repository, and the real `curl` downloads from it.
//! `cargo` is a fake that logs its arguments and "installs" the binary under test.
//!
//! The pull-request comment is posted for real too, with the real `curl`, to a fake GitHub
//! REST API on loopback (`common::github_api`) named by `GITHUB_API_URL`; the event is a
//! `pull_request` one for pull request 7 unless a test says otherwise, and `github.token` is
//! [`TOKEN`].

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::github_api::GithubApi;
use common::release_server::ReleaseServer;
use netpol_intent::yaml::Node;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const BIN: &str = env!("CARGO_BIN_EXE_netpol-intent");
const SYSTEM_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// What `${{ github.token }}` is.
const TOKEN: &str = "ghs_test-token";

fn action() -> Node {
    let text = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    netpol_intent::yaml::parse(&text, &Default::default()).unwrap().remove(0)
}

fn map(node: &Node) -> Vec<(&str, &Node)> {
    node.as_map().unwrap_or(&[]).iter().map(|(k, v)| (k.as_str().unwrap(), v)).collect()
}

fn str_at<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Node::as_str)
}

fn executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// What one run of the action did.
#[derive(Debug)]
struct Run {
    /// The exit status of the step that failed, or 0.
    status: i32,
    /// The id of the step that failed.
    failed: Option<String>,
    stdout: String,
    stderr: String,
    outputs: BTreeMap<String, String>,
    summary: String,
}

impl Run {
    fn output(&self, name: &str) -> &str {
        self.outputs.get(name).map(String::as_str).unwrap_or_else(|| panic!("no output `{name}`: {self:#?}"))
    }
}

/// The repository path of the fake release server, as `Cargo.toml`'s `repository` names it.
const REPOSITORY: &str = "/netpol-intent/netpol-intent";

/// A scratch workspace, runner temp directory, copy of the action, directory of fakes and
/// release server.
struct Scene {
    _tmp: tempfile::TempDir,
    workspace: PathBuf,
    temp: PathBuf,
    fakes: PathBuf,
    /// The action, as the runner checks it out (`GITHUB_ACTION_PATH`), with `Cargo.toml`'s
    /// `repository` the release server.
    action: PathBuf,
    /// What the release server serves.
    served_root: PathBuf,
    server: ReleaseServer,
    /// PATH for the steps.
    path: String,
    /// `RUNNER_OS` and `RUNNER_ARCH`.
    runner: (&'static str, &'static str),
    /// The GitHub REST API, and the event the run is for (`GITHUB_EVENT_NAME`, and the
    /// payload at `GITHUB_EVENT_PATH`).
    api: GithubApi,
    event: (&'static str, String),
}

impl Scene {
    /// The fixture repository as the workspace; on PATH, the binary under test's directory
    /// first, then the fakes, then the system's directories.
    fn new() -> Scene {
        let tmp = tempfile::tempdir().unwrap();
        let workspace = tmp.path().join("workspace");
        common::copy_tree(&common::root().join("tests/action/repo"), &workspace, &[]);
        let [temp, fakes, served_root, action] =
            ["runner-temp", "fakes", "server", "action"].map(|d| tmp.path().join(d));
        for dir in [&temp, &fakes, &served_root, &action.join("action")] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let server = ReleaseServer::start(served_root.clone());
        std::fs::copy(common::root().join("action.yml"), action.join("action.yml")).unwrap();
        for script in common::files(&common::root().join("action"), ".sh") {
            std::fs::copy(&script, action.join("action").join(script.file_name().unwrap())).unwrap();
        }
        let manifest = std::fs::read_to_string(common::root().join("Cargo.toml")).unwrap();
        let real = "repository = \"https://github.com/netpol-intent/netpol-intent\"\n";
        assert!(manifest.contains(real));
        let fake = format!("repository = \"{}{REPOSITORY}\"\n", server.url);
        std::fs::write(action.join("Cargo.toml"), manifest.replace(real, &fake)).unwrap();
        let cargo = fakes.join("cargo");
        std::fs::write(
            &cargo,
            format!(
                "#!/bin/bash\n# fake cargo: logs, and installs the binary under test under --root\n\
                 echo \"$*\" >> '{log}/cargo.log'\nroot=\"${{@: -1}}\"\nmkdir -p \"$root/bin\"\n\
                 cp '{BIN}' \"$root/bin/netpol-intent\"\n",
                log = fakes.display()
            ),
        )
        .unwrap();
        executable(&cargo);
        let bin_dir = Path::new(BIN).parent().unwrap();
        let path = format!("{}:{}:{SYSTEM_PATH}", bin_dir.display(), fakes.display());
        Scene {
            _tmp: tmp,
            workspace,
            temp,
            fakes,
            action,
            served_root,
            server,
            path,
            runner: ("Linux", "X64"),
            api: GithubApi::start(),
            event: ("pull_request", r#"{"pull_request": {"number": 7}}"#.to_string()),
        }
    }

    /// PATH without the binary under test, but with a netpol-intent of another version first.
    fn without_binary_on_path(&mut self) {
        let old = self.fakes.join("old");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("netpol-intent"), "#!/bin/sh\necho 'netpol-intent 0.0.1'\n").unwrap();
        executable(&old.join("netpol-intent"));
        self.path = format!("{}:{}:{SYSTEM_PATH}", old.display(), self.fakes.display());
    }

    /// Publishes the binary under test as the release `vVERSION` for `target` (see
    /// [`common::release_server::publish`]); returns the release's directory on the server.
    fn publish(&self, version: &str, target: &str) -> PathBuf {
        self.publish_binary(version, target, Path::new(BIN))
    }

    /// [`Scene::publish`] with a stand-in that only says its version: for releases that must
    /// not be installed.
    fn publish_stub(&self, version: &str, target: &str) -> PathBuf {
        let stub = common::release_server::stub_binary(&self.fakes, version);
        self.publish_binary(version, target, &stub)
    }

    fn publish_binary(&self, version: &str, target: &str, binary: &Path) -> PathBuf {
        let dir = self.served_root.join(release_path(version, "").trim_start_matches('/'));
        common::release_server::publish(&dir, version, target, binary);
        dir
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.fakes.join(name)).unwrap_or_default()
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.workspace.join(rel), text).unwrap();
    }

    /// Writes a policy file into `deploy/policies` and lists it in the kustomization, which
    /// kustomize applies only what it lists.
    fn add_policy(&self, rel: &str, text: &str) {
        self.write(&format!("deploy/policies/{rel}"), text);
        let kustomization = self.workspace.join("deploy/policies/kustomization.yaml");
        let listed = std::fs::read_to_string(&kustomization).unwrap();
        std::fs::write(&kustomization, format!("{listed}- {rel}\n")).unwrap();
    }

    /// Deletes a policy file of `deploy/policies` and its line in the kustomization, as a
    /// change that deletes a policy does (kustomize fails on a listed file that is missing).
    fn delete_policy(&self, rel: &str) {
        let dir = self.workspace.join("deploy/policies");
        std::fs::remove_file(dir.join(rel)).unwrap();
        let kustomization = std::fs::read_to_string(dir.join("kustomization.yaml")).unwrap();
        let kept = kustomization.replace(&format!("- {rel}\n"), "");
        assert_ne!(kept, kustomization, "{rel} is listed");
        std::fs::write(dir.join("kustomization.yaml"), kept).unwrap();
    }

    /// Runs the action with `inputs` (`with:`), step by step, stopping at the first failure.
    fn run(&self, inputs: &[(&str, &str)]) -> Run {
        let action = action();
        assert_eq!(str_at(action.get("runs").unwrap(), "using"), Some("composite"));
        let declared = map(action.get("inputs").unwrap());
        for (name, _) in inputs {
            assert!(declared.iter().any(|(d, _)| d == name), "input `{name}` is not declared");
        }
        let input = |name: &str| -> String {
            let (_, spec) =
                declared.iter().find(|(d, _)| *d == name).unwrap_or_else(|| panic!("no input {name}"));
            match inputs.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => value.to_string(),
                None => {
                    assert_ne!(str_at(spec, "required"), Some("true"), "required input `{name}` not given");
                    let default = str_at(spec, "default").unwrap_or("");
                    evaluate(default, &|name| panic!("a default names input {name}"), &BTreeMap::new())
                }
            }
        };
        let summary = self.temp.join("step-summary.md");
        std::fs::write(&summary, "").unwrap();
        let event = self.temp.join("event.json");
        std::fs::write(&event, &self.event.1).unwrap();
        let mut steps: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut run = Run {
            status: 0,
            failed: None,
            stdout: String::new(),
            stderr: String::new(),
            outputs: BTreeMap::new(),
            summary: String::new(),
        };
        for (i, step) in
            action.get("runs").unwrap().get("steps").unwrap().as_seq().unwrap().iter().enumerate()
        {
            let id = str_at(step, "id").map(str::to_string).unwrap_or(format!("step{i}"));
            assert_eq!(
                str_at(step, "shell"),
                Some("bash"),
                "step {id}: a composite run step needs `shell: bash`"
            );
            let script = str_at(step, "run").unwrap_or_else(|| panic!("step {id} has no `run`"));
            assert!(!script.contains("${{"), "step {id}: expressions in the script text allow injection");
            for (key, _) in map(step) {
                assert!(
                    ["id", "shell", "env", "run", "name"].contains(&key),
                    "step {id}: `{key}` is not emulated"
                );
            }
            let script_file = self.temp.join(format!("{id}.sh"));
            std::fs::write(&script_file, script).unwrap();
            let output_file = self.temp.join(format!("{id}.output"));
            std::fs::write(&output_file, "").unwrap();
            let mut command = Command::new("bash");
            command
                .args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script_file)
                .current_dir(&self.workspace)
                .env_clear()
                .env("PATH", &self.path)
                .env("HOME", std::env::var_os("HOME").unwrap_or_default())
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_ACTION_PATH", &self.action)
                .env("GITHUB_WORKSPACE", &self.workspace)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("RUNNER_TEMP", &self.temp)
                .env("RUNNER_OS", self.runner.0)
                .env("RUNNER_ARCH", self.runner.1)
                .env("GITHUB_API_URL", &self.api.url)
                .env("GITHUB_REPOSITORY", "octo/shop")
                .env("GITHUB_EVENT_NAME", self.event.0)
                .env("GITHUB_EVENT_PATH", &event);
            for (name, value) in map(step.get("env").unwrap_or(&Node::null())) {
                command.env(name, evaluate(value.as_str().unwrap(), &input, &steps));
            }
            let out = command.output().unwrap();
            run.stdout.push_str(&String::from_utf8_lossy(&out.stdout));
            run.stderr.push_str(&String::from_utf8_lossy(&out.stderr));
            steps.insert(id.clone(), read_outputs(&std::fs::read_to_string(&output_file).unwrap()));
            if !out.status.success() {
                run.status = out.status.code().unwrap_or(-1);
                run.failed = Some(id);
                break;
            }
        }
        for (name, spec) in map(action.get("outputs").unwrap()) {
            let value = evaluate(str_at(spec, "value").unwrap(), &input, &steps);
            run.outputs.insert(name.to_string(), value);
        }
        run.summary = std::fs::read_to_string(&summary).unwrap();
        run
    }
}

/// Evaluates the `${{ … }}` expressions the action uses: `inputs.NAME`,
/// `steps.ID.outputs.NAME` (empty when not set, as on GitHub) and `github.token`.
fn evaluate(
    text: &str,
    input: &dyn Fn(&str) -> String,
    steps: &BTreeMap<String, BTreeMap<String, String>>,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("a closed expression") + start;
        let expr = rest[start + 3..end].trim();
        let parts: Vec<&str> = expr.split('.').collect();
        out.push_str(&match parts.as_slice() {
            ["inputs", name] => input(name),
            ["github", "token"] => TOKEN.to_string(),
            ["steps", id, "outputs", name] => {
                steps.get(*id).and_then(|o| o.get(*name)).cloned().unwrap_or_default()
            }
            _ => panic!("the test does not emulate the expression `{expr}`"),
        });
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The `name=value` lines and `name<<DELIMITER` blocks of a `GITHUB_OUTPUT` file.
fn read_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            out.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_string(), value.to_string());
        } else {
            panic!("not an output line: {line:?}");
        }
    }
    out
}

const BOTH: &str = "network/shop.yaml\n\n  network/web.yaml  \n";

#[test]
fn the_action_declares_its_inputs_and_outputs_and_passes_inputs_through_the_environment() {
    let action = action();
    let inputs: Vec<&str> = map(action.get("inputs").unwrap()).into_iter().map(|(k, _)| k).collect();
    let expected = [
        "intent",
        "against",
        "workloads",
        "format",
        "fail-on",
        "version",
        "install",
        "comment",
        "github-token",
    ];
    assert_eq!(inputs, expected);
    for (name, spec) in map(action.get("inputs").unwrap()) {
        assert!(str_at(spec, "description").is_some_and(|d| d.len() > 20), "input {name} is undocumented");
    }
    let outputs: Vec<&str> = map(action.get("outputs").unwrap()).into_iter().map(|(k, _)| k).collect();
    for wanted in ["drift", "added", "changed", "removed", "opened", "closed", "report"] {
        assert!(outputs.contains(&wanted), "no output {wanted}");
    }
    // Every input is used, and only through `env:`.
    let text = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    for name in inputs {
        assert!(text.contains(&format!(": ${{{{ inputs.{name} }}}}\n")), "input {name} is not passed on");
    }
}

#[test]
fn no_drift_sets_the_outputs_and_writes_both_reports_to_the_summary() {
    let scene = Scene::new();
    let run = scene.run(&[("intent", BOTH), ("against", "deploy/policies"), ("install", "path")]);
    assert_eq!((run.status, &run.failed), (0, &None), "{run:#?}");
    assert_eq!(run.output("drift"), "false");
    for count in ["added", "changed", "removed", "dangerous", "widening", "opened", "closed"] {
        assert_eq!(run.output(count), "0", "{count}");
    }
    assert!(run.summary.contains("### netpol-intent diff: intent `shop`"), "{}", run.summary);
    assert!(run.summary.contains("### netpol-intent diff: intent `web`"), "{}", run.summary);
    assert_eq!(run.summary.matches("No differences").count(), 2, "{}", run.summary);
    let report = std::fs::read_to_string(run.output("report")).unwrap();
    assert!(run.output("report").ends_with(".md"));
    assert_eq!(report, run.summary);
    assert!(!run.stdout.contains("::error"), "{}", run.stdout);
    // `install: path`, and the binary on PATH has the version asked for: nothing was downloaded
    // or built.
    assert_eq!(run.outputs.len(), 9);
    assert_eq!((scene.server.served(), scene.log("cargo.log")), (Vec::<String>::new(), String::new()));
}

#[test]
fn drift_is_counted_over_intents_and_fails_the_step_only_when_asked() {
    let scene = Scene::new();
    scene.delete_policy("web/internet-egress.yaml");
    let edited = scene.workspace.join("deploy/policies/shop/allow-db-access.yaml");
    let text = std::fs::read_to_string(&edited).unwrap();
    assert!(text.contains("port: 5432"));
    std::fs::write(&edited, text.replace("port: 5432", "port: 5433")).unwrap();
    let with = |fail_on: &str| {
        scene.run(&[
            ("intent", BOTH),
            ("against", "deploy/policies"),
            ("fail-on", fail_on),
            ("install", "path"),
        ])
    };

    let default = scene.run(&[("intent", BOTH), ("against", "deploy/policies"), ("install", "path")]);
    assert_eq!(default.status, 0, "drift does not fail the step by default: {default:#?}");
    assert_eq!(
        (
            default.output("drift"),
            default.output("added"),
            default.output("changed"),
            default.output("removed")
        ),
        ("true", "1", "1", "0")
    );
    assert!(default.summary.contains("| add | `web/internet-egress` |"), "{}", default.summary);
    assert!(default.summary.contains("| change | `shop/allow-db-access` |"), "{}", default.summary);

    let never = with("never");
    assert_eq!(never.status, 0);
    let dangers = with("dangers");
    assert_eq!(dangers.status, 0, "an addition and a change are no danger: {dangers:#?}");

    let differences = with("differences");
    assert_eq!((differences.status, differences.failed.as_deref()), (1, Some("diff")), "{differences:#?}");
    assert_eq!(differences.output("drift"), "true", "the outputs are set before the step fails");
    assert!(differences.summary.contains("intent `web`"), "{}", differences.summary);
    assert!(
        differences.stdout.contains(
            "::error title=netpol-intent::1 to add, 1 to change, 0 to remove, 0 dangerous, 0 widening (fail-on: differences)"
        ),
        "{}",
        differences.stdout
    );

    // An unmanaged policy that widens access fails `dangers`, with no difference at all.
    let scene = Scene::new();
    scene.add_policy(
        "web/allow-all.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-all, namespace: web}\n\
         spec:\n  podSelector: {}\n  ingress: [{}]\n",
    );
    let dangers = scene.run(&[
        ("intent", BOTH),
        ("against", "deploy/policies"),
        ("fail-on", "dangers"),
        ("install", "path"),
    ]);
    assert_eq!(dangers.status, 1, "{dangers:#?}");
    assert_eq!((dangers.output("drift"), dangers.output("widening")), ("false", "1"));
}

#[test]
fn an_invalid_intent_is_annotated_on_its_file_and_line_and_fails_the_step() {
    let scene = Scene::new();
    let intents = "network/invalid.yaml\nnetwork/shop.yaml\n";
    let run = scene.run(&[("intent", intents), ("against", "deploy/policies"), ("install", "path")]);
    assert_eq!((run.status, run.failed.as_deref()), (2, Some("diff")), "{run:#?}");
    let annotations: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        annotations,
        ["::error file=network/invalid.yaml,line=10,col=7,endLine=10,endColumn=16,\
             title=netpol-intent unknown-field::\
             spec.workloads[0].podSelectr: unknown field `podSelectr`%0Ahelp: did you mean `podSelector`?",],
        "{}",
        run.stdout
    );
    // The valid intent is still compared and reported.
    assert_eq!(run.output("drift"), "false");
    assert!(run.summary.contains("intent `shop`"), "{}", run.summary);
    assert!(run.summary.contains("`network/invalid.yaml` could not be compared"), "{}", run.summary);

    // A broken policy file is annotated too.
    let scene = Scene::new();
    scene.add_policy(
        "web/broken.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: [\n",
    );
    let run =
        scene.run(&[("intent", "network/web.yaml"), ("against", "deploy/policies"), ("install", "path")]);
    assert_eq!(run.status, 2, "{run:#?}");
    assert!(run.stdout.contains("::error file=deploy/policies/web/broken.yaml,line="), "{}", run.stdout);
}

#[test]
fn the_report_file_is_in_the_format_asked() {
    let scene = Scene::new();
    scene.delete_policy("web/internet-egress.yaml");
    let with = |format: &str| {
        scene.run(&[
            ("intent", BOTH),
            ("against", "deploy/policies"),
            ("format", format),
            ("install", "path"),
        ])
    };
    let json = with("json");
    assert_eq!(json.status, 0, "{json:#?}");
    assert!(json.output("report").ends_with(".json"));
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json.output("report")).unwrap()).unwrap();
    let intents: Vec<&str> =
        value.as_array().unwrap().iter().map(|r| r["intent"].as_str().unwrap()).collect();
    assert_eq!(intents, ["shop", "web"]);
    assert_eq!(value[1]["added"][0]["name"], "internet-egress");
    assert!(json.summary.starts_with("**netpol-intent: passed**, with drift"), "the summary stays Markdown");

    let text = with("text");
    let report = std::fs::read_to_string(text.output("report")).unwrap();
    assert!(report.starts_with("intent `shop`: 0 to add, 0 to change, 0 to remove"), "{report}");
    assert!(report.contains("intent `web`: 1 to add,"), "{report}");
    assert!(report.contains("+ add     web/internet-egress"), "{report}");
    assert!(!report.contains('\x1b'));

    let wrong = with("html");
    assert_eq!(wrong.status, 2);
    assert!(wrong.stdout.contains("::error title=netpol-intent::input `format` must be"), "{}", wrong.stdout);
}

/// With `workloads`, the connections are judged among them: the summary's verdict leads with
/// the connections opened and closed, each intent's section says among which workloads and
/// lists them, the outputs count them, and a hand-written allow-all is a danger as a fact,
/// with the connections it lets through. Without it, the section says the intent's own.
#[test]
fn the_workloads_input_judges_connections_among_them_and_the_summary_leads_with_them() {
    let scene = Scene::new();
    scene.delete_policy("web/internet-egress.yaml");
    scene.add_policy(
        "shop/allow-all.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-all, namespace: shop}\n\
         spec:\n  podSelector: {}\n  ingress: [{}]\n",
    );
    let run = scene.run(&[
        ("intent", BOTH),
        ("against", "deploy/policies"),
        ("workloads", "deploy/workloads.yaml"),
        ("fail-on", "dangers"),
        ("install", "path"),
    ]);
    assert_eq!((run.status, run.failed.as_deref()), (1, Some("diff")), "{run:#?}");
    assert_eq!((run.output("opened"), run.output("closed")), ("1", "0"), "{run:#?}");
    assert!(
        verdict(&run).starts_with("**netpol-intent: failed**: 1 connection opened, 0 closed; 1 to add,"),
        "{}",
        verdict(&run)
    );
    let summary = &run.summary;
    assert!(
        summary.contains(
            "Connections among the 7 workloads of deploy/workloads.yaml and a new pod in each of the 2 managed namespaces."
        ),
        "{summary}"
    );
    assert!(
        summary.contains(
            "| opened | `web/frontend → any IPv4 address except 10.0.0.0/8, 100.64.0.0/10, 169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16 TCP 443` |"
        ),
        "{summary}"
    );
    assert!(summary.contains("| widening | `"), "{summary}");
    assert!(summary.contains("let through by `shop/allow-all spec.ingress[0]`"), "{summary}");
    assert!(summary.contains("`widens-access` shop/allow-all (Ingress)"), "{summary}");
    let report = std::fs::read_to_string(run.output("report")).unwrap();
    assert_eq!(&report, summary);

    // The JSON report has the connections, in the connectivity format.
    let json = scene.run(&[
        ("intent", "network/web.yaml"),
        ("against", "deploy/policies"),
        ("workloads", "deploy/workloads.yaml"),
        ("format", "json"),
        ("install", "path"),
    ]);
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json.output("report")).unwrap()).unwrap();
    let opened = &value[0]["connections"]["opened"];
    assert_eq!(opened[0]["src"], "web/frontend", "{value}");
    assert_eq!(opened[0]["allowed"], serde_json::json!([{"protocol": "TCP", "port": 443}]));
    assert_eq!(value[0]["connections"]["workloads"], "deploy/workloads.yaml");

    // Without it: among the intent's own.
    let own =
        scene.run(&[("intent", "network/web.yaml"), ("against", "deploy/policies"), ("install", "path")]);
    assert!(
        own.summary.contains("pods standing for the workloads, labels and namespaces"),
        "{}",
        own.summary
    );
}

/// Where the release server has a release's file.
fn release_path(version: &str, file: &str) -> String {
    format!("{REPOSITORY}/releases/download/v{version}/{file}")
}

#[test]
fn by_default_the_release_binary_is_downloaded_and_checked_against_sha256sums() {
    let mut scene = Scene::new();
    scene.without_binary_on_path();
    scene.publish(VERSION, "x86_64-unknown-linux-gnu");
    let run = scene.run(&[("intent", "network/shop.yaml"), ("against", "deploy/policies")]);
    assert_eq!(run.status, 0, "{run:#?}");
    let archive = format!("netpol-intent-{VERSION}-x86_64-unknown-linux-gnu.tar.gz");
    assert_eq!(scene.server.served(), [release_path(VERSION, &archive), release_path(VERSION, "SHA256SUMS")]);
    assert_eq!(scene.log("cargo.log"), "", "nothing is compiled unless asked");
    assert!(run.stdout.contains(&format!("{archive}: checksum OK")), "{}", run.stdout);
    let installed = scene.temp.join(format!("netpol-intent-{VERSION}/bin/netpol-intent"));
    assert_eq!(std::fs::read(&installed).unwrap(), std::fs::read(BIN).unwrap());
    assert!(run.stdout.contains(&format!("netpol-intent {VERSION}\n")), "{}", run.stdout);
    assert_eq!(run.output("drift"), "false");

    // An arm64 runner gets the aarch64 archive; a `v` before the version is allowed.
    let mut scene = Scene::new();
    scene.without_binary_on_path();
    scene.runner = ("Linux", "ARM64");
    scene.publish_stub(VERSION, "aarch64-unknown-linux-gnu");
    let tag = format!("v{VERSION}");
    let run =
        scene.run(&[("intent", "network/shop.yaml"), ("against", "deploy/policies"), ("version", &tag)]);
    let arm = format!("netpol-intent-{VERSION}-aarch64-unknown-linux-gnu.tar.gz");
    assert_eq!(scene.server.served()[0], release_path(VERSION, &arm));
    assert!(run.stdout.contains(&format!("{arm}: checksum OK")), "{run:#?}");
    assert_ne!(run.failed.as_deref(), Some("install"), "{run:#?}");

    // A runner no release is built for.
    let mut scene = Scene::new();
    scene.runner = ("Windows", "X64");
    let run = scene.run(&[("intent", "network/shop.yaml"), ("against", "deploy/policies")]);
    assert_eq!(run.failed.as_deref(), Some("install"), "{run:#?}");
    assert!(run.stdout.contains("no release binary for Windows/X64: use install: source"), "{}", run.stdout);
}

#[test]
fn a_download_that_does_not_match_its_checksum_is_not_installed() {
    let archive = format!("netpol-intent-{VERSION}-x86_64-unknown-linux-gnu.tar.gz");
    let tampered = |edit: &dyn Fn(&Path)| {
        let mut scene = Scene::new();
        scene.without_binary_on_path();
        edit(&scene.publish_stub(VERSION, "x86_64-unknown-linux-gnu"));
        let run = scene.run(&[("intent", "network/shop.yaml"), ("against", "deploy/policies")]);
        assert_eq!((run.status, run.failed.as_deref()), (1, Some("install")), "{run:#?}");
        assert!(run.outputs.values().all(String::is_empty), "{run:#?}");
        assert!(!scene.temp.join(format!("netpol-intent-{VERSION}/bin/netpol-intent")).exists());
        assert_eq!(scene.log("cargo.log"), "", "no fallback to compiling");
        run.stdout
    };
    // The archive changed after the sums were made.
    let out = tampered(&|dir| {
        let mut bytes = std::fs::read(dir.join(&archive)).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(dir.join(&archive), bytes).unwrap();
    });
    assert!(out.contains(&format!("::error title=netpol-intent::checksum mismatch for {archive}")), "{out}");
    // Sums that do not list the archive.
    let out = tampered(&|dir| {
        std::fs::write(dir.join("SHA256SUMS"), format!("{}  other.tar.gz\n", "0".repeat(64))).unwrap()
    });
    assert!(out.contains(&format!("SHA256SUMS of v{VERSION} has no checksum of {archive}")), "{out}");
    // No sums at all.
    let out = tampered(&|dir| std::fs::remove_file(dir.join("SHA256SUMS")).unwrap());
    assert!(out.contains("SHA256SUMS: is there a release"), "{out}");
    // No release at all.
    let out = tampered(&|dir| std::fs::remove_dir_all(dir).unwrap());
    assert!(out.contains(&format!("is there a release v{VERSION}?")), "{out}");
}

#[test]
fn the_version_is_checked_before_it_reaches_any_url_or_path() {
    let long = "9".repeat(70);
    let bad = [
        "1.0",
        "../../../etc/passwd",
        "0.1.0/../../x",
        "v0.1.0; touch /tmp/x",
        "$(id)",
        "0.1.0 ",
        "0.1.0\nx",
        "01.2.3",
        "1.2.3-a..b",
        "latest",
        &long,
    ];
    for version in bad {
        let mut scene = Scene::new();
        scene.without_binary_on_path();
        for install in ["release", "source", "path"] {
            let inputs = [
                ("intent", "network/shop.yaml"),
                ("against", "deploy/policies"),
                ("version", version),
                ("install", install),
            ];
            let run = scene.run(&inputs);
            assert_eq!((run.status, run.failed.as_deref()), (1, Some("install")), "{version:?}: {run:#?}");
            let message = "::error title=netpol-intent::input `version` must be a version number";
            assert!(run.stdout.contains(message), "{version:?}: {}", run.stdout);
        }
        assert_eq!(scene.server.served(), Vec::<String>::new(), "{version:?}");
        assert_eq!(scene.log("cargo.log"), "", "{version:?}");
        let installed = common::tree(&scene.temp, &[]);
        assert!(installed.iter().all(|p| !p.starts_with("netpol-intent-")), "{version:?}: {installed:?}");
    }
    let scene = Scene::new();
    let run =
        scene.run(&[("intent", "network/shop.yaml"), ("against", "deploy/policies"), ("install", "curl")]);
    assert!(run.stdout.contains("input `install` must be release, source or path"), "{}", run.stdout);
}

#[test]
fn the_action_compiles_its_own_source_only_when_asked() {
    let mut scene = Scene::new();
    scene.without_binary_on_path();
    let run =
        scene.run(&[("intent", "network/shop.yaml"), ("against", "deploy/policies"), ("install", "source")]);
    assert_eq!(run.status, 0, "{run:#?}");
    let root = scene.temp.join(format!("netpol-intent-{VERSION}"));
    assert_eq!(
        scene.log("cargo.log"),
        format!("install --locked --path {} --root {}\n", scene.action.display(), root.display())
    );
    assert_eq!(scene.server.served(), Vec::<String>::new());
    assert_eq!(run.output("drift"), "false");

    // Another version than the action's own cannot be built from it.
    let mut scene = Scene::new();
    scene.without_binary_on_path();
    let inputs = [
        ("intent", "network/shop.yaml"),
        ("against", "deploy/policies"),
        ("version", "v9.9.9"),
        ("install", "source"),
    ];
    let run = scene.run(&inputs);
    assert_eq!((run.status, run.failed.as_deref()), (1, Some("install")), "{run:#?}");
    let message = format!("install: source builds the action's own source, {VERSION}, not 9.9.9");
    assert!(run.stdout.contains(&message), "{run:#?}");
    assert_eq!(scene.log("cargo.log"), "");

    // `install: path` with a netpol-intent of another version on PATH.
    let run =
        scene.run(&[("intent", "network/shop.yaml"), ("against", "deploy/policies"), ("install", "path")]);
    assert_eq!((run.status, run.failed.as_deref()), (1, Some("install")), "{run:#?}");
    assert!(run.stdout.contains(&format!("is netpol-intent 0.0.1, not {VERSION}")), "{}", run.stdout);
}

/// The example workflow uses the action with inputs it declares, and gives the required ones.
#[test]
fn the_example_workflow_uses_the_action_as_declared() {
    let text = std::fs::read_to_string(common::root().join("examples/github/network-policies.yaml")).unwrap();
    let workflow = netpol_intent::yaml::parse_as_yaml_1_2(&text, &Default::default()).unwrap().remove(0);
    assert!(workflow.get("on").unwrap().get("pull_request").is_some());
    let action = action();
    let declared = map(action.get("inputs").unwrap());
    let mut uses = 0;
    for (_, job) in map(workflow.get("jobs").unwrap()) {
        for step in job.get("steps").unwrap().as_seq().unwrap() {
            if !str_at(step, "uses").is_some_and(|u| u.starts_with("netpol-intent/netpol-intent@")) {
                continue;
            }
            uses += 1;
            let with = map(step.get("with").unwrap());
            for (name, _) in &with {
                assert!(
                    declared.iter().any(|(d, _)| d == name),
                    "the example gives undeclared input `{name}`"
                );
            }
            for (name, spec) in &declared {
                if str_at(spec, "required") == Some("true") {
                    assert!(with.iter().any(|(w, _)| w == name), "the example lacks required input `{name}`");
                }
            }
        }
    }
    assert_eq!(uses, 1);
}

/// `fail-on: dangers` does not trust a label: an allow-all that carries the intent's own label
/// and annotation is a policy to remove, and, applied as the repository holds it, a danger.
#[test]
fn fail_on_dangers_fails_on_a_widening_policy_that_carries_the_intents_label() {
    let scene = Scene::new();
    scene.add_policy(
        "web/allow-all.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-all\n  namespace: web\n  \
         labels: {app.kubernetes.io/managed-by: netpol-intent}\n  annotations: {netpol-intent.dev/intent: web}\n\
         spec:\n  podSelector: {}\n  ingress: [{}]\n",
    );
    let run = |fail_on: &str| {
        scene.run(&[
            ("intent", BOTH),
            ("against", "deploy/policies"),
            ("fail-on", fail_on),
            ("install", "path"),
        ])
    };
    let dangers = run("dangers");
    assert_eq!((dangers.status, dangers.failed.as_deref()), (1, Some("diff")), "{dangers:#?}");
    assert_eq!((dangers.output("removed"), dangers.output("dangerous")), ("1", "1"));
    assert!(dangers.summary.contains("`widens-access` web/allow-all (Ingress)"), "{}", dangers.summary);
    assert_eq!(run("never").status, 0);
}

/// The first line of the job summary.
fn verdict(run: &Run) -> &str {
    run.summary.lines().next().unwrap_or_default()
}

#[test]
fn the_summary_starts_with_a_verdict_and_names_each_intent_file_in_its_heading() {
    let scene = Scene::new();
    let clean = scene.run(&[("intent", BOTH), ("against", "deploy/policies"), ("install", "path")]);
    assert_eq!(
        verdict(&clean),
        "**netpol-intent: passed**: no differences (2 intents compared with `deploy/policies`)."
    );
    let headings: Vec<&str> = clean.summary.lines().filter(|l| l.starts_with("### ")).collect();
    assert_eq!(
        headings,
        [
            "### netpol-intent diff: intent `shop` in `network/shop.yaml`",
            "### netpol-intent diff: intent `web` in `network/web.yaml`"
        ]
    );

    scene.delete_policy("web/internet-egress.yaml");
    let drift = scene.run(&[("intent", BOTH), ("against", "deploy/policies"), ("install", "path")]);
    assert_eq!(
        verdict(&drift),
        "**netpol-intent: passed**, with drift that `fail-on: never` allows: 1 connection opened, 0 closed; \
         1 to add, 0 to change, 0 to remove, 0 dangerous, 0 widening (2 intents compared with `deploy/policies`)."
    );
    let failed = scene.run(&[
        ("intent", BOTH),
        ("against", "deploy/policies"),
        ("fail-on", "differences"),
        ("install", "path"),
    ]);
    assert_eq!(failed.status, 1);
    assert_eq!(
        verdict(&failed),
        "**netpol-intent: failed**: 1 connection opened, 0 closed; 1 to add, 0 to change, 0 to remove, 0 dangerous, 0 widening, \
         and `fail-on` is `differences`."
    );
}

#[test]
fn an_invalid_intent_is_named_in_the_verdict_and_its_errors_are_listed() {
    let scene = Scene::new();
    let intents = "network/invalid.yaml\nnetwork/shop.yaml\n";
    let run = scene.run(&[("intent", intents), ("against", "deploy/policies"), ("install", "path")]);
    assert_eq!(run.status, 2, "{run:#?}");
    assert_eq!(
        verdict(&run),
        "**netpol-intent: failed**: `network/invalid.yaml` could not be compared (1 error)."
    );
    let section = "### netpol-intent: `network/invalid.yaml` could not be compared\n\n```text\n\
        error[unknown-field]: network/invalid.yaml:10:7: spec.workloads[0].podSelectr: unknown field `podSelectr`\n\
        \x20  |\n\
        10 |       podSelectr: {matchLabels: {app: db}}\n\
        \x20  |       ^^^^^^^^^^\n\
        \x20 help: did you mean `podSelector`?\n```\n";
    assert!(run.summary.contains(section), "{}", run.summary);
    assert!(run.summary.contains("### netpol-intent diff: intent `shop` in `network/shop.yaml`"));
}

#[test]
fn each_use_in_a_job_has_its_own_report() {
    let scene = Scene::new();
    let first =
        scene.run(&[("intent", "network/shop.yaml"), ("against", "deploy/policies"), ("install", "path")]);
    let first_report = std::fs::read_to_string(first.output("report")).unwrap();
    let second = scene.run(&[
        ("intent", "network/web.yaml"),
        ("against", "deploy/policies"),
        ("format", "json"),
        ("install", "path"),
    ]);
    assert_ne!(first.output("report"), second.output("report"));
    assert_eq!(std::fs::read_to_string(first.output("report")).unwrap(), first_report, "untouched");
    assert!(first_report.contains("intent `shop`") && !first_report.contains("intent `web`"));
    let second_report = std::fs::read_to_string(second.output("report")).unwrap();
    assert!(second_report.contains("\"intent\": \"web\""), "{second_report}");
    for run in [&first, &second] {
        assert!(Path::new(run.output("report")).starts_with(&scene.temp));
    }
}

/// Runs the action with `inputs` (and `install: path`), which must fail in the diff step
/// before the binary ran; returns its log.
fn refused(inputs: &[(&str, &str)]) -> String {
    let scene = Scene::new();
    let mut all = inputs.to_vec();
    all.push(("install", "path"));
    let run = scene.run(&all);
    assert_eq!((run.status, run.failed.as_deref()), (2, Some("diff")), "{inputs:?}: {run:#?}");
    let reports = common::tree(&scene.temp, &[]);
    assert!(
        reports.iter().all(|p| !p.starts_with("netpol-intent-report-")),
        "{inputs:?}: it ran: {reports:?}"
    );
    assert!(run.outputs["report"].is_empty(), "{inputs:?}");
    run.stdout
}

#[test]
fn every_input_is_checked_before_use_and_none_can_inject_a_workflow_command() {
    let both = ("against", "deploy/policies");
    let shop = ("intent", "network/shop.yaml");
    let cases: [(&[(&str, &str)], &str); 10] = [
        (
            &[shop, both, ("workloads", "deploy/nowhere.yaml")],
            "input `workloads`: no file or directory `deploy/nowhere.yaml`",
        ),
        (
            &[shop, both, ("workloads", "deploy/workloads.yaml\n::error::injected")],
            "input `workloads` must be one path, not `deploy/workloads.yaml%0A::error::injected`",
        ),
        (&[shop, both, ("comment", "yes")], "input `comment` must be true or false, not `yes`"),
        (&[shop, ("against", "deploy/nowhere")], "input `against`: no file or directory `deploy/nowhere`"),
        (
            &[shop, ("against", "deploy/policies\nnetwork")],
            "input `against` must be one path, not `deploy/policies%0Anetwork`",
        ),
        (
            &[("intent", "network/shop.yaml\nnetwork/none.yaml"), both],
            "input `intent`: no file `network/none.yaml`",
        ),
        (&[("intent", "network"), both], "input `intent`: no file `network`"),
        (&[("intent", "\n \n"), both], "input `intent` names no file"),
        (
            &[shop, both, ("format", "md\n::error::injected")],
            "input `format` must be markdown, text or json, not `md%0A::error::injected`",
        ),
        (&[shop, both, ("fail-on", "x\r\n::add-mask::y%")], "not `x%0D%0A::add-mask::y%25`"),
    ];
    for (inputs, message) in cases {
        let log = refused(inputs);
        assert!(log.contains(message), "{inputs:?}: {log}");
        for line in log.lines() {
            assert!(
                !line.starts_with("::") || line.starts_with("::error title=netpol-intent::"),
                "{inputs:?}: a command of the input's: {line}"
            );
        }
    }
    // A control character in a path, and several problems at once.
    let log = refused(&[
        ("intent", "network/shop.yaml\u{1b}[31m"),
        ("against", "deploy/policies"),
        ("format", "html"),
    ]);
    assert!(log.contains("input `intent`: a path holds a control character"), "{log}");
    assert!(log.contains("input `format` must be"), "{log}");
}

#[test]
fn a_path_starting_with_a_dash_is_a_path_and_a_backtick_stays_in_its_code_span() {
    let scene = Scene::new();
    let shop = std::fs::read(scene.workspace.join("network/shop.yaml")).unwrap();
    for name in ["-shop.yaml", "-", "net`work.yaml", "``x`` .yaml"] {
        std::fs::write(scene.workspace.join(name), &shop).unwrap();
    }
    std::fs::rename(scene.workspace.join("deploy/policies"), scene.workspace.join("-policies")).unwrap();
    // The command line takes a dash path after `--`, and `--against=` takes one as its value.
    let out = Command::new(BIN)
        .args(["diff", "--against=-policies", "--", "-shop.yaml"])
        .current_dir(&scene.workspace)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let intents = "-shop.yaml\n-\nnet`work.yaml\n``x`` .yaml\n";
    let run = scene.run(&[("intent", intents), ("against", "-policies"), ("install", "path")]);
    assert_eq!(run.status, 0, "{run:#?}");
    let headings: Vec<&str> = run.summary.lines().filter(|l| l.starts_with("### ")).collect();
    assert_eq!(
        headings,
        [
            "### netpol-intent diff: intent `shop` in `-shop.yaml`",
            "### netpol-intent diff: intent `shop` in `-`",
            "### netpol-intent diff: intent `shop` in ``net`work.yaml``",
            "### netpol-intent diff: intent `shop` in ``` ``x`` .yaml ```",
        ]
    );
    assert!(verdict(&run).ends_with("(4 intents compared with `-policies`)."), "{}", run.summary);
}

#[test]
fn comment_true_posts_one_sticky_comment_and_updates_it_on_later_runs() {
    let scene = Scene::new();
    // Someone else's comments fill the first page: the action's own is found on the next.
    for i in 0..100 {
        scene.api.seed(7, &format!("comment {i}"));
    }
    scene.api.seed(8, "on another pull request");
    let inputs = [("intent", BOTH), ("against", "deploy/policies"), ("comment", "true"), ("install", "path")];
    let first = scene.run(&inputs);
    assert_eq!(first.status, 0, "{first:#?}");
    assert!(first.stdout.contains("netpol-intent: commented on pull request #7"), "{}", first.stdout);
    let ours = |scene: &Scene| -> Vec<(u64, String)> {
        scene
            .api
            .comments(7)
            .into_iter()
            .filter(|(_, b)| b.starts_with("<!-- netpol-intent report "))
            .collect()
    };
    let posted = ours(&scene);
    assert_eq!(posted.len(), 1);
    let (marker, body) = posted[0].1.split_once('\n').unwrap();
    assert_eq!(body, first.summary, "the comment is the summary");
    assert!(marker.ends_with(" -->"));

    // The next run, with drift, finds it past the first page and edits it in place.
    scene.delete_policy("web/internet-egress.yaml");
    let second = scene.run(&inputs);
    assert!(
        second.stdout.contains("netpol-intent: updated the comment on pull request #7"),
        "{}",
        second.stdout
    );
    let updated = ours(&scene);
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0].0, posted[0].0, "the same comment");
    assert!(updated[0].1.contains("with drift"), "{}", updated[0].1);
    assert_eq!(scene.api.comments(7).len(), 101);
    assert_eq!(scene.api.comments(8).len(), 1);

    let log = scene.api.log();
    let calls: Vec<String> = log.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    let list = |page: u32| format!("GET /repos/octo/shop/issues/7/comments?per_page=100&page={page}");
    let patch = format!("PATCH /repos/octo/shop/issues/comments/{}", posted[0].0);
    let expected =
        [list(1), list(2), "POST /repos/octo/shop/issues/7/comments".to_string(), list(1), list(2), patch];
    assert_eq!(calls, expected);
    for r in &log {
        assert_eq!(r.authorization.as_deref(), Some(format!("Bearer {TOKEN}").as_str()), "{r:?}");
    }
    assert!(!first.stdout.contains(TOKEN) && !first.stderr.contains(TOKEN), "the token is never printed");

    // Another use of the action, with other inputs, keeps a comment of its own.
    let other = scene.run(&[
        ("intent", "network/shop.yaml"),
        ("against", "deploy/policies"),
        ("comment", "true"),
        ("install", "path"),
    ]);
    assert_eq!(other.status, 0);
    assert_eq!(ours(&scene).len(), 2);
}

#[test]
fn the_comment_is_posted_before_the_step_fails_and_its_own_failures_are_warnings() {
    // A failing step comments first.
    let scene = Scene::new();
    let inputs = [
        ("intent", "network/invalid.yaml"),
        ("against", "deploy/policies"),
        ("comment", "true"),
        ("github-token", "ghs_other"),
        ("install", "path"),
    ];
    let run = scene.run(&inputs);
    assert_eq!(run.status, 2);
    let comments = scene.api.comments(7);
    assert_eq!(comments.len(), 1);
    assert!(comments[0].1.contains("could not be compared (1 error)"), "{}", comments[0].1);
    assert_eq!(scene.api.log()[0].authorization.as_deref(), Some("Bearer ghs_other"));

    // The API refuses (a pull request from a fork gets a read-only token): a warning only.
    let scene = Scene::new();
    scene.api.force(403);
    let inputs = [
        ("intent", "network/shop.yaml"),
        ("against", "deploy/policies"),
        ("comment", "true"),
        ("install", "path"),
    ];
    let run = scene.run(&inputs);
    assert_eq!((run.status, run.output("drift")), (0, "false"), "{run:#?}");
    assert!(
        run.stdout.contains("::warning title=netpol-intent comment::GET ")
            && run.stdout.contains(": HTTP 403: Resource not accessible by integration"),
        "{}",
        run.stdout
    );

    // Not a pull request: nothing is asked of the API.
    let mut scene = Scene::new();
    scene.event = ("push", r#"{"ref": "refs/heads/main"}"#.to_string());
    let run = scene.run(&inputs);
    assert_eq!(run.status, 0);
    assert!(
        run.stdout.contains("this run is not for a pull request (event push): no comment"),
        "{}",
        run.stdout
    );
    assert!(scene.api.log().is_empty());

    // Without `comment: true`, nothing either.
    let scene = Scene::new();
    let run = scene.run(&inputs[..2].iter().copied().chain([("install", "path")]).collect::<Vec<_>>());
    assert_eq!(run.status, 0);
    assert!(scene.api.log().is_empty());
}
