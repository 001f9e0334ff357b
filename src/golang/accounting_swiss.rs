//! Bytes per copy path of the real Swiss map (Go 1.24+), derived from the
//! structure changes the harness observed (marked `derived`).
//!
//! The harness reads the map header and the key's table before and after
//! every operation of one region run (`go/internal/harness/observe_swiss.go`)
//! and reports inserts, updates, deletes, the small map's group allocated,
//! every rehash (the small map's move into a table, a table grown, a table
//! split and the directory doubled with it) with the entries it moved, and
//! the tombstones pruned. Those counts become bytes with the Swiss model's
//! own arithmetic ([`crate::goswiss::layout`], [`GroupType`]), so a copy
//! costs what `goswiss` charges for the same copy:
//!
//! | path | derived as |
//! |---|---|
//! | `assign` | inserts × (key + elem slots, or pointers and objects, + control byte) + updates × elem bytes |
//! | `small_to_table` | per move: entries × (slot + control byte) + the 1-entry directory (zeroed and written) |
//! | `table_grow` | per grow: entries × (slot + control byte) + the directory entries repointed |
//! | `table_split` | per split: entries × (slot + control byte) + the directory entries repointed |
//! | `directory_grow` | per doubling: the new directory zeroed and written |
//! | `zero_fill` | the small map's group and every new table's groups: zeroed, control words set empty |
//! | `delete` | per delete: control byte + elem (or pointers) cleared |
//! | `prune` | one control byte per tombstone pruned |
//!
//! `clear` is not derived: no harness scenario clears a map. What the
//! runtime decides at random — its hash seed, hence how entries spread over
//! tables and when a table fills — differs from the model's run; where it
//! decides nothing (one table's growth, a small map's move, a presized
//! map's inserts, the split after the first one) the figures are the
//! model's byte for byte (`tests/it/go_runtime.rs`).

use super::accounting::{payload_bytes, DeriveError, Derived, Observed};
use crate::accounting::{CopyPath, PathBytes};
use crate::goswiss::layout::{
    assign_bytes, delete_bytes, directory_bytes, moved_bytes, repoint_bytes,
};
use crate::goswiss::table::Table;
use crate::goswiss::{alloc_size, directory_alloc, groups_alloc, TABLE_STRUCT_BYTES};
use crate::gotype::{GroupLayout, GroupType, GO_MAX_INLINE, SLOTS};
use crate::scenario::MapCell;
use serde::{Deserialize, Serialize};

/// The structure changes of a Swiss map in one region run
/// (`harness.SwissObserved`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SwissObserved {
    /// The runtime's group size.
    pub group_bytes: u64,
    /// The runtime's key size.
    pub key_bytes: u64,
    /// The runtime's element size.
    pub elem_bytes: u64,
    /// Small-map groups a first write allocated.
    pub small_groups: u64,
    /// The rehashes, in order.
    pub rehashes: Vec<Rehash>,
    /// Inserts that pruned tombstones.
    pub prunes: u64,
    /// Tombstones pruned back to empty slots.
    pub tombstones_pruned: u64,
    /// Inserts that filled a deleted slot.
    pub tombstone_reuses: u64,
    /// Changes the harness could not read (the derivation refuses them).
    #[serde(default)]
    pub unexplained: Vec<String>,
}

/// One rehash (`harness.Rehash`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rehash {
    /// `small_to_table`, `table_grow` or `table_split`.
    pub path: String,
    /// Live entries moved.
    pub entries: u64,
    /// Slots of the small group or table rehashed.
    pub old_capacity: usize,
    /// Slots of each new table.
    pub new_capacity: usize,
    /// New tables (2 for a split).
    pub new_tables: u64,
    /// Directory entries pointed at the new tables.
    pub dir_entries: usize,
    /// Length of a directory the rehash allocated (0: none).
    pub dir_len: usize,
}

/// Bytes per copy path of the observed region, with the Swiss model's
/// layout of the cell's key and value.
pub fn derive(o: &Observed, sw: &SwissObserved, cell: &MapCell) -> Result<Derived, DeriveError> {
    if !sw.unexplained.is_empty() {
        return Err(DeriveError::Unexplained {
            changes: sw.unexplained.clone(),
        });
    }
    let layout = cell
        .variant
        .go_release()
        .map_or(GroupLayout::Interleaved, |r| r.group_layout());
    let t = GroupType::with_layout(
        cell.key_shape()?,
        cell.value_shape()?,
        GO_MAX_INLINE,
        layout,
    );
    if sw.group_bytes != t.group_size as u64
        || sw.key_bytes != t.key.size as u64
        || sw.elem_bytes != t.elem.size as u64
    {
        return Err(DeriveError::GroupLayout {
            runtime: [sw.group_bytes, sw.key_bytes, sw.elem_bytes],
            model: [t.group_size as u64, t.key.size as u64, t.elem.size as u64],
            layout,
            types: cell.types_segment(),
        });
    }
    let mut bytes = PathBytes::default();
    bytes.add(
        CopyPath::Assign,
        o.inserts * assign_bytes(&t) + o.updates * t.elem.size as u64,
    );
    bytes.add(CopyPath::Delete, o.deletes * delete_bytes(&t));
    bytes.add(CopyPath::Prune, sw.tombstones_pruned);
    let mut zero = sw.small_groups * Table::zero_fill_bytes(1, t.group_size);
    let mut allocations = sw.small_groups;
    let mut allocated = sw.small_groups * groups_alloc(&t, 1);
    // Indirect keys and elems: one object per new entry.
    for (indirect, shape) in [(t.indirect_key, t.key), (t.indirect_elem, t.elem)] {
        if indirect {
            allocations += o.inserts;
            allocated += o.inserts * alloc_size(shape.size as u64, shape.pointers);
        }
    }
    let (mut grows, mut entries_evacuated) = (0, 0);
    for r in &sw.rehashes {
        let path = match r.path.as_str() {
            "small_to_table" => CopyPath::SmallToTable,
            "table_grow" => CopyPath::TableGrow,
            "table_split" => CopyPath::TableSplit,
            other => return Err(DeriveError::UnknownRehash { path: other.into() }),
        };
        let groups = r.new_capacity / SLOTS;
        zero += r.new_tables * Table::zero_fill_bytes(groups, t.group_size);
        allocations += 2 * r.new_tables;
        allocated += r.new_tables * (TABLE_STRUCT_BYTES + groups_alloc(&t, groups));
        bytes.add(
            path,
            r.entries * moved_bytes(&t) + repoint_bytes(r.dir_entries),
        );
        if r.dir_len > 0 {
            // The small map's first directory is part of its move; a
            // split's doubled one is the directory's own path.
            let dir_path = if path == CopyPath::SmallToTable {
                path
            } else {
                CopyPath::DirectoryGrow
            };
            bytes.add(dir_path, directory_bytes(r.dir_len));
            allocations += 1;
            allocated += directory_alloc(r.dir_len);
        }
        grows += u64::from(path == CopyPath::TableGrow);
        entries_evacuated += r.entries;
    }
    bytes.add(CopyPath::ZeroFill, zero);
    Ok(Derived {
        bytes,
        payload_bytes: payload_bytes(o, cell),
        allocations,
        allocated_bytes: Some(allocated),
        doubling_grows: grows,
        same_size_grows: 0,
        entries_evacuated,
        overflow_prealloc_taken: 0,
        overflow_fresh_taken: 0,
    })
}
