//! Who is asking: sessions (cookie) and personal API tokens (`Authorization: Bearer`),
//! passwords, CSRF protection and login throttling.
//!
//! The [`authenticate`] middleware runs on every request: it reads the bearer token or the
//! session cookie, loads the account from the database (so a disabled account or a changed
//! role takes effect at once) and puts an [`Authenticated`] into the request's extensions.
//! Handlers take it with the [`CurrentUser`], [`AnyUser`] or [`AdminUser`] extractors; the
//! core's [`chamdiem::Actor`] is [`Authenticated::actor`]. The server decides who the actor
//! is; the core decides what the actor may do.

pub mod csrf;
pub mod password;
pub mod session;
pub mod throttle;

use crate::app::AppState;
use crate::db::users::{self, User};
use crate::db::{sessions, tokens};
use crate::error::{AppError, AppResult};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// `N` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source");
    b
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(H[(b >> 4) as usize] as char);
        s.push(H[(b & 15) as usize] as char);
    }
    s
}

/// A random 256-bit token, hex (session ids, CSRF tokens, API token secrets).
pub fn random_token() -> String {
    hex(&random_bytes::<32>())
}

/// SHA-256, hex.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// How the request was authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A session cookie; state-changing requests need the session's CSRF token.
    Session {
        /// SHA-256 of the cookie's token.
        id_hash: String,
        /// The session's CSRF token.
        csrf_token: String,
    },
    /// A personal API token (not cookie-based: no CSRF token needed).
    Token {
        /// The token's id.
        id: String,
    },
}

/// The account behind a request.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The account, as stored now.
    pub user: User,
    /// How it was authenticated.
    pub via: Via,
}

impl Authenticated {
    /// The core's actor.
    pub fn actor(&self) -> chamdiem::Actor {
        self.user.actor()
    }

    /// The session's CSRF token (empty for API tokens).
    pub fn csrf_token(&self) -> &str {
        match &self.via {
            Via::Session { csrf_token, .. } => csrf_token,
            Via::Token { .. } => "",
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The middleware that finds the account behind a request (see the module's documentation).
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    match find(&state, req.headers()).await {
        Ok(Some(a)) => {
            req.extensions_mut().insert(Arc::new(a));
        }
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    next.run(req).await
}

async fn find(state: &AppState, headers: &HeaderMap) -> AppResult<Option<Authenticated>> {
    let now = state.now().as_millis();
    if let Some(token) = bearer(headers) {
        let hash = sha256_hex(&token);
        let found = state
            .db
            .run(move |db| db.write(|tx| tokens::authenticate(tx, &hash, now)))
            .await?;
        return match found {
            Some((id, user)) if !user.disabled => Ok(Some(Authenticated {
                user,
                via: Via::Token { id },
            })),
            // A token that does not work is an error, not an anonymous request.
            _ => Err(AppError::Unauthenticated),
        };
    }
    let Some(cookie) = session::cookie_value(headers, state.config.cookie_name()) else {
        return Ok(None);
    };
    let id_hash = sha256_hex(&cookie);
    let idle = state.config.session_idle.as_millis() as i64;
    state
        .db
        .run(move |db| {
            let Some((s, user)) = db.read(|tx| sessions::get(tx, &id_hash))? else {
                return Ok(None);
            };
            if s.expires_at <= now || s.last_seen_at + idle <= now || user.disabled {
                db.write(|tx| sessions::delete(tx, &id_hash))?;
                return Ok(None);
            }
            if now - s.last_seen_at >= 60_000 {
                db.write(|tx| sessions::touch(tx, &id_hash, now))?;
            }
            Ok(Some(Authenticated {
                user,
                via: Via::Session {
                    id_hash,
                    csrf_token: s.csrf_token,
                },
            }))
        })
        .await
}

fn authenticated(parts: &Parts) -> AppResult<Arc<Authenticated>> {
    parts
        .extensions
        .get::<Arc<Authenticated>>()
        .cloned()
        .ok_or(AppError::Unauthenticated)
}

/// A logged-in user who may act (not one who must first change a temporary password).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Arc<Authenticated>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> AppResult<Self> {
        let a = authenticated(parts)?;
        if a.user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(CurrentUser(a))
    }
}

/// A logged-in user, even one who must change a temporary password (account routes).
#[derive(Debug, Clone)]
pub struct AnyUser(pub Arc<Authenticated>);

impl<S: Send + Sync> FromRequestParts<S> for AnyUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> AppResult<Self> {
        Ok(AnyUser(authenticated(parts)?))
    }
}

/// An administrator.
#[derive(Debug, Clone)]
pub struct AdminUser(pub Arc<Authenticated>);

impl<S: Send + Sync> FromRequestParts<S> for AdminUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> AppResult<Self> {
        let CurrentUser(a) = CurrentUser::from_request_parts(parts, s).await?;
        if a.user.role != chamdiem::Role::Admin {
            return Err(AppError::forbidden("only administrators may do this"));
        }
        Ok(AdminUser(a))
    }
}

/// The client's address: the connection's peer, or — when the peer is a trusted proxy — the
/// last address in `X-Forwarded-For` that is not a trusted proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let trusted = &state.config.trusted_proxies;
        if !trusted.contains(&peer) {
            return Ok(ClientAddr(peer));
        }
        let forwarded: Vec<IpAddr> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        Ok(ClientAddr(
            forwarded
                .into_iter()
                .rev()
                .find(|ip| !trusted.contains(ip))
                .unwrap_or(peer),
        ))
    }
}

/// A new session made by a successful login.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The account.
    pub user: User,
    /// The cookie's value (shown to the browser only).
    pub cookie_token: String,
    /// The session's CSRF token.
    pub csrf_token: String,
}

/// Logs in: throttling checks, the password check (a dummy hash for unknown accounts), a new
/// session (the old one, if the browser had one, is ended). Unknown accounts, wrong
/// passwords and disabled accounts all fail alike with [`AppError::BadCredentials`].
pub async fn login(
    state: &AppState,
    client: IpAddr,
    login: &str,
    password: &str,
    old_cookie: Option<String>,
) -> AppResult<LoggedIn> {
    let account: String = users::normalize_login(login).chars().take(128).collect();
    let now = state.now().as_millis();
    let exempt = state.config.throttle_exempt.contains(&client);
    if !exempt {
        state.limiter.check(client, now)?;
    }
    let acc = account.clone();
    let user = state
        .db
        .run(move |db| {
            throttle::check_account(db, &acc, now)?;
            db.read(|tx| users::get(tx, &acc))
        })
        .await?;
    let ok = state
        .passwords
        .verify(
            password.to_owned(),
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await?;
    let free = state.config.account_free_failures;
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        _ => {
            if !exempt {
                state.limiter.fail(client, now);
            }
            let acc = account.clone();
            state
                .db
                .run(move |db| throttle::fail_account(db, &acc, now, free))
                .await?;
            tracing::info!(target: "chamdiem_server::security::login", %client, "failed login");
            return Err(AppError::BadCredentials);
        }
    };
    let cookie_token = random_token();
    let csrf_token = random_token();
    let session = sessions::Session {
        id_hash: sha256_hex(&cookie_token),
        login: user.login.clone(),
        csrf_token: csrf_token.clone(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + state.config.session_lifetime.as_millis() as i64,
    };
    let old = old_cookie.map(|c| sha256_hex(&c));
    state
        .db
        .run(move |db| {
            throttle::succeed_account(db, &account)?;
            db.write(|tx| {
                if let Some(old) = &old {
                    sessions::delete(tx, old)?;
                }
                sessions::insert(tx, &session)
            })
        })
        .await?;
    tracing::info!(target: "chamdiem_server::security::login", login = %user.login, "logged in");
    Ok(LoggedIn {
        user,
        cookie_token,
        csrf_token,
    })
}

/// Ends the request's session (nothing for API tokens).
pub async fn logout(state: &AppState, auth: &Authenticated) -> AppResult<()> {
    if let Via::Session { id_hash, .. } = &auth.via {
        let id = id_hash.clone();
        state
            .db
            .run(move |db| db.write(|tx| sessions::delete(tx, &id)))
            .await?;
    }
    Ok(())
}

/// Changes the password after checking the current one; ends the account's other sessions.
pub async fn change_password(
    state: &AppState,
    auth: &Authenticated,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let ok = state
        .passwords
        .verify(current.to_owned(), Some(auth.user.password_hash.clone()))
        .await?;
    if !ok {
        return Err(AppError::invalid(
            "current_password",
            "the current password is not correct",
        ));
    }
    password::check_policy(new)?;
    let hash = state.passwords.hash(new.to_owned()).await?;
    let login = auth.user.login.clone();
    let keep = match &auth.via {
        Via::Session { id_hash, .. } => Some(id_hash.clone()),
        Via::Token { .. } => None,
    };
    let now = state.now().as_millis();
    state
        .db
        .run(move |db| {
            db.write(|tx| {
                let mut u =
                    users::get(tx, &login)?.ok_or_else(|| AppError::not_found("user", &login))?;
                u.password_hash = hash;
                u.must_change_password = false;
                u.updated_at = now;
                users::update(tx, &u)?;
                sessions::delete_for_user(tx, &login, keep.as_deref())?;
                Ok(())
            })
        })
        .await?;
    tracing::info!(target: "chamdiem_server::security::login", login = %auth.user.login, "password changed; other sessions ended");
    Ok(())
}
