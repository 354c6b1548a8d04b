//! The intent stage: the NetworkIntent's types, read from a YAML tree ([`decode`]), checked
//! across fields ([`validate`]) against Kubernetes' name rules ([`crate::k8s::names`]).

mod types;

pub mod decode;
mod table;
pub mod validate;

pub use types::*;
