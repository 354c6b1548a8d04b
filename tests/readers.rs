//! What the YAML layer refuses, every reader refuses: the intent (`generate`), the policy
//! files `diff` reads, and the ResourceList of the KRM function. Each says where.

mod common;

/// A policy for `diff --against` whose `from` holds `text` as a label value.
fn policy_with(text: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: shop\n\
         spec:\n  podSelector: {{}}\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          \
         app: {text}\n"
    )
}

/// A ResourceList whose only item is `item` (indented as an item), with a valid intent as
/// its functionConfig.
fn resource_list(item: &str) -> String {
    let intent = std::fs::read_to_string(common::root().join("tests/diff/added/intent.yaml")).unwrap();
    let config: String = intent.lines().map(|l| format!("  {l}\n")).collect();
    let item: String =
        item.lines().enumerate().map(|(i, l)| format!("{}{l}\n", if i == 0 { "- " } else { "  " })).collect();
    format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n{config}items:\n{item}"
    )
}

/// Runs each reader on `text` (an intent for `generate`, a policy for `diff`, an item for
/// the KRM function) and returns what each printed about it.
fn every_reader(intent: &str, policy: &str, item: &str) -> [(String, common::Output); 3] {
    let shop = common::root().join("tests/diff/added/intent.yaml").display().to_string();
    [
        ("generate".to_string(), common::run(&["generate", "-"], intent)),
        ("diff".to_string(), common::run(&["diff", &shop, "--against", "-"], policy)),
        ("krm".to_string(), common::run(&["krm"], &resource_list(item))),
    ]
}

#[test]
fn a_large_aliased_scalar_is_refused_by_every_reader() {
    // 1 MiB aliased 20,000 times would be 20 GiB; each reader stops at 16 MiB of copies.
    let big = "x".repeat(1 << 20);
    let aliases = vec!["*big"; 20_000].join(", ");
    let doc = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: &big {big}\n  b: [{aliases}]\n"
    );
    let start = std::time::Instant::now();
    for (reader, out) in every_reader(&doc, &doc, &doc) {
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(all.contains("aliases would copy more than 16777216 bytes of text"), "{reader}: {all:.2000}");
        assert_ne!(out.code, 0, "{reader}");
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "{:?}", start.elapsed());
}

#[test]
fn what_kubectl_reads_otherwise_is_refused_by_every_reader_with_its_place() {
    // A port go-yaml reads as octal, and a comment go-yaml ends at U+2028.
    let policy = policy_with("web\n    ports:\n    - port: 0755 # to kubectl, 493\u{2028}  egress: [{}]");
    let intent = std::fs::read_to_string(common::root().join("tests/diff/added/intent.yaml"))
        .unwrap()
        .replace("port: 8443", "port: 0755")
        .replace("spec:\n", "spec: # not isolated\u{2028}  isolation: [Ingress, Egress]\n");
    let octal = "`0755` is 493 (octal) to kubectl and kustomize, 755 to YAML 1.2";
    let line_break = "U+2028 (line separator) is a line break to kubectl and kustomize";
    let [(_, generate), (_, diff), (_, krm)] = every_reader(&intent, &policy, &policy);
    let at = |text: &str, what: &str| {
        let line = text.lines().position(|l| l.contains(what)).unwrap() + 1;
        let col = text.lines().nth(line - 1).unwrap().chars().position(|c| what.starts_with(c)).unwrap() + 1;
        format!("{line}:{col}")
    };
    assert_eq!(generate.code, 2);
    assert!(
        generate.stderr.contains(&format!("<stdin>:{}: {octal}", at(&intent, "0755"))),
        "{}",
        generate.stderr
    );
    assert!(
        generate.stderr.contains(&format!("<stdin>:{}: {line_break}", at(&intent, "\u{2028}"))),
        "{}",
        generate.stderr
    );
    // `diff` names the first place of each file.
    assert_eq!(diff.code, 2);
    assert!(diff.stderr.contains(&format!("<stdin>:{}: {octal}", at(&policy, "0755"))), "{}", diff.stderr);
    // The KRM function points into the ResourceList it was given.
    let list = resource_list(&policy);
    assert_eq!(krm.code, 1);
    assert!(krm.stdout.contains(&format!("{}: {octal}", at(&list, "0755"))), "{}", krm.stdout);
    assert!(krm.stdout.contains(&format!("{}: {line_break}", at(&list, "\u{2028}"))), "{}", krm.stdout);
}
