//! The exhaustive comparison: for the shipped examples and 200 random intents, each with a
//! cluster built to probe it, the policies (as generated and as rendered to YAML) allow exactly
//! what the oracle says, between every two endpoints on every port case.

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::check;
use super::cluster::Cluster;
use super::oracle::{Intent, Spec};
use super::random;

/// How many random intents the exhaustive comparison uses.
const RANDOM_INTENTS: u64 = 200;

/// The shipped examples, by directory name, then `random-<n>` intents.
fn corpus(random: u64) -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("intent.yaml").is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(p.join("intent.yaml")).unwrap())
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 3,
        "expected the three examples, found {:?}",
        out.iter().map(|e| &e.0).collect::<Vec<_>>()
    );
    out.extend((0..random).map(|i| (format!("random-{i}"), random::intent(i))));
    out
}

/// An intent with its model cluster and policies.
pub struct Sample {
    pub name: String,
    pub intent: Intent,
    pub cluster: Cluster,
    pub policies: Vec<NetworkPolicy>,
}

/// The examples and the first `random` random intents, each with a cluster built for it.
pub fn samples(random: u64) -> Vec<Sample> {
    corpus(random)
        .into_iter()
        .enumerate()
        .map(|(i, (name, text))| {
            let intent = Intent::parse(&text);
            let cluster = random::cluster(&intent, 1000 + i as u64);
            let policies = crate::generate(&text);
            Sample { name, intent, cluster, policies }
        })
        .collect()
}

#[test]
fn generated_policies_allow_exactly_what_the_intent_says() {
    let samples = samples(RANDOM_INTENTS);
    for s in &samples {
        let problems = check::structural_problems(&s.intent, &s.policies);
        assert!(problems.is_empty(), "{}: {problems:#?}\n{}", s.name, s.intent.text);
        check::assert_exact(&format!("{} as generated", s.name), &s.intent, &s.cluster, &s.policies);
        let rendered = check::through_yaml(&s.policies);
        check::assert_exact(&format!("{} as rendered to YAML", s.name), &s.intent, &s.cluster, &rendered);
    }

    // The random intents must exercise every part of the contract, so that agreeing means
    // something.
    let count = |f: &dyn Fn(&Sample) -> bool| samples.iter().filter(|s| f(s)).count();
    fn spec(s: &Sample) -> &Spec {
        &s.intent.spec
    }
    let egress = |s: &Sample| spec(s).isolation.iter().any(|d| d == "Egress");
    let port = |s: &Sample, f: &dyn Fn(&NetworkPolicyPort) -> bool| s.intent.ports().into_iter().any(f);
    let coverage = [
        ("Ingress only", count(&|s| !egress(s))),
        ("Egress only", count(&|s| !spec(s).isolation.iter().any(|d| d == "Ingress"))),
        ("both directions", count(&|s| egress(s) && spec(s).isolation.len() == 2)),
        ("a custom namespaceLabel", count(&|s| spec(s).namespace_label != "kubernetes.io/metadata.name")),
        ("sameNamespace", count(&|s| spec(s).same_namespace)),
        ("DNS off", count(&|s| !spec(s).dns.enabled)),
        (
            "DNS in a managed namespace",
            count(&|s| spec(s).dns.enabled && s.intent.is_managed(&spec(s).dns.namespace)),
        ),
        (
            "a workload in an unmanaged namespace",
            count(&|s| spec(s).workloads.iter().any(|w| !s.intent.is_managed(&w.namespace))),
        ),
        (
            "internet.ingress with from",
            count(&|s| spec(s).internet.ingress.as_ref().is_some_and(|i| i.from.is_some())),
        ),
        ("internet.egress", count(&|s| spec(s).internet.egress.is_some())),
        ("a hub with accessLabel", count(&|s| spec(s).hubs.iter().any(|h| h.access_label.is_some()))),
        ("a server", count(&|s| !spec(s).servers.is_empty())),
        ("a connection", count(&|s| !spec(s).connections.is_empty())),
        (
            "a connection toward an external",
            count(&|s| {
                spec(s)
                    .connections
                    .iter()
                    .any(|c| c.pairs().iter().any(|(_, t)| s.intent.external(t).is_some()))
            }),
        ),
        (
            "a connection from an external",
            count(&|s| {
                spec(s)
                    .connections
                    .iter()
                    .any(|c| c.pairs().iter().any(|(f, _)| s.intent.external(f).is_some()))
            }),
        ),
        ("a connection with a list", count(&|s| spec(s).connections.iter().any(|c| c.pairs().len() > 1))),
        (
            "a server with scope all",
            count(&|s| spec(s).servers.iter().any(|v| v.scope.as_deref() == Some("all"))),
        ),
        ("dns.cidrs", count(&|s| spec(s).dns.enabled && !spec(s).dns.cidrs.is_empty())),
        (
            "internet.egress with the default to",
            count(&|s| {
                spec(s).internet.egress.as_ref().is_some_and(|e| e.to == super::oracle::public_internet())
            }),
        ),
        ("newWorkloads", count(&|s| spec(s).new_workloads.is_some())),
        ("a named port", count(&|s| port(s, &|p| matches!(p.port, Some(IntOrString::String(_)))))),
        ("a port range", count(&|s| port(s, &|p| p.end_port.is_some()))),
        ("UDP", count(&|s| port(s, &|p| p.protocol.as_deref() == Some("UDP")))),
        ("SCTP", count(&|s| port(s, &|p| p.protocol.as_deref() == Some("SCTP")))),
    ];
    let missing: Vec<&str> = coverage.iter().filter(|(_, n)| *n < 5).map(|(what, _)| *what).collect();
    assert!(missing.is_empty(), "too few intents with {missing:?}: {coverage:?}");

    // And the clusters must hold pods of (nearly) every workload: only a selector that
    // contradicts itself has none.
    let workloads: Vec<(&Sample, &str)> = samples
        .iter()
        .flat_map(|s| s.intent.spec.workloads.iter().map(move |w| (s, w.name.as_str())))
        .collect();
    let empty: Vec<String> = workloads
        .iter()
        .filter(|(s, w)| !random::has_member(&s.intent, &s.cluster, w))
        .map(|(s, w)| format!("{}/{w}", s.name))
        .collect();
    assert!(empty.len() * 20 <= workloads.len(), "workloads without pods: {empty:?}");
}
