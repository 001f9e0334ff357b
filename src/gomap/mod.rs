//! A faithful model of Go's classic map (Go 1.0 – 1.23, `runtime/map.go`),
//! instrumented so every byte it stores is attributed to a copy path.
//!
//! # The design being modelled
//!
//! A map is an array of `2^B` buckets. Each bucket holds up to 8 entries:
//! eight *tophash* bytes (the top 8 bits of each entry's hash, with values
//! 0–4 reserved as slot markers), then the 8 keys, then the 8 values, then a
//! link to an *overflow bucket*. The low `B` bits of a hash pick the bucket;
//! when a bucket's chain is full a new overflow bucket is linked at its end.
//! For `B ≥ 4` every bucket array is allocated with about `2^(B-4)` extra
//! buckets at its end (more if the allocator's size class leaves room), and
//! those are handed out as overflow buckets before any fresh allocation.
//!
//! When an insert would push the average load over 6.5 entries per bucket,
//! the map *doubles*: a new array of `2^(B+1)` buckets is allocated, and old
//! buckets are *evacuated* incrementally, the bucket being written plus one
//! more per write or delete, each entry going to the same index (X) or the
//! same index plus the old size (Y). When deletes have left too many
//! overflow buckets (about as many as buckets) the map grows to the *same
//! size* instead, compacting its chains. Growth never shrinks the map.
//!
//! Iterators start at a random bucket and offset and stay correct while the
//! map grows under them: old buckets not yet evacuated are walked in place,
//! and entries already moved are looked up again in the new array.
//!
//! # How it is built here
//!
//! One file per concern, in the life-cycle order of `map.go`:
//! [`layout`] (tophash markers and the accounting of slot stores; the
//! bucket layout itself is the map type's [`BucketType`], from
//! [`crate::gotype`]), [`sizeclass`] (allocator rounding),
//! [`storage`] (arrays, overflow arenas, generations and the storage policies
//! of the variants), `make` (`makemap`, `makeBucketArray`), `access`
//! (`mapaccess`), `assign` (`mapassign`), `overflow` (`newoverflow`,
//! `incrnoverflow`), `grow` (`hashGrow`, `growWork`, `evacuate`), `delete`
//! (`mapdelete`, `mapclear`), [`iter`] (`mapiterinit`, `mapiternext`),
//! [`structure`] (structure of a map: chains, probes, overhead) and
//! [`prefetch`] (cache hints for the hot paths; no effect on behaviour).
//!
//! Every store goes through the map's [`Probe`]:
//! with [`Off`] the model runs at full speed, with
//! [`Counting`](crate::accounting::Counting) each byte is attributed to one
//! [`CopyPath`](crate::accounting::CopyPath).
//!
//! # Measured against Go's own table
//!
//! Go's `map.go` opens with a table of statistics for maximally loaded
//! tables of 8-byte keys and values. `mapamp table load-factor` regenerates
//! it from this model; at load factor 6.5 (B = 16, 20 seeds) the model gives
//! the figures in [`structure::GO_PUBLISHED_TABLE`]'s row within the noise the
//! command prints beside them.

pub mod layout;
pub mod sizeclass;
pub mod storage;
pub mod structure;

mod access;
mod assign;
mod check;
mod delete;
mod grow;
pub mod iter;
mod make;
pub(crate) mod objects;
mod overflow;
pub mod prefetch;

pub use grow::GrowKind;
pub use iter::GoIter;
pub use make::{
    b_for_hint, buckets_allocated, effective_hint, max_count_at, over_load_factor,
    too_many_overflow_buckets, MAX_ALLOC, MAX_B,
};
pub use storage::{GoHeap, InlineFirst, Slab, Storage};

use crate::accounting::{Off, Probe};
use crate::gotype::BucketType;
use crate::hash::{KeyHasher, SeededHash};
use crate::rng::Rng;
use layout::GO_INLINE_LIMIT;
use objects::ObjectTable;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use storage::Generation;

/// How many old buckets a write or delete evacuates during growth.
///
/// Written as a number of extra buckets (`1` is Go) or `all`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum EvacuateBatch {
    /// The old bucket the write maps to, plus this many more at `nevacuate`
    /// (Go: 1).
    Extra(u32),
    /// Stop-the-world: the write that starts a growth evacuates everything.
    All,
}

impl EvacuateBatch {
    /// Parses `all` or a number of extra buckets.
    pub fn parse(s: &str) -> Result<EvacuateBatch, KnobError> {
        if s == "all" {
            return Ok(EvacuateBatch::All);
        }
        s.parse::<u32>()
            .map(EvacuateBatch::Extra)
            .map_err(|_| KnobError::EvacuateBatch(s.to_string()))
    }
}

impl From<EvacuateBatch> for String {
    fn from(b: EvacuateBatch) -> String {
        b.to_string()
    }
}

impl TryFrom<String> for EvacuateBatch {
    type Error = KnobError;
    fn try_from(s: String) -> Result<Self, KnobError> {
        EvacuateBatch::parse(&s)
    }
}

impl std::fmt::Display for EvacuateBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvacuateBatch::Extra(n) => write!(f, "{n}"),
            EvacuateBatch::All => f.write_str("all"),
        }
    }
}

/// Go's load factor: `loadFactorNum / loadFactorDen` = 13 / 2.
pub const GO_LOAD_FACTOR: f64 = 6.5;

/// The smallest load factor [`Knobs::validate`] accepts.
pub const MIN_LOAD_FACTOR: f64 = 1.0;

/// The largest load factor [`Knobs::validate`] accepts: a bucket's 8 slots.
pub const MAX_LOAD_FACTOR: f64 = layout::BUCKET_CNT as f64;

/// The inline limits [`Knobs::validate`] accepts, in bytes: from one word
/// up to 1 MiB (larger keys and values than that are not studied).
pub const INLINE_LIMIT_RANGE: std::ops::RangeInclusive<usize> = 8..=1 << 20;

/// The tuning knobs of the Go-family models, with Go's values as defaults.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Knobs {
    /// Average entries per bucket that triggers doubling (Go: 6.5).
    pub load_factor: f64,
    /// Evacuation work per write during growth (Go: the written bucket + 1).
    pub evacuate_batch: EvacuateBatch,
    /// Keys/values larger than this many bytes are stored indirectly (Go: 128).
    pub inline_limit: usize,
    /// Whether arrays with B ≥ 4 carry preallocated overflow buckets (Go: yes).
    pub overflow_prealloc: bool,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            load_factor: GO_LOAD_FACTOR,
            evacuate_batch: EvacuateBatch::Extra(1),
            inline_limit: GO_INLINE_LIMIT,
            overflow_prealloc: true,
        }
    }
}

impl Knobs {
    /// Checks the knob values, with an error naming the bad one and the
    /// valid range. The one rule for the command line and profiles.
    ///
    /// The load factor stops at [`MAX_LOAD_FACTOR`]: above 8 entries per
    /// bucket a one-bucket map must take an overflow bucket before it may
    /// double, which is "too many overflow buckets" at B = 0, so Go's
    /// `mapassign` would start a same-size growth, finish it within the
    /// same write and start it again without end.
    pub fn validate(&self) -> Result<(), KnobError> {
        let lf = self.load_factor;
        if !(lf.is_finite() && (MIN_LOAD_FACTOR..=MAX_LOAD_FACTOR).contains(&lf)) {
            return Err(KnobError::LoadFactor(lf));
        }
        if !INLINE_LIMIT_RANGE.contains(&self.inline_limit) {
            return Err(KnobError::InlineLimit {
                knob: "inline limit",
                value: self.inline_limit.to_string(),
            });
        }
        Ok(())
    }
}

/// A knob value out of its range: the knob, the value given and the valid
/// values.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KnobError {
    /// A load factor outside [`MIN_LOAD_FACTOR`]..=[`MAX_LOAD_FACTOR`].
    #[error(
        "load factor {0} is not valid; use a number from {min:.1} to {max:.1} (Go: {go}); above {max:.1} a one-bucket map overflows before it may double and Go's growth rule restarts same-size growth forever",
        min = MIN_LOAD_FACTOR,
        max = MAX_LOAD_FACTOR,
        go = GO_LOAD_FACTOR
    )]
    LoadFactor(f64),
    /// An inline limit outside [`INLINE_LIMIT_RANGE`].
    #[error(
        "{knob} {value} is not valid; use {} to {} bytes (Go: {})",
        INLINE_LIMIT_RANGE.start(),
        INLINE_LIMIT_RANGE.end(),
        GO_INLINE_LIMIT
    )]
    InlineLimit {
        /// The knob as the input spells it (`inline limit`, `inline_limit =`).
        knob: &'static str,
        /// The value given.
        value: String,
    },
    /// An evacuate batch that is neither a number nor `all`.
    #[error("evacuate batch `{0}` is not valid; use a number of extra buckets per write (Go: 1) or `all`")]
    EvacuateBatch(String),
}

/// `hmap.flags` bits the model needs.
pub(crate) mod flags {
    /// There may be an iterator using `buckets`.
    pub const ITERATOR: u8 = 1;
    /// There may be an iterator using `oldbuckets`.
    pub const OLD_ITERATOR: u8 = 2;
}

/// The scalar part of `hmap`.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    /// Live entries (`count`).
    pub count: usize,
    /// `iterator` / `oldIterator` bits.
    pub flags: u8,
    /// log2 of the current bucket count (`B`); set with [`Header::set_b`].
    pub b: u8,
    /// `2^B - 1`, kept with `b` by [`Header::set_b`] (`bucketMask(h.B)`).
    pub mask: usize,
    /// Approximate number of overflow buckets (`noverflow`).
    pub noverflow: u16,
    /// Hash seed (`hash0`).
    pub hash0: u64,
    /// Old buckets below this index are evacuated (`nevacuate`).
    pub nevacuate: usize,
    /// `oldbuckets != nil`.
    pub growing: bool,
    /// The current growth keeps the bucket count (`sameSizeGrow` flag).
    pub same_size: bool,
    /// Largest count that does not exceed the load factor at `b`.
    pub max_count: usize,
    /// Inserts may take the fast path while `count < fast_until`: keys and
    /// values are inline, the map has an array, is not growing, and neither
    /// growth trigger can fire.
    /// 0 whenever any of that is false.
    pub fast_until: usize,
    /// Go's `fastrand`.
    pub rand: Rng,
}

impl Header {
    /// Sets `B` and what is derived from it.
    pub fn set_b(&mut self, b: u8) {
        self.b = b;
        self.mask = (1usize << b) - 1;
    }
}

/// Go's classic map, generic over hasher, accounting probe and storage
/// policy (which makes it `gomap`, `gomap-slab` or `gomap-inline`). Key
/// and value types are data: the map's [`BucketType`], as Go's runtime
/// reads them from its `maptype`.
pub struct GoMap<H: KeyHasher = SeededHash, P: Probe = Off, S: Storage = GoHeap> {
    pub(crate) hdr: Header,
    /// The current generation (`h.buckets`).
    pub(crate) buckets: Generation<S>,
    /// The generation being evacuated while growing (`h.oldbuckets`); nil otherwise.
    pub(crate) oldbuckets: Generation<S>,
    /// Generations an iterator may still walk after the map let go of them.
    pub(crate) retired: Vec<Generation<S>>,
    /// Arena memory kept for the next generation (slab reuse).
    pub(crate) spare_arena: Option<S::Arena>,
    pub(crate) next_gen_id: u64,
    /// The map type: key and value shapes, bucket layout (`t *maptype`).
    pub(crate) t: BucketType,
    /// `t` is `map[uint64]uint64`-shaped ([`layout::is_kv88`]): the hot
    /// paths take their constant-geometry form.
    pub(crate) kv88: bool,
    pub(crate) knobs: Knobs,
    pub(crate) hasher: H,
    pub(crate) probe: P,
    pub(crate) key_objs: ObjectTable,
    pub(crate) val_objs: ObjectTable,
    /// Cloned by every live iterator: strong count > 1 means iterators
    /// exist. Created by the first iteration, so a map that is never
    /// iterated makes no allocation for it.
    pub(crate) iter_token: Option<Arc<()>>,
}

impl<H: KeyHasher, P: Probe, S: Storage> Clone for GoMap<H, P, S> {
    /// The same map state, bucket for bucket, accounting included (used to
    /// replay a measured region from one prepared state). Iterators of the
    /// original do not carry over.
    fn clone(&self) -> Self {
        GoMap {
            hdr: self.hdr.clone(),
            buckets: self.buckets.clone(),
            oldbuckets: self.oldbuckets.clone(),
            retired: self.retired.clone(),
            spare_arena: self.spare_arena.clone(),
            next_gen_id: self.next_gen_id,
            t: self.t,
            kv88: self.kv88,
            knobs: self.knobs,
            hasher: self.hasher.clone(),
            probe: self.probe.clone(),
            key_objs: self.key_objs.clone(),
            val_objs: self.val_objs.clone(),
            iter_token: None,
        }
    }
}

impl<H: KeyHasher, P: Probe, S: Storage> GoMap<H, P, S> {
    /// Number of live entries (`len(m)`).
    #[inline]
    pub fn len(&self) -> usize {
        self.hdr.count
    }

    /// Whether the map has no entries.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.hdr.count == 0
    }

    /// log2 of the current number of buckets.
    pub fn b(&self) -> u8 {
        self.hdr.b
    }

    /// Whether a growth is in progress (`h.growing()`).
    pub fn growing(&self) -> bool {
        self.hdr.growing
    }

    /// Whether the growth in progress is a same-size one.
    pub fn same_size_growing(&self) -> bool {
        self.hdr.growing && self.hdr.same_size
    }

    /// Go's approximate overflow-bucket counter (`noverflow`).
    pub fn noverflow(&self) -> u16 {
        self.hdr.noverflow
    }

    /// The map type: key and value shapes and the bucket layout.
    pub fn map_type(&self) -> &BucketType {
        &self.t
    }

    /// The knobs this map was built with.
    pub fn knobs(&self) -> &Knobs {
        &self.knobs
    }

    /// The accounting probe.
    pub fn probe(&self) -> &P {
        &self.probe
    }

    /// The storage policy's variant name.
    pub fn variant_name(&self) -> &'static str {
        S::VARIANT
    }

    /// Whether the current bucket array lives in the map header (`gomap-inline`).
    pub fn array_in_header(&self) -> bool {
        self.buckets.has_array() && !storage::ArrayStore::on_heap(&self.buckets.array)
    }

    /// Indirect key and value objects currently allocated (0 when both are inline).
    pub fn indirect_objects_live(&self) -> usize {
        self.key_objs.live() + self.val_objs.live()
    }

    /// Whether any iterator of this map is still alive.
    #[inline]
    pub(crate) fn iterators_alive(&self) -> bool {
        self.iter_token
            .as_ref()
            .is_some_and(|t| Arc::strong_count(t) > 1)
    }

    /// Recomputes [`Header::fast_until`] after a change of growth state,
    /// array or overflow count.
    #[inline]
    pub(crate) fn refresh_fast_until(&mut self) {
        let h = &mut self.hdr;
        h.fast_until = if h.growing
            || !self.t.all_inline()
            || !self.buckets.has_array()
            || too_many_overflow_buckets(h.noverflow, h.b)
        {
            0
        } else {
            h.max_count.max(layout::BUCKET_CNT)
        };
    }

    /// The generation an iterator names by id.
    pub(crate) fn generation(&self, id: u64) -> &Generation<S> {
        [&self.buckets, &self.oldbuckets]
            .into_iter()
            .chain(self.retired.iter())
            .find(|g| g.id == id)
            .expect("iterator used with a map it does not belong to")
    }

    /// Hash of a key's bytes under the current seed.
    #[inline(always)]
    pub(crate) fn hash_key(&self, key: &[u8]) -> u64 {
        self.hasher.hash(key, self.hdr.hash0)
    }

    /// Bucket size in bytes.
    #[inline(always)]
    pub(crate) fn bb(&self) -> usize {
        self.t.bucket_size
    }
}
