//! The flame graph lens on a real closure: samples land inside the
//! measured region, every folded stack starts at the region's frame, and
//! the setup around the region never shows.

use mapamp::lens::flamegraph::{profile, profile_region, ProfileOptions, DEFAULT_FREQUENCY_HZ};
use mapamp::region::measured_region;
use std::hint::black_box;
use std::io::Read;
use std::sync::Mutex;
use std::time::Duration;

/// A new, empty temporary folder, removed when the test ends.
fn tempdir(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(prefix).tempdir().unwrap()
}

/// The sampling timer is one per process: the two tests of this file take
/// turns. Run side by side, samples of the region were lost (the flame graph
/// test failed in two of three runs of one build, and passed in every run
/// with `--test-threads=1`).
static ONE_TEST_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Holds [`ONE_TEST_AT_A_TIME`] (a failed test does not block the other).
fn one_test_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_TEST_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Work done inside the region.
#[inline(never)]
fn region_work(n: u64) -> u64 {
    let mut acc = 0u64;
    for i in 0..n {
        acc = acc
            .wrapping_mul(6364136223846793005)
            .wrapping_add(black_box(i));
    }
    acc
}

/// As much work again, outside the region: it must not show.
#[inline(never)]
fn setup_work(n: u64) -> u64 {
    let mut acc = 1u64;
    for i in 0..n {
        acc = acc
            .wrapping_mul(2862933555777941757)
            .wrapping_add(black_box(i));
    }
    acc
}

#[test]
fn flame_graph_shows_the_region_only() {
    let _turn = one_test_at_a_time();
    let scratch = tempdir("mapamp-lens-flamegraph-");
    let dir = scratch.path().to_path_buf();
    let rel = "cells/insert/gomap/n=1000";
    let figures = profile(
        &dir,
        rel,
        DEFAULT_FREQUENCY_HZ,
        Duration::from_millis(1500),
        || {
            black_box(setup_work(2_000_000));
            black_box(measured_region(|| region_work(2_000_000)));
        },
    )
    .unwrap_or_else(|e| panic!("{}", mapamp::error::chain(&e)));
    eprintln!("{figures:?}");

    assert!(figures.samples >= 1, "{figures:?}");
    assert_eq!(figures.svg, format!("{rel}/flamegraph.svg"));
    assert_eq!(figures.folded, format!("{rel}/folded.txt"));
    assert_eq!(figures.pprof, format!("{rel}/profile.pb.gz"));
    assert_eq!(
        figures.too_few_samples,
        figures.samples < figures.min_samples
    );
    assert!(figures.wall_ms >= 1500, "{figures:?}");
    assert!(figures.duration_ms >= 1000, "{figures:?}");

    let folded = std::fs::read_to_string(dir.join(&figures.folded)).unwrap();
    let lines: Vec<&str> = folded.lines().collect();
    assert!(!lines.is_empty());
    let mut total = 0;
    for line in &lines {
        assert!(
            line.starts_with("mapamp::region::measured_region"),
            "{line}"
        );
        assert!(!line.contains("setup_work"), "{line}");
        let (_, n) = line.rsplit_once(' ').unwrap();
        total += n.parse::<u64>().unwrap();
    }
    assert_eq!(total, figures.samples);
    assert!(folded.contains("region_work"), "{folded}");
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "folded lines are sorted");

    let svg = std::fs::read_to_string(dir.join(&figures.svg)).unwrap();
    assert!(svg.contains("measured_region") && svg.contains(rel));
    assert!(!svg.contains("setup_work"));

    let mut pb = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(dir.join(&figures.pprof)).unwrap())
        .read_to_end(&mut pb)
        .unwrap();
    use pprof::protos::Message;
    let profile = pprof::protos::Profile::decode(pb.as_slice()).unwrap();
    let pb_samples: i64 = profile.sample.iter().map(|s| s.value[0]).sum();
    assert_eq!(pb_samples as u64, figures.samples);
    assert!(!profile
        .string_table
        .iter()
        .any(|s| s.contains("setup_work")));
}

#[test]
fn criterion_profiler_writes_a_region_flame_graph_into_the_benchmark_dir() {
    let _turn = one_test_at_a_time();
    use criterion::profiler::Profiler;
    use mapamp::lens::criterion_profiler::RegionProfiler;

    let scratch = tempdir("mapamp-lens-criterion-");
    let dir = scratch.path().to_path_buf();
    let mut profiler = RegionProfiler::default();
    profiler.start_profiling("group/bench", &dir);
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_millis(1000) {
        black_box(setup_work(1_000_000));
        black_box(measured_region(|| region_work(1_000_000)));
    }
    profiler.stop_profiling("group/bench", &dir);

    let folded = std::fs::read_to_string(dir.join("folded.txt")).unwrap();
    assert!(!folded.is_empty());
    for line in folded.lines() {
        assert!(
            line.starts_with("mapamp::region::measured_region"),
            "{line}"
        );
        assert!(!line.contains("setup_work"), "{line}");
    }
    let svg = std::fs::read_to_string(dir.join("flamegraph.svg")).unwrap();
    assert!(svg.contains("group/bench") && svg.contains("region_work"));
}

/// Where `perf_event_open` is allowed, the lens samples with a perf
/// `cpu-clock` event, only inside the region, at the asked frequency: far
/// above the kernel tick's cap on `ITIMER_PROF` (250 per CPU second on a
/// 250 Hz kernel). Where it is refused, the fallback says so.
#[test]
fn the_perf_sampler_reaches_the_asked_rate_inside_the_region_only() {
    let _turn = one_test_at_a_time();
    let scratch = tempdir("mapamp-lens-perf-");
    let dir = scratch.path().to_path_buf();
    let rel = "cells/perf";
    let options = ProfileOptions::new(rel, 1000, Duration::from_secs(20));
    let figures = profile_region(&dir, rel, &options, |sampler| {
        black_box(setup_work(500_000));
        sampler.region(|| black_box(measured_region(|| region_work(500_000))));
    })
    .unwrap_or_else(|e| panic!("{}", mapamp::error::chain(&e)));
    eprintln!("{figures:?}");
    if figures.sampler.starts_with("setitimer") {
        eprintln!(
            "SKIPPED: perf_event_open is refused here ({}); the lens fell back to ITIMER_PROF",
            figures.sampler_fallback.as_deref().unwrap_or("no reason")
        );
        assert!(figures.sampler_fallback.is_some());
        return;
    }
    assert_eq!(figures.sampler, "perf_event cpu-clock (user space)");
    assert!(figures.sampler_fallback.is_none());
    // The target is counted in signals; a few land outside the region's
    // frame (the enable/disable edges) and are cut.
    assert!(figures.samples >= 900, "{figures:?}");
    let per_second = figures.samples as f64 / (figures.duration_ms.max(1) as f64 / 1000.0);
    assert!(
        per_second > 2000.0,
        "{per_second} samples per second in the region"
    );
    // The setup ran as long as the region, and is not in the profile.
    let folded = std::fs::read_to_string(dir.join(&figures.folded)).unwrap();
    assert!(!folded.contains("setup_work") && folded.contains("region_work"));
}
