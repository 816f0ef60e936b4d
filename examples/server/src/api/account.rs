//! Account routes: log in and out, the account's settings, the password, personal API tokens.

use crate::app::AppState;
use crate::auth::{self, AnyUser, ClientAddr, session};
use crate::db::tokens::{self, TokenInfo};
use crate::db::users::{self, UserInfo};
use crate::error::{AppError, AppJson, AppPath, AppResult, ErrorBody};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(get_me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(delete_token))
}

/// Log in with an account name and a password.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account name.
    pub login: String,
    /// The password.
    pub password: String,
}

/// A successful login.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct LoginResponse {
    /// The account.
    pub user: UserInfo,
    /// The session's CSRF token: send it as `X-CSRF-Token` on state-changing requests.
    pub csrf_token: String,
}

/// The account's own settings (absent fields are left as they are).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    /// The person's name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

/// A password change.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The current password.
    pub current_password: String,
    /// The new password: 8 to 1024 characters, no other rule.
    pub new_password: String,
}

/// A new personal API token.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// A name to recognise it by.
    pub name: String,
    /// Days until it ends (absent: it does not end).
    pub expires_in_days: Option<u32>,
}

/// A token just created: the secret is shown this once.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CreatedToken {
    /// The token's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The secret: `Authorization: Bearer <token>`.
    pub token: String,
    /// When it ends (RFC 3339).
    pub expires_at: Option<String>,
}

/// The account, with the session's CSRF token.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct Me {
    /// The account.
    pub user: UserInfo,
    /// The session's CSRF token (empty with an API token).
    pub csrf_token: String,
}

/// Checks the length of a settings field.
pub fn check_field(name: &str, value: &str, max: usize) -> AppResult<()> {
    if value.chars().count() > max {
        return Err(AppError::invalid(
            name,
            format!("{name} has at most {max} characters"),
        ));
    }
    Ok(())
}

/// Log in: a new session cookie and its CSRF token. Unknown accounts, wrong passwords and
/// disabled accounts get the same answer; too many failures get 429 with `Retry-After`.
#[utoipa::path(post, path = "/auth/login", tag = "account", operation_id = "login", security(()),
    request_body = LoginRequest,
    responses((status = 200, description = "Logged in; the session cookie is set", body = LoginResponse),
              (status = 401, description = "Wrong account name or password", body = ErrorBody),
              (status = 429, description = "Too many failed logins", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    AppJson(req): AppJson<LoginRequest>,
) -> AppResult<Response> {
    let old = session::cookie_value(&headers, state.config.cookie_name());
    let done = auth::login(&state, client, &req.login, &req.password, old).await?;
    let body = LoginResponse {
        user: done.user.info(),
        csrf_token: done.csrf_token,
    };
    Ok((
        [(
            header::SET_COOKIE,
            session::set_cookie(&state.config, &done.cookie_token),
        )],
        AppJson(body),
    )
        .into_response())
}

/// Log out: the session ends on the server and the cookie is removed.
#[utoipa::path(post, path = "/auth/logout", tag = "account", operation_id = "logout",
    responses((status = 204, description = "Logged out"),
              (status = 401, description = "Not logged in", body = ErrorBody)))]
pub async fn logout(State(state): State<AppState>, AnyUser(a): AnyUser) -> AppResult<Response> {
    auth::logout(&state, &a).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session::clear_cookie(&state.config))],
    )
        .into_response())
}

/// The logged-in account.
#[utoipa::path(get, path = "/me", tag = "account", operation_id = "get_me",
    responses((status = 200, description = "The account", body = Me),
              (status = 401, description = "Not logged in", body = ErrorBody)))]
pub async fn get_me(AnyUser(a): AnyUser) -> AppJson<Me> {
    AppJson(Me {
        user: a.user.info(),
        csrf_token: a.csrf_token().to_owned(),
    })
}

/// Change the account's name, e-mail or phone ("Cài đặt tài khoản").
#[utoipa::path(patch, path = "/me", tag = "account", operation_id = "update_me",
    request_body = UpdateMe,
    responses((status = 200, description = "The account", body = Me),
              (status = 400, description = "Bad input", body = ErrorBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    AnyUser(a): AnyUser,
    AppJson(req): AppJson<UpdateMe>,
) -> AppResult<AppJson<Me>> {
    let user = update_profile(&state, &a.user.login, req).await?;
    Ok(AppJson(Me {
        user: user.info(),
        csrf_token: a.csrf_token().to_owned(),
    }))
}

/// Saves the account's own settings.
pub async fn update_profile(
    state: &AppState,
    login: &str,
    req: UpdateMe,
) -> AppResult<users::User> {
    if let Some(n) = &req.name {
        check_field("name", n, 200)?;
        if n.trim().is_empty() {
            return Err(AppError::invalid("name", "the name cannot be empty"));
        }
    }
    if let Some(e) = &req.email {
        check_field("email", e, 254)?;
        if !e.is_empty() && !e.contains('@') {
            return Err(AppError::invalid("email", "an e-mail address contains `@`"));
        }
    }
    if let Some(p) = &req.phone {
        check_field("phone", p, 32)?;
    }
    let login = login.to_owned();
    let now = state.now().as_millis();
    state
        .db
        .run(move |db| {
            db.write(|tx| {
                let mut u =
                    users::get(tx, &login)?.ok_or_else(|| AppError::not_found("user", &login))?;
                if let Some(n) = req.name {
                    u.name = n.trim().to_owned();
                }
                if let Some(e) = req.email {
                    u.email = e.trim().to_owned();
                }
                if let Some(p) = req.phone {
                    u.phone = p.trim().to_owned();
                }
                u.updated_at = now;
                users::update(tx, &u)?;
                Ok(u)
            })
        })
        .await
}

/// Change the password (the current one is needed). The account's other sessions end.
#[utoipa::path(post, path = "/me/password", tag = "account", operation_id = "change_password",
    request_body = ChangePassword,
    responses((status = 204, description = "Changed; other sessions ended"),
              (status = 400, description = "Wrong current password, or the new one is too short or too long", body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    AnyUser(a): AnyUser,
    AppJson(req): AppJson<ChangePassword>,
) -> AppResult<StatusCode> {
    auth::change_password(&state, &a, &req.current_password, &req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The account's personal API tokens.
#[utoipa::path(get, path = "/me/tokens", tag = "account", operation_id = "list_tokens",
    responses((status = 200, description = "The tokens (never their secrets)", body = Vec<TokenInfo>)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    crate::auth::CurrentUser(a): crate::auth::CurrentUser,
) -> AppResult<AppJson<Vec<TokenInfo>>> {
    let login = a.user.login.clone();
    Ok(AppJson(
        state
            .db
            .run(move |db| db.read(|tx| tokens::list(tx, &login)))
            .await?,
    ))
}

/// Create a personal API token for machine clients; its secret is shown once.
#[utoipa::path(post, path = "/me/tokens", tag = "account", operation_id = "create_token",
    request_body = CreateToken,
    responses((status = 201, description = "Created", body = CreatedToken),
              (status = 400, description = "Bad input", body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    crate::auth::CurrentUser(a): crate::auth::CurrentUser,
    AppJson(req): AppJson<CreateToken>,
) -> AppResult<(StatusCode, AppJson<CreatedToken>)> {
    let name = req.name.trim().to_owned();
    if name.is_empty() {
        return Err(AppError::invalid("name", "give the token a name"));
    }
    check_field("name", &name, 100)?;
    if req.expires_in_days == Some(0) || req.expires_in_days.is_some_and(|d| d > 3650) {
        return Err(AppError::invalid(
            "expires_in_days",
            "a token lasts 1 to 3650 days (or leave it out)",
        ));
    }
    let now = state.now().as_millis();
    let expires = req.expires_in_days.map(|d| now + i64::from(d) * 86_400_000);
    let id = auth::hex(&auth::random_bytes::<8>());
    let token = format!("cdt_{}", auth::random_token());
    let hash = auth::sha256_hex(&token);
    let (login, id2, name2) = (a.user.login.clone(), id.clone(), name.clone());
    state
        .db
        .run(move |db| db.write(|tx| tokens::insert(tx, &id2, &login, &name2, &hash, now, expires)))
        .await?;
    Ok((
        StatusCode::CREATED,
        AppJson(CreatedToken {
            id,
            name,
            token,
            expires_at: expires.map(|e| chamdiem::Timestamp::from_millis(e).to_rfc3339()),
        }),
    ))
}

/// Revoke one of the account's tokens.
#[utoipa::path(delete, path = "/me/tokens/{token_id}", tag = "account", operation_id = "delete_token",
    params(("token_id" = String, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked"),
              (status = 404, description = "No such token of this account", body = ErrorBody)))]
pub async fn delete_token(
    State(state): State<AppState>,
    crate::auth::CurrentUser(a): crate::auth::CurrentUser,
    AppPath(token_id): AppPath<String>,
) -> AppResult<StatusCode> {
    let login = a.user.login.clone();
    state
        .db
        .run(move |db| db.write(|tx| tokens::delete(tx, &login, &token_id)))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
