//! The flame graph lens: a sampling profile of the measured region.
//!
//! [`profile`] repeats the region for a while under pprof's `SIGPROF`
//! sampler, keeps the samples of the calling thread whose stack passes
//! through the region's frame, cuts each stack there ([`super::folded`]), and
//! writes three files into the cell's folder:
//!
//! | file | what |
//! |---|---|
//! | `folded.txt` | inferno folded stacks, sorted (the same samples give the same file) |
//! | `flamegraph.svg` | inferno's flame graph of those stacks |
//! | `profile.pb.gz` | the same stacks as a gzipped pprof protobuf (`go tool pprof`, `pprof -http`) |
//!
//! **Unwinder.** pprof's default: backtrace-rs over libgcc's DWARF unwinder
//! (`_Unwind_Backtrace`, driven by `.eh_frame`), with pprof's recommended
//! blocklist (`libc`, `libgcc`, `pthread`, `vdso`: a sample whose leaf is in
//! one of those is dropped, which avoids the unwinder's known deadlock inside
//! those libraries and vdso's broken unwind tables). The frame-pointer
//! unwinder was not chosen: it needs every frame built with frame pointers,
//! and the standard library and libc are not, so stacks through them break;
//! it also starts from the interrupted frame's saved return address, so the
//! leaf function itself is lost; and forcing frame pointers crate-wide would
//! change the code the time lens measures. No `.cargo/config.toml` is needed.
//!
//! **Names.** Frames are symbolised through DWARF. The release, bench and
//! test profiles build with `debug = "limited"`: with `line-tables-only`
//! every frame would lose its module path (`region_work` for
//! `mybench::region_work`); the region is still found either way, as its
//! frame's name contains [`crate::region::REGION_FRAME`].
//!
//! **Frequency.** 997 Hz asked by default: a prime, so sampling does not run
//! in lock-step with the kernel's timer tick (100/250/1000 Hz) or with
//! periodic work in the region. pprof samples on `ITIMER_PROF`, which counts
//! process CPU time at tick resolution, so the real rate is capped by the
//! kernel's `CONFIG_HZ` (on a 250 Hz kernel, about 225–250 samples per CPU
//! second, whatever is asked). The figures report the samples actually taken;
//! `too_few_samples` says when they are below `min_samples` (a longer
//! `duration` is the cure).
//!
//! Only one profile can run at a time in a process (pprof's profiler is a
//! process-wide singleton): [`profile`] and the criterion profiler wait for
//! each other, and [`profile`] fails with a reason if some other user of
//! pprof is sampling.

use super::folded::{is_region_frame, FoldedStacks};
use crate::fsutil::write_atomic;
use crate::report::schema::FlamegraphFigures;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Default sampling frequency, Hz (prime: no lock-step with timer ticks).
pub const DEFAULT_FREQUENCY_HZ: u32 = 997;

/// Below this many region samples a profile is flagged `too_few_samples`.
pub const DEFAULT_MIN_SAMPLES: u64 = 50;

/// Shared objects whose frames must not be the leaf of an unwound sample
/// (pprof's recommendation: unwinding from inside them can deadlock).
pub const BLOCKLIST: [&str; 4] = ["libc", "libgcc", "pthread", "vdso"];

/// File names inside the cell's folder.
pub const SVG_FILE: &str = "flamegraph.svg";
/// Folded stacks file name.
pub const FOLDED_FILE: &str = "folded.txt";
/// pprof protobuf file name.
pub const PPROF_FILE: &str = "profile.pb.gz";

/// How to profile a region.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileOptions {
    /// Flame graph title (the cell id, usually).
    pub title: String,
    /// Sampling frequency, Hz.
    pub frequency_hz: u32,
    /// How long to keep repeating the region (it runs at least once).
    pub duration: Duration,
    /// Fewer region samples than this flags the profile `too_few_samples`.
    pub min_samples: u64,
}

impl ProfileOptions {
    /// Defaults ([`DEFAULT_FREQUENCY_HZ`], [`DEFAULT_MIN_SAMPLES`]) with a title and duration.
    pub fn new(title: impl Into<String>, duration: Duration) -> ProfileOptions {
        ProfileOptions {
            title: title.into(),
            frequency_hz: DEFAULT_FREQUENCY_HZ,
            duration,
            min_samples: DEFAULT_MIN_SAMPLES,
        }
    }
}

/// Profiles `repeat` (a closure that runs the measured region once) for
/// `duration` at `frequency_hz`, writing the files into
/// `report_dir/rel_dir`; the figures' paths are relative to `report_dir`.
/// The flame graph's title is `rel_dir` (a cell id is a valid relative path).
pub fn profile(
    report_dir: &Path,
    rel_dir: &str,
    frequency_hz: u32,
    duration: Duration,
    repeat: impl FnMut(),
) -> Result<FlamegraphFigures, String> {
    let options = ProfileOptions {
        frequency_hz,
        ..ProfileOptions::new(rel_dir, duration)
    };
    profile_with(report_dir, rel_dir, &options, repeat)
}

/// [`profile`] with every option spelled out.
pub fn profile_with(
    report_dir: &Path,
    rel_dir: &str,
    options: &ProfileOptions,
    mut repeat: impl FnMut(),
) -> Result<FlamegraphFigures, String> {
    let started = Instant::now();
    sample_while(report_dir, rel_dir, options, || {
        repeat();
        let elapsed = started.elapsed();
        (elapsed < options.duration, elapsed)
    })
}

/// Like [`profile_with`], but the budget is time spent *in the region*:
/// `repeat` runs the region once (with whatever setup it needs) and returns
/// how long the region itself took; sampling goes on until the regions add
/// up to `options.duration`, or `max_wall` has passed. Setup-heavy cells
/// then still get a readable number of region samples.
pub fn profile_region_time(
    report_dir: &Path,
    rel_dir: &str,
    options: &ProfileOptions,
    max_wall: Duration,
    mut repeat: impl FnMut() -> Duration,
) -> Result<FlamegraphFigures, String> {
    let started = Instant::now();
    let mut in_region = Duration::ZERO;
    sample_while(report_dir, rel_dir, options, || {
        in_region += repeat();
        (
            in_region < options.duration && started.elapsed() < max_wall,
            in_region,
        )
    })
}

/// Samples while `step` (one repetition) says to go on; `step` also
/// returns the time to report as the profile's duration.
fn sample_while(
    report_dir: &Path,
    rel_dir: &str,
    options: &ProfileOptions,
    mut step: impl FnMut() -> (bool, Duration),
) -> Result<FlamegraphFigures, String> {
    let _one_at_a_time = one_at_a_time();
    let thread = current_thread();
    let guard = start_sampling(options.frequency_hz)?;
    let elapsed = loop {
        let (more, spent) = step();
        if !more {
            break spent;
        }
    };
    let sampled = collect(&guard, Some(thread))?;
    drop(guard);
    if sampled.region.samples() == 0 {
        return Err(format!(
            "no samples landed in the measured region: it ran {} ms in total \
             (sampling asked at {} Hz); \
             the region was too short for the sampler: raise budget.flamegraph_ms or read the \
             callgrind lens, which profiles the region instruction by instruction",
            elapsed.as_millis(),
            options.frequency_hz
        ));
    }

    let svg = render_svg(
        &sampled.region,
        &options.title,
        &format!(
            "{} samples in the region over {} ms (sampling asked at {} Hz); stacks cut at the measured region",
            sampled.region.samples(),
            elapsed.as_millis(),
            options.frequency_hz
        ),
    )?;
    let pprof = encode_pprof(sampled.region_report)?;

    let rel = rel_dir.trim_matches('/');
    let rel_path = |file: &str| {
        if rel.is_empty() {
            file.to_string()
        } else {
            format!("{rel}/{file}")
        }
    };
    let dir = report_dir.join(rel);
    write_atomic(&dir.join(FOLDED_FILE), sampled.region.to_text().as_bytes())?;
    write_atomic(&dir.join(SVG_FILE), &svg)?;
    write_atomic(&dir.join(PPROF_FILE), &pprof)?;

    let samples = sampled.region.samples();
    Ok(FlamegraphFigures {
        svg: rel_path(SVG_FILE),
        folded: rel_path(FOLDED_FILE),
        pprof: rel_path(PPROF_FILE),
        samples,
        frequency_hz: options.frequency_hz,
        duration_ms: elapsed.as_millis() as u64,
        too_few_samples: samples < options.min_samples,
        min_samples: options.min_samples,
    })
}

/// Serialises sampling runs ([`profile_with`], the criterion profiler):
/// pprof's profiler is process-wide.
static PROFILE_LOCK: Mutex<()> = Mutex::new(());

/// Waits until no other sampling run of this process is in progress; the
/// run lasts as long as the returned guard.
pub(crate) fn one_at_a_time() -> MutexGuard<'static, ()> {
    PROFILE_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The calling thread's id as pprof records it in each sample.
pub(crate) fn current_thread() -> u64 {
    // SAFETY: pthread_self has no preconditions and cannot fail.
    (unsafe { libc::pthread_self() }) as u64
}

/// Starts pprof's sampler with mapamp's blocklist.
pub(crate) fn start_sampling(frequency_hz: u32) -> Result<pprof::ProfilerGuard<'static>, String> {
    let hz = i32::try_from(frequency_hz)
        .ok()
        .filter(|hz| (1..=1_000_000).contains(hz))
        .ok_or_else(|| format!("sampling frequency {frequency_hz} Hz is out of range"))?;
    pprof::ProfilerGuardBuilder::default()
        .frequency(hz)
        .blocklist(&BLOCKLIST)
        .build()
        .map_err(|e| match e {
            pprof::Error::Running => {
                "another sampling profile is already running in this process".to_string()
            }
            e => format!("cannot start the sampling profiler: {e}"),
        })
}

/// What a sampling run collected.
pub(crate) struct Sampled {
    /// Stacks through the region, cut at its frame.
    pub region: FoldedStacks,
    /// Every stack of the thread(s) kept, whole.
    pub whole: FoldedStacks,
    /// The region stacks as a pprof report (for the protobuf).
    pub region_report: pprof::Report,
}

/// Symbolises the samples so far, keeping those of `thread` (all threads
/// when `None`).
pub(crate) fn collect(
    guard: &pprof::ProfilerGuard<'static>,
    thread: Option<u64>,
) -> Result<Sampled, String> {
    let report = guard
        .report()
        .build()
        .map_err(|e| format!("cannot build the sampling report: {e}"))?;
    let mut region = FoldedStacks::new();
    let mut whole = FoldedStacks::new();
    let mut region_data: HashMap<pprof::Frames, isize> = HashMap::new();
    for (frames, &count) in report.data.iter() {
        if thread.is_some_and(|t| t != frames.thread_id) || count <= 0 {
            continue;
        }
        // pprof stores the leaf first, and within a frame the innermost
        // inlined function first: reverse both for root-first order.
        let symbols: Vec<&pprof::Symbol> = frames
            .frames
            .iter()
            .rev()
            .flat_map(|frame| frame.iter().rev())
            .collect();
        let names: Vec<String> = symbols.iter().map(|s| s.name()).collect();
        whole.add(&names, count as u64);
        if region.add_region(&names, count as u64) {
            let cut = names.iter().position(|n| is_region_frame(n)).unwrap_or(0);
            let cut_frames = pprof::Frames {
                frames: symbols[cut..]
                    .iter()
                    .rev()
                    .map(|s| vec![(*s).clone()])
                    .collect(),
                thread_name: frames.thread_name.clone(),
                thread_id: frames.thread_id,
                sample_timestamp: frames.sample_timestamp,
            };
            *region_data.entry(cut_frames).or_insert(0) += count;
        }
    }
    Ok(Sampled {
        region,
        whole,
        region_report: pprof::Report {
            data: region_data,
            timing: report.timing,
        },
    })
}

/// Renders folded stacks as an inferno flame graph. With no stacks the SVG
/// says so (inferno's "no valid input" picture) instead of failing.
pub(crate) fn render_svg(
    stacks: &FoldedStacks,
    title: &str,
    subtitle: &str,
) -> Result<Vec<u8>, String> {
    let mut options = inferno::flamegraph::Options::default();
    options.title = title.to_string();
    options.subtitle = Some(subtitle.to_string());
    options.count_name = "samples".to_string();
    // Colours from a hash of the name: the same stacks give the same picture.
    options.hash = true;
    let lines = stacks.lines();
    let mut svg = Vec::new();
    let result =
        inferno::flamegraph::from_lines(&mut options, lines.iter().map(String::as_str), &mut svg);
    match result {
        Ok(()) => Ok(svg),
        Err(_) if stacks.is_empty() && !svg.is_empty() => Ok(svg),
        Err(e) => Err(format!("cannot render the flame graph: {e}")),
    }
}

/// The report as a gzipped pprof protobuf.
fn encode_pprof(report: pprof::Report) -> Result<Vec<u8>, String> {
    use pprof::protos::Message;
    let profile = report
        .pprof()
        .map_err(|e| format!("cannot build the pprof profile: {e}"))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&profile.encode_to_vec())
        .and_then(|_| gz.finish())
        .map_err(|e| format!("cannot compress the pprof profile: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_profile_still_renders_an_svg_that_says_so() {
        let svg = render_svg(&FoldedStacks::new(), "t", "s").unwrap();
        let text = String::from_utf8(svg).unwrap();
        assert!(
            text.contains("<svg") && text.contains("No valid input"),
            "{text}"
        );
    }

    #[test]
    fn svg_rendering_is_deterministic_and_titled() {
        let mut f = FoldedStacks::new();
        f.add(&["measured_region", "a", "b"], 3);
        f.add(&["measured_region", "c"], 2);
        let one = render_svg(&f, "cell/one", "sub").unwrap();
        let two = render_svg(&f, "cell/one", "sub").unwrap();
        assert_eq!(one, two);
        let text = String::from_utf8(one).unwrap();
        assert!(text.contains("cell/one") && text.contains("measured_region"));
    }

    #[test]
    fn out_of_range_frequencies_are_refused() {
        assert!(start_sampling(0).err().unwrap().contains("out of range"));
    }
}
