//! Dossiers: entries, evidence, history.

use crate::convert::{json_arg, py_opt_decimal, py_opt_timestamp, timestamp_arg, to_py};
use crate::criteria::{CriteriaSet, set_ref};
use crate::error::{OrRaise, invalid_input, map_err};
use crate::scoring::{Results, filter_arg};
use crate::unit::actor_arg;
use crate::workflow::{
    ActionStatus, DossierView, Event, History, Precheck, command_arg, event_arg,
};
use chamdiem::Score;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// A dossier (hồ sơ): one assessed unit in one period, an entry per criterion, the state, the
/// version and the full history.
///
/// A dossier changes only through :meth:`execute` (or :meth:`decide` then :meth:`apply`): the
/// core checks role, unit, state, deadline, input and guard, and a refused command raises a
/// :class:`chamdiem.Error` subclass and changes nothing.
#[pyclass(module = "chamdiem")]
#[derive(Clone)]
pub struct Dossier {
    pub(crate) inner: chamdiem::Dossier,
}

#[pymethods]
impl Dossier {
    /// Opens a dossier against ``set``: every criterion gets an empty entry and the history
    /// starts with an ``opened`` event by ``actor`` at ``now``.
    ///
    /// ``spec`` is a mapping ``{"id", "period", "unit", "assessing_unit", "self_deadline"?,
    /// "requires_report"?}`` (``self_deadline`` an aware ``datetime`` or an RFC 3339 string).
    #[staticmethod]
    fn open(
        spec: &Bound<'_, PyAny>,
        set: &Bound<'_, CriteriaSet>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let value = json_arg(spec, "the dossier spec")?;
        let spec: chamdiem::OpenDossier = serde_json::from_value(value)
            .map_err(|e| map_err(invalid_input("spec", e.to_string())))?;
        let actor = actor_arg(actor)?;
        let now = timestamp_arg(now, "now")?;
        chamdiem::Dossier::open(spec, set_ref(set), &actor, now)
            .or_raise()
            .map(|inner| Dossier { inner })
    }

    /// Reads the JSON form (``{"format": "chamdiem.dossier", ...}``).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let d = py.detach(|| chamdiem::Dossier::from_json(text));
        d.or_raise().map(|inner| Dossier { inner })
    }

    /// Reads the JSON document given as Python data (a ``dict``).
    #[staticmethod]
    fn from_dict(doc: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value = json_arg(doc, "the dossier")?;
        chamdiem::Dossier::from_json_value(value)
            .or_raise()
            .map(|inner| Dossier { inner })
    }

    /// Rebuilds a dossier from its history (:class:`Event` objects or their dicts; the first
    /// must be ``opened``).
    #[staticmethod]
    fn replay(events: &Bound<'_, PyAny>) -> PyResult<Self> {
        let events = events
            .try_iter()?
            .map(|e| event_arg(&e?))
            .collect::<PyResult<Vec<_>>>()?;
        chamdiem::Dossier::replay(events)
            .or_raise()
            .map(|inner| Dossier { inner })
    }

    /// The dossier's id.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }
    /// The period's id.
    #[getter]
    fn period(&self) -> &str {
        self.inner.period()
    }
    /// The assessed unit's id.
    #[getter]
    fn unit(&self) -> &str {
        self.inner.unit()
    }
    /// The assessing unit's id (the reviewer's unit).
    #[getter]
    fn assessing_unit(&self) -> &str {
        self.inner.assessing_unit()
    }
    /// ``(id, revision)`` of the criteria set it is scored against.
    #[getter]
    fn criteria_set(&self) -> (String, u32) {
        let s = self.inner.criteria_set();
        (s.id.clone(), s.revision)
    }
    /// The workflow state: ``"self_assessment"``, ``"self_assessed"``,
    /// ``"explanation_requested"``, ``"reviewed"`` or ``"completed"``.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state().as_str()
    }
    /// The manual's Vietnamese label of the state (``"Cấp Sở tự chấm"`` ...).
    #[getter]
    fn state_label(&self) -> &'static str {
        self.inner.state().label_vi()
    }
    /// 1 when opened, one more per accepted command that changed something.
    #[getter]
    fn version(&self) -> u64 {
        self.inner.version()
    }
    /// The self-assessment deadline (moved by ``unlock``), UTC.
    #[getter]
    fn self_deadline<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_timestamp(py, self.inner.self_deadline())
    }
    /// The deadline of the phase the unit is in (self-assessment, or the current round's).
    #[getter]
    fn unit_deadline<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_timestamp(py, self.inner.unit_deadline())
    }
    /// Whether the signed report is required to submit.
    #[getter]
    fn requires_report(&self) -> bool {
        self.inner.requires_report()
    }
    /// Whether the unit ticked "explanation finished" for the current round.
    #[getter]
    fn explanation_finished(&self) -> bool {
        self.inner.explanation_finished()
    }
    /// Whether the unit may see the review.
    #[getter]
    fn review_released(&self) -> bool {
        self.inner.review_released()
    }
    /// Whether the reviewer has saved review work since the last submission.
    #[getter]
    fn review_started(&self) -> bool {
        self.inner.review_started()
    }
    /// Explanation rounds, oldest first, as dicts (the JSON form).
    #[getter]
    fn rounds<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.rounds())
    }
    /// The dossier-level documents (the signed report), as dicts.
    #[getter]
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.report())
    }
    /// The entries, in the criteria set's order.
    #[getter]
    fn entries(&self) -> Vec<Entry> {
        self.inner
            .entries()
            .iter()
            .map(|e| Entry { inner: e.clone() })
            .collect()
    }

    /// The entry of a criterion, or ``None``.
    fn entry(&self, criterion: &str) -> Option<Entry> {
        self.inner
            .entry(criterion)
            .map(|e| Entry { inner: e.clone() })
    }

    /// Decides ``command`` for ``actor`` at ``now`` and applies the events: the dossier changes
    /// only if the command is accepted. Returns the events recorded (empty for a save that
    /// changed nothing).
    ///
    /// ``command`` is a :class:`Command`, a dict in the JSON format (``{"type": "submit"}``),
    /// or a JSON string. ``now`` is an aware ``datetime`` or an RFC 3339 string.
    fn execute(
        &mut self,
        set: &Bound<'_, CriteriaSet>,
        actor: &Bound<'_, PyAny>,
        command: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<Event>> {
        let actor = actor_arg(actor)?;
        let now = timestamp_arg(now, "now")?;
        let command = command_arg(command)?;
        let events = self
            .inner
            .execute(set_ref(set), &actor, command.get(), now)
            .or_raise()?;
        Ok(events.into_iter().map(|inner| Event { inner }).collect())
    }

    /// Like :meth:`execute`, but only returns the events the command would record; the
    /// dossier does not change (see :meth:`apply`).
    fn decide(
        &self,
        set: &Bound<'_, CriteriaSet>,
        actor: &Bound<'_, PyAny>,
        command: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<Event>> {
        let actor = actor_arg(actor)?;
        let now = timestamp_arg(now, "now")?;
        let command = command_arg(command)?;
        let events =
            chamdiem::decide(set_ref(set), &self.inner, &actor, command.get(), now).or_raise()?;
        Ok(events.into_iter().map(|inner| Event { inner }).collect())
    }

    /// Folds events (from :meth:`decide`, or a stored history) into the dossier.
    fn apply(&mut self, events: &Bound<'_, PyAny>) -> PyResult<()> {
        let events = events
            .try_iter()?
            .map(|e| event_arg(&e?))
            .collect::<PyResult<Vec<_>>>()?;
        for e in events {
            self.inner.apply(e);
        }
        Ok(())
    }

    /// Every command of the actor's role, each with whether it is allowed at ``now`` and, if
    /// not, the error it would get: a UI shows each as a button, disabled with the reason.
    fn available_actions(
        &self,
        set: &Bound<'_, CriteriaSet>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<ActionStatus>> {
        let actor = actor_arg(actor)?;
        let now = timestamp_arg(now, "now")?;
        Ok(
            chamdiem::available_actions(set_ref(set), &self.inner, &actor, now)
                .into_iter()
                .map(|inner| ActionStatus { inner })
                .collect(),
        )
    }

    /// The dossier as ``actor`` may see it (raises :class:`Forbidden` for a unit of another
    /// unit or a reviewer of another assessing unit).
    fn view(&self, actor: &Bound<'_, PyAny>) -> PyResult<DossierView> {
        let actor = actor_arg(actor)?;
        chamdiem::view(&self.inner, &actor)
            .or_raise()
            .map(|inner| DossierView { inner })
    }

    /// The results: per criterion, per group at every level and in total, for the self,
    /// first-review, review and final tracks.
    ///
    /// With ``actor``, the results that actor may see (a unit sees no review before it is
    /// released). ``group`` keeps one group and its subgroups; ``explanation_requested=True``
    /// keeps the criteria an explanation was requested on.
    #[pyo3(signature = (set, *, actor=None, group=None, explanation_requested=false))]
    fn results(
        &self,
        set: &Bound<'_, CriteriaSet>,
        actor: Option<&Bound<'_, PyAny>>,
        group: Option<String>,
        explanation_requested: bool,
    ) -> PyResult<Results> {
        let set = set_ref(set);
        let r = match actor {
            None => chamdiem::results(set, &self.inner),
            Some(a) => {
                let actor = actor_arg(a)?;
                chamdiem::view(&self.inner, &actor).and_then(|v| v.results(set))
            }
        }
        .or_raise()?;
        let filter = filter_arg(group, explanation_requested);
        let r = match filter {
            Some(f) => r.filtered(&f).or_raise()?,
            None => r,
        };
        Ok(Results::wrap(r))
    }

    /// The pre-submit check: what blocks ``submit``, and what deserves a second look.
    /// ``previous`` is the same unit's results of the previous period, when known.
    #[pyo3(signature = (set, previous=None))]
    fn precheck(
        &self,
        set: &Bound<'_, CriteriaSet>,
        previous: Option<&Bound<'_, Results>>,
    ) -> PyResult<Precheck> {
        let prev = previous.map(|p| p.get().inner.clone());
        chamdiem::precheck(set_ref(set), &self.inner, prev.as_deref())
            .or_raise()
            .map(|inner| Precheck { inner })
    }

    /// The history: every event, or those that concern one criterion, oldest first.
    #[pyo3(signature = (criterion=None))]
    fn history(&self, criterion: Option<&str>) -> History {
        let events = match criterion {
            None => self.inner.history().to_vec(),
            Some(c) => self.inner.history_of(c).into_iter().cloned().collect(),
        };
        History::new(events)
    }

    /// The JSON form.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The JSON document as Python data (decimals and instants as strings, as in JSON).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    /// An independent copy.
    fn copy(&self) -> Self {
        self.clone()
    }

    fn __copy__(&self) -> Self {
        self.clone()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
        self.clone()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<Dossier>() {
            Ok(o) => self.inner == o.borrow().inner,
            Err(_) => false,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Dossier(id={:?}, unit={:?}, period={:?}, state={:?}, version={})",
            self.inner.id(),
            self.inner.unit(),
            self.inner.period(),
            self.inner.state().as_str(),
            self.inner.version()
        )
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let data = to_py(py, &self.inner)?;
        py.import("chamdiem._display")?
            .call_method1("dossier_html", (data,))?
            .extract()
    }
}

/// A dossier argument, borrowed.
pub(crate) fn dossier_arg<'py>(obj: &Bound<'py, PyAny>) -> PyResult<PyRef<'py, Dossier>> {
    obj.cast::<Dossier>()
        .map_err(|_| PyTypeError::new_err("expected a chamdiem.Dossier"))?
        .try_borrow()
        .map_err(Into::into)
}

/// One criterion of a dossier: the unit's and the reviewer's work on it.
#[pyclass(module = "chamdiem", frozen)]
pub struct Entry {
    inner: chamdiem::Entry,
}

fn score_case(s: &Option<Score>) -> Option<&str> {
    match s {
        Some(Score::Case(c)) => Some(c),
        _ => None,
    }
}

fn score_value(s: &Option<Score>) -> Option<chamdiem::Decimal> {
    match s {
        Some(Score::Value(v)) => Some(*v),
        _ => None,
    }
}

#[pymethods]
impl Entry {
    /// The criterion's code.
    #[getter]
    fn criterion(&self) -> &str {
        &self.inner.criterion
    }
    /// The unit's chosen case (``None`` if not scored, or scored by a value).
    #[getter]
    fn self_case(&self) -> Option<&str> {
        score_case(&self.inner.self_score)
    }
    /// The unit's measured value, for valued criteria.
    #[getter]
    fn self_value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_decimal(py, score_value(&self.inner.self_score))
    }
    /// The unit's opinion.
    #[getter]
    fn self_opinion(&self) -> &str {
        &self.inner.self_opinion
    }
    /// Evidence files (metadata), as dicts.
    #[getter]
    fn evidence<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.evidence)
    }
    /// The reviewer's chosen case.
    #[getter]
    fn review_case(&self) -> Option<&str> {
        score_case(&self.inner.review_score)
    }
    /// The reviewer's measured value.
    #[getter]
    fn review_value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_decimal(py, score_value(&self.inner.review_score))
    }
    /// The reviewer's opinion.
    #[getter]
    fn review_opinion(&self) -> &str {
        &self.inner.review_opinion
    }
    /// Whether the reviewer flagged the criterion for explanation.
    #[getter]
    fn flagged(&self) -> bool {
        self.inner.request.is_some()
    }
    /// What the reviewer asks (``None`` when not flagged).
    #[getter]
    fn request_note(&self) -> Option<&str> {
        self.inner.request.as_ref().map(|r| r.note.as_str())
    }
    /// The round the request was sent in (``None`` while pending or not flagged).
    #[getter]
    fn request_round(&self) -> Option<u32> {
        self.inner.request.as_ref().and_then(|r| r.round)
    }
    /// The unit's explanation.
    #[getter]
    fn explanation(&self) -> &str {
        &self.inner.explanation
    }
    /// The unit's "explained" tick.
    #[getter]
    fn explained(&self) -> bool {
        self.inner.explained
    }
    /// The dossier version at which this entry last changed.
    #[getter]
    fn version(&self) -> u64 {
        self.inner.version
    }
    /// Who changed it last.
    #[getter]
    fn changed_by(&self) -> Option<&str> {
        self.inner.changed_by.as_deref()
    }

    /// The entry as in the dossier's JSON form.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Entry(criterion={:?}, self={}, review={})",
            self.inner.criterion,
            show_score(&self.inner.self_score),
            show_score(&self.inner.review_score)
        )
    }
}

fn show_score(s: &Option<Score>) -> String {
    match s {
        None => "None".into(),
        Some(Score::Case(c)) => format!("case {c:?}"),
        Some(Score::Value(v)) => format!("value {v}"),
    }
}

/// Benchmark support (private, used by `bench/bench.py`): executes `commands` in turn, `n` times
/// in all, on a copy of `dossier`, entirely in Rust, and returns the seconds it took. Python
/// runs the same loop through `Dossier.execute`; the difference is the per-call overhead of the
/// binding.
#[pyfunction]
pub(crate) fn _execute_loop(
    py: Python<'_>,
    dossier: &Bound<'_, Dossier>,
    set: &Bound<'_, CriteriaSet>,
    actor: &Bound<'_, PyAny>,
    commands: Vec<Bound<'_, crate::workflow::Command>>,
    now: &Bound<'_, PyAny>,
    n: usize,
) -> PyResult<f64> {
    let mut d = dossier.borrow().inner.clone();
    let actor = actor_arg(actor)?;
    let now = timestamp_arg(now, "now")?;
    let commands: Vec<chamdiem::Command> = commands.iter().map(|c| c.get().inner.clone()).collect();
    if commands.is_empty() {
        return Ok(0.0);
    }
    let set = set_ref(set);
    let took = py.detach(|| {
        let start = std::time::Instant::now();
        for i in 0..n {
            d.execute(set, &actor, &commands[i % commands.len()], now)?;
        }
        Ok(start.elapsed().as_secs_f64())
    });
    took.or_raise()
}
