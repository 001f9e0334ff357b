//! Whole workloads that build a map: `insert` and `churn`.
//!
//! A workload is deterministic given its seed, so the same map can be built
//! again for every lens. Keys are ids turned into key bytes with
//! [`fill_from_id`]; values are derived from the key's id.
//!
//! Workloads build states, they are not measured regions: they take any
//! map through `dyn` ([`MapSetup`]), so they are compiled once.

use crate::gotype::fill_from_id;
use crate::rng::Rng;
use crate::variants::MapSetup;
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
    /// Every random id drawn, so none is drawn twice. Membership only (the
    /// hasher changes no id drawn), so a fast hasher: foldhash rather than
    /// std's SipHash (docs/speed.md).
    used: HashSet<u64, foldhash::fast::FixedState>,
    /// The ids a key type can tell apart: a key shorter than 8 bytes keeps
    /// an id's low bytes ([`fill_from_id`]), so ids are drawn below its
    /// range; all ones for 8 bytes and more.
    mask: u64,
}

impl KeySource {
    /// A source for `dist` seeded with `seed`.
    pub fn new(dist: KeyDist, seed: u64) -> KeySource {
        KeySource::for_key_bytes(dist, seed, 8)
    }

    /// A source of ids that stay distinct as keys of `key_bytes` bytes
    /// (keys of 8 bytes or more: the same ids as [`KeySource::new`]).
    pub fn for_key_bytes(dist: KeyDist, seed: u64, key_bytes: usize) -> KeySource {
        KeySource {
            dist,
            rng: Rng::new(seed ^ 0x6b65_7973),
            next_seq: 1,
            used: HashSet::default(),
            mask: if key_bytes >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * key_bytes)) - 1
            },
        }
    }

    /// A key id never returned before by this source (and, for a key
    /// shorter than 8 bytes, a key never made before). Panics when the key
    /// type has no value left (profiles refuse such cells beforehand).
    pub fn fresh(&mut self) -> u64 {
        assert!(
            self.mask == u64::MAX
                || (self.used.len().max(self.next_seq as usize - 1) as u64) <= self.mask,
            "every value of the key type is taken"
        );
        match self.dist {
            KeyDist::Sequential => {
                let id = self.next_seq;
                self.next_seq += 1;
                id
            }
            KeyDist::Random => loop {
                let id = self.rng.next_u64() & self.mask;
                if self.used.insert(id) {
                    return id;
                }
            },
        }
    }
}

/// Writes the value for key id `id` in write number `version` into `out`.
pub fn value_for(id: u64, version: u64, out: &mut [u8]) {
    fill_from_id(id.rotate_left(17) ^ version, out)
}

/// Largest key or value the workloads build on the stack (a larger one
/// gets a heap buffer).
const STACK_BYTES: usize = 256;

/// Scratch room for one key and one value of `map`'s shapes, on the stack
/// for the supported sizes so a workload makes no allocation of its own.
fn with_scratch<R>(ks: usize, vs: usize, f: impl FnOnce(&mut [u8], &mut [u8]) -> R) -> R {
    if ks <= STACK_BYTES && vs <= STACK_BYTES {
        let (mut k, mut v) = ([0u8; STACK_BYTES], [0u8; STACK_BYTES]);
        f(&mut k[..ks], &mut v[..vs])
    } else {
        f(&mut vec![0u8; ks], &mut vec![0u8; vs])
    }
}

/// Inserts `n` distinct keys. Returns the inserted ids in order.
pub fn insert(map: &mut dyn MapSetup, n: usize, dist: KeyDist, seed: u64) -> Vec<u64> {
    let (ks, vs) = (map.key_shape().size, map.elem_shape().size);
    let mut src = KeySource::for_key_bytes(dist, seed, ks);
    let mut ids = Vec::with_capacity(n);
    with_scratch(ks, vs, |k, v| {
        for _ in 0..n {
            let id = src.fresh();
            fill_from_id(id, k);
            value_for(id, 0, v);
            map.insert(k, v);
            ids.push(id);
        }
    });
    ids
}

/// Inserts `n` random keys, then `rounds` rounds of `k` operations, each
/// deleting one uniformly random live key and inserting one new random key.
pub fn churn(map: &mut dyn MapSetup, n: usize, rounds: usize, k: usize, seed: u64) -> Vec<u64> {
    let (ks, vs) = (map.key_shape().size, map.elem_shape().size);
    let mut src = KeySource::for_key_bytes(KeyDist::Random, seed, ks);
    let mut pick = Rng::new(seed ^ 0x0063_6875_726e);
    let mut live: Vec<u64> = Vec::with_capacity(n);
    with_scratch(ks, vs, |kb, vb| {
        let mut put = |map: &mut dyn MapSetup, id: u64| {
            fill_from_id(id, kb);
            value_for(id, 0, vb);
            map.insert(kb, vb);
        };
        for _ in 0..n {
            let id = src.fresh();
            put(map, id);
            live.push(id);
        }
        for _ in 0..rounds {
            for _ in 0..k {
                if live.is_empty() {
                    break;
                }
                let victim = live.swap_remove(pick.below(live.len() as u64) as usize);
                let mut key = [0u8; STACK_BYTES];
                let mut heap_key = Vec::new();
                let key = if ks <= STACK_BYTES {
                    &mut key[..ks]
                } else {
                    heap_key.resize(ks, 0);
                    &mut heap_key[..]
                };
                fill_from_id(victim, key);
                map.remove(key);
                let id = src.fresh();
                put(map, id);
                live.push(id);
            }
        }
    });
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
