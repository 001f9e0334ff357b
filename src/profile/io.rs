//! The `[io]` matrix of a profile: the I/O copy-path cells ([`crate::scenario::io`]).
//!
//! ```toml
//! [io]
//! path = ["read_write", "mmap_write", "sendfile", "splice", "io_uring"]
//! target = ["tcp", "pipe"]          # default ["tcp"]
//! cache = ["warm", "cold"]          # default ["warm"]
//! file_size = ["4KiB", "1MiB", "256MiB"]   # bytes, or with KiB/MiB/GiB
//! buffer_size = ["64KiB"]           # bytes per request
//! port = 0                          # TCP receiver port on 127.0.0.1; 0 = a free one
//! timeout_ms = 60000                # receiver deadline per send (default 60 s + 250 ms per MiB)
//! ```

use super::error::BadValue;
use super::parse::Errs;
use super::raw::Axis;
use super::ProfileError;
use crate::scenario::io::{parse_size, CacheState, IoCell, IoPath, Target};
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// `[io]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIo {
    /// Paths.
    pub path: Axis<String>,
    /// Targets.
    pub target: Option<Axis<String>>,
    /// Cache states.
    pub cache: Option<Axis<String>>,
    /// File sizes.
    pub file_size: Axis<toml::Value>,
    /// Bytes per request.
    pub buffer_size: Axis<toml::Value>,
    /// Receiver port.
    pub port: Option<Spanned<i64>>,
    /// Receiver deadline, ms.
    pub timeout_ms: Option<Spanned<i64>>,
}

/// The validated `[io]` matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IoAxes {
    /// Paths.
    pub paths: Vec<IoPath>,
    /// Targets.
    pub targets: Vec<Target>,
    /// Cache states.
    pub caches: Vec<CacheState>,
    /// File sizes, bytes.
    pub file_sizes: Vec<u64>,
    /// Bytes per request.
    pub buffer_sizes: Vec<u64>,
    /// Receiver port (0: a free one).
    pub port: u16,
    /// Receiver deadline, ms (`None`: by file size).
    pub timeout_ms: Option<u64>,
}

/// Largest file an io cell sends.
pub const MAX_FILE_SIZE: u64 = 4 << 30;
/// Largest request.
pub const MAX_BUFFER_SIZE: u64 = 64 << 20;

fn sizes(
    e: &Errs,
    axis: &Axis<toml::Value>,
    name: &str,
    max: u64,
) -> Result<Vec<u64>, ProfileError> {
    if axis.get_ref().is_empty() {
        return Err(e.at(
            axis.span(),
            format!("`io.{name}` is empty; list at least one size"),
        ));
    }
    axis.get_ref()
        .iter()
        .map(|v| {
            let n = match v.get_ref() {
                toml::Value::Integer(i) if *i >= 0 => Ok(*i as u64),
                toml::Value::String(s) => parse_size(s).map_err(BadValue::Size),
                other => Err(BadValue::NotASizeValue(other.clone())),
            }
            .map_err(|m| e.at(v.span(), format!("io.{name}: {m}")))?;
            if n == 0 || n > max {
                return Err(e.at(
                    v.span(),
                    format!(
                        "io.{name} = {n} is out of range; use 1 byte to {}",
                        crate::scenario::io::size_text(max)
                    ),
                ));
            }
            Ok(n)
        })
        .collect()
}

/// An optional axis of names: its parsed values, or `[default]` when absent.
fn names_or<T, E: std::fmt::Display>(
    e: &Errs,
    axis: &Option<Axis<String>>,
    name: &str,
    default: T,
    parse: fn(&str) -> Result<T, E>,
) -> Result<Vec<T>, ProfileError> {
    match axis {
        None => Ok(vec![default]),
        Some(a) => e.names(a, name, parse),
    }
}

/// Validates `[io]`.
pub(super) fn io_axes(e: &Errs, raw: &Spanned<RawIo>) -> Result<IoAxes, ProfileError> {
    let r = raw.get_ref();
    let targets = names_or(e, &r.target, "io.target", Target::Tcp, Target::parse)?;
    let caches = names_or(e, &r.cache, "io.cache", CacheState::Warm, CacheState::parse)?;
    let port = match &r.port {
        None => 0,
        Some(p) => u16::try_from(*p.get_ref()).map_err(|_| {
            e.at(
                p.span(),
                format!(
                    "io.port = {} is out of range; use 0 (a free port) to 65535",
                    p.get_ref()
                ),
            )
        })?,
    };
    let timeout_ms = match &r.timeout_ms {
        None => None,
        Some(t) if (100..=3_600_000).contains(t.get_ref()) => Some(*t.get_ref() as u64),
        Some(t) => {
            return Err(e.at(
                t.span(),
                format!(
                    "io.timeout_ms = {} is out of range; use 100 to 3600000",
                    t.get_ref()
                ),
            ))
        }
    };
    Ok(IoAxes {
        paths: e.names(&r.path, "io.path", IoPath::parse)?,
        targets,
        caches,
        file_sizes: sizes(e, &r.file_size, "file_size", MAX_FILE_SIZE)?,
        buffer_sizes: sizes(e, &r.buffer_size, "buffer_size", MAX_BUFFER_SIZE)?,
        port,
        timeout_ms,
    })
}

impl IoAxes {
    /// Every io cell: path × target × cache × file size × buffer size.
    pub fn cells(&self, seed: u64) -> Vec<IoCell> {
        let mut out = Vec::new();
        for &path in &self.paths {
            for &target in &self.targets {
                for &cache in &self.caches {
                    for &file_size in &self.file_sizes {
                        for &buffer_size in &self.buffer_sizes {
                            out.push(IoCell {
                                path,
                                target,
                                cache,
                                file_size,
                                buffer_size,
                                port: self.port,
                                timeout_ms: self
                                    .timeout_ms
                                    .unwrap_or(60_000 + 250 * (file_size >> 20)),
                                seed,
                            });
                        }
                    }
                }
            }
        }
        out
    }
}

/// Peak memory of an io cell: the file in the page cache, the sender's
/// buffers and the receiver's.
pub fn estimate_bytes(c: &IoCell) -> u64 {
    c.file_size + crate::scenario::io::send::URING_DEPTH as u64 * c.buffer_size + (1 << 20)
}

#[cfg(test)]
mod tests {
    use crate::profile::parse;
    use crate::scenario::CellSpec;

    const AXES: &str = "[axes]\nscenario = [\"insert\"]\nvariant = [\"gomap\"]\nn = [64]\nkeys = [\"random\"]\nkey_size = [8]\nvalue_size = [8]\n";

    fn with_io(io: &str) -> Result<crate::profile::Profile, crate::profile::ProfileError> {
        parse("p.toml", "p", &format!("{AXES}[io]\n{io}"))
    }

    /// The message of a refused `[io]` table.
    fn refused(io: &str) -> String {
        with_io(io).unwrap_err().to_string()
    }

    #[test]
    fn io_cells_expand_after_the_map_cells_with_defaults() {
        let p = with_io("path = [\"sendfile\", \"splice\"]\nfile_size = [\"4KiB\", 1000]\nbuffer_size = [\"64KiB\"]\n").unwrap();
        let ids: Vec<String> = p.cells().cells.iter().map(|c| c.id().to_string()).collect();
        assert_eq!(
            ids,
            [
                "insert/gomap/go-default/n=64/keys=random/k8v8",
                "io/sendfile/warm/size=4KiB/buf=64KiB/tcp",
                "io/sendfile/warm/size=1000/buf=64KiB/tcp",
                "io/splice/warm/size=4KiB/buf=64KiB/tcp",
                "io/splice/warm/size=1000/buf=64KiB/tcp",
            ]
        );
        let CellSpec::Io(c) = &p.cells().cells[1] else {
            panic!()
        };
        assert_eq!((c.port, c.timeout_ms), (0, 60_000));
    }

    #[test]
    fn bad_io_values_name_the_line_and_the_valid_ones() {
        let e = refused("path = [\"copy\"]\nfile_size = [1]\nbuffer_size = [1]\n");
        assert!(
            e.starts_with("p.toml:9:") && e.contains("read_write, mmap_write"),
            "{e}"
        );
        let e = refused("path = [\"splice\"]\nfile_size = [\"4kb\"]\nbuffer_size = [1]\n");
        assert!(
            e.starts_with("p.toml:10:") && e.contains("KiB, MiB or GiB"),
            "{e}"
        );
        assert_eq!(
            refused("path = [\"splice\"]\nfile_size = [\"4kb\"]\nbuffer_size = [1]\n"),
            "p.toml:10:14: io.file_size: `4kb` is not a size; write a number of bytes or a number with KiB, MiB or GiB (\"4KiB\")"
        );
        assert_eq!(
            refused("path = [\"splice\"]\nfile_size = [1]\nbuffer_size = [true]\n"),
            "p.toml:11:16: io.buffer_size: true is not a size; write a number of bytes or a string such as \"4KiB\""
        );
        let e = refused("path = [\"splice\"]\nfile_size = [0]\nbuffer_size = [1]\n");
        assert!(e.contains("out of range"), "{e}");
        let e = refused(
            "path = [\"splice\"]\ntarget = [\"udp\"]\nfile_size = [1]\nbuffer_size = [1]\n",
        );
        assert!(e.contains("tcp, pipe"), "{e}");
        let e = refused("path = [\"splice\"]\nfile_size = [1]\nbuffer_size = [1]\nport = 70000\n");
        assert!(e.contains("io.port = 70000"), "{e}");
        let e = refused("path = [\"splice\"]\nfile_size = [1]\nbuffer_size = [1]\nspeed = 1\n");
        assert!(e.contains("unknown field `speed`"), "{e}");
        let e = parse("p.toml", "p", &AXES.replace("\"insert\"", "\"io\""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("[io] table"), "{e}");
    }
}
