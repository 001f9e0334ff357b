//! Key hashing for the map models: a pluggable [`KeyHasher`].
//!
//! Go hashes a key with a per-map seed (`hash0`), re-drawn when the map
//! empties or is cleared. The models do the same: the hasher receives the
//! key's words and the current seed. The default, [`SeededHash`], is
//! foldhash's fast hasher keyed by the seed. Benchmarks that need colliding
//! keys supply their own hasher (any `Fn(&[u64], u64) -> u64 + Clone`).

use std::hash::{BuildHasher, Hasher};

/// Hashes a key (as its words) under a seed.
pub trait KeyHasher: Clone + 'static {
    /// The 64-bit hash of `key` under `seed`.
    fn hash(&self, key: &[u64], seed: u64) -> u64;
}

/// The default hasher: foldhash (fast variant) seeded with the map's seed.
#[derive(Clone, Copy, Debug, Default)]
pub struct SeededHash;

impl KeyHasher for SeededHash {
    #[inline]
    fn hash(&self, key: &[u64], seed: u64) -> u64 {
        let mut h = foldhash::fast::FixedState::with_seed(seed).build_hasher();
        for &w in key {
            h.write_u64(w);
        }
        h.finish()
    }
}

impl<F> KeyHasher for F
where
    F: Fn(&[u64], u64) -> u64 + Clone + 'static,
{
    #[inline]
    fn hash(&self, key: &[u64], seed: u64) -> u64 {
        self(key, seed)
    }
}

/// A hasher that places keys where a scenario needs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollidingHash {
    /// The bucket is written in the key: hash low bits = `id >> 32`; the top
    /// byte (tophash) varies with the id. Used to fill chosen chains exactly.
    BucketInId,
    /// A well-mixed hash with the low 4 bits cleared: keys use one bucket in
    /// 16, so chains are about 16 times longer than with a uniform hash.
    FewBuckets,
}

impl KeyHasher for CollidingHash {
    #[inline]
    fn hash(&self, key: &[u64], _seed: u64) -> u64 {
        let id = key[0];
        let mut s = id;
        let mixed = crate::rng::splitmix64(&mut s);
        match self {
            CollidingHash::BucketInId => (mixed & 0xFF00_0000_0000_0000) | (id >> 32),
            CollidingHash::FewBuckets => mixed & !0xF,
        }
    }
}

/// The id of the `seq`-th key crafted to land in bucket `bucket` under
/// [`CollidingHash::BucketInId`].
pub fn id_in_bucket(bucket: u64, seq: u32) -> u64 {
    (bucket << 32) | seq as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_hash_depends_on_seed_and_every_word() {
        let h = SeededHash;
        let a = h.hash(&[1, 2, 3], 9);
        assert_eq!(a, h.hash(&[1, 2, 3], 9));
        assert_ne!(a, h.hash(&[1, 2, 3], 10));
        assert_ne!(a, h.hash(&[1, 2, 4], 9));
    }

    #[test]
    fn closures_are_hashers() {
        let colliding = |_: &[u64], _: u64| 0x0500_0000_0000_0003u64;
        assert_eq!(colliding.hash(&[1], 0), colliding.hash(&[2], 5));
    }
}
