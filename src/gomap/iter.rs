//! Iteration (`mapiterinit`, `mapiternext`), correct while the map grows.
//!
//! A [`GoIter`] is a cursor: it does not borrow the map, so the map can be
//! written between steps, as Go allows. Like Go's iterator it walks the
//! array that was current when it started; where that array's bucket has
//! already been evacuated it looks the key up again in the live map, and
//! while a doubling is in progress it walks not-yet-evacuated old buckets,
//! skipping entries bound for the other half. Every key present for the
//! whole iteration is returned exactly once; none is returned twice.

use super::flags::{ITERATOR, OLD_ITERATOR};
use super::layout::{
    get_top, is_empty, is_evacuated, BUCKET_CNT, EVACUATED_EMPTY, EVACUATED_X, EVACUATED_Y,
};
use super::storage::{array_ref, Storage, NIL};
use super::GoMap;
use crate::accounting::Probe;
use crate::hash::KeyHasher;
use crate::mem::load64;
use std::sync::Arc;

const NO_CHECK: usize = usize::MAX;

/// A cursor over a [`GoMap`] (`hiter`). Obtain one with
/// [`GoMap::iter_start`] and advance it with [`GoMap::iter_next`].
#[derive(Debug)]
pub struct GoIter {
    /// Id of the array being walked (`it.buckets`).
    gen_id: u64,
    /// `it.B`.
    b: u8,
    start_bucket: usize,
    offset: usize,
    wrapped: bool,
    bucket: usize,
    /// Current bucket (`it.bptr`) and the generation it belongs to.
    bptr: u64,
    bgen: u64,
    i: usize,
    check_bucket: usize,
    /// Keeps arrays the map lets go of alive while this cursor exists.
    token: Option<Arc<()>>,
}

impl GoIter {
    /// Whether the iteration has ended.
    pub fn is_done(&self) -> bool {
        self.token.is_none()
    }
}

/// A borrowing iterator over `(key, value)` byte pairs, in Go's randomised order.
pub struct Iter<'a, H: KeyHasher, P: Probe, S: Storage> {
    map: &'a GoMap<H, P, S>,
    cursor: GoIter,
}

impl<'a, H: KeyHasher, P: Probe, S: Storage> Iterator for Iter<'a, H, P, S> {
    type Item = (&'a [u8], &'a [u8]);
    fn next(&mut self) -> Option<(&'a [u8], &'a [u8])> {
        self.map.iter_next(&mut self.cursor)
    }
}

impl<H: KeyHasher, P: Probe, S: Storage> GoMap<H, P, S> {
    /// Starts an iteration (`mapiterinit`): a random start bucket and offset.
    pub fn iter_start(&mut self) -> GoIter {
        let mut it = GoIter {
            gen_id: 0,
            b: self.hdr.b,
            start_bucket: 0,
            offset: 0,
            wrapped: false,
            bucket: 0,
            bptr: NIL,
            bgen: 0,
            i: 0,
            check_bucket: NO_CHECK,
            token: None,
        };
        if self.hdr.count == 0 {
            return it; // an empty map's iterator is done at once
        }
        it.gen_id = self.buckets.id;
        let r = (self.hdr.rand.next_u64() >> 1) as usize;
        it.start_bucket = r & self.hdr.mask;
        it.offset = (r >> self.hdr.b) & (BUCKET_CNT - 1);
        it.bucket = it.start_bucket;
        it.token = Some(Arc::clone(
            self.iter_token.get_or_insert_with(|| Arc::new(())),
        ));
        // Remember we have an iterator; it may be walking either array.
        self.hdr.flags |= ITERATOR | OLD_ITERATOR;
        it
    }

    /// The next entry of an iteration (`mapiternext`), or `None` at its end.
    pub fn iter_next(&self, it: &mut GoIter) -> Option<(&[u8], &[u8])> {
        it.token.as_ref()?;
        let bw = self.t.bucket_size;
        let link = self.t.overflow_off;
        loop {
            if it.bptr == NIL {
                if it.bucket == it.start_bucket && it.wrapped {
                    it.token = None;
                    return None;
                }
                if self.hdr.growing && it.b == self.hdr.b {
                    // Started mid-growth and the growth is not done: if the
                    // old bucket is not evacuated yet, walk it instead and
                    // keep only the entries bound for this bucket.
                    let oldbucket = it.bucket & (self.noldbuckets() - 1);
                    let old = &self.oldbuckets;
                    if !is_evacuated(get_top(old.bucket(array_ref(oldbucket), bw), 0)) {
                        it.bgen = old.id;
                        it.bptr = array_ref(oldbucket);
                        it.check_bucket = it.bucket;
                    } else {
                        it.bgen = it.gen_id;
                        it.bptr = array_ref(it.bucket);
                        it.check_bucket = NO_CHECK;
                    }
                } else {
                    it.bgen = it.gen_id;
                    it.bptr = array_ref(it.bucket);
                    it.check_bucket = NO_CHECK;
                }
                it.bucket += 1;
                if it.bucket == 1usize << it.b {
                    it.bucket = 0;
                    it.wrapped = true;
                }
                it.i = 0;
            }
            let g = self.generation(it.bgen);
            let b = g.bucket(it.bptr, bw);
            while it.i < BUCKET_CNT {
                let offi = (it.i + it.offset) & (BUCKET_CNT - 1);
                it.i += 1;
                let top = get_top(b, offi);
                if is_empty(top) || top == EVACUATED_EMPTY {
                    continue;
                }
                let kw = self.slot_key(b, offi);
                if it.check_bucket != NO_CHECK && !self.hdr.same_size {
                    let hash = self.hash_key(kw);
                    if hash as usize & ((1usize << it.b) - 1) != it.check_bucket {
                        continue;
                    }
                }
                if top != EVACUATED_X && top != EVACUATED_Y {
                    // The golden data: this slot is where the entry lives.
                    return Some((kw, self.slot_val::<false>(b, offi)));
                }
                // The map grew since: the entry lives elsewhere now (or was deleted).
                match self.get_key_value(kw) {
                    Some(kv) => return Some(kv),
                    None => continue,
                }
            }
            it.bptr = load64(b, link);
            it.i = 0;
        }
    }

    /// A borrowing iterator over all entries, in Go's randomised order.
    pub fn iter(&mut self) -> Iter<'_, H, P, S> {
        let cursor = self.iter_start();
        Iter { map: self, cursor }
    }
}
