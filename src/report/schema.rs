//! The report schema: what `mapamp run` writes to `report.json` and what
//! `mapamp compare` and the renderers read. Serde structs only, no logic
//! beyond small accessors: analysis never formats, reports never compute.
//!
//! Versioned by [`SCHEMA_VERSION`]; readers refuse other versions with a
//! clear error. Every measured figure says where it came from
//! ([`Measured::source`]) and in what unit.
//!
//! Minimum JSON shape other tools rely on:
//! `cells[i].id`, `cells[i].lenses.accounting.write_amplification`,
//! `cells[i].lenses.accounting.bytes_written.<path>`,
//! `cells[i].lenses.time.ns_per_op`, `cells[i].lenses.callgrind.ir`,
//! `cells[i].lenses.flamegraph.svg` (relative to the report folder),
//! `cells[i].lenses.counters.<name>` = `{value, unit, source}` or
//! `{unavailable: reason}`. A lens that did not produce figures is
//! `{unavailable: reason}` (could not run here) or `{skipped: reason}`
//! (not asked for, or not applicable to the cell).

use crate::accounting::{Exactness, PathBytes};
use crate::gomap::structure::Structure;
use crate::variants::swiss::SwissShape;
use serde::{Deserialize, Serialize};

// Types the lower layers own and the report writes as they are: the
// machine's facts, the lenses' figures, a cell's axes, a profile's
// same-setup pairs.
pub use crate::lens::figures::{CallgrindFigures, Counter, FlamegraphFigures, Measured};
pub use crate::machine::{Availability, Machine, Toolchain};
pub use crate::profile::SameSetup;
pub use crate::scenario::{CellAxes, IoAxes};
use std::collections::BTreeMap;

/// Version of this schema; bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

// Version history:
// 1. first release.
// 2. time and latency from several processes per cell (`time.processes`,
//    `latency.processes`, the drift-cancelled `time.vs_reference`), the
//    run's measured A/A noise floor (`noise`), the interleaved schedule
//    (`run.schedule`), the flame graph's sampler, `same_setup_as`.
// Additions that older readers ignore and older reports lack (no version
// bump: optional, absent means "not computed"): `findings`, `evolution`.

/// A whole run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// Version of mapamp that wrote the report.
    pub mapamp_version: String,
    /// What was run, when.
    pub run: RunInfo,
    /// The machine it ran on.
    pub machine: Machine,
    /// Compiler and crate versions.
    pub toolchain: Toolchain,
    /// One entry per cell, in profile order.
    pub cells: Vec<CellReport>,
    /// Verdicts on the source article's claims, when the profile asks for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<ClaimsReport>,
    /// The run's own A/A noise: how far identical work measured twice moves.
    pub noise: LensReport<NoiseFloor>,
    /// Whole workloads, every configuration against the baseline one: the
    /// answer the report opens with. Absent in reports of older builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<Findings>,
    /// Go releases against each other per key and value type, when the run
    /// has cells of two releases or more with the same axes. Absent in
    /// reports of older builds and of runs it does not apply to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evolution: Option<super::evolution::Evolution>,
}

/// Every whole-workload cell (insert, churn, update, ...) against the cell
/// of the baseline configuration with the same other axes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    /// The configuration the others are judged against (`go-default`).
    pub baseline: String,
    /// Significance level of the process-level test on time.
    pub alpha: f64,
    /// Relative change of ns/op at or below which no time difference is
    /// called: the practical threshold, or the run's noise floor when larger.
    pub threshold: f64,
    /// The run's measured A/A noise floor, when it was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_floor: Option<f64>,
    /// One entry per whole workload, in report order.
    pub workloads: Vec<WorkloadFindings>,
}

/// The findings of one whole workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkloadFindings {
    /// The scenario (`insert`, `churn`, `update`).
    pub workload: String,
    /// Its cells, in report order.
    pub rows: Vec<FindingRow>,
}

/// One whole-workload cell's headline figures and its verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    /// The cell id.
    pub cell: String,
    /// Variant.
    pub variant: String,
    /// Configuration.
    pub config: String,
    /// The other axes, for reading (`n=2048 random k8v8`).
    pub setting: String,
    /// Write amplification (accounting), when measured and defined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_amplification: Option<f64>,
    /// Bytes written per operation (accounting), when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_op: Option<f64>,
    /// ns per operation (time lens), when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns_per_op: Option<f64>,
    /// Against the baseline configuration's cell (absent for the baseline's
    /// own cells and where the run has no baseline cell to match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vs_baseline: Option<VsBaseline>,
}

/// A cell against its baseline cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VsBaseline {
    /// The baseline cell's id.
    pub baseline_cell: String,
    /// The baseline's write amplification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_write_amplification: Option<f64>,
    /// The baseline's bytes per operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_bytes_per_op: Option<f64>,
    /// The baseline's ns per operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_ns_per_op: Option<f64>,
    /// The copy path whose bytes changed most (by absolute bytes), with
    /// its bytes in the baseline and in this cell: `(path, baseline, this)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub largest_path_change: Option<(String, u64, u64)>,
    /// ns/op change, this over the baseline − 1 (medians of process medians).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_change: Option<f64>,
    /// Two-sided p of the Mann–Whitney test over process medians.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// `faster`, `slower` or `same` (significant at `alpha` and beyond the
    /// threshold), or why time was not judged.
    pub time_verdict: String,
    /// The finding in one sentence, generated from the figures above.
    pub sentence: String,
}

/// How the time lens's processes were scheduled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// Processes per cell for the time and latency lenses (`budget.time_processes`).
    pub time_processes: usize,
    /// Seed of the shuffle: round k runs every cell once, in the order
    /// `Rng::new(seed ^ k)` shuffles them to.
    pub seed: u64,
    /// `interleaved`: rounds of all cells, each round in its own order.
    pub order: String,
}

/// The run's A/A noise floor, measured from the run itself.
///
/// Each cell's time processes are split into two halves (even and odd
/// process index, so both halves span the whole run); the halves are two
/// independent measurements of identical work. `floor` is the 95th
/// percentile over cells of |halves' change|, scaled by 1/√2 to the spread
/// of two full cells (a half has half the processes). Separately, every
/// pair of cells that did identical work (same bytes on every copy path,
/// same instruction count, and the same page faults where counted) is
/// tested as `compare` would test it: `false_differences` of
/// `identical_pairs` got `better` or `worse`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoiseFloor {
    /// Relative change of `ns_per_op` below which `compare` never calls a
    /// time difference (a fraction: 0.05 = 5%).
    pub floor: f64,
    /// The same for the drift-cancelled figure (`time.vs_reference`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_vs_reference: Option<f64>,
    /// Cells whose halves were compared.
    pub cells: usize,
    /// Median |halves' change| over those cells (unscaled), for reading.
    pub median_half_change: f64,
    /// How the floor was computed, in words.
    pub method: String,
    /// Cell pairs that did identical work, each tested as `compare` tests time.
    pub identical_pairs: Vec<AaPair>,
    /// Of those, how many got `better` or `worse` from the process-level
    /// test alone (before the floor).
    pub false_differences: usize,
    /// Of those, how many still would with the floor applied.
    pub false_differences_after_floor: usize,
    /// Pairs with the same bytes and instruction count whose regions took
    /// different page faults: the kernel zero-fills fresh pages for one and
    /// not the other, so they are not identical work and their time may
    /// really differ. Tested all the same, not counted above.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub page_fault_pairs: Vec<AaPair>,
    /// Why no identical-work pairs were tested, when none were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identical_pairs_note: Option<String>,
}

/// One pair of cells that did identical work, compared on time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AaPair {
    /// The earlier cell (report order).
    pub a: String,
    /// The later one.
    pub b: String,
    /// Relative change of `ns_per_op`, B against A.
    pub change: f64,
    /// Two-sided p of the process-level Mann–Whitney test.
    pub p_value: f64,
    /// `same`, `better` or `worse` from the test and the practical
    /// threshold alone (no floor).
    pub verdict: String,
    /// Page faults of one region run of each (A, B), when the counters
    /// lens counted them on both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_faults: Option<(f64, f64)>,
}

/// Verdicts on the claims of the article mapamp started from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimsReport {
    /// One verdict per claim.
    pub claims: Vec<ClaimVerdict>,
}

/// What a claim's measurement found (named apart from
/// [`crate::compare::schema::Verdict`], the finding of a comparison).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimOutcome {
    /// The measurement supports the claim.
    Holds,
    /// The measurement contradicts it.
    DoesNotHold,
    /// It cannot be measured here (the reason says why).
    NotTestableHere,
}

/// One claim, its figures and the verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimVerdict {
    /// Short stable id (`growth-doubles`, `fnv1a-entropy`, ...).
    pub id: String,
    /// The claim, as the article puts it.
    pub claim: String,
    /// The verdict.
    pub verdict: ClaimOutcome,
    /// How the verdict follows from the figures (or why it cannot be tested).
    pub reason: String,
    /// The figures measured.
    pub figures: Vec<ClaimFigure>,
}

/// A figure behind a verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimFigure {
    /// What it is.
    pub name: String,
    /// The value, formatted for reading.
    pub value: String,
    /// Where it came from (`model-accounting`, `locate`, `inspect`...).
    pub source: String,
}

/// What was run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Run name (the report folder's name).
    pub name: String,
    /// Profile name.
    pub profile: String,
    /// The profile file's text, verbatim.
    pub profile_toml: String,
    /// Lenses asked for.
    pub lenses: Vec<String>,
    /// Start, RFC 3339 UTC.
    pub started_at: String,
    /// End, RFC 3339 UTC (of the last cell written).
    pub finished_at: String,
    /// The command line that produced the report.
    pub command: String,
    /// How the time lens's processes were scheduled.
    pub schedule: Schedule,
    /// The machine's 1-, 5- and 15-minute load averages when the run
    /// started and when it ended (`/proc/loadavg`): above the number of
    /// CPUs, other programs competed for them while times were taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_average: Option<LoadAverage>,
    /// `K/N` when the run was shard K of N (`mapamp run --shard`): its
    /// cells are a deterministic 1/N of the profile's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// The shard runs a merged report was made from (`mapamp merge`), in
    /// the order given; empty for a report written by `mapamp run`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<MergedRun>,
}

/// One run folder a merged report took its cells from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MergedRun {
    /// The folder, as given to `mapamp merge`.
    pub folder: String,
    /// Its shard (`K/N`), if it was a shard run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Cells it contributed.
    pub cells: usize,
    /// When it started and ended (RFC 3339 UTC).
    pub started_at: String,
    /// End.
    pub finished_at: String,
    /// Seed of its time processes' order (each shard interleaves its own cells).
    pub schedule_seed: u64,
    /// The CPU it ran on and its logical cores (shards may run on different machines).
    pub cpu: String,
    /// Load averages at its start and end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_average: Option<LoadAverage>,
}

/// Load averages at the start and the end of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadAverage {
    /// When the run started (a resumed run: when it first started).
    pub start: [f64; 3],
    /// When the report was written.
    pub end: [f64; 3],
}

/// Everything measured for one cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellReport {
    /// Stable, file-name-safe cell id (also the bench id and compare key).
    pub id: String,
    /// The cell's axes.
    pub axes: CellAxes,
    /// Units the measured region is normalised by (see `ops_unit`).
    pub ops: u64,
    /// What a unit is: `writes`, `operations`, `entries evacuated`, `locates`.
    #[serde(default)]
    pub ops_unit: String,
    /// What the measured region does, in words.
    pub measured_region: String,
    /// Another cell of the run whose setup and region are the same as this
    /// one's (the configuration differs in a knob the scenario overrides),
    /// and why; such a pair is kept on purpose as an A/A control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_setup_as: Option<SameSetup>,
    /// Figures per lens.
    pub lenses: Lenses,
}

/// One lens's entry in a cell's report: its figures, or why there are none.
/// (Not to be confused with [`crate::profile::LensKind`], which names a
/// lens in a profile, nor with the [`crate::lens`] module, which measures.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LensReport<T> {
    /// The lens ran.
    Ok(T),
    /// The lens could not run here (missing tool, no PMU...).
    Unavailable {
        /// Why.
        unavailable: String,
    },
    /// The lens was not asked for or does not apply.
    Skipped {
        /// Why.
        skipped: String,
    },
}

impl<T> LensReport<T> {
    /// A lens that could not run, for `reason`.
    pub fn unavailable(reason: impl Into<String>) -> LensReport<T> {
        LensReport::Unavailable {
            unavailable: reason.into(),
        }
    }

    /// The figures, or the lens unavailable with the error's message and
    /// its chain ([`crate::error::chain`]) as the reason.
    pub fn from_result<E: std::error::Error + 'static>(r: Result<T, E>) -> LensReport<T> {
        r.map_or_else(
            |e| LensReport::unavailable(crate::error::chain(&e)),
            LensReport::Ok,
        )
    }

    /// The figures, if the lens ran.
    pub fn ok(&self) -> Option<&T> {
        match self {
            LensReport::Ok(t) => Some(t),
            _ => None,
        }
    }

    /// Whether the lens was not asked for (or does not apply).
    pub fn is_skipped(&self) -> bool {
        matches!(self, LensReport::Skipped { .. })
    }

    /// Why there are no figures, if there are none.
    pub fn reason(&self) -> Option<&str> {
        match self {
            LensReport::Ok(_) => None,
            LensReport::Unavailable { unavailable } => Some(unavailable),
            LensReport::Skipped { skipped } => Some(skipped),
        }
    }
}

/// All lenses of a cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lenses {
    /// Copy accounting (always runs).
    pub accounting: LensReport<AccountingFigures>,
    /// Wall-clock time per operation.
    pub time: LensReport<TimeFigures>,
    /// Per-operation latency distribution.
    pub latency: LensReport<LatencyFigures>,
    /// perf-event counters, each a value or a reason.
    pub counters: LensReport<BTreeMap<String, Counter>>,
    /// Sampling profile.
    pub flamegraph: LensReport<FlamegraphFigures>,
    /// callgrind instruction counts and simulated cache misses.
    pub callgrind: LensReport<CallgrindFigures>,
    /// The io lens (io cells only): delivery, system calls, copies per
    /// byte, CPU user/system, faults, context switches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io: Option<LensReport<crate::scenario::io::IoFigures>>,
    /// The Go runtime's own figures (real-Go cells only): allocations and
    /// GC from runtime/metrics, the map's runtime structure.
    #[serde(
        default = "not_real_go",
        skip_serializing_if = "LensReport::is_skipped"
    )]
    pub go_runtime: LensReport<GoRuntimeFigures>,
    /// The write timeline (whole-workload map cells only): per operation
    /// its latency, bytes per path and map events; see [`crate::timeline`].
    #[serde(
        default = "no_timeline",
        skip_serializing_if = "LensReport::is_skipped"
    )]
    pub timeline: LensReport<crate::timeline::TimelineFigures>,
}

/// The `timeline` of a cell that has none.
pub fn no_timeline<T>() -> LensReport<T> {
    LensReport::Skipped {
        skipped: NO_TIMELINE.to_string(),
    }
}

/// Why a cell has no write timeline.
pub const NO_TIMELINE: &str =
    "the write timeline is recorded for whole-workload map cells (insert, churn, update)";

fn not_real_go() -> LensReport<GoRuntimeFigures> {
    LensReport::Skipped {
        skipped: NOT_REAL_GO.to_string(),
    }
}

/// The reason of a `go_runtime` lens that does not apply.
pub const NOT_REAL_GO: &str = "not a real-Go cell";

/// What the Go runtime itself counted over a real-Go cell's timed regions
/// (each on a fresh map, hence a fresh hash seed: the spread is the
/// runtime's seed-to-seed spread).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoRuntimeFigures {
    /// `runtime.Version()` of the harness (e.g. `go1.19.8`).
    pub go_version: String,
    /// GOGC the process ran with (`default` when unset: 100).
    pub gogc: String,
    /// GOMEMLIMIT the process ran with (`default` when unset: none).
    pub gomemlimit: String,
    /// GOMAXPROCS of the process.
    pub gomaxprocs: u32,
    /// Regions measured.
    pub samples: u64,
    /// Heap bytes allocated per operation (B/op), mean over the regions;
    /// source `go-runtime-metrics`.
    pub heap_bytes_per_op: Measured,
    /// Heap allocations per operation (allocs/op), mean over the regions.
    pub allocs_per_op: Measured,
    /// `/gc/heap/allocs:bytes` per region.
    pub heap_bytes: Spread,
    /// `/gc/heap/allocs:objects` per region.
    pub heap_objects: Spread,
    /// `/gc/heap/tiny/allocs:objects` per region.
    pub tiny_allocs: Spread,
    /// `/gc/cycles/total:gc-cycles` per region.
    pub gc_cycles: Spread,
    /// `/cpu/classes/gc/total:cpu-seconds` per region (Go 1.20+).
    pub gc_cpu_seconds: LensReport<Spread>,
    /// The map after one region run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structure: Option<GoMapStructure>,
}

/// A figure measured once per region: mean, extremes and every value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
    /// Every value, in sample order.
    pub values: Vec<f64>,
    /// Unit.
    pub unit: String,
    /// Source (`go-runtime-metrics`).
    pub source: String,
}

/// A real Go map's runtime structure (the Go module's `mapstats.Snapshot`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoMapStructure {
    /// The Go release that was read.
    pub go_version: String,
    /// `classic` or `swiss`.
    pub design: String,
    /// `len(m)`.
    pub len: usize,
    /// The classic map's current bucket array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classic: Option<GoClassicStructure>,
    /// The Swiss map's directory and tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swiss: Option<GoSwissStructure>,
}

/// A classic map's structure: the model's [`Structure`] fields, read from
/// the runtime, plus the growth's progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoClassicStructure {
    /// The statistics of the current bucket array.
    #[serde(flatten)]
    pub structure: Structure,
    /// Main buckets of the array being evacuated (0 when not growing).
    pub old_buckets: usize,
    /// The evacuation mark.
    pub nevacuate: usize,
}

/// A Swiss map's structure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoSwissStructure {
    /// Entries.
    pub used: usize,
    /// A small map: one group, no table.
    pub small: bool,
    /// Directory length (0 for a small map).
    pub dir_len: usize,
    /// log2 of the directory length.
    pub global_depth: u32,
    /// Bytes of a group.
    pub group_bytes: u64,
    /// Slots of all tables.
    pub capacity: usize,
    /// Deleted slots of all tables.
    pub tombstones: usize,
    /// The tables, in directory order.
    pub tables: Vec<GoSwissTable>,
}

/// One table of a Swiss map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoSwissTable {
    /// First directory index pointing to it.
    pub index: usize,
    /// Slots.
    pub capacity: usize,
    /// Entries.
    pub used: usize,
    /// Inserts into empty slots left before it grows.
    pub growth_left: usize,
    /// Deleted slots.
    pub tombstones: usize,
    /// Hash bits its entries share.
    pub local_depth: u32,
}

/// Bytes the measured region wrote, per copy path, and related counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountingFigures {
    /// Exact (instrumented) or derived (Swiss tables).
    pub exactness: Exactness,
    /// Key + value bytes of the writes asked for in the measured region.
    pub payload_bytes: u64,
    /// Bytes written per path in the measured region.
    pub bytes_written: PathBytes,
    /// Sum of `bytes_written`.
    pub total_bytes: u64,
    /// `total_bytes / payload_bytes` (`null` when the region writes no payload).
    pub write_amplification: Option<f64>,
    /// `total_bytes / ops`.
    pub bytes_per_op: f64,
    /// How isolated the region is: the scenario's path and its share of the bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolation: Option<Isolation>,
    /// Allocations the modelled design makes in the region (real-Go cells:
    /// the allocations of the map's structures, derived from its changes).
    pub model_allocations: u64,
    /// Bytes of those allocations, rounded as the modelled allocator rounds
    /// them (the model's prediction of Go's heap bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_allocated_bytes: Option<u64>,
    /// Real heap allocations in the region (counting allocator), if installed.
    pub heap_allocations: Option<u64>,
    /// Real heap bytes requested in the region.
    pub heap_bytes: Option<u64>,
    /// Doubling growths started in the region.
    pub doubling_grows: u64,
    /// Same-size growths started in the region.
    pub same_size_grows: u64,
    /// Entries moved by evacuation in the region.
    pub entries_evacuated: u64,
    /// Overflow buckets from preallocated tails.
    pub overflow_prealloc_taken: u64,
    /// Overflow buckets allocated (or from a slab).
    pub overflow_fresh_taken: u64,
    /// Bucket structure after the region (Go family).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structure: Option<Structure>,
    /// Table shape after the region (Swiss tables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swiss: Option<SwissShape>,
}

/// The isolation of a copy-path scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Isolation {
    /// The path the scenario isolates.
    pub path: String,
    /// Its share of the region's bytes (0..1).
    pub share: f64,
    /// The share the scenario must reach (0.95, or a lower floor with a reason).
    pub target: f64,
    /// Why the target is below 0.95, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Isolation {
    /// The isolation of `cell`'s scenario from the region's bytes per
    /// path (`None` for scenarios that isolate no path).
    pub fn of(cell: &crate::scenario::MapCell, bytes: &PathBytes) -> Option<Isolation> {
        let total = bytes.total();
        cell.isolation_target().map(|t| {
            // The path the cell isolates on its variant (a Swiss map's
            // evacuate_double isolates the rehash it makes).
            let path = t.path;
            Isolation {
                path: path.name().into(),
                share: if total == 0 {
                    0.0
                } else {
                    bytes.get(path) as f64 / total as f64
                },
                target: t.share,
                reason: t.reason,
            }
        })
    }
}

/// Wall-clock time of the measured region (accounting off), from several
/// processes: the process is the unit of replication.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeFigures {
    /// The median over processes of each process's median ns per operation.
    pub ns_per_op: f64,
    /// 95% confidence interval of `ns_per_op` from a hierarchical bootstrap
    /// (processes resampled, then samples within each): low end.
    pub ci_low: f64,
    /// High end.
    pub ci_high: f64,
    /// Each process's samples and figures, in process order.
    pub processes: Vec<ProcessTime>,
    /// The drift-cancelled figure: ns per operation over the reference
    /// workload's ns per reference operation, timed in the same processes.
    pub vs_reference: Option<RelativeTime>,
    /// Operations per sample.
    pub ops_per_sample: u64,
    /// Warm-up time at the start of each process, ms.
    pub warmup_ms: u64,
    /// Operations per second at `ns_per_op`.
    pub ops_per_s: f64,
    /// Payload bytes per second at `ns_per_op` (`null` without payload).
    pub payload_bytes_per_s: Option<f64>,
    /// Always `off`: timing runs with accounting compiled out.
    pub accounting: String,
}

/// One process's time samples.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessTime {
    /// Process index: the schedule's round (0-based).
    pub process: usize,
    /// Position of the cell in that round (0-based).
    pub slot: usize,
    /// Every sample's ns per operation (each a fresh setup and one region).
    pub samples_ns_per_op: Vec<f64>,
    /// Their median.
    pub median_ns_per_op: f64,
    /// The reference workload's ns per reference operation, one timing
    /// before each sample.
    pub reference_ns: Vec<f64>,
    /// Median over samples of (sample ns per operation / the reference's
    /// ns per key timed just before it); `null` (NaN) when the process timed
    /// no reference (a real-Go cell's process is the Go harness).
    #[serde(deserialize_with = "null_as_nan")]
    pub vs_reference: f64,
    /// Samples redone because the scheduler preempted the process during
    /// them (their time included another program's).
    #[serde(default)]
    pub redone: usize,
}

/// A number written as `null` when it was NaN (serde_json writes NaN so).
fn null_as_nan<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// A time relative to the reference workload timed in the same processes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelativeTime {
    /// Which reference workload (its id changes whenever its code does).
    pub reference: String,
    /// Median over processes of `vs_reference`.
    pub ratio: f64,
    /// 95% hierarchical bootstrap interval: low end.
    pub ci_low: f64,
    /// High end.
    pub ci_high: f64,
}

/// Distribution of single-operation latencies over the measured region,
/// one timed region per process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyFigures {
    /// The cell's figures: percentiles and mean are medians over processes,
    /// `max_ns` the largest of any process.
    #[serde(flatten)]
    pub summary: Latency,
    /// Each process's figures, in process order.
    pub processes: Vec<ProcessLatency>,
}

/// Single-operation latencies of one region run (or their summary over processes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Operations timed (per process).
    pub ops: u64,
    /// Median, ns.
    pub p50_ns: f64,
    /// 99th percentile, ns.
    pub p99_ns: f64,
    /// 99.9th percentile, ns.
    pub p999_ns: f64,
    /// Largest, ns.
    pub max_ns: f64,
    /// Mean, ns.
    pub mean_ns: f64,
    /// Cost of reading the clock twice, ns (subtracted from nothing; for judging small figures).
    pub timer_overhead_ns: f64,
}

/// One process's latencies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessLatency {
    /// Process index (the schedule's round).
    pub process: usize,
    /// Its figures.
    #[serde(flatten)]
    pub latency: Latency,
}
