//! Receiving evidence files: a `multipart/form-data` body read field by field and chunk by
//! chunk (never a whole field in memory), each file streamed into the store while it is
//! counted and hashed.
//!
//! Before a byte is read, the dossier must be in the reader's scope (404 otherwise) and the
//! core must accept an `attach_evidence` there now (a probe through `decide`: state, role,
//! deadline, the criterion, its explanation flag). Then, per file: the name is sanitized, its
//! extension must be an accepted type (415), the first bytes must carry that type's signature
//! (415), the size may not pass the limit (413, found while streaming, at limit + 1 byte), the
//! connection may not go quiet for `--upload-idle-secs` nor the request last longer than
//! `--upload-timeout-secs` (408). At most `--upload-files` files per request (413). Any
//! refusal deletes what this request stored: nothing is left behind. When every file is in
//! the store, each is recorded with `attach_evidence`.

use super::kinds::{self, AllowList, Kind};
use super::{EvidenceStore, names, new_id};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::web::i18n::Lang;
use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::http::StatusCode;
use bytes::Bytes;
use chamdiem::workflow::{AttachEvidence, EvidenceInput};
use chamdiem::{Actor, Command};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// How much an upload may send, and how slowly.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes per file.
    pub file: u64,
    /// Files per request.
    pub files: usize,
    /// The longest wait for the next bytes.
    pub idle: Duration,
    /// The longest request.
    pub total: Duration,
}

impl Limits {
    /// The configured limits.
    pub fn of(config: &crate::Config) -> Limits {
        Limits {
            file: config.upload_limit,
            files: config.upload_files.max(1),
            idle: Duration::from_secs(config.upload_idle_secs.max(1)),
            total: Duration::from_secs(config.upload_timeout_secs.max(1)),
        }
    }

    /// The body limit of the upload routes: every file at its limit, and room for the parts'
    /// headers.
    pub fn body(&self) -> usize {
        let total = self
            .file
            .saturating_mul(self.files as u64)
            .saturating_add(1024 * 1024);
        usize::try_from(total).unwrap_or(usize::MAX)
    }

    /// Parts (files and other fields) accepted per request.
    fn parts(&self) -> usize {
        self.files + 16
    }
}

/// Why an upload was refused. Every refusal leaves nothing behind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// 413: a file is larger than the limit.
    #[error(
        "the file `{file}` is larger than the {limit} bytes allowed per file; nothing was kept (compress it as .zip or split it)"
    )]
    FileTooLarge {
        /// The file's (sanitized) name.
        file: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// 413: the whole request is larger than allowed.
    #[error("the upload is larger than allowed; nothing was kept")]
    RequestTooLarge,
    /// 413: more files than allowed in one request.
    #[error("at most {max} files may be sent at once; nothing was kept")]
    TooManyFiles {
        /// The limit.
        max: usize,
    },
    /// 413: more form fields than a file upload has.
    #[error("the upload has too many parts (at most {max}); nothing was kept")]
    TooManyParts {
        /// The limit.
        max: usize,
    },
    /// 415: the extension is not an accepted type.
    #[error(
        "`{file}`: files of this type are not accepted (accepted: {allowed}); nothing was kept"
    )]
    TypeNotAllowed {
        /// The file's name.
        file: String,
        /// The accepted types.
        allowed: String,
    },
    /// 415: the content is not what the extension says.
    #[error("`{file}`: the content is not a .{ext} file{}; nothing was kept", detected.as_ref().map(|d| format!(" (it looks like {d})")).unwrap_or_default())]
    ContentMismatch {
        /// The file's name.
        file: String,
        /// Its extension.
        ext: String,
        /// What the content looks like, if recognisable.
        detected: Option<String>,
    },
    /// 400: a file without content.
    #[error("`{file}` is empty; nothing was kept")]
    Empty {
        /// The file's name.
        file: String,
    },
    /// 400: no file in the request.
    #[error("choose at least one file to upload")]
    NoFile,
    /// 400: the body ended early or is not valid multipart.
    #[error("the upload was interrupted or is malformed ({reason}); nothing was kept")]
    Interrupted {
        /// What the reader said.
        reason: String,
    },
    /// 408: nothing arrived for too long.
    #[error("the upload sent nothing for {secs} seconds and was stopped; nothing was kept")]
    Idle {
        /// The idle limit.
        secs: u64,
    },
    /// 408: the request took too long.
    #[error("the upload took longer than {secs} seconds and was stopped; nothing was kept")]
    TooSlow {
        /// The limit.
        secs: u64,
    },
    /// 415: not a `multipart/form-data` body.
    #[error("send the files as multipart/form-data")]
    NotMultipart,
    /// 507: the evidence store has no room left for the file.
    #[error(
        "the evidence store is full: `{file}` was not kept, and the files stored before are unaffected; tell the administrator"
    )]
    StorageFull {
        /// The file's name.
        file: String,
    },
}

/// `100 MB` for people (binary multiples, as the limit is configured).
pub fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    const GIB: u64 = 1024 * 1024 * 1024;
    let (n, unit) = match bytes {
        b if b >= GIB => (b as f64 / GIB as f64, "GB"),
        b if b >= MIB => (b as f64 / MIB as f64, "MB"),
        b if b >= KIB => (b as f64 / KIB as f64, "KB"),
        b => return format!("{b} B"),
    };
    if (n - n.round()).abs() < 0.05 {
        format!("{} {unit}", n.round() as u64)
    } else {
        format!("{n:.1} {unit}")
    }
}

impl UploadError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::FileTooLarge { .. }
            | Self::RequestTooLarge
            | Self::TooManyFiles { .. }
            | Self::TooManyParts { .. } => "payload_too_large",
            Self::TypeNotAllowed { .. } | Self::ContentMismatch { .. } | Self::NotMultipart => {
                "unsupported_media_type"
            }
            Self::Empty { .. } | Self::NoFile | Self::Interrupted { .. } => "invalid_input",
            Self::Idle { .. } | Self::TooSlow { .. } => "request_timeout",
            Self::StorageFull { .. } => "insufficient_storage",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self.code() {
            "payload_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
            "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request_timeout" => StatusCode::REQUEST_TIMEOUT,
            "insufficient_storage" => StatusCode::INSUFFICIENT_STORAGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// What exactly was refused (`details` of the error body).
    pub fn details(&self) -> Value {
        match self {
            Self::FileTooLarge { file, limit } => {
                json!({"reason": "file_too_large", "file_name": file, "limit": limit})
            }
            Self::RequestTooLarge => json!({"reason": "request_too_large"}),
            Self::TooManyFiles { max } => json!({"reason": "too_many_files", "max": max}),
            Self::TooManyParts { max } => json!({"reason": "too_many_parts", "max": max}),
            Self::TypeNotAllowed { file, allowed } => {
                json!({"reason": "type_not_allowed", "file_name": file, "allowed": allowed})
            }
            Self::ContentMismatch {
                file,
                ext,
                detected,
            } => {
                json!({"reason": "content_mismatch", "file_name": file, "extension": ext, "detected": detected})
            }
            Self::Empty { file } => json!({"reason": "empty_file", "file_name": file}),
            Self::NoFile => json!({"reason": "no_file"}),
            Self::Interrupted { .. } => json!({"reason": "interrupted"}),
            Self::Idle { secs } => json!({"reason": "idle", "seconds": secs}),
            Self::TooSlow { secs } => json!({"reason": "too_slow", "seconds": secs}),
            Self::NotMultipart => json!({"reason": "not_multipart"}),
            Self::StorageFull { file } => json!({"reason": "storage_full", "file_name": file}),
        }
    }

    /// The message in the page's language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Self::FileTooLarge { file, limit } => format!(
                "Tệp \"{file}\" vượt quá dung lượng cho phép ({} mỗi tệp) nên không được tải lên. Hãy nén tệp (.zip) hoặc chia thành nhiều tệp nhỏ hơn.",
                human_size(*limit)
            ),
            Self::RequestTooLarge => {
                "Dung lượng tải lên vượt quá giới hạn cho phép; chưa tệp nào được lưu.".into()
            }
            Self::TooManyFiles { max } => {
                format!("Mỗi lần chỉ được tải lên tối đa {max} tệp; chưa tệp nào được lưu.")
            }
            Self::TooManyParts { max } => format!(
                "Yêu cầu tải lên có quá nhiều thành phần (tối đa {max}); chưa tệp nào được lưu."
            ),
            Self::TypeNotAllowed { file, allowed } => {
                format!("Tệp \"{file}\" không thuộc loại được phép tải lên (chỉ nhận: {allowed}).")
            }
            Self::ContentMismatch { file, ext, .. } => format!(
                "Nội dung tệp \"{file}\" không phải là tệp .{ext} đúng định dạng nên không được tải lên."
            ),
            Self::Empty { file } => format!("Tệp \"{file}\" không có nội dung."),
            Self::NoFile => "Vui lòng chọn ít nhất một tệp để tải lên.".into(),
            Self::Interrupted { .. } => {
                "Việc tải lên bị gián đoạn; chưa tệp nào được lưu. Vui lòng thử lại.".into()
            }
            Self::Idle { secs } => format!(
                "Không nhận được dữ liệu trong {secs} giây nên việc tải lên đã dừng; chưa tệp nào được lưu."
            ),
            Self::TooSlow { secs } => {
                format!("Việc tải lên kéo dài quá {secs} giây nên đã dừng; chưa tệp nào được lưu.")
            }
            Self::NotMultipart => "Yêu cầu tải lên không đúng định dạng.".into(),
            Self::StorageFull { file } => format!(
                "Ổ lưu trữ tài liệu đã đầy nên tệp \"{file}\" chưa được lưu; các tài liệu đã lưu trước đó không bị ảnh hưởng. Vui lòng báo quản trị hệ thống."
            ),
        }
    }
}

/// A file now in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The evidence id (the store's key).
    pub id: String,
    /// The sanitized original name.
    pub file_name: String,
    /// Bytes.
    pub size: u64,
    /// From the accepted type.
    pub media_type: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// Waits for `fut` no longer than the idle limit and the request's deadline.
async fn within<T>(
    fut: impl Future<Output = T>,
    limits: &Limits,
    deadline: Instant,
) -> Result<T, UploadError> {
    let now = Instant::now();
    let too_slow = || UploadError::TooSlow {
        secs: limits.total.as_secs(),
    };
    if now >= deadline {
        return Err(too_slow());
    }
    match tokio::time::timeout(limits.idle.min(deadline - now), fut).await {
        Ok(v) => Ok(v),
        Err(_) if Instant::now() >= deadline => Err(too_slow()),
        Err(_) => Err(UploadError::Idle {
            secs: limits.idle.as_secs(),
        }),
    }
}

fn broken(e: MultipartError) -> UploadError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        UploadError::RequestTooLarge
    } else {
        UploadError::Interrupted {
            reason: e.body_text(),
        }
    }
}

/// The SHA-256 of a stream, each chunk hashed on a blocking thread while the next one is
/// received (hashing is the costliest step of an upload; this way it runs beside the
/// receiving and the writing instead of between them).
struct Hashing {
    idle: Option<Sha256>,
    busy: Option<tokio::task::JoinHandle<Sha256>>,
}

impl Hashing {
    fn start() -> Self {
        Hashing {
            idle: Some(Sha256::new()),
            busy: None,
        }
    }

    async fn hasher(&mut self) -> AppResult<Sha256> {
        match (self.busy.take(), self.idle.take()) {
            (Some(busy), _) => busy
                .await
                .map_err(|e| AppError::Internal(format!("hashing an upload failed: {e}"))),
            (None, Some(idle)) => Ok(idle),
            (None, None) => Err(AppError::Internal("the upload's hash is gone".into())),
        }
    }

    async fn update(&mut self, chunk: Bytes) -> AppResult<()> {
        let mut hasher = self.hasher().await?;
        self.busy = Some(tokio::task::spawn_blocking(move || {
            hasher.update(&chunk);
            hasher
        }));
        Ok(())
    }

    async fn finish(mut self) -> AppResult<String> {
        Ok(crate::auth::hex(&self.hasher().await?.finalize()))
    }
}

/// Streams one file field into the store under a new id.
async fn store_file(
    evidence: &EvidenceStore,
    field: &mut Field<'_>,
    kind: &Kind,
    file_name: &str,
    limits: &Limits,
    deadline: Instant,
) -> AppResult<Stored> {
    let id = new_id();
    let mut writer = evidence.writer(&id).await?;
    let streamed = async {
        let mut size: u64 = 0;
        let mut hasher = Hashing::start();
        let mut head: Vec<u8> = Vec::new();
        let mut checked = false;
        while let Some(chunk) = within(field.chunk(), limits, deadline)
            .await?
            .map_err(broken)?
        {
            size += chunk.len() as u64;
            if size > limits.file {
                return Err(UploadError::FileTooLarge {
                    file: file_name.to_owned(),
                    limit: limits.file,
                }
                .into());
            }
            hasher.update(chunk.clone()).await?;
            if !checked {
                let take = chunk.len().min(kinds::HEAD - head.len());
                head.extend_from_slice(&chunk[..take]);
                if head.len() >= kinds::HEAD {
                    signature(kind, &head, file_name)?;
                    checked = true;
                    head = Vec::new();
                }
            }
            within(writer.write(chunk), limits, deadline)
                .await?
                .map_err(|e| write_error(&id, file_name, e))?;
        }
        if size == 0 {
            return Err(UploadError::Empty {
                file: file_name.to_owned(),
            }
            .into());
        }
        if !checked {
            signature(kind, &head, file_name)?;
        }
        Ok::<_, AppError>((size, hasher.finish().await?))
    }
    .await;
    match streamed {
        Ok((size, sha256)) => {
            // `finish` removes what was written when it fails.
            within(writer.finish(), limits, deadline)
                .await?
                .map_err(|e| write_error(&id, file_name, e))?;
            Ok(Stored {
                id,
                file_name: file_name.to_owned(),
                size,
                media_type: kind.media_type.to_owned(),
                sha256,
            })
        }
        Err(e) => {
            if let Err(abort) = writer.abort().await {
                tracing::warn!(evidence = %id, error = %abort, "aborting an upload failed");
            }
            Err(e)
        }
    }
}

/// A failed write: [`UploadError::StorageFull`] when the store has no room left (the disk or
/// the quota is full), else an `evidence_store_unavailable` error.
fn write_error(id: &str, file_name: &str, e: super::WriteError) -> AppError {
    if is_full(&*e) {
        tracing::error!(evidence = %id, error = %e, "the evidence store is full");
        return UploadError::StorageFull {
            file: file_name.to_owned(),
        }
        .into();
    }
    super::storage(id, e)
}

/// Whether an error, or one of its causes, is an I/O error saying that the disk or the
/// quota is full.
fn is_full(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && (matches!(
                io.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            ) || matches!(io.raw_os_error(), Some(28 | 122)))
        {
            return true;
        }
        next = err.source();
    }
    false
}

fn signature(kind: &Kind, head: &[u8], file_name: &str) -> Result<(), UploadError> {
    kinds::check(kind, head).map_err(|detected| UploadError::ContentMismatch {
        file: file_name.to_owned(),
        ext: kind.ext.clone(),
        detected,
    })
}

/// Reads every part of the body; the files are in the store when it returns `Ok`. On any
/// refusal, the files this request stored are deleted.
pub async fn receive(
    evidence: &EvidenceStore,
    allow: &AllowList,
    limits: &Limits,
    mut multipart: Multipart,
) -> AppResult<Vec<Stored>> {
    let deadline = Instant::now() + limits.total;
    let mut stored: Vec<Stored> = Vec::new();
    let outcome = async {
        let mut parts = 0usize;
        while let Some(mut field) = within(multipart.next_field(), limits, deadline)
            .await?
            .map_err(broken)?
        {
            parts += 1;
            if parts > limits.parts() {
                return Err(UploadError::TooManyParts {
                    max: limits.parts(),
                }
                .into());
            }
            let Some(raw_name) = field.file_name().map(str::to_owned) else {
                // A form field that is not a file: read (at most 8 KiB) and ignore it.
                let mut seen = 0usize;
                while let Some(c) = within(field.chunk(), limits, deadline)
                    .await?
                    .map_err(broken)?
                {
                    seen += c.len();
                    if seen > 8 * 1024 {
                        return Err(UploadError::TooManyParts {
                            max: limits.parts(),
                        }
                        .into());
                    }
                }
                continue;
            };
            if raw_name.is_empty() {
                // A file input left empty sends a part without a name.
                continue;
            }
            if stored.len() >= limits.files {
                return Err(UploadError::TooManyFiles { max: limits.files }.into());
            }
            let file_name = names::sanitize(&raw_name);
            let kind = names::extension(&file_name)
                .and_then(|e| allow.get(&e).cloned())
                .ok_or_else(|| UploadError::TypeNotAllowed {
                    file: file_name.clone(),
                    allowed: allow.describe(),
                })?;
            let s = store_file(evidence, &mut field, &kind, &file_name, limits, deadline).await?;
            stored.push(s);
        }
        if stored.is_empty() {
            return Err(UploadError::NoFile.into());
        }
        Ok::<(), AppError>(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(stored),
        Err(e) => {
            forget(evidence, &stored).await;
            Err(e)
        }
    }
}

async fn forget(evidence: &EvidenceStore, files: &[Stored]) {
    for s in files {
        if let Err(e) = evidence.delete(&s.id).await {
            tracing::warn!(evidence = %s.id, error = %e, "could not delete a refused upload; the sweeper will");
        }
    }
}

/// The probe `attach_evidence` that asks the core, before any byte is read, whether this actor
/// may attach evidence to this criterion now.
fn probe(criterion: Option<String>) -> Command {
    Command::AttachEvidence(AttachEvidence {
        criterion,
        evidence: EvidenceInput {
            id: "probe".into(),
            file_name: "probe.pdf".into(),
            size: 1,
            media_type: "application/pdf".into(),
            sha256: "0".repeat(64),
        },
    })
}

/// The whole upload: the checks, the files into the store, then `attach_evidence` for each.
/// Returns the files recorded.
pub async fn upload(
    state: &AppState,
    actor: Actor,
    dossier_id: &str,
    criterion: Option<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Vec<Stored>> {
    let now = state.now();
    {
        let (actor, id, criterion) = (actor.clone(), dossier_id.to_owned(), criterion.clone());
        state
            .store(move |s| {
                let d = crate::api::scope::dossier(s, &actor, &id)?;
                let set = s.criteria_set(&d.criteria_set().id, d.criteria_set().revision)?;
                chamdiem::decide(&set, &d, &actor, &probe(criterion), now).map(|_| ())
            })
            .await?;
    }
    let multipart = multipart.map_err(|_| UploadError::NotMultipart)?;
    let limits = Limits::of(&state.config);
    let _slot = tokio::time::timeout(limits.total, state.upload_slots.acquire())
        .await
        .map_err(|_| UploadError::TooSlow {
            secs: limits.total.as_secs(),
        })?
        .map_err(|_| AppError::Internal("the upload slots are closed".into()))?;
    let stored = receive(&state.evidence, &state.evidence_types, &limits, multipart).await?;
    let (attached, refused) = {
        let (actor, id, criterion, files) =
            (actor, dossier_id.to_owned(), criterion, stored.clone());
        let now = state.now();
        state
            .store(move |s| {
                let mut done = 0;
                for f in &files {
                    let cmd = Command::AttachEvidence(AttachEvidence {
                        criterion: criterion.clone(),
                        evidence: EvidenceInput {
                            id: f.id.clone(),
                            file_name: f.file_name.clone(),
                            size: f.size,
                            media_type: f.media_type.clone(),
                            sha256: f.sha256.clone(),
                        },
                    });
                    if let Err(e) = s.execute(&id, &actor, &cmd, now) {
                        return Ok((done, Some(e)));
                    }
                    done += 1;
                }
                Ok((done, None))
            })
            .await?
    };
    if let Some(e) = refused {
        forget(&state.evidence, &stored[attached..]).await;
        return Err(e.into());
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_size(100 * 1024 * 1024), "100 MB");
        assert_eq!(human_size(1536 * 1024), "1.5 MB");
        assert_eq!(human_size(512), "512 B");
        let l = Limits {
            file: 100 * 1024 * 1024,
            files: 20,
            idle: Duration::from_secs(1),
            total: Duration::from_secs(2),
        };
        assert_eq!(l.body(), 20 * 100 * 1024 * 1024 + 1024 * 1024);
    }

    #[test]
    fn every_refusal_has_a_code_a_status_and_two_languages() {
        let all = [
            UploadError::FileTooLarge {
                file: "a.pdf".into(),
                limit: 5,
            },
            UploadError::RequestTooLarge,
            UploadError::TooManyFiles { max: 2 },
            UploadError::TooManyParts { max: 2 },
            UploadError::TypeNotAllowed {
                file: "a.exe".into(),
                allowed: "PDF".into(),
            },
            UploadError::ContentMismatch {
                file: "a.pdf".into(),
                ext: "pdf".into(),
                detected: Some("png".into()),
            },
            UploadError::Empty {
                file: "a.pdf".into(),
            },
            UploadError::NoFile,
            UploadError::Interrupted { reason: "x".into() },
            UploadError::Idle { secs: 1 },
            UploadError::TooSlow { secs: 1 },
            UploadError::NotMultipart,
            UploadError::StorageFull {
                file: "a.pdf".into(),
            },
        ];
        for e in all {
            assert!(e.status().is_client_error() || e.status() == StatusCode::INSUFFICIENT_STORAGE);
            assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
            assert!(e.details()["reason"].is_string());
        }
    }
}
