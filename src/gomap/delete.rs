//! Deleting (`mapdelete`) and clearing (`mapclear`).

use super::layout::{get_top, set_top, tophash, BUCKET_CNT, EMPTY_ONE, EMPTY_REST};
use super::storage::{array_ref, Arena, Generation, Storage, NIL, NO_NEXT_OVERFLOW};
use super::GoMap;
use crate::accounting::{CopyPath, Probe};
use crate::by_geometry;
use crate::gotype::FastPath;
use crate::hash::KeyHasher;
use crate::mem::{load64, store64};

impl<H: KeyHasher, P: Probe, S: Storage> GoMap<H, P, S> {
    /// `delete(m, key)`. Returns whether the key was present.
    ///
    /// Like Go, a delete during growth first does the growth work for the
    /// bucket it touches, whether or not the key is present.
    #[inline]
    pub fn remove(&mut self, key: &[u8]) -> bool {
        debug_assert_eq!(key.len(), self.t.key.size, "key of the map's key size");
        by_geometry!(self.remove_g(key))
    }

    #[inline(always)]
    fn remove_g<const INLINE: bool>(&mut self, key: &[u8]) -> bool {
        if self.hdr.count == 0 {
            return false;
        }
        // mapdelete_fast64 hashes and compares the key as a word.
        let fast64 = self.t.fast == FastPath::Fast64;
        let hash = if fast64 {
            self.hasher.hash_u64(load64(key, 0), self.hdr.hash0)
        } else {
            self.hash_key(key)
        };
        let bucket = hash as usize & self.hdr.mask;
        if self.hdr.growing {
            self.grow_work(bucket);
        }
        let orig = array_ref(bucket);
        let g = &self.buckets;
        let found = if fast64 {
            let k = load64(key, 0);
            self.find_in_chain_by(g, orig, tophash(hash), |b, off| load64(b, off) == k)
        } else {
            self.find_in_chain::<INLINE>(g, orig, tophash(hash), key)
        };
        let Some((r, i)) = found else {
            return false;
        };
        self.clear_slot(r, i);
        self.mark_empty(orig, r, i);
        self.hdr.count -= 1;
        if self.hdr.count == 0 {
            // Re-seed so attackers cannot keep triggering collisions (Go issue 25237).
            self.hdr.hash0 = self.hdr.rand.next_u64();
        }
        true
    }

    /// Clears the key and value of a deleted slot where Go clears them:
    /// indirect slots drop their pointer; a plain-data value is zeroed; a
    /// plain-data key (no pointers) is left as is.
    fn clear_slot(&mut self, r: u64, i: usize) {
        let t = self.t;
        let alive = self.iterators_alive();
        if !alive {
            self.key_objs.collect();
            self.val_objs.collect();
        }
        let b = self.buckets.bucket_mut(r, t.bucket_size);
        let ko = t.key_off(i);
        if t.indirect_key {
            self.key_objs.release(load64(b, ko), alive);
            store64(b, ko, 0);
            self.probe.bytes(CopyPath::Delete, 8);
        }
        let vo = t.elem_off(i);
        if t.indirect_elem {
            self.val_objs.release(load64(b, vo), alive);
            store64(b, vo, 0);
            self.probe.bytes(CopyPath::Delete, 8);
        } else {
            b[vo..vo + t.elem.size].fill(0);
            self.probe.bytes(CopyPath::Delete, t.elem.size as u64);
        }
    }

    /// Marks slot `i` of bucket `r` empty and, if it ends the chain's
    /// entries, turns the trailing run of empty slots into `emptyRest`,
    /// walking back across the chain starting at `orig`.
    fn mark_empty(&mut self, orig: u64, mut r: u64, mut i: usize) {
        let bw = self.t.bucket_size;
        let link = self.t.overflow_off;
        let g: &mut Generation<S> = &mut self.buckets;
        set_top(g.bucket_mut(r, bw), i, EMPTY_ONE);
        self.probe.bytes(CopyPath::Delete, 1);
        // Is everything after this slot empty?
        let b = g.bucket(r, bw);
        let rest_after = if i == BUCKET_CNT - 1 {
            let next = load64(b, link);
            next == NIL || get_top(g.bucket(next, bw), 0) == EMPTY_REST
        } else {
            get_top(b, i + 1) == EMPTY_REST
        };
        if !rest_after {
            return;
        }
        loop {
            set_top(g.bucket_mut(r, bw), i, EMPTY_REST);
            self.probe.bytes(CopyPath::Delete, 1);
            if i == 0 {
                if r == orig {
                    break; // beginning of the chain
                }
                // Find the previous bucket and continue at its last slot.
                let c = r;
                r = orig;
                while load64(g.bucket(r, bw), link) != c {
                    r = load64(g.bucket(r, bw), link);
                }
                i = BUCKET_CNT - 1;
            } else {
                i -= 1;
            }
            if get_top(g.bucket(r, bw), i) != EMPTY_ONE {
                break;
            }
        }
    }

    /// `clear(m)` (`mapclear`): keeps the current array, zeroes it and
    /// re-derives its preallocated overflow tail; drops the old array and
    /// every overflow bucket; re-seeds the hash.
    pub fn clear(&mut self) {
        if self.hdr.count == 0 {
            return;
        }
        let alive = self.iterators_alive();
        self.hdr.same_size = false;
        self.hdr.growing = false;
        self.hdr.nevacuate = 0;
        self.hdr.noverflow = 0;
        self.hdr.count = 0;
        self.hdr.hash0 = self.hdr.rand.next_u64();
        let old = std::mem::replace(&mut self.oldbuckets, Generation::nil(0));
        self.release_generation(old);
        self.key_objs.clear(alive);
        self.val_objs.clear(alive);
        // makeBucketArray(t, h.B, h.buckets): zero the array in place.
        let bb = self.t.bucket_size as u64;
        let g = &mut self.buckets;
        super::storage::ArrayStore::words_mut(&mut g.array).fill(0);
        self.probe.bytes(CopyPath::ZeroFill, g.total as u64 * bb);
        // Overflow buckets and the overflow list become garbage (`*h.extra = mapextra{}`).
        g.overflow_list = Vec::new();
        g.next_overflow = NO_NEXT_OVERFLOW;
        if !alive {
            // (With a live iterator the arena stays: the iterator may be
            // inside an overflow bucket, which Go's collector would keep.)
            let arena = std::mem::take(&mut g.arena);
            if let Some(a) = arena.recycle() {
                self.spare_arena = Some(a);
            }
        }
        let mut g = std::mem::replace(&mut self.buckets, Generation::nil(0));
        self.init_overflow_tail(&mut g);
        self.buckets = g;
        self.refresh_fast_until();
    }
}
