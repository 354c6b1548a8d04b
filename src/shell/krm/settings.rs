//! The function's own settings: annotations on the functionConfig's metadata.
//! [`MODE_ANNOTATION`] (`generate`, the default, or `check`) and [`OUTPUT_PATH_ANNOTATION`]
//! (default [`DEFAULT_OUTPUT_PATH`]); any other `netpol-intent.dev/` annotation is an error.

use crate::diag::{key_path, Code, Diagnostic};
use crate::yaml::Node;

use super::results::ConfigRef;

/// Selects what the function does: `generate` (the default) or `check`.
pub const MODE_ANNOTATION: &str = "netpol-intent.dev/mode";
/// Where generated policies are written, relative to the package, with the placeholders
/// `{namespace}`, `{name}` and `{intent}`.
pub const OUTPUT_PATH_ANNOTATION: &str = "netpol-intent.dev/output-path";
pub const DEFAULT_OUTPUT_PATH: &str = "network-policies/{namespace}/{name}.yaml";

const OWN_PREFIX: &str = "netpol-intent.dev/";
const OWN_ANNOTATIONS: [&str; 2] = [MODE_ANNOTATION, OUTPUT_PATH_ANNOTATION];
const PLACEHOLDERS: [&str; 3] = ["namespace", "name", "intent"];
const MODES: [&str; 2] = ["generate", "check"];

/// What the function does, from [`MODE_ANNOTATION`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Generate,
    Check,
}

/// The settings of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub mode: Mode,
    pub output_path: OutputPath,
}

/// The field path of an annotation of the functionConfig.
pub(crate) fn annotation_path(key: &str) -> String {
    key_path("metadata.annotations", key)
}

/// Reads the function's annotations; every bad one is an error.
pub(crate) fn read(config: &Node, ctx: &ConfigRef) -> Result<Settings, Vec<Diagnostic>> {
    let mut settings = Settings { mode: Mode::Generate, output_path: OutputPath(DEFAULT_OUTPUT_PATH.into()) };
    let mut errors = Vec::new();
    let annotations = config.get("metadata").and_then(|m| m.get("annotations")).and_then(Node::as_map);
    for (k, v) in annotations.unwrap_or_default() {
        let Some(key) = k.as_str().filter(|k| k.starts_with(OWN_PREFIX)) else { continue };
        let error = |message: String| {
            ctx.result(Diagnostic::problem(Code::InvalidAnnotation, message).with_path(annotation_path(key)))
        };
        let value = v.as_str().unwrap_or_default();
        match key {
            MODE_ANNOTATION => match value {
                "generate" => settings.mode = Mode::Generate,
                "check" => settings.mode = Mode::Check,
                _ => errors.push(error(format!("unknown mode `{value}`")).suggesting(
                    value,
                    MODES,
                    Some("use `generate` (the default) or `check`".to_string()),
                )),
            },
            OUTPUT_PATH_ANNOTATION => match OutputPath::parse(value) {
                Ok(p) => settings.output_path = p,
                Err(e) => {
                    let mut d = error(format!("invalid output path `{value}`: {}", e.message));
                    (d.help, d.proposed) = (e.help, e.proposed);
                    errors.push(d);
                }
            },
            _ => {
                let otherwise =
                    format!("netpol-intent reads {} and {}", OWN_ANNOTATIONS[0], OWN_ANNOTATIONS[1]);
                errors.push(error(format!("unknown annotation `{key}`")).suggesting(
                    key,
                    OWN_ANNOTATIONS,
                    Some(otherwise),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(settings)
    } else {
        Err(errors)
    }
}

/// A checked output path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputPath(String);

/// Why a template is refused: the reason, a help line, and the template corrected when the
/// fix is clear (a misspelt placeholder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    pub message: String,
    pub help: Option<String>,
    pub proposed: Option<String>,
}

fn refused(message: &str, help: Option<String>) -> PathError {
    PathError { message: message.to_string(), help, proposed: None }
}

impl OutputPath {
    /// Checks a template: a relative path to a `.yaml` or `.yml` file, with no empty, `.` or
    /// `..` segment, and no placeholder but `{namespace}`, `{name}` and `{intent}`.
    pub fn parse(template: &str) -> Result<OutputPath, PathError> {
        let placeholders = || Some("the placeholders are {namespace}, {name} and {intent}".to_string());
        if template.contains('$') {
            return Err(refused("it must not contain `$`", placeholders()));
        }
        if template.starts_with('/') || template.contains('\\') {
            return Err(refused(
                "it must be a path relative to the package, with `/` between directories",
                None,
            ));
        }
        if template.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
            return Err(refused("it must not have empty, `.` or `..` parts", None));
        }
        if !(template.ends_with(".yaml") || template.ends_with(".yml")) {
            return Err(refused("it must name a `.yaml` or `.yml` file", None));
        }
        let mut rest = template;
        while let Some(open) = rest.find(['{', '}']) {
            let Some(len) = rest[open..].find('}').filter(|_| rest.as_bytes()[open] == b'{') else {
                return Err(refused("it has an unmatched brace", placeholders()));
            };
            let name = &rest[open + 1..open + len];
            if !PLACEHOLDERS.contains(&name) {
                let close = crate::diag::closest(name, PLACEHOLDERS);
                return Err(PathError {
                    message: format!("unknown placeholder `{{{name}}}`"),
                    help: close.map(|k| format!("did you mean `{k}`?")).or_else(placeholders),
                    proposed: close.map(|k| template.replace(&format!("{{{name}}}"), &format!("{{{k}}}"))),
                });
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

#[cfg(test)]
mod tests {
    use super::*;

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
            let message = OutputPath::parse(bad).unwrap_err().message;
            assert!(message.contains(why), "{bad}: {message}");
        }
        let typo = OutputPath::parse("{nmae}.yaml").unwrap_err();
        assert_eq!(typo.help.as_deref(), Some("did you mean `name`?"));
        assert_eq!(typo.proposed.as_deref(), Some("{name}.yaml"));
    }
}
