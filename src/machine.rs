//! Facts about the machine and the build: memory, CPU, kernel, PMU and
//! valgrind availability ([`describe`]), compiler and crate versions
//! ([`toolchain`]).
//!
//! Runtime facts are probed when asked (from `/proc` and by opening a perf
//! counter); build facts are captured by `build.rs` (`rustc --version`, the
//! target, the profile, and the versions `Cargo.lock` resolved) so a report
//! says what really produced it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The machine a run happened on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// CPU model name.
    pub cpu_model: String,
    /// Logical CPUs.
    pub cores: usize,
    /// Total memory in bytes.
    pub memory_bytes: u64,
    /// Kernel release (`uname -r`).
    pub kernel: String,
    /// Whether hardware performance counters can be read, and why not.
    pub pmu: Availability,
    /// valgrind's version, or why it is unavailable.
    pub valgrind: Availability,
    /// `/proc/sys/kernel/perf_event_paranoid`, if readable.
    pub perf_event_paranoid: Option<i32>,
}

/// Whether a facility is available; `detail` is a version or a reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    /// Usable here.
    pub available: bool,
    /// Version when available, reason when not.
    pub detail: String,
}

/// Toolchain and crate versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Toolchain {
    /// `rustc --version` of the build.
    pub rustc: String,
    /// Target triple.
    pub target: String,
    /// Cargo profile the cells ran under (`release`, ...).
    pub build_profile: String,
    /// Versions of the crates whose behaviour shows in the figures.
    pub crates: BTreeMap<String, String>,
}

/// Bytes of memory available to new allocations (`MemAvailable`), if known.
pub fn available_memory_bytes() -> Option<u64> {
    meminfo_bytes("MemAvailable:")
}

/// Total memory (`MemTotal`), if known.
pub fn total_memory_bytes() -> Option<u64> {
    meminfo_bytes("MemTotal:")
}

fn meminfo_bytes(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    text.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// Physical memory as `sysconf` reports it (when `/proc/meminfo` is not there).
fn physical_memory_bytes() -> u64 {
    // SAFETY: sysconf only reads system configuration; these names are valid.
    let (pages, page_size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    (pages.max(0) as u64).saturating_mul(page_size.max(0) as u64)
}

/// `/proc/sys/kernel/perf_event_paranoid`, if readable.
pub fn perf_event_paranoid() -> Option<i32> {
    std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), if readable:
/// how many threads wanted a CPU, on average.
pub fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut it = text.split_whitespace().map(|x| x.parse::<f64>().ok());
    Some([it.next()??, it.next()??, it.next()??])
}

/// The machine this process runs on, with what the lenses found when they
/// probed the PMU (opening a counter) and valgrind (`valgrind --version`).
pub fn describe(pmu: Availability, valgrind: Availability) -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    Machine {
        cpu_model: cpu_model(&cpuinfo).unwrap_or_else(|| "unknown".to_string()),
        cores: logical_cores(&cpuinfo),
        memory_bytes: total_memory_bytes().unwrap_or_else(physical_memory_bytes),
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown".to_string()),
        pmu,
        valgrind,
        perf_event_paranoid: perf_event_paranoid(),
    }
}

/// The CPU model from `/proc/cpuinfo` text (`model name` on x86; `Model`,
/// `Hardware` or `cpu model` elsewhere).
pub fn cpu_model(cpuinfo: &str) -> Option<String> {
    ["model name", "Model", "Hardware", "cpu model"]
        .iter()
        .find_map(|key| {
            cpuinfo.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == *key && !v.trim().is_empty()).then(|| v.trim().to_string())
            })
        })
}

/// Logical CPUs: `processor` entries of `/proc/cpuinfo`, else what the OS
/// lets this process use.
pub fn logical_cores(cpuinfo: &str) -> usize {
    let n = cpuinfo
        .lines()
        .filter(|l| l.split(':').next().map(str::trim) == Some("processor"))
        .count();
    if n > 0 {
        n
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// The toolchain that built this binary, as `build.rs` captured it.
pub fn toolchain() -> Toolchain {
    Toolchain {
        rustc: env!("MAPAMP_RUSTC_VERSION").to_string(),
        target: env!("MAPAMP_TARGET").to_string(),
        build_profile: env!("MAPAMP_BUILD_PROFILE").to_string(),
        crates: parse_crate_versions(env!("MAPAMP_CRATE_VERSIONS")),
    }
}

/// Parses `name=version,name=version` (as `build.rs` writes it).
fn parse_crate_versions(list: &str) -> BTreeMap<String, String> {
    list.split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const X86: &str = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n\n\
                       processor\t: 1\nmodel name\t: AMD EPYC\n";

    #[test]
    fn cpuinfo_gives_model_and_cores() {
        assert_eq!(cpu_model(X86).as_deref(), Some("AMD EPYC"));
        assert_eq!(logical_cores(X86), 2);
        let arm = "processor : 0\nBogoMIPS : 50.00\nCPU part : 0xd0c\n\nModel : Raspberry Pi 4\n";
        assert_eq!(cpu_model(arm).as_deref(), Some("Raspberry Pi 4"));
        assert_eq!(cpu_model("nothing"), None);
        assert!(logical_cores("") >= 1);
    }

    #[test]
    fn this_machine_is_described() {
        let m = describe(
            crate::lens::counters::pmu_availability(),
            crate::lens::callgrind::valgrind_availability(),
        );
        assert!(m.cores >= 1 && m.memory_bytes > 0, "{m:?}");
        assert!(!m.kernel.is_empty() && m.kernel != "unknown", "{m:?}");
        assert!(!m.pmu.detail.is_empty() && !m.valgrind.detail.is_empty());
    }

    #[test]
    fn toolchain_versions_come_from_the_build() {
        let t = toolchain();
        assert!(t.rustc.starts_with("rustc "), "{t:?}");
        assert!(!t.target.is_empty() && !t.build_profile.is_empty());
        for name in ["hashbrown", "criterion", "pprof", "perf-event2", "inferno"] {
            let v = t
                .crates
                .get(name)
                .unwrap_or_else(|| panic!("{name}: {t:?}"));
            assert!(v.chars().next().unwrap().is_ascii_digit(), "{name} {v}");
        }
        assert_eq!(
            parse_crate_versions("a=1.0,b=2.3.4"),
            BTreeMap::from([("a".into(), "1.0".into()), ("b".into(), "2.3.4".into())])
        );
    }
}
