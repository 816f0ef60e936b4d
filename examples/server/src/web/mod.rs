//! The HTML pages: server-rendered with askama (templates checked at compile time), plain
//! forms that work without JavaScript, Vietnamese by default with an English switch
//! ([`i18n`]), every asset served by the server (`/static/…`).
//!
//! Page handlers return `Result<Response, PageError>`; the [`render_errors`] middleware turns
//! a [`PageError`] into an HTML error page in the visitor's language, or into a redirect to
//! the login page (not logged in) or to the account page (temporary password).

pub mod admin;
pub mod assets;
pub mod dashboard;
pub mod evidence;
pub mod i18n;
pub mod pages;
pub mod results;
pub mod scoring;
pub mod view;

use crate::app::AppState;
use crate::auth::Authenticated;
use crate::error::AppError;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use i18n::{Lang, Text};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

/// The pages' routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(pages::router())
        .merge(scoring::router())
        .merge(results::router())
        .merge(dashboard::router())
        .merge(evidence::router())
        .merge(assets::router())
        .merge(admin::router())
        .layer(axum::middleware::from_fn(render_errors))
}

/// The visitor's language (cookie `chamdiem_lang`; Vietnamese by default).
pub fn lang_of(headers: &HeaderMap) -> Lang {
    crate::auth::session::cookie_value(headers, "chamdiem_lang")
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

/// The visitor's language, as an extractor.
#[derive(Debug, Clone, Copy)]
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(lang_of(&parts.headers)))
    }
}

/// The signed-in user as the layout shows it.
#[derive(Debug, Clone)]
pub struct UserCtx {
    /// Account name.
    pub login: String,
    /// Name.
    pub name: String,
    /// Role, in words.
    pub role: &'static str,
    /// Whether the user is an administrator (the admin menu).
    pub is_admin: bool,
    /// Whether the user is a member of an assessed unit (the self-assessment menus).
    pub is_unit: bool,
}

/// What the base layout needs.
#[derive(Debug, Clone)]
pub struct Base {
    /// The words.
    pub t: &'static Text,
    /// `vi` or `en`.
    pub lang: &'static str,
    /// The user, if signed in.
    pub user: Option<UserCtx>,
    /// The session's CSRF token (empty when not signed in).
    pub csrf: String,
    /// The page's path (for the language switch).
    pub path: String,
}

impl Base {
    /// The layout's context.
    pub fn new(lang: Lang, auth: Option<&Authenticated>, path: &str) -> Base {
        Base {
            t: lang.text(),
            lang: lang.code(),
            user: auth.map(|a| UserCtx {
                login: a.user.login.clone(),
                name: a.user.name.clone(),
                role: lang.role(a.user.role),
                is_admin: a.user.role == chamdiem::Role::Admin,
                is_unit: a.user.role == chamdiem::Role::Unit,
            }),
            csrf: a_csrf(auth),
            path: path.to_owned(),
        }
    }
}

fn a_csrf(auth: Option<&Authenticated>) -> String {
    auth.map(|a| a.csrf_token().to_owned()).unwrap_or_default()
}

/// Renders a template into a response.
pub fn render<T: Template>(t: &T) -> Result<Response, PageError> {
    t.render()
        .map(|html| Html(html).into_response())
        .map_err(|e| PageError(AppError::Internal(format!("template: {e}"))))
}

/// An error of a page handler (rendered by [`render_errors`]).
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl From<chamdiem::Error> for PageError {
    fn from(e: chamdiem::Error) -> Self {
        PageError(AppError::Core(e))
    }
}

impl From<FormRejection> for PageError {
    fn from(r: FormRejection) -> Self {
        PageError(r.into())
    }
}

struct Pending(AppError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log();
        let mut res = self.0.status().into_response();
        res.extensions_mut()
            .insert(Arc::new(std::sync::Mutex::new(Some(Pending(self.0)))));
        res
    }
}

type PendingSlot = Arc<std::sync::Mutex<Option<Pending>>>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    base: Base,
    status: u16,
    message: String,
    back: Option<String>,
}

/// An error's message in the page's language: the server's own words for the stable codes,
/// the core's message (English) after them where it adds the detail.
pub fn message_of(err: &AppError, lang: Lang) -> String {
    let t = lang.text();
    let detail = |vi: &str| -> String {
        if lang == Lang::En {
            err.to_string()
        } else {
            vi.to_owned()
        }
    };
    match err {
        AppError::Upload(u) => u.message(lang),
        AppError::Core(e) => match e {
            chamdiem::Error::NotFound { .. } => t.not_found.to_owned(),
            chamdiem::Error::Forbidden { .. } => t.forbidden.to_owned(),
            chamdiem::Error::WrongState { state, .. } => {
                format!("{} ({})", t.err_wrong_state, lang.state(*state))
            }
            chamdiem::Error::DeadlinePassed { deadline, .. } => {
                format!("{} {}", t.err_deadline, view::local_time(*deadline))
            }
            chamdiem::Error::VersionConflict { .. } => detail(t.err_conflict),
            chamdiem::Error::GuardFailed { missing, .. } => {
                let items: Vec<&str> = missing
                    .iter()
                    .map(|m| i18n::missing(lang, m.code))
                    .collect();
                format!("{} {}", t.err_guard, items.join("; "))
            }
            chamdiem::Error::ValueOutOfRange { criterion, .. } => {
                format!("{} {criterion}: {}", t.criterion, detail(t.err_range))
            }
            chamdiem::Error::UnknownCase { criterion, .. } => {
                format!("{} {criterion}: {}", t.criterion, detail(t.err_case))
            }
            chamdiem::Error::InvalidInput { .. } if lang == Lang::Vi => {
                format!("{} ({e})", t.err_input)
            }
            _ => err.to_string(),
        },
        AppError::Csrf(_) => t.csrf.to_owned(),
        e if e.status().is_server_error() => e.body().message,
        e => e.to_string(),
    }
}

/// An error page with a message already in the page's language, and a way back.
pub fn error_page_with(
    lang: Lang,
    auth: Option<&Authenticated>,
    status: StatusCode,
    message: String,
    back: Option<String>,
) -> Response {
    let page = ErrorPage {
        base: Base::new(lang, auth, back.as_deref().unwrap_or("/")),
        status: status.as_u16(),
        message,
        back,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

/// The HTML page of an error (CSRF refusals, unknown pages, failed page handlers).
pub fn error_response(headers: &HeaderMap, err: AppError) -> Response {
    error_page(lang_of(headers), None, "/", err)
}

fn error_page(lang: Lang, auth: Option<&Authenticated>, path: &str, err: AppError) -> Response {
    let status = err.status();
    let message = message_of(&err, lang);
    let page = ErrorPage {
        base: Base::new(lang, auth, path),
        status: status.as_u16(),
        message,
        back: None,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

/// Turns page errors into HTML pages or redirects.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let auth = req.extensions().get::<Arc<Authenticated>>().cloned();
    let mut res = next.run(req).await;
    let Some(slot) = res.extensions_mut().remove::<PendingSlot>() else {
        return res;
    };
    let Some(Pending(err)) = slot.lock().ok().and_then(|mut s| s.take()) else {
        return res;
    };
    match err {
        AppError::Unauthenticated => {
            let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
            Redirect::to(&format!("/login?next={next}")).into_response()
        }
        AppError::PasswordChangeRequired => Redirect::to("/account").into_response(),
        err => error_page(lang, auth.as_deref(), &path, err),
    }
}

fn page_auth(parts: &Parts) -> Option<Arc<Authenticated>> {
    parts.extensions.get::<Arc<Authenticated>>().cloned()
}

/// A signed-in user on a page (else: to the login page; with a temporary password: to the
/// account page).
#[derive(Debug, Clone)]
pub struct PageUser(pub Arc<Authenticated>);

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, PageError> {
        let a = page_auth(parts).ok_or(PageError(AppError::Unauthenticated))?;
        if a.user.must_change_password {
            return Err(PageError(AppError::PasswordChangeRequired));
        }
        Ok(PageUser(a))
    }
}

/// A signed-in user, even with a temporary password (the account page).
#[derive(Debug, Clone)]
pub struct PageAnyUser(pub Arc<Authenticated>);

impl<S: Send + Sync> FromRequestParts<S> for PageAnyUser {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, PageError> {
        Ok(PageAnyUser(
            page_auth(parts).ok_or(PageError(AppError::Unauthenticated))?,
        ))
    }
}

/// An administrator on a page.
#[derive(Debug, Clone)]
pub struct PageAdmin(pub Arc<Authenticated>);

impl<S: Send + Sync> FromRequestParts<S> for PageAdmin {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, PageError> {
        let PageUser(a) = PageUser::from_request_parts(parts, s).await?;
        if a.user.role != chamdiem::Role::Admin {
            return Err(PageError(AppError::forbidden(
                "only administrators may do this",
            )));
        }
        Ok(PageAdmin(a))
    }
}

/// `axum::Form` whose rejections are page errors.
#[derive(Debug, Clone, FromRequest)]
#[from_request(via(axum::Form), rejection(PageError))]
pub struct PageForm<T>(pub T);

/// A redirect after a successful form (303 See Other).
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// Only local paths are followed after login (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}
