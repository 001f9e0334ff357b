//! Creating a map and its bucket arrays (`makemap`, `makeBucketArray`) and
//! the growth predicates they share with `mapassign`.

use super::layout::BUCKET_CNT;
use super::sizeclass::roundupsize;
use super::storage::{array_ref, Generation, Storage, NO_NEXT_OVERFLOW};
use super::{GoMap, Header, Knobs};
use crate::accounting::{CopyPath, Event, Probe};
use crate::gotype::{BucketType, Shape};
use crate::hash::KeyHasher;
use crate::rng::Rng;

/// Go's `maxAlloc` on 64-bit Linux (`1 << heapAddrBits`, 48 bits): the
/// largest allocation the runtime will attempt.
pub const MAX_ALLOC: u64 = 1 << 48;

/// The largest B the model represents: `2^B` buckets must be countable in a
/// `usize` (Go's B is a `uint8`, but a hint that would need B ≥ 49 is set
/// to 0 by [`effective_hint`] first, since its buckets exceed `maxAlloc`).
pub const MAX_B: u8 = 63;

/// Largest count that does not exceed `load_factor` at `b` (Go: `13 * (2^B / 2)`),
/// saturating at `usize::MAX`.
pub fn max_count_at(b: u8, load_factor: f64) -> usize {
    let b = b.min(MAX_B);
    if load_factor == 6.5 {
        // Go's integer arithmetic, which also gives 0 for B = 0.
        13usize.saturating_mul((1usize << b) / 2)
    } else {
        // `as` saturates: a count beyond `usize` is never exceeded.
        (load_factor * (1u64 << b) as f64).floor() as usize
    }
}

/// Whether `count` entries in `2^b` buckets exceed the load factor (`overLoadFactor`).
#[inline]
pub fn over_load_factor(count: usize, b: u8, load_factor: f64) -> bool {
    count > BUCKET_CNT && count > max_count_at(b, load_factor)
}

/// Whether `noverflow` means too many overflow buckets for `2^b` buckets
/// (`tooManyOverflowBuckets`): about as many overflow buckets as buckets.
#[inline(always)]
pub fn too_many_overflow_buckets(noverflow: u16, b: u8) -> bool {
    let b = b.min(15);
    noverflow >= (1u16 << b)
}

/// The B that `make(map, hint)` picks: the smallest with `hint` not over the
/// load factor (at most [`MAX_B`], which no hint that passed
/// [`effective_hint`] reaches).
pub fn b_for_hint(hint: usize, load_factor: f64) -> u8 {
    let mut b = 0u8;
    while b < MAX_B && over_load_factor(hint, b, load_factor) {
        b += 1;
    }
    b
}

/// The hint `makemap` keeps: Go 1.19 sets it to 0 when `hint × bucket size`
/// overflows or exceeds `maxAlloc` (`runtime/map.go`, `makemap`), so
/// `make(map[K]V, 1<<62)` gives an empty map of B = 0 instead of failing.
pub fn effective_hint(hint: usize, bucket_bytes: u64) -> usize {
    match (hint as u64).checked_mul(bucket_bytes) {
        Some(mem) if mem <= MAX_ALLOC => hint,
        _ => 0,
    }
}

/// Number of buckets `makeBucketArray` allocates for `2^b` main buckets of
/// `bucket_bytes` bytes: the main buckets plus, for B ≥ 4, `2^(b-4)`
/// preallocated overflow buckets, rounded up to the allocator's size.
pub fn buckets_allocated(b: u8, bucket_bytes: u64, prealloc: bool) -> usize {
    let base = 1usize << b;
    let mut n = base;
    if b >= 4 && prealloc {
        n += 1usize << (b - 4);
        let sz = bucket_bytes * n as u64;
        let up = roundupsize(sz);
        if up != sz {
            n = (up / bucket_bytes) as usize;
        }
    }
    n
}

impl<H: KeyHasher, P: Probe, S: Storage> GoMap<H, P, S> {
    /// `make(map[key]elem, hint)` with the given knobs, hasher and random
    /// seed. The map type (bucket layout, indirect slots, fast path) is
    /// built from the two shapes and the knobs' inline limit.
    ///
    /// The seed fixes everything random in the model (hash seed, iterator
    /// starts, the approximate overflow counter), so runs are reproducible.
    pub fn with_config(
        key: Shape,
        elem: Shape,
        knobs: Knobs,
        hint: usize,
        seed: u64,
        hasher: H,
    ) -> Self {
        assert!(
            knobs.validate().is_ok(),
            "{}",
            knobs.validate().unwrap_err()
        );
        let t = BucketType::new(key, elem, knobs.inline_limit);
        let mut rand = Rng::new(seed);
        let hash0 = rand.next_u64();
        let b = b_for_hint(
            effective_hint(hint, t.bucket_size as u64),
            knobs.load_factor,
        );
        let mut m = GoMap {
            hdr: Header {
                count: 0,
                flags: 0,
                b,
                mask: (1usize << b) - 1,
                noverflow: 0,
                hash0,
                nevacuate: 0,
                growing: false,
                same_size: false,
                max_count: max_count_at(b, knobs.load_factor),
                fast_until: 0,
                rand,
            },
            buckets: Generation::nil(0),
            oldbuckets: Generation::nil(0),
            retired: Vec::new(),
            spare_arena: None,
            next_gen_id: 2,
            t,
            kv88: super::layout::is_kv88(&t),
            knobs,
            hasher,
            probe: P::default(),
            key_objs: Default::default(),
            val_objs: Default::default(),
            iter_token: None,
        };
        if b != 0 {
            let g = m.make_bucket_array(b, false);
            m.buckets = g;
        } else if S::HEADER_BUCKET {
            // The compiler's stack/header bucket for small maps: zeroed with
            // the header, no allocation.
            let g = m.make_bucket_array(0, true);
            m.buckets = g;
        }
        m.refresh_fast_until();
        m
    }

    /// Allocates a zeroed generation of `2^b` buckets plus the preallocated
    /// overflow tail (`makeBucketArray` with `dirtyalloc == nil`).
    pub(crate) fn make_bucket_array(&mut self, b: u8, header_ok: bool) -> Generation<S> {
        let bb = self.t.bucket_size as u64;
        let total = buckets_allocated(b, bb, self.knobs.overflow_prealloc);
        let array = S::new_array(total * self.t.bucket_size / 8, header_ok && b == 0);
        self.probe.bytes(CopyPath::ZeroFill, total as u64 * bb);
        if super::storage::ArrayStore::on_heap(&array) {
            self.probe
                .event(Event::Alloc(roundupsize(total as u64 * bb)));
        }
        let id = self.next_gen_id;
        self.next_gen_id += 1;
        let mut g = Generation {
            id,
            b,
            array,
            total,
            next_overflow: NO_NEXT_OVERFLOW,
            arena: self.spare_arena.take().unwrap_or_default(),
            overflow_list: Vec::new(),
        };
        self.init_overflow_tail(&mut g);
        g
    }

    /// Marks the preallocated tail: `nextOverflow` at its start, and a
    /// non-nil sentinel link (to bucket 0, as Go does) in its last bucket.
    pub(crate) fn init_overflow_tail(&mut self, g: &mut Generation<S>) {
        let base = 1usize << g.b;
        if g.total != base {
            g.next_overflow = base;
            let b = g.bucket_mut(array_ref(g.total - 1), self.t.bucket_size);
            crate::mem::store64(b, self.t.overflow_off, array_ref(0));
            self.probe.bytes(CopyPath::ZeroFill, S::LINK_BYTES);
        } else {
            g.next_overflow = NO_NEXT_OVERFLOW;
        }
    }

    /// Gives up a generation: kept for iterators that may walk it, else
    /// dropped (its arena memory kept for reuse when the design allows).
    pub(crate) fn release_generation(&mut self, g: Generation<S>) {
        if !g.has_array() {
            return;
        }
        if self.iterators_alive() {
            self.retired.push(g);
        } else {
            self.retired.clear();
            if let Some(a) = super::storage::Arena::recycle(g.arena) {
                self.spare_arena = Some(a);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_to_b_matches_go_1_19() {
        for (hint, b) in [
            (0, 0),
            (1, 0),
            (8, 0),
            (9, 1),
            (13, 1),
            (14, 2),
            (26, 2),
            (27, 3),
            (100, 4),
            (1000, 8),
            (6656, 10),
            (6657, 11),
            (1_000_000, 18),
        ] {
            assert_eq!(b_for_hint(hint, 6.5), b, "hint {hint}");
        }
    }

    #[test]
    fn huge_hints_end_and_are_set_to_zero_as_go_does() {
        // Was an endless loop: `1 << b` wrapped before any count exceeded the hint.
        assert_eq!(b_for_hint(usize::MAX, 6.5), 62);
        assert_eq!(b_for_hint(usize::MAX, 1.0), MAX_B);
        assert_eq!(b_for_hint(usize::MAX, 8.0), 61);
        // makemap: hint × bucket size over maxAlloc (2^48) → hint 0.
        assert_eq!(effective_hint(usize::MAX, 144), 0);
        assert_eq!(effective_hint(1 << 47, 144), 0);
        let largest = (MAX_ALLOC / 144) as usize;
        assert_eq!(effective_hint(largest, 144), largest);
        assert_eq!(effective_hint(largest + 1, 144), 0);
        assert_eq!(b_for_hint(largest, 6.5), 39);
        let m: GoMap = GoMap::with_config(
            crate::gotype::Shape::words(1),
            crate::gotype::Shape::words(1),
            super::super::Knobs::default(),
            usize::MAX,
            1,
            crate::hash::SeededHash,
        );
        assert_eq!(m.structure().b, 0);
    }

    #[test]
    fn growth_points() {
        // Doubling happens when count+1 exceeds 6.5 * 2^B (and 8).
        assert!(!over_load_factor(8, 0, 6.5));
        assert!(over_load_factor(9, 0, 6.5));
        assert!(!over_load_factor(13, 1, 6.5));
        assert!(over_load_factor(14, 1, 6.5));
        assert!(!over_load_factor(6656, 10, 6.5));
        assert!(over_load_factor(6657, 10, 6.5));
        // A different load factor moves the point.
        assert!(!over_load_factor(16, 1, 8.0));
        assert!(over_load_factor(17, 1, 8.0));
    }

    #[test]
    fn overflow_trigger_caps_at_b_15() {
        assert!(!too_many_overflow_buckets(15, 4));
        assert!(too_many_overflow_buckets(16, 4));
        assert!(too_many_overflow_buckets(32768, 20));
        assert!(!too_many_overflow_buckets(32767, 20));
    }

    #[test]
    fn preallocated_overflow_counts() {
        // map[uint64]uint64 buckets are 144 bytes.
        assert_eq!(buckets_allocated(3, 144, true), 8);
        // B=4: 17 buckets = 2448 bytes -> 2688-byte class -> 18 buckets.
        assert_eq!(buckets_allocated(4, 144, true), 18);
        assert_eq!(buckets_allocated(4, 144, false), 16);
        // B=8: 272 buckets = 39168 bytes -> 40960 (pages) -> 284 buckets.
        assert_eq!(buckets_allocated(8, 144, true), 284);
    }
}
