//! `index.html`: the comparison as one static, self-contained page (inline
//! CSS, no script, no external resource). Every string taken from the data
//! goes through [`escape`]; the only links are relative ones to the
//! differential flame graphs under `cells/`. Reads only the schema.

use super::notes;
use super::schema::{CompareReport, Verdict};
use crate::report::escaping::escape;
use crate::report::format as f;
use crate::report::schema::LensReport;

/// The page's style sheet (`assets/compare.css`, one line, no final newline:
/// the page's bytes are those of the golden files).
const STYLE: &str = include_str!("assets/compare.css");

fn verdict_cell(v: Verdict) -> String {
    format!("<td class=\"{0}\">{0}</td>", v.name())
}

fn num(s: String) -> String {
    format!("<td class=\"n\">{}</td>", escape(&s))
}

/// Renders `index.html`.
pub fn render(r: &CompareReport) -> String {
    let (a, b) = (&r.inputs.a, &r.inputs.b);
    let mut s = String::new();
    s += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    s += &format!(
        "<title>mapamp compare: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&notes::title(r))
    );
    s += &format!("<h1>mapamp compare: {}</h1>\n", escape(&notes::title(r)));
    s += "<table>\n<tr><th></th><th>A (baseline)</th><th>B (candidate)</th></tr>\n";
    let no_note = String::new();
    for (name, x, y) in [
        ("input", &a.label, &b.label),
        ("folder", &a.path, &b.path),
        ("run", &a.run_name, &b.run_name),
        ("profile", &a.profile, &b.profile),
        ("mapamp", &a.mapamp_version, &b.mapamp_version),
    ]
    .into_iter()
    .chain((a.note.is_some() || b.note.is_some()).then_some((
        "note",
        a.note.as_ref().unwrap_or(&no_note),
        b.note.as_ref().unwrap_or(&no_note),
    ))) {
        s += &format!(
            "<tr><th>{name}</th><td>{}</td><td>{}</td></tr>\n",
            escape(x),
            escape(y)
        );
    }
    s += &format!(
        "<tr><th>cells selected / in report</th><td>{} / {}</td><td>{} / {}</td></tr>\n</table>\n",
        a.cells_selected, a.cells_in_report, b.cells_selected, b.cells_in_report
    );
    s += &format!(
        "<p class=\"rules\">Verdict rules: {}</p>\n",
        escape(&notes::thresholds(&r.thresholds))
    );

    s += "<h2>Summary</h2>\n";
    s += &format!(
        "<p>{} matched cell(s); {} only in A, {} only in B.</p>\n",
        r.summary.cells,
        r.unmatched.only_a.len(),
        r.unmatched.only_b.len()
    );
    s += "<table>\n<tr><th>metric</th><th>better</th><th>worse</th><th>same</th><th>incomparable</th><th>unavailable</th></tr>\n";
    let mut rows: Vec<(String, _)> = r
        .summary
        .per_metric
        .iter()
        .map(|m| (escape(&m.metric), m.counts))
        .collect();
    rows.push(("<strong>total</strong>".into(), r.summary.total));
    for (name, c) in rows {
        s += &format!(
            "<tr><td>{name}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            c.better, c.worse, c.same, c.incomparable, c.unavailable
        );
    }
    s += "</table>\n";

    if !r.summary.top_changes.is_empty() {
        s += "<h3>Largest changes</h3>\n<table>\n<tr><th>cell</th><th>metric</th><th>A</th><th>B</th><th>change</th><th>verdict</th></tr>\n";
        for c in &r.summary.top_changes {
            s += &format!(
                "<tr><td><code>{}</code></td><td>{}</td>{}{}{}{}</tr>\n",
                escape(&c.cell),
                escape(&c.metric),
                num(f::value(c.a)),
                num(f::value(c.b)),
                num(f::change(c.change, true)),
                verdict_cell(c.verdict)
            );
        }
        s += "</table>\n";
    }

    if let Some(g) = &r.gate {
        s += &format!(
            "<h3>Gate: fail on a regression beyond {}</h3>\n",
            escape(&f::pct(g.fail_on_regression))
        );
        if g.regressions.is_empty() {
            s += "<p>Passed: no <em>worse</em> verdict beyond the limit.</p>\n";
        } else {
            s += &format!(
                "<p><strong>Failed</strong>: {} regression(s).</p>\n<ul>\n",
                g.regressions.len()
            );
            for c in &g.regressions {
                s += &format!(
                    "<li><code>{}</code> {}: {} → {} ({})</li>\n",
                    escape(&c.cell),
                    escape(&c.metric),
                    escape(&f::value(c.a)),
                    escape(&f::value(c.b)),
                    escape(&f::change(c.change, true))
                );
            }
            s += "</ul>\n";
        }
    }

    s += "<h2>Cells</h2>\n";
    for cell in &r.cells {
        s += &format!("<h3><code>{}</code></h3>\n", escape(&cell.id));
        if cell.a_id != cell.id || cell.b_id != cell.id {
            s += &format!(
                "<p>A: <code>{}</code> · B: <code>{}</code></p>\n",
                escape(&cell.a_id),
                escape(&cell.b_id)
            );
        }
        s += "<table>\n<tr><th>metric</th><th>A</th><th>B</th><th>delta</th><th>ratio</th><th>change</th><th>verdict</th><th>note</th></tr>\n";
        for row in &cell.rows {
            s += &format!(
                "<tr><td>{}</td>{}{}{}{}{}{}<td>{}</td></tr>\n",
                escape(&row.metric),
                num(f::opt_value(row.a)),
                num(f::opt_value(row.b)),
                num(f::delta(row.delta)),
                num(f::ratio(row.ratio)),
                num(f::change(row.change, row.a.is_some())),
                verdict_cell(row.verdict),
                escape(&notes::note(row, &r.thresholds))
            );
        }
        s += "</table>\n";
        match &cell.flame {
            LensReport::Ok(fd) => {
                s += &format!(
                    "<p>Profile: differential flame graph in <a href=\"{}\">B&#39;s shape</a> and in <a href=\"{}\">A&#39;s shape</a> (shows paths B no longer takes) — samples A {}, B {} (B scaled ×{:.3} before diffing; red: more in B, blue: less).",
                    escape(&fd.svg),
                    escape(&fd.svg_a_shape),
                    fd.samples_a,
                    fd.samples_b,
                    fd.scale_b
                );
                for n in &fd.notes {
                    s += &format!(" {}.", escape(n));
                }
                s += " Inclusive share of samples per function (the figures of record; the graph's colours are exact for leaf frames only):</p>\n";
                s += "<table>\n<tr><th>function</th><th>A</th><th>B</th><th>delta</th></tr>\n";
                for fs in &fd.functions {
                    s += &format!(
                        "<tr><td><code>{}</code></td>{}{}{}</tr>\n",
                        escape(&fs.function),
                        num(f::share(fs.share_a)),
                        num(f::share(fs.share_b)),
                        num(f::share_delta(fs.delta))
                    );
                }
                s += "</table>\n";
            }
            other => {
                s += &format!(
                    "<p>Profile: no differential flame graph ({}).</p>\n",
                    escape(other.reason().unwrap_or_default())
                );
            }
        }
    }

    if !r.unmatched.only_a.is_empty() || !r.unmatched.only_b.is_empty() {
        s += "<h2>Unmatched cells</h2>\n<ul>\n";
        for (side, ids) in [("A", &r.unmatched.only_a), ("B", &r.unmatched.only_b)] {
            for id in ids {
                s += &format!("<li>only in {side}: <code>{}</code></li>\n", escape(id));
            }
        }
        s += "</ul>\n";
    }
    s += "</body>\n</html>\n";
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }
}
