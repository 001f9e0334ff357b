//! Every size input mapamp takes, bounded before anything runs.
//!
//! A size that can make a command allocate or loop is checked against a
//! fixed limit (this module) and, where memory is the limit, against the
//! memory available (`machine::available_memory_bytes`), with an error
//! that names the input, its value, the limit and why. [`TABLE`] lists
//! them all; `docs/limits.md`'s table is that list
//! ([`markdown_table`]; `tests/it/hostile.rs` checks the two agree).

use std::path::{Path, PathBuf};

/// Rounds of churn (`inspect --rounds`, `budget.churn_rounds`).
pub const MAX_CHURN_ROUNDS: usize = 10_000;

/// Operations the write timeline records per cell
/// (`budget.timeline_writes`): about 120 bytes each in memory, and about
/// 100 in the cell's `trace.json`.
pub const MAX_TIMELINE_WRITES: usize = 10_000_000;

/// Map operations one `inspect` may ask for: the inserts of N plus the
/// churn's rounds × k deletes and inserts. About 25 minutes of CPU on the
/// development VM: `inspect --n 1000000 --workload churn --rounds 4 --k
/// 500000` (3·10^6 operations, exact accounting) took 1.0 s of CPU there.
/// The memory for the keys drawn is checked separately.
pub const MAX_WORKLOAD_OPS: u64 = 1 << 32;

/// Largest N of a profile (`axes.n`, `locate.n`).
pub const MAX_PROFILE_N: i64 = 1 << 32;

/// Largest bucket count of a locate cell (`locate.buckets`, `--buckets`
/// is bounded by memory only).
pub const MAX_LOCATE_BUCKETS: i64 = 1 << 32;

/// callgrind runs at once (`run --callgrind-jobs`).
pub const MAX_CALLGRIND_JOBS: usize = 256;

/// Characters of a configuration name (one segment of a cell id, which
/// is at most 200 characters long).
pub const MAX_CONFIG_NAME: usize = 64;

/// Bytes of a profile file.
pub const MAX_PROFILE_BYTES: u64 = 1 << 20;

/// Bytes of a `report.json` read by `compare` (the `full` profile's is
/// about 30 MB).
pub const MAX_REPORT_BYTES: u64 = 1 << 30;

/// Bytes of one `folded.txt` read by `compare`.
pub const MAX_FOLDED_BYTES: u64 = 256 << 20;

/// One row of the table of bounded inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The input, as written on the command line or in a profile.
    pub input: &'static str,
    /// What is accepted.
    pub limit: &'static str,
    /// Why.
    pub why: &'static str,
}

/// Every size input and its limit, in the order of `docs/limits.md`'s table.
pub const TABLE: &[Limit] = &[
    Limit {
        input: "`n` (`inspect --n`, `axes.n`)",
        limit: "profile: 1 to 2^32; both: the cell's estimated peak memory must fit in the memory available",
        why: "a map of N entries (both bucket arrays alive during growth, full overflow, indirect objects) plus the operations prepared for the region",
    },
    Limit {
        input: "`hint` (`--hint`, `configs.<c>.hint`)",
        limit: "a number, `n`, `<f>n` (f finite, ≥ 0) or `none`; Go family: a hint whose buckets exceed 2^48 bytes is 0, as in Go's `makemap`; goswiss: a hint whose 1024-slot tables would exceed 2^48 bytes is 0, as in Go 1.26's `NewMap`; then the memory check, which names the hint",
        why: "Go 1.19's `makemap` sets such hints to 0 and Go 1.26's `NewMap` makes an empty map for them (`maxAlloc`); a hint Go keeps allocates its buckets (tables) at creation",
    },
    Limit {
        input: "`k` (`inspect --k`)",
        limit: "N + rounds × k ≤ 2^32 operations (about 25 minutes of CPU), and the keys drawn (40 bytes each) must fit in memory",
        why: "every churn step draws a new distinct key, remembered to keep keys distinct: memory and time grow with rounds × k",
    },
    Limit {
        input: "`rounds` (`inspect --rounds`, `budget.churn_rounds`)",
        limit: "0 to 10,000 (profile: 1 to 10,000)",
        why: "time, and the keys the churn draws (as `k`)",
    },
    Limit {
        input: "`buckets` (`locate --buckets`, `locate.buckets`)",
        limit: "≥ 1 (`mask`: a power of two); profile: at most 2^32; both: 8 bytes per bucket must fit in memory",
        why: "one counter per bucket",
    },
    Limit {
        input: "`locate --n`, `locate.n`",
        limit: "≥ 1; profile: at most 2^32; the keys (up to 32 bytes each) must fit in memory",
        why: "the key set is generated before timing",
    },
    Limit {
        input: "`key_size`, `value_size` (`--key-size`, `--value-size`)",
        limit: "8, 16, 32, 64, 128 or 256",
        why: "`[W]uint64` keys and values, the sizes hashbrown and std are built for; Go stores keys/values over 128 bytes indirectly",
    },
    Limit {
        input: "`key`, `value` (`--key`, `--value`)",
        limit: "Go type names: `struct{}`, `bool`, `uint8`/`int8`/`byte`, `int16`/`uint16`, `int32`/`uint32`/`rune`/`float32`, `int64`/`uint64`/`int`/`uint`/`uintptr`/`float64`, `string`, `*T`, `[N]T` up to 1 MiB",
        why: "the Go models and the classic models only (hashbrown/std: `[W]uint64`; the real-Go harness: `[W]uint64`, named types are measured by `go/cmd/evolutionref`); a key type needs as many values as the cell draws keys (`bool`, `int16`: refused with the reason)",
    },
    Limit {
        input: "`inline_limit`",
        limit: "8 to 1,048,576 bytes",
        why: "Go's is 128; below 8 no key is inline",
    },
    Limit {
        input: "`load_factor`",
        limit: "1.0 to 8.0",
        why: "above 8 a one-bucket map must overflow before it may double, and Go's growth rule would restart a same-size growth forever",
    },
    Limit {
        input: "`budget.time_samples`",
        limit: "3 to 100,000",
        why: "a median and bootstrap interval need 3; each sample is a fresh setup",
    },
    Limit {
        input: "`budget.time_ms`, `warmup_ms`, `flamegraph_ms`, `criterion_ms`",
        limit: "time 1 to 3,600,000; warm-up 0 to 600,000; flame graph and criterion 10 to 600,000 (ms, per cell)",
        why: "time per cell",
    },
    Limit {
        input: "`budget.flamegraph_hz`, `criterion_samples`",
        limit: "1 to 10,000 Hz; 10 to 100,000 samples",
        why: "the sampler's and criterion's own ranges",
    },
    Limit {
        input: "`budget.timeline_writes`",
        limit: "0 to 10,000,000 (0: no write timeline)",
        why: "about 120 bytes per operation in memory and 100 in the cell's trace.json",
    },
    Limit {
        input: "`run --callgrind-jobs`",
        limit: "1 to 256",
        why: "valgrind processes at once; 0 would run nothing",
    },
    Limit {
        input: "configuration names",
        limit: "1 to 64 of letters, digits, `.`, `_`, `-`, `=`, `+`; not `.` or `..`",
        why: "a name is a folder name in every cell id (at most 200 characters)",
    },
    Limit {
        input: "profile file, `report.json`, `folded.txt`",
        limit: "regular files of at most 1 MiB, 1 GiB and 256 MiB",
        why: "read whole into memory; a device such as `/dev/zero` never ends",
    },
    Limit {
        input: "`table load-factor --b`, `--seeds`",
        limit: "4 to 22; at least 1",
        why: "2^B buckets per table, loaded once per seed",
    },
];

/// [`TABLE`] as the Markdown table `docs/limits.md` shows.
pub fn markdown_table() -> String {
    let mut s = String::from("| input | limit | why |\n|---|---|---|\n");
    for l in TABLE {
        s += &format!("| {} | {} | {} |\n", l.input, l.limit, l.why);
    }
    s
}

/// Why a bounded input file could not be read; `what` names the file's
/// role ("profile", "report"), as the messages do.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Nothing at the path.
    #[error("{what} {} does not exist", path.display())]
    NotFound {
        /// The file's role.
        what: String,
        /// The path given.
        path: PathBuf,
    },
    /// The OS refused (permissions, I/O error).
    #[error("{what} {}: cannot read", path.display())]
    Io {
        /// The file's role.
        what: String,
        /// The path given.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A folder where a file was expected.
    #[error("{what} {} is a folder, not a file", path.display())]
    Folder {
        /// The file's role.
        what: String,
        /// The path given.
        path: PathBuf,
    },
    /// A device, pipe or socket.
    #[error("{what} {} is not a regular file (a device, pipe or socket)", path.display())]
    NotRegular {
        /// The file's role.
        what: String,
        /// The path given.
        path: PathBuf,
    },
    /// Larger than the limit.
    #[error("{what} {} is {len} bytes, more than the {max} this mapamp reads", path.display())]
    TooLarge {
        /// The file's role.
        what: String,
        /// The path given.
        path: PathBuf,
        /// Its size.
        len: u64,
        /// The limit.
        max: u64,
    },
    /// Grew past the limit while it was read.
    #[error("{what} {} grew past the {max} bytes this mapamp reads", path.display())]
    Grew {
        /// The file's role.
        what: String,
        /// The path given.
        path: PathBuf,
        /// The limit.
        max: u64,
    },
}

/// Reads a text file whole, refusing what is not a regular file (a folder,
/// a device such as `/dev/zero`) and files over `max_bytes`; `what` names
/// the file in errors.
pub fn read_text(path: &Path, what: &str, max_bytes: u64) -> Result<String, ReadError> {
    use std::io::Read;
    let what = what.to_string();
    let path = path.to_path_buf();
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReadError::NotFound { what, path })
        }
        Err(source) => return Err(ReadError::Io { what, path, source }),
    };
    if meta.is_dir() {
        return Err(ReadError::Folder { what, path });
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular { what, path });
    }
    if meta.len() > max_bytes {
        return Err(ReadError::TooLarge {
            what,
            path,
            len: meta.len(),
            max: max_bytes,
        });
    }
    let mut text = String::new();
    if let Err(source) =
        std::fs::File::open(&path).and_then(|f| f.take(max_bytes + 1).read_to_string(&mut text))
    {
        return Err(ReadError::Io { what, path, source });
    }
    if text.len() as u64 > max_bytes {
        return Err(ReadError::Grew {
            what,
            path,
            max: max_bytes,
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_folders_are_refused_by_name() {
        let e = read_text(Path::new("/dev/zero"), "profile", 100)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a regular file"), "{e}");
        let e = read_text(&std::env::temp_dir(), "profile", 100)
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a folder"), "{e}");
        let e = read_text(Path::new("/nonexistent/x.toml"), "profile", 100)
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not exist"), "{e}");
    }

    #[test]
    fn files_over_the_limit_are_refused() {
        let p = std::env::temp_dir().join(format!("mapamp-limits-{}", std::process::id()));
        std::fs::write(&p, "0123456789").unwrap();
        assert_eq!(read_text(&p, "x", 10).unwrap(), "0123456789");
        assert!(matches!(
            read_text(&p, "x", 9),
            Err(ReadError::TooLarge {
                len: 10,
                max: 9,
                ..
            })
        ));
        assert!(read_text(&p, "x", 9)
            .unwrap_err()
            .to_string()
            .contains("10 bytes"));
        std::fs::remove_file(&p).unwrap();
    }
}
