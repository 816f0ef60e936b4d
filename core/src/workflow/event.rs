//! Events: what happened to a dossier. The history is the list of events; replaying it
//! rebuilds the dossier.

use super::State;
use crate::dossier::{Evidence, Request, Scored, SetRef};
use crate::error::Result;
use crate::format::{EventFormat, Format};
use crate::time::Timestamp;
use crate::unit::Actor;
use serde::{Deserialize, Serialize};

/// A recorded event: who did what, when, from which state to which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The dossier version this event produced (all events of one command share it).
    pub version: u64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: Actor,
    /// The state before.
    pub from: State,
    /// The state after.
    pub to: State,
    /// What changed.
    pub change: Change,
}

impl Event {
    /// The JSON form, with its format tag.
    pub fn to_json(&self) -> String {
        let mut v = serde_json::to_value(self).expect("an event always serializes");
        if let Some(o) = v.as_object_mut() {
            o.insert("format".into(), EventFormat::NAME.into());
            o.insert("format_version".into(), EventFormat::VERSION.into());
        }
        v.to_string()
    }

    /// Reads the JSON form (the format tag is optional; when present it must match).
    pub fn from_json(text: &str) -> Result<Event> {
        let mut value: serde_json::Value = crate::error::from_json_str(text)?;
        if let Some(o) = value.as_object_mut() {
            if let Some(f) = o.remove("format") {
                let _: crate::format::Tag<EventFormat> = crate::error::from_json_value(f)?;
            }
            if let Some(v) = o.remove("format_version") {
                let _: crate::format::Version<EventFormat> = crate::error::from_json_value(v)?;
            }
        }
        crate::error::from_json_value(value)
    }
}

/// An old and a new value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextChange {
    /// Before.
    pub old: String,
    /// After.
    pub new: String,
}

/// An old and a new score, each resolved to its case and points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreChange {
    /// Before (`None`: not scored).
    pub old: Option<Scored>,
    /// After (`None`: cleared).
    pub new: Option<Scored>,
}

/// An old and a new explanation request flag (`None`: not flagged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestChange {
    /// Before.
    pub old: Option<Request>,
    /// After.
    pub new: Option<Request>,
}

/// Which deadline an `unlock` moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The self-assessment deadline.
    SelfAssessment,
    /// The current explanation round's deadline.
    Explanation,
}

/// What an event changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// The dossier was opened.
    Opened {
        /// The dossier's id.
        dossier: String,
        /// The period.
        period: String,
        /// The assessed unit.
        unit: String,
        /// The assessing unit.
        assessing_unit: String,
        /// The criteria set.
        criteria_set: SetRef,
        /// The self-assessment deadline.
        self_deadline: Option<Timestamp>,
        /// Whether the signed report is required.
        requires_report: bool,
        /// The criteria, in the set's order.
        criteria: Vec<String>,
    },
    /// The unit saved a criterion.
    SelfSaved {
        /// The criterion.
        criterion: String,
        /// The score, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        score: Option<ScoreChange>,
        /// The opinion, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opinion: Option<TextChange>,
    },
    /// Evidence was attached.
    EvidenceAttached {
        /// The criterion (absent: a dossier-level document).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        criterion: Option<String>,
        /// The file.
        evidence: Evidence,
    },
    /// Evidence was removed.
    EvidenceRemoved {
        /// The criterion (absent: a dossier-level document).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        criterion: Option<String>,
        /// The file that was removed.
        evidence: Evidence,
    },
    /// The unit submitted the self-assessment.
    Submitted,
    /// The unit withdrew its submission.
    Withdrawn,
    /// The reviewer saved a criterion.
    ReviewSaved {
        /// The criterion.
        criterion: String,
        /// The review score, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        score: Option<ScoreChange>,
        /// The review opinion, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opinion: Option<TextChange>,
        /// The explanation request flag, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request: Option<RequestChange>,
    },
    /// The reviewer sent the flagged criteria for explanation: round `round` begins.
    ExplanationRequested {
        /// The round's number.
        round: u32,
        /// The unit's deadline.
        deadline: Option<Timestamp>,
        /// The criteria asked about.
        criteria: Vec<String>,
    },
    /// The unit saved an explanation.
    ExplanationSaved {
        /// The criterion.
        criterion: String,
        /// The explanation, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        explanation: Option<TextChange>,
        /// The unit's opinion, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opinion: Option<TextChange>,
        /// The "explained" tick, if it changed: the new value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        explained: Option<bool>,
    },
    /// The unit ticked "explanation finished".
    ExplanationFinished {
        /// The round.
        round: u32,
    },
    /// The reviewer finished the review; scores are released.
    ReviewFinished,
    /// The reviewer released the review early.
    ReviewReleased,
    /// The reviewer sent the dossier back.
    ReturnedForRework {
        /// Why.
        reason: String,
    },
    /// The reviewer reopened a finished review.
    Reopened,
    /// The dossier was archived.
    Archived,
    /// An administrator moved a deadline.
    Unlocked {
        /// Why.
        reason: String,
        /// Which deadline.
        phase: Phase,
        /// Before.
        old_deadline: Option<Timestamp>,
        /// After.
        new_deadline: Timestamp,
    },
}

impl Change {
    /// The snake_case type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Change::Opened { .. } => "opened",
            Change::SelfSaved { .. } => "self_saved",
            Change::EvidenceAttached { .. } => "evidence_attached",
            Change::EvidenceRemoved { .. } => "evidence_removed",
            Change::Submitted => "submitted",
            Change::Withdrawn => "withdrawn",
            Change::ReviewSaved { .. } => "review_saved",
            Change::ExplanationRequested { .. } => "explanation_requested",
            Change::ExplanationSaved { .. } => "explanation_saved",
            Change::ExplanationFinished { .. } => "explanation_finished",
            Change::ReviewFinished => "review_finished",
            Change::ReviewReleased => "review_released",
            Change::ReturnedForRework { .. } => "returned_for_rework",
            Change::Reopened => "reopened",
            Change::Archived => "archived",
            Change::Unlocked { .. } => "unlocked",
        }
    }

    /// Whether this change concerns `criterion`: a change of its entry, or an explanation
    /// round that asks about it.
    pub fn concerns(&self, criterion: &str) -> bool {
        match self {
            Change::ExplanationRequested { criteria, .. } => {
                criteria.iter().any(|c| c == criterion)
            }
            other => other.criterion() == Some(criterion),
        }
    }

    /// The criterion this change concerns, if it concerns one.
    pub fn criterion(&self) -> Option<&str> {
        match self {
            Change::SelfSaved { criterion, .. }
            | Change::ReviewSaved { criterion, .. }
            | Change::ExplanationSaved { criterion, .. } => Some(criterion),
            Change::EvidenceAttached { criterion, .. }
            | Change::EvidenceRemoved { criterion, .. } => criterion.as_deref(),
            _ => None,
        }
    }
}
