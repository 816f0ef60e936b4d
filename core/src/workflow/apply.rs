//! Folding events into a dossier. Infallible: events are facts already decided.

use super::{Change, Event, Phase};
use crate::criteria::CriteriaSet;
use crate::dossier::{Dossier, Entry, ReviewSnapshot, Round, RoundRequest};

/// The entry of `criterion`: by its position in the dossier's criteria set when the caller has
/// the set (one lookup), else by scanning the entries.
fn entry_mut<'a>(
    d: &'a mut Dossier,
    set: Option<&CriteriaSet>,
    criterion: &str,
) -> Option<&'a mut Entry> {
    let i = match set {
        Some(set) => d.entry_index(set, criterion),
        None => d.entries.iter().position(|e| e.criterion == criterion),
    };
    i.map(move |i| &mut d.entries[i])
}

fn touch(entry: &mut Entry, event: &Event) {
    entry.version = event.version;
    entry.changed_by = Some(event.actor.user.clone());
}

/// Applies one event's change (the caller sets version and state and records the event).
/// `set`, the dossier's criteria set when the caller has it, makes finding entries O(1).
pub(crate) fn apply(d: &mut Dossier, event: &Event, set: Option<&CriteriaSet>) {
    match &event.change {
        Change::Opened { .. } => {}
        Change::SelfSaved {
            criterion,
            score,
            opinion,
        } => {
            if let Some(e) = entry_mut(d, set, criterion) {
                if let Some(s) = score {
                    e.self_score = s.new.as_ref().map(|n| n.score());
                }
                if let Some(o) = opinion {
                    e.self_opinion = o.new.clone();
                }
                touch(e, event);
            }
        }
        Change::EvidenceAttached {
            criterion,
            evidence,
        } => match criterion {
            Some(c) => {
                if let Some(e) = entry_mut(d, set, c) {
                    e.evidence.push(evidence.clone());
                    touch(e, event);
                }
            }
            None => d.report.push(evidence.clone()),
        },
        Change::EvidenceRemoved {
            criterion,
            evidence,
        } => match criterion {
            Some(c) => {
                if let Some(e) = entry_mut(d, set, c) {
                    e.evidence.retain(|x| x.id != evidence.id);
                    touch(e, event);
                }
            }
            None => d.report.retain(|x| x.id != evidence.id),
        },
        Change::Submitted => {
            d.review_started = false;
        }
        Change::Withdrawn => {}
        Change::ReviewSaved {
            criterion,
            score,
            opinion,
            request,
        } => {
            d.review_started = true;
            if let Some(e) = entry_mut(d, set, criterion) {
                if let Some(s) = score {
                    e.review_score = s.new.as_ref().map(|n| n.score());
                }
                if let Some(o) = opinion {
                    e.review_opinion = o.new.clone();
                }
                if let Some(r) = request {
                    e.request = r.new.clone();
                }
                touch(e, event);
            }
        }
        Change::ExplanationRequested {
            round,
            deadline,
            criteria,
        } => {
            let mut requests = Vec::with_capacity(criteria.len());
            for c in criteria {
                if let Some(e) = entry_mut(d, set, c) {
                    let note = match &mut e.request {
                        Some(r) => {
                            r.round = Some(*round);
                            r.note.clone()
                        }
                        None => String::new(),
                    };
                    e.explained = false;
                    touch(e, event);
                    requests.push(RoundRequest {
                        criterion: c.clone(),
                        note,
                    });
                }
            }
            let review = d
                .entries
                .iter()
                .filter(|e| e.review_score.is_some() || !e.review_opinion.is_empty())
                .map(|e| ReviewSnapshot {
                    criterion: e.criterion.clone(),
                    score: e.review_score.clone(),
                    opinion: e.review_opinion.clone(),
                })
                .collect();
            d.rounds.push(Round {
                number: *round,
                requested_at: event.at,
                requested_by: event.actor.user.clone(),
                deadline: *deadline,
                requests,
                review,
                finished_at: None,
            });
            d.explanation_finished = false;
        }
        Change::ExplanationSaved {
            criterion,
            explanation,
            opinion,
            explained,
        } => {
            if let Some(e) = entry_mut(d, set, criterion) {
                if let Some(x) = explanation {
                    e.explanation = x.new.clone();
                }
                if let Some(o) = opinion {
                    e.self_opinion = o.new.clone();
                }
                if let Some(t) = explained {
                    e.explained = *t;
                }
                touch(e, event);
            }
        }
        Change::ExplanationFinished { round } => {
            d.explanation_finished = true;
            if let Some(r) = d.rounds.iter_mut().find(|r| r.number == *round) {
                r.finished_at = Some(event.at);
            }
        }
        Change::ReviewFinished | Change::ReviewReleased => {
            d.review_released = true;
        }
        Change::ReturnedForRework { .. } => {
            d.explanation_finished = false;
        }
        Change::Reopened => {
            d.review_started = true;
        }
        Change::Archived => {}
        Change::Unlocked {
            phase,
            new_deadline,
            ..
        } => match phase {
            Phase::SelfAssessment => d.self_deadline = Some(*new_deadline),
            Phase::Explanation => {
                if let Some(r) = d.rounds.last_mut() {
                    r.deadline = Some(*new_deadline);
                }
            }
        },
    }
}
