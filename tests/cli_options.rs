//! Options of the whole command line: `completions SHELL` (the bash script is loaded into a
//! real bash and asked to complete) and `--quiet` (notes go, errors stay).

mod common;

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_netpol-intent");

/// What bash offers for the words `line` (the last one being completed), with the
/// completion script loaded.
fn bash_completes(line: &str) -> Vec<String> {
    // As bash calls a `complete -F` function: the words, the index of the one being
    // completed, then the command, the word and the one before it as arguments.
    let script = r#"
source <("$BIN" completions bash)
function=$(complete -p netpol-intent | sed -E 's/.* -F ([^ ]+) .*/\1/')
COMP_LINE="$LINE"; COMP_POINT=${#COMP_LINE}
read -r -a COMP_WORDS <<<"$COMP_LINE"
case "$COMP_LINE" in *' ') COMP_WORDS+=('') ;; esac
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
"$function" netpol-intent "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-c", script])
        .env("BIN", BIN)
        .env("LINE", line)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_commands_and_their_options() {
    assert_eq!(bash_completes("netpol-intent in"), ["init"]);
    assert_eq!(bash_completes("netpol-intent init --fr"), ["--from"]);
    let shells = bash_completes("netpol-intent completions ");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.iter().any(|s| s == shell), "{shells:?}");
    }
    let formats = bash_completes("netpol-intent diff x --format ");
    assert_eq!(formats, ["text", "markdown", "json"]);
}

#[test]
fn every_shell_gets_a_script_that_knows_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = common::run(&["completions", shell], "");
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{shell}");
        for word in ["generate", "init", "from", "quiet", "completions"] {
            assert!(out.stdout.contains(word), "{shell}: no `{word}`");
        }
    }
    let out = common::run(&["completions", "tcsh"], "");
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(out.stderr.contains("invalid value 'tcsh'"), "{}", out.stderr);
}

#[test]
fn quiet_drops_notes_but_never_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let intent = common::root().join("examples/ingress-egress/intent.yaml").display().to_string();
    let dir = tmp.path().join("policies").display().to_string();
    let loud = common::run(&["generate", &intent, "-o", &dir], "");
    assert_eq!(loud.code, 0);
    assert!(loud.stderr.contains("11 written"), "{}", loud.stderr);
    let quiet = common::run(&["--quiet", "generate", &intent, "-o", &dir], "");
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
    let short = common::run(&["generate", "-q", &intent, "-o", &dir], "");
    assert_eq!((short.code, short.stderr.as_str()), (0, ""));

    // discover's "none found" is a note: the exit status says it.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let empty = empty.display().to_string();
    assert!(common::run(&["discover", &empty], "").stderr.contains("no NetworkIntent"));
    let quiet = common::run(&["-q", "discover", &empty], "");
    assert_eq!((quiet.code, quiet.stderr.as_str()), (1, ""));

    // Errors are printed, in either format.
    let invalid = common::root().join("tests/errors/unknown-field.yaml").display().to_string();
    for format in ["text", "github"] {
        let out = common::run(&["-q", "--error-format", format, "generate", &invalid], "");
        assert_eq!((out.code, out.stdout.as_str()), (2, ""));
        assert!(out.stderr.contains("unknown-field"), "{format}: {}", out.stderr);
    }
    let out = common::run(&["-q", "generate", "/no/such/intent.yaml"], "");
    assert!(out.stderr.contains("/no/such/intent.yaml: cannot read: "), "{}", out.stderr);
}

/// Errors are coloured as `--color` (a global option) says, and when standard error is a
/// terminal; never when it is not, unless asked.
#[test]
fn errors_are_coloured_on_a_terminal_or_when_asked() {
    let bad = common::root().join("tests/errors/unknown-field.yaml").display().to_string();
    let plain = common::run(&["generate", &bad], "");
    assert!(!plain.stderr.contains('\x1b'), "{}", plain.stderr);
    let always = common::run(&["--color", "always", "generate", &bad], "");
    assert!(always.stderr.starts_with("\x1b[1;31merror[unknown-field]\x1b[0m: "), "{:?}", always.stderr);
    let after = common::run(&["generate", &bad, "--color", "always"], "");
    assert_eq!(after.stderr, always.stderr, "a global option, after the subcommand too");

    let run = |args: &[&str]| {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut io = netpol_intent::shell::cli::Io {
            stdin: &mut std::io::empty(),
            stdin_is_terminal: false,
            stdout_is_terminal: false,
            stderr_is_terminal: true,
            stdout: &mut stdout,
            stderr: &mut stderr,
        };
        let argv: Vec<&str> = std::iter::once("netpol-intent").chain(args.iter().copied()).collect();
        netpol_intent::shell::cli::run(argv, &mut io);
        String::from_utf8(stderr).unwrap()
    };
    // NO_COLOR is read from the environment; with it unset here, a terminal gets colour.
    if std::env::var_os("NO_COLOR").is_none() {
        assert!(run(&["generate", &bad]).contains("\x1b[1;31merror"));
    }
    assert!(!run(&["--color", "never", "generate", &bad]).contains('\x1b'));
}
