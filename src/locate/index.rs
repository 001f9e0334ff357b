//! Turning a 64-bit hash into a bucket index: [`IndexFn`] and [`Indexer`].
//!
//! - `mask`: the low bits, `hash & (M - 1)`; only defined when the bucket
//!   count M is a power of two (Go's map and Swiss tables do this);
//! - `modulo`: `hash % M`, any M (a division per locate);
//! - `fastrange`: `(hash · M) >> 64` in 128-bit arithmetic (Lemire), any M,
//!   uses the **high** bits of the hash.

use super::LocateError;
use serde::{Deserialize, Serialize};
use strum::VariantArray;

/// A way to map a hash to a bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::VariantArray, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "lowercase")]
pub enum IndexFn {
    /// Low bits (power-of-two bucket counts only).
    Mask,
    /// Remainder of division by the bucket count.
    Modulo,
    /// Multiply-shift: the high 64 bits of `hash × M`.
    Fastrange,
}

impl crate::names::Named for IndexFn {}

impl IndexFn {
    /// Every index method, in a fixed order.
    pub const ALL: [IndexFn; 3] = crate::names::all(IndexFn::VARIANTS);

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Parses a name, with an error naming the valid ones.
    pub fn parse(s: &str) -> Result<IndexFn, crate::names::UnknownName> {
        crate::names::parse(s, "index method", "valid index methods")
    }

    /// Checks that this method can index `buckets` buckets.
    pub fn check(self, buckets: u64) -> Result<(), LocateError> {
        if buckets == 0 {
            return Err(LocateError::NoBuckets);
        }
        if self == IndexFn::Mask && !buckets.is_power_of_two() {
            let below = 1u64 << (63 - buckets.leading_zeros());
            return Err(LocateError::MaskNeedsPowerOfTwo {
                buckets,
                below,
                above: below.saturating_mul(2),
            });
        }
        Ok(())
    }
}

/// An index method bound to a bucket count: maps hashes into `0..buckets`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Indexer {
    method: IndexFn,
    buckets: u64,
}

impl Indexer {
    /// An indexer for `buckets` buckets, or an error if `method` cannot index that many.
    pub fn new(method: IndexFn, buckets: u64) -> Result<Indexer, LocateError> {
        method.check(buckets)?;
        Ok(Indexer { method, buckets })
    }

    /// The index method.
    pub fn method(&self) -> IndexFn {
        self.method
    }

    /// The bucket count.
    pub fn buckets(&self) -> u64 {
        self.buckets
    }

    /// The bucket of `hash`, in `0..buckets`.
    #[inline]
    pub fn index(&self, hash: u64) -> u64 {
        match self.method {
            IndexFn::Mask => mask(hash, self.buckets - 1),
            IndexFn::Modulo => modulo(hash, self.buckets),
            IndexFn::Fastrange => fastrange(hash, self.buckets),
        }
    }
}

/// `hash & mask` (`mask` = buckets − 1 for a power-of-two bucket count).
#[inline(always)]
pub fn mask(hash: u64, mask: u64) -> u64 {
    hash & mask
}

/// `hash % buckets` (`buckets > 0`).
#[inline(always)]
pub fn modulo(hash: u64, buckets: u64) -> u64 {
    hash % buckets
}

/// `(hash · buckets) >> 64` in 128-bit arithmetic: in `0..buckets` for `buckets > 0`.
#[inline(always)]
pub fn fastrange(hash: u64, buckets: u64) -> u64 {
    ((hash as u128 * buckets as u128) >> 64) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn mask_and_modulo_agree_for_powers_of_two() {
        let mut r = Rng::new(3);
        for b in 0..=20 {
            let m = 1u64 << b;
            let ma = Indexer::new(IndexFn::Mask, m).unwrap();
            let mo = Indexer::new(IndexFn::Modulo, m).unwrap();
            for _ in 0..1000 {
                let h = r.next_u64();
                assert_eq!(ma.index(h), mo.index(h));
            }
        }
    }

    #[test]
    fn fastrange_stays_in_range() {
        let mut r = Rng::new(4);
        for m in [1, 2, 3, 7, 1000, 1024, 4096, 1_000_003, u64::MAX] {
            let ix = Indexer::new(IndexFn::Fastrange, m).unwrap();
            for h in [0, 1, u64::MAX, u64::MAX - 1, 1 << 63] {
                assert!(ix.index(h) < m, "m {m} h {h}");
            }
            for _ in 0..1000 {
                assert!(ix.index(r.next_u64()) < m);
            }
        }
        assert_eq!(fastrange(u64::MAX, 1000), 999);
        assert_eq!(fastrange(0, 1000), 0);
    }

    #[test]
    fn fastrange_uses_high_bits_and_mask_low_bits() {
        let h = 0xF000_0000_0000_0001u64;
        assert_eq!(fastrange(h, 16), 0xF);
        assert_eq!(mask(h, 15), 1);
    }

    #[test]
    fn mask_rejects_non_powers_of_two_with_a_helpful_error() {
        let e = Indexer::new(IndexFn::Mask, 1000).unwrap_err();
        assert_eq!(
            e,
            LocateError::MaskNeedsPowerOfTwo {
                buckets: 1000,
                below: 512,
                above: 1024
            }
        );
        let e = e.to_string();
        assert!(e.contains("1000"), "{e}");
        assert!(e.contains("512") && e.contains("1024"), "{e}");
        assert!(e.contains("modulo") && e.contains("fastrange"), "{e}");
        assert!(Indexer::new(IndexFn::Mask, 1).is_ok());
        assert!(Indexer::new(IndexFn::Modulo, 1000).is_ok());
        for m in IndexFn::ALL {
            assert!(Indexer::new(m, 0)
                .unwrap_err()
                .to_string()
                .contains("at least 1"));
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_valid_ones() {
        for i in IndexFn::ALL {
            assert_eq!(IndexFn::parse(i.name()), Ok(i));
        }
        let e = IndexFn::parse("xor").unwrap_err().to_string();
        assert!(e.contains("mask, modulo, fastrange"), "{e}");
    }
}
