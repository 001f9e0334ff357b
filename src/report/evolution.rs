//! "Runtime evolution": Go's map across releases on the key and value
//! types of the run, version against version — the section `report.json`
//! carries as [`Evolution`] (computed when the report is written, by
//! `run::evolution`) and `index.html` / `summary.md` print near the top.
//!
//! For every whole-workload scenario, configuration, N and key
//! distribution whose cells ran on two Go releases or more (models:
//! `gomap` = Go 1.19, `goswiss-noprune` = 1.24, `goswiss` = 1.26,
//! `goswiss-127` = 1.27, `goswiss-127split` = 1.27 + `mapsplitgroup`; real
//! runtimes: the `go1.*` variants), one table: a row per type shape
//! (`map[int64]struct{}`), a column per release (real runtimes beside the
//! models), each with bytes written (per copy path in the tooltip), WA,
//! heap bytes and objects; the least figure among the models is marked.
//! Charts: release on the x axis (oldest first), one line per type shape
//! (real runtimes dashed), y = heap bytes per entry, and bytes written per
//! operation. Above them: the sentences naming what regressed with the
//! Swiss map, what the split layout fixes and what Go 1.27's small-map
//! change saves, and the verdicts of the evolution claims.
//!
//! Nothing here computes a figure: the renderers print the section's
//! figures and lay out the charts.

use super::escaping::{escape, escape_markdown as md};
use super::format::{integer, not_available, number};
use super::html::verdict_class;
use super::markdown::verdict_text;
use super::schema::{ClaimVerdict, Report};
use super::svg::{category_chart, CategoryChart, CategoryPoint, CategorySeries, Chart};
use crate::accounting::{CopyPath, PathBytes};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The section: present in `report.json` when the run has cells of two
/// Go releases or more with the same scenario and type axes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evolution {
    /// The releases of the run, oldest first (`go1.19`, `go1.24`,
    /// `go1.26`, `go1.27`, `go1.27split`): the x axis.
    pub releases: Vec<String>,
    /// The type shapes of the run (`map[int64]struct{}`), in report order.
    pub shapes: Vec<String>,
    /// Plain-word findings generated from the tables' figures.
    pub statements: Vec<String>,
    /// One table per scenario, configuration, N and key distribution.
    pub tables: Vec<EvolutionTable>,
    /// The runtime-evolution claims' verdicts (`claims::evolution`).
    pub verdicts: Vec<ClaimVerdict>,
}

/// The cells of one scenario, configuration, N and key distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvolutionTable {
    /// Scenario (`insert`, `update`, `churn`).
    pub scenario: String,
    /// Configuration (`go-default`, `presized`).
    pub config: String,
    /// N.
    pub n: usize,
    /// Key distribution.
    pub keys: String,
    /// The size hint as the configuration writes it (`none`, `n`, ...).
    pub hint: String,
    /// One row per type shape.
    pub rows: Vec<ShapeRow>,
}

impl EvolutionTable {
    /// `insert / go-default / n=4096 / random`.
    pub fn title(&self) -> String {
        format!(
            "{} / {} / n={} / {}",
            self.scenario, self.config, self.n, self.keys
        )
    }
}

/// One type shape's figures per release.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShapeRow {
    /// `map[K]V`.
    pub shape: String,
    /// String keys: the bytes of the live keys' own strings after the
    /// region (the program allocates them; the map holds 16-byte headers).
    /// Shown beside the heap bytes, never added into them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_key_bytes: Option<u64>,
    /// One entry per cell, releases oldest first, a model before its real runtime.
    pub entries: Vec<ReleaseEntry>,
    /// The releases whose model wrote, allocated... least.
    pub least: Least,
}

impl ShapeRow {
    /// The entry of `release`, the real runtime's or the model's.
    fn entry(&self, release: &str, real: bool) -> Option<&ReleaseEntry> {
        self.entries
            .iter()
            .find(|e| e.release == release && e.real == real)
    }
}

/// The releases (models only) with the least figure, per metric; ties list
/// every release.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Least {
    /// Bytes written.
    pub total_bytes: Vec<String>,
    /// Bytes zeroed (the `zero_fill` path: fresh and cleared memory).
    #[serde(default)]
    pub zero_fill: Vec<String>,
    /// Write amplification.
    pub write_amplification: Vec<String>,
    /// Heap bytes.
    pub heap_bytes: Vec<String>,
    /// Heap objects.
    pub objects: Vec<String>,
}

/// One cell of a row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReleaseEntry {
    /// The release (`go1.26`).
    pub release: String,
    /// The variant (`goswiss`, `go1.26`).
    pub variant: String,
    /// A real Go runtime (else a model).
    pub real: bool,
    /// The cell id.
    pub cell: String,
    /// The figures, when the cell has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figures: Option<ReleaseFigures>,
    /// Why there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
}

/// A cell's figures, from its lenses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReleaseFigures {
    /// Bytes written per copy path (accounting lens; derived for real cells).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_written: Option<PathBytes>,
    /// Their sum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_bytes: Option<u64>,
    /// Bytes written per operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_op: Option<f64>,
    /// Write amplification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_amplification: Option<f64>,
    /// Heap bytes allocated in the region: the model's allocation
    /// accounting (size-class rounded), or for a real runtime
    /// `/gc/heap/allocs:bytes`, mean over the regions.
    pub heap_bytes: f64,
    /// Heap objects allocated in the region (real: mean over the regions).
    pub objects: f64,
    /// `heap_bytes / n`.
    pub heap_bytes_per_entry: f64,
    /// Where the heap figures come from (`model-accounting`, `go-runtime-metrics`).
    pub heap_source: String,
}

fn release_label(r: &str) -> &str {
    r.strip_prefix("go").unwrap_or(r)
}

/// A column's head: `1.26`, `1.26 real`.
fn column_label(release: &str, real: bool) -> String {
    format!(
        "{}{}",
        release_label(release),
        if real { " real" } else { "" }
    )
}

/// The column heads of a table: one per (release, real) present, in order.
fn columns(t: &EvolutionTable) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for e in t.rows.iter().flat_map(|r| &r.entries) {
        let key = (e.release.clone(), e.real);
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// The metrics of a table, with their texts per entry and their least list.
type Metric = (
    &'static str,
    fn(&ReleaseFigures) -> String,
    fn(&Least) -> &Vec<String>,
);

const METRICS: [Metric; 5] = [
    (
        "bytes written",
        |f| {
            f.total_bytes
                .map_or_else(|| not_available("no accounting"), integer)
        },
        |l| &l.total_bytes,
    ),
    (
        "of which zeroed",
        |f| {
            f.bytes_written.map_or_else(
                || not_available("no accounting"),
                |p| integer(p.get(CopyPath::ZeroFill)),
            )
        },
        |l| &l.zero_fill,
    ),
    (
        "WA",
        |f| {
            f.write_amplification.map_or_else(
                || not_available("no payload"),
                |w| format!("{}×", number(w)),
            )
        },
        |l| &l.write_amplification,
    ),
    ("heap bytes", |f| number(f.heap_bytes), |l| &l.heap_bytes),
    ("objects", |f| number(f.objects), |l| &l.objects),
];

fn paths_text(f: &ReleaseFigures) -> String {
    match &f.bytes_written {
        Some(p) => CopyPath::ALL
            .iter()
            .filter(|&&c| p.get(c) > 0)
            .map(|&c| format!("{} {}", c.name(), integer(p.get(c))))
            .collect::<Vec<_>>()
            .join(", "),
        None => not_available("no accounting"),
    }
}

/// The text of one metric of one entry, `*` marked when least.
fn cell_text(e: &ReleaseEntry, m: &Metric, least: &Least) -> (String, bool) {
    match (&e.figures, &e.unavailable) {
        (Some(f), _) => ((m.1)(f), !e.real && (m.2)(least).contains(&e.release)),
        (None, _) => ("unavailable (below)".to_string(), false),
    }
}

/// Each distinct reason a table's cells have no figures, with the columns
/// it covers: `go1.27 real: unavailable: <reason>`.
fn unavailable_lines(t: &EvolutionTable) -> Vec<String> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for e in t.rows.iter().flat_map(|r| &r.entries) {
        if e.figures.is_some() {
            continue;
        }
        let why = e.unavailable.clone().unwrap_or_else(|| "no figures".into());
        let label = column_label(&e.release, e.real);
        match out.iter_mut().find(|(w, _)| *w == why) {
            Some((_, labels)) if labels.contains(&label) => {}
            Some((_, labels)) => labels.push(label),
            None => out.push((why, vec![label])),
        }
    }
    out.into_iter()
        .map(|(why, labels)| format!("{}: unavailable: {why}", labels.join(", ")))
        .collect()
}

/// The charts of a table: heap bytes per entry, bytes written per operation.
pub fn charts(id: &str, e: &Evolution, t: &EvolutionTable) -> Vec<Chart> {
    let figure = |name: &str, f: fn(&ReleaseFigures) -> Option<f64>, unit: &str| {
        let series = t
            .rows
            .iter()
            .enumerate()
            .flat_map(|(i, row)| {
                [false, true].into_iter().filter_map(move |real| {
                    let points: Vec<CategoryPoint> = row
                        .entries
                        .iter()
                        .filter(|x| x.real == real)
                        .filter_map(|x| {
                            let at = e.releases.iter().position(|r| *r == x.release)?;
                            let y = match (&x.figures, &x.unavailable) {
                                (Some(fig), _) => f(fig).ok_or_else(|| "no figure".to_string()),
                                (None, why) => Err(why.clone().unwrap_or_default()),
                            };
                            let tip = match &y {
                                Ok(v) => format!(
                                    "{} on {} ({}): {} {unit}; cell {}",
                                    row.shape,
                                    x.release,
                                    x.variant,
                                    number(*v),
                                    x.cell
                                ),
                                Err(_) => String::new(),
                            };
                            Some(CategoryPoint { at, y, tip })
                        })
                        .collect();
                    (!points.is_empty()).then(|| CategorySeries {
                        label: format!("{}{}", row.shape, if real { " (real)" } else { "" }),
                        dashed: real,
                        colour: i,
                        points,
                    })
                })
            })
            .collect();
        category_chart(&CategoryChart {
            id: format!("{id}-{}", name.split(' ').next().unwrap_or(name)),
            title: format!("{name}: {}", t.title()),
            x_label: "Go release (models solid, real runtimes dashed)".into(),
            y_label: unit.into(),
            categories: e
                .releases
                .iter()
                .map(|r| release_label(r).to_string())
                .collect(),
            series,
            notes: vec![],
        })
    };
    vec![
        figure(
            "heap bytes per entry",
            |f| Some(f.heap_bytes_per_entry),
            "B/entry",
        ),
        figure("bytes written per op", |f| f.bytes_per_op, "B/op"),
    ]
}

fn statements_html(out: &mut String, e: &Evolution) {
    if e.statements.is_empty() {
        return;
    }
    out.push_str("<ul class=\"evolution-statements\">\n");
    for s in &e.statements {
        let _ = writeln!(out, "<li>{}</li>", escape(s));
    }
    out.push_str("</ul>\n");
}

/// The section for `index.html` (empty when the report has none).
pub fn evolution_html(r: &Report) -> String {
    let Some(e) = &r.evolution else {
        return String::new();
    };
    let mut out = String::from("<section id=\"evolution\">\n<h2>Runtime evolution</h2>\n");
    let _ = writeln!(
        out,
        "<p>Go's map across releases ({}) on the run's key and value types ({} shapes). Models: exact accounting; heap bytes and objects are what the model allocates in the measured region, size-class rounded. Real runtimes (dashed lines, “real” columns): runtime/metrics, mean over the regions.</p>",
        escape(
            &e.releases
                .iter()
                .map(|r| release_label(r))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        e.shapes.len()
    );
    if !e.verdicts.is_empty() {
        out.push_str("<div class=\"table-wrap\"><table id=\"evolution-verdicts\">\n<thead><tr><th scope=\"col\">claim</th><th scope=\"col\">verdict</th><th scope=\"col\">how it was measured, and the figures</th></tr></thead>\n<tbody>\n");
        for c in &e.verdicts {
            let figures: Vec<String> = c
                .figures
                .iter()
                .map(|f| format!("<li>{}: {}</li>", escape(&f.name), escape(&f.value)))
                .collect();
            let _ = writeln!(
                out,
                "<tr><td>{} <code>{}</code></td><td class=\"{}\">{}</td><td><details><summary>{}</summary><ul>{}</ul></details></td></tr>",
                escape(&c.claim),
                escape(&c.id),
                verdict_class(c.verdict),
                verdict_text(c.verdict),
                escape(&c.reason),
                figures.join("")
            );
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    // The first table's charts open the section; every table's charts and
    // figures follow in their own box.
    for (i, t) in e.tables.iter().enumerate() {
        let id = format!("evolution-{i}");
        if i > 0 {
            let _ = writeln!(
                out,
                "<details id=\"{id}\"><summary>{}</summary>",
                escape(&t.title())
            );
        }
        out.push_str("<div class=\"charts\">\n");
        for chart in charts(&id, e, t) {
            super::html::chart_html(&mut out, chart);
        }
        out.push_str("</div>\n");
        if i == 0 {
            statements_html(&mut out, e);
            let _ = writeln!(
                out,
                "<details id=\"{id}\"><summary>{}: figures</summary>",
                escape(&t.title())
            );
        }
        table_html(&mut out, t);
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
    out
}

fn table_html(out: &mut String, t: &EvolutionTable) {
    let cols = columns(t);
    out.push_str("<div class=\"table-wrap\"><table class=\"evolution\">\n<thead><tr><th scope=\"col\">type</th><th scope=\"col\">figure</th>");
    for (r, real) in &cols {
        let _ = write!(
            out,
            "<th scope=\"col\">{}</th>",
            escape(&column_label(r, *real))
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        let extra = usize::from(row.string_key_bytes.is_some());
        for (k, m) in METRICS.iter().enumerate() {
            out.push_str("<tr>");
            if k == 0 {
                let _ = write!(
                    out,
                    "<th scope=\"row\" rowspan=\"{}\"><code>{}</code></th>",
                    METRICS.len() + extra,
                    escape(&row.shape)
                );
            }
            let _ = write!(out, "<td>{}</td>", m.0);
            for (r, real) in &cols {
                match row.entry(r, *real) {
                    Some(e) => {
                        let (text, least) = cell_text(e, m, &row.least);
                        let tip = match (&e.figures, k) {
                            (Some(f), 0) => format!("{}; {}", e.cell, paths_text(f)),
                            _ => e.cell.clone(),
                        };
                        let _ = write!(
                            out,
                            "<td class=\"num\" title=\"{}\">{}{}</td>",
                            escape(&tip),
                            if least { "<strong>" } else { "" },
                            if least {
                                format!("{} ✓</strong>", escape(&text))
                            } else {
                                escape(&text)
                            }
                        );
                    }
                    None => out.push_str("<td class=\"num muted\">—</td>"),
                }
            }
            out.push_str("</tr>\n");
        }
        if let Some(b) = row.string_key_bytes {
            let _ = writeln!(
                out,
                "<tr><td colspan=\"{}\" class=\"muted\">key strings' own bytes: {} (allocated by the program, not in the heap bytes above)</td></tr>",
                cols.len() + 1,
                integer(b)
            );
        }
    }
    out.push_str("</tbody>\n</table></div>\n");
    for line in unavailable_lines(t) {
        let _ = writeln!(out, "<p class=\"nodata\">{}</p>", escape(&line));
    }
    out.push_str("<p class=\"muted\">✓ marks the least figure among the models; hover a bytes-written figure for its bytes per copy path.</p>\n",
    );
}

/// The section for `summary.md` (empty when the report has none).
pub fn evolution_md(r: &Report) -> String {
    let Some(e) = &r.evolution else {
        return String::new();
    };
    let mut out = String::from("\n## Runtime evolution\n\n");
    let _ = writeln!(
        out,
        "Go's map across releases ({}) on the run's key and value types. Models: exact accounting, heap bytes and objects allocated in the measured region; real runtimes: runtime/metrics, mean over the regions. ✓ marks the least figure among the models.\n",
        md(&e.releases.iter().map(|r| release_label(r)).collect::<Vec<_>>().join(", "))
    );
    for s in &e.statements {
        let _ = writeln!(out, "- {}", md(s));
    }
    if !e.verdicts.is_empty() {
        out.push_str("\n| claim | verdict | reason |\n|---|---|---|\n");
        for c in &e.verdicts {
            let _ = writeln!(
                out,
                "| {} (`{}`) | {} | {} |",
                md(&c.claim),
                md(&c.id),
                verdict_text(c.verdict),
                md(&c.reason)
            );
        }
    }
    for t in &e.tables {
        let cols = columns(t);
        let _ = writeln!(out, "\n### {}\n", md(&t.title()));
        let heads: Vec<String> = cols
            .iter()
            .map(|(r, real)| column_label(r, *real))
            .collect();
        let _ = writeln!(out, "| type | figure | {} |", heads.join(" | "));
        let _ = writeln!(out, "|---|---|{}", "---:|".repeat(cols.len()));
        for row in &t.rows {
            for m in &METRICS {
                let texts: Vec<String> = cols
                    .iter()
                    .map(|(r, real)| match row.entry(r, *real) {
                        Some(e) => {
                            let (text, least) = cell_text(e, m, &row.least);
                            format!("{}{}", md(&text), if least { " ✓" } else { "" })
                        }
                        None => "—".into(),
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    md(&row.shape),
                    m.0,
                    texts.join(" | ")
                );
            }
            if let Some(b) = row.string_key_bytes {
                let _ = writeln!(
                    out,
                    "| {} | key strings' own bytes (not in the heap bytes) | {} |",
                    md(&row.shape),
                    vec![integer(b); cols.len()].join(" | ")
                );
            }
        }
        for line in unavailable_lines(t) {
            let _ = writeln!(out, "\n{}", md(&line));
        }
    }
    out
}
