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
//! The change is atomic: the new content of DIR is staged in a sibling directory (new files
//! written, every kept file hard-linked, or copied where a link fails) and swapped with DIR
//! in one `renameat2(RENAME_EXCHANGE)`. Where the kernel or file system lacks it, DIR is moved
//! aside and the staged directory moved in: two renames, with a moment in between when DIR
//! does not exist. `docs/output-directory.md` spells out the guarantees.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::yaml::{self, Node};

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

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> Error + 'a {
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
    /// Policy files created or rewritten.
    pub written: usize,
    /// Policy files already as generated.
    pub unchanged: usize,
    /// This intent's files that it no longer generates, now gone.
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

/// Who a file in DIR belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Owner {
    ThisIntent,
    Intent(String),
    User,
}

/// Reads who a file belongs to from its text.
fn owner(text: &str, intent: &str) -> Owner {
    let Ok(docs) = yaml::parse(text, &yaml::Limits::default()) else { return Owner::User };
    let [doc] = docs.as_slice() else { return Owner::User };
    match crate::policy::ownership::of_node(doc) {
        Some(name) if name == intent => Owner::ThisIntent,
        Some(name) => Owner::Intent(name.to_string()),
        None => Owner::User,
    }
}

/// The path of a policy's file, relative to DIR.
pub fn policy_path(policy: &NetworkPolicy) -> String {
    let m = &policy.metadata;
    format!("{}/{}.yaml", m.namespace.as_deref().unwrap_or_default(), m.name.as_deref().unwrap_or_default())
}

/// The `kustomization.yaml` listing `resources`.
pub fn kustomization(resources: &BTreeSet<String>) -> String {
    let mut out = format!(
        "{KUSTOMIZATION_MARKER}: it lists the NetworkPolicy files of every intent in this directory.\n\
         # Do not edit: `netpol-intent generate INTENT -o DIR` rewrites it.\n\
         apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
    );
    let list: Vec<Node> = resources.iter().map(|r| Node::str(r.as_str())).collect();
    out.push_str(&yaml::emit_one(&Node::map_from(vec![("resources", Node::seq(list))])));
    out
}

/// One entry of DIR as it is now, relative to DIR.
enum Entry {
    Dir,
    File(Option<Owner>),
    Symlink(PathBuf),
}

/// Writes `policies`, generated by the intent named `intent`, into `dir`.
pub fn write(dir: &Path, intent: &str, policies: &[NetworkPolicy]) -> Result<Written, Error> {
    write_with(dir, intent, policies, &mut |_| Ok(()))
}

/// [`write`], calling `hook` at each [`Step`]; an error from it aborts the write as any other
/// failure would.
pub fn write_with(
    dir: &Path,
    intent: &str,
    policies: &[NetworkPolicy],
    hook: &mut dyn FnMut(Step) -> Result<(), Error>,
) -> Result<Written, Error> {
    // Messages name files under DIR as the user gave it.
    let shown = dir;
    let dir = resolve(shown)?;
    let (Some(parent), Some(base)) = (dir.parent(), dir.file_name()) else {
        return Err(Error::NotADirectory { path: dir });
    };
    let exists = match fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => return Err(Error::NotADirectory { path: dir }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(io_err("read", &dir)(e)),
    };

    // What to write.
    let mut new_files: BTreeMap<String, String> = BTreeMap::new();
    for p in policies {
        let text = yaml::emit_one(&crate::policy::render::policy_node(p));
        let path = policy_path(p);
        if text.contains("${") {
            return Err(Error::Substitution { what: path });
        }
        new_files.insert(path, text);
    }

    // What is there, and whether it may be changed.
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    if exists {
        scan(&dir, "", intent, &mut entries)?;
    }
    check_writable(&dir, shown, parent, exists, &entries)?;
    let writes = new_files.keys().map(String::as_str).chain(["kustomization.yaml"]);
    check_no_link_on_the_way(shown, &entries, writes)?;
    let plan = plan(&dir, shown, &entries, &new_files)?;
    if plan.written.written == 0 && plan.written.removed == 0 && !plan.kustomization_changed {
        return Ok(plan.written);
    }

    // Stage the new content next to DIR, on the same file system.
    let stage = sibling(parent, base, "new");
    if !parent.exists() {
        fs::create_dir_all(parent).map_err(io_err("create", parent))?;
    }
    fs::create_dir(&stage).map_err(io_err("create", &stage))?;
    if let Err(e) = stage_into(&stage, &dir, exists, &entries, &new_files, &plan, hook) {
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
        let old = swap(&stage, &dir, sibling(parent, base, "old"), exchange)?;
        if fs::remove_dir_all(&old).is_err() {
            written.leftover = Some(old);
        }
    }
    if let Ok(f) = fs::File::open(parent) {
        let _ = f.sync_all();
    }
    Ok(written)
}

/// DIR as an absolute path, resolved where it exists. Refused: DIR a symbolic link, or, when
/// given as a relative path, any directory on the way to it (the part of the path inside the
/// working directory, which a repository's content can decide); `/`; and a DIR that is or
/// holds the current directory.
fn resolve(shown: &Path) -> Result<PathBuf, Error> {
    let mut on_the_way: Vec<&Path> = shown.ancestors().filter(|a| !a.as_os_str().is_empty()).collect();
    if shown.is_absolute() {
        on_the_way.truncate(1);
    }
    for path in on_the_way {
        if let Ok(target) = fs::read_link(path) {
            return Err(Error::Symlink { path: path.to_path_buf(), target });
        }
    }
    let dir = std::path::absolute(shown).map_err(io_err("resolve", shown))?;
    let dir = if dir.exists() { fs::canonicalize(&dir).map_err(io_err("resolve", &dir))? } else { dir };
    if dir.parent().is_none() {
        return Err(Error::Unsafe { path: dir, why: "is the root directory" });
    }
    if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize) {
        if cwd.starts_with(&dir) {
            let path = shown.to_path_buf();
            return Err(Error::Unsafe { path, why: "is or holds the current directory" });
        }
    }
    Ok(dir)
}

/// Refuses a read-only directory that replacing DIR would change: DIR's parent (where the new
/// copy is staged), DIR and every directory in it (whose entries go with the old copy).
fn check_writable(
    dir: &Path,
    shown: &Path,
    parent: &Path,
    exists: bool,
    entries: &BTreeMap<String, Entry>,
) -> Result<(), Error> {
    let mut dirs: Vec<(PathBuf, PathBuf)> = Vec::new();
    if let Some(existing) = parent.ancestors().find(|p| p.exists()) {
        dirs.push((existing.to_path_buf(), existing.to_path_buf()));
    }
    if exists {
        dirs.push((dir.to_path_buf(), shown.to_path_buf()));
    }
    for (rel, entry) in entries {
        if let Entry::Dir = entry {
            dirs.push((dir.join(rel), shown.join(rel)));
        }
    }
    for (path, shown) in dirs {
        let meta = fs::symlink_metadata(&path).map_err(io_err("read", &path))?;
        let mode = mode_of(&meta);
        if mode & 0o200 == 0 || !may_write(&path) {
            return Err(Error::ReadOnly { path: shown, mode });
        }
    }
    Ok(())
}

/// Refuses a symbolic link at, or on the way to, a path to be written (`shop` in
/// `shop/default-deny-all.yaml`), and a file where a directory is to be.
fn check_no_link_on_the_way<'a>(
    shown: &Path,
    entries: &BTreeMap<String, Entry>,
    writes: impl Iterator<Item = &'a str>,
) -> Result<(), Error> {
    for path in writes {
        let mut prefix = String::new();
        for part in path.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            match entries.get(&prefix) {
                Some(Entry::Symlink(target)) => {
                    return Err(Error::Symlink { path: shown.join(&prefix), target: target.clone() })
                }
                Some(Entry::File(_)) if prefix != path => {
                    return Err(Error::NotADirectory { path: shown.join(&prefix) })
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// What a write will do: the counts, which of this intent's files stay as they are, and
/// the new `kustomization.yaml`.
struct Plan {
    written: Written,
    /// This intent's files already as generated: kept by hard link, as users' files are.
    unchanged: BTreeSet<String>,
    kustomization: String,
    kustomization_changed: bool,
}

/// Reads who owns what is in the way, and plans the write; refuses files that are not this
/// intent's where it must write, and a `kustomization.yaml` it did not write.
fn plan(
    dir: &Path,
    shown: &Path,
    entries: &BTreeMap<String, Entry>,
    new_files: &BTreeMap<String, String>,
) -> Result<Plan, Error> {
    for name in ["kustomization.yml", "Kustomization"] {
        if entries.contains_key(name) {
            return Err(Error::ForeignKustomization { path: shown.join(name) });
        }
    }
    let old_kustomization = match entries.get("kustomization.yaml") {
        Some(Entry::File(_)) => {
            let path = dir.join("kustomization.yaml");
            let text = fs::read_to_string(&path).map_err(io_err("read", &path))?;
            if !text.starts_with(KUSTOMIZATION_MARKER) {
                return Err(Error::ForeignKustomization { path: shown.join("kustomization.yaml") });
            }
            Some(text)
        }
        Some(_) => return Err(Error::ForeignKustomization { path: shown.join("kustomization.yaml") }),
        None => None,
    };

    let mut written = Written::default();
    let mut unchanged = BTreeSet::new();
    let mut resources: BTreeSet<String> = new_files.keys().cloned().collect();
    for (path, text) in new_files {
        match entries.get(path) {
            None => written.written += 1,
            Some(Entry::File(Some(Owner::ThisIntent))) => {
                let old = fs::read(dir.join(path)).map_err(io_err("read", &dir.join(path)))?;
                if old == text.as_bytes() {
                    written.unchanged += 1;
                    unchanged.insert(path.clone());
                } else {
                    written.written += 1;
                }
            }
            Some(Entry::File(Some(Owner::Intent(other)))) => {
                return Err(Error::NotOurs { path: shown.join(path), owner: format!("intent `{other}`'s") })
            }
            Some(_) => {
                return Err(Error::NotOurs { path: shown.join(path), owner: "not netpol-intent's".into() })
            }
        }
    }
    for (path, entry) in entries {
        match entry {
            Entry::File(Some(Owner::ThisIntent)) if !new_files.contains_key(path) => written.removed += 1,
            Entry::File(Some(Owner::Intent(_))) => {
                resources.insert(path.clone());
                written.kept += 1;
            }
            Entry::File(_) | Entry::Symlink(_)
                if !new_files.contains_key(path) && path != "kustomization.yaml" =>
            {
                written.kept += 1
            }
            _ => {}
        }
    }
    let kustomization = kustomization(&resources);
    if kustomization.contains("${") {
        return Err(Error::Substitution { what: "kustomization.yaml".into() });
    }
    let kustomization_changed = old_kustomization.as_deref() != Some(kustomization.as_str());
    if !kustomization_changed {
        unchanged.insert("kustomization.yaml".to_string());
    }
    Ok(Plan { written, unchanged, kustomization, kustomization_changed })
}

/// Fills `stage` with DIR's new content: directories with their modes, links recreated, every
/// file kept (users', other intents', this intent's unchanged ones) hard-linked or copied,
/// and the new files written with the mode of the file they replace.
fn stage_into(
    stage: &Path,
    dir: &Path,
    exists: bool,
    entries: &BTreeMap<String, Entry>,
    new_files: &BTreeMap<String, String>,
    plan: &Plan,
    hook: &mut dyn FnMut(Step) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut count = 0;
    for (path, entry) in entries {
        let (from, to) = (dir.join(path), stage.join(path));
        match entry {
            Entry::Dir => {
                fs::create_dir(&to).map_err(io_err("create", &to))?;
                let perms = fs::metadata(&from).map_err(io_err("read", &from))?.permissions();
                fs::set_permissions(&to, perms).map_err(io_err("set permissions of", &to))?;
            }
            Entry::Symlink(target) => symlink(target, &to).map_err(io_err("create", &to))?,
            Entry::File(owner) => {
                let replaced = new_files.contains_key(path) || path == "kustomization.yaml";
                let stale = *owner == Some(Owner::ThisIntent) && !replaced;
                if stale || (replaced && !plan.unchanged.contains(path)) {
                    continue;
                }
                if fs::hard_link(&from, &to).is_err() {
                    fs::copy(&from, &to).map_err(io_err("copy", &from))?;
                }
                count += 1;
                hook(Step::Staged(count))?;
            }
        }
    }
    let kustomization_file = ("kustomization.yaml".to_string(), plan.kustomization.clone());
    for (path, text) in new_files.iter().chain([(&kustomization_file.0, &kustomization_file.1)]) {
        if plan.unchanged.contains(path) {
            continue;
        }
        let to = stage.join(path);
        if let Some(ns_dir) = to.parent() {
            if !ns_dir.exists() {
                fs::create_dir(ns_dir).map_err(io_err("create", ns_dir))?;
            }
        }
        fs::write(&to, text).map_err(io_err("write", &to))?;
        if let Ok(old) = fs::symlink_metadata(dir.join(path)) {
            fs::set_permissions(&to, old.permissions()).map_err(io_err("set permissions of", &to))?;
        }
        count += 1;
        hook(Step::Staged(count))?;
    }
    // A directory that held only removed files goes with them.
    let emptied: BTreeSet<&str> = entries
        .iter()
        .filter(|(path, e)| {
            matches!(e, Entry::File(Some(Owner::ThisIntent))) && !new_files.contains_key(*path)
        })
        .filter_map(|(path, _)| path.rsplit_once('/').map(|(parent, _)| parent))
        .collect();
    for path in emptied.iter().rev() {
        let _ = fs::remove_dir(stage.join(path));
    }
    if exists {
        let perms = fs::metadata(dir).map_err(io_err("read", dir))?.permissions();
        fs::set_permissions(stage, perms).map_err(io_err("set permissions of", stage))?;
    }
    sync(stage);
    hook(Step::BeforeSwap)
}

/// Puts the directory `stage` in the place of `dir` with `exchange`; where that fails, moves
/// `dir` to `aside` and `stage` in. Returns where the old content now is. On an error, `dir`
/// is as it was and `stage` is removed.
fn swap(
    stage: &Path,
    dir: &Path,
    aside: PathBuf,
    exchange: fn(&Path, &Path) -> io::Result<()>,
) -> Result<PathBuf, Error> {
    if exchange(stage, dir).is_ok() {
        return Ok(stage.to_path_buf());
    }
    if let Err(e) = fs::rename(dir, &aside) {
        let _ = fs::remove_dir_all(stage);
        return Err(io_err("move aside", dir)(e));
    }
    if let Err(e) = fs::rename(stage, dir) {
        let _ = fs::rename(&aside, dir);
        let _ = fs::remove_dir_all(stage);
        return Err(io_err("replace", dir)(e));
    }
    Ok(aside)
}

/// Every entry under `dir` (relative paths joined with `/`), files with their owner when
/// their name ends with `.yaml` or `.yml` and no part of their path is hidden (starts with `.`).
fn scan(dir: &Path, prefix: &str, intent: &str, out: &mut BTreeMap<String, Entry>) -> Result<(), Error> {
    let here = dir.join(prefix);
    for entry in fs::read_dir(&here).map_err(io_err("read", &here))? {
        let entry = entry.map_err(io_err("read", &here))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Err(Error::Special { path: entry.path() });
        };
        let rel = if prefix.is_empty() { name.to_string() } else { format!("{prefix}/{name}") };
        if name == ".git" {
            return Err(Error::Unsafe { path: entry.path(), why: "is a Git repository's (it holds .git)" });
        }
        let kind = entry.file_type().map_err(io_err("read", &entry.path()))?;
        if kind.is_dir() {
            out.insert(rel.clone(), Entry::Dir);
            scan(dir, &rel, intent, out)?;
        } else if kind.is_symlink() {
            let target = fs::read_link(entry.path()).map_err(io_err("read", &entry.path()))?;
            out.insert(rel, Entry::Symlink(target));
        } else if kind.is_file() {
            let hidden = rel.split('/').any(|part| part.starts_with('.'));
            let owner = if !hidden && (name.ends_with(".yaml") || name.ends_with(".yml")) {
                let text = fs::read(entry.path()).map_err(io_err("read", &entry.path()))?;
                Some(String::from_utf8(text).map_or(Owner::User, |t| owner(&t, intent)))
            } else {
                None
            };
            out.insert(rel, Entry::File(owner));
        } else {
            return Err(Error::Special { path: entry.path() });
        }
    }
    Ok(())
}

/// A new name beside DIR: `.<DIR's name>.netpol-intent-<what>-<pid>-<n>`, hidden from tools
/// that skip dot files.
fn sibling(parent: &Path, base: &std::ffi::OsStr, what: &str) -> PathBuf {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let name = format!(".{}.netpol-intent-{what}-{}-{nanos}", base.to_string_lossy(), std::process::id());
    parent.join(name)
}

/// The permission bits of a file or directory.
#[cfg(unix)]
fn mode_of(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(meta: &fs::Metadata) -> u32 {
    if meta.permissions().readonly() {
        0o555
    } else {
        0o755
    }
}

/// Whether this process may change the entries of a directory (root may, whatever its mode:
/// [`check_writable`] also reads the mode).
#[cfg(target_os = "linux")]
fn may_write(path: &Path) -> bool {
    rustix::fs::access(path, rustix::fs::Access::WRITE_OK).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn may_write(_path: &Path) -> bool {
    true
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, link: &Path) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, format!("cannot recreate the link {}", link.display())))
}

/// Swaps two paths in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Flushes the staged files to disk before they replace DIR, so that a crash of the machine
/// does not swap in empty files (one `syncfs`, not one `fsync` per file).
#[cfg(target_os = "linux")]
fn sync(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = rustix::fs::syncfs(&f);
    }
}

#[cfg(not(target_os = "linux"))]
fn sync(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: a\n  \
                        labels: {app.kubernetes.io/managed-by: netpol-intent}\n  \
                        annotations: {netpol-intent.dev/intent: shop}\n";

    #[test]
    fn ownership_is_read_from_the_label_and_the_annotation() {
        assert_eq!(owner(OURS, "shop"), Owner::ThisIntent);
        assert_eq!(owner(OURS, "web"), Owner::Intent("shop".into()));
        assert_eq!(owner(&OURS.replace("netpol-intent}", "helm}"), "shop"), Owner::User);
        assert_eq!(owner(&format!("{OURS}---\n{OURS}"), "shop"), Owner::User);
        assert_eq!(owner("a: [", "shop"), Owner::User);
        assert_eq!(owner(&OURS.replace("kind: NetworkPolicy", "kind: ConfigMap"), "shop"), Owner::User);
    }

    #[test]
    fn without_rename_exchange_two_renames_do_the_swap() {
        let tmp = tempfile::tempdir().unwrap();
        let (stage, dir, aside) =
            (tmp.path().join("stage"), tmp.path().join("dir"), tmp.path().join("aside"));
        fs::create_dir(&stage).unwrap();
        fs::create_dir(&dir).unwrap();
        fs::write(stage.join("new"), "new").unwrap();
        fs::write(dir.join("old"), "old").unwrap();
        let unsupported = |_: &Path, _: &Path| Err(io::Error::from(io::ErrorKind::Unsupported));
        let old = swap(&stage, &dir, aside.clone(), unsupported).unwrap();
        assert_eq!(old, aside);
        assert_eq!(fs::read_to_string(dir.join("new")).unwrap(), "new");
        assert_eq!(fs::read_to_string(aside.join("old")).unwrap(), "old");
        assert!(!stage.exists());
        // With it, the two swap places.
        fs::create_dir(&stage).unwrap();
        assert_eq!(swap(&stage, &dir, tmp.path().join("x"), exchange).unwrap(), stage);
        assert!(stage.join("new").exists() && fs::read_dir(&dir).unwrap().next().is_none());
    }

    #[test]
    fn the_kustomization_lists_resources_and_carries_the_marker() {
        let k = kustomization(&["b/x.yaml".to_string(), "a/y.yaml".to_string()].into());
        assert!(k.starts_with(KUSTOMIZATION_MARKER));
        assert!(k.ends_with("kind: Kustomization\nresources:\n- a/y.yaml\n- b/x.yaml\n"), "{k}");
    }
}
