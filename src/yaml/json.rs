//! YAML trees to JSON values and back: the Kubernetes types are read and written through
//! `serde_json`.

use super::*;

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
