//! `generate` (to standard output, or `-o DIR`), `discover` and `copy-binary`: the commands
//! about intent files.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{read_input, Failure, Io, EXIT_DIFFERENCES, EXIT_OK};
use crate::diag::excerpt::Sources;

/// The intents at `paths`: files, `-`, or directories (their NetworkIntent files, at least
/// one), each read and validated, with their texts; every invalid one is reported, and the
/// warnings of the valid ones go to `warnings`.
pub(super) fn load_intents(
    paths: &[PathBuf],
    stdin: &mut dyn Read,
    warnings: &mut Failure,
) -> Result<(Vec<crate::policy::merge::Loaded>, Sources), Failure> {
    let mut sources = Vec::new();
    for path in paths {
        if path != Path::new("-") && path.is_dir() {
            let found = crate::shell::input::discover::find(path).map_err(Failure::from)?;
            if found.is_empty() {
                return Err(Failure::message(no_intent(path)));
            }
            sources.extend(found.into_iter().map(|s| (s.name, s.text)));
        } else {
            sources.push(read_input(path, stdin)?);
        }
    }
    let mut loaded = Vec::new();
    let mut failure = Failure::default();
    for (file, text) in &sources {
        match crate::load(text) {
            Ok(intent) => {
                warnings.add(file, text, intent.warnings());
                loaded.push(crate::policy::merge::Loaded { file: file.clone(), intent })
            }
            Err(diags) => failure.diags.extend(Failure::in_file(file, diags).diags),
        }
    }
    failure = failure.with_sources(sources.iter().map(|(f, t)| (f.as_str(), t.as_str())));
    match failure.diags.is_empty() {
        true => Ok((loaded, failure.sources)),
        false => Err(failure),
    }
}

fn no_intent(dir: &Path) -> String {
    format!("no NetworkIntent in {}: no .yaml, .yml or .json file under it holds one", dir.display())
}

/// The policies of every intent, merged; an empty result is an error, never empty output.
pub(super) fn generate(paths: &[PathBuf], io: &mut Io, warnings: &mut Failure) -> Result<String, Failure> {
    let (loaded, sources) = load_intents(paths, io.stdin, warnings)?;
    let policies =
        crate::policy::merge::merge(&loaded).map_err(|diags| Failure { diags, sources: sources.clone() })?;
    if policies.is_empty() {
        let files: Vec<&str> = loaded.iter().map(|l| l.file.as_str()).collect();
        return Err(Failure::message(format!(
            "{} generated no NetworkPolicy: printing nothing would tell a deployer to delete them all",
            files.join(", ")
        )));
    }
    Ok(crate::policy::render::to_yaml(&policies))
}

/// The NetworkIntent files under `dir`, one per line; none is exit status 1, with the reason.
pub(super) fn discover(dir: &Path, io: &mut Io) -> Result<(String, i32), Failure> {
    let found = crate::shell::input::discover::find(dir).map_err(Failure::from)?;
    if found.is_empty() {
        let _ = writeln!(io.stderr, "{}", no_intent(dir));
        return Ok((String::new(), EXIT_DIFFERENCES));
    }
    Ok((found.iter().map(|s| format!("{}\n", s.name)).collect(), EXIT_OK))
}

/// Copies the running binary to `dest`: written beside it, made executable, then renamed
/// over it, so that `dest` is never a partial file.
pub(super) fn copy_binary(dest: &Path) -> Result<(), Failure> {
    let fail =
        |e: std::io::Error| Failure::message(format!("cannot copy the binary to {}: {e}", dest.display()));
    let me = std::env::current_exe().map_err(fail)?;
    let name =
        dest.file_name().ok_or_else(|| Failure::message(format!("{} is no file path", dest.display())))?;
    let partial = dest.with_file_name(format!(".{}.partial", name.to_string_lossy()));
    std::fs::copy(&me, &partial).map_err(fail)?;
    #[cfg(unix)]
    std::fs::set_permissions(&partial, std::os::unix::fs::PermissionsExt::from_mode(0o755)).map_err(fail)?;
    std::fs::rename(&partial, dest).map_err(fail)
}

/// Writes the policies of every intent into `dir` (see [`crate::shell::outdir`]), or with
/// `check` only says what that would change: the diff on standard output, exit status 1 when
/// DIR is stale. A summary goes to standard error.
pub(super) fn generate_into(
    paths: &[PathBuf],
    dir: &Path,
    check: bool,
    io: &mut Io,
    warnings: &mut Failure,
) -> Result<(String, i32), Failure> {
    let (loaded, sources) = load_intents(paths, io.stdin, warnings)?;
    let policies = crate::policy::merge::merge(&loaded).map_err(|diags| Failure { diags, sources })?;
    let names: Vec<&str> = loaded.iter().map(|l| l.intent.intent().name()).collect();
    let failed = |e: crate::shell::outdir::Error| Failure::message(e.to_string());
    if !check {
        let written = crate::shell::outdir::write(dir, &names, &policies).map_err(failed)?;
        let _ = writeln!(io.stderr, "{}: {written}", dir.display());
        return Ok((String::new(), EXIT_OK));
    }
    let checked = crate::shell::outdir::check(dir, &names, &policies).map_err(failed)?;
    let w = &checked.would;
    if !checked.is_stale() {
        let _ = writeln!(io.stderr, "{}: up to date", dir.display());
        return Ok((String::new(), EXIT_OK));
    }
    let _ = writeln!(
        io.stderr,
        "{}: stale: {} to write, {} to remove; the same command without `--check` updates it",
        dir.display(),
        w.written,
        w.removed
    );
    Ok((checked.diff, EXIT_DIFFERENCES))
}
