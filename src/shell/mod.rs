//! The shells: the only code that touches files, the environment or the process's streams.
//! The command line ([`cli`], with `cli::analyze` for the engine's commands), the reading of
//! input files ([`input`]), `generate -o` ([`outdir`]), `init` ([`init`]) and the KRM function
//! ([`krm`]).

pub mod cli;
pub mod init;
pub mod input;
pub mod krm;
pub mod outdir;
