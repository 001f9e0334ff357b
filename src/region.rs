//! The measured region marker.
//!
//! Every lens measures the same scenario code; what belongs to the measured
//! region is whatever runs inside [`measured_region`]. The function is never
//! inlined, so its frame is visible to the sampling profiler (flame graphs
//! keep only stacks that pass through it) and to callgrind
//! (`--toggle-collect=*measured_region*` counts only inside it).

/// The symbol pattern tools use to find the region (`callgrind --toggle-collect`).
///
/// Checked with valgrind 3.19: callgrind demangles the region's legacy-mangled
/// symbol (`_ZN6mapamp6region15measured_region17h…E`, one per instantiation)
/// to `mapamp::region::measured_region`, which this pattern matches; a region
/// doing N loop iterations then collects 8·N + 17 Ir, and work before the
/// region adds none (`tests/lens_callgrind.rs`). v0-mangled builds
/// (`-C symbol-mangling-version=v0`) demangle to
/// `mapamp::region::measured_region::<R, F>` and match too.
pub const REGION_SYMBOL_PATTERN: &str = "*measured_region*";

/// The substring that identifies the region's frame in a symbolised stack.
pub const REGION_FRAME: &str = "measured_region";

/// Runs `f` as the measured region.
#[inline(never)]
pub fn measured_region<R>(f: impl FnOnce() -> R) -> R {
    let r = f();
    std::hint::black_box(&r);
    r
}
