//! Views: a dossier as one actor may see it. Hosts show views, never raw dossiers.

use super::Change;
use crate::criteria::CriteriaSet;
use crate::dossier::Dossier;
use crate::error::{Error, Result};
use crate::format::{Tag, Version, ViewFormat};
use crate::scoring::{Results, compute};
use crate::unit::{Actor, Role};
use serde::{Deserialize, Serialize};

/// A dossier as an actor may see it: before the review is released, a unit (or a viewer) sees
/// the explanation requests that were sent, but no review scores, review opinions, pending flags
/// or review history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierView {
    format: Tag<ViewFormat>,
    format_version: Version<ViewFormat>,
    /// The role the view was made for.
    pub role: Role,
    /// Whether the review is included.
    pub review_visible: bool,
    /// The dossier, with what the actor may not see removed.
    pub dossier: Dossier,
}

impl DossierView {
    /// The results as this actor may see them.
    pub fn results(&self, set: &CriteriaSet) -> Result<Results> {
        compute(
            set,
            &self.dossier,
            self.review_visible,
            crate::scoring::ResultsOptions::default(),
        )
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a view always serializes")
    }
}

/// Whether `actor` may read `dossier` at all.
pub(crate) fn check_read(dossier: &Dossier, actor: &Actor) -> Result<()> {
    match actor.role {
        Role::Unit if actor.unit != dossier.unit => Err(Error::Forbidden {
            command: None,
            reason: format!(
                "dossier `{}` belongs to unit `{}`; you belong to unit `{}`",
                dossier.id, dossier.unit, actor.unit
            ),
        }),
        Role::Reviewer if actor.unit != dossier.assessing_unit => Err(Error::Forbidden {
            command: None,
            reason: format!(
                "dossier `{}` is reviewed by unit `{}`; you belong to unit `{}`",
                dossier.id, dossier.assessing_unit, actor.unit
            ),
        }),
        _ => Ok(()),
    }
}

/// Whether `actor` sees the review of `dossier`: reviewers and administrators always, others
/// once the review is released.
fn review_visible(dossier: &Dossier, actor: &Actor) -> bool {
    matches!(actor.role, Role::Reviewer | Role::Admin) || dossier.review_released
}

/// The results of `dossier` as `actor` may see them: the same as
/// `view(dossier, actor)?.results(set)`, without building the view, so without copying the
/// dossier or needing its history (a store's `dossier_state` is enough). `forbidden` as
/// [`view`].
pub fn visible_results(set: &CriteriaSet, dossier: &Dossier, actor: &Actor) -> Result<Results> {
    check_read(dossier, actor)?;
    compute(
        set,
        dossier,
        review_visible(dossier, actor),
        crate::scoring::ResultsOptions::default(),
    )
}

/// The view of `dossier` for `actor`; `forbidden` for a unit of another unit or a reviewer of
/// another assessing unit.
pub fn view(dossier: &Dossier, actor: &Actor) -> Result<DossierView> {
    check_read(dossier, actor)?;
    let full = review_visible(dossier, actor);
    let mut d = dossier.clone();
    if !full {
        for e in &mut d.entries {
            e.review_score = None;
            e.review_opinion.clear();
            if e.request.as_ref().is_some_and(|r| r.round.is_none()) {
                e.request = None;
            }
        }
        for r in &mut d.rounds {
            r.review.clear();
        }
        d.history
            .retain(|e| !matches!(e.change, Change::ReviewSaved { .. }));
        // An entry's version and last editor come from the events the actor may see, so the
        // view does not reveal which criteria the reviewer has touched.
        let (history, entries) = (&d.history, &mut d.entries);
        let mut last: std::collections::HashMap<&str, (u64, &str)> = Default::default();
        for ev in history {
            let at = (ev.version, ev.actor.user.as_str());
            match &ev.change {
                Change::ExplanationRequested { criteria, .. } => {
                    for c in criteria {
                        last.insert(c.as_str(), at);
                    }
                }
                other => {
                    if let Some(c) = other.criterion() {
                        last.insert(c, at);
                    }
                }
            }
        }
        for e in entries.iter_mut() {
            let seen = last.get(e.criterion.as_str());
            e.version = seen.map_or(0, |(v, _)| *v);
            e.changed_by = seen.map(|(_, u)| (*u).to_owned());
        }
    }
    Ok(DossierView {
        format: Tag::default(),
        format_version: Version::default(),
        role: actor.role,
        review_visible: full,
        dossier: d,
    })
}
