//! `mapamp probe -- PROGRAM ARGS`: counts the map assignments and map
//! growths of an unmodified Go binary with Linux uprobes, per entry point
//! and per calling function, and measures what a probe hit costs.
//!
//! How: the binary's symbols (`nm -n`) give the runtime's assignment entry
//! points (`runtime.mapassign`, `_fast32`, `_fast32ptr`, `_fast64`,
//! `_fast64ptr`, `_faststr`) and the growth functions of its map design
//! (classic: `runtime.hashGrow`, `runtime.growWork`; Swiss:
//! `internal/runtime/maps.(*Map).growToSmall`, `(*Map).growToTable`,
//! `(*table).grow`, `(*table).split`, `(*table).rehash`). Each present one
//! gets a uprobe (`perf probe -x BIN --add 'GROUP:EVENT=SYMBOL+OFF
//! ret=+0(%sp):x64'`) just after the function's stack check (OFF from
//! `objdump -d`: a probe at the entry counts a call again each time
//! morestack restarts it) that also records the word at the stack pointer:
//! there, before the frame is pushed, that is the return address, so the calling function
//! is exact (a frame-pointer call graph taken at the entry skips it, the
//! callee not having pushed its frame yet). `perf record` runs the program
//! once; `perf script` gives every hit and its return address, resolved to
//! the enclosing function with the symbol table; a `perf stat` run gives
//! the exact totals (`perf record` may drop hits when its buffer
//! overflows: the report says how many it delivered). The program's
//! standard output goes to mapamp's standard error. The probes are removed
//! afterwards (`perf probe -d 'GROUP:*'`), also on failure.
//!
//! Cost per hit: the program is run `--runs` times without probes and as
//! many with them enabled (`perf stat -e 'GROUP:*'`), alternating; the
//! difference of the medians of the wall times, divided by the hits, is the
//! cost; the spread (min–max of each side) is printed beside it.
//!
//! Exit codes: 0 counted; 2 bad input (no program, not an executable
//! with the Go runtime's map functions); 3 `unavailable` (not root, no
//! tracefs, no perf or no uprobes), with the reason and the command that
//! enables it.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// Exit code of `unavailable`.
pub const EXIT_UNAVAILABLE: u8 = 3;

/// Arguments of `mapamp probe`.
#[derive(clap::Args, Clone, Debug)]
pub struct ProbeArgs {
    /// Runs with and without probes for the cost per hit (0: do not measure it).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// The Go program and its arguments (after `--`).
    #[arg(last = true, required = true, num_args = 1..)]
    pub command: Vec<String>,
}

/// One probed function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// The perf event name.
    pub event: String,
    /// The function symbol.
    pub symbol: String,
    /// `assign` or `growth`.
    pub kind: &'static str,
    /// Bytes past the entry where the probe sits: just after the stack
    /// check (0 when none was found).
    pub offset: u64,
}

/// Hits of one probed function.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hits {
    /// The function symbol.
    pub symbol: String,
    /// `assign` or `growth`.
    pub kind: &'static str,
    /// Bytes past the entry the probe sat at (after the stack check).
    pub offset: u64,
    /// Every hit, start-up included, counted by `perf stat` (exact).
    pub total: u64,
    /// Hits `perf record` delivered with their caller (in another run of
    /// the program; fewer than `total` when its buffer overflowed).
    pub recorded: u64,
    /// Hits per calling function (the function holding the return address).
    pub by_caller: BTreeMap<String, u64>,
}

/// The measured cost of a hit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cost {
    /// Runs on each side.
    pub runs: usize,
    /// Median wall time without probes, ns.
    pub median_ns_without: f64,
    /// Median wall time with the probes enabled, ns.
    pub median_ns_with: f64,
    /// Min and max of each side, ns.
    pub range_ns_without: (f64, f64),
    /// Min and max with probes, ns.
    pub range_ns_with: (f64, f64),
    /// Hits per run.
    pub hits_per_run: u64,
    /// (median with − median without) / hits, ns.
    pub ns_per_hit: Option<f64>,
}

/// `mapamp probe`'s result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProbeReport {
    /// The program.
    pub program: String,
    /// Map design of its runtime, from its symbols.
    pub design: &'static str,
    /// Per probed function.
    pub functions: Vec<Hits>,
    /// The cost per hit, when measured.
    pub cost: Option<Cost>,
}

/// Why probing cannot run here, and the command that enables it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unavailable {
    /// Why.
    pub reason: String,
    /// What to run.
    pub enable: String,
}

/// Where tracefs is expected.
pub const TRACEFS: &str = "/sys/kernel/tracing";

/// Checks root, tracefs with uprobes, and perf.
pub fn available() -> Result<(), Unavailable> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Err(Unavailable {
            reason: "uprobes need root (perf_event_paranoid and tracefs permissions)".into(),
            enable: "sudo mapamp probe -- PROGRAM ARGS".into(),
        });
    }
    if !Path::new(TRACEFS).join("uprobe_events").exists() {
        let reason = if Path::new(TRACEFS).join("trace").exists() {
            "tracefs is mounted but has no uprobe_events: the kernel lacks CONFIG_UPROBE_EVENTS"
        } else {
            "tracefs is not mounted at /sys/kernel/tracing"
        };
        return Err(Unavailable {
            reason: reason.into(),
            enable: "mount -t tracefs nodev /sys/kernel/tracing".into(),
        });
    }
    match Command::new("perf").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        _ => Err(Unavailable {
            reason: "perf is not installed".into(),
            enable: "apt-get install linux-perf".into(),
        }),
    }
}

/// Assignment entry points, with their event names.
const ASSIGN: &[(&str, &str)] = &[
    ("runtime.mapassign", "assign"),
    ("runtime.mapassign_fast32", "assign_fast32"),
    ("runtime.mapassign_fast32ptr", "assign_fast32ptr"),
    ("runtime.mapassign_fast64", "assign_fast64"),
    ("runtime.mapassign_fast64ptr", "assign_fast64ptr"),
    ("runtime.mapassign_faststr", "assign_faststr"),
];

/// Growth functions of both designs.
const GROWTH: &[(&str, &str)] = &[
    ("runtime.hashGrow", "hashgrow"),
    ("runtime.growWork", "growwork"),
    ("internal/runtime/maps.(*Map).growToSmall", "grow_to_small"),
    ("internal/runtime/maps.(*Map).growToTable", "grow_to_table"),
    ("internal/runtime/maps.(*table).grow", "table_grow"),
    ("internal/runtime/maps.(*table).split", "table_split"),
    ("internal/runtime/maps.(*table).rehash", "table_rehash"),
];

/// The binary's function symbols, sorted by address.
pub fn symbols(bin: &Path) -> Result<Vec<(u64, String)>, ProbeInputError> {
    let out = Command::new("nm")
        .args(["-n", "--defined-only"])
        .arg(bin)
        .output()
        .map_err(ProbeInputError::NoNm)?;
    if !out.status.success() {
        return Err(ProbeInputError::Nm {
            bin: bin.to_path_buf(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    let mut syms = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut f = line.splitn(3, ' ');
        let (Some(a), Some(t), Some(name)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        if matches!(t, "T" | "t") {
            if let Ok(a) = u64::from_str_radix(a, 16) {
                syms.push((a, name.to_string()));
            }
        }
    }
    Ok(syms)
}

/// The function holding `addr`.
pub fn function_at(syms: &[(u64, String)], addr: u64) -> String {
    match syms.partition_point(|(a, _)| *a <= addr) {
        0 => format!("{addr:#x}"),
        i => syms[i - 1].1.clone(),
    }
}

/// The probes for a binary's symbols and its design; an error when it has
/// no map assignment entry point.
pub fn plan(syms: &[(u64, String)]) -> Result<(Vec<Probe>, &'static str), NoMapassign> {
    let has = |s: &str| syms.iter().any(|(_, n)| n == s);
    let mut probes = Vec::new();
    for (list, kind) in [(ASSIGN, "assign"), (GROWTH, "growth")] {
        for (sym, ev) in list {
            if has(sym) {
                probes.push(Probe {
                    event: ev.to_string(),
                    symbol: sym.to_string(),
                    kind,
                    offset: 0,
                });
            }
        }
    }
    if !probes.iter().any(|p| p.kind == "assign") {
        return Err(NoMapassign);
    }
    let design = if has("internal/runtime/maps.(*table).grow") {
        "swiss"
    } else if has("runtime.hashGrow") {
        "classic"
    } else {
        "unknown"
    };
    Ok((probes, design))
}

/// The offset of the instruction after a Go function's stack check
/// (`cmp 0x10(%r14),%rsp` or `cmp 0x10(%r14),%r12` then `jbe` to the
/// morestack call), from `objdump -d` of its first 32 bytes; `None` when
/// the function does not start with one. A probe at the entry itself
/// would count a call twice when the stack grows: morestack restarts the
/// function from its entry.
pub fn past_stack_check(bin: &Path, addr: u64) -> Option<u64> {
    let out = Command::new("objdump")
        .args([
            "-d",
            "--no-show-raw-insn",
            &format!("--start-address={addr:#x}"),
            &format!("--stop-address={:#x}", addr + 32),
        ])
        .arg(bin)
        .output()
        .ok()?;
    stack_check_end(&String::from_utf8_lossy(&out.stdout), addr)
}

/// [`past_stack_check`] on objdump's text.
fn stack_check_end(text: &str, addr: u64) -> Option<u64> {
    let insns: Vec<(u64, String)> = text
        .lines()
        .filter_map(|l| {
            let (a, rest) = l.trim_start().split_once(":\t")?;
            Some((u64::from_str_radix(a, 16).ok()?, rest.trim().to_string()))
        })
        .take(4)
        .collect();
    let cmp = insns
        .iter()
        .position(|(_, i)| i.starts_with("cmp") && i.contains("0x10(%r14)"))?;
    let jbe = insns.get(cmp + 1)?;
    if !jbe.1.starts_with("jbe") {
        return None;
    }
    insns.get(cmp + 2).map(|(a, _)| a - addr)
}

/// Removes the probe group when dropped.
struct Group {
    name: String,
}

impl Drop for Group {
    fn drop(&mut self) {
        let _ = Command::new("perf")
            .args(["probe", "-q", "-d", &format!("{}:*", self.name)])
            .stderr(Stdio::null())
            .status();
    }
}

fn add_probes(bin: &Path, group: &str, probes: &[Probe]) -> Result<(), ProbeFailure> {
    for p in probes {
        let spec = format!(
            "{group}:{}={}+{} ret=+0(%sp):x64",
            p.event, p.symbol, p.offset
        );
        perf_output(
            Command::new("perf")
                .args(["probe", "-q", "-x"])
                .arg(bin)
                .args(["--add", &spec]),
            &format!("perf probe --add {spec:?}"),
        )?;
    }
    Ok(())
}

/// Runs a perf command to completion: its standard output, or an error
/// with `what` and its standard error.
fn perf_output(c: &mut Command, what: &str) -> Result<Vec<u8>, ProbeFailure> {
    let out = c.output().map_err(|source| ProbeFailure::StartPerf {
        what: what.to_string(),
        source,
    })?;
    if !out.status.success() {
        return Err(ProbeFailure::Perf {
            what: what.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

/// Parses `perf script` lines: `... GROUP:EVENT: (ADDR) ret=0xRET`.
fn parse_script(text: &str, group: &str) -> Vec<(String, u64)> {
    let prefix = format!("{group}:");
    text.lines()
        .filter_map(|l| {
            let i = l.find(&prefix)?;
            let rest = &l[i + prefix.len()..];
            let (event, rest) = rest.split_once(':')?;
            let ret = rest.split("ret=0x").nth(1)?.split_whitespace().next()?;
            Some((event.to_string(), u64::from_str_radix(ret, 16).ok()?))
        })
        .collect()
}

/// Parses `perf stat -x,` output: `VALUE,UNIT,GROUP:EVENT,...` per event.
fn parse_stat(text: &str, group: &str) -> BTreeMap<String, u64> {
    let prefix = format!("{group}:");
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let event = f.get(2)?.strip_prefix(&prefix)?;
            Some((event.to_string(), f.first()?.trim().parse().ok()?))
        })
        .collect()
}

fn median_range(mut v: Vec<f64>) -> (f64, (f64, f64)) {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let med = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    (med, (v[0], v[n - 1]))
}

fn timed(mut c: Command) -> Result<f64, ProbeFailure> {
    c.stdout(Stdio::null()).stderr(Stdio::null());
    let t = Instant::now();
    let st = c.status().map_err(ProbeFailure::StartTimed)?;
    let ns = t.elapsed().as_nanos() as f64;
    if !st.success() {
        return Err(ProbeFailure::TimedExited { status: st });
    }
    Ok(ns)
}

/// Probes the program: counts, attribution, cost.
pub fn probe(cmd: &[String], runs: usize) -> Result<ProbeReport, ProbeError> {
    let prog = cmd
        .first()
        .ok_or(ProbeError::BadInput(ProbeInputError::NoProgram))?;
    let bin = resolve(prog).map_err(ProbeError::BadInput)?;
    let syms = symbols(&bin).map_err(ProbeError::BadInput)?;
    let (mut probes, design) = plan(&syms).map_err(|source| {
        ProbeError::BadInput(ProbeInputError::NotGoMaps {
            bin: bin.clone(),
            source,
        })
    })?;
    for p in &mut probes {
        if let Some((addr, _)) = syms.iter().find(|(_, n)| *n == p.symbol) {
            p.offset = past_stack_check(&bin, *addr).unwrap_or(0);
        }
    }
    available().map_err(ProbeError::Unavailable)?;
    let group = Group {
        name: format!("mapamp_probe_{}", std::process::id()),
    };
    add_probes(&bin, &group.name, &probes).map_err(ProbeError::Failed)?;
    let dir = std::env::temp_dir().join(format!("{}.d", group.name));
    std::fs::create_dir_all(&dir).map_err(|e| ProbeError::Failed(ProbeFailure::TempDir(e)))?;
    let data = dir.join("perf.data");
    let result = (|| {
        let st = Command::new("perf")
            .args([
                "record",
                "-q",
                "-m",
                "16M",
                "-e",
                &format!("{}:*", group.name),
                "-o",
            ])
            .arg(&data)
            .arg("--")
            .arg(&bin)
            .args(&cmd[1..])
            .stdout(program_output()?)
            .status()
            .map_err(|source| ProbeFailure::StartPerf {
                what: "perf record".into(),
                source,
            })?;
        if !st.success() {
            return Err(ProbeFailure::PerfExited {
                perf: "perf record",
                prog: prog.clone(),
                status: st,
            });
        }
        let script = perf_output(
            Command::new("perf").args(["script", "-i"]).arg(&data),
            "perf script",
        )?;
        let hits = parse_script(&String::from_utf8_lossy(&script), &group.name);
        let mut functions: Vec<Hits> = probes
            .iter()
            .map(|p| Hits {
                symbol: p.symbol.clone(),
                kind: p.kind,
                offset: p.offset,
                total: 0,
                recorded: 0,
                by_caller: BTreeMap::new(),
            })
            .collect();
        for (event, ret) in hits {
            if let Some(i) = probes.iter().position(|p| p.event == event) {
                functions[i].recorded += 1;
                *functions[i]
                    .by_caller
                    .entry(function_at(&syms, ret))
                    .or_default() += 1;
            }
        }
        let stat = dir.join("stat.csv");
        let st = Command::new("perf")
            .args(["stat", "-x,", "-o"])
            .arg(&stat)
            .args(["-e", &format!("{}:*", group.name), "--"])
            .arg(&bin)
            .args(&cmd[1..])
            .stdout(Stdio::null())
            .status()
            .map_err(|source| ProbeFailure::StartPerf {
                what: "perf stat".into(),
                source,
            })?;
        if !st.success() {
            return Err(ProbeFailure::PerfExited {
                perf: "perf stat",
                prog: prog.clone(),
                status: st,
            });
        }
        let counts = parse_stat(
            &std::fs::read_to_string(&stat).map_err(ProbeFailure::ReadStat)?,
            &group.name,
        );
        for (f, p) in functions.iter_mut().zip(&probes) {
            f.total = *counts
                .get(&p.event)
                .ok_or_else(|| ProbeFailure::NotCounted {
                    group: group.name.clone(),
                    event: p.event.clone(),
                })?;
        }
        let total_hits: u64 = functions.iter().map(|f| f.total).sum();
        let cost = if runs == 0 {
            None
        } else {
            let (mut without, mut with) = (Vec::new(), Vec::new());
            for _ in 0..runs {
                let mut plain = Command::new(&bin);
                plain.args(&cmd[1..]);
                without.push(timed(plain)?);
                let mut probed = Command::new("perf");
                probed
                    .args(["stat", "-x,", "-e", &format!("{}:*", group.name), "--"])
                    .arg(&bin)
                    .args(&cmd[1..]);
                with.push(timed(probed)?);
            }
            let (mw, rw) = median_range(without);
            let (mp, rp) = median_range(with);
            Some(Cost {
                runs,
                median_ns_without: mw,
                median_ns_with: mp,
                range_ns_without: rw,
                range_ns_with: rp,
                hits_per_run: total_hits,
                ns_per_hit: (total_hits > 0).then(|| (mp - mw) / total_hits as f64),
            })
        };
        Ok(ProbeReport {
            program: bin.display().to_string(),
            design,
            functions,
            cost,
        })
    })()
    .map_err(ProbeError::Failed);
    std::fs::remove_dir_all(&dir).ok();
    drop(group);
    result
}

/// The program's standard output goes to mapamp's standard error, so
/// mapamp's own standard output is the report alone.
fn program_output() -> Result<Stdio, ProbeFailure> {
    use std::os::fd::AsFd;
    let fd = std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map_err(ProbeFailure::DupStderr)?;
    Ok(Stdio::from(fd))
}

fn resolve(prog: &str) -> Result<PathBuf, ProbeInputError> {
    let p = Path::new(prog);
    if p.components().count() > 1 {
        return p.canonicalize().map_err(|source| ProbeInputError::Program {
            prog: prog.to_string(),
            source,
        });
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|d| d.join(prog))
        .find(|c| c.is_file())
        .ok_or_else(|| ProbeInputError::NotOnPath {
            prog: prog.to_string(),
        })
}

/// A binary with no map assignment entry point to probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "no runtime.mapassign* symbol: not a Go program with maps (or stripped of its symbol table)"
)]
pub struct NoMapassign;

/// The program given to `mapamp probe` cannot be probed: which, and why.
#[derive(Debug, thiserror::Error)]
pub enum ProbeInputError {
    /// No program after `--`.
    #[error("no program given")]
    NoProgram,
    /// A path that does not resolve.
    #[error("{prog}")]
    Program {
        /// The program as given.
        prog: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A bare name that is on no `PATH` folder.
    #[error("{prog}: not found on PATH (give a path)")]
    NotOnPath {
        /// The program as given.
        prog: String,
    },
    /// `nm` could not be started.
    #[error("cannot run nm (binutils)")]
    NoNm(#[source] std::io::Error),
    /// `nm` refused the binary.
    #[error("{}: nm: {stderr}", .bin.display())]
    Nm {
        /// The binary.
        bin: PathBuf,
        /// nm's standard error, trimmed.
        stderr: String,
    },
    /// The binary has no map assignment entry point.
    #[error("{}", .bin.display())]
    NotGoMaps {
        /// The binary.
        bin: PathBuf,
        /// What is missing.
        #[source]
        source: NoMapassign,
    },
}

/// perf or the probed program failed: which command, and why.
#[derive(Debug, thiserror::Error)]
pub enum ProbeFailure {
    /// A perf command could not be started.
    #[error("{what}")]
    StartPerf {
        /// The command (`perf script`, `perf probe --add "…"`).
        what: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A perf command failed.
    #[error("{what}: {stderr}")]
    Perf {
        /// The command.
        what: String,
        /// Its standard error, trimmed.
        stderr: String,
    },
    /// `perf record` or `perf stat` on the program exited with a failure.
    #[error("{perf} -- {prog}: exited with {status}")]
    PerfExited {
        /// `perf record` or `perf stat`.
        perf: &'static str,
        /// The program as given.
        prog: String,
        /// The exit status.
        status: std::process::ExitStatus,
    },
    /// The folder of perf's files could not be created (the OS error is
    /// the message).
    #[error(transparent)]
    TempDir(std::io::Error),
    /// mapamp's standard error could not be duplicated for the program's output.
    #[error("cannot duplicate standard error")]
    DupStderr(#[source] std::io::Error),
    /// `perf stat`'s output file could not be read.
    #[error("perf stat output")]
    ReadStat(#[source] std::io::Error),
    /// `perf stat` gave no count for a probe.
    #[error("perf stat counted nothing for {group}:{event}")]
    NotCounted {
        /// The probe group.
        group: String,
        /// The probe's event.
        event: String,
    },
    /// A timed run of the program (or of perf on it) could not be started.
    #[error("cannot run")]
    StartTimed(#[source] std::io::Error),
    /// A timed run exited with a failure.
    #[error("the program exited with {status}")]
    TimedExited {
        /// The exit status.
        status: std::process::ExitStatus,
    },
}

/// Why probing failed.
#[derive(Debug)]
pub enum ProbeError {
    /// Bad input: exit 2.
    BadInput(ProbeInputError),
    /// Cannot run here: exit 3.
    Unavailable(Unavailable),
    /// perf or the program failed: exit 1.
    Failed(ProbeFailure),
}

/// The report as text.
pub fn render_text(r: &ProbeReport) -> String {
    let mut out = format!("{} ({} map runtime)\n", r.program, r.design);
    for f in &r.functions {
        out.push_str(&format!(
            "{:<46} {:>10} hits ({}, probe at +{}; {} recorded with their caller)\n",
            f.symbol, f.total, f.kind, f.offset, f.recorded
        ));
        let mut callers: Vec<_> = f.by_caller.iter().collect();
        callers.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (c, n) in callers {
            out.push_str(&format!("    {n:>10}  from {c}\n"));
        }
    }
    match &r.cost {
        None => out.push_str("cost per hit: not measured (--runs 0)\n"),
        Some(c) => out.push_str(&format!(
            "cost per hit: {} ({} runs each, interleaved: median {:.2} ms without probes [{:.2}–{:.2}], {:.2} ms with [{:.2}–{:.2}], {} hits per run)\n",
            c.ns_per_hit.map_or("unavailable (no hits)".to_string(), |n| format!("{n:.0} ns")),
            c.runs,
            c.median_ns_without / 1e6,
            c.range_ns_without.0 / 1e6,
            c.range_ns_without.1 / 1e6,
            c.median_ns_with / 1e6,
            c.range_ns_with.0 / 1e6,
            c.range_ns_with.1 / 1e6,
            c.hits_per_run
        )),
    }
    out
}

/// Runs `mapamp probe`; exit codes as documented above.
pub fn run(a: &ProbeArgs) -> ExitCode {
    match probe(&a.command, a.runs) {
        Ok(r) => {
            if a.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&r).expect("probe report serialises")
                );
            } else {
                print!("{}", render_text(&r));
            }
            ExitCode::SUCCESS
        }
        Err(ProbeError::BadInput(e)) => {
            eprintln!("mapamp probe: {}", crate::error::chain(&e));
            ExitCode::from(2)
        }
        Err(ProbeError::Unavailable(u)) => {
            eprintln!(
                "mapamp probe: unavailable: {}; enable with: {}",
                u.reason, u.enable
            );
            ExitCode::from(EXIT_UNAVAILABLE)
        }
        Err(ProbeError::Failed(e)) => {
            eprintln!("mapamp probe: {}", crate::error::chain(&e));
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perf_script_lines_and_callers() {
        let text = "            prog  4321 [001] 35226.731006: g:assign_fast64: (40f0c0) ret=0x49e170\n\
                    junk\n            prog  4321 [001] 35226.7: g:table_grow: (40da20) ret=0x40f2aa\n";
        let hits = parse_script(text, "g");
        assert_eq!(
            hits,
            vec![
                ("assign_fast64".into(), 0x49e170),
                ("table_grow".into(), 0x40f2aa)
            ]
        );
        let syms = vec![
            (0x40f0c0, "runtime.mapassign_fast64".to_string()),
            (0x49e140, "main.fill".into()),
            (0x49e1c0, "main.main".into()),
        ];
        assert_eq!(function_at(&syms, 0x49e170), "main.fill");
        assert_eq!(function_at(&syms, 0x40f2aa), "runtime.mapassign_fast64");
        assert_eq!(function_at(&syms, 0x10), "0x10");
    }

    #[test]
    fn failures_name_the_command_and_keep_the_os_error_as_the_cause() {
        use crate::error::chain;
        let missing = Path::new("/nonexistent/mapamp-probe-test");
        let os = Command::new(missing).status().unwrap_err();
        let e = perf_output(&mut Command::new(missing), "perf script").unwrap_err();
        assert_eq!(chain(&e), format!("perf script: {os}"));
        let e = perf_output(
            Command::new("sh").args(["-c", "echo ' no such event ' >&2; exit 1"]),
            "perf script",
        )
        .unwrap_err();
        assert_eq!(chain(&e), "perf script: no such event");
        assert_eq!(
            chain(&timed(Command::new(missing)).unwrap_err()),
            format!("cannot run: {os}")
        );
        let e = timed(Command::new("false")).unwrap_err();
        assert_eq!(chain(&e), "the program exited with exit status: 1");
    }

    #[test]
    fn plans_need_an_assignment_entry_point() {
        let syms = vec![
            (1, "runtime.mapassign_fast64".to_string()),
            (2, "internal/runtime/maps.(*table).grow".into()),
        ];
        let (p, design) = plan(&syms).unwrap();
        assert_eq!(design, "swiss");
        assert_eq!(p.len(), 2);
        assert!(plan(&[(1, "main.main".to_string())]).is_err());
        let text = "000000000040f0c0 <runtime.mapassign_fast64>:\n  40f0c0:\tcmp    0x10(%r14),%rsp\n  40f0c4:\tjbe    40f41a <x>\n  40f0ca:\tpush   %rbp\n";
        assert_eq!(stack_check_end(text, 0x40f0c0), Some(10));
        let text = "  40f0c0:\tpush   %rbp\n  40f0c1:\tmov    %rsp,%rbp\n";
        assert_eq!(stack_check_end(text, 0x40f0c0), None);
        assert_eq!(median_range(vec![3.0, 1.0, 2.0]), (2.0, (1.0, 3.0)));
    }
}
