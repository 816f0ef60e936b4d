//! The SQLite store (feature `sqlite`): one file holds everything; WAL; migrations embedded and
//! applied on open. See `docs/storage.md` for the schema and the choices.
//!
//! Connections: one writer connection behind a mutex (SQLite admits one writer at a time, so
//! writers queue on the mutex and wake at once instead of sleeping in SQLite's busy handler)
//! and a small pool of reader connections that read in parallel under WAL. Every write
//! transaction begins `IMMEDIATE`, so a read-then-write never fails half-way with
//! `SQLITE_BUSY`; the busy timeout covers other processes holding the lock.

use super::codec::{self, DossierRow, WritePlan, corrupt};
use super::{
    CORE_NAMESPACE, DossierQuery, DossierSummary, Executed, FaultPlan, Migration, SetInfo, Store,
    check_history, check_migrations, check_new_dossier, fault, moved, no_dossier, no_set,
    rank_results, same_identity,
};
use crate::criteria::CriteriaSet;
use crate::dossier::{Dossier, SetRef};
use crate::error::{Error, Result};
use crate::period::Period;
use crate::scoring::{Ranking, Results, ResultsOptions};
use crate::time::Timestamp;
use crate::unit::{Actor, Unit};
use crate::workflow::{Command, Event, State};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Params, Row, params};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::Duration;

/// The rusqlite this store is built on, for hosts' own queries ([`SqliteStore::write`]).
pub use rusqlite;

/// `PRAGMA application_id` of a chamdiem database ("CHMD").
pub const APPLICATION_ID: i32 = 0x4348_4D44;

/// The store's own migrations (namespace `core`).
pub fn core_migrations() -> Vec<Migration> {
    vec![Migration::new(1, "initial", SCHEMA_V1)]
}

const SCHEMA_V1: &str = r#"
CREATE TABLE units (
    id        TEXT PRIMARY KEY,
    code      TEXT NOT NULL,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    parent_id TEXT REFERENCES units(id),
    doc       TEXT NOT NULL
) STRICT;
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE criteria_sets (
    id       TEXT NOT NULL,
    revision INTEGER NOT NULL,
    name     TEXT NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (id, revision)
) STRICT;

CREATE TABLE periods (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    assessing_unit_id TEXT NOT NULL REFERENCES units(id),
    doc               TEXT NOT NULL
) STRICT;

CREATE TABLE dossiers (
    id                TEXT PRIMARY KEY,
    period_id         TEXT NOT NULL REFERENCES periods(id),
    unit_id           TEXT NOT NULL REFERENCES units(id),
    assessing_unit_id TEXT NOT NULL REFERENCES units(id),
    set_id            TEXT NOT NULL,
    set_revision      INTEGER NOT NULL,
    state             TEXT NOT NULL,
    version           INTEGER NOT NULL,
    last_seq          INTEGER NOT NULL,
    opened_at         INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    header            TEXT NOT NULL,
    UNIQUE (period_id, unit_id),
    FOREIGN KEY (set_id, set_revision) REFERENCES criteria_sets(id, revision)
) STRICT;
CREATE INDEX dossiers_period ON dossiers(period_id, id);
CREATE INDEX dossiers_period_state ON dossiers(period_id, state, id);
CREATE INDEX dossiers_unit ON dossiers(unit_id, id);
CREATE INDEX dossiers_assessing ON dossiers(assessing_unit_id, id);
CREATE INDEX dossiers_set ON dossiers(set_id, set_revision);

CREATE TABLE entries (
    dossier_id TEXT NOT NULL REFERENCES dossiers(id),
    position   INTEGER NOT NULL,
    criterion  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL,
    PRIMARY KEY (dossier_id, position)
) STRICT;

CREATE TABLE events (
    dossier_id TEXT NOT NULL REFERENCES dossiers(id),
    seq        INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    actor_user TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_unit TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    type       TEXT NOT NULL,
    criterion  TEXT,
    payload    TEXT NOT NULL,
    PRIMARY KEY (dossier_id, seq)
) STRICT;
CREATE INDEX events_criterion ON events(dossier_id, criterion, seq) WHERE criterion IS NOT NULL;
CREATE INDEX events_actor ON events(actor_user, at);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
"#;

const MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    namespace  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (namespace, version)
) STRICT";

/// `PRAGMA synchronous` in WAL mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// Every commit is on disk before it is acknowledged (the default: a system of record).
    #[default]
    Full,
    /// Commits survive a crash of the process but the last ones may be lost if the machine
    /// loses power; several times faster.
    Normal,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

/// How to open a [`SqliteStore`]. Build with [`SqliteOptions::default`] and the methods.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    synchronous: Synchronous,
    busy_timeout: Duration,
    readers: usize,
    cache: usize,
    read_only: bool,
    migrations: Vec<(String, Vec<Migration>)>,
    faults: Option<Arc<FaultPlan>>,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            synchronous: Synchronous::Full,
            busy_timeout: Duration::from_secs(5),
            readers: 4,
            cache: 256,
            read_only: false,
            migrations: Vec::new(),
            faults: None,
        }
    }
}

impl SqliteOptions {
    /// `PRAGMA synchronous` (default [`Synchronous::Full`]).
    pub fn synchronous(mut self, s: Synchronous) -> Self {
        self.synchronous = s;
        self
    }
    /// How long to wait for another process's lock before failing with a transient error
    /// (default 5 s).
    pub fn busy_timeout(mut self, t: Duration) -> Self {
        self.busy_timeout = t;
        self
    }
    /// The most reader connections (default 4; 0 reads on the writer connection).
    pub fn readers(mut self, n: usize) -> Self {
        self.readers = n;
        self
    }
    /// How many dossier states to keep decoded in memory (default 256; 0: none). A cached
    /// state is used only while the stored dossier is still at the same version (checked in
    /// the same transaction), so it is never stale; it saves decoding the entries again.
    pub fn cache(mut self, dossiers: usize) -> Self {
        self.cache = dossiers;
        self
    }
    /// Opens the file read-only: reads work, writes fail with a `storage` error, and nothing
    /// is migrated (the schema must be current).
    pub fn read_only(mut self, yes: bool) -> Self {
        self.read_only = yes;
        self
    }
    /// Registers a host's migrations under `namespace` (e.g. `server`), applied on open after
    /// the core's, in the same migrations table.
    pub fn migrations(mut self, namespace: &str, migrations: Vec<Migration>) -> Self {
        self.migrations.push((namespace.to_owned(), migrations));
        self
    }
    /// Consults `faults` before every statement (for reliability tests).
    pub fn faults(mut self, faults: Arc<FaultPlan>) -> Self {
        self.faults = Some(faults);
        self
    }
}

/// Maps a rusqlite error to the core's error: busy and locked are transient; a full disk, a
/// read-only file, a file that is not a database and corruption say so.
pub(crate) fn sql_error(e: rusqlite::Error) -> Error {
    let message = e.to_string();
    let (message, transient) = match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => (
            format!("the database is busy (another connection holds the lock): {message}"),
            true,
        ),
        Some(ErrorCode::DiskFull) => (
            format!("the disk is full; nothing was written: {message}"),
            false,
        ),
        Some(ErrorCode::ReadOnly) => (
            format!("the database is read-only; nothing was written: {message}"),
            false,
        ),
        Some(ErrorCode::NotADatabase) => (
            format!("the file is not a SQLite database: {message}"),
            false,
        ),
        Some(ErrorCode::DatabaseCorrupt) => {
            (format!("the database file is corrupt: {message}"), false)
        }
        Some(ErrorCode::CannotOpen) => (
            format!("the database file cannot be opened: {message}"),
            false,
        ),
        Some(ErrorCode::SystemIoFailure) => (format!("I/O error: {message}"), false),
        _ => (format!("SQLite: {message}"), false),
    };
    Error::Storage { message, transient }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        sql_error(e)
    }
}

/// A connection inside a transaction, with fault points before every statement.
struct Db<'a> {
    conn: &'a Connection,
    faults: &'a Option<Arc<FaultPlan>>,
}

impl Db<'_> {
    fn exec<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        fault(self.faults, sql)?;
        let mut st = self.conn.prepare_cached(sql).map_err(sql_error)?;
        st.execute(params).map_err(sql_error)
    }

    fn row<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        fault(self.faults, sql)?;
        let mut st = self.conn.prepare_cached(sql).map_err(sql_error)?;
        st.query_row(params, f).optional().map_err(sql_error)
    }

    fn rows<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        mut f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        fault(self.faults, sql)?;
        let mut st = self.conn.prepare_cached(sql).map_err(sql_error)?;
        let rows = st.query_map(params, |r| f(r)).map_err(sql_error)?;
        rows.collect::<rusqlite::Result<Vec<T>>>()
            .map_err(sql_error)
    }

    fn exists(&self, sql: &str, id: &str) -> Result<bool> {
        Ok(self.row(sql, [id], |_| Ok(()))?.is_some())
    }
}

struct Readers {
    idle: Vec<Connection>,
    open: usize,
}

/// The SQLite [`Store`]. Cheap to share (`Arc<SqliteStore>`); safe to use from many threads.
pub struct SqliteStore {
    path: Option<PathBuf>,
    writer: Mutex<Connection>,
    readers: Mutex<Readers>,
    reader_freed: Condvar,
    options: SqliteOptions,
    sets: RwLock<HashMap<(String, u32), Arc<CriteriaSet>>>,
    states: Mutex<HashMap<String, Cached>>,
    queue: Mutex<Queue>,
    answered: Condvar,
}

/// Commands waiting for the writer. Whoever holds the writer runs every command waiting, each
/// in a savepoint of one transaction, and commits once (group commit): under concurrent
/// saves, one `fsync` acknowledges many. A command's answer is given only after the commit.
#[derive(Default)]
struct Queue {
    next: u64,
    /// Whether a command's thread is running a batch (or waiting for the writer to).
    leader: bool,
    waiting: Vec<Job>,
    done: HashMap<u64, Result<Executed>>,
}

/// The batch's leader: when it ends, even by a panic, its commands are answered (a command
/// left without an answer gets an error), the next leader may start, and the waiting wake.
struct Leading<'a> {
    store: &'a SqliteStore,
    tickets: Vec<u64>,
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        let mut q = lock(&self.store.queue);
        for t in self.tickets.drain(..) {
            q.done.entry(t).or_insert_with(|| {
                Err(Error::storage(
                    "the command's batch failed before it was answered; nothing was written",
                ))
            });
        }
        q.leader = false;
        drop(q);
        self.store.answered.notify_all();
    }
}

/// One queued [`Store::execute`].
struct Job {
    ticket: u64,
    dossier: String,
    actor: Actor,
    command: Command,
    now: Timestamp,
}

/// What a command leaves for the cache once committed: the new state, its last event, and
/// its history when at hand.
type After = (Dossier, i64, Option<Arc<Vec<Event>>>);

/// A decoded dossier state and the (version, last event) it was stored at.
struct Cached {
    version: i64,
    last_seq: i64,
    state: Arc<Dossier>,
    /// The history too, once a full load read it (and not for very long histories).
    history: Option<Arc<Vec<Event>>>,
}

/// Histories longer than this are not cached.
const CACHED_HISTORY_MAX: usize = 5_000;

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in a host closure cannot leave a connection inside a transaction: rusqlite's
    // `Transaction` rolls back when dropped during unwinding.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn context(path: &Path, e: Error) -> Error {
    match e {
        Error::Storage { message, transient } => Error::Storage {
            message: format!("{}: {message}", path.display()),
            transient,
        },
        other => other,
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` with the default options, and
    /// applies the migrations it lacks.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Opens the database file at `path` with `options`.
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> Result<SqliteStore> {
        let path = path.as_ref();
        for (ns, m) in &options.migrations {
            check_migrations(ns, m)?;
        }
        let writer = open_connection(path, &options, true).map_err(|e| context(path, e))?;
        let store = SqliteStore {
            path: Some(path.to_owned()),
            writer: Mutex::new(writer),
            readers: Mutex::new(Readers {
                idle: Vec::new(),
                open: 0,
            }),
            reader_freed: Condvar::new(),
            options,
            sets: RwLock::default(),
            states: Mutex::default(),
            queue: Mutex::default(),
            answered: Condvar::new(),
        };
        {
            let conn = lock(&store.writer);
            prepare_schema(&conn, &store.options).map_err(|e| context(path, e))?;
        }
        Ok(store)
    }

    /// A store in memory (one connection; nothing survives the store), with the default
    /// options.
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::open_in_memory_with(SqliteOptions::default())
    }

    /// A store in memory with `options` (readers are not used).
    pub fn open_in_memory_with(options: SqliteOptions) -> Result<SqliteStore> {
        for (ns, m) in &options.migrations {
            check_migrations(ns, m)?;
        }
        let conn = Connection::open_in_memory().map_err(sql_error)?;
        configure(&conn, &options, false)?;
        prepare_schema(&conn, &options)?;
        Ok(SqliteStore {
            path: None,
            writer: Mutex::new(conn),
            readers: Mutex::new(Readers {
                idle: Vec::new(),
                open: 0,
            }),
            reader_freed: Condvar::new(),
            options: options.readers(0),
            sets: RwLock::default(),
            states: Mutex::default(),
            queue: Mutex::default(),
            answered: Condvar::new(),
        })
    }

    /// Commands waiting for the writer now: the next holder of the writer runs them all in
    /// one transaction. A gauge for monitoring; it says how deep the write queue is.
    pub fn waiting_commands(&self) -> usize {
        lock(&self.queue).waiting.len()
    }

    /// The database file (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Writes a consistent copy of the whole database to `target` (which must not exist) while
    /// the store keeps working: `VACUUM INTO`, a read transaction that never blocks writers.
    /// The copy is a compact, standalone database file that [`SqliteStore::open`] opens.
    pub fn backup_to(&self, target: impl AsRef<Path>) -> Result<()> {
        let target = target.as_ref();
        if target.exists() {
            return Err(Error::AlreadyExists {
                kind: "file".into(),
                id: target.display().to_string(),
            });
        }
        let t = target
            .to_str()
            .ok_or_else(|| Error::invalid_input("target", "the backup path must be valid UTF-8"))?;
        fault(&self.options.faults, "VACUUM INTO")?;
        let run = |conn: &Connection| conn.execute("VACUUM INTO ?1", [t]).map_err(sql_error);
        match &self.path {
            // A connection of its own: the copy is one read transaction, so it neither blocks
            // the writer nor waits for it.
            Some(path) => {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(sql_error)?;
                conn.busy_timeout(self.options.busy_timeout)
                    .map_err(sql_error)?;
                run(&conn)
            }
            None => run(&lock(&self.writer)),
        }
        .map(|_| ())
        .map_err(|e| context(target, e))
    }

    /// Runs the host's own statements in one write transaction (`BEGIN IMMEDIATE`) on the
    /// store's writer connection: committed if `f` returns `Ok`, rolled back otherwise. Use it
    /// for the tables a host registered with [`SqliteOptions::migrations`].
    pub fn write<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        if self.options.read_only {
            return Err(read_only().into());
        }
        let mut conn = lock(&self.writer);
        fault(&self.options.faults, "BEGIN IMMEDIATE")?;
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql_error)?;
        let out = f(&tx)?;
        fault(&self.options.faults, "COMMIT")?;
        tx.commit().map_err(sql_error)?;
        Ok(out)
    }

    /// Runs the host's own queries in one read transaction (a consistent snapshot) on a reader
    /// connection (`PRAGMA query_only` is on there).
    pub fn read<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut out = None;
        self.with_reader(|conn| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)
                .map_err(sql_error)?;
            out = Some(f(&tx));
            Ok(())
        })?;
        out.unwrap_or_else(|| Err(Error::storage("the read did not run").into()))
    }

    /// The schema versions applied, per namespace (`core`, and the hosts').
    pub fn schema_versions(&self) -> Result<Vec<(String, u32)>> {
        self.with_reader(|conn| {
            let mut st = conn
                .prepare(
                    "SELECT namespace, MAX(version) FROM schema_migrations GROUP BY namespace \
                     ORDER BY namespace",
                )
                .map_err(sql_error)?;
            let rows = st
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
                .map_err(sql_error)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(sql_error)
        })
    }

    /// Runs `PRAGMA integrity_check` and returns its report (`["ok"]` when sound).
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        self.with_reader(|conn| {
            let mut st = conn.prepare("PRAGMA integrity_check").map_err(sql_error)?;
            let rows = st
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(sql_error)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(sql_error)
        })
    }

    fn with_reader<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        if self.options.readers == 0 || self.path.is_none() {
            let mut conn = lock(&self.writer);
            return f(&mut conn);
        }
        let mut conn = {
            let mut r = lock(&self.readers);
            loop {
                if let Some(c) = r.idle.pop() {
                    break c;
                }
                if r.open < self.options.readers {
                    r.open += 1;
                    drop(r);
                    let path = self.path.as_deref().unwrap_or(Path::new(""));
                    match open_connection(path, &self.options, false) {
                        Ok(c) => break c,
                        Err(e) => {
                            lock(&self.readers).open -= 1;
                            self.reader_freed.notify_one();
                            return Err(context(path, e));
                        }
                    }
                }
                r = self.reader_freed.wait(r).unwrap_or_else(|p| p.into_inner());
            }
        };
        let out = f(&mut conn);
        // A connection left inside a transaction (an error while committing) is closed.
        let mut r = lock(&self.readers);
        if conn.is_autocommit() {
            r.idle.push(conn);
        } else {
            r.open -= 1;
        }
        drop(r);
        self.reader_freed.notify_one();
        out
    }

    /// A read transaction for the store's own queries.
    fn read_tx<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        self.with_reader(|conn| {
            fault(&self.options.faults, "BEGIN")?;
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)
                .map_err(sql_error)?;
            let out = f(&Db {
                conn: &tx,
                faults: &self.options.faults,
            })?;
            tx.commit().map_err(sql_error)?;
            Ok(out)
        })
    }

    /// A write transaction (`BEGIN IMMEDIATE`) for the store's own statements.
    fn write_tx<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        self.write(|tx| {
            f(&Db {
                conn: tx,
                faults: &self.options.faults,
            })
        })
    }

    fn set(&self, db: &Db<'_>, id: &str, revision: u32) -> Result<Arc<CriteriaSet>> {
        if let Some(s) = self
            .sets
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(id.to_owned(), revision))
        {
            return Ok(s.clone());
        }
        let doc = db
            .row(
                "SELECT doc FROM criteria_sets WHERE id = ?1 AND revision = ?2",
                params![id, revision],
                |r| r.get::<_, String>(0),
            )?
            .ok_or_else(|| no_set(id, revision))?;
        let set = Arc::new(codec::decode_set(id, revision.into(), &doc)?);
        // Sets are immutable once stored, so a cached set never goes stale.
        self.sets
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert((id.to_owned(), revision), set.clone());
        Ok(set)
    }

    /// Loads a dossier's state (and history), from the cache when the stored version and last
    /// event still match. Returns the dossier, its last event's sequence number, and its
    /// history when it was at hand (cached, or loaded).
    #[allow(clippy::type_complexity)]
    ///
    /// `take` (for a write) moves the cached entry out instead of copying it: the write
    /// puts the new state back once committed.
    fn load_cached(
        &self,
        db: &Db<'_>,
        id: &str,
        with_history: bool,
        take: bool,
    ) -> Result<Option<(Dossier, i64, Option<Arc<Vec<Event>>>)>> {
        let mut cached = None;
        if self.options.cache > 0 {
            let Some((version, last_seq)) = db.row(
                "SELECT version, last_seq FROM dossiers WHERE id = ?1",
                [id],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )?
            else {
                return Ok(None);
            };
            let mut states = lock(&self.states);
            let fresh = states
                .get(id)
                .is_some_and(|c| c.version == version && c.last_seq == last_seq);
            if fresh && take {
                cached = states.remove(id).map(|c| (c.state, c.last_seq, c.history));
            } else if fresh {
                cached = states
                    .get(id)
                    .map(|c| (c.state.clone(), c.last_seq, c.history.clone()));
            }
        }
        let (d, last_seq, mut history) = match cached {
            Some((state, last_seq, history)) => (
                Arc::try_unwrap(state).unwrap_or_else(|s| (*s).clone()),
                last_seq,
                history,
            ),
            None => {
                let Some((row, last_seq)) = db.row(
                    "SELECT id, version, state, header, last_seq FROM dossiers WHERE id = ?1",
                    [id],
                    |r| {
                        Ok((
                            DossierRow {
                                id: r.get(0)?,
                                version: r.get(1)?,
                                state: r.get(2)?,
                                header: r.get(3)?,
                            },
                            r.get::<_, i64>(4)?,
                        ))
                    },
                )?
                else {
                    return Ok(None);
                };
                let entries = db.rows(
                    "SELECT position, data FROM entries WHERE dossier_id = ?1 ORDER BY position",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                (codec::assemble(row, entries, None)?, last_seq, None)
            }
        };
        if with_history && history.is_none() {
            let events = db.rows(
                "SELECT seq, payload FROM events WHERE dossier_id = ?1 ORDER BY seq",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            history = Some(Arc::new(codec::with_history(d.clone(), events)?.history));
        }
        if !take {
            self.remember(d.clone(), last_seq, history.clone());
        }
        Ok(Some((d, last_seq, history)))
    }

    fn load(&self, db: &Db<'_>, id: &str, with_history: bool) -> Result<Option<(Dossier, i64)>> {
        Ok(self
            .load_cached(db, id, with_history, false)?
            .map(|(mut d, last_seq, history)| {
                if with_history && let Some(h) = history {
                    d.history = (*h).clone();
                }
                (d, last_seq)
            }))
    }

    /// Keeps a decoded state (and its history, if at hand) for the next load at the same
    /// version.
    fn remember(&self, mut d: Dossier, last_seq: i64, history: Option<Arc<Vec<Event>>>) {
        if self.options.cache == 0 {
            return;
        }
        let history = history.filter(|h| h.len() <= CACHED_HISTORY_MAX);
        let mut states = lock(&self.states);
        if let Some(c) = states.get_mut(&d.id)
            && c.version == d.version as i64
            && c.last_seq == last_seq
        {
            if c.history.is_none() {
                c.history = history;
            }
            return;
        }
        if states.len() >= self.options.cache && !states.contains_key(&d.id) {
            // Evict one entry; which one matters little for a cache this small and cheap to refill.
            if let Some(k) = states.keys().next().cloned() {
                states.remove(&k);
            }
        }
        d.history.clear();
        states.insert(
            d.id.clone(),
            Cached {
                version: d.version as i64,
                last_seq,
                state: Arc::new(d),
                history,
            },
        );
    }

    /// Runs `jobs` in one write transaction, each in a savepoint (a refused or failed command
    /// leaves nothing behind and does not stop the others), commits once, then updates the
    /// cache. If the transaction cannot begin or commit, every command fails with that error
    /// and nothing is written.
    fn run_batch(&self, conn: &mut Connection, jobs: &[Job]) -> Vec<Result<Executed>> {
        let all = |e: Error| jobs.iter().map(|_| Err(e.clone())).collect();
        if let Err(e) = fault(&self.options.faults, "BEGIN IMMEDIATE") {
            return all(e);
        }
        let mut tx = match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        {
            Ok(tx) => tx,
            Err(e) => return all(sql_error(e)),
        };
        let mut results = Vec::with_capacity(jobs.len());
        let mut after: Vec<After> = Vec::new();
        for job in jobs {
            let result = match tx.savepoint() {
                Ok(mut sp) => {
                    let db = Db {
                        conn: &sp,
                        faults: &self.options.faults,
                    };
                    match self.execute_one(&db, job) {
                        Ok((done, state)) => match sp.commit() {
                            Ok(()) => {
                                after.extend(state);
                                Ok(done)
                            }
                            // Not released, the savepoint would be committed with the rest.
                            Err(e) => return all(sql_error(e)),
                        },
                        Err(e) => {
                            let undone = sp.rollback().and_then(|()| sp.commit());
                            match undone {
                                Ok(()) => Err(e),
                                // The savepoint could not be undone: the whole batch goes.
                                Err(u) => return all(sql_error(u)),
                            }
                        }
                    }
                }
                Err(e) => Err(sql_error(e)),
            };
            results.push(result);
        }
        if let Err(e) = fault(&self.options.faults, "COMMIT") {
            // The transaction rolls back when dropped.
            return all(e);
        }
        if let Err(e) = tx.commit() {
            return all(sql_error(e));
        }
        // Only once committed: the cache holds nothing the database does not.
        for (d, last_seq, history) in after {
            self.remember(d, last_seq, history);
        }
        results
    }

    /// One command inside the batch's transaction: the answer, and what the cache gets once
    /// committed.
    fn execute_one(&self, db: &Db<'_>, job: &Job) -> Result<(Executed, Option<After>)> {
        let (mut d, last_seq, history) = self
            .load_cached(db, &job.dossier, false, true)?
            .ok_or_else(|| no_dossier(&job.dossier))?;
        let set = self.set(db, &d.criteria_set.id, d.criteria_set.revision)?;
        let base = d.version;
        let events = d.execute(&set, &job.actor, &job.command, job.now)?;
        let done = Executed {
            version: d.version,
            state: d.state,
            events: Vec::new(),
        };
        if events.is_empty() {
            // Nothing written: the state taken from the cache goes back as it was.
            return Ok((done, Some((d, last_seq, history))));
        }
        let plan = codec::plan(&d, base, last_seq, &events);
        self.write_plan(db, &job.dossier, &plan)?;
        // A cached history grows by the new events; else the next full load reads it.
        let history = history.map(|h| {
            let mut h = Arc::try_unwrap(h).unwrap_or_else(|h| (*h).clone());
            h.extend(events.iter().cloned());
            Arc::new(h)
        });
        Ok((
            Executed { events, ..done },
            Some((d, plan.last_seq, history)),
        ))
    }

    fn write_plan(&self, db: &Db<'_>, id: &str, plan: &WritePlan) -> Result<()> {
        for (pos, criterion, version, data) in &plan.entries {
            let n = db.exec(
                "UPDATE entries SET version = ?1, data = ?2 \
                 WHERE dossier_id = ?3 AND position = ?4 AND criterion = ?5",
                params![version, data, id, pos, criterion],
            )?;
            if n != 1 {
                return Err(Error::invalid_input(
                    "entries",
                    format!("dossier `{id}` has no entry for criterion `{criterion}` at {pos}"),
                ));
            }
        }
        insert_events(db, id, plan)?;
        db.exec(
            "UPDATE dossiers SET state = ?1, version = ?2, last_seq = ?3, updated_at = ?4, \
             header = ?5 WHERE id = ?6",
            params![
                plan.state,
                plan.version,
                plan.last_seq,
                plan.updated_at,
                plan.header,
                id
            ],
        )?;
        Ok(())
    }

    fn events(&self, dossier: &str, criterion: Option<&str>) -> Result<Vec<Event>> {
        self.read_tx(|db| {
            if !db.exists("SELECT 1 FROM dossiers WHERE id = ?1", dossier)? {
                return Err(no_dossier(dossier));
            }
            let rows: Vec<(i64, String)> = match criterion {
                None => db.rows(
                    "SELECT seq, payload FROM events WHERE dossier_id = ?1 ORDER BY seq",
                    [dossier],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?,
                Some(c) => db.rows(
                    "SELECT seq, payload FROM events WHERE dossier_id = ?1 AND criterion = ?2 \
                     ORDER BY seq",
                    [dossier, c],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?,
            };
            rows.iter()
                .map(|(seq, p)| codec::decode_event(dossier, *seq, p))
                .collect()
        })
    }
}

fn read_only() -> Error {
    Error::storage("the store was opened read-only; nothing was written")
}

fn insert_events(db: &Db<'_>, id: &str, plan: &WritePlan) -> Result<()> {
    for e in &plan.events {
        db.exec(
            "INSERT INTO events (dossier_id, seq, version, at, actor_user, actor_role, \
             actor_unit, from_state, to_state, type, criterion, payload) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                id,
                e.seq,
                e.version,
                e.at,
                e.actor_user,
                e.actor_role,
                e.actor_unit,
                e.from,
                e.to,
                e.kind,
                e.criterion,
                e.payload
            ],
        )?;
    }
    Ok(())
}

fn open_connection(path: &Path, options: &SqliteOptions, writer: bool) -> Result<Connection> {
    match try_open(path, options, writer) {
        Err(Error::Storage { message, .. }) if path.exists() && !writable(path) => {
            if options.read_only {
                // A WAL database on read-only media has no `-shm` file and cannot create one:
                // SQLite reads it only as immutable, which it is there.
                return open_immutable(path, options);
            }
            Err(Error::storage(format!(
                "the database file is read-only (its permissions, or a read-only file system): \
                 open it with SqliteOptions::read_only(true) to read it ({message})"
            )))
        }
        other => other,
    }
}

/// Whether the file and its folder can be written (SQLite needs both in WAL mode).
fn writable(path: &Path) -> bool {
    let file = std::fs::OpenOptions::new().write(true).open(path).is_ok();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let probe = dir.join(format!(".chamdiem-probe-{}", std::process::id()));
    let folder = std::fs::File::create(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    file && folder
}

fn open_immutable(path: &Path, options: &SqliteOptions) -> Result<Connection> {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql_error)?;
    configure(&conn, options, true)?;
    Ok(conn)
}

fn try_open(path: &Path, options: &SqliteOptions, writer: bool) -> Result<Connection> {
    let flags = if options.read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else if writer {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(sql_error)?;
    configure(&conn, options, !writer)?;
    Ok(conn)
}

/// Busy timeout, foreign keys, WAL, synchronous; readers are `query_only`.
fn configure(conn: &Connection, options: &SqliteOptions, reader: bool) -> Result<()> {
    conn.busy_timeout(options.busy_timeout).map_err(sql_error)?;
    // The first read of the file: a file that is not a database fails here, untouched.
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(sql_error)?;
    if app_id != 0 && app_id != APPLICATION_ID {
        return Err(Error::storage(format!(
            "the file is a SQLite database of another application (application_id {app_id:#x}), \
             not a chamdiem database"
        )));
    }
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(sql_error)?;
    conn.set_prepared_statement_cache_capacity(64);
    if options.read_only || reader {
        conn.pragma_update(None, "query_only", "ON")
            .map_err(sql_error)?;
        return Ok(());
    }
    if conn.is_readonly(rusqlite::MAIN_DB).map_err(sql_error)? {
        return Err(Error::storage(
            "the database file is read-only (its permissions, or a read-only file system): \
             open it with SqliteOptions::read_only(true) to read it",
        ));
    }
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(sql_error)?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        return Err(Error::storage(format!(
            "could not switch the database to WAL mode (it stays in `{mode}` mode)"
        )));
    }
    conn.pragma_update(None, "synchronous", options.synchronous.pragma())
        .map_err(sql_error)?;
    Ok(())
}

/// Refuses databases of a newer schema; applies the missing migrations (core first, then
/// each host namespace) in one `IMMEDIATE` transaction.
fn prepare_schema(conn: &Connection, options: &SqliteOptions) -> Result<()> {
    let core = core_migrations();
    let mut all: Vec<(&str, &[Migration])> = vec![(CORE_NAMESPACE, &core)];
    for (ns, m) in &options.migrations {
        all.push((ns.as_str(), m));
    }
    let applied = |conn: &Connection| -> Result<Option<HashMap<String, u32>>> {
        let has: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = \
                 'schema_migrations')",
                [],
                |r| r.get(0),
            )
            .map_err(sql_error)?;
        if !has {
            let tables: i64 = conn
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE \
                     'sqlite_%'",
                    [],
                    |r| r.get(0),
                )
                .map_err(sql_error)?;
            if tables > 0 {
                return Err(Error::storage(
                    "the database has tables but no chamdiem schema: it belongs to another \
                     application",
                ));
            }
            return Ok(None);
        }
        let mut st = conn
            .prepare("SELECT namespace, MAX(version) FROM schema_migrations GROUP BY namespace")
            .map_err(sql_error)?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
            .map_err(sql_error)?;
        Ok(Some(
            rows.collect::<rusqlite::Result<HashMap<_, _>>>()
                .map_err(sql_error)?,
        ))
    };
    let check = |have: &HashMap<String, u32>| -> Result<bool> {
        let mut missing = false;
        for (ns, m) in &all {
            let v = have.get(*ns).copied().unwrap_or(0);
            if v as usize > m.len() {
                return Err(Error::storage(format!(
                    "the database schema `{ns}` is at version {v}, newer than version {} which \
                     this release knows: upgrade the software (the data was not touched)",
                    m.len()
                )));
            }
            missing |= (v as usize) < m.len();
        }
        Ok(missing)
    };
    let before = applied(conn)?;
    let missing = check(before.as_ref().unwrap_or(&HashMap::new()))?;
    if !missing {
        return Ok(());
    }
    if options.read_only {
        return Err(Error::storage(
            "the database schema is older than this release: open it read-write once to migrate \
             it",
        ));
    }
    conn.execute_batch("BEGIN IMMEDIATE").map_err(sql_error)?;
    let result = (|| {
        // Another process may have migrated while we waited for the lock: check again.
        let have = applied(conn)?.unwrap_or_default();
        check(&have)?;
        conn.execute_batch(MIGRATIONS_TABLE).map_err(sql_error)?;
        for (ns, migrations) in &all {
            let v = have.get(*ns).copied().unwrap_or(0) as usize;
            for m in &migrations[v..] {
                conn.execute_batch(&m.sql).map_err(|e| {
                    let e = sql_error(e);
                    Error::storage(format!(
                        "migration {ns} {} `{}` failed: {e}",
                        m.version, m.name
                    ))
                })?;
                conn.execute(
                    "INSERT INTO schema_migrations (namespace, version, name, applied_at) \
                     VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    params![ns, m.version, m.name],
                )
                .map_err(sql_error)?;
            }
        }
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(sql_error)?;
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT").map_err(sql_error),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn summary(r: &Row<'_>) -> rusqlite::Result<(DossierSummaryRow, String)> {
    Ok((
        DossierSummaryRow {
            id: r.get(0)?,
            period: r.get(1)?,
            unit: r.get(2)?,
            assessing_unit: r.get(3)?,
            set_id: r.get(4)?,
            set_revision: r.get(5)?,
            version: r.get(7)?,
            updated_at: r.get(8)?,
        },
        r.get(6)?,
    ))
}

struct DossierSummaryRow {
    id: String,
    period: String,
    unit: String,
    assessing_unit: String,
    set_id: String,
    set_revision: u32,
    version: i64,
    updated_at: i64,
}

fn to_summary(row: DossierSummaryRow, state: &str) -> Result<DossierSummary> {
    let state = State::parse(state).ok_or_else(|| {
        corrupt(format!(
            "dossier `{}`: unknown state `{state}` in the stored row",
            row.id
        ))
    })?;
    Ok(DossierSummary {
        criteria_set: SetRef {
            id: row.set_id,
            revision: row.set_revision,
        },
        id: row.id,
        period: row.period,
        unit: row.unit,
        assessing_unit: row.assessing_unit,
        state,
        version: row.version as u64,
        updated_at: Timestamp::from_millis(row.updated_at),
    })
}

impl Store for SqliteStore {
    fn insert_unit(&self, unit: &Unit) -> Result<()> {
        unit.validate()?;
        self.write_tx(|db| {
            if db.exists("SELECT 1 FROM units WHERE id = ?1", &unit.id)? {
                return Err(Error::AlreadyExists {
                    kind: "unit".into(),
                    id: unit.id.clone(),
                });
            }
            if let Some(p) = &unit.parent
                && !db.exists("SELECT 1 FROM units WHERE id = ?1", p)?
            {
                return Err(Error::not_found("unit", p.clone()));
            }
            db.exec(
                "INSERT INTO units (id, code, name, kind, parent_id, doc) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    unit.id,
                    unit.code,
                    unit.name,
                    unit.kind.as_str(),
                    unit.parent,
                    serde_json::to_string(unit).unwrap_or_default()
                ],
            )?;
            Ok(())
        })
    }

    fn update_unit(&self, unit: &Unit) -> Result<()> {
        unit.validate()?;
        self.write_tx(|db| {
            if !db.exists("SELECT 1 FROM units WHERE id = ?1", &unit.id)? {
                return Err(Error::not_found("unit", unit.id.clone()));
            }
            if let Some(p) = &unit.parent
                && !db.exists("SELECT 1 FROM units WHERE id = ?1", p)?
            {
                return Err(Error::not_found("unit", p.clone()));
            }
            db.exec(
                "UPDATE units SET code = ?2, name = ?3, kind = ?4, parent_id = ?5, doc = ?6 \
                 WHERE id = ?1",
                params![
                    unit.id,
                    unit.code,
                    unit.name,
                    unit.kind.as_str(),
                    unit.parent,
                    serde_json::to_string(unit).unwrap_or_default()
                ],
            )?;
            Ok(())
        })
    }

    fn unit(&self, id: &str) -> Result<Unit> {
        let doc = self.read_tx(|db| {
            db.row("SELECT doc FROM units WHERE id = ?1", [id], |r| {
                r.get::<_, String>(0)
            })
        })?;
        codec::decode_unit(id, &doc.ok_or_else(|| Error::not_found("unit", id))?)
    }

    fn units(&self) -> Result<Vec<Unit>> {
        let rows = self.read_tx(|db| {
            db.rows("SELECT id, doc FROM units ORDER BY id", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
        })?;
        rows.iter()
            .map(|(id, doc)| codec::decode_unit(id, doc))
            .collect()
    }

    fn insert_criteria_set(&self, set: &CriteriaSet) -> Result<()> {
        let doc = set.to_json();
        self.write_tx(|db| {
            let old = db.row(
                "SELECT doc FROM criteria_sets WHERE id = ?1 AND revision = ?2",
                params![set.id(), set.revision()],
                |r| r.get::<_, String>(0),
            )?;
            if let Some(old) = old {
                let old = codec::decode_set(set.id(), set.revision().into(), &old)?;
                return if old == *set {
                    Ok(())
                } else {
                    Err(Error::AlreadyExists {
                        kind: "criteria_set".into(),
                        id: format!("{} revision {}", set.id(), set.revision()),
                    })
                };
            }
            db.exec(
                "INSERT INTO criteria_sets (id, revision, name, doc) VALUES (?1, ?2, ?3, ?4)",
                params![set.id(), set.revision(), set.name(), doc],
            )?;
            Ok(())
        })
    }

    fn criteria_set(&self, id: &str, revision: u32) -> Result<CriteriaSet> {
        self.read_tx(|db| self.set(db, id, revision))
            .map(|s| (*s).clone())
    }

    fn criteria_sets(&self) -> Result<Vec<SetInfo>> {
        self.read_tx(|db| {
            db.rows(
                "SELECT id, revision, name FROM criteria_sets ORDER BY id, revision",
                [],
                |r| {
                    Ok(SetInfo {
                        id: r.get(0)?,
                        revision: r.get(1)?,
                        name: r.get(2)?,
                    })
                },
            )
        })
    }

    fn insert_period(&self, period: &Period) -> Result<()> {
        period.validate()?;
        self.write_tx(|db| {
            if db.exists("SELECT 1 FROM periods WHERE id = ?1", &period.id)? {
                return Err(Error::AlreadyExists {
                    kind: "period".into(),
                    id: period.id.clone(),
                });
            }
            check_period_refs(db, period)?;
            db.exec(
                "INSERT INTO periods (id, name, assessing_unit_id, doc) VALUES (?1, ?2, ?3, ?4)",
                params![
                    period.id,
                    period.name,
                    period.assessing_unit,
                    period.to_json()
                ],
            )?;
            Ok(())
        })
    }

    fn update_period(&self, period: &Period) -> Result<()> {
        period.validate()?;
        self.write_tx(|db| {
            if !db.exists("SELECT 1 FROM periods WHERE id = ?1", &period.id)? {
                return Err(Error::not_found("period", period.id.clone()));
            }
            check_period_refs(db, period)?;
            db.exec(
                "UPDATE periods SET name = ?2, assessing_unit_id = ?3, doc = ?4 WHERE id = ?1",
                params![
                    period.id,
                    period.name,
                    period.assessing_unit,
                    period.to_json()
                ],
            )?;
            Ok(())
        })
    }

    fn period(&self, id: &str) -> Result<Period> {
        let doc = self.read_tx(|db| {
            db.row("SELECT doc FROM periods WHERE id = ?1", [id], |r| {
                r.get::<_, String>(0)
            })
        })?;
        codec::decode_period(id, &doc.ok_or_else(|| Error::not_found("period", id))?)
    }

    fn periods(&self) -> Result<Vec<Period>> {
        let rows = self.read_tx(|db| {
            db.rows("SELECT id, doc FROM periods ORDER BY id", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
        })?;
        rows.iter()
            .map(|(id, doc)| codec::decode_period(id, doc))
            .collect()
    }

    fn insert_dossier(&self, dossier: &Dossier) -> Result<()> {
        let d = dossier;
        self.write_tx(|db| {
            if db.exists("SELECT 1 FROM dossiers WHERE id = ?1", &d.id)? {
                return Err(Error::AlreadyExists {
                    kind: "dossier".into(),
                    id: d.id.clone(),
                });
            }
            if !db.exists("SELECT 1 FROM periods WHERE id = ?1", &d.period)? {
                return Err(Error::not_found("period", d.period.clone()));
            }
            for u in [&d.unit, &d.assessing_unit] {
                if !db.exists("SELECT 1 FROM units WHERE id = ?1", u)? {
                    return Err(Error::not_found("unit", u.clone()));
                }
            }
            let set = self.set(db, &d.criteria_set.id, d.criteria_set.revision)?;
            check_new_dossier(d, &set)?;
            if let Some(other) = db.row(
                "SELECT id FROM dossiers WHERE period_id = ?1 AND unit_id = ?2",
                [&d.period, &d.unit],
                |r| r.get::<_, String>(0),
            )? {
                return Err(Error::AlreadyExists {
                    kind: "dossier".into(),
                    id: format!(
                        "{} (unit `{}` already has dossier `{other}` in period `{}`)",
                        d.id, d.unit, d.period
                    ),
                });
            }
            let mut plan = codec::plan(d, 0, 0, &d.history);
            let opened_at = d.history.first().map_or(0, |e| e.at.as_millis());
            db.exec(
                "INSERT INTO dossiers (id, period_id, unit_id, assessing_unit_id, set_id, \
                 set_revision, state, version, last_seq, opened_at, updated_at, header) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    d.id,
                    d.period,
                    d.unit,
                    d.assessing_unit,
                    d.criteria_set.id,
                    d.criteria_set.revision,
                    plan.state,
                    plan.version,
                    plan.last_seq,
                    opened_at,
                    plan.updated_at,
                    plan.header
                ],
            )?;
            // Every entry is new, whatever its version.
            plan.entries = d
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    (
                        i as i64,
                        e.criterion.clone(),
                        e.version as i64,
                        codec::entry_json(e),
                    )
                })
                .collect();
            for (pos, criterion, version, data) in &plan.entries {
                db.exec(
                    "INSERT INTO entries (dossier_id, position, criterion, version, data) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![d.id, pos, criterion, version, data],
                )?;
            }
            insert_events(db, &d.id, &plan)
        })
    }

    fn dossier(&self, id: &str) -> Result<Dossier> {
        self.read_tx(|db| self.load(db, id, true))?
            .map(|(d, _)| d)
            .ok_or_else(|| no_dossier(id))
    }

    fn dossier_state(&self, id: &str) -> Result<Dossier> {
        self.read_tx(|db| self.load(db, id, false))?
            .map(|(d, _)| d)
            .ok_or_else(|| no_dossier(id))
    }

    fn dossiers(&self, query: &DossierQuery) -> Result<Vec<DossierSummary>> {
        let mut sql = String::from(
            "SELECT id, period_id, unit_id, assessing_unit_id, set_id, set_revision, state, \
             version, updated_at FROM dossiers WHERE 1 = 1",
        );
        let mut args: Vec<String> = Vec::new();
        for (col, v) in [
            ("period_id = ", &query.period),
            ("unit_id = ", &query.unit),
            ("assessing_unit_id = ", &query.assessing_unit),
            ("state = ", &query.state.map(|s| s.as_str().to_owned())),
            ("id > ", &query.after),
        ] {
            if let Some(v) = v {
                args.push(v.clone());
                sql.push_str(&format!(" AND {col}?{}", args.len()));
            }
        }
        sql.push_str(" ORDER BY id");
        if let Some(l) = query.limit {
            sql.push_str(&format!(" LIMIT {l}"));
        }
        let rows =
            self.read_tx(|db| db.rows(&sql, rusqlite::params_from_iter(args.iter()), summary))?;
        rows.into_iter()
            .map(|(row, state)| to_summary(row, &state))
            .collect()
    }

    fn execute(
        &self,
        dossier: &str,
        actor: &Actor,
        command: &Command,
        now: Timestamp,
    ) -> Result<Executed> {
        if self.options.read_only {
            return Err(read_only());
        }
        let mut q = lock(&self.queue);
        q.next += 1;
        let ticket = q.next;
        q.waiting.push(Job {
            ticket,
            dossier: dossier.to_owned(),
            actor: actor.clone(),
            command: command.clone(),
            now,
        });
        loop {
            if let Some(done) = q.done.remove(&ticket) {
                return done;
            }
            if q.leader {
                // Another command's thread runs a batch: ours is in it or in the next one.
                q = self.answered.wait(q).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            q.leader = true;
            drop(q);
            let mut conn = lock(&self.writer);
            // Everything that queued up while the writer was busy goes in this batch.
            let jobs = std::mem::take(&mut lock(&self.queue).waiting);
            let mut leading = Leading {
                store: self,
                tickets: jobs.iter().map(|j| j.ticket).collect(),
            };
            let results = self.run_batch(&mut conn, &jobs);
            drop(conn);
            {
                let mut q = lock(&self.queue);
                for (job, result) in jobs.iter().zip(results) {
                    q.done.insert(job.ticket, result);
                }
            }
            leading.tickets.clear();
            // Answers are published; the next leader may start, and the waiting wake.
            drop(leading);
            q = lock(&self.queue);
        }
    }

    fn save_dossier(&self, dossier: &Dossier, expected_version: u64) -> Result<()> {
        let new_events = check_history(dossier, expected_version)?;
        self.write_tx(|db| {
            let row = db.row(
                "SELECT version, last_seq, header, state FROM dossiers WHERE id = ?1",
                [&dossier.id],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )?;
            let (version, last_seq, header, state) = row.ok_or_else(|| no_dossier(&dossier.id))?;
            if version as u64 != expected_version {
                let by = db.row(
                    "SELECT actor_user FROM events WHERE dossier_id = ?1 ORDER BY seq DESC \
                     LIMIT 1",
                    [&dossier.id],
                    |r| r.get::<_, String>(0),
                )?;
                return Err(moved(expected_version, version as u64, by));
            }
            let stored = codec::assemble(
                DossierRow {
                    id: dossier.id.clone(),
                    version,
                    state,
                    header,
                },
                Vec::new(),
                None,
            )?;
            same_identity(&stored, dossier)?;
            if new_events.is_empty() {
                return Ok(());
            }
            let plan = codec::plan(dossier, expected_version, last_seq, new_events);
            self.write_plan(db, &dossier.id, &plan)
        })
    }

    fn history(&self, dossier: &str) -> Result<Vec<Event>> {
        self.events(dossier, None)
    }

    fn criterion_history(&self, dossier: &str, criterion: &str) -> Result<Vec<Event>> {
        self.events(dossier, Some(criterion))
    }

    fn period_results(&self, period: &str) -> Result<Vec<Results>> {
        self.read_tx(|db| period_results(self, db, period, ResultsOptions::default()))
    }

    fn period_ranking(&self, period: &str) -> Result<Ranking> {
        self.read_tx(|db| {
            // A ranking needs the totals only.
            let results = period_results(self, db, period, ResultsOptions { criteria: false })?;
            let units = db.rows("SELECT id, doc FROM units ORDER BY id", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            let units = units
                .iter()
                .map(|(id, doc)| codec::decode_unit(id, doc))
                .collect::<Result<Vec<_>>>()?;
            rank_results(&results, &units)
        })
    }
}

fn check_period_refs(db: &Db<'_>, period: &Period) -> Result<()> {
    if !db.exists("SELECT 1 FROM units WHERE id = ?1", &period.assessing_unit)? {
        return Err(Error::not_found("unit", period.assessing_unit.clone()));
    }
    for s in &period.criteria_sets {
        let r = &s.criteria_set;
        let found = db
            .row(
                "SELECT 1 FROM criteria_sets WHERE id = ?1 AND revision = ?2",
                params![r.id, r.revision],
                |_| Ok(()),
            )?
            .is_some();
        if !found {
            return Err(no_set(&r.id, r.revision));
        }
    }
    Ok(())
}

/// A dossier row, its entries and its criteria set, ready to score.
type Work = (DossierRow, Vec<(i64, String)>, Arc<CriteriaSet>);

fn period_results(
    store: &SqliteStore,
    db: &Db<'_>,
    period: &str,
    options: ResultsOptions,
) -> Result<Vec<Results>> {
    if !db.exists("SELECT 1 FROM periods WHERE id = ?1", period)? {
        return Err(Error::not_found("period", period));
    }
    let rows = db.rows(
        "SELECT id, version, state, header, set_id, set_revision FROM dossiers \
         WHERE period_id = ?1 ORDER BY id",
        [period],
        |r| {
            Ok((
                DossierRow {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    state: r.get(2)?,
                    header: r.get(3)?,
                },
                r.get::<_, String>(4)?,
                r.get::<_, u32>(5)?,
            ))
        },
    )?;
    // One statement for every entry of the period, in dossier order (the period index and
    // the entries' primary key give that order without sorting).
    let entries = db.rows(
        "SELECT e.dossier_id, e.position, e.data FROM dossiers d \
         JOIN entries e ON e.dossier_id = d.id WHERE d.period_id = ?1 \
         ORDER BY d.id, e.position",
        [period],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    )?;
    let mut entries = entries.into_iter().peekable();
    let mut work = Vec::with_capacity(rows.len());
    for (row, set_id, rev) in rows {
        let set = store.set(db, &set_id, rev)?;
        let mut mine = Vec::new();
        while let Some((_, pos, data)) = entries.next_if(|(d, _, _)| *d == row.id) {
            mine.push((pos, data));
        }
        work.push((row, mine, set));
    }
    // Decoding and scoring are pure: spread them over the cores.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(work.len().div_ceil(64).max(1));
    let score = |chunk: Vec<Work>| {
        chunk
            .into_iter()
            .map(|(row, entries, set)| {
                let d = codec::assemble(row, entries, None)?;
                crate::scoring::results_with(&set, &d, options)
            })
            .collect::<Result<Vec<Results>>>()
    };
    if threads <= 1 {
        return score(work);
    }
    let size = work.len().div_ceil(threads);
    let mut chunks = Vec::with_capacity(threads);
    let mut work = work.into_iter();
    loop {
        let chunk: Vec<_> = work.by_ref().take(size).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    let parts: Vec<Result<Vec<Results>>> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| s.spawn(move || score(c)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::storage("scoring a period's dossiers failed")))
            })
            .collect()
    });
    let mut out = Vec::new();
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}
