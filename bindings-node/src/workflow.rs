//! The workflow methods of `Dossier`: execute, decide, apply, available actions, view, precheck.

use crate::convert::{from_js, instant, is_given, js_to_json, to_js};
use crate::criteria::CriteriaSet;
use crate::dossier::Dossier;
use crate::error::IntoJs;
use chamdiem::scoring::Results;
use chamdiem::{Actor, Command, Event, Timestamp};
use napi::bindgen_prelude::*;
use napi::{Env, Unknown, ValueType};
use napi_derive::napi;

/// A command given as an object or as JSON text, read by the core's command reader.
pub(crate) fn command(env: &Env, value: &Unknown<'_>) -> Result<Command> {
    let text = if value.get_type()? == ValueType::String {
        unsafe { value.cast::<String>()? }
    } else {
        js_to_json(env, value, "command")?.unwrap_or_else(|| "null".to_owned())
    };
    Command::from_json(&text).into_js(env)
}

fn inputs(
    env: &Env,
    actor: &Unknown<'_>,
    cmd: &Unknown<'_>,
    now: &str,
) -> Result<(Actor, Command, Timestamp)> {
    Ok((
        from_js(env, actor, "actor")?,
        command(env, cmd)?,
        instant(env, now, "now")?,
    ))
}

#[napi]
impl Dossier {
    /// Decides `command` for `actor` at `now` and applies the events; the dossier changes only
    /// when the command is accepted. Returns the events recorded.
    #[napi(
        ts_args_type = "set: CriteriaSet, actor: Actor, command: Command | string, now: string",
        ts_return_type = "Event[]"
    )]
    pub fn execute<'a>(
        &mut self,
        env: &'a Env,
        set: &CriteriaSet,
        actor: Unknown,
        command: Unknown,
        now: String,
    ) -> Result<Unknown<'a>> {
        let (actor, command, now) = inputs(env, &actor, &command, &now)?;
        let events = self
            .make_mut()
            .execute(&set.inner, &actor, &command, now)
            .into_js(env)?;
        to_js(env, &events)
    }

    /// The events `command` would produce, without applying them.
    #[napi(
        ts_args_type = "set: CriteriaSet, actor: Actor, command: Command | string, now: string",
        ts_return_type = "Event[]"
    )]
    pub fn decide<'a>(
        &self,
        env: &'a Env,
        set: &CriteriaSet,
        actor: Unknown,
        command: Unknown,
        now: String,
    ) -> Result<Unknown<'a>> {
        let (actor, command, now) = inputs(env, &actor, &command, &now)?;
        let events =
            chamdiem::decide(&set.inner, &self.inner, &actor, &command, now).into_js(env)?;
        to_js(env, &events)
    }

    /// Folds events (from `decide`, or a stored history) into the dossier.
    #[napi(ts_args_type = "events: Event[]")]
    pub fn apply(&mut self, env: Env, events: Unknown) -> Result<()> {
        let events: Vec<Event> = from_js(&env, &events, "events")?;
        let d = self.make_mut();
        for e in events {
            d.apply(e);
        }
        Ok(())
    }

    /// Every command of the actor's role with whether it is allowed now, and why not.
    #[napi(
        ts_args_type = "set: CriteriaSet, actor: Actor, now: string",
        ts_return_type = "ActionStatus[]"
    )]
    pub fn available_actions<'a>(
        &self,
        env: &'a Env,
        set: &CriteriaSet,
        actor: Unknown,
        now: String,
    ) -> Result<Unknown<'a>> {
        let actor: Actor = from_js(env, &actor, "actor")?;
        let now = instant(env, &now, "now")?;
        to_js(
            env,
            &chamdiem::available_actions(&set.inner, &self.inner, &actor, now),
        )
    }

    /// The dossier as `actor` may see it.
    #[napi(ts_args_type = "actor: Actor", ts_return_type = "DossierView")]
    pub fn view<'a>(&self, env: &'a Env, actor: Unknown) -> Result<Unknown<'a>> {
        let actor: Actor = from_js(env, &actor, "actor")?;
        let v = chamdiem::view(&self.inner, &actor).into_js(env)?;
        to_js(env, &v)
    }

    /// The pre-submit check: blockers and warnings; `previous` is last period's results.
    #[napi(
        ts_args_type = "set: CriteriaSet, previous?: Results | null",
        ts_return_type = "Precheck"
    )]
    pub fn precheck<'a>(
        &self,
        env: &'a Env,
        set: &CriteriaSet,
        previous: Option<Unknown>,
    ) -> Result<Unknown<'a>> {
        let previous: Option<Results> = match &previous {
            Some(p) if is_given(&previous)? => Some(from_js(env, p, "previous")?),
            _ => None,
        };
        let p = chamdiem::precheck(&set.inner, &self.inner, previous.as_ref()).into_js(env)?;
        to_js(env, &p)
    }
}
