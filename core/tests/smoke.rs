//! A quick end-to-end walk through the manual, checking the main invariants.

use chamdiem::workflow::{
    AttachEvidence, EvidenceInput, ExplanationInput, ReviewInput, SaveExplanation, SaveReview,
    SaveSelf, SelfInput,
};
use chamdiem::*;

const SET: &str = r#"
id = "smoke"
name = "Smoke"
[[band]]
label = "Tốt"
min_percent = 80
[[band]]
label = "Khá"
min_percent = 50
[[band]]
label = "Yếu"
min_percent = 0
[[group]]
code = "1"
title = "Một"
[[group]]
code = "1.1"
parent = "1"
title = "Một một"
[[group]]
code = "9"
title = "Thưởng"
kind = "bonus"
cap = 1
[[criterion]]
code = "1.1.1"
group = "1.1"
title = "A"
evidence = "required"
cases = [ { code = "a", label = "Đạt", points = 1 }, { code = "b", label = "Một phần", points = 0.5 }, { code = "na", label = "Không áp dụng", not_applicable = true } ]
[[criterion]]
code = "1.1.2"
group = "1.1"
title = "B"
kind = "banded"
value = { unit = "%", min = 0, max = 100 }
cases = [ { code = "hi", label = ">90%", points = 2, range = "(90, 100]" }, { code = "mid", label = "70–90%", points = 1, range = "[70, 90]" }, { code = "lo", label = "<70%", points = 0, range = "[0, 70)" } ]
[[criterion]]
code = "1.2"
group = "1"
title = "C"
kind = "scaled"
max_points = 3
scale = { low = 0, high = 10 }
value = { min = 0, max = 10 }
[[criterion]]
code = "9.1"
group = "9"
title = "Bonus"
cases = [ { code = "y", label = "Có", points = 2 }, { code = "n", label = "Không", points = 0 } ]
"#;

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

#[test]
fn manual_walk() {
    let set = CriteriaSet::from_compact(SET).unwrap();
    let admin = Actor::new("admin", Role::Admin, "P");
    let unit = Actor::new("u1", Role::Unit, "D1");
    let rev = Actor::new("r1", Role::Reviewer, "P");
    let now = t("2026-03-01T00:00:00Z");
    let mut d = Dossier::open(
        OpenDossier {
            id: "x".into(),
            period: "2026".into(),
            unit: "D1".into(),
            assessing_unit: "P".into(),
            self_deadline: Some(t("2026-04-01T00:00:00Z")),
            requires_report: false,
        },
        &set,
        &admin,
        now,
    )
    .unwrap();
    let save = Command::SaveSelf(SaveSelf {
        base_version: Some(1),
        entries: vec![
            SelfInput {
                criterion: "1.1.1".into(),
                case: Some("a".into()),
                ..Default::default()
            },
            SelfInput {
                criterion: "1.1.2".into(),
                value: Some("92".parse().unwrap()),
                ..Default::default()
            },
            SelfInput {
                criterion: "1.2".into(),
                value: Some("3.333".parse().unwrap()),
                ..Default::default()
            },
            SelfInput {
                criterion: "9.1".into(),
                case: Some("y".into()),
                ..Default::default()
            },
        ],
    });
    let ev = d.execute(&set, &unit, &save, now).unwrap();
    assert_eq!(ev.len(), 4);
    assert_eq!(d.version(), 2);
    // Evidence required.
    let err = d.execute(&set, &unit, &Command::Submit, now).unwrap_err();
    assert_eq!(err.code(), "guard_failed");
    assert_eq!(err.missing().len(), 1);
    let attach = Command::AttachEvidence(AttachEvidence {
        criterion: Some("1.1.1".into()),
        evidence: EvidenceInput {
            id: "f1".into(),
            file_name: "kehoach.pdf".into(),
            size: 10,
            media_type: "application/pdf".into(),
            sha256: "a".repeat(64),
        },
    });
    d.execute(&set, &unit, &attach, now).unwrap();
    d.execute(&set, &unit, &Command::Submit, now).unwrap();
    assert_eq!(d.state(), State::SelfAssessed);
    let r = results(&set, &d).unwrap();
    // 1 + 2 + 1 (3.333 → 0.9999 → 1.00) + bonus capped 1 = 5 of max 6
    assert_eq!(r.total.self_track.points.normalize().to_string(), "5");
    assert_eq!(r.total.self_track.max.to_string(), "6");
    assert_eq!(r.total.self_track.percent.unwrap().to_string(), "83.33");
    assert_eq!(r.classification.self_track.as_deref(), Some("Tốt"));

    // Reviewer: wrong unit refused.
    let other = Actor::new("r2", Role::Reviewer, "Q");
    assert_eq!(
        d.execute(&set, &other, &Command::FinishReview, now)
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let review = Command::SaveReview(SaveReview {
        base_version: Some(d.version()),
        entries: vec![
            ReviewInput {
                criterion: "1.1.1".into(),
                case: Some("b".into()),
                request_explanation: Some(true),
                request_note: Some("Bổ sung".into()),
                ..Default::default()
            },
            ReviewInput {
                criterion: "1.1.2".into(),
                value: Some("80".parse().unwrap()),
                ..Default::default()
            },
            ReviewInput {
                criterion: "1.2".into(),
                case: None,
                value: Some("10".parse().unwrap()),
                ..Default::default()
            },
            ReviewInput {
                criterion: "9.1".into(),
                case: Some("n".into()),
                ..Default::default()
            },
        ],
    });
    d.execute(&set, &rev, &review, now).unwrap();
    // Unit cannot see before release.
    let v = view(&d, &unit).unwrap();
    assert!(!v.review_visible);
    assert!(
        v.dossier
            .entries()
            .iter()
            .all(|e| e.review_score.is_none() && e.request.is_none())
    );
    assert_eq!(
        d.execute(&set, &unit, &Command::Withdraw, now)
            .unwrap_err()
            .code(),
        "guard_failed"
    );
    let err = d
        .execute(&set, &rev, &Command::FinishReview, now)
        .unwrap_err();
    assert_eq!(err.missing()[0].code, MissingCode::UnsentRequest);
    d.execute(
        &set,
        &rev,
        &Command::RequestExplanation {
            deadline: Some(t("2026-05-01T00:00:00Z")),
        },
        now,
    )
    .unwrap();
    assert_eq!(d.state(), State::ExplanationRequested);
    let v = view(&d, &unit).unwrap();
    assert_eq!(
        v.dossier
            .entry("1.1.1")
            .unwrap()
            .request
            .as_ref()
            .unwrap()
            .note,
        "Bổ sung"
    );
    // Unit explains only flagged.
    let bad = Command::SaveExplanation(SaveExplanation {
        base_version: None,
        entries: vec![ExplanationInput {
            criterion: "1.2".into(),
            explanation: Some("x".into()),
            ..Default::default()
        }],
    });
    assert_eq!(
        d.execute(&set, &unit, &bad, now).unwrap_err().code(),
        "guard_failed"
    );
    let exp = Command::SaveExplanation(SaveExplanation {
        base_version: None,
        entries: vec![ExplanationInput {
            criterion: "1.1.1".into(),
            explanation: Some("Đã bổ sung".into()),
            explained: Some(true),
            ..Default::default()
        }],
    });
    d.execute(&set, &unit, &exp, now).unwrap();
    d.execute(&set, &unit, &Command::FinishExplanation, now)
        .unwrap();
    // Re-score after explanation.
    let review2 = Command::SaveReview(SaveReview {
        base_version: None,
        entries: vec![ReviewInput {
            criterion: "1.1.1".into(),
            case: Some("a".into()),
            ..Default::default()
        }],
    });
    d.execute(&set, &rev, &review2, now).unwrap();
    d.execute(&set, &rev, &Command::FinishReview, now).unwrap();
    d.execute(&set, &rev, &Command::Archive, now).unwrap();
    assert_eq!(d.state(), State::Completed);
    let r = view(&d, &unit).unwrap().results(&set).unwrap();
    let first = r.total.first_review.as_ref().unwrap();
    assert_eq!(first.points.normalize().to_string(), "4.5"); // 0.5 + 1 + 3 + 0
    assert_eq!(
        r.total
            .review
            .as_ref()
            .unwrap()
            .points
            .normalize()
            .to_string(),
        "5"
    );
    // Replay reproduces the dossier.
    let replayed = Dossier::replay(d.history().iter().cloned()).unwrap();
    assert_eq!(replayed, d);
    // JSON round trip.
    let back = Dossier::from_json(&d.to_json()).unwrap();
    assert_eq!(back, d);
    // Completed never changes.
    assert_eq!(
        d.execute(&set, &rev, &Command::Reopen, now)
            .unwrap_err()
            .code(),
        "wrong_state"
    );
    // Compact and JSON load equal.
    let again = CriteriaSet::from_json(&set.to_json()).unwrap();
    assert_eq!(again, set);
    let again = CriteriaSet::from_compact(&set.to_compact()).unwrap();
    assert_eq!(again, set);
}
