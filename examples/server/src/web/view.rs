//! What the dossier pages share: loading a dossier as the actor may see it, the dossier's
//! heading and tabs, the criterion cards of a group (the unit's side, the reviewer's side,
//! the explanation, the evidence), and formatting (points, sizes, Vietnam time).

use super::i18n::{Lang, Text};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use chamdiem::criteria::{CriterionKind, EvidenceRule};
use chamdiem::scoring::{CriterionResult, Results};
use chamdiem::workflow::{ActionStatus, AttachEvidence, EvidenceInput, RemoveEvidence};
use chamdiem::{
    Actor, Command, CommandName, CriteriaSet, DossierView, Entry, Role, Score, Scored, State,
    Timestamp,
};
use std::collections::HashMap;

/// Points as the core writes them (`2`, `0.75`).
pub fn pts(d: chamdiem::Decimal) -> String {
    chamdiem::decimal::fmt_points(d)
}

/// Vietnam is at UTC+07:00 all year: instants are shown there, `dd/mm/yyyy HH:MM`.
pub const VIETNAM_OFFSET_MS: i64 = 7 * 3_600_000;

/// `03/12/2026 15:00` (Vietnam time).
pub fn local_time(t: Timestamp) -> String {
    let s = t.add_millis(VIETNAM_OFFSET_MS).to_rfc3339();
    // 2026-12-03T15:00:00Z or with milliseconds
    if s.len() >= 16 {
        format!("{}/{}/{} {}", &s[8..10], &s[5..7], &s[0..4], &s[11..16])
    } else {
        s
    }
}

/// `03/12/2026` (Vietnam time).
pub fn local_date(t: Timestamp) -> String {
    local_time(t)[..10].to_owned()
}

/// The end of a day in Vietnam (`2026-12-31` → 2026-12-31T23:59:59+07:00).
pub fn end_of_day(date: &str) -> Option<Timestamp> {
    let ok = date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-';
    if !ok {
        return None;
    }
    Timestamp::parse(&format!("{date}T23:59:59+07:00")).ok()
}

/// `2026-12-31` of an instant (Vietnam time), for a date input.
pub fn date_input(t: Timestamp) -> String {
    t.add_millis(VIETNAM_OFFSET_MS).to_rfc3339()[..10].to_owned()
}

/// A dossier as the actor may see it, with what its pages need.
pub struct Loaded {
    /// The view.
    pub view: DossierView,
    /// Its criteria set.
    pub set: CriteriaSet,
    /// What the actor could do now.
    pub actions: Vec<ActionStatus>,
    /// The assessed unit's name.
    pub unit_name: String,
    /// The period's name.
    pub period_name: String,
    /// The results as the actor may see them.
    pub results: Results,
    /// When it was loaded.
    pub now: Timestamp,
    /// Who looks.
    pub actor: Actor,
}

impl Loaded {
    /// Whether the actor may issue `c` now.
    pub fn allowed(&self, c: CommandName) -> bool {
        self.actions.iter().any(|a| a.command == c && a.allowed)
    }

    /// The state.
    pub fn state(&self) -> State {
        self.view.dossier.state()
    }

    /// The core's answer to a command, without doing it (a probe).
    pub fn decide(&self, c: &Command) -> chamdiem::Result<()> {
        chamdiem::decide(&self.set, &self.view.dossier, &self.actor, c, self.now).map(|_| ())
    }

    /// Whether the actor may attach evidence to `criterion` now.
    pub fn may_attach(&self, criterion: &str) -> bool {
        self.decide(&Command::AttachEvidence(AttachEvidence {
            criterion: Some(criterion.into()),
            evidence: EvidenceInput {
                id: "probe".into(),
                file_name: "probe.pdf".into(),
                size: 1,
                media_type: "application/pdf".into(),
                sha256: "0".repeat(64),
            },
        }))
        .is_ok()
    }

    /// Whether the actor may remove this evidence now.
    pub fn may_remove(&self, criterion: &str, evidence: &str) -> bool {
        self.decide(&Command::RemoveEvidence(RemoveEvidence {
            criterion: Some(criterion.into()),
            evidence_id: evidence.into(),
        }))
        .is_ok()
    }

    /// The deadline the unit works to now, if any.
    pub fn deadline(&self) -> Option<Timestamp> {
        self.view.dossier.unit_deadline()
    }
}

/// Loads a dossier for the pages (404 outside the actor's scope).
pub async fn load(state: &AppState, actor: Actor, id: &str) -> AppResult<Loaded> {
    let now = state.now();
    let id = id.to_owned();
    state
        .store(move |s| {
            let d = crate::api::scope::dossier(s, &actor, &id)?;
            let set = s.criteria_set(&d.criteria_set().id, d.criteria_set().revision)?;
            let actions = chamdiem::available_actions(&set, &d, &actor, now);
            let unit_name = s.unit(d.unit()).map(|u| u.name).unwrap_or_default();
            let period_name = s.period(d.period()).map(|p| p.name).unwrap_or_default();
            let view = chamdiem::view(&d, &actor)?;
            let results = view.results(&set)?;
            Ok(Loaded {
                view,
                set,
                actions,
                unit_name,
                period_name,
                results,
                now,
                actor,
            })
        })
        .await
}

/// A tab of a dossier's pages.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Where.
    pub href: String,
    /// The words.
    pub label: &'static str,
    /// Whether it is the page shown.
    pub current: bool,
}

/// One thing missing, with a link to the criterion when there is one.
#[derive(Debug, Clone)]
pub struct Problem {
    /// What.
    pub text: String,
    /// Where to fix it.
    pub href: Option<String>,
}

/// The heading of every dossier page.
#[derive(Debug, Clone)]
pub struct DossierNav {
    /// The dossier's id.
    pub id: String,
    /// The assessed unit.
    pub unit_name: String,
    /// The period.
    pub period_name: String,
    /// The state (snake_case, for the badge's class).
    pub state: &'static str,
    /// The manual's label of the state.
    pub state_label: &'static str,
    /// The unit's deadline now, if any.
    pub deadline: Option<String>,
    /// The tabs.
    pub links: Vec<NavLink>,
    /// A notice after a successful form.
    pub notice: Option<String>,
    /// An error after a refused form.
    pub error: Option<String>,
    /// What is missing, after a refused command.
    pub problems: Vec<Problem>,
}

/// Which tab is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The overview.
    Overview,
    /// Self-scoring.
    SelfScoring,
    /// Submitting.
    Submit,
    /// The explanation.
    Explain,
    /// The review.
    Review,
    /// The results.
    Results,
    /// The history.
    History,
}

impl DossierNav {
    /// The heading of `l` with the tabs its reader has.
    pub fn of(l: &Loaded, lang: Lang, tab: Tab) -> DossierNav {
        let t = lang.text();
        let d = &l.view.dossier;
        let id = d.id().to_owned();
        let mut tabs: Vec<(Tab, &'static str, String)> =
            vec![(Tab::Overview, t.tab_overview, format!("/dossiers/{id}"))];
        let role = l.actor.role;
        if role != Role::Reviewer {
            tabs.push((
                Tab::SelfScoring,
                t.menu_self_enter,
                format!("/dossiers/{id}/self"),
            ));
        }
        if role == Role::Unit {
            tabs.push((Tab::Submit, t.menu_submit, format!("/dossiers/{id}/submit")));
        }
        if !d.rounds().is_empty() && role != Role::Reviewer {
            tabs.push((
                Tab::Explain,
                t.menu_explain_dossier,
                format!("/dossiers/{id}/explain"),
            ));
        }
        if role != Role::Unit {
            tabs.push((Tab::Review, t.menu_review, format!("/dossiers/{id}/review")));
        }
        tabs.push((
            Tab::Results,
            t.menu_results,
            format!("/dossiers/{id}/results"),
        ));
        tabs.push((Tab::History, t.history, format!("/dossiers/{id}/history")));
        DossierNav {
            unit_name: l.unit_name.clone(),
            period_name: l.period_name.clone(),
            state: d.state().as_str(),
            state_label: lang.state(d.state()),
            deadline: match d.state() {
                State::SelfAssessment | State::ExplanationRequested => l.deadline().map(local_time),
                _ => None,
            },
            links: tabs
                .into_iter()
                .map(|(k, label, href)| NavLink {
                    href,
                    label,
                    current: k == tab,
                })
                .collect(),
            id,
            notice: None,
            error: None,
            problems: Vec::new(),
        }
    }

    /// With the outcome of a refused form: the message, and what is missing with links.
    pub fn refused(mut self, err: &AppError, lang: Lang, set: &CriteriaSet) -> Self {
        self.error = Some(super::message_of(err, lang));
        if let AppError::Core(chamdiem::Error::GuardFailed { missing, .. }) = err {
            self.problems = problems(missing, lang, set, &self.id);
        }
        self
    }
}

/// The anchor of a criterion's card (`c-1.1`).
pub fn anchor(code: &str) -> String {
    format!("c-{code}")
}

/// Where a criterion is edited by the unit (its group's self-scoring page).
pub fn criterion_href(set: &CriteriaSet, dossier: &str, code: &str, page: &str) -> String {
    let group = top_group_of(set, code).unwrap_or_default();
    let g: String = form_urlencoded::byte_serialize(group.as_bytes()).collect();
    format!("/dossiers/{dossier}/{page}?group={g}#{}", anchor(code))
}

/// The top-level group a criterion belongs to.
pub fn top_group_of(set: &CriteriaSet, code: &str) -> Option<String> {
    let node = set.criterion(code)?;
    let mut g = node.group;
    while let Some(p) = set.groups()[g].parent {
        g = p;
    }
    Some(set.groups()[g].code.clone())
}

/// What is missing, in the page's language, with links to the criteria.
pub fn problems(
    missing: &[chamdiem::Missing],
    lang: Lang,
    set: &CriteriaSet,
    dossier: &str,
) -> Vec<Problem> {
    let t = lang.text();
    missing
        .iter()
        .map(|m| {
            let what = super::i18n::missing(lang, m.code);
            let (text, href) = match &m.criterion {
                Some(c) => {
                    let title = set
                        .criterion(c)
                        .map(|n| n.criterion.title.clone())
                        .unwrap_or_default();
                    let page = match m.code {
                        chamdiem::MissingCode::ReviewScore
                        | chamdiem::MissingCode::UnsentRequest => "review",
                        chamdiem::MissingCode::NotExplained => "explain",
                        _ => "self",
                    };
                    (
                        format!("{} {c} {title}: {what}", t.criterion),
                        Some(criterion_href(set, dossier, c, page)),
                    )
                }
                None => (what.to_owned(), None),
            };
            Problem { text, href }
        })
        .collect()
}

/// A choice in a drop-down.
#[derive(Debug, Clone)]
pub struct Opt {
    /// The value sent.
    pub value: String,
    /// The words shown.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// An evidence file on a card.
#[derive(Debug, Clone)]
pub struct EvidenceRow {
    /// Its id.
    pub id: String,
    /// Its original name.
    pub name: String,
    /// Its size, for people.
    pub size: String,
    /// Where to download it.
    pub url: String,
    /// Whether the actor may remove it now.
    pub removable: bool,
}

/// One criterion as a page shows it.
#[derive(Debug, Clone)]
pub struct Card {
    /// Code.
    pub code: String,
    /// The HTML id of the card.
    pub anchor: String,
    /// Title.
    pub title: String,
    /// Guidance.
    pub guidance: String,
    /// Whether it takes a measured value.
    pub valued: bool,
    /// The value's unit (`%`).
    pub value_unit: String,
    /// The allowed values, for people.
    pub range_hint: String,
    /// The maximum points.
    pub max: String,
    /// Whether evidence is required.
    pub evidence_required: bool,
    /// The unit's cases (choice criteria), or the not-applicable cases (valued criteria).
    pub self_cases: Vec<Opt>,
    /// The unit's value.
    pub self_value: String,
    /// The unit's points (empty: not scored).
    pub self_points: String,
    /// The unit's score in words.
    pub self_text: String,
    /// The unit's opinion.
    pub self_opinion: String,
    /// The evidence.
    pub evidence: Vec<EvidenceRow>,
    /// Whether the actor may upload evidence here now.
    pub can_upload: bool,
    /// The upload form's address.
    pub upload_url: String,
    /// The reviewer's cases (or not-applicable cases).
    pub review_cases: Vec<Opt>,
    /// The reviewer's value.
    pub review_value: String,
    /// The reviewer's points.
    pub review_points: String,
    /// The reviewer's score in words.
    pub review_text: String,
    /// The reviewer's opinion.
    pub review_opinion: String,
    /// Whether the review is visible to the actor.
    pub review_visible: bool,
    /// The first round's review in words, when it differs from the current one.
    pub first_review_text: String,
    /// Flagged for explanation in the round being prepared.
    pub flagged: bool,
    /// The request's note (pending or sent).
    pub request_note: String,
    /// Asked about in the current explanation round.
    pub asked_now: bool,
    /// Asked about in any round.
    pub asked_ever: bool,
    /// The unit's explanation.
    pub explanation: String,
    /// The unit's "explained" tick.
    pub explained: bool,
    /// Whether self and review differ.
    pub differs: bool,
}

/// A group and its own criteria, as a page shows them.
#[derive(Debug, Clone)]
pub struct Section {
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// 0 for the group chosen, 1 for its subgroups…
    pub depth: usize,
    /// The cards.
    pub cards: Vec<Card>,
    /// Points of the track the page edits.
    pub points: String,
    /// Maximum of that track.
    pub max: String,
}

/// A top-level group in the group drop-down.
#[derive(Debug, Clone)]
pub struct GroupOpt {
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Points of the page's track.
    pub points: String,
    /// Its maximum.
    pub max: String,
    /// Whether it is the one shown.
    pub selected: bool,
}

/// Which track a page edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    /// The unit's.
    SelfTrack,
    /// The reviewer's.
    Review,
}

fn track_of(t: &chamdiem::scoring::Totals, track: Track) -> (String, String) {
    match (track, &t.review) {
        (Track::Review, Some(r)) => (pts(r.points), pts(r.max)),
        (Track::Review, None) => (String::new(), pts(t.self_track.max)),
        (Track::SelfTrack, _) => (pts(t.self_track.points), pts(t.self_track.max)),
    }
}

/// The top-level groups with the track's totals; the chosen one (or the first) selected.
pub fn group_options(l: &Loaded, chosen: &str, track: Track) -> Vec<GroupOpt> {
    l.results
        .groups
        .iter()
        .filter(|g| g.depth == 0)
        .map(|g| {
            let (points, max) = track_of(&g.totals, track);
            GroupOpt {
                selected: g.code == chosen,
                code: g.code.clone(),
                title: g.title.clone(),
                points,
                max,
            }
        })
        .collect()
}

/// The group to show: the one asked for if it is a top-level group, else the first.
pub fn chosen_group(set: &CriteriaSet, asked: Option<&str>) -> String {
    let roots: Vec<&str> = set
        .roots()
        .iter()
        .map(|&i| set.groups()[i].code.as_str())
        .collect();
    match asked {
        Some(a) if roots.contains(&a) => a.to_owned(),
        _ => roots.first().map(|s| (*s).to_owned()).unwrap_or_default(),
    }
}

/// The next top-level group after `code`, if any.
pub fn next_group(set: &CriteriaSet, code: &str) -> Option<String> {
    let roots: Vec<&str> = set
        .roots()
        .iter()
        .map(|&i| set.groups()[i].code.as_str())
        .collect();
    let pos = roots.iter().position(|c| *c == code)?;
    roots.get(pos + 1).map(|s| (*s).to_owned())
}

/// Words for a score: the case's label and points, or the value with its unit.
pub fn score_text(
    t: &Text,
    node: &chamdiem::criteria::CriterionNode,
    scored: Option<&Scored>,
) -> String {
    let Some(s) = scored else {
        return t.not_scored.to_owned();
    };
    let c = &node.criterion;
    let case = s.case.as_deref().and_then(|k| c.case(k));
    let mut out = String::new();
    if let Some(v) = s.value {
        let unit = c.value.as_ref().map(|v| v.unit.as_str()).unwrap_or("");
        out.push_str(&format!("{}{unit}", pts(v)));
        if let Some(k) = case {
            out.push_str(&format!(" — {}", k.label));
        }
    } else if let Some(k) = case {
        out.push_str(&format!("{}. {}", k.code, k.label));
    }
    if s.not_applicable {
        return out;
    }
    format!("{out} ({} {})", pts(s.points), t.points_unit)
}

fn options(t: &Text, node: &chamdiem::criteria::CriterionNode, chosen: Option<&str>) -> Vec<Opt> {
    let c = &node.criterion;
    c.cases
        .iter()
        .filter(|k| c.kind == CriterionKind::Choice || k.not_applicable)
        .map(|k| Opt {
            value: k.code.clone(),
            label: if k.not_applicable {
                k.label.clone()
            } else {
                format!(
                    "{}. {} ({} {})",
                    k.code,
                    k.label,
                    pts(k.points()),
                    t.points_unit
                )
            },
            selected: chosen == Some(k.code.as_str()),
        })
        .collect()
}

fn case_of(s: Option<&Score>) -> Option<&str> {
    match s {
        Some(Score::Case(c)) => Some(c),
        _ => None,
    }
}

fn value_of(s: Option<&Score>) -> String {
    match s {
        Some(Score::Value(v)) => pts(*v),
        _ => String::new(),
    }
}

/// Builds the cards of the group `code` and of its subgroups, in reading order. `form` holds
/// values posted back after a refused save (`case:1.1` …), shown instead of the stored ones.
pub fn sections(
    l: &Loaded,
    lang: Lang,
    code: &str,
    track: Track,
    form: &HashMap<String, String>,
    filter: &dyn Fn(&Entry, &CriterionResult) -> bool,
) -> Vec<Section> {
    let t = lang.text();
    let set = &l.set;
    let d = &l.view.dossier;
    let Some(gi) = set.group_position(code) else {
        return Vec::new();
    };
    let mut order = Vec::new();
    fn walk(set: &CriteriaSet, g: usize, out: &mut Vec<usize>) {
        out.push(g);
        for &c in &set.groups()[g].groups {
            walk(set, c, out);
        }
    }
    walk(set, gi, &mut order);
    let base_depth = set.groups()[gi].depth;
    let current_round = d.current_round().map(|r| r.number);
    order
        .into_iter()
        .map(|g| {
            let group = &set.groups()[g];
            let totals = l
                .results
                .group(&group.code)
                .map(|r| track_of(&r.totals, track))
                .unwrap_or_default();
            let cards = group
                .criteria
                .iter()
                .filter_map(|&ci| {
                    let node = &set.criteria()[ci];
                    let c = &node.criterion;
                    let entry = d.entry(&c.code)?;
                    let result = l.results.criterion(&c.code)?;
                    if !filter(entry, result) {
                        return None;
                    }
                    let posted = |k: &str| form.get(&format!("{k}:{}", c.code)).cloned();
                    let self_case = posted("case")
                        .or_else(|| case_of(entry.self_score.as_ref()).map(str::to_owned));
                    let review_case = posted("rcase")
                        .or_else(|| case_of(entry.review_score.as_ref()).map(str::to_owned));
                    let range = c.value_range();
                    let range_hint = if c.kind.is_valued() {
                        format!("{}: {range}", t.allowed_values)
                    } else {
                        String::new()
                    };
                    let review_visible = l.view.review_visible;
                    let pending = entry.request.as_ref().is_some_and(|r| r.round.is_none());
                    let asked_now = current_round.is_some()
                        && d.state() == State::ExplanationRequested
                        && d.rounds().last().is_some_and(|r| r.asks(&c.code));
                    let asked_ever = d.rounds().iter().any(|r| r.asks(&c.code));
                    let request_note = entry
                        .request
                        .as_ref()
                        .map(|r| r.note.clone())
                        .or_else(|| {
                            d.rounds().iter().rev().find_map(|r| {
                                r.requests
                                    .iter()
                                    .find(|q| q.criterion == c.code)
                                    .map(|q| q.note.clone())
                            })
                        })
                        .unwrap_or_default();
                    let first = result.first_review.as_ref();
                    let first_review_text = match (first, &result.review) {
                        (Some(f), Some(r)) if f != r => score_text(t, node, Some(f)),
                        _ => String::new(),
                    };
                    let self_points = result
                        .self_score
                        .as_ref()
                        .map(|s| pts(s.points))
                        .unwrap_or_default();
                    let review_points = result
                        .review
                        .as_ref()
                        .map(|s| pts(s.points))
                        .unwrap_or_default();
                    Some(Card {
                        anchor: anchor(&c.code),
                        title: c.title.clone(),
                        guidance: c.guidance.clone(),
                        valued: c.kind.is_valued(),
                        value_unit: c.value.as_ref().map(|v| v.unit.clone()).unwrap_or_default(),
                        range_hint,
                        max: pts(node.max),
                        evidence_required: c.evidence == EvidenceRule::Required,
                        self_cases: options(t, node, self_case.as_deref()),
                        self_value: posted("value")
                            .unwrap_or_else(|| value_of(entry.self_score.as_ref())),
                        self_text: score_text(t, node, result.self_score.as_ref()),
                        self_opinion: posted("opinion")
                            .unwrap_or_else(|| entry.self_opinion.clone()),
                        evidence: entry
                            .evidence
                            .iter()
                            .map(|e| EvidenceRow {
                                removable: l.may_remove(&c.code, &e.id),
                                url: format!("/dossiers/{}/evidence/{}", d.id(), e.id),
                                id: e.id.clone(),
                                name: e.file_name.clone(),
                                size: crate::evidence::upload::human_size(e.size),
                            })
                            .collect(),
                        can_upload: l.may_attach(&c.code),
                        upload_url: String::new(),
                        review_cases: options(t, node, review_case.as_deref()),
                        review_value: posted("rvalue")
                            .unwrap_or_else(|| value_of(entry.review_score.as_ref())),
                        review_text: if review_visible {
                            score_text(t, node, result.review.as_ref())
                        } else {
                            String::new()
                        },
                        review_opinion: posted("ropinion")
                            .unwrap_or_else(|| entry.review_opinion.clone()),
                        review_visible,
                        first_review_text,
                        flagged: match posted("flag") {
                            Some(_) => true,
                            None if form.is_empty() => pending,
                            None => false,
                        },
                        request_note: posted("note").unwrap_or(request_note),
                        asked_now,
                        asked_ever,
                        explanation: posted("explanation")
                            .unwrap_or_else(|| entry.explanation.clone()),
                        explained: match posted("explained") {
                            Some(_) => true,
                            None if form.is_empty() => entry.explained,
                            None => false,
                        },
                        differs: review_visible
                            && result.self_score.is_some()
                            && result.review.is_some()
                            && self_points != review_points,
                        self_points,
                        review_points,
                        code: c.code.clone(),
                    })
                })
                .collect();
            Section {
                code: group.code.clone(),
                title: group.title.clone(),
                depth: group.depth - base_depth,
                cards,
                points: totals.0,
                max: totals.1,
            }
        })
        .collect()
}

/// The totals box of the scoring pages.
#[derive(Debug, Clone)]
pub struct TotalsBox {
    /// The group's points.
    pub group_points: String,
    /// The group's maximum.
    pub group_max: String,
    /// The dossier's points.
    pub total_points: String,
    /// The dossier's maximum.
    pub total_max: String,
    /// The dossier's percentage.
    pub percent: String,
    /// The classification.
    pub classification: String,
    /// Which track (`self`, `review`) the live script computes.
    pub track: &'static str,
    /// The group's code.
    pub group: String,
}

impl TotalsBox {
    /// The totals of a group and of the dossier, on one track.
    pub fn of(l: &Loaded, group: &str, track: Track) -> TotalsBox {
        let r = &l.results;
        let (gp, gm) = r
            .group(group)
            .map(|g| track_of(&g.totals, track))
            .unwrap_or_default();
        let (tr, class) = match (track, &r.total.review) {
            (Track::Review, Some(t)) => (t, r.classification.review.clone()),
            _ => (&r.total.self_track, r.classification.self_track.clone()),
        };
        TotalsBox {
            group_points: gp,
            group_max: gm,
            total_points: pts(tr.points),
            total_max: pts(tr.max),
            percent: tr.percent.map(|p| p.to_string()).unwrap_or_default(),
            classification: class.unwrap_or_default(),
            track: match track {
                Track::SelfTrack => "self",
                Track::Review => "review",
            },
            group: group.to_owned(),
        }
    }
}

/// Parses a measured value typed by a person: `92`, `92.5`, `92,5`.
pub fn parse_value(code: &str, text: &str) -> AppResult<chamdiem::Decimal> {
    let t = text.trim().replace(',', ".");
    chamdiem::decimal::parse_decimal(&t).map_err(|e| AppError::invalid(code, e))
}

/// A posted form as a map (the last value of a repeated name wins), and the criteria it
/// lists (`item:<code>` fields, in order).
pub fn form_map(fields: Vec<(String, String)>) -> (HashMap<String, String>, Vec<String>) {
    let mut items = Vec::new();
    let mut map = HashMap::new();
    for (k, v) in fields {
        if let Some(code) = k.strip_prefix("item:") {
            if !items.iter().any(|c| c == code) {
                items.push(code.to_owned());
            }
            continue;
        }
        map.insert(k, v.replace("\r\n", "\n"));
    }
    (map, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_vietnam() {
        let t = Timestamp::parse("2026-12-03T17:30:00Z").unwrap();
        assert_eq!(local_time(t), "04/12/2026 00:30");
        assert_eq!(local_date(t), "04/12/2026");
        assert_eq!(date_input(t), "2026-12-04");
        assert_eq!(
            end_of_day("2026-12-31").unwrap(),
            Timestamp::parse("2026-12-31T16:59:59Z").unwrap()
        );
        assert!(end_of_day("31/12/2026").is_none());
    }

    #[test]
    fn values_take_a_comma() {
        assert_eq!(parse_value("1.3", " 92,5 ").unwrap().to_string(), "92.5");
        assert!(parse_value("1.3", "chín mươi").is_err());
    }
}
