//! The comparison schema: what `mapamp compare` writes to `compare.json` and
//! what its Markdown, HTML and terminal renderers read. Serde structs only:
//! the figures are computed in [`super::metrics`], [`crate::stats`] and
//! [`super::flame`], never here and never in a renderer.
//!
//! Versioned by [`COMPARE_SCHEMA_VERSION`], independently of the run
//! report's schema. Fractions (`share_a`, `change`, thresholds) are plain
//! fractions (0.02 = 2%); renderers print them as percentages.

use crate::report::schema::LensReport;
use serde::{Deserialize, Serialize};

/// Version of `compare.json`; bump on any incompatible change.
pub const COMPARE_SCHEMA_VERSION: u32 = 2;

/// A whole comparison, as written to `compare.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareReport {
    /// Always [`COMPARE_SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// Version of mapamp that compared.
    pub mapamp_version: String,
    /// The two sides.
    pub inputs: Inputs,
    /// The thresholds every verdict used.
    pub thresholds: Thresholds,
    /// The CI gate (`--fail-on-regression`), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
    /// Metrics compared, in order.
    pub metrics: Vec<String>,
    /// One entry per matched cell, ordered by compare id.
    pub cells: Vec<CellComparison>,
    /// Selected cells that have no partner on the other side.
    pub unmatched: Unmatched,
    /// Counts per metric and the largest changes.
    pub summary: Summary,
}

/// Side A (before) and side B (after).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// The baseline.
    pub a: InputInfo,
    /// The candidate; deltas are B − A.
    pub b: InputInfo,
}

/// One side of a comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputInfo {
    /// The argument as given (`<dir>` or `<dir>#config=<name>`).
    pub arg: String,
    /// Short label: the folder's name plus the selector, if any.
    pub label: String,
    /// The report folder.
    pub path: String,
    /// The selector, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<SelectorInfo>,
    /// `run.name` of the report.
    pub run_name: String,
    /// `run.profile` of the report.
    pub profile: String,
    /// `mapamp_version` of the report.
    pub mapamp_version: String,
    /// Cells of the report.
    pub cells_in_report: usize,
    /// Cells left after the selector.
    pub cells_selected: usize,
    /// The report's measured noise floor for `ns_per_op` (a fraction), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_floor: Option<f64>,
    /// The same for the drift-cancelled figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_floor_vs_reference: Option<f64>,
    /// What a reader must know about this side's figures (a criterion
    /// baseline: time only, one process, and the rule its time verdicts got).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `#key=value` after a report folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectorInfo {
    /// `config` or `variant`.
    pub key: String,
    /// The configuration or variant name.
    pub value: String,
}

/// The thresholds behind the verdicts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Significance level of the process-level Mann–Whitney U test on time.
    pub alpha: f64,
    /// Smallest relative change of the time figure that counts (practical
    /// significance); the runs' noise floor raises it where larger.
    pub time_practical: f64,
    /// Smallest relative change of p99 latency that counts (no samples to test).
    pub latency_ratio: f64,
    /// Smallest relative change of a hardware counter (`perf-hw`) that counts.
    pub hw_counter_ratio: f64,
    /// Relative tolerance under which exact figures stored as floats
    /// (WA, bytes/op, Ir/op) are equal: float rounding, not measurement noise.
    pub exact_rel_tolerance: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            alpha: crate::stats::replicates::ALPHA,
            time_practical: crate::stats::replicates::PRACTICAL,
            latency_ratio: 0.10,
            hw_counter_ratio: 0.10,
            exact_rel_tolerance: 1e-9,
        }
    }
}

/// The CI gate and what it found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gate {
    /// `--fail-on-regression`, as a fraction.
    pub fail_on_regression: f64,
    /// `worse` rows whose relative change exceeds it.
    pub regressions: Vec<Change>,
}

/// A verdict on one metric of one cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// B is lower (all metrics: lower is better) beyond noise.
    Better,
    /// B is higher beyond noise.
    Worse,
    /// No difference beyond noise (or none at all, for exact figures).
    Same,
    /// Both sides have figures but not comparable ones (e.g. cache misses
    /// from different sources); `reason` says why.
    Incomparable,
    /// A side has no figure (lens unavailable or skipped); `reason` says why.
    Unavailable,
}

impl Verdict {
    /// The name used in JSON and reports.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Same => "same",
            Verdict::Incomparable => "incomparable",
            Verdict::Unavailable => "unavailable",
        }
    }
}

/// Which rule decided a verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Exact figures: any difference counts.
    Exact,
    /// Mann–Whitney U on time samples of one process per side, plus the
    /// practical threshold (reports of schema 1; no longer used).
    MannWhitney,
    /// Mann–Whitney U over the process values of each side (process
    /// medians, or process ratios to the reference), plus the larger of
    /// the practical threshold and the runs' noise floor.
    ProcessMannWhitney,
    /// No samples: non-overlapping 95% confidence intervals, plus the practical threshold.
    CiOverlap,
    /// One figure per side: the relative change must exceed a threshold.
    RatioThreshold,
    /// A real-Go side gives one figure per region (each a fresh map with a
    /// fresh hash seed): the sides' ranges must not overlap.
    SeedSpread,
    /// No rule applied (no figures, or figures not comparable).
    None,
}

/// One metric of one matched cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricRow {
    /// Metric name (`ns_per_op`, `bytes.evacuate_double`, ...).
    pub metric: String,
    /// Unit of `a`, `b` and `delta`.
    pub unit: String,
    /// A's figure.
    pub a: Option<f64>,
    /// B's figure.
    pub b: Option<f64>,
    /// B − A.
    pub delta: Option<f64>,
    /// B / A (`null` when A is 0 and B is not; 1 when both are 0).
    pub ratio: Option<f64>,
    /// (B − A) / A (`null` when A is 0 and B is not).
    pub change: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// The rule that decided it.
    pub rule: Rule,
    /// Where both figures came from (`callgrind-sim`, `perf-hw`, `heap`, `model`,
    /// `model-accounting`, ...), when it matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Two-sided p-value of the Mann–Whitney U test (time, latency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Which figure the verdict used: `ns_per_op` (both sides from one
    /// run), `vs_reference` (two runs: the drift-cancelled ratio to the
    /// reference workload; `a` and `b` are then that ratio), or `p99_ns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// The noise floor the verdict applied (a fraction), when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_floor: Option<f64>,
    /// Why the verdict is `unavailable` or `incomparable`, or how the
    /// fallback rule was applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A matched pair of cells.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellComparison {
    /// Compare id: the shared id, or with selectors the selected segment
    /// written `<a>-vs-<b>`. A valid cell id; the diff lives under `cells/<id>/`.
    pub id: String,
    /// A's cell id.
    pub a_id: String,
    /// B's cell id.
    pub b_id: String,
    /// One row per metric.
    pub rows: Vec<MetricRow>,
    /// The differential flame graph and per-function table, or why there is none.
    pub flame: LensReport<FlameDiff>,
}

/// The differential profile of a cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlameDiff {
    /// Differential flame graph in B's shape (frame widths are B's samples,
    /// colour is the change; paths that vanished in B are not drawn),
    /// relative to the comparison folder.
    pub svg: String,
    /// The same change drawn in A's shape, so vanished paths show (blue).
    pub svg_a_shape: String,
    /// Samples in A's folded stacks.
    pub samples_a: u64,
    /// Samples in B's folded stacks.
    pub samples_b: u64,
    /// Factor B's counts were multiplied by before diffing (A's total / B's total).
    pub scale_b: f64,
    /// Things a reader should know (too few samples, unreadable lines).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Functions with the largest change of inclusive share, largest first.
    pub functions: Vec<FunctionShare>,
}

/// A function's inclusive share of samples on both sides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunctionShare {
    /// Frame name as in the folded stacks.
    pub function: String,
    /// Fraction of A's samples whose stack contains the function.
    pub share_a: f64,
    /// Fraction of B's samples whose stack contains the function.
    pub share_b: f64,
    /// `share_b − share_a`.
    pub delta: f64,
}

/// Cells that were selected but found no partner.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Unmatched {
    /// Only in A (cell ids).
    pub only_a: Vec<String>,
    /// Only in B (cell ids).
    pub only_b: Vec<String>,
}

/// Counts per verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictCounts {
    /// `better` rows.
    pub better: usize,
    /// `worse` rows.
    pub worse: usize,
    /// `same` rows.
    pub same: usize,
    /// `incomparable` rows.
    pub incomparable: usize,
    /// `unavailable` rows.
    pub unavailable: usize,
}

impl VerdictCounts {
    /// Counts one verdict.
    pub fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Better => self.better += 1,
            Verdict::Worse => self.worse += 1,
            Verdict::Same => self.same += 1,
            Verdict::Incomparable => self.incomparable += 1,
            Verdict::Unavailable => self.unavailable += 1,
        }
    }

    /// `incomparable` + `unavailable`.
    pub fn other(&self) -> usize {
        self.incomparable + self.unavailable
    }
}

/// Counts for one metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricCounts {
    /// Metric name.
    pub metric: String,
    /// Its verdict counts over all matched cells.
    pub counts: VerdictCounts,
}

/// One `better` or `worse` row, for lists of changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Compare id of the cell.
    pub cell: String,
    /// Metric name.
    pub metric: String,
    /// Unit.
    pub unit: String,
    /// A's figure.
    pub a: f64,
    /// B's figure.
    pub b: f64,
    /// (B − A) / A; `null` when A is 0 (an unbounded change).
    pub change: Option<f64>,
    /// `better` or `worse`.
    pub verdict: Verdict,
}

/// Counts and the largest changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Matched cells.
    pub cells: usize,
    /// Per metric, in metric order.
    pub per_metric: Vec<MetricCounts>,
    /// Over all rows.
    pub total: VerdictCounts,
    /// The five `better`/`worse` rows with the largest relative change
    /// (unbounded changes first), ties by cell then metric.
    pub top_changes: Vec<Change>,
}
