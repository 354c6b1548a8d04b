//! The function's results, as kyaml's `framework.Results`: diagnostics that know the exit
//! status they make (1 when one is an error) and their order (errors, then warnings, then
//! infos, each in the order found), and that render as the ResourceList's `results` and as
//! the lines for standard error.

use crate::diag::{self, Diagnostic, ResourceRef, Severity};
use crate::yaml::Node;

use super::list;

/// Where results about the intent point: the functionConfig as an object, and its file in
/// the package when the orchestrator says.
pub(crate) struct ConfigRef {
    pub resource: Option<ResourceRef>,
    pub file: Option<String>,
}

impl ConfigRef {
    pub fn new(config: &Node, items: &[Node]) -> ConfigRef {
        // kpt gives the functionConfig of `fn eval` no path, but the same object is an item.
        let file = list::item_path(config).or_else(|| {
            items.iter().filter(|item| list::same_object(item, config)).find_map(list::item_path)
        });
        ConfigRef { resource: resource_of(config), file: file.map(str::to_string) }
    }

    /// `d` as a result about the intent: the same code, message, help and field path as on the
    /// command line. Its position is in the ResourceList, not in the intent's file: left out.
    pub fn result(&self, d: Diagnostic) -> Diagnostic {
        let mut d = d.nowhere().about(self.resource.clone());
        d.file = self.file.clone();
        d
    }
}

/// The object `node` is, by its apiVersion, kind, name and namespace.
pub(crate) fn resource_of(node: &Node) -> Option<ResourceRef> {
    let metadata = node.get("metadata");
    Some(ResourceRef {
        api_version: list::str_at(node, "apiVersion")?.to_string(),
        kind: list::str_at(node, "kind")?.to_string(),
        name: metadata.and_then(|m| list::str_at(m, "name")).unwrap_or_default().to_string(),
        namespace: metadata.and_then(|m| list::str_at(m, "namespace")).map(str::to_string),
    })
}

/// The results of one run.
#[derive(Debug, Default)]
pub(crate) struct Results(Vec<Diagnostic>);

impl Results {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    /// 1 when a result is an error, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.0.iter().any(Diagnostic::is_error))
    }

    /// Errors first, then warnings, then infos; each in the order found.
    pub fn sort(&mut self) {
        self.0.sort_by_key(|d| d.severity);
    }

    /// The errors and warnings for standard error, as the command line prints them
    /// (kustomize shows no results, only standard error).
    pub fn log(&self) -> String {
        let shown: Vec<Diagnostic> =
            self.0.iter().filter(|d| d.severity != Severity::Info).cloned().collect();
        diag::text::render(&shown)
    }

    /// The `results` sequence; `None` when there is none.
    pub fn node(&self) -> Option<Node> {
        (!self.0.is_empty()).then(|| Node::seq(self.0.iter().map(diag::krm::result).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    fn with(severity: Severity, message: &str) -> Diagnostic {
        let mut d = Diagnostic::problem(Code::Drift, message);
        d.severity = severity;
        d
    }

    #[test]
    fn results_know_their_exit_status_order_and_log() {
        let mut results = Results::default();
        assert_eq!((results.exit_code(), results.node()), (0, None));
        results.push(with(Severity::Info, "summary"));
        results.push(with(Severity::Warning, "w"));
        assert_eq!(results.exit_code(), 0);
        results.extend([with(Severity::Error, "e1"), with(Severity::Error, "e2")]);
        assert_eq!(results.exit_code(), 1);
        results.sort();
        let order: Vec<&str> = results.0.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["e1", "e2", "w", "summary"]);
        assert_eq!(results.log(), "error[drift]: e1\nerror[drift]: e2\nwarning[drift]: w\n");
    }
}
