//! Dossiers (hồ sơ): one assessed unit in one period, an entry per criterion, and the history.
//!
//! A dossier changes only through [`Dossier::execute`] (or [`crate::workflow::decide`] followed
//! by [`Dossier::apply`]); every accepted command is recorded in [`Dossier::history`].

use crate::criteria::{CriteriaSet, CriterionKind, CriterionNode};
use crate::decimal::{round_display, serde_opt, serde_points};
use crate::error::{Error, Result};
use crate::format::{DossierFormat, Tag, Version};
use crate::time::Timestamp;
use crate::unit::Actor;
use crate::workflow::{Change, Command, Event, State};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a unit or reviewer chose for a criterion: a case, or a measured value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Score {
    /// An evaluation case, by code (for choice criteria, or a not-applicable case of any kind).
    Case(String),
    /// A measured value (for banded and scaled criteria).
    Value(Decimal),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoreRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    case: Option<String>,
    #[serde(default, with = "serde_opt", skip_serializing_if = "Option::is_none")]
    value: Option<Decimal>,
}

impl Serialize for Score {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Score::Case(c) => ScoreRepr {
                case: Some(c.clone()),
                value: None,
            },
            Score::Value(v) => ScoreRepr {
                case: None,
                value: Some(*v),
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match ScoreRepr::deserialize(d)? {
            ScoreRepr {
                case: Some(c),
                value: None,
            } => Ok(Score::Case(c)),
            ScoreRepr {
                case: None,
                value: Some(v),
            } => Ok(Score::Value(v)),
            _ => Err(serde::de::Error::custom(
                "a score is either {\"case\": \"…\"} or {\"value\": \"…\"}",
            )),
        }
    }
}

/// A score resolved against its criterion: the case it lands in and the points it gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scored {
    /// The case chosen or the case whose range holds the value (`None` for a scaled value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// The measured value, for valued criteria.
    #[serde(default, with = "serde_opt", skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// The points it gives (0 when not applicable).
    #[serde(with = "serde_points")]
    pub points: Decimal,
    /// Whether the criterion is not applicable.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_applicable: bool,
}

impl Scored {
    /// The score that was chosen.
    pub fn score(&self) -> Score {
        match (self.value, &self.case) {
            (Some(v), _) => Score::Value(v),
            (None, Some(c)) => Score::Case(c.clone()),
            (None, None) => Score::Value(Decimal::ZERO),
        }
    }
}

/// Resolves a score against its criterion: the one rule that turns a case or value into points.
pub fn resolve(node: &CriterionNode, score: &Score, precision: u32) -> Result<Scored> {
    Ok(resolve_at(node, score, precision)?.scored(node))
}

/// A score resolved against its criterion, without copying anything out of the set: the case by
/// its position among the criterion's cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The position of the case chosen, or of the case whose range holds the value.
    pub(crate) case: Option<usize>,
    /// The measured value, for valued criteria.
    pub(crate) value: Option<Decimal>,
    /// The points it gives (0 when not applicable).
    pub(crate) points: Decimal,
    /// Whether the criterion is not applicable.
    pub(crate) not_applicable: bool,
}

impl Resolved {
    /// The owned form, with the case's code.
    pub(crate) fn scored(&self, node: &CriterionNode) -> Scored {
        Scored {
            case: self.case.map(|k| node.criterion.cases[k].code.clone()),
            value: self.value,
            points: self.points,
            not_applicable: self.not_applicable,
        }
    }
}

/// [`resolve`] without the copies.
pub(crate) fn resolve_at(node: &CriterionNode, score: &Score, precision: u32) -> Result<Resolved> {
    let c = &node.criterion;
    match score {
        Score::Case(code) => {
            let Some(k) = c.cases.iter().position(|k| &k.code == code) else {
                return Err(Error::UnknownCase {
                    criterion: c.code.clone(),
                    case: code.clone(),
                    known: c.cases.iter().map(|k| k.code.clone()).collect(),
                });
            };
            let case = &c.cases[k];
            if c.kind.is_valued() && !case.not_applicable {
                return Err(Error::invalid_input(
                    c.code.clone(),
                    format!(
                        "criterion `{}` takes a measured value: enter the value, not a case (only \
                         a not-applicable case may be chosen)",
                        c.code
                    ),
                ));
            }
            Ok(Resolved {
                case: Some(k),
                value: None,
                points: case.points(),
                not_applicable: case.not_applicable,
            })
        }
        Score::Value(v) => {
            let v = *v;
            let range = c.value_range();
            let out_of_range = |message: String| Error::ValueOutOfRange {
                criterion: c.code.clone(),
                value: Some(v),
                min: range.lower.map(|b| b.value),
                max: range.upper.map(|b| b.value),
                message,
            };
            match c.kind {
                CriterionKind::Choice => Err(Error::invalid_input(
                    c.code.clone(),
                    format!(
                        "criterion `{}` is scored by choosing a case, not by a value",
                        c.code
                    ),
                )),
                _ if !range.contains(v) => Err(out_of_range(format!(
                    "value {v} for criterion `{}` is outside the allowed range {range}",
                    c.code
                ))),
                CriterionKind::Banded => {
                    let k = c
                        .cases
                        .iter()
                        .position(|k| k.range.is_some_and(|r| r.contains(v)))
                        .ok_or_else(|| {
                            out_of_range(format!(
                                "value {v} for criterion `{}` falls in no case's range",
                                c.code
                            ))
                        })?;
                    Ok(Resolved {
                        case: Some(k),
                        value: Some(v),
                        points: c.cases[k].points(),
                        not_applicable: false,
                    })
                }
                CriterionKind::Scaled => {
                    let s = c.scale.expect("validated: scaled criteria have a scale");
                    let (lo, hi) = if s.low <= s.high {
                        (s.low, s.high)
                    } else {
                        (s.high, s.low)
                    };
                    let clamped = v.clamp(lo, hi);
                    let (min, max) = (node.min, node.max);
                    let overflow = || {
                        out_of_range(format!(
                            "value {v} for criterion `{}` is too large to scale",
                            c.code
                        ))
                    };
                    // One division, after the multiplication, so the result is rounded once.
                    let num = (clamped - s.low)
                        .checked_mul(max - min)
                        .ok_or_else(overflow)?;
                    let scaled = num.checked_div(s.high - s.low).ok_or_else(overflow)?;
                    let points = round_display(min + scaled, precision).normalize();
                    Ok(Resolved {
                        case: None,
                        value: Some(v),
                        points,
                        not_applicable: false,
                    })
                }
            }
        }
    }
}

/// A file attached as evidence. The host stores the bytes; the dossier keeps the metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The id the host stored the file under.
    pub id: String,
    /// The original file name, as metadata only.
    pub file_name: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type (`application/pdf`).
    pub media_type: String,
    /// SHA-256 of the content, 64 lowercase hex digits.
    pub sha256: String,
    /// Who attached it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: Timestamp,
    /// 0 during self-assessment; N during explanation round N.
    pub round: u32,
}

/// An explanation request on one criterion (yêu cầu giải trình).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// What the reviewer asks.
    #[serde(default)]
    pub note: String,
    /// The round it was sent in; `None` while the reviewer has flagged it but not yet sent it.
    #[serde(default)]
    pub round: Option<u32>,
}

/// One criterion of a dossier: the unit's and the reviewer's work on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The criterion's code.
    pub criterion: String,
    /// The unit's case or value.
    #[serde(default, rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_score: Option<Score>,
    /// The unit's opinion (Ý kiến Cấp sở, CC).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub self_opinion: String,
    /// Evidence files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// The reviewer's case or value.
    #[serde(default, rename = "review", skip_serializing_if = "Option::is_none")]
    pub review_score: Option<Score>,
    /// The reviewer's opinion.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub review_opinion: String,
    /// The reviewer's explanation request, if flagged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Request>,
    /// The unit's explanation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub explanation: String,
    /// The unit's "explained" tick (Huyện, Sở đã giải trình xong).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub explained: bool,
    /// The dossier version at which this entry last changed.
    #[serde(default)]
    pub version: u64,
    /// Who changed it last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
}

impl Entry {
    /// An empty entry for a criterion.
    pub fn new(criterion: impl Into<String>) -> Self {
        Entry {
            criterion: criterion.into(),
            self_score: None,
            self_opinion: String::new(),
            evidence: Vec::new(),
            review_score: None,
            review_opinion: String::new(),
            request: None,
            explanation: String::new(),
            explained: false,
            version: 0,
            changed_by: None,
        }
    }
}

/// One criterion's review as frozen when an explanation round was requested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewSnapshot {
    /// The criterion.
    pub criterion: String,
    /// The reviewer's case or value at that time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    /// The reviewer's opinion at that time.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub opinion: String,
}

/// A criterion asked about in an explanation round, and what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundRequest {
    /// The criterion.
    pub criterion: String,
    /// What the reviewer asked.
    #[serde(default)]
    pub note: String,
}

/// An explanation round: what was asked, the review frozen at that moment, the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Round {
    /// 1 for the first round.
    pub number: u32,
    /// When the reviewer requested it.
    pub requested_at: Timestamp,
    /// Who requested it.
    pub requested_by: String,
    /// The unit's deadline for this round.
    #[serde(default)]
    pub deadline: Option<Timestamp>,
    /// The criteria asked about.
    pub requests: Vec<RoundRequest>,
    /// The review as it stood when the round was requested (review round N).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<ReviewSnapshot>,
    /// When the unit ticked "explanation finished".
    #[serde(default)]
    pub finished_at: Option<Timestamp>,
}

impl Round {
    /// Whether `criterion` was asked about in this round.
    pub fn asks(&self, criterion: &str) -> bool {
        self.requests.iter().any(|r| r.criterion == criterion)
    }
}

/// The criteria set a dossier is scored against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetRef {
    /// The set's id.
    pub id: String,
    /// The set's revision.
    pub revision: u32,
}

/// What a host says when it opens a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenDossier {
    /// The dossier's id (chosen by the host).
    pub id: String,
    /// The period's id.
    pub period: String,
    /// The assessed unit's id.
    pub unit: String,
    /// The assessing unit's id (the reviewer's unit).
    pub assessing_unit: String,
    /// The self-assessment deadline.
    #[serde(default)]
    pub self_deadline: Option<Timestamp>,
    /// Whether the signed self-assessment report must be attached before submitting.
    #[serde(default)]
    pub requires_report: bool,
}

/// A dossier: one assessed unit in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dossier {
    format: Tag<DossierFormat>,
    format_version: Version<DossierFormat>,
    pub(crate) id: String,
    pub(crate) period: String,
    pub(crate) unit: String,
    pub(crate) assessing_unit: String,
    pub(crate) criteria_set: SetRef,
    pub(crate) state: State,
    pub(crate) version: u64,
    #[serde(default)]
    pub(crate) self_deadline: Option<Timestamp>,
    #[serde(default)]
    pub(crate) requires_report: bool,
    #[serde(default)]
    pub(crate) explanation_finished: bool,
    #[serde(default)]
    pub(crate) review_released: bool,
    #[serde(default)]
    pub(crate) review_started: bool,
    #[serde(default)]
    pub(crate) rounds: Vec<Round>,
    #[serde(default)]
    pub(crate) report: Vec<Evidence>,
    pub(crate) entries: Vec<Entry>,
    #[serde(default)]
    pub(crate) history: Vec<Event>,
}

impl Dossier {
    /// Opens a dossier against a criteria set: every criterion gets an empty entry and the
    /// history starts with an `opened` event by `actor` at `now`.
    pub fn open(
        spec: OpenDossier,
        set: &CriteriaSet,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Dossier> {
        for (field, v) in [
            ("id", &spec.id),
            ("period", &spec.period),
            ("unit", &spec.unit),
            ("assessing_unit", &spec.assessing_unit),
        ] {
            if v.trim().is_empty() {
                return Err(Error::invalid_input(
                    field,
                    format!("a dossier needs a non-empty {field}"),
                ));
            }
        }
        if spec.unit == spec.assessing_unit {
            return Err(Error::invalid_input(
                "assessing_unit",
                "a unit cannot assess its own dossier: the assessing unit must differ",
            ));
        }
        let event = Event {
            version: 1,
            at: now,
            actor: actor.clone(),
            from: State::SelfAssessment,
            to: State::SelfAssessment,
            change: Change::Opened {
                dossier: spec.id,
                period: spec.period,
                unit: spec.unit,
                assessing_unit: spec.assessing_unit,
                criteria_set: SetRef {
                    id: set.id().to_owned(),
                    revision: set.revision(),
                },
                self_deadline: spec.self_deadline,
                requires_report: spec.requires_report,
                criteria: set.criterion_codes(),
            },
        };
        Dossier::replay(std::iter::once(event))
    }

    /// Rebuilds a dossier from its history (the first event must be `opened`).
    pub fn replay(events: impl IntoIterator<Item = Event>) -> Result<Dossier> {
        let mut events = events.into_iter();
        let first = events
            .next()
            .ok_or_else(|| Error::invalid_input("history", "a history starts with `opened`"))?;
        let Change::Opened {
            dossier,
            period,
            unit,
            assessing_unit,
            criteria_set,
            self_deadline,
            requires_report,
            criteria,
        } = &first.change
        else {
            return Err(Error::invalid_input(
                "history[0]",
                "a history starts with `opened`",
            ));
        };
        let mut d = Dossier {
            format: Tag::default(),
            format_version: Version::default(),
            id: dossier.clone(),
            period: period.clone(),
            unit: unit.clone(),
            assessing_unit: assessing_unit.clone(),
            criteria_set: criteria_set.clone(),
            state: State::SelfAssessment,
            version: first.version,
            self_deadline: *self_deadline,
            requires_report: *requires_report,
            explanation_finished: false,
            review_released: false,
            review_started: false,
            rounds: Vec::new(),
            report: Vec::new(),
            entries: criteria.iter().map(Entry::new).collect(),
            history: Vec::new(),
        };
        d.history.push(first);
        for e in events {
            if matches!(e.change, Change::Opened { .. }) {
                return Err(Error::invalid_input(
                    "history",
                    "`opened` may only be the first event",
                ));
            }
            d.apply(e);
        }
        Ok(d)
    }

    /// Decides `command` for `actor` at `now` and applies the events: the dossier changes only if
    /// the command is accepted. Returns the events recorded.
    pub fn execute(
        &mut self,
        set: &CriteriaSet,
        actor: &Actor,
        command: &Command,
        now: Timestamp,
    ) -> Result<Vec<Event>> {
        let events = crate::workflow::decide(set, self, actor, command, now)?;
        for e in &events {
            self.fold(e.clone(), Some(set));
        }
        Ok(events)
    }

    /// Reads the JSON form.
    pub fn from_json(text: &str) -> Result<Dossier> {
        crate::error::from_json_str(text)
    }

    /// Reads a JSON value.
    pub fn from_json_value(value: serde_json::Value) -> Result<Dossier> {
        crate::error::from_json_value(value)
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a dossier always serializes")
    }

    /// Checks that the dossier was opened against `set` and has exactly its criteria, in order.
    pub fn check_against(&self, set: &CriteriaSet) -> Result<()> {
        if self.criteria_set.id != set.id() || self.criteria_set.revision != set.revision() {
            return Err(Error::invalid_input(
                "criteria_set",
                format!(
                    "dossier `{}` uses criteria set `{}` revision {}, not `{}` revision {}",
                    self.id,
                    self.criteria_set.id,
                    self.criteria_set.revision,
                    set.id(),
                    set.revision()
                ),
            ));
        }
        if !self.is_aligned(set) {
            return Err(Error::invalid_input(
                "entries",
                format!(
                    "dossier `{}` does not have one entry per criterion of `{}`, in order",
                    self.id,
                    set.id()
                ),
            ));
        }
        Ok(())
    }

    /// A copy without entries and history: the dossier-level part a store keeps in one row.
    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    pub(crate) fn header(&self) -> Dossier {
        Dossier {
            format: self.format,
            format_version: self.format_version,
            id: self.id.clone(),
            period: self.period.clone(),
            unit: self.unit.clone(),
            assessing_unit: self.assessing_unit.clone(),
            criteria_set: self.criteria_set.clone(),
            state: self.state,
            version: self.version,
            self_deadline: self.self_deadline,
            requires_report: self.requires_report,
            explanation_finished: self.explanation_finished,
            review_released: self.review_released,
            review_started: self.review_started,
            rounds: self.rounds.clone(),
            report: self.report.clone(),
            entries: Vec::new(),
            history: Vec::new(),
        }
    }

    pub(crate) fn is_aligned(&self, set: &CriteriaSet) -> bool {
        self.entries.len() == set.criteria().len()
            && self
                .entries
                .iter()
                .zip(set.criteria())
                .all(|(e, c)| e.criterion == c.criterion.code)
    }

    /// The dossier's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The period's id.
    pub fn period(&self) -> &str {
        &self.period
    }
    /// The assessed unit's id.
    pub fn unit(&self) -> &str {
        &self.unit
    }
    /// The assessing unit's id.
    pub fn assessing_unit(&self) -> &str {
        &self.assessing_unit
    }
    /// The criteria set it is scored against.
    pub fn criteria_set(&self) -> &SetRef {
        &self.criteria_set
    }
    /// The workflow state.
    pub fn state(&self) -> State {
        self.state
    }
    /// The version: 1 when opened, one more per accepted command that changed something.
    pub fn version(&self) -> u64 {
        self.version
    }
    /// The self-assessment deadline (moved by `unlock`).
    pub fn self_deadline(&self) -> Option<Timestamp> {
        self.self_deadline
    }
    /// Whether the signed report is required to submit.
    pub fn requires_report(&self) -> bool {
        self.requires_report
    }
    /// Whether the unit ticked "explanation finished" for the current round.
    pub fn explanation_finished(&self) -> bool {
        self.explanation_finished
    }
    /// Whether the unit may see the review.
    pub fn review_released(&self) -> bool {
        self.review_released
    }
    /// Whether the reviewer has saved review work since the last submission.
    pub fn review_started(&self) -> bool {
        self.review_started
    }
    /// Explanation rounds, oldest first.
    pub fn rounds(&self) -> &[Round] {
        &self.rounds
    }
    /// The current explanation round, if any was requested.
    pub fn current_round(&self) -> Option<&Round> {
        self.rounds.last()
    }
    /// The dossier-level documents (the signed self-assessment report).
    pub fn report(&self) -> &[Evidence] {
        &self.report
    }
    /// The entries, in the criteria set's order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
    /// The entry of a criterion.
    pub fn entry(&self, criterion: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.criterion == criterion)
    }
    /// Every event, oldest first.
    pub fn history(&self) -> &[Event] {
        &self.history
    }
    /// The events that concern one criterion (its entry's changes and the explanation rounds
    /// that asked about it), oldest first.
    pub fn history_of(&self, criterion: &str) -> Vec<&Event> {
        self.history
            .iter()
            .filter(|e| e.change.concerns(criterion))
            .collect()
    }

    /// The deadline of the phase the unit is in: the self-assessment deadline, or the current
    /// explanation round's deadline.
    pub fn unit_deadline(&self) -> Option<Timestamp> {
        match self.state {
            State::ExplanationRequested => self.rounds.last().and_then(|r| r.deadline),
            _ => self.self_deadline,
        }
    }

    pub(crate) fn entry_index(&self, set: &CriteriaSet, criterion: &str) -> Option<usize> {
        match set.criterion_position(criterion) {
            Some(i)
                if self
                    .entries
                    .get(i)
                    .is_some_and(|e| e.criterion == criterion) =>
            {
                Some(i)
            }
            _ => self.entries.iter().position(|e| e.criterion == criterion),
        }
    }

    /// Folds one event into the dossier. Events come from [`crate::workflow::decide`] or from a
    /// stored history; applying trusts them.
    pub fn apply(&mut self, event: Event) {
        self.fold(event, None);
    }

    /// Applies one event; given the dossier's criteria set, entries are found by position.
    fn fold(&mut self, event: Event, set: Option<&CriteriaSet>) {
        crate::workflow::apply(self, &event, set);
        self.version = event.version;
        self.state = event.to;
        self.history.push(event);
    }
}
