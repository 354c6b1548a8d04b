//! The ResourceList: read from the function's input ([`List::read`]) and written back
//! ([`write`]), and what the function reads of its items: the file and position kpt gives
//! each ([`item_path`], [`item_index`]) and which object an item is.

use std::borrow::Cow;

use crate::yaml::{self, Node};

use super::results::Results;

/// The file an item comes from (kpt), and its legacy spelling; they must agree.
pub(crate) const PATH: &str = "internal.config.kubernetes.io/path";
pub(crate) const LEGACY_PATH: &str = "config.kubernetes.io/path";
/// The item's position in that file.
pub(crate) const INDEX: &str = "internal.config.kubernetes.io/index";
pub(crate) const LEGACY_INDEX: &str = "config.kubernetes.io/index";
pub(crate) const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";
pub(crate) const DEFAULT_API_VERSION: &str = "config.kubernetes.io/v1";

/// The input's text and its documents. JSON may spell a character outside the BMP as a
/// surrogate pair, which YAML refuses; such a text is read with YAML escapes instead.
pub(crate) fn parse(input: &str) -> Result<(Cow<'_, str>, Vec<Node>), String> {
    let limits = yaml::Limits::default();
    match yaml::parse(input, &limits) {
        Ok(docs) => Ok((Cow::Borrowed(input), docs)),
        Err(e) => {
            let retry = yaml::splice::json_surrogates_as_yaml(input).and_then(|text| {
                let docs = yaml::parse(&text, &limits).ok()?;
                Some((Cow::Owned(text), docs))
            });
            retry.ok_or_else(|| format!("cannot read the input: {e}"))
        }
    }
}

/// A ResourceList read from `src`.
pub(crate) struct List<'a> {
    pub src: &'a str,
    pub api_version: String,
    pub items: &'a [Node],
    pub function_config: Option<&'a Node>,
}

impl<'a> List<'a> {
    pub fn read(src: &'a str, docs: &'a [Node]) -> Result<List<'a>, String> {
        let root = match docs {
            [root] => root,
            [] => return Err("no input: expected a ResourceList on standard input".to_string()),
            _ => return Err(format!("expected one ResourceList, found {} YAML documents", docs.len())),
        };
        if root.as_map().is_none() {
            return Err(format!("expected a ResourceList, found {}", root.kind_name()));
        }
        let kind = root.get("kind").and_then(Node::as_str).unwrap_or_default();
        if kind != "ResourceList" {
            return Err(format!("expected kind `ResourceList`, found `{kind}`"));
        }
        let api_version = root.get("apiVersion").and_then(Node::as_str).unwrap_or_default();
        if !api_version.starts_with("config.kubernetes.io/") {
            return Err(format!(
                "expected apiVersion `{DEFAULT_API_VERSION}` for a ResourceList, found `{api_version}`"
            ));
        }
        let items = match root.get("items") {
            None => &[][..],
            Some(n) if n.is_null() => &[][..],
            Some(n) => {
                n.as_seq().ok_or_else(|| format!("`items` must be a list, found {}", n.kind_name()))?
            }
        };
        let function_config = root.get("functionConfig").filter(|n| !n.is_null());
        Ok(List { src, api_version: api_version.to_string(), items, function_config })
    }
}

/// The ResourceList text: header, items (each a sequence entry, see [`yaml::splice`]), the
/// functionConfig as it came (re-emitted, styles kept) so that the output can be fed to the
/// function again, and results.
pub(crate) fn write(
    api_version: &str,
    entries: &[String],
    config: Option<&Node>,
    results: &Results,
) -> String {
    let header =
        Node::map_from(vec![("apiVersion", Node::str(api_version)), ("kind", Node::str("ResourceList"))]);
    let mut out = yaml::emit_one(&header);
    if entries.is_empty() {
        out.push_str("items: []\n");
    } else {
        out.push_str("items:\n");
        out.reserve(entries.iter().map(String::len).sum());
        entries.iter().for_each(|e| out.push_str(e));
    }
    if let Some(config) = config {
        out.push_str("functionConfig:\n");
        for line in yaml::emit_one(config).split_inclusive('\n') {
            if line != "\n" {
                out.push_str("  ");
            }
            out.push_str(line);
        }
    }
    if let Some(results) = results.node() {
        out.push_str("results:\n");
        out.push_str(&yaml::emit_one(&results));
    }
    out
}

pub(crate) fn str_at<'n>(node: &'n Node, key: &str) -> Option<&'n str> {
    node.get(key).and_then(Node::as_str)
}

pub(crate) fn annotation<'n>(item: &'n Node, key: &str) -> Option<&'n str> {
    item.get("metadata")?.get("annotations").and_then(|a| str_at(a, key))
}

/// The file kpt says an item comes from.
pub(crate) fn item_path(item: &Node) -> Option<&str> {
    annotation(item, PATH).or_else(|| annotation(item, LEGACY_PATH))
}

/// The item's position in its file.
pub(crate) fn item_index(item: &Node) -> Option<usize> {
    annotation(item, INDEX).or_else(|| annotation(item, LEGACY_INDEX)).and_then(|i| i.parse().ok())
}

/// Same apiVersion, kind and name.
pub(crate) fn same_object(a: &Node, b: &Node) -> bool {
    let name = |n: &Node| n.get("metadata").and_then(|m| str_at(m, "name")).map(str::to_string);
    str_at(a, "apiVersion") == str_at(b, "apiVersion")
        && str_at(a, "kind") == str_at(b, "kind")
        && name(a) == name(b)
}

/// An item in words: `NetworkIntent `shop``, `NetworkPolicy `shop/x``.
pub(crate) fn describe(item: &Node) -> String {
    let kind = str_at(item, "kind").unwrap_or("an object");
    let metadata = item.get("metadata");
    let name = metadata.and_then(|m| str_at(m, "name")).unwrap_or_default();
    match metadata.and_then(|m| str_at(m, "namespace")) {
        Some(ns) => format!("{kind} `{ns}/{name}`"),
        None => format!("{kind} `{name}`"),
    }
}
