//! What a Go map allocates, in the Go runtime's own terms: the heap bytes
//! and objects of `make(map[K]V, hint)` followed by `n` inserts of distinct
//! keys — the figures `runtime.MemStats` (`TotalAlloc`, `Mallocs`) gives
//! for the real runtimes (`tests/data/evolution`, `go/cmd/evolutionref`).
//!
//! A model's figure is its allocations (size-class rounded, as Go's
//! allocator hands them out: buckets, groups, tables, directories, indirect
//! keys and values) plus the map header `make` allocates (48 bytes, one
//! object: Go 1.19's `hmap` and Go 1.24+'s `maps.Map` are both 48 bytes),
//! which the models leave out of their own allocations. A string key's own
//! bytes are never in it: the program allocates them, not the map.

use super::{build, MapSpec, MapUnderStudy, Variant, Visit};
use crate::accounting::Counting;
use crate::gomap::Knobs;
use crate::gotype::Shape;
use crate::workload::{self, KeyDist};
use serde::{Deserialize, Serialize};

/// Bytes of the map header `make` allocates (one object).
pub const MAP_HEADER_BYTES: u64 = crate::goswiss::MAP_HEADER_BYTES;

/// The model of each Go release, oldest first: the classic map (Go 1.19)
/// and the Swiss map of Go 1.24, 1.26, 1.27 and 1.27 + `mapsplitgroup`.
pub const RELEASE_MODELS: [Variant; 5] = [
    Variant::GoMap,
    Variant::GoSwissNoPrune,
    Variant::GoSwiss,
    Variant::GoSwiss127,
    Variant::GoSwiss127Split,
];

/// The Go release a model variant stands for, as the reference data names
/// it (`go1.19`, `go1.24`, `go1.26`, `go1.27`, `go1.27split`).
pub fn release_name(v: Variant) -> Option<&'static str> {
    match v {
        Variant::GoMap => Some("go1.19"),
        v => v.swiss_release().map(|r| r.go_name()),
    }
}

/// Heap figures of one map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeapFigures {
    /// Bytes allocated: the header and every allocation of the model.
    pub heap_bytes: u64,
    /// Objects allocated.
    pub objects: u64,
}

struct Fill {
    n: usize,
    seed: u64,
}

impl Visit for Fill {
    type Out = HeapFigures;
    fn visit<M: MapUnderStudy>(self, mut map: M) -> HeapFigures {
        workload::insert(&mut map, self.n, KeyDist::Random, self.seed);
        let a = map.accounting().unwrap_or_default();
        HeapFigures {
            heap_bytes: MAP_HEADER_BYTES + a.model_allocated_bytes,
            objects: 1 + a.model_allocations,
        }
    }
}

/// The heap figures of `make(map[key]elem, hint)` and `n` inserts of
/// distinct random keys on model `variant` (Go's default knobs).
pub fn fill(
    variant: Variant,
    key: Shape,
    elem: Shape,
    n: usize,
    hint: usize,
    seed: u64,
) -> Result<HeapFigures, String> {
    if release_name(variant).is_none() {
        return Err(format!(
            "`{variant}` is not a model of a Go release; heap figures in Go's terms exist for {}",
            RELEASE_MODELS.map(|v| v.name()).join(", ")
        ));
    }
    let spec = MapSpec {
        variant,
        knobs: Knobs::default(),
        hint,
        seed,
    };
    build::<Counting, _>(&spec, key, elem, Fill { n, seed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_presized_set_of_int64_per_release() {
        let k = Shape::scalar(8);
        let figs: Vec<u64> = RELEASE_MODELS
            .iter()
            .map(|&v| fill(v, k, Shape::EMPTY, 100, 100, 1).unwrap().heap_bytes)
            .collect();
        // Go 1.19: buckets of 80 bytes, preallocated overflow buckets and
        // the overflow bookkeeping; the real runtime's figure varies with
        // the hash seed (1,512 to 1,944 bytes, tests/data/evolution).
        assert!((1512..=1944).contains(&figs[0]), "{figs:?}");
        // Swiss, interleaved: 128 slots = 16 groups of 136 bytes (2,176,
        // size class 2,304), a 32-byte table, an 8-byte directory.
        for f in &figs[1..4] {
            assert_eq!(*f, 48 + 2304 + 32 + 8);
        }
        // 2,392 bytes, as Go 1.26 and 1.27 allocate. Split: 16 groups of
        // 80 bytes (1,280): 1,368, as Go 1.27 with mapsplitgroup.
        assert_eq!(figs[4], 48 + 1280 + 32 + 8);
        assert!(fill(Variant::Hashbrown, k, k, 1, 1, 1).is_err());
    }
}
