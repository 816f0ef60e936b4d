//! [`AppError`]: every failure of a request, turned into a response with the core's stable
//! codes and the HTTP statuses of `docs/formats.md`, plus the server's own codes
//! (`unauthenticated`, `csrf_failed`, `rate_limited`, `payload_too_large`,
//! `unsupported_media_type`, `request_timeout`, `evidence_store_unavailable`,
//! `password_change_required`, `internal`).
//!
//! The body is always `{code, message, details}`. Server errors (5xx) are logged with their
//! details; the response says only what the client can act on.

use crate::evidence::upload::UploadError;
use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// The JSON body of every error response.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// A stable snake_case code (`not_found`, `forbidden`, `guard_failed`, …).
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The code's fields (see docs/formats.md and docs/server.md).
    #[schema(value_type = Object)]
    pub details: Value,
}

/// One problem found in an imported criteria set (a row of a workbook, a line of the compact
/// form, a path of the JSON document).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct ImportProblem {
    /// The sheet of a workbook (absent for JSON and TOML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The row of the sheet (1-based, as Excel shows it), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// The column header, when the problem is one cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The code of the offending group, criterion or case, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offending_code: Option<String>,
    /// Where in a JSON or TOML document (a path or a line), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A refusal or failure of the core or the store (status per docs/formats.md).
    #[error(transparent)]
    Core(#[from] chamdiem::Error),
    /// 401: no valid session or token.
    #[error("you are not logged in, or your session has ended: log in again")]
    Unauthenticated,
    /// 401: the account name or password is wrong (the same for unknown accounts).
    #[error("the account name or the password is not correct")]
    BadCredentials,
    /// 403: the user must change the temporary password first.
    #[error("change your temporary password first (POST /api/v1/me/password)")]
    PasswordChangeRequired,
    /// 403: a state-changing request failed the CSRF checks.
    #[error("the request was refused by the cross-site request forgery protection: {0}")]
    Csrf(String),
    /// 429: too many failed logins; try again after `retry_after` seconds.
    #[error("too many failed logins; try again in {retry_after} seconds")]
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// 413: the body is larger than allowed.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body's media type is not accepted here.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: an imported criteria set has problems; each is listed.
    #[error("the criteria set has {} problem(s); nothing was imported", .0.len())]
    Import(Vec<ImportProblem>),
    /// 413, 415, 400 or 408: an evidence upload was refused (its code and status are the
    /// refusal's, see [`UploadError`]).
    #[error(transparent)]
    Upload(#[from] UploadError),
    /// 503: the evidence store (the folder, or the object store of several instances) failed
    /// or cannot be reached; the details are logged.
    #[error("the evidence store failed: {0}")]
    EvidenceStore(String),
    /// 500: a bug or an unexpected failure (logged; the response says only "internal").
    #[error("internal error: {0}")]
    Internal(String),
}

/// Shorthand for results of handlers and services.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// An `invalid_input` error.
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Core(chamdiem::Error::invalid_input(path, message))
    }

    /// A `not_found` error.
    pub fn not_found(kind: &str, id: impl Into<String>) -> Self {
        AppError::Core(chamdiem::Error::not_found(kind, id))
    }

    /// A `forbidden` error with a reason.
    pub fn forbidden(reason: impl Into<String>) -> Self {
        AppError::Core(chamdiem::Error::Forbidden {
            command: None,
            reason: reason.into(),
        })
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Core(e) => e.code(),
            AppError::Unauthenticated | AppError::BadCredentials => "unauthenticated",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Csrf(_) => "csrf_failed",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Import(_) => "invalid_criteria_set",
            AppError::Upload(e) => e.code(),
            AppError::EvidenceStore(_) => "evidence_store_unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The HTTP status (docs/formats.md for the core's codes, docs/server.md for the rest).
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Core(e) => core_status(e),
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::PasswordChangeRequired | AppError::Csrf(_) => StatusCode::FORBIDDEN,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Import(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Upload(e) => e.status(),
            AppError::EvidenceStore(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body sent: for server errors, only what the client can act on.
    pub fn body(&self) -> ErrorBody {
        let (message, details) = match self {
            AppError::Core(chamdiem::Error::Storage { transient, .. }) => (
                if *transient {
                    "the database is busy or unreachable; nothing was changed; try again".into()
                } else {
                    "the database failed; nothing was changed; the administrator has the details"
                        .into()
                },
                json!({ "transient": transient }),
            ),
            AppError::Core(e) => (e.to_string(), e.details()),
            AppError::RateLimited { retry_after } => {
                (self.to_string(), json!({ "retry_after": retry_after }))
            }
            AppError::Import(problems) => (self.to_string(), json!({ "problems": problems })),
            AppError::Upload(e) => (e.to_string(), e.details()),
            AppError::EvidenceStore(_) => (
                "the evidence files cannot be reached at the moment; nothing was changed; try \
                 again in a little while"
                    .into(),
                json!({}),
            ),
            AppError::Internal(_) => (
                "internal error; the administrator has the details".into(),
                json!({}),
            ),
            AppError::Csrf(reason) => (self.to_string(), json!({ "reason": reason })),
            _ => (self.to_string(), json!({})),
        };
        ErrorBody {
            code: self.code().into(),
            message,
            details,
        }
    }

    /// Logs a server error with its details (client errors are not logged here).
    pub fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(code = self.code(), error = %self, "request failed");
        }
    }
}

/// The status of a core error (docs/formats.md).
pub fn core_status(e: &chamdiem::Error) -> StatusCode {
    match e.code() {
        "wrong_state" | "deadline_passed" | "version_conflict" | "already_exists" => {
            StatusCode::CONFLICT
        }
        "forbidden" => StatusCode::FORBIDDEN,
        "unknown_criterion"
        | "unknown_case"
        | "value_out_of_range"
        | "guard_failed"
        | "invalid_criteria_set" => StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input" => StatusCode::BAD_REQUEST,
        "not_found" => StatusCode::NOT_FOUND,
        "storage" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let mut res = (status, axum::Json(self.body())).into_response();
        if let AppError::RateLimited { retry_after } = &self
            && let Ok(v) = HeaderValue::from_str(&retry_after.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if matches!(self, AppError::Unauthenticated | AppError::BadCredentials) {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"chamdiem\""),
            );
        }
        res
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge("the JSON body is larger than allowed".into())
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType(
                "send the body as JSON with `Content-Type: application/json`".into(),
            ),
            _ => AppError::invalid(json_path(&r), r.body_text()),
        }
    }
}

fn json_path(r: &JsonRejection) -> String {
    // axum's message for a wrong type reads "Failed to deserialize the JSON body into the
    // target type: entries[0].case: invalid type…": keep the path before the colon.
    let text = r.body_text();
    text.split_once("target type: ")
        .and_then(|(_, rest)| rest.split_once(": "))
        .map(|(p, _)| p.to_owned())
        .filter(|p| !p.contains(' '))
        .unwrap_or_default()
}

impl From<FormRejection> for AppError {
    fn from(r: FormRejection) -> Self {
        match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge("the form is larger than allowed".into())
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                AppError::UnsupportedMediaType("send the form as a web form".into())
            }
            _ => AppError::invalid("", r.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        AppError::invalid("query", r.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        AppError::invalid("path", r.body_text())
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("a blocking task failed: {e}"))
    }
}

/// `axum::Json` whose rejections are [`AppError`]s, so bad input gets the API's error body.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct AppJson<T>(pub T);

impl<T: Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` with [`AppError`] rejections.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct AppQuery<T>(pub T);

/// `axum::extract::Path` with [`AppError`] rejections.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct AppPath<T>(pub T);

/// `axum::Form` with [`AppError`] rejections.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Form), rejection(AppError))]
pub struct AppForm<T>(pub T);

use axum::extract::FromRequestParts;

/// Reads a whole body up to `limit` bytes (413 beyond).
pub async fn read_body(req: Request, limit: usize) -> AppResult<bytes::Bytes> {
    use http_body_util::BodyExt;
    let body = http_body_util::Limited::new(req.into_body(), limit);
    match body.collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(AppError::PayloadTooLarge(
            format!("the body is larger than the {limit} bytes allowed"),
        )),
        Err(e) => Err(AppError::invalid(
            "",
            format!("the body could not be read: {e}"),
        )),
    }
}
