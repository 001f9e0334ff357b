//! "Findings": the block `index.html` and `summary.md` open with, printed
//! from `report.json`'s [`Findings`] (computed when the report was written;
//! nothing is derived here but the layout).
//!
//! Per whole workload, one table: a row per variant and setting (N, keys,
//! sizes), a column per configuration with WA · bytes/op · ns/op, and per
//! non-baseline configuration its verdict against the baseline. Under the
//! tables, one generated sentence per finding. In the HTML every number
//! carries its cell id, metric and exact value as data attributes, so a
//! check can hold the page against `report.json`.

use super::escaping::{escape, escape_markdown as md};
use super::format::{nanos, not_available, number};
use super::schema::{FindingRow, Findings, Report, WorkloadFindings};
use std::fmt::Write as _;

/// A workload's configurations in order of first appearance, the baseline first.
fn configs<'a>(f: &'a Findings, w: &'a WorkloadFindings) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    if w.rows.iter().any(|r| r.config == f.baseline) {
        out.push(&f.baseline);
    }
    for r in &w.rows {
        if !out.contains(&r.config.as_str()) {
            out.push(&r.config);
        }
    }
    out
}

/// The rows grouped by (variant, setting), groups in order of first appearance.
fn groups(w: &WorkloadFindings) -> Vec<((&str, &str), Vec<&FindingRow>)> {
    let mut out: Vec<((&str, &str), Vec<&FindingRow>)> = Vec::new();
    for r in &w.rows {
        let key = (r.variant.as_str(), r.setting.as_str());
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rows)) => rows.push(r),
            None => out.push((key, vec![r])),
        }
    }
    out
}

/// `8.15×`, or why there is no figure.
fn wa_text(x: Option<f64>) -> String {
    x.map_or_else(|| not_available("no WA"), |x| format!("{}×", number(x)))
}

fn bpo_text(x: Option<f64>) -> String {
    x.map_or_else(
        || not_available("no bytes"),
        |x| format!("{} B/op", number(x)),
    )
}

fn ns_text(x: Option<f64>) -> String {
    x.map_or_else(|| not_available("no time"), |x| format!("{}/op", nanos(x)))
}

/// The verdict of a row against the baseline, short: `6.10× faster (p < 0.001)`.
fn verdict_text(r: &FindingRow) -> String {
    let Some(v) = &r.vs_baseline else {
        return not_available("no baseline cell");
    };
    let p = v.p_value.map_or(String::new(), |p| {
        if p < 0.001 {
            " (p < 0.001)".into()
        } else {
            format!(" (p = {})", number(p))
        }
    });
    let time = match (v.time_verdict.as_str(), v.time_change) {
        ("faster", Some(c)) => format!("{}× faster{p}", number(1.0 / (1.0 + c))),
        ("slower", Some(c)) => format!("{}× slower{p}", number(1.0 + c)),
        ("same", Some(c)) => format!(
            "same time ({:+.1}%{})",
            c * 100.0,
            p.trim_end_matches(')').replace(" (", ", ")
        ),
        (why, _) => not_available(why),
    };
    let bytes = match (v.baseline_bytes_per_op, r.bytes_per_op) {
        (Some(b), Some(x)) if b > 0.0 => format!("bytes ×{}", number(x / b)),
        _ => String::new(),
    };
    if bytes.is_empty() {
        time
    } else {
        format!("{bytes}; {time}")
    }
}

/// How the verdicts were reached, in one line.
fn method_line(f: &Findings) -> String {
    let floor = match f.noise_floor {
        Some(n) => format!("the run's measured noise floor {:.1}%", n * 100.0),
        None => "no noise floor measured in this run".into(),
    };
    format!(
        "Each configuration against {}: bytes from exact accounting; time by a Mann–Whitney test over process medians (α = {}), a difference called only beyond {:.1}% ({floor}).",
        f.baseline,
        f.alpha,
        f.threshold * 100.0
    )
}

/// The findings block of `index.html` (empty when the report has none).
pub fn findings_html(r: &Report) -> String {
    let Some(f) = &r.findings else {
        return String::new();
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section id=\"findings\">\n<h2>Findings: whole workloads, every configuration against {}</h2>\n<p class=\"muted\">{}</p>",
        escape(&f.baseline),
        escape(&method_line(f))
    );
    out.push_str("<div class=\"findings\">\n");
    for w in &f.workloads {
        let cfgs = configs(f, w);
        let _ = write!(
            out,
            "<table class=\"findings\" data-workload=\"{}\">\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">variant</th><th scope=\"col\">setting</th>",
            escape(&w.workload),
            escape(&w.workload)
        );
        for c in &cfgs {
            let _ = write!(
                out,
                "<th scope=\"col\">{} <span class=\"muted\">WA · B/op · ns/op</span></th>",
                escape(c)
            );
        }
        for c in cfgs.iter().filter(|c| **c != f.baseline) {
            let _ = write!(
                out,
                "<th scope=\"col\">{} vs {}</th>",
                escape(c),
                escape(&f.baseline)
            );
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for ((variant, setting), rows) in groups(w) {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td>",
                escape(variant),
                escape(setting)
            );
            let row_of = |c: &str| rows.iter().find(|r| r.config == c);
            for c in &cfgs {
                match row_of(c) {
                    Some(r) => {
                        let _ = write!(
                            out,
                            "<td class=\"num\">{} · {} · {}</td>",
                            figure(
                                &r.cell,
                                "write_amplification",
                                r.write_amplification,
                                &wa_text(r.write_amplification)
                            ),
                            figure(
                                &r.cell,
                                "bytes_per_op",
                                r.bytes_per_op,
                                &bpo_text(r.bytes_per_op)
                            ),
                            figure(&r.cell, "ns_per_op", r.ns_per_op, &ns_text(r.ns_per_op)),
                        );
                    }
                    None => out.push_str("<td class=\"nodata\">no cell</td>"),
                }
            }
            for c in cfgs.iter().filter(|c| **c != f.baseline) {
                match row_of(c) {
                    Some(r) => {
                        let class = match r.vs_baseline.as_ref().map(|v| v.time_verdict.as_str()) {
                            Some("faster") => " class=\"good\"",
                            Some("slower") => " class=\"bad\"",
                            _ => "",
                        };
                        let _ = write!(out, "<td{class}>{}</td>", escape(&verdict_text(r)));
                    }
                    None => out.push_str("<td class=\"nodata\">no cell</td>"),
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</div>\n<ul class=\"sentences\">\n");
    for v in f
        .workloads
        .iter()
        .flat_map(|w| &w.rows)
        .filter_map(|r| r.vs_baseline.as_ref())
    {
        let _ = writeln!(out, "<li>{}</li>", escape(&v.sentence));
    }
    out.push_str("</ul>\n</section>\n");
    out
}

/// One number of the findings table with its provenance for checks.
fn figure(cell: &str, metric: &str, value: Option<f64>, text: &str) -> String {
    let v = value.map_or(String::new(), |v| v.to_string());
    format!(
        "<span data-cell=\"{}\" data-metric=\"{metric}\" data-value=\"{v}\">{}</span>",
        escape(cell),
        escape(text)
    )
}

/// The findings section of `summary.md` (empty when the report has none).
pub fn findings_md(r: &Report) -> String {
    let Some(f) = &r.findings else {
        return String::new();
    };
    let mut out = format!(
        "## Findings: whole workloads, every configuration against {}\n\n{}\n",
        md(&f.baseline),
        md(&method_line(f))
    );
    for w in &f.workloads {
        let cfgs = configs(f, w);
        let others: Vec<&str> = cfgs.iter().copied().filter(|c| *c != f.baseline).collect();
        let _ = writeln!(out, "\n### {}\n", md(&w.workload));
        let mut head = vec!["variant".to_string(), "setting".to_string()];
        head.extend(
            cfgs.iter()
                .map(|c| format!("{} (WA · B/op · ns/op)", md(c))),
        );
        head.extend(
            others
                .iter()
                .map(|c| format!("{} vs {}", md(c), md(&f.baseline))),
        );
        let _ = writeln!(out, "| {} |", head.join(" | "));
        let _ = writeln!(out, "|---|---|{}", "---:|".repeat(head.len() - 2));
        for ((variant, setting), rows) in groups(w) {
            let row_of = |c: &str| rows.iter().find(|r| r.config == c);
            let mut texts = vec![md(variant), md(setting)];
            for c in &cfgs {
                texts.push(row_of(c).map_or("no cell".into(), |r| {
                    md(&format!(
                        "{} · {} · {}",
                        wa_text(r.write_amplification),
                        bpo_text(r.bytes_per_op),
                        ns_text(r.ns_per_op)
                    ))
                }));
            }
            for c in &others {
                texts.push(row_of(c).map_or("no cell".into(), |r| md(&verdict_text(r))));
            }
            let _ = writeln!(out, "| {} |", texts.join(" | "));
        }
    }
    out.push('\n');
    for v in f
        .workloads
        .iter()
        .flat_map(|w| &w.rows)
        .filter_map(|r| r.vs_baseline.as_ref())
    {
        let _ = writeln!(out, "- {}", md(&v.sentence));
    }
    out
}
