//! `SqliteStore`: the core's embedded store (SQLite, WAL), synchronous as better-sqlite3 is.

use crate::convert::{from_js, instant, is_given, json_to_js, to_js};
use crate::criteria::CriteriaSet;
use crate::dossier::Dossier;
use crate::error::{IntoJs, core_error};
use crate::workflow::command as read_command;
use chamdiem::store::{DossierQuery, SqliteOptions, Store, Synchronous};
use chamdiem::{Actor, Period, Unit};
use napi::bindgen_prelude::*;
use napi::{Env, ScopedTask, Unknown};
use napi_derive::napi;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// How to open a store (camelCase: an options object, not a document).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct StoreOptions {
    /// `"full"` (default: every commit on disk before it is acknowledged) or `"normal"`.
    #[serde(default)]
    synchronous: Option<String>,
    /// Milliseconds to wait for another process's lock (default 5000).
    #[serde(default)]
    busy_timeout: Option<u64>,
    /// The most reader connections (default 4).
    #[serde(default)]
    readers: Option<usize>,
    /// Open read-only.
    #[serde(default)]
    read_only: bool,
}

impl StoreOptions {
    fn build(self) -> chamdiem::Result<SqliteOptions> {
        let mut o = SqliteOptions::default().read_only(self.read_only);
        match self.synchronous.as_deref() {
            None | Some("full") => {}
            Some("normal") => o = o.synchronous(Synchronous::Normal),
            Some(other) => {
                return Err(chamdiem::Error::invalid_input(
                    "options.synchronous",
                    format!("`{other}` is not \"full\" or \"normal\""),
                ));
            }
        }
        if let Some(ms) = self.busy_timeout {
            o = o.busy_timeout(Duration::from_millis(ms));
        }
        if let Some(n) = self.readers {
            o = o.readers(n);
        }
        Ok(o)
    }
}

/// The embedded store: units, criteria sets, periods, dossiers and their history in one
/// SQLite file. Every method is one transaction.
#[napi(js_name = "SqliteStore")]
pub struct SqliteStore {
    inner: Option<Arc<chamdiem::store::SqliteStore>>,
}

impl SqliteStore {
    fn store(&self, env: &Env) -> Result<&Arc<chamdiem::store::SqliteStore>> {
        self.inner
            .as_ref()
            .ok_or_else(|| chamdiem::Error::storage("the store is closed"))
            .into_js(env)
    }
}

#[napi]
impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and applies the migrations it
    /// lacks; `":memory:"` is a store in memory.
    #[napi(
        constructor,
        ts_args_type = "path: string, options?: { synchronous?: 'full' | 'normal'; busyTimeout?: number; readers?: number; readOnly?: boolean }"
    )]
    pub fn new(env: Env, path: String, options: Option<Unknown>) -> Result<Self> {
        let options: StoreOptions = match &options {
            Some(o) if is_given(&options)? => from_js(&env, o, "options")?,
            _ => StoreOptions::default(),
        };
        let options = options.build().into_js(&env)?;
        let store = if path == ":memory:" {
            chamdiem::store::SqliteStore::open_in_memory_with(options)
        } else {
            chamdiem::store::SqliteStore::open_with(&path, options)
        }
        .into_js(&env)?;
        Ok(SqliteStore {
            inner: Some(Arc::new(store)),
        })
    }

    /// The database file; `null` in memory.
    #[napi(getter)]
    pub fn path(&self) -> Option<String> {
        self.inner
            .as_ref()
            .and_then(|s| s.path())
            .map(|p| p.to_string_lossy().into_owned())
    }

    /// Whether `close()` was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.inner.is_none()
    }

    /// Closes the database (once no `…Async` call still runs on it); later calls fail with
    /// `storage`.
    #[napi]
    pub fn close(&mut self) {
        self.inner = None;
    }

    /// Writes a consistent copy of the database to `target` (which must not exist).
    #[napi]
    pub fn backup_to(&self, env: Env, target: String) -> Result<()> {
        self.store(&env)?.backup_to(target).into_js(&env)
    }

    /// Stores a new unit (parents first).
    #[napi(ts_args_type = "unit: Unit")]
    pub fn insert_unit(&self, env: Env, unit: Unknown) -> Result<()> {
        let unit: Unit = from_js(&env, &unit, "unit")?;
        self.store(&env)?.insert_unit(&unit).into_js(&env)
    }

    /// Replaces a stored unit.
    #[napi(ts_args_type = "unit: Unit")]
    pub fn update_unit(&self, env: Env, unit: Unknown) -> Result<()> {
        let unit: Unit = from_js(&env, &unit, "unit")?;
        self.store(&env)?.update_unit(&unit).into_js(&env)
    }

    /// The unit with this id.
    #[napi(ts_return_type = "Unit")]
    pub fn unit<'a>(&self, env: &'a Env, id: String) -> Result<Unknown<'a>> {
        let u = self.store(env)?.unit(&id).into_js(env)?;
        to_js(env, &u)
    }

    /// Every unit, ordered by id.
    #[napi(ts_return_type = "Unit[]")]
    pub fn units<'a>(&self, env: &'a Env) -> Result<Unknown<'a>> {
        let u = self.store(env)?.units().into_js(env)?;
        to_js(env, &u)
    }

    /// Stores a criteria set (the same content again does nothing).
    #[napi]
    pub fn insert_criteria_set(&self, env: Env, set: &CriteriaSet) -> Result<()> {
        self.store(&env)?
            .insert_criteria_set(&set.inner)
            .into_js(&env)
    }

    /// The criteria set with this id and revision.
    #[napi]
    pub fn criteria_set(&self, env: Env, id: String, revision: u32) -> Result<CriteriaSet> {
        let s = self
            .store(&env)?
            .criteria_set(&id, revision)
            .into_js(&env)?;
        Ok(CriteriaSet { inner: Arc::new(s) })
    }

    /// Every stored criteria set (id, revision, name).
    #[napi(ts_return_type = "SetInfo[]")]
    pub fn criteria_sets<'a>(&self, env: &'a Env) -> Result<Unknown<'a>> {
        let s = self.store(env)?.criteria_sets().into_js(env)?;
        to_js(env, &s)
    }

    /// Stores a new period.
    #[napi(ts_args_type = "period: Period")]
    pub fn insert_period(&self, env: Env, period: Unknown) -> Result<()> {
        let period: Period = from_js(&env, &period, "period")?;
        self.store(&env)?.insert_period(&period).into_js(&env)
    }

    /// Replaces a stored period.
    #[napi(ts_args_type = "period: Period")]
    pub fn update_period(&self, env: Env, period: Unknown) -> Result<()> {
        let period: Period = from_js(&env, &period, "period")?;
        self.store(&env)?.update_period(&period).into_js(&env)
    }

    /// The period with this id.
    #[napi(ts_return_type = "Period")]
    pub fn period<'a>(&self, env: &'a Env, id: String) -> Result<Unknown<'a>> {
        let p = self.store(env)?.period(&id).into_js(env)?;
        to_js(env, &p)
    }

    /// Every period, ordered by id.
    #[napi(ts_return_type = "Period[]")]
    pub fn periods<'a>(&self, env: &'a Env) -> Result<Unknown<'a>> {
        let p = self.store(env)?.periods().into_js(env)?;
        to_js(env, &p)
    }

    /// Stores a new dossier with its whole history.
    #[napi]
    pub fn insert_dossier(&self, env: Env, dossier: &Dossier) -> Result<()> {
        self.store(&env)?
            .insert_dossier(&dossier.inner)
            .into_js(&env)
    }

    /// The dossier with its whole history.
    #[napi]
    pub fn dossier(&self, env: Env, id: String) -> Result<Dossier> {
        let d = self.store(&env)?.dossier(&id).into_js(&env)?;
        Ok(Dossier::wrap(d))
    }

    /// The dossier without its history: all that decide, view and results need, faster.
    #[napi]
    pub fn dossier_state(&self, env: Env, id: String) -> Result<Dossier> {
        let d = self.store(&env)?.dossier_state(&id).into_js(&env)?;
        Ok(Dossier::wrap(d))
    }

    /// The dossiers that match `query` (every given field), ordered by id.
    #[napi(
        ts_args_type = "query?: DossierQuery",
        ts_return_type = "DossierSummary[]"
    )]
    pub fn dossiers<'a>(&self, env: &'a Env, query: Option<Unknown>) -> Result<Unknown<'a>> {
        let query: DossierQuery = match &query {
            Some(q) if is_given(&query)? => from_js(env, q, "query")?,
            _ => DossierQuery::default(),
        };
        let d = self.store(env)?.dossiers(&query).into_js(env)?;
        to_js(env, &d)
    }

    /// Decides `command` on the stored dossier and, if accepted, writes the entries, the
    /// dossier and the events in one transaction.
    #[napi(
        ts_args_type = "dossier: string, actor: Actor, command: Command | string, now: string",
        ts_return_type = "Executed"
    )]
    pub fn execute<'a>(
        &self,
        env: &'a Env,
        dossier: String,
        actor: Unknown,
        command: Unknown,
        now: String,
    ) -> Result<Unknown<'a>> {
        let actor: Actor = from_js(env, &actor, "actor")?;
        let command = read_command(env, &command)?;
        let now = instant(env, &now, "now")?;
        let done = self
            .store(env)?
            .execute(&dossier, &actor, &command, now)
            .into_js(env)?;
        to_js(env, &done)
    }

    /// Compare-and-set for hosts that decide themselves: `dossier` was loaded at
    /// `expectedVersion` and events were applied to it since.
    #[napi]
    pub fn save_dossier(&self, env: Env, dossier: &Dossier, expected_version: i64) -> Result<()> {
        let expected = u64::try_from(expected_version)
            .map_err(|_| chamdiem::Error::invalid_input("expected_version", "a version is ≥ 0"))
            .into_js(&env)?;
        self.store(&env)?
            .save_dossier(&dossier.inner, expected)
            .into_js(&env)
    }

    /// The dossier's history, oldest first.
    #[napi(ts_return_type = "Event[]")]
    pub fn history<'a>(&self, env: &'a Env, dossier: String) -> Result<Unknown<'a>> {
        let h = self.store(env)?.history(&dossier).into_js(env)?;
        to_js(env, &h)
    }

    /// The events that concern one criterion of the dossier, oldest first.
    #[napi(ts_return_type = "Event[]")]
    pub fn criterion_history<'a>(
        &self,
        env: &'a Env,
        dossier: String,
        criterion: String,
    ) -> Result<Unknown<'a>> {
        let h = self
            .store(env)?
            .criterion_history(&dossier, &criterion)
            .into_js(env)?;
        to_js(env, &h)
    }

    /// The results of every dossier of the period, ordered by dossier id.
    #[napi(ts_return_type = "Results[]")]
    pub fn period_results<'a>(&self, env: &'a Env, period: String) -> Result<Unknown<'a>> {
        let text = PeriodQuery::Results
            .run(self.store(env)?, &period)
            .into_js(env)?;
        json_to_js(env, text)
    }

    /// The ranking of the period's dossiers.
    #[napi(ts_return_type = "Ranking")]
    pub fn period_ranking<'a>(&self, env: &'a Env, period: String) -> Result<Unknown<'a>> {
        let text = PeriodQuery::Ranking
            .run(self.store(env)?, &period)
            .into_js(env)?;
        json_to_js(env, text)
    }

    /// `periodResults`, off the event loop.
    #[napi(ts_return_type = "Promise<Results[]>")]
    pub fn period_results_async(&self, env: Env, period: String) -> Result<AsyncTask<PeriodTask>> {
        Ok(AsyncTask::new(PeriodTask {
            store: Arc::clone(self.store(&env)?),
            period,
            query: PeriodQuery::Results,
        }))
    }

    /// `periodRanking`, off the event loop.
    #[napi(ts_return_type = "Promise<Ranking>")]
    pub fn period_ranking_async(&self, env: Env, period: String) -> Result<AsyncTask<PeriodTask>> {
        Ok(AsyncTask::new(PeriodTask {
            store: Arc::clone(self.store(&env)?),
            period,
            query: PeriodQuery::Ranking,
        }))
    }
}

#[derive(Clone, Copy)]
enum PeriodQuery {
    Results,
    Ranking,
}

impl PeriodQuery {
    /// The answer as JSON text.
    fn run(self, store: &chamdiem::store::SqliteStore, period: &str) -> chamdiem::Result<String> {
        let text = match self {
            PeriodQuery::Results => serde_json::to_string(&store.period_results(period)?),
            PeriodQuery::Ranking => serde_json::to_string(&store.period_ranking(period)?),
        };
        text.map_err(|e| chamdiem::Error::storage(e.to_string()))
    }
}

/// A period's results or ranking, on a worker thread of the libuv pool.
pub struct PeriodTask {
    store: Arc<chamdiem::store::SqliteStore>,
    period: String,
    query: PeriodQuery,
}

impl<'task> ScopedTask<'task> for PeriodTask {
    type Output = chamdiem::Result<String>;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(self.query.run(&self.store, &self.period))
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> Result<Self::JsValue> {
        match output {
            Ok(text) => json_to_js(env, text),
            Err(e) => Err(core_error(env, e)),
        }
    }
}
