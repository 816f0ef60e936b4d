//! What an actor can do now, and the pre-submit check.

use super::decide::{preflight, submit_missing};
use super::{Command, CommandName, decide};
use crate::criteria::{CriteriaSet, EvidenceRule};
use crate::dossier::{Dossier, resolve};
use crate::error::{Error, Missing, Result};
use crate::scoring::Results;
use crate::time::Timestamp;
use crate::unit::Actor;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// One command an actor could issue, and whether its guard allows it now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionStatus {
    /// The command.
    pub command: CommandName,
    /// Whether it would be accepted now (for commands that take input: if the input is valid).
    pub allowed: bool,
    /// Why not: the error the command would get (`wrong_state`, `deadline_passed`,
    /// `guard_failed` with what is missing, …).
    #[serde(serialize_with = "error_json", skip_serializing_if = "Option::is_none")]
    pub reason: Option<Error>,
}

fn error_json<S: Serializer>(e: &Option<Error>, s: S) -> std::result::Result<S::Ok, S::Error> {
    e.as_ref().map(Error::to_json).serialize(s)
}

/// Every command of the actor's role, each with its guard result at `now`: a UI shows each as
/// a button, disabled with the reason when not allowed. Viewers get an empty list.
pub fn available_actions(
    set: &CriteriaSet,
    dossier: &Dossier,
    actor: &Actor,
    now: Timestamp,
) -> Vec<ActionStatus> {
    CommandName::ALL
        .into_iter()
        .filter(|c| c.role() == actor.role)
        .map(|name| {
            let probe = match name {
                CommandName::Submit => Some(Command::Submit),
                CommandName::Withdraw => Some(Command::Withdraw),
                CommandName::RequestExplanation => {
                    Some(Command::RequestExplanation { deadline: None })
                }
                CommandName::FinishExplanation => Some(Command::FinishExplanation),
                CommandName::FinishReview => Some(Command::FinishReview),
                CommandName::ReleaseReview => Some(Command::ReleaseReview),
                CommandName::Reopen => Some(Command::Reopen),
                CommandName::Archive => Some(Command::Archive),
                _ => None,
            };
            let outcome = match probe {
                Some(cmd) => decide(set, dossier, actor, &cmd, now).map(|_| ()),
                None => preflight(dossier, actor, name, now),
            };
            ActionStatus {
                command: name,
                allowed: outcome.is_ok(),
                reason: outcome.err(),
            }
        })
        .collect()
}

/// Stable codes of pre-submit warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// A criterion scored at its full points has no evidence attached.
    FullPointsWithoutEvidence,
    /// A criterion's self score is far above its final score last time.
    AboveLastReview,
    /// The self total is far above last time's final total.
    TotalAboveLastReview,
}

/// Something worth a second look before submitting; it does not block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Warning {
    /// Stable code.
    pub code: WarningCode,
    /// The criterion concerned, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    /// For people.
    pub message: String,
}

/// The pre-submit check: what blocks `submit`, and what deserves a second look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Precheck {
    /// What `submit`'s guard would refuse.
    pub blockers: Vec<Missing>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// A self total this many percentage points above last time's final total is worth a warning.
pub const TOTAL_JUMP_WARNING: Decimal = Decimal::TEN;

/// Runs the pre-submit check; `previous` is the same unit's results of the previous period,
/// when known.
pub fn precheck(
    set: &CriteriaSet,
    dossier: &Dossier,
    previous: Option<&Results>,
) -> Result<Precheck> {
    let blockers = submit_missing(set, dossier);
    let mut warnings = Vec::new();
    let half = Decimal::new(5, 1);
    for node in set.criteria() {
        let c = &node.criterion;
        let Some(entry) = dossier.entry(&c.code) else {
            continue;
        };
        let Some(score) = &entry.self_score else {
            continue;
        };
        let scored = resolve(node, score, set.precision())?;
        if scored.not_applicable {
            continue;
        }
        if c.evidence != EvidenceRule::None
            && node.max > Decimal::ZERO
            && scored.points == node.max
            && entry.evidence.is_empty()
        {
            warnings.push(Warning {
                code: WarningCode::FullPointsWithoutEvidence,
                criterion: Some(c.code.clone()),
                message: format!(
                    "criterion {} is self-scored at its full {} points without evidence",
                    c.code,
                    node.max.normalize()
                ),
            });
        }
        if let Some(prev) = previous.and_then(|p| p.criterion(&c.code))
            && let Some(last) = &prev.final_score
            && !last.not_applicable
            // "Far above": at least half the criterion's range (a deduction's maximum is 0).
            && scored.points - last.points >= (node.max - node.min) * half
            && scored.points > last.points
        {
            warnings.push(Warning {
                code: WarningCode::AboveLastReview,
                criterion: Some(c.code.clone()),
                message: format!(
                    "criterion {} is self-scored {} points; last time's final score was {}",
                    c.code,
                    scored.points.normalize(),
                    last.points.normalize()
                ),
            });
        }
    }
    if let Some(prev) = previous {
        let now = crate::scoring::results(set, dossier)?;
        if let (Some(a), Some(b)) = (now.total.self_track.percent, prev.total.final_track.percent)
            && a - b >= TOTAL_JUMP_WARNING
        {
            warnings.push(Warning {
                code: WarningCode::TotalAboveLastReview,
                criterion: None,
                message: format!(
                    "the self-assessment total is {a}%, {} points above last time's final {b}%",
                    (a - b).normalize()
                ),
            });
        }
    }
    Ok(Precheck { blockers, warnings })
}
