//! `summary.md`: the report as Markdown tables a person can paste into a PR.
//!
//! Sections, in order: a header (run, profile, machine with its PMU and
//! valgrind status, toolchain), "Runtime evolution" when the run has it
//! ([`super::evolution`]), "How far to trust the times" (the noise
//! statement of [`super::noise`]), one table per scenario with notes under it,
//! "Lens availability" (each reason once, with the cells it covers), and
//! "Claims" when the report has verdicts. Every text from the report goes
//! through [`escape_markdown`](super::escaping::escape_markdown); the output depends only on the report, in
//! report order, so golden files can pin it.

use super::availability::{lens_gaps, GapEntry};
use super::escaping::escape_markdown as md;
use super::format::{bytes, integer, not_available};
use super::noise::trust_lines;
use super::notes::scenario_notes;
use super::rows::{by_scenario, cell_figures, COLUMNS, SCENARIO};
use super::schema::{Availability, ClaimOutcome, ClaimsReport, Report};
use std::fmt::Write as _;

/// Cell ids listed per lens gap before the list is cut short.
const MAX_LISTED_CELLS: usize = 20;

/// Renders the whole summary.
pub fn summary_md(r: &Report) -> String {
    let mut out = String::new();
    header(&mut out, r);
    out.push_str("\n## How far to trust the times\n\n");
    for line in trust_lines(r) {
        let _ = writeln!(out, "- {}", md(&line));
    }
    for (scenario, cells) in by_scenario(r) {
        let _ = writeln!(
            out,
            "\n## Scenario: {} ({} {})\n",
            md(scenario),
            cells.len(),
            if cells.len() == 1 { "cell" } else { "cells" }
        );
        let columns: Vec<usize> = (0..COLUMNS.len())
            .filter(|&i| COLUMNS[i].key != SCENARIO)
            .collect();
        let head: Vec<&str> = columns.iter().map(|&i| COLUMNS[i].header).collect();
        let _ = writeln!(out, "| {} |", head.join(" | "));
        let rule: Vec<&str> = columns
            .iter()
            .map(|&i| if COLUMNS[i].numeric { "---:" } else { "---" })
            .collect();
        let _ = writeln!(out, "|{}|", rule.join("|"));
        for c in &cells {
            let figures = cell_figures(c);
            let texts: Vec<String> = columns.iter().map(|&i| md(&figures[i].text)).collect();
            let _ = writeln!(out, "| {} |", texts.join(" | "));
        }
        if scenario == "io" {
            out.push_str("\nI/O copy paths:\n\n");
            let _ = writeln!(out, "| {} |", super::io::COLUMNS.join(" | "));
            let _ = writeln!(out, "|{}|", vec!["---"; super::io::COLUMNS.len()].join("|"));
            for row in super::io::table_rows(&cells) {
                let texts: Vec<String> = row.iter().map(|t| md(t)).collect();
                let _ = writeln!(out, "| {} |", texts.join(" | "));
            }
        }
        let notes = scenario_notes(&cells);
        if !notes.is_empty() {
            out.push_str("\nNotes:\n\n");
            for n in notes {
                let _ = writeln!(out, "- {}", md(&n));
            }
        }
    }
    real_go_section(&mut out, r);
    lens_availability(&mut out, r);
    if let Some(claims) = &r.claims {
        claims_section(&mut out, claims);
    }
    out
}

/// "Model and real Go": the side-by-side tables of [`super::real_go`].
fn real_go_section(out: &mut String, r: &Report) {
    let groups = super::real_go::side_by_side(r);
    if groups.is_empty() {
        return;
    }
    out.push_str(
        "\n## Model and real Go side by side\n\n\
         B/op and allocs/op: the model's allocation accounting (its prediction of Go's heap) for model cells; \
         for real-Go cells runtime/metrics, mean (min–max) over the regions, each on a fresh map with a fresh hash seed.\n",
    );
    for g in groups {
        let _ = writeln!(out, "\n### {}\n", md(&g.title));
        let _ = writeln!(out, "| {} |", super::real_go::HEADERS.join(" | "));
        let _ = writeln!(
            out,
            "|---|{}",
            "---:|".repeat(super::real_go::HEADERS.len() - 1)
        );
        for row in &g.rows {
            let texts: Vec<String> = row.texts().iter().map(|t| md(t)).collect();
            let _ = writeln!(out, "| {} |", texts.join(" | "));
        }
    }
}

fn availability(a: &Availability) -> String {
    if a.available {
        format!("available ({})", md(&a.detail))
    } else {
        format!("unavailable: {}", md(&a.detail))
    }
}

fn header(out: &mut String, r: &Report) {
    let run = &r.run;
    let m = &r.machine;
    let t = &r.toolchain;
    let _ = writeln!(out, "# mapamp report: {}\n", md(&run.name));
    // The answer first: Go releases against each other when the run has
    // them, then the findings, above the facts.
    let evolution = super::evolution::evolution_md(r);
    if !evolution.is_empty() {
        let _ = writeln!(out, "{}", evolution.trim_start());
    }
    let findings = super::findings::findings_md(r);
    if !findings.is_empty() {
        let _ = writeln!(out, "{findings}");
    }
    let _ = writeln!(out, "- **Profile:** {}", md(&run.profile));
    let _ = writeln!(
        out,
        "- **Lenses asked for:** {}",
        md(&run.lenses.join(", "))
    );
    let _ = writeln!(
        out,
        "- **Run:** {} to {}",
        md(&run.started_at),
        md(&run.finished_at)
    );
    let _ = writeln!(out, "- **Command:** {}", md(&run.command));
    let _ = writeln!(
        out,
        "- **Machine:** {}, {} logical CPUs, {} memory, kernel {}",
        md(&m.cpu_model),
        m.cores,
        bytes(m.memory_bytes),
        md(&m.kernel)
    );
    let _ = writeln!(
        out,
        "- **Hardware counters (PMU):** {}",
        availability(&m.pmu)
    );
    let paranoid = match m.perf_event_paranoid {
        Some(p) => p.to_string(),
        None => not_available("not readable"),
    };
    let _ = writeln!(out, "- **perf_event_paranoid:** {paranoid}");
    let _ = writeln!(out, "- **valgrind:** {}", availability(&m.valgrind));
    let _ = writeln!(
        out,
        "- **Toolchain:** {}, target {}, build profile {}",
        md(&t.rustc),
        md(&t.target),
        md(&t.build_profile)
    );
    let crates = if t.crates.is_empty() {
        "none recorded".to_string()
    } else {
        t.crates
            .iter()
            .map(|(name, version)| format!("{} {}", md(name), md(version)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "- **Crates:** {crates}");
    let _ = writeln!(
        out,
        "- **Written by:** mapamp {}, report schema {}",
        md(&r.mapamp_version),
        r.schema_version
    );
}

/// "in all 6 cells" / "in 2 of 6 cells (a, b)".
fn gap_cells(g: &GapEntry, total: usize) -> String {
    if g.all_cells {
        return format!("in all {total} cells");
    }
    let listed: Vec<String> = g
        .cells
        .iter()
        .take(MAX_LISTED_CELLS)
        .map(|id| md(id))
        .collect();
    let more = g.cells.len().saturating_sub(MAX_LISTED_CELLS);
    let more = if more > 0 {
        format!(", and {more} more (see index.html)")
    } else {
        String::new()
    };
    format!(
        "in {} of {total} cells ({}{more})",
        g.cells.len(),
        listed.join(", ")
    )
}

fn lens_availability(out: &mut String, r: &Report) {
    out.push_str("\n## Lens availability\n\n");
    let gaps = lens_gaps(r);
    if gaps.is_empty() {
        out.push_str("Every lens gave figures for every cell.\n");
        return;
    }
    for g in &gaps {
        let _ = writeln!(out, "- {}: {}", g.status, md(&g.reason));
        for e in &g.entries {
            let _ = writeln!(
                out,
                "  - **{}** {}",
                md(&e.lenses.join(", ")),
                gap_cells(e, r.cells.len())
            );
        }
    }
}

/// How a verdict prints.
pub fn verdict_text(v: ClaimOutcome) -> &'static str {
    match v {
        ClaimOutcome::Holds => "holds",
        ClaimOutcome::DoesNotHold => "does not hold",
        ClaimOutcome::NotTestableHere => "not testable here",
    }
}

fn claims_section(out: &mut String, claims: &ClaimsReport) {
    out.push_str("\n## Claims\n\n");
    if claims.claims.is_empty() {
        out.push_str("No claim was evaluated.\n");
        return;
    }
    out.push_str("| claim | verdict | figures | reason |\n|---|---|---|---|\n");
    for c in &claims.claims {
        let figures = if c.figures.is_empty() {
            not_available("no figures")
        } else {
            c.figures
                .iter()
                .map(|f| format!("{}: {} ({})", md(&f.name), md(&f.value), md(&f.source)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(
            out,
            "| {} ({}) | **{}** | {figures} | {} |",
            md(&c.claim),
            md(&c.id),
            verdict_text(c.verdict),
            md(&c.reason)
        );
    }
    let counted = |v: ClaimOutcome| claims.claims.iter().filter(|c| c.verdict == v).count();
    let _ = writeln!(
        out,
        "\n{} claims: {} hold, {} do not hold, {} not testable here.",
        integer(claims.claims.len() as u64),
        counted(ClaimOutcome::Holds),
        counted(ClaimOutcome::DoesNotHold),
        counted(ClaimOutcome::NotTestableHere)
    );
}
