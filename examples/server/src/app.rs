//! The application: its state and the router, built by [`app`] so tests call it with
//! `oneshot` and no socket.
//!
//! Every route is registered through `utoipa_axum`'s `OpenApiRouter` (in [`crate::api`] and
//! [`crate::web`]), so the OpenAPI document is generated from the same table as the router:
//! a route cannot exist without appearing in the document.

use crate::auth::password::Passwords;
use crate::auth::throttle::AddressLimiter;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::evidence::EvidenceStore;
use crate::evidence::kinds::AllowList;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use chamdiem::Timestamp;
use chamdiem::store::Store;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

/// What every handler shares.
pub struct Inner {
    /// The configuration.
    pub config: Config,
    /// The database (the core's store and the server's tables).
    pub db: Db,
    /// The core's store.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Password hashing.
    pub passwords: Passwords,
    /// The per-address login limit.
    pub limiter: AddressLimiter,
    /// Evidence files.
    pub evidence: EvidenceStore,
    /// The evidence types accepted.
    pub evidence_types: AllowList,
    /// Uploads received at once (`--upload-concurrency`); the others wait.
    pub upload_slots: tokio::sync::Semaphore,
    /// Declared last, so dropped last: holds the database until the other fields are gone.
    _last: OffRuntime,
}

/// Drops the database off the async runtime: the PostgreSQL store's synchronous clients block
/// on their own runtime when they close, which is refused inside another one.
struct OffRuntime(Option<Db>);

impl Drop for OffRuntime {
    fn drop(&mut self) {
        if let Some(db) = self.0.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            let _ = std::thread::spawn(move || drop(db)).join();
        }
    }
}

/// The application's state: cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// A state over an open database with a clock.
    pub fn new(config: Config, db: Db, clock: Arc<dyn Clock>) -> AppResult<Self> {
        let concurrent = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .clamp(2, 8);
        let limiter = AddressLimiter::new(config.login_burst, config.login_refill_secs);
        let evidence = EvidenceStore::open(&config)?;
        let evidence_types = AllowList::parse(&config.evidence_types)
            .map_err(|e| AppError::invalid("evidence_types", e))?;
        let upload_slots = tokio::sync::Semaphore::new(config.upload_concurrency.max(1));
        Ok(AppState(Arc::new(Inner {
            evidence,
            evidence_types,
            upload_slots,
            store: db.store(),
            _last: OffRuntime(Some(db.clone())),
            db,
            clock,
            passwords: Passwords::new(concurrent)?,
            limiter,
            config,
        })))
    }

    /// Opens the configured database with the system clock. Callable from async code: the
    /// database is opened on a thread of its own (the PostgreSQL client starts a runtime of
    /// its own, which may not happen on a thread that drives async tasks).
    pub fn open(config: Config) -> AppResult<Self> {
        let url = config.database();
        let db = std::thread::scope(|s| s.spawn(|| Db::open(&url)).join())
            .map_err(|_| AppError::Internal("opening the database panicked".into()))??;
        Self::new(config, db, Arc::new(SystemClock))
    }

    /// Now.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Runs blocking work with the core's store on a blocking thread.
    pub async fn store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> chamdiem::Result<T> + Send + 'static,
    ) -> AppResult<T> {
        let store = self.store.clone();
        Ok(tokio::task::spawn_blocking(move || f(store.as_ref())).await??)
    }
}

/// Every route, with its OpenAPI operation.
pub fn routes() -> OpenApiRouter<AppState> {
    timed_routes().merge(upload_routes())
}

/// The routes that answer within `--request-timeout-secs`.
fn timed_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(crate::api::router())
        .merge(crate::web::router())
}

/// The evidence uploads: no request timeout (100 MB on a slow line takes many minutes; the
/// upload has its own idle and total limits) and their own body limit.
fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(crate::api::evidence::upload_router())
        .merge(crate::web::evidence::upload_router())
}

/// The OpenAPI document, generated from [`routes`].
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = routes().split_for_parts();
    crate::api::decorate(doc)
}

/// The OpenAPI document as pretty JSON (what `examples/server/openapi.json` holds).
pub fn openapi_json() -> String {
    let mut s = openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes");
    s.push('\n');
    s
}

async fn not_found(req: Request) -> Response {
    let err = AppError::not_found("route", req.uri().path());
    if req.uri().path().starts_with("/api/") {
        err.into_response()
    } else {
        crate::web::error_response(req.headers(), err)
    }
}

/// The application's router with every layer: panic catching, tracing, security headers,
/// body limits, the timeout (not on uploads), authentication and CSRF protection.
pub fn app(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.request_timeout_secs.max(1));
    let upload_body = crate::evidence::upload::Limits::of(&state.config).body();
    let (router, _) = timed_routes()
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .merge(upload_routes().layer(DefaultBodyLimit::max(upload_body)))
        .split_for_parts();
    router
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::csrf::protect,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::authenticate,
        ))
        .layer(DefaultBodyLimit::max(state.config.body_limit as usize))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::security::headers,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(|_| {
            AppError::Internal("a handler panicked".into()).into_response()
        }))
        .with_state(state)
}
