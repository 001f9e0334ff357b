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
use crate::gomap::stats::Structure;
use crate::gomap::Knobs;
use crate::variants::swiss::SwissShape;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of this schema; bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

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
}

/// Verdicts on the claims of the article mapamp started from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimsReport {
    /// One verdict per claim.
    pub claims: Vec<ClaimVerdict>,
}

/// What a claim's measurement found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
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
    pub verdict: Verdict,
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
}

/// The machine a run happened on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// CPU model name.
    pub cpu_model: String,
    /// Logical CPUs.
    pub cores: usize,
    /// Total memory in bytes.
    pub memory_bytes: u64,
    /// Kernel release (`uname -r`).
    pub kernel: String,
    /// Whether hardware performance counters can be read, and why not.
    pub pmu: Availability,
    /// valgrind's version, or why it is unavailable.
    pub valgrind: Availability,
    /// `/proc/sys/kernel/perf_event_paranoid`, if readable.
    pub perf_event_paranoid: Option<i32>,
}

/// Whether a facility is available; `detail` is a version or a reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    /// Usable here.
    pub available: bool,
    /// Version when available, reason when not.
    pub detail: String,
}

/// Toolchain and crate versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Toolchain {
    /// `rustc --version` of the build.
    pub rustc: String,
    /// Target triple.
    pub target: String,
    /// Cargo profile the cells ran under (`release`, ...).
    pub build_profile: String,
    /// Versions of the crates whose behaviour shows in the figures.
    pub crates: BTreeMap<String, String>,
}

/// The axes that define a cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellAxes {
    /// Scenario (`assign`, `overflow`, `evacuate_double`, ..., `insert`, `locate`).
    pub scenario: String,
    /// Variant name (for `locate`: the hash function).
    pub variant: String,
    /// Tuning configuration name (for `locate`: the index method).
    pub config: String,
    /// N: keys of the workload (see the scenario's definition).
    pub n: usize,
    /// Key distribution (`random`, `sequential`, `zipf`, `colliding`; `u64`/`strings` for locate).
    pub keys: String,
    /// Key size in bytes.
    pub key_size: usize,
    /// Value size in bytes.
    pub value_size: usize,
    /// Knob values of the configuration (Go family).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knobs: Option<Knobs>,
    /// Size hint as written in the configuration (`none`, `n`, `2n`, a number).
    pub hint: String,
    /// Bucket count (locate cells only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buckets: Option<usize>,
    /// The io axes (io cells only; `n` is then the file size and `keys` the target).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io: Option<IoAxes>,
}

/// The axes of an io cell ([`crate::io`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IoAxes {
    /// Path (`read_write`, `mmap_write`, `sendfile`, `splice`, `io_uring`).
    pub path: String,
    /// Target (`tcp`, `pipe`).
    pub target: String,
    /// Page-cache state (`warm`, `cold`).
    pub cache: String,
    /// File size, bytes.
    pub file_bytes: u64,
    /// Bytes per request asked for.
    pub buffer_bytes: u64,
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
    /// Figures per lens.
    pub lenses: Lenses,
}

/// A lens's figures, or why there are none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Lens<T> {
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

impl<T> Lens<T> {
    /// The figures, if the lens ran.
    pub fn ok(&self) -> Option<&T> {
        match self {
            Lens::Ok(t) => Some(t),
            _ => None,
        }
    }

    /// Whether the lens was not asked for (or does not apply).
    pub fn is_skipped(&self) -> bool {
        matches!(self, Lens::Skipped { .. })
    }

    /// Why there are no figures, if there are none.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Lens::Ok(_) => None,
            Lens::Unavailable { unavailable } => Some(unavailable),
            Lens::Skipped { skipped } => Some(skipped),
        }
    }
}

/// All lenses of a cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lenses {
    /// Copy accounting (always runs).
    pub accounting: Lens<AccountingFigures>,
    /// Wall-clock time per operation.
    pub time: Lens<TimeFigures>,
    /// Per-operation latency distribution.
    pub latency: Lens<LatencyFigures>,
    /// perf-event counters, each a value or a reason.
    pub counters: Lens<BTreeMap<String, Counter>>,
    /// Sampling profile.
    pub flamegraph: Lens<FlamegraphFigures>,
    /// callgrind instruction counts and simulated cache misses.
    pub callgrind: Lens<CallgrindFigures>,
    /// The io lens (io cells only): delivery, system calls, copies per
    /// byte, CPU user/system, faults, context switches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io: Option<Lens<crate::io::IoFigures>>,
}

/// A measured value with its unit and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// The value.
    pub value: f64,
    /// Unit (`bytes`, `ns`, `events`, `instructions`...).
    pub unit: String,
    /// Source: `model-accounting`, `derived-accounting`, `wall-clock`,
    /// `perf-hw`, `perf-sw`, `callgrind-sim`, `callgrind`.
    pub source: String,
}

/// One perf-event counter: a measured value, or why it is unavailable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Counter {
    /// Counted.
    Value {
        /// Total over the measured region (scaled if multiplexed).
        value: f64,
        /// Unit (`events`, `ns`).
        unit: String,
        /// `perf-hw` or `perf-sw`.
        source: String,
        /// Per operation of the measured region.
        per_op: f64,
        /// `time_running / time_enabled` when the counter was multiplexed (< 1), else absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        multiplexed: Option<f64>,
    },
    /// Not countable here.
    Unavailable {
        /// Why (no PMU, perf_event_paranoid, unsupported event...).
        unavailable: String,
    },
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
    /// Allocations the modelled design makes in the region.
    pub model_allocations: u64,
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

/// Wall-clock time of the measured region (accounting off).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeFigures {
    /// Median over samples of ns per operation.
    pub ns_per_op: f64,
    /// 95% bootstrap confidence interval of that median: low end.
    pub ci_low: f64,
    /// High end.
    pub ci_high: f64,
    /// Every sample's ns per operation (for rank tests in `compare`).
    pub samples_ns_per_op: Vec<f64>,
    /// Operations per sample.
    pub ops_per_sample: u64,
    /// Warm-up time before sampling, ms.
    pub warmup_ms: u64,
    /// Operations per second at the median.
    pub ops_per_s: f64,
    /// Payload bytes per second at the median (`null` without payload).
    pub payload_bytes_per_s: Option<f64>,
    /// Always `off`: timing runs with accounting compiled out.
    pub accounting: String,
}

/// Distribution of single-operation latencies over the measured region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyFigures {
    /// Operations timed.
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

/// A sampling profile of the measured region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlamegraphFigures {
    /// Flame graph SVG, relative to the report folder.
    pub svg: String,
    /// Folded stacks, relative to the report folder.
    pub folded: String,
    /// pprof protobuf (gzip), relative to the report folder.
    pub pprof: String,
    /// Samples inside the measured region.
    pub samples: u64,
    /// Sampling frequency, Hz.
    pub frequency_hz: u32,
    /// Time spent repeating the region, ms.
    pub duration_ms: u64,
    /// Fewer samples than needed for a readable profile (the threshold is in `min_samples`).
    pub too_few_samples: bool,
    /// The threshold used for `too_few_samples`.
    pub min_samples: u64,
}

/// callgrind's figures for the measured region only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallgrindFigures {
    /// Instructions executed (Ir).
    pub ir: u64,
    /// Ir per operation.
    pub ir_per_op: f64,
    /// Simulated L1 data read misses (D1mr).
    pub d1_read_misses: u64,
    /// Simulated L1 data write misses (D1mw).
    pub d1_write_misses: u64,
    /// Simulated last-level data read misses (DLmr).
    pub ll_read_misses: u64,
    /// Simulated last-level data write misses (DLmw).
    pub ll_write_misses: u64,
    /// Data cache misses at the last level, reads + writes, with source `callgrind-sim`.
    pub cache_misses: Measured,
    /// callgrind's output file, relative to the report folder.
    pub out_file: String,
}
