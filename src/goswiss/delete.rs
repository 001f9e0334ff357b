//! Delete, tombstone pruning and clear (`map.go` `Delete`, `deleteSmall`,
//! `Clear`, `clearSmall`; `table.go` `Delete`, `pruneTombstones`, `Clear`).

use super::group::{self, ProbeSeq, CTRL_ALL_EMPTY, CTRL_DELETED, CTRL_EMPTY};
use super::table::{Table, MAX_TABLE_CAPACITY};
use super::{GoSwiss, Part};
use crate::accounting::{CopyPath, Event, Probe};
use crate::gotype::SLOTS;
use crate::hash::KeyHasher;
use crate::mem::{load64, store64};

/// Groups of the largest table, as bits of `pruneTombstones`' `needed` set.
const MAX_GROUPS: usize = MAX_TABLE_CAPACITY / SLOTS;

impl<H: KeyHasher, P: Probe> GoSwiss<H, P> {
    /// `Delete`: removes `key`; returns whether it was present. A new seed
    /// is drawn when the map becomes empty.
    pub fn remove(&mut self, key: &[u8]) -> bool {
        debug_assert_eq!(key.len(), self.t.key.size, "key of the map's key size");
        if self.used == 0 {
            return false;
        }
        let hash = self.hash_key(key);
        let geo = self.geo();
        let found = if self.dir.is_empty() {
            let id = self.small.expect("a map with entries has a group") as usize;
            let t = &self.tables[id];
            let mut m = group::match_h2(t.ctrl(0, geo), group::h2(hash));
            let mut hit = None;
            while m != 0 {
                let i = group::first(m);
                if self.key_eq::<false>(t.bytes(), geo.key(0, i), key) {
                    hit = Some(i);
                    break;
                }
                m = group::remove_first(m);
            }
            match hit {
                Some(i) => {
                    // One group: a deleted slot is reusable at once.
                    self.clear_slot(id, 0, i, CTRL_EMPTY);
                    true
                }
                None => false,
            }
        } else {
            let id = self.dir[self.dir_index(hash)] as usize;
            let hit = if self.kv88 {
                self.find_in::<true>(&self.tables[id], hash, key)
            } else {
                self.find_in::<false>(&self.tables[id], hash, key)
            };
            match hit {
                Some((g, i)) => {
                    // A group that still has an empty slot ends every probe
                    // through it, so the slot can become empty again.
                    let t = &mut self.tables[id];
                    t.used -= 1;
                    let c = if group::match_empty(t.ctrl(g, geo)) != 0 {
                        t.growth_left += 1;
                        CTRL_EMPTY
                    } else {
                        self.tombstone_possible = true;
                        CTRL_DELETED
                    };
                    self.clear_slot(id, g, i, c);
                    true
                }
                None => false,
            }
        };
        if found {
            self.used -= 1;
            if self.used == 0 {
                self.seed = self.rng.next_u64();
            }
        }
        found
    }

    /// Clears an indirect key or elem's pointer at byte `off` of table `id`
    /// and releases its object (kept while iterators are `alive`).
    fn release_part(&mut self, id: usize, off: usize, part: Part, alive: bool) {
        let b = self.tables[id].bytes_mut();
        let h = load64(b, off);
        store64(b, off, 0);
        self.objects(part).release(h, alive);
    }

    /// Clears a deleted entry and sets its control byte (`delete`): the
    /// key pointer of an indirect key, or the key itself when its type
    /// holds pointers (Go leaves a pointer-free key's bytes in place); the
    /// elem pointer, or the elem, always.
    fn clear_slot(&mut self, id: usize, g: usize, i: usize, c: u8) {
        let geo = self.geo();
        let (ko, eo) = (geo.key(g, i), geo.elem(g, i));
        let alive = self.iterators > 0;
        if self.t.indirect_key {
            self.release_part(id, ko, Part::Key, alive);
        } else if self.t.key.pointers {
            self.tables[id].bytes_mut()[ko..ko + self.t.key.size].fill(0);
        }
        if self.t.indirect_elem {
            self.release_part(id, eo, Part::Elem, alive);
        } else {
            self.tables[id].bytes_mut()[eo..eo + self.t.elem.size].fill(0);
        }
        self.tables[id].set_ctrl(g, geo, i, c);
        probe!(self.bytes(CopyPath::Delete, super::layout::delete_bytes(&self.t)));
    }

    /// The groups of table `t` no probe sequence needs to pass through
    /// (`pruneTombstones`' first two passes): a bit per group that must
    /// keep its tombstones, and how many tombstones the others hold.
    fn prunable(&self, t: &Table) -> ([u64; MAX_GROUPS / 64], usize) {
        let geo = self.geo();
        let b = t.bytes();
        let mut needed = [0u64; MAX_GROUPS / 64];
        let groups = t.group_count();
        for i in 0..groups {
            let ctrl = t.ctrl(i, geo);
            let mut full = group::match_full(ctrl);
            while full != 0 {
                let j = group::first(full);
                full = group::remove_first(full);
                let hash = self.slot_hash::<false>(b, geo.key(i, j));
                // Every group this key's probe passes before its own must
                // keep its tombstones (it has no empty slot, or the key
                // would not have gone further).
                let mut seq = ProbeSeq::new(group::h1(hash), t.group_mask());
                while seq.offset as usize != i {
                    let g = seq.offset as usize;
                    if group::match_empty_or_deleted(t.ctrl(g, geo)) != 0 {
                        needed[g / 64] |= 1 << (g % 64);
                    }
                    seq.next();
                }
            }
            if group::match_empty(ctrl) != 0 {
                needed[i / 64] |= 1 << (i % 64);
            }
        }
        let mut count = 0;
        for i in 0..groups {
            if needed[i / 64] >> (i % 64) & 1 == 0 {
                count += group::match_empty_or_deleted(t.ctrl(i, geo)).count_ones() as usize;
            }
        }
        (needed, count)
    }

    /// Whether `pruneTombstones` would free slots in `t` (at least 10% of
    /// its capacity as tombstones, and at least 10% prunable).
    pub(crate) fn prune_would_free(&self, t: &Table) -> bool {
        if (t.tombstones() as usize) * 10 < t.capacity as usize {
            return false;
        }
        self.prunable(t).1 * 10 >= t.capacity as usize
    }

    /// `pruneTombstones` (Go 1.25+): turns unneeded tombstones back into
    /// empty slots when that restores at least 10% of the capacity
    /// (`prune`: one control byte each).
    #[cold]
    #[inline(never)]
    pub(crate) fn prune_tombstones(&mut self, id: u32) {
        let t = &self.tables[id as usize];
        if (t.tombstones() as usize) * 10 < t.capacity as usize {
            return;
        }
        let (needed, count) = self.prunable(t);
        if count * 10 < t.capacity as usize {
            return;
        }
        let geo = self.geo();
        let t = &mut self.tables[id as usize];
        for i in 0..t.group_count() {
            if needed[i / 64] >> (i % 64) & 1 != 0 {
                continue;
            }
            let mut m = group::match_empty_or_deleted(t.ctrl(i, geo));
            while m != 0 {
                let k = group::first(m);
                m = group::remove_first(m);
                t.set_ctrl(i, geo, k, CTRL_EMPTY);
                t.growth_left += 1;
            }
        }
        probe!(self.bytes(CopyPath::Prune, count as u64));
        probe!(self.event(Event::Pruned(count as u64)));
    }

    /// `Clear`: removes every entry and keeps every table (`clear`). Groups
    /// are cleared as Go 1.26 clears them: only those with full slots when
    /// the table is sparse or its slots are over 32 bytes, else all.
    pub fn clear(&mut self) {
        if self.used == 0 && !self.tombstone_possible {
            return;
        }
        let alive = self.iterators > 0;
        let geo = self.geo();
        let gs = self.t.group_size;
        if self.dir.is_empty() {
            if let Some(id) = self.small {
                let t = &mut self.tables[id as usize];
                t.groups.fill(0);
                t.groups[0] = CTRL_ALL_EMPTY;
                probe!(self.bytes(CopyPath::Clear, gs as u64 + 8));
            }
        } else {
            let mut last = u32::MAX;
            for d in 0..self.dir.len() {
                let id = self.dir[d];
                if id == last {
                    continue;
                }
                last = id;
                let t = &mut self.tables[id as usize];
                let mgl = t.max_growth_left();
                if t.used == 0 && t.growth_left == mgl {
                    continue;
                }
                let full_test = (t.used as u64) * 4 <= t.group_mask() || self.t.entry_bytes() > 32;
                let mut bytes = 0;
                for g in 0..t.group_count() {
                    let at = geo.ctrl(g);
                    let b = t.bytes_mut();
                    if !full_test || group::match_full(load64(b, at)) != 0 {
                        b[at..at + gs].fill(0);
                        bytes += gs as u64;
                    }
                    store64(b, at, CTRL_ALL_EMPTY);
                    bytes += 8;
                }
                t.used = 0;
                t.growth_left = mgl;
                probe!(self.bytes(CopyPath::Clear, bytes));
            }
            self.tombstone_possible = false;
        }
        self.key_objs.clear(alive);
        self.elem_objs.clear(alive);
        self.used = 0;
        self.clear_seq += 1;
        self.seed = self.rng.next_u64();
    }
}
