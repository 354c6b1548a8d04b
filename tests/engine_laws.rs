//! The engine against an independent reading and against simple laws.
//!
//! - Cross-check: on 100 random intents (their generated policies) and 300 random hand-written
//!   policy sets, the engine allows exactly what the brute-force evaluator of
//!   `tests/semantics/evaluator.rs` allows, between every two endpoints of a model cluster on
//!   every port case. The evaluator matches pod IPs against ipBlocks; the engine's assumption
//!   is that ipBlocks never select pods, so the model pods get IPv6 addresses here, which the
//!   IPv4 blocks of these policies never hold — the two models then mean the same.
//! - Laws: adding an allow rule to a direction a policy already isolates never removes a
//!   connection; a pod no policy selects reaches every address and pod whose ingress is open,
//!   and is reached from every address and pod whose egress is open; the order of the policies
//!   changes nothing; the diff of A against B opens what the diff of B against A closes.
//! - Beyond a reference: what rules of a policy set let through beyond another set is what
//!   `explain` says of each side; the workloads a change leaves unreachable are those that
//!   some entry reaches before and none after.

#[allow(dead_code)]
mod semantics {
    pub mod cluster;
    pub mod evaluator;
    pub mod k8s;
    pub mod oracle;
    pub mod random;
}

use k8s_openapi::api::networking::v1::NetworkPolicy;
use netpol_intent::engine::delta::diff;
use netpol_intent::engine::explain::{explain, End, Side};
use netpol_intent::engine::workloads::{ContainerPort, Namespace, Workload};
use netpol_intent::engine::{self, ConnSet, Connectivity, Protocol, Workloads};
use semantics::cluster::{labels, named_ports, Cluster};
use semantics::evaluator::Network;
use semantics::k8s;
use semantics::random::Rng;
use serde_json::{json, Value};

/// The model cluster as the engine's workloads.
fn to_engine(model: &Cluster) -> Workloads {
    let namespaces =
        model.namespaces.iter().map(|n| Namespace { name: n.name.clone(), labels: n.labels.clone() });
    let workloads = model.endpoints.iter().filter(|e| e.is_pod()).map(|e| {
        let (ns, name) = e.name.split_once('/').unwrap();
        let ports = e
            .ports
            .iter()
            .map(|p| ContainerPort {
                name: Some(p.name.clone()),
                protocol: Protocol::parse(p.protocol).unwrap(),
                number: p.number as u16,
            })
            .collect();
        Workload {
            namespace: ns.into(),
            name: name.into(),
            kind: "Pod".into(),
            labels: e.labels.clone(),
            ports,
            selector: None,
            owned: false,
        }
    });
    Workloads::new(namespaces.collect(), workloads.collect())
}

/// The cluster with its pods on IPv6 addresses, which IPv4 blocks never hold.
fn pods_off_ipv4(mut model: Cluster) -> Cluster {
    for (i, e) in model.endpoints.iter_mut().enumerate().filter(|(_, e)| e.is_pod()) {
        e.ip = format!("fd00::{:x}", i + 1).parse().unwrap();
    }
    model
}

/// Every disagreement between the evaluator and the engine on `policies` in `model`.
fn disagreements(model: &Cluster, policies: &[NetworkPolicy]) -> Vec<String> {
    let model = pods_off_ipv4(model.clone());
    let net = Network::new(&model, policies);
    let workloads = to_engine(&model);
    let compiled = engine::compile(policies).unwrap_or_else(|e| panic!("{e:?}"));
    let cluster = engine::Cluster::new(workloads);
    let conn = Connectivity::compute(&cluster, &compiled);
    let w = |i: usize| cluster.workloads.find(&model.endpoints[i].name);
    let mut out = Vec::new();
    let n = model.endpoints.len();
    for (i, j) in (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).filter(|(i, j)| i != j) {
        let got: ConnSet = match (w(i), w(j)) {
            (Some(s), Some(d)) => conn.between(s, d).clone(),
            (Some(s), None) => find(conn.to_addresses(s), model.endpoints[j].ip),
            (None, Some(d)) => find(conn.from_addresses(d), model.endpoints[i].ip),
            (None, None) => continue,
        };
        let mask = net.mask(i, j);
        for (bit, case) in model.port_cases.iter().enumerate() {
            let expected = mask & (1 << bit) != 0;
            let protocol = Protocol::parse(case.protocol).unwrap();
            if got.contains(protocol, case.port as u16) != expected {
                let (s, d) = (&model.endpoints[i].name, &model.endpoints[j].name);
                out.push(format!("{s} -> {d} on {case}: evaluator {expected}, engine {got}"));
            }
        }
    }
    out
}

fn find(sets: Vec<(engine::IpSet, &ConnSet)>, ip: std::net::IpAddr) -> ConnSet {
    sets.into_iter().find(|(s, _)| s.contains(ip)).map(|(_, c)| c.clone()).unwrap_or_default()
}

#[test]
fn the_engine_agrees_with_the_evaluator_on_generated_policies() {
    for i in 0..100 {
        let text = semantics::random::intent(i);
        let intent = semantics::oracle::Intent::parse(&text);
        let model = semantics::random::cluster(&intent, i);
        let policies = netpol_intent::generate(&text).expect("a valid random intent");
        let bad = disagreements(&model, &policies);
        assert!(bad.is_empty(), "random intent {i}:\n{}\n{text}", bad[..bad.len().min(20)].join("\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// Random hand-written policy sets
// ---------------------------------------------------------------------------------------------

const NAMESPACES: [&str; 3] = ["alpha", "beta", "gamma"];
const KEYS: [(&str, &[&str]); 3] =
    [("app", &["web", "db", "api"]), ("tier", &["front", "back"]), ("track", &["canary"])];
const PORTS: [&str; 10] = [
    r#"{"port": 80}"#,
    r#"{"port": 8080, "endPort": 8089}"#,
    r#"{"port": "http"}"#,
    r#"{"port": "dns", "protocol": "UDP"}"#,
    r#"{"protocol": "UDP"}"#,
    r#"{"port": 53, "protocol": "UDP"}"#,
    r#"{"port": 9090, "protocol": "SCTP"}"#,
    r#"{"protocol": "SCTP"}"#,
    r#"{"port": "metrics"}"#,
    r#"{"port": 443}"#,
];
const BLOCKS: [&str; 5] = [
    r#"{"cidr": "0.0.0.0/0"}"#,
    r#"{"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "192.168.0.0/16"]}"#,
    r#"{"cidr": "8.8.8.8/32"}"#,
    r#"{"cidr": "192.168.1.77/24"}"#,
    r#"{"cidr": "10.0.0.0/8", "except": ["10.250.0.0/16"]}"#,
];

/// A random label selector over `keys`: matchLabels and one expression of any operator.
fn selector(rng: &mut Rng, keys: &[(&str, &[&str])]) -> Value {
    let mut sel = serde_json::Map::new();
    let (key, values) = *rng.pick(keys);
    if rng.chance(50) {
        sel.insert("matchLabels".into(), json!({key: rng.pick(values)}));
    }
    if rng.chance(50) {
        let (key, values) = *rng.pick(keys);
        let expr = match rng.below(4) {
            0 => json!({"key": key, "operator": "In", "values": [rng.pick(values)]}),
            1 => json!({"key": key, "operator": "NotIn", "values": [rng.pick(values)]}),
            2 => json!({"key": key, "operator": "Exists"}),
            _ => json!({"key": key, "operator": "DoesNotExist"}),
        };
        sel.insert("matchExpressions".into(), json!([expr]));
    }
    Value::Object(sel)
}

fn namespace_selector(rng: &mut Rng) -> Value {
    let names: Vec<&str> = NAMESPACES.to_vec();
    match rng.below(3) {
        0 => json!({}),
        1 => json!({"matchLabels": {"kubernetes.io/metadata.name": rng.pick(&names)}}),
        _ => selector(rng, &[("team", &["red", "blue"])]),
    }
}

fn peer(rng: &mut Rng) -> Value {
    match rng.below(4) {
        0 => json!({"podSelector": selector(rng, &KEYS)}),
        1 => json!({"namespaceSelector": namespace_selector(rng)}),
        2 => json!({"namespaceSelector": namespace_selector(rng), "podSelector": selector(rng, &KEYS)}),
        _ => {
            let block = *rng.pick(&BLOCKS);
            json!({"ipBlock": serde_json::from_str::<Value>(block).unwrap()})
        }
    }
}

/// `None`, `[]` or a few of `item`.
fn list(rng: &mut Rng, item: impl Fn(&mut Rng) -> Value) -> Option<Value> {
    match rng.below(5) {
        0 => None,
        1 => Some(json!([])),
        _ => Some(Value::Array((0..1 + rng.below(3)).map(|_| item(&mut *rng)).collect())),
    }
}

fn rule(rng: &mut Rng, peers: &str) -> Value {
    let mut r = serde_json::Map::new();
    if let Some(p) = list(rng, peer) {
        r.insert(peers.into(), p);
    }
    let port = |rng: &mut Rng| {
        let p = *rng.pick(&PORTS);
        serde_json::from_str(p).unwrap()
    };
    if let Some(p) = list(rng, port) {
        r.insert("ports".into(), p);
    }
    Value::Object(r)
}

fn random_policies(rng: &mut Rng) -> Vec<NetworkPolicy> {
    (0..1 + rng.below(6))
        .map(|i| {
            let mut spec = serde_json::Map::new();
            spec.insert("podSelector".into(), if rng.chance(30) { json!({}) } else { selector(rng, &KEYS) });
            let types =
                [json!(null), json!([]), json!(["Ingress"]), json!(["Egress"]), json!(["Ingress", "Egress"])];
            let t = rng.pick(&types).clone();
            if !t.is_null() {
                spec.insert("policyTypes".into(), t);
            }
            if let Some(rules) = list(rng, |rng| rule(rng, "from")) {
                spec.insert("ingress".into(), rules);
            }
            if let Some(rules) = list(rng, |rng| rule(rng, "to")) {
                spec.insert("egress".into(), rules);
            }
            let ns = rng.pick(&NAMESPACES).to_string();
            serde_json::from_value(json!({
                "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": format!("p{i}"), "namespace": ns}, "spec": spec
            }))
            .unwrap()
        })
        .collect()
}

/// Eight pods over the three namespaces (and `omega`, which no policy is in), with labels from
/// [`KEYS`] and named ports.
fn random_cluster(rng: &mut Rng, policies: &[NetworkPolicy]) -> Cluster {
    let mut c = Cluster::new().namespace_label("alpha", "team=red").namespace_label("beta", "team=blue");
    let ports =
        ["http=TCP/8080", "http=TCP/80,dns=UDP/53", "dns=UDP/5353,metrics=TCP/9090", "http=UDP/80", ""];
    for i in 0..8 {
        let ns = if i == 7 { "omega" } else { rng.pick(&NAMESPACES) };
        let mut l: Vec<String> = Vec::new();
        for (k, values) in KEYS {
            if rng.chance(60) {
                l.push(format!("{k}={}", rng.pick(values)));
            }
        }
        let p = *rng.pick(&ports);
        c.add_pod(&format!("{ns}/pod{i}"), labels(&l.join(",")), named_ports(p));
    }
    let mut c = c.with_externals();
    let all: Vec<_> = policies
        .iter()
        .flat_map(|p| {
            let s = p.spec.as_ref().unwrap();
            let ingress = s.ingress.iter().flatten().flat_map(|r| r.ports.iter().flatten());
            let egress = s.egress.iter().flatten().flat_map(|r| r.ports.iter().flatten());
            ingress.chain(egress).cloned().collect::<Vec<_>>()
        })
        .collect();
    c.port_cases = k8s::probes(&all);
    c
}

fn samples() -> Vec<(Cluster, Vec<NetworkPolicy>)> {
    let mut rng = Rng::new(20261201);
    (0..300)
        .map(|_| {
            let policies = random_policies(&mut rng);
            (random_cluster(&mut rng, &policies), policies)
        })
        .collect()
}

fn yaml(policies: &[NetworkPolicy]) -> String {
    netpol_intent::policy::render::to_yaml(policies)
}

#[test]
fn the_engine_agrees_with_the_evaluator_on_hand_written_policies() {
    for (i, (model, policies)) in samples().iter().enumerate() {
        let bad = disagreements(model, policies);
        assert!(bad.is_empty(), "sample {i}:\n{}\n{}", bad[..bad.len().min(20)].join("\n"), yaml(policies));
    }
}

// ---------------------------------------------------------------------------------------------
// Laws
// ---------------------------------------------------------------------------------------------

fn entries(workloads: &Workloads, policies: &[NetworkPolicy]) -> String {
    let cluster = engine::Cluster::new(workloads.clone());
    let conn = Connectivity::compute(&cluster, &engine::compile(policies).unwrap());
    netpol_intent::connreport::json::entries(workloads, &conn.entries())
}

#[test]
fn the_order_of_the_policies_changes_nothing() {
    let mut rng = Rng::new(7);
    for (model, policies) in samples() {
        let workloads = to_engine(&model);
        let mut shuffled = policies.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        assert_eq!(entries(&workloads, &policies), entries(&workloads, &shuffled), "{}", yaml(&policies));
    }
}

#[test]
fn adding_an_allow_rule_never_removes_a_connection() {
    let mut rng = Rng::new(11);
    let mut tried = 0;
    for (model, policies) in samples() {
        let workloads = to_engine(&model);
        let cluster = engine::Cluster::new(workloads);
        let before = engine::compile(&policies).unwrap();
        let mut wider = policies.clone();
        let i = rng.below(wider.len());
        let types = semantics::evaluator::effective_types(&wider[i]);
        let spec = wider[i].spec.as_mut().unwrap();
        // Only to a direction the policy isolates already: a first egress rule on a policy without
        // policyTypes would isolate egress, which is no allowance.
        if types.iter().any(|t| t == "Ingress") && rng.chance(50) {
            let r = serde_json::from_value(rule(&mut rng, "from")).unwrap();
            spec.ingress.get_or_insert_with(Vec::new).push(r);
        } else if types.iter().any(|t| t == "Egress") {
            let r = serde_json::from_value(rule(&mut rng, "to")).unwrap();
            spec.egress.get_or_insert_with(Vec::new).push(r);
        } else {
            continue;
        }
        tried += 1;
        let after = engine::compile(&wider).unwrap();
        let (a, b) = (Connectivity::compute(&cluster, &before), Connectivity::compute(&cluster, &after));
        let delta = diff(&a, &b);
        assert!(
            delta.closed.is_empty(),
            "{:?}\nbefore:\n{}\nafter:\n{}",
            delta.closed,
            yaml(&policies),
            yaml(&wider)
        );
        assert_eq!(diff(&b, &a).opened, delta.closed);
        assert_eq!(diff(&b, &a).closed, delta.opened);
    }
    assert!(tried > 200, "the law was tried {tried} times");
}

#[test]
fn a_pod_no_policy_selects_reaches_and_is_reached_wherever_the_other_side_is_open() {
    for (model, policies) in samples() {
        let workloads = to_engine(&model);
        let compiled = engine::compile(&policies).unwrap();
        let cluster = engine::Cluster::new(workloads.clone());
        let conn = Connectivity::compute(&cluster, &compiled);
        let w = &workloads.workloads;
        let open = |s: &Side| matches!(s, Side::Open);
        for (u, pod) in w.iter().enumerate() {
            let e =
                explain(&workloads, &compiled, End::Workload(pod), End::Address("8.8.8.8".parse().unwrap()));
            let f =
                explain(&workloads, &compiled, End::Address("8.8.8.8".parse().unwrap()), End::Workload(pod));
            if !open(&e.egress) || !open(&f.ingress) {
                continue;
            }
            assert!(conn.to_addresses(u).iter().all(|(_, c)| c.is_all()), "{} to addresses", pod.id());
            assert_eq!(conn.to_addresses(u).len(), 1, "{}: one set, every address", pod.id());
            assert_eq!(conn.from_addresses(u).len(), 1, "{}: from every address", pod.id());
            for (x, other) in w.iter().enumerate().filter(|(x, _)| *x != u) {
                let out = explain(&workloads, &compiled, End::Workload(pod), End::Workload(other));
                if open(&out.ingress) {
                    assert!(conn.between(u, x).is_all(), "{} -> {}", pod.id(), other.id());
                }
                let back = explain(&workloads, &compiled, End::Workload(other), End::Workload(pod));
                if open(&back.egress) {
                    assert!(conn.between(x, u).is_all(), "{} -> {}", other.id(), pod.id());
                }
            }
        }
        // `omega/pod7` is in a namespace without policies: never selected.
        let omega = workloads.find("omega/pod7").unwrap();
        assert_eq!(conn.from_addresses(omega).len(), 1);
    }
}

/// What `beyond` finds a current set lets through beyond a reference is, for every pair of
/// workloads and for addresses, what `explain` says: the allowed connections that a side the
/// current policies isolate admits where the reference's side does not; and each rule it
/// names admits some of them.
#[test]
fn what_rules_let_through_beyond_a_reference_is_what_explain_says_of_each_side() {
    use netpol_intent::engine::beyond::beyond;
    let samples = samples();
    let ip: std::net::IpAddr = "10.1.2.3".parse().unwrap();
    let mut found = 0;
    for (i, (model, policies)) in samples.iter().enumerate() {
        let workloads = to_engine(model);
        let current = engine::compile(policies).unwrap();
        let reference = engine::compile(&samples[(i + 1) % samples.len()].1).unwrap();
        let cluster = engine::Cluster::new(workloads.clone());
        let net = Connectivity::compute(&cluster, &current);
        let all: Vec<usize> = (0..current.len()).collect();
        let beyond = beyond(&net, &current, &all, &reference);
        let w = &workloads.workloads;
        let expected = |src: End, dst: End, allowed: &ConnSet| {
            let (now, theirs) =
                (explain(&workloads, &current, src, dst), explain(&workloads, &reference, src, dst));
            let side = |mine: &Side, theirs: &Side| match mine {
                Side::Isolated { .. } => allowed.minus(&theirs.admitted()),
                _ => ConnSet::none(),
            };
            side(&now.ingress, &theirs.ingress).union(&side(&now.egress, &theirs.egress))
        };
        let got = |src: &engine::Endpoint, dst: &engine::Endpoint| -> ConnSet {
            let holds = |e: &engine::Endpoint, x: &engine::Endpoint| match (e, x) {
                (engine::Endpoint::Workload(a), engine::Endpoint::Workload(b)) => a == b,
                (engine::Endpoint::Addresses(set), engine::Endpoint::Addresses(one)) => {
                    one.ranges().all(|r| set.contains(r.first()))
                }
                _ => false,
            };
            let hit = beyond.iter().find(|b| holds(&b.entry.src, src) && holds(&b.entry.dst, dst));
            hit.map_or(ConnSet::none(), |b| b.entry.conns.clone())
        };
        for (s, a) in w.iter().enumerate() {
            for (d, b) in w.iter().enumerate().filter(|(d, _)| *d != s) {
                let want = expected(End::Workload(a), End::Workload(b), net.between(s, d));
                let (src, dst) = (engine::Endpoint::Workload(s), engine::Endpoint::Workload(d));
                assert_eq!(got(&src, &dst), want, "sample {i}: {} -> {}\n{}", a.id(), b.id(), yaml(policies));
                found += usize::from(!want.is_empty());
            }
            let address = engine::Endpoint::Addresses(engine::IpSet::single(ip));
            let out = find(net.to_addresses(s), ip);
            assert_eq!(
                got(&engine::Endpoint::Workload(s), &address),
                expected(End::Workload(a), End::Address(ip), &out)
            );
            let inc = find(net.from_addresses(s), ip);
            assert_eq!(
                got(&address, &engine::Endpoint::Workload(s)),
                expected(End::Address(ip), End::Workload(a), &inc)
            );
        }
        for b in &beyond {
            assert!(!b.by.is_empty() && !b.entry.conns.is_empty(), "sample {i}: {b:?}");
        }
    }
    assert!(found > 300, "the law saw {found} connections let through");
}

#[test]
fn a_workload_is_left_unreachable_when_entries_reach_it_before_and_none_after() {
    let samples = samples();
    let mut seen = 0;
    for (i, (model, policies)) in samples.iter().enumerate() {
        let cluster = engine::Cluster::new(to_engine(model));
        let before = engine::compile(policies).unwrap();
        let after = engine::compile(&samples[(i + 1) % samples.len()].1).unwrap();
        let (a, b) = (Connectivity::compute(&cluster, &before), Connectivity::compute(&cluster, &after));
        let reached = |net: &Connectivity| -> std::collections::BTreeSet<usize> {
            net.entries()
                .iter()
                .filter_map(|e| match e.dst {
                    engine::Endpoint::Workload(d) => Some(d),
                    _ => None,
                })
                .collect()
        };
        let expected: Vec<usize> = reached(&a).difference(&reached(&b)).copied().collect();
        assert_eq!(netpol_intent::engine::delta::unreachable(&a, &b), expected, "sample {i}");
        seen += expected.len();
    }
    assert!(seen > 20, "the law saw {seen} workloads left unreachable");
}

// ---------------------------------------------------------------------------------------------
// verify's reading of the contract against the generator
// ---------------------------------------------------------------------------------------------

/// Every intent file of the examples and the tests (but the invalid ones), by path.
fn intent_files() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && !p.ends_with("tests/errors") {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                out.push(p);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("examples"), &mut files);
    walk(&root.join("tests"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let valid = text.contains("\nkind: NetworkIntent") && netpol_intent::load(&text).is_ok();
            valid.then(|| (p.strip_prefix(root).unwrap().display().to_string(), text))
        })
        .collect()
}

#[test]
fn verify_agrees_with_the_generator_on_every_example_and_test_intent() {
    let mut intents = intent_files();
    assert!(intents.len() >= 20, "expected the examples' and the tests' intents, found {}", intents.len());
    intents.extend((0..100).map(|i| (format!("random intent {i}"), semantics::random::intent(i))));
    for (i, (name, text)) in intents.iter().enumerate() {
        let valid = netpol_intent::load(text).unwrap();
        let intent = semantics::oracle::Intent::parse(text);
        let model = semantics::random::cluster(&intent, i as u64);
        let cluster = engine::Cluster::new(to_engine(&model));
        let policies = engine::compile(&netpol_intent::generate(text).unwrap()).unwrap();
        let conn = Connectivity::compute(&cluster, &policies);
        let delta = netpol_intent::verify::verify(&valid, &conn);
        let report = netpol_intent::connreport::verify::text(&cluster.workloads, name, &delta);
        assert!(delta.is_empty(), "{report}\n{text}");
    }
}
