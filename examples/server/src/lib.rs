//! The reference web server of chamdiem: accounts and sessions, roles and scope,
//! administration, the JSON API under `/api/v1` with its OpenAPI document, and the HTML pages
//! that part 2 extends into every screen of the manual.
//!
//! The router is built by [`app::app`] from an [`app::AppState`], so tests drive it with
//! `tower::ServiceExt::oneshot` and no socket. `docs/server.md` describes the architecture, the
//! configuration and the API conventions.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod admin;
pub mod api;
pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod evidence;
pub mod security;
pub mod web;

pub use app::{AppState, app};
pub use config::Config;
pub use error::AppError;
