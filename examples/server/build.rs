//! Embeds the browser package (`bindings-wasm/dist/`, committed by the package's build) so the
//! pages' live totals need nothing at run time. Without it the server builds all the same and
//! the pages show the totals the server computes after each save.
//!
//! `CHAMDIEM_WASM_BUNDLE` names another folder (a package just built, for instance).

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    println!("cargo:rerun-if-env-changed=CHAMDIEM_WASM_BUNDLE");
    let dir = match std::env::var_os("CHAMDIEM_WASM_BUNDLE") {
        Some(d) => PathBuf::from(d),
        None => manifest.join("../../bindings-wasm/dist"),
    };
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    if dir.is_dir() {
        println!("cargo:rerun-if-changed={}", dir.display());
        for entry in std::fs::read_dir(&dir).expect("the bundle folder is readable") {
            let path = entry.expect("a folder entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let served = name.ends_with(".js") || name.ends_with(".wasm");
            if path.is_file() && served && !name.contains('"') {
                files.push((name, path));
            }
        }
    } else if let Some(parent) = dir.parent().filter(|p| p.is_dir()) {
        // Rebuild when the bundle appears.
        println!("cargo:rerun-if-changed={}", parent.display());
    }
    files.sort();
    let mut out = String::from(
        "/// The browser package's files: (name, bytes).\npub static BUNDLE: &[(&str, &[u8])] = &[\n",
    );
    for (name, path) in &files {
        out.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            path.canonicalize()
                .expect("a bundle file")
                .display()
                .to_string()
        ));
    }
    out.push_str("];\n");
    let target =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it")).join("wasm_bundle.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
