//! What `--against` (and `--policies`, `--workloads`) names, read from disk as what deploys
//! it reads it: standard input, a file, or a directory through its kustomization, or, without
//! one, as `kubectl apply -R` and Flux read it ([`collect`]). The texts go to
//! [`crate::policy::read`], which picks the NetworkPolicies out of them.

use std::collections::HashSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::policy::read::{Collected, Dispute, Disputed, Source};

/// The sources at `path`: standard input for `-`; the file itself; or a directory, read as what
/// deploys it reads it:
/// - with a kustomization: the files it builds ([`super::kustomize::build`]), and, apart, the
///   other `.yaml`, `.yml` and `.json` files under it ([`Collected::unlisted`]);
/// - without one: every `.yaml`, `.yml` and `.json` file under it, recursively, in path order,
///   as `kubectl apply -R -f` reads it. A directory below it with a kustomization is also built
///   as Flux builds it; the files the two readings differ on are [`Collected::disputed`].
///
/// Hidden files and directories (a name starting with `.`) are skipped, and symbolic links to
/// directories are not followed.
pub fn collect(path: &Path, stdin: &mut dyn Read) -> Result<Collected, Vec<Diagnostic>> {
    if path == Path::new("-") {
        let mut text = String::new();
        return match stdin.read_to_string(&mut text) {
            Ok(_) => Ok(Collected::from(vec![Source { name: "<stdin>".to_string(), text }])),
            Err(e) => Err(vec![unreadable("<stdin>", &e)]),
        };
    }
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| vec![unreadable(&shown, &e)])?;
    let mut problems = Vec::new();
    let collected = if !meta.is_dir() {
        Collected::from(read_files([(path.to_path_buf(), shown)], &mut problems))
    } else if super::kustomize::file_in(path, &shown).map_err(|p| vec![*p])?.is_some() {
        kustomized(path, &shown, &mut problems)
    } else {
        plain(path, &mut problems)
    };
    if problems.is_empty() {
        Ok(collected)
    } else {
        Err(problems)
    }
}

/// A directory with a kustomization: what it builds, and the other files.
fn kustomized(dir: &Path, shown: &str, problems: &mut Vec<Diagnostic>) -> Collected {
    let built = match super::kustomize::build(dir, shown) {
        Ok(built) => built,
        Err(found) => {
            problems.extend(found);
            return Collected::default();
        }
    };
    let reached: HashSet<&Path> = built.iter().map(|b| b.path.as_path()).collect();
    // A walked file is reached when the build names it by the same path (most are; no link to
    // resolve), or by its real path.
    let named: HashSet<&str> = built.iter().map(|b| b.shown.as_str()).collect();
    let is_reached = |f: &PathBuf| {
        f.to_str().is_some_and(|f| named.contains(f))
            || real(f).is_some_and(|r| reached.contains(r.as_path()))
    };
    // Files that are never applied are only reported: one that cannot be read is left out.
    let others = walk_tree(dir, &mut Vec::new()).files.into_iter().filter(|f| !is_reached(f));
    let unlisted = read_files(others.map(|f| (f.clone(), f.display().to_string())), &mut Vec::new());
    let deployed = read_files(built.into_iter().map(|b| (b.path, b.shown)), problems);
    Collected { deployed, unlisted, disputed: Vec::new() }
}

/// A directory without a kustomization: every file, and where a kustomization below it builds
/// something else.
fn plain(dir: &Path, problems: &mut Vec<Diagnostic>) -> Collected {
    let Walked { files, roots, hidden } = walk_tree(dir, problems);
    let walked: HashSet<PathBuf> = files.iter().filter_map(|f| real(f)).collect();
    let mut disputed = Vec::new();
    for root in &roots {
        let shown = root.display().to_string();
        let built = match super::kustomize::build(root, &shown) {
            Ok(built) => built,
            Err(found) => {
                problems.extend(found);
                continue;
            }
        };
        let reached: HashSet<&Path> = built.iter().map(|b| b.path.as_path()).collect();
        let skipped = files.iter().filter(|f| f.starts_with(root));
        let skipped = skipped.filter(|f| real(f).is_none_or(|r| !reached.contains(r.as_path())));
        let skipped = skipped.map(|f| (f.clone(), f.display().to_string()));
        let outside =
            built.iter().filter(|b| !walked.contains(&b.path)).map(|b| (b.path.clone(), b.shown.clone()));
        let not_listed = read_files(skipped, &mut Vec::new()).into_iter();
        let not_listed = not_listed.map(|source| Disputed { source, why: Dispute::NotListed(shown.clone()) });
        let from_outside = read_files(outside, &mut Vec::new()).into_iter();
        let from_outside =
            from_outside.map(|source| Disputed { source, why: Dispute::ListedFromOutside(shown.clone()) });
        disputed.extend(not_listed.chain(from_outside));
    }
    let json = files.iter().filter(|f| f.extension().is_some_and(|e| e == "json"));
    let json = json.filter(|f| !roots.iter().any(|root| f.starts_with(root)));
    let json = read_files(json.map(|f| (f.clone(), f.display().to_string())), &mut Vec::new());
    disputed.extend(json.into_iter().map(|source| Disputed { source, why: Dispute::Json }));
    let hidden =
        read_files(hidden.into_iter().map(|f| (f.clone(), f.display().to_string())), &mut Vec::new());
    disputed.extend(hidden.into_iter().map(|source| Disputed { source, why: Dispute::Hidden }));
    Collected {
        deployed: read_files(files.into_iter().map(|f| (f.clone(), f.display().to_string())), problems),
        unlisted: Vec::new(),
        disputed,
    }
}

fn real(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

fn unreadable(file: &str, e: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::problem(Code::Unreadable, format!("cannot read: {e}")).in_file(file)
}

/// The text of each file, named as given; a file that cannot be read is a problem.
fn read_files(
    files: impl IntoIterator<Item = (PathBuf, String)>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Source> {
    let mut sources = Vec::new();
    for (file, name) in files {
        match std::fs::read(&file) {
            Ok(bytes) => match super::text(&name, bytes) {
                Ok(text) => sources.push(Source { name, text }),
                Err(d) => problems.push(*d),
            },
            Err(e) => problems.push(unreadable(&name, &e)),
        }
    }
    sources
}

/// What a walk of a directory finds, each list sorted.
#[derive(Default)]
struct Walked {
    /// The `.yaml`, `.yml` and `.json` files, but hidden ones.
    files: Vec<PathBuf>,
    /// The outermost directories below the top that hold a kustomization.
    roots: Vec<PathBuf>,
    /// The `.yaml`, `.yml` and `.json` files whose name, or a directory's on the way, starts with
    /// `.` (but for `.git`): skipped, though `kubectl apply -R` reads them.
    hidden: Vec<PathBuf>,
}

fn walk_tree(dir: &Path, problems: &mut Vec<Diagnostic>) -> Walked {
    let mut found = Walked::default();
    walk(dir, (false, false), &mut found, problems);
    found.files.sort();
    found.roots.sort();
    found.hidden.sort();
    found
}

/// Walks `dir`, below a kustomization's directory and below a hidden directory or not.
fn walk(dir: &Path, (in_root, in_hidden): (bool, bool), found: &mut Walked, problems: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return problems.push(unreadable(&dir.display().to_string(), &e)),
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let hidden = in_hidden || name.starts_with('.');
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() && name != ".git" {
            let root =
                !in_root && !hidden && super::kustomize::FILE_NAMES.iter().any(|k| path.join(k).is_file());
            if root {
                found.roots.push(path.clone());
            }
            walk(&path, (in_root || root, hidden), found, problems);
        } else if [".yaml", ".yml", ".json"].iter().any(|ext| name.ends_with(ext)) {
            // A symbolic link to a file is read; one to a directory fails to read as a file.
            if kind.is_file() || path.is_file() {
                if hidden { &mut found.hidden } else { &mut found.files }.push(path);
            }
        }
    }
}
