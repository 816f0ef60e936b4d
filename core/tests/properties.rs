//! Property tests: random criteria sets, random command sequences from random actors, and the
//! invariants that must hold after every step.
//!
//! The points, group totals and classifications are checked against a reference computation
//! written here, independently of the core's scoring: a test-side model of the criteria set, the
//! scores the accepted commands chose, and a deliberately plain (and exact) evaluation.
//!
//! 256 cases by default; `PROPTEST_CASES=5000 cargo test -p chamdiem --test properties` runs more,
//! and `CHAMDIEM_PROPERTY_STATS=1` (with `--nocapture`) prints how far each case got and which
//! commands were accepted and refused, to keep an eye on what the generators reach.

use chamdiem::scoring::{GroupResult, Results, Totals, Track};
use chamdiem::workflow::{
    AttachEvidence, EvidenceInput, ExplanationInput, RemoveEvidence, ReviewInput, SaveExplanation,
    SaveReview, SaveSelf, ScoreInput, SelfInput,
};
use chamdiem::*;
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

// ---------------------------------------------------------------------------------------------
// The command table of docs/formats.md, kept here independently of the core.
// ---------------------------------------------------------------------------------------------

use CommandName as C;
use chamdiem::State::{
    Completed as CP, ExplanationRequested as ER, Reviewed as RV, SelfAssessed as SD,
    SelfAssessment as SA,
};

/// Every allowed (command, from, to) edge.
const EDGES: &[(CommandName, State, State)] = &[
    (C::SaveSelf, SA, SA),
    (C::AttachEvidence, SA, SA),
    (C::AttachEvidence, ER, ER),
    (C::RemoveEvidence, SA, SA),
    (C::RemoveEvidence, ER, ER),
    (C::Submit, SA, SD),
    (C::Withdraw, SD, SA),
    (C::SaveReview, SD, SD),
    (C::SaveReview, ER, ER),
    (C::RequestExplanation, SD, ER),
    (C::RequestExplanation, ER, ER),
    (C::SaveExplanation, ER, ER),
    (C::FinishExplanation, ER, ER),
    (C::FinishReview, SD, RV),
    (C::FinishReview, ER, RV),
    (C::ReleaseReview, SD, SD),
    (C::ReleaseReview, ER, ER),
    (C::ReleaseReview, RV, RV),
    (C::ReturnForRework, SD, SA),
    (C::ReturnForRework, ER, SA),
    (C::Reopen, RV, SD),
    (C::Archive, RV, CP),
    (C::Unlock, SA, SA),
    (C::Unlock, SD, SD),
    (C::Unlock, ER, ER),
];

/// The role that issues each command (the table's "role" column).
fn role_of(c: CommandName) -> Role {
    match c {
        C::SaveSelf
        | C::AttachEvidence
        | C::RemoveEvidence
        | C::Submit
        | C::Withdraw
        | C::SaveExplanation
        | C::FinishExplanation => Role::Unit,
        C::Unlock => Role::Admin,
        _ => Role::Reviewer,
    }
}

fn allowed_from(c: CommandName, s: State) -> bool {
    EDGES.iter().any(|&(n, f, _)| n == c && f == s)
}

/// The error codes a refused command may carry.
const COMMAND_ERROR_CODES: &[&str] = &[
    "wrong_state",
    "forbidden",
    "unknown_criterion",
    "unknown_case",
    "value_out_of_range",
    "guard_failed",
    "deadline_passed",
    "version_conflict",
    "invalid_input",
];

/// The missing-item codes of `guard_failed`.
const MISSING_CODES: &[&str] = &[
    "self_score",
    "evidence",
    "evidence_or_explanation",
    "report",
    "review_started",
    "review_score",
    "unsent_request",
    "no_request",
    "not_explained",
    "explanation_not_finished",
    "explanation_finished",
    "not_requested",
    "evidence_from_earlier_round",
    "reason",
    "deadline_in_past",
    "already_released",
];

// ---------------------------------------------------------------------------------------------
// A test-side model of a criteria set.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GKind {
    Standard,
    Bonus,
    Penalty,
}

/// A range as written: each end `(value, inclusive)`, `None` unbounded.
#[derive(Debug, Clone)]
struct MRange {
    lo: Option<(Decimal, bool)>,
    hi: Option<(Decimal, bool)>,
}

impl MRange {
    fn contains(&self, v: Decimal) -> bool {
        let lo = match self.lo {
            None => true,
            Some((b, incl)) => v > b || (incl && v == b),
        };
        let hi = match self.hi {
            None => true,
            Some((b, incl)) => v < b || (incl && v == b),
        };
        lo && hi
    }

    fn text(&self) -> String {
        let lo = match self.lo {
            None => "(".to_string(),
            Some((b, true)) => format!("[{b}"),
            Some((b, false)) => format!("({b}"),
        };
        let hi = match self.hi {
            None => ")".to_string(),
            Some((b, true)) => format!("{b}]"),
            Some((b, false)) => format!("{b})"),
        };
        format!("{lo}, {hi}")
    }
}

#[derive(Debug, Clone)]
struct MCase {
    code: String,
    label: String,
    points: Option<Decimal>,
    na: bool,
    range: Option<MRange>,
}

#[derive(Debug, Clone)]
enum MKind {
    Choice,
    Banded,
    Scaled { low: Decimal, high: Decimal },
}

#[derive(Debug, Clone)]
struct MCrit {
    code: String,
    title: String,
    guidance: String,
    kind: MKind,
    evidence: &'static str,
    max_points: Option<Decimal>,
    min_points: Option<Decimal>,
    /// The allowed values (valued criteria): (min, max, unit).
    value: Option<(Option<Decimal>, Option<Decimal>, String)>,
    cases: Vec<MCase>,
}

impl MCrit {
    fn valued(&self) -> bool {
        !matches!(self.kind, MKind::Choice)
    }

    fn value_ok(&self, v: Decimal) -> bool {
        match &self.value {
            None => true,
            Some((lo, hi, _)) => lo.is_none_or(|lo| v >= lo) && hi.is_none_or(|hi| v <= hi),
        }
    }

    /// The criterion's maximum: explicit, else its best scored case, else 0.
    fn max(&self) -> Decimal {
        self.max_points.unwrap_or_else(|| {
            self.cases
                .iter()
                .filter(|k| !k.na)
                .filter_map(|k| k.points)
                .max()
                .unwrap_or(Decimal::ZERO)
        })
    }

    /// The criterion's minimum: explicit, else its worst scored case (never above 0).
    fn min(&self) -> Decimal {
        self.min_points.unwrap_or_else(|| {
            self.cases
                .iter()
                .filter(|k| !k.na)
                .filter_map(|k| k.points)
                .min()
                .unwrap_or(Decimal::ZERO)
                .min(Decimal::ZERO)
        })
    }
}

#[derive(Debug, Clone)]
struct MGroup {
    code: String,
    title: String,
    description: String,
    kind: GKind,
    cap: Option<Decimal>,
    criteria: Vec<usize>,
    groups: Vec<usize>,
}

#[derive(Debug, Clone)]
struct MSet {
    id: String,
    revision: u32,
    name: String,
    description: String,
    precision: u32,
    explanation_instead_of_evidence: bool,
    bands: Vec<(String, Decimal)>,
    /// Pre-order.
    groups: Vec<MGroup>,
    roots: Vec<usize>,
    /// Reading order (a group's own criteria, then its subgroups').
    crits: Vec<MCrit>,
}

impl MSet {
    fn index_of(&self, code: &str) -> Option<usize> {
        self.crits.iter().position(|c| c.code == code)
    }

    /// The JSON document, written by hand from the model.
    fn to_json(&self) -> Value {
        fn dec(d: Decimal) -> Value {
            Value::String(d.to_string())
        }
        fn crit(c: &MCrit) -> Value {
            let mut o = json!({ "code": c.code, "title": c.title });
            if !c.guidance.is_empty() {
                o["guidance"] = json!(c.guidance);
            }
            o["kind"] = json!(match c.kind {
                MKind::Choice => "choice",
                MKind::Banded => "banded",
                MKind::Scaled { .. } => "scaled",
            });
            o["evidence"] = json!(c.evidence);
            if let Some(m) = c.max_points {
                o["max_points"] = dec(m);
            }
            if let Some(m) = c.min_points {
                o["min_points"] = dec(m);
            }
            if let Some((lo, hi, unit)) = &c.value {
                let mut v = json!({ "unit": unit });
                if let Some(lo) = lo {
                    v["min"] = dec(*lo);
                }
                if let Some(hi) = hi {
                    v["max"] = dec(*hi);
                }
                o["value"] = v;
            }
            if let MKind::Scaled { low, high } = c.kind {
                o["scale"] = json!({ "low": low.to_string(), "high": high.to_string() });
            }
            let cases: Vec<Value> = c
                .cases
                .iter()
                .map(|k| {
                    let mut v = json!({ "code": k.code, "label": k.label });
                    if let Some(p) = k.points {
                        v["points"] = dec(p);
                    }
                    if k.na {
                        v["not_applicable"] = json!(true);
                    }
                    if let Some(r) = &k.range {
                        v["range"] = json!(r.text());
                    }
                    v
                })
                .collect();
            o["cases"] = Value::Array(cases);
            o
        }
        fn group(set: &MSet, gi: usize) -> Value {
            let g = &set.groups[gi];
            let mut o = json!({ "code": g.code, "title": g.title });
            if !g.description.is_empty() {
                o["description"] = json!(g.description);
            }
            o["kind"] = json!(match g.kind {
                GKind::Standard => "standard",
                GKind::Bonus => "bonus",
                GKind::Penalty => "penalty",
            });
            if let Some(c) = g.cap {
                o["cap"] = dec(c);
            }
            o["criteria"] = g.criteria.iter().map(|&c| crit(&set.crits[c])).collect();
            o["groups"] = g.groups.iter().map(|&s| group(set, s)).collect();
            o
        }
        json!({
            "format": "chamdiem.criteria_set",
            "format_version": 1,
            "id": self.id,
            "revision": self.revision,
            "name": self.name,
            "description": self.description,
            "precision": self.precision,
            "explanation_instead_of_evidence": self.explanation_instead_of_evidence,
            "bands": self.bands.iter().map(|(l, p)| json!({"label": l, "min_percent": p.to_string()})).collect::<Vec<_>>(),
            "groups": self.roots.iter().map(|&g| group(self, g)).collect::<Vec<_>>(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The reference computation.
// ---------------------------------------------------------------------------------------------

/// `num / den` rounded half away from zero to `dp` places, computed exactly in integers.
fn div_round(num: Decimal, den: Decimal, dp: u32) -> Decimal {
    let (a, sa) = (num.mantissa(), num.scale());
    let (b, sb) = (den.mantissa(), den.scale());
    // num / den = (a / 10^sa) / (b / 10^sb) = a·10^sb / (b·10^sa); shifted by dp places.
    let x = a * 10i128.pow(sb + dp);
    let y = b * 10i128.pow(sa);
    let (q, r) = (x.abs() / y.abs(), x.abs() % y.abs());
    let q = if 2 * r >= y.abs() { q + 1 } else { q };
    let q = if (x < 0) != (y < 0) { -q } else { q };
    Decimal::from_i128_with_scale(q, dp)
}

/// What the set's rule gives for a score.
#[derive(Debug, Clone, PartialEq)]
struct RefScored {
    case: Option<String>,
    points: Decimal,
    na: bool,
}

/// Resolves a score by the set's rule, or says which error code refuses it.
fn ref_score(set: &MSet, ci: usize, s: &Score) -> Result<RefScored, &'static str> {
    let c = &set.crits[ci];
    match s {
        Score::Case(code) => {
            let k = c
                .cases
                .iter()
                .find(|k| &k.code == code)
                .ok_or("unknown_case")?;
            if c.valued() && !k.na {
                return Err("invalid_input");
            }
            Ok(RefScored {
                case: Some(k.code.clone()),
                points: k.points.unwrap_or(Decimal::ZERO),
                na: k.na,
            })
        }
        Score::Value(v) => {
            let v = *v;
            match c.kind {
                MKind::Choice => Err("invalid_input"),
                _ if !c.value_ok(v) => Err("value_out_of_range"),
                MKind::Banded => {
                    let k = c
                        .cases
                        .iter()
                        .find(|k| k.range.as_ref().is_some_and(|r| r.contains(v)))
                        .ok_or("value_out_of_range")?;
                    Ok(RefScored {
                        case: Some(k.code.clone()),
                        points: k.points.unwrap_or(Decimal::ZERO),
                        na: false,
                    })
                }
                MKind::Scaled { low, high } => {
                    let clamped = v.clamp(low.min(high), low.max(high));
                    let (min, max) = (c.min(), c.max());
                    // min + (clamped − low) / (high − low) × (max − min), over one denominator.
                    let num = (clamped - low) * (max - min) + min * (high - low);
                    Ok(RefScored {
                        case: None,
                        points: div_round(num, high - low, set.precision),
                        na: false,
                    })
                }
            }
        }
    }
}

/// A contribution to a group: points, maximum, and whether it counts at all.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RefAcc {
    points: Decimal,
    max: Decimal,
    applicable: bool,
}

fn crit_acc(set: &MSet, ci: usize, s: Option<&RefScored>) -> RefAcc {
    match s {
        Some(r) if r.na => RefAcc {
            points: Decimal::ZERO,
            max: Decimal::ZERO,
            applicable: false,
        },
        Some(r) => RefAcc {
            points: r.points,
            max: set.crits[ci].max(),
            applicable: true,
        },
        None => RefAcc {
            points: Decimal::ZERO,
            max: set.crits[ci].max(),
            applicable: true,
        },
    }
}

/// A group's points (capped), maximum and applicability, straight from its leaves.
fn group_acc(set: &MSet, gi: usize, leaves: &[RefAcc]) -> RefAcc {
    let g = &set.groups[gi];
    let mut acc = RefAcc {
        points: Decimal::ZERO,
        max: Decimal::ZERO,
        applicable: false,
    };
    for &ci in &g.criteria {
        let a = leaves[ci];
        acc.points += a.points;
        if a.applicable {
            acc.max += a.max;
            acc.applicable = true;
        }
    }
    for &si in &g.groups {
        let a = group_acc(set, si, leaves);
        acc.points += a.points;
        if a.applicable {
            acc.applicable = true;
            if set.groups[si].kind == GKind::Standard {
                acc.max += a.max;
            }
        }
    }
    match (g.kind, g.cap) {
        (GKind::Bonus, Some(cap)) => acc.points = acc.points.min(cap),
        (GKind::Penalty, Some(cap)) => acc.points = acc.points.max(-cap),
        _ => {}
    }
    acc
}

fn total_acc(set: &MSet, leaves: &[RefAcc]) -> RefAcc {
    let mut acc = RefAcc {
        points: Decimal::ZERO,
        max: Decimal::ZERO,
        applicable: false,
    };
    for &gi in &set.roots {
        let a = group_acc(set, gi, leaves);
        acc.points += a.points;
        if a.applicable {
            acc.applicable = true;
            if set.groups[gi].kind == GKind::Standard {
                acc.max += a.max;
            }
        }
    }
    acc
}

/// The track as results show it: bonus and penalty groups and inapplicable groups show no
/// maximum; the percentage is rounded to 2 places.
fn shown(acc: RefAcc, kind: GKind) -> (Decimal, Decimal, Option<Decimal>, bool) {
    let max = if kind != GKind::Standard || !acc.applicable {
        Decimal::ZERO
    } else {
        acc.max
    };
    let percent =
        (max > Decimal::ZERO).then(|| div_round(acc.points * Decimal::ONE_HUNDRED, max, 2));
    (acc.points, max, percent, acc.applicable)
}

fn ref_class(set: &MSet, points: Decimal, max: Decimal) -> Option<String> {
    if max <= Decimal::ZERO {
        return None;
    }
    // A 0% band is the "else" band: it takes every total, a negative one included.
    set.bands
        .iter()
        .find(|(_, t)| t.is_zero() || points * Decimal::ONE_HUNDRED >= *t * max)
        .map(|(l, _)| l.clone())
}

// ---------------------------------------------------------------------------------------------
// Generating criteria sets.
// ---------------------------------------------------------------------------------------------

const PALETTE: &[char] = &[
    'a', 'b', 'x', 'Đ', 'ư', 'ờ', 'ễ', ' ', '"', '\\', '\'', '#', '=', '[', ']', '{', '}', '\n',
    '\t', '\u{7f}', '\u{1}', '\u{85}', '😀', '.', ',', '中', '\r',
];

fn arb_text() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!['A', 'Đ', 'ư', 'z']),
        vec(prop::sample::select(PALETTE), 0..8),
    )
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect())
}

fn arb_dec(lo: i64, hi: i64, max_scale: u32) -> impl Strategy<Value = Decimal> {
    (lo..=hi, 0..=max_scale).prop_map(|(m, s)| Decimal::new(m, s))
}

#[derive(Debug, Clone)]
struct RawCrit {
    kind: u8,
    evidence: u8,
    points: Vec<Decimal>,
    na: bool,
    explicit_max: Option<Decimal>,
    explicit_min: Option<Decimal>,
    cuts: Vec<(u32, bool)>,
    ends: (u8, u8),
    reverse: bool,
    scale: (i64, i64, u32),
    scaled_max: Decimal,
    title: String,
    guidance: String,
}

fn arb_crit() -> impl Strategy<Value = RawCrit> {
    (
        (
            0u8..10,
            0u8..10,
            vec(arb_dec(-40, 60, 2), 1..4),
            prop::bool::weighted(0.3),
        ),
        (
            prop::option::weighted(0.2, arb_dec(0, 30, 1)),
            prop::option::weighted(0.2, arb_dec(0, 30, 1)),
        ),
        (
            vec((1u32..100, any::<bool>()), 0..4),
            (0u8..3, 0u8..3),
            any::<bool>(),
        ),
        ((-20i64..=20, -20i64..=20, 0u32..=1), arb_dec(0, 50, 1)),
        (arb_text(), prop::option::weighted(0.3, arb_text())),
    )
        .prop_map(
            |(
                (kind, evidence, points, na),
                (explicit_max, explicit_min),
                (cuts, ends, reverse),
                (scale, scaled_max),
                (title, guidance),
            )| RawCrit {
                kind,
                evidence,
                points,
                na,
                explicit_max,
                explicit_min,
                cuts,
                ends,
                reverse,
                scale,
                scaled_max,
                title,
                guidance: guidance.unwrap_or_default(),
            },
        )
}

#[derive(Debug, Clone)]
struct RawGroup {
    kind: u8,
    cap: Option<Decimal>,
    title: String,
    crits: Vec<RawCrit>,
    subs: Vec<RawGroup>,
}

fn arb_group() -> impl Strategy<Value = RawGroup> {
    let leaf = (
        0u8..10,
        prop::option::of(arb_dec(0, 50, 1)),
        arb_text(),
        vec(arb_crit(), 1..4),
    )
        .prop_map(|(kind, cap, title, crits)| RawGroup {
            kind,
            cap,
            title,
            crits,
            subs: Vec::new(),
        });
    leaf.prop_recursive(2, 6, 3, |inner| {
        (
            0u8..10,
            prop::option::of(arb_dec(0, 50, 1)),
            arb_text(),
            vec(arb_crit(), 0..3),
            vec(inner, 1..3),
        )
            .prop_map(|(kind, cap, title, crits, subs)| RawGroup {
                kind,
                cap,
                title,
                crits,
                subs,
            })
    })
}

#[derive(Debug, Clone)]
struct RawSet {
    groups: Vec<RawGroup>,
    code_style: u8,
    precision: u32,
    revision: u32,
    expl: bool,
    bands: Vec<u32>,
    name: String,
    description: Option<String>,
}

fn arb_set() -> impl Strategy<Value = MSet> {
    (
        vec(arb_group(), 1..3),
        0u8..3,
        0u32..=4,
        1u32..=3,
        any::<bool>(),
        vec(0u32..=1000, 0..5),
        arb_text(),
        prop::option::of(arb_text()),
    )
        .prop_map(
            |(groups, code_style, precision, revision, expl, bands, name, description)| {
                build_set(RawSet {
                    groups,
                    code_style,
                    precision,
                    revision,
                    expl,
                    bands,
                    name,
                    description,
                })
            },
        )
}

/// Zero, never a negative zero.
fn neg_abs(p: Decimal) -> Decimal {
    if p.is_zero() { Decimal::ZERO } else { -p.abs() }
}

fn build_set(raw: RawSet) -> MSet {
    let suffix = ["", " ư", "\"\\'#"][raw.code_style as usize];
    let mut set = MSet {
        id: format!("bộ-{}{suffix}", raw.revision),
        revision: raw.revision,
        name: raw.name,
        description: raw.description.unwrap_or_default(),
        precision: raw.precision,
        explanation_instead_of_evidence: raw.expl,
        bands: Vec::new(),
        groups: Vec::new(),
        roots: Vec::new(),
        crits: Vec::new(),
    };
    let labels = ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"];
    let mut thresholds = raw.bands.clone();
    thresholds.sort_unstable_by(|a, b| b.cmp(a));
    thresholds.dedup();
    for (i, t) in thresholds.into_iter().enumerate() {
        set.bands
            .push((labels[i].to_string(), Decimal::new(i64::from(t), 1)));
    }
    fn add(
        set: &mut MSet,
        g: &RawGroup,
        path: String,
        parent_kind: Option<GKind>,
        suffix: &str,
    ) -> usize {
        let kind = match parent_kind {
            Some(k @ (GKind::Bonus | GKind::Penalty)) => k,
            _ => match g.kind {
                0..=6 => GKind::Standard,
                7 | 8 => GKind::Bonus,
                _ => GKind::Penalty,
            },
        };
        let gi = set.groups.len();
        set.groups.push(MGroup {
            code: format!("{path}{suffix}"),
            title: g.title.clone(),
            description: String::new(),
            kind,
            cap: if kind == GKind::Standard { None } else { g.cap },
            criteria: Vec::new(),
            groups: Vec::new(),
        });
        for (k, rc) in g.crits.iter().enumerate() {
            let letter = (b'a' + k as u8) as char;
            let c = build_crit(rc, format!("{path}.{letter}{suffix}"), kind, suffix);
            set.groups[gi].criteria.push(set.crits.len());
            set.crits.push(c);
        }
        for (k, sub) in g.subs.iter().enumerate() {
            let si = add(set, sub, format!("{path}.{}", k + 1), Some(kind), suffix);
            set.groups[gi].groups.push(si);
        }
        gi
    }
    for (k, g) in raw.groups.iter().enumerate() {
        let gi = add(&mut set, g, format!("{}", k + 1), None, suffix);
        set.roots.push(gi);
    }
    if let Some(g) = set.groups.first_mut() {
        g.description = "Mô tả \"nhóm\"".into();
    }
    set
}

fn build_crit(r: &RawCrit, code: String, kind: GKind, suffix: &str) -> MCrit {
    let fix = |p: Decimal| match kind {
        GKind::Standard => p,
        GKind::Bonus => p.abs(),
        GKind::Penalty => neg_abs(p),
    };
    let evidence = match r.evidence {
        0 => "none",
        9 => "required",
        _ => "optional",
    };
    let case_code = |i: usize| format!("{}{suffix}", (b'a' + i as u8) as char);
    let na_case = MCase {
        code: format!("kad{suffix}"),
        label: "Không áp dụng".into(),
        points: None,
        na: true,
        range: None,
    };
    let mut c = MCrit {
        code,
        title: r.title.clone(),
        guidance: r.guidance.clone(),
        kind: MKind::Choice,
        evidence,
        max_points: None,
        min_points: None,
        value: None,
        cases: Vec::new(),
    };
    match r.kind {
        0..=5 => {
            for (i, &p) in r.points.iter().enumerate() {
                c.cases.push(MCase {
                    code: case_code(i),
                    label: format!("Trường hợp {i}"),
                    points: Some(fix(p)),
                    na: false,
                    range: None,
                });
            }
        }
        6 | 7 => {
            c.kind = MKind::Banded;
            let mut cuts: Vec<(u32, bool)> = Vec::new();
            for &(v, incl) in &r.cuts {
                if !cuts.iter().any(|&(w, _)| w == v) {
                    cuts.push((v, incl));
                }
            }
            cuts.sort_by_key(|&(v, _)| v);
            // The allowed values: 0 bounded and written; 1 bounded, range written open-ended
            // (clipped by the allowed values); 2 unbounded.
            let (lo_mode, hi_mode) = r.ends;
            let allowed_lo = (lo_mode < 2).then_some(Decimal::ZERO);
            let allowed_hi = (hi_mode < 2).then_some(Decimal::ONE_HUNDRED);
            c.value = Some((allowed_lo, allowed_hi, "%".into()));
            let n = cuts.len() + 1;
            let mut cases = Vec::with_capacity(n);
            for i in 0..n {
                let lo = if i == 0 {
                    (lo_mode == 0).then_some((Decimal::ZERO, true))
                } else {
                    let (v, incl_lower) = cuts[i - 1];
                    Some((Decimal::from(v), !incl_lower))
                };
                let hi = if i == n - 1 {
                    (hi_mode == 0).then_some((Decimal::ONE_HUNDRED, true))
                } else {
                    let (v, incl_lower) = cuts[i];
                    Some((Decimal::from(v), incl_lower))
                };
                cases.push(MCase {
                    code: case_code(i),
                    label: format!("Khoảng {i}"),
                    points: Some(fix(r.points[i % r.points.len()])),
                    na: false,
                    range: Some(MRange { lo, hi }),
                });
            }
            if r.reverse {
                cases.reverse();
            }
            c.cases = cases;
        }
        _ => {
            let (a, b, s) = r.scale;
            let b = if a == b { a + 1 } else { b };
            let (low, high) = (Decimal::new(a, s), Decimal::new(b, s));
            c.kind = MKind::Scaled { low, high };
            let top = if r.scaled_max.is_zero() {
                Decimal::ONE
            } else {
                r.scaled_max
            };
            match kind {
                GKind::Penalty => {
                    c.max_points = Some(Decimal::ZERO);
                    c.min_points = Some(-top);
                }
                GKind::Bonus => c.max_points = Some(top),
                GKind::Standard => {
                    c.max_points = Some(top);
                    c.min_points = r.explicit_min.map(neg_abs);
                }
            }
            let (lo, hi) = (low.min(high), low.max(high));
            c.value = match r.ends.0 {
                0 => Some((Some(lo), Some(hi), String::new())),
                1 => Some((
                    Some(lo - Decimal::TEN),
                    Some(hi + Decimal::TEN),
                    "điểm".into(),
                )),
                _ => None,
            };
        }
    }
    if !matches!(c.kind, MKind::Scaled { .. }) {
        let case_max = c.cases.iter().filter_map(|k| k.points).max().unwrap();
        let case_min = c.cases.iter().filter_map(|k| k.points).min().unwrap();
        if kind == GKind::Standard {
            c.max_points = r.explicit_max.map(|x| case_max + x);
        }
        if kind != GKind::Bonus {
            c.min_points = r.explicit_min.map(|x| case_min.min(Decimal::ZERO) - x);
        }
    }
    if r.na {
        c.cases.push(na_case);
    }
    c
}

// ---------------------------------------------------------------------------------------------
// Steps: who issues which command, with which payload, when.
// ---------------------------------------------------------------------------------------------

/// Random numbers consumed in order; past the end every draw is 0, and 0 always picks the most
/// ordinary choice, so shrinking leads to plain commands.
struct Tape<'a> {
    v: &'a [u32],
    i: usize,
}

impl Tape<'_> {
    fn next(&mut self) -> u32 {
        let x = self.v.get(self.i).copied().unwrap_or(0);
        self.i += 1;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n.max(1)
    }
    /// A percentile: `t.pct() < 80` is true 80% of the time (and when the tape is spent).
    fn pct(&mut self) -> usize {
        self.below(100)
    }
}

#[derive(Debug, Clone)]
struct Step {
    /// < 70: an actor of the command's role and scope; otherwise any actor.
    who: u8,
    /// < 30: the command that moves the dossier on; < 80: a command the table allows in the
    /// current state; otherwise any command.
    bias: u8,
    cmd: u32,
    tape: Vec<u32>,
}

fn arb_step() -> impl Strategy<Value = Step> {
    (0u8..100, 0u8..100, any::<u32>(), vec(any::<u32>(), 0..24)).prop_map(
        |(who, bias, cmd, tape)| Step {
            who,
            bias,
            cmd,
            tape,
        },
    )
}

const DAY: i64 = 86_400_000;

fn t0() -> Timestamp {
    Timestamp::parse("2026-03-01T00:00:00Z").unwrap()
}

fn actors() -> Vec<Actor> {
    vec![
        Actor::new("u1", Role::Unit, "U1"),
        Actor::new("u1b", Role::Unit, "U1"),
        Actor::new("u2", Role::Unit, "U2"),
        Actor::new("r1", Role::Reviewer, "P"),
        Actor::new("r1b", Role::Reviewer, "P"),
        Actor::new("rq", Role::Reviewer, "Q"),
        Actor::new("admin", Role::Admin, "P"),
        Actor::new("viewer", Role::Viewer, "U1"),
    ]
}

/// How often a command allowed in the current state is tried: the commands that move the
/// dossier on more often than the ones that send it back; in an explanation round, those of
/// the side whose turn it is.
fn weight(c: CommandName, d: &Dossier) -> usize {
    let base = match c {
        C::SaveSelf | C::SaveReview | C::Submit => 6,
        C::SaveExplanation
        | C::FinishExplanation
        | C::FinishReview
        | C::Archive
        | C::AttachEvidence => 4,
        C::RequestExplanation => 3,
        _ => 1,
    };
    if d.state() == State::ExplanationRequested
        && (role_of(c) == Role::Unit) == d.explanation_finished()
    {
        return 1;
    }
    base
}

/// Whether the actor may issue the command for this dossier (role and scope).
fn in_scope(actor: &Actor, name: CommandName) -> bool {
    let role = role_of(name);
    actor.role == role
        && match role {
            Role::Unit => actor.unit == "U1",
            Role::Reviewer => actor.unit == "P",
            _ => true,
        }
}

const TEXTS: &[&str] = &[
    "Đã thực hiện đầy đủ",
    "Chưa đầy đủ",
    "x",
    "Ý kiến \"trích dẫn\"\nDòng hai",
    "",
    "   ",
];

fn text(t: &mut Tape) -> String {
    if t.pct() < 99 {
        TEXTS[t.below(TEXTS.len() - 2)].to_string()
    } else {
        "ư".repeat(20_001)
    }
}

fn opt_text(t: &mut Tape) -> Option<String> {
    match t.pct() {
        0..50 => None,
        50..95 => Some(text(t)),
        _ => Some(TEXTS[4 + t.below(2)].to_string()),
    }
}

fn base_version(d: &Dossier, t: &mut Tape) -> Option<u64> {
    match t.pct() {
        0..55 => None,
        55..85 => Some(d.version()),
        85..96 => Some(d.version().saturating_sub(1 + t.below(3) as u64)),
        _ => Some(d.version() + 1),
    }
}

/// A value of a valued criterion: boundaries, values just beside them, thirds.
fn pick_value(c: &MCrit, t: &mut Tape) -> Decimal {
    let mut cands: Vec<Decimal> = Vec::new();
    let eps = Decimal::new(1, 3);
    match c.kind {
        MKind::Banded => {
            for k in &c.cases {
                if let Some(r) = &k.range {
                    for (b, _) in [r.lo, r.hi].into_iter().flatten() {
                        cands.extend([b, b - eps, b + eps]);
                    }
                }
            }
            cands.extend([
                Decimal::new(50, 0),
                Decimal::new(-1000, 0),
                Decimal::new(1000, 0),
            ]);
        }
        MKind::Scaled { low, high } => {
            let span = high - low;
            for k in 0..=8 {
                cands.push(low + span * Decimal::new(k, 0) / Decimal::new(8, 0));
            }
            cands.push(low + (span / Decimal::new(3, 0)).round_dp(4));
            cands.extend([
                low - Decimal::ONE,
                high + Decimal::ONE,
                low - eps,
                high + eps,
            ]);
            if let Some((lo, hi, _)) = &c.value {
                cands.extend(lo.iter().chain(hi.iter()).copied());
            }
        }
        MKind::Choice => cands.push(Decimal::ONE),
    }
    cands.retain(|&v| c.value_ok(v));
    if cands.is_empty() {
        return Decimal::ZERO;
    }
    cands[t.below(cands.len())]
}

/// (case, value, clear) of one entry: mostly valid, sometimes cleared, sometimes wrong.
fn score_fields(
    c: &MCrit,
    t: &mut Tape,
    valid_pct: usize,
) -> (Option<String>, Option<Decimal>, bool) {
    let r = t.pct();
    if r < valid_pct {
        let na: Vec<&MCase> = c.cases.iter().filter(|k| k.na).collect();
        if c.valued() {
            if !na.is_empty() && t.pct() < 10 {
                (Some(na[0].code.clone()), None, false)
            } else {
                (None, Some(pick_value(c, t)), false)
            }
        } else {
            (
                Some(c.cases[t.below(c.cases.len())].code.clone()),
                None,
                false,
            )
        }
    } else if r < valid_pct + 4 {
        (None, None, true)
    } else if r < valid_pct + 8 {
        (None, None, false)
    } else {
        let first = c.cases.first().map_or("a".to_string(), |k| k.code.clone());
        match t.below(5) {
            0 => (Some("không-có".into()), None, false),
            1 => (None, Some(Decimal::new(1_000_001, 0)), false),
            2 => (Some(first), None, false),
            3 => (None, Some(Decimal::new(5, 1)), false),
            _ => (Some(first), Some(Decimal::ONE), false),
        }
    }
}

fn pick_criterion(set: &MSet, t: &mut Tape, prefer: &[usize]) -> String {
    match t.pct() {
        0..85 if !prefer.is_empty() => set.crits[prefer[t.below(prefer.len())]].code.clone(),
        0..97 => set.crits[t.below(set.crits.len())].code.clone(),
        _ => "không-có".into(),
    }
}

/// The current round's criteria, by index.
fn round_criteria(set: &MSet, d: &Dossier) -> Vec<usize> {
    d.current_round()
        .map(|r| {
            r.requests
                .iter()
                .filter_map(|q| set.index_of(&q.criterion))
                .collect()
        })
        .unwrap_or_default()
}

fn build_command(
    name: CommandName,
    set: &MSet,
    d: &Dossier,
    now: Timestamp,
    t: &mut Tape,
    evidence_seq: &mut u32,
) -> Command {
    let n = set.crits.len();
    match name {
        C::SaveSelf => {
            let base_version = base_version(d, t);
            let mut entries = Vec::new();
            let all = t.pct() < 50;
            let picks: Vec<usize> = if all {
                (0..n).collect()
            } else {
                (0..1 + t.below(3)).map(|_| t.below(n)).collect()
            };
            let mut seen = HashSet::new();
            for ci in picks {
                let c = &set.crits[ci];
                if !seen.insert(ci) {
                    continue;
                }
                let (case, value, clear) = score_fields(c, t, if all { 99 } else { 85 });
                let opinion = if all && set.explanation_instead_of_evidence {
                    Some("Giải trình thay tài liệu".into())
                } else {
                    opt_text(t)
                };
                entries.push(SelfInput {
                    criterion: c.code.clone(),
                    case,
                    value,
                    clear,
                    opinion,
                });
            }
            if t.pct() >= 96 {
                entries.push(SelfInput {
                    criterion: "không-có".into(),
                    case: Some("a".into()),
                    ..Default::default()
                });
            }
            if t.pct() >= 96 && !entries.is_empty() {
                entries.push(entries[0].clone());
            }
            Command::SaveSelf(SaveSelf {
                base_version,
                entries,
            })
        }
        C::SaveReview => {
            let base_version = base_version(d, t);
            let all = t.pct() < 35;
            let picks: Vec<usize> = if all {
                (0..n).collect()
            } else {
                (0..1 + t.below(3)).map(|_| t.below(n)).collect()
            };
            let mut seen = HashSet::new();
            let mut entries = Vec::new();
            for ci in picks {
                if !seen.insert(ci) {
                    continue;
                }
                let c = &set.crits[ci];
                let (case, value, clear) = score_fields(c, t, if all { 99 } else { 85 });
                let (request_explanation, request_note) = if all {
                    (None, None)
                } else {
                    let flag = match t.pct() {
                        0..50 => None,
                        50..85 => Some(true),
                        _ => Some(false),
                    };
                    let note = match t.pct() {
                        0..60 if flag == Some(true) => Some("Bổ sung tài liệu".to_string()),
                        0..90 => None,
                        _ => Some("Ghi chú".into()),
                    };
                    (flag, note)
                };
                entries.push(ReviewInput {
                    criterion: c.code.clone(),
                    case,
                    value,
                    clear,
                    opinion: opt_text(t),
                    request_explanation,
                    request_note,
                });
            }
            if t.pct() >= 97 {
                entries.push(ReviewInput {
                    criterion: "không-có".into(),
                    case: Some("a".into()),
                    ..Default::default()
                });
            }
            Command::SaveReview(SaveReview {
                base_version,
                entries,
            })
        }
        C::SaveExplanation => {
            let base_version = base_version(d, t);
            let asked = round_criteria(set, d);
            let mut entries = Vec::new();
            let picks: Vec<usize> = if t.pct() < 50 && !asked.is_empty() {
                asked.clone()
            } else {
                let c = pick_criterion(set, t, &asked);
                match set.index_of(&c) {
                    Some(i) => vec![i],
                    None => {
                        entries.push(ExplanationInput {
                            criterion: c,
                            explanation: Some("x".into()),
                            ..Default::default()
                        });
                        Vec::new()
                    }
                }
            };
            for ci in picks {
                entries.push(ExplanationInput {
                    criterion: set.crits[ci].code.clone(),
                    explanation: match t.pct() {
                        0..80 => Some("Đã bổ sung".into()),
                        _ => opt_text(t),
                    },
                    opinion: if t.pct() < 80 { None } else { opt_text(t) },
                    explained: match t.pct() {
                        0..80 => Some(true),
                        80..90 => Some(false),
                        _ => None,
                    },
                });
            }
            Command::SaveExplanation(SaveExplanation {
                base_version,
                entries,
            })
        }
        C::AttachEvidence => {
            let prefer: Vec<usize> = if d.state() == State::ExplanationRequested {
                round_criteria(set, d)
            } else {
                (0..n)
                    .filter(|&i| {
                        set.crits[i].evidence == "required" && d.entries()[i].evidence.is_empty()
                    })
                    .collect()
            };
            let report_missing = d.requires_report() && d.report().is_empty();
            let criterion = if report_missing && prefer.is_empty() && t.pct() < 50 {
                None
            } else if t.pct() < 90 {
                Some(pick_criterion(set, t, &prefer))
            } else {
                None
            };
            *evidence_seq += 1;
            let existing: Vec<String> = all_evidence(d).into_iter().map(|(_, id)| id).collect();
            let id = match t.pct() {
                0..92 => format!("tệp-{evidence_seq}"),
                92..97 if !existing.is_empty() => existing[t.below(existing.len())].clone(),
                _ => " ".into(),
            };
            let r = t.pct();
            Command::AttachEvidence(AttachEvidence {
                criterion,
                evidence: EvidenceInput {
                    id,
                    file_name: if r == 99 {
                        "".into()
                    } else {
                        "Kế hoạch.pdf".into()
                    },
                    size: if r == 98 { 0 } else { 1 + t.next() as u64 },
                    media_type: if r == 97 {
                        "".into()
                    } else {
                        "application/pdf".into()
                    },
                    sha256: match r {
                        96 => "xyz".into(),
                        95 => "AB".repeat(32),
                        _ => "0123456789abcdef".repeat(4),
                    },
                },
            })
        }
        C::RemoveEvidence => {
            let all = all_evidence(d);
            match t.pct() {
                0..85 if !all.is_empty() => {
                    let (criterion, evidence_id) = all[t.below(all.len())].clone();
                    Command::RemoveEvidence(RemoveEvidence {
                        criterion,
                        evidence_id,
                    })
                }
                0..92 if !all.is_empty() => {
                    let (_, evidence_id) = all[t.below(all.len())].clone();
                    Command::RemoveEvidence(RemoveEvidence {
                        criterion: Some(pick_criterion(set, t, &[])),
                        evidence_id,
                    })
                }
                _ => Command::RemoveEvidence(RemoveEvidence {
                    criterion: Some(pick_criterion(set, t, &[])),
                    evidence_id: "không-có".into(),
                }),
            }
        }
        C::Submit => Command::Submit,
        C::Withdraw => Command::Withdraw,
        C::RequestExplanation => Command::RequestExplanation {
            deadline: match t.pct() {
                0..60 => Some(now.add_millis(15 * DAY)),
                60..80 => None,
                80..90 => Some(now),
                _ => Some(now.add_millis(-DAY)),
            },
        },
        C::FinishExplanation => Command::FinishExplanation,
        C::FinishReview => Command::FinishReview,
        C::ReleaseReview => Command::ReleaseReview,
        C::ReturnForRework => Command::ReturnForRework { reason: reason(t) },
        C::Reopen => Command::Reopen,
        C::Archive => Command::Archive,
        C::Unlock => Command::Unlock {
            reason: reason(t),
            deadline: match t.pct() {
                0..70 => now.add_millis(20 * DAY),
                70..80 => now,
                80..90 => now.add_millis(-DAY),
                _ => now.add_millis(1),
            },
        },
    }
}

fn reason(t: &mut Tape) -> String {
    match t.pct() {
        0..80 => "Thiếu tài liệu kiểm chứng".into(),
        80..90 => "   ".into(),
        90..99 => String::new(),
        _ => "ư".repeat(20_001),
    }
}

/// Every evidence file of the dossier: (criterion, id); `None` for the report.
fn all_evidence(d: &Dossier) -> Vec<(Option<String>, String)> {
    let mut out: Vec<(Option<String>, String)> =
        d.report().iter().map(|e| (None, e.id.clone())).collect();
    for e in d.entries() {
        for x in &e.evidence {
            out.push((Some(e.criterion.clone()), x.id.clone()));
        }
    }
    out
}

/// `now` around the deadline of the phase the dossier is in.
fn pick_now(d: &Dossier, t: &mut Tape) -> Timestamp {
    let base = d.unit_deadline().unwrap_or(t0().add_millis(10 * DAY));
    let offset = match t.pct() {
        0..62 => -10 * DAY,
        62..70 => -DAY,
        70..75 => -1,
        75..80 => 0,
        80..85 => 1,
        85..93 => DAY,
        _ => 20 * DAY,
    };
    base.add_millis(offset)
}

// ---------------------------------------------------------------------------------------------
// The model of what the accepted commands chose, and the invariants.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
struct Model {
    self_scores: Vec<Option<Score>>,
    review_scores: Vec<Option<Score>>,
    /// The review as it stood when the first explanation round was requested.
    first_review: Option<Vec<Option<Score>>>,
    released: bool,
    /// The JSON of the dossier once completed.
    completed: Option<String>,
}

fn apply_score(slot: &mut Option<Score>, input: ScoreInput) {
    match input {
        ScoreInput::Keep => {}
        ScoreInput::Clear => *slot = None,
        ScoreInput::Set(s) => *slot = Some(s),
    }
}

/// Checks one criterion's score as results report it against the reference.
fn check_scored(
    set: &MSet,
    ci: usize,
    got: &Option<Scored>,
    want: Option<&RefScored>,
    what: &str,
) -> Result<(), TestCaseError> {
    let code = &set.crits[ci].code;
    match (got, want) {
        (None, None) => {}
        (Some(g), Some(w)) => {
            prop_assert_eq!(g.points, w.points, "{} points of {}", what, code);
            prop_assert!(
                !(g.points.is_zero() && g.points.is_sign_negative()),
                "{} points of {} are a negative zero",
                what,
                code
            );
            prop_assert_eq!(g.not_applicable, w.na, "{} n/a of {}", what, code);
            prop_assert_eq!(&g.case, &w.case, "{} case of {}", what, code);
        }
        _ => prop_assert!(
            false,
            "{} of {}: results say {:?}, reference {:?}",
            what,
            code,
            got,
            want
        ),
    }
    Ok(())
}

fn check_track(
    got: Option<&Track>,
    want: Option<(Decimal, Decimal, Option<Decimal>, bool)>,
    what: &str,
) -> Result<(), TestCaseError> {
    match (got, want) {
        (None, None) => {}
        (Some(g), Some((points, max, percent, applicable))) => {
            prop_assert_eq!(g.points, points, "{} points", what);
            prop_assert_eq!(g.max, max, "{} max", what);
            prop_assert_eq!(g.percent, percent, "{} percent", what);
            prop_assert_eq!(g.applicable, applicable, "{} applicable", what);
        }
        _ => prop_assert!(false, "{}: results {:?}, reference {:?}", what, got, want),
    }
    Ok(())
}

/// Checks results against the reference: every criterion, every group, the total, the
/// classification, the unscored lists and the differences.
fn check_results(set: &MSet, m: &Model, r: &Results, visible: bool) -> Result<(), TestCaseError> {
    let n = set.crits.len();
    prop_assert_eq!(r.review_visible, visible);
    let resolve = |scores: &[Option<Score>]| -> Vec<Option<RefScored>> {
        scores
            .iter()
            .enumerate()
            .map(|(ci, s)| {
                s.as_ref()
                    .map(|s| ref_score(set, ci, s).expect("stored scores are valid"))
            })
            .collect()
    };
    let self_r = resolve(&m.self_scores);
    let review_r = if visible {
        resolve(&m.review_scores)
    } else {
        vec![None; n]
    };
    let first_r = match (&m.first_review, visible) {
        (Some(f), true) => Some(resolve(f)),
        _ => None,
    };
    let final_r: Vec<Option<RefScored>> = (0..n)
        .map(|ci| review_r[ci].clone().or_else(|| self_r[ci].clone()))
        .collect();

    prop_assert_eq!(r.criteria.len(), n);
    for (ci, cr) in r.criteria.iter().enumerate() {
        prop_assert_eq!(&cr.code, &set.crits[ci].code);
        prop_assert_eq!(cr.max, set.crits[ci].max(), "max of {}", cr.code);
        check_scored(set, ci, &cr.self_score, self_r[ci].as_ref(), "self")?;
        check_scored(set, ci, &cr.review, review_r[ci].as_ref(), "review")?;
        let first = first_r.as_ref().and_then(|f| f[ci].as_ref());
        check_scored(set, ci, &cr.first_review, first, "first review")?;
        check_scored(set, ci, &cr.final_score, final_r[ci].as_ref(), "final")?;
    }

    let leaves = |v: &[Option<RefScored>]| -> Vec<RefAcc> {
        (0..n).map(|ci| crit_acc(set, ci, v[ci].as_ref())).collect()
    };
    let tracks = [
        Some(leaves(&self_r)),
        first_r.as_ref().map(|f| leaves(f)),
        // The review track exists once the reviewer has scored something.
        review_r
            .iter()
            .any(Option::is_some)
            .then(|| leaves(&review_r)),
        Some(leaves(&final_r)),
    ];
    let check_totals = |t: &Totals, acc: &dyn Fn(&[RefAcc]) -> RefAcc, kind: GKind, what: &str| {
        let want = |i: usize| tracks[i].as_ref().map(|l| shown(acc(l), kind));
        check_track(Some(&t.self_track), want(0), &format!("{what} self"))?;
        check_track(
            t.first_review.as_ref(),
            want(1),
            &format!("{what} first review"),
        )?;
        check_track(t.review.as_ref(), want(2), &format!("{what} review"))?;
        check_track(Some(&t.final_track), want(3), &format!("{what} final"))
    };
    prop_assert_eq!(r.groups.len(), set.groups.len());
    for (gi, g) in r.groups.iter().enumerate() {
        let GroupResult { code, totals, .. } = g;
        prop_assert_eq!(code, &set.groups[gi].code);
        check_totals(
            totals,
            &|l| group_acc(set, gi, l),
            set.groups[gi].kind,
            &format!("group {code}"),
        )?;
    }
    check_totals(&r.total, &|l| total_acc(set, l), GKind::Standard, "total")?;

    let class = |i: usize| {
        tracks[i].as_ref().and_then(|l| {
            let (p, max, _, _) = shown(total_acc(set, l), GKind::Standard);
            ref_class(set, p, max)
        })
    };
    prop_assert_eq!(&r.classification.self_track, &class(0));
    prop_assert_eq!(&r.classification.first_review, &class(1));
    prop_assert_eq!(&r.classification.review, &class(2));
    prop_assert_eq!(&r.classification.final_track, &class(3));

    let unscored_self: Vec<String> = (0..n)
        .filter(|&ci| self_r[ci].is_none())
        .map(|ci| set.crits[ci].code.clone())
        .collect();
    prop_assert_eq!(&r.unscored.self_track, &unscored_self);
    let unscored_review: Vec<String> = (0..n)
        .filter(|&ci| visible && review_r[ci].is_none())
        .map(|ci| set.crits[ci].code.clone())
        .collect();
    prop_assert_eq!(&r.unscored.review, &unscored_review);
    let differences: Vec<(String, Decimal)> = (0..n)
        .filter_map(|ci| match (&self_r[ci], &review_r[ci]) {
            (Some(a), Some(b)) if a.points != b.points || a.na != b.na => {
                Some((set.crits[ci].code.clone(), b.points - a.points))
            }
            _ => None,
        })
        .collect();
    let got: Vec<(String, Decimal)> = r
        .differences
        .iter()
        .map(|d| (d.criterion.clone(), d.difference))
        .collect();
    prop_assert_eq!(got, differences);
    Ok(())
}

/// The invariants that hold after every step, accepted or refused.
fn check_dossier(
    set: &MSet,
    cs: &CriteriaSet,
    d: &Dossier,
    json: &str,
    m: &Model,
) -> Result<(), TestCaseError> {
    // The entries hold exactly what the accepted commands chose.
    prop_assert_eq!(d.entries().len(), set.crits.len());
    for (ci, e) in d.entries().iter().enumerate() {
        prop_assert_eq!(&e.criterion, &set.crits[ci].code);
        prop_assert_eq!(
            &e.self_score,
            &m.self_scores[ci],
            "self score of {}",
            e.criterion
        );
        prop_assert_eq!(
            &e.review_score,
            &m.review_scores[ci],
            "review score of {}",
            e.criterion
        );
        prop_assert!(
            e.version <= d.version(),
            "entry {} is at version {}, the dossier at {}",
            e.criterion,
            e.version,
            d.version()
        );
    }
    prop_assert_eq!(d.review_released(), m.released);

    // Versions: the history ends at the dossier's version and never goes back.
    let h = d.history();
    prop_assert_eq!(h.last().map(|e| e.version), Some(d.version()));
    prop_assert!(h.windows(2).all(|w| w[0].version <= w[1].version));
    prop_assert!(h.windows(2).all(|w| w[0].to == w[1].from));
    prop_assert_eq!(h.last().map(|e| e.to), Some(d.state()));

    // Results against the reference.
    let r = results(cs, d).map_err(|e| TestCaseError::fail(format!("results: {e}")))?;
    check_results(set, m, &r, true)?;
    // Without the per-criterion list, everything else is the same.
    let lean = results_with(cs, d, ResultsOptions { criteria: false })
        .map_err(|e| TestCaseError::fail(format!("results_with: {e}")))?;
    prop_assert!(lean.criteria.is_empty());
    let mut full = r.clone();
    full.criteria.clear();
    prop_assert_eq!(lean.to_json(), full.to_json());

    // Replay and the JSON form reproduce the dossier exactly.
    let replayed = Dossier::replay(h.iter().cloned())
        .map_err(|e| TestCaseError::fail(format!("replay: {e}")))?;
    prop_assert_eq!(&replayed, d);
    let back = Dossier::from_json(json).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    prop_assert_eq!(&back, d);
    prop_assert_eq!(back.to_json(), json);

    // Views. Reviewers and admins see the whole dossier; before the release, the assessed unit
    // and viewers see no review, and their results are checked against the reference.
    let mut hidden: Option<Dossier> = None;
    for actor in &actors() {
        if actor.user.ends_with('b') {
            continue; // a second member of the same unit sees the same
        }
        let v = view(d, actor);
        let direct = visible_results(cs, d, actor);
        let foreign = (actor.role == Role::Unit && actor.unit != "U1")
            || (actor.role == Role::Reviewer && actor.unit != "P");
        if foreign {
            prop_assert_eq!(v.map(|_| ()).unwrap_err().code(), "forbidden");
            prop_assert_eq!(direct.map(|_| ()).unwrap_err().code(), "forbidden");
            continue;
        }
        let v = v.map_err(|e| TestCaseError::fail(format!("view: {e}")))?;
        // The results without the view are the view's results.
        let direct = direct.map_err(|e| TestCaseError::fail(format!("visible_results: {e}")))?;
        let via_view = v
            .results(cs)
            .map_err(|e| TestCaseError::fail(format!("view results: {e}")))?;
        prop_assert_eq!(&direct, &via_view);
        let full = matches!(actor.role, Role::Reviewer | Role::Admin) || m.released;
        prop_assert_eq!(v.review_visible, full);
        if full {
            prop_assert_eq!(&v.dossier, d);
            continue;
        }
        if let Some(h) = &hidden {
            prop_assert_eq!(&v.dossier, h);
            continue;
        }
        // The unit's view never holds review scores before release.
        for e in v.dossier.entries() {
            prop_assert!(e.review_score.is_none(), "review score visible");
            prop_assert!(e.review_opinion.is_empty(), "review opinion visible");
            prop_assert!(
                e.request.as_ref().is_none_or(|r| r.round.is_some()),
                "pending flag visible"
            );
        }
        for round in v.dossier.rounds() {
            prop_assert!(round.review.is_empty(), "frozen review visible");
        }
        for e in v.dossier.history() {
            prop_assert!(
                !matches!(e.change, Change::ReviewSaved { .. }),
                "review event visible"
            );
        }
        let vr = v
            .results(cs)
            .map_err(|e| TestCaseError::fail(format!("view results: {e}")))?;
        check_results(set, m, &vr, false)?;
        hidden = Some(v.dossier);
    }
    Ok(())
}

struct Run {
    set: MSet,
    cs: CriteriaSet,
    d: Dossier,
    m: Model,
    /// The JSON of `d`, as of the last check.
    json: String,
    evidence_seq: u32,
    stats: Stats,
}

#[derive(Default)]
struct Stats {
    accepted: BTreeMap<&'static str, u32>,
    refused: BTreeMap<(&'static str, &'static str), u32>,
    max_state: Option<State>,
}

impl Run {
    fn new(set: MSet, requires_report: bool, deadline: bool) -> Result<Run, TestCaseError> {
        let text = set.to_json().to_string();
        let cs = CriteriaSet::from_json(&text)
            .map_err(|e| TestCaseError::fail(format!("generated set refused: {e}\n{text}")))?;
        let admin = Actor::new("admin", Role::Admin, "P");
        let d = Dossier::open(
            OpenDossier {
                id: "2026/U1".into(),
                period: "2026".into(),
                unit: "U1".into(),
                assessing_unit: "P".into(),
                self_deadline: deadline.then(|| t0().add_millis(30 * DAY)),
                requires_report,
            },
            &cs,
            &admin,
            t0(),
        )
        .map_err(|e| TestCaseError::fail(format!("open: {e}")))?;
        let n = set.crits.len();
        let m = Model {
            self_scores: vec![None; n],
            review_scores: vec![None; n],
            ..Model::default()
        };
        let json = d.to_json();
        check_dossier(&set, &cs, &d, &json, &m)?;
        Ok(Run {
            set,
            cs,
            d,
            m,
            json,
            evidence_seq: 0,
            stats: Stats::default(),
        })
    }

    /// The command that moves the dossier on, issued by the right actor: what a unit and a
    /// province working through the manual would do next.
    fn guided(&mut self, step: &Step) -> (Actor, Command, Timestamp) {
        let (set, d) = (&self.set, &self.d);
        let unit = Actor::new("u1", Role::Unit, "U1");
        let reviewer = Actor::new("r1", Role::Reviewer, "P");
        let mut zero = Tape { v: &[], i: 0 };
        let now = pick_now(d, &mut zero);
        let mut build = |name: CommandName| {
            let mut zero = Tape { v: &[], i: 0 };
            build_command(name, set, d, now, &mut zero, &mut self.evidence_seq)
        };
        let flag = |ci: usize| {
            Command::SaveReview(SaveReview {
                base_version: None,
                entries: vec![ReviewInput {
                    criterion: set.crits[ci].code.clone(),
                    request_explanation: Some(true),
                    request_note: Some("Đề nghị giải trình".into()),
                    ..Default::default()
                }],
            })
        };
        let n = set.crits.len();
        let pick = step.cmd as usize;
        let pending = d
            .entries()
            .iter()
            .any(|e| e.request.as_ref().is_some_and(|r| r.round.is_none()));
        let (actor, cmd) = match d.state() {
            State::SelfAssessment => {
                let entries = d.entries();
                let cmd = if entries.iter().any(|e| e.self_score.is_none()) {
                    build(C::SaveSelf)
                } else if (0..n)
                    .any(|i| set.crits[i].evidence == "required" && entries[i].evidence.is_empty())
                    || (d.requires_report() && d.report().is_empty())
                {
                    build(C::AttachEvidence)
                } else {
                    Command::Submit
                };
                (unit, cmd)
            }
            State::SelfAssessed => {
                let cmd = if d.entries().iter().any(|e| e.review_score.is_none()) {
                    build(C::SaveReview)
                } else if pending {
                    build(C::RequestExplanation)
                } else if d.rounds().len() < 2 && pick.is_multiple_of(2) {
                    flag(pick / 2 % n)
                } else {
                    Command::FinishReview
                };
                (reviewer, cmd)
            }
            State::ExplanationRequested if !d.explanation_finished() => {
                let asked = round_criteria(set, d);
                let cmd = if asked.iter().any(|&ci| !d.entries()[ci].explained) {
                    build(C::SaveExplanation)
                } else {
                    Command::FinishExplanation
                };
                (unit, cmd)
            }
            State::ExplanationRequested => {
                let cmd = if pending {
                    build(C::RequestExplanation)
                } else if pick.is_multiple_of(3) {
                    let mut t = Tape {
                        v: &step.tape,
                        i: 0,
                    };
                    let ci = pick / 3 % n;
                    let (case, value, clear) = score_fields(&set.crits[ci], &mut t, 100);
                    Command::SaveReview(SaveReview {
                        base_version: Some(d.version()),
                        entries: vec![ReviewInput {
                            criterion: set.crits[ci].code.clone(),
                            case,
                            value,
                            clear,
                            ..Default::default()
                        }],
                    })
                } else if pick % 3 == 1 && d.rounds().len() < 3 {
                    flag(pick / 3 % n)
                } else {
                    Command::FinishReview
                };
                (reviewer, cmd)
            }
            State::Reviewed if pick.is_multiple_of(5) => (reviewer, Command::Reopen),
            _ => (reviewer, Command::Archive),
        };
        (actor, cmd, now)
    }

    fn step(&mut self, step: &Step) -> Result<(), TestCaseError> {
        if step.bias < 30 {
            let (actor, cmd, now) = self.guided(step);
            return self.execute(&actor, &cmd, now);
        }
        let mut t = Tape {
            v: &step.tape,
            i: 0,
        };
        let state = self.d.state();
        let name = if step.bias < 80 {
            // A command the table allows now, weighted towards moving the dossier on.
            let weighted: Vec<(CommandName, usize)> = CommandName::ALL
                .into_iter()
                .filter(|&c| allowed_from(c, state))
                .map(|c| (c, weight(c, &self.d)))
                .collect();
            let total: usize = weighted.iter().map(|&(_, w)| w).sum();
            let mut pick = step.cmd as usize % total.max(1);
            let mut chosen = CommandName::ALL[step.cmd as usize % 15];
            for (c, w) in weighted {
                if pick < w {
                    chosen = c;
                    break;
                }
                pick -= w;
            }
            chosen
        } else {
            CommandName::ALL[step.cmd as usize % 15]
        };
        let all = actors();
        let actor = if step.who < 70 {
            match role_of(name) {
                Role::Unit => all[usize::from(step.who % 4 == 3)].clone(),
                Role::Reviewer => all[3 + usize::from(step.who % 4 == 3)].clone(),
                _ => all[6].clone(),
            }
        } else {
            all[step.who as usize % all.len()].clone()
        };
        let now = pick_now(&self.d, &mut t);
        let cmd = build_command(
            name,
            &self.set,
            &self.d,
            now,
            &mut t,
            &mut self.evidence_seq,
        );
        self.execute(&actor, &cmd, now)
    }

    fn execute(
        &mut self,
        actor: &Actor,
        cmd: &Command,
        now: Timestamp,
    ) -> Result<(), TestCaseError> {
        let name = cmd.name();
        let before = self.d.clone();
        let before_json = std::mem::take(&mut self.json);

        // The command's JSON form reads back equal.
        let back = Command::from_json(&cmd.to_json())
            .map_err(|e| TestCaseError::fail(format!("command JSON: {e}")))?;
        prop_assert_eq!(&back, cmd);

        let actions = available_actions(&self.cs, &before, actor, now);
        let outcome = self.d.execute(&self.cs, actor, cmd, now);
        let after_json = self.d.to_json();
        let action = actions.iter().find(|a| a.command == name);
        let probe = matches!(
            cmd,
            Command::Submit
                | Command::Withdraw
                | Command::RequestExplanation { deadline: None }
                | Command::FinishExplanation
                | Command::FinishReview
                | Command::ReleaseReview
                | Command::Reopen
                | Command::Archive
        );
        match &outcome {
            Err(e) => {
                *self
                    .stats
                    .refused
                    .entry((name.as_str(), e.code()))
                    .or_default() += 1;
                // Refused: nothing changed, and the error is a documented one.
                prop_assert_eq!(
                    &after_json,
                    &before_json,
                    "a refused {} changed the dossier",
                    name
                );
                prop_assert!(
                    COMMAND_ERROR_CODES.contains(&e.code()),
                    "undocumented error code {}",
                    e.code()
                );
                let body = e.to_json();
                prop_assert_eq!(body["code"].as_str(), Some(e.code()));
                prop_assert!(body["message"].as_str().is_some_and(|s| !s.is_empty()));
                if e.code() == "guard_failed" {
                    prop_assert!(!e.missing().is_empty());
                    for m in e.missing() {
                        prop_assert!(MISSING_CODES.contains(&m.code.as_str()));
                    }
                }
                if !in_scope(actor, name) {
                    prop_assert_eq!(e.code(), "forbidden", "{:?} issuing {}", actor, name);
                } else if !allowed_from(name, before.state()) {
                    prop_assert_eq!(e.code(), "wrong_state", "{} in {}", name, before.state());
                }
                if matches!(
                    e.code(),
                    "unknown_case" | "value_out_of_range" | "unknown_criterion"
                ) {
                    prop_assert!(
                        self.input_refusal(cmd, e.code()),
                        "{} refused with {} but the reference finds every input valid: {}",
                        name,
                        e.code(),
                        e
                    );
                }
                if let Some(a) = action {
                    if probe {
                        prop_assert!(!a.allowed, "available_actions allows a refused {}", name);
                    }
                    if let Some(reason) = &a.reason {
                        // What the actions list foresaw without the input must come first.
                        prop_assert_eq!(
                            reason.code(),
                            e.code(),
                            "{} refused for another reason",
                            name
                        );
                    }
                }
                if before.state() == State::Completed {
                    prop_assert!(matches!(e.code(), "wrong_state" | "forbidden"));
                }
            }
            Ok(events) => {
                let after = &self.d;
                prop_assert!(in_scope(actor, name), "{:?} may not issue {}", actor, name);
                prop_assert!(
                    EDGES.contains(&(name, before.state(), after.state())),
                    "{} moved the dossier {} → {}, not an edge of the table",
                    name,
                    before.state(),
                    after.state()
                );
                if let Some(a) = action {
                    prop_assert!(a.allowed, "available_actions refuses an accepted {}", name);
                }
                if role_of(name) == Role::Unit
                    && let Some(dl) = before.unit_deadline()
                {
                    prop_assert!(now <= dl, "{} accepted after the deadline", name);
                }
                if events.is_empty() {
                    prop_assert_eq!(
                        &after_json,
                        &before_json,
                        "an empty {} changed the dossier",
                        name
                    );
                } else {
                    prop_assert_eq!(after.version(), before.version() + 1);
                    for e in events {
                        prop_assert_eq!(e.version, after.version());
                        prop_assert_eq!(e.from, before.state());
                        prop_assert_eq!(e.to, after.state());
                        prop_assert_eq!(e.at, now);
                        prop_assert_eq!(&e.actor, actor);
                        let back = Event::from_json(&e.to_json())
                            .map_err(|x| TestCaseError::fail(format!("event JSON: {x}")))?;
                        prop_assert_eq!(&back, e);
                    }
                    prop_assert_eq!(after.history().len(), before.history().len() + events.len());
                }
                self.check_accepted(&before, actor, cmd)?;
                self.update_model(cmd);
                *self.stats.accepted.entry(name.as_str()).or_default() += 1;
            }
        }
        if let Some(frozen) = &self.m.completed {
            prop_assert_eq!(&after_json, frozen, "a completed dossier changed");
        }
        if self.d.state() == State::Completed && self.m.completed.is_none() {
            self.m.completed = Some(after_json.clone());
        }
        self.stats.max_state = self.stats.max_state.max(Some(self.d.state()));
        // An unchanged dossier was checked after the step that made it.
        if after_json != before_json {
            check_dossier(&self.set, &self.cs, &self.d, &after_json, &self.m)?;
        }
        self.json = after_json;
        Ok(())
    }

    /// Whether some input of a save is invalid by the reference with this code.
    fn input_refusal(&self, cmd: &Command, code: &str) -> bool {
        let inputs: Vec<(String, Result<ScoreInput, Error>)> = match cmd {
            Command::SaveSelf(s) => s
                .entries
                .iter()
                .map(|e| (e.criterion.clone(), e.score()))
                .collect(),
            Command::SaveReview(s) => s
                .entries
                .iter()
                .map(|e| (e.criterion.clone(), e.score()))
                .collect(),
            Command::SaveExplanation(s) => s
                .entries
                .iter()
                .map(|e| (e.criterion.clone(), Ok(ScoreInput::Keep)))
                .collect(),
            Command::AttachEvidence(a) => a
                .criterion
                .iter()
                .map(|c| (c.clone(), Ok(ScoreInput::Keep)))
                .collect(),
            Command::RemoveEvidence(a) => a
                .criterion
                .iter()
                .map(|c| (c.clone(), Ok(ScoreInput::Keep)))
                .collect(),
            _ => Vec::new(),
        };
        inputs
            .iter()
            .any(|(criterion, input)| match self.set.index_of(criterion) {
                None => code == "unknown_criterion",
                Some(ci) => match input {
                    Ok(ScoreInput::Set(s)) => ref_score(&self.set, ci, s).err() == Some(code),
                    _ => false,
                },
            })
    }

    /// What an accepted command must have satisfied.
    fn check_accepted(
        &self,
        before: &Dossier,
        actor: &Actor,
        cmd: &Command,
    ) -> Result<(), TestCaseError> {
        let set = &self.set;
        let valid =
            |criterion: &str, input: Result<ScoreInput, Error>| -> Result<(), TestCaseError> {
                let ci = set.index_of(criterion);
                prop_assert!(ci.is_some(), "unknown criterion {} accepted", criterion);
                if let Ok(ScoreInput::Set(s)) = input {
                    let r = ref_score(set, ci.unwrap(), &s);
                    prop_assert!(
                        r.is_ok(),
                        "{:?} accepted for {}; the reference says {:?}",
                        s,
                        criterion,
                        r
                    );
                }
                Ok(())
            };
        // A save that changes an entry is based on a version at or after the entry's last
        // change by someone else.
        let no_conflict = |base: Option<u64>, criterion: &str| -> Result<(), TestCaseError> {
            if let (Some(b), Some(e)) = (base, before.entry(criterion))
                && e.version > b
            {
                prop_assert_eq!(
                    e.changed_by.as_deref(),
                    Some(actor.user.as_str()),
                    "{} saved over another's change",
                    criterion
                );
            }
            Ok(())
        };
        let changed: HashSet<String> = self
            .d
            .history()
            .iter()
            .filter(|e| e.version == self.d.version() && self.d.version() > before.version())
            .filter_map(|e| e.change.criterion().map(str::to_owned))
            .collect();
        match cmd {
            Command::SaveSelf(s) => {
                for e in &s.entries {
                    valid(&e.criterion, e.score())?;
                    if changed.contains(&e.criterion) {
                        no_conflict(s.base_version, &e.criterion)?;
                    }
                }
            }
            Command::SaveReview(s) => {
                for e in &s.entries {
                    valid(&e.criterion, e.score())?;
                    if changed.contains(&e.criterion) {
                        no_conflict(s.base_version, &e.criterion)?;
                    }
                }
            }
            Command::SaveExplanation(s) => {
                let asked = round_criteria(set, before);
                for e in &s.entries {
                    let ci = set.index_of(&e.criterion);
                    prop_assert!(
                        ci.is_some_and(|ci| asked.contains(&ci)),
                        "explanation on {} not asked about",
                        e.criterion
                    );
                    if changed.contains(&e.criterion) {
                        no_conflict(s.base_version, &e.criterion)?;
                    }
                }
                prop_assert!(!before.explanation_finished());
            }
            Command::Submit => {
                prop_assert!(
                    self.m.self_scores.iter().all(Option::is_some),
                    "submitted with unscored criteria"
                );
                prop_assert!(!before.requires_report() || !before.report().is_empty());
            }
            Command::Withdraw => prop_assert!(!before.review_started()),
            Command::FinishReview => {
                prop_assert!(
                    self.m.review_scores.iter().all(Option::is_some),
                    "finished with unreviewed criteria"
                );
                prop_assert!(
                    before
                        .entries()
                        .iter()
                        .all(|e| e.request.as_ref().is_none_or(|r| r.round.is_some()))
                );
                if before.state() == State::ExplanationRequested {
                    prop_assert!(before.explanation_finished());
                }
            }
            Command::RequestExplanation { .. } => {
                prop_assert!(
                    before
                        .entries()
                        .iter()
                        .any(|e| e.request.as_ref().is_some_and(|r| r.round.is_none()))
                );
                if before.state() == State::ExplanationRequested {
                    prop_assert!(before.explanation_finished());
                }
            }
            Command::FinishExplanation => {
                let asked = round_criteria(set, before);
                prop_assert!(asked.iter().all(|&ci| before.entries()[ci].explained));
            }
            Command::ReleaseReview => prop_assert!(!before.review_released()),
            Command::ReturnForRework { reason } | Command::Unlock { reason, .. } => {
                prop_assert!(!reason.trim().is_empty());
            }
            _ => {}
        }
        Ok(())
    }

    fn update_model(&mut self, cmd: &Command) {
        let idx = |c: &str| self.set.index_of(c).expect("accepted criteria exist");
        match cmd {
            Command::SaveSelf(s) => {
                for e in &s.entries {
                    let ci = idx(&e.criterion);
                    apply_score(&mut self.m.self_scores[ci], e.score().unwrap());
                }
            }
            Command::SaveReview(s) => {
                for e in &s.entries {
                    let ci = idx(&e.criterion);
                    apply_score(&mut self.m.review_scores[ci], e.score().unwrap());
                }
            }
            Command::RequestExplanation { .. } if self.m.first_review.is_none() => {
                self.m.first_review = Some(self.m.review_scores.clone());
            }
            Command::FinishReview | Command::ReleaseReview => self.m.released = true,
            _ => {}
        }
    }

    /// Once completed, every command of every actor is refused and changes nothing.
    fn hammer_completed(&mut self) -> Result<(), TestCaseError> {
        if self.d.state() != State::Completed {
            return Ok(());
        }
        let tapes: [&[u32]; 3] = [&[], &[1, 2, 3, 4, 5, 6, 7, 8, 9], &[99, 98, 97, 96, 95]];
        let frozen = self.d.clone();
        for name in CommandName::ALL {
            for actor in actors() {
                for tape in tapes {
                    let mut t = Tape { v: tape, i: 0 };
                    let now = pick_now(&self.d, &mut t);
                    let cmd = build_command(
                        name,
                        &self.set,
                        &self.d,
                        now,
                        &mut t,
                        &mut self.evidence_seq,
                    );
                    let r = self.d.execute(&self.cs, &actor, &cmd, now);
                    prop_assert!(
                        r.is_err(),
                        "{} by {:?} accepted on a completed dossier",
                        name,
                        actor
                    );
                    prop_assert!(matches!(r.unwrap_err().code(), "wrong_state" | "forbidden"));
                    prop_assert_eq!(&self.d, &frozen);
                }
            }
        }
        prop_assert_eq!(&self.d.to_json(), &self.json);
        Ok(())
    }
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// A criteria set written to the compact form and to JSON reads back equal to itself, and
    /// indexes groups and criteria in the order of the model.
    #[test]
    fn criteria_sets_round_trip(set in arb_set()) {
        let text = set.to_json().to_string();
        let cs = CriteriaSet::from_json(&text)
            .map_err(|e| TestCaseError::fail(format!("generated set refused: {e}\n{text}")))?;
        let codes: Vec<String> = set.crits.iter().map(|c| c.code.clone()).collect();
        prop_assert_eq!(cs.criterion_codes(), codes);
        let groups: Vec<&str> = cs.groups().iter().map(|g| g.code.as_str()).collect();
        let want: Vec<&str> = set.groups.iter().map(|g| g.code.as_str()).collect();
        prop_assert_eq!(groups, want);
        for (i, node) in cs.criteria().iter().enumerate() {
            prop_assert_eq!(node.max, set.crits[i].max(), "max of {}", node.criterion.code);
            prop_assert_eq!(node.min, set.crits[i].min(), "min of {}", node.criterion.code);
        }

        let compact = cs.to_compact();
        let again = CriteriaSet::from_compact(&compact)
            .map_err(|e| TestCaseError::fail(format!("compact form refused: {e}\n{compact}")))?;
        prop_assert_eq!(&again, &cs);
        prop_assert_eq!(again.to_json(), cs.to_json());
        prop_assert_eq!(again.to_compact(), compact.clone());

        let json = cs.to_json();
        let again = CriteriaSet::from_json(&json)
            .map_err(|e| TestCaseError::fail(format!("JSON form refused: {e}")))?;
        prop_assert_eq!(&again, &cs);
        prop_assert_eq!(again.to_json(), json.clone());
        let pretty = CriteriaSet::from_json(&cs.to_json_pretty())
            .map_err(|e| TestCaseError::fail(format!("pretty JSON refused: {e}")))?;
        prop_assert_eq!(&pretty, &cs);
        let parsed = CriteriaSet::parse(&compact)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(&parsed, &cs);
    }

    /// Random command sequences from random actors keep every invariant after every step.
    #[test]
    fn workflow_invariants(
        set in arb_set(),
        steps in vec(arb_step(), 1..=40),
        requires_report in prop::bool::weighted(0.2),
        deadline in prop::bool::weighted(0.85),
    ) {
        let mut run = Run::new(set, requires_report, deadline)?;
        for step in &steps {
            run.step(step)?;
        }
        run.hammer_completed()?;
        if std::env::var_os("CHAMDIEM_PROPERTY_STATS").is_some() {
            eprintln!(
                "{:?} {} steps, accepted {:?}, refused {:?}",
                run.stats.max_state,
                steps.len(),
                run.stats.accepted,
                run.stats.refused
            );
        }
    }
}
