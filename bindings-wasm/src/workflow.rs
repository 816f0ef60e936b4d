//! The workflow methods of `Dossier`: execute, decide, apply, available actions, view,
//! precheck.

use crate::convert::{from_js, given, instant, js_to_json, json_value, to_js};
use crate::criteria::CriteriaSet;
use crate::dossier::Dossier;
use crate::error::IntoJs;
use chamdiem::scoring::Results;
use chamdiem::{Actor, Command, Event, Timestamp};
use wasm_bindgen::prelude::*;

/// A command given as an object or as JSON text, read by the core's command reader.
fn command(value: &JsValue) -> Result<Command, JsValue> {
    let text = match value.as_string() {
        Some(text) => text,
        None => js_to_json(value, "command")?.unwrap_or_else(|| "null".to_owned()),
    };
    json_value(&text, "")
        .and_then(Command::from_json_value)
        .into_js()
}

fn inputs(
    actor: &JsValue,
    cmd: &JsValue,
    now: &str,
) -> Result<(Actor, Command, Timestamp), JsValue> {
    Ok((
        from_js(actor, "actor")?,
        command(cmd)?,
        instant(now, "now")?,
    ))
}

#[wasm_bindgen]
impl Dossier {
    /// Decides `command` for `actor` at `now` and applies the events; the dossier changes only
    /// when the command is accepted. Returns the events recorded.
    #[wasm_bindgen(unchecked_return_type = "Event[]")]
    pub fn execute(
        &mut self,
        set: &CriteriaSet,
        #[wasm_bindgen(unchecked_param_type = "Actor")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Command | string")] command: JsValue,
        now: &str,
    ) -> Result<JsValue, JsValue> {
        let (actor, command, now) = inputs(&actor, &command, now)?;
        let events = self
            .make_mut()
            .execute(&set.inner, &actor, &command, now)
            .into_js()?;
        to_js(&events)
    }

    /// The events `command` would produce, without applying them.
    #[wasm_bindgen(unchecked_return_type = "Event[]")]
    pub fn decide(
        &self,
        set: &CriteriaSet,
        #[wasm_bindgen(unchecked_param_type = "Actor")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Command | string")] command: JsValue,
        now: &str,
    ) -> Result<JsValue, JsValue> {
        let (actor, command, now) = inputs(&actor, &command, now)?;
        let events = chamdiem::decide(&set.inner, &self.inner, &actor, &command, now).into_js()?;
        to_js(&events)
    }

    /// Folds events (from `decide`, or a stored history) into the dossier.
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Event[]")] events: JsValue,
    ) -> Result<(), JsValue> {
        let events: Vec<Event> = from_js(&events, "events")?;
        let d = self.make_mut();
        for e in events {
            d.apply(e);
        }
        Ok(())
    }

    /// Every command of the actor's role with whether it is allowed now, and why not.
    #[wasm_bindgen(js_name = availableActions, unchecked_return_type = "ActionStatus[]")]
    pub fn available_actions(
        &self,
        set: &CriteriaSet,
        #[wasm_bindgen(unchecked_param_type = "Actor")] actor: JsValue,
        now: &str,
    ) -> Result<JsValue, JsValue> {
        let actor: Actor = from_js(&actor, "actor")?;
        let now = instant(now, "now")?;
        to_js(&chamdiem::available_actions(
            &set.inner,
            &self.inner,
            &actor,
            now,
        ))
    }

    /// The dossier as `actor` may see it.
    #[wasm_bindgen(unchecked_return_type = "DossierView")]
    pub fn view(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Actor")] actor: JsValue,
    ) -> Result<JsValue, JsValue> {
        let actor: Actor = from_js(&actor, "actor")?;
        let v = chamdiem::view(&self.inner, &actor).into_js()?;
        to_js(&v)
    }

    /// The pre-submit check: blockers and warnings; `previous` is last period's results.
    #[wasm_bindgen(unchecked_return_type = "Precheck")]
    pub fn precheck(
        &self,
        set: &CriteriaSet,
        #[wasm_bindgen(unchecked_optional_param_type = "Results | null")] previous: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let previous: Option<Results> = match given(&previous) {
            Some(p) => Some(from_js(p, "previous")?),
            None => None,
        };
        let p = chamdiem::precheck(&set.inner, &self.inner, previous.as_ref()).into_js()?;
        to_js(&p)
    }
}
