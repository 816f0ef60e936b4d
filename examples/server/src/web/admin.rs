//! The administration pages: units, users, criteria sets (import with every problem listed,
//! the filled Excel template), periods (create, deadline, open dossiers).

use super::i18n::Lang;
use super::{Base, PageAdmin, PageError, PageForm, PageLang, render, see_other};
use crate::admin::{
    self, NewPeriod, NewUnit, NewUser, PeriodChange, PeriodSetInput, SetFormat, UnitChange,
    UserChange,
};
use crate::app::AppState;
use crate::auth::Authenticated;
use crate::db::users::{self, UserInfo};
use crate::error::{AppError, ImportProblem};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use chamdiem::{Role, UnitKind};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(admin_index))
        .routes(routes!(units_page, unit_create))
        .routes(routes!(unit_update))
        .routes(routes!(users_page, user_create))
        .routes(routes!(user_page, user_update))
        .routes(routes!(user_reset))
        .routes(routes!(sets_page, set_import))
        .routes(routes!(set_template))
        .routes(routes!(periods_page, period_create))
        .routes(routes!(period_page, period_update))
        .routes(routes!(period_open))
}

fn kinds(lang: Lang) -> Vec<(&'static str, &'static str)> {
    UnitKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str(),
                if lang == Lang::Vi {
                    k.label_vi()
                } else {
                    k.as_str()
                },
            )
        })
        .collect()
}

fn roles(lang: Lang) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str(), lang.role(*r)))
        .collect()
}

fn user_error(e: AppError) -> Result<String, PageError> {
    if e.status().is_client_error() {
        Ok(e.to_string())
    } else {
        Err(e.into())
    }
}

#[derive(Template)]
#[template(path = "admin_index.html")]
struct IndexPage {
    base: Base,
}

/// The administration menu.
#[utoipa::path(get, path = "/admin", tag = "pages", operation_id = "page_admin",
    responses((status = 200, description = "The menu", content_type = "text/html")))]
pub async fn admin_index(
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
) -> Result<Response, PageError> {
    render(&IndexPage {
        base: Base::new(lang, Some(&a), "/admin"),
    })
}

struct UnitRow {
    indent: String,
    id: String,
    code: String,
    name: String,
    kind: &'static str,
    kind_label: &'static str,
    parent: String,
}

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsPage {
    base: Base,
    error: Option<String>,
    notice: Option<String>,
    units: Vec<UnitRow>,
    kinds: Vec<(&'static str, &'static str)>,
}

async fn units_view(
    state: &AppState,
    lang: Lang,
    a: &Authenticated,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let units = state.store(|s| s.units()).await?;
    let tree = crate::api::scope::Tree::of(&units);
    // Tree order: each unit after its parent.
    let mut ordered: Vec<&chamdiem::Unit> = Vec::new();
    fn visit<'a>(
        u: &'a chamdiem::Unit,
        all: &'a [chamdiem::Unit],
        out: &mut Vec<&'a chamdiem::Unit>,
    ) {
        out.push(u);
        for c in all.iter().filter(|c| c.parent.as_deref() == Some(&u.id)) {
            visit(c, all, out);
        }
    }
    for root in units.iter().filter(|u| {
        u.parent
            .as_ref()
            .is_none_or(|p| !units.iter().any(|x| &x.id == p))
    }) {
        visit(root, &units, &mut ordered);
    }
    let rows = ordered
        .into_iter()
        .map(|u| {
            let mut depth = 0;
            let mut at = u.id.as_str();
            while at != tree.root(at) && depth < 10 {
                depth += 1;
                at = units
                    .iter()
                    .find(|x| x.id == at)
                    .and_then(|x| x.parent.as_deref())
                    .unwrap_or(at);
            }
            UnitRow {
                indent: "— ".repeat(depth),
                id: u.id.clone(),
                code: u.code.clone(),
                name: u.name.clone(),
                kind: u.kind.as_str(),
                kind_label: if lang == Lang::Vi {
                    u.kind.label_vi()
                } else {
                    u.kind.as_str()
                },
                parent: u.parent.clone().unwrap_or_default(),
            }
        })
        .collect();
    render(&UnitsPage {
        base: Base::new(lang, Some(a), "/admin/units"),
        error,
        notice,
        units: rows,
        kinds: kinds(lang),
    })
}

/// The units, as a tree, with forms to add and change them.
#[utoipa::path(get, path = "/admin/units", tag = "pages", operation_id = "page_admin_units",
    responses((status = 200, description = "The units", content_type = "text/html")))]
pub async fn units_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
) -> Result<Response, PageError> {
    units_view(&state, lang, &a, None, None).await
}

/// The unit form.
#[derive(Debug, Deserialize)]
pub struct UnitForm {
    id: Option<String>,
    code: String,
    name: String,
    kind: String,
    #[serde(default)]
    parent: String,
}

/// Adds a unit.
#[utoipa::path(post, path = "/admin/units", tag = "pages", operation_id = "page_admin_unit_create",
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf, id, code, name, kind, parent"),
    responses((status = 200, description = "The units, with the outcome", content_type = "text/html")))]
pub async fn unit_create(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    PageForm(f): PageForm<UnitForm>,
) -> Result<Response, PageError> {
    let r = admin::create_unit(
        &state,
        NewUnit {
            id: f.id.unwrap_or_default(),
            code: f.code,
            name: f.name,
            kind: f.kind,
            parent: Some(f.parent),
        },
    )
    .await;
    match r {
        Ok(u) => {
            units_view(
                &state,
                lang,
                &a,
                None,
                Some(format!("{} — {}", lang.text().saved, u.id)),
            )
            .await
        }
        Err(e) => units_view(&state, lang, &a, Some(user_error(e)?), None).await,
    }
}

/// Changes a unit.
#[utoipa::path(post, path = "/admin/units/{unit_id}", tag = "pages", operation_id = "page_admin_unit_update",
    params(("unit_id" = String, Path, description = "The unit's id")),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf, code, name, kind, parent"),
    responses((status = 200, description = "The units, with the outcome", content_type = "text/html")))]
pub async fn unit_update(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    Path(unit_id): Path<String>,
    PageForm(f): PageForm<UnitForm>,
) -> Result<Response, PageError> {
    let r = admin::update_unit(
        &state,
        unit_id,
        UnitChange {
            code: f.code,
            name: f.name,
            kind: f.kind,
            parent: Some(f.parent),
        },
    )
    .await;
    match r {
        Ok(u) => {
            units_view(
                &state,
                lang,
                &a,
                None,
                Some(format!("{} — {}", lang.text().saved, u.id)),
            )
            .await
        }
        Err(e) => units_view(&state, lang, &a, Some(user_error(e)?), None).await,
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    base: Base,
    error: Option<String>,
    temporary: Option<String>,
    users: Vec<UserInfo>,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<(String, String)>,
}

async fn unit_choices(state: &AppState) -> Result<Vec<(String, String)>, PageError> {
    Ok(state
        .store(|s| s.units())
        .await?
        .into_iter()
        .map(|u| (u.id.clone(), format!("{} — {}", u.id, u.name)))
        .collect())
}

async fn users_view(
    state: &AppState,
    lang: Lang,
    a: &Authenticated,
    error: Option<String>,
    temporary: Option<String>,
) -> Result<Response, PageError> {
    let list = state.db.run(|db| db.read(users::list)).await?;
    render(&UsersPage {
        base: Base::new(lang, Some(a), "/admin/users"),
        error,
        temporary,
        users: list.iter().map(|u| u.info()).collect(),
        roles: roles(lang),
        units: unit_choices(state).await?,
    })
}

/// The accounts, with a form to add one.
#[utoipa::path(get, path = "/admin/users", tag = "pages", operation_id = "page_admin_users",
    responses((status = 200, description = "The accounts", content_type = "text/html")))]
pub async fn users_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
) -> Result<Response, PageError> {
    users_view(&state, lang, &a, None, None).await
}

/// The new account form.
#[derive(Debug, Deserialize)]
pub struct UserForm {
    login: String,
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    role: String,
    unit: String,
}

/// Adds an account; shows its temporary password once.
#[utoipa::path(post, path = "/admin/users", tag = "pages", operation_id = "page_admin_user_create",
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf, login, name, email, phone, role, unit"),
    responses((status = 200, description = "The accounts, with the outcome", content_type = "text/html")))]
pub async fn user_create(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    PageForm(f): PageForm<UserForm>,
) -> Result<Response, PageError> {
    let r = admin::create_user(
        &state,
        NewUser {
            login: f.login,
            name: f.name,
            email: f.email,
            phone: f.phone,
            role: f.role,
            unit: f.unit,
        },
        None,
    )
    .await;
    match r {
        Ok((_, temp)) => users_view(&state, lang, &a, None, temp).await,
        Err(e) => users_view(&state, lang, &a, Some(user_error(e)?), None).await,
    }
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    base: Base,
    error: Option<String>,
    notice: Option<String>,
    temporary: Option<String>,
    user: UserInfo,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<(String, String)>,
}

async fn user_view(
    state: &AppState,
    lang: Lang,
    a: &Authenticated,
    login: String,
    error: Option<String>,
    notice: Option<String>,
    temporary: Option<String>,
) -> Result<Response, PageError> {
    let l = login.clone();
    let user = state
        .db
        .run(move |db| {
            db.read(|tx| users::get(tx, &l)?.ok_or_else(|| AppError::not_found("user", &l)))
        })
        .await?;
    render(&UserPage {
        base: Base::new(lang, Some(a), &format!("/admin/users/{login}")),
        error,
        notice,
        temporary,
        user: user.info(),
        roles: roles(lang),
        units: unit_choices(state).await?,
    })
}

/// One account: its fields, disabling, a password reset.
#[utoipa::path(get, path = "/admin/users/{login}", tag = "pages", operation_id = "page_admin_user",
    params(("login" = String, Path, description = "The account name")),
    responses((status = 200, description = "The account", content_type = "text/html"),
              (status = 404, description = "No such account", content_type = "text/html")))]
pub async fn user_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    Path(login): Path<String>,
) -> Result<Response, PageError> {
    user_view(&state, lang, &a, login, None, None, None).await
}

/// The account form.
#[derive(Debug, Deserialize)]
pub struct UserChangeForm {
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    role: String,
    unit: String,
    #[serde(default)]
    disabled: Option<String>,
}

/// Saves an account.
#[utoipa::path(post, path = "/admin/users/{login}", tag = "pages", operation_id = "page_admin_user_update",
    params(("login" = String, Path, description = "The account name")),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf, name, email, phone, role, unit, disabled"),
    responses((status = 200, description = "The account, with the outcome", content_type = "text/html")))]
pub async fn user_update(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    Path(login): Path<String>,
    PageForm(f): PageForm<UserChangeForm>,
) -> Result<Response, PageError> {
    let change = UserChange {
        name: Some(f.name),
        email: Some(f.email),
        phone: Some(f.phone),
        role: Some(f.role),
        unit: Some(f.unit),
        disabled: Some(f.disabled.is_some()),
    };
    match admin::update_user(&state, &a.user, login.clone(), change).await {
        Ok(_) => {
            user_view(
                &state,
                lang,
                &a,
                login,
                None,
                Some(lang.text().saved.into()),
                None,
            )
            .await
        }
        Err(e) => {
            let msg = user_error(e)?;
            user_view(&state, lang, &a, login, Some(msg), None, None).await
        }
    }
}

/// Resets an account's password; shows the temporary one once.
#[utoipa::path(post, path = "/admin/users/{login}/reset-password", tag = "pages", operation_id = "page_admin_user_reset",
    params(("login" = String, Path, description = "The account name")),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf"),
    responses((status = 200, description = "The account, with the temporary password", content_type = "text/html")))]
pub async fn user_reset(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    Path(login): Path<String>,
) -> Result<Response, PageError> {
    let temp = admin::reset_password(&state, &a.user, login.clone()).await?;
    user_view(&state, lang, &a, login, None, None, Some(temp)).await
}

/// A problem as the page shows it.
struct ProblemRow {
    sheet: String,
    row: String,
    column: String,
    code: String,
    message: String,
}

impl From<ImportProblem> for ProblemRow {
    fn from(p: ImportProblem) -> Self {
        ProblemRow {
            sheet: p.sheet.unwrap_or_default(),
            row: p.row.map(|r| r.to_string()).or(p.path).unwrap_or_default(),
            column: p.column.unwrap_or_default(),
            code: p.offending_code.unwrap_or_default(),
            message: p.message,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_sets.html")]
struct SetsPage {
    base: Base,
    notice: Option<String>,
    error: Option<String>,
    problems: Vec<ProblemRow>,
    sets: Vec<(String, u32, String)>,
}

async fn sets_view(
    state: &AppState,
    lang: Lang,
    a: &Authenticated,
    notice: Option<String>,
    error: Option<String>,
    problems: Vec<ImportProblem>,
) -> Result<Response, PageError> {
    let sets = state.store(|s| s.criteria_sets()).await?;
    let mut res = render(&SetsPage {
        base: Base::new(lang, Some(a), "/admin/criteria-sets"),
        notice,
        error,
        sets: sets
            .into_iter()
            .map(|s| (s.id, s.revision, s.name))
            .collect(),
        problems: problems.into_iter().map(ProblemRow::from).collect(),
    })?;
    res.headers_mut().remove(axum::http::header::CONTENT_LENGTH);
    Ok(res)
}

/// The criteria sets, with the import form and the template.
#[utoipa::path(get, path = "/admin/criteria-sets", tag = "pages", operation_id = "page_admin_sets",
    responses((status = 200, description = "The criteria sets", content_type = "text/html")))]
pub async fn sets_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
) -> Result<Response, PageError> {
    sets_view(&state, lang, &a, None, None, Vec::new()).await
}

/// Imports a criteria set from an uploaded JSON, TOML or Excel file; every problem is listed
/// with its sheet, row, column and code.
#[utoipa::path(post, path = "/admin/criteria-sets", tag = "pages", operation_id = "page_admin_set_import",
    params(("csrf" = String, Query, description = "The session's CSRF token (multipart forms carry it in the URL)")),
    request_body(content_type = "multipart/form-data", content = Object, description = "file"),
    responses((status = 200, description = "The criteria sets, with the outcome or the problems", content_type = "text/html")))]
pub async fn set_import(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let limit = state.config.import_limit as usize;
    let mut file: Option<(Option<String>, Option<String>, Vec<u8>)> = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::invalid("file", format!("the upload could not be read: {e}")))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().map(str::to_owned);
        let ct = field.content_type().map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| AppError::invalid("file", format!("the upload could not be read: {e}")))?
        {
            if bytes.len() + chunk.len() > limit {
                return Err(AppError::PayloadTooLarge(format!(
                    "the file is larger than the {limit} bytes allowed"
                ))
                .into());
            }
            bytes.extend_from_slice(&chunk);
        }
        file = Some((name, ct, bytes));
        break;
    }
    let Some((name, ct, bytes)) = file else {
        return sets_view(
            &state,
            lang,
            &a,
            None,
            Some(lang.text().import_hint.into()),
            Vec::new(),
        )
        .await;
    };
    let ct = ct.filter(|c| c != "application/octet-stream");
    let Some(format) = SetFormat::detect(ct.as_deref(), name.as_deref(), &bytes) else {
        return sets_view(
            &state,
            lang,
            &a,
            None,
            Some(lang.text().import_hint.into()),
            Vec::new(),
        )
        .await;
    };
    match admin::import_set(&state, &a.user, format, bytes).await {
        Ok(info) => {
            sets_view(
                &state,
                lang,
                &a,
                Some(format!(
                    "{} {} ({})",
                    lang.text().imported,
                    info.id,
                    info.revision
                )),
                None,
                Vec::new(),
            )
            .await
        }
        Err(AppError::Import(problems)) => {
            let mut res = sets_view(&state, lang, &a, None, None, problems).await?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => {
            let msg = user_error(e)?;
            sets_view(&state, lang, &a, None, Some(msg), Vec::new()).await
        }
    }
}

/// The Excel template, filled with the departments' example set.
#[utoipa::path(get, path = "/admin/criteria-sets/template.xlsx", tag = "pages", operation_id = "page_admin_set_template",
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn set_template(PageAdmin(_): PageAdmin) -> Result<Response, PageError> {
    Ok(crate::api::admin::template_response().await?)
}

#[derive(Template)]
#[template(path = "admin_periods.html")]
struct PeriodsPage {
    base: Base,
    error: Option<String>,
    periods: Vec<(String, String)>,
    units: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    sets: Vec<(String, String)>,
}

async fn periods_view(
    state: &AppState,
    lang: Lang,
    a: &Authenticated,
    error: Option<String>,
) -> Result<Response, PageError> {
    let (periods, sets) = state
        .store(|s| Ok((s.periods()?, s.criteria_sets()?)))
        .await?;
    render(&PeriodsPage {
        base: Base::new(lang, Some(a), "/admin/periods"),
        error,
        periods: periods.into_iter().map(|p| (p.id, p.name)).collect(),
        units: unit_choices(state).await?,
        kinds: kinds(lang)
            .into_iter()
            .filter(|k| k.0 != "province")
            .collect(),
        sets: sets
            .into_iter()
            .map(|s| {
                (
                    format!("{}@{}", s.id, s.revision),
                    format!("{} ({}) — {}", s.id, s.revision, s.name),
                )
            })
            .collect(),
    })
}

/// The periods, with a form to create one.
#[utoipa::path(get, path = "/admin/periods", tag = "pages", operation_id = "page_admin_periods",
    responses((status = 200, description = "The periods", content_type = "text/html")))]
pub async fn periods_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
) -> Result<Response, PageError> {
    periods_view(&state, lang, &a, None).await
}

/// Creates a period from the form (`set_<kind>` = `<set id>@<revision>`).
#[utoipa::path(post, path = "/admin/periods", tag = "pages", operation_id = "page_admin_period_create",
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf, id, name, year, assessing_unit, self_deadline, set_<kind>"),
    responses((status = 303, description = "To the new period"),
              (status = 200, description = "The periods, with an error", content_type = "text/html")))]
pub async fn period_create(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut criteria_sets = Vec::new();
    for (k, v) in &f {
        if let Some(kind) = k.strip_prefix("set_")
            && let Some((id, rev)) = v.rsplit_once('@')
        {
            criteria_sets.push(PeriodSetInput {
                unit_kind: kind.into(),
                criteria_set: id.into(),
                revision: rev.parse().unwrap_or(0),
            });
        }
    }
    let year = get("year").trim().parse().ok();
    let deadline = Some(get("self_deadline")).filter(|d| !d.trim().is_empty());
    let new = NewPeriod {
        id: get("id"),
        name: get("name"),
        year,
        assessing_unit: get("assessing_unit"),
        criteria_sets,
        self_deadline: deadline,
        requires_report: false,
    };
    match admin::create_period(&state, new).await {
        Ok(p) => Ok(see_other(&format!("/admin/periods/{}", p.id))),
        Err(e) => periods_view(&state, lang, &a, Some(user_error(e)?)).await,
    }
}

#[derive(Template)]
#[template(path = "admin_period.html")]
struct PeriodPage {
    base: Base,
    error: Option<String>,
    notice: Option<String>,
    id: String,
    name: String,
    deadline: String,
    units: Vec<(String, String, bool)>,
}

async fn period_view(
    state: &AppState,
    lang: Lang,
    a: &Authenticated,
    id: String,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let pid = id.clone();
    let (period, units, opened) = state
        .store(move |s| {
            let p = s.period(&pid)?;
            let opened: Vec<String> = s
                .dossiers(&chamdiem::store::DossierQuery {
                    period: Some(pid.clone()),
                    ..Default::default()
                })?
                .into_iter()
                .map(|d| d.unit)
                .collect();
            let units: Vec<chamdiem::Unit> = s
                .units()?
                .into_iter()
                .filter(|u| p.set_for(u.kind).is_some())
                .collect();
            Ok((p, units, opened))
        })
        .await?;
    render(&PeriodPage {
        base: Base::new(lang, Some(a), &format!("/admin/periods/{id}")),
        error,
        notice,
        name: period.name.clone(),
        deadline: period
            .self_deadline
            .map(|d| d.to_rfc3339())
            .unwrap_or_default(),
        units: units
            .into_iter()
            .map(|u| {
                (
                    u.id.clone(),
                    format!("{} — {}", u.id, u.name),
                    opened.contains(&u.id),
                )
            })
            .collect(),
        id,
    })
}

/// A period: its name and deadline, and opening dossiers for units.
#[utoipa::path(get, path = "/admin/periods/{period_id}", tag = "pages", operation_id = "page_admin_period",
    params(("period_id" = String, Path, description = "The period's id")),
    responses((status = 200, description = "The period", content_type = "text/html"),
              (status = 404, description = "No such period", content_type = "text/html")))]
pub async fn period_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    Path(period_id): Path<String>,
) -> Result<Response, PageError> {
    period_view(&state, lang, &a, period_id, None, None).await
}

/// The period form.
#[derive(Debug, Deserialize)]
pub struct PeriodForm {
    name: String,
    #[serde(default)]
    self_deadline: String,
}

/// Saves a period's name and deadline.
#[utoipa::path(post, path = "/admin/periods/{period_id}", tag = "pages", operation_id = "page_admin_period_update",
    params(("period_id" = String, Path, description = "The period's id")),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf, name, self_deadline"),
    responses((status = 200, description = "The period, with the outcome", content_type = "text/html")))]
pub async fn period_update(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    Path(period_id): Path<String>,
    PageForm(f): PageForm<PeriodForm>,
) -> Result<Response, PageError> {
    match admin::update_period(
        &state,
        period_id.clone(),
        PeriodChange {
            name: Some(f.name),
            self_deadline: Some(f.self_deadline),
        },
    )
    .await
    {
        Ok(_) => {
            period_view(
                &state,
                lang,
                &a,
                period_id,
                None,
                Some(lang.text().saved.into()),
            )
            .await
        }
        Err(e) => {
            let msg = user_error(e)?;
            period_view(&state, lang, &a, period_id, Some(msg), None).await
        }
    }
}

/// Opens the dossiers of the ticked units.
#[utoipa::path(post, path = "/admin/periods/{period_id}/dossiers", tag = "pages", operation_id = "page_admin_period_open",
    params(("period_id" = String, Path, description = "The period's id")),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf, unit (repeated)"),
    responses((status = 200, description = "The period, with the outcome", content_type = "text/html")))]
pub async fn period_open(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAdmin(a): PageAdmin,
    Path(period_id): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let units: Vec<String> = f
        .into_iter()
        .filter(|(k, _)| k == "unit")
        .map(|(_, v)| v)
        .collect();
    match admin::open_dossiers(&state, &a.user, period_id.clone(), units).await {
        Ok(ids) => {
            period_view(
                &state,
                lang,
                &a,
                period_id,
                None,
                Some(format!("{} {}", lang.text().opened, ids.join(", "))),
            )
            .await
        }
        Err(e) => {
            let msg = user_error(e)?;
            period_view(&state, lang, &a, period_id, Some(msg), None).await
        }
    }
}
