//! Liveness (`/healthz`), readiness (`/readyz`: the database answers; the evidence store's
//! state is reported beside it) and the OpenAPI document.

use crate::app::AppState;
use crate::error::AppResult;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::OnceLock;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The answer of the health endpoints.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct Health {
    /// `ok`, `ready` or `unavailable`.
    pub status: String,
    /// `sqlite` or `postgres` (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// `ok` or `unavailable`: whether the evidence store answers (readiness only). It does not
    /// decide readiness: without it scoring goes on, only uploads and downloads wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(openapi_document))
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "health", operation_id = "healthz", security(()),
    responses((status = 200, description = "The server is running", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        database: None,
        evidence: None,
    })
}

/// Readiness: the database answers (the evidence store's state is reported, not required).
#[utoipa::path(get, path = "/readyz", tag = "health", operation_id = "readyz", security(()),
    responses((status = 200, description = "Ready", body = Health),
              (status = 503, description = "The database does not answer", body = Health)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let kind = state.db.kind().to_owned();
    let ok: AppResult<Vec<chamdiem::store::SetInfo>> = state.store(|s| s.criteria_sets()).await;
    let evidence = match state.evidence.check().await {
        Ok(()) => "ok",
        Err(e) => {
            tracing::warn!(error = %e, "the evidence store does not answer");
            "unavailable"
        }
    };
    let (status, text) = match ok {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    };
    (
        status,
        Json(Health {
            status: text.into(),
            database: Some(kind),
            evidence: Some(evidence.into()),
        }),
    )
        .into_response()
}

static DOC: OnceLock<String> = OnceLock::new();

/// The OpenAPI 3.1 document of every route, generated from the code.
#[utoipa::path(get, path = "/api/openapi.json", tag = "health", operation_id = "openapi", security(()),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn openapi_document() -> Response {
    let doc = DOC.get_or_init(crate::app::openapi_json).clone();
    ([(header::CONTENT_TYPE, "application/json")], doc).into_response()
}
