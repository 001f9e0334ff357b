//! Cache prefetch hints for the hot paths.
//!
//! A bucket of Go's layout spans several cache lines (144 bytes for 8-byte
//! keys and values), and the slot an insert writes is only known once the
//! bucket's tophash word has arrived from memory. Without a hint the
//! key and value lines are requested only then, one miss after the other.
//! Asking for them as soon as the bucket's address is known overlaps those
//! misses. A prefetch changes no memory and cannot fault, so the model's
//! behaviour and accounting are the same with or without it.

/// Bytes per cache line.
const LINE_BYTES: usize = 64;
/// At most this many lines of a bucket are requested (larger buckets are
/// touched only in part by one write).
const MAX_LINES: usize = 4;

/// Asks the CPU to bring the cache lines of `bucket` (at most the first
/// few) into cache.
#[inline(always)]
pub fn bucket(bucket: &[u8]) {
    if let Some(first) = bucket.first() {
        line(first);
    }
    after_first_line(bucket);
}

/// Like [`bucket`] without the first line: for callers about to load the
/// bucket's first word anyway.
#[inline(always)]
pub fn after_first_line(bucket: &[u8]) {
    let n = bucket.len().min(MAX_LINES * LINE_BYTES);
    let mut off = LINE_BYTES;
    while off < n {
        line(&bucket[off]);
        off += LINE_BYTES;
    }
    // Buckets start 16-byte aligned, so a last word two or more words past
    // the last requested one can sit on one more line.
    if n == bucket.len() && n > LINE_BYTES && (n - 8) % LINE_BYTES >= 16 {
        line(&bucket[n - 8]);
    }
}

/// Asks the CPU to bring the cache line holding `byte` into cache.
#[inline(always)]
pub fn line(byte: &u8) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: `prefetcht0` is a hint: it never faults, reads nothing into
        // registers and writes no memory; the pointer comes from a live
        // reference. SSE is part of the x86_64 baseline.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((byte as *const u8).cast::<i8>()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = byte;
}
