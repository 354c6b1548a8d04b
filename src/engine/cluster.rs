//! The workloads grouped into classes: workloads with the same namespace, labels and named
//! ports are selected by the same selectors and resolve named ports alike, so the engine
//! computes once per class. Classes are ordered by namespace, so a namespace's classes are one
//! contiguous range; an index from each label to the classes that carry it turns a selector
//! into a set of classes with a few bit operations, not a match per workload.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use super::bits::Bits;
use super::connset::Protocol;
use super::policy::Peer;
use super::selector::{Labels, Requirement, Selector};
use super::workloads::{ContainerPort, Workloads};

/// Workloads that behave alike.
#[derive(Clone, Debug)]
pub struct Class {
    /// Index into [`Workloads::namespaces`].
    pub namespace: usize,
    pub labels: Labels,
    pub ports: Vec<ContainerPort>,
    /// Indexes into [`Workloads::workloads`], in order.
    pub members: Vec<usize>,
}

impl Class {
    /// The number of the named port `name` on `protocol` of these pods.
    pub fn named_port(&self, name: &str, protocol: Protocol) -> Option<u16> {
        self.ports
            .iter()
            .find(|p| p.name.as_deref() == Some(name) && p.protocol == protocol)
            .map(|p| p.number)
    }
}

/// Workloads, their classes and the selector index.
#[derive(Debug)]
pub struct Cluster {
    pub workloads: Workloads,
    pub classes: Vec<Class>,
    /// For each workload, its class.
    pub class_of: Vec<usize>,
    /// For each namespace, the range of its classes.
    ns_classes: Vec<Range<usize>>,
    ns_index: HashMap<String, usize>,
    /// `(key, value)` → the classes with that label; `key` → the classes with that key.
    by_label: HashMap<(String, String), Bits>,
    by_key: HashMap<String, Bits>,
}

impl Cluster {
    pub fn new(workloads: Workloads) -> Cluster {
        let ns_index: HashMap<String, usize> =
            workloads.namespaces.iter().enumerate().map(|(i, n)| (n.name.clone(), i)).collect();
        let mut groups: BTreeMap<(usize, &Labels, &[ContainerPort]), Vec<usize>> = BTreeMap::new();
        for (i, w) in workloads.workloads.iter().enumerate() {
            groups.entry((ns_index[&w.namespace], &w.labels, &w.ports)).or_default().push(i);
        }
        let classes: Vec<Class> = groups
            .into_iter()
            .map(|((namespace, labels, ports), members)| Class {
                namespace,
                labels: labels.clone(),
                ports: ports.to_vec(),
                members,
            })
            .collect();
        let mut class_of = vec![0; workloads.workloads.len()];
        let mut ns_classes = vec![0..0; workloads.namespaces.len()];
        for (c, class) in classes.iter().enumerate() {
            class.members.iter().for_each(|&w| class_of[w] = c);
            let r = &mut ns_classes[class.namespace];
            *r = if r.start == r.end { c..c + 1 } else { r.start..c + 1 };
        }
        let n = classes.len();
        let (mut by_label, mut by_key) = (HashMap::new(), HashMap::new());
        for (c, class) in classes.iter().enumerate() {
            for (k, v) in &class.labels {
                by_label.entry((k.clone(), v.clone())).or_insert_with(|| Bits::empty(n)).insert(c);
                by_key.entry(k.clone()).or_insert_with(|| Bits::empty(n)).insert(c);
            }
        }
        Cluster { workloads, classes, class_of, ns_classes, ns_index, by_label, by_key }
    }

    pub fn class_count(&self) -> usize {
        self.classes.len()
    }

    /// The index of namespace `name`, if any workload or Namespace has it.
    pub fn namespace_index(&self, name: &str) -> Option<usize> {
        self.ns_index.get(name).copied()
    }

    /// The classes of one namespace (none for a namespace with no workloads).
    pub fn in_namespace(&self, name: &str) -> Bits {
        let range = self.namespace_index(name).map_or(0..0, |i| self.ns_classes[i].clone());
        Bits::range(self.class_count(), range)
    }

    /// The classes whose pod labels `selector` selects, in any namespace.
    pub fn pods_matching(&self, selector: &Selector) -> Bits {
        let n = self.class_count();
        let mut out = Bits::full(n);
        let none = Bits::empty(n);
        for r in selector.requirements() {
            let with_any = |values: &std::collections::BTreeSet<String>| {
                let mut b = Bits::empty(n);
                for v in values {
                    b.or(self.by_label.get(&(r.key().to_string(), v.clone())).unwrap_or(&none));
                }
                b
            };
            match r {
                Requirement::In(_, values) => out.and(&with_any(values)),
                Requirement::NotIn(_, values) => out.and_not(&with_any(values)),
                Requirement::Exists(k) => out.and(self.by_key.get(k).unwrap_or(&none)),
                Requirement::DoesNotExist(k) => out.and_not(self.by_key.get(k).unwrap_or(&none)),
            }
        }
        out
    }

    /// The classes of the namespaces whose labels `selector` selects.
    pub fn in_namespaces_matching(&self, selector: &Selector) -> Bits {
        let mut out = Bits::empty(self.class_count());
        for (i, ns) in self.workloads.namespaces.iter().enumerate() {
            if selector.matches(&ns.labels) {
                out.or(&Bits::range(self.class_count(), self.ns_classes[i].clone()));
            }
        }
        out
    }

    /// The classes a peer of a policy in namespace `policy_ns` matches (none for a block:
    /// address blocks never select pods, see docs/connectivity.md).
    pub fn peer_classes(&self, peer: &Peer, policy_ns: &str) -> Bits {
        match peer {
            Peer::Block { .. } => Bits::empty(self.class_count()),
            Peer::Pods { namespaces, pods } => {
                let mut out = match namespaces {
                    None => self.in_namespace(policy_ns),
                    Some(s) => self.in_namespaces_matching(s),
                };
                if let Some(pods) = pods {
                    out.and(&self.pods_matching(pods));
                }
                out
            }
        }
    }

    /// The workload `namespace/name` as its class.
    pub fn class_of_workload(&self, id: &str) -> Option<usize> {
        self.workloads.find(id).map(|w| self.class_of[w])
    }
}
