//! Profiles: the configuration matrix of `profiles/*.toml`.
//!
//! A profile names the axes to sweep (scenario, variant, N, key
//! distribution, key size, value size), the tuning configurations to compare
//! (knob values; absent knobs keep Go's), the locate matrix, the lenses to
//! run and the time budgets. [`load`] parses and validates it; every error
//! names the file, line and column, and the valid choices. [`Profile::cells`]
//! expands it into cells, with the reason for every combination that does
//! not apply (e.g. `overflow` on a Swiss table).
//!
//! ```toml
//! description = "seconds: every copy path at small N"
//! [axes]
//! scenario = ["assign", "overflow", "evacuate_double", "evacuate_same_size", "insert"]
//! variant = ["gomap", "gomap-slab", "hashbrown"]
//! n = [4096]
//! keys = ["random"]
//! key_size = [8]
//! value_size = [8]
//! [configs.go-default]
//! [configs.presized]
//! hint = "n"
//! [lenses]
//! enabled = ["accounting", "time", "latency", "counters", "flamegraph", "callgrind"]
//! ```

mod cells;
mod error;
pub mod io;
mod load;
mod memory;
mod parse;
mod raw;

pub use cells::{same_setup, Cells, SameSetup, Skipped};
pub use error::ProfileError;
pub use load::{load, load_named, resolve};
pub use parse::parse;

use crate::goconfig::GoRuntimeKnobs;
use crate::gomap::Knobs;
use crate::gotype::GoType;
use crate::locate::{HashFn, IndexFn, KeyKind};
use crate::scenario::{Keys, Scenario};
use crate::variants::{HintSpec, Variant};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use strum::VariantArray;

/// The lenses a profile can enable (`docs/design/overview.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::VariantArray, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum LensKind {
    /// Bytes per copy path (always on).
    Accounting,
    /// Wall-clock time per operation.
    Time,
    /// Per-operation latency distribution.
    Latency,
    /// perf-event counters.
    Counters,
    /// Sampling profile and flame graph.
    Flamegraph,
    /// callgrind instruction counts and simulated cache misses.
    Callgrind,
}

impl crate::names::Named for LensKind {}

impl LensKind {
    /// Every lens, in report order.
    pub const ALL: [LensKind; 6] = crate::names::all(LensKind::VARIANTS);

    /// Name in profiles and on the command line.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Parses a name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<LensKind, crate::names::UnknownName> {
        crate::names::parse(s, "lens", "valid lenses")
    }
}

/// A named tuning configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TuningConfig {
    /// Name (an id segment: letters, digits, `.`, `_`, `-`).
    pub name: String,
    /// What it is.
    pub description: String,
    /// Knob values.
    pub knobs: Knobs,
    /// Size hint.
    pub hint: HintSpec,
    /// Knobs of the Go runtime (real-Go variants only).
    #[serde(default)]
    pub go_runtime: GoRuntimeKnobs,
}

impl TuningConfig {
    /// Whether the configuration sets Go-model knobs (then it applies to
    /// Go-family variants only).
    pub fn sets_go_knobs(&self) -> bool {
        self.knobs != Knobs::default()
    }
}

/// The `[locate]` matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocateAxes {
    /// Hash functions.
    pub hash: Vec<HashFn>,
    /// Index methods.
    pub index: Vec<IndexFn>,
    /// Key kinds.
    pub keys: Vec<KeyKind>,
    /// Keys per cell.
    pub n: Vec<usize>,
    /// Bucket counts.
    pub buckets: Vec<u64>,
}

/// Time budgets and other run parameters.
///
/// Time trades for precision here: a cell's time comes from
/// `time_processes` child processes (the unit of replication: more
/// processes narrow its interval and let `compare` resolve smaller
/// changes; each costs a process start, a warm-up and its samples), each
/// taking `time_samples` samples (more samples steady each process's
/// median, but cannot remove what is fixed per process).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// Child processes per cell for the time and latency lenses, run in
    /// interleaved rounds.
    pub time_processes: usize,
    /// Timed samples per process (each a fresh setup + one region run).
    pub time_samples: usize,
    /// Warm-up at the start of each time process, ms.
    pub warmup_ms: u64,
    /// Wall-clock budget of one process's samples, ms (at least 3 samples).
    pub time_ms: u64,
    /// Samples the flame graph lens aims for per cell.
    pub flamegraph_samples: u64,
    /// Wall-clock cap of profiling one cell, ms.
    pub flamegraph_ms: u64,
    /// Profiler frequency, Hz.
    pub flamegraph_hz: u32,
    /// Rounds of the churn scenario.
    pub churn_rounds: usize,
    /// Seed of every cell.
    pub seed: u64,
    /// criterion measurement time per benchmark, ms.
    pub criterion_ms: u64,
    /// criterion samples per benchmark.
    pub criterion_samples: usize,
    /// Operations the write timeline records per whole-workload cell (0:
    /// no timeline); see [`crate::timeline`].
    pub timeline_writes: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            time_processes: 9,
            time_samples: 10,
            warmup_ms: 50,
            time_ms: 3000,
            flamegraph_samples: 1000,
            flamegraph_ms: 3000,
            flamegraph_hz: crate::lens::flamegraph::DEFAULT_FREQUENCY_HZ,
            churn_rounds: 2,
            seed: 1,
            criterion_ms: 1000,
            criterion_samples: 10,
            timeline_writes: 100_000,
        }
    }
}

/// A validated profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Name (the file stem).
    pub name: String,
    /// Where it was read from.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// What it is for.
    pub description: String,
    /// Scenarios.
    pub scenarios: Vec<Scenario>,
    /// Variants.
    pub variants: Vec<Variant>,
    /// N values.
    pub ns: Vec<usize>,
    /// Key distributions.
    pub keys: Vec<Keys>,
    /// Key types: `[W]uint64` of each `key_size` (`go: None`), or the Go
    /// types `key` names.
    pub key_types: Vec<TypeChoice>,
    /// Value types, likewise from `value_size` or `value`.
    pub value_types: Vec<TypeChoice>,
    /// Tuning configurations, in file order.
    pub configs: Vec<TuningConfig>,
    /// The locate matrix.
    pub locate: Option<LocateAxes>,
    /// The I/O copy-path matrix.
    pub io: Option<io::IoAxes>,
    /// Lenses to run.
    pub lenses: Vec<LensKind>,
    /// Budgets.
    pub budget: Budget,
    /// Whether the report includes the claims section (and quick mode).
    pub claims: Option<bool>,
    /// Where inputs are written (for memory errors).
    #[serde(skip)]
    lines: Lines,
}

/// One value of a profile's key or value axis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeChoice {
    /// Size in bytes.
    pub size: usize,
    /// The Go type when the profile names one (`key = ["int32"]`); `None`
    /// for a `key_size`/`value_size` (`[size/8]uint64`).
    pub go: Option<GoType>,
}

/// Lines of the size inputs, so an error can point at the one to blame.
#[derive(Clone, Debug, Default, PartialEq)]
struct Lines {
    /// Each `axes.n` value.
    n: Vec<usize>,
    /// Each configuration's `hint` (by configuration name).
    hint: Vec<(String, usize)>,
    /// Each `locate.n` value.
    locate_n: Vec<usize>,
    /// Each `locate.buckets` value.
    locate_buckets: Vec<usize>,
}
