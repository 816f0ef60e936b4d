//! Administration routes (administrators only): units, users, criteria sets, periods.

use super::reference::{SetInfo, UnitInfo};
use crate::admin::{
    self, NewPeriod, NewUnit, NewUser, PeriodChange, SetFormat, UnitChange, UserChange,
};
use crate::app::AppState;
use crate::auth::AdminUser;
use crate::db::users::{self, UserInfo};
use crate::error::{AppError, AppJson, AppPath, AppResult, ErrorBody, read_body};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_unit))
        .routes(routes!(update_unit))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(reset_password))
        .routes(routes!(import_criteria_set))
        .routes(routes!(criteria_set_template))
        .routes(routes!(create_period))
        .routes(routes!(update_period))
        .routes(routes!(open_dossiers))
}

/// An account just created, with its temporary password (shown once).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CreatedUser {
    /// The account.
    pub user: UserInfo,
    /// The temporary password, to hand to the person; it must be changed at the first login.
    pub temporary_password: String,
}

/// A new temporary password (shown once).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct TemporaryPassword {
    /// The temporary password; it must be changed at the next login.
    pub temporary_password: String,
}

/// The units to open dossiers for.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenDossiers {
    /// Unit ids.
    pub units: Vec<String>,
}

/// The dossiers opened.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct Opened {
    /// Their ids (`<period>.<unit>`).
    pub dossiers: Vec<String>,
}

fn json<T: Serialize>(v: &T) -> AppResult<Value> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(format!("serialization: {e}")))
}

/// Create a unit.
#[utoipa::path(post, path = "/admin/units", tag = "admin", operation_id = "create_unit",
    request_body = NewUnit,
    responses((status = 201, description = "Created", body = UnitInfo),
              (status = 400, description = "Bad input", body = ErrorBody),
              (status = 403, description = "Not an administrator", body = ErrorBody),
              (status = 404, description = "The parent does not exist", body = ErrorBody),
              (status = 409, description = "The id is taken", body = ErrorBody)))]
pub async fn create_unit(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    AppJson(req): AppJson<NewUnit>,
) -> AppResult<(StatusCode, AppJson<UnitInfo>)> {
    let u = admin::create_unit(&state, req).await?;
    Ok((StatusCode::CREATED, AppJson(UnitInfo::from(&u))))
}

/// Change a unit (code, name, kind, parent).
#[utoipa::path(put, path = "/admin/units/{unit_id}", tag = "admin", operation_id = "update_unit",
    params(("unit_id" = String, Path, description = "The unit's id")),
    request_body = UnitChange,
    responses((status = 200, description = "Changed", body = UnitInfo),
              (status = 400, description = "Bad input", body = ErrorBody),
              (status = 403, description = "Not an administrator", body = ErrorBody),
              (status = 404, description = "No such unit or parent", body = ErrorBody)))]
pub async fn update_unit(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    AppPath(unit_id): AppPath<String>,
    AppJson(req): AppJson<UnitChange>,
) -> AppResult<AppJson<UnitInfo>> {
    let u = admin::update_unit(&state, unit_id, req).await?;
    Ok(AppJson(UnitInfo::from(&u)))
}

/// Every account.
#[utoipa::path(get, path = "/admin/users", tag = "admin", operation_id = "list_users",
    responses((status = 200, description = "The accounts", body = Vec<UserInfo>),
              (status = 403, description = "Not an administrator", body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
) -> AppResult<AppJson<Vec<UserInfo>>> {
    let list = state.db.run(|db| db.read(users::list)).await?;
    Ok(AppJson(list.iter().map(|u| u.info()).collect()))
}

/// Create an account; its temporary password is returned once.
#[utoipa::path(post, path = "/admin/users", tag = "admin", operation_id = "create_user",
    request_body = NewUser,
    responses((status = 201, description = "Created", body = CreatedUser),
              (status = 400, description = "Bad input", body = ErrorBody),
              (status = 403, description = "Not an administrator", body = ErrorBody),
              (status = 404, description = "No such unit", body = ErrorBody),
              (status = 409, description = "The account name is taken", body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    AppJson(req): AppJson<NewUser>,
) -> AppResult<(StatusCode, AppJson<CreatedUser>)> {
    let (u, temp) = admin::create_user(&state, req, None).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(CreatedUser {
            user: u.info(),
            temporary_password: temp.unwrap_or_default(),
        }),
    ))
}

/// One account.
#[utoipa::path(get, path = "/admin/users/{login}", tag = "admin", operation_id = "get_user",
    params(("login" = String, Path, description = "The account name")),
    responses((status = 200, description = "The account", body = UserInfo),
              (status = 403, description = "Not an administrator", body = ErrorBody),
              (status = 404, description = "No such account", body = ErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    AppPath(login): AppPath<String>,
) -> AppResult<AppJson<UserInfo>> {
    let u = state
        .db
        .run(move |db| {
            db.read(|tx| users::get(tx, &login)?.ok_or_else(|| AppError::not_found("user", &login)))
        })
        .await?;
    Ok(AppJson(u.info()))
}

/// Change an account: name, contact, role, unit, disabled (its sessions and tokens end).
#[utoipa::path(patch, path = "/admin/users/{login}", tag = "admin", operation_id = "update_user",
    params(("login" = String, Path, description = "The account name")),
    request_body = UserChange,
    responses((status = 200, description = "Changed", body = UserInfo),
              (status = 400, description = "Bad input", body = ErrorBody),
              (status = 403, description = "Not an administrator, or one's own role or account", body = ErrorBody),
              (status = 404, description = "No such account or unit", body = ErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    AdminUser(a): AdminUser,
    AppPath(login): AppPath<String>,
    AppJson(req): AppJson<UserChange>,
) -> AppResult<AppJson<UserInfo>> {
    let u = admin::update_user(&state, &a.user, login, req).await?;
    Ok(AppJson(u.info()))
}

/// Reset an account's password to a temporary one (returned once); its sessions end.
#[utoipa::path(post, path = "/admin/users/{login}/reset-password", tag = "admin", operation_id = "reset_password",
    params(("login" = String, Path, description = "The account name")),
    responses((status = 200, description = "Reset", body = TemporaryPassword),
              (status = 403, description = "Not an administrator", body = ErrorBody),
              (status = 404, description = "No such account", body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    AdminUser(a): AdminUser,
    AppPath(login): AppPath<String>,
) -> AppResult<AppJson<TemporaryPassword>> {
    let temporary_password = admin::reset_password(&state, &a.user, login).await?;
    Ok(AppJson(TemporaryPassword { temporary_password }))
}

/// Import a criteria set: the JSON document (`application/json`), the compact TOML form
/// (`application/toml`) or an Excel workbook
/// (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`, see the template).
/// Every problem is listed, with its sheet, row and code for a workbook.
#[utoipa::path(post, path = "/admin/criteria-sets", tag = "admin", operation_id = "import_criteria_set",
    request_body(content(
        (Object = "application/json"),
        (String = "application/toml"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
        description = "The criteria set"),
    responses((status = 201, description = "Imported", body = SetInfo),
              (status = 403, description = "Not an administrator", body = ErrorBody),
              (status = 409, description = "This id and revision exist with other content", body = ErrorBody),
              (status = 413, description = "Too large", body = ErrorBody),
              (status = 415, description = "Not JSON, TOML or a workbook", body = ErrorBody),
              (status = 422, description = "The set has problems (`details.problems`)", body = ErrorBody)))]
pub async fn import_criteria_set(
    State(state): State<AppState>,
    AdminUser(a): AdminUser,
    req: Request,
) -> AppResult<(StatusCode, AppJson<SetInfo>)> {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let format = match ct
        .as_deref()
        .map(|c| c.split(';').next().unwrap_or("").trim())
    {
        Some("application/json") => SetFormat::Json,
        Some("application/toml" | "text/plain") => SetFormat::Toml,
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") => {
            SetFormat::Xlsx
        }
        _ => {
            return Err(AppError::UnsupportedMediaType(
                "send application/json, application/toml or an .xlsx workbook".into(),
            ));
        }
    };
    let bytes = read_body(req, state.config.import_limit as usize).await?;
    let info = admin::import_set(&state, &a.user, format, bytes.to_vec()).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(SetInfo {
            id: info.id,
            revision: info.revision,
            name: info.name,
        }),
    ))
}

/// The criteria-set workbook template, filled with the departments' example set.
pub async fn template_response() -> AppResult<Response> {
    let bytes = tokio::task::spawn_blocking(crate::admin::xlsx::template).await??;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"bo-chi-tieu-mau.xlsx\"",
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                crate::security::DOWNLOAD_CSP,
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Download the workbook template, filled with an example criteria set.
#[utoipa::path(get, path = "/admin/criteria-sets/template.xlsx", tag = "admin", operation_id = "criteria_set_template",
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, description = "Not an administrator", body = ErrorBody)))]
pub async fn criteria_set_template(AdminUser(_): AdminUser) -> AppResult<Response> {
    template_response().await
}

/// Create a period with its criteria sets (one per kind of unit) and deadline.
#[utoipa::path(post, path = "/admin/periods", tag = "admin", operation_id = "create_period",
    request_body = NewPeriod,
    responses((status = 201, description = "Created (`chamdiem.period`)", body = Object),
              (status = 400, description = "Bad input", body = ErrorBody),
              (status = 403, description = "Not an administrator", body = ErrorBody),
              (status = 404, description = "No such unit or criteria set", body = ErrorBody),
              (status = 409, description = "The id is taken", body = ErrorBody)))]
pub async fn create_period(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    AppJson(req): AppJson<NewPeriod>,
) -> AppResult<(StatusCode, AppJson<Value>)> {
    let p = admin::create_period(&state, req).await?;
    Ok((StatusCode::CREATED, AppJson(json(&p)?)))
}

/// Change a period's name or self-assessment deadline (for dossiers opened afterwards).
#[utoipa::path(patch, path = "/admin/periods/{period_id}", tag = "admin", operation_id = "update_period",
    params(("period_id" = String, Path, description = "The period's id")),
    request_body = PeriodChange,
    responses((status = 200, description = "Changed (`chamdiem.period`)", body = Object),
              (status = 400, description = "Bad input", body = ErrorBody),
              (status = 403, description = "Not an administrator", body = ErrorBody),
              (status = 404, description = "No such period", body = ErrorBody)))]
pub async fn update_period(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    AppPath(period_id): AppPath<String>,
    AppJson(req): AppJson<PeriodChange>,
) -> AppResult<AppJson<Value>> {
    let p = admin::update_period(&state, period_id, req).await?;
    Ok(AppJson(json(&p)?))
}

/// Open the dossiers of chosen units in a period.
#[utoipa::path(post, path = "/admin/periods/{period_id}/dossiers", tag = "admin", operation_id = "open_dossiers",
    params(("period_id" = String, Path, description = "The period's id")),
    request_body = OpenDossiers,
    responses((status = 201, description = "Opened", body = Opened),
              (status = 400, description = "Bad input, or no criteria set for a unit's kind", body = ErrorBody),
              (status = 403, description = "Not an administrator", body = ErrorBody),
              (status = 404, description = "No such period or unit", body = ErrorBody),
              (status = 409, description = "A unit already has a dossier in the period", body = ErrorBody)))]
pub async fn open_dossiers(
    State(state): State<AppState>,
    AdminUser(a): AdminUser,
    AppPath(period_id): AppPath<String>,
    AppJson(req): AppJson<OpenDossiers>,
) -> AppResult<(StatusCode, AppJson<Opened>)> {
    let dossiers = admin::open_dossiers(&state, &a.user, period_id, req.units).await?;
    Ok((StatusCode::CREATED, AppJson(Opened { dossiers })))
}
