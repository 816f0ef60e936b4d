//! The PostgreSQL store (feature `postgres`): the scale-out path, several hosts sharing one
//! database. The same schema ideas as SQLite, in a schema of its own (`chamdiem` by default),
//! migrations under an advisory lock, and an r2d2 pool of synchronous `postgres` clients.
//!
//! Writes lock the dossier row (`SELECT … FOR UPDATE`) for the whole transaction, so
//! `execute` decides on exactly the state it writes over; reads run in `REPEATABLE READ`
//! read-only transactions so a dossier, its entries and its events come from one snapshot.

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
use ::postgres::error::SqlState;
use ::postgres::types::ToSql;
use ::postgres::{IsolationLevel, NoTls, Row, Transaction};
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2::{Pool, PooledConnection};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The `postgres` client this store is built on, for hosts' own queries.
pub use ::postgres as client;

/// The store's own migrations (namespace `core`).
pub fn core_migrations() -> Vec<Migration> {
    vec![Migration::new(1, "initial", SCHEMA_V1)]
}

const SCHEMA_V1: &str = r#"
CREATE TABLE units (
    id        text COLLATE "C" PRIMARY KEY,
    code      text NOT NULL,
    name      text NOT NULL,
    kind      text NOT NULL,
    parent_id text REFERENCES units(id),
    doc       json NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE criteria_sets (
    id       text COLLATE "C" NOT NULL,
    revision integer NOT NULL,
    name     text NOT NULL,
    doc      json NOT NULL,
    PRIMARY KEY (id, revision)
);

CREATE TABLE periods (
    id                text COLLATE "C" PRIMARY KEY,
    name              text NOT NULL,
    assessing_unit_id text NOT NULL REFERENCES units(id),
    doc               json NOT NULL
);

CREATE TABLE dossiers (
    id                text COLLATE "C" PRIMARY KEY,
    period_id         text NOT NULL REFERENCES periods(id),
    unit_id           text NOT NULL REFERENCES units(id),
    assessing_unit_id text NOT NULL REFERENCES units(id),
    set_id            text NOT NULL,
    set_revision      integer NOT NULL,
    state             text NOT NULL,
    version           bigint NOT NULL,
    last_seq          bigint NOT NULL,
    opened_at         bigint NOT NULL,
    updated_at        bigint NOT NULL,
    header            json NOT NULL,
    UNIQUE (period_id, unit_id),
    FOREIGN KEY (set_id, set_revision) REFERENCES criteria_sets(id, revision)
);
CREATE INDEX dossiers_period ON dossiers(period_id, id);
CREATE INDEX dossiers_period_state ON dossiers(period_id, state, id);
CREATE INDEX dossiers_unit ON dossiers(unit_id, id);
CREATE INDEX dossiers_assessing ON dossiers(assessing_unit_id, id);
CREATE INDEX dossiers_set ON dossiers(set_id, set_revision);

CREATE TABLE entries (
    dossier_id text COLLATE "C" NOT NULL REFERENCES dossiers(id),
    position   integer NOT NULL,
    criterion  text NOT NULL,
    version    bigint NOT NULL,
    data       json NOT NULL,
    PRIMARY KEY (dossier_id, position)
);

CREATE TABLE events (
    dossier_id text COLLATE "C" NOT NULL REFERENCES dossiers(id),
    seq        bigint NOT NULL,
    version    bigint NOT NULL,
    at         bigint NOT NULL,
    actor_user text NOT NULL,
    actor_role text NOT NULL,
    actor_unit text NOT NULL,
    from_state text NOT NULL,
    to_state   text NOT NULL,
    type       text NOT NULL,
    criterion  text,
    payload    json NOT NULL,
    PRIMARY KEY (dossier_id, seq)
);
CREATE INDEX events_criterion ON events(dossier_id, criterion, seq) WHERE criterion IS NOT NULL;
CREATE INDEX events_actor ON events(actor_user, at);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'events are append-only'; END $$;
CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
FOR EACH ROW EXECUTE FUNCTION events_append_only();
"#;

const MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    namespace  text NOT NULL,
    version    integer NOT NULL,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, version)
)";

/// How to open a [`PostgresStore`]. Build with [`PostgresOptions::default`] and the methods.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    schema: String,
    pool_size: u32,
    connect_timeout: Duration,
    migrations: Vec<(String, Vec<Migration>)>,
    faults: Option<Arc<FaultPlan>>,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            schema: "chamdiem".into(),
            pool_size: 8,
            connect_timeout: Duration::from_secs(10),
            migrations: Vec::new(),
            faults: None,
        }
    }
}

impl PostgresOptions {
    /// The schema that holds the tables (default `chamdiem`; created if missing). Letters,
    /// digits and `_`.
    pub fn schema(mut self, schema: &str) -> Self {
        self.schema = schema.to_owned();
        self
    }
    /// The most pooled connections (default 8).
    pub fn pool_size(mut self, n: u32) -> Self {
        self.pool_size = n.max(1);
        self
    }
    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
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

/// Maps a PostgreSQL error: lost connections, serialization failures, deadlocks and
/// shutdowns are transient.
pub(crate) fn pg_error(e: ::postgres::Error) -> Error {
    let transient = e.is_closed()
        || e.code().is_none()
        || e.code().is_some_and(|c| {
            *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
                || *c == SqlState::TOO_MANY_CONNECTIONS
                || c.code().starts_with("08")
        });
    let message = match e.as_db_error() {
        Some(db) => format!(
            "PostgreSQL: {} ({}){}",
            db.message(),
            db.code().code(),
            db.detail().map(|d| format!(": {d}")).unwrap_or_default()
        ),
        None => format!("PostgreSQL: {e}"),
    };
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        return Error::AlreadyExists {
            kind: "row".into(),
            id: message,
        };
    }
    Error::Storage { message, transient }
}

impl From<::postgres::Error> for Error {
    fn from(e: ::postgres::Error) -> Self {
        pg_error(e)
    }
}

fn pool_error(e: r2d2_postgres::r2d2::Error) -> Error {
    Error::Storage {
        message: format!("cannot get a PostgreSQL connection: {e}"),
        transient: true,
    }
}

/// A transaction with fault points before every statement.
struct Db<'a, 'b> {
    tx: &'a mut Transaction<'b>,
    faults: &'a Option<Arc<FaultPlan>>,
}

impl Db<'_, '_> {
    fn exec(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        fault(self.faults, sql)?;
        self.tx.execute(sql, params).map_err(pg_error)
    }
    fn rows(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        fault(self.faults, sql)?;
        self.tx.query(sql, params).map_err(pg_error)
    }
    fn row(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>> {
        fault(self.faults, sql)?;
        self.tx.query_opt(sql, params).map_err(pg_error)
    }
    fn exists(&mut self, sql: &str, id: &str) -> Result<bool> {
        Ok(self.row(sql, &[&id])?.is_some())
    }
}

fn get<'r, T: ::postgres::types::FromSql<'r>>(row: &'r Row, i: usize) -> Result<T> {
    row.try_get(i).map_err(|e| {
        corrupt(format!(
            "a stored column does not have the expected type ({e})"
        ))
    })
}

/// The PostgreSQL [`Store`]. Safe to share between threads; every method takes a pooled
/// connection for one transaction.
pub struct PostgresStore {
    pool: Pool<PostgresConnectionManager<NoTls>>,
    options: PostgresOptions,
    sets: RwLock<HashMap<(String, u32), Arc<CriteriaSet>>>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the server named by `url` (`postgresql://user@host/db`, or with a Unix
    /// socket `postgresql:///db?host=/run/postgresql`) with the default options and applies
    /// the migrations it lacks.
    pub fn open(url: &str) -> Result<PostgresStore> {
        Self::open_with(url, PostgresOptions::default())
    }

    /// Connects with `options`.
    pub fn open_with(url: &str, options: PostgresOptions) -> Result<PostgresStore> {
        for (ns, m) in &options.migrations {
            check_migrations(ns, m)?;
        }
        if options.schema.is_empty()
            || !options
                .schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(Error::invalid_input(
                "schema",
                format!(
                    "schema `{}` must be lowercase letters, digits and `_`",
                    options.schema
                ),
            ));
        }
        let mut config: ::postgres::Config = url.parse().map_err(|e| {
            Error::invalid_input("url", format!("not a PostgreSQL connection URL: {e}"))
        })?;
        config.options(&format!("-c search_path={}", options.schema));
        config.connect_timeout(options.connect_timeout);
        config.application_name("chamdiem");
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = Pool::builder()
            .max_size(options.pool_size)
            .min_idle(Some(1))
            .connection_timeout(options.connect_timeout)
            .build(manager)
            .map_err(pool_error)?;
        let store = PostgresStore {
            pool,
            options,
            sets: RwLock::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The schema that holds the tables.
    pub fn schema(&self) -> &str {
        &self.options.schema
    }

    fn conn(&self) -> Result<PooledConnection<PostgresConnectionManager<NoTls>>> {
        self.pool.get().map_err(pool_error)
    }

    fn migrate(&self) -> Result<()> {
        let core = core_migrations();
        let mut all: Vec<(&str, &[Migration])> = vec![(CORE_NAMESPACE, &core)];
        for (ns, m) in &self.options.migrations {
            all.push((ns.as_str(), m));
        }
        let mut conn = self.conn()?;
        let mut tx = conn.transaction().map_err(pg_error)?;
        // Several hosts may start at once: one migrates, the others wait and find it done.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('chamdiem.migrate.' || $1::text))",
            &[&self.options.schema],
        )
        .map_err(pg_error)?;
        tx.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {}; {MIGRATIONS_TABLE}",
            self.options.schema
        ))
        .map_err(pg_error)?;
        let have: HashMap<String, i32> = tx
            .query(
                "SELECT namespace, MAX(version) FROM schema_migrations GROUP BY namespace",
                &[],
            )
            .map_err(pg_error)?
            .iter()
            .map(|r| Ok((get(r, 0)?, get(r, 1)?)))
            .collect::<Result<_>>()?;
        for (ns, m) in &all {
            let v = have.get(*ns).copied().unwrap_or(0);
            if v as usize > m.len() {
                return Err(Error::storage(format!(
                    "the database schema `{ns}` is at version {v}, newer than version {} which \
                     this release knows: upgrade the software (the data was not touched)",
                    m.len()
                )));
            }
        }
        for (ns, migrations) in &all {
            let v = have.get(*ns).copied().unwrap_or(0) as usize;
            for m in &migrations[v..] {
                tx.batch_execute(&m.sql).map_err(|e| {
                    Error::storage(format!(
                        "migration {ns} {} `{}` failed: {}",
                        m.version,
                        m.name,
                        pg_error(e)
                    ))
                })?;
                tx.execute(
                    "INSERT INTO schema_migrations (namespace, version, name) VALUES ($1, $2, $3)",
                    &[ns, &(m.version as i32), &m.name],
                )
                .map_err(pg_error)?;
            }
        }
        tx.commit().map_err(pg_error)
    }

    /// Runs the host's own statements in one transaction on a pooled connection (the
    /// `search_path` is the store's schema): committed if `f` returns `Ok`, rolled back
    /// otherwise.
    pub fn transaction<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut conn = self.conn()?;
        fault(&self.options.faults, "BEGIN")?;
        let mut tx = conn.transaction().map_err(pg_error)?;
        let out = f(&mut tx)?;
        fault(&self.options.faults, "COMMIT")?;
        tx.commit().map_err(pg_error)?;
        Ok(out)
    }

    /// The schema versions applied, per namespace (`core`, and the hosts').
    pub fn schema_versions(&self) -> Result<Vec<(String, u32)>> {
        let mut conn = self.conn()?;
        let rows = conn
            .query(
                "SELECT namespace, MAX(version) FROM schema_migrations GROUP BY namespace \
                 ORDER BY namespace",
                &[],
            )
            .map_err(pg_error)?;
        rows.iter()
            .map(|r| Ok((get(r, 0)?, get::<i32>(r, 1)? as u32)))
            .collect()
    }

    fn read_tx<T>(&self, f: impl FnOnce(&mut Db<'_, '_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn()?;
        fault(&self.options.faults, "BEGIN")?;
        let mut tx = conn
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(pg_error)?;
        let out = f(&mut Db {
            tx: &mut tx,
            faults: &self.options.faults,
        })?;
        tx.commit().map_err(pg_error)?;
        Ok(out)
    }

    fn write_tx<T>(&self, f: impl FnOnce(&mut Db<'_, '_>) -> Result<T>) -> Result<T> {
        self.transaction(|tx| {
            f(&mut Db {
                tx,
                faults: &self.options.faults,
            })
        })
    }

    fn set(&self, db: &mut Db<'_, '_>, id: &str, revision: u32) -> Result<Arc<CriteriaSet>> {
        if let Some(s) = self
            .sets
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(id.to_owned(), revision))
        {
            return Ok(s.clone());
        }
        let row = db
            .row(
                "SELECT doc::text FROM criteria_sets WHERE id = $1 AND revision = $2",
                &[&id, &(revision as i32)],
            )?
            .ok_or_else(|| no_set(id, revision))?;
        let set = Arc::new(codec::decode_set(
            id,
            revision.into(),
            &get::<String>(&row, 0)?,
        )?);
        self.sets
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert((id.to_owned(), revision), set.clone());
        Ok(set)
    }

    fn load(
        &self,
        db: &mut Db<'_, '_>,
        id: &str,
        with_history: bool,
        for_update: bool,
    ) -> Result<Option<(Dossier, i64)>> {
        let sql = if for_update {
            "SELECT id, version, state, header::text, last_seq FROM dossiers WHERE id = $1 \
             FOR UPDATE"
        } else {
            "SELECT id, version, state, header::text, last_seq FROM dossiers WHERE id = $1"
        };
        let Some(r) = db.row(sql, &[&id])? else {
            return Ok(None);
        };
        let row = DossierRow {
            id: get(&r, 0)?,
            version: get(&r, 1)?,
            state: get(&r, 2)?,
            header: get(&r, 3)?,
        };
        let last_seq: i64 = get(&r, 4)?;
        let entries = db
            .rows(
                "SELECT position::bigint, data::text FROM entries WHERE dossier_id = $1 \
                 ORDER BY position",
                &[&id],
            )?
            .iter()
            .map(|r| Ok((get(r, 0)?, get(r, 1)?)))
            .collect::<Result<Vec<_>>>()?;
        let history = if with_history {
            Some(
                db.rows(
                    "SELECT seq, payload::text FROM events WHERE dossier_id = $1 ORDER BY seq",
                    &[&id],
                )?
                .iter()
                .map(|r| Ok((get(r, 0)?, get(r, 1)?)))
                .collect::<Result<Vec<_>>>()?,
            )
        } else {
            None
        };
        Ok(Some((codec::assemble(row, entries, history)?, last_seq)))
    }

    fn write_plan(&self, db: &mut Db<'_, '_>, id: &str, plan: &WritePlan) -> Result<()> {
        for (pos, criterion, version, data) in &plan.entries {
            let n = db.exec(
                "UPDATE entries SET version = $1, data = $2::text::json \
                 WHERE dossier_id = $3 AND position = $4 AND criterion = $5",
                &[version, data, &id, &(*pos as i32), criterion],
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
            "UPDATE dossiers SET state = $1, version = $2, last_seq = $3, updated_at = $4, \
             header = $5::text::json WHERE id = $6",
            &[
                &plan.state,
                &plan.version,
                &plan.last_seq,
                &plan.updated_at,
                &plan.header,
                &id,
            ],
        )?;
        Ok(())
    }

    fn events(&self, dossier: &str, criterion: Option<&str>) -> Result<Vec<Event>> {
        self.read_tx(|db| {
            if !db.exists("SELECT 1 FROM dossiers WHERE id = $1", dossier)? {
                return Err(no_dossier(dossier));
            }
            let rows = match criterion {
                None => db.rows(
                    "SELECT seq, payload::text FROM events WHERE dossier_id = $1 ORDER BY seq",
                    &[&dossier],
                )?,
                Some(c) => db.rows(
                    "SELECT seq, payload::text FROM events WHERE dossier_id = $1 AND \
                     criterion = $2 ORDER BY seq",
                    &[&dossier, &c],
                )?,
            };
            rows.iter()
                .map(|r| codec::decode_event(dossier, get(r, 0)?, &get::<String>(r, 1)?))
                .collect()
        })
    }
}

fn insert_events(db: &mut Db<'_, '_>, id: &str, plan: &WritePlan) -> Result<()> {
    for e in &plan.events {
        db.exec(
            "INSERT INTO events (dossier_id, seq, version, at, actor_user, actor_role, \
             actor_unit, from_state, to_state, type, criterion, payload) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text::json)",
            &[
                &id,
                &e.seq,
                &e.version,
                &e.at,
                &e.actor_user,
                &e.actor_role,
                &e.actor_unit,
                &e.from,
                &e.to,
                &e.kind,
                &e.criterion,
                &e.payload,
            ],
        )?;
    }
    Ok(())
}

fn check_period_refs(db: &mut Db<'_, '_>, period: &Period) -> Result<()> {
    if !db.exists("SELECT 1 FROM units WHERE id = $1", &period.assessing_unit)? {
        return Err(Error::not_found("unit", period.assessing_unit.clone()));
    }
    for s in &period.criteria_sets {
        let r = &s.criteria_set;
        let found = db
            .row(
                "SELECT 1 FROM criteria_sets WHERE id = $1 AND revision = $2",
                &[&r.id, &(r.revision as i32)],
            )?
            .is_some();
        if !found {
            return Err(no_set(&r.id, r.revision));
        }
    }
    Ok(())
}

fn period_results(
    store: &PostgresStore,
    db: &mut Db<'_, '_>,
    period: &str,
    options: ResultsOptions,
) -> Result<Vec<Results>> {
    if !db.exists("SELECT 1 FROM periods WHERE id = $1", period)? {
        return Err(Error::not_found("period", period));
    }
    let rows = db.rows(
        "SELECT id, version, state, header::text, set_id, set_revision FROM dossiers \
         WHERE period_id = $1 ORDER BY id",
        &[&period],
    )?;
    let entries = db.rows(
        "SELECT e.dossier_id, e.position::bigint, e.data::text FROM entries e \
         JOIN dossiers d ON d.id = e.dossier_id WHERE d.period_id = $1 \
         ORDER BY e.dossier_id, e.position",
        &[&period],
    )?;
    let mut entries = entries.iter().peekable();
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let row = DossierRow {
            id: get(r, 0)?,
            version: get(r, 1)?,
            state: get(r, 2)?,
            header: get(r, 3)?,
        };
        let set = store.set(db, &get::<String>(r, 4)?, get::<i32>(r, 5)? as u32)?;
        let mut mine = Vec::new();
        while let Some(e) = entries.peek() {
            if get::<&str>(e, 0)? != row.id {
                break;
            }
            mine.push((get(e, 1)?, get(e, 2)?));
            entries.next();
        }
        let d = codec::assemble(row, mine, None)?;
        out.push(crate::scoring::results_with(&set, &d, options)?);
    }
    Ok(out)
}

impl Store for PostgresStore {
    fn insert_unit(&self, unit: &Unit) -> Result<()> {
        unit.validate()?;
        self.write_tx(|db| {
            if db.exists("SELECT 1 FROM units WHERE id = $1", &unit.id)? {
                return Err(Error::AlreadyExists {
                    kind: "unit".into(),
                    id: unit.id.clone(),
                });
            }
            if let Some(p) = &unit.parent
                && !db.exists("SELECT 1 FROM units WHERE id = $1", p)?
            {
                return Err(Error::not_found("unit", p.clone()));
            }
            db.exec(
                "INSERT INTO units (id, code, name, kind, parent_id, doc) \
                 VALUES ($1, $2, $3, $4, $5, $6::text::json)",
                &[
                    &unit.id,
                    &unit.code,
                    &unit.name,
                    &unit.kind.as_str(),
                    &unit.parent,
                    &serde_json::to_string(unit).unwrap_or_default(),
                ],
            )?;
            Ok(())
        })
    }

    fn update_unit(&self, unit: &Unit) -> Result<()> {
        unit.validate()?;
        self.write_tx(|db| {
            if !db.exists("SELECT 1 FROM units WHERE id = $1", &unit.id)? {
                return Err(Error::not_found("unit", unit.id.clone()));
            }
            if let Some(p) = &unit.parent
                && !db.exists("SELECT 1 FROM units WHERE id = $1", p)?
            {
                return Err(Error::not_found("unit", p.clone()));
            }
            db.exec(
                "UPDATE units SET code = $2, name = $3, kind = $4, parent_id = $5, \
                 doc = $6::text::json WHERE id = $1",
                &[
                    &unit.id,
                    &unit.code,
                    &unit.name,
                    &unit.kind.as_str(),
                    &unit.parent,
                    &serde_json::to_string(unit).unwrap_or_default(),
                ],
            )?;
            Ok(())
        })
    }

    fn unit(&self, id: &str) -> Result<Unit> {
        let doc = self.read_tx(|db| {
            db.row("SELECT doc::text FROM units WHERE id = $1", &[&id])?
                .map(|r| get::<String>(&r, 0))
                .transpose()
        })?;
        codec::decode_unit(id, &doc.ok_or_else(|| Error::not_found("unit", id))?)
    }

    fn units(&self) -> Result<Vec<Unit>> {
        self.read_tx(|db| {
            db.rows("SELECT id, doc::text FROM units ORDER BY id", &[])?
                .iter()
                .map(|r| codec::decode_unit(&get::<String>(r, 0)?, &get::<String>(r, 1)?))
                .collect()
        })
    }

    fn insert_criteria_set(&self, set: &CriteriaSet) -> Result<()> {
        let doc = set.to_json();
        let rev = set.revision() as i32;
        self.write_tx(|db| {
            let old = db.row(
                "SELECT doc::text FROM criteria_sets WHERE id = $1 AND revision = $2",
                &[&set.id(), &rev],
            )?;
            if let Some(old) = old {
                let old = codec::decode_set(set.id(), rev.into(), &get::<String>(&old, 0)?)?;
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
                "INSERT INTO criteria_sets (id, revision, name, doc) \
                 VALUES ($1, $2, $3, $4::text::json)",
                &[&set.id(), &rev, &set.name(), &doc],
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
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(SetInfo {
                    id: get(r, 0)?,
                    revision: get::<i32>(r, 1)? as u32,
                    name: get(r, 2)?,
                })
            })
            .collect()
        })
    }

    fn insert_period(&self, period: &Period) -> Result<()> {
        period.validate()?;
        self.write_tx(|db| {
            if db.exists("SELECT 1 FROM periods WHERE id = $1", &period.id)? {
                return Err(Error::AlreadyExists {
                    kind: "period".into(),
                    id: period.id.clone(),
                });
            }
            check_period_refs(db, period)?;
            db.exec(
                "INSERT INTO periods (id, name, assessing_unit_id, doc) \
                 VALUES ($1, $2, $3, $4::text::json)",
                &[
                    &period.id,
                    &period.name,
                    &period.assessing_unit,
                    &period.to_json(),
                ],
            )?;
            Ok(())
        })
    }

    fn update_period(&self, period: &Period) -> Result<()> {
        period.validate()?;
        self.write_tx(|db| {
            if !db.exists("SELECT 1 FROM periods WHERE id = $1", &period.id)? {
                return Err(Error::not_found("period", period.id.clone()));
            }
            check_period_refs(db, period)?;
            db.exec(
                "UPDATE periods SET name = $2, assessing_unit_id = $3, doc = $4::text::json \
                 WHERE id = $1",
                &[
                    &period.id,
                    &period.name,
                    &period.assessing_unit,
                    &period.to_json(),
                ],
            )?;
            Ok(())
        })
    }

    fn period(&self, id: &str) -> Result<Period> {
        let doc = self.read_tx(|db| {
            db.row("SELECT doc::text FROM periods WHERE id = $1", &[&id])?
                .map(|r| get::<String>(&r, 0))
                .transpose()
        })?;
        codec::decode_period(id, &doc.ok_or_else(|| Error::not_found("period", id))?)
    }

    fn periods(&self) -> Result<Vec<Period>> {
        self.read_tx(|db| {
            db.rows("SELECT id, doc::text FROM periods ORDER BY id", &[])?
                .iter()
                .map(|r| codec::decode_period(&get::<String>(r, 0)?, &get::<String>(r, 1)?))
                .collect()
        })
    }

    fn insert_dossier(&self, dossier: &Dossier) -> Result<()> {
        let d = dossier;
        self.write_tx(|db| {
            if db.exists("SELECT 1 FROM dossiers WHERE id = $1", &d.id)? {
                return Err(Error::AlreadyExists {
                    kind: "dossier".into(),
                    id: d.id.clone(),
                });
            }
            if !db.exists("SELECT 1 FROM periods WHERE id = $1", &d.period)? {
                return Err(Error::not_found("period", d.period.clone()));
            }
            for u in [&d.unit, &d.assessing_unit] {
                if !db.exists("SELECT 1 FROM units WHERE id = $1", u)? {
                    return Err(Error::not_found("unit", u.clone()));
                }
            }
            let set = self.set(db, &d.criteria_set.id, d.criteria_set.revision)?;
            check_new_dossier(d, &set)?;
            if let Some(other) = db.row(
                "SELECT id FROM dossiers WHERE period_id = $1 AND unit_id = $2",
                &[&d.period, &d.unit],
            )? {
                return Err(Error::AlreadyExists {
                    kind: "dossier".into(),
                    id: format!(
                        "{} (unit `{}` already has dossier `{}` in period `{}`)",
                        d.id,
                        d.unit,
                        get::<String>(&other, 0)?,
                        d.period
                    ),
                });
            }
            let plan = codec::plan(d, 0, 0, &d.history);
            let opened_at = d.history.first().map_or(0, |e| e.at.as_millis());
            db.exec(
                "INSERT INTO dossiers (id, period_id, unit_id, assessing_unit_id, set_id, \
                 set_revision, state, version, last_seq, opened_at, updated_at, header) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text::json)",
                &[
                    &d.id,
                    &d.period,
                    &d.unit,
                    &d.assessing_unit,
                    &d.criteria_set.id,
                    &(d.criteria_set.revision as i32),
                    &plan.state,
                    &plan.version,
                    &plan.last_seq,
                    &opened_at,
                    &plan.updated_at,
                    &plan.header,
                ],
            )?;
            for (i, e) in d.entries.iter().enumerate() {
                db.exec(
                    "INSERT INTO entries (dossier_id, position, criterion, version, data) \
                     VALUES ($1, $2, $3, $4, $5::text::json)",
                    &[
                        &d.id,
                        &(i as i32),
                        &e.criterion,
                        &(e.version as i64),
                        &codec::entry_json(e),
                    ],
                )?;
            }
            insert_events(db, &d.id, &plan)
        })
    }

    fn dossier(&self, id: &str) -> Result<Dossier> {
        self.read_tx(|db| self.load(db, id, true, false))?
            .map(|(d, _)| d)
            .ok_or_else(|| no_dossier(id))
    }

    fn dossier_state(&self, id: &str) -> Result<Dossier> {
        self.read_tx(|db| self.load(db, id, false, false))?
            .map(|(d, _)| d)
            .ok_or_else(|| no_dossier(id))
    }

    fn dossiers(&self, query: &DossierQuery) -> Result<Vec<DossierSummary>> {
        let mut sql = String::from(
            "SELECT id, period_id, unit_id, assessing_unit_id, set_id, set_revision, state, \
             version, updated_at FROM dossiers WHERE true",
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
                sql.push_str(&format!(" AND {col}${}", args.len()));
            }
        }
        sql.push_str(" ORDER BY id COLLATE \"C\"");
        if let Some(l) = query.limit {
            sql.push_str(&format!(" LIMIT {l}"));
        }
        let params: Vec<&(dyn ToSql + Sync)> =
            args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        self.read_tx(|db| {
            db.rows(&sql, &params)?
                .iter()
                .map(|r| {
                    let id: String = get(r, 0)?;
                    let state: String = get(r, 6)?;
                    let state = State::parse(&state).ok_or_else(|| {
                        corrupt(format!(
                            "dossier `{id}`: unknown state `{state}` in the stored row"
                        ))
                    })?;
                    Ok(DossierSummary {
                        period: get(r, 1)?,
                        unit: get(r, 2)?,
                        assessing_unit: get(r, 3)?,
                        criteria_set: SetRef {
                            id: get(r, 4)?,
                            revision: get::<i32>(r, 5)? as u32,
                        },
                        state,
                        version: get::<i64>(r, 7)? as u64,
                        updated_at: Timestamp::from_millis(get(r, 8)?),
                        id,
                    })
                })
                .collect()
        })
    }

    fn execute(
        &self,
        dossier: &str,
        actor: &Actor,
        command: &Command,
        now: Timestamp,
    ) -> Result<Executed> {
        self.write_tx(|db| {
            let (mut d, last_seq) = self
                .load(db, dossier, false, true)?
                .ok_or_else(|| no_dossier(dossier))?;
            let set = self.set(db, &d.criteria_set.id, d.criteria_set.revision)?;
            let base = d.version;
            let events = d.execute(&set, actor, command, now)?;
            if !events.is_empty() {
                let plan = codec::plan(&d, base, last_seq, &events);
                self.write_plan(db, dossier, &plan)?;
            }
            Ok(Executed {
                version: d.version,
                state: d.state,
                events,
            })
        })
    }

    fn save_dossier(&self, dossier: &Dossier, expected_version: u64) -> Result<()> {
        let new_events = check_history(dossier, expected_version)?;
        self.write_tx(|db| {
            let row = db
                .row(
                    "SELECT version, last_seq, header::text, state FROM dossiers WHERE id = $1 \
                     FOR UPDATE",
                    &[&dossier.id],
                )?
                .ok_or_else(|| no_dossier(&dossier.id))?;
            let version: i64 = get(&row, 0)?;
            let last_seq: i64 = get(&row, 1)?;
            if version as u64 != expected_version {
                let by = db
                    .row(
                        "SELECT actor_user FROM events WHERE dossier_id = $1 ORDER BY seq DESC \
                         LIMIT 1",
                        &[&dossier.id],
                    )?
                    .map(|r| get::<String>(&r, 0))
                    .transpose()?;
                return Err(moved(expected_version, version as u64, by));
            }
            let stored = codec::assemble(
                DossierRow {
                    id: dossier.id.clone(),
                    version,
                    state: get(&row, 3)?,
                    header: get(&row, 2)?,
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
            let units = db
                .rows("SELECT id, doc::text FROM units ORDER BY id", &[])?
                .iter()
                .map(|r| codec::decode_unit(&get::<String>(r, 0)?, &get::<String>(r, 1)?))
                .collect::<Result<Vec<_>>>()?;
            rank_results(&results, &units)
        })
    }
}
