//! The report for a pull-request comment or a job summary, within GitHub's size limit.

use std::fmt::Write as _;

use super::{grouped, model_text, rule_text, widens_text};
use crate::diff::{PolicyRef, Report};
use crate::engine::Entry;
use crate::policy::read::Location;

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
/// connections applying opens and closes and those that widen access, the dangers, the
/// workloads left unreachable, a table of the policies, then each change's diff in a
/// `<details>` block. Longer than [`MARKDOWN_LIMIT`] bytes, the rest is left out with a note
/// saying so.
pub fn markdown(r: &Report) -> String {
    let note_room = 200;
    let mut out = head(r);
    let mut left_out = 0;
    let changes = connection_rows(r);
    if !changes.is_empty() {
        out.push_str("| | connections |\n|---|---|\n");
        left_out += push_while_fits(&mut out, changes, note_room);
        out.push('\n');
    }
    // Each entry is a block that is shown whole or not at all.
    if let Some(b) = dangers(r) {
        if out.len() + b.len() + note_room <= MARKDOWN_LIMIT {
            out.push_str(&b);
        } else {
            left_out += 1;
        }
    }
    let c = &r.connections;
    let unreachable: Vec<String> =
        c.unreachable.iter().map(|&w| format!("- `{}`\n", cell(&c.workloads.workloads[w].id()))).collect();
    if !unreachable.is_empty() {
        out.push_str("Left with no ingress by applying (something may reach them now):\n\n");
        left_out += push_while_fits(&mut out, unreachable, note_room);
        out.push('\n');
    }
    let rows = rows(r);
    if !rows.is_empty() {
        out.push_str("| | policy | file |\n|---|---|---|\n");
        left_out += push_while_fits(&mut out, rows, note_room);
        out.push('\n');
    }
    left_out += push_while_fits(&mut out, details(r), note_room);
    if left_out > 0 {
        let _ = writeln!(
            out,
            "_{left_out} more entries are left out to keep this report under 1 MiB; \
             run `netpol-intent diff --format text` for all of it._"
        );
    }
    out
}

/// The heading, the table of counts, and which workloads the connections are among.
fn head(r: &Report) -> String {
    let mut head = format!("### netpol-intent diff: intent `{}`\n\n", r.intent);
    head.push_str(
        "| opened | closed | to add | to change | to remove | unchanged | unmanaged | widening | dangerous |\n",
    );
    head.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let c = &r.connections;
    let _ = writeln!(
        head,
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        c.opened.len(),
        c.closed.len(),
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
    if r.has_differences() || !r.dangers.is_empty() {
        let _ = writeln!(head, "Connections among {}.\n", html(&model_text(c)));
    }
    head
}

/// The rows of the table of connections: what applying opens and closes, then what the
/// current policies let through beyond the intent and by which rules; grouped as `text`
/// groups them.
fn connection_rows(r: &Report) -> Vec<String> {
    let c = &r.connections;
    let mut rows = Vec::new();
    for (what, entries) in [("opened", &c.opened), ("closed", &c.closed)] {
        let items: Vec<(&Entry, String)> = entries.iter().map(|e| (e, String::new())).collect();
        rows.extend(
            grouped(c, &items).into_iter().map(|(line, _)| format!("| {what} | `{}` |\n", cell(&line))),
        );
    }
    let items: Vec<(&Entry, String)> = c
        .widening
        .iter()
        .map(|w| {
            (&w.entry, w.by.iter().map(|r| format!("`{}`", rule_text(r))).collect::<Vec<_>>().join(", "))
        })
        .collect();
    for (line, rules) in grouped(c, &items) {
        rows.push(format!("| widening | `{}`, let through by {} |\n", cell(&line), cell(&rules)));
    }
    rows
}

/// The dangers, as a caution block.
fn dangers(r: &Report) -> Option<String> {
    if r.dangers.is_empty() {
        return None;
    }
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
    Some(b)
}

/// One table row per policy added, changed, removed, unmanaged or not listed.
fn rows(r: &Report) -> Vec<String> {
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
    rows
}

/// Each change's diff in a `<details>` block, cut at [`MARKDOWN_DIFF_LIMIT`].
fn details(r: &Report) -> Vec<String> {
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
    details
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::big_report;

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
}
