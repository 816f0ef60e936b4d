//! Storage: what the core owns (units, criteria sets, periods, dossiers and their history),
//! behind one synchronous, object-safe trait, [`Store`].
//!
//! Three implementations pass the same [`conformance`] suite:
//!
//! - [`MemoryStore`]: always available, for tests, the browser and short-lived tools;
//! - `SqliteStore` (feature `sqlite`): the embedded default, one file, WAL;
//! - `PostgresStore` (feature `postgres`): the scale-out path, several hosts on one database.
//!
//! The central write is [`Store::execute`]: in one transaction it loads the dossier, lets
//! [`crate::workflow::decide`] judge the command, applies the events and writes the changed
//! entries, the dossier row and the events together, so the history can never disagree with the
//! state. Hosts that decide themselves use the compare-and-set [`Store::save_dossier`].
//!
//! The traits are synchronous: SQLite is, so are the Python and Node store classes; an async
//! host (the axum server) calls them on blocking threads. `docs/storage.md` describes the
//! schema, the migrations and the transactions.
//!
//! ```
//! use chamdiem::store::{DossierQuery, MemoryStore, Store};
//! use chamdiem::*;
//!
//! let store = MemoryStore::new();
//! let set = CriteriaSet::from_compact(r#"
//!     id = "demo"
//!     name = "Demo"
//!     [[group]]
//!     code = "1"
//!     title = "Một"
//!     [[criterion]]
//!     code = "1.1"
//!     group = "1"
//!     title = "Kế hoạch"
//!     cases = [ { code = "a", label = "Đúng hạn", points = 1 }, { code = "b", label = "Chậm", points = 0 } ]
//! "#)?;
//! store.insert_criteria_set(&set)?;
//! store.insert_unit(&Unit { id: "P".into(), code: "P".into(), name: "Tỉnh".into(), kind: UnitKind::Province, parent: None })?;
//! store.insert_unit(&Unit { id: "D".into(), code: "D".into(), name: "Sở".into(), kind: UnitKind::Department, parent: Some("P".into()) })?;
//! let period = Period::new("2026", "Năm 2026", "P", vec![PeriodSet {
//!     unit_kind: UnitKind::Department,
//!     criteria_set: SetRef { id: "demo".into(), revision: 1 },
//! }]);
//! store.insert_period(&period)?;
//! let now = Timestamp::parse("2026-03-01T00:00:00Z").unwrap();
//! let admin = Actor::new("admin", Role::Admin, "P");
//! let dossier = period.open_dossier("2026/D", &store.unit("D")?, &set, &admin, now)?;
//! store.insert_dossier(&dossier)?;
//!
//! let unit = Actor::new("d.officer", Role::Unit, "D");
//! let save = Command::SaveSelf(workflow::SaveSelf {
//!     base_version: Some(1),
//!     entries: vec![workflow::SelfInput { criterion: "1.1".into(), case: Some("a".into()), ..Default::default() }],
//! });
//! let done = store.execute("2026/D", &unit, &save, now)?;
//! assert_eq!(done.version, 2);
//! assert_eq!(store.criterion_history("2026/D", "1.1")?.len(), 1);
//! let listed = store.dossiers(&DossierQuery { period: Some("2026".into()), ..Default::default() })?;
//! assert_eq!(listed.len(), 1);
//! let ranking = store.period_ranking("2026")?;
//! assert_eq!(ranking.tables[0].rows[0].points.to_string(), "1");
//! # Ok::<(), chamdiem::Error>(())
//! ```

pub mod conformance;
mod memory;

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod codec;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{PostgresOptions, PostgresStore};
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteOptions, SqliteStore, Synchronous};

use crate::criteria::CriteriaSet;
use crate::dossier::{Dossier, SetRef};
use crate::error::{Error, Result};
use crate::period::Period;
use crate::scoring::{Ranking, Results};
use crate::time::Timestamp;
use crate::unit::{Actor, Unit};
use crate::workflow::{Command, Event, State};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

/// The storage of everything the core owns: units, criteria sets, periods, dossiers and their
/// history. Object-safe (`Box<dyn Store>`, `Arc<dyn Store>`), `Send + Sync`, synchronous.
///
/// Every method is one transaction: it either happens completely or not at all, and a failure
/// is a typed [`Error`] (`not_found`, `already_exists`, `version_conflict`, `invalid_input`,
/// the workflow's own codes from [`Store::execute`], or `storage` — with `transient: true`
/// when trying again later may succeed).
pub trait Store: Send + Sync {
    /// Stores a new unit; `already_exists` if the id is taken, `not_found` if its parent is
    /// not stored yet (store a tree from the root down).
    fn insert_unit(&self, unit: &Unit) -> Result<()>;
    /// Replaces a stored unit (its name, code, kind or parent changed); `not_found` if absent.
    fn update_unit(&self, unit: &Unit) -> Result<()>;
    /// The unit with this id.
    fn unit(&self, id: &str) -> Result<Unit>;
    /// Every unit, ordered by id.
    fn units(&self) -> Result<Vec<Unit>>;

    /// Stores a criteria set. Sets are immutable: storing the same id and revision again with
    /// the same content does nothing; with different content it is `already_exists` (a changed
    /// set needs a new revision).
    fn insert_criteria_set(&self, set: &CriteriaSet) -> Result<()>;
    /// The criteria set with this id and revision.
    fn criteria_set(&self, id: &str, revision: u32) -> Result<CriteriaSet>;
    /// Every stored criteria set (id, revision, name), ordered by id then revision.
    fn criteria_sets(&self) -> Result<Vec<SetInfo>>;

    /// Stores a new period; `already_exists` if the id is taken, `not_found` if its assessing
    /// unit or one of its criteria sets is not stored.
    fn insert_period(&self, period: &Period) -> Result<()>;
    /// Replaces a stored period (a moved deadline); dossiers already opened keep theirs.
    fn update_period(&self, period: &Period) -> Result<()>;
    /// The period with this id.
    fn period(&self, id: &str) -> Result<Period>;
    /// Every period, ordered by id.
    fn periods(&self) -> Result<Vec<Period>>;

    /// Stores a new dossier (as made by [`Dossier::open`] or [`Period::open_dossier`]) with its
    /// whole history. `already_exists` if the id is taken or the unit already has a dossier in
    /// the period; `not_found` if its period, units or criteria set are not stored;
    /// `invalid_input` if its entries do not match its criteria set.
    fn insert_dossier(&self, dossier: &Dossier) -> Result<()>;
    /// The dossier with its whole history.
    fn dossier(&self, id: &str) -> Result<Dossier>;
    /// The dossier without its history ([`Dossier::history`] is empty): everything
    /// [`crate::decide`] and [`crate::results`] need, loaded faster. A unit's
    /// [`crate::view`] before the review is released derives the entries' versions from the
    /// history it may see: show views from [`Store::dossier`].
    fn dossier_state(&self, id: &str) -> Result<Dossier>;
    /// The dossiers that match `query`, ordered by id.
    fn dossiers(&self, query: &DossierQuery) -> Result<Vec<DossierSummary>>;

    /// Decides `command` for `actor` at `now` on the stored dossier and, if accepted, writes the
    /// changed entries, the dossier and the events in one transaction. A refused command
    /// returns the workflow's error and changes nothing; an accepted command that changes
    /// nothing returns no events. Saves follow the per-entry version rule: a save conflicts
    /// (`version_conflict`) only when an entry it changes was changed by someone else after
    /// the command's `base_version`.
    fn execute(
        &self,
        dossier: &str,
        actor: &Actor,
        command: &Command,
        now: Timestamp,
    ) -> Result<Executed>;

    /// Compare-and-set for hosts that decide themselves: `dossier` was loaded at
    /// `expected_version` ([`Store::dossier`] or [`Store::dossier_state`]) and events were
    /// applied to it since. Writes the entries and events newer than `expected_version` and
    /// the dossier row in one transaction; `version_conflict` if the stored dossier is no
    /// longer at `expected_version`.
    fn save_dossier(&self, dossier: &Dossier, expected_version: u64) -> Result<()>;

    /// The dossier's history, oldest first.
    fn history(&self, dossier: &str) -> Result<Vec<Event>>;
    /// The events that concern one criterion of the dossier, oldest first.
    fn criterion_history(&self, dossier: &str, criterion: &str) -> Result<Vec<Event>>;

    /// The results of every dossier of the period, ordered by dossier id.
    fn period_results(&self, period: &str) -> Result<Vec<Results>>;
    /// The ranking of the period's dossiers (one table per criteria set), see [`crate::rank`].
    fn period_ranking(&self, period: &str) -> Result<Ranking>;
}

/// A criteria set as listed by [`Store::criteria_sets`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetInfo {
    /// The set's id.
    pub id: String,
    /// Its revision.
    pub revision: u32,
    /// Its display name.
    pub name: String,
}

/// Which dossiers [`Store::dossiers`] lists. Every given field must match.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierQuery {
    /// Dossiers of this period.
    #[serde(default)]
    pub period: Option<String>,
    /// Dossiers of this assessed unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// Dossiers reviewed by this unit.
    #[serde(default)]
    pub assessing_unit: Option<String>,
    /// Dossiers in this state.
    #[serde(default)]
    pub state: Option<State>,
    /// Only dossiers whose id sorts after this one (for paging).
    #[serde(default)]
    pub after: Option<String>,
    /// At most this many.
    #[serde(default)]
    pub limit: Option<u32>,
}

impl DossierQuery {
    /// Whether a summary matches the query's filters (not `limit`).
    pub fn matches(&self, d: &DossierSummary) -> bool {
        self.period.as_ref().is_none_or(|p| *p == d.period)
            && self.unit.as_ref().is_none_or(|u| *u == d.unit)
            && self
                .assessing_unit
                .as_ref()
                .is_none_or(|u| *u == d.assessing_unit)
            && self.state.is_none_or(|s| s == d.state)
            && self
                .after
                .as_ref()
                .is_none_or(|a| d.id.as_str() > a.as_str())
    }
}

/// One dossier as listed by [`Store::dossiers`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierSummary {
    /// The dossier's id.
    pub id: String,
    /// Its period.
    pub period: String,
    /// The assessed unit.
    pub unit: String,
    /// The assessing unit.
    pub assessing_unit: String,
    /// Its criteria set.
    pub criteria_set: SetRef,
    /// Its state.
    pub state: State,
    /// Its version.
    pub version: u64,
    /// When its last event happened.
    pub updated_at: Timestamp,
}

impl DossierSummary {
    /// The summary of a dossier whose history's last event is at `updated_at`.
    pub fn of(d: &Dossier, updated_at: Timestamp) -> Self {
        DossierSummary {
            id: d.id.clone(),
            period: d.period.clone(),
            unit: d.unit.clone(),
            assessing_unit: d.assessing_unit.clone(),
            criteria_set: d.criteria_set.clone(),
            state: d.state,
            version: d.version,
            updated_at,
        }
    }
}

/// What [`Store::execute`] did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Executed {
    /// The dossier's version after the command (unchanged if nothing changed).
    pub version: u64,
    /// The dossier's state after the command.
    pub state: State,
    /// The events recorded (empty if the command changed nothing).
    pub events: Vec<Event>,
}

/// A schema migration: applied once, in order of `version`, within its namespace (`core` for
/// the store's own; a host registers its own namespace, e.g. `server`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// 1, 2, 3… within the namespace; never reused.
    pub version: u32,
    /// A short name, recorded with the version (`users_and_sessions`).
    pub name: String,
    /// The SQL, one or more statements, run in the migration's transaction.
    pub sql: String,
}

impl Migration {
    /// A migration.
    pub fn new(version: u32, name: impl Into<String>, sql: impl Into<String>) -> Self {
        Migration {
            version,
            name: name.into(),
            sql: sql.into(),
        }
    }
}

/// The namespace of the store's own migrations.
pub const CORE_NAMESPACE: &str = "core";

/// Checks a host's migrations: a namespace of letters, digits and `_`, other than `core`;
/// versions 1, 2, 3… in order.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn check_migrations(namespace: &str, migrations: &[Migration]) -> Result<()> {
    if namespace.is_empty()
        || namespace == CORE_NAMESPACE
        || !namespace
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(Error::invalid_input(
            "namespace",
            format!(
                "migration namespace `{namespace}` must be letters, digits and `_`, and not `core`"
            ),
        ));
    }
    for (i, m) in migrations.iter().enumerate() {
        if m.version as usize != i + 1 {
            return Err(Error::invalid_input(
                format!("migrations[{i}]"),
                format!(
                    "migration `{}` of namespace `{namespace}` has version {}; versions must be \
                     1, 2, 3… in order",
                    m.name, m.version
                ),
            ));
        }
    }
    Ok(())
}

/// Fault injection for reliability tests: a store given a plan consults it before every
/// underlying operation (each SQL statement, `BEGIN` and `COMMIT` included; each step of the
/// memory store), and the armed operation fails with a transient `storage` error.
///
/// ```
/// use chamdiem::store::{FaultPlan, MemoryStore, Store};
/// use std::sync::Arc;
/// let faults = Arc::new(FaultPlan::new());
/// let store = MemoryStore::with_faults(faults.clone());
/// faults.fail_nth(1);
/// assert_eq!(store.units().unwrap_err().code(), "storage");
/// assert!(faults.triggered());
/// assert!(store.units().is_ok());
/// ```
#[derive(Debug, Default)]
pub struct FaultPlan {
    /// Operations counted since the plan was last armed.
    count: AtomicU64,
    /// The operation to fail (1-based); 0: none.
    fail_at: AtomicU64,
    /// The operation that failed; 0: none yet.
    failed: AtomicU64,
}

impl FaultPlan {
    /// A plan that fails nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fails the `n`-th operation from now (1-based), once.
    pub fn fail_nth(&self, n: u64) {
        self.count.store(0, Ordering::SeqCst);
        self.failed.store(0, Ordering::SeqCst);
        self.fail_at.store(n, Ordering::SeqCst);
    }

    /// Stops failing; counting restarts.
    pub fn disarm(&self) {
        self.fail_at.store(0, Ordering::SeqCst);
        self.count.store(0, Ordering::SeqCst);
    }

    /// Whether the armed operation was reached (and failed).
    pub fn triggered(&self) -> bool {
        self.failed.load(Ordering::SeqCst) != 0
    }

    /// Operations counted since the plan was last armed or disarmed.
    pub fn operations(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }

    /// Called by a store before each underlying operation.
    pub fn check(&self, operation: &str) -> Result<()> {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        let at = self.fail_at.load(Ordering::SeqCst);
        if at != 0 && n == at {
            self.failed.store(n, Ordering::SeqCst);
            return Err(Error::Storage {
                message: format!("injected fault: operation {n} ({operation}) failed"),
                transient: true,
            });
        }
        Ok(())
    }
}

/// Consults an optional fault plan.
pub(crate) fn fault(plan: &Option<std::sync::Arc<FaultPlan>>, operation: &str) -> Result<()> {
    match plan {
        Some(p) => p.check(operation),
        None => Ok(()),
    }
}

/// The checks every store makes on a dossier before inserting it.
pub(crate) fn check_new_dossier(dossier: &Dossier, set: &CriteriaSet) -> Result<()> {
    dossier.check_against(set)?;
    check_history(dossier, 0)?;
    if dossier.history.first().map(|e| e.version) != Some(1)
        || !matches!(
            dossier.history.first().map(|e| &e.change),
            Some(crate::workflow::Change::Opened { .. })
        )
    {
        return Err(Error::invalid_input(
            "history",
            format!(
                "dossier `{}` must be stored with its whole history, starting with `opened`",
                dossier.id
            ),
        ));
    }
    Ok(())
}

/// The events of `dossier` newer than `base`, checked: versions increase one command at a time
/// and the last is the dossier's version.
pub(crate) fn check_history(dossier: &Dossier, base: u64) -> Result<&[Event]> {
    let start = dossier.history.partition_point(|e| e.version <= base);
    let new = &dossier.history[start..];
    let bad = |msg: String| Err(Error::invalid_input("history", msg));
    if dossier.version < base {
        return bad(format!(
            "dossier `{}` is at version {}, older than the expected version {base}",
            dossier.id, dossier.version
        ));
    }
    if dossier.version == base {
        return if new.is_empty() {
            Ok(new)
        } else {
            bad(format!(
                "dossier `{}` has events newer than its version",
                dossier.id
            ))
        };
    }
    let mut prev = base;
    for e in new {
        if e.version != prev && e.version != prev + 1 {
            return bad(format!(
                "dossier `{}`: event version {} follows version {prev}; versions go up by one \
                 per command",
                dossier.id, e.version
            ));
        }
        prev = e.version;
    }
    if prev != dossier.version {
        return bad(format!(
            "dossier `{}` is at version {} but its newest event is at version {prev}: load it \
             with its events and apply commands with `execute` or `apply`",
            dossier.id, dossier.version
        ));
    }
    Ok(new)
}

/// The error of a compare-and-set whose expected version moved.
pub(crate) fn moved(expected: u64, current: u64, changed_by: Option<String>) -> Error {
    Error::VersionConflict {
        criterion: None,
        base_version: expected,
        current_version: current,
        changed_by,
    }
}

/// The error for a dossier that is not stored.
pub(crate) fn no_dossier(id: &str) -> Error {
    Error::not_found("dossier", id)
}

/// `not_found` for a criteria set.
pub(crate) fn no_set(id: &str, revision: u32) -> Error {
    Error::not_found("criteria_set", format!("{id} revision {revision}"))
}

/// Checks that `new` keeps the identity of the stored dossier `old` (only its state changes).
pub(crate) fn same_identity(old: &Dossier, new: &Dossier) -> Result<()> {
    // A stored header loaded without entries compares the header only; the SQL stores check
    // each written entry's criterion as they write it.
    let same = old.id == new.id
        && old.period == new.period
        && old.unit == new.unit
        && old.assessing_unit == new.assessing_unit
        && old.criteria_set == new.criteria_set
        && (old.entries.is_empty()
            || (old.entries.len() == new.entries.len()
                && old
                    .entries
                    .iter()
                    .zip(&new.entries)
                    .all(|(a, b)| a.criterion == b.criterion)));
    if same {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "dossier",
            format!(
                "dossier `{}` does not match the stored one: its period, units, criteria set and \
                 criteria cannot change",
                new.id
            ),
        ))
    }
}

/// Computes a period's ranking from its results and the stored units (a unit that is missing
/// is `not_found`).
pub(crate) fn rank_results(results: &[Results], units: &[Unit]) -> Result<Ranking> {
    let by_id: std::collections::HashMap<&str, &Unit> =
        units.iter().map(|u| (u.id.as_str(), u)).collect();
    let mut pairs = Vec::with_capacity(results.len());
    for r in results {
        let u = by_id
            .get(r.unit.as_str())
            .ok_or_else(|| Error::not_found("unit", r.unit.clone()))?;
        pairs.push((*u, r));
    }
    Ok(crate::scoring::rank(pairs))
}
