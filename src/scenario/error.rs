//! Why a scenario cannot run a cell: a rule of the scenario that the
//! variant, keys or types break ([`Inapplicable`], found when a profile is
//! expanded), or a setup that could not bring the map to the state its
//! region needs ([`SetupFailure`], found when the cell is prepared).

use super::Scenario;
use crate::gomap::GrowKind;
use crate::goswiss::Rehash;
use crate::variants::Variant;

/// Every way preparing a cell can fail.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario does not apply to the cell.
    #[error(transparent)]
    Inapplicable(#[from] Inapplicable),
    /// The cell's key or value type.
    #[error(transparent)]
    Type(#[from] crate::gotype::TypeError),
    /// A key and value type the real-Go harness does not run.
    #[error(transparent)]
    HarnessType(#[from] crate::goconfig::HarnessTypeError),
    /// The map could not be built.
    #[error(transparent)]
    Build(#[from] crate::variants::BuildError),
    /// The setup did not reach the state the region needs.
    #[error(transparent)]
    Setup(#[from] SetupFailure),
    /// A locate cell's hash, index or bucket count.
    #[error(transparent)]
    Locate(#[from] crate::locate::LocateError),
    /// An io cell's file, page cache, target or receiver.
    #[error(transparent)]
    Io(#[from] super::io::IoError),
}

/// A scenario rule the cell's variant, keys or types break; each message
/// says which variants, keys or scenarios the rule allows.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Inapplicable {
    /// A Swiss-map path asked of a model without one.
    #[error("`{scenario}` is a path of Go's Swiss map (goswiss, goswiss-noprune, goswiss-127, goswiss-127split); `{variant}` has no such path")]
    SwissPathOnly {
        /// The scenario.
        scenario: Scenario,
        /// The variant.
        variant: Variant,
    },
    /// A Swiss-map path asked of the real classic runtime.
    #[error("`{scenario}` is a path of Go's Swiss map (Go 1.24+: goswiss, goswiss-noprune, goswiss-127, goswiss-127split, go1.26, go1.27); `{variant}` runs the classic map")]
    SwissPathOnClassic {
        /// The scenario.
        scenario: Scenario,
        /// The variant.
        variant: Variant,
    },
    /// `overflow` on a Swiss-map model.
    #[error("`overflow` needs overflow chains; `{0}` has none (a full group sends the probe to the next group)")]
    NoChainsSwissModel(Variant),
    /// `overflow` on one of Rust's tables.
    #[error("`overflow` needs overflow chains; `{0}` has none (Go-family variants only)")]
    NoChainsRust(Variant),
    /// `overflow` on the real Swiss runtime.
    #[error("`overflow` needs overflow chains; Go's Swiss map (`{0}`) has none: a full table grows or splits")]
    NoChainsRealSwiss(Variant),
    /// `evacuate_same_size` on Go 1.24's Swiss map.
    #[error("`evacuate_same_size` maps to tombstone pruning on a Swiss map, which Go 1.24 (goswiss-noprune) does not have: its tables grow instead (see churn)")]
    NoPruneInGo124,
    /// `evacuate_same_size` on the real Swiss runtime.
    #[error("Go's Swiss map (`{0}`) has no same-size growth: a table never rehashes in place (deleted slots are pruned in place, or the table grows)")]
    NoSameSizeRealSwiss(Variant),
    /// `locate` in the scenario list.
    #[error("`locate` cells are defined in the profile's [locate] table")]
    LocateInScenarios,
    /// `io` in the scenario list.
    #[error("`io` cells are defined in the profile's [io] table")]
    IoInScenarios,
    /// Colliding keys on a variant that hashes on its own.
    #[error("keys = colliding needs the pluggable hasher of the Go-family models; `{0}` hashes on its own")]
    CollidingNeedsHasher(Variant),
    /// Colliding keys on the real runtime, other than `overflow`'s.
    #[error("keys = colliding needs the models' pluggable hasher; on the real runtime (`{0}`) only `overflow` crafts colliding keys (through the runtime's own hasher)")]
    CollidingOnRealGo(Variant),
    /// Colliding keys on a scenario that sizes its own map.
    #[error("keys = colliding does not apply to `{0}` (use `overflow` for crafted chains)")]
    CollidingNotFor(Scenario),
    /// Zipf keys on a scenario without repeated writes.
    #[error(
        "keys = zipf (a hot set of repeated keys) applies to insert, update and churn, not `{0}`"
    )]
    ZipfNotFor(Scenario),
    /// `overflow` with keys other than colliding.
    #[error("`overflow` always uses crafted colliding keys; list `colliding` in keys")]
    OverflowNeedsColliding,
    /// A type that is not a `[W]uint64` on one of Rust's tables.
    #[error("`{variant}` is Rust's own typed table, built for [W]uint64 keys and values of 8 to 256 bytes; `{ty}` is not one")]
    RustTableType {
        /// The variant.
        variant: Variant,
        /// The type's Go name.
        ty: String,
    },
    /// A key type with fewer values than the cell's distinct keys.
    #[error("`{ty}` keys have {values} values at most (bool: 2); this cell needs {distinct} distinct keys")]
    TooFewKeyValues {
        /// The key type's Go name.
        ty: String,
        /// How many values it has (capped at 2^56).
        values: usize,
        /// Distinct keys the cell needs.
        distinct: usize,
    },
}

/// A setup that did not reach its region's state. Most are bugs in a
/// scenario's sizing (the message says so); the rest name the input to
/// change.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SetupFailure {
    /// `overflow` with N = 0.
    #[error("overflow needs N >= 1")]
    OverflowNeedsKeys,
    /// No bucket array keeps the chains under the growth triggers.
    #[error("no bucket count fits N = {n} at load factor {load_factor}")]
    NoBucketCountFits {
        /// N.
        n: usize,
        /// The load factor.
        load_factor: f64,
    },
    /// Filling to the doubling point met a same-size growth.
    #[error("a same-size growth became due while filling to the doubling point")]
    SameSizeWhileFilling,
    /// Filling never made a doubling due.
    #[error("no doubling became due while filling; is the map presized far beyond N?")]
    NoDoublingDue,
    /// Churn at a constant size made a doubling due.
    #[error("a doubling became due during churn at constant size")]
    DoublingDuringChurn,
    /// Churn never made a same-size growth due.
    #[error("same-size growth did not become due within {ops} churn operations at N = {n}; use a larger N")]
    NoSameSizeDue {
        /// Operations tried.
        ops: usize,
        /// N.
        n: usize,
    },
    /// Fresh keys never led to the wanted rehash.
    #[error("no rehash of the wanted kind within 4M inserts")]
    NoRehashWithin4M,
    /// Another rehash came first.
    #[error("the setup met a {met:?} rehash before the one it prepares ({wanted:?}); this is a bug in the scenario's sizing")]
    RehashBeforeWanted {
        /// The rehash met.
        met: Rehash,
        /// The rehashes the scenario prepares.
        wanted: Vec<Rehash>,
    },
    /// Pruning churn ran out of live keys.
    #[error("prune needs live keys")]
    PruneNeedsKeys,
    /// Churn never made a pruning due.
    #[error("no tombstone pruning became due within {ops} churn operations")]
    NoPruneDue {
        /// Operations tried.
        ops: usize,
    },
    /// A growth of the other kind started.
    #[error("expected a {expected:?} growth, {started:?} started")]
    WrongGrowth {
        /// The growth the scenario prepares.
        expected: GrowKind,
        /// The growth that started.
        started: GrowKind,
    },
    /// `overflow` on a design without buckets.
    #[error("overflow needs a bucket design")]
    OverflowNeedsBuckets,
    /// Too few buckets to use up the preallocated overflow tail.
    #[error("not enough spare buckets to use up the preallocated overflow tail")]
    NotEnoughSpareBuckets,
    /// The preallocated overflow tail was left partly free.
    #[error(
        "the preallocated overflow tail was not used up; this is a bug in the scenario's setup"
    )]
    PreallocLeft,
    /// The overflow setup made a growth due.
    #[error("overflow setup would trigger growth; this is a bug in the scenario's sizing")]
    OverflowWouldGrow,
    /// A `locate` or `io` cell given to the map setup.
    #[error("{0} cells are prepared by the {0} module")]
    NotAMapCell(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_rule_and_what_it_allows() {
        let e = ScenarioError::from(Inapplicable::SwissPathOnly {
            scenario: Scenario::TableGrow,
            variant: Variant::GoMap,
        });
        assert_eq!(
            e.to_string(),
            "`table_grow` is a path of Go's Swiss map (goswiss, goswiss-noprune, goswiss-127, goswiss-127split); `gomap` has no such path"
        );
        let e = ScenarioError::from(SetupFailure::WrongGrowth {
            expected: GrowKind::Double,
            started: GrowKind::SameSize,
        });
        assert_eq!(e.to_string(), "expected a Double growth, SameSize started");
        assert_eq!(
            SetupFailure::NotAMapCell("locate").to_string(),
            "locate cells are prepared by the locate module"
        );
    }
}
