//! The diff: what an intent generates against the NetworkPolicies a repository holds now.
//! Pure: policies and workloads in, a [`Report`] out; reading the repository is
//! [`crate::policy::read`]'s job and printing the report [`crate::report`]'s.
//!
//! Policies are matched by namespace and name and compared after [`normalize`], so that only a
//! change of meaning (or of the labels and annotations a user wrote) counts. Besides the
//! changes, the report names the policies in managed namespaces that this intent does not
//! manage (never proposed for removal; flagged when they widen access). Then the connectivity
//! engine judges the change among workloads ([`facts`]): the connections applying opens and
//! closes, and the dangers ([`Danger`]) as facts — connections the current policies allow and
//! the intent's do not, whatever the policies' labels say, and pods applying leaves
//! non-isolated. The workloads are given, or the intent's own ([`model`]), whose blind spots
//! the conservative checks cover ([`conservative`]).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::diag::Diagnostic;
use crate::engine::{Entry, Workloads};
use crate::intent::PolicyType;
use crate::policy::read::{CurrentPolicy, Location};

pub mod conservative;
mod facts;
pub mod model;

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
    /// A pod that no other policy selects would no longer be isolated in a namespace.
    NamespaceIsolationLost,
    /// Workloads isolated now would be selected by no policy after applying.
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
    /// True when the engine shows it among the workloads; false when a conservative check
    /// reports what the intent's own model cannot decide.
    pub fact: bool,
}

/// The workloads connections are judged among.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Model {
    /// The intent's own: one representative pod for each endpoint it names ([`model`]).
    #[default]
    Intent,
    /// Workloads given, read from `from` (a path, or words such as "the package"), and
    /// `new_pods` more: a pod with no labels in each managed namespace, for a pod created there
    /// later ([`model::with_new_pods`]).
    Given { from: String, new_pods: usize },
}

/// A rule of a current policy: `spec.ingress[rule]` or `spec.egress[rule]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleAt {
    pub policy: PolicyRef,
    pub direction: PolicyType,
    pub rule: usize,
}

/// A connection the current policies allow and the generated ones do not, with the rules of
/// the current policies that let it through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Widened {
    pub entry: Entry,
    pub by: Vec<RuleAt>,
}

impl Connections {
    /// Which workloads the connections are among, in words.
    pub fn among(&self) -> String {
        let n = self.workloads.workloads.len();
        match &self.model {
            Model::Given { from, new_pods } => {
                let given = n - new_pods;
                let workloads = if given == 1 { "workload" } else { "workloads" };
                let new = match new_pods {
                    0 => String::new(),
                    1 => " and a new pod in the managed namespace".to_string(),
                    k => format!(" and a new pod in each of the {k} managed namespaces"),
                };
                format!("the {given} {workloads} of {from}{new}")
            }
            Model::Intent => format!(
                "{n} pods standing for the workloads, labels and namespaces the intent names \
                 (no `--workloads` given)"
            ),
        }
    }
}

/// What applying the intent does to connections among the workloads; the entries' workload
/// indexes are into `workloads`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Connections {
    pub model: Model,
    pub workloads: Workloads,
    /// Allowed after applying, denied now.
    pub opened: Vec<Entry>,
    /// Allowed now, denied after applying.
    pub closed: Vec<Entry>,
    /// Allowed now by a current policy's rule, where the generated policies deny them.
    pub widening: Vec<Widened>,
    /// Workloads that something may reach now, and nothing after applying.
    pub unreachable: Vec<usize>,
}

/// Everything the diff found, each list of policies sorted by namespace, then name.
#[derive(Clone, Debug, Default, PartialEq)]
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
    pub connections: Connections,
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

/// Compares the `generated` policies of the intent `scope` with the `current` ones, and judges
/// the change among `workloads` (those of `model`). Both policy lists are taken by value: they
/// are normalised in place, which halves the memory a large diff needs. Errors for current
/// policies the connectivity engine refuses (as the API server would).
pub fn diff(
    scope: &Scope,
    generated: Vec<NetworkPolicy>,
    current: Vec<CurrentPolicy>,
    (model, workloads): (Model, Workloads),
) -> Result<Report, Vec<Diagnostic>> {
    let key = |p: &NetworkPolicy| {
        (p.metadata.namespace.clone().unwrap_or_default(), p.metadata.name.clone().unwrap_or_default())
    };
    let wanted: Generated = generated.into_iter().map(|p| (key(&p), normalize(p))).collect();
    let now: Current =
        current.into_iter().map(|c| (key(&c.policy), (normalize(c.policy), c.location))).collect();

    let mut report = Report { intent: scope.name.to_string(), ..Report::default() };
    for ((namespace, name), policy) in &wanted {
        let policy_ref = PolicyRef { namespace: namespace.clone(), name: name.clone() };
        match now.get(&(namespace.clone(), name.clone())) {
            None => report.added.push(policy_ref),
            Some((old, found)) => {
                let (old_text, new_text) = (to_text(old), to_text(policy));
                if old_text == new_text {
                    report.unchanged += 1;
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
    for ((namespace, name), (policy, found)) in &now {
        if wanted.contains_key(&(namespace.clone(), name.clone())) {
            continue;
        }
        let policy_ref = PolicyRef { namespace: namespace.clone(), name: name.clone() };
        if is_managed_by(policy, scope.name) {
            report.removed.push(Removal { policy: policy_ref, location: found.clone() });
        } else if scope.managed.contains(namespace) {
            report.unmanaged.push(Unmanaged {
                policy: policy_ref,
                location: found.clone(),
                widens: Vec::new(),
            });
        }
    }
    facts::judge(scope, (&wanted, &now), &mut report, model, workloads)?;
    Ok(report)
}

/// Policies by namespace and name, normalised; the current ones with where they are.
type Generated = BTreeMap<(String, String), NetworkPolicy>;
type Current = BTreeMap<(String, String), (NetworkPolicy, Location)>;

/// True when `policy` carries this intent's label and annotation.
fn is_managed_by(policy: &NetworkPolicy, intent: &str) -> bool {
    crate::policy::ownership::of_policy(policy) == Some(intent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::read::Source;

    fn policies(text: &str) -> Vec<CurrentPolicy> {
        crate::policy::read::parse(&[Source { name: "c.yaml".into(), text: text.into() }], "default").unwrap()
    }

    /// Pods in `a` (labelled `app: NAME`, one each) and one pod in `z`.
    fn pods(apps: &[&str]) -> Workloads {
        let mut text = String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: outsider, namespace: z}\n");
        for app in apps {
            let labels: Vec<String> = app.split(',').map(|l| l.replace('=', ": ")).collect();
            let labels = if app.contains('=') { labels.join(", ") } else { format!("app: {app}") };
            let name = app.replace([',', '='], "-");
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: a, labels: {{{labels}}}}}\n"
            ));
        }
        crate::engine::workloads::read(&[crate::engine::workloads::Text { name: "w.yaml", text: &text }])
            .unwrap()
    }

    fn scope_diff(intent_ns: &[&str], generated: &str, current: &str, among: Workloads) -> Report {
        let managed: BTreeSet<String> = intent_ns.iter().map(|s| s.to_string()).collect();
        let scope = Scope { name: "i", managed: &managed, isolation: &[PolicyType::Ingress] };
        let generated: Vec<NetworkPolicy> = policies(generated).into_iter().map(|c| c.policy).collect();
        let model = Model::Given { from: "w.yaml".into(), new_pods: 0 };
        diff(&scope, generated, policies(current), (model, among)).unwrap()
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

    fn found(r: &Report) -> Vec<(DangerKind, &str, PolicyType)> {
        r.dangers.iter().map(|d| (d.kind, d.policy.name.as_str(), d.direction)).collect()
    }

    #[test]
    fn removing_the_namespace_baseline_is_dangerous() {
        let deny = policy("default-deny-all", "a", true, "{podSelector: {}, policyTypes: [Ingress, Egress]}");
        let allow = policy("allow-x", "a", true, "{podSelector: {matchLabels: {app: x}}, ingress: [{}]}");
        let r = scope_diff(&["b"], "", &format!("{deny}{allow}"), pods(&["x", "w2"]));
        assert_eq!(r.removed.len(), 2);
        assert_eq!(
            found(&r),
            [
                (DangerKind::NamespaceIsolationLost, "default-deny-all", PolicyType::Ingress),
                (DangerKind::NamespaceIsolationLost, "default-deny-all", PolicyType::Egress),
            ]
        );
        assert!(
            r.dangers[0].message.contains("(of the workloads, `a/w2`, `a/x`)"),
            "{}",
            r.dangers[0].message
        );
        // What opens: everything to and from `a`.
        let opened: Vec<String> = r.connections.opened.iter().map(|e| format!("{:?}", e.src)).collect();
        assert!(!opened.is_empty() && r.connections.closed.is_empty(), "{opened:?}");
        // Dropping Egress from the baseline loses Egress only.
        let ingress_deny = policy("default-deny-all", "a", true, "{podSelector: {}, policyTypes: [Ingress]}");
        let r = scope_diff(&["a"], &ingress_deny, &deny, pods(&["x"]));
        assert_eq!(found(&r), [(DangerKind::NamespaceIsolationLost, "default-deny-all", PolicyType::Egress)]);
        assert!(r.dangers[0].message.contains("`default-deny-all` is changed"), "{}", r.dangers[0].message);
        // An unmanaged baseline that stays keeps the namespace isolated.
        let theirs = policy("deny", "a", false, "{podSelector: {}, policyTypes: [Ingress, Egress]}");
        let r = scope_diff(&["a"], "", &format!("{deny}{theirs}"), pods(&["x"]));
        assert!(r.dangers.is_empty(), "{:?}", r.dangers);
    }

    #[test]
    fn removing_the_only_policy_of_some_pods_is_dangerous_unless_another_still_selects_them() {
        let db =
            policy("allow-db", "a", true, "{podSelector: {matchLabels: {app: db, tier: x}}, ingress: [{}]}");
        let workloads = || pods(&["app=db,tier=x", "web"]);
        let r = scope_diff(&["a"], "", &db, workloads());
        assert_eq!(found(&r), [(DangerKind::PodIsolationLost, "allow-db", PolicyType::Ingress)]);
        assert!(
            r.dangers[0].message.contains("pods of `a/app-db-tier-x` lose Ingress isolation"),
            "{}",
            r.dangers[0].message
        );
        let looser = policy("other", "a", false, "{podSelector: {matchLabels: {app: db}}}");
        let r = scope_diff(&["a"], "", &format!("{db}{looser}"), workloads());
        assert!(r.dangers.is_empty(), "{:?}", r.dangers);
        // A selector the pod does not match leaves it open, whatever it looks like.
        let narrower = policy("other", "a", false, "{podSelector: {matchLabels: {app: db, tier: x, z: w}}}");
        let r = scope_diff(&["a"], "", &format!("{db}{narrower}"), workloads());
        assert_eq!(r.dangers.len(), 1);
        // Two selectors that together cover the pod keep it isolated (facts, not selectors).
        let either = policy(
            "either",
            "a",
            false,
            "{podSelector: {matchExpressions: [{key: tier, operator: In, values: [x, q]}]}}",
        );
        let r = scope_diff(&["a"], "", &format!("{db}{either}"), workloads());
        assert!(r.dangers.is_empty(), "{:?}", r.dangers);
    }

    #[test]
    fn unmanaged_policies_widen_only_what_they_let_through() {
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
            &baseline,
            &format!("{baseline}{rules}{deny}{egress}{elsewhere}{other_intent}"),
            pods(&["db", "web"]),
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
        // Each widening connection names both rules that let it through; none opens or closes.
        let w = &r.connections.widening[0];
        let by: Vec<(&str, usize)> = w.by.iter().map(|b| (b.policy.name.as_str(), b.rule)).collect();
        assert_eq!(by, [("open", 0), ("w", 0)]);
        assert!(r.connections.opened.is_empty() && r.connections.closed.is_empty());
        assert!(r.dangers.iter().all(|d| d.fact));
    }

    /// Whoever a policy claims to belong to, what it allows beyond the generated policies is a
    /// danger: one labelled as this intent's and not generated, one it does not manage, and one
    /// with a generated name and other content. What allows less is none.
    #[test]
    fn a_policy_that_allows_more_than_the_generated_ones_is_a_danger_whatever_its_labels() {
        let baseline =
            policy("default-deny-all", "a", true, "{podSelector: {}, policyTypes: [Ingress, Egress]}");
        let db = "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {}}], ports: [{port: 5432}]}]}";
        // Egress is isolated, and open within `a` only.
        let within = policy(
            "out",
            "a",
            true,
            "{podSelector: {}, policyTypes: [Egress], egress: [{to: [{podSelector: {}}]}]}",
        );
        let baseline = format!("{baseline}{within}");
        let generated = format!("{baseline}{}", policy("allow-db", "a", true, db));
        let widening = |current: &str| {
            let r = scope_diff(&["a"], &generated, current, pods(&["db", "web"]));
            (found(&r).into_iter().map(|(k, n, d)| (k, n.to_string(), d)).collect::<Vec<_>>(), r)
        };
        let all = "{podSelector: {}, ingress: [{}]}";
        let ours = policy("allow-all", "a", true, all);
        let (found, r) = widening(&format!("{generated}{ours}"));
        assert_eq!(found, [(DangerKind::WidensAccess, "allow-all".to_string(), PolicyType::Ingress)]);
        assert_eq!(r.removed.len(), 1, "still to remove");
        assert!(r.dangers[0].message.contains("carries this intent's label"), "{}", r.dangers[0].message);
        let theirs = policy("allow-all", "a", false, all);
        assert_eq!(widening(&format!("{generated}{theirs}")).0.len(), 1);
        // The generated name, wider content: widens; narrower content (a peer less): does not.
        let wider = policy("allow-db", "a", true, &db.replace("ports: [{port: 5432}]", "ports: []"));
        let (found, r) = widening(&format!("{baseline}{wider}"));
        assert_eq!(found, [(DangerKind::WidensAccess, "allow-db".to_string(), PolicyType::Ingress)]);
        assert!(r.dangers[0].message.contains("its content is not what the intent generates"));
        assert!(
            r.dangers[0].message.contains("a/web → a/db TCP 1-5431, 5433-65535; UDP all; SCTP all"),
            "{}",
            r.dangers[0].message
        );
        let narrower = policy(
            "allow-db",
            "a",
            true,
            &db.replace("{podSelector: {}}", "{podSelector: {matchLabels: {app: web}}}"),
        );
        let (found, r) = widening(&format!("{baseline}{narrower}"));
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(r.changed.len(), 1);
        // A wider rule that the other side denies lets nothing through: no widening (the pods of
        // `a` may open nothing, here).
        let deny = policy("default-deny-all", "a", true, "{podSelector: {}, policyTypes: [Ingress, Egress]}");
        let within =
            policy("within", "a", false, "{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}");
        let r = scope_diff(&["a"], &deny, &format!("{deny}{within}"), pods(&["db", "web"]));
        assert!(r.dangers.is_empty() && r.unmanaged[0].widens.is_empty(), "{:?}", r.dangers);
        // Egress that nothing generated allows.
        let out = policy("egress", "a", false, "{podSelector: {}, policyTypes: [Egress], egress: [{}]}");
        assert_eq!(widening(&format!("{generated}{out}")).0[0].2, PolicyType::Egress);
        // Two generated rules that together allow what one current rule does: no widening, as
        // the engine combines them (the selector rule alone would have flagged it).
        let split = format!(
            "{baseline}{}{}",
            policy("p1", "a", true, "{podSelector: {}, ingress: [{ports: [{port: 80}]}]}"),
            policy("p2", "a", true, "{podSelector: {}, ingress: [{ports: [{port: 81}]}]}")
        );
        let both =
            policy("both", "a", false, "{podSelector: {}, ingress: [{ports: [{port: 80}, {port: 81}]}]}");
        let r = scope_diff(&["a"], &split, &format!("{split}{both}"), pods(&["db"]));
        assert!(r.dangers.is_empty(), "{:?}", r.dangers);
    }

    /// Without workloads, the intent's own model decides what it can see, and the
    /// conservative checks report what it cannot.
    #[test]
    fn the_intents_model_reports_what_it_cannot_decide_as_not_a_fact() {
        let intent = "apiVersion: netpol-intent.dev/v1alpha1\nkind: NetworkIntent\nmetadata: {name: i}\nspec:\n  \
                      namespaces: [a]\n  workloads: [{name: db, namespace: a, podSelector: {matchLabels: {app: db}}}]\n";
        let valid = crate::load(intent).unwrap();
        let generated = crate::policy::expand::expand(&valid);
        let managed = valid.managed().clone();
        let scope = Scope { name: "i", managed: &managed, isolation: &[PolicyType::Ingress] };
        let legacy =
            policy("legacy", "a", false, "{podSelector: {matchLabels: {app: legacy}}, ingress: [{}]}");
        let mut current = policies(&crate::policy::render::to_yaml(&generated));
        current.extend(policies(&legacy));
        let among = (Model::Intent, model::of_intent(&valid));
        let r = diff(&scope, generated, current, among).unwrap();
        assert_eq!(r.dangers.len(), 1, "{:?}", r.dangers);
        assert!(!r.dangers[0].fact && r.dangers[0].kind == DangerKind::WidensAccess);
        assert!(r.dangers[0].message.contains("`--workloads` decides"), "{}", r.dangers[0].message);
        assert!(r.connections.widening.is_empty());
    }
}
