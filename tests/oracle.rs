//! Property tests: every map under study against `std::collections::HashMap`,
//! over random insert/update/get/delete/iterate/clear sequences.
//!
//! The Go-family variants (`gomap`, `gomap-slab`, `gomap-inline`) share one
//! set of tests, instantiated per storage policy: several key/value sizes
//! (inline and indirect), a colliding hasher, every evacuation batch, hints,
//! load factors, and iteration interleaved with writes during growth. The
//! Swiss tables and the runtime dispatcher ([`variants::build`]) get the
//! operation-sequence test for every variant and several sizes.

mod common;

use common::{colliding, ops, run_against_oracle, Op};
use mapamp::accounting::{Counting, Off};
use mapamp::gomap::{EvacuateBatch, GoHeap, GoMap, InlineFirst, Knobs, Slab};
use mapamp::gotype::Shape;
use mapamp::hash::SeededHash;
use mapamp::pod::{Blob, Pod};
use mapamp::variants::typed::TypedGo;
use mapamp::variants::{self, MapSpec, MapUnderStudy, Variant, Visit};
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};

fn knobs(batch: EvacuateBatch) -> Knobs {
    Knobs {
        evacuate_batch: batch,
        ..Knobs::default()
    }
}

/// The Go-family property tests for one storage policy (one type per
/// key/value pair, as `InlineFirst` once was generic over them).
macro_rules! go_family_tests {
    ($modname:ident, $s1:ty, $s2:ty, $s3:ty, $s4:ty, $s5:ty, $s6:ty) => {
        mod $modname {
            use super::*;
            proptest! {
                #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

                #[test]
                fn k8v8_matches_oracle(ops in ops(400, 1500), seed in any::<u64>()) {
                    let mut m: TypedGo<Blob<1>, Blob<1>, SeededHash, Counting, $s1> =
                        TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
                    run_against_oracle(&mut m.map, &ops, |m| m.check_invariants())?;
                }

                #[test]
                fn wide_inline_keys_match_oracle(ops in ops(300, 800), seed in any::<u64>()) {
                    let mut m: TypedGo<Blob<2>, Blob<8>, SeededHash, Off, $s2> = TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
                    run_against_oracle(&mut m.map, &ops, |m| m.check_invariants())?;
                }

                #[test]
                fn indirect_keys_and_values_match_oracle(ops in ops(200, 600), seed in any::<u64>()) {
                    // 256-byte keys and values are stored through pointers.
                    let mut m: TypedGo<Blob<32>, Blob<32>, SeededHash, Counting, $s3> =
                        TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
                    prop_assert!(m.map_type().indirect_key && m.map_type().indirect_elem);
                    run_against_oracle(&mut m.map, &ops, |m| m.check_invariants())?;
                }

                #[test]
                fn low_inline_limit_matches_oracle(ops in ops(200, 600), seed in any::<u64>()) {
                    let k = Knobs { inline_limit: 8, ..Knobs::default() };
                    let mut m: TypedGo<Blob<1>, Blob<4>, SeededHash, Off, $s4> = TypedGo::with_config(k, 0, seed, SeededHash);
                    prop_assert!(m.map_type().indirect_elem && !m.map_type().indirect_key);
                    run_against_oracle(&mut m.map, &ops, |m| m.check_invariants())?;
                }

                #[test]
                fn colliding_hasher_matches_oracle(ops in ops(300, 1500), seed in any::<u64>(), spread in 1u64..6) {
                    // Few buckets and few tophashes: long chains, same-size growth on churn.
                    let mut m: TypedGo<Blob<1>, Blob<1>, _, Counting, $s1> =
                        TypedGo::with_config(Knobs::default(), 0, seed, colliding(spread));
                    run_against_oracle(&mut m.map, &ops, |m| m.check_invariants())?;
                }

                #[test]
                fn every_evacuation_batch_matches_oracle(
                    ops in ops(500, 1200),
                    seed in any::<u64>(),
                    batch in prop_oneof![Just(EvacuateBatch::Extra(0)), Just(EvacuateBatch::Extra(3)), Just(EvacuateBatch::All)],
                ) {
                    let mut m: TypedGo<Blob<1>, Blob<2>, SeededHash, Off, $s5> =
                        TypedGo::with_config(knobs(batch), 0, seed, SeededHash);
                    run_against_oracle(&mut m.map, &ops, |m| m.check_invariants())?;
                }

                #[test]
                fn hinted_maps_and_other_load_factors_match_oracle(
                    ops in ops(400, 1000),
                    seed in any::<u64>(),
                    hint in 0usize..600,
                    lf in prop_oneof![Just(4.0), Just(6.5), Just(8.0)],
                    prealloc in any::<bool>(),
                ) {
                    let k = Knobs { load_factor: lf, overflow_prealloc: prealloc, ..Knobs::default() };
                    let mut m: TypedGo<Blob<1>, Blob<1>, SeededHash, Off, $s1> = TypedGo::with_config(k, hint, seed, SeededHash);
                    run_against_oracle(&mut m.map, &ops, |m| m.check_invariants())?;
                }

                /// Iteration interleaved with inserts and deletes that make the map grow
                /// (doubling and, with the colliding hasher, same-size): every key
                /// present for the whole iteration comes back exactly once, none twice,
                /// and every returned value is the key's current value.
                #[test]
                fn iteration_during_growth_is_exact(
                    initial in 0u64..300,
                    steps in proptest::collection::vec((0u8..4, 0u64..1000, any::<u64>()), 0..400),
                    seed in any::<u64>(),
                    collide in any::<bool>(),
                ) {
                    if collide {
                        let m: TypedGo<Blob<1>, Blob<1>, _, Off, $s1> = TypedGo::with_config(Knobs::default(), 0, seed, colliding(3));
                        let mut m = m;
                        run_iteration(&mut m, initial, &steps)?;
                    } else {
                        let mut m: TypedGo<Blob<1>, Blob<1>, SeededHash, Off, $s1> = TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
                        run_iteration(&mut m, initial, &steps)?;
                    }
                }

                /// The same with indirect keys, whose objects deleted mid-iteration must
                /// stay readable from evacuated slots.
                #[test]
                fn iteration_during_growth_with_indirect_keys(
                    initial in 0u64..200,
                    steps in proptest::collection::vec((0u8..4, 0u64..600, any::<u64>()), 0..300),
                    seed in any::<u64>(),
                ) {
                    let mut m: TypedGo<Blob<32>, Blob<1>, SeededHash, Off, $s6> = TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
                    run_iteration(&mut m, initial, &steps)?;
                }
            }
        }
    };
}

go_family_tests!(gomap, GoHeap, GoHeap, GoHeap, GoHeap, GoHeap, GoHeap);
go_family_tests!(gomap_slab, Slab, Slab, Slab, Slab, Slab, Slab);
go_family_tests!(
    gomap_inline,
    InlineFirst,
    InlineFirst,
    InlineFirst,
    InlineFirst,
    InlineFirst,
    InlineFirst
);

fn run_iteration<KK: Pod, H: mapamp::hash::KeyHasher, S: mapamp::gomap::Storage>(
    m: &mut TypedGo<KK, Blob<1>, H, Off, S>,
    initial: u64,
    steps: &[(u8, u64, u64)],
) -> Result<(), TestCaseError> {
    let mut oracle: HashMap<KK, Blob<1>> = HashMap::new();
    for id in 0..initial {
        let (k, v) = (KK::from_id(id), Blob::<1>::from_id(id));
        m.insert(k, v);
        oracle.insert(k, v);
    }
    let at_start: HashSet<KK> = oracle.keys().copied().collect();
    let mut removed: HashSet<KK> = HashSet::new();
    let mut returned: HashSet<KK> = HashSet::new();
    let mut it = m.iter_start();
    let mut step = 0;
    loop {
        // Interleave: one write (if any left), then one iterator step.
        if let Some(&(kind, id, val)) = steps.get(step) {
            let k = KK::from_id(1000 + id);
            let k_old = KK::from_id(id % initial.max(1));
            match kind {
                0 | 1 => {
                    m.insert(k, Blob::<1>::from_id(val));
                    oracle.insert(k, Blob::<1>::from_id(val));
                }
                2 => {
                    if m.remove(&k_old) {
                        removed.insert(k_old);
                    }
                    oracle.remove(&k_old);
                }
                _ => {
                    // Update a key that was present at start.
                    if oracle.contains_key(&k_old) {
                        m.insert(k_old, Blob::<1>::from_id(val));
                        oracle.insert(k_old, Blob::<1>::from_id(val));
                    }
                }
            }
            m.check_invariants().map_err(TestCaseError::fail)?;
            step += 1;
        }
        match m.iter_next_typed(&mut it) {
            Some((k, v)) => {
                prop_assert!(returned.insert(k), "key {:?} returned twice", k);
                prop_assert_eq!(
                    Some(&v),
                    oracle.get(&k),
                    "stale or absent value for {:?}",
                    k
                );
            }
            None => {
                if step >= steps.len() {
                    break;
                }
                // Iterator finished early: keep writing, then stop.
                if steps.get(step).is_none() {
                    break;
                }
                step = steps.len();
            }
        }
    }
    for k in at_start.difference(&removed) {
        prop_assert!(
            returned.contains(k),
            "key {:?} present throughout was never returned",
            k
        );
    }
    Ok(())
}

#[test]
fn iteration_order_is_randomised_per_iterator() {
    let mut m: TypedGo<Blob<1>, Blob<1>> = TypedGo::with_config(Knobs::default(), 0, 5, SeededHash);
    for id in 0..100 {
        m.insert(Blob::from_id(id), Blob::from_id(id));
    }
    let a: Vec<_> = m.iter().map(|(k, _)| k).collect();
    let orders: HashSet<Vec<Blob<1>>> =
        (0..8).map(|_| m.iter().map(|(k, _)| k).collect()).collect();
    assert_eq!(a.len(), 100);
    assert!(
        orders.len() > 1,
        "iteration order should vary between iterators"
    );
}

#[test]
fn indirect_objects_are_freed_on_delete_and_clear() {
    let mut m: TypedGo<Blob<32>, Blob<32>> =
        TypedGo::with_config(Knobs::default(), 0, 1, SeededHash);
    for id in 0..500 {
        m.insert(Blob::from_id(id), Blob::from_id(id));
    }
    assert_eq!(m.indirect_objects_live(), 1000);
    for id in 0..250 {
        assert!(m.remove(&Blob::from_id(id)));
    }
    assert_eq!(m.indirect_objects_live(), 500);
    m.clear();
    assert_eq!(m.indirect_objects_live(), 0);
    assert!(m.is_empty());
}

/// Runs an operation sequence against whatever map the dispatcher builds.
struct OracleVisit<'a>(&'a [Op]);

impl Visit for OracleVisit<'_> {
    type Out = Result<(), TestCaseError>;
    fn visit<M: MapUnderStudy>(self, mut map: M) -> Self::Out {
        run_against_oracle(&mut map, self.0, |m| m.check_invariants())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every variant, built through the runtime dispatcher, for several
    /// key/value sizes (including indirect ones for the Go family).
    #[test]
    fn every_variant_matches_oracle(
        ops in ops(300, 800),
        seed in any::<u64>(),
        variant in proptest::sample::select(Variant::ALL.to_vec()),
        sizes in proptest::sample::select(vec![(8usize, 8usize), (16, 64), (8, 256), (256, 16)]),
        hint in prop_oneof![Just(0usize), 0usize..500],
    ) {
        let spec = MapSpec { variant, knobs: Knobs::default(), hint, seed };
        variants::build::<Counting, _>(&spec, Shape::words(sizes.0 / 8), Shape::words(sizes.1 / 8), OracleVisit(&ops)).unwrap()?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The classic model is byte-addressed and driven by its map type: keys
    /// and values of any Go shape (`struct{}`, `bool`, `int16`, `[3]byte`,
    /// `int32`, `int64`, `[2]uint64`, and over 128 bytes, stored through
    /// pointers) behave as a `HashMap` of their bytes, in every storage
    /// policy. (Keys shorter than 8 bytes keep an id's low bytes, so ids
    /// collide on purpose: updates of equal keys are exercised too.)
    #[test]
    fn any_go_shape_matches_oracle(
        ops in ops(300, 800),
        seed in any::<u64>(),
        key in proptest::sample::select(vec![
            Shape::EMPTY, Shape::scalar(1), Shape::scalar(2), Shape::bytes(3),
            Shape::scalar(4), Shape::scalar(8), Shape::words(2), Shape::bytes(200),
        ]),
        elem in proptest::sample::select(vec![
            Shape::EMPTY, Shape::scalar(1), Shape::scalar(4), Shape::words(2), Shape::bytes(130),
        ]),
        storage in 0u8..3,
    ) {
        let (k, h) = (Knobs::default(), SeededHash);
        match storage {
            0 => {
                let mut m = GoMap::<SeededHash, Counting, GoHeap>::with_config(key, elem, k, 0, seed, h);
                run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
            }
            1 => {
                let mut m = GoMap::<SeededHash, Off, Slab>::with_config(key, elem, k, 0, seed, h);
                run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
            }
            _ => {
                let mut m = GoMap::<SeededHash, Counting, InlineFirst>::with_config(key, elem, k, 0, seed, h);
                run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
            }
        }
    }
}
