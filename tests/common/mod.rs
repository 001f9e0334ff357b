//! Shared helpers for the behaviour tests: an oracle-checked operation
//! sequence runner generic over every map under study.

#![allow(dead_code)]

use mapamp::pod::Pod;
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
pub fn run_against_oracle<K: Pod, V: Pod, M: MapUnderStudy<K, V> + 'static>(
    map: &mut M,
    ops: &[Op],
    mut check: impl FnMut(&M) -> Result<(), String>,
) -> Result<(), TestCaseError> {
    let mut oracle: HashMap<K, V> = HashMap::new();
    for (step, op) in ops.iter().enumerate() {
        match *op {
            Op::Insert(k, v) => {
                let (k, v) = (K::from_id(k), V::from_id(v));
                let new = map.insert(k, v);
                prop_assert_eq!(
                    new,
                    oracle.insert(k, v).is_none(),
                    "step {}: insert {:?}",
                    step,
                    op
                );
            }
            Op::Get(k) => {
                let k = K::from_id(k);
                prop_assert_eq!(map.get(&k), oracle.get(&k).copied(), "step {}: get", step);
            }
            Op::Remove(k) => {
                let k = K::from_id(k);
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
                    assert!(seen.insert(k, v).is_none(), "key {k:?} returned twice");
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
        prop_assert_eq!(map.get(k), Some(*v));
    }
    Ok(())
}

/// A hasher that sends keys to few buckets (low bits from `id % spread`)
/// with few distinct tophashes, forcing long chains and same-size growth.
pub fn colliding(spread: u64) -> impl Fn(&[u64], u64) -> u64 + Clone {
    move |w: &[u64], seed: u64| {
        let id = w[0];
        let low = (id % spread).wrapping_add(seed & 1);
        let top = (id % 7) << 56;
        top | low
    }
}

/// A map that can be iterated while it is written (the Go models'
/// iterators stay valid across growth).
pub trait IterDuringWrites<K: Pod, V: Pod>: MapUnderStudy<K, V> {
    /// The iterator's position.
    type Iter;
    /// Starts an iterator.
    fn iter_begin(&mut self) -> Self::Iter;
    /// The next entry, or `None` at the end.
    fn iter_step(&mut self, it: &mut Self::Iter) -> Option<(K, V)>;
}

impl<
        K: Pod,
        V: Pod,
        H: mapamp::hash::KeyHasher,
        P: mapamp::accounting::Probe,
        S: mapamp::gomap::Storage,
    > IterDuringWrites<K, V> for mapamp::gomap::GoMap<K, V, H, P, S>
{
    type Iter = mapamp::gomap::GoIter;
    fn iter_begin(&mut self) -> Self::Iter {
        self.iter_start()
    }
    fn iter_step(&mut self, it: &mut Self::Iter) -> Option<(K, V)> {
        self.iter_next(it)
    }
}

impl<K: Pod, V: Pod, H: mapamp::hash::KeyHasher, P: mapamp::accounting::Probe>
    IterDuringWrites<K, V> for mapamp::goswiss::GoSwiss<K, V, H, P>
{
    type Iter = mapamp::goswiss::SwissIter;
    fn iter_begin(&mut self) -> Self::Iter {
        self.iter_start()
    }
    fn iter_step(&mut self, it: &mut Self::Iter) -> Option<(K, V)> {
        self.iter_next(it)
    }
}

/// Iteration interleaved with writes: `initial` keys, then for each step
/// one write (insert a new key, delete or update a key present at the
/// start) and one iterator step. Every key present for the whole iteration
/// must come back exactly once, none twice, each with its current value.
pub fn run_iteration<KK: Pod, M: IterDuringWrites<KK, mapamp::pod::Blob<1>>>(
    m: &mut M,
    initial: u64,
    steps: &[(u8, u64, u64)],
) -> Result<(), TestCaseError> {
    use mapamp::pod::Blob;
    use std::collections::HashSet;
    let mut oracle: HashMap<KK, Blob<1>> = HashMap::new();
    for id in 0..initial {
        let (k, v) = (KK::from_id(id), Blob::<1>::from_id(id));
        m.insert(k, v);
        oracle.insert(k, v);
    }
    let at_start: HashSet<KK> = oracle.keys().copied().collect();
    let mut removed: HashSet<KK> = HashSet::new();
    let mut returned: HashSet<KK> = HashSet::new();
    let mut it = m.iter_begin();
    let mut step = 0;
    loop {
        // Interleave: one write (if any left), then one iterator step.
        if let Some(&(kind, id, val)) = steps.get(step) {
            let k = KK::from_id(1_000_000 + id);
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
        match m.iter_step(&mut it) {
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
