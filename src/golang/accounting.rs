//! Bytes per copy path of the real classic map, derived from the structure
//! changes the harness observed (marked `derived`, as hashbrown's are); the
//! Swiss map's are derived in [`super::accounting_swiss`].
//!
//! The Go runtime is not instrumented; its map header and buckets are read
//! before and after every operation of one region run
//! (`go/internal/harness/observe_classic.go`). Those counts become bytes
//! with the model's own layout arithmetic ([`BucketType`]), so a copy costs what
//! the model charges for the same copy:
//!
//! | path | derived as |
//! |---|---|
//! | `assign` | inserts × (tophash + key slot + element slot, plus indirect objects) + updates × element bytes |
//! | `overflow` | per overflow bucket a write took: its zeroing when fresh, the link, the `extra.overflow` append (and the list's copies when it grows), the sentinel link cleared when a preallocated tail runs out |
//! | `evacuate_double`, `evacuate_same_size` | per old bucket of an evacuated chain 8 marker bytes, per moved entry tophash + slots, and the destination overflow buckets the evacuation took (as above) |
//! | `zero_fill` | every bucket array allocated: main plus preallocated buckets, and the preallocated tail's sentinel link |
//! | `delete` | the tophash bytes deletes set (emptyOne, emptyRest runs) and the element bytes cleared |
//!
//! What the runtime decides at random — its hash seed, hence which chains
//! overflow — differs from the model's run, so the figures of a real cell
//! and of the model's cell differ by that much, not more.

use crate::accounting::{CopyPath, Exactness, PathBytes};
use crate::gomap::layout::{assign_bytes, evacuate_entry_bytes};
use crate::gotype::{BucketType, GO_MAX_INLINE};
use crate::report::schema::{AccountingFigures, Isolation};
use crate::scenario::MapCell;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The structure changes of one region run (`harness.Observed`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    /// `classic`.
    pub design: String,
    /// The runtime's bucket size.
    pub bucket_bytes: u64,
    /// The runtime's key slot size.
    pub key_slot_bytes: u64,
    /// The runtime's element slot size.
    pub elem_slot_bytes: u64,
    /// Keys stored through pointers.
    pub indirect_key: bool,
    /// Elements stored through pointers.
    pub indirect_elem: bool,
    /// Writes of new keys.
    pub inserts: u64,
    /// Writes of present keys.
    pub updates: u64,
    /// Deletes that removed a key.
    pub deletes: u64,
    /// Deletes that found none.
    pub delete_misses: u64,
    /// Tophash bytes the deletes set.
    pub delete_marker_bytes: u64,
    /// One-bucket arrays allocated by a first write.
    pub first_arrays: u64,
    /// Growths started.
    pub growths: Vec<Growth>,
    /// Evacuation work per copy path.
    pub evacuated: BTreeMap<String, Evacuation>,
    /// Overflow buckets per copy path.
    pub overflow: BTreeMap<String, OverflowUse>,
    /// `mapextra` allocations.
    pub extra_allocs: u64,
    /// Overflow lists (`new([]*bmap)`) allocated.
    pub list_headers: u64,
    /// What the region did to a Swiss map's tables (design `swiss`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swiss: Option<super::accounting_swiss::SwissObserved>,
}

/// One growth started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Growth {
    /// `double` or `same_size`.
    pub kind: String,
    /// log2 of the new main buckets.
    pub b: u8,
    /// Buckets of the new array (main + preallocated).
    pub array_buckets: u64,
    /// Entries when it started.
    pub entries: u64,
}

/// Evacuation work of one path.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evacuation {
    /// Old main buckets evacuated.
    pub main_buckets: u64,
    /// Old buckets evacuated, overflow buckets included.
    pub chain_buckets: u64,
    /// Entries moved.
    pub entries: u64,
}

/// Overflow buckets one path took.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OverflowUse {
    /// From preallocated tails.
    pub prealloc: u64,
    /// Allocated one at a time.
    pub fresh: u64,
    /// Preallocated tails used up.
    pub sentinels: u64,
    /// Pointers appended to `extra.overflow`.
    pub list_appends: u64,
    /// Bytes copied when the list grew.
    pub list_copy_bytes: u64,
    /// Arrays the list grew into.
    pub list_allocs: u64,
}

/// Why the harness's observations of a region cannot be turned into bytes
/// per copy path (classic and Swiss map alike): the cell's types, a layout
/// that is not the model's, or a name the harness sent that is none mapamp
/// knows.
#[derive(Debug, thiserror::Error)]
pub enum DeriveError {
    /// The cell's key or value type has no model layout.
    #[error(transparent)]
    Type(#[from] crate::gotype::TypeError),
    /// A design other than `classic` without the Swiss map's observations.
    #[error("the Go harness observed a `{design}` map without its structure changes")]
    NoChanges {
        /// The design the harness named.
        design: String,
    },
    /// The runtime's buckets are not laid out as the model's.
    #[error(
        "the runtime's bucket layout ({} bytes, key slot {}, element slot {}) is not the model's ({}, {}, {}) for {types}",
        .runtime[0], .runtime[1], .runtime[2], .model[0], .model[1], .model[2]
    )]
    BucketLayout {
        /// The runtime's bucket, key slot and element slot bytes.
        runtime: [u64; 3],
        /// The model's.
        model: [u64; 3],
        /// The cell's types segment.
        types: String,
    },
    /// The runtime's groups are not laid out as the model's.
    #[error(
        "the runtime's group layout ({} bytes, key {}, element {}) is not the model's ({}, {}, {}, {layout:?}) for {types}",
        .runtime[0], .runtime[1], .runtime[2], .model[0], .model[1], .model[2]
    )]
    GroupLayout {
        /// The runtime's group, key and element bytes.
        runtime: [u64; 3],
        /// The model's.
        model: [u64; 3],
        /// The model's group layout.
        layout: crate::gotype::GroupLayout,
        /// The cell's types segment.
        types: String,
    },
    /// A copy path name that is none of [`CopyPath`]'s.
    #[error("the Go harness reported an unknown copy path `{name}`")]
    UnknownPath {
        /// The name sent.
        name: String,
    },
    /// A growth kind other than `double` and `same_size`.
    #[error("the Go harness reported an unknown growth kind `{kind}`")]
    UnknownGrowth {
        /// The kind sent.
        kind: String,
    },
    /// A rehash other than `small_to_table`, `table_grow`, `table_split`.
    #[error("the Go harness reported an unknown rehash `{path}`")]
    UnknownRehash {
        /// The rehash sent.
        path: String,
    },
    /// Changes of a Swiss map the harness could not read.
    #[error("the Go harness saw changes of the Swiss map it could not read: {}", .changes.join("; "))]
    Unexplained {
        /// The harness's descriptions of them.
        changes: Vec<String>,
    },
}

/// A copy path's name in the harness's JSON.
fn path_named(name: &str) -> Result<CopyPath, DeriveError> {
    CopyPath::from_name(name).ok_or_else(|| DeriveError::UnknownPath { name: name.into() })
}

/// Bytes per copy path of the observed region, with the cell's layout
/// (the classic map's here, the Swiss map's in [`super::accounting_swiss`]).
pub fn derive(o: &Observed, cell: &MapCell) -> Result<Derived, DeriveError> {
    if let Some(sw) = &o.swiss {
        return super::accounting_swiss::derive(o, sw, cell);
    }
    if o.design != "classic" {
        return Err(DeriveError::NoChanges {
            design: o.design.clone(),
        });
    }
    let lay = BucketType::new(cell.key_shape()?, cell.value_shape()?, GO_MAX_INLINE);
    let bb = lay.bucket_size as u64;
    if o.bucket_bytes != bb
        || o.key_slot_bytes != lay.key_slot as u64
        || o.elem_slot_bytes != lay.elem_slot as u64
        || o.indirect_key != lay.indirect_key
        || o.indirect_elem != lay.indirect_elem
    {
        return Err(DeriveError::BucketLayout {
            runtime: [o.bucket_bytes, o.key_slot_bytes, o.elem_slot_bytes],
            model: [bb, lay.key_slot as u64, lay.elem_slot as u64],
            types: cell.types_segment(),
        });
    }
    const LINK: u64 = 8;
    let mut bytes = PathBytes::default();
    bytes.add(
        CopyPath::Assign,
        o.inserts * assign_bytes(&lay) + o.updates * lay.elem.size as u64,
    );
    // Go clears a deleted element (its pointer when indirect) and an
    // indirect key's pointer; an inline key stays.
    let cleared = if lay.indirect_elem {
        LINK
    } else {
        lay.elem.size as u64
    } + if lay.indirect_key { LINK } else { 0 };
    bytes.add(
        CopyPath::Delete,
        o.delete_marker_bytes + o.deletes * cleared,
    );
    let mut zero = o.first_arrays * bb;
    let mut allocations = o.first_arrays + o.extra_allocs + o.list_headers;
    let (mut doubling, mut same) = (0, 0);
    for g in &o.growths {
        zero += g.array_buckets * bb;
        if g.array_buckets > 1u64 << g.b {
            zero += LINK; // the preallocated tail's sentinel link
        }
        allocations += 1;
        match g.kind.as_str() {
            "double" => doubling += 1,
            "same_size" => same += 1,
            k => return Err(DeriveError::UnknownGrowth { kind: k.into() }),
        }
    }
    bytes.add(CopyPath::ZeroFill, zero);
    let mut entries_evacuated = 0;
    for (name, e) in &o.evacuated {
        let p = path_named(name)?;
        let clear = if lay.pointers {
            e.main_buckets * (bb - 8)
        } else {
            0
        };
        bytes.add(
            p,
            8 * e.chain_buckets + e.entries * evacuate_entry_bytes(&lay) + clear,
        );
        entries_evacuated += e.entries;
    }
    let (mut prealloc, mut fresh) = (0, 0);
    for (name, u) in &o.overflow {
        let p = path_named(name)?;
        bytes.add(
            p,
            u.fresh * bb
                + u.sentinels * LINK
                + (u.prealloc + u.fresh) * LINK
                + u.list_appends * 8
                + u.list_copy_bytes,
        );
        prealloc += u.prealloc;
        fresh += u.fresh;
        allocations += u.fresh + u.list_allocs;
    }
    Ok(Derived {
        bytes,
        payload_bytes: payload_bytes(o, cell),
        allocations,
        allocated_bytes: None,
        doubling_grows: doubling,
        same_size_grows: same,
        entries_evacuated,
        overflow_prealloc_taken: prealloc,
        overflow_fresh_taken: fresh,
    })
}

/// Key + value bytes of the region's writes.
pub(super) fn payload_bytes(o: &Observed, cell: &MapCell) -> u64 {
    (o.inserts + o.updates) * (cell.key_size + cell.value_size) as u64
}

/// The derived figures of one region run.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    /// Bytes per copy path.
    pub bytes: PathBytes,
    /// Key + value bytes of the writes.
    pub payload_bytes: u64,
    /// Allocations of the map's structures (classic: arrays, fresh
    /// overflow buckets, the overflow list and its arrays, the header
    /// extension; Swiss: groups, tables, directories, indirect objects).
    pub allocations: u64,
    /// Their bytes as Go's allocator rounds them (Swiss; `None`: not derived).
    pub allocated_bytes: Option<u64>,
    /// Doubling growths started.
    pub doubling_grows: u64,
    /// Same-size growths started.
    pub same_size_grows: u64,
    /// Entries moved.
    pub entries_evacuated: u64,
    /// Overflow buckets from preallocated tails.
    pub overflow_prealloc_taken: u64,
    /// Overflow buckets allocated one at a time.
    pub overflow_fresh_taken: u64,
}

impl Derived {
    /// The accounting lens's figures for `units` region operations.
    pub fn figures(&self, cell: &MapCell, units: u64) -> AccountingFigures {
        let total = self.bytes.total();
        let isolation = Isolation::of(cell, &self.bytes);
        AccountingFigures {
            exactness: Exactness::Derived,
            payload_bytes: self.payload_bytes,
            bytes_written: self.bytes,
            total_bytes: total,
            write_amplification: (self.payload_bytes > 0)
                .then(|| total as f64 / self.payload_bytes as f64),
            bytes_per_op: total as f64 / units.max(1) as f64,
            isolation,
            model_allocations: self.allocations,
            model_allocated_bytes: self.allocated_bytes,
            heap_allocations: None,
            heap_bytes: None,
            doubling_grows: self.doubling_grows,
            same_size_grows: self.same_size_grows,
            entries_evacuated: self.entries_evacuated,
            overflow_prealloc_taken: self.overflow_prealloc_taken,
            overflow_fresh_taken: self.overflow_fresh_taken,
            structure: None,
            swiss: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DeriveError;
    use crate::error::chain;

    #[test]
    fn derive_errors_name_both_layouts_and_what_the_harness_sent() {
        let e = DeriveError::BucketLayout {
            runtime: [144, 8, 8],
            model: [272, 16, 16],
            types: "k16v16".into(),
        };
        assert_eq!(
            chain(&e),
            "the runtime's bucket layout (144 bytes, key slot 8, element slot 8) is not the model's (272, 16, 16) for k16v16"
        );
        let e = DeriveError::Unexplained {
            changes: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            chain(&e),
            "the Go harness saw changes of the Swiss map it could not read: a; b"
        );
    }
}
