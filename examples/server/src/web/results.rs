//! The results (§4.4 "3. Kết quả đánh giá", §5 "Hồ sơ hoàn thành"): every criterion's points
//! and the totals, filtered by group or by "Tỉnh yêu cầu giải trình", self and review side by
//! side with the differences marked, the classification, a chart of the groups' percentages
//! (hand-made SVG); a print view; Excel workbooks of a dossier and of a period's ranking; the
//! history of a dossier (who did what and when, old and new values).

use super::i18n::Lang;
use super::view::{self, DossierNav, GroupOpt, Loaded, Tab, pts};
use super::{Base, PageError, PageLang, PageUser, render, see_other};
use crate::admin::xlsx::{put, xerr};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chamdiem::criteria::GroupKind;
use chamdiem::scoring::{Results, Totals};
use chamdiem::workflow::{Change, ScoreChange, TextChange};
use chamdiem::{ResultsFilter, Role, Scored};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(results_page))
        .routes(routes!(print_page))
        .routes(routes!(results_xlsx))
        .routes(routes!(history_page))
        .routes(routes!(results_index))
        .routes(routes!(completed_page))
        .routes(routes!(ranking_xlsx))
}

/// The results' filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// Only this group ("Nhóm chỉ tiêu").
    pub group: Option<String>,
    /// `requested`: only the criteria an explanation was requested on.
    pub filter: Option<String>,
    /// Set after a command: its name.
    pub done: Option<String>,
}

/// A row of the results table: a group or a criterion.
#[derive(Debug, Clone)]
pub struct Row {
    /// A group's row.
    pub is_group: bool,
    /// Nesting (groups and criteria below the top).
    pub depth: usize,
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Maximum.
    pub max: String,
    /// Self points (a criterion: with the case).
    pub self_points: String,
    /// The case chosen by the unit.
    pub self_case: String,
    /// The first review round's points, when there was a round.
    pub first_points: String,
    /// Review points.
    pub review_points: String,
    /// The reviewer's case.
    pub review_case: String,
    /// Final points.
    pub final_points: String,
    /// review − self, signed (`+1`, `-0.5`), when they differ.
    pub difference: String,
    /// Whether the review is below (`down`) or above (`up`) the self-assessment.
    pub direction: &'static str,
    /// An explanation was requested on it.
    pub asked: bool,
    /// A bonus or penalty group.
    pub special: bool,
}

fn sign(d: chamdiem::Decimal) -> String {
    if d > chamdiem::Decimal::ZERO {
        format!("+{}", pts(d))
    } else {
        pts(d)
    }
}

fn scored_points(s: Option<&Scored>) -> String {
    s.map(|s| pts(s.points)).unwrap_or_default()
}

fn group_row(code: &str, title: &str, depth: usize, t: &Totals, special: bool) -> Row {
    let review = t.review.as_ref().map(|r| r.points);
    let diff = review.map(|r| r - t.self_track.points);
    Row {
        is_group: true,
        depth,
        code: code.to_owned(),
        title: title.to_owned(),
        max: if special {
            String::new()
        } else {
            pts(t.self_track.max)
        },
        self_points: pts(t.self_track.points),
        self_case: String::new(),
        first_points: t
            .first_review
            .as_ref()
            .map(|f| pts(f.points))
            .unwrap_or_default(),
        review_points: review.map(pts).unwrap_or_default(),
        review_case: String::new(),
        final_points: pts(t.final_track.points),
        difference: diff.filter(|d| !d.is_zero()).map(sign).unwrap_or_default(),
        direction: match diff {
            Some(d) if d < chamdiem::Decimal::ZERO => "down",
            Some(d) if d > chamdiem::Decimal::ZERO => "up",
            _ => "",
        },
        asked: false,
        special,
    }
}

/// The table's rows: each group (pre-order) followed by its own criteria.
pub fn rows(r: &Results, set: &chamdiem::CriteriaSet) -> Vec<Row> {
    let mut out = Vec::new();
    let base = r.groups.iter().map(|g| g.depth).min().unwrap_or(0);
    for g in &r.groups {
        let special = g.kind != GroupKind::Standard;
        out.push(group_row(
            &g.code,
            &g.title,
            g.depth - base,
            &g.totals,
            special,
        ));
        for c in r.criteria.iter().filter(|c| c.group == g.code) {
            let node = set.criterion(&c.code);
            let case = |s: Option<&Scored>| {
                s.and_then(|s| s.case.clone())
                    .or_else(|| s.and_then(|s| s.value.map(pts)))
                    .unwrap_or_default()
            };
            let self_p = c.self_score.as_ref().map(|s| s.points);
            let review_p = c.review.as_ref().map(|s| s.points);
            let diff = match (self_p, review_p) {
                (Some(a), Some(b)) if a != b => Some(b - a),
                _ => None,
            };
            out.push(Row {
                is_group: false,
                depth: g.depth - base + 1,
                code: c.code.clone(),
                title: node.map(|n| n.criterion.title.clone()).unwrap_or_default(),
                max: pts(c.max),
                self_points: scored_points(c.self_score.as_ref()),
                self_case: case(c.self_score.as_ref()),
                first_points: scored_points(c.first_review.as_ref()),
                review_points: scored_points(c.review.as_ref()),
                review_case: case(c.review.as_ref()),
                final_points: scored_points(c.final_score.as_ref()),
                difference: diff.map(sign).unwrap_or_default(),
                direction: match diff {
                    Some(d) if d < chamdiem::Decimal::ZERO => "down",
                    Some(_) => "up",
                    None => "",
                },
                asked: c.explanation_requested,
                special: false,
            });
        }
    }
    out
}

/// A bar of the chart.
#[derive(Debug, Clone)]
pub struct Bar {
    /// The group's code.
    pub code: String,
    /// Its title.
    pub title: String,
    /// The row's top.
    pub y: u32,
    /// The second bar's top.
    pub y2: u32,
    /// The labels' baselines.
    pub ty: u32,
    /// The second label's baseline.
    pub ty2: u32,
    /// The self bar's width.
    pub self_w: String,
    /// The self percentage.
    pub self_pct: String,
    /// The second bar's width (review, else final).
    pub other_w: String,
    /// The second percentage.
    pub other_pct: String,
    /// Where the self label goes.
    pub self_tx: String,
    /// Where the second label goes.
    pub other_tx: String,
}

/// The chart of the groups' percentages: self beside review (or final).
#[derive(Debug, Clone)]
pub struct Chart {
    /// The drawing's height.
    pub height: u32,
    /// The bars.
    pub bars: Vec<Bar>,
    /// The grid lines: (x, label).
    pub ticks: Vec<(String, String)>,
    /// Whether the second bar is the review.
    pub has_review: bool,
    /// The plot's left edge.
    pub left: u32,
    /// The plot's right edge.
    pub right: u32,
    /// The axis' baseline.
    pub axis_y: u32,
}

const CHART_W: f64 = 560.0;
const CHART_LEFT: u32 = 48;
const ROW_H: u32 = 34;

fn bar_width(p: Option<chamdiem::Decimal>) -> f64 {
    let v: f64 = p
        .map(|p| p.to_string().parse().unwrap_or(0.0))
        .unwrap_or(0.0);
    (v.clamp(0.0, 100.0) / 100.0) * CHART_W
}

/// The chart of the top-level standard groups (bonus and penalty groups have no maximum).
pub fn chart(r: &Results) -> Chart {
    let has_review = r.total.review.is_some();
    let groups: Vec<_> = r
        .groups
        .iter()
        .filter(|g| g.depth == 0 && g.kind == GroupKind::Standard)
        .collect();
    let bars = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let y = 8 + i as u32 * ROW_H;
            let other = g.totals.review.as_ref().unwrap_or(&g.totals.final_track);
            let sw = bar_width(g.totals.self_track.percent);
            let ow = bar_width(other.percent);
            let pct = |p: Option<chamdiem::Decimal>| p.map(|p| format!("{p}%")).unwrap_or_default();
            Bar {
                code: g.code.clone(),
                title: g.title.clone(),
                y,
                y2: y + 13,
                ty: y + 10,
                ty2: y + 23,
                self_w: format!("{sw:.1}"),
                other_w: format!("{ow:.1}"),
                self_pct: pct(g.totals.self_track.percent),
                other_pct: pct(other.percent),
                self_tx: format!("{:.1}", CHART_LEFT as f64 + sw + 4.0),
                other_tx: format!("{:.1}", CHART_LEFT as f64 + ow + 4.0),
            }
        })
        .collect::<Vec<_>>();
    let axis_y = 8 + bars.len() as u32 * ROW_H;
    Chart {
        height: axis_y + 20,
        ticks: (0..=4)
            .map(|k| {
                (
                    format!("{:.1}", CHART_LEFT as f64 + CHART_W * k as f64 / 4.0),
                    format!("{}%", k * 25),
                )
            })
            .collect(),
        bars,
        has_review,
        left: CHART_LEFT,
        right: CHART_LEFT + CHART_W as u32,
        axis_y,
    }
}

/// The totals of a track for the summary.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Which track, in words.
    pub label: &'static str,
    /// Points.
    pub points: String,
    /// Maximum.
    pub max: String,
    /// Percentage.
    pub percent: String,
    /// Classification.
    pub classification: String,
}

/// The totals: self, first review, review, final (those the reader may see).
pub fn summaries(r: &Results, lang: Lang) -> Vec<Summary> {
    let t = lang.text();
    let mut out = Vec::new();
    let s = |label, tr: &chamdiem::scoring::Track, c: &Option<String>| Summary {
        label,
        points: pts(tr.points),
        max: pts(tr.max),
        percent: tr.percent.map(|p| format!("{p}%")).unwrap_or_default(),
        classification: c.clone().unwrap_or_default(),
    };
    out.push(s(
        t.self_points,
        &r.total.self_track,
        &r.classification.self_track,
    ));
    if let Some(f) = &r.total.first_review {
        out.push(s(t.first_review, f, &r.classification.first_review));
    }
    if let Some(v) = &r.total.review {
        out.push(s(t.review_points, v, &r.classification.review));
    }
    out.push(s(
        t.final_points,
        &r.total.final_track,
        &r.classification.final_track,
    ));
    out
}

#[derive(Template)]
#[template(path = "results.html")]
struct ResultsPage {
    base: Base,
    nav: DossierNav,
    groups: Vec<GroupOpt>,
    requested_only: bool,
    rows: Vec<Row>,
    summaries: Vec<Summary>,
    review_visible: bool,
    has_first: bool,
    chart: Chart,
    differences: usize,
    query: String,
}

fn filtered(l: &Loaded, q: &ResultsQuery) -> AppResult<(Results, String, bool)> {
    let group = q
        .group
        .clone()
        .filter(|g| !g.is_empty() && l.set.group(g).is_some());
    let requested_only = q.filter.as_deref() == Some("requested");
    let r = if group.is_some() || requested_only {
        l.results.filtered(&ResultsFilter {
            group: group.clone(),
            explanation_requested: requested_only,
        })?
    } else {
        l.results.clone()
    };
    Ok((r, group.unwrap_or_default(), requested_only))
}

fn query_of(group: &str, requested_only: bool) -> String {
    let mut q = Vec::new();
    if !group.is_empty() {
        q.push(format!(
            "group={}",
            form_urlencoded::byte_serialize(group.as_bytes()).collect::<String>()
        ));
    }
    if requested_only {
        q.push("filter=requested".into());
    }
    if q.is_empty() {
        String::new()
    } else {
        format!("?{}", q.join("&"))
    }
}

/// The results of a dossier ("3. Kết quả đánh giá").
#[utoipa::path(get, path = "/dossiers/{dossier_id}/results", tag = "pages", operation_id = "page_results",
    params(("dossier_id" = String, Path, description = "The dossier's id"), ResultsQuery),
    responses((status = 200, description = "The results", content_type = "text/html"),
              (status = 404, description = "No such dossier in the user's scope", content_type = "text/html")))]
pub async fn results_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    Query(q): Query<ResultsQuery>,
) -> Result<Response, PageError> {
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let (r, group, requested_only) = filtered(&l, &q)?;
    let mut nav = DossierNav::of(&l, lang, Tab::Results);
    nav.notice = q
        .done
        .as_deref()
        .and_then(chamdiem::CommandName::parse)
        .map(|c| {
            format!(
                "{} {}",
                lang.text().done_prefix,
                super::i18n::command_label(lang, c)
            )
        });
    let query = query_of(&group, requested_only);
    render(&ResultsPage {
        base: Base::new(
            lang,
            Some(&a),
            &format!("/dossiers/{dossier_id}/results{query}"),
        ),
        groups: view::group_options(&l, &group, view::Track::SelfTrack),
        rows: rows(&r, &l.set),
        summaries: summaries(&l.results, lang),
        review_visible: l.results.review_visible,
        has_first: l.results.total.first_review.is_some(),
        chart: chart(&l.results),
        differences: l.results.differences.len(),
        requested_only,
        query,
        nav,
    })
}

#[derive(Template)]
#[template(path = "print.html")]
struct PrintPage {
    base: Base,
    title: String,
    unit_name: String,
    period_name: String,
    state_label: &'static str,
    set_name: String,
    printed_at: String,
    rows: Vec<Row>,
    summaries: Vec<Summary>,
    review_visible: bool,
    has_first: bool,
    chart: Chart,
    back: String,
}

/// The results for printing: no menus, every criterion, the totals and the chart.
#[utoipa::path(get, path = "/dossiers/{dossier_id}/print", tag = "pages", operation_id = "page_print",
    params(("dossier_id" = String, Path, description = "The dossier's id"), ResultsQuery),
    responses((status = 200, description = "The print view", content_type = "text/html"),
              (status = 404, description = "No such dossier in the user's scope", content_type = "text/html")))]
pub async fn print_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    Query(q): Query<ResultsQuery>,
) -> Result<Response, PageError> {
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let (r, group, requested_only) = filtered(&l, &q)?;
    render(&PrintPage {
        base: Base::new(lang, Some(&a), &format!("/dossiers/{dossier_id}/print")),
        title: format!("{} — {}", lang.text().menu_results, l.unit_name),
        unit_name: l.unit_name.clone(),
        period_name: l.period_name.clone(),
        state_label: lang.state(l.state()),
        set_name: l.set.name().to_owned(),
        printed_at: view::local_time(l.now),
        rows: rows(&r, &l.set),
        summaries: summaries(&l.results, lang),
        review_visible: l.results.review_visible,
        has_first: l.results.total.first_review.is_some(),
        chart: chart(&l.results),
        back: format!(
            "/dossiers/{dossier_id}/results{}",
            query_of(&group, requested_only)
        ),
    })
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn workbook_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                crate::evidence::names::content_disposition(name),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                crate::security::DOWNLOAD_CSP.to_owned(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The workbook of a dossier's results: one row per group and criterion, the totals.
pub fn results_workbook(l: &Loaded, lang: Lang) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let t = lang.text();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(t.sheet_results).map_err(xerr)?;
    let d = &l.view.dossier;
    let head = [
        (t.dossier, d.id().to_owned()),
        (t.unit, l.unit_name.clone()),
        (t.period, l.period_name.clone()),
        (t.criteria_set, l.set.name().to_owned()),
        (t.state, lang.state(d.state()).to_owned()),
    ];
    for (i, (k, v)) in head.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, *k, &bold)
            .map_err(xerr)?;
        ws.write_string(i as u32, 1, v).map_err(xerr)?;
    }
    let mut row = head.len() as u32 + 1;
    for s in summaries(&l.results, lang) {
        ws.write_string_with_format(row, 0, s.label, &bold)
            .map_err(xerr)?;
        put(ws, row, 1, &s.points).map_err(xerr)?;
        ws.write_string(row, 2, format!("/ {}", s.max))
            .map_err(xerr)?;
        ws.write_string(row, 3, &s.percent).map_err(xerr)?;
        ws.write_string(row, 4, &s.classification).map_err(xerr)?;
        row += 1;
    }
    row += 1;
    let review = l.results.review_visible;
    let mut cols = vec![t.code, t.title, t.max_points, t.eval_case, t.self_points];
    if review {
        cols.extend([t.review_case, t.review_points, t.difference]);
    }
    cols.extend([t.final_points, t.filter_requested]);
    for (c, h) in cols.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &bold)
            .map_err(xerr)?;
    }
    ws.set_column_width(1, 60).map_err(xerr)?;
    row += 1;
    for r in rows(&l.results, &l.set) {
        let mut cells = vec![
            format!("{}{}", "  ".repeat(r.depth), r.code),
            r.title.clone(),
            r.max.clone(),
            r.self_case.clone(),
            r.self_points.clone(),
        ];
        if review {
            cells.extend([
                r.review_case.clone(),
                r.review_points.clone(),
                r.difference.trim_start_matches('+').to_owned(),
            ]);
        }
        cells.push(r.final_points.clone());
        cells.push(if r.asked { "x".into() } else { String::new() });
        for (c, v) in cells.iter().enumerate() {
            if r.is_group {
                if !v.is_empty() {
                    ws.write_string_with_format(row, c as u16, v, &bold)
                        .map_err(xerr)?;
                }
            } else {
                put(ws, row, c as u16, v).map_err(xerr)?;
            }
        }
        row += 1;
    }
    wb.save_to_buffer().map_err(xerr)
}

/// The dossier's results as an Excel workbook.
#[utoipa::path(get, path = "/dossiers/{dossier_id}/results.xlsx", tag = "pages", operation_id = "page_results_xlsx",
    params(("dossier_id" = String, Path, description = "The dossier's id")),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, description = "No such dossier in the user's scope", content_type = "text/html")))]
pub async fn results_xlsx(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
) -> Result<Response, PageError> {
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let bytes = tokio::task::spawn_blocking(move || results_workbook(&l, lang))
        .await
        .map_err(AppError::from)??;
    Ok(workbook_response(
        bytes,
        &format!("ket-qua-{dossier_id}.xlsx"),
    ))
}

/// The workbook of a period's ranking, one sheet per criteria set.
pub fn ranking_workbook(
    ranking: &chamdiem::Ranking,
    sets: &[(String, String)],
    period_name: &str,
    lang: Lang,
) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let t = lang.text();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for (i, table) in ranking.tables.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(format!("{} {}", t.sheet_ranking, i + 1))
            .map_err(xerr)?;
        let set_name = sets
            .iter()
            .find(|(id, _)| *id == table.criteria_set.id)
            .map(|(_, n)| n.as_str())
            .unwrap_or(&table.criteria_set.id);
        ws.write_string_with_format(0, 0, period_name, &bold)
            .map_err(xerr)?;
        ws.write_string(1, 0, set_name).map_err(xerr)?;
        let cols = [
            t.rank,
            t.code,
            t.unit,
            t.state,
            t.self_points,
            t.review_points,
            t.final_points,
            t.max_points,
            t.percent,
            t.classification,
        ];
        for (c, h) in cols.iter().enumerate() {
            ws.write_string_with_format(3, c as u16, *h, &bold)
                .map_err(xerr)?;
        }
        ws.set_column_width(2, 40).map_err(xerr)?;
        for (k, r) in table.rows.iter().enumerate() {
            let row = 4 + k as u32;
            let cells = [
                r.rank.to_string(),
                r.unit_code.clone(),
                r.unit_name.clone(),
                lang.state(r.state).to_owned(),
                pts(r.self_points),
                r.review.map(pts).unwrap_or_default(),
                pts(r.points),
                pts(r.max),
                r.percent.map(|p| p.to_string()).unwrap_or_default(),
                r.classification.clone().unwrap_or_default(),
            ];
            for (c, v) in cells.iter().enumerate() {
                put(ws, row, c as u16, v).map_err(xerr)?;
            }
        }
    }
    if ranking.tables.is_empty() {
        wb.add_worksheet()
            .write_string(0, 0, t.no_dossiers)
            .map_err(xerr)?;
    }
    wb.save_to_buffer().map_err(xerr)
}

/// A period's ranking as an Excel workbook (for the assessing unit, viewers and
/// administrators).
#[utoipa::path(get, path = "/periods/{period_id}/ranking.xlsx", tag = "pages", operation_id = "page_ranking_xlsx",
    params(("period_id" = String, Path, description = "The period's id")),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, description = "Assessed units do not see rankings", content_type = "text/html"),
              (status = 404, description = "No such period in the user's province", content_type = "text/html")))]
pub async fn ranking_xlsx(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(period_id): Path<String>,
) -> Result<Response, PageError> {
    let actor = a.actor();
    let pid = period_id.clone();
    let (ranking, sets, period_name) = state
        .store(move |s| {
            let ranking = crate::api::reference::ranking_for(s, &actor, &pid)?;
            let period = s.period(&pid)?;
            let sets: Vec<(String, String)> = s
                .criteria_sets()?
                .into_iter()
                .map(|x| (x.id, x.name))
                .collect();
            Ok((ranking, sets, period.name))
        })
        .await?;
    let bytes =
        tokio::task::spawn_blocking(move || ranking_workbook(&ranking, &sets, &period_name, lang))
            .await
            .map_err(AppError::from)??;
    Ok(workbook_response(
        bytes,
        &format!("xep-hang-{period_id}.xlsx"),
    ))
}

// ---------------------------------------------------------------------------------------------
// History

/// A row of the history.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// When (Vietnam time).
    pub at: String,
    /// Who (name and account).
    pub who: String,
    /// What, in words.
    pub what: &'static str,
    /// The criterion, if one.
    pub criterion: String,
    /// The old and new values.
    pub changes: Vec<String>,
    /// The state before, when it changed.
    pub from: &'static str,
    /// The state after.
    pub to: &'static str,
    /// Whether the state changed.
    pub moved: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    base: Base,
    nav: DossierNav,
    rows: Vec<HistoryRow>,
    criterion: String,
    criteria: Vec<(String, String)>,
}

/// The history's filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only the events of this criterion.
    pub criterion: Option<String>,
}

fn quoted(s: &str) -> String {
    if s.is_empty() {
        "∅".to_owned()
    } else {
        format!("«{s}»")
    }
}

fn text_change(label: &str, c: &Option<TextChange>) -> Option<String> {
    c.as_ref()
        .map(|c| format!("{label}: {} → {}", quoted(&c.old), quoted(&c.new)))
}

fn score_change(
    lang: Lang,
    set: &chamdiem::CriteriaSet,
    criterion: &str,
    label: &str,
    c: &Option<ScoreChange>,
) -> Option<String> {
    let t = lang.text();
    let c = c.as_ref()?;
    let node = set.criterion(criterion)?;
    Some(format!(
        "{label}: {} → {}",
        view::score_text(t, node, c.old.as_ref()),
        view::score_text(t, node, c.new.as_ref())
    ))
}

/// The events as rows (newest first).
pub fn history_rows(
    l: &Loaded,
    lang: Lang,
    names: &std::collections::HashMap<String, String>,
    criterion: Option<&str>,
) -> Vec<HistoryRow> {
    let t = lang.text();
    let d = &l.view.dossier;
    d.history()
        .iter()
        .rev()
        .filter(|e| criterion.is_none_or(|c| e.change.concerns(c)))
        .map(|e| {
            let who = match names.get(&e.actor.user) {
                Some(n) => format!("{n} ({})", e.actor.user),
                None => e.actor.user.clone(),
            };
            let crit = e.change.criterion().unwrap_or_default().to_owned();
            let mut changes = Vec::new();
            match &e.change {
                Change::SelfSaved { score, opinion, .. } => {
                    changes.extend(score_change(lang, &l.set, &crit, t.self_points, score));
                    changes.extend(text_change(t.unit_opinion, opinion));
                }
                Change::ReviewSaved {
                    score,
                    opinion,
                    request,
                    ..
                } => {
                    changes.extend(score_change(lang, &l.set, &crit, t.review_points, score));
                    changes.extend(text_change(t.review_opinion, opinion));
                    if let Some(r) = request {
                        changes.push(match &r.new {
                            Some(q) => format!("{}: {}", t.request_flag, quoted(&q.note)),
                            None => format!("{}: {}", t.request_flag, t.removed),
                        });
                    }
                }
                Change::EvidenceAttached { evidence, .. }
                | Change::EvidenceRemoved { evidence, .. } => changes.push(format!(
                    "{} ({})",
                    evidence.file_name,
                    crate::evidence::upload::human_size(evidence.size)
                )),
                Change::ExplanationRequested {
                    round,
                    deadline,
                    criteria,
                } => {
                    changes.push(format!("{} {round}: {}", t.round, criteria.join(", ")));
                    if let Some(dl) = deadline {
                        changes.push(format!("{}: {}", t.due, view::local_time(*dl)));
                    }
                }
                Change::ExplanationSaved {
                    explanation,
                    opinion,
                    explained,
                    ..
                } => {
                    changes.extend(text_change(t.explanation, explanation));
                    changes.extend(text_change(t.unit_opinion, opinion));
                    if let Some(x) = explained {
                        changes.push(format!(
                            "{}: {}",
                            t.explained_tick,
                            if *x { t.yes } else { t.no }
                        ));
                    }
                }
                Change::ExplanationFinished { round } => {
                    changes.push(format!("{} {round}", t.round));
                }
                Change::ReturnedForRework { reason } => {
                    changes.push(format!("{}: {}", t.reason, quoted(reason)));
                }
                Change::Unlocked {
                    reason,
                    old_deadline,
                    new_deadline,
                    ..
                } => {
                    changes.push(format!("{}: {}", t.reason, quoted(reason)));
                    changes.push(format!(
                        "{}: {} → {}",
                        t.due,
                        old_deadline.map(view::local_time).unwrap_or("∅".into()),
                        view::local_time(*new_deadline)
                    ));
                }
                _ => {}
            }
            HistoryRow {
                at: view::local_time(e.at),
                who,
                what: super::i18n::change_label(lang, &e.change),
                criterion: crit,
                changes,
                from: lang.state(e.from),
                to: lang.state(e.to),
                moved: e.from != e.to,
            }
        })
        .collect()
}

/// A dossier's history: who did what and when, old and new values.
#[utoipa::path(get, path = "/dossiers/{dossier_id}/history", tag = "pages", operation_id = "page_history",
    params(("dossier_id" = String, Path, description = "The dossier's id"), HistoryQuery),
    responses((status = 200, description = "The history", content_type = "text/html"),
              (status = 404, description = "No such dossier in the user's scope", content_type = "text/html")))]
pub async fn history_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, PageError> {
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let users = state.db.run(|db| db.read(crate::db::users::list)).await?;
    let names = users.into_iter().map(|u| (u.login, u.name)).collect();
    let criterion = q
        .criterion
        .filter(|c| l.set.criterion(c).is_some())
        .unwrap_or_default();
    render(&HistoryPage {
        base: Base::new(lang, Some(&a), &format!("/dossiers/{dossier_id}/history")),
        nav: DossierNav::of(&l, lang, Tab::History),
        rows: history_rows(
            &l,
            lang,
            &names,
            Some(criterion.as_str()).filter(|c| !c.is_empty()),
        ),
        criteria: l
            .set
            .criteria()
            .iter()
            .map(|n| (n.criterion.code.clone(), n.criterion.title.clone()))
            .collect(),
        criterion,
    })
}

// ---------------------------------------------------------------------------------------------
// Lists: the results of every dossier, the completed dossiers (§5)

/// A dossier in a results list.
#[derive(Debug, Clone)]
pub struct ResultItem {
    /// Its id.
    pub id: String,
    /// Its name ("Hồ sơ …").
    pub name: String,
    /// The assessed unit.
    pub unit_name: String,
    /// The period.
    pub period: String,
    /// The state.
    pub state: &'static str,
    /// Its label.
    pub state_label: &'static str,
    /// Self points / max.
    pub self_points: String,
    /// Review points (empty when not visible).
    pub review_points: String,
    /// Final points.
    pub final_points: String,
    /// Maximum.
    pub max: String,
    /// Final percentage.
    pub percent: String,
    /// Final classification.
    pub classification: String,
    /// Whether self and review differ.
    pub differs: bool,
}

/// The results of the dossiers in the actor's scope (one state, or all).
pub async fn result_items(
    state: &AppState,
    lang: Lang,
    actor: chamdiem::Actor,
    only: Option<chamdiem::State>,
) -> AppResult<Vec<ResultItem>> {
    state
        .store(move |s| {
            let filter = crate::api::dossiers::DossierFilter {
                state: only.map(|st| st.as_str().to_owned()),
                ..Default::default()
            };
            let items = crate::api::dossiers::list_for(s, &actor, &filter)
                .map_err(|e| chamdiem::Error::storage(e.to_string()))?;
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                let d = s.dossier_state(&it.id)?;
                let set = s.criteria_set(&it.criteria_set, it.criteria_set_revision)?;
                let r = chamdiem::view(&d, &actor)?.results(&set)?;
                let period = s.period(&it.period).map(|p| p.name).unwrap_or(it.period);
                let review = r.total.review.as_ref();
                out.push(ResultItem {
                    name: format!("{} {} — {}", lang.text().dossier, set.name(), it.unit_name),
                    state: d.state().as_str(),
                    state_label: lang.state(d.state()),
                    self_points: pts(r.total.self_track.points),
                    review_points: review.map(|v| pts(v.points)).unwrap_or_default(),
                    final_points: pts(r.total.final_track.points),
                    max: pts(r.total.final_track.max),
                    percent: r
                        .total
                        .final_track
                        .percent
                        .map(|p| format!("{p}%"))
                        .unwrap_or_default(),
                    classification: r.classification.final_track.clone().unwrap_or_default(),
                    differs: review.is_some_and(|v| v.points != r.total.self_track.points),
                    id: it.id,
                    unit_name: it.unit_name,
                    period,
                });
            }
            Ok(out)
        })
        .await
}

#[derive(Template)]
#[template(path = "result_list.html")]
struct ResultListPage {
    base: Base,
    title: &'static str,
    intro: &'static str,
    items: Vec<ResultItem>,
}

/// "3. Kết quả đánh giá": the results of the dossiers in the user's scope (a unit with one
/// dossier goes straight to it).
#[utoipa::path(get, path = "/results", tag = "pages", operation_id = "page_results_index",
    responses((status = 200, description = "The dossiers with their totals", content_type = "text/html"),
              (status = 303, description = "To the only dossier")))]
pub async fn results_index(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
) -> Result<Response, PageError> {
    let items = result_items(&state, lang, a.actor(), None).await?;
    if a.user.role == Role::Unit && items.len() == 1 {
        return Ok(see_other(&format!("/dossiers/{}/results", items[0].id)));
    }
    let t = lang.text();
    render(&ResultListPage {
        base: Base::new(lang, Some(&a), "/results"),
        title: t.menu_results,
        intro: t.results_intro,
        items,
    })
}

/// "Hồ sơ hoàn thành": the completed dossiers, self and review side by side; the name opens
/// the detail.
#[utoipa::path(get, path = "/completed", tag = "pages", operation_id = "page_completed",
    responses((status = 200, description = "The completed dossiers", content_type = "text/html")))]
pub async fn completed_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
) -> Result<Response, PageError> {
    let items = result_items(&state, lang, a.actor(), Some(chamdiem::State::Completed)).await?;
    let t = lang.text();
    render(&ResultListPage {
        base: Base::new(lang, Some(&a), "/completed"),
        title: t.menu_completed,
        intro: t.completed_intro,
        items,
    })
}
