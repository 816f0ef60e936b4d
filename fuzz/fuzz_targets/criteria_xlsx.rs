//! Fuzz target `criteria_xlsx`: see `chamdiem_fuzz::server_checks::criteria_xlsx`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chamdiem_fuzz::server_checks::criteria_xlsx(data));
