//! What `mapamp lint` refuses or fails on: the path, binary or output to
//! blame; and the notes it writes in place of a result (a Rust file that
//! does not parse, a finding it cannot price).

use std::path::PathBuf;

/// Why `mapamp lint` could not check a path.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// The path to lint does not exist.
    #[error("{}: no such file or folder (give a folder or a .go/.rs file)", .path.display())]
    NoSuchPath {
        /// The path given.
        path: PathBuf,
    },
    /// `--assume-n` outside 1..=[`super::cost::MAX_PRICED_N`].
    #[error("--assume-n {n} is out of range: give 1 to {max}", max = super::cost::MAX_PRICED_N)]
    AssumeN {
        /// The value given.
        n: u64,
    },
    /// A folder could not be listed.
    #[error("{}: cannot read", .path.display())]
    ReadDir {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A path could not be examined or read.
    #[error("{}", .path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// `--maplint` (or `MAPAMP_MAPLINT`) names no file.
    #[error("maplint binary {} does not exist", .path.display())]
    NoMaplint {
        /// The path given.
        path: PathBuf,
    },
    /// maplint's Go sources are not beside the crate.
    #[error("the maplint sources are not at {}: pass --maplint PATH to a built maplint", .src.display())]
    NoMaplintSources {
        /// Where they were looked for.
        src: PathBuf,
    },
    /// maplint's build folder or lock file could not be created, opened or
    /// locked.
    #[error("{}: cannot {what}", .path.display())]
    BuildDir {
        /// The folder or file.
        path: PathBuf,
        /// `create`, `open` or `lock`.
        what: &'static str,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// `go` could not be started to build maplint (the OS error stands in
    /// the message, before the advice).
    #[error("cannot run `go` to build maplint ({error}): the Go check needs Go 1.26 or newer on PATH, or --maplint PATH")]
    NoGo {
        /// The OS error.
        error: std::io::Error,
    },
    /// `go build` of maplint failed.
    #[error("go build of maplint in {} failed: {stderr}", .src.display())]
    BuildFailed {
        /// maplint's sources.
        src: PathBuf,
        /// `go build`'s standard error, trimmed.
        stderr: String,
    },
    /// maplint could not be started.
    #[error("cannot run {}", .maplint.display())]
    RunMaplint {
        /// The binary.
        maplint: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// maplint failed and printed no findings.
    #[error("maplint failed on {pattern} in {}: {stderr}", .module.display())]
    MaplintFailed {
        /// The package pattern.
        pattern: String,
        /// The module folder.
        module: PathBuf,
        /// maplint's standard error, trimmed.
        stderr: String,
    },
    /// maplint's JSON is not what mapamp reads (serde's error stands in
    /// the message).
    #[error("maplint printed JSON mapamp cannot read ({error})")]
    MaplintJson {
        /// serde's error.
        error: serde_json::Error,
    },
    /// One maplint diagnostic is not what mapamp reads.
    #[error("maplint diagnostic {posn:?}: {what}")]
    Diagnostic {
        /// The diagnostic's `file:line:col`.
        posn: String,
        /// What is wrong with it.
        what: String,
    },
}

/// Why a finding has no price: a reason written into the report as the
/// finding's `unavailable` pricing (its message is the datum), not an
/// error of the run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotPriced {
    /// A Go module without a `go` line: which model is unknown.
    #[error(
        "Go version unknown (no go line in go.mod): cannot choose the classic or the Swiss model"
    )]
    GoVersionUnknown,
    /// maplint did not give the map's type.
    #[error("the map's type is unknown: unknown shape, not priced")]
    TypeUnknown,
    /// A type that is not `map[K]V`.
    #[error("`{map_type}` is not a map type: unknown shape, not priced")]
    NotAMapType {
        /// The type as maplint gave it.
        map_type: String,
    },
    /// A key or value type mapamp does not lay out.
    #[error(
        "{what} type `{name}` of `{map_type}`: unknown shape (a named type, type parameter or composite mapamp does not lay out; it knows {known}): not priced rather than guessed",
        known = crate::gotype::GO_TYPE_NAMES
    )]
    UnknownShape {
        /// `key` or `value`.
        what: &'static str,
        /// The key or value type.
        name: String,
        /// The map type.
        map_type: String,
    },
}

crate::into_message!(NotPriced);

/// A Rust file that does not parse: where, and syn's message. Such a file
/// becomes a note of the report, not an error of the run.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{col}: not parsed: {message}")]
pub struct NotParsed {
    /// The file, as the findings name it.
    pub file: String,
    /// The line (1-based).
    pub line: usize,
    /// The column (1-based).
    pub col: usize,
    /// syn's message.
    pub message: String,
}
