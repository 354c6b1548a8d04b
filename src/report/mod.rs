//! The diff [`Report`] rendered for people and programs: one function per format ([`text`],
//! [`markdown`], [`json`]), each from the report alone. `docs/diff.md` documents them.

use std::fmt::Write as _;

use crate::diff::{Danger, PolicyRef, Report, Unmanaged};
use crate::policy::read::Location;

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

/// Appends `items` in order while `out` stays under [`MARKDOWN_LIMIT`] less `room`; returns
/// how many were left out.
fn push_while_fits(out: &mut String, items: Vec<String>, room: usize) -> usize {
    let total = items.len();
    for (shown, item) in items.into_iter().enumerate() {
        if out.len() + item.len() + room > MARKDOWN_LIMIT {
            return total - shown;
        }
        out.push_str(&item);
    }
    0
}

/// GitHub limits a job summary (and a comment) to 1 MiB; the report stays below this.
pub const MARKDOWN_LIMIT: usize = 1_000_000;
/// Longest diff shown for one policy.
const MARKDOWN_DIFF_LIMIT: usize = 64 * 1024;

/// For a pull-request comment or `$GITHUB_STEP_SUMMARY`: a heading, a table of counts, the
/// dangers, a table of the policies, then each change's diff in a `<details>` block. Longer
/// than [`MARKDOWN_LIMIT`] bytes, the rest is left out with a note saying so.
pub fn markdown(r: &Report) -> String {
    let mut head = format!("### netpol-intent diff: intent `{}`\n\n", r.intent);
    head.push_str("| to add | to change | to remove | unchanged | unmanaged | widening | dangerous |\n");
    head.push_str("|---:|---:|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        head,
        "| {} | {} | {} | {} | {} | {} | {} |",
        r.added.len(),
        r.changed.len(),
        r.removed.len(),
        r.unchanged,
        r.unmanaged.len(),
        r.widening(),
        r.dangers.len()
    );
    head.push('\n');
    if !r.has_differences() {
        head.push_str("No differences: the policies match the intent.\n\n");
    }

    // Each entry is a block that is shown whole or not at all.
    let mut blocks: Vec<String> = Vec::new();
    if !r.dangers.is_empty() {
        let mut b = String::from("> [!CAUTION]\n> **Dangers: pods open to more than the intent allows:**\n");
        for d in &r.dangers {
            let _ = writeln!(
                b,
                "> - `{}` {}/{} ({}): {}",
                d.kind.as_str(),
                html(&d.policy.namespace),
                html(&d.policy.name),
                d.direction.as_str(),
                html(&d.message)
            );
        }
        b.push('\n');
        blocks.push(b);
    }
    let row = |what: &str, p: &PolicyRef, at: &Location| {
        format!("| {what} | `{}/{}` | `{}` |\n", cell(&p.namespace), cell(&p.name), cell(&at.to_string()))
    };
    let mut rows: Vec<String> = Vec::new();
    for a in &r.added {
        rows.push(format!("| add | `{}/{}` | |\n", cell(&a.namespace), cell(&a.name)));
    }
    rows.extend(r.changed.iter().map(|c| row("change", &c.policy, &c.location)));
    rows.extend(r.removed.iter().map(|rm| row("remove", &rm.policy, &rm.location)));
    for u in &r.unmanaged {
        let what = if u.widens.is_empty() {
            "unmanaged".to_string()
        } else {
            format!("unmanaged: {}", widens_text(u))
        };
        rows.push(row(&what, &u.policy, &u.location));
    }
    rows.extend(r.unlisted.iter().map(|n| row("not listed: never applied", &n.policy, &n.location)));
    let mut details: Vec<String> = Vec::new();
    for c in &r.changed {
        let mut diff = c.diff.as_str();
        let mut cut = "";
        if diff.len() > MARKDOWN_DIFF_LIMIT {
            diff = cut_at_line(diff, MARKDOWN_DIFF_LIMIT);
            cut = "\n_This diff is cut short; run `netpol-intent diff` for all of it._\n";
        }
        let fence = "`".repeat(longest_backtick_run(diff).max(2) + 1);
        details.push(format!(
            "<details>\n<summary>change <code>{}/{}</code></summary>\n\n{fence}diff\n{diff}{fence}\n{cut}\n</details>\n\n",
            html(&c.policy.namespace),
            html(&c.policy.name),
        ));
    }

    let note_room = 200;
    let mut out = head;
    let mut left_out = 0;
    for b in blocks {
        if out.len() + b.len() + note_room <= MARKDOWN_LIMIT {
            out.push_str(&b);
        } else {
            left_out += 1;
        }
    }
    if !rows.is_empty() {
        out.push_str("| | policy | file |\n|---|---|---|\n");
        left_out += push_while_fits(&mut out, rows, note_room);
        out.push('\n');
    }
    left_out += push_while_fits(&mut out, details, note_room);
    if left_out > 0 {
        let _ = writeln!(
            out,
            "_{left_out} more entries are left out to keep this report under 1 MiB; \
             run `netpol-intent diff --format text` for all of it._"
        );
    }
    out
}

/// The longest prefix of `s` that ends with a line break and is at most `limit` bytes long
/// (empty when the first line is longer). Cuts only between characters: `limit` may fall
/// inside a multi-byte one.
fn cut_at_line(s: &str, limit: usize) -> &str {
    let mut end = limit.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..s[..end].rfind('\n').map_or(0, |i| i + 1)]
}

/// A table cell's text: no line breaks, `|` escaped.
fn cell(s: &str) -> String {
    s.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// Text for HTML (and Markdown outside code).
fn html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// For programs, documented field by field in `docs/diff.md`.
pub fn json(r: &Report) -> String {
    use serde_json::json;
    let at = |namespace: &str, name: &str| json!({"namespace": namespace, "name": name});
    let located = |p: &PolicyRef, l: &Location| json!({"namespace": p.namespace, "name": p.name, "file": l.file, "line": l.line});
    let value = json!({
        "intent": r.intent,
        "differences": r.has_differences(),
        "summary": {
            "added": r.added.len(),
            "changed": r.changed.len(),
            "removed": r.removed.len(),
            "unchanged": r.unchanged,
            "unmanaged": r.unmanaged.len(),
            "widening": r.widening(),
            "dangerous": r.dangers.len(),
            "unlisted": r.unlisted.len(),
        },
        "added": r.added.iter().map(|a| at(&a.namespace, &a.name)).collect::<Vec<_>>(),
        "changed": r.changed.iter().map(|c| json!({
            "namespace": c.policy.namespace,
            "name": c.policy.name,
            "file": c.location.file,
            "line": c.location.line,
            "diff": c.diff,
        })).collect::<Vec<_>>(),
        "removed": r.removed.iter().map(|rm| located(&rm.policy, &rm.location)).collect::<Vec<_>>(),
        "unmanaged": r.unmanaged.iter().map(|u| json!({
            "namespace": u.policy.namespace,
            "name": u.policy.name,
            "file": u.location.file,
            "line": u.location.line,
            "widens": !u.widens.is_empty(),
            "widened": u.widens.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "dangers": r.dangers.iter().map(|d| json!({
            "kind": d.kind.as_str(),
            "namespace": d.policy.namespace,
            "name": d.policy.name,
            "direction": d.direction.as_str(),
            "message": d.message,
        })).collect::<Vec<_>>(),
        "unlisted": r.unlisted.iter().map(|n| located(&n.policy, &n.location)).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("a report serializes to JSON");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Change;

    fn big_report(n: usize, diff_lines: usize) -> Report {
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

    #[test]
    fn markdown_stays_under_the_limit_and_says_what_it_left_out() {
        let md = markdown(&big_report(5000, 100));
        assert!(md.len() <= MARKDOWN_LIMIT, "{}", md.len());
        assert!(md.contains("more entries are left out"), "{}", &md[md.len() - 300..]);
        assert_eq!(md.matches("<details>").count(), md.matches("</details>").count());

        let one_huge = markdown(&big_report(1, 100_000));
        assert!(one_huge.len() < 100_000);
        assert!(one_huge.contains("This diff is cut short"));

        let small = markdown(&big_report(2, 3));
        assert!(!small.contains("left out"));
        assert_eq!(small.matches("<details>").count(), 2);
    }

    #[test]
    fn a_long_diff_is_cut_between_lines_even_inside_a_multi_byte_character() {
        // One long line of 3-byte characters, so that the limit falls inside one.
        let line = format!("+  description: {}\n", "\u{20ac}".repeat(MARKDOWN_DIFF_LIMIT / 2));
        let mut r = big_report(1, 0);
        r.changed[0].diff = format!("--- current\n+++ generated\n+  a: b\n{line}");
        assert!(!r.changed[0].diff.is_char_boundary(MARKDOWN_DIFF_LIMIT), "the case must cut a character");
        let md = markdown(&r);
        assert!(md.contains("+  a: b\n```"), "{}", &md[..md.len().min(600)]);
        assert!(md.contains("This diff is cut short"));
        assert!(!md.contains('\u{20ac}'));
        assert_eq!(cut_at_line("ab\ncd\n", 4), "ab\n");
        assert_eq!(cut_at_line("ab\ncd\n", 100), "ab\ncd\n");
        assert_eq!(cut_at_line("\u{20ac}\u{20ac}\n", 4), "");
    }

    #[test]
    fn colour_only_when_asked() {
        let r = big_report(1, 1);
        assert!(!text(&r, false).contains('\x1b'));
        assert!(text(&r, true).contains("\x1b[32m+  x: y\x1b[0m"));
    }
}
