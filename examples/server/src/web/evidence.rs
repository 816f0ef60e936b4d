//! Evidence on the pages: the upload form of a criterion ("Tải tài liệu" → "Thêm File" →
//! "Tải lên"), the download, and "Xóa".
//!
//! The upload answers a plain form with a redirect back to the page (or an error page in the
//! visitor's language), and the page's script — which sends each file on its own to show its
//! progress — with JSON (`Accept: application/json`), whose `message` is in the visitor's
//! language.

use super::i18n::Lang;
use super::{PageError, PageForm, PageLang, PageUser, safe_next, see_other};
use crate::api::evidence::UploadResponse;
use crate::app::AppState;
use crate::error::AppError;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The timed routes: download and delete.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(download_page))
        .routes(routes!(delete_page))
}

/// The upload route (see `app::app`: no request timeout, its own body limit).
pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_page))
        .layer(axum::middleware::from_fn(super::render_errors))
}

/// The upload form's query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadPageQuery {
    /// The criterion (absent: a dossier-level document).
    pub criterion: Option<String>,
    /// The CSRF token (a multipart form carries it here).
    pub csrf: Option<String>,
    /// The page to go back to.
    pub back: Option<String>,
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// The message of a refusal in the visitor's language.
fn message(e: &AppError, lang: Lang) -> String {
    match e {
        AppError::Upload(u) => u.message(lang),
        e => super::message_of(e, lang),
    }
}

/// Uploads files to a criterion ("Tải lên"): a plain form or the page's script.
#[utoipa::path(post, path = "/dossiers/{dossier_id}/evidence", tag = "pages", operation_id = "page_evidence_upload",
    params(("dossier_id" = String, Path, description = "The dossier's id"), UploadPageQuery),
    request_body(content_type = "multipart/form-data", content = Object, description = "One or more parts named `file`"),
    responses((status = 303, description = "Uploaded: back to the page"),
              (status = 201, description = "Uploaded (the script: `Accept: application/json`)", body = UploadResponse),
              (status = 413, description = "A file above the limit, or too many files", content_type = "text/html"),
              (status = 415, description = "A type not accepted, or content that is not what its extension says", content_type = "text/html")))]
pub async fn upload_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path(dossier_id): Path<String>,
    Query(q): Query<UploadPageQuery>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let json_reply = wants_json(&headers);
    let outcome = crate::evidence::upload::upload(
        &state,
        a.actor(),
        &dossier_id,
        q.criterion.clone(),
        multipart,
    )
    .await;
    match (outcome, json_reply) {
        (Ok(stored), true) => Ok((
            StatusCode::CREATED,
            axum::Json(UploadResponse::of(&dossier_id, stored)),
        )
            .into_response()),
        (Ok(_), false) => Ok(see_other(&safe_next(q.back.as_deref()))),
        (Err(e), true) => {
            e.log();
            let mut body = e.body();
            body.message = message(&e, lang);
            Ok((e.status(), axum::Json(body)).into_response())
        }
        (Err(e), false) if e.status().is_client_error() => {
            let text = message(&e, lang);
            Ok(super::error_page_with(
                lang,
                Some(&a),
                e.status(),
                text,
                Some(safe_next(q.back.as_deref())),
            ))
        }
        (Err(e), false) => Err(e.into()),
    }
}

/// Downloads an evidence file (an attachment with its original name).
#[utoipa::path(get, path = "/dossiers/{dossier_id}/evidence/{evidence_id}", tag = "pages", operation_id = "page_evidence_download",
    params(("dossier_id" = String, Path, description = "The dossier's id"),
           ("evidence_id" = String, Path, description = "The evidence id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
              (status = 404, description = "No such dossier or file", content_type = "text/html")))]
pub async fn download_page(
    State(state): State<AppState>,
    PageUser(a): PageUser,
    Path((dossier_id, evidence_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    Ok(crate::api::evidence::download(&state, a.actor(), dossier_id, evidence_id).await?)
}

/// The delete form.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    /// The page to go back to.
    pub back: Option<String>,
}

/// Removes an evidence file ("Xóa").
#[utoipa::path(post, path = "/dossiers/{dossier_id}/evidence/{evidence_id}/delete", tag = "pages", operation_id = "page_evidence_delete",
    params(("dossier_id" = String, Path, description = "The dossier's id"),
           ("evidence_id" = String, Path, description = "The evidence id")),
    request_body(content_type = "application/x-www-form-urlencoded", content = Object, description = "csrf, back"),
    responses((status = 303, description = "Removed: back to the page"),
              (status = 409, description = "The state or the deadline does not allow it", content_type = "text/html")))]
pub async fn delete_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    PageUser(a): PageUser,
    Path((dossier_id, evidence_id)): Path<(String, String)>,
    headers: HeaderMap,
    PageForm(f): PageForm<DeleteForm>,
) -> Result<Response, PageError> {
    let back = safe_next(f.back.as_deref());
    match crate::api::evidence::remove(&state, a.actor(), dossier_id, evidence_id).await {
        Ok(()) if wants_json(&headers) => Ok(axum::Json(json!({"removed": true})).into_response()),
        Ok(()) => Ok(see_other(&back)),
        Err(e) if e.status().is_client_error() => {
            let text = message(&e, lang);
            Ok(super::error_page_with(
                lang,
                Some(&a),
                e.status(),
                text,
                Some(back),
            ))
        }
        Err(e) => Err(e.into()),
    }
}
