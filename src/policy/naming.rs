//! The names of generated policies: readable names as the intent asks for them, made unique
//! in each namespace and at most [`MAX_NAME_LEN`] long. Only where two parts of the intent
//! ask for the same name in one namespace do both get a suffix hashed from what they are, so
//! an unrelated change never renames a policy.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// Longest policy name before it is shortened with a hash suffix (a DNS-1123 label's length,
/// so names also fit where tools use them as labels or file names).
pub const MAX_NAME_LEN: usize = 63;

/// The final name of each `(namespace, wanted name, identity)`, in order: the wanted name,
/// with a hash of the identity when another asks for it in the same namespace, shortened.
pub fn unique<'a>(wanted: impl Iterator<Item = (&'a str, &'a str, &'a str)> + Clone) -> Vec<String> {
    let mut count: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (namespace, name, _) in wanted.clone() {
        *count.entry((namespace, name)).or_default() += 1;
    }
    wanted
        .map(|(namespace, name, identity)| {
            let name = if count[&(namespace, name)] > 1 {
                format!("{name}-{}", short_hash(identity))
            } else {
                name.to_string()
            };
            shorten(&name)
        })
        .collect()
}

/// `name` itself when short enough, else a prefix and a hash of the whole name.
pub fn shorten(name: &str) -> String {
    if name.len() <= MAX_NAME_LEN {
        return name.to_string();
    }
    let hash = short_hash(name);
    let prefix = name[..MAX_NAME_LEN - hash.len() - 1].trim_end_matches(['-', '.']);
    format!("{prefix}-{hash}")
}

fn short_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_with_a_stable_hash() {
        let long = format!("allow-{}-to-{}", "a".repeat(60), "b".repeat(60));
        let short = shorten(&long);
        assert_eq!(short.len(), MAX_NAME_LEN);
        assert!(short.starts_with("allow-aaaa"));
        assert_eq!(short, shorten(&long), "the same name shortens the same way");
        assert_ne!(short, shorten(&format!("{long}x")));
        assert!(crate::k8s::names::dns_subdomain(&short).is_ok());
        assert_eq!(shorten("default-deny-all"), "default-deny-all");
    }

    #[test]
    fn only_names_asked_for_twice_in_a_namespace_get_a_suffix() {
        let names = unique([("a", "x", "1"), ("a", "x", "2"), ("b", "x", "3"), ("a", "y", "4")].into_iter());
        assert!(
            names[0].starts_with("x-") && names[1].starts_with("x-") && names[0] != names[1],
            "{names:?}"
        );
        assert_eq!(&names[2..], ["x", "y"]);
    }
}
