//! The terminal table of `mapamp lint` (JSON is the report serialised as it
//! is). Renders only: every figure comes priced in the [`LintReport`].

use super::cost::{Cost, Figures, NSource, Pricing};
use super::LintReport;
use crate::report::format::{integer as thousands, not_available, number};
use std::fmt::Write as _;

fn wa(x: Option<f64>) -> String {
    x.map_or_else(|| not_available("no payload"), number)
}

/// One cell pair "without → with".
fn pair(a: String, b: String) -> String {
    format!("{a} → {b}")
}

/// The one-line summary of a priced finding's cost (for SARIF messages too).
pub fn cost_summary(c: &Cost) -> String {
    let (a, b) = (&c.without_hint, &c.with_hint);
    format!(
        "at N = {} ({}, {}): {} B written without the hint, {} B with it; {} growth copies moving {} entries, {} allocations against {}; WA {} against {}",
        thousands(c.n),
        n_source(c.n_source),
        c.model,
        thousands(a.total_bytes),
        thousands(b.total_bytes),
        a.growth_copies,
        thousands(a.entries_moved),
        a.allocations,
        b.allocations,
        wa(a.write_amplification),
        wa(b.write_amplification),
    )
}

/// For a `map[K]bool`: what a `map[K]struct{}` set would allocate and
/// write instead, per Go release (made with the hint N).
pub fn set_line(c: &Cost) -> Option<String> {
    if c.as_set.is_empty() {
        return None;
    }
    let per: Vec<String> = c
        .as_set
        .iter()
        .map(|p| {
            format!(
                "{} {} → {} B heap, {} → {} B written",
                p.release,
                thousands(p.bool_heap_bytes),
                thousands(p.set_heap_bytes),
                thousands(p.bool_bytes_written),
                thousands(p.set_bytes_written)
            )
        })
        .collect();
    Some(format!(
        "if every value stored is true, map[{}]struct{{}} does as a set (make with N, bool → struct{{}}): {}",
        c.key_type.as_deref().unwrap_or("K"),
        per.join("; ")
    ))
}

fn n_source(s: NSource) -> &'static str {
    match s {
        NSource::ConstantBound => "constant trip count",
        NSource::AssumeN => "--assume-n",
        NSource::Observed => "the length a live snapshot observed",
    }
}

fn paths_line(a: &Figures, b: &Figures) -> String {
    a.bytes_written
        .iter()
        .zip(&b.bytes_written)
        .filter(|(x, y)| x.bytes > 0 || y.bytes > 0)
        .map(|(x, y)| {
            format!(
                "{} {}",
                x.path,
                pair(thousands(x.bytes), thousands(y.bytes))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The report as a table for a terminal: one row per finding, and under it
/// the bytes per copy path, the priced sizes, or why it is not priced.
pub fn render_text(r: &LintReport) -> String {
    let mut s = String::new();
    let go = r
        .findings
        .iter()
        .filter(|f| f.finding.language == super::Language::Go)
        .count();
    let _ = writeln!(
        s,
        "mapamp lint {}: {} finding(s) ({} Go, {} Rust) in {} Go module run(s) and {} Rust file(s)",
        r.root,
        r.findings.len(),
        go,
        r.findings.len() - go,
        r.go_runs,
        r.rust_files
    );
    match r.assume_n {
        Some(n) => {
            let _ = writeln!(
                s,
                "priced at the loop's constant trip count, else at N = {} (--assume-n)",
                thousands(n)
            );
        }
        None => {
            let _ = writeln!(
                s,
                "priced at the loop's constant trip count; loops without one need --assume-n N"
            );
        }
    }
    if !r.findings.is_empty() {
        let header = [
            "#",
            "location",
            "map",
            "hint",
            "N",
            "model",
            "bytes written (no hint → hint)",
            "growth copies",
            "allocations",
            "WA",
        ];
        let mut rows: Vec<[String; 10]> = Vec::new();
        for (i, pf) in r.findings.iter().enumerate() {
            let f = &pf.finding;
            let loc = format!("{}:{}:{}", f.file, f.start.line, f.start.column);
            let hint = if f.exact {
                f.hint.clone()
            } else {
                format!("≤ {}", f.hint)
            };
            let row = match &pf.cost {
                Pricing::Priced(c) => [
                    (i + 1).to_string(),
                    loc,
                    f.map.clone(),
                    hint,
                    format!(
                        "{}{}",
                        thousands(c.n),
                        if c.n_source == NSource::AssumeN {
                            " (assumed)"
                        } else {
                            ""
                        }
                    ),
                    c.model.clone(),
                    pair(
                        thousands(c.without_hint.total_bytes),
                        thousands(c.with_hint.total_bytes),
                    ),
                    pair(
                        c.without_hint.growth_copies.to_string(),
                        c.with_hint.growth_copies.to_string(),
                    ),
                    pair(
                        c.without_hint.allocations.to_string(),
                        c.with_hint.allocations.to_string(),
                    ),
                    pair(
                        wa(c.without_hint.write_amplification),
                        wa(c.with_hint.write_amplification),
                    ),
                ],
                Pricing::Unavailable { .. } => [
                    (i + 1).to_string(),
                    loc,
                    f.map.clone(),
                    hint,
                    "-".into(),
                    "unavailable".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                ],
            };
            rows.push(row);
        }
        let mut widths = header.map(|h| h.chars().count());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut l = String::new();
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                let pad = w - cell.chars().count();
                if i > 0 {
                    l.push_str("  ");
                }
                l.push_str(cell);
                l.push_str(&" ".repeat(pad));
            }
            l.trim_end().to_string()
        };
        let _ = writeln!(s);
        let _ = writeln!(s, "{}", line(&header.map(String::from)));
        for (row, pf) in rows.iter().zip(&r.findings) {
            let _ = writeln!(s, "{}", line(row));
            match &pf.cost {
                Pricing::Priced(c) => {
                    let _ = writeln!(
                        s,
                        "     bytes per path: {}",
                        paths_line(&c.without_hint, &c.with_hint)
                    );
                    let _ = writeln!(
                        s,
                        "     sizes: {}; accounting {}",
                        c.size_note,
                        match c.accounting {
                            crate::accounting::Exactness::Exact => "exact",
                            crate::accounting::Exactness::Derived => "derived",
                        }
                    );
                    if let Some(apart) = &c.apart {
                        let _ = writeln!(s, "     not in these figures: {apart}");
                    }
                    if let Some(line) = set_line(c) {
                        let _ = writeln!(s, "     {line}");
                    }
                }
                Pricing::Unavailable { reason } => {
                    let _ = writeln!(s, "     not priced: {reason}");
                }
            }
        }
        let _ = writeln!(
            s,
            "\n≤ hint: keys may repeat, the hint is an upper bound. Bytes, copies and allocations are the models' (N distinct random keys)."
        );
    }
    for note in &r.notes {
        let _ = writeln!(s, "note: {note}");
    }
    s
}
