//! The report for a terminal or a CI log.

use std::fmt::Write as _;

use super::{danger_text, grouped, model_text, rule_text, summary_line, widens_text, TEXT_LIMIT};
use crate::diff::{Connections, Report};

/// ANSI colours for [`text`]; all empty when colour is off.
struct Palette {
    add: &'static str,
    change: &'static str,
    remove: &'static str,
    hunk: &'static str,
    danger: &'static str,
    warn: &'static str,
    reset: &'static str,
}

impl Palette {
    fn new(colour: bool) -> Palette {
        if colour {
            Palette {
                add: "\x1b[32m",
                change: "\x1b[33m",
                remove: "\x1b[31m",
                hunk: "\x1b[36m",
                danger: "\x1b[1;31m",
                warn: "\x1b[35m",
                reset: "\x1b[0m",
            }
        } else {
            Palette { add: "", change: "", remove: "", hunk: "", danger: "", warn: "", reset: "" }
        }
    }
}

/// For a terminal or a CI log: the summary, the connections applying opens and closes, the
/// dangers, the connections that widen access and the workloads left unreachable; then one
/// line per policy to add, change (with its diff, indented) or remove, then the unmanaged
/// policies.
pub fn text(r: &Report, colour: bool) -> String {
    let p = Palette::new(colour);
    let mut out = format!("intent `{}`: {}\n", r.intent, summary_line(r));
    out.push_str(&connections(r, &p));
    if !r.dangers.is_empty() {
        out.push('\n');
        for d in &r.dangers {
            let _ = writeln!(out, "{}{}{}", p.danger, danger_text(d), p.reset);
        }
    }
    out.push_str(&widening(&r.connections, &p));
    if r.has_differences() {
        out.push('\n');
    }
    for a in &r.added {
        let _ = writeln!(out, "{}+ add     {}/{}{}", p.add, a.namespace, a.name, p.reset);
    }
    for c in &r.changed {
        let _ = writeln!(
            out,
            "{}~ change  {}/{}{}  ({})",
            p.change, c.policy.namespace, c.policy.name, p.reset, c.location
        );
        for line in c.diff.lines() {
            let colour = match line.as_bytes().first() {
                _ if line.starts_with("---") || line.starts_with("+++") => "",
                Some(b'+') => p.add,
                Some(b'-') => p.remove,
                Some(b'@') => p.hunk,
                _ => "",
            };
            let reset = if colour.is_empty() { "" } else { p.reset };
            let _ = writeln!(out, "    {colour}{line}{reset}");
        }
    }
    for rm in &r.removed {
        let _ = writeln!(
            out,
            "{}- remove  {}/{}{}  ({})",
            p.remove, rm.policy.namespace, rm.policy.name, p.reset, rm.location
        );
    }
    if !r.unmanaged.is_empty() {
        out.push_str("\nNot managed by this intent, in its namespaces (never removed):\n");
        for u in &r.unmanaged {
            if u.widens.is_empty() {
                let _ = writeln!(out, "  {}/{}  ({})", u.policy.namespace, u.policy.name, u.location);
            } else {
                let _ = writeln!(
                    out,
                    "{}! {}/{}  ({}): {}{}",
                    p.warn,
                    u.policy.namespace,
                    u.policy.name,
                    u.location,
                    widens_text(u),
                    p.reset
                );
            }
        }
    }
    if !r.unlisted.is_empty() {
        out.push_str("\nIn files that no kustomization lists (never applied, not compared):\n");
        for n in &r.unlisted {
            let _ = writeln!(out, "  {}/{}  ({})", n.policy.namespace, n.policy.name, n.location);
        }
    }
    out
}

/// When there is a change or a danger to judge: the line saying what opens and closes, among
/// which workloads, then the connections (the opened ones first), grouped.
fn connections(r: &Report, p: &Palette) -> String {
    let c = &r.connections;
    if !r.has_differences() && r.dangers.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "connections: {} opened, {} closed, among {}\n",
        c.opened.len(),
        c.closed.len(),
        model_text(c)
    );
    if c.opened.is_empty() && c.closed.is_empty() {
        return out;
    }
    out.push('\n');
    for (entries, verdict, colour) in
        [(&c.opened, ": denied → allowed", p.add), (&c.closed, ": allowed → denied", p.remove)]
    {
        let items: Vec<_> = entries.iter().map(|e| (e, verdict.to_string())).collect();
        out.push_str(&lines(&grouped(c, &items), colour, p.reset));
    }
    out
}

/// The connections that widen access, with the rules that let each through, and the
/// workloads applying leaves unreachable.
fn widening(c: &Connections, p: &Palette) -> String {
    let mut out = String::new();
    if !c.widening.is_empty() {
        out.push_str("\nAllowed now by policies that allow more than the intent:\n");
        let items: Vec<_> = c
            .widening
            .iter()
            .map(|w| {
                let rules: Vec<String> = w.by.iter().map(rule_text).collect();
                (&w.entry, format!("  ({})", rules.join(", ")))
            })
            .collect();
        out.push_str(&lines(&grouped(c, &items), p.warn, p.reset));
    }
    if !c.unreachable.is_empty() {
        out.push_str("\nLeft with no ingress by applying (something may reach them now):\n");
        let names: Vec<(String, String)> =
            c.unreachable.iter().map(|&w| (c.workloads.workloads[w].id(), String::new())).collect();
        out.push_str(&lines(&names, "", ""));
    }
    out
}

/// At most [`TEXT_LIMIT`] lines, each with its note, indented and coloured, then how many more
/// there are.
fn lines(lines: &[(String, String)], colour: &str, reset: &str) -> String {
    let mut out = String::new();
    for (line, note) in lines.iter().take(TEXT_LIMIT) {
        let _ = writeln!(out, "  {colour}{line}{note}{reset}");
    }
    out.push_str(&more(lines.len()));
    out
}

/// The note for a list longer than [`TEXT_LIMIT`].
fn more(n: usize) -> String {
    match n > TEXT_LIMIT {
        true => format!("  … and {} more (`--format json` lists them all)\n", n - TEXT_LIMIT),
        false => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::big_report;

    #[test]
    fn colour_only_when_asked() {
        let r = big_report(1, 1);
        assert!(!text(&r, false).contains('\x1b'));
        assert!(text(&r, true).contains("\x1b[32m+  x: y\x1b[0m"));
    }
}
