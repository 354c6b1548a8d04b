//! `verify` on the command line: the generated policies agree with the intent; the mistakes a
//! generator or a hand edit can make — an AND peer split into an OR, a missing egress half, a
//! dropped `policyTypes` — make it fail, naming the pair that opened or closed and its ports.

mod common;

use std::path::Path;

use k8s_openapi::api::networking::v1::NetworkPolicy;

const WORKLOADS: &str = "\
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
- {apiVersion: v1, kind: Namespace, metadata: {name: billing}}
- {apiVersion: v1, kind: Namespace, metadata: {name: outside}}
- apiVersion: v1
  kind: Pod
  metadata: {name: frontend, namespace: shop, labels: {app: frontend}}
  spec: {containers: [{name: c, image: x}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: admin, namespace: shop, labels: {app: admin}}
  spec: {containers: [{name: c, image: x}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: payments, namespace: billing, labels: {app: payments}}
  spec: {containers: [{name: c, image: x}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: client, namespace: outside, labels: {app: client}}
  spec: {containers: [{name: c, image: x}]}
";

fn intent(isolation: &str) -> String {
    format!(
        "apiVersion: netpol-intent.dev/v1alpha1
kind: NetworkIntent
metadata: {{name: shop}}
spec:
  namespaces: [shop, billing]
  isolation: {isolation}
  dns: {{enabled: false}}
  workloads:
    - {{name: frontend, namespace: shop, podSelector: {{matchLabels: {{app: frontend}}}}}}
    - {{name: payments, namespace: billing, podSelector: {{matchLabels: {{app: payments}}}}}}
  connections:
    - {{from: frontend, to: payments, ports: [{{port: 8443}}]}}
"
    )
}

/// Runs `verify` on `intent` with the workloads above and, when given, `policies` (written to
/// a file); returns the exit status and standard output.
fn verify(dir: &Path, intent: &str, policies: Option<&[NetworkPolicy]>) -> (i32, String) {
    std::fs::write(dir.join("intent.yaml"), intent).unwrap();
    std::fs::write(dir.join("workloads.yaml"), WORKLOADS).unwrap();
    let (i, w, p) = (dir.join("intent.yaml"), dir.join("workloads.yaml"), dir.join("policies.yaml"));
    let mut args = vec!["verify", i.to_str().unwrap(), "--workloads", w.to_str().unwrap()];
    if let Some(policies) = policies {
        std::fs::write(&p, netpol_intent::policy::render::to_yaml(policies)).unwrap();
        args.extend(["--policies", p.to_str().unwrap()]);
    }
    let out = common::run(&args, "");
    assert!(out.code == 2 || out.stderr.is_empty(), "{}", out.stderr);
    (out.code, out.stdout.replace(&format!("{}/", dir.display()), ""))
}

fn generated(intent: &str) -> Vec<NetworkPolicy> {
    netpol_intent::generate(intent).unwrap()
}

#[test]
fn the_generated_policies_agree_with_the_intent() {
    let tmp = tempfile::tempdir().unwrap();
    for isolation in ["[Ingress]", "[Egress]", "[Ingress, Egress]"] {
        let text = intent(isolation);
        let (code, out) = verify(tmp.path(), &text, None);
        assert_eq!(
            (code, out.as_str()),
            (0, "verify: the policies allow exactly what intent.yaml says, among 4 workloads\n")
        );
        // The same policies read back from YAML, as a repo would hold them.
        assert_eq!(verify(tmp.path(), &text, Some(&generated(&text))).0, 0);
    }
}

#[test]
fn an_and_peer_split_into_an_or_fails_and_names_the_pair_it_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let text = intent("[Ingress]");
    let mut policies = generated(&text);
    let mut split = 0;
    for p in &mut policies {
        for rule in p.spec.as_mut().unwrap().ingress.iter_mut().flatten() {
            let peers = rule.from.get_or_insert_with(Vec::new);
            if let Some(i) =
                peers.iter().position(|x| x.namespace_selector.is_some() && x.pod_selector.is_some())
            {
                let mut pods = peers[i].clone();
                pods.namespace_selector = None;
                peers[i].pod_selector = None;
                peers.push(pods);
                split += 1;
            }
        }
    }
    assert_eq!(split, 1, "the intent has one cross-namespace peer");
    let (code, out) = verify(tmp.path(), &text, Some(&policies));
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out,
        "verify: the policies do not allow what intent.yaml says
extra (the policies allow it, the intent does not):
  shop/admin → billing/payments: TCP 8443
1 extra, 0 missing
"
    );
}

#[test]
fn a_missing_egress_half_fails_and_names_the_pair_it_closes() {
    let tmp = tempfile::tempdir().unwrap();
    let text = intent("[Ingress, Egress]");
    let mut policies = generated(&text);
    let before = policies.len();
    policies.retain(|p| {
        let s = p.spec.as_ref().unwrap();
        !(p.metadata.namespace.as_deref() == Some("shop") && s.egress.as_ref().is_some_and(|e| !e.is_empty()))
    });
    assert_eq!(policies.len(), before - 1);
    let (code, out) = verify(tmp.path(), &text, Some(&policies));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("missing (the intent allows it, the policies do not):\n  shop/frontend → billing/payments: TCP 8443\n"), "{out}");
    assert!(out.ends_with("0 extra, 1 missing\n"), "{out}");
}

#[test]
fn a_dropped_policy_types_fails_and_names_what_opens_and_closes() {
    let tmp = tempfile::tempdir().unwrap();
    let text = intent("[Egress]");
    let mut policies = generated(&text);
    let baseline = policies
        .iter_mut()
        .find(|p| {
            p.metadata.namespace.as_deref() == Some("billing")
                && p.metadata.name.as_deref() == Some("default-deny-all")
        })
        .expect("billing's baseline");
    baseline.spec.as_mut().unwrap().policy_types = None;
    let (code, out) = verify(tmp.path(), &text, Some(&policies));
    assert_eq!(code, 1, "{out}");
    // Without policyTypes the baseline (no rules) defaults to Ingress: payments' egress opens,
    // its ingress closes.
    assert!(
        out.contains(
            "extra (the policies allow it, the intent does not):\n  billing/payments → outside/client: all\n"
        ),
        "{out}"
    );
    assert!(out.contains("  shop/frontend → billing/payments: TCP 8443\n"), "{out}");
    assert!(out.contains("  outside/client → billing/payments: all\n"), "{out}");
}

#[test]
fn verify_reports_errors_with_exit_status_2() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bad.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {on: yes}}\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("intent.yaml"), intent("[Ingress]")).unwrap();
    let (i, w) = (tmp.path().join("intent.yaml"), tmp.path().join("bad.yaml"));
    let out = common::run(&["verify", i.to_str().unwrap(), "--workloads", w.to_str().unwrap()], "");
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(out.stderr.starts_with("error[invalid-workload]: "), "{}", out.stderr);
    let errors = out.stderr.lines().filter(|l| l.starts_with("error[")).count();
    assert_eq!(errors, 2, "the key and the value: {}", out.stderr);
    assert!(out.stderr.contains("`on` is true (a boolean) to kubectl"), "{}", out.stderr);
}
