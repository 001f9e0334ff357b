//! `mapamp run`: every lens on every cell of a profile, and the report.
//!
//! The pipeline flows one way:
//!
//! 1. **native lenses**, one cell at a time, each cell in its own child
//!    process (`mapamp cell-run`), so allocator and cache state do not leak
//!    from one cell into the next: accounting, time, latency, counters,
//!    flame graph → `cells/<id>/lenses.json`;
//! 2. **callgrind**, the same child in region-only mode under valgrind
//!    (instruction counts do not depend on load, so two run at once) →
//!    `cells/<id>/callgrind.out`;
//! 3. each finished cell → `cells/<id>/cell.json` (the completeness mark);
//! 4. all cells → `report.json`, `summary.md`, `index.html`.
//!
//! Every file is written atomically. `--resume` skips every step whose
//! output is complete for the lenses asked for, so an interrupted run loses
//! at most the cell in progress and a finished run resumes without work.

mod cell_lenses;
mod progress;
mod timefmt;

pub use cell_lenses::InProcess;

use crate::cell::CellId;
use crate::fsutil;
use crate::lens;
use crate::profile::{self, LensKind, Profile};
use crate::report::schema::{
    CallgrindFigures, CellReport, Lens, Lenses, Report, RunInfo, SCHEMA_VERSION,
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
}

const RUN_FILE: &str = "run.json";
const LENSES_FILE: &str = "lenses.json";
const CALLGRIND_FILE: &str = "callgrind.json";
const CALLGRIND_OUT: &str = "callgrind.out";
const CELL_FILE: &str = "cell.json";

/// Runs a profile and writes its report.
pub fn run(opts: &RunOptions) -> Result<RunSummary, String> {
    let path = profile::resolve(&opts.profile)?;
    let profile = profile::load(&path)?;
    let lenses = lens_set(&profile, opts.lenses.as_deref());
    let mut cells = profile.cells().cells;
    if let Some(f) = &opts.cells {
        cells.retain(|c| c.id().matches(f));
        if cells.is_empty() {
            return Err(format!(
                "no cell of profile `{}` matches `{f}`; see `mapamp profile cells {}`",
                profile.name, profile.name
            ));
        }
    }
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&profile.name));
    let state = open_folder(&out, &profile, &lenses, opts)?;
    let abs_profile =
        std::fs::canonicalize(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let abs_out = std::fs::canonicalize(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    let started = Instant::now();
    let native_lenses: Vec<LensKind> = lenses
        .iter()
        .copied()
        .filter(|l| *l != LensKind::Callgrind)
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

    let mut callgrind_ran = 0;
    if lenses.contains(&LensKind::Callgrind) {
        let todo: Vec<&CellSpec> = cells
            .iter()
            .filter(|c| !cell_dir(&abs_out, c).join(CALLGRIND_FILE).is_file())
            .collect();
        callgrind_ran = todo.len();
        run_callgrind_phase(opts, &abs_profile, &abs_out, &todo)?;
    }

    let mut reports = Vec::with_capacity(cells.len());
    for cell in &cells {
        reports.push(assemble_cell(&abs_out, cell, &lenses)?);
    }
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
        },
        machine: crate::machine::describe(),
        toolchain: crate::machine::toolchain(),
        cells: reports,
        claims: match profile.claims {
            Some(quick) => Some(crate::claims::evaluate(quick)?),
            None => None,
        },
    };
    fsutil::write_json_atomic(&out.join("report.json"), &report)?;
    crate::report::write_renderings(&out, &report)?;
    eprintln!(
        "mapamp run: {} cells ({} run now, {} callgrind) in {:.1?}; report: {}",
        cells.len(),
        native_ran,
        callgrind_ran,
        started.elapsed(),
        out.join("index.html").display()
    );
    Ok(RunSummary {
        out,
        cells: cells.len(),
        native_ran,
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

/// Creates the report folder, or checks that `--resume` continues the same run.
fn open_folder(
    out: &Path,
    profile: &Profile,
    lenses: &[LensKind],
    opts: &RunOptions,
) -> Result<RunState, String> {
    let run_file = out.join(RUN_FILE);
    if run_file.is_file() {
        if !opts.resume {
            return Err(format!(
                "{} already holds a run; use --resume to continue it, or --out to write elsewhere",
                out.display()
            ));
        }
        let text = std::fs::read_to_string(&run_file)
            .map_err(|e| format!("{}: {e}", run_file.display()))?;
        let state: RunState = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a mapamp run file: {e}", run_file.display()))?;
        if state.profile_toml != profile.text {
            return Err(format!(
                "{}: the profile changed since this run started ({}); start a new run with another --out",
                out.display(),
                state.profile_path
            ));
        }
        return Ok(state);
    }
    if out.exists()
        && std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
        && !opts.resume
    {
        return Err(format!(
            "{} exists and is not empty; choose another --out",
            out.display()
        ));
    }
    let state = RunState {
        profile_path: profile.path.display().to_string(),
        profile_toml: profile.text.clone(),
        lenses: lenses.to_vec(),
        started_at: timefmt::now_rfc3339(),
        command: opts.command.clone(),
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
        LensKind::Accounting | LensKind::Callgrind => true,
        LensKind::Time => !done.time.is_skipped(),
        LensKind::Latency => !done.latency.is_skipped(),
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

fn run_native_child(
    opts: &RunOptions,
    profile: &Path,
    out: &Path,
    cell: &CellSpec,
    lenses: &[LensKind],
) -> Result<(), String> {
    let mut args = child_args(profile, out, cell);
    args.push("--lenses".into());
    args.push(
        lenses
            .iter()
            .map(|l| l.name())
            .collect::<Vec<_>>()
            .join(",")
            .into(),
    );
    let output = std::process::Command::new(&opts.exe)
        .args(&args)
        .output()
        .map_err(|e| format!("cannot start {}: {e}", opts.exe.display()))?;
    if !output.status.success() {
        // The cell's lenses become unavailable with the child's reason; the run goes on.
        let why = String::from_utf8_lossy(&output.stderr);
        let reason = format!(
            "the cell's process failed ({}): {}",
            output.status,
            why.lines().rev().take(3).collect::<Vec<_>>().join(" | ")
        );
        let failed = InProcess::unavailable(cell, &reason);
        fsutil::write_json_atomic(&cell_dir(out, cell).join(LENSES_FILE), &failed)?;
    }
    Ok(())
}

/// The child side of [`run_native_child`]: runs the lenses and writes `lenses.json`.
pub fn cell_run(
    profile_path: &Path,
    id: &str,
    out: &Path,
    lenses: &[LensKind],
    region_only: bool,
) -> Result<(), String> {
    let profile = profile::load(profile_path)?;
    let id = CellId::new(id)?;
    let cell = profile
        .cells()
        .cells
        .into_iter()
        .find(|c| c.id() == id)
        .ok_or_else(|| format!("profile {} has no cell {id}", profile_path.display()))?;
    if region_only {
        let mut r = crate::scenario::prepare_any::<crate::accounting::Off>(&cell)?;
        r.run();
        return Ok(());
    }
    let figures = cell_lenses::run(&cell, lenses, &profile.budget, out)?;
    fsutil::write_json_atomic(&cell_dir(out, &cell).join(LENSES_FILE), &figures)
}

/// callgrind on every cell that lacks it, `opts.callgrind_jobs` at a time.
fn run_callgrind_phase(
    opts: &RunOptions,
    profile: &Path,
    out: &Path,
    todo: &[&CellSpec],
) -> Result<(), String> {
    let bar = std::sync::Mutex::new(progress::Progress::new("callgrind", todo.len()));
    let availability = lens::callgrind::valgrind_availability();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let first_error = std::sync::Mutex::new(None::<String>);
    std::thread::scope(|s| {
        for _ in 0..opts.callgrind_jobs.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(cell) = todo.get(i) else { break };
                bar.lock().unwrap().start(&cell.id());
                let figures: Lens<CallgrindFigures> = if !availability.available {
                    Lens::Unavailable { unavailable: availability.detail.clone() }
                } else {
                    let units = read_json::<InProcess>(&cell_dir(out, cell).join(LENSES_FILE)).map_or(0, |f| f.units);
                    if units == 0 {
                        Lens::Unavailable { unavailable: "the cell's native run failed, so its region size is unknown".into() }
                    } else {
                        let mut cmd: Vec<OsString> = vec![opts.exe.clone().into_os_string()];
                        cmd.extend(child_args(profile, out, cell));
                        cmd.push("--region-only".into());
                        match lens::callgrind::run_callgrind(&cmd, &cell_dir(out, cell).join(CALLGRIND_OUT), units, out) {
                            Ok(f) => Lens::Ok(f),
                            Err(e) => Lens::Unavailable { unavailable: e },
                        }
                    }
                };
                if let Err(e) = fsutil::write_json_atomic(&cell_dir(out, cell).join(CALLGRIND_FILE), &figures) {
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

/// Builds (or reuses) a cell's complete report.
fn assemble_cell(out: &Path, cell: &CellSpec, lenses: &[LensKind]) -> Result<CellReport, String> {
    let dir = cell_dir(out, cell);
    let native: InProcess = read_json(&dir.join(LENSES_FILE)).ok_or_else(|| {
        format!(
            "{}: missing or unreadable; rerun with --resume",
            dir.join(LENSES_FILE).display()
        )
    })?;
    let callgrind = if lenses.contains(&LensKind::Callgrind) {
        read_json(&dir.join(CALLGRIND_FILE)).unwrap_or(Lens::Unavailable {
            unavailable: "callgrind did not finish; rerun with --resume".into(),
        })
    } else {
        Lens::Skipped {
            skipped: "the callgrind lens was not asked for".into(),
        }
    };
    let report = CellReport {
        id: cell.id().to_string(),
        axes: cell.axes(),
        ops: native.units,
        ops_unit: native.units_name.clone(),
        measured_region: cell.region_text().to_string(),
        lenses: Lenses {
            accounting: native.accounting,
            time: native.time,
            latency: native.latency,
            counters: native.counters,
            flamegraph: native.flamegraph,
            callgrind,
            io: native.io,
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
