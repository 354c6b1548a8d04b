//! The rules of the house, checked on the source: each folder of `src/` is one stage and uses
//! only the stages below it; the connectivity engine knows neither the intent nor its
//! expansion; only the shells (`src/shell/`, `src/main.rs`) touch files, the environment or
//! the process's streams; no function is over 100 lines and no file over 1,200 outside tests.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each stage, and the stages its code may use (`crate::…`). The shells use anything.
const STAGES: &[(&str, &[&str])] = &[
    ("yaml", &[]),
    // Kubernetes' own rules (names), which the intent and the engine both apply.
    ("k8s", &[]),
    ("diag", &["yaml"]),
    ("intent", &["k8s", "diag", "yaml"]),
    ("policy", &["intent", "k8s", "diag", "yaml"]),
    // The engine judges any NetworkPolicies: it knows Kubernetes, not the intent.
    ("engine", &["k8s", "diag", "yaml"]),
    // `verify` reads the contract on its own, never the generator's expansion.
    ("verify", &["engine", "intent", "k8s", "diag", "yaml"]),
    ("connreport", &["engine", "k8s", "diag", "yaml"]),
    // The diff judges the change among workloads with the engine (and names them as
    // `connreport` does); the engine still knows nothing of the diff.
    ("diff", &["connreport", "engine", "policy", "intent", "k8s", "diag", "yaml"]),
    ("report", &["diff", "connreport", "engine", "policy", "intent", "k8s", "diag", "yaml"]),
];

/// What only a shell may name: files, the environment, the process and its streams.
const EFFECTS: &[&str] = &[
    "std::fs",
    "fs::",
    "std::env",
    "env::",
    "std::process",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "stdin()",
    "stdout()",
    "stderr()",
    "println!",
    "print!",
    "eprintln!",
    "eprint!",
    "File::",
    "OpenOptions",
    "Command::new",
];

/// Every `.rs` file under `src/`, by path relative to the root, with its code outside tests:
/// comments dropped, and cut before a `#[cfg(test)]` test module and in test folders.
fn sources() -> BTreeMap<PathBuf, Vec<(usize, String)>> {
    let root = common::root();
    let mut out = BTreeMap::new();
    for rel in common::tree(&root.join("src"), &["tests"]) {
        if rel.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(root.join("src").join(&rel)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let end = (0..lines.len())
            .find(|&i| {
                lines[i].starts_with("#[cfg(test)]")
                    && lines.get(i + 1).is_some_and(|l| l.starts_with("mod tests"))
            })
            .unwrap_or(lines.len());
        let code = lines[..end]
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
            .map(|(i, l)| (i + 1, l.to_string()))
            .collect();
        out.insert(Path::new("src").join(rel), code);
    }
    out
}

/// The stage a source file belongs to: its folder under `src/`, if it is in one.
fn stage_of(path: &Path) -> Option<String> {
    let mut parts = path.components().skip(1);
    let first = parts.next()?.as_os_str().to_string_lossy().to_string();
    parts.next().map(|_| first)
}

#[test]
fn each_stage_uses_only_the_stages_below_it() {
    let stages: BTreeMap<&str, &[&str]> = STAGES.iter().copied().collect();
    let mut wrong = Vec::new();
    for (path, code) in sources() {
        let Some(stage) = stage_of(&path) else { continue };
        if stage == "shell" {
            continue;
        }
        let allowed = stages
            .get(stage.as_str())
            .unwrap_or_else(|| panic!("{}: a stage this test does not know", path.display()));
        for (line, text) in &code {
            for (i, _) in text.match_indices("crate::") {
                let used: String =
                    text[i + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if used != stage && !allowed.contains(&used.as_str()) {
                    wrong.push(format!("{}:{line}: `{stage}` uses `crate::{used}`", path.display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn only_the_shells_touch_files_the_environment_or_streams() {
    let mut wrong = Vec::new();
    for (path, code) in sources() {
        if path.starts_with("src/shell") || path == Path::new("src/main.rs") {
            continue;
        }
        for (line, text) in &code {
            for effect in EFFECTS.iter().filter(|e| text.contains(*e)) {
                wrong.push(format!("{}:{line}: `{effect}` in `{}`", path.display(), text.trim()));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A function is its `fn` line to the brace that closes it, at the same indentation.
#[test]
fn no_function_over_100_lines_and_no_file_over_1200() {
    let root = common::root();
    let mut wrong = Vec::new();
    for rel in common::tree(&root.join("src"), &[]) {
        let path = Path::new("src").join(&rel);
        let text = std::fs::read_to_string(root.join(&path)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > 1200 {
            wrong.push(format!("{}: {} lines", path.display(), lines.len()));
        }
        if rel.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        let tests_from = lines.iter().position(|l| l.starts_with("#[cfg(test)]")).unwrap_or(lines.len());
        for (i, line) in lines[..tests_from].iter().enumerate() {
            let head = line.trim_start();
            let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn ", "const fn "]
                .iter()
                .any(|p| head.starts_with(p));
            if !is_fn || head.ends_with(';') {
                continue;
            }
            let indent = &line[..line.len() - head.len()];
            let close = format!("{indent}}}");
            if let Some(end) = lines[i..].iter().position(|l| *l == close) {
                if end + 1 > 100 {
                    wrong.push(format!("{}:{}: a function of {} lines", path.display(), i + 1, end + 1));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The checks see what they check: the engine's files are read, and a use of the intent, or a
/// file read, would be found.
#[test]
fn the_checks_read_the_code_they_judge() {
    let sources = sources();
    assert!(sources.keys().any(|p| p.starts_with("src/engine")), "{:?}", sources.keys());
    let engine: Vec<&String> = sources
        .iter()
        .filter(|(p, _)| p.starts_with("src/engine"))
        .flat_map(|(_, c)| c.iter().map(|(_, l)| l))
        .collect();
    assert!(
        engine.iter().any(|l| l.contains("crate::yaml")),
        "the engine reads YAML texts through the YAML layer"
    );
    let shell: Vec<&String> = sources
        .iter()
        .filter(|(p, _)| p.starts_with("src/shell"))
        .flat_map(|(_, c)| c.iter().map(|(_, l)| l))
        .collect();
    assert!(shell.iter().any(|l| l.contains("std::fs") || l.contains("fs::")), "the shells read files");
    assert_eq!(stage_of(Path::new("src/engine/reach.rs")).as_deref(), Some("engine"));
    assert_eq!(stage_of(Path::new("src/lib.rs")), None);
}
