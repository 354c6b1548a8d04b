//! What Kubernetes itself decides, needed by more than one stage: the API server's name rules
//! ([`names`]) for object names, namespaces, label keys and values and port names, and the
//! protocols of ports ([`protocol`]). Knows nothing of the intent, so the engine can use it too.

pub mod names;
pub mod protocol;
