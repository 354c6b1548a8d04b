//! The diff: what an intent generates against the NetworkPolicies a repository holds now.
//! Pure: policies in, a [`Report`] out; reading the repository is [`crate::policy::read`]'s job and
//! printing the report [`crate::report`]'s.
//!
//! Policies are matched by namespace and name and compared after [`normalize`], so that only a
//! change of meaning (or of the labels and annotations a user wrote) counts. Besides the
//! changes, the report names the policies in managed namespaces that this intent does not
//! manage (never proposed for removal; flagged when they widen access), and the dangers
//! ([`Danger`]): changes that would leave pods non-isolated, and current policies that allow
//! more than the generated ones ([`crate::diff::widening`]), whatever their labels say.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

use crate::diff::widening::Widening;
use crate::intent::PolicyType;
use crate::policy::read::{CurrentPolicy, Location};

pub mod widening;

use crate::policy::normalize::{normalize, to_text};

/// What the intent is, as far as the diff needs it.
#[derive(Clone, Debug)]
pub struct Scope<'a> {
    /// `metadata.name`: a current policy is this intent's when it carries the managed-by label
    /// and this name in the intent annotation.
    pub name: &'a str,
    /// The managed namespaces.
    pub managed: &'a BTreeSet<String>,
    /// The directions the intent isolates.
    pub isolation: &'a [PolicyType],
}

/// A policy by namespace and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PolicyRef {
    pub namespace: String,
    pub name: String,
}

/// A policy whose current content differs from what the intent generates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub policy: PolicyRef,
    pub location: Location,
    /// A unified diff of the normalised YAML, current (`-`) to generated (`+`).
    pub diff: String,
}

/// A current policy this intent manages and no longer generates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    pub policy: PolicyRef,
    pub location: Location,
}

/// A policy in a managed namespace that this intent does not manage. The intent isolates
/// every pod there, so any allowance such a policy adds for an isolated direction widens the
/// access the intent grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmanaged {
    pub policy: PolicyRef,
    pub location: Location,
    /// The isolated directions it adds allowances for; empty when it widens nothing.
    pub widens: Vec<PolicyType>,
}

/// A NetworkPolicy in a file under the directory that its kustomization does not list: it is
/// never applied, so the diff does not count it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotListed {
    pub policy: PolicyRef,
    pub location: Location,
}

impl From<crate::policy::read::Found> for NotListed {
    fn from(f: crate::policy::read::Found) -> NotListed {
        NotListed { policy: PolicyRef { namespace: f.namespace, name: f.name }, location: f.location }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DangerKind {
    /// No policy would isolate every pod of a namespace in a direction any more.
    NamespaceIsolationLost,
    /// The pods a current policy selects would be selected by no remaining policy.
    PodIsolationLost,
    /// A policy that gets applied allows connections that the generated policies do not.
    WidensAccess,
}

impl DangerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DangerKind::NamespaceIsolationLost => "namespace-isolation-lost",
            DangerKind::PodIsolationLost => "pod-isolation-lost",
            DangerKind::WidensAccess => "widens-access",
        }
    }
}

/// What makes pods open to more than the intent allows: a change that would leave them
/// non-isolated (they would accept, or open, every connection), or a policy at PATH that allows
/// more than the generated ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Danger {
    pub kind: DangerKind,
    /// The current policy: the one that isolated those pods and is removed or changed, or the
    /// one that widens access.
    pub policy: PolicyRef,
    pub direction: PolicyType,
    pub message: String,
}

/// Everything the diff found, each list sorted by namespace, then name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub intent: String,
    pub added: Vec<PolicyRef>,
    pub changed: Vec<Change>,
    pub removed: Vec<Removal>,
    pub unchanged: usize,
    pub unmanaged: Vec<Unmanaged>,
    pub dangers: Vec<Danger>,
    /// Policies in files that are never applied; not part of the comparison.
    pub unlisted: Vec<NotListed>,
}

impl Report {
    /// True when applying the generated policies would change the current set.
    pub fn has_differences(&self) -> bool {
        !(self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty())
    }

    /// How many unmanaged policies widen access.
    pub fn widening(&self) -> usize {
        self.unmanaged.iter().filter(|u| !u.widens.is_empty()).count()
    }
}

/// Compares the `generated` policies of the intent `scope` with the `current` ones. Both are
/// taken by value: they are normalised in place, which halves the memory a large diff needs.
pub fn diff(scope: &Scope, generated: Vec<NetworkPolicy>, current: Vec<CurrentPolicy>) -> Report {
    let key = |p: &NetworkPolicy| {
        (p.metadata.namespace.clone().unwrap_or_default(), p.metadata.name.clone().unwrap_or_default())
    };
    let wanted: Generated = generated.into_iter().map(|p| (key(&p), normalize(p))).collect();
    let now: Current =
        current.into_iter().map(|c| (key(&c.policy), (normalize(c.policy), c.location))).collect();

    let mut report = Report { intent: scope.name.to_string(), ..Report::default() };
    let mut same: HashSet<(&str, &str)> = HashSet::new();
    for ((namespace, name), policy) in &wanted {
        let policy_ref = PolicyRef { namespace: namespace.clone(), name: name.clone() };
        match now.get(&(namespace.clone(), name.clone())) {
            None => report.added.push(policy_ref),
            Some((old, found)) => {
                let (old_text, new_text) = (to_text(old), to_text(policy));
                if old_text == new_text {
                    report.unchanged += 1;
                    same.insert((namespace, name));
                } else {
                    let diff = similar::TextDiff::from_lines(&old_text, &new_text)
                        .unified_diff()
                        .header("current", "generated")
                        .to_string();
                    report.changed.push(Change { policy: policy_ref, location: found.clone(), diff });
                }
            }
        }
    }
    // What the current policies allow beyond the generated ones, whoever they claim to belong to.
    let generated = crate::diff::widening::Generated::new(wanted.values());
    let widened: HashMap<&(String, String), Vec<Widening>> = now
        .iter()
        .filter(|((ns, n), _)| !same.contains(&(ns.as_str(), n.as_str())))
        .map(|(key, (p, _))| (key, generated.widenings(p)))
        .filter(|(_, w)| !w.is_empty())
        .collect();
    for ((namespace, name), (policy, found)) in &now {
        if wanted.contains_key(&(namespace.clone(), name.clone())) {
            continue;
        }
        let policy_ref = PolicyRef { namespace: namespace.clone(), name: name.clone() };
        if is_managed_by(policy, scope.name) {
            report.removed.push(Removal { policy: policy_ref, location: found.clone() });
        } else if scope.managed.contains(namespace) {
            let widens = widened.get(&(namespace.clone(), name.clone())).into_iter().flatten();
            let widens = widens.map(|w| w.direction).collect();
            report.unmanaged.push(Unmanaged { policy: policy_ref, location: found.clone(), widens });
        }
    }

    // The set after applying: the generated policies, and every current one that the intent
    // neither replaces nor removes.
    let removed: HashSet<(&str, &str)> =
        report.removed.iter().map(|r| (r.policy.namespace.as_str(), r.policy.name.as_str())).collect();
    let before: Vec<(&str, &NetworkPolicy)> = now.iter().map(|((_, n), (p, _))| (n.as_str(), p)).collect();
    let after: Vec<(&str, &NetworkPolicy)> = wanted
        .iter()
        .map(|((_, n), p)| (n.as_str(), p))
        .chain(now.iter().filter_map(|((ns, n), (p, _))| {
            let kept = !wanted.contains_key(&(ns.clone(), n.clone())) && !removed.contains(&(ns, n));
            kept.then_some((n.as_str(), p))
        }))
        .collect();
    let changed: HashSet<(&str, &str)> =
        report.changed.iter().map(|c| (c.policy.namespace.as_str(), c.policy.name.as_str())).collect();
    report.dangers = dangers(&before, &after, &|ns, name| {
        if changed.contains(&(ns, name)) {
            "changed"
        } else {
            "removed"
        }
    });
    report.dangers.extend(widening_dangers(scope, &wanted, &now, &widened));
    report.dangers.sort_by(|a, b| (&a.policy, a.direction, a.kind).cmp(&(&b.policy, b.direction, b.kind)));
    report
}

/// Policies by namespace and name, normalised; the current ones with where they are.
type Generated = BTreeMap<(String, String), NetworkPolicy>;
type Current = BTreeMap<(String, String), (NetworkPolicy, Location)>;

/// A [`DangerKind::WidensAccess`] for each direction in which a current policy allows more than
/// the generated ones (`widened`), saying which kind of policy it is.
fn widening_dangers(
    scope: &Scope,
    wanted: &Generated,
    now: &Current,
    widened: &HashMap<&(String, String), Vec<Widening>>,
) -> Vec<Danger> {
    let mut out = Vec::new();
    for (key, (policy, found)) in now {
        let (namespace, name) = key;
        let why = if wanted.contains_key(key) {
            "its content is not what the intent generates"
        } else if is_managed_by(policy, scope.name) {
            "it carries this intent's label, but the intent does not generate it"
        } else {
            "the intent does not manage it"
        };
        for w in widened.get(key).into_iter().flatten() {
            let (rules, pods) = match w.direction {
                PolicyType::Ingress => ("ingress", "to"),
                PolicyType::Egress => ("egress", "from"),
            };
            out.push(Danger {
                kind: DangerKind::WidensAccess,
                policy: PolicyRef { namespace: namespace.clone(), name: name.clone() },
                direction: w.direction,
                message: format!(
                    "`{name}` ({found}) allows {} connections {pods} pods the intent isolates that no \
                     generated policy allows (`spec.{rules}[{}]`); {why}, and it is applied as it is",
                    w.direction.as_str(),
                    w.rule
                ),
            });
        }
    }
    out
}

/// True when `policy` carries this intent's label and annotation.
fn is_managed_by(policy: &NetworkPolicy, intent: &str) -> bool {
    crate::policy::ownership::of_policy(policy) == Some(intent)
}

// ---------------------------------------------------------------------------------------------
// Isolation
// ---------------------------------------------------------------------------------------------

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

fn describe(reqs: &Requirements) -> String {
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

/// Policies by namespace and direction: the name and pod selector of each that isolates.
type Group<'a> = BTreeMap<(String, PolicyType), Vec<(&'a str, Requirements)>>;

fn group<'a>(set: &[(&'a str, &NetworkPolicy)]) -> Group<'a> {
    let mut out: Group = BTreeMap::new();
    for (name, p) in set {
        let ns = p.metadata.namespace.clone().unwrap_or_default();
        let reqs = requirements(p.spec.as_ref().and_then(|s| s.pod_selector.as_ref()));
        for d in directions(p) {
            out.entry((ns.clone(), d)).or_default().push((*name, reqs.clone()));
        }
    }
    out
}

/// The dangers of going from the `before` set to the `after` set (each: namespace in the
/// policy, name, normalised policy). `action` says what happens to a current policy.
///
/// Per namespace and direction: if some current policy selects every pod (`podSelector: {}`)
/// and no remaining one does, the namespace loses isolation. Otherwise each current policy's
/// pods must stay selected by some remaining policy whose selector has a subset of its
/// requirements (the same selector, a looser one, or the empty one). Unions of several
/// selectors are not considered, so a set of policies that together cover the pods may still
/// be flagged; a loss is never missed.
fn dangers(
    before: &[(&str, &NetworkPolicy)],
    after: &[(&str, &NetworkPolicy)],
    action: &dyn Fn(&str, &str) -> &'static str,
) -> Vec<Danger> {
    let before_policies: HashMap<(&str, &str), &NetworkPolicy> = before
        .iter()
        .map(|(name, p)| ((p.metadata.namespace.as_deref().unwrap_or_default(), *name), *p))
        .collect();
    let (before, after) = (group(before), group(after));
    let mut out = Vec::new();
    for ((ns, direction), isolating) in &before {
        let remaining: &[(&str, Requirements)] = after.get(&(ns.clone(), *direction)).map_or(&[], |v| v);
        let exact: HashSet<&Requirements> = remaining.iter().map(|(_, r)| r).collect();
        let (verb, access) = match direction {
            PolicyType::Ingress => ("accept", "connections from anywhere"),
            PolicyType::Egress => ("open", "connections to anywhere"),
        };
        let d = direction.as_str();
        // Name the policy that only isolates (a `default-deny-all`) before one that also allows.
        let baseline = isolating.iter().filter(|(_, r)| r.is_empty()).min_by_key(|(name, _)| {
            let p = before_policies[&(ns.as_str(), *name)];
            (allows(p, *direction), *name)
        });
        if let Some((name, _)) = baseline {
            if !exact.contains(&Requirements::new()) {
                out.push(Danger {
                    kind: DangerKind::NamespaceIsolationLost,
                    policy: PolicyRef { namespace: ns.clone(), name: name.to_string() },
                    direction: *direction,
                    message: format!(
                        "namespace `{ns}` loses {d} isolation: `{name}` is {}, and no remaining policy \
                         selects every pod; pods no other policy selects will {verb} {access}",
                        action(ns, name)
                    ),
                });
            }
            continue;
        }
        for (name, reqs) in isolating {
            let covered = exact.contains(reqs)
                || remaining.iter().any(|(_, r)| r.is_subset(reqs) && r.len() < reqs.len());
            if !covered {
                out.push(Danger {
                    kind: DangerKind::PodIsolationLost,
                    policy: PolicyRef { namespace: ns.clone(), name: name.to_string() },
                    direction: *direction,
                    message: format!(
                        "pods `{}` in `{ns}` lose {d} isolation: `{name}` is {}, and no remaining policy \
                         selects them; they will {verb} {access}",
                        describe(reqs),
                        action(ns, name)
                    ),
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.policy, a.direction).cmp(&(&b.policy, b.direction)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::read::Source;

    fn policies(text: &str) -> Vec<CurrentPolicy> {
        crate::policy::read::parse(&[Source { name: "c.yaml".into(), text: text.into() }], "default").unwrap()
    }

    fn scope_diff(intent_ns: &[&str], isolation: &[PolicyType], generated: &str, current: &str) -> Report {
        let managed: BTreeSet<String> = intent_ns.iter().map(|s| s.to_string()).collect();
        let scope = Scope { name: "i", managed: &managed, isolation };
        let generated: Vec<NetworkPolicy> = policies(generated).into_iter().map(|c| c.policy).collect();
        diff(&scope, generated, policies(current))
    }

    fn policy(name: &str, ns: &str, ours: bool, spec: &str) -> String {
        let meta = if ours {
            "\n  labels: {app.kubernetes.io/managed-by: netpol-intent}\n  annotations: {netpol-intent.dev/intent: i}"
        } else {
            ""
        };
        format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\n  namespace: {ns}{meta}\nspec: {spec}\n"
        )
    }

    #[test]
    fn removing_the_namespace_baseline_is_dangerous() {
        let deny = policy("default-deny-all", "a", true, "{podSelector: {}, policyTypes: [Ingress, Egress]}");
        let allow = policy("allow-x", "a", true, "{podSelector: {matchLabels: {app: x}}, ingress: [{}]}");
        let r = scope_diff(&["b"], &[PolicyType::Ingress], "", &format!("{deny}{allow}"));
        assert_eq!(r.removed.len(), 2);
        let kinds: Vec<_> = r.dangers.iter().map(|d| (d.kind, d.policy.name.as_str(), d.direction)).collect();
        assert_eq!(
            kinds,
            [
                (DangerKind::NamespaceIsolationLost, "default-deny-all", PolicyType::Ingress),
                (DangerKind::NamespaceIsolationLost, "default-deny-all", PolicyType::Egress),
            ]
        );
        // Dropping Egress from the baseline loses Egress only.
        let ingress_deny = policy("default-deny-all", "a", true, "{podSelector: {}, policyTypes: [Ingress]}");
        let r = scope_diff(&["a"], &[PolicyType::Ingress], &ingress_deny, &deny);
        assert_eq!(r.dangers.len(), 1);
        assert_eq!(r.dangers[0].direction, PolicyType::Egress);
        assert!(r.dangers[0].message.contains("`default-deny-all` is changed"), "{}", r.dangers[0].message);
        // An unmanaged baseline that stays keeps the namespace isolated.
        let theirs = policy("deny", "a", false, "{podSelector: {}, policyTypes: [Ingress, Egress]}");
        let r = scope_diff(&["a"], &[PolicyType::Ingress], "", &format!("{deny}{theirs}"));
        assert!(r.dangers.is_empty(), "{:?}", r.dangers);
    }

    #[test]
    fn removing_the_only_policy_of_some_pods_is_dangerous_unless_a_looser_one_stays() {
        let db =
            policy("allow-db", "a", true, "{podSelector: {matchLabels: {app: db, tier: x}}, ingress: [{}]}");
        let r = scope_diff(&["a"], &[PolicyType::Ingress], "", &db);
        assert_eq!(r.dangers.len(), 1);
        assert_eq!(r.dangers[0].kind, DangerKind::PodIsolationLost);
        assert!(
            r.dangers[0].message.contains("pods `app=db,tier=x` in `a` lose Ingress"),
            "{}",
            r.dangers[0].message
        );
        let looser = policy("other", "a", false, "{podSelector: {matchLabels: {app: db}}}");
        let r = scope_diff(&["a"], &[PolicyType::Ingress], "", &format!("{db}{looser}"));
        assert!(r.dangers.is_empty(), "{:?}", r.dangers);
        let narrower = policy("other", "a", false, "{podSelector: {matchLabels: {app: db, tier: x, z: w}}}");
        let r = scope_diff(&["a"], &[PolicyType::Ingress], "", &format!("{db}{narrower}"));
        assert_eq!(r.dangers.len(), 1);
    }

    #[test]
    fn unmanaged_policies_widen_only_in_isolated_directions_with_rules() {
        let rules = policy("open", "a", false, "{podSelector: {}, ingress: [{}]}");
        let deny = policy("deny", "a", false, "{podSelector: {}, policyTypes: [Ingress]}");
        let egress = policy("eg", "a", false, "{podSelector: {}, policyTypes: [Egress], egress: [{}]}");
        let elsewhere = policy("x", "z", false, "{podSelector: {}, ingress: [{}]}");
        let other_intent =
            policy("w", "a", true, "{podSelector: {}, ingress: [{}]}").replace("intent: i}", "intent: j}");
        // The intent isolates Ingress in `a`, as it always does there, with its baseline.
        let baseline = policy("default-deny-all", "a", true, "{podSelector: {}, policyTypes: [Ingress]}");
        let r = scope_diff(
            &["a"],
            &[PolicyType::Ingress],
            &baseline,
            &format!("{baseline}{rules}{deny}{egress}{elsewhere}{other_intent}"),
        );
        let seen: Vec<_> = r.unmanaged.iter().map(|u| (u.policy.name.as_str(), u.widens.clone())).collect();
        assert_eq!(
            seen,
            [
                ("deny", vec![]),
                ("eg", vec![]),
                ("open", vec![PolicyType::Ingress]),
                ("w", vec![PolicyType::Ingress])
            ]
        );
        assert!(r.removed.is_empty() && !r.has_differences());
    }

    /// Whoever a policy claims to belong to, what it allows beyond the generated policies is a
    /// danger: one labelled as this intent's and not generated, one it does not manage, and one
    /// with a generated name and other content. What allows less is none.
    #[test]
    fn a_policy_that_allows_more_than_the_generated_ones_is_a_danger_whatever_its_labels() {
        let baseline =
            policy("default-deny-all", "a", true, "{podSelector: {}, policyTypes: [Ingress, Egress]}");
        let db = "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {}}], ports: [{port: 5432}]}]}";
        let generated = format!("{baseline}{}", policy("allow-db", "a", true, db));
        let widening = |current: &str| {
            let r = scope_diff(&["a"], &[PolicyType::Ingress, PolicyType::Egress], &generated, current);
            let found: Vec<_> =
                r.dangers.iter().map(|d| (d.kind, d.policy.name.clone(), d.direction)).collect();
            (found, r)
        };
        let all = "{podSelector: {}, ingress: [{}]}";
        let ours = policy("allow-all", "a", true, all);
        let (found, r) = widening(&format!("{generated}{ours}"));
        assert_eq!(found, [(DangerKind::WidensAccess, "allow-all".to_string(), PolicyType::Ingress)]);
        assert_eq!(r.removed.len(), 1, "still to remove");
        assert!(r.dangers[0].message.contains("carries this intent's label"), "{}", r.dangers[0].message);
        let theirs = policy("allow-all", "a", false, all);
        assert_eq!(widening(&format!("{generated}{theirs}")).0.len(), 1);
        // The generated name, wider content: widens; narrower content (a port less): does not.
        let wider = policy("allow-db", "a", true, &db.replace("ports: [{port: 5432}]", "ports: []"));
        let (found, r) = widening(&format!("{baseline}{wider}"));
        assert_eq!(found, [(DangerKind::WidensAccess, "allow-db".to_string(), PolicyType::Ingress)]);
        assert!(r.dangers[0].message.contains("its content is not what the intent generates"));
        let narrower = policy(
            "allow-db",
            "a",
            true,
            &db.replace("{podSelector: {}}", "{podSelector: {matchLabels: {app: web}}}"),
        );
        let (found, r) = widening(&format!("{baseline}{narrower}"));
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(r.changed.len(), 1);
        // Egress that nothing generated allows.
        let out = policy("egress", "a", false, "{podSelector: {}, policyTypes: [Egress], egress: [{}]}");
        assert_eq!(widening(&format!("{generated}{out}")).0[0].2, PolicyType::Egress);
    }
}
