//! A criterion baseline as one side of `mapamp compare`.
//!
//! `cargo bench --bench copy_paths -- --save-baseline before` leaves, for
//! each cell, `<criterion folder>/<scenario>/<rest of the cell id>/before/`
//! with criterion's `benchmark.json` (the id, the throughput),
//! `estimates.json` (median and its confidence interval) and `sample.json`
//! (per sample: iterations and their total time). The argument
//! `<criterion folder>@<baseline>` names such a baseline, selectors
//! included:
//!
//! ```text
//! mapamp compare target/criterion@before target/criterion@new
//! mapamp compare 'target/criterion@new#config=go-default' 'target/criterion@new#config=presized'
//! mapamp compare reports/quick target/criterion@new      # allowed, but time is `incomparable`
//! ```
//!
//! [`load`] turns the baseline into an in-memory [`Report`] with one cell
//! per benchmark whose id is a mapamp cell id, so pairing, selectors,
//! verdicts and exit codes are those of report folders. What such a cell
//! holds:
//!
//! - `ops`: the benchmark's throughput in elements (the region's units);
//! - the time lens: `ns_per_op` = criterion's median time per iteration /
//!   `ops`, its confidence interval likewise, and one `samples_ns_per_op`
//!   entry per criterion sample (total time / iterations / `ops`);
//! - every other lens `unavailable`, with the reason (criterion measures
//!   time only: bytes, instructions and profiles come from `mapamp run`).
//!
//! Fields of the report that criterion does not record (machine, toolchain,
//! profile, warm-up) are never read by `compare`; they say "not recorded by
//! criterion" or are 0, and the report is never written anywhere.
//!
//! Two rules follow from the method ([`qualify`]): a criterion sample is a
//! batch of runs of the region on copies of one prepared state, all in one
//! process, while `mapamp run`'s time lens prepares every sample afresh; so
//! `ns_per_op` of a criterion side against a report folder is
//! `incomparable`, and each criterion side says in `compare.json`,
//! `compare.md`, `index.html` and on the terminal which rule its time
//! verdicts got ([`input_note`]).

use super::schema::{CellComparison, MetricRow, Rule, Thresholds, Verdict};
use crate::cell::CellId;
use crate::report::schema::{
    Availability, CellAxes, CellReport, LensReport, Lenses, Machine, ProcessTime, Report, RunInfo,
    Schedule, TimeFigures, Toolchain, SCHEMA_VERSION,
};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Separates the criterion folder from the baseline name in an argument.
pub const SEPARATOR: char = '@';

/// Files a benchmark's baseline folder must hold.
const FILES: [&str; 3] = ["benchmark.json", "estimates.json", "sample.json"];

/// How deep under the criterion folder benchmarks are looked for
/// (`<group>/<function>/<value>/<baseline>` is the deepest criterion writes).
const MAX_DEPTH: usize = 5;

/// Where a side's figures come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A report folder written by `mapamp run`.
    Run,
    /// A criterion baseline.
    Criterion(BaselineRef),
}

/// `<criterion folder>@<baseline>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineRef {
    /// The criterion folder (`target/criterion`).
    pub root: PathBuf,
    /// The baseline's name (`base`, `new`, or a `--save-baseline` name).
    pub name: String,
}

impl BaselineRef {
    /// Reads `dir` as `<criterion folder>@<baseline>`: it is not itself a
    /// folder, the text before its last `@` is one, and the name after it
    /// is a plain folder name. Anything else is not a baseline reference
    /// (and is loaded as a report folder).
    pub fn parse(dir: &Path) -> Option<BaselineRef> {
        if dir.exists() {
            return None;
        }
        let text = dir.to_str()?;
        let (root, name) = text.rsplit_once(SEPARATOR)?;
        let plain = !name.is_empty() && name != "." && name != ".." && !name.contains('/');
        (plain && !root.is_empty() && Path::new(root).is_dir()).then(|| BaselineRef {
            root: PathBuf::from(root),
            name: name.to_string(),
        })
    }
}

/// Why a criterion baseline cannot be read as a report: the folder or file
/// to blame, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum CriterionError {
    /// The criterion folder holds no benchmark at all.
    #[error("`{}` holds no criterion benchmarks (run `cargo bench --bench copy_paths -- --save-baseline {name}` first)", .root.display())]
    NoBenchmarks {
        /// The criterion folder.
        root: PathBuf,
        /// The baseline asked for.
        name: String,
    },
    /// No baseline of that name; the ones there are.
    #[error("`{}` has no criterion baseline `{name}`; baselines there: {}", .root.display(), .baselines.join(", "))]
    NoBaseline {
        /// The criterion folder.
        root: PathBuf,
        /// The baseline asked for.
        name: String,
        /// The baselines the folder has.
        baselines: Vec<String>,
    },
    /// A benchmark's baseline folder without one of the files criterion
    /// writes for every benchmark.
    #[error("`{}` has no {file} (criterion writes {} for every benchmark)", .dir.display(), FILES.join(", "))]
    MissingFile {
        /// The baseline folder.
        dir: PathBuf,
        /// The missing file.
        file: &'static str,
    },
    /// A file that could not be read.
    #[error("cannot read `{}`", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file that is not the criterion file it should be.
    #[error("`{}` is not criterion's {file}", .path.display())]
    NotCriterions {
        /// The file.
        path: PathBuf,
        /// `benchmark.json`, `estimates.json` or `sample.json`.
        file: &'static str,
        /// serde's error.
        #[source]
        source: serde_json::Error,
    },
    /// `sample.json`'s two lists do not pair up.
    #[error("`{}`: `iters` and `times` must be non-empty and of equal length", .path.display())]
    SampleLengths {
        /// `sample.json`.
        path: PathBuf,
    },
    /// A sample with no iterations, or a time that is no time.
    #[error("`{}`: a sample of {iters} iterations taking {ns} ns", .path.display())]
    BadSample {
        /// `sample.json`.
        path: PathBuf,
        /// Its iterations.
        iters: f64,
        /// Its total time, ns.
        ns: f64,
    },
    /// A median or interval bound that is negative or not finite.
    #[error("`{}`: the median and its interval must be finite and non-negative, got {figures:?}", .path.display())]
    BadMedian {
        /// `estimates.json`.
        path: PathBuf,
        /// The median, the interval's lower and upper bound.
        figures: [f64; 3],
    },
    /// The baseline's benchmarks are none of them mapamp cells.
    #[error("criterion baseline `{name}` in `{}` has no mapamp cells (they come from `cargo bench --bench copy_paths`); found: {}", .root.display(), .skipped.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    NoCells {
        /// The baseline.
        name: String,
        /// The criterion folder.
        root: PathBuf,
        /// Each benchmark, and why it is no cell.
        skipped: Vec<NotACell>,
    },
    /// Two benchmarks with one cell id.
    #[error("criterion baseline `{name}` holds cell `{id}` twice")]
    Twice {
        /// The baseline.
        name: String,
        /// The cell id.
        id: String,
    },
}

/// A benchmark of a baseline that is no mapamp cell, and why (listed by
/// [`CriterionError::NoCells`], so the reason is part of the message).
#[derive(Debug, thiserror::Error)]
pub enum NotACell {
    /// A hardware-counter measurement (`MAPAMP_MEASURE`).
    #[error("`{id}`: measured a hardware counter (MAPAMP_MEASURE), not time")]
    Counter {
        /// The benchmark's id.
        id: String,
    },
    /// An id that is no valid cell id.
    #[error("`{id}`: {error}")]
    InvalidId {
        /// The benchmark's id.
        id: String,
        /// What is wrong with it.
        error: crate::cell::CellIdError,
    },
    /// A valid id that does not have a mapamp cell's segments.
    #[error("`{id}`: {NotMapampId}")]
    NotMapampId {
        /// The benchmark's id.
        id: CellId,
    },
    /// No throughput in elements.
    #[error("`{id}`: no throughput in elements, so no time per operation")]
    NoThroughput {
        /// The benchmark's id.
        id: CellId,
    },
}

/// A cell id without a mapamp cell's segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a mapamp cell id (scenario/variant/config/n=…/keys=…/kXvY)")]
pub struct NotMapampId;

/// `benchmark.json`: the fields read.
#[derive(Deserialize)]
struct BenchmarkFile {
    group_id: String,
    full_id: String,
    #[serde(default)]
    throughput: Option<serde_json::Value>,
}

/// `estimates.json`: the median.
#[derive(Deserialize)]
struct EstimatesFile {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// `sample.json`: iterations and total time of every sample.
#[derive(Deserialize)]
struct SampleFile {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// The baseline folders under `root`: folder name → the benchmark folders
/// holding one (a baseline folder is one that holds `benchmark.json`).
fn baselines(root: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    fn walk(dir: &Path, depth: usize, found: &mut BTreeMap<String, Vec<PathBuf>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut subdirs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect();
        subdirs.sort();
        for sub in subdirs {
            if sub.join("benchmark.json").is_file() {
                if let Some(name) = sub.file_name().and_then(|n| n.to_str()) {
                    found.entry(name.to_string()).or_default().push(sub.clone());
                }
            } else if depth < MAX_DEPTH {
                walk(&sub, depth + 1, found);
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(root, 1, &mut found);
    found
}

/// When `dir` holds criterion baselines (and so is no report folder), how
/// to name one of them.
pub fn hint(dir: &Path) -> Option<String> {
    let found = baselines(dir);
    if found.is_empty() {
        return None;
    }
    let names: Vec<&str> = found.keys().map(String::as_str).collect();
    Some(format!(
        "it is a criterion folder: name a baseline as `{}{SEPARATOR}<baseline>` (baselines there: {})",
        dir.display(),
        names.join(", ")
    ))
}

/// The elements per iteration of a criterion throughput.
fn elements(throughput: &serde_json::Value) -> Option<u64> {
    throughput
        .get("Elements")
        .and_then(|v| v.as_u64())
        .or_else(|| {
            throughput
                .get("ElementsAndBytes")?
                .get("elements")?
                .as_u64()
        })
}

/// The axes of a mapamp cell id (`scenario/variant/config/n=…/keys=…/kXvY`,
/// locate: `…/m=<buckets>`), or why it is not one.
fn axes(id: &CellId) -> Result<CellAxes, NotMapampId> {
    let seg: Vec<&str> = id.as_str().split('/').collect();
    if seg.len() != 6 {
        return Err(NotMapampId);
    }
    let n = seg[3]
        .strip_prefix("n=")
        .and_then(|v| v.parse().ok())
        .ok_or(NotMapampId)?;
    let keys = seg[4].strip_prefix("keys=").ok_or(NotMapampId)?;
    let (key_size, value_size, buckets) = if let Some(m) = seg[5].strip_prefix("m=") {
        (0, 0, Some(m.parse().map_err(|_| NotMapampId)?))
    } else {
        let (k, v) = seg[5]
            .strip_prefix('k')
            .and_then(|kv| kv.split_once('v'))
            .ok_or(NotMapampId)?;
        (
            k.parse().map_err(|_| NotMapampId)?,
            v.parse().map_err(|_| NotMapampId)?,
            None,
        )
    };
    Ok(CellAxes {
        scenario: seg[0].into(),
        variant: seg[1].into(),
        config: seg[2].into(),
        n,
        keys: keys.into(),
        key_size,
        value_size,
        key_type: None,
        value_type: None,
        knobs: None,
        go_runtime: None,
        hint: "not recorded by criterion".into(),
        buckets,
        io: None,
    })
}

fn read<T: serde::de::DeserializeOwned>(
    dir: &Path,
    file: &'static str,
) -> Result<T, CriterionError> {
    let path = dir.join(file);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(source) => return Err(CriterionError::Read { path, source }),
    };
    serde_json::from_str(&text).map_err(|source| CriterionError::NotCriterions {
        path,
        file,
        source,
    })
}

/// A lens a criterion side has no figures for, and why.
fn unavailable<T>(lens: &str) -> LensReport<T> {
    LensReport::Unavailable {
        unavailable: format!(
            "a criterion baseline has wall-clock times only; {lens} figures come from `mapamp run`"
        ),
    }
}

/// One benchmark's baseline folder as a cell, `Ok(None)` when its id is no
/// mapamp cell (with the reason in `skipped`).
fn cell(dir: &Path, skipped: &mut Vec<NotACell>) -> Result<Option<CellReport>, CriterionError> {
    for file in FILES {
        if !dir.join(file).is_file() {
            return Err(CriterionError::MissingFile {
                dir: dir.to_path_buf(),
                file,
            });
        }
    }
    let bench: BenchmarkFile = read(dir, "benchmark.json")?;
    if bench.group_id.contains(SEPARATOR) {
        skipped.push(NotACell::Counter { id: bench.full_id });
        return Ok(None);
    }
    let id = match CellId::new(bench.full_id.clone()) {
        Ok(id) => id,
        Err(error) => {
            skipped.push(NotACell::InvalidId {
                id: bench.full_id,
                error,
            });
            return Ok(None);
        }
    };
    let Ok(axes) = axes(&id) else {
        skipped.push(NotACell::NotMapampId { id });
        return Ok(None);
    };
    let Some(ops) = bench
        .throughput
        .as_ref()
        .and_then(elements)
        .filter(|&n| n > 0)
    else {
        skipped.push(NotACell::NoThroughput { id });
        return Ok(None);
    };
    let est: EstimatesFile = read(dir, "estimates.json")?;
    let sample: SampleFile = read(dir, "sample.json")?;
    let path = || dir.join("sample.json");
    if sample.iters.len() != sample.times.len() || sample.iters.is_empty() {
        return Err(CriterionError::SampleLengths { path: path() });
    }
    let per_op = ops as f64;
    let samples: Vec<f64> = sample
        .iters
        .iter()
        .zip(&sample.times)
        .map(|(&i, &t)| {
            (i > 0.0 && i.is_finite() && t.is_finite() && t >= 0.0)
                .then(|| t / i / per_op)
                .ok_or_else(|| CriterionError::BadSample {
                    path: path(),
                    iters: i,
                    ns: t,
                })
        })
        .collect::<Result<_, _>>()?;
    let m = &est.median;
    let figures = [
        m.point_estimate,
        m.confidence_interval.lower_bound,
        m.confidence_interval.upper_bound,
    ];
    if figures.iter().any(|x| !x.is_finite() || *x < 0.0) {
        return Err(CriterionError::BadMedian {
            path: dir.join("estimates.json"),
            figures,
        });
    }
    let ns_per_op = m.point_estimate / per_op;
    let mut iters = sample.iters.clone();
    iters.sort_by(f64::total_cmp);
    Ok(Some(CellReport {
        id: id.to_string(),
        axes,
        ops,
        ops_unit: String::new(),
        measured_region: format!(
            "criterion benchmark `{id}`: the region run on copies of one prepared state"
        ),
        lenses: Lenses {
            accounting: unavailable("accounting"),
            time: LensReport::Ok(TimeFigures {
                ns_per_op,
                ci_low: m.confidence_interval.lower_bound / per_op,
                ci_high: m.confidence_interval.upper_bound / per_op,
                processes: vec![ProcessTime {
                    process: 0,
                    slot: 0,
                    median_ns_per_op: crate::stats::median(&samples).unwrap_or(ns_per_op),
                    samples_ns_per_op: samples,
                    reference_ns: Vec::new(),
                    vs_reference: f64::NAN,
                    redone: 0,
                }],
                vs_reference: None,
                ops_per_sample: (iters[iters.len() / 2] * per_op) as u64,
                warmup_ms: 0,
                ops_per_s: if ns_per_op > 0.0 {
                    1e9 / ns_per_op
                } else {
                    0.0
                },
                payload_bytes_per_s: None,
                accounting: "off".into(),
            }),
            latency: unavailable("latency"),
            counters: unavailable("perf counter"),
            flamegraph: unavailable("flame graph"),
            callgrind: unavailable("callgrind"),
            io: None,
            go_runtime: LensReport::Skipped {
                skipped: crate::report::schema::NOT_REAL_GO.into(),
            },
            timeline: crate::report::schema::no_timeline(),
        },
        same_setup_as: None,
    }))
}

/// Reads a criterion baseline as a report (see the module docs). Errors
/// name the file and what is wrong, or list the baselines there are.
pub fn load(r: &BaselineRef) -> Result<Report, CriterionError> {
    let found = baselines(&r.root);
    let Some(dirs) = found.get(&r.name) else {
        let (root, name) = (r.root.clone(), r.name.clone());
        return Err(if found.is_empty() {
            CriterionError::NoBenchmarks { root, name }
        } else {
            CriterionError::NoBaseline {
                root,
                name,
                baselines: found.into_keys().collect(),
            }
        });
    };
    let mut skipped = Vec::new();
    let mut cells = Vec::new();
    for d in dirs {
        if let Some(c) = cell(d, &mut skipped)? {
            cells.push(c);
        }
    }
    if cells.is_empty() {
        return Err(CriterionError::NoCells {
            name: r.name.clone(),
            root: r.root.clone(),
            skipped,
        });
    }
    cells.sort_by(|x, y| x.id.cmp(&y.id));
    if let Some(w) = cells.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(CriterionError::Twice {
            name: r.name.clone(),
            id: w[0].id.clone(),
        });
    }
    let not_recorded = "not recorded by criterion".to_string();
    let nothing = |what: &str| Availability {
        available: false,
        detail: format!("{what} {not_recorded}"),
    };
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        mapamp_version: not_recorded.clone(),
        run: RunInfo {
            name: format!("criterion baseline `{}`", r.name),
            profile: not_recorded.clone(),
            profile_toml: String::new(),
            lenses: vec!["time".into()],
            started_at: not_recorded.clone(),
            finished_at: not_recorded.clone(),
            command: not_recorded.clone(),
            schedule: Schedule {
                time_processes: 1,
                seed: 0,
                order: "one criterion process per benchmark".into(),
            },
            load_average: None,
            shard: None,
            merged_from: Vec::new(),
        },
        machine: Machine {
            cpu_model: not_recorded.clone(),
            cores: 0,
            memory_bytes: 0,
            kernel: not_recorded.clone(),
            pmu: nothing("PMU:"),
            valgrind: nothing("valgrind:"),
            perf_event_paranoid: None,
        },
        toolchain: Toolchain {
            rustc: not_recorded.clone(),
            target: not_recorded.clone(),
            build_profile: not_recorded.clone(),
            crates: BTreeMap::new(),
        },
        cells,
        claims: None,
        noise: LensReport::Unavailable {
            unavailable:
                "criterion runs each benchmark in one process, so no noise floor between processes"
                    .into(),
        },
        findings: None,
        evolution: None,
    })
}

/// The time verdict of two one-process sides: Mann–Whitney U over their
/// samples at `alpha` and a change beyond the practical threshold.
fn within_process_rule(row: &mut MetricRow, a: &CellReport, b: &CellReport, th: &Thresholds) {
    let samples = |c: &CellReport| match &c.lenses.time {
        LensReport::Ok(t) if t.processes.len() == 1 => {
            Some(t.processes[0].samples_ns_per_op.clone())
        }
        _ => None,
    };
    let (Some(sa), Some(sb)) = (samples(a), samples(b)) else {
        return;
    };
    let (Some(x), Some(y)) = (row.a, row.b) else {
        return;
    };
    let Some(test) = crate::stats::rank::mann_whitney_u(&sa, &sb) else {
        return;
    };
    let change = if x > 0.0 { Some(y / x - 1.0) } else { None };
    let beyond = change.is_some_and(|c| crate::stats::replicates::beyond_log(c, th.time_practical));
    row.verdict = if test.p_value < th.alpha && beyond {
        super::metrics::direction(y - x)
    } else {
        Verdict::Same
    };
    row.rule = Rule::MannWhitney;
    row.p_value = Some(test.p_value);
    row.noise_floor = None;
    row.reason = Some(format!(
        "criterion baselines: {} against {} samples, each side from one process, so the process-to-process noise (the noise floor `mapamp run` measures) is not in this test",
        sa.len(),
        sb.len()
    ));
}

/// The rule of a time row, in words.
fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::MannWhitney => "Mann–Whitney U on the samples of one process per side",
        Rule::ProcessMannWhitney => "Mann–Whitney U over processes",
        Rule::CiOverlap => "disjoint 95% confidence intervals",
        Rule::SeedSpread => "disjoint ranges over fresh maps (seed-to-seed spread)",
        Rule::RatioThreshold => "a relative change beyond the threshold",
        Rule::Exact => "any difference",
        Rule::None => "none",
    }
}

/// The time metric, the one criterion has.
const TIME: &str = "ns_per_op";

/// Applies the rules a criterion side brings to a pair's rows: `ns_per_op`
/// of a criterion side against a `mapamp run` side is `incomparable`; two
/// criterion sides (one process each, so the process-level test cannot
/// decide) get criterion's own rule: Mann–Whitney over the two processes'
/// samples and the practical threshold, with a reason saying the
/// process-to-process noise is not in the test.
pub fn qualify(
    rows: &mut [MetricRow],
    (a, cell_a): (&Origin, &CellReport),
    (b, cell_b): (&Origin, &CellReport),
    th: &Thresholds,
) {
    if let (Origin::Criterion(_), Origin::Criterion(_)) = (a, b) {
        for row in rows.iter_mut().filter(|r| r.metric == TIME) {
            within_process_rule(row, cell_a, cell_b, th);
        }
        return;
    }
    let mixed = matches!(
        (a, b),
        (Origin::Run, Origin::Criterion(_)) | (Origin::Criterion(_), Origin::Run)
    );
    if !mixed {
        return;
    }
    for row in rows.iter_mut().filter(|r| r.metric == TIME) {
        if matches!(row.verdict, Verdict::Unavailable) {
            continue;
        }
        let side = if matches!(a, Origin::Criterion(_)) {
            "A"
        } else {
            "B"
        };
        row.verdict = Verdict::Incomparable;
        row.rule = Rule::None;
        row.p_value = None;
        row.reason = Some(format!(
            "{side} is a criterion baseline (each sample: the region run on copies of one prepared state, all in one process), the other side a `mapamp run` report (a fresh setup per sample); times from different methods are not compared"
        ));
    }
}

/// What a reader must know about a criterion side: where it comes from,
/// what it has, and which rule its time verdicts got (read from the rows,
/// so it stays true whatever rule `compare` applies). `None` for a report
/// folder.
pub fn input_note(origin: &Origin, cells: &[CellComparison]) -> Option<String> {
    let Origin::Criterion(r) = origin else {
        return None;
    };
    let rules: BTreeSet<&str> = cells
        .iter()
        .flat_map(|c| c.rows.iter())
        .filter(|row| row.metric == TIME && row.verdict != Verdict::Unavailable)
        .map(|row| {
            if row.verdict == Verdict::Incomparable {
                "none (incomparable with a `mapamp run` side)"
            } else {
                rule_name(row.rule)
            }
        })
        .collect();
    let rules = if rules.is_empty() {
        "no time row was compared".to_string()
    } else {
        rules.into_iter().collect::<Vec<_>>().join(", ")
    };
    Some(format!(
        "criterion baseline `{}` of `{}`: wall-clock time only, each cell's samples from one process (criterion's per-sample means); ns_per_op rule: {rules}",
        r.name,
        r.root.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_ids_give_their_axes_and_other_ids_say_why_not() {
        let id = CellId::new("assign/gomap/presized/n=2048/keys=random/k8v16").unwrap();
        let a = axes(&id).unwrap();
        assert_eq!(
            (
                a.scenario.as_str(),
                a.config.as_str(),
                a.n,
                a.key_size,
                a.value_size
            ),
            ("assign", "presized", 2048, 8, 16)
        );
        let loc = CellId::new("locate/fnv1a/modulo/n=10000/keys=strings/m=1024").unwrap();
        assert_eq!(axes(&loc).unwrap().buckets, Some(1024));
        for other in [
            "insert_1m_u64/gomap/none",
            "a/b/c/n=x/keys=r/k8v8",
            "a/b/c/n=1/k=r/k8v8",
        ] {
            let e = axes(&CellId::new(other).unwrap()).unwrap_err();
            assert!(
                e.to_string().contains("not a mapamp cell id"),
                "{other}: {e}"
            );
        }
    }

    #[test]
    fn load_errors_name_the_folder_and_keep_the_os_error_as_the_cause() {
        let e = CriterionError::NoBaseline {
            root: "target/criterion".into(),
            name: "nope".into(),
            baselines: vec!["before".into(), "new".into()],
        };
        assert_eq!(
            crate::error::chain(&e),
            "`target/criterion` has no criterion baseline `nope`; baselines there: before, new"
        );
        let e = CriterionError::Read {
            path: "b/sample.json".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert_eq!(
            crate::error::chain(&e),
            "cannot read `b/sample.json`: permission denied"
        );
    }

    #[test]
    fn a_baseline_of_no_cells_lists_each_benchmark_and_why() {
        let id = |s: &str| CellId::new(s).unwrap();
        let e = CriterionError::NoCells {
            name: "new".into(),
            root: "target/criterion".into(),
            skipped: vec![
                NotACell::Counter {
                    id: "copy@cycles/x".into(),
                },
                NotACell::InvalidId {
                    id: "a b".into(),
                    error: CellId::new("a b").unwrap_err(),
                },
                NotACell::NotMapampId { id: id("a/b/c") },
                NotACell::NoThroughput {
                    id: id("assign/gomap/go-default/n=8/keys=random/k8v8"),
                },
            ],
        };
        assert_eq!(
            crate::error::chain(&e),
            "criterion baseline `new` in `target/criterion` has no mapamp cells (they come from `cargo bench --bench copy_paths`); found: \
             `copy@cycles/x`: measured a hardware counter (MAPAMP_MEASURE), not time; \
             `a b`: cell id `a b` contains ` `; allowed: letters, digits and . _ = + - (and / between segments); \
             `a/b/c`: not a mapamp cell id (scenario/variant/config/n=…/keys=…/kXvY); \
             `assign/gomap/go-default/n=8/keys=random/k8v8`: no throughput in elements, so no time per operation"
        );
    }

    #[test]
    fn throughput_in_elements_either_way() {
        let v: serde_json::Value = serde_json::from_str(r#"{"Elements": 7}"#).unwrap();
        assert_eq!(elements(&v), Some(7));
        let v: serde_json::Value =
            serde_json::from_str(r#"{"ElementsAndBytes": {"elements": 5, "bytes": 80}}"#).unwrap();
        assert_eq!(elements(&v), Some(5));
        let v: serde_json::Value = serde_json::from_str(r#"{"Bytes": 5}"#).unwrap();
        assert_eq!(elements(&v), None);
    }

    #[test]
    fn only_an_at_sign_before_an_existing_folder_names_a_baseline() {
        let root = std::env::temp_dir().join(format!("mapamp-crit-ref-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let arg = PathBuf::from(format!("{}@before", root.display()));
        assert_eq!(
            BaselineRef::parse(&arg),
            Some(BaselineRef {
                root: root.clone(),
                name: "before".into()
            })
        );
        // A folder whose name has an `@` is a folder.
        let real = root.join("x@y");
        std::fs::create_dir_all(&real).unwrap();
        assert_eq!(BaselineRef::parse(&real), None);
        assert_eq!(
            BaselineRef::parse(Path::new("/nonexistent-mapamp@base")),
            None
        );
        assert_eq!(
            BaselineRef::parse(&PathBuf::from(format!("{}@", root.display()))),
            None
        );
        assert_eq!(
            BaselineRef::parse(&PathBuf::from(format!("{}@..", root.display()))),
            None
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
