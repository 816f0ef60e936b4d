//! The conformance suite on the SQLite store (a file, and in memory), and what only SQLite has:
//! host migrations and transactions, backups while running, copies while stopped, damaged rows.

use chamdiem::store::conformance::{self, Harness, at, officer, save_self};
use chamdiem::store::{FaultPlan, Migration, SqliteOptions, SqliteStore, Store};
use std::sync::Arc;

fn make() -> Option<Harness> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let faults = Arc::new(FaultPlan::new());
    let store = SqliteStore::open_with(
        dir.path().join("chamdiem.db"),
        SqliteOptions::default().faults(faults.clone()),
    )
    .expect("a new database");
    Some(Harness::new(Box::new(store), faults).on_drop(move || drop(dir)))
}

chamdiem::store_conformance_tests!(make);

mod in_memory {
    use super::*;

    fn make() -> Option<Harness> {
        let faults = Arc::new(FaultPlan::new());
        let store =
            SqliteStore::open_in_memory_with(SqliteOptions::default().faults(faults.clone()))
                .expect("an in-memory database");
        Some(Harness::new(Box::new(store), faults))
    }

    chamdiem::store_conformance_tests!(make);
}

fn server_migrations() -> Vec<Migration> {
    vec![
        Migration::new(
            1,
            "users",
            "CREATE TABLE users (id TEXT PRIMARY KEY, unit_id TEXT REFERENCES units(id)) STRICT;",
        ),
        Migration::new(
            2,
            "counters",
            "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;",
        ),
    ]
}

#[test]
fn host_migrations_and_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let opts = || SqliteOptions::default().migrations("server", server_migrations());
    let store = SqliteStore::open_with(&path, opts()).unwrap();
    conformance::seed(&store, 1, 3);
    store
        .write(|tx| {
            tx.execute("INSERT INTO users (id, unit_id) VALUES ('u1', 'D1')", [])?;
            Ok::<_, chamdiem::Error>(())
        })
        .unwrap();
    // The foreign key to the core's units holds.
    let err = store
        .write(|tx| {
            tx.execute("INSERT INTO users (id, unit_id) VALUES ('u2', 'nope')", [])?;
            Ok::<_, chamdiem::Error>(())
        })
        .unwrap_err();
    assert_eq!(err.code(), "storage");
    // A failing closure rolls back.
    let err = store
        .write(|tx| {
            tx.execute("INSERT INTO users (id, unit_id) VALUES ('u3', 'D1')", [])?;
            Err::<(), _>(chamdiem::Error::storage("host failure"))
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "storage error: host failure");
    let n: i64 = store
        .read(|tx| {
            Ok::<_, chamdiem::Error>(tx.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
        })
        .unwrap();
    assert_eq!(n, 1);
    // Readers cannot write.
    assert!(
        store
            .read(|tx| Ok::<_, chamdiem::Error>(tx.execute("DELETE FROM users", [])?))
            .is_err()
    );
    // The history is append-only, even for hosts.
    let err = store
        .write(|tx| Ok::<_, chamdiem::Error>(tx.execute("DELETE FROM events", [])?))
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert_eq!(
        store.schema_versions().unwrap(),
        vec![("core".to_owned(), 1), ("server".to_owned(), 2)]
    );
    drop(store);
    // Reopening applies nothing twice; opening without the host's migrations leaves its tables.
    let store = SqliteStore::open_with(&path, opts()).unwrap();
    assert_eq!(store.units().unwrap().len(), 2);
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_versions().unwrap().len(), 2);
    drop(store);
    // A host release older than the database is refused.
    let older = SqliteOptions::default().migrations("server", server_migrations()[..1].to_vec());
    let err = SqliteStore::open_with(&path, older).unwrap_err();
    assert!(err.to_string().contains("newer"), "{err}");
    // Bad registrations are refused before anything is opened.
    let bad = SqliteOptions::default().migrations("core", server_migrations());
    assert_eq!(
        SqliteStore::open_with(dir.path().join("x.db"), bad)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let gap = SqliteOptions::default().migrations("server", server_migrations()[1..].to_vec());
    assert_eq!(
        SqliteStore::open_with(dir.path().join("x.db"), gap)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}

#[test]
fn backup_while_running_and_copy_while_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.db");
    let store = SqliteStore::open(&path).unwrap();
    conformance::seed(&store, 3, 20);
    let backup = dir.path().join("backup.db");
    std::thread::scope(|s| {
        s.spawn(|| {
            let u = officer("u", "D1");
            for i in 0..200 {
                let c = format!("{}.{}", 1 + i % 2, 1 + i % 10);
                store
                    .execute(
                        "2026/D1",
                        &u,
                        &save_self(
                            None,
                            &c,
                            if i % 3 == 0 { "a" } else { "b" },
                            &format!("{i}"),
                        ),
                        at(1),
                    )
                    .unwrap();
            }
        });
        std::thread::sleep(std::time::Duration::from_millis(20));
        store.backup_to(&backup).unwrap();
    });
    assert_eq!(
        store.backup_to(&backup).unwrap_err().code(),
        "already_exists"
    );
    let copy = SqliteStore::open(&backup).unwrap();
    assert_eq!(copy.integrity_check().unwrap(), vec!["ok"]);
    let d = copy.dossier("2026/D1").unwrap();
    // The copy is one consistent moment: its history replays to its state.
    assert_eq!(chamdiem::Dossier::replay(d.history().to_vec()).unwrap(), d);
    assert_eq!(copy.dossiers(&Default::default()).unwrap().len(), 3);
    drop(copy);
    // Stopped: the one file is the whole database.
    let before = conformance::dump(&store);
    drop(store);
    let copied = dir.path().join("copied.db");
    std::fs::copy(&path, &copied).unwrap();
    for suffix in ["-wal", "-shm"] {
        assert!(!dir.path().join(format!("live.db{suffix}")).exists());
    }
    let store = SqliteStore::open(&copied).unwrap();
    assert_eq!(conformance::dump(&store), before);
}

#[test]
fn damaged_rows_are_typed_errors_naming_the_dossier() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("db")).unwrap();
    conformance::seed(&store, 2, 3);
    store
        .write(|tx| {
            tx.execute(
                "UPDATE entries SET data = '{\"criterion\": 12' WHERE dossier_id = '2026/D1' AND position = 1",
                [],
            )?;
            tx.execute(
                "UPDATE dossiers SET header = '{}' WHERE id = '2026/D2'",
                [],
            )?;
            Ok::<_, chamdiem::Error>(())
        })
        .unwrap();
    for err in [
        store.dossier("2026/D1").unwrap_err(),
        store.dossier_state("2026/D1").unwrap_err(),
        store
            .execute(
                "2026/D1",
                &officer("u", "D1"),
                &save_self(None, "1.1", "a", ""),
                at(1),
            )
            .unwrap_err(),
        store.period_results("2026").unwrap_err(),
    ] {
        assert_eq!(err.code(), "storage");
        assert!(err.to_string().contains("2026/D1"), "{err}");
    }
    let err = store.dossier("2026/D2").unwrap_err();
    assert_eq!(err.code(), "storage");
    assert!(err.to_string().contains("2026/D2"), "{err}");
    // The rest stays readable.
    assert_eq!(store.history("2026/D1").unwrap().len(), 1);
    assert_eq!(store.units().unwrap().len(), 3);
}

#[test]
fn cached_states_never_go_stale() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let a = SqliteStore::open(&path).unwrap();
    conformance::seed(&a, 1, 3);
    let b = SqliteStore::open(&path).unwrap();
    // `a` caches the state and history; `b` (another process, say) writes.
    assert_eq!(a.dossier("2026/D1").unwrap().version(), 1);
    a.dossier_state("2026/D1").unwrap();
    b.execute(
        "2026/D1",
        &officer("b", "D1"),
        &save_self(Some(1), "1.1", "a", "from b"),
        at(1),
    )
    .unwrap();
    assert_eq!(a.dossier("2026/D1").unwrap(), b.dossier("2026/D1").unwrap());
    // `a` writes on top of `b`'s change, never over it.
    a.execute(
        "2026/D1",
        &officer("a", "D1"),
        &save_self(Some(1), "1.2", "b", "from a"),
        at(2),
    )
    .unwrap();
    b.execute(
        "2026/D1",
        &officer("b", "D1"),
        &save_self(None, "1.3", "a", "b again"),
        at(3),
    )
    .unwrap();
    let d = a.dossier("2026/D1").unwrap();
    assert_eq!(d.version(), 4);
    assert_eq!(d.entry("1.1").unwrap().self_opinion, "from b");
    assert_eq!(d.entry("1.2").unwrap().self_opinion, "from a");
    assert_eq!(d.entry("1.3").unwrap().self_opinion, "b again");
    assert_eq!(d, b.dossier("2026/D1").unwrap());
    assert_eq!(chamdiem::Dossier::replay(d.history().to_vec()).unwrap(), d);
}

/// Four commands that arrive while the writer is busy: three saves on dossiers of their own
/// and one refused (an unknown criterion).
fn four_commands(store: &SqliteStore, round: usize) -> Vec<(String, chamdiem::Command)> {
    (1..=4)
        .map(|k| {
            let id = format!("2026/D{k}");
            let base = store.dossier_state(&id).unwrap().version();
            let criterion = if k == 4 { "9.99" } else { "1.1" };
            let case = if round.is_multiple_of(2) { "a" } else { "b" };
            (
                id,
                save_self(Some(base), criterion, case, &format!("r{round} d{k}")),
            )
        })
        .collect()
}

/// The `k`-th of [`four_commands`], by an officer of its unit.
fn run(
    store: &SqliteStore,
    k: usize,
    id: &str,
    cmd: &chamdiem::Command,
) -> chamdiem::Result<chamdiem::store::Executed> {
    let actor = officer(&format!("u{k}"), &format!("D{}", k + 1));
    store.execute(id, &actor, cmd, at(5))
}

/// Runs `commands` from threads of their own while another transaction holds the writer, so
/// that they queue up and the next holder runs them together; `arm` is called just before
/// the writer is released. The answers, in order.
fn as_one_batch(
    store: &SqliteStore,
    commands: &[(String, chamdiem::Command)],
    arm: impl FnOnce(),
) -> Vec<chamdiem::Result<chamdiem::store::Executed>> {
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        let holder = s.spawn(move || {
            store
                .write(|_| {
                    held_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    Ok::<_, chamdiem::Error>(())
                })
                .unwrap()
        });
        held_rx.recv().unwrap();
        let workers: Vec<_> = commands
            .iter()
            .enumerate()
            .map(|(k, (id, cmd))| s.spawn(move || run(store, k, id, cmd)))
            .collect();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while store.waiting_commands() < commands.len() {
            assert!(
                std::time::Instant::now() < deadline,
                "the commands never queued"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        arm();
        release_tx.send(()).unwrap();
        holder.join().unwrap();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    })
}

#[test]
fn commands_waiting_for_the_writer_share_one_commit_and_are_answered_alone() {
    let dir = tempfile::tempdir().unwrap();
    let faults = Arc::new(FaultPlan::new());
    let store = SqliteStore::open_with(
        dir.path().join("batch.db"),
        SqliteOptions::default().faults(faults.clone()),
    )
    .unwrap();
    conformance::seed(&store, 4, 3);
    let versions = |store: &SqliteStore| -> Vec<u64> {
        (1..=4)
            .map(|k| {
                store
                    .dossier_state(&format!("2026/D{k}"))
                    .unwrap()
                    .version()
            })
            .collect()
    };
    let check = |results: &[chamdiem::Result<chamdiem::store::Executed>], before: &[u64]| {
        for (k, r) in results.iter().enumerate().take(3) {
            assert_eq!(r.as_ref().unwrap().version, before[k] + 1, "save {k}");
        }
        assert_eq!(results[3].as_ref().unwrap_err().code(), "unknown_criterion");
    };

    // One after another: the operations four separate transactions take.
    let before = versions(&store);
    let commands = four_commands(&store, 0);
    faults.fail_nth(u64::MAX);
    let serial: Vec<_> = commands
        .iter()
        .enumerate()
        .map(|(k, (id, cmd))| run(&store, k, id, cmd))
        .collect();
    let serial_ops = faults.operations();
    check(&serial, &before);

    // Queued behind a busy writer: one transaction, so three BEGIN/COMMIT pairs fewer (the
    // count includes the holder's own COMMIT).
    let before = versions(&store);
    let commands = four_commands(&store, 1);
    let batch = as_one_batch(&store, &commands, || faults.fail_nth(u64::MAX));
    let batch_ops = faults.operations() - 1;
    check(&batch, &before);
    assert_eq!(
        serial_ops - batch_ops,
        6,
        "serial {serial_ops}, batched {batch_ops}"
    );
    for (k, (id, _)) in commands.iter().enumerate().take(3) {
        let d = store.dossier(id).unwrap();
        assert_eq!(
            d.entry("1.1").unwrap().self_opinion,
            format!("r1 d{}", k + 1)
        );
        assert_eq!(chamdiem::Dossier::replay(d.history().to_vec()).unwrap(), d);
    }

    // The same batch whose COMMIT fails: every command gets the error, nothing is written,
    // and no cached state runs ahead of the database.
    let before = versions(&store);
    let commands = four_commands(&store, 2);
    let failed = as_one_batch(&store, &commands, || faults.fail_nth(1 + batch_ops));
    assert!(faults.triggered());
    for r in &failed {
        let e = r.as_ref().unwrap_err();
        assert_eq!(e.code(), "storage");
        assert!(e.to_string().contains("COMMIT"), "{e}");
    }
    faults.disarm();
    assert_eq!(versions(&store), before);
    let d1 = store.dossier("2026/D1").unwrap();
    assert_eq!(d1.entry("1.1").unwrap().self_opinion, "r1 d1");
    // And the store goes on.
    let retried = as_one_batch(&store, &four_commands(&store, 3), || ());
    check(&retried, &before);
    assert_eq!(store.integrity_check().unwrap(), vec!["ok"]);
}
