//! Text surgery on YAML that keeps what a tree would lose: cutting one item of a sequence out
//! of its source text (with its comments, scalar spellings and flow style) and moving it to
//! another indentation ([`entry`]); a document as a sequence entry ([`indent_entry`]); and
//! JSON's surrogate pair escapes, which YAML refuses, as YAML escapes
//! ([`json_surrogates_as_yaml`]). Every cut is checked: what it returns reads back as the
//! node it was cut for.

use super::Node;

/// One item as an entry of a block sequence at column 0 (`- ` then the item): its original
/// text when that can be cut out of `src` and reads back as the same node (a block item, see
/// [`original_entry`]; a flow item, as kpt passes a flow-style or JSON file, see
/// [`flow_entry`]), else the node re-emitted, which keeps every value and scalar style but not
/// comments or flow style (an item with an alias to another item's anchor).
pub(crate) fn entry(src: &str, item: &Node) -> String {
    original_entry(src, item)
        .or_else(|| flow_entry(src, item))
        .unwrap_or_else(|| indent_entry(&super::emit_one(item)))
}

/// A flow-style item's own text, `{` to `}`, with the comment after it on its last line, its
/// other lines moved as the item moves to column 2 (and indented two spaces at least). kpt
/// writes a file back in the style of the item it gets, so this is what keeps a flow-style or
/// JSON file as it was. `None` if the item is not a flow mapping, or the text does not read
/// back as the same node.
fn flow_entry(src: &str, item: &Node) -> Option<String> {
    let (start, end) = (item.span.start.offset, item.span.end.offset);
    let text = src.get(start..end).filter(|t| t.starts_with('{') && t.ends_with('}'))?;
    let col = start - src[..start].rfind('\n').map_or(0, |i| i + 1);
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str("- ");
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let rest = line.trim_start_matches(' ');
        if i == 0 {
            out.push_str(line);
        } else if rest.trim().is_empty() {
            out.push_str(if line.ends_with('\n') { "\n" } else { "" });
        } else {
            let spaces = (line.len() - rest.len() + 2).saturating_sub(col).max(2);
            out.extend(std::iter::repeat_n(' ', spaces));
            out.push_str(rest);
        }
    }
    let tail = &src[end..src[end..].find('\n').map_or(src.len(), |i| end + i)];
    if tail.trim_start().starts_with('#') {
        out.push_str(tail);
    }
    out.push('\n');
    reads_back_as(out, item)
}

/// A document emitted at column 0 as a sequence entry.
pub(crate) fn indent_entry(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len() + doc.len() / 8 + 2);
    for (i, line) in doc.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push_str("- ");
        } else if line != "\n" {
            out.push_str("  ");
        }
        out.push_str(line);
    }
    out
}

/// The block-style item's own text, from after its `-` to the end of its last line (with the
/// comment lines after it that are indented like its content), moved so that its content
/// starts at column 2. `None` if the item is not block style, if its lines cannot be moved, or
/// if the result does not read back as the same node (an alias to another item's anchor, say).
fn original_entry(src: &str, item: &Node) -> Option<String> {
    let start = item.span.start.offset;
    if item.as_map()?.is_empty() || src.as_bytes().get(start) == Some(&b'{') {
        return None;
    }
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let col = start - line_start;
    let prefix = &src[line_start..start];
    let indent = prefix.len() - prefix.trim_start_matches(' ').len();
    let dash = match prefix[indent..].strip_prefix('-') {
        Some(gap) if !gap.is_empty() && gap.bytes().all(|b| b == b' ') => line_start + indent,
        None if indent == prefix.len() => dash_above(src, line_start)?,
        _ => return None,
    };
    let end = region_end(src, item.span.end.offset, col);
    let mut lines = src[dash + 1..end].split_inclusive('\n');
    let mut out = String::with_capacity(end - dash + 2);
    out.push('-');
    let first = lines.next().unwrap_or_default().trim_start_matches(' ');
    if !first.starts_with(['\n', '\r']) && !first.is_empty() {
        out.push(' ');
    }
    out.push_str(first);
    for line in lines {
        let rest = line.trim_start_matches(' ');
        let spaces = line.len() - rest.len();
        if spaces >= col {
            out.extend(std::iter::repeat_n(' ', spaces - col + 2));
        } else if rest.starts_with('#') {
            out.push_str("  ");
        } else if !rest.trim().is_empty() {
            return None;
        }
        out.push_str(rest);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    reads_back_as(out, item)
}

/// `entry`, when it reads back as a sequence of the one node `item`.
fn reads_back_as(entry: String, item: &Node) -> Option<String> {
    let docs = super::parse(&entry, &super::Limits::default()).ok()?;
    match docs.as_slice() {
        [doc] => match doc.as_seq() {
            Some([read]) if read.eq_ignoring_spans(item) => Some(entry),
            _ => None,
        },
        _ => None,
    }
}

/// The `-` of an item whose content starts on a later line than its dash: the closest line
/// above that is `-` alone or with a comment, past blank and comment lines.
fn dash_above(src: &str, mut line_start: usize) -> Option<usize> {
    while line_start > 0 {
        let prev = src[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &src[prev..line_start - 1];
        let trimmed = line.trim_start_matches(' ');
        if let Some(rest) = trimmed.strip_prefix('-') {
            let rest = rest.trim();
            return (rest.is_empty() || rest.starts_with('#')).then_some(prev + line.len() - trimmed.len());
        }
        if !(trimmed.trim().is_empty() || trimmed.starts_with('#')) {
            return None;
        }
        line_start = prev;
    }
    None
}

/// Where an item's text ends: after the line its last node ends on, and after the comment lines
/// that follow, indented at least to `col`.
fn region_end(src: &str, end: usize, col: usize) -> usize {
    let line_end = |from: usize| src[from..].find('\n').map_or(src.len(), |i| from + i + 1);
    let mut stop = if end > 0 && src.as_bytes()[end - 1] == b'\n' { end } else { line_end(end) };
    let mut pos = stop;
    while pos < src.len() {
        let next = line_end(pos);
        let line = &src[pos..next];
        let rest = line.trim_start_matches(' ');
        if rest.starts_with('#') && line.len() - rest.len() >= col {
            stop = next;
        } else if !rest.trim().is_empty() {
            break;
        }
        pos = next;
    }
    stop
}

/// JSON text with its `\\uD83D\\uDE80` surrogate pairs written as YAML's `\\U0001F680`;
/// `None` when the text is not a JSON object or has no surrogate pair.
pub(crate) fn json_surrogates_as_yaml(text: &str) -> Option<String> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let unit = |s: &str| {
        let hex = s.get(..4).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))?;
        u32::from_str_radix(hex, 16).ok()
    };
    let (mut out, mut rest, mut changed) = (String::with_capacity(text.len()), text, false);
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let pair = after.strip_prefix('u').and_then(|a| Some((unit(a)?, a.get(4..)?.strip_prefix("\\u")?)));
        match pair.and_then(|(high, low)| Some((high, unit(low)?))) {
            Some((high @ 0xD800..=0xDBFF, low @ 0xDC00..=0xDFFF)) => {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                out.push_str(&format!("\\U{c:08X}"));
                rest = &after[11..];
                changed = true;
            }
            _ => {
                // Any other escape is copied whole, so an escaped backslash is never read as one.
                let len = after.chars().next().map_or(0, char::len_utf8);
                out.push_str(&rest[i..i + 1 + len]);
                rest = &after[len..];
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Node {
        super::super::parse(src, &super::super::Limits::default()).unwrap().remove(0)
    }

    fn items(root: &Node) -> &[Node] {
        root.get("items").unwrap().as_seq().unwrap()
    }

    #[test]
    fn items_are_cut_out_with_their_comments_and_moved_to_column_two() {
        let src =
            "items:\n  - # head\n    a: '0755'   # why\n    b: |\n      text\n\n    # tail\n  -\n    c: 1\n";
        let root = parse(src);
        assert_eq!(
            entry(src, &items(&root)[0]),
            "- # head\n  a: '0755'   # why\n  b: |\n    text\n\n  # tail\n"
        );
        assert_eq!(entry(src, &items(&root)[1]), "-\n  c: 1\n");
    }

    #[test]
    fn an_alias_to_another_items_anchor_is_expanded() {
        let src = "items:\n- a: &x {b: 1}\n- c: *x # shared\n";
        let root = parse(src);
        assert_eq!(entry(src, &items(&root)[0]), "- a: &x {b: 1}\n");
        assert_eq!(entry(src, &items(&root)[1]), "- c:\n    b: 1\n");
    }

    #[test]
    fn flow_items_come_back_as_written() {
        let src = r#"{"items": [{"a": "0755", "n": 123456789012345678901234567890}]}"#;
        let root = parse(src);
        assert_eq!(
            entry(src, &items(&root)[0]),
            "- {\"a\": \"0755\", \"n\": 123456789012345678901234567890}\n"
        );
        // As kpt sends a flow-style file, with a comment; and over several lines, moved along.
        let src = "items:\n- {a: \"yes\", b: [1, 2]} # why\n- {c: 'd',\n     e: \"f\n\n     g\"}\n";
        let root = parse(src);
        assert_eq!(entry(src, &items(&root)[0]), "- {a: \"yes\", b: [1, 2]} # why\n");
        assert_eq!(entry(src, &items(&root)[1]), "- {c: 'd',\n     e: \"f\n\n     g\"}\n");
        let src = "items:\n    - {c: 'd',\n      e: f}\n";
        let root = parse(src);
        assert_eq!(entry(src, &items(&root)[0]), "- {c: 'd',\n  e: f}\n");
    }

    #[test]
    fn a_document_becomes_an_entry_at_column_zero() {
        assert_eq!(
            indent_entry("a: 1\nb:\n  - c\n\nd: |\n  x\n"),
            "- a: 1\n  b:\n    - c\n\n  d: |\n    x\n"
        );
    }

    #[test]
    fn json_surrogate_pairs_become_yaml_escapes() {
        let json = r#"{"a": "caf\u00e9 \ud83d\ude80", "b": "\\ud83d\\ude80"}"#;
        assert_eq!(
            json_surrogates_as_yaml(json).as_deref(),
            Some(r#"{"a": "caf\u00e9 \U0001F680", "b": "\\ud83d\\ude80"}"#)
        );
        assert_eq!(json_surrogates_as_yaml(r#"{"a": "\\ud83d\\ude80"}"#), None, "escaped backslashes");
        assert_eq!(json_surrogates_as_yaml("a: \\ud83d\\ude80"), None, "not JSON");
    }
}
