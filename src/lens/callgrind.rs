//! The callgrind lens: exact instruction counts and simulated cache misses
//! of the measured region, on any machine valgrind runs on (no PMU needed).
//!
//! [`run_callgrind`] runs a command — a mapamp process that executes one
//! cell's region — under
//!
//! ```text
//! valgrind --tool=callgrind --cache-sim=yes --collect-atstart=no \
//!     --toggle-collect=<REGION_SYMBOL_PATTERN> --callgrind-out-file=<out> <cmd...>
//! ```
//!
//! so collection is off until the region's function is entered and off again
//! when it returns: setup, key generation and teardown are not counted. The
//! output file's `events:` line names the columns and its `summary:` (or
//! `totals:`) line gives the region's totals, parsed by [`parse_totals`].
//!
//! Figures: `Ir` (instructions executed), `D1mr`/`D1mw` (simulated L1 data
//! read/write misses), `DLmr`/`DLmw` (simulated last-level data misses);
//! `cache_misses` is `DLmr + DLmw` with source `callgrind-sim`. The cache
//! model is callgrind's (valgrind picks L1/LL sizes from the host CPU): it
//! is a simulation, not the hardware's count.

use crate::fsutil::FsError;
use crate::lens::error::LensError;
use crate::lens::figures::{CallgrindFigures, Measured};
use crate::machine::Availability;
use crate::region::REGION_SYMBOL_PATTERN;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

/// Runs `cmd` under callgrind, counting only inside the measured region;
/// `out_file` receives callgrind's output, `ops` is the region's operation
/// count (for `ir_per_op`), and `out_file` is reported relative to
/// `report_root` (absolute if it is not under it).
pub fn run_callgrind(
    cmd: &[OsString],
    out_file: &Path,
    ops: u64,
    report_root: &Path,
) -> Result<CallgrindFigures, LensError> {
    let target = CallgrindTarget {
        cmd,
        env: &[],
        toggle_pattern: REGION_SYMBOL_PATTERN,
    };
    run_callgrind_target(&target, out_file, ops, report_root)
}

/// A command for callgrind: its environment (`None` removes a variable)
/// and the `--toggle-collect` pattern of its region's function. The command
/// must switch instrumentation on around the region (valgrind client
/// requests), as mapamp's region and the Go harness's do.
pub struct CallgrindTarget<'a> {
    /// The command line.
    pub cmd: &'a [OsString],
    /// Environment changes.
    pub env: &'a [(&'a str, Option<String>)],
    /// `--toggle-collect` pattern.
    pub toggle_pattern: &'a str,
}

/// [`run_callgrind`] for any command.
pub fn run_callgrind_target(
    target: &CallgrindTarget,
    out_file: &Path,
    ops: u64,
    report_root: &Path,
) -> Result<CallgrindFigures, LensError> {
    let cmd = target.cmd;
    if cmd.is_empty() {
        return Err(LensError::NoCommand);
    }
    if ops == 0 {
        return Err(LensError::NoOperations);
    }
    if let Some(dir) = out_file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| FsError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    // valgrind creates its output file when it starts and fills it when the
    // program ends: it writes to a temporary name, renamed on success, so an
    // interrupted run never leaves an empty or partial file under the final
    // name (nor does a valgrind that outlives a killed parent).
    let tmp = temp_name(out_file)?;
    let mut out_arg = OsString::from("--callgrind-out-file=");
    out_arg.push(escape_percent(&tmp));
    let result = run_valgrind(target, &out_arg, &tmp, out_file, ops, report_root);
    let _ = std::fs::remove_file(&tmp);
    result
}

/// `.<name>.tmp.<pid>` beside `out_file`.
fn temp_name(out_file: &Path) -> Result<std::path::PathBuf, LensError> {
    let name = out_file
        .file_name()
        .ok_or_else(|| FsError::NotAFilePath(out_file.to_path_buf()))?;
    let mut tmp = OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".tmp.{}", std::process::id()));
    Ok(out_file.with_file_name(tmp))
}

/// valgrind expands `%p`, `%q{VAR}` and `%%` in file names: a literal `%`
/// must be doubled.
fn escape_percent(path: &Path) -> OsString {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let mut out = Vec::new();
    for &b in path.as_os_str().as_bytes() {
        out.push(b);
        if b == b'%' {
            out.push(b'%');
        }
    }
    OsString::from_vec(out)
}

fn run_valgrind(
    target: &CallgrindTarget,
    out_arg: &OsString,
    tmp: &Path,
    out_file: &Path,
    ops: u64,
    report_root: &Path,
) -> Result<CallgrindFigures, LensError> {
    let cmd = target.cmd;
    // Address-space randomisation makes the allocator take slightly
    // different paths from run to run; without it counts repeat exactly.
    // (`setarch` is part of util-linux; without it counts may vary by a
    // few instructions in libc.)
    let mut command = if setarch_available() {
        let mut c = Command::new("setarch");
        c.args([std::env::consts::ARCH, "-R", "valgrind"]);
        c
    } else {
        Command::new("valgrind")
    };
    command
        .arg("--tool=callgrind")
        .arg("--cache-sim=yes")
        .arg("--collect-atstart=no")
        // The region switches instrumentation on for itself (see
        // `crate::region`); setup runs uninstrumented, several times faster.
        .arg("--instr-atstart=no")
        .arg(format!("--toggle-collect={}", target.toggle_pattern))
        .arg(out_arg)
        .args(cmd);
    for (k, v) in target.env {
        match v {
            Some(v) => command.env(k, v),
            None => command.env_remove(k),
        };
    }
    let output = command.output().map_err(cannot_run_valgrind)?;
    if !output.status.success() {
        return Err(LensError::ValgrindFailed {
            program: cmd[0].to_string_lossy().into_owned(),
            status: output.status,
            stderr: tail(&String::from_utf8_lossy(&output.stderr), 20),
        });
    }
    let text = std::fs::read_to_string(tmp).map_err(|source| LensError::ReadOutput {
        path: tmp.to_path_buf(),
        source,
    })?;
    let totals = parse_totals(&text)?;
    let f = figures(&totals, ops, &relative_to(out_file, report_root))?;
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(tmp, out_file))
        .map_err(|source| FsError::Write {
            path: out_file.to_path_buf(),
            source,
        })?;
    Ok(f)
}

/// Whether `setarch -R` (run with address-space randomisation off) works here.
fn setarch_available() -> bool {
    Command::new("setarch")
        .args([std::env::consts::ARCH, "-R", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The region's figures from parsed totals.
pub fn figures(
    totals: &BTreeMap<String, u64>,
    ops: u64,
    out_file: &str,
) -> Result<CallgrindFigures, LensError> {
    let get = |event: &'static str| {
        totals
            .get(event)
            .copied()
            .ok_or(LensError::NoColumn { event })
    };
    let ir = get("Ir")?;
    if ir == 0 {
        return Err(LensError::RegionNeverEntered);
    }
    let (d1mr, d1mw, dlmr, dlmw) = (get("D1mr")?, get("D1mw")?, get("DLmr")?, get("DLmw")?);
    Ok(CallgrindFigures {
        ir,
        ir_per_op: ir as f64 / ops as f64,
        d1_read_misses: d1mr,
        d1_write_misses: d1mw,
        ll_read_misses: dlmr,
        ll_write_misses: dlmw,
        cache_misses: Measured {
            value: (dlmr + dlmw) as f64,
            unit: "events".to_string(),
            source: "callgrind-sim".to_string(),
        },
        out_file: out_file.to_string(),
    })
}

/// Event totals of a callgrind output file: the `events:` header names the
/// columns; `totals:` lines (one per dumped part, summed) or else the
/// `summary:` line give the values. Missing trailing columns are 0, as in
/// callgrind's own compressed lines.
pub fn parse_totals(text: &str) -> Result<BTreeMap<String, u64>, LensError> {
    let events: Vec<&str> = text
        .lines()
        .find_map(|l| l.strip_prefix("events:"))
        .ok_or(LensError::NoEvents)?
        .split_whitespace()
        .collect();
    let parse_line = |values: &str| -> Result<Vec<u64>, LensError> {
        values
            .split_whitespace()
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| LensError::NotACount { value: v.into() })
            })
            .collect()
    };
    let totals: Vec<Vec<u64>> = text
        .lines()
        .filter_map(|l| l.strip_prefix("totals:"))
        .map(parse_line)
        .collect::<Result<_, _>>()?;
    let rows = if totals.is_empty() {
        let summary = text
            .lines()
            .find_map(|l| l.strip_prefix("summary:"))
            .ok_or(LensError::NoTotals)?;
        vec![parse_line(summary)?]
    } else {
        totals
    };
    let mut sums = BTreeMap::new();
    for (i, event) in events.iter().enumerate() {
        let total = rows.iter().map(|r| r.get(i).copied().unwrap_or(0)).sum();
        sums.insert(event.to_string(), total);
    }
    Ok(sums)
}

/// valgrind's version, or why callgrind cannot run here.
pub fn valgrind_availability() -> Availability {
    match Command::new("valgrind").arg("--version").output() {
        Ok(out) if out.status.success() => Availability {
            available: true,
            detail: String::from_utf8_lossy(&out.stdout).trim().to_string(),
        },
        Ok(out) => Availability {
            available: false,
            detail: format!(
                "valgrind --version exited with {}: {}",
                out.status,
                tail(&String::from_utf8_lossy(&out.stderr), 3)
            ),
        },
        Err(e) => Availability {
            available: false,
            detail: crate::error::chain(&cannot_run_valgrind(e)),
        },
    }
}

/// Why starting valgrind failed: not installed, or the OS error.
fn cannot_run_valgrind(source: std::io::Error) -> LensError {
    match source.kind() {
        std::io::ErrorKind::NotFound => LensError::ValgrindMissing,
        _ => LensError::RunValgrind { source },
    }
}

/// `path` relative to `root` when under it, else as given.
fn relative_to(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of a valgrind 3.19 callgrind file (`--cache-sim=yes`),
    /// abridged from a real run of `examples/callgrind_probe`.
    const FIXTURE: &str = "\
# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  target/release/examples/callgrind_probe 100000
part: 1

desc: I1 cache: 32768 B, 64 B, 8-way associative
desc: D1 cache: 32768 B, 64 B, 8-way associative
desc: LL cache: 33554432 B, 64 B, 16-way associative

desc: Timerange: Basic block 0 - 300012
desc: Trigger: Program termination

positions: line
events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
summary: 500031 100008 9 4 1 2 4 1 2


ob=(1) probe
fl=(1) probe.rs
fn=(1) mapamp::region::measured_region
16 500031 100008 9 4 1 2 4 1 2

totals: 500031 100008 9 4 1 2 4 1 2
";

    #[test]
    fn totals_are_parsed_by_event_name() {
        let t = parse_totals(FIXTURE).unwrap();
        assert_eq!(t["Ir"], 500031);
        assert_eq!(t["Dr"], 100008);
        assert_eq!((t["D1mr"], t["D1mw"], t["DLmr"], t["DLmw"]), (1, 2, 1, 2));
        assert_eq!(t.len(), 9);
    }

    #[test]
    fn parts_are_summed_and_short_lines_padded_with_zeros() {
        let text = "events: Ir D1mr DLmr\ntotals: 10 2\ntotals: 5 1 1\n";
        let t = parse_totals(text).unwrap();
        assert_eq!((t["Ir"], t["D1mr"], t["DLmr"]), (15, 3, 1));
        let summary_only = "events: Ir\nsummary: 77\n";
        assert_eq!(parse_totals(summary_only).unwrap()["Ir"], 77);
    }

    #[test]
    fn malformed_files_are_errors() {
        assert!(matches!(
            parse_totals("totals: 1\n"),
            Err(LensError::NoEvents)
        ));
        assert!(matches!(
            parse_totals("events: Ir\n"),
            Err(LensError::NoTotals)
        ));
        assert!(matches!(
            parse_totals("events: Ir\ntotals: x\n"),
            Err(LensError::NotACount { value }) if value == "x"
        ));
    }

    #[test]
    fn figures_sum_last_level_misses_as_callgrind_sim() {
        let t = parse_totals(FIXTURE).unwrap();
        let f = figures(&t, 100_000, "cells/x/callgrind.out").unwrap();
        assert_eq!(f.ir, 500031);
        assert!((f.ir_per_op - 5.00031).abs() < 1e-9);
        assert_eq!(f.cache_misses.value, 3.0);
        assert_eq!(f.cache_misses.source, "callgrind-sim");
        assert_eq!(f.out_file, "cells/x/callgrind.out");
    }

    #[test]
    fn a_region_never_entered_is_an_error_not_a_zero() {
        let t = parse_totals("events: Ir D1mr D1mw DLmr DLmw\nsummary: 0 0 0 0 0\n").unwrap();
        let e = figures(&t, 10, "x").unwrap_err().to_string();
        assert!(e.contains("never entered"), "{e}");
        let no_cache = parse_totals("events: Ir\nsummary: 5\n").unwrap();
        assert!(figures(&no_cache, 1, "x")
            .unwrap_err()
            .to_string()
            .contains("cache-sim"));
    }

    #[test]
    fn paths_are_reported_relative_to_the_report() {
        assert_eq!(
            relative_to(Path::new("/r/run1/cells/a/cg.out"), Path::new("/r/run1")),
            "cells/a/cg.out"
        );
        assert_eq!(
            relative_to(Path::new("/elsewhere/cg.out"), Path::new("/r")),
            "/elsewhere/cg.out"
        );
    }

    #[test]
    fn valgrind_writes_under_a_temporary_name() {
        let t = temp_name(Path::new("/r/cells/a/callgrind.out")).unwrap();
        assert_eq!(t.parent(), Some(Path::new("/r/cells/a")));
        let name = t.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(".callgrind.out.tmp."), "{name}");
        assert_eq!(
            escape_percent(Path::new("/r/100%/x")),
            OsString::from("/r/100%%/x")
        );
    }

    /// The defect: valgrind created `callgrind.out` at start, so Ctrl-C or
    /// kill -9 during the phase left an empty file under the final name.
    #[test]
    fn no_file_under_the_final_name_until_callgrind_succeeds() {
        if !valgrind_availability().available {
            eprintln!("SKIPPED: valgrind is not installed here");
            return;
        }
        let dir = std::env::temp_dir().join(format!("mapamp-cg-tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("callgrind.out");
        let (out2, dir2) = (out.clone(), dir.clone());
        let slow = std::thread::spawn(move || {
            run_callgrind(&["sleep".into(), "3".into()], &out2, 1, &dir2)
        });
        // While valgrind runs, only the temporary file exists.
        let mut saw_tmp = false;
        for _ in 0..60 {
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(!out.exists(), "the final name exists while valgrind runs");
            saw_tmp |= std::fs::read_dir(&dir).unwrap().count() > 0;
        }
        assert!(saw_tmp, "valgrind never created its temporary file");
        // `sleep` never enters the region: an error, and nothing left behind.
        let e = slow.join().unwrap().unwrap_err().to_string();
        assert!(e.contains("never entered"), "{e}");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_empty_command_is_refused() {
        assert!(run_callgrind(&[], Path::new("/tmp/x"), 1, Path::new("/tmp")).is_err());
    }
}
