//! What `mapamp run` and its cell processes refuse or fail on, and why a
//! lens of a cell has no figures.

use std::path::PathBuf;

/// Why a run could not start or go on: the input or folder to blame.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The profile could not be found, read or validated.
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    /// A cell could not be prepared.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// The profile's claims could not be evaluated.
    #[error(transparent)]
    Claims(#[from] crate::claims::ClaimsError),
    /// The runtime-evolution section could not be computed.
    #[error(transparent)]
    Evolution(#[from] super::evolution::EvolutionError),
    /// A file of the report folder could not be written.
    #[error(transparent)]
    Fs(#[from] crate::fsutil::FsError),
    /// `--cells` selects nothing.
    #[error(
        "no cell of profile `{profile}` matches `{filter}`; see `mapamp profile cells {profile}`"
    )]
    NoCellMatches {
        /// The profile's name.
        profile: String,
        /// `--cells` as given.
        filter: String,
    },
    /// `--shard K/N` leaves this shard no cell.
    #[error(
        "--shard {shard}: no cell falls in this shard ({selected} cells selected); use at most {selected} shards"
    )]
    EmptyShard {
        /// `--shard` as given.
        shard: String,
        /// Cells selected before sharding.
        selected: usize,
    },
    /// A path that could not be made absolute (the OS error is the source).
    #[error("{}", .path.display())]
    Path {
        /// The path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// `--out` already holds a run and `--resume` was not given.
    #[error(
        "{} already holds a run; use --resume to continue it, or --out to write elsewhere",
        .out.display()
    )]
    AlreadyARun {
        /// `--out`.
        out: PathBuf,
    },
    /// The run file of `--out` could not be read.
    #[error("{}", .path.display())]
    ReadRunFile {
        /// `run.json`.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The run file of `--out` is not one `mapamp run` wrote.
    #[error("{}: not a mapamp run file", .path.display())]
    NotARunFile {
        /// `run.json`.
        path: PathBuf,
        /// serde's error.
        #[source]
        source: serde_json::Error,
    },
    /// `--resume` with a profile other than the run's.
    #[error(
        "{}: the profile changed since this run started ({profile}); start a new run with another --out",
        .out.display()
    )]
    ProfileChanged {
        /// `--out`.
        out: PathBuf,
        /// The profile the run started with.
        profile: String,
    },
    /// `--resume` with another `--shard` than the run's.
    #[error(
        "{}: this run is of {was}, not {now}; resume it with the same --shard, or start a new run with another --out",
        .out.display()
    )]
    OtherShard {
        /// `--out`.
        out: PathBuf,
        /// The run's cells ("shard 1/2", "all cells").
        was: String,
        /// The cells asked for now.
        now: String,
    },
    /// `run.json` in `--out` is a folder or other non-file.
    #[error(
        "{}: `{file}` is not a file, so this is not a mapamp run; choose another --out",
        .out.display()
    )]
    RunFileNotAFile {
        /// `--out`.
        out: PathBuf,
        /// The run file's name.
        file: &'static str,
    },
    /// `--out` is a file.
    #[error("--out {} exists and is not a folder; choose another --out", .out.display())]
    OutNotAFolder {
        /// `--out`.
        out: PathBuf,
    },
    /// `--out` could not be listed.
    #[error("--out {}: cannot read", .out.display())]
    ReadOut {
        /// `--out`.
        out: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// `--out` holds files and no run: not ours to write into.
    #[error(
        "--out {} {}; choose another --out",
        .out.display(),
        if *.resume {
            format!("is not empty and holds no mapamp run (no {file}, which `mapamp run` writes first); --resume continues only a folder written by `mapamp run`")
        } else {
            "exists and is not empty".to_string()
        }
    )]
    OutNotEmpty {
        /// `--out`.
        out: PathBuf,
        /// Whether `--resume` was given.
        resume: bool,
        /// The run file's name.
        file: &'static str,
    },
    /// A cell's process could not be started.
    #[error("cannot start {}", .exe.display())]
    StartChild {
        /// The mapamp executable.
        exe: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// `cell-run --cell` names no cell of the profile.
    #[error("profile {} has no cell {id}", .profile.display())]
    NoSuchCell {
        /// The profile file.
        profile: PathBuf,
        /// The cell id asked for.
        id: String,
    },
    /// `cell-run --cell` is not a cell id.
    #[error(transparent)]
    CellId(#[from] crate::cell::CellIdError),
    /// A file a phase of the run writes is missing or cannot be read back.
    #[error("{}: missing or unreadable; rerun with --resume", .path.display())]
    Unfinished {
        /// The file.
        path: PathBuf,
    },
}

/// Why a lens of a cell has no figures: its `unavailable` reason in the
/// report, which is the message with its chain ([`LensReport::from_result`](crate::report::schema::LensReport::from_result)). The
/// lenses that run in mapamp's process (accounting, counters, flame graph,
/// timeline, time, latency) and the parts of the real-Go cells' lenses the
/// run does itself (the time processes, callgrind).
#[derive(Debug, thiserror::Error)]
pub(crate) enum CellLensError {
    /// The cell could not be prepared.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// A lens runner failed (the sampler, callgrind).
    #[error(transparent)]
    Lens(#[from] crate::lens::error::LensError),
    /// The write timeline could not be recorded.
    #[error(transparent)]
    Timeline(#[from] crate::timeline::TimelineError),
    /// The real-Go cell's harness could not run.
    #[error(transparent)]
    Harness(#[from] crate::golang::harness::HarnessError),
    /// A file of the lens could not be written.
    #[error(transparent)]
    Fs(#[from] crate::fsutil::FsError),
    /// The map has no accounting probe (a defect: the lens builds it with one).
    #[error("the map was built without accounting")]
    NoAccounting,
    /// The map does not say how exact its accounting is.
    #[error("no accounting")]
    NoExactness,
    /// The cell's folder under the report could not be created.
    #[error("cannot create {rel}")]
    CreateDir {
        /// The folder, relative to the report's.
        rel: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The timeline's trace could not be serialised.
    #[error("trace.json")]
    Trace(#[source] serde_json::Error),
    /// An io cell's flame graph with too few samples in the sender's region
    /// (the kernel's share of a send is not sampled).
    #[error(
        "{samples} samples landed in the sender's region, {min_samples} needed: {replays} sends \
         replayed for {wall_ms} ms of wall-clock time (the lens's cap) ran {duration_ms} ms of \
         region ({sampler} sampler at {frequency_hz} Hz, user-space stacks only: the kernel's \
         share of a send is not sampled){}",
        .fallback.as_deref().map(|x| format!("; perf event refused: {x}")).unwrap_or_default()
    )]
    IoFlamegraphTooThin {
        /// Samples in the region.
        samples: u64,
        /// Samples the lens needs.
        min_samples: u64,
        /// Sends replayed.
        replays: u64,
        /// Wall-clock time of the profile, ms.
        wall_ms: u64,
        /// Region time of the profile, ms.
        duration_ms: u64,
        /// The sampler, as the report names it.
        sampler: String,
        /// The sampling frequency asked for, Hz.
        frequency_hz: u32,
        /// Why the perf event was refused, if the sampler fell back.
        fallback: Option<String>,
    },
    /// The latency lens's region ran no operation.
    #[error("the region ran no operation")]
    NoOperation,
    /// The Go harness's answer has no timed region.
    #[error("the Go harness timed no region")]
    GoNoRegionTimed,
    /// The Go harness's answer has no timed operation.
    #[error("the Go harness timed no operation")]
    GoNoOperationTimed,
    /// The Go harness's answer has no timer overhead.
    #[error("the Go harness did not measure its timer's overhead")]
    GoNoTimerOverhead,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::chain;
    use crate::report::schema::LensReport;

    #[test]
    fn lens_reasons_read_as_before_they_were_typed() {
        let e = CellLensError::IoFlamegraphTooThin {
            samples: 3,
            min_samples: 50,
            replays: 12,
            wall_ms: 2000,
            duration_ms: 40,
            sampler: "setitimer ITIMER_PROF".into(),
            frequency_hz: 4999,
            fallback: Some("EACCES".into()),
        };
        assert_eq!(
            e.to_string(),
            "3 samples landed in the sender's region, 50 needed: 12 sends replayed for 2000 ms \
             of wall-clock time (the lens's cap) ran 40 ms of region (setitimer ITIMER_PROF \
             sampler at 4999 Hz, user-space stacks only: the kernel's share of a send is not \
             sampled); perf event refused: EACCES"
        );
        let e = CellLensError::CreateDir {
            rel: "cells/a".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert_eq!(
            LensReport::<()>::from_result(Err(e)),
            LensReport::unavailable("cannot create cells/a: permission denied")
        );
        let json = serde_json::from_str::<u8>("x").unwrap_err();
        let was = format!("trace.json: {json}");
        assert_eq!(chain(&CellLensError::Trace(json)), was);
    }

    #[test]
    fn a_phase_file_missing_says_to_resume() {
        let e = RunError::Unfinished {
            path: "out/cells/a/time/0.json".into(),
        };
        assert_eq!(
            e.to_string(),
            "out/cells/a/time/0.json: missing or unreadable; rerun with --resume"
        );
    }
}
