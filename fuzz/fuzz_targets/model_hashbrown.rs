//! `cargo +nightly fuzz run model_hashbrown`: see `mapamp::fuzz::model`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapamp::variants::Variant;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = mapamp::fuzz::model(Variant::Hashbrown, data) {
        panic!("{finding}");
    }
});
