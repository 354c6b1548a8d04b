//! Carrying out a [`Plan`] on disk: DIR resolved and checked (no link on the way, not `/`,
//! not holding the working directory, every directory writable), read into a [`Snapshot`],
//! the new content staged beside it and swapped in at once.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::plan::{owner, Entry, Owner, Plan, Snapshot, KUSTOMIZATION};
use super::{io_err, Error, Step};

/// DIR as an absolute path, resolved where it exists. Refused: DIR a symbolic link, or, when
/// given as a relative path, any directory on the way to it (the part of the path inside the
/// working directory, which a repository's content can decide); `/`; and a DIR that is or
/// holds the current directory.
pub(super) fn resolve(shown: &Path) -> Result<PathBuf, Error> {
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
pub(super) fn check_writable(
    dir: &Path,
    shown: &Path,
    parent: &Path,
    exists: bool,
    snapshot: &Snapshot,
) -> Result<(), Error> {
    let mut dirs: Vec<(PathBuf, PathBuf)> = Vec::new();
    if let Some(existing) = parent.ancestors().find(|p| p.exists()) {
        dirs.push((existing.to_path_buf(), existing.to_path_buf()));
    }
    if exists {
        dirs.push((dir.to_path_buf(), shown.to_path_buf()));
    }
    for (rel, entry) in snapshot {
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

/// Fills `stage` with DIR's new content: directories with their modes, links recreated, the
/// files the plan keeps hard-linked (or copied), and the files it writes with the mode of the
/// file they replace.
pub(super) fn stage_into(
    stage: &Path,
    dir: &Path,
    exists: bool,
    snapshot: &Snapshot,
    plan: &Plan,
    hook: &mut dyn FnMut(Step) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut count = 0;
    for (path, entry) in snapshot {
        let (from, to) = (dir.join(path), stage.join(path));
        match entry {
            Entry::Dir => {
                fs::create_dir(&to).map_err(io_err("create", &to))?;
                let perms = fs::metadata(&from).map_err(io_err("read", &from))?.permissions();
                fs::set_permissions(&to, perms).map_err(io_err("set permissions of", &to))?;
            }
            Entry::Symlink(target) => symlink(target, &to).map_err(io_err("create", &to))?,
            Entry::File { .. } if plan.keep.contains(path) => {
                if fs::hard_link(&from, &to).is_err() {
                    fs::copy(&from, &to).map_err(io_err("copy", &from))?;
                }
                count += 1;
                hook(Step::Staged(count))?;
            }
            Entry::File { .. } => {}
        }
    }
    for (path, text) in &plan.write {
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
    let emptied: BTreeSet<&str> =
        plan.remove.iter().filter_map(|path| path.rsplit_once('/').map(|(parent, _)| parent)).collect();
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
pub(super) fn swap(
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

/// The snapshot of DIR: every entry under it (relative paths joined with `/`), files with
/// their owner when their name ends with `.yaml` or `.yml` and no part of their path is hidden
/// (starts with `.`), and the text of the files of `intents` and of the kustomization, which the
/// plan compares.
pub(super) fn scan(dir: &Path, prefix: &str, intents: &[&str], out: &mut Snapshot) -> Result<(), Error> {
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
            scan(dir, &rel, intents, out)?;
        } else if kind.is_symlink() {
            let target = fs::read_link(entry.path()).map_err(io_err("read", &entry.path()))?;
            out.insert(rel, Entry::Symlink(target));
        } else if kind.is_file() {
            let hidden = rel.split('/').any(|part| part.starts_with('.'));
            let read = || fs::read(entry.path()).map_err(io_err("read", &entry.path()));
            let (owner, text) = if !hidden && (name.ends_with(".yaml") || name.ends_with(".yml")) {
                let bytes = read()?;
                let owner = std::str::from_utf8(&bytes).map_or(Owner::User, |t| owner(t, intents));
                let compared = owner == Owner::ThisIntent || rel == KUSTOMIZATION;
                (Some(owner), compared.then_some(bytes))
            } else {
                (None, None)
            };
            out.insert(rel, Entry::File { owner, text });
        } else {
            return Err(Error::Special { path: entry.path() });
        }
    }
    Ok(())
}

/// A new name beside DIR: `.<DIR's name>.netpol-intent-<what>-<pid>-<n>`, hidden from tools
/// that skip dot files.
pub(super) fn sibling(parent: &Path, base: &std::ffi::OsStr, what: &str) -> PathBuf {
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
pub(super) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
pub(super) fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
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
}
