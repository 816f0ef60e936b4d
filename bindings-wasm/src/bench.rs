//! Timing hooks for `bindings-wasm/bench` (cargo feature `bench`, never in the package): the
//! same computations as the exported API, repeated inside the module, so a benchmark can tell
//! the time spent computing from the time spent passing data in and out.

use crate::convert::{from_js, to_js};
use crate::criteria::CriteriaSet;
use crate::dossier::Dossier;
use crate::error::IntoJs;
use crate::scoring::EvaluationInput;
use chamdiem::Unit;
use wasm_bindgen::prelude::*;

/// `results` `iterations` times, kept inside the module; returns the final total's points.
#[wasm_bindgen(js_name = benchResults)]
pub fn bench_results(
    set: &CriteriaSet,
    dossier: &Dossier,
    iterations: u32,
) -> Result<String, JsValue> {
    let mut last = None;
    for _ in 0..iterations {
        last = Some(chamdiem::results(&set.inner, &dossier.inner).into_js()?);
    }
    Ok(last
        .map(|r| r.total.final_track.points.to_string())
        .unwrap_or_default())
}

/// `results` and its JSON text `iterations` times; returns the text's length.
#[wasm_bindgen(js_name = benchResultsJson)]
pub fn bench_results_json(
    set: &CriteriaSet,
    dossier: &Dossier,
    iterations: u32,
) -> Result<usize, JsValue> {
    let mut len = 0;
    for _ in 0..iterations {
        let r = chamdiem::results(&set.inner, &dossier.inner).into_js()?;
        len = serde_json::to_string(&r)
            .map(|t| t.len())
            .unwrap_or_default();
    }
    Ok(len)
}

/// `evaluate` `iterations` times, kept inside the module; returns the number of ranked rows.
#[wasm_bindgen(js_name = benchEvaluate)]
pub fn bench_evaluate(
    input: &EvaluationInput,
    units: JsValue,
    iterations: u32,
) -> Result<usize, JsValue> {
    let units: Vec<Unit> = from_js(&units, "units")?;
    let mut rows = 0;
    for _ in 0..iterations {
        let e = input
            .evaluate_in(&units, chamdiem::ResultsOptions::default())
            .into_js()?;
        rows = e.ranking.tables.iter().map(|t| t.rows.len()).sum();
    }
    Ok(rows)
}

/// `evaluate` and its JSON text `iterations` times; returns the text's length.
#[wasm_bindgen(js_name = benchEvaluateJson)]
pub fn bench_evaluate_json(
    input: &EvaluationInput,
    units: JsValue,
    iterations: u32,
) -> Result<usize, JsValue> {
    let units: Vec<Unit> = from_js(&units, "units")?;
    let mut len = 0;
    for _ in 0..iterations {
        let e = input
            .evaluate_in(&units, chamdiem::ResultsOptions::default())
            .into_js()?;
        len = serde_json::to_string(&e)
            .map(|t| t.len())
            .unwrap_or_default();
    }
    Ok(len)
}

/// A JavaScript value turned into the core's JSON and back (`to_js` of its value): the cost of
/// passing a document of this size across, measured alone.
#[wasm_bindgen(js_name = benchRoundTrip)]
pub fn bench_round_trip(value: JsValue) -> Result<JsValue, JsValue> {
    let v: serde_json::Value = from_js(&value, "")?;
    to_js(&v)
}
