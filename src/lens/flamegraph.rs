//! The flame graph lens: a sampling profile of the measured region.
//!
//! [`profile_region`] repeats the region under a [`Sampler`] until it has
//! the samples asked for (or its wall-clock cap), keeps the samples of the
//! calling thread whose stack passes through the region's frame, cuts each
//! stack there ([`super::folded`]), and writes three files into the cell's
//! folder:
//!
//! | file | what |
//! |---|---|
//! | `folded.txt` | inferno folded stacks, full frame names, sorted (the same samples give the same file) |
//! | `flamegraph.svg` | inferno's flame graph of those stacks; short frame names ([`super::short_names`]) in the picture, full names in the tooltips |
//! | `profile.pb.gz` | the same stacks as a gzipped pprof protobuf (`go tool pprof`, `pprof -http`) |
//!
//! **Signal source.** [`super::sampler`]: a perf `cpu-clock` event raising
//! `SIGPROF` at the asked frequency while the region runs, where
//! `perf_event_open` allows it; pprof-rs's `ITIMER_PROF` otherwise, which
//! the kernel's tick caps at about 250 samples per CPU second on a 250 Hz
//! kernel. The figures name the sampler used (`sampler`) and, for the
//! fallback, why the perf event was refused.
//!
//! **Unwinder.** pprof's default: backtrace-rs over libgcc's DWARF unwinder
//! (`_Unwind_Backtrace`, driven by `.eh_frame`), with a blocklist: a sample
//! whose leaf is in `libgcc`, `pthread` or the `vdso` is dropped, which
//! avoids the unwinder's known deadlock when a tick interrupts libgcc's own
//! unwinding (an exception in flight; the region throws none) and vdso's
//! broken unwind tables. pprof's README also lists `libc`; mapamp does not,
//! because a map's zero-fill and evacuation copies run in libc's `memset`
//! and `memcpy`, and dropping every sample whose leaf is there hid exactly
//! the write cost mapamp exists to show (an insert-heavy region lost more
//! than a third of its samples, all of them in `memset`). libgcc here finds
//! unwind tables through glibc's lock-free `_dl_find_object`, so a sample
//! that interrupts libc holds no lock the unwinder needs. The frame-pointer
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
//! **Frequency.** [`DEFAULT_FREQUENCY_HZ`] (4999 Hz) by default: a prime,
//! so sampling does not run in lock-step with the kernel's timer tick or
//! with periodic work in the region. The figures report the samples
//! actually taken; `too_few_samples` says when they are below
//! `min_samples`.
//!
//! Only one profile can run at a time in a process (pprof's profiler is a
//! process-wide singleton): [`profile_region`] and the criterion profiler
//! wait for each other, and [`profile_region`] fails with a reason if some
//! other user of pprof is sampling.

use super::error::LensError;
use super::folded::{is_region_frame, FoldedStacks};
use super::sampler::Sampler;
use crate::fsutil::write_atomic;
use crate::lens::figures::FlamegraphFigures;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Default sampling frequency, Hz (prime: no lock-step with timer ticks).
pub const DEFAULT_FREQUENCY_HZ: u32 = 4999;

/// Below this many region samples a profile is flagged `too_few_samples`.
pub const DEFAULT_MIN_SAMPLES: u64 = 200;

/// Shared objects whose frames must not be the leaf of an unwound sample
/// (unwinding from inside them can deadlock, or has no valid tables; see
/// the module docs for why `libc` is not among them).
pub const BLOCKLIST: [&str; 3] = ["libgcc", "pthread", "vdso"];

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
    /// Samples to collect: sampling stops once the perf event has raised
    /// this many signals (the interval timer cannot tell, so with it
    /// sampling goes on until `max_wall`).
    pub target_samples: u64,
    /// Wall-clock cap on repeating the region (it runs at least once).
    pub max_wall: Duration,
    /// Fewer region samples than this flags the profile `too_few_samples`.
    pub min_samples: u64,
}

impl ProfileOptions {
    /// Defaults ([`DEFAULT_FREQUENCY_HZ`], [`DEFAULT_MIN_SAMPLES`]) with a
    /// title, a sample target and a wall-clock cap.
    pub fn new(
        title: impl Into<String>,
        target_samples: u64,
        max_wall: Duration,
    ) -> ProfileOptions {
        ProfileOptions {
            title: title.into(),
            frequency_hz: DEFAULT_FREQUENCY_HZ,
            target_samples,
            max_wall,
            min_samples: DEFAULT_MIN_SAMPLES,
        }
    }
}

/// Profiles `repeat` (a closure that runs the measured region once, with
/// whatever setup around it) for `duration` at `frequency_hz`, writing the
/// files into `report_dir/rel_dir`; the figures' paths are relative to
/// `report_dir`. The whole closure is sampled (the region cut keeps the
/// region's stacks). The flame graph's title is `rel_dir` (a cell id is a
/// valid relative path).
pub fn profile(
    report_dir: &Path,
    rel_dir: &str,
    frequency_hz: u32,
    duration: Duration,
    mut repeat: impl FnMut(),
) -> Result<FlamegraphFigures, LensError> {
    let options = ProfileOptions {
        frequency_hz,
        ..ProfileOptions::new(rel_dir, u64::MAX, duration)
    };
    profile_region(report_dir, rel_dir, &options, |sampler| {
        sampler.region(&mut repeat)
    })
}

/// Profiles the region: `repeat` prepares whatever it needs and runs the
/// region once inside [`Sampler::region`] (only that part is sampled by
/// the perf event). Repeats until the sampler has raised
/// `options.target_samples` signals or `options.max_wall` has passed, then
/// writes the files as [`profile`] does.
pub fn profile_region(
    report_dir: &Path,
    rel_dir: &str,
    options: &ProfileOptions,
    mut repeat: impl FnMut(&mut Sampler),
) -> Result<FlamegraphFigures, LensError> {
    let _one_at_a_time = one_at_a_time();
    let thread = current_thread();
    let mut sampler = Sampler::start(options.frequency_hz)?;
    let started = Instant::now();
    // Signals are counted as they are raised; the samples kept in the
    // region (some land at its edges, or in a blocklisted leaf) only when
    // collected. Collect at the signal target, and go on if the kept
    // samples fall short and time is left.
    let mut signal_target = options.target_samples;
    let sampled = loop {
        repeat(&mut sampler);
        let signals = sampler.signals_so_far();
        let reached = signals.is_some_and(|n| n >= signal_target);
        let out_of_time = started.elapsed() >= options.max_wall;
        if !reached && !out_of_time {
            continue;
        }
        let sampled = collect(sampler.guard(), Some(thread))?;
        let kept = sampled.region.samples();
        match signals {
            Some(n) if !out_of_time && kept < options.target_samples && kept > 0 => {
                // Ask for as many more signals as the kept share says.
                let missing = options.target_samples - kept;
                signal_target = n + missing.saturating_mul(n) / kept + 1;
            }
            _ => break sampled,
        }
    };
    let wall = started.elapsed();
    let in_region = sampler.time_in_region();
    let kind = sampler.kind();
    let fallback = sampler.fallback_reason().map(str::to_string);
    drop(sampler);
    if sampled.region.samples() == 0 {
        return Err(LensError::NoSamples {
            in_region,
            sampler: kind.name(),
            frequency_hz: options.frequency_hz,
            fallback,
        });
    }

    let svg = render_svg(
        &sampled.region,
        &options.title,
        &format!(
            "{} samples in the region over {} ms ({}, asked at {} Hz); stacks cut at the measured region; hover a frame for its full name",
            sampled.region.samples(),
            in_region.as_millis(),
            kind.name(),
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
        sampler: kind.name().to_string(),
        sampler_fallback: fallback,
        duration_ms: in_region.as_millis() as u64,
        wall_ms: wall.as_millis() as u64,
        too_few_samples: samples < options.min_samples,
        min_samples: options.min_samples,
    })
}

/// Serialises sampling runs ([`profile_region`], the criterion profiler):
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
pub(crate) fn start_sampling(
    frequency_hz: u32,
) -> Result<pprof::ProfilerGuard<'static>, LensError> {
    let hz = i32::try_from(frequency_hz)
        .ok()
        .filter(|hz| (1..=1_000_000).contains(hz))
        .ok_or(LensError::Frequency { hz: frequency_hz })?;
    pprof::ProfilerGuardBuilder::default()
        .frequency(hz)
        .blocklist(&BLOCKLIST)
        .build()
        .map_err(|e| match e {
            pprof::Error::Running => LensError::ProfilerRunning,
            error => LensError::StartProfiler { error },
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
) -> Result<Sampled, LensError> {
    let report = guard
        .report()
        .build()
        .map_err(|error| LensError::SamplingReport { error })?;
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

/// Renders folded stacks as an inferno flame graph: frames drawn with
/// short names ([`super::short_names`]), each frame's tooltip with its full
/// name. With no stacks the SVG says so (inferno's "no valid input" picture)
/// instead of failing.
pub(crate) fn render_svg(
    stacks: &FoldedStacks,
    title: &str,
    subtitle: &str,
) -> Result<Vec<u8>, LensError> {
    let names = super::short_names::short_names(stacks.frames());
    let short = stacks.map_frames(|f| names.get(f).cloned().unwrap_or_else(|| f.to_string()));
    let mut options = inferno::flamegraph::Options::default();
    options.title = title.to_string();
    options.subtitle = Some(subtitle.to_string());
    options.count_name = "samples".to_string();
    // Colours from a hash of the name: the same stacks give the same picture.
    options.hash = true;
    let lines = short.lines();
    let mut svg = Vec::new();
    let result =
        inferno::flamegraph::from_lines(&mut options, lines.iter().map(String::as_str), &mut svg);
    match result {
        Ok(()) => {}
        Err(_) if stacks.is_empty() && !svg.is_empty() => return Ok(svg),
        Err(source) => return Err(LensError::RenderSvg { source }),
    }
    let text = String::from_utf8(svg).map_err(|source| LensError::SvgNotUtf8 { source })?;
    let full: HashMap<String, String> = names
        .iter()
        .filter(|(f, s)| f != s)
        .map(|(f, s)| (xml_escape(s), xml_escape(f)))
        .collect();
    Ok(full_names_in_tooltips(&text, &full).into_bytes())
}

/// Escapes text the way inferno's XML writer does (`<>&'"`).
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Rewrites every frame tooltip `<title>{short} ({samples} samples, …)`
/// to start with the full name instead, in one pass (`full`: escaped short
/// name → escaped full name).
fn full_names_in_tooltips(svg: &str, full: &HashMap<String, String>) -> String {
    const OPEN: &str = "<title>";
    let mut out = String::with_capacity(svg.len() + svg.len() / 4);
    let mut rest = svg;
    while let Some(i) = rest.find(OPEN) {
        let (before, from_title) = rest.split_at(i + OPEN.len());
        out.push_str(before);
        let end = from_title.find("</title>").unwrap_or(from_title.len());
        let text = &from_title[..end];
        match text
            .rfind(" (")
            .and_then(|k| full.get(&text[..k]).map(|f| (k, f)))
        {
            Some((k, f)) => {
                out.push_str(f);
                out.push_str(&text[k..]);
            }
            None => out.push_str(text),
        }
        rest = &from_title[end..];
    }
    out.push_str(rest);
    out
}

/// The report as a gzipped pprof protobuf.
fn encode_pprof(report: pprof::Report) -> Result<Vec<u8>, LensError> {
    use pprof::protos::Message;
    let profile = report
        .pprof()
        .map_err(|error| LensError::PprofProfile { error })?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&profile.encode_to_vec())
        .and_then(|_| gz.finish())
        .map_err(|source| LensError::CompressPprof { source })
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
    fn the_picture_shows_short_names_and_the_tooltips_full_ones() {
        let mut f = FoldedStacks::new();
        let full = "mapamp::gomap::assign::<impl mapamp::gomap::GoMap<K,V,P,S>>::insert";
        f.add(&["mapamp::region::measured_region", full], 3);
        f.add(
            &[
                "mapamp::region::measured_region",
                "core::ptr::drop_in_place<Vec<u8>>",
            ],
            1,
        );
        let svg = String::from_utf8(render_svg(&f, "t", "s").unwrap()).unwrap();
        assert!(
            svg.contains("<title>mapamp::gomap::assign::&lt;impl mapamp::gomap::GoMap&lt;K,V,P,S&gt;&gt;::insert (3 samples, 75.00%)</title>"),
            "{svg}"
        );
        assert!(svg.contains(">GoMap::insert</text>"), "{svg}");
        assert!(
            svg.contains(
                "<title>core::ptr::drop_in_place&lt;Vec&lt;u8&gt;&gt; (1 samples, 25.00%)</title>"
            ),
            "{svg}"
        );
        assert!(
            !svg.contains("&lt;impl") || svg.matches("&lt;impl").count() == 1,
            "{svg}"
        );
    }

    #[test]
    fn out_of_range_frequencies_are_refused() {
        assert!(matches!(
            start_sampling(0).err(),
            Some(LensError::Frequency { hz: 0 })
        ));
    }
}
