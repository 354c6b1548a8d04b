//! Label selectors, parsed once from a Kubernetes `LabelSelector` into requirements, then
//! matched against labels with [`Selector::matches`]. `matchLabels` entries are `In`
//! requirements of one value; every requirement must hold (AND); an empty selector selects
//! everything. (Kubernetes: apimachinery `LabelSelectorAsSelector`.)

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

pub type Labels = BTreeMap<String, String>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// The key is present with one of the values.
    In(String, BTreeSet<String>),
    /// The key is absent, or present with none of the values.
    NotIn(String, BTreeSet<String>),
    Exists(String),
    DoesNotExist(String),
}

impl Requirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            Requirement::In(k, values) => labels.get(k).is_some_and(|v| values.contains(v)),
            Requirement::NotIn(k, values) => !labels.get(k).is_some_and(|v| values.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Requirement::In(k, _) | Requirement::NotIn(k, _) => k,
            Requirement::Exists(k) | Requirement::DoesNotExist(k) => k,
        }
    }
}

/// A parsed label selector.
///
/// ```
/// use netpol_intent::engine::selector::{Labels, Selector};
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
///
/// let sel = |json: serde_json::Value| -> Selector {
///     Selector::parse(&serde_json::from_value::<LabelSelector>(json).unwrap()).unwrap()
/// };
/// let canary: Labels = [("app".to_string(), "web".to_string()), ("track".to_string(), "canary".to_string())].into();
/// let plain: Labels = [("app".to_string(), "web".to_string())].into();
/// // In, NotIn (a missing key is "not in"), Exists, DoesNotExist, and matchLabels (AND).
/// let s = sel(serde_json::json!({"matchExpressions": [{"key": "track", "operator": "In", "values": ["canary"]}]}));
/// assert!(s.matches(&canary) && !s.matches(&plain));
/// let s = sel(serde_json::json!({"matchExpressions": [{"key": "track", "operator": "NotIn", "values": ["canary"]}]}));
/// assert!(!s.matches(&canary) && s.matches(&plain));
/// let s = sel(serde_json::json!({"matchExpressions": [{"key": "track", "operator": "Exists"}]}));
/// assert!(s.matches(&canary) && !s.matches(&plain));
/// let s = sel(serde_json::json!({"matchExpressions": [{"key": "track", "operator": "DoesNotExist"}]}));
/// assert!(!s.matches(&canary) && s.matches(&plain));
/// let s = sel(serde_json::json!({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "track", "operator": "Exists"}]}));
/// assert!(s.matches(&canary) && !s.matches(&plain));
/// // The empty selector selects everything, even no labels.
/// assert!(sel(serde_json::json!({})).matches(&Labels::new()));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

impl Selector {
    /// The selector that selects everything (`{}`).
    pub fn everything() -> Selector {
        Selector::default()
    }

    /// Parses a `LabelSelector`. Errors, as the API server's validation has them: an unknown
    /// operator, `In`/`NotIn` without values, `Exists`/`DoesNotExist` with values.
    pub fn parse(s: &LabelSelector) -> Result<Selector, String> {
        let mut requirements: Vec<Requirement> = s
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| Requirement::In(k.clone(), BTreeSet::from([v.clone()])))
            .collect();
        for (i, r) in s.match_expressions.iter().flatten().enumerate() {
            let values: BTreeSet<String> = r.values.iter().flatten().cloned().collect();
            let at = format!("matchExpressions[{i}]");
            let requirement = match r.operator.as_str() {
                "In" | "NotIn" if values.is_empty() => {
                    return Err(format!("{at}: operator `{}` needs at least one value", r.operator))
                }
                "Exists" | "DoesNotExist" if !values.is_empty() => {
                    return Err(format!("{at}: operator `{}` takes no values", r.operator))
                }
                "In" => Requirement::In(r.key.clone(), values),
                "NotIn" => Requirement::NotIn(r.key.clone(), values),
                "Exists" => Requirement::Exists(r.key.clone()),
                "DoesNotExist" => Requirement::DoesNotExist(r.key.clone()),
                other => {
                    return Err(format!(
                        "{at}: unknown operator `{other}` (In, NotIn, Exists or DoesNotExist)"
                    ))
                }
            };
            requirements.push(requirement);
        }
        Ok(Selector { requirements })
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    pub fn is_everything(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }
}

/// As `kubectl get -l` writes selectors: `app=web,track in (canary),!legacy`; `{}` for the
/// empty selector.
impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.requirements.is_empty() {
            return f.write_str("{}");
        }
        let list = |values: &BTreeSet<String>| values.iter().cloned().collect::<Vec<_>>().join(",");
        let parts: Vec<String> = self
            .requirements
            .iter()
            .map(|r| match r {
                Requirement::In(k, v) if v.len() == 1 => format!("{k}={}", list(v)),
                Requirement::In(k, v) => format!("{k} in ({})", list(v)),
                Requirement::NotIn(k, v) => format!("{k} notin ({})", list(v)),
                Requirement::Exists(k) => k.clone(),
                Requirement::DoesNotExist(k) => format!("!{k}"),
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Result<Selector, String> {
        Selector::parse(&serde_json::from_value(json).unwrap())
    }

    #[test]
    fn refuses_what_the_api_server_refuses() {
        let e =
            parse(serde_json::json!({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]}));
        assert_eq!(e.unwrap_err(), "matchExpressions[0]: operator `In` needs at least one value");
        let e = parse(
            serde_json::json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}),
        );
        assert!(e.unwrap_err().contains("takes no values"));
        let e =
            parse(serde_json::json!({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}));
        assert!(e.unwrap_err().contains("unknown operator `Gt`"));
    }

    #[test]
    fn displays_like_kubectl() {
        let s = parse(serde_json::json!({"matchLabels": {"app": "web"}, "matchExpressions": [
            {"key": "t", "operator": "In", "values": ["a", "b"]}, {"key": "x", "operator": "DoesNotExist"}]}))
        .unwrap();
        assert_eq!(s.to_string(), "app=web,t in (a,b),!x");
        assert_eq!(Selector::everything().to_string(), "{}");
    }
}
