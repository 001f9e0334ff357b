//! The profile file as written: serde structs with spans, so every error
//! can name the file, line and column it comes from.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

/// A list-valued axis: the list's span and each element's.
pub type Axis<T> = Spanned<Vec<Spanned<T>>>;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    /// What the profile is for.
    pub description: Option<Spanned<String>>,
    /// The matrix of map cells.
    pub axes: Spanned<RawAxes>,
    /// Named tuning configurations, in file order.
    #[serde(default)]
    pub configs: IndexMap<String, Spanned<RawConfig>>,
    /// The locate matrix.
    pub locate: Option<Spanned<RawLocate>>,
    /// Which lenses run.
    pub lenses: Option<Spanned<RawLenses>>,
    /// Time budgets.
    pub budget: Option<Spanned<RawBudget>>,
    /// The claims section of the report.
    pub claims: Option<Spanned<RawClaims>>,
    /// The I/O copy-path matrix.
    pub io: Option<Spanned<super::io::RawIo>>,
}

/// `[axes]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAxes {
    /// Scenarios.
    pub scenario: Axis<String>,
    /// Variants.
    pub variant: Axis<String>,
    /// N values.
    pub n: Axis<i64>,
    /// Key distributions.
    pub keys: Axis<String>,
    /// Key sizes in bytes (`[size/8]uint64`); or `key`.
    pub key_size: Option<Axis<i64>>,
    /// Value sizes in bytes; or `value`.
    pub value_size: Option<Axis<i64>>,
    /// Key types by Go name (`int64`, `int32`, `string`); or `key_size`.
    pub key: Option<Axis<String>>,
    /// Value types by Go name (`struct{}`, `bool`); or `value_size`.
    pub value: Option<Axis<String>>,
}

/// `[configs.<name>]`: knob values; absent knobs keep Go's value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// What the configuration is.
    pub description: Option<String>,
    /// Load factor.
    pub load_factor: Option<Spanned<f64>>,
    /// Evacuation batch: a number or `"all"`.
    pub evacuate_batch: Option<Spanned<toml::Value>>,
    /// Inline limit in bytes.
    pub inline_limit: Option<Spanned<i64>>,
    /// Overflow preallocation.
    pub overflow_prealloc: Option<Spanned<bool>>,
    /// Size hint: `"none"`, `"n"`, `"2n"`, or a number.
    pub hint: Option<Spanned<toml::Value>>,
    /// GOGC of the real-Go variants: a percentage or `"off"`.
    pub gogc: Option<Spanned<toml::Value>>,
    /// GOMEMLIMIT of the real-Go variants: `"512MiB"`, `"off"`, ...
    pub gomemlimit: Option<Spanned<String>>,
}

/// `[locate]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLocate {
    /// Hash functions.
    pub hash: Axis<String>,
    /// Index methods.
    pub index: Axis<String>,
    /// Key kinds.
    pub keys: Axis<String>,
    /// Keys per cell.
    pub n: Axis<i64>,
    /// Bucket counts.
    pub buckets: Axis<i64>,
}

/// `[lenses]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLenses {
    /// Lens names.
    pub enabled: Axis<String>,
}

/// `[budget]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBudget {
    /// Child processes per cell for the time and latency lenses.
    pub time_processes: Option<Spanned<i64>>,
    /// Timed samples per process.
    pub time_samples: Option<Spanned<i64>>,
    /// Warm-up per process, ms.
    pub warmup_ms: Option<Spanned<i64>>,
    /// Wall-clock budget of one process's samples, ms.
    pub time_ms: Option<Spanned<i64>>,
    /// Samples the flame graph lens aims for per cell.
    pub flamegraph_samples: Option<Spanned<i64>>,
    /// Wall-clock cap of profiling one cell, ms.
    pub flamegraph_ms: Option<Spanned<i64>>,
    /// Sampling frequency, Hz.
    pub flamegraph_hz: Option<Spanned<i64>>,
    /// Rounds of the churn scenario.
    pub churn_rounds: Option<Spanned<i64>>,
    /// Seed of every cell.
    pub seed: Option<Spanned<i64>>,
    /// criterion's measurement time per benchmark, ms (`cargo bench`).
    pub criterion_ms: Option<Spanned<i64>>,
    /// criterion's sample count (`cargo bench`).
    pub criterion_samples: Option<Spanned<i64>>,
    /// Operations the write timeline records per cell.
    pub timeline_writes: Option<Spanned<i64>>,
}

/// `[claims]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClaims {
    /// Whether the report includes the claims section.
    pub enabled: Spanned<bool>,
    /// Quick (smaller) measurements.
    #[serde(default)]
    pub quick: bool,
}
