//! Inserting and updating (`mapassign`, `mapassign_fast64`; 4-byte keys
//! take the generic route with fixed-size compares and copies, which is
//! what `mapassign_fast32` specialises).

use super::layout::{
    assign_bytes, before_rest, first_slot, set_top, slots_empty, slots_matching, slots_rest,
    top_word, tophash, with_top, Geo, KV88,
};
use super::make::too_many_overflow_buckets;
use super::overflow::new_overflow;
use super::prefetch;
use super::sizeclass::roundupsize;
use super::storage::{array_ref, Storage, NIL};
use super::GoMap;
use crate::accounting::{CopyPath, Event, Probe};
use crate::by_geometry;
use crate::gotype::FastPath;
use crate::hash::KeyHasher;
use crate::mem::{self, load64, store64};

/// What a chain walk for an insert found.
enum Slot {
    /// The key is present at `(bucket, index)`.
    Found(u64, usize),
    /// The key is absent; the first empty slot, if any, and the chain's last bucket.
    Absent(Option<(u64, usize)>, u64),
}

impl<H: KeyHasher, P: Probe, S: Storage> GoMap<H, P, S> {
    /// `m[key] = val`. Returns `true` when the key was new. `key` and `val`
    /// are the bytes of the map's key and value types; the map takes Go's
    /// specialised route for its type, as the compiler would.
    ///
    /// Always inlined, as hashbrown's insert is into its callers' loops: the
    /// fast path is short and the full `mapassign` stays out of line.
    #[inline(always)]
    pub fn insert(&mut self, key: &[u8], val: &[u8]) -> bool {
        debug_assert_eq!(key.len(), self.t.key.size, "key of the map's key size");
        if self.t.fast == FastPath::Fast64 {
            return self.insert_u64(load64(key, 0), val);
        }
        self.probe
            .event(Event::Write((key.len() + val.len()) as u64));
        let hash = self.hash_key(key);
        if self.hdr.count < self.hdr.fast_until {
            let stored = self.insert_fast::<false>(
                hash,
                |b, off| mem::eq(key, &b[off..]),
                |b, off| mem::copy(&mut b[off..], key),
                val,
            );
            if let Some(new) = stored {
                return new;
            }
        }
        by_geometry!(self.insert_slow(hash, key, val))
    }

    /// `mapassign_fast64`: `m[key] = val` for an 8-byte key given as its
    /// value (the map type's fast path must be [`FastPath::Fast64`]). The
    /// key is hashed as a word and compared and stored as one.
    #[inline(always)]
    pub fn insert_u64(&mut self, key: u64, val: &[u8]) -> bool {
        debug_assert_eq!(self.t.fast, FastPath::Fast64);
        debug_assert_eq!(val.len(), self.t.elem.size, "value of the map's value size");
        self.probe.event(Event::Write(8 + val.len() as u64));
        let hash = self.hasher.hash_u64(key, self.hdr.hash0);
        if self.hdr.count < self.hdr.fast_until {
            let key_eq = |b: &[u8], off| load64(b, off) == key;
            let key_store = |b: &mut [u8], off| store64(b, off, key);
            let stored = if val.len() == 8 {
                self.insert_fast::<true>(hash, key_eq, key_store, val)
            } else {
                self.insert_fast::<false>(hash, key_eq, key_store, val)
            };
            if let Some(new) = stored {
                return new;
            }
        }
        // Fast64 implies inline slots (8-byte keys, elements not indirect).
        self.insert_slow::<true>(hash, &key.to_le_bytes(), val)
    }

    /// The common insert or update, same semantics as [`Self::insert_slow`],
    /// taken only while [`Header::fast_until`](super::Header) allows it:
    /// keys and values are inline and no growth is in progress or can
    /// start. When the main bucket has an `emptyRest` slot, Go's loop stops
    /// in it: the key is in one of its slots with this tophash, or absent
    /// with the bucket's first empty slot as the insert position. Returns
    /// whether the key was new, or `None`, having changed nothing, when the
    /// chain goes on past the main bucket. `key_eq`/`key_store` compare and
    /// store the key at a key slot's offset.
    #[inline(always)]
    fn insert_fast<const IS_KV88: bool>(
        &mut self,
        hash: u64,
        key_eq: impl Fn(&[u8], usize) -> bool,
        key_store: impl Fn(&mut [u8], usize),
        val: &[u8],
    ) -> Option<bool> {
        debug_assert!(self.t.all_inline());
        debug_assert!(!IS_KV88 || Geo::of::<false>(&self.t) == KV88);
        let top = tophash(hash);
        let bb = Geo::of::<IS_KV88>(&self.t).bb;
        let bucket = hash as usize & self.hdr.mask;
        let b = self.buckets.main_mut(bucket, bb);
        // The slot's key and value lines are known only once the tophash
        // word arrives; ask for them now so the misses overlap.
        prefetch::after_first_line(b);
        let w = top_word(b);
        let rest = slots_rest(w);
        if rest == 0 {
            return None;
        }
        let matching = slots_matching(w, top);
        // Every slot after the first `emptyRest` is `emptyRest` too, so no
        // slot past it can match (a tophash is at least `MIN_TOP_HASH`).
        debug_assert_eq!(before_rest(matching, rest), matching);
        if matching != 0 {
            return Some(
                self.insert_fast_matched::<IS_KV88>(
                    bucket, w, top, matching, key_eq, key_store, val,
                ),
            );
        }
        self.fill_first_empty::<IS_KV88>(bucket, w, top, key_store, val);
        Some(true)
    }

    /// [`Self::insert_fast`] when slots of the main bucket carry the key's
    /// tophash: compares their keys, updates the value if one is equal,
    /// inserts otherwise. Out of line to keep the common insert short.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn insert_fast_matched<const IS_KV88: bool>(
        &mut self,
        bucket: usize,
        w: u64,
        top: u8,
        mut matching: u64,
        key_eq: impl Fn(&[u8], usize) -> bool,
        key_store: impl Fn(&mut [u8], usize),
        val: &[u8],
    ) -> bool {
        let g = Geo::of::<IS_KV88>(&self.t);
        let b = self.buckets.main_mut(bucket, g.bb);
        while matching != 0 {
            let i = first_slot(matching);
            if key_eq(b, g.key_off(i)) {
                Geo::put_val::<IS_KV88>(b, g.elem_off(i), val);
                self.probe.bytes(CopyPath::Assign, val.len() as u64);
                return false;
            }
            matching &= matching - 1;
        }
        self.fill_first_empty::<IS_KV88>(bucket, w, top, key_store, val);
        true
    }

    /// Stores a new entry in the first empty slot of main bucket `bucket`,
    /// whose tophash word is `w` (inline keys and values). Same stores and
    /// accounting as [`Self::store_new_entry`], written out to skip its
    /// link decode and tophash re-read.
    #[inline(always)]
    fn fill_first_empty<const IS_KV88: bool>(
        &mut self,
        bucket: usize,
        w: u64,
        top: u8,
        key_store: impl Fn(&mut [u8], usize),
        val: &[u8],
    ) {
        let g = Geo::of::<IS_KV88>(&self.t);
        let b = self.buckets.main_mut(bucket, g.bb);
        let i = first_slot(slots_empty(w));
        key_store(b, g.key_off(i));
        Geo::put_val::<IS_KV88>(b, g.elem_off(i), val);
        store64(b, 0, with_top(w, i, top));
        self.hdr.count += 1;
        self.probe.bytes(CopyPath::Assign, assign_bytes(&self.t));
    }

    /// `mapassign` in full: growth work, chain walk, growth trigger, overflow.
    #[inline(never)]
    fn insert_slow<const INLINE: bool>(&mut self, hash: u64, key: &[u8], val: &[u8]) -> bool {
        if !self.buckets.has_array() {
            // h.buckets == nil: allocate the first bucket (newobject(t.bucket)).
            let g = self.make_bucket_array(0, false);
            self.buckets = g;
            self.refresh_fast_until();
        }
        loop {
            let bucket = hash as usize & self.hdr.mask;
            if self.hdr.growing {
                self.grow_work(bucket);
            }
            let top = tophash(hash);
            match self.find_slot_for_insert::<INLINE>(array_ref(bucket), top, key) {
                Slot::Found(r, i) => {
                    self.update_value::<INLINE>(r, i, val);
                    return false;
                }
                Slot::Absent(insert_at, last) => {
                    if !self.hdr.growing
                        && (self.over_load_factor_next()
                            || too_many_overflow_buckets(self.hdr.noverflow, self.hdr.b))
                    {
                        self.hash_grow();
                        continue; // growing invalidates everything: try again
                    }
                    let (r, i) = match insert_at {
                        Some(at) => at,
                        None => {
                            // The chain is full: link a new overflow bucket.
                            let g = &mut self.buckets;
                            let ovf = new_overflow(
                                g,
                                last,
                                &self.t,
                                &mut self.hdr,
                                &mut self.probe,
                                CopyPath::Overflow,
                            );
                            (ovf, 0)
                        }
                    };
                    self.store_new_entry::<INLINE>(r, i, top, key, val);
                    return true;
                }
            }
        }
    }

    /// Walks the current chain remembering the first empty slot. Same
    /// semantics as Go's slot loop (stop at `emptyRest`, first empty slot in
    /// chain order), computed a word of tophashes at a time.
    #[inline(always)]
    fn find_slot_for_insert<const INLINE: bool>(&self, mut r: u64, top: u8, key: &[u8]) -> Slot {
        let g = &self.buckets;
        let bb = self.bb();
        let mut insert_at = None;
        loop {
            let b = g.bucket(r, bb);
            let w = top_word(b);
            let rest = slots_rest(w);
            let mut m = before_rest(slots_matching(w, top), rest);
            while m != 0 {
                let i = first_slot(m);
                if self.slot_key_eq::<INLINE>(b, i, key) {
                    return Slot::Found(r, i);
                }
                m &= m - 1;
            }
            if insert_at.is_none() {
                let e = slots_empty(w);
                if e != 0 {
                    insert_at = Some((r, first_slot(e)));
                }
            }
            let next = load64(b, self.t.overflow_off);
            if rest != 0 || next == NIL {
                return Slot::Absent(insert_at, r);
            }
            r = next;
        }
    }

    /// `overLoadFactor(h.count+1, h.B)`, with the threshold cached per B.
    #[inline(always)]
    pub(crate) fn over_load_factor_next(&self) -> bool {
        let c = self.hdr.count + 1;
        c > super::layout::BUCKET_CNT && c > self.hdr.max_count
    }

    /// Overwrites the value of an existing entry (the key is not rewritten:
    /// plain-data keys do not need `needkeyupdate`).
    #[inline(always)]
    fn update_value<const INLINE: bool>(&mut self, r: u64, i: usize, val: &[u8]) {
        let off = self.t.elem_off(i);
        let b = self.buckets.bucket_mut(r, self.t.bucket_size);
        if !INLINE && self.t.indirect_elem {
            let handle = load64(b, off);
            self.val_objs.get_mut(handle).copy_from_slice(val);
        } else {
            mem::copy(&mut b[off..], val);
        }
        self.probe.bytes(CopyPath::Assign, val.len() as u64);
    }

    /// Copies a new entry into slot `i` of bucket `r` and counts it.
    #[inline(always)]
    fn store_new_entry<const INLINE: bool>(
        &mut self,
        r: u64,
        i: usize,
        top: u8,
        key: &[u8],
        val: &[u8],
    ) {
        let t = self.t;
        let mut key_word = None;
        let mut val_word = None;
        if !INLINE {
            if t.indirect_key {
                self.probe
                    .event(Event::Alloc(roundupsize(key.len() as u64)));
                key_word = Some(self.key_objs.alloc(key));
            }
            if t.indirect_elem {
                self.probe
                    .event(Event::Alloc(roundupsize(val.len() as u64)));
                val_word = Some(self.val_objs.alloc(val));
            }
        }
        let b = self.buckets.bucket_mut(r, t.bucket_size);
        let ko = t.key_off(i);
        match key_word {
            Some(h) => store64(b, ko, h),
            None => mem::copy(&mut b[ko..], key),
        }
        let vo = t.elem_off(i);
        match val_word {
            Some(h) => store64(b, vo, h),
            None => mem::copy(&mut b[vo..], val),
        }
        set_top(b, i, top);
        self.hdr.count += 1;
        self.probe.bytes(CopyPath::Assign, assign_bytes(&t));
    }
}
