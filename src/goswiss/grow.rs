//! Growth: the small map's move into a table, a table's rehash into one of
//! twice the slots or its split into two, and the directory's doubling
//! (`map.go` `growToTable`, `replaceTable`, `installTableSplit`;
//! `table.go` `rehash`, `grow`, `split`).
//!
//! Every live entry of the table being rehashed is reinserted with
//! `uncheckedPutSlot`: its key and elem (or their pointers — indirect
//! objects do not move) and a control byte are stored in the new table.
//! Tombstones are not copied.

use super::group;
use super::layout;
use super::table::{Table, MAX_TABLE_CAPACITY};
use super::GoSwiss;
use crate::accounting::{CopyPath, Event, Probe};
use crate::gotype::SLOTS;
use crate::hash::KeyHasher;

/// Where a rehash puts the entries it moves.
#[derive(Clone, Copy)]
enum Dest {
    /// Every entry into one table (`growToTable`, `grow`).
    One(u32),
    /// Into `left` when `hash & mask` is clear, else into `right` (`split`).
    Split { left: u32, right: u32, mask: u64 },
}

impl<H: KeyHasher, P: Probe> GoSwiss<H, P> {
    /// Reinserts every full slot of table `old` (taken out of the arena)
    /// into the tables of `to`, in Go's order (group by group, slot by
    /// slot); returns the entries moved.
    fn reinsert(&mut self, old: &Table, to: Dest) -> u64 {
        if self.kv88 {
            return match to {
                Dest::One(id) => self.reinsert_kv88([id], 0, old),
                Dest::Split { left, right, mask } => self.reinsert_kv88([left, right], mask, old),
            };
        }
        match to {
            Dest::One(id) => self.reinsert_g(old, |_| id),
            Dest::Split { left, right, mask } => {
                self.reinsert_g(old, |h| if h & mask == 0 { left } else { right })
            }
        }
    }

    /// [`Self::reinsert`] for any geometry: `pick` chooses the table by hash.
    fn reinsert_g(&mut self, old: &Table, mut pick: impl FnMut(u64) -> u32) -> u64 {
        let geo = self.geo();
        // Interleaved: the slot moves as one copy (key, padding, elem);
        // split: the key and the elem each.
        let (klen, elen) = if geo.split {
            (self.t.key_slot(), self.t.elem_slot())
        } else {
            (self.t.key_stride, 0)
        };
        let b = old.bytes();
        let mut moved = 0;
        for g in 0..old.group_count() {
            let mut full = group::match_full(old.ctrl(g, geo));
            while full != 0 {
                let i = group::first(full);
                full = group::remove_first(full);
                let at = geo.key(g, i);
                let hash = self.slot_hash::<false>(b, at);
                let to = pick(hash) as usize;
                let eat = geo.elem(g, i);
                self.tables[to].unchecked_put(hash, &b[at..at + klen], &b[eat..eat + elen], geo);
                moved += 1;
            }
        }
        moved
    }

    /// [`Self::reinsert`] for `map[uint64]uint64` ([`layout::KV88`]): the
    /// same slots, hashes, destinations and stores, on 8-byte words. With
    /// two tables an entry goes to the second when `hash & mask` is set
    /// (a split); with one, every entry goes to it (a grow). Each
    /// destination's `used` and `growthLeft` move once, by the entries it
    /// took, after Go's invariant (room for every entry) was checked once.
    fn reinsert_kv88<const N: usize>(&mut self, ids: [u32; N], mask: u64, old: &Table) -> u64 {
        let src = old.kv88_groups();
        let (hasher, seed) = (&self.hasher, self.seed);
        let mut dst = self
            .tables
            .get_disjoint_mut(ids.map(|id| id as usize))
            .expect("rehash destinations are distinct tables");
        for t in dst.iter() {
            assert!(
                t.growth_left >= old.used,
                "invariant failed: growthLeft is unexpectedly 0"
            );
        }
        let mut took = [0u16; N];
        for g in src {
            let mut full = group::match_full(u64::from_le(g[0]));
            while full != 0 {
                let i = group::first(full);
                full = group::remove_first(full);
                let (key, elem) = (g[1 + 2 * i], g[2 + 2 * i]);
                let hash = hasher.hash_u64(u64::from_le(key), seed);
                let d = if N == 2 {
                    (hash & mask != 0) as usize
                } else {
                    0
                };
                // SAFETY: the destination has room for every entry of `old`
                // (asserted above), and it holds `map[uint64]uint64`
                // groups: `kv88_groups` of a table of this map's type.
                unsafe { dst[d].unchecked_put_kv88(hash, key, elem) };
                took[d] += 1;
            }
        }
        let mut moved = 0;
        for (t, n) in dst.iter_mut().zip(took) {
            t.growth_left -= n;
            t.used += n;
            moved += n as u64;
        }
        moved
    }

    /// Takes table `id` out of the arena for a rehash (its id stays
    /// reserved until [`Self::retire_table`]).
    fn take_table(&mut self, id: u32) -> Table {
        std::mem::take(&mut self.tables[id as usize])
    }

    /// `growToTable`: the 9th key of a small map moves its 8 entries into a
    /// 16-slot table under a 1-entry directory (`small_to_table`).
    pub(crate) fn grow_to_table(&mut self) {
        let small = self.small.take().expect("small group");
        let id = self.new_table(2 * SLOTS, 0, 0);
        let old = self.take_table(small);
        let moved = self.reinsert(&old, Dest::One(id));
        self.tables[small as usize] = old;
        probe!(self.bytes(CopyPath::SmallToTable, moved * layout::moved_bytes(&self.t)));
        probe!(self.event(Event::Evacuated(moved)));
        self.account_directory(1, CopyPath::SmallToTable);
        self.dir = vec![id];
        self.global_depth = 0;
        self.reserve_table_ids(1);
        self.retire_table(small);
    }

    /// `rehash`: a full table grows to twice its slots, or splits at 1024.
    #[cold]
    #[inline(never)]
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
        let old = self.take_table(id);
        let moved = self.reinsert(&old, Dest::One(nid));
        self.tables[id as usize] = old;
        probe!(self.bytes(CopyPath::TableGrow, moved * layout::moved_bytes(&self.t)));
        probe!(self.event(Event::DoublingGrow));
        probe!(self.event(Event::Evacuated(moved)));
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
        let old = self.take_table(id);
        let moved = self.reinsert(&old, Dest::Split { left, right, mask });
        self.tables[id as usize] = old;
        probe!(self.bytes(CopyPath::TableSplit, moved * layout::moved_bytes(&self.t)));
        probe!(self.event(Event::TableSplit));
        probe!(self.event(Event::Evacuated(moved)));
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
        probe!(self.bytes(path, layout::repoint_bytes(entries)));
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
            probe!(self.event(Event::DirectoryGrow));
            self.global_depth += 1;
            self.dir = nd;
            self.reserve_table_ids(self.dir.len());
        }
        let index = self.tables[old as usize].index;
        self.tables[left as usize].index = index;
        self.replace_table(left, CopyPath::TableSplit);
        let entries = 1isize << (self.global_depth - self.tables[left as usize].local_depth);
        self.tables[right as usize].index = index + entries;
        self.replace_table(right, CopyPath::TableSplit);
    }
}
