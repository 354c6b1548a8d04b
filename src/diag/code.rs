//! Every code the tool reports, written once: [`codes!`] makes the enum, its kebab-case name,
//! the list of all codes and a one-line description from one table, so that no code can be
//! missing from [`Code::ALL`]. `docs/` lists them (a test checks that its tables hold exactly
//! these), and every code has an error case among the tests' golden files.

/// Writes [`Code`] from `Variant = "name": "description",` rows.
macro_rules! codes {
    ($($variant:ident = $name:literal: $description:literal,)*) => {
        /// Every kind of problem the tool reports, kebab-case when printed.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $description] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The printed name, as in `error[unknown-field]`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// What the code is about, in one line.
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => $description,)*
                }
            }
        }
    };
}

codes! {
    // Any YAML the tool reads.
    YamlSyntax = "yaml-syntax": "The text is not YAML, is refused by the parser's limits, or is YAML that kubectl or kustomize read otherwise.",
    Unreadable = "unreadable": "A path that cannot be read, or a file that is not UTF-8 text.",
    // The intent.
    NotOneDocument = "not-one-document": "The intent file holds no document, or more than one.",
    WrongKind = "wrong-kind": "`apiVersion` or `kind` is not that of a NetworkIntent.",
    UnknownField = "unknown-field": "A field the schema does not know.",
    WrongType = "wrong-type": "A value of the wrong type, or an unknown entry of a closed list.",
    MissingField = "missing-field": "A required field is absent.",
    Empty = "empty": "An empty list where at least one entry is needed.",
    InvalidName = "invalid-name": "A name, namespace, label key or label value that Kubernetes would reject.",
    InvalidPort = "invalid-port": "A port, port range or protocol that Kubernetes would reject, or a quoted port number.",
    InvalidCidr = "invalid-cidr": "A malformed CIDR, one with host bits set, or an `except` outside its `cidr`.",
    InvalidSelector = "invalid-selector": "A label selector requirement that Kubernetes would reject.",
    UnknownWorkload = "unknown-workload": "A workload name used but not defined.",
    DuplicateWorkload = "duplicate-workload": "A workload defined twice.",
    Duplicate = "duplicate": "The same allowance, namespace or list entry declared twice, or claimed by two intents.",
    EgressNotIsolated = "egress-not-isolated": "`internet.egress` without Egress in `isolation`.",
    HubWithoutSpokes = "hub-without-spokes": "A hub with neither `spokes` nor `accessLabel`.",
    DuplicateExternal = "duplicate-external": "An external defined twice, or a name defined both as a workload and as an external.",
    ExternalToExternal = "external-to-external": "A connection whose both sides are externals.",
    NamedPortExternal = "named-port-external": "A named port in a connection toward or from an external, which has no named ports.",
    ExternalNotAllowed = "external-not-allowed": "An external where only workloads are allowed: in `hubs`, `servers` or `internet`.",
    DnsEgressIsolated = "dns-egress-isolated": "A warning: Egress isolated in the namespace of the DNS pods, which cuts them off from upstream resolvers and the API server.",
    NullValue = "null-value": "A key with no value, which is not its field's default.",
    // The policies a repository holds.
    InvalidPolicy = "invalid-policy": "A NetworkPolicy that Kubernetes would refuse: a wrong type, an unknown field, no name.",
    DuplicatePolicy = "duplicate-policy": "Two NetworkPolicies with one namespace and name.",
    AmbiguousList = "ambiguous-list": "A list that kubectl and kustomize would read differently.",
    UnsupportedKustomization = "unsupported-kustomization": "A kustomization that uses what the reader does not model.",
    InvalidKustomization = "invalid-kustomization": "A kustomization that kustomize itself refuses.",
    MissingResource = "missing-resource": "A path a kustomization lists that does not exist.",
    AmbiguousDirectory = "ambiguous-directory": "A NetworkPolicy file that `kubectl apply -R` and Flux would not both apply.",
    // The workloads of the connectivity engine.
    InvalidWorkload = "invalid-workload": "A workload or namespace that Kubernetes would refuse or read otherwise.",
    // The KRM function.
    InvalidAnnotation = "invalid-annotation": "A `netpol-intent.dev/` annotation of the functionConfig that is unknown or has a bad value.",
    UndeclaredNamespace = "undeclared-namespace": "A managed namespace that no Namespace item declares, where some do.",
    Drift = "drift": "In check mode, a policy that the intent would add, change or remove.",
    WidensAccess = "widens-access": "In check mode, a policy of the package that lets connections through that the intent does not allow.",
    NamespaceIsolationLost = "namespace-isolation-lost": "In check mode, a namespace where generating would leave a pod no other policy selects non-isolated.",
    PodIsolationLost = "pod-isolation-lost": "In check mode, workloads that generating would leave non-isolated.",
    ConnectionOpened = "connection-opened": "In check mode, a connection among the package's workloads that generating would open.",
    ConnectionClosed = "connection-closed": "In check mode, a connection among the package's workloads that generating would close.",
    Unreachable = "unreachable": "In check mode, a workload that generating would leave with no ingress it has now.",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_with_a_one_line_description() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{s}");
            assert!(seen.insert(s), "duplicate code {s}");
            let d = code.description();
            assert!(d.ends_with('.') && !d.contains('\n'), "{s}: {d}");
        }
        assert_eq!(Code::ALL.len(), seen.len());
        assert_eq!(Code::Drift.to_string(), "drift");
    }
}
