//! Results: points per criterion, per group at every level and in total; rankings of a period.
//!
//! Results are a pure function of (criteria set, dossier). Four *tracks* are computed: the
//! unit's self-assessment, the first review (as frozen by the first explanation round), the
//! current review, and the final score (the review where present, else the self-assessment).
//! The arithmetic rules are in `docs/formats.md`.

use crate::criteria::{CriteriaSet, GroupKind, to_units};
use crate::decimal::{round_display, serde_points, serde_points_opt};
use crate::dossier::{Dossier, Resolved, Score, Scored, SetRef, resolve_at};
use crate::error::{Error, Result};
use crate::format::{RankingFormat, ResultsFormat, Tag, Version};
use crate::unit::Unit;
use crate::workflow::State;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Points, maximum and percentage of one track of a group or of the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Track {
    /// Points (after caps).
    #[serde(with = "serde_points")]
    pub points: Decimal,
    /// The applicable maximum.
    #[serde(with = "serde_points")]
    pub max: Decimal,
    /// points / max × 100, rounded half away from zero to 2 places; `None` when max is 0.
    /// Written with exactly two places (`"92.50"`, `"90.00"`), as shown to people.
    #[serde(with = "crate::decimal::serde_opt")]
    pub percent: Option<Decimal>,
    /// `false` when every criterion below is not applicable.
    pub applicable: bool,
}

/// The tracks of a group or of the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// The unit's self-assessment.
    #[serde(rename = "self")]
    pub self_track: Track,
    /// The review as frozen by the first explanation round (when there was one and the review
    /// is visible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_review: Option<Track>,
    /// The current review (when visible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Track>,
    /// The review where a criterion has one, else the self-assessment.
    #[serde(rename = "final")]
    pub final_track: Track,
}

/// The classification of the total, per track.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Classification {
    /// Of the self-assessment.
    #[serde(rename = "self")]
    pub self_track: Option<String>,
    /// Of the first review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_review: Option<String>,
    /// Of the current review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<String>,
    /// Of the final score.
    #[serde(rename = "final")]
    pub final_track: Option<String>,
}

/// A group's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupResult {
    /// The group's code.
    pub code: String,
    /// Title.
    pub title: String,
    /// The parent group's code.
    pub parent: Option<String>,
    /// 0 for top-level groups.
    pub depth: usize,
    /// Standard, bonus or penalty.
    pub kind: GroupKind,
    /// The cap of a bonus or penalty group.
    #[serde(
        with = "serde_points_opt",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cap: Option<Decimal>,
    /// The tracks.
    #[serde(flatten)]
    pub totals: Totals,
}

/// One criterion's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionResult {
    /// The criterion's code.
    pub code: String,
    /// Its group's code.
    pub group: String,
    /// Its maximum points.
    #[serde(with = "serde_points")]
    pub max: Decimal,
    /// The self-assessment, if scored.
    #[serde(rename = "self")]
    pub self_score: Option<Scored>,
    /// The first review, if any (and visible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_review: Option<Scored>,
    /// The review, if scored (and visible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Scored>,
    /// The final score: the review if scored, else the self-assessment.
    #[serde(rename = "final")]
    pub final_score: Option<Scored>,
    /// Whether an explanation was requested on it (in any round, or flagged now and visible).
    pub explanation_requested: bool,
}

/// A criterion whose review differs from the self-assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// The criterion.
    pub criterion: String,
    /// Self points.
    #[serde(rename = "self", with = "serde_points")]
    pub self_points: Decimal,
    /// Review points.
    #[serde(with = "serde_points")]
    pub review: Decimal,
    /// review − self.
    #[serde(with = "serde_points")]
    pub difference: Decimal,
}

/// The criteria not scored yet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Unscored {
    /// Criteria without a self-assessment.
    #[serde(rename = "self")]
    pub self_track: Vec<String>,
    /// Criteria without a review (empty when the review is not visible).
    pub review: Vec<String>,
}

/// The results of one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Results {
    format: Tag<ResultsFormat>,
    format_version: Version<ResultsFormat>,
    /// The dossier.
    pub dossier: String,
    /// The assessed unit.
    pub unit: String,
    /// The period.
    pub period: String,
    /// The criteria set.
    pub criteria_set: SetRef,
    /// The dossier's state.
    pub state: State,
    /// Whether the review tracks are included.
    pub review_visible: bool,
    /// The dossier's totals.
    pub total: Totals,
    /// The classification of the total.
    pub classification: Classification,
    /// Every group, in pre-order.
    pub groups: Vec<GroupResult>,
    /// Every criterion, in reading order.
    pub criteria: Vec<CriterionResult>,
    /// Criteria not scored yet.
    pub unscored: Unscored,
    /// Criteria whose review differs from the self-assessment.
    pub differences: Vec<Difference>,
}

/// Which groups and criteria to keep (manual §4.3 and §4.4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResultsFilter {
    /// Keep this group, its subgroups and their criteria.
    #[serde(default)]
    pub group: Option<String>,
    /// Keep only the criteria an explanation was requested on ("Tỉnh yêu cầu giải trình").
    #[serde(default)]
    pub explanation_requested: bool,
}

/// What [`results_with`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResultsOptions {
    /// Whether to list every criterion's results ([`Results::criteria`]); `false` leaves the
    /// list empty and computes everything else — totals, groups, classification, the criteria
    /// not scored yet and the differences — the same. A period's totals and ranking need no
    /// more, and skip most of the cost. Default `true`.
    pub criteria: bool,
}

impl Default for ResultsOptions {
    fn default() -> Self {
        ResultsOptions { criteria: true }
    }
}

/// One track's sums, in the set's integer units (see [`crate::criteria`]'s `Fixed`).
#[derive(Clone, Copy)]
struct Acc {
    points: i128,
    max: i128,
    applicable: bool,
}

impl Acc {
    const ZERO: Acc = Acc {
        points: 0,
        max: 0,
        applicable: false,
    };
}

/// points / max × 100, rounded for display; `None` when max is not positive.
pub fn percent(points: Decimal, max: Decimal) -> Option<Decimal> {
    if max <= Decimal::ZERO {
        return None;
    }
    let p = points.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(max)?;
    Some(round_display(p, 2))
}

/// [`percent`] of two counts of the same unit: the exact quotient, rounded half away from zero
/// to two places.
fn percent_units(points: i128, max: i128) -> Option<Decimal> {
    if max <= 0 {
        return None;
    }
    // Past 10^34 units the points are beyond a decimal too, and writing them fails first.
    let n = points.checked_mul(10_000)?;
    let (mut q, r) = (n / max, n % max);
    if 2 * r.unsigned_abs() >= max.unsigned_abs() {
        q += n.signum();
    }
    Decimal::try_from_i128_with_scale(q, 2).ok()
}

const SELF: usize = 0;
const FIRST: usize = 1;
const REVIEW: usize = 2;
const FINAL: usize = 3;

fn contribution(s: Option<&Resolved>, units: i128, max: i128) -> Acc {
    match s {
        Some(s) if s.not_applicable => Acc::ZERO,
        Some(_) => Acc {
            points: units,
            max,
            applicable: true,
        },
        None => Acc {
            points: 0,
            max,
            applicable: true,
        },
    }
}

/// Computes the results of a dossier, every track included.
pub fn results(set: &CriteriaSet, dossier: &Dossier) -> Result<Results> {
    compute(set, dossier, true, ResultsOptions::default())
}

/// [`results`], with options (`{criteria: false}`: the totals without the per-criterion list).
pub fn results_with(
    set: &CriteriaSet,
    dossier: &Dossier,
    options: ResultsOptions,
) -> Result<Results> {
    compute(set, dossier, true, options)
}

/// Computes results; `review_visible: false` leaves the review tracks out (as a unit sees them
/// before the review is released).
///
/// The sums are taken in integer units of the set (every point value times `10^scale`, see
/// `Fixed`), exact and cheap; decimals are made only for what is returned.
pub(crate) fn compute(
    set: &CriteriaSet,
    d: &Dossier,
    review_visible: bool,
    options: ResultsOptions,
) -> Result<Results> {
    if d.criteria_set.id != set.id() || d.criteria_set.revision != set.revision() {
        return Err(Error::invalid_input(
            "criteria_set",
            format!(
                "dossier `{}` uses criteria set `{}` revision {}, not `{}` revision {}",
                d.id,
                d.criteria_set.id,
                d.criteria_set.revision,
                set.id(),
                set.revision()
            ),
        ));
    }
    let fixed = set.fixed();
    let scale = fixed.scale;
    let aligned = d.is_aligned(set);
    let lookup: Option<BTreeMap<&str, usize>> = (!aligned).then(|| {
        d.entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.criterion.as_str(), i))
            .collect()
    });
    let first_round: Option<Vec<Option<&Score>>> = if review_visible {
        d.rounds.first().map(|r| {
            by_position(
                set,
                r.review
                    .iter()
                    .map(|s| (s.criterion.as_str(), s.score.as_ref())),
            )
        })
    } else {
        None
    };
    // The criteria any round asked about.
    let mut asked = vec![false; set.criteria().len()];
    for r in &d.rounds {
        for q in &r.requests {
            if let Some(i) = set.criterion_position(&q.criterion) {
                asked[i] = true;
            }
        }
    }
    let has_first = first_round.is_some();
    // The review track exists once the reviewer has scored something (and the actor may see it).
    let has_review = review_visible && d.entries.iter().any(|e| e.review_score.is_some());
    let precision = set.precision();
    let nodes = set.criteria();
    let mut criteria = Vec::with_capacity(if options.criteria { nodes.len() } else { 0 });
    let mut crit_acc: Vec<[Acc; 4]> = Vec::with_capacity(nodes.len());
    let mut unscored = Unscored::default();
    let mut differences = Vec::new();

    let stale = |i: usize, e: &dyn std::fmt::Display| {
        Error::invalid_input(
            format!("entries.{}", nodes[i].criterion.code),
            format!(
                "dossier `{}` holds a score that no longer resolves: {e}",
                d.id
            ),
        )
    };
    // A score resolved, with its points in units.
    let resolve_opt = |i: usize, s: Option<&Score>| -> Result<Option<(Resolved, i128)>> {
        let Some(s) = s else { return Ok(None) };
        let r = resolve_at(&nodes[i], s, precision).map_err(|e| stale(i, &e))?;
        // A case's points were converted with the set; a scaled value's are its own.
        let units = match r.case {
            Some(k) => fixed.criteria[i].cases[k],
            None => to_units(r.points, scale)
                .ok_or_else(|| stale(i, &format!("{} points cannot be added exactly", r.points)))?,
        };
        Ok(Some((r, units)))
    };

    for (i, node) in nodes.iter().enumerate() {
        let code = &node.criterion.code;
        let entry = if aligned {
            Some(&d.entries[i])
        } else {
            lookup
                .as_ref()
                .and_then(|m| m.get(code.as_str()))
                .map(|&j| &d.entries[j])
        };
        let self_s = resolve_opt(i, entry.and_then(|e| e.self_score.as_ref()))?;
        let (first_s, review_s) = if review_visible {
            let first = match &first_round {
                Some(m) => resolve_opt(i, m[i])?,
                None => None,
            };
            (
                first,
                resolve_opt(i, entry.and_then(|e| e.review_score.as_ref()))?,
            )
        } else {
            (None, None)
        };
        let final_s = review_s.or(self_s);
        if self_s.is_none() {
            unscored.self_track.push(code.clone());
        }
        if review_visible && review_s.is_none() {
            unscored.review.push(code.clone());
        }
        if let (Some((a, _)), Some((b, _))) = (&self_s, &review_s)
            && (a.points != b.points || a.not_applicable != b.not_applicable)
        {
            differences.push(Difference {
                criterion: code.clone(),
                self_points: a.points,
                review: b.points,
                difference: b.points - a.points,
            });
        }
        let max = fixed.criteria[i].max;
        let acc = |s: &Option<(Resolved, i128)>| match s {
            Some((r, u)) => contribution(Some(r), *u, max),
            None => contribution(None, 0, max),
        };
        crit_acc.push([acc(&self_s), acc(&first_s), acc(&review_s), acc(&final_s)]);
        if options.criteria {
            let requested = entry.is_some_and(|e| {
                e.request
                    .as_ref()
                    .is_some_and(|r| r.round.is_some() || review_visible)
            }) || asked[i];
            let owned = |s: &Option<(Resolved, i128)>| s.as_ref().map(|(r, _)| r.scored(node));
            criteria.push(CriterionResult {
                code: code.clone(),
                group: set.groups()[node.group].code.clone(),
                max: node.max,
                self_score: owned(&self_s),
                first_review: owned(&first_s),
                review: owned(&review_s),
                final_score: owned(&final_s),
                explanation_requested: requested,
            });
        }
    }

    // Groups, children before parents (reverse pre-order).
    let groups = set.groups();
    let mut group_acc: Vec<[Acc; 4]> = vec![[Acc::ZERO; 4]; groups.len()];
    for gi in (0..groups.len()).rev() {
        let g = &groups[gi];
        let mut acc = [Acc::ZERO; 4];
        let children = g
            .criteria
            .iter()
            .map(|&c| (crit_acc[c], GroupKind::Standard))
            .chain(g.groups.iter().map(|&s| (group_acc[s], groups[s].kind)));
        for (child, kind) in children {
            for t in 0..4 {
                add(&mut acc[t], child[t], kind);
            }
        }
        for a in &mut acc {
            cap(a, g.kind, fixed.caps[gi]);
        }
        group_acc[gi] = acc;
    }
    let mut total = [Acc::ZERO; 4];
    for &r in set.roots() {
        for t in 0..4 {
            add(&mut total[t], group_acc[r][t], groups[r].kind);
        }
    }

    let decimal = |units: i128| {
        Decimal::try_from_i128_with_scale(units, scale)
            .map(|d| d.normalize())
            .map_err(|_| {
                Error::invalid_input(
                    "entries",
                    format!(
                        "the points of dossier `{}` add up beyond what can be written",
                        d.id
                    ),
                )
            })
    };
    let track = |a: Acc, kind: GroupKind| -> Result<Track> {
        let max = if a.applicable && kind == GroupKind::Standard {
            a.max
        } else {
            0
        };
        Ok(Track {
            points: decimal(a.points)?,
            max: decimal(max)?,
            percent: if kind == GroupKind::Standard {
                percent_units(a.points, max)
            } else {
                None
            },
            applicable: a.applicable,
        })
    };
    let totals = |acc: &[Acc; 4], kind: GroupKind| -> Result<Totals> {
        Ok(Totals {
            self_track: track(acc[SELF], kind)?,
            first_review: has_first.then(|| track(acc[FIRST], kind)).transpose()?,
            review: has_review.then(|| track(acc[REVIEW], kind)).transpose()?,
            final_track: track(acc[FINAL], kind)?,
        })
    };
    let group_results = groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            Ok(GroupResult {
                code: g.code.clone(),
                title: g.title.clone(),
                parent: g.parent.map(|p| groups[p].code.clone()),
                depth: g.depth,
                kind: g.kind,
                cap: g.cap,
                totals: totals(&group_acc[gi], g.kind)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let total_totals = totals(&total, GroupKind::Standard)?;
    let classify = |t: &Track| set.classify(t.points, t.max).map(str::to_owned);
    let classification = Classification {
        self_track: classify(&total_totals.self_track),
        first_review: total_totals.first_review.as_ref().and_then(classify),
        review: total_totals.review.as_ref().and_then(classify),
        final_track: classify(&total_totals.final_track),
    };
    Ok(Results {
        format: Tag::default(),
        format_version: Version::default(),
        dossier: d.id.clone(),
        unit: d.unit.clone(),
        period: d.period.clone(),
        criteria_set: d.criteria_set.clone(),
        state: d.state,
        review_visible,
        total: total_totals,
        classification,
        groups: group_results,
        criteria,
        unscored,
        differences,
    })
}

/// Places values named by criterion code at their criterion's position in `set` (a later value
/// for the same criterion wins; codes the set lacks are left out). Values listed in the set's
/// order, as a dossier keeps them, are placed by one forward walk, the others by the set's index.
fn by_position<'a, T: Copy>(
    set: &CriteriaSet,
    values: impl Iterator<Item = (&'a str, Option<T>)>,
) -> Vec<Option<T>> {
    let nodes = set.criteria();
    let mut out = vec![None; nodes.len()];
    let mut next = 0;
    for (code, value) in values {
        let at = if nodes.get(next).is_some_and(|n| n.criterion.code == code) {
            Some(next)
        } else {
            set.criterion_position(code)
        };
        if let Some(i) = at {
            out[i] = value;
            next = i + 1;
        }
    }
    out
}

/// Adds a child's contribution: points always; maximum only from standard children.
///
/// Every unit value is at most `10^28` in magnitude (`Fixed`), so sums of up to a billion of
/// them stay far inside `i128`.
fn add(acc: &mut Acc, child: Acc, kind: GroupKind) {
    acc.points += child.points;
    if kind == GroupKind::Standard && child.applicable {
        acc.max += child.max;
    }
    acc.applicable |= child.applicable;
}

/// Applies a bonus or penalty group's cap.
fn cap(acc: &mut Acc, kind: GroupKind, cap: Option<i128>) {
    match (kind, cap) {
        (GroupKind::Bonus, Some(c)) if acc.points > c => acc.points = c,
        (GroupKind::Penalty, Some(c)) if acc.points < -c => acc.points = -c,
        _ => {}
    }
}

impl Results {
    /// Keeps only the groups and criteria the filter selects (totals are unchanged; each kept
    /// group carries its own totals).
    pub fn filtered(&self, filter: &ResultsFilter) -> Result<Results> {
        let mut out = self.clone();
        if let Some(code) = &filter.group {
            if !self.groups.iter().any(|g| &g.code == code) {
                return Err(Error::invalid_input(
                    "group",
                    format!("there is no group `{code}` in this criteria set"),
                ));
            }
            // A group is kept when it or an ancestor is the chosen group (parents come first).
            let mut kept_groups: std::collections::HashSet<String> = Default::default();
            for g in &self.groups {
                let inside =
                    &g.code == code || g.parent.as_ref().is_some_and(|p| kept_groups.contains(p));
                if inside {
                    kept_groups.insert(g.code.clone());
                }
            }
            let within = |g: &str| kept_groups.contains(g);
            out.groups.retain(|g| within(&g.code));
            out.criteria.retain(|c| within(&c.group));
        }
        if filter.explanation_requested {
            out.criteria.retain(|c| c.explanation_requested);
        }
        let kept: std::collections::HashSet<&str> =
            out.criteria.iter().map(|c| c.code.as_str()).collect();
        out.unscored
            .self_track
            .retain(|c| kept.contains(c.as_str()));
        out.unscored.review.retain(|c| kept.contains(c.as_str()));
        out.differences
            .retain(|d| kept.contains(d.criterion.as_str()));
        Ok(out)
    }

    /// The result of one group.
    pub fn group(&self, code: &str) -> Option<&GroupResult> {
        self.groups.iter().find(|g| g.code == code)
    }

    /// The result of one criterion.
    pub fn criterion(&self, code: &str) -> Option<&CriterionResult> {
        self.criteria.iter().find(|c| c.code == code)
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("results always serialize")
    }
}

/// One row of a ranking table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingRow {
    /// 1-based; equal totals share a rank (1, 1, 3).
    pub rank: u32,
    /// The unit's id.
    pub unit: String,
    /// The unit's code.
    pub unit_code: String,
    /// The unit's name.
    pub unit_name: String,
    /// The dossier.
    pub dossier: String,
    /// The dossier's state.
    pub state: State,
    /// Final points.
    #[serde(with = "serde_points")]
    pub points: Decimal,
    /// Applicable maximum (final track).
    #[serde(with = "serde_points")]
    pub max: Decimal,
    /// Final percentage, with exactly two places.
    #[serde(with = "crate::decimal::serde_opt")]
    pub percent: Option<Decimal>,
    /// Final classification.
    pub classification: Option<String>,
    /// Self-assessment points.
    #[serde(rename = "self", with = "serde_points")]
    pub self_points: Decimal,
    /// Review points, when visible.
    #[serde(with = "serde_points_opt")]
    pub review: Option<Decimal>,
}

/// The ranking of the dossiers scored against one criteria set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingTable {
    /// The criteria set.
    pub criteria_set: SetRef,
    /// The rows, best first.
    pub rows: Vec<RankingRow>,
}

/// Rankings of a period: one table per criteria set (departments and districts apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranking {
    format: Tag<RankingFormat>,
    format_version: Version<RankingFormat>,
    /// One table per criteria set, ordered by set id and revision.
    pub tables: Vec<RankingTable>,
}

impl Ranking {
    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a ranking always serializes")
    }
}

/// Ranks dossiers: within each criteria set by final points, descending; equal points share a
/// rank; then by unit code. Each result is paired with its unit.
pub fn rank<'a>(items: impl IntoIterator<Item = (&'a Unit, &'a Results)>) -> Ranking {
    let mut tables: BTreeMap<(String, u32), Vec<RankingRow>> = BTreeMap::new();
    for (unit, r) in items {
        let t = &r.total.final_track;
        tables
            .entry((r.criteria_set.id.clone(), r.criteria_set.revision))
            .or_default()
            .push(RankingRow {
                rank: 0,
                unit: unit.id.clone(),
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                dossier: r.dossier.clone(),
                state: r.state,
                points: t.points,
                max: t.max,
                percent: t.percent,
                classification: r.classification.final_track.clone(),
                self_points: r.total.self_track.points,
                review: r.total.review.as_ref().map(|x| x.points),
            });
    }
    let tables = tables
        .into_iter()
        .map(|((id, revision), mut rows)| {
            rows.sort_by(|a, b| {
                b.points
                    .cmp(&a.points)
                    .then_with(|| a.unit_code.cmp(&b.unit_code))
                    .then_with(|| a.dossier.cmp(&b.dossier))
            });
            let mut prev: Option<Decimal> = None;
            let mut rank = 0;
            for (i, row) in rows.iter_mut().enumerate() {
                if prev != Some(row.points) {
                    rank = i as u32 + 1;
                    prev = Some(row.points);
                }
                row.rank = rank;
            }
            RankingTable {
                criteria_set: SetRef { id, revision },
                rows,
            }
        })
        .collect();
    Ranking {
        format: Tag::default(),
        format_version: Version::default(),
        tables,
    }
}

/// The results of many dossiers and their ranking, computed together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// One result per dossier, in the order given.
    pub results: Vec<Results>,
    /// The ranking of all of them (one table per criteria set).
    pub ranking: Ranking,
}

/// Computes the results of every dossier (each against its own criteria set, found among
/// `sets` by id and revision) and ranks them with their units (found among `units` by id).
pub fn evaluate<'a>(
    sets: impl IntoIterator<Item = &'a CriteriaSet>,
    units: impl IntoIterator<Item = &'a Unit>,
    dossiers: impl IntoIterator<Item = &'a Dossier>,
) -> Result<Evaluation> {
    evaluate_with(sets, units, dossiers, ResultsOptions::default())
}

/// [`evaluate`], with options: `{criteria: false}` computes each dossier's totals, groups and
/// classification and the ranking, without the per-criterion lists.
pub fn evaluate_with<'a>(
    sets: impl IntoIterator<Item = &'a CriteriaSet>,
    units: impl IntoIterator<Item = &'a Unit>,
    dossiers: impl IntoIterator<Item = &'a Dossier>,
    options: ResultsOptions,
) -> Result<Evaluation> {
    let sets: BTreeMap<(&str, u32), &CriteriaSet> = sets
        .into_iter()
        .map(|s| ((s.id(), s.revision()), s))
        .collect();
    let units: BTreeMap<&str, &Unit> = units.into_iter().map(|u| (u.id.as_str(), u)).collect();
    let mut results = Vec::new();
    let mut owners = Vec::new();
    for d in dossiers {
        let key = (d.criteria_set.id.as_str(), d.criteria_set.revision);
        let set = sets.get(&key).ok_or_else(|| {
            Error::not_found(
                "criteria_set",
                format!("{} revision {}", d.criteria_set.id, d.criteria_set.revision),
            )
        })?;
        let unit = units
            .get(d.unit.as_str())
            .ok_or_else(|| Error::not_found("unit", d.unit.clone()))?;
        results.push(compute(set, d, true, options)?);
        owners.push(*unit);
    }
    let ranking = rank(owners.into_iter().zip(results.iter()));
    Ok(Evaluation { results, ranking })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The integer percentage is the decimal one, wherever the decimal one is exact enough to
    /// compare (quotients of small integers, as real sets give).
    #[test]
    fn percent_of_units_is_the_decimal_percentage() {
        for max in 1..=400i128 {
            for points in -450..=450i128 {
                let p = Decimal::from(points);
                let m = Decimal::from(max);
                assert_eq!(
                    percent_units(points, max),
                    percent(p, m),
                    "{points} / {max}"
                );
            }
        }
        assert_eq!(percent_units(5, 0), None);
        assert_eq!(percent_units(5, -3), None);
        // Halves go away from zero, and the result keeps two places.
        assert_eq!(percent_units(1, 8).unwrap().to_string(), "12.50");
        assert_eq!(percent_units(1, 80_000).unwrap().to_string(), "0.00");
        assert_eq!(percent_units(1, 20_000).unwrap().to_string(), "0.01");
        assert_eq!(percent_units(-1, 20_000).unwrap().to_string(), "-0.01");
        let big = 10i128.pow(34);
        assert_eq!(percent_units(big, big).unwrap().to_string(), "100.00");
        assert_eq!(percent_units(big * 100, big * 100), None);
    }
}
