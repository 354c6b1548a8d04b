//! `init` and `completions`: a starting intent from manifests, and the shell completion
//! scripts.

use std::path::Path;

use super::{Cli, Failure, Io, EXIT_OK};
use crate::shell::init::{plural, starting_intent, write_new};

/// `init`: the starting intent on standard output, or in `output`, which must not exist; a
/// summary on standard error.
pub(super) fn init(
    from: &Path,
    output: Option<&Path>,
    name: Option<&str>,
    io: &mut Io,
) -> Result<(String, i32), Failure> {
    let found = super::analyze::read_workloads(from, io.stdin)?;
    let started = starting_intent(&found, &from.display().to_string(), name).map_err(Failure::message)?;
    // The intent is checked as any intent file is; one that fails is a bug here, never output.
    crate::load(&started.text).map_err(|diags| Failure::in_file("<init>", diags))?;
    let counts = format!(
        "{}, {}, {} left out (see its comments)",
        plural(started.namespaces, "namespace"),
        plural(started.workloads, "workload"),
        started.left_out
    );
    match output {
        Some(path) => {
            write_new(path, &started.text).map_err(Failure::message)?;
            let _ = writeln!(io.stderr, "{}: {counts}", path.display());
            Ok((String::new(), EXIT_OK))
        }
        None => {
            let _ = writeln!(io.stderr, "init: {counts}");
            Ok((started.text, EXIT_OK))
        }
    }
}

/// The completion script for `shell`. clap_complete's bash script spells the state of a
/// subcommand of a hyphenated binary in two ways (`netpol__intent__subcmd__init` where it is
/// set, `netpol__subcmd__intent__subcmd__init` where it is matched: clap-rs/clap#6421), so
/// no subcommand's options would complete; the second spelling is made the first.
pub(super) fn completions(shell: clap_complete::Shell) -> String {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "netpol-intent", &mut out);
    let script = String::from_utf8(out).expect("a completion script is UTF-8");
    match shell {
        clap_complete::Shell::Bash => script.replace("netpol__subcmd__intent", "netpol__intent"),
        _ => script,
    }
}
