//! The in-memory store: everything in maps behind one lock. Always available (it builds for
//! wasm32 too); nothing survives the process.

use super::{
    DossierQuery, DossierSummary, Executed, FaultPlan, SetInfo, Store, check_history,
    check_new_dossier, fault, moved, no_dossier, no_set, rank_results, same_identity,
};
use crate::criteria::CriteriaSet;
use crate::dossier::Dossier;
use crate::error::{Error, Result};
use crate::period::Period;
use crate::scoring::{Ranking, Results};
use crate::time::Timestamp;
use crate::unit::{Actor, Unit};
use crate::workflow::{Command, Event};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A dossier as the memory store keeps it: its state and, apart, its history.
#[derive(Debug, Clone)]
struct Stored {
    state: Dossier,
    history: Vec<Event>,
}

impl Stored {
    fn updated_at(&self) -> Timestamp {
        self.history
            .last()
            .map(|e| e.at)
            .unwrap_or(Timestamp::from_millis(0))
    }
}

#[derive(Debug, Default)]
struct Inner {
    units: BTreeMap<String, Unit>,
    sets: BTreeMap<(String, u32), Arc<CriteriaSet>>,
    periods: BTreeMap<String, Period>,
    dossiers: BTreeMap<String, Stored>,
}

/// A [`Store`] in memory. Cheap to create; every method holds one lock for its whole
/// duration, so each is atomic and isolated like a database transaction.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: RwLock<Inner>,
    faults: Option<Arc<FaultPlan>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store that consults `faults` before each step (for reliability tests).
    pub fn with_faults(faults: Arc<FaultPlan>) -> Self {
        MemoryStore {
            inner: RwLock::default(),
            faults: Some(faults),
        }
    }

    fn op(&self, what: &str) -> Result<()> {
        fault(&self.faults, what)
    }

    fn read(&self) -> Result<RwLockReadGuard<'_, Inner>> {
        self.op("lock")?;
        // A panic while holding the lock cannot leave the maps half-changed: every writer
        // mutates only after its last fallible step.
        Ok(self.inner.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn write(&self) -> Result<RwLockWriteGuard<'_, Inner>> {
        self.op("lock")?;
        Ok(self.inner.write().unwrap_or_else(|p| p.into_inner()))
    }
}

fn set_of(inner: &Inner, d: &Dossier) -> Result<Arc<CriteriaSet>> {
    inner
        .sets
        .get(&(d.criteria_set.id.clone(), d.criteria_set.revision))
        .cloned()
        .ok_or_else(|| no_set(&d.criteria_set.id, d.criteria_set.revision))
}

fn check_unit_refs(inner: &Inner, unit: &Unit) -> Result<()> {
    unit.validate()?;
    if let Some(p) = &unit.parent
        && !inner.units.contains_key(p)
    {
        return Err(Error::not_found("unit", p.clone()));
    }
    Ok(())
}

fn check_period_refs(inner: &Inner, period: &Period) -> Result<()> {
    period.validate()?;
    if !inner.units.contains_key(&period.assessing_unit) {
        return Err(Error::not_found("unit", period.assessing_unit.clone()));
    }
    for s in &period.criteria_sets {
        let r = &s.criteria_set;
        if !inner.sets.contains_key(&(r.id.clone(), r.revision)) {
            return Err(no_set(&r.id, r.revision));
        }
    }
    Ok(())
}

impl Store for MemoryStore {
    fn insert_unit(&self, unit: &Unit) -> Result<()> {
        let mut g = self.write()?;
        if g.units.contains_key(&unit.id) {
            return Err(Error::AlreadyExists {
                kind: "unit".into(),
                id: unit.id.clone(),
            });
        }
        check_unit_refs(&g, unit)?;
        self.op("insert unit")?;
        g.units.insert(unit.id.clone(), unit.clone());
        Ok(())
    }

    fn update_unit(&self, unit: &Unit) -> Result<()> {
        let mut g = self.write()?;
        if !g.units.contains_key(&unit.id) {
            return Err(Error::not_found("unit", unit.id.clone()));
        }
        check_unit_refs(&g, unit)?;
        self.op("update unit")?;
        g.units.insert(unit.id.clone(), unit.clone());
        Ok(())
    }

    fn unit(&self, id: &str) -> Result<Unit> {
        let g = self.read()?;
        g.units
            .get(id)
            .cloned()
            .ok_or_else(|| Error::not_found("unit", id))
    }

    fn units(&self) -> Result<Vec<Unit>> {
        Ok(self.read()?.units.values().cloned().collect())
    }

    fn insert_criteria_set(&self, set: &CriteriaSet) -> Result<()> {
        let mut g = self.write()?;
        let key = (set.id().to_owned(), set.revision());
        if let Some(old) = g.sets.get(&key) {
            return if **old == *set {
                Ok(())
            } else {
                Err(Error::AlreadyExists {
                    kind: "criteria_set".into(),
                    id: format!("{} revision {}", set.id(), set.revision()),
                })
            };
        }
        self.op("insert criteria set")?;
        g.sets.insert(key, Arc::new(set.clone()));
        Ok(())
    }

    fn criteria_set(&self, id: &str, revision: u32) -> Result<CriteriaSet> {
        let g = self.read()?;
        g.sets
            .get(&(id.to_owned(), revision))
            .map(|s| (**s).clone())
            .ok_or_else(|| no_set(id, revision))
    }

    fn criteria_sets(&self) -> Result<Vec<SetInfo>> {
        Ok(self
            .read()?
            .sets
            .values()
            .map(|s| SetInfo {
                id: s.id().to_owned(),
                revision: s.revision(),
                name: s.name().to_owned(),
            })
            .collect())
    }

    fn insert_period(&self, period: &Period) -> Result<()> {
        let mut g = self.write()?;
        if g.periods.contains_key(&period.id) {
            return Err(Error::AlreadyExists {
                kind: "period".into(),
                id: period.id.clone(),
            });
        }
        check_period_refs(&g, period)?;
        self.op("insert period")?;
        g.periods.insert(period.id.clone(), period.clone());
        Ok(())
    }

    fn update_period(&self, period: &Period) -> Result<()> {
        let mut g = self.write()?;
        if !g.periods.contains_key(&period.id) {
            return Err(Error::not_found("period", period.id.clone()));
        }
        check_period_refs(&g, period)?;
        self.op("update period")?;
        g.periods.insert(period.id.clone(), period.clone());
        Ok(())
    }

    fn period(&self, id: &str) -> Result<Period> {
        let g = self.read()?;
        g.periods
            .get(id)
            .cloned()
            .ok_or_else(|| Error::not_found("period", id))
    }

    fn periods(&self) -> Result<Vec<Period>> {
        Ok(self.read()?.periods.values().cloned().collect())
    }

    fn insert_dossier(&self, dossier: &Dossier) -> Result<()> {
        let mut g = self.write()?;
        if g.dossiers.contains_key(&dossier.id) {
            return Err(Error::AlreadyExists {
                kind: "dossier".into(),
                id: dossier.id.clone(),
            });
        }
        if !g.periods.contains_key(&dossier.period) {
            return Err(Error::not_found("period", dossier.period.clone()));
        }
        for u in [&dossier.unit, &dossier.assessing_unit] {
            if !g.units.contains_key(u) {
                return Err(Error::not_found("unit", u.clone()));
            }
        }
        let set = set_of(&g, dossier)?;
        check_new_dossier(dossier, &set)?;
        if let Some(other) = g
            .dossiers
            .values()
            .find(|s| s.state.period == dossier.period && s.state.unit == dossier.unit)
        {
            return Err(Error::AlreadyExists {
                kind: "dossier".into(),
                id: format!(
                    "{} (unit `{}` already has dossier `{}` in period `{}`)",
                    dossier.id, dossier.unit, other.state.id, dossier.period
                ),
            });
        }
        self.op("insert dossier")?;
        let mut state = dossier.clone();
        let history = std::mem::take(&mut state.history);
        g.dossiers
            .insert(dossier.id.clone(), Stored { state, history });
        Ok(())
    }

    fn dossier(&self, id: &str) -> Result<Dossier> {
        let g = self.read()?;
        let s = g.dossiers.get(id).ok_or_else(|| no_dossier(id))?;
        self.op("read history")?;
        let mut d = s.state.clone();
        d.history = s.history.clone();
        Ok(d)
    }

    fn dossier_state(&self, id: &str) -> Result<Dossier> {
        let g = self.read()?;
        g.dossiers
            .get(id)
            .map(|s| s.state.clone())
            .ok_or_else(|| no_dossier(id))
    }

    fn dossiers(&self, query: &DossierQuery) -> Result<Vec<DossierSummary>> {
        let g = self.read()?;
        let limit = query.limit.map_or(usize::MAX, |l| l as usize);
        Ok(g.dossiers
            .values()
            .map(|s| DossierSummary::of(&s.state, s.updated_at()))
            .filter(|s| query.matches(s))
            .take(limit)
            .collect())
    }

    fn execute(
        &self,
        dossier: &str,
        actor: &Actor,
        command: &Command,
        now: Timestamp,
    ) -> Result<Executed> {
        let mut g = self.write()?;
        let stored = g.dossiers.get(dossier).ok_or_else(|| no_dossier(dossier))?;
        let set = set_of(&g, &stored.state)?;
        let mut state = stored.state.clone();
        let events = state.execute(&set, actor, command, now)?;
        let done = Executed {
            version: state.version,
            state: state.state,
            events,
        };
        if done.events.is_empty() {
            return Ok(done);
        }
        self.op("write dossier")?;
        state.history.clear();
        let s = g
            .dossiers
            .get_mut(dossier)
            .ok_or_else(|| no_dossier(dossier))?;
        s.state = state;
        s.history.extend(done.events.iter().cloned());
        Ok(done)
    }

    fn save_dossier(&self, dossier: &Dossier, expected_version: u64) -> Result<()> {
        let new_events = check_history(dossier, expected_version)?.to_vec();
        let mut g = self.write()?;
        let stored = g
            .dossiers
            .get(&dossier.id)
            .ok_or_else(|| no_dossier(&dossier.id))?;
        if stored.state.version != expected_version {
            return Err(moved(
                expected_version,
                stored.state.version,
                stored.history.last().map(|e| e.actor.user.clone()),
            ));
        }
        same_identity(&stored.state, dossier)?;
        if new_events.is_empty() {
            return Ok(());
        }
        self.op("write dossier")?;
        let mut state = dossier.clone();
        state.history.clear();
        let s = g
            .dossiers
            .get_mut(&dossier.id)
            .ok_or_else(|| no_dossier(&dossier.id))?;
        s.state = state;
        s.history.extend(new_events);
        Ok(())
    }

    fn history(&self, dossier: &str) -> Result<Vec<Event>> {
        let g = self.read()?;
        g.dossiers
            .get(dossier)
            .map(|s| s.history.clone())
            .ok_or_else(|| no_dossier(dossier))
    }

    fn criterion_history(&self, dossier: &str, criterion: &str) -> Result<Vec<Event>> {
        let g = self.read()?;
        let s = g.dossiers.get(dossier).ok_or_else(|| no_dossier(dossier))?;
        Ok(s.history
            .iter()
            .filter(|e| e.change.criterion() == Some(criterion))
            .cloned()
            .collect())
    }

    fn period_results(&self, period: &str) -> Result<Vec<Results>> {
        let g = self.read()?;
        if !g.periods.contains_key(period) {
            return Err(Error::not_found("period", period));
        }
        let mut out = Vec::new();
        for s in g.dossiers.values().filter(|s| s.state.period == period) {
            let set = set_of(&g, &s.state)?;
            out.push(crate::scoring::results(&set, &s.state)?);
        }
        Ok(out)
    }

    fn period_ranking(&self, period: &str) -> Result<Ranking> {
        let results = self.period_results(period)?;
        let units = self.units()?;
        rank_results(&results, &units)
    }
}
