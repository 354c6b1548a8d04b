//! What the benches share: timing and the peak-memory reading. (A folder, so that cargo does
//! not take it for a bench of its own.)
#![allow(dead_code)]

use std::time::{Duration, Instant};

pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Runs `f` `runs` times: the median wall time and the last result.
pub fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(std::hint::black_box(f()));
        times.push(start.elapsed());
    }
    (median(times), last.expect("at least one run"))
}

/// Peak resident set size so far of process `pid` (`"self"` for this one), in MiB, from /proc
/// (Linux only).
pub fn peak_rss_mib(pid: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Resets this process's peak RSS (Linux 4.0 and later), so a later reading is of what follows.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub fn show_peak_rss(what: &str) {
    match peak_rss_mib("self") {
        Some(mib) => println!("peak RSS of {what} (VmHWM): {mib:.0} MiB"),
        None => println!("peak RSS: /proc/self/status is not readable here"),
    }
}
