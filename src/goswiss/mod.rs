//! A faithful model of Go's Swiss-table map (Go 1.24 and later,
//! `internal/runtime/maps`), instrumented so every byte it stores is
//! attributed to a copy path.
//!
//! # The design being modelled
//!
//! Go 1.24 replaced the bucket-and-overflow-chain map with a Swiss table.
//! Entries live in *groups*: an 8-byte control word followed by 8 slots,
//! each slot a `{key, elem}` pair laid out as a Go struct. A control byte
//! says whether its slot is empty (`0x80`), deleted (`0xFE`, a tombstone)
//! or full, and when full it holds the low 7 bits of the key's hash (H2).
//! The rest of the hash (H1) picks the group a probe starts at; probing
//! visits groups triangularly (1, 2, 3, ... groups further) and a lookup
//! stops at the first group that has an empty slot. Comparing eight
//! control bytes at once makes most misses cost one word.
//!
//! A *table* holds up to 1024 slots and may fill 7 of every 8
//! (`growthLeft` counts what is left). Deleting from a group that has an
//! empty slot frees the slot; otherwise it leaves a tombstone, which keeps
//! probe sequences intact and is not given back to `growthLeft`. When a
//! table runs out of room, Go 1.26 first tries to *prune* tombstones no
//! probe sequence needs (control-byte writes only); Go 1.24 did not, so
//! churn at a constant size kept doubling tables (golang/go#70886). A
//! table that must grow is *rehashed*: below 1024 slots into one new table
//! of twice the slots, at 1024 slots *split* into two 1024-slot tables by
//! the next hash bit. Either way every live entry of that one table is
//! reinserted in the same write, and tombstones vanish; nothing is
//! incremental, and nothing ever shrinks.
//!
//! Tables hang off a *directory* indexed by the hash's top `globalDepth`
//! bits (extendible hashing): a table with `localDepth < globalDepth` is
//! pointed to by several entries. A split of a table at the global depth
//! doubles the directory. A map of at most 8 entries is *small*: one group,
//! no table, no directory; the 9th key moves it into a 16-slot table.
//! Keys or elems over 128 bytes are stored through pointers.
//!
//! Iteration starts at a random table and slot, and keeps walking a table
//! even after it was replaced by growth, looking each key up in the current
//! map so that values are fresh and deleted keys skipped.
//!
//! # How it is built here
//!
//! One file per concern, named after Go's: [`layout`] (offsets of a
//! group's parts, from the one layout definition in
//! [`crate::gotype::GroupType`], Go's `MapGroupType`), [`group`] (control
//! words, matches, probe sequence), [`hash`] (the default hasher),
//! [`table`] (a table's storage and counters), `map` (`NewMap`, `PutSlot`,
//! `Get`, small maps, the directory), `delete` (`Delete`,
//! `pruneTombstones`, `Clear`), `grow` (`growToTable`, `rehash`, `grow`,
//! `split`, `installTableSplit`), [`iter`] (`Iter.Init`, `Iter.Next`) and
//! [`structure`] (a map's structure: tables, depths, tombstones, probes).
//!
//! Keys and elems are bytes of their Go type's shape, as in the classic
//! model: a map is made for a key and an elem [`Shape`], tables keep their
//! groups as bytes at Go's offsets (padding included), and keys or elems
//! over 128 bytes live in their own objects with a pointer in the slot. Go
//! specialises `mapassign_fast64`/`mapaccess2_fast64` (and the 32-bit and
//! string forms) only in how a key is hashed, compared and copied, and in
//! a small map's lookup, which scans the group's keys without hashing; the
//! model does the same for 4- and 8-byte keys, and compiles its hot paths
//! once more with the constant geometry of `map[uint64]uint64`
//! ([`layout::KV88`]). Every route behaves identically, as Go's do.
//!
//! Every store goes through the map's [`Probe`]
//! with its [`CopyPath`](crate::accounting::CopyPath):
//!
//! | path | stores |
//! |---|---|
//! | `assign` | a new key: key + elem (or two pointers and the objects) + 1 control byte; an update: the elem |
//! | `small_to_table` | the 9th key's move: 8 entries reinserted (slot + control byte each), the 1-entry directory |
//! | `table_grow` | a table doubling: live entries reinserted, directory entries repointed |
//! | `table_split` | a 1024-slot table split: live entries reinserted, directory entries repointed |
//! | `directory_grow` | a directory doubling: the new pointer array zeroed and filled |
//! | `zero_fill` | fresh groups: allocation zeroing + control words set empty (also `make` with a hint) |
//! | `delete` | elem cleared (or its pointer, and the key pointer) + 1 control byte |
//! | `prune` | control bytes of pruned tombstones set empty |
//! | `clear` | groups cleared by `clear(m)` + their control words set empty |
//!
//! Scalar header fields (`used`, `growthLeft`, `seed`, table structs) are
//! bookkeeping, not copies of data, and are not counted, as for the
//! classic model.

// With the probe calls compiled out, what only fed them goes unused.
#![cfg_attr(feature = "no-probe-calls", allow(unused))]

/// Records on the map's accounting probe: `probe!(self.bytes(path, n))` is
/// `self.probe.bytes(path, n)`, its arguments evaluated only when the probe
/// records ([`Probe::ENABLED`]): some of them are not free (an allocation's
/// size class is a table lookup that may panic, which the compiler must
/// keep even when the result goes unused), and with accounting off
/// ([`Off`]) none of them may cost an instruction. Every store and event of
/// the model goes through it, so that one switch can take them all out:
/// the cargo feature `no-probe-calls` compiles the calls away. That build
/// exists only for `scripts/ir-identity.sh`, which checks that a map with
/// accounting off executes exactly the instructions of a map with no probe
/// calls at all; with the feature on, the accounting counts nothing.
macro_rules! probe {
    ($m:ident . $method:ident ( $($arg:expr),* $(,)? )) => {
        #[cfg(not(feature = "no-probe-calls"))]
        {
            if $crate::goswiss::records(&$m.probe) {
                $m.probe.$method($($arg),*);
            }
        }
    };
}

/// Whether `probe` records anything (its type's [`Probe::ENABLED`], a
/// constant: the branch of [`probe!`] folds away).
#[inline(always)]
pub(crate) fn records<P: Probe>(_: &P) -> bool {
    P::ENABLED
}

pub mod group;
pub mod hash;
pub mod iter;
pub mod layout;
pub mod structure;
pub mod table;

mod delete;
mod grow;
mod map;
#[cfg(test)]
mod tests;

pub use iter::SwissIter;
pub use map::{
    alloc_size, directory_alloc, effective_hint, groups_alloc, hint_shape, MAP_HEADER_BYTES,
    TABLE_STRUCT_BYTES,
};
pub use structure::{Directory, Structure, TableInfo};

use crate::accounting::{Off, Probe};
use crate::gomap::objects::ObjectTable;
use crate::gotype::{FastPath, GroupLayout, GroupType, Shape, GO_MAX_INLINE};
use crate::hash::KeyHasher;
use crate::mem::load64;
use crate::rng::Rng;
pub use hash::GoHash;
use layout::Geo;
use serde::{Deserialize, Serialize};
use table::Table;

/// Which Go release's behaviour to model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Release {
    /// Go 1.26 (and 1.25): tombstones are pruned before a full table grows.
    Go126,
    /// Go 1.24: no pruning; a full table always rehashes (golang/go#70886).
    Go124,
    /// Go 1.27: as 1.26, and a write to a full small map (8 entries) that
    /// only updates an existing key updates it in place; 1.26 first moved
    /// the map into a table (`PutSlot`, `putSlotSmall` in 1.27's `map.go`).
    Go127,
    /// Go 1.27 built with `GOEXPERIMENT=mapsplitgroup`: 1.27's behaviour
    /// with groups of a key array and an elem array ([`GroupLayout::Split`]).
    Go127Split,
}

impl Release {
    /// Every release modelled, oldest first.
    pub const ALL: [Release; 4] = [
        Release::Go124,
        Release::Go126,
        Release::Go127,
        Release::Go127Split,
    ];

    /// Whether a full table first prunes tombstones (Go 1.25+).
    pub fn prunes(self) -> bool {
        self != Release::Go124
    }

    /// Whether a full small map updates an existing key in place (Go 1.27)
    /// rather than first growing into a table.
    pub fn small_update_in_place(self) -> bool {
        matches!(self, Release::Go127 | Release::Go127Split)
    }

    /// The group layout of this release's maps.
    pub fn layout(self) -> GroupLayout {
        match self {
            Release::Go127Split => GroupLayout::Split,
            _ => GroupLayout::Interleaved,
        }
    }

    /// The Go release as the real-Go side names it (`go1.24`,
    /// `go1.26`, `go1.27`, `go1.27split`).
    pub fn go_name(self) -> &'static str {
        match self {
            Release::Go124 => "go1.24",
            Release::Go126 => "go1.26",
            Release::Go127 => "go1.27",
            Release::Go127Split => "go1.27split",
        }
    }
}

/// What the next insert of a key would do, and how many entries the
/// table it lands in holds (the entries a rehash would move).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RehashFor {
    /// The rehash.
    pub kind: Rehash,
    /// Entries of the small group or table the key lands in.
    pub entries: usize,
}

/// What the next insert of a key would do beyond filling a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rehash {
    /// The small map's 9th key: move into a 16-slot table.
    SmallToTable,
    /// Prune tombstones (Go 1.26) and then fit in the same table.
    Prune,
    /// Grow the key's table to twice its slots.
    Grow,
    /// Split the key's 1024-slot table; `directory` when that doubles the directory.
    Split {
        /// Whether the directory doubles too.
        directory: bool,
    },
}

/// A slot's key or its elem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// The key.
    Key,
    /// The elem.
    Elem,
}

/// Go's Swiss-table map, for keys and elems of run-time shapes, hashing
/// with `H`, accounting through `P`.
#[derive(Clone)]
pub struct GoSwiss<H: KeyHasher = GoHash, P: Probe = Off> {
    /// The map type (`abi.MapType`): shapes and group layout.
    pub(crate) t: GroupType,
    /// Whether the type has the constant geometry of `map[uint64]uint64`.
    pub(crate) kv88: bool,
    /// Live entries (`used`).
    pub(crate) used: u64,
    pub(crate) seed: u64,
    /// The small map's group (`dirPtr` while `dirLen == 0`), an arena id.
    pub(crate) small: Option<u32>,
    /// The directory: arena ids of tables.
    pub(crate) dir: Vec<u32>,
    pub(crate) global_depth: u8,
    /// Tables by id; replaced ones are kept while iterators may read them.
    pub(crate) tables: Vec<Table>,
    pub(crate) free_ids: Vec<u32>,
    pub(crate) retired: Vec<u32>,
    pub(crate) iterators: u32,
    pub(crate) tombstone_possible: bool,
    pub(crate) clear_seq: u64,
    pub(crate) release: Release,
    pub(crate) hasher: H,
    pub(crate) probe: P,
    pub(crate) rng: Rng,
    /// Objects of indirect keys and elems.
    pub(crate) key_objs: ObjectTable,
    pub(crate) elem_objs: ObjectTable,
}

impl GoSwiss {
    /// An empty Go 1.26 map without accounting (`make(map[K]V)`).
    pub fn new(key: Shape, elem: Shape, seed: u64) -> Self {
        GoSwiss::with_config(key, elem, Release::Go126, 0, seed, GoHash)
    }
}

impl<H: KeyHasher, P: Probe> GoSwiss<H, P> {
    /// `make(map[key]elem, hint)` of the given release, hashing with
    /// `hasher` under seeds drawn from `seed`.
    pub fn with_config(
        key: Shape,
        elem: Shape,
        release: Release,
        hint: usize,
        seed: u64,
        hasher: H,
    ) -> Self {
        let t = GroupType::with_layout(key, elem, GO_MAX_INLINE, release.layout());
        let mut rng = Rng::new(seed);
        let mut m = GoSwiss {
            kv88: layout::is_kv88(&t),
            t,
            used: 0,
            seed: rng.next_u64(),
            small: None,
            dir: Vec::new(),
            global_depth: 0,
            tables: Vec::new(),
            free_ids: Vec::new(),
            retired: Vec::new(),
            iterators: 0,
            tombstone_possible: false,
            clear_seq: 0,
            release,
            hasher,
            probe: P::default(),
            rng,
            key_objs: ObjectTable::default(),
            elem_objs: ObjectTable::default(),
        };
        m.make_with_hint(hint);
        m
    }

    /// The map's type: shapes and group layout.
    pub fn map_type(&self) -> &GroupType {
        &self.t
    }

    /// The release whose behaviour this map follows.
    pub fn release(&self) -> Release {
        self.release
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.used as usize
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// The accounting probe.
    pub fn probe(&self) -> &P {
        &self.probe
    }

    /// Indirect key and elem objects currently allocated.
    pub fn indirect_objects_live(&self) -> usize {
        self.key_objs.live() + self.elem_objs.live()
    }

    /// The group geometry of this map's type.
    #[inline(always)]
    pub(crate) fn geo(&self) -> Geo {
        Geo::of::<false>(&self.t)
    }

    /// `typ.Hasher(key, m.seed)`; an 8-byte key is hashed as its value
    /// (`memhash64`), the same function.
    #[inline(always)]
    pub(crate) fn hash_key(&self, key: &[u8]) -> u64 {
        if self.t.fast == FastPath::Fast64 {
            self.hasher.hash_u64(load64(key, 0), self.seed)
        } else {
            self.hasher.hash(key, self.seed)
        }
    }

    /// `directoryIndex`: the top `globalDepth` bits of the hash.
    #[inline(always)]
    pub(crate) fn dir_index(&self, hash: u64) -> usize {
        if self.global_depth == 0 {
            0
        } else {
            (hash >> (64 - self.global_depth as u32)) as usize
        }
    }

    /// Puts a table in the arena; returns its id.
    pub(crate) fn add_table(&mut self, t: Table) -> u32 {
        match self.free_ids.pop() {
            Some(id) => {
                self.tables[id as usize] = t;
                id
            }
            None => {
                self.tables.push(t);
                (self.tables.len() - 1) as u32
            }
        }
    }

    /// Keeps room in the table arena and its free list for every table the
    /// directory can point at plus the two a split adds before it retires
    /// one. The arena then grows only when the directory changes, so a
    /// rehash's real heap allocations depend on the rehash (its groups; a
    /// directory doubling adds the directory and these two), not on the
    /// arena's history: a presized map and a grown one that meet the same
    /// split allocate alike (while no iterator keeps retired tables).
    /// `dir_len` is the directory's length (about to be, or now).
    pub(crate) fn reserve_table_ids(&mut self, dir_len: usize) {
        let want = 2 * dir_len + 2;
        self.tables
            .reserve_exact(want.saturating_sub(self.tables.len()));
        self.free_ids
            .reserve_exact(want.saturating_sub(self.free_ids.len()));
    }

    /// The objects behind indirect keys or elems.
    pub(crate) fn objects(&mut self, part: Part) -> &mut ObjectTable {
        match part {
            Part::Key => &mut self.key_objs,
            Part::Elem => &mut self.elem_objs,
        }
    }

    /// Drops a replaced table, or keeps it for iterators that may still walk it.
    pub(crate) fn retire_table(&mut self, id: u32) {
        self.tables[id as usize].index = -1;
        if self.iterators > 0 {
            self.retired.push(id);
        } else {
            self.tables[id as usize] = Table::vacant();
            self.free_ids.push(id);
        }
    }

    /// The key stored at byte `off` of a table's bytes `b` (through its
    /// object when indirect).
    #[inline(always)]
    pub(crate) fn key_at<'a>(&'a self, b: &'a [u8], off: usize) -> &'a [u8] {
        if self.t.indirect_key {
            self.key_objs.get(load64(b, off))
        } else {
            &b[off..off + self.t.key.size]
        }
    }

    /// The elem stored at byte `off` of a table's bytes `b`.
    #[inline(always)]
    pub(crate) fn elem_at<'a>(&'a self, b: &'a [u8], off: usize) -> &'a [u8] {
        if self.t.indirect_elem {
            self.elem_objs.get(load64(b, off))
        } else {
            &b[off..off + self.t.elem.size]
        }
    }

    /// Whether the key slot at byte `off` of `b` holds `key`.
    #[inline(always)]
    pub(crate) fn key_eq<const KV88: bool>(&self, b: &[u8], off: usize, key: &[u8]) -> bool {
        if KV88 {
            load64(b, off) == load64(key, 0)
        } else if self.t.indirect_key {
            self.key_objs.get(load64(b, off)) == key
        } else {
            crate::mem::eq(key, &b[off..])
        }
    }

    /// The hash of the key in the slot at byte `off` of `b`.
    #[inline(always)]
    pub(crate) fn slot_hash<const KV88: bool>(&self, b: &[u8], off: usize) -> u64 {
        if KV88 || self.t.fast == FastPath::Fast64 {
            self.hasher.hash_u64(load64(b, off), self.seed)
        } else {
            self.hasher.hash(self.key_at(b, off), self.seed)
        }
    }
}
