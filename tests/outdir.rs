//! `generate -o DIR`: the layout that `kubectl kustomize` builds, the rule that only this
//! intent's files are removed and nothing else is touched, and atomicity under failure and
//! under `kill -9`.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use k8s_openapi::api::networking::v1::NetworkPolicy;
use netpol_intent::shell::outdir::{self, Step};

const SHOP: &str = "tests/diff/added/intent.yaml";

fn shop() -> String {
    common::root().join(SHOP).display().to_string()
}

/// Everything in a directory, byte for byte: each path with its mode and content (a link's
/// target for a symbolic link, nothing for a directory).
fn snapshot(dir: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (u32, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let content = if meta.is_symlink() {
                std::fs::read_link(&path).unwrap().display().to_string().into_bytes()
            } else if meta.is_dir() {
                walk(root, &path, out);
                Vec::new()
            } else {
                std::fs::read(&path).unwrap()
            };
            out.insert(rel, (meta.permissions().mode(), content));
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The names in `dir`'s parent, to check that no staging directory is left behind.
fn siblings(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

fn policies(yaml: &str) -> Vec<NetworkPolicy> {
    let mut out = common::readback::policies(yaml);
    out.sort_by_key(|p| (p.metadata.namespace.clone(), p.metadata.name.clone()));
    out
}

/// `kubectl kustomize DIR`, or `None` when kubectl is not installed (outside CI).
fn kustomize(dir: &Path) -> Option<String> {
    match Command::new("kubectl").arg("kustomize").arg(dir).output() {
        Ok(out) => {
            assert!(out.status.success(), "kubectl kustomize: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("kubectl not found: skipping the kustomize build");
            None
        }
        Err(e) => panic!("CI needs kubectl: {e}"),
    }
}

fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const USER_POLICY: &str =
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: custom\n  \
                           namespace: shop\nspec:\n  podSelector: {}\n  ingress: [{}]\n";

fn labelled(name: &str, intent: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\n  namespace: shop\n  \
         labels:\n    app.kubernetes.io/managed-by: netpol-intent\n  annotations:\n    \
         netpol-intent.dev/intent: {intent}\nspec:\n  podSelector: {{}}\n  policyTypes: [Ingress]\n"
    )
}

#[test]
fn kubectl_kustomize_builds_exactly_what_generate_prints() {
    for example in ["article-ingress", "hub-and-spoke", "ingress-egress"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("policies");
        let intent = common::root().join(format!("examples/{example}/intent.yaml"));
        let out = common::run(&["generate", intent.to_str().unwrap(), "-o", dir.to_str().unwrap()], "");
        assert_eq!(out.code, 0, "{example}: {}", out.stderr);
        assert_eq!(out.stdout, "");
        let stdout = common::run(&["generate", intent.to_str().unwrap()], "").stdout;
        let expected = policies(&stdout);
        // One file per policy, at DIR/<namespace>/<name>.yaml, holding what stdout holds for it.
        for p in &expected {
            let m = &p.metadata;
            let file =
                dir.join(format!("{}/{}.yaml", m.namespace.as_ref().unwrap(), m.name.as_ref().unwrap()));
            assert_eq!(policies(&std::fs::read_to_string(&file).unwrap()), vec![p.clone()]);
        }
        let listed = std::fs::read_to_string(dir.join("kustomization.yaml")).unwrap();
        assert_eq!(listed.matches("\n- ").count(), expected.len());
        assert!(!listed.contains("${"));
        if let Some(built) = kustomize(&dir) {
            assert_eq!(policies(&built), expected, "{example}");
        }
    }
}

#[test]
fn generate_then_diff_reports_nothing() {
    for example in ["article-ingress", "hub-and-spoke", "ingress-egress"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let intent = common::root().join(format!("examples/{example}/intent.yaml"));
        let intent = intent.to_str().unwrap();
        assert_eq!(common::run(&["generate", intent, "-o", dir.to_str().unwrap()], "").code, 0);
        let out = common::run(&["diff", intent, "--against", dir.to_str().unwrap(), "--format", "json"], "");
        assert_eq!(out.code, 0, "{example}: {}{}", out.stdout, out.stderr);
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(report["differences"], false);
        assert!(report["summary"]["unchanged"].as_u64().unwrap() > 3);
    }
}

#[test]
fn removes_only_its_own_stale_files_and_keeps_everything_else_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    // A user's files, another intent's file, a link, a hidden file, and a stale file of ours.
    write_file(&dir.join("README.md"), "Generated policies.\n");
    write_file(&dir.join("shop/custom.yaml"), USER_POLICY);
    write_file(&dir.join("shop/web-policy.yaml"), &labelled("web-policy", "web"));
    write_file(&dir.join("shop/.keep"), "");
    write_file(&dir.join(".hidden/ours.yaml"), &labelled("hidden", "shop"));
    write_file(&dir.join("notes/ours-by-label.yaml"), &labelled("elsewhere", "shop"));
    write_file(&dir.join("notes/todo.txt"), "review\n");
    write_file(&dir.join("gone/old.yaml"), &labelled("old", "shop"));
    write_file(&dir.join("shop/allow-old.yaml"), &labelled("allow-old", "shop"));
    std::os::unix::fs::symlink("../README.md", dir.join("shop/link.md")).unwrap();
    std::fs::set_permissions(dir.join("README.md"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let inode = std::fs::metadata(dir.join("shop/custom.yaml")).unwrap().ino();
    let before = snapshot(&dir);

    let out = common::run(&["generate", &shop(), "-o", dir.to_str().unwrap()], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("7 written, 0 unchanged, 3 removed, 7 other files kept"), "{}", out.stderr);
    let after = snapshot(&dir);

    for kept in [
        "README.md",
        "notes/todo.txt",
        "shop/custom.yaml",
        "shop/web-policy.yaml",
        "shop/.keep",
        "shop/link.md",
    ] {
        assert_eq!(after.get(kept), before.get(kept), "{kept} must be left as it was");
    }
    // Kept by hard link: the very same file.
    assert_eq!(std::fs::metadata(dir.join("shop/custom.yaml")).unwrap().ino(), inode);
    for removed in ["shop/allow-old.yaml", "gone/old.yaml", "gone", "notes/ours-by-label.yaml"] {
        assert!(!after.contains_key(removed), "{removed} was this intent's and must go");
    }
    assert!(after.contains_key("notes"), "a directory that held a user's file too stays");
    assert!(after.contains_key("shop/default-deny-all.yaml"));
    assert_eq!(siblings(&dir), ["out"], "no staging directory is left behind");

    // The kustomization lists this intent's files and the other intent's, not the user's.
    let k = String::from_utf8(after["kustomization.yaml"].1.clone()).unwrap();
    assert!(k.contains("- shop/web-policy.yaml\n"), "{k}");
    assert!(!k.contains("custom.yaml"), "{k}");
    if let Some(built) = kustomize(&dir) {
        let mut expected = policies(&common::run(&["generate", &shop()], "").stdout);
        expected.extend(policies(&labelled("web-policy", "web")));
        expected.sort_by_key(|p| (p.metadata.namespace.clone(), p.metadata.name.clone()));
        assert_eq!(policies(&built), expected);
    }

    // A second run changes nothing, down to the directory itself.
    let dir_inode = std::fs::metadata(&dir).unwrap().ino();
    let out = common::run(&["generate", &shop(), "-o", dir.to_str().unwrap()], "");
    assert!(out.stderr.contains("0 written, 6 unchanged, 0 removed"), "{}", out.stderr);
    assert_eq!(snapshot(&dir), after);
    assert_eq!(std::fs::metadata(&dir).unwrap().ino(), dir_inode);
}

#[test]
fn refuses_files_it_does_not_own_and_leaves_dir_as_it_was() {
    let cases: [(&str, String, &str); 4] = [
        ("kustomization.yaml", "resources: [mine.yaml]\n".to_string(), "was not written by netpol-intent"),
        ("Kustomization", "resources: []\n".to_string(), "was not written by netpol-intent"),
        ("shop/default-deny-all.yaml", USER_POLICY.to_string(), "is not netpol-intent's"),
        ("shop/default-deny-all.yaml", labelled("default-deny-all", "web"), "is intent `web`'s"),
    ];
    for (path, text, message) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        write_file(&dir.join(path), &text);
        let before = snapshot(&dir);
        let out = common::run(&["generate", &shop(), "-o", dir.to_str().unwrap()], "");
        assert_eq!(out.code, 2, "{path}");
        assert!(out.stderr.contains(message), "{path}: {}", out.stderr);
        assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
        assert_eq!(snapshot(&dir), before, "{path}");
        assert_eq!(siblings(&dir), ["out"]);
    }
}

#[test]
fn an_invalid_intent_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let bad = common::root().join("tests/errors/unknown-field.yaml");
    let out = common::run(&["generate", bad.to_str().unwrap(), "-o", dir.to_str().unwrap()], "");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("error[unknown-field]"), "{}", out.stderr);
    assert!(!dir.exists());
}

/// A DIR with content of ours (stale), another intent's and a user's.
fn populated(tmp: &Path) -> PathBuf {
    let dir = tmp.join("out");
    let first = common::run(&["generate", &shop(), "-o", dir.to_str().unwrap()], "");
    assert_eq!(first.code, 0, "{}", first.stderr);
    write_file(&dir.join("shop/allow-old.yaml"), &labelled("allow-old", "shop"));
    write_file(&dir.join("shop/custom.yaml"), USER_POLICY);
    std::fs::remove_file(dir.join("billing/default-deny-all.yaml")).unwrap();
    dir
}

#[test]
fn a_failure_at_any_step_leaves_dir_byte_for_byte_unchanged() {
    let shop_policies = netpol_intent::generate(&std::fs::read_to_string(shop()).unwrap()).unwrap();
    for fail_at in [Step::Staged(1), Step::Staged(4), Step::Staged(8), Step::BeforeSwap] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = populated(tmp.path());
        let before = snapshot(&dir);
        let mut steps = Vec::new();
        let result = outdir::write_with(&dir, &["shop"], &shop_policies, &mut |step| {
            steps.push(step);
            if step == fail_at {
                Err(outdir::Error::Injected(step))
            } else {
                Ok(())
            }
        });
        assert!(matches!(result, Err(outdir::Error::Injected(s)) if s == fail_at), "{result:?}");
        assert!(steps.contains(&fail_at), "{fail_at:?} was reached: {steps:?}");
        assert_eq!(snapshot(&dir), before, "failing at {fail_at:?}");
        assert_eq!(siblings(&dir), ["out"], "the staging directory is cleaned up");
    }
    // And without a failure, the same write goes through.
    let tmp = tempfile::tempdir().unwrap();
    let dir = populated(tmp.path());
    let written = outdir::write(&dir, &["shop"], &shop_policies).unwrap();
    assert_eq!((written.written, written.removed, written.kept), (1, 1, 1));
}

#[test]
fn text_that_flux_would_substitute_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = populated(tmp.path());
    let before = snapshot(&dir);
    let mut policies = netpol_intent::generate(&std::fs::read_to_string(shop()).unwrap()).unwrap();
    policies[0].metadata.labels.as_mut().unwrap().insert("team".into(), "${TEAM}".into());
    let err = outdir::write(&dir, &["shop"], &policies).unwrap_err();
    assert!(err.to_string().contains("contains `${`"), "{err}");
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn a_kill_at_any_moment_leaves_the_old_or_the_new_content() {
    let bin = env!("CARGO_BIN_EXE_netpol-intent");
    let tmp = tempfile::tempdir().unwrap();
    let old_intent = tmp.path().join("old.yaml");
    let new_intent = tmp.path().join("new.yaml");
    std::fs::write(&old_intent, common::large::connected_intent(300)).unwrap();
    std::fs::write(&new_intent, common::large::connected_intent(300).replace("port: 8080", "port: 9090"))
        .unwrap();
    let dir = tmp.path().join("out");
    let run = |intent: &Path| {
        let status = Command::new(bin).arg("generate").arg(intent).arg("-o").arg(&dir).output().unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    };
    run(&new_intent);
    let new = snapshot(&dir);
    run(&old_intent);
    let old = snapshot(&dir);
    assert_ne!(old, new);

    // How long a whole run takes, to spread the kills over it.
    let start = std::time::Instant::now();
    run(&new_intent);
    let whole = start.elapsed();
    run(&old_intent);

    // Kill later and later, until some kills have landed after the swap too.
    let (mut saw_old, mut saw_new) = (false, false);
    let mut i = 0u32;
    while i < 12 || !saw_new {
        assert!(i < 60, "no kill landed after the swap");
        let mut child =
            Command::new(bin).arg("generate").arg(&new_intent).arg("-o").arg(&dir).spawn().unwrap();
        std::thread::sleep(whole * i / 5);
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&dir);
        assert!(now == old || now == new, "after a kill at {i}/5 of a run, DIR is neither old nor new");
        saw_old |= now == old;
        saw_new |= now == new;
        if now == new {
            run(&old_intent);
        }
        i += 1;
    }
    assert!(saw_old, "some kill came before the swap");
}

/// Runs the binary's `generate -o ARG` for the shop intent from `cwd`.
fn generate_from(cwd: &Path, arg: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_netpol-intent"))
        .current_dir(cwd)
        .arg("generate")
        .arg(shop())
        .arg("-o")
        .arg(arg)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).to_string())
}

#[test]
fn no_write_goes_through_a_symbolic_link() {
    use std::os::unix::fs::symlink;
    for case in
        ["namespace outside", "namespace inside", "file outside", "dir itself", "relative dir's parent"]
    {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let elsewhere = root.join("elsewhere");
        write_file(&elsewhere.join("default-deny-all.yaml"), "a user's file, outside DIR\n");
        let dir = root.join("out");
        write_file(&dir.join("billing/default-deny-all.yaml"), &labelled("default-deny-all", "shop"));
        let (arg, link) = match case {
            "namespace outside" => {
                symlink(&elsewhere, dir.join("shop")).unwrap();
                (dir.clone(), dir.join("shop"))
            }
            "namespace inside" => {
                symlink("billing", dir.join("shop")).unwrap();
                (dir.clone(), dir.join("shop"))
            }
            "file outside" => {
                std::fs::create_dir(dir.join("shop")).unwrap();
                let file = dir.join("shop/default-deny-all.yaml");
                symlink(elsewhere.join("default-deny-all.yaml"), &file).unwrap();
                (dir.clone(), file)
            }
            "dir itself" => {
                symlink(&elsewhere, root.join("link")).unwrap();
                (root.join("link"), root.join("link"))
            }
            _ => {
                symlink(&elsewhere, root.join("deploy")).unwrap();
                (PathBuf::from("deploy/policies"), PathBuf::from("deploy"))
            }
        };
        let before = snapshot(root);
        let (code, stderr) = generate_from(root, &arg);
        assert_eq!(code, 2, "{case}: {stderr}");
        assert!(stderr.contains(&format!("{} is a symbolic link", link.display())), "{case}: {stderr}");
        assert!(stderr.contains("nothing was written"), "{case}: {stderr}");
        // DIR, the user's file outside it and DIR's parent (no staging directory) as they were.
        assert_eq!(snapshot(root), before, "{case}");
    }
}

#[test]
fn a_directory_that_holds_the_shell_a_repository_or_everything_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = populated(tmp.path());
    let cases: [(&Path, PathBuf, &str); 3] = [
        (&dir, PathBuf::from("."), ". is or holds the current directory"),
        (&dir.join("shop"), PathBuf::from(".."), ".. is or holds the current directory"),
        (tmp.path(), PathBuf::from("/"), "/ is the root directory"),
    ];
    for (cwd, arg, message) in cases {
        let before = snapshot(tmp.path());
        let (code, stderr) = generate_from(cwd, &arg);
        assert_eq!(code, 2, "{}: {stderr}", arg.display());
        assert!(stderr.contains(message) && stderr.contains("nothing was written"), "{stderr}");
        assert_eq!(snapshot(tmp.path()), before, "{}", arg.display());
    }
    // A repository, at DIR's top or deeper (a submodule's `.git` file).
    for git in [".git/HEAD", "vendored/lib/.git"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = populated(tmp.path());
        write_file(&dir.join(git), "ref: refs/heads/main\n");
        let before = snapshot(tmp.path());
        let (code, stderr) = generate_from(tmp.path(), &dir);
        assert_eq!(code, 2, "{git}: {stderr}");
        assert!(stderr.contains("is a Git repository's (it holds .git)"), "{git}: {stderr}");
        assert_eq!(snapshot(tmp.path()), before, "{git}");
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn modes_are_kept_and_a_read_only_directory_is_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = populated(tmp.path());
    // One of this intent's files edited (so rewritten), one as generated, a user's file and
    // directory, each with a mode of its own.
    let edited = dir.join("shop/default-deny-all.yaml");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, format!("{text}# edited by hand\n")).unwrap();
    write_file(&dir.join("notes/todo.txt"), "review\n");
    let modes = [
        (edited.clone(), 0o440),
        (dir.join("shop/allow-dns-egress.yaml"), 0o444),
        (dir.join("shop/custom.yaml"), 0o400),
        (dir.join("notes"), 0o750),
        (dir.clone(), 0o710),
    ];
    for (path, m) in &modes {
        chmod(path, *m);
    }
    let out = common::run(&["generate", &shop(), "-o", dir.to_str().unwrap()], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), text, "the edited file is rewritten");
    for (path, m) in &modes {
        assert_eq!(mode(path), *m, "{}", path.display());
    }
    assert_eq!(siblings(&dir), ["out"], "no old copy is left behind");

    // A read-only DIR, or a read-only directory in it, cannot be replaced: refused, as it was.
    std::fs::remove_file(dir.join("billing/default-deny-all.yaml")).unwrap();
    for (read_only, shown) in [(dir.clone(), dir.clone()), (dir.join("notes"), dir.join("notes"))] {
        chmod(&read_only, 0o555);
        let before = snapshot(tmp.path());
        let out = common::run(&["generate", &shop(), "-o", dir.to_str().unwrap()], "");
        assert_eq!(out.code, 2, "{}", out.stderr);
        let message = format!("{} is read-only (mode 0555)", shown.display());
        assert!(
            out.stderr.contains(&message) && out.stderr.contains("nothing was written"),
            "{}",
            out.stderr
        );
        assert_eq!(snapshot(tmp.path()), before);
        chmod(&read_only, 0o755);
    }
}

/// Two intents that share no namespace, written into one DIR: every policy of both, one
/// `kustomization.yaml` listing them all, kustomize building exactly what `generate` prints for
/// the two; and a second run writes nothing. Two that claim one namespace write nothing.
#[test]
fn several_intents_share_one_directory_and_one_kustomization() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let a = common::root().join("examples/hub-and-spoke/intent.yaml").display().to_string();
    let b = common::root().join("examples/article-ingress/intent.yaml").display().to_string();
    let d = dir.display().to_string();
    let out = common::run(&["generate", &a, &b, "-o", &d], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let expected = policies(&common::run(&["generate", &b, &a], "").stdout);
    assert_eq!(
        out.stderr,
        format!("{d}: {} written, 0 unchanged, 0 removed, 0 other files kept\n", expected.len() + 1)
    );
    let listed = std::fs::read_to_string(dir.join("kustomization.yaml")).unwrap();
    assert_eq!(listed.matches("\n- ").count(), expected.len());
    if let Some(built) = kustomize(&dir) {
        assert_eq!(policies(&built), expected);
    }
    let again = common::run(&["generate", &b, &a, "-o", &d], "");
    assert_eq!(
        again.stderr,
        format!("{d}: 0 written, {} unchanged, 0 removed, 0 other files kept\n", expected.len())
    );

    // One intent of the two alone: the other's files are kept, and still listed.
    let before = snapshot(&dir);
    let alone = common::run(&["generate", &a, "-o", &d], "");
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    assert_eq!(snapshot(&dir), before);

    let clash = tmp.path().join("clash.yaml");
    std::fs::write(&clash, std::fs::read_to_string(&b).unwrap().replace("name: shop", "name: other"))
        .unwrap();
    let out = common::run(&["generate", &b, clash.to_str().unwrap(), "-o", &d], "");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is also managed by intent `shop` in"), "{}", out.stderr);
    assert_eq!(snapshot(&dir), before, "a clash writes nothing");
}

/// `--check` writes nothing, prints what a write would change as a diff and exits 1 when DIR
/// is stale; once DIR is written it exits 0 with nothing on standard output. A rewritten
/// `kustomization.yaml` is counted and shown.
#[test]
fn check_writes_nothing_and_says_what_is_stale() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let d = dir.display().to_string();
    let shop = shop();
    let missing = common::run(&["generate", &shop, "-o", &d, "--check"], "");
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(!dir.exists(), "--check created DIR");
    assert!(
        missing.stdout.contains(&format!("--- /dev/null\n+++ {d}/kustomization.yaml\n")),
        "{}",
        missing.stdout
    );
    assert!(missing.stderr.starts_with(&format!("{d}: stale: ")), "{}", missing.stderr);

    assert_eq!(common::run(&["generate", &shop, "-o", &d], "").code, 0);
    let fresh = common::run(&["generate", &shop, "-o", &d, "--check"], "");
    assert_eq!(
        (fresh.code, fresh.stdout.as_str(), fresh.stderr.as_str()),
        (0, "", &*format!("{d}: up to date\n"))
    );

    // A policy edited by hand, one deleted, a stale one of this intent's: each is in the diff.
    let edited = dir.join("billing/allow-frontend-to-payments.yaml");
    let text = std::fs::read_to_string(&edited).unwrap();
    write_file(&edited, &text.replace("port: 8443", "port: 9443"));
    std::fs::remove_file(dir.join("shop/default-deny-all.yaml")).unwrap();
    write_file(&dir.join("shop/old.yaml"), &labelled("old", "shop"));
    let before = snapshot(&dir);
    let stale = common::run(&["generate", &shop, "-o", &d, "--check"], "");
    assert_eq!(stale.code, 1, "{}", stale.stderr);
    assert_eq!(snapshot(&dir), before, "--check changed DIR");
    for head in [
        format!("--- {d}/billing/allow-frontend-to-payments.yaml\n+++ {d}/billing/allow-frontend-to-payments.yaml\n"),
        format!("--- /dev/null\n+++ {d}/shop/default-deny-all.yaml\n"),
        format!("--- {d}/shop/old.yaml\n+++ /dev/null\n"),
    ] {
        assert!(stale.stdout.contains(&head), "{head}\n{}", stale.stdout);
    }
    assert!(stale.stdout.contains("-      port: 9443\n+      port: 8443\n"), "{}", stale.stdout);
    assert_eq!(
        stale.stderr,
        format!("{d}: stale: 2 to write, 1 to remove; the same command without `--check` updates it\n")
    );
    // Errors are exit 2, as for a write.
    let bad = common::root().join("tests/errors/unknown-field.yaml");
    assert_eq!(common::run(&["generate", bad.to_str().unwrap(), "-o", &d, "--check"], "").code, 2);

    // Another intent's file removed by hand: only the kustomization is stale, and it counts.
    assert_eq!(common::run(&["generate", &shop, "-o", &d], "").code, 0);
    write_file(&dir.join("web/theirs.yaml"), &labelled("theirs", "web"));
    let out = common::run(&["generate", &shop, "-o", &d], "");
    assert!(out.stderr.starts_with(&format!("{d}: 1 written, ")), "{}", out.stderr);
}
