//! Lookups (`mapaccess1`, `mapaccessK`, `mapaccess1_fast64`,
//! `mapaccess1_fast32`) and the slot readers shared by every operation.

use super::layout::{
    before_rest, first_slot, get_top, is_evacuated, slots_matching, slots_rest, top_word, tophash,
};
use super::storage::{array_ref, Generation, Storage, NIL};
use super::GoMap;
use crate::accounting::Probe;
use crate::by_geometry;
use crate::gotype::FastPath;
use crate::hash::KeyHasher;
use crate::mem::{load32, load64};

impl<H: KeyHasher, P: Probe, S: Storage> GoMap<H, P, S> {
    /// The value stored under `key` (`v, ok := m[key]`). Takes Go's
    /// specialised route for the map type, as the compiler would.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        debug_assert_eq!(key.len(), self.t.key.size, "key of the map's key size");
        match self.t.fast {
            FastPath::Fast64 => self.get_u64(load64(key, 0)),
            FastPath::Fast32 => self.get_fast32(load32(key, 0), key),
            _ => by_geometry!(self.get_g(key)),
        }
    }

    /// `mapaccess2_fast64`: the value under an 8-byte key given as its
    /// value. Keys are compared as words; as in the generic lookup the
    /// tophash picks the candidate slots and the walk stops at
    /// `emptyRest` (Go's fast variant compares every non-empty slot's key
    /// instead: the same answer).
    #[inline]
    pub fn get_u64(&self, key: u64) -> Option<&[u8]> {
        debug_assert_eq!(self.t.fast, FastPath::Fast64);
        if self.hdr.count == 0 {
            return None;
        }
        let hash = self.hasher.hash_u64(key, self.hdr.hash0);
        let (g, r) = self.lookup_start(hash, self.bb());
        let (r, i) = self.find_in_chain_by(g, r, tophash(hash), |b, off| load64(b, off) == key)?;
        let eo = self.t.elem_off(i);
        Some(&g.bucket(r, self.bb())[eo..eo + self.t.elem.size])
    }

    /// `mapaccess2_fast32`: keys compared as 32-bit words.
    #[inline]
    fn get_fast32(&self, k: u32, key: &[u8]) -> Option<&[u8]> {
        if self.hdr.count == 0 {
            return None;
        }
        let hash = self.hash_key(key);
        let (g, r) = self.lookup_start(hash, self.bb());
        let (r, i) = self.find_in_chain_by(g, r, tophash(hash), |b, off| load32(b, off) == k)?;
        let eo = self.t.elem_off(i);
        Some(&g.bucket(r, self.bb())[eo..eo + self.t.elem.size])
    }

    #[inline(always)]
    fn get_g<const INLINE: bool>(&self, key: &[u8]) -> Option<&[u8]> {
        if self.hdr.count == 0 {
            return None;
        }
        let hash = self.hash_key(key);
        let (g, r) = self.lookup_start(hash, self.bb());
        let (r, i) = self.find_in_chain::<INLINE>(g, r, tophash(hash), key)?;
        Some(self.slot_val::<INLINE>(g.bucket(r, self.bb()), i))
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// The stored key and value for `key` (`mapaccessK`).
    pub fn get_key_value(&self, key: &[u8]) -> Option<(&[u8], &[u8])> {
        if self.hdr.count == 0 {
            return None;
        }
        let bb = self.bb();
        let hash = self.hash_key(key);
        let (g, r) = self.lookup_start(hash, bb);
        let (r, i) = self.find_in_chain::<false>(g, r, tophash(hash), key)?;
        let b = g.bucket(r, bb);
        Some((self.slot_key(b, i), self.slot_val::<false>(b, i)))
    }

    /// Where a lookup starts: the current bucket, or its old bucket while
    /// that one is not yet evacuated.
    #[inline(always)]
    pub(crate) fn lookup_start(&self, hash: u64, bb: usize) -> (&Generation<S>, u64) {
        let mask = self.hdr.mask;
        if self.hdr.growing {
            let old_mask = if self.hdr.same_size { mask } else { mask >> 1 };
            let old = &self.oldbuckets;
            let ob = hash as usize & old_mask;
            if !is_evacuated(get_top(old.main(ob, bb), 0)) {
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
        r: u64,
        top: u8,
        key: &[u8],
    ) -> Option<(u64, usize)> {
        self.find_in_chain_by(g, r, top, |b, off| {
            if !INLINE && self.t.indirect_key {
                self.key_objs.get(load64(b, off)) == key
            } else {
                crate::mem::eq(key, &b[off..])
            }
        })
    }

    /// Walks a chain from bucket `r` for the slot whose tophash is `top`
    /// and whose key slot (at its offset in the bucket) `key_eq` accepts.
    #[inline(always)]
    pub(crate) fn find_in_chain_by(
        &self,
        g: &Generation<S>,
        mut r: u64,
        top: u8,
        key_eq: impl Fn(&[u8], usize) -> bool,
    ) -> Option<(u64, usize)> {
        let bb = self.bb();
        while r != NIL {
            let b = g.bucket(r, bb);
            let w = top_word(b);
            let rest = slots_rest(w);
            let mut m = before_rest(slots_matching(w, top), rest);
            while m != 0 {
                let i = first_slot(m);
                if key_eq(b, self.t.key_off(i)) {
                    return Some((r, i));
                }
                m &= m - 1;
            }
            if rest != 0 {
                return None;
            }
            r = load64(b, self.t.overflow_off);
        }
        None
    }

    /// Whether slot `i` of bucket `b` holds `key`.
    #[inline(always)]
    pub(crate) fn slot_key_eq<const INLINE: bool>(&self, b: &[u8], i: usize, key: &[u8]) -> bool {
        let off = self.t.key_off(i);
        if !INLINE && self.t.indirect_key {
            self.key_objs.get(load64(b, off)) == key
        } else {
            crate::mem::eq(key, &b[off..])
        }
    }

    /// The bytes of the key in slot `i` (the object's bytes when indirect).
    #[inline(always)]
    pub(crate) fn slot_key<'a>(&'a self, b: &'a [u8], i: usize) -> &'a [u8] {
        let off = self.t.key_off(i);
        if self.t.indirect_key {
            self.key_objs.get(load64(b, off))
        } else {
            &b[off..off + self.t.key.size]
        }
    }

    /// The bytes of the value in slot `i` (the object's bytes when indirect).
    #[inline(always)]
    pub(crate) fn slot_val<'a, const INLINE: bool>(&'a self, b: &'a [u8], i: usize) -> &'a [u8] {
        let off = self.t.elem_off(i);
        if !INLINE && self.t.indirect_elem {
            self.val_objs.get(load64(b, off))
        } else {
            &b[off..off + self.t.elem.size]
        }
    }
}
