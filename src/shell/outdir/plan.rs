//! What `generate -o DIR` will do, decided from a [`Snapshot`] of DIR (its entries, who owns
//! each file, and the text of the files the decision compares) and the generated files:
//! which files to write, which to keep, which to remove and what the `kustomization.yaml`
//! lists. Pure, so tests check every decision without a disk; [`super::apply`] carries it out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use k8s_openapi::api::networking::v1::NetworkPolicy;

use super::{Error, Written, KUSTOMIZATION_MARKER};
use crate::yaml::{self, Node};

/// The kustomization netpol-intent writes, and the other names kustomize reads.
pub(crate) const KUSTOMIZATION: &str = "kustomization.yaml";
const OTHER_KUSTOMIZATIONS: [&str; 2] = ["kustomization.yml", "Kustomization"];

/// Who a file in DIR belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// One of the intents being written (one run may write several).
    ThisIntent,
    Intent(String),
    User,
}

/// Reads who a file belongs to from its text: a file holding exactly one NetworkPolicy is its
/// managing intent's ([`crate::policy::ownership`]), one of `intents` or another; anything else
/// is the user's.
pub(crate) fn owner(text: &str, intents: &[&str]) -> Owner {
    let Ok(docs) = yaml::parse(text, &yaml::Limits::default()) else { return Owner::User };
    let [doc] = docs.as_slice() else { return Owner::User };
    match crate::policy::ownership::of_node(doc) {
        Some(name) if intents.contains(&name) => Owner::ThisIntent,
        Some(name) => Owner::Intent(name.to_string()),
        None => Owner::User,
    }
}

/// One entry of DIR as it is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    Dir,
    /// A file: its owner when it is a `.yaml` or `.yml` file of no hidden path, and its
    /// content when the plan compares it (this intent's files, the kustomization).
    File {
        owner: Option<Owner>,
        text: Option<Vec<u8>>,
    },
    Symlink(PathBuf),
}

/// DIR's entries by path relative to DIR, parts joined with `/`.
pub(crate) type Snapshot = BTreeMap<String, Entry>;

/// What a write will do.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The counts it reports.
    pub written: Written,
    /// Files to write, with their text: new or changed policy files and the kustomization.
    pub write: BTreeMap<String, String>,
    /// Files to keep as they are: users', other intents', this intent's unchanged ones.
    pub keep: BTreeSet<String>,
    /// This intent's files that it no longer generates.
    pub remove: BTreeSet<String>,
    /// What the kustomization lists.
    pub resources: BTreeSet<String>,
}

impl Plan {
    /// True when DIR is already as it would be written.
    pub fn changes_nothing(&self) -> bool {
        self.write.is_empty() && self.remove.is_empty()
    }
}

/// The path of a policy's file, relative to DIR.
pub fn policy_path(policy: &NetworkPolicy) -> String {
    let m = &policy.metadata;
    format!("{}/{}.yaml", m.namespace.as_deref().unwrap_or_default(), m.name.as_deref().unwrap_or_default())
}

/// The `kustomization.yaml` listing `resources`.
pub fn kustomization(resources: &BTreeSet<String>) -> String {
    let mut out = format!(
        "{KUSTOMIZATION_MARKER}: it lists the NetworkPolicy files of every intent in this directory.\n\
         # Do not edit: `netpol-intent generate INTENT -o DIR` rewrites it.\n\
         apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
    );
    let list: Vec<Node> = resources.iter().map(|r| Node::str(r.as_str())).collect();
    out.push_str(&yaml::emit_one(&Node::map_from(vec![("resources", Node::seq(list))])));
    out
}

/// Each policy's file and text; refused when a text holds `${`, which Flux's post-build
/// substitution would replace.
pub(crate) fn files(policies: &[NetworkPolicy]) -> Result<BTreeMap<String, String>, Error> {
    let mut files = BTreeMap::new();
    for p in policies {
        let text = yaml::emit_one(&crate::policy::render::policy_node(p));
        let path = policy_path(p);
        if text.contains("${") {
            return Err(Error::Substitution { what: path });
        }
        files.insert(path, text);
    }
    Ok(files)
}

/// The plan for writing `new_files` into the DIR of `snapshot` (shown in messages as
/// `shown`). Refused: a link or a file on the way to a path to write; a file there that is
/// not this intent's; a kustomization netpol-intent did not write.
pub(crate) fn plan(
    shown: &Path,
    snapshot: &Snapshot,
    new_files: &BTreeMap<String, String>,
) -> Result<Plan, Error> {
    let writes = new_files.keys().map(String::as_str).chain([KUSTOMIZATION]);
    check_no_link_on_the_way(shown, snapshot, writes)?;
    let old_kustomization = old_kustomization(shown, snapshot)?;
    let mut plan = Plan { resources: new_files.keys().cloned().collect(), ..Plan::default() };
    for (path, text) in new_files {
        match snapshot.get(path) {
            None => plan.written.written += 1,
            Some(Entry::File { owner: Some(Owner::ThisIntent), text: old }) => {
                if old.as_deref() == Some(text.as_bytes()) {
                    plan.written.unchanged += 1;
                    plan.keep.insert(path.clone());
                    continue;
                }
                plan.written.written += 1;
            }
            Some(Entry::File { owner: Some(Owner::Intent(other)), .. }) => {
                return Err(Error::NotOurs { path: shown.join(path), owner: format!("intent `{other}`'s") })
            }
            Some(_) => {
                return Err(Error::NotOurs { path: shown.join(path), owner: "not netpol-intent's".into() })
            }
        }
        plan.write.insert(path.clone(), text.clone());
    }
    for (path, entry) in snapshot {
        let Entry::File { owner, .. } = entry else {
            if let Entry::Symlink(_) = entry {
                plan.written.kept += 1;
            }
            continue;
        };
        if new_files.contains_key(path) || path == KUSTOMIZATION {
            continue;
        }
        match owner {
            Some(Owner::ThisIntent) => {
                plan.written.removed += 1;
                plan.remove.insert(path.clone());
            }
            Some(Owner::Intent(_)) => {
                plan.resources.insert(path.clone());
                plan.written.kept += 1;
                plan.keep.insert(path.clone());
            }
            _ => {
                plan.written.kept += 1;
                plan.keep.insert(path.clone());
            }
        }
    }
    let kustomization = kustomization(&plan.resources);
    if kustomization.contains("${") {
        return Err(Error::Substitution { what: KUSTOMIZATION.into() });
    }
    if old_kustomization == Some(kustomization.as_bytes()) {
        plan.keep.insert(KUSTOMIZATION.to_string());
    } else {
        plan.written.written += 1;
        plan.write.insert(KUSTOMIZATION.to_string(), kustomization);
    }
    Ok(plan)
}

/// What carrying out `plan` would change in the DIR of `snapshot` (shown as `shown`), as a
/// unified diff per file, in path order: each file to write against its text now (none for a
/// new one), each to remove against nothing. Empty when the plan changes nothing.
pub(crate) fn diff(shown: &Path, snapshot: &Snapshot, plan: &Plan) -> String {
    let old = |path: &str| match snapshot.get(path) {
        Some(Entry::File { text: Some(text), .. }) => String::from_utf8_lossy(text).into_owned(),
        _ => String::new(),
    };
    let changes = plan
        .write
        .iter()
        .map(|(path, text)| (path, old(path), text.clone()))
        .chain(plan.remove.iter().map(|path| (path, old(path), String::new())));
    let mut changes: Vec<(&String, String, String)> = changes.collect();
    changes.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::new();
    for (path, old, new) in changes {
        let name = shown.join(path).display().to_string();
        let (from, to) = match (old.is_empty(), new.is_empty()) {
            (true, _) => ("/dev/null".to_string(), name),
            (_, true) => (name, "/dev/null".to_string()),
            _ => (name.clone(), name),
        };
        let diff = similar::TextDiff::from_lines(&old, &new);
        out.push_str(&diff.unified_diff().context_radius(3).header(&from, &to).to_string());
    }
    out
}

/// The text of the kustomization netpol-intent wrote before, if any; an error for one it did
/// not write (or one of another name).
fn old_kustomization<'s>(shown: &Path, snapshot: &'s Snapshot) -> Result<Option<&'s [u8]>, Error> {
    for name in OTHER_KUSTOMIZATIONS {
        if snapshot.contains_key(name) {
            return Err(Error::ForeignKustomization { path: shown.join(name) });
        }
    }
    match snapshot.get(KUSTOMIZATION) {
        None => Ok(None),
        Some(Entry::File { text: Some(text), .. }) if text.starts_with(KUSTOMIZATION_MARKER.as_bytes()) => {
            Ok(Some(text))
        }
        Some(_) => Err(Error::ForeignKustomization { path: shown.join(KUSTOMIZATION) }),
    }
}

/// Refuses a symbolic link at, or on the way to, a path to be written (`shop` in
/// `shop/default-deny-all.yaml`), and a file where a directory is to be.
fn check_no_link_on_the_way<'a>(
    shown: &Path,
    snapshot: &Snapshot,
    writes: impl Iterator<Item = &'a str>,
) -> Result<(), Error> {
    for path in writes {
        let mut prefix = String::new();
        for part in path.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            match snapshot.get(&prefix) {
                Some(Entry::Symlink(target)) => {
                    return Err(Error::Symlink { path: shown.join(&prefix), target: target.clone() })
                }
                Some(Entry::File { .. }) if prefix != path => {
                    return Err(Error::NotADirectory { path: shown.join(&prefix) })
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: a\n  \
                        labels: {app.kubernetes.io/managed-by: netpol-intent}\n  \
                        annotations: {netpol-intent.dev/intent: shop}\n";

    #[test]
    fn ownership_is_read_from_the_label_and_the_annotation() {
        assert_eq!(owner(OURS, &["shop"]), Owner::ThisIntent);
        assert_eq!(owner(OURS, &["web", "shop"]), Owner::ThisIntent);
        assert_eq!(owner(OURS, &["web"]), Owner::Intent("shop".into()));
        assert_eq!(owner(&OURS.replace("netpol-intent}", "helm}"), &["shop"]), Owner::User);
        assert_eq!(owner(&format!("{OURS}---\n{OURS}"), &["shop"]), Owner::User);
        assert_eq!(owner("a: [", &["shop"]), Owner::User);
        assert_eq!(owner(&OURS.replace("kind: NetworkPolicy", "kind: ConfigMap"), &["shop"]), Owner::User);
    }

    #[test]
    fn the_kustomization_lists_resources_and_carries_the_marker() {
        let k = kustomization(&["b/x.yaml".to_string(), "a/y.yaml".to_string()].into());
        assert!(k.starts_with(KUSTOMIZATION_MARKER));
        assert!(k.ends_with("kind: Kustomization\nresources:\n- a/y.yaml\n- b/x.yaml\n"), "{k}");
    }

    fn file(owner: Option<Owner>, text: Option<&str>) -> Entry {
        Entry::File { owner, text: text.map(|t| t.as_bytes().to_vec()) }
    }

    fn new(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
    }

    /// A DIR with this intent's unchanged, changed and stale files, another intent's, a user's
    /// and a link: what is written, kept, removed and listed.
    #[test]
    fn a_plan_writes_keeps_removes_and_lists_without_a_disk() {
        let snapshot = Snapshot::from([
            ("shop".into(), Entry::Dir),
            ("shop/same.yaml".into(), file(Some(Owner::ThisIntent), Some("same"))),
            ("shop/changed.yaml".into(), file(Some(Owner::ThisIntent), Some("old"))),
            ("shop/stale.yaml".into(), file(Some(Owner::ThisIntent), Some("stale"))),
            ("web/theirs.yaml".into(), file(Some(Owner::Intent("web".into())), None)),
            ("README.md".into(), file(None, None)),
            ("notes.yaml".into(), file(Some(Owner::User), None)),
            ("link".into(), Entry::Symlink("elsewhere".into())),
        ]);
        let files =
            new(&[("shop/same.yaml", "same"), ("shop/changed.yaml", "new"), ("shop/added.yaml", "added")]);
        let plan = plan(Path::new("out"), &snapshot, &files).unwrap();
        assert_eq!(
            plan.written,
            Written { written: 3, unchanged: 1, removed: 1, kept: 4, leftover: None },
            "{plan:#?}"
        );
        let written: Vec<&str> = plan.write.keys().map(String::as_str).collect();
        assert_eq!(written, ["kustomization.yaml", "shop/added.yaml", "shop/changed.yaml"]);
        let kept: Vec<&str> = plan.keep.iter().map(String::as_str).collect();
        assert_eq!(kept, ["README.md", "notes.yaml", "shop/same.yaml", "web/theirs.yaml"]);
        assert_eq!(plan.remove.iter().collect::<Vec<_>>(), ["shop/stale.yaml"]);
        let listed: Vec<&str> = plan.resources.iter().map(String::as_str).collect();
        assert_eq!(listed, ["shop/added.yaml", "shop/changed.yaml", "shop/same.yaml", "web/theirs.yaml"]);
        assert!(plan.write["kustomization.yaml"].ends_with("- web/theirs.yaml\n"));
    }

    #[test]
    fn a_second_plan_of_the_same_files_changes_nothing() {
        let files = new(&[("shop/a.yaml", "a")]);
        let first = plan(Path::new("out"), &Snapshot::new(), &files).unwrap();
        let mut snapshot: Snapshot =
            first.write.iter().map(|(p, t)| (p.clone(), file(Some(Owner::ThisIntent), Some(t)))).collect();
        snapshot.insert(
            "kustomization.yaml".into(),
            file(Some(Owner::User), Some(&first.write["kustomization.yaml"])),
        );
        let second = plan(Path::new("out"), &snapshot, &files).unwrap();
        assert!(second.changes_nothing(), "{second:#?}");
        assert_eq!((second.written.unchanged, second.written.written), (1, 0));
        assert_eq!(diff(Path::new("out"), &snapshot, &second), "");
    }

    /// The kustomization alone out of date (another intent's file added by hand): it is
    /// rewritten, and counted.
    #[test]
    fn a_rewritten_kustomization_is_counted_and_shown() {
        let files = new(&[("shop/a.yaml", "a\n")]);
        let first = plan(Path::new("out"), &Snapshot::new(), &files).unwrap();
        assert_eq!(first.written.written, 2, "the policy file and the kustomization");
        let mut snapshot: Snapshot =
            first.write.iter().map(|(p, t)| (p.clone(), file(Some(Owner::ThisIntent), Some(t)))).collect();
        snapshot.insert("web/b.yaml".into(), file(Some(Owner::Intent("web".into())), None));
        let second = plan(Path::new("out"), &snapshot, &files).unwrap();
        assert_eq!((second.written.written, second.written.unchanged), (1, 1));
        let shown = diff(Path::new("out"), &snapshot, &second);
        assert!(shown.starts_with("--- out/kustomization.yaml\n+++ out/kustomization.yaml\n"), "{shown}");
        assert!(shown.contains("\n+- web/b.yaml\n"), "{shown}");
    }

    #[test]
    fn the_diff_shows_new_changed_and_removed_files() {
        let snapshot = Snapshot::from([
            ("shop/changed.yaml".into(), file(Some(Owner::ThisIntent), Some("port: 80\n"))),
            ("shop/stale.yaml".into(), file(Some(Owner::ThisIntent), Some("stale\n"))),
        ]);
        let files = new(&[("shop/changed.yaml", "port: 8080\n"), ("shop/added.yaml", "added\n")]);
        let plan = plan(Path::new("out"), &snapshot, &files).unwrap();
        let shown = diff(Path::new("out"), &snapshot, &plan);
        let heads: Vec<&str> =
            shown.lines().filter(|l| l.starts_with("---") || l.starts_with("+++")).collect();
        assert_eq!(
            heads,
            [
                "--- /dev/null",
                "+++ out/kustomization.yaml",
                "--- /dev/null",
                "+++ out/shop/added.yaml",
                "--- out/shop/changed.yaml",
                "+++ out/shop/changed.yaml",
                "--- out/shop/stale.yaml",
                "+++ /dev/null"
            ]
        );
        assert!(shown.contains("-port: 80\n+port: 8080\n"), "{shown}");
    }

    #[test]
    fn what_is_not_this_intents_is_refused_where_it_would_write() {
        let files = new(&[("shop/a.yaml", "a")]);
        let refused = |snapshot: Snapshot| plan(Path::new("out"), &snapshot, &files).unwrap_err().to_string();
        let theirs = Snapshot::from([("shop/a.yaml".into(), file(Some(Owner::Intent("web".into())), None))]);
        assert!(refused(theirs).contains("out/shop/a.yaml is intent `web`'s"));
        let users = Snapshot::from([("shop/a.yaml".into(), file(Some(Owner::User), None))]);
        assert!(refused(users).contains("not netpol-intent's"));
        let link = Snapshot::from([("shop".into(), Entry::Symlink("/etc".into()))]);
        assert!(refused(link).contains("out/shop is a symbolic link (to /etc)"));
        let in_the_way = Snapshot::from([("shop".into(), file(None, None))]);
        assert!(refused(in_the_way).contains("out/shop is not a directory"));
        let foreign =
            Snapshot::from([("kustomization.yaml".into(), file(Some(Owner::User), Some("resources: []\n")))]);
        assert!(refused(foreign).contains("was not written by netpol-intent"));
        let other_name = Snapshot::from([("Kustomization".into(), file(None, None))]);
        assert!(refused(other_name).contains("out/Kustomization was not written by netpol-intent"));
    }
}
