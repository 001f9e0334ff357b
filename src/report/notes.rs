//! Notes printed under a scenario's table: what a reader must know to read
//! its figures right, and that does not fit in a table cell.
//!
//! - accounting that is derived rather than counted (Swiss tables, the real Go runtime);
//! - cells that run another cell's setup on purpose (A/A controls);
//! - isolation targets set below 95%, with the scenario's reason;
//! - flame graphs with too few samples to be read;
//! - timings whose confidence interval is missing or malformed.
//!
//! Notes are plain text; each rendering escapes them. A note that several
//! cells share is printed once, with how many and which cells
//! (`6 cells: isolation target 85% … (cells: a, b, …)`).

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
    let mut isolation: Vec<(&str, String)> = Vec::new();
    for c in cells {
        let Some(acc) = c.lenses.accounting.ok() else {
            continue;
        };
        if let Some(iso) = &acc.isolation {
            if let Some(reason) = &iso.reason {
                isolation.push((
                    &c.id,
                    format!(
                        "isolation target {} for {}: {reason}",
                        percent(iso.target),
                        iso.path
                    ),
                ));
            }
        }
    }
    notes.extend(merged(isolation));
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
    let no_ci: Vec<(&str, String)> = cells
        .iter()
        .filter(|c| {
            c.lenses
                .time
                .ok()
                .is_some_and(|t| confidence_interval(t).is_none())
        })
        .map(|c| {
            (
                c.id.as_str(),
                "the time lens gave no usable 95% confidence interval.".to_string(),
            )
        })
        .collect();
    notes.extend(merged(no_ci));
    notes
}

/// `(cell, note)` pairs as notes: `cell: note` for a note one cell has,
/// `N cells: note (cells: a, b, …)` once for a note several cells share;
/// notes in order of first appearance.
fn merged(pairs: Vec<(&str, String)>) -> Vec<String> {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for (id, note) in pairs {
        match groups.iter_mut().find(|(n, _)| *n == note) {
            Some((_, ids)) => ids.push(id),
            None => groups.push((note, vec![id])),
        }
    }
    groups
        .into_iter()
        .map(|(note, ids)| match ids.as_slice() {
            [one] => format!("{one}: {note}"),
            _ => format!("{} cells: {note} (cells: {})", ids.len(), ids.join(", ")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::merged;

    #[test]
    fn a_note_several_cells_share_prints_once() {
        let pairs = vec![
            ("a", "isolation target 85.0% for overflow: why".to_string()),
            ("b", "other".to_string()),
            ("c", "isolation target 85.0% for overflow: why".to_string()),
        ];
        assert_eq!(
            merged(pairs),
            [
                "2 cells: isolation target 85.0% for overflow: why (cells: a, c)",
                "b: other"
            ]
        );
    }
}
