//! Dossier routes: the list, a dossier as the actor may see it (the core's view) with the
//! actions the actor could take, one entry, the results, the history, the pre-submit check,
//! and commands.
//!
//! A dossier outside the actor's scope ([`super::scope`]) is `not_found`, whatever the route;
//! a command the core refuses keeps the core's code (`forbidden`, `wrong_state`, …).

use super::scope::{self, Tree};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppJson, AppPath, AppQuery, AppResult, ErrorBody};
use axum::extract::State;
use chamdiem::store::{DossierQuery, Store};
use chamdiem::{Command, CommandName, ResultsFilter, State as DossierState};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_dossiers))
        .routes(routes!(get_dossier))
        .routes(routes!(get_entry))
        .routes(routes!(get_actions))
        .routes(routes!(get_precheck))
        .routes(routes!(get_results))
        .routes(routes!(get_history))
        .routes(routes!(execute_command))
}

/// Which dossiers to list.
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DossierFilter {
    /// Only this period.
    pub period: Option<String>,
    /// Only this assessed unit.
    pub unit: Option<String>,
    /// Only this state (`self_assessment`, `self_assessed`, `explanation_requested`,
    /// `reviewed`, `completed`).
    pub state: Option<String>,
}

/// A dossier in a list.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct DossierItem {
    /// The dossier's id.
    pub id: String,
    /// Its period.
    pub period: String,
    /// The assessed unit's id.
    pub unit: String,
    /// The assessed unit's code.
    pub unit_code: String,
    /// The assessed unit's name.
    pub unit_name: String,
    /// The assessing unit's id.
    pub assessing_unit: String,
    /// The criteria set's id.
    pub criteria_set: String,
    /// The criteria set's revision.
    pub criteria_set_revision: u32,
    /// The state (snake_case).
    pub state: String,
    /// The manual's label of the state.
    pub state_label: String,
    /// The version.
    pub version: u64,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
}

/// A dossier as the actor may see it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct DossierResponse {
    /// The core's view (`chamdiem.view`, docs/formats.md): the dossier with what the actor
    /// may not see removed.
    #[schema(value_type = Object)]
    pub view: Value,
    /// Every command of the actor's role with `allowed` and, when refused, the reason.
    #[schema(value_type = Vec<Object>)]
    pub actions: Value,
}

/// One entry of a dossier and the events that concern it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct EntryResponse {
    /// The entry, as the actor may see it.
    #[schema(value_type = Object)]
    pub entry: Value,
    /// The events that concern the criterion, oldest first (`chamdiem.event`).
    #[schema(value_type = Vec<Object>)]
    pub history: Value,
}

/// The result's filters (manual 4.3 and 4.4).
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// Keep this group, its subgroups and their criteria.
    pub group: Option<String>,
    /// Keep only the criteria an explanation was requested on.
    pub explanation_requested: Option<bool>,
}

/// The history's filter.
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only the events that concern this criterion.
    pub criterion: Option<String>,
}

fn json<T: Serialize>(v: &T) -> AppResult<Value> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(format!("serialization: {e}")))
}

/// The dossiers the actor may see, with the unit names.
pub fn list_for(
    store: &dyn Store,
    actor: &chamdiem::Actor,
    filter: &DossierFilter,
) -> AppResult<Vec<DossierItem>> {
    let state = match &filter.state {
        Some(s) => Some(
            DossierState::parse(s)
                .ok_or_else(|| AppError::invalid("state", format!("unknown state `{s}`")))?,
        ),
        None => None,
    };
    let mut q = DossierQuery {
        period: filter.period.clone(),
        unit: filter.unit.clone(),
        state,
        ..Default::default()
    };
    match actor.role {
        chamdiem::Role::Unit => {
            q.unit =
                Some(actor.unit.clone()).filter(|u| filter.unit.as_ref().is_none_or(|f| f == u))
        }
        chamdiem::Role::Reviewer => q.assessing_unit = Some(actor.unit.clone()),
        _ => {}
    }
    if actor.role == chamdiem::Role::Unit && q.unit.is_none() {
        return Ok(Vec::new());
    }
    let units = store.units()?;
    let tree = Tree::of(&units);
    let names: std::collections::HashMap<&str, &chamdiem::Unit> =
        units.iter().map(|u| (u.id.as_str(), u)).collect();
    Ok(store
        .dossiers(&q)?
        .into_iter()
        .filter(|d| scope::reads_summary(&tree, actor, d))
        .map(|d| {
            let u = names.get(d.unit.as_str());
            DossierItem {
                unit_code: u.map(|u| u.code.clone()).unwrap_or_default(),
                unit_name: u.map(|u| u.name.clone()).unwrap_or_default(),
                id: d.id,
                period: d.period,
                unit: d.unit,
                assessing_unit: d.assessing_unit,
                criteria_set: d.criteria_set.id,
                criteria_set_revision: d.criteria_set.revision,
                state: d.state.as_str().into(),
                state_label: d.state.label_vi().into(),
                version: d.version,
                updated_at: d.updated_at.to_rfc3339(),
            }
        })
        .collect())
}

/// The dossiers the actor may see.
#[utoipa::path(get, path = "/dossiers", tag = "dossiers", operation_id = "list_dossiers",
    params(DossierFilter),
    responses((status = 200, description = "The dossiers in the actor's scope", body = Vec<DossierItem>),
              (status = 400, description = "Bad filter", body = ErrorBody)))]
pub async fn list_dossiers(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppQuery(filter): AppQuery<DossierFilter>,
) -> AppResult<AppJson<Vec<DossierItem>>> {
    let actor = a.actor();
    let store = state.store.clone();
    let out =
        tokio::task::spawn_blocking(move || list_for(store.as_ref(), &actor, &filter)).await??;
    Ok(AppJson(out))
}

/// A dossier as the actor may see it, and what the actor could do now.
pub async fn load(
    state: &AppState,
    actor: chamdiem::Actor,
    id: String,
) -> AppResult<DossierResponse> {
    let now = state.now();
    state
        .store(move |s| {
            let d = scope::dossier(s, &actor, &id)?;
            let set = s.criteria_set(&d.criteria_set().id, d.criteria_set().revision)?;
            let view = chamdiem::view(&d, &actor)?;
            let actions = chamdiem::available_actions(&set, &d, &actor, now);
            Ok((view, actions))
        })
        .await
        .and_then(|(view, actions)| {
            Ok(DossierResponse {
                view: json(&view)?,
                actions: json(&actions)?,
            })
        })
}

/// A dossier as the actor may see it (the core's view) and the actions the actor could take.
#[utoipa::path(get, path = "/dossiers/{dossier_id}", tag = "dossiers", operation_id = "get_dossier",
    params(("dossier_id" = String, Path, description = "The dossier's id (`2026.SO-TC`)")),
    responses((status = 200, description = "The view and the actions", body = DossierResponse),
              (status = 404, description = "No such dossier in the actor's scope", body = ErrorBody)))]
pub async fn get_dossier(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath(dossier_id): AppPath<String>,
) -> AppResult<AppJson<DossierResponse>> {
    Ok(AppJson(load(&state, a.actor(), dossier_id).await?))
}

/// One entry of a dossier, as the actor may see it, with its history.
#[utoipa::path(get, path = "/dossiers/{dossier_id}/entries/{criterion}", tag = "dossiers", operation_id = "get_entry",
    params(("dossier_id" = String, Path, description = "The dossier's id"),
           ("criterion" = String, Path, description = "The criterion's code")),
    responses((status = 200, description = "The entry", body = EntryResponse),
              (status = 404, description = "No such dossier or criterion", body = ErrorBody)))]
pub async fn get_entry(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath((dossier_id, criterion)): AppPath<(String, String)>,
) -> AppResult<AppJson<EntryResponse>> {
    let actor = a.actor();
    let (entry, history) = state
        .store(move |s| {
            let d = scope::dossier(s, &actor, &dossier_id)?;
            let view = chamdiem::view(&d, &actor)?;
            let entry = view
                .dossier
                .entry(&criterion)
                .cloned()
                .ok_or_else(|| chamdiem::Error::not_found("criterion", criterion.clone()))?;
            let history: Vec<chamdiem::Event> = view
                .dossier
                .history_of(&criterion)
                .into_iter()
                .cloned()
                .collect();
            Ok((entry, history))
        })
        .await?;
    Ok(AppJson(EntryResponse {
        entry: json(&entry)?,
        history: json(&history)?,
    }))
}

/// The commands of the actor's role, each with whether it is allowed now and why not.
#[utoipa::path(get, path = "/dossiers/{dossier_id}/actions", tag = "dossiers", operation_id = "get_actions",
    params(("dossier_id" = String, Path, description = "The dossier's id")),
    responses((status = 200, description = "The available actions", body = Vec<Object>),
              (status = 404, description = "No such dossier in the actor's scope", body = ErrorBody)))]
pub async fn get_actions(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath(dossier_id): AppPath<String>,
) -> AppResult<AppJson<Value>> {
    Ok(AppJson(load(&state, a.actor(), dossier_id).await?.actions))
}

/// The pre-submit check: what blocks `submit`, and warnings.
#[utoipa::path(get, path = "/dossiers/{dossier_id}/precheck", tag = "dossiers", operation_id = "get_precheck",
    params(("dossier_id" = String, Path, description = "The dossier's id")),
    responses((status = 200, description = "Blockers and warnings (docs/formats.md)", body = Object),
              (status = 404, description = "No such dossier in the actor's scope", body = ErrorBody)))]
pub async fn get_precheck(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath(dossier_id): AppPath<String>,
) -> AppResult<AppJson<Value>> {
    let actor = a.actor();
    let p = state
        .store(move |s| {
            let d = scope::dossier(s, &actor, &dossier_id)?;
            let set = s.criteria_set(&d.criteria_set().id, d.criteria_set().revision)?;
            chamdiem::precheck(&set, &d, None)
        })
        .await?;
    Ok(AppJson(json(&p)?))
}

/// The results as the actor may see them (`chamdiem.results`), optionally filtered by group
/// or by "explanation requested".
#[utoipa::path(get, path = "/dossiers/{dossier_id}/results", tag = "dossiers", operation_id = "get_results",
    params(("dossier_id" = String, Path, description = "The dossier's id"), ResultsQuery),
    responses((status = 200, description = "The results (docs/formats.md)", body = Object),
              (status = 404, description = "No such dossier in the actor's scope, or no such group", body = ErrorBody)))]
pub async fn get_results(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath(dossier_id): AppPath<String>,
    AppQuery(q): AppQuery<ResultsQuery>,
) -> AppResult<AppJson<Value>> {
    let actor = a.actor();
    let r = state
        .store(move |s| {
            let d = scope::dossier_state(s, &actor, &dossier_id)?;
            let set = s.criteria_set(&d.criteria_set().id, d.criteria_set().revision)?;
            let r = chamdiem::visible_results(&set, &d, &actor)?;
            if q.group.is_some() || q.explanation_requested.unwrap_or(false) {
                r.filtered(&ResultsFilter {
                    group: q.group,
                    explanation_requested: q.explanation_requested.unwrap_or(false),
                })
            } else {
                Ok(r)
            }
        })
        .await?;
    Ok(AppJson(json(&r)?))
}

/// The dossier's history as the actor may see it, oldest first (`chamdiem.event`).
#[utoipa::path(get, path = "/dossiers/{dossier_id}/history", tag = "dossiers", operation_id = "get_history",
    params(("dossier_id" = String, Path, description = "The dossier's id"), HistoryQuery),
    responses((status = 200, description = "The events", body = Vec<Object>),
              (status = 404, description = "No such dossier in the actor's scope", body = ErrorBody)))]
pub async fn get_history(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath(dossier_id): AppPath<String>,
    AppQuery(q): AppQuery<HistoryQuery>,
) -> AppResult<AppJson<Value>> {
    let actor = a.actor();
    let events = state
        .store(move |s| {
            let d = scope::dossier(s, &actor, &dossier_id)?;
            let view = chamdiem::view(&d, &actor)?;
            Ok(match &q.criterion {
                Some(c) => view.dossier.history_of(c).into_iter().cloned().collect(),
                None => view.dossier.history().to_vec(),
            })
        })
        .await?;
    Ok(AppJson(json::<Vec<chamdiem::Event>>(&events)?))
}

/// Executes a command for the actor; after an accepted `remove_evidence`, deletes the file.
pub async fn execute(
    state: &AppState,
    actor: chamdiem::Actor,
    dossier_id: String,
    command: Command,
) -> AppResult<chamdiem::store::Executed> {
    if command.name() == CommandName::AttachEvidence {
        return Err(AppError::invalid(
            "type",
            "evidence is attached by uploading the file, not with a command",
        ));
    }
    let now = state.now();
    let removed = match &command {
        Command::RemoveEvidence(r) => Some(r.evidence_id.clone()),
        _ => None,
    };
    let done = state
        .store(move |s| {
            scope::dossier_state(s, &actor, &dossier_id)?;
            s.execute(&dossier_id, &actor, &command, now)
        })
        .await?;
    // The record is gone: now the file may go (a failure leaves it to the sweeper).
    if let Some(id) = removed
        && let Err(e) = state.evidence.delete(&id).await
    {
        tracing::warn!(evidence = %id, error = %e, "could not delete a removed evidence file; the sweeper will");
    }
    Ok(done)
}

/// Issue a workflow command (`chamdiem.command`, docs/formats.md), e.g.
/// `{"type": "submit"}` or `{"type": "save_self", "base_version": 3, "entries": […]}`. The core
/// decides whether the actor may; a refusal changes nothing.
#[utoipa::path(post, path = "/dossiers/{dossier_id}/commands", tag = "dossiers", operation_id = "execute_command",
    params(("dossier_id" = String, Path, description = "The dossier's id")),
    request_body(content = Object, description = "A command (docs/formats.md, `chamdiem.command`)", content_type = "application/json"),
    responses((status = 200, description = "Done: the new version, the state and the events recorded", body = Object),
              (status = 400, description = "Malformed command", body = ErrorBody),
              (status = 403, description = "The actor may not issue this command", body = ErrorBody),
              (status = 404, description = "No such dossier in the actor's scope", body = ErrorBody),
              (status = 409, description = "Wrong state, deadline passed or a concurrent change", body = ErrorBody),
              (status = 422, description = "Unknown criterion or case, value out of range, or the guard refused", body = ErrorBody)))]
pub async fn execute_command(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath(dossier_id): AppPath<String>,
    AppJson(body): AppJson<Value>,
) -> AppResult<AppJson<Value>> {
    let command = Command::from_json_value(body)?;
    let done = execute(&state, a.actor(), dossier_id, command).await?;
    Ok(AppJson(json(&done)?))
}
