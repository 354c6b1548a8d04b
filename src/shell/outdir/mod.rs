//! `generate -o DIR`: the policies as one file each, `DIR/<namespace>/<name>.yaml`, and a
//! `DIR/kustomization.yaml` that lists them, for Flux and for review in a repository.
//!
//! Ownership is read from the files' content: a file holding exactly one NetworkPolicy with
//! the managed-by label and this intent's annotation is this intent's; with the label and
//! another intent's annotation, that intent's; anything else is the user's. This intent's
//! files that it no longer generates are removed; nothing else is ever changed. The
//! `kustomization.yaml` is netpol-intent's when it starts with [`KUSTOMIZATION_MARKER`]; it
//! lists the files of every intent in DIR. One that netpol-intent did not write is an error.
//!
//! A write never leaves DIR and never goes through a symbolic link: DIR itself must not be one
//! (nor, for a relative DIR, any directory on the way to it), and a link in DIR where a file or
//! directory is to be written makes the run fail before anything is written. DIR may not be
//! `/`, hold the current directory, or hold a `.git` anywhere; every directory in it must be
//! writable, since DIR is replaced as a whole. Everything kept keeps its mode, and a rewritten
//! file the mode it had.
//!
//! What to write, keep, remove and list is a pure [`plan`] of a snapshot of DIR; [`apply`]
//! reads the snapshot and carries the plan out. The change is atomic: the new content of DIR is staged in a sibling directory (new files
//! written, every kept file hard-linked, or copied where a link fails) and swapped with DIR
//! in one `renameat2(RENAME_EXCHANGE)`. Where the kernel or file system lacks it, DIR is moved
//! aside and the staged directory moved in: two renames, with a moment in between when DIR
//! does not exist. `docs/output-directory.md` spells out the guarantees.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use k8s_openapi::api::networking::v1::NetworkPolicy;

mod apply;
mod plan;

pub use plan::{kustomization, policy_path};

/// The first line of a `kustomization.yaml` that netpol-intent wrote.
pub const KUSTOMIZATION_MARKER: &str = "# Written by netpol-intent";

/// Why DIR was left as it was.
#[derive(Debug)]
pub enum Error {
    /// A file system operation failed.
    Io { action: &'static str, path: PathBuf, source: io::Error },
    /// A file in the way is not this intent's.
    NotOurs { path: PathBuf, owner: String },
    /// A `kustomization.yaml` (or `.yml`, `Kustomization`) that netpol-intent did not write.
    ForeignKustomization { path: PathBuf },
    /// Generated text holds `${`, which Flux's post-build substitution would replace.
    Substitution { what: String },
    /// Something in DIR that cannot be kept in the new copy: a socket, a device.
    Special { path: PathBuf },
    /// DIR exists and is not a directory, or has no parent; or a file is where a directory is
    /// to be written.
    NotADirectory { path: PathBuf },
    /// A symbolic link where netpol-intent would write, or DIR (or a directory on the way to
    /// it) is one.
    Symlink { path: PathBuf, target: PathBuf },
    /// DIR is `/`, holds the current directory, or holds a `.git`.
    Unsafe { path: PathBuf, why: &'static str },
    /// A directory that netpol-intent would have to change is read-only.
    ReadOnly { path: PathBuf, mode: u32 },
    /// A failure injected by a test through [`write_with`].
    Injected(Step),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { action, path, source } => write!(f, "cannot {action} {}: {source}", path.display()),
            Error::NotOurs { path, owner } => write!(
                f,
                "{} is {owner}, not this intent's; it is left as it is and nothing was written",
                path.display()
            ),
            Error::ForeignKustomization { path } => write!(
                f,
                "{} was not written by netpol-intent (its first line is not `{KUSTOMIZATION_MARKER}`); \
                 nothing was written. Give netpol-intent a directory of its own and list that directory \
                 in your kustomization's `resources`",
                path.display()
            ),
            Error::Substitution { what } => write!(
                f,
                "the generated text of {what} contains `${{`, which Flux's post-build substitution would \
                 replace; nothing was written"
            ),
            Error::Special { path } => {
                write!(
                    f,
                    "{} is neither a file, a directory nor a symbolic link; nothing was written",
                    path.display()
                )
            }
            Error::NotADirectory { path } => {
                write!(f, "{} is not a directory; nothing was written", path.display())
            }
            Error::Symlink { path, target } => write!(
                f,
                "{} is a symbolic link (to {}); netpol-intent writes through no link, so nothing was \
                 written. Replace the link by a directory of its own, or give the directory it points to",
                path.display(),
                target.display()
            ),
            Error::Unsafe { path, why } => write!(
                f,
                "{} {why}; netpol-intent replaces DIR as a whole, so nothing was written. Give it a \
                 directory of its own (deploy/policies, say), and run it from outside that directory",
                path.display()
            ),
            Error::ReadOnly { path, mode } => write!(
                f,
                "{} is read-only (mode {mode:04o}); netpol-intent replaces DIR as a whole, so every \
                 directory in it (and the one holding it) must be writable; nothing was written",
                path.display()
            ),
            Error::Injected(step) => write!(f, "failure injected at {step:?}"),
        }
    }
}

impl std::error::Error for Error {}

pub(crate) fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> Error + 'a {
    move |source| Error::Io { action, path: path.to_path_buf(), source }
}

/// The points at which [`write_with`] calls its hook, for tests to fail there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// After staging the n-th file (1-based).
    Staged(usize),
    /// Everything staged; DIR not yet touched.
    BeforeSwap,
}

/// What a write did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files created or rewritten: policy files and the `kustomization.yaml`.
    pub written: usize,
    /// Policy files already as generated.
    pub unchanged: usize,
    /// The files of the intents written that they no longer generate, now gone.
    pub removed: usize,
    /// Other files in DIR (users', other intents'), kept as they were.
    pub kept: usize,
    /// The old content, when it could not be deleted after the swap.
    pub leftover: Option<PathBuf>,
}

impl fmt::Display for Written {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} written, {} unchanged, {} removed, {} other files kept",
            self.written, self.unchanged, self.removed, self.kept
        )?;
        if let Some(path) = &self.leftover {
            write!(f, " (could not delete the old copy at {})", path.display())?;
        }
        Ok(())
    }
}

/// What `generate -o DIR --check` found: what a write would do, and the change as a diff.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// The counts a write would report.
    pub would: Written,
    /// What would change, a unified diff per file; empty when DIR is up to date.
    pub diff: String,
}

impl Checked {
    pub fn is_stale(&self) -> bool {
        !self.diff.is_empty()
    }
}

/// Writes `policies`, generated by the intents named `intents`, into `dir`.
pub fn write(dir: &Path, intents: &[&str], policies: &[NetworkPolicy]) -> Result<Written, Error> {
    write_with(dir, intents, policies, &mut |_| Ok(()))
}

/// What [`write`] would do, changing nothing: DIR is only read.
pub fn check(dir: &Path, intents: &[&str], policies: &[NetworkPolicy]) -> Result<Checked, Error> {
    let (resolved, exists) = locate(dir)?;
    let (snapshot, plan) = planned(dir, &resolved, exists, intents, policies)?;
    Ok(Checked { diff: plan::diff(dir, &snapshot, &plan), would: plan.written })
}

/// DIR resolved (see [`apply::resolve`]), and whether it exists.
fn locate(shown: &Path) -> Result<(PathBuf, bool), Error> {
    let dir = apply::resolve(shown)?;
    match fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => Ok((dir, true)),
        Ok(_) => Err(Error::NotADirectory { path: dir }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((dir, false)),
        Err(e) => Err(io_err("read", &dir)(e)),
    }
}

/// The snapshot of DIR and the plan of writing `policies` into it.
fn planned(
    shown: &Path,
    dir: &Path,
    exists: bool,
    intents: &[&str],
    policies: &[NetworkPolicy],
) -> Result<(plan::Snapshot, plan::Plan), Error> {
    let new_files = plan::files(policies)?;
    let mut snapshot = plan::Snapshot::new();
    if exists {
        apply::scan(dir, "", intents, &mut snapshot)?;
    }
    let plan = plan::plan(shown, &snapshot, &new_files)?;
    Ok((snapshot, plan))
}

/// [`write`], calling `hook` at each [`Step`]; an error from it aborts the write as any other
/// failure would.
pub fn write_with(
    dir: &Path,
    intents: &[&str],
    policies: &[NetworkPolicy],
    hook: &mut dyn FnMut(Step) -> Result<(), Error>,
) -> Result<Written, Error> {
    // Messages name files under DIR as the user gave it.
    let shown = dir;
    let (dir, exists) = locate(shown)?;
    let (Some(parent), Some(base)) = (dir.parent(), dir.file_name()) else {
        return Err(Error::NotADirectory { path: dir });
    };
    let (snapshot, plan) = planned(shown, &dir, exists, intents, policies)?;
    apply::check_writable(&dir, shown, parent, exists, &snapshot)?;
    if plan.changes_nothing() {
        return Ok(plan.written);
    }

    // Stage the new content next to DIR, on the same file system.
    let stage = apply::sibling(parent, base, "new");
    if !parent.exists() {
        fs::create_dir_all(parent).map_err(io_err("create", parent))?;
    }
    fs::create_dir(&stage).map_err(io_err("create", &stage))?;
    if let Err(e) = apply::stage_into(&stage, &dir, exists, &snapshot, &plan, hook) {
        let _ = fs::remove_dir_all(&stage);
        return Err(e);
    }

    // Swap it in.
    let mut written = plan.written;
    if !exists {
        if let Err(e) = fs::rename(&stage, &dir) {
            let _ = fs::remove_dir_all(&stage);
            return Err(io_err("create", &dir)(e));
        }
    } else {
        let old = apply::swap(&stage, &dir, apply::sibling(parent, base, "old"), apply::exchange)?;
        if fs::remove_dir_all(&old).is_err() {
            written.leftover = Some(old);
        }
    }
    if let Ok(f) = fs::File::open(parent) {
        let _ = f.sync_all();
    }
    Ok(written)
}
