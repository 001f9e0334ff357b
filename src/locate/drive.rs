//! The locate loop: hash every key of a [`KeySet`], index it, hand the bucket on.
//!
//! The hash function and index method are chosen once, outside the loop, so
//! each (hash, index, key kind) combination runs its own monomorphised loop
//! with no per-key dispatch. Each key passes through
//! [`std::hint::black_box`] so the compiler cannot precompute or merge the
//! work of different keys: the loop measures one locate after another, as a
//! map's lookups would do it.

use super::hashes::{self, HashFn};
use super::index::{self, IndexFn, Indexer};
use super::keys::KeySet;
use std::hint::black_box;

/// Receives the bucket of every key, in key order.
pub(crate) trait Sink {
    /// Takes one key's bucket.
    fn put(&mut self, bucket: u64);
}

/// Folds buckets into a checksum (what timing keeps alive).
#[derive(Default)]
pub(crate) struct Checksum(pub u64);

impl Sink for Checksum {
    #[inline(always)]
    fn put(&mut self, bucket: u64) {
        self.0 = self.0.wrapping_add(bucket);
    }
}

/// Counts keys per bucket.
pub(crate) struct Counts(pub Vec<u64>);

impl Sink for Counts {
    #[inline(always)]
    fn put(&mut self, bucket: u64) {
        self.0[bucket as usize] += 1;
    }
}

/// Locates every key of `keys` with `hash` and `indexer`, feeding `sink`.
pub(crate) fn drive<S: Sink>(keys: &KeySet, hash: HashFn, indexer: Indexer, sink: &mut S) {
    match hash {
        HashFn::Fnv1a => with_index(
            keys,
            hashes::fnv1a,
            |k| hashes::fnv1a(&k.to_le_bytes()),
            indexer,
            sink,
        ),
        HashFn::Sip13 => with_index(
            keys,
            hashes::sip13,
            |k| hashes::sip13(&k.to_le_bytes()),
            indexer,
            sink,
        ),
        HashFn::Foldhash => with_index(
            keys,
            hashes::foldhash_bytes,
            |k| hashes::foldhash_bytes(&k.to_le_bytes()),
            indexer,
            sink,
        ),
        HashFn::Xxh3 => with_index(
            keys,
            hashes::xxh3,
            |k| hashes::xxh3(&k.to_le_bytes()),
            indexer,
            sink,
        ),
        HashFn::Model => with_index(keys, hashes::model_bytes, hashes::model_u64, indexer, sink),
    }
}

/// Binds the index method, then runs the loop.
#[inline(always)]
fn with_index<S, HB, HU>(
    keys: &KeySet,
    hash_bytes: HB,
    hash_u64: HU,
    indexer: Indexer,
    sink: &mut S,
) where
    S: Sink,
    HB: Fn(&[u8]) -> u64,
    HU: Fn(u64) -> u64,
{
    let m = indexer.buckets();
    match indexer.method() {
        IndexFn::Mask => {
            let mask = m - 1;
            run(
                keys,
                hash_bytes,
                hash_u64,
                move |h| index::mask(h, mask),
                sink,
            )
        }
        IndexFn::Modulo => run(
            keys,
            hash_bytes,
            hash_u64,
            move |h| index::modulo(h, m),
            sink,
        ),
        IndexFn::Fastrange => run(
            keys,
            hash_bytes,
            hash_u64,
            move |h| index::fastrange(h, m),
            sink,
        ),
    }
}

/// The loop itself.
#[inline(always)]
fn run<S, HB, HU, IX>(keys: &KeySet, hash_bytes: HB, hash_u64: HU, ix: IX, sink: &mut S)
where
    S: Sink,
    HB: Fn(&[u8]) -> u64,
    HU: Fn(u64) -> u64,
    IX: Fn(u64) -> u64,
{
    match keys {
        KeySet::U64(v) => {
            for &k in v {
                sink.put(ix(hash_u64(black_box(k))));
            }
        }
        KeySet::Strings { bytes, offsets } => {
            for w in offsets.windows(2) {
                let key = black_box(&bytes[w[0]..w[1]]);
                sink.put(ix(hash_bytes(key)));
            }
        }
    }
}
