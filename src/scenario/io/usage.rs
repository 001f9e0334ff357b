//! CPU time, page faults and context switches of the calling thread
//! (`getrusage(RUSAGE_THREAD)`), so a cell's receiver thread is never
//! counted with its sender.
//!
//! The kernel splits a thread's CPU time into user and system by sampling
//! at its timer tick; over a region shorter than a few ticks the split is
//! coarse (the total is precise). The io lens therefore sums many sends.

use serde::{Deserialize, Serialize};

/// One reading, or the difference of two.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// User-mode CPU time, ns.
    pub user_ns: u64,
    /// Kernel-mode CPU time, ns.
    pub system_ns: u64,
    /// Page faults served without I/O.
    pub minor_faults: u64,
    /// Page faults that needed I/O.
    pub major_faults: u64,
    /// Voluntary context switches (the thread blocked).
    pub voluntary_switches: u64,
    /// Involuntary context switches (the thread was preempted).
    pub involuntary_switches: u64,
}

fn tv_ns(t: libc::timeval) -> u64 {
    t.tv_sec as u64 * 1_000_000_000 + t.tv_usec as u64 * 1_000
}

impl Usage {
    /// The calling thread's totals so far.
    pub fn now() -> Usage {
        // SAFETY: an all-zero rusage is a valid value to be overwritten.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `ru` is a valid out-pointer; RUSAGE_THREAD needs no privilege.
        let r = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) };
        assert_eq!(r, 0, "getrusage(RUSAGE_THREAD) cannot fail on Linux");
        Usage {
            user_ns: tv_ns(ru.ru_utime),
            system_ns: tv_ns(ru.ru_stime),
            minor_faults: ru.ru_minflt as u64,
            major_faults: ru.ru_majflt as u64,
            voluntary_switches: ru.ru_nvcsw as u64,
            involuntary_switches: ru.ru_nivcsw as u64,
        }
    }

    /// `self - earlier`, field by field.
    pub fn since(&self, earlier: &Usage) -> Usage {
        Usage {
            user_ns: self.user_ns.saturating_sub(earlier.user_ns),
            system_ns: self.system_ns.saturating_sub(earlier.system_ns),
            minor_faults: self.minor_faults.saturating_sub(earlier.minor_faults),
            major_faults: self.major_faults.saturating_sub(earlier.major_faults),
            voluntary_switches: self
                .voluntary_switches
                .saturating_sub(earlier.voluntary_switches),
            involuntary_switches: self
                .involuntary_switches
                .saturating_sub(earlier.involuntary_switches),
        }
    }

    /// Field-by-field sum.
    pub fn plus(&self, o: &Usage) -> Usage {
        Usage {
            user_ns: self.user_ns + o.user_ns,
            system_ns: self.system_ns + o.system_ns,
            minor_faults: self.minor_faults + o.minor_faults,
            major_faults: self.major_faults + o.major_faults,
            voluntary_switches: self.voluntary_switches + o.voluntary_switches,
            involuntary_switches: self.involuntary_switches + o.involuntary_switches,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_and_faults_move_with_work() {
        let before = Usage::now();
        let mut v: Vec<u8> = Vec::with_capacity(64 << 20);
        v.resize(64 << 20, 1); // touches 16k fresh pages
        let mut x = 0u64;
        for i in 0..50_000_000u64 {
            x = x
                .wrapping_mul(31)
                .wrapping_add(i ^ v[(i as usize) & 0xffff] as u64);
        }
        std::hint::black_box(x);
        let d = Usage::now().since(&before);
        assert!(d.user_ns + d.system_ns > 0, "{d:?}");
        assert!(d.minor_faults >= 1000, "{d:?}");
    }
}
