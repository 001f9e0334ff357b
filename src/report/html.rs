//! `index.html`: the report as one static, self-contained page.
//!
//! Inline CSS, inline SVG charts and a few lines of vanilla JavaScript to
//! sort the cell table (click a column header; `index.html#sort=ns_per_op`
//! or `#sort=-wa` opens the page sorted). No network resources: a
//! Content-Security-Policy forbids loading anything. Sections: header,
//! "Runtime evolution" when the run has it ([`super::evolution`]),
//! "How far to trust the times" ([`super::noise`]), cell table (each row links to its flame graph and callgrind output when those
//! paths are safe relative links), charts per scenario, lens availability,
//! claims, and the profile file.
//!
//! Every text from the report goes through [`escape`], links through
//! [`relative_href`]; a path that cannot be a safe link prints as text.

use super::availability::lens_gaps;
use super::charts::scenario_charts;
use super::escaping::{escape, relative_href};
use super::format::{bytes, not_available};
use super::markdown::verdict_text;
use super::noise::trust_lines;
use super::notes::scenario_notes;
use super::rows::{by_scenario, cell_figures, COLUMNS};
use super::schema::{Availability, CellReport, ClaimOutcome, ClaimsReport, LensReport, Report};
use super::svg::Chart;
use std::fmt::Write as _;

/// The page's style sheet (`assets/report.css`, inlined into the page).
const CSS: &str = include_str!("assets/report.css");

/// Sorts `table.sortable` by the clicked column: numeric columns by their
/// `data-sort` values (missing figures always last), others by text.
/// `#sort=<key>` / `#sort=-<key>` in the URL sorts on load.
/// (`assets/report.js`, inlined into the page.)
const SCRIPT: &str = include_str!("assets/report.js");

/// Renders the whole page.
pub fn index_html(r: &Report) -> String {
    let mut out = String::new();
    let title = format!("mapamp report: {}", r.run.name);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let scenarios = by_scenario(r);
    header(&mut out, r, &title);
    trust(&mut out, r);
    nav(&mut out, r, &scenarios);
    cell_table(&mut out, r);
    for (i, (scenario, cells)) in scenarios.iter().enumerate() {
        scenario_section(&mut out, i, scenario, cells);
    }
    real_go_section(&mut out, r);
    lens_availability(&mut out, r);
    if let Some(claims) = &r.claims {
        claims_section(&mut out, claims);
    }
    let _ = write!(
        out,
        "<section id=\"profile\">\n<h2>Profile file</h2>\n<details><summary>{} (verbatim)</summary>\n<pre>{}</pre>\n</details>\n</section>\n",
        escape(&r.run.profile),
        escape(&r.run.profile_toml)
    );
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out
}

fn availability(a: &Availability) -> String {
    if a.available {
        format!(
            "<span class=\"good\">available</span> ({})",
            escape(&a.detail)
        )
    } else {
        format!(
            "<span class=\"bad\">unavailable</span>: {}",
            escape(&a.detail)
        )
    }
}

fn header(out: &mut String, r: &Report, title: &str) {
    let run = &r.run;
    let m = &r.machine;
    let t = &r.toolchain;
    let paranoid = match m.perf_event_paranoid {
        Some(p) => p.to_string(),
        None => not_available("not readable"),
    };
    let crates = if t.crates.is_empty() {
        "none recorded".to_string()
    } else {
        t.crates
            .iter()
            .map(|(name, version)| format!("{} {}", escape(name), escape(version)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let facts: [(&str, String); 11] = [
        ("Profile", escape(&run.profile)),
        ("Lenses asked for", escape(&run.lenses.join(", "))),
        (
            "Run",
            format!(
                "{} to {}",
                escape(&run.started_at),
                escape(&run.finished_at)
            ),
        ),
        ("Command", format!("<code>{}</code>", escape(&run.command))),
        (
            "Machine",
            format!(
                "{}, {} logical CPUs, {} memory, kernel {}",
                escape(&m.cpu_model),
                m.cores,
                escape(&bytes(m.memory_bytes)),
                escape(&m.kernel)
            ),
        ),
        ("Hardware counters (PMU)", availability(&m.pmu)),
        ("perf_event_paranoid", escape(&paranoid)),
        ("valgrind", availability(&m.valgrind)),
        (
            "Toolchain",
            format!(
                "{}, target {}, build profile {}",
                escape(&t.rustc),
                escape(&t.target),
                escape(&t.build_profile)
            ),
        ),
        ("Crates", crates),
        (
            "Written by",
            format!(
                "mapamp {}, report schema {}",
                escape(&r.mapamp_version),
                r.schema_version
            ),
        ),
    ];
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", escape(title));
    // The answer first: Go releases against each other when the run has
    // them (on the first screen), then the findings block, above the facts.
    out.push_str(&super::evolution::evolution_html(r));
    out.push_str(&super::findings::findings_html(r));
    out.push_str("<dl class=\"facts\">\n");
    for (name, value) in facts {
        let _ = writeln!(out, "<dt>{name}</dt><dd>{value}</dd>");
    }
    out.push_str("</dl>\n</header>\n");
}

/// The noise statement, right under the header.
fn trust(out: &mut String, r: &Report) {
    out.push_str("<section id=\"trust\">\n<h2>How far to trust the times</h2>\n<ul>\n");
    for line in trust_lines(r) {
        let _ = writeln!(out, "<li>{}</li>", escape(&line));
    }
    out.push_str("</ul>\n</section>\n");
}

fn nav(out: &mut String, r: &Report, scenarios: &[(&str, Vec<&CellReport>)]) {
    out.push_str("<nav><ul>\n");
    if r.evolution.is_some() {
        out.push_str("<li><a href=\"#evolution\">Runtime evolution</a></li>\n");
    }
    out.push_str("<li><a href=\"#cells\">Cells</a></li>\n");
    for (i, (scenario, _)) in scenarios.iter().enumerate() {
        let _ = writeln!(
            out,
            "<li><a href=\"#scenario-{i}\">Scenario {}</a></li>",
            escape(scenario)
        );
    }
    if !super::real_go::side_by_side(r).is_empty() {
        out.push_str("<li><a href=\"#real-go\">Model and real Go</a></li>\n");
    }
    out.push_str("<li><a href=\"#lenses\">Lens availability</a></li>\n");
    if r.claims.is_some() {
        out.push_str("<li><a href=\"#claims\">Claims</a></li>\n");
    }
    out.push_str("<li><a href=\"#profile\">Profile file</a></li>\n</ul></nav>\n");
}

/// A link to a file of the report, or the path as text when it is not a
/// safe relative link.
fn file_link(label: &str, path: &str) -> String {
    match relative_href(path) {
        Some(href) => format!("<a href=\"{}\">{}</a>", escape(&href), escape(label)),
        None => format!(
            "{} <span class=\"muted\">(not linked: {})</span>",
            escape(label),
            escape(path)
        ),
    }
}

fn files_of(c: &CellReport) -> String {
    let mut parts = Vec::new();
    match &c.lenses.flamegraph {
        LensReport::Ok(fg) => parts.push(file_link(
            &format!("flame graph ({} samples)", fg.samples),
            &fg.svg,
        )),
        missing => parts.push(format!(
            "<span class=\"muted\" title=\"{}\">{}</span>",
            escape(missing.reason().unwrap_or_default()),
            escape(&not_available("no flame graph"))
        )),
    }
    if let Some(cg) = c.lenses.callgrind.ok() {
        parts.push(file_link("callgrind", &cg.out_file));
    }
    if let Some(t) = c.lenses.timeline.ok() {
        parts.push(file_link("trace.json", &t.trace));
        if let Some(svg) = &t.svg {
            parts.push(file_link("timeline", svg));
        }
    }
    parts.join("<br>")
}

fn cell_table(out: &mut String, r: &Report) {
    let _ = writeln!(
        out,
        "<section id=\"cells\">\n<h2>Cells ({})</h2>\n<p class=\"muted\">Click a column header to sort; missing figures sort last.</p>\n<div class=\"table-wrap\"><table class=\"sortable\" id=\"cell-table\">\n<thead><tr>",
        r.cells.len()
    );
    for col in &COLUMNS {
        let _ = write!(
            out,
            "<th scope=\"col\" data-key=\"{}\" data-type=\"{}\" title=\"{}\"><button type=\"button\">{}</button></th>",
            col.key,
            if col.numeric { "num" } else { "text" },
            escape(col.help),
            escape(col.header)
        );
    }
    out.push_str("<th scope=\"col\">files</th></tr></thead>\n<tbody>\n");
    for (i, c) in r.cells.iter().enumerate() {
        let _ = write!(out, "<tr id=\"cell-{i}\">");
        for (col, f) in COLUMNS.iter().zip(cell_figures(c)) {
            let title = match &f.why {
                Some(why) => format!(" title=\"{}\"", escape(why)),
                None => String::new(),
            };
            if col.numeric {
                let sort = f.sort.map(|v| v.to_string()).unwrap_or_default();
                let _ = write!(
                    out,
                    "<td class=\"num\" data-sort=\"{sort}\"{title}>{}</td>",
                    escape(&f.text)
                );
            } else if col.key == "id" {
                let _ = write!(out, "<td{title}><code>{}</code></td>", escape(&f.text));
            } else {
                let _ = write!(out, "<td{title}>{}</td>", escape(&f.text));
            }
        }
        let _ = writeln!(out, "<td>{}</td></tr>", files_of(c));
    }
    out.push_str("</tbody>\n</table></div>\n</section>\n");
}

fn scenario_section(out: &mut String, index: usize, scenario: &str, cells: &[&CellReport]) {
    let _ = writeln!(
        out,
        "<section id=\"scenario-{index}\">\n<h2>Scenario {} ({} {})</h2>",
        escape(scenario),
        cells.len(),
        if cells.len() == 1 { "cell" } else { "cells" }
    );
    let notes = scenario_notes(cells);
    if !notes.is_empty() {
        out.push_str("<ul class=\"notes\">\n");
        for n in notes {
            let _ = writeln!(out, "<li>{}</li>", escape(&n));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<div class=\"charts\">\n");
    if scenario == "io" {
        io_table(out, cells);
    }
    let charts = if scenario == "io" {
        super::io::charts(index, cells)
    } else {
        scenario_charts(index, scenario, cells).into()
    };
    for chart in charts {
        chart_html(out, chart);
    }
    out.push_str("</div>\n");
    timelines(out, index, cells);
    out.push_str("</section>\n");
}

/// A chart as a `<figure>`, or the reason there is none.
pub fn chart_html(out: &mut String, chart: Chart) {
    match chart {
        Chart::Svg(svg) => {
            let _ = writeln!(out, "<figure>{svg}</figure>");
        }
        Chart::NoData(why) => {
            let _ = writeln!(out, "<p class=\"nodata\">No chart: {}</p>", escape(&why));
        }
    }
}

/// The write timelines of a scenario's cells that have one, in a box.
fn timelines(out: &mut String, index: usize, cells: &[&CellReport]) {
    let with: Vec<(&CellReport, &crate::timeline::TimelineFigures)> = cells
        .iter()
        .filter_map(|c| c.lenses.timeline.ok().map(|t| (*c, t)))
        .collect();
    if with.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<details class=\"timelines\"><summary>Write timelines ({} cells): latency per operation, spikes coloured by the copy path that dominated their bytes, growth spans shaded</summary>\n<div class=\"charts\">",
        with.len()
    );
    for (k, (c, t)) in with.iter().enumerate() {
        let id = format!("timeline-{index}-{k}");
        match super::timeline::chart(&id, &c.id, t) {
            Chart::Svg(svg) => {
                let _ = writeln!(
                    out,
                    "<figure>{svg}<figcaption>{}</figcaption></figure>",
                    file_link("trace.json (Perfetto, chrome://tracing)", &t.trace)
                );
            }
            Chart::NoData(why) => {
                let _ = writeln!(out, "<p class=\"nodata\">No timeline: {}</p>", escape(&why));
            }
        }
    }
    out.push_str("</div>\n</details>\n");
}

fn io_table(out: &mut String, cells: &[&CellReport]) {
    out.push_str("<div class=\"table-wrap\"><table class=\"io\">\n<thead><tr>");
    for h in super::io::COLUMNS {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in super::io::table_rows(cells) {
        out.push_str("<tr>");
        for t in row {
            let _ = write!(out, "<td>{}</td>", escape(&t));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

fn lens_availability(out: &mut String, r: &Report) {
    out.push_str("<section id=\"lenses\">\n<h2>Lens availability</h2>\n");
    let gaps = lens_gaps(r);
    if gaps.is_empty() {
        out.push_str("<p>Every lens gave figures for every cell.</p>\n</section>\n");
        return;
    }
    out.push_str("<ul>\n");
    let total = r.cells.len();
    for g in &gaps {
        let _ = writeln!(out, "<li>{}: {}\n<ul>", g.status, escape(&g.reason));
        for e in &g.entries {
            let cells = if e.all_cells {
                format!("in all {total} cells")
            } else {
                let ids: Vec<String> = e
                    .cells
                    .iter()
                    .map(|id| format!("<code>{}</code>", escape(id)))
                    .collect();
                format!(
                    "<details><summary>in {} of {total} cells</summary>{}</details>",
                    e.cells.len(),
                    ids.join(", ")
                )
            };
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> {cells}</li>",
                escape(&e.lenses.join(", "))
            );
        }
        out.push_str("</ul></li>\n");
    }
    out.push_str("</ul>\n</section>\n");
}

/// "Model and real Go": the side-by-side tables of [`super::real_go`].
fn real_go_section(out: &mut String, r: &Report) {
    let groups = super::real_go::side_by_side(r);
    if groups.is_empty() {
        return;
    }
    out.push_str(
        "<section id=\"real-go\">\n<h2>Model and real Go side by side</h2>\n\
         <p>B/op and allocs/op: the model's allocation accounting (its prediction of Go's heap) for model cells; \
         for real-Go cells runtime/metrics, mean (min–max) over the regions, each on a fresh map with a fresh hash seed.</p>\n",
    );
    for g in groups {
        let _ = writeln!(out, "<h3>{}</h3>", escape(&g.title));
        out.push_str("<div class=\"table-wrap\"><table class=\"real-go\">\n<thead><tr>");
        for h in super::real_go::HEADERS {
            let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &g.rows {
            out.push_str("<tr>");
            for (i, t) in row.texts().iter().enumerate() {
                if i == 0 {
                    let _ = write!(out, "<td title=\"{}\">{}</td>", escape(&row.id), escape(t));
                } else {
                    let _ = write!(out, "<td class=\"num\">{}</td>", escape(t));
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    out.push_str("</section>\n");
}

/// The style class of a claim's verdict.
pub fn verdict_class(v: ClaimOutcome) -> &'static str {
    match v {
        ClaimOutcome::Holds => "good",
        ClaimOutcome::DoesNotHold => "bad",
        ClaimOutcome::NotTestableHere => "muted",
    }
}

fn claims_section(out: &mut String, claims: &ClaimsReport) {
    out.push_str("<section id=\"claims\">\n<h2>Claims</h2>\n");
    if claims.claims.is_empty() {
        out.push_str("<p>No claim was evaluated.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<div class=\"table-wrap\"><table id=\"claims-table\">\n<thead><tr><th scope=\"col\">claim</th><th scope=\"col\">verdict</th><th scope=\"col\">figures</th><th scope=\"col\">reason</th></tr></thead>\n<tbody>\n",
    );
    for c in &claims.claims {
        let class = verdict_class(c.verdict);
        let figures = if c.figures.is_empty() {
            escape(&not_available("no figures"))
        } else {
            let items: Vec<String> = c
                .figures
                .iter()
                .map(|f| {
                    format!(
                        "<li>{}: {} <span class=\"muted\">({})</span></li>",
                        escape(&f.name),
                        escape(&f.value),
                        escape(&f.source)
                    )
                })
                .collect();
            format!("<ul>{}</ul>", items.join(""))
        };
        let _ = writeln!(
            out,
            "<tr><td>{} <code>{}</code></td><td class=\"{class}\">{}</td><td>{figures}</td><td>{}</td></tr>",
            escape(&c.claim),
            escape(&c.id),
            verdict_text(c.verdict),
            escape(&c.reason)
        );
    }
    out.push_str("</tbody>\n</table></div>\n</section>\n");
}
