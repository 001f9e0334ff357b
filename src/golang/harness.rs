//! Talking to the Go harness: the cell spec it reads and the JSON it
//! answers with (the Rust mirrors of `go/internal/harness/spec.go`), and
//! running it.

use super::accounting::Observed;
use super::knobs::GoRuntimeKnobs;
use crate::fsutil;
use crate::profile::{Budget, LensKind};
use crate::report::schema::GoMapStructure;
use crate::scenario::{scenario_hint, MapCell};
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

/// Why a real-Go cell's harness could not run, or did not answer.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The cell's variant is a model, not a Go release.
    #[error("`{0}` is not a real-Go variant")]
    NotRealGo(crate::variants::Variant),
    /// The release's toolchain is missing.
    #[error(transparent)]
    Toolchain(#[from] super::toolchain::NoToolchain),
    /// The harness could not be built.
    #[error(transparent)]
    Build(#[from] super::build::BuildError),
    /// A key or value type the harness does not run.
    #[error(transparent)]
    Type(#[from] crate::goconfig::HarnessTypeError),
    /// The scenario's size hint could not be resolved.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// The spec file could not be written.
    #[error(transparent)]
    WriteSpec(#[from] fsutil::FsError),
    /// A spec file path that names no folder (the profile file goes there).
    #[error("{} has no folder", .spec_file.display())]
    NoSpecFolder {
        /// The spec file's path.
        spec_file: PathBuf,
    },
    /// The spec file the native lenses write is not there (the harness's
    /// region mode reads it).
    #[error("{} is missing: the cell's native lenses did not run", .spec_file.display())]
    SpecMissing {
        /// The spec file's path.
        spec_file: PathBuf,
    },
    /// The harness binary could not be started.
    #[error("cannot run {}", .bin.display())]
    Start {
        /// The harness binary.
        bin: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The harness exited with a failure.
    #[error("the Go harness failed ({status}): {stderr}")]
    Failed {
        /// Its exit status.
        status: ExitStatus,
        /// The last lines of its standard error, `" | "`-joined.
        stderr: String,
    },
    /// The harness's standard output is not its result JSON.
    #[error("the Go harness answered something that is not its result JSON")]
    NotResultJson(#[source] serde_json::Error),
}

/// Environment changes for a process: a value sets the variable, `None`
/// removes it.
pub type EnvChanges = Vec<(&'static str, Option<String>)>;

/// One cell as the harness reads it (`harness.Spec`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// Scenario name.
    pub scenario: String,
    /// N.
    pub n: usize,
    /// Size hint of `make` (the scenario's, resolved).
    pub hint: usize,
    /// Key distribution.
    pub keys: String,
    /// Key size, bytes.
    pub key_size: usize,
    /// Value size, bytes.
    pub value_size: usize,
    /// The key's Go type name when the cell names one (`int32`); the
    /// harness then instantiates `map[K]V` with it and `key_size` is not
    /// used ([`crate::goconfig::HARNESS_TYPES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
    /// The value's Go type name when the cell names one (`struct{}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
    /// Rounds of the churn scenario.
    pub churn_rounds: usize,
    /// Seed of the key ids.
    pub seed: u64,
    /// Lenses asked for (`accounting`, `time`, `latency`, `flamegraph`).
    pub lenses: Vec<String>,
    /// Timed regions.
    pub time_samples: usize,
    /// Warm-up, ms.
    pub warmup_ms: u64,
    /// Wall-clock cap of the time lens after 3 samples, ms.
    pub time_ms: u64,
    /// Region time to profile, ms.
    pub flamegraph_ms: u64,
    /// Profiling rate, Hz.
    pub flamegraph_hz: u32,
    /// Region samples to stop profiling at, if reached before
    /// `flamegraph_ms` (0: none).
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub flamegraph_samples: u64,
    /// Where the CPU profile goes.
    pub profile_file: PathBuf,
    /// Observed region runs of the accounting lens (each a fresh map);
    /// 0 or 1: one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub accounting_runs: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

impl Spec {
    /// The spec of a map cell: its axes, the scenario's hint, the lenses the
    /// harness serves (accounting, time, latency, flame graph) and the budget.
    pub fn new(
        cell: &MapCell,
        lenses: &[LensKind],
        budget: &Budget,
        profile_file: &Path,
    ) -> Result<Spec, HarnessError> {
        crate::goconfig::harness_runs(
            cell.key_type.as_deref(),
            cell.key_size,
            cell.value_type.as_deref(),
            cell.value_size,
        )?;
        let served = [
            LensKind::Accounting,
            LensKind::Time,
            LensKind::Latency,
            LensKind::Flamegraph,
        ];
        Ok(Spec {
            scenario: cell.scenario.name().to_string(),
            n: cell.n,
            hint: scenario_hint(cell)?,
            keys: cell.keys.name().to_string(),
            key_size: cell.key_size,
            value_size: cell.value_size,
            key_type: cell.key_type.as_ref().map(|t| t.name.clone()),
            value_type: cell.value_type.as_ref().map(|t| t.name.clone()),
            churn_rounds: cell.churn_rounds,
            seed: cell.seed,
            lenses: served
                .iter()
                .filter(|l| lenses.contains(l))
                .map(|l| l.name().to_string())
                .collect(),
            time_samples: budget.time_samples.max(3),
            warmup_ms: budget.warmup_ms,
            time_ms: budget.time_ms,
            flamegraph_ms: budget.flamegraph_ms,
            flamegraph_hz: budget.flamegraph_hz,
            flamegraph_samples: budget.flamegraph_samples,
            profile_file: profile_file.to_path_buf(),
            accounting_runs: 0,
        })
    }
}

/// What the harness measured (`harness.Result`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoResult {
    /// `runtime.Version()` of the harness.
    pub go_version: String,
    /// `runtime.GOOS`.
    pub goos: String,
    /// `runtime.GOARCH`.
    pub goarch: String,
    /// `runtime.GOMAXPROCS(0)`.
    pub gomaxprocs: u32,
    /// `GOGC` as the process saw it (empty: default).
    pub gogc: String,
    /// `GOMEMLIMIT` as the process saw it (empty: default).
    pub gomemlimit: String,
    /// `classic` or `swiss`.
    pub design: String,
    /// Units of the region.
    pub units: u64,
    /// What a unit is.
    pub units_name: String,
    /// The timed regions.
    #[serde(default)]
    pub samples: Vec<GoSample>,
    /// Warm-up spent, ms.
    pub warmup_ms: u64,
    /// Whether the time lens was asked for.
    pub time_asked: bool,
    /// Why GC CPU time is not measured, when it is not.
    #[serde(default)]
    pub gc_cpu_unavailable: Option<String>,
    /// Per-operation latencies, ns.
    #[serde(default)]
    pub latency_ns: Option<Vec<u64>>,
    /// Cost of reading the clock twice, ns.
    #[serde(default)]
    pub timer_overhead_ns: Option<u64>,
    /// Structure changes of one region run.
    #[serde(default)]
    pub accounting: Option<Observed>,
    /// Further observed runs, when the spec asked for several.
    #[serde(default)]
    pub accounting_runs: Vec<Observed>,
    /// Why there is no accounting, when asked.
    #[serde(default)]
    pub accounting_unavailable: Option<String>,
    /// The map after one region run.
    #[serde(default)]
    pub structure: Option<GoMapStructure>,
    /// The CPU profile.
    #[serde(default)]
    pub profile: Option<ProfileInfo>,
    /// Why there is no profile, when asked.
    #[serde(default)]
    pub profile_unavailable: Option<String>,
}

/// One timed region and the runtime's counters around it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoSample {
    /// Region wall-clock time, ns.
    pub region_ns: u64,
    /// `/gc/heap/allocs:bytes` delta.
    pub heap_bytes: u64,
    /// `/gc/heap/allocs:objects` delta.
    pub heap_objects: u64,
    /// `/gc/heap/tiny/allocs:objects` delta.
    pub tiny_allocs: u64,
    /// `/gc/cycles/total:gc-cycles` delta.
    pub gc_cycles: u64,
    /// `/cpu/classes/gc/total:cpu-seconds` delta (Go 1.20+).
    #[serde(default)]
    pub gc_cpu_seconds: Option<f64>,
}

/// The CPU profile the harness wrote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileInfo {
    /// Its path.
    pub file: PathBuf,
    /// Regions profiled.
    pub regions: u64,
    /// Their total time, ns.
    pub region_ns: u64,
    /// Wall-clock time of the whole profile (setups included), ns.
    pub wall_ns: u64,
    /// Rate asked for, Hz.
    pub hz: u32,
    /// The region's function (stacks are cut there).
    pub region_frame: String,
    /// Samples labelled `mapamp=region` in the profile, as the harness
    /// counted them.
    #[serde(default)]
    pub region_samples: u64,
    /// The sample target it profiled for (0: none).
    #[serde(default)]
    pub samples_target: u64,
    /// Region time of a first profile that measured the sample rate and
    /// was not kept, ns (0: none).
    #[serde(default)]
    pub calibration_ns: u64,
}

/// Writes `spec` to `spec_file` and runs the harness `bin` on it with the
/// Go runtime knobs; the harness's JSON answer, or why it failed.
pub fn run(
    bin: &Path,
    spec: &Spec,
    spec_file: &Path,
    knobs: &GoRuntimeKnobs,
) -> Result<GoResult, HarnessError> {
    run_with_env(bin, spec, spec_file, knobs, &[])
}

/// [`run`] with more environment changes (`None` removes a variable).
pub fn run_with_env(
    bin: &Path,
    spec: &Spec,
    spec_file: &Path,
    knobs: &GoRuntimeKnobs,
    env: &[(&'static str, Option<String>)],
) -> Result<GoResult, HarnessError> {
    fsutil::write_json_atomic(spec_file, spec)?;
    let mut cmd = Command::new(bin);
    cmd.arg("run").arg("-spec").arg(spec_file);
    for (k, v) in process_env(knobs, false)
        .into_iter()
        .chain(env.iter().cloned())
    {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let out = cmd.output().map_err(|source| HarnessError::Start {
        bin: bin.to_path_buf(),
        source,
    })?;
    if !out.status.success() {
        return Err(HarnessError::Failed {
            status: out.status,
            stderr: last_lines(&String::from_utf8_lossy(&out.stderr), 3),
        });
    }
    serde_json::from_slice(&out.stdout).map_err(HarnessError::NotResultJson)
}

/// The command line that runs the cell's region once (for callgrind), and
/// the environment it needs.
pub fn region_command(
    bin: &Path,
    spec_file: &Path,
    knobs: &GoRuntimeKnobs,
) -> (Vec<OsString>, EnvChanges) {
    (
        vec![
            bin.as_os_str().to_owned(),
            "region".into(),
            "-spec".into(),
            spec_file.as_os_str().to_owned(),
        ],
        process_env(knobs, true),
    )
}

/// The harness's environment: the Go runtime knobs (unset ones removed so
/// the caller's do not leak in), and under valgrind no asynchronous
/// preemption (callgrind's signal handling asserts on Go's preemption
/// signals).
fn process_env(knobs: &GoRuntimeKnobs, valgrind: bool) -> EnvChanges {
    let mut env = knobs.env();
    env.push(("GODEBUG", valgrind.then(|| "asyncpreemptoff=1".to_string())));
    env
}

fn last_lines(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.trim().lines().collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::chain;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn messages_read_as_before_they_were_typed() {
        let e = HarnessError::Failed {
            status: ExitStatus::from_raw(256),
            stderr: last_lines("a\nb\nc\nd\n", 3),
        };
        assert_eq!(
            e.to_string(),
            "the Go harness failed (exit status: 1): b | c | d"
        );
        let e = HarnessError::Start {
            bin: "target/go/go1.19/mapamp-go".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(
            chain(&e),
            "cannot run target/go/go1.19/mapamp-go: entity not found"
        );
        let json = serde_json::from_slice::<GoResult>(b"x").unwrap_err();
        let was = format!("the Go harness answered something that is not its result JSON: {json}");
        assert_eq!(chain(&HarnessError::NotResultJson(json)), was);
        let e = HarnessError::SpecMissing {
            spec_file: "cells/a/go-spec.json".into(),
        };
        assert_eq!(
            e.to_string(),
            "cells/a/go-spec.json is missing: the cell's native lenses did not run"
        );
    }
}
