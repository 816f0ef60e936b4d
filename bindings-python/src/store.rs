//! Stores: where units, criteria sets, periods and dossiers are kept. Every call releases the
//! GIL while the core works.

use crate::convert::{py_timestamp, timestamp_arg};
use crate::criteria::{CriteriaSet, set_ref};
use crate::dossier::{Dossier, dossier_arg};
use crate::error::{OrRaise, invalid_input, map_err};
use crate::period::Period;
use crate::scoring::{PeriodResults, Ranking};
use crate::unit::{Unit, unit_arg};
use crate::workflow::{Event, History, command_arg};
use chamdiem::State;
use chamdiem::store::{self as core_store, DossierQuery, Store as CoreStore};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Registers the store classes.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Store>()?;
    m.add_class::<MemoryStore>()?;
    m.add_class::<SqliteStore>()?;
    m.add_class::<PostgresStore>()?;
    m.add_class::<DossierSummary>()?;
    m.add_class::<Executed>()?;
    Ok(())
}

/// What every store does (the base class of :class:`MemoryStore`, :class:`SqliteStore` and
/// :class:`PostgresStore`). Every method is one transaction; failures raise the
/// :class:`chamdiem.Error` of their code (``not_found``, ``already_exists``,
/// ``version_conflict``, the workflow's codes from :meth:`execute`, ``storage``).
#[pyclass(module = "chamdiem", subclass, frozen)]
pub struct Store {
    inner: Arc<dyn CoreStore>,
}

impl Store {
    /// Runs `f` on the store without the GIL, then maps its error.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&dyn CoreStore) -> chamdiem::Result<T> + Send,
    ) -> PyResult<T> {
        let store = &*self.inner;
        py.detach(|| f(store)).or_raise()
    }
}

fn state_arg(s: Option<&str>) -> PyResult<Option<State>> {
    s.map(|s| {
        State::parse(s).ok_or_else(|| {
            map_err(invalid_input(
                "state",
                format!(
                    "unknown state `{s}`; known: {}",
                    State::ALL.map(|x| x.as_str()).join(", ")
                ),
            ))
        })
    })
    .transpose()
}

#[pymethods]
impl Store {
    /// Stores a new unit (store a tree from the root down).
    fn insert_unit(&self, py: Python<'_>, unit: &Bound<'_, PyAny>) -> PyResult<()> {
        let unit = unit_arg(unit)?;
        self.run(py, |s| s.insert_unit(&unit))
    }

    /// Replaces a stored unit.
    fn update_unit(&self, py: Python<'_>, unit: &Bound<'_, PyAny>) -> PyResult<()> {
        let unit = unit_arg(unit)?;
        self.run(py, |s| s.update_unit(&unit))
    }

    /// The unit with this id.
    fn unit(&self, py: Python<'_>, id: &str) -> PyResult<Unit> {
        self.run(py, |s| s.unit(id)).map(|inner| Unit { inner })
    }

    /// Every unit, ordered by id.
    fn units(&self, py: Python<'_>) -> PyResult<Vec<Unit>> {
        let all = self.run(py, |s| s.units())?;
        Ok(all.into_iter().map(|inner| Unit { inner }).collect())
    }

    /// Stores a criteria set (the same id and revision with the same content does nothing).
    fn insert_criteria_set(&self, py: Python<'_>, set: &Bound<'_, CriteriaSet>) -> PyResult<()> {
        let set = set_ref(set);
        self.run(py, |s| s.insert_criteria_set(set))
    }

    /// The criteria set with this id and revision.
    #[pyo3(signature = (id, revision=1))]
    fn criteria_set(&self, py: Python<'_>, id: &str, revision: u32) -> PyResult<CriteriaSet> {
        self.run(py, |s| s.criteria_set(id, revision))
            .map(CriteriaSet::wrap)
    }

    /// Every stored criteria set as ``(id, revision, name)``, ordered by id then revision.
    fn criteria_sets(&self, py: Python<'_>) -> PyResult<Vec<(String, u32, String)>> {
        let all = self.run(py, |s| s.criteria_sets())?;
        Ok(all
            .into_iter()
            .map(|i| (i.id, i.revision, i.name))
            .collect())
    }

    /// Stores a new period.
    fn insert_period(&self, py: Python<'_>, period: &Bound<'_, Period>) -> PyResult<()> {
        let p = &period.get().inner;
        self.run(py, |s| s.insert_period(p))
    }

    /// Replaces a stored period (dossiers already opened keep their deadlines).
    fn update_period(&self, py: Python<'_>, period: &Bound<'_, Period>) -> PyResult<()> {
        let p = &period.get().inner;
        self.run(py, |s| s.update_period(p))
    }

    /// The period with this id.
    fn period(&self, py: Python<'_>, id: &str) -> PyResult<Period> {
        self.run(py, |s| s.period(id)).map(|inner| Period { inner })
    }

    /// Every period, ordered by id.
    fn periods(&self, py: Python<'_>) -> PyResult<Vec<Period>> {
        let all = self.run(py, |s| s.periods())?;
        Ok(all.into_iter().map(|inner| Period { inner }).collect())
    }

    /// Stores a new dossier with its whole history.
    fn insert_dossier(&self, py: Python<'_>, dossier: &Bound<'_, PyAny>) -> PyResult<()> {
        let d = dossier_arg(dossier)?;
        let d = &d.inner;
        self.run(py, |s| s.insert_dossier(d))
    }

    /// The dossier with its whole history.
    fn dossier(&self, py: Python<'_>, id: &str) -> PyResult<Dossier> {
        self.run(py, |s| s.dossier(id))
            .map(|inner| Dossier { inner })
    }

    /// The dossier without its history (faster; enough for results, views and commands).
    fn dossier_state(&self, py: Python<'_>, id: &str) -> PyResult<Dossier> {
        self.run(py, |s| s.dossier_state(id))
            .map(|inner| Dossier { inner })
    }

    /// The dossiers that match every given filter, ordered by id (``after`` and ``limit`` page
    /// through them).
    #[pyo3(signature = (*, period=None, unit=None, assessing_unit=None, state=None, after=None, limit=None))]
    #[allow(clippy::too_many_arguments)]
    fn dossiers(
        &self,
        py: Python<'_>,
        period: Option<String>,
        unit: Option<String>,
        assessing_unit: Option<String>,
        state: Option<&str>,
        after: Option<String>,
        limit: Option<u32>,
    ) -> PyResult<Vec<DossierSummary>> {
        let q = DossierQuery {
            period,
            unit,
            assessing_unit,
            state: state_arg(state)?,
            after,
            limit,
        };
        let all = self.run(py, |s| s.dossiers(&q))?;
        Ok(all
            .into_iter()
            .map(|inner| DossierSummary { inner })
            .collect())
    }

    /// Decides ``command`` for ``actor`` at ``now`` on the stored dossier and, if accepted,
    /// writes the changed entries, the dossier and the events in one transaction. A refused
    /// command raises and changes nothing.
    fn execute(
        &self,
        py: Python<'_>,
        dossier: &str,
        actor: &Bound<'_, PyAny>,
        command: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<Executed> {
        let actor = crate::unit::actor_arg(actor)?;
        let now = timestamp_arg(now, "now")?;
        let command = command_arg(command)?;
        let command = command.get().clone();
        self.run(py, |s| s.execute(dossier, &actor, &command, now))
            .map(|inner| Executed { inner })
    }

    /// Compare-and-set for hosts that decide themselves: ``dossier`` was loaded at
    /// ``expected_version`` and events were applied to it since.
    fn save_dossier(
        &self,
        py: Python<'_>,
        dossier: &Bound<'_, PyAny>,
        expected_version: u64,
    ) -> PyResult<()> {
        let d = dossier_arg(dossier)?;
        let d = &d.inner;
        self.run(py, |s| s.save_dossier(d, expected_version))
    }

    /// The dossier's history (or one criterion's), oldest first.
    #[pyo3(signature = (dossier, criterion=None))]
    fn history(&self, py: Python<'_>, dossier: &str, criterion: Option<&str>) -> PyResult<History> {
        let events = self.run(py, |s| match criterion {
            None => s.history(dossier),
            Some(c) => s.criterion_history(dossier, c),
        })?;
        Ok(History::new(events))
    }

    /// The results of every dossier of the period, ordered by dossier id.
    fn period_results(&self, py: Python<'_>, period: &str) -> PyResult<PeriodResults> {
        self.run(py, |s| s.period_results(period))
            .map(PeriodResults::new)
    }

    /// The ranking of the period's dossiers (one table per criteria set).
    fn period_ranking(&self, py: Python<'_>, period: &str) -> PyResult<Ranking> {
        self.run(py, |s| s.period_ranking(period))
            .map(Ranking::wrap)
    }
}

/// The in-memory store: for tests, notebooks and short-lived tools. Nothing survives it.
#[pyclass(module = "chamdiem", extends = Store, frozen)]
pub struct MemoryStore {}

#[pymethods]
impl MemoryStore {
    #[new]
    fn new() -> PyClassInitializer<Self> {
        PyClassInitializer::from(Store {
            inner: Arc::new(core_store::MemoryStore::new()),
        })
        .add_subclass(MemoryStore {})
    }

    fn __repr__(&self) -> &'static str {
        "MemoryStore()"
    }
}

/// The embedded store: one SQLite file (the reference server's database), WAL, migrations.
///
/// ``SqliteStore(path)`` opens (creating if needed) the file; ``":memory:"`` opens a private
/// in-memory database. ``read_only=True`` opens an existing file without writing to it (a safe
/// way to analyse a live server's database). ``synchronous`` is ``"full"`` (the default: every
/// commit is on disk) or ``"normal"``.
#[pyclass(module = "chamdiem", extends = Store, frozen)]
pub struct SqliteStore {
    sqlite: Arc<core_store::SqliteStore>,
}

#[pymethods]
impl SqliteStore {
    #[new]
    #[pyo3(signature = (path, *, read_only=false, synchronous="full", readers=4, busy_timeout=5.0))]
    fn new(
        py: Python<'_>,
        path: PathBuf,
        read_only: bool,
        synchronous: &str,
        readers: usize,
        busy_timeout: f64,
    ) -> PyResult<PyClassInitializer<Self>> {
        let sync = match synchronous {
            "full" => core_store::Synchronous::Full,
            "normal" => core_store::Synchronous::Normal,
            other => {
                return Err(PyValueError::new_err(format!(
                    "synchronous must be \"full\" or \"normal\", not {other:?}"
                )));
            }
        };
        if !(busy_timeout.is_finite() && busy_timeout >= 0.0) {
            return Err(PyValueError::new_err(
                "busy_timeout is a number of seconds, 0 or more",
            ));
        }
        let options = core_store::SqliteOptions::default()
            .read_only(read_only)
            .synchronous(sync)
            .readers(readers)
            .busy_timeout(Duration::from_secs_f64(busy_timeout));
        let store = py
            .detach(|| {
                if path.as_os_str() == ":memory:" {
                    core_store::SqliteStore::open_in_memory_with(options)
                } else {
                    core_store::SqliteStore::open_with(&path, options)
                }
            })
            .or_raise()?;
        let store = Arc::new(store);
        Ok(PyClassInitializer::from(Store {
            inner: store.clone(),
        })
        .add_subclass(SqliteStore { sqlite: store }))
    }

    /// The database file (``None`` in memory).
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.sqlite.path().map(|p| p.to_owned())
    }

    /// Writes a consistent copy of the whole database to ``target`` (which must not exist)
    /// while the store keeps working.
    fn backup_to(&self, py: Python<'_>, target: PathBuf) -> PyResult<()> {
        let s = &self.sqlite;
        py.detach(|| s.backup_to(&target)).or_raise()
    }

    /// The applied schema versions, as ``(namespace, version)`` pairs.
    fn schema_versions(&self, py: Python<'_>) -> PyResult<Vec<(String, u32)>> {
        let s = &self.sqlite;
        py.detach(|| s.schema_versions()).or_raise()
    }

    /// SQLite's `PRAGMA integrity_check` report: ``["ok"]`` when the file is sound.
    fn integrity_check(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let s = &self.sqlite;
        py.detach(|| s.integrity_check()).or_raise()
    }

    fn __repr__(&self) -> String {
        match self.sqlite.path() {
            Some(p) => format!("SqliteStore({:?})", p.display().to_string()),
            None => "SqliteStore(\":memory:\")".to_owned(),
        }
    }
}

/// The scale-out store: a PostgreSQL database shared by several hosts.
///
/// ``PostgresStore(url)`` connects (``postgresql://user@host/db``, or
/// ``postgresql:///db?host=/run/postgresql`` for a Unix socket) and applies the migrations it
/// lacks. ``schema`` puts the tables in a schema of their own; ``pool_size`` bounds the
/// connections.
#[pyclass(module = "chamdiem", extends = Store, frozen)]
pub struct PostgresStore {
    postgres: Arc<core_store::PostgresStore>,
}

#[pymethods]
impl PostgresStore {
    #[new]
    #[pyo3(signature = (url, *, schema=None, pool_size=None, connect_timeout=None))]
    fn new(
        py: Python<'_>,
        url: &str,
        schema: Option<&str>,
        pool_size: Option<u32>,
        connect_timeout: Option<f64>,
    ) -> PyResult<PyClassInitializer<Self>> {
        let mut options = core_store::PostgresOptions::default();
        if let Some(s) = schema {
            options = options.schema(s);
        }
        if let Some(n) = pool_size {
            options = options.pool_size(n);
        }
        if let Some(t) = connect_timeout {
            if !(t.is_finite() && t > 0.0) {
                return Err(PyValueError::new_err(
                    "connect_timeout is a number of seconds, more than 0",
                ));
            }
            options = options.connect_timeout(Duration::from_secs_f64(t));
        }
        let store = py
            .detach(|| core_store::PostgresStore::open_with(url, options))
            .or_raise()?;
        let store = Arc::new(store);
        Ok(PyClassInitializer::from(Store {
            inner: store.clone(),
        })
        .add_subclass(PostgresStore { postgres: store }))
    }

    /// The schema the tables live in.
    #[getter]
    fn schema(&self) -> &str {
        self.postgres.schema()
    }

    /// The applied schema versions, as ``(namespace, version)`` pairs.
    fn schema_versions(&self, py: Python<'_>) -> PyResult<Vec<(String, u32)>> {
        let s = &self.postgres;
        py.detach(|| s.schema_versions()).or_raise()
    }

    fn __repr__(&self) -> String {
        format!("PostgresStore(schema={:?})", self.postgres.schema())
    }
}

/// One dossier as listed by :meth:`Store.dossiers`.
#[pyclass(module = "chamdiem", frozen)]
pub struct DossierSummary {
    inner: core_store::DossierSummary,
}

#[pymethods]
impl DossierSummary {
    /// The dossier's id.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// Its period.
    #[getter]
    fn period(&self) -> &str {
        &self.inner.period
    }
    /// The assessed unit.
    #[getter]
    fn unit(&self) -> &str {
        &self.inner.unit
    }
    /// The assessing unit.
    #[getter]
    fn assessing_unit(&self) -> &str {
        &self.inner.assessing_unit
    }
    /// ``(id, revision)`` of its criteria set.
    #[getter]
    fn criteria_set(&self) -> (String, u32) {
        (
            self.inner.criteria_set.id.clone(),
            self.inner.criteria_set.revision,
        )
    }
    /// Its state.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state.as_str()
    }
    /// Its version.
    #[getter]
    fn version(&self) -> u64 {
        self.inner.version
    }
    /// When its last event happened (UTC).
    #[getter]
    fn updated_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_timestamp(py, self.inner.updated_at)
    }
    fn __repr__(&self) -> String {
        format!(
            "DossierSummary(id={:?}, unit={:?}, state={:?}, version={})",
            self.inner.id,
            self.inner.unit,
            self.inner.state.as_str(),
            self.inner.version
        )
    }
}

/// What :meth:`Store.execute` did.
#[pyclass(module = "chamdiem", frozen)]
pub struct Executed {
    inner: core_store::Executed,
}

#[pymethods]
impl Executed {
    /// The dossier's version after the command.
    #[getter]
    fn version(&self) -> u64 {
        self.inner.version
    }
    /// The dossier's state after the command.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state.as_str()
    }
    /// The events recorded (empty if the command changed nothing).
    #[getter]
    fn events(&self) -> Vec<Event> {
        self.inner
            .events
            .iter()
            .map(|e| Event { inner: e.clone() })
            .collect()
    }
    fn __repr__(&self) -> String {
        format!(
            "Executed(version={}, state={:?}, events={})",
            self.inner.version,
            self.inner.state.as_str(),
            self.inner.events.len()
        )
    }
}
