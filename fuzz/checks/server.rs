//! The checks of the server's fuzz targets, shared by the targets (`fuzz/fuzz_targets/`) and by
//! the corpus replay (`examples/server/tests/fuzz_corpus.rs`), so both always check the same
//! properties.
//!
//! Every function takes the raw input of one fuzz run and panics when a property fails; an
//! input refused with an error is a success.

use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::Request;
use chamdiem::CriteriaSet;
use chamdiem_server::admin::xlsx;
use chamdiem_server::evidence::kinds::{self, AllowList};
use chamdiem_server::evidence::upload::{self, Limits};
use chamdiem_server::evidence::{EvidenceStore, names};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// The multipart boundary of the upload target's bodies (the input is the body only).
pub const BOUNDARY: &str = "fuzzbound";

/// Target `criteria_xlsx`: the Excel import of a criteria set. A workbook that imports
/// exports to a workbook that imports equal, and the set survives its JSON and compact forms.
pub fn criteria_xlsx(data: &[u8]) {
    let Ok(set) = xlsx::read(data) else {
        return;
    };
    let bytes = xlsx::write(&set).expect("an imported set exports");
    let back = xlsx::read(&bytes).unwrap_or_else(|e| panic!("an exported set is refused: {e:?}"));
    assert_eq!(back, set, "the exported workbook imports different");
    let json = CriteriaSet::from_json(&set.to_json()).expect("the JSON form reads back");
    assert_eq!(json, set, "the JSON form reads back different");
    let compact =
        CriteriaSet::from_compact(&set.to_compact()).expect("the compact form reads back");
    assert_eq!(compact, set, "the compact form reads back different");
}

/// The properties of a kept file name: never empty, no path, no control or invisible
/// formatting characters, no leading dot, at most `names::MAX_CHARS` characters, and
/// sanitizing it again changes nothing. Its `Content-Disposition` is printable ASCII.
fn safe_name(name: &str) {
    assert!(!name.is_empty(), "an empty name");
    assert!(!name.contains(['/', '\\']), "a path in {name:?}");
    assert!(!name.starts_with('.'), "a leading dot in {name:?}");
    assert!(
        !name.chars().any(|c| c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')),
        "a control or invisible character in {name:?}"
    );
    assert!(
        name.chars().count() <= names::MAX_CHARS,
        "{} characters in {name:?}",
        name.chars().count()
    );
    assert_eq!(
        names::sanitize(name),
        name,
        "sanitizing {name:?} again changes it"
    );
    let header = names::content_disposition(name);
    assert!(
        header.bytes().all(|b| (0x20..0x7f).contains(&b)),
        "a Content-Disposition outside printable ASCII: {header:?}"
    );
}

/// The accepted types of the upload target.
fn allow_list() -> AllowList {
    AllowList::parse(&["pdf", "docx", "doc", "png", "jpg", "zip", "txt"].map(String::from))
        .expect("the allow-list")
}

/// Target `upload_multipart`: an evidence upload's `multipart/form-data` body, read by the
/// server's `receive` into an in-memory evidence store (limits: 4 KiB per file, 3 files).
///
/// Also: the input as a file name is sanitized to a safe name, and the type detection of the
/// input's first bytes never panics. An accepted upload stores exactly the files it returns,
/// each with its size and SHA-256, a safe name, an accepted extension and matching content; a
/// refused one leaves nothing in the store.
pub fn upload_multipart(data: &[u8]) {
    let raw_name = String::from_utf8_lossy(&data[..data.len().min(512)]);
    safe_name(&names::sanitize(&raw_name));
    let _ = kinds::detect(data);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let request = Request::builder()
            .method("POST")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(data.to_vec()))
            .expect("a request");
        let Ok(multipart) = Multipart::from_request(request, &()).await else {
            return;
        };
        let store = EvidenceStore::memory();
        let allow = allow_list();
        let limits = Limits {
            file: 4096,
            files: 3,
            idle: Duration::from_secs(5),
            total: Duration::from_secs(30),
        };
        let outcome = upload::receive(&store, &allow, &limits, multipart).await;
        let mut kept: Vec<String> = store
            .list()
            .await
            .expect("listing the store")
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        kept.sort();
        let Ok(stored) = outcome else {
            assert!(
                kept.is_empty(),
                "a refused upload left files behind: {kept:?}"
            );
            return;
        };
        assert!(!stored.is_empty(), "an accepted upload without a file");
        assert!(stored.len() <= limits.files, "more files than allowed");
        let mut ids: Vec<String> = stored.iter().map(|s| s.id.clone()).collect();
        ids.sort();
        assert_eq!(
            ids, kept,
            "the store does not hold exactly the files returned"
        );
        for s in &stored {
            safe_name(&s.file_name);
            assert!((1..=limits.file).contains(&s.size), "size {} kept", s.size);
            let ext = names::extension(&s.file_name).expect("an extension");
            let kind = allow.get(&ext).expect("an accepted type");
            assert_eq!(
                s.media_type, kind.media_type,
                "the media type of {}",
                s.file_name
            );
            let (size, mut stream) = store.read(&s.id).await.expect("reading a kept file");
            let mut content = Vec::new();
            while let Some(chunk) = stream.next().await {
                content.extend_from_slice(&chunk.expect("a chunk"));
            }
            assert_eq!(size, s.size, "the stored size");
            assert_eq!(content.len() as u64, s.size, "the content's length");
            let sha = Sha256::digest(&content)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>();
            assert_eq!(sha, s.sha256, "the SHA-256 of {}", s.file_name);
            let head = &content[..content.len().min(kinds::HEAD)];
            assert!(
                kinds::check(kind, head).is_ok(),
                "content of the wrong type kept as {}",
                s.file_name
            );
        }
    });
}
