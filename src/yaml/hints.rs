//! Plain words for the parser's messages: a syntax error gets a hint where a common mistake
//! explains it (a tab, wrong indentation, an unclosed bracket or quote), and an error about a
//! tab points at the tab itself rather than where the parser noticed it.

use super::Pos;

/// The hint for a tab: the one mistake YAML's grammar names.
pub(crate) const TAB_HINT: &str = "YAML forbids tabs for indentation: indent with spaces";

/// What wrong indentation breaks, in plain words.
const INDENTATION: &str = "check this line's indentation: the keys of one mapping start in one column, \
                           as do the `-` of the items of one list, and a value is indented deeper than its key";

/// Fragments of the parser's messages, and what they mean in plain words.
const HINTS: &[(&str, &str)] = &[
    ("did not find expected key", INDENTATION),
    ("did not find expected '-' indicator", INDENTATION),
    ("invalid indentation", INDENTATION),
    (
        "mapping values are not allowed in this context",
        "a `: ` here starts a key where none can be: check this line's indentation (a line \
         indented deeper than the one before continues that line's value), or quote the value",
    ),
    (
        "illegal placement of ':' indicator",
        "a `:` cannot be here: a `[` list or `{` mapping before it may be missing its closing bracket",
    ),
    ("simple key expect ':'", "a key needs a `:` and a space after it: check this line and the one before"),
    ("expected ',' or ']'", "a `[` list is not closed: end it with `]`, its items separated by `,`"),
    ("expected ',' or '}'", "a `{` mapping is not closed: end it with `}`, its entries separated by `,`"),
    ("while scanning a quoted scalar", "a quoted string is not closed: end it with the quote it starts with"),
];

/// Where a syntax error is, and its hint: `pos` and the hint of [`HINTS`] that fits, if one
/// does; for an error about a tab, the tab's place (in the indentation of the error's line,
/// or of the next line that has one, where a value ran on) and [`TAB_HINT`].
pub(crate) fn explain(src: &str, message: &str, pos: Pos) -> (Pos, Option<&'static str>) {
    if message.contains("tab") {
        return (tab_at_or_after(src, pos).unwrap_or(pos), Some(TAB_HINT));
    }
    (pos, HINTS.iter().find(|(fragment, _)| message.contains(fragment)).map(|(_, hint)| *hint))
}

/// The first tab in the indentation of the line at `pos`, or of the next few lines.
fn tab_at_or_after(src: &str, pos: Pos) -> Option<Pos> {
    let line_start = src[..pos.offset.min(src.len())].rfind('\n').map_or(0, |i| i + 1);
    let mut offset = line_start;
    for (i, line) in src[line_start..].split('\n').take(3).enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(col) = line[..indent].find('\t') {
            return Some(Pos { line: pos.line + i, col: col + 1, offset: offset + col });
        }
        offset += line.len() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(src: &str) -> crate::yaml::YamlError {
        crate::yaml::parse(src, &Default::default()).unwrap_err()
    }

    #[test]
    fn a_tab_in_indentation_is_pointed_at() {
        for (src, line, col) in [
            ("a:\n\tb: 1\n", 2, 1),
            ("a:\n  b:\n  \tc: 1\n", 3, 3),
            ("- a: x\n  \tb: y\n", 2, 3),
            ("a:\n\t- x\n", 2, 1),
        ] {
            let e = error_of(src);
            assert_eq!((e.pos.line, e.pos.col), (line, col), "{src:?}: {e}");
            assert_eq!(e.help.as_deref(), Some(TAB_HINT), "{src:?}");
        }
    }

    #[test]
    fn wrong_indentation_gets_plain_words() {
        let e = error_of("a:\n  b: 1\n c: 2\n");
        assert!(e.help.as_deref().is_some_and(|h| h.starts_with("check this line's indentation")), "{e:?}");
        let e = error_of("a: [p, q\n");
        assert!(e.help.as_deref().is_some_and(|h| h.contains("`[` list is not closed")), "{e:?}");
        // A message with no known mistake behind it keeps no hint.
        assert_eq!(explain("", "something else", Pos::default()), (Pos::default(), None));
    }
}
