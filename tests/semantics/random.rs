//! Deterministic pseudo-random intents, and for any intent a cluster with pods that match each
//! of its workloads and labels, near misses, look-alikes in other namespaces, and bystanders.

use serde_json::{json, Value};

use super::cluster::{Cluster, METADATA_NAME};
use super::k8s::{self, Labels, NamedPort};
use super::oracle::Intent;

/// xorshift64: small, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // Never zero; mix the seed so that neighbouring seeds diverge at once.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent`% of the time.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Each item with probability `percent`%, in order.
    pub fn subset<T: Clone>(&mut self, items: &[T], percent: u64) -> Vec<T> {
        items.iter().filter(|_| self.chance(percent)).cloned().collect()
    }
}

/// The namespaces random intents use: the first three may be managed, `delta` never is.
const NAMESPACES: [&str; 4] = ["alpha", "beta", "gamma", "delta"];
/// Label keys and values the workloads select on, shared so that selectors overlap.
const VOCABULARY: [(&str, &[&str]); 3] =
    [("app", &["web", "api", "db"]), ("tier", &["front", "back"]), ("track", &["stable", "canary"])];
/// The label keys that `internet`, `hubs`, `servers` and `newWorkloads` use with "true", few
/// so that one label often serves several of them.
const LABELS: [&str; 3] = ["net.example/a", "net.example/b", "networking/allow-internet-access"];
/// Ports as the intents write them: numbers, ranges, named ports, protocols.
const PORTS: [&str; 12] = [
    r#"{"port": 80}"#,
    r#"{"port": 443}"#,
    r#"{"port": 5432}"#,
    r#"{"port": 8080, "endPort": 8089}"#,
    r#"{"port": "http"}"#,
    r#"{"port": "metrics"}"#,
    r#"{"port": "dns", "protocol": "UDP"}"#,
    r#"{"protocol": "UDP"}"#,
    r#"{"port": 53, "protocol": "UDP"}"#,
    r#"{"port": 9090, "protocol": "SCTP"}"#,
    r#"{"port": 9000, "endPort": 9095}"#,
    r#"{"port": 8443, "protocol": "TCP"}"#,
];
/// Address blocks for `internet.ingress.from` and `internet.egress.to`. Pods of the n-th
/// namespace of a cluster have IPs in 10.n.0.0/16.
const BLOCKS: [&str; 7] = [
    r#"{"cidr": "0.0.0.0/0"}"#,
    r#"{"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}"#,
    r#"{"cidr": "203.0.113.0/24"}"#,
    r#"{"cidr": "10.0.0.0/8", "except": ["10.2.0.0/16"]}"#,
    r#"{"cidr": "8.8.8.8/32"}"#,
    r#"{"cidr": "10.1.0.0/16"}"#,
    r#"{"cidr": "192.168.0.0/16"}"#,
];

/// Address blocks for `externals` and `dns.cidrs`: the internet's, a partner's with a part
/// left out, a node-local DNS cache, and a block that holds pods.
const EXTERNAL_BLOCKS: [&str; 6] = [
    r#"{"cidr": "203.0.113.0/24", "except": ["203.0.113.128/25"]}"#,
    r#"{"cidr": "8.8.8.8/32"}"#,
    r#"{"cidr": "169.254.20.10/32"}"#,
    r#"{"cidr": "100.64.0.0/10"}"#,
    r#"{"cidr": "10.1.0.0/16"}"#,
    r#"{"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}"#,
];

fn parse(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

/// Up to `max` distinct ports, or (`omit`% of the time) none at all: `None` leaves the field out.
fn ports(rng: &mut Rng, max: usize, omit: u64) -> Option<Value> {
    if rng.chance(omit) {
        return None;
    }
    let mut list: Vec<&str> = Vec::new();
    for _ in 0..1 + rng.below(max) {
        let p = *rng.pick(&PORTS);
        if !list.contains(&p) {
            list.push(p);
        }
    }
    Some(Value::Array(list.into_iter().map(parse).collect()))
}

fn blocks(rng: &mut Rng) -> Value {
    blocks_of(rng, &BLOCKS)
}

/// One or two distinct blocks of `from`.
fn blocks_of(rng: &mut Rng, from: &[&str]) -> Value {
    let mut list: Vec<&str> = Vec::new();
    for _ in 0..1 + rng.below(2) {
        let b = *rng.pick(from);
        if !list.contains(&b) {
            list.push(b);
        }
    }
    Value::Array(list.into_iter().map(parse).collect())
}

fn selector(rng: &mut Rng) -> Value {
    let mut labels = serde_json::Map::new();
    for (key, values) in rng.subset(&VOCABULARY, 40) {
        labels.insert(key.to_string(), json!(rng.pick(values)));
    }
    // An expression on a key of its own, so that the selector cannot contradict itself.
    let free: Vec<(&str, &[&str])> =
        VOCABULARY.into_iter().filter(|(k, _)| !labels.contains_key(*k)).collect();
    let mut sel = serde_json::Map::new();
    if !labels.is_empty() {
        sel.insert("matchLabels".into(), Value::Object(labels));
    }
    if !free.is_empty() && rng.chance(35) {
        let (key, values) = *rng.pick(&free);
        let expr = match rng.below(4) {
            0 => json!({"key": key, "operator": "In", "values": rng.subset(values, 60)}),
            1 => json!({"key": key, "operator": "NotIn", "values": [rng.pick(values)]}),
            2 => json!({"key": key, "operator": "Exists"}),
            _ => json!({"key": key, "operator": "DoesNotExist"}),
        };
        // `In` and `NotIn` need a value.
        if expr.get("values").is_none_or(|v| !v.as_array().unwrap().is_empty()) {
            sel.insert("matchExpressions".into(), json!([expr]));
        }
    }
    Value::Object(sel)
}

/// One side of `internet`: the default label, a label, or workloads and maybe a label; maybe
/// ports; maybe blocks in `blocks_field` (`from` or `to`).
fn internet_side(rng: &mut Rng, names: &[String], blocks_field: &str) -> Value {
    let mut side = serde_json::Map::new();
    match rng.below(3) {
        0 => {}
        1 => {
            side.insert("label".into(), json!(rng.pick(&LABELS)));
        }
        _ => {
            side.insert("workloads".into(), json!(rng.subset(names, 50)));
            if rng.chance(50) {
                side.insert("label".into(), json!(rng.pick(&LABELS)));
            }
        }
    }
    if let Some(p) = ports(rng, 2, 50) {
        side.insert("ports".into(), p);
    }
    if rng.chance(50) {
        side.insert(blocks_field.into(), blocks(rng));
    }
    // `workloads: []` without a label reads differently in the contract (no pods: the default
    // label is for an absent `workloads`) and in the crate (the default label): leave it out.
    if side.get("workloads") == Some(&json!([])) && !side.contains_key("label") {
        side.remove("workloads");
    }
    Value::Object(side)
}

/// The `index`-th random intent, as YAML text.
pub fn intent(index: u64) -> String {
    let rng = &mut Rng::new(index + 1);
    let mut spec = serde_json::Map::new();
    let mut managed = rng.subset(&NAMESPACES[..3], 60);
    if managed.is_empty() {
        managed.push(*rng.pick(&NAMESPACES[..3]));
    }
    spec.insert("namespaces".into(), json!(managed));
    let isolation = match rng.below(5) {
        0 => None,
        1 => Some(json!(["Ingress"])),
        2 => Some(json!(["Egress"])),
        3 => Some(json!(["Ingress", "Egress"])),
        _ => Some(json!(["Egress", "Ingress"])),
    };
    let egress = isolation.as_ref().is_some_and(|i| i.as_array().unwrap().contains(&json!("Egress")));
    if let Some(isolation) = isolation {
        spec.insert("isolation".into(), isolation);
    }
    if rng.chance(15) {
        spec.insert("namespaceLabel".into(), json!("team.example/namespace"));
    }
    if rng.chance(40) {
        spec.insert("sameNamespace".into(), json!(rng.chance(70)));
    }
    match rng.below(6) {
        0..=2 => {}
        3 => {
            spec.insert("dns".into(), json!({"enabled": false}));
        }
        _ => {
            let mut dns = serde_json::Map::new();
            if rng.chance(60) {
                let ns = *rng.pick(&["kube-system", managed[0], "delta", "dns"]);
                dns.insert("namespace".into(), json!(ns));
            }
            if rng.chance(50) {
                dns.insert("podSelector".into(), json!({"matchLabels": {"app": "dns"}}));
            }
            if let Some(p) = ports(rng, 2, 40) {
                dns.insert("ports".into(), p);
            }
            if rng.chance(50) {
                dns.insert("cidrs".into(), blocks_of(rng, &EXTERNAL_BLOCKS));
            }
            spec.insert("dns".into(), Value::Object(dns));
        }
    }

    let names: Vec<String> = (0..2 + rng.below(4)).map(|i| format!("w{i}")).collect();
    let workloads: Vec<Value> = names
        .iter()
        .map(|name| json!({"name": name, "namespace": rng.pick(&NAMESPACES), "podSelector": selector(rng)}))
        .collect();
    spec.insert("workloads".into(), json!(workloads));
    let externals: Vec<String> = (0..rng.below(3)).map(|i| format!("x{i}")).collect();
    if !externals.is_empty() {
        let list: Vec<Value> = externals
            .iter()
            .map(|name| json!({"name": name, "cidrs": blocks_of(rng, &EXTERNAL_BLOCKS)}))
            .collect();
        spec.insert("externals".into(), json!(list));
    }

    let mut internet = serde_json::Map::new();
    if rng.chance(40) {
        internet.insert("ingress".into(), internet_side(rng, &names, "from"));
    }
    if egress && rng.chance(50) {
        internet.insert("egress".into(), internet_side(rng, &names, "to"));
    }
    if !internet.is_empty() {
        spec.insert("internet".into(), Value::Object(internet));
    }

    let mut hubs: Vec<Value> = Vec::new();
    for _ in 0..rng.below(3) {
        let hub = rng.pick(&names).clone();
        let mut h = serde_json::Map::new();
        h.insert("workload".into(), json!(hub));
        let spokes = rng.subset(&names, 40);
        if !spokes.is_empty() {
            h.insert("spokes".into(), json!(spokes));
        }
        if spokes.is_empty() || rng.chance(50) {
            h.insert("accessLabel".into(), json!(rng.pick(&LABELS)));
        }
        if let Some(p) = ports(rng, 2, 30) {
            h.insert("ports".into(), p);
        }
        let h = Value::Object(h);
        if !hubs.contains(&h) {
            hubs.push(h);
        }
    }
    if !hubs.is_empty() {
        spec.insert("hubs".into(), json!(hubs));
    }

    let mut servers: Vec<Value> = Vec::new();
    for _ in 0..rng.below(3) {
        let mut s = serde_json::Map::new();
        s.insert("workload".into(), json!(rng.pick(&names)));
        s.insert("targetLabel".into(), json!(rng.pick(&LABELS)));
        if let Some(p) = ports(rng, 2, 30) {
            s.insert("ports".into(), p);
        }
        match rng.below(6) {
            0 | 1 => {
                s.insert("scope".into(), json!("all"));
            }
            2 => {
                s.insert("scope".into(), json!("managed"));
            }
            _ => {}
        }
        let s = Value::Object(s);
        if !servers.contains(&s) {
            servers.push(s);
        }
    }
    if !servers.is_empty() {
        spec.insert("servers".into(), json!(servers));
    }

    let connections = connections(rng, &names, &externals);
    if !connections.is_empty() {
        spec.insert("connections".into(), json!(connections));
    }

    if rng.chance(25) {
        let new = if rng.chance(50) { json!({}) } else { json!({"label": rng.pick(&LABELS)}) };
        spec.insert("newWorkloads".into(), new);
    }

    let doc = json!({
        "apiVersion": "netpol-intent.dev/v1alpha1",
        "kind": "NetworkIntent",
        "metadata": {"name": format!("random-{index}")},
        "spec": spec,
    });
    netpol_intent::yaml::emit_one(&netpol_intent::yaml::from_json(&doc))
}

/// One side of a connection: a name of `names` (or of `externals`, 30% of the time), or a list
/// of two distinct ones.
fn side(rng: &mut Rng, names: &[String], externals: &[String]) -> Vec<String> {
    let pick = |rng: &mut Rng| match externals.is_empty() || !rng.chance(30) {
        true => rng.pick(names).clone(),
        false => rng.pick(externals).clone(),
    };
    let first = pick(rng);
    let mut side = vec![first];
    if rng.chance(35) {
        let second = pick(rng);
        if second != side[0] {
            side.push(second);
        }
    }
    side
}

/// Up to five connections between workloads and externals, a side sometimes a list, each
/// valid: never an external on both sides of a pair, port numbers only toward or from an
/// external, no pair declared twice with the same ports.
fn connections(rng: &mut Rng, names: &[String], externals: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut pairs = std::collections::BTreeSet::new();
    for _ in 0..rng.below(6) {
        let (from, to) = (side(rng, names, externals), side(rng, names, externals));
        let external = |n: &String| externals.contains(n);
        let cross: Vec<(&String, &String)> =
            from.iter().flat_map(|f| to.iter().map(move |t| (f, t))).collect();
        if cross.iter().any(|(f, t)| external(f) && external(t)) {
            continue;
        }
        let mut ports = ports(rng, 3, 25);
        if from.iter().chain(&to).any(external) {
            // An address has no named ports: keep the numbers (none left: all ports).
            ports = ports.map(|p| {
                Value::Array(
                    p.as_array().unwrap().iter().filter(|p| !p["port"].is_string()).cloned().collect(),
                )
            });
        }
        // The ports as a set, as validation compares them.
        let mut set: Vec<String> =
            ports.iter().flat_map(|p| p.as_array().unwrap()).map(|p| p.to_string()).collect();
        set.sort();
        let key = |(f, t): &(&String, &String)| format!("{f} {t} {}", set.join(" "));
        if cross.iter().any(|pair| pairs.contains(&key(pair))) {
            continue;
        }
        pairs.extend(cross.iter().map(key));
        let end = |side: Vec<String>| if side.len() == 1 { json!(side[0]) } else { json!(side) };
        let mut c = serde_json::Map::new();
        c.insert("from".into(), end(from));
        c.insert("to".into(), end(to));
        if let Some(p) = ports {
            c.insert("ports".into(), p);
        }
        out.push(Value::Object(c));
    }
    out
}

/// Labels that satisfy `selector` where they can: its `matchLabels`, then each expression made
/// true (an `In` value set, an `Exists` key given a value, a `DoesNotExist` key removed).
fn satisfying(selector: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector) -> Labels {
    let mut labels: Labels = selector.match_labels.clone().unwrap_or_default();
    for r in selector.match_expressions.iter().flatten() {
        let values = r.values.clone().unwrap_or_default();
        match r.operator.as_str() {
            "In" if !labels.get(&r.key).is_some_and(|v| values.contains(v)) => {
                labels.insert(r.key.clone(), values[0].clone());
            }
            "NotIn" if labels.get(&r.key).is_some_and(|v| values.contains(v)) => {
                labels.remove(&r.key);
            }
            "Exists" => {
                labels.entry(r.key.clone()).or_insert_with(|| "yes".to_string());
            }
            "DoesNotExist" => {
                labels.remove(&r.key);
            }
            _ => {}
        }
    }
    labels
}

/// Random vocabulary labels.
fn bystander_labels(rng: &mut Rng) -> Labels {
    let mut labels = Labels::new();
    for (key, values) in VOCABULARY {
        if rng.chance(50) {
            labels.insert(key.to_string(), rng.pick(values).to_string());
        }
    }
    labels
}

/// Random container ports: `http`, `metrics` and `dns` on varying numbers, or absent.
fn container_ports(rng: &mut Rng) -> Vec<NamedPort> {
    let mut out = Vec::new();
    let mut add = |rng: &mut Rng, name: &str, choices: &[(&'static str, i32)]| {
        if rng.chance(70) {
            let (protocol, number) = *rng.pick(choices);
            out.push(NamedPort { name: name.to_string(), protocol, number });
        }
    };
    add(rng, "http", &[("TCP", 80), ("TCP", 8080)]);
    add(rng, "metrics", &[("TCP", 9090), ("TCP", 9100)]);
    add(rng, "dns", &[("UDP", 53), ("UDP", 5353), ("TCP", 53)]);
    out
}

/// A cluster for `intent`: in every namespace it names (plus `kube-system`, `delta` and one
/// more that it does not name), for each workload a pod that matches it, a near miss (one
/// `matchLabels` entry changed) and a look-alike with the same labels in another namespace; the
/// DNS pods and their look-alikes; and bystanders with random labels. Every pod gets each of the
/// intent's "true" labels at random (sometimes set to "false"), and random named ports.
pub fn cluster(intent: &Intent, seed: u64) -> Cluster {
    let rng = &mut Rng::new(seed);
    let spec = &intent.spec;
    let mut c = if spec.namespace_label == METADATA_NAME {
        Cluster::new()
    } else {
        Cluster::labelling_namespaces_with(&spec.namespace_label)
    };
    let named = spec.namespaces.iter().chain(spec.workloads.iter().map(|w| &w.namespace));
    for ns in
        named.chain([&spec.dns.namespace]).map(String::as_str).chain(["kube-system", "delta", "elsewhere"])
    {
        c.namespace(ns);
    }
    let namespaces: Vec<String> = c.namespaces.iter().map(|n| n.name.clone()).collect();

    let true_labels = intent.true_labels();
    let mut pods: Vec<(String, Labels)> = Vec::new();
    for (i, w) in spec.workloads.iter().enumerate() {
        let labels = satisfying(&w.pod_selector);
        let other =
            namespaces.iter().filter(|n| **n != w.namespace).nth(rng.below(namespaces.len() - 1)).unwrap();
        pods.push((format!("{}/{}", w.namespace, w.name), labels.clone()));
        pods.push((format!("{other}/{}-twin", w.name), labels.clone()));
        if let Some((k, v)) = w.pod_selector.match_labels.iter().flatten().nth(i % 2) {
            let mut near = labels;
            near.insert(k.clone(), format!("{v}x"));
            pods.push((format!("{}/{}-near", w.namespace, w.name), near));
        }
    }
    let dns = satisfying(&spec.dns.pod_selector);
    pods.push((format!("{}/dns-server", spec.dns.namespace), dns.clone()));
    pods.push(("elsewhere/dns-twin".to_string(), dns));
    for ns in &namespaces {
        for j in 0..3 {
            pods.push((format!("{ns}/pod-{j}"), bystander_labels(rng)));
        }
    }
    for (name, mut labels) in pods {
        for key in &true_labels {
            match rng.below(10) {
                0..=3 => {
                    labels.insert(key.clone(), "true".into());
                }
                4 => {
                    labels.insert(key.clone(), "false".into());
                }
                _ => {}
            }
        }
        let ports = container_ports(rng);
        c.add_pod(&name, labels, ports);
    }
    c.port_cases = k8s::probes(intent.ports());
    c.with_externals()
}

/// Whether some pod of `cluster` is in the workload (a sanity check of [`cluster`]).
pub fn has_member(intent: &Intent, cluster: &Cluster, workload: &str) -> bool {
    let w = intent.spec.workloads.iter().find(|w| w.name == workload).unwrap();
    cluster
        .endpoints
        .iter()
        .any(|e| cluster.namespace_of(e) == Some(&w.namespace) && k8s::selects(&w.pod_selector, &e.labels))
}
