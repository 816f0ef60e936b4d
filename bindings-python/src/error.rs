//! The core's errors as Python exceptions.
//!
//! The classes live in `chamdiem/exceptions.py` (one subclass of `chamdiem.Error` per stable
//! code, some also deriving from `ValueError` or `LookupError`); this module picks the class by
//! the error's variant and fills in its typed attributes.

use crate::convert::{json_to_py, py_opt_decimal, py_timestamp};
use chamdiem::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

static EXCEPTIONS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The `chamdiem.exceptions` module.
fn exceptions(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    EXCEPTIONS
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("chamdiem.exceptions")?.unbind())
        })
        .map(|m| m.bind(py))
}

/// Shorthand for the core's `invalid_input` error.
pub(crate) fn invalid_input(path: &str, message: impl Into<String>) -> Error {
    Error::invalid_input(path, message)
}

/// Converts a core error into the Python exception of its code.
pub(crate) fn map_err(e: Error) -> PyErr {
    Python::attach(|py| match to_exception(py, &e) {
        Ok(exc) => PyErr::from_value(exc),
        Err(failed) => failed,
    })
}

/// The exception instance (not raised) for a core error.
pub(crate) fn to_exception<'py>(py: Python<'py>, e: &Error) -> PyResult<Bound<'py, PyAny>> {
    let attrs = PyDict::new(py);
    let set = |k: &str, v: Bound<'py, PyAny>| attrs.set_item(k, v);
    let s = |v: &str| v.into_pyobject(py).map(|x| x.into_any());
    let opt_s = |v: &Option<String>| v.as_deref().into_pyobject(py).map(|x| x.into_any());
    // One arm per variant: the class name and the typed attributes of its details.
    let class = match e {
        Error::WrongState {
            command,
            state,
            allowed,
        } => {
            set("command", s(command.as_str())?)?;
            set("state", s(state.as_str())?)?;
            let allowed: Vec<&str> = allowed.iter().map(|x| x.as_str()).collect();
            set("allowed", PyList::new(py, allowed)?.into_any())?;
            "WrongState"
        }
        Error::Forbidden { command, reason } => {
            set(
                "command",
                command.map(|c| c.as_str()).into_pyobject(py)?.into_any(),
            )?;
            set("reason", s(reason)?)?;
            "Forbidden"
        }
        Error::UnknownCriterion { criterion } => {
            set("criterion", s(criterion)?)?;
            "UnknownCriterion"
        }
        Error::UnknownCase {
            criterion,
            case,
            known,
        } => {
            set("criterion", s(criterion)?)?;
            set("case", s(case)?)?;
            set("known", PyList::new(py, known)?.into_any())?;
            "UnknownCase"
        }
        Error::ValueOutOfRange {
            criterion,
            value,
            min,
            max,
            message: _,
        } => {
            set("criterion", s(criterion)?)?;
            set("value", py_opt_decimal(py, *value)?)?;
            set("min", py_opt_decimal(py, *min)?)?;
            set("max", py_opt_decimal(py, *max)?)?;
            "ValueOutOfRange"
        }
        Error::GuardFailed { command, missing } => {
            set("command", s(command.as_str())?)?;
            set("missing", missing_list(py, missing)?.into_any())?;
            "GuardFailed"
        }
        Error::DeadlinePassed {
            command,
            deadline,
            now,
        } => {
            set("command", s(command.as_str())?)?;
            set("deadline", py_timestamp(py, *deadline)?)?;
            set("now", py_timestamp(py, *now)?)?;
            "DeadlinePassed"
        }
        Error::VersionConflict {
            criterion,
            base_version,
            current_version,
            changed_by,
        } => {
            set("criterion", opt_s(criterion)?)?;
            set("base_version", base_version.into_pyobject(py)?.into_any())?;
            set(
                "current_version",
                current_version.into_pyobject(py)?.into_any(),
            )?;
            set("changed_by", opt_s(changed_by)?)?;
            "VersionConflict"
        }
        Error::InvalidInput { path, message: _ } => {
            set("path", s(path)?)?;
            "InvalidInput"
        }
        Error::InvalidCriteriaSet {
            offending_code,
            path,
            message: _,
        } => {
            set("offending_code", opt_s(offending_code)?)?;
            set("path", s(path)?)?;
            "InvalidCriteriaSet"
        }
        Error::NotFound { kind, id } => {
            set("kind", s(kind)?)?;
            set("id", s(id)?)?;
            "NotFound"
        }
        Error::AlreadyExists { kind, id } => {
            set("kind", s(kind)?)?;
            set("id", s(id)?)?;
            "AlreadyExists"
        }
        Error::Storage {
            message: _,
            transient,
        } => {
            set(
                "transient",
                transient.into_pyobject(py)?.to_owned().into_any(),
            )?;
            "Storage"
        }
        // `Error` is `#[non_exhaustive]`: a variant added to the core later still arrives as a
        // `chamdiem.Error` with its code (the tests check every code of this core has a class).
        _ => "Error",
    };
    let module = exceptions(py)?;
    let cls = if class == "Error" {
        // A code this binding does not know yet: the class registered for it, else the base.
        let table = module.getattr("ERROR_CLASSES")?;
        match table.call_method1("get", (e.code(),))? {
            c if c.is_none() => module.getattr("Error")?,
            c => c,
        }
    } else {
        module.getattr(class)?
    };
    let details = json_to_py(py, &e.details())?;
    cls.call_method1("_from_native", (e.to_string(), details, attrs))
}

/// The `missing` items of a guard as `chamdiem.Missing` tuples.
pub(crate) fn missing_list<'py>(
    py: Python<'py>,
    missing: &[chamdiem::Missing],
) -> PyResult<Bound<'py, PyList>> {
    let cls = exceptions(py)?.getattr("Missing")?;
    let items = missing
        .iter()
        .map(|m| cls.call1((m.code.as_str(), m.criterion.as_deref(), m.message.as_str())))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// Extension: `.map_err(map_err)` in one word.
pub(crate) trait OrRaise<T> {
    /// The value, or the core error as its Python exception.
    fn or_raise(self) -> PyResult<T>;
}

impl<T> OrRaise<T> for chamdiem::Result<T> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(map_err)
    }
}
