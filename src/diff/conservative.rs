//! What the intent's own model cannot decide, decided from the policies alone and
//! conservatively. When no workloads are given, the diff judges connections among one
//! representative pod for each endpoint the intent names ([`super::model`]); a policy may
//! widen access, or leave pods non-isolated, only for pods outside that model (other labels,
//! other namespaces, named ports). These checks cover them: each may flag a policy that does
//! neither, and never passes one that does. The diff reports what they flag only where the
//! model shows no such fact.
//!
//! **Widening** ([`Generated::widenings`]). Policies only add allowances, except that a policy
//! selecting a pod no other policy selects isolates it. So a policy `P` can widen access only
//! for pods that the generated set already isolates in a direction, and only there. For each
//! direction `P` isolates and has rules for, each rule of `P` must be *covered*: some
//! generated policy in its namespace isolates that direction, selects at least `P`'s pods (its
//! selector's requirements are a subset of `P`'s), and has a rule allowing at least that
//! rule's peers and ports (absent means all; otherwise each of `P`'s peers and ports lies
//! within one of its own, see [`peer_within`] and [`port_within`]). Where the generated set
//! isolates nothing in a direction of `P`'s namespace, `P` only isolates more. Several
//! generated rules are never combined to cover one.
//!
//! **Isolation** ([`loses_isolation`]). The pods a removed or changed policy isolated in a
//! direction stay isolated if a policy after applying, in its namespace and isolating that
//! direction, has a selector with a subset of its requirements (the same, a looser one, or
//! `{}`). Unions of several selectors are not considered.

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule};
use k8s_openapi::api::networking::v1::{NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use std::collections::{BTreeSet, HashMap};

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

use crate::intent::PolicyType;

/// A pod selector as a set of requirements, `matchLabels` entries as `key In [value]`: a
/// selector with a subset of another's requirements selects at least the other's pods.
pub(crate) type Requirements = BTreeSet<(String, String, Vec<String>)>;

pub(crate) fn requirements(selector: Option<&meta::LabelSelector>) -> Requirements {
    let mut reqs = Requirements::new();
    let Some(s) = selector else { return reqs };
    for (k, v) in s.match_labels.iter().flatten() {
        reqs.insert((k.clone(), "In".to_string(), vec![v.clone()]));
    }
    for e in s.match_expressions.iter().flatten() {
        let mut values = e.values.clone().unwrap_or_default();
        values.sort();
        values.dedup();
        reqs.insert((e.key.clone(), e.operator.clone(), values));
    }
    reqs
}

/// The requirements as a selector is written: `app=db,tier In (a,b),!x`.
pub(crate) fn describe(reqs: &Requirements) -> String {
    let parts: Vec<String> = reqs
        .iter()
        .map(|(k, op, values)| match (op.as_str(), values.as_slice()) {
            ("In", [v]) => format!("{k}={v}"),
            ("Exists", _) => k.clone(),
            ("DoesNotExist", _) => format!("!{k}"),
            (op, values) => format!("{k} {op} ({})", values.join(",")),
        })
        .collect();
    parts.join(",")
}

/// The directions a normalised policy isolates its pods in.
pub(crate) fn directions(policy: &NetworkPolicy) -> Vec<PolicyType> {
    let types = policy.spec.as_ref().and_then(|s| s.policy_types.as_ref());
    [PolicyType::Ingress, PolicyType::Egress]
        .into_iter()
        .filter(|d| types.is_some_and(|t| t.iter().any(|t| t == d.as_str())))
        .collect()
}

/// True when a normalised policy isolates in `direction` and has rules for it: it allows
/// something there.
pub(crate) fn allows(policy: &NetworkPolicy, direction: PolicyType) -> bool {
    let Some(spec) = &policy.spec else { return false };
    let has_rules = match direction {
        PolicyType::Ingress => spec.ingress.as_ref().is_some_and(|r| !r.is_empty()),
        PolicyType::Egress => spec.egress.as_ref().is_some_and(|r| !r.is_empty()),
    };
    has_rules && directions(policy).contains(&direction)
}

/// Whether the pods that the normalised policy `policy` isolates in `direction` may be left
/// non-isolated by the policies `after` (normalised): no policy of its namespace among them
/// isolates that direction with a selector whose requirements are a subset of its own.
pub fn loses_isolation<'a>(
    policy: &NetworkPolicy,
    direction: PolicyType,
    after: impl IntoIterator<Item = &'a NetworkPolicy>,
) -> bool {
    let namespace = policy.metadata.namespace.as_deref();
    let pods = requirements(policy.spec.as_ref().and_then(|s| s.pod_selector.as_ref()));
    !after.into_iter().any(|p| {
        p.metadata.namespace.as_deref() == namespace
            && directions(p).contains(&direction)
            && requirements(p.spec.as_ref().and_then(|s| s.pod_selector.as_ref())).is_subset(&pods)
    })
}

/// A direction in which a policy may allow more than the generated set, with the first of its
/// rules there (an index into `spec.ingress` or `spec.egress`) that no generated rule covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Widening {
    pub direction: PolicyType,
    pub rule: usize,
}

/// One rule, either direction: the peers and the ports it allows (`None`: all).
struct Rule<'a> {
    peers: Option<&'a [NetworkPolicyPeer]>,
    ports: Option<&'a [NetworkPolicyPort]>,
}

impl<'a> From<&'a NetworkPolicyIngressRule> for Rule<'a> {
    fn from(r: &'a NetworkPolicyIngressRule) -> Rule<'a> {
        Rule { peers: r.from.as_deref(), ports: r.ports.as_deref() }
    }
}

impl<'a> From<&'a NetworkPolicyEgressRule> for Rule<'a> {
    fn from(r: &'a NetworkPolicyEgressRule) -> Rule<'a> {
        Rule { peers: r.to.as_deref(), ports: r.ports.as_deref() }
    }
}

impl Rule<'_> {
    /// Whether this rule allows at least what `other` allows, for the same pods.
    fn covers(&self, other: &Rule) -> bool {
        fn within<T>(mine: Option<&[T]>, theirs: Option<&[T]>, inside: fn(&T, &T) -> bool) -> bool {
            match (mine, theirs) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(mine), Some(theirs)) => theirs.iter().all(|t| mine.iter().any(|m| inside(t, m))),
            }
        }
        within(self.peers, other.peers, peer_within) && within(self.ports, other.ports, port_within)
    }
}

/// Whether every pod (or address) the peer `p` names is one that `g` names, as far as the
/// selectors alone tell: both name pods of the policy's own namespace, or both of selected
/// namespaces, and each of `g`'s selectors has a subset of the requirements of `p`'s (an
/// absent pod selector beside a namespace selector is every pod). An `ipBlock` only lies
/// within an equal one.
fn peer_within(p: &NetworkPolicyPeer, g: &NetworkPolicyPeer) -> bool {
    if p == g {
        return true;
    }
    if p.ip_block.is_some()
        || g.ip_block.is_some()
        || p.namespace_selector.is_some() != g.namespace_selector.is_some()
    {
        return false;
    }
    let subset =
        |g: Option<&LabelSelector>, p: Option<&LabelSelector>| requirements(g).is_subset(&requirements(p));
    subset(g.pod_selector.as_ref(), p.pod_selector.as_ref())
        && subset(g.namespace_selector.as_ref(), p.namespace_selector.as_ref())
}

/// Whether the port entry `p` lies within `g`: the same protocol, and `g` names every port,
/// or a numeric range holding all of `p`'s. A named port only lies within an equal one.
fn port_within(p: &NetworkPolicyPort, g: &NetworkPolicyPort) -> bool {
    let range = |port: &NetworkPolicyPort| match &port.port {
        None => Some((1, 65535)),
        Some(IntOrString::Int(n)) => Some((*n, port.end_port.unwrap_or(*n))),
        Some(IntOrString::String(_)) => None,
    };
    p == g
        || (p.protocol == g.protocol
            && match (range(p), range(g)) {
                (Some((lo, hi)), Some((g_lo, g_hi))) => g_lo <= lo && hi <= g_hi,
                _ => g.port.is_none(),
            })
}

fn rules(policy: &NetworkPolicy, direction: PolicyType) -> Vec<Rule<'_>> {
    let Some(spec) = &policy.spec else { return Vec::new() };
    match direction {
        PolicyType::Ingress => spec.ingress.iter().flatten().map(Rule::from).collect(),
        PolicyType::Egress => spec.egress.iter().flatten().map(Rule::from).collect(),
    }
}

/// The generated policies (normalised, as [`crate::policy::normalize`] leaves them), indexed by
/// namespace and the direction they isolate, each with its pod selector's requirements: built
/// once, asked about each current policy.
pub struct Generated<'a> {
    isolating: HashMap<(&'a str, PolicyType), Vec<(Requirements, &'a NetworkPolicy)>>,
}

impl<'a> Generated<'a> {
    pub fn new(policies: impl IntoIterator<Item = &'a NetworkPolicy>) -> Generated<'a> {
        let mut isolating: HashMap<_, Vec<_>> = HashMap::new();
        for g in policies {
            let namespace = g.metadata.namespace.as_deref().unwrap_or_default();
            let pods = requirements(g.spec.as_ref().and_then(|s| s.pod_selector.as_ref()));
            for direction in directions(g) {
                isolating.entry((namespace, direction)).or_default().push((pods.clone(), g));
            }
        }
        Generated { isolating }
    }

    /// The directions in which `policy` (normalised) may allow connections that the generated
    /// policies do not, each with the first rule that shows it; empty when it allows nothing
    /// more.
    pub fn widenings(&self, policy: &NetworkPolicy) -> Vec<Widening> {
        let namespace = policy.metadata.namespace.as_deref().unwrap_or_default();
        let pods = requirements(policy.spec.as_ref().and_then(|s| s.pod_selector.as_ref()));
        let mut out = Vec::new();
        for direction in [PolicyType::Ingress, PolicyType::Egress] {
            if !allows(policy, direction) {
                continue;
            }
            // Where the generated set isolates nothing, `policy` only isolates more.
            let Some(isolating) = self.isolating.get(&(namespace, direction)) else { continue };
            // The generated rules that apply to every pod `policy` selects.
            let covering: Vec<Rule> = isolating
                .iter()
                .filter(|(selects, _)| selects.is_subset(&pods))
                .flat_map(|(_, g)| rules(g, direction))
                .collect();
            let uncovered =
                rules(policy, direction).iter().position(|r| !covering.iter().any(|c| c.covers(r)));
            if let Some(rule) = uncovered {
                out.push(Widening { direction, rule });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::read::Source;

    fn policy(spec: &str) -> NetworkPolicy {
        let text = format!(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: a}}\nspec: {spec}\n"
        );
        let found = crate::policy::read::parse(&[Source { name: "p.yaml".into(), text }], "default").unwrap();
        crate::policy::normalize::normalize(found.into_iter().next().unwrap().policy)
    }

    const DENY: &str = "{podSelector: {}, policyTypes: [Ingress, Egress]}";
    const DB: &str = "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: \
                      {app: web}}}], ports: [{port: 5432}, {port: 5433}]}]}";

    fn widened(current: &str, generated: &[&str]) -> Vec<(PolicyType, usize)> {
        let generated: Vec<NetworkPolicy> = generated.iter().map(|g| policy(g)).collect();
        Generated::new(&generated)
            .widenings(&policy(current))
            .into_iter()
            .map(|w| (w.direction, w.rule))
            .collect()
    }

    #[test]
    fn an_allowance_no_generated_rule_covers_widens() {
        let all = "{podSelector: {}, ingress: [{}]}";
        assert_eq!(widened(all, &[DENY, DB]), [(PolicyType::Ingress, 0)]);
        let egress = "{podSelector: {}, policyTypes: [Egress], egress: [{}]}";
        assert_eq!(widened(egress, &[DENY]), [(PolicyType::Egress, 0)]);
        // Another port, a broader peer, a peer of other namespaces, an address, all ports, UDP, or
        // a second rule that is not covered.
        for spec in [
            "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 22}]}]}",
            "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {}}], ports: [{port: 5432}]}]}",
            "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]}",
            "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}], ports: [{port: 5432}]}]}",
            "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]}",
            "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432, protocol: UDP}]}]}",
            "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432, endPort: 5440}]}]}",
        ] {
            assert_eq!(widened(spec, &[DENY, DB]), [(PolicyType::Ingress, 0)], "{spec}");
        }
        let second = "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: \
                      {app: web}}}], ports: [{port: 5432}]}, {}]}";
        assert_eq!(widened(second, &[DENY, DB]), [(PolicyType::Ingress, 1)]);
        // Broader pods than the generated rule's: the rule does not apply to all of them.
        let broader = DB.replace("{matchLabels: {app: db}}, ingress", "{}, ingress");
        assert_eq!(widened(&broader, &[DENY, DB]), [(PolicyType::Ingress, 0)]);
    }

    #[test]
    fn what_the_generated_set_already_allows_or_does_not_isolate_widens_nothing() {
        // The same rule; fewer ports, for fewer pods, from fewer peers.
        assert!(widened(DB, &[DENY, DB]).is_empty());
        let fewer = "{podSelector: {matchLabels: {app: db, tier: x}}, ingress: [{from: [{podSelector: \
                     {matchLabels: {app: web, v: '2'}}}], ports: [{port: 5433, protocol: TCP}]}]}";
        assert!(widened(fewer, &[DENY, DB]).is_empty());
        // Ports within a generated range, or all ports of a protocol.
        let range = "{podSelector: {}, ingress: [{ports: [{port: 8000, endPort: 8999}]}]}";
        let within = "{podSelector: {}, ingress: [{ports: [{port: 8080}, {port: 8100, endPort: 8200}]}]}";
        assert!(widened(within, &[DENY, range]).is_empty());
        assert!(
            widened(within, &[DENY, "{podSelector: {}, ingress: [{ports: [{protocol: TCP}]}]}"]).is_empty()
        );
        // Pods of selected namespaces, within a namespace selector alone.
        let any_web_ns =
            "{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: web}}}]}]}";
        let some_pods =
            "{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: web, env: prod}}, \
                         podSelector: {matchLabels: {app: x}}}]}]}";
        assert!(widened(some_pods, &[DENY, any_web_ns]).is_empty());
        // Rules only, no isolation of their direction, or nothing isolated there by the intent.
        assert!(widened(DENY, &[DENY]).is_empty());
        assert!(widened("{podSelector: {}, policyTypes: [Egress], ingress: [{}]}", &[DENY]).is_empty());
        let ingress_only = "{podSelector: {}, policyTypes: [Ingress]}";
        assert!(widened("{podSelector: {}, policyTypes: [Egress], egress: [{}]}", &[ingress_only]).is_empty());
        assert!(widened("{podSelector: {}, ingress: [{}]}", &[]).is_empty());
        // A generated allow-all covers anything.
        assert!(widened(DB, &["{podSelector: {}, ingress: [{}]}"]).is_empty());
    }

    #[test]
    fn pods_stay_isolated_under_the_same_or_a_looser_selector_only() {
        let db = policy("{podSelector: {matchLabels: {app: db, tier: x}}, ingress: [{}]}");
        let after = |specs: &[&str]| -> bool {
            let after: Vec<NetworkPolicy> = specs.iter().map(|s| policy(s)).collect();
            loses_isolation(&db, PolicyType::Ingress, &after)
        };
        assert!(after(&[]));
        assert!(!after(&["{podSelector: {matchLabels: {app: db}}}"]));
        assert!(!after(&[DENY]));
        assert!(after(&["{podSelector: {matchLabels: {app: db, tier: x, z: w}}}"]));
        assert!(after(&["{podSelector: {}, policyTypes: [Egress]}"]));
    }

    #[test]
    fn another_namespace_covers_nothing() {
        let mut other = policy(DB);
        other.metadata.namespace = Some("b".into());
        let deny = policy(DENY);
        assert_eq!(Generated::new([&deny, &other]).widenings(&policy(DB)).len(), 1);
    }
}
