//! The hash functions `locate` compares: [`HashFn`].
//!
//! Every function hashes a key's **bytes** under a fixed key or seed, so the
//! same key always gives the same hash and figures are reproducible:
//!
//! | name | what | fixed key |
//! |---|---|---|
//! | `fnv1a` | 64-bit FNV-1a over the bytes (implemented here) | none (offset basis) |
//! | `sip13` | SipHash-1-3, the algorithm of Rust's std `DefaultHasher` | keys (0, 0), as `DefaultHasher::new()` |
//! | `foldhash` | foldhash 0.2 "fast", fed the bytes with `Hasher::write` | seed [`HASH_SEED`] |
//! | `xxh3` | XXH3 64-bit | seed 0 (`xxh3_64`) |
//! | `model` | the map model's default, [`crate::hash::SeededHash`], over the key's 64-bit words | seed [`HASH_SEED`] |
//!
//! A `u64` key is hashed as its 8 little-endian bytes, except by `model`,
//! which sees the key as the single word it is. For a byte-string key,
//! `model` sees the bytes packed into little-endian words (the last one
//! zero-padded) followed by the length as one more word, so keys that differ
//! only by trailing zero bytes still differ.

use crate::hash::{KeyHasher, SeededHash};
use serde::{Deserialize, Serialize};
use std::hash::{BuildHasher, Hasher};
use strum::VariantArray;

/// The seed given to the seeded hashes (`foldhash`, `model`).
pub const HASH_SEED: u64 = 0;

/// FNV-1a 64-bit offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV 64-bit prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// A hash function under study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::VariantArray, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "lowercase")]
pub enum HashFn {
    /// 64-bit FNV-1a.
    Fnv1a,
    /// SipHash-1-3 with keys (0, 0).
    Sip13,
    /// foldhash 0.2 fast.
    Foldhash,
    /// XXH3 64-bit.
    Xxh3,
    /// The map model's default hasher over the key's words.
    Model,
}

impl crate::names::Named for HashFn {}

impl HashFn {
    /// Every hash function, in a fixed order.
    pub const ALL: [HashFn; 5] = crate::names::all(HashFn::VARIANTS);

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Parses a name, with an error naming the valid ones.
    pub fn parse(s: &str) -> Result<HashFn, crate::names::UnknownName> {
        crate::names::parse(s, "hash", "valid hashes")
    }

    /// The hash of a byte-string key.
    pub fn hash_bytes(self, bytes: &[u8]) -> u64 {
        match self {
            HashFn::Fnv1a => fnv1a(bytes),
            HashFn::Sip13 => sip13(bytes),
            HashFn::Foldhash => foldhash_bytes(bytes),
            HashFn::Xxh3 => xxh3(bytes),
            HashFn::Model => model_bytes(bytes),
        }
    }

    /// The hash of a `u64` key (its little-endian bytes; `model`: its word).
    pub fn hash_u64(self, key: u64) -> u64 {
        match self {
            HashFn::Model => model_u64(key),
            h => h.hash_bytes(&key.to_le_bytes()),
        }
    }
}

/// 64-bit FNV-1a of `bytes`.
#[inline]
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// SipHash-1-3 of `bytes` with keys (0, 0), fed through `Hasher::write`.
#[inline]
pub fn sip13(bytes: &[u8]) -> u64 {
    let mut h = siphasher::sip::SipHasher13::new_with_keys(0, 0);
    h.write(bytes);
    h.finish()
}

/// foldhash 0.2 fast of `bytes`, seed [`HASH_SEED`], fed through `Hasher::write`.
#[inline]
pub fn foldhash_bytes(bytes: &[u8]) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(HASH_SEED).build_hasher();
    h.write(bytes);
    h.finish()
}

/// XXH3 64-bit of `bytes` (seed 0).
#[inline]
pub fn xxh3(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The model's hasher over a single word.
#[inline]
pub fn model_u64(key: u64) -> u64 {
    SeededHash.hash_u64(key, HASH_SEED)
}

/// Words kept on the stack when packing a byte key for `model` (keys up to 56 bytes).
const MODEL_STACK_WORDS: usize = 8;

/// The model's hasher over `bytes` packed into little-endian words plus the length.
#[inline]
pub fn model_bytes(bytes: &[u8]) -> u64 {
    let n = bytes.len().div_ceil(8) + 1;
    if n <= MODEL_STACK_WORDS {
        let mut words = [0u64; MODEL_STACK_WORDS];
        pack_words(bytes, &mut words[..n]);
        SeededHash.hash(crate::mem::bytes_of(&words[..n]), HASH_SEED)
    } else {
        let mut words = vec![0u64; n];
        pack_words(bytes, &mut words);
        SeededHash.hash(crate::mem::bytes_of(&words), HASH_SEED)
    }
}

/// Packs `bytes` into little-endian words (last one zero-padded), then the
/// length; `out` is exactly `ceil(len / 8) + 1` words long.
#[inline]
fn pack_words(bytes: &[u8], out: &mut [u64]) {
    let (len_word, data) = out.split_last_mut().expect("room for the length word");
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder();
    let mut words = data.iter_mut();
    // `chunks` first: zip stops on it without taking a word the tail needs.
    for (chunk, w) in chunks.zip(words.by_ref()) {
        *w = u64::from_le_bytes(chunk.try_into().expect("8-byte chunk"));
    }
    if let Some(w) = words.next() {
        let mut b = [0u8; 8];
        b[..tail.len()].copy_from_slice(tail);
        *w = u64::from_le_bytes(b);
    }
    *len_word = bytes.len() as u64;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_known_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn sip13_is_std_default_hasher() {
        use std::collections::hash_map::DefaultHasher;
        for key in [
            &b""[..],
            b"a",
            b"foobar",
            b"0123456789abcdefghijklmnopqrstuv",
        ] {
            let mut std = DefaultHasher::new();
            std.write(key);
            assert_eq!(HashFn::Sip13.hash_bytes(key), std.finish(), "{key:?}");
        }
        let mut std = DefaultHasher::new();
        std.write(&7u64.to_le_bytes());
        assert_eq!(HashFn::Sip13.hash_u64(7), std.finish());
    }

    #[test]
    fn xxh3_known_vector() {
        assert_eq!(xxh3(b""), 0x2d06800538d394c2);
    }

    #[test]
    fn model_hashes_words_and_length() {
        assert_eq!(HashFn::Model.hash_u64(5), SeededHash.hash_u64(5, HASH_SEED));
        // "abc" is one zero-padded word then the length 3.
        let w = u64::from_le_bytes(*b"abc\0\0\0\0\0");
        assert_eq!(
            model_bytes(b"abc"),
            SeededHash.hash(crate::mem::bytes_of(&[w, 3]), HASH_SEED)
        );
        // Trailing zero bytes change the length word, hence the hash.
        assert_ne!(model_bytes(b"abc"), model_bytes(b"abc\0"));
        // Every length, short (stack buffer) and long (heap), packs the same way.
        let bytes: Vec<u8> = (1..=100u8).collect();
        for len in 0..=bytes.len() {
            let key = &bytes[..len];
            let mut words: Vec<u64> = key
                .chunks(8)
                .map(|c| {
                    let mut b = [0u8; 8];
                    b[..c.len()].copy_from_slice(c);
                    u64::from_le_bytes(b)
                })
                .collect();
            words.push(len as u64);
            assert_eq!(
                model_bytes(key),
                SeededHash.hash(crate::mem::bytes_of(&words), HASH_SEED),
                "len {len}"
            );
        }
    }

    #[test]
    fn u64_keys_hash_as_little_endian_bytes() {
        for h in HashFn::ALL {
            if h != HashFn::Model {
                assert_eq!(
                    h.hash_u64(0x0102_0304),
                    h.hash_bytes(&0x0102_0304u64.to_le_bytes())
                );
            }
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_valid_ones() {
        for h in HashFn::ALL {
            assert_eq!(HashFn::parse(h.name()), Ok(h));
            assert_eq!(
                serde_json::to_string(&h).unwrap(),
                format!("\"{}\"", h.name())
            );
        }
        let e = HashFn::parse("md5").unwrap_err().to_string();
        assert!(
            e.contains("md5") && e.contains("fnv1a, sip13, foldhash, xxh3, model"),
            "{e}"
        );
    }

    #[test]
    fn hashes_differ_from_each_other() {
        let hs: Vec<u64> = HashFn::ALL.iter().map(|h| h.hash_bytes(b"key")).collect();
        for i in 0..hs.len() {
            for j in i + 1..hs.len() {
                assert_ne!(hs[i], hs[j]);
            }
        }
    }
}
