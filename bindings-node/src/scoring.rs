//! Results, rankings and the evaluation of a whole period.

use crate::convert::{from_js, is_given, json_to_js, to_js};
use crate::criteria::CriteriaSet;
use crate::dossier::Dossier;
use crate::error::{IntoJs, core_error};
use chamdiem::scoring::Results;
use chamdiem::{Actor, ResultsFilter, Unit};
use napi::bindgen_prelude::*;
use napi::{Env, ScopedTask, Unknown};
use napi_derive::napi;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResultsOptions {
    #[serde(default)]
    actor: Option<Actor>,
    #[serde(default)]
    filter: Option<ResultsFilter>,
}

#[napi]
impl Dossier {
    /// The results: every track, or as `options.actor` may see them; `options.filter` keeps a
    /// group or the criteria an explanation was requested on.
    #[napi(
        ts_args_type = "set: CriteriaSet, options?: { actor?: Actor; filter?: ResultsFilter }",
        ts_return_type = "Results"
    )]
    pub fn results<'a>(
        &self,
        env: &'a Env,
        set: &CriteriaSet,
        options: Option<Unknown>,
    ) -> Result<Unknown<'a>> {
        let options = match &options {
            Some(o) if is_given(&options)? => from_js(env, o, "options")?,
            _ => ResultsOptions {
                actor: None,
                filter: None,
            },
        };
        let computed = match &options.actor {
            None => chamdiem::results(&set.inner, &self.inner),
            Some(a) => chamdiem::view(&self.inner, a).and_then(|v| v.results(&set.inner)),
        };
        let r = match &options.filter {
            None => computed,
            Some(f) => computed.and_then(|r| r.filtered(f)),
        }
        .into_js(env)?;
        to_js(env, &r)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RankItem {
    unit: Unit,
    results: Results,
}

/// Ranks results with their units: one table per criteria set, by final points, descending;
/// equal points share a rank; then by unit code.
#[napi(
    ts_args_type = "items: { unit: Unit; results: Results }[]",
    ts_return_type = "Ranking"
)]
pub fn rank<'a>(env: &'a Env, items: Unknown) -> Result<Unknown<'a>> {
    let items: Vec<RankItem> = from_js(env, &items, "items")?;
    let ranking = chamdiem::rank(items.iter().map(|i| (&i.unit, &i.results)));
    to_js(env, &ranking)
}

/// The inputs of an evaluation, taken from JavaScript. The sets and dossiers are shared, not
/// copied (`ClassInstance` rather than `&T`, so no borrow outlives the call: a dossier may be
/// changed while an `evaluateAsync` runs, and is then copied on write).
struct Period {
    sets: Vec<Arc<chamdiem::CriteriaSet>>,
    units: Vec<Unit>,
    dossiers: Vec<Arc<chamdiem::Dossier>>,
    options: chamdiem::ResultsOptions,
}

impl Period {
    fn read(
        env: &Env,
        sets: Vec<ClassInstance<CriteriaSet>>,
        units: &Unknown<'_>,
        dossiers: Vec<ClassInstance<Dossier>>,
        options: &Option<Unknown<'_>>,
    ) -> Result<Period> {
        let options = match options {
            Some(o) if is_given(options)? => from_js(env, o, "options")?,
            _ => chamdiem::ResultsOptions::default(),
        };
        Ok(Period {
            sets: sets.iter().map(|s| Arc::clone(&s.inner)).collect(),
            units: from_js(env, units, "units")?,
            dossiers: dossiers.iter().map(|d| Arc::clone(&d.inner)).collect(),
            options,
        })
    }

    /// The evaluation as JSON text.
    fn evaluate(&self) -> chamdiem::Result<String> {
        let e = chamdiem::evaluate_with(
            self.sets.iter().map(|s| &**s),
            &self.units,
            self.dossiers.iter().map(|d| &**d),
            self.options,
        )?;
        serde_json::to_string(&e).map_err(|e| chamdiem::Error::storage(e.to_string()))
    }
}

/// The results of every dossier (each against its own set, found by id and revision) and
/// their ranking (units found by id). `{criteria: false}` leaves out each result's
/// per-criterion list, for a ranking table or a chart of a whole period.
#[napi(
    ts_args_type = "sets: CriteriaSet[], units: Unit[], dossiers: Dossier[], options?: EvaluateOptions",
    ts_return_type = "Evaluation"
)]
pub fn evaluate<'a>(
    env: &'a Env,
    sets: Vec<ClassInstance<CriteriaSet>>,
    units: Unknown,
    dossiers: Vec<ClassInstance<Dossier>>,
    options: Option<Unknown>,
) -> Result<Unknown<'a>> {
    let text = Period::read(env, sets, &units, dossiers, &options)?
        .evaluate()
        .into_js(env)?;
    json_to_js(env, text)
}

/// `evaluate` on a worker thread of the libuv pool.
pub struct EvaluateTask(Period);

impl<'task> ScopedTask<'task> for EvaluateTask {
    type Output = chamdiem::Result<String>;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(self.0.evaluate())
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> Result<Self::JsValue> {
        match output {
            Ok(text) => json_to_js(env, text),
            Err(e) => Err(core_error(env, e)),
        }
    }
}

/// `evaluate`, computed off the event loop; resolves to the same `Evaluation`.
#[napi(
    ts_args_type = "sets: CriteriaSet[], units: Unit[], dossiers: Dossier[], options?: EvaluateOptions",
    ts_return_type = "Promise<Evaluation>"
)]
pub fn evaluate_async(
    env: Env,
    sets: Vec<ClassInstance<CriteriaSet>>,
    units: Unknown,
    dossiers: Vec<ClassInstance<Dossier>>,
    options: Option<Unknown>,
) -> Result<AsyncTask<EvaluateTask>> {
    Ok(AsyncTask::new(EvaluateTask(Period::read(
        &env, sets, &units, dossiers, &options,
    )?)))
}
