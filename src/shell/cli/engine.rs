//! `connectivity`, `explain` and `verify`: the commands of the connectivity engine, which
//! read their inputs here and leave the work to [`super::analyze`].

use std::path::Path;

use super::{analyze, read_input, Failure, Format, Io, EXIT_DIFFERENCES, EXIT_OK};

/// The workloads and the policies of `connectivity` and `explain`; at most one of them may be
/// standard input.
fn read_workloads_and_policies(
    policies: &Path,
    workloads: &Path,
    default_namespace: &str,
    io: &mut Io,
) -> Result<(crate::engine::Workloads, Vec<crate::engine::Policy>), Failure> {
    if policies == Path::new("-") && workloads == Path::new("-") {
        return Err(Failure::message(
            "`--policies` and `--workloads` cannot both be standard input".to_string(),
        ));
    }
    let w = analyze::read_workloads(workloads, io.stdin)?;
    let p = analyze::read_policies(policies, default_namespace, io.stdin)?;
    Ok((w, p))
}

pub(super) fn connectivity(
    policies: &Path,
    workloads: &Path,
    format: Format,
    default_namespace: &str,
    io: &mut Io,
) -> Result<String, Failure> {
    let (w, p) = read_workloads_and_policies(policies, workloads, default_namespace, io)?;
    Ok(analyze::connectivity(w, &p, format))
}

pub(super) fn explain(
    ends: &[&str; 2],
    port: Option<&str>,
    policies: &Path,
    workloads: &Path,
    default_namespace: &str,
    io: &mut Io,
) -> Result<String, Failure> {
    let (w, p) = read_workloads_and_policies(policies, workloads, default_namespace, io)?;
    analyze::explain(&w, &p, ends[0], ends[1], port)
}

/// `verify`: the intent's reading against the generated policies, or `policies`.
pub(super) fn verify(
    intent: &Path,
    workloads: &Path,
    policies: Option<&Path>,
    format: Format,
    default_namespace: &str,
    io: &mut Io,
    warnings: &mut Failure,
) -> Result<(String, i32), Failure> {
    let inputs = [Some(intent), Some(workloads), policies];
    if inputs.iter().flatten().filter(|p| **p == Path::new("-")).count() > 1 {
        return Err(Failure::message("only one input can be standard input".to_string()));
    }
    let (name, text) = read_input(intent, io.stdin)?;
    let valid =
        crate::load(&text).map_err(|diags| Failure::in_file(&name, diags).with_source(&name, &text))?;
    warnings.add(&name, &text, valid.warnings());
    let w = analyze::read_workloads(workloads, io.stdin)?;
    let p = match policies {
        Some(path) => analyze::read_policies(path, default_namespace, io.stdin)?,
        None => analyze::compile_generated(&crate::policy::expand::expand(&valid), &name)?,
    };
    let (output, agree) = analyze::verify(&valid, w, &p, &name, format);
    Ok((output, if agree { EXIT_OK } else { EXIT_DIFFERENCES }))
}
