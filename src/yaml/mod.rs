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
        YamlError { kind: YamlErrorKind::Invalid, message: message.into(), pos, others: Vec::new() }
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

mod readings;
pub mod splice;

/// Past this many, texts that kubectl or kustomize would read otherwise are not listed.
const MAX_REFUSALS: usize = 1000;

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

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Parses every document of a YAML stream, in order, and refuses what kubectl or kustomize
/// would read otherwise.
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
/// to), aliases that would copy more than [`Limits::max_alias_bytes`] bytes of text over the
/// whole stream (checked before each copy), and aliases that do not refer to an earlier,
/// complete anchored node.
///
/// Refused as well, since kubectl (go-yaml v2) and kustomize (go-yaml v3) read them
/// otherwise (`docs/intent.md` lists the rules): the characters U+0085, U+2028 and U+2029,
/// anywhere, which go-yaml takes for line breaks; and a scalar that either reads as another
/// value or type than YAML 1.2's core schema does (`yes`, `0755`, `1_000`, `08`, a `<<` key,
/// a timestamp, `!!int "0755"`, …). These are all found in one pass: the error returned is
/// the first, with the others (a syntax or limit error too, if one stopped the reading) in
/// [`YamlError::others`].
pub fn parse(src: &str, limits: &Limits) -> Result<Vec<Node>, YamlError> {
    parse_with(src, limits, true)
}

/// [`parse`] without refusing what go-yaml reads otherwise: for a file that only YAML 1.2
/// readers read, such as a GitHub Actions workflow (whose `on:` key go-yaml would read as
/// `true`). Never for a file that kubectl, kustomize, kpt, Argo CD or Flux read.
pub fn parse_as_yaml_1_2(src: &str, limits: &Limits) -> Result<Vec<Node>, YamlError> {
    parse_with(src, limits, false)
}

/// [`parse`], with or without refusing what go-yaml reads otherwise.
fn parse_with(src: &str, limits: &Limits, refuse: bool) -> Result<Vec<Node>, YamlError> {
    let mut builder = Builder::new(src, *limits, refuse);
    if refuse {
        for (pos, name) in readings::foreign_breaks(src).into_iter().take(MAX_REFUSALS) {
            builder.refusals.push(YamlError::read_otherwise(readings::foreign_break_message(name), pos));
        }
    }
    let mut parser = saphyr_parser::Parser::new_from_str(src);
    while let Some(next) = parser.next_event() {
        let step = next
            .map_err(|e| YamlError::new(e.info(), builder.offsets.pos(e.marker())))
            .and_then(|(event, span)| builder.event(event, span));
        match step {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                builder.refusals.push(e);
                break;
            }
        }
    }
    if builder.refusals.is_empty() {
        Ok(builder.docs)
    } else {
        Err(YamlError::of_all(builder.refusals))
    }
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

/// What an anchor names.
enum Anchored {
    /// A scalar: copied at once at each alias.
    Scalar(Node),
    /// A collection: copied when the document is complete (see [`Builder::expand_aliases`]),
    /// so that input refused by the limits never costs more than its own size.
    Collection {
        /// Where it is in the document ([`Builder::places`]).
        place: usize,
        /// Nodes in the subtree, its top and expanded aliases included.
        size: usize,
        /// Collections nested in the subtree, its top included.
        height: usize,
        /// Bytes of text in the subtree ([`text_bytes`]), expanded aliases included.
        bytes: usize,
    },
}

/// How much a copy of a node (of one node, not its children) costs beyond the node itself:
/// the bytes of its value and of its tag.
fn text_bytes(node: &Node) -> usize {
    let value = match &node.kind {
        NodeKind::Scalar { value, .. } => value.len(),
        _ => 0,
    };
    value + node.tag.as_ref().map_or(0, String::len)
}

/// A node's place in the document being read, as a chain of child slots up to the root: a
/// sequence item's slot is its index; a mapping entry `i` has its key in slot `2i` and its
/// value in slot `2i + 1`.
struct Place {
    parent: Option<usize>,
    slot: usize,
}

/// An alias to a collection, waiting for the document to be complete.
struct PendingAlias {
    /// The place of the alias (holding a stand-in until then).
    at: usize,
    /// The place of the anchored collection.
    anchored: usize,
    span: Span,
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
    /// Bytes of text in the collection so far ([`text_bytes`]), expanded aliases included.
    bytes: usize,
    /// This collection's slot in its parent.
    slot: usize,
    /// This collection's place, once something inside it needs one.
    place: Option<usize>,
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

impl Frame {
    /// The slot the next child will take.
    fn next_slot(&self) -> usize {
        match &self.kind {
            FrameKind::Seq(items) => items.len(),
            FrameKind::Map { entries, key, .. } => 2 * entries.len() + usize::from(key.is_some()),
        }
    }
}

/// What a finished node adds to its parent's counts.
#[derive(Clone, Copy)]
struct Extent {
    /// Nodes, the node itself included.
    size: usize,
    /// Collections nested, the node itself included.
    height: usize,
    /// Bytes of text ([`text_bytes`]), the node's own included.
    bytes: usize,
}

/// Past this many entries, duplicate keys are found with a hash set.
const LINEAR_KEY_SEARCH: usize = 16;

struct Builder<'s> {
    src: &'s str,
    offsets: Offsets<'s>,
    limits: Limits,
    /// Nodes so far in the whole stream, aliases counted as what they expand to.
    nodes: usize,
    /// Bytes of text copied by aliases so far in the whole stream.
    alias_bytes: usize,
    /// Whether to refuse scalars that go-yaml reads otherwise.
    refuse: bool,
    /// The problems found that do not stop the reading, and the one that did.
    refusals: Vec<YamlError>,
    stack: Vec<Frame>,
    /// Anchors of the current document, by the parser's anchor id.
    anchors: std::collections::HashMap<usize, Anchored>,
    places: Vec<Place>,
    pending: Vec<PendingAlias>,
    root: Option<Node>,
    docs: Vec<Node>,
}

impl<'s> Builder<'s> {
    fn new(src: &'s str, limits: Limits, refuse: bool) -> Self {
        Builder {
            src,
            offsets: Offsets::new(src),
            limits,
            nodes: 0,
            alias_bytes: 0,
            refuse,
            refusals: Vec::new(),
            stack: Vec::new(),
            anchors: std::collections::HashMap::new(),
            places: Vec::new(),
            pending: Vec::new(),
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

    /// Notes a scalar that kubectl or kustomize reads otherwise (an alias copies one that was
    /// checked where it was anchored).
    fn refuse_if_read_otherwise(&mut self, node: &Node) {
        if !self.refuse || self.refusals.len() >= MAX_REFUSALS {
            return;
        }
        let key = matches!(self.stack.last(), Some(Frame { kind: FrameKind::Map { key: None, .. }, .. }));
        if let Some(message) = readings::disagreement(node, key) {
            self.refusals.push(YamlError::read_otherwise(message, node.span.start));
        }
    }

    /// Counts the text an alias is about to copy, before it is copied.
    fn copy_bytes(&mut self, bytes: usize, pos: Pos) -> Result<(), YamlError> {
        self.alias_bytes = self.alias_bytes.saturating_add(bytes);
        if self.alias_bytes > self.limits.max_alias_bytes {
            return Err(YamlError::new(
                format!(
                    "document too large: aliases would copy more than {} bytes of text",
                    self.limits.max_alias_bytes
                ),
                pos,
            ));
        }
        Ok(())
    }

    fn too_deep(&self, pos: Pos) -> YamlError {
        YamlError::new(format!("nesting deeper than {} levels", self.limits.max_depth), pos)
    }

    /// The place of the open collection `i` of the stack.
    fn frame_place(&mut self, i: usize) -> usize {
        // The innermost ancestor with a place, then places for those below it.
        let first = (0..=i).rev().find(|&j| self.stack[j].place.is_some()).map_or(0, |j| j + 1);
        let mut parent = first.checked_sub(1).and_then(|j| self.stack[j].place);
        for j in first..=i {
            self.places.push(Place { parent, slot: self.stack[j].slot });
            let place = self.places.len() - 1;
            self.stack[j].place = Some(place);
            parent = Some(place);
        }
        self.stack[i].place.unwrap_or(0)
    }

    /// The place of the node about to be filed under the innermost open collection (or as the
    /// document's root).
    fn next_place(&mut self) -> usize {
        let place = match self.stack.len() {
            0 => Place { parent: None, slot: 0 },
            n => {
                let parent = self.frame_place(n - 1);
                Place { parent: Some(parent), slot: self.stack[n - 1].next_slot() }
            }
        };
        self.places.push(place);
        self.places.len() - 1
    }

    /// The slots from the document's root down to `place`.
    fn path(&self, mut place: usize) -> Vec<usize> {
        let mut path = Vec::new();
        while let Some(p) = self.places.get(place) {
            let Some(parent) = p.parent else { break };
            path.push(p.slot);
            place = parent;
        }
        path.reverse();
        path
    }

    /// Replaces the stand-ins of aliases to collections by copies of what they name, in
    /// document order (so a copied collection has its own aliases expanded already). The
    /// limits were checked while reading, so this allocates no more than they allow.
    fn expand_aliases(&mut self, root: &mut Node) {
        for alias in std::mem::take(&mut self.pending) {
            let from = self.path(alias.anchored);
            let Some(copy) = node_at(root, &from).cloned() else { continue };
            let to = self.path(alias.at);
            if let Some(slot) = node_at_mut(root, &to) {
                *slot = copy.with_span(alias.span);
            }
        }
        self.places.clear();
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
                self.places.clear();
                self.pending.clear();
                self.root = None;
            }
            Event::DocumentEnd => {
                let mut node = match self.root.take() {
                    Some(node) => node,
                    None => {
                        let start = self.offsets.pos(&span.start);
                        Node::plain("").with_span(Span { start, end: start })
                    }
                };
                self.expand_aliases(&mut node);
                self.docs.push(node);
            }
            Event::Alias(id) => {
                let span = self.span(&span);
                let (size, height, bytes) = match self.anchors.get(&id) {
                    Some(Anchored::Scalar(node)) => (1, 0, text_bytes(node)),
                    Some(Anchored::Collection { size, height, bytes, .. }) => (*size, *height, *bytes),
                    None => {
                        let text = self.src.get(span.start.offset..span.end.offset).unwrap_or("");
                        return Err(YamlError::new(
                            format!("alias `{text}` does not refer to an earlier anchored node"),
                            span.start,
                        ));
                    }
                };
                if self.stack.len() + height > self.limits.max_depth {
                    return Err(self.too_deep(span.start));
                }
                // Count before copying anything, so an alias bomb costs nothing.
                self.count(size, span.start)?;
                self.copy_bytes(bytes, span.start)?;
                let node = match self.anchors.get(&id) {
                    Some(Anchored::Scalar(node)) => node.clone().with_span(span),
                    Some(Anchored::Collection { place, .. }) => {
                        let anchored = *place;
                        let at = self.next_place();
                        self.pending.push(PendingAlias { at, anchored, span });
                        Node::seq(Vec::new()).with_span(span)
                    }
                    None => Node::plain("").with_span(span),
                };
                self.complete(node, Extent { size, height, bytes }, 0)?;
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
                self.refuse_if_read_otherwise(&node);
                let bytes = text_bytes(&node);
                self.complete(node, Extent { size: 1, height: 0, bytes }, anchor)?;
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
                let slot = self.stack.last().map_or(0, Frame::next_slot);
                self.stack.push(Frame {
                    start,
                    last_end: start,
                    tag: tag.map(|t| tag_string(&t)),
                    anchor,
                    size: 1,
                    height: 0,
                    bytes: 0,
                    slot,
                    place: None,
                    kind,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // A flow collection ends after its bracket (the event's span also covers any
                // blanks and comment after it); a block one ends with its last child.
                let end = if span.start.index() == span.end.index() {
                    None
                } else {
                    let bracket = self.offsets.pos(&span.start);
                    Some(Pos { col: bracket.col + 1, offset: bracket.offset + 1, ..bracket })
                };
                let Some(frame) = self.stack.pop() else {
                    return Ok(true);
                };
                // Exact capacities: big documents take much less memory (and time) so.
                let kind = match frame.kind {
                    FrameKind::Seq(mut items) => {
                        items.shrink_to_fit();
                        NodeKind::Seq(items)
                    }
                    FrameKind::Map { mut entries, key, .. } => {
                        // A key without a value cannot come from a well-formed event stream;
                        // keep it with a null value rather than lose it.
                        if let Some(key) = key {
                            let at = key.span.end;
                            entries.push((key, Node::plain("").with_span(Span { start: at, end: at })));
                        }
                        entries.shrink_to_fit();
                        NodeKind::Map(entries)
                    }
                };
                let node = Node {
                    span: Span { start: frame.start, end: end.unwrap_or(frame.last_end) },
                    tag: frame.tag,
                    kind,
                };
                let extent = Extent {
                    size: frame.size,
                    height: frame.height + 1,
                    bytes: frame.bytes + text_bytes(&node),
                };
                self.complete(node, extent, frame.anchor)?;
            }
        }
        Ok(true)
    }

    /// Files a finished node under its parent (or as the document's root), and under its
    /// anchor.
    fn complete(&mut self, node: Node, extent: Extent, anchor: usize) -> Result<(), YamlError> {
        let Extent { size, height, bytes } = extent;
        if anchor != 0 {
            let anchored = if let NodeKind::Scalar { .. } = node.kind {
                Anchored::Scalar(node.clone())
            } else {
                Anchored::Collection { place: self.next_place(), size, height, bytes }
            };
            self.anchors.insert(anchor, anchored);
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.size = frame.size.saturating_add(size);
        frame.height = frame.height.max(height);
        frame.bytes = frame.bytes.saturating_add(bytes);
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

/// The node at `path` (see [`Place`]) under `node`.
fn node_at<'a>(mut node: &'a Node, path: &[usize]) -> Option<&'a Node> {
    for &slot in path {
        node = match &node.kind {
            NodeKind::Seq(items) => items.get(slot)?,
            NodeKind::Map(entries) => {
                let (k, v) = entries.get(slot / 2)?;
                if slot % 2 == 0 {
                    k
                } else {
                    v
                }
            }
            NodeKind::Scalar { .. } => return None,
        };
    }
    Some(node)
}

fn node_at_mut<'a>(mut node: &'a mut Node, path: &[usize]) -> Option<&'a mut Node> {
    for &slot in path {
        node = match &mut node.kind {
            NodeKind::Seq(items) => items.get_mut(slot)?,
            NodeKind::Map(entries) => {
                let (k, v) = entries.get_mut(slot / 2)?;
                if slot % 2 == 0 {
                    k
                } else {
                    v
                }
            }
            NodeKind::Scalar { .. } => return None,
        };
    }
    Some(node)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(src: &str) -> Vec<Node> {
        match parse(src, &Limits::default()) {
            Ok(docs) => docs,
            Err(e) => panic!("{src:?} did not parse: {e}"),
        }
    }

    fn parse_one(src: &str) -> Node {
        let mut docs = parse_all(src);
        assert_eq!(docs.len(), 1, "{src:?}");
        docs.remove(0)
    }

    fn parse_err(src: &str) -> YamlError {
        match parse(src, &Limits::default()) {
            Ok(docs) => panic!("{src:?} parsed: {docs:?}"),
            Err(e) => e,
        }
    }

    fn pos(line: usize, col: usize, offset: usize) -> Pos {
        Pos { line, col, offset }
    }

    /// Same tags, same structure, scalars that mean the same (styles may differ).
    fn same_meaning(a: &Node, b: &Node) -> bool {
        if a.tag != b.tag {
            return false;
        }
        match (&a.kind, &b.kind) {
            (NodeKind::Scalar { .. }, NodeKind::Scalar { .. }) => match (a.scalar(), b.scalar()) {
                (Some(Scalar::Float(x)), Some(Scalar::Float(y))) => {
                    x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
                }
                (x, y) => x == y,
            },
            (NodeKind::Seq(x), NodeKind::Seq(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_meaning(p, q))
            }
            (NodeKind::Map(x), NodeKind::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((k1, v1), (k2, v2))| same_meaning(k1, k2) && same_meaning(v1, v2))
            }
            _ => false,
        }
    }

    // --- parsing -----------------------------------------------------------------------------

    #[test]
    fn empty_streams_have_no_documents() {
        assert!(parse_all("").is_empty());
        assert!(parse_all("# just a comment\n\n# another\n").is_empty());
        assert!(parse_all("\n\n").is_empty());
    }

    #[test]
    fn bare_document_marker_gives_a_null_document() {
        let docs = parse_all("---\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].scalar(), Some(Scalar::Null));
        assert_eq!(docs[0].style(), Some(ScalarStyle::Plain));
        let docs = parse_all("a: 1\n---\n---\nb\n");
        assert_eq!(docs.len(), 3);
        assert!(docs[1].is_null());
        assert_eq!(docs[2].as_str(), Some("b"));
        let docs = parse_all("a\n...\n---\nb\n...\n");
        assert_eq!(docs.len(), 2);
    }

    #[test]
    fn multi_document_stream_in_order() {
        let docs = parse_all("a: 1\n---\n- x\n---\nplain\n");
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].get("a").and_then(Node::as_i64), Some(1));
        assert_eq!(docs[1].as_seq().map(<[Node]>::len), Some(1));
        assert_eq!(docs[2].as_str(), Some("plain"));
        assert_eq!(docs[2].span.start, pos(5, 1, 17));
    }

    #[test]
    fn spans_are_one_based_with_byte_offsets() {
        let src = "kind: Policy\nspec:\n  ports:\n  - 80\n  - name: \"x\"\n";
        let doc = parse_one(src);
        assert_eq!(doc.span.start, pos(1, 1, 0));
        let spec = doc.get("spec").unwrap();
        assert_eq!(spec.span.start, pos(3, 3, 21));
        let (key, _) = &doc.as_map().unwrap()[1];
        assert_eq!(key.span, Span { start: pos(2, 1, 13), end: pos(2, 5, 17) });
        let ports = spec.get("ports").unwrap().as_seq().unwrap();
        assert_eq!(ports[0].span.start, pos(4, 5, src.find("80").unwrap()));
        let name = ports[1].get("name").unwrap();
        let q = src.find('"').unwrap();
        assert_eq!(name.span, Span { start: pos(5, 11, q), end: pos(5, 14, q + 3) });
        assert_eq!(&src[name.span.start.offset..name.span.end.offset], "\"x\"");
        // Block collections end at their last child, flow ones at their closing bracket.
        assert_eq!(spec.span.end, name.span.end);
        let flow = parse_one("a: {b: [1, 2]}  # c\n");
        let a = flow.get("a").unwrap();
        assert_eq!(a.span, Span { start: pos(1, 4, 3), end: pos(1, 15, 14) });
    }

    #[test]
    fn offsets_are_bytes_for_non_ascii_input() {
        let src = "é: ü\nname: \"日本語\"\n- x: 1\n";
        // The third line is an error; check the valid part first.
        let ok = "é: ü\nname: \"日本語\"\nk: 😀v\n";
        let doc = parse_one(ok);
        let (k0, v0) = &doc.as_map().unwrap()[0];
        assert_eq!(k0.span.start, pos(1, 1, 0));
        assert_eq!(v0.span.start, pos(1, 4, 4));
        assert_eq!(&ok[v0.span.start.offset..v0.span.end.offset], "ü");
        let name = doc.get("name").unwrap();
        assert_eq!(name.span.start, pos(2, 7, 13));
        assert_eq!(&ok[name.span.start.offset..name.span.end.offset], "\"日本語\"");
        let k = doc.get("k").unwrap();
        assert_eq!(&ok[k.span.start.offset..k.span.end.offset], "😀v");
        assert_eq!(k.span.start.col, 4);
        // Errors too.
        let e = parse_err(src);
        assert_eq!(e.pos.line, 3);
        assert!(src.is_char_boundary(e.pos.offset));
        assert!(e.pos.offset >= src.find("- x").unwrap());
        // A byte order mark is skipped but counted in offsets.
        let doc = parse_one("\u{FEFF}a: b\n");
        assert_eq!(doc.as_map().unwrap()[0].0.span.start, pos(1, 1, 3));
    }

    #[test]
    fn windows_line_endings() {
        let doc = parse_one("a: b\r\nc: |\r\n  x\r\n");
        assert_eq!(doc.get("a").and_then(Node::as_str), Some("b"));
        assert_eq!(doc.get("c").and_then(Node::as_str), Some("x\n"));
        assert_eq!(doc.as_map().unwrap()[1].0.span.start, pos(2, 1, 6));
    }

    #[test]
    fn scalar_styles_and_unescaping() {
        let doc = parse_one(concat!(
            "p: plain text\n",
            "s: 'it''s'\n",
            "d: \"tab\\there \\u00e9 \\\"q\\\"\"\n",
            "l: |\n  line 1\n  line 2\n",
            "f: >-\n  folded\n  text\n",
        ));
        let style = |k: &str| doc.get(k).and_then(Node::style).unwrap();
        let value = |k: &str| doc.get(k).and_then(Node::as_str).unwrap();
        assert_eq!((style("p"), value("p")), (ScalarStyle::Plain, "plain text"));
        assert_eq!((style("s"), value("s")), (ScalarStyle::SingleQuoted, "it's"));
        assert_eq!((style("d"), value("d")), (ScalarStyle::DoubleQuoted, "tab\there é \"q\""));
        assert_eq!((style("l"), value("l")), (ScalarStyle::Literal, "line 1\nline 2\n"));
        assert_eq!((style("f"), value("f")), (ScalarStyle::Folded, "folded text"));
    }

    #[test]
    fn tags_are_stored_in_long_form() {
        let doc = parse_one("a: !!str 123\nb: !foo x\nc: ! z\nd: !<tag:example.com,2000:x> z\ne: !!map {}\n");
        let tag = |k: &str| doc.get(k).unwrap().tag.as_deref();
        assert_eq!(tag("a"), Some("tag:yaml.org,2002:str"));
        assert_eq!(tag("b"), Some("!foo"));
        assert_eq!(tag("c"), Some("!"));
        assert_eq!(tag("d"), Some("tag:example.com,2000:x"));
        assert_eq!(tag("e"), Some("tag:yaml.org,2002:map"));
        assert_eq!(doc.get("a").unwrap().scalar(), Some(Scalar::Str("123")));
        // The non-specific tag makes a plain scalar a string, to YAML 1.2 and kubectl (not to
        // kustomize, so `! 12` is refused).
        assert_eq!(Node::plain("12").with_tag("!").scalar(), Some(Scalar::Str("12")));
        assert!(parse_err("c: ! 12\n").message.contains("12 to kustomize"));
        let doc = parse_one("%TAG !e! tag:example.com,2000:\n---\nk: !e!foo v\n");
        assert_eq!(doc.get("k").unwrap().tag.as_deref(), Some("tag:example.com,2000:foo"));
    }

    #[test]
    fn anchors_and_aliases_are_copied() {
        let doc = parse_one("base: &b {x: 1, z: [a, b]}\nother: *b\nlist: [&s one, *s]\n");
        let base = doc.get("base").unwrap();
        let other = doc.get("other").unwrap();
        assert!(base.eq_ignoring_spans(other));
        assert_eq!(other.span.start, pos(2, 8, 34));
        let list = doc.get("list").unwrap().as_seq().unwrap();
        assert_eq!(list[1].as_str(), Some("one"));
        // A merge key would be read otherwise by kubectl and kustomize, who merge.
        let e = parse_err("base: &b {x: 1}\n<<: *b\n");
        assert!(e.message.starts_with("`<<` is a merge key"), "{}", e.message);
        // An anchor can be redefined; an alias uses the latest definition.
        let doc = parse_one("a: &x 1\nb: &x 2\nc: *x\n");
        assert_eq!(doc.get("c").and_then(Node::as_i64), Some(2));
    }

    #[test]
    fn nested_and_chained_aliases_expand_fully() {
        let src = "\
defs:
  a: &a {x: [1, &inner {deep: true}]}
  b: &b [*a, *inner, &s str]
uses:
  - *b
  - {k: *a, *s : v}
  - ? *inner
    : *s
";
        let doc = parse_one(src);
        let want = parse_one(
            "\
defs:
  a: {x: [1, {deep: true}]}
  b: [{x: [1, {deep: true}]}, {deep: true}, str]
uses:
  - [{x: [1, {deep: true}]}, {deep: true}, str]
  - {k: {x: [1, {deep: true}]}, str: v}
  - ? {deep: true}
    : str
",
        );
        assert!(doc.eq_ignoring_spans(&want), "{}", emit_one(&doc));
        // Each copy's top node is where the alias is; inner nodes keep the anchor's spans.
        let first = &doc.get("uses").unwrap().as_seq().unwrap()[0];
        assert_eq!(first.span.start, pos(5, 5, src.find("*b").unwrap()));
        let inner = &first.as_seq().unwrap()[1];
        assert_eq!(inner.span.start, pos(3, 14, src.find("*inner").unwrap()));
        // Aliases as keys take part in duplicate detection.
        assert_eq!(
            parse_err(
                "a: &k x
m: {x: 1, *k : 2}
"
            )
            .message,
            "duplicate key `x`"
        );
        // An expansion that exactly fits the limit is fine.
        let small = "a: &a [1, 2]\nb: [*a, *a]\n";
        let limits = Limits { max_depth: 10, max_nodes: 13, ..Limits::default() };
        let doc = parse(small, &limits).unwrap().remove(0);
        assert_eq!(emit_one(&doc), "a:\n- 1\n- 2\nb:\n- - 1\n  - 2\n- - 1\n  - 2\n");
        assert!(parse(small, &Limits { max_depth: 10, max_nodes: 12, ..Limits::default() }).is_err());
        // Aliases in later documents of the stream are independent.
        let docs = parse_all("- &a [1]\n- *a\n---\n- &a [2]\n- *a\n");
        assert_eq!(emit(&docs), "- - 1\n- - 1\n---\n- - 2\n- - 2\n");
    }

    #[test]
    fn big_legitimate_expansion_is_fast() {
        // 10 levels of 4 copies: a million nodes, well inside the default limit.
        let mut src = String::from("l0: &l0 [a, b, c]\n");
        for i in 1..10 {
            src.push_str(&format!("l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}]\n", p = i - 1));
        }
        let doc = parse_one(&src);
        fn count(n: &Node) -> usize {
            1 + match &n.kind {
                NodeKind::Scalar { .. } => 0,
                NodeKind::Seq(items) => items.iter().map(count).sum(),
                NodeKind::Map(entries) => entries.iter().map(|(k, v)| count(k) + count(v)).sum(),
            }
        }
        assert_eq!(count(doc.get("l9").unwrap()), 4usize.pow(9) * 4 + (4usize.pow(9) - 1) / 3);
    }

    #[test]
    fn bad_aliases_are_errors() {
        let e = parse_err("a: *nope\n");
        assert_eq!(e.pos.line, 1);
        // Anchors belong to their document.
        let e = parse_err("a: &x 1\n---\nb: *x\n");
        assert_eq!(e.pos, pos(3, 4, 15));
        assert!(e.message.contains("*x"), "{}", e.message);
        // An alias inside the node it names.
        let e = parse_err("&a [1, *a]\n");
        assert_eq!(e.pos.line, 1);
    }

    #[test]
    fn syntax_errors_have_message_and_position() {
        let e = parse_err("a: b: c\n");
        assert_eq!(e.message, "mapping values are not allowed in this context");
        assert_eq!(e.pos, pos(1, 5, 4));
        let e = parse_err("key: [1\n");
        assert_eq!(e.pos.line, 2);
        let e = parse_err("a: \"unclosed\n");
        assert!(e.message.contains("quoted scalar"), "{}", e.message);
        assert_eq!(e.to_string(), format!("{}:{}: {}", e.pos.line, e.pos.col, e.message));
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let e = parse_err("a: 1\nb: 2\na: 3\n");
        assert_eq!(e.message, "duplicate key `a`");
        assert_eq!(e.pos, pos(3, 1, 10));
        // Quoting does not make a key different.
        let e = parse_err("x:\n  'k': 1\n  k: 2\n");
        assert_eq!(e.message, "duplicate key `k`");
        assert_eq!(e.pos, pos(3, 3, 14));
        // Large mappings switch to a hash set.
        let mut src: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        assert_eq!(parse_one(&src).as_map().unwrap().len(), 100);
        src.push_str("k57: again\n");
        assert_eq!(parse_err(&src).message, "duplicate key `k57`");
        // Equal keys in different mappings are fine; so are complex keys.
        parse_one("a: {x: 1}\nb: {x: 1}\n? [1, 2]\n: v\n? [1, 2]\n: w\n");
    }

    #[test]
    fn complex_keys_are_kept() {
        let doc = parse_one("? [a, b]\n: 1\n{x: z}: 2\n");
        let entries = doc.as_map().unwrap();
        assert_eq!(entries[0].0.as_seq().map(<[Node]>::len), Some(2));
        assert!(entries[1].0.as_map().is_some());
    }

    #[test]
    fn depth_limit() {
        let limits = Limits { max_depth: 3, max_nodes: 1000, ..Limits::default() };
        assert!(parse("a: {b: [1]}\n", &limits).is_ok());
        let e = parse("a: {b: [[1]]}\n", &limits).unwrap_err();
        assert_eq!(e.message, "nesting deeper than 3 levels");
        assert_eq!(e.pos, pos(1, 9, 8));
        let e = parse("a:\n  b:\n    c:\n      d: 1\n", &limits).unwrap_err();
        assert_eq!(e.message, "nesting deeper than 3 levels");
        // Through an alias.
        let e = parse("a: &x [[1]]\nb: [*x]\n", &limits).unwrap_err();
        assert_eq!(e.message, "nesting deeper than 3 levels");
        assert_eq!(e.pos, pos(2, 5, 16));
    }

    #[test]
    fn a_million_levels_fail_fast() {
        let start = std::time::Instant::now();
        let flow = "[".repeat(1_000_000);
        assert!(parse(&flow, &Limits::default()).is_err());
        let flow_closed = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        assert!(parse(&flow_closed, &Limits::default()).is_err());
        let maps = "{a: ".repeat(1_000_000);
        assert!(parse(&maps, &Limits::default()).is_err());
        let block = format!("{}x\n", "- ".repeat(1_000_000));
        let e = parse(&block, &Limits::default()).unwrap_err();
        assert_eq!(e.message, "nesting deeper than 128 levels");
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn alias_bombs_are_refused_before_expanding() {
        // The classic "billion laughs": ten levels of ten aliases, 10^9 strings.
        let mut src = String::from("lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*lol{}", i - 1); 10].join(", ");
            src.push_str(&format!("lol{i}: &lol{i} [{refs}]\n"));
        }
        let start = std::time::Instant::now();
        let e = parse(&src, &Limits { max_alias_bytes: usize::MAX, ..Limits::default() }).unwrap_err();
        // Refused while counting, before any copy is made: microseconds, no memory to speak of.
        assert!(start.elapsed() < std::time::Duration::from_millis(200), "{:?}", start.elapsed());
        assert_eq!(e.message, "document too large: more than 10000000 nodes (alias expansion?)");
        assert_eq!(e.pos.line, 7);
        // With the default limits, the bytes the copies would take run out first.
        let e = parse_err(&src);
        assert_eq!(e.message, "document too large: aliases would copy more than 16777216 bytes of text");
        assert_eq!(e.pos.line, 7);
        // The same shape, smaller, is fine under a small limit only when it fits.
        let small = "a: &a [1, 2]\nb: &b [*a, *a]\nc: [*b, *b]\n";
        assert!(parse(small, &Limits { max_depth: 10, max_nodes: 100, ..Limits::default() }).is_ok());
        let e = parse(small, &Limits { max_depth: 10, max_nodes: 20, ..Limits::default() }).unwrap_err();
        assert_eq!(e.message, "document too large: more than 20 nodes (alias expansion?)");
        // Deeply nested anchors are not copied either.
        let wide = format!(
            "{}[{}]{}\n",
            (0..100).map(|i| format!("[&n{i} ")).collect::<String>(),
            vec!["x"; 100_000].join(", "),
            "]".repeat(100)
        );
        let doc = parse_one(&wide);
        assert_eq!(doc.span.end.offset, wide.len() - 1);
    }

    #[test]
    fn aliases_of_large_text_are_refused_before_copying() {
        // One 1 MiB string, aliased 20,000 times: 20 GiB if copied. Refused once 16 MiB would be.
        let big = "x".repeat(1 << 20);
        let src = format!("a: &a {big}\nb: [{}]\n", vec!["*a"; 20_000].join(", "));
        let start = std::time::Instant::now();
        let e = parse_err(&src);
        assert!(start.elapsed() < std::time::Duration::from_secs(2), "{:?}", start.elapsed());
        assert_eq!(e.message, "document too large: aliases would copy more than 16777216 bytes of text");
        // The 17th alias is the one that would pass 16 MiB.
        assert_eq!(e.pos, pos(2, 5 + 4 * 16, (1 << 20) + 11 + 4 * 16));
        // Collections count the text of everything in them, keys and tags included.
        let limits = |max_alias_bytes| Limits { max_alias_bytes, ..Limits::default() };
        let src = "a: &a {key: value, !t k: [!!str 12]}\nb: *a\nc: *a\n";
        let one_copy = "key".len() + "value".len() + "!t".len() + "k".len() + STR_TAG.len() + "12".len();
        assert!(parse(src, &limits(2 * one_copy)).is_ok());
        let e = parse(src, &limits(2 * one_copy - 1)).unwrap_err();
        assert_eq!(e.pos, pos(3, 4, src.rfind('*').unwrap()));
        // Through aliases of aliases: each level's copies count what they hold.
        let src = "a: &a [xxxx]\nb: &b [*a, *a]\nc: [*b, *b]\n";
        assert!(parse(src, &limits(4 * 2 + 8 * 2)).is_ok());
        assert!(parse(src, &limits(4 * 2 + 8 * 2 - 1)).is_err());
        // The count runs over the whole stream.
        assert!(parse("- &a xxxx\n- *a\n---\n- &a xxxx\n- *a\n", &limits(7)).is_err());
    }

    #[test]
    fn node_limit_counts_all_documents() {
        let limits = Limits { max_depth: 10, max_nodes: 5, ..Limits::default() };
        assert!(parse("[1, 2, 3, 4]\n", &limits).is_ok());
        assert!(parse("[1, 2]\n---\n[3, 4]\n", &limits).is_err());
    }

    #[test]
    fn malformed_input_never_panics() {
        let seeds = [
            "apiVersion: v1\nkind: List\nitems:\n- a: 1\n  b: [x, {y: z}]\n- |\n  lit\n",
            "a: \"q\\\"uoted\"\nb: 'single ''q'''\nc: >\n  folded\n\n  more\n",
            "? [a, b]\n: &x {c: *y}\n--- !foo\n- *x\n...\n%YAML 1.2\n---\n",
            "- - - a\n    - b\n  - c\n- {a: [b, c], d: e}\n",
            "key: &anchor value\nother: *anchor\nmerge:\n  <<: *anchor\n",
            "a:\tb\n\t- c\n  d: e\n e: f\n",
            "\"unclosed\n'also\n[a, b\n{a: b\n]\n}\n",
            "a: |2-\n   x\n b: >+\n\n",
            "é: ü\n日本: 語\n😀: [😀, {😀: 😀}]\n",
        ];
        let mut snippets: Vec<String> = Vec::new();
        for seed in seeds {
            let chars: Vec<char> = seed.chars().collect();
            for i in 0..=chars.len() {
                snippets.push(chars[..i].iter().collect());
                let mut damaged = chars.clone();
                if i < damaged.len() {
                    damaged[i] = ['\t', ']', '"', ' ', ':', '-', '\n', '&', '*', '\''][i % 10];
                }
                snippets.push(damaged.iter().collect());
                let mut cut = chars.clone();
                if i < cut.len() {
                    cut.remove(i);
                }
                snippets.push(cut.iter().collect());
            }
        }
        for extra in [
            "]",
            "}",
            "- ]",
            ":",
            ": :",
            "? ",
            "!",
            "!!",
            "&",
            "*",
            "&a",
            "*a",
            "|",
            ">",
            "|-9",
            "| 0",
            "%TAG",
            "%YAML 2.0\n---\n",
            "--- ---",
            "... ...",
            "\t",
            "\0",
            "\u{FEFF}",
            "a: \u{FEFF}",
            "- \"\\uD800\"",
            "\"\\x\"",
            "[\n",
            "{\n:",
            "a:\n\t- b",
        ] {
            snippets.push(extra.to_string());
        }
        assert!(snippets.len() > 300);
        let limits = Limits::default();
        for s in &snippets {
            if let Ok(docs) = parse(s, &limits) {
                // Whatever parsed emits to something that parses to the same meaning.
                let out = emit(&docs);
                let again = match parse(&out, &limits) {
                    Ok(again) => again,
                    Err(e) => panic!("{s:?} emitted as {out:?}, which fails: {e}"),
                };
                assert_eq!(docs.len(), again.len(), "{s:?} -> {out:?}");
                for (a, b) in docs.iter().zip(&again) {
                    assert!(same_meaning(a, b), "{s:?} -> {out:?}");
                }
            }
        }
    }

    // --- resolution and accessors ------------------------------------------------------------

    #[test]
    fn core_schema_resolution() {
        let cases: &[(&str, Scalar<'_>)] = &[
            ("null", Scalar::Null),
            ("Null", Scalar::Null),
            ("NULL", Scalar::Null),
            ("~", Scalar::Null),
            ("", Scalar::Null),
            ("true", Scalar::Bool(true)),
            ("True", Scalar::Bool(true)),
            ("TRUE", Scalar::Bool(true)),
            ("false", Scalar::Bool(false)),
            ("False", Scalar::Bool(false)),
            ("FALSE", Scalar::Bool(false)),
            ("0", Scalar::Int(0)),
            ("42", Scalar::Int(42)),
            ("-17", Scalar::Int(-17)),
            ("+8", Scalar::Int(8)),
            ("0755", Scalar::Int(755)),
            ("0o17", Scalar::Int(15)),
            ("0x1F", Scalar::Int(31)),
            ("0xff", Scalar::Int(255)),
            ("9223372036854775807", Scalar::Int(i64::MAX)),
            ("-9223372036854775808", Scalar::Int(i64::MIN)),
            ("9223372036854775808", Scalar::Float(9_223_372_036_854_775_808.0)),
            ("123456789012345678901234567890", Scalar::Float(1.2345678901234568e29)),
            ("0x10000000000000000", Scalar::Float(18_446_744_073_709_551_616.0)),
            ("1.5", Scalar::Float(1.5)),
            ("-0.5", Scalar::Float(-0.5)),
            (".5", Scalar::Float(0.5)),
            ("1.", Scalar::Float(1.0)),
            ("1e3", Scalar::Float(1000.0)),
            ("-1.5E-2", Scalar::Float(-0.015)),
            (".inf", Scalar::Float(f64::INFINITY)),
            ("-.Inf", Scalar::Float(f64::NEG_INFINITY)),
            ("+.INF", Scalar::Float(f64::INFINITY)),
            ("yes", Scalar::Str("yes")),
            ("on", Scalar::Str("on")),
            ("y", Scalar::Str("y")),
            ("0b101", Scalar::Str("0b101")),
            ("1_000", Scalar::Str("1_000")),
            ("1:30", Scalar::Str("1:30")),
            ("-0x1F", Scalar::Str("-0x1F")),
            ("0o8", Scalar::Str("0o8")),
            ("1e", Scalar::Str("1e")),
            (".", Scalar::Str(".")),
            ("+", Scalar::Str("+")),
            ("-", Scalar::Str("-")),
            ("tRue", Scalar::Str("tRue")),
            ("nan", Scalar::Str("nan")),
            ("2001-12-14", Scalar::Str("2001-12-14")),
        ];
        for (s, want) in cases {
            assert_eq!(Node::plain(*s).scalar().as_ref(), Some(want), "{s:?}");
        }
        assert!(matches!(Node::plain(".nan").scalar(), Some(Scalar::Float(f)) if f.is_nan()));
        assert!(matches!(Node::plain(".NaN").scalar(), Some(Scalar::Float(f)) if f.is_nan()));
        // Anything not plain is a string; so is anything tagged !!str.
        for style in [
            ScalarStyle::Auto,
            ScalarStyle::SingleQuoted,
            ScalarStyle::DoubleQuoted,
            ScalarStyle::Literal,
            ScalarStyle::Folded,
        ] {
            let node = Node::scalar_node("123".into(), style);
            assert_eq!(node.scalar(), Some(Scalar::Str("123")));
        }
        let doc = parse_one("a: !!str 123\nb: !!str true\nc: !!int \"42\"\nd: !!str\n");
        assert_eq!(doc.get("a").unwrap().scalar(), Some(Scalar::Str("123")));
        assert_eq!(doc.get("b").unwrap().scalar(), Some(Scalar::Str("true")));
        assert_eq!(doc.get("c").unwrap().scalar(), Some(Scalar::Int(42)));
        assert_eq!(doc.get("d").unwrap().scalar(), Some(Scalar::Str("")));
        // A local tag leaves the value resolved (to this layer; go-yaml reads a string, so
        // the parser refuses `!custom 5`).
        assert_eq!(Node::plain("5").with_tag("!custom").scalar(), Some(Scalar::Int(5)));
        assert!(parse_err("e: !custom 5\n").message.contains("the string \"5\" to kubectl"));
        assert_eq!(doc.scalar(), None);
    }

    #[test]
    fn kind_names() {
        let doc = parse_one("m: {}\ns: []\nt: text\nq: \"1\"\ni: 1\nf: 1.5\nb: true\nz: null\ne:\n");
        let kind = |k: &str| doc.get(k).unwrap().kind_name();
        assert_eq!(kind("m"), "a mapping");
        assert_eq!(kind("s"), "a sequence");
        assert_eq!(kind("t"), "a string");
        assert_eq!(kind("q"), "a string");
        assert_eq!(kind("i"), "a number");
        assert_eq!(kind("f"), "a number");
        assert_eq!(kind("b"), "a boolean");
        assert_eq!(kind("z"), "null");
        assert_eq!(kind("e"), "null");
        assert_eq!(Node::str("yes").kind_name(), "a string");
    }

    #[test]
    fn map_accessors() {
        let mut node = Node::map_from(vec![("a", Node::plain("1")), ("b", Node::str("x"))]);
        assert_eq!(node.get("a").and_then(Node::as_i64), Some(1));
        assert_eq!(node.get("zz"), None);
        assert_eq!(Node::str("a").get("a"), None);
        node.set("a", Node::str("new"));
        node.set("c", Node::seq(vec![Node::plain("true")]));
        let keys: Vec<_> = node.as_map().unwrap().iter().filter_map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(node.get("a").and_then(Node::as_str), Some("new"));
        assert_eq!(node.get("c").unwrap().as_seq().unwrap()[0].as_bool(), Some(true));
        if let Some(b) = node.get_mut("b") {
            *b = Node::null();
        }
        assert!(node.get("b").unwrap().is_null());
        assert_eq!(node.remove("a").and_then(|n| n.as_str().map(str::to_string)), Some("new".into()));
        assert_eq!(node.remove("a"), None);
        let keys: Vec<_> = node.as_map().unwrap().iter().filter_map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "c"]);
        // Setting on a null makes it a mapping.
        let mut doc = parse_one("metadata:\n");
        doc.get_mut("metadata").unwrap().set("name", Node::str("x"));
        assert_eq!(emit_one(&doc), "metadata:\n  name: x\n");
        assert_eq!(Node::seq(vec![]).as_map(), None);
        assert_eq!(Node::str("s").as_seq(), None);
    }

    // --- JSON --------------------------------------------------------------------------------

    #[test]
    fn json_round_trip() {
        let v = serde_json::json!({
            "z": 1, "a": "yes", "n": null, "b": false, "f": 1.5, "big": 1e100,
            "list": [1, "2", {"k": []}], "empty": {}, "neg": -3
        });
        let node = from_json(&v);
        let keys: Vec<_> = node.as_map().unwrap().iter().filter_map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["z", "a", "n", "b", "f", "big", "list", "empty", "neg"]);
        assert_eq!(node.get("a").unwrap().style(), Some(ScalarStyle::Auto));
        assert_eq!(node.get("z").unwrap().style(), Some(ScalarStyle::Plain));
        assert_eq!(to_json(&node).unwrap(), v);
        let text = emit_one(&node);
        assert_eq!(
            text,
            "z: 1\na: \"yes\"\n\"n\": null\nb: false\nf: 1.5\nbig: 1e+100\nlist:\n- 1\n- \"2\"\n- k: []\nempty: {}\nneg: -3\n"
        );
        assert_eq!(to_json(&parse_one(&text)).unwrap(), v);
    }

    #[test]
    fn to_json_errors() {
        let e = to_json(&parse_one("a: 1\n1: b\n")).unwrap_err();
        assert_eq!(e.pos, pos(2, 1, 5));
        assert!(e.message.contains("a number"), "{}", e.message);
        assert!(to_json(&parse_one("? [a]\n: b\n")).is_err());
        let e = to_json(&parse_one("a: [.inf]\n")).unwrap_err();
        assert_eq!(e.pos, pos(1, 5, 4));
        assert!(to_json(&parse_one(".nan")).is_err());
        let dup = Node::map_from(vec![("a", Node::null()), ("a", Node::null())]);
        assert!(to_json(&dup).is_err());
        assert_eq!(to_json(&parse_one("\"1\": x\n")).unwrap(), serde_json::json!({"1": "x"}));
    }

    // --- quoting -----------------------------------------------------------------------------

    const MUST_QUOTE: &[&str] = &[
        "",
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "null",
        "Null",
        "NULL",
        "~",
        "<<",
        "=",
        "0",
        "1",
        "42",
        "-1",
        "+1",
        "0755",
        "0x1F",
        "0X1f",
        "0o17",
        "0b101",
        "-0b101",
        "1_000",
        "1:30",
        "190:20:30",
        "190:20:30.15",
        "1e3",
        "1E3",
        "1e+3",
        "6.8523015e+5",
        "685.230_15e+03",
        ".5",
        "+.5",
        "1.",
        "1.5",
        "-1.5",
        "1.2.3",
        ".",
        "..",
        ".inf",
        ".Inf",
        "-.inf",
        "+.INF",
        ".nan",
        ".NaN",
        ".NAN",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2001-1-4",
        "2002-12-14T00:00:00Z",
        " lead",
        "trail ",
        "\ttab",
        "-",
        "-x",
        "--",
        "---",
        "- x",
        "?",
        "?x",
        ":",
        ":x",
        "::1",
        ",",
        "[",
        "]",
        "{",
        "}",
        "#",
        "#x",
        "&a",
        "*a",
        "!tag",
        "|",
        ">",
        "'",
        "\"",
        "%",
        "@x",
        "`x",
        "...",
        "...x",
        "a: b",
        "a #b",
        "a:",
        "a,b",
        "a[0]",
        "{x}",
        "line\nbreak",
        "cr\rhere",
        "tab\there",
        "nul\0",
        "bell\u{7}",
        "nel\u{85}",
        "ls\u{2028}",
        "ps\u{2029}",
        "bom\u{FEFF}",
        "\u{FEFF}",
        "del\u{7F}",
        "nonchar\u{FFFE}",
        "nbsp\u{A0}",
    ];

    const PLAIN_OK: &[&str] = &[
        "app",
        "kube-dns",
        "kube-system",
        "networking/allow-db-access",
        "app.kubernetes.io/managed-by",
        "netpol-intent.dev/intent",
        "Ingress",
        "Egress",
        "TCP",
        "UDP",
        "0.0.0.0/0",
        "10.0.0.0/8",
        "fd00::/8",
        "2001:db8::/32",
        "http://x",
        "https://example.com/a?b=c",
        "a:b",
        "a#b",
        "a-b",
        "x-",
        "a b c",
        "it's",
        "say \"hi\"",
        "back\\slash",
        "é",
        "日本語",
        "😀",
        "v1",
        "1.0.0-alpha",
        "1e",
        "0bar",
        "nan",
        "inf",
        "Infinity",
        "nULL",
        "yES",
        "ok",
        "tRUE",
        "+",
        "~x",
        "x~",
        "a=b",
        "<",
        "a<<b",
        "_1",
        "2001-12",
        "12-14",
        "100Mi",
        "8080/TCP",
        "ns1",
        "db_0",
        "x:",
        "Ingress,Egress",
    ];

    #[test]
    fn needs_quotes_true_cases() {
        for s in MUST_QUOTE {
            assert!(needs_quotes(s), "{s:?} should need quotes");
        }
    }

    #[test]
    fn needs_quotes_false_cases() {
        for s in PLAIN_OK.iter().filter(|s| !["x:", "Ingress,Egress"].contains(s)) {
            assert!(!needs_quotes(s), "{s:?} should not need quotes");
            // And it really does read back as itself, as a string.
            let node = parse_one(&format!("k: {s}\n"));
            assert_eq!(node.get("k").unwrap().scalar(), Some(Scalar::Str(s)), "{s:?}");
        }
        assert!(needs_quotes("x:"));
        assert!(needs_quotes("Ingress,Egress"));
    }

    /// Strings that tempt a reader to see something else.
    fn tricky_strings() -> Vec<String> {
        let mut v: Vec<String> = MUST_QUOTE.iter().chain(PLAIN_OK).map(|s| s.to_string()).collect();
        v.extend(
            [
                "with 'single' and \"double\" quotes",
                "\\",
                "\\n",
                "\"",
                "''",
                "a\\\"b",
                "tab\tin middle",
                "trailing newline\n",
                "\n",
                "\n\n",
                "two\n\n",
                "\nlead",
                "  indented\nlines\n",
                "multi\nline\ntext",
                "# not a comment",
                "key: value",
                "a #comment",
                "ünïcödé",
                "emoji 😀 text",
                "\u{1F600}",
                "control \u{1}\u{1F}",
                "%percent",
                "@at",
                "`tick`",
                "!bang",
                "&amp",
                "*star",
                "|pipe",
                ">gt",
                "0x",
                "0o",
                "0b",
                "1e10",
                "-1e-10",
                "2e",
                "1_0",
                "12:30:45",
                "08",
                "09",
                "00",
                "0.",
                "-.5",
                "+12",
                "٣",
                "١٢",
                "true ",
                " false",
                "NULL\n",
                "~/path",
                "C:\\Windows",
                "a\u{2028}b",
                "x\r\ny",
                "end\r",
                "    ",
                " ",
                "\t",
                "---\nx",
                "...\n",
                "- item\n- item",
                "{a: 1}",
                "[1, 2]",
                "?",
                "? x",
                ": x",
                "x:\ny",
                "ends with colon:",
                "http://example.com:8080/path#frag",
                "a\u{0}b",
                "\u{FEFF}start",
                "very long ".repeat(200).as_str(),
                "2001-12-14t21:59:43.10-05:00",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        v
    }

    #[test]
    fn every_tricky_string_round_trips() {
        for s in tricky_strings() {
            for style in [
                ScalarStyle::Auto,
                ScalarStyle::Plain,
                ScalarStyle::SingleQuoted,
                ScalarStyle::DoubleQuoted,
                ScalarStyle::Literal,
                ScalarStyle::Folded,
            ] {
                let node = Node::scalar_node(s.clone(), style);
                // A Plain node means what its text means; check the text survives.
                let wrap = Node::map(vec![(node.clone(), node.clone())]);
                let in_seq = Node::seq(vec![node.clone(), wrap.clone()]);
                for doc in [node.clone(), wrap, in_seq] {
                    let text = emit_one(&doc);
                    let read_otherwise = style == ScalarStyle::Plain
                        && (readings::disagreement(&node, false).is_some()
                            || readings::disagreement(&node, true).is_some());
                    let back = match parse(&text, &Limits::default()) {
                        Ok(mut docs) if docs.len() == 1 => docs.remove(0),
                        // A plain text that kubectl or kustomize reads otherwise is refused.
                        Err(e) if read_otherwise && e.kind == YamlErrorKind::ReadOtherwise => continue,
                        other => panic!("{s:?} ({style:?}) emitted as {text:?}: {other:?}"),
                    };
                    if style == ScalarStyle::Plain && s.is_empty() {
                        assert!(same_meaning(&doc, &back), "{s:?} -> {text:?}");
                        continue;
                    }
                    let mut originals = Vec::new();
                    collect_scalars(&doc, &mut originals);
                    let mut read = Vec::new();
                    collect_scalars(&back, &mut read);
                    assert_eq!(originals.len(), read.len(), "{s:?} ({style:?}) -> {text:?}");
                    for (n, m) in originals.iter().zip(&read) {
                        assert_eq!(n.as_str(), m.as_str(), "{s:?} ({style:?}) -> {text:?}");
                        if style != ScalarStyle::Plain {
                            assert_eq!(m.scalar(), Some(Scalar::Str(&s)), "{s:?} -> {text:?}");
                        }
                    }
                }
            }
            // The case that matters most: a tool-made string.
            let text = emit_one(&Node::str(s.as_str()));
            assert_eq!(parse_one(&text).scalar(), Some(Scalar::Str(&s)), "{s:?} -> {text:?}");
        }
    }

    fn collect_scalars<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
        match &node.kind {
            NodeKind::Scalar { .. } => out.push(node),
            NodeKind::Seq(items) => items.iter().for_each(|n| collect_scalars(n, out)),
            NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
                collect_scalars(k, out);
                collect_scalars(v, out);
            }),
        }
    }

    #[test]
    fn auto_strings_emit_plain_or_double_quoted() {
        assert_eq!(emit_one(&Node::str("kube-dns")), "kube-dns\n");
        assert_eq!(emit_one(&Node::str("yes")), "\"yes\"\n");
        assert_eq!(emit_one(&Node::str("0755")), "\"0755\"\n");
        assert_eq!(
            emit_one(&Node::str("a\"b\\c\nd\te\u{1}\u{1F600}é")),
            "\"a\\\"b\\\\c\\nd\\te\\u0001😀é\"\n"
        );
        assert_eq!(emit_one(&Node::str("")), "\"\"\n");
        assert_eq!(emit_one(&Node::str("\u{FEFF}\u{2028}")), "\"\\uFEFF\\u2028\"\n");
    }

    // --- emitting ----------------------------------------------------------------------------

    #[test]
    fn emit_documents() {
        assert_eq!(emit(&[]), "");
        assert_eq!(emit(&[Node::str("a")]), "a\n");
        assert_eq!(emit(&[Node::str("a"), Node::str("b")]), "a\n---\nb\n");
        assert_eq!(emit_one(&Node::map(vec![])), "{}\n");
        assert_eq!(emit_one(&Node::seq(vec![])), "[]\n");
        assert_eq!(emit_one(&Node::plain("")), "null\n");
        assert_eq!(emit_one(&Node::plain("1")), "1\n");
    }

    #[test]
    fn emit_block_layout_like_kubectl() {
        let policy = Node::map_from(vec![
            ("apiVersion", Node::str("networking.k8s.io/v1")),
            ("kind", Node::str("NetworkPolicy")),
            (
                "metadata",
                Node::map_from(vec![
                    ("name", Node::str("allow-db")),
                    (
                        "labels",
                        Node::map_from(vec![("app.kubernetes.io/managed-by", Node::str("netpol-intent"))]),
                    ),
                ]),
            ),
            (
                "spec",
                Node::map_from(vec![
                    ("podSelector", Node::map(vec![])),
                    ("policyTypes", Node::seq(vec![Node::str("Ingress"), Node::str("Egress")])),
                    ("ingress", Node::seq(vec![])),
                    (
                        "egress",
                        Node::seq(vec![Node::map_from(vec![
                            (
                                "ports",
                                Node::seq(vec![Node::map_from(vec![
                                    ("port", Node::plain("53")),
                                    ("protocol", Node::str("UDP")),
                                ])]),
                            ),
                            (
                                "to",
                                Node::seq(vec![Node::map_from(vec![(
                                    "ipBlock",
                                    Node::map_from(vec![
                                        ("cidr", Node::str("0.0.0.0/0")),
                                        ("except", Node::seq(vec![Node::str("10.0.0.0/8")])),
                                    ]),
                                )])]),
                            ),
                        ])]),
                    ),
                    (
                        "nested",
                        Node::seq(vec![Node::seq(vec![Node::str("a"), Node::str("b")]), Node::str("c")]),
                    ),
                ]),
            ),
        ]);
        let want = "\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-db
  labels:
    app.kubernetes.io/managed-by: netpol-intent
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
  ingress: []
  egress:
  - ports:
    - port: 53
      protocol: UDP
    to:
    - ipBlock:
        cidr: 0.0.0.0/0
        except:
        - 10.0.0.0/8
  nested:
  - - a
    - b
  - c
";
        assert_eq!(emit_one(&policy), want);
        assert!(parse_one(want).eq_ignoring_spans(&parse_one(&emit_one(&parse_one(want)))));
    }

    #[test]
    fn emit_scalar_styles() {
        let doc = parse_one(concat!(
            "s: 'it''s'\n",
            "d: \"x\"\n",
            "l: |\n  a\n   b\n",
            "strip: |-\n  a\n",
            "keep: |+\n  a\n\n",
            "ind: |2\n   lead\n  x\n",
            "f: >\n  fold\n  ed\n",
            "e:\n",
            "t: ~\n",
        ));
        assert_eq!(
            emit_one(&doc),
            concat!(
                "s: 'it''s'\n",
                "d: \"x\"\n",
                "l: |\n  a\n   b\n",
                "strip: |-\n  a\n",
                "keep: |+\n  a\n\n",
                "ind: |2\n   lead\n  x\n",
                "f: |\n  fold ed\n",
                "e:\n",
                "t: ~\n",
            )
        );
        // A single-quoted or literal value that cannot be written so falls back to double quotes.
        let node = Node::map_from(vec![
            ("s", Node::scalar_node("a\nb".into(), ScalarStyle::SingleQuoted)),
            ("l", Node::scalar_node("a\rb".into(), ScalarStyle::Literal)),
            ("p", Node::plain("- not a list")),
            ("r", Node::scalar_node(" lead".into(), ScalarStyle::Literal)),
        ]);
        assert_eq!(emit_one(&node), "s: \"a\\nb\"\nl: \"a\\rb\"\np: \"- not a list\"\nr: |2-\n   lead\n");
        // At the root, no indentation indicator.
        assert_eq!(emit_one(&Node::scalar_node(" x\n".into(), ScalarStyle::Literal)), "\" x\\n\"\n");
        assert_eq!(emit_one(&Node::scalar_node("x\n".into(), ScalarStyle::Literal)), "|\n  x\n");
    }

    #[test]
    fn emit_tags() {
        let src = "a: !!str 123\nb: !foo\n  x: 1\nc: !bar\n- 1\nd: !!set {}\ne: !<tag:example.com,2000:x%20y> v\nf: ! x\ng: !!str\n- !t\n  - 1\n";
        let doc = parse_all(src).remove(0);
        let out = emit_one(&doc);
        assert_eq!(
            out,
            "a: !!str 123\nb: !foo\n  x: 1\nc: !bar\n- 1\nd: !!set {}\ne: !<tag:example.com,2000:x%20y> v\nf: ! x\ng: !!str\n- !t\n  - 1\n"
        );
        assert!(parse_one(&out).eq_ignoring_spans(&doc));
        let seq = parse_one("- !t\n  - 1\n- !m\n  k: v\n- !!str x\n");
        let out = emit_one(&seq);
        assert_eq!(out, "- !t\n  - 1\n- !m\n  k: v\n- !!str x\n");
        let root = parse_one("!m\nk: v\n");
        assert_eq!(emit_one(&root), "!m\nk: v\n");
        assert_eq!(emit_one(&Node::plain("").with_tag(STR_TAG)), "!!str\n");
        let key = Node::map(vec![(Node::plain("1").with_tag(STR_TAG), Node::plain("x"))]);
        assert_eq!(emit_one(&key), "!!str 1: x\n");
    }

    #[test]
    fn emit_keys() {
        let node = Node::map(vec![
            (Node::str("yes"), Node::plain("1")),
            (Node::str("a: b"), Node::plain("2")),
            (Node::plain(""), Node::plain("3")),
            (Node::seq(vec![Node::str("x"), Node::str("w")]), Node::seq(vec![Node::str("z")])),
            (Node::map_from(vec![("m", Node::str("q"))]), Node::map_from(vec![("o", Node::str("p"))])),
            (Node::str("k".repeat(1100)), Node::str("long")),
            (Node::scalar_node("multi\nline".into(), ScalarStyle::Literal), Node::plain("")),
        ]);
        let out = emit_one(&node);
        let want = format!(
            "\"yes\": 1\n\"a: b\": 2\nnull: 3\n? - x\n  - w\n: - z\n? m: q\n: o: p\n? {}\n: long\n\"multi\\nline\":\n",
            "k".repeat(1100)
        );
        assert_eq!(out, want);
        let back = parse_one(&out);
        assert!(same_meaning(&back, &node));
    }

    #[test]
    fn emit_is_deterministic_and_ends_with_newline() {
        let doc = parse_one("b: 1\na: [x, {w: z}]\n");
        let first = emit_one(&doc);
        assert_eq!(first, emit_one(&doc.clone()));
        assert!(first.ends_with('\n'));
        assert_eq!(first, "b: 1\na:\n- x\n- w: z\n");
    }

    const K8S_SAMPLE: &str = r#"# A multi-document sample.
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: kube-system
  labels:
    app.kubernetes.io/name: "demo"
    'quoted key': value
    "yes": "no"
  annotations:
    netpol-intent.dev/intent: |
      line one
        indented
      line three
data:
  mode: "0755"
  enabled: True
  hex: 0x1F
  big: 123456789012345678901234567890
  float: 1.50
  nothing: ~
  empty:
  unicode: "日本語 ✓"
  plain unicode: é à ü
  script: |-
    #!/bin/sh
    echo "hi"
  keep: |+
    x

  flow: {a: 1, b: [x, z]}
  ? "complex: key"
  : v
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-db
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
  ingress: []
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: db
      podSelector:
        matchExpressions:
        - {key: app, operator: In, values: [pg, "0"]}
    ports:
    - port: 5432
      protocol: TCP
    - port: dns
  nested:
  - - a
    - - b
  - []
  - {}
---
- 'single ''quoted'''
- "double\ttab\u00e9"
- !!str 42
"#;

    #[test]
    fn kubernetes_sample_round_trips() {
        let docs = parse_all(K8S_SAMPLE);
        assert_eq!(docs.len(), 3);
        let text = emit(&docs);
        let again = parse_all(&text);
        assert_eq!(again.len(), docs.len());
        for (a, b) in docs.iter().zip(&again) {
            assert!(a.eq_ignoring_spans(b), "\n{text}");
        }
        // Emitting again gives the same bytes.
        assert_eq!(emit(&again), text);
        // Spellings are kept.
        for line in [
            "  mode: \"0755\"\n",
            "  enabled: True\n",
            "  hex: 0x1F\n",
            "  big: 123456789012345678901234567890\n",
            "  float: 1.50\n",
            "  nothing: ~\n",
            "  empty:\n",
            "    'quoted key': value\n",
            "    \"yes\": \"no\"\n",
            "  podSelector: {}\n",
            "  ingress: []\n",
            "  policyTypes:\n  - Ingress\n",
            "  flow:\n    a: 1\n    b:\n    - x\n    - z\n",
            "  \"complex: key\": v\n",
            "    netpol-intent.dev/intent: |\n      line one\n        indented\n      line three\n",
            "  keep: |+\n    x\n\n",
            "        - key: app\n          operator: In\n          values:\n          - pg\n          - \"0\"\n",
            "  - - a\n    - - b\n  - []\n  - {}\n",
            "- 'single ''quoted'''\n- \"double\\ttabé\"\n- !!str 42\n",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
        // Key order is kept.
        let keys: Vec<_> =
            again[0].get("data").unwrap().as_map().unwrap().iter().filter_map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "mode",
                "enabled",
                "hex",
                "big",
                "float",
                "nothing",
                "empty",
                "unicode",
                "plain unicode",
                "script",
                "keep",
                "flow",
                "complex: key"
            ]
        );
        let data = again[0].get("data").unwrap();
        assert_eq!(data.get("mode").unwrap().scalar(), Some(Scalar::Str("0755")));
        assert_eq!(data.get("hex").unwrap().scalar(), Some(Scalar::Int(31)));
        assert_eq!(data.get("enabled").unwrap().scalar(), Some(Scalar::Bool(true)));
        assert!(matches!(data.get("big").unwrap().scalar(), Some(Scalar::Float(_))));
    }

    #[test]
    fn large_stream_is_linear() {
        // Not a timing test: a big stream parses and emits (quadratic work would show as a
        // very slow test run).
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: é-name\n  labels: {a: b}\ndata:\n  k: |\n    text ü\n  list: [1, 2, 3]\n";
        let src = format!("---\n{doc}").repeat(5_000);
        let docs = parse_all(&src);
        assert_eq!(docs.len(), 5_000);
        let last = docs[4_999].get("data").unwrap().get("list").unwrap();
        let offset = last.span.start.offset;
        assert_eq!(&src[offset..offset + 9], "[1, 2, 3]");
        let out = emit(&docs);
        assert_eq!(parse_all(&out).len(), 5_000);
    }
}
