//! The name rules Kubernetes applies, so that bad names are caught before the API server sees
//! them. Each check returns why a value is rejected.

/// A DNS-1123 label: namespace names, and the names netpol-intent asks for.
pub fn dns_label(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 63 {
        return Err(format!("must be at most 63 characters, not {}", s.len()));
    }
    if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err("must hold only lowercase letters, digits and '-'".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err("must start and end with a letter or digit".into());
    }
    Ok(())
}

/// A DNS-1123 subdomain: object names such as a NetworkPolicy's, and label key prefixes.
pub fn dns_subdomain(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 253 {
        return Err(format!("must be at most 253 characters, not {}", s.len()));
    }
    for part in s.split('.') {
        dns_label(part).map_err(|why| format!("each dot-separated part {why}"))?;
    }
    Ok(())
}

/// The name part of a label key, and a label value when not empty.
fn qualified_name_part(s: &str) -> Result<(), String> {
    if s.len() > 63 {
        return Err(format!("must be at most 63 characters, not {}", s.len()));
    }
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !s.chars().all(ok_char) {
        return Err("must hold only letters, digits, '-', '_' and '.'".into());
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(s.chars().next()) || !edge_ok(s.chars().last()) {
        return Err("must start and end with a letter or digit".into());
    }
    Ok(())
}

/// A label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters.
pub fn label_key(s: &str) -> Result<(), String> {
    let (prefix, name) = match s.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, s),
    };
    if let Some(prefix) = prefix {
        dns_subdomain(prefix).map_err(|why| format!("its prefix {why}"))?;
    }
    if name.is_empty() {
        return Err("must have a name".into());
    }
    qualified_name_part(name)
}

/// A label value: empty, or at most 63 characters of letters, digits, '-', '_' and '.'.
pub fn label_value(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    qualified_name_part(s)
}

/// A named port (IANA_SVC_NAME): at most 15 lowercase letters, digits and single '-', with at
/// least one letter.
pub fn port_name(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 15 {
        return Err("a named port must be 1 to 15 characters".into());
    }
    if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err("a named port holds only lowercase letters, digits and '-'".into());
    }
    if !s.bytes().any(|b| b.is_ascii_lowercase()) {
        return Err("a named port must hold at least one letter".into());
    }
    if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
        return Err("a named port must not start or end with '-', nor hold '--'".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        for ok in ["a", "shop", "kube-system", "a1", "1a", &"x".repeat(63)] {
            assert!(dns_label(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Shop", "-a", "a-", "a_b", "a.b", &"x".repeat(64)] {
            assert!(dns_label(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn subdomains() {
        assert!(dns_subdomain("allow-db-access").is_ok());
        assert!(dns_subdomain("a.b-c.d").is_ok());
        assert!(dns_subdomain("a..b").is_err());
        assert!(dns_subdomain("A.b").is_err());
        assert!(dns_subdomain(&"a".repeat(254)).is_err());
    }

    #[test]
    fn label_keys_and_values() {
        for ok in ["app", "networking/allow-db-access", "kubernetes.io/metadata.name", "k8s-app", "A_b.c"] {
            assert!(label_key(ok).is_ok(), "{ok}");
        }
        for bad in ["", "/app", "a/", "Net/x", "a/b/c", "-app", "app-", "a b", &"x".repeat(64)] {
            assert!(label_key(bad).is_err(), "{bad}");
        }
        for ok in ["", "true", "kube-dns", "v1.2_3"] {
            assert!(label_value(ok).is_ok(), "{ok}");
        }
        for bad in ["-x", "x-", "a/b", "a b", &"x".repeat(64)] {
            assert!(label_value(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn port_names() {
        for ok in ["http", "metrics", "h2c", "grpc-web"] {
            assert!(port_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "443", "HTTP", "-http", "http-", "a--b", "abcdefghijklmnop"] {
            assert!(port_name(bad).is_err(), "{bad}");
        }
    }
}
