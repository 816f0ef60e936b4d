//! The browser package of chamdiem: the core in WebAssembly (wasm-bindgen).
//!
//! Thin by design: every exported method converts its arguments, calls the core, and maps the
//! core's error to a JavaScript error (see `error.rs`). Data cross the boundary as the core's
//! JSON forms (decimals as strings); the files mirror the core's modules and the Node package's.
//!
//! The package's entry point (`js/index.js`) loads this module, re-exports it with the error
//! classes and adds `evaluate`; `docs/js-api.md` is the contract, shared with the Node package.

#[cfg(feature = "bench")]
mod bench;
mod convert;
mod criteria;
mod dossier;
mod error;
mod scoring;
mod workflow;

pub use criteria::CriteriaSet;
pub use dossier::Dossier;
pub use scoring::{EvaluationInput, rank};

use wasm_bindgen::prelude::*;

// The generated `.d.ts` names the domain types (docs/js-api.md); they are the hand-written types
// shared with the Node package, next to it in the package as `types.d.ts`.
#[wasm_bindgen(typescript_custom_section)]
const DOMAIN_TYPES: &str = r#"import type {
  ActionStatus, Actor, Command, CriteriaSetDocument, CriterionInfo, DossierDocument, DossierView,
  Entry, ErrorCode, Evaluation, Event, GroupInfo, OpenDossier, Precheck, Ranking, Results,
  ResultsFilter, SetRef, State, Unit,
} from "./types.js";"#;

/// The library version (the core crate's).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Every stable error code of the core, in declaration order.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCode[]")]
pub fn error_codes() -> Vec<String> {
    chamdiem::Error::CODES
        .iter()
        .map(|c| (*c).to_owned())
        .collect()
}
