//! `compare.md`: the comparison as Markdown tables a person can paste into
//! a pull request. Deterministic for a given `compare.json` (no clock, no
//! absolute paths), so it can be golden-tested. Reads only the schema.

use super::notes;
use super::schema::{CompareReport, Verdict};
use crate::report::format as f;
use crate::report::schema::LensReport;

/// Rows of each cell's per-function table printed here (all are in `compare.json`).
pub const MD_FUNCTIONS: usize = 10;

/// Escapes text for a Markdown table cell (also neutralises HTML).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A cell id or label in a code span (cell ids hold no backticks; labels might).
fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'").replace(['\n', '\r'], " "))
}

fn verdict(v: Verdict) -> String {
    match v {
        Verdict::Better => "**better**".into(),
        Verdict::Worse => "**worse**".into(),
        v => v.name().into(),
    }
}

/// Renders `compare.md`.
pub fn render(r: &CompareReport) -> String {
    let mut s = String::new();
    let (a, b) = (&r.inputs.a, &r.inputs.b);
    s += &format!(
        "# mapamp compare: {} \u{2192} {}\n\n",
        code(&a.label),
        code(&b.label)
    );
    s += "| | A (baseline) | B (candidate) |\n|---|---|---|\n";
    s += &format!("| input | {} | {} |\n", code(&a.label), code(&b.label));
    s += &format!(
        "| run | {} | {} |\n",
        escape(&a.run_name),
        escape(&b.run_name)
    );
    s += &format!(
        "| profile | {} | {} |\n",
        escape(&a.profile),
        escape(&b.profile)
    );
    if a.note.is_some() || b.note.is_some() {
        let note = |n: &Option<String>| escape(n.as_deref().unwrap_or(""));
        s += &format!("| note | {} | {} |\n", note(&a.note), note(&b.note));
    }
    s += &format!(
        "| cells selected / in report | {} / {} | {} / {} |\n\n",
        a.cells_selected, a.cells_in_report, b.cells_selected, b.cells_in_report
    );
    s += &format!(
        "Verdict rules: {}\n\n",
        escape(&notes::thresholds(&r.thresholds))
    );

    s += "## Summary\n\n";
    s += &format!(
        "{} matched cell(s); {} only in A, {} only in B.\n\n",
        r.summary.cells,
        r.unmatched.only_a.len(),
        r.unmatched.only_b.len()
    );
    s += "| metric | better | worse | same | incomparable | unavailable |\n|---|--:|--:|--:|--:|--:|\n";
    for m in &r.summary.per_metric {
        let c = m.counts;
        s += &format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            escape(&m.metric),
            c.better,
            c.worse,
            c.same,
            c.incomparable,
            c.unavailable
        );
    }
    let t = r.summary.total;
    s += &format!(
        "| **total** | {} | {} | {} | {} | {} |\n\n",
        t.better, t.worse, t.same, t.incomparable, t.unavailable
    );

    if !r.summary.top_changes.is_empty() {
        s += "### Largest changes\n\n| cell | metric | A | B | change | verdict |\n|---|---|--:|--:|--:|---|\n";
        for c in &r.summary.top_changes {
            s += &format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                code(&c.cell),
                escape(&c.metric),
                f::value(c.a),
                f::value(c.b),
                f::change(c.change, true),
                verdict(c.verdict)
            );
        }
        s += "\n";
    }

    if let Some(g) = &r.gate {
        s += &format!(
            "### Gate: fail on a regression beyond {}\n\n",
            f::pct(g.fail_on_regression)
        );
        if g.regressions.is_empty() {
            s += "Passed: no `worse` verdict beyond the limit.\n\n";
        } else {
            s += &format!("**Failed**: {} regression(s).\n\n", g.regressions.len());
            for c in &g.regressions {
                s += &format!(
                    "- {} {}: {} → {} ({})\n",
                    code(&c.cell),
                    escape(&c.metric),
                    f::value(c.a),
                    f::value(c.b),
                    f::change(c.change, true)
                );
            }
            s += "\n";
        }
    }

    s += "## Cells\n\n";
    for cell in &r.cells {
        s += &format!("### {}\n\n", code(&cell.id));
        if cell.a_id != cell.id || cell.b_id != cell.id {
            s += &format!("A: {} · B: {}\n\n", code(&cell.a_id), code(&cell.b_id));
        }
        s += "| metric | A | B | delta | ratio | change | verdict | note |\n|---|--:|--:|--:|--:|--:|---|---|\n";
        for row in &cell.rows {
            s += &format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                escape(&row.metric),
                f::opt_value(row.a),
                f::opt_value(row.b),
                f::delta(row.delta),
                f::ratio(row.ratio),
                f::change(row.change, row.a.is_some()),
                verdict(row.verdict),
                escape(&notes::note(row, &r.thresholds))
            );
        }
        s += "\n";
        match &cell.flame {
            LensReport::Ok(fd) => {
                s += &format!(
                    "Profile: differential flame graph in [B's shape]({}) and [A's shape]({}) — samples A {}, B {} (B scaled ×{:.3} before diffing).",
                    fd.svg, fd.svg_a_shape, fd.samples_a, fd.samples_b, fd.scale_b
                );
                for n in &fd.notes {
                    s += &format!(" {}.", escape(n));
                }
                s += " Inclusive share of samples per function, largest changes first:\n\n";
                s += "| function | A | B | delta |\n|---|--:|--:|--:|\n";
                for fs in fd.functions.iter().take(MD_FUNCTIONS) {
                    s += &format!(
                        "| {} | {} | {} | {} |\n",
                        escape(&fs.function),
                        f::share(fs.share_a),
                        f::share(fs.share_b),
                        f::share_delta(fs.delta)
                    );
                }
                s += "\n";
            }
            other => {
                s += &format!(
                    "Profile: no differential flame graph ({}).\n\n",
                    escape(other.reason().unwrap_or_default())
                );
            }
        }
    }

    if !r.unmatched.only_a.is_empty() || !r.unmatched.only_b.is_empty() {
        s += "## Unmatched cells\n\n";
        for (side, ids) in [("A", &r.unmatched.only_a), ("B", &r.unmatched.only_b)] {
            for id in ids {
                s += &format!("- only in {side}: {}\n", code(id));
            }
        }
        s += "\n";
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_text_is_escaped() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
        assert_eq!(escape("__rust_alloc"), "\\_\\_rust\\_alloc");
        assert_eq!(escape("x\ny"), "x y");
    }
}
