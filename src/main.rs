fn main() {
    std::process::exit(netpol_intent::cli::main());
}
