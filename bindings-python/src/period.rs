//! Periods (kỳ đánh giá): a year's assessment, its criteria sets per kind of unit, deadlines.

use crate::convert::{json_arg, opt_timestamp_arg, py_opt_timestamp, timestamp_arg, to_py};
use crate::criteria::{CriteriaSet, set_ref};
use crate::dossier::Dossier;
use crate::error::{OrRaise, invalid_input, map_err};
use crate::unit::{actor_arg, unit_arg};
use chamdiem::{PeriodSet, SetRef, UnitKind};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// An assessment period, e.g. the year 2026: ``Period(id, name, assessing_unit, criteria_sets,
/// *, year=None, self_deadline=None, requires_report=False)``.
///
/// ``criteria_sets`` maps each kind of assessed unit (``"department"``, ``"district"`` ...) to
/// its :class:`CriteriaSet` or to an ``(id, revision)`` pair.
#[pyclass(module = "chamdiem", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct Period {
    pub(crate) inner: chamdiem::Period,
}

fn kind(k: &str) -> PyResult<UnitKind> {
    UnitKind::parse(k).ok_or_else(|| {
        map_err(invalid_input(
            "criteria_sets",
            format!(
                "unknown unit kind `{k}`; known: {}",
                UnitKind::ALL.map(|k| k.as_str()).join(", ")
            ),
        ))
    })
}

#[pymethods]
impl Period {
    #[new]
    #[pyo3(signature = (id, name, assessing_unit, criteria_sets, *, year=None, self_deadline=None, requires_report=false))]
    fn new(
        id: String,
        name: String,
        assessing_unit: String,
        criteria_sets: &Bound<'_, PyDict>,
        year: Option<i32>,
        self_deadline: Option<&Bound<'_, PyAny>>,
        requires_report: bool,
    ) -> PyResult<Self> {
        let mut sets = Vec::new();
        for (k, v) in criteria_sets.iter() {
            let unit_kind = kind(&k.extract::<String>()?)?;
            let criteria_set = if let Ok(s) = v.cast::<CriteriaSet>() {
                let s = set_ref(s);
                SetRef {
                    id: s.id().to_owned(),
                    revision: s.revision(),
                }
            } else {
                let (id, revision): (String, u32) = v.extract().map_err(|_| {
                    PyTypeError::new_err(
                        "criteria_sets: each value is a CriteriaSet or an (id, revision) pair",
                    )
                })?;
                SetRef { id, revision }
            };
            sets.push(PeriodSet {
                unit_kind,
                criteria_set,
            });
        }
        let mut p = chamdiem::Period::new(id, name, assessing_unit, sets);
        p.year = year;
        p.self_deadline = opt_timestamp_arg(self_deadline, "self_deadline")?;
        p.requires_report = requires_report;
        p.validate().or_raise()?;
        Ok(Period { inner: p })
    }

    /// Reads the JSON form (``{"format": "chamdiem.period", ...}``).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        chamdiem::Period::from_json(text)
            .or_raise()
            .map(|inner| Period { inner })
    }

    /// Reads the JSON document given as Python data.
    #[staticmethod]
    fn from_dict(doc: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value = json_arg(doc, "the period")?;
        chamdiem::Period::from_json(&value.to_string())
            .or_raise()
            .map(|inner| Period { inner })
    }

    /// Stable id (``"2026"``).
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// Display name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    /// The year assessed, if the period is a year.
    #[getter]
    fn year(&self) -> Option<i32> {
        self.inner.year
    }
    /// The assessing unit (the province).
    #[getter]
    fn assessing_unit(&self) -> &str {
        &self.inner.assessing_unit
    }
    /// ``{unit_kind: (set_id, revision)}``.
    #[getter]
    fn criteria_sets<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for s in &self.inner.criteria_sets {
            d.set_item(
                s.unit_kind.as_str(),
                (s.criteria_set.id.as_str(), s.criteria_set.revision),
            )?;
        }
        Ok(d)
    }
    /// The self-assessment deadline (UTC).
    #[getter]
    fn self_deadline<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_opt_timestamp(py, self.inner.self_deadline)
    }
    /// Whether units must attach the signed self-assessment report to submit.
    #[getter]
    fn requires_report(&self) -> bool {
        self.inner.requires_report
    }

    /// ``(set_id, revision)`` of the criteria set for units of ``kind``, or ``None``.
    fn set_for(&self, kind: &str) -> PyResult<Option<(String, u32)>> {
        let k = self::kind(kind)?;
        Ok(self.inner.set_for(k).map(|s| (s.id.clone(), s.revision)))
    }

    /// Opens the dossier of ``unit`` in this period against ``set`` (which must be the set the
    /// period gives units of its kind), by ``actor`` at ``now``.
    fn open_dossier(
        &self,
        dossier_id: String,
        unit: &Bound<'_, PyAny>,
        set: &Bound<'_, CriteriaSet>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<Dossier> {
        let unit = unit_arg(unit)?;
        let actor = actor_arg(actor)?;
        let now = timestamp_arg(now, "now")?;
        self.inner
            .open_dossier(dossier_id, &unit, set_ref(set), &actor, now)
            .or_raise()
            .map(|inner| Dossier { inner })
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
            "Period(id={:?}, name={:?}, assessing_unit={:?})",
            self.inner.id, self.inner.name, self.inner.assessing_unit
        )
    }
}
