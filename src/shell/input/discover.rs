//! Which files hold a NetworkIntent: the YAML and JSON files under a directory ([`files`], the
//! only I/O here) and, of their texts, those with a document that is a NetworkIntent as the
//! tool's YAML reader sees it ([`select`], pure) — never a text search, so a quoted `kind`, a
//! trailing comment, flow style and JSON are found, and a file that only mentions the word in
//! a comment or a string is not.
//!
//! A document counts when its `kind` is `NetworkIntent`, or its `apiVersion` is in the
//! `netpol-intent.dev` group (a misspelt kind then fails loudly in decoding instead of the
//! file being passed over), or it is a `List` holding such an item. A file is selected when any
//! of its documents counts; whether it holds exactly one valid intent is for decoding to say.
//! A file that is not YAML is an error: it may be an intent someone broke.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::intent::{API_VERSION, KIND};
use crate::policy::read::Source;
use crate::yaml::{self, Node};

/// The names of the files [`files`] reads.
const EXTENSIONS: [&str; 3] = [".yaml", ".yml", ".json"];

/// Whether a parsed document is, or holds, a NetworkIntent (see the module's contract).
pub fn is_intent(doc: &Node) -> bool {
    let field = |key: &str| doc.get(key).and_then(Node::as_str);
    let group = API_VERSION.split('/').next();
    field("kind") == Some(KIND)
        || field("apiVersion").is_some_and(|v| v.split('/').next() == group)
        || (field("kind") == Some("List")
            && doc.get("items").and_then(Node::as_seq).is_some_and(|items| items.iter().any(is_intent)))
}

/// The sources that hold a NetworkIntent, in the order given. Every source that is not YAML
/// is a problem, and then nothing is selected.
pub fn select(sources: &[Source]) -> Result<Vec<&Source>, Vec<Diagnostic>> {
    let mut selected = Vec::new();
    let mut problems = Vec::new();
    for source in sources {
        match yaml::parse(&source.text, &yaml::Limits::default()) {
            Ok(docs) if docs.iter().any(is_intent) => selected.push(source),
            Ok(_) => {}
            Err(e) => {
                let d = problem(Code::YamlSyntax, &source.name, e.pos, e.message);
                problems.push(d.with_help_if(e.help.as_deref()));
            }
        }
    }
    if problems.is_empty() {
        Ok(selected)
    } else {
        Err(problems)
    }
}

/// The NetworkIntent files under `dir` (see [`files`] and [`select`]), with their texts;
/// every problem of either.
pub fn find(dir: &Path) -> Result<Vec<Source>, Vec<Diagnostic>> {
    let (sources, mut problems) = files(dir);
    match select(&sources) {
        Ok(found) if problems.is_empty() => Ok(found.into_iter().cloned().collect()),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more);
            problems.sort_by(|a, b| (&a.file, a.pos()).cmp(&(&b.file, b.pos())));
            Err(problems)
        }
    }
}

/// Every `.yaml`, `.yml` and `.json` file under `dir`, recursively, in path order, with its
/// text; named as `dir` joined with the path below it. Hidden files and directories (a name
/// starting with `.`) are skipped, and symbolic links to directories are not followed (a link
/// to a file is read). A file or directory that cannot be read, or a file that is not UTF-8,
/// is a problem; the files that could be read come back beside the problems.
pub fn files(dir: &Path) -> (Vec<Source>, Vec<Diagnostic>) {
    let mut paths = Vec::new();
    let mut problems = Vec::new();
    walk(dir, &mut paths, &mut problems);
    paths.sort();
    let mut sources = Vec::with_capacity(paths.len());
    for path in paths {
        let name = path.display().to_string();
        match std::fs::read(&path).map(|bytes| super::text(&name, bytes)) {
            Ok(Ok(text)) => sources.push(Source { name, text }),
            Ok(Err(d)) => problems.push(*d),
            Err(e) => problems.push(unreadable(&name, &e.to_string())),
        }
    }
    (sources, problems)
}

fn walk(dir: &Path, paths: &mut Vec<PathBuf>, problems: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return problems.push(unreadable(&dir.display().to_string(), &e.to_string())),
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => return problems.push(unreadable(&dir.display().to_string(), &e.to_string())),
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        match entry.file_type() {
            _ if name.starts_with('.') => {}
            Ok(kind) if kind.is_dir() => walk(&path, paths, problems),
            Ok(_) if !EXTENSIONS.iter().any(|ext| name.ends_with(ext)) => {}
            // A link is followed to a file, never to a directory.
            Ok(_) if path.is_file() => paths.push(path),
            Ok(_) => {}
            Err(e) => problems.push(unreadable(&path.display().to_string(), &e.to_string())),
        }
    }
}

fn unreadable(file: &str, why: &str) -> Diagnostic {
    problem(Code::Unreadable, file, yaml::Pos::default(), format!("cannot read: {why}"))
}

fn problem(code: Code, file: &str, pos: yaml::Pos, message: String) -> Diagnostic {
    Diagnostic::problem(code, message).in_file(file).at_line(pos.line, pos.col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, text: &str) -> Source {
        Source { name: name.to_string(), text: text.to_string() }
    }

    fn selected(samples: &[(&str, &str)]) -> Vec<String> {
        let sources: Vec<Source> = samples.iter().map(|(n, t)| source(n, t)).collect();
        select(&sources).unwrap().into_iter().map(|s| s.name.clone()).collect()
    }

    const API: &str = "apiVersion: netpol-intent.dev/v1alpha1\n";

    #[test]
    fn every_spelling_the_reader_accepts_is_found() {
        let samples = [
            ("plain", format!("{API}kind: NetworkIntent\n")),
            ("double-quoted", "kind: \"NetworkIntent\"\n".to_string()),
            ("single-quoted", "kind: 'NetworkIntent'\n".to_string()),
            ("tagged", "kind: !!str NetworkIntent\n".to_string()),
            ("comment", "kind: NetworkIntent # the intent\n".to_string()),
            ("indented-comment", "# header\n\n  kind:   NetworkIntent   # x\n".to_string()),
            ("flow", "{kind: NetworkIntent, metadata: {name: a}}\n".to_string()),
            (
                "json",
                "{\"apiVersion\": \"netpol-intent.dev/v1alpha1\", \"kind\": \"NetworkIntent\"}".to_string(),
            ),
            ("quoted-key", "\"kind\": NetworkIntent\n".to_string()),
            ("second-document", "kind: ConfigMap\n---\nkind: NetworkIntent\n".to_string()),
            ("anchored", "a: &k NetworkIntent\nkind: *k\n".to_string()),
            ("misspelt-kind", format!("{API}kind: NetworkIntnet\n")),
            ("in-a-list", "kind: List\nitems:\n  - kind: NetworkIntent\n".to_string()),
        ];
        let samples: Vec<(&str, &str)> = samples.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let all: Vec<&str> = samples.iter().map(|(n, _)| *n).collect();
        assert_eq!(selected(&samples), all);
    }

    #[test]
    fn a_file_that_only_mentions_the_word_is_not_found() {
        let samples = [
            ("comment", "# kind: NetworkIntent\nkind: ConfigMap\n"),
            ("string", "kind: ConfigMap\ndata:\n  intent.yaml: |\n    kind: NetworkIntent\n"),
            (
                "value-elsewhere",
                "kind: ConfigMap\nmetadata: {name: NetworkIntent, labels: {kind: NetworkIntent}}\n",
            ),
            ("nested-kind", "spec:\n  kind: NetworkIntent\n"),
            ("other-case", "kind: networkintent\n"),
            ("a-sequence", "- kind: NetworkIntent\n"),
            ("other-group", "apiVersion: netpol-intent.example/v1\nkind: Policy\n"),
            ("empty", ""),
            ("only-comments", "# NetworkIntent\n"),
        ];
        assert_eq!(selected(&samples), Vec::<String>::new());
    }

    #[test]
    fn a_file_that_is_not_yaml_is_an_error_not_skipped() {
        let sources = [source("good.yaml", "kind: NetworkIntent\n"), source("broken.yaml", "kind: [\n")];
        let problems = select(&sources).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].code, problems[0].file.as_deref()),
            (Some(Code::YamlSyntax), Some("broken.yaml"))
        );
        assert!(problems[0].line() > 0);
    }
}
