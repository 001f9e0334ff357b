//! Shared helpers for the behaviour tests: an oracle-checked operation
//! sequence runner generic over every map under study.

#![allow(dead_code)]

use mapamp::gotype::fill_from_id;
use mapamp::variants::MapUnderStudy;
use proptest::prelude::*;
use std::collections::HashMap;

/// One step of a random operation sequence.
#[derive(Clone, Debug)]
pub enum Op {
    /// Insert or update key id with a value version.
    Insert(u64, u64),
    /// Look a key up.
    Get(u64),
    /// Delete a key.
    Remove(u64),
    /// Clear the map.
    Clear,
    /// Iterate the whole map and compare with the oracle.
    IterAll,
}

/// Operations over a key space of `keys` ids, weighted towards inserts so
/// maps grow through several generations, with enough deletes to churn.
pub fn ops(keys: u64, len: usize) -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        10 => (0..keys, any::<u64>()).prop_map(|(k, v)| Op::Insert(k, v)),
        3 => (0..keys).prop_map(Op::Get),
        5 => (0..keys).prop_map(Op::Remove),
        1 => Just(Op::IterAll),
        1 => (0..40u8).prop_map(|x| if x == 0 { Op::Clear } else { Op::IterAll }),
    ];
    proptest::collection::vec(op, 1..len)
}

/// Runs `ops` on `map` and on a `std::collections::HashMap` oracle, checking
/// every answer, and calls `check` (e.g. structural invariants) after each step.
/// Keys and values are the bytes `gotype::fill_from_id` makes of the op's
/// ids, at the map's key and value sizes.
pub fn run_against_oracle<M: MapUnderStudy>(
    map: &mut M,
    ops: &[Op],
    mut check: impl FnMut(&M) -> Result<(), String>,
) -> Result<(), TestCaseError> {
    let (ks, vs) = (map.key_shape().size, map.elem_shape().size);
    let bytes = |id: u64, size: usize| {
        let mut b = vec![0u8; size];
        fill_from_id(id, &mut b);
        b
    };
    let mut oracle: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    for (step, op) in ops.iter().enumerate() {
        match *op {
            Op::Insert(k, v) => {
                let (k, v) = (bytes(k, ks), bytes(v, vs));
                let new = map.insert(&k, &v);
                prop_assert_eq!(
                    new,
                    oracle.insert(k, v).is_none(),
                    "step {}: insert {:?}",
                    step,
                    op
                );
            }
            Op::Get(k) => {
                let k = bytes(k, ks);
                prop_assert_eq!(
                    map.get(&k),
                    oracle.get(&k).map(|v| &v[..]),
                    "step {}: get",
                    step
                );
            }
            Op::Remove(k) => {
                let k = bytes(k, ks);
                prop_assert_eq!(
                    map.remove(&k),
                    oracle.remove(&k).is_some(),
                    "step {}: remove",
                    step
                );
            }
            Op::Clear => {
                map.clear();
                oracle.clear();
            }
            Op::IterAll => {
                let mut seen = HashMap::new();
                map.for_each(&mut |k, v| {
                    assert!(
                        seen.insert(k.to_vec(), v.to_vec()).is_none(),
                        "key {k:?} returned twice"
                    );
                });
                prop_assert_eq!(&seen, &oracle, "step {}: iteration", step);
            }
        }
        prop_assert_eq!(map.len(), oracle.len(), "step {}: len after {:?}", step, op);
        if let Err(e) = check(map) {
            return Err(TestCaseError::fail(format!(
                "step {step} after {op:?}: {e}"
            )));
        }
    }
    for (k, v) in &oracle {
        prop_assert_eq!(map.get(k), Some(&v[..]));
    }
    Ok(())
}

/// A hasher that sends keys to few buckets (low bits from `id % spread`)
/// with few distinct tophashes, forcing long chains and same-size growth.
pub fn colliding(spread: u64) -> impl Fn(&[u8], u64) -> u64 + Clone {
    move |w: &[u8], seed: u64| {
        let id = mapamp::gotype::id_of(w);
        let low = (id % spread).wrapping_add(seed & 1);
        let top = (id % 7) << 56;
        top | low
    }
}
