//! The shipped examples: each `examples/*/intent.yaml` has its expected output next to it, is
//! valid against the committed JSON Schema, and points editors at that schema.

mod common;

use std::path::PathBuf;

use k8s_openapi::api::networking::v1::NetworkPolicy;

const SCHEMA_FILE: &str = "schema/networkintent-v1alpha1.json";

/// Every example directory that holds an intent for `generate`.
fn intents() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(common::root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path().join("intent.yaml"))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    assert!(out.len() >= 3, "expected at least three examples, found {out:?}");
    out
}

#[test]
fn examples_generate_their_expected_output() {
    for intent in intents() {
        let out = common::run(&["generate", intent.to_str().unwrap()], "");
        assert_eq!(out.code, 0, "{}: {}", intent.display(), out.stderr);
        assert_eq!(out.stderr, "");
        common::golden(&intent.with_file_name("expected.yaml"), &out.stdout);
    }
}

#[test]
fn output_is_deterministic_and_the_same_from_stdin() {
    for intent in intents() {
        let text = std::fs::read_to_string(&intent).unwrap();
        let first = common::run(&["generate", intent.to_str().unwrap()], "");
        let again = common::run(&["generate", intent.to_str().unwrap()], "");
        let piped = common::run(&["generate", "-"], &text);
        assert_eq!(first.stdout, again.stdout);
        assert_eq!(first.stdout, piped.stdout);
    }
}

#[test]
fn committed_schema_is_what_the_binary_prints() {
    let out = common::run(&["schema"], "");
    assert_eq!(out.code, 0);
    common::golden(&common::root().join(SCHEMA_FILE), &out.stdout);
}

#[test]
fn examples_validate_against_the_schema_and_name_it() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::root().join(SCHEMA_FILE)).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for intent in intents() {
        let text = std::fs::read_to_string(&intent).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../../schema/networkintent-v1alpha1.json\n"),
            "{} must start with the yaml-language-server modeline",
            intent.display()
        );
        let docs = netpol_intent::yaml::parse(&text, &Default::default()).unwrap();
        let json = netpol_intent::yaml::to_json(&docs[0]).unwrap();
        let errors: Vec<String> = validator.iter_errors(&json).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", intent.display());
    }
}

#[test]
fn the_schema_rejects_what_the_decoder_rejects_for_structure() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::root().join(SCHEMA_FILE)).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for case in [
        "unknown-field",
        "wrong-type",
        "missing-fields",
        "wrong-kind",
        "invalid-names",
        "invalid-ports",
        "externals-without-cidrs",
        "unknown-scope",
    ] {
        let path = common::root().join(format!("tests/errors/{case}.yaml"));
        let docs = netpol_intent::yaml::parse(&std::fs::read_to_string(&path).unwrap(), &Default::default())
            .unwrap();
        let json = netpol_intent::yaml::to_json(&docs[0]).unwrap();
        assert!(!validator.is_valid(&json), "the schema accepts {case}");
    }
}

/// A key with no value is never the default, to the schema as to the decoder: each optional
/// field set to null is refused by both.
#[test]
fn the_schema_and_the_decoder_refuse_null_for_every_optional_field() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::root().join(SCHEMA_FILE)).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let text = std::fs::read_to_string(common::root().join("examples/ingress-egress/intent.yaml")).unwrap();
    let intent =
        netpol_intent::yaml::to_json(&netpol_intent::yaml::parse(&text, &Default::default()).unwrap()[0])
            .unwrap();
    assert!(validator.is_valid(&intent));
    for path in [
        "/metadata/namespace",
        "/metadata/labels",
        "/spec/isolation",
        "/spec/namespaceLabel",
        "/spec/dns/enabled",
        "/spec/dns/namespace",
        "/spec/dns/cidrs",
        "/spec/externals",
        "/spec/workloads/0/podSelector/matchLabels",
        "/spec/internet/ingress/from",
        "/spec/internet/ingress/ports",
        "/spec/internet/egress/to",
        "/spec/internet/egress/label",
        "/spec/connections/1/ports/0/port",
        "/spec/newWorkloads",
    ] {
        let (parent, key) = path.rsplit_once('/').unwrap();
        let mut json = intent.clone();
        json.pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert(key.to_string(), serde_json::Value::Null);
        assert!(!validator.is_valid(&json), "the schema accepts {path}: null");
        let yaml = netpol_intent::yaml::emit_one(&netpol_intent::yaml::from_json(&json));
        let out = common::run(&["generate", "-"], &yaml);
        assert_eq!(out.code, 2, "{path}: {}", out.stderr);
        assert!(out.stderr.contains("error[null-value]: <stdin>:"), "{path}: {}", out.stderr);
    }
}

/// Every generated policy reads back into the Kubernetes type with nothing left over: what
/// k8s-openapi serializes again is exactly what we wrote.
#[test]
fn generated_policies_are_exact_kubernetes_network_policies() {
    for intent in intents() {
        let out = common::run(&["generate", intent.to_str().unwrap()], "");
        // Read back by serde-saphyr, which must read what the crate's reader reads.
        let docs = common::readback::documents(&out.stdout);
        assert!(!docs.is_empty());
        let expected = std::fs::read_to_string(intent.with_file_name("expected.yaml")).unwrap();
        assert_eq!(common::readback::documents(&expected), docs, "{}", intent.display());
        for json in docs {
            let policy: NetworkPolicy = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(serde_json::to_value(&policy).unwrap(), json, "{}", intent.display());
        }
    }
}
