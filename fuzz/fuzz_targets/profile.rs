//! `cargo +nightly fuzz run profile`: see `mapamp::fuzz::profile`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = mapamp::fuzz::profile(data) {
        panic!("{finding}");
    }
});
