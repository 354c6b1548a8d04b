//! `verify` on the command line: the generated policies agree with the intent (and on every
//! example with workloads); the mistakes a generator or a hand edit can make — an AND peer split
//! into an OR, a missing egress half, a dropped `policyTypes`, an external's allowance on the
//! wrong side or on both, `scope: all` leaking into a `managed` server or into an unmanaged
//! namespace — make it fail, naming the pair that opened or closed and its ports.

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

/// Every example with a `workloads.yaml` beside its intent: the generated policies agree.
#[test]
fn verify_agrees_on_every_example_with_workloads() {
    let mut checked = 0;
    for dir in std::fs::read_dir(common::root().join("examples")).unwrap() {
        let dir = dir.unwrap().path();
        let (intent, workloads) = (dir.join("intent.yaml"), dir.join("workloads.yaml"));
        if !intent.is_file() || !workloads.is_file() {
            continue;
        }
        let out = common::run(
            &["verify", intent.to_str().unwrap(), "--workloads", workloads.to_str().unwrap()],
            "",
        );
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}: {}", dir.display(), out.stdout);
        assert!(out.stdout.starts_with("verify: the policies allow exactly what "), "{}", out.stdout);
        checked += 1;
    }
    assert!(checked >= 2, "expected hub-and-spoke and egress-externals, checked {checked}");
}

/// Runs `verify` on an example's intent and workloads against `policies`.
fn verify_example(dir: &Path, example: &str, policies: &[NetworkPolicy]) -> (i32, String) {
    let root = common::root().join("examples").join(example);
    let p = dir.join("policies.yaml");
    std::fs::write(&p, netpol_intent::policy::render::to_yaml(policies)).unwrap();
    verify_files([&root.join("intent.yaml"), &root.join("workloads.yaml"), &p], &root)
}

/// `verify INTENT --workloads WORKLOADS --policies POLICIES`: the exit status and standard
/// output, with `dir/` taken out of the paths.
fn verify_files([i, w, p]: [&Path; 3], dir: &Path) -> (i32, String) {
    let args = [
        "verify",
        i.to_str().unwrap(),
        "--workloads",
        w.to_str().unwrap(),
        "--policies",
        p.to_str().unwrap(),
    ];
    let out = common::run(&args, "");
    (out.code, out.stdout.replace(&format!("{}/", dir.display()), ""))
}

fn policy<'a>(policies: &'a mut [NetworkPolicy], ns_name: &str) -> &'a mut NetworkPolicy {
    let (ns, name) = ns_name.split_once('/').unwrap();
    policies
        .iter_mut()
        .find(|p| p.metadata.namespace.as_deref() == Some(ns) && p.metadata.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no policy {ns_name}"))
}

/// A connection toward an external generated on the destination's side (an ingress rule from
/// its addresses) instead of the source's: verify names what opens and what closes.
#[test]
fn an_external_on_the_wrong_side_fails() {
    use k8s_openapi::api::networking::v1::NetworkPolicyIngressRule;
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("examples/egress-externals/intent.yaml")).unwrap();
    let mut policies = generated(&text);
    let spec = policy(&mut policies, "shop/allow-web-to-payments-api-egress").spec.as_mut().unwrap();
    let rules = spec.egress.take().unwrap();
    spec.ingress =
        Some(rules.into_iter().map(|r| NetworkPolicyIngressRule { from: r.to, ports: r.ports }).collect());
    spec.policy_types = Some(vec!["Ingress".into()]);
    let (code, out) = verify_example(tmp.path(), "egress-externals", &policies);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out,
        "verify: the policies do not allow what intent.yaml says
extra (the policies allow it, the intent does not):
  203.0.113.0/25 → shop/web: TCP 443
missing (the intent allows it, the policies do not):
  shop/web → 203.0.113.0/25: TCP 443
1 extra, 1 missing
"
    );
    // Both sides generated: the extra connection alone.
    let mut both = generated(&text);
    let mut mirrored = policy(&mut both, "shop/allow-payments-webhooks-to-web").clone();
    let spec = mirrored.spec.as_mut().unwrap();
    let rules = spec.ingress.take().unwrap();
    spec.egress = Some(
        rules
            .into_iter()
            .map(|r| k8s_openapi::api::networking::v1::NetworkPolicyEgressRule { to: r.from, ports: r.ports })
            .collect(),
    );
    spec.policy_types = Some(vec!["Egress".into()]);
    mirrored.metadata.name = Some("mirrored".into());
    both.push(mirrored);
    let (code, out) = verify_example(tmp.path(), "egress-externals", &both);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "extra (the policies allow it, the intent does not):\n  shop/web → 198.51.100.128/25: TCP 8443\n"
        ),
        "{out}"
    );
    assert!(out.ends_with("1 extra, 0 missing\n"), "{out}");
}

const SERVER_WORKLOADS: &str = "\
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
- {apiVersion: v1, kind: Namespace, metadata: {name: monitoring}}
- {apiVersion: v1, kind: Namespace, metadata: {name: outside}}
- apiVersion: v1
  kind: Pod
  metadata: {name: prometheus, namespace: monitoring, labels: {app: prometheus}}
  spec: {containers: [{name: c, image: x}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: web, namespace: shop, labels: {app: web, networking/allow-scraper-to-access: 'true'}}
  spec: {containers: [{name: c, image: x}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: target, namespace: outside, labels: {app: target, networking/allow-scraper-to-access: 'true'}}
  spec: {containers: [{name: c, image: x}]}
";

fn server_intent(scope: &str) -> String {
    format!(
        "apiVersion: netpol-intent.dev/v1alpha1
kind: NetworkIntent
metadata: {{name: shop}}
spec:
  namespaces: [shop, monitoring]
  isolation: [Ingress, Egress]
  dns: {{enabled: false}}
  workloads:
    - {{name: scraper, namespace: monitoring, podSelector: {{matchLabels: {{app: prometheus}}}}}}
  servers:
    - {{workload: scraper, targetLabel: networking/allow-scraper-to-access, scope: {scope}, ports: [{{port: 9090}}]}}
"
    )
}

/// `verify` of a server intent against `policies`, with the workloads above.
fn verify_server(dir: &Path, scope: &str, policies: &[NetworkPolicy]) -> (i32, String) {
    std::fs::write(dir.join("intent.yaml"), server_intent(scope)).unwrap();
    std::fs::write(dir.join("workloads.yaml"), SERVER_WORKLOADS).unwrap();
    std::fs::write(dir.join("policies.yaml"), netpol_intent::policy::render::to_yaml(policies)).unwrap();
    let [i, w, p] = ["intent.yaml", "workloads.yaml", "policies.yaml"].map(|f| dir.join(f));
    verify_files([&i, &w, &p], dir)
}

/// `scope: all` where the intent says `managed` (the peer of every namespace), and a server's
/// targets' side written into an unmanaged namespace: both fail.
#[test]
fn scope_all_leaking_into_unmanaged_namespaces_fails() {
    let tmp = tempfile::tempdir().unwrap();
    for scope in ["managed", "all"] {
        let policies = generated(&server_intent(scope));
        assert_eq!(verify_server(tmp.path(), scope, &policies).0, 0, "{scope}");
    }
    let mut widened = generated(&server_intent("managed"));
    let spec = policy(&mut widened, "monitoring/allow-scraper-to-access-egress").spec.as_mut().unwrap();
    spec.egress.as_mut().unwrap()[0].to.as_mut().unwrap()[0].namespace_selector = Some(Default::default());
    let (code, out) = verify_server(tmp.path(), "managed", &widened);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("extra (the policies allow it, the intent does not):\n  monitoring/prometheus → outside/target: TCP 9090\n"), "{out}");

    let mut leaked = generated(&server_intent("all"));
    let mut copy = policy(&mut leaked, "shop/allow-scraper-to-access").clone();
    copy.metadata.namespace = Some("outside".into());
    leaked.push(copy);
    let (code, out) = verify_server(tmp.path(), "all", &leaked);
    assert_eq!(code, 1, "{out}");
    // The copy isolates the unmanaged target: what its own side left open closes.
    assert!(
        out.contains(
            "missing (the intent allows it, the policies do not):\n  any address → outside/target: all\n"
        ),
        "{out}"
    );
}
