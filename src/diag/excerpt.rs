//! The source lines a diagnostic is about, as the text renderer shows them under it: the line
//! of a span, made printable (tabs as four spaces, control characters escaped), with the
//! columns to mark. [`Sources`] holds the texts of the files read, by the name diagnostics
//! give them.

use std::collections::BTreeMap;

use super::printable::escaped;
use crate::yaml::Span;

/// The texts of the files a run read, by the name its diagnostics give them (`<stdin>` for
/// standard input).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources(BTreeMap<String, String>);

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds the text of `file`.
    pub fn add(&mut self, file: impl Into<String>, text: impl Into<String>) {
        self.0.insert(file.into(), text.into());
    }

    /// Adds every source of `other`.
    pub fn extend(&mut self, other: Sources) {
        self.0.extend(other.0);
    }

    pub fn get(&self, file: &str) -> Option<&str> {
        self.0.get(file).map(String::as_str)
    }
}

/// One source line and the part of it a span covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// The 1-based line number.
    pub line: usize,
    /// The line as shown: tabs as four spaces, control characters escaped, no line break.
    pub text: String,
    /// Where the marks start, in shown columns from 0.
    pub start: usize,
    /// How many columns to mark; at least 1.
    pub width: usize,
}

/// How wide a tab is shown.
const TAB: &str = "    ";

/// The widest line shown, in columns: a longer one is shown around its marks, its cut ends
/// shown as `…`.
pub const MAX_WIDTH: usize = 120;

/// Columns shown before the marks of a line that is cut.
const LEAD: usize = 40;

/// The first line of `span` in `text`, and the columns of it the span covers: to the end of
/// the line, trailing blanks left out, when the span goes on to later lines; the character at
/// it for a point. `None` when the span's line is not in the text.
pub fn excerpt(text: &str, span: Span) -> Option<Excerpt> {
    let line_no = span.start.line;
    let line = text.split('\n').nth(line_no.checked_sub(1)?)?.trim_end_matches('\r');
    let chars: Vec<char> = line.chars().collect();
    let first = span.start.col.saturating_sub(1).min(chars.len());
    let last = if span.end.line == line_no && span.end.col > span.start.col {
        (span.end.col - 1).min(chars.len())
    } else if span.end.line > line_no {
        chars.len() - chars.iter().rev().take_while(|c| c.is_whitespace()).count()
    } else {
        // A point marks the character at it (the whole of a tab).
        (first + 1).min(chars.len())
    };
    let shown = |cs: &[char]| -> String {
        cs.iter().map(|&c| if c == '\t' { TAB.to_string() } else { escaped(&c.to_string()) }).collect()
    };
    let start = shown(&chars[..first]).chars().count();
    let width = shown(&chars[first..last.max(first)]).chars().count().max(1);
    Some(window(Excerpt { line: line_no, text: shown(&chars), start, width }))
}

/// A line wider than [`MAX_WIDTH`] cut to that, from a little before its marks.
fn window(e: Excerpt) -> Excerpt {
    let columns: Vec<char> = e.text.chars().collect();
    if columns.len() <= MAX_WIDTH {
        return e;
    }
    let from = e.start.saturating_sub(LEAD);
    let to = (from + MAX_WIDTH).min(columns.len());
    let mut text: String = if from > 0 { "…".into() } else { String::new() };
    text.extend(&columns[from..to]);
    if to < columns.len() {
        text.push('…');
    }
    let lead = usize::from(from > 0);
    let width = e.width.min(to - e.start).max(1);
    Excerpt { line: e.line, text, start: e.start - from + lead, width }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Pos;

    fn span(start: (usize, usize), end: (usize, usize)) -> Span {
        let at = |(line, col)| Pos { line, col, offset: 0 };
        Span { start: at(start), end: at(end) }
    }

    #[test]
    fn the_marks_cover_the_span_on_its_first_line() {
        let text = "a: 1\n  podSelectr:\n    x: y\n";
        let e = excerpt(text, span((2, 3), (2, 13))).unwrap();
        assert_eq!(e, Excerpt { line: 2, text: "  podSelectr:".into(), start: 2, width: 10 });
        // A point is one mark; a span over lines marks the rest of its first line.
        assert_eq!(excerpt(text, span((1, 4), (1, 4))).unwrap().width, 1);
        let e = excerpt("k:  \n  - a\n", span((1, 1), (3, 1))).unwrap();
        assert_eq!((e.start, e.width), (0, 2));
        assert_eq!(excerpt(text, span((9, 1), (9, 1))), None);
        assert_eq!(excerpt(text, span((0, 0), (0, 0))), None);
    }

    #[test]
    fn a_long_line_is_shown_around_its_marks() {
        let line = format!("{}key: {}", "a".repeat(200), "v".repeat(300));
        let e = excerpt(&line, span((1, 201), (1, 204))).unwrap();
        assert_eq!(e.text.chars().count(), MAX_WIDTH + 2, "{}", e.text);
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        let marked: String = e.text.chars().skip(e.start).take(e.width).collect();
        assert_eq!(marked, "key");
        let e = excerpt(&line, span((1, 201), (1, 510))).unwrap();
        assert_eq!(e.start + e.width, e.text.chars().count() - 1, "marks stop where the line is cut");
        let short = excerpt("a: b\n", span((1, 4), (1, 5))).unwrap();
        assert_eq!(short.text, "a: b");
    }

    #[test]
    fn tabs_and_control_characters_are_shown_and_counted_as_shown() {
        let e = excerpt("\tb: \x1b[31m\n", span((1, 1), (1, 1))).unwrap();
        assert_eq!((e.text.as_str(), e.start, e.width), ("    b: \\u{1b}[31m", 0, 4));
        let e = excerpt("a: \x07x\r\n", span((1, 5), (1, 6))).unwrap();
        assert_eq!((e.text.as_str(), e.start, e.width), ("a: \\u{7}x", 8, 1));
    }
}
