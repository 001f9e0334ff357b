//! Property tests: every map under study against `std::collections::HashMap`,
//! over random insert/update/get/delete/iterate/clear sequences.
//!
//! The Go-family variants (`gomap`, `gomap-slab`, `gomap-inline`) share one
//! set of tests, instantiated per storage policy: several key/value sizes
//! (inline and indirect), a colliding hasher, every evacuation batch, hints,
//! load factors, and iteration interleaved with writes during growth. The
//! Swiss tables and the runtime dispatcher ([`variants::build`]) get the
//! operation-sequence test for every variant and several sizes.

use crate::common;

use common::{colliding, ops, run_against_oracle, run_iteration, Op};
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
                #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

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
                        run_iteration(&mut m.map, initial, &steps)?;
                    } else {
                        let mut m: TypedGo<Blob<1>, Blob<1>, SeededHash, Off, $s1> = TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
                        run_iteration(&mut m.map, initial, &steps)?;
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
                    run_iteration(&mut m.map, initial, &steps)?;
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
    #![proptest_config(ProptestConfig { cases: 72, ..ProptestConfig::default() })]

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
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

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

/// [`OracleVisit`] that also checks the map never holds more keys than
/// its key type has values: a `struct{}` key makes a map of at most one
/// key, a 1-byte key at most 256 (the generator's ids collide on purpose
/// in keys shorter than 8 bytes, so those maps see mostly updates).
struct BoundedOracleVisit<'a>(&'a [Op]);

impl Visit for BoundedOracleVisit<'_> {
    type Out = Result<(), TestCaseError>;
    fn visit<M: MapUnderStudy>(self, mut map: M) -> Self::Out {
        let bits = 8 * map.key_shape().size.min(7) as u32;
        let most = 1usize << bits;
        run_against_oracle(&mut map, self.0, |m| {
            if m.len() > most {
                return Err(format!(
                    "{} keys in a map whose key type has {most} values",
                    m.len()
                ));
            }
            m.check_invariants()
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Every model variant — the classic ones and the Swiss model of each Go
    /// release (1.24, 1.26, 1.27, 1.27 + mapsplitgroup) — through the
    /// runtime dispatcher, at 0-, 1-, 4- and 16-byte keys and values, with
    /// and without a hint. (hashbrown and std are Rust's own typed tables,
    /// built for keys and values of whole 64-bit words only: they are
    /// tested at 16 bytes and more by `every_variant_matches_oracle`.)
    #[test]
    fn every_model_variant_matches_oracle_at_0_1_4_16_bytes(
        ops in ops(300, 800),
        seed in any::<u64>(),
        variant in proptest::sample::select(
            Variant::ALL.iter().copied().filter(|v| v.is_go_family() || v.is_go_swiss()).collect::<Vec<_>>()
        ),
        key in proptest::sample::select(vec![Shape::EMPTY, Shape::scalar(1), Shape::scalar(4), Shape::words(2)]),
        elem in proptest::sample::select(vec![Shape::EMPTY, Shape::scalar(1), Shape::scalar(4), Shape::words(2)]),
        hint in prop_oneof![Just(0usize), 0usize..300],
    ) {
        let spec = MapSpec { variant, knobs: Knobs::default(), hint, seed };
        variants::build::<Counting, _>(&spec, key, elem, BoundedOracleVisit(&ops)).unwrap()?;
    }
}

/// One saved case of `oracle.proptest-regressions`: its parameters as
/// proptest printed them after shrinking (`ops = [...]`, `seed = 3`, ...).
#[derive(Debug, Default)]
struct SavedCase {
    ops: Option<Vec<Op>>,
    initial: Option<u64>,
    steps: Option<Vec<(u8, u64, u64)>>,
    scalars: HashMap<String, String>,
}

/// Splits `text` at the commas outside brackets and parentheses.
fn split_top(text: &str) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0i32, 0, Vec::new());
    for (i, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

fn numbers(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

fn parse_case(text: &str) -> SavedCase {
    let mut case = SavedCase::default();
    for part in split_top(text) {
        let (name, value) = part.split_once(" = ").expect("name = value");
        let list = || value.trim_start_matches('[').trim_end_matches(']');
        match name {
            "ops" => {
                let ops = split_top(list())
                    .into_iter()
                    .map(|op| {
                        let n = numbers(op);
                        match op.split('(').next().unwrap() {
                            "Insert" => Op::Insert(n[0], n[1]),
                            "Get" => Op::Get(n[0]),
                            "Remove" => Op::Remove(n[0]),
                            "Clear" => Op::Clear,
                            "IterAll" => Op::IterAll,
                            other => panic!("unknown operation {other}"),
                        }
                    })
                    .collect();
                case.ops = Some(ops);
            }
            "steps" => {
                let steps = split_top(list())
                    .into_iter()
                    .map(|t| {
                        let n = numbers(t);
                        (n[0] as u8, n[1], n[2])
                    })
                    .collect();
                case.steps = Some(steps);
            }
            "initial" => case.initial = Some(value.parse().unwrap()),
            _ => {
                case.scalars.insert(name.to_string(), value.to_string());
            }
        }
    }
    case
}

/// Replays a saved case on one storage policy, with the map the test that
/// saved it built (told apart by its parameters).
fn replay<S1, S2, S3, S4, S5, S6>(case: &SavedCase) -> Result<(), TestCaseError>
where
    S1: mapamp::gomap::Storage,
    S2: mapamp::gomap::Storage,
    S3: mapamp::gomap::Storage,
    S4: mapamp::gomap::Storage,
    S5: mapamp::gomap::Storage,
    S6: mapamp::gomap::Storage,
{
    let seed: u64 = case.scalars["seed"].parse().unwrap();
    let get = |k: &str| case.scalars.get(k).map(String::as_str);
    if let (Some(initial), Some(steps)) = (case.initial, &case.steps) {
        return match get("collide") {
            Some("true") => {
                let mut m: TypedGo<Blob<1>, Blob<1>, _, Off, S1> =
                    TypedGo::with_config(Knobs::default(), 0, seed, colliding(3));
                run_iteration(&mut m.map, initial, steps)
            }
            Some(_) => {
                let mut m: TypedGo<Blob<1>, Blob<1>, SeededHash, Off, S1> =
                    TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
                run_iteration(&mut m.map, initial, steps)
            }
            None => {
                let mut m: TypedGo<Blob<32>, Blob<1>, SeededHash, Off, S6> =
                    TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
                run_iteration(&mut m.map, initial, steps)
            }
        };
    }
    let ops = case.ops.as_ref().expect("ops or steps");
    if let Some(batch) = get("batch") {
        let batch = match batch {
            "All" => EvacuateBatch::All,
            b => EvacuateBatch::Extra(numbers(b)[0] as u32),
        };
        let mut m: TypedGo<Blob<1>, Blob<2>, SeededHash, Off, S5> =
            TypedGo::with_config(knobs(batch), 0, seed, SeededHash);
        return run_against_oracle(&mut m.map, ops, |m| m.check_invariants());
    }
    if let Some(spread) = get("spread") {
        let mut m: TypedGo<Blob<1>, Blob<1>, _, Counting, S1> = TypedGo::with_config(
            Knobs::default(),
            0,
            seed,
            colliding(spread.parse().unwrap()),
        );
        return run_against_oracle(&mut m.map, ops, |m| m.check_invariants());
    }
    if let Some(hint) = get("hint") {
        let k = Knobs {
            load_factor: get("lf").unwrap().parse().unwrap(),
            overflow_prealloc: get("prealloc") == Some("true"),
            ..Knobs::default()
        };
        let mut m: TypedGo<Blob<1>, Blob<1>, SeededHash, Off, S1> =
            TypedGo::with_config(k, hint.parse().unwrap(), seed, SeededHash);
        return run_against_oracle(&mut m.map, ops, |m| m.check_invariants());
    }
    // `ops` and `seed` only: any of the four size tests saved it.
    let mut a: TypedGo<Blob<1>, Blob<1>, SeededHash, Counting, S1> =
        TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
    run_against_oracle(&mut a.map, ops, |m| m.check_invariants())?;
    let mut b: TypedGo<Blob<2>, Blob<8>, SeededHash, Off, S2> =
        TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
    run_against_oracle(&mut b.map, ops, |m| m.check_invariants())?;
    let mut c: TypedGo<Blob<32>, Blob<32>, SeededHash, Counting, S3> =
        TypedGo::with_config(Knobs::default(), 0, seed, SeededHash);
    run_against_oracle(&mut c.map, ops, |m| m.check_invariants())?;
    let low = Knobs {
        inline_limit: 8,
        ..Knobs::default()
    };
    let mut d: TypedGo<Blob<1>, Blob<4>, SeededHash, Off, S4> =
        TypedGo::with_config(low, 0, seed, SeededHash);
    run_against_oracle(&mut d.map, ops, |m| m.check_invariants())
}

/// The cases proptest saved when these tests failed in the past (shrunk),
/// replayed exactly on every Go-family storage policy. (proptest also
/// replays the file's seeds, but a seed regenerates its case only while the
/// strategy stays the same; the printed cases do not depend on it.)
#[test]
fn saved_regression_cases_replay_on_every_go_family_variant() {
    let text = include_str!("oracle.proptest-regressions");
    let mut replayed = 0;
    for line in text.lines().filter(|l| l.starts_with("cc ")) {
        let (_, case) = line.split_once("# shrinks to ").expect("a shrunk case");
        let case = parse_case(case);
        replay::<GoHeap, GoHeap, GoHeap, GoHeap, GoHeap, GoHeap>(&case).unwrap();
        replay::<Slab, Slab, Slab, Slab, Slab, Slab>(&case).unwrap();
        replay::<InlineFirst, InlineFirst, InlineFirst, InlineFirst, InlineFirst, InlineFirst>(
            &case,
        )
        .unwrap();
        replayed += 1;
    }
    assert_eq!(replayed, 6, "every saved case parsed and replayed");
}
