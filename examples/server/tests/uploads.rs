//! Evidence uploads under abuse: sizes at and past the limit, too many files, thousands of
//! tiny parts, a body cut off mid-stream, a silent connection and a slow trickle, the wrong
//! state, another unit's dossier, hostile file names and contents. Every refusal is a clear
//! message and leaves nothing in the store. A file far larger than any buffer streams through
//! a folder store without the server holding it.

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use bytes::Bytes;
use common::*;
use futures_util::stream::{self, StreamExt};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const BOUNDARY: &str = "----chamdiem-test-boundary-7MA4YWxkTrZu0gW";
const CTYPE: &str = "multipart/form-data; boundary=----chamdiem-test-boundary-7MA4YWxkTrZu0gW";
const API: &str = "/api/v1/dossiers/p1.A/evidence?criterion=1.1";

/// A PDF of exactly `len` bytes (at least 16).
fn pdf(len: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n%chamdiem\n".to_vec();
    v.resize(len, b'x');
    v
}

fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    v.resize(200, 0);
    v
}

/// The head of one part.
fn part_head(name: &str, file_name: Option<&str>) -> Vec<u8> {
    let mut h = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"");
    if let Some(f) = file_name {
        h.push_str(&format!(
            "; filename=\"{f}\"\r\nContent-Type: application/octet-stream"
        ));
    }
    h.push_str("\r\n\r\n");
    h.into_bytes()
}

/// A whole `multipart/form-data` body: (field name, file name, content).
fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file, content) in parts {
        out.extend(part_head(name, *file));
        out.extend_from_slice(content);
        out.extend_from_slice(b"\r\n");
    }
    out.extend(format!("--{BOUNDARY}--\r\n").into_bytes());
    out
}

fn files(parts: &[(&str, &[u8])]) -> Vec<u8> {
    body(
        &parts
            .iter()
            .map(|(n, c)| ("file", Some(*n), *c))
            .collect::<Vec<_>>(),
    )
}

/// A fixture whose uploads are limited to `limit` bytes and `files` files.
fn app(limit: u64, max_files: usize) -> TestApp {
    let mut c = config();
    c.upload_limit = limit;
    c.upload_files = max_files;
    fixture_with(c)
}

/// Every id in the evidence store.
async fn kept(t: &TestApp) -> Vec<String> {
    t.state
        .evidence
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

fn evidence_of(t: &TestApp, dossier: &str, criterion: &str) -> Vec<chamdiem::Evidence> {
    t.state
        .store
        .dossier(dossier)
        .unwrap()
        .entry(criterion)
        .map(|e| e.evidence.clone())
        .unwrap_or_default()
}

fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Asserts a refusal: its status, its reason, and that the store and the dossier are unchanged.
async fn refused(t: &TestApp, r: &Resp, status: StatusCode, reason: &str, before: usize) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.json()["details"]["reason"], reason, "{}", r.body);
    assert!(!r.json()["message"].as_str().unwrap().is_empty());
    assert_eq!(kept(t).await.len(), before, "something was left behind");
    assert_eq!(evidence_of(t, "p1.A", "1.1").len(), before);
}

#[tokio::test]
async fn a_file_of_limit_plus_one_byte_is_refused_with_a_vietnamese_message() {
    let t = app(1024, 5);
    let ua = t.login("ua").await;
    // Exactly the limit: accepted.
    let exact = pdf(1024);
    let r = t
        .send(ua.raw("POST", API, CTYPE, files(&[("dung-han.pdf", &exact)])))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["files"][0]["size"], 1024);
    assert_eq!(kept(&t).await.len(), 1);
    // One byte more: refused, through the API…
    let over = pdf(1025);
    let r = t
        .send(ua.raw("POST", API, CTYPE, files(&[("qua-han.pdf", &over)])))
        .await;
    refused(&t, &r, StatusCode::PAYLOAD_TOO_LARGE, "file_too_large", 1).await;
    assert_eq!(r.json()["details"]["limit"], 1024);
    // …and through the page's form, in Vietnamese, with the way back.
    let page = format!(
        "/dossiers/p1.A/evidence?criterion=1.1&csrf={}&back=/dossiers/p1.A/self",
        ua.csrf
    );
    let r = t
        .send(ua.raw("POST", &page, CTYPE, files(&[("qua-han.pdf", &over)])))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body
            .contains("Tệp &quot;qua-han.pdf&quot; vượt quá dung lượng cho phép (1 KB mỗi tệp)")
            || r.body
                .contains("Tệp &#34;qua-han.pdf&#34; vượt quá dung lượng cho phép (1 KB mỗi tệp)"),
        "{}",
        r.body
    );
    assert!(r.body.contains("/dossiers/p1.A/self"));
    // The script's JSON answer carries the same message.
    let mut req = ua.raw("POST", &page, CTYPE, files(&[("qua-han.pdf", &over)]));
    req.headers_mut()
        .insert("accept", "application/json".parse().unwrap());
    let r = t.send(req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("vượt quá dung lượng cho phép"),
        "{}",
        r.body
    );
    // A good file followed by one over the limit in the same request: neither is kept.
    let r = t
        .send(ua.raw(
            "POST",
            API,
            CTYPE,
            files(&[("tot.pdf", &pdf(100)), ("qua-han.pdf", &over)]),
        ))
        .await;
    refused(&t, &r, StatusCode::PAYLOAD_TOO_LARGE, "file_too_large", 1).await;
}

#[tokio::test]
async fn more_files_than_the_cap_are_refused_and_none_is_kept() {
    let t = app(1024, 3);
    let ua = t.login("ua").await;
    let f = pdf(64);
    let four: Vec<(&str, &[u8])> = vec![
        ("1.pdf", &f[..]),
        ("2.pdf", &f[..]),
        ("3.pdf", &f[..]),
        ("4.pdf", &f[..]),
    ];
    let r = t.send(ua.raw("POST", API, CTYPE, files(&four))).await;
    refused(&t, &r, StatusCode::PAYLOAD_TOO_LARGE, "too_many_files", 0).await;
    assert_eq!(r.json()["details"]["max"], 3);
    // The cap itself is fine.
    let r = t.send(ua.raw("POST", API, CTYPE, files(&four[..3]))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(kept(&t).await.len(), 3);
    assert_eq!(evidence_of(&t, "p1.A", "1.1").len(), 3);
}

#[tokio::test]
async fn thousands_of_tiny_parts_are_refused() {
    let t = app(1024, 20);
    let ua = t.login("ua").await;
    // 5,000 form fields of one byte.
    let fields: Vec<(&str, Option<&str>, &[u8])> =
        (0..5000).map(|_| ("x", None, &b"1"[..])).collect();
    let r = t.send(ua.raw("POST", API, CTYPE, body(&fields))).await;
    refused(&t, &r, StatusCode::PAYLOAD_TOO_LARGE, "too_many_parts", 0).await;
    // 3,000 tiny files.
    let f = pdf(16);
    let many: Vec<(&str, &[u8])> = (0..3000).map(|_| ("a.pdf", &f[..])).collect();
    let r = t.send(ua.raw("POST", API, CTYPE, files(&many))).await;
    refused(&t, &r, StatusCode::PAYLOAD_TOO_LARGE, "too_many_files", 0).await;
    // A field far larger than a form field.
    let big = vec![b'a'; 64 * 1024];
    let r = t
        .send(ua.raw("POST", API, CTYPE, body(&[("x", None, &big[..])])))
        .await;
    refused(&t, &r, StatusCode::PAYLOAD_TOO_LARGE, "too_many_parts", 0).await;
    // No file at all.
    let r = t
        .send(ua.raw("POST", API, CTYPE, body(&[("x", None, &b"1"[..])])))
        .await;
    refused(&t, &r, StatusCode::BAD_REQUEST, "no_file", 0).await;
    // Not multipart.
    let r = t
        .send(ua.raw("POST", API, "application/pdf", pdf(100)))
        .await;
    refused(
        &t,
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "not_multipart",
        0,
    )
    .await;
}

#[tokio::test]
async fn an_upload_cut_off_mid_stream_leaves_nothing() {
    let t = app(1024 * 1024, 5);
    let ua = t.login("ua").await;
    let whole = files(&[("a.pdf", &pdf(2000)), ("b.pdf", &pdf(300_000))]);
    // The connection breaks after the first file and part of the second.
    let cut = whole[..whole.len() - 100_000].to_vec();
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from(cut)),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset by peer",
        )),
    ];
    let r = t
        .send(ua.raw("POST", API, CTYPE, Body::from_stream(stream::iter(chunks))))
        .await;
    refused(&t, &r, StatusCode::BAD_REQUEST, "interrupted", 0).await;
    // The body simply ends early (no closing boundary).
    let r = t
        .send(ua.raw("POST", API, CTYPE, whole[..whole.len() - 100_000].to_vec()))
        .await;
    refused(&t, &r, StatusCode::BAD_REQUEST, "interrupted", 0).await;
}

#[tokio::test]
async fn a_silent_connection_and_a_slow_trickle_are_stopped() {
    let mut c = config();
    c.upload_idle_secs = 5;
    c.upload_timeout_secs = 60;
    let t = fixture_with(c);
    let ua = t.login("ua").await;
    // The clock of the runtime stands still and jumps to the next timer when nothing else can
    // run: the waits below take no real time.
    tokio::time::pause();
    let mut head = part_head("file", Some("a.pdf"));
    head.extend(pdf(100));
    // Sends a part's beginning, then nothing, ever.
    let silent = stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from(head.clone()))])
        .chain(stream::pending());
    let r = t
        .send(ua.raw("POST", API, CTYPE, Body::from_stream(silent)))
        .await;
    refused(&t, &r, StatusCode::REQUEST_TIMEOUT, "idle", 0).await;
    assert_eq!(r.json()["details"]["seconds"], 5);
    // Sends ten bytes every four seconds: never idle, but the request may last a minute.
    let trickle = stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from(head))]).chain(
        stream::unfold((), |()| async {
            tokio::time::sleep(std::time::Duration::from_secs(4)).await;
            Some((Ok(Bytes::from_static(b"xxxxxxxxxx")), ()))
        }),
    );
    let r = t
        .send(ua.raw("POST", API, CTYPE, Body::from_stream(trickle)))
        .await;
    refused(&t, &r, StatusCode::REQUEST_TIMEOUT, "too_slow", 0).await;
    assert_eq!(r.json()["details"]["seconds"], 60);
}

#[tokio::test]
async fn the_wrong_state_and_another_units_dossier_are_refused_before_reading() {
    let t = app(1024, 5);
    let ua = t.login("ua").await;
    let ub = t.login("ub").await;
    let rev = t.login("rev").await;
    let f = files(&[("a.pdf", &pdf(100))]);
    // A submitted dossier (p2.A is self-assessed): no more evidence from the unit.
    let r = t
        .send(ua.raw(
            "POST",
            "/api/v1/dossiers/p2.A/evidence?criterion=1.1",
            CTYPE,
            f.clone(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(!r.json()["message"].as_str().unwrap().is_empty());
    assert!(evidence_of(&t, "p2.A", "1.1").is_empty());
    // Another unit's dossier does not exist for B's user.
    let r = t.send(ub.raw("POST", API, CTYPE, f.clone())).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    // The reviewer does not upload the unit's evidence.
    let r = t.send(rev.raw("POST", API, CTYPE, f.clone())).await;
    assert!(r.status.is_client_error(), "{}", r.body);
    // An unknown criterion.
    let r = t
        .send(ua.raw(
            "POST",
            "/api/v1/dossiers/p1.A/evidence?criterion=9.9",
            CTYPE,
            f.clone(),
        ))
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);
    assert!(kept(&t).await.is_empty(), "something was left behind");
    assert!(evidence_of(&t, "p1.A", "1.1").is_empty());
    // Nor does B download or delete A's files.
    let r = t.send(ua.raw("POST", API, CTYPE, f)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.json()["files"][0]["id"].as_str().unwrap().to_owned();
    let url = format!("/api/v1/dossiers/p1.A/evidence/{id}");
    assert_eq!(
        t.send(ub.req("GET", &url, None)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.send(ub.req("DELETE", &url, None)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(kept(&t).await, vec![id.clone()]);
    // The unit deletes its own: the record and the file go.
    assert!(
        t.send(ua.req("DELETE", &url, None))
            .await
            .status
            .is_success()
    );
    assert!(kept(&t).await.is_empty());
    assert!(evidence_of(&t, "p1.A", "1.1").is_empty());
}

#[tokio::test]
async fn hostile_names_and_contents() {
    let t = app(1024 * 1024, 5);
    let ua = t.login("ua").await;
    let content = pdf(500);
    let upload = |name: String, content: Vec<u8>| {
        let req = ua.raw("POST", API, CTYPE, files(&[(name.as_str(), &content[..])]));
        t.send(req)
    };
    // No extension: not an accepted type.
    let r = upload("../../etc/passwd".into(), content.clone()).await;
    refused(
        &t,
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "type_not_allowed",
        0,
    )
    .await;
    // An extension hidden behind a right-to-left override is seen for what it is.
    let r = upload("hoa-don\u{202E}fdp.exe".into(), content.clone()).await;
    refused(
        &t,
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "type_not_allowed",
        0,
    )
    .await;
    assert_eq!(r.json()["details"]["file_name"], "hoa-donfdp.exe");
    // A PNG renamed .pdf, HTML uploaded as .pdf.
    let r = upload("anh.pdf".into(), png()).await;
    refused(
        &t,
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "content_mismatch",
        0,
    )
    .await;
    assert_eq!(r.json()["details"]["detected"], "png");
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".to_vec();
    let r = upload("trang.pdf".into(), html).await;
    refused(
        &t,
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "content_mismatch",
        0,
    )
    .await;
    // An empty file.
    let r = upload("rong.pdf".into(), Vec::new()).await;
    refused(&t, &r, StatusCode::BAD_REQUEST, "empty_file", 0).await;

    // Accepted names: (sent, kept).
    let nfc = "Báo cáo quý 1.pdf";
    let nfd = "Ba\u{301}o ca\u{301}o quy\u{301} 1.pdf";
    assert_ne!(nfc, nfd);
    let long = format!("{}.pdf", "ả".repeat(1996));
    assert_eq!(long.chars().count(), 2000);
    let cases: Vec<(String, String)> = vec![
        ("../../etc/passwd.pdf".into(), "passwd.pdf".into()),
        ("ke-hoach\u{202E}fdp.pdf".into(), "ke-hoachfdp.pdf".into()),
        (nfc.into(), nfc.into()),
        (nfd.into(), nfc.into()),
        (
            long.clone(),
            format!(
                "{}.pdf",
                "ả".repeat(chamdiem_server::evidence::names::MAX_CHARS - 4)
            ),
        ),
    ];
    let mut ids = Vec::new();
    for (i, (sent, want)) in cases.iter().enumerate() {
        let mut bytes = pdf(300 + i);
        bytes[20] = b'a' + i as u8;
        let r = upload(sent.clone(), bytes.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{sent:?}: {}", r.body);
        let f = &r.json()["files"][0];
        assert_eq!(f["file_name"], want.as_str(), "{sent:?}");
        let id = f["id"].as_str().unwrap().to_owned();
        // Stored under a generated id, nothing of the name in it.
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        assert_eq!(f["sha256"], sha256_hex(&bytes));
        assert_eq!(f["media_type"], "application/pdf");
        // The dossier records the same.
        let e = evidence_of(&t, "p1.A", "1.1");
        let rec = e.iter().find(|e| e.id == id).unwrap();
        assert_eq!(rec.file_name, *want);
        assert_eq!(rec.sha256, sha256_hex(&bytes));
        assert_eq!(rec.size, bytes.len() as u64);
        assert_eq!(rec.uploaded_by, "ua");
        // Downloaded as an attachment, RFC 6266 / 8187, never sniffed.
        let d = t
            .send(ua.req("GET", &format!("/api/v1/dossiers/p1.A/evidence/{id}"), None))
            .await;
        assert_eq!(d.status, StatusCode::OK);
        assert_eq!(d.body.as_bytes(), &bytes[..]);
        assert_eq!(
            d.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(d.header("content-type").as_deref(), Some("application/pdf"));
        let cd = d.header("content-disposition").unwrap();
        assert!(cd.starts_with("attachment; filename=\""), "{cd}");
        let encoded: String = want
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        assert!(
            cd.ends_with(&format!("; filename*=UTF-8''{encoded}")),
            "{cd}"
        );
        assert!(cd.is_ascii(), "{cd}");
        ids.push(id);
    }
    // The NFC and NFD names are two files with one name.
    assert_ne!(ids[2], ids[3]);
    let mut in_store = kept(&t).await;
    in_store.sort();
    ids.sort();
    assert_eq!(in_store, ids);
    // The page escapes the names it shows.
    let r = upload("<img src=x onerror=alert(1)>.pdf".into(), pdf(200)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let page = t
        .send(ua.req("GET", "/dossiers/p1.A/self?group=1", None))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<img src=x"), "an unescaped name");
    assert!(page.body.contains("_img src=x onerror=alert(1)_.pdf"));
}

/// Total bytes of the files under a folder (the store's staging files included).
fn bytes_under(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack: Vec<PathBuf> = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            } else {
                total += m.len();
            }
        }
    }
    total
}

/// A file body produced on the fly, `total` bytes in chunks of `chunk`, each made ready only
/// after the reader was told to wait once (as a socket that has received one chunk). Before
/// producing each chunk it records how far the production runs ahead of what is on disk in
/// `dir`: that distance is what the server holds in memory.
fn generated(
    prefix: Vec<u8>,
    total: u64,
    chunk: usize,
    dir: PathBuf,
    produced: Arc<AtomicU64>,
    ahead: Arc<AtomicU64>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let first = stream::iter(vec![Ok(Bytes::from(prefix))]);
    let pdf_head = pdf(64);
    let rest = stream::unfold(0u64, move |sent| {
        let (dir, produced, ahead, pdf_head) = (
            dir.clone(),
            produced.clone(),
            ahead.clone(),
            pdf_head.clone(),
        );
        async move {
            if sent >= total {
                return None;
            }
            // Like a socket with one chunk ready at a time: the reader gets `Pending` first.
            tokio::task::yield_now().await;
            let on_disk = bytes_under(&dir);
            let distance = sent.saturating_sub(on_disk);
            ahead.fetch_max(distance, Ordering::SeqCst);
            let n = (total - sent).min(chunk as u64) as usize;
            let mut c = vec![b'z'; n];
            if sent == 0 {
                c[..64].copy_from_slice(&pdf_head);
            }
            produced.store(sent + n as u64, Ordering::SeqCst);
            Some((Ok(Bytes::from(c)), sent + n as u64))
        }
    });
    first.chain(rest)
}

/// The memory of an upload is bounded by a few chunks (a few parts on an object store), not
/// by the file: 150 MiB sent against the 100 MiB limit, into a folder store. The server reads it
/// chunk by chunk, writing as it goes (the bytes produced never run more than a few parts
/// ahead of the bytes on disk), stops reading right after the limit, and keeps nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_larger_than_any_buffer_streams_through_and_is_refused_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config();
    c.evidence_store = None;
    c.evidence_dir = Some(dir.path().to_owned());
    assert_eq!(c.upload_limit, 100 * 1024 * 1024, "the default limit");
    let t = fixture_with(c);
    let ua = t.login("ua").await;
    let part = t.state.evidence.part_size() as u64;
    let chunk = 64 * 1024;
    // What may be in memory at once: in the folder, the chunk being written, the chunk being
    // hashed, the chunk in hand and the parser's buffer (in parts, as an object store's
    // writer would hold them: three parts). Generous, and still a tiny fraction of the file.
    let bound = 3 * part + 4 * chunk as u64 + 1024 * 1024;
    assert!(bound < 4 * 1024 * 1024);

    let run = |total: u64| {
        let produced = Arc::new(AtomicU64::new(0));
        let ahead = Arc::new(AtomicU64::new(0));
        let prefix = part_head("file", Some("bien-ban.pdf"));
        let s = generated(
            prefix,
            total,
            chunk,
            dir.path().to_owned(),
            produced.clone(),
            ahead.clone(),
        )
        .chain(stream::iter(vec![Ok(Bytes::from(format!(
            "\r\n--{BOUNDARY}--\r\n"
        )))]));
        let req = ua.raw("POST", API, CTYPE, Body::from_stream(s));
        let t = &t;
        async move {
            let r = t.send(req).await;
            (
                r,
                produced.load(Ordering::SeqCst),
                ahead.load(Ordering::SeqCst),
            )
        }
    };

    // 150 MiB: refused at the limit.
    let limit = 100 * 1024 * 1024u64;
    let (r, produced, ahead) = run(150 * 1024 * 1024).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(r.json()["details"]["reason"], "file_too_large");
    assert!(
        produced > limit && produced <= limit + 2 * chunk as u64,
        "the server stopped reading at {produced} bytes; the limit is {limit}"
    );
    assert!(
        ahead <= bound,
        "the upload ran {ahead} bytes ahead of the disk; at most {bound} expected"
    );
    assert_eq!(bytes_under(dir.path()), 0, "a partial file was left behind");
    assert!(kept(&t).await.is_empty());

    // 24 MiB: accepted, the same way, and the file on disk is the file sent.
    let (r, produced, ahead) = run(24 * 1024 * 1024).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(produced, 24 * 1024 * 1024);
    assert!(ahead <= bound, "{ahead} > {bound}");
    let f = &r.json()["files"][0];
    let id = f["id"].as_str().unwrap();
    let on_disk = std::fs::read(dir.path().join(id)).unwrap();
    assert_eq!(on_disk.len(), 24 * 1024 * 1024);
    assert_eq!(f["sha256"], sha256_hex(&on_disk));
    assert_eq!(
        bytes_under(dir.path()),
        24 * 1024 * 1024,
        "no staging file left"
    );
}

/// The sweeper deletes the files no dossier refers to, once they are older than the grace
/// period, and the staging files a crash left; never a file a dossier records.
#[tokio::test]
async fn the_sweeper_deletes_only_unreferenced_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config();
    c.evidence_store = None;
    c.evidence_dir = Some(dir.path().to_owned());
    let t = fixture_with(c);
    let ua = t.login("ua").await;
    let r = t
        .send(ua.raw("POST", API, CTYPE, files(&[("giu.pdf", &pdf(100))])))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let kept_id = r.json()["files"][0]["id"].as_str().unwrap().to_owned();
    // A file stored but never recorded, and a staging file left by a crash.
    let orphan = chamdiem_server::evidence::new_id();
    t.state
        .evidence
        .put(&orphan, Bytes::from(pdf(50)))
        .await
        .unwrap();
    std::fs::write(dir.path().join(format!("{orphan}#7")), b"partial").unwrap();
    let real_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let hour = 3_600_000;
    // Within the grace period: nothing goes.
    t.clock.set(chamdiem::Timestamp::from_millis(real_now));
    let n = chamdiem_server::evidence::sweep(&t.state, hour)
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    // Two hours later: the orphan and the staging file go, the recorded file stays.
    t.clock
        .set(chamdiem::Timestamp::from_millis(real_now + 2 * hour));
    let n = chamdiem_server::evidence::sweep(&t.state, hour)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(kept(&t).await, vec![kept_id.clone()]);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    assert!(dir.path().join(&kept_id).exists());
}

/// Set (to a folder) in the child process of `a_full_evidence_disk_is_a_clear_error`.
const FULL_DISK_CHILD: &str = "CHAMDIEM_FULL_EVIDENCE_DISK";

/// The child of `a_full_evidence_disk_is_a_clear_error`: in a private mount namespace, the
/// evidence folder is a 1 MiB tmpfs. One file fits; the next does not.
#[tokio::test]
async fn full_evidence_disk_child() {
    let Ok(dir) = std::env::var(FULL_DISK_CHILD) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&dir)
        .status()
        .map(|s| s.success());
    if !matches!(mounted, Ok(true)) {
        println!("CANNOT-MOUNT: {mounted:?}");
        return;
    }
    let mut c = config();
    c.evidence_store = None;
    c.evidence_dir = Some(dir.clone());
    c.upload_limit = 8 * 1024 * 1024;
    let t = fixture_with(c);
    let ua = t.login("ua").await;
    let first = pdf(300_000);
    let r = t
        .send(ua.raw("POST", API, CTYPE, files(&[("truoc.pdf", &first)])))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let first_id = r.json()["files"][0]["id"].as_str().unwrap().to_owned();

    // Two megabytes on a disk with about 700 KB left.
    let r = t
        .send(ua.raw(
            "POST",
            API,
            CTYPE,
            files(&[("nho.pdf", &pdf(1000)), ("lon.pdf", &pdf(2_000_000))]),
        ))
        .await;
    assert_eq!(r.status, StatusCode::INSUFFICIENT_STORAGE, "{}", r.body);
    assert_eq!(r.code(), "insufficient_storage");
    assert_eq!(r.json()["details"]["reason"], "storage_full", "{}", r.body);
    assert_eq!(r.json()["details"]["file_name"], "lon.pdf", "{}", r.body);
    let message = r.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("full") && message.contains("lon.pdf"),
        "{message}"
    );

    // Nothing of the refused request is left (neither its small file nor a part of the large
    // one), and what was stored before is whole.
    assert_eq!(kept(&t).await, vec![first_id.clone()]);
    let on_disk: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(on_disk, vec![first_id.clone()]);
    let e = evidence_of(&t, "p1.A", "1.1");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].id, first_id);
    let d = t
        .send(ua.req(
            "GET",
            &format!("/api/v1/dossiers/p1.A/evidence/{first_id}"),
            None,
        ))
        .await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.body.as_bytes(), &first[..]);

    // Once there is room again, uploads work.
    let r = t
        .send(ua.raw("POST", API, CTYPE, files(&[("sau.pdf", &pdf(1000))])))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    println!("FULL-EVIDENCE-DISK-CHILD-OK");
}

/// A full evidence disk: a clear 507 that names the file, nothing half-written, and nothing
/// stored before lost. Runs `full_evidence_disk_child` under `unshare --mount` (root and
/// `unshare` needed; otherwise SKIPPED, except under CI=true).
#[test]
fn a_full_evidence_disk_is_a_clear_error() {
    if std::env::var(FULL_DISK_CHILD).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("unshare")
        .args(["--mount", "--propagation", "private", "--"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "full_evidence_disk_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(FULL_DISK_CHILD, dir.path())
        .output();
    let (stdout, stderr) = match &out {
        Ok(o) => (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ),
        Err(e) => (String::new(), e.to_string()),
    };
    if stdout.contains("FULL-EVIDENCE-DISK-CHILD-OK") {
        return;
    }
    // `unshare` missing or refused (no test ran), or the mount refused inside.
    let cannot_mount = stdout.contains("CANNOT-MOUNT") || !stdout.contains("running 1 test");
    if cannot_mount && std::env::var("CI").as_deref() != Ok("true") {
        eprintln!(
            "\n!!!!!!!!!! SKIPPED: a full evidence disk: cannot mount a tmpfs in a private mount \
             namespace here ({stderr}) !!!!!!!!!!\n"
        );
        return;
    }
    panic!("the full-disk child failed:\n{stdout}\n{stderr}");
}
