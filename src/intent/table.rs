//! The decoder's tools, after toml-span's `TableHelper`: a [`Table`] records every key the
//! decoder asks for, so the unknown fields of a mapping are the keys it did not ask for, never
//! a second list of names; and [`Cx`] collects every problem, so one run reports them all.
//!
//! A key with no value (null: nothing after it, `~`, `null`, or only comments under it) is an
//! error for every field, never the field's default: only an absent key means the default.

use crate::diag::{key_path, Code, Diagnostic};
use crate::intent::At;
use crate::yaml::{Node, Scalar, Span};

/// The fields of one mapping, and the keys asked for so far.
pub(crate) struct Table<'a> {
    pub node: &'a Node,
    pub path: String,
    entries: &'a [(Node, Node)],
    asked: Vec<&'static str>,
    /// The required keys found absent, with their errors, held until the unknown keys are
    /// known: a key that is a misspelling of one of them is that one mistake, reported once.
    missing: Vec<(&'static str, Diagnostic)>,
    /// Whether the keys not asked for go unreported (the document is not what this reads).
    rest_ignored: bool,
}

impl<'a> Table<'a> {
    /// The field path of `key` in this mapping.
    pub fn path(&self, key: &str) -> String {
        key_path(&self.path, key)
    }

    /// The key and value of `key`, unless absent; either way `key` is known from now on.
    fn take(&mut self, key: &'static str) -> Option<(&'a Node, &'a Node)> {
        self.asked.push(key);
        self.entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, v)| (k, v))
    }

    /// Makes `keys` known without reading them (fields that are read only when others are
    /// right).
    pub fn known(&mut self, keys: &[&'static str]) {
        self.asked.extend(keys);
    }

    /// Reports none of the keys not asked for: for a mapping that is not what the decoder
    /// reads (another kind of object), where the one error is that, not each of its fields.
    pub fn ignore_rest(&mut self) {
        self.rest_ignored = true;
    }
}

/// The problems found so far.
#[derive(Default)]
pub(crate) struct Cx {
    pub diags: Vec<Diagnostic>,
}

impl Cx {
    pub fn error(&mut self, code: Code, path: &str, span: Span, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, path, span, message));
    }

    pub fn error_help(
        &mut self,
        code: Code,
        path: &str,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diags.push(Diagnostic::error(code, path, span, message).with_help(help));
    }

    pub fn wrong_type(&mut self, path: &str, node: &Node, expected: &str) {
        let message = format!("expected {expected}, found {}", node.kind_name());
        let d = Diagnostic::error(Code::WrongType, path, node.span, message);
        self.diags.push(match node.scalar() {
            Some(Scalar::Bool(_) | Scalar::Int(_) | Scalar::Float(_)) if expected == "a string" => {
                d.with_help(format!("quote it: \"{}\"", node.as_str().unwrap_or_default()))
            }
            _ => d,
        });
    }

    /// Decodes the mapping `node` at `path` with `decode`, then reports each key it did not
    /// ask for as an unknown field (with the closest known name as a hint), and each key that
    /// is not a string. A node that is not a mapping is a wrong type.
    ///
    /// One mistake is one error: a required field that is absent because its key is misspelt
    /// (the unknown key's closest known name is that field) is reported as the unknown field
    /// with its hint alone, not also as a missing field.
    pub fn table<'a, T>(
        &mut self,
        node: &'a Node,
        path: &str,
        decode: impl FnOnce(&mut Self, &mut Table<'a>) -> Option<T>,
    ) -> Option<T> {
        let Some(entries) = node.as_map() else {
            self.wrong_type(path, node, "a mapping");
            return None;
        };
        let mut table = Table {
            node,
            path: path.to_string(),
            entries,
            asked: Vec::new(),
            missing: Vec::new(),
            rest_ignored: false,
        };
        let value = decode(self, &mut table);
        let mut meant = Vec::new();
        for (k, _) in table.entries {
            match k.as_str() {
                Some(name) if table.asked.contains(&name) || table.rest_ignored => {}
                Some(name) => {
                    let known = format!("known fields here: {}", table.asked.join(", "));
                    let d = Diagnostic::error(
                        Code::UnknownField,
                        table.path(name),
                        k.span,
                        format!("unknown field `{name}`"),
                    );
                    let d = d.suggesting(name, table.asked.iter().copied(), Some(known));
                    meant.extend(d.proposed.clone());
                    self.diags.push(d);
                }
                None => self.wrong_type(path, k, "a string key"),
            }
        }
        let missing = table.missing.into_iter().filter(|(key, _)| !meant.iter().any(|m| m == key));
        self.diags.extend(missing.map(|(_, d)| d));
        value
    }

    /// The value of `key`: `Some(None)` when absent, `None` (with the error) when null.
    fn present<'a>(
        &mut self,
        t: &mut Table<'a>,
        key: &'static str,
        required: bool,
    ) -> Option<Option<&'a Node>> {
        let Some((k, value)) = t.take(key) else { return Some(None) };
        if !value.is_null() {
            return Some(Some(value));
        }
        let help = if required {
            format!("`{key}` is required: give it a value")
        } else {
            format!(
                "an absent key means the default, a key with no value (its entries all commented out, \
                 say) does not: remove `{key}` for the default, or give it a value"
            )
        };
        self.error_help(Code::NullValue, &t.path(key), k.span, format!("`{key}` has no value"), help);
        None
    }

    /// A required field, decoded; `None` when it is absent, null or invalid.
    pub fn required<'a, T>(
        &mut self,
        t: &mut Table<'a>,
        key: &'static str,
        decode: impl FnOnce(&mut Self, &'a Node, &str) -> Option<T>,
    ) -> Option<T> {
        let Some(node) = self.present(t, key, true)? else {
            let message = format!("missing required field `{key}`");
            t.missing.push((key, Diagnostic::error(Code::MissingField, t.path(key), t.node.span, message)));
            return None;
        };
        decode(self, node, &t.path(key))
    }

    /// An optional field, decoded: `Some(None)` when absent, `None` when null or invalid.
    pub fn optional<'a, T>(
        &mut self,
        t: &mut Table<'a>,
        key: &'static str,
        decode: impl FnOnce(&mut Self, &'a Node, &str) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.present(t, key, false)? {
            None => Some(None),
            Some(node) => decode(self, node, &t.path(key)).map(Some),
        }
    }

    /// An optional field, decoded, or `default()` when absent; `None` when null or invalid.
    pub fn defaulted<'a, T>(
        &mut self,
        t: &mut Table<'a>,
        key: &'static str,
        default: impl FnOnce() -> T,
        decode: impl FnOnce(&mut Self, &'a Node, &str) -> Option<T>,
    ) -> Option<T> {
        self.optional(t, key, decode).map(|v| v.unwrap_or_else(default))
    }

    pub fn string(&mut self, node: &Node, path: &str) -> Option<At<String>> {
        match node.scalar() {
            Some(Scalar::Str(s)) => Some(At::new(s.to_string(), node.span, path)),
            _ => {
                self.wrong_type(path, node, "a string");
                None
            }
        }
    }

    /// A string that must pass a Kubernetes name rule.
    pub fn name(
        &mut self,
        node: &Node,
        path: &str,
        what: &str,
        rule: fn(&str) -> Result<(), String>,
    ) -> Option<At<String>> {
        let s = self.string(node, path)?;
        match rule(&s) {
            Ok(()) => Some(s),
            Err(why) => {
                self.error(Code::InvalidName, path, node.span, format!("invalid {what} `{}`: {why}", *s));
                None
            }
        }
    }

    pub fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match node.scalar() {
            Some(Scalar::Bool(b)) => Some(b),
            _ => {
                self.wrong_type(path, node, "true or false");
                None
            }
        }
    }

    /// A list, each item decoded; `None` when any is invalid (each says why).
    pub fn list<'a, T>(
        &mut self,
        node: &'a Node,
        path: &str,
        mut item: impl FnMut(&mut Self, &'a Node, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let Some(items) = node.as_seq() else {
            self.wrong_type(path, node, "a list");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            match item(self, n, &format!("{path}[{i}]")) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(src: &str) -> Node {
        crate::yaml::parse(src, &Default::default()).unwrap().remove(0)
    }

    type Decoded = (Option<(String, bool)>, Vec<(Code, String)>);

    /// Decodes `{a: string, b: optional bool}`: the pair, and the codes of what was wrong.
    fn decode(src: &str) -> Decoded {
        let mut cx = Cx::default();
        let n = node(src);
        let value = cx.table(&n, "spec", |cx, t| {
            let a = cx.required(t, "a", Cx::string);
            let b = cx.defaulted(t, "b", || false, Cx::boolean);
            Some((a?.value, b?))
        });
        (value, cx.diags.into_iter().map(|d| (d.code.unwrap(), d.path)).collect())
    }

    #[test]
    fn the_unknown_fields_are_the_keys_not_asked_for() {
        assert_eq!(decode("{a: x}\n"), (Some(("x".into(), false)), vec![]));
        let (value, problems) = decode("{a: x, b: true, c: 1, bb: 2}\n");
        assert_eq!(value, Some(("x".into(), true)), "an unknown field does not stop the decoding");
        assert_eq!(problems, [(Code::UnknownField, "spec.c".into()), (Code::UnknownField, "spec.bb".into())]);
        let mut cx = Cx::default();
        let n = node("{a: x, bb: 2}\n");
        cx.table(&n, "", |cx, t| cx.required(t, "a", Cx::string));
        assert_eq!(cx.diags[0].help.as_deref(), Some("known fields here: a"));
        let mut cx = Cx::default();
        cx.table(&n, "", |cx, t| cx.optional(t, "b", Cx::boolean).map(|_| ()));
        assert_eq!(
            (cx.diags[1].help.as_deref(), cx.diags[1].proposed.as_deref()),
            (Some("did you mean `b`?"), Some("b"))
        );
    }

    #[test]
    fn a_misspelt_required_field_is_one_error() {
        let mut cx = Cx::default();
        let n = node("{name: x, podSelectr: {}}\n");
        cx.table(&n, "w", |cx, t| {
            cx.required(t, "name", Cx::string)?;
            cx.required(t, "podSelector", Cx::string)
        });
        let codes: Vec<_> = cx.diags.iter().map(|d| (d.code.unwrap(), d.path.as_str())).collect();
        assert_eq!(codes, [(Code::UnknownField, "w.podSelectr")]);
        assert_eq!(cx.diags[0].help.as_deref(), Some("did you mean `podSelector`?"));
        // A key that is no misspelling of the absent field leaves both errors.
        assert_eq!(
            decode("{b: true, zzz: 1}\n").1,
            [(Code::UnknownField, "spec.zzz".into()), (Code::MissingField, "spec.a".into())]
        );
    }

    #[test]
    fn every_problem_is_reported_in_one_pass() {
        let (value, problems) = decode("{b: 3, [1]: x}\n");
        assert_eq!(value, None);
        assert_eq!(
            problems,
            [
                (Code::WrongType, "spec.b".into()),
                (Code::WrongType, "spec".into()),
                (Code::MissingField, "spec.a".into())
            ]
        );
        let (_, problems) = decode("{a: ~, b:}\n");
        assert_eq!(problems, [(Code::NullValue, "spec.a".into()), (Code::NullValue, "spec.b".into())]);
        assert_eq!(decode("[a]\n").1, [(Code::WrongType, "spec".into())]);
    }
}
