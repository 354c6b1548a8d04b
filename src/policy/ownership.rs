//! Which intent manages an object: the one rule, for a YAML node and for a `NetworkPolicy`.
//! A `networking.k8s.io/v1` NetworkPolicy is intent X's when it carries the label
//! [`MANAGED_BY_LABEL`]`: `[`MANAGED_BY_VALUE`] and the annotation [`INTENT_ANNOTATION`]`: X`;
//! anything else is no intent's. Every generated policy carries both ([`marks`]).
//!
//! A label says who wrote a policy, never what it allows: the diff judges what a policy
//! allows whatever it carries.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::yaml::Node;

/// The label every generated policy carries.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY_VALUE: &str = "netpol-intent";
/// The annotation that names the intent a policy came from.
pub const INTENT_ANNOTATION: &str = "netpol-intent.dev/intent";

/// The intent that manages the object `node`: `Some(name)` for a `networking.k8s.io/v1`
/// NetworkPolicy that carries the label and the annotation, `None` for anything else.
pub fn of_node(node: &Node) -> Option<&str> {
    let at = |path: &[&str]| path.iter().try_fold(node, |node, key| node.get(key))?.as_str();
    let policy =
        at(&["apiVersion"]) == Some("networking.k8s.io/v1") && at(&["kind"]) == Some("NetworkPolicy");
    let marked = at(&["metadata", "labels", MANAGED_BY_LABEL]) == Some(MANAGED_BY_VALUE);
    (policy && marked).then(|| at(&["metadata", "annotations", INTENT_ANNOTATION])).flatten()
}

/// The intent that manages `policy`, by the same rule.
pub fn of_policy(policy: &NetworkPolicy) -> Option<&str> {
    let m = &policy.metadata;
    let marked =
        m.labels.as_ref().and_then(|l| l.get(MANAGED_BY_LABEL)).map(String::as_str) == Some(MANAGED_BY_VALUE);
    marked.then(|| m.annotations.as_ref()?.get(INTENT_ANNOTATION).map(String::as_str)).flatten()
}

/// The labels and the annotations that mark a policy as the intent `intent`'s.
pub fn marks(intent: &str) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    (
        BTreeMap::from([(MANAGED_BY_LABEL.to_string(), MANAGED_BY_VALUE.to_string())]),
        BTreeMap::from([(INTENT_ANNOTATION.to_string(), intent.to_string())]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: a\n  \
                        labels: {app.kubernetes.io/managed-by: netpol-intent}\n  \
                        annotations: {netpol-intent.dev/intent: shop}\n";

    fn node(text: &str) -> Node {
        crate::yaml::parse(text, &Default::default()).unwrap().remove(0)
    }

    fn policy(text: &str) -> NetworkPolicy {
        serde_json::from_value(crate::yaml::to_json(&node(text)).unwrap()).unwrap()
    }

    #[test]
    fn a_node_and_a_policy_are_read_alike() {
        for (text, owner) in [
            (OURS.to_string(), Some("shop")),
            (OURS.replace("netpol-intent}", "helm}"), None),
            (OURS.replace("  annotations: {netpol-intent.dev/intent: shop}\n", ""), None),
            (OURS.replace("netpol-intent.dev/intent", "other"), None),
        ] {
            assert_eq!(of_node(&node(&text)), owner, "{text}");
            assert_eq!(of_policy(&policy(&text)), owner, "{text}");
        }
        let other_kind = OURS.replace("kind: NetworkPolicy", "kind: ConfigMap");
        assert_eq!(of_node(&node(&other_kind)), None, "only a NetworkPolicy is managed");
        let (labels, annotations) = marks("shop");
        assert_eq!(
            (labels[MANAGED_BY_LABEL].as_str(), annotations[INTENT_ANNOTATION].as_str()),
            (MANAGED_BY_VALUE, "shop")
        );
    }
}
