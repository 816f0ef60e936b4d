//! The checks behind the fuzz targets. The same files are compiled into the corpus replay
//! tests (`core/tests/fuzz_corpus.rs`, `examples/server/tests/fuzz_corpus.rs`), so a fuzz run
//! and the replay check exactly the same properties.

#[path = "../checks/core.rs"]
pub mod core_checks;

#[path = "../checks/server.rs"]
pub mod server_checks;
