//! The keys `locate` hashes: [`KeyKind`] and a prepared [`KeySet`].
//!
//! A key set is generated once, before anything is measured, and is fully
//! determined by its kind, size and seed:
//!
//! - `u64`: uniform random 64-bit keys from [`crate::rng::Rng`];
//! - `strings`: random byte strings of [`STRING_MIN_LEN`]..=[`STRING_MAX_LEN`]
//!   bytes (length uniform in that range), each byte drawn uniformly from the
//!   62-character alphabet [`ALPHANUMERIC`].
//!
//! Keys are drawn independently, so duplicates are possible but, for these
//! key spaces (2^64 values; at least 62^8 ≈ 2·10^14 strings), vanishingly rare.
//! String keys live in one contiguous buffer with an offset table, so
//! walking a key set touches memory sequentially.

use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use strum::VariantArray;

/// Bytes of a string key are drawn from these 62 characters.
pub const ALPHANUMERIC: &[u8; 62] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Shortest string key, in bytes.
pub const STRING_MIN_LEN: usize = 8;
/// Longest string key, in bytes.
pub const STRING_MAX_LEN: usize = 32;

/// The kind of key a key set holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::VariantArray, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "lowercase")]
pub enum KeyKind {
    /// Uniform random 64-bit integers.
    U64,
    /// Random alphanumeric strings of 8 to 32 bytes.
    Strings,
}

impl crate::names::Named for KeyKind {}

impl KeyKind {
    /// Every key kind, in a fixed order.
    pub const ALL: [KeyKind; 2] = crate::names::all(KeyKind::VARIANTS);

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Parses a name, with an error naming the valid ones.
    pub fn parse(s: &str) -> Result<KeyKind, crate::names::UnknownName> {
        crate::names::parse(s, "key kind", "valid key kinds")
    }

    /// An upper bound on the memory one key of this kind takes in a [`KeySet`].
    pub fn max_bytes_per_key(self) -> u64 {
        match self {
            KeyKind::U64 => 8,
            KeyKind::Strings => (STRING_MAX_LEN + std::mem::size_of::<usize>()) as u64,
        }
    }
}

/// One key of a key set, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRef<'a> {
    /// A 64-bit integer key.
    U64(u64),
    /// A byte-string key.
    Bytes(&'a [u8]),
}

/// A prepared, immutable set of keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySet {
    /// 64-bit integer keys.
    U64(Vec<u64>),
    /// Byte-string keys: key `i` is `bytes[offsets[i]..offsets[i + 1]]`.
    Strings {
        /// All keys' bytes, back to back.
        bytes: Vec<u8>,
        /// `len() + 1` offsets into `bytes`, starting at 0.
        offsets: Vec<usize>,
    },
}

impl KeySet {
    /// `n` keys of `kind`, fully determined by `seed`.
    pub fn generate(kind: KeyKind, n: usize, seed: u64) -> KeySet {
        let mut rng = Rng::new(seed);
        match kind {
            KeyKind::U64 => KeySet::U64((0..n).map(|_| rng.next_u64()).collect()),
            KeyKind::Strings => {
                let span = (STRING_MAX_LEN - STRING_MIN_LEN + 1) as u64;
                let mean = (STRING_MIN_LEN + STRING_MAX_LEN) / 2;
                let mut bytes = Vec::with_capacity(n.saturating_mul(mean));
                let mut offsets = Vec::with_capacity(n + 1);
                offsets.push(0);
                for _ in 0..n {
                    let len = STRING_MIN_LEN + rng.below(span) as usize;
                    for _ in 0..len {
                        bytes.push(ALPHANUMERIC[rng.below(ALPHANUMERIC.len() as u64) as usize]);
                    }
                    offsets.push(bytes.len());
                }
                KeySet::Strings { bytes, offsets }
            }
        }
    }

    /// The kind of key held.
    pub fn kind(&self) -> KeyKind {
        match self {
            KeySet::U64(_) => KeyKind::U64,
            KeySet::Strings { .. } => KeyKind::Strings,
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        match self {
            KeySet::U64(v) => v.len(),
            KeySet::Strings { offsets, .. } => offsets.len() - 1,
        }
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Key `i` (panics if `i >= len()`).
    pub fn get(&self, i: usize) -> KeyRef<'_> {
        match self {
            KeySet::U64(v) => KeyRef::U64(v[i]),
            KeySet::Strings { bytes, offsets } => KeyRef::Bytes(&bytes[offsets[i]..offsets[i + 1]]),
        }
    }

    /// Mean key length in bytes (8 for `u64` keys; 0 for an empty set).
    pub fn mean_key_bytes(&self) -> f64 {
        match self {
            _ if self.is_empty() => 0.0,
            KeySet::U64(_) => 8.0,
            KeySet::Strings { bytes, .. } => bytes.len() as f64 / self.len() as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_per_seed() {
        for kind in KeyKind::ALL {
            let a = KeySet::generate(kind, 100, 9);
            assert_eq!(a, KeySet::generate(kind, 100, 9));
            assert_ne!(a, KeySet::generate(kind, 100, 10));
            assert_eq!(a.len(), 100);
            assert_eq!(a.kind(), kind);
        }
    }

    #[test]
    fn strings_have_valid_lengths_and_alphabet_and_cover_both() {
        let ks = KeySet::generate(KeyKind::Strings, 20_000, 1);
        let mut lens = [0usize; STRING_MAX_LEN + 1];
        let mut chars = [false; 256];
        for i in 0..ks.len() {
            let KeyRef::Bytes(b) = ks.get(i) else {
                panic!("string key set yields bytes")
            };
            assert!((STRING_MIN_LEN..=STRING_MAX_LEN).contains(&b.len()));
            lens[b.len()] += 1;
            for &c in b {
                assert!(c.is_ascii_alphanumeric());
                chars[c as usize] = true;
            }
        }
        assert!(lens[STRING_MIN_LEN..].iter().all(|&c| c > 0));
        assert_eq!(chars.iter().filter(|&&c| c).count(), 62);
        let mean = ks.mean_key_bytes();
        assert!((mean - 20.0).abs() < 0.2, "mean length {mean}");
    }

    #[test]
    fn empty_sets_are_fine() {
        for kind in KeyKind::ALL {
            let ks = KeySet::generate(kind, 0, 1);
            assert!(ks.is_empty());
            assert_eq!(ks.mean_key_bytes(), 0.0);
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_valid_ones() {
        for k in KeyKind::ALL {
            assert_eq!(KeyKind::parse(k.name()), Ok(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.name())
            );
        }
        assert!(KeyKind::parse("uuid")
            .unwrap_err()
            .to_string()
            .contains("u64, strings"));
    }
}
