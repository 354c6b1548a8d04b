//! netpol-intent as a KRM function (the kustomize functions spec, as run by `kpt` and by
//! `kustomize` exec plugins): a `ResourceList` in, whose `functionConfig` is the NetworkIntent,
//! and the `ResourceList` to write back out, with its items and results.
//!
//! [`run`] is pure (text in, text out); the command line only feeds it standard input. It
//! reuses the core — decode, validate, expand, render — and adds what a function needs: its
//! settings ([`settings`]), which items it owns and where generated policies go
//! ([`placement`]), and what it found ([`results`]), in a ResourceList ([`list`]).
//!
//! Items the function does not own come out as their original text, cut out of the input and
//! re-indented ([`crate::yaml::splice`]), so every field, annotation, comment and scalar
//! spelling stays.

mod connections;
mod list;
mod placement;
mod results;
pub mod settings;

use std::collections::BTreeSet;

use crate::diag::{Code, Diagnostic, Severity};
use crate::intent::validate::ValidIntent;
use crate::yaml::{splice, Node};

use list::List;
use placement::Placement;
use results::{ConfigRef, Results};
use settings::{Mode, Settings};
pub use settings::{OutputPath, DEFAULT_OUTPUT_PATH, MODE_ANNOTATION, OUTPUT_PATH_ANNOTATION};

/// What one run of the function writes: the ResourceList for standard output, the exit status,
/// and the lines for standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KrmRun {
    pub output: String,
    pub exit_code: i32,
    pub log: String,
}

/// Runs the function on the text of a ResourceList (YAML or JSON).
pub fn run(input: &str) -> KrmRun {
    let (src, docs) = match list::parse(input) {
        Ok(read) => read,
        Err(message) => return failure(&message),
    };
    let list = match List::read(&src, &docs) {
        Ok(list) => list,
        Err(message) => return failure(&message),
    };
    let mut results = Results::default();
    let entries = process(&list, &mut results).unwrap_or_else(|| unchanged(&list));
    results.sort();
    let output = list::write(&list.api_version, &entries, list.function_config, &results);
    KrmRun { output, exit_code: results.exit_code(), log: results.log() }
}

/// The output for input that is no ResourceList at all: no items and one error result.
pub fn failure(message: &str) -> KrmRun {
    let mut results = Results::default();
    results.push(Diagnostic::failure(message));
    let output = list::write(list::DEFAULT_API_VERSION, &[], None, &results);
    KrmRun { output, exit_code: results.exit_code(), log: results.log() }
}

/// Does the work: the items to write, as sequence entries, or `None` to write them unchanged.
fn process(list: &List, results: &mut Results) -> Option<Vec<String>> {
    let items = list.items;
    if let Some((i, item)) = items.iter().enumerate().find(|(_, n)| n.as_map().is_none()) {
        let message = format!("items[{i}] is {}: every item must be a mapping", item.kind_name());
        results.push(Diagnostic::failure(message));
        return None;
    }
    let help = "with kpt pass `--fn-config intent.yaml` (or `configPath: intent.yaml` in the Kptfile's \
                pipeline); with kustomize list the intent under `generators:`, `transformers:` or `validators:`";
    let Some(config) = list.function_config else {
        let d =
            Diagnostic::failure("no functionConfig: netpol-intent needs its NetworkIntent as functionConfig");
        results.push(d.with_help(help));
        return None;
    };
    // kpt sends an empty ConfigMap when it is given no `--fn-config`: one error, saying so.
    if list::str_at(config, "kind") == Some("ConfigMap") && list::str_at(config, "apiVersion") == Some("v1") {
        let d = Diagnostic::failure(
            "the functionConfig is a ConfigMap, as kpt sends when it is run without `--fn-config`: \
             netpol-intent needs its NetworkIntent as functionConfig",
        );
        results.push(d.with_help(help));
        return None;
    }
    let ctx = ConfigRef::new(config, items);
    let settings = settings::read(config, &ctx);
    let intent = crate::intent::decode::decode(config).and_then(crate::intent::validate::validate);
    let (valid, settings) = match (intent, settings) {
        (Ok(valid), Ok(settings)) => (valid, settings),
        (intent, settings) => {
            results.extend(settings.err().into_iter().flatten());
            results.extend(intent.err().into_iter().flatten().map(|d| ctx.result(d)));
            return None;
        }
    };
    results.extend(valid.warnings().iter().map(|d| ctx.result(d.clone())));
    results.extend(undeclared_namespaces(&valid, items, &ctx));
    place(list, (config, &ctx), &valid, &settings, results)
}

/// The generated policies placed among the items, as `settings` say.
fn place(
    list: &List,
    (config, ctx): (&Node, &ConfigRef),
    valid: &ValidIntent,
    settings: &Settings,
    results: &mut Results,
) -> Option<Vec<String>> {
    let name = valid.intent().name();
    let policies = crate::policy::expand::expand(valid);
    let placement = Placement::new(list.src, (list.items, config), name, policies, &settings.output_path);
    // A package the run would leave ambiguous is an error in either mode, items unchanged.
    let conflicts = placement.conflicts(ctx);
    if !conflicts.is_empty() {
        results.extend(conflicts);
        return None;
    }
    let summary =
        |summary: String| Diagnostic::new(Severity::Info, None, summary).about(ctx.resource.clone());
    match settings.mode {
        Mode::Generate => {
            let (entries, text) = placement.generate();
            results.push(summary(text));
            Some(entries)
        }
        Mode::Check => {
            let (drift, text) = placement.check();
            results.extend(drift);
            let judged = connections::check(list.items, valid).into_iter();
            results
                .extend(judged.map(|d| if d.resource.is_some() { d } else { d.about(ctx.resource.clone()) }));
            results.push(summary(text));
            None
        }
    }
}

/// Every item, as it came in.
fn unchanged(list: &List) -> Vec<String> {
    list.items.iter().map(|item| splice::entry(list.src, item)).collect()
}

/// Warnings for managed namespaces that no Namespace item declares, when there are any.
fn undeclared_namespaces(valid: &ValidIntent, items: &[Node], ctx: &ConfigRef) -> Vec<Diagnostic> {
    let str_at = list::str_at;
    let declared: BTreeSet<&str> = items
        .iter()
        .filter(|item| str_at(item, "kind") == Some("Namespace") && str_at(item, "apiVersion") == Some("v1"))
        .filter_map(|item| item.get("metadata").and_then(|m| str_at(m, "name")))
        .collect();
    if declared.is_empty() {
        return Vec::new();
    }
    let namespaces = valid.intent().spec.namespaces.iter().filter(|ns| !declared.contains(ns.as_str()));
    namespaces
        .map(|ns| {
            let message = format!(
                "namespace `{}` is managed by the intent, but no Namespace item declares it",
                ns.value
            );
            let mut d =
                ctx.result(Diagnostic::problem(Code::UndeclaredNamespace, message).with_path(&ns.path));
            d.severity = Severity::Warning;
            d
        })
        .collect()
}
