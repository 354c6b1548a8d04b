//! Large intents for tests and benches (`benches/diff.rs` includes this file).

/// An intent of `n` connections between workloads spread over ten namespaces, both directions
/// isolated: two policies a connection, plus each namespace's baseline and DNS policy.
pub fn connected_intent(n: usize) -> String {
    let mut text = String::from(
        "apiVersion: netpol-intent.dev/v1alpha1\nkind: NetworkIntent\nmetadata:\n  name: big\nspec:\n  \
         namespaces: [ns0, ns1, ns2, ns3, ns4, ns5, ns6, ns7, ns8, ns9]\n  isolation: [Ingress, Egress]\n  \
         workloads:\n",
    );
    for i in 0..=n {
        text.push_str(&format!(
            "    - {{name: w{i}, namespace: ns{}, podSelector: {{matchLabels: {{app: w{i}}}}}}}\n",
            i % 10
        ));
    }
    text.push_str("  connections:\n");
    for i in 0..n {
        text.push_str(&format!("    - {{from: w{i}, to: w{}, ports: [{{port: 8080}}]}}\n", i + 1));
    }
    text
}
