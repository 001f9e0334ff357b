//! A counting global allocator: real heap allocations, measured.
//!
//! Claims such as "the inline variant makes no heap allocation up to 8
//! entries" are checked by counting, not asserted. A binary (or test) opts in
//! with
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: mapamp::alloc_count::CountingAllocator = mapamp::alloc_count::CountingAllocator;
//! ```
//!
//! Counters are per thread (tests run in parallel threads and must not see
//! each other's allocations) and are plain `Cell`s in a const-initialised
//! thread local, so counting allocates nothing itself. Without the allocator
//! installed, [`measure`] reports `installed: false` and callers must treat
//! the figures as unavailable.

use serde::{Deserialize, Serialize};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
    static FREES: Cell<u64> = const { Cell::new(0) };
}

/// Wraps the system allocator and counts, per thread, allocations
/// (`realloc` counts as one), bytes requested and frees.
#[derive(Debug, Default, Clone, Copy)]
pub struct CountingAllocator;

fn count_alloc(size: usize) {
    // `try_with`: during thread teardown the counters may be gone; then the
    // allocation is simply not counted.
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
    let _ = BYTES.try_with(|c| c.set(c.get() + size as u64));
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees are ours; the counting touches only
// thread-local `Cell`s and never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_alloc(layout.size());
        // SAFETY: same contract as our caller's (non-zero size layout).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_alloc(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = FREES.try_with(|c| c.set(c.get() + 1));
        // SAFETY: `ptr` was allocated by `System` (through us) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_alloc(new_size);
        // SAFETY: `ptr`/`layout` come from a previous allocation through us,
        // and `new_size` meets the caller's contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Allocation counters of the current thread at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocSnapshot {
    /// Allocations (including reallocations).
    pub allocations: u64,
    /// Bytes requested by those allocations.
    pub bytes: u64,
    /// Frees.
    pub frees: u64,
}

/// Allocations made by a measured piece of code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocDelta {
    /// Whether the counting allocator is installed (otherwise all zero and meaningless).
    pub installed: bool,
    /// Heap allocations made (reallocations included).
    pub allocations: u64,
    /// Bytes requested.
    pub bytes: u64,
    /// Frees made.
    pub frees: u64,
}

/// The current thread's counters.
pub fn snapshot() -> AllocSnapshot {
    AllocSnapshot {
        allocations: ALLOCS.with(|c| c.get()),
        bytes: BYTES.with(|c| c.get()),
        frees: FREES.with(|c| c.get()),
    }
}

/// Whether [`CountingAllocator`] is the global allocator of this process.
pub fn installed() -> bool {
    let before = snapshot().allocations;
    let b = std::hint::black_box(Box::new(0u64));
    drop(b);
    snapshot().allocations > before
}

/// Runs `f` and reports the heap allocations it made on this thread.
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, AllocDelta) {
    let installed = installed();
    let before = snapshot();
    let out = f();
    let after = snapshot();
    (
        out,
        AllocDelta {
            installed,
            allocations: after.allocations - before.allocations,
            bytes: after.bytes - before.bytes,
            frees: after.frees - before.frees,
        },
    )
}
