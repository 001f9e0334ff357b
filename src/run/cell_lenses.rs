//! The lenses that run inside a cell's own process: accounting, time,
//! latency, counters and flame graph. Every lens prepares the cell afresh
//! and runs the same measured region ([`crate::scenario`]); the time,
//! latency, counter and profile lenses run with accounting compiled out.

use crate::accounting::{Counting, Off};
use crate::alloc_count;
use crate::lens;
use crate::profile::{Budget, LensKind};
use crate::report::schema::{
    AccountingFigures, Counter, FlamegraphFigures, Isolation, LatencyFigures, Lens, TimeFigures,
};
use crate::scenario::{prepare_any, CellSpec, PerOpTimer, Runnable};
use crate::stats;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

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
    pub accounting: Lens<AccountingFigures>,
    /// Time lens.
    pub time: Lens<TimeFigures>,
    /// Latency lens.
    pub latency: Lens<LatencyFigures>,
    /// Counters lens.
    pub counters: Lens<BTreeMap<String, Counter>>,
    /// Flame graph lens.
    pub flamegraph: Lens<FlamegraphFigures>,
    /// The io lens (io cells only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io: Option<Lens<crate::io::IoFigures>>,
}

impl InProcess {
    /// Every lens of `cell` unavailable for one reason (its process failed,
    /// or its io path was refused).
    pub fn unavailable(cell: &CellSpec, reason: &str) -> InProcess {
        fn no<T>(reason: &str) -> Lens<T> {
            Lens::Unavailable {
                unavailable: reason.to_string(),
            }
        }
        InProcess {
            units: 0,
            units_name: "operations".into(),
            bytes_per_unit: cell.bytes_per_unit(),
            accounting: no(reason),
            time: no(reason),
            latency: no(reason),
            counters: no(reason),
            flamegraph: no(reason),
            io: matches!(cell, CellSpec::Io(_)).then(|| no(reason)),
        }
    }
}

fn skipped<T>(lens: LensKind) -> Lens<T> {
    Lens::Skipped {
        skipped: format!("the {} lens was not asked for", lens.name()),
    }
}

fn fresh(cell: &CellSpec) -> Result<Box<dyn Runnable>, String> {
    prepare_any::<Off>(cell)
}

/// Runs the asked-for in-process lenses of one cell.
pub fn run(
    cell: &CellSpec,
    lenses: &[LensKind],
    budget: &Budget,
    report_dir: &Path,
) -> Result<InProcess, String> {
    let want = |l: LensKind| lenses.contains(&l);
    // An io cell's own lens runs first: a path refused here (a busy port,
    // no io_uring) makes every lens of the cell unavailable with its reason.
    let io = match cell {
        CellSpec::Io(c) => match io_lens(c, budget) {
            Ok(f) => Some(Lens::Ok(f)),
            Err(reason) => return Ok(InProcess::unavailable(cell, &reason)),
        },
        _ => None,
    };
    let probe = fresh(cell)?;
    let units = probe.units();
    let units_name = probe.units_name().to_string();
    drop(probe);
    let bpu = cell.bytes_per_unit();
    Ok(InProcess {
        units,
        units_name,
        bytes_per_unit: bpu,
        accounting: accounting(cell),
        time: if want(LensKind::Time) {
            lens_or_unavailable(time(cell, budget, bpu))
        } else {
            skipped(LensKind::Time)
        },
        latency: if want(LensKind::Latency) {
            lens_or_unavailable(latency(cell))
        } else {
            skipped(LensKind::Latency)
        },
        counters: if want(LensKind::Counters) {
            lens_or_unavailable(counters(cell))
        } else {
            skipped(LensKind::Counters)
        },
        flamegraph: if want(LensKind::Flamegraph) {
            lens_or_unavailable(flamegraph(cell, budget, report_dir))
        } else {
            skipped(LensKind::Flamegraph)
        },
        io,
    })
}

/// The io lens: repeated checked sends for at least a quarter of the time
/// lens's budget (at most 1000 sends).
fn io_lens(cell: &crate::io::IoCell, budget: &Budget) -> Result<crate::io::IoFigures, String> {
    crate::io::cell::measure(cell, Duration::from_millis(budget.time_ms / 4), 1000)
}

fn lens_or_unavailable<T>(r: Result<T, String>) -> Lens<T> {
    match r {
        Ok(t) => Lens::Ok(t),
        Err(unavailable) => Lens::Unavailable { unavailable },
    }
}

/// Bytes per copy path of one region run, with exact (or derived) accounting.
fn accounting(cell: &CellSpec) -> Lens<AccountingFigures> {
    let m = match cell {
        CellSpec::Map(m) => m,
        CellSpec::Locate(_) => {
            return Lens::Skipped {
                skipped: "a locate cell writes nothing into a map".into(),
            }
        }
        CellSpec::Io(_) => {
            return Lens::Skipped {
                skipped: "an io cell writes into no map: its copies per byte are in the io lens"
                    .into(),
            }
        }
    };
    let result = (|| -> Result<AccountingFigures, String> {
        let mut r = prepare_any::<Counting>(cell)?;
        let before = r
            .accounting()
            .ok_or("the map was built without accounting")?;
        let (_, heap) = alloc_count::measure(|| r.run());
        let a = r
            .accounting()
            .ok_or("the map was built without accounting")?
            .since(&before);
        let total = a.total_bytes();
        let isolation = m.isolation_target().map(|t| {
            let path = m.scenario.path().expect("isolated scenarios have a path");
            Isolation {
                path: path.name().into(),
                share: if total == 0 {
                    0.0
                } else {
                    a.bytes_written.get(path) as f64 / total as f64
                },
                target: t.share,
                reason: t.reason,
            }
        });
        Ok(AccountingFigures {
            exactness: r.exactness().ok_or("no accounting")?,
            payload_bytes: a.payload_bytes,
            bytes_written: a.bytes_written,
            total_bytes: total,
            write_amplification: a.write_amplification(),
            bytes_per_op: total as f64 / r.units().max(1) as f64,
            isolation,
            model_allocations: a.model_allocations,
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
    lens_or_unavailable(result)
}

/// Warm-up, then `time_samples` samples, each a fresh setup and one timed
/// region; cells whose setup is slow stop after `time_ms` of wall-clock
/// time (but never below 3 samples; the count is in the figures).
fn time(cell: &CellSpec, budget: &Budget, bytes_per_unit: u64) -> Result<TimeFigures, String> {
    let warm_until = Instant::now() + Duration::from_millis(budget.warmup_ms);
    loop {
        fresh(cell)?.run();
        if Instant::now() >= warm_until {
            break;
        }
    }
    let mut samples = Vec::with_capacity(budget.time_samples);
    let mut units = 1;
    let deadline = Instant::now() + Duration::from_millis(budget.time_ms);
    for i in 0..budget.time_samples {
        if i >= 3 && Instant::now() >= deadline {
            break;
        }
        let mut r = fresh(cell)?;
        units = r.units().max(1);
        let t = Instant::now();
        r.run();
        let ns = t.elapsed().as_nanos() as f64;
        samples.push(ns / units as f64);
    }
    let median = stats::median(&samples).ok_or("no samples")?;
    let (ci_low, ci_high) =
        stats::bootstrap_median_ci(&samples, 2000, 0x7469_6d65).ok_or("no samples")?;
    let ops_per_s = 1e9 / median.max(f64::MIN_POSITIVE);
    Ok(TimeFigures {
        ns_per_op: median,
        ci_low,
        ci_high,
        samples_ns_per_op: samples,
        ops_per_sample: units,
        warmup_ms: budget.warmup_ms,
        ops_per_s,
        payload_bytes_per_s: (bytes_per_unit > 0).then_some(ops_per_s * bytes_per_unit as f64),
        accounting: "off".into(),
    })
}

/// One region run with each operation timed.
fn latency(cell: &CellSpec) -> Result<LatencyFigures, String> {
    let mut r = fresh(cell)?;
    let mut timer = PerOpTimer::default();
    r.run_timed(&mut timer);
    let mut ns = timer.ns;
    if ns.is_empty() {
        return Err("the region ran no operation".into());
    }
    ns.sort_unstable();
    let mut overhead = PerOpTimer::default();
    for _ in 0..1001 {
        use crate::scenario::OpTimer;
        overhead.begin();
        overhead.end();
    }
    overhead.ns.sort_unstable();
    let p = |q: f64| stats::percentile_sorted(&ns, q).expect("non-empty") as f64;
    Ok(LatencyFigures {
        ops: ns.len() as u64,
        p50_ns: p(50.0),
        p99_ns: p(99.0),
        p999_ns: p(99.9),
        max_ns: *ns.last().expect("non-empty") as f64,
        mean_ns: ns.iter().sum::<u64>() as f64 / ns.len() as f64,
        timer_overhead_ns: overhead.ns[overhead.ns.len() / 2] as f64,
    })
}

/// perf-event counters around one region run.
fn counters(cell: &CellSpec) -> Result<BTreeMap<String, Counter>, String> {
    let mut r = fresh(cell)?;
    let units = r.units().max(1);
    let (_, counters) = lens::counters::count(units, || r.run());
    Ok(counters)
}

/// Sampling profile of the region, replayed on copies of one prepared
/// state (the copying is left out of the profile) until the regions add up
/// to the budget's time, or four times that much wall-clock time has
/// passed (too few samples are flagged with `too_few_samples`).
fn flamegraph(
    cell: &CellSpec,
    budget: &Budget,
    report_dir: &Path,
) -> Result<FlamegraphFigures, String> {
    let rel = format!("cells/{}", cell.id());
    let budget_time = Duration::from_millis(budget.flamegraph_ms);
    let options = lens::flamegraph::ProfileOptions {
        frequency_hz: budget.flamegraph_hz,
        ..lens::flamegraph::ProfileOptions::new(rel.clone(), budget_time)
    };
    // Prepare once and replay the region on copies of that state: the
    // stacks are the region's either way, and cells whose setup dwarfs
    // their region (one same-size evacuation after long churn) still get
    // enough samples.
    let prepared = fresh(cell)?;
    lens::flamegraph::profile_region_time(report_dir, &rel, &options, 4 * budget_time, || {
        let mut r = prepared.snapshot();
        let t = Instant::now();
        r.run();
        t.elapsed()
    })
}
