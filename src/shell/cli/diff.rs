//! `diff`: what intents generate against the policies a repository or cluster holds.
//!
//! Several intents (files, or directories of them) give one report per intent, in the order
//! of their files, each naming its intent: every report is exactly the one that intent alone
//! would give, since intents that share a namespace or a name are refused before any report.
//! Text and Markdown reports follow one another, a blank line apart; JSON reports are one JSON
//! document each, one after the other (`jq -s` reads them as one array). The exit status is 1
//! when any report fails `--fail-on`.

use std::path::{Path, PathBuf};

use super::{analyze, FailOn, Failure, Format, Io, EXIT_DIFFERENCES, EXIT_OK};
use crate::policy::ownership::MANAGED_BY_LABEL;

/// What `diff` reads: the intents, the current policies, and the workloads to judge
/// connections among (the intents' own without them).
pub(super) struct Inputs<'a> {
    pub intents: &'a [PathBuf],
    pub against: &'a Path,
    pub workloads: Option<&'a Path>,
}

/// How `diff` compares and reports.
pub(super) struct Options<'a> {
    pub format: Format,
    pub colour: bool,
    pub default_namespace: &'a str,
    pub fail_on: FailOn,
    /// Labels left out of the comparison, on both sides.
    pub ignored: &'a [String],
}

/// The reports of the intents against the current policies, with the warnings of the intents
/// in `warnings`; exit status 1 when `fail_on` says a report fails.
pub(super) fn diff(
    inputs: &Inputs,
    options: &Options,
    io: &mut Io,
    warnings: &mut Failure,
) -> Result<(String, i32), Failure> {
    let stdin = |p: &Path| p == Path::new("-");
    let from_stdin = inputs.intents.iter().filter(|i| stdin(i)).count()
        + usize::from(stdin(inputs.against))
        + usize::from(inputs.workloads.is_some_and(stdin));
    if from_stdin > 1 {
        return Err(Failure::message(
            "only one of the intent, `--against` and `--workloads` can be standard input".to_string(),
        ));
    }
    check_ignored(options.ignored)?;
    let (loaded, sources) = super::generate::load_intents(inputs.intents, io.stdin, warnings)?;
    crate::policy::merge::merge(&loaded).map_err(|diags| Failure { diags, sources })?;
    let collected = crate::shell::input::collect::collect(inputs.against, io.stdin).map_err(Failure::from)?;
    let current = crate::policy::read::read(&collected, options.default_namespace)
        .map_err(|problems| Failure::from(problems).with_sources(texts(&collected)))?;
    let among = inputs.workloads.map(|path| read_among(path, io)).transpose()?;
    let mut reports = Vec::new();
    for l in &loaded {
        let report = crate::diff_current(&l.intent, &current, options.ignored, among.clone());
        reports.push(report.map_err(|problems| Failure::from(problems).with_sources(texts(&collected)))?);
    }
    let shown: Vec<String> = reports
        .iter()
        .map(|report| match options.format {
            Format::Text => crate::report::text(report, options.colour),
            Format::Markdown => crate::report::markdown(report),
            Format::Json => crate::report::json(report),
        })
        .collect();
    let output = shown.join(if options.format == Format::Json { "" } else { "\n" });
    let fails = reports.iter().any(|r| options.fail_on.fails(r));
    Ok((output, if fails { EXIT_DIFFERENCES } else { EXIT_OK }))
}

/// The workloads at `path`, with the name the report gives them.
fn read_among(path: &Path, io: &mut Io) -> Result<(String, crate::engine::Workloads), Failure> {
    let shown = match path == Path::new("-") {
        true => crate::diag::STDIN.to_string(),
        false => path.display().to_string(),
    };
    Ok((shown, analyze::read_workloads(path, io.stdin)?))
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
