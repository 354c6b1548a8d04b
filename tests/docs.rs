//! The commands in the docs work and print what the docs show. In each ```console block, a
//! line `$ COMMAND` (continued by lines starting with `> `) is run with bash, standard error
//! merged into standard output, and must exit 0 and print exactly the lines that follow it.
//! The blocks of one page run in order in one scratch directory, where `examples/` and
//! `action/` are the repository's and `netpol-intent` is the binary under test.

mod common;

use std::path::Path;
use std::process::Command;

struct Step {
    command: String,
    output: String,
    line: usize,
}

fn steps(page: &str) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let mut in_console = false;
    for (i, line) in page.lines().enumerate() {
        if !in_console {
            in_console = line == "```console";
            continue;
        }
        if line == "```" {
            in_console = false;
        } else if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(Step { command: cmd.to_string(), output: String::new(), line: i + 1 });
        } else if let (Some(more), Some(step)) = (line.strip_prefix("> "), out.last_mut()) {
            if step.output.is_empty() {
                step.command.push('\n');
                step.command.push_str(more);
            } else {
                step.output.push_str(line);
                step.output.push('\n');
            }
        } else if let Some(step) = out.last_mut() {
            step.output.push_str(line);
            step.output.push('\n');
        }
    }
    out
}

fn has_kubectl() -> bool {
    Command::new("kubectl").arg("version").arg("--client").output().is_ok()
}

fn has_kpt() -> bool {
    Command::new("kpt").arg("version").output().is_ok()
}

fn run_page(page: &str) {
    let text = std::fs::read_to_string(common::root().join(page)).unwrap();
    let steps = steps(&text);
    assert!(steps.len() >= 5, "{page}: expected console examples");
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["examples", "action"] {
        std::os::unix::fs::symlink(common::root().join(dir), tmp.path().join(dir)).unwrap();
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_netpol-intent")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    for step in steps {
        if step.command.contains("kubectl") && !has_kubectl() {
            assert!(std::env::var_os("CI").is_none(), "CI needs kubectl");
            eprintln!("{page}:{}: kubectl not found, skipped", step.line);
            continue;
        }
        if step.command.contains("kpt ") && !has_kpt() {
            assert!(std::env::var_os("NETPOL_INTENT_REQUIRE_KPT").is_none(), "kpt is required");
            eprintln!("{page}:{}: kpt not found, skipped", step.line);
            continue;
        }
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("exec 2>&1\n{}", step.command))
            .current_dir(tmp.path())
            .env("PATH", &path)
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{page}:{}: `{}` failed:\n{printed}", step.line, step.command);
        assert_eq!(printed, step.output, "{page}:{}: `{}` printed something else", step.line, step.command);
    }
}

/// Every intent the docs show (each ```yaml block of `docs/` and the README whose document is
/// a NetworkIntent) is valid: `generate` prints its policies.
#[test]
fn every_intent_in_the_docs_generates() {
    let intents = common::intents_in_the_docs();
    assert!(intents.iter().any(|(at, _)| at.starts_with("docs/intent.md:")), "the full example: {intents:?}");
    for (at, text) in intents {
        let out = common::run(&["generate", "-"], &text);
        assert_eq!(out.code, 0, "{at}: the intent is invalid:\n{}", out.stderr);
        assert!(out.stdout.contains("kind: NetworkPolicy"), "{at}");
    }
}

#[test]
fn the_errors_page_runs() {
    run_page("docs/errors.md");
}

#[test]
fn the_diff_page_runs() {
    run_page("docs/diff.md");
}

#[test]
fn the_output_directory_page_runs() {
    run_page("docs/output-directory.md");
}

#[test]
fn the_github_action_page_runs() {
    run_page("docs/github-action.md");
}

#[test]
fn the_argocd_page_runs() {
    run_page("docs/argocd.md");
}

#[test]
fn the_flux_page_runs() {
    run_page("docs/flux.md");
}

#[test]
fn the_pre_commit_page_runs() {
    run_page("docs/pre-commit.md");
}

#[test]
fn the_krm_page_runs() {
    run_page("docs/krm.md");
}

#[test]
fn the_connectivity_page_runs() {
    run_page("docs/connectivity.md");
}

#[test]
fn the_install_page_runs() {
    run_page("docs/install.md");
}

#[test]
fn the_init_page_runs() {
    run_page("docs/init.md");
}

#[test]
fn the_kustomize_overlays_page_runs() {
    run_page("docs/kustomize-overlays.md");
}

#[test]
fn the_intent_page_runs() {
    run_page("docs/intent.md");
}

#[test]
fn the_egress_isolation_checklist_runs() {
    run_page("docs/egress-isolation-checklist.md");
}
