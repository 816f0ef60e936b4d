//! `chamdiem._native`: the Python binding of the chamdiem core.
//!
//! Thin by design: every method converts its arguments, calls the core, and maps the core's
//! error to the Python exception of its code. The modules mirror the core's (`criteria`,
//! `dossier`, `workflow`, `scoring`, `store`, `error`); `convert` and `frames` only change the
//! shape of data. The typed facade is `python/chamdiem/__init__.py`.

use pyo3::prelude::*;

mod convert;
mod criteria;
mod dossier;
mod error;
mod frames;
mod period;
mod scoring;
mod store;
mod unit;
mod workflow;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ERROR_CODES", chamdiem::Error::CODES.to_vec())?;
    m.add_class::<unit::Actor>()?;
    m.add_class::<unit::Unit>()?;
    m.add_class::<criteria::CriteriaSet>()?;
    m.add_class::<criteria::CriterionIter>()?;
    m.add_class::<criteria::Band>()?;
    m.add_class::<criteria::Group>()?;
    m.add_class::<criteria::Criterion>()?;
    m.add_class::<criteria::Case>()?;
    m.add_class::<period::Period>()?;
    m.add_class::<dossier::Dossier>()?;
    m.add_class::<dossier::Entry>()?;
    m.add_class::<workflow::Command>()?;
    m.add_class::<workflow::Event>()?;
    m.add_class::<workflow::History>()?;
    m.add_class::<workflow::ActionStatus>()?;
    m.add_class::<workflow::DossierView>()?;
    m.add_class::<workflow::Precheck>()?;
    m.add_class::<workflow::PrecheckWarning>()?;
    m.add_class::<scoring::Track>()?;
    m.add_class::<scoring::Totals>()?;
    m.add_class::<scoring::GroupResult>()?;
    m.add_class::<scoring::CriterionResult>()?;
    m.add_class::<scoring::Scored>()?;
    m.add_class::<scoring::Difference>()?;
    m.add_class::<scoring::Results>()?;
    m.add_class::<scoring::PeriodResults>()?;
    m.add_class::<scoring::RankingRow>()?;
    m.add_class::<scoring::RankingTable>()?;
    m.add_class::<scoring::Ranking>()?;
    m.add_class::<scoring::Evaluation>()?;
    m.add_function(wrap_pyfunction!(scoring::results, m)?)?;
    m.add_function(wrap_pyfunction!(scoring::rank, m)?)?;
    m.add_function(wrap_pyfunction!(scoring::evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(dossier::_execute_loop, m)?)?;
    store::register(m)?;
    Ok(())
}
