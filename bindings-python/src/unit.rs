//! Units and actors.

use crate::convert::{py_to_json, to_py};
use crate::error::{OrRaise, invalid_input, map_err};
use chamdiem::{Role, UnitKind};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;

fn parse_role(role: &str) -> PyResult<Role> {
    Role::ALL
        .into_iter()
        .find(|r| r.as_str() == role)
        .ok_or_else(|| {
            map_err(invalid_input(
                "role",
                format!("unknown role `{role}`; known: unit, reviewer, admin, viewer"),
            ))
        })
}

fn parse_kind(kind: &str) -> PyResult<UnitKind> {
    UnitKind::parse(kind).ok_or_else(|| {
        map_err(invalid_input(
            "kind",
            format!(
                "unknown unit kind `{kind}`; known: {}",
                UnitKind::ALL.map(|k| k.as_str()).join(", ")
            ),
        ))
    })
}

/// Who issues a command: ``Actor(user, role, unit)``. The host says who the user is; the core
/// decides what the actor may do. ``role`` is ``"unit"``, ``"reviewer"``, ``"admin"`` or
/// ``"viewer"``; ``unit`` is the id of the unit the user belongs to.
#[pyclass(module = "chamdiem", frozen, eq, hash, from_py_object)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Actor {
    pub(crate) inner: chamdiem::Actor,
}

#[pymethods]
impl Actor {
    #[new]
    #[pyo3(signature = (user, role, unit))]
    fn new(user: String, role: &str, unit: String) -> PyResult<Self> {
        Ok(Actor {
            inner: chamdiem::Actor::new(user, parse_role(role)?, unit),
        })
    }

    /// The user's id, recorded in the history.
    #[getter]
    fn user(&self) -> &str {
        &self.inner.user
    }

    /// ``"unit"``, ``"reviewer"``, ``"admin"`` or ``"viewer"``.
    #[getter]
    fn role(&self) -> &'static str {
        self.inner.role.as_str()
    }

    /// The id of the unit the user belongs to.
    #[getter]
    fn unit(&self) -> &str {
        &self.inner.unit
    }

    /// ``{"user": ..., "role": ..., "unit": ...}``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Actor(user={:?}, role={:?}, unit={:?})",
            self.inner.user,
            self.inner.role.as_str(),
            self.inner.unit
        )
    }
}

/// An actor argument: an [`Actor`] or a mapping `{"user", "role", "unit"}`.
pub(crate) fn actor_arg(obj: &Bound<'_, PyAny>) -> PyResult<chamdiem::Actor> {
    if let Ok(a) = obj.cast::<Actor>() {
        return Ok(a.get().inner.clone());
    }
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "actor: expected chamdiem.Actor(user, role, unit) or a dict with user, role and unit",
        ));
    }
    let value = py_to_json(obj, "actor")?;
    if !value.is_object() {
        return Err(PyTypeError::new_err(
            "actor: expected chamdiem.Actor(user, role, unit) or a dict with user, role and unit",
        ));
    }
    serde_json::from_value(value).map_err(|e| map_err(invalid_input("actor", e.to_string())))
}

/// An organisation in the tree of units: ``Unit(id, code, name, kind, parent=None)``.
/// ``kind`` is ``"province"``, ``"department"``, ``"sub_department"``, ``"district"`` or
/// ``"commune"``.
#[pyclass(module = "chamdiem", frozen, eq, from_py_object)]
#[derive(Clone, PartialEq)]
pub struct Unit {
    pub(crate) inner: chamdiem::Unit,
}

#[pymethods]
impl Unit {
    #[new]
    #[pyo3(signature = (id, code, name, kind, parent=None))]
    fn new(
        id: String,
        code: String,
        name: String,
        kind: &str,
        parent: Option<String>,
    ) -> PyResult<Self> {
        let inner = chamdiem::Unit {
            id,
            code,
            name,
            kind: parse_kind(kind)?,
            parent,
        };
        inner.validate().or_raise()?;
        Ok(Unit { inner })
    }

    /// Reads ``{"id", "code", "name", "kind", "parent"}``.
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value = py_to_json(data, "")?;
        let inner: chamdiem::Unit = serde_json::from_value(value)
            .map_err(|e| map_err(invalid_input("unit", e.to_string())))?;
        inner.validate().or_raise()?;
        Ok(Unit { inner })
    }

    /// Stable id chosen by the host.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// Short code, used to order rankings.
    #[getter]
    fn code(&self) -> &str {
        &self.inner.code
    }
    /// Display name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    /// The kind of unit.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }
    /// The parent unit's id (``None`` for the root).
    #[getter]
    fn parent(&self) -> Option<&str> {
        self.inner.parent.as_deref()
    }

    /// ``{"id", "code", "name", "kind", "parent"}``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Unit(id={:?}, code={:?}, name={:?}, kind={:?}, parent={:?})",
            self.inner.id,
            self.inner.code,
            self.inner.name,
            self.inner.kind.as_str(),
            self.inner.parent
        )
    }
}

/// A unit argument: a [`Unit`] or a mapping.
pub(crate) fn unit_arg(obj: &Bound<'_, PyAny>) -> PyResult<chamdiem::Unit> {
    if let Ok(u) = obj.cast::<Unit>() {
        return Ok(u.get().inner.clone());
    }
    Ok(Unit::from_dict(obj)?.inner)
}
