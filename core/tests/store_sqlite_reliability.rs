//! Reliability of the SQLite store, tested rather than promised:
//!
//! - crash safety: a child process saves in a loop and prints each acknowledged version; it is
//!   killed with SIGKILL at random moments, several times; every acknowledged save survives,
//!   nothing half-written does, and `PRAGMA integrity_check` says ok;
//! - contention: 50 threads (on two stores over one file, as two processes would be) doing
//!   read-then-write see no `SQLITE_BUSY` and end equal to a serial reference;
//! - bad input: a file that is not a database, a database of a newer schema, a read-only file,
//!   a full disk: each a clear error, and the data already there stays readable.
//!
//! The child processes are this test binary run again with an environment variable naming
//! what to do.

use chamdiem::store::conformance::{self, at, officer, save_self};
use chamdiem::store::sqlite::rusqlite;
use chamdiem::store::{MemoryStore, Migration, SqliteOptions, SqliteStore, Store};
use chamdiem::{Dossier, Error};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHILD: &str = "CHAMDIEM_RELIABILITY_CHILD";
const DB: &str = "CHAMDIEM_RELIABILITY_DB";

/// Runs this test binary again, only the test `name`, with `env`.
fn child(name: &str, env: &[(&str, &str)]) -> Command {
    let exe = std::env::current_exe().expect("the test binary");
    let mut c = Command::new(exe);
    c.args([name, "--exact", "--nocapture", "--test-threads=1"]);
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

fn is_child(name: &str) -> bool {
    std::env::var(CHILD).as_deref() == Ok(name)
}

/// A small xorshift generator seeded from the clock: the kill moments differ run to run.
struct Rng(u64);
impl Rng {
    fn new() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        eprintln!("random seed {seed}");
        Rng(seed | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const DOSSIERS: usize = 4;

/// The child of `crash_safety_under_sigkill`: saves forever, printing `ACK <dossier> <version>`
/// after each acknowledged save.
#[test]
fn crash_child_saves_forever() {
    if !is_child("crash") {
        return;
    }
    let path = std::env::var(DB).expect("the database path");
    let store = SqliteStore::open(&path).expect("the database opens");
    let mut i: u64 = 0;
    loop {
        for k in 1..=DOSSIERS {
            let id = format!("2026/D{k}");
            let c = format!("{}.{}", 1 + (i % 3), 1 + (i % 10));
            let case = if i.is_multiple_of(2) { "a" } else { "b" };
            let cmd = save_self(None, &c, case, &format!("save {i} at {:?}", Instant::now()));
            let done = store
                .execute(&id, &officer("u", &format!("D{k}")), &cmd, at(1))
                .expect("a save");
            println!("ACK {id} {}", done.version);
        }
        i += 1;
    }
}

#[test]
fn crash_safety_under_sigkill() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    {
        let store = SqliteStore::open(&path).unwrap();
        conformance::seed(&store, DOSSIERS, 30);
    }
    let mut rng = Rng::new();
    let mut acked: BTreeMap<String, u64> = BTreeMap::new();
    let mut stored: BTreeMap<String, u64> = BTreeMap::new();
    let mut total = 0;
    for round in 0..6 {
        let mut proc = child(
            "crash_child_saves_forever",
            &[(CHILD, "crash"), (DB, path.to_str().unwrap())],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        let stdout = proc.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Wait for the first acknowledgement, then kill at a random moment.
        let mut lines: Vec<String> = Vec::new();
        while let Ok(l) = rx.recv_timeout(Duration::from_secs(60)) {
            let ack = l.contains("ACK ");
            lines.push(l);
            if ack {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(5 + rng.below(300)));
        proc.kill().unwrap(); // SIGKILL
        proc.wait().unwrap();
        reader.join().unwrap();
        lines.extend(rx.try_iter());
        let mut this_round = 0;
        for l in &lines {
            // libtest may print "test <name> ... " on the same line, before the first one.
            let Some(at) = l.find("ACK ") else {
                continue;
            };
            let mut w = l[at..].split_whitespace();
            w.next();
            let (Some(id), Some(v)) = (w.next(), w.next().and_then(|v| v.parse::<u64>().ok()))
            else {
                continue;
            };
            let e = acked.entry(id.to_owned()).or_default();
            *e = (*e).max(v);
            this_round += 1;
        }
        assert!(
            this_round > 0,
            "round {round}: the child acknowledged nothing"
        );
        total += this_round;
        // Reopen: every acknowledged save is there; nothing half-written is.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(
            store.integrity_check().unwrap(),
            vec!["ok"],
            "round {round}"
        );
        for (id, &v) in &acked {
            let d = store.dossier(id).unwrap();
            assert!(
                d.version() >= v,
                "round {round}: {id} acknowledged at version {v} but stored at {}",
                d.version()
            );
            // At most one save was in flight when the child died.
            let floor = stored.get(id).copied().unwrap_or(1).max(v);
            assert!(
                d.version() <= floor + 1,
                "round {round}: {id} at version {}, past the last known save {floor}; this \
                 round's lines: {:?}",
                d.version(),
                lines
                    .iter()
                    .filter(|l| l.contains(id.as_str()))
                    .collect::<Vec<_>>()
            );
            stored.insert(id.clone(), d.version());
            assert_eq!(d.history().len() as u64, d.version(), "one event per save");
            assert_eq!(Dossier::replay(d.history().to_vec()).unwrap(), d, "{id}");
        }
        eprintln!("round {round}: {this_round} saves acknowledged before SIGKILL");
    }
    eprintln!("{total} acknowledged saves over 6 kills, all present");
}

#[test]
fn fifty_threads_read_then_write_without_busy() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    const THREADS: usize = 50;
    const ROUNDS: usize = 10;
    const PER_DOSSIER: usize = 10;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contention.db");
    let counters = vec![Migration::new(
        1,
        "counters",
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT; \
         INSERT INTO counters VALUES ('hits', 0);",
    )];
    let opts = || SqliteOptions::default().migrations("test", counters.clone());
    // Two stores over one file: their writers contend in SQLite itself, as two processes would.
    let a = SqliteStore::open_with(&path, opts()).unwrap();
    let b = SqliteStore::open_with(&path, opts()).unwrap();
    let dossiers = THREADS / PER_DOSSIER;
    conformance::seed(&a, dossiers, 30);
    let reference = MemoryStore::new();
    conformance::seed(&reference, dossiers, 30);
    let command = |t: usize, r: usize| {
        let dossier = format!("2026/D{}", 1 + t % dossiers);
        let criterion = format!("1.{}", 1 + t / dossiers);
        let case = if (t + r).is_multiple_of(2) { "a" } else { "b" };
        (
            dossier,
            officer(&format!("user{t}"), &format!("D{}", 1 + t % dossiers)),
            criterion,
            case,
            format!("t{t} r{r}"),
        )
    };
    let errors = std::sync::Mutex::new(Vec::<Error>::new());
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let store = if t % 2 == 0 { &a } else { &b };
            let errors = &errors;
            s.spawn(move || {
                for r in 0..ROUNDS {
                    let (dossier, actor, criterion, case, opinion) = command(t, r);
                    let result = store.dossier_state(&dossier).and_then(|d| {
                        let cmd = save_self(Some(d.version()), &criterion, case, &opinion);
                        store.execute(&dossier, &actor, &cmd, at(1))
                    });
                    if let Err(e) = result {
                        errors.lock().unwrap().push(e);
                    }
                    // The host's own read-then-write, in one IMMEDIATE transaction.
                    let bumped = store.write(|tx| {
                        let v: i64 = tx.query_row(
                            "SELECT value FROM counters WHERE name = 'hits'",
                            [],
                            |r| r.get(0),
                        )?;
                        tx.execute(
                            "UPDATE counters SET value = ?1 WHERE name = 'hits'",
                            [v + 1],
                        )?;
                        Ok::<_, Error>(())
                    });
                    if let Err(e) = bumped {
                        errors.lock().unwrap().push(e);
                    }
                }
            });
        }
    });
    let errors = errors.into_inner().unwrap();
    assert!(
        errors.is_empty(),
        "{} errors, first: {}",
        errors.len(),
        errors[0]
    );
    eprintln!(
        "{} read-then-write commands and {} counter updates in {:?}",
        THREADS * ROUNDS,
        THREADS * ROUNDS,
        started.elapsed()
    );
    let hits: i64 = a
        .read(|tx| Ok::<_, Error>(tx.query_row("SELECT value FROM counters", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(hits as usize, THREADS * ROUNDS);
    // The serial reference: the same commands, one after another.
    for t in 0..THREADS {
        for r in 0..ROUNDS {
            let (dossier, actor, criterion, case, opinion) = command(t, r);
            reference
                .execute(
                    &dossier,
                    &actor,
                    &save_self(None, &criterion, case, &opinion),
                    at(1),
                )
                .unwrap();
        }
    }
    for k in 1..=dossiers {
        let id = format!("2026/D{k}");
        let got = a.dossier(&id).unwrap();
        let want = reference.dossier(&id).unwrap();
        assert_eq!(got.version(), want.version());
        assert_eq!(got.history().len(), want.history().len());
        for (g, w) in got.entries().iter().zip(want.entries()) {
            assert_eq!(
                (&g.criterion, &g.self_score, &g.self_opinion),
                (&w.criterion, &w.self_score, &w.self_opinion)
            );
        }
        assert_eq!(Dossier::replay(got.history().to_vec()).unwrap(), got);
    }
    assert_eq!(a.integrity_check().unwrap(), vec!["ok"]);
}

#[test]
fn a_file_that_is_not_a_database() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    let text: Vec<u8> = b"Bien ban hop giao ban, khong phai co so du lieu.\n".repeat(200);
    std::fs::write(&path, &text).unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert_eq!(err.code(), "storage");
    assert!(err.to_string().contains("not a SQLite database"), "{err}");
    assert!(err.to_string().contains("notes.db"), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        text,
        "the file was not touched"
    );
    // A SQLite database of another application is refused too, untouched.
    let other = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch(
            "CREATE TABLE invoices (id INTEGER PRIMARY KEY); INSERT INTO invoices VALUES (7);",
        )
        .unwrap();
    }
    let err = SqliteStore::open(&other).unwrap_err();
    assert!(err.to_string().contains("another application"), "{err}");
    let c = rusqlite::Connection::open(&other).unwrap();
    let n: i64 = c
        .query_row("SELECT id FROM invoices", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 7);
    let tables: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1);
}

#[test]
fn a_database_of_a_newer_schema() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let store = SqliteStore::open(&path).unwrap();
        conformance::seed(&store, 2, 5);
    }
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(
            "INSERT INTO schema_migrations VALUES ('core', 2, 'from the future', '2030-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    for opts in [
        SqliteOptions::default(),
        SqliteOptions::default().read_only(true),
    ] {
        let err = SqliteStore::open_with(&path, opts).unwrap_err();
        assert_eq!(err.code(), "storage");
        assert!(err.to_string().contains("newer than version 1"), "{err}");
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file was not touched"
    );
    let c = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM dossiers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2, "the data is still there");
}

/// Sets up a store with data at `path` and returns what `dump` said.
fn seeded(path: &Path) -> String {
    let store = SqliteStore::open(path).unwrap();
    conformance::seed(&store, 3, 10);
    store
        .execute(
            "2026/D1",
            &officer("u", "D1"),
            &save_self(None, "1.1", "a", "đã lưu"),
            at(1),
        )
        .unwrap();
    conformance::dump(&store)
}

fn read_only_checks(path: &Path, before: &str) {
    let err = SqliteStore::open(path).unwrap_err();
    assert_eq!(err.code(), "storage");
    assert!(err.to_string().contains("read-only"), "{err}");
    let store = SqliteStore::open_with(path, SqliteOptions::default().read_only(true)).unwrap();
    assert_eq!(conformance::dump(&store), before, "the data stays readable");
    let err = store
        .execute(
            "2026/D1",
            &officer("u", "D1"),
            &save_self(None, "1.2", "a", ""),
            at(2),
        )
        .unwrap_err();
    assert_eq!(err.code(), "storage");
    assert!(err.to_string().contains("read-only"), "{err}");
    assert_eq!(store.period_results("2026").unwrap().len(), 3);
}

fn full_disk_checks(dir: &Path) {
    let path = dir.join("full.db");
    let store = SqliteStore::open(&path).unwrap();
    conformance::seed(&store, 1, 10);
    let set = store.criteria_set("s", 1).unwrap();
    let period = store.period("2026").unwrap();
    let mut stored = Vec::new();
    let mut failure = None;
    for k in 0..100_000 {
        let unit = conformance::unit(&format!("X{k}"), chamdiem::UnitKind::Department, Some("P"));
        let step = store.insert_unit(&unit).and_then(|_| {
            let d = period.open_dossier(
                format!("2026/X{k}"),
                &unit,
                &set,
                &conformance::admin(),
                at(0),
            )?;
            store.insert_dossier(&d)?;
            let long = "đánh giá ".repeat(400);
            store.execute(
                d.id(),
                &officer("u", &unit.id),
                &save_self(None, "1.1", "a", &long),
                at(1),
            )
        });
        match step {
            Ok(_) => stored.push(format!("2026/X{k}")),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let err = failure.expect("the disk filled up");
    assert_eq!(err.code(), "storage");
    assert!(err.to_string().contains("disk is full"), "{err}");
    assert!(!stored.is_empty());
    eprintln!(
        "{} dossiers stored before the disk was full: {err}",
        stored.len()
    );
    // What was stored stays readable, now and after reopening.
    for id in &stored {
        store.dossier(id).unwrap();
    }
    drop(store);
    let store = SqliteStore::open_with(&path, SqliteOptions::default().read_only(true))
        .or_else(|_| SqliteStore::open(&path))
        .unwrap();
    for id in &stored {
        let d = store.dossier(id).unwrap();
        assert_eq!(d.version(), 2);
    }
    assert_eq!(store.integrity_check().unwrap(), vec!["ok"]);
}

/// The child of `read_only_file_and_full_disk`: in a private mount namespace, a read-only
/// file system and a tiny full one.
#[test]
fn read_only_and_full_disk_child() {
    if !is_child("mounts") {
        return;
    }
    let base = PathBuf::from(std::env::var(DB).unwrap());
    let mount = |args: &[&str]| {
        let ok = Command::new("mount")
            .args(args)
            .status()
            .map(|s| s.success());
        assert!(matches!(ok, Ok(true)), "mount {args:?} failed");
    };
    let ro = base.join("ro");
    std::fs::create_dir_all(&ro).unwrap();
    mount(&[
        "-t",
        "tmpfs",
        "-o",
        "size=8m",
        "tmpfs",
        ro.to_str().unwrap(),
    ]);
    let path = ro.join("data.db");
    let before = seeded(&path);
    mount(&["-o", "remount,ro", ro.to_str().unwrap()]);
    read_only_checks(&path, &before);
    let full = base.join("full");
    std::fs::create_dir_all(&full).unwrap();
    mount(&[
        "-t",
        "tmpfs",
        "-o",
        "size=600k",
        "tmpfs",
        full.to_str().unwrap(),
    ]);
    full_disk_checks(&full);
    println!("MOUNTS-CHILD-OK");
}

#[test]
fn read_only_file_and_full_disk() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Unprivileged: file permissions make a read-only file.
    let path = dir.path().join("perm.db");
    let before = seeded(&path);
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms.clone()).unwrap();
    let privileged = std::fs::OpenOptions::new().write(true).open(&path).is_ok();
    if !privileged {
        read_only_checks(&path, &before);
    }
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    // A read-only file system and a full one: tmpfs mounts in a private mount namespace, which
    // vanish with the child process.
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "--"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "read_only_and_full_disk_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "mounts")
        .env(DB, dir.path())
        .output();
    match out {
        Ok(o) if String::from_utf8_lossy(&o.stdout).contains("MOUNTS-CHILD-OK") => {
            eprintln!("{}", String::from_utf8_lossy(&o.stderr));
        }
        Ok(o)
            if String::from_utf8_lossy(&o.stdout).contains("panicked")
                || String::from_utf8_lossy(&o.stderr).contains("panicked")
                || String::from_utf8_lossy(&o.stdout).contains("FAILED") =>
        {
            panic!(
                "the read-only / full-disk child failed:\n{}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        other => {
            let why = other.map(|o| String::from_utf8_lossy(&o.stderr).into_owned());
            // Under CI nothing may be skipped: the machine must allow the mounts.
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "read-only file system and full disk: cannot mount a tmpfs in a private mount \
                 namespace here, and CI=true forbids skipping ({why:?})"
            );
            eprintln!(
                "\n!!!!!!!!!! SKIPPED: read-only file system and full disk: cannot mount a tmpfs \
                 in a private mount namespace here ({why:?}) !!!!!!!!!!\n"
            );
        }
    }
}
