//! A real-Go cell's lenses: find the toolchain, build the harness, run it,
//! and turn its answer into the report's figures with the same units and
//! `source` fields as the model's lenses.
//!
//! | lens | from the harness | source |
//! |---|---|---|
//! | `accounting` | structure changes of one region run, made bytes by [`super::accounting`] (classic) and [`super::accounting_swiss`] | `derived` |
//! | `time` | wall-clock time of each timed region (fresh map each), one harness process per time process ([`time_process`]) | `wall-clock` |
//! | `latency` | every operation of one region timed, in the same processes | `wall-clock` |
//! | `counters` | — (they count mapamp's own process) | unavailable, with the reason |
//! | `flamegraph` | `runtime/pprof` profile of the regions | `SIGPROF` samples |
//! | `go_runtime` | `runtime/metrics` deltas around each timed region; the map's runtime structure | `go-runtime-metrics` |
//!
//! The callgrind lens runs the harness's region mode under valgrind in the
//! run's callgrind phase ([`callgrind_command`]).

pub use super::harness::HarnessError;

use super::build::harness_binary;
use super::harness::{self, GoResult, Spec};
use super::toolchain;
use crate::error::chain;
use crate::profile::{Budget, LensKind};
use crate::report::schema::{
    AccountingFigures, Counter, FlamegraphFigures, GoRuntimeFigures, LensReport, Measured, Spread,
};
use crate::scenario::MapCell;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The spec file of a real-Go cell, in its report folder.
pub const SPEC_FILE: &str = "go-spec.json";

/// The source of the figures the Go runtime counted itself.
pub const SOURCE: &str = "go-runtime-metrics";

/// The once-per-cell lenses of a real-Go cell (time and latency come from
/// the time processes: [`time_process`]).
#[derive(Clone, Debug, PartialEq)]
pub struct GoCellFigures {
    /// Units the region is normalised by (0 when the harness did not run).
    pub units: u64,
    /// What a unit is.
    pub units_name: String,
    /// Accounting lens.
    pub accounting: LensReport<AccountingFigures>,
    /// Counters lens.
    pub counters: LensReport<BTreeMap<String, Counter>>,
    /// Flame graph lens.
    pub flamegraph: LensReport<FlamegraphFigures>,
    /// The Go runtime's own figures.
    pub go_runtime: LensReport<GoRuntimeFigures>,
}

impl GoCellFigures {
    /// Every lens unavailable for `reason` (asked-for ones) or skipped.
    pub fn unavailable(reason: &str, lenses: &[LensKind]) -> GoCellFigures {
        fn lens<T>(l: LensKind, reason: &str, lenses: &[LensKind]) -> LensReport<T> {
            if l == LensKind::Accounting || lenses.contains(&l) {
                LensReport::unavailable(reason)
            } else {
                skipped(l)
            }
        }
        GoCellFigures {
            units: 0,
            units_name: "operations".into(),
            accounting: lens(LensKind::Accounting, reason, lenses),
            counters: lens(LensKind::Counters, reason, lenses),
            flamegraph: lens(LensKind::Flamegraph, reason, lenses),
            go_runtime: LensReport::unavailable(reason),
        }
    }
}

fn skipped<T>(l: LensKind) -> LensReport<T> {
    LensReport::Skipped {
        skipped: format!("the {} lens was not asked for", l.name()),
    }
}

/// Why a lens of a real-Go cell has no figures although the harness ran:
/// its `unavailable` reason in the report (the message with its chain).
#[derive(Debug, thiserror::Error)]
enum GoLensError {
    /// The harness did not measure it, and said why (its answer's text).
    #[error("{reason}")]
    NotMeasured {
        /// The harness's reason.
        reason: String,
    },
    /// The harness's answer has no observed region and no reason.
    #[error("the Go harness observed no region")]
    NoRegionObserved,
    /// The harness's answer has no profile and no reason.
    #[error("the Go harness wrote no profile")]
    NoProfile,
    /// The harness timed no region.
    #[error("no region was measured")]
    NoRegionMeasured,
    /// The observed region cannot become bytes per copy path.
    #[error(transparent)]
    Derive(#[from] super::accounting::DeriveError),
    /// The harness's CPU profile cannot become a flame graph.
    #[error(transparent)]
    Profile(#[from] super::profile::GoProfileError),
}

/// The harness binary of a real-Go cell's release, or why there is none.
pub fn cell_harness(cell: &MapCell) -> Result<PathBuf, HarnessError> {
    let release = cell
        .variant
        .go_release()
        .ok_or(HarnessError::NotRealGo(cell.variant))?;
    let tc = toolchain::find(release)?;
    Ok(harness_binary(&tc)?)
}

/// Runs a real-Go cell's once-per-cell lenses (all but time, latency and
/// callgrind), writing its files (`go-spec.json`, `profile.pb.gz`,
/// `folded.txt`, `flamegraph.svg`) into the cell's folder under
/// `report_dir`. The harness times `budget.time_samples` regions here too:
/// the `go_runtime` lens's allocation and GC counters are taken around
/// them (their wall-clock time is not the time lens's). Whatever cannot
/// run — a missing toolchain, a failed build — makes the lenses
/// unavailable with the reason.
pub fn run_cell(
    cell: &MapCell,
    lenses: &[LensKind],
    budget: &Budget,
    report_dir: &Path,
) -> GoCellFigures {
    let rel = format!("cells/{}", cell.id());
    let dir = report_dir.join(&rel);
    let answer = (|| -> Result<GoResult, HarnessError> {
        let bin = cell_harness(cell)?;
        let mut asked: Vec<LensKind> = lenses
            .iter()
            .copied()
            .filter(|l| *l != LensKind::Latency)
            .collect();
        asked.push(LensKind::Time);
        let spec = Spec::new(
            cell,
            &asked,
            budget,
            &dir.join(crate::lens::flamegraph::PPROF_FILE),
        )?;
        harness::run(&bin, &spec, &dir.join(SPEC_FILE), &cell.go_runtime)
    })();
    match answer {
        Ok(r) => figures(cell, lenses, &r, report_dir, &rel),
        Err(e) => GoCellFigures::unavailable(&chain(&e), lenses),
    }
}

/// The figures of a harness answer.
pub fn figures(
    cell: &MapCell,
    lenses: &[LensKind],
    r: &GoResult,
    report_dir: &Path,
    rel_dir: &str,
) -> GoCellFigures {
    let want = |l: LensKind| lenses.contains(&l);
    let units = r.units.max(1);
    let runtime = go_runtime(r);
    let accounting = LensReport::from_result(accounting(cell, r, units));
    GoCellFigures {
        units: r.units,
        units_name: r.units_name.clone(),
        accounting,
        counters: if want(LensKind::Counters) {
            LensReport::Unavailable {
                unavailable: "perf-event counters are opened around a region of mapamp's own process; a real-Go cell's region runs in the Go harness (the callgrind lens counts its instructions)".into(),
            }
        } else {
            skipped(LensKind::Counters)
        },
        flamegraph: if want(LensKind::Flamegraph) {
            LensReport::from_result(match (&r.profile, &r.profile_unavailable) {
                (Some(info), _) => {
                    super::profile::flamegraph(info, report_dir, rel_dir).map_err(GoLensError::from)
                }
                (None, Some(why)) => Err(GoLensError::NotMeasured {
                    reason: why.clone(),
                }),
                (None, None) => Err(GoLensError::NoProfile),
            })
        } else {
            skipped(LensKind::Flamegraph)
        },
        go_runtime: LensReport::from_result(runtime),
    }
}

/// One time process of a real-Go cell: one run of the harness, asked for
/// the time lens (if `time`) and the latency lens (if `latency`) only; its
/// spec goes to `spec_file`. Each call is a fresh Go process, so the time
/// lens's processes are Go processes, as the model's are mapamp's.
pub fn time_process(
    cell: &MapCell,
    budget: &Budget,
    time: bool,
    latency: bool,
    spec_file: &Path,
) -> Result<GoResult, HarnessError> {
    let bin = cell_harness(cell)?;
    let asked: Vec<LensKind> = [(LensKind::Time, time), (LensKind::Latency, latency)]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(l, _)| *l)
        .collect();
    let dir = spec_file
        .parent()
        .ok_or_else(|| HarnessError::NoSpecFolder {
            spec_file: spec_file.to_path_buf(),
        })?;
    let spec = Spec::new(cell, &asked, budget, &dir.join("unused-profile.pb.gz"))?;
    harness::run(&bin, &spec, spec_file, &cell.go_runtime)
}

/// Derived accounting (classic or Swiss), with the runtime's heap figures (median
/// region) and structure.
fn accounting(cell: &MapCell, r: &GoResult, units: u64) -> Result<AccountingFigures, GoLensError> {
    let observed = match (&r.accounting, &r.accounting_unavailable) {
        (Some(o), _) => o,
        (None, Some(why)) => {
            return Err(GoLensError::NotMeasured {
                reason: why.clone(),
            })
        }
        (None, None) => return Err(GoLensError::NoRegionObserved),
    };
    let mut a = super::accounting::derive(observed, cell)?.figures(cell, units);
    let mut by_bytes: Vec<(u64, u64)> = r
        .samples
        .iter()
        .map(|s| (s.heap_bytes, s.heap_objects + s.tiny_allocs))
        .collect();
    by_bytes.sort_unstable();
    if let Some(&(bytes, objects)) = by_bytes.get(by_bytes.len() / 2) {
        a.heap_bytes = Some(bytes);
        a.heap_allocations = Some(objects);
    }
    a.structure = r
        .structure
        .as_ref()
        .and_then(|s| s.classic.as_ref())
        .map(|c| c.structure.clone());
    Ok(a)
}

fn spread(values: Vec<f64>, unit: &str) -> Result<Spread, GoLensError> {
    if values.is_empty() {
        return Err(GoLensError::NoRegionMeasured);
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    Ok(Spread {
        mean,
        min: values.iter().copied().fold(f64::INFINITY, f64::min),
        max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        values,
        unit: unit.into(),
        source: SOURCE.into(),
    })
}

/// The go_runtime lens: allocations and GC per region, per operation.
fn go_runtime(r: &GoResult) -> Result<GoRuntimeFigures, GoLensError> {
    let units = r.units.max(1) as f64;
    let col = |f: &dyn Fn(&harness::GoSample) -> f64| r.samples.iter().map(f).collect::<Vec<f64>>();
    let heap_bytes = spread(col(&|s| s.heap_bytes as f64), "bytes")?;
    let heap_objects = spread(col(&|s| s.heap_objects as f64), "objects")?;
    let tiny = spread(col(&|s| s.tiny_allocs as f64), "objects")?;
    let gc_cpu = match &r.gc_cpu_unavailable {
        Some(why) => LensReport::Unavailable {
            unavailable: why.clone(),
        },
        None => LensReport::from_result(spread(
            col(&|s| s.gc_cpu_seconds.unwrap_or(f64::NAN)),
            "cpu-seconds",
        )),
    };
    let default = |v: &str| {
        if v.is_empty() {
            "default".to_string()
        } else {
            v.to_string()
        }
    };
    Ok(GoRuntimeFigures {
        go_version: r.go_version.clone(),
        gogc: default(&r.gogc),
        gomemlimit: default(&r.gomemlimit),
        gomaxprocs: r.gomaxprocs,
        samples: r.samples.len() as u64,
        heap_bytes_per_op: Measured {
            value: heap_bytes.mean / units,
            unit: "bytes/op".into(),
            source: SOURCE.into(),
        },
        allocs_per_op: Measured {
            value: (heap_objects.mean + tiny.mean) / units,
            unit: "allocs/op".into(),
            source: SOURCE.into(),
        },
        heap_bytes,
        heap_objects,
        tiny_allocs: tiny,
        gc_cycles: spread(col(&|s| s.gc_cycles as f64), "gc-cycles")?,
        gc_cpu_seconds: gc_cpu,
        structure: r.structure.clone(),
    })
}

/// The callgrind command of a real-Go cell: the harness's region mode on
/// the spec the native phase wrote, its environment, and the region's
/// function pattern for `--toggle-collect`.
pub fn callgrind_command(
    cell: &MapCell,
    cell_dir: &Path,
) -> Result<(Vec<OsString>, harness::EnvChanges), HarnessError> {
    let bin = cell_harness(cell)?;
    let spec = cell_dir.join(SPEC_FILE);
    if !spec.is_file() {
        return Err(HarnessError::SpecMissing { spec_file: spec });
    }
    Ok(harness::region_command(&bin, &spec, &cell.go_runtime))
}

/// `--toggle-collect` pattern of the harness's region function.
pub const REGION_PATTERN: &str = "*harness.measuredRegion";
