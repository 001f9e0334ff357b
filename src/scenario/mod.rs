//! Scenarios: the only place a benchmark workload exists.
//!
//! A scenario defines a *setup* (never measured) and a *measured region*,
//! once, generic over the map under study. Every lens (time, latency,
//! counters, flame graph, callgrind, accounting) and both `cargo bench`
//! suites run the same [`prepare`] + [`Prepared::run`] code.
//!
//! | scenario | setup | measured region | isolates |
//! |---|---|---|---|
//! | `assign` | map presized to 4N, N keys inserted | N new keys, landing in slots | `assign` |
//! | `overflow` | N chains filled to exactly full with crafted keys, preallocated overflow used up | one key per full chain: N writes, each taking a fresh overflow bucket | `overflow` |
//! | `evacuate_double` | filled from N keys up to the next doubling point; the doubling started | Go family: deletes of absent keys (Go's growWork) until evacuation completes; Swiss: the insert that resizes | `evacuate_double` |
//! | `evacuate_same_size` | N keys (Swiss: filled up to just under half capacity) churned until same-size growth (Swiss: in-place rehash) is due; that growth started | as above | `evacuate_same_size` |
//! | `small_to_table` | `goswiss`: a small map holding 8 keys (N does not apply) | the 9th insert | `small_to_table` |
//! | `table_grow` | `goswiss`: one table of c slots filled to its growth point, c the power of two (16–512) that N keys need | the insert that doubles it | `table_grow` |
//! | `table_split` | `goswiss`: N keys (at least 897), then fresh keys up to the next full 1024-slot table, preferring one below the global depth | the insert that splits it | `table_split` |
//! | `insert` | empty map (the configuration's hint) | N inserts | whole workload |
//! | `churn` | N keys inserted | rounds × N/2 (delete one, insert one) | whole workload |
//! | `update` | N keys inserted | N updates of existing keys | whole workload |
//! | `locate` | N keys generated | hash + bucket index of each key | hash × index |
//! | `io` | file made, cache state set, receiver started | the file sent along one path ([`crate::scenario::io`]) | one I/O copy path |
//!
//! On the Go Swiss map (`goswiss`), the classic scenarios mean: `evacuate_double`
//! — the one insert that rehashes a full table, which for N keys is the
//! small map's move (N ≤ 8), a table doubling (N ≤ 448) or a split;
//! `evacuate_same_size` — the insert that prunes tombstones after churn at
//! a constant size (Go 1.26; the 1.24 form has no such path); `overflow`
//! does not apply (no chains: a full group sends the probe on).
//!
//! An isolated scenario proves its isolation: its region's bytes on the
//! path under study, as a share of all bytes written in the region, must
//! reach [`MapCell::isolation_target`] (0.95; lower only where the copy-path
//! definitions of `docs/design/overview.md` make 0.95 impossible, with the reason).

mod any;
mod cell;
mod error;
pub mod io;
pub mod keys;
mod prepare;
mod run;

pub use any::{prepare_any, PreparedLocate, Runnable};
pub use cell::{CellAxes, CellSpec, IoAxes, LocateCell, MapCell};
pub use error::{Inapplicable, ScenarioError, SetupFailure};
pub use keys::{CollidingHash, Keys};
pub use prepare::{map_spec, prepare, scenario_hint, scenario_sets_size, Prepared};
pub use run::{AfterOp, NoTimer, OpHook, OpKind, OpObserver, OpTimer, PerOpTimer, RegionOutcome};

use crate::accounting::{CopyPath, Probe};
use crate::gotype::BucketType;
use crate::variants::{self, MapUnderStudy, Variant, Visit};
use serde::{Deserialize, Serialize};
use strum::VariantArray;

/// The scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::VariantArray, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Scenario {
    /// Slot copies only.
    Assign,
    /// Writes that take fresh overflow buckets.
    Overflow,
    /// Evacuation of a doubling growth.
    EvacuateDouble,
    /// Evacuation of a same-size growth.
    EvacuateSameSize,
    /// Insert N keys into an empty map.
    Insert,
    /// Delete-one/insert-one rounds.
    Churn,
    /// Update existing keys.
    Update,
    /// Hash + bucket index only.
    Locate,
    /// A file sent along one I/O copy path ([`crate::scenario::io`]).
    Io,
    /// Go Swiss map: the 9th key of a small map.
    SmallToTable,
    /// Go Swiss map: a table doubling.
    TableGrow,
    /// Go Swiss map: a 1024-slot table splitting.
    TableSplit,
}

/// The share of a region's bytes an isolated scenario must reach on its
/// path: 0.95, or — where the copy-path definitions (`docs/design/overview.md`) cap the achievable share below
/// that — 95% of the cap, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct IsolationTarget {
    /// The path isolated.
    pub path: CopyPath,
    /// Minimum share (0..1).
    pub share: f64,
    /// Why it is below 0.95, when it is.
    pub reason: Option<String>,
}

impl MapCell {
    /// The path this cell's scenario isolates on its variant (`None` for
    /// whole workloads).
    pub fn isolated_path(&self) -> Option<CopyPath> {
        let path = self.scenario.path()?;
        if !self.variant.is_swiss_design() {
            return Some(path);
        }
        Some(match self.scenario {
            Scenario::EvacuateDouble => {
                let group = crate::gotype::GroupType::new(
                    self.key_shape().ok()?,
                    self.value_shape().ok()?,
                    crate::gotype::GO_MAX_INLINE,
                )
                .group_size;
                let hint = crate::goswiss::effective_hint(self.hint.resolve(self.n), group);
                match swiss_rehash_capacity(self.n, hint) {
                    0 => CopyPath::SmallToTable,
                    c if c < crate::goswiss::table::MAX_TABLE_CAPACITY => CopyPath::TableGrow,
                    _ => CopyPath::TableSplit,
                }
            }
            Scenario::EvacuateSameSize => CopyPath::Prune,
            _ => path,
        })
    }

    /// The isolation target of this cell's scenario (`None` for whole workloads).
    pub fn isolation_target(&self) -> Option<IsolationTarget> {
        let path = self.isolated_path()?;
        if self.variant.is_swiss_design() {
            return swiss_isolation_target(self, path);
        }
        let t = BucketType::new(
            self.key_shape().ok()?,
            self.value_shape().ok()?,
            self.knobs.inline_limit,
        );
        let capped = |cap: f64, why: String| IsolationTarget {
            path,
            share: 0.95 * cap,
            reason: Some(format!(
                "{why}; the best possible share is {cap:.3}, the target 95% of it"
            )),
        };
        Some(match self.scenario {
            Scenario::Overflow => {
                let bucket = t.bucket_size as f64;
                let assign = crate::gomap::layout::assign_bytes(&t) as f64;
                capped(
                    bucket / (bucket + assign),
                    format!(
                        "a write that takes a fresh overflow bucket ({bucket} bytes zeroed) also copies its own entry into it ({assign} bytes on `assign`)"
                    ),
                )
            }
            Scenario::EvacuateDouble
                if !self.variant.is_go_family() && !self.variant.is_real_classic() =>
            {
                // Per old slot: 7/8 of an entry moved, two new control bytes initialised.
                let moved = 0.875 * (self.key_size + self.value_size + 1) as f64;
                capped(
                    moved / (moved + 2.0),
                    "a Swiss-table resize initialises the new table's control bytes in the same step that moves the entries".into(),
                )
            }
            _ => IsolationTarget {
                path,
                share: 0.95,
                reason: None,
            },
        })
    }
}

/// Slots of the table whose rehash a Go Swiss map of `n` keys (made with
/// `hint`, one Go keeps: [`crate::goswiss::effective_hint`]) meets next when filled on: 0 for a small map (its 9th key),
/// else the table's capacity (1024: a split).
pub fn swiss_rehash_capacity(n: usize, hint: usize) -> usize {
    use crate::goswiss::table::MAX_TABLE_CAPACITY;
    // NewMap's tables, or the small map's.
    let (tables, mut cap) = match crate::goswiss::hint_shape(hint) {
        Some(shape) => shape,
        None if n <= 8 => return 0,
        None => (1, 16),
    };
    // Filled on, each table (about n / tables keys) grows until it fits.
    let per_table = n.div_ceil(tables);
    while per_table > cap * 7 / 8 && cap < MAX_TABLE_CAPACITY {
        cap *= 2;
    }
    cap
}

/// The best share a Go Swiss-map region can put on `path`, and 95% of it
/// as the target: a rehash zero-fills a table twice the size (or two) in
/// the same write that moves the entries, and the write itself assigns.
fn swiss_isolation_target(cell: &MapCell, path: CopyPath) -> Option<IsolationTarget> {
    use crate::goswiss::layout::{assign_bytes, moved_bytes};
    let t = crate::gotype::GroupType::new(
        cell.key_shape().ok()?,
        cell.value_shape().ok()?,
        crate::gotype::GO_MAX_INLINE,
    );
    let entry = moved_bytes(&t) as f64;
    let assign = assign_bytes(&t) as f64;
    let fill = |groups: f64| groups * (t.group_size + 8) as f64;
    let (on_path, other, why) = match path {
        CopyPath::SmallToTable => (
            8.0 * entry + 16.0,
            fill(2.0) + assign,
            "the 9th key's write zero-fills the 16-slot table (2 groups) and assigns its own entry"
                .to_string(),
        ),
        CopyPath::TableGrow => {
            let c = match cell.scenario {
                Scenario::TableGrow => table_grow_capacity(cell.n),
                _ => swiss_rehash_capacity(cell.n, cell.hint.resolve(cell.n)),
            } as f64;
            (
                c * 7.0 / 8.0 * entry + 8.0,
                fill(c / 4.0) + assign,
                format!("doubling a {c}-slot table zero-fills the new table's {} groups in the same write", c / 4.0),
            )
        }
        CopyPath::TableSplit => (
            896.0 * entry + 16.0,
            fill(256.0) + assign,
            "a split zero-fills two 1024-slot tables (256 groups) in the same write".to_string(),
        ),
        CopyPath::Prune => {
            let c = swiss_rehash_capacity(cell.n, cell.hint.resolve(cell.n)).max(16) as f64;
            let least = (c / 10.0).ceil();
            (
                least,
                assign,
                format!("a prune frees at least 10% of a {c}-slot table ({least} control bytes) and the write then assigns its entry"),
            )
        }
        _ => (1.0, 0.0, String::new()),
    };
    let cap = on_path / (on_path + other);
    if other == 0.0 {
        return Some(IsolationTarget {
            path,
            share: 0.95,
            reason: None,
        });
    }
    Some(IsolationTarget {
        path,
        share: 0.95 * cap,
        reason: Some(format!(
            "{why}; the best possible share is {cap:.3}, the target 95% of it"
        )),
    })
}

/// The table capacity the `table_grow` scenario doubles for N keys: the
/// power of two (16 to 512) whose growth point is the first at or after N.
pub fn table_grow_capacity(n: usize) -> usize {
    let mut c = 16;
    while c < 512 && n > c * 7 / 8 {
        c *= 2;
    }
    c
}

impl crate::names::Named for Scenario {}

impl Scenario {
    /// Every scenario, in report order.
    pub const ALL: [Scenario; 12] = crate::names::all(Scenario::VARIANTS);

    /// Name in profiles, cell ids and benchmark groups.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Parses a name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<Scenario, crate::names::UnknownName> {
        crate::names::parse(s, "scenario", "valid scenarios")
    }

    /// The copy path a scenario isolates (`None` for whole workloads and locate).
    pub fn path(self) -> Option<CopyPath> {
        match self {
            Scenario::Assign => Some(CopyPath::Assign),
            Scenario::Overflow => Some(CopyPath::Overflow),
            Scenario::EvacuateDouble => Some(CopyPath::EvacuateDouble),
            Scenario::EvacuateSameSize => Some(CopyPath::EvacuateSameSize),
            Scenario::SmallToTable => Some(CopyPath::SmallToTable),
            Scenario::TableGrow => Some(CopyPath::TableGrow),
            Scenario::TableSplit => Some(CopyPath::TableSplit),
            _ => None,
        }
    }

    /// What the measured region does, in words (for reports).
    pub fn region_text(self, variant: Variant) -> &'static str {
        if variant.is_go_swiss() {
            match self {
                Scenario::EvacuateDouble => {
                    return "the one insert that rehashes a full table: the small map's move (N <= 8), a table doubling (N <= 448), else a 1024-slot split"
                }
                Scenario::EvacuateSameSize => {
                    return "the one insert that prunes tombstones of a table filled by churn at constant size"
                }
                _ => {}
            }
        }
        let real_swiss = variant.is_real_swiss();
        match (self, variant.is_go_family(), variant.is_real_classic()) {
            (Scenario::SmallToTable, _, _) => "the 9th insert into a small map: its 8 entries move into a 16-slot table",
            (Scenario::TableGrow, _, _) => "the one insert that doubles a full table",
            (Scenario::TableSplit, _, _) => "the one insert that splits a full 1024-slot table",
            (Scenario::Assign, _, _) => "N inserts of new keys into a map presized to 4N holding N keys",
            (Scenario::Overflow, _, _) => "N inserts, each into a full chain, each taking a fresh overflow bucket",
            (Scenario::EvacuateDouble, true, _) => {
                "deletes of absent keys until the started doubling has evacuated every old bucket (Go's growWork runs on delete)"
            }
            (Scenario::EvacuateDouble, _, true) => {
                "deletes of absent keys until the doubling, started by the setup's last insert, has evacuated every old bucket (Go's growWork runs on delete)"
            }
            (Scenario::EvacuateDouble, _, _) if real_swiss => {
                "the one insert that makes a full table grow (rehash into twice the capacity, or split a 1024-slot table)"
            }
            (Scenario::EvacuateDouble, _, _) => "the one insert that makes the full table resize",
            (Scenario::EvacuateSameSize, true, _) => {
                "deletes of absent keys until the started same-size growth has evacuated every old bucket"
            }
            (Scenario::EvacuateSameSize, _, true) => {
                "deletes of absent keys until the same-size growth, started by the setup's last insert, has evacuated every old bucket"
            }
            (Scenario::EvacuateSameSize, _, _) => "the one insert that makes the tombstone-full table rehash in place",
            (Scenario::Insert, _, _) => "N inserts into an empty map",
            (Scenario::Churn, _, _) => "rounds of N/2 (delete a live key, insert a new key)",
            (Scenario::Update, _, _) => "N updates of existing keys",
            (Scenario::Locate, _, _) => "hash and bucket index of N keys",
            (Scenario::Io, _, _) => "a file sent along one I/O path (the cell's path says how)",
        }
    }

    /// Whether the scenario can run for this variant and key distribution,
    /// and why not.
    pub fn applies(self, variant: Variant, keys: Keys) -> Result<(), Inapplicable> {
        if variant.go_release().is_some() {
            return self.applies_real_go(variant, keys);
        }
        let go = variant.is_go_family();
        let swiss = variant.is_go_swiss();
        match self {
            Scenario::SmallToTable | Scenario::TableGrow | Scenario::TableSplit if !swiss => {
                return Err(Inapplicable::SwissPathOnly {
                    scenario: self,
                    variant,
                })
            }
            Scenario::Overflow if swiss => return Err(Inapplicable::NoChainsSwissModel(variant)),
            Scenario::EvacuateSameSize if variant == Variant::GoSwissNoPrune => {
                return Err(Inapplicable::NoPruneInGo124)
            }
            Scenario::Overflow if !go => return Err(Inapplicable::NoChainsRust(variant)),
            Scenario::Locate => return Err(Inapplicable::LocateInScenarios),
            Scenario::Io => return Err(Inapplicable::IoInScenarios),
            _ => {}
        }
        // Both Go models take a pluggable hasher (colliding keys).
        self.applies_keys(go || swiss, variant, keys)
    }

    /// [`Scenario::applies`] for the real Go runtimes: the classic map
    /// (go1.19) runs every scenario the classic models run; the Swiss map
    /// runs its own paths' scenarios, has no overflow chains and never
    /// grows a table in place.
    fn applies_real_go(self, variant: Variant, keys: Keys) -> Result<(), Inapplicable> {
        let classic = variant.is_real_classic();
        match self {
            Scenario::SmallToTable | Scenario::TableGrow | Scenario::TableSplit if classic => {
                return Err(Inapplicable::SwissPathOnClassic {
                    scenario: self,
                    variant,
                })
            }
            Scenario::Overflow if !classic => return Err(Inapplicable::NoChainsRealSwiss(variant)),
            Scenario::EvacuateSameSize if !classic => {
                return Err(Inapplicable::NoSameSizeRealSwiss(variant))
            }
            Scenario::Locate => return Err(Inapplicable::LocateInScenarios),
            _ => {}
        }
        match keys {
            Keys::Colliding if self != Scenario::Overflow => {
                Err(Inapplicable::CollidingOnRealGo(variant))
            }
            _ => self.applies_keys(true, variant, keys),
        }
    }

    /// The key-distribution rules every variant shares; `go`: the variant
    /// takes a pluggable hasher (the Go models) or crafts colliding keys
    /// itself (the real runtime).
    fn applies_keys(self, go: bool, variant: Variant, keys: Keys) -> Result<(), Inapplicable> {
        match keys {
            Keys::Colliding if !go => Err(Inapplicable::CollidingNeedsHasher(variant)),
            Keys::Colliding
                if matches!(
                    self,
                    Scenario::Assign
                        | Scenario::EvacuateDouble
                        | Scenario::EvacuateSameSize
                        | Scenario::SmallToTable
                        | Scenario::TableGrow
                        | Scenario::TableSplit
                ) =>
            {
                Err(Inapplicable::CollidingNotFor(self))
            }
            Keys::Zipf
                if !matches!(self, Scenario::Insert | Scenario::Update | Scenario::Churn) =>
            {
                Err(Inapplicable::ZipfNotFor(self))
            }
            k if self == Scenario::Overflow && k != Keys::Colliding => {
                Err(Inapplicable::OverflowNeedsColliding)
            }
            _ => Ok(()),
        }
    }
}

/// Code that runs against a prepared cell (the map and its region).
pub trait WithPrepared {
    // (Implementations must not assume a probe type: the caller picks it.)
    /// What it produces.
    type Out;
    /// Runs against the prepared cell.
    fn with<M: MapUnderStudy>(self, prepared: Prepared<M>) -> Self::Out;
}

struct PrepareVisit<'a, W> {
    cell: &'a MapCell,
    then: W,
}

impl<W: WithPrepared> Visit for PrepareVisit<'_, W> {
    type Out = Result<W::Out, ScenarioError>;
    fn visit<M: MapUnderStudy>(self, map: M) -> Self::Out {
        let prepared = prepare::<M>(self.cell, map)?;
        Ok(self.then.with(prepared))
    }
}

/// Builds the cell's map (accounting probe `P`), runs its setup, and hands
/// the prepared cell to `then`.
pub fn prepare_cell<P: Probe, W: WithPrepared>(
    cell: &MapCell,
    then: W,
) -> Result<W::Out, ScenarioError> {
    cell.scenario.applies(cell.variant, cell.keys)?;
    let (spec, hasher) = prepare::map_spec(cell)?;
    variants::build_with::<P, _>(
        &spec,
        cell.key_shape()?,
        cell.value_shape()?,
        hasher,
        PrepareVisit { cell, then },
    )?
}

#[cfg(test)]
mod goswiss_tests {
    use super::*;
    use crate::accounting::Counting;
    use crate::variants::HintSpec;

    /// Every Go Swiss-map isolated scenario reaches its isolation target,
    /// on the path the cell names, for several N and both hint settings.
    #[test]
    fn goswiss_isolated_scenarios_prove_their_isolation() {
        let scenarios = [
            Scenario::SmallToTable,
            Scenario::TableGrow,
            Scenario::TableSplit,
            Scenario::EvacuateDouble,
            Scenario::EvacuateSameSize,
        ];
        for scenario in scenarios {
            for n in [16usize, 300, 2048] {
                for hint in [HintSpec::None, HintSpec::Factor(1.0)] {
                    if hint != HintSpec::None
                        && matches!(
                            scenario,
                            Scenario::SmallToTable | Scenario::TableGrow | Scenario::TableSplit
                        )
                    {
                        continue;
                    }
                    let cell = MapCell {
                        scenario,
                        variant: Variant::GoSwiss,
                        config: "t".into(),
                        knobs: Default::default(),
                        hint,
                        n,
                        keys: Keys::Random,
                        key_size: 8,
                        value_size: 8,
                        key_type: None,
                        value_type: None,
                        churn_rounds: 1,
                        seed: 3,
                        go_runtime: Default::default(),
                    };
                    let target = cell.isolation_target().unwrap();
                    let mut r = prepare_any::<Counting>(&CellSpec::Map(cell.clone()))
                        .unwrap_or_else(|e| panic!("{scenario} n={n} {hint}: {e}"));
                    let before = r.accounting().unwrap();
                    r.run();
                    let a = r.accounting().unwrap().since(&before);
                    let share = a.bytes_written.get(target.path) as f64 / a.total_bytes() as f64;
                    assert!(
                        share >= target.share,
                        "{scenario} n={n} {hint}: {} is {share:.4} of {:?}, target {:.4} ({:?})",
                        target.path,
                        a.bytes_written,
                        target.share,
                        target.reason
                    );
                }
            }
        }
    }
}
