//! The structure of a map: directory, tables, depths, tombstones and probe
//! lengths — what `mapamp inspect` prints and the Go 1.26 reference
//! program records from the real runtime (`export_test.go`'s
//! `TableFor`/`GroupCount` and `table_debug.go` read the same fields).

use super::group::{self, ProbeSeq};
use super::map::{alloc_size, TABLE_STRUCT_BYTES};
use super::table::Table;
use super::GoSwiss;
use crate::accounting::Probe;
use crate::hash::KeyHasher;
use serde::{Deserialize, Serialize};

/// One table as the runtime's fields describe it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableInfo {
    /// Slots.
    pub capacity: u16,
    /// Filled slots.
    pub used: u16,
    /// Slots that may still be filled before a rehash.
    pub growth_left: u16,
    /// Tombstones (`tombstones()`).
    pub tombstones: u16,
    /// Hash bits selecting the table.
    pub local_depth: u8,
    /// First directory entry.
    pub index: isize,
}

/// A map's structure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Structure {
    /// Entries.
    pub used: u64,
    /// Whether the map is small (one group, no directory).
    pub small: bool,
    /// Directory entries (`dirLen`; 0 for a small map).
    pub dir_len: usize,
    /// `globalDepth`.
    pub global_depth: u8,
    /// Distinct tables, in directory order.
    pub tables: Vec<TableInfo>,
    /// Total slots over all tables (8 for a small map with its group).
    pub slots: usize,
    /// Entries / slots.
    pub load: f64,
    /// Mean groups probed to find a present key.
    pub hitprobe: f64,
    /// Mean groups probed for an absent key (over every start group).
    pub missprobe: f64,
    /// Heap bytes of groups, table structs and directory per entry, beyond
    /// the key and elem bytes themselves.
    pub overhead_bytes_per_entry: f64,
}

/// The directory's extent: what [`Structure`] says of the directory and its
/// tables' sizes, read without walking any table's slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Directory {
    /// Directory entries (0 while the map is one small group).
    pub dir_len: usize,
    /// Distinct tables the directory points at.
    pub tables: usize,
    /// Slots over all tables (8 for the small group, 0 before the first insert).
    pub slots: usize,
}

impl Structure {
    /// Total tombstones over all tables.
    pub fn tombstones(&self) -> u64 {
        self.tables.iter().map(|t| t.tombstones as u64).sum()
    }
}

impl<H: KeyHasher, P: Probe> GoSwiss<H, P> {
    fn distinct_tables(&self) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for &id in &self.dir {
            if out.last() != Some(&id) {
                out.push(id);
            }
        }
        out
    }

    /// Probe lengths of table `t`: (sum over present keys of groups probed,
    /// sum over start groups of groups probed for a miss).
    fn probe_sums(&self, t: &Table) -> (u64, u64) {
        let geo = self.geo();
        let mut hit = 0;
        for g in 0..t.group_count() {
            let mut full = group::match_full(t.ctrl(g, geo));
            while full != 0 {
                let i = group::first(full);
                full = group::remove_first(full);
                let hash = self.slot_hash::<false>(t.bytes(), geo.key(g, i));
                let mut seq = ProbeSeq::new(group::h1(hash), t.group_mask());
                let mut n = 1;
                while seq.offset as usize != g {
                    seq.next();
                    n += 1;
                }
                hit += n;
            }
        }
        let mut miss = 0;
        for start in 0..t.group_count() as u64 {
            let mut seq = ProbeSeq::new(start, t.group_mask());
            let mut n = 1;
            while group::match_empty(t.ctrl(seq.offset as usize, geo)) == 0
                && n <= t.group_count() as u64
            {
                seq.next();
                n += 1;
            }
            miss += n;
        }
        (hit, miss)
    }

    /// The directory's extent, without the walk [`Self::structure`] makes
    /// over every slot for the probe lengths (cheap enough to read after
    /// every insert).
    pub fn directory(&self) -> Directory {
        let ids = self.distinct_tables();
        Directory {
            dir_len: self.dir.len(),
            tables: ids.len(),
            slots: self.slots(&ids),
        }
    }

    /// Slots over the tables `ids` (the small group's 8 while there is no
    /// directory).
    fn slots(&self, ids: &[u32]) -> usize {
        if self.dir.is_empty() {
            self.small.map_or(0, |_| 8)
        } else {
            ids.iter()
                .map(|&id| self.tables[id as usize].capacity as usize)
                .sum()
        }
    }

    /// The map's structure (a walk over every table; not for hot paths).
    pub fn structure(&self) -> Structure {
        let ids = self.distinct_tables();
        let info = |t: &Table| TableInfo {
            capacity: t.capacity,
            used: t.used,
            growth_left: t.growth_left,
            tombstones: t.tombstones(),
            local_depth: t.local_depth,
            index: t.index,
        };
        let tables: Vec<TableInfo> = ids
            .iter()
            .map(|&id| info(&self.tables[id as usize]))
            .collect();
        let small = self.dir.is_empty();
        let slots = self.slots(&ids);
        let (mut hit, mut miss, mut starts) = (0u64, 0u64, 0u64);
        for &id in &ids {
            let t = &self.tables[id as usize];
            let (h, m) = self.probe_sums(t);
            hit += h;
            miss += m;
            starts += t.group_count() as u64;
        }
        let gs = self.t.group_size as u64;
        let ptrs = self.groups_have_pointers();
        let mut heap = if small {
            self.small.map_or(0, |_| alloc_size(gs, ptrs))
        } else {
            alloc_size(8 * self.dir.len() as u64, true)
                + tables
                    .iter()
                    .map(|t| TABLE_STRUCT_BYTES + alloc_size(t.capacity as u64 / 8 * gs, ptrs))
                    .sum::<u64>()
        };
        let payload_in_slots = super::layout::slot_store_bytes(&self.t) * self.used;
        heap = heap.saturating_sub(payload_in_slots);
        Structure {
            used: self.used,
            small,
            dir_len: self.dir.len(),
            global_depth: self.global_depth,
            slots,
            load: if slots == 0 {
                0.0
            } else {
                self.used as f64 / slots as f64
            },
            hitprobe: if self.used == 0 || small {
                0.0
            } else {
                hit as f64 / self.used as f64
            },
            missprobe: if starts == 0 {
                0.0
            } else {
                miss as f64 / starts as f64
            },
            overhead_bytes_per_entry: if self.used == 0 {
                0.0
            } else {
                heap as f64 / self.used as f64
            },
            tables,
        }
    }

    /// How many groups of the map's first table hold 0, 1, ..., 8 full
    /// slots (the small group's, for a small map).
    pub fn group_fill_histogram(&self) -> [usize; 9] {
        let mut h = [0; 9];
        let id = self.dir.first().copied().or(self.small);
        if let Some(id) = id {
            let t = &self.tables[id as usize];
            for g in 0..t.group_count() {
                h[group::match_full(t.ctrl(g, self.geo())).count_ones() as usize] += 1;
            }
        }
        h
    }

    /// Checks the structure's invariants: counters agree with control
    /// bytes, every directory range points at its table, depths fit.
    pub fn check_invariants(&self) -> Result<(), String> {
        let geo = self.geo();
        if self.dir.is_empty() {
            if let Some(id) = self.small {
                let full =
                    group::match_full(self.tables[id as usize].ctrl(0, geo)).count_ones() as u64;
                if full != self.used {
                    return Err(format!("small map: {full} full slots, used {}", self.used));
                }
            } else if self.used != 0 {
                return Err("entries without a group".into());
            }
            return Ok(());
        }
        if self.dir.len() != 1 << self.global_depth {
            return Err(format!(
                "dirLen {} with globalDepth {}",
                self.dir.len(),
                self.global_depth
            ));
        }
        let mut total = 0u64;
        for id in self.distinct_tables() {
            let t = &self.tables[id as usize];
            if t.local_depth > self.global_depth || t.index < 0 {
                return Err(format!(
                    "table {id}: localDepth {} index {}",
                    t.local_depth, t.index
                ));
            }
            let entries = 1usize << (self.global_depth - t.local_depth);
            let start = t.index as usize;
            if !start.is_multiple_of(entries)
                || self.dir[start..start + entries].iter().any(|&d| d != id)
            {
                return Err(format!(
                    "table {id}: directory range {start}+{entries} does not point at it"
                ));
            }
            let (mut full, mut deleted, mut empty) = (0u16, 0u16, 0u16);
            for g in 0..t.group_count() {
                for i in 0..8 {
                    match group::get(t.ctrl(g, geo), i) {
                        group::CTRL_EMPTY => empty += 1,
                        group::CTRL_DELETED => deleted += 1,
                        c if c < 0x80 => full += 1,
                        c => return Err(format!("table {id}: control byte {c:#x}")),
                    }
                }
            }
            if full != t.used || deleted != t.tombstones() || empty == 0 {
                return Err(format!(
                    "table {id}: {full} full / {deleted} deleted / {empty} empty slots, used {}, tombstones {}",
                    t.used,
                    t.tombstones()
                ));
            }
            total += t.used as u64;
        }
        if total != self.used {
            return Err(format!(
                "tables hold {total} entries, map says {}",
                self.used
            ));
        }
        Ok(())
    }
}
