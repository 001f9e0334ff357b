//! Whole workloads that build a map: `insert` and `churn`.
//!
//! A workload is deterministic given its seed, so the same map can be built
//! again for every lens. Keys are ids turned into keys with
//! [`Pod::from_id`]; values are derived from the key's id.

use crate::pod::Pod;
use crate::rng::Rng;
use crate::variants::MapUnderStudy;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How workload keys are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum KeyDist {
    /// Uniform random 64-bit ids from a seeded generator.
    Random,
    /// Ids `1..=N` in order.
    Sequential,
}

/// A source of distinct key ids.
#[derive(Debug)]
pub struct KeySource {
    dist: KeyDist,
    rng: Rng,
    next_seq: u64,
    used: HashSet<u64>,
}

impl KeySource {
    /// A source for `dist` seeded with `seed`.
    pub fn new(dist: KeyDist, seed: u64) -> KeySource {
        KeySource {
            dist,
            rng: Rng::new(seed ^ 0x6b65_7973),
            next_seq: 1,
            used: HashSet::new(),
        }
    }

    /// A key id never returned before by this source.
    pub fn fresh(&mut self) -> u64 {
        match self.dist {
            KeyDist::Sequential => {
                let id = self.next_seq;
                self.next_seq += 1;
                id
            }
            KeyDist::Random => loop {
                let id = self.rng.next_u64();
                if self.used.insert(id) {
                    return id;
                }
            },
        }
    }
}

/// The value written for key id `id` in write number `version`.
pub fn value_for<V: Pod>(id: u64, version: u64) -> V {
    V::from_id(id.rotate_left(17) ^ version)
}

/// Inserts `n` distinct keys. Returns the inserted ids in order.
pub fn insert<K: Pod, V: Pod, M: MapUnderStudy<K, V>>(
    map: &mut M,
    n: usize,
    dist: KeyDist,
    seed: u64,
) -> Vec<u64> {
    let mut src = KeySource::new(dist, seed);
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        let id = src.fresh();
        map.insert(K::from_id(id), value_for(id, 0));
        ids.push(id);
    }
    ids
}

/// Inserts `n` random keys, then `rounds` rounds of `k` operations, each
/// deleting one uniformly random live key and inserting one new random key.
pub fn churn<K: Pod, V: Pod, M: MapUnderStudy<K, V>>(
    map: &mut M,
    n: usize,
    rounds: usize,
    k: usize,
    seed: u64,
) -> Vec<u64> {
    let mut src = KeySource::new(KeyDist::Random, seed);
    let mut pick = Rng::new(seed ^ 0x0063_6875_726e);
    let mut live: Vec<u64> = Vec::with_capacity(n);
    for _ in 0..n {
        let id = src.fresh();
        map.insert(K::from_id(id), value_for(id, 0));
        live.push(id);
    }
    for _ in 0..rounds {
        for _ in 0..k {
            if live.is_empty() {
                break;
            }
            let victim = live.swap_remove(pick.below(live.len() as u64) as usize);
            map.remove(&K::from_id(victim));
            let id = src.fresh();
            map.insert(K::from_id(id), value_for(id, 0));
            live.push(id);
        }
    }
    live
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_distinct_and_deterministic() {
        let mut a = KeySource::new(KeyDist::Random, 3);
        let mut b = KeySource::new(KeyDist::Random, 3);
        let xs: Vec<u64> = (0..100).map(|_| a.fresh()).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.fresh()).collect();
        assert_eq!(xs, ys);
        assert_eq!(xs.iter().collect::<HashSet<_>>().len(), 100);
        let mut s = KeySource::new(KeyDist::Sequential, 0);
        assert_eq!((0..3).map(|_| s.fresh()).collect::<Vec<_>>(), vec![1, 2, 3]);
    }
}
