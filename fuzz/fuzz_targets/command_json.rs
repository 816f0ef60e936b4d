//! Fuzz target `command_json`: see `chamdiem_fuzz::core_checks::command_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chamdiem_fuzz::core_checks::command_json(data));
