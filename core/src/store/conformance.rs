//! The conformance suite every [`Store`] passes: written once, generic over the trait.
//!
//! Our three stores run it (`core/tests/store_*.rs`); a host with its own store runs it too:
//!
//! ```
//! use chamdiem::store::{FaultPlan, MemoryStore, conformance::Harness};
//! use std::sync::Arc;
//!
//! fn make() -> Option<Harness> {
//!     let faults = Arc::new(FaultPlan::new());
//!     Some(Harness::new(Box::new(MemoryStore::with_faults(faults.clone())), faults))
//! }
//! // In a test file: `chamdiem::store_conformance_tests!(make);` makes one #[test] per case.
//! chamdiem::store::conformance::units(&make().unwrap());
//! ```
//!
//! Each case starts from an empty store and panics (like `assert!`) on the first mismatch.

use super::{DossierQuery, FaultPlan, Store};
use crate::criteria::CriteriaSet;
use crate::dossier::{Dossier, OpenDossier, SetRef};
use crate::error::{Error, Result};
use crate::period::{Period, PeriodSet};
use crate::time::Timestamp;
use crate::unit::{Actor, Role, Unit, UnitKind};
use crate::workflow::{
    AttachEvidence, Command, EvidenceInput, ExplanationInput, ReviewInput, SaveExplanation,
    SaveReview, SaveSelf, SelfInput, State,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A store under test, the fault plan it consults, and what to do when the case is over.
pub struct Harness {
    /// The store, empty.
    pub store: Box<dyn Store>,
    /// The plan the store consults before each underlying operation.
    pub faults: Arc<FaultPlan>,
    cleanup: Option<Box<dyn FnOnce() + Send>>,
}

impl Harness {
    /// A harness for an empty `store` wired to `faults`.
    pub fn new(store: Box<dyn Store>, faults: Arc<FaultPlan>) -> Self {
        Harness {
            store,
            faults,
            cleanup: None,
        }
    }

    /// Runs `cleanup` when the harness is dropped (even when the case panics).
    pub fn on_drop(mut self, cleanup: impl FnOnce() + Send + 'static) -> Self {
        self.cleanup = Some(Box::new(cleanup));
        self
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(f) = self.cleanup.take() {
            f();
        }
    }
}

/// Generates one `#[test]` per conformance case. `$make` is a function or closure returning
/// `Option<Harness>` for an empty store (`None` skips: the function says why).
#[macro_export]
macro_rules! store_conformance_tests {
    ($make:expr) => {
        $crate::store_conformance_tests!(@cases $make;
            units, criteria_sets, periods, dossiers, workflow_walk, refused_commands,
            version_rule, compare_and_set, history, listing, results_and_ranking,
            concurrent_updates, concurrent_compare_and_set, faults);
    };
    (@cases $make:expr; $($case:ident),*) => {
        $(
            #[test]
            fn $case() {
                if let Some(h) = ($make)() {
                    $crate::store::conformance::$case(&h);
                }
            }
        )*
    };
}

/// 2026-03-01T00:00:00Z plus `minutes`.
pub fn at(minutes: i64) -> Timestamp {
    Timestamp::from_millis(1_772_323_200_000 + minutes * 60_000)
}

/// A criteria set `id` revision `revision` with `criteria` choice criteria in groups of ten
/// (cases `a` = 1 point, `b` = 0.5, `na` not applicable); the first requires evidence.
pub fn sample_set(id: &str, revision: u32, criteria: usize) -> CriteriaSet {
    let mut groups = Vec::new();
    for g in 0..criteria.div_ceil(10) {
        let crits: Vec<serde_json::Value> = (g * 10..criteria.min(g * 10 + 10))
            .map(|i| {
                let mut c = serde_json::json!({
                    "code": format!("{}.{}", g + 1, i - g * 10 + 1),
                    "title": format!("Chỉ tiêu {}", i + 1),
                    "cases": [
                        {"code": "a", "label": "Đạt", "points": "1"},
                        {"code": "b", "label": "Đạt một phần", "points": "0.5"},
                        {"code": "na", "label": "Không áp dụng", "not_applicable": true}
                    ]
                });
                if i == 0 {
                    c["evidence"] = "required".into();
                }
                c
            })
            .collect();
        groups.push(serde_json::json!({
            "code": format!("{}", g + 1),
            "title": format!("Nhóm {}", g + 1),
            "criteria": crits
        }));
    }
    let doc = serde_json::json!({
        "format": "chamdiem.criteria_set",
        "format_version": 1,
        "id": id,
        "revision": revision,
        "name": format!("Bộ chỉ tiêu {id}"),
        "bands": [
            {"label": "Tốt", "min_percent": "80"},
            {"label": "Khá", "min_percent": "50"},
            {"label": "Yếu", "min_percent": "0"}
        ],
        "groups": groups
    });
    CriteriaSet::from_json_value(doc).expect("the sample set is valid")
}

/// A unit.
pub fn unit(id: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
    Unit {
        id: id.into(),
        code: id.into(),
        name: format!("Đơn vị {id}"),
        kind,
        parent: parent.map(Into::into),
    }
}

/// The province `P`.
pub fn admin() -> Actor {
    Actor::new("admin", Role::Admin, "P")
}
/// A member of unit `u`.
pub fn officer(user: &str, u: &str) -> Actor {
    Actor::new(user, Role::Unit, u)
}
/// A reviewer of the province `P`.
pub fn reviewer(user: &str) -> Actor {
    Actor::new(user, Role::Reviewer, "P")
}

/// Stores the province `P`, departments `D1`…`Dn`, the set `s` (criteria as given) and the
/// period `2026`; opens and stores dossier `2026/Dk` for each department. Returns the set.
pub fn seed(store: &dyn Store, departments: usize, criteria: usize) -> CriteriaSet {
    let set = sample_set("s", 1, criteria);
    store
        .insert_unit(&unit("P", UnitKind::Province, None))
        .unwrap();
    store.insert_criteria_set(&set).unwrap();
    for k in 1..=departments {
        store
            .insert_unit(&unit(&format!("D{k}"), UnitKind::Department, Some("P")))
            .unwrap();
    }
    let period = sample_period("2026");
    store.insert_period(&period).unwrap();
    for k in 1..=departments {
        let u = store.unit(&format!("D{k}")).unwrap();
        let d = period
            .open_dossier(format!("2026/D{k}"), &u, &set, &admin(), at(0))
            .unwrap();
        store.insert_dossier(&d).unwrap();
    }
    set
}

/// The period `id`, assessed by `P`, departments on set `s` revision 1.
pub fn sample_period(id: &str) -> Period {
    let mut p = Period::new(
        id,
        format!("Kỳ {id}"),
        "P",
        vec![PeriodSet {
            unit_kind: UnitKind::Department,
            criteria_set: SetRef {
                id: "s".into(),
                revision: 1,
            },
        }],
    );
    p.self_deadline = Some(at(60 * 24 * 30));
    p
}

/// A `save_self` of one criterion.
pub fn save_self(base: Option<u64>, criterion: &str, case: &str, opinion: &str) -> Command {
    Command::SaveSelf(SaveSelf {
        base_version: base,
        entries: vec![SelfInput {
            criterion: criterion.into(),
            case: Some(case.into()),
            opinion: Some(opinion.into()),
            ..Default::default()
        }],
    })
}

fn code(r: Result<impl std::fmt::Debug>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}

/// Everything a store holds, as text, read through the trait (for before/after comparisons).
pub fn dump(store: &dyn Store) -> String {
    let mut out = String::new();
    for u in store.units().unwrap() {
        out.push_str(&format!("{u:?}\n"));
    }
    for s in store.criteria_sets().unwrap() {
        let set = store.criteria_set(&s.id, s.revision).unwrap();
        out.push_str(&set.to_json());
        out.push('\n');
    }
    for p in store.periods().unwrap() {
        out.push_str(&p.to_json());
        out.push('\n');
    }
    for d in store.dossiers(&DossierQuery::default()).unwrap() {
        out.push_str(&format!("{d:?}\n"));
        out.push_str(&store.dossier(&d.id).unwrap().to_json());
        out.push('\n');
    }
    out
}

/// Units: insert, read, list, update; duplicates, missing parents, invalid units.
pub fn units(h: &Harness) {
    let s = &*h.store;
    let p = unit("P", UnitKind::Province, None);
    s.insert_unit(&p).unwrap();
    assert_eq!(code(s.insert_unit(&p)), "already_exists");
    assert_eq!(
        code(s.insert_unit(&unit("X", UnitKind::Department, Some("nope")))),
        "not_found"
    );
    assert_eq!(
        code(s.insert_unit(&unit(" ", UnitKind::Department, None))),
        "invalid_input"
    );
    let d2 = unit("D2", UnitKind::Department, Some("P"));
    let d1 = unit("D1", UnitKind::Department, Some("P"));
    s.insert_unit(&d2).unwrap();
    s.insert_unit(&d1).unwrap();
    assert_eq!(s.unit("D1").unwrap(), d1);
    assert_eq!(code(s.unit("D9")), "not_found");
    assert_eq!(s.units().unwrap(), vec![d1.clone(), d2, p]);
    let mut renamed = d1.clone();
    renamed.name = "Sở Tài chính".into();
    renamed.code = "SO-TC".into();
    s.update_unit(&renamed).unwrap();
    assert_eq!(s.unit("D1").unwrap(), renamed);
    assert_eq!(
        code(s.update_unit(&unit("D9", UnitKind::Department, None))),
        "not_found"
    );
    let mut orphan = renamed;
    orphan.parent = Some("nope".into());
    assert_eq!(code(s.update_unit(&orphan)), "not_found");
}

/// Criteria sets are immutable: same content again is fine, other content is `already_exists`.
pub fn criteria_sets(h: &Harness) {
    let s = &*h.store;
    let set = sample_set("s", 1, 12);
    s.insert_criteria_set(&set).unwrap();
    s.insert_criteria_set(&set).unwrap();
    assert_eq!(s.criteria_set("s", 1).unwrap(), set);
    let changed = sample_set("s", 1, 13);
    assert_eq!(code(s.insert_criteria_set(&changed)), "already_exists");
    assert_eq!(s.criteria_set("s", 1).unwrap(), set);
    let r2 = sample_set("s", 2, 13);
    s.insert_criteria_set(&r2).unwrap();
    s.insert_criteria_set(&sample_set("a", 1, 1)).unwrap();
    let listed: Vec<(String, u32)> = s
        .criteria_sets()
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i.revision))
        .collect();
    assert_eq!(
        listed,
        vec![("a".into(), 1), ("s".into(), 1), ("s".into(), 2)]
    );
    assert_eq!(s.criteria_sets().unwrap()[1].name, "Bộ chỉ tiêu s");
    assert_eq!(code(s.criteria_set("s", 3)), "not_found");
}

/// Periods: their units and sets must be stored; insert, read, list, update.
pub fn periods(h: &Harness) {
    let s = &*h.store;
    let p = sample_period("2026");
    assert_eq!(code(s.insert_period(&p)), "not_found");
    s.insert_unit(&unit("P", UnitKind::Province, None)).unwrap();
    assert_eq!(code(s.insert_period(&p)), "not_found");
    s.insert_criteria_set(&sample_set("s", 1, 3)).unwrap();
    s.insert_period(&p).unwrap();
    assert_eq!(code(s.insert_period(&p)), "already_exists");
    assert_eq!(s.period("2026").unwrap(), p);
    let mut moved = p.clone();
    moved.self_deadline = Some(at(99_999));
    moved.name = "Năm 2026".into();
    s.update_period(&moved).unwrap();
    assert_eq!(s.period("2026").unwrap(), moved);
    assert_eq!(code(s.update_period(&sample_period("2030"))), "not_found");
    s.insert_period(&sample_period("2025")).unwrap();
    let ids: Vec<String> = s.periods().unwrap().into_iter().map(|p| p.id).collect();
    assert_eq!(ids, vec!["2025", "2026"]);
    assert_eq!(code(s.period("1999")), "not_found");
    let mut bad = sample_period("2027");
    bad.criteria_sets.clear();
    assert_eq!(code(s.insert_period(&bad)), "invalid_input");
}

/// Dossiers: stored with their history and read back equal; duplicates and missing
/// references refused.
pub fn dossiers(h: &Harness) {
    let s = &*h.store;
    let set = seed(s, 2, 12);
    let d1 = s.dossier("2026/D1").unwrap();
    let period = s.period("2026").unwrap();
    let fresh = period
        .open_dossier("2026/D1", &s.unit("D1").unwrap(), &set, &admin(), at(0))
        .unwrap();
    assert_eq!(d1, fresh);
    assert_eq!(d1.history().len(), 1);
    let state = s.dossier_state("2026/D1").unwrap();
    assert!(state.history().is_empty());
    assert_eq!(state.entries(), d1.entries());
    assert_eq!(state.version(), 1);
    assert_eq!(code(s.insert_dossier(&fresh)), "already_exists");
    let other = period
        .open_dossier("other", &s.unit("D1").unwrap(), &set, &admin(), at(0))
        .unwrap();
    assert_eq!(code(s.insert_dossier(&other)), "already_exists");
    assert_eq!(code(s.dossier("nope")), "not_found");
    assert_eq!(code(s.dossier_state("nope")), "not_found");
    let spec = |unit: &str, period: &str| OpenDossier {
        id: format!("x/{unit}/{period}"),
        period: period.into(),
        unit: unit.into(),
        assessing_unit: "P".into(),
        self_deadline: None,
        requires_report: false,
    };
    let lost = Dossier::open(spec("D1", "1999"), &set, &admin(), at(0)).unwrap();
    assert_eq!(code(s.insert_dossier(&lost)), "not_found");
    let lost = Dossier::open(spec("D7", "2026"), &set, &admin(), at(0)).unwrap();
    assert_eq!(code(s.insert_dossier(&lost)), "not_found");
    let unknown_set = sample_set("zz", 1, 2);
    let lost = Dossier::open(spec("D2", "2026"), &unknown_set, &admin(), at(0)).unwrap();
    assert_eq!(code(s.insert_dossier(&lost)), "not_found");
    // A dossier must come with its whole history and match its criteria set.
    s.insert_unit(&unit("D3", UnitKind::Department, Some("P")))
        .unwrap();
    let d3 = period
        .open_dossier("2026/D3", &s.unit("D3").unwrap(), &set, &admin(), at(0))
        .unwrap();
    let mut headless = d3.clone();
    headless.history.clear();
    assert_eq!(code(s.insert_dossier(&headless)), "invalid_input");
    let mut short = d3.clone();
    short.entries.truncate(1);
    assert_eq!(code(s.insert_dossier(&short)), "invalid_input");
    s.insert_dossier(&d3).unwrap();
    assert_eq!(s.dossier("2026/D3").unwrap(), d3);
}

fn walk() -> Vec<(Actor, Command)> {
    let u = || officer("d1.officer", "D1");
    let r = || reviewer("p.reviewer");
    let mut steps = vec![(
        u(),
        Command::SaveSelf(SaveSelf {
            base_version: Some(1),
            entries: (1..=3)
                .map(|i| SelfInput {
                    criterion: format!("1.{i}"),
                    case: Some(if i == 2 { "b" } else { "a" }.into()),
                    opinion: Some(format!("ý kiến {i}")),
                    ..Default::default()
                })
                .collect(),
        }),
    )];
    steps.push((
        u(),
        Command::AttachEvidence(AttachEvidence {
            criterion: Some("1.1".into()),
            evidence: EvidenceInput {
                id: "ev-1".into(),
                file_name: "kế hoạch.pdf".into(),
                size: 1234,
                media_type: "application/pdf".into(),
                sha256: "ab".repeat(32),
            },
        }),
    ));
    steps.push((u(), Command::Submit));
    steps.push((
        r(),
        Command::SaveReview(SaveReview {
            base_version: None,
            entries: vec![
                ReviewInput {
                    criterion: "1.1".into(),
                    case: Some("b".into()),
                    opinion: Some("thiếu minh chứng".into()),
                    request_explanation: Some(true),
                    request_note: Some("giải trình".into()),
                    ..Default::default()
                },
                ReviewInput {
                    criterion: "1.2".into(),
                    case: Some("b".into()),
                    ..Default::default()
                },
                ReviewInput {
                    criterion: "1.3".into(),
                    case: Some("a".into()),
                    ..Default::default()
                },
            ],
        }),
    ));
    steps.push((
        r(),
        Command::RequestExplanation {
            deadline: Some(at(60 * 24 * 60)),
        },
    ));
    steps.push((
        u(),
        Command::SaveExplanation(SaveExplanation {
            base_version: None,
            entries: vec![ExplanationInput {
                criterion: "1.1".into(),
                explanation: Some("đã bổ sung".into()),
                explained: Some(true),
                ..Default::default()
            }],
        }),
    ));
    steps.push((u(), Command::FinishExplanation));
    steps.push((
        r(),
        Command::SaveReview(SaveReview {
            base_version: None,
            entries: vec![ReviewInput {
                criterion: "1.1".into(),
                case: Some("a".into()),
                ..Default::default()
            }],
        }),
    ));
    steps.push((r(), Command::FinishReview));
    steps.push((r(), Command::Archive));
    steps
}

/// The manual's walk through the store: after every command the stored dossier equals the
/// same dossier worked in memory, history included.
pub fn workflow_walk(h: &Harness) {
    let s = &*h.store;
    let set = seed(s, 1, 3);
    let mut reference = s.dossier("2026/D1").unwrap();
    for (i, (actor, cmd)) in walk().into_iter().enumerate() {
        let now = at(10 + i as i64);
        let expected = reference.execute(&set, &actor, &cmd, now).unwrap();
        let done = s.execute("2026/D1", &actor, &cmd, now).unwrap();
        assert_eq!(done.events, expected, "step {i}: {}", cmd.name());
        assert_eq!(done.version, reference.version());
        assert_eq!(done.state, reference.state());
        assert_eq!(s.dossier("2026/D1").unwrap(), reference, "step {i}");
        let mut state = reference.clone();
        state.history.clear();
        assert_eq!(s.dossier_state("2026/D1").unwrap(), state, "step {i}");
    }
    assert_eq!(reference.state(), State::Completed);
    assert_eq!(s.history("2026/D1").unwrap(), reference.history().to_vec());
}

/// A refused command returns the workflow's error and changes nothing; a command that
/// changes nothing records nothing.
pub fn refused_commands(h: &Harness) {
    let s = &*h.store;
    seed(s, 1, 3);
    let before = dump(s);
    let u = officer("d1.officer", "D1");
    assert_eq!(
        code(s.execute("2026/D1", &u, &Command::Submit, at(1))),
        "guard_failed"
    );
    assert_eq!(
        code(s.execute("2026/D1", &reviewer("r"), &Command::FinishReview, at(1))),
        "wrong_state"
    );
    assert_eq!(
        code(s.execute("2026/D1", &officer("x", "D9"), &Command::Submit, at(1))),
        "forbidden"
    );
    assert_eq!(
        code(s.execute("2026/D1", &u, &save_self(None, "9.9", "a", ""), at(1))),
        "unknown_criterion"
    );
    assert_eq!(
        code(s.execute("2026/D1", &u, &save_self(None, "1.1", "zz", ""), at(1))),
        "unknown_case"
    );
    assert_eq!(
        code(s.execute(
            "2026/D1",
            &u,
            &save_self(None, "1.1", "a", ""),
            at(60 * 24 * 365)
        )),
        "deadline_passed"
    );
    assert_eq!(
        code(s.execute("nope", &u, &Command::Submit, at(1))),
        "not_found"
    );
    assert_eq!(dump(s), before);
    let done = s
        .execute("2026/D1", &u, &save_self(Some(1), "1.1", "a", "x"), at(2))
        .unwrap();
    assert_eq!(done.version, 2);
    let after = dump(s);
    let again = s
        .execute("2026/D1", &u, &save_self(Some(2), "1.1", "a", "x"), at(3))
        .unwrap();
    assert!(again.events.is_empty());
    assert_eq!(again.version, 2);
    assert_eq!(dump(s), after);
}

/// The per-entry version rule: saves of different entries from the same base both land; a
/// save of an entry someone else changed since is `version_conflict`; one's own is not.
pub fn version_rule(h: &Harness) {
    let s = &*h.store;
    seed(s, 1, 3);
    let a = officer("a", "D1");
    let b = officer("b", "D1");
    s.execute("2026/D1", &a, &save_self(Some(1), "1.1", "a", "a1"), at(1))
        .unwrap();
    s.execute("2026/D1", &b, &save_self(Some(1), "1.2", "a", "b1"), at(2))
        .unwrap();
    let err = s
        .execute("2026/D1", &b, &save_self(Some(1), "1.1", "b", "b2"), at(3))
        .unwrap_err();
    match &err {
        Error::VersionConflict {
            criterion,
            base_version,
            current_version,
            changed_by,
        } => {
            assert_eq!(criterion.as_deref(), Some("1.1"));
            assert_eq!(*base_version, 1);
            assert_eq!(*current_version, 2);
            assert_eq!(changed_by.as_deref(), Some("a"));
        }
        other => panic!("expected version_conflict, got {other:?}"),
    }
    // `a` saves its own entry again from the old base: no conflict.
    s.execute("2026/D1", &a, &save_self(Some(1), "1.1", "b", "a2"), at(4))
        .unwrap();
    let d = s.dossier("2026/D1").unwrap();
    assert_eq!(d.version(), 4);
    assert_eq!(d.entry("1.1").unwrap().self_opinion, "a2");
    assert_eq!(d.entry("1.2").unwrap().self_opinion, "b1");
    assert_eq!(d.entry("1.1").unwrap().version, 4);
    assert_eq!(d.entry("1.2").unwrap().version, 3);
}

/// The compare-and-set save for hosts that decide themselves.
pub fn compare_and_set(h: &Harness) {
    let s = &*h.store;
    let set = seed(s, 1, 3);
    let u = officer("u", "D1");
    let mut d = s.dossier_state("2026/D1").unwrap();
    d.execute(&set, &u, &save_self(Some(1), "1.1", "a", "x"), at(1))
        .unwrap();
    let mut stale = s.dossier("2026/D1").unwrap();
    s.save_dossier(&d, 1).unwrap();
    let full = s.dossier("2026/D1").unwrap();
    assert_eq!(full.version(), 2);
    assert_eq!(full.history().len(), 2);
    assert_eq!(full.entry("1.1").unwrap().self_opinion, "x");
    // Saving the same change again: the version moved.
    assert_eq!(code(s.save_dossier(&d, 1)), "version_conflict");
    stale
        .execute(&set, &u, &save_self(Some(1), "1.2", "a", "y"), at(2))
        .unwrap();
    match s.save_dossier(&stale, 1).unwrap_err() {
        Error::VersionConflict {
            criterion: None,
            base_version: 1,
            current_version: 2,
            changed_by,
        } => assert_eq!(changed_by.as_deref(), Some("u")),
        other => panic!("expected version_conflict, got {other:?}"),
    }
    // Events that do not follow the expected version are refused.
    let mut jump = s.dossier_state("2026/D1").unwrap();
    jump.execute(&set, &u, &save_self(None, "1.2", "b", "j"), at(2))
        .unwrap();
    assert_eq!(code(s.save_dossier(&jump, 1)), "invalid_input");
    // Nothing to save: fine.
    s.save_dossier(&full, 2).unwrap();
    let mut ghost = full.clone();
    ghost.id = "ghost".into();
    assert_eq!(code(s.save_dossier(&ghost, 2)), "not_found");
    assert_eq!(s.dossier("2026/D1").unwrap(), full);
    // From a full load, too.
    let mut next = full.clone();
    next.execute(&set, &u, &save_self(Some(2), "1.3", "b", "z"), at(3))
        .unwrap();
    s.save_dossier(&next, 2).unwrap();
    assert_eq!(s.dossier("2026/D1").unwrap(), next);
}

/// The history, per dossier and per criterion, in order.
pub fn history(h: &Harness) {
    let s = &*h.store;
    seed(s, 1, 3);
    let u = officer("u", "D1");
    for (i, (c, case)) in [("1.1", "a"), ("1.2", "b"), ("1.1", "b"), ("1.1", "na")]
        .iter()
        .enumerate()
    {
        s.execute(
            "2026/D1",
            &u,
            &save_self(None, c, case, &format!("{i}")),
            at(i as i64 + 1),
        )
        .unwrap();
    }
    let all = s.history("2026/D1").unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(
        all.iter().map(|e| e.version).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    let of = s.criterion_history("2026/D1", "1.1").unwrap();
    assert_eq!(of.len(), 3);
    assert_eq!(
        of.iter().map(|e| e.version).collect::<Vec<_>>(),
        vec![2, 4, 5]
    );
    let e = &of[1];
    assert_eq!(e.actor, u);
    assert_eq!(e.at, at(3));
    assert_eq!(e.from, State::SelfAssessment);
    match &e.change {
        crate::workflow::Change::SelfSaved {
            score: Some(sc), ..
        } => {
            assert_eq!(sc.old.as_ref().unwrap().points.to_string(), "1");
            assert_eq!(sc.new.as_ref().unwrap().points.to_string(), "0.5");
            assert_eq!(sc.new.as_ref().unwrap().case.as_deref(), Some("b"));
        }
        other => panic!("unexpected change {other:?}"),
    }
    assert!(s.criterion_history("2026/D1", "1.3").unwrap().is_empty());
    assert_eq!(code(s.history("nope")), "not_found");
    assert_eq!(code(s.criterion_history("nope", "1.1")), "not_found");
}

/// Listing and filtering: by period, unit, assessing unit, state; paging.
pub fn listing(h: &Harness) {
    let s = &*h.store;
    seed(s, 4, 3);
    s.insert_period(&sample_period("2027")).unwrap();
    let set = s.criteria_set("s", 1).unwrap();
    let p27 = s.period("2027").unwrap();
    let d = p27
        .open_dossier("2027/D1", &s.unit("D1").unwrap(), &set, &admin(), at(5))
        .unwrap();
    s.insert_dossier(&d).unwrap();
    let u3 = officer("u3", "D3");
    for c in ["1.1", "1.2", "1.3"] {
        s.execute("2026/D3", &u3, &save_self(None, c, "a", ""), at(6))
            .unwrap();
    }
    let ev = EvidenceInput {
        id: "e".into(),
        file_name: "a.pdf".into(),
        size: 1,
        media_type: "application/pdf".into(),
        sha256: "0".repeat(64),
    };
    s.execute(
        "2026/D3",
        &u3,
        &Command::AttachEvidence(AttachEvidence {
            criterion: Some("1.1".into()),
            evidence: ev,
        }),
        at(7),
    )
    .unwrap();
    s.execute("2026/D3", &u3, &Command::Submit, at(8)).unwrap();
    let ids = |q: DossierQuery| -> Vec<String> {
        s.dossiers(&q).unwrap().into_iter().map(|d| d.id).collect()
    };
    assert_eq!(ids(DossierQuery::default()).len(), 5);
    assert_eq!(
        ids(DossierQuery {
            period: Some("2026".into()),
            ..Default::default()
        }),
        vec!["2026/D1", "2026/D2", "2026/D3", "2026/D4"]
    );
    assert_eq!(
        ids(DossierQuery {
            unit: Some("D1".into()),
            ..Default::default()
        }),
        vec!["2026/D1", "2027/D1"]
    );
    assert_eq!(
        ids(DossierQuery {
            state: Some(State::SelfAssessed),
            ..Default::default()
        }),
        vec!["2026/D3"]
    );
    assert_eq!(
        ids(DossierQuery {
            period: Some("2026".into()),
            state: Some(State::SelfAssessment),
            assessing_unit: Some("P".into()),
            ..Default::default()
        }),
        vec!["2026/D1", "2026/D2", "2026/D4"]
    );
    assert_eq!(
        ids(DossierQuery {
            assessing_unit: Some("D1".into()),
            ..Default::default()
        }),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(DossierQuery {
            after: Some("2026/D2".into()),
            limit: Some(2),
            ..Default::default()
        }),
        vec!["2026/D3", "2026/D4"]
    );
    let one = &s
        .dossiers(&DossierQuery {
            unit: Some("D3".into()),
            ..Default::default()
        })
        .unwrap()[0];
    assert_eq!(one.version, 6);
    assert_eq!(one.state, State::SelfAssessed);
    assert_eq!(one.updated_at, at(8));
    assert_eq!(one.period, "2026");
    assert_eq!(one.assessing_unit, "P");
    assert_eq!(one.criteria_set.id, "s");
}

/// Results and ranking of a period straight from the store equal the core's.
pub fn results_and_ranking(h: &Harness) {
    let s = &*h.store;
    let set = seed(s, 3, 3);
    for (k, case) in [(1, "b"), (2, "a"), (3, "b")] {
        let u = officer("u", &format!("D{k}"));
        for c in ["1.1", "1.2", "1.3"] {
            s.execute(
                &format!("2026/D{k}"),
                &u,
                &save_self(None, c, case, ""),
                at(1),
            )
            .unwrap();
        }
    }
    let results = s.period_results("2026").unwrap();
    assert_eq!(results.len(), 3);
    let mut dossiers = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let d = s.dossier(&format!("2026/D{}", i + 1)).unwrap();
        assert_eq!(*r, crate::scoring::results(&set, &d).unwrap());
        dossiers.push(d);
    }
    let units = s.units().unwrap();
    let expected = crate::scoring::evaluate([&set], &units, &dossiers)
        .unwrap()
        .ranking;
    let ranking = s.period_ranking("2026").unwrap();
    assert_eq!(ranking, expected);
    let rows = &ranking.tables[0].rows;
    assert_eq!(rows[0].unit, "D2");
    assert_eq!((rows[1].rank, rows[2].rank), (2, 2));
    assert_eq!(code(s.period_results("1999")), "not_found");
    assert_eq!(code(s.period_ranking("1999")), "not_found");
    s.insert_period(&sample_period("2027")).unwrap();
    assert!(s.period_results("2027").unwrap().is_empty());
    assert!(s.period_ranking("2027").unwrap().tables.is_empty());
}

const THREADS: usize = 8;
const ROUNDS: usize = 6;

/// N threads updating the same entry of the same dossier: every update lands or is
/// `version_conflict`; none is lost; one event per landed update.
pub fn concurrent_updates(h: &Harness) {
    let s = &*h.store;
    seed(s, 1, 3);
    let landed = AtomicUsize::new(0);
    let conflicts = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (landed, conflicts) = (&landed, &conflicts);
            scope.spawn(move || {
                let u = officer(&format!("user{t}"), "D1");
                for r in 0..ROUNDS {
                    let base = s.dossier_state("2026/D1").unwrap().version();
                    let cmd = save_self(Some(base), "1.1", "a", &format!("t{t} r{r}"));
                    match s.execute("2026/D1", &u, &cmd, at(1)) {
                        Ok(done) => {
                            assert_eq!(done.events.len(), 1);
                            landed.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(Error::VersionConflict { .. }) => {
                            conflicts.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(
                            e @ Error::Storage {
                                transient: true, ..
                            },
                        ) => {
                            panic!("a transient error surfaced under contention: {e}")
                        }
                        Err(e) => panic!("unexpected error {e}"),
                    }
                }
            });
        }
    });
    let landed = landed.into_inner();
    assert_eq!(landed + conflicts.into_inner(), THREADS * ROUNDS);
    assert!(landed >= 1);
    let d = s.dossier("2026/D1").unwrap();
    assert_eq!(d.version() as usize, 1 + landed);
    assert_eq!(s.criterion_history("2026/D1", "1.1").unwrap().len(), landed);
    assert_eq!(d.history().len(), 1 + landed);
    let last = d.history().last().unwrap();
    if let crate::workflow::Change::SelfSaved {
        opinion: Some(o), ..
    } = &last.change
    {
        assert_eq!(d.entry("1.1").unwrap().self_opinion, o.new);
    }
}

/// N threads doing load, decide, compare-and-set on the same dossier: each save lands or is
/// `version_conflict`; the landed ones are all in the history, once.
pub fn concurrent_compare_and_set(h: &Harness) {
    let s = &*h.store;
    let set = seed(s, 1, 3);
    let landed = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (landed, set) = (&landed, &set);
            scope.spawn(move || {
                let u = officer(&format!("user{t}"), "D1");
                for r in 0..ROUNDS {
                    let mut d = s.dossier_state("2026/D1").unwrap();
                    let base = d.version();
                    let c = format!("1.{}", 1 + (t + r) % 3);
                    let cmd = save_self(None, &c, "b", &format!("t{t} r{r}"));
                    d.execute(set, &u, &cmd, at(1)).unwrap();
                    match s.save_dossier(&d, base) {
                        Ok(()) => {
                            landed.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(Error::VersionConflict { .. }) => {}
                        Err(e) => panic!("unexpected error {e}"),
                    }
                }
            });
        }
    });
    let landed = landed.into_inner();
    let d = s.dossier("2026/D1").unwrap();
    assert_eq!(d.version() as usize, 1 + landed);
    assert_eq!(d.history().len(), 1 + landed);
    let replayed = Dossier::replay(d.history().to_vec()).unwrap();
    assert_eq!(replayed, d);
}

type Call = fn(&dyn Store, u64) -> Result<()>;
type Setup = fn(&dyn Store, u64);

fn fault_calls() -> Vec<(&'static str, Option<Setup>, Call)> {
    fn ok<T>(r: Result<T>) -> Result<()> {
        r.map(|_| ())
    }
    vec![
        ("insert_unit", None, |s, k| {
            ok(s.insert_unit(&unit(&format!("F{k}"), UnitKind::District, Some("P"))))
        }),
        ("update_unit", None, |s, k| {
            let mut u = unit("D1", UnitKind::Department, Some("P"));
            u.name = format!("renamed {k}");
            ok(s.update_unit(&u))
        }),
        ("unit", None, |s, _| ok(s.unit("D1"))),
        ("units", None, |s, _| ok(s.units())),
        ("insert_criteria_set", None, |s, k| {
            ok(s.insert_criteria_set(&sample_set(&format!("f{k}"), 1, 2)))
        }),
        ("criteria_set", None, |s, _| ok(s.criteria_set("s", 1))),
        ("criteria_sets", None, |s, _| ok(s.criteria_sets())),
        ("insert_period", None, |s, k| {
            ok(s.insert_period(&sample_period(&format!("p{k}"))))
        }),
        ("update_period", None, |s, k| {
            let mut p = sample_period("2026");
            p.name = format!("renamed {k}");
            ok(s.update_period(&p))
        }),
        ("period", None, |s, _| ok(s.period("2026"))),
        ("periods", None, |s, _| ok(s.periods())),
        (
            "insert_dossier",
            Some(|s, k| {
                s.insert_unit(&unit(&format!("N{k}"), UnitKind::Department, Some("P")))
                    .unwrap()
            }),
            |s, k| {
                let set = sample_set("s", 1, 3);
                let period = sample_period("2026");
                let u = unit(&format!("N{k}"), UnitKind::Department, Some("P"));
                let d = period
                    .open_dossier(format!("2026/N{k}"), &u, &set, &admin(), at(0))
                    .unwrap();
                s.insert_dossier(&d)
            },
        ),
        ("dossier", None, |s, _| ok(s.dossier("2026/D1"))),
        ("dossier_state", None, |s, _| ok(s.dossier_state("2026/D1"))),
        ("dossiers", None, |s, _| {
            ok(s.dossiers(&DossierQuery {
                period: Some("2026".into()),
                ..Default::default()
            }))
        }),
        ("execute", None, |s, k| {
            let cmd = save_self(None, "1.2", "b", &format!("execute {k}"));
            let done = s.execute("2026/D1", &officer("u", "D1"), &cmd, at(1))?;
            assert_eq!(done.events.len(), 1);
            Ok(())
        }),
        ("save_dossier", None, |s, k| {
            let set = sample_set("s", 1, 3);
            let mut d = s.dossier_state("2026/D2")?;
            let base = d.version();
            let cmd = save_self(None, "1.3", "a", &format!("cas {k}"));
            d.execute(&set, &officer("u", "D2"), &cmd, at(1)).unwrap();
            s.save_dossier(&d, base)
        }),
        ("history", None, |s, _| ok(s.history("2026/D1"))),
        ("criterion_history", None, |s, _| {
            ok(s.criterion_history("2026/D1", "1.2"))
        }),
        ("period_results", None, |s, _| ok(s.period_results("2026"))),
        ("period_ranking", None, |s, _| ok(s.period_ranking("2026"))),
    ]
}

/// Fault injection: for every trait method and N = 1, 2, … the N-th underlying operation
/// fails: the call returns a typed `storage` error (never a panic), the store is exactly as
/// before, and the same call succeeds once faults stop.
pub fn faults(h: &Harness) {
    let s = &*h.store;
    seed(s, 2, 3);
    let calls = fault_calls();
    assert_eq!(calls.len(), 21, "one call per trait method");
    let mut k = 0;
    for (name, setup, call) in calls {
        let mut n = 1;
        loop {
            k += 1;
            if let Some(setup) = setup {
                setup(s, k);
            }
            let before = dump(s);
            h.faults.fail_nth(n);
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(s, k)));
            let triggered = h.faults.triggered();
            h.faults.disarm();
            let result = match result {
                Ok(r) => r,
                Err(_) => panic!("{name}: panicked with operation {n} failing"),
            };
            if !triggered {
                result.unwrap_or_else(|e| panic!("{name}: failed without a fault: {e}"));
                break;
            }
            match result {
                Err(Error::Storage { .. }) => {}
                other => panic!(
                    "{name}: with operation {n} failing, expected a storage error, got {other:?}"
                ),
            }
            assert_eq!(
                dump(s),
                before,
                "{name}: the store changed although operation {n} failed"
            );
            call(s, k).unwrap_or_else(|e| {
                panic!("{name}: failed after faults stopped (operation {n}): {e}")
            });
            n += 1;
            assert!(n < 500, "{name}: more than 500 operations");
        }
    }
}
