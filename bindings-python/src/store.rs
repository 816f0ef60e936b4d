//! Stores: where units, criteria sets, periods and dossiers are kept.

use pyo3::prelude::*;

/// Registers the store classes.
pub(crate) fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
