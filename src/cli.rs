//! The command line: a thin shell that reads files, calls the core and writes what it returns.
//! [`run`] takes its streams as arguments, so tests drive it with no process and no globals.
//!
//! Exit status: 0 success, 1 differences found (`diff`), 2 error. As a KRM function (no
//! arguments, or `krm`): 0 success, 1 when the ResourceList holds error results.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::diag;

pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "netpol-intent",
    version,
    about = "Turns a NetworkIntent file into Kubernetes NetworkPolicies",
    long_about = "Turns a NetworkIntent file into Kubernetes NetworkPolicies: a default-deny \
                  baseline per namespace plus exactly the connections the intent allows.\n\n\
                  With no arguments and a ResourceList on standard input, runs as a KRM function \
                  for kpt and kustomize (see `netpol-intent krm --help`).\n\n\
                  Exit status: 0 success, 1 differences found, 2 error."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the NetworkPolicies an intent asks for, as one YAML stream
    Generate {
        /// The NetworkIntent file, or `-` for standard input
        intent: PathBuf,
    },
    /// Print the JSON Schema of the NetworkIntent file
    Schema,
    /// Run as a KRM function for kpt and kustomize: ResourceList in, ResourceList out
    ///
    /// Reads a ResourceList whose functionConfig is a NetworkIntent from standard input, and
    /// writes it back with the generated policies, and results, to standard output. This is what `netpol-intent` does with no arguments when standard input is not a
    /// terminal, as kpt and kustomize run it. Exit status: 0 success, 1 error results.
    Krm,
}

/// The process's streams, passed in so that tests can supply their own.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdin_is_terminal: bool,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// Runs the binary with the real process streams.
pub fn main() -> i32 {
    let stdin = std::io::stdin();
    let stdin_is_terminal = stdin.is_terminal();
    let mut io = Io {
        stdin: &mut stdin.lock(),
        stdin_is_terminal,
        stdout: &mut std::io::stdout().lock(),
        stderr: &mut std::io::stderr().lock(),
    };
    run(std::env::args_os(), &mut io)
}

/// Runs the command line `args` (the program name first) and returns the exit status.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>, io: &mut Io) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let out: &mut dyn Write = if e.use_stderr() { io.stderr } else { io.stdout };
            let _ = write!(out, "{}", e.render());
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    let result = match cli.command {
        Some(Command::Generate { intent }) => generate(&intent, io),
        Some(Command::Schema) => Ok(schema()),
        Some(Command::Krm) => return krm(io),
        None if !io.stdin_is_terminal => return krm(io),
        None => {
            let _ = write!(io.stdout, "{}", <Cli as clap::CommandFactory>::command().render_help());
            return EXIT_OK;
        }
    };
    match result {
        Ok(output) => match io.stdout.write_all(output.as_bytes()).and_then(|()| io.stdout.flush()) {
            Ok(()) => EXIT_OK,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
            Err(e) => {
                let _ = writeln!(io.stderr, "error: cannot write output: {e}");
                EXIT_ERROR
            }
        },
        Err(message) => {
            let _ = write!(io.stderr, "{message}");
            EXIT_ERROR
        }
    }
}

/// The KRM function: the ResourceList on standard input, processed by [`crate::krm::run`].
fn krm(io: &mut Io) -> i32 {
    let mut bytes = Vec::new();
    let run = match io.stdin.read_to_end(&mut bytes) {
        Err(e) => crate::krm::failure(&format!("cannot read standard input: {e}")),
        Ok(_) => match String::from_utf8(bytes) {
            Ok(text) => crate::krm::run(&text),
            Err(_) => crate::krm::failure("standard input is not UTF-8 text"),
        },
    };
    let _ = io.stderr.write_all(run.log.as_bytes());
    match io.stdout.write_all(run.output.as_bytes()).and_then(|()| io.stdout.flush()) {
        Ok(()) => run.exit_code,
        Err(e) => {
            let _ = writeln!(io.stderr, "error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

/// A file's text, or standard input's for `-`, with the name to show in messages.
pub fn read_input(path: &Path, stdin: &mut dyn Read) -> Result<(String, String), String> {
    if path == Path::new("-") {
        let mut text = String::new();
        stdin.read_to_string(&mut text).map_err(|e| format!("error: cannot read standard input: {e}\n"))?;
        return Ok(("<stdin>".to_string(), text));
    }
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("error: cannot read {name}: {e}\n"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("error: {name} is not UTF-8 text\n"))?;
    Ok((name, text))
}

fn generate(intent: &Path, io: &mut Io) -> Result<String, String> {
    let (name, text) = read_input(intent, io.stdin)?;
    let policies = crate::generate(&text).map_err(|diags| diag::render_text(&name, &diags))?;
    Ok(crate::render::to_yaml(&policies))
}

/// The JSON Schema, as committed in `schema/`.
pub fn schema() -> String {
    let mut text = serde_json::to_string_pretty(&crate::intent::json_schema()).expect("a schema serializes");
    text.push('\n');
    text
}
