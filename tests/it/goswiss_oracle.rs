//! Property tests of the Go Swiss-map model (`goswiss`, both releases)
//! against `std::collections::HashMap`: insert/update/get/delete/iterate/
//! clear sequences for inline and indirect keys and elems, colliding
//! hashes, hints, and iteration interleaved with writes that make the map
//! grow (small map to table, doublings, splits, directory doublings).

use crate::common;

use common::{ops, run_against_oracle, run_iteration};
use mapamp::accounting::{Counting, Off, Probe};
use mapamp::goswiss::{GoHash, GoSwiss, Release};
use mapamp::gotype::Shape;
use mapamp::hash::KeyHasher;
use proptest::prelude::*;

fn release() -> impl Strategy<Value = Release> {
    prop_oneof![Just(Release::Go126), Just(Release::Go124)]
}

/// A hash with few distinct H1/H2 values: long probe sequences, many
/// tombstones, directory bits still spread so tables split.
fn colliding(spread: u64) -> impl Fn(&[u8], u64) -> u64 + Clone {
    move |k: &[u8], _seed: u64| {
        let id = mapamp::gotype::id_of(k);
        let mut s = id;
        let h = mapamp::rng::splitmix64(&mut s);
        (h & 0xFFF0_0000_0000_0000) | ((id % spread) << 7) | (id % 3)
    }
}

fn map<H: KeyHasher, P: Probe>(
    key: Shape,
    elem: Shape,
    rel: Release,
    hint: usize,
    seed: u64,
    h: H,
) -> GoSwiss<H, P> {
    GoSwiss::with_config(key, elem, rel, hint, seed, h)
}

/// Key and elem shapes of every kind the layout distinguishes: 8-byte
/// words (the fast route and its constant geometry), wide inline keys,
/// indirect keys and elems, and byte-granular ones (`int32`, `bool`,
/// `int16`, `[3]byte`, `struct{}`) with their padding.
fn shapes() -> impl Strategy<Value = (Shape, Shape)> {
    prop_oneof![
        Just((Shape::words(1), Shape::words(1))),
        Just((Shape::words(2), Shape::words(8))),
        Just((Shape::words(32), Shape::words(32))),
        Just((Shape::words(1), Shape::words(32))),
        Just((Shape::scalar(4), Shape::scalar(1))),
        Just((Shape::scalar(2), Shape::bytes(3))),
        Just((Shape::words(1), Shape::EMPTY)),
        Just((Shape::scalar(4), Shape::words(2))),
        Just((Shape::bytes(200), Shape::scalar(4))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn k8v8_matches_oracle(ops in ops(1500, 3000), seed in any::<u64>(), rel in release()) {
        let w = Shape::words(1);
        let mut m = map::<_, Counting>(w, w, rel, 0, seed, GoHash);
        run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
    }

    #[test]
    fn every_shape_matches_oracle(ops in ops(600, 1500), seed in any::<u64>(), rel in release(), (k, e) in shapes()) {
        let mut m = map::<_, Off>(k, e, rel, 0, seed, GoHash);
        run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
    }

    #[test]
    fn indirect_keys_and_elems_match_oracle(ops in ops(300, 800), seed in any::<u64>(), rel in release()) {
        let big = Shape::words(32);
        let mut m = map::<_, Counting>(big, big, rel, 0, seed, GoHash);
        prop_assert!(m.map_type().indirect_key && m.map_type().indirect_elem);
        run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
        m.clear();
        prop_assert_eq!(m.indirect_objects_live(), 0);
    }

    #[test]
    fn colliding_hashes_match_oracle(ops in ops(1500, 3000), seed in any::<u64>(), spread in 1u64..40, rel in release()) {
        let w = Shape::words(1);
        let mut m = map::<_, Counting>(w, w, rel, 0, seed, colliding(spread));
        run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
    }

    #[test]
    fn hinted_maps_match_oracle(ops in ops(1500, 2000), seed in any::<u64>(), hint in 0usize..5000, rel in release()) {
        let mut m = map::<_, Counting>(Shape::words(1), Shape::words(2), rel, hint, seed, GoHash);
        run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
    }

    /// Iteration interleaved with inserts, updates and deletes that make
    /// the map grow: every key present for the whole iteration comes back
    /// exactly once, none twice, with its current value.
    #[test]
    fn iteration_during_growth_is_exact(
        initial in 0u64..1200,
        steps in proptest::collection::vec((0u8..4, 0u64..3000, any::<u64>()), 0..2500),
        seed in any::<u64>(),
        collide in any::<bool>(),
    ) {
        let w = Shape::words(1);
        if collide {
            let mut m = map::<_, Off>(w, w, Release::Go126, 0, seed, colliding(7));
            run_iteration(&mut m, initial, &steps)?;
        } else {
            let mut m = map::<_, Off>(w, w, Release::Go124, 0, seed, GoHash);
            run_iteration(&mut m, initial, &steps)?;
        }
    }

    /// The same with indirect keys: objects deleted mid-iteration stay
    /// readable from replaced tables.
    #[test]
    fn iteration_during_growth_with_indirect_keys(
        initial in 0u64..300,
        steps in proptest::collection::vec((0u8..4, 0u64..1000, any::<u64>()), 0..600),
        seed in any::<u64>(),
    ) {
        let mut m = map::<_, Off>(Shape::words(32), Shape::words(1), Release::Go126, 0, seed, GoHash);
        run_iteration(&mut m, initial, &steps)?;
    }
}

#[test]
fn iteration_order_is_randomised_per_iterator() {
    let w = Shape::words(1);
    let mut m = GoSwiss::new(w, w, 1);
    for i in 0..5000u64 {
        m.insert(&i.to_le_bytes(), &i.to_le_bytes());
    }
    let order = |m: &mut GoSwiss| {
        let mut v = Vec::new();
        m.for_each(&mut |k, _| v.push(mapamp::gotype::id_of(k)));
        v
    };
    let (a, b) = (order(&mut m), order(&mut m));
    assert_eq!(a.len(), 5000);
    assert_ne!(a, b, "two iterations start at different tables and slots");
}
