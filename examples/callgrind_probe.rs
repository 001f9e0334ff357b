//! A known workload for checking the callgrind lens by hand: `ITERS`
//! iterations inside the measured region, `SETUP` iterations outside it.
//!
//! ```text
//! cargo build --release --example callgrind_probe
//! valgrind --tool=callgrind --cache-sim=yes --collect-atstart=no \
//!     --toggle-collect='*measured_region*' --callgrind-out-file=/tmp/probe.out \
//!     target/release/examples/callgrind_probe 100000 1000000
//! callgrind_annotate /tmp/probe.out   # 8 Ir per region iteration (+14), setup not counted
//! ```

use mapamp::region::measured_region;
use std::hint::black_box;

/// A loop callgrind can count exactly: a few instructions per iteration.
fn spin(iterations: u64) -> u64 {
    let mut acc = 0u64;
    for i in 0..iterations {
        acc = acc.wrapping_mul(31).wrapping_add(black_box(i));
    }
    acc
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| {
        a.parse::<u64>()
            .unwrap_or_else(|_| panic!("usage: callgrind_probe ITERS [SETUP]; got `{a}`"))
    });
    let iters = args.next().unwrap_or(100_000);
    let setup = args.next().unwrap_or(0);
    let outside = spin(setup);
    let inside = measured_region(|| spin(iters));
    println!("region {iters} iterations -> {inside}; setup {setup} iterations -> {outside}");
}
