//! Benchmarks of the core, on one thread.
//!
//! Targets: deciding and applying one command ≤ 2 µs; the results of one dossier of 300
//! criteria ≤ 20 µs; the results and the ranking of a period of 2,000 dossiers × 300 criteria
//! ≤ 100 ms.
//!
//! The data are realistic: a 300-criterion set (five fields of nested groups, choice, banded and
//! scaled criteria, not-applicable cases, required evidence, a capped bonus group and a capped
//! penalty group, five bands) and dossiers worked through the manual by commands: self-scored
//! group by group, evidence attached, submitted, reviewed group by group, one in four through an
//! explanation round, finished, half of them archived.
//!
//! Run: `cargo bench -p chamdiem --bench core`. Criterion measures wall-clock time; on a
//! machine shared with other work, `CHAMDIEM_BENCH_CLOCK=cpu` measures the benchmark thread's CPU
//! time instead (Linux), which the other processes do not inflate (groups are then suffixed
//! "(cpu)").

use chamdiem::criteria::{CriterionKind, EvidenceRule};
use chamdiem::workflow::{
    AttachEvidence, EvidenceInput, ExplanationInput, ReviewInput, SaveExplanation, SaveReview,
    SaveSelf, SelfInput,
};
use chamdiem::*;
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Dossiers of a period in the period benchmark.
const PERIOD_DOSSIERS: usize = 2_000;

/// Reads the clock the benchmarks are measured with.
type Clock = fn() -> Duration;

/// Wall-clock time, as criterion measures it by default.
fn wall_clock() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// The CPU time of the calling thread.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn thread_cpu_clock() -> Duration {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `t` is a valid, writable timespec for clock_gettime to fill.
    let r = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(t.sec as u64, t.nsec as u32)
}

/// Criterion's measurement of the benchmark thread's CPU time.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
struct ThreadCpuTime;

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;
    fn start(&self) -> Duration {
        thread_cpu_clock()
    }
    fn end(&self, start: Duration) -> Duration {
        thread_cpu_clock() - start
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Formats nanoseconds as criterion does for wall-clock time.
struct Nanoseconds;

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical {
            t if t < 1e3 => (1.0, "ns"),
            t if t < 1e6 => (1e-3, "µs"),
            t if t < 1e9 => (1e-6, "ms"),
            _ => (1e-9, "s"),
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }
    fn scale_throughputs(&self, _: f64, _: &Throughput, _: &mut [f64]) -> &'static str {
        unreachable!("these benchmarks measure no throughput")
    }
    fn scale_for_machines(&self, _: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// The 300-criterion set in the compact form: fields 1–5, each with four groups of seven
/// criteria and a nested group of seven more (280), a bonus group and a penalty group (10 each).
fn set_text() -> String {
    let mut o = String::from(
        "id = \"bench-300\"\nname = \"Bộ chỉ tiêu đánh giá (300 chỉ tiêu)\"\nprecision = 2\n",
    );
    for (label, p) in [
        ("Xuất sắc", 90),
        ("Tốt", 80),
        ("Khá", 65),
        ("Trung bình", 50),
        ("Yếu", 0),
    ] {
        o += &format!("\n[[band]]\nlabel = \"{label}\"\nmin_percent = {p}\n");
    }
    let mut k = 0usize;
    let mut criterion = |o: &mut String, group: &str, code: &str| {
        o.push_str(&format!(
            "\n[[criterion]]\ncode = \"{code}\"\ngroup = \"{group}\"\ntitle = \"Chỉ tiêu {code}\"\n\
             guidance = \"Tài liệu kiểm chứng: văn bản, báo cáo, quyết định liên quan.\"\n"
        ));
        match k % 10 {
            3 => o.push_str(
                "kind = \"banded\"\nvalue = { unit = \"%\", min = 0, max = 100 }\ncases = [\n  \
                 { code = \"hi\", label = \"Từ 90% trở lên\", points = 2, range = \"[90, 100]\" },\n  \
                 { code = \"mid\", label = \"Từ 70% đến dưới 90%\", points = 1, range = \"[70, 90)\" },\n  \
                 { code = \"lo\", label = \"Dưới 70%\", points = 0, range = \"[0, 70)\" },\n]\n",
            ),
            7 => o.push_str(
                "kind = \"scaled\"\nmax_points = 3\nscale = { low = 0, high = 10 }\n\
                 value = { unit = \"điểm\", min = 0, max = 10 }\n",
            ),
            r => {
                if r == 0 {
                    o.push_str("evidence = \"required\"\n");
                }
                o.push_str(
                    "cases = [\n  { code = \"a\", label = \"Đạt\", points = 2 },\n  \
                     { code = \"b\", label = \"Đạt một phần\", points = 1 },\n  \
                     { code = \"c\", label = \"Không đạt\", points = 0 },\n",
                );
                if k.is_multiple_of(3) {
                    o.push_str(
                        "  { code = \"kad\", label = \"Không áp dụng\", not_applicable = true },\n",
                    );
                }
                o.push_str("]\n");
            }
        }
        k += 1;
    };
    let letters = ["a", "b", "c", "d", "e", "f", "g"];
    for g in 1..=5 {
        o += &format!("\n[[group]]\ncode = \"{g}\"\ntitle = \"Lĩnh vực {g}\"\n");
        for s in 1..=4 {
            o += &format!(
                "\n[[group]]\ncode = \"{g}.{s}\"\nparent = \"{g}\"\ntitle = \"Nhóm {g}.{s}\"\n\
                 \n[[group]]\ncode = \"{g}.{s}.1\"\nparent = \"{g}.{s}\"\ntitle = \"Nhóm {g}.{s}.1\"\n"
            );
        }
    }
    o += "\n[[group]]\ncode = \"6\"\ntitle = \"Điểm thưởng\"\nkind = \"bonus\"\ncap = 5\n";
    o += "\n[[group]]\ncode = \"7\"\ntitle = \"Điểm trừ\"\nkind = \"penalty\"\ncap = 5\n";
    for g in 1..=5 {
        for s in 1..=4 {
            for l in letters {
                criterion(&mut o, &format!("{g}.{s}"), &format!("{g}.{s}.{l}"));
            }
            for l in letters {
                criterion(&mut o, &format!("{g}.{s}.1"), &format!("{g}.{s}.1.{l}"));
            }
        }
    }
    for l in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"] {
        o += &format!(
            "\n[[criterion]]\ncode = \"6.{l}\"\ngroup = \"6\"\ntitle = \"Thưởng 6.{l}\"\ncases = [\n  \
             {{ code = \"y\", label = \"Có\", points = 1 }},\n  \
             {{ code = \"n\", label = \"Không\", points = 0 }},\n]\n"
        );
        o += &format!(
            "\n[[criterion]]\ncode = \"7.{l}\"\ngroup = \"7\"\ntitle = \"Trừ 7.{l}\"\ncases = [\n  \
             {{ code = \"n\", label = \"Không vi phạm\", points = 0 }},\n  \
             {{ code = \"m\", label = \"Vi phạm nhẹ\", points = -1 }},\n  \
             {{ code = \"s\", label = \"Vi phạm nặng\", points = -2 }},\n]\n"
        );
    }
    o
}

/// A reproducible pseudo-random number for dossier `i`, criterion `k`, purpose `salt`.
fn mix(i: usize, k: usize, salt: u64) -> u64 {
    let mut z = (i as u64) << 32 ^ (k as u64) << 8 ^ salt;
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A plausible score of criterion `k` for dossier `i` (`salt` 1 for the unit, 2 for the
/// reviewer): mostly good, sometimes partial, now and then not applicable or a deduction.
fn score(set: &CriteriaSet, i: usize, k: usize, salt: u64) -> (Option<String>, Option<Decimal>) {
    let c = &set.criteria()[k].criterion;
    let h = mix(i, k, salt);
    match c.kind {
        CriterionKind::Banded => (None, Some(Decimal::from(50 + h % 51))),
        CriterionKind::Scaled => (None, Some(Decimal::new((h % 101) as i64, 1))),
        _ => {
            let codes: Vec<&str> = c.cases.iter().map(|x| x.code.as_str()).collect();
            let code = if codes.contains(&"kad") && h.is_multiple_of(20) {
                "kad"
            } else if codes.contains(&"y") {
                ["y", "n"][(h % 2) as usize]
            } else if codes.contains(&"m") {
                ["n", "n", "n", "m", "s"][(h % 5) as usize]
            } else {
                ["a", "a", "a", "b", "c"][(h % 5) as usize]
            };
            (Some(code.to_owned()), None)
        }
    }
}

fn t0() -> Timestamp {
    Timestamp::parse("2026-03-02T01:30:00Z").unwrap()
}

struct Who {
    admin: Actor,
    unit: Actor,
    reviewer: Actor,
}

fn who(i: usize) -> Who {
    Who {
        admin: Actor::new("quantri", Role::Admin, "TINH"),
        unit: Actor::new(format!("canbo.{i}"), Role::Unit, format!("DV{i:04}")),
        reviewer: Actor::new("thamdinh.1", Role::Reviewer, "TINH"),
    }
}

/// The criteria of each group that has criteria of its own, by index, as the unit saves them
/// ("Lưu" on a group).
fn group_blocks(set: &CriteriaSet) -> Vec<Vec<usize>> {
    set.groups()
        .iter()
        .filter(|g| !g.criteria.is_empty())
        .map(|g| g.criteria.clone())
        .collect()
}

/// Opens dossier `i` and self-scores it group by group, with evidence where required.
fn self_scored(set: &CriteriaSet, i: usize) -> Dossier {
    let w = who(i);
    let mut now = t0();
    let mut d = Dossier::open(
        OpenDossier {
            id: format!("2026/DV{i:04}"),
            period: "2026".into(),
            unit: format!("DV{i:04}"),
            assessing_unit: "TINH".into(),
            self_deadline: Some(t0().add_millis(60 * 86_400_000)),
            requires_report: false,
        },
        set,
        &w.admin,
        now,
    )
    .unwrap();
    for block in group_blocks(set) {
        now = now.add_millis(60_000);
        let entries = block
            .iter()
            .map(|&k| {
                let (case, value) = score(set, i, k, 1);
                SelfInput {
                    criterion: set.criteria()[k].criterion.code.clone(),
                    case,
                    value,
                    opinion: mix(i, k, 3)
                        .is_multiple_of(4)
                        .then(|| "Đơn vị đã triển khai đầy đủ theo kế hoạch.".into()),
                    ..Default::default()
                }
            })
            .collect();
        let save = Command::SaveSelf(SaveSelf {
            base_version: Some(d.version()),
            entries,
        });
        d.execute(set, &w.unit, &save, now).unwrap();
    }
    for (k, node) in set.criteria().iter().enumerate() {
        if node.criterion.evidence == EvidenceRule::Required {
            let attach = Command::AttachEvidence(AttachEvidence {
                criterion: Some(node.criterion.code.clone()),
                evidence: EvidenceInput {
                    id: format!("DV{i:04}-{k}"),
                    file_name: format!("Bao cao {}.pdf", node.criterion.code),
                    size: 100_000 + mix(i, k, 4) % 5_000_000,
                    media_type: "application/pdf".into(),
                    sha256: format!("{:016x}", mix(i, k, 5)).repeat(4),
                },
            });
            d.execute(set, &w.unit, &attach, now).unwrap();
        }
    }
    d
}

/// The reviewer scores every criterion, group by group.
fn review_all(set: &CriteriaSet, d: &mut Dossier, i: usize, now: Timestamp) {
    let w = who(i);
    for block in group_blocks(set) {
        let entries = block
            .iter()
            .map(|&k| {
                // The reviewer agrees with the unit two times in three.
                let salt = if mix(i, k, 6).is_multiple_of(3) { 2 } else { 1 };
                let (case, value) = score(set, i, k, salt);
                ReviewInput {
                    criterion: set.criteria()[k].criterion.code.clone(),
                    case,
                    value,
                    opinion: (salt == 2).then(|| "Chưa đủ tài liệu kiểm chứng.".into()),
                    ..Default::default()
                }
            })
            .collect();
        let save = Command::SaveReview(SaveReview {
            base_version: Some(d.version()),
            entries,
        });
        d.execute(set, &w.reviewer, &save, now).unwrap();
    }
}

/// Dossier `i` worked through to `Reviewed` (one in four through an explanation round), and to
/// `Completed` for even `i`.
fn reviewed(set: &CriteriaSet, i: usize) -> Dossier {
    let w = who(i);
    let mut d = self_scored(set, i);
    let now = t0().add_millis(7 * 86_400_000);
    d.execute(set, &w.unit, &Command::Submit, now).unwrap();
    review_all(set, &mut d, i, now);
    if i.is_multiple_of(4) {
        let asked: Vec<String> = (0..3)
            .map(|j| {
                set.criteria()[(mix(i, j, 7) % 280) as usize]
                    .criterion
                    .code
                    .clone()
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let flag = Command::SaveReview(SaveReview {
            base_version: Some(d.version()),
            entries: asked
                .iter()
                .map(|c| ReviewInput {
                    criterion: c.clone(),
                    request_explanation: Some(true),
                    request_note: Some("Đề nghị bổ sung tài liệu kiểm chứng.".into()),
                    ..Default::default()
                })
                .collect(),
        });
        d.execute(set, &w.reviewer, &flag, now).unwrap();
        let request = Command::RequestExplanation {
            deadline: Some(now.add_millis(10 * 86_400_000)),
        };
        d.execute(set, &w.reviewer, &request, now).unwrap();
        let explain = Command::SaveExplanation(SaveExplanation {
            base_version: Some(d.version()),
            entries: asked
                .iter()
                .map(|c| ExplanationInput {
                    criterion: c.clone(),
                    explanation: Some("Đơn vị đã bổ sung quyết định và báo cáo.".into()),
                    explained: Some(true),
                    ..Default::default()
                })
                .collect(),
        });
        let later = now.add_millis(86_400_000);
        d.execute(set, &w.unit, &explain, later).unwrap();
        d.execute(set, &w.unit, &Command::FinishExplanation, later)
            .unwrap();
        let rescore = Command::SaveReview(SaveReview {
            base_version: Some(d.version()),
            entries: asked
                .iter()
                .map(|c| {
                    let k = set.criterion_position(c).unwrap();
                    let (case, value) = score(set, i, k, 1);
                    ReviewInput {
                        criterion: c.clone(),
                        case,
                        value,
                        ..Default::default()
                    }
                })
                .collect(),
        });
        d.execute(set, &w.reviewer, &rescore, later).unwrap();
    }
    d.execute(set, &w.reviewer, &Command::FinishReview, now)
        .unwrap();
    if i.is_multiple_of(2) {
        d.execute(set, &w.reviewer, &Command::Archive, now).unwrap();
    }
    d
}

/// The dossier as a store loads it for results: its current state, without the history.
fn without_history(d: &Dossier) -> Dossier {
    let mut v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
    v.as_object_mut().unwrap().remove("history");
    Dossier::from_json_value(v).unwrap()
}

/// Times `iters` commands on a dossier that keeps changing: `commands[0]` and `commands[1]` in
/// turn, both timed, or with `undo` each timed `commands[0]` followed by an untimed
/// `commands[1]` that takes it back. The dossier is renewed from `base` every 1,000 commands
/// (outside the timing) so that its history stays the size of a real one.
fn alternate(
    clock: Clock,
    set: &CriteriaSet,
    base: &Dossier,
    actor: &Actor,
    commands: [&Command; 2],
    undo: bool,
    iters: u64,
) -> Duration {
    const RENEW: u64 = 1_000;
    let now = t0().add_millis(86_400_000);
    let mut total = Duration::ZERO;
    let mut done = 0;
    while done < iters {
        let n = (iters - done).min(RENEW);
        let mut d = base.clone();
        if undo {
            for _ in 0..n {
                let start = clock();
                black_box(d.execute(set, actor, commands[0], now).unwrap());
                total += clock() - start;
                d.execute(set, actor, commands[1], now).unwrap();
            }
        } else {
            let start = clock();
            for j in 0..n {
                let events = d
                    .execute(set, actor, commands[(j % 2) as usize], now)
                    .unwrap();
                black_box(events);
            }
            total += clock() - start;
        }
        done += n;
    }
    total
}

fn one_criterion_self(code: &str, case: &str, base_version: u64) -> Command {
    Command::SaveSelf(SaveSelf {
        base_version: Some(base_version),
        entries: vec![SelfInput {
            criterion: code.into(),
            case: Some(case.into()),
            ..Default::default()
        }],
    })
}

fn one_criterion_review(code: &str, case: &str, base_version: u64) -> Command {
    Command::SaveReview(SaveReview {
        base_version: Some(base_version),
        entries: vec![ReviewInput {
            criterion: code.into(),
            case: Some(case.into()),
            opinion: Some("Đã kiểm tra hồ sơ.".into()),
            ..Default::default()
        }],
    })
}

fn commands<M: Measurement<Value = Duration>>(c: &mut Criterion<M>, clock: Clock, suffix: &str) {
    let set = CriteriaSet::from_compact(&set_text()).unwrap();
    assert_eq!(set.criteria().len(), 300);
    let i = 1;
    let w = who(i);
    let in_self = self_scored(&set, i);
    // A choice criterion in the middle of the set.
    let code = "3.2.c";
    assert_eq!(set.criterion(code).unwrap().criterion.cases.len(), 3);

    let mut g = c.benchmark_group(format!("decide+apply{suffix}"));
    let a = one_criterion_self(code, "a", in_self.version());
    let b = one_criterion_self(code, "b", in_self.version());
    g.bench_function("save_self, 1 criterion", |bench| {
        bench.iter_custom(|iters| alternate(clock, &set, &in_self, &w.unit, [&a, &b], false, iters))
    });

    g.bench_function("submit (300 criteria checked)", |bench| {
        bench.iter_custom(|iters| {
            let turn = [&Command::Submit, &Command::Withdraw];
            alternate(clock, &set, &in_self, &w.unit, turn, true, iters)
        })
    });

    let now = t0().add_millis(86_400_000);
    let mut submitted = in_self.clone();
    submitted
        .execute(&set, &w.unit, &Command::Submit, now)
        .unwrap();
    review_all(&set, &mut submitted, i, now);
    let a = one_criterion_review(code, "a", submitted.version());
    let b = one_criterion_review(code, "c", submitted.version());
    g.bench_function("save_review, 1 criterion", |bench| {
        bench.iter_custom(|iters| {
            alternate(clock, &set, &submitted, &w.reviewer, [&a, &b], false, iters)
        })
    });
    g.finish();

    let mut g = c.benchmark_group(format!("decide{suffix}"));
    let a = one_criterion_self(code, "c", in_self.version());
    g.bench_function("save_self, 1 criterion", |bench| {
        bench.iter(|| black_box(decide(&set, &in_self, &w.unit, &a, now).unwrap()))
    });
    g.finish();
}

fn results_of_one<M: Measurement<Value = Duration>>(c: &mut Criterion<M>, suffix: &str) {
    let set = CriteriaSet::from_compact(&set_text()).unwrap();
    // Dossier 4 went through an explanation round: all four tracks are computed.
    let d = reviewed(&set, 4);
    assert_eq!(d.rounds().len(), 1);
    let r = results(&set, &d).unwrap();
    assert!(r.total.first_review.is_some() && r.unscored.review.is_empty());
    let mut g = c.benchmark_group(format!("results{suffix}"));
    g.bench_function("one dossier, 300 criteria", |bench| {
        bench.iter(|| black_box(results(&set, &d).unwrap()))
    });
    let lean = ResultsOptions { criteria: false };
    g.bench_function("one dossier, 300 criteria, totals only", |bench| {
        bench.iter(|| black_box(scoring::results_with(&set, &d, lean).unwrap()))
    });
    g.finish();
}

fn period<M: Measurement<Value = Duration>>(c: &mut Criterion<M>, suffix: &str) {
    let set = CriteriaSet::from_compact(&set_text()).unwrap();
    let units: Vec<Unit> = (0..PERIOD_DOSSIERS)
        .map(|i| Unit {
            id: format!("DV{i:04}"),
            code: format!("DV{i:04}"),
            name: format!("Đơn vị {i}"),
            kind: UnitKind::Department,
            parent: Some("TINH".into()),
        })
        .collect();
    let dossiers: Vec<Dossier> = (0..PERIOD_DOSSIERS)
        .map(|i| without_history(&reviewed(&set, i)))
        .collect();
    let e = scoring::evaluate([&set], &units, &dossiers).unwrap();
    assert_eq!(e.ranking.tables[0].rows.len(), PERIOD_DOSSIERS);

    let mut g = c.benchmark_group(format!("period{suffix}"));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function(
        "results and ranking, 2000 dossiers x 300 criteria",
        |bench| bench.iter(|| black_box(scoring::evaluate([&set], &units, &dossiers).unwrap())),
    );
    let lean = ResultsOptions { criteria: false };
    g.bench_function(
        "results and ranking, 2000 dossiers x 300 criteria, totals only",
        |bench| {
            bench.iter(|| {
                black_box(scoring::evaluate_with([&set], &units, &dossiers, lean).unwrap())
            })
        },
    );
    let all = e.results.clone();
    g.bench_function("ranking only, 2000 results", |bench| {
        bench.iter(|| black_box(rank(units.iter().zip(all.iter()))))
    });
    g.finish();
}

fn run<M: Measurement<Value = Duration>>(mut c: Criterion<M>, clock: Clock, suffix: &str) {
    commands(&mut c, clock, suffix);
    results_of_one(&mut c, suffix);
    period(&mut c, suffix);
    c.final_summary();
}

fn main() {
    let cpu = std::env::var("CHAMDIEM_BENCH_CLOCK").is_ok_and(|v| v == "cpu");
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    if cpu {
        let c = Criterion::default().with_measurement(ThreadCpuTime);
        return run(c.configure_from_args(), thread_cpu_clock, " (cpu)");
    }
    if cpu {
        eprintln!("CHAMDIEM_BENCH_CLOCK=cpu needs 64-bit Linux; measuring wall-clock time");
    }
    run(Criterion::default().configure_from_args(), wall_clock, "");
}
