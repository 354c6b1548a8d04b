//! `diff`: what intents generate against the policies a repository or cluster holds.
//!
//! Several intents (files, or directories of them) give one report per intent, in the order
//! of their files, each naming its intent: every report is exactly the one that intent alone
//! would give, since intents that share a namespace or a name are refused before any report.
//! Text and Markdown reports follow one another, a blank line apart; JSON reports are one JSON
//! document each, one after the other (`jq -s` reads them as one array). The exit status is 1
//! when any report fails `--fail-on`.

use std::path::{Path, PathBuf};

use super::{FailOn, Failure, Format, Io, EXIT_DIFFERENCES, EXIT_OK};
use crate::policy::ownership::MANAGED_BY_LABEL;

/// The reports of `intents` against the policies at `against`, the labels `ignored` left out of
/// the comparison; exit status 1 when `fail_on` says a report fails.
#[allow(clippy::too_many_arguments)]
pub(super) fn diff(
    intents: &[PathBuf],
    against: &Path,
    format: Format,
    colour: bool,
    default_namespace: &str,
    fail_on: FailOn,
    ignored: &[String],
    io: &mut Io,
    warnings: &mut Failure,
) -> Result<(String, i32), Failure> {
    if against == Path::new("-") && intents.iter().any(|i| i == Path::new("-")) {
        return Err(Failure::message("the intent and `--against` cannot both be standard input".to_string()));
    }
    check_ignored(ignored)?;
    let (loaded, sources) = super::generate::load_intents(intents, io.stdin, warnings)?;
    crate::policy::merge::merge(&loaded).map_err(|diags| Failure { diags, sources })?;
    let collected = crate::shell::input::collect::collect(against, io.stdin).map_err(Failure::from)?;
    let current = crate::policy::read::read(&collected, default_namespace)
        .map_err(|problems| Failure::from(problems).with_sources(texts(&collected)))?;
    let reports: Vec<crate::diff::Report> =
        loaded.iter().map(|l| crate::diff_current(&l.intent, &current, ignored)).collect();
    let shown: Vec<String> = reports
        .iter()
        .map(|report| match format {
            Format::Text => crate::report::text(report, colour),
            Format::Markdown => crate::report::markdown(report),
            Format::Json => crate::report::json(report),
        })
        .collect();
    let output = shown.join(if format == Format::Json { "" } else { "\n" });
    let fails = reports.iter().any(|r| fail_on.fails(r));
    Ok((output, if fails { EXIT_DIFFERENCES } else { EXIT_OK }))
}

/// Every `--ignore-label` is a label key, and not the managed-by label, which says which
/// policies are an intent's.
fn check_ignored(ignored: &[String]) -> Result<(), Failure> {
    for key in ignored {
        if key == MANAGED_BY_LABEL {
            return Err(Failure::message(format!(
                "`--ignore-label {key}`: the label says which policies are an intent's, so it cannot be ignored"
            )));
        }
        if let Err(why) = crate::k8s::names::label_key(key) {
            return Err(Failure::message(format!("`--ignore-label {key}` is no label key: it {why}")));
        }
    }
    Ok(())
}

/// The name and text of every file collected, for the excerpts of errors in them.
pub(super) fn texts(collected: &crate::policy::read::Collected) -> impl Iterator<Item = (&str, &str)> {
    let disputed = collected.disputed.iter().map(|d| &d.source);
    let all = collected.deployed.iter().chain(&collected.unlisted).chain(disputed);
    all.map(|s| (s.name.as_str(), s.text.as_str()))
}
