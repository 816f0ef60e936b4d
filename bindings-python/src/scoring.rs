//! Results per group and total; rankings; many dossiers evaluated at once.

use crate::convert::{py_opt_decimal, to_py};
use crate::criteria::{CriteriaSet, set_ref};
use crate::dossier::{Dossier, dossier_arg};
use crate::error::{OrRaise, map_err};
use crate::frames::{self, Level};
use crate::unit::unit_arg;
use chamdiem::Decimal;
use chamdiem::scoring::{CriterionResult as CoreCriterion, GroupResult as CoreGroup};
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use std::sync::Arc;

pub(crate) fn filter_arg(
    group: Option<String>,
    explanation_requested: bool,
) -> Option<chamdiem::ResultsFilter> {
    (group.is_some() || explanation_requested).then_some(chamdiem::ResultsFilter {
        group,
        explanation_requested,
    })
}

/// Points, maximum and percentage of one track (self, first review, review or final).
#[pyclass(module = "chamdiem", frozen)]
pub struct Track {
    inner: chamdiem::scoring::Track,
}

#[pymethods]
impl Track {
    /// Points (after caps).
    #[getter]
    fn points(&self) -> Decimal {
        self.inner.points
    }
    /// The applicable maximum.
    #[getter]
    fn max(&self) -> Decimal {
        self.inner.max
    }
    /// points / max × 100, rounded half away from zero to 2 places; ``None`` when max is 0.
    #[getter]
    fn percent<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_decimal(py, self.inner.percent)
    }
    /// ``False`` when every criterion below is not applicable.
    #[getter]
    fn applicable(&self) -> bool {
        self.inner.applicable
    }
    fn __repr__(&self) -> String {
        format!(
            "Track(points={}, max={}, percent={})",
            self.inner.points.normalize(),
            self.inner.max.normalize(),
            self.inner
                .percent
                .map_or("None".to_owned(), |p| p.to_string())
        )
    }
}

fn track(t: &chamdiem::scoring::Track) -> Track {
    Track { inner: t.clone() }
}

/// The four tracks of a group or of the total. ``first_review`` and ``review`` are ``None``
/// when there is none or the review is not visible.
#[pyclass(module = "chamdiem", frozen)]
pub struct Totals {
    inner: chamdiem::scoring::Totals,
}

#[pymethods]
impl Totals {
    /// The unit's self-assessment.
    #[getter]
    fn self_track(&self) -> Track {
        track(&self.inner.self_track)
    }
    /// The review as frozen by the first explanation round.
    #[getter]
    fn first_review(&self) -> Option<Track> {
        self.inner.first_review.as_ref().map(track)
    }
    /// The current review.
    #[getter]
    fn review(&self) -> Option<Track> {
        self.inner.review.as_ref().map(track)
    }
    /// The review where a criterion has one, else the self-assessment.
    #[getter]
    fn final_track(&self) -> Track {
        track(&self.inner.final_track)
    }
    fn __repr__(&self) -> String {
        format!(
            "Totals(self={}, review={}, final={})",
            self.inner.self_track.points.normalize(),
            self.inner
                .review
                .as_ref()
                .map_or("None".to_owned(), |r| r.points.normalize().to_string()),
            self.inner.final_track.points.normalize()
        )
    }
}

/// A group's results (every level of the tree).
#[pyclass(module = "chamdiem", frozen)]
pub struct GroupResult {
    results: Arc<chamdiem::Results>,
    index: usize,
}

impl GroupResult {
    fn g(&self) -> &CoreGroup {
        &self.results.groups[self.index]
    }
}

#[pymethods]
impl GroupResult {
    /// The group's code.
    #[getter]
    fn code(&self) -> &str {
        &self.g().code
    }
    /// Title.
    #[getter]
    fn title(&self) -> &str {
        &self.g().title
    }
    /// The parent group's code.
    #[getter]
    fn parent(&self) -> Option<&str> {
        self.g().parent.as_deref()
    }
    /// 0 for top-level groups.
    #[getter]
    fn depth(&self) -> usize {
        self.g().depth
    }
    /// ``"standard"``, ``"bonus"`` or ``"penalty"``.
    #[getter]
    fn kind(&self) -> &'static str {
        self.g().kind.as_str()
    }
    /// The cap of a bonus or penalty group.
    #[getter]
    fn cap<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_decimal(py, self.g().cap)
    }
    /// The four tracks.
    #[getter]
    fn totals(&self) -> Totals {
        Totals {
            inner: self.g().totals.clone(),
        }
    }
    /// The self-assessment track.
    #[getter]
    fn self_track(&self) -> Track {
        track(&self.g().totals.self_track)
    }
    /// The first-review track.
    #[getter]
    fn first_review(&self) -> Option<Track> {
        self.g().totals.first_review.as_ref().map(track)
    }
    /// The review track.
    #[getter]
    fn review(&self) -> Option<Track> {
        self.g().totals.review.as_ref().map(track)
    }
    /// The final track.
    #[getter]
    fn final_track(&self) -> Track {
        track(&self.g().totals.final_track)
    }
    /// The group's results as a dict (the JSON form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.g())
    }
    fn __repr__(&self) -> String {
        let g = self.g();
        format!(
            "GroupResult(code={:?}, self={}, final={}, max={})",
            g.code,
            g.totals.self_track.points.normalize(),
            g.totals.final_track.points.normalize(),
            g.totals.final_track.max.normalize()
        )
    }
}

/// A score resolved against its criterion: the case, the value, the points.
#[pyclass(module = "chamdiem", frozen)]
pub struct Scored {
    inner: chamdiem::Scored,
}

#[pymethods]
impl Scored {
    /// The case chosen, or the case whose range holds the value (``None`` for a scaled value).
    #[getter]
    fn case(&self) -> Option<&str> {
        self.inner.case.as_deref()
    }
    /// The measured value, for valued criteria.
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_decimal(py, self.inner.value)
    }
    /// The points it gives (0 when not applicable).
    #[getter]
    fn points(&self) -> Decimal {
        self.inner.points
    }
    /// Whether the criterion is not applicable.
    #[getter]
    fn not_applicable(&self) -> bool {
        self.inner.not_applicable
    }
    fn __repr__(&self) -> String {
        format!(
            "Scored(case={:?}, points={}{})",
            self.inner.case,
            self.inner.points.normalize(),
            if self.inner.not_applicable {
                ", not_applicable=True"
            } else {
                ""
            }
        )
    }
}

fn scored(s: &Option<chamdiem::Scored>) -> Option<Scored> {
    s.as_ref().map(|s| Scored { inner: s.clone() })
}

/// One criterion's results.
#[pyclass(module = "chamdiem", frozen)]
pub struct CriterionResult {
    results: Arc<chamdiem::Results>,
    index: usize,
}

impl CriterionResult {
    fn c(&self) -> &CoreCriterion {
        &self.results.criteria[self.index]
    }
}

#[pymethods]
impl CriterionResult {
    /// The criterion's code.
    #[getter]
    fn code(&self) -> &str {
        &self.c().code
    }
    /// Its group's code.
    #[getter]
    fn group(&self) -> &str {
        &self.c().group
    }
    /// Its maximum points.
    #[getter]
    fn max(&self) -> Decimal {
        self.c().max
    }
    /// The self-assessment, if scored.
    #[getter]
    fn self_score(&self) -> Option<Scored> {
        scored(&self.c().self_score)
    }
    /// The first review, if any (and visible).
    #[getter]
    fn first_review(&self) -> Option<Scored> {
        scored(&self.c().first_review)
    }
    /// The review, if scored (and visible).
    #[getter]
    fn review(&self) -> Option<Scored> {
        scored(&self.c().review)
    }
    /// The review if scored, else the self-assessment.
    #[getter]
    fn final_score(&self) -> Option<Scored> {
        scored(&self.c().final_score)
    }
    /// Whether an explanation was requested on it.
    #[getter]
    fn explanation_requested(&self) -> bool {
        self.c().explanation_requested
    }
    /// The criterion's results as a dict (the JSON form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.c())
    }
    fn __repr__(&self) -> String {
        let c = self.c();
        let p = |s: &Option<chamdiem::Scored>| {
            s.as_ref()
                .map_or("None".to_owned(), |s| s.points.normalize().to_string())
        };
        format!(
            "CriterionResult(code={:?}, self={}, review={}, max={})",
            c.code,
            p(&c.self_score),
            p(&c.review),
            c.max.normalize()
        )
    }
}

/// A criterion whose review differs from the self-assessment.
#[pyclass(module = "chamdiem", frozen, get_all)]
pub struct Difference {
    /// The criterion.
    criterion: String,
    /// Self points.
    self_points: Decimal,
    /// Review points.
    review_points: Decimal,
    /// review − self.
    difference: Decimal,
}

#[pymethods]
impl Difference {
    fn __repr__(&self) -> String {
        format!(
            "Difference(criterion={:?}, self_points={}, review_points={}, difference={})",
            self.criterion, self.self_points, self.review_points, self.difference
        )
    }
}

/// The results of one dossier: per criterion, per group at every level and in total.
///
/// ``to_pandas(level=...)`` gives a DataFrame (``"groups"``, ``"criteria"`` or ``"total"``);
/// in a notebook the results show as a table of groups.
#[pyclass(module = "chamdiem", frozen)]
pub struct Results {
    pub(crate) inner: Arc<chamdiem::Results>,
}

impl Results {
    pub(crate) fn wrap(r: chamdiem::Results) -> Self {
        Results { inner: Arc::new(r) }
    }
}

#[pymethods]
impl Results {
    /// Reads the JSON form of results (as written by :meth:`to_json`).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        serde_json::from_str(text)
            .map_err(|e| map_err(crate::error::invalid_input("", e.to_string())))
            .map(Self::wrap)
    }

    /// The dossier's id.
    #[getter]
    fn dossier(&self) -> &str {
        &self.inner.dossier
    }
    /// The assessed unit's id.
    #[getter]
    fn unit(&self) -> &str {
        &self.inner.unit
    }
    /// The period's id.
    #[getter]
    fn period(&self) -> &str {
        &self.inner.period
    }
    /// ``(id, revision)`` of the criteria set.
    #[getter]
    fn criteria_set(&self) -> (String, u32) {
        (
            self.inner.criteria_set.id.clone(),
            self.inner.criteria_set.revision,
        )
    }
    /// The dossier's state.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state.as_str()
    }
    /// Whether the review tracks are included.
    #[getter]
    fn review_visible(&self) -> bool {
        self.inner.review_visible
    }
    /// The dossier's totals.
    #[getter]
    fn total(&self) -> Totals {
        Totals {
            inner: self.inner.total.clone(),
        }
    }
    /// The classification of the total per track: ``{"self", "first_review", "review",
    /// "final"}`` (each a band label or ``None``).
    #[getter]
    fn classification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = &self.inner.classification;
        let d = pyo3::types::PyDict::new(py);
        d.set_item("self", c.self_track.as_deref())?;
        d.set_item("first_review", c.first_review.as_deref())?;
        d.set_item("review", c.review.as_deref())?;
        d.set_item("final", c.final_track.as_deref())?;
        Ok(d.into_any())
    }
    /// Every group, in pre-order.
    #[getter]
    fn groups(&self) -> Vec<GroupResult> {
        (0..self.inner.groups.len())
            .map(|index| GroupResult {
                results: self.inner.clone(),
                index,
            })
            .collect()
    }
    /// Every criterion, in reading order.
    #[getter]
    fn criteria(&self) -> Vec<CriterionResult> {
        (0..self.inner.criteria.len())
            .map(|index| CriterionResult {
                results: self.inner.clone(),
                index,
            })
            .collect()
    }
    /// The criteria not scored yet: ``{"self": [...], "review": [...]}``.
    #[getter]
    fn unscored<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.unscored)
    }
    /// The criteria whose review differs from the self-assessment.
    #[getter]
    fn differences(&self) -> Vec<Difference> {
        self.inner
            .differences
            .iter()
            .map(|d| Difference {
                criterion: d.criterion.clone(),
                self_points: d.self_points,
                review_points: d.review,
                difference: d.difference,
            })
            .collect()
    }

    /// The result of one group, or ``None``.
    fn group(&self, code: &str) -> Option<GroupResult> {
        self.inner
            .groups
            .iter()
            .position(|g| g.code == code)
            .map(|index| GroupResult {
                results: self.inner.clone(),
                index,
            })
    }

    /// The result of one criterion, or ``None``.
    fn criterion(&self, code: &str) -> Option<CriterionResult> {
        self.inner
            .criteria
            .iter()
            .position(|c| c.code == code)
            .map(|index| CriterionResult {
                results: self.inner.clone(),
                index,
            })
    }

    /// Keeps one group (and its subgroups) and/or the criteria an explanation was requested
    /// on; totals are unchanged.
    #[pyo3(signature = (*, group=None, explanation_requested=false))]
    fn filtered(&self, group: Option<String>, explanation_requested: bool) -> PyResult<Self> {
        match filter_arg(group, explanation_requested) {
            None => Ok(Results {
                inner: self.inner.clone(),
            }),
            Some(f) => self.inner.filtered(&f).or_raise().map(Self::wrap),
        }
    }

    /// The JSON form (``{"format": "chamdiem.results", ...}``).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The JSON form as Python data (decimals as strings, as in JSON).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &*self.inner)
    }

    /// A DataFrame: one row per group (``level="groups"``), per criterion (``"criteria"``), or
    /// one row for the total (``"total"``). Points, maxima and percentages are float64 columns,
    /// or ``decimal.Decimal`` objects with ``exact=True``. Needs pandas
    /// (``pip install 'chamdiem[pandas]'``).
    #[pyo3(signature = (level="groups", *, exact=false))]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        level: &str,
        exact: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cols = frames::results_columns([&*self.inner], Level::parse(level)?);
        frames::to_frame(py, cols, exact)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<Results>() {
            Ok(o) => *self.inner == *o.get().inner,
            Err(_) => false,
        }
    }

    fn __repr__(&self) -> String {
        let t = &self.inner.total;
        format!(
            "Results(dossier={:?}, state={:?}, self={}, final={}, max={}, percent={})",
            self.inner.dossier,
            self.inner.state.as_str(),
            t.self_track.points.normalize(),
            t.final_track.points.normalize(),
            t.final_track.max.normalize(),
            t.final_track
                .percent
                .map_or("None".to_owned(), |p| p.to_string())
        )
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let data = to_py(py, &*self.inner)?;
        py.import("chamdiem._display")?
            .call_method1("results_html", (data,))?
            .extract()
    }
}

/// The results of many dossiers (a period), in order: a sequence of :class:`Results` with
/// :meth:`to_pandas` over all of them.
#[pyclass(module = "chamdiem", frozen, sequence)]
pub struct PeriodResults {
    pub(crate) items: Vec<Arc<chamdiem::Results>>,
}

impl PeriodResults {
    pub(crate) fn new(items: Vec<chamdiem::Results>) -> Self {
        PeriodResults {
            items: items.into_iter().map(Arc::new).collect(),
        }
    }
}

#[pymethods]
impl PeriodResults {
    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__(&self, index: isize) -> PyResult<Results> {
        let n = self.items.len() as isize;
        let i = if index < 0 { index + n } else { index };
        if i < 0 || i >= n {
            return Err(PyIndexError::new_err("results index out of range"));
        }
        Ok(Results {
            inner: self.items[i as usize].clone(),
        })
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyResult<Bound<'_, PyAny>> {
        let py = slf.py();
        let items: Vec<Results> = slf
            .items
            .iter()
            .map(|r| Results { inner: r.clone() })
            .collect();
        pyo3::types::PyList::new(py, items)?
            .as_any()
            .try_iter()
            .map(|i| i.into_any())
    }

    /// The results of one dossier, by id (``None`` if absent).
    fn get(&self, dossier: &str) -> Option<Results> {
        self.items
            .iter()
            .find(|r| r.dossier == dossier)
            .map(|r| Results { inner: r.clone() })
    }

    /// Every result's JSON form, as a list of dicts.
    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let all: Vec<&chamdiem::Results> = self.items.iter().map(|r| &**r).collect();
        to_py(py, &all)
    }

    /// One DataFrame over every dossier; see :meth:`Results.to_pandas`.
    #[pyo3(signature = (level="groups", *, exact=false))]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        level: &str,
        exact: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let level = Level::parse(level)?;
        let items = &self.items;
        let cols = py.detach(|| frames::results_columns(items.iter().map(|r| &**r), level));
        frames::to_frame(py, cols, exact)
    }

    fn __repr__(&self) -> String {
        format!("PeriodResults({} dossiers)", self.items.len())
    }
}

/// One row of a ranking table.
#[pyclass(module = "chamdiem", frozen)]
pub struct RankingRow {
    inner: chamdiem::scoring::RankingRow,
}

#[pymethods]
impl RankingRow {
    /// 1-based; equal totals share a rank (1, 1, 3).
    #[getter]
    fn rank(&self) -> u32 {
        self.inner.rank
    }
    /// The unit's id.
    #[getter]
    fn unit(&self) -> &str {
        &self.inner.unit
    }
    /// The unit's code.
    #[getter]
    fn unit_code(&self) -> &str {
        &self.inner.unit_code
    }
    /// The unit's name.
    #[getter]
    fn unit_name(&self) -> &str {
        &self.inner.unit_name
    }
    /// The dossier.
    #[getter]
    fn dossier(&self) -> &str {
        &self.inner.dossier
    }
    /// The dossier's state.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state.as_str()
    }
    /// Final points.
    #[getter]
    fn points(&self) -> Decimal {
        self.inner.points
    }
    /// Applicable maximum (final track).
    #[getter]
    fn max(&self) -> Decimal {
        self.inner.max
    }
    /// Final percentage.
    #[getter]
    fn percent<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_decimal(py, self.inner.percent)
    }
    /// Final classification.
    #[getter]
    fn classification(&self) -> Option<&str> {
        self.inner.classification.as_deref()
    }
    /// Self-assessment points.
    #[getter]
    fn self_points(&self) -> Decimal {
        self.inner.self_points
    }
    /// Review points, when visible.
    #[getter]
    fn review_points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_decimal(py, self.inner.review)
    }
    fn __repr__(&self) -> String {
        format!(
            "RankingRow(rank={}, unit={:?}, points={}, percent={})",
            self.inner.rank,
            self.inner.unit,
            self.inner.points.normalize(),
            self.inner
                .percent
                .map_or("None".to_owned(), |p| p.to_string())
        )
    }
}

/// The ranking of the dossiers scored against one criteria set.
#[pyclass(module = "chamdiem", frozen)]
pub struct RankingTable {
    inner: chamdiem::scoring::RankingTable,
}

#[pymethods]
impl RankingTable {
    /// ``(id, revision)`` of the criteria set.
    #[getter]
    fn criteria_set(&self) -> (String, u32) {
        (
            self.inner.criteria_set.id.clone(),
            self.inner.criteria_set.revision,
        )
    }
    /// The rows, best first.
    #[getter]
    fn rows(&self) -> Vec<RankingRow> {
        self.inner
            .rows
            .iter()
            .map(|r| RankingRow { inner: r.clone() })
            .collect()
    }
    fn __len__(&self) -> usize {
        self.inner.rows.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "RankingTable(criteria_set={:?}, rows={})",
            self.inner.criteria_set.id,
            self.inner.rows.len()
        )
    }
}

/// Rankings of a period: one table per criteria set (departments and districts apart), each
/// by final points, descending; equal points share a rank; then by unit code.
#[pyclass(module = "chamdiem", frozen)]
pub struct Ranking {
    pub(crate) inner: Arc<chamdiem::Ranking>,
}

impl Ranking {
    pub(crate) fn wrap(r: chamdiem::Ranking) -> Self {
        Ranking { inner: Arc::new(r) }
    }
}

#[pymethods]
impl Ranking {
    /// One table per criteria set, ordered by set id and revision.
    #[getter]
    fn tables(&self) -> Vec<RankingTable> {
        self.inner
            .tables
            .iter()
            .map(|t| RankingTable { inner: t.clone() })
            .collect()
    }

    /// The table of one criteria set (the newest revision when ``revision`` is omitted), or
    /// ``None``.
    #[pyo3(signature = (criteria_set, revision=None))]
    fn table(&self, criteria_set: &str, revision: Option<u32>) -> Option<RankingTable> {
        self.inner
            .tables
            .iter()
            .rev()
            .find(|t| {
                t.criteria_set.id == criteria_set
                    && revision.is_none_or(|r| r == t.criteria_set.revision)
            })
            .map(|t| RankingTable { inner: t.clone() })
    }

    /// The JSON form.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The JSON form as Python data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &*self.inner)
    }

    /// One row per ranked dossier, every table together (column ``criteria_set``). Points are
    /// float64 columns, or ``decimal.Decimal`` objects with ``exact=True``. Needs pandas.
    #[pyo3(signature = (*, exact=false))]
    fn to_pandas<'py>(&self, py: Python<'py>, exact: bool) -> PyResult<Bound<'py, PyAny>> {
        frames::to_frame(py, frames::ranking_columns(&self.inner), exact)
    }

    fn __repr__(&self) -> String {
        format!(
            "Ranking({})",
            self.inner
                .tables
                .iter()
                .map(|t| format!("{}: {} rows", t.criteria_set.id, t.rows.len()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let data = to_py(py, &*self.inner)?;
        py.import("chamdiem._display")?
            .call_method1("ranking_html", (data,))?
            .extract()
    }
}

/// The results of many dossiers and their ranking, computed together.
#[pyclass(module = "chamdiem", frozen, get_all)]
pub struct Evaluation {
    /// One result per dossier, in the order given.
    results: Py<PeriodResults>,
    /// The ranking of all of them.
    ranking: Py<Ranking>,
}

#[pymethods]
impl Evaluation {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Evaluation({} dossiers, {} tables)",
            self.results.get().items.len(),
            self.ranking.bind(py).get().inner.tables.len()
        )
    }
}

/// The results of ``dossier`` against ``set`` (every track included).
#[pyfunction]
pub(crate) fn results(
    set: &Bound<'_, CriteriaSet>,
    dossier: &Bound<'_, Dossier>,
) -> PyResult<Results> {
    chamdiem::results(set_ref(set), &dossier.borrow().inner)
        .or_raise()
        .map(Results::wrap)
}

/// Ranks results: ``items`` are ``(unit, results)`` pairs (a :class:`Unit` or its dict).
#[pyfunction]
pub(crate) fn rank(items: &Bound<'_, PyAny>) -> PyResult<Ranking> {
    let mut pairs = Vec::new();
    for item in items.try_iter()? {
        let item = item?;
        let (u, r): (Bound<'_, PyAny>, Bound<'_, Results>) = item
            .extract()
            .map_err(|_| PyTypeError::new_err("rank: each item is a (unit, results) pair"))?;
        pairs.push((unit_arg(&u)?, r.get().inner.clone()));
    }
    Ok(Ranking::wrap(chamdiem::rank(
        pairs.iter().map(|(u, r)| (u, &**r)),
    )))
}

/// Computes the results of every dossier (each against its own criteria set, found among
/// ``sets`` by id and revision) and ranks them with their units (found among ``units`` by id),
/// without holding the GIL. ``criteria=False`` leaves each result's per-criterion list empty
/// (totals, groups, classification and ranking are the same), for a period's ranking table.
#[pyfunction]
#[pyo3(signature = (sets, units, dossiers, *, criteria = true))]
pub(crate) fn evaluate(
    py: Python<'_>,
    sets: &Bound<'_, PyAny>,
    units: &Bound<'_, PyAny>,
    dossiers: &Bound<'_, PyAny>,
    criteria: bool,
) -> PyResult<Evaluation> {
    let options = chamdiem::ResultsOptions { criteria };
    let sets: Vec<Arc<chamdiem::CriteriaSet>> = sets
        .try_iter()?
        .map(|s| {
            let s = s?;
            let s = s
                .cast::<CriteriaSet>()
                .map_err(|_| PyTypeError::new_err("evaluate: `sets` holds CriteriaSet objects"))?;
            Ok(s.get().inner.clone())
        })
        .collect::<PyResult<_>>()?;
    let units: Vec<chamdiem::Unit> = units
        .try_iter()?
        .map(|u| unit_arg(&u?))
        .collect::<PyResult<_>>()?;
    let items: Vec<Bound<'_, PyAny>> = dossiers.try_iter()?.collect::<PyResult<_>>()?;
    let guards = items
        .iter()
        .map(dossier_arg)
        .collect::<PyResult<Vec<_>>>()?;
    let refs: Vec<&chamdiem::Dossier> = guards.iter().map(|g| &g.inner).collect();
    let (results, ranking) = py
        .detach(|| evaluate_parallel(&sets, &units, &refs, options))
        .or_raise()?;
    Ok(Evaluation {
        results: Py::new(py, PeriodResults::new(results))?,
        ranking: Py::new(py, Ranking::wrap(ranking))?,
    })
}

/// `chamdiem::evaluate` over slices of the dossiers on every core, then one ranking of all the
/// results (as the SQLite store's `period_results` spreads its scoring over the cores).
fn evaluate_parallel(
    sets: &[Arc<chamdiem::CriteriaSet>],
    units: &[chamdiem::Unit],
    dossiers: &[&chamdiem::Dossier],
    options: chamdiem::ResultsOptions,
) -> chamdiem::Result<(Vec<chamdiem::Results>, chamdiem::Ranking)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let chunk = dossiers.len().div_ceil(threads).max(64);
    let parts: Vec<chamdiem::Result<chamdiem::Evaluation>> = std::thread::scope(|scope| {
        let handles: Vec<_> = dossiers
            .chunks(chunk.max(1))
            .map(|part| {
                scope.spawn(move || {
                    chamdiem::evaluate_with(
                        sets.iter().map(|s| &**s),
                        units,
                        part.iter().copied(),
                        options,
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("an evaluation thread panicked"))
            .collect()
    });
    let mut results = Vec::with_capacity(dossiers.len());
    for part in parts {
        results.extend(part?.results);
    }
    // Every result's unit was found by `evaluate`; rank them all together.
    let by_id: std::collections::HashMap<&str, &chamdiem::Unit> =
        units.iter().map(|u| (u.id.as_str(), u)).collect();
    let ranking = chamdiem::rank(results.iter().map(|r| (by_id[r.unit.as_str()], r)));
    Ok((results, ranking))
}
