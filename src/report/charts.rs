//! The report's charts, per scenario: write amplification vs N and ns/op vs N
//! (one line per series), bytes per copy path (stacked bars per cell), and
//! latency percentiles (a dot plot per cell on a log axis).
//!
//! This module picks figures out of the cells and hands them to the drawing
//! primitives of [`svg`](super::svg). A *series* is the set of cells of a
//! scenario that differ only in N; it is labelled by the axes that vary
//! within the scenario (usually just the variant), so a scenario comparing
//! two tuning configurations of one variant still gets one line each.
//! Cells without a figure are not drawn; a note under the chart says how
//! many and why.

use super::format::{nanos, number};
use super::rows::{confidence_interval, kv_label};
use super::schema::{CellReport, LensReport};
use super::svg::{
    dot_plot, line_chart, stacked_bars, tick_number, Chart, DotPlot, LineChart, Mark, Point, Row,
    Segment, Series, Shape, StackedBars, PALETTE,
};
use crate::accounting::CopyPath;
use crate::variants::Variant;

/// Which axes (besides N) vary within a scenario's cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Varying {
    n: bool,
    variant: bool,
    config: bool,
    keys: bool,
    kv: bool,
}

fn varying(cells: &[&CellReport]) -> Varying {
    let differs = |f: &dyn Fn(&CellReport) -> String| {
        cells
            .first()
            .is_some_and(|first| cells.iter().any(|c| f(c) != f(first)))
    };
    Varying {
        n: differs(&|c| c.axes.n.to_string()),
        variant: differs(&|c| c.axes.variant.clone()),
        config: differs(&|c| c.axes.config.clone()),
        keys: differs(&|c| c.axes.keys.clone()),
        kv: differs(&|c| kv_label(c)),
    }
}

/// The series a cell belongs to: the varying axes, or the variant when none vary.
fn series_label(c: &CellReport, v: Varying) -> String {
    let mut parts: Vec<String> = Vec::new();
    if v.variant {
        parts.push(c.axes.variant.clone());
    }
    if v.config {
        parts.push(c.axes.config.clone());
    }
    if v.keys {
        parts.push(c.axes.keys.clone());
    }
    if v.kv {
        parts.push(kv_label(c));
    }
    if parts.is_empty() {
        parts.push(c.axes.variant.clone());
    }
    parts.join(" · ")
}

/// A row label for per-cell charts: the series, and N when N varies.
fn cell_label(c: &CellReport, v: Varying) -> String {
    if v.n {
        format!("{} · N={}", series_label(c, v), n_tick(c.axes.n as f64))
    } else {
        series_label(c, v)
    }
}

/// N as a tick label: binary multiples (`512`, `1Ki`, `64Ki`, `1Mi`).
pub fn n_tick(n: f64) -> String {
    const K: f64 = 1024.0;
    if n >= K * K * K {
        format!("{}Gi", tick_number(n / (K * K * K)))
    } else if n >= K * K {
        format!("{}Mi", tick_number(n / (K * K)))
    } else if n >= K {
        format!("{}Ki", tick_number(n / K))
    } else {
        tick_number(n)
    }
}

/// A duration in ns as a tick label in the unit that reads best (`100 ns`, `1 µs`).
pub fn duration_tick(ns: f64) -> String {
    let (v, unit) = if ns >= 1e9 {
        (ns / 1e9, "s")
    } else if ns >= 1e6 {
        (ns / 1e6, "ms")
    } else if ns >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    format!("{} {unit}", tick_number(v))
}

/// Why a lens gave no figures, in two words.
fn lens_why<T>(name: &str, lens: &LensReport<T>) -> String {
    match lens {
        LensReport::Ok(_) => format!("{name} ran"),
        LensReport::Unavailable { .. } => format!("{name} unavailable"),
        LensReport::Skipped { .. } => format!("{name} skipped"),
    }
}

/// Notes saying how many cells were not drawn, per reason.
fn omitted_notes(omitted: &[String]) -> Vec<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for why in omitted {
        match counts.iter_mut().find(|(w, _)| w == why) {
            Some((_, n)) => *n += 1,
            None => counts.push((why, 1)),
        }
    }
    counts
        .into_iter()
        .map(|(why, n)| format!("Not drawn: {n} cell(s), {why}."))
        .collect()
}

/// Builds series over N from one figure per cell (`None` + reason: not drawn).
fn series_over_n(
    cells: &[&CellReport],
    figure: impl Fn(&CellReport) -> Result<Point, String>,
) -> (Vec<Series>, Vec<String>) {
    let v = varying(cells);
    let mut series: Vec<Series> = Vec::new();
    let mut omitted = Vec::new();
    for c in cells {
        let label = series_label(c, v);
        let index = match series.iter().position(|s| s.label == label) {
            Some(i) => i,
            None => {
                series.push(Series {
                    label,
                    points: Vec::new(),
                });
                series.len() - 1
            }
        };
        match figure(c) {
            Ok(p) => series[index].points.push(p),
            Err(why) => omitted.push(why),
        }
    }
    (series, omitted_notes(&omitted))
}

/// Write amplification vs N, one line per series, log2 x-axis.
pub fn wa_vs_n(id: &str, scenario: &str, cells: &[&CellReport]) -> Chart {
    let (series, notes) = series_over_n(cells, |c| {
        let wa = wa_of(c)?;
        Ok(Point {
            x: c.axes.n as f64,
            y: wa,
            whisker: None,
            tip: format!("{}: WA {}×", c.id, number(wa)),
        })
    });
    line_chart(&LineChart {
        id: id.to_string(),
        title: format!("{scenario}: write amplification vs N"),
        x_label: "N (keys, log2 scale)".to_string(),
        y_label: "write amplification (×)".to_string(),
        x_tick: n_tick,
        series,
        notes,
    })
}

/// ns per operation vs N, one line per series, with 95% CI whiskers.
pub fn ns_per_op_vs_n(id: &str, scenario: &str, cells: &[&CellReport]) -> Chart {
    let (series, notes) = series_over_n(cells, |c| {
        let t = c
            .lenses
            .time
            .ok()
            .ok_or_else(|| lens_why("time", &c.lenses.time))?;
        let ci = confidence_interval(t);
        let ci_text = match ci {
            Some((lo, hi)) => format!(" (95% CI {}–{})", number(lo), number(hi)),
            None => " (no CI)".to_string(),
        };
        Ok(Point {
            x: c.axes.n as f64,
            y: t.ns_per_op,
            whisker: ci,
            tip: format!("{}: {}{ci_text}", c.id, nanos(t.ns_per_op)),
        })
    });
    line_chart(&LineChart {
        id: id.to_string(),
        title: format!("{scenario}: time per operation vs N"),
        x_label: "N (keys, log2 scale)".to_string(),
        y_label: "ns per operation (95% CI)".to_string(),
        x_tick: n_tick,
        series,
        notes,
    })
}

/// The colour of each copy path, the same in every chart.
pub fn path_colour(p: CopyPath) -> &'static str {
    match p {
        CopyPath::Assign => PALETTE[0],
        CopyPath::Overflow => PALETTE[1],
        CopyPath::EvacuateDouble => PALETTE[2],
        CopyPath::EvacuateSameSize => PALETTE[3],
        CopyPath::ZeroFill => PALETTE[4],
        CopyPath::Delete => PALETTE[5],
        CopyPath::SmallToTable => SWISS_PALETTE[0],
        CopyPath::TableGrow => SWISS_PALETTE[1],
        CopyPath::TableSplit => SWISS_PALETTE[2],
        CopyPath::DirectoryGrow => SWISS_PALETTE[3],
        CopyPath::Prune => SWISS_PALETTE[4],
        CopyPath::Clear => SWISS_PALETTE[5],
    }
}

/// Colours of the Go Swiss map's own paths (Paul Tol's muted scheme,
/// distinct from [`PALETTE`]).
const SWISS_PALETTE: [&str; 6] = [
    "#882255", "#44AA99", "#332288", "#DDCC77", "#AA4499", "#117733",
];

/// The copy paths any of `cells`' variants can take, in report order: a
/// chart of classic-map cells shows only the classic paths.
pub fn paths_of(cells: &[&CellReport]) -> Vec<CopyPath> {
    let mut any = [false; CopyPath::ALL.len()];
    for c in cells {
        let paths = Variant::parse(&c.axes.variant).map_or(CopyPath::CLASSIC, |v| v.copy_paths());
        for (i, p) in CopyPath::ALL.iter().enumerate() {
            any[i] |= paths.contains(p);
        }
    }
    CopyPath::ALL
        .into_iter()
        .zip(any)
        .filter_map(|(p, a)| a.then_some(p))
        .collect()
}

/// Bytes per operation of each copy path, a stacked bar per cell.
pub fn bytes_per_path(id: &str, scenario: &str, cells: &[&CellReport]) -> Chart {
    let v = varying(cells);
    let paths = paths_of(cells);
    let rows = cells
        .iter()
        .map(|c| {
            let values = match c.lenses.accounting.ok() {
                None => Err(lens_why("accounting", &c.lenses.accounting)),
                Some(_) if c.ops == 0 => Err("0 operations in the region".to_string()),
                Some(acc) => Ok(paths
                    .iter()
                    .map(|&p| acc.bytes_written.get(p) as f64 / c.ops as f64)
                    .collect()),
            };
            Row {
                label: cell_label(c, v),
                tip: c.id.clone(),
                values,
            }
        })
        .collect();
    stacked_bars(&StackedBars {
        id: id.to_string(),
        title: format!("{scenario}: bytes written per operation, by copy path"),
        x_label: "bytes written per operation (B/op)".to_string(),
        unit: "B/op".to_string(),
        segments: paths
            .iter()
            .map(|&p| Segment {
                name: p.name().to_string(),
                colour: path_colour(p),
            })
            .collect(),
        rows,
        notes: Vec::new(),
    })
}

/// Latency percentiles (p50, p99, p99.9, max) per cell on a log axis.
pub fn latency_percentiles(id: &str, scenario: &str, cells: &[&CellReport]) -> Chart {
    let v = varying(cells);
    let rows = cells
        .iter()
        .map(|c| Row {
            label: cell_label(c, v),
            tip: c.id.clone(),
            values: match c.lenses.latency.ok() {
                Some(l) => Ok(vec![
                    l.summary.p50_ns,
                    l.summary.p99_ns,
                    l.summary.p999_ns,
                    l.summary.max_ns,
                ]),
                None => Err(lens_why("latency", &c.lenses.latency)),
            },
        })
        .collect();
    let mark = |name: &str, colour, shape| Mark {
        name: name.to_string(),
        colour,
        shape,
    };
    dot_plot(&DotPlot {
        id: id.to_string(),
        title: format!("{scenario}: single-operation latency percentiles"),
        x_label: "latency (log10 scale)".to_string(),
        x_tick: duration_tick,
        marks: vec![
            mark("p50", PALETTE[0], Shape::Circle),
            mark("p99", PALETTE[4], Shape::Square),
            mark("p99.9", PALETTE[1], Shape::Diamond),
            mark("max", PALETTE[6], Shape::Triangle),
        ],
        rows,
        notes: Vec::new(),
    })
}

/// The cells grouped by variant (variants in order of first appearance),
/// report order within each.
fn grouped_by_variant<'a>(cells: &[&'a CellReport]) -> Vec<&'a CellReport> {
    let mut variants: Vec<&str> = Vec::new();
    for c in cells {
        if !variants.contains(&c.axes.variant.as_str()) {
            variants.push(&c.axes.variant);
        }
    }
    let mut out: Vec<&CellReport> = cells.to_vec();
    out.sort_by_key(|c| variants.iter().position(|v| *v == c.axes.variant));
    out
}

/// One figure per cell as a bar, cells grouped by variant: the chart of a
/// scenario with one N, where a line over N would be a stack of dots.
fn bars_at_one_n(
    id: &str,
    title: String,
    x_label: &str,
    unit: &str,
    cells: &[&CellReport],
    figure: impl Fn(&CellReport) -> Result<f64, String>,
) -> Chart {
    let v = varying(cells);
    let rows = grouped_by_variant(cells)
        .into_iter()
        .map(|c| Row {
            label: cell_label(c, v),
            tip: c.id.clone(),
            values: figure(c).map(|x| vec![x]),
        })
        .collect();
    stacked_bars(&StackedBars {
        id: id.to_string(),
        title,
        x_label: x_label.to_string(),
        unit: unit.to_string(),
        segments: vec![Segment {
            name: unit.to_string(),
            colour: PALETTE[0],
        }],
        rows,
        notes: Vec::new(),
    })
}

/// Write amplification per configuration, grouped by variant (one N).
pub fn wa_bars(id: &str, scenario: &str, cells: &[&CellReport]) -> Chart {
    let n = cells.first().map_or(0, |c| c.axes.n);
    bars_at_one_n(
        id,
        format!("{scenario}: write amplification at N={}", n_tick(n as f64)),
        "write amplification (×)",
        "×",
        cells,
        wa_of,
    )
}

/// A cell's write amplification, or why it has none.
fn wa_of(c: &CellReport) -> Result<f64, String> {
    let acc = c
        .lenses
        .accounting
        .ok()
        .ok_or_else(|| lens_why("accounting", &c.lenses.accounting))?;
    acc.write_amplification
        .ok_or_else(|| "no payload written (WA undefined)".to_string())
}

/// ns per operation per configuration, grouped by variant (one N).
pub fn ns_bars(id: &str, scenario: &str, cells: &[&CellReport]) -> Chart {
    let n = cells.first().map_or(0, |c| c.axes.n);
    bars_at_one_n(
        id,
        format!("{scenario}: time per operation at N={}", n_tick(n as f64)),
        "ns per operation",
        "ns/op",
        cells,
        |c| {
            c.lenses
                .time
                .ok()
                .map(|t| t.ns_per_op)
                .ok_or_else(|| lens_why("time", &c.lenses.time))
        },
    )
}

/// A scenario's four charts, in page order; element ids start with `s{index}-`.
/// With one N, WA and time are bars per configuration grouped by variant;
/// with several, lines over N.
pub fn scenario_charts(index: usize, scenario: &str, cells: &[&CellReport]) -> [Chart; 4] {
    let one_n = !varying(cells).n;
    [
        if one_n {
            wa_bars(&format!("s{index}-wa"), scenario, cells)
        } else {
            wa_vs_n(&format!("s{index}-wa"), scenario, cells)
        },
        if one_n {
            ns_bars(&format!("s{index}-ns"), scenario, cells)
        } else {
            ns_per_op_vs_n(&format!("s{index}-ns"), scenario, cells)
        },
        bytes_per_path(&format!("s{index}-paths"), scenario, cells),
        latency_percentiles(&format!("s{index}-latency"), scenario, cells),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_read_well() {
        assert_eq!(n_tick(512.0), "512");
        assert_eq!(n_tick(1024.0), "1Ki");
        assert_eq!(n_tick(65536.0), "64Ki");
        assert_eq!(n_tick(1048576.0), "1Mi");
        assert_eq!(n_tick(1536.0), "1.5Ki");
        assert_eq!(duration_tick(10.0), "10 ns");
        assert_eq!(duration_tick(1000.0), "1 µs");
        assert_eq!(duration_tick(1234.0), "1.23 µs");
        assert_eq!(duration_tick(1e7), "10 ms");
        assert_eq!(duration_tick(2e9), "2 s");
    }

    #[test]
    fn no_cells_means_no_charts() {
        for chart in scenario_charts(0, "assign", &[]) {
            assert!(matches!(chart, Chart::NoData(_)), "{chart:?}");
        }
    }
}
