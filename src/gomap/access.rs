//! Lookups (`mapaccess1`, `mapaccessK`) and the slot readers shared by
//! every operation.

use super::layout::{
    before_rest, first_slot, get_top, is_evacuated, slots_matching, slots_rest, tophash, Geo,
};
use super::storage::{array_ref, Generation, Storage, NIL};
use super::GoMap;
use crate::accounting::Probe;
use crate::by_geometry;
use crate::hash::KeyHasher;
use crate::pod::Pod;

impl<K: Pod, V: Pod, H: KeyHasher, P: Probe, S: Storage> GoMap<K, V, H, P, S> {
    /// The geometry of this map's buckets.
    #[inline(always)]
    pub(crate) fn geo<const INLINE: bool>(&self) -> Geo {
        Geo::of::<INLINE>(&self.lay, K::WORDS, V::WORDS)
    }

    /// The value stored under `key` (`v, ok := m[key]`).
    #[inline]
    pub fn get(&self, key: &K) -> Option<V> {
        by_geometry!(self.get_g(key))
    }

    #[inline(always)]
    fn get_g<const INLINE: bool>(&self, key: &K) -> Option<V> {
        if self.hdr.count == 0 {
            return None;
        }
        let geo = self.geo::<INLINE>();
        let hash = self.hash_words(key.words());
        let (g, r) = self.lookup_start(hash, geo.bw);
        let (r, i) = self.find_in_chain::<INLINE>(g, r, tophash(hash), key)?;
        Some(self.slot_val::<INLINE>(g.bucket(r, geo.bw), i))
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// The stored key and value for `key` (`mapaccessK`).
    pub fn get_key_value(&self, key: &K) -> Option<(K, V)> {
        if self.hdr.count == 0 {
            return None;
        }
        let bw = self.lay.bucket_words;
        let hash = self.hash_words(key.words());
        let (g, r) = self.lookup_start(hash, bw);
        let (r, i) = self.find_in_chain::<false>(g, r, tophash(hash), key)?;
        let b = g.bucket(r, bw);
        Some((self.slot_key(b, i), self.slot_val::<false>(b, i)))
    }

    /// Where a lookup starts: the current bucket, or its old bucket while
    /// that one is not yet evacuated.
    #[inline(always)]
    pub(crate) fn lookup_start(&self, hash: u64, bw: usize) -> (&Generation<S>, u64) {
        let mask = self.hdr.mask;
        if self.hdr.growing {
            let old_mask = if self.hdr.same_size { mask } else { mask >> 1 };
            let old = &self.oldbuckets;
            let ob = hash as usize & old_mask;
            if !is_evacuated(get_top(old.main(ob, bw), 0)) {
                return (old, array_ref(ob));
            }
        }
        (&self.buckets, array_ref(hash as usize & mask))
    }

    /// Walks a chain for `key`, stopping early at `emptyRest`.
    #[inline(always)]
    pub(crate) fn find_in_chain<const INLINE: bool>(
        &self,
        g: &Generation<S>,
        mut r: u64,
        top: u8,
        key: &K,
    ) -> Option<(u64, usize)> {
        let geo = self.geo::<INLINE>();
        while r != NIL {
            let b = g.bucket(r, geo.bw);
            let w = b[0];
            let rest = slots_rest(w);
            let mut m = before_rest(slots_matching(w, top), rest);
            while m != 0 {
                let i = first_slot(m);
                if self.slot_key_eq::<INLINE>(b, i, key) {
                    return Some((r, i));
                }
                m &= m - 1;
            }
            if rest != 0 {
                return None;
            }
            r = b[geo.link];
        }
        None
    }

    /// Whether slot `i` of bucket `b` holds `key`.
    #[inline(always)]
    pub(crate) fn slot_key_eq<const INLINE: bool>(&self, b: &[u64], i: usize, key: &K) -> bool {
        let geo = self.geo::<INLINE>();
        let off = geo.key_off(i);
        if !INLINE && geo.key_indirect {
            self.key_objs.get(b[off]) == key
        } else {
            key.eq_words(&b[off..off + K::WORDS])
        }
    }

    /// The words of the key in slot `i` (the object's words when indirect).
    #[inline(always)]
    pub(crate) fn slot_key_words<'a>(&'a self, b: &'a [u64], i: usize) -> &'a [u64] {
        let off = self.lay.key_off(i);
        if self.lay.key_indirect {
            self.key_objs.get(b[off]).words()
        } else {
            &b[off..off + K::WORDS]
        }
    }

    /// The key in slot `i`.
    #[inline(always)]
    pub(crate) fn slot_key(&self, b: &[u64], i: usize) -> K {
        K::from_words(self.slot_key_words(b, i))
    }

    /// The value in slot `i`.
    #[inline(always)]
    pub(crate) fn slot_val<const INLINE: bool>(&self, b: &[u64], i: usize) -> V {
        let geo = self.geo::<INLINE>();
        let off = geo.val_off(i);
        if !INLINE && geo.val_indirect {
            *self.val_objs.get(b[off])
        } else {
            V::from_words(&b[off..off + V::WORDS])
        }
    }
}
