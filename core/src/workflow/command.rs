//! Commands: what an actor asks the workflow to do.

use super::CommandName;
use crate::decimal::serde_opt;
use crate::dossier::Score;
use crate::error::{Error, Result};
use crate::format::{CommandFormat, Format};
use crate::time::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What a save does to a score: keep it, clear it, or set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoreInput {
    /// Leave the score as it is.
    Keep,
    /// Remove the score.
    Clear,
    /// Set a case or a value.
    Set(Score),
}

/// Reads the `case` / `value` / `clear` fields of an entry input.
fn score_input(
    criterion: &str,
    case: &Option<String>,
    value: &Option<Decimal>,
    clear: bool,
) -> Result<ScoreInput> {
    match (case, value, clear) {
        (None, None, false) => Ok(ScoreInput::Keep),
        (None, None, true) => Ok(ScoreInput::Clear),
        (Some(c), None, false) => Ok(ScoreInput::Set(Score::Case(c.clone()))),
        (None, Some(v), false) => Ok(ScoreInput::Set(Score::Value(*v))),
        _ => Err(Error::invalid_input(
            criterion,
            format!(
                "the entry for criterion `{criterion}` gives more than one of `case`, `value` and \
                 `clear`: give exactly one (or none to keep the score)"
            ),
        )),
    }
}

/// One criterion of a `save_self`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfInput {
    /// The criterion's code.
    pub criterion: String,
    /// The chosen case (choice criteria, or a not-applicable case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// The measured value (banded and scaled criteria).
    #[serde(default, with = "serde_opt", skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// `true` removes the score.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clear: bool,
    /// The unit's opinion; absent leaves it unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<String>,
}

impl SelfInput {
    /// What the input does to the score.
    pub fn score(&self) -> Result<ScoreInput> {
        score_input(&self.criterion, &self.case, &self.value, self.clear)
    }
}

/// `save_self`: the unit saves some criteria (the manual's "Lưu" on a group).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveSelf {
    /// The dossier version the form was loaded at; entries changed by someone else since then
    /// make the save fail with `version_conflict`. Absent: no check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<u64>,
    /// The criteria saved.
    pub entries: Vec<SelfInput>,
}

/// One criterion of a `save_review`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// The criterion's code.
    pub criterion: String,
    /// The chosen case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// The measured value.
    #[serde(default, with = "serde_opt", skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// `true` removes the review score.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clear: bool,
    /// The reviewer's opinion; absent leaves it unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<String>,
    /// Flag (`true`) or unflag (`false`) the criterion for explanation; absent leaves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_explanation: Option<bool>,
    /// What to ask (with `request_explanation: true`, or to change the note of a flag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_note: Option<String>,
}

impl ReviewInput {
    /// What the input does to the score.
    pub fn score(&self) -> Result<ScoreInput> {
        score_input(&self.criterion, &self.case, &self.value, self.clear)
    }
}

/// `save_review`: the reviewer saves some criteria.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveReview {
    /// As in [`SaveSelf::base_version`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<u64>,
    /// The criteria saved.
    pub entries: Vec<ReviewInput>,
}

/// One criterion of a `save_explanation`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplanationInput {
    /// The criterion's code (flagged in the current round).
    pub criterion: String,
    /// The explanation text; absent leaves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// The unit's opinion; absent leaves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<String>,
    /// The "explained" tick (Huyện, Sở đã giải trình xong); absent leaves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explained: Option<bool>,
}

/// `save_explanation`: the unit answers the current round's requests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveExplanation {
    /// As in [`SaveSelf::base_version`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<u64>,
    /// The criteria saved.
    pub entries: Vec<ExplanationInput>,
}

/// The metadata of an uploaded file; the host stores the bytes under `id`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// The id the host stored the file under (unique in the dossier).
    pub id: String,
    /// The original file name.
    pub file_name: String,
    /// Size in bytes (at least 1).
    pub size: u64,
    /// Media type.
    pub media_type: String,
    /// SHA-256 of the content, 64 hex digits.
    pub sha256: String,
}

/// `attach_evidence`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachEvidence {
    /// The criterion; absent attaches a dossier-level document (the signed report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    /// The file's metadata.
    pub evidence: EvidenceInput,
}

/// `remove_evidence`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveEvidence {
    /// The criterion; absent for a dossier-level document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    /// The evidence id.
    pub evidence_id: String,
}

/// A command, as JSON `{"type": "save_self", ...}`. See the command table in
/// `docs/formats.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// See [`SaveSelf`].
    SaveSelf(SaveSelf),
    /// See [`AttachEvidence`].
    AttachEvidence(AttachEvidence),
    /// See [`RemoveEvidence`].
    RemoveEvidence(RemoveEvidence),
    /// Submit the self-assessment.
    Submit,
    /// Take a submitted dossier back.
    Withdraw,
    /// See [`SaveReview`].
    SaveReview(SaveReview),
    /// Send the flagged criteria for explanation.
    RequestExplanation {
        /// The unit's deadline for this round.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deadline: Option<Timestamp>,
    },
    /// See [`SaveExplanation`].
    SaveExplanation(SaveExplanation),
    /// Tick "explanation finished".
    FinishExplanation,
    /// Finish the review.
    FinishReview,
    /// Release the review to the unit.
    ReleaseReview,
    /// Send back to self-assessment.
    ReturnForRework {
        /// Why (recorded in the history).
        reason: String,
    },
    /// Reopen a finished review.
    Reopen,
    /// Archive.
    Archive,
    /// Move the current phase's deadline.
    Unlock {
        /// Why (recorded in the history).
        reason: String,
        /// The new deadline.
        deadline: Timestamp,
    },
}

impl Command {
    /// The command's name.
    pub fn name(&self) -> CommandName {
        match self {
            Command::SaveSelf(_) => CommandName::SaveSelf,
            Command::AttachEvidence(_) => CommandName::AttachEvidence,
            Command::RemoveEvidence(_) => CommandName::RemoveEvidence,
            Command::Submit => CommandName::Submit,
            Command::Withdraw => CommandName::Withdraw,
            Command::SaveReview(_) => CommandName::SaveReview,
            Command::RequestExplanation { .. } => CommandName::RequestExplanation,
            Command::SaveExplanation(_) => CommandName::SaveExplanation,
            Command::FinishExplanation => CommandName::FinishExplanation,
            Command::FinishReview => CommandName::FinishReview,
            Command::ReleaseReview => CommandName::ReleaseReview,
            Command::ReturnForRework { .. } => CommandName::ReturnForRework,
            Command::Reopen => CommandName::Reopen,
            Command::Archive => CommandName::Archive,
            Command::Unlock { .. } => CommandName::Unlock,
        }
    }

    /// Reads a command from JSON. The `format` / `format_version` fields are optional on
    /// commands; when present they must be `"chamdiem.command"` and a known version.
    pub fn from_json(text: &str) -> Result<Command> {
        let value: serde_json::Value = crate::error::from_json_str(text)?;
        Command::from_json_value(value)
    }

    /// Reads a command from a JSON value (see [`Command::from_json`]).
    pub fn from_json_value(mut value: serde_json::Value) -> Result<Command> {
        let Some(obj) = value.as_object_mut() else {
            return Err(Error::invalid_input(
                "",
                "a command is a JSON object such as {\"type\": \"submit\"}",
            ));
        };
        if let Some(f) = obj.remove("format") {
            let _: crate::format::Tag<CommandFormat> =
                crate::error::from_json_value(f).map_err(|e| relabel(e, "format"))?;
        }
        if let Some(v) = obj.remove("format_version") {
            let _: crate::format::Version<CommandFormat> =
                crate::error::from_json_value(v).map_err(|e| relabel(e, "format_version"))?;
        }
        match obj.get("type") {
            Some(serde_json::Value::String(t)) if CommandName::parse(t).is_none() => {
                return Err(Error::invalid_input(
                    "type",
                    format!(
                        "unknown command type `{t}`; known: {}",
                        CommandName::ALL.map(|c| c.as_str()).join(", ")
                    ),
                ));
            }
            None => {
                return Err(Error::invalid_input(
                    "type",
                    "a command needs a `type`, such as \"save_self\" or \"submit\"",
                ));
            }
            _ => {}
        }
        // Serde ignores unknown fields of the variants without fields (`{"type": "submit",
        // "force": true}` would pass): refuse them as every other command does.
        if let Some(serde_json::Value::String(t)) = obj.get("type")
            && matches!(
                CommandName::parse(t),
                Some(
                    CommandName::Submit
                        | CommandName::Withdraw
                        | CommandName::FinishExplanation
                        | CommandName::FinishReview
                        | CommandName::ReleaseReview
                        | CommandName::Reopen
                        | CommandName::Archive
                )
            )
            && let Some(extra) = obj.keys().find(|k| k.as_str() != "type")
        {
            return Err(Error::invalid_input(
                extra.as_str(),
                format!("unknown field `{extra}`: a `{t}` command has only its `type`"),
            ));
        }
        crate::error::from_json_value(value)
    }

    /// The JSON form, with its format tag.
    pub fn to_json(&self) -> String {
        let mut v = serde_json::to_value(self).expect("a command always serializes");
        if let Some(o) = v.as_object_mut() {
            o.insert("format".into(), CommandFormat::NAME.into());
            o.insert("format_version".into(), CommandFormat::VERSION.into());
        }
        v.to_string()
    }
}

fn relabel(e: Error, path: &str) -> Error {
    match e {
        Error::InvalidInput { message, .. } => Error::invalid_input(path, message),
        other => other,
    }
}
