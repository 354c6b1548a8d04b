//! `diff`: what an intent generates against the policies a repository or cluster holds.

use std::path::Path;

use super::{read_input, FailOn, Failure, Format, Io, EXIT_DIFFERENCES, EXIT_OK};

/// The report of `intent` against the policies at `against`; exit status 1 when `fail_on`
/// says the report fails.
#[allow(clippy::too_many_arguments)]
pub(super) fn diff(
    intent: &Path,
    against: &Path,
    format: Format,
    colour: bool,
    default_namespace: &str,
    fail_on: FailOn,
    io: &mut Io,
) -> Result<(String, i32), Failure> {
    if intent == Path::new("-") && against == Path::new("-") {
        return Err(Failure::message("the intent and `--against` cannot both be standard input".to_string()));
    }
    let (name, text) = read_input(intent, io.stdin)?;
    let sources = crate::shell::input::collect::collect(against, io.stdin).map_err(Failure::from)?;
    let report = crate::diff(&text, &sources, default_namespace).map_err(|e| match e {
        crate::DiffError::Intent(diags) => Failure::in_file(&name, diags).with_source(&name, &text),
        crate::DiffError::Current(problems) => Failure::from(problems).with_sources(texts(&sources)),
    })?;
    let output = match format {
        Format::Text => crate::report::text(&report, colour),
        Format::Markdown => crate::report::markdown(&report),
        Format::Json => crate::report::json(&report),
    };
    Ok((output, if fail_on.fails(&report) { EXIT_DIFFERENCES } else { EXIT_OK }))
}

/// The name and text of every file collected, for the excerpts of errors in them.
pub(super) fn texts(collected: &crate::policy::read::Collected) -> impl Iterator<Item = (&str, &str)> {
    let disputed = collected.disputed.iter().map(|d| &d.source);
    let all = collected.deployed.iter().chain(&collected.unlisted).chain(disputed);
    all.map(|s| (s.name.as_str(), s.text.as_str()))
}
