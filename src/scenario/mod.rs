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
//! | `insert` | empty map (the configuration's hint) | N inserts | whole workload |
//! | `churn` | N keys inserted | rounds × N/2 (delete one, insert one) | whole workload |
//! | `update` | N keys inserted | N updates of existing keys | whole workload |
//! | `locate` | N keys generated | hash + bucket index of each key | hash × index |
//! | `io` | file made, cache state set, receiver started | the file sent along one path ([`crate::io`]) | one I/O copy path |
//!
//! An isolated scenario proves its isolation: its region's bytes on the
//! path under study, as a share of all bytes written in the region, must
//! reach [`Scenario::isolation_target`] (0.95; lower only where SPEC's
//! definitions make 0.95 impossible, with the reason).

mod any;
mod cell;
pub mod keys;
mod prepare;
mod run;

pub use any::{prepare_any, PreparedLocate, Runnable};
pub use cell::{CellSpec, LocateCell, MapCell};
pub use keys::{CollidingHash, Keys};
pub use prepare::{map_spec, prepare, Prepared};
pub use run::{NoTimer, OpTimer, PerOpTimer, RegionOutcome};

use crate::accounting::{CopyPath, Probe};
use crate::gotype::{BucketType, Shape};
use crate::variants::{self, MapUnderStudy, Variant, Visit};
use serde::{Deserialize, Serialize};

/// The scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// A file sent along one I/O copy path ([`crate::io`]).
    Io,
}

/// The share of a region's bytes an isolated scenario must reach on its
/// path: 0.95, or — where SPEC's definitions cap the achievable share below
/// that — 95% of the cap, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct IsolationTarget {
    /// Minimum share (0..1).
    pub share: f64,
    /// Why it is below 0.95, when it is.
    pub reason: Option<String>,
}

impl MapCell {
    /// The isolation target of this cell's scenario (`None` for whole workloads).
    pub fn isolation_target(&self) -> Option<IsolationTarget> {
        self.scenario.path()?;
        let t = BucketType::new(
            Shape::blob("key", self.key_size).ok()?,
            Shape::blob("value", self.value_size).ok()?,
            self.knobs.inline_limit,
        );
        let capped = |cap: f64, why: String| IsolationTarget {
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
            Scenario::EvacuateDouble if !self.variant.is_go_family() => {
                // Per old slot: 7/8 of an entry moved, two new control bytes initialised.
                let moved = 0.875 * (self.key_size + self.value_size + 1) as f64;
                capped(
                    moved / (moved + 2.0),
                    "a Swiss-table resize initialises the new table's control bytes in the same step that moves the entries".into(),
                )
            }
            _ => IsolationTarget {
                share: 0.95,
                reason: None,
            },
        })
    }
}

impl Scenario {
    /// Every scenario, in report order.
    pub const ALL: [Scenario; 9] = [
        Scenario::Assign,
        Scenario::Overflow,
        Scenario::EvacuateDouble,
        Scenario::EvacuateSameSize,
        Scenario::Insert,
        Scenario::Churn,
        Scenario::Update,
        Scenario::Locate,
        Scenario::Io,
    ];

    /// Name in profiles, cell ids and benchmark groups.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Assign => "assign",
            Scenario::Overflow => "overflow",
            Scenario::EvacuateDouble => "evacuate_double",
            Scenario::EvacuateSameSize => "evacuate_same_size",
            Scenario::Insert => "insert",
            Scenario::Churn => "churn",
            Scenario::Update => "update",
            Scenario::Locate => "locate",
            Scenario::Io => "io",
        }
    }

    /// Parses a name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<Scenario, String> {
        Scenario::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown scenario `{s}`; valid scenarios: {}",
                    Scenario::ALL.map(|x| x.name()).join(", ")
                )
            })
    }

    /// The copy path a scenario isolates (`None` for whole workloads and locate).
    pub fn path(self) -> Option<CopyPath> {
        match self {
            Scenario::Assign => Some(CopyPath::Assign),
            Scenario::Overflow => Some(CopyPath::Overflow),
            Scenario::EvacuateDouble => Some(CopyPath::EvacuateDouble),
            Scenario::EvacuateSameSize => Some(CopyPath::EvacuateSameSize),
            _ => None,
        }
    }

    /// What the measured region does, in words (for reports).
    pub fn region_text(self, variant: Variant) -> &'static str {
        match (self, variant.is_go_family()) {
            (Scenario::Assign, _) => "N inserts of new keys into a map presized to 4N holding N keys",
            (Scenario::Overflow, _) => "N inserts, each into a full chain, each taking a fresh overflow bucket",
            (Scenario::EvacuateDouble, true) => {
                "deletes of absent keys until the started doubling has evacuated every old bucket (Go's growWork runs on delete)"
            }
            (Scenario::EvacuateDouble, false) => "the one insert that makes the full table resize",
            (Scenario::EvacuateSameSize, true) => {
                "deletes of absent keys until the started same-size growth has evacuated every old bucket"
            }
            (Scenario::EvacuateSameSize, false) => "the one insert that makes the tombstone-full table rehash in place",
            (Scenario::Insert, _) => "N inserts into an empty map",
            (Scenario::Churn, _) => "rounds of N/2 (delete a live key, insert a new key)",
            (Scenario::Update, _) => "N updates of existing keys",
            (Scenario::Locate, _) => "hash and bucket index of N keys",
            (Scenario::Io, _) => "a file sent along one I/O path (the cell's path says how)",
        }
    }

    /// Whether the scenario can run for this variant and key distribution,
    /// and why not.
    pub fn applies(self, variant: Variant, keys: Keys) -> Result<(), String> {
        let go = variant.is_go_family();
        match self {
            Scenario::Overflow if !go => {
                return Err(format!(
                "`overflow` needs overflow chains; `{variant}` has none (Go-family variants only)"
            ))
            }
            Scenario::Locate => {
                return Err("`locate` cells are defined in the profile's [locate] table".into())
            }
            Scenario::Io => return Err("`io` cells are defined in the profile's [io] table".into()),
            _ => {}
        }
        match keys {
            Keys::Colliding if !go => Err(format!(
                "keys = colliding needs the pluggable hasher of the Go-family models; `{variant}` hashes on its own"
            )),
            Keys::Colliding if matches!(self, Scenario::Assign | Scenario::EvacuateDouble | Scenario::EvacuateSameSize) => {
                Err(format!("keys = colliding does not apply to `{}` (use `overflow` for crafted chains)", self.name()))
            }
            Keys::Zipf if !matches!(self, Scenario::Insert | Scenario::Update | Scenario::Churn) => Err(format!(
                "keys = zipf (a hot set of repeated keys) applies to insert, update and churn, not `{}`",
                self.name()
            )),
            k if self == Scenario::Overflow && k != Keys::Colliding => {
                Err("`overflow` always uses crafted colliding keys; list `colliding` in keys".into())
            }
            _ => Ok(()),
        }
    }
}

impl std::fmt::Display for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
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
    type Out = Result<W::Out, String>;
    fn visit<M: MapUnderStudy>(self, map: M) -> Self::Out {
        let prepared = prepare::<M>(self.cell, map)?;
        Ok(self.then.with(prepared))
    }
}

/// Builds the cell's map (accounting probe `P`), runs its setup, and hands
/// the prepared cell to `then`.
pub fn prepare_cell<P: Probe, W: WithPrepared>(cell: &MapCell, then: W) -> Result<W::Out, String> {
    cell.scenario.applies(cell.variant, cell.keys)?;
    let (spec, hasher) = prepare::map_spec(cell)?;
    variants::build_with::<P, _>(
        &spec,
        Shape::blob("key", cell.key_size)?,
        Shape::blob("value", cell.value_size)?,
        hasher,
        PrepareVisit { cell, then },
    )?
}
