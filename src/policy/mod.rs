//! The policy stage: a valid intent expanded into NetworkPolicies ([`expand`]), several
//! intents' merged ([`merge`]), rendered as YAML ([`render`]); and the NetworkPolicies a
//! repository holds, read out of YAML texts ([`read`]).

pub mod expand;
pub mod merge;
pub mod read;
pub mod render;
