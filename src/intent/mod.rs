//! The intent stage: the NetworkIntent's types, read from a YAML tree ([`decode`]), checked
//! across fields ([`validate`]) against Kubernetes' name rules ([`names`]).

mod types;

pub mod decode;
pub mod names;
mod table;
pub mod validate;

pub use types::*;
