//! The netpol-intent image for the tests that run it with podman: built once per test binary
//! by `dist/image.sh`, as a user builds it, under a tag of this checkout's own.
//!
//! Where podman is not installed these tests say so and pass, unless
//! `NETPOL_INTENT_REQUIRE_PODMAN=1` is set, as `.ci/run` does. Podman runs with the
//! configuration in `CONTAINERS_CONF`, or `.ci/containers.conf` when that is unset.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The image's tag, built on first use; `None` (the test then returns) where podman is absent.
pub fn image() -> Option<&'static str> {
    static IMAGE: OnceLock<Option<String>> = OnceLock::new();
    IMAGE
        .get_or_init(|| {
            if !super::available_or_required("podman", &["--version"], "NETPOL_INTENT_REQUIRE_PODMAN") {
                return None;
            }
            let tag = tag();
            let out = Command::new("bash")
                .arg(super::root().join("dist/image.sh"))
                .arg(&tag)
                .env("CONTAINERS_CONF", containers_conf())
                .output()
                .unwrap();
            assert!(out.status.success(), "dist/image.sh failed:\n{}", show(&out));
            Some(tag)
        })
        .as_deref()
}

/// A tag that differs between checkouts, so that two of them testing at once do not meet.
fn tag() -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(super::root().to_string_lossy().as_bytes());
    let hex: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("localhost/netpol-intent:test-{hex}")
}

pub fn containers_conf() -> PathBuf {
    std::env::var_os("CONTAINERS_CONF")
        .map(PathBuf::from)
        .unwrap_or_else(|| super::root().join(".ci/containers.conf"))
}

/// `podman ARGS`, with the test configuration.
pub fn podman(args: &[&str]) -> Output {
    Command::new("podman").args(args).env("CONTAINERS_CONF", containers_conf()).output().unwrap()
}

/// A `podman run` of the image, as a pod runs it: no network, a read-only root file system,
/// `mounts` as (host path, container path, read-only), in `workdir`, as `user` (the image's
/// own when `None`), with `command` replacing the entrypoint when given, then `args`.
#[derive(Default)]
pub struct Run<'a> {
    pub mounts: Vec<(&'a Path, &'a str, bool)>,
    pub workdir: Option<&'a str>,
    pub user: Option<&'a str>,
    pub command: Option<&'a str>,
}

impl Run<'_> {
    pub fn output(&self, image: &str, args: &[&str]) -> Output {
        let mut cmd = Command::new("podman");
        cmd.env("CONTAINERS_CONF", containers_conf());
        cmd.args(["run", "--rm", "--network=none", "--read-only", "--pull=never"]);
        for (host, inside, read_only) in &self.mounts {
            let mode = if *read_only { ":ro" } else { "" };
            cmd.arg("-v").arg(format!("{}:{inside}{mode}", host.display()));
        }
        if let Some(dir) = self.workdir {
            cmd.args(["-w", dir]);
        }
        if let Some(user) = self.user {
            cmd.args(["--user", user]);
        }
        if let Some(command) = self.command {
            cmd.args(["--entrypoint", command]);
        }
        cmd.arg(image).args(args).output().unwrap()
    }
}

pub fn show(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
