//! The short terminal summary `mapamp compare` prints: per metric the counts
//! of better / worse / same / other, the five largest changes, and the gate.
//! Reads only the schema.

use super::notes;
use super::schema::CompareReport;
use crate::report::format as f;
use std::path::Path;

/// Renders the summary; `out` is where the files were written.
pub fn render(r: &CompareReport, out: &Path) -> String {
    let mut s = format!(
        "compared {} cell(s): {} ({} only in A, {} only in B)\nwritten to {}\n\n",
        r.summary.cells,
        notes::title(r),
        r.unmatched.only_a.len(),
        r.unmatched.only_b.len(),
        out.display()
    );
    for (side, input) in [("A", &r.inputs.a), ("B", &r.inputs.b)] {
        if let Some(note) = &input.note {
            s += &format!("{side}: {note}\n");
        }
    }
    if r.inputs.a.note.is_some() || r.inputs.b.note.is_some() {
        s += "\n";
    }
    let width = r
        .summary
        .per_metric
        .iter()
        .map(|m| m.metric.len())
        .max()
        .unwrap_or(6)
        .max(6);
    s += &format!(
        "{:<width$}  {:>6}  {:>6}  {:>6}  {:>6}\n",
        "metric", "better", "worse", "same", "other"
    );
    for m in &r.summary.per_metric {
        let c = m.counts;
        s += &format!(
            "{:<width$}  {:>6}  {:>6}  {:>6}  {:>6}\n",
            m.metric,
            c.better,
            c.worse,
            c.same,
            c.other()
        );
    }
    if r.summary.top_changes.is_empty() {
        s += "\nno significant change\n";
    } else {
        s += "\nlargest changes:\n";
        for c in &r.summary.top_changes {
            s += &format!(
                "  {:<6} {:>9}  {}  {}: {} -> {} {}\n",
                c.verdict.name(),
                f::change(c.change, true),
                c.cell,
                c.metric,
                f::value(c.a),
                f::value(c.b),
                c.unit
            );
        }
    }
    if let Some(g) = &r.gate {
        s += &format!(
            "\ngate (--fail-on-regression {}): {}\n",
            f::pct(g.fail_on_regression),
            if g.regressions.is_empty() {
                "passed".to_string()
            } else {
                format!(
                    "FAILED, {} regression(s) beyond the limit",
                    g.regressions.len()
                )
            }
        );
    }
    s
}
