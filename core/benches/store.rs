//! Storage benchmarks (SQLite): load a 300-criterion dossier, save one changed entry with
//! `synchronous=FULL` and `NORMAL`, the same write as a bare rusqlite transaction (our save
//! rate is reported as a ratio of it), and the results and ranking of a period of 2,000
//! dossiers. Run: `cargo bench -p chamdiem --features sqlite --bench store`.
//!
//! The database files live in cargo's target folder, on the same disk as the build.

use chamdiem::store::conformance::{self, at, officer, reviewer};
use chamdiem::store::sqlite::rusqlite;
use chamdiem::store::{SqliteOptions, SqliteStore, Store, Synchronous};
use chamdiem::workflow::{ReviewInput, SaveReview, SaveSelf, SelfInput};
use chamdiem::{Command, UnitKind};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn bench_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("store-bench")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fast(path: &Path) -> SqliteStore {
    SqliteStore::open_with(
        path,
        SqliteOptions::default().synchronous(Synchronous::Normal),
    )
    .unwrap()
}

fn open(path: &Path, sync: Synchronous) -> SqliteStore {
    SqliteStore::open_with(path, SqliteOptions::default().synchronous(sync)).unwrap()
}

/// Self-scores every criterion of a dossier (one save per group of ten, as the manual's "Lưu"),
/// submits, and reviews every criterion.
fn fill(store: &dyn Store, id: &str, unit: &str, criteria: usize, seed: usize, review: bool) {
    let u = officer("officer", unit);
    let codes: Vec<String> = store
        .dossier_state(id)
        .unwrap()
        .entries()
        .iter()
        .map(|e| e.criterion.clone())
        .collect();
    assert_eq!(codes.len(), criteria);
    for (g, group) in codes.chunks(10).enumerate() {
        let entries = group
            .iter()
            .enumerate()
            .map(|(i, c)| SelfInput {
                criterion: c.clone(),
                case: Some(
                    if (i + g + seed).is_multiple_of(3) {
                        "b"
                    } else {
                        "a"
                    }
                    .into(),
                ),
                opinion: Some(format!("Ý kiến của đơn vị về chỉ tiêu {c}")),
                ..Default::default()
            })
            .collect();
        let cmd = Command::SaveSelf(SaveSelf {
            base_version: None,
            entries,
        });
        store.execute(id, &u, &cmd, at(1)).unwrap();
    }
    if !review {
        return;
    }
    let ev = chamdiem::workflow::EvidenceInput {
        id: format!("{id}-ev"),
        file_name: "ke-hoach.pdf".into(),
        size: 10_000,
        media_type: "application/pdf".into(),
        sha256: "ab".repeat(32),
    };
    let attach = Command::AttachEvidence(chamdiem::workflow::AttachEvidence {
        criterion: Some(codes[0].clone()),
        evidence: ev,
    });
    store.execute(id, &u, &attach, at(2)).unwrap();
    store.execute(id, &u, &Command::Submit, at(3)).unwrap();
    let entries = codes
        .iter()
        .enumerate()
        .map(|(i, c)| ReviewInput {
            criterion: c.clone(),
            case: Some(
                if (i + seed).is_multiple_of(4) {
                    "b"
                } else {
                    "a"
                }
                .into(),
            ),
            ..Default::default()
        })
        .collect();
    let cmd = Command::SaveReview(SaveReview {
        base_version: None,
        entries,
    });
    store
        .execute(id, &reviewer("reviewer"), &cmd, at(4))
        .unwrap();
}

fn one_dossier(dir: &Path, criteria: usize, review: bool) -> PathBuf {
    let path = dir.join("one.db");
    let store = fast(&path);
    conformance::seed(&store, 1, criteria);
    fill(&store, "2026/D1", "D1", criteria, 0, review);
    path
}

fn save_one(store: &SqliteStore, i: &mut u64) {
    *i += 1;
    let cmd = Command::SaveSelf(SaveSelf {
        base_version: None,
        entries: vec![SelfInput {
            criterion: "7.5".into(),
            opinion: Some(format!("lần lưu {i}")),
            ..Default::default()
        }],
    });
    let done = store
        .execute("2026/D1", &officer("officer", "D1"), &cmd, at(1))
        .unwrap();
    assert_eq!(done.events.len(), 1);
}

/// The same write as one save, as a bare rusqlite transaction: update one entry, insert one
/// event, update the dossier row.
struct Bare {
    conn: rusqlite::Connection,
    entry: String,
    event: String,
    header: String,
    seq: i64,
}

impl Bare {
    fn new(path: &Path, sync: Synchronous) -> Bare {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        let s = if sync == Synchronous::Full {
            "FULL"
        } else {
            "NORMAL"
        };
        conn.pragma_update(None, "synchronous", s).unwrap();
        let (entry, header, seq): (String, String, i64) = conn
            .query_row(
                "SELECT (SELECT data FROM entries WHERE dossier_id = '2026/D1' AND position = 64), header, last_seq \
                 FROM dossiers WHERE id = '2026/D1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        let event: String = conn
            .query_row(
                "SELECT payload FROM events WHERE dossier_id = '2026/D1' ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        Bare {
            conn,
            entry,
            event,
            header,
            seq,
        }
    }

    fn write(&mut self) {
        self.seq += 1;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        tx.prepare_cached("UPDATE entries SET version = ?1, data = ?2 WHERE dossier_id = '2026/D1' AND position = 64")
            .unwrap()
            .execute(rusqlite::params![self.seq, self.entry])
            .unwrap();
        tx.prepare_cached(
            "INSERT INTO events (dossier_id, seq, version, at, actor_user, actor_role, actor_unit, from_state, \
             to_state, type, criterion, payload) VALUES ('2026/D1', ?1, ?1, 0, 'officer', 'unit', 'D1', \
             'self_assessed', 'self_assessed', 'self_saved', '7.5', ?2)",
        )
        .unwrap()
        .execute(rusqlite::params![self.seq, self.event])
        .unwrap();
        tx.prepare_cached("UPDATE dossiers SET version = ?1, last_seq = ?1, updated_at = 0, header = ?2 WHERE id = '2026/D1'")
            .unwrap()
            .execute(rusqlite::params![self.seq, self.header])
            .unwrap();
        tx.commit().unwrap();
    }
}

fn per_second(c: &mut Criterion, name: &str, mut f: impl FnMut()) -> f64 {
    c.bench_function(name, |b| b.iter(&mut f));
    // The same operation timed once more over a fixed count, for the ratio printed below.
    let n = 400;
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn storage(c: &mut Criterion) {
    // Load a 300-criterion dossier (scored, evidenced, submitted, reviewed).
    let dir = bench_dir("load");
    let path = one_dossier(&dir, 300, true);
    let cold = SqliteStore::open_with(&path, SqliteOptions::default().cache(0)).unwrap();
    let d = cold.dossier("2026/D1").unwrap();
    println!(
        "dossier: {} entries, {} events, version {}",
        d.entries().len(),
        d.history().len(),
        d.version()
    );
    c.bench_function(
        "load 300-criterion dossier, state (decoded from the rows)",
        |b| b.iter(|| black_box(cold.dossier_state("2026/D1").unwrap())),
    );
    c.bench_function(
        "load 300-criterion dossier, with history (decoded from the rows)",
        |b| b.iter(|| black_box(cold.dossier("2026/D1").unwrap())),
    );
    drop(cold);
    let store = open(&path, Synchronous::Full);
    c.bench_function(
        "load 300-criterion dossier, state (cached, version checked)",
        |b| b.iter(|| black_box(store.dossier_state("2026/D1").unwrap())),
    );
    c.bench_function(
        "load 300-criterion dossier, with history (cached, version checked)",
        |b| b.iter(|| black_box(store.dossier("2026/D1").unwrap())),
    );
    drop(store);

    // Save one changed entry, and the bare transaction, with FULL and NORMAL.
    let mut rates = Vec::new();
    for (sync, label) in [(Synchronous::Full, "FULL"), (Synchronous::Normal, "NORMAL")] {
        let dir = bench_dir(&format!("save-{label}"));
        let path = one_dossier(&dir, 300, false);
        let bare_path = dir.join("bare.db");
        std::fs::copy(&path, &bare_path).unwrap();
        let store = open(&path, sync);
        let mut i = 0;
        let ours = per_second(
            c,
            &format!("save one changed entry, synchronous={label}"),
            || save_one(&store, &mut i),
        );
        let mut bare = Bare::new(&bare_path, sync);
        let theirs = per_second(
            c,
            &format!("bare rusqlite transaction, synchronous={label}"),
            || bare.write(),
        );
        rates.push((label, ours, theirs));
    }
    for (label, ours, theirs) in &rates {
        println!(
            "synchronous={label}: our save {ours:.0}/s, bare transaction {theirs:.0}/s, ratio {:.2}",
            ours / theirs
        );
    }

    // Results and ranking of a period of 2,000 dossiers.
    // The 300-criterion period takes minutes to build: CHAMDIEM_BENCH_LARGE=1 adds it.
    let sizes: &[usize] = if std::env::var("CHAMDIEM_BENCH_LARGE").is_ok() {
        &[50, 300]
    } else {
        &[50]
    };
    for &criteria in sizes {
        let dir = bench_dir(&format!("period-{criteria}"));
        let path = dir.join("period.db");
        let started = Instant::now();
        {
            let store = fast(&path);
            conformance::seed(&store, 0, criteria);
            let set = store.criteria_set("s", 1).unwrap();
            let period = store.period("2026").unwrap();
            for k in 0..2000 {
                let u = conformance::unit(&format!("U{k:04}"), UnitKind::Department, Some("P"));
                store.insert_unit(&u).unwrap();
                let d = period
                    .open_dossier(
                        format!("2026/U{k:04}"),
                        &u,
                        &set,
                        &conformance::admin(),
                        at(0),
                    )
                    .unwrap();
                store.insert_dossier(&d).unwrap();
                fill(&store, d.id(), &u.id, criteria, k, true);
            }
        }
        println!(
            "period of 2,000 dossiers x {criteria} criteria built in {:?}",
            started.elapsed()
        );
        let store = open(&path, Synchronous::Full);
        let mut group =
            c.benchmark_group(format!("period of 2,000 dossiers x {criteria} criteria"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if criteria > 100 { 30 } else { 10 }));
        group.bench_function("results", |b| {
            b.iter(|| black_box(store.period_results("2026").unwrap()))
        });
        group.bench_function("ranking", |b| {
            b.iter(|| black_box(store.period_ranking("2026").unwrap()))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = storage
}
criterion_main!(benches);
