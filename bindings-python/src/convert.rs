//! Conversions between Python objects and the core's values: JSON-like data, instants,
//! decimals. No rule lives here; only the shape of the data changes.

use crate::error::{invalid_input, map_err};
use chamdiem::{Decimal, Timestamp};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::{Map, Value};

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static EPOCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static ONE_MS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();
/// The last aware datetime converted, and its instant.
static LAST_INSTANT: std::sync::Mutex<Option<(Py<PyAny>, Timestamp)>> = std::sync::Mutex::new(None);

pub(crate) fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATETIME.import(py, "datetime", "datetime")
}

fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATE.import(py, "datetime", "date")
}

fn epoch(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    EPOCH
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            let dt = py.import("datetime")?;
            let utc = dt.getattr("timezone")?.getattr("utc")?;
            Ok(dt
                .getattr("datetime")?
                .call1((1970, 1, 1, 0, 0, 0, 0, utc))?
                .unbind())
        })
        .map(|e| e.bind(py))
}

fn one_ms(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    ONE_MS
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            let kwargs = PyDict::new(py);
            kwargs.set_item("milliseconds", 1)?;
            Ok(timedelta_type(py)?.call((), Some(&kwargs))?.unbind())
        })
        .map(|e| e.bind(py))
}

fn timedelta_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    TIMEDELTA.import(py, "datetime", "timedelta")
}

/// A decimal from Python: a `decimal.Decimal`, an `int` or a string. A `float` is refused: it
/// may already have been rounded to a binary fraction.
pub(crate) fn decimal_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Decimal> {
    let py = obj.py();
    if obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{what}: a float is not accepted because it may already be rounded; pass \
             decimal.Decimal(\"{}\"), a string or an int",
            obj.str()?
        )));
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected a decimal, got a bool"
        )));
    }
    if obj.is_instance_of::<PyInt>() {
        let v: i64 = obj.extract().map_err(|_| {
            PyOverflowError::new_err(format!("{what}: the integer is too large for a decimal"))
        })?;
        return Ok(Decimal::from(v));
    }
    let text = if obj.is_instance_of::<PyString>() || obj.is_instance(decimal_type(py)?)? {
        obj.str()?.to_cow()?.into_owned()
    } else {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected decimal.Decimal, str or int, got {}",
            obj.get_type().name()?
        )));
    };
    chamdiem::decimal::parse_decimal(&text).map_err(|m| map_err(invalid_input(what, m)))
}

/// An instant from Python: a timezone-aware `datetime`, or an RFC 3339 string. A naive
/// `datetime` is refused: the library never guesses a time zone.
pub(crate) fn timestamp_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Timestamp> {
    let py = obj.py();
    if let Ok(s) = obj.cast::<PyString>() {
        return Timestamp::parse(&s.to_cow()?).map_err(|m| map_err(invalid_input(what, m)));
    }
    if obj.is_instance(datetime_type(py)?)? {
        // Datetimes are immutable: a loop that passes the same `now` again gets the instant
        // converted last time (the object is kept alive, so its identity cannot be reused).
        if let Ok(last) = LAST_INSTANT.lock()
            && let Some((o, t)) = &*last
            && o.is(obj)
        {
            return Ok(*t);
        }
        if obj.call_method0("utcoffset")?.is_none() {
            return Err(PyTypeError::new_err(format!(
                "{what}: a naive datetime ({}) has no time zone, and chamdiem never guesses one; \
                 pass an aware datetime such as datetime(2026, 3, 31, 17, tzinfo=timezone.utc), \
                 or an RFC 3339 string such as \"2026-03-31T17:00:00Z\"",
                obj.str()?
            )));
        }
        let ms: i64 = obj
            .call_method1("__sub__", (epoch(py)?,))?
            .call_method1("__floordiv__", (one_ms(py)?,))?
            .extract()?;
        let t = Timestamp::from_millis(ms);
        if let Ok(mut last) = LAST_INSTANT.lock() {
            *last = Some((obj.clone().unbind(), t));
        }
        return Ok(t);
    }
    if obj.is_instance(date_type(py)?)? {
        return Err(PyTypeError::new_err(format!(
            "{what}: a date is not an instant; pass an aware datetime or an RFC 3339 string"
        )));
    }
    Err(PyTypeError::new_err(format!(
        "{what}: expected an aware datetime or an RFC 3339 string, got {}",
        obj.get_type().name()?
    )))
}

/// An optional instant (`None` allowed).
pub(crate) fn opt_timestamp_arg(
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> PyResult<Option<Timestamp>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => timestamp_arg(o, what).map(Some),
    }
}

/// A timezone-aware UTC `datetime`.
pub(crate) fn py_timestamp<'py>(py: Python<'py>, t: Timestamp) -> PyResult<Bound<'py, PyAny>> {
    let delta = one_ms(py)?.call_method1("__mul__", (t.as_millis(),))?;
    epoch(py)?.call_method1("__add__", (delta,))
}

/// An optional instant as `datetime | None`.
pub(crate) fn py_opt_timestamp<'py>(
    py: Python<'py>,
    t: Option<Timestamp>,
) -> PyResult<Bound<'py, PyAny>> {
    match t {
        Some(t) => py_timestamp(py, t),
        None => Ok(py.None().into_bound(py)),
    }
}

/// Where a value sits in the data being converted; rendered only for an error message.
enum Seg<'a> {
    Root(&'a str),
    Key(&'a Seg<'a>, &'a str),
    Index(&'a Seg<'a>, usize),
}

impl Seg<'_> {
    fn render(&self) -> String {
        match self {
            Seg::Root(r) => (*r).to_owned(),
            Seg::Key(p, k) => {
                let p = p.render();
                if p.is_empty() {
                    (*k).to_owned()
                } else {
                    format!("{p}.{k}")
                }
            }
            Seg::Index(p, i) => format!("{}[{i}]", p.render()),
        }
    }
    fn at(&self) -> String {
        let p = self.render();
        if p.is_empty() {
            "the value".to_owned()
        } else {
            format!("`{p}`")
        }
    }
}

/// A Python object (dicts, lists, strings, ints, bools, `None`, `Decimal`, aware `datetime`)
/// as JSON, for the core's JSON readers. Floats are refused (decimals are exact).
pub(crate) fn py_to_json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    to_json(obj, &Seg::Root(path))
}

fn to_json(obj: &Bound<'_, PyAny>, path: &Seg<'_>) -> PyResult<Value> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(v) = obj.extract::<i64>() {
            return Ok(Value::from(v));
        }
        if let Ok(v) = obj.extract::<u64>() {
            return Ok(Value::from(v));
        }
        return Err(PyOverflowError::new_err(format!(
            "{}: the integer is too large",
            path.at()
        )));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut m = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!(
                    "{}: dictionary keys must be strings, got {}",
                    path.at(),
                    k.get_type().name()?
                )));
            };
            let key = key.to_cow()?;
            let value = to_json(&v, &Seg::Key(path, &key))?;
            m.insert(key.into_owned(), value);
        }
        return Ok(Value::Object(m));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::with_capacity(obj.len().unwrap_or(0));
        for (i, item) in obj.try_iter()?.enumerate() {
            out.push(to_json(&item?, &Seg::Index(path, i))?);
        }
        return Ok(Value::Array(out));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{}: the float {} is not accepted because it may already be rounded; pass \
             decimal.Decimal(\"{}\") or a string",
            path.at(),
            obj.str()?,
            obj.str()?
        )));
    }
    if obj.is_instance(decimal_type(py)?)? {
        return Ok(Value::String(obj.str()?.to_cow()?.into_owned()));
    }
    if obj.is_instance(datetime_type(py)?)? || obj.is_instance(date_type(py)?)? {
        return Ok(Value::String(timestamp_arg(obj, &path.at())?.to_string()));
    }
    if let Ok(m) = obj.cast::<pyo3::types::PyMapping>() {
        let d = PyDict::new(py);
        d.update(m)?;
        return to_json(d.as_any(), path);
    }
    Err(PyTypeError::new_err(format!(
        "{}: {} cannot be converted to JSON (use dict, list, str, int, bool, None, Decimal or \
         an aware datetime)",
        path.at(),
        obj.get_type().name()?
    )))
}

/// JSON as plain Python objects (decimals stay strings, as in the JSON formats).
pub(crate) fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let items = a
                .iter()
                .map(|x| json_to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// A serializable core value as plain Python objects.
pub(crate) fn to_py<'py, T: serde::Serialize>(
    py: Python<'py>,
    v: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(v)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    json_to_py(py, &value)
}

/// A Python object read as JSON text (a `str`) or as JSON-like data (anything else).
pub(crate) fn json_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        return serde_json::from_str(&text)
            .map_err(|e| map_err(invalid_input("", format!("{what} is not valid JSON: {e}"))));
    }
    py_to_json(obj, "")
}

/// An optional decimal as `Decimal | None`.
pub(crate) fn py_opt_decimal<'py>(
    py: Python<'py>,
    d: Option<Decimal>,
) -> PyResult<Bound<'py, PyAny>> {
    match d {
        Some(d) => d.into_pyobject(py),
        None => Ok(py.None().into_bound(py)),
    }
}
