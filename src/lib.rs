//! netpol-intent: a NetworkIntent file in, Kubernetes NetworkPolicies out.
//!
//! The core is pure: parse → validate → expand → render → diff, each a function from data to
//! data plus diagnostics ([`load`], [`expand::expand`], [`render::to_yaml`]). The command line
//! ([`cli`]), the KRM function and the GitHub Action are shells around it.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod decode;
pub mod diag;
pub mod expand;
pub mod intent;
pub mod krm;
pub mod names;
pub mod render;
pub mod validate;
pub mod yaml;

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::diag::Diagnostic;
use crate::validate::ValidIntent;

/// Reads and checks an intent file's text.
pub fn load(src: &str) -> Result<ValidIntent, Vec<Diagnostic>> {
    validate::validate(decode::parse(src)?)
}

/// The NetworkPolicies an intent file's text asks for, sorted by namespace, then name.
pub fn generate(src: &str) -> Result<Vec<NetworkPolicy>, Vec<Diagnostic>> {
    Ok(expand::expand(&load(src)?))
}
