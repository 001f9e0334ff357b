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
/// region adds none (`tests/it/lens_callgrind.rs`). v0-mangled builds
/// (`-C symbol-mangling-version=v0`) demangle to
/// `mapamp::region::measured_region::<R, F>` and match too.
pub const REGION_SYMBOL_PATTERN: &str = "*measured_region*";

/// The substring that identifies the region's frame in a symbolised stack.
pub const REGION_FRAME: &str = "measured_region";

/// Runs `f` as the measured region.
///
/// Under callgrind started with `--instr-atstart=no`, instrumentation is
/// switched on just before the region's frame is entered and off after it
/// returns, so only the region pays for it; `--toggle-collect` on the
/// frame then counts exactly the region. (Instrumentation must be on when
/// the frame is entered, hence the split into two functions.)
#[inline(always)]
pub fn measured_region<R>(f: impl FnOnce() -> R) -> R {
    crate::valgrind::start_instrumentation();
    let r = region_frame::measured_region(f);
    crate::valgrind::stop_instrumentation();
    r
}

mod region_frame {
    /// The region's own frame: the only function whose name matches
    /// [`super::REGION_SYMBOL_PATTERN`].
    #[inline(never)]
    pub fn measured_region<R>(f: impl FnOnce() -> R) -> R {
        let r = f();
        std::hint::black_box(&r);
        r
    }
}
