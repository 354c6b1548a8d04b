//! netpol-intent as a KRM function (the kustomize functions spec, as run by `kpt` and by
//! `kustomize` exec plugins): a `ResourceList` in, whose `functionConfig` is the NetworkIntent,
//! and the `ResourceList` to write back out, with its items and results.
//!
//! [`run`] is pure (text in, text out); the command line only feeds it standard input. It
//! reuses the core — decode, validate, expand, render — and adds what a function needs: which
//! items it owns, where generated policies go, and what changed.
//!
//! Items the function does not own come out as their original text, cut out of the input and
//! re-indented (see [`entry`]), so every field, annotation, comment and scalar spelling stays.
//!
//! The function's own settings are annotations on the functionConfig's metadata:
//! [`MODE_ANNOTATION`] (`generate`, the default, or `check`) and [`OUTPUT_PATH_ANNOTATION`]
//! (default [`DEFAULT_OUTPUT_PATH`]).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::networking::v1::NetworkPolicy;
use serde_json::Value;

use crate::decode::key_path;
use crate::diag::{self, Diagnostic};
use crate::diff;
use crate::yaml::{self, Node};

/// Selects what the function does: `generate` (the default) or `check`.
pub const MODE_ANNOTATION: &str = "netpol-intent.dev/mode";
/// Where generated policies are written, relative to the package, with the placeholders
/// `{namespace}`, `{name}` and `{intent}`.
pub const OUTPUT_PATH_ANNOTATION: &str = "netpol-intent.dev/output-path";
pub const DEFAULT_OUTPUT_PATH: &str = "network-policies/{namespace}/{name}.yaml";

const OWN_PREFIX: &str = "netpol-intent.dev/";
const OWN_ANNOTATIONS: [&str; 2] = [MODE_ANNOTATION, OUTPUT_PATH_ANNOTATION];
const PLACEHOLDERS: [&str; 3] = ["namespace", "name", "intent"];

/// The file an item comes from (kpt), and its legacy spelling; they must agree.
const PATH: &str = "internal.config.kubernetes.io/path";
const LEGACY_PATH: &str = "config.kubernetes.io/path";
/// The item's position in that file.
const INDEX: &str = "internal.config.kubernetes.io/index";
const LEGACY_INDEX: &str = "config.kubernetes.io/index";
const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";
const DEFAULT_API_VERSION: &str = "config.kubernetes.io/v1";

/// What one run of the function writes: the ResourceList for standard output, the exit status,
/// and the lines for standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KrmRun {
    pub output: String,
    pub exit_code: i32,
    pub log: String,
}

/// Runs the function on the text of a ResourceList (YAML or JSON).
pub fn run(input: &str) -> KrmRun {
    let limits = yaml::Limits::default();
    let rewritten;
    let (src, docs) = match yaml::parse(input, &limits) {
        Ok(docs) => (input, docs),
        Err(e) => {
            // JSON may spell a character outside the BMP as a surrogate pair, which YAML refuses.
            let retry = json_surrogates_as_yaml(input).and_then(|text| {
                let docs = yaml::parse(&text, &limits).ok()?;
                Some((text, docs))
            });
            let Some((text, docs)) = retry else {
                return failure(&format!("cannot read the input: {e}"));
            };
            rewritten = text;
            (rewritten.as_str(), docs)
        }
    };
    let list = match List::read(src, &docs) {
        Ok(list) => list,
        Err(message) => return failure(&message),
    };
    let results = Vec::new();
    let mut run = Run { list, results };
    let entries = run.process();
    run.finish(&entries)
}

/// JSON text with its `\\uD83D\\uDE80` surrogate pairs written as YAML's `\\U0001F680`;
/// `None` when the text is not a JSON object or has no surrogate pair.
fn json_surrogates_as_yaml(text: &str) -> Option<String> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let unit = |s: &str| {
        let hex = s.get(..4).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))?;
        u32::from_str_radix(hex, 16).ok()
    };
    let (mut out, mut rest, mut changed) = (String::with_capacity(text.len()), text, false);
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let pair = after.strip_prefix('u').and_then(|a| Some((unit(a)?, a.get(4..)?.strip_prefix("\\u")?)));
        match pair.and_then(|(high, low)| Some((high, unit(low)?))) {
            Some((high @ 0xD800..=0xDBFF, low @ 0xDC00..=0xDFFF)) => {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                out.push_str(&format!("\\U{c:08X}"));
                rest = &after[11..];
                changed = true;
            }
            _ => {
                // Any other escape is copied whole, so an escaped backslash is never read as one.
                let len = after.chars().next().map_or(0, char::len_utf8);
                out.push_str(&rest[i..i + 1 + len]);
                rest = &after[len..];
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The output for input that is no ResourceList at all: no items and one error result.
pub fn failure(message: &str) -> KrmRun {
    let result = FnResult::error(message.to_string());
    let log = result.text();
    KrmRun { output: write_list(DEFAULT_API_VERSION, &[], None, &[result]), exit_code: 1, log }
}

// ---------------------------------------------------------------------------------------------
// The ResourceList
// ---------------------------------------------------------------------------------------------

/// A ResourceList read from `src`.
struct List<'a> {
    src: &'a str,
    api_version: String,
    items: &'a [Node],
    function_config: Option<&'a Node>,
}

impl<'a> List<'a> {
    fn read(src: &'a str, docs: &'a [Node]) -> Result<List<'a>, String> {
        let root = match docs {
            [root] => root,
            [] => return Err("no input: expected a ResourceList on standard input".to_string()),
            _ => return Err(format!("expected one ResourceList, found {} YAML documents", docs.len())),
        };
        if root.as_map().is_none() {
            return Err(format!("expected a ResourceList, found {}", root.kind_name()));
        }
        let kind = root.get("kind").and_then(Node::as_str).unwrap_or_default();
        if kind != "ResourceList" {
            return Err(format!("expected kind `ResourceList`, found `{kind}`"));
        }
        let api_version = root.get("apiVersion").and_then(Node::as_str).unwrap_or_default();
        if !api_version.starts_with("config.kubernetes.io/") {
            return Err(format!(
                "expected apiVersion `{DEFAULT_API_VERSION}` for a ResourceList, found `{api_version}`"
            ));
        }
        let items = match root.get("items") {
            None => &[][..],
            Some(n) if n.is_null() => &[][..],
            Some(n) => {
                n.as_seq().ok_or_else(|| format!("`items` must be a list, found {}", n.kind_name()))?
            }
        };
        let function_config = root.get("functionConfig").filter(|n| !n.is_null());
        Ok(List { src, api_version: api_version.to_string(), items, function_config })
    }
}

/// One run: the list, and the results so far.
struct Run<'a> {
    list: List<'a>,
    results: Vec<FnResult>,
}

/// What the function does, from [`MODE_ANNOTATION`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Generate,
    Check,
}

impl<'a> Run<'a> {
    /// Does the work and returns the items to write, as sequence entries.
    fn process(&mut self) -> Vec<String> {
        let (src, items) = (self.list.src, self.list.items);
        if let Some((i, item)) = items.iter().enumerate().find(|(_, n)| n.as_map().is_none()) {
            self.results.push(FnResult::error(format!(
                "items[{i}] is {}: every item must be a mapping",
                item.kind_name()
            )));
            return self.unchanged();
        }
        let Some(config) = self.list.function_config else {
            self.results.push(
                FnResult::error("no functionConfig: netpol-intent needs its NetworkIntent as functionConfig")
                    .with_help(
                        "with kpt pass `--fn-config intent.yaml`; with kustomize list the intent \
                         under `generators:`, `transformers:` or `validators:`",
                    ),
            );
            return self.unchanged();
        };
        let ctx = Config::new(config, items);
        let settings = settings(config, &ctx, &mut self.results);
        let intent = crate::decode::decode(config).and_then(crate::validate::validate);
        let (valid, (mode, output_path)) = match (intent, settings) {
            (Ok(valid), Some(settings)) => (valid, settings),
            (intent, _) => {
                if let Err(diags) = intent {
                    self.results.extend(diags.iter().map(|d| ctx.diagnostic(d)));
                }
                return self.unchanged();
            }
        };
        let name = valid.intent().name().to_string();
        self.results.extend(undeclared_namespaces(&valid, items, &ctx));
        let policies = crate::expand::expand(&valid);
        let plan = Plan::new(src, items, config, &name, policies, &output_path);
        // A package the run would leave ambiguous is an error in either mode, items unchanged.
        let conflicts: Vec<FnResult> =
            plan.taken_paths(&output_path, &ctx).into_iter().chain(plan.twins()).collect();
        if !conflicts.is_empty() {
            self.results.extend(conflicts);
            return self.unchanged();
        }
        match mode {
            Mode::Generate => {
                let (entries, summary) = plan.generate();
                self.results.push(FnResult::info(summary).about(ctx.resource.clone()));
                entries
            }
            Mode::Check => {
                let (drift, summary) = plan.check();
                self.results.extend(drift);
                self.results.push(FnResult::info(summary).about(ctx.resource.clone()));
                self.unchanged()
            }
        }
    }

    /// Every item, as it came in.
    fn unchanged(&self) -> Vec<String> {
        self.list.items.iter().map(|item| entry(self.list.src, item)).collect()
    }

    fn finish(self, entries: &[String]) -> KrmRun {
        let exit_code = i32::from(self.results.iter().any(|r| r.severity == Severity::Error));
        let log = self.results.iter().filter(|r| r.severity != Severity::Info).map(FnResult::text).collect();
        let output = write_list(&self.list.api_version, entries, self.list.function_config, &self.results);
        KrmRun { output, exit_code, log }
    }
}

/// Warnings for managed namespaces that no Namespace item declares, when there are any.
fn undeclared_namespaces(
    valid: &crate::validate::ValidIntent,
    items: &[Node],
    ctx: &Config,
) -> Vec<FnResult> {
    let declared: BTreeSet<&str> = items
        .iter()
        .filter(|item| str_at(item, "kind") == Some("Namespace") && str_at(item, "apiVersion") == Some("v1"))
        .filter_map(|item| item.get("metadata").and_then(|m| str_at(m, "name")))
        .collect();
    if declared.is_empty() {
        return Vec::new();
    }
    let namespaces = valid.intent().spec.namespaces.iter().filter(|ns| !declared.contains(ns.as_str()));
    namespaces
        .map(|ns| {
            FnResult::warning(format!(
                "namespace `{}` is managed by the intent, but no Namespace item declares it",
                ns.value
            ))
            .about(ctx.resource.clone())
            .at(&ns.path, ctx.file.clone())
        })
        .collect()
}

/// Where results about the functionConfig point.
struct Config {
    resource: Option<ResourceRef>,
    /// The intent's file in the package, when the orchestrator says.
    file: Option<String>,
}

impl Config {
    fn new(config: &Node, items: &[Node]) -> Config {
        // kpt gives the functionConfig of `fn eval` no path, but the same object is an item.
        let file = annotation(config, PATH)
            .or_else(|| annotation(config, LEGACY_PATH))
            .or_else(|| items.iter().filter(|item| same_object(item, config)).find_map(item_path));
        Config { resource: ResourceRef::of(config), file: file.map(str::to_string) }
    }

    /// A diagnostic of the core as a result: the same message and help as on the command line.
    fn diagnostic(&self, d: &Diagnostic) -> FnResult {
        let mut r = FnResult::error(d.message.clone()).about(self.resource.clone());
        if let Some(help) = &d.help {
            r = r.with_help(help);
        }
        r.code = Some(d.code.as_str().to_string());
        let field = if d.path.is_empty() { None } else { Some(d.path.as_str()) };
        r.field = field.map(str::to_string);
        r.file = self.file.clone();
        r
    }
}

/// Reads the function's annotations; reports bad ones and returns `None`.
fn settings(config: &Node, ctx: &Config, results: &mut Vec<FnResult>) -> Option<(Mode, OutputPath)> {
    let mut mode = Some(Mode::Generate);
    let mut output_path = OutputPath::parse(DEFAULT_OUTPUT_PATH).ok();
    let annotations = config.get("metadata").and_then(|m| m.get("annotations")).and_then(Node::as_map);
    for (k, v) in annotations.unwrap_or_default() {
        let Some(key) = k.as_str().filter(|k| k.starts_with(OWN_PREFIX)) else { continue };
        let path = key_path("metadata.annotations", key);
        let mut error = |message: String, help: Option<String>| {
            let mut r = FnResult::error(message).about(ctx.resource.clone()).at(&path, ctx.file.clone());
            r.help = help;
            r.code = Some("invalid-annotation".to_string());
            results.push(r);
        };
        let value = v.as_str().unwrap_or_default();
        match key {
            MODE_ANNOTATION => {
                mode = match value {
                    "generate" => Some(Mode::Generate),
                    "check" => Some(Mode::Check),
                    _ => {
                        let help = diag::did_you_mean(value, ["generate", "check"])
                            .unwrap_or_else(|| "use `generate` (the default) or `check`".to_string());
                        error(format!("unknown mode `{value}`"), Some(help));
                        None
                    }
                }
            }
            OUTPUT_PATH_ANNOTATION => {
                output_path = match OutputPath::parse(value) {
                    Ok(p) => Some(p),
                    Err((message, help)) => {
                        error(format!("invalid output path `{value}`: {message}"), help);
                        None
                    }
                }
            }
            _ => {
                let help = diag::did_you_mean(key, OWN_ANNOTATIONS).unwrap_or_else(|| {
                    format!("netpol-intent reads {} and {}", OWN_ANNOTATIONS[0], OWN_ANNOTATIONS[1])
                });
                error(format!("unknown annotation `{key}`"), Some(help));
            }
        }
    }
    Some((mode?, output_path?))
}

// ---------------------------------------------------------------------------------------------
// Output paths
// ---------------------------------------------------------------------------------------------

/// A checked output path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputPath(String);

impl OutputPath {
    /// Checks a template: a relative path to a `.yaml` or `.yml` file, with no empty, `.` or
    /// `..` segment, and no placeholder but `{namespace}`, `{name}` and `{intent}`. Errors
    /// come with an optional help line.
    pub fn parse(template: &str) -> Result<OutputPath, (String, Option<String>)> {
        let placeholders = || Some("the placeholders are {namespace}, {name} and {intent}".to_string());
        if template.contains('$') {
            return Err(("it must not contain `$`".into(), placeholders()));
        }
        if template.starts_with('/') || template.contains('\\') {
            return Err((
                "it must be a path relative to the package, with `/` between directories".into(),
                None,
            ));
        }
        if template.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
            return Err(("it must not have empty, `.` or `..` parts".into(), None));
        }
        if !(template.ends_with(".yaml") || template.ends_with(".yml")) {
            return Err(("it must name a `.yaml` or `.yml` file".into(), None));
        }
        let mut rest = template;
        while let Some(open) = rest.find(['{', '}']) {
            let Some(len) = rest[open..].find('}').filter(|_| rest.as_bytes()[open] == b'{') else {
                return Err(("it has an unmatched brace".into(), placeholders()));
            };
            let name = &rest[open + 1..open + len];
            if !PLACEHOLDERS.contains(&name) {
                let help = diag::did_you_mean(name, PLACEHOLDERS).or_else(placeholders);
                return Err((format!("unknown placeholder `{{{name}}}`"), help));
            }
            rest = &rest[open + len + 1..];
        }
        Ok(OutputPath(template.to_string()))
    }

    /// The template, as written.
    pub fn template(&self) -> &str {
        &self.0
    }

    /// The path of one policy.
    pub fn render(&self, namespace: &str, name: &str, intent: &str) -> String {
        self.0.replace("{namespace}", namespace).replace("{name}", name).replace("{intent}", intent)
    }
}

// ---------------------------------------------------------------------------------------------
// Generated policies against the items
// ---------------------------------------------------------------------------------------------

/// A policy's namespace and name.
type Key = (String, String);

/// One policy the intent generates, with its place in the package.
struct Planned {
    key: Key,
    policy: NetworkPolicy,
    path: String,
    index: usize,
}

/// The generated policies next to the items.
struct Plan<'a> {
    src: &'a str,
    /// Items the function does not own, in input order.
    kept: Vec<&'a Node>,
    /// Policies an earlier run generated, by key; the first of each key.
    owned: BTreeMap<Key, &'a Node>,
    /// Owned policies with a key seen before.
    duplicates: Vec<&'a Node>,
    planned: Vec<Planned>,
    intent: &'a str,
}

/// How an item's policy compares with the generated one.
enum Drift {
    Missing,
    /// Differs, first at this field path.
    Differs(String),
    Same,
}

impl<'a> Plan<'a> {
    fn new(
        src: &'a str,
        items: &'a [Node],
        config: &Node,
        intent: &'a str,
        policies: Vec<NetworkPolicy>,
        output_path: &OutputPath,
    ) -> Plan<'a> {
        let (mut kept, mut owned, mut duplicates) = (Vec::new(), BTreeMap::new(), Vec::new());
        for item in items {
            if let Some(key) = owned_key(item, intent) {
                match owned.entry(key) {
                    Entry::Occupied(_) => duplicates.push(item),
                    Entry::Vacant(slot) => {
                        slot.insert(item);
                    }
                }
            } else if !is_config_copy(item, config) {
                kept.push(item);
            }
        }
        let mut planned: Vec<Planned> = policies
            .into_iter()
            .map(|policy| {
                let namespace = policy.metadata.namespace.clone().unwrap_or_default();
                let name = policy.metadata.name.clone().unwrap_or_default();
                let path = output_path.render(&namespace, &name, intent);
                Planned { key: (namespace, name), policy, path, index: 0 }
            })
            .collect();
        // Policies sharing a file are numbered in order (no other item may be in it, see
        // [`Plan::taken_paths`]).
        let mut next: HashMap<String, usize> = planned.iter().map(|p| (p.path.clone(), 0)).collect();
        for p in &mut planned {
            let n = next.get_mut(&p.path).expect("every planned path is counted");
            p.index = *n;
            *n += 1;
        }
        Plan { src, kept, owned, duplicates, planned, intent }
    }

    /// An error result for each file the output path puts generated policies into that holds
    /// an item which is not one of this intent's policies (the intent's own file, a file
    /// written by hand, another intent's policy): writing there would mix them, and the first
    /// run would write policies into the intent.
    fn taken_paths(&self, output_path: &OutputPath, ctx: &Config) -> Vec<FnResult> {
        let planned: BTreeSet<&str> = self.planned.iter().map(|p| p.path.as_str()).collect();
        let mut taken: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
        for item in &self.kept {
            if let Some(path) = item_path(item).filter(|p| planned.contains(p)) {
                taken.entry(path).or_default().push(item);
            }
        }
        let field = key_path("metadata.annotations", OUTPUT_PATH_ANNOTATION);
        taken
            .into_iter()
            .map(|(path, items)| {
                let first = describe(items[0]);
                let others = match items.len() {
                    1 => String::new(),
                    n => format!(" and {} other item{}", n - 1, if n == 2 { "" } else { "s" }),
                };
                let message = format!(
                    "output path `{}` puts NetworkPolicies into `{path}`, which holds {first}{others}: \
                     a file of generated policies may hold nothing else",
                    output_path.template()
                );
                let mut r = FnResult::error(message).about(ctx.resource.clone()).at(&field, ctx.file.clone());
                r.help = Some(format!(
                    "choose a path that names only files of this intent's policies, such as the default \
                     `{DEFAULT_OUTPUT_PATH}`"
                ));
                r.code = Some("invalid-annotation".into());
                r
            })
            .collect()
    }

    /// An error result for each NetworkPolicy identity that the package would hold twice: a
    /// generated policy and an item the intent does not own (written by hand, or by another
    /// intent) with its namespace and name, or two such items. kustomize refuses two objects
    /// with one identity; kpt writes both, and `kubectl apply` keeps whichever comes last. An
    /// item without a namespace is applied into whichever namespace it is applied to, so it
    /// clashes with a generated policy of its name in any namespace.
    fn twins(&self) -> Vec<FnResult> {
        let policies = self.kept.iter().filter(|item| {
            str_at(item, "apiVersion") == Some("networking.k8s.io/v1")
                && str_at(item, "kind") == Some("NetworkPolicy")
        });
        let mut by_name: HashMap<&str, Vec<&Planned>> = HashMap::new();
        for p in &self.planned {
            by_name.entry(p.key.1.as_str()).or_default().push(p);
        }
        let mut seen: BTreeMap<(&str, &str), &Node> = BTreeMap::new();
        let mut out = Vec::new();
        for item in policies {
            let metadata = item.get("metadata");
            let namespace = metadata.and_then(|m| str_at(m, "namespace")).unwrap_or_default();
            let name = metadata.and_then(|m| str_at(m, "name")).unwrap_or_default();
            let file =
                item_path(item).map_or_else(|| "an item from no file".to_string(), |p| format!("`{p}`"));
            let generated = by_name
                .get(name)
                .and_then(|ps| ps.iter().find(|p| namespace.is_empty() || p.key.0 == namespace));
            let (ns, other) = match (generated, seen.insert((namespace, name), item)) {
                (Some(p), _) => {
                    (p.key.0.as_str(), format!("the intent generates it (`{}`)", self.file_of(p)))
                }
                (None, Some(first)) => {
                    let where_first =
                        item_path(first).map_or("an item from no file".to_string(), |p| format!("`{p}`"));
                    (namespace, format!("{where_first} holds it too"))
                }
                (None, None) => continue,
            };
            let theirs = if namespace.is_empty() {
                "one with no namespace (it lands in the namespace it is applied to)"
            } else {
                "one that this intent did not generate"
            };
            let message =
                format!("NetworkPolicy `{ns}/{name}` would be in the package twice: {other}, and {file} holds {theirs}");
            let mut r = FnResult::error(message).about(policy_ref(ns, name));
            if let Some(path) = item_path(item) {
                r = r.at_file(path);
            }
            r.help = Some(
                "rename or delete one of them: kustomize refuses two objects with one identity, and \
                 `kubectl apply` keeps whichever comes last"
                    .into(),
            );
            r.code = Some("duplicate-policy".into());
            out.push(r);
        }
        out
    }

    /// The file a planned policy is in now, or will be written to.
    fn file_of<'p>(&'p self, p: &'p Planned) -> &'p str {
        self.owned.get(&p.key).and_then(|item| item_path(item)).unwrap_or(&p.path)
    }

    /// The items with the generated policies in place of the owned ones, and a summary.
    fn generate(&self) -> (Vec<String>, String) {
        let mut entries: Vec<String> = self.kept.iter().map(|item| entry(self.src, item)).collect();
        let (mut added, mut changed, mut unchanged) = (0, 0, 0);
        for p in &self.planned {
            let existing = self.owned.get(&p.key).copied();
            match (existing, self.drift(existing, p)) {
                (Some(item), Drift::Same) if placed(item, &p.path, p.index) => {
                    unchanged += 1;
                    entries.push(entry(self.src, item));
                }
                (_, drift) => {
                    if matches!(drift, Drift::Missing) {
                        added += 1;
                    } else {
                        changed += 1;
                    }
                    entries.push(indent_entry(&yaml::emit_one(&placed_node(p))));
                }
            }
        }
        let removed = self.removed().count();
        let summary = format!(
            "intent `{}`: {} generated ({added} added, {changed} changed, {unchanged} unchanged), \
             {removed} removed",
            self.intent,
            policies(self.planned.len())
        );
        (entries, summary)
    }

    /// An error result for each policy added, changed or removed, and a summary.
    fn check(&self) -> (Vec<FnResult>, String) {
        let mut results = Vec::new();
        for p in &self.planned {
            let existing = self.owned.get(&p.key).copied();
            let (ns, name) = &p.key;
            let (message, field) = match self.drift(existing, p) {
                Drift::Same => continue,
                Drift::Missing => {
                    (format!("NetworkPolicy `{ns}/{name}` is missing: the intent generates it"), None)
                }
                Drift::Differs(field) => (
                    format!(
                        "NetworkPolicy `{ns}/{name}` differs from what the intent generates, at `{field}`"
                    ),
                    Some(field),
                ),
            };
            let file = existing.and_then(item_path).unwrap_or(&p.path);
            let mut r = FnResult::error(message).about(policy_ref(ns, name)).at_file(file);
            r.field = field;
            results.push(r);
        }
        for item in self.removed() {
            let (ns, name) = owned_key(item, self.intent).unwrap_or_default();
            let message = format!(
                "NetworkPolicy `{ns}/{name}` is not generated by the intent `{}` any more",
                self.intent
            );
            let mut r = FnResult::error(message).about(policy_ref(&ns, &name));
            if let Some(file) = item_path(item) {
                r = r.at_file(file);
            }
            results.push(r);
        }
        for r in &mut results {
            r.help = Some("run netpol-intent in `generate` mode, the default, to bring it up to date".into());
            r.code = Some("drift".into());
        }
        let summary = if results.is_empty() {
            format!("intent `{}`: {} up to date", self.intent, policies(self.planned.len()))
        } else {
            format!("intent `{}`: {} out of date", self.intent, policies(results.len()))
        };
        (results, summary)
    }

    /// Owned policies that the intent no longer generates, and duplicates.
    fn removed(&self) -> impl Iterator<Item = &'a Node> + '_ {
        let planned: BTreeSet<&Key> = self.planned.iter().map(|p| &p.key).collect();
        let stale = self.owned.iter().filter(move |(k, _)| !planned.contains(k)).map(|(_, item)| *item);
        stale.chain(self.duplicates.iter().copied())
    }

    /// How an existing item differs from the planned policy, by meaning: both are compared
    /// as `diff` compares them ([`crate::diff::normalize`]), so formatting, defaulted fields
    /// and the annotations tools add do not count.
    fn drift(&self, existing: Option<&Node>, p: &Planned) -> Drift {
        let Some(existing) = existing else {
            return Drift::Missing;
        };
        let current = match crate::current::policy(existing, "") {
            Ok(Some(current)) => current,
            Ok(None) => return Drift::Differs("kind".to_string()),
            Err((_, message)) => return Drift::Differs(message),
        };
        let normal =
            |policy| serde_json::to_value(diff::normalize(policy)).expect("a NetworkPolicy serializes");
        match first_difference(&normal(current), &normal(p.policy.clone()), "") {
            None => Drift::Same,
            Some(field) => Drift::Differs(field),
        }
    }
}

/// "1 NetworkPolicy", "2 NetworkPolicies".
fn policies(n: usize) -> String {
    format!("{n} NetworkPolic{}", if n == 1 { "y" } else { "ies" })
}

/// The generated policy as YAML, with its place in the package.
fn placed_node(p: &Planned) -> Node {
    let mut node = crate::render::policy_node(&p.policy);
    if let Some(annotations) = node.get_mut("metadata").and_then(|m| m.get_mut("annotations")) {
        let index = p.index.to_string();
        annotations.set(LEGACY_PATH, Node::str(&p.path));
        annotations.set(LEGACY_INDEX, Node::str(&index));
        annotations.set(PATH, Node::str(&p.path));
        annotations.set(INDEX, Node::str(&index));
    }
    node
}

/// Whether an item is where the plan puts it; an item from no file (kustomize) is anywhere.
fn placed(item: &Node, path: &str, index: usize) -> bool {
    match item_path(item) {
        None => true,
        Some(p) => p == path && item_index(item).unwrap_or(0) == index,
    }
}

/// The namespace and name of a NetworkPolicy that the intent `intent` generated, by the
/// contract's label and annotation.
fn owned_key(item: &Node, intent: &str) -> Option<Key> {
    if crate::expand::managing_intent(item) != Some(intent) {
        return None;
    }
    let metadata = item.get("metadata")?;
    let namespace = str_at(metadata, "namespace").unwrap_or_default();
    Some((namespace.to_string(), str_at(metadata, "name").unwrap_or_default().to_string()))
}

/// Whether `item` is the copy of the functionConfig that kustomize passes a generator as a
/// local-config item. kpt also passes the intent's own file as an item, but from a file (with a
/// path): that one must stay, or kpt deletes the file.
fn is_config_copy(item: &Node, config: &Node) -> bool {
    annotation(item, LOCAL_CONFIG) == Some("true") && item_path(item).is_none() && same_object(item, config)
}

/// Same apiVersion, kind and name.
fn same_object(a: &Node, b: &Node) -> bool {
    let name = |n: &Node| n.get("metadata").and_then(|m| str_at(m, "name")).map(str::to_string);
    str_at(a, "apiVersion") == str_at(b, "apiVersion")
        && str_at(a, "kind") == str_at(b, "kind")
        && name(a) == name(b)
}

/// An item in words: `NetworkIntent `shop``, `NetworkPolicy `shop/x``.
fn describe(item: &Node) -> String {
    let kind = str_at(item, "kind").unwrap_or("an object");
    let metadata = item.get("metadata");
    let name = metadata.and_then(|m| str_at(m, "name")).unwrap_or_default();
    match metadata.and_then(|m| str_at(m, "namespace")) {
        Some(ns) => format!("{kind} `{ns}/{name}`"),
        None => format!("{kind} `{name}`"),
    }
}

fn str_at<'n>(node: &'n Node, key: &str) -> Option<&'n str> {
    node.get(key).and_then(Node::as_str)
}

fn annotation<'n>(item: &'n Node, key: &str) -> Option<&'n str> {
    item.get("metadata")?.get("annotations").and_then(|a| str_at(a, key))
}

fn item_path(item: &Node) -> Option<&str> {
    annotation(item, PATH).or_else(|| annotation(item, LEGACY_PATH))
}

fn item_index(item: &Node) -> Option<usize> {
    annotation(item, INDEX).or_else(|| annotation(item, LEGACY_INDEX)).and_then(|i| i.parse().ok())
}

/// The path of the first field where `a` and `b` differ (key order does not count).
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    let here = || if path.is_empty() { ".".to_string() } else { path.to_string() };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => {
                        if let Some(p) = first_difference(va, vb, &key_path(path, k)) {
                            return Some(p);
                        }
                    }
                    None => return Some(key_path(path, k)),
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map(|k| key_path(path, k))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if let Some(p) = first_difference(va, vb, &format!("{path}[{i}]")) {
                    return Some(p);
                }
            }
            (x.len() != y.len()).then(|| format!("{path}[{}]", x.len().min(y.len())))
        }
        _ => (a != b).then(here),
    }
}

// ---------------------------------------------------------------------------------------------
// Items as text
// ---------------------------------------------------------------------------------------------

/// One item as an entry of a block sequence at column 0 (`- ` then the item): its original
/// text when that can be cut out of `src` and reads back as the same node (a block item, see
/// [`original_entry`]; a flow item, as kpt passes a flow-style or JSON file, see
/// [`flow_entry`]), else the node re-emitted, which keeps every value and scalar style but not
/// comments or flow style (an item with an alias to another item's anchor).
pub fn entry(src: &str, item: &Node) -> String {
    original_entry(src, item)
        .or_else(|| flow_entry(src, item))
        .unwrap_or_else(|| indent_entry(&yaml::emit_one(item)))
}

/// A flow-style item's own text, `{` to `}`, with the comment after it on its last line, its
/// other lines moved as the item moves to column 2 (and indented two spaces at least). kpt
/// writes a file back in the style of the item it gets, so this is what keeps a flow-style or
/// JSON file as it was. `None` if the item is not a flow mapping, or the text does not read
/// back as the same node.
fn flow_entry(src: &str, item: &Node) -> Option<String> {
    let (start, end) = (item.span.start.offset, item.span.end.offset);
    let text = src.get(start..end).filter(|t| t.starts_with('{') && t.ends_with('}'))?;
    let col = start - src[..start].rfind('\n').map_or(0, |i| i + 1);
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str("- ");
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let rest = line.trim_start_matches(' ');
        if i == 0 {
            out.push_str(line);
        } else if rest.trim().is_empty() {
            out.push_str(if line.ends_with('\n') { "\n" } else { "" });
        } else {
            let spaces = (line.len() - rest.len() + 2).saturating_sub(col).max(2);
            out.extend(std::iter::repeat_n(' ', spaces));
            out.push_str(rest);
        }
    }
    let tail = &src[end..src[end..].find('\n').map_or(src.len(), |i| end + i)];
    if tail.trim_start().starts_with('#') {
        out.push_str(tail);
    }
    out.push('\n');
    reads_back_as(out, item)
}

/// A document emitted at column 0 as a sequence entry.
fn indent_entry(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len() + doc.len() / 8 + 2);
    for (i, line) in doc.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push_str("- ");
        } else if line != "\n" {
            out.push_str("  ");
        }
        out.push_str(line);
    }
    out
}

/// The block-style item's own text, from after its `-` to the end of its last line (with the
/// comment lines after it that are indented like its content), moved so that its content
/// starts at column 2. `None` if the item is not block style, if its lines cannot be moved, or
/// if the result does not read back as the same node (an alias to another item's anchor, say).
fn original_entry(src: &str, item: &Node) -> Option<String> {
    let start = item.span.start.offset;
    if item.as_map()?.is_empty() || src.as_bytes().get(start) == Some(&b'{') {
        return None;
    }
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let col = start - line_start;
    let prefix = &src[line_start..start];
    let indent = prefix.len() - prefix.trim_start_matches(' ').len();
    let dash = match prefix[indent..].strip_prefix('-') {
        Some(gap) if !gap.is_empty() && gap.bytes().all(|b| b == b' ') => line_start + indent,
        None if indent == prefix.len() => dash_above(src, line_start)?,
        _ => return None,
    };
    let end = region_end(src, item.span.end.offset, col);
    let mut lines = src[dash + 1..end].split_inclusive('\n');
    let mut out = String::with_capacity(end - dash + 2);
    out.push('-');
    let first = lines.next().unwrap_or_default().trim_start_matches(' ');
    if !first.starts_with(['\n', '\r']) && !first.is_empty() {
        out.push(' ');
    }
    out.push_str(first);
    for line in lines {
        let rest = line.trim_start_matches(' ');
        let spaces = line.len() - rest.len();
        if spaces >= col {
            out.extend(std::iter::repeat_n(' ', spaces - col + 2));
        } else if rest.starts_with('#') {
            out.push_str("  ");
        } else if !rest.trim().is_empty() {
            return None;
        }
        out.push_str(rest);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    reads_back_as(out, item)
}

/// `entry`, when it reads back as a sequence of the one node `item`.
fn reads_back_as(entry: String, item: &Node) -> Option<String> {
    let docs = yaml::parse(&entry, &yaml::Limits::default()).ok()?;
    match docs.as_slice() {
        [doc] => match doc.as_seq() {
            Some([read]) if read.eq_ignoring_spans(item) => Some(entry),
            _ => None,
        },
        _ => None,
    }
}

/// The `-` of an item whose content starts on a later line than its dash: the closest line
/// above that is `-` alone or with a comment, past blank and comment lines.
fn dash_above(src: &str, mut line_start: usize) -> Option<usize> {
    while line_start > 0 {
        let prev = src[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &src[prev..line_start - 1];
        let trimmed = line.trim_start_matches(' ');
        if let Some(rest) = trimmed.strip_prefix('-') {
            let rest = rest.trim();
            return (rest.is_empty() || rest.starts_with('#')).then_some(prev + line.len() - trimmed.len());
        }
        if !(trimmed.trim().is_empty() || trimmed.starts_with('#')) {
            return None;
        }
        line_start = prev;
    }
    None
}

/// Where an item's text ends: after the line its last node ends on, and after the comment lines
/// that follow, indented at least to `col`.
fn region_end(src: &str, end: usize, col: usize) -> usize {
    let line_end = |from: usize| src[from..].find('\n').map_or(src.len(), |i| from + i + 1);
    let mut stop = if end > 0 && src.as_bytes()[end - 1] == b'\n' { end } else { line_end(end) };
    let mut pos = stop;
    while pos < src.len() {
        let next = line_end(pos);
        let line = &src[pos..next];
        let rest = line.trim_start_matches(' ');
        if rest.starts_with('#') && line.len() - rest.len() >= col {
            stop = next;
        } else if !rest.trim().is_empty() {
            break;
        }
        pos = next;
    }
    stop
}

/// The ResourceList text: header, items, the functionConfig as it came (re-emitted, styles
/// kept) so that the output can be fed to the function again, and results.
fn write_list(api_version: &str, entries: &[String], config: Option<&Node>, results: &[FnResult]) -> String {
    let header =
        Node::map_from(vec![("apiVersion", Node::str(api_version)), ("kind", Node::str("ResourceList"))]);
    let mut out = yaml::emit_one(&header);
    if entries.is_empty() {
        out.push_str("items: []\n");
    } else {
        out.push_str("items:\n");
        out.reserve(entries.iter().map(String::len).sum());
        entries.iter().for_each(|e| out.push_str(e));
    }
    if let Some(config) = config {
        out.push_str("functionConfig:\n");
        for line in yaml::emit_one(config).split_inclusive('\n') {
            if line != "\n" {
                out.push_str("  ");
            }
            out.push_str(line);
        }
    }
    if !results.is_empty() {
        out.push_str("results:\n");
        out.push_str(&yaml::emit_one(&Node::seq(results.iter().map(FnResult::node).collect())));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The object a result is about.
#[derive(Debug, Clone)]
struct ResourceRef {
    api_version: String,
    kind: String,
    name: String,
    namespace: Option<String>,
}

impl ResourceRef {
    fn of(node: &Node) -> Option<ResourceRef> {
        let metadata = node.get("metadata");
        Some(ResourceRef {
            api_version: str_at(node, "apiVersion")?.to_string(),
            kind: str_at(node, "kind")?.to_string(),
            name: metadata.and_then(|m| str_at(m, "name")).unwrap_or_default().to_string(),
            namespace: metadata.and_then(|m| str_at(m, "namespace")).map(str::to_string),
        })
    }
}

fn policy_ref(namespace: &str, name: &str) -> Option<ResourceRef> {
    Some(ResourceRef {
        api_version: "networking.k8s.io/v1".into(),
        kind: "NetworkPolicy".into(),
        name: name.into(),
        namespace: Some(namespace.into()),
    })
}

/// One entry of the ResourceList's `results`.
#[derive(Debug, Clone)]
struct FnResult {
    severity: Severity,
    message: String,
    help: Option<String>,
    resource: Option<ResourceRef>,
    field: Option<String>,
    file: Option<String>,
    /// The diagnostic code, as tag `code`.
    code: Option<String>,
}

impl FnResult {
    fn new(severity: Severity, message: impl Into<String>) -> FnResult {
        FnResult {
            severity,
            message: message.into(),
            help: None,
            resource: None,
            field: None,
            file: None,
            code: None,
        }
    }

    fn error(message: impl Into<String>) -> FnResult {
        FnResult::new(Severity::Error, message)
    }

    fn warning(message: impl Into<String>) -> FnResult {
        FnResult::new(Severity::Warning, message)
    }

    fn info(message: impl Into<String>) -> FnResult {
        FnResult::new(Severity::Info, message)
    }

    fn with_help(mut self, help: impl Into<String>) -> FnResult {
        self.help = Some(help.into());
        self
    }

    fn about(mut self, resource: Option<ResourceRef>) -> FnResult {
        self.resource = resource;
        self
    }

    fn at(mut self, field: &str, file: Option<String>) -> FnResult {
        self.field = Some(field.to_string());
        self.file = file;
        self
    }

    fn at_file(mut self, file: &str) -> FnResult {
        self.file = Some(file.to_string());
        self
    }

    /// The message with its help, as results have no field for help.
    fn full_message(&self) -> String {
        match &self.help {
            Some(help) => format!("{} (help: {help})", self.message),
            None => self.message.clone(),
        }
    }

    fn node(&self) -> Node {
        let mut entries = vec![
            ("message", Node::str(self.full_message())),
            ("severity", Node::str(self.severity.as_str())),
        ];
        if let Some(r) = &self.resource {
            let mut fields = vec![
                ("apiVersion", Node::str(&r.api_version)),
                ("kind", Node::str(&r.kind)),
                ("name", Node::str(&r.name)),
            ];
            if let Some(ns) = &r.namespace {
                fields.push(("namespace", Node::str(ns)));
            }
            entries.push(("resourceRef", Node::map_from(fields)));
        }
        if let Some(field) = &self.field {
            entries.push(("field", Node::map_from(vec![("path", Node::str(field))])));
        }
        if let Some(file) = &self.file {
            entries.push(("file", Node::map_from(vec![("path", Node::str(file))])));
        }
        if let Some(code) = &self.code {
            entries.push(("tags", Node::map_from(vec![("code", Node::str(code))])));
        }
        Node::map_from(entries)
    }

    /// One block for standard error, like the command line's:
    /// `error[unknown-field]: intent.yaml: NetworkIntent/shop: spec.x: unknown field `x``.
    fn text(&self) -> String {
        let mut out = self.severity.as_str().to_string();
        if let Some(code) = &self.code {
            out.push_str(&format!("[{code}]"));
        }
        out.push(':');
        if let Some(file) = &self.file {
            out.push_str(&format!(" {file}:"));
        }
        if let Some(r) = &self.resource {
            match &r.namespace {
                Some(ns) => out.push_str(&format!(" {}/{ns}/{}:", r.kind, r.name)),
                None => out.push_str(&format!(" {}/{}:", r.kind, r.name)),
            }
        }
        if let Some(field) = &self.field {
            out.push_str(&format!(" {field}:"));
        }
        out.push_str(&format!(" {}\n", self.message));
        if let Some(help) = &self.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Node {
        yaml::parse(src, &yaml::Limits::default()).unwrap().remove(0)
    }

    #[test]
    fn output_paths_are_checked() {
        let ok = OutputPath::parse("policies/{intent}/{namespace}-{name}.yml").unwrap();
        assert_eq!(ok.render("shop", "default-deny-all", "web"), "policies/web/shop-default-deny-all.yml");
        for (bad, why) in [
            ("", "empty"),
            ("/abs/{name}.yaml", "relative"),
            ("a/../{name}.yaml", "`..`"),
            ("a//{name}.yaml", "empty"),
            ("./{name}.yaml", "`.`"),
            ("{name}.json", ".yaml"),
            ("${name}.yaml", "`$`"),
            ("{nmae}.yaml", "unknown placeholder `{nmae}`"),
            ("{name.yaml", "unmatched"),
            ("name}.yaml", "unmatched"),
        ] {
            let (message, _) = OutputPath::parse(bad).unwrap_err();
            assert!(message.contains(why), "{bad}: {message}");
        }
        assert_eq!(OutputPath::parse("{nmae}.yaml").unwrap_err().1.as_deref(), Some("did you mean `name`?"));
    }

    #[test]
    fn first_difference_names_the_field() {
        let a: Value = serde_json::json!({"spec": {"ingress": [{"ports": [{"port": 80}]}]}, "kind": "X"});
        let b: Value = serde_json::json!({"kind": "X", "spec": {"ingress": [{"ports": [{"port": 81}]}]}});
        assert_eq!(first_difference(&a, &b, ""), Some("spec.ingress[0].ports[0].port".into()));
        let c: Value = serde_json::json!({"kind": "X", "spec": {"ingress": [{"ports": [{"port": 80}]}, {}]}});
        assert_eq!(first_difference(&a, &c, ""), Some("spec.ingress[1]".into()));
        let d: Value = serde_json::json!({"kind": "X", "spec": {"ingress": [{"ports": [{"port": 80}]}]}});
        assert_eq!(first_difference(&a, &d, ""), None, "key order does not count");
        let e: Value =
            serde_json::json!({"kind": "X", "spec": {"ingress": [{"ports": [{"port": 80}]}]}, "x": 1});
        assert_eq!(first_difference(&a, &e, ""), Some("x".into()));
    }

    #[test]
    fn items_are_cut_out_with_their_comments_and_moved_to_column_two() {
        let src =
            "items:\n  - # head\n    a: '0755'   # why\n    b: |\n      text\n\n    # tail\n  -\n    c: 1\n";
        let root = parse(src);
        let items = root.get("items").unwrap().as_seq().unwrap();
        assert_eq!(entry(src, &items[0]), "- # head\n  a: '0755'   # why\n  b: |\n    text\n\n  # tail\n");
        assert_eq!(entry(src, &items[1]), "-\n  c: 1\n");
    }

    #[test]
    fn an_alias_to_another_items_anchor_is_expanded() {
        let src = "items:\n- a: &x {b: 1}\n- c: *x # shared\n";
        let root = parse(src);
        let items = root.get("items").unwrap().as_seq().unwrap();
        assert_eq!(entry(src, &items[0]), "- a: &x {b: 1}\n");
        assert_eq!(entry(src, &items[1]), "- c:\n    b: 1\n");
    }

    #[test]
    fn flow_items_come_back_as_written() {
        let src = r#"{"items": [{"a": "0755", "n": 123456789012345678901234567890}]}"#;
        let root = parse(src);
        let item = &root.get("items").unwrap().as_seq().unwrap()[0];
        assert_eq!(entry(src, item), "- {\"a\": \"0755\", \"n\": 123456789012345678901234567890}\n");
        // As kpt sends a flow-style file, with a comment; and over several lines, moved along.
        let src = "items:\n- {a: \"yes\", b: [1, 2]} # why\n- {c: 'd',\n     e: \"f\n\n     g\"}\n";
        let root = parse(src);
        let items = root.get("items").unwrap().as_seq().unwrap();
        assert_eq!(entry(src, &items[0]), "- {a: \"yes\", b: [1, 2]} # why\n");
        assert_eq!(entry(src, &items[1]), "- {c: 'd',\n     e: \"f\n\n     g\"}\n");
        let src = "items:\n    - {c: 'd',\n      e: f}\n";
        let root = parse(src);
        assert_eq!(entry(src, &root.get("items").unwrap().as_seq().unwrap()[0]), "- {c: 'd',\n  e: f}\n");
    }

    #[test]
    fn json_surrogate_pairs_become_yaml_escapes() {
        let json = r#"{"a": "caf\u00e9 \ud83d\ude80", "b": "\\ud83d\\ude80"}"#;
        assert_eq!(
            json_surrogates_as_yaml(json).as_deref(),
            Some(r#"{"a": "caf\u00e9 \U0001F680", "b": "\\ud83d\\ude80"}"#)
        );
        assert_eq!(json_surrogates_as_yaml(r#"{"a": "\\ud83d\\ude80"}"#), None, "escaped backslashes");
        assert_eq!(json_surrogates_as_yaml("a: \\ud83d\\ude80"), None, "not JSON");
    }
}
