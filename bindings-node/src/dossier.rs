//! `Dossier`: one assessed unit in one period, its entries and its history.

use crate::convert::{from_js, instant, to_js};
use crate::criteria::CriteriaSet;
use crate::error::IntoJs;
use chamdiem::{Actor, Event, OpenDossier};
use napi::bindgen_prelude::*;
use napi::{Env, Unknown};
use napi_derive::napi;
use std::sync::Arc;

/// A dossier (hồ sơ). It changes only through `execute` (or `decide` then `apply`).
#[napi(js_name = "Dossier")]
pub struct Dossier {
    /// Shared with running `evaluateAsync` tasks; copied on write if one still holds it.
    pub(crate) inner: Arc<chamdiem::Dossier>,
}

impl Dossier {
    pub(crate) fn wrap(d: chamdiem::Dossier) -> Self {
        Dossier { inner: Arc::new(d) }
    }

    /// The dossier, to change it.
    pub(crate) fn make_mut(&mut self) -> &mut chamdiem::Dossier {
        Arc::make_mut(&mut self.inner)
    }
}

#[napi]
impl Dossier {
    /// Opens a dossier against a criteria set: an empty entry per criterion and an `opened` event.
    #[napi(
        factory,
        ts_args_type = "spec: OpenDossier, set: CriteriaSet, actor: Actor, now: string"
    )]
    pub fn open(
        env: Env,
        spec: Unknown,
        set: &CriteriaSet,
        actor: Unknown,
        now: String,
    ) -> Result<Self> {
        let spec: OpenDossier = from_js(&env, &spec, "spec")?;
        let actor: Actor = from_js(&env, &actor, "actor")?;
        let now = instant(&env, &now, "now")?;
        chamdiem::Dossier::open(spec, &set.inner, &actor, now)
            .map(Self::wrap)
            .into_js(&env)
    }

    /// Reads the JSON form.
    #[napi(factory)]
    pub fn from_json(env: Env, text: String) -> Result<Self> {
        chamdiem::Dossier::from_json(&text)
            .map(Self::wrap)
            .into_js(&env)
    }

    /// Reads the JSON form given as a plain object.
    #[napi(factory, ts_args_type = "doc: DossierDocument")]
    pub fn from_object(env: Env, doc: Unknown) -> Result<Self> {
        let value: serde_json::Value = from_js(&env, &doc, "")?;
        chamdiem::Dossier::from_json_value(value)
            .map(Self::wrap)
            .into_js(&env)
    }

    /// Rebuilds a dossier from its history (the first event is `opened`).
    #[napi(factory, ts_args_type = "events: Event[]")]
    pub fn replay(env: Env, events: Unknown) -> Result<Self> {
        let events: Vec<Event> = from_js(&env, &events, "events")?;
        chamdiem::Dossier::replay(events)
            .map(Self::wrap)
            .into_js(&env)
    }

    /// The dossier's id.
    #[napi(getter)]
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// The period's id.
    #[napi(getter)]
    pub fn period(&self) -> &str {
        self.inner.period()
    }

    /// The assessed unit's id.
    #[napi(getter)]
    pub fn unit(&self) -> &str {
        self.inner.unit()
    }

    /// The assessing unit's id.
    #[napi(getter)]
    pub fn assessing_unit(&self) -> &str {
        self.inner.assessing_unit()
    }

    /// The criteria set it is scored against (`{id, revision}`).
    #[napi(getter, ts_return_type = "SetRef")]
    pub fn criteria_set<'a>(&self, env: &'a Env) -> Result<Unknown<'a>> {
        to_js(env, self.inner.criteria_set())
    }

    /// The workflow state.
    #[napi(getter, ts_return_type = "State")]
    pub fn state(&self) -> &'static str {
        self.inner.state().as_str()
    }

    /// 1 when opened, one more per accepted command that changed something.
    #[napi(getter)]
    pub fn version(&self) -> i64 {
        self.inner.version() as i64
    }

    /// Whether the unit may see the review.
    #[napi(getter)]
    pub fn review_released(&self) -> bool {
        self.inner.review_released()
    }

    /// Whether the unit ticked "explanation finished" for the current round.
    #[napi(getter)]
    pub fn explanation_finished(&self) -> bool {
        self.inner.explanation_finished()
    }

    /// The JSON form.
    #[napi]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The JSON form as a plain object.
    #[napi(ts_return_type = "DossierDocument")]
    pub fn to_object<'a>(&self, env: &'a Env) -> Result<Unknown<'a>> {
        to_js(env, &*self.inner)
    }

    /// The entry of a criterion, or `null`.
    #[napi(ts_return_type = "Entry | null")]
    pub fn entry<'a>(&self, env: &'a Env, criterion: String) -> Result<Unknown<'a>> {
        to_js(env, &self.inner.entry(&criterion))
    }

    /// Every event, oldest first; or those of one criterion.
    #[napi(ts_return_type = "Event[]")]
    pub fn history<'a>(&self, env: &'a Env, criterion: Option<String>) -> Result<Unknown<'a>> {
        match criterion {
            Some(c) => to_js(env, &self.inner.history_of(&c)),
            None => to_js(env, self.inner.history()),
        }
    }
}
