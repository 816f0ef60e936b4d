//! The one error vocabulary of chamdiem.
//!
//! Every variant has a stable snake_case [`Error::code`]; bindings and hosts map the code (never
//! the message) to their own error types. [`Error::details`] gives the variant's fields as JSON
//! and [`Error::to_json`] the `{code, message, details}` body every host uses.

use crate::time::Timestamp;
use crate::workflow::{CommandName, State};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// A convenient alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a guard found missing: one item per thing the actor must do first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Missing {
    /// Stable code of what is missing, e.g. `self_score`, `evidence`, `not_explained`.
    pub code: MissingCode,
    /// The criterion concerned, when the item is about one criterion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    /// A sentence for people, saying what to do.
    pub message: String,
}

/// The stable codes of [`Missing`] items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingCode {
    /// An applicable criterion has no self-assessment case or value.
    SelfScore,
    /// A criterion that requires evidence has none.
    Evidence,
    /// A criterion that requires evidence has neither evidence nor an explanation
    /// (the set allows an explanation instead).
    EvidenceOrExplanation,
    /// The period requires the signed self-assessment report and none is attached.
    Report,
    /// The reviewer has already saved review work, so the unit can no longer withdraw.
    ReviewStarted,
    /// A criterion has no review case or value.
    ReviewScore,
    /// A criterion is flagged for explanation but the request was not sent.
    UnsentRequest,
    /// No criterion is flagged for explanation in this round.
    NoRequest,
    /// A criterion flagged in this round is not ticked "explained".
    NotExplained,
    /// The unit has not yet ticked "explanation finished" for the dossier.
    ExplanationNotFinished,
    /// The unit has ticked "explanation finished": the explanation can no longer change.
    ExplanationFinished,
    /// The criterion is not flagged for explanation in the current round.
    NotRequested,
    /// The evidence was attached in an earlier round and can no longer be removed.
    EvidenceFromEarlierRound,
    /// A reason must be given.
    Reason,
    /// The new deadline must lie in the future.
    DeadlineInPast,
    /// The review is already visible to the unit.
    AlreadyReleased,
}

impl MissingCode {
    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingCode::SelfScore => "self_score",
            MissingCode::Evidence => "evidence",
            MissingCode::EvidenceOrExplanation => "evidence_or_explanation",
            MissingCode::Report => "report",
            MissingCode::ReviewStarted => "review_started",
            MissingCode::ReviewScore => "review_score",
            MissingCode::UnsentRequest => "unsent_request",
            MissingCode::NoRequest => "no_request",
            MissingCode::NotExplained => "not_explained",
            MissingCode::ExplanationNotFinished => "explanation_not_finished",
            MissingCode::ExplanationFinished => "explanation_finished",
            MissingCode::NotRequested => "not_requested",
            MissingCode::EvidenceFromEarlierRound => "evidence_from_earlier_round",
            MissingCode::Reason => "reason",
            MissingCode::DeadlineInPast => "deadline_in_past",
            MissingCode::AlreadyReleased => "already_released",
        }
    }
}

impl fmt::Display for MissingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Missing {
    /// A missing item about one criterion.
    pub fn criterion(code: MissingCode, criterion: &str, message: String) -> Self {
        Missing {
            code,
            criterion: Some(criterion.to_owned()),
            message,
        }
    }
    /// A missing item about the whole dossier.
    pub fn dossier(code: MissingCode, message: impl Into<String>) -> Self {
        Missing {
            code,
            criterion: None,
            message: message.into(),
        }
    }
}

/// Every error chamdiem reports. A refused command never changes anything.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// The command is not allowed in the dossier's current state.
    #[error(
        "`{command}` is not possible while the dossier is in state `{state}` ({}); it is allowed in: {}",
        state.label_vi(),
        list_states(allowed)
    )]
    WrongState {
        /// The refused command.
        command: CommandName,
        /// The dossier's state.
        state: State,
        /// The states in which the command is allowed.
        allowed: Vec<State>,
    },

    /// The actor may not do this (wrong role, or a unit or reviewer of another unit).
    #[error("{reason}")]
    Forbidden {
        /// The refused command, if the refusal is about a command.
        #[serde(skip_serializing_if = "Option::is_none")]
        command: Option<CommandName>,
        /// Why.
        reason: String,
    },

    /// A criterion code that the criteria set does not have.
    #[error("criterion `{criterion}` does not exist in this criteria set; check the code")]
    UnknownCriterion {
        /// The unknown code.
        criterion: String,
    },

    /// An evaluation case that the criterion does not have.
    #[error(
        "criterion `{criterion}` has no evaluation case `{case}`; choose one of: {}",
        known.join(", ")
    )]
    UnknownCase {
        /// The criterion.
        criterion: String,
        /// The unknown case code.
        case: String,
        /// The cases the criterion has.
        known: Vec<String>,
    },

    /// A measured value outside the criterion's allowed range, or a value given for a
    /// criterion that takes a case (or the reverse).
    #[error("{message}")]
    ValueOutOfRange {
        /// The criterion.
        criterion: String,
        /// The value given, if any.
        #[serde(with = "crate::decimal::serde_opt")]
        value: Option<Decimal>,
        /// The smallest allowed value.
        #[serde(with = "crate::decimal::serde_opt")]
        min: Option<Decimal>,
        /// The largest allowed value.
        #[serde(with = "crate::decimal::serde_opt")]
        max: Option<Decimal>,
        /// What was wrong.
        message: String,
    },

    /// The command's guard refused: `missing` lists everything to do first.
    #[error("`{command}` cannot be done yet: {}", list_missing(missing))]
    GuardFailed {
        /// The refused command.
        command: CommandName,
        /// Everything that is missing.
        missing: Vec<Missing>,
    },

    /// The phase's deadline has passed for this dossier.
    #[error(
        "the deadline for `{command}` was {deadline}; it is now {now}. Ask an administrator to \
         unlock the dossier with a new deadline"
    )]
    DeadlinePassed {
        /// The refused command.
        command: CommandName,
        /// The deadline that passed.
        deadline: Timestamp,
        /// The instant of the attempt.
        now: Timestamp,
    },

    /// Someone else changed what this save changes after the version it was based on.
    #[error(
        "{} was changed by {} at version {current_version}, after version {base_version} that \
         this save was based on; reload the dossier and save again",
        criterion.as_deref().map(|c| format!("criterion `{c}`")).unwrap_or_else(|| "the dossier".into()),
        changed_by.as_deref().unwrap_or("someone else")
    )]
    VersionConflict {
        /// The criterion changed by someone else, if the conflict is on one entry.
        #[serde(skip_serializing_if = "Option::is_none")]
        criterion: Option<String>,
        /// The version the save was based on.
        base_version: u64,
        /// The version at which it was last changed.
        current_version: u64,
        /// Who changed it.
        #[serde(skip_serializing_if = "Option::is_none")]
        changed_by: Option<String>,
    },

    /// Malformed input: a document that does not parse, a missing field, a wrong type.
    #[error("{message}{}", if path.is_empty() { String::new() } else { format!(" (at {path})") })]
    InvalidInput {
        /// Where in the input (a JSON path, a line, a field name); empty if unknown.
        path: String,
        /// What was wrong.
        message: String,
    },

    /// A criteria set that does not pass validation.
    #[error(
        "invalid criteria set: {message}{}",
        where_in_set(offending_code, path)
    )]
    InvalidCriteriaSet {
        /// The code of the offending group, criterion or band, when there is one.
        #[serde(skip_serializing_if = "Option::is_none")]
        offending_code: Option<String>,
        /// Where in the document (a JSON path or a line of the compact form).
        path: String,
        /// What was wrong.
        message: String,
    },

    /// Something looked up by id does not exist.
    #[error("{kind} `{id}` does not exist")]
    NotFound {
        /// What kind of thing (`dossier`, `unit`, `period`, `criteria_set`).
        kind: String,
        /// Its id.
        id: String,
    },

    /// Something created with an id that is already taken.
    #[error("{kind} `{id}` already exists")]
    AlreadyExists {
        /// What kind of thing.
        kind: String,
        /// Its id.
        id: String,
    },

    /// The storage failed (I/O, database); nothing was changed.
    #[error("storage error: {message}")]
    Storage {
        /// What failed.
        message: String,
        /// Whether trying again later may succeed (a busy or unreachable database).
        transient: bool,
    },
}

fn where_in_set(code: &Option<String>, path: &str) -> String {
    match (code, path.is_empty()) {
        (Some(c), true) => format!(" (at `{c}`)"),
        (Some(c), false) => format!(" (at `{c}`, {path})"),
        (None, false) => format!(" (at {path})"),
        (None, true) => String::new(),
    }
}

fn list_states(s: &[State]) -> String {
    if s.is_empty() {
        return "no state".into();
    }
    s.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_missing(m: &[Missing]) -> String {
    m.iter()
        .map(|m| m.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// The stable machine code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::WrongState { .. } => "wrong_state",
            Error::Forbidden { .. } => "forbidden",
            Error::UnknownCriterion { .. } => "unknown_criterion",
            Error::UnknownCase { .. } => "unknown_case",
            Error::ValueOutOfRange { .. } => "value_out_of_range",
            Error::GuardFailed { .. } => "guard_failed",
            Error::DeadlinePassed { .. } => "deadline_passed",
            Error::VersionConflict { .. } => "version_conflict",
            Error::InvalidInput { .. } => "invalid_input",
            Error::InvalidCriteriaSet { .. } => "invalid_criteria_set",
            Error::NotFound { .. } => "not_found",
            Error::AlreadyExists { .. } => "already_exists",
            Error::Storage { .. } => "storage",
        }
    }

    /// Every stable code, in declaration order.
    pub const CODES: &'static [&'static str] = &[
        "wrong_state",
        "forbidden",
        "unknown_criterion",
        "unknown_case",
        "value_out_of_range",
        "guard_failed",
        "deadline_passed",
        "version_conflict",
        "invalid_input",
        "invalid_criteria_set",
        "not_found",
        "already_exists",
        "storage",
    ];

    /// The variant's fields as a JSON object (without the code).
    pub fn details(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let Some(o) = v.as_object_mut() {
            o.remove("code");
        }
        v
    }

    /// `{"code": ..., "message": ..., "details": {...}}`, the body every host sends.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code(),
            "message": self.to_string(),
            "details": self.details(),
        })
    }

    /// The missing items of a [`Error::GuardFailed`], empty for other errors.
    pub fn missing(&self) -> &[Missing] {
        match self {
            Error::GuardFailed { missing, .. } => missing,
            _ => &[],
        }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid_input(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::InvalidCriteriaSet`].
    pub fn invalid_set(
        code: Option<&str>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::InvalidCriteriaSet {
            offending_code: code.map(str::to_owned),
            path: path.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::NotFound`].
    pub fn not_found(kind: &str, id: impl Into<String>) -> Self {
        Error::NotFound {
            kind: kind.to_owned(),
            id: id.into(),
        }
    }

    /// Shorthand for a non-transient [`Error::Storage`].
    pub fn storage(message: impl Into<String>) -> Self {
        Error::Storage {
            message: message.into(),
            transient: false,
        }
    }
}

/// Parses a JSON document into `T`, reporting the JSON path of the first problem.
pub(crate) fn from_json_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(json_error)?;
    de.end()
        .map_err(|e| Error::invalid_input("", e.to_string()))?;
    Ok(value)
}

/// Converts a JSON value into `T`, reporting the JSON path of the first problem.
pub(crate) fn from_json_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(json_error)
}

fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let path = if path == "." { String::new() } else { path };
    let msg = inner.to_string();
    Error::invalid_input(path, msg)
}
