//! The meaning of the generated policies (issue #2, item 7): every generated policy set must
//! allow exactly what the intent says, no more, no less.
//!
//! The pieces, in `tests/semantics/`:
//! - `evaluator.rs`: what a set of k8s-openapi `NetworkPolicy` values allows in a model
//!   cluster, by the Kubernetes documentation (its module docs say how it reads policyTypes,
//!   ipBlocks and named ports), with its own tests on hand-written policies;
//! - `oracle.rs`: what an intent allows, written from the contract's "Meaning" table; it reads
//!   the intent file itself and shares nothing with `src/`;
//! - `k8s.rs`: the Kubernetes matching rules both need (label selectors, ports, IP blocks);
//! - `cluster.rs`: model clusters: namespaces, pods with labels, IPs and named ports, and
//!   addresses outside the cluster;
//! - `check.rs`: the comparison of the two, the structural rules of generated output, and
//!   readable views of a policy;
//! - `random.rs` and `exhaustive.rs`: 200 pseudo-random intents plus the examples, each with a
//!   cluster built to probe it, compared between every two endpoints on every port case, as
//!   generated and as rendered to YAML;
//! - `mutations.rs`: mistakes a generator could make (an AND peer split in two, a dropped
//!   `policyTypes`, a missing egress half, ...), applied to correct output, which the
//!   comparison or the structural rules must catch.
//!
//! This file holds one test per row of the contract, each with a small intent and cluster:
//! connections a reader can check against the contract by hand, and the pods, peers, ports and
//! policyTypes of the policies that carry the row.

#[path = "common/readback.rs"]
#[allow(dead_code)]
mod readback;

mod semantics {
    pub mod check;
    pub mod cluster;
    pub mod evaluator;
    pub mod exhaustive;
    pub mod k8s;
    pub mod mutations;
    pub mod oracle;
    pub mod random;
}

use k8s_openapi::api::networking::v1::NetworkPolicy;

use semantics::check::{self, find, names, rules, selected, types};
use semantics::cluster::Cluster;
use semantics::evaluator::Network;
use semantics::k8s;
use semantics::oracle::{Intent, Oracle};

/// An intent file with `spec` (written indented by two spaces) as its spec.
fn intent(spec: &str) -> String {
    format!(
        "apiVersion: netpol-intent.dev/v1alpha1\nkind: NetworkIntent\nmetadata:\n  name: test\nspec:{spec}"
    )
}

fn generate(text: &str) -> Vec<NetworkPolicy> {
    netpol_intent::generate(text).unwrap_or_else(|diags| {
        panic!("the intent is invalid: {}\n{text}", netpol_intent::diag::text::render(&diags))
    })
}

/// One row test's intent, cluster and policies. Building it checks the whole cluster: the
/// policies (as generated and as rendered to YAML) allow exactly what the oracle says, and
/// their shape breaks none of the structural rules.
struct Case {
    intent: Intent,
    cluster: Cluster,
    policies: Vec<NetworkPolicy>,
    rendered: Vec<NetworkPolicy>,
}

impl Case {
    fn new(spec: &str, cluster: Cluster) -> Case {
        let text = intent(spec);
        let intent = Intent::parse(&text);
        // The contract assumes that every namespace carries `namespaceLabel` with its name.
        assert_eq!(cluster.namespace_label, intent.spec.namespace_label, "the cluster's namespace label");
        let mut cluster = cluster.with_externals();
        cluster.port_cases = k8s::probes(intent.ports());
        let policies = generate(&text);
        let rendered = check::through_yaml(&policies);
        let problems = check::structural_problems(&intent, &policies);
        assert!(problems.is_empty(), "{problems:#?}\n{text}");
        check::assert_exact("as generated", &intent, &cluster, &policies);
        check::assert_exact("as rendered to YAML", &intent, &cluster, &rendered);
        Case { intent, cluster, policies, rendered }
    }

    /// Asserts each `(source, destination, "PROTOCOL/port")` is allowed, or denied, by the
    /// policies as generated and as rendered, and by the oracle's reading of the contract.
    fn expect(&self, allowed: bool, cases: &[(&str, &str, &str)]) {
        let oracle = Oracle::new(&self.intent, &self.cluster);
        for (src, dst, port) in cases {
            assert_eq!(
                oracle.allows(src, dst, port),
                allowed,
                "the oracle disagrees on {src} -> {dst} on {port}"
            );
        }
        for set in [&self.policies, &self.rendered] {
            let net = Network::new(&self.cluster, set);
            for (src, dst, port) in cases {
                let verdict = net.allows(src, dst, port);
                assert_eq!(
                    verdict,
                    allowed,
                    "{src} -> {dst} on {port}: expected {}, the policies {}\n--- intent\n{}\n--- policies\n{}",
                    if allowed { "allowed" } else { "denied" },
                    if verdict { "allow it" } else { "deny it" },
                    self.intent.text,
                    netpol_intent::policy::render::to_yaml(set)
                );
            }
        }
    }

    fn allowed(&self, cases: &[(&str, &str, &str)]) {
        self.expect(true, cases);
    }

    fn denied(&self, cases: &[(&str, &str, &str)]) {
        self.expect(false, cases);
    }

    fn policy(&self, namespace: &str, name: &str) -> &NetworkPolicy {
        find(&self.policies, namespace, name)
    }

    /// The pods the policy selects, its written policyTypes, and its rules as
    /// [`check::rules`] reads them.
    fn assert_policy(
        &self,
        ns_name: &str,
        pods: &[&str],
        policy_types: &[&str],
        ingress: &[&str],
        egress: &[&str],
    ) {
        let (ns, name) = ns_name.split_once('/').unwrap();
        let p = self.policy(ns, name);
        assert_eq!(selected(&self.cluster, p), pods, "pods selected by {ns_name}");
        assert_eq!(types(p), policy_types, "policyTypes of {ns_name}");
        assert_eq!(rules(&self.cluster, p, "ingress"), ingress, "ingress rules of {ns_name}");
        assert_eq!(rules(&self.cluster, p, "egress"), egress, "egress rules of {ns_name}");
    }

    fn assert_names(&self, expected: &[&str]) {
        assert_eq!(names(&self.policies), expected, "the generated policies");
    }
}

// ---------------------------------------------------------------------------------------------
// One test per row of the contract's "Meaning" table. The cases a test uses follow it, as
// functions, so that the mutation checks (`semantics/mutations.rs`) can use them too.
// ---------------------------------------------------------------------------------------------

fn baseline_cluster() -> Cluster {
    Cluster::new()
        .pod("shop/web", "app=web", "")
        .pod("shop/db", "app=db", "")
        .pod("billing/pay", "app=pay", "")
        .pod("outside/client", "app=client", "")
        .pod("kube-system/coredns", "k8s-app=kube-dns", "")
}

/// `namespaces` and `isolation`: every pod of a managed namespace is isolated in each listed
/// direction; unmanaged namespaces get nothing and stay open.
#[test]
fn namespaces_are_isolated_in_the_listed_directions() {
    // Default isolation: Ingress only. Egress stays open, even to the internet.
    let c = baseline_ingress_only();
    c.assert_names(&["billing/default-deny-all", "shop/default-deny-all"]);
    c.assert_policy("shop/default-deny-all", &["shop/web", "shop/db"], &["Ingress"], &[], &[]);
    c.assert_policy("billing/default-deny-all", &["billing/pay"], &["Ingress"], &[], &[]);
    c.denied(&[
        ("shop/web", "shop/db", "TCP/80"),
        ("billing/pay", "shop/db", "TCP/5432"),
        ("outside/client", "shop/web", "TCP/80"),
        ("8.8.8.8", "shop/web", "TCP/443"),
    ]);
    c.allowed(&[
        ("shop/web", "outside/client", "TCP/80"),
        ("shop/web", "8.8.8.8", "TCP/443"),
        ("outside/client", "kube-system/coredns", "UDP/53"),
        ("shop/web", "kube-system/coredns", "UDP/53"),
    ]);

    // Both directions, DNS off: nothing in or out of a managed namespace.
    let c = baseline_both_directions();
    c.assert_names(&["billing/default-deny-all", "shop/default-deny-all"]);
    c.assert_policy("shop/default-deny-all", &["shop/web", "shop/db"], &["Ingress", "Egress"], &[], &[]);
    c.denied(&[
        ("shop/web", "shop/db", "TCP/80"),
        ("shop/web", "outside/client", "TCP/80"),
        ("shop/web", "8.8.8.8", "TCP/443"),
        ("shop/web", "kube-system/coredns", "UDP/53"),
        ("outside/client", "shop/web", "TCP/80"),
    ]);
    c.allowed(&[("outside/client", "kube-system/coredns", "UDP/53")]);

    // Egress only: the ingress side stays open. (A dropped `policyTypes` on this baseline, which
    // has no rules, would default to Ingress and fail here.)
    let c = baseline_egress_only();
    c.assert_names(&["shop/default-deny-all"]);
    c.assert_policy("shop/default-deny-all", &["shop/web", "shop/db"], &["Egress"], &[], &[]);
    c.allowed(&[("outside/client", "shop/web", "TCP/80"), ("8.8.8.8", "shop/db", "TCP/5432")]);
    c.denied(&[("shop/web", "shop/db", "TCP/80"), ("shop/web", "8.8.8.8", "TCP/443")]);
}

fn baseline_ingress_only() -> Case {
    Case::new(
        "
  namespaces: [shop, billing]",
        baseline_cluster(),
    )
}

fn baseline_both_directions() -> Case {
    Case::new(
        "
  namespaces: [shop, billing]
  isolation: [Ingress, Egress]
  dns: {enabled: false}",
        baseline_cluster(),
    )
}

fn baseline_egress_only() -> Case {
    Case::new(
        "
  namespaces: [shop]
  isolation: [Egress]
  dns: {enabled: false}",
        baseline_cluster(),
    )
}

/// `sameNamespace: true`: any pod to any pod of its own managed namespace, on all ports.
#[test]
fn same_namespace_allows_all_ports_within_a_namespace_only() {
    let c = same_namespace();
    c.allowed(&[
        ("shop/a", "shop/b", "TCP/80"),
        ("shop/b", "shop/a", "UDP/5353"),
        ("shop/a", "shop/b", "SCTP/9090"),
    ]);
    c.denied(&[
        ("shop/a", "billing/c", "TCP/80"),
        ("billing/c", "shop/a", "TCP/80"),
        ("outside/d", "shop/a", "TCP/80"),
        ("shop/a", "outside/d", "TCP/80"),
        ("shop/a", "8.8.8.8", "TCP/443"),
    ]);
    c.assert_policy(
        "shop/allow-same-namespace",
        &["shop/a", "shop/b"],
        &["Ingress"],
        &["from pods(shop/a,shop/b) on all"],
        &[],
    );
    c.assert_policy(
        "shop/allow-same-namespace-egress",
        &["shop/a", "shop/b"],
        &["Egress"],
        &[],
        &["to pods(shop/a,shop/b) on all"],
    );
    c.assert_policy(
        "billing/allow-same-namespace",
        &["billing/c"],
        &["Ingress"],
        &["from pods(billing/c) on all"],
        &[],
    );
}

fn same_namespace() -> Case {
    Case::new(
        "
  namespaces: [shop, billing]
  isolation: [Ingress, Egress]
  sameNamespace: true
  dns: {enabled: false}",
        Cluster::new()
            .pod("shop/a", "app=a", "")
            .pod("shop/b", "app=b", "")
            .pod("billing/c", "app=c", "")
            .pod("outside/d", "app=d", ""),
    )
}

/// `dns`: every pod, of any namespace, to the DNS pods (namespace AND selector), on `ports`.
#[test]
fn dns_pods_are_reachable_from_every_pod_on_the_dns_ports() {
    // The default: kube-dns in kube-system (unmanaged), UDP and TCP 53.
    let c = dns_default();
    c.assert_names(&["shop/allow-dns-egress", "shop/default-deny-all"]);
    c.assert_policy(
        "shop/allow-dns-egress",
        &["shop/web"],
        &["Egress"],
        &[],
        &["to ns+pods(kube-system/coredns) on UDP/53 TCP/53"],
    );
    c.allowed(&[
        ("shop/web", "kube-system/coredns", "UDP/53"),
        ("shop/web", "kube-system/coredns", "TCP/53"),
    ]);
    c.denied(&[
        ("shop/web", "kube-system/coredns", "UDP/5353"),
        ("shop/web", "kube-system/coredns", "TCP/80"),
        ("shop/web", "kube-system/metrics-server", "UDP/53"),
        // The same labels in another namespace are not the DNS pods.
        ("shop/web", "outside/coredns", "UDP/53"),
        ("shop/web", "8.8.8.8", "UDP/53"),
    ]);

    // DNS pods in a managed namespace, on a named port: both sides, from any pod of any
    // namespace but not from outside the cluster.
    let c = dns_managed_named_port();
    c.assert_policy(
        "infra/allow-dns",
        &["infra/dns"],
        &["Ingress"],
        &["from ns(infra,shop,outside) on UDP/dns"],
        &[],
    );
    c.assert_policy(
        "infra/allow-dns-egress",
        &["infra/dns", "infra/other"],
        &["Egress"],
        &[],
        &["to pods(infra/dns) on UDP/dns"],
    );
    c.assert_policy(
        "shop/allow-dns-egress",
        &["shop/web"],
        &["Egress"],
        &[],
        &["to ns+pods(infra/dns) on UDP/dns"],
    );
    c.allowed(&[
        ("shop/web", "infra/dns", "UDP/5353"),
        ("infra/other", "infra/dns", "UDP/5353"),
        ("outside/client", "infra/dns", "UDP/5353"),
    ]);
    c.denied(&[
        // The named port is 5353 on this pod.
        ("shop/web", "infra/dns", "UDP/53"),
        ("shop/web", "infra/dns", "TCP/53"),
        ("shop/web", "infra/other", "UDP/53"),
        ("8.8.8.8", "infra/dns", "UDP/5353"),
    ]);
}

fn dns_default() -> Case {
    Case::new(
        "
  namespaces: [shop]
  isolation: [Ingress, Egress]",
        Cluster::new()
            .pod("shop/web", "app=web", "")
            .pod("kube-system/coredns", "k8s-app=kube-dns", "")
            .pod("kube-system/metrics-server", "k8s-app=metrics-server", "")
            .pod("outside/coredns", "k8s-app=kube-dns", ""),
    )
}

fn dns_managed_named_port() -> Case {
    Case::new(
        "
  namespaces: [shop, infra]
  isolation: [Ingress, Egress]
  dns:
    namespace: infra
    podSelector: {matchLabels: {app: dns}}
    ports: [{port: dns, protocol: UDP}]",
        Cluster::new()
            .pod("infra/dns", "app=dns", "dns=UDP/5353")
            .pod("infra/other", "app=other", "dns=UDP/53")
            .pod("shop/web", "app=web", "")
            .pod("outside/client", "", ""),
    )
}

/// `internet.ingress`: the target's side only, from any source or only the `from` CIDRs, to
/// the labelled pods of any managed namespace and to `workloads`, on `ports`.
#[test]
fn internet_ingress_opens_the_targets_side_only() {
    // The default label, any source, one port.
    let c = internet_ingress_label();
    c.assert_policy("shop/internet-access", &["shop/web"], &["Ingress"], &["from any on TCP/443"], &[]);
    c.assert_policy("billing/internet-access", &[], &["Ingress"], &["from any on TCP/443"], &[]);
    c.allowed(&[
        ("8.8.8.8", "shop/web", "TCP/443"),
        ("192.168.1.10", "shop/web", "TCP/443"),
        ("outside/client", "shop/web", "TCP/443"),
    ]);
    c.denied(&[
        ("8.8.8.8", "shop/web", "TCP/80"),
        ("8.8.8.8", "shop/db", "TCP/443"),
        ("8.8.8.8", "billing/api", "TCP/443"),
        // A client whose egress is isolated still needs its own allowance.
        ("shop/db", "shop/web", "TCP/443"),
        ("billing/api", "shop/web", "TCP/443"),
        // Ingress only: the target may not open connections out.
        ("shop/web", "8.8.8.8", "TCP/443"),
    ]);

    // Named workloads (so no label by default), from one block only, on all ports.
    let c = internet_ingress_workloads_from();
    c.assert_names(&[
        "billing/default-deny-all",
        "billing/internet-access-partner-api",
        "shop/default-deny-all",
    ]);
    c.assert_policy(
        "billing/internet-access-partner-api",
        &["billing/partner-api"],
        &["Ingress"],
        &["from ip(203.0.113.0/24) on all"],
        &[],
    );
    c.allowed(&[
        ("203.0.113.7", "billing/partner-api", "TCP/443"),
        ("203.0.113.7", "billing/partner-api", "UDP/53"),
    ]);
    c.denied(&[
        ("8.8.8.8", "billing/partner-api", "TCP/443"),
        ("203.0.113.7", "billing/other", "TCP/443"),
        ("203.0.113.7", "shop/web", "TCP/443"),
        // Pod IPs (10.0.0.0/8) are outside the block.
        ("outside/partner-api", "billing/partner-api", "TCP/443"),
    ]);
}

fn internet_ingress_label() -> Case {
    Case::new(
        "
  namespaces: [shop, billing]
  isolation: [Ingress, Egress]
  dns: {enabled: false}
  internet:
    ingress:
      ports: [{port: 443}]",
        Cluster::new()
            .pod("shop/web", "app=web,networking/allow-internet-access=true", "")
            .pod("shop/db", "app=db", "")
            .pod("billing/api", "app=api,networking/allow-internet-access=false", "")
            .pod("outside/client", "", ""),
    )
}

fn internet_ingress_workloads_from() -> Case {
    Case::new(
        "
  namespaces: [shop, billing]
  workloads:
    - name: partner-api
      namespace: billing
      podSelector: {matchLabels: {app: partner-api}}
  internet:
    ingress:
      workloads: [partner-api]
      from: [{cidr: 203.0.113.0/24}]",
        Cluster::new()
            .pod("billing/partner-api", "app=partner-api", "")
            .pod("billing/other", "app=other", "")
            .pod("shop/web", "app=web,networking/allow-internet-access=true", "")
            .pod("outside/partner-api", "app=partner-api", ""),
    )
}

/// `internet.egress`: the source's side only, to the `to` CIDRs (by default everything but the
/// private, shared and link-local ranges: the additions' new default), on `ports`.
#[test]
fn internet_egress_opens_the_sources_side_only() {
    let c = internet_egress();
    c.assert_names(&["shop/default-deny-all", "shop/internet-egress"]);
    c.assert_policy(
        "shop/internet-egress",
        &["shop/updater"],
        &["Egress"],
        &[],
        &["to ip(0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16) on TCP/443"],
    );
    c.allowed(&[("shop/updater", "8.8.8.8", "TCP/443"), ("shop/updater", "203.0.113.7", "TCP/443")]);
    c.denied(&[
        // Link-local (cloud metadata, a node-local DNS cache) and shared addresses are out.
        ("shop/updater", "169.254.169.254", "TCP/443"),
        ("shop/updater", "169.254.20.10", "TCP/443"),
        ("shop/updater", "100.64.0.10", "TCP/443"),
        ("shop/updater", "8.8.8.8", "TCP/80"),
        ("shop/updater", "192.168.1.10", "TCP/443"),
        ("shop/updater", "172.16.5.5", "TCP/443"),
        ("shop/updater", "10.250.0.1", "TCP/443"),
        // Pods have private IPs: the internet is not the cluster.
        ("shop/updater", "outside/web", "TCP/443"),
        ("shop/db", "8.8.8.8", "TCP/443"),
        // Egress only: nothing comes in.
        ("8.8.8.8", "shop/updater", "TCP/443"),
    ]);
}

fn internet_egress() -> Case {
    Case::new(
        "
  namespaces: [shop]
  isolation: [Ingress, Egress]
  dns: {enabled: false}
  internet:
    egress:
      ports: [{port: 443}]",
        Cluster::new()
            .pod("shop/updater", "app=updater,networking/allow-internet-egress=true", "")
            .pod("shop/db", "app=db", "")
            .pod("outside/web", "app=web", ""),
    )
}

/// `hubs[]`: each spoke, in any namespace, and each pod of the hub's namespace with
/// `accessLabel`, to the hub, on `ports`.
#[test]
fn hubs_admit_their_spokes_and_labelled_pods_of_their_namespace() {
    let c = hubs();
    c.assert_names(&[
        "data/allow-postgres-access",
        "data/allow-postgres-access-labelled-egress",
        "data/default-deny-all",
        "orders/allow-postgres-access-from-orders-api-egress",
        "orders/default-deny-all",
    ]);
    c.assert_policy(
        "data/allow-postgres-access",
        &["data/postgres"],
        &["Ingress"],
        &["from ns+pods(orders/api) ns+pods(analytics/reports) pods(data/migrator) on TCP/5432"],
        &[],
    );
    c.assert_policy(
        "orders/allow-postgres-access-from-orders-api-egress",
        &["orders/api"],
        &["Egress"],
        &[],
        &["to ns+pods(data/postgres) on TCP/5432"],
    );
    c.assert_policy(
        "data/allow-postgres-access-labelled-egress",
        &["data/migrator"],
        &["Egress"],
        &[],
        &["to pods(data/postgres) on TCP/5432"],
    );
    c.allowed(&[
        ("orders/api", "data/postgres", "TCP/5432"),
        ("analytics/reports", "data/postgres", "TCP/5432"),
        ("data/migrator", "data/postgres", "TCP/5432"),
    ]);
    c.denied(&[
        ("orders/api", "data/postgres", "TCP/80"),
        ("orders/api", "data/cache", "TCP/5432"),
        ("orders/worker", "data/postgres", "TCP/5432"),
        // Unmanaged, so open on their own side: only the hub's AND peer keeps them out.
        ("analytics/other", "data/postgres", "TCP/5432"),
        ("analytics/orders-api", "data/postgres", "TCP/5432"),
        // The access label counts in the hub's namespace only.
        ("orders/labelled", "data/postgres", "TCP/5432"),
        ("data/cache", "data/postgres", "TCP/5432"),
        ("data/postgres", "orders/api", "TCP/5432"),
    ]);
}

fn hubs() -> Case {
    Case::new(
        "
  namespaces: [data, orders]
  isolation: [Ingress, Egress]
  dns: {enabled: false}
  workloads:
    - name: postgres
      namespace: data
      podSelector: {matchLabels: {app: postgres}}
    - name: orders-api
      namespace: orders
      podSelector: {matchLabels: {app: orders-api}}
    - name: reports
      namespace: analytics
      podSelector: {matchLabels: {app: reports}}
  hubs:
    - workload: postgres
      ports: [{port: 5432}]
      spokes: [orders-api, reports]
      accessLabel: networking/allow-postgres-access",
        Cluster::new()
            .pod("data/postgres", "app=postgres", "")
            .pod("data/migrator", "app=migrator,networking/allow-postgres-access=true", "")
            .pod("data/cache", "app=cache", "")
            .pod("orders/api", "app=orders-api", "")
            .pod("orders/worker", "app=worker", "")
            .pod("orders/labelled", "app=labelled,networking/allow-postgres-access=true", "")
            .pod("analytics/reports", "app=reports", "")
            .pod("analytics/other", "app=other", "")
            .pod("analytics/orders-api", "app=orders-api", ""),
    )
}

/// `servers[]`: the server to the pods with `targetLabel` in any managed namespace, on `ports`
/// (here a named port, resolved on each target).
#[test]
fn servers_reach_labelled_pods_of_managed_namespaces() {
    let c = servers();
    c.assert_policy(
        "shop/allow-scraper-to-access",
        &["shop/web"],
        &["Ingress"],
        &["from ns+pods(monitoring/prometheus) on TCP/metrics"],
        &[],
    );
    c.assert_policy(
        "billing/allow-scraper-to-access",
        &["billing/api"],
        &["Ingress"],
        &["from ns+pods(monitoring/prometheus) on TCP/metrics"],
        &[],
    );
    c.assert_policy(
        "billing/allow-probe-to-access",
        &["billing/api"],
        &["Ingress"],
        &["from ns+pods(shop/probe) on TCP/8080-8089"],
        &[],
    );
    c.assert_policy(
        "shop/allow-probe-to-access-egress",
        &["shop/probe"],
        &["Egress"],
        &[],
        &["to ns+pods(billing/api) on TCP/8080-8089"],
    );
    c.allowed(&[
        ("monitoring/prometheus", "shop/web", "TCP/9090"),
        ("monitoring/prometheus", "billing/api", "TCP/9100"),
        ("shop/probe", "billing/api", "TCP/8085"),
    ]);
    c.denied(&[
        // `metrics` is 9090 on shop/web and 9100 on billing/api.
        ("monitoring/prometheus", "shop/web", "TCP/9100"),
        ("monitoring/prometheus", "billing/api", "TCP/9090"),
        ("monitoring/prometheus", "shop/db", "TCP/9090"),
        ("monitoring/grafana", "shop/web", "TCP/9090"),
        ("shop/probe", "billing/api", "TCP/8443"),
        // Targets count in managed namespaces only; the server's own side says no.
        ("shop/probe", "outside/target", "TCP/8080"),
    ]);
}

fn servers() -> Case {
    Case::new(
        "
  namespaces: [shop, billing]
  isolation: [Ingress, Egress]
  dns: {enabled: false}
  workloads:
    - name: scraper
      namespace: monitoring
      podSelector: {matchLabels: {app: prometheus}}
    - name: probe
      namespace: shop
      podSelector: {matchLabels: {app: probe}}
  servers:
    - workload: scraper
      targetLabel: networking/allow-scraper-to-access
      ports: [{port: metrics}]
    - workload: probe
      targetLabel: example.com/probe
      ports: [{port: 8080, endPort: 8089}]",
        Cluster::new()
            .pod("monitoring/prometheus", "app=prometheus", "")
            .pod("monitoring/grafana", "app=grafana", "")
            .pod("shop/web", "app=web,networking/allow-scraper-to-access=true", "metrics=TCP/9090")
            .pod("shop/db", "app=db", "metrics=TCP/9090")
            .pod("shop/probe", "app=probe", "")
            .pod(
                "billing/api",
                "app=api,networking/allow-scraper-to-access=true,example.com/probe=true",
                "metrics=TCP/9100",
            )
            .pod("outside/target", "app=target,example.com/probe=true", "")
            .pod("delta/target", "app=target,networking/allow-scraper-to-access=true", "metrics=TCP/9090"),
    )
}

/// `connections[]`: `from` to `to` on `ports`, across namespaces (one AND peer) or within one
/// (a pod selector alone); named ports and port ranges.
#[test]
fn connections_allow_their_pair_on_their_ports() {
    let c = connections();
    c.assert_names(&[
        "api/allow-frontend-to-backend",
        "api/default-deny-all",
        "web/allow-frontend-to-backend-egress",
        "web/allow-frontend-to-cache",
        "web/allow-frontend-to-cache-egress",
        "web/allow-ingress-controller-to-frontend",
        "web/default-deny-all",
    ]);
    c.assert_policy(
        "api/allow-frontend-to-backend",
        &["api/backend"],
        &["Ingress"],
        &["from ns+pods(web/frontend) on TCP/9090-9099 UDP/5353"],
        &[],
    );
    c.assert_policy(
        "web/allow-frontend-to-backend-egress",
        &["web/frontend"],
        &["Egress"],
        &[],
        &["to ns+pods(api/backend) on TCP/9090-9099 UDP/5353"],
    );
    c.assert_policy(
        "web/allow-ingress-controller-to-frontend",
        &["web/frontend"],
        &["Ingress"],
        &["from ns+pods(ingress-nginx/controller) on TCP/http"],
        &[],
    );
    c.assert_policy(
        "web/allow-frontend-to-cache",
        &["web/cache"],
        &["Ingress"],
        &["from pods(web/frontend) on TCP/443"],
        &[],
    );
    c.assert_policy(
        "web/allow-frontend-to-cache-egress",
        &["web/frontend"],
        &["Egress"],
        &[],
        &["to pods(web/cache) on TCP/443"],
    );
    c.allowed(&[
        ("web/frontend", "api/backend", "TCP/9090"),
        ("web/frontend", "api/backend", "TCP/9096"),
        ("web/frontend", "api/backend", "UDP/5353"),
        ("web/frontend", "web/cache", "TCP/443"),
        // `http` is 8080 on the frontend.
        ("ingress-nginx/controller", "web/frontend", "TCP/8080"),
    ]);
    c.denied(&[
        ("web/frontend", "api/backend", "TCP/9100"),
        ("web/frontend", "api/backend", "TCP/80"),
        ("web/frontend", "api/backend", "UDP/53"),
        ("web/frontend", "api/backend", "UDP/9090"),
        ("web/frontend", "api/backend-canary", "TCP/9090"),
        ("web/other", "api/backend", "TCP/9090"),
        ("api/frontend", "api/backend", "TCP/9090"),
        ("api/backend", "web/frontend", "TCP/9090"),
        ("ingress-nginx/controller", "web/frontend", "TCP/80"),
        // Open on its own side (unmanaged): only the AND peer keeps it out.
        ("ingress-nginx/other", "web/frontend", "TCP/8080"),
        ("web/frontend", "web/cache", "TCP/80"),
    ]);
}

fn connections() -> Case {
    Case::new(
        "
  namespaces: [web, api]
  isolation: [Ingress, Egress]
  dns: {enabled: false}
  workloads:
    - name: frontend
      namespace: web
      podSelector: {matchLabels: {app: frontend}}
    - name: cache
      namespace: web
      podSelector: {matchLabels: {app: cache}}
    - name: backend
      namespace: api
      podSelector:
        matchLabels: {app: backend}
        matchExpressions: [{key: track, operator: NotIn, values: [canary]}]
    - name: ingress-controller
      namespace: ingress-nginx
      podSelector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}
  connections:
    - from: ingress-controller
      to: frontend
      ports: [{port: http}]
    - from: frontend
      to: backend
      ports: [{port: 9090, endPort: 9099}, {port: 5353, protocol: UDP}]
    - from: frontend
      to: cache
      ports: [{port: 443}]",
        Cluster::new()
            .pod("web/frontend", "app=frontend", "http=TCP/8080")
            .pod("web/cache", "app=cache", "")
            .pod("web/other", "app=other", "")
            .pod("api/backend", "app=backend,track=stable", "")
            .pod("api/backend-canary", "app=backend,track=canary", "")
            .pod("api/frontend", "app=frontend", "")
            .pod("ingress-nginx/controller", "app.kubernetes.io/name=ingress-nginx", "")
            .pod("ingress-nginx/other", "app=other", ""),
    )
}

/// `newWorkloads`: within each managed namespace, labelled pods to every pod and every pod to
/// them, on all ports; never across namespaces.
#[test]
fn new_workloads_talk_to_their_own_namespace_only() {
    let c = new_workloads();
    c.assert_policy(
        "shop/allow-ingress-from-new",
        &["shop/new", "shop/old", "shop/older"],
        &["Ingress"],
        &["from pods(shop/new) on all"],
        &[],
    );
    c.assert_policy(
        "shop/allow-ingress-to-new",
        &["shop/new"],
        &["Ingress"],
        &["from pods(shop/new,shop/old,shop/older) on all"],
        &[],
    );
    c.assert_policy(
        "shop/allow-egress-from-new",
        &["shop/new"],
        &["Egress"],
        &[],
        &["to pods(shop/new,shop/old,shop/older) on all"],
    );
    c.assert_policy(
        "shop/allow-egress-to-new",
        &["shop/new", "shop/old", "shop/older"],
        &["Egress"],
        &[],
        &["to pods(shop/new) on all"],
    );
    c.allowed(&[
        ("shop/new", "shop/old", "TCP/80"),
        ("shop/old", "shop/new", "UDP/53"),
        ("shop/new", "shop/older", "SCTP/80"),
    ]);
    c.denied(&[
        ("shop/old", "shop/older", "TCP/80"),
        ("shop/new", "billing/new", "TCP/80"),
        ("billing/new", "shop/old", "TCP/80"),
        ("outside/x", "shop/new", "TCP/80"),
        ("shop/new", "outside/x", "TCP/80"),
        ("shop/new", "8.8.8.8", "TCP/443"),
    ]);
}

fn new_workloads() -> Case {
    Case::new(
        "
  namespaces: [shop, billing]
  isolation: [Ingress, Egress]
  dns: {enabled: false}
  newWorkloads: {}",
        Cluster::new()
            .pod("shop/new", "app=new,networking/allow-all-connections=true", "")
            .pod("shop/old", "app=old", "")
            .pod("shop/older", "app=older", "")
            .pod("billing/new", "app=new,networking/allow-all-connections=true", "")
            .pod("outside/x", "networking/allow-all-connections=true", ""),
    )
}

/// `namespaceLabel`: namespaces are selected by that label, which on an old cluster is the only
/// one they carry.
#[test]
fn namespace_label_selects_namespaces_on_a_cluster_without_the_automatic_label() {
    let c = namespace_label();
    c.assert_policy(
        "billing/allow-frontend-to-payments",
        &["billing/payments"],
        &["Ingress"],
        &["from ns+pods(shop/frontend) on TCP/8443"],
        &[],
    );
    c.assert_policy(
        "shop/allow-dns-egress",
        &["shop/frontend"],
        &["Egress"],
        &[],
        &["to ns+pods(kube-system/coredns) on UDP/53 TCP/53"],
    );
    c.allowed(&[
        ("shop/frontend", "billing/payments", "TCP/8443"),
        ("billing/payments", "kube-system/coredns", "UDP/53"),
    ]);
    c.denied(&[("billing/payments", "shop/frontend", "TCP/8443")]);
}

fn namespace_label() -> Case {
    Case::new(
        "
  namespaces: [shop, billing]
  isolation: [Ingress, Egress]
  namespaceLabel: networking/namespace
  workloads:
    - name: frontend
      namespace: shop
      podSelector: {matchLabels: {app: frontend}}
    - name: payments
      namespace: billing
      podSelector: {matchLabels: {app: payments}}
  connections:
    - from: frontend
      to: payments
      ports: [{port: 8443}]",
        Cluster::labelling_namespaces_with("networking/namespace")
            .pod("shop/frontend", "app=frontend", "")
            .pod("billing/payments", "app=payments", "")
            .pod("kube-system/coredns", "k8s-app=kube-dns", ""),
    )
}

// ---------------------------------------------------------------------------------------------
// One test per row of the contract's "Additions" table.
// ---------------------------------------------------------------------------------------------

/// `connections[]` with `to: <external>`: the source's egress side only, to the external's
/// `cidrs` (with their `except` ranges), on `ports`; nothing is written on the other side, and
/// a source whose egress is not isolated needs nothing.
#[test]
fn connections_toward_an_external_open_the_sources_side_only() {
    let c = to_external();
    c.assert_names(&[
        "billing/default-deny-all",
        "shop/allow-web-to-payments-api-egress",
        "shop/allow-web-to-smtp-relay-egress",
        "shop/default-deny-all",
    ]);
    c.assert_policy(
        "shop/allow-web-to-payments-api-egress",
        &["shop/web"],
        &["Egress"],
        &[],
        &["to ip(203.0.113.0/24 except 203.0.113.128/25) on TCP/443"],
    );
    c.assert_policy(
        "shop/allow-web-to-smtp-relay-egress",
        &["shop/web"],
        &["Egress"],
        &[],
        &["to ip(8.8.8.8/32) ip(192.168.1.10/32) on TCP/587"],
    );
    c.allowed(&[
        ("shop/web", "203.0.113.7", "TCP/443"),
        ("shop/web", "8.8.8.8", "TCP/587"),
        ("shop/web", "192.168.1.10", "TCP/587"),
        // The source's namespace is not managed: its side is open anyway.
        ("outside/web", "203.0.113.200", "TCP/80"),
    ]);
    c.denied(&[
        ("shop/web", "203.0.113.200", "TCP/443"),
        ("shop/web", "203.0.113.7", "TCP/80"),
        ("shop/web", "8.8.8.8", "TCP/443"),
        ("shop/db", "203.0.113.7", "TCP/443"),
        // Egress side only: the external may not connect back.
        ("203.0.113.7", "shop/web", "TCP/443"),
        ("8.8.8.8", "shop/web", "TCP/587"),
    ]);
    // Ingress isolated only: the source's egress side is open, so nothing is generated.
    let c = to_external_ingress_only();
    c.assert_names(&["shop/default-deny-all"]);
    c.allowed(&[("shop/web", "203.0.113.7", "TCP/443"), ("shop/web", "8.8.8.8", "TCP/80")]);
}

const EXTERNAL_WORKLOADS: &str = "
  workloads:
    - name: web
      namespace: shop
      podSelector: {matchLabels: {app: web}}
    - name: outside-web
      namespace: outside
      podSelector: {matchLabels: {app: web}}
  externals:
    - name: payments-api
      cidrs: [{cidr: 203.0.113.0/24, except: [203.0.113.128/25]}]
    - name: smtp-relay
      cidrs: [{cidr: 8.8.8.8/32}, {cidr: 192.168.1.10/32}]";

fn external_cluster() -> Cluster {
    Cluster::new()
        .pod("shop/web", "app=web", "https=TCP/443")
        .pod("shop/db", "app=db", "")
        .pod("billing/api", "app=api", "")
        .pod("outside/web", "app=web", "")
}

fn to_external() -> Case {
    Case::new(
        &format!(
            "
  namespaces: [shop, billing]
  isolation: [Ingress, Egress]
  dns: {{enabled: false}}{EXTERNAL_WORKLOADS}
  connections:
    - {{from: web, to: payments-api, ports: [{{port: 443}}]}}
    - {{from: web, to: smtp-relay, ports: [{{port: 587}}]}}
    - {{from: outside-web, to: payments-api}}"
        ),
        external_cluster(),
    )
}

fn to_external_ingress_only() -> Case {
    Case::new(
        &format!(
            "
  namespaces: [shop]
  dns: {{enabled: false}}{EXTERNAL_WORKLOADS}
  connections:
    - {{from: web, to: payments-api, ports: [{{port: 443}}]}}"
        ),
        external_cluster(),
    )
}

/// `connections[]` with `from: <external>`: the destination's ingress side only, from the
/// external's `cidrs`, on `ports`; nothing when the destination is not managed.
#[test]
fn connections_from_an_external_open_the_destinations_side_only() {
    let c = from_external();
    c.assert_names(&["billing/default-deny-all", "shop/allow-payments-api-to-web", "shop/default-deny-all"]);
    c.assert_policy(
        "shop/allow-payments-api-to-web",
        &["shop/web"],
        &["Ingress"],
        &["from ip(203.0.113.0/24 except 203.0.113.128/25) on TCP/8443"],
        &[],
    );
    c.allowed(&[
        ("203.0.113.7", "shop/web", "TCP/8443"),
        // An unmanaged destination admits everything on its own side.
        ("8.8.8.8", "outside/web", "TCP/80"),
    ]);
    c.denied(&[
        ("203.0.113.200", "shop/web", "TCP/8443"),
        ("203.0.113.7", "shop/web", "TCP/443"),
        ("203.0.113.7", "shop/db", "TCP/8443"),
        ("8.8.8.8", "shop/web", "TCP/8443"),
        // Ingress side only: the destination may not connect out to the external.
        ("shop/web", "203.0.113.7", "TCP/8443"),
    ]);
}

fn from_external() -> Case {
    Case::new(
        &format!(
            "
  namespaces: [shop, billing]
  isolation: [Ingress, Egress]
  dns: {{enabled: false}}{EXTERNAL_WORKLOADS}
  connections:
    - {{from: payments-api, to: web, ports: [{{port: 8443}}]}}
    - {{from: smtp-relay, to: outside-web}}"
        ),
        external_cluster(),
    )
}

/// `connections[]` with lists: every pair of the cross product, each as a single connection
/// would be, with the names a single connection would have.
#[test]
fn connections_with_lists_are_every_pair_of_the_cross_product() {
    let c = connection_lists();
    c.assert_names(&[
        "api/allow-web-to-backend",
        "api/allow-web-to-reports",
        "api/allow-worker-to-backend",
        "api/allow-worker-to-reports",
        "api/default-deny-all",
        "web/allow-web-to-backend-egress",
        "web/allow-web-to-payments-api-egress",
        "web/allow-web-to-reports-egress",
        "web/allow-worker-to-backend-egress",
        "web/allow-worker-to-payments-api-egress",
        "web/allow-worker-to-reports-egress",
        "web/default-deny-all",
    ]);
    c.assert_policy(
        "api/allow-worker-to-reports",
        &["api/reports"],
        &["Ingress"],
        &["from ns+pods(web/worker) on TCP/8080"],
        &[],
    );
    c.assert_policy(
        "web/allow-worker-to-backend-egress",
        &["web/worker"],
        &["Egress"],
        &[],
        &["to ns+pods(api/backend) on TCP/8080"],
    );
    c.assert_policy(
        "web/allow-worker-to-payments-api-egress",
        &["web/worker"],
        &["Egress"],
        &[],
        &["to ip(203.0.113.0/24) on TCP/443"],
    );
    c.allowed(&[
        ("web/web", "api/backend", "TCP/8080"),
        ("web/web", "api/reports", "TCP/8080"),
        ("web/worker", "api/backend", "TCP/8080"),
        ("web/worker", "api/reports", "TCP/8080"),
        ("web/web", "203.0.113.7", "TCP/443"),
        ("web/worker", "203.0.113.200", "TCP/443"),
    ]);
    c.denied(&[
        ("web/web", "api/backend", "TCP/443"),
        ("web/other", "api/backend", "TCP/8080"),
        ("api/backend", "api/reports", "TCP/8080"),
        ("web/worker", "203.0.113.7", "TCP/8080"),
        ("web/other", "203.0.113.7", "TCP/443"),
    ]);

    // Two entries turned into one list: the same policies, byte for byte.
    let head = "
  namespaces: [web, api]
  isolation: [Ingress, Egress]
  dns: {enabled: false}
  workloads:
    - {name: web, namespace: web, podSelector: {matchLabels: {app: web}}}
    - {name: worker, namespace: web, podSelector: {matchLabels: {app: worker}}}
    - {name: backend, namespace: api, podSelector: {matchLabels: {app: backend}}}
  externals:
    - {name: payments-api, cidrs: [{cidr: 203.0.113.0/24}]}
  connections:";
    let entries = generate(&intent(&format!(
        "{head}
    - {{from: web, to: backend, ports: [{{port: 8080}}]}}
    - {{from: worker, to: backend, ports: [{{port: 8080}}]}}
    - {{from: web, to: payments-api, ports: [{{port: 443}}]}}
    - {{from: worker, to: payments-api, ports: [{{port: 443}}]}}"
    )));
    let lists = generate(&intent(&format!(
        "{head}
    - {{from: [web, worker], to: backend, ports: [{{port: 8080}}]}}
    - {{from: [web, worker], to: payments-api, ports: [{{port: 443}}]}}"
    )));
    assert_eq!(
        netpol_intent::policy::render::to_yaml(&lists),
        netpol_intent::policy::render::to_yaml(&entries),
        "turning entries into a list renames and changes nothing"
    );
}

fn connection_lists() -> Case {
    Case::new(
        "
  namespaces: [web, api]
  isolation: [Ingress, Egress]
  dns: {enabled: false}
  workloads:
    - {name: web, namespace: web, podSelector: {matchLabels: {app: web}}}
    - {name: worker, namespace: web, podSelector: {matchLabels: {app: worker}}}
    - {name: backend, namespace: api, podSelector: {matchLabels: {app: backend}}}
    - {name: reports, namespace: api, podSelector: {matchLabels: {app: reports}}}
  externals:
    - {name: payments-api, cidrs: [{cidr: 203.0.113.0/24}]}
  connections:
    - from: [web, worker]
      to: [backend, reports]
      ports: [{port: 8080}]
    - from: [worker, web]
      to: payments-api
      ports: [{port: 443}]",
        Cluster::new()
            .pod("web/web", "app=web", "")
            .pod("web/worker", "app=worker", "")
            .pod("web/other", "app=other", "")
            .pod("api/backend", "app=backend", "")
            .pod("api/reports", "app=reports", ""),
    )
}

/// `servers[]` with `scope: all`: the server reaches labelled pods in every namespace; its
/// egress side selects them anywhere, their ingress sides are written in managed namespaces
/// only (unmanaged ones are open on their own side).
#[test]
fn servers_with_scope_all_reach_labelled_pods_in_every_namespace() {
    let c = servers_scope_all();
    c.assert_names(&[
        "monitoring/allow-scraper-to-access",
        "monitoring/allow-scraper-to-access-egress",
        "monitoring/default-deny-all",
        "shop/allow-scraper-to-access",
        "shop/default-deny-all",
    ]);
    c.assert_policy(
        "monitoring/allow-scraper-to-access-egress",
        &["monitoring/prometheus"],
        &["Egress"],
        &[],
        &["to ns+pods(shop/web,outside/target,kube-system/dns,delta/target) on TCP/9090"],
    );
    c.assert_policy(
        "shop/allow-scraper-to-access",
        &["shop/web"],
        &["Ingress"],
        &["from ns+pods(monitoring/prometheus) on TCP/9090"],
        &[],
    );
    c.allowed(&[
        ("monitoring/prometheus", "shop/web", "TCP/9090"),
        ("monitoring/prometheus", "outside/target", "TCP/9090"),
        ("monitoring/prometheus", "kube-system/dns", "TCP/9090"),
    ]);
    c.denied(&[
        ("monitoring/prometheus", "outside/target", "TCP/80"),
        ("monitoring/prometheus", "outside/other", "TCP/9090"),
        ("monitoring/prometheus", "shop/db", "TCP/9090"),
        ("monitoring/grafana", "outside/target", "TCP/9090"),
        ("monitoring/prometheus", "8.8.8.8", "TCP/9090"),
    ]);
}

fn servers_scope_all() -> Case {
    Case::new(
        "
  namespaces: [shop, monitoring]
  isolation: [Ingress, Egress]
  dns: {enabled: false}
  workloads:
    - name: scraper
      namespace: monitoring
      podSelector: {matchLabels: {app: prometheus}}
  servers:
    - workload: scraper
      targetLabel: networking/allow-scraper-to-access
      scope: all
      ports: [{port: 9090}]",
        Cluster::new()
            .pod("monitoring/prometheus", "app=prometheus", "")
            .pod("monitoring/grafana", "app=grafana", "")
            .pod("shop/web", "app=web,networking/allow-scraper-to-access=true", "")
            .pod("shop/db", "app=db,networking/allow-scraper-to-access=false", "")
            .pod("outside/target", "app=target,networking/allow-scraper-to-access=true", "")
            .pod("outside/other", "app=other", "")
            .pod("kube-system/dns", "k8s-app=kube-dns,networking/allow-scraper-to-access=true", "")
            .pod("delta/target", "app=target,networking/allow-scraper-to-access=true", ""),
    )
}

/// `dns.cidrs`: every pod of every managed namespace may reach those addresses on the DNS
/// ports, egress side only, in the `allow-dns-egress` policy beside the DNS pods.
#[test]
fn dns_cidrs_open_every_managed_pods_egress_to_those_addresses() {
    let c = dns_cidrs();
    c.assert_names(&[
        "billing/allow-dns-egress",
        "billing/default-deny-all",
        "shop/allow-dns-egress",
        "shop/default-deny-all",
    ]);
    c.assert_policy(
        "shop/allow-dns-egress",
        &["shop/web", "shop/db"],
        &["Egress"],
        &[],
        &["to ns+pods(kube-system/coredns) ip(169.254.20.10/32) on UDP/53 TCP/53"],
    );
    c.allowed(&[
        ("shop/web", "169.254.20.10", "UDP/53"),
        ("billing/pay", "169.254.20.10", "TCP/53"),
        ("shop/db", "kube-system/coredns", "UDP/53"),
    ]);
    c.denied(&[
        ("shop/web", "169.254.20.10", "TCP/80"),
        ("shop/web", "169.254.169.254", "UDP/53"),
        ("shop/web", "8.8.8.8", "UDP/53"),
        // Egress side only: the cache is no client of the pods.
        ("169.254.20.10", "shop/web", "UDP/53"),
    ]);
    // Ingress isolated only: egress is open, nothing is generated for DNS.
    let c = dns_cidrs_ingress_only();
    c.assert_names(&["shop/default-deny-all"]);
    c.allowed(&[("shop/web", "169.254.20.10", "UDP/53"), ("shop/web", "8.8.8.8", "TCP/80")]);
}

fn dns_cidrs() -> Case {
    Case::new(
        "
  namespaces: [shop, billing]
  isolation: [Ingress, Egress]
  dns:
    cidrs: [{cidr: 169.254.20.10/32}]",
        Cluster::new()
            .pod("shop/web", "app=web", "")
            .pod("shop/db", "app=db", "")
            .pod("billing/pay", "app=pay", "")
            .pod("kube-system/coredns", "k8s-app=kube-dns", ""),
    )
}

fn dns_cidrs_ingress_only() -> Case {
    Case::new(
        "
  namespaces: [shop]
  dns:
    cidrs: [{cidr: 169.254.20.10/32}]",
        Cluster::new().pod("shop/web", "app=web", "").pod("kube-system/coredns", "k8s-app=kube-dns", ""),
    )
}

/// Every row case, by builder name, for the mutation checks.
fn row_cases() -> Vec<(&'static str, Case)> {
    vec![
        ("baseline_ingress_only", baseline_ingress_only()),
        ("baseline_both_directions", baseline_both_directions()),
        ("baseline_egress_only", baseline_egress_only()),
        ("same_namespace", same_namespace()),
        ("dns_default", dns_default()),
        ("dns_managed_named_port", dns_managed_named_port()),
        ("internet_ingress_label", internet_ingress_label()),
        ("internet_ingress_workloads_from", internet_ingress_workloads_from()),
        ("internet_egress", internet_egress()),
        ("hubs", hubs()),
        ("servers", servers()),
        ("connections", connections()),
        ("new_workloads", new_workloads()),
        ("namespace_label", namespace_label()),
        ("to_external", to_external()),
        ("to_external_ingress_only", to_external_ingress_only()),
        ("from_external", from_external()),
        ("connection_lists", connection_lists()),
        ("servers_scope_all", servers_scope_all()),
        ("dns_cidrs", dns_cidrs()),
        ("dns_cidrs_ingress_only", dns_cidrs_ingress_only()),
    ]
}
