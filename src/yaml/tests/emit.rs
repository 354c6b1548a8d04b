use super::*;

const MUST_QUOTE: &[&str] = &[
    "",
    "y",
    "Y",
    "yes",
    "Yes",
    "YES",
    "n",
    "N",
    "no",
    "No",
    "NO",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
    "null",
    "Null",
    "NULL",
    "~",
    "<<",
    "=",
    "0",
    "1",
    "42",
    "-1",
    "+1",
    "0755",
    "0x1F",
    "0X1f",
    "0o17",
    "0b101",
    "-0b101",
    "1_000",
    "1:30",
    "190:20:30",
    "190:20:30.15",
    "1e3",
    "1E3",
    "1e+3",
    "6.8523015e+5",
    "685.230_15e+03",
    ".5",
    "+.5",
    "1.",
    "1.5",
    "-1.5",
    "1.2.3",
    ".",
    "..",
    ".inf",
    ".Inf",
    "-.inf",
    "+.INF",
    ".nan",
    ".NaN",
    ".NAN",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2001-1-4",
    "2002-12-14T00:00:00Z",
    " lead",
    "trail ",
    "\ttab",
    "-",
    "-x",
    "--",
    "---",
    "- x",
    "?",
    "?x",
    ":",
    ":x",
    "::1",
    ",",
    "[",
    "]",
    "{",
    "}",
    "#",
    "#x",
    "&a",
    "*a",
    "!tag",
    "|",
    ">",
    "'",
    "\"",
    "%",
    "@x",
    "`x",
    "...",
    "...x",
    "a: b",
    "a #b",
    "a:",
    "a,b",
    "a[0]",
    "{x}",
    "line\nbreak",
    "cr\rhere",
    "tab\there",
    "nul\0",
    "bell\u{7}",
    "nel\u{85}",
    "ls\u{2028}",
    "ps\u{2029}",
    "bom\u{FEFF}",
    "\u{FEFF}",
    "del\u{7F}",
    "nonchar\u{FFFE}",
    "nbsp\u{A0}",
];

const PLAIN_OK: &[&str] = &[
    "app",
    "kube-dns",
    "kube-system",
    "networking/allow-db-access",
    "app.kubernetes.io/managed-by",
    "netpol-intent.dev/intent",
    "Ingress",
    "Egress",
    "TCP",
    "UDP",
    "0.0.0.0/0",
    "10.0.0.0/8",
    "fd00::/8",
    "2001:db8::/32",
    "http://x",
    "https://example.com/a?b=c",
    "a:b",
    "a#b",
    "a-b",
    "x-",
    "a b c",
    "it's",
    "say \"hi\"",
    "back\\slash",
    "é",
    "日本語",
    "😀",
    "v1",
    "1.0.0-alpha",
    "1e",
    "0bar",
    "nan",
    "inf",
    "Infinity",
    "nULL",
    "yES",
    "ok",
    "tRUE",
    "+",
    "~x",
    "x~",
    "a=b",
    "<",
    "a<<b",
    "_1",
    "2001-12",
    "12-14",
    "100Mi",
    "8080/TCP",
    "ns1",
    "db_0",
    "x:",
    "Ingress,Egress",
];

#[test]
fn needs_quotes_true_cases() {
    for s in MUST_QUOTE {
        assert!(needs_quotes(s), "{s:?} should need quotes");
    }
}

#[test]
fn needs_quotes_false_cases() {
    for s in PLAIN_OK.iter().filter(|s| !["x:", "Ingress,Egress"].contains(s)) {
        assert!(!needs_quotes(s), "{s:?} should not need quotes");
        // And it really does read back as itself, as a string.
        let node = parse_one(&format!("k: {s}\n"));
        assert_eq!(node.get("k").unwrap().scalar(), Some(Scalar::Str(s)), "{s:?}");
    }
    assert!(needs_quotes("x:"));
    assert!(needs_quotes("Ingress,Egress"));
}

/// Strings that tempt a reader to see something else.
fn tricky_strings() -> Vec<String> {
    let mut v: Vec<String> = MUST_QUOTE.iter().chain(PLAIN_OK).map(|s| s.to_string()).collect();
    v.extend(
        [
            "with 'single' and \"double\" quotes",
            "\\",
            "\\n",
            "\"",
            "''",
            "a\\\"b",
            "tab\tin middle",
            "trailing newline\n",
            "\n",
            "\n\n",
            "two\n\n",
            "\nlead",
            "  indented\nlines\n",
            "multi\nline\ntext",
            "# not a comment",
            "key: value",
            "a #comment",
            "ünïcödé",
            "emoji 😀 text",
            "\u{1F600}",
            "control \u{1}\u{1F}",
            "%percent",
            "@at",
            "`tick`",
            "!bang",
            "&amp",
            "*star",
            "|pipe",
            ">gt",
            "0x",
            "0o",
            "0b",
            "1e10",
            "-1e-10",
            "2e",
            "1_0",
            "12:30:45",
            "08",
            "09",
            "00",
            "0.",
            "-.5",
            "+12",
            "٣",
            "١٢",
            "true ",
            " false",
            "NULL\n",
            "~/path",
            "C:\\Windows",
            "a\u{2028}b",
            "x\r\ny",
            "end\r",
            "    ",
            " ",
            "\t",
            "---\nx",
            "...\n",
            "- item\n- item",
            "{a: 1}",
            "[1, 2]",
            "?",
            "? x",
            ": x",
            "x:\ny",
            "ends with colon:",
            "http://example.com:8080/path#frag",
            "a\u{0}b",
            "\u{FEFF}start",
            "very long ".repeat(200).as_str(),
            "2001-12-14t21:59:43.10-05:00",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    v
}

#[test]
fn every_tricky_string_round_trips() {
    for s in tricky_strings() {
        for style in [
            ScalarStyle::Auto,
            ScalarStyle::Plain,
            ScalarStyle::SingleQuoted,
            ScalarStyle::DoubleQuoted,
            ScalarStyle::Literal,
            ScalarStyle::Folded,
        ] {
            let node = Node::scalar_node(s.clone(), style);
            // A Plain node means what its text means; check the text survives.
            let wrap = Node::map(vec![(node.clone(), node.clone())]);
            let in_seq = Node::seq(vec![node.clone(), wrap.clone()]);
            for doc in [node.clone(), wrap, in_seq] {
                let text = emit_one(&doc);
                let read_otherwise = style == ScalarStyle::Plain
                    && (readings::disagreement(&node, false).is_some()
                        || readings::disagreement(&node, true).is_some());
                let back = match parse(&text, &Limits::default()) {
                    Ok(mut docs) if docs.len() == 1 => docs.remove(0),
                    // A plain text that kubectl or kustomize reads otherwise is refused.
                    Err(e) if read_otherwise && e.kind == YamlErrorKind::ReadOtherwise => continue,
                    other => panic!("{s:?} ({style:?}) emitted as {text:?}: {other:?}"),
                };
                if style == ScalarStyle::Plain && s.is_empty() {
                    assert!(same_meaning(&doc, &back), "{s:?} -> {text:?}");
                    continue;
                }
                let mut originals = Vec::new();
                collect_scalars(&doc, &mut originals);
                let mut read = Vec::new();
                collect_scalars(&back, &mut read);
                assert_eq!(originals.len(), read.len(), "{s:?} ({style:?}) -> {text:?}");
                for (n, m) in originals.iter().zip(&read) {
                    assert_eq!(n.as_str(), m.as_str(), "{s:?} ({style:?}) -> {text:?}");
                    if style != ScalarStyle::Plain {
                        assert_eq!(m.scalar(), Some(Scalar::Str(&s)), "{s:?} -> {text:?}");
                    }
                }
            }
        }
        // The case that matters most: a tool-made string.
        let text = emit_one(&Node::str(s.as_str()));
        assert_eq!(parse_one(&text).scalar(), Some(Scalar::Str(&s)), "{s:?} -> {text:?}");
    }
}

fn collect_scalars<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.kind {
        NodeKind::Scalar { .. } => out.push(node),
        NodeKind::Seq(items) => items.iter().for_each(|n| collect_scalars(n, out)),
        NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            collect_scalars(k, out);
            collect_scalars(v, out);
        }),
    }
}

#[test]
fn auto_strings_emit_plain_or_double_quoted() {
    assert_eq!(emit_one(&Node::str("kube-dns")), "kube-dns\n");
    assert_eq!(emit_one(&Node::str("yes")), "\"yes\"\n");
    assert_eq!(emit_one(&Node::str("0755")), "\"0755\"\n");
    assert_eq!(emit_one(&Node::str("a\"b\\c\nd\te\u{1}\u{1F600}é")), "\"a\\\"b\\\\c\\nd\\te\\u0001😀é\"\n");
    assert_eq!(emit_one(&Node::str("")), "\"\"\n");
    assert_eq!(emit_one(&Node::str("\u{FEFF}\u{2028}")), "\"\\uFEFF\\u2028\"\n");
}

// --- emitting ----------------------------------------------------------------------------

#[test]
fn emit_documents() {
    assert_eq!(emit(&[]), "");
    assert_eq!(emit(&[Node::str("a")]), "a\n");
    assert_eq!(emit(&[Node::str("a"), Node::str("b")]), "a\n---\nb\n");
    assert_eq!(emit_one(&Node::map(vec![])), "{}\n");
    assert_eq!(emit_one(&Node::seq(vec![])), "[]\n");
    assert_eq!(emit_one(&Node::plain("")), "null\n");
    assert_eq!(emit_one(&Node::plain("1")), "1\n");
}

#[test]
fn emit_block_layout_like_kubectl() {
    let policy = Node::map_from(vec![
        ("apiVersion", Node::str("networking.k8s.io/v1")),
        ("kind", Node::str("NetworkPolicy")),
        (
            "metadata",
            Node::map_from(vec![
                ("name", Node::str("allow-db")),
                (
                    "labels",
                    Node::map_from(vec![("app.kubernetes.io/managed-by", Node::str("netpol-intent"))]),
                ),
            ]),
        ),
        (
            "spec",
            Node::map_from(vec![
                ("podSelector", Node::map(vec![])),
                ("policyTypes", Node::seq(vec![Node::str("Ingress"), Node::str("Egress")])),
                ("ingress", Node::seq(vec![])),
                (
                    "egress",
                    Node::seq(vec![Node::map_from(vec![
                        (
                            "ports",
                            Node::seq(vec![Node::map_from(vec![
                                ("port", Node::plain("53")),
                                ("protocol", Node::str("UDP")),
                            ])]),
                        ),
                        (
                            "to",
                            Node::seq(vec![Node::map_from(vec![(
                                "ipBlock",
                                Node::map_from(vec![
                                    ("cidr", Node::str("0.0.0.0/0")),
                                    ("except", Node::seq(vec![Node::str("10.0.0.0/8")])),
                                ]),
                            )])]),
                        ),
                    ])]),
                ),
                ("nested", Node::seq(vec![Node::seq(vec![Node::str("a"), Node::str("b")]), Node::str("c")])),
            ]),
        ),
    ]);
    let want = "\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-db
  labels:
    app.kubernetes.io/managed-by: netpol-intent
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
  ingress: []
  egress:
  - ports:
    - port: 53
      protocol: UDP
    to:
    - ipBlock:
        cidr: 0.0.0.0/0
        except:
        - 10.0.0.0/8
  nested:
  - - a
    - b
  - c
";
    assert_eq!(emit_one(&policy), want);
    assert!(parse_one(want).eq_ignoring_spans(&parse_one(&emit_one(&parse_one(want)))));
}

#[test]
fn emit_scalar_styles() {
    let doc = parse_one(concat!(
        "s: 'it''s'\n",
        "d: \"x\"\n",
        "l: |\n  a\n   b\n",
        "strip: |-\n  a\n",
        "keep: |+\n  a\n\n",
        "ind: |2\n   lead\n  x\n",
        "f: >\n  fold\n  ed\n",
        "e:\n",
        "t: ~\n",
    ));
    assert_eq!(
        emit_one(&doc),
        concat!(
            "s: 'it''s'\n",
            "d: \"x\"\n",
            "l: |\n  a\n   b\n",
            "strip: |-\n  a\n",
            "keep: |+\n  a\n\n",
            "ind: |2\n   lead\n  x\n",
            "f: |\n  fold ed\n",
            "e:\n",
            "t: ~\n",
        )
    );
    // A single-quoted or literal value that cannot be written so falls back to double quotes.
    let node = Node::map_from(vec![
        ("s", Node::scalar_node("a\nb".into(), ScalarStyle::SingleQuoted)),
        ("l", Node::scalar_node("a\rb".into(), ScalarStyle::Literal)),
        ("p", Node::plain("- not a list")),
        ("r", Node::scalar_node(" lead".into(), ScalarStyle::Literal)),
    ]);
    assert_eq!(emit_one(&node), "s: \"a\\nb\"\nl: \"a\\rb\"\np: \"- not a list\"\nr: |2-\n   lead\n");
    // At the root, no indentation indicator.
    assert_eq!(emit_one(&Node::scalar_node(" x\n".into(), ScalarStyle::Literal)), "\" x\\n\"\n");
    assert_eq!(emit_one(&Node::scalar_node("x\n".into(), ScalarStyle::Literal)), "|\n  x\n");
}

#[test]
fn emit_tags() {
    let src = "a: !!str 123\nb: !foo\n  x: 1\nc: !bar\n- 1\nd: !!set {}\ne: !<tag:example.com,2000:x%20y> v\nf: ! x\ng: !!str\n- !t\n  - 1\n";
    let doc = parse_all(src).remove(0);
    let out = emit_one(&doc);
    assert_eq!(
            out,
            "a: !!str 123\nb: !foo\n  x: 1\nc: !bar\n- 1\nd: !!set {}\ne: !<tag:example.com,2000:x%20y> v\nf: ! x\ng: !!str\n- !t\n  - 1\n"
        );
    assert!(parse_one(&out).eq_ignoring_spans(&doc));
    let seq = parse_one("- !t\n  - 1\n- !m\n  k: v\n- !!str x\n");
    let out = emit_one(&seq);
    assert_eq!(out, "- !t\n  - 1\n- !m\n  k: v\n- !!str x\n");
    let root = parse_one("!m\nk: v\n");
    assert_eq!(emit_one(&root), "!m\nk: v\n");
    assert_eq!(emit_one(&Node::plain("").with_tag(STR_TAG)), "!!str\n");
    let key = Node::map(vec![(Node::plain("1").with_tag(STR_TAG), Node::plain("x"))]);
    assert_eq!(emit_one(&key), "!!str 1: x\n");
}

#[test]
fn emit_keys() {
    let node = Node::map(vec![
        (Node::str("yes"), Node::plain("1")),
        (Node::str("a: b"), Node::plain("2")),
        (Node::plain(""), Node::plain("3")),
        (Node::seq(vec![Node::str("x"), Node::str("w")]), Node::seq(vec![Node::str("z")])),
        (Node::map_from(vec![("m", Node::str("q"))]), Node::map_from(vec![("o", Node::str("p"))])),
        (Node::str("k".repeat(1100)), Node::str("long")),
        (Node::scalar_node("multi\nline".into(), ScalarStyle::Literal), Node::plain("")),
    ]);
    let out = emit_one(&node);
    let want = format!(
            "\"yes\": 1\n\"a: b\": 2\nnull: 3\n? - x\n  - w\n: - z\n? m: q\n: o: p\n? {}\n: long\n\"multi\\nline\":\n",
            "k".repeat(1100)
        );
    assert_eq!(out, want);
    let back = parse_one(&out);
    assert!(same_meaning(&back, &node));
}

#[test]
fn emit_is_deterministic_and_ends_with_newline() {
    let doc = parse_one("b: 1\na: [x, {w: z}]\n");
    let first = emit_one(&doc);
    assert_eq!(first, emit_one(&doc.clone()));
    assert!(first.ends_with('\n'));
    assert_eq!(first, "b: 1\na:\n- x\n- w: z\n");
}

const K8S_SAMPLE: &str = r#"# A multi-document sample.
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: kube-system
  labels:
    app.kubernetes.io/name: "demo"
    'quoted key': value
    "yes": "no"
  annotations:
    netpol-intent.dev/intent: |
      line one
        indented
      line three
data:
  mode: "0755"
  enabled: True
  hex: 0x1F
  big: 123456789012345678901234567890
  float: 1.50
  nothing: ~
  empty:
  unicode: "日本語 ✓"
  plain unicode: é à ü
  script: |-
    #!/bin/sh
    echo "hi"
  keep: |+
    x

  flow: {a: 1, b: [x, z]}
  ? "complex: key"
  : v
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-db
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
  ingress: []
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: db
      podSelector:
        matchExpressions:
        - {key: app, operator: In, values: [pg, "0"]}
    ports:
    - port: 5432
      protocol: TCP
    - port: dns
  nested:
  - - a
    - - b
  - []
  - {}
---
- 'single ''quoted'''
- "double\ttab\u00e9"
- !!str 42
"#;

#[test]
fn kubernetes_sample_round_trips() {
    let docs = parse_all(K8S_SAMPLE);
    assert_eq!(docs.len(), 3);
    let text = emit(&docs);
    let again = parse_all(&text);
    assert_eq!(again.len(), docs.len());
    for (a, b) in docs.iter().zip(&again) {
        assert!(a.eq_ignoring_spans(b), "\n{text}");
    }
    // Emitting again gives the same bytes.
    assert_eq!(emit(&again), text);
    // Spellings are kept.
    for line in [
        "  mode: \"0755\"\n",
        "  enabled: True\n",
        "  hex: 0x1F\n",
        "  big: 123456789012345678901234567890\n",
        "  float: 1.50\n",
        "  nothing: ~\n",
        "  empty:\n",
        "    'quoted key': value\n",
        "    \"yes\": \"no\"\n",
        "  podSelector: {}\n",
        "  ingress: []\n",
        "  policyTypes:\n  - Ingress\n",
        "  flow:\n    a: 1\n    b:\n    - x\n    - z\n",
        "  \"complex: key\": v\n",
        "    netpol-intent.dev/intent: |\n      line one\n        indented\n      line three\n",
        "  keep: |+\n    x\n\n",
        "        - key: app\n          operator: In\n          values:\n          - pg\n          - \"0\"\n",
        "  - - a\n    - - b\n  - []\n  - {}\n",
        "- 'single ''quoted'''\n- \"double\\ttabé\"\n- !!str 42\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    // Key order is kept.
    let keys: Vec<_> =
        again[0].get("data").unwrap().as_map().unwrap().iter().filter_map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "mode",
            "enabled",
            "hex",
            "big",
            "float",
            "nothing",
            "empty",
            "unicode",
            "plain unicode",
            "script",
            "keep",
            "flow",
            "complex: key"
        ]
    );
    let data = again[0].get("data").unwrap();
    assert_eq!(data.get("mode").unwrap().scalar(), Some(Scalar::Str("0755")));
    assert_eq!(data.get("hex").unwrap().scalar(), Some(Scalar::Int(31)));
    assert_eq!(data.get("enabled").unwrap().scalar(), Some(Scalar::Bool(true)));
    assert!(matches!(data.get("big").unwrap().scalar(), Some(Scalar::Float(_))));
}

#[test]
fn large_stream_is_linear() {
    // Not a timing test: a big stream parses and emits (quadratic work would show as a
    // very slow test run).
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: é-name\n  labels: {a: b}\ndata:\n  k: |\n    text ü\n  list: [1, 2, 3]\n";
    let src = format!("---\n{doc}").repeat(5_000);
    let docs = parse_all(&src);
    assert_eq!(docs.len(), 5_000);
    let last = docs[4_999].get("data").unwrap().get("list").unwrap();
    let offset = last.span.start.offset;
    assert_eq!(&src[offset..offset + 9], "[1, 2, 3]");
    let out = emit(&docs);
    assert_eq!(parse_all(&out).len(), 5_000);
}
