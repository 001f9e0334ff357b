//! What `locate` refuses, with the value to blame and what would do.

use super::KeyKind;

/// Why a locate configuration cannot run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocateError {
    /// A hash, index method or key kind that does not exist.
    #[error(transparent)]
    UnknownName(#[from] crate::names::UnknownName),
    /// `n = 0`.
    #[error("n must be at least 1 (the number of keys to locate)")]
    NoKeys,
    /// `buckets = 0`.
    #[error("buckets must be at least 1")]
    NoBuckets,
    /// `repetitions = 0`.
    #[error("repetitions must be at least 1")]
    NoRepetitions,
    /// `mask` indexing asked for a bucket count that is not a power of two.
    #[error(
        "index method `mask` needs a power-of-two bucket count, but buckets = {buckets} \
         (nearest powers of two: {below} and {above}); use --index modulo or --index fastrange \
         for any bucket count"
    )]
    MaskNeedsPowerOfTwo {
        /// The bucket count asked for.
        buckets: u64,
        /// The power of two below it.
        below: u64,
        /// The power of two above it.
        above: u64,
    },
    /// The keys and counters would not fit in memory.
    #[error(
        "n = {n} keys ({keys}) into {buckets} buckets needs about {need_mib} MiB (up to {per_key} bytes per key, 8 per bucket), \
         more than {}; use a smaller --n or --buckets",
        match available_mib {
            Some(a) => format!("the {a} MiB available"),
            None => "this machine can address".to_string(),
        }
    )]
    TooLarge {
        /// Keys asked for.
        n: usize,
        /// Their kind.
        keys: KeyKind,
        /// Buckets asked for.
        buckets: u64,
        /// Memory needed, MiB.
        need_mib: u128,
        /// Largest bytes per key of this kind.
        per_key: u64,
        /// Memory available, MiB; `None` when the need is past what the
        /// machine can address at all.
        available_mib: Option<u64>,
    },
}
