//! What `mapamp run` and its cell processes refuse or fail on.

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
    /// A failure of a part of the run not yet typed (lenses, scenarios,
    /// cell ids): its message.
    #[error("{0}")]
    Other(String),
}

impl From<String> for RunError {
    fn from(m: String) -> RunError {
        RunError::Other(m)
    }
}

crate::into_message!(RunError);
