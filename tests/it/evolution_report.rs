//! The "Runtime evolution" section of a run's report: a small profile with
//! the axes of `profiles/evolution.toml` (scenarios × the five Go-release
//! models × key types × value types × no hint / presized) through `mapamp
//! run`, then `report.json`, `index.html` and `summary.md` held against the
//! accounting lens of the cells the section's figures come from; and the
//! same report with real-Go cells added (one with figures, one unavailable),
//! as `mapamp run` writes them for the golang lens's variants.

use crate::common;
use mapamp::report::evolution::{Evolution, ReleaseEntry};
use mapamp::report::schema::{CellReport, Report};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const RELEASES: [&str; 5] = ["go1.19", "go1.24", "go1.26", "go1.27", "go1.27split"];
const SHAPES: [&str; 6] = [
    "map[int64]struct{}",
    "map[int64]bool",
    "map[int64][4]int64",
    "map[string]struct{}",
    "map[string]bool",
    "map[string][4]int64",
];
const N: u64 = 512;

/// The profile: `profiles/evolution.toml`'s axes, fewer types, a smaller N.
fn profile_text() -> String {
    format!(
        r#"description = "test: Go runtime evolution (models, exact accounting)"

[axes]
scenario = ["insert", "update", "churn"]
variant = ["goswiss-127split", "gomap", "goswiss", "goswiss-noprune", "goswiss-127"]
n = [{N}]
keys = ["random"]
key = ["int64", "string"]
value = ["struct{{}}", "bool", "[4]int64"]

[configs.go-default]
description = "no hint"

[configs.presized]
description = "size hint = N"
hint = "n"

[lenses]
enabled = ["accounting"]

[budget]
churn_rounds = 1
"#
    )
}

/// The report folder, made once.
fn run_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = common::scratch("evolution-report");
        let profile = dir.join("evolution-test.toml");
        std::fs::write(&profile, profile_text()).unwrap();
        let out = dir.join("report");
        let (code, _, err) = common::mapamp(&[
            "run",
            "--profile",
            profile.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        out
    })
}

fn report() -> Report {
    serde_json::from_str(&std::fs::read_to_string(run_dir().join("report.json")).unwrap()).unwrap()
}

fn cell<'a>(r: &'a Report, id: &str) -> &'a CellReport {
    r.cells
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no cell {id}"))
}

/// The entry's figures are its cell's accounting lens's.
fn same_as_cell(r: &Report, e: &ReleaseEntry) {
    let c = cell(r, &e.cell);
    assert_eq!(c.axes.variant, e.variant);
    let a = c
        .lenses
        .accounting
        .ok()
        .expect("the model cells have accounting");
    let f = e.figures.as_ref().unwrap_or_else(|| panic!("{e:?}"));
    assert_eq!(f.bytes_written, Some(a.bytes_written), "{}", e.cell);
    assert_eq!(f.total_bytes, Some(a.total_bytes), "{}", e.cell);
    assert_eq!(f.bytes_per_op, Some(a.bytes_per_op), "{}", e.cell);
    assert_eq!(f.write_amplification, a.write_amplification, "{}", e.cell);
    assert_eq!(
        Some(f.heap_bytes as u64),
        a.model_allocated_bytes,
        "{}",
        e.cell
    );
    assert_eq!(f.objects as u64, a.model_allocations, "{}", e.cell);
    assert_eq!(f.heap_bytes_per_entry, f.heap_bytes / c.axes.n as f64);
}

#[test]
fn the_section_holds_the_cells_figures_release_against_release() {
    let r = report();
    let e: &Evolution = r.evolution.as_ref().expect("the run has the section");
    assert_eq!(e.releases, RELEASES, "release order, not the profile's");
    assert_eq!(e.shapes, SHAPES);
    assert_eq!(e.tables.len(), 6, "3 scenarios × 2 configurations");
    let mut entries = 0;
    for t in &e.tables {
        assert_eq!(t.rows.len(), SHAPES.len(), "{}", t.title());
        for row in &t.rows {
            let releases: Vec<&str> = row.entries.iter().map(|x| x.release.as_str()).collect();
            assert_eq!(releases, RELEASES, "{} {}", t.title(), row.shape);
            for x in &row.entries {
                assert!(!x.real);
                same_as_cell(&r, x);
                entries += 1;
            }
            // The least heap bytes are the least among the row's figures.
            let min = row
                .entries
                .iter()
                .map(|x| x.figures.as_ref().unwrap().heap_bytes)
                .fold(f64::INFINITY, f64::min);
            assert!(!row.least.heap_bytes.is_empty());
            for rel in &row.least.heap_bytes {
                let x = row.entries.iter().find(|x| x.release == *rel).unwrap();
                assert_eq!(x.figures.as_ref().unwrap().heap_bytes, min);
            }
            // String keys' own bytes beside the heap, never in it.
            let string_key = row.shape.starts_with("map[string]");
            assert_eq!(
                row.string_key_bytes,
                string_key.then_some(12 * N),
                "{}",
                row.shape
            );
        }
    }
    assert_eq!(entries, r.cells.len(), "every cell is in the section once");
    let ids: Vec<&str> = e.verdicts.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "evolution-swiss-regressed-sets",
            "evolution-split-group-fixes-padding",
            "evolution-small-map-update"
        ]
    );
    // The sentences are the run's: the set of int64 grew with the Swiss
    // map on insert without a hint, as its cells say.
    let t = &e.tables[0];
    assert_eq!(
        (t.scenario.as_str(), t.config.as_str()),
        ("insert", "go-default")
    );
    let heap = |rel: &str| {
        t.rows[0]
            .entries
            .iter()
            .find(|x| x.release == rel)
            .unwrap()
            .figures
            .as_ref()
            .unwrap()
            .heap_bytes
    };
    let regressed = e.statements[0].split("; they shrank").next().unwrap();
    assert_eq!(
        regressed.contains("map[int64]struct{} ("),
        heap("go1.26") > heap("go1.19"),
        "{} / go1.19 {} go1.26 {}",
        e.statements[0],
        heap("go1.19"),
        heap("go1.26")
    );
}

/// With a size hint the cells' region starts after `make`, so the
/// presized sentence compares the models' heap bytes of `make(m, n)` and
/// the inserts (`heap::fill`), not the region's (where a presized Swiss map
/// allocates nothing, which read as "-100%").
#[test]
fn the_presized_sentence_counts_make() {
    use mapamp::gotype::Shape;
    use mapamp::heap;
    use mapamp::variants::Variant;
    let r = report();
    let e = r.evolution.as_ref().expect("the run has the section");
    let s = e
        .statements
        .iter()
        .find(|s| s.starts_with("insert / presized") && s.contains("with the Swiss map"))
        .unwrap_or_else(|| panic!("no presized insert sentence in {:#?}", e.statements));
    assert!(s.contains("make(m, 512)"), "{s}");
    assert!(!s.contains("-100.0%"), "{s}");
    let (k, v) = (Shape::parse_go("int64").unwrap(), Shape::EMPTY);
    let fill = |m| {
        heap::fill(m, k, v, N as usize, N as usize, 1)
            .unwrap()
            .heap_bytes
    };
    let (classic, swiss) = (fill(Variant::GoMap), fill(Variant::GoSwiss));
    let regressed = s.split("; they shrank").next().unwrap();
    assert_eq!(
        regressed.contains("map[int64]struct{} ("),
        swiss > classic,
        "{s} / go1.19 {classic} go1.26 {swiss}"
    );
}

/// The texts of the elements of `class` in `svg` (`<text class="x-tick" ...>1.19</text>`).
fn x_ticks(svg: &str) -> Vec<String> {
    svg.split("class=\"x-tick\"")
        .skip(1)
        .map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].to_string())
        .collect()
}

#[test]
fn the_page_opens_with_the_chart_and_the_verdicts() {
    let html = std::fs::read_to_string(run_dir().join("index.html")).unwrap();
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s}"));
    // First: above the findings, the facts and the per-scenario detail.
    let evo = at("<section id=\"evolution\">");
    assert!(evo < at("<section id=\"findings\""));
    assert!(evo < at("<dl class=\"facts\">"));
    assert!(evo < at("<section id=\"cells\">"));
    assert!(html.contains("<a href=\"#evolution\">"));
    let section = &html[evo..];
    let section = &section[..section.find("</section>").unwrap()];
    // The verdicts, then the first chart: one line per type shape, the
    // releases in release order.
    let verdicts = section.find("id=\"evolution-verdicts\"").unwrap();
    assert_eq!(
        section.matches("<td class=\"good\">holds</td>").count(),
        3,
        "{section}"
    );
    let first_svg = section.find("<svg").unwrap();
    assert!(verdicts < first_svg);
    let svg = &section[first_svg..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert!(
        svg.contains("heap bytes per entry: insert / go-default / n=512 / random"),
        "{svg}"
    );
    assert_eq!(svg.matches("<polyline").count(), SHAPES.len(), "{svg}");
    assert_eq!(x_ticks(svg), ["1.19", "1.24", "1.26", "1.27", "1.27split"]);
    for shape in SHAPES {
        assert!(svg.contains(&format!("<title>{shape}</title>")), "{shape}");
    }
    // Every table has both charts and its figures.
    assert_eq!(section.matches("<table class=\"evolution\">").count(), 6);
    assert_eq!(section.matches("<svg").count(), 12);
    assert!(
        section.contains("key strings&#39; own bytes: 6,144")
            || section.contains("key strings' own bytes: 6,144"),
        "12 B × 512 keys"
    );
    let md = std::fs::read_to_string(run_dir().join("summary.md")).unwrap();
    let evo_md = md
        .find("## Runtime evolution")
        .expect("summary has the section");
    assert!(evo_md < md.find("## How far to trust the times").unwrap());
    assert!(
        md.contains("| evolution-swiss-regressed-sets")
            || md.contains("(`evolution-swiss-regressed-sets`)")
    );
}

/// A real-Go cell beside a model cell: the model cell's JSON with the real
/// variant, and the Go runtime's figures or why there are none.
fn real_cell(model: &CellReport, variant: &str, go_runtime: Value) -> CellReport {
    let mut v = serde_json::to_value(model).unwrap();
    v["id"] = json!(model.id.replacen(&model.axes.variant, variant, 1));
    v["axes"]["variant"] = json!(variant);
    v["lenses"]["go_runtime"] = go_runtime;
    serde_json::from_value(v).unwrap()
}

fn spread(mean: f64, unit: &str) -> Value {
    json!({"mean": mean, "min": mean - 8.0, "max": mean + 8.0, "values": [mean - 8.0, mean + 8.0], "unit": unit, "source": "go-runtime-metrics"})
}

#[test]
fn real_runtime_cells_are_dashed_lines_and_columns_or_unavailable() {
    let mut r = report();
    let model = r
        .cells
        .iter()
        .find(|c| {
            c.id.starts_with("insert/goswiss/go-default/") && c.axes.types_label() == SHAPES[0]
        })
        .unwrap()
        .clone();
    let figures = json!({
        "go_version": "go1.26.0", "gogc": "default", "gomemlimit": "default", "gomaxprocs": 2,
        "samples": 2,
        "heap_bytes_per_op": {"value": 12.0, "unit": "bytes", "source": "go-runtime-metrics"},
        "allocs_per_op": {"value": 0.01, "unit": "allocs", "source": "go-runtime-metrics"},
        "heap_bytes": spread(6200.0, "bytes"),
        "heap_objects": spread(9.0, "objects"),
        "tiny_allocs": spread(0.0, "objects"),
        "gc_cycles": spread(0.0, "cycles"),
        "gc_cpu_seconds": {"unavailable": "test"}
    });
    let real = real_cell(&model, "go1.26", figures.clone());
    let missing = real_cell(
        &model,
        "go1.27",
        json!({"unavailable": "go1.27.3 could not be fetched: offline"}),
    );
    let mut old_figures = figures.clone();
    old_figures["go_version"] = json!("go1.19.8");
    old_figures["heap_bytes"] = spread(9000.0, "bytes");
    let old = real_cell(&model, "go1.19", old_figures);
    r.cells.push(real.clone());
    r.cells.push(missing.clone());
    r.cells.push(old);
    let e = mapamp::run::evolution::evolution(&r.cells)
        .unwrap()
        .unwrap();
    let row = &e.tables[0].rows[0];
    assert_eq!(row.shape, SHAPES[0]);
    let labels: Vec<(&str, bool)> = row
        .entries
        .iter()
        .map(|x| (x.release.as_str(), x.real))
        .collect();
    assert_eq!(
        labels,
        [
            ("go1.19", false),
            ("go1.19", true),
            ("go1.24", false),
            ("go1.26", false),
            ("go1.26", true),
            ("go1.27", false),
            ("go1.27", true),
            ("go1.27split", false)
        ]
    );
    let r26 = &row.entries[4];
    assert_eq!(r26.cell, real.id);
    let f = r26.figures.as_ref().unwrap();
    assert_eq!((f.heap_bytes, f.objects), (6200.0, 9.0));
    assert_eq!(f.heap_bytes_per_entry, 6200.0 / N as f64);
    assert!(
        f.heap_source.starts_with("go-runtime-metrics"),
        "{}",
        f.heap_source
    );
    // A real runtime never counts as the least model figure.
    assert!(!row.least.heap_bytes.is_empty());
    let r27 = &row.entries[6];
    assert!(r27.figures.is_none());
    assert_eq!(
        r27.unavailable.as_deref(),
        Some("go1.27.3 could not be fetched: offline")
    );

    r.evolution = Some(e);
    let html = mapamp::report::html::index_html(&r);
    let section = &html[html.find("<section id=\"evolution\">").unwrap()..];
    let svg = &section[section.find("<svg").unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    // One more line, dashed, for the real runtimes (go1.19 and go1.26;
    // go1.27's point has no figure, and the chart says why).
    assert_eq!(svg.matches("<polyline").count(), SHAPES.len() + 1, "{svg}");
    assert_eq!(
        svg.matches("stroke-dasharray=\"6 3\"").count(),
        2,
        "line and legend: {svg}"
    );
    assert!(svg.contains("map[int64]struct{} (real)"), "{svg}");
    assert!(
        svg.contains("(real) at 1.27: go1.27.3 could not be fetched"),
        "{svg}"
    );
    assert!(section.contains("<th scope=\"col\">1.26 real</th>"));
    assert!(section.contains("1.27 real: unavailable: go1.27.3 could not be fetched: offline"));
    let md = mapamp::report::markdown::summary_md(&r);
    assert!(md.contains("| 1.26 real |"), "{md}");
    assert!(md.contains("1.27 real: unavailable: go1.27.3 could not be fetched: offline"));
}

#[test]
fn reports_without_the_section_load_and_render_as_before() {
    // A report of an older build has no `evolution`: it loads, renders
    // without the section, and a run without named types computes none.
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir().join("report.json")).unwrap())
            .unwrap();
    v.as_object_mut().unwrap().remove("evolution");
    let r: Report = serde_json::from_value(v).unwrap();
    assert!(r.evolution.is_none());
    assert!(!mapamp::report::html::index_html(&r).contains("id=\"evolution\""));
    assert!(!mapamp::report::markdown::summary_md(&r).contains("Runtime evolution"));
    let sizes: Vec<CellReport> = r
        .cells
        .iter()
        .cloned()
        .map(|mut c| {
            c.axes.key_type = None;
            c.axes.value_type = None;
            c
        })
        .collect();
    assert_eq!(mapamp::run::evolution::evolution(&sizes).unwrap(), None);
}
