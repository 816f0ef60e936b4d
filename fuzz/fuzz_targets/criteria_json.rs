//! Fuzz target `criteria_json`: see `chamdiem_fuzz::core_checks::criteria_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chamdiem_fuzz::core_checks::criteria_json(data));
