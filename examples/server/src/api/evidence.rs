//! Evidence files through the API: upload (multipart, streamed; see
//! [`crate::evidence::upload`]), download (an attachment with the original name, `nosniff`
//! and a sandboxing policy), delete (`remove_evidence`, then the file).
//!
//! The same operations serve the pages (`crate::web::evidence`).

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppPath, AppQuery, AppResult, ErrorBody};
use crate::evidence::upload::{self, Stored};
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chamdiem::workflow::RemoveEvidence;
use chamdiem::{Actor, Command};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes that answer within the request timeout.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(download_evidence, delete_evidence))
}

/// The upload route (no request timeout; its own body limit, set in `app::app`).
pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().nest(
        "/api/v1",
        OpenApiRouter::new().routes(routes!(upload_evidence)),
    )
}

/// Where an upload goes.
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The criterion; absent for a dossier-level document (the signed report).
    pub criterion: Option<String>,
}

/// A file recorded as evidence.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct UploadedFile {
    /// The evidence id.
    pub id: String,
    /// The original name, sanitized.
    pub file_name: String,
    /// Bytes.
    pub size: u64,
    /// Media type.
    pub media_type: String,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Where to download it (the page's address).
    pub url: String,
}

/// What an upload recorded.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct UploadResponse {
    /// The files, in the order they were sent.
    pub files: Vec<UploadedFile>,
}

impl UploadResponse {
    /// The answer for files stored on a dossier.
    pub fn of(dossier_id: &str, stored: Vec<Stored>) -> Self {
        UploadResponse {
            files: stored
                .into_iter()
                .map(|s| UploadedFile {
                    url: format!("/dossiers/{dossier_id}/evidence/{}", s.id),
                    id: s.id,
                    file_name: s.file_name,
                    size: s.size,
                    media_type: s.media_type,
                    sha256: s.sha256,
                })
                .collect(),
        }
    }
}

/// Upload evidence files (`multipart/form-data`, one or more parts named `file`) to a
/// criterion of a dossier, or to the dossier itself. Each file is streamed to the store, its
/// size limited (`--upload-limit`) and its content checked against its extension; the files
/// are then recorded with `attach_evidence`. A refusal keeps nothing.
#[utoipa::path(post, path = "/dossiers/{dossier_id}/evidence", tag = "dossiers", operation_id = "upload_evidence",
    params(("dossier_id" = String, Path, description = "The dossier's id"), UploadQuery),
    request_body(content_type = "multipart/form-data", content = Object, description = "One or more parts named `file`"),
    responses((status = 201, description = "The files recorded", body = UploadResponse),
              (status = 400, description = "No file, an empty file, or the upload was cut off", body = ErrorBody),
              (status = 404, description = "No such dossier in the actor's scope", body = ErrorBody),
              (status = 408, description = "The upload went quiet or took too long", body = ErrorBody),
              (status = 409, description = "The dossier's state or deadline does not allow evidence now", body = ErrorBody),
              (status = 413, description = "A file above the limit, or too many files", body = ErrorBody),
              (status = 415, description = "A type not accepted, or content that is not what its extension says", body = ErrorBody),
              (status = 422, description = "No such criterion, or it was not asked about in this explanation round", body = ErrorBody),
              (status = 503, description = "The database or the evidence store cannot be reached; nothing was kept", body = ErrorBody),
              (status = 507, description = "The evidence store is full; nothing was kept", body = ErrorBody)))]
pub async fn upload_evidence(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath(dossier_id): AppPath<String>,
    AppQuery(q): AppQuery<UploadQuery>,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let stored = upload::upload(&state, a.actor(), &dossier_id, q.criterion, multipart).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(UploadResponse::of(&dossier_id, stored)),
    )
        .into_response())
}

/// An evidence file as a download: the original name (RFC 6266), the recorded media type,
/// `nosniff` and a policy that runs nothing. Anyone who may read the dossier may download its
/// evidence.
pub async fn download(
    state: &AppState,
    actor: Actor,
    dossier_id: String,
    evidence_id: String,
) -> AppResult<Response> {
    let id = evidence_id.clone();
    let meta = state
        .store(move |s| {
            let d = crate::api::scope::dossier(s, &actor, &dossier_id)?;
            let view = chamdiem::view(&d, &actor)?;
            view.dossier
                .entries()
                .iter()
                .flat_map(|e| e.evidence.iter())
                .chain(view.dossier.report())
                .find(|e| e.id == id)
                .cloned()
                .ok_or_else(|| chamdiem::Error::not_found("evidence", id))
        })
        .await?;
    let (size, stream) = match state.evidence.read(&meta.id).await {
        Ok(x) => x,
        Err(AppError::Core(chamdiem::Error::NotFound { .. })) => {
            return Err(AppError::Internal(format!(
                "evidence file {} is recorded but missing from the store",
                meta.id
            )));
        }
        Err(e) => return Err(e),
    };
    let mut res = Response::new(Body::from_stream(stream));
    let h = res.headers_mut();
    let media = HeaderValue::from_str(&meta.media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, media);
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Ok(v) = HeaderValue::from_str(&crate::evidence::names::content_disposition(
        &meta.file_name,
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::security::DOWNLOAD_CSP),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", meta.sha256)) {
        h.insert(header::ETAG, v);
    }
    Ok(res)
}

/// Removes an evidence file (`remove_evidence`; the file itself is deleted once the command
/// is accepted).
pub async fn remove(
    state: &AppState,
    actor: Actor,
    dossier_id: String,
    evidence_id: String,
) -> AppResult<()> {
    let (id, eid, who) = (dossier_id.clone(), evidence_id.clone(), actor.clone());
    let criterion = state
        .store(move |s| {
            let d = crate::api::scope::dossier(s, &who, &id)?;
            let view = chamdiem::view(&d, &who)?;
            if view.dossier.report().iter().any(|e| e.id == eid) {
                return Ok(None);
            }
            view.dossier
                .entries()
                .iter()
                .find(|e| e.evidence.iter().any(|x| x.id == eid))
                .map(|e| Some(e.criterion.clone()))
                .ok_or_else(|| chamdiem::Error::not_found("evidence", eid))
        })
        .await?;
    crate::api::dossiers::execute(
        state,
        actor,
        dossier_id,
        Command::RemoveEvidence(RemoveEvidence {
            criterion,
            evidence_id,
        }),
    )
    .await?;
    Ok(())
}

/// Download an evidence file.
#[utoipa::path(get, path = "/dossiers/{dossier_id}/evidence/{evidence_id}", tag = "dossiers", operation_id = "download_evidence",
    params(("dossier_id" = String, Path, description = "The dossier's id"),
           ("evidence_id" = String, Path, description = "The evidence id")),
    responses((status = 200, description = "The file, as an attachment", content_type = "application/octet-stream"),
              (status = 404, description = "No such dossier in the actor's scope, or no such file on it", body = ErrorBody),
              (status = 503, description = "The database or the evidence store cannot be reached", body = ErrorBody)))]
pub async fn download_evidence(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath((dossier_id, evidence_id)): AppPath<(String, String)>,
) -> AppResult<Response> {
    download(&state, a.actor(), dossier_id, evidence_id).await
}

/// Remove an evidence file (`remove_evidence`): in self-assessment, or in an explanation round
/// for the files added in that round.
#[utoipa::path(delete, path = "/dossiers/{dossier_id}/evidence/{evidence_id}", tag = "dossiers", operation_id = "delete_evidence",
    params(("dossier_id" = String, Path, description = "The dossier's id"),
           ("evidence_id" = String, Path, description = "The evidence id")),
    responses((status = 204, description = "Removed"),
              (status = 403, description = "The actor may not remove evidence", body = ErrorBody),
              (status = 404, description = "No such dossier or file", body = ErrorBody),
              (status = 409, description = "The state or the deadline does not allow it", body = ErrorBody),
              (status = 422, description = "The file was added in an earlier round", body = ErrorBody)))]
pub async fn delete_evidence(
    State(state): State<AppState>,
    CurrentUser(a): CurrentUser,
    AppPath((dossier_id, evidence_id)): AppPath<(String, String)>,
) -> AppResult<StatusCode> {
    remove(&state, a.actor(), dossier_id, evidence_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
