//! The native side of the WebAssembly benchmark (`node bindings-wasm/bench/run.mjs` runs it):
//! the same computations on the same files, with the core compiled for this machine, so the
//! WebAssembly figures have their native counterpart from the same run.
//!
//! Usage: cargo bench -p chamdiem-wasm --bench native -- <data dir>
//! Prints one JSON object of timings in microseconds: the best of several rounds (the machine is
//! shared, and other work only ever slows a round down).

use chamdiem::{CriteriaSet, Dossier, Unit};
use serde::Deserialize;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Deserialize)]
struct PeriodFile {
    sets: Vec<serde_json::Value>,
    units: Vec<Unit>,
    dossiers: Vec<serde_json::Value>,
}

/// The best over `rounds` of the time of one call, in microseconds (`iterations` per round).
fn time(rounds: usize, iterations: u32, mut f: impl FnMut()) -> f64 {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed().as_secs_f64() * 1e6 / f64::from(iterations)
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    // `cargo bench` passes `--bench`; the data folder is the first other argument.
    let dir: PathBuf = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .expect("usage: native <data dir>")
        .into();
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("the data files");

    let set = CriteriaSet::from_json(&read("set-300.json")).expect("the 300-criterion set");
    let dossier = Dossier::from_json(&read("dossier-300.json")).expect("its dossier");
    let results_us = time(15, 200, || {
        black_box(chamdiem::results(&set, &dossier).expect("results"));
    });
    let results_json_us = time(15, 200, || {
        let r = chamdiem::results(&set, &dossier).expect("results");
        black_box(serde_json::to_string(&r).expect("JSON"));
    });

    let period: PeriodFile = serde_json::from_str(&read("period-2000.json")).expect("the period");
    let start = Instant::now();
    let sets: Vec<CriteriaSet> = period
        .sets
        .into_iter()
        .map(|v| CriteriaSet::from_json_value(v).expect("a set"))
        .collect();
    let dossiers: Vec<Dossier> = period
        .dossiers
        .into_iter()
        .map(|v| Dossier::from_json_value(v).expect("a dossier"))
        .collect();
    let load_ms = start.elapsed().as_secs_f64() * 1e3;
    let evaluate_us = time(7, 3, || {
        black_box(chamdiem::evaluate(&sets, &period.units, &dossiers).expect("evaluate"));
    });
    let evaluate_json_us = time(7, 3, || {
        let e = chamdiem::evaluate(&sets, &period.units, &dossiers).expect("evaluate");
        black_box(serde_json::to_string(&e).expect("JSON"));
    });
    println!(
        "{}",
        serde_json::json!({
            "results_300_us": results_us,
            "results_300_json_us": results_json_us,
            "period_load_ms": load_ms,
            "evaluate_2000_us": evaluate_us,
            "evaluate_2000_json_us": evaluate_json_us,
        })
    );
}
