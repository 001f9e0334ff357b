//! Overflow buckets (`newoverflow`, `incrnoverflow`, `createOverflow`).

use super::sizeclass::grow_ptr_slice_cap;
use super::storage::{arena_ref, array_ref, Arena, Generation, Storage, NIL, NO_NEXT_OVERFLOW};
use super::Header;
use crate::accounting::{CopyPath, Event, Probe};
use crate::gotype::BucketType;
use crate::mem::{load64, store64};

/// Links a new overflow bucket after bucket `from` of generation `g` and
/// returns it (`newoverflow`). Preallocated buckets from the array's tail
/// come first; then the storage policy's arena.
///
/// The bytes go to `path`: [`CopyPath::Overflow`] when a write finds its
/// chain full; the evacuating path when evacuation fills a destination
/// chain (those buckets are part of moving the entries).
pub(crate) fn new_overflow<S: Storage, P: Probe>(
    g: &mut Generation<S>,
    from: u64,
    t: &BucketType,
    hdr: &mut Header,
    probe: &mut P,
    path: CopyPath,
) -> u64 {
    let bb = t.bucket_size;
    let link = t.overflow_off;
    let ovf = if g.next_overflow != NO_NEXT_OVERFLOW {
        // A preallocated bucket: already zeroed with its array. The last one
        // carries a sentinel link, which is cleared when it is taken.
        let idx = g.next_overflow;
        let r = array_ref(idx);
        let b = g.bucket_mut(r, bb);
        if load64(b, link) == NIL {
            g.next_overflow = idx + 1;
        } else {
            store64(b, link, NIL);
            probe.bytes(path, S::LINK_BYTES);
            g.next_overflow = NO_NEXT_OVERFLOW;
        }
        probe.event(Event::OverflowPrealloc);
        r
    } else {
        let i = g.arena.take(bb, path, probe);
        probe.event(Event::OverflowFresh);
        arena_ref(i)
    };
    incr_noverflow(hdr);
    if super::make::too_many_overflow_buckets(hdr.noverflow, hdr.b) {
        hdr.fast_until = 0; // the next insert of a new key must check for growth
    }
    if S::KEEPS_OVERFLOW_LIST && !t.pointers {
        // Pointer-free buckets are invisible to Go's collector, so every
        // overflow bucket is also kept alive from `extra.overflow`.
        append_overflow_list(&mut g.overflow_list, ovf, probe, path);
    }
    store64(g.bucket_mut(from, bb), link, ovf);
    probe.bytes(path, S::LINK_BYTES);
    ovf
}

/// Counts one more overflow bucket in `noverflow` (`incrnoverflow`): exactly
/// while B < 16, then with probability `1 / 2^(B-15)` so the u16 counter
/// still reaches about `2^15` when there are as many overflow buckets as
/// buckets.
pub(crate) fn incr_noverflow(hdr: &mut Header) {
    if hdr.b < 16 {
        hdr.noverflow = hdr.noverflow.wrapping_add(1);
        return;
    }
    let mask = (1u32 << (hdr.b - 15)) - 1;
    if hdr.rand.next_u32() & mask == 0 {
        hdr.noverflow = hdr.noverflow.wrapping_add(1);
    }
}

/// `*h.extra.overflow = append(*h.extra.overflow, ovf)`, with Go's slice
/// growth: a full list moves to a larger backing array, copying its contents.
fn append_overflow_list<P: Probe>(list: &mut Vec<u64>, r: u64, probe: &mut P, path: CopyPath) {
    if list.capacity() == 0 {
        // createOverflow: new([]*bmap), a 24-byte slice header.
        probe.event(Event::Alloc(24));
    }
    if list.len() == list.capacity() {
        let new_cap = grow_ptr_slice_cap(list.capacity() as u64, list.len() as u64 + 1);
        let mut bigger = Vec::with_capacity(new_cap as usize);
        bigger.extend_from_slice(list);
        probe.bytes(path, list.len() as u64 * 8);
        probe.event(Event::Alloc(new_cap * 8));
        *list = bigger;
    }
    list.push(r);
    probe.bytes(path, 8);
}
