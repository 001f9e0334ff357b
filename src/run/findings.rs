//! The findings a report opens with: every whole-workload cell (insert,
//! churn, update — every scenario that isolates no copy path) against the
//! cell of the baseline configuration (`go-default`) with the same variant,
//! N, keys and sizes.
//!
//! Bytes come from the exact accounting lens (a ratio, no test needed). Time
//! is judged exactly as `compare` and the A/A noise check judge it
//! ([`replicates::process_test`] over process medians, a difference called
//! only when significant at [`ALPHA`] and beyond the practical threshold or
//! the run's measured noise floor, whichever is larger). Each finding gets
//! one sentence generated from those figures. Computed when the report is
//! written (`run`, `merge`) and stored in `report.json`; the renderings only
//! print it.

use super::noise::process_medians;
use crate::accounting::CopyPath;
use crate::report::schema::{
    CellReport, FindingRow, Findings, LensReport, NoiseFloor, VsBaseline, WorkloadFindings,
};
use crate::scenario::Scenario;
use crate::stats::replicates::{self, ALPHA, PRACTICAL};

/// The configuration every other one is judged against.
pub const BASELINE: &str = "go-default";

/// Whether a scenario is a whole map workload (isolates no path, is not
/// `locate`, and is not an `io` cell, whose configurations are not map
/// tunings to judge against `go-default`).
pub fn is_whole_workload(scenario: &str) -> bool {
    Scenario::parse(scenario)
        .is_ok_and(|s| s.path().is_none() && !matches!(s, Scenario::Locate | Scenario::Io))
}

/// The axes other than the configuration, as one key.
fn setting_key(c: &CellReport) -> (String, String, usize, String, usize, usize) {
    let a = &c.axes;
    (
        a.scenario.clone(),
        a.variant.clone(),
        a.n,
        a.keys.clone(),
        a.key_size,
        a.value_size,
    )
}

/// The findings of a report's cells; `None` when no cell is a whole workload.
pub fn findings(cells: &[CellReport], noise: &LensReport<NoiseFloor>) -> Option<Findings> {
    let noise_floor = noise.ok().map(|n| n.floor);
    let threshold = noise_floor.map_or(PRACTICAL, |f| f.max(PRACTICAL));
    let mut workloads: Vec<WorkloadFindings> = Vec::new();
    for c in cells.iter().filter(|c| is_whole_workload(&c.axes.scenario)) {
        let baseline = (c.axes.config != BASELINE)
            .then(|| {
                cells
                    .iter()
                    .find(|b| b.axes.config == BASELINE && setting_key(b) == setting_key(c))
            })
            .flatten();
        let row = row(c, baseline, threshold);
        match workloads.iter_mut().find(|w| w.workload == c.axes.scenario) {
            Some(w) => w.rows.push(row),
            None => workloads.push(WorkloadFindings {
                workload: c.axes.scenario.clone(),
                rows: vec![row],
            }),
        }
    }
    (!workloads.is_empty()).then(|| Findings {
        baseline: BASELINE.to_string(),
        alpha: ALPHA,
        threshold,
        noise_floor,
        workloads,
    })
}

fn wa(c: &CellReport) -> Option<f64> {
    c.lenses.accounting.ok().and_then(|a| a.write_amplification)
}

fn bytes_per_op(c: &CellReport) -> Option<f64> {
    c.lenses.accounting.ok().map(|a| a.bytes_per_op)
}

fn ns_per_op(c: &CellReport) -> Option<f64> {
    c.lenses.time.ok().map(|t| t.ns_per_op)
}

fn row(c: &CellReport, baseline: Option<&CellReport>, threshold: f64) -> FindingRow {
    let a = &c.axes;
    FindingRow {
        cell: c.id.clone(),
        variant: a.variant.clone(),
        config: a.config.clone(),
        setting: format!("n={} {} k{}v{}", a.n, a.keys, a.key_size, a.value_size),
        write_amplification: wa(c),
        bytes_per_op: bytes_per_op(c),
        ns_per_op: ns_per_op(c),
        vs_baseline: baseline.map(|b| vs_baseline(c, b, threshold)),
    }
}

/// The path whose bytes changed most between `b` (baseline) and `c`.
fn largest_path_change(c: &CellReport, b: &CellReport) -> Option<(String, u64, u64)> {
    let (x, y) = (b.lenses.accounting.ok()?, c.lenses.accounting.ok()?);
    CopyPath::ALL
        .iter()
        .map(|&p| (p, x.bytes_written.get(p), y.bytes_written.get(p)))
        .filter(|(_, bx, by)| bx != by)
        .max_by_key(|(_, bx, by)| bx.abs_diff(*by))
        .map(|(p, bx, by)| (p.name().to_string(), bx, by))
}

fn vs_baseline(c: &CellReport, b: &CellReport, threshold: f64) -> VsBaseline {
    let test = match (c.lenses.time.ok(), b.lenses.time.ok()) {
        (Some(tc), Some(tb)) => {
            replicates::process_test(&process_medians(tb), &process_medians(tc))
                .ok_or("too few processes timed to test")
        }
        _ => Err("time not measured on both"),
    };
    let (time_change, p_value, time_verdict) = match test {
        Ok(t) => {
            let v = if !t.is_difference(ALPHA, threshold) {
                "same"
            } else if t.change < 0.0 {
                "faster"
            } else {
                "slower"
            };
            (Some(t.change), Some(t.p_value), v.to_string())
        }
        Err(why) => (None, None, why.to_string()),
    };
    let mut v = VsBaseline {
        baseline_cell: b.id.clone(),
        baseline_write_amplification: wa(b),
        baseline_bytes_per_op: bytes_per_op(b),
        baseline_ns_per_op: ns_per_op(b),
        largest_path_change: largest_path_change(c, b),
        time_change,
        p_value,
        time_verdict,
        sentence: String::new(),
    };
    v.sentence = sentence(c, &v, threshold);
    v
}

/// `1.07` → `1.07×`; three significant digits.
fn times(x: f64) -> String {
    format!("{}×", crate::report::format::number(x))
}

/// `p < 0.001` or `p = 0.0123`.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {}", crate::report::format::number(p))
    }
}

/// One sentence from the figures: what changed in bytes, and in time.
fn sentence(c: &CellReport, v: &VsBaseline, threshold: f64) -> String {
    let mut parts = Vec::new();
    if let Some((path, before, after)) = &v.largest_path_change {
        parts.push(format!(
            "{path} bytes {} → {}",
            crate::report::format::integer(*before),
            crate::report::format::integer(*after)
        ));
    }
    match (v.baseline_write_amplification, wa(c)) {
        (Some(x), Some(y)) => parts.push(format!("WA {} → {}", times(x), times(y))),
        _ => {
            if let (Some(x), Some(y)) = (v.baseline_bytes_per_op, bytes_per_op(c)) {
                parts.push(format!(
                    "bytes/op {} → {}",
                    crate::report::format::number(x),
                    crate::report::format::number(y)
                ));
            }
        }
    }
    if v.largest_path_change.is_none() && c.lenses.accounting.ok().is_some() {
        parts.push("the same bytes on every copy path".into());
    }
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    match (v.time_change, v.p_value) {
        (Some(ch), Some(p)) => {
            let ratio = 1.0 + ch;
            parts.push(match v.time_verdict.as_str() {
                "faster" => format!("{} faster ({})", times(1.0 / ratio), p_text(p)),
                "slower" => format!("{} slower ({})", times(ratio), p_text(p)),
                _ => format!(
                    "no time difference called ({:+.1}%, {}; threshold {})",
                    ch * 100.0,
                    p_text(p),
                    pct(threshold)
                ),
            })
        }
        _ => parts.push(format!("time: {}", v.time_verdict)),
    }
    format!(
        "{} vs {BASELINE} ({} {}, {}): {}",
        c.axes.config,
        c.axes.variant,
        c.axes.scenario,
        format_args!(
            "n={} {} k{}v{}",
            c.axes.n, c.axes.keys, c.axes.key_size, c.axes.value_size
        ),
        parts.join(", ")
    )
}
