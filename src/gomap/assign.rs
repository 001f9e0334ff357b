//! Inserting and updating (`mapassign`).

use super::layout::{
    before_rest, first_slot, set_top, slots_empty, slots_matching, slots_rest, tophash, with_top,
};
use super::make::too_many_overflow_buckets;
use super::overflow::new_overflow;
use super::prefetch;
use super::sizeclass::roundupsize;
use super::storage::{array_ref, Storage, NIL};
use super::GoMap;
use crate::accounting::{CopyPath, Event, Probe};
use crate::by_geometry;
use crate::hash::KeyHasher;
use crate::pod::Pod;

/// What a chain walk for an insert found.
enum Slot {
    /// The key is present at `(bucket, index)`.
    Found(u64, usize),
    /// The key is absent; the first empty slot, if any, and the chain's last bucket.
    Absent(Option<(u64, usize)>, u64),
}

impl<K: Pod, V: Pod, H: KeyHasher, P: Probe, S: Storage> GoMap<K, V, H, P, S> {
    /// `m[key] = val`. Returns `true` when the key was new.
    ///
    /// Always inlined, as hashbrown's insert is into its callers' loops: the
    /// fast path is short and the full `mapassign` stays out of line. As a
    /// call, its prologue, epilogue and argument spills took room in the
    /// window of instructions in flight, and fewer inserts' cache misses
    /// overlapped: with a hint it measured 2.01, 2.10 and 2.07× hashbrown
    /// against 1.93, 1.94 and 1.98× inlined (alternating runs of the two
    /// builds, 11 rounds each).
    #[inline(always)]
    pub fn insert(&mut self, key: K, val: V) -> bool {
        self.probe.event(Event::Write((K::BYTES + V::BYTES) as u64));
        let hash = self.hash_words(key.words());
        if self.hdr.count < self.hdr.fast_until {
            if let Some(new) = self.insert_fast(hash, &key, &val) {
                return new;
            }
        }
        by_geometry!(self.insert_slow(hash, key, val))
    }

    /// The common insert or update, same semantics as [`Self::insert_slow`],
    /// taken only while [`Header::fast_until`](super::Header) allows it:
    /// keys and values are inline and no growth is in progress or can
    /// start. When the main bucket has an `emptyRest` slot, Go's loop stops
    /// in it: the key is in one of its slots with this tophash, or absent
    /// with the bucket's first empty slot as the insert position. Returns
    /// whether the key was new, or `None`, having changed nothing, when the
    /// chain goes on past the main bucket.
    #[inline(always)]
    fn insert_fast(&mut self, hash: u64, key: &K, val: &V) -> Option<bool> {
        debug_assert!(self.lay.all_inline());
        let top = tophash(hash);
        let bw = self.geo::<true>().bw;
        let bucket = hash as usize & self.hdr.mask;
        let b = self.buckets.main_mut(bucket, bw);
        // The slot's key and value lines are known only once the tophash
        // word arrives; ask for them now so the misses overlap.
        prefetch::after_first_line(b);
        let w = b[0];
        let rest = slots_rest(w);
        if rest == 0 {
            return None;
        }
        let matching = slots_matching(w, top);
        // Every slot after the first `emptyRest` is `emptyRest` too, so no
        // slot past it can match (a tophash is at least `MIN_TOP_HASH`).
        debug_assert_eq!(before_rest(matching, rest), matching);
        if matching != 0 {
            return Some(self.insert_fast_matched(bucket, w, top, matching, key, val));
        }
        self.fill_first_empty(bucket, w, top, key, val);
        Some(true)
    }

    /// [`Self::insert_fast`] when slots of the main bucket carry the key's
    /// tophash: compares their keys, updates the value if one is equal,
    /// inserts otherwise. Out of line to keep the common insert short.
    #[inline(never)]
    fn insert_fast_matched(
        &mut self,
        bucket: usize,
        w: u64,
        top: u8,
        mut matching: u64,
        key: &K,
        val: &V,
    ) -> bool {
        let geo = self.geo::<true>();
        let b = self.buckets.main_mut(bucket, geo.bw);
        while matching != 0 {
            let i = first_slot(matching);
            let ko = geo.key_off(i);
            if key.eq_words(&b[ko..ko + K::WORDS]) {
                let vo = geo.val_off(i);
                val.write_words(&mut b[vo..vo + V::WORDS]);
                self.probe.bytes(CopyPath::Assign, V::BYTES as u64);
                return false;
            }
            matching &= matching - 1;
        }
        self.fill_first_empty(bucket, w, top, key, val);
        true
    }

    /// Stores a new entry in the first empty slot of main bucket `bucket`,
    /// whose tophash word is `w` (inline keys and values). Same stores and
    /// accounting as [`Self::store_new_entry`], written out because calling
    /// that (link decode, tophash re-read) measured 2.47x hashbrown against
    /// 2.05x for this, with a hint (`cargo bench --bench speed_ratio`).
    #[inline(always)]
    fn fill_first_empty(&mut self, bucket: usize, w: u64, top: u8, key: &K, val: &V) {
        let geo = self.geo::<true>();
        let b = self.buckets.main_mut(bucket, geo.bw);
        let i = first_slot(slots_empty(w));
        let ko = geo.key_off(i);
        key.write_words(&mut b[ko..ko + K::WORDS]);
        let vo = geo.val_off(i);
        val.write_words(&mut b[vo..vo + V::WORDS]);
        b[0] = with_top(w, i, top);
        self.hdr.count += 1;
        self.probe.bytes(CopyPath::Assign, self.lay.assign_bytes());
    }

    /// `mapassign` in full: growth work, chain walk, growth trigger, overflow.
    #[inline(never)]
    fn insert_slow<const INLINE: bool>(&mut self, hash: u64, key: K, val: V) -> bool {
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
            match self.find_slot_for_insert::<INLINE>(array_ref(bucket), top, &key) {
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
                                &self.lay,
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
    fn find_slot_for_insert<const INLINE: bool>(&self, mut r: u64, top: u8, key: &K) -> Slot {
        let g = &self.buckets;
        let geo = self.geo::<INLINE>();
        let mut insert_at = None;
        loop {
            let b = g.bucket(r, geo.bw);
            let w = b[0];
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
            let next = b[geo.link];
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
    fn update_value<const INLINE: bool>(&mut self, r: u64, i: usize, val: V) {
        let geo = self.geo::<INLINE>();
        let off = geo.val_off(i);
        let b = self.buckets.bucket_mut(r, geo.bw);
        if !INLINE && geo.val_indirect {
            let handle = b[off];
            *self.val_objs.get_mut(handle) = val;
        } else {
            val.write_words(&mut b[off..off + V::WORDS]);
        }
        self.probe.bytes(CopyPath::Assign, V::BYTES as u64);
    }

    /// Copies a new entry into slot `i` of bucket `r` and counts it.
    #[inline(always)]
    fn store_new_entry<const INLINE: bool>(&mut self, r: u64, i: usize, top: u8, key: K, val: V) {
        let geo = self.geo::<INLINE>();
        let mut key_word = None;
        let mut val_word = None;
        if !INLINE {
            if geo.key_indirect {
                self.probe.event(Event::Alloc(roundupsize(K::BYTES as u64)));
                key_word = Some(self.key_objs.alloc(key));
            }
            if geo.val_indirect {
                self.probe.event(Event::Alloc(roundupsize(V::BYTES as u64)));
                val_word = Some(self.val_objs.alloc(val));
            }
        }
        let b = self.buckets.bucket_mut(r, geo.bw);
        let ko = geo.key_off(i);
        match key_word {
            Some(h) => b[ko] = h,
            None => key.write_words(&mut b[ko..ko + K::WORDS]),
        }
        let vo = geo.val_off(i);
        match val_word {
            Some(h) => b[vo] = h,
            None => val.write_words(&mut b[vo..vo + V::WORDS]),
        }
        set_top(b, i, top);
        self.hdr.count += 1;
        self.probe.bytes(CopyPath::Assign, self.lay.assign_bytes());
    }
}
