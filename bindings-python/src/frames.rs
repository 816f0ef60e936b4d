//! Columns for pandas DataFrames, built in one pass over the core's results. The frame itself
//! is made by `chamdiem/_frames.py` (pandas is optional).

use chamdiem::Decimal;
use chamdiem::scoring::{Results, Track};
use chamdiem::workflow::Change;
use chamdiem::{Event, Scored};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use rust_decimal::prelude::ToPrimitive;

/// One column's values.
pub(crate) enum Col {
    Str(Vec<Option<String>>),
    Num(Vec<Option<Decimal>>),
    Int(Vec<i64>),
    Bool(Vec<bool>),
    /// Milliseconds since the epoch (UTC).
    Time(Vec<i64>),
}

/// Named columns, in order. Every row pushes the same columns in the same order, so a push
/// goes to the column at the row's cursor.
#[derive(Default)]
pub(crate) struct Columns {
    cols: Vec<(&'static str, Col)>,
    pos: usize,
}

impl Columns {
    fn row(&mut self) {
        self.pos = 0;
    }
    fn col(&mut self, name: &'static str, make: fn() -> Col) -> &mut Col {
        let i = self.pos;
        self.pos += 1;
        if i == self.cols.len() {
            self.cols.push((name, make()));
        }
        debug_assert_eq!(self.cols[i].0, name);
        &mut self.cols[i].1
    }
    fn s(&mut self, name: &'static str, v: Option<&str>) {
        if let Col::Str(c) = self.col(name, || Col::Str(Vec::new())) {
            c.push(v.map(str::to_owned));
        }
    }
    fn n(&mut self, name: &'static str, v: Option<Decimal>) {
        if let Col::Num(c) = self.col(name, || Col::Num(Vec::new())) {
            c.push(v);
        }
    }
    fn i(&mut self, name: &'static str, v: i64) {
        if let Col::Int(c) = self.col(name, || Col::Int(Vec::new())) {
            c.push(v);
        }
    }
    fn b(&mut self, name: &'static str, v: bool) {
        if let Col::Bool(c) = self.col(name, || Col::Bool(Vec::new())) {
            c.push(v);
        }
    }
    fn t(&mut self, name: &'static str, v: i64) {
        if let Col::Time(c) = self.col(name, || Col::Time(Vec::new())) {
            c.push(v);
        }
    }
}

/// Column names per track: points, max, percent, case, value, not applicable.
const TRACK_COLS: [[&str; 6]; 4] = [
    [
        "self_points",
        "self_max",
        "self_percent",
        "self_case",
        "self_value",
        "self_not_applicable",
    ],
    [
        "first_review_points",
        "first_review_max",
        "first_review_percent",
        "first_review_case",
        "first_review_value",
        "first_review_not_applicable",
    ],
    [
        "review_points",
        "review_max",
        "review_percent",
        "review_case",
        "review_value",
        "review_not_applicable",
    ],
    [
        "final_points",
        "final_max",
        "final_percent",
        "final_case",
        "final_value",
        "final_not_applicable",
    ],
];

fn tracks(t: &chamdiem::scoring::Totals) -> [Option<&Track>; 4] {
    [
        Some(&t.self_track),
        t.first_review.as_ref(),
        t.review.as_ref(),
        Some(&t.final_track),
    ]
}

fn head(c: &mut Columns, r: &Results) {
    c.row();
    c.s("dossier", Some(&r.dossier));
    c.s("unit", Some(&r.unit));
    c.s("period", Some(&r.period));
    c.s("criteria_set", Some(&r.criteria_set.id));
    c.i("revision", i64::from(r.criteria_set.revision));
}

fn track_cols(c: &mut Columns, t: &chamdiem::scoring::Totals) {
    for (names, tr) in TRACK_COLS.iter().zip(tracks(t)) {
        c.n(names[0], tr.map(|x| x.points));
        c.n(names[1], tr.map(|x| x.max));
        c.n(names[2], tr.and_then(|x| x.percent));
    }
}

/// Which rows a results frame has.
#[derive(Clone, Copy)]
pub(crate) enum Level {
    Total,
    Groups,
    Criteria,
}

impl Level {
    pub(crate) fn parse(s: &str) -> PyResult<Level> {
        match s {
            "total" => Ok(Level::Total),
            "groups" => Ok(Level::Groups),
            "criteria" => Ok(Level::Criteria),
            other => Err(pyo3::exceptions::PyValueError::new_err(format!(
                "level must be \"total\", \"groups\" or \"criteria\", not {other:?}"
            ))),
        }
    }
}

/// The columns of many results at one level.
pub(crate) fn results_columns<'a>(
    all: impl IntoIterator<Item = &'a Results>,
    level: Level,
) -> Columns {
    let mut c = Columns::default();
    for r in all {
        match level {
            Level::Total => {
                head(&mut c, r);
                c.s("state", Some(r.state.as_str()));
                track_cols(&mut c, &r.total);
                let cl = &r.classification;
                c.s("self_classification", cl.self_track.as_deref());
                c.s("first_review_classification", cl.first_review.as_deref());
                c.s("review_classification", cl.review.as_deref());
                c.s("final_classification", cl.final_track.as_deref());
            }
            Level::Groups => {
                for g in &r.groups {
                    head(&mut c, r);
                    c.s("group", Some(&g.code));
                    c.s("title", Some(&g.title));
                    c.s("parent", g.parent.as_deref());
                    c.i("depth", g.depth as i64);
                    c.s("kind", Some(g.kind.as_str()));
                    track_cols(&mut c, &g.totals);
                }
            }
            Level::Criteria => {
                for k in &r.criteria {
                    head(&mut c, r);
                    c.s("criterion", Some(&k.code));
                    c.s("group", Some(&k.group));
                    c.n("max", Some(k.max));
                    let scores: [&Option<Scored>; 4] =
                        [&k.self_score, &k.first_review, &k.review, &k.final_score];
                    for (names, s) in TRACK_COLS.iter().zip(scores) {
                        c.s(names[3], s.as_ref().and_then(|s| s.case.as_deref()));
                        c.n(names[4], s.as_ref().and_then(|s| s.value));
                        c.n(names[0], s.as_ref().map(|s| s.points));
                        c.b(names[5], s.as_ref().is_some_and(|s| s.not_applicable));
                    }
                    c.b("explanation_requested", k.explanation_requested);
                }
            }
        }
    }
    c
}

/// The columns of a ranking.
pub(crate) fn ranking_columns(r: &chamdiem::Ranking) -> Columns {
    let mut c = Columns::default();
    for t in &r.tables {
        for row in &t.rows {
            c.row();
            c.s("criteria_set", Some(&t.criteria_set.id));
            c.i("revision", i64::from(t.criteria_set.revision));
            c.i("rank", i64::from(row.rank));
            c.s("unit", Some(&row.unit));
            c.s("unit_code", Some(&row.unit_code));
            c.s("unit_name", Some(&row.unit_name));
            c.s("dossier", Some(&row.dossier));
            c.s("state", Some(row.state.as_str()));
            c.n("points", Some(row.points));
            c.n("max", Some(row.max));
            c.n("percent", row.percent);
            c.s("classification", row.classification.as_deref());
            c.n("self_points", Some(row.self_points));
            c.n("review_points", row.review);
        }
    }
    c
}

/// The columns of a history.
pub(crate) fn history_columns(events: &[Event]) -> Columns {
    let mut c = Columns::default();
    for e in events {
        c.row();
        c.i("version", e.version as i64);
        c.t("at", e.at.as_millis());
        c.s("user", Some(&e.actor.user));
        c.s("role", Some(e.actor.role.as_str()));
        c.s("actor_unit", Some(&e.actor.unit));
        c.s("from_state", Some(e.from.as_str()));
        c.s("to_state", Some(e.to.as_str()));
        c.s("type", Some(e.change.type_name()));
        c.s("criterion", e.change.criterion());
        let score = match &e.change {
            Change::SelfSaved { score, .. } | Change::ReviewSaved { score, .. } => score.as_ref(),
            _ => None,
        };
        let old = score.and_then(|s| s.old.as_ref());
        let new = score.and_then(|s| s.new.as_ref());
        c.s("old_case", old.and_then(|s| s.case.as_deref()));
        c.s("new_case", new.and_then(|s| s.case.as_deref()));
        c.n("old_points", old.map(|s| s.points));
        c.n("new_points", new.map(|s| s.points));
        let reason = match &e.change {
            Change::ReturnedForRework { reason } | Change::Unlocked { reason, .. } => {
                Some(reason.as_str())
            }
            _ => None,
        };
        c.s("reason", reason);
    }
    c
}

/// Makes a DataFrame: decimals as float64 columns, or as `decimal.Decimal` objects with
/// `exact=True`.
pub(crate) fn to_frame<'py>(
    py: Python<'py>,
    cols: Columns,
    exact: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let frames = py.import("chamdiem._frames")?;
    let mut spec = Vec::with_capacity(cols.cols.len());
    for (name, col) in cols.cols {
        let (kind, data): (&str, Bound<'py, PyAny>) = match col {
            Col::Str(v) => ("str", PyList::new(py, v)?.into_any()),
            Col::Int(v) => ("int", PyList::new(py, v)?.into_any()),
            Col::Bool(v) => ("bool", PyList::new(py, v)?.into_any()),
            Col::Time(v) => ("time_ms", PyList::new(py, v)?.into_any()),
            Col::Num(v) if exact => ("decimal", PyList::new(py, v)?.into_any()),
            Col::Num(v) => {
                let mut bytes = Vec::with_capacity(v.len() * 8);
                for d in v {
                    let f = d.and_then(|d| d.to_f64()).unwrap_or(f64::NAN);
                    bytes.extend_from_slice(&f.to_le_bytes());
                }
                ("f64le", PyBytes::new(py, &bytes).into_any())
            }
        };
        spec.push(PyTuple::new(
            py,
            [
                name.into_pyobject(py)?.into_any(),
                kind.into_pyobject(py)?.into_any(),
                data,
            ],
        )?);
    }
    frames.call_method1("make_frame", (PyList::new(py, spec)?,))
}
