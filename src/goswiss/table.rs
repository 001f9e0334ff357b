//! One table: up to 1024 slots in groups of 8, probed triangularly
//! (`internal/runtime/maps/table.go`).
//!
//! The operations that only need the table itself live here: its storage
//! and counters (`newTable`, `reset`, `maxGrowthLeft`, `tombstones`), the
//! unchecked insert growth uses (`uncheckedPutSlot`). Lookups, writes,
//! deletes, pruning, growth and splitting need the map's hasher, seed,
//! indirect objects and probe, and live in `map`, `delete` and `grow`.
//!
//! A table's groups are bytes laid out by the map's
//! [`GroupType`](crate::gotype::GroupType), kept in 8-byte words so that
//! every field Go aligns is aligned here too (a group's size is a multiple
//! of 8: it starts with the `uint64` control word).

use super::group::{self, ProbeSeq, CTRL_ALL_EMPTY, MAX_AVG_GROUP_LOAD};
use super::layout::{Geo, KV88};
use crate::gotype::SLOTS;
use crate::mem::{self, load64, store64};

/// Slots of the largest table (`maxTableCapacity`); a full table of this
/// size splits instead of growing.
pub const MAX_TABLE_CAPACITY: usize = 1024;

/// Words of a [`KV88`] group: the control word and 8 × (key, elem).
pub const KV88_WORDS: usize = KV88.group / 8;

/// One table (Go's `table` struct) with its groups.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Filled slots (`used`).
    pub used: u16,
    /// Total slots, a power of two ≥ 8 (`capacity`).
    pub capacity: u16,
    /// Slots that may still be filled before a rehash (`growthLeft`).
    pub growth_left: u16,
    /// Hash bits that select this table in the directory (`localDepth`).
    pub local_depth: u8,
    /// First directory entry pointing here, or −1 once replaced (`index`).
    pub index: isize,
    /// The groups' bytes, in 8-byte words.
    pub groups: Box<[u64]>,
}

impl Table {
    /// `newTable` + `reset`: `capacity` rounded up to a power of two (at
    /// least 8), every control word empty. The caller accounts for the
    /// allocation and the zero fill (see [`Table::zero_fill_bytes`]).
    pub fn new(capacity: usize, index: isize, local_depth: u8, group_size: usize) -> Table {
        let capacity = capacity.max(SLOTS).next_power_of_two();
        assert!(
            capacity <= MAX_TABLE_CAPACITY,
            "initial table capacity too large"
        );
        let groups = capacity / SLOTS;
        debug_assert!(group_size.is_multiple_of(8));
        let gw = group_size / 8;
        let mut words = vec![0u64; groups * gw].into_boxed_slice();
        for g in 0..groups {
            words[g * gw] = CTRL_ALL_EMPTY;
        }
        let mut t = Table {
            used: 0,
            capacity: capacity as u16,
            growth_left: 0,
            local_depth,
            index,
            groups: words,
        };
        t.growth_left = t.max_growth_left();
        t
    }

    /// A freed arena entry (no groups).
    pub fn vacant() -> Table {
        Table {
            index: -1,
            ..Table::default()
        }
    }

    /// The groups as bytes.
    #[inline(always)]
    pub fn bytes(&self) -> &[u8] {
        mem::bytes_of(&self.groups)
    }

    /// The groups as writable bytes.
    #[inline(always)]
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        mem::bytes_of_mut(&mut self.groups)
    }

    /// Number of groups.
    #[inline(always)]
    pub fn group_count(&self) -> usize {
        self.capacity as usize / SLOTS
    }

    /// `groups.lengthMask`.
    #[inline(always)]
    pub fn group_mask(&self) -> u64 {
        (self.capacity as u64 / SLOTS as u64).wrapping_sub(1)
    }

    /// `maxGrowthLeft`: 7/8 of the slots, or all but one in a one-group table.
    pub fn max_growth_left(&self) -> u16 {
        let c = self.capacity as usize;
        if c <= SLOTS {
            (c - 1) as u16
        } else {
            (c * MAX_AVG_GROUP_LOAD / SLOTS) as u16
        }
    }

    /// `tombstones`: deleted slots, derived as Go derives it. (Go's formula
    /// uses 7/8 of the capacity even for a one-group table.)
    pub fn tombstones(&self) -> u16 {
        ((self.capacity as usize * MAX_AVG_GROUP_LOAD / SLOTS) as u16)
            .wrapping_sub(self.used)
            .wrapping_sub(self.growth_left)
    }

    /// Bytes the allocation of `groups` groups zero-fills, plus the control
    /// words `reset` sets to empty.
    pub fn zero_fill_bytes(groups: usize, group_size: usize) -> u64 {
        (groups * (group_size + 8)) as u64
    }

    /// The control word of group `g`.
    #[inline(always)]
    pub fn ctrl(&self, g: usize, geo: Geo) -> u64 {
        load64(self.bytes(), geo.ctrl(g))
    }

    /// Sets control byte `i` of group `g`.
    #[inline(always)]
    pub fn set_ctrl(&mut self, g: usize, geo: Geo, i: usize, c: u8) {
        let at = geo.ctrl(g);
        let b = self.bytes_mut();
        store64(b, at, group::set(load64(b, at), i, c));
    }

    /// The groups of a `map[uint64]uint64` table ([`KV88`]), each 17 words:
    /// the control word, then key and elem of slot 0, 1, ... 7 (little-endian).
    #[inline(always)]
    pub fn kv88_groups(&self) -> &[[u64; KV88_WORDS]] {
        let (groups, rest) = self.groups.as_chunks::<KV88_WORDS>();
        debug_assert!(rest.is_empty() && groups.len() == self.group_count());
        groups
    }

    /// [`Table::unchecked_put`] for `map[uint64]uint64` ([`KV88`]): `key`
    /// and `elem` are the slot's two words as stored (little-endian). Leaves
    /// `used` and `growthLeft` to the caller, which moves them once per
    /// rehash.
    ///
    /// # Safety
    ///
    /// The table must have been made with [`KV88`]'s group size (136 bytes:
    /// `groups` holds `group_count() × 17` words) and have an empty or
    /// deleted slot (`growthLeft > 0` before the caller's batch).
    #[inline(always)]
    pub unsafe fn unchecked_put_kv88(&mut self, hash: u64, key: u64, elem: u64) {
        debug_assert_eq!(self.groups.len(), self.group_count() * KV88_WORDS);
        let mut seq = ProbeSeq::new(group::h1(hash), self.group_mask());
        let words = self.groups.as_mut_ptr();
        loop {
            // SAFETY: `offset ≤ group_mask = group_count − 1`, and the
            // groups hold `group_count × 17` words (the caller's contract),
            // so the group's 17 words are in bounds.
            let g = unsafe { words.add(seq.offset as usize * KV88_WORDS) };
            // SAFETY: as above, word 0 of the group.
            let ctrl = u64::from_le(unsafe { *g });
            let m = group::match_empty_or_deleted(ctrl);
            if m != 0 {
                let i = group::first(m);
                // SAFETY: `m != 0`, so `i ≤ 7` and words `1 + 2i`, `2 + 2i`
                // are at most 16: inside the group's 17 words.
                unsafe {
                    *g.add(1 + 2 * i) = key;
                    *g.add(2 + 2 * i) = elem;
                    *g = group::set(ctrl, i, group::h2(hash)).to_le();
                }
                return;
            }
            // A table with a free slot ends the probe (the caller's
            // contract); the sequence visits every group.
            seq.next();
        }
    }

    /// `uncheckedPutSlot`: stores an entry in the first empty-or-deleted
    /// slot of the probe sequence. `from` is the entry in its old group's
    /// bytes: `key` and `elem` (key or key pointer, elem or elem pointer);
    /// in the interleaved layout they are one slot, copied at once
    /// (`key` then spans the slot). Returns nothing: growth accounts per
    /// entry.
    #[inline(always)]
    pub fn unchecked_put(&mut self, hash: u64, key: &[u8], elem: &[u8], geo: Geo) {
        assert!(
            self.growth_left > 0,
            "invariant failed: growthLeft is unexpectedly 0"
        );
        let mut seq = ProbeSeq::new(group::h1(hash), self.group_mask());
        loop {
            let g = seq.offset as usize;
            let ctrl = self.ctrl(g, geo);
            let m = group::match_empty_or_deleted(ctrl);
            if m != 0 {
                let i = group::first(m);
                let at = geo.key(g, i);
                let b = self.bytes_mut();
                mem::copy(&mut b[at..], key);
                if geo.split {
                    mem::copy(&mut b[geo.elem(g, i)..], elem);
                }
                store64(b, geo.ctrl(g), group::set(ctrl, i, group::h2(hash)));
                self.growth_left -= 1;
                self.used += 1;
                return;
            }
            seq.next();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_rounding_and_growth_left() {
        let t = Table::new(10, 0, 0, 136);
        assert_eq!((t.capacity, t.growth_left), (16, 14));
        assert_eq!(t.groups.len(), 2 * 17);
        let t = Table::new(1, 0, 0, 136);
        assert_eq!((t.capacity, t.growth_left, t.tombstones()), (8, 7, 0));
        let t = Table::new(1024, 0, 0, 72);
        assert_eq!(
            (t.capacity, t.growth_left, t.group_count()),
            (1024, 896, 128)
        );
        assert_eq!(t.tombstones(), 0);
        assert_eq!(
            t.ctrl(
                127,
                super::super::layout::Geo {
                    group: 72,
                    keys: 8,
                    key_stride: 8,
                    elems: 12,
                    elem_stride: 8,
                    split: false,
                }
            ),
            CTRL_ALL_EMPTY
        );
    }
}
