//! The time and latency lenses, measured in several processes per cell.
//!
//! [`measure`] is one process's part (`mapamp cell-run --time-process K`):
//! a warm-up, then up to `budget.time_samples` samples, each the reference
//! workload timed once ([`super::reference`]), then a fresh setup and one
//! timed region; then one region with every operation timed (latency). It
//! writes `cells/<id>/time/<K>.json`. A real-Go cell's process runs the Go
//! harness once instead ([`crate::golang::figures::time_process`]): its
//! samples are that Go process's, and it has no reference timing (the
//! reference workload is Rust code in mapamp's process, not in the Go
//! process), so its `vs_reference` is absent. [`assemble_time`] and [`assemble_latency`] turn a cell's process
//! files into the report's [`TimeFigures`] and [`LatencyFigures`]: one value
//! per process, figures and intervals over processes
//! ([`crate::stats::replicates`]), every sample kept with its process index.

use super::cell_lenses::fresh;
use super::error::CellLensError;
use super::reference::{Reference, REFERENCE_ID, REFERENCE_KEYS};
use crate::profile::Budget;
use crate::report::schema::{
    Latency, LatencyFigures, LensReport, ProcessLatency, ProcessTime, RelativeTime, TimeFigures,
};
use crate::scenario::{CellSpec, OpTimer, PerOpTimer};
use crate::stats::{self, replicates};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Seed of the bootstrap intervals (fixed: the same samples give the same interval).
const BOOTSTRAP_SEED: u64 = 0x7469_6d65;
/// Bootstrap resamples.
const RESAMPLES: usize = 2000;

/// What one time process measured (`cells/<id>/time/<process>.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessRun {
    /// Process index: the schedule's round.
    pub process: usize,
    /// The cell's position in that round.
    pub slot: usize,
    /// Time samples, or why there are none.
    pub time: LensReport<ProcessSamples>,
    /// Latency percentiles, or why there are none.
    pub latency: LensReport<ProcessLatency>,
}

/// One process's time samples.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessSamples {
    /// ns per operation of each sample.
    pub samples_ns_per_op: Vec<f64>,
    /// The reference's ns per key, timed just before each sample's setup.
    pub reference_ns: Vec<f64>,
    /// Operations per sample.
    pub ops_per_sample: u64,
    /// Warm-up before the first sample, ms.
    pub warmup_ms: u64,
    /// Samples redone because the scheduler preempted the process during them.
    pub redone: usize,
}

fn skipped<T>(what: &str) -> LensReport<T> {
    LensReport::Skipped {
        skipped: format!("the {what} lens was not asked for"),
    }
}

/// One time process of a cell: the time lens (if `time`) and the latency
/// lens (if `latency`). A real-Go cell writes the Go harness's spec to
/// `go_spec` (in the cell's `time/` folder).
pub fn measure(
    cell: &CellSpec,
    budget: &Budget,
    time: bool,
    latency: bool,
    (process, slot): (usize, usize),
    go_spec: &std::path::Path,
) -> ProcessRun {
    if let CellSpec::Map(m) = cell {
        if m.variant.go_release().is_some() {
            return measure_go(m, budget, (time, latency), (process, slot), go_spec);
        }
    }
    ProcessRun {
        process,
        slot,
        time: if time {
            LensReport::from_result(samples(cell, budget))
        } else {
            skipped("time")
        },
        latency: if latency {
            LensReport::from_result(latency_percentiles(cell, process))
        } else {
            skipped("latency")
        },
    }
}

/// One time process of a real-Go cell: one run of the Go harness. Every
/// sample is one region of that Go process (a fresh map each); the
/// latency lens is one region with each operation timed, in the same run.
fn measure_go(
    cell: &crate::scenario::MapCell,
    budget: &Budget,
    (time, latency): (bool, bool),
    (process, slot): (usize, usize),
    spec_file: &std::path::Path,
) -> ProcessRun {
    let answer = crate::golang::figures::time_process(cell, budget, time, latency, spec_file);
    let (time_lens, latency_lens) = match answer {
        Err(e) => {
            let why = crate::error::chain(&e);
            (
                LensReport::unavailable(why.clone()),
                LensReport::unavailable(why),
            )
        }
        Ok(r) => {
            let units = r.units.max(1);
            let samples = || -> Result<ProcessSamples, CellLensError> {
                if r.samples.is_empty() {
                    return Err(CellLensError::GoNoRegionTimed);
                }
                Ok(ProcessSamples {
                    samples_ns_per_op: r
                        .samples
                        .iter()
                        .map(|s| s.region_ns as f64 / units as f64)
                        .collect(),
                    reference_ns: Vec::new(),
                    ops_per_sample: units,
                    warmup_ms: r.warmup_ms,
                    redone: 0,
                })
            };
            let lat = || -> Result<ProcessLatency, CellLensError> {
                let ns = r
                    .latency_ns
                    .clone()
                    .ok_or(CellLensError::GoNoOperationTimed)?;
                let overhead = r
                    .timer_overhead_ns
                    .ok_or(CellLensError::GoNoTimerOverhead)?;
                latency_of(process, ns, overhead as f64)
            };
            (
                LensReport::from_result(samples()),
                LensReport::from_result(lat()),
            )
        }
    };
    ProcessRun {
        process,
        slot,
        time: if time { time_lens } else { skipped("time") },
        latency: if latency {
            latency_lens
        } else {
            skipped("latency")
        },
    }
}

/// Involuntary context switches of the calling thread so far (`None` if
/// the kernel does not say).
fn involuntary_switches() -> Option<i64> {
    // Linux's `RUSAGE_THREAD` (not in the libc crate for glibc targets).
    const RUSAGE_THREAD: libc::c_int = 1;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes one `rusage` through the valid pointer.
    let rc = unsafe { libc::getrusage(RUSAGE_THREAD, usage.as_mut_ptr()) };
    // SAFETY: the struct was zeroed, and filled in on success.
    (rc == 0).then(|| unsafe { usage.assume_init() }.ru_nivcsw)
}

/// Runs `f` timed; `true` when the scheduler took the CPU away meanwhile
/// (an involuntary context switch), so the time includes someone else's.
fn timed<R>(f: impl FnOnce() -> R) -> (Duration, bool) {
    let before = involuntary_switches();
    let t = Instant::now();
    std::hint::black_box(f());
    let elapsed = t.elapsed();
    (elapsed, before != involuntary_switches())
}

/// The reference's ns per key, retimed (up to 3 times) while preempted.
fn reference_ns(reference: &mut Reference) -> f64 {
    let mut tries = 0;
    loop {
        let (t, preempted) = timed(|| reference.run());
        tries += 1;
        if !preempted || tries == 3 {
            return t.as_nanos() as f64 / REFERENCE_KEYS as f64;
        }
    }
}

/// Warm-up, then samples until `time_samples`, or until `time_ms` has
/// passed since the warm-up ended (at least one sample). Every iteration
/// times the reference, then prepares the cell afresh; iterations whose
/// setup ends before the warm-up deadline run the region untimed. A cell
/// whose setup outlasts the warm-up (a same-size growth after long churn)
/// so spends no extra setup on warming up: the setup itself has warmed the
/// caches, the allocator and the clock.
///
/// A sample during which the scheduler preempted the process is redone
/// (at most `4 × time_samples` times a process): its wall-clock time
/// includes another program's. Where no undisturbed sample comes before
/// the deadline, the first disturbed one is kept; `redone` counts them.
fn samples(cell: &CellSpec, budget: &Budget) -> Result<ProcessSamples, CellLensError> {
    let mut reference = Reference::new();
    let warm_until = Instant::now() + Duration::from_millis(budget.warmup_ms);
    let deadline = warm_until + Duration::from_millis(budget.time_ms);
    let max_redo = 4 * budget.time_samples;
    let mut out = ProcessSamples {
        samples_ns_per_op: Vec::with_capacity(budget.time_samples),
        reference_ns: Vec::with_capacity(budget.time_samples),
        ops_per_sample: 1,
        warmup_ms: budget.warmup_ms,
        redone: 0,
    };
    let mut disturbed: Option<(f64, f64)> = None;
    while out.samples_ns_per_op.len() < budget.time_samples {
        // The reference first, then the setup: the region starts from the
        // caches its own setup left, as it always has.
        let reference_ns = reference_ns(&mut reference);
        let mut r = fresh(cell)?;
        if Instant::now() < warm_until {
            r.run();
            continue;
        }
        let units = r.units().max(1);
        out.ops_per_sample = units;
        let (elapsed, preempted) = timed(|| r.run());
        let ns = elapsed.as_nanos() as f64 / units as f64;
        let late = Instant::now() >= deadline;
        if preempted && out.redone < max_redo {
            out.redone += 1;
            disturbed.get_or_insert((ns, reference_ns));
            if late && out.samples_ns_per_op.is_empty() {
                let (ns, reference_ns) = disturbed.expect("just set");
                out.samples_ns_per_op.push(ns);
                out.reference_ns.push(reference_ns);
            }
        } else {
            out.samples_ns_per_op.push(ns);
            out.reference_ns.push(reference_ns);
        }
        if late && !out.samples_ns_per_op.is_empty() {
            break;
        }
    }
    Ok(out)
}

/// One region run with each operation timed.
fn latency_percentiles(cell: &CellSpec, process: usize) -> Result<ProcessLatency, CellLensError> {
    let mut r = fresh(cell)?;
    let mut timer = PerOpTimer::default();
    r.run_timed(&mut timer);
    let mut overhead = PerOpTimer::default();
    for _ in 0..1001 {
        overhead.begin();
        overhead.end();
    }
    overhead.ns.sort_unstable();
    latency_of(process, timer.ns, overhead.ns[overhead.ns.len() / 2] as f64)
}

/// One process's latency figures from every operation's duration (any
/// order) and the timer's overhead.
fn latency_of(
    process: usize,
    mut ns: Vec<u64>,
    timer_overhead_ns: f64,
) -> Result<ProcessLatency, CellLensError> {
    if ns.is_empty() {
        return Err(CellLensError::NoOperation);
    }
    ns.sort_unstable();
    let p = |q: f64| stats::percentile_sorted(&ns, q).expect("non-empty") as f64;
    Ok(ProcessLatency {
        process,
        latency: Latency {
            ops: ns.len() as u64,
            p50_ns: p(50.0),
            p99_ns: p(99.0),
            p999_ns: p(99.9),
            max_ns: *ns.last().expect("non-empty") as f64,
            mean_ns: ns.iter().sum::<u64>() as f64 / ns.len() as f64,
            timer_overhead_ns,
        },
    })
}

/// The first reason among processes that gave no figures.
fn failure<T>(lenses: &[&LensReport<T>]) -> Option<LensReport<()>> {
    lenses.iter().find_map(|l| match l {
        LensReport::Ok(_) => None,
        LensReport::Unavailable { unavailable } => Some(LensReport::Unavailable {
            unavailable: unavailable.clone(),
        }),
        LensReport::Skipped { skipped } => Some(LensReport::Skipped {
            skipped: skipped.clone(),
        }),
    })
}

fn relay<T>(l: LensReport<()>) -> LensReport<T> {
    match l {
        LensReport::Unavailable { unavailable } => LensReport::Unavailable { unavailable },
        LensReport::Skipped { skipped } => LensReport::Skipped { skipped },
        LensReport::Ok(()) => unreachable!("only failures are relayed"),
    }
}

/// A cell's time figures from its processes (in process order). A process
/// that gave no samples makes the lens unavailable with its reason: a
/// figure from the processes that happened to work would hide a fault.
pub fn assemble_time(runs: &[ProcessRun], bytes_per_unit: u64) -> LensReport<TimeFigures> {
    let lenses: Vec<&LensReport<ProcessSamples>> = runs.iter().map(|r| &r.time).collect();
    if let Some(f) = failure(&lenses) {
        return relay(f);
    }
    let ok: Vec<(&ProcessRun, &ProcessSamples)> = runs
        .iter()
        .filter_map(|r| r.time.ok().map(|s| (r, s)))
        .collect();
    if ok.is_empty() {
        return LensReport::Unavailable {
            unavailable: "no time process ran".into(),
        };
    }
    let samples: Vec<Vec<f64>> = ok
        .iter()
        .map(|(_, s)| s.samples_ns_per_op.clone())
        .collect();
    let ratios: Vec<Vec<f64>> = ok
        .iter()
        .map(|(_, s)| {
            s.samples_ns_per_op
                .iter()
                .zip(&s.reference_ns)
                .filter(|(_, r)| **r > 0.0)
                .map(|(x, r)| x / r)
                .collect()
        })
        .collect();
    let processes: Vec<ProcessTime> = ok
        .iter()
        .zip(&ratios)
        .map(|((run, s), ratio)| ProcessTime {
            process: run.process,
            slot: run.slot,
            samples_ns_per_op: s.samples_ns_per_op.clone(),
            median_ns_per_op: stats::median(&s.samples_ns_per_op).unwrap_or(f64::NAN),
            reference_ns: s.reference_ns.clone(),
            vs_reference: stats::median(ratio).unwrap_or(f64::NAN),
            redone: s.redone,
        })
        .collect();
    let medians: Vec<f64> = processes.iter().map(|p| p.median_ns_per_op).collect();
    let Some(ns_per_op) = replicates::center(&medians) else {
        return LensReport::Unavailable {
            unavailable: "no samples".into(),
        };
    };
    let (ci_low, ci_high) = replicates::hierarchical_ci(&samples, RESAMPLES, BOOTSTRAP_SEED)
        .unwrap_or((f64::NAN, f64::NAN));
    let vs: Vec<f64> = processes.iter().map(|p| p.vs_reference).collect();
    let vs_reference = replicates::center(&vs)
        .filter(|r| r.is_finite())
        .map(|ratio| {
            let (lo, hi) = replicates::hierarchical_ci(&ratios, RESAMPLES, BOOTSTRAP_SEED)
                .unwrap_or((f64::NAN, f64::NAN));
            RelativeTime {
                reference: REFERENCE_ID.to_string(),
                ratio,
                ci_low: lo,
                ci_high: hi,
            }
        });
    let ops_per_s = 1e9 / ns_per_op.max(f64::MIN_POSITIVE);
    LensReport::Ok(TimeFigures {
        ns_per_op,
        ci_low,
        ci_high,
        processes,
        vs_reference,
        ops_per_sample: ok[0].1.ops_per_sample,
        warmup_ms: ok[0].1.warmup_ms,
        ops_per_s,
        payload_bytes_per_s: (bytes_per_unit > 0).then_some(ops_per_s * bytes_per_unit as f64),
        accounting: "off".into(),
    })
}

/// A cell's latency figures: percentiles, mean and timer overhead are
/// medians over processes, the maximum the largest of any process.
pub fn assemble_latency(runs: &[ProcessRun]) -> LensReport<LatencyFigures> {
    let lenses: Vec<&LensReport<ProcessLatency>> = runs.iter().map(|r| &r.latency).collect();
    if let Some(f) = failure(&lenses) {
        return relay(f);
    }
    let procs: Vec<ProcessLatency> = runs
        .iter()
        .filter_map(|r| r.latency.ok().cloned())
        .collect();
    if procs.is_empty() {
        return LensReport::Unavailable {
            unavailable: "no latency process ran".into(),
        };
    }
    let med = |f: fn(&Latency) -> f64| {
        stats::median(&procs.iter().map(|p| f(&p.latency)).collect::<Vec<_>>()).expect("non-empty")
    };
    LensReport::Ok(LatencyFigures {
        summary: Latency {
            ops: procs[0].latency.ops,
            p50_ns: med(|l| l.p50_ns),
            p99_ns: med(|l| l.p99_ns),
            p999_ns: med(|l| l.p999_ns),
            max_ns: procs
                .iter()
                .map(|p| p.latency.max_ns)
                .fold(f64::MIN, f64::max),
            mean_ns: med(|l| l.mean_ns),
            timer_overhead_ns: med(|l| l.timer_overhead_ns),
        },
        processes: procs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(process: usize, samples: &[f64], reference: &[f64]) -> ProcessRun {
        ProcessRun {
            process,
            slot: process,
            time: LensReport::Ok(ProcessSamples {
                samples_ns_per_op: samples.to_vec(),
                reference_ns: reference.to_vec(),
                ops_per_sample: 100,
                warmup_ms: 5,
                redone: 1,
            }),
            latency: LensReport::Ok(ProcessLatency {
                process,
                latency: Latency {
                    ops: 100,
                    p50_ns: 10.0 + process as f64,
                    p99_ns: 100.0 + process as f64,
                    p999_ns: 1000.0,
                    max_ns: 5000.0 * (process + 1) as f64,
                    mean_ns: 20.0,
                    timer_overhead_ns: 25.0,
                },
            }),
        }
    }

    #[test]
    fn figures_are_over_processes_and_keep_every_sample() {
        let runs = vec![
            run(0, &[10.0, 11.0, 12.0], &[2.0, 2.0, 2.0]),
            run(1, &[20.0, 21.0, 22.0], &[4.0, 4.0, 4.0]),
            run(2, &[12.0, 13.0, 14.0], &[2.0, 2.0, 2.0]),
        ];
        let LensReport::Ok(t) = assemble_time(&runs, 16) else {
            panic!()
        };
        // Process medians 11, 21, 13 → 13.
        assert_eq!(t.ns_per_op, 13.0);
        assert_eq!(t.processes.len(), 3);
        assert_eq!(t.processes[1].samples_ns_per_op, vec![20.0, 21.0, 22.0]);
        assert_eq!(t.processes[1].process, 1);
        // Ratios: 5.5, 5.25, 6.5 → 5.5; the slow process 1 was slow on the
        // reference too, so the ratio hardly moves.
        let vs = t.vs_reference.unwrap();
        assert_eq!(vs.ratio, 5.5);
        assert_eq!(vs.reference, REFERENCE_ID);
        assert!(t.ci_low <= 13.0 && t.ci_high >= 13.0);
        assert_eq!(t.payload_bytes_per_s, Some(16.0 * 1e9 / 13.0));
        let LensReport::Ok(l) = assemble_latency(&runs) else {
            panic!()
        };
        let s = &l.summary;
        assert_eq!((s.p50_ns, s.p99_ns, s.max_ns), (11.0, 101.0, 15000.0));
        assert_eq!(l.processes.len(), 3);
    }

    #[test]
    fn a_failed_process_makes_the_lens_unavailable_with_its_reason() {
        let mut runs = vec![run(0, &[1.0], &[1.0]), run(1, &[1.0], &[1.0])];
        runs[1].time = LensReport::Unavailable {
            unavailable: "the cell's process failed".into(),
        };
        assert_eq!(
            assemble_time(&runs, 8),
            LensReport::Unavailable {
                unavailable: "the cell's process failed".into()
            }
        );
        assert!(assemble_latency(&runs).ok().is_some());
    }
}
