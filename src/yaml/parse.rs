//! The parser: saphyr's events built into a tree of [`Node`]s with positions, within
//! [`Limits`], refusing what go-yaml reads otherwise ([`super::readings`]).

use super::*;

/// Past this many, texts that kubectl or kustomize would read otherwise are not listed.
const MAX_REFUSALS: usize = 1000;

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
pub(crate) fn parse_with(src: &str, limits: &Limits, refuse: bool) -> Result<Vec<Node>, YamlError> {
    let mut builder = Builder::new(src, *limits, refuse);
    if refuse {
        for (pos, name) in readings::foreign_breaks(src).into_iter().take(MAX_REFUSALS) {
            builder.refusals.push(YamlError::read_otherwise(readings::foreign_break_message(name), pos));
        }
    }
    let mut parser = saphyr_parser::Parser::new_from_str(src);
    while let Some(next) = parser.next_event() {
        let step = next
            .map_err(|e| YamlError::syntax(src, e.info().to_string(), builder.offsets.pos(e.marker())))
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
            Event::Alias(id) => self.alias(id, &span)?,
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value.into_owned(), style, (anchor, tag), &span)?
            }
            Event::SequenceStart(anchor, tag) => self.collection_start(true, (anchor, tag), &span)?,
            Event::MappingStart(anchor, tag) => self.collection_start(false, (anchor, tag), &span)?,
            Event::SequenceEnd | Event::MappingEnd => self.collection_end(&span)?,
        }
        Ok(true)
    }

    /// An alias: a copy of what it names, counted against the limits before anything is
    /// copied (so an alias bomb costs nothing); a collection's copy is made at the document's
    /// end ([`Builder::expand_aliases`]).
    fn alias(&mut self, id: usize, span: &saphyr_parser::Span) -> Result<(), YamlError> {
        let span = self.span(span);
        let (size, height, bytes) = match self.anchors.get(&id) {
            Some(Anchored::Scalar(node)) => (1, 0, text_bytes(node)),
            Some(Anchored::Collection { size, height, bytes, .. }) => (*size, *height, *bytes),
            None => {
                let text = self.src.get(span.start.offset..span.end.offset).unwrap_or("");
                let message = format!("alias `{text}` does not refer to an earlier anchored node");
                return Err(YamlError::new(message, span.start));
            }
        };
        if self.stack.len() + height > self.limits.max_depth {
            return Err(self.too_deep(span.start));
        }
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
        self.complete(node, Extent { size, height, bytes }, 0)
    }

    fn scalar(
        &mut self,
        value: String,
        style: saphyr_parser::ScalarStyle,
        (anchor, tag): (usize, Option<std::borrow::Cow<'_, saphyr_parser::Tag>>),
        span: &saphyr_parser::Span,
    ) -> Result<(), YamlError> {
        let mut span = self.span(span);
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
        let node = Node { span, tag: tag.map(|t| tag_string(&t)), kind: NodeKind::Scalar { value, style } };
        self.refuse_if_read_otherwise(&node);
        let bytes = text_bytes(&node);
        self.complete(node, Extent { size: 1, height: 0, bytes }, anchor)
    }

    fn collection_start(
        &mut self,
        is_seq: bool,
        (anchor, tag): (usize, Option<std::borrow::Cow<'_, saphyr_parser::Tag>>),
        span: &saphyr_parser::Span,
    ) -> Result<(), YamlError> {
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
        let tag = tag.map(|t| tag_string(&t));
        let frame = Frame {
            start,
            last_end: start,
            tag,
            anchor,
            size: 1,
            height: 0,
            bytes: 0,
            slot,
            place: None,
            kind,
        };
        self.stack.push(frame);
        Ok(())
    }

    fn collection_end(&mut self, span: &saphyr_parser::Span) -> Result<(), YamlError> {
        // A flow collection ends after its bracket (the event's span also covers any blanks
        // and comment after it); a block one ends with its last child.
        let end = if span.start.index() == span.end.index() {
            None
        } else {
            let bracket = self.offsets.pos(&span.start);
            Some(Pos { col: bracket.col + 1, offset: bracket.offset + 1, ..bracket })
        };
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        // Exact capacities: big documents take much less memory (and time) so.
        let kind = match frame.kind {
            FrameKind::Seq(mut items) => {
                items.shrink_to_fit();
                NodeKind::Seq(items)
            }
            FrameKind::Map { mut entries, key, .. } => {
                // A key without a value cannot come from a well-formed event stream; keep it
                // with a null value rather than lose it.
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
        let extent =
            Extent { size: frame.size, height: frame.height + 1, bytes: frame.bytes + text_bytes(&node) };
        self.complete(node, extent, frame.anchor)
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
