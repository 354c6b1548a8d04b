//! Every invalid input of the contract: each `tests/errors/NAME.yaml` must make `generate` exit
//! 2 with nothing on stdout, and print exactly `tests/errors/NAME.txt` on stderr. Adding a case
//! needs no code: drop in a YAML file and run with `UPDATE_GOLDEN=1` once.

mod common;

use std::collections::BTreeSet;

use netpol_intent::diag::Code;

#[test]
fn every_error_case_matches_its_golden_output() {
    let dir = common::root().join("tests/errors");
    let cases = common::files(&dir, ".yaml");
    assert!(cases.len() >= 10, "expected the error cases in {}", dir.display());
    for case in cases {
        let rel = format!("tests/errors/{}", case.file_name().unwrap().to_string_lossy());
        let out = common::run(&["generate", &rel_to_root(&rel)], "");
        assert_eq!(out.code, 2, "{rel}: exit status, stderr:\n{}", out.stderr);
        assert_eq!(out.stdout, "", "{rel}: nothing may reach stdout");
        // The golden file shows paths relative to the root, whatever the working directory.
        let stderr = out.stderr.replace(&rel_to_root(""), "");
        for line in stderr.lines().filter(|l| !l.starts_with("  help:")) {
            assert!(line.starts_with("error["), "{rel}: {line}");
            assert!(line.contains(&format!("{rel}:")), "{rel}: every error names the file: {line}");
        }
        common::golden(&case.with_extension("txt"), &stderr);
    }
}

fn rel_to_root(rel: &str) -> String {
    common::root().join(rel).display().to_string()
}

/// Like cargo-deny's snapshot of codes: every code the tool can report is shown by some case.
#[test]
fn every_diagnostic_code_has_a_case() {
    let dir = common::root().join("tests/errors");
    let mut seen = BTreeSet::new();
    for golden in common::files(&dir, ".txt") {
        let text = std::fs::read_to_string(&golden).unwrap();
        for code in Code::ALL {
            if text.contains(&format!("[{code}]")) {
                seen.insert(code.as_str());
            }
        }
    }
    let missing: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).filter(|c| !seen.contains(c)).collect();
    assert!(missing.is_empty(), "no error case shows: {missing:?}");
}

#[test]
fn all_errors_of_a_file_are_reported_in_one_run() {
    let out = common::run(&["generate", &rel_to_root("tests/errors/invalid-ports.yaml")], "");
    assert_eq!(out.stderr.matches("error[invalid-port]").count(), 8, "{}", out.stderr);
}

#[test]
fn errors_name_line_column_and_field_path() {
    let out = common::run(&["generate", &rel_to_root("tests/errors/unknown-field.yaml")], "");
    assert!(
        out.stderr
            .contains("unknown-field.yaml:10:7: spec.workloads[0].podSelectr: unknown field `podSelectr`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("help: did you mean `podSelector`?"), "{}", out.stderr);
}

#[test]
fn a_misspelt_workload_gets_a_hint() {
    let out = common::run(&["generate", &rel_to_root("tests/errors/unknown-workload.yaml")], "");
    assert!(
        out.stderr.contains("spec.connections[0].from: workload `frontnd` is not defined"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean `frontend`?"), "{}", out.stderr);
    assert!(out.stderr.contains("did you mean `payments`?"), "{}", out.stderr);
}

#[test]
fn hostile_input_is_refused_quickly() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let out = common::run(&["generate", "-"], &deep);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("error[yaml-syntax]"), "{}", out.stderr);

    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
        bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let out = common::run(&["generate", "-"], &bomb);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("too large"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn a_file_that_cannot_be_read_is_an_error() {
    let out = common::run(&["generate", "/no/such/intent.yaml"], "");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot read /no/such/intent.yaml"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
}
