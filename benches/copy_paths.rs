//! Every cell of a profile in criterion: one benchmark group per scenario
//! (copy path or whole workload), benchmark ids = cell ids.
//!
//! Matrix: the profile's scenario × variant × configuration × N × keys ×
//! key size × value size, plus its locate matrix (`MAPAMP_PROFILE`, a name
//! or a path; default `quick`). Each cell is prepared once; each iteration
//! copies that state (not timed: `iter_batched`, one copy per run) and
//! times the measured region on the copy.
//! Throughput is reported in elements (the region's units: writes,
//! operations, entries evacuated, locates) and payload bytes.
//!
//! ```text
//! MAPAMP_PROFILE=smoke cargo bench --bench copy_paths -- --test   # run each cell once
//! cargo bench --bench copy_paths -- 'evacuate_double/gomap'        # criterion filter
//! MAPAMP_MEASURE=instructions cargo bench --bench copy_paths       # a hardware counter instead of time
//! cargo bench --bench copy_paths -- --profile-time 5               # flame graphs of each region
//! ```
//!
//! `MAPAMP_MEASURE` takes `cycles`, `instructions`, `cache-misses`,
//! `cache-references`, `branch-misses`, `l1d-read-misses` or
//! `dtlb-read-misses`; where the counter cannot be opened (no PMU, as in
//! most VMs, or `perf_event_paranoid`) the bench stops with the reason
//! instead of reporting zeros.

mod common;

use criterion::measurement::{Measurement, WallTime};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use mapamp::accounting::Off;
use mapamp::lens::criterion_profiler::RegionProfiler;
use mapamp::lens::perf_measurement::PerfMeasurement;
use mapamp::profile::Profile;
use mapamp::scenario::{prepare_any, CellSpec};
use std::time::Duration;

fn prepare(cell: &CellSpec) -> Box<dyn mapamp::scenario::Runnable> {
    prepare_any::<Off>(cell).unwrap_or_else(|e| panic!("{}: {e}", cell.id()))
}

fn bench_profile<M: Measurement>(c: &mut Criterion<M>, p: &Profile) {
    for (scenario, cells) in common::cells_by_scenario(p) {
        let mut g = c.benchmark_group(scenario.name());
        g.sample_size(p.budget.criterion_samples);
        g.measurement_time(Duration::from_millis(p.budget.criterion_ms));
        g.warm_up_time(Duration::from_millis(p.budget.warmup_ms.max(10)));
        for cell in cells {
            let id = cell.id();
            // Prepared once; every iteration runs the region on a fresh
            // copy of that state (copying is setup, not timed), so cells
            // whose setup is long (same-size growth after churn) stay cheap.
            let prepared = prepare(&cell);
            let units = prepared.units();
            g.throughput(Throughput::ElementsAndBytes {
                elements: units,
                bytes: units * cell.bytes_per_unit(),
            });
            // The group is the scenario; the id's remaining segments name the cell.
            let rest = id
                .as_str()
                .split_once('/')
                .map_or(id.as_str(), |(_, r)| r)
                .to_string();
            g.bench_function(BenchmarkId::from_parameter(rest), |b| {
                b.iter_batched(
                    || prepared.snapshot(),
                    |mut r| r.run(),
                    BatchSize::PerIteration,
                )
            });
        }
        g.finish();
    }
}

fn main() {
    let p = common::profile();
    let profiler = RegionProfiler::new(p.budget.flamegraph_hz);
    match std::env::var("MAPAMP_MEASURE").ok().filter(|m| m != "time") {
        None => {
            let mut c = Criterion::<WallTime>::default()
                .with_profiler(profiler)
                .configure_from_args();
            bench_profile(&mut c, &p);
            c.final_summary();
        }
        Some(counter) => match PerfMeasurement::new(&counter) {
            Ok(m) => {
                let mut c = Criterion::default()
                    .with_measurement(m)
                    .with_profiler(profiler)
                    .configure_from_args();
                bench_profile(&mut c, &p);
                c.final_summary();
            }
            Err(reason) => {
                eprintln!("mapamp bench: MAPAMP_MEASURE={counter}: {reason}");
                eprintln!("mapamp bench: unset MAPAMP_MEASURE to measure wall-clock time instead");
                std::process::exit(2);
            }
        },
    }
}
