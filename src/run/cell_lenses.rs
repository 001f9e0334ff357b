//! The lenses that run once per cell, in the cell's own process:
//! accounting, counters and flame graph (time and latency run in several
//! processes per cell: [`super::time_lens`]). Every lens prepares the cell
//! afresh and runs the same measured region ([`crate::scenario`]); the
//! counter and profile lenses run with accounting compiled out.

use super::error::CellLensError;
use crate::accounting::{Counting, Off};
use crate::alloc_count;
use crate::fsutil;
use crate::lens;
use crate::profile::{Budget, LensKind};
use crate::report::schema::no_timeline;
use crate::report::schema::{
    AccountingFigures, Counter, FlamegraphFigures, GoRuntimeFigures, Isolation, LensReport,
    NOT_REAL_GO,
};
use crate::report::svg::Chart;
use crate::scenario::{prepare_any, CellSpec, MapCell, Runnable, ScenarioError};
use crate::timeline::TimelineFigures;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// What a cell's process reports (written as `cells/<id>/lenses.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InProcess {
    /// Units the region is normalised by.
    pub units: u64,
    /// What a unit is.
    pub units_name: String,
    /// Payload bytes per unit (key + value, or key bytes for locate).
    pub bytes_per_unit: u64,
    /// Accounting lens.
    pub accounting: LensReport<AccountingFigures>,
    /// Counters lens.
    pub counters: LensReport<BTreeMap<String, Counter>>,
    /// Flame graph lens.
    pub flamegraph: LensReport<FlamegraphFigures>,
    /// The Go runtime's own figures (real-Go cells).
    #[serde(
        default = "not_real_go",
        skip_serializing_if = "LensReport::is_skipped"
    )]
    pub go_runtime: LensReport<GoRuntimeFigures>,
    /// The io lens (io cells only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io: Option<LensReport<crate::scenario::io::IoFigures>>,
    /// The write timeline (whole-workload map cells only).
    #[serde(
        default = "no_timeline",
        skip_serializing_if = "LensReport::is_skipped"
    )]
    pub timeline: LensReport<TimelineFigures>,
}

fn not_real_go() -> LensReport<GoRuntimeFigures> {
    LensReport::Skipped {
        skipped: NOT_REAL_GO.to_string(),
    }
}

impl InProcess {
    /// Every lens unavailable for the same reason (a cell whose process
    /// failed, or whose io path was refused).
    pub fn failed(cell: &CellSpec, reason: &str) -> InProcess {
        InProcess {
            units: 0,
            units_name: "operations".into(),
            bytes_per_unit: cell.bytes_per_unit(),
            accounting: LensReport::unavailable(reason),
            counters: LensReport::unavailable(reason),
            flamegraph: LensReport::unavailable(reason),
            go_runtime: match cell {
                CellSpec::Map(m) if m.variant.go_release().is_some() => {
                    LensReport::unavailable(reason)
                }
                _ => not_real_go(),
            },
            io: matches!(cell, CellSpec::Io(_)).then(|| LensReport::unavailable(reason)),
            timeline: match cell {
                CellSpec::Map(m) if has_timeline(m) => LensReport::unavailable(reason),
                _ => no_timeline(),
            },
        }
    }
}

fn skipped<T>(lens: LensKind) -> LensReport<T> {
    LensReport::Skipped {
        skipped: format!("the {} lens was not asked for", lens.name()),
    }
}

/// The cell prepared afresh, accounting compiled out.
pub(super) fn fresh(cell: &CellSpec) -> Result<Box<dyn Runnable>, ScenarioError> {
    prepare_any::<Off>(cell)
}

/// Runs the asked-for once-per-cell lenses of one cell.
pub fn run(
    cell: &CellSpec,
    lenses: &[LensKind],
    budget: &Budget,
    report_dir: &Path,
) -> Result<InProcess, ScenarioError> {
    if let CellSpec::Map(m) = cell {
        if m.variant.go_release().is_some() {
            let g = crate::golang::figures::run_cell(m, lenses, budget, report_dir);
            return Ok(InProcess {
                units: g.units,
                units_name: g.units_name,
                bytes_per_unit: cell.bytes_per_unit(),
                accounting: g.accounting,
                counters: g.counters,
                flamegraph: g.flamegraph,
                go_runtime: g.go_runtime,
                io: None,
                timeline: no_timeline(),
            });
        }
    }
    let want = |l: LensKind| lenses.contains(&l);
    // An io cell's own lens runs first: a path refused here (a busy port,
    // no io_uring) makes every lens of the cell unavailable with its reason.
    let io = match cell {
        CellSpec::Io(c) => match io_lens(c, budget) {
            Ok(f) => Some(LensReport::Ok(f)),
            Err(e) => return Ok(InProcess::failed(cell, &crate::error::chain(&e))),
        },
        _ => None,
    };
    let probe = fresh(cell)?;
    let units = probe.units();
    let units_name = probe.units_name().to_string();
    drop(probe);
    let bpu = cell.bytes_per_unit();
    let accounting = accounting(cell);
    let counters = if want(LensKind::Counters) {
        LensReport::from_result(counters(cell))
    } else {
        skipped(LensKind::Counters)
    };
    let flamegraph = if want(LensKind::Flamegraph) {
        LensReport::from_result(flamegraph(cell, budget, report_dir))
    } else {
        skipped(LensKind::Flamegraph)
    };
    // Last, so its memory (a record per operation) is no other lens's state.
    let timeline = match cell {
        CellSpec::Map(m) if has_timeline(m) => timeline(cell, budget, report_dir),
        _ => no_timeline(),
    };
    Ok(InProcess {
        units,
        units_name,
        bytes_per_unit: bpu,
        accounting,
        counters,
        flamegraph,
        go_runtime: not_real_go(),
        io,
        timeline,
    })
}

/// The io lens: repeated checked sends for at least a quarter of the time
/// lens's budget (at most 1000 sends).
fn io_lens(
    cell: &crate::scenario::io::IoCell,
    budget: &Budget,
) -> Result<crate::scenario::io::IoFigures, crate::scenario::io::IoError> {
    crate::scenario::io::cell::measure(cell, Duration::from_millis(budget.time_ms / 4), 1000)
}

/// Bytes per copy path of one region run, with exact (or derived) accounting.
fn accounting(cell: &CellSpec) -> LensReport<AccountingFigures> {
    let m = match cell {
        CellSpec::Map(m) => m,
        CellSpec::Locate(_) => {
            return LensReport::Skipped {
                skipped: "a locate cell writes nothing into a map".into(),
            }
        }
        CellSpec::Io(_) => {
            return LensReport::Skipped {
                skipped: "an io cell writes into no map: its copies per byte are in the io lens"
                    .into(),
            }
        }
    };
    let result = (|| -> Result<AccountingFigures, CellLensError> {
        let mut r = prepare_any::<Counting>(cell)?;
        let before = r.accounting().ok_or(CellLensError::NoAccounting)?;
        let (_, heap) = alloc_count::measure(|| r.run());
        let a = r
            .accounting()
            .ok_or(CellLensError::NoAccounting)?
            .since(&before);
        let total = a.total_bytes();
        let isolation = Isolation::of(m, &a.bytes_written);
        Ok(AccountingFigures {
            exactness: r.exactness().ok_or(CellLensError::NoExactness)?,
            payload_bytes: a.payload_bytes,
            bytes_written: a.bytes_written,
            total_bytes: total,
            write_amplification: a.write_amplification(),
            bytes_per_op: total as f64 / r.units().max(1) as f64,
            isolation,
            model_allocations: a.model_allocations,
            model_allocated_bytes: Some(a.model_allocated_bytes),
            heap_allocations: heap.installed.then_some(heap.allocations),
            heap_bytes: heap.installed.then_some(heap.bytes),
            doubling_grows: a.doubling_grows,
            same_size_grows: a.same_size_grows,
            entries_evacuated: a.entries_evacuated,
            overflow_prealloc_taken: a.overflow_prealloc_taken,
            overflow_fresh_taken: a.overflow_fresh_taken,
            structure: r.structure(),
            swiss: r.swiss(),
        })
    })();
    LensReport::from_result(result)
}

/// Whether a map cell gets a write timeline: a whole workload of a model
/// (real-Go cells run in the Go harness, which records none).
fn has_timeline(m: &MapCell) -> bool {
    m.variant.go_release().is_none() && super::findings::is_whole_workload(m.scenario.name())
}

/// The write timeline pass (see [`crate::timeline`]): a fresh map with
/// exact accounting, its region recorded up to `budget.timeline_writes`
/// operations; writes `trace.json` and `timeline.svg` into the cell folder.
fn timeline(cell: &CellSpec, budget: &Budget, report_dir: &Path) -> LensReport<TimelineFigures> {
    if budget.timeline_writes == 0 {
        return LensReport::Skipped {
            skipped: "budget.timeline_writes = 0".into(),
        };
    }
    let result = (|| -> Result<TimelineFigures, CellLensError> {
        let mut r = prepare_any::<Counting>(cell)?;
        let recording = crate::timeline::record(r.as_mut(), budget.timeline_writes)?;
        drop(r);
        let id = cell.id().to_string();
        let rel = format!("cells/{id}");
        let mut figures = recording.figures(
            format!("{rel}/trace.json"),
            Some(format!("{rel}/timeline.svg")),
        );
        std::fs::create_dir_all(report_dir.join(&rel)).map_err(|source| {
            CellLensError::CreateDir {
                rel: rel.clone(),
                source,
            }
        })?;
        let trace = crate::timeline::trace::trace(&recording, &id);
        let json = serde_json::to_vec(&trace).map_err(CellLensError::Trace)?;
        fsutil::write_atomic(&report_dir.join(&figures.trace), &json)?;
        match crate::report::timeline::chart("timeline", &id, &figures) {
            Chart::Svg(svg) => {
                if let Some(path) = &figures.svg {
                    fsutil::write_atomic(&report_dir.join(path), svg.as_bytes())?;
                }
            }
            Chart::NoData(_) => figures.svg = None,
        }
        Ok(figures)
    })();
    LensReport::from_result(result)
}

/// perf-event counters around one region run.
fn counters(cell: &CellSpec) -> Result<BTreeMap<String, Counter>, CellLensError> {
    let mut r = fresh(cell)?;
    let units = r.units().max(1);
    let (_, counters) = lens::counters::count(units, || r.run());
    Ok(counters)
}

/// Sampling profile of the region, replayed on copies of one prepared
/// state (the copying is not sampled) until the sampler has
/// `budget.flamegraph_samples` samples or `budget.flamegraph_ms` of wall
/// clock have passed (too few samples are flagged with `too_few_samples`).
fn flamegraph(
    cell: &CellSpec,
    budget: &Budget,
    report_dir: &Path,
) -> Result<FlamegraphFigures, CellLensError> {
    let rel = format!("cells/{}", cell.id());
    let options = lens::flamegraph::ProfileOptions {
        frequency_hz: budget.flamegraph_hz,
        ..lens::flamegraph::ProfileOptions::new(
            rel.clone(),
            budget.flamegraph_samples,
            Duration::from_millis(budget.flamegraph_ms),
        )
    };
    // Prepare once and replay the region on copies of that state: the
    // stacks are the region's either way, and cells whose setup dwarfs
    // their region (one same-size evacuation after long churn) still get
    // enough samples.
    let prepared = fresh(cell)?;
    let mut replays = 0u64;
    let figures = lens::flamegraph::profile_region(report_dir, &rel, &options, |sampler| {
        let mut r = prepared.snapshot();
        sampler.region(|| r.run());
        replays += 1;
    })?;
    match cell {
        CellSpec::Io(_) if figures.too_few_samples => {
            Err(io_flamegraph_too_thin(&figures, replays, report_dir))
        }
        _ => Ok(figures),
    }
}

/// The reason an io cell's flame graph is unavailable: its sends were
/// replayed until the wall-clock cap, and fewer samples than the lens
/// needs landed in the sender's region (an io send is mostly kernel work,
/// which a user-space sampler does not see). The files of the thin profile
/// are removed: no graph of a handful of samples is presented.
fn io_flamegraph_too_thin(f: &FlamegraphFigures, replays: u64, report_dir: &Path) -> CellLensError {
    for file in [&f.svg, &f.folded, &f.pprof] {
        // Best effort: the lens is unavailable whether or not a file is left.
        let _ = std::fs::remove_file(report_dir.join(file));
    }
    CellLensError::IoFlamegraphTooThin {
        samples: f.samples,
        min_samples: f.min_samples,
        replays,
        wall_ms: f.wall_ms,
        duration_ms: f.duration_ms,
        sampler: f.sampler.clone(),
        frequency_hz: f.frequency_hz,
        fallback: f.sampler_fallback.clone(),
    }
}
