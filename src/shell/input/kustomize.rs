//! Which files a kustomization deploys, found as `kustomize build` (and so `kubectl kustomize`,
//! Argo CD and Flux) finds them: the files its `resources` name, and, for a directory it names,
//! what that directory's own kustomization names, recursively.
//!
//! The reader models only kustomizations whose build is exactly the objects of those files:
//! `apiVersion`, `kind`, `metadata` and `resources`. Every other field of kustomize's (a patch,
//! `namespace:`, a name prefix, labels, a generator, a component, …) would change or add
//! objects, and is refused ([`Code::UnsupportedKustomization`]) with the advice to pipe
//! kustomize's own build; so is a remote resource. What kustomize itself refuses (an unknown
//! field, two kustomization files in one directory, a file outside the kustomization's
//! directory, a cycle) is refused too ([`Code::InvalidKustomization`]), and a listed
//! path that does not exist is [`Code::MissingResource`].
//!
//! [`parse`] reads one kustomization file (pure); [`build`] follows it on disk.

use std::path::{Component, Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::yaml::{self, Node, Scalar};

/// The names kustomize looks for in a directory, in its order.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The fields the reader models.
const MODELLED: [&str; 4] = ["apiVersion", "kind", "metadata", "resources"];

/// kustomize's other fields (kustomize v5's `types.Kustomization`): each changes the build.
const UNSUPPORTED: [&str; 31] = [
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "inventory",
    "buildMetadata",
];

/// One entry of `resources`, with where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub path: String,
    pub line: usize,
    pub col: usize,
}

/// One file of a build: its real path (symbolic links resolved), and its name to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Built {
    pub path: PathBuf,
    pub shown: String,
}

/// The kustomization file in `dir`, by the name kustomize would read: `None` when there is
/// none; an error when there are several (kustomize refuses that).
pub fn file_in(dir: &Path, shown: &str) -> Result<Option<&'static str>, Box<Diagnostic>> {
    let Ok(dir) = std::fs::canonicalize(dir) else { return Ok(None) };
    let found: Vec<&'static str> =
        FILE_NAMES.iter().copied().filter(|name| loadable(&dir, &dir.join(name)).is_some()).collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        several => {
            let message = format!(
                "{} are all here: kustomize refuses more than one kustomization file",
                several.join(", ")
            );
            Err(Box::new(problem(Code::InvalidKustomization, shown, (0, 0), message)))
        }
    }
}

/// The files that the kustomization in `dir` (shown as `shown`) builds, in the order kustomize
/// reads them: every problem of every kustomization on the way, or the files.
pub fn build(dir: &Path, shown: &str) -> Result<Vec<Built>, Vec<Diagnostic>> {
    let hint = format!(
        "pipe what kustomize builds instead: `kubectl kustomize {shown} | netpol-intent diff … --against -`"
    );
    let mut walk = Walk { hint, files: Vec::new(), problems: Vec::new(), roots: Vec::new() };
    match std::fs::canonicalize(dir) {
        Ok(real) => walk.kustomization(&real, shown),
        Err(e) => walk.problems.push(problem(Code::Unreadable, shown, (0, 0), format!("cannot read: {e}"))),
    }
    if walk.problems.is_empty() {
        Ok(walk.files)
    } else {
        Err(walk.problems)
    }
}

/// A build in progress: the files so far, the problems, and the kustomization directories
/// being read (real paths, outermost first), to find cycles as kustomize does.
struct Walk {
    hint: String,
    files: Vec<Built>,
    problems: Vec<Diagnostic>,
    roots: Vec<PathBuf>,
}

impl Walk {
    /// Reads the kustomization of `dir` (a real path) and everything it lists.
    fn kustomization(&mut self, dir: &Path, shown: &str) {
        let name = match file_in(dir, shown) {
            Ok(Some(name)) => name,
            Ok(None) => {
                let message = format!(
                    "no kustomization here: kustomize needs one of {} in a directory it builds",
                    FILE_NAMES.join(", ")
                );
                return self.problems.push(problem(Code::InvalidKustomization, shown, (0, 0), message));
            }
            Err(p) => return self.problems.push(*p),
        };
        let file = join_shown(shown, name);
        let text = match std::fs::read(dir.join(name)).map(|bytes| super::text(&file, bytes)) {
            Ok(Ok(text)) => text,
            Ok(Err(d)) => return self.problems.push(*d),
            Err(e) => return self.unreadable(&file, &e.to_string()),
        };
        // The resources of a kustomization with problems are followed too, to report all at once.
        let (resources, problems) = parse(&file, &text, &self.hint);
        self.problems.extend(problems);
        self.roots.push(dir.to_path_buf());
        for r in resources {
            self.resource(dir, shown, &file, &r);
        }
        self.roots.pop();
    }

    /// One entry of `resources` of the kustomization `file` in `dir`.
    fn resource(&mut self, dir: &Path, shown: &str, file: &str, r: &Resource) {
        let at = (r.line, r.col);
        if is_remote(&r.path) {
            let message = format!("`{}` is a remote resource, which netpol-intent does not fetch", r.path);
            let d = problem(Code::UnsupportedKustomization, file, at, message).with_help(&self.hint);
            return self.problems.push(d);
        }
        let target = clean(&dir.join(&r.path));
        let entry_shown =
            if Path::new(&r.path).is_absolute() { clean_shown(&r.path) } else { join_shown(shown, &r.path) };
        let meta = match std::fs::metadata(&target) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let message = format!("`{}` is listed but missing: kustomize fails on it too", r.path);
                return self.problems.push(problem(Code::MissingResource, file, at, message));
            }
            Err(e) => return self.unreadable(&entry_shown, &e.to_string()),
        };
        if meta.is_dir() {
            self.directory(&target, &entry_shown, file, r);
        } else {
            match loadable(dir, &target) {
                Some(real) => self.files.push(Built { path: real, shown: entry_shown }),
                None => {
                    let message = format!(
                        "`{}` is outside the kustomization's directory (symbolic links resolved): \
                         kustomize refuses to load it",
                        r.path
                    );
                    self.problems.push(problem(Code::InvalidKustomization, file, at, message));
                }
            }
        }
    }

    /// A directory named in `resources`: its own kustomization, unless that makes a cycle.
    fn directory(&mut self, target: &Path, shown: &str, file: &str, r: &Resource) {
        let at = (r.line, r.col);
        if Path::new(&r.path).is_absolute() {
            let message = format!("`{}`: kustomize takes no absolute path to a directory", r.path);
            return self.problems.push(problem(Code::InvalidKustomization, file, at, message));
        }
        let real = match std::fs::canonicalize(target) {
            Ok(real) => real,
            Err(e) => return self.unreadable(shown, &e.to_string()),
        };
        // kustomize refuses a directory that is, or holds, one it is already reading.
        if self.roots.iter().any(|root| root.starts_with(&real)) {
            let message = format!("`{}` makes a cycle: it is or holds a kustomization that lists it", r.path);
            return self.problems.push(problem(Code::InvalidKustomization, file, at, message));
        }
        match file_in(&real, shown) {
            Ok(Some(_)) => self.kustomization(&real, shown),
            Ok(None) => {
                let message = format!(
                    "`{}` is a directory without a kustomization: kustomize builds a directory only \
                     with one of {}",
                    r.path,
                    FILE_NAMES.join(", ")
                );
                self.problems.push(problem(Code::InvalidKustomization, file, at, message));
            }
            Err(p) => self.problems.push(*p),
        }
    }

    fn unreadable(&mut self, file: &str, why: &str) {
        self.problems.push(problem(Code::Unreadable, file, (0, 0), format!("cannot read: {why}")));
    }
}

/// The `resources` of a kustomization file's text, and why the reader cannot take it, if so:
/// an unsupported field (with `hint`), or what kustomize would refuse.
pub fn parse(file: &str, text: &str, hint: &str) -> (Vec<Resource>, Vec<Diagnostic>) {
    let invalid = |node: Option<&Node>, message: &str| {
        let at = node.map_or((0, 0), |n| (n.span.start.line, n.span.start.col));
        (Vec::new(), vec![problem(Code::InvalidKustomization, file, at, message.to_string())])
    };
    let docs = match yaml::parse(text, &yaml::Limits::default()) {
        Ok(docs) => docs,
        Err(e) => {
            let at = (e.pos.line, e.pos.col);
            let d = problem(Code::YamlSyntax, file, at, e.message).with_help_if(e.help.as_deref());
            return (Vec::new(), vec![d]);
        }
    };
    let empty = "the kustomization is empty: kustomize refuses it";
    let root = match docs.as_slice() {
        [] => return invalid(None, empty),
        [root] if root.is_null() => return invalid(None, empty),
        [root] => root,
        [_, second, ..] => return invalid(Some(second), "a kustomization is one YAML document"),
    };
    if root.as_map().is_none() {
        return invalid(Some(root), &format!("a kustomization is a mapping, not {}", root.kind_name()));
    }
    let mut problems = fields(root, file, hint);
    problems.extend(type_meta(root, file, hint));
    problems.extend(metadata(root, file));
    let resources = resources(root, file, &mut problems);
    (resources, problems)
}

/// The top-level fields: each modelled, unsupported (unless null), or unknown to kustomize.
fn fields(root: &Node, file: &str, hint: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (key, value) in root.as_map().unwrap_or_default() {
        let name = key.as_str().unwrap_or_default();
        let at = (key.span.start.line, key.span.start.col);
        if UNSUPPORTED.contains(&name) && !value.is_null() {
            let message = format!("`{name}` is not read by netpol-intent: it changes what kustomize builds");
            problems.push(problem(Code::UnsupportedKustomization, file, at, message).with_help(hint));
        } else if !MODELLED.contains(&name) && !UNSUPPORTED.contains(&name) {
            let message = format!("unknown field `{name}`: kustomize refuses it");
            problems.push(problem(Code::InvalidKustomization, file, at, message));
        }
    }
    problems
}

/// `kind` and `apiVersion`: a Kustomization's, or absent.
fn type_meta(root: &Node, file: &str, hint: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let kind = root.get("kind").filter(|n| !n.is_null());
    match kind.map(|k| (k, k.as_str().unwrap_or_default())) {
        None | Some((_, "Kustomization")) => {}
        Some((node, "Component")) => out.push(
            problem(
                Code::UnsupportedKustomization,
                file,
                (node.span.start.line, node.span.start.col),
                "a `Component` is not read by netpol-intent".to_string(),
            )
            .with_help(hint),
        ),
        Some((node, other)) => out.push(problem(
            Code::InvalidKustomization,
            file,
            (node.span.start.line, node.span.start.col),
            format!("kind `{other}`: kustomize builds a `Kustomization`"),
        )),
    }
    if let Some(node) = root.get("apiVersion").filter(|n| !n.is_null()) {
        let value = node.as_str().unwrap_or_default();
        if value != "kustomize.config.k8s.io/v1beta1" && kind.and_then(Node::as_str) != Some("Component") {
            out.push(problem(
                Code::InvalidKustomization,
                file,
                (node.span.start.line, node.span.start.col),
                format!("apiVersion `{value}`: a Kustomization's is `kustomize.config.k8s.io/v1beta1`"),
            ));
        }
    }
    out
}

/// `metadata`: kustomize reads `name`, `namespace`, `labels` and `annotations` there, and they
/// change nothing in the build.
fn metadata(root: &Node, file: &str) -> Vec<Diagnostic> {
    let at = |n: &Node| (n.span.start.line, n.span.start.col);
    let Some(meta) = root.get("metadata").filter(|n| !n.is_null()) else { return Vec::new() };
    let Some(entries) = meta.as_map() else {
        let message = "`metadata` must be a mapping".to_string();
        return vec![problem(Code::InvalidKustomization, file, at(meta), message)];
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let key = k.as_str().unwrap_or_default();
        let fits = match key {
            "name" | "namespace" => v.is_null() || matches!(v.scalar(), Some(Scalar::Str(_))),
            "labels" | "annotations" => v.is_null() || v.as_map().is_some(),
            _ => {
                let message = format!("unknown field `metadata.{key}`: kustomize refuses it");
                out.push(problem(Code::InvalidKustomization, file, at(k), message));
                continue;
            }
        };
        if !fits {
            let message = format!("`metadata.{key}` has the wrong type: kustomize refuses it");
            out.push(problem(Code::InvalidKustomization, file, at(v), message));
        }
    }
    out
}

/// The entries of `resources`, which must be paths; a problem for each that is not.
fn resources(root: &Node, file: &str, problems: &mut Vec<Diagnostic>) -> Vec<Resource> {
    let Some(list) = root.get("resources").filter(|n| !n.is_null()) else { return Vec::new() };
    let at = |n: &Node| (n.span.start.line, n.span.start.col);
    let Some(items) = list.as_seq() else {
        let message = format!("`resources` must be a list of paths, not {}", list.kind_name());
        problems.push(problem(Code::InvalidKustomization, file, at(list), message));
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.scalar() {
            Some(Scalar::Str(path)) if !path.is_empty() => out.push(Resource {
                path: path.to_string(),
                line: item.span.start.line,
                col: item.span.start.col,
            }),
            _ => problems.push(problem(
                Code::InvalidKustomization,
                file,
                at(item),
                "every entry of `resources` must be a path: kustomize refuses this one".into(),
            )),
        }
    }
    out
}

/// Whether kustomize would fetch `path` rather than read it from disk: a URL, or a Git
/// repository in one of the forms kustomize accepts. Broader than kustomize's own test, so
/// that nothing it fetches is read from a local file of the same name.
fn is_remote(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("://")
        || ["git@", "git::", "gh:", "github.com", "gitlab.com", "bitbucket.org"]
            .iter()
            .any(|p| lower.starts_with(p))
        || ["_git/", "?ref=", "?version=", ".git/", ".git?"].iter().any(|p| lower.contains(p))
        || lower.ends_with(".git")
        || path.contains(':')
}

/// The real path of the file at `path` when kustomize would load it from the kustomization
/// in `dir` (a real path): symbolic links resolved, it must be a file in or below `dir`.
fn loadable(dir: &Path, path: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(path).ok()?;
    (real.is_file() && real.parent().is_some_and(|p| p.starts_with(dir))).then_some(real)
}

/// `path` with `.` and `..` taken out lexically, as Go's `filepath.Join` does before kustomize
/// resolves symbolic links (so `link/..` is the directory holding `link`, wherever it points).
pub fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

fn clean_shown(path: &str) -> String {
    let cleaned = clean(Path::new(path));
    if cleaned.as_os_str().is_empty() {
        ".".to_string()
    } else {
        cleaned.display().to_string()
    }
}

/// A listed path as shown: joined to the shown directory, `.` and `..` taken out.
fn join_shown(dir: &str, path: &str) -> String {
    clean_shown(&Path::new(dir).join(path).display().to_string())
}

fn problem(code: Code, file: &str, (line, col): (usize, usize), message: String) -> Diagnostic {
    Diagnostic::problem(code, message).in_file(file).at_line(line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(Code, usize, String)> {
        let problems = parse("k.yaml", text, "HINT").1.into_iter();
        let text = |p: &Diagnostic| format!("{}{}", p.message, p.help.as_deref().unwrap_or_default());
        problems.map(|p| (p.code.expect("a code"), p.line(), text(&p))).collect()
    }

    #[test]
    fn reads_the_resources_of_a_plain_kustomization() {
        let text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\
                    metadata: {name: x, annotations: {a: b}}\nresources:\n- a.yaml\n- ../base\n";
        let (got, problems) = parse("k.yaml", text, "HINT");
        assert!(problems.is_empty(), "{problems:?}");
        let paths: Vec<&str> = got.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["a.yaml", "../base"]);
        assert_eq!((got[1].line, got[1].col), (6, 3));
        assert_eq!(parse("k.yaml", "resources:\npatches: null\n", "HINT"), (Vec::new(), Vec::new()));
    }

    #[test]
    fn refuses_what_it_does_not_model_and_what_kustomize_refuses() {
        use Code::*;
        let got = codes("resources: [a.yaml]\nnamespace: shop\npatches: []\nfoo: 1\n");
        assert_eq!(
            got.iter().map(|(c, l, _)| (*c, *l)).collect::<Vec<_>>(),
            [(UnsupportedKustomization, 2), (UnsupportedKustomization, 3), (InvalidKustomization, 4)]
        );
        assert!(got[0].2.contains("`namespace` is not read by netpol-intent") && got[0].2.ends_with("HINT"));
        assert_eq!(got[2].2, "unknown field `foo`: kustomize refuses it");
        for (text, words) in [
            ("", "empty"),
            ("# nothing\n", "empty"),
            ("[a]\n", "a mapping"),
            ("resources: a.yaml\n", "a list of paths"),
            ("resources: [1]\n", "must be a path"),
            ("resources: ['']\n", "must be a path"),
            ("kind: Deployment\n", "kind `Deployment`"),
            ("apiVersion: v1\n", "apiVersion `v1`"),
            ("metadata: {uid: x}\n", "`metadata.uid`"),
            ("a: 1\n---\nb: 2\n", "one YAML document"),
        ] {
            let got = codes(text);
            assert_eq!(got[0].0, InvalidKustomization, "{text:?}");
            assert!(got[0].2.contains(words), "{text:?}: {}", got[0].2);
        }
        assert_eq!(codes("kind: Component\n")[0].0, UnsupportedKustomization);
    }

    #[test]
    fn remote_resources_are_told_apart_from_local_paths() {
        for remote in [
            "https://github.com/org/repo//deploy?ref=v1",
            "github.com/org/repo/deploy",
            "git@github.com:org/repo.git",
            "ssh://host/repo",
            "https://example.com/policy.yaml",
        ] {
            assert!(is_remote(remote), "{remote}");
        }
        for local in ["a.yaml", "../base", "sub/dir/", "/abs/x.yaml", "my.github/x.yaml"] {
            assert!(!is_remote(local), "{local}");
        }
    }

    #[test]
    fn paths_are_cleaned_as_go_cleans_them() {
        assert_eq!(clean(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
        assert_eq!(clean(Path::new("/../a")), Path::new("/a"));
        assert_eq!(clean(Path::new("a/../../b")), Path::new("../b"));
        assert_eq!(join_shown("tests/x/current/overlay", "../base"), "tests/x/current/base");
        assert_eq!(join_shown(".", "a.yaml"), "a.yaml");
        assert_eq!(join_shown("dir", "./sub/"), "dir/sub");
    }
}
