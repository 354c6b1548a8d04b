//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod connlist;
pub mod github_api;
pub mod image;
pub mod large;
pub mod readback;
pub mod release_server;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one run of the command line printed, and its exit status.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the command line in-process, with `stdin` as standard input (not a terminal).
pub fn run(args: &[&str], stdin: &str) -> Output {
    run_with(args, stdin.as_bytes(), false)
}

/// Runs the command line in-process, with `stdin` as standard input, which is a terminal when
/// `terminal` is true.
pub fn run_with(args: &[&str], stdin: &[u8], terminal: bool) -> Output {
    let mut input = stdin;
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut io = netpol_intent::shell::cli::Io {
        stdin: &mut input,
        stdin_is_terminal: terminal,
        stdout_is_terminal: false,
        stderr_is_terminal: false,
        stdout: &mut stdout,
        stderr: &mut stderr,
    };
    let argv: Vec<&str> = std::iter::once("netpol-intent").chain(args.iter().copied()).collect();
    let code = netpol_intent::shell::cli::run(argv, &mut io);
    Output {
        code,
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// Compares `actual` with the golden file at `path`; with `UPDATE_GOLDEN=1` in the
/// environment, writes it instead.
pub fn golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("cannot read {} ({e}); run with UPDATE_GOLDEN=1 to create it", path.display())
    });
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual);
        panic!(
            "{} differs from the output (run with UPDATE_GOLDEN=1 to accept):\n{}",
            path.display(),
            diff.unified_diff().header("expected", "actual")
        );
    }
}

/// The files directly in `dir` whose name ends with `suffix`, sorted.
pub fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    out.sort();
    out
}

/// The files under `dir`, as paths relative to it, sorted; directories named in `skip` (at any
/// depth) are left out.
pub fn tree(dir: &Path, skip: &[&str]) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, skip: &[&str], out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                if !skip.iter().any(|s| path.file_name().is_some_and(|n| n == *s)) {
                    walk(base, &path, skip, out);
                }
            } else {
                out.push(path.strip_prefix(base).expect("under the base").to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, skip, &mut out);
    out.sort();
    out
}

/// Copies the files of `from` (but the directories named in `skip`) into `to`.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    for rel in tree(from, skip) {
        let target = to.join(&rel);
        std::fs::create_dir_all(target.parent().expect("a parent")).unwrap();
        std::fs::copy(from.join(&rel), &target)
            .unwrap_or_else(|e| panic!("cannot copy {}: {e}", rel.display()));
    }
}

/// Compares a package after a run (`actual`) with the package before it (`before`) and the
/// files the run is expected to add or change (`expected`, a `.expected/` directory): every
/// file is either in `expected` with that content, or unchanged from `before`; nothing is
/// deleted. With `UPDATE_GOLDEN=1`, rewrites `expected` to the added and changed files.
pub fn golden_package(before: &Path, expected: &Path, actual: &Path, skip: &[&str]) {
    let changed: Vec<PathBuf> = tree(actual, skip)
        .into_iter()
        .filter(|rel| std::fs::read(before.join(rel)).ok() != Some(std::fs::read(actual.join(rel)).unwrap()))
        .collect();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        // File by file, so that tests sharing `expected` can update it at the same time.
        if expected.is_dir() {
            for stale in tree(expected, &[]).into_iter().filter(|rel| !changed.contains(rel)) {
                std::fs::remove_file(expected.join(stale)).unwrap();
            }
        }
        for rel in &changed {
            std::fs::create_dir_all(expected.join(rel).parent().expect("a parent")).unwrap();
            std::fs::copy(actual.join(rel), expected.join(rel)).unwrap();
        }
        return;
    }
    for rel in tree(before, skip) {
        assert!(actual.join(&rel).is_file(), "the run deleted {}", rel.display());
    }
    let wanted = if expected.is_dir() { tree(expected, &[]) } else { Vec::new() };
    assert_eq!(
        changed,
        wanted,
        "files added or changed by the run, against {} (run with UPDATE_GOLDEN=1 to accept)",
        expected.display()
    );
    for rel in &changed {
        golden(&expected.join(rel), &std::fs::read_to_string(actual.join(rel)).unwrap());
    }
}

/// Whether `tool` runs; when it does not, says so, and fails if CI requires it
/// (`NETPOL_INTENT_REQUIRE_KPT=1`, set by `.ci/run`, requires kpt and kubectl).
pub fn available(tool: &str, probe: &[&str]) -> bool {
    available_or_required(tool, probe, "NETPOL_INTENT_REQUIRE_KPT")
}

/// Whether `tool` runs; when it does not, says so, and fails if `var` is set to 1 (as
/// `.ci/run` sets it).
pub fn available_or_required(tool: &str, probe: &[&str], var: &str) -> bool {
    let found = Command::new(tool).args(probe).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var(var).as_deref() != Ok("1"), "`{tool}` is required ({var}=1) but does not run");
        eprintln!("skipped: `{tool}` is not installed");
    }
    found
}

/// PATH with the directory of the binary under test first.
pub fn path_with_binary() -> OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_netpol-intent")).parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&rest))).unwrap()
}

/// Every ```yaml block of `docs/` and the README whose document is a NetworkIntent, with its
/// page and line.
pub fn intents_in_the_docs() -> Vec<(String, String)> {
    let root = root();
    let mut pages = files(&root.join("docs"), ".md");
    pages.push(root.join("README.md"));
    let mut out = Vec::new();
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.strip_prefix(&root).unwrap().display().to_string();
        let mut block: Option<(usize, String)> = None;
        for (i, line) in text.lines().enumerate() {
            match (&mut block, line.trim_start()) {
                (None, "```yaml") => block = Some((i + 1, String::new())),
                (Some((start, body)), "```") => {
                    let docs = netpol_intent::yaml::parse(body, &Default::default()).unwrap_or_default();
                    if docs.iter().any(|d| d.get("kind").and_then(|k| k.as_str()) == Some("NetworkIntent")) {
                        out.push((format!("{name}:{start}"), body.clone()));
                    }
                    block = None;
                }
                (Some((_, body)), _) => {
                    body.push_str(line);
                    body.push('\n');
                }
                (None, _) => {}
            }
        }
    }
    out
}
