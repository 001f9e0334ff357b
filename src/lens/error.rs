//! What a lens refuses or fails on: a callgrind output it cannot read, a
//! sampling profiler that cannot start, a counter that cannot count.
//!
//! These are the lenses' own failures; a lens that cannot run *here*
//! still reports an `unavailable` reason in the report, which is this
//! error's message with its chain.

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
}

crate::into_message!(LensError);

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
}
