//! Node.js bindings of chamdiem (napi-rs).
//!
//! Thin by design: every exported method converts its arguments, calls the core, and maps the
//! core's error to a JavaScript error (see `error.rs`). Data cross the boundary as the core's JSON
//! forms (decimals as strings); the files mirror the core's modules.
//!
//! The JavaScript entry points (`index.js`, `index.mjs`) load this addon, give it the factory of
//! the `ChamdiemError` classes, and re-export it; `docs/js-api.md` is the contract.

// In a test build (`cargo clippy --all-targets`) napi-derive registers nothing with Node, so the
// exported functions look unused to the compiler.
#![cfg_attr(test, allow(dead_code))]

mod bench;
mod convert;
mod criteria;
mod dossier;
mod error;
mod scoring;
mod store;
mod workflow;

pub use criteria::CriteriaSet;
pub use dossier::Dossier;
pub use store::SqliteStore;

/// The library version (the core crate's).
#[napi_derive::napi]
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
