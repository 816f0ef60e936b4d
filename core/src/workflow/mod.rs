//! The dossier workflow: the manual's five states, the commands that move between them, and the
//! events that record what happened.
//!
//! Commands go in, events come out: [`decide`] checks role, scope, state, deadline, input and
//! guard, and returns the events (or a typed error, changing nothing); [`crate::Dossier::apply`]
//! folds events into the dossier. [`available_actions`] tells a UI which buttons to enable and
//! why the others are disabled; [`view`] is what an actor may see.

mod actions;
mod apply;
mod command;
mod decide;
mod event;
mod view;

pub use actions::{ActionStatus, Precheck, Warning, WarningCode, available_actions, precheck};
pub(crate) use apply::apply;
pub use command::{
    AttachEvidence, Command, EvidenceInput, ExplanationInput, RemoveEvidence, ReviewInput,
    SaveExplanation, SaveReview, SaveSelf, ScoreInput, SelfInput,
};
pub use decide::decide;
pub use event::{Change, Event, Phase, RequestChange, ScoreChange, TextChange};
pub use view::{DossierView, view, visible_results};

use crate::unit::Role;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The state of a dossier (the manual's five states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Cấp Sở tự chấm: the unit is scoring itself.
    SelfAssessment,
    /// Cấp Sở chấm xong: the unit has submitted; the reviewer scores.
    SelfAssessed,
    /// Tỉnh yêu cầu giải trình: the reviewer asked for explanations.
    ExplanationRequested,
    /// Tỉnh chấm xong: the review is finished.
    Reviewed,
    /// Hoàn thành HS (lưu trữ): archived, read-only forever.
    Completed,
}

impl State {
    /// All states, in workflow order.
    pub const ALL: [State; 5] = [
        State::SelfAssessment,
        State::SelfAssessed,
        State::ExplanationRequested,
        State::Reviewed,
        State::Completed,
    ];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::SelfAssessment => "self_assessment",
            State::SelfAssessed => "self_assessed",
            State::ExplanationRequested => "explanation_requested",
            State::Reviewed => "reviewed",
            State::Completed => "completed",
        }
    }

    /// The manual's Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            State::SelfAssessment => "Cấp Sở tự chấm",
            State::SelfAssessed => "Cấp Sở chấm xong",
            State::ExplanationRequested => "Tỉnh yêu cầu giải trình",
            State::Reviewed => "Tỉnh chấm xong",
            State::Completed => "Hoàn thành HS (lưu trữ)",
        }
    }

    /// An English label.
    pub fn label_en(self) -> &'static str {
        match self {
            State::SelfAssessment => "Self-assessment",
            State::SelfAssessed => "Self-assessment finished",
            State::ExplanationRequested => "Explanation requested",
            State::Reviewed => "Review finished",
            State::Completed => "Completed (archived)",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<State> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name of a command, without its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandName {
    /// Save the self-assessment of some criteria ("Lưu" on a group).
    SaveSelf,
    /// Attach an evidence file.
    AttachEvidence,
    /// Remove an evidence file ("Xóa").
    RemoveEvidence,
    /// Submit the self-assessment ("Chuyển sang trạng thái mới").
    Submit,
    /// Take a submitted dossier back before the reviewer starts.
    Withdraw,
    /// Save the review of some criteria.
    SaveReview,
    /// Send the flagged criteria to the unit for explanation.
    RequestExplanation,
    /// Save explanations, opinions and "explained" ticks.
    SaveExplanation,
    /// Tick "explanation finished" for the dossier.
    FinishExplanation,
    /// Finish the review.
    FinishReview,
    /// Let the unit see the review before it is finished.
    ReleaseReview,
    /// Send the dossier back to self-assessment, with a reason.
    ReturnForRework,
    /// Reopen a finished review.
    Reopen,
    /// Archive the dossier.
    Archive,
    /// Move a dossier's deadline (an administrator).
    Unlock,
}

impl CommandName {
    /// Every command, in the order of the command table.
    pub const ALL: [CommandName; 15] = [
        CommandName::SaveSelf,
        CommandName::AttachEvidence,
        CommandName::RemoveEvidence,
        CommandName::Submit,
        CommandName::Withdraw,
        CommandName::SaveReview,
        CommandName::RequestExplanation,
        CommandName::SaveExplanation,
        CommandName::FinishExplanation,
        CommandName::FinishReview,
        CommandName::ReleaseReview,
        CommandName::ReturnForRework,
        CommandName::Reopen,
        CommandName::Archive,
        CommandName::Unlock,
    ];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommandName::SaveSelf => "save_self",
            CommandName::AttachEvidence => "attach_evidence",
            CommandName::RemoveEvidence => "remove_evidence",
            CommandName::Submit => "submit",
            CommandName::Withdraw => "withdraw",
            CommandName::SaveReview => "save_review",
            CommandName::RequestExplanation => "request_explanation",
            CommandName::SaveExplanation => "save_explanation",
            CommandName::FinishExplanation => "finish_explanation",
            CommandName::FinishReview => "finish_review",
            CommandName::ReleaseReview => "release_review",
            CommandName::ReturnForRework => "return_for_rework",
            CommandName::Reopen => "reopen",
            CommandName::Archive => "archive",
            CommandName::Unlock => "unlock",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<CommandName> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The role that issues it.
    pub fn role(self) -> Role {
        use CommandName::*;
        match self {
            SaveSelf | AttachEvidence | RemoveEvidence | Submit | Withdraw | SaveExplanation
            | FinishExplanation => Role::Unit,
            SaveReview | RequestExplanation | FinishReview | ReleaseReview | ReturnForRework
            | Reopen | Archive => Role::Reviewer,
            Unlock => Role::Admin,
        }
    }

    /// The states it may be issued in (the command table's "from" column).
    pub fn allowed_states(self) -> &'static [State] {
        use CommandName::*;
        use State::*;
        match self {
            SaveSelf | Submit => &[SelfAssessment],
            AttachEvidence | RemoveEvidence => &[SelfAssessment, ExplanationRequested],
            Withdraw => &[SelfAssessed],
            SaveReview | RequestExplanation | FinishReview | ReturnForRework => {
                &[SelfAssessed, ExplanationRequested]
            }
            SaveExplanation | FinishExplanation => &[ExplanationRequested],
            ReleaseReview => &[SelfAssessed, ExplanationRequested, Reviewed],
            Reopen | Archive => &[Reviewed],
            Unlock => &[SelfAssessment, SelfAssessed, ExplanationRequested],
        }
    }

    /// The state the command leads to from `from`, if it changes the state.
    pub fn target(self, from: State) -> State {
        use CommandName::*;
        match self {
            Submit => State::SelfAssessed,
            Withdraw | ReturnForRework => State::SelfAssessment,
            RequestExplanation => State::ExplanationRequested,
            FinishReview => State::Reviewed,
            Reopen => State::SelfAssessed,
            Archive => State::Completed,
            _ => from,
        }
    }

    /// A Vietnamese label for buttons, in the manual's voice.
    pub fn label_vi(self) -> &'static str {
        use CommandName::*;
        match self {
            SaveSelf => "Lưu",
            AttachEvidence => "Tải lên",
            RemoveEvidence => "Xóa",
            Submit => "Chuyển sang trạng thái mới",
            Withdraw => "Rút lại hồ sơ",
            SaveReview => "Lưu điểm thẩm định",
            RequestExplanation => "Yêu cầu giải trình",
            SaveExplanation => "Lưu giải trình",
            FinishExplanation => "Huyện, Sở đã giải trình xong",
            FinishReview => "Tỉnh chấm xong",
            ReleaseReview => "Công bố điểm thẩm định",
            ReturnForRework => "Trả lại",
            Reopen => "Mở lại",
            Archive => "Lưu trữ",
            Unlock => "Mở khóa hạn",
        }
    }
}

impl fmt::Display for CommandName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
