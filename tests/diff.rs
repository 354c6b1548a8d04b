//! The diff, case by case: each `tests/diff/CASE/` holds an `intent.yaml`, the current
//! policies (a `current/` tree, or `stdin.yaml` to pipe into `--against -`), the expected exit
//! status in `exit-code`, and the expected output: `expected.txt`, `expected.json` and
//! `expected.md`, or `expected.stderr` for an error. A file `against` may name the path to
//! give `--against`, relative to the case (`current/overlay`, say), when it is not `current/`
//! itself; a `workloads.yaml` is given as `--workloads` (without it, the diff judges
//! connections among the intent's own workloads). Every case runs twice, through the in-memory
//! API and through the command line, and both must print the same. Adding a case needs no
//! code: make the folder, write `exit-code`, run once with `UPDATE_GOLDEN=1`.

mod common;

use std::path::{Path, PathBuf};

use netpol_intent::policy::read::{Collected, Source};

fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(common::root().join("tests/diff"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("intent.yaml").is_file())
        .collect();
    out.sort();
    assert!(out.len() >= 8, "expected the diff cases, found {out:?}");
    out
}

/// The case's path relative to the root, as the command line is given it.
fn rel(case: &Path, file: &str) -> String {
    let name = case.file_name().unwrap().to_string_lossy();
    if file.is_empty() {
        format!("tests/diff/{name}")
    } else {
        format!("tests/diff/{name}/{file}")
    }
}

/// The `--against` path of a case with a tree, relative to the root.
fn against_dir(case: &Path) -> Option<String> {
    let named = std::fs::read_to_string(case.join("against")).ok();
    let path = named.as_deref().map_or("current", str::trim);
    case.join(path).is_dir().then(|| rel(case, path))
}

/// The in-memory input, the `--against` argument and standard input of a case.
fn inputs(case: &Path) -> (Result<Collected, Vec<netpol_intent::diag::Diagnostic>>, String, String) {
    match against_dir(case) {
        Some(dir) => (
            netpol_intent::shell::input::collect::collect(Path::new(&dir), &mut std::io::empty()),
            dir,
            String::new(),
        ),
        None => {
            let text = std::fs::read_to_string(case.join("stdin.yaml")).expect("current/ or stdin.yaml");
            let sources = vec![Source { name: "<stdin>".into(), text: text.clone() }];
            (Ok(Collected::from(sources)), "-".into(), text)
        }
    }
}

/// The case's workloads, read as `--workloads` reads them, with the name the report gives them.
fn workloads(case: &Path) -> Option<(String, netpol_intent::engine::Workloads)> {
    let text = std::fs::read_to_string(case.join("workloads.yaml")).ok()?;
    let name = rel(case, "workloads.yaml");
    let texts = [netpol_intent::engine::workloads::Text { name: &name, text: &text }];
    Some((name.clone(), netpol_intent::engine::workloads::read(&texts).unwrap()))
}

#[test]
fn every_case_gives_its_expected_report_in_memory_and_from_the_command_line() {
    // In the tests' working directory, the root, so that file names are relative.
    std::env::set_current_dir(common::root()).unwrap();
    for case in cases() {
        let name = rel(&case, "");
        let expected_code: i32 = std::fs::read_to_string(case.join("exit-code"))
            .unwrap_or_else(|_| panic!("{name}: no exit-code file"))
            .trim()
            .parse()
            .unwrap();
        let intent = std::fs::read_to_string(case.join("intent.yaml")).unwrap();
        let (collected, against, stdin) = inputs(&case);

        // In memory: reading the tree, then the diff; errors shown with excerpts of the files.
        let mut sources = netpol_intent::diag::excerpt::Sources::new();
        if let Ok(c) = &collected {
            let disputed = c.disputed.iter().map(|d| &d.source);
            for s in c.deployed.iter().chain(&c.unlisted).chain(disputed) {
                sources.add(&s.name, &s.text);
            }
        }
        let diffed = collected.map_err(netpol_intent::DiffError::Current);
        let among = workloads(&case);
        match diffed.and_then(|collected| netpol_intent::diff_among(&intent, &collected, "default", among)) {
            Ok(report) => {
                let code = if report.has_differences() { 1 } else { 0 };
                assert_eq!(code, expected_code, "{name}: in-memory exit status");
                common::golden(&case.join("expected.txt"), &netpol_intent::report::text(&report, false));
                common::golden(&case.join("expected.json"), &netpol_intent::report::json(&report));
                common::golden(&case.join("expected.md"), &netpol_intent::report::markdown(&report));
            }
            Err(netpol_intent::DiffError::Current(problems)) => {
                assert_eq!(expected_code, 2, "{name}: unexpected errors {problems:?}");
                let cx = netpol_intent::diag::text::Context { sources: &sources, colour: false, omitted: 0 };
                let stderr = netpol_intent::diag::text::render_with(&problems, &cx);
                common::golden(&case.join("expected.stderr"), &stderr);
            }
            Err(netpol_intent::DiffError::Intent(diags)) => panic!("{name}: invalid intent {diags:?}"),
        }

        // From the command line, in each format.
        let intent_arg = rel(&case, "intent.yaml");
        for (format, golden) in
            [("text", "expected.txt"), ("json", "expected.json"), ("markdown", "expected.md")]
        {
            let mut args =
                vec!["diff", &intent_arg, "--against", &against, "--format", format, "--color", "never"];
            let workloads_arg = rel(&case, "workloads.yaml");
            if case.join("workloads.yaml").is_file() {
                args.extend(["--workloads", &workloads_arg]);
            }
            let out = common::run(&args, &stdin);
            assert_eq!(out.code, expected_code, "{name} --format {format}: {}", out.stderr);
            if expected_code == 2 {
                assert_eq!(out.stdout, "", "{name}: nothing on stdout on error");
                common::golden(&case.join("expected.stderr"), &out.stderr);
            } else {
                assert_eq!(out.stderr, "", "{name}");
                common::golden(&case.join(golden), &out.stdout);
            }
        }
    }
}

/// The cases cover what the diff must tell apart.
#[test]
fn the_cases_show_each_kind_of_finding() {
    let json = |case: &str| -> serde_json::Value {
        let path = common::root().join(format!("tests/diff/{case}/expected.json"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let summary = |case: &str, field: &str| json(case)["summary"][field].as_u64().unwrap();
    assert_eq!(summary("no-drift", "unchanged"), 6);
    assert!(!json("no-drift")["differences"].as_bool().unwrap());
    assert_eq!(summary("added", "added"), 1);
    assert_eq!(summary("changed", "changed"), 2);
    assert_eq!(summary("removed", "removed"), 1);
    // Removing it leaves no pod non-isolated; but as the repository holds it, it is applied, and
    // it allows what the intent no longer does.
    let removed_dangers = json("removed")["dangers"].clone();
    assert_eq!(removed_dangers.as_array().unwrap().len(), 1);
    assert_eq!(removed_dangers[0]["kind"], "widens-access");
    assert_eq!(summary("unmanaged", "unmanaged"), 3);
    assert_eq!(summary("unmanaged", "widening"), 2);
    assert_eq!(summary("unmanaged", "removed"), 0);
    // Dropping `billing` loses its isolation both ways; the egress policy towards it that stays
    // in `shop` until removed allows what the intent no longer generates.
    let kinds = |case: &str| -> Vec<String> {
        let dangers = json(case)["dangers"].clone();
        dangers.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(
        kinds("dangerous-removal"),
        ["namespace-isolation-lost", "namespace-isolation-lost", "widens-access"]
    );
    // An allow-all with the intent's own label is to remove, and a danger in both directions.
    let labelled = json("labelled-allow-all");
    assert_eq!(summary("labelled-allow-all", "removed"), 1);
    let kinds: Vec<(&str, &str)> = labelled["dangers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].as_str().unwrap(), d["direction"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("widens-access", "Ingress"), ("widens-access", "Egress")]);
    assert_eq!(summary("stdin", "added"), 1);

    // Dangers as facts, among given workloads. A labelled allow-all widens both ways, and the
    // connections name its rules; the rest of the set is generated, so applying closes what it
    // let through and leaves `shop`'s pods with no ingress.
    let facts = json("facts-labelled-allow-all");
    assert_eq!(facts["connections"]["model"], "workloads");
    let dangers = facts["dangers"].as_array().unwrap();
    assert!(dangers.iter().all(|d| d["fact"] == true && d["kind"] == "widens-access"), "{dangers:?}");
    let widening = facts["connections"]["widening"].as_array().unwrap();
    let cart = widening.iter().find(|w| w["src"] == "shop/cart" && w["dst"] == "shop/frontend").unwrap();
    let rules: Vec<&str> =
        cart["by"].as_array().unwrap().iter().map(|b| b["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["spec.ingress[0]", "spec.egress[0]"]);
    // The new pod of `shop` (a pod with no labels, `shop/*`) too.
    assert_eq!(
        facts["connections"]["unreachable"],
        serde_json::json!(["shop/*", "shop/cart", "shop/frontend"])
    );
    assert_eq!(summary("facts-labelled-allow-all", "closed"), 24);
    // An AND split into an OR by hand: the other pods of `shop` reach `payments`.
    let edited = json("facts-edited-widens");
    let kinds: Vec<(&str, bool)> = edited["dangers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].as_str().unwrap(), d["fact"] == true))
        .collect();
    assert_eq!(kinds, [("widens-access", true)]);
    let closed: Vec<(&str, &str)> = edited["connections"]["closed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["src"].as_str().unwrap(), e["dst"].as_str().unwrap()))
        .collect();
    assert_eq!(closed, [("shop/*", "billing/payments"), ("shop/cart", "billing/payments")]);
    // A namespace dropped and a stale policy removed: the namespace and the pods it selected
    // are left open, and what opens says so.
    let open = json("facts-removal-leaves-pods-open");
    let kinds: Vec<(&str, &str)> = open["dangers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].as_str().unwrap(), d["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("namespace-isolation-lost", "default-deny-all"), ("pod-isolation-lost", "allow-api-to-db")]
    );
    assert!(open["connections"]["opened"].as_array().unwrap().iter().any(|e| e["dst"] == "legacy/db"));
    // A workload's last ingress closed: listed, and no danger (no rule allowed it).
    let last = json("facts-last-ingress-closed");
    assert_eq!(last["connections"]["unreachable"], serde_json::json!(["billing/*", "billing/payments"]));
    assert!(last["dangers"].as_array().unwrap().is_empty());
    // Without workloads, the intent's own model: a fact where it sees one (`labelled-allow-all`),
    // a conservative danger where it cannot decide (`unmanaged`: pods it names no workload for).
    let own = json("labelled-allow-all");
    assert_eq!(own["connections"]["model"], "intent");
    assert!(own["dangers"].as_array().unwrap().iter().all(|d| d["fact"] == true));
    let undecided = json("unmanaged");
    assert!(undecided["dangers"].as_array().unwrap().iter().all(|d| d["fact"] == false), "{undecided}");
    let broken =
        std::fs::read_to_string(common::root().join("tests/diff/broken-yaml/expected.stderr")).unwrap();
    assert!(
        broken.contains("error[yaml-syntax]: tests/diff/broken-yaml/current/shop/broken.yaml:8:"),
        "{broken}"
    );
    assert!(
        broken.contains("misspelt.yaml:8:3: NetworkPolicy `misspelt`: unknown field `spec.ingres`"),
        "{broken}"
    );
}

#[test]
fn colour_is_on_when_asked_and_never_in_json() {
    std::env::set_current_dir(common::root()).unwrap();
    let args = |format: &str, color: &str| {
        common::run(
            &[
                "diff",
                "tests/diff/changed/intent.yaml",
                "--against",
                "tests/diff/changed/current",
                "--format",
                format,
                "--color",
                color,
            ],
            "",
        )
    };
    assert!(args("text", "always").stdout.contains("\x1b[31m-      port: 8080\x1b[0m"));
    assert!(!args("text", "auto").stdout.contains('\x1b'), "not a terminal");
    assert!(!args("json", "always").stdout.contains('\x1b'));
    use netpol_intent::shell::cli::{use_colour, ColorChoice};
    assert!(use_colour(ColorChoice::Auto, true, None));
    assert!(!use_colour(ColorChoice::Auto, true, Some("1".as_ref())));
    assert!(use_colour(ColorChoice::Auto, true, Some("".as_ref())));
    assert!(use_colour(ColorChoice::Always, false, Some("1".as_ref())));
    assert!(!use_colour(ColorChoice::Never, true, None));
}

#[test]
fn errors_exit_2_with_nothing_on_stdout() {
    std::env::set_current_dir(common::root()).unwrap();
    let out = common::run(&["diff", "tests/diff/added/intent.yaml", "--against", "/no/such/dir"], "");
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(out.stderr.starts_with("error[unreadable]: /no/such/dir: cannot read"), "{}", out.stderr);

    let out = common::run(
        &["diff", "tests/errors/unknown-field.yaml", "--against", "tests/diff/added/current"],
        "",
    );
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(
        out.stderr.contains("error[unknown-field]: tests/errors/unknown-field.yaml:10:7"),
        "{}",
        out.stderr
    );

    let one = "error: only one of the intent, `--against` and `--workloads` can be standard input\n";
    for args in [
        &["diff", "-", "--against", "-"][..],
        &["diff", "intent.yaml", "--against", "-", "--workloads", "-"],
        &["diff", "-", "-", "--against", "policies"],
    ] {
        let out = common::run(args, "");
        assert_eq!((out.code, out.stderr.as_str(), out.stdout.as_str()), (2, one, ""), "{args:?}");
    }
}

/// `--fail-on`: the exit status of each case under each setting. `dangers` fails on a danger:
/// a change that leaves pods non-isolated (`dangerous-removal`), and a policy that allows more
/// than the generated ones, whatever its labels say (`unmanaged`, which has no difference at
/// all; `labelled-allow-all`; `changed` and `removed`); it passes mere differences (`added`).
/// Errors exit 2 whatever is asked.
#[test]
fn fail_on_chooses_what_exits_1() {
    std::env::set_current_dir(common::root()).unwrap();
    let status = |case: &str, fail_on: &str| {
        let intent = format!("tests/diff/{case}/intent.yaml");
        let current = format!("tests/diff/{case}/current");
        let workloads = format!("tests/diff/{case}/workloads.yaml");
        let mut args = vec!["diff", &intent, "--against", &current, "--fail-on", fail_on];
        if Path::new(&workloads).is_file() {
            args.extend(["--workloads", &workloads]);
        }
        let out = common::run(&args, "");
        if out.code == 2 {
            assert_eq!(out.stdout, "", "{case}");
        } else {
            assert!(out.stdout.starts_with("intent `shop`"), "{case}: {}", out.stdout);
        }
        out.code
    };
    let table = [
        // case, differences, dangers, never
        ("no-drift", 0, 0, 0),
        ("added", 1, 0, 0),
        // The current content allows a port the intent does not: applied as it is, it widens.
        ("changed", 1, 1, 0),
        // The policy to remove allows what the intent no longer generates, and is applied now.
        ("removed", 1, 1, 0),
        ("unmanaged", 0, 1, 0),
        ("dangerous-removal", 1, 1, 0),
        ("labelled-allow-all", 1, 1, 0),
        ("broken-yaml", 2, 2, 2),
        ("facts-labelled-allow-all", 1, 1, 0),
        ("facts-edited-widens", 1, 1, 0),
        ("facts-removal-leaves-pods-open", 1, 1, 0),
        // Closing connections, even a workload's last, is no danger.
        ("facts-last-ingress-closed", 1, 0, 0),
    ];
    for (case, differences, dangers, never) in table {
        assert_eq!(status(case, "differences"), differences, "{case} --fail-on differences");
        assert_eq!(status(case, "dangers"), dangers, "{case} --fail-on dangers");
        assert_eq!(status(case, "never"), never, "{case} --fail-on never");
    }
    // The default is `differences`: today's behaviour.
    let out = common::run(
        &["diff", "tests/diff/unmanaged/intent.yaml", "--against", "tests/diff/unmanaged/current"],
        "",
    );
    assert_eq!(out.code, 0);
    let out =
        common::run(&["diff", "tests/diff/added/intent.yaml", "--against", "tests/diff/added/current"], "");
    assert_eq!(out.code, 1);
}

/// Ranges `(protocol, from, to)` of a connectivity JSON `allowed` list.
fn ranges(allowed: &serde_json::Value) -> Vec<(String, u64, u64)> {
    let mut out: Vec<(String, u64, u64)> = allowed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let one = a["port"].as_u64();
            let (lo, hi) = (one.or(a["from"].as_u64()).unwrap(), one.or(a["to"].as_u64()).unwrap());
            (a["protocol"].as_str().unwrap().to_string(), lo, hi)
        })
        .collect();
    out.sort();
    out
}

/// Ports as `(protocol, from, to)` ranges, and a connectivity listing: (src, dst) → the ranges
/// allowed.
type Ranges = Vec<(String, u64, u64)>;
type Listing = std::collections::BTreeMap<(String, String), Ranges>;

/// `a` minus `b`, as sorted ranges per protocol.
fn minus(a: &[(String, u64, u64)], b: &[(String, u64, u64)]) -> Vec<(String, u64, u64)> {
    let mut out = Vec::new();
    for (protocol, lo, hi) in a {
        let mut left = vec![(*lo, *hi)];
        for (_, blo, bhi) in b.iter().filter(|(p, _, _)| p == protocol) {
            left = left
                .into_iter()
                .flat_map(|(l, h)| {
                    let mut parts = Vec::new();
                    if *blo > l {
                        parts.push((l, h.min(blo - 1)));
                    }
                    if *bhi < h {
                        parts.push((l.max(bhi + 1), h));
                    }
                    parts.into_iter().filter(|(l, h)| l <= h).collect::<Vec<_>>()
                })
                .collect();
        }
        out.extend(left.into_iter().map(|(l, h)| (protocol.clone(), l, h)));
    }
    out
}

/// For the cases with workloads, whose set after applying is the generated one (every current
/// policy is generated or removed): what the diff says opens and closes is the difference of
/// two `connectivity` listings, of the current policies and of the intent's, computed apart
/// (but for the new pods `NAMESPACE/*` that the diff adds to the workloads given).
#[test]
fn the_connections_a_diff_opens_and_closes_are_the_difference_of_two_connectivities() {
    std::env::set_current_dir(common::root()).unwrap();
    let mut compared = 0;
    for case in cases().into_iter().filter(|c| c.join("workloads.yaml").is_file()) {
        let (intent, current, workloads) =
            (rel(&case, "intent.yaml"), rel(&case, "current"), rel(&case, "workloads.yaml"));
        let listing = |policies: &str| -> Listing {
            let out = common::run(
                &["connectivity", "--policies", policies, "--workloads", &workloads, "--format", "json"],
                "",
            );
            assert_eq!(out.code, 0, "{}", out.stderr);
            let list: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
            let key = |e: &serde_json::Value| {
                (e["src"].as_str().unwrap().into(), e["dst"].as_str().unwrap().into())
            };
            list.as_array().unwrap().iter().map(|e| (key(e), ranges(&e["allowed"]))).collect()
        };
        let (before, after) = (listing(&current), listing(&intent));
        let report = common::run(
            &["diff", &intent, "--against", &current, "--workloads", &workloads, "--format", "json"],
            "",
        );
        let report: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
        let said = |list: &str| -> Vec<((String, String), Ranges)> {
            let entries = report["connections"][list].as_array().unwrap().iter();
            entries
                .map(|e| {
                    (
                        (e["src"].as_str().unwrap().into(), e["dst"].as_str().unwrap().into()),
                        ranges(&e["allowed"]),
                    )
                })
                .filter(|((src, dst), _): &((String, String), Ranges)| {
                    !src.ends_with("/*") && !dst.ends_with("/*")
                })
                .collect()
        };
        let difference = |a: &Listing, b: &Listing| {
            let mut out: Vec<((String, String), Ranges)> = a
                .iter()
                .map(|(k, v)| (k.clone(), minus(v, b.get(k).map_or(&[][..], |x| x))))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            out.sort();
            out
        };
        let sorted = |mut v: Vec<_>| {
            v.sort();
            v
        };
        let name = case.display().to_string();
        assert_eq!(sorted(said("opened")), difference(&after, &before), "{name}: opened");
        assert_eq!(sorted(said("closed")), difference(&before, &after), "{name}: closed");
        compared += 1;
    }
    assert!(compared >= 4, "{compared} cases compared");
}

/// `--error-format github` renders the same problems as annotations, for the intent and for the
/// current policies, before or after the subcommand; the text format stays the default.
#[test]
fn errors_render_as_github_annotations_when_asked() {
    std::env::set_current_dir(common::root()).unwrap();
    let intent = ["tests/errors/unknown-field.yaml", "--against", "tests/diff/added/current"];
    let before: Vec<&str> = ["--error-format", "github", "diff"].into_iter().chain(intent).collect();
    let after: Vec<&str> = ["diff"].into_iter().chain(intent).chain(["--error-format", "github"]).collect();
    for args in [before, after] {
        let out = common::run(&args, "");
        assert_eq!((out.code, out.stdout.as_str()), (2, ""));
        assert!(
            out.stderr.contains(
                "::error file=tests/errors/unknown-field.yaml,line=10,col=7,endLine=10,endColumn=16,\
                 title=netpol-intent unknown-field::\
                 spec.workloads[0].podSelectr: unknown field `podSelectr`%0Ahelp: did you mean `podSelector`?\n"
            ),
            "{}",
            out.stderr
        );
        assert!(out.stderr.lines().all(|l| l.starts_with("::error ")), "{}", out.stderr);
    }

    let out = common::run(
        &[
            "--error-format",
            "github",
            "diff",
            "tests/diff/broken-yaml/intent.yaml",
            "--against",
            "tests/diff/broken-yaml/current",
        ],
        "",
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "::error file=tests/diff/broken-yaml/current/billing/misspelt.yaml,line=8,col=3,endLine=8,endColumn=8,\
             title=netpol-intent invalid-policy::NetworkPolicy `misspelt`: unknown field `spec.ingres`\n"
        ),
        "{}",
        out.stderr
    );

    let out = common::run(&["--error-format", "github", "generate", "/no/such/intent.yaml"], "");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("::error file=/no/such/intent.yaml,title=netpol-intent unreadable::cannot read: "),
        "{}",
        out.stderr
    );

    // From standard input there is no file to annotate: the line and column go in the message.
    let text = std::fs::read_to_string("tests/errors/unknown-field.yaml").unwrap();
    let out = common::run(&["--error-format", "github", "generate", "-"], &text);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("::error title=netpol-intent unknown-field::error[unknown-field]: <stdin>:10:7:"),
        "{}",
        out.stderr
    );

    let out = common::run(&["generate", "tests/errors/unknown-field.yaml"], "");
    assert!(out.stderr.starts_with("error[unknown-field]: "), "{}", out.stderr);
}

/// A changed policy whose diff is longer than the Markdown report shows, cut where the limit
/// falls inside a multi-byte character: the report is printed, cut at a line, and the status
/// is that of the diff.
#[test]
fn a_markdown_report_cut_inside_a_multi_byte_character_is_printed() {
    std::env::set_current_dir(common::root()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let current = tmp.path().join("current");
    common::copy_tree(&common::root().join("tests/diff/changed/current"), &current, &[]);
    let file = current.join("shop/default-deny-all.yaml");
    let policy = std::fs::read_to_string(&file).unwrap();
    // A line of 3-byte characters across the 64 KiB the report shows of one diff.
    let note = format!("    note: x{}\n", "\u{20ac}".repeat(40_000));
    std::fs::write(&file, policy.replace("  annotations:\n", &format!("  annotations:\n{note}"))).unwrap();
    let current = current.to_str().unwrap();
    let json = common::run(
        &["diff", "tests/diff/changed/intent.yaml", "--against", current, "--format", "json"],
        "",
    );
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let changed = report["changed"].as_array().unwrap();
    let ours = changed.iter().find(|c| c["namespace"] == "shop" && c["name"] == "default-deny-all").unwrap();
    let diff = ours["diff"].as_str().unwrap();
    assert!(
        diff.len() > 64 * 1024 && !diff.is_char_boundary(64 * 1024),
        "the limit must fall inside a character"
    );
    let out = common::run(
        &["diff", "tests/diff/changed/intent.yaml", "--against", current, "--format", "markdown"],
        "",
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("This diff is cut short"), "{}", out.stdout);
    assert!(!out.stdout.contains('\u{20ac}'), "the long line is left out whole");
}

/// The NetworkPolicies of some YAML text, normalised, by namespace and name.
fn normalised(
    policies: Vec<netpol_intent::policy::read::CurrentPolicy>,
) -> Vec<(String, String, serde_json::Value)> {
    let mut out: Vec<_> = policies
        .into_iter()
        .map(|p| {
            let (ns, name) = (p.namespace().to_string(), p.name().to_string());
            (ns, name, serde_json::to_value(netpol_intent::policy::normalize::normalize(p.policy)).unwrap())
        })
        .collect();
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

fn kubectl_kustomize(dir: &Path) -> std::process::Output {
    std::process::Command::new("kubectl").arg("kustomize").arg(dir).output().unwrap()
}

/// What the reader collects through a kustomization is what kustomize builds: for every case
/// whose `--against` directory has one, `kubectl kustomize` gives the same NetworkPolicies, by
/// namespace, name and content, as the files the reader collects; and where the reader says
/// kustomize refuses a kustomization, kustomize does.
#[test]
fn the_kustomization_reader_collects_what_kubectl_kustomize_builds() {
    if !common::available("kubectl", &["version", "--client"]) {
        return;
    }
    std::env::set_current_dir(common::root()).unwrap();
    let mut compared = Vec::new();
    for case in cases() {
        let Some(dir) = against_dir(&case) else { continue };
        let dir = PathBuf::from(dir);
        if !netpol_intent::shell::input::kustomize::FILE_NAMES.iter().any(|n| dir.join(n).is_file()) {
            continue;
        }
        let name = rel(&case, "");
        let build = kubectl_kustomize(&dir);
        let code: i32 = std::fs::read_to_string(case.join("exit-code")).unwrap().trim().parse().unwrap();
        if code == 2 {
            let stderr = std::fs::read_to_string(case.join("expected.stderr")).unwrap();
            let refused_by_kustomize = stderr.lines().all(|l| {
                ["invalid-kustomization", "missing-resource"]
                    .iter()
                    .any(|c| l.starts_with(&format!("error[{c}]")))
            });
            if refused_by_kustomize {
                assert!(!build.status.success(), "{name}: kubectl kustomize builds what the reader refuses");
            }
            continue;
        }
        assert!(build.status.success(), "{name}: {}", String::from_utf8_lossy(&build.stderr));
        let built = Collected::from(vec![Source {
            name: "build".into(),
            text: String::from_utf8(build.stdout).unwrap(),
        }]);
        let theirs = netpol_intent::policy::read::read(&built, "default").unwrap().policies;
        let collected = netpol_intent::shell::input::collect::collect(&dir, &mut std::io::empty()).unwrap();
        let ours = netpol_intent::policy::read::read(&collected, "default").unwrap().policies;
        assert!(!ours.is_empty(), "{name}");
        assert_eq!(normalised(ours), normalised(theirs), "{name}");
        compared.push(name);
    }
    for shape in ["kustomization-lists", "kustomization-overlay", "no-drift"] {
        assert!(compared.iter().any(|c| c.ends_with(shape)), "{shape} was compared: {compared:?}");
    }
}

/// The fields the reader refuses do change what kustomize builds: the build of the
/// `kustomization-unsupported` case (but for its remote resource, which needs the network)
/// holds other policies than its files.
#[test]
fn the_kustomizations_the_reader_refuses_build_other_policies_than_their_files() {
    if !common::available("kubectl", &["version", "--client"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let case = common::root().join("tests/diff/kustomization-unsupported/current");
    common::copy_tree(&case, tmp.path(), &[]);
    let file = tmp.path().join("kustomization.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.lines().filter(|l| !l.contains("https://")).map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    let build = kubectl_kustomize(tmp.path());
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let built = Collected::from(vec![Source {
        name: "build".into(),
        text: String::from_utf8(build.stdout).unwrap(),
    }]);
    let theirs = normalised(netpol_intent::policy::read::read(&built, "default").unwrap().policies);
    let mut files = Vec::new();
    for rel in common::tree(tmp.path(), &[]) {
        if !rel.ends_with("kustomization.yaml") {
            let text = std::fs::read_to_string(tmp.path().join(&rel)).unwrap();
            files.push(Source { name: rel.display().to_string(), text });
        }
    }
    let ours =
        normalised(netpol_intent::policy::read::read(&Collected::from(files), "default").unwrap().policies);
    assert_eq!(ours.len(), theirs.len());
    assert_ne!(ours, theirs);
    assert!(theirs.iter().all(|(ns, name, _)| ns == "shop" && name.starts_with("team-")), "{theirs:?}");
}

/// Symbolic links are resolved as kustomize resolves them: a linked file must lie in the
/// kustomization's directory once resolved, a linked directory may be anywhere, and `..` is
/// taken lexically before links are followed.
#[test]
fn symbolic_links_in_a_kustomization_are_read_as_kustomize_reads_them() {
    if !common::available("kubectl", &["version", "--client"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let policy = |name: &str| {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: shop}}\n\
             spec: {{podSelector: {{}}}}\n"
        )
    };
    for dir in ["app", "shared/base", "elsewhere"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::write(root.join("shared/base/kustomization.yaml"), "resources: [base.yaml]\n").unwrap();
    std::fs::write(root.join("shared/base/base.yaml"), policy("base")).unwrap();
    std::fs::write(root.join("elsewhere/out.yaml"), policy("out")).unwrap();
    std::fs::write(root.join("app/real.yaml"), policy("real")).unwrap();
    std::os::unix::fs::symlink("../shared/base", root.join("app/base")).unwrap();
    std::os::unix::fs::symlink("real.yaml", root.join("app/inside.yaml")).unwrap();
    std::os::unix::fs::symlink("../elsewhere/out.yaml", root.join("app/outside.yaml")).unwrap();
    let app = root.join("app");
    let read = |k: &str| {
        std::fs::write(app.join("kustomization.yaml"), k).unwrap();
        let collected = netpol_intent::shell::input::collect::collect(&app, &mut std::io::empty());
        let ours = collected.and_then(|c| netpol_intent::policy::read::read(&c, "default"));
        (ours, kubectl_kustomize(&app))
    };

    // A directory linked from elsewhere, and a file linked within the directory: read.
    let (ours, build) = read("resources: [base, inside.yaml]\n");
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let built =
        Collected::from(vec![Source { name: "b".into(), text: String::from_utf8(build.stdout).unwrap() }]);
    let theirs = netpol_intent::policy::read::read(&built, "default").unwrap().policies;
    assert_eq!(normalised(ours.unwrap().policies), normalised(theirs));

    // A file that resolves outside: refused, by both.
    let (ours, build) = read("resources: [outside.yaml]\n");
    assert!(!build.status.success());
    let problems = ours.unwrap_err();
    assert_eq!(problems[0].code, Some(netpol_intent::diag::Code::InvalidKustomization), "{problems:?}");
    assert!(problems[0].message.contains("outside the kustomization's directory"), "{problems:?}");

    // `base/..` is `app` itself, lexically, though `base` links elsewhere: a cycle for both.
    let (ours, build) = read("resources: [base/..]\n");
    assert!(!build.status.success());
    assert!(ours.unwrap_err()[0].message.contains("makes a cycle"));
}

/// The additions change one default, `internet.egress.to` (100.64.0.0/10 and 169.254.0.0/16
/// excepted too): an intent that did not change, diffed against the policies it generated
/// before (the examples' output then, kept in `tests/diff/before-additions/`), shows the
/// `internet-egress` policies changed by those two ranges (each a danger too, since what is
/// applied allows more) and nothing else.
#[test]
fn the_new_internet_egress_default_changes_only_internet_egress_policies() {
    let before = common::root().join("tests/diff/before-additions");
    let mut changed = 0;
    for old in common::files(&before, ".yaml") {
        let example = old.file_stem().unwrap().to_string_lossy().to_string();
        let intent =
            std::fs::read_to_string(common::root().join("examples").join(&example).join("intent.yaml"))
                .unwrap();
        let text = std::fs::read_to_string(&old).unwrap();
        let sources = vec![Source { name: format!("{example}.yaml"), text }];
        let report = netpol_intent::diff(&intent, &Collected::from(sources), "default").unwrap();
        assert!(report.added.is_empty() && report.removed.is_empty(), "{example}: {report:?}");
        assert!(report.unmanaged.is_empty(), "{example}: {report:?}");
        // The policies applied now allow more than the new ones (the two ranges): each is a
        // danger too, so that `--fail-on dangers` holds the change up until it is applied.
        for danger in &report.dangers {
            assert!(danger.policy.name.starts_with("internet-egress"), "{example}: {danger:?}");
            assert_eq!(danger.direction, netpol_intent::intent::PolicyType::Egress, "{example}: {danger:?}");
        }
        assert_eq!(report.dangers.len(), report.changed.len(), "{example}: {report:?}");
        for change in &report.changed {
            assert!(change.policy.name.starts_with("internet-egress"), "{example}: {:?}", change.policy);
            let lines: Vec<&str> = change
                .diff
                .lines()
                .filter(|l| l.starts_with(['+', '-']) && !l.starts_with("+++") && !l.starts_with("---"))
                .collect();
            assert_eq!(
                lines,
                ["+        - 100.64.0.0/10", "+        - 169.254.0.0/16"],
                "{example}: {}",
                change.diff
            );
            changed += 1;
        }
        common::golden(&before.join(format!("{example}.txt")), &netpol_intent::report::text(&report, false));
    }
    assert!(changed >= 2, "the ingress-egress example's internet-egress policies change");
}

/// Several intents: one report per intent, in the order of the files, each what that intent
/// alone gives; JSON reports are one document each; the status is the worst report's; intents
/// that share a namespace are an error naming both files.
#[test]
fn several_intents_give_one_report_each_in_the_order_of_their_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("both").display().to_string();
    let a = common::root().join("examples/hub-and-spoke/intent.yaml").display().to_string();
    let b = common::root().join("examples/article-ingress/intent.yaml").display().to_string();
    assert_eq!(common::run(&["generate", &a, "-o", &dir], "").code, 0);
    let alone = |intent: &str, format: &str| {
        common::run(&["diff", intent, "--against", &dir, "--format", format], "")
    };
    let both = common::run(&["diff", &b, &a, "--against", &dir, "--format", "text"], "");
    assert_eq!(both.code, 1, "shop's policies are missing: {}", both.stderr);
    assert_eq!(both.stdout, format!("{}\n{}", alone(&b, "text").stdout, alone(&a, "text").stdout));
    let json = common::run(&["diff", &b, &a, "--against", &dir, "--format", "json"], "");
    let reports: Vec<serde_json::Value> =
        serde_json::Deserializer::from_str(&json.stdout).into_iter().map(Result::unwrap).collect();
    let intents: Vec<&str> = reports.iter().map(|r| r["intent"].as_str().unwrap()).collect();
    assert_eq!(intents, ["shop", "platform"]);
    assert_eq!(json.stdout, format!("{}{}", alone(&b, "json").stdout, alone(&a, "json").stdout));
    let markdown = common::run(&["diff", &a, &b, "--against", &dir, "--format", "markdown"], "");
    assert_eq!(markdown.stdout.matches("### netpol-intent diff: intent `").count(), 2);
    // Only the up-to-date one: exit 0.
    assert_eq!(common::run(&["diff", &a, "--against", &dir], "").code, 0);

    let clash = tmp.path().join("clash.yaml");
    std::fs::write(&clash, std::fs::read_to_string(&b).unwrap().replace("name: shop", "name: other"))
        .unwrap();
    let out = common::run(&["diff", &b, clash.to_str().unwrap(), "--against", &dir], "");
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(out.stderr.contains(&format!("is also managed by intent `shop` in {b}")), "{}", out.stderr);
}

/// `--ignore-label KEY` leaves the label out on both sides (a deployer's tracking label is no
/// drift), keeps every other label, and refuses the managed-by label and what is no label key.
#[test]
fn ignore_label_leaves_a_label_out_of_the_comparison() {
    let intent = common::root().join("examples/ingress-egress/intent.yaml").display().to_string();
    let generated = common::run(&["generate", &intent], "").stdout;
    let tracked = generated.replace(
        "    app.kubernetes.io/managed-by: netpol-intent\n",
        "    app.kubernetes.io/instance: shop\n    app.kubernetes.io/managed-by: netpol-intent\n",
    );
    assert_ne!(tracked, generated);
    let diff = |more: &[&str]| {
        let args: Vec<&str> = ["diff", &intent, "--against", "-", "--format", "json"]
            .iter()
            .copied()
            .chain(more.iter().copied())
            .collect();
        let out = common::run(&args, &tracked);
        (out.code, serde_json::from_str::<serde_json::Value>(&out.stdout).ok(), out.stderr)
    };
    let (code, report, _) = diff(&[]);
    assert_eq!((code, report.unwrap()["summary"]["unchanged"].as_u64()), (1, Some(0)));
    let (code, report, _) = diff(&["--ignore-label", "app.kubernetes.io/instance"]);
    let report = report.unwrap();
    assert_eq!((code, &report["summary"]["changed"]), (0, &serde_json::json!(0)));
    // Another label still counts.
    let other = tracked.replacen("app.kubernetes.io/instance: shop", "team: payments", 1);
    let out = common::run(
        &[
            "diff",
            &intent,
            "--against",
            "-",
            "--ignore-label",
            "app.kubernetes.io/instance",
            "--ignore-label",
            "x",
        ],
        &other,
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("+ ") || out.stdout.contains("~ change"), "{}", out.stdout);
    for (key, says) in
        [("app.kubernetes.io/managed-by", "cannot be ignored"), ("not a key", "is no label key")]
    {
        let (code, _, stderr) = diff(&["--ignore-label", key]);
        assert_eq!(code, 2);
        assert!(stderr.contains(says), "{key}: {stderr}");
    }
}
