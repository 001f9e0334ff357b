//! Timing a locate: nanoseconds per hash + index over a prepared key set.
//!
//! One untimed pass warms caches, branch predictors and the CPU clock; then
//! every repetition times one full pass over all keys, and the figure is the
//! **median** repetition's time divided by the number of keys (min and max
//! are kept to show the spread). Keys are generated before timing starts;
//! only hashing, indexing and a running checksum (kept alive with
//! [`std::hint::black_box`]) are inside the timed region.

use super::keys::KeySet;
use super::Locator;
use std::hint::black_box;
use std::time::Instant;

/// Nanoseconds per locate over several repetitions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// Median repetition, ns per key.
    pub median_ns: f64,
    /// Fastest repetition, ns per key.
    pub min_ns: f64,
    /// Slowest repetition, ns per key.
    pub max_ns: f64,
    /// Timed repetitions (the warm-up pass not included).
    pub repetitions: usize,
}

/// Times `locator` over all of `keys`, `repetitions` times (at least 1) after one warm-up pass.
pub fn time_locate(locator: &Locator, keys: &KeySet, repetitions: usize) -> Timing {
    let repetitions = repetitions.max(1);
    let n = keys.len().max(1) as f64;
    black_box(locator.locate_all(black_box(keys)));
    let mut per_key: Vec<f64> = (0..repetitions)
        .map(|_| {
            let t0 = Instant::now();
            black_box(locator.locate_all(black_box(keys)));
            t0.elapsed().as_nanos() as f64 / n
        })
        .collect();
    per_key.sort_by(f64::total_cmp);
    Timing {
        median_ns: crate::stats::median(&per_key).expect("at least one repetition"),
        min_ns: per_key[0],
        max_ns: per_key[per_key.len() - 1],
        repetitions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::{HashFn, IndexFn, KeyKind};

    #[test]
    fn timing_is_positive_and_ordered() {
        let keys = KeySet::generate(KeyKind::Strings, 10_000, 1);
        let loc = Locator::new(HashFn::Fnv1a, IndexFn::Modulo, 1024).unwrap();
        let t = time_locate(&loc, &keys, 5);
        assert_eq!(t.repetitions, 5);
        assert!(t.min_ns > 0.0);
        assert!(t.min_ns <= t.median_ns && t.median_ns <= t.max_ns);
        assert_eq!(time_locate(&loc, &keys, 0).repetitions, 1);
    }
}
