//! # chamdiem
//!
//! An embeddable scoring-and-workflow engine for public-sector assessments ("chấm điểm"):
//! assessed units score themselves against a criteria set and attach evidence; the assessing
//! unit reviews, may ask for explanations over several rounds, and finishes; the dossier is
//! archived and everyone sees the results, self-assessment and review side by side.
//!
//! The crate is pure: no I/O, no clock, no randomness. The caller passes the time (`now`) and
//! the ids.
//!
//! ```
//! use chamdiem::{Actor, Command, CriteriaSet, Dossier, OpenDossier, Role, Timestamp};
//! use chamdiem::workflow::{SaveSelf, SelfInput};
//!
//! let set = CriteriaSet::from_compact(r#"
//!     id = "demo"
//!     name = "Bộ chỉ tiêu mẫu"
//!     [[group]]
//!     code = "1"
//!     title = "Công tác chỉ đạo, điều hành"
//!     [[criterion]]
//!     code = "1.1"
//!     group = "1"
//!     title = "Ban hành kế hoạch"
//!     cases = [
//!       { code = "a", label = "Đúng hạn", points = 1 },
//!       { code = "b", label = "Chậm", points = 0.5 },
//!     ]
//! "#)?;
//! let now = Timestamp::parse("2026-03-01T08:00:00+07:00").unwrap();
//! let admin = Actor::new("admin", Role::Admin, "TINH");
//! let unit = Actor::new("so.tc", Role::Unit, "SO-TC");
//! let mut dossier = Dossier::open(
//!     OpenDossier {
//!         id: "2026/SO-TC".into(),
//!         period: "2026".into(),
//!         unit: "SO-TC".into(),
//!         assessing_unit: "TINH".into(),
//!         self_deadline: None,
//!         requires_report: false,
//!     },
//!     &set,
//!     &admin,
//!     now,
//! )?;
//! let save = Command::SaveSelf(SaveSelf {
//!     base_version: Some(dossier.version()),
//!     entries: vec![SelfInput { criterion: "1.1".into(), case: Some("b".into()), ..Default::default() }],
//! });
//! dossier.execute(&set, &unit, &save, now)?;
//! dossier.execute(&set, &unit, &Command::Submit, now)?;
//! let results = chamdiem::results(&set, &dossier)?;
//! assert_eq!(results.total.self_track.points.to_string(), "0.5");
//! assert_eq!(results.total.self_track.percent.unwrap().to_string(), "50.00");
//! # Ok::<(), chamdiem::Error>(())
//! ```
#![warn(missing_docs)]

pub mod criteria;
pub mod decimal;
pub mod dossier;
pub mod error;
pub mod format;
pub mod period;
pub mod scoring;
pub mod store;
pub mod time;
pub mod unit;
pub mod workflow;

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub use criteria::{CriteriaSet, CriteriaSetDoc};
pub use dossier::{Dossier, Entry, Evidence, OpenDossier, Score, Scored, SetRef};
pub use error::{Error, Missing, MissingCode, Result};
pub use period::{Period, PeriodSet};
pub use rust_decimal::Decimal;
pub use scoring::{
    Evaluation, Ranking, Results, ResultsFilter, ResultsOptions, evaluate, evaluate_with, rank,
    results, results_with,
};
pub use time::Timestamp;
pub use unit::{Actor, Role, Unit, UnitKind};
pub use workflow::{
    ActionStatus, Change, Command, CommandName, DossierView, Event, State, available_actions,
    decide, precheck, view, visible_results,
};
