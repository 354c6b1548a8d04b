//! The workloads a diff judges connections among when none are given: the intent's own, one
//! representative pod for each endpoint it names.
//!
//! - each workload: a pod named `namespace/<workload>` whose labels satisfy its selector
//!   (`matchLabels`; the first value of an `In`; a key of an `Exists` set to `""`; nothing for
//!   `NotIn` and `DoesNotExist`);
//! - each label the intent names (`internet.ingress.label`, `internet.egress.label`, a hub's
//!   `accessLabel`, a server's `targetLabel`, `newWorkloads.label`): in every managed
//!   namespace, a pod `namespace/[label=true]` with that label alone;
//! - the DNS pods (when `dns` is on): `namespace/[labels]`, labelled as its selector asks;
//! - in every namespace of the model, a pod `namespace/*` with no labels ([`NEW_POD`]): any
//!   other pod, one that no selector naming a label picks;
//! - the namespaces: the managed ones, and those of the workloads and the DNS pods, each
//!   labelled with its name under `kubernetes.io/metadata.name` and `namespaceLabel`.
//!
//! What such a model cannot see — pods with other labels, namespaces with other labels or
//! names, named ports (its pods have no container ports), a pod that is two of these at once
//! — is what the diff's conservative checks cover ([`super::conservative`]).

use std::collections::BTreeMap;

use crate::engine::selector::Labels;
use crate::engine::workloads::{Namespace, Workload, Workloads};
use crate::intent::validate::ValidIntent;
use crate::intent::{LabelSelector, Operator};

/// The name of the pod with no labels that stands, in each namespace, for any other pod: one
/// that no selector naming a label picks, such as a pod created there later.
pub const NEW_POD: &str = "*";

/// `workloads` and, in each namespace the intent manages, a pod [`NEW_POD`] with no labels:
/// a policy that lets through connections to or from the next pod created there is a danger
/// now, whether or not such a pod runs yet. With how many were added.
pub fn with_new_pods(valid: &ValidIntent, workloads: Workloads) -> (Workloads, usize) {
    let Workloads { namespaces, workloads: mut pods } = workloads;
    let new = |ns: &String| Workload {
        namespace: ns.clone(),
        name: NEW_POD.to_string(),
        kind: "Pod".to_string(),
        labels: Labels::new(),
        ports: Vec::new(),
        selector: None,
        owned: false,
    };
    let added = valid.managed().len();
    pods.extend(valid.managed().iter().map(new));
    (Workloads::new(namespaces, pods), added)
}

/// The representative pods of the intent's endpoints, and their namespaces.
pub fn of_intent(valid: &ValidIntent) -> Workloads {
    let spec = &valid.intent().spec;
    let mut pods: BTreeMap<(String, String), Labels> = BTreeMap::new();
    for w in &spec.workloads {
        pods.insert((w.namespace.value.clone(), w.name.value.clone()), labels(&w.pod_selector));
    }
    for label in named_labels(valid) {
        for ns in valid.managed() {
            let labels = Labels::from([(label.to_string(), "true".to_string())]);
            pods.insert((ns.clone(), format!("[{label}=true]")), labels);
        }
    }
    if spec.dns.enabled {
        let labels = labels(&spec.dns.pod_selector);
        let name = labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        pods.insert((spec.dns.namespace.value.clone(), format!("[{name}]")), labels);
    }
    let mut namespaces: Vec<String> = valid.managed().iter().cloned().collect();
    namespaces.extend(pods.keys().map(|(ns, _)| ns.clone()));
    namespaces.sort();
    namespaces.dedup();
    for ns in &namespaces {
        pods.insert((ns.clone(), NEW_POD.to_string()), Labels::new());
    }
    let namespaces = namespaces
        .into_iter()
        .map(|name| {
            let labels = Labels::from([(spec.namespace_label.value.clone(), name.clone())]);
            Namespace { name, labels }
        })
        .collect();
    let workloads = pods
        .into_iter()
        .map(|((namespace, name), labels)| Workload {
            namespace,
            name,
            kind: "Pod".to_string(),
            labels,
            ports: Vec::new(),
            selector: None,
            owned: false,
        })
        .collect();
    Workloads::new(namespaces, workloads)
}

/// The labels the intent gives a meaning to when set to `"true"`, each once.
fn named_labels(valid: &ValidIntent) -> Vec<&str> {
    let spec = &valid.intent().spec;
    let mut out: Vec<&str> = Vec::new();
    out.extend(spec.internet.ingress.iter().filter_map(|i| i.label.as_ref()).map(|l| l.value.as_str()));
    out.extend(spec.internet.egress.iter().filter_map(|e| e.label.as_ref()).map(|l| l.value.as_str()));
    out.extend(spec.hubs.iter().filter_map(|h| h.access_label.as_ref()).map(|l| l.value.as_str()));
    out.extend(spec.servers.iter().map(|s| s.target_label.value.as_str()));
    out.extend(spec.new_workloads.iter().map(|n| n.label.value.as_str()));
    out.sort();
    out.dedup();
    out
}

/// Labels that `selector` selects.
fn labels(selector: &LabelSelector) -> Labels {
    let mut labels: Labels = selector.match_labels.clone();
    for r in &selector.match_expressions {
        match (r.operator, r.values.first()) {
            (Operator::In, Some(v)) => {
                labels.entry(r.key.clone()).or_insert_with(|| v.clone());
            }
            (Operator::Exists, _) => {
                labels.entry(r.key.clone()).or_default();
            }
            _ => {}
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pod_for_each_workload_label_namespace_and_the_dns_pods() {
        let valid = crate::load(
            "apiVersion: netpol-intent.dev/v1alpha1\nkind: NetworkIntent\nmetadata: {name: i}\nspec:\n  \
             namespaces: [shop]\n  workloads:\n  - {name: db, namespace: shop, podSelector: {matchLabels: {app: db}, \
             matchExpressions: [{key: tier, operator: In, values: [a, b]}, {key: x, operator: Exists}, \
             {key: track, operator: NotIn, values: [canary]}]}}\n  newWorkloads: {}\n",
        )
        .unwrap();
        let w = of_intent(&valid);
        let names: Vec<String> = w.workloads.iter().map(|w| w.id()).collect();
        assert_eq!(
            names,
            [
                "kube-system/*",
                "kube-system/[k8s-app=kube-dns]",
                "shop/*",
                "shop/[networking/allow-all-connections=true]",
                "shop/db"
            ]
        );
        let db = &w.workloads[w.find("shop/db").unwrap()];
        let expected: Labels =
            [("app", "db"), ("tier", "a"), ("x", "")].map(|(k, v)| (k.to_string(), v.to_string())).into();
        assert_eq!(db.labels, expected);
        let shop = w.namespace("shop").unwrap();
        assert_eq!(shop.labels["kubernetes.io/metadata.name"], "shop");
    }
}
