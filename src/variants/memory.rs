//! How much memory a map under study needs: the entries a size hint really
//! sizes a map for, and a generous estimate of a map's bytes. `inspect` and
//! the profile's memory check (run before a run starts) use the same
//! figures.

use super::Variant;
use crate::gotype::Shape;

/// Memory the workload's key source keeps per key drawn (a `HashSet<u64>`
/// at its worst load, while it grows, plus the live-key list).
pub const KEY_SOURCE_BYTES_PER_KEY: u64 = 40;

/// Entries a map is sized for by a size hint at creation: for the Go family
/// the hint `makemap` keeps ([`crate::gomap::effective_hint`]: 0 when its
/// buckets would exceed 2^48 bytes), for the Go Swiss map the hint `NewMap`
/// keeps ([`crate::goswiss::effective_hint`]), for the reference Swiss
/// tables the hint itself.
pub fn hint_entries(
    variant: Variant,
    hint: usize,
    key_size: usize,
    value_size: usize,
    inline_limit: usize,
) -> usize {
    if variant.is_go_family() {
        let t = crate::gotype::BucketType::new(
            Shape::words(key_size / 8),
            Shape::words(value_size / 8),
            inline_limit,
        );
        crate::gomap::effective_hint(hint, t.bucket_size as u64)
    } else if variant.is_go_swiss() {
        let t = crate::gotype::GroupType::new(
            Shape::words(key_size / 8),
            Shape::words(value_size / 8),
            crate::gotype::GO_MAX_INLINE,
        );
        crate::goswiss::effective_hint(hint, t.group_size)
    } else {
        hint
    }
}

/// A generous estimate of the memory a Go-model map of `n` entries needs
/// (both arrays alive during growth, full overflow, indirect objects),
/// saturating at `u64::MAX`.
pub fn estimate_bytes(n: usize, key_size: usize, value_size: usize) -> u64 {
    let t = crate::gotype::BucketType::new(
        Shape::words(key_size / 8),
        Shape::words(value_size / 8),
        crate::gotype::GO_MAX_INLINE,
    );
    let b = crate::gomap::b_for_hint(n, crate::gomap::Knobs::default().load_factor);
    let buckets = (1u64 << b) as f64 * 1.5 * 1.5;
    let objects = (n as u64).saturating_mul(
        (t.indirect_key as u64) * key_size as u64
            + (t.indirect_elem as u64) * value_size as u64
            + 32,
    );
    ((buckets * t.bucket_size as f64) as u64).saturating_add(objects)
}
