//! The run's own A/A noise: how far identical work measured twice in this
//! run moves, measured rather than assumed ([`NoiseFloor`] says how).
//!
//! Two sources of identical work:
//!
//! - **halves**: each cell's time processes split by process index (even,
//!   odd). Both halves ran the same cell, interleaved over the whole run.
//!   Their change over all cells gives the floor `compare` applies
//!   ([`replicates::noise_floor`]), for `ns_per_op` and for the
//!   drift-cancelled figure.
//! - **identical-work pairs**: two cells of the run, different
//!   configurations, that wrote the same bytes on every copy path, ran the
//!   same instruction count and took the same page faults (where the
//!   counters lens counted them): the A/A controls a profile keeps on
//!   purpose, and any other pair that happens to match. Each is tested as
//!   `compare` tests time; the count of `better`/`worse` among them is the
//!   false-difference rate the run observed. They are not used to set the
//!   floor, so the rate they show is a check of it, not a consequence.
//!
//! Page faults matter because bytes and instructions do not see the
//! kernel: on the development VM, `evacuate_double/hashbrown` go-default
//! and presized run the same instructions and write the same bytes, but
//! the go-default region's resize maps 1 MiB of fresh pages (272 faults,
//! each a zero-filled page) while the presized one reuses pages its
//! process already has (0 faults), and it is 2.5× slower in every process.
//! That is a real difference, not noise; such pairs are listed apart.

use crate::profile::LensKind;
use crate::report::schema::{AaPair, CellReport, Counter, LensReport, NoiseFloor, TimeFigures};
use crate::stats::replicates::{self, ALPHA, PRACTICAL};

/// Fewest cells whose halves the floor needs.
pub const MIN_CELLS: usize = 5;

/// Each process's median ns/op, in process order.
pub(crate) fn process_medians(t: &TimeFigures) -> Vec<f64> {
    t.processes.iter().map(|p| p.median_ns_per_op).collect()
}

fn process_ratios(t: &TimeFigures) -> Vec<f64> {
    t.processes.iter().map(|p| p.vs_reference).collect()
}

/// Same scenario, variant, N, keys and sizes; same ops, payload and bytes
/// on every copy path.
fn same_bytes(a: &CellReport, b: &CellReport) -> bool {
    let (x, y) = (&a.axes, &b.axes);
    match (a.lenses.accounting.ok(), b.lenses.accounting.ok()) {
        (Some(ax), Some(bx)) => {
            x.scenario == y.scenario
                && x.variant == y.variant
                && x.n == y.n
                && x.keys == y.keys
                && x.key_size == y.key_size
                && x.value_size == y.value_size
                && a.ops == b.ops
                && ax.payload_bytes == bx.payload_bytes
                && ax.bytes_written == bx.bytes_written
        }
        _ => false,
    }
}

/// The same instruction count, when callgrind measured both.
fn same_ir(a: &CellReport, b: &CellReport) -> Option<bool> {
    Some(a.lenses.callgrind.ok()?.ir == b.lenses.callgrind.ok()?.ir)
}

/// Page faults of one region run, when the counters lens counted them.
fn page_faults(c: &CellReport) -> Option<f64> {
    match c.lenses.counters.ok()?.get("page_faults")? {
        Counter::Value { value, .. } => Some(*value),
        Counter::Unavailable { .. } => None,
    }
}

/// Page faults per region that two runs of the same work may differ by
/// without the kernel doing different work: 16 (64 KiB), or 5%.
fn same_page_faults(a: f64, b: f64) -> bool {
    (a - b).abs() <= 16f64.max(0.05 * a.max(b))
}

/// The run's noise floor from its assembled cells; `Skipped` when the time
/// lens was not asked for, `Unavailable` when too few cells have enough
/// processes.
pub fn noise_floor(cells: &[CellReport], lenses: &[LensKind]) -> LensReport<NoiseFloor> {
    if !lenses.contains(&LensKind::Time) {
        return LensReport::Skipped {
            skipped: "the time lens was not asked for".into(),
        };
    }
    let timed: Vec<(&CellReport, &TimeFigures)> = cells
        .iter()
        .filter_map(|c| c.lenses.time.ok().map(|t| (c, t)))
        .collect();
    let halves: Vec<f64> = timed
        .iter()
        .filter_map(|(_, t)| replicates::split_half_change(&process_medians(t)))
        .collect();
    if halves.len() < MIN_CELLS {
        return LensReport::Unavailable {
            unavailable: format!(
                "{} cells have time from at least {} processes; the floor needs {MIN_CELLS} (raise budget.time_processes or run more cells)",
                halves.len(),
                replicates::MIN_PROCESSES_FOR_HALVES
            ),
        };
    }
    // Real-Go cells have no reference timing (their processes are Go's).
    let ratio_halves: Vec<f64> = timed
        .iter()
        .filter(|(_, t)| t.vs_reference.is_some())
        .filter_map(|(_, t)| replicates::split_half_change(&process_ratios(t)))
        .collect();
    let floor = replicates::noise_floor(&halves).expect("enough halves");
    let floor_vs_reference = (ratio_halves.len() >= MIN_CELLS)
        .then(|| replicates::noise_floor(&ratio_halves))
        .flatten();
    let abs: Vec<f64> = halves.iter().map(|h| h.exp_m1().abs()).collect();
    let median_half_change = crate::stats::median(&abs).expect("enough halves");

    let mut pairs = Vec::new();
    let mut page_fault_pairs = Vec::new();
    let mut ir_unknown = 0usize;
    for (i, (a, ta)) in timed.iter().enumerate() {
        for (b, tb) in &timed[i + 1..] {
            if !same_bytes(a, b) {
                continue;
            }
            match same_ir(a, b) {
                Some(true) => {}
                Some(false) => continue,
                None => {
                    ir_unknown += 1;
                    continue;
                }
            }
            let Some(t) = replicates::process_test(&process_medians(ta), &process_medians(tb))
            else {
                continue;
            };
            let verdict = if !t.is_difference(ALPHA, PRACTICAL) {
                "same"
            } else if t.change < 0.0 {
                "better"
            } else {
                "worse"
            };
            let faults = page_faults(a).zip(page_faults(b));
            let pair = AaPair {
                a: a.id.clone(),
                b: b.id.clone(),
                change: t.change,
                p_value: t.p_value,
                verdict: verdict.into(),
                page_faults: faults,
            };
            match faults {
                Some((fa, fb)) if !same_page_faults(fa, fb) => page_fault_pairs.push(pair),
                _ => pairs.push(pair),
            }
        }
    }
    let false_differences = pairs.iter().filter(|p| p.verdict != "same").count();
    let false_differences_after_floor = pairs
        .iter()
        .filter(|p| p.verdict != "same" && replicates::beyond_log(p.change, floor))
        .count();
    let identical_pairs_note = match (pairs.is_empty(), ir_unknown) {
        (_, n) if n > 0 => Some(format!(
            "{n} more pairs wrote the same bytes but have no instruction count on both sides (callgrind not run), so they are not counted as identical work"
        )),
        (true, _) => Some("no two cells of this run did identical work (same bytes on every copy path, the same instruction count and page faults)".into()),
        (false, _) => None,
    };
    LensReport::Ok(NoiseFloor {
        floor,
        floor_vs_reference,
        cells: halves.len(),
        median_half_change,
        method: format!(
            "each cell's time processes split into even and odd process index; 95th percentile of |log(odd/even)| over {} cells, divided by √2 (a half has half the processes)",
            halves.len()
        ),
        identical_pairs: pairs,
        false_differences,
        false_differences_after_floor,
        page_fault_pairs,
        identical_pairs_note,
    })
}
