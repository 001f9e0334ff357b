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
use crate::gotype::Shape;
use crate::variants::{BuildError, MapUnderStudy, Variant};
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

/// The operations of a concrete Swiss table, on keys and values as bytes.
///
/// The tables are Rust's own (`hashbrown`, std), so they stay typed: each
/// is instantiated for `[u64; KW]` keys and `[u64; VW]` values of the six
/// supported sizes (36 pairs) and reached through this object-safe trait.
/// Only the tables' own code is instantiated per size pair; the scenarios
/// see one `SwissMap<P>` per probe. The keys hash as `Blob<W>` did (a
/// derived `Hash` of the same array), so every figure is the same.
pub trait SwissTable {
    /// Inserts or updates; `true` when the key was present.
    fn insert(&mut self, k: &[u8], v: &[u8]) -> bool;
    /// The value under `k`.
    fn get(&self, k: &[u8]) -> Option<&[u8]>;
    /// Removes `k`; whether it was present.
    fn remove(&mut self, k: &[u8]) -> bool;
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
    fn for_each(&self, f: &mut dyn FnMut(&[u8], &[u8]));
    /// A copy with the same buckets and control bytes.
    fn clone_box(&self) -> Box<dyn SwissTable>;
}

/// hashbrown's `HashMap` with foldhash, seeded, over `KW`/`VW`-word keys and values.
#[derive(Clone)]
struct Hashbrown<const KW: usize, const VW: usize>(
    hashbrown::HashMap<[u64; KW], [u64; VW], foldhash::fast::FixedState>,
);

/// std's `HashMap`: SipHash-1-3 with fixed keys (std's own `DefaultHasher`),
/// so runs are reproducible; the seed is not used.
#[derive(Clone)]
struct StdTable<const KW: usize, const VW: usize>(
    std::collections::HashMap<[u64; KW], [u64; VW], BuildHasherDefault<DefaultHasher>>,
);

/// The [`SwissTable`] methods of a typed map wrapper (both tables have the same API).
macro_rules! swiss_table_impl {
    ($t:ident) => {
        impl<const KW: usize, const VW: usize> SwissTable for $t<KW, VW> {
            #[inline]
            fn insert(&mut self, k: &[u8], v: &[u8]) -> bool {
                self.0
                    .insert(
                        bytemuck::pod_read_unaligned(k),
                        bytemuck::pod_read_unaligned(v),
                    )
                    .is_some()
            }
            #[inline]
            fn get(&self, k: &[u8]) -> Option<&[u8]> {
                let k: [u64; KW] = bytemuck::pod_read_unaligned(k);
                self.0.get(&k).map(|v| bytemuck::bytes_of(v))
            }
            #[inline]
            fn remove(&mut self, k: &[u8]) -> bool {
                let k: [u64; KW] = bytemuck::pod_read_unaligned(k);
                self.0.remove(&k).is_some()
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
            fn for_each(&self, f: &mut dyn FnMut(&[u8], &[u8])) {
                for (k, v) in &self.0 {
                    f(bytemuck::bytes_of(k), bytemuck::bytes_of(v));
                }
            }
            fn clone_box(&self) -> Box<dyn SwissTable> {
                Box::new(self.clone())
            }
        }
    };
}
swiss_table_impl!(Hashbrown);
swiss_table_impl!(StdTable);

/// A new table of `variant` for `kw`/`vw`-word keys and values with room
/// for `cap` entries; `None` for sizes the tables are not built for.
fn new_table(
    variant: Variant,
    kw: usize,
    vw: usize,
    cap: usize,
    seed: u64,
) -> Option<Box<dyn SwissTable>> {
    macro_rules! by_value {
        ($k:literal, $($v:literal),*) => {
            match vw {
                $($v => Some(match variant {
                    Variant::Std => Box::new(StdTable::<$k, $v>(
                        std::collections::HashMap::with_capacity_and_hasher(cap, Default::default()),
                    )) as Box<dyn SwissTable>,
                    _ => Box::new(Hashbrown::<$k, $v>(hashbrown::HashMap::with_capacity_and_hasher(
                        cap,
                        foldhash::fast::FixedState::with_seed(seed),
                    ))),
                }),)*
                _ => None,
            }
        };
    }
    macro_rules! by_key {
        ($($k:literal),*) => {
            match kw {
                $($k => by_value!($k, 1, 2, 4, 8, 16, 32),)*
                _ => None,
            }
        };
    }
    by_key!(1, 2, 4, 8, 16, 32)
}

/// A Swiss table with derived accounting. A clone has the same bucket
/// count and control bytes (tombstones included) as the original.
pub struct SwissMap<P> {
    table: Box<dyn SwissTable>,
    variant: &'static str,
    key: Shape,
    elem: Shape,
    probe: P,
    /// Slots of the current allocation (derived).
    slots: usize,
}

impl<P: Probe> Clone for SwissMap<P> {
    fn clone(&self) -> Self {
        SwissMap {
            table: self.table.clone_box(),
            variant: self.variant,
            key: self.key,
            elem: self.elem,
            probe: self.probe.clone(),
            slots: self.slots,
        }
    }
}

impl<P: Probe> SwissMap<P> {
    /// A `variant` table (`hashbrown` or `std`) for `[n]uint64` keys and
    /// values of the supported sizes, created with room for `hint` entries
    /// (0: no allocation yet).
    pub fn new(
        variant: Variant,
        key: Shape,
        elem: Shape,
        hint: usize,
        seed: u64,
    ) -> Result<Self, BuildError> {
        let words = |s: Shape, what: &'static str| -> Result<usize, BuildError> {
            crate::gotype::check_size(what, s.size)?;
            if s != Shape::words(s.size / 8) {
                return Err(BuildError::NotWords {
                    variant,
                    what,
                    shape: s,
                });
            }
            Ok(s.size / 8)
        };
        if !matches!(variant, Variant::Hashbrown | Variant::Std) {
            return Err(BuildError::NotReference(variant));
        }
        let (kw, vw) = (words(key, "key")?, words(elem, "value")?);
        let table = new_table(variant, kw, vw, hint, seed).expect("sizes checked above");
        let mut m = SwissMap {
            table,
            variant: variant.name(),
            key,
            elem,
            slots: 0,
            probe: P::default(),
        };
        let cap = m.table.capacity();
        m.observe_capacity(0, 0, cap);
        Ok(m)
    }

    /// Bytes of one allocation of `slots` slots: data, then control bytes.
    fn allocation_bytes(&self, slots: usize) -> u64 {
        (slots * (self.key.size + self.elem.size) + slots + GROUP_WIDTH) as u64
    }

    /// Derives growth from a capacity change around one operation.
    #[inline]
    fn observe_capacity(&mut self, len_before: usize, cap_before: usize, cap_after: usize) {
        if cap_after == cap_before {
            return;
        }
        let entry = (self.key.size + self.elem.size + 1) as u64;
        if cap_after > full_capacity(self.slots) {
            // Resize: a new table; every live entry moved into it.
            let slots = buckets_for_full_capacity(cap_after);
            self.probe.event(Event::Alloc(self.allocation_bytes(slots)));
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

impl<P: Probe> MapUnderStudy for SwissMap<P> {
    fn variant(&self) -> &'static str {
        self.variant
    }

    fn key_shape(&self) -> Shape {
        self.key
    }

    fn elem_shape(&self) -> Shape {
        self.elem
    }

    #[inline]
    fn insert(&mut self, key: &[u8], val: &[u8]) -> bool {
        self.probe
            .event(Event::Write((key.len() + val.len()) as u64));
        let (len, cap) = (self.table.len(), self.table.capacity());
        if self.table.insert(key, val) {
            self.probe.bytes(CopyPath::Assign, val.len() as u64);
            return false;
        }
        let after = self.table.capacity();
        self.observe_capacity(len, cap, after);
        self.probe
            .bytes(CopyPath::Assign, (key.len() + val.len() + 1) as u64);
        true
    }

    #[inline]
    fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.table.get(key)
    }

    #[inline]
    fn remove(&mut self, key: &[u8]) -> bool {
        let found = self.table.remove(key);
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

    fn for_each(&mut self, f: &mut dyn FnMut(&[u8], &[u8])) {
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
    use crate::pod::{Blob, Pod};
    use crate::variants::typed::Typed;

    type HashbrownU64 = Typed<Blob<1>, Blob<1>, SwissMap<Counting>>;

    fn hashbrown_u64() -> HashbrownU64 {
        Typed::new(
            SwissMap::new(Variant::Hashbrown, Shape::words(1), Shape::words(1), 0, 1).unwrap(),
        )
    }

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
        let mut m = hashbrown_u64();
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
        let mut m = hashbrown_u64();
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
