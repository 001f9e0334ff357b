//! The model's default hasher: foldhash (as every model in mapamp) with
//! MurmurHash3's 64-bit finaliser on top.
//!
//! Go hashes a `uint64` key with AES rounds (`memhash64` → `aeshash64` on
//! amd64), after which consecutive keys look like random ones. foldhash's
//! fast variant, which the classic model uses, spreads *consecutive* ids
//! too evenly over the bits H1 takes (hash bits 7 and up), so that under
//! delete-oldest/insert-new churn a table gathers fewer tombstones than
//! Go's and prunes where Go 1.26 splits. `tests/it/goswiss_go126.rs`
//! (`churn_tombstones_need_the_finaliser`) measures it against the real
//! runtime's churn data and keeps this choice honest. The finaliser (two
//! multiplies, three shifts) removes that regularity; keys of any
//! distribution then land as Go's do.

use crate::hash::{KeyHasher, SeededHash};

/// MurmurHash3's `fmix64`: a bijection that mixes every input bit into
/// every output bit.
#[inline(always)]
pub fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// foldhash seeded with the map's seed ([`SeededHash`]), then [`fmix64`].
#[derive(Clone, Copy, Debug, Default)]
pub struct GoHash;

impl KeyHasher for GoHash {
    #[inline(always)]
    fn hash(&self, key: &[u8], seed: u64) -> u64 {
        fmix64(SeededHash.hash(key, seed))
    }

    #[inline(always)]
    fn hash_u64(&self, key: u64, seed: u64) -> u64 {
        fmix64(SeededHash.hash_u64(key, seed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_and_byte_hashes_agree() {
        for (k, seed) in [(0u64, 1u64), (7, 9), (u64::MAX, 3)] {
            assert_eq!(
                GoHash.hash(&k.to_le_bytes(), seed),
                GoHash.hash_u64(k, seed)
            );
        }
        assert_ne!(GoHash.hash(&[1, 2, 3], 5), GoHash.hash(&[1, 2, 4], 5));
    }
}
