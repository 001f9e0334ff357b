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

use crate::accounting::Counting;
use crate::gomap::Knobs;
use crate::gotype::Shape;
use crate::variants::{build_boxed, MapSpec, MapUnderStudy, Variant, Visit};
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
    /// Bytes the model wrote (every copy path; exact accounting).
    pub bytes_written: u64,
}

/// Bytes of Go 1.19's `mapextra` (`overflow`, `oldoverflow`,
/// `nextOverflow`: three pointers).
const MAPEXTRA_BYTES: u64 = 24;

/// Whether Go 1.19 allocated the map's `mapextra`, which the classic
/// model's accounting leaves out (it holds no data; the overflow list it
/// points to is modelled): `makemap` and `hashGrow` allocate it when
/// `makeBucketArray` preallocates overflow buckets (B >= 4), and
/// `createOverflow` when the first overflow bucket of a map whose buckets
/// hold no pointers is recorded. B never shrinks, so the final B tells.
fn classic_has_mapextra(b: u8, pointer_free: bool, overflow_taken: u64) -> bool {
    b >= 4 || (pointer_free && overflow_taken > 0)
}

struct Fill {
    n: usize,
    seed: u64,
    /// Go 1.19: whether the buckets are free of pointers.
    classic_pointer_free: Option<bool>,
}

impl Visit for Fill {
    type Out = HeapFigures;
    fn visit<M: MapUnderStudy>(self, mut map: M) -> HeapFigures {
        workload::insert(&mut map, self.n, KeyDist::Random, self.seed);
        let a = map.accounting().unwrap_or_default();
        let mut f = HeapFigures {
            heap_bytes: MAP_HEADER_BYTES + a.model_allocated_bytes,
            objects: 1 + a.model_allocations,
            bytes_written: a.total_bytes(),
        };
        if let (Some(pointer_free), Some(st)) = (self.classic_pointer_free, map.structure()) {
            let taken = a.overflow_prealloc_taken + a.overflow_fresh_taken;
            if classic_has_mapextra(st.b, pointer_free, taken) {
                f.heap_bytes += MAPEXTRA_BYTES;
                f.objects += 1;
            }
        }
        f
    }
}

/// The heap figures of `make(map[key]elem, hint)` and `n` inserts of
/// distinct random keys on model `variant` (Go's default knobs); for the
/// classic map (Go 1.19) with the `mapextra` Go allocates
/// (`classic_has_mapextra`).
pub fn fill(
    variant: Variant,
    key: Shape,
    elem: Shape,
    n: usize,
    hint: usize,
    seed: u64,
) -> Result<HeapFigures, HeapError> {
    if release_name(variant).is_none() {
        return Err(HeapError::NotARelease(variant));
    }
    let knobs = Knobs::default();
    let classic_pointer_free = (variant == Variant::GoMap)
        .then(|| !crate::gotype::BucketType::new(key, elem, knobs.inline_limit).pointers);
    let spec = MapSpec {
        variant,
        knobs,
        hint,
        seed,
    };
    build_boxed::<Counting, _>(
        &spec,
        key,
        elem,
        Fill {
            n,
            seed,
            classic_pointer_free,
        },
    )
    .map_err(HeapError::Build)
}

struct UpdateFullSmall;

impl Visit for UpdateFullSmall {
    type Out = HeapFigures;
    fn visit<M: MapUnderStudy>(self, mut map: M) -> HeapFigures {
        let ids = workload::insert(&mut map, 8, KeyDist::Sequential, 1);
        let before = map.accounting().unwrap_or_default();
        let (ks, vs) = (map.key_shape().size, map.elem_shape().size);
        let (mut k, mut v) = (vec![0u8; ks], vec![0u8; vs]);
        crate::gotype::fill_from_id(ids[0], &mut k);
        workload::value_for(ids[0], 1, &mut v);
        map.insert(&k, &v);
        let after = map.accounting().unwrap_or_default();
        HeapFigures {
            heap_bytes: after.model_allocated_bytes - before.model_allocated_bytes,
            objects: after.model_allocations - before.model_allocations,
            bytes_written: after.total_bytes() - before.total_bytes(),
        }
    }
}

/// What one write allocates that only updates an existing key of a full
/// small map (`make(map[key]elem, hint)` and 8 inserts first): Go 1.24 to
/// 1.26 move the map into a 16-slot table (its groups, the table, a
/// one-entry directory); Go 1.27 updates in place (nothing). The classic
/// map's 8 entries fill one bucket and an update allocates nothing.
pub fn update_full_small(
    variant: Variant,
    key: Shape,
    elem: Shape,
    hint: usize,
) -> Result<HeapFigures, HeapError> {
    if release_name(variant).is_none() {
        return Err(HeapError::NotARelease(variant));
    }
    if key.size == 0 {
        return Err(HeapError::ZeroSizeKey);
    }
    let spec = MapSpec {
        variant,
        knobs: Knobs::default(),
        hint,
        seed: 1,
    };
    build_boxed::<Counting, _>(&spec, key, elem, UpdateFullSmall).map_err(HeapError::Build)
}

/// Heap figures asked of something that has none.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum HeapError {
    /// A variant that models no Go release.
    #[error(
        "`{0}` is not a model of a Go release; heap figures in Go's terms exist for {releases}",
        releases = RELEASE_MODELS.map(|v| v.name()).join(", ")
    )]
    NotARelease(Variant),
    /// `struct{}` keys: a map of 8 keys cannot exist.
    #[error("a zero-size key (struct{{}}) has one value: no map of 8 keys")]
    ZeroSizeKey,
    /// The model could not be built.
    #[error(transparent)]
    Build(crate::variants::BuildError),
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
        // The full small map's update: Go 1.26 grows (two 136-byte groups,
        // the table, the directory), Go 1.27 does not.
        let up = |v| update_full_small(v, k, Shape::EMPTY, 0).unwrap();
        let (old, new) = (up(Variant::GoSwiss), up(Variant::GoSwiss127));
        assert_eq!((old.heap_bytes, old.objects), (288 + 32 + 8, 3));
        assert_eq!((new.heap_bytes, new.objects), (0, 0));
        // Go 1.27 writes the elem only (0 bytes for struct{}); 1.26 also
        // moves the 8 entries (8 + 1 bytes each) and zero-fills two groups.
        assert_eq!(new.bytes_written, 0);
        assert!(old.bytes_written >= 8 * 9 + 2 * 136, "{old:?}");
    }
}
