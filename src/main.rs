fn main() {
    std::process::exit(netpol_intent::shell::cli::main());
}
