//! Growth: the small map's move into a table, a table's rehash into one of
//! twice the slots or its split into two, and the directory's doubling
//! (`map.go` `growToTable`, `replaceTable`, `installTableSplit`;
//! `table.go` `rehash`, `grow`, `split`).
//!
//! Every live entry of the table being rehashed is reinserted with
//! `uncheckedPutSlot`: its slot words (key and elem, or their pointers —
//! indirect objects do not move) and a control byte are stored in the new
//! table. Tombstones are not copied.

use super::group::{self, CTRL_EMPTY};
use super::table::MAX_TABLE_CAPACITY;
use super::typ::GROUP_SLOTS;
use super::GoSwiss;
use crate::accounting::{CopyPath, Event, Probe};
use crate::hash::KeyHasher;
use crate::pod::Pod;

impl<K: Pod, V: Pod, H: KeyHasher, P: Probe> GoSwiss<K, V, H, P> {
    /// The hash of the key in a slot (read through its object when indirect).
    fn slot_hash(&self, id: usize, g: usize, i: usize) -> u64 {
        let t = &self.tables[id];
        let at = g * self.gw + 1 + i * self.sw;
        if self.typ.indirect_key {
            self.hash(self.keys.get(t.groups[at]))
        } else {
            self.hasher.hash(&t.groups[at..at + K::WORDS], self.seed)
        }
    }

    /// Reinserts every full slot of table `from` into the tables `pick`
    /// chooses by hash; returns the entries moved.
    fn reinsert(&mut self, from: usize, mut pick: impl FnMut(u64) -> usize) -> u64 {
        let (gw, sw) = (self.gw, self.sw);
        let groups = self.tables[from].group_count();
        let mut moved = 0;
        let mut slot = vec![0u64; sw];
        for g in 0..groups {
            let ctrl = self.tables[from].ctrl(g, gw);
            for i in 0..GROUP_SLOTS {
                if group::get(ctrl, i) & CTRL_EMPTY == CTRL_EMPTY {
                    continue;
                }
                let hash = self.slot_hash(from, g, i);
                let at = g * gw + 1 + i * sw;
                slot.copy_from_slice(&self.tables[from].groups[at..at + sw]);
                let to = pick(hash);
                self.tables[to].unchecked_put(hash, &slot, gw, sw);
                moved += 1;
            }
        }
        moved
    }

    /// Bytes one reinserted entry stores: its slot words and a control byte.
    fn moved_bytes(&self, entries: u64) -> u64 {
        entries * (self.typ.slot_store_bytes() + 1)
    }

    /// `growToTable`: the 9th key of a small map moves its 8 entries into a
    /// 16-slot table under a 1-entry directory (`small_to_table`).
    pub(crate) fn grow_to_table(&mut self) {
        let small = self.small.take().expect("small group") as usize;
        let id = self.new_table(2 * GROUP_SLOTS, 0, 0);
        let moved = self.reinsert(small, |_| id as usize);
        self.probe
            .bytes(CopyPath::SmallToTable, self.moved_bytes(moved));
        self.probe.event(Event::Evacuated(moved));
        self.account_directory(1, CopyPath::SmallToTable);
        self.dir = vec![id];
        self.global_depth = 0;
        self.retire_table(small as u32);
    }

    /// `rehash`: a full table grows to twice its slots, or splits at 1024.
    pub(crate) fn rehash(&mut self, id: u32) {
        let cap = self.tables[id as usize].capacity as usize;
        if 2 * cap <= MAX_TABLE_CAPACITY {
            self.grow(id, 2 * cap);
        } else {
            self.split(id);
        }
    }

    /// `grow`: one new table of `capacity` slots takes every live entry.
    fn grow(&mut self, id: u32, capacity: usize) {
        let (index, depth) = {
            let t = &self.tables[id as usize];
            (t.index, t.local_depth)
        };
        let nid = self.new_table(capacity, index, depth);
        let moved = self.reinsert(id as usize, |_| nid as usize);
        self.probe
            .bytes(CopyPath::TableGrow, self.moved_bytes(moved));
        self.probe.event(Event::DoublingGrow);
        self.probe.event(Event::Evacuated(moved));
        self.replace_table(nid, CopyPath::TableGrow);
        self.retire_table(id);
    }

    /// `split`: two 1024-slot tables one level deeper take the entries by
    /// the next hash bit (`localDepthMask`).
    fn split(&mut self, id: u32) {
        let depth = self.tables[id as usize].local_depth + 1;
        let left = self.new_table(MAX_TABLE_CAPACITY, -1, depth);
        let right = self.new_table(MAX_TABLE_CAPACITY, -1, depth);
        let mask = 1u64 << (64 - depth as u32);
        let moved = self.reinsert(id as usize, |h| {
            if h & mask == 0 {
                left as usize
            } else {
                right as usize
            }
        });
        self.probe
            .bytes(CopyPath::TableSplit, self.moved_bytes(moved));
        self.probe.event(Event::TableSplit);
        self.probe.event(Event::Evacuated(moved));
        self.install_table_split(id, left, right);
        self.retire_table(id);
    }

    /// `replaceTable`: every directory entry of the table's range points at it.
    fn replace_table(&mut self, id: u32, path: CopyPath) {
        let t = &self.tables[id as usize];
        let entries = 1usize << (self.global_depth - t.local_depth);
        let start = t.index as usize;
        for e in &mut self.dir[start..start + entries] {
            *e = id;
        }
        self.probe.bytes(path, 8 * entries as u64);
    }

    /// `installTableSplit`: doubles the directory when the old table was at
    /// the global depth (`directory_grow`), then points the two halves of
    /// its range at the new tables (`table_split`).
    fn install_table_split(&mut self, old: u32, left: u32, right: u32) {
        if self.tables[old as usize].local_depth == self.global_depth {
            let mut nd = Vec::with_capacity(2 * self.dir.len());
            for (i, &t) in self.dir.iter().enumerate() {
                nd.push(t);
                nd.push(t);
                let tab = &mut self.tables[t as usize];
                if tab.index == i as isize {
                    tab.index = 2 * i as isize;
                }
            }
            self.account_directory(nd.len(), CopyPath::DirectoryGrow);
            self.probe.event(Event::DirectoryGrow);
            self.global_depth += 1;
            self.dir = nd;
        }
        let index = self.tables[old as usize].index;
        self.tables[left as usize].index = index;
        self.replace_table(left, CopyPath::TableSplit);
        let entries = 1isize << (self.global_depth - self.tables[left as usize].local_depth);
        self.tables[right as usize].index = index + entries;
        self.replace_table(right, CopyPath::TableSplit);
    }
}
