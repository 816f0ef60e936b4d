//! Replays the committed fuzz corpus and past findings of the server's fuzz targets as ordinary
//! tests: every file of `fuzz/corpus/<target>/` and `fuzz/artifacts/<target>/` goes through the
//! same checks as the fuzz target (`fuzz/checks/server.rs`). No fuzzing tools are needed.

#[path = "../../../fuzz/checks/server.rs"]
mod checks;

use std::path::{Path, PathBuf};

/// The corpus and artifact files of a target, sorted; the corpus must not be empty.
fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) else {
            assert_ne!(dir, "corpus", "no corpus for `{target}`");
            continue;
        };
        for e in entries {
            let path = e.expect("a directory entry").path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(
        files.iter().any(|f| f.to_string_lossy().contains("corpus")),
        "the corpus of `{target}` is empty"
    );
    files
}

/// Runs `check` on every input of `target`, and fails naming each input that failed.
fn replay(target: &str, check: fn(&[u8])) {
    let mut failed = Vec::new();
    let files = inputs(target);
    for f in &files {
        let data = std::fs::read(f).expect("reading an input");
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failed.push(f.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} inputs of `{target}` failed:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn criteria_xlsx() {
    replay("criteria_xlsx", checks::criteria_xlsx);
}

#[test]
fn upload_multipart() {
    replay("upload_multipart", checks::upload_multipart);
}

/// Writes the seed workbooks of `criteria_xlsx` (the template and both example sets exported),
/// named by content as libFuzzer names corpus files. Run on purpose only:
/// `cargo test -p chamdiem-server --test fuzz_corpus -- --ignored write_xlsx_seeds`.
#[test]
#[ignore = "writes the corpus seeds"]
fn write_xlsx_seeds() {
    use chamdiem::CriteriaSet;
    use chamdiem_server::admin::xlsx;
    use sha2::{Digest, Sha256};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/criteria_xlsx");
    std::fs::create_dir_all(&dir).expect("the corpus folder");
    let mut books = vec![xlsx::template().expect("the template")];
    for text in [
        chamdiem_server::demo::ISO_SET,
        chamdiem_server::demo::CCHC_SET,
    ] {
        let set = CriteriaSet::from_compact(text).expect("an example set");
        books.push(xlsx::write(&set).expect("an export"));
    }
    for b in books {
        let name: String = Sha256::digest(&b)[..20]
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect();
        std::fs::write(dir.join(name), b).expect("writing a seed");
    }
}
