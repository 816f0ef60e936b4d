//! Fuzz target `criteria_compact`: see `chamdiem_fuzz::core_checks::criteria_compact`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chamdiem_fuzz::core_checks::criteria_compact(data));
