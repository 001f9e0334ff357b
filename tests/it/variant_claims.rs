//! Claims about the variants and knobs, measured (issue: variants and
//! tuning knobs). Each test also shows the figure can move, so it cannot
//! pass vacuously.

use mapamp::accounting::{Accounting, Counting};
use mapamp::alloc_count::{self, CountingAllocator};
use mapamp::gomap::{EvacuateBatch, GoHeap, InlineFirst, Knobs, Slab, Storage};
use mapamp::gotype::{id_of, Shape};
use mapamp::hash::SeededHash;
use mapamp::pod::{Blob, Pod};
use mapamp::variants::typed::TypedGo;
use mapamp::variants::{self, MapSpec, MapUnderStudy, Variant, Visit};
use mapamp::workload::{self, KeyDist};

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

/// Inserts `n` keys into a map built by the dispatcher; returns its accounting.
struct InsertN(usize, KeyDist);

impl Visit for InsertN {
    type Out = Accounting;
    fn visit<M: MapUnderStudy>(self, mut m: M) -> Accounting {
        workload::insert(&mut m, self.0, self.1, 7);
        assert_eq!(m.len(), self.0);
        m.accounting().unwrap()
    }
}

fn insert_n(
    variant: Variant,
    hint: usize,
    n: usize,
    ks: usize,
    vs: usize,
    keys: KeyDist,
) -> Accounting {
    let spec = MapSpec {
        variant,
        knobs: Knobs::default(),
        hint,
        seed: 3,
    };
    variants::build::<Counting, _>(
        &spec,
        Shape::words(ks / 8),
        Shape::words(vs / 8),
        InsertN(n, keys),
    )
    .unwrap()
}

#[test]
fn presized_go_maps_never_evacuate_on_insert_only_workloads() {
    for variant in [Variant::GoMap, Variant::GoMapSlab, Variant::GoMapInline] {
        for (ks, vs) in [(8, 8), (16, 256), (128, 128)] {
            for n in [1, 8, 9, 13, 14, 100, 1000, 6656, 6657, 50_000] {
                for keys in [KeyDist::Random, KeyDist::Sequential] {
                    let a = insert_n(variant, n, n, ks, vs, keys);
                    assert_eq!(
                        (
                            a.bytes_written.evacuate_double,
                            a.bytes_written.evacuate_same_size,
                            a.doubling_grows
                        ),
                        (0, 0, 0),
                        "{variant} k{ks}v{vs} n={n} {keys:?}"
                    );
                }
            }
        }
        // Without the hint the same workload does evacuate: the figure is live.
        let a = insert_n(variant, 0, 50_000, 8, 8, KeyDist::Random);
        assert!(a.bytes_written.evacuate_double > 0 && a.doubling_grows > 10);
    }
}

/// Builds a map and inserts `n` entries, all inside the measured closure.
fn heap_allocations_of<S: Storage>(n: u64) -> u64 {
    let (_, d) = alloc_count::measure(|| {
        let mut m: TypedGo<Blob<1>, Blob<1>, SeededHash, Counting, S> =
            TypedGo::with_config(Knobs::default(), 0, 1, SeededHash);
        for id in 0..n {
            m.insert(Blob::from_id(id), Blob::from_id(id));
        }
        m.len()
    });
    assert!(d.installed, "the counting allocator must be installed");
    d.allocations
}

#[test]
fn inline_first_bucket_makes_no_heap_allocation_up_to_8_entries() {
    for n in 0..=8 {
        assert_eq!(heap_allocations_of::<InlineFirst>(n), 0, "n = {n}");
    }
    // The 9th entry doubles the map: the inline variant allocates then.
    assert!(heap_allocations_of::<InlineFirst>(9) > 0);
    // Go's classic map allocates its first bucket at the first write.
    assert_eq!(heap_allocations_of::<GoHeap>(0), 0);
    assert_eq!(heap_allocations_of::<GoHeap>(1), 1);
    assert_eq!(heap_allocations_of::<GoHeap>(8), 1);
    // Also with large values stored inline (128 B) and through pointers (256 B: one object each).
    let (_, d) = alloc_count::measure(|| {
        let mut m: TypedGo<Blob<1>, Blob<16>, SeededHash, Counting, InlineFirst> =
            TypedGo::with_config(Knobs::default(), 0, 1, SeededHash);
        for id in 0..8 {
            m.insert(Blob::from_id(id), Blob::from_id(id));
        }
    });
    assert_eq!(d.allocations, 0);
}

/// Puts `n` keys into one bucket chain of a presized map (no growth), and
/// returns (fresh overflow buckets taken, heap allocations made while inserting).
fn colliding_overflow<S: Storage>(n: u64) -> (u64, u64) {
    let same_bucket = |w: &[u8], _: u64| (id_of(w) % 251 + 5) << 56; // low bits 0: bucket 0
                                                                     // Hint 2^14 gives B = 12: 4096 buckets, 284 preallocated overflow buckets,
                                                                     // and room for 4096 overflow buckets before same-size growth would start.
    let mut m: TypedGo<Blob<1>, Blob<1>, _, Counting, S> =
        TypedGo::with_config(Knobs::default(), 1 << 14, 1, same_bucket);
    let (_, d) = alloc_count::measure(|| {
        for id in 0..n {
            m.insert(Blob::from_id(id), Blob::from_id(id));
        }
    });
    assert!(d.installed);
    let a = m.probe().0.clone();
    assert_eq!(
        (a.doubling_grows, a.same_size_grows),
        (0, 0),
        "presized: no growth"
    );
    assert_eq!(
        a.overflow_prealloc_taken + a.overflow_fresh_taken,
        n / 8 - 1
    );
    (a.overflow_fresh_taken, d.allocations)
}

#[test]
fn slab_takes_overflow_buckets_without_per_bucket_allocations() {
    let n = 8 * 600; // one chain of 600 buckets
    let (go_fresh, go_allocs) = colliding_overflow::<GoHeap>(n);
    let (slab_fresh, slab_allocs) = colliding_overflow::<Slab>(n);
    assert_eq!(go_fresh, slab_fresh);
    assert!(
        go_fresh > 300,
        "most of the chain is beyond the preallocated tail: {go_fresh}"
    );
    // gomap: one allocation per fresh overflow bucket (plus its bookkeeping list).
    assert!(
        go_allocs >= go_fresh,
        "gomap: {go_allocs} allocations for {go_fresh} buckets"
    );
    // Slab: only when the slab doubles, logarithmically many.
    let log2 = 64 - go_fresh.leading_zeros() as u64;
    assert!(
        slab_allocs <= log2 + 1,
        "slab: {slab_allocs} allocations for {slab_fresh} buckets (doublings only)"
    );
}

/// An insert-only run: (total accounting, most entries evacuated by one
/// write, most evacuation bytes written by one write).
fn per_write(batch: EvacuateBatch, n: u64) -> (Accounting, u64, u64) {
    let knobs = Knobs {
        evacuate_batch: batch,
        ..Knobs::default()
    };
    let mut m: TypedGo<Blob<1>, Blob<1>, SeededHash, Counting> =
        TypedGo::with_config(knobs, 0, 9, SeededHash);
    let (mut max_entries, mut max_bytes) = (0, 0);
    let mut ids = workload::KeySource::new(KeyDist::Random, 4);
    for _ in 0..n {
        let before = m.probe().0.clone();
        let id = ids.fresh();
        m.insert(Blob::from_id(id), Blob::from_id(id));
        let d = m.probe().0.since(&before);
        max_entries = max_entries.max(d.entries_evacuated);
        max_bytes = max_bytes.max(d.bytes_written.evacuate_double);
    }
    (m.probe().0.clone(), max_entries, max_bytes)
}

#[test]
fn stop_the_world_growth_moves_the_same_bytes_in_one_write() {
    let n = 200_000;
    let (inc, inc_entries, inc_bytes) = per_write(EvacuateBatch::Extra(1), n);
    let (stw, stw_entries, stw_bytes) = per_write(EvacuateBatch::All, n);
    // Same bytes in total, on the slot copies and on zeroing...
    assert_eq!(inc.bytes_written.total(), stw.bytes_written.total());
    assert_eq!(inc.bytes_written.assign, stw.bytes_written.assign);
    assert_eq!(inc.bytes_written.zero_fill, stw.bytes_written.zero_fill);
    // ...and on evacuation plus overflow together: an overflow bucket of
    // the new array is charged to whichever path takes it first, an
    // evacuation (stop-the-world does all of them before later inserts)
    // or an insert (incremental interleaves them).
    let (b, a) = (&inc.bytes_written, &stw.bytes_written);
    assert_eq!(
        b.evacuate_double + b.overflow,
        a.evacuate_double + a.overflow
    );
    assert_eq!(inc.entries_evacuated, stw.entries_evacuated);
    assert_eq!(inc.doubling_grows, stw.doubling_grows);
    // ...but stop-the-world puts a whole growth's evacuation into one write,
    // while Go's incremental growth moves two old buckets (and their
    // chains) per write.
    assert!(
        stw_entries > 1000 * inc_entries,
        "most entries evacuated by one write: stop-the-world {stw_entries}, incremental {inc_entries}"
    );
    assert!(
        inc_entries <= 2 * 8 * 4,
        "incremental: two old buckets and their chains per write: {inc_entries} entries"
    );
    assert!(
        stw_bytes > 500 * inc_bytes,
        "evacuation bytes of one write: stop-the-world {stw_bytes} B, incremental {inc_bytes} B"
    );
}
