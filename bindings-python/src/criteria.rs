//! Criteria sets: groups, criteria, evaluation cases, classification bands.

use crate::convert::{decimal_arg, json_arg, py_opt_decimal, to_py};
use crate::error::OrRaise;
use chamdiem::Decimal;
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// A validated, immutable criteria set (bộ chỉ tiêu): nested groups whose leaves are criteria,
/// each with its evaluation cases.
///
/// Load it with :meth:`from_json`, :meth:`from_compact` (the compact TOML form),
/// :meth:`parse` (either), :meth:`load` (a file) or :meth:`from_dict`. Iterating a set yields its
/// criteria in reading order; ``len(set)`` is their number and ``"1.2" in set`` tests a code.
#[pyclass(module = "chamdiem", frozen)]
pub struct CriteriaSet {
    pub(crate) inner: Arc<chamdiem::CriteriaSet>,
}

impl CriteriaSet {
    pub(crate) fn wrap(set: chamdiem::CriteriaSet) -> Self {
        CriteriaSet {
            inner: Arc::new(set),
        }
    }
}

#[pymethods]
impl CriteriaSet {
    /// Reads and validates the JSON form (``{"format": "chamdiem.criteria_set", ...}``).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let set = py.detach(|| chamdiem::CriteriaSet::from_json(text));
        set.or_raise().map(Self::wrap)
    }

    /// Reads and validates the compact TOML form.
    #[staticmethod]
    fn from_compact(py: Python<'_>, text: &str) -> PyResult<Self> {
        let set = py.detach(|| chamdiem::CriteriaSet::from_compact(text));
        set.or_raise().map(Self::wrap)
    }

    /// Reads either form: JSON when the text starts with ``{``, the compact form otherwise.
    #[staticmethod]
    fn parse(py: Python<'_>, text: &str) -> PyResult<Self> {
        let set = py.detach(|| chamdiem::CriteriaSet::parse(text));
        set.or_raise().map(Self::wrap)
    }

    /// Reads a file: ``.json`` files as JSON, ``.toml`` files as the compact form, others by
    /// their first character (see :meth:`parse`).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| PyOSError::new_err(format!("{}: {e}", path.display())))?;
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let set = py.detach(|| match ext {
            "json" => chamdiem::CriteriaSet::from_json(&text),
            "toml" => chamdiem::CriteriaSet::from_compact(&text),
            _ => chamdiem::CriteriaSet::parse(&text),
        });
        set.or_raise().map(Self::wrap)
    }

    /// Reads the JSON document given as Python data (a ``dict``), or as a JSON string.
    #[staticmethod]
    fn from_dict(doc: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value = json_arg(doc, "the criteria set")?;
        chamdiem::CriteriaSet::from_json_value(value)
            .or_raise()
            .map(Self::wrap)
    }

    /// Stable id (``"iso-so-2026"``).
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }
    /// Revision of this id: a changed set gets a new revision; dossiers keep theirs.
    #[getter]
    fn revision(&self) -> u32 {
        self.inner.revision()
    }
    /// Display name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }
    /// Longer description (may be empty).
    #[getter]
    fn description(&self) -> &str {
        self.inner.description()
    }
    /// Decimal places scaled values are rounded to.
    #[getter]
    fn precision(&self) -> u32 {
        self.inner.precision()
    }
    /// Whether an explanation may stand in for required evidence.
    #[getter]
    fn explanation_instead_of_evidence(&self) -> bool {
        self.inner.explanation_instead_of_evidence()
    }
    /// Classification bands, highest threshold first.
    #[getter]
    fn bands(&self) -> Vec<Band> {
        self.inner
            .bands()
            .iter()
            .map(|b| Band {
                label: b.label.clone(),
                min_percent: b.min_percent,
            })
            .collect()
    }

    /// Every group, in pre-order (a group, then its subgroups).
    fn groups(&self) -> Vec<Group> {
        (0..self.inner.groups().len())
            .map(|i| Group {
                set: self.inner.clone(),
                index: i,
            })
            .collect()
    }

    /// The top-level groups.
    fn top_groups(&self) -> Vec<Group> {
        self.inner
            .roots()
            .iter()
            .map(|&i| Group {
                set: self.inner.clone(),
                index: i,
            })
            .collect()
    }

    /// Every criterion, in reading order.
    fn criteria(&self) -> Vec<Criterion> {
        (0..self.inner.criteria().len())
            .map(|i| Criterion {
                set: self.inner.clone(),
                index: i,
            })
            .collect()
    }

    /// The group with this code, or ``None``.
    fn group(&self, code: &str) -> Option<Group> {
        self.inner.group_position(code).map(|i| Group {
            set: self.inner.clone(),
            index: i,
        })
    }

    /// The criterion with this code, or ``None``.
    fn criterion(&self, code: &str) -> Option<Criterion> {
        self.inner.criterion_position(code).map(|i| Criterion {
            set: self.inner.clone(),
            index: i,
        })
    }

    /// The classification (band label) of ``points`` out of ``max``, compared exactly as
    /// ``points × 100 ≥ threshold × max``; ``None`` below every band or when ``max`` is 0.
    fn classify(
        &self,
        points: &Bound<'_, PyAny>,
        max: &Bound<'_, PyAny>,
    ) -> PyResult<Option<String>> {
        let p = decimal_arg(points, "points")?;
        let m = decimal_arg(max, "max")?;
        Ok(self.inner.classify(p, m).map(str::to_owned))
    }

    /// The JSON form; ``indent=True`` indents it for people.
    #[pyo3(signature = (indent=false))]
    fn to_json(&self, indent: bool) -> String {
        if indent {
            self.inner.to_json_pretty()
        } else {
            self.inner.to_json()
        }
    }

    /// The compact TOML form (:meth:`from_compact` reads it back equal).
    fn to_compact(&self) -> String {
        self.inner.to_compact()
    }

    /// The JSON document as Python data (decimals as strings, as in JSON).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.to_doc())
    }

    fn __len__(&self) -> usize {
        self.inner.criteria().len()
    }

    fn __contains__(&self, code: &str) -> bool {
        self.inner.criterion_position(code).is_some()
    }

    fn __iter__(slf: PyRef<'_, Self>) -> CriterionIter {
        CriterionIter {
            set: slf.inner.clone(),
            next: 0,
        }
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<CriteriaSet>() {
            Ok(o) => *self.inner == *o.get().inner,
            Err(_) => false,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "CriteriaSet(id={:?}, revision={}, name={:?}, groups={}, criteria={})",
            self.inner.id(),
            self.inner.revision(),
            self.inner.name(),
            self.inner.groups().len(),
            self.inner.criteria().len()
        )
    }
}

/// A criteria-set argument.
pub(crate) fn set_ref<'a>(set: &'a Bound<'_, CriteriaSet>) -> &'a chamdiem::CriteriaSet {
    &set.get().inner
}

/// Iterates the criteria of a set.
#[pyclass(module = "chamdiem")]
pub struct CriterionIter {
    set: Arc<chamdiem::CriteriaSet>,
    next: usize,
}

#[pymethods]
impl CriterionIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }
    fn __next__(&mut self) -> Option<Criterion> {
        (self.next < self.set.criteria().len()).then(|| {
            self.next += 1;
            Criterion {
                set: self.set.clone(),
                index: self.next - 1,
            }
        })
    }
}

/// A classification band: totals at or above ``min_percent`` of the maximum get ``label``.
#[pyclass(module = "chamdiem", frozen, get_all)]
pub struct Band {
    /// The classification (``"Xuất sắc"``, ``"Tốt"`` ...).
    label: String,
    /// The lowest percentage (0–100) that earns this band.
    min_percent: Decimal,
}

#[pymethods]
impl Band {
    fn __repr__(&self) -> String {
        format!(
            "Band(label={:?}, min_percent={})",
            self.label, self.min_percent
        )
    }
}

/// A criteria group (nhóm chỉ tiêu) of a set.
#[pyclass(module = "chamdiem", frozen)]
pub struct Group {
    set: Arc<chamdiem::CriteriaSet>,
    index: usize,
}

impl Group {
    fn node(&self) -> &chamdiem::criteria::GroupNode {
        &self.set.groups()[self.index]
    }
    fn codes(&self, idx: impl Iterator<Item = usize>) -> Vec<String> {
        idx.map(|i| self.set.criteria()[i].criterion.code.clone())
            .collect()
    }
}

#[pymethods]
impl Group {
    /// Code, unique in the set (``"1"``, ``"2.3"``).
    #[getter]
    fn code(&self) -> &str {
        &self.node().code
    }
    /// Title.
    #[getter]
    fn title(&self) -> &str {
        &self.node().title
    }
    /// Description (may be empty).
    #[getter]
    fn description(&self) -> &str {
        &self.node().description
    }
    /// ``"standard"``, ``"bonus"`` or ``"penalty"``.
    #[getter]
    fn kind(&self) -> &'static str {
        self.node().kind.as_str()
    }
    /// The cap of a bonus or penalty group.
    #[getter]
    fn cap<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_decimal(py, self.node().cap)
    }
    /// The parent group's code (``None`` at the top level).
    #[getter]
    fn parent(&self) -> Option<&str> {
        self.node()
            .parent
            .map(|p| self.set.groups()[p].code.as_str())
    }
    /// 0 for top-level groups.
    #[getter]
    fn depth(&self) -> usize {
        self.node().depth
    }
    /// The codes of the nested groups.
    #[getter]
    fn subgroups(&self) -> Vec<String> {
        self.node()
            .groups
            .iter()
            .map(|&g| self.set.groups()[g].code.clone())
            .collect()
    }
    /// The codes of the group's own criteria.
    #[getter]
    fn criteria(&self) -> Vec<String> {
        self.codes(self.node().criteria.iter().copied())
    }
    /// The codes of every criterion in this group and below.
    #[getter]
    fn all_criteria(&self) -> Vec<String> {
        self.codes(self.node().all_criteria.clone())
    }

    /// The group's fields as a ``dict``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let n = self.node();
        let v = serde_json::json!({
            "code": n.code,
            "title": n.title,
            "description": n.description,
            "kind": n.kind.as_str(),
            "cap": n.cap.map(|c| c.to_string()),
            "parent": self.parent(),
            "depth": n.depth,
            "subgroups": self.subgroups(),
            "criteria": self.criteria(),
        });
        crate::convert::json_to_py(py, &v)
    }

    fn __repr__(&self) -> String {
        let n = self.node();
        format!(
            "Group(code={:?}, title={:?}, kind={:?}, criteria={})",
            n.code,
            n.title,
            n.kind.as_str(),
            n.all_criteria.len()
        )
    }
}

/// A criterion (chỉ tiêu) of a set, with its derived bounds.
#[pyclass(module = "chamdiem", frozen)]
pub struct Criterion {
    set: Arc<chamdiem::CriteriaSet>,
    index: usize,
}

impl Criterion {
    fn node(&self) -> &chamdiem::criteria::CriterionNode {
        &self.set.criteria()[self.index]
    }
    fn c(&self) -> &chamdiem::criteria::Criterion {
        &self.node().criterion
    }
}

#[pymethods]
impl Criterion {
    /// Code, unique in the set (``"2.3.a"``).
    #[getter]
    fn code(&self) -> &str {
        &self.c().code
    }
    /// Title.
    #[getter]
    fn title(&self) -> &str {
        &self.c().title
    }
    /// Guidance for the unit (may be empty).
    #[getter]
    fn guidance(&self) -> &str {
        &self.c().guidance
    }
    /// ``"choice"``, ``"banded"`` or ``"scaled"``.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.c().kind {
            chamdiem::criteria::CriterionKind::Choice => "choice",
            chamdiem::criteria::CriterionKind::Banded => "banded",
            chamdiem::criteria::CriterionKind::Scaled => "scaled",
        }
    }
    /// ``"none"``, ``"optional"`` or ``"required"``.
    #[getter]
    fn evidence(&self) -> &'static str {
        match self.c().evidence {
            chamdiem::criteria::EvidenceRule::None => "none",
            chamdiem::criteria::EvidenceRule::Optional => "optional",
            chamdiem::criteria::EvidenceRule::Required => "required",
        }
    }
    /// The code of its group.
    #[getter]
    fn group(&self) -> &str {
        &self.set.groups()[self.node().group].code
    }
    /// Its maximum points.
    #[getter]
    fn max(&self) -> Decimal {
        self.node().max
    }
    /// Its minimum points (negative for deductions).
    #[getter]
    fn min(&self) -> Decimal {
        self.node().min
    }
    /// For valued criteria: the unit of the value (``"%"``), else ``""``.
    #[getter]
    fn value_unit(&self) -> &str {
        self.c().value.as_ref().map_or("", |v| v.unit.as_str())
    }
    /// For valued criteria: the smallest value accepted.
    #[getter]
    fn value_min<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_decimal(py, self.c().value.as_ref().and_then(|v| v.min))
    }
    /// For valued criteria: the largest value accepted.
    #[getter]
    fn value_max<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_decimal(py, self.c().value.as_ref().and_then(|v| v.max))
    }
    /// For scaled criteria: ``(low, high)``, the values that earn the minimum and the maximum.
    #[getter]
    fn scale(&self) -> Option<(Decimal, Decimal)> {
        self.c().scale.map(|s| (s.low, s.high))
    }
    /// The evaluation cases.
    #[getter]
    fn cases(&self) -> Vec<Case> {
        (0..self.c().cases.len())
            .map(|i| Case {
                set: self.set.clone(),
                criterion: self.index,
                index: i,
            })
            .collect()
    }

    /// The case with this code, or ``None``.
    fn case(&self, code: &str) -> Option<Case> {
        self.c()
            .cases
            .iter()
            .position(|c| c.code == code)
            .map(|i| Case {
                set: self.set.clone(),
                criterion: self.index,
                index: i,
            })
    }

    /// The criterion as written in the JSON document.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.c())
    }

    fn __repr__(&self) -> String {
        format!(
            "Criterion(code={:?}, title={:?}, kind={:?}, max={})",
            self.c().code,
            self.c().title,
            self.kind(),
            self.node().max
        )
    }
}

/// An evaluation case (trường hợp đánh giá): a label and the points it gives.
#[pyclass(module = "chamdiem", frozen)]
pub struct Case {
    set: Arc<chamdiem::CriteriaSet>,
    criterion: usize,
    index: usize,
}

impl Case {
    fn c(&self) -> &chamdiem::criteria::Case {
        &self.set.criteria()[self.criterion].criterion.cases[self.index]
    }
}

#[pymethods]
impl Case {
    /// Code, unique within the criterion (``"a"``).
    #[getter]
    fn code(&self) -> &str {
        &self.c().code
    }
    /// The label shown in the drop-down.
    #[getter]
    fn label(&self) -> &str {
        &self.c().label
    }
    /// The points (0 for a not-applicable case); may be negative (a deduction).
    #[getter]
    fn points(&self) -> Decimal {
        self.c().points()
    }
    /// Whether choosing it makes the criterion not applicable.
    #[getter]
    fn not_applicable(&self) -> bool {
        self.c().not_applicable
    }
    /// For banded criteria: the values it covers, as written (``"[90, 100]"``).
    #[getter]
    fn range(&self) -> Option<String> {
        self.c().range.as_ref().map(|r| r.to_string())
    }

    /// The case as written in the JSON document.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.c())
    }

    fn __repr__(&self) -> String {
        format!(
            "Case(code={:?}, label={:?}, points={}{})",
            self.c().code,
            self.c().label,
            self.c().points(),
            if self.c().not_applicable {
                ", not_applicable=True"
            } else {
                ""
            }
        )
    }
}
