//! Results, rankings and the evaluation of a whole period.

use crate::convert::{from_js, given, to_js};
use crate::criteria::CriteriaSet;
use crate::dossier::Dossier;
use crate::error::IntoJs;
use chamdiem::scoring::Results;
use chamdiem::{Actor, ResultsFilter, Unit};
use serde::Deserialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ResultsOptions {
    #[serde(default)]
    actor: Option<Actor>,
    #[serde(default)]
    filter: Option<ResultsFilter>,
}

#[wasm_bindgen]
impl Dossier {
    /// The results: every track, or as `options.actor` may see them; `options.filter` keeps a
    /// group or the criteria an explanation was requested on.
    #[wasm_bindgen(unchecked_return_type = "Results")]
    pub fn results(
        &self,
        set: &CriteriaSet,
        #[wasm_bindgen(
            unchecked_optional_param_type = "{ actor?: Actor; filter?: ResultsFilter }"
        )]
        options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let options: ResultsOptions = match given(&options) {
            Some(o) => from_js(o, "options")?,
            None => ResultsOptions::default(),
        };
        let computed = match &options.actor {
            None => chamdiem::results(&set.inner, &self.inner),
            Some(a) => chamdiem::view(&self.inner, a).and_then(|v| v.results(&set.inner)),
        };
        let r = match &options.filter {
            None => computed,
            Some(f) => computed.and_then(|r| r.filtered(f)),
        }
        .into_js()?;
        to_js(&r)
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
#[wasm_bindgen(unchecked_return_type = "Ranking")]
pub fn rank(
    #[wasm_bindgen(unchecked_param_type = "{ unit: Unit; results: Results }[]")] items: JsValue,
) -> Result<JsValue, JsValue> {
    let items: Vec<RankItem> = from_js(&items, "items")?;
    to_js(&chamdiem::rank(items.iter().map(|i| (&i.unit, &i.results))))
}

/// The criteria sets and dossiers of an evaluation, gathered one by one: JavaScript cannot hand
/// a list of `CriteriaSet` or `Dossier` objects to WebAssembly without giving them up, so
/// `evaluate` (in `index.js`) adds them here by reference.
#[wasm_bindgen(js_name = EvaluationInput)]
#[derive(Default)]
pub struct EvaluationInput {
    sets: Vec<Rc<chamdiem::CriteriaSet>>,
    dossiers: Vec<Rc<chamdiem::Dossier>>,
}

#[wasm_bindgen(js_class = EvaluationInput)]
impl EvaluationInput {
    /// An empty evaluation.
    #[wasm_bindgen(constructor)]
    pub fn new() -> EvaluationInput {
        EvaluationInput::default()
    }

    /// Adds a criteria set (shared, not copied).
    #[wasm_bindgen(js_name = addSet)]
    pub fn add_set(&mut self, set: &CriteriaSet) {
        self.sets.push(Rc::clone(&set.inner));
    }

    /// Adds a dossier (shared, not copied; a later change to it copies it first).
    #[wasm_bindgen(js_name = addDossier)]
    pub fn add_dossier(&mut self, dossier: &Dossier) {
        self.dossiers.push(Rc::clone(&dossier.inner));
    }

    /// The results of every dossier (each against its own set, found by id and revision) and
    /// their ranking (units found by id). `{criteria: false}` leaves out each result's
    /// per-criterion list, for a ranking table or a chart of a whole period.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Unit[]")] units: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ criteria?: boolean }")] options: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let units: Vec<Unit> = from_js(&units, "units")?;
        let options = match given(&options) {
            Some(o) => from_js(o, "options")?,
            None => chamdiem::ResultsOptions::default(),
        };
        let e = self.evaluate_in(&units, options).into_js()?;
        to_js(&e)
    }
}

impl EvaluationInput {
    pub(crate) fn evaluate_in(
        &self,
        units: &[Unit],
        options: chamdiem::ResultsOptions,
    ) -> chamdiem::Result<chamdiem::Evaluation> {
        chamdiem::evaluate_with(
            self.sets.iter().map(|s| &**s),
            units,
            self.dossiers.iter().map(|d| &**d),
            options,
        )
    }
}
