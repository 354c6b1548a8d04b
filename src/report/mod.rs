//! The diff [`Report`] rendered for people and programs: one function per format ([`text`],
//! [`markdown`], [`json`]), each from the report alone. `docs/diff.md` documents them.

use std::fmt::Write as _;

mod json;
mod markdown;
mod text;

pub use json::json;
pub use markdown::{markdown, MARKDOWN_LIMIT};
pub use text::text;

use crate::connreport::endpoint_for_people;
use crate::diff::{Connections, Danger, Report, RuleAt, Unmanaged};
use crate::engine::Entry;

/// The most connections of one kind that `text` lists; `--format json` lists them all.
const TEXT_LIMIT: usize = 20;

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

/// Which workloads the connections are among, in words.
fn model_text(c: &Connections) -> String {
    c.among()
}

/// The most names one grouped line lists before saying how many more.
const GROUP_NAMES: usize = 8;

/// Connections for people, `SOURCES → DESTINATION PORTS` (or `SOURCE → DESTINATIONS PORTS`),
/// each with its note: entries with the same ports and note grouped on one end, by destination
/// or by source, whichever makes fewer lines, in the order their first entry comes.
fn grouped(c: &Connections, items: &[(&Entry, String)]) -> Vec<(String, String)> {
    let name = |end| endpoint_for_people(&c.workloads, end);
    type Group = ((String, String, String), Vec<String>);
    let by = |destination: bool| -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        let mut index: std::collections::HashMap<(String, String, String), usize> = Default::default();
        for (e, note) in items {
            let (fixed, other) = match destination {
                true => (name(&e.dst), name(&e.src)),
                false => (name(&e.src), name(&e.dst)),
            };
            let key = (fixed, e.conns.to_string(), note.clone());
            match index.get(&key) {
                Some(&i) => groups[i].1.push(other),
                None => {
                    index.insert(key.clone(), groups.len());
                    groups.push((key, vec![other]));
                }
            }
        }
        groups
    };
    let (to, from) = (by(true), by(false));
    let destination = to.len() <= from.len();
    let groups = if destination { to } else { from };
    groups
        .into_iter()
        .map(|((fixed, conns, note), others)| {
            let mut shown = others[..others.len().min(GROUP_NAMES)].join(", ");
            if others.len() > GROUP_NAMES {
                let _ = write!(shown, " and {} more", others.len() - GROUP_NAMES);
            }
            let line = match destination {
                true => format!("{shown} → {fixed} {conns}"),
                false => format!("{fixed} → {shown} {conns}"),
            };
            (line, note)
        })
        .collect()
}

/// A rule's field path in its policy: `spec.ingress[0]`.
fn rule_field(r: &RuleAt) -> String {
    let field = match r.direction {
        crate::intent::PolicyType::Ingress => "ingress",
        crate::intent::PolicyType::Egress => "egress",
    };
    format!("spec.{field}[{}]", r.rule)
}

/// A rule of a current policy: `shop/allow-all spec.ingress[0]`.
fn rule_text(r: &RuleAt) -> String {
    format!("{}/{} {}", r.policy.namespace, r.policy.name, rule_field(r))
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
