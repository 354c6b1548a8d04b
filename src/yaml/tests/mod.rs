//! The YAML layer's tests: the parser (and the tree and JSON) in `parse`, quoting and
//! emitting in `emit`, with the helpers both use.

mod emit;
mod parse;

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
                && x.iter().zip(y).all(|((k1, v1), (k2, v2))| same_meaning(k1, k2) && same_meaning(v1, v2))
        }
        _ => false,
    }
}

// --- parsing -----------------------------------------------------------------------------
