//! Criteria sets (bộ chỉ tiêu): groups, criteria, evaluation cases, classification bands.
//!
//! A criteria set is read from its JSON document ([`CriteriaSet::from_json`]) or from the compact
//! TOML form ([`CriteriaSet::from_compact`]), validated, and then immutable. Dossiers refer to it
//! by id and revision.

mod compact;
mod interval;
mod validate;

pub use interval::{Bound, Interval};

use crate::decimal::{serde_opt, serde_str};
use crate::error::{Error, Result};
use crate::format::{CriteriaSetFormat, Tag, Version};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The JSON document of a criteria set, exactly as written. [`CriteriaSet`] is its validated,
/// indexed form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriteriaSetDoc {
    /// Always `"chamdiem.criteria_set"`.
    pub format: Tag<CriteriaSetFormat>,
    /// The format version (1).
    pub format_version: Version<CriteriaSetFormat>,
    /// Stable id (`iso-so-2026`).
    pub id: String,
    /// Revision of this id: a changed set gets a new revision; dossiers keep theirs.
    #[serde(default = "one")]
    pub revision: u32,
    /// Display name.
    pub name: String,
    /// Optional longer description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Decimal places scaled values are rounded to (default 2).
    #[serde(default = "two")]
    pub precision: u32,
    /// Whether an explanation (the unit's opinion) may stand in for required evidence.
    #[serde(default)]
    pub explanation_instead_of_evidence: bool,
    /// Classification bands, highest threshold first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<Band>,
    /// The top-level criteria groups.
    pub groups: Vec<Group>,
}

fn one() -> u32 {
    1
}
fn two() -> u32 {
    2
}

/// A classification band: totals at or above `min_percent` of the maximum get `label`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The classification (`Xuất sắc`, `Tốt`, `Khá`, `Trung bình`, `Yếu`).
    pub label: String,
    /// The lowest percentage (0–100) that earns this band.
    #[serde(with = "serde_str")]
    pub min_percent: Decimal,
}

/// How a group's points count towards its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Points add up and the group's maximum adds to its parent's maximum.
    #[default]
    Standard,
    /// Bonus points (điểm thưởng): add to the total, never more than the cap, nothing to the maximum.
    Bonus,
    /// Deductions (điểm trừ): negative points, never more than the cap taken away, nothing to the maximum.
    Penalty,
}

impl GroupKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Standard => "standard",
            GroupKind::Bonus => "bonus",
            GroupKind::Penalty => "penalty",
        }
    }
}

/// A criteria group (nhóm chỉ tiêu): criteria and nested groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Code, unique in the set among groups and criteria (`1`, `2.3`).
    pub code: String,
    /// Title.
    pub title: String,
    /// Optional description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Standard, bonus or penalty.
    #[serde(default, skip_serializing_if = "is_standard")]
    pub kind: GroupKind,
    /// For bonus and penalty groups: the most the group adds or takes away (a positive number).
    #[serde(default, with = "serde_opt", skip_serializing_if = "Option::is_none")]
    pub cap: Option<Decimal>,
    /// Criteria directly in this group, in display order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<Criterion>,
    /// Nested groups, shown after this group's own criteria.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
}

fn is_standard(k: &GroupKind) -> bool {
    *k == GroupKind::Standard
}

/// How a criterion is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    /// Pick an evaluation case from the list (the manual's drop-down).
    #[default]
    Choice,
    /// Enter a measured value; the case whose range holds it is chosen.
    Banded,
    /// Enter a measured value; points are the value scaled into the criterion's bounds.
    Scaled,
}

impl CriterionKind {
    /// Whether the criterion takes a measured value rather than a chosen case.
    pub fn is_valued(self) -> bool {
        !matches!(self, CriterionKind::Choice)
    }
}

/// Whether a criterion needs evidence (tài liệu kiểm chứng) before the dossier can be submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceRule {
    /// No evidence is expected.
    None,
    /// Evidence may be attached.
    #[default]
    Optional,
    /// Evidence must be attached (or, where the set allows, an explanation given instead).
    Required,
}

/// The measured value a valued criterion takes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueSpec {
    /// The unit of the value, for display (`%`, `ngày`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// The smallest value accepted.
    #[serde(default, with = "serde_opt", skip_serializing_if = "Option::is_none")]
    pub min: Option<Decimal>,
    /// The largest value accepted.
    #[serde(default, with = "serde_opt", skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
}

/// The linear scale of a scaled criterion: a value at `low` earns the criterion's minimum points,
/// a value at `high` its maximum (`low` may exceed `high` when lower is better).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// The value that earns the minimum points.
    #[serde(with = "serde_str")]
    pub low: Decimal,
    /// The value that earns the maximum points.
    #[serde(with = "serde_str")]
    pub high: Decimal,
}

/// An evaluation case (trường hợp đánh giá): a label and the points it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Code, unique within the criterion (`a`, `b`, `kad`).
    pub code: String,
    /// Label shown in the drop-down.
    pub label: String,
    /// Points; required unless the case is not applicable. May be negative (a deduction).
    #[serde(default, with = "serde_opt", skip_serializing_if = "Option::is_none")]
    pub points: Option<Decimal>,
    /// Not applicable (không áp dụng): the criterion counts 0 and leaves the maximum.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_applicable: bool,
    /// For banded criteria: the values this case covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<Interval>,
}

impl Case {
    /// The case's points (0 for a not-applicable case).
    pub fn points(&self) -> Decimal {
        self.points.unwrap_or(Decimal::ZERO)
    }
}

/// A criterion (chỉ tiêu): what is scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Code, unique in the set (`2.3.a`).
    pub code: String,
    /// Title.
    pub title: String,
    /// Guidance for the unit: what to provide, how it is scored.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub guidance: String,
    /// Choice, banded or scaled.
    #[serde(default, skip_serializing_if = "is_choice")]
    pub kind: CriterionKind,
    /// Whether evidence is required.
    #[serde(default, skip_serializing_if = "is_optional")]
    pub evidence: EvidenceRule,
    /// The most points the criterion gives; derived from the cases when absent.
    #[serde(default, with = "serde_opt", skip_serializing_if = "Option::is_none")]
    pub max_points: Option<Decimal>,
    /// The fewest points (negative for deductions); derived from the cases when absent.
    #[serde(default, with = "serde_opt", skip_serializing_if = "Option::is_none")]
    pub min_points: Option<Decimal>,
    /// For valued criteria: the value's unit and allowed range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ValueSpec>,
    /// For scaled criteria: the scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// Evaluation cases. Scaled criteria may list only not-applicable cases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<Case>,
}

fn is_choice(k: &CriterionKind) -> bool {
    *k == CriterionKind::Choice
}
fn is_optional(k: &EvidenceRule) -> bool {
    *k == EvidenceRule::Optional
}

impl Criterion {
    /// The case with this code.
    pub fn case(&self, code: &str) -> Option<&Case> {
        self.cases.iter().find(|c| c.code == code)
    }

    /// The allowed range of measured values (unbounded where the set says nothing).
    pub fn value_range(&self) -> Interval {
        let v = self.value.as_ref();
        Interval::closed(v.and_then(|v| v.min), v.and_then(|v| v.max))
    }
}

/// A group of a [`CriteriaSet`], flattened: its place in the tree and its children by index.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupNode {
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Standard, bonus or penalty.
    pub kind: GroupKind,
    /// Cap of a bonus or penalty group.
    pub cap: Option<Decimal>,
    /// Index of the parent group in [`CriteriaSet::groups`]; `None` at the top level.
    pub parent: Option<usize>,
    /// 0 for top-level groups.
    pub depth: usize,
    /// Indexes of the nested groups in [`CriteriaSet::groups`].
    pub groups: Vec<usize>,
    /// Indexes of the group's own criteria in [`CriteriaSet::criteria`].
    pub criteria: Vec<usize>,
    /// Indexes of every criterion in this group and below: a contiguous range.
    pub all_criteria: std::ops::Range<usize>,
}

/// A criterion of a [`CriteriaSet`] with its place in the tree and its derived bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionNode {
    /// The criterion as written.
    pub criterion: Criterion,
    /// Index of its group in [`CriteriaSet::groups`].
    pub group: usize,
    /// Its maximum points (explicit, or the best case).
    pub max: Decimal,
    /// Its minimum points (explicit, or the worst case, never above 0).
    pub min: Decimal,
}

/// A validated, immutable criteria set, indexed for fast lookup and scoring.
///
/// Groups are listed in pre-order (a group, then its subgroups); criteria in the order a reader
/// meets them (a group's own criteria, then those of its subgroups), so every group's criteria
/// form one contiguous range of [`CriteriaSet::criteria`].
#[derive(Debug, Clone)]
pub struct CriteriaSet {
    id: String,
    revision: u32,
    name: String,
    description: String,
    precision: u32,
    explanation_instead_of_evidence: bool,
    bands: Vec<Band>,
    groups: Vec<GroupNode>,
    roots: Vec<usize>,
    criteria: Vec<CriterionNode>,
    criterion_index: HashMap<String, usize>,
    group_index: HashMap<String, usize>,
    fixed: Fixed,
}

/// Every point value of a set as an integer count of `10^-scale` units, so that scoring adds
/// integers: exact, and much cheaper than adding decimals.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fixed {
    /// The decimal places of the units: the most any point value, bound, cap or the set's
    /// precision uses.
    pub(crate) scale: u32,
    /// Per criterion (in [`CriteriaSet::criteria`] order): its maximum and each case's points.
    pub(crate) criteria: Vec<FixedCriterion>,
    /// Per group (in [`CriteriaSet::groups`] order): its cap.
    pub(crate) caps: Vec<Option<i128>>,
}

/// One criterion's points in units.
#[derive(Debug, Clone, Default)]
pub(crate) struct FixedCriterion {
    pub(crate) max: i128,
    pub(crate) cases: Vec<i128>,
}

/// The largest magnitude of one point value in units: sums of up to a billion of them, and
/// their percentages, stay inside `i128`.
const UNITS_LIMIT: i128 = 10i128.pow(28);

/// `d` as a count of `10^-scale` units, if it has at most `scale` places and its count is at
/// most `10^28` in magnitude.
pub(crate) fn to_units(d: Decimal, scale: u32) -> Option<i128> {
    let s = d.scale();
    if s > scale {
        return None;
    }
    let units = d.mantissa().checked_mul(10i128.checked_pow(scale - s)?)?;
    (units.abs() <= UNITS_LIMIT).then_some(units)
}

impl Fixed {
    fn of(set: &CriteriaSet) -> Result<Fixed> {
        let mut scale = set.precision;
        for n in &set.criteria {
            scale = scale.max(n.max.scale()).max(n.min.scale());
            for k in &n.criterion.cases {
                scale = scale.max(k.points().scale());
            }
        }
        for g in &set.groups {
            if let Some(c) = g.cap {
                scale = scale.max(c.scale());
            }
        }
        let too_big = |code: &str| {
            Error::invalid_set(
                Some(code),
                "",
                format!(
                    "the points of `{code}` have too many digits to be added exactly: with the \
                     decimal places the set uses ({scale}), no value may exceed 28 digits"
                ),
            )
        };
        let mut criteria = Vec::with_capacity(set.criteria.len());
        for n in &set.criteria {
            let code = n.criterion.code.as_str();
            let max = to_units(n.max, scale).ok_or_else(|| too_big(code))?;
            to_units(n.min, scale).ok_or_else(|| too_big(code))?;
            let cases = n
                .criterion
                .cases
                .iter()
                .map(|k| to_units(k.points(), scale).ok_or_else(|| too_big(code)))
                .collect::<Result<Vec<_>>>()?;
            criteria.push(FixedCriterion { max, cases });
        }
        let caps = set
            .groups
            .iter()
            .map(|g| {
                g.cap
                    .map(|c| to_units(c, scale).ok_or_else(|| too_big(&g.code)))
                    .transpose()
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Fixed {
            scale,
            criteria,
            caps,
        })
    }
}

impl PartialEq for CriteriaSet {
    fn eq(&self, other: &Self) -> bool {
        self.to_doc() == other.to_doc()
    }
}

impl CriteriaSet {
    /// Validates a document and indexes it.
    pub fn from_doc(doc: CriteriaSetDoc) -> Result<Self> {
        validate::validate(&doc)?;
        let mut set = Self::index(doc);
        set.fixed = Fixed::of(&set)?;
        Ok(set)
    }

    /// Reads and validates the JSON form.
    pub fn from_json(text: &str) -> Result<Self> {
        let value: serde_json::Value =
            crate::error::from_json_str(text).map_err(|e| as_set_error(e, None))?;
        Self::from_json_value(value)
    }

    /// Reads and validates a JSON value.
    pub fn from_json_value(value: serde_json::Value) -> Result<Self> {
        let doc: CriteriaSetDoc = crate::error::from_json_value(value.clone())
            .map_err(|e| as_set_error(e, Some(&value)))?;
        Self::from_doc(doc)
    }

    /// Reads and validates the compact TOML form (see `docs/formats.md`).
    pub fn from_compact(text: &str) -> Result<Self> {
        compact::parse(text)
    }

    /// Reads either form: JSON when the text starts with `{`, the compact form otherwise.
    pub fn parse(text: &str) -> Result<Self> {
        if text.trim_start().starts_with('{') {
            Self::from_json(text)
        } else {
            Self::from_compact(text)
        }
    }

    /// The JSON document.
    pub fn to_doc(&self) -> CriteriaSetDoc {
        fn build(set: &CriteriaSet, g: usize) -> Group {
            let n = &set.groups[g];
            Group {
                code: n.code.clone(),
                title: n.title.clone(),
                description: n.description.clone(),
                kind: n.kind,
                cap: n.cap,
                criteria: n
                    .criteria
                    .iter()
                    .map(|&c| set.criteria[c].criterion.clone())
                    .collect(),
                groups: n.groups.iter().map(|&s| build(set, s)).collect(),
            }
        }
        CriteriaSetDoc {
            format: Tag::default(),
            format_version: Version::default(),
            id: self.id.clone(),
            revision: self.revision,
            name: self.name.clone(),
            description: self.description.clone(),
            precision: self.precision,
            explanation_instead_of_evidence: self.explanation_instead_of_evidence,
            bands: self.bands.clone(),
            groups: self.roots.iter().map(|&g| build(self, g)).collect(),
        }
    }

    /// The JSON form, compact.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_doc()).expect("a criteria set always serializes")
    }

    /// The JSON form, indented for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.to_doc()).expect("a criteria set always serializes")
    }

    /// The compact TOML form; [`CriteriaSet::from_compact`] reads it back equal.
    pub fn to_compact(&self) -> String {
        compact::write(self)
    }

    fn index(doc: CriteriaSetDoc) -> Self {
        let mut set = CriteriaSet {
            id: doc.id,
            revision: doc.revision,
            name: doc.name,
            description: doc.description,
            precision: doc.precision,
            explanation_instead_of_evidence: doc.explanation_instead_of_evidence,
            bands: doc.bands,
            groups: Vec::new(),
            roots: Vec::new(),
            criteria: Vec::new(),
            criterion_index: HashMap::new(),
            group_index: HashMap::new(),
            fixed: Fixed::default(),
        };
        fn add(set: &mut CriteriaSet, g: Group, parent: Option<usize>, depth: usize) -> usize {
            let gi = set.groups.len();
            let first = set.criteria.len();
            set.group_index.insert(g.code.clone(), gi);
            set.groups.push(GroupNode {
                code: g.code,
                title: g.title,
                description: g.description,
                kind: g.kind,
                cap: g.cap,
                parent,
                depth,
                groups: Vec::new(),
                criteria: Vec::new(),
                all_criteria: first..first,
            });
            for c in g.criteria {
                let ci = set.criteria.len();
                let (min, max) = validate::bounds(&c);
                set.criterion_index.insert(c.code.clone(), ci);
                set.criteria.push(CriterionNode {
                    criterion: c,
                    group: gi,
                    max,
                    min,
                });
                set.groups[gi].criteria.push(ci);
            }
            for sub in g.groups {
                let si = add(set, sub, Some(gi), depth + 1);
                set.groups[gi].groups.push(si);
            }
            set.groups[gi].all_criteria = first..set.criteria.len();
            gi
        }
        for g in doc.groups {
            let gi = add(&mut set, g, None, 0);
            set.roots.push(gi);
        }
        set
    }

    pub(crate) fn fixed(&self) -> &Fixed {
        &self.fixed
    }

    /// Stable id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Revision.
    pub fn revision(&self) -> u32 {
        self.revision
    }
    /// Display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Description.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// Decimal places scaled values are rounded to.
    pub fn precision(&self) -> u32 {
        self.precision
    }
    /// Whether an explanation may stand in for required evidence.
    pub fn explanation_instead_of_evidence(&self) -> bool {
        self.explanation_instead_of_evidence
    }
    /// Classification bands, highest first.
    pub fn bands(&self) -> &[Band] {
        &self.bands
    }
    /// Every group, in pre-order.
    pub fn groups(&self) -> &[GroupNode] {
        &self.groups
    }
    /// Indexes of the top-level groups.
    pub fn roots(&self) -> &[usize] {
        &self.roots
    }
    /// Every criterion, in reading order.
    pub fn criteria(&self) -> &[CriterionNode] {
        &self.criteria
    }
    /// The criterion with this code.
    pub fn criterion(&self, code: &str) -> Option<&CriterionNode> {
        self.criterion_index.get(code).map(|&i| &self.criteria[i])
    }
    /// The index of the criterion with this code.
    pub fn criterion_position(&self, code: &str) -> Option<usize> {
        self.criterion_index.get(code).copied()
    }
    /// The group with this code.
    pub fn group(&self, code: &str) -> Option<&GroupNode> {
        self.group_index.get(code).map(|&i| &self.groups[i])
    }
    /// The index of the group with this code.
    pub fn group_position(&self, code: &str) -> Option<usize> {
        self.group_index.get(code).copied()
    }
    /// The codes of every criterion, in reading order.
    pub fn criterion_codes(&self) -> Vec<String> {
        self.criteria
            .iter()
            .map(|c| c.criterion.code.clone())
            .collect()
    }

    /// The classification of `points` out of `max`: the first band whose threshold is met,
    /// compared exactly as `points × 100 ≥ threshold × max`. A band whose threshold is 0 is the
    /// "else" band: it also takes totals below zero (more deductions than points).
    pub fn classify(&self, points: Decimal, max: Decimal) -> Option<&str> {
        if max <= Decimal::ZERO {
            return None;
        }
        let hundred = Decimal::ONE_HUNDRED;
        self.bands
            .iter()
            .find(|b| b.min_percent.is_zero() || points * hundred >= b.min_percent * max)
            .map(|b| b.label.as_str())
    }
}

impl Serialize for CriteriaSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_doc().serialize(s)
    }
}

impl<'de> Deserialize<'de> for CriteriaSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let doc = CriteriaSetDoc::deserialize(d)?;
        CriteriaSet::from_doc(doc).map_err(serde::de::Error::custom)
    }
}

/// Malformed set documents are reported as `invalid_criteria_set`, with the JSON path and the
/// code of the group or criterion the path runs through.
pub(crate) fn as_set_error(e: Error, doc: Option<&serde_json::Value>) -> Error {
    match e {
        Error::InvalidInput { path, message } => Error::InvalidCriteriaSet {
            offending_code: doc.and_then(|d| code_at_path(d, &path)),
            path,
            message,
        },
        other => other,
    }
}

/// The `code` of the deepest group or criterion a path like `groups[0].criteria[2].cases[1]`
/// passes through (`group[1]` and `criterion[3]` for the compact form).
pub(crate) fn code_at_path(doc: &serde_json::Value, path: &str) -> Option<String> {
    let mut node = doc;
    let mut found = None;
    for seg in path.split('.') {
        let (key, index) = match seg.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        node = node.get(key)?;
        if let Some(i) = index {
            node = node.get(i)?;
            if matches!(key, "groups" | "criteria" | "group" | "criterion")
                && let Some(c) = node.get("code").and_then(|c| c.as_str())
            {
                found = Some(c.to_owned());
            }
        }
    }
    found
}
