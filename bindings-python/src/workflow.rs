//! The workflow: commands, events, available actions, views, the pre-submit check.

use crate::convert::{json_arg, py_timestamp, to_py};
use crate::criteria::{CriteriaSet, set_ref};
use crate::dossier::Dossier;
use crate::error::{OrRaise, invalid_input, map_err, missing_list, to_exception};
use crate::frames;
use crate::scoring::Results;
use crate::unit::Actor;
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// A parsed command, ready to be executed many times (parsing a dict on every call costs a
/// little more). ``Command(data)`` reads a dict in the JSON format (``{"type": "save_self",
/// "entries": [...]}``) or a JSON string; see the command table in ``docs/formats.md``.
#[pyclass(module = "chamdiem", frozen)]
pub struct Command {
    pub(crate) inner: chamdiem::Command,
}

#[pymethods]
impl Command {
    #[new]
    fn new(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Command {
            inner: parse_command(data)?,
        })
    }

    /// The command's name (``"save_self"``, ``"submit"`` ...).
    #[getter]
    fn name(&self) -> &'static str {
        self.inner.name().as_str()
    }

    /// The role that issues it (``"unit"``, ``"reviewer"`` or ``"admin"``).
    #[getter]
    fn role(&self) -> &'static str {
        self.inner.name().role().as_str()
    }

    /// The JSON form, with its format tag.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The JSON form as Python data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!("Command({})", self.inner.to_json())
    }
}

fn parse_command(obj: &Bound<'_, PyAny>) -> PyResult<chamdiem::Command> {
    if let Ok(s) = obj.cast::<PyString>() {
        return chamdiem::Command::from_json(&s.to_cow()?).or_raise();
    }
    if !obj.is_instance_of::<PyDict>() && obj.cast::<pyo3::types::PyMapping>().is_err() {
        return Err(PyTypeError::new_err(format!(
            "command: expected chamdiem.Command, a dict such as {{\"type\": \"submit\"}} or a \
             JSON string, got {}",
            obj.get_type().name()?
        )));
    }
    let value = json_arg(obj, "the command")?;
    chamdiem::Command::from_json_value(value).or_raise()
}

/// A command argument: borrowed from a [`Command`], or parsed.
pub(crate) enum CommandArg<'py> {
    Parsed(Bound<'py, Command>),
    Owned(chamdiem::Command),
}

impl CommandArg<'_> {
    pub(crate) fn get(&self) -> &chamdiem::Command {
        match self {
            CommandArg::Parsed(c) => &c.get().inner,
            CommandArg::Owned(c) => c,
        }
    }
}

/// Reads a command argument.
pub(crate) fn command_arg<'py>(obj: &Bound<'py, PyAny>) -> PyResult<CommandArg<'py>> {
    if let Ok(c) = obj.cast::<Command>() {
        return Ok(CommandArg::Parsed(c.clone()));
    }
    parse_command(obj).map(CommandArg::Owned)
}

/// A recorded event: who did what, when, from which state to which.
#[pyclass(module = "chamdiem", frozen)]
pub struct Event {
    pub(crate) inner: chamdiem::Event,
}

#[pymethods]
impl Event {
    /// Reads the JSON form of an event.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        chamdiem::Event::from_json(text)
            .or_raise()
            .map(|inner| Event { inner })
    }

    /// Reads an event given as Python data (a ``dict``).
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        event_arg(data).map(|inner| Event { inner })
    }

    /// The dossier version this event produced (all events of one command share it).
    #[getter]
    fn version(&self) -> u64 {
        self.inner.version
    }
    /// When (UTC).
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_timestamp(py, self.inner.at)
    }
    /// Who.
    #[getter]
    fn actor(&self) -> Actor {
        Actor {
            inner: self.inner.actor.clone(),
        }
    }
    /// The state before.
    #[getter(from_state)]
    fn state_before(&self) -> &'static str {
        self.inner.from.as_str()
    }
    /// The state after.
    #[getter(to_state)]
    fn state_after(&self) -> &'static str {
        self.inner.to.as_str()
    }
    /// The change's type (``"self_saved"``, ``"submitted"`` ...).
    #[getter]
    fn r#type(&self) -> &'static str {
        self.inner.change.type_name()
    }
    /// The criterion the change concerns, if it concerns one.
    #[getter]
    fn criterion(&self) -> Option<&str> {
        self.inner.change.criterion()
    }
    /// What changed, as a dict (the ``change`` object of the JSON form).
    #[getter]
    fn change<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.change)
    }

    /// The JSON form, with its format tag.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The JSON form as Python data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<Event>() {
            Ok(o) => self.inner == o.get().inner,
            Err(_) => false,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Event(version={}, at={}, user={:?}, type={:?}{})",
            self.inner.version,
            self.inner.at,
            self.inner.actor.user,
            self.inner.change.type_name(),
            self.inner
                .change
                .criterion()
                .map(|c| format!(", criterion={c:?}"))
                .unwrap_or_default()
        )
    }
}

/// An event argument: an [`Event`] or its dict.
pub(crate) fn event_arg(obj: &Bound<'_, PyAny>) -> PyResult<chamdiem::Event> {
    if let Ok(e) = obj.cast::<Event>() {
        return Ok(e.get().inner.clone());
    }
    let mut value = json_arg(obj, "the event")?;
    if let Some(o) = value.as_object_mut() {
        o.remove("format");
        o.remove("format_version");
    }
    serde_json::from_value(value).map_err(|e| map_err(invalid_input("event", e.to_string())))
}

/// A dossier's history: a sequence of :class:`Event`, oldest first, with :meth:`to_pandas`.
#[pyclass(module = "chamdiem", frozen, sequence)]
pub struct History {
    pub(crate) events: Vec<chamdiem::Event>,
}

impl History {
    pub(crate) fn new(events: Vec<chamdiem::Event>) -> Self {
        History { events }
    }
}

#[pymethods]
impl History {
    fn __len__(&self) -> usize {
        self.events.len()
    }

    fn __getitem__(&self, index: isize) -> PyResult<Event> {
        let n = self.events.len() as isize;
        let i = if index < 0 { index + n } else { index };
        if i < 0 || i >= n {
            return Err(PyIndexError::new_err("history index out of range"));
        }
        Ok(Event {
            inner: self.events[i as usize].clone(),
        })
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyResult<Bound<'_, PyAny>> {
        let py = slf.py();
        let items: Vec<Event> = slf
            .events
            .iter()
            .map(|e| Event { inner: e.clone() })
            .collect();
        pyo3::types::PyList::new(py, items)?
            .as_any()
            .try_iter()
            .map(|i| i.into_any())
    }

    /// The events as a list of dicts (their JSON form).
    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.events)
    }

    /// One row per event: ``version``, ``at`` (UTC), ``user``, ``role``, ``actor_unit``,
    /// ``from_state``, ``to_state``, ``type``, ``criterion``, the score change of saves
    /// (``old_case``, ``new_case``, ``old_points``, ``new_points``) and ``reason`` (rework,
    /// unlock). Needs pandas (``pip install 'chamdiem[pandas]'``).
    #[pyo3(signature = (*, exact=false))]
    fn to_pandas<'py>(&self, py: Python<'py>, exact: bool) -> PyResult<Bound<'py, PyAny>> {
        frames::to_frame(py, frames::history_columns(&self.events), exact)
    }

    fn __repr__(&self) -> String {
        format!("History({} events)", self.events.len())
    }
}

/// One command an actor could issue, and whether its guard allows it now.
#[pyclass(module = "chamdiem", frozen)]
pub struct ActionStatus {
    pub(crate) inner: chamdiem::ActionStatus,
}

#[pymethods]
impl ActionStatus {
    /// The command (``"submit"`` ...).
    #[getter]
    fn command(&self) -> &'static str {
        self.inner.command.as_str()
    }
    /// The button's label, in the manual's Vietnamese.
    #[getter]
    fn label(&self) -> &'static str {
        self.inner.command.label_vi()
    }
    /// Whether it would be accepted now (for commands that take input: if the input is valid).
    #[getter]
    fn allowed(&self) -> bool {
        self.inner.allowed
    }
    /// Why not: the :class:`chamdiem.Error` the command would raise (not raised), or ``None``.
    #[getter]
    fn reason<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.inner.reason {
            Some(e) => to_exception(py, e),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// ``{"command", "allowed", "reason": {"code", "message", "details"} | None}``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        match &self.inner.reason {
            None => format!("ActionStatus({:?}, allowed)", self.inner.command.as_str()),
            Some(e) => format!(
                "ActionStatus({:?}, refused: {})",
                self.inner.command.as_str(),
                e.code()
            ),
        }
    }
}

/// A dossier as one actor may see it. Hosts show views, never raw dossiers.
#[pyclass(module = "chamdiem", frozen)]
pub struct DossierView {
    pub(crate) inner: chamdiem::DossierView,
}

#[pymethods]
impl DossierView {
    /// The role the view was made for.
    #[getter]
    fn role(&self) -> &'static str {
        self.inner.role.as_str()
    }
    /// Whether the review is included.
    #[getter]
    fn review_visible(&self) -> bool {
        self.inner.review_visible
    }
    /// The dossier, with what the actor may not see removed (a copy).
    #[getter]
    fn dossier(&self) -> Dossier {
        Dossier {
            inner: self.inner.dossier.clone(),
        }
    }
    /// The results as this actor may see them.
    fn results(&self, set: &Bound<'_, CriteriaSet>) -> PyResult<Results> {
        self.inner
            .results(set_ref(set))
            .or_raise()
            .map(Results::wrap)
    }
    /// The JSON form.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }
    /// The JSON form as Python data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "DossierView(role={:?}, review_visible={}, dossier={:?})",
            self.inner.role.as_str(),
            self.inner.review_visible,
            self.inner.dossier.id()
        )
    }
}

/// The pre-submit check: ``blockers`` (what ``submit`` would refuse, as
/// :class:`chamdiem.Missing`) and ``warnings`` (worth a second look; they do not block).
#[pyclass(module = "chamdiem", frozen)]
pub struct Precheck {
    pub(crate) inner: chamdiem::workflow::Precheck,
}

#[pymethods]
impl Precheck {
    /// What ``submit``'s guard would refuse.
    #[getter]
    fn blockers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        missing_list(py, &self.inner.blockers).map(|l| l.into_any())
    }
    /// Warnings, each with ``code``, ``criterion`` and ``message``.
    #[getter]
    fn warnings(&self) -> Vec<PrecheckWarning> {
        self.inner
            .warnings
            .iter()
            .map(|w| PrecheckWarning {
                code: serde_json::to_value(w.code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                criterion: w.criterion.clone(),
                message: w.message.clone(),
            })
            .collect()
    }
    /// Whether nothing blocks the submission.
    #[getter]
    fn ok(&self) -> bool {
        self.inner.blockers.is_empty()
    }
    /// ``{"blockers": [...], "warnings": [...]}``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "Precheck(blockers={}, warnings={})",
            self.inner.blockers.len(),
            self.inner.warnings.len()
        )
    }
}

/// A pre-submit warning.
#[pyclass(module = "chamdiem", frozen, get_all)]
pub struct PrecheckWarning {
    /// ``"full_points_without_evidence"``, ``"above_last_review"`` or
    /// ``"total_above_last_review"``.
    code: String,
    /// The criterion concerned, if one.
    criterion: Option<String>,
    /// For people.
    message: String,
}

#[pymethods]
impl PrecheckWarning {
    fn __repr__(&self) -> String {
        format!(
            "PrecheckWarning(code={:?}, criterion={:?})",
            self.code, self.criterion
        )
    }
}
