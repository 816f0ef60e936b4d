//! Deciding commands: role, scope, state, deadline, input, guard — then the events.

use super::{
    AttachEvidence, Change, Command, CommandName, Event, Phase, RemoveEvidence, RequestChange,
    SaveExplanation, SaveReview, SaveSelf, ScoreChange, State, TextChange, command::ScoreInput,
};
use crate::criteria::{CriteriaSet, EvidenceRule};
use crate::dossier::{Dossier, Evidence, Request, Score, Scored, resolve};
use crate::error::{Error, Missing, MissingCode, Result};
use crate::time::Timestamp;
use crate::unit::{Actor, Role};
use std::collections::HashSet;

/// The longest opinion, explanation, note or reason accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// The most evidence files on one criterion (or on the dossier itself).
pub const MAX_EVIDENCE_PER_ENTRY: usize = 200;

/// Decides a command: returns the events it produces, or the reason it is refused.
///
/// Checks, in order: the actor's role and unit (`forbidden`), the dossier's state
/// (`wrong_state`), the deadline (`deadline_passed`), the input (`unknown_criterion`,
/// `unknown_case`, `value_out_of_range`, `invalid_input`), concurrent changes
/// (`version_conflict`) and the guard (`guard_failed`, listing everything missing).
/// A command that changes nothing (a save of identical values) returns no events.
pub fn decide(
    set: &CriteriaSet,
    dossier: &Dossier,
    actor: &Actor,
    command: &Command,
    now: Timestamp,
) -> Result<Vec<Event>> {
    let name = command.name();
    preflight(dossier, actor, name, now)?;
    let ctx = Ctx {
        set,
        d: dossier,
        actor,
        now,
        name,
    };
    let changes = match command {
        Command::SaveSelf(c) => ctx.save_self(c)?,
        Command::AttachEvidence(c) => ctx.attach(c)?,
        Command::RemoveEvidence(c) => ctx.remove(c)?,
        Command::Submit => {
            let missing = submit_missing(set, dossier);
            ctx.guard(missing)?;
            vec![Change::Submitted]
        }
        Command::Withdraw => {
            let mut missing = Vec::new();
            if dossier.review_started {
                missing.push(Missing::dossier(
                    MissingCode::ReviewStarted,
                    "the reviewer has already started scoring this dossier, so it can no longer \
                     be withdrawn; ask the reviewer to return it for rework",
                ));
            }
            ctx.guard(missing)?;
            vec![Change::Withdrawn]
        }
        Command::SaveReview(c) => ctx.save_review(c)?,
        Command::RequestExplanation { deadline } => ctx.request_explanation(*deadline)?,
        Command::SaveExplanation(c) => ctx.save_explanation(c)?,
        Command::FinishExplanation => ctx.finish_explanation()?,
        Command::FinishReview => {
            ctx.guard(finish_review_missing(dossier))?;
            vec![Change::ReviewFinished]
        }
        Command::ReleaseReview => vec![Change::ReviewReleased],
        Command::ReturnForRework { reason } => {
            check_text("reason", reason)?;
            ctx.guard(reason_missing(reason))?;
            vec![Change::ReturnedForRework {
                reason: reason.trim().to_owned(),
            }]
        }
        Command::Reopen => vec![Change::Reopened],
        Command::Archive => vec![Change::Archived],
        Command::Unlock { reason, deadline } => ctx.unlock(reason, *deadline)?,
    };
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let version = dossier.version + 1;
    let from = dossier.state;
    let to = name.target(from);
    Ok(changes
        .into_iter()
        .map(|change| Event {
            version,
            at: now,
            actor: actor.clone(),
            from,
            to,
            change,
        })
        .collect())
}

/// The checks that do not depend on a command's payload: role, scope, state, deadline, and
/// the state-level guards ("explanation finished").
pub(crate) fn preflight(
    d: &Dossier,
    actor: &Actor,
    name: CommandName,
    now: Timestamp,
) -> Result<()> {
    let role = name.role();
    if actor.role != role {
        return Err(Error::Forbidden {
            command: Some(name),
            reason: format!(
                "`{name}` is done by {}; you act as {}",
                role_phrase(role),
                role_phrase(actor.role)
            ),
        });
    }
    match role {
        Role::Unit if actor.unit != d.unit => {
            return Err(Error::Forbidden {
                command: Some(name),
                reason: format!(
                    "dossier `{}` belongs to unit `{}`; you belong to unit `{}`",
                    d.id, d.unit, actor.unit
                ),
            });
        }
        Role::Reviewer if actor.unit != d.assessing_unit => {
            return Err(Error::Forbidden {
                command: Some(name),
                reason: format!(
                    "dossier `{}` is reviewed by unit `{}`; you belong to unit `{}`",
                    d.id, d.assessing_unit, actor.unit
                ),
            });
        }
        _ => {}
    }
    let allowed = name.allowed_states();
    if !allowed.contains(&d.state) {
        return Err(Error::WrongState {
            command: name,
            state: d.state,
            allowed: allowed.to_vec(),
        });
    }
    if role == Role::Unit
        && let Some(deadline) = d.unit_deadline()
        && now > deadline
    {
        return Err(Error::DeadlinePassed {
            command: name,
            deadline,
            now,
        });
    }
    // In an explanation round the unit edits until it ticks "explanation finished"; the
    // reviewer works only after that tick.
    if d.state == State::ExplanationRequested {
        use CommandName::*;
        let unit_edit = matches!(
            name,
            AttachEvidence | RemoveEvidence | SaveExplanation | FinishExplanation
        );
        let reviewer_after = matches!(name, SaveReview | RequestExplanation | FinishReview);
        if unit_edit && d.explanation_finished {
            return Err(Error::GuardFailed {
                command: name,
                missing: vec![Missing::dossier(
                    MissingCode::ExplanationFinished,
                    "the explanation was marked finished; it can no longer be changed in this round",
                )],
            });
        }
        if reviewer_after && !d.explanation_finished {
            return Err(Error::GuardFailed {
                command: name,
                missing: vec![Missing::dossier(
                    MissingCode::ExplanationNotFinished,
                    "the unit has not yet ticked \"Huyện, Sở đã giải trình xong\" for the \
                     dossier; wait for the explanation",
                )],
            });
        }
    }
    if name == CommandName::ReleaseReview && d.review_released {
        return Err(Error::GuardFailed {
            command: name,
            missing: vec![Missing::dossier(
                MissingCode::AlreadyReleased,
                "the review is already visible to the unit",
            )],
        });
    }
    Ok(())
}

fn role_phrase(r: Role) -> &'static str {
    match r {
        Role::Unit => "a member of the assessed unit (role `unit`)",
        Role::Reviewer => "a member of the assessing unit (role `reviewer`)",
        Role::Admin => "an administrator (role `admin`)",
        Role::Viewer => "a viewer (role `viewer`), who only reads",
    }
}

fn check_text(path: &str, text: &str) -> Result<()> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::invalid_input(
            path,
            format!(
                "the text is longer than {MAX_TEXT_CHARS} characters: shorten it or attach a file"
            ),
        ));
    }
    Ok(())
}

fn reason_missing(reason: &str) -> Vec<Missing> {
    if reason.trim().is_empty() {
        vec![Missing::dossier(MissingCode::Reason, "give a reason")]
    } else {
        Vec::new()
    }
}

fn text_change(old: &str, new: &Option<String>) -> Option<TextChange> {
    match new {
        Some(n) if n != old => Some(TextChange {
            old: old.to_owned(),
            new: n.clone(),
        }),
        _ => None,
    }
}

/// What `submit`'s guard would refuse.
pub(crate) fn submit_missing(set: &CriteriaSet, d: &Dossier) -> Vec<Missing> {
    let mut missing = Vec::new();
    for (i, node) in set.criteria().iter().enumerate() {
        let c = &node.criterion;
        let entry = match d.entries.get(i) {
            Some(e) if e.criterion == c.code => e,
            _ => match d.entry(&c.code) {
                Some(e) => e,
                None => continue,
            },
        };
        let Some(score) = &entry.self_score else {
            missing.push(Missing::criterion(
                MissingCode::SelfScore,
                &c.code,
                format!("criterion {} has no self-assessment yet", c.code),
            ));
            continue;
        };
        // Looked up only where evidence is missing: most criteria need none.
        let not_applicable =
            || matches!(score, Score::Case(k) if c.case(k).is_some_and(|k| k.not_applicable));
        if c.evidence == EvidenceRule::Required && entry.evidence.is_empty() && !not_applicable() {
            if set.explanation_instead_of_evidence() {
                if entry.self_opinion.trim().is_empty() {
                    missing.push(Missing::criterion(
                        MissingCode::EvidenceOrExplanation,
                        &c.code,
                        format!(
                            "criterion {} needs evidence, or an explanation in the opinion field",
                            c.code
                        ),
                    ));
                }
            } else {
                missing.push(Missing::criterion(
                    MissingCode::Evidence,
                    &c.code,
                    format!("criterion {} needs evidence: attach a file", c.code),
                ));
            }
        }
    }
    if d.requires_report && d.report.is_empty() {
        missing.push(Missing::dossier(
            MissingCode::Report,
            "attach the signed self-assessment report",
        ));
    }
    missing
}

/// What `finish_review`'s guard would refuse.
pub(crate) fn finish_review_missing(d: &Dossier) -> Vec<Missing> {
    let mut missing = Vec::new();
    for e in &d.entries {
        if e.review_score.is_none() {
            missing.push(Missing::criterion(
                MissingCode::ReviewScore,
                &e.criterion,
                format!("criterion {} has no review score yet", e.criterion),
            ));
        }
    }
    for e in &d.entries {
        if e.request.as_ref().is_some_and(|r| r.round.is_none()) {
            missing.push(Missing::criterion(
                MissingCode::UnsentRequest,
                &e.criterion,
                format!(
                    "criterion {} is flagged for explanation but the request was not sent: send \
                     it with \"Yêu cầu giải trình\" or remove the flag",
                    e.criterion
                ),
            ));
        }
    }
    missing
}

/// What `request_explanation`'s guard would refuse.
pub(crate) fn request_missing(
    d: &Dossier,
    deadline: Option<Timestamp>,
    now: Timestamp,
) -> Vec<Missing> {
    let mut missing = Vec::new();
    if !d
        .entries
        .iter()
        .any(|e| e.request.as_ref().is_some_and(|r| r.round.is_none()))
    {
        missing.push(Missing::dossier(
            MissingCode::NoRequest,
            "flag at least one criterion for explanation first",
        ));
    }
    if let Some(dl) = deadline
        && dl <= now
    {
        missing.push(Missing::dossier(
            MissingCode::DeadlineInPast,
            format!("the explanation deadline {dl} is not in the future"),
        ));
    }
    missing
}

/// What `finish_explanation`'s guard would refuse.
pub(crate) fn finish_explanation_missing(d: &Dossier) -> Vec<Missing> {
    let Some(round) = d.rounds.last() else {
        return Vec::new();
    };
    round
        .requests
        .iter()
        .filter(|r| d.entry(&r.criterion).is_some_and(|e| !e.explained))
        .map(|r| {
            Missing::criterion(
                MissingCode::NotExplained,
                &r.criterion,
                format!(
                    "criterion {} is not yet ticked \"Huyện, Sở đã giải trình xong\"",
                    r.criterion
                ),
            )
        })
        .collect()
}

struct Ctx<'a> {
    set: &'a CriteriaSet,
    d: &'a Dossier,
    actor: &'a Actor,
    now: Timestamp,
    name: CommandName,
}

impl Ctx<'_> {
    fn guard(&self, missing: Vec<Missing>) -> Result<()> {
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::GuardFailed {
                command: self.name,
                missing,
            })
        }
    }

    fn entry_index(&self, criterion: &str) -> Result<usize> {
        self.d
            .entry_index(self.set, criterion)
            .filter(|_| self.set.criterion(criterion).is_some())
            .ok_or_else(|| Error::UnknownCriterion {
                criterion: criterion.to_owned(),
            })
    }

    fn check_base(&self, base: Option<u64>) -> Result<()> {
        match base {
            Some(b) if b > self.d.version => Err(Error::invalid_input(
                "base_version",
                format!(
                    "base_version {b} is newer than the dossier (version {}): reload the dossier",
                    self.d.version
                ),
            )),
            _ => Ok(()),
        }
    }

    fn check_conflict(&self, base: Option<u64>, idx: usize) -> Result<()> {
        let e = &self.d.entries[idx];
        if let Some(b) = base
            && e.version > b
            && e.changed_by.as_deref() != Some(self.actor.user.as_str())
        {
            return Err(Error::VersionConflict {
                criterion: Some(e.criterion.clone()),
                base_version: b,
                current_version: e.version,
                changed_by: e.changed_by.clone(),
            });
        }
        Ok(())
    }

    /// Concurrent changes are checked once the whole input is known to be valid.
    fn check_conflicts(&self, base: Option<u64>, changed: &[usize]) -> Result<()> {
        changed
            .iter()
            .try_for_each(|&idx| self.check_conflict(base, idx))
    }

    fn no_duplicates<'s>(&self, codes: impl ExactSizeIterator<Item = &'s str>) -> Result<()> {
        if codes.len() < 2 {
            return Ok(()); // the common save of one criterion needs no set
        }
        let mut seen = HashSet::new();
        for c in codes {
            if !seen.insert(c) {
                return Err(Error::invalid_input(
                    c,
                    format!("criterion `{c}` appears twice in one save"),
                ));
            }
        }
        Ok(())
    }

    fn score_change(
        &self,
        idx: usize,
        old: &Option<Score>,
        input: ScoreInput,
    ) -> Result<Option<ScoreChange>> {
        let node = &self.set.criteria()[idx];
        let precision = self.set.precision();
        let new = match input {
            ScoreInput::Keep => return Ok(None),
            ScoreInput::Clear => None,
            ScoreInput::Set(s) => Some(s),
        };
        if &new == old {
            return Ok(None);
        }
        let resolve_opt = |s: &Option<Score>| -> Result<Option<Scored>> {
            s.as_ref().map(|s| resolve(node, s, precision)).transpose()
        };
        let new = resolve_opt(&new)?;
        // The old score was valid when saved; resolve it for the record.
        let old = resolve_opt(old).unwrap_or(None);
        Ok(Some(ScoreChange { old, new }))
    }

    fn save_self(&self, c: &SaveSelf) -> Result<Vec<Change>> {
        self.check_base(c.base_version)?;
        self.no_duplicates(c.entries.iter().map(|e| e.criterion.as_str()))?;
        let mut changes = Vec::with_capacity(c.entries.len());
        let mut changed = Vec::with_capacity(c.entries.len());
        for input in &c.entries {
            let idx = self.entry_index(&input.criterion)?;
            let entry = &self.d.entries[idx];
            if let Some(o) = &input.opinion {
                check_text(&input.criterion, o)?;
            }
            let score = self.score_change(idx, &entry.self_score, input.score()?)?;
            let opinion = text_change(&entry.self_opinion, &input.opinion);
            if score.is_none() && opinion.is_none() {
                continue;
            }
            changed.push(idx);
            changes.push(Change::SelfSaved {
                criterion: entry.criterion.clone(),
                score,
                opinion,
            });
        }
        self.check_conflicts(c.base_version, &changed)?;
        Ok(changes)
    }

    fn save_review(&self, c: &SaveReview) -> Result<Vec<Change>> {
        self.check_base(c.base_version)?;
        self.no_duplicates(c.entries.iter().map(|e| e.criterion.as_str()))?;
        let mut changes = Vec::with_capacity(c.entries.len());
        let mut changed = Vec::with_capacity(c.entries.len());
        for input in &c.entries {
            let idx = self.entry_index(&input.criterion)?;
            let entry = &self.d.entries[idx];
            for t in [&input.opinion, &input.request_note].into_iter().flatten() {
                check_text(&input.criterion, t)?;
            }
            let score = self.score_change(idx, &entry.review_score, input.score()?)?;
            let opinion = text_change(&entry.review_opinion, &input.opinion);
            let new_request = match (input.request_explanation, &entry.request) {
                (Some(false), _) => {
                    if input.request_note.is_some() {
                        return Err(Error::invalid_input(
                            input.criterion.as_str(),
                            format!(
                                "criterion `{}`: a request note needs request_explanation: true",
                                input.criterion
                            ),
                        ));
                    }
                    None
                }
                // Flagging again after an earlier round asks anew (not yet sent).
                (Some(true), Some(r)) if r.round.is_none() => Some(Request {
                    note: input.request_note.clone().unwrap_or_else(|| r.note.clone()),
                    round: None,
                }),
                (Some(true), _) => Some(Request {
                    note: input.request_note.clone().unwrap_or_default(),
                    round: None,
                }),
                (None, Some(r)) => match &input.request_note {
                    Some(n) if r.round.is_none() => Some(Request {
                        note: n.clone(),
                        round: None,
                    }),
                    Some(_) => {
                        return Err(Error::invalid_input(
                            input.criterion.as_str(),
                            format!(
                                "criterion `{}`: its request was already sent; flag it again with \
                                 request_explanation: true to ask something new",
                                input.criterion
                            ),
                        ));
                    }
                    None => Some(r.clone()),
                },
                (None, None) => {
                    if input.request_note.is_some() {
                        return Err(Error::invalid_input(
                            input.criterion.as_str(),
                            format!(
                                "criterion `{}`: a request note needs request_explanation: true",
                                input.criterion
                            ),
                        ));
                    }
                    None
                }
            };
            let request = (new_request != entry.request).then(|| RequestChange {
                old: entry.request.clone(),
                new: new_request,
            });
            if score.is_none() && opinion.is_none() && request.is_none() {
                continue;
            }
            changed.push(idx);
            changes.push(Change::ReviewSaved {
                criterion: entry.criterion.clone(),
                score,
                opinion,
                request,
            });
        }
        self.check_conflicts(c.base_version, &changed)?;
        Ok(changes)
    }

    fn request_explanation(&self, deadline: Option<Timestamp>) -> Result<Vec<Change>> {
        self.guard(request_missing(self.d, deadline, self.now))?;
        let criteria = self
            .d
            .entries
            .iter()
            .filter(|e| e.request.as_ref().is_some_and(|r| r.round.is_none()))
            .map(|e| e.criterion.clone())
            .collect();
        Ok(vec![Change::ExplanationRequested {
            round: self.d.rounds.len() as u32 + 1,
            deadline,
            criteria,
        }])
    }

    /// In an explanation round, the unit works only on the criteria asked about.
    fn requested_in_round(&self, criterion: &str) -> Result<()> {
        if self.d.state != State::ExplanationRequested {
            return Ok(());
        }
        let asked = self.d.rounds.last().is_some_and(|r| r.asks(criterion));
        if asked {
            Ok(())
        } else {
            self.guard(vec![Missing::criterion(
                MissingCode::NotRequested,
                criterion,
                format!(
                    "criterion {criterion} was not asked about in this explanation round; only \
                     the criteria the province asked about can be changed"
                ),
            )])
        }
    }

    fn save_explanation(&self, c: &SaveExplanation) -> Result<Vec<Change>> {
        self.check_base(c.base_version)?;
        self.no_duplicates(c.entries.iter().map(|e| e.criterion.as_str()))?;
        // The input first (every criterion exists, every text fits), then concurrent changes,
        // then the guard, which lists every criterion not asked about in this round.
        for input in &c.entries {
            self.entry_index(&input.criterion)?;
            for t in [&input.explanation, &input.opinion].into_iter().flatten() {
                check_text(&input.criterion, t)?;
            }
        }
        let mut changes = Vec::with_capacity(c.entries.len());
        let mut changed = Vec::with_capacity(c.entries.len());
        for input in &c.entries {
            let idx = self.entry_index(&input.criterion)?;
            let entry = &self.d.entries[idx];
            let explanation = text_change(&entry.explanation, &input.explanation);
            let opinion = text_change(&entry.self_opinion, &input.opinion);
            let explained = input.explained.filter(|&t| t != entry.explained);
            if explanation.is_none() && opinion.is_none() && explained.is_none() {
                continue;
            }
            changed.push(idx);
            changes.push(Change::ExplanationSaved {
                criterion: entry.criterion.clone(),
                explanation,
                opinion,
                explained,
            });
        }
        self.check_conflicts(c.base_version, &changed)?;
        let mut not_requested = Vec::new();
        for input in &c.entries {
            if let Err(Error::GuardFailed { missing, .. }) =
                self.requested_in_round(&input.criterion)
            {
                not_requested.extend(missing);
            }
        }
        self.guard(not_requested)?;
        Ok(changes)
    }

    fn finish_explanation(&self) -> Result<Vec<Change>> {
        self.guard(finish_explanation_missing(self.d))?;
        Ok(vec![Change::ExplanationFinished {
            round: self.d.rounds.last().map_or(0, |r| r.number),
        }])
    }

    fn evidence_list(&self, criterion: &Option<String>) -> Result<&[Evidence]> {
        match criterion {
            None => Ok(&self.d.report),
            Some(c) => {
                let idx = self.entry_index(c)?;
                Ok(&self.d.entries[idx].evidence)
            }
        }
    }

    fn attach(&self, c: &AttachEvidence) -> Result<Vec<Change>> {
        let list = self.evidence_list(&c.criterion)?;
        let ev = &c.evidence;
        let bad =
            |field: &str, msg: String| Err(Error::invalid_input(format!("evidence.{field}"), msg));
        if ev.id.trim().is_empty() {
            return bad("id", "the evidence needs the id it was stored under".into());
        }
        if ev.file_name.trim().is_empty() {
            return bad("file_name", "the evidence needs its file name".into());
        }
        if ev.file_name.chars().count() > 1000 {
            return bad(
                "file_name",
                "the file name is longer than 1000 characters".into(),
            );
        }
        if ev.size == 0 {
            return bad(
                "size",
                format!("file `{}` is empty (0 bytes)", ev.file_name),
            );
        }
        if ev.media_type.trim().is_empty() {
            return bad(
                "media_type",
                format!("file `{}` has no media type", ev.file_name),
            );
        }
        if ev.sha256.len() != 64 || !ev.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return bad(
                "sha256",
                format!(
                    "the sha256 of `{}` must be 64 hexadecimal digits",
                    ev.file_name
                ),
            );
        }
        let taken = self.d.report.iter().any(|x| x.id == ev.id)
            || self
                .d
                .entries
                .iter()
                .any(|e| e.evidence.iter().any(|x| x.id == ev.id));
        if taken {
            return bad(
                "id",
                format!("evidence id `{}` is already used in this dossier", ev.id),
            );
        }
        if list.len() >= MAX_EVIDENCE_PER_ENTRY {
            return bad(
                "id",
                format!("at most {MAX_EVIDENCE_PER_ENTRY} files may be attached to one criterion"),
            );
        }
        // The guard, once the input is valid: in a round, only the criteria asked about.
        match &c.criterion {
            Some(code) => self.requested_in_round(code)?,
            None if self.d.state == State::ExplanationRequested => {
                return self
                    .guard(vec![Missing::dossier(
                        MissingCode::NotRequested,
                        "the dossier's report cannot change during an explanation round; attach \
                         files to the criteria asked about",
                    )])
                    .map(|_| Vec::new());
            }
            None => {}
        }
        let round = match self.d.state {
            State::ExplanationRequested => self.d.rounds.last().map_or(0, |r| r.number),
            _ => 0,
        };
        Ok(vec![Change::EvidenceAttached {
            criterion: c.criterion.clone(),
            evidence: Evidence {
                id: ev.id.clone(),
                file_name: ev.file_name.clone(),
                size: ev.size,
                media_type: ev.media_type.clone(),
                sha256: ev.sha256.to_ascii_lowercase(),
                uploaded_by: self.actor.user.clone(),
                uploaded_at: self.now,
                round,
            },
        }])
    }

    fn remove(&self, c: &RemoveEvidence) -> Result<Vec<Change>> {
        let list = self.evidence_list(&c.criterion)?;
        let Some(ev) = list.iter().find(|x| x.id == c.evidence_id) else {
            return Err(Error::invalid_input(
                "evidence_id",
                format!(
                    "there is no evidence `{}` on {}",
                    c.evidence_id,
                    c.criterion
                        .as_deref()
                        .map(|c| format!("criterion `{c}`"))
                        .unwrap_or_else(|| "the dossier".into())
                ),
            ));
        };
        if self.d.state == State::ExplanationRequested {
            match &c.criterion {
                Some(code) => self.requested_in_round(code)?,
                None => {
                    return self
                        .guard(vec![Missing::dossier(
                            MissingCode::NotRequested,
                            "the dossier's report cannot change during an explanation round",
                        )])
                        .map(|_| Vec::new());
                }
            }
            let round = self.d.rounds.last().map_or(0, |r| r.number);
            if ev.round != round {
                return self
                    .guard(vec![Missing::criterion(
                        MissingCode::EvidenceFromEarlierRound,
                        c.criterion.as_deref().unwrap_or_default(),
                        format!(
                            "file `{}` was attached before this explanation round and can no \
                             longer be removed",
                            ev.file_name
                        ),
                    )])
                    .map(|_| Vec::new());
            }
        }
        Ok(vec![Change::EvidenceRemoved {
            criterion: c.criterion.clone(),
            evidence: ev.clone(),
        }])
    }

    fn unlock(&self, reason: &str, deadline: Timestamp) -> Result<Vec<Change>> {
        check_text("reason", reason)?;
        let mut missing = reason_missing(reason);
        if deadline <= self.now {
            missing.push(Missing::dossier(
                MissingCode::DeadlineInPast,
                format!("the new deadline {deadline} is not in the future"),
            ));
        }
        self.guard(missing)?;
        let (phase, old) = match self.d.state {
            State::ExplanationRequested => (
                Phase::Explanation,
                self.d.rounds.last().and_then(|r| r.deadline),
            ),
            _ => (Phase::SelfAssessment, self.d.self_deadline),
        };
        Ok(vec![Change::Unlocked {
            reason: reason.trim().to_owned(),
            phase,
            old_deadline: old,
            new_deadline: deadline,
        }])
    }
}
