//! Key streams for scenarios: random, sequential, Zipf hot set, colliding.
//!
//! Distinct keys come from [`crate::workload::KeySource`]; a Zipf stream
//! repeats popular keys; colliding keys go through [`CollidingHash`], the
//! pluggable hasher that decides which bucket a key lands in.

use crate::rng::{splitmix64, Rng};
use serde::{Deserialize, Serialize};
use strum::VariantArray;

/// How a scenario's keys are drawn (the `keys` axis of a profile).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::VariantArray, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Keys {
    /// Uniform random 64-bit ids.
    Random,
    /// Ids 1, 2, 3, ...
    Sequential,
    /// A hot set: writes pick keys with Zipf(1) popularity over N ids.
    Zipf,
    /// Crafted collisions: keys share few buckets (Go-family variants only).
    Colliding,
}

impl crate::names::Named for Keys {}

impl Keys {
    /// Every distribution.
    pub const ALL: [Keys; 4] = crate::names::all(Keys::VARIANTS);

    /// Name in profiles and cell ids.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Parses a name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<Keys, crate::names::UnknownName> {
        crate::names::parse(s, "key distribution", "valid")
    }
}

/// Draws ids from Zipf(1) over `1..=n` (rank r has weight 1/r), by inverse CDF.
#[derive(Clone, Debug)]
pub struct Zipf {
    cdf: Vec<f64>,
    rng: Rng,
}

impl Zipf {
    /// A sampler over `n ≥ 1` ranks.
    pub fn new(n: usize, seed: u64) -> Zipf {
        let mut cdf = Vec::with_capacity(n);
        let mut acc = 0.0;
        for r in 1..=n.max(1) {
            acc += 1.0 / r as f64;
            cdf.push(acc);
        }
        for c in &mut cdf {
            *c /= acc;
        }
        Zipf {
            cdf,
            rng: Rng::new(seed ^ 0x7a69_7066),
        }
    }

    /// The next rank (1-based; 1 is the most popular).
    pub fn next_rank(&mut self) -> u64 {
        let u = self.rng.unit_f64();
        self.cdf.partition_point(|&c| c < u) as u64 + 1
    }
}

/// The id of Zipf rank `r` (ranks are spread over the id space so popular
/// keys do not share buckets by construction).
pub fn zipf_id(r: u64) -> u64 {
    let mut s = r;
    splitmix64(&mut s)
}

pub use crate::hash::{id_in_bucket, CollidingHash};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_prefers_low_ranks() {
        let mut z = Zipf::new(1000, 1);
        let draws: Vec<u64> = (0..20_000).map(|_| z.next_rank()).collect();
        let top = draws.iter().filter(|&&r| r == 1).count();
        let tail = draws.iter().filter(|&&r| r == 1000).count();
        assert!(draws.iter().all(|&r| (1..=1000).contains(&r)));
        // P(1) = 1/H(1000) ~ 0.134; P(1000) ~ 0.000134.
        assert!(top > 2200 && top < 3200, "{top}");
        assert!(tail < 20, "{tail}");
    }

    use crate::hash::KeyHasher;

    #[test]
    fn colliding_hashes_land_where_asked() {
        let h = CollidingHash::BucketInId;
        for b in [0u64, 5, 1023] {
            for seq in 0..50 {
                assert_eq!(h.hash_u64(id_in_bucket(b, seq), 0) & 0xFFFF, b);
            }
        }
        let f = CollidingHash::FewBuckets;
        assert!((0..1000u64).all(|id| f.hash_u64(id, 0) & 0xF == 0));
        assert_eq!(Keys::parse("zipf"), Ok(Keys::Zipf));
        assert!(Keys::parse("gauss")
            .unwrap_err()
            .to_string()
            .contains("random, sequential, zipf, colliding"));
    }
}
