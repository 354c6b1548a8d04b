//! What refusing YAML that kubectl or kustomize read otherwise costs the parser: a large
//! intent and the large stream of policies it generates, each parsed with the check
//! (`yaml::parse`) and without (`yaml::parse_as_yaml_1_2`).
//!
//! `cargo bench --bench yaml` prints the median of several runs of each and their ratio.

#[path = "../tests/common/large.rs"]
mod large;
mod support;

use netpol_intent::yaml;

const CONNECTIONS: usize = 5_000;
const RUNS: usize = 9;

fn main() {
    let intent = large::connected_intent(CONNECTIONS);
    let policies =
        netpol_intent::policy::render::to_yaml(&netpol_intent::generate(&intent).expect("a valid intent"));
    let limits = yaml::Limits::default();
    for (what, text) in [("the intent", &intent), ("its policies", &policies)] {
        let (checked, docs) = support::time(RUNS, || yaml::parse(text, &limits).expect("YAML").len());
        let (unchecked, _) =
            support::time(RUNS, || yaml::parse_as_yaml_1_2(text, &limits).expect("YAML").len());
        println!(
            "{what} ({:.1} MiB, {} documents): parse {checked:?}, without the check {unchecked:?}, ratio {:.2}",
            text.len() as f64 / (1 << 20) as f64,
            docs,
            checked.as_secs_f64() / unchecked.as_secs_f64()
        );
    }
}
