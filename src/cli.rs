//! The command line: a thin shell that reads files, calls the core and writes what it returns.
//! [`run`] takes its streams as arguments, so tests drive it with no process and no globals.
//!
//! Exit status: 0 success, 1 differences found (`diff`), 2 error. As a KRM function (no
//! arguments, or `krm`): 0 success, 1 when the ResourceList holds error results.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag;

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
    /// people, `github` for GitHub Actions' annotations (`::error file=…,line=…::message`)
    #[arg(long, global = true, value_enum, default_value_t = ErrorFormat::Text)]
    error_format: ErrorFormat,
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
        /// (one intent file only; see docs/output-directory.md)
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
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
    /// Compare what an intent generates with the NetworkPolicies in a file, a directory or
    /// standard input; exit 0 when they match, 1 when they differ (see --fail-on), 2 on error
    Diff {
        /// The NetworkIntent file, or `-` for standard input
        intent: PathBuf,
        /// The current policies: a YAML file, a directory (through its kustomization when it has
        /// one, else every YAML file in it, recursively) or `-`
        #[arg(long, value_name = "PATH")]
        against: PathBuf,
        /// How to print the report
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Colour the text report: `auto` when standard output is a terminal and NO_COLOR is
        /// not set
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// The namespace of a policy that names none (as `kubectl apply -f` without `-n`)
        #[arg(long, value_name = "NAMESPACE", default_value = "default")]
        default_namespace: String,
        /// What makes the exit status 1: any difference; only dangers (changes that leave
        /// pods non-isolated, and policies at PATH, whoever they claim to belong to, that allow
        /// more than the intent generates); or nothing. Errors always exit 2
        #[arg(long, value_enum, default_value_t = FailOn::Differences)]
        fail_on: FailOn,
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

/// How errors are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    Text,
    Github,
}

/// Why a command failed, kept as data until [`Failure::render`] prints it in the format asked.
#[derive(Debug)]
pub enum Failure {
    /// The intent is invalid; `file` is its name as given (`<stdin>` for standard input).
    Intent { file: String, diags: Vec<diag::Diagnostic> },
    /// The current policies cannot be read or are invalid.
    Current(Vec<crate::current::Problem>),
    /// The workloads are invalid.
    Workloads(Vec<crate::engine::workloads::Problem>),
    /// Anything else: one line, without the `error: ` prefix.
    Message(String),
    /// Several of the above, in order (one per intent file).
    Many(Vec<Failure>),
}

impl Failure {
    pub fn render(&self, format: ErrorFormat) -> String {
        match (self, format) {
            (Failure::Intent { file, diags }, ErrorFormat::Text) => diag::render_text(file, diags),
            (Failure::Intent { file, diags }, ErrorFormat::Github) if file == "<stdin>" => {
                // No file to annotate: the annotations go on the run, with the line in the text.
                diags
                    .iter()
                    .map(|d| {
                        let text = diag::render_text(file, std::slice::from_ref(d));
                        let title = format!("netpol-intent {}", d.code);
                        diag::github_command(d.severity, None, 0, 0, &title, text.trim_end())
                    })
                    .collect()
            }
            (Failure::Intent { file, diags }, ErrorFormat::Github) => diag::render_github(file, diags),
            (Failure::Current(problems), ErrorFormat::Text) => crate::current::render_problems(problems),
            (Failure::Current(problems), ErrorFormat::Github) => {
                crate::current::render_problems_github(problems)
            }
            (Failure::Workloads(problems), format) => {
                crate::analyze::render_workload_problems(problems, format == ErrorFormat::Github)
            }
            (Failure::Message(m), ErrorFormat::Text) => format!("error: {m}\n"),
            (Failure::Message(m), ErrorFormat::Github) => {
                diag::github_command(diag::Severity::Error, None, 0, 0, "netpol-intent", m)
            }
            (Failure::Many(failures), format) => failures.iter().map(|f| f.render(format)).collect(),
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
        stdout: &mut *io.stdout,
        stderr: if cli.quiet { &mut sink } else { &mut *io.stderr },
    };
    let result = dispatch(cli.command.expect("a command"), &mut quiet);
    match result {
        Ok((output, code)) => match io.stdout.write_all(output.as_bytes()).and_then(|()| io.stdout.flush()) {
            Ok(()) => code,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
            Err(e) => {
                let _ = writeln!(io.stderr, "error: cannot write output: {e}");
                EXIT_ERROR
            }
        },
        Err(failure) => {
            let _ = write!(io.stderr, "{}", failure.render(cli.error_format));
            EXIT_ERROR
        }
    }
}

/// Runs one command but `krm`: its output and exit status, or why it failed.
fn dispatch(command: Command, io: &mut Io) -> Result<(String, i32), Failure> {
    match command {
        Command::Generate { intents, output: None } => generate(&intents, io).map(|out| (out, EXIT_OK)),
        Command::Generate { intents, output: Some(dir) } => generate_into(&intents, &dir, io),
        Command::Discover { dir } => discover(&dir, io),
        Command::CopyBinary { dest } => copy_binary(&dest).map(|()| (String::new(), EXIT_OK)),
        Command::Diff { intent, against, format, color, default_namespace, fail_on } => {
            let colour = use_colour(color, io.stdout_is_terminal, std::env::var_os("NO_COLOR").as_deref());
            diff(&intent, &against, format, colour, &default_namespace, fail_on, io)
        }
        Command::Connectivity { policies, workloads, format, default_namespace } => {
            connectivity(&policies, &workloads, format, &default_namespace, io).map(|out| (out, EXIT_OK))
        }
        Command::Explain { src, dst, port, policies, workloads, default_namespace } => {
            explain(&[&src, &dst], port.as_deref(), &policies, &workloads, &default_namespace, io)
                .map(|out| (out, EXIT_OK))
        }
        Command::Verify { intent, workloads, policies, format, default_namespace } => {
            verify(&intent, &workloads, policies.as_deref(), format, &default_namespace, io)
        }
        Command::Init { from, output, name } => init(&from, output.as_deref(), name.as_deref(), io),
        Command::Completions { shell } => Ok((completions(shell), EXIT_OK)),
        Command::Schema => Ok((schema(), EXIT_OK)),
        Command::Krm => unreachable!("`krm` is run before the other commands"),
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
pub fn read_input(path: &Path, stdin: &mut dyn Read) -> Result<(String, String), Failure> {
    if path == Path::new("-") {
        let mut text = String::new();
        stdin
            .read_to_string(&mut text)
            .map_err(|e| Failure::Message(format!("cannot read standard input: {e}")))?;
        return Ok(("<stdin>".to_string(), text));
    }
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Failure::Message(format!("cannot read {name}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| Failure::Message(format!("{name} is not UTF-8 text")))?;
    Ok((name, text))
}

/// The intents at `paths`: files, `-`, or directories (their NetworkIntent files, at least
/// one), each read and validated; every invalid one is reported.
fn load_intents(paths: &[PathBuf], stdin: &mut dyn Read) -> Result<Vec<crate::merge::Loaded>, Failure> {
    let mut sources = Vec::new();
    for path in paths {
        if path != Path::new("-") && path.is_dir() {
            let found = crate::discover::find(path).map_err(Failure::Current)?;
            if found.is_empty() {
                return Err(Failure::Message(no_intent(path)));
            }
            sources.extend(found.into_iter().map(|s| (s.name, s.text)));
        } else {
            sources.push(read_input(path, stdin)?);
        }
    }
    let mut loaded = Vec::new();
    let mut failures = Vec::new();
    for (file, text) in sources {
        match crate::load(&text) {
            Ok(intent) => loaded.push(crate::merge::Loaded { file, intent }),
            Err(diags) => failures.push(Failure::Intent { file, diags }),
        }
    }
    match failures.len() {
        0 => Ok(loaded),
        1 => Err(failures.remove(0)),
        _ => Err(Failure::Many(failures)),
    }
}

fn no_intent(dir: &Path) -> String {
    format!("no NetworkIntent in {}: no .yaml, .yml or .json file under it holds one", dir.display())
}

/// The policies of every intent, merged; an empty result is an error, never empty output.
fn generate(paths: &[PathBuf], io: &mut Io) -> Result<String, Failure> {
    let loaded = load_intents(paths, io.stdin)?;
    let policies =
        crate::merge::merge(&loaded).map_err(|c| Failure::Intent { file: c.file, diags: c.diags })?;
    if policies.is_empty() {
        let files: Vec<&str> = loaded.iter().map(|l| l.file.as_str()).collect();
        return Err(Failure::Message(format!(
            "{} generated no NetworkPolicy: printing nothing would tell a deployer to delete them all",
            files.join(", ")
        )));
    }
    Ok(crate::render::to_yaml(&policies))
}

/// The NetworkIntent files under `dir`, one per line; none is exit status 1, with the reason.
fn discover(dir: &Path, io: &mut Io) -> Result<(String, i32), Failure> {
    let found = crate::discover::find(dir).map_err(Failure::Current)?;
    if found.is_empty() {
        let _ = writeln!(io.stderr, "{}", no_intent(dir));
        return Ok((String::new(), EXIT_DIFFERENCES));
    }
    Ok((found.iter().map(|s| format!("{}\n", s.name)).collect(), EXIT_OK))
}

/// Copies the running binary to `dest`: written beside it, made executable, then renamed
/// over it, so that `dest` is never a partial file.
fn copy_binary(dest: &Path) -> Result<(), Failure> {
    let fail =
        |e: std::io::Error| Failure::Message(format!("cannot copy the binary to {}: {e}", dest.display()));
    let me = std::env::current_exe().map_err(fail)?;
    let name =
        dest.file_name().ok_or_else(|| Failure::Message(format!("{} is no file path", dest.display())))?;
    let partial = dest.with_file_name(format!(".{}.partial", name.to_string_lossy()));
    std::fs::copy(&me, &partial).map_err(fail)?;
    #[cfg(unix)]
    std::fs::set_permissions(&partial, std::os::unix::fs::PermissionsExt::from_mode(0o755)).map_err(fail)?;
    std::fs::rename(&partial, dest).map_err(fail)
}

/// Writes the policies into `dir` (see [`crate::outdir`]); a summary goes to standard error.
fn generate_into(intents: &[PathBuf], dir: &Path, io: &mut Io) -> Result<(String, i32), Failure> {
    let [intent] = intents else {
        return Err(Failure::Message("`generate -o DIR` takes one intent file".to_string()));
    };
    if intent != Path::new("-") && intent.is_dir() {
        return Err(Failure::Message(format!(
            "`generate -o DIR` takes one intent file, not the directory {}",
            intent.display()
        )));
    }
    let (name, text) = read_input(intent, io.stdin)?;
    let valid = crate::load(&text).map_err(|diags| Failure::Intent { file: name, diags })?;
    let policies = crate::expand::expand(&valid);
    let written = crate::outdir::write(dir, valid.intent().name(), &policies)
        .map_err(|e| Failure::Message(e.to_string()))?;
    let _ = writeln!(io.stderr, "{}: {written}", dir.display());
    Ok((String::new(), EXIT_OK))
}

/// The report of `intent` against the policies at `against`; exit status 1 when `fail_on`
/// says the report fails.
#[allow(clippy::too_many_arguments)]
fn diff(
    intent: &Path,
    against: &Path,
    format: Format,
    colour: bool,
    default_namespace: &str,
    fail_on: FailOn,
    io: &mut Io,
) -> Result<(String, i32), Failure> {
    if intent == Path::new("-") && against == Path::new("-") {
        return Err(Failure::Message("the intent and `--against` cannot both be standard input".to_string()));
    }
    let (name, text) = read_input(intent, io.stdin)?;
    let sources = crate::current::collect(against, io.stdin).map_err(Failure::Current)?;
    let report = crate::diff(&text, &sources, default_namespace).map_err(|e| match e {
        crate::DiffError::Intent(diags) => Failure::Intent { file: name, diags },
        crate::DiffError::Current(problems) => Failure::Current(problems),
    })?;
    let output = match format {
        Format::Text => crate::report::text(&report, colour),
        Format::Markdown => crate::report::markdown(&report),
        Format::Json => crate::report::json(&report),
    };
    Ok((output, if fail_on.fails(&report) { EXIT_DIFFERENCES } else { EXIT_OK }))
}

/// `init`: the starting intent on standard output, or in `output`, which must not exist; a
/// summary on standard error.
fn init(
    from: &Path,
    output: Option<&Path>,
    name: Option<&str>,
    io: &mut Io,
) -> Result<(String, i32), Failure> {
    let found = crate::analyze::read_workloads(from, io.stdin)?;
    let started =
        crate::init::starting_intent(&found, &from.display().to_string(), name).map_err(Failure::Message)?;
    // The intent is checked as any intent file is; one that fails is a bug here, never output.
    crate::load(&started.text).map_err(|diags| Failure::Intent { file: "<init>".to_string(), diags })?;
    let plural = crate::init::plural;
    let counts = format!(
        "{}, {}, {} left out (see its comments)",
        plural(started.namespaces, "namespace"),
        plural(started.workloads, "workload"),
        started.left_out
    );
    match output {
        Some(path) => {
            crate::init::write_new(path, &started.text).map_err(Failure::Message)?;
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
fn completions(shell: clap_complete::Shell) -> String {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "netpol-intent", &mut out);
    let script = String::from_utf8(out).expect("a completion script is UTF-8");
    match shell {
        clap_complete::Shell::Bash => script.replace("netpol__subcmd__intent", "netpol__intent"),
        _ => script,
    }
}

/// The JSON Schema, as committed in `schema/`.
pub fn schema() -> String {
    let mut text = serde_json::to_string_pretty(&crate::intent::json_schema()).expect("a schema serializes");
    text.push('\n');
    text
}

/// The workloads and the policies of `connectivity` and `explain`; at most one of them may be
/// standard input.
fn read_workloads_and_policies(
    policies: &Path,
    workloads: &Path,
    default_namespace: &str,
    io: &mut Io,
) -> Result<(crate::engine::Workloads, Vec<crate::engine::Policy>), Failure> {
    if policies == Path::new("-") && workloads == Path::new("-") {
        return Err(Failure::Message(
            "`--policies` and `--workloads` cannot both be standard input".to_string(),
        ));
    }
    let w = crate::analyze::read_workloads(workloads, io.stdin)?;
    let p = crate::analyze::read_policies(policies, default_namespace, io.stdin)?;
    Ok((w, p))
}

fn connectivity(
    policies: &Path,
    workloads: &Path,
    format: Format,
    default_namespace: &str,
    io: &mut Io,
) -> Result<String, Failure> {
    let (w, p) = read_workloads_and_policies(policies, workloads, default_namespace, io)?;
    Ok(crate::analyze::connectivity(w, &p, format))
}

fn explain(
    ends: &[&str; 2],
    port: Option<&str>,
    policies: &Path,
    workloads: &Path,
    default_namespace: &str,
    io: &mut Io,
) -> Result<String, Failure> {
    let (w, p) = read_workloads_and_policies(policies, workloads, default_namespace, io)?;
    crate::analyze::explain(&w, &p, ends[0], ends[1], port)
}

/// `verify`: the intent's reading against the generated policies, or `policies`.
fn verify(
    intent: &Path,
    workloads: &Path,
    policies: Option<&Path>,
    format: Format,
    default_namespace: &str,
    io: &mut Io,
) -> Result<(String, i32), Failure> {
    let inputs = [Some(intent), Some(workloads), policies];
    if inputs.iter().flatten().filter(|p| **p == Path::new("-")).count() > 1 {
        return Err(Failure::Message("only one input can be standard input".to_string()));
    }
    let (name, text) = read_input(intent, io.stdin)?;
    let valid = crate::load(&text).map_err(|diags| Failure::Intent { file: name.clone(), diags })?;
    let w = crate::analyze::read_workloads(workloads, io.stdin)?;
    let p = match policies {
        Some(path) => crate::analyze::read_policies(path, default_namespace, io.stdin)?,
        None => crate::analyze::compile_generated(&crate::expand::expand(&valid), &name)?,
    };
    let (output, agree) = crate::analyze::verify(&valid, w, &p, &name, format);
    Ok((output, if agree { EXIT_OK } else { EXIT_DIFFERENCES }))
}
