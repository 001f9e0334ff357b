//! The catalogue: every variant mapamp knows, its name, what it is, and
//! which copy paths and knobs apply to it.

use crate::accounting::CopyPath;
use crate::goswiss::Release;
use serde::{Deserialize, Serialize};
use strum::VariantArray;

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
}
