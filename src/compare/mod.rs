//! `mapamp compare`: two report folders (or two configurations or variants
//! inside one) compared cell by cell, with noise-aware verdicts,
//! differential flame graphs and an exit code for CI.
//!
//! ```text
//! mapamp compare reports/before reports/after --fail-on-regression 5
//! mapamp compare 'reports/smoke#config=go-default' 'reports/smoke#config=presized'
//! mapamp compare reports/a reports/b --metric ns_per_op,write_amplification
//! ```
//!
//! # What a comparison is
//!
//! Side A is the baseline, side B the candidate; every delta is B − A and
//! every ratio B / A. Cells are paired by id ([`select`]): identical ids, or
//! with a `#config=`/`#variant=` selector, ids equal but for that segment.
//! For each pair and each [`Metric`] a row holds both figures and a
//! [`Verdict`](schema::Verdict) ([`metrics`] has the rules): lower is better everywhere;
//! exact figures (bytes, WA, allocations, callgrind counts) decide on any
//! difference; time decides only when a Mann–Whitney U test over the two
//! sides' *processes* ([`crate::stats::replicates`]) is significant *and*
//! the figure moved by more than a practical threshold or the runs'
//! measured noise floor, whichever is larger (two runs are compared on the
//! drift-cancelled figure; [`metrics::TimeContext`]);
//! single noisy figures (p99 latency, hardware counters) need a relative
//! change beyond their threshold. A figure a side does not have is
//! `unavailable` with the reason, and cache misses from different sources
//! are `incomparable`: nothing is ever made up.
//!
//! Each pair with folded stacks on both sides also gets a differential
//! profile ([`flame`]): an inferno flame graph with B scaled to A's sample
//! total, and a table of inclusive shares per function.
//!
//! # Layers
//!
//! [`compare`] parses the two arguments and calls [`from_folders`], which
//! reads `report.json` and the folded stacks ([`load_side`], in `load.rs`)
//! and calls [`from_reports`] (in `analyse.rs`): the analysis proper, over
//! in-memory reports. The result, a [`Comparison`],
//! is written by [`write_outputs`] (`compare.json`, `compare.md` from
//! [`render_md`], `index.html` from [`render_html`], `cells/<id>/diff.svg`)
//! and summarised for a terminal by [`render_text`]. Renderers only format;
//! nothing here knows how a report was produced.
//!
//! A side may also be a criterion baseline, `target/criterion@<baseline>`
//! ([`criterion_input`]): it is read as a report with time figures only.

mod analyse;
pub mod checks;
pub mod criterion_input;
pub mod flame;
mod load;
pub mod metrics;
pub mod notes;
pub mod output;
pub mod render_html;
pub mod render_md;
pub mod render_text;
pub mod schema;
pub mod select;

use crate::report::schema::Report;
pub use analyse::from_reports;
use criterion_input::Origin;
pub use load::{load_side, parse_report, InputError, ParseReportError};
pub use metrics::Metric;
pub use output::write_outputs;
use schema::{CompareReport, Thresholds};
use select::InputSpec;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Which side of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// The baseline.
    A,
    /// The candidate.
    B,
}

impl std::fmt::Display for Which {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Which::A => "A",
            Which::B => "B",
        })
    }
}

/// Why two reports could not be compared (the command exits with 2).
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// A percentage option that is negative or no number.
    #[error("compare: --{option} must be a non-negative percentage, got {value}")]
    Percentage {
        /// The option, without `--`.
        option: &'static str,
        /// The value given.
        value: f64,
    },
    /// `--alpha` outside (0, 1).
    #[error("compare: --alpha must be between 0 and 1, got {0}")]
    Alpha(f64),
    /// `--metric` names no metric (the valid ones stand in the message).
    #[error("compare: {0}")]
    Metric(crate::names::UnknownName),
    /// One argument is not `<dir>[#key=value]`.
    #[error("compare: input {which} (`{arg}`)")]
    Spec {
        /// Which side.
        which: Which,
        /// The argument as given.
        arg: String,
        /// Why.
        #[source]
        source: select::SpecError,
    },
    /// One side's criterion baseline cannot be read.
    #[error("compare: input {which} (`{arg}`)")]
    Criterion {
        /// Which side.
        which: Which,
        /// The argument as given.
        arg: String,
        /// Why.
        #[source]
        source: criterion_input::CriterionError,
    },
    /// One input is unusable: a missing folder, no or an unreadable
    /// `report.json`, a cell id that is not valid.
    #[error("compare: input {which} (`{arg}`)")]
    Input {
        /// Which side.
        which: Which,
        /// The argument as given.
        arg: String,
        /// Why.
        #[source]
        source: load::InputError,
    },
    /// One input's cells cannot be selected or paired: a selector that
    /// keeps no cell, two cells matching one.
    #[error("compare: input {which} (`{arg}`)")]
    Select {
        /// Which side.
        which: Which,
        /// The argument as given.
        arg: String,
        /// Why.
        #[source]
        source: select::SelectError,
    },
    /// One input's `report.json` is not a report this mapamp reads.
    #[error("compare: input {which} (`{arg}`): `{}`", .path.display())]
    Report {
        /// Which side.
        which: Which,
        /// The argument as given.
        arg: String,
        /// The `report.json`.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: load::ParseReportError,
    },
    /// The inputs share no cell.
    #[error("compare: no common cells: {0}")]
    NoCommonCells(String),
    /// The output folder is not the comparison's to write.
    #[error("compare: cannot write the comparison: --out `{}` {refusal}; mapamp compare writes only into a new or empty folder or one holding a previous comparison (choose another --out)", .out.display())]
    Out {
        /// `--out`.
        out: PathBuf,
        /// What is wrong with it.
        refusal: output::OutRefusal,
    },
    /// `compare.json` could not be rendered.
    #[error("compare: cannot write the comparison: {}", output::MARKER)]
    Json(#[source] serde_json::Error),
    /// The comparison folder could not be written.
    #[error("compare: cannot write the comparison")]
    Publish(#[source] crate::fsutil::FsError),
}

/// How to compare.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareOptions {
    /// Thresholds of the verdicts.
    pub thresholds: Thresholds,
    /// Metrics to compare, in order.
    pub metrics: Vec<Metric>,
    /// `--fail-on-regression`, as a fraction (0.05 = 5%).
    pub fail_on_regression: Option<f64>,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            thresholds: Thresholds::default(),
            metrics: Metric::all(),
            fail_on_regression: None,
        }
    }
}

/// Command-line figures, in the units a person types (percent).
#[derive(Clone, Debug, PartialEq)]
pub struct OptionArgs {
    /// Metric names; empty = all.
    pub metrics: Vec<String>,
    /// Significance level of the time test.
    pub alpha: f64,
    /// Practical threshold for time, percent.
    pub time_threshold_pct: f64,
    /// Threshold for p99 latency, percent.
    pub latency_threshold_pct: f64,
    /// Threshold for `perf-hw` counters, percent.
    pub counter_threshold_pct: f64,
    /// `--fail-on-regression`, percent.
    pub fail_on_regression_pct: Option<f64>,
}

impl CompareOptions {
    /// Validates command-line figures: metric names known, percentages
    /// finite and non-negative, 0 < α < 1.
    pub fn from_args(args: &OptionArgs) -> Result<CompareOptions, CompareError> {
        let pct = |option: &'static str, value: f64| {
            if value.is_finite() && value >= 0.0 {
                Ok(value / 100.0)
            } else {
                Err(CompareError::Percentage { option, value })
            }
        };
        if !(args.alpha > 0.0 && args.alpha < 1.0) {
            return Err(CompareError::Alpha(args.alpha));
        }
        let mut metrics = Vec::new();
        for name in &args.metrics {
            let m = Metric::parse(name.trim()).map_err(CompareError::Metric)?;
            if !metrics.contains(&m) {
                metrics.push(m);
            }
        }
        if metrics.is_empty() {
            metrics = Metric::all();
        }
        Ok(CompareOptions {
            thresholds: Thresholds {
                alpha: args.alpha,
                time_practical: pct("time-threshold", args.time_threshold_pct)?,
                latency_ratio: pct("latency-threshold", args.latency_threshold_pct)?,
                hw_counter_ratio: pct("counter-threshold", args.counter_threshold_pct)?,
                ..Thresholds::default()
            },
            metrics,
            fail_on_regression: args
                .fail_on_regression_pct
                .map(|p| pct("fail-on-regression", p))
                .transpose()?,
        })
    }
}

/// One loaded side: its argument, its report and the folded stacks of its
/// selected cells (by the relative path the report gives, or why unreadable).
#[derive(Clone, Debug)]
pub struct Side {
    /// The parsed argument.
    pub spec: InputSpec,
    /// The report.
    pub report: Report,
    /// `lenses.flamegraph.folded` path → file text, or why it could not be read.
    pub folded: BTreeMap<String, Result<String, String>>,
    /// A report folder or a criterion baseline.
    pub origin: Origin,
}

/// The result of a comparison: what `compare.json` holds, plus the
/// differential flame graphs, already drawn (a cell whose graphs cannot be
/// drawn has none, and its `flame` says why).
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The figures and verdicts.
    pub report: CompareReport,
    /// Compare id → its two differential flame graphs.
    pub diff_svgs: BTreeMap<String, DiffSvgs>,
}

/// A cell's differential flame graphs (SVG text).
#[derive(Clone, Debug, PartialEq)]
pub struct DiffSvgs {
    /// In B's shape (`diff.svg`).
    pub b_shape: String,
    /// In A's shape (`diff-a-shape.svg`).
    pub a_shape: String,
}

impl Comparison {
    /// Whether the CI gate failed: some `worse` row changed by more than
    /// `--fail-on-regression`.
    pub fn gate_failed(&self) -> bool {
        self.report
            .gate
            .as_ref()
            .is_some_and(|g| !g.regressions.is_empty())
    }

    /// The default output folder: `reports/compare-<a>-vs-<b>`, from the
    /// inputs' labels made file-name-safe.
    pub fn default_out_dir(&self) -> PathBuf {
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "._+-".contains(c) {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        };
        PathBuf::from("reports").join(format!(
            "compare-{}-vs-{}",
            safe(&self.report.inputs.a.label),
            safe(&self.report.inputs.b.label)
        ))
    }
}

/// Compares two `<dir>[#key=value]` arguments.
pub fn compare(a: &str, b: &str, opts: &CompareOptions) -> Result<Comparison, CompareError> {
    let spec = |which: Which, arg: &str| {
        InputSpec::parse(arg).map_err(|source| CompareError::Spec {
            which,
            arg: arg.to_string(),
            source,
        })
    };
    let (sa, sb) = (spec(Which::A, a)?, spec(Which::B, b)?);
    from_folders(&sa, &sb, opts)
}

/// Reads both report folders and compares them.
pub fn from_folders(
    a: &InputSpec,
    b: &InputSpec,
    opts: &CompareOptions,
) -> Result<Comparison, CompareError> {
    let side_a = load_side(Which::A, a)?;
    let side_b = load_side(Which::B, b)?;
    from_reports(&side_a, &side_b, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_options_name_the_option_and_the_value() {
        let args = OptionArgs {
            metrics: Vec::new(),
            alpha: 0.05,
            time_threshold_pct: 5.0,
            latency_threshold_pct: 10.0,
            counter_threshold_pct: 10.0,
            fail_on_regression_pct: None,
        };
        assert!(CompareOptions::from_args(&args).is_ok());
        let refused = |a: OptionArgs| CompareOptions::from_args(&a).unwrap_err().to_string();
        assert_eq!(
            refused(OptionArgs {
                alpha: 1.0,
                ..args.clone()
            }),
            "compare: --alpha must be between 0 and 1, got 1"
        );
        assert_eq!(
            refused(OptionArgs {
                time_threshold_pct: -1.5,
                ..args.clone()
            }),
            "compare: --time-threshold must be a non-negative percentage, got -1.5"
        );
        assert_eq!(
            refused(OptionArgs {
                fail_on_regression_pct: Some(f64::NAN),
                ..args.clone()
            }),
            "compare: --fail-on-regression must be a non-negative percentage, got NaN"
        );
        assert_eq!(
            refused(OptionArgs {
                metrics: vec!["nope".into()],
                ..args
            }),
            format!("compare: {}", Metric::parse("nope").unwrap_err())
        );
    }
}
