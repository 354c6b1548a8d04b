//! What a release ships and how it is made: the license the manifest declares, the changelog
//! and its sections in the release notes, executable scripts in git, the build context kept
//! small, one version everywhere a home pins one, every home's page linking the install page,
//! and the workflows: what they run, actions pinned by commit, least privilege, and
//! `actionlint` and `zizmor` passing.
//!
//! Where actionlint or zizmor is not installed the lint test says so and passes, unless
//! `NETPOL_INTENT_REQUIRE_LINTERS=1` is set, as `.ci/run` does (it installs both).

mod common;

use std::process::Command;

use netpol_intent::yaml::Node;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(rel: &str) -> String {
    std::fs::read_to_string(common::root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A workflow as GitHub reads it: YAML 1.2 (`on:` is a key, not a boolean).
fn parse(rel: &str) -> Node {
    netpol_intent::yaml::parse_as_yaml_1_2(&read(rel), &Default::default()).unwrap().remove(0)
}

fn manifest_field(name: &str) -> String {
    let manifest = read("Cargo.toml");
    let prefix = format!("{name} = \"");
    let line = manifest.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("no {name}"));
    line[prefix.len()..line.len() - 1].to_string()
}

#[test]
fn the_license_is_the_apache_2_text_the_manifest_declares() {
    assert_eq!(manifest_field("license"), "Apache-2.0");
    let license = read("LICENSE");
    let words: Vec<&str> = license.split_whitespace().collect();
    assert_eq!(words[..5], ["Apache", "License", "Version", "2.0,", "January"]);
    for part in [
        "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION",
        "9. Accepting Warranty or Additional Liability.",
    ] {
        assert!(license.contains(part), "{part}");
    }
    assert!(license.contains("END OF TERMS AND CONDITIONS"));
    use sha2::Digest;
    let digest = sha2::Sha256::digest(license.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    // The text as apache.org publishes it (LICENSE-2.0.txt).
    assert_eq!(hex, "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30");
}

#[test]
fn the_manifest_says_where_the_project_and_its_docs_are() {
    for field in ["repository", "homepage", "documentation", "readme", "description"] {
        assert!(!manifest_field(field).is_empty(), "{field}");
    }
    assert!(manifest_field("documentation").starts_with(&manifest_field("repository")));
}

#[test]
fn the_changelog_keeps_an_unreleased_section_and_one_per_version_for_the_release_notes() {
    let changelog = read("CHANGELOG.md");
    assert!(changelog.starts_with("# Changelog\n"));
    assert!(changelog.contains("https://keepachangelog.com/"));
    let sections: Vec<&str> = changelog.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(sections[0], "## [Unreleased]");
    assert!(sections.iter().any(|s| s.starts_with(&format!("## [{VERSION}] - "))), "{sections:?}");
    for section in &sections[1..] {
        let date = section.rsplit(" - ").next().unwrap();
        assert!(date.len() == 10 && date.chars().filter(|c| *c == '-').count() == 2, "{section}");
    }
    // The release workflow's extraction of a version's notes, run on the changelog.
    let workflow = read(".github/workflows/release.yml");
    let awk = workflow.lines().map(str::trim).find(|l| l.starts_with("awk -v v=")).expect("the awk line");
    let out = Command::new("bash")
        .arg("-c")
        .arg(awk.replace("\"$version\"", VERSION))
        .current_dir(common::root())
        .output()
        .unwrap();
    let notes = String::from_utf8(out.stdout).unwrap();
    assert!(
        notes.contains("### Added") && !notes.contains("## [") && !notes.contains("]: https://"),
        "{notes}"
    );
}

/// Every script a user or CI runs, by mode in git.
#[test]
fn every_shipped_script_is_executable_in_git() {
    let out = Command::new("git").args(["ls-files", "-s"]).current_dir(common::root()).output();
    let Ok(out) = out.map(|o| String::from_utf8(o.stdout).unwrap()).map(|s| (!s.is_empty()).then_some(s))
    else {
        return;
    };
    let Some(listing) = out else {
        eprintln!("skipped: not a git checkout");
        return;
    };
    let mut scripts = 0;
    for line in listing.lines() {
        let (meta, path) = line.split_once('\t').unwrap();
        let text = std::fs::read(common::root().join(path)).unwrap_or_default();
        if path.ends_with(".sh") || text.starts_with(b"#!") {
            scripts += 1;
            assert!(meta.starts_with("100755 "), "{path} is not executable in git: {meta}");
        }
    }
    assert!(scripts >= 7, "{scripts} scripts");
}

#[test]
fn the_build_context_never_holds_the_build_output_or_the_history() {
    let ignore = read(".dockerignore");
    let lines: Vec<&str> = ignore.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
    assert_eq!(lines[0], "*", "everything is ignored but what is named");
    assert!(lines[1..].iter().all(|l| l.starts_with('!') && !l.contains("target") && !l.contains(".git")));
}

/// Every place a home names a released version: the image's tag, the action's and the hook
/// repository's tags, the installers' versions. A release bumps them all with `Cargo.toml`.
#[test]
fn every_pinned_reference_names_this_version() {
    let mut files = vec![common::root().join(".pre-commit-hooks.yaml")];
    for dir in ["docs", "examples"] {
        files.extend(
            common::tree(&common::root().join(dir), &[])
                .into_iter()
                .map(|rel| common::root().join(dir).join(rel)),
        );
    }
    let mut found = 0;
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        for prefix in [
            "ghcr.io/netpol-intent/netpol-intent:",
            "netpol-intent/netpol-intent@v",
            "rev: v",
            "--tag v",
            "newTag: ",
            "netpol-intent@",
            "VERSION: ",
        ] {
            for (at, _) in text.match_indices(prefix) {
                let rest = &text[at + prefix.len()..];
                let version: String =
                    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
                if !version.starts_with(|c: char| c.is_ascii_digit()) {
                    continue; // a placeholder such as `<version>`, or a commit
                }
                found += 1;
                assert_eq!(version, VERSION, "{}: `{prefix}{version}`", file.display());
            }
        }
    }
    assert!(found >= 10, "{found} pinned references");
}

#[test]
fn every_home_page_links_the_install_page() {
    for page in
        ["docs/github-action.md", "docs/argocd.md", "docs/flux.md", "docs/pre-commit.md", "docs/krm.md"]
    {
        assert!(read(page).contains("](install.md"), "{page} does not link install.md");
    }
    assert!(read("README.md").contains("](docs/install.md)"));
}

fn uses(workflow: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for (_, job) in workflow.get("jobs").unwrap().as_map().unwrap() {
        for step in job.get("steps").unwrap().as_seq().unwrap() {
            if let Some(action) = step.get("uses").and_then(Node::as_str) {
                out.push(action.to_string());
            }
        }
    }
    out
}

#[test]
fn ci_runs_dot_ci_run_on_pull_requests() {
    let ci = parse(".github/workflows/ci.yml");
    assert!(ci.get("on").unwrap().get("pull_request").is_some());
    let text = read(".github/workflows/ci.yml");
    assert!(text.contains("run: bash .ci/run\n"), "{text}");
    assert_eq!(ci.get("permissions").unwrap().get("contents").and_then(Node::as_str), Some("read"));
}

#[test]
fn the_release_builds_every_platform_archives_sums_and_pushes_the_multi_arch_image() {
    let release = parse(".github/workflows/release.yml");
    let on = release.get("on").unwrap().get("push").unwrap();
    let tags: Vec<&str> =
        on.get("tags").unwrap().as_seq().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(tags, ["v[0-9]+.[0-9]+.[0-9]+*"]);
    assert_eq!(
        release.get("permissions").unwrap().as_map().map(<[_]>::len),
        Some(0),
        "no permission by default"
    );
    let jobs = release.get("jobs").unwrap();
    let matrix = jobs.get("binaries").unwrap().get("strategy").unwrap().get("matrix").unwrap();
    let targets: Vec<&str> = matrix
        .get("include")
        .unwrap()
        .as_seq()
        .unwrap()
        .iter()
        .map(|t| t.get("target").unwrap().as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "aarch64-apple-darwin",
            "x86_64-apple-darwin"
        ]
    );
    let text = read(".github/workflows/release.yml");
    for part in [
        "dist/binary.sh \"$TARGET\"",
        "action/package.sh \"$VERSION\" \"$TARGET\" \"$binary\" out",
        "sha256sum -- *.tar.gz >SHA256SUMS",
        "--platform linux/amd64,linux/arm64",
        "--file dist/Containerfile",
        "--push context",
        "Image: \\`$IMAGE:$version@$DIGEST\\`",
        "assets/*.tar.gz assets/*.sha256 assets/SHA256SUMS",
    ] {
        assert!(text.contains(part), "release.yml lacks `{part}`");
    }
    for (name, job) in jobs.as_map().unwrap() {
        assert!(job.get("permissions").is_some(), "job {} states its permissions", name.as_str().unwrap());
    }
}

/// Actions are pinned to a commit, with the version in a comment, and the checkout keeps no
/// credentials.
#[test]
fn the_workflows_pin_every_action_to_a_commit() {
    for rel in [".github/workflows/ci.yml", ".github/workflows/release.yml"] {
        let text = read(rel);
        for action in uses(&parse(rel)) {
            let (_, sha) = action.split_once('@').unwrap();
            assert!(sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()), "{rel}: {action}");
            assert!(text.contains(&format!("{action} # v")), "{rel}: {action} has no version comment");
        }
        assert_eq!(
            text.matches("actions/checkout@").count(),
            text.matches("persist-credentials: false").count()
        );
    }
}

/// `actionlint` on every workflow (ours and the examples'), `zizmor` on ours and the action.
#[test]
fn actionlint_and_zizmor_pass() {
    let var = "NETPOL_INTENT_REQUIRE_LINTERS";
    if !common::available_or_required("actionlint", &["-version"], var)
        || !common::available_or_required("zizmor", &["--version"], var)
    {
        return;
    }
    let show = |out: &std::process::Output| {
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    };
    let workflows = [
        ".github/workflows/ci.yml",
        ".github/workflows/release.yml",
        "examples/github/network-policies.yaml",
        "examples/flux/ci-check.yaml",
    ];
    let lint = Command::new("actionlint").args(workflows).current_dir(common::root()).output().unwrap();
    assert!(lint.status.success(), "actionlint:\n{}", show(&lint));
    let audit = Command::new("zizmor")
        .args([
            "--offline",
            "--no-progress",
            ".github/workflows/ci.yml",
            ".github/workflows/release.yml",
            "action.yml",
        ])
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(audit.status.success(), "zizmor:\n{}", show(&audit));
    assert!(show(&audit).contains("No findings"), "{}", show(&audit));
}
