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
//! [`Verdict`] ([`metrics`] has the rules): lower is better everywhere;
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
//! reads `report.json` and the folded stacks and calls [`from_reports`]: the
//! analysis proper, over in-memory reports. The result, a [`Comparison`],
//! is written by [`write_outputs`] (`compare.json`, `compare.md` from
//! [`render_md`], `index.html` from [`render_html`], `cells/<id>/diff.svg`)
//! and summarised for a terminal by [`render_text`]. Renderers only format;
//! nothing here knows how a report was produced.
//!
//! A side may also be a criterion baseline, `target/criterion@<baseline>`
//! ([`criterion_input`]): it is read as a report with time figures only.

pub mod checks;
pub mod criterion_input;
pub mod flame;
pub mod format;
pub mod metrics;
pub mod output;
pub mod render_html;
pub mod render_md;
pub mod render_text;
pub mod schema;
pub mod select;
pub mod stats;

use crate::report::schema::{Lens, Report, SCHEMA_VERSION};
use criterion_input::Origin;
pub use metrics::Metric;
pub use output::write_outputs;
use schema::{
    CellComparison, Change, CompareReport, Gate, InputInfo, Inputs, MetricCounts, Summary,
    Thresholds, Unmatched, Verdict, VerdictCounts, COMPARE_SCHEMA_VERSION,
};
use select::{InputSpec, SelectorKey};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompareError {
    /// A command-line option is invalid.
    Options(String),
    /// One input is unusable: missing folder, no or corrupt `report.json`,
    /// other schema version, bad selector, ambiguous cells.
    Input {
        /// Which side.
        which: Which,
        /// The argument as given.
        arg: String,
        /// Why.
        reason: String,
    },
    /// The inputs share no cell.
    NoCommonCells(String),
    /// The comparison could not be written.
    Output(String),
}

impl std::fmt::Display for CompareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompareError::Options(m) => write!(f, "compare: {m}"),
            CompareError::Input { which, arg, reason } => {
                write!(f, "compare: input {which} (`{arg}`): {reason}")
            }
            CompareError::NoCommonCells(m) => write!(f, "compare: no common cells: {m}"),
            CompareError::Output(m) => write!(f, "compare: cannot write the comparison: {m}"),
        }
    }
}

impl std::error::Error for CompareError {}

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
        let bad = |m: String| CompareError::Options(m);
        let pct = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(v / 100.0)
            } else {
                Err(bad(format!(
                    "--{name} must be a non-negative percentage, got {v}"
                )))
            }
        };
        if !(args.alpha > 0.0 && args.alpha < 1.0) {
            return Err(bad(format!(
                "--alpha must be between 0 and 1, got {}",
                args.alpha
            )));
        }
        let mut metrics = Vec::new();
        for name in &args.metrics {
            let m = Metric::parse(name.trim()).map_err(bad)?;
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
        InputSpec::parse(arg).map_err(|reason| CompareError::Input {
            which,
            arg: arg.to_string(),
            reason,
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

/// Reads `report.json` (checking its schema version before anything else)
/// and the folded stacks of the cells the selector keeps.
pub fn load_side(which: Which, spec: &InputSpec) -> Result<Side, CompareError> {
    let err = |reason: String| CompareError::Input {
        which,
        arg: spec.arg.clone(),
        reason,
    };
    let dir = &spec.dir;
    if let Some(baseline) = criterion_input::BaselineRef::parse(dir) {
        let report = criterion_input::load(&baseline).map_err(&err)?;
        select::select(&report, spec.selector.as_ref()).map_err(&err)?;
        return Ok(Side {
            spec: spec.clone(),
            report,
            folded: BTreeMap::new(),
            origin: Origin::Criterion(baseline),
        });
    }
    if !dir.is_dir() {
        return Err(err(if dir.exists() {
            format!("`{}` is not a folder", dir.display())
        } else {
            format!("folder `{}` does not exist", dir.display())
        }));
    }
    let path = dir.join("report.json");
    if !path.is_file() {
        return Err(err(match criterion_input::hint(dir) {
            Some(hint) => format!("no report.json in `{}`: {hint}", dir.display()),
            None => format!(
                "no report.json in `{}` (is it a report folder written by `mapamp run`, or a criterion folder given as `<folder>@<baseline>`?)",
                dir.display()
            ),
        }));
    }
    let text =
        crate::limits::read_text(&path, "report", crate::limits::MAX_REPORT_BYTES).map_err(&err)?;
    let report = parse_report(&text).map_err(|e| err(format!("`{}`: {e}", path.display())))?;
    if let Some(bad) = report
        .cells
        .iter()
        .find_map(|c| crate::cell::CellId::new(c.id.clone()).err())
    {
        return Err(err(format!("`{}`: {bad}", path.display())));
    }
    let cells = select::select(&report, spec.selector.as_ref()).map_err(&err)?;
    let mut folded = BTreeMap::new();
    for c in cells {
        if let Lens::Ok(fg) = &c.lenses.flamegraph {
            folded
                .entry(fg.folded.clone())
                .or_insert_with(|| read_inside(dir, &fg.folded));
        }
    }
    Ok(Side {
        spec: spec.clone(),
        report,
        folded,
        origin: Origin::Run,
    })
}

/// Parses `report.json`: its `schema_version` first, so a report of another
/// version is refused as such rather than as corrupt.
pub fn parse_report(text: &str) -> Result<Report, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) if v < u64::from(SCHEMA_VERSION) => {
            return Err(format!(
                "schema_version {v}, but this mapamp reads schema_version {SCHEMA_VERSION}: the report was written by an older mapamp, which timed each cell in one process (its time figures cannot be tested on the process level); run the profile again with this mapamp"
            ))
        }
        Some(v) => {
            return Err(format!(
                "schema_version {v}, but this mapamp reads schema_version {SCHEMA_VERSION}; compare with the mapamp version that wrote it"
            ))
        }
        None => return Err("no numeric schema_version: not a mapamp report".into()),
    }
    let report =
        checks::deserialize_report(value).map_err(|e| format!("not a valid report: {e}"))?;
    checks::check_figures(&report).map_err(|e| format!("not a valid report: {e}"))?;
    Ok(report)
}

/// Reads `rel` under `dir`, refusing paths that leave the folder.
fn read_inside(dir: &Path, rel: &str) -> Result<String, String> {
    let p = Path::new(rel);
    if p.is_absolute()
        || p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "folded stacks path `{rel}` leaves the report folder"
        ));
    }
    let path = dir.join(p);
    if !path.exists() {
        return Err(format!("folded stacks `{rel}` not found"));
    }
    crate::limits::read_text(&path, "folded stacks", crate::limits::MAX_FOLDED_BYTES)
}

fn input_info(side: &Side, selected: usize, cells: &[CellComparison]) -> InputInfo {
    InputInfo {
        note: criterion_input::input_note(&side.origin, cells),
        arg: side.spec.arg.clone(),
        label: side.spec.label(),
        path: side.spec.dir.display().to_string(),
        selector: side.spec.selector.as_ref().map(|s| s.info()),
        run_name: side.report.run.name.clone(),
        profile: side.report.run.profile.clone(),
        mapamp_version: side.report.mapamp_version.clone(),
        cells_in_report: side.report.cells.len(),
        cells_selected: selected,
        noise_floor: side.report.noise.ok().map(|n| n.floor),
        noise_floor_vs_reference: side.report.noise.ok().and_then(|n| n.floor_vs_reference),
    }
}

/// The analysis: pairs the selected cells, compares every metric, diffs
/// the profiles and counts the verdicts.
pub fn from_reports(a: &Side, b: &Side, opts: &CompareOptions) -> Result<Comparison, CompareError> {
    let input_err = |which: Which, side: &Side, reason: String| CompareError::Input {
        which,
        arg: side.spec.arg.clone(),
        reason,
    };
    for (which, side) in [(Which::A, a), (Which::B, b)] {
        if side.report.schema_version != SCHEMA_VERSION {
            return Err(input_err(
                which,
                side,
                format!(
                    "schema_version {}, but this mapamp reads schema_version {SCHEMA_VERSION}",
                    side.report.schema_version
                ),
            ));
        }
    }
    let cells_a = select::select(&a.report, a.spec.selector.as_ref())
        .map_err(|e| input_err(Which::A, a, e))?;
    let cells_b = select::select(&b.report, b.spec.selector.as_ref())
        .map_err(|e| input_err(Which::B, b, e))?;
    let mut blank: Vec<SelectorKey> = [&a.spec, &b.spec]
        .iter()
        .filter_map(|s| s.selector.as_ref().map(|s| s.key))
        .collect();
    blank.sort();
    blank.dedup();
    let pairing = select::pair(&cells_a, &cells_b, &blank)
        .map_err(|(which, e)| input_err(which, if which == Which::A { a } else { b }, e))?;
    if pairing.pairs.is_empty() {
        return Err(CompareError::NoCommonCells(no_common_cells_message(
            a, b, &cells_a, &cells_b, &blank,
        )));
    }

    let th = opts.thresholds;
    let mut metrics = opts.metrics.clone();
    let default_set = metrics == Metric::all();
    let real_go = |c: &&crate::report::schema::CellReport| !c.lenses.go_runtime.is_skipped();
    if default_set && pairing.pairs.iter().any(|p| real_go(&p.a) || real_go(&p.b)) {
        // The default set: the Go runtime's own counters join it when a
        // real-Go cell is compared.
        metrics.extend(Metric::GO_RUNTIME);
    }
    if default_set && !pairing.pairs.iter().any(|p| p.a.lenses.io.is_some()) {
        // The io metrics only where io cells are paired (the default set
        // otherwise adds a row per map cell that could never have a figure).
        metrics.retain(|m| !m.is_io());
    }
    let metrics = metrics::for_variants(&metrics, pairing.pairs.iter().flat_map(|p| [p.a, p.b]));
    let opts = &CompareOptions {
        metrics: metrics.clone(),
        ..opts.clone()
    };
    let time = metrics::TimeContext::of(&a.report, &b.report);
    let mut cells = Vec::new();
    let mut diff_svgs = BTreeMap::new();
    let title = format!(
        "Differential: {} \u{2192} {}",
        a.spec.label(),
        b.spec.label()
    );
    for p in &pairing.pairs {
        let mut rows: Vec<_> = metrics
            .iter()
            .map(|m| m.row(p.a, p.b, &th, &time))
            .collect();
        criterion_input::qualify(&mut rows, (&a.origin, p.a), (&b.origin, p.b), &th);
        let (flame, svgs) = diff_profiles(a, b, p, &title);
        if let Some(svgs) = svgs {
            diff_svgs.insert(p.id.to_string(), svgs);
        }
        cells.push(CellComparison {
            id: p.id.to_string(),
            a_id: p.a.id.clone(),
            b_id: p.b.id.clone(),
            rows,
            flame,
        });
    }

    let summary = summarise(&cells, &metrics);
    let gate = opts.fail_on_regression.map(|limit| Gate {
        fail_on_regression: limit,
        regressions: changes(&cells)
            .into_iter()
            .filter(|c| c.verdict == Verdict::Worse && c.change.is_none_or(|x| x.abs() > limit))
            .collect(),
    });
    let report = CompareReport {
        schema_version: COMPARE_SCHEMA_VERSION,
        mapamp_version: env!("CARGO_PKG_VERSION").to_string(),
        inputs: Inputs {
            a: input_info(a, cells_a.len(), &cells),
            b: input_info(b, cells_b.len(), &cells),
        },
        thresholds: th,
        gate,
        metrics: metrics.iter().map(|m| m.name()).collect(),
        cells,
        unmatched: Unmatched {
            only_a: pairing.only_a,
            only_b: pairing.only_b,
        },
        summary,
    };
    Ok(Comparison { report, diff_svgs })
}

/// The differential profile of a pair, drawn, or why there is none.
fn diff_profiles(
    a: &Side,
    b: &Side,
    p: &select::Pair<'_>,
    title: &str,
) -> (Lens<schema::FlameDiff>, Option<DiffSvgs>) {
    let unavailable = |why: String| (Lens::Unavailable { unavailable: why }, None);
    match (flame_inputs(a, p.a), flame_inputs(b, p.b)) {
        (Ok((ta, few_a)), Ok((tb, few_b))) => {
            let dir = format!("cells/{}", p.id);
            match flame::diff(&flame::parse_folded(&ta), &flame::parse_folded(&tb), &dir) {
                Ok(mut d) => {
                    for (side, few) in [("A", few_a), ("B", few_b)] {
                        if let Some(n) = few {
                            d.figures.notes.push(format!("{side}: {n}"));
                        }
                    }
                    let draw = |shape, what: &str| {
                        let subtitle =
                            format!("{} \u{2014} {what}; red: more in B, blue: less", p.id);
                        flame::render_svg(&d.stacks, shape, title, &subtitle)
                    };
                    match (
                        draw(flame::Shape::B, "B's shape"),
                        draw(flame::Shape::A, "A's shape"),
                    ) {
                        (Ok(b_shape), Ok(a_shape)) => {
                            (Lens::Ok(d.figures), Some(DiffSvgs { b_shape, a_shape }))
                        }
                        (Err(e), _) | (_, Err(e)) => unavailable(format!(
                            "the differential flame graph cannot be drawn ({e}; A has {} samples, B {} scaled by {:.3})",
                            d.figures.samples_a, d.figures.samples_b, d.figures.scale_b
                        )),
                    }
                }
                Err(e) => unavailable(e),
            }
        }
        (ra, rb) => {
            let why: Vec<String> = [("A", ra.err()), ("B", rb.err())]
                .into_iter()
                .filter_map(|(side, e)| e.map(|e| format!("{side}: {e}")))
                .collect();
            unavailable(why.join("; "))
        }
    }
}

/// A cell's folded stacks and a note when the profile had too few samples,
/// or why there are none.
fn flame_inputs(
    side: &Side,
    cell: &crate::report::schema::CellReport,
) -> Result<(String, Option<String>), String> {
    match &cell.lenses.flamegraph {
        Lens::Ok(fg) => {
            let text =
                side.folded.get(&fg.folded).cloned().unwrap_or_else(|| {
                    Err(format!("folded stacks `{}` were not loaded", fg.folded))
                })?;
            let few = fg.too_few_samples.then(|| {
                format!(
                    "the profile has too few samples ({} < {})",
                    fg.samples, fg.min_samples
                )
            });
            Ok((text, few))
        }
        Lens::Unavailable { unavailable } => {
            Err(format!("flamegraph lens unavailable: {unavailable}"))
        }
        Lens::Skipped { skipped } => Err(format!("flamegraph lens skipped: {skipped}")),
    }
}

fn no_common_cells_message(
    a: &Side,
    b: &Side,
    cells_a: &[&crate::report::schema::CellReport],
    cells_b: &[&crate::report::schema::CellReport],
    blank: &[SelectorKey],
) -> String {
    let example = |cells: &[&crate::report::schema::CellReport]| {
        cells
            .first()
            .map(|c| format!(", e.g. `{}`", c.id))
            .unwrap_or_default()
    };
    let how = if blank.is_empty() {
        "cells are matched by identical id".to_string()
    } else {
        format!(
            "cells are matched by id with the {} segment ignored",
            blank
                .iter()
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(" and ")
        )
    };
    format!(
        "input A (`{}`) has {} selected cell(s){}; input B (`{}`) has {} selected cell(s){}; {how}",
        a.spec.arg,
        cells_a.len(),
        example(cells_a),
        b.spec.arg,
        cells_b.len(),
        example(cells_b),
    )
}

/// Every `better`/`worse` row.
fn changes(cells: &[CellComparison]) -> Vec<Change> {
    cells
        .iter()
        .flat_map(|c| {
            c.rows
                .iter()
                .filter(|r| matches!(r.verdict, Verdict::Better | Verdict::Worse))
                .map(move |r| Change {
                    cell: c.id.clone(),
                    metric: r.metric.clone(),
                    unit: r.unit.clone(),
                    a: r.a.unwrap_or_default(),
                    b: r.b.unwrap_or_default(),
                    change: r.change,
                    verdict: r.verdict,
                })
        })
        .collect()
}

fn summarise(cells: &[CellComparison], metrics: &[Metric]) -> Summary {
    let mut per_metric: Vec<MetricCounts> = metrics
        .iter()
        .map(|m| MetricCounts {
            metric: m.name(),
            counts: VerdictCounts::default(),
        })
        .collect();
    let mut total = VerdictCounts::default();
    for c in cells {
        for (r, mc) in c.rows.iter().zip(per_metric.iter_mut()) {
            mc.counts.add(r.verdict);
            total.add(r.verdict);
        }
    }
    let mut top = changes(cells);
    let magnitude = |c: &Change| c.change.map_or(f64::INFINITY, f64::abs);
    top.sort_by(|x, y| {
        magnitude(y)
            .total_cmp(&magnitude(x))
            .then_with(|| x.cell.cmp(&y.cell))
            .then_with(|| x.metric.cmp(&y.metric))
    });
    top.truncate(5);
    Summary {
        cells: cells.len(),
        per_metric,
        total,
        top_changes: top,
    }
}
