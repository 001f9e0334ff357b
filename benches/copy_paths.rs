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
//! `dtlb-read-misses`. Counter runs name their groups `<scenario>@<counter>`
//! so criterion never compares counts with a time baseline (and `mapamp
//! compare` does not read them as times). Where the counter cannot be
//! opened (no PMU, as in most VMs, or `perf_event_paranoid`) the bench
//! prints a notice with the reason instead of reporting zeros, writes it to
//! `target/criterion/NOTICE-copy_paths.txt` and exits 0, so the other bench
//! targets still run (`MAPAMP_BENCH_STRICT=1`: exit 1).
//!
//! Each cell prints `copy_paths: cell i of n: <id>` on stderr as it starts
//! (n: the cells criterion's filter selects).

mod common;

use common::args::{BenchArgs, Mode};
use common::notice::{self, MissingTool};
use common::Progress;
use criterion::measurement::{Measurement, WallTime};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use mapamp::accounting::Off;
use mapamp::lens::criterion_profiler::RegionProfiler;
use mapamp::lens::perf_measurement::{PerfMeasurement, COUNTER_NAMES};
use mapamp::profile::Profile;
use mapamp::scenario::{prepare_any, CellSpec};
use std::time::Duration;

const BENCH: &str = "copy_paths";

fn prepare(cell: &CellSpec) -> Box<dyn mapamp::scenario::Runnable> {
    prepare_any::<Off>(cell).unwrap_or_else(|e| panic!("{}: {e}", cell.id()))
}

/// `counter`: the perf counter measured instead of time, if any; it
/// suffixes the group names (`assign@cycles`).
fn bench_profile<M: Measurement>(
    c: &mut Criterion<M>,
    p: &Profile,
    args: &BenchArgs,
    counter: Option<&str>,
) {
    let group_name = |scenario: &str| match counter {
        Some(m) => format!("{scenario}@{m}"),
        None => scenario.to_string(),
    };
    let by_scenario = common::cells_by_scenario(p);
    let selected = |scenario: &str, cell: &CellSpec| {
        let id = cell.id();
        let rest = id.as_str().split_once('/').map_or("", |(_, r)| r);
        args.selects(&format!("{}/{rest}", group_name(scenario)))
    };
    let total = by_scenario
        .iter()
        .map(|(s, cells)| cells.iter().filter(|c| selected(s.name(), c)).count())
        .sum();
    let mut progress = Progress::new(BENCH, total);
    for (scenario, cells) in by_scenario {
        let mut g = c.benchmark_group(group_name(scenario.name()));
        g.sample_size(p.budget.criterion_samples);
        g.measurement_time(Duration::from_millis(p.budget.criterion_ms));
        g.warm_up_time(Duration::from_millis(p.budget.warmup_ms.max(10)));
        for cell in cells {
            // Cells the filter leaves out are not prepared (criterion would
            // skip them anyway).
            if !selected(scenario.name(), &cell) {
                continue;
            }
            let id = cell.id();
            // The group is the scenario; the id's remaining segments name the cell.
            let rest = id
                .as_str()
                .split_once('/')
                .map_or(id.as_str(), |(_, r)| r)
                .to_string();
            if args.mode == Mode::List {
                g.bench_function(BenchmarkId::from_parameter(rest), |b| b.iter(|| ()));
                continue;
            }
            progress.next(id.as_str());
            // Prepared once; every iteration runs the region on a fresh
            // copy of that state (copying is setup, not timed), so cells
            // whose setup is long (same-size growth after churn) stay cheap.
            let prepared = prepare(&cell);
            let units = prepared.units();
            g.throughput(Throughput::ElementsAndBytes {
                elements: units,
                bytes: units * cell.bytes_per_unit(),
            });
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
    let args = BenchArgs::from_env();
    let p = common::profile();
    let profiler = RegionProfiler::new(p.budget.flamegraph_hz);
    let notice_file = notice::notice_file("criterion", BENCH);
    match std::env::var("MAPAMP_MEASURE").ok().filter(|m| m != "time") {
        None => {
            notice::clear(&notice_file);
            let mut c = Criterion::<WallTime>::default()
                .with_profiler(profiler)
                .configure_from_args();
            bench_profile(&mut c, &p, &args, None);
            c.final_summary();
        }
        Some(counter) if !COUNTER_NAMES.contains(&counter.as_str()) => {
            eprintln!(
                "mapamp bench: MAPAMP_MEASURE={counter} is not a counter; valid: time, {}",
                COUNTER_NAMES.join(", ")
            );
            std::process::exit(2);
        }
        Some(counter) => match PerfMeasurement::new(&counter) {
            Ok(m) => {
                notice::clear(&notice_file);
                let mut c = Criterion::default()
                    .with_measurement(m)
                    .with_profiler(profiler)
                    .configure_from_args();
                bench_profile(&mut c, &p, &args, Some(&counter));
                c.final_summary();
            }
            Err(reason) => MissingTool {
                bench: BENCH.into(),
                missing: format!(
                    "the hardware counter MAPAMP_MEASURE={counter}: {}",
                    mapamp::error::chain(&reason)
                ),
                would_measure: format!(
                    "{counter} per run of each cell's measured region, in criterion, instead of wall-clock time"
                ),
                install: "none: a CPU performance-monitoring unit cannot be installed; it needs bare metal or a VM with PMU passthrough (and kernel.perf_event_paranoid <= 2). Unset MAPAMP_MEASURE to measure wall-clock time".into(),
            }
            .exit(&notice_file),
        },
    }
}
