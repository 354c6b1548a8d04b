//! A small YAML layer with positions: a tree of [`Node`]s that remembers where every node
//! was and how every scalar was spelt, a parser with limits for hostile input, and a block-style
//! emitter that keeps the spelling of what it read and quotes what YAML 1.1 readers would
//! otherwise mistake for a boolean, a number or null.
//!
//! Everything else in the crate reads and writes YAML through this module.

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

/// A YAML syntax error, or input refused by [`Limits`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub pos: Pos,
}

/// Bounds that keep a hostile file from exhausting the machine.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Most nodes in all documents, aliases counted as the nodes they expand to.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 128, max_nodes: 10_000_000 }
    }
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.col, self.message)
    }
}

impl std::error::Error for YamlError {}

impl YamlError {
    fn new(message: impl Into<String>, pos: Pos) -> YamlError {
        YamlError { message: message.into(), pos }
    }
}

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
        Some((int, frac)) if int.is_empty() => all_digits(frac, 10),
        Some((int, frac)) => all_digits(int, 10) && (frac.is_empty() || all_digits(frac, 10)),
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Parses every document of a YAML stream, in order.
///
/// An empty stream (or one holding only comments) gives no documents; a `---` with nothing
/// after it gives a document whose node is an empty plain scalar (null). Tags are stored in
/// their long form: `!!str` becomes `tag:yaml.org,2002:str`, a local `!foo` stays `!foo`, the
/// non-specific `!` stays `!`, a verbatim `!<x>` becomes `x`. Aliases are expanded into copies
/// of the anchored node; the copy's top node takes the alias's span. Anchors are local to their
/// document.
///
/// Errors: syntax errors (with the parser's message), duplicate scalar keys in a mapping
/// (compared by raw value), nesting deeper than [`Limits::max_depth`] (aliases included), more
/// than [`Limits::max_nodes`] nodes over the whole stream (aliases counted as what they expand
/// to), and aliases that do not refer to an earlier, complete anchored node.
pub fn parse(src: &str, limits: &Limits) -> Result<Vec<Node>, YamlError> {
    let mut builder = Builder::new(src, *limits);
    let mut parser = saphyr_parser::Parser::new_from_str(src);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let pos = builder.offsets.pos(e.marker());
            YamlError::new(e.info(), pos)
        })?;
        if !builder.event(event, span)? {
            break;
        }
    }
    Ok(builder.docs)
}

/// Turns saphyr's character indexes into byte offsets, walking from the last place asked
/// about (events come in nearly increasing order, so the total work is linear).
struct Offsets<'s> {
    src: &'s str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'s> Offsets<'s> {
    fn new(src: &'s str) -> Self {
        Offsets { src, ascii: src.is_ascii(), chars: 0, bytes: 0 }
    }

    fn byte_offset(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.src.len());
        }
        if char_index >= self.chars {
            let mut rest = self.src[self.bytes..].chars();
            while self.chars < char_index {
                let Some(c) = rest.next() else { break };
                self.bytes += c.len_utf8();
                self.chars += 1;
            }
        } else {
            let mut before = self.src[..self.bytes].chars().rev();
            while self.chars > char_index {
                let Some(c) = before.next() else { break };
                self.bytes -= c.len_utf8();
                self.chars -= 1;
            }
        }
        self.bytes
    }

    fn pos(&mut self, m: &saphyr_parser::Marker) -> Pos {
        Pos { line: m.line(), col: m.col() + 1, offset: self.byte_offset(m.index()) }
    }
}

/// An anchored node, kept to copy at each alias.
struct Anchored {
    node: Node,
    /// Nodes in the subtree, its top included.
    size: usize,
    /// Collections nested in the subtree, its top included (0 for a scalar).
    height: usize,
}

/// A collection being read.
struct Frame {
    start: Pos,
    /// End of the last child read, for block collections whose end event has no extent.
    last_end: Pos,
    tag: Option<String>,
    anchor: usize,
    size: usize,
    height: usize,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// Scalar keys seen, once the mapping is big enough for a linear search to hurt.
        seen: Option<std::collections::HashSet<String>>,
    },
}

/// Past this many entries, duplicate keys are found with a hash set.
const LINEAR_KEY_SEARCH: usize = 16;

struct Builder<'s> {
    src: &'s str,
    offsets: Offsets<'s>,
    limits: Limits,
    nodes: usize,
    stack: Vec<Frame>,
    anchors: std::collections::HashMap<usize, Anchored>,
    root: Option<Node>,
    docs: Vec<Node>,
}

impl<'s> Builder<'s> {
    fn new(src: &'s str, limits: Limits) -> Self {
        Builder {
            src,
            offsets: Offsets::new(src),
            limits,
            nodes: 0,
            stack: Vec::new(),
            anchors: std::collections::HashMap::new(),
            root: None,
            docs: Vec::new(),
        }
    }

    fn span(&mut self, span: &saphyr_parser::Span) -> Span {
        Span { start: self.offsets.pos(&span.start), end: self.offsets.pos(&span.end) }
    }

    fn count(&mut self, n: usize, pos: Pos) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(YamlError::new(
                format!("document too large: more than {} nodes (alias expansion?)", self.limits.max_nodes),
                pos,
            ));
        }
        Ok(())
    }

    fn too_deep(&self, pos: Pos) -> YamlError {
        YamlError::new(format!("nesting deeper than {} levels", self.limits.max_depth), pos)
    }

    /// Handles one event; false once the stream has ended.
    fn event(
        &mut self,
        event: saphyr_parser::Event<'_>,
        span: saphyr_parser::Span,
    ) -> Result<bool, YamlError> {
        use saphyr_parser::Event;
        let is_seq = matches!(event, Event::SequenceStart(..));
        match event {
            Event::Nothing | Event::StreamStart => {}
            Event::StreamEnd => return Ok(false),
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.root = None;
            }
            Event::DocumentEnd => {
                let node = match self.root.take() {
                    Some(node) => node,
                    None => {
                        let span = self.span(&span);
                        Node::plain("").with_span(Span { start: span.start, end: span.start })
                    }
                };
                self.docs.push(node);
            }
            Event::Alias(id) => {
                let span = self.span(&span);
                let Some(anchored) = self.anchors.get(&id) else {
                    let text = self.src.get(span.start.offset..span.end.offset).unwrap_or("");
                    return Err(YamlError::new(
                        format!("alias `{text}` does not refer to an earlier anchored node"),
                        span.start,
                    ));
                };
                let (size, height) = (anchored.size, anchored.height);
                if self.stack.len() + height > self.limits.max_depth {
                    return Err(self.too_deep(span.start));
                }
                // Count before copying, so an alias bomb costs nothing.
                self.count(size, span.start)?;
                let node = match self.anchors.get(&id) {
                    Some(anchored) => anchored.node.clone().with_span(span),
                    None => Node::plain(""),
                };
                self.complete(node, size, height, 0)?;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let mut span = self.span(&span);
                self.count(1, span.start)?;
                let style = match style {
                    saphyr_parser::ScalarStyle::Plain => ScalarStyle::Plain,
                    saphyr_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    saphyr_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    saphyr_parser::ScalarStyle::Literal => ScalarStyle::Literal,
                    saphyr_parser::ScalarStyle::Folded => ScalarStyle::Folded,
                };
                if value.is_empty() && style == ScalarStyle::Plain && tag.is_none() {
                    span.end = span.start;
                }
                let node = Node {
                    span,
                    tag: tag.map(|t| tag_string(&t)),
                    kind: NodeKind::Scalar { value: value.into_owned(), style },
                };
                self.complete(node, 1, 0, anchor)?;
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                let start = self.offsets.pos(&span.start);
                if self.stack.len() >= self.limits.max_depth {
                    return Err(self.too_deep(start));
                }
                self.count(1, start)?;
                let kind = if is_seq {
                    FrameKind::Seq(Vec::new())
                } else {
                    FrameKind::Map { entries: Vec::new(), key: None, seen: None }
                };
                self.stack.push(Frame {
                    start,
                    last_end: start,
                    tag: tag.map(|t| tag_string(&t)),
                    anchor,
                    size: 1,
                    height: 0,
                    kind,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = if span.start.index() == span.end.index() {
                    None
                } else {
                    Some(self.offsets.pos(&span.end))
                };
                let Some(frame) = self.stack.pop() else {
                    return Ok(true);
                };
                let kind = match frame.kind {
                    FrameKind::Seq(items) => NodeKind::Seq(items),
                    FrameKind::Map { mut entries, key, .. } => {
                        // A key without a value cannot happen with a well-formed event stream;
                        // keep it with a null value rather than lose it.
                        if let Some(key) = key {
                            let at = key.span.end;
                            entries.push((key, Node::plain("").with_span(Span { start: at, end: at })));
                        }
                        NodeKind::Map(entries)
                    }
                };
                let node = Node {
                    span: Span { start: frame.start, end: end.unwrap_or(frame.last_end) },
                    tag: frame.tag,
                    kind,
                };
                self.complete(node, frame.size, frame.height + 1, frame.anchor)?;
            }
        }
        Ok(true)
    }

    /// Files a finished node under its parent (or as the document's root) and its anchor.
    fn complete(&mut self, node: Node, size: usize, height: usize, anchor: usize) -> Result<(), YamlError> {
        if anchor != 0 {
            let copy = node.clone();
            self.anchors.insert(anchor, Anchored { node: copy, size, height });
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.size = frame.size.saturating_add(size);
        frame.height = frame.height.max(height);
        frame.last_end = node.span.end;
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map { entries, key, seen } => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    if let Some(k) = node.as_str() {
                        let duplicate = match seen {
                            Some(seen) => !seen.insert(k.to_string()),
                            None => {
                                let found = entries.iter().any(|(e, _)| e.as_str() == Some(k));
                                if !found && entries.len() >= LINEAR_KEY_SEARCH {
                                    let mut set: std::collections::HashSet<String> = entries
                                        .iter()
                                        .filter_map(|(e, _)| e.as_str().map(str::to_string))
                                        .collect();
                                    set.insert(k.to_string());
                                    *seen = Some(set);
                                }
                                found
                            }
                        };
                        if duplicate {
                            return Err(YamlError::new(format!("duplicate key `{k}`"), node.span.start));
                        }
                    }
                    *key = Some(node);
                }
            },
        }
        Ok(())
    }
}

/// The long form of a tag: the resolved handle followed by the suffix.
fn tag_string(tag: &saphyr_parser::Tag) -> String {
    format!("{}{}", tag.handle, tag.suffix)
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/// A tree from JSON: strings get style [`ScalarStyle::Auto`], numbers, booleans and null are
/// plain (numbers spelt as serde_json spells them), object key order is kept.
pub fn from_json(v: &serde_json::Value) -> Node {
    use serde_json::Value;
    match v {
        Value::Null => Node::null(),
        Value::Bool(b) => Node::plain(if *b { "true" } else { "false" }),
        Value::Number(n) => Node::plain(n.to_string()),
        Value::String(s) => Node::str(s.as_str()),
        Value::Array(items) => Node::seq(items.iter().map(from_json).collect()),
        Value::Object(map) => {
            Node::map(map.iter().map(|(k, v)| (Node::str(k.as_str()), from_json(v))).collect())
        }
    }
}

/// JSON from a tree, scalars resolved with [`Node::scalar`]. Errors (at the node's position)
/// on a mapping key that is not a string, a repeated key, and an infinite or NaN float.
pub fn to_json(node: &Node) -> Result<serde_json::Value, YamlError> {
    use serde_json::Value;
    Ok(match &node.kind {
        NodeKind::Scalar { .. } => match node.scalar() {
            Some(Scalar::Null) | None => Value::Null,
            Some(Scalar::Bool(b)) => Value::Bool(b),
            Some(Scalar::Int(i)) => Value::from(i),
            Some(Scalar::Float(f)) => match serde_json::Number::from_f64(f) {
                Some(n) => Value::Number(n),
                None => {
                    return Err(YamlError::new(
                        format!(
                            "`{}` is not a finite number, which JSON cannot hold",
                            node.as_str().unwrap_or_default()
                        ),
                        node.span.start,
                    ))
                }
            },
            Some(Scalar::Str(s)) => Value::String(s.to_string()),
        },
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        NodeKind::Map(entries) => {
            let mut map = serde_json::Map::with_capacity(entries.len());
            for (k, v) in entries {
                let Some(Scalar::Str(key)) = k.scalar() else {
                    return Err(YamlError::new(
                        format!("a mapping key must be a string, found {}", k.kind_name()),
                        k.span.start,
                    ));
                };
                if map.contains_key(key) {
                    return Err(YamlError::new(format!("duplicate key `{key}`"), k.span.start));
                }
                map.insert(key.to_string(), to_json(v)?);
            }
            Value::Object(map)
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Quoting
// ---------------------------------------------------------------------------------------------

/// True when `s`, written as a plain scalar, might not be read back as that same string by a
/// YAML 1.1 reader (go-yaml, sigs.k8s.io/yaml) or a YAML 1.2 reader.
///
/// That is: the empty string; the YAML 1.1 booleans and nulls (`y`, `yes`, `on`, `off`, `~`, …
/// in their three spellings), `<<` and `=`; anything shaped like a YAML 1.1 or 1.2 number
/// (`0755`, `+1`, `1_000`, `0x1F`, `0o17`, `0b101`, `1:30`, `1e3`, `.5`, `1.2.3`, `.inf`,
/// `.NaN`, …) or a YAML 1.1 date (`2001-12-14…`); a leading or trailing space; a first
/// character among ``-?:,[]{}#&*!|>'"%@` `` or a leading `...`; `: ` or ` #` inside, or a `:` at
/// the end; any of `,[]{}`; and any control, non-printable, line-separator or BOM character.
pub fn needs_quotes(s: &str) -> bool {
    const RESERVED: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
        "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "<<", "=",
    ];
    let (Some(first), Some(last)) = (s.chars().next(), s.chars().next_back()) else {
        return true;
    };
    RESERVED.contains(&s)
        || looks_like_number(s)
        || looks_like_date(s)
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.starts_with("...")
        || first.is_whitespace()
        || last.is_whitespace()
        || last == ':'
        || s.contains(": ")
        || s.contains(" #")
        || s.contains([',', '[', ']', '{', '}'])
        || s.chars().any(is_unsafe_char)
}

/// Control characters, characters YAML cannot hold unescaped, YAML 1.1 line breaks and the BOM.
fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
        || !matches!(c, '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A superset of the YAML 1.1 and 1.2 int and float forms:
/// `[-+]?( [0-9][0-9_]*(:[0-9]{1,2})* (\.[0-9._]*)? | \.[0-9._]* )([eE][-+]?[0-9]+)?`,
/// `[-+]?0[xXoObB][0-9a-fA-F_]*` and `[-+]?\.(inf|nan)` in any case.
fn looks_like_number(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    if let Some(rest) = b.strip_prefix(b".") {
        if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"nan") {
            return true;
        }
    }
    if b.len() >= 2 && b[0] == b'0' && b"xXoObB".contains(&b[1]) {
        return b[2..].iter().all(|c| c.is_ascii_hexdigit() || *c == b'_');
    }
    let n = b.len();
    let mut i = 0;
    let digit = |i: usize| i < n && b[i].is_ascii_digit();
    let has_int = digit(0);
    if has_int {
        while i < n && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
        // Sexagesimal: 1:30, 190:20:30.
        while i < n && b[i] == b':' {
            let start = i + 1;
            i = start;
            while digit(i) && i - start < 2 {
                i += 1;
            }
            if i == start {
                return false;
            }
        }
    }
    let has_dot = i < n && b[i] == b'.';
    if has_dot {
        i += 1;
        while i < n && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'_') {
            i += 1;
        }
    }
    if !has_int && !has_dot {
        return false;
    }
    if i < n && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < n && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while digit(i) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == n
}

/// `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}` alone or followed by `T`, `t`, a space or a tab: the start
/// of every YAML 1.1 timestamp.
fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, min: usize, max: usize| -> Option<usize> {
        let count = b[from.min(b.len())..].iter().take(max).take_while(|c| c.is_ascii_digit()).count();
        (count >= min).then_some(from + count)
    };
    let date_end = digits(0, 4, 4)
        .filter(|&i| b.get(i) == Some(&b'-'))
        .and_then(|i| digits(i + 1, 1, 2))
        .filter(|&i| b.get(i) == Some(&b'-'))
        .and_then(|i| digits(i + 1, 1, 2));
    match date_end {
        Some(i) => matches!(b.get(i), None | Some(b'T' | b't' | b' ' | b'\t')),
        None => false,
    }
}

/// Whether a scalar read as plain can be written back plain, in block context, as the same
/// string.
fn plain_ok(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if "[]{},#&*!|>'\"%@`".contains(first) || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if matches!(first, '-' | '?' | ':') && matches!(chars.next(), None | Some(' ')) {
        return false;
    }
    !(s.starts_with(' ')
        || s.ends_with(' ')
        || s.ends_with(':')
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(is_unsafe_char))
}

/// Whether a literal block scalar can hold `s` exactly. At the document's root, an
/// indentation indicator is avoided.
fn literal_ok(s: &str, root: bool) -> bool {
    if s.trim_matches('\n').is_empty() || s.chars().any(|c| c != '\n' && c != '\t' && is_unsafe_char(c)) {
        return false;
    }
    !(root && literal_needs_indicator(s))
}

/// A literal block needs an indentation indicator when its first non-empty line starts with
/// a space.
fn literal_needs_indicator(s: &str) -> bool {
    s.split('\n').find(|l| !l.is_empty()).is_some_and(|l| l.starts_with(' '))
}

// ---------------------------------------------------------------------------------------------
// Emitting
// ---------------------------------------------------------------------------------------------

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
    fn indent(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
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
            match implicit_key(k) {
                Some(key) => {
                    self.out.push_str(&key);
                    self.out.push(':');
                    self.map_value(v, indent);
                }
                None => {
                    self.out.push('?');
                    self.after_indicator(k, indent);
                    self.indent(indent);
                    self.out.push(':');
                    self.after_indicator(v, indent);
                }
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

/// The text of a scalar key (with its tag), or `None` when it must be written as an
/// explicit `? ` key.
fn implicit_key(k: &Node) -> Option<String> {
    let NodeKind::Scalar { value, style } = &k.kind else {
        return None;
    };
    let mut out = String::new();
    if let Some(tag) = &k.tag {
        write_tag(&mut out, tag);
        out.push(' ');
    }
    if value.is_empty() && *style == ScalarStyle::Plain {
        out.push_str(if k.tag.is_some() { "\"\"" } else { "null" });
    } else {
        write_inline_scalar(&mut out, value, repr(value, *style, false, false));
    }
    (out.chars().count() <= MAX_IMPLICIT_KEY).then_some(out)
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
