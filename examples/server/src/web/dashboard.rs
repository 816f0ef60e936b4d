//! The province's screens over a period: the dashboard (every dossier with its state, how much
//! is scored, the deadlines, and the ranking) and the reviewer's work list ("Tỉnh chấm điểm",
//! dossiers by state with the review's progress); and the menus of an assessed unit, which
//! lead to its dossier ("Vào tự chấm điểm", "Chuyển chấm hoàn thành", "Giải trình theo hồ sơ
//! YC tỉnh").

use super::i18n::Lang;
use super::view::{self, pts};
use super::{Base, PageError, PageLang, PageUser, render, see_other};
use crate::api::dossiers::{DossierFilter, list_for};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chamdiem::{Actor, Role, State as DossierState};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(dashboard_page))
        .routes(routes!(review_list_page))
        .routes(routes!(go_self))
        .routes(routes!(go_submit))
        .routes(routes!(go_explain))
}

/// The period shown.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// The period's id (default: the latest).
    pub period: Option<String>,
}

/// A dossier on the dashboard.
#[derive(Debug, Clone)]
pub struct DashRow {
    /// Its id.
    pub id: String,
    /// The unit's code.
    pub unit_code: String,
    /// The unit's name.
    pub unit_name: String,
    /// The state.
    pub state: &'static str,
    /// Its label.
    pub state_label: &'static str,
    /// Criteria self-scored, in percent of all (for `<progress>`).
    pub self_done: u32,
    /// "12/15".
    pub self_count: String,
    /// Criteria reviewed, in percent (0 when the review is not visible).
    pub review_done: u32,
    /// "12/15", or empty.
    pub review_count: String,
    /// Self total.
    pub self_points: String,
    /// Review total (empty when none).
    pub review_points: String,
    /// Maximum.
    pub max: String,
    /// Final percentage.
    pub percent: String,
    /// The self-assessment deadline.
    pub self_deadline: String,
    /// The current explanation round's deadline.
    pub explain_deadline: String,
    /// Past the deadline the unit works to now.
    pub late: bool,
    /// The unit ticked "explanation finished" (the reviewer may re-score).
    pub explained: bool,
    /// Last change.
    pub updated: String,
}

/// How many dossiers are in a state.
#[derive(Debug, Clone)]
pub struct StateCount {
    /// The state.
    pub state: &'static str,
    /// Its label.
    pub label: &'static str,
    /// How many.
    pub count: usize,
}

fn percent_of(part: usize, whole: usize) -> u32 {
    (part * 100)
        .checked_div(whole)
        .map_or(0, |p| u32::try_from(p).unwrap_or(u32::MAX))
}

fn forbid_units(actor: &Actor) -> AppResult<()> {
    if actor.role == Role::Unit {
        return Err(AppError::forbidden(
            "this page is for the assessing unit, viewers and administrators",
        ));
    }
    Ok(())
}

/// The periods the actor sees (id, name), oldest first, and the one chosen.
async fn periods(
    state: &AppState,
    actor: &Actor,
    asked: Option<String>,
) -> AppResult<(Vec<(String, String)>, Option<String>)> {
    let actor = actor.clone();
    let mut list = state
        .store(move |s| {
            let tree = crate::api::scope::Tree::load(s)?;
            Ok(s.periods()?
                .into_iter()
                .filter(|p| crate::api::scope::same_province(&tree, &actor, &p.assessing_unit))
                .map(|p| (p.id, p.name))
                .collect::<Vec<_>>())
        })
        .await?;
    list.sort();
    let chosen = match asked {
        Some(a) if list.iter().any(|(id, _)| *id == a) => Some(a),
        _ => list.last().map(|(id, _)| id.clone()),
    };
    Ok((list, chosen))
}

/// The dossiers of a period in the actor's scope, with their progress.
async fn rows(
    state: &AppState,
    lang: Lang,
    actor: Actor,
    period: Option<String>,
) -> AppResult<Vec<DashRow>> {
    let Some(period) = period else {
        return Ok(Vec::new());
    };
    let now = state.now();
    state
        .store(move |s| {
            let filter = DossierFilter {
                period: Some(period),
                ..Default::default()
            };
            let items = list_for(s, &actor, &filter)
                .map_err(|e| chamdiem::Error::storage(e.to_string()))?;
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                let d = s.dossier_state(&it.id)?;
                let set = s.criteria_set(&it.criteria_set, it.criteria_set_revision)?;
                let v = chamdiem::view(&d, &actor)?;
                let r = v.results(&set)?;
                let total = r.criteria.len();
                let self_scored = total - r.unscored.self_track.len();
                let review = r.total.review.as_ref();
                let reviewed = if r.review_visible {
                    total - r.unscored.review.len()
                } else {
                    0
                };
                let deadline = v.dossier.unit_deadline();
                out.push(DashRow {
                    state: d.state().as_str(),
                    state_label: lang.state(d.state()),
                    self_done: percent_of(self_scored, total),
                    self_count: format!("{self_scored}/{total}"),
                    review_done: percent_of(reviewed, total),
                    review_count: if r.review_visible {
                        format!("{reviewed}/{total}")
                    } else {
                        String::new()
                    },
                    self_points: pts(r.total.self_track.points),
                    review_points: review.map(|x| pts(x.points)).unwrap_or_default(),
                    max: pts(r.total.final_track.max),
                    percent: r
                        .total
                        .final_track
                        .percent
                        .map(|p| format!("{p}%"))
                        .unwrap_or_default(),
                    self_deadline: d.self_deadline().map(view::local_time).unwrap_or_default(),
                    explain_deadline: d
                        .current_round()
                        .and_then(|x| x.deadline)
                        .map(view::local_time)
                        .unwrap_or_default(),
                    late: matches!(
                        d.state(),
                        DossierState::SelfAssessment | DossierState::ExplanationRequested
                    ) && deadline.is_some_and(|dl| now > dl),
                    explained: d.explanation_finished(),
                    updated: view::local_time(d.history().last().map(|e| e.at).unwrap_or(now)),
                    id: it.id,
                    unit_code: it.unit_code,
                    unit_name: it.unit_name,
                });
            }
            Ok(out)
        })
        .await
}

/// A row of a ranking table.
#[derive(Debug, Clone)]
pub struct RankRow {
    /// Rank (equal totals share one).
    pub rank: u32,
    /// The dossier.
    pub dossier: String,
    /// The unit.
    pub unit_name: String,
    /// Its state's label.
    pub state_label: &'static str,
    /// Final points.
    pub points: String,
    /// Maximum.
    pub max: String,
    /// Percentage.
    pub percent: String,
    /// Classification.
    pub classification: String,
}

/// One criteria set's ranking.
#[derive(Debug, Clone)]
pub struct RankTable {
    /// The set's name.
    pub set_name: String,
    /// The rows.
    pub rows: Vec<RankRow>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    base: Base,
    periods: Vec<(String, String)>,
    period: String,
    rows: Vec<DashRow>,
    counts: Vec<StateCount>,
    ranking: Vec<RankTable>,
}

fn counts(lang: Lang, rows: &[DashRow]) -> Vec<StateCount> {
    DossierState::ALL
        .iter()
        .map(|s| StateCount {
            state: s.as_str(),
            label: lang.state(*s),
            count: rows.iter().filter(|r| r.state == s.as_str()).count(),
        })
        .collect()
}

/// The province's dashboard ("Tổng hợp kỳ đánh giá"): every dossier of the period with its
/// state, how much is scored, its deadlines, and the ranking.
#[utoipa::path(get, path = "/dashboard", tag = "pages", operation_id = "page_dashboard",
    params(PeriodQuery),
    responses((status = 200, description = "The dashboard", content_type = "text/html"),
              (status = 403, description = "Assessed units do not see it", content_type = "text/html")))]
pub async fn dashboard_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let actor = a.actor();
    forbid_units(&actor)?;
    let (periods, period) = periods(&state, &actor, q.period).await?;
    let rows = rows(&state, lang, actor.clone(), period.clone()).await?;
    let ranking = match &period {
        Some(p) => {
            let p = p.clone();
            let actor = actor.clone();
            state
                .store(move |s| {
                    let r = crate::api::reference::ranking_for(s, &actor, &p)?;
                    let sets = s.criteria_sets()?;
                    Ok(r.tables
                        .into_iter()
                        .map(|t| RankTable {
                            set_name: sets
                                .iter()
                                .find(|x| {
                                    x.id == t.criteria_set.id
                                        && x.revision == t.criteria_set.revision
                                })
                                .map(|x| x.name.clone())
                                .unwrap_or(t.criteria_set.id.clone()),
                            rows: t
                                .rows
                                .into_iter()
                                .map(|r| RankRow {
                                    rank: r.rank,
                                    dossier: r.dossier,
                                    unit_name: r.unit_name,
                                    state_label: lang.state(r.state),
                                    points: pts(r.points),
                                    max: pts(r.max),
                                    percent: r.percent.map(|p| format!("{p}%")).unwrap_or_default(),
                                    classification: r.classification.unwrap_or_default(),
                                })
                                .collect(),
                        })
                        .collect::<Vec<_>>())
                })
                .await?
        }
        None => Vec::new(),
    };
    render(&DashboardPage {
        base: Base::new(lang, Some(&a), "/dashboard"),
        counts: counts(lang, &rows),
        period: period.unwrap_or_default(),
        periods,
        rows,
        ranking,
    })
}

/// A state's dossiers on the work list.
#[derive(Debug, Clone)]
pub struct StateSection {
    /// The state.
    pub state: &'static str,
    /// Its label.
    pub label: &'static str,
    /// What the reviewer does there.
    pub hint: &'static str,
    /// The dossiers.
    pub rows: Vec<DashRow>,
}

#[derive(Template)]
#[template(path = "review_list.html")]
struct ReviewListPage {
    base: Base,
    periods: Vec<(String, String)>,
    period: String,
    sections: Vec<StateSection>,
}

/// The reviewer's work list ("Tỉnh chấm điểm"): the period's dossiers by state, with the
/// review's progress.
#[utoipa::path(get, path = "/review", tag = "pages", operation_id = "page_review_list",
    params(PeriodQuery),
    responses((status = 200, description = "The dossiers by state", content_type = "text/html"),
              (status = 403, description = "Assessed units do not see it", content_type = "text/html")))]
pub async fn review_list_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let actor = a.actor();
    forbid_units(&actor)?;
    let t = lang.text();
    let (periods, period) = periods(&state, &actor, q.period).await?;
    let rows = rows(&state, lang, actor, period.clone()).await?;
    let order = [
        (DossierState::SelfAssessed, t.hint_self_assessed),
        (DossierState::ExplanationRequested, t.hint_explanation),
        (DossierState::Reviewed, t.hint_reviewed),
        (DossierState::SelfAssessment, t.hint_self_assessment),
        (DossierState::Completed, t.hint_completed),
    ];
    let sections = order
        .iter()
        .map(|(s, hint)| StateSection {
            state: s.as_str(),
            label: lang.state(*s),
            hint,
            rows: rows
                .iter()
                .filter(|r| r.state == s.as_str())
                .cloned()
                .collect(),
        })
        .collect();
    render(&ReviewListPage {
        base: Base::new(lang, Some(&a), "/review"),
        period: period.unwrap_or_default(),
        periods,
        sections,
    })
}

#[derive(Template)]
#[template(path = "pick.html")]
struct PickPage {
    base: Base,
    title: &'static str,
    items: Vec<(String, String, &'static str)>,
    page: &'static str,
}

/// Leads an assessed unit to its dossier's page: straight there when one dossier fits (the one
/// in `prefer`'s state, else — unless `strict` — the only one), else a list to choose from.
async fn go(
    state: &AppState,
    lang: Lang,
    a: &crate::auth::Authenticated,
    page: &'static str,
    title: &'static str,
    prefer: DossierState,
    strict: bool,
) -> Result<Response, PageError> {
    let actor = a.actor();
    let store = state.store.clone();
    let mut items = tokio::task::spawn_blocking(move || {
        list_for(store.as_ref(), &actor, &DossierFilter::default())
    })
    .await
    .map_err(AppError::from)??;
    items.sort_by(|x, y| y.period.cmp(&x.period));
    let preferred: Vec<_> = items
        .iter()
        .filter(|d| d.state == prefer.as_str())
        .collect();
    let only = match (preferred.len(), items.len()) {
        (1, _) => Some(preferred[0].id.clone()),
        (0, 1) if !strict => Some(items[0].id.clone()),
        _ => None,
    };
    if let Some(id) = only.filter(|_| a.user.role == Role::Unit) {
        return Ok(see_other(&format!("/dossiers/{id}/{page}")));
    }
    render(&PickPage {
        base: Base::new(lang, Some(a), &format!("/{page}")),
        title,
        items: items
            .into_iter()
            .map(|d| {
                let label = format!("{} — {}", d.unit_name, d.period);
                let st = chamdiem::State::parse(&d.state).unwrap_or(DossierState::SelfAssessment);
                (d.id, label, lang.state(st))
            })
            .collect(),
        page,
    })
}

/// "Vào tự chấm điểm": to the unit's dossier in self-assessment.
#[utoipa::path(get, path = "/self", tag = "pages", operation_id = "page_go_self",
    responses((status = 303, description = "To the dossier"),
              (status = 200, description = "The dossiers to choose from", content_type = "text/html")))]
pub async fn go_self(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
) -> Result<Response, PageError> {
    let t = lang.text();
    go(
        &state,
        lang,
        &a,
        "self",
        t.menu_self_enter,
        DossierState::SelfAssessment,
        false,
    )
    .await
}

/// "Chuyển chấm hoàn thành": to the unit's dossier's submit page.
#[utoipa::path(get, path = "/submit", tag = "pages", operation_id = "page_go_submit",
    responses((status = 303, description = "To the dossier"),
              (status = 200, description = "The dossiers to choose from", content_type = "text/html")))]
pub async fn go_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
) -> Result<Response, PageError> {
    let t = lang.text();
    go(
        &state,
        lang,
        &a,
        "submit",
        t.menu_submit,
        DossierState::SelfAssessment,
        false,
    )
    .await
}

/// "Giải trình theo hồ sơ YC tỉnh": to the unit's dossier whose explanation is requested.
#[utoipa::path(get, path = "/explain", tag = "pages", operation_id = "page_go_explain",
    responses((status = 303, description = "To the dossier"),
              (status = 200, description = "The dossiers to choose from", content_type = "text/html")))]
pub async fn go_explain(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
) -> Result<Response, PageError> {
    let t = lang.text();
    go(
        &state,
        lang,
        &a,
        "explain",
        t.menu_explain_dossier,
        DossierState::ExplanationRequested,
        true,
    )
    .await
}
