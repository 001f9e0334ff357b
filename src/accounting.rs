//! Copy accounting: the one place where bytes written by a map are counted.
//!
//! Every store a map under study makes into memory it owns goes through
//! [`Probe::bytes`], tagged with the [`CopyPath`] it belongs to. The probe is a
//! type parameter of the map: [`Off`] is a zero-sized no-op whose calls compile
//! away (benchmarks of raw speed use it), [`Counting`] keeps exact totals.
//!
//! What is *not* counted, and why: scalar header fields (`count`, `flags`,
//! `B`, `noverflow`, `nevacuate`, `nextOverflow`) are O(1) bookkeeping per
//! operation, not copies of data; the allocator's own zeroing of the overflow
//! list's backing array is the allocator's, not the map's (the copies of the
//! list's contents when it grows *are* counted).

use serde::{Deserialize, Serialize};
use strum::VariantArray;

/// The copy paths: the classic map's five, `delete` for the stores a
/// delete makes (tophash markers and the cleared value), and the Swiss
/// map's own (`small_to_table` … `clear`). A path a variant cannot take is
/// reported `n/a`, not 0 (see [`CopyPath::applies_to_swiss_model`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::VariantArray, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum CopyPath {
    /// The slot copy of a write: tophash + key + value (or pointers + objects).
    Assign,
    /// A write obtaining an overflow bucket: zero-fill of a fresh one, the
    /// link, the bookkeeping list. (Buckets obtained by evacuation for a
    /// destination chain are counted on the evacuating path.)
    Overflow,
    /// Moving entries to a doubled bucket array, marking and clearing old
    /// slots, and the overflow buckets destination chains need.
    EvacuateDouble,
    /// The same for same-size growth (compaction after deletes).
    EvacuateSameSize,
    /// Zeroing of bucket arrays when allocated or cleared, preallocated overflow included.
    ZeroFill,
    /// Stores made by a delete: tophash markers and cleared key/value bytes.
    Delete,
    /// Go Swiss map: the 9th key moves a small map's 8 entries into a table.
    SmallToTable,
    /// Go Swiss map: a full table reinserted into one of twice the slots.
    TableGrow,
    /// Go Swiss map: a full 1024-slot table reinserted into two.
    TableSplit,
    /// Go Swiss map: the directory doubled (new pointer array).
    DirectoryGrow,
    /// Go Swiss map: tombstones turned back into empty slots (control bytes only).
    Prune,
    /// Go Swiss map: groups cleared by `clear(m)`, control words set empty.
    Clear,
}

impl CopyPath {
    /// Every path, in report order.
    pub const ALL: [CopyPath; 12] = crate::names::all(CopyPath::VARIANTS);

    /// The paths of the classic map and the reference Swiss tables: the
    /// first six of [`CopyPath::ALL`].
    pub const CLASSIC: &'static [CopyPath] = CopyPath::ALL.split_at(6).0;

    /// The paths of the Go Swiss-map model.
    pub const GO_SWISS: [CopyPath; 9] = [
        CopyPath::Assign,
        CopyPath::SmallToTable,
        CopyPath::TableGrow,
        CopyPath::TableSplit,
        CopyPath::DirectoryGrow,
        CopyPath::ZeroFill,
        CopyPath::Delete,
        CopyPath::Prune,
        CopyPath::Clear,
    ];

    /// Whether the Go Swiss-map model can take this path (else: the
    /// classic map and the reference tables can).
    pub fn applies_to_swiss_model(self) -> bool {
        CopyPath::GO_SWISS.contains(&self)
    }

    /// The name used in JSON, cell ids and reports.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Parses a path name as printed by [`CopyPath::name`].
    pub fn from_name(s: &str) -> Option<CopyPath> {
        CopyPath::ALL.into_iter().find(|p| p.name() == s)
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Bytes written per copy path. The Swiss map's paths are left out of
/// JSON when zero (a reader's default), so the classic map's records keep
/// their shape; whether a path *applies* is the variant's to say
/// ([`crate::variants::Variant::copy_paths`]), never read off a zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathBytes {
    /// See [`CopyPath::Assign`].
    pub assign: u64,
    /// See [`CopyPath::Overflow`].
    pub overflow: u64,
    /// See [`CopyPath::EvacuateDouble`].
    pub evacuate_double: u64,
    /// See [`CopyPath::EvacuateSameSize`].
    pub evacuate_same_size: u64,
    /// See [`CopyPath::ZeroFill`].
    pub zero_fill: u64,
    /// See [`CopyPath::Delete`].
    pub delete: u64,
    /// See [`CopyPath::SmallToTable`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub small_to_table: u64,
    /// See [`CopyPath::TableGrow`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub table_grow: u64,
    /// See [`CopyPath::TableSplit`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub table_split: u64,
    /// See [`CopyPath::DirectoryGrow`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub directory_grow: u64,
    /// See [`CopyPath::Prune`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prune: u64,
    /// See [`CopyPath::Clear`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub clear: u64,
}

/// [`PathBytes::get`] and `get_mut` from one table of copy paths and the
/// fields that hold them.
macro_rules! path_fields {
    ($($path:ident => $field:ident),* $(,)?) => {
        /// The bytes of one path.
        pub fn get(&self, p: CopyPath) -> u64 {
            match p {
                $(CopyPath::$path => self.$field,)*
            }
        }

        fn get_mut(&mut self, p: CopyPath) -> &mut u64 {
            match p {
                $(CopyPath::$path => &mut self.$field,)*
            }
        }
    };
}

impl PathBytes {
    path_fields! {
        Assign => assign, Overflow => overflow,
        EvacuateDouble => evacuate_double, EvacuateSameSize => evacuate_same_size,
        ZeroFill => zero_fill, Delete => delete,
        SmallToTable => small_to_table, TableGrow => table_grow,
        TableSplit => table_split, DirectoryGrow => directory_grow,
        Prune => prune, Clear => clear,
    }

    /// Adds `n` bytes to path `p`.
    pub fn add(&mut self, p: CopyPath, n: u64) {
        *self.get_mut(p) += n;
    }

    /// Sum over all paths.
    pub fn total(&self) -> u64 {
        CopyPath::ALL.iter().map(|&p| self.get(p)).sum()
    }

    /// Per-path difference `self - earlier` (saturating), for measured regions.
    pub fn since(&self, earlier: &PathBytes) -> PathBytes {
        let mut out = PathBytes::default();
        for p in CopyPath::ALL {
            *out.get_mut(p) = self.get(p).saturating_sub(earlier.get(p));
        }
        out
    }

    /// The path with the most bytes and its share of the total (0 when empty).
    pub fn dominant(&self) -> (CopyPath, f64) {
        let total = self.total();
        let best = CopyPath::ALL
            .into_iter()
            .max_by_key(|&p| self.get(p))
            .unwrap_or(CopyPath::Assign);
        let share = if total == 0 {
            0.0
        } else {
            self.get(best) as f64 / total as f64
        };
        (best, share)
    }
}

/// How exact a variant's accounting is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exactness {
    /// Every store is counted where it happens (the Go-family models).
    Exact,
    /// Derived from what can be observed from outside (capacity changes,
    /// layout formulas), e.g. for hashbrown and std.
    Derived,
}

/// Everything a counting probe knows after a sequence of operations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Accounting {
    /// Bytes written per copy path.
    pub bytes_written: PathBytes,
    /// Key + value size of every insert or update the user asked for.
    pub payload_bytes: u64,
    /// Insert or update calls.
    pub writes: u64,
    /// Allocations the modelled design makes (Go: `mallocgc` calls for bucket
    /// arrays, overflow buckets, indirect key/value objects, overflow lists).
    pub model_allocations: u64,
    /// Bytes of those allocations, rounded as the modelled allocator rounds them.
    pub model_allocated_bytes: u64,
    /// Overflow buckets taken from an array's preallocated tail.
    pub overflow_prealloc_taken: u64,
    /// Overflow buckets allocated one at a time (or from a slab).
    pub overflow_fresh_taken: u64,
    /// Growths that doubled the bucket count.
    pub doubling_grows: u64,
    /// Same-size growths (too many overflow buckets).
    pub same_size_grows: u64,
    /// Live entries moved by evacuation (both kinds; Swiss map: by
    /// small-to-table moves, table grows and splits).
    pub entries_evacuated: u64,
    /// Go Swiss map: 1024-slot tables split.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub table_splits: u64,
    /// Go Swiss map: directory doublings.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub directory_grows: u64,
    /// Go Swiss map: tombstones pruned back to empty slots.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tombstones_pruned: u64,
}

impl Accounting {
    /// Total bytes written over all paths.
    pub fn total_bytes(&self) -> u64 {
        self.bytes_written.total()
    }

    /// Write amplification: total bytes written / payload bytes (`None` with no payload).
    pub fn write_amplification(&self) -> Option<f64> {
        (self.payload_bytes > 0).then(|| self.total_bytes() as f64 / self.payload_bytes as f64)
    }

    /// Difference `self - earlier`, the accounting of a measured region.
    pub fn since(&self, earlier: &Accounting) -> Accounting {
        Accounting {
            bytes_written: self.bytes_written.since(&earlier.bytes_written),
            payload_bytes: self.payload_bytes - earlier.payload_bytes,
            writes: self.writes - earlier.writes,
            model_allocations: self.model_allocations - earlier.model_allocations,
            model_allocated_bytes: self.model_allocated_bytes - earlier.model_allocated_bytes,
            overflow_prealloc_taken: self.overflow_prealloc_taken - earlier.overflow_prealloc_taken,
            overflow_fresh_taken: self.overflow_fresh_taken - earlier.overflow_fresh_taken,
            doubling_grows: self.doubling_grows - earlier.doubling_grows,
            same_size_grows: self.same_size_grows - earlier.same_size_grows,
            entries_evacuated: self.entries_evacuated - earlier.entries_evacuated,
            table_splits: self.table_splits - earlier.table_splits,
            directory_grows: self.directory_grows - earlier.directory_grows,
            tombstones_pruned: self.tombstones_pruned - earlier.tombstones_pruned,
        }
    }
}

/// Structural events a probe may count besides bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// One allocation of the given (allocator-rounded) size.
    Alloc(u64),
    /// An overflow bucket came from a preallocated tail.
    OverflowPrealloc,
    /// An overflow bucket was allocated on its own (or taken from a slab).
    OverflowFresh,
    /// A doubling growth started.
    DoublingGrow,
    /// A same-size growth started.
    SameSizeGrow,
    /// A number of live entries were evacuated.
    Evacuated(u64),
    /// A write (insert or update) the user asked for, with its payload bytes.
    Write(u64),
    /// Go Swiss map: a table split.
    TableSplit,
    /// Go Swiss map: the directory doubled.
    DirectoryGrow,
    /// Go Swiss map: this many tombstones pruned.
    Pruned(u64),
}

/// The accounting hook every map under study is generic over.
///
/// Implementations must be cheap to call: `Off` compiles to nothing.
pub trait Probe: Default + Clone + std::fmt::Debug + 'static {
    /// Whether this probe records anything (lets callers skip work).
    const ENABLED: bool;
    /// Records `n` bytes stored on `path`.
    fn bytes(&mut self, path: CopyPath, n: u64);
    /// Records a structural event.
    fn event(&mut self, e: Event);
    /// The totals so far (`None` when accounting is off).
    fn snapshot(&self) -> Option<&Accounting>;
}

/// Accounting switched off: every call is an empty inline function.
#[derive(Clone, Copy, Debug, Default)]
pub struct Off;

impl Probe for Off {
    const ENABLED: bool = false;
    #[inline(always)]
    fn bytes(&mut self, _: CopyPath, _: u64) {}
    #[inline(always)]
    fn event(&mut self, _: Event) {}
    fn snapshot(&self) -> Option<&Accounting> {
        None
    }
}

/// Exact accounting: keeps running totals.
#[derive(Clone, Debug, Default)]
pub struct Counting(pub Accounting);

impl Probe for Counting {
    const ENABLED: bool = true;
    #[inline]
    fn bytes(&mut self, path: CopyPath, n: u64) {
        *self.0.bytes_written.get_mut(path) += n;
    }
    #[inline]
    fn event(&mut self, e: Event) {
        let a = &mut self.0;
        match e {
            Event::Alloc(bytes) => {
                a.model_allocations += 1;
                a.model_allocated_bytes += bytes;
            }
            Event::OverflowPrealloc => a.overflow_prealloc_taken += 1,
            Event::OverflowFresh => a.overflow_fresh_taken += 1,
            Event::DoublingGrow => a.doubling_grows += 1,
            Event::SameSizeGrow => a.same_size_grows += 1,
            Event::Evacuated(n) => a.entries_evacuated += n,
            Event::Write(payload) => {
                a.writes += 1;
                a.payload_bytes += payload;
            }
            Event::TableSplit => a.table_splits += 1,
            Event::DirectoryGrow => a.directory_grows += 1,
            Event::Pruned(n) => a.tombstones_pruned += n,
        }
    }
    fn snapshot(&self) -> Option<&Accounting> {
        Some(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_probe_is_zero_sized_and_reports_nothing() {
        assert_eq!(std::mem::size_of::<Off>(), 0);
        let mut p = Off;
        p.bytes(CopyPath::Assign, 10);
        assert!(p.snapshot().is_none());
    }

    #[test]
    fn counting_probe_sums_per_path_and_computes_wa() {
        let mut p = Counting::default();
        p.bytes(CopyPath::Assign, 17);
        p.bytes(CopyPath::ZeroFill, 144);
        p.event(Event::Write(16));
        let a = p.snapshot().unwrap();
        assert_eq!(a.total_bytes(), 161);
        assert_eq!(a.write_amplification(), Some(161.0 / 16.0));
        let (path, share) = a.bytes_written.dominant();
        assert_eq!(path, CopyPath::ZeroFill);
        assert!((share - 144.0 / 161.0).abs() < 1e-12);
    }

    #[test]
    fn path_names_round_trip() {
        for p in CopyPath::ALL {
            assert_eq!(CopyPath::from_name(p.name()), Some(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.name()));
        }
        assert_eq!(CopyPath::from_name("nope"), None);
    }
}
