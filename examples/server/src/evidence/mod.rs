//! Evidence files (tài liệu kiểm chứng): the bytes, kept in an object store under a generated
//! id, outside anything served statically; the dossier keeps the metadata (name, size, media
//! type, sha256, who, when) through the core's `attach_evidence`.
//!
//! - The store is the `object_store` crate's: a local folder by default (`--evidence-dir`, each
//!   file at `<evidence-dir>/<evidence id>`, written to a staging file, fsynced, renamed), in
//!   memory for tests, S3-compatible storage for several instances (`--evidence-store
//!   s3://…`, the `s3` feature). Moving to another store is configuration.
//! - Uploads ([`upload`]) stream: each chunk is counted, hashed (on a blocking thread while
//!   the next one arrives) and handed to the store's writer ([`FileWriter`]): in the local
//!   folder, writes on a blocking thread and early flushes as the upload goes ([`folder`]);
//!   elsewhere the store's multipart writer, which holds at most two parts in memory
//!   ([`EvidenceStore::part_size`]).
//! - The order of writes keeps a rule: **no record points at a missing file**. A file is
//!   complete in the store before `attach_evidence` records it; it is deleted only after
//!   `remove_evidence` was accepted. A crash in between leaves an unreferenced file, which
//!   [`sweep`] deletes later.

pub mod folder;
pub mod kinds;
pub mod names;
pub mod upload;

use crate::error::{AppError, AppResult};
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

/// The evidence files' store.
#[derive(Debug, Clone)]
pub struct EvidenceStore {
    store: Arc<dyn ObjectStore>,
    part_size: usize,
    folder: Option<PathBuf>,
}

fn storage(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::EvidenceStore(format!("{what}: {e}"))
}

/// Whether an evidence id is one the server could have made (letters, digits, `-`, `_`): ids
/// come from URLs and dossiers, never from file names.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A new evidence id: 128 random bits, hex.
pub fn new_id() -> String {
    crate::auth::hex(&crate::auth::random_bytes::<16>())
}

impl EvidenceStore {
    /// The store the configuration names (see `--evidence-store`).
    pub fn open(config: &crate::Config) -> AppResult<Self> {
        match config.evidence_store.as_deref().map(str::trim) {
            None | Some("") => Self::folder(&config.evidence_folder()),
            Some("memory:") | Some("memory://") => Ok(Self::memory()),
            Some(url) if url.starts_with("file://") => {
                Self::folder(std::path::Path::new(&url["file://".len()..]))
            }
            Some(url) if url.starts_with("s3://") => Self::s3(url),
            Some(other) => Err(AppError::invalid(
                "evidence_store",
                format!(
                    "`{other}`: use an empty value (the folder), memory: or s3://bucket/prefix"
                ),
            )),
        }
    }

    /// Files in a local folder (created if missing).
    pub fn folder(dir: &std::path::Path) -> AppResult<Self> {
        std::fs::create_dir_all(dir).map_err(|e| storage(&dir.display().to_string(), e))?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| storage(&dir.display().to_string(), e))?
            .with_fsync(true);
        Ok(EvidenceStore {
            store: Arc::new(fs),
            part_size: 256 * 1024,
            folder: Some(dir.to_owned()),
        })
    }

    /// Files in memory (tests).
    pub fn memory() -> Self {
        EvidenceStore {
            store: Arc::new(object_store::memory::InMemory::new()),
            part_size: 256 * 1024,
            folder: None,
        }
    }

    /// An S3-compatible store. Settings come from the usual `AWS_…` variables (read by
    /// `object_store`: `AWS_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_ALLOW_HTTP`,
    /// `AWS_TIMEOUT`, …) over these defaults, chosen so that a store that went away is a
    /// quick 503 rather than a request hanging for minutes: connect within 3 s, a request
    /// (one part of at most [`Self::part_size`]) within 60 s, at most 3 retries within 10 s.
    #[cfg(feature = "s3")]
    fn s3(url: &str) -> AppResult<Self> {
        use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
        use object_store::{BackoffConfig, ClientConfigKey, RetryConfig};
        let rest = &url["s3://".len()..];
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(AppError::invalid(
                "evidence_store",
                format!("`{url}`: name the bucket, as in s3://bucket/prefix"),
            ));
        }
        let mut builder = AmazonS3Builder::new()
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
                "3s",
            )
            .with_config(AmazonS3ConfigKey::Client(ClientConfigKey::Timeout), "60s")
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: std::time::Duration::from_millis(100),
                    max_backoff: std::time::Duration::from_secs(2),
                    base: 2.0,
                },
                max_retries: 3,
                retry_timeout: std::time::Duration::from_secs(10),
            });
        for (key, value) in std::env::vars() {
            if key.starts_with("AWS_")
                && let Ok(k) = key.to_ascii_lowercase().parse::<AmazonS3ConfigKey>()
            {
                builder = builder.with_config(k, value);
            }
        }
        let s3 = builder
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| storage(url, e))?;
        let store: Arc<dyn ObjectStore> = if prefix.trim_matches('/').is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(
                s3,
                prefix.trim_matches('/'),
            ))
        };
        Ok(EvidenceStore {
            store,
            // S3 parts are at least 5 MiB, except the last.
            part_size: 8 * 1024 * 1024,
            folder: None,
        })
    }

    #[cfg(not(feature = "s3"))]
    fn s3(url: &str) -> AppResult<Self> {
        Err(AppError::invalid(
            "evidence_store",
            format!("`{url}`: this build has no S3 support; build the server with `--features s3`"),
        ))
    }

    /// The size of the parts written to the store: the memory one upload holds, at most.
    pub fn part_size(&self) -> usize {
        self.part_size
    }

    /// The local folder, when the store is one.
    pub fn folder_path(&self) -> Option<&std::path::Path> {
        self.folder.as_deref()
    }

    fn key(id: &str) -> AppResult<Key> {
        if !valid_id(id) {
            return Err(AppError::not_found("evidence", id));
        }
        Ok(Key::from(id))
    }

    /// Stores a whole small file (the demo's).
    pub async fn put(&self, id: &str, bytes: Bytes) -> AppResult<()> {
        let key = Self::key(id)?;
        self.store
            .put(&key, PutPayload::from(bytes))
            .await
            .map_err(|e| storage(id, e))?;
        Ok(())
    }

    /// A streaming writer for a new file: nothing is visible under `id` until it finishes;
    /// `abort` removes what was written.
    pub async fn writer(&self, id: &str) -> AppResult<FileWriter> {
        let key = Self::key(id)?;
        if let Some(dir) = &self.folder {
            return folder::FolderWriter::start(dir.clone(), id)
                .await
                .map(FileWriter::Folder)
                .map_err(|e| storage(id, e));
        }
        let upload = self
            .store
            .put_multipart(&key)
            .await
            .map_err(|e| storage(id, e))?;
        Ok(FileWriter::Object(WriteMultipart::new_with_chunk_size(
            upload,
            self.part_size,
        )))
    }

    /// A file's size and its content as a stream; `not_found` when it is missing.
    pub async fn read(
        &self,
        id: &str,
    ) -> AppResult<(u64, BoxStream<'static, Result<Bytes, std::io::Error>>)> {
        let key = Self::key(id)?;
        let got = match self.store.get(&key).await {
            Ok(g) => g,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(AppError::not_found("evidence", id));
            }
            Err(e) => return Err(storage(id, e)),
        };
        let size = got.meta.size;
        let stream = got
            .into_stream()
            .map(|r| r.map_err(std::io::Error::other))
            .boxed();
        Ok((size, stream))
    }

    /// Whether a file exists.
    pub async fn exists(&self, id: &str) -> AppResult<bool> {
        let key = Self::key(id)?;
        match self.store.head(&key).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(storage(id, e)),
        }
    }

    /// Whether the store answers: looks up a key that never exists (`not_found` is the
    /// healthy answer). For the readiness report.
    pub async fn check(&self) -> AppResult<()> {
        match self
            .store
            .head(&Key::from("chamdiem-readiness-probe"))
            .await
        {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage("readiness probe", e)),
        }
    }

    /// Deletes a file (a missing one is not an error).
    pub async fn delete(&self, id: &str) -> AppResult<()> {
        let key = Self::key(id)?;
        match self.store.delete(&key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage(id, e)),
        }
    }

    /// Every stored file: id and last modification (ms since the epoch).
    pub async fn list(&self) -> AppResult<Vec<(String, i64)>> {
        let mut out = Vec::new();
        let mut s = self.store.list(None);
        while let Some(meta) = s.next().await {
            let meta = meta.map_err(|e| storage("list", e))?;
            out.push((
                meta.location.to_string(),
                meta.last_modified.timestamp_millis(),
            ));
        }
        Ok(out)
    }
}

/// What writing a file failed with (its causes lead to the I/O error, if any).
pub type WriteError = Box<dyn std::error::Error + Send + Sync>;

/// A new file being written ([`EvidenceStore::writer`]): into the local folder, flushed as it
/// goes ([`folder`]), or into an object store in parts.
#[derive(Debug)]
pub enum FileWriter {
    /// The local folder.
    Folder(folder::FolderWriter),
    /// Any other store, in parts of [`EvidenceStore::part_size`], at most two being written.
    Object(WriteMultipart),
}

impl FileWriter {
    /// Writes a chunk, waiting while the store is behind.
    pub async fn write(&mut self, chunk: Bytes) -> Result<(), WriteError> {
        match self {
            FileWriter::Folder(w) => Ok(w.write(chunk).await?),
            FileWriter::Object(w) => {
                w.wait_for_capacity(2).await?;
                w.put(chunk);
                Ok(())
            }
        }
    }

    /// Completes the file: durable and visible under its id.
    pub async fn finish(self) -> Result<(), WriteError> {
        match self {
            FileWriter::Folder(w) => Ok(w.finish().await?),
            FileWriter::Object(w) => w.finish().await.map(|_| ()).map_err(Into::into),
        }
    }

    /// Gives up; what was written is removed.
    pub async fn abort(self) -> Result<(), WriteError> {
        match self {
            FileWriter::Folder(w) => Ok(w.abort().await?),
            FileWriter::Object(w) => w.abort().await.map_err(Into::into),
        }
    }
}

/// Every evidence id the stored dossiers refer to.
pub fn referenced(store: &dyn chamdiem::store::Store) -> chamdiem::Result<HashSet<String>> {
    let mut ids = HashSet::new();
    for summary in store.dossiers(&Default::default())? {
        let d = store.dossier_state(&summary.id)?;
        for e in d.entries() {
            ids.extend(e.evidence.iter().map(|x| x.id.clone()));
        }
        ids.extend(d.report().iter().map(|x| x.id.clone()));
    }
    Ok(ids)
}

/// Deletes the files no dossier refers to that are older than `older_than_ms` (an upload in
/// progress keeps its files unreferenced until it ends, so give it more than the upload
/// timeout), and, in a local folder, staging files left by a crash. Returns how many.
pub async fn sweep(state: &crate::AppState, older_than_ms: i64) -> AppResult<usize> {
    let cutoff = state.now().as_millis() - older_than_ms;
    let files = state.evidence.list().await?;
    let keep = state.store(|s| referenced(s)).await?;
    let mut removed = 0;
    for (id, modified) in files {
        if modified < cutoff && !keep.contains(&id) && valid_id(&id) {
            state.evidence.delete(&id).await?;
            tracing::info!(evidence = %id, "deleted an evidence file no dossier refers to");
            removed += 1;
        }
    }
    if let Some(dir) = state.evidence.folder_path() {
        let dir = dir.to_owned();
        let cutoff_time =
            std::time::UNIX_EPOCH + std::time::Duration::from_millis(cutoff.max(0) as u64);
        removed += tokio::task::spawn_blocking(move || -> std::io::Result<usize> {
            let mut n = 0;
            for entry in std::fs::read_dir(&dir)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let staging = name
                    .split_once('#')
                    .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
                if staging && entry.metadata()?.modified()? < cutoff_time {
                    std::fs::remove_file(entry.path())?;
                    n += 1;
                }
            }
            Ok(n)
        })
        .await?
        .map_err(|e| storage("sweeping staging files", e))?;
    }
    Ok(removed)
}
