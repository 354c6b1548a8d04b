//! The emitter: block style, kubectl-like, keeping the spelling of scalars it read and
//! quoting what YAML 1.1 readers would misread ([`super::quote`]).

use super::quote::{is_unsafe_char, literal_needs_indicator, literal_ok, plain_ok};
use super::*;

/// A multi-document stream in block style, kubectl-like: two-space indentation, sequences
/// under a mapping key not indented, empty collections as `{}` and `[]`. Documents after the
/// first are preceded by `---`; an empty slice gives an empty string.
///
/// Scalars keep their style where that reads back as the same value (see [`ScalarStyle`]);
/// otherwise they are double-quoted. Folded scalars are written as literal blocks (or
/// double-quoted). Every tag is written, in short form where it has one (`!!str`, `!foo`),
/// verbatim (`!<…>`) otherwise. Anchors are not written: aliases were expanded on reading.
/// An empty plain scalar (null) is written as nothing after a key or `-`, and as `null` at a
/// document's root or as a key.
pub fn emit(docs: &[Node]) -> String {
    let mut e = Emitter { out: String::new() };
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            e.out.push_str("---\n");
        }
        e.document(doc);
    }
    e.out
}

/// One document, without a `---` line.
pub fn emit_one(node: &Node) -> String {
    emit(std::slice::from_ref(node))
}

/// Implicit keys longer than this are written as explicit `? ` keys (YAML allows 1024).
const MAX_IMPLICIT_KEY: usize = 1000;

/// How a scalar is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repr {
    Plain,
    Single,
    Double,
    Literal,
}

fn repr(value: &str, style: ScalarStyle, block_ok: bool, root: bool) -> Repr {
    match style {
        ScalarStyle::Plain if plain_ok(value) => Repr::Plain,
        ScalarStyle::Auto if !needs_quotes(value) => Repr::Plain,
        ScalarStyle::SingleQuoted if !value.chars().any(is_unsafe_char) => Repr::Single,
        ScalarStyle::Literal | ScalarStyle::Folded if block_ok && literal_ok(value, root) => Repr::Literal,
        _ => Repr::Double,
    }
}

struct Emitter {
    out: String,
}

impl Emitter {
    fn indent(&mut self, mut n: usize) {
        const SPACES: &str = "                                ";
        while n > 0 {
            let k = n.min(SPACES.len());
            self.out.push_str(&SPACES[..k]);
            n -= k;
        }
    }

    fn tag(&mut self, tag: &str) {
        write_tag(&mut self.out, tag);
    }

    fn document(&mut self, node: &Node) {
        match &node.kind {
            NodeKind::Scalar { value, style } => {
                if let Some(tag) = &node.tag {
                    self.tag(tag);
                    if value.is_empty() && *style == ScalarStyle::Plain {
                        self.out.push('\n');
                        return;
                    }
                    self.out.push(' ');
                } else if value.is_empty() && *style == ScalarStyle::Plain {
                    self.out.push_str("null\n");
                    return;
                }
                self.value_scalar(value, *style, 2, true);
            }
            NodeKind::Seq(items) if !items.is_empty() => {
                if let Some(tag) = &node.tag {
                    self.tag(tag);
                    self.out.push('\n');
                }
                self.seq(items, 0, false);
            }
            NodeKind::Map(entries) if !entries.is_empty() => {
                if let Some(tag) = &node.tag {
                    self.tag(tag);
                    self.out.push('\n');
                }
                self.map(entries, 0, false);
            }
            _ => {
                if let Some(tag) = &node.tag {
                    self.tag(tag);
                    self.out.push(' ');
                }
                self.out.push_str(empty_collection(node));
                self.out.push('\n');
            }
        }
    }

    /// The items of a non-empty sequence, the dashes at column `indent`; the first dash is
    /// already on its line when `inline_first`.
    fn seq(&mut self, items: &[Node], indent: usize, inline_first: bool) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 || !inline_first {
                self.indent(indent);
            }
            self.out.push('-');
            self.after_indicator(item, indent);
        }
    }

    /// The entries of a non-empty mapping, the keys at column `indent`; the first key is
    /// already on its line when `inline_first`.
    fn map(&mut self, entries: &[(Node, Node)], indent: usize, inline_first: bool) {
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 || !inline_first {
                self.indent(indent);
            }
            if write_implicit_key(&mut self.out, k) {
                self.out.push(':');
                self.map_value(v, indent);
            } else {
                self.out.push('?');
                self.after_indicator(k, indent);
                self.indent(indent);
                self.out.push(':');
                self.after_indicator(v, indent);
            }
        }
    }

    /// The rest of the line after `key:` (the key at column `indent`), and any lines below.
    fn map_value(&mut self, v: &Node, indent: usize) {
        match &v.kind {
            NodeKind::Seq(items) if !items.is_empty() => {
                self.tag_line(v);
                self.seq(items, indent, false);
            }
            NodeKind::Map(entries) if !entries.is_empty() => {
                self.tag_line(v);
                self.map(entries, indent + 2, false);
            }
            _ => self.inline_node(v, indent + 2),
        }
    }

    /// The rest of the line after `-`, `?` or `:` at column `indent`, and any lines below.
    fn after_indicator(&mut self, v: &Node, indent: usize) {
        let inner = indent + 2;
        match &v.kind {
            NodeKind::Seq(items) if !items.is_empty() => {
                if v.tag.is_some() {
                    self.tag_line(v);
                    self.seq(items, inner, false);
                } else {
                    self.out.push(' ');
                    self.seq(items, inner, true);
                }
            }
            NodeKind::Map(entries) if !entries.is_empty() => {
                if v.tag.is_some() {
                    self.tag_line(v);
                    self.map(entries, inner, false);
                } else {
                    self.out.push(' ');
                    self.map(entries, inner, true);
                }
            }
            _ => self.inline_node(v, inner),
        }
    }

    /// ` !tag` if any, then the end of the line.
    fn tag_line(&mut self, v: &Node) {
        if let Some(tag) = &v.tag {
            self.out.push(' ');
            self.tag(tag);
        }
        self.out.push('\n');
    }

    /// A scalar or an empty collection after an indicator or key, ending the line. Block
    /// scalars put their lines at column `content_indent`.
    fn inline_node(&mut self, v: &Node, content_indent: usize) {
        if let Some(tag) = &v.tag {
            self.out.push(' ');
            self.tag(tag);
        }
        match &v.kind {
            NodeKind::Scalar { value, style } => {
                if value.is_empty() && *style == ScalarStyle::Plain {
                    self.out.push('\n');
                } else {
                    self.out.push(' ');
                    self.value_scalar(value, *style, content_indent, false);
                }
            }
            _ => {
                self.out.push(' ');
                self.out.push_str(empty_collection(v));
                self.out.push('\n');
            }
        }
    }

    /// A scalar in value position, ending the line.
    fn value_scalar(&mut self, value: &str, style: ScalarStyle, content_indent: usize, root: bool) {
        match repr(value, style, true, root) {
            Repr::Literal => self.literal(value, content_indent),
            r => {
                write_inline_scalar(&mut self.out, value, r);
                self.out.push('\n');
            }
        }
    }

    /// A literal block scalar, its lines at column `indent`; the indentation indicator (when
    /// needed) is 2, as content sits two columns right of its parent.
    fn literal(&mut self, value: &str, indent: usize) {
        let (body, chomp) = match value.strip_suffix('\n') {
            Some(body) if body.ends_with('\n') => (body, "+"),
            Some(body) => (body, ""),
            None => (value, "-"),
        };
        self.out.push('|');
        if literal_needs_indicator(value) {
            self.out.push('2');
        }
        self.out.push_str(chomp);
        self.out.push('\n');
        for line in body.split('\n') {
            if !line.is_empty() {
                self.indent(indent);
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
    }
}

fn empty_collection(node: &Node) -> &'static str {
    match node.kind {
        NodeKind::Map(_) => "{}",
        _ => "[]",
    }
}

/// Writes a scalar key (with its tag) on one line; false, having written nothing, when the
/// key must be written as an explicit `? ` key instead (a collection, or too long).
fn write_implicit_key(out: &mut String, k: &Node) -> bool {
    let NodeKind::Scalar { value, style } = &k.kind else {
        return false;
    };
    let start = out.len();
    if let Some(tag) = &k.tag {
        write_tag(out, tag);
        out.push(' ');
    }
    if value.is_empty() && *style == ScalarStyle::Plain {
        out.push_str(if k.tag.is_some() { "\"\"" } else { "null" });
    } else {
        write_inline_scalar(out, value, repr(value, *style, false, false));
    }
    let written = &out[start..];
    if written.len() > MAX_IMPLICIT_KEY && written.chars().count() > MAX_IMPLICIT_KEY {
        out.truncate(start);
        return false;
    }
    true
}

fn write_inline_scalar(out: &mut String, value: &str, repr: Repr) {
    match repr {
        Repr::Plain => out.push_str(value),
        Repr::Single => {
            out.push('\'');
            out.push_str(&value.replace('\'', "''"));
            out.push('\'');
        }
        Repr::Double | Repr::Literal => write_double_quoted(out, value),
    }
}

fn write_double_quoted(out: &mut String, s: &str) {
    use std::fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe_char(c) => {
                let _ = if u32::from(c) <= 0xFFFF {
                    write!(out, "\\u{:04X}", u32::from(c))
                } else {
                    write!(out, "\\U{:08X}", u32::from(c))
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Characters a tag shorthand may hold after its handle.
fn is_tag_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-#;/?:@&=+$_.~*'()".contains(c)
}

/// Characters a verbatim tag may hold unescaped.
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-#;/?:@&=+$,_.!~*'()[]".contains(c)
}

/// `!!x` for `tag:yaml.org,2002:x`, `!x` for a local tag, `!<…>` (percent-encoded) otherwise.
fn write_tag(out: &mut String, tag: &str) {
    use std::fmt::Write;
    if let Some(name) = tag.strip_prefix(CORE_TAG_PREFIX) {
        if !name.is_empty() && name.chars().all(is_tag_char) {
            out.push_str("!!");
            out.push_str(name);
            return;
        }
    }
    if let Some(name) = tag.strip_prefix('!') {
        if name.chars().all(is_tag_char) {
            out.push('!');
            out.push_str(name);
            return;
        }
    }
    out.push_str("!<");
    for c in tag.chars() {
        if is_uri_char(c) {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out.push('>');
}
