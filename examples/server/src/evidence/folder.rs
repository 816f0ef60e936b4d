//! Writing a new evidence file into the local folder, durably and without waiting for the
//! disk at the end.
//!
//! The bytes go to a staging file `<id>#1` (a name [`super::sweep`] removes if a crash leaves
//! it), one chunk at a time on a blocking thread while the next chunk is received. Every
//! [`FLUSH_EVERY`] bytes another blocking task asks the kernel to write out what is there so
//! far (`fdatasync`) while writing goes on: the disk works during the upload instead of after
//! it, so the final `fsync` has little left to do. On success the file is fsynced, renamed to
//! `<id>` and the folder fsynced, so an acknowledged file survives a power cut; on a failure,
//! an abort, or if the writer is dropped unfinished, the staging file is removed.

use bytes::Bytes;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// How many bytes are written between two early flushes.
pub const FLUSH_EVERY: u64 = 8 * 1024 * 1024;

/// A file being written into the folder (see the module).
#[derive(Debug)]
pub struct FolderWriter {
    file: Arc<File>,
    staging: PathBuf,
    target: PathBuf,
    dir: PathBuf,
    /// The chunk being written.
    writing: Option<JoinHandle<std::io::Result<()>>>,
    /// The early flush under way.
    flushing: Option<JoinHandle<std::io::Result<()>>>,
    since_flush: u64,
    /// Finished or aborted: nothing to clean up on drop.
    settled: bool,
}

fn joined<T>(r: Result<std::io::Result<T>, tokio::task::JoinError>) -> std::io::Result<T> {
    r.unwrap_or_else(|e| {
        Err(std::io::Error::other(format!(
            "writing the evidence file failed: {e}"
        )))
    })
}

impl FolderWriter {
    /// Creates the staging file of `id` in `dir`.
    pub async fn start(dir: PathBuf, id: &str) -> std::io::Result<FolderWriter> {
        let staging = dir.join(format!("{id}#1"));
        let target = dir.join(id);
        let path = staging.clone();
        let file = joined(
            tokio::task::spawn_blocking(move || {
                OpenOptions::new().write(true).create_new(true).open(path)
            })
            .await,
        )?;
        Ok(FolderWriter {
            file: Arc::new(file),
            staging,
            target,
            dir,
            writing: None,
            flushing: None,
            since_flush: 0,
            settled: false,
        })
    }

    /// Writes a chunk: waits for the previous one, then hands this one to a blocking thread.
    pub async fn write(&mut self, chunk: Bytes) -> std::io::Result<()> {
        if let Some(w) = self.writing.take() {
            joined(w.await)?;
        }
        let file = self.file.clone();
        let len = chunk.len() as u64;
        self.writing = Some(tokio::task::spawn_blocking(move || {
            (&*file).write_all(&chunk)
        }));
        self.since_flush += len;
        if self.since_flush >= FLUSH_EVERY {
            let idle = match &self.flushing {
                Some(f) if !f.is_finished() => false,
                Some(_) => {
                    joined(self.flushing.take().expect("a flush").await)?;
                    true
                }
                None => true,
            };
            // While a flush is still running this one is skipped: the next one, or the final
            // fsync, covers these bytes.
            if idle {
                let file = self.file.clone();
                self.flushing = Some(tokio::task::spawn_blocking(move || file.sync_data()));
                self.since_flush = 0;
            }
        }
        Ok(())
    }

    /// Writes out the rest, fsyncs, and puts the file under its id.
    pub async fn finish(mut self) -> std::io::Result<()> {
        let outcome = self.settle().await;
        let done = match outcome {
            Ok(()) => {
                let (file, staging, target, dir) = (
                    self.file.clone(),
                    self.staging.clone(),
                    self.target.clone(),
                    self.dir.clone(),
                );
                joined(
                    tokio::task::spawn_blocking(move || {
                        file.sync_all()?;
                        std::fs::rename(&staging, &target)?;
                        File::open(&dir)?.sync_all()
                    })
                    .await,
                )
            }
            Err(e) => Err(e),
        };
        if done.is_err() {
            self.remove().await;
        }
        self.settled = true;
        done
    }

    /// Gives up: the staging file is removed.
    pub async fn abort(mut self) -> std::io::Result<()> {
        let _ = self.settle().await;
        self.remove().await;
        self.settled = true;
        Ok(())
    }

    /// Waits for the chunk being written and the flush under way.
    async fn settle(&mut self) -> std::io::Result<()> {
        let written = match self.writing.take() {
            Some(w) => joined(w.await),
            None => Ok(()),
        };
        let flushed = match self.flushing.take() {
            Some(f) => joined(f.await),
            None => Ok(()),
        };
        written.and(flushed)
    }

    async fn remove(&self) {
        let staging = self.staging.clone();
        // Best effort: a staging file left behind is the sweeper's.
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(staging)).await;
    }
}

impl Drop for FolderWriter {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        // Dropped unfinished (the request went away): the staging file goes.
        let staging = self.staging.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => drop(rt.spawn_blocking(move || std::fs::remove_file(staging))),
            Err(_) => drop(std::fs::remove_file(staging)),
        }
    }
}
