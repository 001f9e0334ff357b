//! Cache prefetch hints for the hot paths.
//!
//! A bucket of Go's layout spans several cache lines (144 bytes for 8-byte
//! keys and values), and the slot an insert writes is only known once the
//! bucket's tophash word has arrived from memory. Without a hint the
//! key and value lines are requested only then, one miss after the other.
//! Asking for them as soon as the bucket's address is known overlaps those
//! misses. A prefetch changes no memory and cannot fault, so the model's
//! behaviour and accounting are the same with or without it.

/// Words per 64-byte cache line.
const LINE_WORDS: usize = 8;
/// At most this many lines of a bucket are requested (larger buckets are
/// touched only in part by one write).
const MAX_LINES: usize = 4;

/// Asks the CPU to bring the cache lines of `bucket` (at most the first
/// few) into cache.
#[inline(always)]
pub fn bucket(bucket: &[u64]) {
    if let Some(first) = bucket.first() {
        line(first);
    }
    after_first_line(bucket);
}

/// Like [`bucket`] without the first line: for callers about to load the
/// bucket's first word anyway.
#[inline(always)]
pub fn after_first_line(bucket: &[u64]) {
    let n = bucket.len().min(MAX_LINES * LINE_WORDS);
    let mut off = LINE_WORDS;
    while off < n {
        line(&bucket[off]);
        off += LINE_WORDS;
    }
    // Buckets start 16-byte aligned, so a last word two or more words past
    // the last requested one can sit on one more line.
    if n == bucket.len() && n > LINE_WORDS && (n - 1) % LINE_WORDS >= 2 {
        line(&bucket[n - 1]);
    }
}

/// Asks the CPU to bring the cache line holding `word` into cache.
#[inline(always)]
pub fn line(word: &u64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: `prefetcht0` is a hint: it never faults, reads nothing into
        // registers and writes no memory; the pointer comes from a live
        // reference. SSE is part of the x86_64 baseline.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((word as *const u64).cast::<i8>()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = word;
}
