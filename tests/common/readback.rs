//! An independent reader of what the tool emits: serde-saphyr, on a parser of its own
//! (granit-parser), reads it back, and must get the same values as the crate's own reader.
//! The tests that judge what output means read it through [`documents`] and [`policies`].

use k8s_openapi::api::networking::v1::NetworkPolicy;
use serde_json::Value;

/// The documents of a YAML stream the tool wrote, as serde-saphyr reads them; they must be
/// what the crate's own reader makes of the same text.
pub fn documents(text: &str) -> Vec<Value> {
    match read(text) {
        (Ok(theirs), Ok(ours)) => {
            assert_eq!(theirs, ours, "serde-saphyr and the crate read the output differently:\n{text}");
            theirs
        }
        (theirs, ours) => {
            panic!("the output does not read back: serde-saphyr {theirs:?}, the crate {ours:?}\n{text}")
        }
    }
}

/// Both readers agree on `text`: the same values, or both refuse them as JSON (an item passed
/// through as written may hold `.inf`, which JSON has no room for).
pub fn agree(text: &str) {
    match read(text) {
        (Ok(theirs), Ok(ours)) => assert_eq!(theirs, ours, "the readers disagree:\n{text}"),
        (Err(_), Err(_)) => {}
        (theirs, ours) => {
            panic!("one reader refuses the output: serde-saphyr {theirs:?}, the crate {ours:?}\n{text}")
        }
    }
}

/// The `results` of a ResourceList the function wrote, as serde-saphyr reads them (the items
/// it passed through may hold `.inf`, which this read lets by), and as the crate's reader does.
pub fn results(text: &str) -> Vec<Value> {
    #[derive(serde::Deserialize)]
    struct List {
        #[serde(default)]
        results: Vec<Value>,
    }
    let options =
        serde_saphyr::options! { non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough };
    let theirs: List = serde_saphyr::from_str_with_options(text, options)
        .unwrap_or_else(|e| panic!("serde-saphyr: {e}\n{text}"));
    let docs = netpol_intent::yaml::parse(text, &Default::default()).expect("the output is YAML");
    let ours = match docs[0].get("results") {
        Some(r) => netpol_intent::yaml::to_json(r).expect("results convert to JSON"),
        None => Value::Array(Vec::new()),
    };
    assert_eq!(Value::Array(theirs.results.clone()), ours, "the readers disagree on the results:\n{text}");
    theirs.results
}

type Read = (Result<Vec<Value>, String>, Result<Vec<Value>, String>);

fn read(text: &str) -> Read {
    let theirs = serde_saphyr::from_multiple::<Value>(text).map_err(|e| e.to_string());
    let ours =
        netpol_intent::yaml::parse(text, &Default::default()).map_err(|e| e.to_string()).and_then(|docs| {
            docs.iter().map(|d| netpol_intent::yaml::to_json(d).map_err(|e| e.to_string())).collect()
        });
    (theirs, ours)
}

/// The NetworkPolicies of a YAML stream the tool wrote, read by serde-saphyr.
pub fn policies(text: &str) -> Vec<NetworkPolicy> {
    documents(text)
        .into_iter()
        .map(|json| {
            assert_eq!(
                (&json["apiVersion"], &json["kind"]),
                (&"networking.k8s.io/v1".into(), &"NetworkPolicy".into())
            );
            serde_json::from_value(json).unwrap_or_else(|e| panic!("not a NetworkPolicy: {e}\n{text}"))
        })
        .collect()
}
