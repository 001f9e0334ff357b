//! Notes printed under a scenario's table: what a reader must know to read
//! its figures right, and that does not fit in a table cell.
//!
//! - accounting that is derived rather than counted (Swiss tables, the real Go runtime);
//! - cells that run another cell's setup on purpose (A/A controls);
//! - isolation targets set below 95%, with the scenario's reason;
//! - flame graphs with too few samples to be read;
//! - timings whose confidence interval is missing or malformed.
//!
//! Notes are plain text; each rendering escapes them.

use super::format::{integer, percent};
use super::rows::confidence_interval;
use super::schema::CellReport;
use crate::accounting::Exactness;

/// The notes for one scenario's cells, in a stable order.
pub fn scenario_notes(cells: &[&CellReport]) -> Vec<String> {
    let mut notes = Vec::new();
    let mut derived: Vec<&str> = Vec::new();
    let mut real_go: Vec<&str> = Vec::new();
    for c in cells {
        if let Some(acc) = c.lenses.accounting.ok() {
            let list = if c.lenses.go_runtime.is_skipped() {
                &mut derived
            } else {
                &mut real_go
            };
            if acc.exactness == Exactness::Derived && !list.contains(&c.axes.variant.as_str()) {
                list.push(&c.axes.variant);
            }
        }
    }
    if !real_go.is_empty() {
        notes.push(format!(
            "Accounting of {} (the real Go runtime) is derived from its map structure, read before and after every operation of one region run, with the model's layout arithmetic; its WA is marked (derived).",
            real_go.join(", ")
        ));
    }
    if !derived.is_empty() {
        notes.push(format!(
            "Accounting of {} is derived from what is observable (capacity changes, layout formulas), not counted store by store; its WA is marked (derived).",
            derived.join(", ")
        ));
    }
    for c in cells {
        if let Some(same) = &c.same_setup_as {
            notes.push(format!(
                "{}: same setup as {} ({}). Their time difference measures noise, not the configuration.",
                c.id, same.cell, same.reason
            ));
        }
    }
    for c in cells {
        let Some(acc) = c.lenses.accounting.ok() else {
            continue;
        };
        if let Some(iso) = &acc.isolation {
            if let Some(reason) = &iso.reason {
                notes.push(format!(
                    "{}: isolation target {} for {}: {reason}",
                    c.id,
                    percent(iso.target),
                    iso.path
                ));
            }
        }
    }
    for c in cells {
        if let Some(fg) = c.lenses.flamegraph.ok() {
            if fg.too_few_samples {
                notes.push(format!(
                    "{}: flame graph has {} samples, fewer than the {} needed for a readable profile ({}{}).",
                    c.id,
                    integer(fg.samples),
                    integer(fg.min_samples),
                    fg.sampler,
                    fg.sampler_fallback
                        .as_deref()
                        .map(|f| format!("; perf event refused: {f}"))
                        .unwrap_or_default()
                ));
            }
        }
    }
    for c in cells {
        if let Some(t) = c.lenses.time.ok() {
            if confidence_interval(t).is_none() {
                notes.push(format!(
                    "{}: the time lens gave no usable 95% confidence interval.",
                    c.id
                ));
            }
        }
    }
    notes
}
