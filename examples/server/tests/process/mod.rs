//! Helpers for the tests that run the server binary as a process, with the services around it:
//! the binary on a free port, blocking HTTP/1.1 requests, logging in through the JSON API, a
//! throwaway PostgreSQL cluster and S3-compatible server (`scripts/postgres.sh`,
//! `scripts/s3.sh`), and a TCP proxy that can take a service away and bring it back.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A tiny deterministic generator (xorshift); seed it with an odd number.
pub struct Rng(pub u64);

impl Rng {
    /// The next number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Whether nothing may be skipped (`CI=true`).
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A missing service: a failure under `CI=true`, else a loud skip (`None`).
pub fn unavailable<T>(test: &str, why: &str) -> Option<T> {
    assert!(!ci(), "{test}: {why} (CI=true: nothing may be skipped)");
    eprintln!("SKIPPED: {test}: {why}");
    None
}

/// A script of the repository's `scripts/` folder.
pub fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts")
        .join(name)
}

/// Runs a script; its standard output, or the failure with its standard error.
fn run_script(name: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(script(name))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run scripts/{name}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "scripts/{name} {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn field(out: &str, name: &str) -> Option<String> {
    out.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_owned)
}

/// The server binary, running; killed (SIGKILL) when dropped. Its standard error is kept
/// and printed if the test fails.
pub struct Server {
    child: Child,
    /// `127.0.0.1:port`.
    pub addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts the binary with `args` (plus `--listen 127.0.0.1:0`) and the environment
    /// `envs`; waits until it prints the address it listens on.
    pub fn start(args: &[&str], envs: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chamdiem-server"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server binary starts");
        let log = Arc::new(Mutex::new(String::new()));
        {
            let log = log.clone();
            let err = child.stderr.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    let mut l = log.lock().unwrap();
                    l.push_str(&line);
                    l.push('\n');
                }
            });
        }
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            assert!(Instant::now() < deadline, "the server printed no address");
            let Some(Ok(line)) = lines.next() else {
                let status = child.wait().unwrap();
                panic!(
                    "the server exited ({status}) before listening:\n{}",
                    log.lock().unwrap()
                );
            };
            if let Some(rest) = line.trim().strip_prefix("Listening on http://") {
                let addr = rest.split_whitespace().next().unwrap().to_owned();
                // Keep reading its output so that it never blocks on a full pipe.
                std::thread::spawn(move || for _ in lines {});
                return Server { child, addr, log };
            }
        }
    }

    /// SIGKILL, and wait for the process to end.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote to its standard error so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            eprintln!("--- log of the server at {} ---\n{}", self.addr, self.log());
        }
    }
}

/// An answer: status, headers (lowercase names) and body.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The headers, names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The body, as received.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The body as JSON (`null` when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn parse_reply(raw: &[u8]) -> Option<Reply> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.get(9..12)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Some(Reply {
        status,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&b[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        b = &b[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

/// One HTTP/1.1 request on a new connection (`headers` are complete lines, each ending in
/// `\r\n`): the answer, or `None` when the connection failed or broke.
pub fn http(addr: &str, method: &str, path: &str, headers: &str, body: &[u8]) -> Option<Reply> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    parse_reply(&out)
}

/// A GET; panics when the connection fails.
pub fn get(addr: &str, path: &str, headers: &str) -> Reply {
    http(addr, "GET", path, headers, b"").unwrap_or_else(|| panic!("GET {path} on {addr}"))
}

/// A JSON request; panics when the connection fails.
pub fn send_json(addr: &str, method: &str, path: &str, auth: &str, body: &Value) -> Reply {
    let headers = format!("{auth}Content-Type: application/json\r\n");
    http(addr, method, path, &headers, body.to_string().as_bytes())
        .unwrap_or_else(|| panic!("{method} {path} on {addr}"))
}

/// Logs in with the demo password; the header lines that authenticate a state-changing
/// request (the session cookie and the CSRF token).
pub fn login(addr: &str, login: &str) -> String {
    login_with(addr, login, chamdiem_server::demo::DEMO_PASSWORD)
}

/// Logs in with `password`; as [`login`].
pub fn login_with(addr: &str, login: &str, password: &str) -> String {
    let r = send_json(
        addr,
        "POST",
        "/api/v1/auth/login",
        "",
        &json!({"login": login, "password": password}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let cookie = r
        .headers
        .iter()
        .find(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.split(';').next().unwrap().to_owned())
        .expect("a session cookie");
    let csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
    format!("Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n")
}

/// The boundary of [`multipart`] bodies.
pub const BOUNDARY: &str = "chamdiem-test-boundary";

/// A `multipart/form-data` body with one file part named `files`, and its content-type
/// header line.
pub fn multipart(file_name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let media = if file_name.ends_with(".pdf") {
        "application/pdf"
    } else {
        "application/octet-stream"
    };
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\nContent-Type: {media}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (
        format!("Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"),
        body,
    )
}

/// Polls `f` every 100 ms until it returns true or `within` has passed.
pub fn wait_for(within: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A throwaway PostgreSQL cluster of its own (`scripts/postgres.sh`), removed when dropped.
pub struct Postgres {
    dir: String,
    /// Its connection URL (a Unix socket in its folder, a fresh database).
    pub url: String,
}

impl Postgres {
    /// Starts a cluster; `None` (a loud skip, a failure under CI) when there is none to be had.
    pub fn start(test: &str) -> Option<Postgres> {
        match run_script("postgres.sh", &["start"]) {
            Ok(out) => Some(Postgres {
                dir: field(&out, "CHAMDIEM_TEST_POSTGRES_DIR").expect("the cluster's folder"),
                url: field(&out, "CHAMDIEM_TEST_POSTGRES_URL").expect("the cluster's URL"),
            }),
            Err(e) => unavailable(test, &e),
        }
    }

    /// Stops the server (a fast shutdown: sessions are cut), keeping the data.
    pub fn down(&self) {
        run_script("postgres.sh", &["down", &self.dir]).unwrap();
    }

    /// Starts it again on the same socket.
    pub fn up(&self) {
        run_script("postgres.sh", &["up", &self.dir]).unwrap();
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Err(e) = run_script("postgres.sh", &["stop", &self.dir]) {
            eprintln!("{e}");
        }
    }
}

/// A throwaway S3-compatible server (`scripts/s3.sh`: moto), stopped when dropped.
pub struct S3 {
    pid: String,
    /// `http://127.0.0.1:port`.
    pub endpoint: String,
}

impl S3 {
    /// Starts one; `None` (a loud skip, a failure under CI) when there is none to be had.
    pub fn start(test: &str) -> Option<S3> {
        match run_script("s3.sh", &["start"]) {
            Ok(out) => Some(S3 {
                pid: field(&out, "CHAMDIEM_TEST_S3_PID").expect("the S3 server's pid"),
                endpoint: field(&out, "CHAMDIEM_TEST_S3_ENDPOINT").expect("the S3 endpoint"),
            }),
            Err(e) => unavailable(test, &e),
        }
    }

    /// `127.0.0.1:port`.
    pub fn addr(&self) -> &str {
        self.endpoint.trim_start_matches("http://")
    }

    /// Creates a bucket.
    pub fn create_bucket(&self, name: &str) {
        let r = http(self.addr(), "PUT", &format!("/{name}"), "", b"").expect("the S3 server");
        assert_eq!(r.status, 200, "creating bucket {name}: {}", r.text());
    }

    /// The objects of a bucket: (key, size).
    pub fn objects(&self, bucket: &str) -> Vec<(String, u64)> {
        let r = get(self.addr(), &format!("/{bucket}?list-type=2"), "");
        assert_eq!(r.status, 200, "{}", r.text());
        let text = r.text();
        text.split("<Contents>")
            .skip(1)
            .map(|c| {
                let tag = |t: &str| {
                    c.split(&format!("<{t}>"))
                        .nth(1)
                        .and_then(|r| r.split(&format!("</{t}>")).next())
                        .unwrap_or_default()
                        .to_owned()
                };
                (tag("Key"), tag("Size").parse().unwrap_or(u64::MAX))
            })
            .collect()
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        if let Err(e) = run_script("s3.sh", &["stop", &self.pid]) {
            eprintln!("{e}");
        }
    }
}

/// A TCP proxy in front of a service: while "down", it cuts every open connection and
/// closes new ones at once, as a service that went away does.
pub struct Proxy {
    /// `127.0.0.1:port`, where clients connect.
    pub addr: String,
    down: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    /// Listens on a free port and forwards to `upstream`.
    pub fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let down = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let upstream = upstream.to_owned();
        {
            let (down, open) = (down.clone(), open.clone());
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    let Ok(client) = client else { continue };
                    if down.load(Ordering::SeqCst) {
                        let _ = client.shutdown(Shutdown::Both);
                        continue;
                    }
                    let Ok(server) = TcpStream::connect(&upstream) else {
                        continue;
                    };
                    {
                        let mut o = open.lock().unwrap();
                        o.retain(|s| s.peer_addr().is_ok());
                        o.push(client.try_clone().unwrap());
                        o.push(server.try_clone().unwrap());
                    }
                    pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                    pipe(server, client);
                }
            });
        }
        Proxy { addr, down, open }
    }

    /// Takes the service away (`true`) or brings it back (`false`).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
        if down {
            for s in self.open.lock().unwrap().drain(..) {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
    });
}
