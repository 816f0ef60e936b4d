//! `Dossier`: one assessed unit in one period, its entries and its history.

use crate::convert::{from_js, instant, js_to_value, json_value, to_js};
use crate::criteria::CriteriaSet;
use crate::error::IntoJs;
use chamdiem::{Actor, Event, OpenDossier};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A dossier (hồ sơ). It changes only through `execute` (or `decide` then `apply`).
#[wasm_bindgen]
pub struct Dossier {
    /// Shared with an evaluation being put together; copied on write if one still holds it.
    pub(crate) inner: Rc<chamdiem::Dossier>,
}

impl Dossier {
    pub(crate) fn wrap(d: chamdiem::Dossier) -> Self {
        Dossier { inner: Rc::new(d) }
    }

    /// The dossier, to change it.
    pub(crate) fn make_mut(&mut self) -> &mut chamdiem::Dossier {
        Rc::make_mut(&mut self.inner)
    }
}

#[wasm_bindgen]
impl Dossier {
    /// Opens a dossier against a criteria set: an empty entry per criterion and an `opened`
    /// event.
    pub fn open(
        #[wasm_bindgen(unchecked_param_type = "OpenDossier")] spec: JsValue,
        set: &CriteriaSet,
        #[wasm_bindgen(unchecked_param_type = "Actor")] actor: JsValue,
        now: &str,
    ) -> Result<Dossier, JsValue> {
        let spec: OpenDossier = from_js(&spec, "spec")?;
        let actor: Actor = from_js(&actor, "actor")?;
        let now = instant(now, "now")?;
        chamdiem::Dossier::open(spec, &set.inner, &actor, now)
            .map(Self::wrap)
            .into_js()
    }

    /// Reads the JSON form.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<Dossier, JsValue> {
        // Through a JSON value, as `fromObject`: one reader of dossiers in the module.
        json_value(text, "")
            .and_then(chamdiem::Dossier::from_json_value)
            .map(Self::wrap)
            .into_js()
    }

    /// Reads the JSON form given as a plain object.
    #[wasm_bindgen(js_name = fromObject)]
    pub fn from_object(
        #[wasm_bindgen(unchecked_param_type = "DossierDocument")] doc: JsValue,
    ) -> Result<Dossier, JsValue> {
        let value = js_to_value(&doc, "")?;
        chamdiem::Dossier::from_json_value(value)
            .map(Self::wrap)
            .into_js()
    }

    /// Rebuilds a dossier from its history (the first event is `opened`).
    pub fn replay(
        #[wasm_bindgen(unchecked_param_type = "Event[]")] events: JsValue,
    ) -> Result<Dossier, JsValue> {
        let events: Vec<Event> = from_js(&events, "events")?;
        chamdiem::Dossier::replay(events).map(Self::wrap).into_js()
    }

    /// The dossier's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The period's id.
    #[wasm_bindgen(getter)]
    pub fn period(&self) -> String {
        self.inner.period().to_owned()
    }

    /// The assessed unit's id.
    #[wasm_bindgen(getter)]
    pub fn unit(&self) -> String {
        self.inner.unit().to_owned()
    }

    /// The assessing unit's id.
    #[wasm_bindgen(getter = assessingUnit)]
    pub fn assessing_unit(&self) -> String {
        self.inner.assessing_unit().to_owned()
    }

    /// The criteria set it is scored against (`{id, revision}`).
    #[wasm_bindgen(getter = criteriaSet, unchecked_return_type = "SetRef")]
    pub fn criteria_set(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.criteria_set())
    }

    /// The workflow state.
    #[wasm_bindgen(getter, unchecked_return_type = "State")]
    pub fn state(&self) -> String {
        self.inner.state().as_str().to_owned()
    }

    /// 1 when opened, one more per accepted command that changed something.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> f64 {
        self.inner.version() as f64
    }

    /// Whether the unit may see the review.
    #[wasm_bindgen(getter = reviewReleased)]
    pub fn review_released(&self) -> bool {
        self.inner.review_released()
    }

    /// Whether the unit ticked "explanation finished" for the current round.
    #[wasm_bindgen(getter = explanationFinished)]
    pub fn explanation_finished(&self) -> bool {
        self.inner.explanation_finished()
    }

    /// The JSON form.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The JSON form as a plain object.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "DossierDocument")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&*self.inner)
    }

    /// The entry of a criterion, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Entry | null")]
    pub fn entry(&self, criterion: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.entry(criterion))
    }

    /// Every event, oldest first; or those of one criterion.
    #[wasm_bindgen(unchecked_return_type = "Event[]")]
    pub fn history(&self, criterion: Option<String>) -> Result<JsValue, JsValue> {
        match criterion {
            Some(c) => to_js(&self.inner.history_of(&c)),
            None => to_js(self.inner.history()),
        }
    }
}
