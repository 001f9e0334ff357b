//! Which lenses gave no figures, and why: the "Lens availability" section.
//!
//! A lens (or, inside the counters lens, one counter) that is unavailable or
//! skipped carries a reason. Each reason prints once, followed by what it
//! covers: lenses missing in the same cells share a line (`no PMU:
//! counters.cycles, counters.instructions in all 12 cells; counters in 1 of
//! 12 cells`). Order is first appearance (cells in report order, lenses in
//! schema order, counters by name), so the output is stable.

use super::schema::{CellReport, Counter, LensReport, Report};

/// Everything that gave no figures for one reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    /// `unavailable` (could not run here) or `skipped` (not asked for / not applicable).
    pub status: &'static str,
    /// The reason, verbatim from the report.
    pub reason: String,
    /// Which lenses, in which cells.
    pub entries: Vec<GapEntry>,
}

/// Lenses (or counters) missing, for one reason, in the same cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GapEntry {
    /// Lens names, `counters.<name>` for single counters.
    pub lenses: Vec<String>,
    /// Ids of the cells concerned, in report order.
    pub cells: Vec<String>,
    /// Whether those are all the report's cells.
    pub all_cells: bool,
}

/// One lens (or counter) missing in one cell.
struct Missing<'a> {
    lens: String,
    status: &'static str,
    reason: &'a str,
}

fn lens_status<'a, T>(name: &str, lens: &'a LensReport<T>) -> Option<Missing<'a>> {
    match lens {
        LensReport::Ok(_) => None,
        LensReport::Unavailable { unavailable } => Some(Missing {
            lens: name.to_string(),
            status: "unavailable",
            reason: unavailable,
        }),
        LensReport::Skipped { skipped } => Some(Missing {
            lens: name.to_string(),
            status: "skipped",
            reason: skipped,
        }),
    }
}

fn missing_in(c: &CellReport) -> Vec<Missing<'_>> {
    let l = &c.lenses;
    let mut out: Vec<Missing> = [
        lens_status("accounting", &l.accounting),
        lens_status("time", &l.time),
        lens_status("latency", &l.latency),
        lens_status("counters", &l.counters),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(counters) = l.counters.ok() {
        for (name, counter) in counters {
            if let Counter::Unavailable { unavailable } = counter {
                out.push(Missing {
                    lens: format!("counters.{name}"),
                    status: "unavailable",
                    reason: unavailable,
                });
            }
        }
    }
    out.extend(lens_status("flamegraph", &l.flamegraph));
    out.extend(lens_status("callgrind", &l.callgrind));
    out
}

/// The report's gaps, grouped (see the module doc).
pub fn lens_gaps(r: &Report) -> Vec<Gap> {
    // Pass 1: one entry per (lens, status, reason), with its cells.
    let mut per_lens: Vec<(String, &'static str, &str, Vec<String>)> = Vec::new();
    for c in &r.cells {
        for m in missing_in(c) {
            let found = per_lens.iter_mut().find(|(lens, status, reason, _)| {
                *lens == m.lens && *status == m.status && *reason == m.reason
            });
            match found {
                Some((_, _, _, cells)) => cells.push(c.id.clone()),
                None => per_lens.push((m.lens, m.status, m.reason, vec![c.id.clone()])),
            }
        }
    }
    // Pass 2: one gap per (status, reason); lenses missing in the same
    // cells share an entry.
    let mut gaps: Vec<Gap> = Vec::new();
    for (lens, status, reason, cells) in per_lens {
        let index = match gaps
            .iter()
            .position(|g| g.status == status && g.reason == reason)
        {
            Some(i) => i,
            None => {
                gaps.push(Gap {
                    status,
                    reason: reason.to_string(),
                    entries: Vec::new(),
                });
                gaps.len() - 1
            }
        };
        let entries = &mut gaps[index].entries;
        match entries.iter_mut().find(|e| e.cells == cells) {
            Some(e) => e.lenses.push(lens),
            None => entries.push(GapEntry {
                lenses: vec![lens],
                all_cells: cells.len() == r.cells.len(),
                cells,
            }),
        }
    }
    gaps
}
