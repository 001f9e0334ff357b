//! Iteration (`table.go` `Iter.Init`, `Iter.Next`): a random start table
//! and slot offset, and correctness while the map grows underneath.
//!
//! An iterator walks the tables it saw in the directory. A table that was
//! replaced by growth since (its `index` is −1) is still walked — the model
//! keeps replaced tables while iterators exist, as Go's collector keeps
//! them reachable — and each key found there is looked up in the current
//! map, so a deleted key is skipped and an updated value is returned fresh.
//! A directory that doubled meanwhile is followed by scaling the
//! iterator's position (`globalDepth` orders).

use super::group::{self, CTRL_EMPTY};
use super::GoSwiss;
use crate::accounting::Probe;
use crate::gotype::SLOTS;
use crate::hash::KeyHasher;

/// An iterator's position (Go's `Iter`, without the key/elem pointers).
#[derive(Clone, Debug)]
pub struct SwissIter {
    entry_offset: u64,
    dir_offset: u64,
    global_depth: u8,
    /// −1: iterating the small group `tab`.
    dir_idx: isize,
    tab: Option<u32>,
    entry_idx: u64,
    done: bool,
}

/// Where the next entry was found: a table id and the slot's key offset,
/// and whether the table was replaced since (the elem is then looked up).
#[derive(Clone, Copy)]
struct Found {
    id: usize,
    g: usize,
    i: usize,
    grown: bool,
}

impl<H: KeyHasher, P: Probe> GoSwiss<H, P> {
    /// `Iter.Init`: a new iterator. The map keeps replaced tables and
    /// deleted objects readable until [`GoSwiss::iter_next`] has returned
    /// `None` for every iterator started.
    pub fn iter_start(&mut self) -> SwissIter {
        let mut it = SwissIter {
            entry_offset: self.rng.next_u64(),
            dir_offset: self.rng.next_u64(),
            global_depth: self.global_depth,
            dir_idx: 0,
            tab: None,
            entry_idx: 0,
            done: self.used == 0,
        };
        if it.done {
            return it;
        }
        if self.dir.is_empty() {
            it.dir_idx = -1;
            it.tab = self.small;
        }
        self.iterators += 1;
        it
    }

    fn iter_finish(&mut self, it: &mut SwissIter) {
        if !it.done {
            it.done = true;
            self.iterators -= 1;
            if self.iterators == 0 {
                for id in std::mem::take(&mut self.retired) {
                    self.tables[id as usize] = super::table::Table::vacant();
                    self.free_ids.push(id);
                }
                self.key_objs.collect();
                self.elem_objs.collect();
            }
        }
    }

    /// `Iter.Next`: the next entry's key and elem, or `None` at the end.
    pub fn iter_next(&mut self, it: &mut SwissIter) -> Option<(&[u8], &[u8])> {
        if it.done {
            return None;
        }
        match self.iter_advance(it) {
            Some(f) => {
                let geo = self.geo();
                let b = self.tables[f.id].bytes();
                let key = self.key_at(b, geo.key(f.g, f.i));
                let elem = if f.grown {
                    // `grownKeyElem`: the current elem (present: checked).
                    self.get(key).expect("checked by iter_advance")
                } else {
                    self.elem_at(b, geo.elem(f.g, f.i))
                };
                Some((key, elem))
            }
            None => {
                self.iter_finish(it);
                None
            }
        }
    }

    /// Whether a key read from a replaced table or group is still in the
    /// map (`grownKeyElem`: keys are plain data and equal to themselves, so
    /// a key the map no longer holds is skipped; Go's `clearSeq` check only
    /// matters for keys unequal to themselves, NaNs, which are not modelled).
    fn still_present(&self, id: usize, g: usize, i: usize) -> bool {
        let b = self.tables[id].bytes();
        self.get(self.key_at(b, self.geo().key(g, i))).is_some()
    }

    /// Moves the iterator to its next entry.
    fn iter_advance(&self, it: &mut SwissIter) -> Option<Found> {
        let geo = self.geo();
        if it.dir_idx < 0 {
            let id = it.tab.expect("small group") as usize;
            // Grown into a table (or cleared and regrown) since.
            let grown = !self.dir.is_empty() || self.small != Some(id as u32);
            while it.entry_idx < SLOTS as u64 {
                let k = ((it.entry_idx + it.entry_offset) % SLOTS as u64) as usize;
                it.entry_idx += 1;
                if group::get(self.tables[id].ctrl(0, geo), k) & CTRL_EMPTY == CTRL_EMPTY {
                    continue;
                }
                if grown && !self.still_present(id, 0, k) {
                    continue;
                }
                return Some(Found {
                    id,
                    g: 0,
                    i: k,
                    grown,
                });
            }
            return None;
        }
        if it.global_depth != self.global_depth {
            let orders = self.global_depth - it.global_depth;
            it.dir_idx <<= orders;
            it.dir_offset <<= orders;
            it.global_depth = self.global_depth;
        }
        while (it.dir_idx as usize) < self.dir.len() {
            if it.tab.is_none() {
                let d = ((it.dir_idx as u64).wrapping_add(it.dir_offset)
                    & (self.dir.len() as u64 - 1)) as usize;
                let id = self.dir[d];
                let index = self.tables[id as usize].index as usize;
                if index != d {
                    // Start at the table's first entry: adjust the offset so
                    // the remaining entries of its range are skipped.
                    let diff = d.wrapping_sub(index) as u64;
                    it.dir_offset = it.dir_offset.wrapping_sub(diff);
                }
                it.tab = Some(id);
            }
            let id = it.tab.expect("set above") as usize;
            let t = &self.tables[id];
            let mask = t.capacity as u64 - 1;
            while it.entry_idx <= mask {
                let e = (it.entry_idx + it.entry_offset) & mask;
                it.entry_idx += 1;
                let (g, i) = ((e >> 3) as usize, (e & 7) as usize);
                if group::get(t.ctrl(g, geo), i) & CTRL_EMPTY == CTRL_EMPTY {
                    continue;
                }
                let grown = t.index == -1;
                if grown && !self.still_present(id, g, i) {
                    continue;
                }
                return Some(Found { id, g, i, grown });
            }
            // `nextDirIdx`: skip every directory entry of this table.
            let entries = 1isize << (self.global_depth - t.local_depth);
            it.dir_idx += entries;
            it.tab = None;
            it.entry_idx = 0;
        }
        None
    }

    /// Calls `f` for every entry, in this map's iteration order.
    pub fn for_each(&mut self, f: &mut dyn FnMut(&[u8], &[u8])) {
        let mut it = self.iter_start();
        while let Some((k, v)) = self.iter_next(&mut it) {
            f(k, v);
        }
    }
}
