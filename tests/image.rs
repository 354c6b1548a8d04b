//! The image `dist/image.sh` builds, inspected and run with podman: FROM scratch with only the
//! static binary, nobody's passwd and group entries and the Argo CD plugin's configuration; a
//! non-root user, the binary as entrypoint, OCI labels, no shell; under 15 MB; the same image
//! from the same source. The homes run it in their own tests (`orchestrators.rs` with kpt,
//! `argocd.rs`, `pre_commit.rs`).

mod common;

use std::path::Path;
use std::process::Command;

use common::image::{containers_conf, image, podman, show, Run};

fn inspect(image: &str, format: &str) -> String {
    let out = podman(&["image", "inspect", "--format", format, image]);
    assert!(out.status.success(), "{}", show(&out));
    String::from_utf8(out.stdout).unwrap().trim_end().to_string()
}

/// The image's file system, unpacked into `dir`; returns its files (directories left out).
fn unpack(image: &str, dir: &Path) -> Vec<String> {
    let created = podman(&["create", image]);
    assert!(created.status.success(), "{}", show(&created));
    let id = String::from_utf8(created.stdout).unwrap().trim().to_string();
    let tar = dir.join("image.tar");
    let export = podman(&["export", "-o", tar.to_str().unwrap(), &id]);
    podman(&["rm", &id]);
    assert!(export.status.success(), "{}", show(&export));
    let root = dir.join("root");
    std::fs::create_dir(&root).unwrap();
    let untar = Command::new("tar").arg("-xf").arg(&tar).arg("-C").arg(&root).output().unwrap();
    assert!(untar.status.success(), "{}", show(&untar));
    common::tree(&root, &[]).iter().map(|p| p.display().to_string()).collect()
}

#[test]
fn the_image_holds_the_binary_nobody_and_the_plugin_and_nothing_else() {
    let Some(image) = image() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let files = unpack(image, tmp.path());
    assert_eq!(
        files,
        ["etc/group", "etc/passwd", "home/argocd/cmp-server/config/plugin.yaml", "netpol-intent"]
    );
    let root = tmp.path().join("root");
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    // kpt runs function containers as `nobody`, looked up in the image's /etc/passwd.
    assert!(
        read("etc/passwd").lines().any(|l| l.starts_with("nobody:x:65534:65534:")),
        "{}",
        read("etc/passwd")
    );
    assert!(read("etc/group").lines().any(|l| l.ends_with(":x:65534:")), "{}", read("etc/group"));
    assert_eq!(
        read("home/argocd/cmp-server/config/plugin.yaml"),
        std::fs::read_to_string(common::root().join("examples/argocd/cmp/plugin.yaml")).unwrap()
    );
    // The binary is static: it runs here, outside the image, and in the image with no libc.
    let binary = root.join("netpol-intent");
    let version = Command::new(&binary).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("netpol-intent {}\n", env!("CARGO_PKG_VERSION"))
    );
    let ldd = Command::new("ldd").arg(&binary).output().unwrap();
    let ldd = String::from_utf8_lossy(&ldd.stdout) + String::from_utf8_lossy(&ldd.stderr);
    assert!(ldd.contains("statically linked") || ldd.contains("not a dynamic executable"), "{ldd}");
}

#[test]
fn the_image_runs_the_binary_as_nobody_with_labels_and_no_shell() {
    let Some(image) = image() else { return };
    assert_eq!(inspect(image, "{{json .Config.Entrypoint}}"), r#"["/netpol-intent"]"#);
    assert_eq!(inspect(image, "{{.Config.User}}"), "65534");
    assert_eq!(inspect(image, "{{.Os}}/{{.Architecture}}"), "linux/amd64");
    for (label, value) in [
        ("source", "https://github.com/netpol-intent/netpol-intent"),
        ("version", env!("CARGO_PKG_VERSION")),
        ("licenses", "Apache-2.0"),
        ("title", "netpol-intent"),
    ] {
        let format = format!("{{{{index .Config.Labels \"org.opencontainers.image.{label}\"}}}}");
        assert_eq!(inspect(image, &format), value, "label {label}");
    }
    let size: u64 = inspect(image, "{{.Size}}").parse().unwrap();
    assert!(size < 15_000_000, "the image is {size} bytes");
    eprintln!("image size: {size} bytes");

    let version = Run::default().output(image, &["--version"]);
    assert!(version.status.success(), "{}", show(&version));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("netpol-intent {}\n", env!("CARGO_PKG_VERSION"))
    );
    let whoami = Run { user: Some("nobody"), ..Run::default() }.output(image, &["--version"]);
    assert!(whoami.status.success(), "as kpt runs it, `--user nobody`: {}", show(&whoami));
    for shell in ["/bin/sh", "sh", "/bin/bash"] {
        let out = Run { command: Some(shell), ..Run::default() }.output(image, &["-c", "true"]);
        assert!(!out.status.success(), "{shell} runs in the image: {}", show(&out));
    }
}

/// `dist/image.sh` again gives the image it gave: its dates are the commit's.
#[test]
fn the_same_source_builds_the_same_image() {
    let Some(image) = image() else { return };
    let out = Command::new("bash")
        .arg(common::root().join("dist/image.sh"))
        .arg(format!("{image}-again"))
        .env("CONTAINERS_CONF", containers_conf())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
    let again = String::from_utf8(out.stdout).unwrap();
    assert_eq!(again.trim(), inspect(image, "{{.Id}}"), "the image's ID is the last line printed");
    podman(&["rmi", &format!("{image}-again")]);
}
