//! The load generator: the server binary (release build) under a realistic mix of simulated
//! users, with every figure next to its peer or limit measured in the same run.
//!
//! ```text
//! cargo bench -p chamdiem-server --bench load                    # everything
//! cargo bench -p chamdiem-server --bench load -- --only sqlite   # or postgres, upload
//! cargo bench -p chamdiem-server --bench load -- --seconds 30 --users 640 --units 128
//! ```
//!
//! - **sqlite**: the embedded default (a SQLite file, `synchronous=FULL`). The simulated users
//!   (`--users`, spread over `--units` departments, five or so to a unit) all log in before
//!   any timing starts; the generator's address is exempt from the per-address login limit
//!   (`--throttle-exempt`). Three timed phases at `--connections` connections:
//!   1. *the mix*, on dossiers just opened: users open their dossier, open a group, choose
//!      cases and save it (with the version they read), view the results; users of one unit
//!      work at once, so some saves meet a `version_conflict` on purpose: they are counted,
//!      any other error fails the run;
//!   2. *saves*: each connection saves groups of its own unit's dossier, one after another —
//!      group saves/s, next to a bare SQLite commit loop (same `synchronous` setting, same
//!      disk) run just before;
//!   3. *results*: result views only — views/s and p99.
//!
//!   After the server stops, the stored data is checked: every acknowledged save is in its
//!   dossier's history at the version the server answered, each dossier's version is the
//!   number of acknowledged saves (nothing extra, nothing lost), and the state is the replay
//!   of its history.
//! - **postgres**: two instances on one throwaway PostgreSQL cluster (`scripts/postgres.sh`),
//!   the connections alternating between them, the same mix and the same checks.
//! - **upload**: a 100 MB evidence file, next to a plain copy of the same file to the same
//!   disk (with `fsync`); then 8 such uploads at once, with the server's peak memory growth
//!   (its `VmHWM`, reset through `/proc/<pid>/clear_refs` just before, minus its `VmRSS`).
//!
//! The figures go to `BENCHMARKS.md` ("Server under load").

#[path = "../tests/process/mod.rs"]
mod process;

use bytes::Bytes;
use chamdiem::criteria::CriterionKind;
use chamdiem::store::Store;
use chamdiem::{Actor, CriteriaSet, Period, PeriodSet, Role, SetRef, Timestamp, Unit, UnitKind};
use chamdiem_server::db::{Db, users};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use process::Server;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

type HttpClient = Client<HttpConnector, Full<Bytes>>;

const PASSWORD: &str = "mật khẩu của người dùng thử tải";
const PERIOD: &str = "2026";

/// What the command line asks for.
#[derive(Debug, Clone)]
struct Options {
    seconds: u64,
    users: usize,
    units: usize,
    connections: usize,
    only: Option<String>,
}

impl Options {
    fn parse() -> Options {
        let mut o = Options {
            seconds: 15,
            users: 320,
            units: 64,
            connections: 64,
            only: None,
        };
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut i = 0;
        while i < args.len() {
            let value = || {
                args.get(i + 1)
                    .unwrap_or_else(|| panic!("{} needs a value", args[i]))
                    .clone()
            };
            let number = |v: String| -> usize {
                v.parse()
                    .unwrap_or_else(|_| panic!("{}: `{v}` is not a number", args[i]))
            };
            match args[i].as_str() {
                "--seconds" => o.seconds = number(value()) as u64,
                "--users" => o.users = number(value()),
                "--units" => o.units = number(value()),
                "--connections" => o.connections = number(value()),
                "--only" => o.only = Some(value()),
                // `cargo bench` passes `--bench`; a filter may follow.
                _ => {
                    i += 1;
                    continue;
                }
            }
            i += 2;
        }
        assert!(
            o.units >= 1 && o.users >= o.units,
            "at least one user per unit"
        );
        assert!(o.connections >= 1, "at least one connection");
        o
    }

    fn runs(&self, part: &str) -> bool {
        self.only.as_deref().is_none_or(|o| o == part)
    }
}

fn main() {
    let o = Options::parse();
    println!(
        "load: {} users over {} units, {} connections, {} s a phase",
        o.users, o.units, o.connections, o.seconds
    );
    if o.runs("sqlite") {
        sqlite(&o);
    }
    if o.runs("postgres") {
        postgres(&o);
    }
    if o.runs("upload") {
        upload();
    }
}

// ---------------------------------------------------------------------------------------
// The data

/// A simulated user: their unit's dossier and the header lines of their session.
#[derive(Debug, Clone)]
struct User {
    dossier: String,
    cookie: String,
    csrf: String,
}

/// The groups of the set that hold choice criteria: (group code, its criteria and their
/// case codes).
type Groups = Vec<(String, Vec<(String, Vec<String>)>)>;

fn iso_set() -> CriteriaSet {
    CriteriaSet::from_compact(chamdiem_server::demo::ISO_SET).unwrap()
}

fn groups(set: &CriteriaSet) -> Groups {
    let mut out: BTreeMap<usize, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for n in set.criteria() {
        if n.criterion.kind == CriterionKind::Choice && n.criterion.cases.len() >= 2 {
            out.entry(n.group).or_default().push((
                n.criterion.code.clone(),
                n.criterion.cases.iter().map(|c| c.code.clone()).collect(),
            ));
        }
    }
    out.into_iter()
        .map(|(g, c)| (set.groups()[g].code.clone(), c))
        .collect()
}

fn unit_id(u: usize) -> String {
    format!("S{u:03}")
}

fn login_name(i: usize) -> String {
    format!("nd{i:04}")
}

/// Which unit user `i` belongs to: consecutive users share a unit.
fn unit_of(i: usize, o: &Options) -> usize {
    i * o.units / o.users
}

/// A province, `units` departments with a dossier each in self-assessment on the ISO set,
/// and `users` unit accounts with one password. The dossiers' version once opened.
fn seed(url: &str, o: &Options) -> u64 {
    let db = Db::open(url).unwrap();
    let s = db.store();
    let set = iso_set();
    s.insert_criteria_set(&set).unwrap();
    s.insert_unit(&Unit {
        id: "P".into(),
        code: "P".into(),
        name: "Tỉnh".into(),
        kind: UnitKind::Province,
        parent: None,
    })
    .unwrap();
    let now = Timestamp::from_millis(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    let mut period = Period::new(
        PERIOD,
        "Đánh giá năm 2026",
        "P",
        vec![PeriodSet {
            unit_kind: UnitKind::Department,
            criteria_set: SetRef {
                id: set.id().into(),
                revision: set.revision(),
            },
        }],
    );
    period.self_deadline = Some(now.add_millis(30 * 86_400_000));
    s.insert_period(&period).unwrap();
    let admin = Actor::new("quantri", Role::Admin, "P");
    let mut opened = 0;
    for u in 0..o.units {
        let unit = Unit {
            id: unit_id(u),
            code: unit_id(u),
            name: format!("Sở thứ {u}"),
            kind: UnitKind::Department,
            parent: Some("P".into()),
        };
        s.insert_unit(&unit).unwrap();
        let id = chamdiem_server::admin::dossier_id(PERIOD, &unit.id);
        let d = period.open_dossier(id, &unit, &set, &admin, now).unwrap();
        opened = d.version();
        s.insert_dossier(&d).unwrap();
    }
    let hash = chamdiem_server::auth::password::hash_blocking(PASSWORD).unwrap();
    db.write(|tx| {
        for i in 0..o.users {
            users::insert(
                tx,
                &users::User {
                    login: login_name(i),
                    name: format!("Người dùng {i}"),
                    email: String::new(),
                    phone: String::new(),
                    role: Role::Unit,
                    unit: unit_id(unit_of(i, o)),
                    password_hash: hash.clone(),
                    disabled: false,
                    must_change_password: false,
                    created_at: 0,
                    updated_at: 0,
                },
            )?;
        }
        Ok(())
    })
    .unwrap();
    opened
}

// ---------------------------------------------------------------------------------------
// The client

struct Answer {
    status: u16,
    body: Bytes,
    headers: axum::http::HeaderMap,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

async fn send(
    client: &HttpClient,
    addr: &str,
    method: &str,
    path: &str,
    user: Option<&User>,
    body: Option<Bytes>,
    content_type: &str,
) -> Result<Answer, String> {
    let mut req = axum::http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"));
    if let Some(u) = user {
        req = req
            .header("cookie", &u.cookie)
            .header("x-csrf-token", &u.csrf);
    }
    if body.is_some() {
        req = req.header("content-type", content_type);
    }
    let req = req
        .body(Full::new(body.unwrap_or_default()))
        .map_err(|e| e.to_string())?;
    let res = client
        .request(req)
        .await
        .map_err(|e| format!("{method} {path}: {e}"))?;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("{method} {path}: {e}"))?
        .to_bytes();
    Ok(Answer {
        status,
        body,
        headers,
    })
}

fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

fn runtime() -> tokio::runtime::Runtime {
    // One thread: the generator leaves the other core to the server.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Logs every user in (four at a time: password hashing is the server's slowest work).
async fn log_in(client: &HttpClient, addrs: &[String], o: &Options) -> Vec<User> {
    let started = Instant::now();
    let next = Rc::new(RefCell::new(0usize));
    let done: Rc<RefCell<Vec<Option<User>>>> = Rc::new(RefCell::new(vec![None; o.users]));
    let workers = (0..4).map(|w| {
        let (next, done) = (next.clone(), done.clone());
        let addr = addrs[w % addrs.len()].clone();
        async move {
            loop {
                let i = {
                    let mut n = next.borrow_mut();
                    *n += 1;
                    *n - 1
                };
                if i >= o.users {
                    return;
                }
                let body = json!({"login": login_name(i), "password": PASSWORD}).to_string();
                let r = send(
                    client,
                    &addr,
                    "POST",
                    "/api/v1/auth/login",
                    None,
                    Some(body.into()),
                    "application/json",
                )
                .await
                .unwrap();
                assert_eq!(
                    r.status,
                    200,
                    "login {i}: {}",
                    String::from_utf8_lossy(&r.body)
                );
                let cookie = r
                    .headers
                    .get("set-cookie")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.split(';').next())
                    .expect("a session cookie")
                    .to_owned();
                let csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
                done.borrow_mut()[i] = Some(User {
                    dossier: chamdiem_server::admin::dossier_id(PERIOD, &unit_id(unit_of(i, o))),
                    cookie,
                    csrf,
                });
            }
        }
    });
    futures_util::future::join_all(workers).await;
    println!(
        "  {} users logged in in {:.1} s (not timed below)",
        o.users,
        started.elapsed().as_secs_f64()
    );
    done.take().into_iter().map(Option::unwrap).collect()
}

// ---------------------------------------------------------------------------------------
// Figures

/// The latencies of one kind of request, and what came back.
#[derive(Default)]
struct Kind {
    micros: Vec<u64>,
    conflicts: u64,
    errors: Vec<String>,
}

#[derive(Default)]
struct Tally {
    kinds: BTreeMap<&'static str, Kind>,
    /// Acknowledged saves: (dossier, version, the opinion that marks it).
    saves: Vec<(String, u64, String)>,
}

impl Tally {
    fn kind(&mut self, k: &'static str) -> &mut Kind {
        self.kinds.entry(k).or_default()
    }

    fn print(&self, seconds: f64) -> BTreeMap<&'static str, (f64, f64, f64)> {
        let mut out = BTreeMap::new();
        let all: usize = self.kinds.values().map(|k| k.micros.len()).sum();
        for (name, k) in &self.kinds {
            let mut m = k.micros.clone();
            m.sort_unstable();
            let q = |p: f64| {
                m.get(((m.len() as f64 * p) as usize).min(m.len().saturating_sub(1)))
                    .copied()
                    .unwrap_or(0) as f64
                    / 1000.0
            };
            let rate = m.len() as f64 / seconds;
            println!(
                "    {name:<10} {:>8} done {rate:>9.1}/s   p50 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms{}",
                m.len(),
                q(0.5),
                q(0.99),
                m.last().copied().unwrap_or(0) as f64 / 1000.0,
                if k.conflicts > 0 {
                    format!("   version_conflict {}", k.conflicts)
                } else {
                    String::new()
                }
            );
            out.insert(*name, (rate, q(0.5), q(0.99)));
        }
        println!(
            "    {:<10} {all:>8} done {:>9.1}/s",
            "all",
            all as f64 / seconds
        );
        let errors: Vec<&String> = self.kinds.values().flat_map(|k| &k.errors).collect();
        assert!(
            errors.is_empty(),
            "{} errors, the first: {:?}",
            errors.len(),
            errors.first()
        );
        out
    }
}

/// The save of a group: every choice criterion of it gets a case, and an opinion that
/// names this save.
fn group_save(base: u64, group: &[(String, Vec<String>)], mark: &str, pick: u64) -> Bytes {
    let entries: Vec<Value> = group
        .iter()
        .enumerate()
        .map(|(i, (code, cases))| {
            json!({
                "criterion": code,
                "case": cases[(pick as usize + i) % cases.len()],
                "opinion": format!("{mark} · {code}"),
            })
        })
        .collect();
    json!({"type": "save_self", "base_version": base, "entries": entries})
        .to_string()
        .into()
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Saves,
    Results,
    Mix,
}

/// Runs one timed phase: `connections` workers for `seconds`, after one second of warm-up
/// that is not counted.
async fn phase(
    client: &HttpClient,
    addrs: &[String],
    users: &[User],
    groups: &Groups,
    o: &Options,
    which: Phase,
) -> (Tally, f64) {
    let tally = Rc::new(RefCell::new(Tally::default()));
    let warm = Instant::now() + Duration::from_secs(1);
    let end = warm + Duration::from_secs(o.seconds);
    let workers = (0..o.connections).map(|w| {
        let tally = tally.clone();
        let addr = addrs[w % addrs.len()].clone();
        async move {
            let mut rng = process::Rng(0x9E37_79B9_7F4A_7C15 ^ ((w as u64 + 1) * 0x1000_0001));
            // The saves phase: this connection's own unit, so no conflict is possible.
            let own = users
                .iter()
                .position(|u| u.dossier.ends_with(&unit_id(w % o.units)))
                .unwrap();
            let mut version = None;
            let mut k = 0usize;
            while Instant::now() < end {
                k += 1;
                let counted = Instant::now() >= warm;
                match which {
                    Phase::Saves => {
                        let u = &users[own];
                        let base = match version {
                            Some(v) => v,
                            None => dossier_version(client, &addr, u).await,
                        };
                        let g = &groups[rng.below(groups.len() as u64) as usize].1;
                        let mark = format!("c{w} s{k}");
                        let t = Instant::now();
                        let r = save(client, &addr, u, group_save(base, g, &mark, k as u64)).await;
                        let mut tl = tally.borrow_mut();
                        version = record_save(&mut tl, r, t, counted, u, mark);
                    }
                    Phase::Results => {
                        let u = &users[rng.below(users.len() as u64) as usize];
                        let t = Instant::now();
                        let r = results(client, &addr, u).await;
                        record(&mut tally.borrow_mut(), "results", r, t, counted);
                    }
                    Phase::Mix => {
                        // Users in turn: this connection serves users w, w + n, w + 2n…
                        let u = &users[(w + k * o.connections) % users.len()];
                        let path = format!("/api/v1/dossiers/{}", u.dossier);
                        let t = Instant::now();
                        let r = get(client, &addr, u, &path).await;
                        let base = r
                            .as_ref()
                            .ok()
                            .and_then(|a| a.json()["view"]["dossier"]["version"].as_u64());
                        record(&mut tally.borrow_mut(), "open", r, t, counted);
                        let gi = rng.below(groups.len() as u64) as usize;
                        let (code, g) = &groups[gi];
                        let t = Instant::now();
                        let r = get(
                            client,
                            &addr,
                            u,
                            &format!("/api/v1/dossiers/{}/results?group={code}", u.dossier),
                        )
                        .await;
                        record(&mut tally.borrow_mut(), "group", r, t, counted);
                        let Some(base) = base else { continue };
                        let mark = format!("c{w} m{k}");
                        let t = Instant::now();
                        let r = save(client, &addr, u, group_save(base, g, &mark, k as u64)).await;
                        record_save(&mut tally.borrow_mut(), r, t, counted, u, mark);
                        let t = Instant::now();
                        let r = results(client, &addr, u).await;
                        record(&mut tally.borrow_mut(), "results", r, t, counted);
                    }
                }
            }
        }
    });
    futures_util::future::join_all(workers).await;
    let t = Rc::try_unwrap(tally).ok().unwrap().into_inner();
    (t, o.seconds as f64)
}

async fn dossier_version(client: &HttpClient, addr: &str, u: &User) -> u64 {
    let r = get(client, addr, u, &format!("/api/v1/dossiers/{}", u.dossier))
        .await
        .unwrap();
    r.json()["view"]["dossier"]["version"].as_u64().unwrap()
}

/// A GET of `path` in the session of `u`.
async fn get(client: &HttpClient, addr: &str, u: &User, path: &str) -> Result<Answer, String> {
    send(client, addr, "GET", path, Some(u), None, "").await
}

async fn save(client: &HttpClient, addr: &str, u: &User, body: Bytes) -> Result<Answer, String> {
    send(
        client,
        addr,
        "POST",
        &format!("/api/v1/dossiers/{}/commands", u.dossier),
        Some(u),
        Some(body),
        "application/json",
    )
    .await
}

async fn results(client: &HttpClient, addr: &str, u: &User) -> Result<Answer, String> {
    get(
        client,
        addr,
        u,
        &format!("/api/v1/dossiers/{}/results", u.dossier),
    )
    .await
}

fn record(
    tally: &mut Tally,
    kind: &'static str,
    r: Result<Answer, String>,
    t: Instant,
    counted: bool,
) {
    let us = t.elapsed().as_micros() as u64;
    let k = tally.kind(kind);
    match r {
        Ok(a) if a.status == 200 => {
            if counted {
                k.micros.push(us);
            }
        }
        Ok(a) => k.errors.push(format!(
            "{kind}: {} {}",
            a.status,
            String::from_utf8_lossy(&a.body)
        )),
        Err(e) => k.errors.push(e),
    }
}

/// Records a save; the new version when it was acknowledged.
fn record_save(
    tally: &mut Tally,
    r: Result<Answer, String>,
    t: Instant,
    counted: bool,
    u: &User,
    mark: String,
) -> Option<u64> {
    let us = t.elapsed().as_micros() as u64;
    match r {
        Ok(a) if a.status == 200 => {
            let v = a.json()["version"].as_u64().expect("the new version");
            tally.saves.push((u.dossier.clone(), v, mark));
            if counted {
                tally.kind("save").micros.push(us);
            }
            Some(v)
        }
        Ok(a) if a.status == 409 && a.json()["code"] == "version_conflict" => {
            let k = tally.kind("save");
            k.conflicts += 1;
            if counted {
                k.micros.push(us);
            }
            None
        }
        Ok(a) => {
            tally.kind("save").errors.push(format!(
                "save: {} {}",
                a.status,
                String::from_utf8_lossy(&a.body)
            ));
            None
        }
        Err(e) => {
            tally.kind("save").errors.push(e);
            None
        }
    }
}

/// The checks on the stored data once the servers are stopped.
fn verify(store: &dyn Store, opened: u64, saves: &[(String, u64, String)], o: &Options) {
    let mut per: BTreeMap<&str, Vec<(u64, &str)>> = BTreeMap::new();
    for (d, v, m) in saves {
        per.entry(d.as_str()).or_default().push((*v, m.as_str()));
    }
    for u in 0..o.units {
        let id = chamdiem_server::admin::dossier_id(PERIOD, &unit_id(u));
        let d = store.dossier(&id).unwrap();
        let acked = per.get(id.as_str()).map_or(&[][..], |v| v.as_slice());
        // Each acknowledged save made one version more.
        assert_eq!(
            d.version(),
            opened + acked.len() as u64,
            "{id}: {} saves acknowledged, version {}",
            acked.len(),
            d.version()
        );
        for (v, mark) in acked {
            let found = d
                .history()
                .iter()
                .filter(|e| e.version == *v)
                .any(|e| e.to_json().contains(mark));
            assert!(
                found,
                "{id}: the save {mark:?} acknowledged as version {v} is not there"
            );
        }
        let replayed = chamdiem::Dossier::replay(d.history().to_vec()).unwrap();
        assert_eq!(replayed, d, "{id}: the state is its history");
    }
    println!(
        "  checked: {} acknowledged saves, each at its version in its dossier's history; {} dossiers replay to their state",
        saves.len(),
        o.units
    );
}

// ---------------------------------------------------------------------------------------
// SQLite

/// A bare SQLite commit loop in `dir`: WAL, `synchronous=FULL` (the store's default), one
/// row of about the size of a group save's event a transaction. Commits/s.
fn bare_commits(dir: &Path, seconds: u64) -> f64 {
    let path = dir.join("bare.sqlite3");
    let c = rusqlite::Connection::open(&path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    c.pragma_update(None, "synchronous", "FULL").unwrap();
    c.execute_batch("CREATE TABLE events (n INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .unwrap();
    let body = "x".repeat(1500);
    let end = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut n = 0u64;
    while Instant::now() < end {
        c.execute_batch("BEGIN IMMEDIATE").unwrap();
        c.execute(
            "INSERT INTO events (n, body) VALUES (?1, ?2)",
            rusqlite::params![n as i64, body],
        )
        .unwrap();
        c.execute_batch("COMMIT").unwrap();
        n += 1;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

fn start_server(data: &Path, extra: &[&str]) -> Server {
    let mut args = vec![
        "--log",
        "error",
        "--no-demo",
        "--throttle-exempt",
        "127.0.0.1",
        "--data-dir",
        data.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    Server::start(&args, &[])
}

fn scratch() -> tempfile::TempDir {
    // The build folder: the same disk as the project, not a memory-backed /tmp.
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

fn sqlite(o: &Options) {
    println!("\n== SQLite (the embedded default, synchronous=FULL) ==");
    let dir = scratch();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = data.join("chamdiem.sqlite3");
    let opened = seed(db.to_str().unwrap(), o);
    let mut server = start_server(&data, &[]);
    let rt = runtime();
    let client = client();
    let addrs = vec![server.addr.clone()];
    let set = iso_set();
    let groups = groups(&set);
    let users = rt.block_on(log_in(&client, &addrs, o));
    let mut saves = Vec::new();

    println!(
        "  the mix ({} connections, on dossiers just opened):",
        o.connections
    );
    let (t, secs) = rt.block_on(phase(&client, &addrs, &users, &groups, o, Phase::Mix));
    t.print(secs);
    saves.extend(t.saves);

    let bare = bare_commits(dir.path(), o.seconds.min(10));
    println!("  bare SQLite commit loop (same disk, same synchronous): {bare:.1} commits/s");
    println!("  group saves only ({} connections):", o.connections);
    let (t, secs) = rt.block_on(phase(&client, &addrs, &users, &groups, o, Phase::Saves));
    let f = t.print(secs);
    saves.extend(t.saves);
    let rate = f["save"].0;
    println!(
        "  => group saves/s {rate:.1} = {:.2} × the bare commit loop (goal ≥ 0.5)",
        rate / bare
    );

    println!("  result views only ({} connections):", o.connections);
    let (t, secs) = rt.block_on(phase(&client, &addrs, &users, &groups, o, Phase::Results));
    let f = t.print(secs);
    println!(
        "  => result views/s {:.0} (goal ≥ 3,000), p99 {:.2} ms (goal ≤ 100 ms)",
        f["results"].0, f["results"].2
    );
    drop(rt);
    server.kill();
    let store = chamdiem::store::SqliteStore::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), vec!["ok"]);
    verify(&store, opened, &saves, o);
}

// ---------------------------------------------------------------------------------------
// PostgreSQL, two instances

fn postgres(o: &Options) {
    println!("\n== two instances on one PostgreSQL ==");
    let Some(pg) = process::Postgres::start("load: postgres") else {
        return;
    };
    let opened = seed(&pg.url, o);
    let dir = scratch();
    let servers: Vec<Server> = (0..2)
        .map(|i| {
            let data = dir.path().join(format!("instance-{i}"));
            std::fs::create_dir_all(&data).unwrap();
            start_server(&data, &["--database-url", &pg.url])
        })
        .collect();
    let rt = runtime();
    let client = client();
    let addrs: Vec<String> = servers.iter().map(|s| s.addr.clone()).collect();
    let set = iso_set();
    let groups = groups(&set);
    let users = rt.block_on(log_in(&client, &addrs, o));
    println!(
        "  the mix ({} connections, alternating between the instances):",
        o.connections
    );
    let (t, secs) = rt.block_on(phase(&client, &addrs, &users, &groups, o, Phase::Mix));
    t.print(secs);
    drop(rt);
    drop(servers);
    let store = chamdiem::store::PostgresStore::open(&pg.url).unwrap();
    verify(&store, opened, &t.saves, o);
}

// ---------------------------------------------------------------------------------------
// Uploads

const UPLOAD: usize = 100_000_000;
/// Single uploads, each next to a plain copy.
const ROUNDS: usize = 5;

fn status_kib(pid: u32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

fn multipart_body(content: &[u8], name: &str) -> Bytes {
    let (_, body) = process::multipart(name, content);
    body.into()
}

fn upload() {
    println!("\n== a 100 MB upload (the evidence folder of the embedded default) ==");
    let one = Options {
        seconds: 0,
        users: 1,
        units: 1,
        connections: 1,
        only: None,
    };
    let dir = scratch();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    seed(data.join("chamdiem.sqlite3").to_str().unwrap(), &one);
    let server = start_server(&data, &["--upload-concurrency", "8"]);
    let pid = server.pid();
    let rt = runtime();
    let client = client();
    let addrs = vec![server.addr.clone()];
    let users = rt.block_on(log_in(&client, &addrs, &one));
    let user = &users[0];
    let set = iso_set();
    let criteria: Vec<String> = set
        .criteria()
        .iter()
        .map(|n| n.criterion.code.clone())
        .collect();

    let mut file = b"%PDF-1.4\n%chamdiem\n".to_vec();
    file.resize(UPLOAD, b'x');
    // The peer: a plain copy of the same bytes to a file on the same disk, made durable.
    let source = dir.path().join("source.pdf");
    std::fs::write(&source, &file).unwrap();
    let body = multipart_body(&file, "minh-chung.pdf");
    drop(file);
    let boundary = format!("multipart/form-data; boundary={}", process::BOUNDARY);
    let up = |i: usize| {
        let body = body.clone();
        let (client, addr, boundary) = (&client, &addrs[0], &boundary);
        let path = format!(
            "/api/v1/dossiers/{}/evidence?criterion={}",
            user.dossier,
            criteria[i % criteria.len()]
        );
        async move {
            let t = Instant::now();
            let r = send(
                client,
                addr,
                "POST",
                &path,
                Some(user),
                Some(body),
                boundary,
            )
            .await
            .unwrap();
            assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
            t.elapsed().as_secs_f64()
        }
    };
    // Five rounds, each a copy then an upload, so that both see the machine alike; the best
    // of each is compared.
    let (mut copies, mut singles) = (Vec::new(), Vec::new());
    for i in 0..ROUNDS {
        let target = dir.path().join(format!("copy-{i}.pdf"));
        let t = Instant::now();
        std::fs::copy(&source, &target).unwrap();
        std::fs::File::open(&target).unwrap().sync_all().unwrap();
        copies.push(t.elapsed().as_secs_f64());
        std::fs::remove_file(&target).unwrap();
        singles.push(rt.block_on(up(i)));
    }
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mb = UPLOAD as f64 / 1e6;
    let (copy, single) = (best(&copies), best(&singles));
    println!(
        "  plain copy + fsync: {:.0} MB/s (best of {ROUNDS}: {copy:.3} s; median {:.3} s)",
        mb / copy,
        median(&copies)
    );
    println!(
        "  upload through the server: {:.0} MB/s (best of {ROUNDS}: {single:.3} s; median {:.3} s)",
        mb / single,
        median(&singles)
    );
    println!(
        "  => upload throughput {:.2} × the plain copy (goal ≥ 0.5; medians: {:.2})",
        copy / single,
        median(&copies) / median(&singles)
    );

    // Eight at once, three times; the largest growth counts.
    let mut worst = 0u64;
    for round in 0..3 {
        let rss = status_kib(pid, "VmRSS");
        // Resets the peak (VmHWM) to the present RSS (Linux ≥ 4.0).
        std::fs::File::options()
            .write(true)
            .open(format!("/proc/{pid}/clear_refs"))
            .and_then(|mut f| f.write_all(b"5"))
            .unwrap();
        let t = Instant::now();
        let first = 10 + round * 8;
        let all = rt.block_on(futures_util::future::join_all((first..first + 8).map(up)));
        let wall = t.elapsed().as_secs_f64();
        let hwm = status_kib(pid, "VmHWM");
        let growth = hwm.saturating_sub(rss);
        worst = worst.max(growth);
        println!(
            "  8 uploads at once: {wall:.1} s in all ({:.0} MB/s together; slowest {:.1} s); RSS {:.1} MiB before, peak {:.1} MiB: growth {:.1} MiB",
            8.0 * mb / wall,
            all.iter().copied().fold(0.0, f64::max),
            rss as f64 / 1024.0,
            hwm as f64 / 1024.0,
            growth as f64 / 1024.0
        );
    }
    println!(
        "  => server peak memory growth, 8 uploads at once: at most {:.1} MiB = {:.1} MB (goal ≤ 32 MB)",
        worst as f64 / 1024.0,
        worst as f64 * 1024.0 / 1e6
    );
}
