//! The conformance suite on the in-memory store.

use chamdiem::store::{FaultPlan, MemoryStore, conformance::Harness};
use std::sync::Arc;

fn make() -> Option<Harness> {
    let faults = Arc::new(FaultPlan::new());
    Some(Harness::new(
        Box::new(MemoryStore::with_faults(faults.clone())),
        faults,
    ))
}

chamdiem::store_conformance_tests!(make);
