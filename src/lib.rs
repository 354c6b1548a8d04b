//! netpol-intent: a NetworkIntent file in, Kubernetes NetworkPolicies out.
//!
//! The core is pure, a folder per stage: [`yaml`] (parse, emit, splice) → [`intent`] (decode,
//! validate) → [`policy`] (expand, render; read what a repository holds) → [`diff`] →
//! [`report`], each a function from data to data plus [`diag`]nostics ([`load`],
//! [`policy::expand::expand`], [`policy::render::to_yaml`]). Beside it, the connectivity
//! engine ([`engine`]) computes what any NetworkPolicies allow among workloads, knowing
//! nothing of the intent; [`verify`] reads what an intent means and compares the two;
//! [`connreport`] renders their results. The [`shell`]s — the command line, the reading of
//! files, `generate -o`, the KRM function — are the only code that touches files, the
//! environment or the process's streams (`tests/architecture.rs` checks both rules).
#![warn(clippy::print_stdout, clippy::print_stderr, clippy::too_many_lines)]

pub mod connreport;
pub mod diag;
pub mod diff;
pub mod engine;
pub mod intent;
pub mod k8s;
pub mod policy;
pub mod report;
pub mod shell;
pub mod verify;
pub mod yaml;

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::diag::Diagnostic;
use crate::diff::Report;
use crate::intent::validate::ValidIntent;
use crate::policy::read::Collected;

/// Reads and checks an intent file's text.
pub fn load(src: &str) -> Result<ValidIntent, Vec<Diagnostic>> {
    intent::validate::validate(intent::decode::parse(src)?)
}

/// The NetworkPolicies an intent file's text asks for, sorted by namespace, then name.
pub fn generate(src: &str) -> Result<Vec<NetworkPolicy>, Vec<Diagnostic>> {
    Ok(policy::expand::expand(&load(src)?))
}

/// Why a diff could not be made: the intent is invalid, or the current policies are.
#[derive(Clone, Debug)]
pub enum DiffError {
    Intent(Vec<Diagnostic>),
    Current(Vec<Diagnostic>),
}

/// The diff of an intent file's text against the current policies `collected` (a policy with
/// no namespace is in `default_namespace`), its connections judged among the intent's own
/// workloads ([`diff::model`]). The command line's `diff` is this, plus reading the files
/// ([`shell::input::collect`]) and printing the report ([`report`]).
pub fn diff(src: &str, collected: &Collected, default_namespace: &str) -> Result<Report, DiffError> {
    diff_among(src, collected, default_namespace, None)
}

/// [`diff`], its connections judged among `workloads` when given (with the path they were
/// read from, for the report), else among the intent's own.
pub fn diff_among(
    src: &str,
    collected: &Collected,
    default_namespace: &str,
    workloads: Option<(String, engine::Workloads)>,
) -> Result<Report, DiffError> {
    let valid = load(src).map_err(DiffError::Intent)?;
    let current = policy::read::read(collected, default_namespace).map_err(DiffError::Current)?;
    diff_current(&valid, &current, &[], workloads).map_err(DiffError::Current)
}

/// The diff of a valid intent against the current policies, read, among `workloads` (with the
/// path they were read from) or the intent's own; the labels `ignored` (such as a deployer's
/// tracking label) taken out of both sides before they are compared. The managed-by label,
/// which says which policies are an intent's, is never ignored. Errors for current policies
/// the connectivity engine refuses.
pub fn diff_current(
    valid: &ValidIntent,
    current: &policy::read::Current,
    ignored: &[String],
    workloads: Option<(String, engine::Workloads)>,
) -> Result<Report, Vec<Diagnostic>> {
    let ignored: Vec<String> =
        ignored.iter().filter(|k| *k != policy::ownership::MANAGED_BY_LABEL).cloned().collect();
    let policies = current.policies.iter().cloned().map(|mut p| {
        p.policy = policy::normalize::without_labels(p.policy, &ignored);
        p
    });
    let mut report = diff_valid(valid, policies.collect(), &ignored, workloads)?;
    report.unlisted = current.unlisted.iter().cloned().map(diff::NotListed::from).collect();
    Ok(report)
}

/// The diff of a valid intent against `current` policies, the labels `ignored` taken out of
/// the generated ones, among `workloads` (with a name for them, and a new pod in each managed
/// namespace) or the intent's own: what `diff` and the KRM function's check mode share. Errors
/// for current policies the connectivity engine refuses.
pub fn diff_valid(
    valid: &ValidIntent,
    current: Vec<policy::read::CurrentPolicy>,
    ignored: &[String],
    workloads: Option<(String, engine::Workloads)>,
) -> Result<Report, Vec<Diagnostic>> {
    let intent = valid.intent();
    let scope =
        diff::Scope { name: intent.name(), managed: valid.managed(), isolation: &intent.spec.isolation };
    let among = match workloads {
        Some((from, workloads)) => {
            let (workloads, new_pods) = diff::model::with_new_pods(valid, workloads);
            (diff::Model::Given { from, new_pods }, workloads)
        }
        None => (diff::Model::Intent, diff::model::of_intent(valid)),
    };
    let generated =
        policy::expand::expand(valid).into_iter().map(|p| policy::normalize::without_labels(p, ignored));
    diff::diff(&scope, generated.collect(), current, among)
}
