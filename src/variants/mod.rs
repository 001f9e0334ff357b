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

mod erased;
mod goswiss;
pub mod memory;
pub mod swiss;
pub mod typed;

use crate::accounting::{Accounting, CopyPath, Exactness, Probe};
use crate::gomap::structure::Structure;
use crate::gomap::{GoHeap, GoMap, GrowKind, InlineFirst, Knobs, Slab, Storage};
use crate::goswiss::{GoHash, GoSwiss, Release};
use crate::gotype::Shape;
use crate::hash::{CollidingHash, KeyHasher, SeededHash};
pub use erased::{AnyMap, ErasedMap, MapSetup};
use serde::{Deserialize, Serialize};
use strum::VariantArray;
use swiss::{SwissMap, SwissShape};

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

impl<H: KeyHasher, P: Probe, S: Storage> MapUnderStudy for GoMap<H, P, S> {
    fn variant(&self) -> &'static str {
        S::VARIANT
    }
    fn key_shape(&self) -> Shape {
        self.map_type().key
    }
    fn elem_shape(&self) -> Shape {
        self.map_type().elem
    }
    #[inline(always)]
    fn insert(&mut self, key: &[u8], val: &[u8]) -> bool {
        GoMap::insert(self, key, val)
    }
    #[inline]
    fn get(&self, key: &[u8]) -> Option<&[u8]> {
        GoMap::get(self, key)
    }
    #[inline]
    fn remove(&mut self, key: &[u8]) -> bool {
        GoMap::remove(self, key)
    }
    fn len(&self) -> usize {
        GoMap::len(self)
    }
    fn clear(&mut self) {
        GoMap::clear(self)
    }
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

/// The variants mapamp knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
#[derive(strum::VariantArray, strum::IntoStaticStr, strum::Display)]
pub enum Variant {
    /// Go's classic map.
    #[strum(serialize = "gomap")]
    GoMap,
    /// Slab overflow with `u32` links.
    #[strum(serialize = "gomap-slab")]
    GoMapSlab,
    /// First bucket in the map header.
    #[strum(serialize = "gomap-inline")]
    GoMapInline,
    /// Go's Swiss-table map (Go 1.26).
    #[strum(serialize = "goswiss")]
    GoSwiss,
    /// Go's Swiss-table map without tombstone pruning (Go 1.24).
    #[strum(serialize = "goswiss-noprune")]
    GoSwissNoPrune,
    /// Go's Swiss-table map as of Go 1.27.
    #[strum(serialize = "goswiss-127")]
    GoSwiss127,
    /// Go 1.27's Swiss-table map with `GOEXPERIMENT=mapsplitgroup`.
    #[strum(serialize = "goswiss-127split")]
    GoSwiss127Split,
    /// hashbrown's Swiss table with foldhash.
    #[strum(serialize = "hashbrown")]
    Hashbrown,
    /// Rust's std `HashMap`.
    #[strum(serialize = "std")]
    Std,
    /// The real Go runtime: Go 1.19 (classic map).
    #[strum(serialize = "go1.19")]
    Go119,
    /// The real Go runtime: Go 1.26 (Swiss map).
    #[strum(serialize = "go1.26")]
    Go126,
    /// The real Go runtime: Go 1.27 via GOTOOLCHAIN (Swiss map).
    #[strum(serialize = "go1.27")]
    Go127,
    /// The real Go runtime: Go 1.27 via GOTOOLCHAIN with
    /// GOEXPERIMENT=mapsplitgroup (Swiss map, split groups).
    #[strum(serialize = "go1.27split")]
    Go127Split,
}

impl crate::names::Named for Variant {}

impl Variant {
    /// The real Go runtimes, run by the Go harness.
    pub const REAL_GO: [Variant; 4] = [
        Variant::Go119,
        Variant::Go126,
        Variant::Go127,
        Variant::Go127Split,
    ];

    /// The real Go runtimes come last in the declaration.
    const _REAL_GO_LAST: () = assert!(
        Variant::ALL.len() + Variant::REAL_GO.len() == Variant::VARIANTS.len()
            && matches!(Variant::VARIANTS[Variant::ALL.len()], Variant::Go119)
    );

    /// Every variant built in this process (the models and Rust's tables).
    pub const ALL: [Variant; 9] = crate::names::first(Variant::VARIANTS);

    /// Name used on the command line, in profiles and in cell ids.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Every variant: [`Variant::ALL`], then [`Variant::REAL_GO`].
    pub fn every() -> impl Iterator<Item = Variant> {
        Variant::VARIANTS.iter().copied()
    }

    /// The Go release of a real-Go variant.
    pub fn go_release(self) -> Option<crate::goconfig::GoRelease> {
        use crate::goconfig::GoRelease;
        match self {
            Variant::Go119 => Some(GoRelease::Go119),
            Variant::Go126 => Some(GoRelease::Go126),
            Variant::Go127 => Some(GoRelease::Go127),
            Variant::Go127Split => Some(GoRelease::Go127Split),
            _ => None,
        }
    }

    /// Whether the variant is the real Go runtime's classic map (its
    /// scenarios are those of the Go-family models).
    pub fn is_real_classic(self) -> bool {
        self == Variant::Go119
    }

    /// Whether the variant is the real Go runtime's Swiss map (Go 1.24+,
    /// run by the Go harness).
    pub fn is_real_swiss(self) -> bool {
        self.go_release().is_some() && !self.is_real_classic()
    }

    /// Whether the variant is Go's Swiss map, modelled or real: its copy
    /// paths and isolated scenarios are the Swiss map's.
    pub fn is_swiss_design(self) -> bool {
        self.is_go_swiss() || self.is_real_swiss()
    }

    /// One line saying what the variant is.
    pub fn description(self) -> &'static str {
        match self {
            Variant::GoMap => "Go's classic map (Go 1.0-1.23): buckets of 8, tophash, overflow chains, incremental growth",
            Variant::GoMapSlab => "gomap with overflow buckets from one contiguous slab, linked by u32 indices: no per-bucket allocation",
            Variant::GoMapInline => "gomap with the first bucket inside the map header: no heap allocation up to 8 entries",
            Variant::GoSwiss => "Go's Swiss-table map (Go 1.24+, as of 1.26): groups of 8 with control words, tables up to 1024 slots, extendible-hashing directory, tombstone pruning",
            Variant::GoSwissNoPrune => "goswiss as of Go 1.24: no tombstone pruning, so churn at a constant size keeps doubling tables (golang/go#70886)",
            Variant::GoSwiss127 => "goswiss as of Go 1.27: a write to a full small map that only updates a key no longer grows it into a table",
            Variant::GoSwiss127Split => "goswiss-127 with GOEXPERIMENT=mapsplitgroup: groups hold an array of 8 keys, then an array of 8 values, so no slot padding",
            Variant::Hashbrown => "hashbrown Swiss table with foldhash (reference point; accounting derived from capacity changes)",
            Variant::Std => "Rust std HashMap, a Swiss table with SipHash-1-3 (reference point; accounting derived)",
            Variant::Go119 => "the real Go 1.19 runtime (classic map), run by the Go harness; accounting derived from observed structure changes",
            Variant::Go126 => "the real Go 1.26 runtime (Swiss-table map), run by the Go harness",
            Variant::Go127 => "the real Go 1.27 runtime (Swiss-table map, GOTOOLCHAIN=go1.27.3), run by the Go harness",
            Variant::Go127Split => "the real Go 1.27 runtime built with GOEXPERIMENT=mapsplitgroup (Swiss-table map whose groups hold 8 keys, then 8 values; GOTOOLCHAIN=go1.27.3), run by the Go harness",
        }
    }

    /// Parses a variant name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<Variant, crate::names::UnknownName> {
        crate::names::parse(s, "variant", "valid variants")
    }

    /// Whether the variant is the Go Swiss-map model (any release).
    pub fn is_go_swiss(self) -> bool {
        self.swiss_release().is_some()
    }

    /// The Go release a Swiss-map model variant follows.
    pub fn swiss_release(self) -> Option<Release> {
        match self {
            Variant::GoSwissNoPrune => Some(Release::Go124),
            Variant::GoSwiss => Some(Release::Go126),
            Variant::GoSwiss127 => Some(Release::Go127),
            Variant::GoSwiss127Split => Some(Release::Go127Split),
            _ => None,
        }
    }

    /// The Swiss-map model variant of a Go release.
    pub fn of_swiss_release(r: Release) -> Variant {
        match r {
            Release::Go124 => Variant::GoSwissNoPrune,
            Release::Go126 => Variant::GoSwiss,
            Release::Go127 => Variant::GoSwiss127,
            Release::Go127Split => Variant::GoSwiss127Split,
        }
    }

    /// The copy paths this variant can take; every other path is `n/a` for it.
    pub fn copy_paths(self) -> &'static [CopyPath] {
        if self.is_swiss_design() {
            &CopyPath::GO_SWISS
        } else {
            CopyPath::CLASSIC
        }
    }

    /// Whether the Go-model knobs (load factor, evacuation batch, inline
    /// limit, overflow preallocation) apply.
    pub fn is_go_family(self) -> bool {
        matches!(
            self,
            Variant::GoMap | Variant::GoMapSlab | Variant::GoMapInline
        )
    }
}

impl From<Variant> for String {
    fn from(v: Variant) -> String {
        v.name().to_string()
    }
}

impl TryFrom<String> for Variant {
    type Error = crate::names::UnknownName;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Variant::parse(&s)
    }
}

/// A tuning knob, for listings and error messages.
pub struct KnobInfo {
    /// Knob name as in profiles (`load_factor`); the CLI flag uses dashes.
    pub name: &'static str,
    /// Go's value.
    pub go_default: String,
    /// What it does.
    pub description: &'static str,
}

/// The tuning knobs and their Go defaults (the model's knobs read from
/// [`Knobs::default`], the one definition the command line and profiles
/// use too).
pub fn knobs() -> [KnobInfo; 7] {
    let go = Knobs::default();
    [
    KnobInfo {
        name: "load_factor",
        go_default: go.load_factor.to_string(),
        description: "average entries per bucket that triggers doubling (Go-family variants)",
    },
    KnobInfo {
        name: "evacuate_batch",
        go_default: go.evacuate_batch.to_string(),
        description: "extra old buckets evacuated per write during growth, or `all` for stop-the-world (Go-family)",
    },
    KnobInfo {
        name: "inline_limit",
        go_default: go.inline_limit.to_string(),
        description: "keys/values larger than this many bytes are stored through pointers (Go-family)",
    },
    KnobInfo {
        name: "overflow_prealloc",
        go_default: if go.overflow_prealloc { "on" } else { "off" }.to_string(),
        description: "arrays with B >= 4 carry preallocated overflow buckets (Go-family)",
    },
    KnobInfo {
        name: "hint",
        go_default: HintSpec::None.to_string(),
        description: "size hint at creation: `none`, `n` (exact), `<f>n` (a factor of N, e.g. 0.5n) or a number (all variants)",
    },
    KnobInfo {
        name: "gogc",
        go_default: "100".to_string(),
        description: "GOGC of the Go process: a percentage or `off` (real-Go variants only)",
    },
    KnobInfo {
        name: "gomemlimit",
        go_default: "off".to_string(),
        description: "GOMEMLIMIT of the Go process: bytes with an optional unit (B, KiB, MiB, GiB, TiB) or `off` (real-Go variants only)",
    },
    ]
}

/// A size hint relative to the workload's N.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum HintSpec {
    /// No hint (`make(map)`).
    None,
    /// A factor of N (`n` is 1.0).
    Factor(f64),
    /// A fixed number.
    Fixed(usize),
}

impl HintSpec {
    /// Parses `none`, `n`, `<factor>n` or a number.
    pub fn parse(s: &str) -> Result<HintSpec, String> {
        let s = s.trim();
        let bad = || {
            format!("hint `{s}` is not valid; use `none`, `n` (exact N), a factor such as `0.5n` or `2n`, or a number")
        };
        if s == "none" {
            return Ok(HintSpec::None);
        }
        if let Some(f) = s.strip_suffix('n') {
            if f.is_empty() {
                return Ok(HintSpec::Factor(1.0));
            }
            let f: f64 = f.parse().map_err(|_| bad())?;
            if !(f.is_finite() && f >= 0.0) {
                return Err(bad());
            }
            return Ok(HintSpec::Factor(f));
        }
        s.parse::<usize>().map(HintSpec::Fixed).map_err(|_| bad())
    }

    /// The hint for a workload of `n` keys (0 means none).
    pub fn resolve(self, n: usize) -> usize {
        match self {
            HintSpec::None => 0,
            HintSpec::Factor(f) => (f * n as f64).round() as usize,
            HintSpec::Fixed(h) => h,
        }
    }
}

impl std::fmt::Display for HintSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HintSpec::None => f.write_str("none"),
            HintSpec::Factor(x) if *x == 1.0 => f.write_str("n"),
            HintSpec::Factor(x) => write!(f, "{x}n"),
            HintSpec::Fixed(h) => write!(f, "{h}"),
        }
    }
}

impl From<HintSpec> for String {
    fn from(h: HintSpec) -> String {
        h.to_string()
    }
}

impl TryFrom<String> for HintSpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        HintSpec::parse(&s)
    }
}

/// Everything needed to build one map (sizes are chosen at dispatch).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapSpec {
    /// Which design.
    pub variant: Variant,
    /// Go-model knobs (must be Go's defaults for the Swiss variants).
    pub knobs: Knobs,
    /// Size hint at creation (0: none).
    pub hint: usize,
    /// Seed of the map's randomness (hash seed, iteration order).
    pub seed: u64,
}

impl MapSpec {
    /// Checks that the knobs apply to the variant and are valid.
    pub fn validate(&self) -> Result<(), String> {
        self.knobs.validate()?;
        if !self.variant.is_go_family() && self.knobs != Knobs::default() {
            return Err(format!(
                "the Go-model knobs (load factor, evacuate batch, inline limit, overflow prealloc) do not apply to `{}`; they apply to {}",
                self.variant,
                Variant::ALL.iter().filter(|v| v.is_go_family()).map(|v| v.name()).collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(())
    }
}

/// Which hasher a Go-family map uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HasherChoice {
    /// The seeded default ([`SeededHash`]; the Go Swiss model: [`GoHash`]).
    Seeded,
    /// Crafted collisions ([`CollidingHash`]), Go-family variants only.
    Colliding(CollidingHash),
}

/// Code that runs against one concrete map (see [`build`]).
pub trait Visit {
    /// What the visit produces.
    type Out;
    /// Runs against `map`.
    fn visit<M: MapUnderStudy>(self, map: M) -> Self::Out;
}

/// Builds the map `spec` describes, with keys and values of the given
/// shapes and accounting probe `P`, and hands it to `vis`.
pub fn build<P: Probe, Vis: Visit>(
    spec: &MapSpec,
    key: Shape,
    elem: Shape,
    vis: Vis,
) -> Result<Vis::Out, String> {
    build_with::<P, Vis>(spec, key, elem, HasherChoice::Seeded, vis)
}

/// Boxes the map it is handed.
struct Erase;

impl Visit for Erase {
    type Out = AnyMap;
    fn visit<M: MapUnderStudy>(self, map: M) -> AnyMap {
        AnyMap(Box::new(map))
    }
}

/// [`build_with`], the map boxed: for code that runs no measured region
/// (heap figures, claims, the fuzz runner), so that it is compiled once
/// for every map type (see [`ErasedMap`]).
pub fn build_any<P: Probe>(
    spec: &MapSpec,
    key: Shape,
    elem: Shape,
    hasher: HasherChoice,
) -> Result<AnyMap, String> {
    build_with::<P, Erase>(spec, key, elem, hasher, Erase)
}

/// [`build`], the map boxed ([`AnyMap`]): `vis` is compiled once, not once
/// per map type. For visits that run no measured region.
pub fn build_boxed<P: Probe, Vis: Visit>(
    spec: &MapSpec,
    key: Shape,
    elem: Shape,
    vis: Vis,
) -> Result<Vis::Out, String> {
    Ok(vis.visit(build_any::<P>(spec, key, elem, HasherChoice::Seeded)?))
}

/// [`build`] with a choice of hasher.
pub fn build_with<P: Probe, Vis: Visit>(
    spec: &MapSpec,
    key: Shape,
    elem: Shape,
    hasher: HasherChoice,
    vis: Vis,
) -> Result<Vis::Out, String> {
    spec.validate()?;
    let (knobs, hint, seed) = (spec.knobs, spec.hint, spec.seed);
    if let HasherChoice::Colliding(h) = hasher {
        return match spec.variant {
            Variant::GoMap => Ok(vis.visit(GoMap::<CollidingHash, P, GoHeap>::with_config(
                key, elem, knobs, hint, seed, h,
            ))),
            Variant::GoMapSlab => Ok(vis.visit(GoMap::<CollidingHash, P, Slab>::with_config(
                key, elem, knobs, hint, seed, h,
            ))),
            Variant::GoMapInline => Ok(vis.visit(
                GoMap::<CollidingHash, P, InlineFirst>::with_config(key, elem, knobs, hint, seed, h),
            )),
            v => match v.swiss_release() {
                Some(r) => Ok(vis.visit(GoSwiss::<CollidingHash, P>::with_config(
                    key, elem, r, hint, seed, h,
                ))),
                None => Err(format!("crafted colliding keys need the Go-family models' pluggable hasher; `{v}` hashes on its own")),
            },
        };
    }
    let s = SeededHash;
    Ok(match spec.variant {
        Variant::GoMap => vis.visit(GoMap::<SeededHash, P, GoHeap>::with_config(
            key, elem, knobs, hint, seed, s,
        )),
        Variant::GoMapSlab => vis.visit(GoMap::<SeededHash, P, Slab>::with_config(
            key, elem, knobs, hint, seed, s,
        )),
        Variant::GoMapInline => vis.visit(GoMap::<SeededHash, P, InlineFirst>::with_config(
            key, elem, knobs, hint, seed, s,
        )),
        v @ (Variant::GoSwiss
        | Variant::GoSwissNoPrune
        | Variant::GoSwiss127
        | Variant::GoSwiss127Split) => {
            let r = v.swiss_release().expect("a Swiss-map model variant");
            vis.visit(GoSwiss::<GoHash, P>::with_config(
                key, elem, r, hint, seed, GoHash,
            ))
        }
        Variant::Hashbrown | Variant::Std => {
            vis.visit(SwissMap::<P>::new(spec.variant, key, elem, hint, seed)?)
        }
        v @ (Variant::Go119 | Variant::Go126 | Variant::Go127 | Variant::Go127Split) => {
            return Err(format!(
                "`{v}` is the real Go runtime: its cells run in the Go harness (`mapamp run`), not in this process"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_round_trip_and_errors_list_valid_ones() {
        for v in Variant::every() {
            assert_eq!(Variant::parse(v.name()), Ok(v));
        }
        let e = Variant::parse("gomap2").unwrap_err().to_string();
        assert!(
            e.contains("gomap, gomap-slab, gomap-inline, goswiss, goswiss-noprune, goswiss-127, goswiss-127split, hashbrown, std, go1.19, go1.26, go1.27, go1.27split"),
            "{e}"
        );
    }

    #[test]
    fn hints_parse_and_resolve() {
        assert_eq!(HintSpec::parse("none").unwrap().resolve(100), 0);
        assert_eq!(HintSpec::parse("n").unwrap().resolve(100), 100);
        assert_eq!(HintSpec::parse("0.5n").unwrap().resolve(100), 50);
        assert_eq!(HintSpec::parse("2n").unwrap().resolve(100), 200);
        assert_eq!(HintSpec::parse("4096").unwrap().resolve(100), 4096);
        assert!(HintSpec::parse("x").is_err());
        assert!(HintSpec::parse("-1n").is_err());
        for s in ["none", "n", "0.5n", "7"] {
            assert_eq!(HintSpec::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn go_knobs_are_refused_for_swiss_tables() {
        let spec = MapSpec {
            variant: Variant::Hashbrown,
            knobs: Knobs {
                load_factor: 4.0,
                ..Knobs::default()
            },
            hint: 0,
            seed: 1,
        };
        let e = spec.validate().unwrap_err();
        assert!(e.contains("do not apply to `hashbrown`"), "{e}");
    }
}
