//! The model's default hasher: foldhash (as every model in mapamp) with
//! MurmurHash3's 64-bit finaliser on top.
//!
//! Go hashes a `uint64` key with AES rounds (`memhash64` → `aeshash64` on
//! amd64), after which consecutive keys look like random ones. foldhash's
//! fast variant, which the classic model uses, spreads *consecutive* ids
//! too evenly over the bits H1 takes (hash bits 7 and up): measured, a
//! 1024-slot table holding 700 keys under delete-oldest/insert-new churn
//! gathered 62 tombstones in its first round with consecutive ids, against
//! 160–190 with random ids and 194 in the real Go 1.26 runtime (whose
//! keys were random; `tests/data/go126/churn.json`) — so the model's
//! tables pruned instead of splitting. The finaliser (two multiplies,
//! three shifts) removes that regularity; keys of any distribution then
//! land as Go's do.

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

/// foldhash seeded with the map's seed, then [`fmix64`].
#[derive(Clone, Copy, Debug, Default)]
pub struct GoHash;

impl KeyHasher for GoHash {
    #[inline(always)]
    fn hash(&self, key: &[u64], seed: u64) -> u64 {
        fmix64(SeededHash.hash(key, seed))
    }
}
