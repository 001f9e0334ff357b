//! Dispatch: a runtime choice of variant, knobs and key/value shapes
//! becomes one concrete map, handed to a [`Visit`] (compiled per map type,
//! for measured regions) or boxed as an [`AnyMap`] (compiled once).

use super::swiss::SwissMap;
use super::{AnyMap, MapUnderStudy, Variant};
use crate::accounting::Probe;
use crate::gomap::{GoHeap, GoMap, InlineFirst, KnobError, Knobs, Slab};
use crate::goswiss::{GoHash, GoSwiss};
use crate::gotype::Shape;
use crate::hash::{CollidingHash, SeededHash};

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
    pub fn validate(&self) -> Result<(), SpecError> {
        self.knobs.validate()?;
        if !self.variant.is_go_family() && self.knobs != Knobs::default() {
            return Err(SpecError::KnobsDoNotApply(self.variant));
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
) -> Result<Vis::Out, BuildError> {
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
/// for every map type (see [`ErasedMap`](super::ErasedMap)).
pub fn build_any<P: Probe>(
    spec: &MapSpec,
    key: Shape,
    elem: Shape,
    hasher: HasherChoice,
) -> Result<AnyMap, BuildError> {
    build_with::<P, Erase>(spec, key, elem, hasher, Erase)
}

/// [`build`], the map boxed ([`AnyMap`]): `vis` is compiled once, not once
/// per map type. For visits that run no measured region.
pub fn build_boxed<P: Probe, Vis: Visit>(
    spec: &MapSpec,
    key: Shape,
    elem: Shape,
    vis: Vis,
) -> Result<Vis::Out, BuildError> {
    Ok(vis.visit(build_any::<P>(spec, key, elem, HasherChoice::Seeded)?))
}

/// [`build`] with a choice of hasher.
pub fn build_with<P: Probe, Vis: Visit>(
    spec: &MapSpec,
    key: Shape,
    elem: Shape,
    hasher: HasherChoice,
    vis: Vis,
) -> Result<Vis::Out, BuildError> {
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
                GoMap::<CollidingHash, P, InlineFirst>::with_config(
                    key, elem, knobs, hint, seed, h,
                ),
            )),
            v => match v.swiss_release() {
                Some(r) => Ok(vis.visit(GoSwiss::<CollidingHash, P>::with_config(
                    key, elem, r, hint, seed, h,
                ))),
                None => Err(BuildError::NoPluggableHasher(v)),
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
            return Err(BuildError::RealGo(v))
        }
    })
}

/// Knobs that are invalid, or that do not apply to the variant.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// A knob out of its range.
    #[error(transparent)]
    Knob(#[from] KnobError),
    /// Go-model knobs other than Go's defaults on a variant they do not
    /// apply to.
    #[error(
        "the Go-model knobs (load factor, evacuate batch, inline limit, overflow prealloc) do not apply to `{0}`; they apply to {families}",
        families = go_family_names()
    )]
    KnobsDoNotApply(Variant),
}

/// The variants the Go-model knobs apply to, `, `-separated.
fn go_family_names() -> String {
    Variant::ALL
        .iter()
        .filter(|v| v.is_go_family())
        .map(|v| v.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A map [`build_with`] cannot build in this process.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BuildError {
    /// The spec's knobs.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// Crafted collisions asked of a variant that hashes on its own.
    #[error("crafted colliding keys need the Go-family models' pluggable hasher; `{0}` hashes on its own")]
    NoPluggableHasher(Variant),
    /// A real-Go variant: the Go harness runs it.
    #[error("`{0}` is the real Go runtime: its cells run in the Go harness (`mapamp run`), not in this process")]
    RealGo(Variant),
    /// A key or value size no table of mapamp models.
    #[error(transparent)]
    Size(#[from] crate::gotype::TypeError),
    /// A key or value shape other than `[n]uint64`, which the Rust
    /// reference tables store only.
    #[error("the `{variant}` reference table stores [n]uint64 {what}s only, not {shape:?}")]
    NotWords {
        /// The reference table.
        variant: Variant,
        /// `key` or `value`.
        what: &'static str,
        /// The shape asked for.
        shape: Shape,
    },
    /// A reference table asked of a variant that is none.
    #[error("`{0}` is not a Swiss reference table")]
    NotReference(Variant),
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let e = spec.validate().unwrap_err().to_string();
        assert_eq!(
            e,
            "the Go-model knobs (load factor, evacuate batch, inline limit, overflow prealloc) do not apply to `hashbrown`; they apply to gomap, gomap-slab, gomap-inline"
        );
    }

    #[test]
    fn build_refuses_what_this_process_cannot_build() {
        struct Len;
        impl Visit for Len {
            type Out = usize;
            fn visit<M: MapUnderStudy>(self, map: M) -> usize {
                map.len()
            }
        }
        let u64s = Shape::words(1);
        let spec = |variant| MapSpec {
            variant,
            knobs: Knobs::default(),
            hint: 0,
            seed: 1,
        };
        let real = build::<crate::accounting::Counting, _>(&spec(Variant::Go126), u64s, u64s, Len);
        assert_eq!(real, Err(BuildError::RealGo(Variant::Go126)));
        let colliding = build_with::<crate::accounting::Counting, _>(
            &spec(Variant::Std),
            u64s,
            u64s,
            HasherChoice::Colliding(CollidingHash::FewBuckets),
            Len,
        );
        assert_eq!(colliding, Err(BuildError::NoPluggableHasher(Variant::Std)));
        assert_eq!(
            build::<crate::accounting::Counting, _>(&spec(Variant::GoMap), u64s, u64s, Len),
            Ok(0)
        );
    }

    #[test]
    fn reference_tables_refuse_shapes_they_cannot_store() {
        type Map = SwissMap<crate::accounting::Counting>;
        let u64s = Shape::words(1);
        let message = |e: BuildError| crate::error::chain(&e);
        let e = Map::new(Variant::Std, Shape::words(3), u64s, 0, 1)
            .err()
            .unwrap();
        assert_eq!(
            message(e),
            "key size 24 is not supported; valid sizes (bytes): 8, 16, 32, 64, 128, 256"
        );
        let string = Shape {
            size: 16,
            align: 8,
            pointers: true,
        };
        let e = Map::new(Variant::Hashbrown, u64s, string, 0, 1)
            .err()
            .unwrap();
        assert_eq!(
            message(e),
            "the `hashbrown` reference table stores [n]uint64 values only, not Shape { size: 16, align: 8, pointers: true }"
        );
        let e = Map::new(Variant::GoMap, u64s, u64s, 0, 1).err().unwrap();
        assert_eq!(message(e), "`gomap` is not a Swiss reference table");
    }
}
