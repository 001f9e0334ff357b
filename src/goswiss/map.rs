//! The map: `make` with a hint, small maps, lookups and writes
//! (`internal/runtime/maps/map.go` `NewMap`, `Get`, `PutSlot`,
//! `putSlotSmall`, `growToSmall`; `table.go` `getWithKey`, `PutSlot`).

use super::group::{self, ProbeSeq, CTRL_DELETED};
use super::table::{Table, MAX_TABLE_CAPACITY};
use super::typ::GROUP_SLOTS;
use super::{GoSwiss, Rehash, RehashFor};
use crate::accounting::{CopyPath, Event, Probe};
use crate::gomap::sizeclass::roundupsize;
use crate::hash::KeyHasher;
use crate::pod::Pod;

/// Bytes of a table struct (`table`: used, capacity, growthLeft,
/// localDepth, index, groups reference), one small pointerful object.
pub const TABLE_STRUCT_BYTES: u64 = 32;
/// Bytes of the map header (`maps.Map`), allocated by `make` (not counted
/// in the model's allocations, as the classic model leaves out `hmap`).
pub const MAP_HEADER_BYTES: u64 = 48;
/// Pointerful objects over this size carry an 8-byte malloc header in
/// Go 1.22+ (`minSizeForMallocHeader`), up to the largest size class.
const MALLOC_HEADER_ABOVE: u64 = 512;

/// What the Go 1.26 allocator hands out for an object of `size` bytes:
/// the size class (with the malloc header of pointerful objects over 512
/// bytes), or whole pages for large objects.
pub fn alloc_size(size: u64, has_pointers: bool) -> u64 {
    if has_pointers
        && size > MALLOC_HEADER_ABOVE
        && size + 8 <= crate::gomap::sizeclass::MAX_SMALL_SIZE
    {
        roundupsize(size + 8)
    } else {
        roundupsize(size)
    }
}

/// `NewMap`'s sizing: for a hint over 8, `hint·8/7` slots wanted, spread
/// over `ceil(slots/1024)` tables rounded up to a power of two, each table
/// its share rounded up to a power of two (at least 8). Returns the
/// directory length and every table's capacity; `None`: no allocation.
pub fn hint_shape(hint: usize) -> Option<(usize, usize)> {
    if hint <= GROUP_SLOTS {
        return None;
    }
    let target = hint.saturating_mul(GROUP_SLOTS) / super::group::MAX_AVG_GROUP_LOAD;
    let dir_size = target.div_ceil(MAX_TABLE_CAPACITY).next_power_of_two();
    let capacity = (target / dir_size).max(GROUP_SLOTS).next_power_of_two();
    Some((dir_size, capacity))
}

impl<K: Pod, V: Pod, H: KeyHasher, P: Probe> GoSwiss<K, V, H, P> {
    /// Whether a group holds pointers (an indirect key or elem).
    pub(crate) fn groups_have_pointers(&self) -> bool {
        self.typ.indirect_key || self.typ.indirect_elem
    }

    /// A new table (`newTable`): the struct and its groups allocated, the
    /// groups zero-filled and their control words set empty (`zero_fill`).
    pub(crate) fn new_table(&mut self, capacity: usize, index: isize, local_depth: u8) -> u32 {
        let t = Table::new(capacity, index, local_depth, self.gw);
        let groups = t.group_count();
        self.probe.event(Event::Alloc(TABLE_STRUCT_BYTES));
        self.account_groups(groups);
        self.add_table(t)
    }

    /// `newGroups` + `setEmpty` on each: allocation and `zero_fill` bytes.
    pub(crate) fn account_groups(&mut self, groups: usize) {
        let bytes = (groups * self.typ.group_size) as u64;
        self.probe
            .event(Event::Alloc(alloc_size(bytes, self.groups_have_pointers())));
        self.probe.bytes(
            CopyPath::ZeroFill,
            Table::zero_fill_bytes(groups, self.typ.group_size),
        );
    }

    /// A new directory of `len` table pointers: allocation, zeroing and the
    /// pointer stores, all on `path`.
    pub(crate) fn account_directory(&mut self, len: usize, path: CopyPath) {
        let bytes = 8 * len as u64;
        self.probe.event(Event::Alloc(alloc_size(bytes, true)));
        self.probe.bytes(path, 2 * bytes);
    }

    /// `NewMap`: a hint over 8 sizes the directory and its tables up
    /// front; a smaller hint allocates nothing.
    pub(crate) fn make_with_hint(&mut self, hint: usize) {
        let Some((dir_size, capacity)) = hint_shape(hint) else {
            return;
        };
        self.global_depth = dir_size.trailing_zeros() as u8;
        self.account_directory(dir_size, CopyPath::ZeroFill);
        for i in 0..dir_size {
            let id = self.new_table(capacity, i as isize, self.global_depth);
            self.dir.push(id);
        }
    }

    /// `growToSmall`: the small map's one group, allocated on first insert.
    fn grow_to_small(&mut self) {
        let t = Table::new(GROUP_SLOTS, -2, 0, self.gw);
        self.account_groups(1);
        self.small = Some(self.add_table(t));
    }

    /// `mapaccess`: the elem stored under `key`.
    #[inline]
    pub fn get(&self, key: &K) -> Option<V> {
        if self.used == 0 {
            return None;
        }
        let hash = self.hash(key);
        if self.dir.is_empty() {
            let t = &self.tables[self.small? as usize];
            let mut m = group::match_h2(t.ctrl(0, self.gw), group::h2(hash));
            while m != 0 {
                let i = group::first(m);
                if self.slot_key_eq(t, 0, i, key) {
                    return Some(self.slot_elem(t, 0, i));
                }
                m = group::remove_first(m);
            }
            return None;
        }
        let t = &self.tables[self.dir[self.dir_index(hash)] as usize];
        self.find_in(t, hash, key)
            .map(|(g, i)| self.slot_elem(t, g, i))
    }

    /// `getWithKey`: the group and slot holding `key` in table `t`.
    #[inline]
    pub(crate) fn find_in(&self, t: &Table, hash: u64, key: &K) -> Option<(usize, usize)> {
        let mut seq = ProbeSeq::new(group::h1(hash), t.group_mask());
        let h2 = group::h2(hash);
        loop {
            let g = seq.offset as usize;
            let ctrl = t.ctrl(g, self.gw);
            let mut m = group::match_h2(ctrl, h2);
            while m != 0 {
                let i = group::first(m);
                if self.slot_key_eq(t, g, i, key) {
                    return Some((g, i));
                }
                m = group::remove_first(m);
            }
            if group::match_empty(ctrl) != 0 {
                return None;
            }
            seq.next();
        }
    }

    /// `mapassign` + the elem store: inserts or updates; returns whether
    /// the key was new.
    #[inline]
    pub fn insert(&mut self, key: K, val: V) -> bool {
        self.probe.event(Event::Write((K::BYTES + V::BYTES) as u64));
        let hash = self.hash(&key);
        if self.dir.is_empty() {
            if self.small.is_none() {
                self.grow_to_small();
            }
            if self.used < GROUP_SLOTS as u64 {
                return self.put_small(hash, key, val);
            }
            self.grow_to_table();
        }
        loop {
            let id = self.dir[self.dir_index(hash)];
            if let Some(new) = self.put_in_table(id, hash, key, val) {
                return new;
            }
        }
    }

    /// `putSlotSmall`: update in place or take the first free slot.
    fn put_small(&mut self, hash: u64, key: K, val: V) -> bool {
        let id = self.small.expect("small group") as usize;
        let t = &self.tables[id];
        let mut m = group::match_h2(t.ctrl(0, self.gw), group::h2(hash));
        while m != 0 {
            let i = group::first(m);
            if self.slot_key_eq(t, 0, i, &key) {
                self.store_elem(id, 0, i, val);
                return false;
            }
            m = group::remove_first(m);
        }
        let m = group::match_empty_or_deleted(t.ctrl(0, self.gw));
        assert!(m != 0, "small map with no empty slot");
        let i = group::first(m);
        self.store_new(id, 0, i, hash, key, val);
        self.used += 1;
        true
    }

    /// `table.PutSlot` (and `runtime_mapassign_fast64`'s loop): `None` when
    /// the table was rehashed and the write must start again.
    #[inline]
    fn put_in_table(&mut self, id: u32, hash: u64, key: K, val: V) -> Option<bool> {
        let gw = self.gw;
        let t = &self.tables[id as usize];
        let mut seq = ProbeSeq::new(group::h1(hash), t.group_mask());
        let h2 = group::h2(hash);
        let mut first_deleted: Option<(usize, usize)> = None;
        loop {
            let g = seq.offset as usize;
            let ctrl = t.ctrl(g, gw);
            let mut m = group::match_h2(ctrl, h2);
            while m != 0 {
                let i = group::first(m);
                if self.slot_key_eq(t, g, i, &key) {
                    self.store_elem(id as usize, g, i, val);
                    return Some(false);
                }
                m = group::remove_first(m);
            }
            let m = group::match_empty_or_deleted(ctrl);
            if m == 0 {
                seq.next();
                continue;
            }
            let mut i = group::first(m);
            let mut g = g;
            if group::get(ctrl, i) == CTRL_DELETED {
                if first_deleted.is_none() {
                    first_deleted = Some((g, i));
                }
                seq.next();
                continue;
            }
            let reuse = first_deleted.is_some();
            if let Some((dg, di)) = first_deleted {
                (g, i) = (dg, di);
            }
            // A reused tombstone costs no growthLeft (Go: `growthLeft++`
            // then `--`).
            if !reuse
                && self.tables[id as usize].growth_left == 0
                && self.release == super::Release::Go126
            {
                self.prune_tombstones(id);
            }
            let t = &mut self.tables[id as usize];
            if reuse || t.growth_left > 0 {
                if !reuse {
                    t.growth_left -= 1;
                }
                t.used += 1;
                self.store_new(id as usize, g, i, hash, key, val);
                self.used += 1;
                return Some(true);
            }
            self.rehash(id);
            return None;
        }
    }

    /// Stores a new key and elem in a slot and sets its control byte (`assign`).
    #[inline(always)]
    fn store_new(&mut self, id: usize, g: usize, i: usize, hash: u64, key: K, val: V) {
        let at = g * self.gw + 1 + i * self.sw;
        let mut bytes = 1 + self.typ.slot_store_bytes();
        if self.typ.indirect_key {
            let h = self.keys.alloc(key);
            self.tables[id].groups[at] = h;
            self.probe
                .event(Event::Alloc(alloc_size(K::BYTES as u64, false)));
            bytes += K::BYTES as u64;
        } else {
            key.write_words(&mut self.tables[id].groups[at..at + K::WORDS]);
        }
        let at = at + self.ew;
        if self.typ.indirect_elem {
            let h = self.elems.alloc(val);
            self.tables[id].groups[at] = h;
            self.probe
                .event(Event::Alloc(alloc_size(V::BYTES as u64, false)));
            bytes += V::BYTES as u64;
        } else {
            val.write_words(&mut self.tables[id].groups[at..at + V::WORDS]);
        }
        self.tables[id].set_ctrl(g, self.gw, i, group::h2(hash));
        self.probe.bytes(CopyPath::Assign, bytes);
    }

    /// Overwrites the elem of an existing key (`assign`: the elem's bytes).
    #[inline(always)]
    fn store_elem(&mut self, id: usize, g: usize, i: usize, val: V) {
        let at = g * self.gw + 1 + i * self.sw + self.ew;
        if self.typ.indirect_elem {
            let h = self.tables[id].groups[at];
            *self.elems.get_mut(h) = val;
        } else {
            val.write_words(&mut self.tables[id].groups[at..at + V::WORDS]);
        }
        self.probe.bytes(CopyPath::Assign, V::BYTES as u64);
    }

    /// What inserting `key` would do beyond filling a slot (`None`: an
    /// update, or a new key that fits). Reads only; for scenario setups.
    pub fn rehash_for(&self, key: &K) -> Option<RehashFor> {
        let hash = self.hash(key);
        if self.dir.is_empty() {
            let small = self.small.map(|id| &self.tables[id as usize]);
            let found = small.is_some_and(|t| {
                let mut m = group::match_h2(t.ctrl(0, self.gw), group::h2(hash));
                while m != 0 {
                    if self.slot_key_eq(t, 0, group::first(m), key) {
                        return true;
                    }
                    m = group::remove_first(m);
                }
                false
            });
            return (!found && self.used >= GROUP_SLOTS as u64).then_some(RehashFor {
                kind: Rehash::SmallToTable,
                entries: self.used as usize,
            });
        }
        let t = &self.tables[self.dir[self.dir_index(hash)] as usize];
        if self.find_in(t, hash, key).is_some() || t.growth_left > 0 {
            return None;
        }
        // Would the probe reuse a tombstone before its first empty slot?
        let mut seq = ProbeSeq::new(group::h1(hash), t.group_mask());
        loop {
            let ctrl = t.ctrl(seq.offset as usize, self.gw);
            let m = group::match_empty_or_deleted(ctrl);
            if m != 0 {
                if group::get(ctrl, group::first(m)) == CTRL_DELETED {
                    return None;
                }
                break;
            }
            seq.next();
        }
        let kind = if self.release == super::Release::Go126 && self.prune_would_free(t) {
            Rehash::Prune
        } else if (t.capacity as usize) < MAX_TABLE_CAPACITY {
            Rehash::Grow
        } else {
            Rehash::Split {
                directory: t.local_depth == self.global_depth,
            }
        };
        Some(RehashFor {
            kind,
            entries: t.used as usize,
        })
    }
}
