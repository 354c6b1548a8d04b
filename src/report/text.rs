//! The report for a terminal or a CI log.

use std::fmt::Write as _;

use super::{danger_text, summary_line, widens_text};
use crate::diff::Report;

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

/// For a terminal or a CI log: the summary, the dangers, then one line per policy to add,
/// change (with its diff, indented) or remove, then the unmanaged policies.
pub fn text(r: &Report, colour: bool) -> String {
    let p = Palette::new(colour);
    let mut out = format!("intent `{}`: {}\n", r.intent, summary_line(r));
    if !r.dangers.is_empty() {
        out.push('\n');
        for d in &r.dangers {
            let _ = writeln!(out, "{}{}{}", p.danger, danger_text(d), p.reset);
        }
    }
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
