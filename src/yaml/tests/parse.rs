use super::*;

#[test]
fn empty_streams_have_no_documents() {
    assert!(parse_all("").is_empty());
    assert!(parse_all("# just a comment\n\n# another\n").is_empty());
    assert!(parse_all("\n\n").is_empty());
}

#[test]
fn bare_document_marker_gives_a_null_document() {
    let docs = parse_all("---\n");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].scalar(), Some(Scalar::Null));
    assert_eq!(docs[0].style(), Some(ScalarStyle::Plain));
    let docs = parse_all("a: 1\n---\n---\nb\n");
    assert_eq!(docs.len(), 3);
    assert!(docs[1].is_null());
    assert_eq!(docs[2].as_str(), Some("b"));
    let docs = parse_all("a\n...\n---\nb\n...\n");
    assert_eq!(docs.len(), 2);
}

#[test]
fn multi_document_stream_in_order() {
    let docs = parse_all("a: 1\n---\n- x\n---\nplain\n");
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0].get("a").and_then(Node::as_i64), Some(1));
    assert_eq!(docs[1].as_seq().map(<[Node]>::len), Some(1));
    assert_eq!(docs[2].as_str(), Some("plain"));
    assert_eq!(docs[2].span.start, pos(5, 1, 17));
}

#[test]
fn spans_are_one_based_with_byte_offsets() {
    let src = "kind: Policy\nspec:\n  ports:\n  - 80\n  - name: \"x\"\n";
    let doc = parse_one(src);
    assert_eq!(doc.span.start, pos(1, 1, 0));
    let spec = doc.get("spec").unwrap();
    assert_eq!(spec.span.start, pos(3, 3, 21));
    let (key, _) = &doc.as_map().unwrap()[1];
    assert_eq!(key.span, Span { start: pos(2, 1, 13), end: pos(2, 5, 17) });
    let ports = spec.get("ports").unwrap().as_seq().unwrap();
    assert_eq!(ports[0].span.start, pos(4, 5, src.find("80").unwrap()));
    let name = ports[1].get("name").unwrap();
    let q = src.find('"').unwrap();
    assert_eq!(name.span, Span { start: pos(5, 11, q), end: pos(5, 14, q + 3) });
    assert_eq!(&src[name.span.start.offset..name.span.end.offset], "\"x\"");
    // Block collections end at their last child, flow ones at their closing bracket.
    assert_eq!(spec.span.end, name.span.end);
    let flow = parse_one("a: {b: [1, 2]}  # c\n");
    let a = flow.get("a").unwrap();
    assert_eq!(a.span, Span { start: pos(1, 4, 3), end: pos(1, 15, 14) });
}

#[test]
fn offsets_are_bytes_for_non_ascii_input() {
    let src = "é: ü\nname: \"日本語\"\n- x: 1\n";
    // The third line is an error; check the valid part first.
    let ok = "é: ü\nname: \"日本語\"\nk: 😀v\n";
    let doc = parse_one(ok);
    let (k0, v0) = &doc.as_map().unwrap()[0];
    assert_eq!(k0.span.start, pos(1, 1, 0));
    assert_eq!(v0.span.start, pos(1, 4, 4));
    assert_eq!(&ok[v0.span.start.offset..v0.span.end.offset], "ü");
    let name = doc.get("name").unwrap();
    assert_eq!(name.span.start, pos(2, 7, 13));
    assert_eq!(&ok[name.span.start.offset..name.span.end.offset], "\"日本語\"");
    let k = doc.get("k").unwrap();
    assert_eq!(&ok[k.span.start.offset..k.span.end.offset], "😀v");
    assert_eq!(k.span.start.col, 4);
    // Errors too.
    let e = parse_err(src);
    assert_eq!(e.pos.line, 3);
    assert!(src.is_char_boundary(e.pos.offset));
    assert!(e.pos.offset >= src.find("- x").unwrap());
    // A byte order mark is skipped but counted in offsets.
    let doc = parse_one("\u{FEFF}a: b\n");
    assert_eq!(doc.as_map().unwrap()[0].0.span.start, pos(1, 1, 3));
}

#[test]
fn windows_line_endings() {
    let doc = parse_one("a: b\r\nc: |\r\n  x\r\n");
    assert_eq!(doc.get("a").and_then(Node::as_str), Some("b"));
    assert_eq!(doc.get("c").and_then(Node::as_str), Some("x\n"));
    assert_eq!(doc.as_map().unwrap()[1].0.span.start, pos(2, 1, 6));
}

#[test]
fn scalar_styles_and_unescaping() {
    let doc = parse_one(concat!(
        "p: plain text\n",
        "s: 'it''s'\n",
        "d: \"tab\\there \\u00e9 \\\"q\\\"\"\n",
        "l: |\n  line 1\n  line 2\n",
        "f: >-\n  folded\n  text\n",
    ));
    let style = |k: &str| doc.get(k).and_then(Node::style).unwrap();
    let value = |k: &str| doc.get(k).and_then(Node::as_str).unwrap();
    assert_eq!((style("p"), value("p")), (ScalarStyle::Plain, "plain text"));
    assert_eq!((style("s"), value("s")), (ScalarStyle::SingleQuoted, "it's"));
    assert_eq!((style("d"), value("d")), (ScalarStyle::DoubleQuoted, "tab\there é \"q\""));
    assert_eq!((style("l"), value("l")), (ScalarStyle::Literal, "line 1\nline 2\n"));
    assert_eq!((style("f"), value("f")), (ScalarStyle::Folded, "folded text"));
}

#[test]
fn tags_are_stored_in_long_form() {
    let doc = parse_one("a: !!str 123\nb: !foo x\nc: ! z\nd: !<tag:example.com,2000:x> z\ne: !!map {}\n");
    let tag = |k: &str| doc.get(k).unwrap().tag.as_deref();
    assert_eq!(tag("a"), Some("tag:yaml.org,2002:str"));
    assert_eq!(tag("b"), Some("!foo"));
    assert_eq!(tag("c"), Some("!"));
    assert_eq!(tag("d"), Some("tag:example.com,2000:x"));
    assert_eq!(tag("e"), Some("tag:yaml.org,2002:map"));
    assert_eq!(doc.get("a").unwrap().scalar(), Some(Scalar::Str("123")));
    // The non-specific tag makes a plain scalar a string, to YAML 1.2 and kubectl (not to
    // kustomize, so `! 12` is refused).
    assert_eq!(Node::plain("12").with_tag("!").scalar(), Some(Scalar::Str("12")));
    assert!(parse_err("c: ! 12\n").message.contains("12 to kustomize"));
    let doc = parse_one("%TAG !e! tag:example.com,2000:\n---\nk: !e!foo v\n");
    assert_eq!(doc.get("k").unwrap().tag.as_deref(), Some("tag:example.com,2000:foo"));
}

#[test]
fn anchors_and_aliases_are_copied() {
    let doc = parse_one("base: &b {x: 1, z: [a, b]}\nother: *b\nlist: [&s one, *s]\n");
    let base = doc.get("base").unwrap();
    let other = doc.get("other").unwrap();
    assert!(base.eq_ignoring_spans(other));
    assert_eq!(other.span.start, pos(2, 8, 34));
    let list = doc.get("list").unwrap().as_seq().unwrap();
    assert_eq!(list[1].as_str(), Some("one"));
    // A merge key would be read otherwise by kubectl and kustomize, who merge.
    let e = parse_err("base: &b {x: 1}\n<<: *b\n");
    assert!(e.message.starts_with("`<<` is a merge key"), "{}", e.message);
    // An anchor can be redefined; an alias uses the latest definition.
    let doc = parse_one("a: &x 1\nb: &x 2\nc: *x\n");
    assert_eq!(doc.get("c").and_then(Node::as_i64), Some(2));
}

#[test]
fn nested_and_chained_aliases_expand_fully() {
    let src = "\
defs:
  a: &a {x: [1, &inner {deep: true}]}
  b: &b [*a, *inner, &s str]
uses:
  - *b
  - {k: *a, *s : v}
  - ? *inner
    : *s
";
    let doc = parse_one(src);
    let want = parse_one(
        "\
defs:
  a: {x: [1, {deep: true}]}
  b: [{x: [1, {deep: true}]}, {deep: true}, str]
uses:
  - [{x: [1, {deep: true}]}, {deep: true}, str]
  - {k: {x: [1, {deep: true}]}, str: v}
  - ? {deep: true}
    : str
",
    );
    assert!(doc.eq_ignoring_spans(&want), "{}", emit_one(&doc));
    // Each copy's top node is where the alias is; inner nodes keep the anchor's spans.
    let first = &doc.get("uses").unwrap().as_seq().unwrap()[0];
    assert_eq!(first.span.start, pos(5, 5, src.find("*b").unwrap()));
    let inner = &first.as_seq().unwrap()[1];
    assert_eq!(inner.span.start, pos(3, 14, src.find("*inner").unwrap()));
    // Aliases as keys take part in duplicate detection.
    assert_eq!(
        parse_err(
            "a: &k x
m: {x: 1, *k : 2}
"
        )
        .message,
        "duplicate key `x`"
    );
    // An expansion that exactly fits the limit is fine.
    let small = "a: &a [1, 2]\nb: [*a, *a]\n";
    let limits = Limits { max_depth: 10, max_nodes: 13, ..Limits::default() };
    let doc = parse(small, &limits).unwrap().remove(0);
    assert_eq!(emit_one(&doc), "a:\n- 1\n- 2\nb:\n- - 1\n  - 2\n- - 1\n  - 2\n");
    assert!(parse(small, &Limits { max_depth: 10, max_nodes: 12, ..Limits::default() }).is_err());
    // Aliases in later documents of the stream are independent.
    let docs = parse_all("- &a [1]\n- *a\n---\n- &a [2]\n- *a\n");
    assert_eq!(emit(&docs), "- - 1\n- - 1\n---\n- - 2\n- - 2\n");
}

#[test]
fn big_legitimate_expansion_is_fast() {
    // 10 levels of 4 copies: a million nodes, well inside the default limit.
    let mut src = String::from("l0: &l0 [a, b, c]\n");
    for i in 1..10 {
        src.push_str(&format!("l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}]\n", p = i - 1));
    }
    let doc = parse_one(&src);
    fn count(n: &Node) -> usize {
        1 + match &n.kind {
            NodeKind::Scalar { .. } => 0,
            NodeKind::Seq(items) => items.iter().map(count).sum(),
            NodeKind::Map(entries) => entries.iter().map(|(k, v)| count(k) + count(v)).sum(),
        }
    }
    assert_eq!(count(doc.get("l9").unwrap()), 4usize.pow(9) * 4 + (4usize.pow(9) - 1) / 3);
}

#[test]
fn bad_aliases_are_errors() {
    let e = parse_err("a: *nope\n");
    assert_eq!(e.pos.line, 1);
    // Anchors belong to their document.
    let e = parse_err("a: &x 1\n---\nb: *x\n");
    assert_eq!(e.pos, pos(3, 4, 15));
    assert!(e.message.contains("*x"), "{}", e.message);
    // An alias inside the node it names.
    let e = parse_err("&a [1, *a]\n");
    assert_eq!(e.pos.line, 1);
}

#[test]
fn syntax_errors_have_message_and_position() {
    let e = parse_err("a: b: c\n");
    assert_eq!(e.message, "mapping values are not allowed in this context");
    assert_eq!(e.pos, pos(1, 5, 4));
    let e = parse_err("key: [1\n");
    assert_eq!(e.pos.line, 2);
    let e = parse_err("a: \"unclosed\n");
    assert!(e.message.contains("quoted scalar"), "{}", e.message);
    assert_eq!(e.to_string(), format!("{}:{}: {}", e.pos.line, e.pos.col, e.message));
}

#[test]
fn duplicate_keys_are_errors_at_the_second_key() {
    let e = parse_err("a: 1\nb: 2\na: 3\n");
    assert_eq!(e.message, "duplicate key `a`");
    assert_eq!(e.pos, pos(3, 1, 10));
    // Quoting does not make a key different.
    let e = parse_err("x:\n  'k': 1\n  k: 2\n");
    assert_eq!(e.message, "duplicate key `k`");
    assert_eq!(e.pos, pos(3, 3, 14));
    // Large mappings switch to a hash set.
    let mut src: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
    assert_eq!(parse_one(&src).as_map().unwrap().len(), 100);
    src.push_str("k57: again\n");
    assert_eq!(parse_err(&src).message, "duplicate key `k57`");
    // Equal keys in different mappings are fine; so are complex keys.
    parse_one("a: {x: 1}\nb: {x: 1}\n? [1, 2]\n: v\n? [1, 2]\n: w\n");
}

#[test]
fn complex_keys_are_kept() {
    let doc = parse_one("? [a, b]\n: 1\n{x: z}: 2\n");
    let entries = doc.as_map().unwrap();
    assert_eq!(entries[0].0.as_seq().map(<[Node]>::len), Some(2));
    assert!(entries[1].0.as_map().is_some());
}

#[test]
fn depth_limit() {
    let limits = Limits { max_depth: 3, max_nodes: 1000, ..Limits::default() };
    assert!(parse("a: {b: [1]}\n", &limits).is_ok());
    let e = parse("a: {b: [[1]]}\n", &limits).unwrap_err();
    assert_eq!(e.message, "nesting deeper than 3 levels");
    assert_eq!(e.pos, pos(1, 9, 8));
    let e = parse("a:\n  b:\n    c:\n      d: 1\n", &limits).unwrap_err();
    assert_eq!(e.message, "nesting deeper than 3 levels");
    // Through an alias.
    let e = parse("a: &x [[1]]\nb: [*x]\n", &limits).unwrap_err();
    assert_eq!(e.message, "nesting deeper than 3 levels");
    assert_eq!(e.pos, pos(2, 5, 16));
}

#[test]
fn a_million_levels_fail_fast() {
    let start = std::time::Instant::now();
    let flow = "[".repeat(1_000_000);
    assert!(parse(&flow, &Limits::default()).is_err());
    let flow_closed = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    assert!(parse(&flow_closed, &Limits::default()).is_err());
    let maps = "{a: ".repeat(1_000_000);
    assert!(parse(&maps, &Limits::default()).is_err());
    let block = format!("{}x\n", "- ".repeat(1_000_000));
    let e = parse(&block, &Limits::default()).unwrap_err();
    assert_eq!(e.message, "nesting deeper than 128 levels");
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn alias_bombs_are_refused_before_expanding() {
    // The classic "billion laughs": ten levels of ten aliases, 10^9 strings.
    let mut src = String::from("lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*lol{}", i - 1); 10].join(", ");
        src.push_str(&format!("lol{i}: &lol{i} [{refs}]\n"));
    }
    let start = std::time::Instant::now();
    let e = parse(&src, &Limits { max_alias_bytes: usize::MAX, ..Limits::default() }).unwrap_err();
    // Refused while counting, before any copy is made: microseconds, no memory to speak of.
    assert!(start.elapsed() < std::time::Duration::from_millis(200), "{:?}", start.elapsed());
    assert_eq!(e.message, "document too large: more than 10000000 nodes (alias expansion?)");
    assert_eq!(e.pos.line, 7);
    // With the default limits, the bytes the copies would take run out first.
    let e = parse_err(&src);
    assert_eq!(e.message, "document too large: aliases would copy more than 16777216 bytes of text");
    assert_eq!(e.pos.line, 7);
    // The same shape, smaller, is fine under a small limit only when it fits.
    let small = "a: &a [1, 2]\nb: &b [*a, *a]\nc: [*b, *b]\n";
    assert!(parse(small, &Limits { max_depth: 10, max_nodes: 100, ..Limits::default() }).is_ok());
    let e = parse(small, &Limits { max_depth: 10, max_nodes: 20, ..Limits::default() }).unwrap_err();
    assert_eq!(e.message, "document too large: more than 20 nodes (alias expansion?)");
    // Deeply nested anchors are not copied either.
    let wide = format!(
        "{}[{}]{}\n",
        (0..100).map(|i| format!("[&n{i} ")).collect::<String>(),
        vec!["x"; 100_000].join(", "),
        "]".repeat(100)
    );
    let doc = parse_one(&wide);
    assert_eq!(doc.span.end.offset, wide.len() - 1);
}

#[test]
fn aliases_of_large_text_are_refused_before_copying() {
    // One 1 MiB string, aliased 20,000 times: 20 GiB if copied. Refused once 16 MiB would be.
    let big = "x".repeat(1 << 20);
    let src = format!("a: &a {big}\nb: [{}]\n", vec!["*a"; 20_000].join(", "));
    let start = std::time::Instant::now();
    let e = parse_err(&src);
    assert!(start.elapsed() < std::time::Duration::from_secs(2), "{:?}", start.elapsed());
    assert_eq!(e.message, "document too large: aliases would copy more than 16777216 bytes of text");
    // The 17th alias is the one that would pass 16 MiB.
    assert_eq!(e.pos, pos(2, 5 + 4 * 16, (1 << 20) + 11 + 4 * 16));
    // Collections count the text of everything in them, keys and tags included.
    let limits = |max_alias_bytes| Limits { max_alias_bytes, ..Limits::default() };
    let src = "a: &a {key: value, !t k: [!!str 12]}\nb: *a\nc: *a\n";
    let one_copy = "key".len() + "value".len() + "!t".len() + "k".len() + STR_TAG.len() + "12".len();
    assert!(parse(src, &limits(2 * one_copy)).is_ok());
    let e = parse(src, &limits(2 * one_copy - 1)).unwrap_err();
    assert_eq!(e.pos, pos(3, 4, src.rfind('*').unwrap()));
    // Through aliases of aliases: each level's copies count what they hold.
    let src = "a: &a [xxxx]\nb: &b [*a, *a]\nc: [*b, *b]\n";
    assert!(parse(src, &limits(4 * 2 + 8 * 2)).is_ok());
    assert!(parse(src, &limits(4 * 2 + 8 * 2 - 1)).is_err());
    // The count runs over the whole stream.
    assert!(parse("- &a xxxx\n- *a\n---\n- &a xxxx\n- *a\n", &limits(7)).is_err());
}

#[test]
fn node_limit_counts_all_documents() {
    let limits = Limits { max_depth: 10, max_nodes: 5, ..Limits::default() };
    assert!(parse("[1, 2, 3, 4]\n", &limits).is_ok());
    assert!(parse("[1, 2]\n---\n[3, 4]\n", &limits).is_err());
}

#[test]
fn malformed_input_never_panics() {
    let seeds = [
        "apiVersion: v1\nkind: List\nitems:\n- a: 1\n  b: [x, {y: z}]\n- |\n  lit\n",
        "a: \"q\\\"uoted\"\nb: 'single ''q'''\nc: >\n  folded\n\n  more\n",
        "? [a, b]\n: &x {c: *y}\n--- !foo\n- *x\n...\n%YAML 1.2\n---\n",
        "- - - a\n    - b\n  - c\n- {a: [b, c], d: e}\n",
        "key: &anchor value\nother: *anchor\nmerge:\n  <<: *anchor\n",
        "a:\tb\n\t- c\n  d: e\n e: f\n",
        "\"unclosed\n'also\n[a, b\n{a: b\n]\n}\n",
        "a: |2-\n   x\n b: >+\n\n",
        "é: ü\n日本: 語\n😀: [😀, {😀: 😀}]\n",
    ];
    let mut snippets: Vec<String> = Vec::new();
    for seed in seeds {
        let chars: Vec<char> = seed.chars().collect();
        for i in 0..=chars.len() {
            snippets.push(chars[..i].iter().collect());
            let mut damaged = chars.clone();
            if i < damaged.len() {
                damaged[i] = ['\t', ']', '"', ' ', ':', '-', '\n', '&', '*', '\''][i % 10];
            }
            snippets.push(damaged.iter().collect());
            let mut cut = chars.clone();
            if i < cut.len() {
                cut.remove(i);
            }
            snippets.push(cut.iter().collect());
        }
    }
    for extra in [
        "]",
        "}",
        "- ]",
        ":",
        ": :",
        "? ",
        "!",
        "!!",
        "&",
        "*",
        "&a",
        "*a",
        "|",
        ">",
        "|-9",
        "| 0",
        "%TAG",
        "%YAML 2.0\n---\n",
        "--- ---",
        "... ...",
        "\t",
        "\0",
        "\u{FEFF}",
        "a: \u{FEFF}",
        "- \"\\uD800\"",
        "\"\\x\"",
        "[\n",
        "{\n:",
        "a:\n\t- b",
    ] {
        snippets.push(extra.to_string());
    }
    assert!(snippets.len() > 300);
    let limits = Limits::default();
    for s in &snippets {
        if let Ok(docs) = parse(s, &limits) {
            // Whatever parsed emits to something that parses to the same meaning.
            let out = emit(&docs);
            let again = match parse(&out, &limits) {
                Ok(again) => again,
                Err(e) => panic!("{s:?} emitted as {out:?}, which fails: {e}"),
            };
            assert_eq!(docs.len(), again.len(), "{s:?} -> {out:?}");
            for (a, b) in docs.iter().zip(&again) {
                assert!(same_meaning(a, b), "{s:?} -> {out:?}");
            }
        }
    }
}

// --- resolution and accessors ------------------------------------------------------------

#[test]
fn core_schema_resolution() {
    let cases: &[(&str, Scalar<'_>)] = &[
        ("null", Scalar::Null),
        ("Null", Scalar::Null),
        ("NULL", Scalar::Null),
        ("~", Scalar::Null),
        ("", Scalar::Null),
        ("true", Scalar::Bool(true)),
        ("True", Scalar::Bool(true)),
        ("TRUE", Scalar::Bool(true)),
        ("false", Scalar::Bool(false)),
        ("False", Scalar::Bool(false)),
        ("FALSE", Scalar::Bool(false)),
        ("0", Scalar::Int(0)),
        ("42", Scalar::Int(42)),
        ("-17", Scalar::Int(-17)),
        ("+8", Scalar::Int(8)),
        ("0755", Scalar::Int(755)),
        ("0o17", Scalar::Int(15)),
        ("0x1F", Scalar::Int(31)),
        ("0xff", Scalar::Int(255)),
        ("9223372036854775807", Scalar::Int(i64::MAX)),
        ("-9223372036854775808", Scalar::Int(i64::MIN)),
        ("9223372036854775808", Scalar::Float(9_223_372_036_854_775_808.0)),
        ("123456789012345678901234567890", Scalar::Float(1.2345678901234568e29)),
        ("0x10000000000000000", Scalar::Float(18_446_744_073_709_551_616.0)),
        ("1.5", Scalar::Float(1.5)),
        ("-0.5", Scalar::Float(-0.5)),
        (".5", Scalar::Float(0.5)),
        ("1.", Scalar::Float(1.0)),
        ("1e3", Scalar::Float(1000.0)),
        ("-1.5E-2", Scalar::Float(-0.015)),
        (".inf", Scalar::Float(f64::INFINITY)),
        ("-.Inf", Scalar::Float(f64::NEG_INFINITY)),
        ("+.INF", Scalar::Float(f64::INFINITY)),
        ("yes", Scalar::Str("yes")),
        ("on", Scalar::Str("on")),
        ("y", Scalar::Str("y")),
        ("0b101", Scalar::Str("0b101")),
        ("1_000", Scalar::Str("1_000")),
        ("1:30", Scalar::Str("1:30")),
        ("-0x1F", Scalar::Str("-0x1F")),
        ("0o8", Scalar::Str("0o8")),
        ("1e", Scalar::Str("1e")),
        (".", Scalar::Str(".")),
        ("+", Scalar::Str("+")),
        ("-", Scalar::Str("-")),
        ("tRue", Scalar::Str("tRue")),
        ("nan", Scalar::Str("nan")),
        ("2001-12-14", Scalar::Str("2001-12-14")),
    ];
    for (s, want) in cases {
        assert_eq!(Node::plain(*s).scalar().as_ref(), Some(want), "{s:?}");
    }
    assert!(matches!(Node::plain(".nan").scalar(), Some(Scalar::Float(f)) if f.is_nan()));
    assert!(matches!(Node::plain(".NaN").scalar(), Some(Scalar::Float(f)) if f.is_nan()));
    // Anything not plain is a string; so is anything tagged !!str.
    for style in [
        ScalarStyle::Auto,
        ScalarStyle::SingleQuoted,
        ScalarStyle::DoubleQuoted,
        ScalarStyle::Literal,
        ScalarStyle::Folded,
    ] {
        let node = Node::scalar_node("123".into(), style);
        assert_eq!(node.scalar(), Some(Scalar::Str("123")));
    }
    let doc = parse_one("a: !!str 123\nb: !!str true\nc: !!int \"42\"\nd: !!str\n");
    assert_eq!(doc.get("a").unwrap().scalar(), Some(Scalar::Str("123")));
    assert_eq!(doc.get("b").unwrap().scalar(), Some(Scalar::Str("true")));
    assert_eq!(doc.get("c").unwrap().scalar(), Some(Scalar::Int(42)));
    assert_eq!(doc.get("d").unwrap().scalar(), Some(Scalar::Str("")));
    // A local tag leaves the value resolved (to this layer; go-yaml reads a string, so
    // the parser refuses `!custom 5`).
    assert_eq!(Node::plain("5").with_tag("!custom").scalar(), Some(Scalar::Int(5)));
    assert!(parse_err("e: !custom 5\n").message.contains("the string \"5\" to kubectl"));
    assert_eq!(doc.scalar(), None);
}

#[test]
fn kind_names() {
    let doc = parse_one("m: {}\ns: []\nt: text\nq: \"1\"\ni: 1\nf: 1.5\nb: true\nz: null\ne:\n");
    let kind = |k: &str| doc.get(k).unwrap().kind_name();
    assert_eq!(kind("m"), "a mapping");
    assert_eq!(kind("s"), "a sequence");
    assert_eq!(kind("t"), "a string");
    assert_eq!(kind("q"), "a string");
    assert_eq!(kind("i"), "a number");
    assert_eq!(kind("f"), "a number");
    assert_eq!(kind("b"), "a boolean");
    assert_eq!(kind("z"), "null");
    assert_eq!(kind("e"), "null");
    assert_eq!(Node::str("yes").kind_name(), "a string");
}

#[test]
fn map_accessors() {
    let mut node = Node::map_from(vec![("a", Node::plain("1")), ("b", Node::str("x"))]);
    assert_eq!(node.get("a").and_then(Node::as_i64), Some(1));
    assert_eq!(node.get("zz"), None);
    assert_eq!(Node::str("a").get("a"), None);
    node.set("a", Node::str("new"));
    node.set("c", Node::seq(vec![Node::plain("true")]));
    let keys: Vec<_> = node.as_map().unwrap().iter().filter_map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(node.get("a").and_then(Node::as_str), Some("new"));
    assert_eq!(node.get("c").unwrap().as_seq().unwrap()[0].as_bool(), Some(true));
    if let Some(b) = node.get_mut("b") {
        *b = Node::null();
    }
    assert!(node.get("b").unwrap().is_null());
    assert_eq!(node.remove("a").and_then(|n| n.as_str().map(str::to_string)), Some("new".into()));
    assert_eq!(node.remove("a"), None);
    let keys: Vec<_> = node.as_map().unwrap().iter().filter_map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["b", "c"]);
    // Setting on a null makes it a mapping.
    let mut doc = parse_one("metadata:\n");
    doc.get_mut("metadata").unwrap().set("name", Node::str("x"));
    assert_eq!(emit_one(&doc), "metadata:\n  name: x\n");
    assert_eq!(Node::seq(vec![]).as_map(), None);
    assert_eq!(Node::str("s").as_seq(), None);
}

// --- JSON --------------------------------------------------------------------------------

#[test]
fn json_round_trip() {
    let v = serde_json::json!({
        "z": 1, "a": "yes", "n": null, "b": false, "f": 1.5, "big": 1e100,
        "list": [1, "2", {"k": []}], "empty": {}, "neg": -3
    });
    let node = from_json(&v);
    let keys: Vec<_> = node.as_map().unwrap().iter().filter_map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["z", "a", "n", "b", "f", "big", "list", "empty", "neg"]);
    assert_eq!(node.get("a").unwrap().style(), Some(ScalarStyle::Auto));
    assert_eq!(node.get("z").unwrap().style(), Some(ScalarStyle::Plain));
    assert_eq!(to_json(&node).unwrap(), v);
    let text = emit_one(&node);
    assert_eq!(
            text,
            "z: 1\na: \"yes\"\n\"n\": null\nb: false\nf: 1.5\nbig: 1e+100\nlist:\n- 1\n- \"2\"\n- k: []\nempty: {}\nneg: -3\n"
        );
    assert_eq!(to_json(&parse_one(&text)).unwrap(), v);
}

#[test]
fn to_json_errors() {
    let e = to_json(&parse_one("a: 1\n1: b\n")).unwrap_err();
    assert_eq!(e.pos, pos(2, 1, 5));
    assert!(e.message.contains("a number"), "{}", e.message);
    assert!(to_json(&parse_one("? [a]\n: b\n")).is_err());
    let e = to_json(&parse_one("a: [.inf]\n")).unwrap_err();
    assert_eq!(e.pos, pos(1, 5, 4));
    assert!(to_json(&parse_one(".nan")).is_err());
    let dup = Node::map_from(vec![("a", Node::null()), ("a", Node::null())]);
    assert!(to_json(&dup).is_err());
    assert_eq!(to_json(&parse_one("\"1\": x\n")).unwrap(), serde_json::json!({"1": "x"}));
}

// --- quoting -----------------------------------------------------------------------------
