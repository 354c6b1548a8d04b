//! A small YAML layer with positions: a tree of [`Node`]s that remembers where every node
//! was and how every scalar was spelt, a parser with limits for hostile input, and a block-style
//! emitter that keeps the spelling of what it read and quotes what YAML 1.1 readers would
//! otherwise mistake for a boolean, a number or null.
//!
//! Everything else in the crate reads and writes YAML through this module: the tree here, the
//! parser ([`parse`](fn@parse)), what go-yaml reads otherwise (`readings`), the quoting rules
//! ([`needs_quotes`]), the emitter ([`emit`](fn@emit)), JSON values ([`from_json`], [`to_json`]) and
//! text surgery on items ([`splice`]).

/// A place in a source text. `line` and `col` are 1-based and count characters; `offset` is a
/// byte offset into the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
    pub offset: usize,
}

/// Where a node starts and ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    /// A place with no extent.
    pub fn point(pos: Pos) -> Span {
        Span { start: pos, end: pos }
    }
}

/// How a scalar was (or is to be) written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    /// Chosen by the emitter: plain when that reads back as the same string under YAML 1.1 and
    /// 1.2, double-quoted otherwise. Used for strings the tool makes.
    Auto,
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    /// An explicit tag such as `!!str`, as written.
    pub tag: Option<String>,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    Seq(Vec<Node>),
    /// Entries in the order they were written.
    Map(Vec<(Node, Node)>),
}

/// What a scalar means under the YAML 1.2 core schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

/// A YAML syntax error, input refused by [`Limits`], or text that kubectl or kustomize
/// would read otherwise than YAML 1.2 does (see [`parse`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub pos: Pos,
    /// What the problem likely is, in plain words, where a common mistake explains the
    /// parser's message (a tab, wrong indentation).
    pub help: Option<String>,
    /// The other problems found in the same text, in order of position (each with no
    /// `others` of its own): a reader that reports every problem at once lists them too.
    pub others: Vec<YamlError>,
}

/// Bounds that keep a hostile file from exhausting the machine.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Most nodes in all documents, aliases counted as the nodes they expand to.
    pub max_nodes: usize,
    /// Most bytes of text (scalar values and tags) that aliases may copy, over all documents:
    /// the bound on what a small file can make of one large anchored node.
    pub max_alias_bytes: usize,
}

impl Default for Limits {
    /// 128 levels, 10 million nodes, 16 MiB copied by aliases.
    fn default() -> Self {
        Limits { max_depth: 128, max_nodes: 10_000_000, max_alias_bytes: 16 << 20 }
    }
}

/// What a [`YamlError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Not YAML, or refused by the [`Limits`], a duplicate key or an alias to nothing.
    Invalid,
    /// Valid YAML that kubectl or kustomize (go-yaml) reads otherwise than YAML 1.2 does.
    ReadOtherwise,
}

/// `line:col: message`, then `; line:col: message` for each of the others.
impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.col, self.message)?;
        for other in &self.others {
            write!(f, "; {other}")?;
        }
        Ok(())
    }
}

impl std::error::Error for YamlError {}

impl YamlError {
    fn new(message: impl Into<String>, pos: Pos) -> YamlError {
        YamlError {
            kind: YamlErrorKind::Invalid,
            message: message.into(),
            pos,
            help: None,
            others: Vec::new(),
        }
    }

    /// A syntax error of the parser's, with its hint and, for a tab, at the tab.
    fn syntax(src: &str, message: String, pos: Pos) -> YamlError {
        let (pos, help) = hints::explain(src, &message, pos);
        YamlError { help: help.map(str::to_string), ..YamlError::new(message, pos) }
    }

    fn read_otherwise(message: String, pos: Pos) -> YamlError {
        YamlError { kind: YamlErrorKind::ReadOtherwise, ..YamlError::new(message, pos) }
    }

    /// Every problem in `self` and its others, in order of position.
    pub fn all(&self) -> impl Iterator<Item = &YamlError> {
        std::iter::once(self).chain(&self.others)
    }

    /// One error of many (not empty): the first by position, the rest as its others.
    fn of_all(mut errors: Vec<YamlError>) -> YamlError {
        errors.sort_by_key(|e| e.pos);
        let mut first = errors.remove(0);
        first.others = errors;
        first
    }
}

mod emit;
mod hints;
mod json;
mod parse;
mod quote;
mod readings;
pub mod splice;

pub use emit::{emit, emit_one};
pub use json::{from_json, to_json};
#[cfg(test)]
use parse::parse_with;
pub use parse::{parse, parse_as_yaml_1_2};
pub use quote::needs_quotes;

/// The prefix `!!` stands for: `!!str` is stored as `tag:yaml.org,2002:str`.
const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";
const STR_TAG: &str = "tag:yaml.org,2002:str";

// ---------------------------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------------------------

impl Node {
    fn scalar_node(value: String, style: ScalarStyle) -> Node {
        Node { span: Span::default(), tag: None, kind: NodeKind::Scalar { value, style } }
    }

    /// A string the tool makes: emitted plain when that is safe, double-quoted otherwise.
    pub fn str(s: impl Into<String>) -> Node {
        Node::scalar_node(s.into(), ScalarStyle::Auto)
    }

    /// A plain scalar, written exactly as given: for numbers, booleans and null (`"8080"`,
    /// `"true"`, `"null"`).
    pub fn plain(s: impl Into<String>) -> Node {
        Node::scalar_node(s.into(), ScalarStyle::Plain)
    }

    /// The plain scalar `null`.
    pub fn null() -> Node {
        Node::plain("null")
    }

    /// A sequence.
    pub fn seq(items: Vec<Node>) -> Node {
        Node { span: Span::default(), tag: None, kind: NodeKind::Seq(items) }
    }

    /// A mapping, entries in the given order.
    pub fn map(entries: Vec<(Node, Node)>) -> Node {
        Node { span: Span::default(), tag: None, kind: NodeKind::Map(entries) }
    }

    /// A mapping with string keys (style [`ScalarStyle::Auto`]), entries in the given order.
    pub fn map_from(entries: Vec<(&str, Node)>) -> Node {
        Node::map(entries.into_iter().map(|(k, v)| (Node::str(k), v)).collect())
    }

    /// This node with `tag` (long form, e.g. `tag:yaml.org,2002:str`, or a local `!foo`).
    pub fn with_tag(mut self, tag: impl Into<String>) -> Node {
        self.tag = Some(tag.into());
        self
    }

    /// This node with `span`.
    pub fn with_span(mut self, span: Span) -> Node {
        self.span = span;
        self
    }

    /// What a scalar means under the YAML 1.2 core schema; `None` for collections.
    ///
    /// Only plain scalars are resolved: quoted, block and [`ScalarStyle::Auto`] scalars are
    /// strings, and so is anything tagged `!!str` or `!`. A scalar tagged `!!null`, `!!bool`,
    /// `!!int` or `!!float` is resolved as if it were plain, whatever its style. Integers that do
    /// not fit an `i64` become the nearest [`Scalar::Float`] (as JSON readers and go-yaml do).
    pub fn scalar(&self) -> Option<Scalar<'_>> {
        let NodeKind::Scalar { value, style } = &self.kind else {
            return None;
        };
        match self.tag.as_deref() {
            Some(STR_TAG) | Some("!") => return Some(Scalar::Str(value)),
            Some(tag) => {
                if let Some(name) = tag.strip_prefix(CORE_TAG_PREFIX) {
                    if matches!(name, "null" | "bool" | "int" | "float") {
                        return Some(resolve_plain(value));
                    }
                }
            }
            None => {}
        }
        Some(match style {
            ScalarStyle::Plain => resolve_plain(value),
            _ => Scalar::Str(value),
        })
    }

    /// The raw value of any scalar (as written, after unescaping), whatever it resolves to.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The style of a scalar.
    pub fn style(&self) -> Option<ScalarStyle> {
        match &self.kind {
            NodeKind::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// True for a scalar that resolves to null (`null`, `~`, empty).
    pub fn is_null(&self) -> bool {
        self.scalar() == Some(Scalar::Null)
    }

    /// The value of a scalar resolving to a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.scalar() {
            Some(Scalar::Bool(b)) => Some(b),
            _ => None,
        }
    }

    /// The value of a scalar resolving to an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self.scalar() {
            Some(Scalar::Int(i)) => Some(i),
            _ => None,
        }
    }

    /// The entries of a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entries of a mapping, to change.
    pub fn as_map_mut(&mut self) -> Option<&mut Vec<(Node, Node)>> {
        match &mut self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items of a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The items of a sequence, to change.
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The value under the scalar key whose raw value is `key`; `None` if absent or not a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }

    /// Like [`Node::get`], to change the value.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut()?.iter_mut().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }

    /// Sets `key` to `value`: replaces the value in place (keeping the key and its position) if
    /// the key is there, else appends the entry with a [`Node::str`] key. A node that is not a
    /// mapping (a null, say) is first replaced by an empty mapping.
    pub fn set(&mut self, key: &str, value: Node) {
        if self.as_map().is_none() {
            *self = Node::map(Vec::new()).with_span(self.span);
        }
        if let Some(slot) = self.get_mut(key) {
            *slot = value;
        } else if let Some(entries) = self.as_map_mut() {
            entries.push((Node::str(key), value));
        }
    }

    /// Removes the entry under `key`, keeping the order of the others; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let entries = self.as_map_mut()?;
        let i = entries.iter().position(|(k, _)| k.as_str() == Some(key))?;
        Some(entries.remove(i).1)
    }

    /// What this node is, for error messages: "a mapping", "a sequence", "a string",
    /// "a number", "a boolean" or "null".
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) => "a sequence",
            NodeKind::Scalar { .. } => match self.scalar() {
                Some(Scalar::Null) => "null",
                Some(Scalar::Bool(_)) => "a boolean",
                Some(Scalar::Int(_) | Scalar::Float(_)) => "a number",
                _ => "a string",
            },
        }
    }

    /// Structural equality that ignores spans: same tags, kinds, values, styles and order.
    pub fn eq_ignoring_spans(&self, other: &Node) -> bool {
        if self.tag != other.tag {
            return false;
        }
        match (&self.kind, &other.kind) {
            (NodeKind::Scalar { value: a, style: sa }, NodeKind::Scalar { value: b, style: sb }) => {
                a == b && sa == sb
            }
            (NodeKind::Seq(a), NodeKind::Seq(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignoring_spans(y))
            }
            (NodeKind::Map(a), NodeKind::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka.eq_ignoring_spans(kb) && va.eq_ignoring_spans(vb))
            }
            _ => false,
        }
    }
}

/// Resolves a plain scalar under the YAML 1.2 core schema.
fn resolve_plain(s: &str) -> Scalar<'_> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        _ => {}
    }
    let (negative, unsigned) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Scalar::Float(if negative { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    if all_digits(unsigned, 10) {
        return match s.parse::<i64>() {
            Ok(i) => Scalar::Int(i),
            Err(_) => s.parse::<f64>().map_or(Scalar::Str(s), Scalar::Float),
        };
    }
    // Octal and hexadecimal take no sign in the core schema.
    for (prefix, radix) in [("0o", 8), ("0x", 16)] {
        if let Some(digits) = s.strip_prefix(prefix) {
            if all_digits(digits, radix) {
                return match i64::from_str_radix(digits, radix) {
                    Ok(i) => Scalar::Int(i),
                    Err(_) => Scalar::Float(digits.chars().fold(0.0, |acc, c| {
                        acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
                    })),
                };
            }
        }
    }
    if is_core_float(unsigned) {
        if let Ok(f) = s.parse::<f64>() {
            return Scalar::Float(f);
        }
    }
    Scalar::Str(s)
}

/// Non-empty, and every character a digit in `radix`.
fn all_digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the core schema float without its sign.
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    if let Some(e) = exponent {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if !all_digits(e, 10) {
            return false;
        }
    }
    match mantissa.split_once('.') {
        None => all_digits(mantissa, 10),
        Some(("", frac)) => all_digits(frac, 10),
        Some((int, frac)) => all_digits(int, 10) && (frac.is_empty() || all_digits(frac, 10)),
    }
}

#[cfg(test)]
mod tests;
