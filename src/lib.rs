//! netpol-intent: a NetworkIntent file in, Kubernetes NetworkPolicies out.
//!
//! The core is pure: parse → validate → expand → render → diff, each a function from data to
//! data plus diagnostics ([`load`], [`expand::expand`], [`render::to_yaml`]). The command line
//! ([`cli`]), the KRM function and the GitHub Action are shells around it. Beside the core, the
//! connectivity engine ([`engine`]) computes what any NetworkPolicies allow among workloads;
//! [`verify`] reads what an intent means and compares the two.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod analyze;
pub mod cli;
pub mod connreport;
pub mod current;
pub mod decode;
pub mod diag;
pub mod diff;
pub mod discover;
pub mod engine;
pub mod expand;
pub mod init;
pub mod intent;
pub mod krm;
pub mod kustomize;
pub mod merge;
pub mod names;
pub mod outdir;
pub mod render;
pub mod report;
pub mod validate;
pub mod verify;
pub mod widening;
pub mod yaml;

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::current::{Collected, Problem};
use crate::diag::Diagnostic;
use crate::diff::Report;
use crate::validate::ValidIntent;

/// Reads and checks an intent file's text.
pub fn load(src: &str) -> Result<ValidIntent, Vec<Diagnostic>> {
    validate::validate(decode::parse(src)?)
}

/// The NetworkPolicies an intent file's text asks for, sorted by namespace, then name.
pub fn generate(src: &str) -> Result<Vec<NetworkPolicy>, Vec<Diagnostic>> {
    Ok(expand::expand(&load(src)?))
}

/// Why a diff could not be made: the intent is invalid, or the current policies are.
#[derive(Clone, Debug)]
pub enum DiffError {
    Intent(Vec<Diagnostic>),
    Current(Vec<Problem>),
}

/// The diff of an intent file's text against the current policies `collected` (a policy with
/// no namespace is in `default_namespace`). The command line's `diff` is this, plus reading
/// the files ([`current::collect`]) and printing the report ([`report`]).
pub fn diff(src: &str, collected: &Collected, default_namespace: &str) -> Result<Report, DiffError> {
    let valid = load(src).map_err(DiffError::Intent)?;
    let current = current::read(collected, default_namespace).map_err(DiffError::Current)?;
    let intent = valid.intent();
    let scope =
        diff::Scope { name: intent.name(), managed: valid.managed(), isolation: &intent.spec.isolation };
    let mut report = diff::diff(&scope, expand::expand(&valid), current.policies);
    report.unlisted = current.unlisted.into_iter().map(diff::NotListed::from).collect();
    Ok(report)
}
