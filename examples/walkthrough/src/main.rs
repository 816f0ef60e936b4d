//! Walks one department's dossier through the manual, step by step, with the realistic
//! department criteria set, and prints what happens and the results side by side.
//!
//! Run it with `cargo run -p chamdiem-walkthrough`.

use chamdiem::criteria::CriterionKind;
use chamdiem::workflow::{
    AttachEvidence, EvidenceInput, ExplanationInput, ReviewInput, SaveExplanation, SaveReview,
    SaveSelf, SelfInput,
};
use chamdiem::{
    Actor, Command, CriteriaSet, Decimal, Dossier, OpenDossier, Result, Role, State, Timestamp,
};

const SET: &str = include_str!("../../../tests/vectors/sets/iso-so-2026.toml");

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("a valid instant")
}

fn show(dossier: &Dossier, what: &str) {
    println!(
        "  v{:<3} {:<24} {what}",
        dossier.version(),
        dossier.state().label_vi()
    );
}

/// The unit's choice for a criterion: the second-best case here and there, values for the
/// valued criteria, "not applicable" where the set offers it.
fn self_choice(set: &CriteriaSet, i: usize) -> SelfInput {
    let c = &set.criteria()[i].criterion;
    let mut input = SelfInput {
        criterion: c.code.clone(),
        opinion: Some(format!("Đơn vị đã thực hiện nội dung {}.", c.code)),
        ..Default::default()
    };
    match c.kind {
        CriterionKind::Choice => {
            let na = c.cases.iter().find(|k| k.not_applicable);
            let pick = match na {
                Some(k) => k,
                None if i % 5 == 3 => &c.cases[1],
                None => &c.cases[0],
            };
            input.case = Some(pick.code.clone());
        }
        CriterionKind::Banded => input.value = Some(Decimal::new(925, 1)),
        CriterionKind::Scaled => input.value = Some(Decimal::new(8733, 2)),
    }
    input
}

fn sha(i: usize) -> String {
    format!("{:064x}", 0x5eed_u64.wrapping_mul(i as u64 + 1))
}

fn main() -> Result<()> {
    let set = CriteriaSet::from_compact(SET)?;
    let admin = Actor::new("quantri", Role::Admin, "TINH");
    let officer_a = Actor::new("so.tc.nguyenvana", Role::Unit, "SO-TC");
    let officer_b = Actor::new("so.tc.tranthib", Role::Unit, "SO-TC");
    let province = Actor::new("tinh.thamdinh", Role::Reviewer, "TINH");

    println!("chamdiem — {}", set.name());
    println!(
        "{} nhóm chỉ tiêu, {} chỉ tiêu\n",
        set.groups().len(),
        set.criteria().len()
    );

    let mut d = Dossier::open(
        OpenDossier {
            id: "2026/SO-TC".into(),
            period: "2026".into(),
            unit: "SO-TC".into(),
            assessing_unit: "TINH".into(),
            self_deadline: Some(at("2026-03-31T23:59:59+07:00")),
            requires_report: true,
        },
        &set,
        &admin,
        at("2026-01-05T08:00:00+07:00"),
    )?;
    show(&d, "Mở hồ sơ (dossier opened)");

    // §4.1: two officers score their groups side by side, from the same loaded version.
    println!("\n§4.1 Tự đánh giá, chấm điểm — self-scoring group by group");
    let loaded = d.version();
    let mut now = at("2026-03-10T09:00:00+07:00");
    for (gi, group) in set.groups().iter().enumerate() {
        if group.criteria.is_empty() {
            continue;
        }
        let officer = if gi % 2 == 0 { &officer_a } else { &officer_b };
        let entries = group
            .criteria
            .iter()
            .map(|&i| self_choice(&set, i))
            .collect();
        let events = d.execute(
            &set,
            officer,
            &Command::SaveSelf(SaveSelf {
                base_version: Some(loaded),
                entries,
            }),
            now,
        )?;
        show(
            &d,
            &format!(
                "Lưu nhóm {} {} — {} ({} thay đổi)",
                group.code,
                group.title,
                officer.user,
                events.len()
            ),
        );
        now = now.add_millis(60_000);
    }
    // "Tải tài liệu": evidence on every criterion that requires it, and the signed report.
    let mut files = 0;
    for (i, node) in set.criteria().iter().enumerate() {
        if node.criterion.evidence == chamdiem::criteria::EvidenceRule::Required {
            d.execute(
                &set,
                &officer_a,
                &Command::AttachEvidence(AttachEvidence {
                    criterion: Some(node.criterion.code.clone()),
                    evidence: EvidenceInput {
                        id: format!("ev-{i}"),
                        file_name: format!("tai-lieu-{}.pdf", node.criterion.code),
                        size: 180_000 + i as u64,
                        media_type: "application/pdf".into(),
                        sha256: sha(i),
                    },
                }),
                now,
            )?;
            files += 1;
        }
    }
    d.execute(
        &set,
        &officer_a,
        &Command::AttachEvidence(AttachEvidence {
            criterion: None,
            evidence: EvidenceInput {
                id: "bao-cao".into(),
                file_name: "Bao cao tu danh gia (da ky).pdf".into(),
                size: 420_000,
                media_type: "application/pdf".into(),
                sha256: sha(999),
            },
        }),
        now,
    )?;
    show(
        &d,
        &format!("Tải tài liệu — {files} tệp kiểm chứng và báo cáo đã ký"),
    );

    // §4.2: the pre-submit check, then "Chuyển sang trạng thái mới".
    println!("\n§4.2 Chuyển chấm hoàn thành — submit");
    let check = chamdiem::precheck(&set, &d, None)?;
    println!(
        "  kiểm tra trước khi chuyển: {} chặn, {} cảnh báo",
        check.blockers.len(),
        check.warnings.len()
    );
    d.execute(
        &set,
        &officer_a,
        &Command::Submit,
        at("2026-03-25T16:00:00+07:00"),
    )?;
    show(
        &d,
        "2.2 Huyện, Sở tự chấm xong → Chuyển sang trạng thái mới",
    );

    // The province reviews: agrees mostly, lowers two criteria and asks about them.
    println!("\nTỉnh chấm điểm — the province reviews");
    let now = at("2026-04-06T10:00:00+07:00");
    let flagged = ["1.1", "2.1.4"];
    let entries = set
        .criteria()
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let own = self_choice(&set, i);
            let code = node.criterion.code.clone();
            let mut input = ReviewInput {
                criterion: code.clone(),
                case: own.case,
                value: own.value,
                ..Default::default()
            };
            if code == "1.1" {
                input.case = Some("b".into());
                input.request_explanation = Some(true);
                input.request_note = Some("Đề nghị bổ sung quyết định ban hành kế hoạch.".into());
            }
            if code == "2.1.4" {
                input.value = Some(Decimal::new(85, 0));
                input.request_explanation = Some(true);
                input.request_note = Some("Số liệu chưa khớp với báo cáo 6 tháng.".into());
            }
            input
        })
        .collect();
    d.execute(
        &set,
        &province,
        &Command::SaveReview(SaveReview {
            base_version: Some(d.version()),
            entries,
        }),
        now,
    )?;
    show(&d, "Lưu điểm thẩm định");
    d.execute(
        &set,
        &province,
        &Command::RequestExplanation {
            deadline: Some(at("2026-04-20T17:00:00+07:00")),
        },
        now,
    )?;
    show(&d, &format!("Yêu cầu giải trình: {}", flagged.join(", ")));

    // §4.3: the unit filters "Tỉnh yêu cầu giải trình", explains, ticks, finishes.
    println!("\n§4.3 Giải trình theo yêu cầu của tỉnh — explanation");
    let view = chamdiem::view(&d, &officer_a)?;
    let asked = view.results(&set)?.filtered(&chamdiem::ResultsFilter {
        group: None,
        explanation_requested: true,
    })?;
    println!(
        "  bộ lọc \"Tỉnh yêu cầu giải trình\": {}",
        asked
            .criteria
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let now = at("2026-04-15T09:30:00+07:00");
    let entries = flagged
        .iter()
        .map(|c| ExplanationInput {
            criterion: (*c).into(),
            explanation: Some(format!("Đơn vị bổ sung tài liệu cho chỉ tiêu {c}.")),
            explained: Some(true),
            ..Default::default()
        })
        .collect();
    d.execute(
        &set,
        &officer_a,
        &Command::SaveExplanation(SaveExplanation {
            base_version: Some(d.version()),
            entries,
        }),
        now,
    )?;
    show(&d, "Huyện, Sở đã giải trình xong (từng chỉ tiêu) — Lưu");
    d.execute(&set, &officer_a, &Command::FinishExplanation, now)?;
    show(&d, "Huyện, Sở đã giải trình xong (cả hồ sơ) — Lưu");

    // The province re-scores one criterion, finishes and archives.
    let now = at("2026-04-22T14:00:00+07:00");
    d.execute(
        &set,
        &province,
        &Command::SaveReview(SaveReview {
            base_version: Some(d.version()),
            entries: vec![ReviewInput {
                criterion: "1.1".into(),
                case: Some("a".into()),
                opinion: Some("Đã bổ sung đủ tài liệu.".into()),
                ..Default::default()
            }],
        }),
        now,
    )?;
    show(&d, "Chấm lại sau giải trình");
    d.execute(&set, &province, &Command::FinishReview, now)?;
    show(&d, "Tỉnh chấm xong");
    d.execute(&set, &province, &Command::Archive, now)?;
    show(&d, "Lưu trữ");
    assert_eq!(d.state(), State::Completed);

    // §4.4 and §5: results, self and review side by side.
    println!("\n§5 Hồ sơ hoàn thành — results, self and review side by side");
    let r = chamdiem::view(&d, &officer_a)?.results(&set)?;
    println!(
        "  {:<6} {:<52} {:>8} {:>8} {:>8} {:>6}",
        "Mã", "Nhóm chỉ tiêu", "Tự chấm", "Lần 1", "Tỉnh", "Tối đa"
    );
    let dash = |t: Option<&chamdiem::scoring::Track>| {
        t.map(|t| t.points.normalize().to_string())
            .unwrap_or_else(|| "—".into())
    };
    for g in &r.groups {
        let title: String = g.title.chars().take(50).collect();
        println!(
            "  {:<6} {:<52} {:>8} {:>8} {:>8} {:>6}",
            g.code,
            format!("{}{}", "  ".repeat(g.depth), title),
            g.totals.self_track.points.normalize(),
            dash(g.totals.first_review.as_ref()),
            dash(g.totals.review.as_ref()),
            g.totals.final_track.max.normalize()
        );
    }
    let t = &r.total;
    println!(
        "  {:<6} {:<52} {:>8} {:>8} {:>8} {:>6}",
        "",
        "Tổng cộng",
        t.self_track.points.normalize(),
        dash(t.first_review.as_ref()),
        dash(t.review.as_ref()),
        t.final_track.max.normalize()
    );
    println!(
        "\n  Tự chấm: {}% ({})   Tỉnh chấm: {}% ({})",
        t.self_track
            .percent
            .map(|p| p.to_string())
            .unwrap_or_default(),
        r.classification.self_track.as_deref().unwrap_or("—"),
        t.final_track
            .percent
            .map(|p| p.to_string())
            .unwrap_or_default(),
        r.classification.final_track.as_deref().unwrap_or("—"),
    );
    println!("  Chênh lệch tự chấm / tỉnh chấm:");
    for diff in &r.differences {
        println!(
            "    {:<8} {} → {} ({:+})",
            diff.criterion,
            diff.self_points.normalize(),
            diff.review.normalize(),
            diff.difference.normalize()
        );
    }
    println!("\n  Lịch sử: {} sự kiện", d.history().len());
    Ok(())
}
