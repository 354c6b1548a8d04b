//! Reading a NetworkIntent out of a YAML tree. Every problem becomes a [`Diagnostic`] with the
//! field path and position; decoding goes on past a problem so one run reports them all.
//! Rules that involve more than one field live in [`crate::intent::validate`].
//!
//! A key with no value (null: nothing after it, `~`, `null`, or only comments under it) is an
//! error for every field, never the field's default: only an absent key means the default.
//! So commenting out every entry of `from:` cannot turn it into "any source".

use std::collections::BTreeMap;
use std::str::FromStr;

use ipnet::IpNet;

use crate::diag::{did_you_mean, key_path, Code, Diagnostic};
use crate::intent::names;
use crate::intent::*;
use crate::yaml::{self, Node, Scalar, Span};

/// Where diagnostics about the file as a whole point.
const FILE_START: Span =
    Span { start: yaml::Pos { line: 1, col: 1, offset: 0 }, end: yaml::Pos { line: 1, col: 1, offset: 0 } };

/// Parses and decodes one intent document. Errors come back sorted by position; every
/// problem the YAML layer found is one of them.
pub fn parse(src: &str) -> Result<NetworkIntent, Vec<Diagnostic>> {
    let docs = yaml::parse(src, &yaml::Limits::default()).map_err(|e| {
        e.all()
            .map(|e| {
                let message = match e.kind {
                    yaml::YamlErrorKind::Invalid => format!("not valid YAML: {}", e.message),
                    yaml::YamlErrorKind::ReadOtherwise => e.message.clone(),
                };
                Diagnostic::error(Code::YamlSyntax, "", Span { start: e.pos, end: e.pos }, message)
            })
            .collect::<Vec<_>>()
    })?;
    let node = match docs.as_slice() {
        [node] => node,
        [] => {
            return Err(vec![Diagnostic::error(
                Code::NotOneDocument,
                "",
                FILE_START,
                "the file is empty: expected a NetworkIntent",
            )
            .with_help(format!("start with `apiVersion: {API_VERSION}` and `kind: {KIND}`"))]);
        }
        [_, second, ..] => {
            return Err(vec![Diagnostic::error(
                Code::NotOneDocument,
                "",
                second.span,
                format!("the file holds {} documents: expected one NetworkIntent", docs.len()),
            )]);
        }
    };
    decode(node)
}

/// Decodes a NetworkIntent from a parsed document.
pub fn decode(node: &Node) -> Result<NetworkIntent, Vec<Diagnostic>> {
    let mut cx = Cx::default();
    let intent = cx.intent(node);
    let mut diags = cx.diags;
    crate::diag::sort(&mut diags);
    match intent {
        Some(intent) if diags.is_empty() => Ok(intent),
        _ => Err(diags),
    }
}

fn index_path(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// The fields of one mapping, checked against the names its type knows.
struct Fields<'a> {
    node: &'a Node,
    path: String,
    entries: &'a [(Node, Node)],
}

impl<'a> Fields<'a> {
    /// The key and value of `key`, unless absent.
    fn get(&self, key: &str) -> Option<(&'a Node, &'a Node)> {
        self.entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, v)| (k, v))
    }

    fn path(&self, key: &str) -> String {
        key_path(&self.path, key)
    }
}

#[derive(Default)]
struct Cx {
    diags: Vec<Diagnostic>,
}

impl Cx {
    fn error(&mut self, code: Code, path: &str, span: Span, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, path, span, message));
    }

    fn error_help(
        &mut self,
        code: Code,
        path: &str,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diags.push(Diagnostic::error(code, path, span, message).with_help(help));
    }

    fn wrong_type(&mut self, path: &str, node: &Node, expected: &str) {
        let help = match node.scalar() {
            Some(Scalar::Bool(_) | Scalar::Int(_) | Scalar::Float(_)) if expected == "a string" => {
                Some(format!("quote it: \"{}\"", node.as_str().unwrap_or_default()))
            }
            _ => None,
        };
        let message = format!("expected {expected}, found {}", node.kind_name());
        match help {
            Some(help) => self.error_help(Code::WrongType, path, node.span, message, help),
            None => self.error(Code::WrongType, path, node.span, message),
        }
    }

    /// Opens a mapping, reporting a wrong type, non-string keys, and unknown fields (with the
    /// closest known name as a hint).
    fn fields<'a>(&mut self, node: &'a Node, path: &str, known: &[&str]) -> Option<Fields<'a>> {
        let Some(entries) = node.as_map() else {
            self.wrong_type(path, node, "a mapping");
            return None;
        };
        for (k, _) in entries {
            match k.as_str() {
                Some(name) if known.contains(&name) => {}
                Some(name) => {
                    let message = format!("unknown field `{name}`");
                    let field_path = key_path(path, name);
                    match did_you_mean(name, known.iter().copied()) {
                        Some(help) => self.error_help(Code::UnknownField, &field_path, k.span, message, help),
                        None => self.error_help(
                            Code::UnknownField,
                            &field_path,
                            k.span,
                            message,
                            format!("known fields here: {}", known.join(", ")),
                        ),
                    }
                }
                None => self.wrong_type(path, k, "a string key"),
            }
        }
        Some(Fields { node, path: path.to_string(), entries })
    }

    /// The value of `key`, or `None` (with the error) when it is null: a key with no value is
    /// never its field's default.
    fn present<'a>(&mut self, f: &Fields<'a>, key: &str, required: bool) -> Option<Option<&'a Node>> {
        let Some((k, value)) = f.get(key) else { return Some(None) };
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
        let message = format!("`{key}` has no value");
        self.error_help(Code::NullValue, &f.path(key), k.span, message, help);
        None
    }

    fn required<'a>(&mut self, f: &Fields<'a>, key: &str) -> Option<&'a Node> {
        let value = self.present(f, key, true)?;
        if value.is_none() {
            self.error(
                Code::MissingField,
                &f.path(key),
                f.node.span,
                format!("missing required field `{key}`"),
            );
        }
        value
    }

    fn string(&mut self, node: &Node, path: &str) -> Option<At<String>> {
        match node.scalar() {
            Some(Scalar::Str(s)) => Some(At::new(s.to_string(), node.span, path)),
            _ => {
                self.wrong_type(path, node, "a string");
                None
            }
        }
    }

    /// A string that must pass a Kubernetes name rule.
    fn name(
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

    fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match node.scalar() {
            Some(Scalar::Bool(b)) => Some(b),
            _ => {
                self.wrong_type(path, node, "true or false");
                None
            }
        }
    }

    fn list<'a, T>(
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
            match item(self, n, &index_path(path, i)) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// An optional field: `Some(None)` when absent, `None` when present but invalid.
    fn opt<'a, T>(
        &mut self,
        f: &Fields<'a>,
        key: &str,
        decode: impl FnOnce(&mut Self, &'a Node, &str) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.present(f, key, false)? {
            None => Some(None),
            Some(node) => decode(self, node, &f.path(key)).map(Some),
        }
    }

    fn req<'a, T>(
        &mut self,
        f: &Fields<'a>,
        key: &str,
        decode: impl FnOnce(&mut Self, &'a Node, &str) -> Option<T>,
    ) -> Option<T> {
        let node = self.required(f, key)?;
        decode(self, node, &f.path(key))
    }

    // ---- the intent ----

    fn intent(&mut self, node: &Node) -> Option<NetworkIntent> {
        let f = self.fields(node, "", &["apiVersion", "kind", "metadata", "spec"])?;
        let api_version = self.req(&f, "apiVersion", Self::string);
        let kind = self.req(&f, "kind", Self::string);
        if let Some(v) = &api_version {
            if v.value != API_VERSION {
                self.error_help(
                    Code::WrongKind,
                    "apiVersion",
                    v.span,
                    format!("unsupported apiVersion `{}`", v.value),
                    format!("use `{API_VERSION}`"),
                );
            }
        }
        if let Some(k) = &kind {
            if k.value != KIND {
                self.error_help(
                    Code::WrongKind,
                    "kind",
                    k.span,
                    format!("expected kind `{KIND}`, found `{}`", k.value),
                    "netpol-intent reads NetworkIntent files only",
                );
            }
        }
        if self.diags.iter().any(|d| d.code == Some(Code::WrongKind)) {
            return None;
        }
        let metadata = self.req(&f, "metadata", Self::metadata);
        let spec = self.req(&f, "spec", Self::spec);
        Some(NetworkIntent {
            api_version: api_version?.value,
            kind: kind?.value,
            metadata: metadata?,
            spec: spec?,
            span: node.span,
        })
    }

    fn metadata(&mut self, node: &Node, path: &str) -> Option<Metadata> {
        let f = self.fields(node, path, &["name", "namespace", "labels", "annotations"])?;
        let name = self.req(&f, "name", |cx, n, p| cx.name(n, p, "name", names::dns_label));
        let namespace = self.opt(&f, "namespace", Self::string);
        let labels = self.opt(&f, "labels", Self::string_map);
        let annotations = self.opt(&f, "annotations", Self::string_map);
        Some(Metadata {
            name: name?,
            namespace: namespace?.map(|n| n.value),
            labels: labels?.unwrap_or_default(),
            annotations: annotations?.unwrap_or_default(),
        })
    }

    fn string_map(&mut self, node: &Node, path: &str) -> Option<BTreeMap<String, String>> {
        let Some(entries) = node.as_map() else {
            self.wrong_type(path, node, "a mapping");
            return None;
        };
        let mut out = BTreeMap::new();
        for (k, v) in entries {
            let Some(key) = self.string(k, path) else { continue };
            if let Some(v) = self.string(v, &key_path(path, &key)) {
                out.insert(key.value, v.value);
            }
        }
        Some(out)
    }

    fn spec(&mut self, node: &Node, path: &str) -> Option<Spec> {
        let f = self.fields(
            node,
            path,
            &[
                "namespaces",
                "isolation",
                "namespaceLabel",
                "sameNamespace",
                "dns",
                "workloads",
                "internet",
                "hubs",
                "servers",
                "connections",
                "newWorkloads",
            ],
        )?;
        let namespaces = self.req(&f, "namespaces", |cx, n, p| {
            let list = cx.list(n, p, |cx, n, p| cx.name(n, p, "namespace", names::dns_label))?;
            if list.is_empty() {
                cx.error(Code::Empty, p, n.span, "`namespaces` must list at least one namespace");
            }
            Some(list)
        });
        let isolation = self.opt(&f, "isolation", Self::isolation);
        let namespace_label =
            self.opt(&f, "namespaceLabel", |cx, n, p| cx.name(n, p, "label key", names::label_key));
        let same_namespace = self.opt(&f, "sameNamespace", Self::boolean);
        let dns = self.opt(&f, "dns", Self::dns);
        let workloads = self.opt(&f, "workloads", |cx, n, p| cx.list(n, p, Self::workload));
        let internet = self.opt(&f, "internet", Self::internet);
        let hubs = self.opt(&f, "hubs", |cx, n, p| cx.list(n, p, Self::hub));
        let servers = self.opt(&f, "servers", |cx, n, p| cx.list(n, p, Self::server));
        let connections = self.opt(&f, "connections", |cx, n, p| cx.list(n, p, Self::connection));
        let new_workloads = self.opt(&f, "newWorkloads", Self::new_workloads);
        Some(Spec {
            namespaces: namespaces?,
            isolation: isolation?.unwrap_or_else(default_isolation),
            namespace_label: namespace_label?.unwrap_or_else(|| {
                At::new(DEFAULT_NAMESPACE_LABEL.to_string(), f.node.span, f.path("namespaceLabel"))
            }),
            same_namespace: same_namespace?.unwrap_or(false),
            dns: dns?.unwrap_or_default(),
            workloads: workloads?.unwrap_or_default(),
            internet: internet?.unwrap_or_default(),
            hubs: hubs?.unwrap_or_default(),
            servers: servers?.unwrap_or_default(),
            connections: connections?.unwrap_or_default(),
            new_workloads: new_workloads?,
        })
    }

    fn isolation(&mut self, node: &Node, path: &str) -> Option<Vec<PolicyType>> {
        let Some(items) = node.as_seq() else {
            self.wrong_type(path, node, "a list");
            return None;
        };
        if items.is_empty() {
            let message = "`isolation` must name at least one direction";
            self.error_help(Code::Empty, path, node.span, message, "omit it for the default, [Ingress]");
            return None;
        }
        let mut out: Vec<PolicyType> = Vec::new();
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            let p = &index_path(path, i);
            let Some(s) = self.string(n, p) else {
                ok = false;
                continue;
            };
            let t = match s.as_str() {
                "Ingress" => PolicyType::Ingress,
                "Egress" => PolicyType::Egress,
                other => {
                    let help = did_you_mean(other, ["Ingress", "Egress"])
                        .unwrap_or_else(|| "use `Ingress` and/or `Egress`".to_string());
                    self.error_help(
                        Code::WrongType,
                        p,
                        n.span,
                        format!("unknown policy type `{other}`"),
                        help,
                    );
                    ok = false;
                    continue;
                }
            };
            if out.contains(&t) {
                self.error(Code::Duplicate, p, n.span, format!("`{}` is listed twice", t.as_str()));
                ok = false;
            }
            out.push(t);
        }
        out.sort();
        ok.then_some(out)
    }

    fn dns(&mut self, node: &Node, path: &str) -> Option<Dns> {
        let f = self.fields(node, path, &["enabled", "namespace", "podSelector", "ports"])?;
        let enabled = self.opt(&f, "enabled", Self::boolean);
        let namespace = self.opt(&f, "namespace", |cx, n, p| cx.name(n, p, "namespace", names::dns_label));
        let pod_selector = self.opt(&f, "podSelector", Self::selector);
        let ports = self.opt(&f, "ports", Self::ports);
        let default = Dns::default();
        Some(Dns {
            enabled: enabled?.unwrap_or(true),
            namespace: namespace?.unwrap_or(default.namespace),
            pod_selector: pod_selector?.unwrap_or(default.pod_selector),
            ports: ports?.unwrap_or(default.ports),
        })
    }

    fn workload(&mut self, node: &Node, path: &str) -> Option<Workload> {
        let f = self.fields(node, path, &["name", "namespace", "podSelector"])?;
        let name = self.req(&f, "name", |cx, n, p| cx.name(n, p, "workload name", names::dns_label));
        let namespace = self.req(&f, "namespace", |cx, n, p| cx.name(n, p, "namespace", names::dns_label));
        let pod_selector = self.req(&f, "podSelector", Self::selector);
        Some(Workload { name: name?, namespace: namespace?, pod_selector: pod_selector? })
    }

    fn selector(&mut self, node: &Node, path: &str) -> Option<LabelSelector> {
        let f = self.fields(node, path, &["matchLabels", "matchExpressions"])?;
        let match_labels = self.opt(&f, "matchLabels", Self::labels);
        let match_expressions = self.opt(&f, "matchExpressions", |cx, n, p| cx.list(n, p, Self::requirement));
        Some(LabelSelector {
            match_labels: match_labels?.unwrap_or_default(),
            match_expressions: match_expressions?.unwrap_or_default(),
        })
    }

    fn labels(&mut self, node: &Node, path: &str) -> Option<BTreeMap<String, String>> {
        let Some(entries) = node.as_map() else {
            self.wrong_type(path, node, "a mapping of label keys to values");
            return None;
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (k, v) in entries {
            let Some(key) = self.name(k, path, "label key", names::label_key) else {
                ok = false;
                continue;
            };
            let value_path = key_path(path, &key);
            match self.name(v, &value_path, "label value", names::label_value) {
                Some(value) => {
                    out.insert(key.value, value.value);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn requirement(&mut self, node: &Node, path: &str) -> Option<LabelSelectorRequirement> {
        let f = self.fields(node, path, &["key", "operator", "values"])?;
        let key = self.req(&f, "key", |cx, n, p| cx.name(n, p, "label key", names::label_key));
        let operator = self.req(&f, "operator", |cx, n, p| {
            let s = cx.string(n, p)?;
            let known = Operator::ALL.map(Operator::as_str);
            match Operator::ALL.into_iter().find(|o| o.as_str() == s.as_str()) {
                Some(o) => Some(o),
                None => {
                    let help =
                        did_you_mean(&s, known).unwrap_or_else(|| format!("use one of {}", known.join(", ")));
                    cx.error_help(
                        Code::InvalidSelector,
                        p,
                        n.span,
                        format!("unknown operator `{}`", *s),
                        help,
                    );
                    None
                }
            }
        });
        let values = self.opt(&f, "values", |cx, n, p| {
            cx.list(n, p, |cx, n, p| cx.name(n, p, "label value", names::label_value))
        });
        let (key, operator, values) = (key?, operator?, values?);
        let values: Vec<String> = values.unwrap_or_default().into_iter().map(|v| v.value).collect();
        let needs_values = matches!(operator, Operator::In | Operator::NotIn);
        if needs_values && values.is_empty() {
            self.error(
                Code::InvalidSelector,
                &f.path("values"),
                node.span,
                format!("operator `{}` needs at least one value", operator.as_str()),
            );
            return None;
        }
        if !needs_values && !values.is_empty() {
            self.error(
                Code::InvalidSelector,
                &f.path("values"),
                node.span,
                format!("operator `{}` takes no values", operator.as_str()),
            );
            return None;
        }
        Some(LabelSelectorRequirement { key: key.value, operator, values })
    }

    fn ports(&mut self, node: &Node, path: &str) -> Option<Vec<Port>> {
        self.list(node, path, Self::port)
    }

    fn port(&mut self, node: &Node, path: &str) -> Option<Port> {
        let f = self.fields(node, path, &["port", "endPort", "protocol"])?;
        let port = self.opt(&f, "port", |cx, n, p| match n.scalar() {
            Some(Scalar::Int(i)) if (1..=65535).contains(&i) => Some(PortValue::Number(i as i32)),
            Some(Scalar::Int(i)) => {
                cx.error(Code::InvalidPort, p, n.span, format!("port {i} is outside 1-65535"));
                None
            }
            Some(Scalar::Str(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                cx.error_help(
                    Code::InvalidPort,
                    p,
                    n.span,
                    format!("port \"{s}\" is a quoted number"),
                    format!("write it unquoted: {s}"),
                );
                None
            }
            Some(Scalar::Str(s)) => match names::port_name(s) {
                Ok(()) => Some(PortValue::Name(s.to_string())),
                Err(why) => {
                    cx.error(Code::InvalidPort, p, n.span, format!("invalid port `{s}`: {why}"));
                    None
                }
            },
            _ => {
                cx.wrong_type(p, n, "a port number or name");
                None
            }
        });
        let end_port = self.opt(&f, "endPort", |cx, n, p| match n.scalar() {
            Some(Scalar::Int(i)) if (1..=65535).contains(&i) => Some(At::new(i as i32, n.span, p)),
            Some(Scalar::Int(i)) => {
                cx.error(Code::InvalidPort, p, n.span, format!("endPort {i} is outside 1-65535"));
                None
            }
            _ => {
                cx.wrong_type(p, n, "a port number");
                None
            }
        });
        let protocol = self.opt(&f, "protocol", |cx, n, p| {
            let s = cx.string(n, p)?;
            match Protocol::ALL.into_iter().find(|pr| pr.as_str() == s.as_str()) {
                Some(pr) => Some(pr),
                None => {
                    let known = Protocol::ALL.map(Protocol::as_str);
                    let help = did_you_mean(&s, known).unwrap_or_else(|| "use TCP, UDP or SCTP".to_string());
                    cx.error_help(Code::InvalidPort, p, n.span, format!("unknown protocol `{}`", *s), help);
                    None
                }
            }
        });
        let (port, end_port, protocol) = (port?, end_port?, protocol?);
        if let Some(end) = &end_port {
            match &port {
                Some(PortValue::Number(start)) if end.value < *start => {
                    self.error(
                        Code::InvalidPort,
                        &end.path,
                        end.span,
                        format!("endPort {} is below port {start}", end.value),
                    );
                    return None;
                }
                Some(PortValue::Number(_)) => {}
                Some(PortValue::Name(_)) => {
                    self.error(
                        Code::InvalidPort,
                        &end.path,
                        end.span,
                        "endPort needs a numeric port, not a named one",
                    );
                    return None;
                }
                None => {
                    self.error(Code::InvalidPort, &end.path, end.span, "endPort needs a numeric `port`");
                    return None;
                }
            }
        }
        Some(Port { port, end_port: end_port.map(|e| e.value), protocol: protocol.unwrap_or_default() })
    }

    fn cidrs(&mut self, node: &Node, path: &str, field: &str) -> Option<Vec<Cidr>> {
        let list = self.list(node, path, Self::cidr)?;
        if list.is_empty() {
            self.error_help(
                Code::Empty,
                path,
                node.span,
                format!("an empty `{field}` is ambiguous"),
                format!("omit `{field}` for the default, or list at least one cidr"),
            );
            return None;
        }
        Some(list)
    }

    fn cidr(&mut self, node: &Node, path: &str) -> Option<Cidr> {
        let f = self.fields(node, path, &["cidr", "except"])?;
        let cidr = self.req(&f, "cidr", |cx, n, p| cx.net(n, p));
        let except = self.opt(&f, "except", |cx, n, p| cx.list(n, p, Self::net));
        let (cidr, except) = (cidr?, except?.unwrap_or_default());
        let mut ok = true;
        for e in &except {
            let inside =
                e.value.addr().is_ipv4() == cidr.value.addr().is_ipv4() && cidr.value.contains(&e.value);
            if !inside || e.value == cidr.value {
                let why = if inside { "covers all of" } else { "is outside" };
                self.error(
                    Code::InvalidCidr,
                    &e.path,
                    e.span,
                    format!("except `{}` {why} cidr `{}`", e.value, cidr.value),
                );
                ok = false;
            }
        }
        ok.then(|| Cidr {
            cidr: cidr.value.to_string(),
            except: except.iter().map(|e| e.value.to_string()).collect(),
        })
    }

    fn net(&mut self, node: &Node, path: &str) -> Option<At<IpNet>> {
        let s = self.string(node, path)?;
        match IpNet::from_str(&s) {
            Ok(net) if net.trunc() == net => Some(At::new(net, node.span, path)),
            Ok(net) => {
                self.error_help(
                    Code::InvalidCidr,
                    path,
                    node.span,
                    format!("`{}` has host bits set", *s),
                    format!("did you mean `{}`?", net.trunc()),
                );
                None
            }
            Err(_) => {
                self.error_help(
                    Code::InvalidCidr,
                    path,
                    node.span,
                    format!("`{}` is not a CIDR", *s),
                    "write an address and a prefix length, such as 10.0.0.0/8",
                );
                None
            }
        }
    }

    fn workload_refs(&mut self, node: &Node, path: &str) -> Option<Vec<At<String>>> {
        self.list(node, path, |cx, n, p| cx.name(n, p, "workload name", names::dns_label))
    }

    fn workload_ref(&mut self, node: &Node, path: &str) -> Option<At<String>> {
        self.name(node, path, "workload name", names::dns_label)
    }

    fn label_key(&mut self, node: &Node, path: &str) -> Option<At<String>> {
        self.name(node, path, "label key", names::label_key)
    }

    fn internet(&mut self, node: &Node, path: &str) -> Option<Internet> {
        let f = self.fields(node, path, &["ingress", "egress"])?;
        let ingress = self.opt(&f, "ingress", |cx, n, p| {
            let f = cx.fields(n, p, &["label", "workloads", "ports", "from"])?;
            let label = cx.opt(&f, "label", Self::label_key);
            let workloads = cx.opt(&f, "workloads", Self::workload_refs);
            let ports = cx.opt(&f, "ports", Self::ports);
            let from = cx.opt(&f, "from", |cx, n, p| cx.cidrs(n, p, "from"));
            let (label, workloads) =
                default_label(label?, workloads?, DEFAULT_INGRESS_LABEL, &f.path("label"), n.span);
            Some(InternetIngress {
                label,
                workloads,
                ports: ports?.unwrap_or_default(),
                from: from?,
                span: n.span,
            })
        });
        let egress = self.opt(&f, "egress", |cx, n, p| {
            let f = cx.fields(n, p, &["label", "workloads", "ports", "to"])?;
            let label = cx.opt(&f, "label", Self::label_key);
            let workloads = cx.opt(&f, "workloads", Self::workload_refs);
            let ports = cx.opt(&f, "ports", Self::ports);
            let to = cx.opt(&f, "to", |cx, n, p| cx.cidrs(n, p, "to"));
            let (label, workloads) =
                default_label(label?, workloads?, DEFAULT_EGRESS_LABEL, &f.path("label"), n.span);
            Some(InternetEgress {
                label,
                workloads,
                ports: ports?.unwrap_or_default(),
                to: to?.unwrap_or_else(default_internet_to),
                span: n.span,
            })
        });
        Some(Internet { ingress: ingress?, egress: egress? })
    }

    fn hub(&mut self, node: &Node, path: &str) -> Option<Hub> {
        let f = self.fields(node, path, &["workload", "ports", "spokes", "accessLabel"])?;
        let workload = self.req(&f, "workload", Self::workload_ref);
        let ports = self.opt(&f, "ports", Self::ports);
        let spokes = self.opt(&f, "spokes", Self::workload_refs);
        let access_label = self.opt(&f, "accessLabel", Self::label_key);
        Some(Hub {
            workload: workload?,
            ports: ports?.unwrap_or_default(),
            spokes: spokes?.unwrap_or_default(),
            access_label: access_label?,
            span: node.span,
            path: path.to_string(),
        })
    }

    fn server(&mut self, node: &Node, path: &str) -> Option<Server> {
        let f = self.fields(node, path, &["workload", "targetLabel", "ports"])?;
        let workload = self.req(&f, "workload", Self::workload_ref);
        let target_label = self.req(&f, "targetLabel", Self::label_key);
        let ports = self.opt(&f, "ports", Self::ports);
        Some(Server {
            workload: workload?,
            target_label: target_label?,
            ports: ports?.unwrap_or_default(),
            span: node.span,
            path: path.to_string(),
        })
    }

    fn connection(&mut self, node: &Node, path: &str) -> Option<Connection> {
        let f = self.fields(node, path, &["from", "to", "ports"])?;
        let from = self.req(&f, "from", Self::workload_ref);
        let to = self.req(&f, "to", Self::workload_ref);
        let ports = self.opt(&f, "ports", Self::ports);
        Some(Connection {
            from: from?,
            to: to?,
            ports: ports?.unwrap_or_default(),
            span: node.span,
            path: path.to_string(),
        })
    }

    fn new_workloads(&mut self, node: &Node, path: &str) -> Option<NewWorkloads> {
        let f = self.fields(node, path, &["label"])?;
        let label = self.opt(&f, "label", Self::label_key)?;
        Some(NewWorkloads {
            label: label.unwrap_or_else(|| {
                At::new(DEFAULT_NEW_WORKLOADS_LABEL.to_string(), node.span, f.path("label"))
            }),
        })
    }
}

/// The `internet` label rule: the default label applies when no workloads are named.
fn default_label(
    label: Option<At<String>>,
    workloads: Option<Vec<At<String>>>,
    default: &str,
    path: &str,
    span: Span,
) -> (Option<At<String>>, Vec<At<String>>) {
    let workloads = workloads.unwrap_or_default();
    let label = match label {
        Some(label) => Some(label),
        None if workloads.is_empty() => Some(At::new(default.to_string(), span, path)),
        None => None,
    };
    (label, workloads)
}
