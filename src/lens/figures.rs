//! The figures the lenses produce. The report schema
//! ([`crate::report::schema`]) writes them as they are; they live here so
//! the lenses depend on nothing above them.

use serde::{Deserialize, Serialize};

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
    /// Sampling frequency asked for, Hz.
    pub frequency_hz: u32,
    /// What raised the samples: `perf_event cpu-clock (user space)` or
    /// `setitimer ITIMER_PROF` (the fallback, capped by the kernel's tick).
    pub sampler: String,
    /// Why the perf event could not be used, when the fallback ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampler_fallback: Option<String>,
    /// Time spent inside the region while sampling, ms.
    pub duration_ms: u64,
    /// Wall-clock time of the whole profile (copies of the prepared state included), ms.
    pub wall_ms: u64,
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
