//! Reading the files a command is given: which files hold an intent ([`discover`]) and which
//! files a kustomization deploys ([`kustomize`]).

pub mod collect;
pub mod discover;
pub mod kustomize;
