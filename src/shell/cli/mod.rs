//! The command line: a thin shell that reads files, calls the core and writes what it returns.
//! [`run`] takes its streams as arguments, so tests drive it with no process and no globals.
//!
//! Exit status: 0 success, 1 differences found (`diff`), 2 error. As a KRM function (no
//! arguments, or `krm`): 0 success, 1 when the ResourceList holds error results.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

pub mod analyze;
mod diff;
mod engine;
mod errors;
mod generate;
mod init;

pub use errors::{relative_to, ErrorFormat, Failure, Printing, MAX_PRINTED};

use crate::diag::{self, Diagnostic};

pub const EXIT_OK: i32 = 0;
pub const EXIT_DIFFERENCES: i32 = 1;
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
    /// How errors in the intent or the policies are printed on standard error: `text` for
    /// people (each with an excerpt of its file), `github` for GitHub Actions' annotations
    /// (`::error file=…,line=…::message`), `json` for programs (one object a line), `sarif`
    /// for code scanning (one SARIF 2.1.0 log, also when there is no error). Text and
    /// annotations stop after the first 50
    #[arg(long, global = true, value_enum, default_value_t = ErrorFormat::Text)]
    error_format: ErrorFormat,
    /// Colour the errors and `diff`'s text report: `auto` when the stream they go to is a
    /// terminal and NO_COLOR is not set
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print nothing on standard error but errors: not the summary of `generate -o` and
    /// `init`, nor the note of `discover` when it finds nothing
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the NetworkPolicies intents ask for, as one YAML stream
    ///
    /// Several intents merge into one stream, sorted by namespace, then name; two that share a
    /// name or a namespace are an error. An empty result is an error too: nothing is printed
    /// rather than a stream that would delete every policy.
    Generate {
        /// NetworkIntent files, directories (each file under it whose document is a
        /// NetworkIntent, see `discover`), or `-` for standard input
        #[arg(required = true, value_name = "INTENT")]
        intents: Vec<PathBuf>,
        /// Write one file per policy and a kustomization.yaml into this directory instead
        /// (see docs/output-directory.md)
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// With `-o DIR`: write nothing, print what would change in DIR as a diff, and exit 1
        /// when DIR is stale (0 when it is up to date)
        #[arg(long, requires = "output")]
        check: bool,
    },
    /// Print the NetworkIntent files under a directory, one per line
    ///
    /// Every .yaml, .yml and .json file (hidden ones and links to directories skipped) whose
    /// document is a NetworkIntent as netpol-intent reads it. Exit status: 0 when some are
    /// found, 1 when none is, 2 when a file cannot be read or is not YAML.
    Discover {
        /// The directory to search
        #[arg(default_value = ".", value_name = "DIR")]
        dir: PathBuf,
    },
    /// Copy this binary to a path, for an init container that puts it where another
    /// container of the pod runs it
    CopyBinary {
        /// Where to write the binary (a file path; its directory must exist)
        #[arg(value_name = "PATH")]
        dest: PathBuf,
    },
    /// Compare what intents generate with the NetworkPolicies in a file, a directory or
    /// standard input; exit 0 when they match, 1 when they differ (see --fail-on), 2 on error
    ///
    /// Several intents give one report per intent, in the order of their files; JSON reports
    /// follow one another as separate documents. Intents that share a name or a namespace are
    /// an error.
    Diff {
        /// NetworkIntent files, directories (each file under it whose document is a
        /// NetworkIntent, see `discover`), or `-` for standard input
        #[arg(required = true, value_name = "INTENT")]
        intents: Vec<PathBuf>,
        /// The current policies: a YAML file, a directory (through its kustomization when it has
        /// one, else every YAML file in it, recursively) or `-`
        #[arg(long, value_name = "PATH")]
        against: PathBuf,
        /// How to print the report
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The namespace of a policy that names none (as `kubectl apply -f` without `-n`)
        #[arg(long, value_name = "NAMESPACE", default_value = "default")]
        default_namespace: String,
        /// What makes the exit status 1: any difference; only dangers (changes that leave
        /// pods non-isolated, and policies at PATH, whoever they claim to belong to, that allow
        /// more than the intent generates); or nothing. Errors always exit 2
        #[arg(long, value_enum, default_value_t = FailOn::Differences)]
        fail_on: FailOn,
        /// A label to leave out of the comparison on both sides, such as the tracking label a
        /// deployer adds to what it applies (Argo CD's `app.kubernetes.io/instance`); repeatable
        #[arg(long, value_name = "KEY")]
        ignore_label: Vec<String>,
        /// The workloads to judge connections among (Namespaces, Pods and workload
        /// controllers: a YAML file, a directory or `-`); without it, a pod for each workload,
        /// label and namespace the intent names
        #[arg(long, value_name = "PATH")]
        workloads: Option<PathBuf>,
    },
    /// Print every connection the policies allow among the workloads: between workloads, and
    /// between workloads and addresses (see docs/connectivity.md)
    Connectivity {
        /// The policies: NetworkPolicies in a YAML file, a directory (read recursively) or `-`;
        /// or a NetworkIntent file, meaning the policies it generates
        #[arg(long, value_name = "PATH")]
        policies: PathBuf,
        /// The Namespaces, Pods and workload controllers: a YAML file, a directory or `-`
        #[arg(long, value_name = "PATH")]
        workloads: PathBuf,
        /// How to print the connections (`json` is the conformance format)
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The namespace of a policy that names none (as `kubectl apply -f` without `-n`)
        #[arg(long, value_name = "NAMESPACE", default_value = "default")]
        default_namespace: String,
    },
    /// Say whether SRC may connect to DST (on PORT), and which policies and rules decide it
    Explain {
        /// The source: a workload `namespace/name`, or an IP address
        src: String,
        /// The destination: a workload `namespace/name`, or an IP address
        dst: String,
        /// The port, as `5432` (TCP) or `53/UDP`; without it, every port
        port: Option<String>,
        /// The policies, as for `connectivity`
        #[arg(long, value_name = "PATH")]
        policies: PathBuf,
        /// The workloads, as for `connectivity`
        #[arg(long, value_name = "PATH")]
        workloads: PathBuf,
        /// The namespace of a policy that names none
        #[arg(long, value_name = "NAMESPACE", default_value = "default")]
        default_namespace: String,
    },
    /// Check that the policies allow exactly what the intent says among the workloads: the
    /// policies it generates, or those of `--policies`; exit 0 when they agree, 1 with every
    /// extra and missing connection, 2 on error
    Verify {
        /// The NetworkIntent file, or `-` for standard input
        intent: PathBuf,
        /// The workloads, as for `connectivity`
        #[arg(long, value_name = "PATH")]
        workloads: PathBuf,
        /// The policies to check instead of the generated ones (a repo's or a cluster's)
        #[arg(long, value_name = "PATH")]
        policies: Option<PathBuf>,
        /// How to print the result
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The namespace of a policy that names none
        #[arg(long, value_name = "NAMESPACE", default_value = "default")]
        default_namespace: String,
    },
    /// Write a starting NetworkIntent from the workloads in manifests: their namespaces, one
    /// workload per controller, default isolation and DNS (see docs/init.md)
    ///
    /// Reads Namespaces, Deployments, StatefulSets, DaemonSets, ReplicaSets,
    /// ReplicationControllers, Jobs, CronJobs and Pods (objects another controls are skipped,
    /// so `kubectl get -o yaml` output works). The intent generates only the baseline; it ends
    /// with commented examples of a connection and a hub.
    Init {
        /// The manifests: a YAML file, a directory (read recursively) or `-`
        #[arg(long, value_name = "PATH")]
        from: PathBuf,
        /// Write the intent to this file, which must not exist, instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// The intent's `metadata.name` (default: its namespace when it has one, else `network`)
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Print a shell completion script: `source <(netpol-intent completions bash)`
    Completions {
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

/// What makes `diff` exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Anything to add, change or remove.
    Differences,
    /// A danger: a change that leaves pods non-isolated, or a policy that allows more than the
    /// generated ones (which an unmanaged policy that widens access always is).
    Dangers,
    /// Nothing: 0 unless there is an error.
    Never,
}

impl FailOn {
    /// Whether `report` makes the exit status 1.
    pub fn fails(self, report: &crate::diff::Report) -> bool {
        match self {
            FailOn::Differences => report.has_differences(),
            FailOn::Dangers => !report.dangers.is_empty(),
            FailOn::Never => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether to colour: `always` and `never` say so; `auto` colours a terminal unless the
/// NO_COLOR environment variable is set to something (no-color.org).
pub fn use_colour(choice: ColorChoice, stdout_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_is_terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

/// The process's streams, passed in so that tests can supply their own.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdin_is_terminal: bool,
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
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
        stdout_is_terminal: std::io::stdout().is_terminal(),
        stderr_is_terminal: std::io::stderr().is_terminal(),
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
    if matches!(cli.command, Some(Command::Krm) | None) {
        return match io.stdin_is_terminal && cli.command.is_none() {
            true => {
                let _ = write!(io.stdout, "{}", <Cli as clap::CommandFactory>::command().render_help());
                EXIT_OK
            }
            false => krm(io),
        };
    }
    // Under --quiet, what the commands write on standard error (notes, never errors) is dropped.
    let mut sink = std::io::sink();
    let mut quiet = Io {
        stdin: &mut *io.stdin,
        stdin_is_terminal: io.stdin_is_terminal,
        stdout_is_terminal: io.stdout_is_terminal,
        stderr_is_terminal: io.stderr_is_terminal,
        stdout: &mut *io.stdout,
        stderr: if cli.quiet { &mut sink } else { &mut *io.stderr },
    };
    let no_color = std::env::var_os("NO_COLOR");
    let colour = use_colour(cli.color, io.stdout_is_terminal, no_color.as_deref());
    let printing = Printing {
        format: cli.error_format,
        colour: use_colour(cli.color, io.stderr_is_terminal, no_color.as_deref()),
        workspace: workspace(),
    };
    let mut warnings = Failure::default();
    let result = dispatch(cli.command.expect("a command"), colour, &mut quiet, &mut warnings);
    if cli.quiet {
        warnings.diags.clear();
    }
    match result {
        Ok((output, code)) => {
            // A code scanning upload needs a log, with no results too, to clear what was found.
            if printing.format == ErrorFormat::Sarif || !warnings.diags.is_empty() {
                let _ = write!(io.stderr, "{}", warnings.render(&printing));
            }
            match io.stdout.write_all(output.as_bytes()).and_then(|()| io.stdout.flush()) {
                Ok(()) => code,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
                Err(e) => {
                    let _ = writeln!(io.stderr, "error: cannot write output: {e}");
                    EXIT_ERROR
                }
            }
        }
        Err(failure) => {
            let _ = write!(io.stderr, "{}", warnings.before(failure).render(&printing));
            EXIT_ERROR
        }
    }
}

/// `GITHUB_WORKSPACE` (resolved, where it can be) and the working directory, when it is set.
fn workspace() -> Option<(PathBuf, PathBuf)> {
    let workspace = PathBuf::from(std::env::var_os("GITHUB_WORKSPACE").filter(|w| !w.is_empty())?);
    let workspace = std::fs::canonicalize(&workspace).unwrap_or(workspace);
    Some((workspace, std::env::current_dir().ok()?))
}

/// Runs one command but `krm`: its output and exit status, or why it failed; the warnings of
/// the intents it read go to `warnings`. `colour` says whether to colour standard output.
fn dispatch(
    command: Command,
    colour: bool,
    io: &mut Io,
    warnings: &mut Failure,
) -> Result<(String, i32), Failure> {
    match command {
        Command::Generate { intents, output: None, .. } => {
            generate::generate(&intents, io, warnings).map(|out| (out, EXIT_OK))
        }
        Command::Generate { intents, output: Some(dir), check } => {
            generate::generate_into(&intents, &dir, check, io, warnings)
        }
        Command::Discover { dir } => generate::discover(&dir, io),
        Command::CopyBinary { dest } => generate::copy_binary(&dest).map(|()| (String::new(), EXIT_OK)),
        Command::Diff { intents, against, format, default_namespace, fail_on, ignore_label, workloads } => {
            let inputs =
                diff::Inputs { intents: &intents, against: &against, workloads: workloads.as_deref() };
            let options = diff::Options {
                format,
                colour,
                default_namespace: &default_namespace,
                fail_on,
                ignored: &ignore_label,
            };
            diff::diff(&inputs, &options, io, warnings)
        }
        Command::Connectivity { policies, workloads, format, default_namespace } => {
            engine::connectivity(&policies, &workloads, format, &default_namespace, io)
                .map(|out| (out, EXIT_OK))
        }
        Command::Explain { src, dst, port, policies, workloads, default_namespace } => {
            engine::explain(&[&src, &dst], port.as_deref(), &policies, &workloads, &default_namespace, io)
                .map(|out| (out, EXIT_OK))
        }
        Command::Verify { intent, workloads, policies, format, default_namespace } => {
            engine::verify(&intent, &workloads, policies.as_deref(), format, &default_namespace, io, warnings)
        }
        Command::Init { from, output, name } => init::init(&from, output.as_deref(), name.as_deref(), io),
        Command::Completions { shell } => Ok((init::completions(shell), EXIT_OK)),
        Command::Schema => Ok((schema(), EXIT_OK)),
        Command::Krm => unreachable!("`krm` is run before the other commands"),
    }
}

/// The KRM function: the ResourceList on standard input, processed by [`crate::shell::krm::run`].
fn krm(io: &mut Io) -> i32 {
    let mut bytes = Vec::new();
    let run = match io.stdin.read_to_end(&mut bytes) {
        Err(e) => crate::shell::krm::failure(&format!("cannot read standard input: {e}")),
        Ok(_) => match crate::shell::input::text(diag::STDIN, bytes) {
            Ok(text) => crate::shell::krm::run(&text),
            Err(d) => crate::shell::krm::failure(&format!("standard input is {}", d.message)),
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
pub fn read_input(path: &Path, stdin: &mut dyn Read) -> Result<(String, String), Failure> {
    if path == Path::new("-") {
        let mut text = String::new();
        stdin
            .read_to_string(&mut text)
            .map_err(|e| Failure::message(format!("cannot read standard input: {e}")))?;
        return Ok((diag::STDIN.to_string(), text));
    }
    let name = path.display().to_string();
    let unreadable = |e: std::io::Error| {
        let d = Diagnostic::problem(diag::Code::Unreadable, format!("cannot read: {e}"));
        Failure::from(vec![d.in_file(&name)])
    };
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let text = crate::shell::input::text(&name, bytes).map_err(|d| Failure::from(vec![*d]))?;
    Ok((name, text))
}

/// The JSON Schema, as committed in `schema/`.
pub fn schema() -> String {
    let mut text = serde_json::to_string_pretty(&crate::intent::json_schema()).expect("a schema serializes");
    text.push('\n');
    text
}
