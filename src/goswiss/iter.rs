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
use super::typ::GROUP_SLOTS;
use super::GoSwiss;
use crate::accounting::Probe;
use crate::hash::KeyHasher;
use crate::pod::Pod;

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

impl<K: Pod, V: Pod, H: KeyHasher, P: Probe> GoSwiss<K, V, H, P> {
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

    fn iter_finish(&mut self, it: &mut SwissIter) -> Option<(K, V)> {
        if !it.done {
            it.done = true;
            self.iterators -= 1;
            if self.iterators == 0 {
                for id in std::mem::take(&mut self.retired) {
                    self.tables[id as usize] = super::table::Table::vacant();
                    self.free_ids.push(id);
                }
                self.keys.collect();
                self.elems.collect();
            }
        }
        None
    }

    /// The current entry for a key found in a replaced table or group
    /// (`grownKeyElem`): keys are plain data and equal to themselves, so a
    /// key the map no longer holds is skipped (Go's `clearSeq` check only
    /// matters for keys unequal to themselves, NaNs, which are not modelled).
    fn grown(&self, key: K) -> Option<(K, V)> {
        self.get(&key).map(|v| (key, v))
    }

    /// `Iter.Next`: the next entry, or `None` at the end.
    pub fn iter_next(&mut self, it: &mut SwissIter) -> Option<(K, V)> {
        if it.done {
            return None;
        }
        let gw = self.gw;
        if it.dir_idx < 0 {
            let id = it.tab.expect("small group") as usize;
            while it.entry_idx < GROUP_SLOTS as u64 {
                let k = ((it.entry_idx + it.entry_offset) % GROUP_SLOTS as u64) as usize;
                it.entry_idx += 1;
                let t = &self.tables[id];
                if group::get(t.ctrl(0, gw), k) & CTRL_EMPTY == CTRL_EMPTY {
                    continue;
                }
                let key = self.slot_key(t, 0, k);
                if !self.dir.is_empty() || self.small != Some(id as u32) {
                    // Grown into a table (or cleared and regrown) since.
                    match self.grown(key) {
                        Some(e) => return Some(e),
                        None => continue,
                    }
                }
                return Some((key, self.slot_elem(t, 0, k)));
            }
            return self.iter_finish(it);
        }
        if it.global_depth != self.global_depth {
            let orders = self.global_depth - it.global_depth;
            it.dir_idx <<= orders;
            it.dir_offset <<= orders;
            it.global_depth = self.global_depth;
        }
        while (it.dir_idx as usize) < self.dir.len() {
            if it.tab.is_none() {
                let mut d = ((it.dir_idx as u64).wrapping_add(it.dir_offset)
                    & (self.dir.len() as u64 - 1)) as usize;
                let id = self.dir[d];
                let index = self.tables[id as usize].index as usize;
                if index != d {
                    // Start at the table's first entry: adjust the offset so
                    // the remaining entries of its range are skipped.
                    let diff = d.wrapping_sub(index) as u64;
                    it.dir_offset = it.dir_offset.wrapping_sub(diff);
                    d = index;
                }
                let _ = d;
                it.tab = Some(id);
            }
            let id = it.tab.expect("set above") as usize;
            let mask = self.tables[id].capacity as u64 - 1;
            while it.entry_idx <= mask {
                let e = (it.entry_idx + it.entry_offset) & mask;
                it.entry_idx += 1;
                let (g, i) = ((e >> 3) as usize, (e & 7) as usize);
                let t = &self.tables[id];
                if group::get(t.ctrl(g, gw), i) & CTRL_EMPTY == CTRL_EMPTY {
                    continue;
                }
                let key = self.slot_key(t, g, i);
                if t.index == -1 {
                    match self.grown(key) {
                        Some(e) => return Some(e),
                        None => continue,
                    }
                }
                return Some((key, self.slot_elem(t, g, i)));
            }
            // `nextDirIdx`: skip every directory entry of this table.
            let entries = 1isize << (self.global_depth - self.tables[id].local_depth);
            it.dir_idx += entries;
            it.tab = None;
            it.entry_idx = 0;
        }
        self.iter_finish(it)
    }

    /// Calls `f` for every entry, in this map's iteration order.
    pub fn for_each(&mut self, f: &mut dyn FnMut(K, V)) {
        let mut it = self.iter_start();
        while let Some((k, v)) = self.iter_next(&mut it) {
            f(k, v);
        }
    }
}
