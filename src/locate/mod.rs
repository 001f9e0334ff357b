//! `mapamp locate`: from a key to a bucket — how evenly, and how fast.
//!
//! Every hash map **locates** a key before it reads or writes: it hashes the
//! key and turns the hash into a bucket index. Two things matter for write
//! amplification: how evenly keys spread (uneven buckets mean long overflow
//! chains and the extra writes they bring) and how long a locate takes.
//!
//! The source article claims that FNV-1a with a modulo gives near-uniform
//! buckets, with an entropy table for a million random strings and a cost of
//! a few nanoseconds per locate. mapamp does not take those figures on trust:
//! this module measures them, for any combination of
//!
//! - a hash function ([`HashFn`], in [`hashes`]): `fnv1a`, `sip13`,
//!   `foldhash`, `xxh3`, `model`;
//! - an index method ([`IndexFn`], in [`index`]): `mask`, `modulo`, `fastrange`;
//! - a key kind ([`KeyKind`], in [`keys`]): random `u64`s or random
//!   alphanumeric `strings` of 8–32 bytes,
//!
//! and reports the spread ([`spread`]: entropy against its ideal log2 M,
//! chains, empty buckets, a chi-squared test against uniform) and the time
//! per locate ([`timing`]: median over repetitions of the whole key set).
//!
//! For benchmarks the two phases are separate: build a [`KeySet`] once, build
//! a [`Locator`], then time only [`Locator::locate_all`], which returns a
//! checksum of every key's bucket.
//!
//! ```text
//! mapamp locate --hash fnv1a --index modulo --keys strings --n 1000000 --buckets 1024
//! mapamp locate --hash xxh3 --index mask --buckets 4096 --json
//! ```

mod cli;
mod drive;
mod error;
pub mod hashes;
pub mod index;
pub mod keys;
mod report;
pub mod spread;
pub mod timing;

pub use cli::LocateArgs;
pub use error::LocateError;
pub use hashes::HashFn;
pub use index::{IndexFn, Indexer};
pub use keys::{KeyKind, KeyRef, KeySet};
pub use report::{render_json, render_text, LocateReport};

use serde::{Deserialize, Serialize};

/// Timed repetitions of the whole key set unless told otherwise.
pub const DEFAULT_REPETITIONS: usize = 11;

/// A hash function and an index method bound to a bucket count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locator {
    hash: HashFn,
    indexer: Indexer,
}

impl Locator {
    /// A locator into `buckets` buckets, or an error if `index` cannot index that many.
    pub fn new(hash: HashFn, index: IndexFn, buckets: u64) -> Result<Locator, LocateError> {
        Ok(Locator {
            hash,
            indexer: Indexer::new(index, buckets)?,
        })
    }

    /// The hash function.
    pub fn hash(&self) -> HashFn {
        self.hash
    }

    /// The index method.
    pub fn index(&self) -> IndexFn {
        self.indexer.method()
    }

    /// The bucket count.
    pub fn buckets(&self) -> u64 {
        self.indexer.buckets()
    }

    /// The bucket of one key.
    pub fn bucket(&self, key: KeyRef<'_>) -> u64 {
        let h = match key {
            KeyRef::U64(k) => self.hash.hash_u64(k),
            KeyRef::Bytes(b) => self.hash.hash_bytes(b),
        };
        self.indexer.index(h)
    }

    /// Locates every key of `keys` and returns the wrapping sum of their
    /// buckets: the region benchmarks time (nothing else happens in it).
    pub fn locate_all(&self, keys: &KeySet) -> u64 {
        let mut sum = drive::Checksum::default();
        drive::drive(keys, self.hash, self.indexer, &mut sum);
        sum.0
    }

    /// Keys per bucket over all of `keys`.
    pub fn bucket_counts(&self, keys: &KeySet) -> Vec<u64> {
        let mut counts = drive::Counts(vec![0; self.buckets() as usize]);
        drive::drive(keys, self.hash, self.indexer, &mut counts);
        counts.0
    }
}

/// What is located: a hash function and an index method placing `n` keys
/// of one kind (generated from `seed`) into `buckets` buckets. The
/// command's configuration, its report and a profile's locate cell all
/// start with it (flattened: its fields stand at their top level in JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Combination {
    /// Hash function.
    pub hash: HashFn,
    /// Index method.
    pub index: IndexFn,
    /// Key kind.
    pub keys: KeyKind,
    /// Number of keys.
    pub n: usize,
    /// Number of buckets (M).
    pub buckets: u64,
    /// Seed the keys are generated from.
    pub seed: u64,
}

/// What to locate, into what, and how often to time it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocateConfig {
    /// The combination located.
    #[serde(flatten)]
    pub what: Combination,
    /// Timed repetitions of the whole key set.
    pub repetitions: usize,
}

impl Default for LocateConfig {
    /// The command line's defaults: a million random strings, FNV-1a + modulo, 1024 buckets.
    fn default() -> Self {
        LocateConfig {
            what: Combination {
                hash: HashFn::Fnv1a,
                index: IndexFn::Modulo,
                keys: KeyKind::Strings,
                n: 1_000_000,
                buckets: 1024,
                seed: 1,
            },
            repetitions: DEFAULT_REPETITIONS,
        }
    }
}

/// A generous estimate of the memory a run needs: the keys at their
/// largest plus one 8-byte counter per bucket.
pub fn estimate_bytes(c: &Combination) -> u128 {
    c.n as u128 * c.keys.max_bytes_per_key() as u128 + c.buckets as u128 * 8
}

/// Checks a configuration before anything is generated.
pub fn validate(cfg: &LocateConfig) -> Result<(), LocateError> {
    let c = &cfg.what;
    if c.n == 0 {
        return Err(LocateError::NoKeys);
    }
    if c.buckets == 0 {
        return Err(LocateError::NoBuckets);
    }
    if cfg.repetitions == 0 {
        return Err(LocateError::NoRepetitions);
    }
    c.index.check(c.buckets)?;
    let need = estimate_bytes(c);
    let too_big = |available_mib: Option<u64>| LocateError::TooLarge {
        n: c.n,
        keys: c.keys,
        buckets: c.buckets,
        need_mib: need >> 20,
        per_key: c.keys.max_bytes_per_key(),
        available_mib,
    };
    if need > isize::MAX as u128 {
        return Err(too_big(None));
    }
    if let Some(avail) = crate::machine::available_memory_bytes() {
        if need > avail as u128 {
            return Err(too_big(Some(avail >> 20)));
        }
    }
    Ok(())
}

/// Generates the keys, measures their spread over the buckets, times the locate, and reports.
pub fn locate(cfg: &LocateConfig) -> Result<LocateReport, LocateError> {
    validate(cfg)?;
    let c = &cfg.what;
    let locator = Locator::new(c.hash, c.index, c.buckets)?;
    let keys = KeySet::generate(c.keys, c.n, c.seed);
    let counts = locator.bucket_counts(&keys);
    let t = timing::time_locate(&locator, &keys, cfg.repetitions);
    let chi2 = spread::chi2(&counts);
    Ok(LocateReport {
        what: c.clone(),
        mean_key_bytes: keys.mean_key_bytes(),
        entropy_bits: spread::entropy_bits(&counts),
        ideal_bits: spread::ideal_bits(c.buckets),
        max_chain: spread::max_chain(&counts),
        mean_chain: spread::mean_chain(&counts),
        empty_buckets: spread::empty_buckets(&counts),
        chi2,
        chi2_df: c.buckets - 1,
        chi2_p: spread::chi2_p(chi2, c.buckets - 1),
        ns_per_locate: t.median_ns,
        ns_per_locate_min: t.min_ns,
        ns_per_locate_max: t.max_ns,
        repetitions: t.repetitions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(hash: HashFn, index: IndexFn, keys: KeyKind) -> LocateConfig {
        LocateConfig {
            what: Combination {
                hash,
                index,
                keys,
                n: 5_000,
                buckets: 64,
                seed: 3,
            },
            repetitions: 2,
        }
    }

    #[test]
    fn the_loop_agrees_with_the_single_key_path_for_every_combination() {
        for keys_kind in KeyKind::ALL {
            let keys = KeySet::generate(keys_kind, 2_000, 5);
            for hash in HashFn::ALL {
                for index in IndexFn::ALL {
                    let loc = Locator::new(hash, index, 256).unwrap();
                    let singles: Vec<u64> =
                        (0..keys.len()).map(|i| loc.bucket(keys.get(i))).collect();
                    let sum = singles.iter().fold(0u64, |a, &b| a.wrapping_add(b));
                    assert_eq!(loc.locate_all(&keys), sum, "{hash} {index} {keys_kind}");
                    assert_eq!(
                        loc.bucket_counts(&keys),
                        spread::bucket_counts(singles, 256),
                        "{hash} {index} {keys_kind}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_combination_reports_consistent_figures() {
        for keys in KeyKind::ALL {
            for hash in HashFn::ALL {
                for index in IndexFn::ALL {
                    let r = locate(&small(hash, index, keys)).unwrap();
                    assert_eq!(
                        (r.what.hash, r.what.index, r.what.keys),
                        (hash, index, keys)
                    );
                    assert_eq!(r.ideal_bits, 6.0);
                    assert!(r.entropy_bits <= r.ideal_bits + 1e-12);
                    // 5000 keys in 64 buckets: a decent hash is within a few hundredths of a bit.
                    assert!(
                        r.ideal_bits - r.entropy_bits < 0.05,
                        "{hash} {index} {keys}: {}",
                        r.entropy_bits
                    );
                    assert!((0.0..=1.0).contains(&r.chi2_p.unwrap()));
                    assert_eq!(r.chi2_df, 63);
                    assert!(r.max_chain as f64 >= r.mean_chain);
                    assert!(r.ns_per_locate > 0.0);
                    assert_eq!(r.repetitions, 2);
                }
            }
        }
    }

    #[test]
    fn reports_are_deterministic_apart_from_timing() {
        let cfg = small(HashFn::Model, IndexFn::Fastrange, KeyKind::Strings);
        let (a, b) = (locate(&cfg).unwrap(), locate(&cfg).unwrap());
        assert_eq!(
            (a.entropy_bits, a.chi2, a.max_chain, a.empty_buckets),
            (b.entropy_bits, b.chi2, b.max_chain, b.empty_buckets)
        );
    }

    #[test]
    fn invalid_configurations_are_refused_with_the_reason() {
        let ok = LocateConfig::default();
        let refused = |change: &dyn Fn(&mut LocateConfig)| {
            let mut cfg = ok.clone();
            change(&mut cfg);
            validate(&cfg).unwrap_err().to_string()
        };
        let e = refused(&|c| c.what.n = 0);
        assert!(e.contains("n must be at least 1"), "{e}");
        let e = refused(&|c| c.what.buckets = 0);
        assert!(e.contains("buckets must be at least 1"), "{e}");
        let e = refused(&|c| c.repetitions = 0);
        assert!(e.contains("repetitions"), "{e}");
        let e = refused(&|c| {
            c.what.index = IndexFn::Mask;
            c.what.buckets = 1000;
        });
        assert!(
            e.contains("1000") && e.contains("modulo") && e.contains("fastrange"),
            "{e}"
        );
        let e = refused(&|c| c.what.n = usize::MAX);
        assert!(e.contains("MiB") && e.contains("smaller --n"), "{e}");
        assert!(validate(&ok).is_ok());
    }

    #[test]
    fn memory_estimate_counts_keys_and_buckets() {
        let what = Combination {
            keys: KeyKind::U64,
            n: 1000,
            buckets: 10,
            ..LocateConfig::default().what
        };
        assert_eq!(estimate_bytes(&what), 8000 + 80);
    }
}
