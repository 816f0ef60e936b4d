//! SIGKILL of the server binary in the middle of a load, at random moments, again and again.
//!
//! Four clients work one unit's dossier through the JSON API — three save cases with a
//! numbered opinion, each on criteria of its own, one uploads evidence files — while the
//! server is killed with SIGKILL after a random delay and started again on the same data
//! folder. After every kill the SQLite file is opened directly and checked: the integrity
//! check says `ok`; every save the server acknowledged is there (the stored opinion is the
//! last acknowledged one, or the one that was in flight); the dossier equals the replay of its
//! history and has one event per version; every evidence file a dossier records exists with
//! its recorded size.
//!
//! `CHAMDIEM_CRASH_ROUNDS` sets the number of kills (default 20; `RELIABILITY.md` gives the
//! long run).

use chamdiem::State;
use chamdiem::criteria::CriterionKind;
use chamdiem::store::{DossierQuery, SqliteStore, Store};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BOUNDARY: &str = "chamdiem-crash-boundary";

/// A tiny deterministic generator (xorshift), seeded from the clock and printed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Starts the binary on `dir` and returns it with its address.
// The caller kills and waits for the child.
#[allow(clippy::zombie_processes)]
fn start(dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chamdiem-server"))
        .args(["--listen", "127.0.0.1:0", "--log", "error", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(Instant::now() < deadline, "the server printed no URL");
        let line = lines.next().expect("the server printed its URL").unwrap();
        if let Some(rest) = line.trim().strip_prefix("Listening on http://") {
            let addr = rest.split_whitespace().next().unwrap().to_owned();
            // Keep reading its output so that it never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return (child, addr);
        }
    }
}

/// One HTTP/1.1 request on a new connection: the status and the body, or `None` when the
/// connection failed or broke (the server was killed).
fn http(addr: &str, method: &str, path: &str, headers: &str, body: &[u8]) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.get(9..12)?.parse().ok()?;
    let (_, body) = text.split_once("\r\n\r\n")?;
    Some((status, body.to_owned()))
}

/// Logs in and returns the headers that authenticate a state-changing request.
fn login(addr: &str, login: &str) -> String {
    let body =
        json!({"login": login, "password": chamdiem_server::demo::DEMO_PASSWORD}).to_string();
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(
        format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    let cookie = out
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim().split(';').next().unwrap().to_owned())
        })
        .expect("a session cookie");
    let (_, body) = out.split_once("\r\n\r\n").unwrap();
    let v: Value = serde_json::from_str(body).unwrap();
    let csrf = v["csrf_token"].as_str().unwrap();
    format!("Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n")
}

/// The dossier of unit `unit` in self-assessment, and choice criteria with two cases each.
fn workload(db: &Path, unit: &str) -> (String, Vec<(String, [String; 2])>) {
    let store = SqliteStore::open(db).unwrap();
    let d = store
        .dossiers(&DossierQuery {
            unit: Some(unit.into()),
            state: Some(State::SelfAssessment),
            ..DossierQuery::default()
        })
        .unwrap()
        .into_iter()
        .next()
        .expect("a dossier in self-assessment");
    let set = store
        .criteria_set(&d.criteria_set.id, d.criteria_set.revision)
        .unwrap();
    let criteria = set
        .criteria()
        .iter()
        .map(|n| &n.criterion)
        .filter(|c| c.kind == CriterionKind::Choice && c.cases.len() >= 2)
        .map(|c| {
            (
                c.code.clone(),
                [c.cases[0].code.clone(), c.cases[1].code.clone()],
            )
        })
        .collect();
    (d.id, criteria)
}

/// What the clients were told: per criterion, the highest acknowledged opinion number.
type Acks = Arc<Mutex<BTreeMap<String, u64>>>;

/// Acknowledged saves and uploads, counted.
static SAVED: AtomicU64 = AtomicU64::new(0);
static UPLOADED: AtomicU64 = AtomicU64::new(0);

fn saver(
    addr: String,
    auth: String,
    dossier: String,
    mine: Vec<(String, [String; 2])>,
    counter: Arc<Mutex<u64>>,
    acks: Acks,
    stop: Arc<AtomicBool>,
) {
    let path = format!("/api/v1/dossiers/{dossier}/commands");
    let headers = format!("{auth}Content-Type: application/json\r\n");
    let mut i = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let (code, cases) = &mine[i % mine.len()];
        i += 1;
        let n = {
            let mut c = counter.lock().unwrap();
            *c += 1;
            *c
        };
        let body = json!({"type": "save_self", "entries": [
            {"criterion": code, "case": cases[(n % 2) as usize], "opinion": format!("lần {n}")}
        ]})
        .to_string();
        match http(&addr, "POST", &path, &headers, body.as_bytes()) {
            Some((200, _)) => {
                SAVED.fetch_add(1, Ordering::Relaxed);
                let mut a = acks.lock().unwrap();
                let e = a.entry(code.clone()).or_default();
                *e = (*e).max(n);
            }
            Some((status, body)) => panic!("a save was refused: {status} {body}"),
            None => return,
        }
    }
}

fn uploader(
    addr: String,
    auth: String,
    dossier: String,
    criteria: Vec<String>,
    stop: Arc<AtomicBool>,
) {
    let headers = format!("{auth}Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n");
    let mut k = 0;
    while !stop.load(Ordering::Relaxed) {
        k += 1;
        // Round the criteria: each holds at most 200 files.
        let path = format!(
            "/api/v1/dossiers/{dossier}/evidence?criterion={}",
            criteria[k % criteria.len()]
        );
        let mut file = b"%PDF-1.4\n%chamdiem\n".to_vec();
        file.resize(40_000 + k * 1000, b'x');
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"minh-chung-{k}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&file);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        match http(&addr, "POST", &path, &headers, &body) {
            Some((201, _)) => {
                UPLOADED.fetch_add(1, Ordering::Relaxed);
            }
            // A criterion that holds its 200 files already (long runs).
            Some((400, body)) if body.contains("at most 200 files") => {}
            Some((status, body)) => panic!("an upload was refused: {status} {body}"),
            None => return,
        }
    }
}

/// The checks after a kill, on the SQLite file itself; returns the number of evidence files
/// the dossier under load records.
fn check(data: &Path, dossier: &str, acks: &BTreeMap<String, u64>, round: usize) -> usize {
    let store = SqliteStore::open(data.join("chamdiem.sqlite3")).unwrap();
    assert_eq!(
        store.integrity_check().unwrap(),
        vec!["ok"],
        "round {round}"
    );
    let d = store.dossier(dossier).unwrap();
    for (criterion, &n) in acks {
        let opinion = &d.entry(criterion).unwrap().self_opinion;
        let stored: u64 = opinion
            .strip_prefix("lần ")
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("round {round}: {criterion}: opinion {opinion:?}"));
        // The acknowledged save, or a later one of the same client that was in flight.
        assert!(
            stored >= n,
            "round {round}: {criterion}: save {n} was acknowledged, the store has {stored}"
        );
    }
    assert_eq!(
        d.history().len() as u64,
        d.version(),
        "round {round}: one event per version"
    );
    let replayed = chamdiem::Dossier::replay(d.history().to_vec()).unwrap();
    assert_eq!(replayed, d, "round {round}: the state is its history");
    let files = d.entries().iter().map(|e| e.evidence.len()).sum();
    for summary in store.dossiers(&DossierQuery::default()).unwrap() {
        let d = store.dossier_state(&summary.id).unwrap();
        for e in d.entries() {
            for ev in &e.evidence {
                let path = data.join("evidence").join(&ev.id);
                let len = std::fs::metadata(&path)
                    .unwrap_or_else(|_| {
                        panic!(
                            "round {round}: {} records {}, which is missing",
                            d.id(),
                            ev.id
                        )
                    })
                    .len();
                assert_eq!(len, ev.size, "round {round}: {} is not whole", ev.id);
            }
        }
    }
    files
}

#[cfg(unix)]
#[test]
fn sigkill_under_load_loses_no_acknowledged_save() {
    let rounds: usize = std::env::var("CHAMDIEM_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let (mut server, mut addr) = start(dir.path());
    let auth = login(&addr, "hln");
    let (dossier, criteria) = workload(&dir.path().join("chamdiem.sqlite3"), "H-LN");
    assert!(criteria.len() >= 6, "{criteria:?}");
    let counter = Arc::new(Mutex::new(0u64));
    let acks: Acks = Arc::default();
    let mut saves = 0;
    for round in 0..rounds {
        let stop = Arc::new(AtomicBool::new(false));
        let mut clients = Vec::new();
        for k in 0..3 {
            let mine: Vec<_> = criteria.iter().skip(k).step_by(3).cloned().collect();
            let (addr, auth, dossier) = (addr.clone(), auth.clone(), dossier.clone());
            let (counter, acks, stop) = (counter.clone(), acks.clone(), stop.clone());
            clients.push(std::thread::spawn(move || {
                saver(addr, auth, dossier, mine, counter, acks, stop)
            }));
        }
        {
            let (addr, auth, dossier) = (addr.clone(), auth.clone(), dossier.clone());
            let codes = criteria.iter().map(|(c, _)| c.clone()).collect();
            let stop = stop.clone();
            clients.push(std::thread::spawn(move || {
                uploader(addr, auth, dossier, codes, stop)
            }));
        }
        std::thread::sleep(Duration::from_millis(50 + rng.below(500)));
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.join().expect("a client failed");
        }
        let acked = acks.lock().unwrap().clone();
        check(dir.path(), &dossier, &acked, round);
        saves = *counter.lock().unwrap();
        (server, addr) = start(dir.path());
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let acked = acks.lock().unwrap().clone();
    let files = check(dir.path(), &dossier, &acked, rounds);
    let (saved, uploaded) = (
        SAVED.load(Ordering::Relaxed),
        UPLOADED.load(Ordering::Relaxed),
    );
    assert!(saved > 0, "no save was acknowledged");
    // Every acknowledged upload is recorded (the count also holds what the demo recorded, and
    // an upload in flight at a kill may have landed).
    assert!(
        files as u64 >= uploaded,
        "{uploaded} uploads acknowledged, {files} recorded"
    );
    eprintln!(
        "{rounds} SIGKILLs under load: {saves} saves sent, {saved} acknowledged, all present; \
         {uploaded} uploads acknowledged, {files} files recorded, all whole"
    );
}
