//! Line charts: series over N on a log2 x-axis (the report's "WA vs N" and
//! "ns/op vs N"), with optional whiskers for confidence intervals. Points a
//! log axis cannot place are left out with a note; a single point draws as
//! a marker, not a line.

use super::{axes, chart_height, end_with_legend_and_notes, linear_ticks_over, log_ticks};
use super::{no_figures, series_open, svg_open, tick_number, x_tick, y_grid, Chart};
use super::{PALETTE, WIDTH};
use crate::report::escaping::escape;
use std::fmt::Write as _;

/// A point of a line series.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// x (drawn on a log2 axis; must be > 0).
    pub x: f64,
    /// y.
    pub y: f64,
    /// A range drawn as a whisker (e.g. a confidence interval).
    pub whisker: Option<(f64, f64)>,
    /// Tooltip text (the exact figure).
    pub tip: String,
}

/// A line series.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points; drawn in x order.
    pub points: Vec<Point>,
}

/// A line chart over a log2 x-axis and a linear y-axis that includes 0.
#[derive(Clone, Debug)]
pub struct LineChart {
    /// Unique element id prefix (ASCII, from the renderer, not from data).
    pub id: String,
    /// Title.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label (with unit).
    pub y_label: String,
    /// Tick label of an x value.
    pub x_tick: fn(f64) -> String,
    /// The series.
    pub series: Vec<Series>,
    /// Notes printed under the chart (e.g. cells not drawn, and why).
    pub notes: Vec<String>,
}

/// Dash patterns, cycled once the palette runs out, so series stay distinct.
const DASHES: [&str; 4] = ["", "6 3", "2 2", "8 3 2 3"];

fn line_swatch(colour: &str, dash: &str) -> String {
    format!(
        r#"<line x1="0" y1="0" x2="16" y2="0" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><circle cx="8" cy="0" r="3" fill="{colour}"/>"#
    )
}

/// Draws a line chart (see [`LineChart`]).
pub fn line_chart(c: &LineChart) -> Chart {
    let mut notes = c.notes.clone();
    let mut dropped = 0usize;
    let series: Vec<(usize, &Series, Vec<&Point>)> = c
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut pts: Vec<&Point> = s
                .points
                .iter()
                .filter(|p| p.x.is_finite() && p.x > 0.0 && p.y.is_finite())
                .collect();
            dropped += s.points.len() - pts.len();
            pts.sort_by(|a, b| a.x.total_cmp(&b.x));
            (i, s, pts)
        })
        .filter(|(_, _, pts)| !pts.is_empty())
        .collect();
    if dropped > 0 {
        notes.push(format!(
            "{dropped} point(s) with a non-finite value or x ≤ 0 left out (a log axis cannot show them)."
        ));
    }
    let all: Vec<&Point> = series
        .iter()
        .flat_map(|(_, _, p)| p.iter().copied())
        .collect();
    if all.is_empty() {
        return no_figures(&c.title, &notes);
    }
    let x_min = all.iter().map(|p| p.x).fold(f64::INFINITY, f64::min);
    let x_max = all.iter().map(|p| p.x).fold(f64::NEG_INFINITY, f64::max);
    let whisker_ends = all
        .iter()
        .filter_map(|p| p.whisker)
        .flat_map(|(a, b)| [a, b])
        .filter(|v| v.is_finite());
    let ys: Vec<f64> = all.iter().map(|p| p.y).chain(whisker_ends).collect();
    let y_ticks = linear_ticks_over(&ys);
    // A quarter octave of room keeps end points off the frame.
    let (e_lo, e_hi, x_ticks) = log_ticks(x_min, x_max, 2.0, 0.25);

    let (left, right, top, plot_h) = (70.0, 20.0, 34.0, 220.0);
    let plot_w = WIDTH - left - right;
    let (y0, y1) = (y_ticks[0], y_ticks[y_ticks.len() - 1]);
    let sx = |x: f64| left + (x.log2() - e_lo as f64) / (e_hi - e_lo) as f64 * plot_w;
    let sy = |y: f64| top + plot_h - (y - y0) / (y1 - y0) * plot_h;
    let height = chart_height(top, plot_h, series.len(), notes.len());

    let desc = format!(
        "Line chart. x: {} on a log2 scale, {} to {}. y: {}, {} to {}. {} series: {}.",
        c.x_label,
        (c.x_tick)(2f64.powi(e_lo)),
        (c.x_tick)(2f64.powi(e_hi)),
        c.y_label,
        tick_number(y0),
        tick_number(y1),
        series.len(),
        series
            .iter()
            .map(|(_, s, p)| format!("{} ({} points)", s.label, p.len()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut out = String::new();
    svg_open(&mut out, &c.id, height, &c.title, &desc);
    y_grid(&mut out, &y_ticks, sy, tick_number, left, plot_w);
    // x ticks.
    for &e in &x_ticks {
        let v = 2f64.powi(e);
        x_tick(&mut out, sx(v), top + plot_h, &(c.x_tick)(v), "");
    }
    axes(
        &mut out,
        (left, top, plot_w, plot_h),
        &c.x_label,
        &c.y_label,
    );
    // Series.
    let mut entries = Vec::new();
    for (i, s, pts) in &series {
        let colour = PALETTE[i % PALETTE.len()];
        let dash = DASHES[(i / PALETTE.len()) % DASHES.len()];
        series_open(&mut out, &s.label);
        if pts.len() > 1 {
            let d: Vec<String> = pts
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    format!(
                        "{}{:.1} {:.1}",
                        if k == 0 { "M" } else { "L" },
                        sx(p.x),
                        sy(p.y)
                    )
                })
                .collect();
            let _ = write!(
                out,
                r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
                d.join("")
            );
        }
        for p in pts {
            let (x, y) = (sx(p.x), sy(p.y));
            if let Some((lo, hi)) = p.whisker.filter(|(a, b)| a.is_finite() && b.is_finite()) {
                let (ylo, yhi) = (sy(lo), sy(hi));
                let _ = write!(
                    out,
                    r#"<path d="M{x:.1} {ylo:.1}V{yhi:.1}M{:.1} {ylo:.1}H{:.1}M{:.1} {yhi:.1}H{:.1}" stroke="{colour}" fill="none"/>"#,
                    x - 3.0,
                    x + 3.0,
                    x - 3.0,
                    x + 3.0
                );
            }
            let _ = write!(
                out,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{colour}"><title>{}</title></circle>"#,
                escape(&p.tip)
            );
        }
        out.push_str("</g>");
        entries.push((line_swatch(colour, dash), s.label.clone()));
    }
    let legend_top = top + plot_h + 52.0;
    end_with_legend_and_notes(out, &entries, &notes, legend_top, left)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{no_numbers_are_nan, svg};
    use super::*;

    fn n_tick(x: f64) -> String {
        tick_number(x)
    }

    fn line(series: Vec<Series>) -> LineChart {
        LineChart {
            id: "t".into(),
            title: "WA vs N".into(),
            x_label: "N".into(),
            y_label: "WA (×)".into(),
            x_tick: n_tick,
            series,
            notes: vec![],
        }
    }

    fn pt(x: f64, y: f64) -> Point {
        Point {
            x,
            y,
            whisker: None,
            tip: format!("{x}: {y}"),
        }
    }

    #[test]
    fn empty_line_chart_is_no_data_not_a_zero_line() {
        assert!(matches!(line_chart(&line(vec![])), Chart::NoData(_)));
        let empty = Series {
            label: "gomap".into(),
            points: vec![],
        };
        assert!(matches!(line_chart(&line(vec![empty])), Chart::NoData(_)));
        let only_bad = Series {
            label: "gomap".into(),
            points: vec![pt(0.0, 1.0), pt(1024.0, f64::NAN)],
        };
        match line_chart(&line(vec![only_bad])) {
            Chart::NoData(why) => assert!(why.contains("left out"), "{why}"),
            Chart::Svg(s) => panic!("drew {s}"),
        }
    }

    #[test]
    fn one_point_and_flat_zero_series_draw() {
        let one = svg(line_chart(&line(vec![Series {
            label: "gomap".into(),
            points: vec![pt(1024.0, 2.0)],
        }])));
        assert!(one.contains("<circle"), "{one}");
        let group = &one[one.find("<g class=\"series\">").unwrap()..];
        let group = &group[..group.find("</g>").unwrap()];
        assert!(
            !group.contains("<path"),
            "a single point is not a line: {group}"
        );
        no_numbers_are_nan(&one);
        let zeros = svg(line_chart(&line(vec![Series {
            label: "gomap".into(),
            points: vec![pt(512.0, 0.0), pt(1024.0, 0.0)],
        }])));
        no_numbers_are_nan(&zeros);
        assert!(zeros.contains("<title id=\"t-title\">WA vs N</title>"));
    }

    #[test]
    fn dropped_points_are_noted() {
        let s = svg(line_chart(&line(vec![Series {
            label: "gomap".into(),
            points: vec![pt(1024.0, 1.0), pt(2048.0, f64::INFINITY), pt(-1.0, 2.0)],
        }])));
        assert!(s.contains("2 point(s) with a non-finite value"), "{s}");
    }

    #[test]
    fn chart_text_is_escaped() {
        let s = svg(line_chart(&LineChart {
            title: "<script>alert(1)</script>".into(),
            series: vec![Series {
                label: "\"><script>x</script>".into(),
                points: vec![Point {
                    tip: "a & b <c>".into(),
                    ..pt(8.0, 1.0)
                }],
            }],
            ..line(vec![])
        }));
        assert!(!s.contains("<script"), "{s}");
        assert!(s.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(s.contains("a &amp; b &lt;c&gt;"));
    }
}
