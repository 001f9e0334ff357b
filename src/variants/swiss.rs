//! Swiss tables (hashbrown, std) as reference points, with *derived* accounting.
//!
//! A Swiss table's stores cannot be instrumented from outside, so its bytes
//! are derived from what is observable, and reports mark them `derived`:
//!
//! - the table's bucket (slot) count follows from its full capacity
//!   (`capacity = buckets - 1` below 8 buckets, `buckets / 8 * 7` above);
//! - a new key stores key + value + one control byte (`assign`);
//! - an update stores the value (`assign`);
//! - a capacity jump past the current table's full capacity is a resize: the
//!   new table's control bytes are initialised (`buckets + group width`
//!   bytes, `zero_fill`) and every live entry moves (key + value + control
//!   byte each, `evacuate_double`);
//! - a capacity jump of more than one *within* the current table is an
//!   in-place rehash (hashbrown reclaims tombstones): every control byte is
//!   rewritten and each live entry's control byte set again
//!   (`evacuate_same_size`). Entries it swaps are not observable, so that
//!   figure is a lower bound;
//! - a delete stores one control byte (`delete`); `clear` re-initialises the
//!   control bytes (`zero_fill`).

use crate::accounting::{Accounting, CopyPath, Event, Exactness, Probe};
use crate::gomap::GrowKind;
use crate::pod::Pod;
use crate::variants::MapUnderStudy;
use serde::{Deserialize, Serialize};
use std::hash::{BuildHasherDefault, DefaultHasher};

/// Control bytes per SIMD group (SSE2: 16; portable and NEON groups: 8).
pub const GROUP_WIDTH: usize = if cfg!(all(target_arch = "x86_64", target_feature = "sse2")) {
    16
} else {
    8
};

/// Full capacity of a table of `buckets` slots (`bucket_mask_to_capacity`).
pub fn full_capacity(buckets: usize) -> usize {
    if buckets == 0 {
        0
    } else if buckets <= 8 {
        buckets - 1
    } else {
        buckets / 8 * 7
    }
}

/// Slots of the table whose full capacity is `cap` (inverse of [`full_capacity`]).
pub fn buckets_for_full_capacity(cap: usize) -> usize {
    if cap == 0 {
        0
    } else if cap < 8 {
        cap + 1
    } else {
        cap / 7 * 8
    }
}

/// Shape of a Swiss table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SwissShape {
    /// Slots (buckets) of the table.
    pub slots: usize,
    /// Full capacity (entries before a resize).
    pub capacity: usize,
    /// Entries / slots.
    pub load: f64,
    /// Control bytes per group.
    pub group_width: usize,
}

/// The operations of a concrete Swiss table.
pub trait SwissBackend<K, V>: Clone {
    /// Variant name.
    const VARIANT: &'static str;
    /// An empty table with room for `cap` entries, hashing under `seed`.
    fn with_capacity_and_seed(cap: usize, seed: u64) -> Self;
    /// Inserts; returns the old value.
    fn insert(&mut self, k: K, v: V) -> Option<V>;
    /// Looks up.
    fn get(&self, k: &K) -> Option<V>;
    /// Removes; returns the old value.
    fn remove(&mut self, k: &K) -> Option<V>;
    /// Entries.
    fn len(&self) -> usize;
    /// Whether there are no entries.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// `items + growth_left`, as the table reports it.
    fn capacity(&self) -> usize;
    /// Removes everything, keeping the allocation.
    fn clear(&mut self);
    /// Visits every entry.
    fn for_each(&self, f: &mut dyn FnMut(K, V));
}

/// hashbrown's `HashMap` with foldhash, seeded.
#[derive(Clone)]
pub struct HashbrownBackend<K, V>(hashbrown::HashMap<K, V, foldhash::fast::FixedState>);

impl<K: Pod, V: Pod> SwissBackend<K, V> for HashbrownBackend<K, V> {
    const VARIANT: &'static str = "hashbrown";
    fn with_capacity_and_seed(cap: usize, seed: u64) -> Self {
        HashbrownBackend(hashbrown::HashMap::with_capacity_and_hasher(
            cap,
            foldhash::fast::FixedState::with_seed(seed),
        ))
    }
    #[inline]
    fn insert(&mut self, k: K, v: V) -> Option<V> {
        self.0.insert(k, v)
    }
    #[inline]
    fn get(&self, k: &K) -> Option<V> {
        self.0.get(k).copied()
    }
    #[inline]
    fn remove(&mut self, k: &K) -> Option<V> {
        self.0.remove(k)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn capacity(&self) -> usize {
        self.0.capacity()
    }
    fn clear(&mut self) {
        self.0.clear()
    }
    fn for_each(&self, f: &mut dyn FnMut(K, V)) {
        for (k, v) in &self.0 {
            f(*k, *v);
        }
    }
}

/// std's `HashMap`: SipHash-1-3 with fixed keys (std's own `DefaultHasher`),
/// so runs are reproducible; the seed is not used.
#[derive(Clone)]
pub struct StdBackend<K, V>(std::collections::HashMap<K, V, BuildHasherDefault<DefaultHasher>>);

impl<K: Pod, V: Pod> SwissBackend<K, V> for StdBackend<K, V> {
    const VARIANT: &'static str = "std";
    fn with_capacity_and_seed(cap: usize, _seed: u64) -> Self {
        StdBackend(std::collections::HashMap::with_capacity_and_hasher(
            cap,
            Default::default(),
        ))
    }
    #[inline]
    fn insert(&mut self, k: K, v: V) -> Option<V> {
        self.0.insert(k, v)
    }
    #[inline]
    fn get(&self, k: &K) -> Option<V> {
        self.0.get(k).copied()
    }
    #[inline]
    fn remove(&mut self, k: &K) -> Option<V> {
        self.0.remove(k)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn capacity(&self) -> usize {
        self.0.capacity()
    }
    fn clear(&mut self) {
        self.0.clear()
    }
    fn for_each(&self, f: &mut dyn FnMut(K, V)) {
        for (k, v) in &self.0 {
            f(*k, *v);
        }
    }
}

/// A Swiss table with derived accounting. A clone has the same bucket
/// count and control bytes (tombstones included) as the original.
#[derive(Clone)]
pub struct SwissMap<K, V, B, P> {
    table: B,
    probe: P,
    /// Slots of the current allocation (derived).
    slots: usize,
    _kv: std::marker::PhantomData<(K, V)>,
}

impl<K: Pod, V: Pod, B: SwissBackend<K, V>, P: Probe> SwissMap<K, V, B, P> {
    /// A table created with room for `hint` entries (0: no allocation yet).
    pub fn new(hint: usize, seed: u64) -> Self {
        let table = B::with_capacity_and_seed(hint, seed);
        let mut m = SwissMap {
            slots: 0,
            table,
            probe: P::default(),
            _kv: std::marker::PhantomData,
        };
        let cap = m.table.capacity();
        m.observe_capacity(0, 0, cap);
        m
    }

    /// Bytes of one allocation of `slots` slots: data, then control bytes.
    fn allocation_bytes(slots: usize) -> u64 {
        (slots * (K::BYTES + V::BYTES) + slots + GROUP_WIDTH) as u64
    }

    /// Derives growth from a capacity change around one operation.
    #[inline]
    fn observe_capacity(&mut self, len_before: usize, cap_before: usize, cap_after: usize) {
        if cap_after == cap_before {
            return;
        }
        let entry = (K::BYTES + V::BYTES + 1) as u64;
        if cap_after > full_capacity(self.slots) {
            // Resize: a new table; every live entry moved into it.
            let slots = buckets_for_full_capacity(cap_after);
            self.probe
                .event(Event::Alloc(Self::allocation_bytes(slots)));
            self.probe
                .bytes(CopyPath::ZeroFill, (slots + GROUP_WIDTH) as u64);
            if len_before > 0 {
                self.probe.event(Event::DoublingGrow);
                self.probe.event(Event::Evacuated(len_before as u64));
                self.probe
                    .bytes(CopyPath::EvacuateDouble, len_before as u64 * entry);
            }
            self.slots = slots;
        } else if cap_after > cap_before + 1 {
            // In-place rehash: tombstones reclaimed within the same table.
            self.probe.event(Event::SameSizeGrow);
            self.probe.bytes(
                CopyPath::EvacuateSameSize,
                (self.slots + GROUP_WIDTH + len_before) as u64,
            );
        }
    }
}

impl<K: Pod, V: Pod, B: SwissBackend<K, V>, P: Probe> MapUnderStudy<K, V> for SwissMap<K, V, B, P> {
    fn variant(&self) -> &'static str {
        B::VARIANT
    }

    #[inline]
    fn insert(&mut self, key: K, val: V) -> bool {
        self.probe.event(Event::Write((K::BYTES + V::BYTES) as u64));
        let (len, cap) = (self.table.len(), self.table.capacity());
        if self.table.insert(key, val).is_some() {
            self.probe.bytes(CopyPath::Assign, V::BYTES as u64);
            return false;
        }
        let after = self.table.capacity();
        self.observe_capacity(len, cap, after);
        self.probe
            .bytes(CopyPath::Assign, (K::BYTES + V::BYTES + 1) as u64);
        true
    }

    #[inline]
    fn get(&self, key: &K) -> Option<V> {
        self.table.get(key)
    }

    #[inline]
    fn remove(&mut self, key: &K) -> bool {
        let found = self.table.remove(key).is_some();
        if found {
            self.probe.bytes(CopyPath::Delete, 1);
        }
        found
    }

    fn len(&self) -> usize {
        self.table.len()
    }

    fn clear(&mut self) {
        if !self.table.is_empty() {
            self.table.clear();
            self.probe
                .bytes(CopyPath::ZeroFill, (self.slots + GROUP_WIDTH) as u64);
        }
    }

    fn for_each(&mut self, f: &mut dyn FnMut(K, V)) {
        self.table.for_each(f)
    }

    fn accounting(&self) -> Option<Accounting> {
        self.probe.snapshot().cloned()
    }

    fn exactness(&self) -> Exactness {
        Exactness::Derived
    }

    fn pending_growth(&self) -> Option<GrowKind> {
        // growth_left == 0: the next new key resizes, or rehashes in place
        // when at most half the full capacity is live (hashbrown's rule).
        if self.slots == 0 || self.table.capacity() > self.table.len() {
            return None;
        }
        if self.table.len() < full_capacity(self.slots) / 2 {
            Some(GrowKind::SameSize)
        } else {
            Some(GrowKind::Double)
        }
    }

    fn swiss(&self) -> Option<SwissShape> {
        Some(SwissShape {
            slots: self.slots,
            capacity: full_capacity(self.slots),
            load: if self.slots == 0 {
                0.0
            } else {
                self.table.len() as f64 / self.slots as f64
            },
            group_width: GROUP_WIDTH,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounting::Counting;
    use crate::pod::Blob;

    #[test]
    fn capacity_and_slots_invert() {
        for slots in [4usize, 8, 16, 32, 1 << 20] {
            assert_eq!(buckets_for_full_capacity(full_capacity(slots)), slots);
        }
        assert_eq!(full_capacity(16), 14);
        assert_eq!(full_capacity(4), 3);
    }

    #[test]
    fn derived_slots_match_hashbrowns_own_growth() {
        let mut m: SwissMap<Blob<1>, Blob<1>, HashbrownBackend<_, _>, Counting> =
            SwissMap::new(0, 1);
        for id in 0..10_000u64 {
            m.insert(Blob::from_id(id), Blob::from_id(id));
            let shape = m.swiss().unwrap();
            assert!(shape.slots.is_power_of_two());
            assert!(m.len() <= shape.capacity);
        }
        let a = m.accounting().unwrap();
        // 4, 8, 16, ..., 16384 slots: 12 resizes after the first allocation.
        assert_eq!(m.swiss().unwrap().slots, 16384);
        assert_eq!(a.doubling_grows, 12);
        assert_eq!(a.bytes_written.assign, 10_000 * 17);
        assert!(a.bytes_written.evacuate_double > 0);
    }

    #[test]
    fn tombstone_churn_shows_same_size_rehash() {
        let mut m: SwissMap<Blob<1>, Blob<1>, HashbrownBackend<_, _>, Counting> =
            SwissMap::new(0, 1);
        const LIVE: u64 = 1790; // just under half of 4096 slots' capacity (3584)
        for id in 0..LIVE {
            m.insert(Blob::from_id(id), Blob::from_id(id));
        }
        let slots = m.swiss().unwrap().slots;
        // Delete the oldest live key, insert a new one: LIVE entries throughout.
        for next in LIVE..200_000u64 {
            assert!(m.remove(&Blob::from_id(next - LIVE)));
            m.insert(Blob::from_id(next), Blob::from_id(next));
        }
        assert_eq!(m.len(), LIVE as usize);
        let a = m.accounting().unwrap();
        // hashbrown's rule when tombstones use up the room: resize if more
        // than half the full capacity is live (1790 > 1792 / 2 at 2048
        // slots, once), otherwise rehash in place (every time after that).
        assert_eq!(m.swiss().unwrap().slots, 2 * slots);
        assert_eq!(
            a.doubling_grows,
            9 + 1,
            "the 9 growths to 2048 slots, then one under churn"
        );
        assert!(
            a.same_size_grows > 0,
            "in-place rehashes under churn: {a:?}"
        );
    }
}
