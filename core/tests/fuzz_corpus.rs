//! Replays the committed fuzz corpus and past findings of the core's fuzz targets as ordinary
//! tests: every file of `fuzz/corpus/<target>/` and `fuzz/artifacts/<target>/` goes through the
//! same checks as the fuzz target (`fuzz/checks/core.rs`). No fuzzing tools are needed.

#[path = "../../fuzz/checks/core.rs"]
mod checks;

use std::path::{Path, PathBuf};

/// The corpus and artifact files of a target, sorted; the corpus must not be empty.
fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
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
fn criteria_json() {
    replay("criteria_json", checks::criteria_json);
}

#[test]
fn criteria_compact() {
    replay("criteria_compact", checks::criteria_compact);
}

#[test]
fn command_json() {
    replay("command_json", checks::command_json);
}
