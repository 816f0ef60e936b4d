//! Fuzz target `upload_multipart`: see `chamdiem_fuzz::server_checks::upload_multipart`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chamdiem_fuzz::server_checks::upload_multipart(data));
