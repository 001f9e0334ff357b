//! Behaviour tests of the report renderings (`summary.md`, `index.html`):
//! golden files for a hand-written fixture, and the safety properties the
//! page must keep whatever the report says.
//!
//! Golden files (insta snapshots) live in `tests/data/golden/`. After an
//! intended change to the renderings, rewrite them and review the diff:
//!
//! ```text
//! INSTA_UPDATE=always cargo test --test it report_render::
//! git diff tests/data/golden/
//! ```
//!
//! The headless-browser check renders the fixture into
//! `target/report-fixture/` (an ignored test, with placeholder files for the
//! flame graphs and callgrind outputs it links) and loads it in Chromium:
//!
//! ```text
//! cargo test --test it -- --ignored report_render::render_fixture_for_browser_check
//! scripts/check-html.py target/report-fixture
//! ```

use crate::common;

use mapamp::report::escaping::{escape, relative_href};
use mapamp::report::html::index_html;
use mapamp::report::markdown::summary_md;
use mapamp::report::schema::{Report, SCHEMA_VERSION};
use mapamp::report::write_renderings;
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// The hand-written fixture, with the findings `mapamp run` would compute
/// from its cells (so the renderings show them as a run's report does).
fn fixture() -> Report {
    let text = std::fs::read_to_string(data("report_fixture.json")).expect("fixture readable");
    let mut r: Report = serde_json::from_str(&text).expect("fixture matches the schema");
    assert_eq!(r.schema_version, SCHEMA_VERSION);
    assert!(
        r.findings.is_none(),
        "the fixture file leaves findings to the code"
    );
    r.findings = mapamp::run::findings::findings(&r.cells, &r.noise);
    r
}

#[test]
fn findings_open_the_page_and_the_summary() {
    let r = fixture();
    let f = r.findings.as_ref().expect("the fixture has insert cells");
    let names: Vec<&str> = f.workloads.iter().map(|w| w.workload.as_str()).collect();
    assert_eq!(names, ["insert"]);
    let presized = f.workloads[0]
        .rows
        .iter()
        .find(|row| row.config == "presized")
        .unwrap();
    let v = presized
        .vs_baseline
        .as_ref()
        .expect("go-default is in the fixture");
    assert_eq!(
        v.baseline_cell,
        "insert/gomap/go-default/n=1000/keys=sequential/k16v64"
    );
    assert!(
        v.sentence
            .starts_with("presized vs go-default (gomap insert"),
        "{}",
        v.sentence
    );
    let html = index_html(&r);
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at("id=\"findings\"") < at("<dl class=\"facts\">"));
    assert!(at("id=\"findings\"") < at("id=\"cell-table\""));
    assert!(html.contains(&escape(&v.sentence)));
    let md = summary_md(&r);
    assert!(md.find("## Findings").unwrap() < md.find("- **Profile:**").unwrap());
}

/// Compares `actual` with its golden file in `tests/data/golden/`.
fn golden(name: &str, actual: &str) {
    common::golden("golden", name, actual);
}

#[test]
fn fixture_round_trips_through_the_schema() {
    let r = fixture();
    let again: Report = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(r, again);
    assert!(r.cells.len() >= 8, "several scenarios and variants");
    assert!(r.claims.is_some());
}

#[test]
fn summary_md_matches_golden() {
    golden("summary.md", &summary_md(&fixture()));
}

#[test]
fn index_html_matches_golden() {
    golden("index.html", &index_html(&fixture()));
}

#[test]
fn renderings_are_deterministic() {
    let r = fixture();
    assert_eq!(summary_md(&r), summary_md(&r.clone()));
    assert_eq!(index_html(&r), index_html(&r.clone()));
}

#[test]
fn html_prints_no_markup_from_data() {
    let html = index_html(&fixture());
    // Our one script element; every `<script` from the fixture is escaped.
    assert_eq!(html.matches("<script").count(), 1, "only the sort script");
    assert!(html.contains("&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;"));
    assert!(html.contains("&lt;/pre&gt;&lt;script&gt;alert(&#39;toml&#39;)"));
    assert!(html.contains("7 of 9 &lt;b&gt;bold&lt;/b&gt; &amp; more"));
    assert!(!html.contains("<b>bold"));
    // Unsafe paths are printed as text, never linked.
    for bad in ["javascript:", "../../outside.svg", "/etc/passwd"] {
        assert!(
            !html.contains(&format!("href=\"{bad}")),
            "{bad} became a link"
        );
    }
    assert!(html.contains("(not linked: javascript:alert(document.cookie))"));
    // A reason printed inside an attribute cannot close it.
    assert!(html.contains(
        "title=\"pprof sampling failed for cell ../../etc/passwd&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    ));
    assert!(!html.contains("<img"));
    // No network resources.
    for net in ["http://", "https://", "src=\""] {
        let allowed = "http://www.w3.org/2000/svg";
        assert!(
            !html.replace(allowed, "").contains(net),
            "page references {net}"
        );
    }
}

/// Ids and axes are plain strings in the schema: a hand-edited report can
/// put anything there, and every place that prints them must escape it.
#[test]
fn hostile_ids_and_axes_are_escaped_everywhere() {
    let mut r = fixture();
    for c in r.cells.iter_mut().take(3) {
        c.id = format!("{}\"><script>alert(1)</script>|x", c.id);
        c.axes.variant = "<svg onload=alert(1)>|v".to_string();
        c.axes.config = "'&amp;'\n| --- |".to_string();
        c.axes.scenario = "</table><script>s</script>".to_string();
    }
    r.run.name = "</title><script>n</script>".to_string();
    let html = index_html(&r);
    assert_eq!(html.matches("<script").count(), 1, "only the sort script");
    assert!(!html.contains("<svg onload"));
    assert_eq!(
        html.matches("<table").count(),
        html.matches("</table>").count()
    );
    assert_eq!(
        html.matches("<title").count(),
        html.matches("</title>").count()
    );
    let md = summary_md(&r);
    let unescaped = |line: &str, wanted: char| {
        line.char_indices()
            .filter(|&(i, c)| c == wanted && (i == 0 || &line[i - 1..i] != "\\"))
            .count()
    };
    assert_eq!(unescaped(&md, '<'), 0, "an unescaped < in the summary");
    // Every table row keeps its column count (16 columns per scenario table,
    // 4 in the claims table, 5 in the fixture's findings table: variant,
    // setting, two configurations, one verdict): data cannot add a `|` or a line.
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let pipes = unescaped(line, '|');
        assert!(
            pipes == 17 || pipes == 5 || pipes == 6,
            "{pipes} columns + 1 in {line}"
        );
    }
    let hostile_rows = md
        .lines()
        .filter(|l| l.starts_with('|') && l.contains("\\<script\\>alert(1)"))
        .count();
    assert_eq!(hostile_rows, 3);
}

#[test]
fn every_href_is_an_anchor_or_a_safe_relative_path() {
    let html = index_html(&fixture());
    let mut links = 0;
    for (i, _) in html.match_indices("href=\"") {
        let rest = &html[i + 6..];
        let href = &rest[..rest.find('"').unwrap()];
        if let Some(anchor) = href.strip_prefix('#') {
            assert!(
                html.contains(&format!("id=\"{anchor}\"")),
                "dangling #{anchor}"
            );
            continue;
        }
        links += 1;
        assert_eq!(relative_href(href).as_deref(), Some(href), "{href}");
    }
    assert!(links >= 10, "flame graph and callgrind links: {links}");
}

#[test]
fn summary_never_prints_zero_for_unmeasured_figures() {
    let md = summary_md(&fixture());
    let locate = md
        .lines()
        .find(|l| l.starts_with("| locate/"))
        .expect("locate row");
    assert!(locate.contains("n/a (accounting skipped)"), "{locate}");
    assert!(locate.contains("n/a (latency skipped)"), "{locate}");
    assert!(
        locate.contains("n/a (counters unavailable, callgrind skipped)"),
        "{locate}"
    );
    // The identical no-PMU reason prints once in the availability section.
    let section = &md[md.find("## Lens availability").unwrap()..];
    let reason = "no hardware PMU: perf_event_open";
    assert_eq!(section.matches(reason).count(), 1, "{section}");
    // Hostile text cannot open a tag or a new column.
    assert!(!md.contains("<script>"));
}

#[test]
fn write_renderings_writes_every_file_atomically() {
    let dir = crate::common::scratch("render");
    let r = fixture();
    write_renderings(&dir, &r).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("summary.md")).unwrap(),
        summary_md(&r)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("index.html")).unwrap(),
        index_html(&r)
    );
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["bench.txt", "index.html", "metrics.prom", "summary.md"]
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("metrics.prom")).unwrap(),
        mapamp::report::metrics_prom::metrics_prom(&r)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("bench.txt")).unwrap(),
        mapamp::report::benchfmt::bench_txt(&r)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `metrics.prom` of the fixture passes the Prometheus client's text parser,
/// holds every cell, agrees with the report's figures and leaves out the
/// figures the fixture does not have (`scripts/check-metrics.py`).
#[test]
fn metrics_prom_parses_and_matches_the_report() {
    let dir = crate::common::scratch("metrics");
    let r = fixture();
    mapamp::fsutil::write_json_atomic(&dir.join("report.json"), &r).unwrap();
    write_renderings(&dir, &r).unwrap();
    let text = std::fs::read_to_string(dir.join("metrics.prom")).unwrap();
    // Unmeasured figures are absent, never 0: the locate cell has no
    // accounting, the overflow cells no callgrind.
    let locate = r
        .cells
        .iter()
        .find(|c| c.axes.scenario == "locate")
        .unwrap();
    let has = |metric: &str, cell: &str| {
        text.lines().any(|l| {
            l.starts_with(&format!("{metric}{{")) && l.contains(&format!("cell=\"{cell}\""))
        })
    };
    assert!(has("mapamp_ops", &locate.id));
    assert!(!has("mapamp_total_bytes_written_bytes", &locate.id));
    assert!(has("mapamp_time_per_op_seconds", &locate.id));
    let overflow = r
        .cells
        .iter()
        .find(|c| c.axes.scenario == "overflow")
        .unwrap();
    assert!(!has("mapamp_instructions", &overflow.id));
    assert!(has("mapamp_total_bytes_written_bytes", &overflow.id));
    common::check_metrics(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Renders the fixture into `target/report-fixture/` for
/// `scripts/check-html.py`, with small placeholder files where the report
/// links a flame graph or a callgrind output (they stand for files, not
/// for measurements).
#[test]
#[ignore = "writes target/report-fixture for scripts/check-html.py"]
fn render_fixture_for_browser_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-fixture");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let r = fixture();
    mapamp::fsutil::write_json_atomic(&dir.join("report.json"), &r).unwrap();
    write_renderings(&dir, &r).unwrap();
    for c in &r.cells {
        let mut files = Vec::new();
        if let Some(fg) = c.lenses.flamegraph.ok() {
            files.push((fg.svg.as_str(), "svg"));
        }
        if let Some(cg) = c.lenses.callgrind.ok() {
            files.push((cg.out_file.as_str(), "callgrind"));
        }
        for (path, kind) in files {
            // Only paths the page links (safe relative ones) get a file.
            if relative_href(path).is_none() {
                continue;
            }
            let body = match kind {
                "svg" => "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"20\"><text x=\"4\" y=\"14\">placeholder flame graph</text></svg>\n".to_string(),
                _ => "# callgrind format\nversion: 1\ncreator: placeholder\nevents: Ir\n".to_string(),
            };
            mapamp::fsutil::write_atomic(&dir.join(path), body.as_bytes()).unwrap();
        }
    }
    eprintln!("rendered into {}", dir.display());
}

/// The run's measured noise floor and false-difference rate open both
/// renderings, before any figure; a report without one says why.
#[test]
fn the_noise_floor_is_stated_at_the_top() {
    let mut r = fixture();
    let md = summary_md(&r);
    let trust = md.find("## How far to trust the times").unwrap();
    assert!(trust < md.find("## Scenario:").unwrap());
    assert!(
        md.contains("±4.3% for ns/op, ±5.1% for the drift-cancelled figure"),
        "{md}"
    );
    assert!(
        md.contains("of 1 pair of cells that did identical work"),
        "{md}"
    );
    assert!(md.contains("5 processes per cell"), "{md}");
    assert!(
        md.contains("sampler: perf_event cpu-clock (user space), setitimer ITIMER_PROF"),
        "{md}"
    );
    let html = index_html(&r);
    let top = html.find("id=\"trust\"").unwrap();
    assert!(top < html.find("id=\"cells\"").unwrap());
    assert!(html.contains("±4.3% for ns/op"));
    assert!(
        !html.contains("<script>alert('noise')"),
        "hostile text escaped"
    );
    r.noise = mapamp::report::schema::LensReport::Unavailable {
        unavailable: "3 cells have time from at least 4 processes".into(),
    };
    let md = summary_md(&r);
    assert!(
        md.contains("Noise floor: n/a (3 cells have time from at least 4 processes)"),
        "{md}"
    );
}

/// A scenario with one N gets bars per configuration grouped by variant,
/// without a legend that repeats the axis; several N keep lines over N.
#[test]
fn charts_fit_the_axes_the_scenario_has() {
    use mapamp::report::charts::scenario_charts;
    use mapamp::report::svg::Chart;
    let r = fixture();
    let of = |s: &str| -> Vec<&mapamp::report::schema::CellReport> {
        r.cells.iter().filter(|c| c.axes.scenario == s).collect()
    };
    let insert = of("insert");
    assert!(insert.iter().all(|c| c.axes.n == insert[0].axes.n));
    let [wa, ns, _, _] = scenario_charts(0, "insert", &insert);
    for (chart, title) in [
        (wa, "insert: write amplification at N="),
        (ns, "insert: time per operation at N="),
    ] {
        let Chart::Svg(svg) = chart else {
            panic!("no chart")
        };
        assert!(svg.contains(title), "{svg}");
        assert!(!svg.contains("stroke-width=\"2\""), "bars, not lines");
        assert!(!svg.contains("translate("), "no legend: {svg}");
        assert!(svg.contains("go-default") && svg.contains("presized"));
    }
    let evac = of("evacuate_double");
    let [wa, _, _, _] = scenario_charts(1, "evacuate_double", &evac);
    let Chart::Svg(svg) = wa else {
        panic!("no chart")
    };
    assert!(svg.contains("write amplification vs N"), "{svg}");
}
