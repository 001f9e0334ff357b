//! The maps under study and the one trait they all implement.
//!
//! Scenarios, workloads and lenses are written once against
//! [`MapUnderStudy`]; each variant reports its bytes per copy path under the
//! same names and says how exact those figures are ([`Exactness`]).
//!
//! | variant | design | accounting |
//! |---|---|---|
//! | `gomap` | Go's classic map | exact |
//! | `gomap-slab` | overflow buckets in one slab, `u32` links | exact |
//! | `gomap-inline` | first bucket inside the map header | exact |
//! | `goswiss` | Go's Swiss-table map (Go 1.26) | exact |
//! | `goswiss-noprune` | the same without tombstone pruning (Go 1.24) | exact |
//! | `goswiss-127` | the same as of Go 1.27 (a full small map updates in place) | exact |
//! | `goswiss-127split` | Go 1.27 with `GOEXPERIMENT=mapsplitgroup` (key and value arrays) | exact |
//! | `hashbrown` | Swiss table (foldhash) | derived from capacity changes |
//! | `std` | Rust's `HashMap` (Swiss table, SipHash-1-3) | derived |
//! | `go1.19`, `go1.26`, `go1.27`, `go1.27split` | the real Go runtime's map, run by the Go harness ([`crate::golang`]) | classic: derived from observed structure changes; Swiss: unavailable |
//!
//! The real-Go variants are not built in this process: [`build`] refuses
//! them, and the run sends their cells to the Go harness.
//!
//! Keys and values are bytes of a runtime Go type shape
//! ([`crate::gotype::Shape`]); only the design is a type parameter, so the
//! code written against [`MapUnderStudy`] (scenarios, lenses) is compiled
//! once per design and probe, not per key and value size. [`build`] turns a
//! runtime choice of variant and shapes into one map and hands it to a
//! [`Visit`]; [`build_any`] boxes it instead ([`AnyMap`]), for cold code
//! that need not be compiled once per map type ([`ErasedMap`]). Tests that
//! prefer typed keys wrap a map in [`typed::Typed`].
//!
//! Files: this one holds the trait; `catalogue` the [`Variant`]s and what
//! applies to each; `knobs` the knob listing and [`HintSpec`]; `dispatch`
//! [`MapSpec`] and the `build*` functions; `erased` the boxed maps;
//! `goswiss`, `swiss`, `memory` the trait's other implementations.

mod catalogue;
mod dispatch;
mod erased;
mod goswiss;
mod knobs;
pub mod memory;
pub mod swiss;
pub mod typed;

use crate::accounting::{Accounting, Exactness, Probe};
use crate::gomap::structure::Structure;
use crate::gomap::{GoMap, GrowKind, Storage};
use crate::gotype::Shape;
use crate::hash::KeyHasher;
pub use catalogue::Variant;
pub use dispatch::{
    build, build_any, build_boxed, build_with, BuildError, HasherChoice, MapSpec, SpecError, Visit,
};
pub use erased::{AnyMap, ErasedMap, MapSetup};
pub use knobs::{knobs, HintError, HintSpec, KnobInfo};
use swiss::SwissShape;

/// A map under study: the operations workloads need, plus its accounting.
/// Keys and values are the bytes of the map's key and value shapes
/// (`key.len() == key_shape().size`). A clone is the same map state (a
/// prepared cell can be replayed).
pub trait MapUnderStudy: Clone + 'static {
    /// Variant name (`gomap`, `gomap-slab`, ...).
    fn variant(&self) -> &'static str;
    /// The key type.
    fn key_shape(&self) -> Shape;
    /// The value type.
    fn elem_shape(&self) -> Shape;
    /// Inserts or updates; returns `true` when the key was new.
    fn insert(&mut self, key: &[u8], val: &[u8]) -> bool;
    /// The value stored under `key`.
    fn get(&self, key: &[u8]) -> Option<&[u8]>;
    /// Deletes `key`; returns whether it was present.
    fn remove(&mut self, key: &[u8]) -> bool;
    /// Number of entries.
    fn len(&self) -> usize;
    /// Whether the map is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Removes every entry.
    fn clear(&mut self);
    /// Calls `f` for every entry, in the variant's iteration order.
    fn for_each(&mut self, f: &mut dyn FnMut(&[u8], &[u8]));
    /// Accounting so far (`None` when the map was built without it).
    fn accounting(&self) -> Option<Accounting>;
    /// How exact the accounting is.
    fn exactness(&self) -> Exactness;
    /// Bucket structure, for the Go-family designs.
    fn structure(&self) -> Option<Structure> {
        None
    }
    /// Table shape, for the Swiss tables.
    fn swiss(&self) -> Option<SwissShape> {
        None
    }
    /// Whether a growth is in progress (incremental designs only).
    fn growing(&self) -> bool {
        false
    }
    /// The growth the next insert of a new key would start, if any.
    fn pending_growth(&self) -> Option<GrowKind> {
        None
    }
    /// Starts the pending growth without inserting (incremental designs);
    /// `None` when the design cannot (Swiss tables grow inside the insert).
    fn start_pending_growth(&mut self) -> Option<GrowKind> {
        None
    }
    /// Directory and tables, for the Go Swiss-map model.
    fn swiss_structure(&self) -> Option<crate::goswiss::Structure> {
        None
    }
    /// What inserting `key` would do beyond filling a slot, for the Go
    /// Swiss-map model (scenario setups bring a map to a chosen rehash).
    fn rehash_for(&self, _key: &[u8]) -> Option<crate::goswiss::RehashFor> {
        None
    }
    /// Checks the design's structural invariants (see
    /// [`GoMap::check_invariants`]); designs without checks report `Ok`.
    fn check_invariants(&self) -> Result<(), String> {
        Ok(())
    }
}

/// The [`MapUnderStudy`] methods a Go-family model (`GoMap`, `GoSwiss`)
/// forwards to its own, alike: the key and value shapes of its map type and
/// the map operations (insert on the hot path, inlined as before).
macro_rules! go_model_forwards {
    ($model:ident) => {
        fn key_shape(&self) -> $crate::gotype::Shape {
            self.map_type().key
        }
        fn elem_shape(&self) -> $crate::gotype::Shape {
            self.map_type().elem
        }
        #[inline(always)]
        fn insert(&mut self, key: &[u8], val: &[u8]) -> bool {
            $model::insert(self, key, val)
        }
        #[inline]
        fn get(&self, key: &[u8]) -> Option<&[u8]> {
            $model::get(self, key)
        }
        #[inline]
        fn remove(&mut self, key: &[u8]) -> bool {
            $model::remove(self, key)
        }
        fn len(&self) -> usize {
            $model::len(self)
        }
        fn clear(&mut self) {
            $model::clear(self)
        }
    };
}
use go_model_forwards;

impl<H: KeyHasher, P: Probe, S: Storage> MapUnderStudy for GoMap<H, P, S> {
    fn variant(&self) -> &'static str {
        S::VARIANT
    }
    go_model_forwards!(GoMap);
    fn for_each(&mut self, f: &mut dyn FnMut(&[u8], &[u8])) {
        for (k, v) in self.iter() {
            f(k, v);
        }
    }
    fn accounting(&self) -> Option<Accounting> {
        self.probe().snapshot().cloned()
    }
    fn exactness(&self) -> Exactness {
        Exactness::Exact
    }
    fn structure(&self) -> Option<Structure> {
        Some(GoMap::structure(self))
    }
    fn growing(&self) -> bool {
        GoMap::growing(self)
    }
    fn check_invariants(&self) -> Result<(), String> {
        GoMap::check_invariants(self)
    }
    fn pending_growth(&self) -> Option<GrowKind> {
        GoMap::pending_growth(self)
    }
    fn start_pending_growth(&mut self) -> Option<GrowKind> {
        GoMap::start_pending_growth(self)
    }
}
