//! Key hashing for the map models: a pluggable [`KeyHasher`].
//!
//! Go hashes a key with a per-map seed (`hash0`), re-drawn when the map
//! empties or is cleared. The models do the same: the hasher receives the
//! key's bytes and the current seed. The default, [`SeededHash`], is
//! foldhash's fast hasher keyed by the seed, fed the key one little-endian
//! 64-bit word at a time. Benchmarks that need colliding keys supply their
//! own hasher (any `Fn(&[u8], u64) -> u64 + Clone`).
//!
//! [`KeyHasher::hash_u64`] is the hash of an 8-byte key given as its value,
//! as Go's `memhash64` is for `mapassign_fast64`: the same function as
//! [`KeyHasher::hash`] of its little-endian bytes, without the byte loop.

use std::hash::{BuildHasher, Hasher};

/// Hashes a key (as its words) under a seed.
pub trait KeyHasher: Clone + 'static {
    /// The 64-bit hash of `key` under `seed`.
    fn hash(&self, key: &[u8], seed: u64) -> u64;
    /// The hash of the 8-byte key `key.to_le_bytes()` (must equal
    /// [`KeyHasher::hash`] of those bytes).
    #[inline(always)]
    fn hash_u64(&self, key: u64, seed: u64) -> u64 {
        self.hash(&key.to_le_bytes(), seed)
    }
}

/// The default hasher: foldhash (fast variant) seeded with the map's seed.
#[derive(Clone, Copy, Debug, Default)]
pub struct SeededHash;

impl KeyHasher for SeededHash {
    #[inline]
    fn hash(&self, key: &[u8], seed: u64) -> u64 {
        if key.len() == 8 {
            return self.hash_u64(crate::mem::load64(key, 0), seed);
        }
        let mut h = foldhash::fast::FixedState::with_seed(seed).build_hasher();
        let mut words = key.chunks_exact(8);
        for w in &mut words {
            h.write_u64(u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            h.write(tail);
        }
        h.finish()
    }

    #[inline(always)]
    fn hash_u64(&self, key: u64, seed: u64) -> u64 {
        let mut h = foldhash::fast::FixedState::with_seed(seed).build_hasher();
        h.write_u64(key);
        h.finish()
    }
}

impl<F> KeyHasher for F
where
    F: Fn(&[u8], u64) -> u64 + Clone + 'static,
{
    #[inline]
    fn hash(&self, key: &[u8], seed: u64) -> u64 {
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
    fn hash(&self, key: &[u8], _seed: u64) -> u64 {
        let id = crate::gotype::id_of(key);
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
        let key = |w: [u64; 3]| -> Vec<u8> { w.iter().flat_map(|x| x.to_le_bytes()).collect() };
        let a = h.hash(&key([1, 2, 3]), 9);
        assert_eq!(a, h.hash(&key([1, 2, 3]), 9));
        assert_ne!(a, h.hash(&key([1, 2, 3]), 10));
        assert_ne!(a, h.hash(&key([1, 2, 4]), 9));
        assert_ne!(h.hash(&[1, 2, 3], 9), h.hash(&[1, 2, 4], 9));
    }

    #[test]
    fn eight_byte_keys_hash_as_their_value() {
        // Every figure depends on this: an 8-byte key's hash is foldhash's
        // `write_u64` of its value, whichever entry point computes it.
        let h = SeededHash;
        for (k, seed) in [(0u64, 0u64), (1, 9), (u64::MAX, 77), (0xDEAD_BEEF, 3)] {
            let mut f = foldhash::fast::FixedState::with_seed(seed).build_hasher();
            f.write_u64(k);
            let want = f.finish();
            assert_eq!(h.hash(&k.to_le_bytes(), seed), want);
            assert_eq!(h.hash_u64(k, seed), want);
        }
    }

    #[test]
    fn closures_are_hashers() {
        let colliding = |_: &[u8], _: u64| 0x0500_0000_0000_0003u64;
        assert_eq!(colliding.hash(&[1], 0), colliding.hash(&[2], 5));
        assert_eq!(colliding.hash_u64(1, 0), colliding.hash(&[2], 5));
    }
}
