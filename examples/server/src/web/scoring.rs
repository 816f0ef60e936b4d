//! The scoring screens of the manual, as plain forms:
//!
//! - self-scoring by group (§4.1, "Vào tự chấm điểm"): the case drop-down, the unit's points,
//!   the opinion "Ý kiến Cấp sở, CC", evidence ("Tải tài liệu", "Xóa"), "Lưu";
//! - submitting (§4.2, "Chuyển chấm hoàn thành"): the tick "2.2 Huyện, Sở tự chấm xong" and
//!   "Chuyển sang trạng thái mới", with what is missing linked to its criterion;
//! - the explanation (§4.3, "Giải trình theo hồ sơ YC tỉnh"): the filter "Tỉnh yêu cầu giải
//!   trình" + "Áp dụng", per criterion the explanation, evidence, opinion and the tick "Huyện,
//!   Sở đã giải trình xong", then the dossier-level tick;
//! - the province's review ("Tỉnh chấm điểm"): the unit's values read-only beside the review
//!   case, opinion and the "yêu cầu giải trình" flag with its note;
//! - the workflow commands ("Yêu cầu giải trình", "Tỉnh chấm xong", "Trả lại", "Mở lại",
//!   "Lưu trữ" …), each behind a confirmation page.
//!
//! Every save goes to the core as one command (`save_self`, `save_review`,
//! `save_explanation`) carrying the version the form was loaded at; a refusal shows the form
//! again with what was typed and the reason.

use super::i18n::Lang;
use super::view::{self, DossierNav, GroupOpt, Loaded, Problem, Section, Tab, TotalsBox, Track};
use super::{Base, PageError, PageForm, PageLang, PageUser, render, see_other};
use crate::app::AppState;
use crate::error::AppError;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chamdiem::workflow::{
    ExplanationInput, ReviewInput, SaveExplanation, SaveReview, SaveSelf, SelfInput,
};
use chamdiem::{Command, CommandName, Role, Score, State as DossierState};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(self_page, self_save))
        .routes(routes!(review_page, review_save))
        .routes(routes!(explain_page, explain_save))
        .routes(routes!(submit_page))
        .routes(routes!(confirm_page))
        .routes(routes!(command_submit))
}

/// The scoring pages' query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScoringQuery {
    /// The criteria group shown ("Nhóm chỉ tiêu"; a top-level group's code).
    pub group: Option<String>,
    /// Set after a successful save.
    pub saved: Option<String>,
    /// The explanation page's filter: `requested` ("Tỉnh yêu cầu giải trình") or `all`.
    pub filter: Option<String>,
    /// Set after a command: its name.
    pub done: Option<String>,
}

/// The live totals' data: where the browser package finds the set and the dossier, and who
/// acts (the page's `<main>` carries them as `data-` attributes; no inline script).
#[derive(Debug, Clone)]
pub struct Live {
    /// The criteria set's JSON.
    pub set_url: String,
    /// The dossier's view (JSON API).
    pub dossier_url: String,
    /// The actor.
    pub user: String,
    /// The actor's role.
    pub role: &'static str,
    /// The actor's unit.
    pub unit: String,
    /// The server's now (the browser's clock may be wrong).
    pub now: String,
}

impl Live {
    /// The data, when this build carries the browser package.
    fn of(l: &Loaded) -> Option<Live> {
        if !super::assets::has_package() {
            return None;
        }
        let d = &l.view.dossier;
        Some(Live {
            set_url: format!(
                "/api/v1/criteria-sets/{}/{}",
                d.criteria_set().id,
                d.criteria_set().revision
            ),
            dossier_url: format!("/api/v1/dossiers/{}", d.id()),
            user: l.actor.user.clone(),
            role: l.actor.role.as_str(),
            unit: l.actor.unit.clone(),
            now: l.now.to_rfc3339(),
        })
    }
}

/// The upload dialog's settings and words.
#[derive(Debug, Clone)]
pub struct UploadUi {
    /// The `accept` attribute.
    pub accept: String,
    /// What may be uploaded, for people.
    pub hint: String,
    /// The per-file limit in bytes (the script refuses larger files before sending them).
    pub limit: u64,
    /// "too large", with `{file}` and `{limit}`.
    pub msg_too_large: String,
    /// "type not accepted", with `{file}`.
    pub msg_type: String,
}

impl UploadUi {
    /// The settings of this server.
    pub fn of(state: &AppState, lang: Lang) -> UploadUi {
        let t = lang.text();
        let limit = crate::evidence::upload::human_size(state.config.upload_limit);
        let types = state.evidence_types.describe();
        UploadUi {
            accept: state.evidence_types.accept(),
            hint: t
                .upload_hint
                .replace("{limit}", &limit)
                .replace("{types}", &types),
            limit: state.config.upload_limit,
            msg_too_large: crate::evidence::upload::UploadError::FileTooLarge {
                file: "{file}".into(),
                limit: state.config.upload_limit,
            }
            .message(lang),
            msg_type: crate::evidence::upload::UploadError::TypeNotAllowed {
                file: "{file}".into(),
                allowed: types,
            }
            .message(lang),
        }
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Sets each card's upload address (the CSRF token rides in the query of a multipart form).
fn upload_urls(sections: &mut [Section], dossier: &str, csrf: &str, back: &str) {
    for s in sections {
        for c in &mut s.cards {
            c.upload_url = format!(
                "/dossiers/{dossier}/evidence?criterion={}&csrf={}&back={}",
                enc(&c.code),
                enc(csrf),
                enc(&format!("{back}#{}", c.anchor))
            );
        }
    }
}

fn notice(lang: Lang, q: &ScoringQuery) -> Option<String> {
    let t = lang.text();
    if q.saved.is_some() {
        return Some(t.saved.to_owned());
    }
    q.done
        .as_deref()
        .and_then(CommandName::parse)
        .map(|c| format!("{} {}", t.done_prefix, super::i18n::command_label(lang, c)))
}

fn client_error(e: AppError) -> Result<AppError, PageError> {
    if e.status().is_client_error() {
        Ok(e)
    } else {
        Err(e.into())
    }
}

// ---------------------------------------------------------------------------------------------
// Self-scoring (§4.1)

#[derive(Template)]
#[template(path = "self.html")]
struct SelfPage {
    base: Base,
    nav: DossierNav,
    groups: Vec<GroupOpt>,
    group: String,
    sections: Vec<Section>,
    totals: TotalsBox,
    editable: bool,
    version: u64,
    next_group: Option<String>,
    upload: UploadUi,
    live: Option<Live>,
}

#[allow(clippy::too_many_arguments)]
fn self_view(
    state: &AppState,
    lang: Lang,
    a: &crate::auth::Authenticated,
    l: &Loaded,
    group: Option<&str>,
    nav: DossierNav,
    form: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let group = view::chosen_group(&l.set, group);
    let id = l.view.dossier.id().to_owned();
    let path = format!("/dossiers/{id}/self?group={}", enc(&group));
    let mut sections = view::sections(l, lang, &group, Track::SelfTrack, form, &|_, _| true);
    upload_urls(&mut sections, &id, a.csrf_token(), &path);
    render(&SelfPage {
        base: Base::new(lang, Some(a), &path),
        groups: view::group_options(l, &group, Track::SelfTrack),
        sections,
        totals: TotalsBox::of(l, &group, Track::SelfTrack),
        editable: l.allowed(CommandName::SaveSelf),
        version: l.view.dossier.version(),
        next_group: view::next_group(&l.set, &group),
        upload: UploadUi::of(state, lang),
        live: Live::of(l),
        group,
        nav,
    })
}

/// Self-scoring ("Vào tự chấm điểm"): one criteria group at a time.
#[utoipa::path(get, path = "/dossiers/{dossier_id}/self", tag = "pages", operation_id = "page_self",
    params(("dossier_id" = String, Path, description = "The dossier's id"), ScoringQuery),
    responses((status = 200, description = "The group's criteria", content_type = "text/html"),
              (status = 404, description = "No such dossier in the user's scope", content_type = "text/html")))]
pub async fn self_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    Query(q): Query<ScoringQuery>,
) -> Result<Response, PageError> {
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let mut nav = DossierNav::of(&l, lang, Tab::SelfScoring);
    nav.notice = notice(lang, &q);
    self_view(
        &state,
        lang,
        &a,
        &l,
        q.group.as_deref(),
        nav,
        &HashMap::new(),
    )
}

/// The case or value posted for a criterion: a case, else a value, else clear what was there.
fn posted_score(
    code: &str,
    current: Option<&Score>,
    case: Option<&String>,
    value: Option<&String>,
) -> Result<(Option<String>, Option<chamdiem::Decimal>, bool), AppError> {
    if let Some(c) = case.filter(|c| !c.is_empty()) {
        return Ok((Some(c.clone()), None, false));
    }
    if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
        return Ok((None, Some(view::parse_value(code, v)?), false));
    }
    Ok((None, None, current.is_some()))
}

fn base_version(form: &HashMap<String, String>) -> Option<u64> {
    form.get("base_version").and_then(|v| v.parse().ok())
}

/// Saves the group ("Lưu"): one `save_self` with every criterion of the form.
#[utoipa::path(post, path = "/dossiers/{dossier_id}/self", tag = "pages", operation_id = "page_self_save",
    params(("dossier_id" = String, Path, description = "The dossier's id")),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object,
        description = "csrf, group, base_version; per criterion item:<code>, case:<code> or value:<code>, opinion:<code>"),
    responses((status = 303, description = "Saved: back to the group"),
              (status = 409, description = "The form again with the refusal (state, deadline, a concurrent change)", content_type = "text/html"),
              (status = 422, description = "The form again with the refusal (a value out of range …)", content_type = "text/html")))]
pub async fn self_save(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (form, items) = view::form_map(fields);
    let group = form.get("group").cloned();
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let outcome = async {
        let mut entries = Vec::with_capacity(items.len());
        for code in &items {
            let current = l
                .view
                .dossier
                .entry(code)
                .and_then(|e| e.self_score.as_ref());
            let (case, value, clear) = posted_score(
                code,
                current,
                form.get(&format!("case:{code}")),
                form.get(&format!("value:{code}")),
            )?;
            entries.push(SelfInput {
                criterion: code.clone(),
                case,
                value,
                clear,
                opinion: form.get(&format!("opinion:{code}")).cloned(),
            });
        }
        crate::api::dossiers::execute(
            &state,
            a.actor(),
            dossier_id.clone(),
            Command::SaveSelf(SaveSelf {
                base_version: base_version(&form),
                entries,
            }),
        )
        .await
    }
    .await;
    match outcome {
        Ok(_) => {
            let g = view::chosen_group(&l.set, group.as_deref());
            Ok(see_other(&format!(
                "/dossiers/{dossier_id}/self?group={}&saved=1",
                enc(&g)
            )))
        }
        Err(e) => {
            let e = client_error(e)?;
            let nav = DossierNav::of(&l, lang, Tab::SelfScoring).refused(&e, lang, &l.set);
            let mut res = self_view(&state, lang, &a, &l, group.as_deref(), nav, &form)?;
            *res.status_mut() = e.status();
            Ok(res)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The province's review ("Tỉnh chấm điểm")

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    base: Base,
    nav: DossierNav,
    groups: Vec<GroupOpt>,
    group: String,
    sections: Vec<Section>,
    totals: TotalsBox,
    editable: bool,
    waiting: bool,
    version: u64,
    next_group: Option<String>,
    commands: Vec<CommandLink>,
    live: Option<Live>,
    upload: UploadUi,
}

/// A workflow command offered on a page: a link to its confirmation, or why not now.
#[derive(Debug, Clone)]
pub struct CommandLink {
    /// Where to confirm it.
    pub href: String,
    /// The button's words.
    pub label: &'static str,
    /// Whether it is allowed now.
    pub allowed: bool,
    /// Why not, in words.
    pub reason: String,
}

/// The commands of the actor's role that have a confirmation page (`only`: these, in order).
pub fn command_links(l: &Loaded, lang: Lang, only: &[CommandName]) -> Vec<CommandLink> {
    only.iter()
        .filter_map(|c| {
            let a = l.actions.iter().find(|a| a.command == *c)?;
            Some(CommandLink {
                href: format!("/dossiers/{}/confirm/{}", l.view.dossier.id(), c.as_str()),
                label: super::i18n::command_label(lang, *c),
                allowed: a.allowed,
                reason: a
                    .reason
                    .as_ref()
                    .map(|e| super::message_of(&AppError::Core(e.clone()), lang))
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// The reviewer's commands, in the order of the workflow.
pub const REVIEW_COMMANDS: [CommandName; 6] = [
    CommandName::RequestExplanation,
    CommandName::FinishReview,
    CommandName::ReturnForRework,
    CommandName::ReleaseReview,
    CommandName::Reopen,
    CommandName::Archive,
];

fn review_view(
    state: &AppState,
    lang: Lang,
    a: &crate::auth::Authenticated,
    l: &Loaded,
    group: Option<&str>,
    nav: DossierNav,
    form: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let group = view::chosen_group(&l.set, group);
    let id = l.view.dossier.id();
    let path = format!("/dossiers/{id}/review?group={}", enc(&group));
    let sections = view::sections(l, lang, &group, Track::Review, form, &|_, _| true);
    let waiting =
        l.state() == DossierState::ExplanationRequested && !l.view.dossier.explanation_finished();
    render(&ReviewPage {
        base: Base::new(lang, Some(a), &path),
        groups: view::group_options(l, &group, Track::Review),
        sections,
        totals: TotalsBox::of(l, &group, Track::Review),
        editable: l.allowed(CommandName::SaveReview),
        waiting,
        version: l.view.dossier.version(),
        next_group: view::next_group(&l.set, &group),
        commands: command_links(l, lang, &REVIEW_COMMANDS),
        live: Live::of(l),
        upload: UploadUi::of(state, lang),
        group,
        nav,
    })
}

fn reviewer_only(a: &crate::auth::Authenticated) -> Result<(), PageError> {
    if a.user.role == Role::Unit {
        return Err(AppError::forbidden("the review page is the assessing unit's").into());
    }
    Ok(())
}

/// The review of one group ("Tỉnh chấm điểm"): the unit's values read-only beside the review.
#[utoipa::path(get, path = "/dossiers/{dossier_id}/review", tag = "pages", operation_id = "page_review",
    params(("dossier_id" = String, Path, description = "The dossier's id"), ScoringQuery),
    responses((status = 200, description = "The group's criteria", content_type = "text/html"),
              (status = 403, description = "Assessed units do not see this page", content_type = "text/html"),
              (status = 404, description = "No such dossier in the user's scope", content_type = "text/html")))]
pub async fn review_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    Query(q): Query<ScoringQuery>,
) -> Result<Response, PageError> {
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    reviewer_only(&a)?;
    let mut nav = DossierNav::of(&l, lang, Tab::Review);
    nav.notice = notice(lang, &q);
    review_view(
        &state,
        lang,
        &a,
        &l,
        q.group.as_deref(),
        nav,
        &HashMap::new(),
    )
}

/// Saves the review of a group ("Lưu"): one `save_review`.
#[utoipa::path(post, path = "/dossiers/{dossier_id}/review", tag = "pages", operation_id = "page_review_save",
    params(("dossier_id" = String, Path, description = "The dossier's id")),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object,
        description = "csrf, group, base_version; per criterion item:<code>, rcase:<code> or rvalue:<code>, ropinion:<code>, flag:<code>, note:<code>"),
    responses((status = 303, description = "Saved: back to the group"),
              (status = 409, description = "The form again with the refusal", content_type = "text/html"),
              (status = 422, description = "The form again with the refusal", content_type = "text/html")))]
pub async fn review_save(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (form, items) = view::form_map(fields);
    let group = form.get("group").cloned();
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    reviewer_only(&a)?;
    let outcome = async {
        let mut entries = Vec::with_capacity(items.len());
        for code in &items {
            let entry = l.view.dossier.entry(code);
            let (case, value, clear) = posted_score(
                code,
                entry.and_then(|e| e.review_score.as_ref()),
                form.get(&format!("rcase:{code}")),
                form.get(&format!("rvalue:{code}")),
            )?;
            let pending = entry
                .and_then(|e| e.request.as_ref())
                .is_some_and(|r| r.round.is_none());
            let (request_explanation, request_note) = if form.contains_key(&format!("flag:{code}"))
            {
                (
                    Some(true),
                    Some(
                        form.get(&format!("note:{code}"))
                            .cloned()
                            .unwrap_or_default(),
                    ),
                )
            } else if pending {
                (Some(false), None)
            } else {
                (None, None)
            };
            entries.push(ReviewInput {
                criterion: code.clone(),
                case,
                value,
                clear,
                opinion: form.get(&format!("ropinion:{code}")).cloned(),
                request_explanation,
                request_note,
            });
        }
        crate::api::dossiers::execute(
            &state,
            a.actor(),
            dossier_id.clone(),
            Command::SaveReview(SaveReview {
                base_version: base_version(&form),
                entries,
            }),
        )
        .await
    }
    .await;
    match outcome {
        Ok(_) => {
            let g = view::chosen_group(&l.set, group.as_deref());
            Ok(see_other(&format!(
                "/dossiers/{dossier_id}/review?group={}&saved=1",
                enc(&g)
            )))
        }
        Err(e) => {
            let e = client_error(e)?;
            let nav = DossierNav::of(&l, lang, Tab::Review).refused(&e, lang, &l.set);
            let mut res = review_view(&state, lang, &a, &l, group.as_deref(), nav, &form)?;
            *res.status_mut() = e.status();
            Ok(res)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The explanation (§4.3)

#[derive(Template)]
#[template(path = "explain.html")]
struct ExplainPage {
    base: Base,
    nav: DossierNav,
    filter: &'static str,
    sections: Vec<Section>,
    count: usize,
    editable: bool,
    finished: bool,
    can_finish: bool,
    round: u32,
    round_deadline: Option<String>,
    version: u64,
    upload: UploadUi,
}

fn explain_view(
    state: &AppState,
    lang: Lang,
    a: &crate::auth::Authenticated,
    l: &Loaded,
    filter: Option<&str>,
    nav: DossierNav,
    form: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let filter: &'static str = match filter {
        Some("requested") => "requested",
        _ => "all",
    };
    let id = l.view.dossier.id().to_owned();
    let path = format!("/dossiers/{id}/explain?filter={filter}");
    let requested_only = filter == "requested";
    let mut sections: Vec<Section> = l
        .set
        .roots()
        .iter()
        .flat_map(|&g| {
            view::sections(
                l,
                lang,
                &l.set.groups()[g].code,
                Track::SelfTrack,
                form,
                &|e, r| {
                    !requested_only
                        || r.explanation_requested
                        || e.request.as_ref().is_some_and(|q| q.round.is_some())
                },
            )
        })
        .filter(|s| !s.cards.is_empty())
        .collect();
    upload_urls(&mut sections, &id, a.csrf_token(), &path);
    let count = sections.iter().map(|s| s.cards.len()).sum();
    let round = l.view.dossier.current_round();
    render(&ExplainPage {
        base: Base::new(lang, Some(a), &path),
        filter,
        count,
        editable: l.allowed(CommandName::SaveExplanation),
        finished: l.view.dossier.explanation_finished(),
        can_finish: l.allowed(CommandName::FinishExplanation),
        round: round.map(|r| r.number).unwrap_or(0),
        round_deadline: round.and_then(|r| r.deadline).map(view::local_time),
        version: l.view.dossier.version(),
        upload: UploadUi::of(state, lang),
        sections,
        nav,
    })
}

/// The explanation ("Giải trình theo hồ sơ YC tỉnh"), with the filter "Tỉnh yêu cầu giải
/// trình".
#[utoipa::path(get, path = "/dossiers/{dossier_id}/explain", tag = "pages", operation_id = "page_explain",
    params(("dossier_id" = String, Path, description = "The dossier's id"), ScoringQuery),
    responses((status = 200, description = "The criteria and the explanation", content_type = "text/html"),
              (status = 404, description = "No such dossier in the user's scope", content_type = "text/html")))]
pub async fn explain_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    Query(q): Query<ScoringQuery>,
) -> Result<Response, PageError> {
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let mut nav = DossierNav::of(&l, lang, Tab::Explain);
    nav.notice = notice(lang, &q);
    explain_view(
        &state,
        lang,
        &a,
        &l,
        q.filter.as_deref(),
        nav,
        &HashMap::new(),
    )
}

/// Saves the explanations ("Lưu"): one `save_explanation`.
#[utoipa::path(post, path = "/dossiers/{dossier_id}/explain", tag = "pages", operation_id = "page_explain_save",
    params(("dossier_id" = String, Path, description = "The dossier's id")),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object,
        description = "csrf, filter, base_version; per criterion item:<code>, explanation:<code>, opinion:<code>, explained:<code>"),
    responses((status = 303, description = "Saved: back to the explanation"),
              (status = 409, description = "The form again with the refusal", content_type = "text/html"),
              (status = 422, description = "The form again with the refusal", content_type = "text/html")))]
pub async fn explain_save(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (form, items) = view::form_map(fields);
    let filter = form.get("filter").cloned();
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let entries = items
        .iter()
        .map(|code| ExplanationInput {
            criterion: code.clone(),
            explanation: form.get(&format!("explanation:{code}")).cloned(),
            opinion: form.get(&format!("opinion:{code}")).cloned(),
            explained: Some(form.contains_key(&format!("explained:{code}"))),
        })
        .collect();
    let outcome = crate::api::dossiers::execute(
        &state,
        a.actor(),
        dossier_id.clone(),
        Command::SaveExplanation(SaveExplanation {
            base_version: base_version(&form),
            entries,
        }),
    )
    .await;
    match outcome {
        Ok(_) => Ok(see_other(&format!(
            "/dossiers/{dossier_id}/explain?filter={}&saved=1",
            enc(filter.as_deref().unwrap_or("all"))
        ))),
        Err(e) => {
            let e = client_error(e)?;
            let nav = DossierNav::of(&l, lang, Tab::Explain).refused(&e, lang, &l.set);
            let mut res = explain_view(&state, lang, &a, &l, filter.as_deref(), nav, &form)?;
            *res.status_mut() = e.status();
            Ok(res)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Submitting (§4.2)

#[derive(Template)]
#[template(path = "submit.html")]
struct SubmitPage {
    base: Base,
    nav: DossierNav,
    blockers: Vec<Problem>,
    warnings: Vec<Problem>,
    in_state: bool,
    scored: usize,
    total: usize,
    totals: TotalsBox,
    withdraw: Vec<CommandLink>,
    is_unit: bool,
}

async fn submit_view(
    lang: Lang,
    a: &crate::auth::Authenticated,
    l: &Loaded,
    nav: DossierNav,
) -> Result<Response, PageError> {
    let t = lang.text();
    let id = l.view.dossier.id();
    let pre = chamdiem::precheck(&l.set, &l.view.dossier, None)?;
    let blockers = view::problems(&pre.blockers, lang, &l.set, id);
    let warnings = pre
        .warnings
        .iter()
        .map(|w| {
            let what = super::i18n::warning(lang, w.code);
            match &w.criterion {
                Some(c) => Problem {
                    text: format!("{} {c}: {what}", t.criterion),
                    href: Some(view::criterion_href(&l.set, id, c, "self")),
                },
                None => Problem {
                    text: what.to_owned(),
                    href: None,
                },
            }
        })
        .collect();
    let total = l.results.criteria.len();
    let first_group = view::chosen_group(&l.set, None);
    render(&SubmitPage {
        base: Base::new(lang, Some(a), &format!("/dossiers/{id}/submit")),
        blockers,
        warnings,
        in_state: l.state() == DossierState::SelfAssessment,
        scored: total - l.results.unscored.self_track.len(),
        total,
        totals: TotalsBox::of(l, &first_group, Track::SelfTrack),
        withdraw: command_links(l, lang, &[CommandName::Withdraw])
            .into_iter()
            .filter(|c| c.allowed)
            .collect(),
        is_unit: a.user.role == Role::Unit,
        nav,
    })
}

/// "Chuyển chấm hoàn thành": what is still missing, and the tick "2.2 Huyện, Sở tự chấm xong".
#[utoipa::path(get, path = "/dossiers/{dossier_id}/submit", tag = "pages", operation_id = "page_submit",
    params(("dossier_id" = String, Path, description = "The dossier's id"), ScoringQuery),
    responses((status = 200, description = "The pre-submit check and the form", content_type = "text/html"),
              (status = 404, description = "No such dossier in the user's scope", content_type = "text/html")))]
pub async fn submit_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    Query(q): Query<ScoringQuery>,
) -> Result<Response, PageError> {
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let mut nav = DossierNav::of(&l, lang, Tab::Submit);
    nav.notice = notice(lang, &q);
    submit_view(lang, &a, &l, nav).await
}

// ---------------------------------------------------------------------------------------------
// Workflow commands, confirmed

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    base: Base,
    nav: DossierNav,
    command: &'static str,
    label: &'static str,
    effect: &'static str,
    allowed: bool,
    reason: String,
    needs_reason: bool,
    needs_deadline: bool,
    deadline_required: bool,
    deadline: String,
    reason_text: String,
    back: String,
}

fn confirm_view(
    lang: Lang,
    a: &crate::auth::Authenticated,
    l: &Loaded,
    c: CommandName,
    nav: DossierNav,
    reason_text: String,
) -> Result<Response, PageError> {
    let id = l.view.dossier.id();
    let status = l.actions.iter().find(|s| s.command == c);
    let back = match c.role() {
        Role::Reviewer => format!("/dossiers/{id}/review"),
        Role::Unit if c == CommandName::FinishExplanation => format!("/dossiers/{id}/explain"),
        Role::Unit => format!("/dossiers/{id}/submit"),
        _ => format!("/dossiers/{id}"),
    };
    let default_deadline = view::date_input(l.now.add_millis(7 * 86_400_000));
    render(&ConfirmPage {
        base: Base::new(lang, Some(a), &format!("/dossiers/{id}/confirm/{c}")),
        command: c.as_str(),
        label: super::i18n::command_label(lang, c),
        effect: super::i18n::command_effect(lang, c),
        allowed: status.is_some_and(|s| s.allowed),
        reason: status
            .and_then(|s| s.reason.as_ref())
            .map(|e| super::message_of(&AppError::Core(e.clone()), lang))
            .unwrap_or_default(),
        needs_reason: matches!(c, CommandName::ReturnForRework | CommandName::Unlock),
        needs_deadline: matches!(c, CommandName::RequestExplanation | CommandName::Unlock),
        deadline_required: c == CommandName::Unlock,
        deadline: default_deadline,
        reason_text,
        back,
        nav,
    })
}

/// The commands a confirmation page is offered for.
fn confirmable(c: CommandName) -> bool {
    !matches!(
        c,
        CommandName::SaveSelf
            | CommandName::SaveReview
            | CommandName::SaveExplanation
            | CommandName::AttachEvidence
            | CommandName::RemoveEvidence
    )
}

/// Asks to confirm a workflow command ("Yêu cầu giải trình", "Tỉnh chấm xong", "Trả lại",
/// "Mở lại", "Lưu trữ" …), saying what it does and, when it is not possible now, why.
#[utoipa::path(get, path = "/dossiers/{dossier_id}/confirm/{command}", tag = "pages", operation_id = "page_confirm",
    params(("dossier_id" = String, Path, description = "The dossier's id"),
           ("command" = String, Path, description = "The command (`archive`, `finish_review` …)")),
    responses((status = 200, description = "The confirmation", content_type = "text/html"),
              (status = 403, description = "Not a command of the user's role", content_type = "text/html"),
              (status = 404, description = "No such dossier in the user's scope, or no such command", content_type = "text/html")))]
pub async fn confirm_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path((dossier_id, command)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let c = CommandName::parse(&command)
        .filter(|c| confirmable(*c))
        .ok_or_else(|| AppError::not_found("command", command.clone()))?;
    if c.role() != a.user.role {
        return Err(AppError::forbidden("this command is another role's").into());
    }
    let nav = DossierNav::of(&l, lang, Tab::Overview);
    confirm_view(lang, &a, &l, c, nav, String::new())
}

/// A workflow command from a confirmation page, the submit page or the explanation page.
#[derive(Debug, Deserialize)]
pub struct CommandForm {
    /// The command's name.
    pub command: String,
    /// The reason (`return_for_rework`, `unlock`).
    #[serde(default)]
    pub reason: String,
    /// A date `YYYY-MM-DD` (`request_explanation`'s deadline, `unlock`'s new deadline): the
    /// end of that day in Vietnam.
    #[serde(default)]
    pub deadline: String,
    /// The tick of `submit` ("2.2 Huyện, Sở tự chấm xong") and of `finish_explanation`
    /// ("Huyện, Sở đã giải trình xong").
    pub confirm: Option<String>,
}

fn command_of(f: &CommandForm, lang: Lang) -> Result<Command, AppError> {
    let t = lang.text();
    let c = CommandName::parse(&f.command)
        .filter(|c| confirmable(*c))
        .ok_or_else(|| AppError::invalid("command", format!("unknown command `{}`", f.command)))?;
    let deadline = || -> Result<Option<chamdiem::Timestamp>, AppError> {
        match f.deadline.trim() {
            "" => Ok(None),
            d => view::end_of_day(d)
                .map(Some)
                .ok_or_else(|| AppError::invalid("deadline", t.bad_date)),
        }
    };
    if matches!(c, CommandName::Submit | CommandName::FinishExplanation) && f.confirm.is_none() {
        return Err(AppError::invalid("confirm", t.tick_first));
    }
    Ok(match c {
        CommandName::Submit => Command::Submit,
        CommandName::Withdraw => Command::Withdraw,
        CommandName::RequestExplanation => Command::RequestExplanation {
            deadline: deadline()?,
        },
        CommandName::FinishExplanation => Command::FinishExplanation,
        CommandName::FinishReview => Command::FinishReview,
        CommandName::ReleaseReview => Command::ReleaseReview,
        CommandName::ReturnForRework => Command::ReturnForRework {
            reason: f.reason.trim().to_owned(),
        },
        CommandName::Reopen => Command::Reopen,
        CommandName::Archive => Command::Archive,
        CommandName::Unlock => Command::Unlock {
            reason: f.reason.trim().to_owned(),
            deadline: deadline()?.ok_or_else(|| AppError::invalid("deadline", t.bad_date))?,
        },
        _ => unreachable!("filtered by confirmable"),
    })
}

/// Issues a workflow command; back to the dossier with a notice, or the page again with the
/// refusal and what is missing.
#[utoipa::path(post, path = "/dossiers/{dossier_id}/command", tag = "pages", operation_id = "page_command",
    params(("dossier_id" = String, Path, description = "The dossier's id")),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object,
        description = "csrf, command, and reason, deadline (YYYY-MM-DD) or confirm as the command needs"),
    responses((status = 303, description = "Done: to the dossier's page"),
              (status = 400, description = "The page again: the tick or a field is missing", content_type = "text/html"),
              (status = 409, description = "The page again with the refusal", content_type = "text/html"),
              (status = 422, description = "The page again with what is missing", content_type = "text/html")))]
pub async fn command_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    PageForm(f): PageForm<CommandForm>,
) -> Result<Response, PageError> {
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let outcome = match command_of(&f, lang) {
        Ok(cmd) => crate::api::dossiers::execute(&state, a.actor(), dossier_id.clone(), cmd)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    let c = CommandName::parse(&f.command).unwrap_or(CommandName::Submit);
    match outcome {
        Ok(()) => {
            let to = match c {
                CommandName::FinishExplanation => format!("/dossiers/{dossier_id}/explain"),
                CommandName::RequestExplanation
                | CommandName::FinishReview
                | CommandName::ReleaseReview
                | CommandName::Reopen => format!("/dossiers/{dossier_id}/review"),
                CommandName::Archive => format!("/dossiers/{dossier_id}/results"),
                _ => format!("/dossiers/{dossier_id}"),
            };
            Ok(see_other(&format!("{to}?done={}", c.as_str())))
        }
        Err(e) => {
            let e = client_error(e)?;
            let status = e.status();
            let mut res = match c {
                CommandName::Submit => {
                    let nav = DossierNav::of(&l, lang, Tab::Submit).refused(&e, lang, &l.set);
                    submit_view(lang, &a, &l, nav).await?
                }
                CommandName::FinishExplanation => {
                    let nav = DossierNav::of(&l, lang, Tab::Explain).refused(&e, lang, &l.set);
                    explain_view(&state, lang, &a, &l, None, nav, &HashMap::new())?
                }
                _ => {
                    let nav = DossierNav::of(&l, lang, Tab::Overview).refused(&e, lang, &l.set);
                    confirm_view(lang, &a, &l, c, nav, f.reason.clone())?
                }
            };
            *res.status_mut() = status;
            Ok(res)
        }
    }
}
