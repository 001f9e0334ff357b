//! Delete, tombstone pruning and clear (`map.go` `Delete`, `deleteSmall`,
//! `Clear`, `clearSmall`; `table.go` `Delete`, `pruneTombstones`, `Clear`).

use super::group::{self, ProbeSeq, CTRL_ALL_EMPTY, CTRL_DELETED, CTRL_EMPTY};
use super::table::{Table, MAX_TABLE_CAPACITY};
use super::typ::{GROUP_SLOTS, PTR_BYTES};
use super::GoSwiss;
use crate::accounting::{CopyPath, Event, Probe};
use crate::hash::KeyHasher;
use crate::pod::Pod;

/// Groups of the largest table, as bits of `pruneTombstones`' `needed` set.
const MAX_GROUPS: usize = MAX_TABLE_CAPACITY / GROUP_SLOTS;

impl<K: Pod, V: Pod, H: KeyHasher, P: Probe> GoSwiss<K, V, H, P> {
    /// `Delete`: removes `key`; returns whether it was present. A new seed
    /// is drawn when the map becomes empty.
    pub fn remove(&mut self, key: &K) -> bool {
        if self.used == 0 {
            return false;
        }
        let hash = self.hash(key);
        let found = if self.dir.is_empty() {
            let id = self.small.expect("a map with entries has a group") as usize;
            let t = &self.tables[id];
            let mut m = group::match_h2(t.ctrl(0, self.gw), group::h2(hash));
            let mut hit = None;
            while m != 0 {
                let i = group::first(m);
                if self.slot_key_eq(t, 0, i, key) {
                    hit = Some(i);
                    break;
                }
                m = group::remove_first(m);
            }
            match hit {
                Some(i) => {
                    self.clear_slot(id, 0, i, CTRL_EMPTY);
                    true
                }
                None => false,
            }
        } else {
            let id = self.dir[self.dir_index(hash)] as usize;
            match self.find_in(&self.tables[id], hash, key) {
                Some((g, i)) => {
                    // A group that still has an empty slot ends every probe
                    // through it, so the slot can become empty again.
                    let t = &mut self.tables[id];
                    t.used -= 1;
                    let c = if group::match_empty(t.ctrl(g, self.gw)) != 0 {
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

    /// Clears a deleted entry's elem (or the elem and key pointers) and sets
    /// its control byte (`delete`).
    fn clear_slot(&mut self, id: usize, g: usize, i: usize, c: u8) {
        let (gw, sw, ew) = (self.gw, self.sw, self.ew);
        let at = g * gw + 1 + i * sw;
        let alive = self.iterators > 0;
        let mut bytes = 1;
        if self.typ.indirect_key {
            let h = std::mem::take(&mut self.tables[id].groups[at]);
            self.keys.release(h, alive);
            bytes += PTR_BYTES as u64;
        }
        // (A direct key holds no pointers: Go leaves its bytes in place.)
        let at = at + ew;
        if self.typ.indirect_elem {
            let h = std::mem::take(&mut self.tables[id].groups[at]);
            self.elems.release(h, alive);
            bytes += PTR_BYTES as u64;
        } else {
            self.tables[id].groups[at..at + V::WORDS].fill(0);
            bytes += V::BYTES as u64;
        }
        self.tables[id].set_ctrl(g, gw, i, c);
        self.probe.bytes(CopyPath::Delete, bytes);
    }

    /// The groups of table `t` no probe sequence needs to pass through
    /// (`pruneTombstones`' first two passes): a bit per group that must
    /// keep its tombstones, and how many tombstones the others hold.
    fn prunable(&self, t: &Table) -> ([u64; MAX_GROUPS / 64], usize) {
        let mut needed = [0u64; MAX_GROUPS / 64];
        let groups = t.group_count();
        for i in 0..groups {
            let ctrl = t.ctrl(i, self.gw);
            let mut full = group::match_full(ctrl);
            while full != 0 {
                let j = group::first(full);
                full = group::remove_first(full);
                let at = i * self.gw + 1 + j * self.sw;
                let hash = if self.typ.indirect_key {
                    self.hash(self.keys.get(t.groups[at]))
                } else {
                    self.hasher.hash(&t.groups[at..at + K::WORDS], self.seed)
                };
                // Every group this key's probe passes before its own must
                // keep its tombstones (it has no empty slot, or the key
                // would not have gone further).
                let mut seq = ProbeSeq::new(group::h1(hash), t.group_mask());
                while seq.offset as usize != i {
                    let g = seq.offset as usize;
                    if group::match_empty_or_deleted(t.ctrl(g, self.gw)) != 0 {
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
                count += group::match_empty_or_deleted(t.ctrl(i, self.gw)).count_ones() as usize;
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
    pub(crate) fn prune_tombstones(&mut self, id: u32) {
        let t = &self.tables[id as usize];
        if (t.tombstones() as usize) * 10 < t.capacity as usize {
            return;
        }
        let (needed, count) = self.prunable(t);
        if count * 10 < t.capacity as usize {
            return;
        }
        let gw = self.gw;
        let t = &mut self.tables[id as usize];
        for i in 0..t.group_count() {
            if needed[i / 64] >> (i % 64) & 1 != 0 {
                continue;
            }
            let mut m = group::match_empty_or_deleted(t.ctrl(i, gw));
            while m != 0 {
                let k = group::first(m);
                m = group::remove_first(m);
                t.set_ctrl(i, gw, k, CTRL_EMPTY);
                t.growth_left += 1;
            }
        }
        self.probe.bytes(CopyPath::Prune, count as u64);
        self.probe.event(Event::Pruned(count as u64));
    }

    /// `Clear`: removes every entry and keeps every table (`clear`). Groups
    /// are cleared as Go 1.26 clears them: only those with full slots when
    /// the table is sparse or its slots are over 32 bytes, else all.
    pub fn clear(&mut self) {
        if self.used == 0 && !self.tombstone_possible {
            return;
        }
        let alive = self.iterators > 0;
        let (gw, gs) = (self.gw, self.typ.group_size as u64);
        if self.dir.is_empty() {
            if let Some(id) = self.small {
                let t = &mut self.tables[id as usize];
                t.groups.fill(0);
                t.groups[0] = CTRL_ALL_EMPTY;
                self.probe.bytes(CopyPath::Clear, gs + 8);
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
                let full_test = (t.used as u64) * 4 <= t.group_mask() || self.typ.slot_size > 32;
                let mut bytes = 0;
                for g in 0..t.group_count() {
                    let ctrl = t.ctrl(g, gw);
                    if !full_test || group::match_full(ctrl) != 0 {
                        t.groups[g * gw..(g + 1) * gw].fill(0);
                        bytes += gs;
                    }
                    t.groups[g * gw] = CTRL_ALL_EMPTY;
                    bytes += 8;
                }
                t.used = 0;
                t.growth_left = mgl;
                self.probe.bytes(CopyPath::Clear, bytes);
            }
            self.tombstone_possible = false;
        }
        self.keys.clear(alive);
        self.elems.clear(alive);
        self.used = 0;
        self.clear_seq += 1;
        self.seed = self.rng.next_u64();
    }
}
