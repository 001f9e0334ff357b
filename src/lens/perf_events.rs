//! The perf events mapamp counts, how to open them, and why opening failed.
//!
//! Every counter is opened on its own (not as a group): a group is scheduled
//! on the PMU all-or-nothing, and seven hardware events do not fit the
//! general-purpose counters of most CPUs, so a group would often never run.
//! Counters opened separately are time-multiplexed by the kernel instead;
//! readers scale by `time_enabled / time_running` (see [`Reading`]).
//!
//! All counters observe the calling thread only and count user space only
//! (`exclude_kernel`, `exclude_hv`), which `perf_event_paranoid` ≤ 2 allows
//! without privileges. Page faults are attributed to the faulting user
//! instruction, so a region's own page faults are all counted; the task
//! clock is time on the CPU, whatever the mode.

use super::error::LensError;
use perf_event::events::{Cache, CacheId, CacheOp, CacheResult, Hardware, Software};
use perf_event::Builder;
use std::io;

/// What kind of perf event a counter is.
#[derive(Clone, Copy, Debug)]
pub enum EventKind {
    /// A generic hardware event (`PERF_TYPE_HARDWARE`).
    Hardware(Hardware),
    /// A hardware cache event (`PERF_TYPE_HW_CACHE`): cache, operation, result.
    Cache(CacheId, CacheOp, CacheResult),
    /// A software event counted by the kernel (`PERF_TYPE_SOFTWARE`).
    Software(Software),
}

/// One counter mapamp reports.
#[derive(Clone, Copy, Debug)]
pub struct EventSpec {
    /// Report name (`cycles`, `l1d_read_misses`, `task_clock_ns`...).
    pub name: &'static str,
    /// The perf event.
    pub kind: EventKind,
    /// Unit of the value (`events`, `ns`).
    pub unit: &'static str,
}

impl EventSpec {
    /// Whether the event needs a hardware PMU.
    pub fn is_hardware(&self) -> bool {
        !matches!(self.kind, EventKind::Software(_))
    }

    /// The report's `source` for this counter: `perf-hw` or `perf-sw`.
    pub fn source(&self) -> &'static str {
        if self.is_hardware() {
            "perf-hw"
        } else {
            "perf-sw"
        }
    }

    /// Opens the counter, disabled, on the calling thread, user space only.
    pub fn open(&self) -> io::Result<perf_event::Counter> {
        let mut builder = match self.kind {
            EventKind::Hardware(hw) => Builder::new(hw),
            EventKind::Cache(which, operation, result) => Builder::new(Cache {
                which,
                operation,
                result,
            }),
            EventKind::Software(sw) => Builder::new(sw),
        };
        // The builder's defaults already say this; spelled out because the
        // reasons in `open_error_reason` rely on it.
        builder
            .observe_self()
            .any_cpu()
            .exclude_kernel(true)
            .exclude_hv(true)
            .enabled(false);
        builder.build()
    }
}

/// Every counter of the counters lens, hardware first, `cycles` first of all
/// (its outcome tells whether a PMU is there at all).
pub const EVENTS: [EventSpec; 9] = [
    EventSpec {
        name: "cycles",
        kind: EventKind::Hardware(Hardware::CPU_CYCLES),
        unit: "events",
    },
    EventSpec {
        name: "instructions",
        kind: EventKind::Hardware(Hardware::INSTRUCTIONS),
        unit: "events",
    },
    EventSpec {
        name: "cache_references",
        kind: EventKind::Hardware(Hardware::CACHE_REFERENCES),
        unit: "events",
    },
    EventSpec {
        name: "cache_misses",
        kind: EventKind::Hardware(Hardware::CACHE_MISSES),
        unit: "events",
    },
    EventSpec {
        name: "l1d_read_misses",
        kind: EventKind::Cache(CacheId::L1D, CacheOp::READ, CacheResult::MISS),
        unit: "events",
    },
    EventSpec {
        name: "dtlb_read_misses",
        kind: EventKind::Cache(CacheId::DTLB, CacheOp::READ, CacheResult::MISS),
        unit: "events",
    },
    EventSpec {
        name: "branch_misses",
        kind: EventKind::Hardware(Hardware::BRANCH_MISSES),
        unit: "events",
    },
    EventSpec {
        name: "page_faults",
        kind: EventKind::Software(Software::PAGE_FAULTS),
        unit: "events",
    },
    EventSpec {
        name: "task_clock_ns",
        kind: EventKind::Software(Software::TASK_CLOCK),
        unit: "ns",
    },
];

/// The event called `name` (`cache-misses` and `cache_misses` both work).
pub fn event(name: &str) -> Option<&'static EventSpec> {
    let name = name.replace('-', "_");
    EVENTS.iter().find(|e| e.name == name)
}

/// A counter's raw value with the times perf reports alongside it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reading {
    /// Events counted while the counter was on the PMU.
    pub count: u64,
    /// ns the counter was enabled.
    pub time_enabled: u64,
    /// ns it was actually counting (less than enabled when multiplexed).
    pub time_running: u64,
}

impl Reading {
    /// Reads `counter`.
    pub fn read(counter: &mut perf_event::Counter) -> io::Result<Reading> {
        let c = counter.read_count_and_time()?;
        Ok(Reading {
            count: c.count,
            time_enabled: c.time_enabled,
            time_running: c.time_running,
        })
    }

    /// What happened between `earlier` and `self` (the counter kept running).
    pub fn since(&self, earlier: &Reading) -> Reading {
        Reading {
            count: self.count.saturating_sub(earlier.count),
            time_enabled: self.time_enabled.saturating_sub(earlier.time_enabled),
            time_running: self.time_running.saturating_sub(earlier.time_running),
        }
    }

    /// The count scaled to the whole enabled time, and the running share
    /// (`Some(running / enabled)` when multiplexed). `Err` when the counter
    /// never got onto the PMU while enabled: there is nothing to scale.
    pub fn scaled(&self) -> Result<(f64, Option<f64>), LensError> {
        if self.time_running == 0 {
            return Err(LensError::NeverScheduled);
        }
        if self.time_running >= self.time_enabled {
            return Ok((self.count as f64, None));
        }
        let share = self.time_running as f64 / self.time_enabled as f64;
        Ok((self.count as f64 / share, Some(share)))
    }
}

/// Why a counter could not be opened, in words a reader can act on.
///
/// `hardware`: the event needs a PMU. `pmu_usable`: whether a hardware
/// cycles counter could be opened (`None` when not probed), which tells a
/// missing PMU from an event this PMU lacks. `paranoid`:
/// `/proc/sys/kernel/perf_event_paranoid`, if readable.
pub fn open_error_reason(
    event: &str,
    err: &io::Error,
    hardware: bool,
    pmu_usable: Option<bool>,
    paranoid: Option<i32>,
) -> String {
    let errno = err.raw_os_error();
    let name = errno.map(errno_name).unwrap_or("no errno");
    match errno {
        Some(libc::EACCES) | Some(libc::EPERM) => match paranoid {
            Some(n) if n > 2 => format!(
                "perf_event_paranoid is {n}; counting needs it ≤ 2 for user space \
                 (sysctl kernel.perf_event_paranoid=2) or CAP_PERFMON ({name})"
            ),
            Some(n) => format!(
                "permission denied ({name}) although perf_event_paranoid is {n}: \
                 a seccomp filter (a container's default profile) or a missing \
                 CAP_PERFMON blocks perf_event_open"
            ),
            None => format!(
                "permission denied ({name}); perf_event_paranoid is unreadable; \
                 counting needs it ≤ 2 for user space or CAP_PERFMON"
            ),
        },
        Some(libc::ENOSYS) => format!(
            "perf_event_open is not available ({name}): a kernel without perf events, \
             or a seccomp filter that hides the system call"
        ),
        Some(libc::ENOENT) | Some(libc::EOPNOTSUPP) | Some(libc::ENODEV) if hardware => {
            if pmu_usable == Some(true) {
                format!("this CPU's PMU does not support {event} ({name})")
            } else {
                format!("no hardware PMU exposed to this machine (common in VMs) ({name})")
            }
        }
        Some(libc::ENOENT) | Some(libc::EOPNOTSUPP) | Some(libc::ENODEV) => {
            format!("the kernel does not support the software event {event} ({name})")
        }
        Some(libc::EINVAL) if hardware && pmu_usable != Some(true) => {
            format!("no hardware PMU exposed to this machine (common in VMs) ({name})")
        }
        Some(libc::EINVAL) => {
            format!("the kernel rejected {event} as configured ({name}): not supported here")
        }
        Some(libc::EBUSY) => {
            format!("the PMU is in exclusive use by another program ({name})")
        }
        Some(libc::EMFILE) | Some(libc::ENFILE) => {
            format!("too many open files to open another counter ({name})")
        }
        _ => format!("perf_event_open failed for {event}: {err}"),
    }
}

/// The symbolic name of the errnos perf_event_open returns.
fn errno_name(errno: i32) -> &'static str {
    match errno {
        libc::EACCES => "EACCES",
        libc::EPERM => "EPERM",
        libc::ENOSYS => "ENOSYS",
        libc::ENOENT => "ENOENT",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::ENODEV => "ENODEV",
        libc::EINVAL => "EINVAL",
        libc::EBUSY => "EBUSY",
        libc::EMFILE => "EMFILE",
        libc::ENFILE => "ENFILE",
        libc::E2BIG => "E2BIG",
        _ => "errno",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(errno: i32) -> io::Error {
        io::Error::from_raw_os_error(errno)
    }

    #[test]
    fn a_missing_pmu_is_named_as_such() {
        for errno in [libc::ENOENT, libc::EOPNOTSUPP, libc::ENODEV, libc::EINVAL] {
            let r = open_error_reason("cycles", &os(errno), true, Some(false), Some(2));
            assert!(r.contains("no hardware PMU"), "{r}");
        }
        let r = open_error_reason("cycles", &os(libc::ENOENT), true, None, Some(2));
        assert!(r.contains("no hardware PMU") && r.contains("ENOENT"), "{r}");
    }

    #[test]
    fn an_event_the_pmu_lacks_is_not_blamed_on_the_pmu_being_absent() {
        let r = open_error_reason(
            "dtlb_read_misses",
            &os(libc::ENOENT),
            true,
            Some(true),
            Some(2),
        );
        assert!(r.contains("does not support dtlb_read_misses"), "{r}");
        let r = open_error_reason("l1d_read_misses", &os(libc::EINVAL), true, Some(true), None);
        assert!(r.contains("rejected l1d_read_misses"), "{r}");
    }

    #[test]
    fn permission_errors_name_the_paranoid_level() {
        let r = open_error_reason("cycles", &os(libc::EACCES), true, None, Some(3));
        assert!(r.starts_with("perf_event_paranoid is 3;"), "{r}");
        assert!(r.contains("≤ 2") && r.contains("CAP_PERFMON"), "{r}");
        let r = open_error_reason("page_faults", &os(libc::EPERM), false, None, Some(2));
        assert!(
            r.contains("seccomp") && r.contains("perf_event_paranoid is 2"),
            "{r}"
        );
        let r = open_error_reason("cycles", &os(libc::EACCES), true, None, None);
        assert!(r.contains("paranoid"), "{r}");
    }

    #[test]
    fn software_events_are_never_blamed_on_the_pmu() {
        let r = open_error_reason("page_faults", &os(libc::ENOENT), false, Some(false), None);
        assert!(!r.contains("PMU") && r.contains("software event"), "{r}");
    }

    #[test]
    fn unknown_errors_keep_the_os_message() {
        let r = open_error_reason("cycles", &os(libc::EIO), true, None, None);
        assert!(r.starts_with("perf_event_open failed for cycles:"), "{r}");
    }

    #[test]
    fn multiplexed_counts_are_scaled_to_the_enabled_time() {
        let r = Reading {
            count: 1000,
            time_enabled: 400,
            time_running: 100,
        };
        assert_eq!(r.scaled().unwrap(), (4000.0, Some(0.25)));
        let full = Reading {
            count: 7,
            time_enabled: 50,
            time_running: 50,
        };
        assert_eq!(full.scaled().unwrap(), (7.0, None));
        let never = Reading {
            count: 0,
            time_enabled: 50,
            time_running: 0,
        };
        assert!(matches!(never.scaled(), Err(LensError::NeverScheduled)));
    }

    #[test]
    fn deltas_subtract_every_field() {
        let a = Reading {
            count: 10,
            time_enabled: 100,
            time_running: 80,
        };
        let b = Reading {
            count: 30,
            time_enabled: 300,
            time_running: 180,
        };
        assert_eq!(
            b.since(&a),
            Reading {
                count: 20,
                time_enabled: 200,
                time_running: 100
            }
        );
    }

    #[test]
    fn events_are_found_by_either_spelling() {
        assert_eq!(event("cache-misses").unwrap().name, "cache_misses");
        assert_eq!(event("task_clock_ns").unwrap().unit, "ns");
        assert!(event("cpu-cycles").is_none());
        assert_eq!(EVENTS[0].name, "cycles");
        assert_eq!(event("page_faults").unwrap().source(), "perf-sw");
        assert_eq!(event("branch-misses").unwrap().source(), "perf-hw");
    }
}
