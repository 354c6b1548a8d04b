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
        let control = stderr.chars().find(|c| c.is_control() && *c != '\n');
        assert_eq!(control, None, "{rel}: a control character reaches the terminal");
        // Each error's first line names the file; under it come the excerpt (a gutter of line
        // numbers and `|`) and the help, all indented.
        for line in stderr.lines() {
            match line.strip_prefix("error") {
                Some(rest) => {
                    assert!(rest.starts_with('['), "{rel}: {line}");
                    assert!(line.contains(&format!("{rel}:")), "{rel}: every error names the file: {line}");
                }
                None => assert!(
                    line.starts_with(' ')
                        || line.split(" |").next().is_some_and(|n| n.parse::<usize>().is_ok()),
                    "{rel}: {line}"
                ),
            }
        }
        common::golden(&case.with_extension("txt"), &stderr);
    }
}

fn rel_to_root(rel: &str) -> String {
    common::root().join(rel).display().to_string()
}

/// Every workloads file the engine's commands refuse: each `tests/errors/workloads/NAME.yaml`
/// makes `connectivity` exit 2 with nothing on stdout, and print `NAME.txt` on stderr.
#[test]
fn every_workloads_error_case_matches_its_golden_output() {
    let dir = common::root().join("tests/errors/workloads");
    let policies = rel_to_root("tests/diff/added/intent.yaml");
    for case in common::files(&dir, ".yaml") {
        let rel = format!("tests/errors/workloads/{}", case.file_name().unwrap().to_string_lossy());
        let out =
            common::run(&["connectivity", "--policies", &policies, "--workloads", &rel_to_root(&rel)], "");
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{rel}: {}", out.stderr);
        common::golden(&case.with_extension("txt"), &out.stderr.replace(&rel_to_root(""), ""));
    }
}

/// Every intent that is valid but warned about: each `tests/errors/warnings/NAME.yaml` makes
/// `generate` exit 0 and print its policies on stdout, and print exactly `NAME.txt` (warnings
/// only) on stderr.
#[test]
fn every_warning_case_prints_its_warnings_and_still_generates() {
    let dir = common::root().join("tests/errors/warnings");
    let cases = common::files(&dir, ".yaml");
    assert!(!cases.is_empty(), "expected the warning cases in {}", dir.display());
    for case in cases {
        let rel = format!("tests/errors/warnings/{}", case.file_name().unwrap().to_string_lossy());
        let out = common::run(&["generate", &rel_to_root(&rel)], "");
        assert_eq!(out.code, 0, "{rel}: a warning keeps the exit status, stderr:\n{}", out.stderr);
        assert!(out.stdout.starts_with("apiVersion: networking.k8s.io/v1\n"), "{rel}: {}", out.stdout);
        assert_eq!(
            out.stdout,
            netpol_intent::policy::render::to_yaml(
                &netpol_intent::generate(&std::fs::read_to_string(&case).unwrap()).unwrap()
            ),
            "{rel}: the policies, all of them"
        );
        let stderr = out.stderr.replace(&rel_to_root(""), "");
        assert!(!stderr.is_empty(), "{rel}: no warning");
        // Past each warning's first line come its excerpt (indented or numbered) and its help.
        for line in
            stderr.lines().filter(|l| !l.starts_with([' ', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']))
        {
            assert!(line.starts_with("warning["), "{rel}: {line}");
            assert!(line.contains(&format!("{rel}:")), "{rel}: every warning names the file: {line}");
        }
        common::golden(&case.with_extension("txt"), &stderr);
        let quiet = common::run(&["--quiet", "generate", &rel_to_root(&rel)], "");
        assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""), "{rel}: --quiet drops warnings");
        // In the format errors are asked in: GitHub annotations, and JSON with its severity.
        let github = common::run(&["--error-format", "github", "generate", &rel_to_root(&rel)], "");
        assert_eq!(github.code, 0, "{rel}");
        assert!(!github.stderr.is_empty(), "{rel}: no annotation");
        for line in github.stderr.lines() {
            assert!(line.starts_with("::warning file="), "{rel}: {line}");
        }
        let json = common::run(&["--error-format", "json", "generate", &rel_to_root(&rel)], "");
        for line in json.stderr.lines() {
            let object: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(object["severity"], "warning", "{rel}: {line}");
        }
    }
}

/// Like cargo-deny's snapshot of codes: every code the tool can report is shown by some
/// golden case of some reader: the intent's (`tests/errors/`, its warnings in
/// `tests/errors/warnings/`), the workloads' (`tests/errors/workloads/`), the policy files'
/// (`tests/diff/*/expected.stderr`) and the KRM function's (`tests/krm/*/expected.yaml`, as the
/// tag `code`).
#[test]
fn every_diagnostic_code_has_a_case() {
    let root = common::root();
    let mut goldens = common::files(&root.join("tests/errors"), ".txt");
    goldens.extend(common::files(&root.join("tests/errors/workloads"), ".txt"));
    goldens.extend(common::files(&root.join("tests/errors/warnings"), ".txt"));
    for dir in ["tests/diff", "tests/krm"] {
        for case in std::fs::read_dir(root.join(dir)).unwrap() {
            let case = case.unwrap().path();
            goldens.extend(
                ["expected.stderr", "expected.yaml"]
                    .map(|f| case.join(f))
                    .into_iter()
                    .filter(|f| f.is_file()),
            );
        }
    }
    let mut seen = BTreeSet::new();
    for golden in goldens {
        let text = std::fs::read_to_string(&golden).unwrap();
        for code in Code::ALL {
            if text.contains(&format!("[{code}]")) || text.contains(&format!("    code: {code}\n")) {
                seen.insert(code.as_str());
            }
        }
    }
    let missing: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).filter(|c| !seen.contains(c)).collect();
    assert!(missing.is_empty(), "no error case shows: {missing:?}");
}

/// Every code has a row in a table of codes in `docs/` (a table whose header is `| code |`;
/// each reader's page lists the codes it reports), and every row there is a code.
#[test]
fn the_docs_tables_of_codes_list_exactly_the_codes() {
    let mut documented = BTreeSet::new();
    for page in common::files(&common::root().join("docs"), ".md") {
        let text = std::fs::read_to_string(&page).unwrap();
        let mut in_table = false;
        for line in text.lines() {
            in_table = match (in_table, line.starts_with('|')) {
                (false, _) => line.starts_with("| code |"),
                (true, false) => false,
                (true, true) => {
                    let cell = line.split('|').nth(1).unwrap_or_default().trim();
                    if let Some(code) = cell.strip_prefix('`').and_then(|c| c.strip_suffix('`')) {
                        documented.insert(code.to_string());
                    }
                    true
                }
            };
        }
    }
    let all: BTreeSet<String> = Code::ALL.iter().map(|c| c.to_string()).collect();
    assert_eq!(documented, all, "the codes in docs/ tables, against Code::ALL");
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
fn a_file_that_cannot_be_read_is_an_error_that_names_it() {
    let out = common::run(&["generate", "/no/such/intent.yaml"], "");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("error[unreadable]: /no/such/intent.yaml: cannot read: "),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    let out = common::run(&["--error-format", "github", "generate", "/no/such/intent.yaml"], "");
    assert!(
        out.stderr
            .starts_with("::error file=/no/such/intent.yaml,title=netpol-intent unreadable::cannot read: "),
        "{}",
        out.stderr
    );
}

/// A `---` with nothing after it at the end of a file (as editors and generators leave) is
/// no second document; one with a document after it still is.
#[test]
fn a_trailing_empty_document_is_accepted() {
    let intent = std::fs::read_to_string(common::root().join("examples/hub-and-spoke/intent.yaml")).unwrap();
    let plain = common::run(&["generate", "-"], &intent);
    for trailing in ["---\n", "---\n---\n", "--- # the end\n", "...\n---\n"] {
        let out = common::run(&["generate", "-"], &format!("{intent}{trailing}"));
        assert_eq!((out.code, &out.stdout), (0, &plain.stdout), "{trailing:?}: {}", out.stderr);
    }
    let out = common::run(&["generate", "-"], &format!("---\n{intent}---\n{intent}"));
    assert!(out.stderr.contains("the file holds 2 documents"), "{}", out.stderr);
}

/// Each format of the errors, as the binary prints it from the root for a relative path:
/// `tests/errors/formats/CASE.FORMAT` for the cases there are, one per renderer of `src/diag/`
/// (text is every case above).
#[test]
fn every_error_format_matches_its_golden_output() {
    let root = common::root();
    for case in ["unknown-workload", "duplicates"] {
        let rel = format!("tests/errors/{case}.yaml");
        for format in ["github", "json", "sarif"] {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_netpol-intent"))
                .args(["--error-format", format, "generate", &rel])
                .current_dir(&root)
                .env_remove("GITHUB_WORKSPACE")
                .output()
                .unwrap();
            assert_eq!((out.status.code(), out.stdout.as_slice()), (Some(2), &b""[..]), "{case} {format}");
            let stderr = String::from_utf8(out.stderr).unwrap();
            common::golden(&root.join(format!("tests/errors/formats/{case}.{format}")), &stderr);
        }
    }
}
