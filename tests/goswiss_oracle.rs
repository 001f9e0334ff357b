//! Property tests of the Go Swiss-map model (`goswiss`, both releases)
//! against `std::collections::HashMap`: insert/update/get/delete/iterate/
//! clear sequences for inline and indirect keys and elems, colliding
//! hashes, hints, and iteration interleaved with writes that make the map
//! grow (small map to table, doublings, splits, directory doublings).

mod common;

use common::{ops, run_against_oracle, run_iteration};
use mapamp::accounting::{Counting, Off};
use mapamp::goswiss::{GoHash, GoSwiss, Release};
use mapamp::pod::{Blob, Pod};
use proptest::prelude::*;

fn release() -> impl Strategy<Value = Release> {
    prop_oneof![Just(Release::Go126), Just(Release::Go124)]
}

/// A hash with few distinct H1/H2 values: long probe sequences, many
/// tombstones, directory bits still spread so tables split.
fn colliding(spread: u64) -> impl Fn(&[u64], u64) -> u64 + Clone {
    move |k: &[u64], _seed: u64| {
        let mut s = k[0];
        let h = mapamp::rng::splitmix64(&mut s);
        (h & 0xFFF0_0000_0000_0000) | ((k[0] % spread) << 7) | (k[0] % 3)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn k8v8_matches_oracle(ops in ops(1500, 3000), seed in any::<u64>(), rel in release()) {
        let mut m: GoSwiss<Blob<1>, Blob<1>, GoHash, Counting> = GoSwiss::with_config(rel, 0, seed, GoHash);
        run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
    }

    #[test]
    fn wide_inline_keys_match_oracle(ops in ops(300, 800), seed in any::<u64>(), rel in release()) {
        let mut m: GoSwiss<Blob<2>, Blob<8>, GoHash, Off> = GoSwiss::with_config(rel, 0, seed, GoHash);
        run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
    }

    #[test]
    fn indirect_keys_and_elems_match_oracle(ops in ops(300, 800), seed in any::<u64>(), rel in release()) {
        let mut m: GoSwiss<Blob<32>, Blob<32>, GoHash, Counting> = GoSwiss::with_config(rel, 0, seed, GoHash);
        prop_assert!(m.map_type().indirect_key && m.map_type().indirect_elem);
        run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
        m.clear();
        prop_assert_eq!(m.indirect_objects_live(), 0);
    }

    #[test]
    fn colliding_hashes_match_oracle(ops in ops(1500, 3000), seed in any::<u64>(), spread in 1u64..40, rel in release()) {
        let mut m: GoSwiss<Blob<1>, Blob<1>, _, Counting> = GoSwiss::with_config(rel, 0, seed, colliding(spread));
        run_against_oracle(&mut m, &ops, |m| m.check_invariants())?;
    }

    #[test]
    fn hinted_maps_match_oracle(ops in ops(1500, 2000), seed in any::<u64>(), hint in 0usize..5000, rel in release()) {
        let mut m: GoSwiss<Blob<1>, Blob<2>, GoHash, Counting> = GoSwiss::with_config(rel, hint, seed, GoHash);
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
        if collide {
            let mut m: GoSwiss<Blob<1>, Blob<1>, _, Off> = GoSwiss::with_config(Release::Go126, 0, seed, colliding(7));
            run_iteration(&mut m, initial, &steps)?;
        } else {
            let mut m: GoSwiss<Blob<1>, Blob<1>, GoHash, Off> = GoSwiss::with_config(Release::Go124, 0, seed, GoHash);
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
        let mut m: GoSwiss<Blob<32>, Blob<1>, GoHash, Off> = GoSwiss::with_config(Release::Go126, 0, seed, GoHash);
        run_iteration(&mut m, initial, &steps)?;
    }
}

#[test]
fn iteration_order_is_randomised_per_iterator() {
    let mut m: GoSwiss<Blob<1>, Blob<1>> = GoSwiss::new(1);
    for i in 0..5000 {
        m.insert(Blob::from_id(i), Blob::from_id(i));
    }
    let order = |m: &mut GoSwiss<Blob<1>, Blob<1>>| {
        let mut v = Vec::new();
        m.for_each(&mut |k, _| v.push(k.id()));
        v
    };
    let (a, b) = (order(&mut m), order(&mut m));
    assert_eq!(a.len(), 5000);
    assert_ne!(a, b, "two iterations start at different tables and slots");
}
