//! `mapamp run`: every lens on every cell of a profile, and the report.
//!
//! The pipeline flows one way:
//!
//! 1. **native lenses**, one cell at a time, each cell in its own child
//!    process (`mapamp cell-run`), so allocator and cache state do not leak
//!    from one cell into the next: accounting, counters, flame graph →
//!    `cells/<id>/lenses.json`;
//! 2. **time and latency**, `budget.time_processes` child processes per
//!    cell (`mapamp cell-run --time-process K`), in interleaved rounds
//!    ([`schedule`]): round K runs one process of every cell in its own
//!    shuffled order → `cells/<id>/time/<K>.json` ([`time_lens`]);
//! 3. **callgrind**, the same child in region-only mode under valgrind
//!    (instruction counts do not depend on load, so two run at once) →
//!    `cells/<id>/callgrind.out`;
//! 4. each finished cell → `cells/<id>/cell.json` (the completeness mark);
//! 5. all cells → the run's A/A noise floor ([`noise`]) → `report.json`,
//!    `summary.md`, `index.html`.
//!
//! Every file is written atomically. `--resume` skips every step whose
//! output is complete for the lenses asked for, so an interrupted run loses
//! at most the cell in progress and a finished run resumes without work.
//! It continues only a folder this command started (its `run.json`), and
//! the report it writes holds every finished cell of the folder, whatever
//! `--cells` selected this time. Ctrl-C says how to continue.

mod cell_lenses;
mod error;
pub mod evolution;
pub mod findings;
mod interrupt;
pub mod merge;
pub mod noise;
mod progress;
pub mod reference;
pub mod schedule;
pub mod shard;
pub mod time_lens;
mod time_phase;
mod timefmt;

pub use cell_lenses::InProcess;
use error::CellLensError;
pub use error::RunError;
pub use time_lens::ProcessRun;

use crate::cell::CellId;
use crate::fsutil;
use crate::lens;
use crate::profile::{self, LensKind, Profile};
use crate::report::schema::{
    CallgrindFigures, CellReport, LensReport, Lenses, LoadAverage, Report, RunInfo, Schedule,
    SCHEMA_VERSION,
};
use crate::scenario::CellSpec;
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Profile name or path.
    pub profile: String,
    /// Report folder (default `reports/<profile name>`).
    pub out: Option<PathBuf>,
    /// Only cells whose id matches (substring, or `*` glob).
    pub cells: Option<String>,
    /// Only these lenses (default: the profile's).
    pub lenses: Option<Vec<LensKind>>,
    /// Continue an existing report folder.
    pub resume: bool,
    /// The `mapamp` executable for child processes.
    pub exe: PathBuf,
    /// Parallel callgrind runs.
    pub callgrind_jobs: usize,
    /// The command line, for the report.
    pub command: String,
    /// Seed of the time processes' order (default: drawn when the run starts).
    pub schedule_seed: Option<u64>,
    /// Only this shard of the (selected) cells.
    pub shard: Option<shard::Shard>,
}

/// What a run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSummary {
    /// The report folder.
    pub out: PathBuf,
    /// Cells in the report.
    pub cells: usize,
    /// Cells whose native lenses ran now.
    pub native_ran: usize,
    /// Time processes that ran now.
    pub time_ran: usize,
    /// Cells whose callgrind lens ran now.
    pub callgrind_ran: usize,
}

/// `run.json`: what the folder is a run of, for `--resume` to check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct RunState {
    profile_path: String,
    profile_toml: String,
    lenses: Vec<LensKind>,
    started_at: String,
    command: String,
    /// Seed of the time processes' interleaved order.
    schedule_seed: u64,
    /// Load averages when the run started.
    #[serde(default)]
    load_at_start: Option<[f64; 3]>,
    /// The shard this folder runs (`--shard`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard: Option<shard::Shard>,
}

const RUN_FILE: &str = "run.json";
const LENSES_FILE: &str = "lenses.json";
const CALLGRIND_FILE: &str = "callgrind.json";
const CALLGRIND_OUT: &str = "callgrind.out";
const CELL_FILE: &str = "cell.json";

/// Loads a profile and checks, against the memory available now, that its
/// largest cell fits ([`profile::Profile::check_memory`]).
pub fn load_profile(path: &Path) -> Result<profile::Profile, profile::ProfileError> {
    let profile = profile::load(path)?;
    if let Some(avail) = crate::machine::available_memory_bytes() {
        profile.check_memory(avail)?;
    }
    Ok(profile)
}

/// Runs a profile and writes its report.
pub fn run(opts: &RunOptions) -> Result<RunSummary, RunError> {
    let path = profile::resolve(&opts.profile)?;
    let profile = load_profile(&path)?;
    let lenses = lens_set(&profile, opts.lenses.as_deref());
    let mut cells = profile.cells().cells;
    if let Some(f) = &opts.cells {
        cells.retain(|c| c.id().matches(f));
        if cells.is_empty() {
            return Err(RunError::NoCellMatches {
                profile: profile.name.clone(),
                filter: f.to_string(),
            });
        }
    }
    if let Some(sh) = opts.shard {
        let selected = cells.len();
        cells = sh.select(cells);
        if cells.is_empty() {
            return Err(RunError::EmptyShard {
                shard: sh.to_string(),
                selected,
            });
        }
    }
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&profile.name));
    let state = open_folder(&out, &profile, &lenses, opts)?;
    interrupt::on_interrupt(&format!(
        "mapamp run: interrupted; finished cells are kept in {}: continue with `{}`\n",
        out.display(),
        resume_command(opts, &out)
    ));
    let absolute = |p: &Path| {
        std::fs::canonicalize(p).map_err(|source| RunError::Path {
            path: p.to_path_buf(),
            source,
        })
    };
    let abs_profile = absolute(&path)?;
    let abs_out = absolute(&out)?;

    let started = Instant::now();
    let native_lenses: Vec<LensKind> = lenses
        .iter()
        .copied()
        .filter(|l| {
            matches!(
                l,
                LensKind::Accounting | LensKind::Counters | LensKind::Flamegraph
            )
        })
        .collect();
    let timed_lenses: Vec<LensKind> = lenses
        .iter()
        .copied()
        .filter(|l| matches!(l, LensKind::Time | LensKind::Latency))
        .collect();
    let todo: Vec<&CellSpec> = cells
        .iter()
        .filter(|c| !native_done(&abs_out, c, &native_lenses))
        .collect();
    let mut bar = progress::Progress::new("native lenses", todo.len());
    for cell in &todo {
        bar.start(&cell.id());
        run_native_child(opts, &abs_profile, &abs_out, cell, &native_lenses)?;
        bar.finish_one();
    }
    bar.done();
    let native_ran = todo.len();

    let time_ran = if timed_lenses.is_empty() {
        0
    } else {
        time_phase::run(
            opts,
            &abs_profile,
            &abs_out,
            &cells,
            &timed_lenses,
            profile.budget.time_processes,
            state.schedule_seed,
        )?
    };

    let mut callgrind_ran = 0;
    if lenses.contains(&LensKind::Callgrind) {
        let todo: Vec<&CellSpec> = cells
            .iter()
            .filter(|c| !cell_dir(&abs_out, c).join(CALLGRIND_FILE).is_file())
            .collect();
        callgrind_ran = todo.len();
        run_callgrind_phase(opts, &abs_profile, &abs_out, &todo)?;
    }

    // Every finished cell of the folder, in profile order: this selection's,
    // and those an earlier `--cells` selection finished.
    let selected: std::collections::BTreeSet<CellId> = cells.iter().map(|c| c.id()).collect();
    let all_cells = profile.cells().cells;
    let same_setup = profile::same_setup(&all_cells);
    let mut reports = Vec::with_capacity(all_cells.len());
    for (cell, same) in all_cells.iter().zip(same_setup) {
        if selected.contains(&cell.id()) {
            reports.push(assemble_cell(
                &abs_out,
                cell,
                &lenses,
                &profile.budget,
                same,
            )?);
        } else if let Some(done) =
            read_json::<CellReport>(&cell_dir(&abs_out, cell).join(CELL_FILE))
        {
            reports.push(done);
        }
    }
    let noise = noise::noise_floor(&reports, &lenses);
    let findings = findings::findings(&reports, &noise);
    let evolution = evolution::evolution(&reports)?;
    let report = Report {
        schema_version: SCHEMA_VERSION,
        mapamp_version: env!("CARGO_PKG_VERSION").to_string(),
        run: RunInfo {
            name: out
                .file_name()
                .map_or("report".into(), |n| n.to_string_lossy().into_owned()),
            profile: profile.name.clone(),
            profile_toml: profile.text.clone(),
            lenses: lenses.iter().map(|l| l.name().to_string()).collect(),
            started_at: state.started_at.clone(),
            finished_at: timefmt::now_rfc3339(),
            command: state.command.clone(),
            shard: state.shard.map(|s| s.to_string()),
            merged_from: Vec::new(),
            schedule: Schedule {
                time_processes: profile.budget.time_processes,
                seed: state.schedule_seed,
                order: schedule::ORDER.to_string(),
            },
            load_average: state
                .load_at_start
                .zip(crate::machine::load_average())
                .map(|(start, end)| LoadAverage { start, end }),
        },
        machine: crate::machine::describe(
            crate::lens::counters::pmu_availability(),
            crate::lens::callgrind::valgrind_availability(),
        ),
        toolchain: crate::machine::toolchain(),
        cells: reports,
        claims: match profile.claims {
            Some(quick) => Some(crate::claims::evaluate(quick)?),
            None => None,
        },
        noise,
        findings,
        evolution,
    };
    fsutil::write_json_atomic(&out.join("report.json"), &report)?;
    crate::report::write_renderings(&out, &report)?;
    eprintln!(
        "mapamp run: {} cells ({} run now, {} time processes, {} callgrind) in {:.1?}; report: {}",
        report.cells.len(),
        native_ran,
        time_ran,
        callgrind_ran,
        started.elapsed(),
        out.join("index.html").display()
    );
    Ok(RunSummary {
        out,
        cells: report.cells.len(),
        native_ran,
        time_ran,
        callgrind_ran,
    })
}

fn lens_set(p: &Profile, only: Option<&[LensKind]>) -> Vec<LensKind> {
    let mut v: Vec<LensKind> = match only {
        Some(o) => o.to_vec(),
        None => p.lenses.clone(),
    };
    if !v.contains(&LensKind::Accounting) {
        v.insert(0, LensKind::Accounting);
    }
    LensKind::ALL
        .into_iter()
        .filter(|l| v.contains(l))
        .collect()
}

/// The command that continues this run.
fn resume_command(opts: &RunOptions, out: &Path) -> String {
    let quote = |s: &str| {
        if !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=,:+".contains(c))
        {
            s.to_string()
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let mut cmd = format!(
        "mapamp run --profile {} --out {}",
        quote(&opts.profile),
        quote(&out.to_string_lossy())
    );
    if let Some(c) = &opts.cells {
        cmd += &format!(" --cells {}", quote(c));
    }
    if let Some(sh) = opts.shard {
        cmd += &format!(" --shard {sh}");
    }
    if let Some(l) = &opts.lenses {
        let names: Vec<&str> = l.iter().map(|l| l.name()).collect();
        cmd += &format!(" --lenses {}", names.join(","));
    }
    cmd + " --resume"
}

/// Creates the report folder, or checks that `--resume` continues the same
/// run. A folder that exists and is not empty is ours only with our
/// `run.json`: without it, nothing is written, `--resume` or not.
fn open_folder(
    out: &Path,
    profile: &Profile,
    lenses: &[LensKind],
    opts: &RunOptions,
) -> Result<RunState, RunError> {
    let run_file = out.join(RUN_FILE);
    if run_file.is_file() {
        if !opts.resume {
            return Err(RunError::AlreadyARun {
                out: out.to_path_buf(),
            });
        }
        let text = std::fs::read_to_string(&run_file).map_err(|source| RunError::ReadRunFile {
            path: run_file.clone(),
            source,
        })?;
        let state: RunState =
            serde_json::from_str(&text).map_err(|source| RunError::NotARunFile {
                path: run_file.clone(),
                source,
            })?;
        if state.profile_toml != profile.text {
            return Err(RunError::ProfileChanged {
                out: out.to_path_buf(),
                profile: state.profile_path,
            });
        }
        if state.shard != opts.shard {
            let name = |s: Option<shard::Shard>| {
                s.map_or("all cells".to_string(), |s| format!("shard {s}"))
            };
            return Err(RunError::OtherShard {
                out: out.to_path_buf(),
                was: name(state.shard),
                now: name(opts.shard),
            });
        }
        return Ok(state);
    }
    if run_file.exists() {
        return Err(RunError::RunFileNotAFile {
            out: out.to_path_buf(),
            file: RUN_FILE,
        });
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(RunError::OutNotAFolder {
                out: out.to_path_buf(),
            });
        }
        let empty = std::fs::read_dir(out)
            .map_err(|source| RunError::ReadOut {
                out: out.to_path_buf(),
                source,
            })?
            .next()
            .is_none();
        if !empty {
            return Err(RunError::OutNotEmpty {
                out: out.to_path_buf(),
                resume: opts.resume,
                file: RUN_FILE,
            });
        }
    }
    let state = RunState {
        profile_path: profile.path.display().to_string(),
        profile_toml: profile.text.clone(),
        lenses: lenses.to_vec(),
        started_at: timefmt::now_rfc3339(),
        command: opts.command.clone(),
        schedule_seed: opts.schedule_seed.unwrap_or_else(schedule::fresh_seed),
        load_at_start: crate::machine::load_average(),
        shard: opts.shard,
    };
    fsutil::write_json_atomic(&run_file, &state)?;
    Ok(state)
}

fn cell_dir(out: &Path, cell: &CellSpec) -> PathBuf {
    cell.id().dir_under(&out.join("cells"))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Whether the native lenses of a cell are on disk for every lens asked for.
fn native_done(out: &Path, cell: &CellSpec, lenses: &[LensKind]) -> bool {
    let Some(done) = read_json::<InProcess>(&cell_dir(out, cell).join(LENSES_FILE)) else {
        return false;
    };
    lenses.iter().all(|l| match l {
        LensKind::Accounting | LensKind::Callgrind | LensKind::Time | LensKind::Latency => true,
        LensKind::Counters => !done.counters.is_skipped(),
        LensKind::Flamegraph => !done.flamegraph.is_skipped(),
    })
}

fn child_args(profile: &Path, out: &Path, cell: &CellSpec) -> Vec<OsString> {
    vec![
        "cell-run".into(),
        "--profile".into(),
        profile.into(),
        "--cell".into(),
        cell.id().to_string().into(),
        "--out".into(),
        out.into(),
    ]
}

fn lens_names(lenses: &[LensKind]) -> OsString {
    lenses
        .iter()
        .map(|l| l.name())
        .collect::<Vec<_>>()
        .join(",")
        .into()
}

/// Runs a child; `Some(reason)` when it failed (its lenses then become
/// unavailable with that reason, and the run goes on).
fn run_child(opts: &RunOptions, args: &[OsString]) -> Result<Option<String>, RunError> {
    let output = std::process::Command::new(&opts.exe)
        .args(args)
        .output()
        .map_err(|source| RunError::StartChild {
            exe: opts.exe.clone(),
            source,
        })?;
    if output.status.success() {
        return Ok(None);
    }
    let why = String::from_utf8_lossy(&output.stderr);
    Ok(Some(format!(
        "the cell's process failed ({}): {}",
        output.status,
        why.lines().rev().take(3).collect::<Vec<_>>().join(" | ")
    )))
}

fn run_native_child(
    opts: &RunOptions,
    profile: &Path,
    out: &Path,
    cell: &CellSpec,
    lenses: &[LensKind],
) -> Result<(), RunError> {
    let mut args = child_args(profile, out, cell);
    args.push("--lenses".into());
    args.push(lens_names(lenses));
    if let Some(reason) = run_child(opts, &args)? {
        let failed = InProcess::failed(cell, &reason);
        fsutil::write_json_atomic(&cell_dir(out, cell).join(LENSES_FILE), &failed)?;
    }
    Ok(())
}

/// A lens of a failed child: unavailable with the reason if it was asked
/// for, else skipped.
fn failed_lens<T>(lenses: &[LensKind], what: LensKind, reason: &str) -> LensReport<T> {
    if lenses.contains(&what) {
        LensReport::Unavailable {
            unavailable: reason.to_string(),
        }
    } else {
        not_asked(what)
    }
}

fn not_asked<T>(what: LensKind) -> LensReport<T> {
    LensReport::Skipped {
        skipped: format!("the {} lens was not asked for", what.name()),
    }
}

/// Which child a `cell-run` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildRole {
    /// The once-per-cell lenses → `lenses.json`.
    Native,
    /// Time process `process` (the round), at `slot` in it → `time/<process>.json`.
    Time {
        /// The round.
        process: usize,
        /// The cell's position in the round.
        slot: usize,
    },
    /// The region alone, for callgrind.
    RegionOnly,
}

/// The child side of `run_native_child`, of the time phase and of the
/// callgrind phase: runs the lenses of its role and writes their file.
pub fn cell_run(
    profile_path: &Path,
    id: &str,
    out: &Path,
    lenses: &[LensKind],
    role: ChildRole,
) -> Result<(), RunError> {
    let profile = load_profile(profile_path)?;
    let id = CellId::new(id)?;
    let cell = profile
        .cells()
        .cells
        .into_iter()
        .find(|c| c.id() == id)
        .ok_or_else(|| RunError::NoSuchCell {
            profile: profile_path.to_path_buf(),
            id: id.to_string(),
        })?;
    match role {
        ChildRole::RegionOnly => {
            let mut r = crate::scenario::prepare_any::<crate::accounting::Off>(&cell)?;
            r.run();
            Ok(())
        }
        ChildRole::Native => {
            let figures = cell_lenses::run(&cell, lenses, &profile.budget, out)?;
            Ok(fsutil::write_json_atomic(
                &cell_dir(out, &cell).join(LENSES_FILE),
                &figures,
            )?)
        }
        ChildRole::Time { process, slot } => {
            let file = time_phase::time_file(out, &cell, process);
            let run = time_lens::measure(
                &cell,
                &profile.budget,
                lenses.contains(&LensKind::Time),
                lenses.contains(&LensKind::Latency),
                (process, slot),
                &file.with_file_name(format!("go-spec-{process}.json")),
            );
            Ok(fsutil::write_json_atomic(&file, &run)?)
        }
    }
}

/// callgrind on every cell that lacks it, `opts.callgrind_jobs` at a time.
fn run_callgrind_phase(
    opts: &RunOptions,
    profile: &Path,
    out: &Path,
    todo: &[&CellSpec],
) -> Result<(), fsutil::FsError> {
    let bar = std::sync::Mutex::new(progress::Progress::new("callgrind", todo.len()));
    let availability = lens::callgrind::valgrind_availability();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let first_error = std::sync::Mutex::new(None::<fsutil::FsError>);
    std::thread::scope(|s| {
        for _ in 0..opts.callgrind_jobs.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(cell) = todo.get(i) else { break };
                bar.lock().unwrap().start(&cell.id());
                let figures: LensReport<CallgrindFigures> = if !availability.available {
                    LensReport::Unavailable {
                        unavailable: availability.detail.clone(),
                    }
                } else {
                    callgrind_cell(opts, profile, out, cell)
                };
                if let Err(e) =
                    fsutil::write_json_atomic(&cell_dir(out, cell).join(CALLGRIND_FILE), &figures)
                {
                    first_error.lock().unwrap().get_or_insert(e);
                }
                bar.lock().unwrap().finish_one();
            });
        }
    });
    bar.into_inner().unwrap().done();
    match first_error.into_inner().unwrap() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The callgrind lens of one cell: mapamp's region-only child, or for a
/// real-Go cell the Go harness's region mode.
fn callgrind_cell(
    opts: &RunOptions,
    profile: &Path,
    out: &Path,
    cell: &CellSpec,
) -> LensReport<CallgrindFigures> {
    let dir = cell_dir(out, cell);
    let native = read_json::<InProcess>(&dir.join(LENSES_FILE));
    let units = native.as_ref().map_or(0, |f| f.units);
    if units == 0 {
        let why = native
            .and_then(|n| n.accounting.reason().map(str::to_string))
            .unwrap_or_else(|| "no native lenses".into());
        return LensReport::unavailable(format!(
            "the cell's native run failed, so its region size is unknown ({why})"
        ));
    }
    // A failure is the lens's `unavailable` reason: the message with its
    // chain.
    let result = match cell {
        CellSpec::Map(m) if m.variant.go_release().is_some() => {
            crate::golang::figures::callgrind_command(m, &dir)
                .map_err(CellLensError::from)
                .and_then(|(cmd, env)| {
                    let target = lens::callgrind::CallgrindTarget {
                        cmd: &cmd,
                        env: &env,
                        toggle_pattern: crate::golang::figures::REGION_PATTERN,
                    };
                    Ok(lens::callgrind::run_callgrind_target(
                        &target,
                        &dir.join(CALLGRIND_OUT),
                        units,
                        out,
                    )?)
                })
        }
        _ => {
            let mut cmd: Vec<OsString> = vec![opts.exe.clone().into_os_string()];
            cmd.extend(child_args(profile, out, cell));
            cmd.push("--region-only".into());
            lens::callgrind::run_callgrind(&cmd, &dir.join(CALLGRIND_OUT), units, out)
                .map_err(CellLensError::from)
        }
    };
    LensReport::from_result(result)
}

/// Builds (or reuses) a cell's complete report.
fn assemble_cell(
    out: &Path,
    cell: &CellSpec,
    lenses: &[LensKind],
    budget: &profile::Budget,
    same_setup_as: Option<crate::report::schema::SameSetup>,
) -> Result<CellReport, RunError> {
    let dir = cell_dir(out, cell);
    let native: InProcess =
        read_json(&dir.join(LENSES_FILE)).ok_or_else(|| RunError::Unfinished {
            path: dir.join(LENSES_FILE),
        })?;
    let callgrind = if lenses.contains(&LensKind::Callgrind) {
        read_json(&dir.join(CALLGRIND_FILE)).unwrap_or(LensReport::Unavailable {
            unavailable: "callgrind did not finish; rerun with --resume".into(),
        })
    } else {
        not_asked(LensKind::Callgrind)
    };
    let timed = lenses.contains(&LensKind::Time) || lenses.contains(&LensKind::Latency);
    let runs = if timed {
        time_phase::read_runs(out, cell, budget.time_processes)?
    } else {
        Vec::new()
    };
    let report = CellReport {
        id: cell.id().to_string(),
        axes: cell.axes(),
        ops: native.units,
        ops_unit: native.units_name.clone(),
        measured_region: cell.region_text().to_string(),
        same_setup_as,
        lenses: Lenses {
            accounting: native.accounting,
            time: if lenses.contains(&LensKind::Time) {
                time_lens::assemble_time(&runs, native.bytes_per_unit)
            } else {
                not_asked(LensKind::Time)
            },
            latency: if lenses.contains(&LensKind::Latency) {
                time_lens::assemble_latency(&runs)
            } else {
                not_asked(LensKind::Latency)
            },
            counters: native.counters,
            flamegraph: native.flamegraph,
            callgrind,
            io: native.io,
            go_runtime: native.go_runtime,
            timeline: native.timeline,
        },
    };
    // Rewrite only when something changed, so a resumed run leaves
    // finished cells untouched.
    let path = dir.join(CELL_FILE);
    if read_json::<CellReport>(&path).as_ref() != Some(&report) {
        fsutil::write_json_atomic(&path, &report)?;
    }
    Ok(report)
}
