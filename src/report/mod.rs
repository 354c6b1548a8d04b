//! The diff [`Report`] rendered for people and programs: one function per format ([`text`],
//! [`markdown`], [`json`]), each from the report alone. `docs/diff.md` documents them.

use std::fmt::Write as _;

mod json;
mod markdown;
mod text;

pub use json::json;
pub use markdown::{markdown, MARKDOWN_LIMIT};
pub use text::text;

use crate::diff::{Danger, Report, Unmanaged};

/// The counts as one line, as `text` and `markdown` print them.
fn summary_line(r: &Report) -> String {
    let mut line = format!(
        "{} to add, {} to change, {} to remove, {} unchanged",
        r.added.len(),
        r.changed.len(),
        r.removed.len(),
        r.unchanged
    );
    if !r.unmanaged.is_empty() {
        let _ = write!(line, "; {} unmanaged ({} widening access)", r.unmanaged.len(), r.widening());
    }
    if !r.dangers.is_empty() {
        let _ = write!(line, "; {} dangerous", r.dangers.len());
    }
    if !r.unlisted.is_empty() {
        let _ = write!(line, "; {} not listed", r.unlisted.len());
    }
    line
}

fn widens_text(u: &Unmanaged) -> String {
    let dirs: Vec<&str> = u.widens.iter().map(|d| d.as_str()).collect();
    format!("widens {} access to pods the intent isolates", dirs.join(" and "))
}

fn danger_text(d: &Danger) -> String {
    format!(
        "danger[{}]: {}/{} ({}): {}",
        d.kind.as_str(),
        d.policy.namespace,
        d.policy.name,
        d.direction.as_str(),
        d.message
    )
}

/// A report of `n` changes, each with a diff of `diff_lines` added lines.
#[cfg(test)]
fn big_report(n: usize, diff_lines: usize) -> Report {
    use crate::diff::{Change, PolicyRef};
    use crate::policy::read::Location;
    let diff = format!("--- current\n+++ generated\n{}", "+  x: y\n".repeat(diff_lines));
    Report {
        intent: "i".into(),
        changed: (0..n)
            .map(|i| Change {
                policy: PolicyRef { namespace: "ns".into(), name: format!("p{i}") },
                location: Location { file: "f.yaml".into(), line: 1 },
                diff: diff.clone(),
            })
            .collect(),
        ..Report::default()
    }
}
