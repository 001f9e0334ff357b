//! `cargo +nightly fuzz run model_std`: see `mapamp::fuzz::model`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapamp::variants::Variant;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = mapamp::fuzz::model(Variant::Std, data) {
        panic!("{finding}");
    }
});
