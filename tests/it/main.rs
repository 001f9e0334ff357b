//! The integration tests, in one test binary (`cargo test --test it`).
//! Each module is one area in its own file (`tests/it/<area>.rs`);
//! `tests/common/` holds the helpers they share. One binary rather than one
//! per file: every test binary links the optimised crate and instantiates
//! its generic maps again, so 28 binaries were most of `scripts/test.sh`'s
//! time (`docs/speed.md`, "Build and test time"). Run one area with a
//! filter on its module: `cargo test --test it oracle::`.
//!
//! Two areas keep a binary of their own, because they measure their whole
//! process and other tests' threads would land in their figures:
//! `tests/lens_counters.rs` (perf counters) and `tests/lens_flamegraph.rs`
//! (the sampler's rate inside the region).

#[path = "../common/mod.rs"]
mod common;

mod architecture;
mod bench_args;
mod claims;
mod cli_inspect;
mod compare;
mod compare_criterion;
mod e2e;
mod evolution_fidelity;
mod evolution_report;
mod fuzz;
mod go_benchstat;
mod go_fidelity;
mod go_named;
mod go_profiles;
mod go_runtime;
mod go_split;
mod gomap_go119;
mod goswiss_go126;
mod goswiss_oracle;
mod hostile;
mod io_paths;
mod io_run;
mod lens_callgrind;
mod lint;
mod live;
mod locate;
mod oracle;
mod profiles;
mod report_render;
mod shard_merge;
mod timeline;
mod variant_claims;
