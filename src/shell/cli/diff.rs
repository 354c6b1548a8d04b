//! `diff`: what an intent generates against the policies a repository or cluster holds.

use std::path::Path;

use super::{analyze, read_input, FailOn, Failure, Format, Io, EXIT_DIFFERENCES, EXIT_OK};

/// The report of `intent` against the policies at `against`, its connections judged among the
/// workloads at `workloads` when given; exit status 1 when `fail_on` says the report fails.
#[allow(clippy::too_many_arguments)]
pub(super) fn diff(
    intent: &Path,
    against: &Path,
    workloads: Option<&Path>,
    format: Format,
    colour: bool,
    default_namespace: &str,
    fail_on: FailOn,
    io: &mut Io,
) -> Result<(String, i32), Failure> {
    if intent == Path::new("-") && against == Path::new("-") {
        return Err(Failure::message("the intent and `--against` cannot both be standard input".to_string()));
    }
    if workloads == Some(Path::new("-")) && (intent == Path::new("-") || against == Path::new("-")) {
        return Err(Failure::message(
            "only one of the intent, `--against` and `--workloads` can be standard input".to_string(),
        ));
    }
    let (name, text) = read_input(intent, io.stdin)?;
    let sources = crate::shell::input::collect::collect(against, io.stdin).map_err(Failure::from)?;
    let among = workloads.map(|path| read_among(path, io)).transpose()?;
    let report = crate::diff_among(&text, &sources, default_namespace, among).map_err(|e| match e {
        crate::DiffError::Intent(diags) => Failure::in_file(&name, diags),
        crate::DiffError::Current(problems) => Failure(problems),
    })?;
    let output = match format {
        Format::Text => crate::report::text(&report, colour),
        Format::Markdown => crate::report::markdown(&report),
        Format::Json => crate::report::json(&report),
    };
    Ok((output, if fail_on.fails(&report) { EXIT_DIFFERENCES } else { EXIT_OK }))
}

/// The workloads at `path`, with the name the report gives them.
fn read_among(path: &Path, io: &mut Io) -> Result<(String, crate::engine::Workloads), Failure> {
    let shown = match path == Path::new("-") {
        true => crate::diag::STDIN.to_string(),
        false => path.display().to_string(),
    };
    Ok((shown, analyze::read_workloads(path, io.stdin)?))
}
