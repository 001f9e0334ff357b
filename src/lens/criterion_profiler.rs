//! A criterion [`Profiler`] that writes a flame graph of each benchmark.
//!
//! criterion's own pprof integration (pprof's `criterion` feature) is built
//! against an older criterion, so mapamp carries this small one instead.
//! With it installed, `cargo bench --bench NAME -- --profile-time 10` runs
//! each benchmark for 10 s under pprof's sampler and writes, into the
//! benchmark's folder under `target/criterion/`:
//!
//! - `folded.txt` — inferno folded stacks of the benchmark thread;
//! - `flamegraph.svg` — their flame graph.
//!
//! Stacks are cut at the measured region when the benchmark runs its work
//! inside [`crate::region::measured_region`] (the flame graph then shows the
//! region only, as `mapamp run` does); a benchmark that never enters the
//! region gets its whole stacks, and a note on stderr says so.
//!
//! ```no_run
//! use criterion::{criterion_group, criterion_main, Criterion};
//! use mapamp::lens::criterion_profiler::RegionProfiler;
//!
//! fn bench(c: &mut Criterion) {
//!     c.bench_function("sum", |b| {
//!         b.iter(|| mapamp::region::measured_region(|| (0..1000u64).sum::<u64>()))
//!     });
//! }
//! criterion_group! {
//!     name = benches;
//!     config = Criterion::default().with_profiler(RegionProfiler::default());
//!     targets = bench
//! }
//! criterion_main!(benches);
//! ```

use super::error::LensError;
use super::flamegraph::{
    collect, current_thread, one_at_a_time, render_svg, start_sampling, DEFAULT_FREQUENCY_HZ,
    FOLDED_FILE, SVG_FILE,
};
use crate::error::chain;
use crate::fsutil::write_atomic;
use criterion::profiler::Profiler;
use std::path::Path;
use std::sync::MutexGuard;

/// Samples each profiled benchmark and writes its flame graph.
pub struct RegionProfiler {
    frequency_hz: u32,
    running: Option<Running>,
}

/// A profile in progress.
struct Running {
    guard: pprof::ProfilerGuard<'static>,
    thread: u64,
    /// Held while sampling: no other sampling run starts meanwhile.
    _one_at_a_time: MutexGuard<'static, ()>,
}

impl RegionProfiler {
    /// A profiler sampling at `frequency_hz`.
    pub fn new(frequency_hz: u32) -> RegionProfiler {
        RegionProfiler {
            frequency_hz,
            running: None,
        }
    }

    /// Writes the flame graph of the samples so far into `dir`.
    fn write(
        &self,
        running: &Running,
        benchmark_id: &str,
        dir: &Path,
    ) -> Result<String, LensError> {
        let sampled = collect(&running.guard, Some(running.thread))?;
        let (stacks, what) = if sampled.region.is_empty() {
            (
                &sampled.whole,
                "whole stacks: the benchmark never entered the measured region",
            )
        } else {
            (&sampled.region, "stacks cut at the measured region")
        };
        let subtitle = format!(
            "{} samples (sampling asked at {} Hz); {what}",
            stacks.samples(),
            self.frequency_hz
        );
        let svg = render_svg(stacks, benchmark_id, &subtitle)?;
        write_atomic(&dir.join(FOLDED_FILE), stacks.to_text().as_bytes())?;
        write_atomic(&dir.join(SVG_FILE), &svg)?;
        Ok(subtitle)
    }
}

impl Default for RegionProfiler {
    /// Samples at [`DEFAULT_FREQUENCY_HZ`].
    fn default() -> RegionProfiler {
        RegionProfiler::new(DEFAULT_FREQUENCY_HZ)
    }
}

impl Profiler for RegionProfiler {
    fn start_profiling(&mut self, benchmark_id: &str, _benchmark_dir: &Path) {
        let lock = one_at_a_time();
        match start_sampling(self.frequency_hz) {
            Ok(guard) => {
                self.running = Some(Running {
                    guard,
                    thread: current_thread(),
                    _one_at_a_time: lock,
                })
            }
            Err(e) => eprintln!("mapamp profiler: {benchmark_id}: {e}"),
        }
    }

    fn stop_profiling(&mut self, benchmark_id: &str, benchmark_dir: &Path) {
        let Some(running) = self.running.take() else {
            return;
        };
        match self.write(&running, benchmark_id, benchmark_dir) {
            Ok(summary) => eprintln!(
                "mapamp profiler: {benchmark_id}: {} ({summary})",
                benchmark_dir.join(SVG_FILE).display()
            ),
            Err(e) => eprintln!("mapamp profiler: {benchmark_id}: {}", chain(&e)),
        }
    }
}
