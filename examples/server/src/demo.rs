//! The demo province: on the first start with an empty database (and without `--no-demo`),
//! the server seeds a realistic province — the two criteria sets of `tests/vectors/sets/`
//! (departments and sub-departments on the ISO 9001 set, districts on the administrative
//! reform set), a province with seven assessed units, their users, a reviewer, an
//! administrator and a viewer, and one period "2026" whose dossiers were walked through the
//! core's workflow with [`chamdiem::store::Store::execute`] into different states, so their
//! histories are real.

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use chamdiem::criteria::{CriterionKind, CriterionNode, EvidenceRule};
use chamdiem::store::Store;
use chamdiem::workflow::{
    AttachEvidence, EvidenceInput, ExplanationInput, ReviewInput, SaveExplanation, SaveReview,
    SaveSelf, SelfInput,
};
use chamdiem::{
    Actor, Command, CriteriaSet, Decimal, Period, PeriodSet, Role, SetRef, State, Timestamp, Unit,
    UnitKind,
};
use sha2::{Digest, Sha256};

/// The departments' criteria set (ISO 9001, 47 criteria).
pub const ISO_SET: &str = include_str!("../../../tests/vectors/sets/iso-so-2026.toml");
/// The districts' criteria set (administrative reform, 15 criteria).
pub const CCHC_SET: &str = include_str!("../../../tests/vectors/sets/cchc-huyen-2026.toml");
/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "chamdiem-demo-2026";
/// The province's id.
pub const PROVINCE: &str = "TINH";

/// A demo account.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Account name.
    pub login: &'static str,
    /// Person's name.
    pub name: &'static str,
    /// Role.
    pub role: Role,
    /// Unit.
    pub unit: &'static str,
}

const UNITS: [(&str, &str, &str, UnitKind, Option<&str>); 8] = [
    (
        PROVINCE,
        "TINH",
        "Ủy ban nhân dân tỉnh Bắc Giang",
        UnitKind::Province,
        None,
    ),
    (
        "SO-TC",
        "SO-TC",
        "Sở Tài chính",
        UnitKind::Department,
        Some(PROVINCE),
    ),
    (
        "SO-TP",
        "SO-TP",
        "Sở Tư pháp",
        UnitKind::Department,
        Some(PROVINCE),
    ),
    (
        "SO-NV",
        "SO-NV",
        "Sở Nội vụ",
        UnitKind::Department,
        Some(PROVINCE),
    ),
    (
        "SO-NN",
        "SO-NN",
        "Sở Nông nghiệp và Môi trường",
        UnitKind::Department,
        Some(PROVINCE),
    ),
    (
        "CC-TL",
        "CC-TL",
        "Chi cục Thủy lợi",
        UnitKind::SubDepartment,
        Some("SO-NN"),
    ),
    (
        "H-YD",
        "H-YD",
        "Huyện Yên Dũng",
        UnitKind::District,
        Some(PROVINCE),
    ),
    (
        "H-LN",
        "H-LN",
        "Huyện Lục Nam",
        UnitKind::District,
        Some(PROVINCE),
    ),
];

/// The demo accounts (all with [`DEMO_PASSWORD`]).
pub fn accounts() -> Vec<DemoAccount> {
    let a = |login, name, role, unit| DemoAccount {
        login,
        name,
        role,
        unit,
    };
    vec![
        a("quantri", "Nguyễn Văn Quản", Role::Admin, PROVINCE),
        a("thamdinh", "Trần Thị Thẩm", Role::Reviewer, PROVINCE),
        a("lanhdao", "Lê Văn Xem", Role::Viewer, PROVINCE),
        a("sotc", "Phạm Thị Tài", Role::Unit, "SO-TC"),
        a("sotp", "Hoàng Văn Pháp", Role::Unit, "SO-TP"),
        a("sonv", "Vũ Thị Nội", Role::Unit, "SO-NV"),
        a("sonn", "Đặng Văn Nông", Role::Unit, "SO-NN"),
        a("cctl", "Bùi Thị Lợi", Role::Unit, "CC-TL"),
        a("hyd", "Đỗ Văn Dũng", Role::Unit, "H-YD"),
        a("hln", "Ngô Thị Nam", Role::Unit, "H-LN"),
    ]
}

/// Whether the database is empty (no unit stored).
pub async fn is_empty(state: &AppState) -> AppResult<bool> {
    Ok(state.store(|s| s.units()).await?.is_empty())
}

/// Seeds the demo into an empty database; `false` (and nothing done) if it is not empty.
pub async fn seed(state: &AppState) -> AppResult<bool> {
    if !is_empty(state).await? {
        return Ok(false);
    }
    let now = state.now();
    let files = Files {
        store: state.evidence.clone(),
        runtime: tokio::runtime::Handle::current(),
    };
    state
        .store(move |s| {
            seed_store(s, now, &files)
                .map_err(|e| chamdiem::Error::storage(format!("seeding the demo: {e}")))
        })
        .await?;
    for acc in accounts() {
        crate::admin::create_user(
            state,
            crate::admin::NewUser {
                login: acc.login.into(),
                name: acc.name.into(),
                email: format!("{}@bacgiang.gov.vn", acc.login),
                phone: String::new(),
                role: acc.role.as_str().into(),
                unit: acc.unit.into(),
            },
            Some(DEMO_PASSWORD.into()),
        )
        .await?;
    }
    Ok(true)
}

fn midpoint(a: Decimal, b: Decimal) -> Decimal {
    (a + b) / Decimal::TWO
}

/// The unit's choice: the best case mostly, the second here and there, "not applicable"
/// where offered on every seventh criterion, values inside the best band.
fn self_input(node: &CriterionNode, i: usize) -> SelfInput {
    let c = &node.criterion;
    let mut input = SelfInput {
        criterion: c.code.clone(),
        opinion: Some(format!("Đơn vị đã thực hiện đầy đủ nội dung {}.", c.code)),
        ..Default::default()
    };
    match c.kind {
        CriterionKind::Choice => {
            let scored: Vec<_> = c.cases.iter().filter(|k| !k.not_applicable).collect();
            let na = c.cases.iter().find(|k| k.not_applicable);
            let pick = match na {
                Some(k) if i.is_multiple_of(7) => k,
                _ if i % 5 == 3 && scored.len() > 1 => scored[1],
                _ => scored.first().copied().unwrap_or(&c.cases[0]),
            };
            input.case = Some(pick.code.clone());
        }
        CriterionKind::Banded => {
            let r = c.cases.iter().find_map(|k| k.range.as_ref());
            let v = match r.map(|r| (r.lower.map(|b| b.value), r.upper.map(|b| b.value))) {
                Some((Some(l), Some(u))) => midpoint(l, u),
                Some((Some(l), None)) => l + Decimal::ONE,
                Some((None, Some(u))) => u - Decimal::ONE,
                _ => Decimal::ZERO,
            };
            input.value = Some(v);
        }
        CriterionKind::Scaled => {
            let v = match (&c.scale, &c.value) {
                (Some(s), _) => s.low + (s.high - s.low) * Decimal::new(85, 2),
                (None, Some(v)) => midpoint(v.min.unwrap_or_default(), v.max.unwrap_or_default()),
                _ => Decimal::ZERO,
            };
            input.value = Some(v.round_dp(2));
        }
    }
    input
}

/// The reviewer's choice: the unit's, one case lower on every fourth criterion.
fn review_input(node: &CriterionNode, i: usize) -> ReviewInput {
    let s = self_input(node, i);
    let c = &node.criterion;
    let mut case = s.case.clone();
    if i % 4 == 1
        && c.kind == CriterionKind::Choice
        && let Some(pos) = c
            .cases
            .iter()
            .position(|k| Some(&k.code) == s.case.as_ref())
        && let Some(next) = c.cases.get(pos + 1).filter(|k| !k.not_applicable)
    {
        case = Some(next.code.clone());
    }
    ReviewInput {
        criterion: c.code.clone(),
        case,
        value: s.value,
        opinion: Some(if i % 4 == 1 {
            "Tài liệu kiểm chứng chưa đầy đủ, trừ điểm.".into()
        } else {
            "Thống nhất với điểm tự chấm.".into()
        }),
        ..Default::default()
    }
}

fn step(t: &mut Timestamp) -> Timestamp {
    *t = t.add_millis(3 * 3_600_000);
    *t
}

/// Where the demo's evidence files go: the server's evidence store (a file of the local
/// folder is `<evidence-dir>/<evidence id>`), written from the blocking seeding thread.
struct Files {
    store: crate::evidence::EvidenceStore,
    runtime: tokio::runtime::Handle,
}

/// Stores a small PDF for a criterion: its id, size and sha256. The file is in the store
/// before the dossier records it.
fn write_evidence(files: &Files, code: &str, unit: &str) -> AppResult<(String, u64, String)> {
    let id = crate::evidence::new_id();
    let body = format!(
        "%PDF-1.4\n% chamdiem demo evidence\n1 0 obj << /Title (Minh chung {code} - {unit}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    );
    let sha = crate::auth::hex(&Sha256::digest(body.as_bytes()));
    let size = body.len() as u64;
    files
        .runtime
        .block_on(files.store.put(&id, bytes::Bytes::from(body)))?;
    Ok((id, size, sha))
}

/// Walks one dossier: what `target` needs.
#[allow(clippy::too_many_arguments)]
fn walk(
    s: &dyn Store,
    set: &CriteriaSet,
    dossier: &str,
    unit: &Actor,
    reviewer: &Actor,
    target: State,
    t: &mut Timestamp,
    files: &Files,
) -> Result<(), AppError> {
    let run = |cmd: Command, now: Timestamp| -> Result<(), AppError> {
        s.execute(
            dossier,
            if cmd.name().role() == Role::Unit {
                unit
            } else {
                reviewer
            },
            &cmd,
            now,
        )
        .map(|_| ())
        .map_err(AppError::from)
    };
    let nodes = set.criteria();
    let partial = target == State::SelfAssessment;
    let limit = if partial {
        nodes.len() / 3
    } else {
        nodes.len()
    };
    if limit == 0 {
        return Ok(());
    }
    let base = s.dossier_state(dossier)?.version();
    run(
        Command::SaveSelf(SaveSelf {
            base_version: Some(base),
            entries: nodes[..limit]
                .iter()
                .enumerate()
                .map(|(i, n)| self_input(n, i))
                .collect(),
        }),
        step(t),
    )?;
    for (i, n) in nodes[..limit].iter().enumerate() {
        let chose_na = self_input(n, i)
            .case
            .and_then(|c| n.criterion.case(&c).map(|k| k.not_applicable))
            .unwrap_or(false);
        if n.criterion.evidence == EvidenceRule::Required && !chose_na {
            let (id, size, sha256) = write_evidence(files, &n.criterion.code, dossier)?;
            run(
                Command::AttachEvidence(AttachEvidence {
                    criterion: Some(n.criterion.code.clone()),
                    evidence: EvidenceInput {
                        id,
                        file_name: format!("minh-chung-{}.pdf", n.criterion.code),
                        size,
                        media_type: "application/pdf".into(),
                        sha256,
                    },
                }),
                step(t),
            )?;
        }
    }
    if partial {
        return Ok(());
    }
    run(Command::Submit, step(t))?;
    if target == State::SelfAssessed {
        return Ok(());
    }
    let flagged: Vec<&str> = nodes
        .iter()
        .skip(2)
        .step_by(9)
        .take(2)
        .map(|n| n.criterion.code.as_str())
        .collect();
    let explain = matches!(target, State::ExplanationRequested | State::Completed);
    let base = s.dossier_state(dossier)?.version();
    run(
        Command::SaveReview(SaveReview {
            base_version: Some(base),
            entries: nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let mut r = review_input(n, i);
                    if explain && flagged.contains(&n.criterion.code.as_str()) {
                        r.request_explanation = Some(true);
                        r.request_note = Some(
                            "Đề nghị bổ sung tài liệu kiểm chứng và giải trình rõ cách tính."
                                .into(),
                        );
                    }
                    r
                })
                .collect(),
        }),
        step(t),
    )?;
    if explain {
        let deadline = t.add_millis(14 * 86_400_000 + 60 * 86_400_000);
        run(
            Command::RequestExplanation {
                deadline: Some(deadline),
            },
            step(t),
        )?;
        if target == State::ExplanationRequested {
            return Ok(());
        }
        let base = s.dossier_state(dossier)?.version();
        run(
            Command::SaveExplanation(SaveExplanation {
                base_version: Some(base),
                entries: flagged
                    .iter()
                    .map(|c| ExplanationInput {
                        criterion: (*c).into(),
                        explanation: Some("Đơn vị đã bổ sung quyết định và báo cáo kèm theo; số liệu được tính theo hướng dẫn của tỉnh.".into()),
                        opinion: None,
                        explained: Some(true),
                    })
                    .collect(),
            }),
            step(t),
        )?;
        run(Command::FinishExplanation, step(t))?;
        let base = s.dossier_state(dossier)?.version();
        run(
            Command::SaveReview(SaveReview {
                base_version: Some(base),
                entries: nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| flagged.contains(&n.criterion.code.as_str()))
                    .map(|(i, n)| {
                        let mut r = review_input(n, i + 2);
                        r.opinion = Some("Đã giải trình đầy đủ; chấp nhận điểm tự chấm.".into());
                        r
                    })
                    .collect(),
            }),
            step(t),
        )?;
    }
    run(Command::FinishReview, step(t))?;
    if target == State::Completed {
        run(Command::Archive, step(t))?;
    }
    Ok(())
}

fn seed_store(s: &dyn Store, now: Timestamp, files: &Files) -> Result<(), AppError> {
    let iso = CriteriaSet::from_compact(ISO_SET)?;
    let cchc = CriteriaSet::from_compact(CCHC_SET)?;
    s.insert_criteria_set(&iso)?;
    s.insert_criteria_set(&cchc)?;
    for (id, code, name, kind, parent) in UNITS {
        s.insert_unit(&Unit {
            id: id.into(),
            code: code.into(),
            name: name.into(),
            kind,
            parent: parent.map(Into::into),
        })?;
    }
    let r = |set: &CriteriaSet| SetRef {
        id: set.id().into(),
        revision: set.revision(),
    };
    let mut period = Period::new(
        "2026",
        "Đánh giá năm 2026",
        PROVINCE,
        vec![
            PeriodSet {
                unit_kind: UnitKind::Department,
                criteria_set: r(&iso),
            },
            PeriodSet {
                unit_kind: UnitKind::SubDepartment,
                criteria_set: r(&iso),
            },
            PeriodSet {
                unit_kind: UnitKind::District,
                criteria_set: r(&cchc),
            },
        ],
    );
    period.year = Some(2026);
    // The deadline lies ahead of today, so the demo's units can still score themselves.
    period.self_deadline = Some(now.add_millis(60 * 86_400_000));
    s.insert_period(&period)?;
    let admin = Actor::new("quantri", Role::Admin, PROVINCE);
    let reviewer = Actor::new("thamdinh", Role::Reviewer, PROVINCE);
    let plan = [
        ("SO-TC", "sotc", State::Completed),
        ("SO-TP", "sotp", State::Reviewed),
        ("SO-NV", "sonv", State::ExplanationRequested),
        ("SO-NN", "sonn", State::SelfAssessed),
        ("CC-TL", "cctl", State::SelfAssessment),
        ("H-YD", "hyd", State::SelfAssessed),
        ("H-LN", "hln", State::SelfAssessment),
    ];
    // The history starts three weeks ago and moves three hours a step.
    let start = now.add_millis(-21 * 86_400_000);
    for (i, (unit_id, login, target)) in plan.into_iter().enumerate() {
        let unit = s.unit(unit_id)?;
        let set = if unit.kind == UnitKind::District {
            &cchc
        } else {
            &iso
        };
        let id = crate::admin::dossier_id("2026", unit_id);
        let mut t = start.add_millis(i as i64 * 3_600_000);
        let d = period.open_dossier(id.clone(), &unit, set, &admin, t)?;
        s.insert_dossier(&d)?;
        let actor = Actor::new(login, Role::Unit, unit_id);
        if unit_id == "H-LN" {
            continue;
        }
        walk(s, set, &id, &actor, &reviewer, target, &mut t, files)?;
        let got = s.dossier_state(&id)?.state();
        if got != target {
            return Err(AppError::Internal(format!(
                "demo dossier {id} reached {got}, not {target}"
            )));
        }
    }
    Ok(())
}

/// The start-up message of a server with the demo.
pub fn banner(url: &str, just_created: bool) -> String {
    let mut s = String::new();
    s.push_str(&format!("\n  chamdiem — {url}\n\n"));
    if just_created {
        s.push_str("  The demo province was created. Log in with one of these accounts:\n\n");
    } else {
        s.push_str("  Demo accounts (unless their passwords were changed):\n\n");
    }
    s.push_str(&format!(
        "  {:<10} {:<20} {:<8} {}\n",
        "account", "password", "unit", "role"
    ));
    for a in accounts() {
        let role = match a.role {
            Role::Admin => "administrator",
            Role::Reviewer => "reviewer (the province)",
            Role::Viewer => "viewer",
            Role::Unit => "assessed unit",
        };
        s.push_str(&format!(
            "  {:<10} {:<20} {:<8} {role}\n",
            a.login, DEMO_PASSWORD, a.unit
        ));
    }
    s
}
