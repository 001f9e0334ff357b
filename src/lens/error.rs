//! What a lens refuses or fails on: a valgrind run or a callgrind output it
//! cannot read, a sampling profiler that cannot start or a profile it
//! cannot write, a counter that cannot count.
//!
//! These are the lenses' own failures; a lens that cannot run *here*
//! still reports an `unavailable` reason in the report, which is this
//! error's message with its chain.

use std::path::PathBuf;
use std::time::Duration;

/// Why a lens could not give its figures.
#[derive(Debug, thiserror::Error)]
pub enum LensError {
    /// A callgrind output file with no `events:` header.
    #[error("callgrind output has no `events:` line")]
    NoEvents,
    /// A callgrind output file with neither `totals:` nor `summary:`.
    #[error("callgrind output has neither `totals:` nor `summary:`")]
    NoTotals,
    /// A value of a `totals:` or `summary:` line that is no count.
    #[error("callgrind output: `{value}` is not a count")]
    NotACount {
        /// The value as written.
        value: String,
    },
    /// A sampling frequency outside 1 Hz ..= 1 MHz.
    #[error("sampling frequency {hz} Hz is out of range")]
    Frequency {
        /// The frequency asked for.
        hz: u32,
    },
    /// pprof-rs's profiler is one per process, and it is taken.
    #[error("another sampling profile is already running in this process")]
    ProfilerRunning,
    /// pprof-rs could not start its profiler (its error stands in the
    /// message: pprof-rs's own variants print their cause as their message,
    /// so as a source it would print twice).
    #[error("cannot start the sampling profiler: {error}")]
    StartProfiler {
        /// pprof-rs's error.
        error: pprof::Error,
    },
    /// A perf counter that was never on the PMU while enabled.
    #[error(
        "the counter was never scheduled on the PMU while enabled \
         (every hardware counter was busy, e.g. taken by another perf user or the NMI watchdog)"
    )]
    NeverScheduled,
    /// A counter name that is none of
    /// [`super::perf_measurement::COUNTER_NAMES`].
    #[error("unknown counter `{name}`; expected one of {valid}", valid = super::perf_measurement::COUNTER_NAMES.join(", "))]
    UnknownCounter {
        /// The name given.
        name: String,
    },
    /// A counter name missing from [`super::perf_events::EVENTS`] (a
    /// defect of the tables).
    #[error("counter `{name}` is missing from the event table")]
    NotInEventTable {
        /// The counter's name.
        name: String,
    },
    /// A counter that could not be opened, and why in words a reader can
    /// act on ([`super::perf_events::open_error_reason`]).
    #[error("cannot count {name}: {reason}")]
    CannotOpen {
        /// The counter's name.
        name: String,
        /// Why (the OS error, `perf_event_paranoid`, a missing PMU).
        reason: String,
    },
    /// A counter that opened but could not be enabled.
    #[error("cannot count {name}: enabling failed")]
    Enable {
        /// The counter's name.
        name: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// callgrind was asked to run an empty command line.
    #[error("no command to run under callgrind")]
    NoCommand,
    /// A region of zero operations (its `ir_per_op` would divide by zero).
    #[error("the measured region must have at least one operation")]
    NoOperations,
    /// valgrind is not installed (not on `PATH`).
    #[error("valgrind not found on PATH; install it with: apt-get install -y valgrind")]
    ValgrindMissing,
    /// valgrind could not be started for another reason.
    #[error("cannot run valgrind")]
    RunValgrind {
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// valgrind ran and failed (or the command under it did).
    #[error("valgrind --tool=callgrind {program} exited with {status}: {stderr}")]
    ValgrindFailed {
        /// The command's program, as given.
        program: String,
        /// valgrind's exit status.
        status: std::process::ExitStatus,
        /// The last lines of valgrind's standard error.
        stderr: String,
    },
    /// callgrind's output file could not be read.
    #[error("{}: cannot read callgrind output", .path.display())]
    ReadOutput {
        /// The file valgrind wrote.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A callgrind output without one of the events the figures need.
    #[error("callgrind output has no {event} column (was --cache-sim=yes given?)")]
    NoColumn {
        /// The event (`Ir`, `D1mr`, `D1mw`, `DLmr`, `DLmw`).
        event: &'static str,
    },
    /// callgrind counted nothing: the region's function was never entered.
    #[error(
        "the measured region was never entered: callgrind collected no instructions \
         (no function matched the region's --toggle-collect pattern)"
    )]
    RegionNeverEntered,
    /// The sampler ran, but none of its samples landed in the region.
    #[error(
        "no samples landed in the measured region: it ran {} ms in total \
         ({sampler}, asked at {frequency_hz} Hz){}; \
         the region was too short for the sampler: raise budget.flamegraph_ms or read the \
         callgrind lens, which profiles the region instruction by instruction",
        .in_region.as_millis(),
        fallback_note(.fallback.as_deref())
    )]
    NoSamples {
        /// Time spent in the region while sampling.
        in_region: Duration,
        /// The sampler used, as the report names it.
        sampler: &'static str,
        /// The sampling frequency asked for, Hz.
        frequency_hz: u32,
        /// Why the perf event was refused, if the sampler fell back.
        fallback: Option<String>,
    },
    /// pprof-rs could not build its report of the samples (its error
    /// stands in the message, as for [`LensError::StartProfiler`]).
    #[error("cannot build the sampling report: {error}")]
    SamplingReport {
        /// pprof-rs's error.
        error: pprof::Error,
    },
    /// inferno could not draw the flame graph.
    #[error("cannot render the flame graph")]
    RenderSvg {
        /// inferno's error.
        #[source]
        source: std::io::Error,
    },
    /// inferno's SVG is not UTF-8.
    #[error("inferno wrote invalid UTF-8")]
    SvgNotUtf8 {
        /// The decoding error.
        #[source]
        source: std::string::FromUtf8Error,
    },
    /// pprof-rs could not turn the report into a pprof profile (its error
    /// stands in the message, as for [`LensError::StartProfiler`]).
    #[error("cannot build the pprof profile: {error}")]
    PprofProfile {
        /// pprof-rs's error.
        error: pprof::Error,
    },
    /// The pprof profile could not be gzipped.
    #[error("cannot compress the pprof profile")]
    CompressPprof {
        /// flate2's error.
        #[source]
        source: std::io::Error,
    },
    /// A lens's output folder could not be created, its path names no file,
    /// or a file of it could not be written.
    #[error(transparent)]
    Fs(#[from] crate::fsutil::FsError),
}

crate::into_message!(LensError);

/// What [`LensError::NoSamples`] adds when the perf event was refused.
fn fallback_note(fallback: Option<&str>) -> String {
    fallback
        .map(|f| format!(" (perf event refused: {f})"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::chain;

    #[test]
    fn messages_name_the_value_and_keep_the_os_error_as_the_cause() {
        let e = LensError::NotACount { value: "x".into() };
        assert_eq!(chain(&e), "callgrind output: `x` is not a count");
        let e = LensError::Enable {
            name: "cycles".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert_eq!(e.to_string(), "cannot count cycles: enabling failed");
        assert_eq!(
            chain(&e),
            "cannot count cycles: enabling failed: permission denied"
        );
        let e = LensError::UnknownCounter { name: "x".into() };
        assert!(chain(&e).starts_with("unknown counter `x`; expected one of cycles, "));
    }

    #[test]
    fn the_lens_runners_messages_read_as_before_they_were_typed() {
        let e = LensError::ReadOutput {
            path: "cells/a/.cg.out.tmp.1".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(
            chain(&e),
            "cells/a/.cg.out.tmp.1: cannot read callgrind output: entity not found"
        );
        let e = LensError::NoColumn { event: "D1mr" };
        assert_eq!(
            e.to_string(),
            "callgrind output has no D1mr column (was --cache-sim=yes given?)"
        );
        let e = LensError::NoSamples {
            in_region: Duration::from_millis(12),
            sampler: "setitimer ITIMER_PROF",
            frequency_hz: 4999,
            fallback: Some("EACCES".into()),
        };
        assert_eq!(
            e.to_string(),
            "no samples landed in the measured region: it ran 12 ms in total \
             (setitimer ITIMER_PROF, asked at 4999 Hz) (perf event refused: EACCES); \
             the region was too short for the sampler: raise budget.flamegraph_ms or read the \
             callgrind lens, which profiles the region instruction by instruction"
        );
        let e = LensError::NoSamples {
            in_region: Duration::from_millis(12),
            sampler: "setitimer ITIMER_PROF",
            frequency_hz: 4999,
            fallback: None,
        };
        assert!(
            e.to_string()
                .contains("(setitimer ITIMER_PROF, asked at 4999 Hz); the region"),
            "{e}"
        );
        let e = LensError::from(crate::fsutil::FsError::Write {
            path: "a/folded.txt".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        });
        assert_eq!(chain(&e), "a/folded.txt: cannot write: permission denied");
    }
}
