//! Helpers for `bench/bench.mjs` only (not exported by `index.js`): the core's own time for the
//! work the API does, measured in Rust, so the benchmark can tell the cost of crossing the
//! boundary from the cost of the work.

use crate::convert::from_js;
use crate::criteria::CriteriaSet;
use crate::dossier::Dossier;
use crate::error::IntoJs;
use chamdiem::{Actor, Command, Unit};
use napi::bindgen_prelude::*;
use napi::{Env, Unknown};
use napi_derive::napi;
use std::time::Instant;

/// Nanoseconds per `execute` in the core alone: `commands` in turn, on a copy of `dossier`.
#[napi(
    js_name = "__benchCoreExecute",
    ts_args_type = "set: CriteriaSet, dossier: Dossier, actor: Actor, commands: Command[], now: string, iterations: number"
)]
pub fn bench_core_execute(
    env: Env,
    set: &CriteriaSet,
    dossier: &Dossier,
    actor: Unknown,
    commands: Unknown,
    now: String,
    iterations: u32,
) -> Result<f64> {
    let actor: Actor = from_js(&env, &actor, "actor")?;
    let commands: Vec<serde_json::Value> = from_js(&env, &commands, "commands")?;
    let commands: Vec<Command> = commands
        .into_iter()
        .map(Command::from_json_value)
        .collect::<chamdiem::Result<_>>()
        .into_js(&env)?;
    let now = crate::convert::instant(&env, &now, "now")?;
    let mut d = (*dossier.inner).clone();
    let start = Instant::now();
    for i in 0..iterations as usize {
        d.execute(&set.inner, &actor, &commands[i % commands.len()], now)
            .into_js(&env)?;
    }
    Ok(start.elapsed().as_nanos() as f64 / f64::from(iterations.max(1)))
}

/// Nanoseconds per `evaluate` in the core alone (no serialization).
#[napi(
    js_name = "__benchCoreEvaluate",
    ts_args_type = "sets: CriteriaSet[], units: Unit[], dossiers: Dossier[], iterations: number"
)]
pub fn bench_core_evaluate(
    env: Env,
    sets: Vec<ClassInstance<CriteriaSet>>,
    units: Unknown,
    dossiers: Vec<ClassInstance<Dossier>>,
    iterations: u32,
) -> Result<f64> {
    let units: Vec<Unit> = from_js(&env, &units, "units")?;
    let start = Instant::now();
    for _ in 0..iterations {
        let e = chamdiem::evaluate(
            sets.iter().map(|s| &*s.inner),
            &units,
            dossiers.iter().map(|d| &*d.inner),
        )
        .into_js(&env)?;
        std::hint::black_box(e);
    }
    Ok(start.elapsed().as_nanos() as f64 / f64::from(iterations.max(1)))
}

/// The evaluation as JSON text (what `evaluate` parses into objects).
#[napi(
    js_name = "__benchEvaluateJson",
    ts_args_type = "sets: CriteriaSet[], units: Unit[], dossiers: Dossier[]"
)]
pub fn bench_evaluate_json(
    env: Env,
    sets: Vec<ClassInstance<CriteriaSet>>,
    units: Unknown,
    dossiers: Vec<ClassInstance<Dossier>>,
) -> Result<String> {
    let units: Vec<Unit> = from_js(&env, &units, "units")?;
    let e = chamdiem::evaluate(
        sets.iter().map(|s| &*s.inner),
        &units,
        dossiers.iter().map(|d| &*d.inner),
    )
    .into_js(&env)?;
    serde_json::to_string(&e).map_err(|e| Error::from_reason(e.to_string()))
}
