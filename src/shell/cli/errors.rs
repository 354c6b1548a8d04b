//! How a run's errors reach standard error: a [`Failure`] holds the diagnostics and the texts
//! of the files they are in, and [`Failure::render`] prints them as [`Printing`] says. What a
//! format shows is its renderer's (`src/diag/`); what is decided here is what each gets: the
//! first [`MAX_PRINTED`] for people and annotations (then one line saying how many more), all
//! of them for programs; and, for GitHub's annotations and code scanning, file paths relative
//! to `GITHUB_WORKSPACE`, which GitHub resolves them against.

use std::path::{Component, Path, PathBuf};

use clap::ValueEnum;

use crate::diag::{self, excerpt::Sources, Diagnostic, STDIN};

/// At most this many diagnostics are printed as text or annotations.
pub const MAX_PRINTED: usize = 50;

/// How errors are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// For people: each error with an excerpt of its file, the place marked.
    Text,
    /// GitHub Actions' workflow commands, which annotate the file and line.
    Github,
    /// One JSON object a line, for programs.
    Json,
    /// One SARIF 2.1.0 log, for code scanning.
    Sarif,
}

/// How a run prints its errors: the format, whether in colour (text only), and the workspace
/// paths are shown relative to, with the working directory relative paths start from.
#[derive(Clone, Debug)]
pub struct Printing {
    pub format: ErrorFormat,
    pub colour: bool,
    pub workspace: Option<(PathBuf, PathBuf)>,
}

/// Why a command failed: diagnostics, each naming its file, and the texts of those files, kept
/// as data until [`Failure::render`] prints them as asked.
#[derive(Debug, Default)]
pub struct Failure {
    pub diags: Vec<Diagnostic>,
    pub sources: Sources,
}

impl Failure {
    /// A failure of the command line itself: one line, without the `error: ` prefix.
    pub fn message(message: impl Into<String>) -> Failure {
        Failure::from(vec![Diagnostic::failure(message)])
    }

    /// The diagnostics of the file `file` (`<stdin>` for standard input), which they do not
    /// name themselves.
    pub fn in_file(file: &str, diags: Vec<Diagnostic>) -> Failure {
        Failure::from(diags.into_iter().map(|d| d.in_file(file)).collect::<Vec<_>>())
    }

    /// With the text of `file`, for excerpts.
    pub fn with_source(mut self, file: &str, text: &str) -> Failure {
        self.sources.add(file, text);
        self
    }

    /// With the texts of `sources`, for excerpts.
    pub fn with_sources<'a>(mut self, sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Failure {
        for (file, text) in sources {
            self.sources.add(file, text);
        }
        self
    }

    /// The diagnostics as `printing` says.
    pub fn render(&self, printing: &Printing) -> String {
        let shown = &self.diags[..self.diags.len().min(MAX_PRINTED)];
        let omitted = self.diags.len() - shown.len();
        match printing.format {
            ErrorFormat::Text => {
                let cx = diag::text::Context { sources: &self.sources, colour: printing.colour, omitted };
                diag::text::render_with(shown, &cx)
            }
            ErrorFormat::Github => {
                let mut out = diag::github::render(&relative(shown, printing));
                if omitted > 0 {
                    out.push_str(&diag::github::omitted(omitted, MAX_PRINTED));
                }
                out
            }
            ErrorFormat::Json => diag::json::render(&self.diags),
            ErrorFormat::Sarif => diag::sarif::render(&relative(&self.diags, printing)),
        }
    }
}

impl Failure {
    /// Adds `diags` of the file `file`, whose text is `text`: how a run gathers the warnings
    /// it prints, which are a [`Failure`] that does not fail it.
    pub fn add(&mut self, file: &str, text: &str, diags: &[Diagnostic]) {
        if !diags.is_empty() {
            self.diags.extend(diags.iter().map(|d| d.clone().in_file(file)));
            self.sources.add(file, text);
        }
    }

    /// These diagnostics, then `failure`'s, with the texts of both.
    pub fn before(mut self, failure: Failure) -> Failure {
        self.diags.extend(failure.diags);
        self.sources.extend(failure.sources);
        self
    }
}

impl From<Vec<Diagnostic>> for Failure {
    fn from(diags: Vec<Diagnostic>) -> Failure {
        Failure { diags, sources: Sources::new() }
    }
}

/// The diagnostics with their files (and their related places' files) relative to the
/// workspace, where `printing` has one and they are in it.
fn relative(diags: &[Diagnostic], printing: &Printing) -> Vec<Diagnostic> {
    let Some((workspace, cwd)) = &printing.workspace else { return diags.to_vec() };
    let shown = |file: &mut Option<String>| {
        if let Some(f) = file.as_deref().and_then(|f| relative_to(f, cwd, workspace)) {
            *file = Some(f);
        }
    };
    diags
        .iter()
        .cloned()
        .map(|mut d| {
            shown(&mut d.file);
            d.related.iter_mut().for_each(|r| shown(&mut r.file));
            d
        })
        .collect()
}

/// `file` (relative to `cwd` unless absolute) relative to `workspace`, when it is inside it.
pub fn relative_to(file: &str, cwd: &Path, workspace: &Path) -> Option<String> {
    if file == STDIN {
        return None;
    }
    let absolute = clean(&cwd.join(file));
    let rel = absolute.strip_prefix(clean(workspace)).ok()?;
    let rel = rel.to_str()?;
    (!rel.is_empty()).then(|| rel.to_string())
}

/// A path with `.` left out and each `..` taking out the part before it, as written.
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_relative_to_the_workspace_when_inside_it() {
        let (ws, cwd) = (Path::new("/home/runner/work/repo"), Path::new("/home/runner/work/repo/deploy"));
        assert_eq!(relative_to("intent.yaml", cwd, ws).as_deref(), Some("deploy/intent.yaml"));
        assert_eq!(relative_to("./a/../b.yaml", cwd, ws).as_deref(), Some("deploy/b.yaml"));
        assert_eq!(relative_to("/home/runner/work/repo/x.yaml", cwd, ws).as_deref(), Some("x.yaml"));
        assert_eq!(relative_to("/etc/x.yaml", cwd, ws), None);
        assert_eq!(relative_to("../../other/x.yaml", cwd, ws), None);
        assert_eq!(relative_to(STDIN, cwd, ws), None);
        assert_eq!(
            relative_to("x.yaml", cwd, Path::new("/home/runner/work/repo/")).as_deref(),
            Some("deploy/x.yaml")
        );
    }

    #[test]
    fn text_and_annotations_stop_at_the_limit_and_programs_get_everything() {
        let diags: Vec<Diagnostic> = (1..=MAX_PRINTED + 3)
            .map(|i| Diagnostic::problem(diag::Code::Duplicate, format!("twice {i}")).in_file("a.yaml"))
            .collect();
        let failure = Failure::from(diags);
        let print = |format| failure.render(&Printing { format, colour: false, workspace: None });
        let text = print(ErrorFormat::Text);
        assert_eq!(text.lines().filter(|l| l.starts_with("error[")).count(), MAX_PRINTED);
        assert!(text.ends_with("note: 3 more errors not shown (at most 50 are printed; `--error-format json` prints them all)\n"), "{text}");
        let github = print(ErrorFormat::Github);
        assert_eq!(github.lines().count(), MAX_PRINTED + 1);
        assert!(
            github.lines().last().unwrap().starts_with("::notice title=netpol-intent::3 more errors"),
            "{github}"
        );
        assert_eq!(print(ErrorFormat::Json).lines().count(), MAX_PRINTED + 3);
    }

    #[test]
    fn annotations_name_files_relative_to_the_workspace() {
        let d =
            Diagnostic::problem(diag::Code::Duplicate, "twice").in_file("/ws/deploy/a.yaml").at_line(2, 1);
        let failure = Failure::from(vec![d]);
        let workspace = Some((PathBuf::from("/ws"), PathBuf::from("/elsewhere")));
        let out = failure.render(&Printing { format: ErrorFormat::Github, colour: false, workspace });
        assert!(out.starts_with("::error file=deploy/a.yaml,line=2,"), "{out}");
    }
}
