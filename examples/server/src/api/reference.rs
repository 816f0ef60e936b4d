//! Reference data: units, criteria sets, periods, a period's results and ranking.

use super::scope::{self, Tree};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppJson, AppPath, AppResult, ErrorBody};
use axum::extract::State;
use chamdiem::store::DossierQuery;
use chamdiem::{Role, Unit};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units))
        .routes(routes!(list_criteria_sets))
        .routes(routes!(get_criteria_set))
        .routes(routes!(list_periods))
        .routes(routes!(get_period))
        .routes(routes!(get_period_results))
        .routes(routes!(get_ranking))
}

/// A unit of the tree.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct UnitInfo {
    /// Stable id.
    pub id: String,
    /// Short code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `province`, `department`, `sub_department`, `district` or `commune`.
    pub kind: String,
    /// The parent's id.
    pub parent: Option<String>,
}

impl From<&Unit> for UnitInfo {
    fn from(u: &Unit) -> Self {
        UnitInfo {
            id: u.id.clone(),
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.as_str().into(),
            parent: u.parent.clone(),
        }
    }
}

/// A criteria set as listed.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct SetInfo {
    /// The set's id.
    pub id: String,
    /// Its revision.
    pub revision: u32,
    /// Its name.
    pub name: String,
}

fn json<T: Serialize>(v: &T) -> AppResult<Value> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(format!("serialization: {e}")))
}

/// The units of the actor's province (every unit for administrators), in tree order.
pub fn units_for(
    store: &dyn chamdiem::store::Store,
    actor: &chamdiem::Actor,
) -> chamdiem::Result<Vec<Unit>> {
    let units = store.units()?;
    let tree = Tree::of(&units);
    Ok(units
        .into_iter()
        .filter(|u| scope::same_province(&tree, actor, &u.id))
        .collect())
}

/// The units of the actor's province.
#[utoipa::path(get, path = "/units", tag = "reference", operation_id = "list_units",
    responses((status = 200, description = "The units", body = Vec<UnitInfo>)))]
pub async fn list_units(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
) -> AppResult<AppJson<Vec<UnitInfo>>> {
    let actor = a.actor();
    let units = state.store(move |s| units_for(s, &actor)).await?;
    Ok(AppJson(units.iter().map(UnitInfo::from).collect()))
}

/// The stored criteria sets.
#[utoipa::path(get, path = "/criteria-sets", tag = "reference", operation_id = "list_criteria_sets",
    responses((status = 200, description = "The criteria sets", body = Vec<SetInfo>)))]
pub async fn list_criteria_sets(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
) -> AppResult<AppJson<Vec<SetInfo>>> {
    let sets = state.store(|s| s.criteria_sets()).await?;
    Ok(AppJson(
        sets.into_iter()
            .map(|s| SetInfo {
                id: s.id,
                revision: s.revision,
                name: s.name,
            })
            .collect(),
    ))
}

/// A criteria set (`chamdiem.criteria_set`).
#[utoipa::path(get, path = "/criteria-sets/{set_id}/{revision}", tag = "reference", operation_id = "get_criteria_set",
    params(("set_id" = String, Path, description = "The set's id"),
           ("revision" = u32, Path, description = "The revision")),
    responses((status = 200, description = "The criteria set document (docs/formats.md)", body = Object),
              (status = 404, description = "No such set", body = ErrorBody)))]
pub async fn get_criteria_set(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    AppPath((set_id, revision)): AppPath<(String, u32)>,
) -> AppResult<AppJson<Value>> {
    let set = state
        .store(move |s| s.criteria_set(&set_id, revision))
        .await?;
    Ok(AppJson(json(&set.to_doc())?))
}

/// The periods of the actor's province.
#[utoipa::path(get, path = "/periods", tag = "reference", operation_id = "list_periods",
    responses((status = 200, description = "The periods (`chamdiem.period`)", body = Vec<Object>)))]
pub async fn list_periods(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
) -> AppResult<AppJson<Value>> {
    let actor = a.actor();
    let periods = state
        .store(move |s| {
            let tree = Tree::load(s)?;
            Ok(s.periods()?
                .into_iter()
                .filter(|p| scope::same_province(&tree, &actor, &p.assessing_unit))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(AppJson(json(&periods)?))
}

/// A period.
#[utoipa::path(get, path = "/periods/{period_id}", tag = "reference", operation_id = "get_period",
    params(("period_id" = String, Path, description = "The period's id")),
    responses((status = 200, description = "The period (`chamdiem.period`)", body = Object),
              (status = 404, description = "No such period in the actor's province", body = ErrorBody)))]
pub async fn get_period(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath(period_id): AppPath<String>,
) -> AppResult<AppJson<Value>> {
    let actor = a.actor();
    let p = state
        .store(move |s| scope::period(s, &actor, &period_id))
        .await?;
    Ok(AppJson(json(&p)?))
}

/// The results of the dossiers of a period the actor may see, each as the actor may see it.
pub fn visible_results(
    s: &dyn chamdiem::store::Store,
    actor: &chamdiem::Actor,
    period: &str,
) -> chamdiem::Result<Vec<chamdiem::Results>> {
    let tree = Tree::load(s)?;
    let mut out = Vec::new();
    for d in s.dossiers(&DossierQuery {
        period: Some(period.to_owned()),
        ..Default::default()
    })? {
        if !scope::reads_summary(&tree, actor, &d) {
            continue;
        }
        let dossier = s.dossier_state(&d.id)?;
        let set = s.criteria_set(&d.criteria_set.id, d.criteria_set.revision)?;
        out.push(chamdiem::view(&dossier, actor)?.results(&set)?);
    }
    Ok(out)
}

/// The results of the period's dossiers that the actor may see (`chamdiem.results` each).
#[utoipa::path(get, path = "/periods/{period_id}/results", tag = "reference", operation_id = "get_period_results",
    params(("period_id" = String, Path, description = "The period's id")),
    responses((status = 200, description = "The results", body = Vec<Object>),
              (status = 404, description = "No such period in the actor's province", body = ErrorBody)))]
pub async fn get_period_results(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath(period_id): AppPath<String>,
) -> AppResult<AppJson<Value>> {
    let actor = a.actor();
    let r = state
        .store(move |s| {
            scope::period(s, &actor, &period_id)?;
            visible_results(s, &actor, &period_id)
        })
        .await?;
    Ok(AppJson(json(&r)?))
}

/// The ranking of a period (`chamdiem.ranking`): for administrators and the period's
/// reviewers the final scores; for viewers the scores they may see (review only once
/// released). Assessed units do not see the ranking.
#[utoipa::path(get, path = "/periods/{period_id}/ranking", tag = "reference", operation_id = "get_ranking",
    params(("period_id" = String, Path, description = "The period's id")),
    responses((status = 200, description = "The ranking (docs/formats.md)", body = Object),
              (status = 403, description = "Assessed units and reviewers of other units do not see rankings", body = ErrorBody),
              (status = 404, description = "No such period in the actor's province", body = ErrorBody)))]
pub async fn get_ranking(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath(period_id): AppPath<String>,
) -> AppResult<AppJson<Value>> {
    let actor = a.actor();
    let ranking = state
        .store(move |s| ranking_for(s, &actor, &period_id))
        .await?;
    Ok(AppJson(json(&ranking)?))
}

/// A period's ranking as `actor` may see it: the assessing unit and administrators see every
/// final score; viewers see review scores only once released; assessed units see none
/// (`forbidden`).
pub fn ranking_for(
    s: &dyn chamdiem::store::Store,
    actor: &chamdiem::Actor,
    period_id: &str,
) -> chamdiem::Result<chamdiem::Ranking> {
    let p = scope::period(s, actor, period_id)?;
    match actor.role {
        Role::Admin => s.period_ranking(period_id),
        Role::Reviewer if actor.unit == p.assessing_unit => s.period_ranking(period_id),
        Role::Viewer => {
            let results = visible_results(s, actor, period_id)?;
            let units = s.units()?;
            let by_id: std::collections::HashMap<&str, &Unit> =
                units.iter().map(|u| (u.id.as_str(), u)).collect();
            let mut pairs = Vec::new();
            for r in &results {
                if let Some(u) = by_id.get(r.unit.as_str()) {
                    pairs.push((*u, r));
                }
            }
            Ok(chamdiem::rank(pairs))
        }
        _ => Err(chamdiem::Error::Forbidden {
            command: None,
            reason: "rankings are for the assessing unit, viewers and administrators".into(),
        }),
    }
}
