//! The I/O copy paths: a file sent to a local receiver along each of the
//! ways Linux offers, measured in isolation with the same lenses as the map
//! cells.
//!
//! The source article's second copy-path family: a `read()` then `send()`
//! of a file moves every byte page cache → user buffer → socket buffer →
//! device. An io cell moves a file of the profile's size along one path to
//! one target and measures only the sender's loop (the region); everything
//! else — making the file, setting its page-cache state, starting the
//! receiver, connecting — is setup, and checking what arrived comes after.
//!
//! | path | the sender's loop | copies through user space |
//! |---|---|---|
//! | `read_write` | `read()` a chunk into a buffer, `write()` it | 2 per byte |
//! | `mmap_write` | `mmap()` the file, `write()` chunks from the mapping | 1 per byte |
//! | `sendfile` | `sendfile()` chunks, file → target | 0 |
//! | `splice` | `splice()` file → pipe, `splice()` pipe → target | 0 |
//! | `io_uring` | linked READ + WRITE of up to 4 chunks per `io_uring_enter` | 2 per byte |
//!
//! Axes (the profile's `[io]` table): path × target (`tcp`: a receiver on
//! 127.0.0.1 that the cell starts and stops; `pipe`: a pipe drained by a
//! receiver thread) × page cache (`warm`, `cold`) × file size × chunk size
//! (`buffer_size`: the user buffer of `read_write` and `io_uring`, the bytes
//! per call of the other paths; the splice pipe may cap it, and the figures
//! say so). Cell ids: `io/<path>/<cache>/size=<bytes>/buf=<bytes>/<target>`,
//! so `compare '#variant=…'` pairs paths and `'#config=…'` cache states.
//!
//! | module | owns |
//! |---|---|
//! | [`error`] | [`IoError`]: why a send could not be prepared, run or checked |
//! | [`sys`] | the counted system call wrappers |
//! | [`source`] | the file: content, checksum, page-cache state (checked with `mincore`) |
//! | [`sink`] | the targets and the receiver (bounded, verifying length + checksum) |
//! | [`softnet`] | freeing socket buffers the kernel deferred (they pin the file's pages) |
//! | [`send`] | the senders, one loop per path |
//! | [`usage`] | `getrusage(RUSAGE_THREAD)`: CPU user/system, faults, context switches |
//! | [`copies`] | copies per byte delivered: measured vs derived, sources named |
//! | [`cell`] | a cell: prepare, run (a [`crate::scenario::Runnable`]), the io lens |
//! | [`claims`](crate::claims::io) | the article's I/O claims, measured |
//!
//! A path the kernel or sandbox refuses (no `io_uring`, a busy port) fails
//! the cell's preparation with the reason; the run records the reason for
//! every lens of that cell and goes on.

pub mod cell;
pub mod copies;
pub mod error;
pub mod send;
pub mod sink;
pub mod softnet;
pub mod source;
pub mod sys;
pub mod usage;

pub use cell::{IoCell, IoFigures, PreparedIo};
pub use error::IoError;

use crate::names::UnknownName;
use serde::{Deserialize, Serialize};

/// How the file's bytes reach the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IoPath {
    /// `read()` into a user buffer, then `write()` it.
    ReadWrite,
    /// `mmap()` the file, `write()` from the mapping.
    MmapWrite,
    /// `sendfile()`: no user-space copy.
    Sendfile,
    /// `splice()` file → pipe → target.
    Splice,
    /// `io_uring`: linked READ + WRITE, batched.
    IoUring,
}

impl IoPath {
    /// Every path, in report order.
    pub const ALL: [IoPath; 5] = [
        IoPath::ReadWrite,
        IoPath::MmapWrite,
        IoPath::Sendfile,
        IoPath::Splice,
        IoPath::IoUring,
    ];

    /// Name in profiles, ids and reports.
    pub fn name(self) -> &'static str {
        match self {
            IoPath::ReadWrite => "read_write",
            IoPath::MmapWrite => "mmap_write",
            IoPath::Sendfile => "sendfile",
            IoPath::Splice => "splice",
            IoPath::IoUring => "io_uring",
        }
    }

    /// What the sender's loop does, in words.
    pub fn region_text(self) -> &'static str {
        match self {
            IoPath::ReadWrite => "the whole file sent by read() into a user buffer, then write() of it, chunk by chunk",
            IoPath::MmapWrite => "mmap() of the file, write() of each chunk from the mapping, munmap()",
            IoPath::Sendfile => "the whole file sent by sendfile() calls of one chunk each",
            IoPath::Splice => "the whole file sent by splice() file → pipe and splice() pipe → target, chunk by chunk",
            IoPath::IoUring => "the whole file sent by io_uring: linked READ + WRITE of up to 4 chunks per io_uring_enter()",
        }
    }

    /// Parses a name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<IoPath, UnknownName> {
        parse_name(s, &IoPath::ALL, IoPath::name, "io path")
    }
}

/// Where the bytes go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A TCP receiver on 127.0.0.1, started and stopped by the cell.
    Tcp,
    /// A pipe drained by a receiver thread.
    Pipe,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 2] = [Target::Tcp, Target::Pipe];

    /// Name in profiles and ids.
    pub fn name(self) -> &'static str {
        match self {
            Target::Tcp => "tcp",
            Target::Pipe => "pipe",
        }
    }

    /// The kernel buffer the sender fills.
    pub fn buffer_name(self) -> &'static str {
        match self {
            Target::Tcp => "socket",
            Target::Pipe => "pipe",
        }
    }

    /// Parses a name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<Target, UnknownName> {
        parse_name(s, &Target::ALL, Target::name, "io target")
    }
}

/// The file's page-cache state when the region starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheState {
    /// Every page resident.
    Warm,
    /// No page resident.
    Cold,
}

impl CacheState {
    /// Both states.
    pub const ALL: [CacheState; 2] = [CacheState::Warm, CacheState::Cold];

    /// Name in profiles and ids.
    pub fn name(self) -> &'static str {
        match self {
            CacheState::Warm => "warm",
            CacheState::Cold => "cold",
        }
    }

    /// Parses a name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<CacheState, UnknownName> {
        parse_name(s, &CacheState::ALL, CacheState::name, "cache state")
    }
}

fn parse_name<T: Copy>(
    s: &str,
    all: &[T],
    name: fn(T) -> &'static str,
    what: &'static str,
) -> Result<T, UnknownName> {
    all.iter()
        .copied()
        .find(|x| name(*x) == s)
        .ok_or_else(|| UnknownName {
            what,
            given: s.to_string(),
            valid: "valid",
            names: all.iter().map(|x| name(*x)).collect::<Vec<_>>().join(", "),
        })
}

/// A byte size that does not parse: the text given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a size; write a number of bytes or a number with KiB, MiB or GiB (\"4KiB\")")]
pub struct NotASize(pub String);

/// Parses a byte size: a number of bytes, or a number with `KiB`, `MiB` or
/// `GiB` (`"4KiB"`, `"256 MiB"`).
pub fn parse_size(s: &str) -> Result<u64, NotASize> {
    let t = s.trim();
    let (num, mult) = [
        ("GiB", 1u64 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
        ("B", 1),
    ]
    .iter()
    .find_map(|(suffix, m)| t.strip_suffix(suffix).map(|n| (n.trim(), *m)))
    .unwrap_or((t, 1));
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| NotASize(s.to_string()))
}

/// A size as the shortest exact binary-unit text (`4KiB`, `256MiB`, `1000`).
pub fn size_text(bytes: u64) -> String {
    for (suffix, m) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes >= m && bytes.is_multiple_of(m) {
            return format!("{}{suffix}", bytes / m);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_errors_list_the_valid_ones() {
        for p in IoPath::ALL {
            assert_eq!(IoPath::parse(p.name()).unwrap(), p);
        }
        let e = IoPath::parse("copy").unwrap_err().to_string();
        assert!(
            e.contains("read_write, mmap_write, sendfile, splice, io_uring"),
            "{e}"
        );
        assert!(Target::parse("udp")
            .unwrap_err()
            .to_string()
            .contains("tcp, pipe"));
        assert!(CacheState::parse("hot")
            .unwrap_err()
            .to_string()
            .contains("warm, cold"));
    }

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert_eq!(parse_size("4KiB").unwrap(), 4096);
        assert_eq!(parse_size("256 MiB").unwrap(), 256 << 20);
        assert!(parse_size("4kb").is_err());
        assert!(parse_size("99999999999GiB").is_err());
        assert_eq!(size_text(4096), "4KiB");
        assert_eq!(size_text(256 << 20), "256MiB");
        assert_eq!(size_text(1000), "1000");
    }
}
