//! The policy stage: a valid intent expanded into NetworkPolicies ([`expand`]), several
//! intents' merged ([`merge`]), rendered as YAML ([`render`]); which intent manages a policy
//! ([`ownership`]); and the NetworkPolicies a
//! repository holds, read out of YAML texts ([`read`]).

pub mod expand;
pub mod merge;
pub mod naming;
pub mod normalize;
pub mod ownership;
pub mod read;
pub mod render;
