//! The semantic half of the diff: what the connectivity engine says applying the intent does
//! among the workloads — the connections it opens and closes, those the current policies
//! allow and the intent's do not (widening), the workloads it leaves with no ingress, the pods
//! it leaves non-isolated — and the dangers as those facts.
//!
//! Three policy sets are compiled: the current ones (what PATH applies now), the generated
//! ones (the intent: they allow exactly what it says, as `verify` checks), and the set after
//! applying (the generated ones and every current one the intent neither replaces nor
//! removes). Opened and closed compare current with after; widening compares current with
//! generated, side by side ([`crate::engine::beyond`]); isolation compares the classes each
//! set isolates ([`crate::engine::side::isolated`]), and a pod with no labels in each
//! namespace for the namespace as a whole.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::diag::{Code, Diagnostic};
use crate::engine::beyond::{beyond, Beyond};
use crate::engine::policy::Direction;
use crate::engine::selector::Labels;
use crate::engine::side::isolated;
use crate::engine::{compile, delta, Cluster, Connectivity, Endpoint, Entry, Policy, Workloads};
use crate::intent::PolicyType;

use super::conservative::{self, Generated as Covering};
use super::{is_managed_by, Connections, Current, Danger, DangerKind, Generated, Model, PolicyRef};
use super::{Report, RuleAt, Scope, Widened};

/// What a current policy is to the intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// Generated, with the same content.
    Unchanged,
    /// Generated, with other content: replaced by applying.
    Changed,
    /// The intent's, no longer generated: removed by applying.
    Removed,
    /// Neither: kept as it is.
    Kept,
}

/// The three policy sets, and what each current policy is.
struct Sets<'a> {
    scope: &'a Scope<'a>,
    wanted: &'a Generated,
    now: &'a Current,
    /// The current policies' keys, in the order of `current`.
    keys: Vec<&'a (String, String)>,
    status: Vec<Status>,
    current: Vec<Policy>,
    /// The generated policies (the first `generated` of `after`), then every kept one.
    after: Vec<Policy>,
    generated: usize,
}

/// Judges the change among `workloads` (of `model`) and fills in the report's connections,
/// dangers and the unmanaged policies' widened directions. Errors for current policies the
/// engine refuses.
pub(super) fn judge(
    scope: &Scope,
    (wanted, now): (&Generated, &Current),
    report: &mut Report,
    model: Model,
    workloads: Workloads,
) -> Result<(), Vec<Diagnostic>> {
    let sets = Sets::new(scope, wanted, now, report)?;
    let cluster = Cluster::new(workloads);
    let (opened, closed, unreachable, found) = {
        let before = Connectivity::compute(&cluster, &sets.current);
        let after = Connectivity::compute(&cluster, &sets.after);
        let changes = delta::diff(&before, &after);
        let suspects: Vec<usize> =
            (0..sets.keys.len()).filter(|&i| sets.status[i] != Status::Unchanged).collect();
        let found = beyond(&before, &sets.current, &suspects, &sets.after[..sets.generated]);
        (changes.opened, changes.closed, delta::unreachable(&before, &after), found)
    };
    let mut dangers = sets.widening(&cluster.workloads, &found);
    if model == Model::Intent {
        dangers.extend(sets.undecided_widening(&dangers));
    }
    dangers.extend(sets.isolation(&cluster, model == Model::Intent));
    dangers.sort_by(|a, b| (&a.policy, a.direction, a.kind).cmp(&(&b.policy, b.direction, b.kind)));
    for u in &mut report.unmanaged {
        let widens = dangers.iter().filter(|d| d.kind == DangerKind::WidensAccess && d.policy == u.policy);
        u.widens = widens.map(|d| d.direction).collect();
        u.widens.dedup();
    }
    let widening = found
        .into_iter()
        .map(|b| Widened { by: b.by.iter().map(|r| sets.rule_at(r)).collect(), entry: b.entry })
        .collect();
    report.dangers = dangers;
    report.connections =
        Connections { model, workloads: cluster.workloads, opened, closed, widening, unreachable };
    Ok(())
}

fn direction(d: Direction) -> PolicyType {
    match d {
        Direction::Ingress => PolicyType::Ingress,
        Direction::Egress => PolicyType::Egress,
    }
}

impl<'a> Sets<'a> {
    fn new(
        scope: &'a Scope<'a>,
        wanted: &'a Generated,
        now: &'a Current,
        report: &Report,
    ) -> Result<Sets<'a>, Vec<Diagnostic>> {
        let keys: Vec<&(String, String)> = now.keys().collect();
        let changed: BTreeSet<(&str, &str)> =
            report.changed.iter().map(|c| (c.policy.namespace.as_str(), c.policy.name.as_str())).collect();
        let removed: BTreeSet<(&str, &str)> =
            report.removed.iter().map(|r| (r.policy.namespace.as_str(), r.policy.name.as_str())).collect();
        let status: Vec<Status> = keys
            .iter()
            .map(|(ns, name)| {
                match (wanted.contains_key(&(ns.clone(), name.clone())), (ns.as_str(), name.as_str())) {
                    (true, key) if changed.contains(&key) => Status::Changed,
                    (true, _) => Status::Unchanged,
                    (false, key) if removed.contains(&key) => Status::Removed,
                    (false, _) => Status::Kept,
                }
            })
            .collect();
        let generated = compile(wanted.values()).expect("the generated policies compile");
        // An unchanged policy compiles to what its generated twin does: only the others are
        // compiled again.
        let fresh: Vec<usize> = (0..keys.len()).filter(|&i| status[i] != Status::Unchanged).collect();
        let compiled = compile(fresh.iter().map(|&i| &now[keys[i]].0)).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| {
                    let message = format!("NetworkPolicy `{}`: {}: {}", e.policy, e.path, e.message);
                    let found = &now[keys[fresh[e.index]]].1;
                    Diagnostic::problem(Code::InvalidPolicy, message)
                        .in_file(&found.file)
                        .at_line(found.line, 1)
                })
                .collect::<Vec<_>>()
        })?;
        let position: HashMap<&(String, String), usize> =
            wanted.keys().enumerate().map(|(i, k)| (k, i)).collect();
        let mut compiled = compiled.into_iter();
        let current: Vec<Policy> = (0..keys.len())
            .map(|i| match status[i] {
                Status::Unchanged => generated[position[keys[i]]].clone(),
                _ => compiled.next().expect("one compiled policy for each other"),
            })
            .collect();
        let kept = (0..keys.len()).filter(|&i| status[i] == Status::Kept).map(|i| current[i].clone());
        let generated_count = generated.len();
        let after = generated.into_iter().chain(kept).collect();
        Ok(Sets { scope, wanted, now, keys, status, current, after, generated: generated_count })
    }

    fn policy_ref(&self, i: usize) -> PolicyRef {
        let (namespace, name) = self.keys[i].clone();
        PolicyRef { namespace, name }
    }

    fn rule_at(&self, r: &crate::engine::beyond::RuleRef) -> RuleAt {
        RuleAt { policy: self.policy_ref(r.policy), direction: direction(r.direction), rule: r.rule }
    }

    /// Why a current policy that widens access is applied as it is.
    fn why(&self, i: usize) -> &'static str {
        match self.status[i] {
            Status::Changed | Status::Unchanged => "its content is not what the intent generates",
            _ if is_managed_by(&self.now[self.keys[i]].0, self.scope.name) => {
                "it carries this intent's label, but the intent does not generate it"
            }
            _ => "the intent does not manage it",
        }
    }

    /// What applying does to a current policy that isolated pods: `removed` or `changed`.
    fn action(&self, i: usize) -> &'static str {
        match self.status[i] {
            Status::Changed => "changed",
            _ => "removed",
        }
    }

    /// A `widens-access` danger for each current policy and direction whose rules let
    /// connections through that the generated policies do not: a fact, with the first such
    /// rule, the first connection and how many more.
    fn widening(&self, workloads: &Workloads, found: &[Beyond]) -> Vec<Danger> {
        let mut by: BTreeMap<(usize, Direction), (usize, usize, &Entry)> = BTreeMap::new();
        for b in found {
            for r in &b.by {
                let seen = by.entry((r.policy, r.direction)).or_insert((r.rule, 0, &b.entry));
                seen.0 = seen.0.min(r.rule);
                seen.1 += 1;
            }
        }
        let name = |e: &Endpoint| crate::connreport::endpoint_for_people(workloads, e);
        by.into_iter()
            .map(|((i, d), (rule, count, first))| {
                let (policy, found) = (&self.keys[i].1, &self.now[self.keys[i]].1);
                let more = match count {
                    1 => String::new(),
                    n => format!(", and {} more", n - 1),
                };
                let message = format!(
                    "`{policy}` ({found}) allows {} connections that the intent does not (`spec.{}[{rule}]`): \
                     {} → {} {}{more}; {}, and it is applied as it is",
                    d.as_str(),
                    d.field(),
                    name(&first.src),
                    name(&first.dst),
                    first.conns,
                    self.why(i),
                );
                Danger { kind: DangerKind::WidensAccess, policy: self.policy_ref(i), direction: direction(d), message, fact: true }
            })
            .collect()
    }

    /// For the intent's own model: a `widens-access` danger for each policy and direction
    /// that the model shows no widening for, and that the conservative rule cannot clear.
    fn undecided_widening(&self, facts: &[Danger]) -> Vec<Danger> {
        let covering = Covering::new(self.wanted.values());
        let mut out = Vec::new();
        for i in (0..self.keys.len()).filter(|&i| self.status[i] != Status::Unchanged) {
            let (policy, found) = &self.now[self.keys[i]];
            for w in covering.widenings(policy) {
                let known =
                    facts.iter().any(|f| f.policy == self.policy_ref(i) && f.direction == w.direction);
                if known {
                    continue;
                }
                let (rules, pods) = match w.direction {
                    PolicyType::Ingress => ("ingress", "to"),
                    PolicyType::Egress => ("egress", "from"),
                };
                let message = format!(
                    "`{}` ({found}) may allow {} connections {pods} pods the intent isolates that no generated \
                     policy allows (`spec.{rules}[{}]`): none among the intent's own workloads, but pods with \
                     other labels, namespaces or named ports are not ruled out (`--workloads` decides); {}, \
                     and it is applied as it is",
                    self.keys[i].1,
                    w.direction.as_str(),
                    w.rule,
                    self.why(i)
                );
                let kind = DangerKind::WidensAccess;
                out.push(Danger {
                    kind,
                    policy: self.policy_ref(i),
                    direction: w.direction,
                    message,
                    fact: false,
                });
            }
        }
        out
    }

    /// The isolation dangers in both directions.
    fn isolation(&self, cluster: &Cluster, intent_model: bool) -> Vec<Danger> {
        let mut out = Vec::new();
        let (before, after) = (isolated(cluster, &self.current), isolated(cluster, &self.after));
        for d in [Direction::Ingress, Direction::Egress] {
            let mut lost = before[d as usize].clone();
            lost.and_not(&after[d as usize]);
            let names = |ns: &str| -> Vec<String> {
                lost.iter()
                    .filter(|&c| cluster.workloads.namespaces[cluster.classes[c].namespace].name == ns)
                    .flat_map(|c| {
                        cluster.classes[c].members.iter().map(|&w| cluster.workloads.workloads[w].id())
                    })
                    .collect()
            };
            let namespaces = self.namespace_losses(d, &names);
            let fact_pods = self.pod_losses(cluster, &lost, d, &namespaces);
            if intent_model {
                out.extend(self.undecided_pod_losses(cluster, &lost, d, &namespaces, &fact_pods));
            }
            out.extend(namespaces.into_values());
            out.extend(fact_pods);
        }
        out
    }

    /// `namespace-isolation-lost`: namespaces where a current policy isolates a pod that
    /// carries no labels (so any new pod no other policy selects) in direction `d`, and no
    /// policy after applying does. By namespace; `names(ns)` lists its workloads that lose it.
    fn namespace_losses(
        &self,
        d: Direction,
        names: &dyn Fn(&str) -> Vec<String>,
    ) -> BTreeMap<String, Danger> {
        let bare = Labels::new();
        let mut out = BTreeMap::new();
        let namespaces: BTreeSet<&str> = self.keys.iter().map(|(ns, _)| ns.as_str()).collect();
        for ns in namespaces {
            let after = self.after.iter().any(|p| p.isolates(ns, &bare, d));
            let before = (0..self.keys.len()).filter(|&i| self.current[i].isolates(ns, &bare, d));
            // Name the policy that only isolates (a `default-deny-all`) before one that also allows.
            let first = before
                .min_by_key(|&i| (self.current[i].rules(d).is_some_and(|r| !r.is_empty()), &self.keys[i].1));
            let Some(i) = first.filter(|_| !after) else { continue };
            let (verb, access) = verb(d);
            let among = match names(ns) {
                lost if lost.is_empty() => String::new(),
                lost => format!(" (of the workloads, {})", list(&lost)),
            };
            let message = format!(
                "namespace `{ns}` loses {} isolation: `{}` is {}, and no remaining policy isolates a pod that \
                 no other policy selects; such pods{among} will {verb} {access}",
                d.as_str(),
                self.keys[i].1,
                self.action(i)
            );
            let kind = DangerKind::NamespaceIsolationLost;
            out.insert(
                ns.to_string(),
                Danger { kind, policy: self.policy_ref(i), direction: direction(d), message, fact: true },
            );
        }
        out
    }

    /// `pod-isolation-lost`: the workloads isolated in direction `d` now and not after
    /// applying, outside the namespaces that lose isolation as a whole, by the first current
    /// policy (by name) that isolated them.
    fn pod_losses(
        &self,
        cluster: &Cluster,
        lost: &crate::engine::bits::Bits,
        d: Direction,
        namespaces: &BTreeMap<String, Danger>,
    ) -> Vec<Danger> {
        let mut by: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for c in lost.iter() {
            let class = &cluster.classes[c];
            let ns = &cluster.workloads.namespaces[class.namespace].name;
            if namespaces.contains_key(ns) {
                continue;
            }
            let isolating = (0..self.keys.len()).filter(|&i| self.current[i].isolates(ns, &class.labels, d));
            let Some(i) = isolating.min_by_key(|&i| &self.keys[i].1) else { continue };
            by.entry(i)
                .or_default()
                .extend(class.members.iter().map(|&w| cluster.workloads.workloads[w].id()));
        }
        let (verb, access) = verb(d);
        by.into_iter()
            .map(|(i, mut pods)| {
                pods.sort();
                let message = format!(
                    "pods of {} lose {} isolation: `{}` is {}, and no remaining policy selects them; they will \
                     {verb} {access}",
                    list(&pods),
                    d.as_str(),
                    self.keys[i].1,
                    self.action(i)
                );
                let kind = DangerKind::PodIsolationLost;
                Danger { kind, policy: self.policy_ref(i), direction: direction(d), message, fact: true }
            })
            .collect()
    }

    /// For the intent's own model: a `pod-isolation-lost` danger for each removed or changed
    /// policy that isolated pods in direction `d` of which the model holds none that lose it,
    /// when no remaining policy's selector is sure to isolate them ([`conservative`]).
    fn undecided_pod_losses(
        &self,
        cluster: &Cluster,
        lost: &crate::engine::bits::Bits,
        d: Direction,
        namespaces: &BTreeMap<String, Danger>,
        facts: &[Danger],
    ) -> Vec<Danger> {
        let after: Vec<&NetworkPolicy> = self
            .wanted
            .values()
            .chain(
                (0..self.keys.len())
                    .filter(|&i| self.status[i] == Status::Kept)
                    .map(|i| &self.now[self.keys[i]].0),
            )
            .collect();
        let mut out = Vec::new();
        for i in (0..self.keys.len()).filter(|&i| matches!(self.status[i], Status::Changed | Status::Removed))
        {
            let (ns, p) = (&self.keys[i].0, &self.current[i]);
            let shown = lost.iter().any(|c| {
                let class = &cluster.classes[c];
                &cluster.workloads.namespaces[class.namespace].name == ns && p.isolates(ns, &class.labels, d)
            });
            let named = facts.iter().any(|f| f.policy == self.policy_ref(i));
            if p.rules(d).is_none() || namespaces.contains_key(ns) || shown || named {
                continue;
            }
            let (policy, _) = &self.now[self.keys[i]];
            if !conservative::loses_isolation(policy, direction(d), after.iter().copied()) {
                continue;
            }
            let (verb, access) = verb(d);
            let pods = conservative::describe(&conservative::requirements(
                policy.spec.as_ref().and_then(|s| s.pod_selector.as_ref()),
            ));
            let message = format!(
                "pods `{pods}` in `{ns}` may lose {} isolation: `{}` is {}, and no remaining policy's selector \
                 is sure to select them; none of the intent's own workloads is one of them (`--workloads` \
                 decides), and such pods would {verb} {access}",
                d.as_str(),
                self.keys[i].1,
                self.action(i)
            );
            let kind = DangerKind::PodIsolationLost;
            out.push(Danger {
                kind,
                policy: self.policy_ref(i),
                direction: direction(d),
                message,
                fact: false,
            });
        }
        out
    }
}

/// What a pod left non-isolated in direction `d` does, as words.
fn verb(d: Direction) -> (&'static str, &'static str) {
    match d {
        Direction::Ingress => ("accept", "connections from anywhere"),
        Direction::Egress => ("open", "connections to anywhere"),
    }
}

/// Up to five names in backquotes, then how many more.
fn list(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(5).map(|n| format!("`{n}`")).collect();
    match names.len() {
        n if n > 5 => format!("{} and {} more", shown.join(", "), n - 5),
        _ => shown.join(", "),
    }
}
