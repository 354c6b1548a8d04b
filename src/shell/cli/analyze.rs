//! The shells of `connectivity` and `explain` (and the readers `verify` shares): read the
//! workloads and the policies, call the engine, pick the renderer. Only this module and
//! [`crate::shell::cli`] touch files here.

use std::io::Read;
use std::net::IpAddr;
use std::path::Path;

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::diag::{Code, Diagnostic};
use crate::engine::explain::End;
use crate::engine::{self, workloads, Cluster, Connectivity, Policy, Protocol, Workloads};
use crate::intent::validate::ValidIntent;
use crate::policy::read as current;
use crate::shell::cli::{Failure, Format};

/// The workloads in a file, a directory tree or standard input (`-`): in a directory with a
/// kustomization, those of the files it deploys.
pub fn read_workloads(path: &Path, stdin: &mut dyn Read) -> Result<Workloads, Failure> {
    let sources = crate::shell::input::collect::collect(path, stdin).map_err(Failure::from)?.deployed;
    let texts: Vec<workloads::Text> =
        sources.iter().map(|s| workloads::Text { name: &s.name, text: &s.text }).collect();
    let texts_of = texts.iter().map(|t| (t.name, t.text));
    workloads::read(&texts).map_err(|diags| Failure::from(diags).with_sources(texts_of))
}

/// Whether `text` is a NetworkIntent file, as `discover` finds them: a document that is, or
/// holds, one ([`crate::shell::input::discover::is_intent`]).
fn is_intent(text: &str) -> bool {
    let Ok(docs) = crate::yaml::parse(text, &Default::default()) else { return false };
    docs.iter().any(crate::shell::input::discover::is_intent)
}

/// The policies at `path` compiled: NetworkPolicies in a file, a directory tree or standard
/// input, or, when `path` is a NetworkIntent file, the policies it generates. A policy with
/// no namespace is in `default_namespace`.
pub fn read_policies(
    path: &Path,
    default_namespace: &str,
    stdin: &mut dyn Read,
) -> Result<Vec<Policy>, Failure> {
    let collected = crate::shell::input::collect::collect(path, stdin).map_err(Failure::from)?;
    if let [one] = collected.deployed.as_slice() {
        if is_intent(&one.text) {
            let policies = crate::generate(&one.text)
                .map_err(|diags| Failure::in_file(&one.name, diags).with_source(&one.name, &one.text))?;
            return compile_generated(&policies, &one.name);
        }
    }
    let found = current::read(&collected, default_namespace)
        .map_err(|diags| Failure::from(diags).with_sources(super::diff::texts(&collected)))?
        .policies;
    let policies: Vec<NetworkPolicy> = found.iter().map(|p| p.policy.clone()).collect();
    compile(&policies, |i| (found[i].location.file.clone(), found[i].location.line))
}

/// Compiles the policies an intent file (`file`) generates.
pub fn compile_generated(policies: &[NetworkPolicy], file: &str) -> Result<Vec<Policy>, Failure> {
    compile(policies, |_| (file.to_string(), 0))
}

/// Compiles policies; `location(i)` says where the i-th was found, for errors.
fn compile(
    policies: &[NetworkPolicy],
    location: impl Fn(usize) -> (String, usize),
) -> Result<Vec<Policy>, Failure> {
    engine::compile(policies).map_err(|errors| {
        Failure::from(
            errors
                .into_iter()
                .map(|e| {
                    let (file, line) = location(e.index);
                    let message = format!("NetworkPolicy `{}`: {}: {}", e.policy, e.path, e.message);
                    Diagnostic::problem(Code::InvalidPolicy, message).in_file(file).at_line(line, 1)
                })
                .collect::<Vec<_>>(),
        )
    })
}

/// `connectivity`: every allowed connection, rendered in `format`.
pub fn connectivity(workloads: Workloads, policies: &[Policy], format: Format) -> String {
    let cluster = Cluster::new(workloads);
    let net = Connectivity::compute(&cluster, policies);
    let entries = net.entries();
    let w = &cluster.workloads;
    match format {
        Format::Text => crate::connreport::text::entries(w, &entries),
        Format::Markdown => crate::connreport::markdown::entries(w, &entries),
        Format::Json => crate::connreport::json::entries(w, &entries),
    }
}

/// A workload `namespace/name` of `workloads`, or an IP address.
fn end<'w>(workloads: &'w Workloads, name: &str) -> Result<End<'w>, Failure> {
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Ok(End::Address(ip));
    }
    match workloads.find(name) {
        Some(i) => Ok(End::Workload(&workloads.workloads[i])),
        None => {
            let known = workloads.workloads.iter().map(|w| w.id()).collect::<Vec<_>>();
            let hint = crate::diag::did_you_mean(name, known.iter().map(String::as_str))
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            Err(Failure::message(format!(
                "`{name}` is neither a workload (namespace/name) nor an IP address{hint}"
            )))
        }
    }
}

/// `PORT[/PROTO]`, as `5432` or `53/UDP`; TCP when no protocol is given.
pub fn parse_port(text: &str) -> Result<(Protocol, u16), Failure> {
    let (number, protocol) = text.split_once('/').unwrap_or((text, "TCP"));
    let protocol = Protocol::parse(&protocol.to_ascii_uppercase());
    match (number.parse::<u16>(), protocol) {
        (Ok(n), Some(p)) if n >= 1 => Ok((p, n)),
        _ => Err(Failure::message(format!(
            "`{text}` is not PORT[/PROTOCOL], as 5432 or 53/UDP (TCP, UDP, SCTP)"
        ))),
    }
}

/// `explain`: the verdict on `src` → `dst` (on `port`), and why, on each side.
pub fn explain(
    workloads: &Workloads,
    policies: &[Policy],
    src: &str,
    dst: &str,
    port: Option<&str>,
) -> Result<String, Failure> {
    let port = port.map(parse_port).transpose()?;
    let (s, d) = (end(workloads, src)?, end(workloads, dst)?);
    if let (End::Address(_), End::Address(_)) = (s, d) {
        return Err(Failure::message(
            "one end must be a workload: policies say nothing between two addresses".to_string(),
        ));
    }
    let e = engine::explain::explain(workloads, policies, s, d);
    let q = crate::connreport::explain::Question { src, dst, port };
    Ok(crate::connreport::explain::text(&q, &e))
}

/// `verify`: the intent's reading against `policies` among `workloads`, rendered; and whether
/// they agree.
pub fn verify(
    intent: &ValidIntent,
    workloads: Workloads,
    policies: &[Policy],
    file: &str,
    format: Format,
) -> (String, bool) {
    let cluster = Cluster::new(workloads);
    let actual = Connectivity::compute(&cluster, policies);
    let delta = crate::verify::verify(intent, &actual);
    let w = &cluster.workloads;
    let out = match format {
        Format::Text => crate::connreport::verify::text(w, file, &delta),
        Format::Markdown => crate::connreport::verify::markdown(w, file, &delta),
        Format::Json => crate::connreport::verify::json(w, &delta),
    };
    (out, delta.is_empty())
}
