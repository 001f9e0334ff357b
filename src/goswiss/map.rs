//! The map: `make` with a hint, small maps, lookups and writes
//! (`internal/runtime/maps/map.go` `NewMap`, `Get`, `PutSlot`,
//! `putSlotSmall`, `growToSmall`; `table.go` `getWithKey`, `PutSlot`;
//! `runtime_fast64.go`/`runtime_fast32.go` for the key routes).

use super::group::{self, ProbeSeq, CTRL_DELETED};
use super::layout::{self, Geo, KV88};
use super::table::{Table, KV88_WORDS, MAX_TABLE_CAPACITY};
use super::{GoSwiss, Part, Rehash, RehashFor};
use crate::accounting::{CopyPath, Event, Probe};
use crate::gomap::prefetch;
use crate::gomap::sizeclass::roundupsize;
use crate::gotype::{FastPath, GroupType, PTR_SIZE, SLOTS};
use crate::hash::KeyHasher;
use crate::mem::{self, load64, store64};

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

/// The allocation of `groups` groups of type `t` (`newGroups`).
pub fn groups_alloc(t: &GroupType, groups: usize) -> u64 {
    alloc_size(
        (groups * t.group_size) as u64,
        layout::groups_have_pointers(t),
    )
}

/// The allocation of a directory of `len` table pointers.
pub fn directory_alloc(len: usize) -> u64 {
    alloc_size((PTR_SIZE * len) as u64, true)
}

/// `NewMap`'s sizing: for a hint over 8, `hint·8/7` slots wanted, spread
/// over `ceil(slots/1024)` tables rounded up to a power of two, each table
/// its share rounded up to a power of two (at least 8). Returns the
/// directory length and every table's capacity; `None`: no allocation.
/// For a hint Go keeps ([`effective_hint`]).
pub fn hint_shape(hint: usize) -> Option<(usize, usize)> {
    if hint <= SLOTS {
        return None;
    }
    let target = hint.saturating_mul(SLOTS) / super::group::MAX_AVG_GROUP_LOAD;
    let dir_size = target.div_ceil(MAX_TABLE_CAPACITY).next_power_of_two();
    let capacity = (target / dir_size).max(SLOTS).next_power_of_two();
    Some((dir_size, capacity))
}

/// The hint `NewMap` acts on: Go 1.26 makes an empty map (as for no hint)
/// when `hint·8` overflows or when the directory's tables, at the most
/// slots a table can have, would exceed `maxAlloc` (2^48 bytes; Go checks
/// `dirSize × 1024 × GroupSize`), so a huge hint allocates nothing.
pub fn effective_hint(hint: usize, group_size: usize) -> usize {
    let mem = hint
        .checked_mul(SLOTS)
        .map(|t| (t / super::group::MAX_AVG_GROUP_LOAD).div_ceil(MAX_TABLE_CAPACITY))
        .and_then(usize::checked_next_power_of_two)
        .and_then(|dir| dir.checked_mul(MAX_TABLE_CAPACITY))
        .and_then(|slots| slots.checked_mul(group_size));
    match mem {
        Some(m) if m as u64 <= crate::gomap::MAX_ALLOC => hint,
        _ => 0,
    }
}

impl<H: KeyHasher, P: Probe> GoSwiss<H, P> {
    /// Whether a group holds pointers (an indirect key or elem, or a key
    /// or elem type with pointers).
    pub(crate) fn groups_have_pointers(&self) -> bool {
        layout::groups_have_pointers(&self.t)
    }

    /// A new table (`newTable`): the struct and its groups allocated, the
    /// groups zero-filled and their control words set empty (`zero_fill`).
    pub(crate) fn new_table(&mut self, capacity: usize, index: isize, local_depth: u8) -> u32 {
        let t = Table::new(capacity, index, local_depth, self.t.group_size);
        let groups = t.group_count();
        probe!(self.event(Event::Alloc(TABLE_STRUCT_BYTES)));
        self.account_groups(groups);
        self.add_table(t)
    }

    /// `newGroups` + `setEmpty` on each: allocation and `zero_fill` bytes.
    pub(crate) fn account_groups(&mut self, groups: usize) {
        probe!(self.event(Event::Alloc(groups_alloc(&self.t, groups))));
        probe!(self.bytes(
            CopyPath::ZeroFill,
            Table::zero_fill_bytes(groups, self.t.group_size),
        ));
    }

    /// A new directory of `len` table pointers: allocation, zeroing and the
    /// pointer stores, all on `path`.
    pub(crate) fn account_directory(&mut self, len: usize, path: CopyPath) {
        probe!(self.event(Event::Alloc(directory_alloc(len))));
        probe!(self.bytes(path, layout::directory_bytes(len)));
    }

    /// `NewMap`: a hint over 8 sizes the directory and its tables up
    /// front; a smaller hint allocates nothing.
    pub(crate) fn make_with_hint(&mut self, hint: usize) {
        let Some((dir_size, capacity)) = hint_shape(effective_hint(hint, self.t.group_size)) else {
            return;
        };
        self.global_depth = dir_size.trailing_zeros() as u8;
        self.account_directory(dir_size, CopyPath::ZeroFill);
        self.dir.reserve_exact(dir_size);
        self.reserve_table_ids(dir_size);
        for i in 0..dir_size {
            let id = self.new_table(capacity, i as isize, self.global_depth);
            self.dir.push(id);
        }
    }

    /// `growToSmall`: the small map's one group, allocated on first insert.
    fn grow_to_small(&mut self) {
        let t = Table::new(SLOTS, -2, 0, self.t.group_size);
        self.account_groups(1);
        self.small = Some(self.add_table(t));
    }

    /// `mapaccess2` (`runtime_mapaccess2_fast64`/`_fast32` for 8- and
    /// 4-byte keys): the elem stored under `key`.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        debug_assert_eq!(key.len(), self.t.key.size, "key of the map's key size");
        if self.used == 0 {
            return None;
        }
        if self.dir.is_empty() {
            return self.get_small(key);
        }
        if self.kv88 {
            self.get_g::<true>(key)
        } else {
            self.get_g::<false>(key)
        }
    }

    #[inline(always)]
    fn get_g<const KV88: bool>(&self, key: &[u8]) -> Option<&[u8]> {
        let hash = self.hash_key(key);
        let t = &self.tables[self.dir[self.dir_index(hash)] as usize];
        let (g, i) = self.find_in::<KV88>(t, hash, key)?;
        Some(self.elem_at(t.bytes(), Geo::of::<KV88>(&self.t).elem(g, i)))
    }

    /// A small map's lookup. Go's fast routes for 4- and 8-byte keys scan
    /// the group's full slots without hashing; the generic one matches H2
    /// first (`getWithKeySmall`). Both find the same slot.
    fn get_small(&self, key: &[u8]) -> Option<&[u8]> {
        let t = &self.tables[self.small? as usize];
        let geo = self.geo();
        let b = t.bytes();
        let ctrl = t.ctrl(0, geo);
        let mut m = match self.t.fast {
            FastPath::Fast64 | FastPath::Fast32 => group::match_full(ctrl),
            _ => group::match_h2(ctrl, group::h2(self.hash_key(key))),
        };
        while m != 0 {
            let i = group::first(m);
            if self.key_eq::<false>(b, geo.key(0, i), key) {
                return Some(self.elem_at(b, geo.elem(0, i)));
            }
            m = group::remove_first(m);
        }
        None
    }

    /// `getWithKey`: the group and slot holding `key` in table `t`.
    #[inline(always)]
    pub(crate) fn find_in<const KV88: bool>(
        &self,
        t: &Table,
        hash: u64,
        key: &[u8],
    ) -> Option<(usize, usize)> {
        let geo = Geo::of::<KV88>(&self.t);
        let b = t.bytes();
        let mut seq = ProbeSeq::new(group::h1(hash), t.group_mask());
        let h2 = group::h2(hash);
        loop {
            let g = seq.offset as usize;
            let ctrl = load64(b, geo.ctrl(g));
            let mut m = group::match_h2(ctrl, h2);
            while m != 0 {
                let i = group::first(m);
                if self.key_eq::<KV88>(b, geo.key(g, i), key) {
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

    /// `mapassign` (`runtime_mapassign_fast64`/`_fast32` for 8- and 4-byte
    /// keys) + the elem store: inserts or updates; returns whether the key
    /// was new.
    #[inline]
    pub fn insert(&mut self, key: &[u8], val: &[u8]) -> bool {
        debug_assert_eq!(key.len(), self.t.key.size, "key of the map's key size");
        debug_assert_eq!(val.len(), self.t.elem.size, "elem of the map's elem size");
        if self.kv88 {
            self.insert_g::<true>(key, val)
        } else {
            self.insert_g::<false>(key, val)
        }
    }

    #[inline(always)]
    fn insert_g<const KV88: bool>(&mut self, key: &[u8], val: &[u8]) -> bool {
        probe!(self.event(Event::Write((key.len() + val.len()) as u64)));
        let hash = self.hash_key(key);
        if self.dir.is_empty() {
            if self.small.is_none() {
                self.grow_to_small();
            }
            // Go 1.27 looks for the key first and grows only for a new
            // one; earlier releases grow a full small map on any write.
            if self.used < SLOTS as u64 || self.release.small_update_in_place() {
                if let Some(new) = self.put_small(hash, key, val) {
                    return new;
                }
            }
            self.grow_to_table();
        }
        loop {
            let id = self.dir[self.dir_index(hash)];
            let put = if KV88 {
                self.put_in_table_kv88(id, hash, key, val)
            } else {
                self.put_in_table::<false>(id, hash, key, val)
            };
            if let Some(new) = put {
                return new;
            }
        }
    }

    /// `putSlotSmall`: update in place or take the first free slot;
    /// `None` when the key is new and the group full (Go 1.27: grow).
    fn put_small(&mut self, hash: u64, key: &[u8], val: &[u8]) -> Option<bool> {
        let id = self.small.expect("small group") as usize;
        let geo = self.geo();
        let t = &self.tables[id];
        let ctrl = t.ctrl(0, geo);
        let mut m = group::match_h2(ctrl, group::h2(hash));
        while m != 0 {
            let i = group::first(m);
            if self.key_eq::<false>(t.bytes(), geo.key(0, i), key) {
                self.store_elem::<false>(id, 0, i, val);
                return Some(false);
            }
            m = group::remove_first(m);
        }
        let m = group::match_empty_or_deleted(ctrl);
        if m == 0 {
            return None;
        }
        let i = group::first(m);
        self.store_new::<false>(id, 0, i, hash, key, val);
        self.used += 1;
        Some(true)
    }

    /// `table.PutSlot` (and `runtime_mapassign_fast64`'s loop): `None` when
    /// the table was rehashed and the write must start again.
    #[inline(always)]
    fn put_in_table<const KV88: bool>(
        &mut self,
        id: u32,
        hash: u64,
        key: &[u8],
        val: &[u8],
    ) -> Option<bool> {
        let geo = Geo::of::<KV88>(&self.t);
        let t = &self.tables[id as usize];
        let b = t.bytes();
        let mut seq = ProbeSeq::new(group::h1(hash), t.group_mask());
        let h2 = group::h2(hash);
        let mut first_deleted: Option<(usize, usize)> = None;
        // The slot this write fills is known only once the control word has
        // arrived; ask for the group's other lines now, so that their misses
        // overlap the control word's (most writes end in the first group).
        let start = geo.ctrl(seq.offset as usize);
        prefetch::after_first_line(&b[start..start + geo.group]);
        loop {
            let g = seq.offset as usize;
            let ctrl = load64(b, geo.ctrl(g));
            let mut m = group::match_h2(ctrl, h2);
            while m != 0 {
                let i = group::first(m);
                if self.key_eq::<KV88>(b, geo.key(g, i), key) {
                    self.store_elem::<KV88>(id as usize, g, i, val);
                    return Some(false);
                }
                m = group::remove_first(m);
            }
            let m = group::match_empty_or_deleted(ctrl);
            if m == 0 {
                seq.next();
                continue;
            }
            let i = group::first(m);
            if group::get(ctrl, i) == CTRL_DELETED {
                if first_deleted.is_none() {
                    first_deleted = Some((g, i));
                }
                seq.next();
                continue;
            }
            // The end of the probe sequence: take the first tombstone seen
            // (costs no growthLeft: Go's `growthLeft++` then `--`), else
            // this empty slot if growthLeft allows.
            let (g, i, reuse) = match first_deleted {
                Some((dg, di)) => (dg, di, true),
                None => (g, i, false),
            };
            if !reuse && t.growth_left == 0 {
                return self.put_when_full::<KV88>(id, g, i, hash, key, val);
            }
            let t = &mut self.tables[id as usize];
            if !reuse {
                t.growth_left -= 1;
            }
            t.used += 1;
            self.store_new::<KV88>(id as usize, g, i, hash, key, val);
            self.used += 1;
            return Some(true);
        }
    }

    /// [`Self::put_in_table`] for `map[uint64]uint64` ([`layout::KV88`]) on
    /// the table's 8-byte words: the same probe, the same slot chosen, the
    /// same stores in the same order and the same accounting.
    #[inline(always)]
    fn put_in_table_kv88(&mut self, id: u32, hash: u64, key: &[u8], val: &[u8]) -> Option<bool> {
        // The slot's words as stored: little-endian.
        let (k, v) = (load64(key, 0).to_le(), load64(val, 0).to_le());
        let t = &mut self.tables[id as usize];
        debug_assert_eq!(t.groups.len(), t.group_count() * KV88_WORDS);
        let words = t.groups.as_mut_ptr();
        let mut seq = ProbeSeq::new(group::h1(hash), t.group_mask());
        let h2 = group::h2(hash);
        let mut first_deleted: Option<(usize, usize)> = None;
        // SAFETY (every access to `words` below): the directory points
        // only at live tables, and every table of a KV88 map was made with
        // its 136-byte groups (`Table::new` with the map's group size), so
        // `groups` holds `group_count × 17` words; a group index is at most
        // `group_mask = group_count − 1`, and a slot index from a non-empty
        // match at most 7, so words `17g` to `17g + 16` are in bounds.
        let group = |g: usize| unsafe { words.add(g * KV88_WORDS) };
        // The slot this write fills is known only once the control word has
        // arrived; ask for the group's other lines now, so that their misses
        // overlap the control word's (most writes end in the first group).
        // SAFETY: the group's 136 bytes, in bounds as above.
        prefetch::after_first_line(unsafe {
            std::slice::from_raw_parts(group(seq.offset as usize).cast::<u8>(), KV88.group)
        });
        loop {
            let g = group(seq.offset as usize);
            // SAFETY: in bounds, as above.
            let ctrl = u64::from_le(unsafe { *g });
            let mut m = group::match_h2(ctrl, h2);
            while m != 0 {
                let i = group::first(m);
                // SAFETY: in bounds, as above.
                if unsafe { *g.add(1 + 2 * i) } == k {
                    // SAFETY: in bounds, as above.
                    unsafe { *g.add(2 + 2 * i) = v };
                    probe!(self.bytes(CopyPath::Assign, val.len() as u64));
                    return Some(false);
                }
                m = group::remove_first(m);
            }
            let m = group::match_empty_or_deleted(ctrl);
            if m == 0 {
                seq.next();
                continue;
            }
            let i = group::first(m);
            if group::get(ctrl, i) == CTRL_DELETED {
                if first_deleted.is_none() {
                    first_deleted = Some((seq.offset as usize, i));
                }
                seq.next();
                continue;
            }
            let (g, i, reuse) = match first_deleted {
                Some((dg, di)) => (dg, di, true),
                None => (seq.offset as usize, i, false),
            };
            if !reuse && t.growth_left == 0 {
                return self.put_when_full::<true>(id, g, i, hash, key, val);
            }
            if !reuse {
                t.growth_left -= 1;
            }
            t.used += 1;
            let g = group(g);
            // SAFETY: in bounds, as above.
            unsafe {
                *g.add(1 + 2 * i) = k;
                *g.add(2 + 2 * i) = v;
                *g = group::set(u64::from_le(*g), i, h2).to_le();
            }
            probe!(self.bytes(CopyPath::Assign, layout::assign_bytes(&self.t)));
            self.used += 1;
            return Some(true);
        }
    }

    /// A new key meets a table with no `growthLeft`: Go 1.26 first prunes
    /// tombstones (`pruneTombstones`) and inserts if that freed room;
    /// otherwise (and always in Go 1.24) the table is rehashed and the
    /// write starts again (`None`).
    #[cold]
    #[inline(never)]
    fn put_when_full<const KV88: bool>(
        &mut self,
        id: u32,
        g: usize,
        i: usize,
        hash: u64,
        key: &[u8],
        val: &[u8],
    ) -> Option<bool> {
        if self.release.prunes() {
            self.prune_tombstones(id);
        }
        let t = &mut self.tables[id as usize];
        if t.growth_left > 0 {
            // Pruning only turns tombstones into empty slots: the empty
            // slot that ended the probe is still the first free one.
            t.growth_left -= 1;
            t.used += 1;
            self.store_new::<KV88>(id as usize, g, i, hash, key, val);
            self.used += 1;
            return Some(true);
        }
        self.rehash(id);
        None
    }

    /// Writes a new entry's key or elem at byte `off` of table `id`: its
    /// bytes, or (indirect) a pointer to a fresh object holding them.
    #[inline(always)]
    fn store_part(&mut self, id: usize, off: usize, bytes: &[u8], part: Part) {
        let (indirect, pointers) = match part {
            Part::Key => (self.t.indirect_key, self.t.key.pointers),
            Part::Elem => (self.t.indirect_elem, self.t.elem.pointers),
        };
        if indirect {
            let h = self.objects(part).alloc(bytes);
            store64(self.tables[id].bytes_mut(), off, h);
            probe!(self.event(Event::Alloc(alloc_size(bytes.len() as u64, pointers))));
        } else {
            mem::copy(&mut self.tables[id].bytes_mut()[off..], bytes);
        }
    }

    /// Stores a new key and elem in a slot and sets its control byte (`assign`).
    #[inline(always)]
    fn store_new<const KV88: bool>(
        &mut self,
        id: usize,
        g: usize,
        i: usize,
        hash: u64,
        key: &[u8],
        val: &[u8],
    ) {
        let geo = Geo::of::<KV88>(&self.t);
        let (ko, eo) = (geo.key(g, i), geo.elem(g, i));
        if KV88 {
            let b = self.tables[id].bytes_mut();
            store64(b, ko, load64(key, 0));
            store64(b, eo, load64(val, 0));
        } else {
            self.store_part(id, ko, key, Part::Key);
            self.store_part(id, eo, val, Part::Elem);
        }
        self.tables[id].set_ctrl(g, geo, i, group::h2(hash));
        probe!(self.bytes(CopyPath::Assign, layout::assign_bytes(&self.t)));
    }

    /// Overwrites the elem of an existing key (`assign`: the elem's bytes).
    #[inline(always)]
    fn store_elem<const KV88: bool>(&mut self, id: usize, g: usize, i: usize, val: &[u8]) {
        let eo = Geo::of::<KV88>(&self.t).elem(g, i);
        if KV88 {
            store64(self.tables[id].bytes_mut(), eo, load64(val, 0));
        } else if self.t.indirect_elem {
            let h = load64(self.tables[id].bytes(), eo);
            self.elem_objs.get_mut(h).copy_from_slice(val);
        } else {
            mem::copy(&mut self.tables[id].bytes_mut()[eo..], val);
        }
        probe!(self.bytes(CopyPath::Assign, val.len() as u64));
    }

    /// What inserting `key` would do beyond filling a slot (`None`: an
    /// update, or a new key that fits). Reads only; for scenario setups.
    pub fn rehash_for(&self, key: &[u8]) -> Option<RehashFor> {
        if self.dir.is_empty() {
            // Before Go 1.27 a full small map grows on any write, an
            // update included.
            let found = self.used > 0 && self.get_small(key).is_some();
            let grows = !(found && self.release.small_update_in_place());
            return (grows && self.used >= SLOTS as u64).then_some(RehashFor {
                kind: Rehash::SmallToTable,
                entries: self.used as usize,
            });
        }
        let hash = self.hash_key(key);
        let t = &self.tables[self.dir[self.dir_index(hash)] as usize];
        if self.find_in::<false>(t, hash, key).is_some() || t.growth_left > 0 {
            return None;
        }
        // Would the probe reuse a tombstone before its first empty slot?
        let geo = self.geo();
        let mut seq = ProbeSeq::new(group::h1(hash), t.group_mask());
        loop {
            let ctrl = t.ctrl(seq.offset as usize, geo);
            let m = group::match_empty_or_deleted(ctrl);
            if m != 0 {
                if group::get(ctrl, group::first(m)) == CTRL_DELETED {
                    return None;
                }
                break;
            }
            seq.next();
        }
        let kind = if self.release.prunes() && self.prune_would_free(t) {
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
