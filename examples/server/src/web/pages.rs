//! The account pages (manual §2: "Đăng nhập", "Cài đặt tài khoản", "Đăng xuất"), the start
//! page with the dossiers in the user's scope, a dossier's summary page, the language
//! switch and the static assets.

use super::i18n::Lang;
use super::{
    Base, PageAnyUser, PageError, PageForm, PageLang, PageUser, render, safe_next, see_other,
};
use crate::api::dossiers::{DossierFilter, DossierItem, list_for};
use crate::app::AppState;
use crate::auth::{self, ClientAddr, session};
use crate::error::AppError;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login_page, login_submit))
        .routes(routes!(logout_submit))
        .routes(routes!(home))
        .routes(routes!(account_page, account_submit))
        .routes(routes!(password_submit))
        .routes(routes!(language_submit))
        .routes(routes!(dossier_page))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    base: Base,
    error: Option<String>,
    next: String,
    login: String,
}

/// Where to go after logging in.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NextQuery {
    /// A local path.
    pub next: Option<String>,
}

/// The login page ("Đăng nhập").
#[utoipa::path(get, path = "/login", tag = "pages", operation_id = "page_login", security(()),
    params(NextQuery),
    responses((status = 200, description = "The login form", content_type = "text/html")))]
pub async fn login_page(
    PageLang(lang): PageLang,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    render(&LoginPage {
        base: Base::new(lang, None, "/login"),
        error: None,
        next: safe_next(q.next.as_deref()),
        login: String::new(),
    })
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
}

/// Logs in from the form; on failure the form again, with the same message for every cause.
#[utoipa::path(post, path = "/login", tag = "pages", operation_id = "page_login_submit", security(()),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "login, password, next"),
    responses((status = 303, description = "Logged in: to `next` or the start page"),
              (status = 401, description = "The form again, with an error", content_type = "text/html"),
              (status = 429, description = "The form again: too many failures", content_type = "text/html")))]
pub async fn login_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PageForm(form): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let old = session::cookie_value(&headers, state.config.cookie_name());
    let next = safe_next(form.next.as_deref());
    match auth::login(&state, client, &form.login, &form.password, old).await {
        Ok(done) => {
            let to = if done.user.must_change_password {
                "/account".to_owned()
            } else {
                next
            };
            let mut res = see_other(&to);
            res.headers_mut().insert(
                header::SET_COOKIE,
                session::set_cookie(&state.config, &done.cookie_token),
            );
            Ok(res)
        }
        Err(e @ (AppError::BadCredentials | AppError::RateLimited { .. })) => {
            let t = lang.text();
            let message = match &e {
                AppError::RateLimited { retry_after } => format!("{} {retry_after}", t.too_many),
                _ => t.bad_credentials.to_owned(),
            };
            let mut res = render(&LoginPage {
                base: Base::new(lang, None, "/login"),
                error: Some(message),
                next,
                login: form.login.chars().take(128).collect(),
            })?;
            *res.status_mut() = e.status();
            if let AppError::RateLimited { retry_after } = e
                && let Ok(v) = retry_after.to_string().parse()
            {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// Logs out ("Đăng xuất"): the session ends on the server.
#[utoipa::path(post, path = "/logout", tag = "pages", operation_id = "page_logout",
    responses((status = 303, description = "To the login page")))]
pub async fn logout_submit(
    State(state): State<AppState>,
    PageAnyUser(a): PageAnyUser,
) -> Result<Response, PageError> {
    auth::logout(&state, &a).await?;
    let mut res = see_other("/login");
    res.headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie(&state.config));
    Ok(res)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    base: Base,
    rows: Vec<DossierItem>,
}

/// The start page's filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HomeQuery {
    /// Only dossiers in this state.
    pub state: Option<String>,
    /// Only this period.
    pub period: Option<String>,
}

/// The start page: the dossiers in the user's scope.
#[utoipa::path(get, path = "/", tag = "pages", operation_id = "page_home",
    params(HomeQuery),
    responses((status = 200, description = "The dossiers", content_type = "text/html"),
              (status = 303, description = "Not logged in: to the login page")))]
pub async fn home(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Query(q): Query<HomeQuery>,
) -> Result<Response, PageError> {
    let actor = a.actor();
    let store = state.store.clone();
    let filter = DossierFilter {
        period: q.period,
        unit: None,
        state: q.state.filter(|s| chamdiem::State::parse(s).is_some()),
    };
    let mut rows = tokio::task::spawn_blocking(move || list_for(store.as_ref(), &actor, &filter))
        .await
        .map_err(AppError::from)??;
    for r in &mut rows {
        if let Some(s) = chamdiem::State::parse(&r.state) {
            r.state_label = lang.state(s).to_owned();
        }
    }
    render(&HomePage {
        base: Base::new(lang, Some(&a), "/"),
        rows,
    })
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    base: Base,
    must_change: bool,
    notice: Option<String>,
    error: Option<String>,
    login: String,
    role: &'static str,
    unit: String,
    name: String,
    email: String,
    phone: String,
}

fn account_page_of(
    lang: Lang,
    a: &auth::Authenticated,
    user: &crate::db::users::User,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    render(&AccountPage {
        base: Base::new(lang, Some(a), "/account"),
        must_change: user.must_change_password,
        notice,
        error,
        login: user.login.clone(),
        role: lang.role(user.role),
        unit: user.unit.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        phone: user.phone.clone(),
    })
}

/// Account settings ("Cài đặt tài khoản"): name, e-mail, phone, and the password.
#[utoipa::path(get, path = "/account", tag = "pages", operation_id = "page_account",
    responses((status = 200, description = "The settings", content_type = "text/html")))]
pub async fn account_page(
    PageLang(lang): PageLang,
    PageAnyUser(a): PageAnyUser,
) -> Result<Response, PageError> {
    account_page_of(lang, &a, &a.user, None, None)
}

/// The settings form.
#[derive(Debug, Deserialize)]
pub struct AccountForm {
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

/// Saves the settings ("Lưu").
#[utoipa::path(post, path = "/account", tag = "pages", operation_id = "page_account_submit",
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf, name, email, phone"),
    responses((status = 200, description = "The settings, saved or with an error", content_type = "text/html")))]
pub async fn account_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAnyUser(a): PageAnyUser,
    PageForm(f): PageForm<AccountForm>,
) -> Result<Response, PageError> {
    let req = crate::api::account::UpdateMe {
        name: Some(f.name),
        email: Some(f.email),
        phone: Some(f.phone),
    };
    match crate::api::account::update_profile(&state, &a.user.login, req).await {
        Ok(u) => account_page_of(lang, &a, &u, Some(lang.text().saved.into()), None),
        Err(e @ AppError::Core(chamdiem::Error::InvalidInput { .. })) => {
            account_page_of(lang, &a, &a.user, None, Some(e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// Changes the password (the current one is needed); other sessions end.
#[utoipa::path(post, path = "/account/password", tag = "pages", operation_id = "page_password_submit",
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf, current_password, new_password"),
    responses((status = 200, description = "The settings page with the outcome", content_type = "text/html")))]
pub async fn password_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageAnyUser(a): PageAnyUser,
    PageForm(f): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    match auth::change_password(&state, &a, &f.current_password, &f.new_password).await {
        Ok(()) => {
            let mut user = a.user.clone();
            user.must_change_password = false;
            account_page_of(
                lang,
                &a,
                &user,
                Some(lang.text().password_changed.into()),
                None,
            )
        }
        Err(e @ AppError::Core(chamdiem::Error::InvalidInput { .. })) => {
            account_page_of(lang, &a, &a.user, None, Some(e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The language form.
#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// Switches the pages' language (a cookie).
#[utoipa::path(post, path = "/language", tag = "pages", operation_id = "page_language", security(()),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "lang (vi or en), next, csrf"),
    responses((status = 303, description = "Back to the page")))]
pub async fn language_submit(
    State(state): State<AppState>,
    PageForm(f): PageForm<LanguageForm>,
) -> Result<Response, PageError> {
    let lang = Lang::parse(&f.lang).ok_or_else(|| AppError::invalid("lang", "use vi or en"))?;
    let mut res = see_other(&safe_next(f.next.as_deref()));
    res.headers_mut().insert(
        header::SET_COOKIE,
        session::language_cookie(&state.config, lang.code()),
    );
    Ok(res)
}

/// A row of the totals table.
struct GroupRow {
    code: String,
    title: String,
    max: String,
    self_points: String,
    review_points: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    base: Base,
    nav: super::view::DossierNav,
    version: u64,
    set_name: String,
    review_visible: bool,
    groups: Vec<GroupRow>,
    total: GroupRow,
    classification: Option<String>,
    commands: Vec<super::scoring::CommandLink>,
    history: Vec<super::results::HistoryRow>,
}

/// The dossier's overview query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// Set after a command: its name.
    pub done: Option<String>,
}

/// A dossier's overview: state, totals per top-level group, the commands the user could issue
/// now (or why not), the latest history, and the tabs to every screen of the dossier.
#[utoipa::path(get, path = "/dossiers/{dossier_id}", tag = "pages", operation_id = "page_dossier",
    params(("dossier_id" = String, Path, description = "The dossier's id"), OverviewQuery),
    responses((status = 200, description = "The dossier", content_type = "text/html"),
              (status = 404, description = "No such dossier in the user's scope", content_type = "text/html")))]
pub async fn dossier_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    axum::extract::Path(dossier_id): axum::extract::Path<String>,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, PageError> {
    use super::view::{self, DossierNav, Tab, pts};
    use chamdiem::CommandName;
    let l = view::load(&state, a.actor(), &dossier_id).await?;
    let results = &l.results;
    let row = |code: &str, title: &str, t: &chamdiem::scoring::Totals| GroupRow {
        code: code.into(),
        title: title.into(),
        max: pts(t.self_track.max),
        self_points: pts(t.self_track.points),
        review_points: t.review.as_ref().map(|r| pts(r.points)).unwrap_or_default(),
    };
    let groups = results
        .groups
        .iter()
        .filter(|g| g.depth == 0)
        .map(|g| row(&g.code, &g.title, &g.totals))
        .collect();
    let total = row("", "", &results.total);
    let users = state.db.run(|db| db.read(crate::db::users::list)).await?;
    let names = users.into_iter().map(|u| (u.login, u.name)).collect();
    let history = super::results::history_rows(&l, lang, &names, None)
        .into_iter()
        .take(10)
        .collect();
    let mut commands = match a.user.role {
        chamdiem::Role::Unit => super::scoring::command_links(
            &l,
            lang,
            &[
                CommandName::Submit,
                CommandName::Withdraw,
                CommandName::FinishExplanation,
            ],
        ),
        chamdiem::Role::Reviewer => {
            super::scoring::command_links(&l, lang, &super::scoring::REVIEW_COMMANDS)
        }
        chamdiem::Role::Admin => super::scoring::command_links(&l, lang, &[CommandName::Unlock]),
        chamdiem::Role::Viewer => Vec::new(),
    };
    for c in &mut commands {
        if c.href.ends_with("/confirm/submit") {
            c.href = format!("/dossiers/{dossier_id}/submit");
        } else if c.href.ends_with("/confirm/finish_explanation") {
            c.href = format!("/dossiers/{dossier_id}/explain?filter=requested");
        }
    }
    let mut nav = DossierNav::of(&l, lang, Tab::Overview);
    nav.notice = q.done.as_deref().and_then(CommandName::parse).map(|c| {
        format!(
            "{} {}",
            lang.text().done_prefix,
            super::i18n::command_label(lang, c)
        )
    });
    render(&DossierPage {
        base: Base::new(lang, Some(&a), &format!("/dossiers/{dossier_id}")),
        version: l.view.dossier.version(),
        set_name: l.set.name().to_owned(),
        review_visible: l.view.review_visible,
        groups,
        total,
        classification: results.classification.final_track.clone(),
        commands,
        history,
        nav,
    })
}
