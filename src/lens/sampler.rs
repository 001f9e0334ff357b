//! Where the flame graph lens's samples come from.
//!
//! pprof-rs captures a sample when `SIGPROF` arrives: its handler unwinds the
//! interrupted thread's stack and records it. By default the signal comes
//! from `setitimer(ITIMER_PROF)`, which counts process CPU time at the
//! kernel's tick resolution: on a 250 Hz kernel about 210–250 samples per
//! CPU second arrive, whatever frequency is asked.
//!
//! [`Sampler::start`] keeps pprof-rs's handler and stack capture but, where
//! `perf_event_open` allows it, takes the signal from a perf event instead:
//! a software `cpu-clock` event of the calling thread, user space only
//! (allowed at `perf_event_paranoid` ≤ 2 without privileges), with a sample
//! period of 1/f seconds. The event is an hrtimer, so it is not capped by the
//! tick: several kHz arrive as asked. Its file descriptor is set to raise
//! `SIGPROF` on each overflow (`O_ASYNC`, `F_SETSIG`) at this thread
//! (`F_SETOWN_EX` with `F_OWNER_TID`), and pprof-rs's interval timer is
//! stopped. The event counts only while [`Sampler::region`] runs, so
//! samples land in the region and not in the setup around it (copying a
//! prepared state, for example).
//!
//! Where `perf_event_open` is refused (a higher `perf_event_paranoid`, a
//! seccomp filter, no perf support) the interval timer stays on and
//! [`Sampler::kind`] says so, with the reason: the profile then has fewer
//! samples for the same time, and the report records which sampler it used.

use std::io;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// Which signal source a profile used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SamplerKind {
    /// A `perf_event_open` software `cpu-clock` event (user space, this
    /// thread) raising `SIGPROF` at the asked frequency.
    PerfCpuClock,
    /// pprof-rs's `setitimer(ITIMER_PROF)`: capped by the kernel's tick.
    ItimerProf,
}

impl SamplerKind {
    /// How the report names it.
    pub fn name(self) -> &'static str {
        match self {
            SamplerKind::PerfCpuClock => "perf_event cpu-clock (user space)",
            SamplerKind::ItimerProf => "setitimer ITIMER_PROF",
        }
    }
}

// Linux's fcntl commands and owner type for routing a file descriptor's
// signal to one thread (not in the libc crate for glibc targets); the same
// values on every Linux architecture.
const F_SETSIG: libc::c_int = 10;
const F_SETOWN_EX: libc::c_int = 15;
const F_OWNER_TID: libc::c_int = 0;

/// `struct f_owner_ex` of `fcntl(2)`.
#[repr(C)]
struct OwnerEx {
    kind: libc::c_int,
    pid: libc::pid_t,
}

/// A `cpu-clock` perf event of the calling thread that raises `SIGPROF`
/// every `period_ns` of user-space CPU time while enabled.
struct PerfClock {
    counter: perf_event::Counter,
    period_ns: u64,
}

impl PerfClock {
    /// Opens the event, disabled, and routes its overflow signal to this thread.
    fn open(frequency_hz: u32) -> io::Result<PerfClock> {
        use perf_event::events::Software;
        let period_ns = 1_000_000_000 / u64::from(frequency_hz.max(1));
        let counter = perf_event::Builder::new(Software::CPU_CLOCK)
            .observe_self()
            .any_cpu()
            .exclude_kernel(true)
            .exclude_hv(true)
            .sample_period(period_ns)
            .wakeup_events(1)
            .enabled(false)
            .build()?;
        let fd = counter.as_raw_fd();
        let owner = OwnerEx {
            kind: F_OWNER_TID,
            // SAFETY: gettid has no preconditions and cannot fail.
            pid: unsafe { libc::gettid() },
        };
        // SAFETY: `fd` is an open perf event descriptor owned by `counter`;
        // each call passes the argument type its command expects (flags,
        // a signal number, a pointer to a live `f_owner_ex`).
        let failed = unsafe {
            libc::fcntl(fd, libc::F_SETFL, libc::O_ASYNC | libc::O_NONBLOCK) == -1
                || libc::fcntl(fd, F_SETSIG, libc::SIGPROF) == -1
                || libc::fcntl(fd, F_SETOWN_EX, &owner as *const OwnerEx) == -1
        };
        if failed {
            return Err(io::Error::last_os_error());
        }
        Ok(PerfClock { counter, period_ns })
    }
}

/// Stops pprof-rs's `ITIMER_PROF` (its handler stays installed).
fn stop_interval_timer() -> io::Result<()> {
    let zero = libc::itimerval {
        it_interval: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
        it_value: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
    };
    // SAFETY: both pointers are valid for the call (the old value is not asked for).
    if unsafe { libc::setitimer(libc::ITIMER_PROF, &zero, std::ptr::null_mut()) } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A running sampling profile: pprof-rs's handler, fed by a perf event
/// where allowed, else by its interval timer.
pub struct Sampler {
    guard: pprof::ProfilerGuard<'static>,
    perf: Option<PerfClock>,
    fallback_reason: Option<String>,
    frequency_hz: u32,
    in_region: Duration,
}

impl Sampler {
    /// Starts sampling the calling thread at `frequency_hz`; perf-event
    /// sampling only inside [`Sampler::region`], interval-timer sampling
    /// (the fallback) all the time. The caller must hold
    /// `flamegraph::one_at_a_time`'s guard: pprof-rs's profiler is
    /// one per process.
    pub fn start(frequency_hz: u32) -> Result<Sampler, super::error::LensError> {
        let guard = super::flamegraph::start_sampling(frequency_hz)?;
        let (perf, fallback_reason) = match PerfClock::open(frequency_hz) {
            Ok(p) => match stop_interval_timer() {
                Ok(()) => (Some(p), None),
                Err(e) => (None, Some(format!("cannot stop the interval timer: {e}"))),
            },
            Err(e) => (
                None,
                Some(super::perf_events::open_error_reason(
                    "cpu-clock",
                    &e,
                    false,
                    None,
                    crate::machine::perf_event_paranoid(),
                )),
            ),
        };
        Ok(Sampler {
            guard,
            perf,
            fallback_reason,
            frequency_hz,
            in_region: Duration::ZERO,
        })
    }

    /// The signal source in use.
    pub fn kind(&self) -> SamplerKind {
        if self.perf.is_some() {
            SamplerKind::PerfCpuClock
        } else {
            SamplerKind::ItimerProf
        }
    }

    /// Why the perf event could not be used, when it could not.
    pub fn fallback_reason(&self) -> Option<&str> {
        self.fallback_reason.as_deref()
    }

    /// The frequency asked for, Hz.
    pub fn frequency_hz(&self) -> u32 {
        self.frequency_hz
    }

    /// Runs `f` with the perf event counting (the interval timer, when it is
    /// the source, runs all the time anyway).
    pub fn region<R>(&mut self, f: impl FnOnce() -> R) -> R {
        // An event that cannot be switched stays as it was: the samples are
        // then fewer (or also outside `f`, where the region cut drops them).
        if let Some(p) = &mut self.perf {
            let _ = p.counter.enable();
        }
        let started = Instant::now();
        let out = f();
        self.in_region += started.elapsed();
        if let Some(p) = &mut self.perf {
            let _ = p.counter.disable();
        }
        out
    }

    /// Wall-clock time spent inside [`Sampler::region`] so far.
    pub fn time_in_region(&self) -> Duration {
        self.in_region
    }

    /// Signals the perf event has raised so far (its CPU time over the
    /// period); `None` for the interval timer, which does not say.
    pub fn signals_so_far(&mut self) -> Option<u64> {
        let p = self.perf.as_mut()?;
        let ns = p.counter.read().ok()?;
        Some(ns / p.period_ns)
    }

    /// pprof-rs's guard, to build the report from.
    pub(crate) fn guard(&self) -> &pprof::ProfilerGuard<'static> {
        &self.guard
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        // Close the event before pprof-rs unregisters its handler: a SIGPROF
        // arriving with no handler would end the process.
        if let Some(p) = &mut self.perf {
            let _ = p.counter.disable();
        }
        self.perf = None;
    }
}
