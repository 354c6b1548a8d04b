//! `explain`'s answer for people: the verdict, then each side — open, or the policies that
//! isolate it and what each of their rules does with this connection.

use crate::engine::explain::{Explanation, RuleVerdict, Selecting, Side};
use crate::engine::policy::Direction;
use crate::engine::Protocol;

/// The question asked: the two ends by name, and maybe one protocol and port.
pub struct Question<'a> {
    pub src: &'a str,
    pub dst: &'a str,
    pub port: Option<(Protocol, u16)>,
}

pub fn text(q: &Question, e: &Explanation) -> String {
    let verdict = match q.port {
        Some((p, n)) if e.allowed.contains(p, n) => format!("{} → {} on {p} {n}: allowed", q.src, q.dst),
        Some((p, n)) => format!("{} → {} on {p} {n}: denied", q.src, q.dst),
        None if e.allowed.is_empty() => format!("{} → {}: denied (nothing is allowed)", q.src, q.dst),
        None => format!("{} → {}: allowed on {}", q.src, q.dst, e.allowed),
    };
    let mut out = verdict + "\n";
    out.push_str(&side(q, Direction::Ingress, q.dst, q.src, &e.ingress));
    out.push_str(&side(q, Direction::Egress, q.src, q.dst, &e.egress));
    out
}

fn side(q: &Question, d: Direction, pod: &str, other: &str, s: &Side) -> String {
    let what = d.field();
    match s {
        Side::Address => format!("  {what} of {pod}: an address, no policies apply\n"),
        Side::Open => {
            format!("  {what} of {pod}: not isolated (no policy selects it for {}): all\n", d.as_str())
        }
        Side::Isolated { policies, admitted } => {
            let towards = match d {
                Direction::Ingress => format!("from {other}"),
                Direction::Egress => format!("to {other}"),
            };
            let summary = match q.port {
                Some((p, n)) if admitted.contains(p, n) => format!("admits {p} {n}"),
                Some((p, n)) => format!("nothing admits {p} {n} {towards}"),
                None if admitted.is_empty() => format!("nothing admits {towards}"),
                None => format!("admits {admitted}"),
            };
            let mut out = format!("  {what} of {pod}: isolated by {}; {summary}\n", count(policies.len()));
            for p in policies {
                out.push_str(&policy(d, other, p));
            }
            out
        }
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 policy".to_string()
    } else {
        format!("{n} policies")
    }
}

fn policy(d: Direction, other: &str, s: &Selecting) -> String {
    let p = s.policy;
    let types = if p.types_written { "" } else { "; policyTypes not written, defaulted" };
    let mut out = format!("    {} selects it (podSelector {}){types}\n", p.id(), p.selector);
    if s.rules.is_empty() {
        out.push_str(&format!("      no {} rules: admits nothing\n", d.field()));
    }
    for r in &s.rules {
        out.push_str(&format!("      {}[{}]: {}\n", d.field(), r.rule, rule(d, other, r)));
    }
    out
}

fn rule(d: Direction, other: &str, r: &RuleVerdict) -> String {
    let peers = d.peers_field();
    let who = match r.peer {
        None => return format!("no peer in `{peers}` holds {other}"),
        Some(None) => format!("no `{peers}`, so every peer"),
        Some(Some(j)) => format!("{peers}[{j}] holds {other}"),
    };
    if r.ports.is_empty() {
        format!("{who}, but its ports resolve to nothing here")
    } else {
        format!("{who}; admits {}", r.ports)
    }
}
