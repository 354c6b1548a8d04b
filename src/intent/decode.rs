//! Reading a NetworkIntent out of a YAML tree. Every problem becomes a [`Diagnostic`] with the
//! field path and position; decoding goes on past a problem so one run reports them all.
//! Rules that involve more than one field live in [`crate::intent::validate`].
//!
//! Each mapping is read through a [`Table`] that records the keys asked for, so its unknown
//! fields are exactly the keys this file does not read. A key with no value is an error for
//! every field, never the field's default ([`super::table`]): so commenting out every entry of
//! `from:` cannot turn it into "any source".

use std::collections::BTreeMap;
use std::str::FromStr;

use ipnet::IpNet;

use crate::diag::{key_path, Code, Diagnostic};
use crate::intent::*;
use crate::k8s::names;
use crate::yaml::{self, Node, Scalar, Span};

use super::table::{Cx, Table};

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
                let d = Diagnostic::error(Code::YamlSyntax, "", Span { start: e.pos, end: e.pos }, message);
                d.with_help_if(e.help.as_deref())
            })
            .collect::<Vec<_>>()
    })?;
    // A `---` with nothing after it at the end of the file (as some editors and generators
    // leave) is no second document.
    let empty = |doc: &Node| doc.tag.is_none() && doc.as_str() == Some("") && doc.is_null();
    let docs = match docs.iter().rposition(|doc| !empty(doc)) {
        Some(last) => &docs[..=last],
        None => &docs[..0],
    };
    let node = match docs {
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

/// A closed set of names: the one `s` names, or an error with a hint (the close one, or
/// `otherwise`).
fn one_of<T: Copy>(
    cx: &mut Cx,
    (node, path): (&Node, &str),
    s: &str,
    known: &[(&'static str, T)],
    what: &str,
    otherwise: String,
) -> Option<T> {
    if let Some((_, t)) = known.iter().find(|(name, _)| *name == s) {
        return Some(*t);
    }
    let (code, message) = match what {
        "operator" => (Code::InvalidSelector, format!("unknown operator `{s}`")),
        "protocol" => (Code::InvalidPort, format!("unknown protocol `{s}`")),
        "scope" => (Code::WrongType, format!("unknown scope `{s}`")),
        _ => (Code::WrongType, format!("unknown policy type `{s}`")),
    };
    let d = Diagnostic::error(code, path, node.span, message);
    cx.diags.push(d.suggesting(s, known.iter().map(|(name, _)| *name), Some(otherwise)));
    None
}

impl Cx {
    fn intent(&mut self, node: &Node) -> Option<NetworkIntent> {
        self.table(node, "", |cx, t| {
            let api_version = cx.required(t, "apiVersion", Cx::string);
            let kind = cx.required(t, "kind", Cx::string);
            // Another kind of object is one mistake: its kind is the error, not its
            // apiVersion as well, nor each of its fields.
            if let Some(k) = kind.as_ref().filter(|k| k.value != KIND) {
                let message = format!("expected kind `{KIND}`, found `{}`", k.value);
                let help = format!(
                    "netpol-intent reads NetworkIntent files only, which start with \
                     `apiVersion: {API_VERSION}` and `kind: {KIND}`"
                );
                cx.error_help(Code::WrongKind, "kind", k.span, message, help);
                t.ignore_rest();
                return None;
            }
            if let Some(v) = api_version.as_ref().filter(|v| v.value != API_VERSION) {
                let message = format!("unsupported apiVersion `{}`", v.value);
                cx.error_help(Code::WrongKind, "apiVersion", v.span, message, format!("use `{API_VERSION}`"));
                // The rest is read only from a NetworkIntent, but is no unknown field.
                t.known(&["metadata", "spec"]);
                return None;
            }
            let metadata = cx.required(t, "metadata", Cx::metadata);
            let spec = cx.required(t, "spec", Cx::spec);
            Some(NetworkIntent {
                api_version: api_version?.value,
                kind: kind?.value,
                metadata: metadata?,
                spec: spec?,
                span: node.span,
            })
        })
    }

    fn metadata(&mut self, node: &Node, path: &str) -> Option<Metadata> {
        self.table(node, path, |cx, t| {
            let name = cx.required(t, "name", |cx, n, p| cx.name(n, p, "name", names::dns_label));
            let namespace = cx.optional(t, "namespace", Cx::string);
            let labels = cx.defaulted(t, "labels", BTreeMap::new, Cx::string_map);
            let annotations = cx.defaulted(t, "annotations", BTreeMap::new, Cx::string_map);
            Some(Metadata {
                name: name?,
                namespace: namespace?.map(|n| n.value),
                labels: labels?,
                annotations: annotations?,
            })
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
        self.table(node, path, |cx, t| {
            let namespaces = cx.required(t, "namespaces", |cx, n, p| {
                let list = cx.list(n, p, |cx, n, p| cx.name(n, p, "namespace", names::dns_label))?;
                if list.is_empty() {
                    cx.error(Code::Empty, p, n.span, "`namespaces` must list at least one namespace");
                }
                Some(list)
            });
            let isolation = cx.defaulted(t, "isolation", default_isolation, Cx::isolation);
            let default_label =
                At::new(DEFAULT_NAMESPACE_LABEL.to_string(), t.node.span, t.path("namespaceLabel"));
            let namespace_label = cx.defaulted(t, "namespaceLabel", || default_label, Cx::label_key);
            let same_namespace = cx.defaulted(t, "sameNamespace", || false, Cx::boolean);
            let dns = cx.defaulted(t, "dns", Dns::default, Cx::dns);
            let workloads = cx.defaulted(t, "workloads", Vec::new, |cx, n, p| cx.list(n, p, Cx::workload));
            let externals = cx.defaulted(t, "externals", Vec::new, |cx, n, p| cx.list(n, p, Cx::external));
            let internet = cx.defaulted(t, "internet", Internet::default, Cx::internet);
            let hubs = cx.defaulted(t, "hubs", Vec::new, |cx, n, p| cx.list(n, p, Cx::hub));
            let servers = cx.defaulted(t, "servers", Vec::new, |cx, n, p| cx.list(n, p, Cx::server));
            let connections =
                cx.defaulted(t, "connections", Vec::new, |cx, n, p| cx.list(n, p, Cx::connection));
            let new_workloads = cx.optional(t, "newWorkloads", Cx::new_workloads);
            Some(Spec {
                namespaces: namespaces?,
                isolation: isolation?,
                namespace_label: namespace_label?,
                same_namespace: same_namespace?,
                dns: dns?,
                workloads: workloads?,
                externals: externals?,
                internet: internet?,
                hubs: hubs?,
                servers: servers?,
                connections: connections?,
                new_workloads: new_workloads?,
            })
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
        let types = [("Ingress", PolicyType::Ingress), ("Egress", PolicyType::Egress)];
        let mut out: Vec<PolicyType> = Vec::new();
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            let p = &format!("{path}[{i}]");
            let otherwise = "use `Ingress` and/or `Egress`".to_string();
            let Some(t) =
                self.string(n, p).and_then(|s| one_of(self, (n, p), &s, &types, "policy type", otherwise))
            else {
                ok = false;
                continue;
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
        self.table(node, path, |cx, t| {
            let default = Dns::default();
            let enabled = cx.defaulted(t, "enabled", || true, Cx::boolean);
            let namespace = cx.defaulted(
                t,
                "namespace",
                || default.namespace,
                |cx, n, p| cx.name(n, p, "namespace", names::dns_label),
            );
            let pod_selector = cx.defaulted(t, "podSelector", || default.pod_selector, Cx::selector);
            let ports = cx.defaulted(t, "ports", || default.ports, Cx::ports);
            let cidrs = cx.defaulted(t, "cidrs", Vec::new, |cx, n, p| cx.list(n, p, Cx::cidr));
            Some(Dns {
                enabled: enabled?,
                namespace: namespace?,
                pod_selector: pod_selector?,
                ports: ports?,
                cidrs: cidrs?,
            })
        })
    }

    fn workload(&mut self, node: &Node, path: &str) -> Option<Workload> {
        self.table(node, path, |cx, t| {
            let name = cx.required(t, "name", Cx::workload_ref);
            let namespace =
                cx.required(t, "namespace", |cx, n, p| cx.name(n, p, "namespace", names::dns_label));
            let pod_selector = cx.required(t, "podSelector", Cx::selector);
            Some(Workload { name: name?, namespace: namespace?, pod_selector: pod_selector? })
        })
    }

    fn external(&mut self, node: &Node, path: &str) -> Option<External> {
        self.table(node, path, |cx, t| {
            let name = cx.required(t, "name", |cx, n, p| cx.name(n, p, "external name", names::dns_label));
            let cidrs = cx.required(t, "cidrs", |cx, n, p| {
                let list = cx.list(n, p, Cx::cidr)?;
                if list.is_empty() {
                    let help = "list the external's addresses, such as `[{cidr: 203.0.113.0/24}]`";
                    cx.error_help(Code::Empty, p, n.span, "an external needs at least one cidr", help);
                    return None;
                }
                Some(list)
            });
            Some(External { name: name?, cidrs: cidrs?, span: node.span, path: path.to_string() })
        })
    }

    fn selector(&mut self, node: &Node, path: &str) -> Option<LabelSelector> {
        self.table(node, path, |cx, t| {
            let match_labels = cx.defaulted(t, "matchLabels", BTreeMap::new, Cx::labels);
            let match_expressions =
                cx.defaulted(t, "matchExpressions", Vec::new, |cx, n, p| cx.list(n, p, Cx::requirement));
            Some(LabelSelector { match_labels: match_labels?, match_expressions: match_expressions? })
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
            let Some(key) = self.label_key(k, path) else {
                ok = false;
                continue;
            };
            match self.name(v, &key_path(path, &key), "label value", names::label_value) {
                Some(value) => {
                    out.insert(key.value, value.value);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn requirement(&mut self, node: &Node, path: &str) -> Option<LabelSelectorRequirement> {
        self.table(node, path, |cx, t| {
            let key = cx.required(t, "key", Cx::label_key);
            let operator = cx.required(t, "operator", |cx, n, p| {
                let s = cx.string(n, p)?;
                let known = Operator::ALL.map(|o| (o.as_str(), o));
                let otherwise = format!("use one of {}", Operator::ALL.map(Operator::as_str).join(", "));
                one_of(cx, (n, p), &s, &known, "operator", otherwise)
            });
            let values = cx.defaulted(t, "values", Vec::new, |cx, n, p| {
                cx.list(n, p, |cx, n, p| cx.name(n, p, "label value", names::label_value))
            });
            let (key, operator, values) = (key?, operator?, values?);
            let values: Vec<String> = values.into_iter().map(|v| v.value).collect();
            let needs_values = matches!(operator, Operator::In | Operator::NotIn);
            let wrong = match (needs_values, values.is_empty()) {
                (true, true) => "needs at least one value",
                (false, false) => "takes no values",
                _ => return Some(LabelSelectorRequirement { key: key.value, operator, values }),
            };
            let message = format!("operator `{}` {wrong}", operator.as_str());
            cx.error(Code::InvalidSelector, &t.path("values"), node.span, message);
            None
        })
    }

    fn ports(&mut self, node: &Node, path: &str) -> Option<Vec<Port>> {
        self.list(node, path, Cx::port)
    }

    fn port_value(&mut self, n: &Node, p: &str) -> Option<PortValue> {
        match n.scalar() {
            Some(Scalar::Int(i)) if (1..=65535).contains(&i) => Some(PortValue::Number(i as i32)),
            Some(Scalar::Int(i)) => {
                self.error(Code::InvalidPort, p, n.span, format!("port {i} is outside 1-65535"));
                None
            }
            Some(Scalar::Str(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                let message = format!("port \"{s}\" is a quoted number");
                self.error_help(Code::InvalidPort, p, n.span, message, format!("write it unquoted: {s}"));
                None
            }
            Some(Scalar::Str(s)) => match names::port_name(s) {
                Ok(()) => Some(PortValue::Name(s.to_string())),
                Err(why) => {
                    self.error(Code::InvalidPort, p, n.span, format!("invalid port `{s}`: {why}"));
                    None
                }
            },
            _ => {
                self.wrong_type(p, n, "a port number or name");
                None
            }
        }
    }

    fn end_port(&mut self, n: &Node, p: &str) -> Option<At<i32>> {
        match n.scalar() {
            Some(Scalar::Int(i)) if (1..=65535).contains(&i) => Some(At::new(i as i32, n.span, p)),
            Some(Scalar::Int(i)) => {
                self.error(Code::InvalidPort, p, n.span, format!("endPort {i} is outside 1-65535"));
                None
            }
            _ => {
                self.wrong_type(p, n, "a port number");
                None
            }
        }
    }

    fn port(&mut self, node: &Node, path: &str) -> Option<Port> {
        self.table(node, path, |cx, t| {
            let port = cx.optional(t, "port", Cx::port_value);
            let end_port = cx.optional(t, "endPort", Cx::end_port);
            let protocol = cx.defaulted(t, "protocol", Protocol::default, |cx, n, p| {
                let s = cx.string(n, p)?;
                let known = Protocol::ALL.map(|pr| (pr.as_str(), pr));
                one_of(cx, (n, p), &s, &known, "protocol", "use TCP, UDP or SCTP".to_string())
            });
            let (port, end_port, protocol) = (port?, end_port?, protocol?);
            let wrong = match (&end_port, &port) {
                (None, _) => None,
                (Some(end), Some(PortValue::Number(start))) if end.value < *start => {
                    Some(format!("endPort {} is below port {start}", end.value))
                }
                (Some(_), Some(PortValue::Number(_))) => None,
                (Some(_), Some(PortValue::Name(_))) => {
                    Some("endPort needs a numeric port, not a named one".into())
                }
                (Some(_), None) => Some("endPort needs a numeric `port`".to_string()),
            };
            if let (Some(message), Some(end)) = (wrong, &end_port) {
                cx.error(Code::InvalidPort, &end.path, end.span, message);
                return None;
            }
            Some(Port { port, end_port: end_port.map(|e| e.value), protocol })
        })
    }

    fn cidrs(&mut self, node: &Node, path: &str, field: &str) -> Option<Vec<Cidr>> {
        let list = self.list(node, path, Cx::cidr)?;
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
        self.table(node, path, |cx, t| {
            let cidr = cx.required(t, "cidr", Cx::net);
            let except = cx.defaulted(t, "except", Vec::new, |cx, n, p| cx.list(n, p, Cx::net));
            let (cidr, except) = (cidr?, except?);
            let mut ok = true;
            for e in &except {
                let inside =
                    e.value.addr().is_ipv4() == cidr.value.addr().is_ipv4() && cidr.value.contains(&e.value);
                if !inside || e.value == cidr.value {
                    let why = if inside { "covers all of" } else { "is outside" };
                    let message = format!("except `{}` {why} cidr `{}`", e.value, cidr.value);
                    cx.error(Code::InvalidCidr, &e.path, e.span, message);
                    ok = false;
                }
            }
            ok.then(|| Cidr {
                cidr: cidr.value.to_string(),
                except: except.iter().map(|e| e.value.to_string()).collect(),
            })
        })
    }

    fn net(&mut self, node: &Node, path: &str) -> Option<At<IpNet>> {
        let s = self.string(node, path)?;
        match IpNet::from_str(&s) {
            Ok(net) if net.trunc() == net => Some(At::new(net, node.span, path)),
            Ok(net) => {
                let d = Diagnostic::error(
                    Code::InvalidCidr,
                    path,
                    node.span,
                    format!("`{}` has host bits set", *s),
                );
                let mut d = d.with_help(format!("did you mean `{}`?", net.trunc()));
                d.proposed = Some(net.trunc().to_string());
                self.diags.push(d);
                None
            }
            Err(_) => {
                let message = format!("`{}` is not a CIDR", *s);
                let help = "write an address and a prefix length, such as 10.0.0.0/8";
                self.error_help(Code::InvalidCidr, path, node.span, message, help);
                None
            }
        }
    }

    fn workload_refs(&mut self, node: &Node, path: &str) -> Option<Vec<At<String>>> {
        self.list(node, path, Cx::workload_ref)
    }

    fn workload_ref(&mut self, node: &Node, path: &str) -> Option<At<String>> {
        self.name(node, path, "workload name", names::dns_label)
    }

    fn label_key(&mut self, node: &Node, path: &str) -> Option<At<String>> {
        self.name(node, path, "label key", names::label_key)
    }

    /// The fields `internet.ingress` and `internet.egress` share: who (`label`, `workloads`,
    /// with the label rule of [`default_label`]) and on which `ports`.
    fn internet_side(&mut self, t: &mut Table, default: &str) -> Option<InternetSide> {
        let label = self.optional(t, "label", Cx::label_key);
        let workloads = self.defaulted(t, "workloads", Vec::new, Cx::workload_refs);
        let ports = self.defaulted(t, "ports", Vec::new, Cx::ports);
        let (label, workloads) = default_label(label?, workloads?, default, &t.path("label"), t.node.span);
        Some((label, workloads, ports?))
    }

    fn internet(&mut self, node: &Node, path: &str) -> Option<Internet> {
        self.table(node, path, |cx, t| {
            let ingress = cx.optional(t, "ingress", |cx, n, p| {
                cx.table(n, p, |cx, t| {
                    let side = cx.internet_side(t, DEFAULT_INGRESS_LABEL);
                    let from = cx.optional(t, "from", |cx, n, p| cx.cidrs(n, p, "from"));
                    let (label, workloads, ports) = side?;
                    Some(InternetIngress { label, workloads, ports, from: from?, span: n.span })
                })
            });
            let egress = cx.optional(t, "egress", |cx, n, p| {
                cx.table(n, p, |cx, t| {
                    let side = cx.internet_side(t, DEFAULT_EGRESS_LABEL);
                    let to = cx.defaulted(t, "to", default_internet_to, |cx, n, p| cx.cidrs(n, p, "to"));
                    let (label, workloads, ports) = side?;
                    Some(InternetEgress { label, workloads, ports, to: to?, span: n.span })
                })
            });
            Some(Internet { ingress: ingress?, egress: egress? })
        })
    }

    fn hub(&mut self, node: &Node, path: &str) -> Option<Hub> {
        self.table(node, path, |cx, t| {
            let workload = cx.required(t, "workload", Cx::workload_ref);
            let ports = cx.defaulted(t, "ports", Vec::new, Cx::ports);
            let spokes = cx.defaulted(t, "spokes", Vec::new, Cx::workload_refs);
            let access_label = cx.optional(t, "accessLabel", Cx::label_key);
            Some(Hub {
                workload: workload?,
                ports: ports?,
                spokes: spokes?,
                access_label: access_label?,
                span: node.span,
                path: path.to_string(),
            })
        })
    }

    fn server(&mut self, node: &Node, path: &str) -> Option<Server> {
        self.table(node, path, |cx, t| {
            let workload = cx.required(t, "workload", Cx::workload_ref);
            let target_label = cx.required(t, "targetLabel", Cx::label_key);
            let ports = cx.defaulted(t, "ports", Vec::new, Cx::ports);
            let scope = cx.defaulted(t, "scope", Scope::default, |cx, n, p| {
                let s = cx.string(n, p)?;
                let known = Scope::ALL.map(|s| (s.as_str(), s));
                one_of(cx, (n, p), &s, &known, "scope", "use `managed` or `all`".to_string())
            });
            Some(Server {
                workload: workload?,
                target_label: target_label?,
                ports: ports?,
                scope: scope?,
                span: node.span,
                path: path.to_string(),
            })
        })
    }

    fn connection(&mut self, node: &Node, path: &str) -> Option<Connection> {
        self.table(node, path, |cx, t| {
            let from = cx.required(t, "from", Cx::names);
            let to = cx.required(t, "to", Cx::names);
            let ports = cx.defaulted(t, "ports", Vec::new, Cx::ports);
            Some(Connection { from: from?, to: to?, ports: ports?, span: node.span, path: path.to_string() })
        })
    }

    /// A connection's side: a workload or external name, or a non-empty list of them.
    fn names(&mut self, node: &Node, path: &str) -> Option<Names> {
        if node.as_seq().is_none() {
            return self.workload_ref(node, path).map(Names::One);
        }
        let list = self.workload_refs(node, path)?;
        if list.is_empty() {
            let help = "name a workload or an external, or list at least one";
            self.error_help(Code::Empty, path, node.span, "an empty list connects nothing", help);
            return None;
        }
        Some(Names::Many(list))
    }

    fn new_workloads(&mut self, node: &Node, path: &str) -> Option<NewWorkloads> {
        self.table(node, path, |cx, t| {
            let default = At::new(DEFAULT_NEW_WORKLOADS_LABEL.to_string(), node.span, t.path("label"));
            let label = cx.defaulted(t, "label", || default, Cx::label_key)?;
            Some(NewWorkloads { label })
        })
    }
}

/// Who an `internet` side is for (the label, the workloads) and on which ports.
type InternetSide = (Option<At<String>>, Vec<At<String>>, Vec<Port>);

/// The `internet` label rule: the default label applies when no workloads are named.
fn default_label(
    label: Option<At<String>>,
    workloads: Vec<At<String>>,
    default: &str,
    path: &str,
    span: Span,
) -> (Option<At<String>>, Vec<At<String>>) {
    let label = match label {
        Some(label) => Some(label),
        None if workloads.is_empty() => Some(At::new(default.to_string(), span, path)),
        None => None,
    };
    (label, workloads)
}
