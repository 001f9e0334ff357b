//! The parent side of the time and latency lenses: runs every cell's
//! `time_processes` child processes in interleaved rounds ([`super::schedule`])
//! and reads their files back. Each child (`mapamp cell-run
//! --time-process K --slot S`) writes `cells/<id>/time/<K>.json`
//! ([`super::time_lens::measure`]); a child that fails leaves a file whose
//! lenses are unavailable with its reason, and the run goes on.

use super::time_lens::ProcessRun;
use super::{cell_dir, child_args, failed_lens, lens_names, progress, read_json, run_child};
use super::{schedule, RunError, RunOptions};
use crate::fsutil;
use crate::profile::LensKind;
use crate::scenario::CellSpec;
use std::path::{Path, PathBuf};

/// `cells/<id>/time/<process>.json`.
pub(super) fn time_file(out: &Path, cell: &CellSpec, process: usize) -> PathBuf {
    cell_dir(out, cell)
        .join("time")
        .join(format!("{process}.json"))
}

/// Whether time process `process` of a cell is on disk for every timed lens asked for.
fn done(out: &Path, cell: &CellSpec, process: usize, lenses: &[LensKind]) -> bool {
    let Some(done) = read_json::<ProcessRun>(&time_file(out, cell, process)) else {
        return false;
    };
    lenses.iter().all(|l| match l {
        LensKind::Time => !done.time.is_skipped(),
        LensKind::Latency => !done.latency.is_skipped(),
        _ => true,
    })
}

/// Runs the time processes that are not on disk yet, round by round, each
/// round in its own order; returns how many ran.
pub(super) fn run(
    opts: &RunOptions,
    profile: &Path,
    out: &Path,
    cells: &[CellSpec],
    lenses: &[LensKind],
    processes: usize,
    seed: u64,
) -> Result<usize, RunError> {
    let mut todo = Vec::new();
    for round in 0..processes {
        for (slot, i) in schedule::round_order(cells.len(), seed, round)
            .into_iter()
            .enumerate()
        {
            if !done(out, &cells[i], round, lenses) {
                todo.push((round, slot, &cells[i]));
            }
        }
    }
    let mut bar = progress::Progress::new("time", todo.len());
    for &(round, slot, cell) in &todo {
        bar.start(&format!("{} (process {round})", cell.id()));
        run_child_process(opts, profile, out, cell, lenses, round, slot)?;
        bar.finish_one();
    }
    bar.done();
    Ok(todo.len())
}

/// One time process of a cell (`process` = the round, `slot` = its place in it).
fn run_child_process(
    opts: &RunOptions,
    profile: &Path,
    out: &Path,
    cell: &CellSpec,
    lenses: &[LensKind],
    process: usize,
    slot: usize,
) -> Result<(), RunError> {
    let mut args = child_args(profile, out, cell);
    args.push("--lenses".into());
    args.push(lens_names(lenses));
    args.push("--time-process".into());
    args.push(process.to_string().into());
    args.push("--slot".into());
    args.push(slot.to_string().into());
    if let Some(reason) = run_child(opts, &args)? {
        let failed = ProcessRun {
            process,
            slot,
            time: failed_lens(lenses, LensKind::Time, &reason),
            latency: failed_lens(lenses, LensKind::Latency, &reason),
        };
        fsutil::write_json_atomic(&time_file(out, cell, process), &failed)?;
    }
    Ok(())
}

/// A cell's process files 0..`processes`, in process order.
pub(super) fn read_runs(
    out: &Path,
    cell: &CellSpec,
    processes: usize,
) -> Result<Vec<ProcessRun>, RunError> {
    (0..processes)
        .map(|process| {
            let path = time_file(out, cell, process);
            read_json::<ProcessRun>(&path).ok_or(RunError::Unfinished { path })
        })
        .collect()
}
