//! SVG drawing primitives for the report's charts: a line chart over a log2
//! x-axis, stacked horizontal bars, and a dot plot over a log10 x-axis.
//!
//! Each takes plain data (labels, numbers, reasons) and returns a
//! self-contained `<svg>` string: presentation attributes only (no CSS or
//! JavaScript needed to draw it), a `<title>` and `<desc>` for screen
//! readers, a `<title>` on every mark for its exact value, axes with ticks
//! and labels, and a legend. Every text from data goes through
//! [`escape`].
//!
//! Degenerate data never panics and never draws a made-up figure: a chart
//! with nothing to draw is [`Chart::NoData`] with the reason; values a scale
//! cannot show (non-finite, or ≤ 0 on a log axis) are left out and a note
//! under the chart says how many; a single point or a flat series gets a
//! padded domain; a row without figures prints `n/a (reason)` instead of a bar.
//!
//! | module | draws |
//! |---|---|
//! | [`line`](mod@line) | [`line_chart`]: series over a log2 x-axis, optional whiskers |
//! | [`bars`] | [`stacked_bars`]: one stacked horizontal bar per row |
//! | [`category`] | [`category_chart`]: series over named, ordered categories (Go releases), solid or dashed |
//! | [`dots`] | [`dot_plot`]: marks per row over a log10 x-axis |
//! | [`timeline`](mod@timeline) | [`timeline::timeline`]: latency per operation over its index, growth spans shaded |
//!
//! This file holds what they share: the palette, scales and ticks, the
//! `<svg>` opening with its accessible title, axes and ticks, legends, notes
//! and row labels, the rows of the row charts and how a chart ends.
//!
//! Why hand-made rather than a charting crate or an XML writer such as
//! quick-xml: the charts are three small kinds whose every detail (log
//! scales, whiskers, `n/a (reason)` rows, notes on left-out values, an
//! accessible `<title>` per mark) is the report's own, and a charting crate
//! would still need all of it configured; escaping, the thing an XML writer
//! makes structural, goes through one function ([`escape`]) that the tests
//! feed hostile labels (`<script>`, quotes, `&`). The output is
//! deterministic text that the golden files pin byte for byte.

pub mod bars;
pub mod category;
pub mod dots;
pub mod line;
pub mod timeline;

pub use bars::{stacked_bars, Segment, StackedBars};
pub use category::{category_chart, CategoryChart, CategoryPoint, CategorySeries};
pub use dots::{dot_plot, DotPlot, Mark, Shape};
pub use line::{line_chart, LineChart, Point, Series};

use super::escaping::escape;
use super::format::number;
use std::fmt::Write as _;

/// A chart, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chart {
    /// The SVG text.
    Svg(String),
    /// Nothing to draw, and why.
    NoData(String),
}

/// Colours for series: Okabe–Ito (distinguishable with common colour-vision
/// deficiencies), yellow swapped for a darker olive that reads on white.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933",
];

const WIDTH: f64 = 640.0; // every chart's width in px; heights follow the content
const FONT: &str = r##"font-family="system-ui, sans-serif" font-size="11" fill="#222""##; // on the root <svg>
const AXIS: &str = "#444"; // axis lines and tick marks
const GRID: &str = "#e3e3e3"; // grid lines, and a dot plot's row range
const MUTED: &str = "#666"; // notes and n/a texts

/// One row of a bar or dot chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Short label printed left of the row.
    pub label: String,
    /// Full description (tooltip), e.g. the cell id.
    pub tip: String,
    /// One value per segment or mark, or why the row has none.
    pub values: Result<Vec<f64>, String>,
}

/// A tick label: [`number`] without trailing zeros (`0.2`, `2.5`, `1,024`).
pub fn tick_number(x: f64) -> String {
    let s = number(x);
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Cuts `s` to `max` characters, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A "nice" tick step (1, 2 or 5 × 10^k) giving about `ticks` intervals over `span`.
fn nice_step(span: f64, ticks: f64) -> f64 {
    let raw = span / ticks;
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// A linear domain covering `lo..hi` and 0, rounded to nice ticks.
fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (mut lo, mut hi) = (lo.min(0.0), hi.max(0.0));
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }
    let step = nice_step(hi - lo, 5.0);
    lo = (lo / step).floor() * step;
    hi = (hi / step).ceil() * step;
    let n = ((hi - lo) / step).round() as usize;
    (0..=n).map(|i| lo + i as f64 * step).collect()
}

/// Integer exponents of a log axis covering `lo..=hi` (both > 0) with at
/// least `pad` (in exponents) to spare at each end, at least two ticks, and
/// ticks thinned to at most about 9.
fn log_ticks(lo: f64, hi: f64, base: f64, pad: f64) -> (i32, i32, Vec<i32>) {
    let mut e_lo = (lo.ln() / base.ln() - pad).floor() as i32;
    let mut e_hi = (hi.ln() / base.ln() + pad).ceil() as i32;
    if e_lo == e_hi {
        e_lo -= 1;
        e_hi += 1;
    }
    let step = ((e_hi - e_lo) as f64 / 8.0).ceil().max(1.0) as usize;
    let ticks = (e_lo..=e_hi).step_by(step).collect();
    (e_lo, e_hi, ticks)
}

fn svg_open(out: &mut String, id: &str, height: f64, title: &str, desc: &str) {
    let id = escape(id);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:.0}" width="{WIDTH}" height="{height:.0}" role="img" aria-labelledby="{id}-title {id}-desc" {FONT}>"#
    );
    let _ = write!(
        out,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(desc)
    );
    let _ = write!(
        out,
        r#"<text x="8" y="18" font-size="13" font-weight="bold">{}</text>"#,
        escape(title)
    );
}

/// Horizontal grid lines at `ticks` (drawn at `sy(tick)`) across a plot
/// area from `left`, `width` wide, each labelled `label(tick)` left of the
/// axis.
fn y_grid(
    out: &mut String,
    ticks: &[f64],
    sy: impl Fn(f64) -> f64,
    label: impl Fn(f64) -> String,
    left: f64,
    width: f64,
) {
    for &t in ticks {
        let y = sy(t);
        let _ = write!(
            out,
            r#"<line x1="{left:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{GRID}"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left + width,
            left - 6.0,
            y + 4.0,
            escape(&label(t))
        );
    }
}

/// A mark of the x-axis at `x`: a vertical line `(y1, y2, stroke)` and
/// `label` centred under it at `label_y`, with `attrs` on its `<text>`.
fn x_mark(
    out: &mut String,
    x: f64,
    line: (f64, f64, &str),
    label_y: f64,
    label: &str,
    attrs: &str,
) {
    let (y1, y2, stroke) = line;
    let _ = write!(
        out,
        r#"<line x1="{x:.1}" y1="{y1:.1}" x2="{x:.1}" y2="{y2:.1}" stroke="{stroke}"/><text{attrs} x="{x:.1}" y="{label_y:.1}" text-anchor="middle">{}</text>"#,
        escape(label)
    );
}

/// A tick mark at `x` under the x-axis line at `bottom`, labelled under it;
/// `attrs` go on the label's `<text>` (e.g. a class): the series charts.
fn x_tick(out: &mut String, x: f64, bottom: f64, label: &str, attrs: &str) {
    x_mark(
        out,
        x,
        (bottom, bottom + 5.0, AXIS),
        bottom + 17.0,
        label,
        attrs,
    );
}

/// A grid line at `x` across a plot area from `top` to `bottom`, labelled
/// under it: the row charts (bars, dots).
fn x_grid_line(out: &mut String, x: f64, top: f64, bottom: f64, label: &str) {
    x_mark(out, x, (top, bottom + 4.0, GRID), bottom + 16.0, label, "");
}

/// A chart's height: the plot area from `top`, `plot_h` high, then the
/// x-axis, the legend's lines and the notes.
fn chart_height(top: f64, plot_h: f64, legend_entries: usize, notes: usize) -> f64 {
    let legend_rows = legend_entries.div_ceil(LEGEND_PER_LINE) as f64;
    top + plot_h + 56.0 + 16.0 * legend_rows + 14.0 * notes as f64 + 8.0
}

/// Opens a series' group, titled with its label (closed by `</g>`).
fn series_open(out: &mut String, label: &str) {
    let _ = write!(out, r#"<g class="series"><title>{}</title>"#, escape(label));
}

/// The legend at `top` and, below it, the notes, then the closing tag: how
/// every chart but the timeline ends.
fn end_with_legend_and_notes(
    mut out: String,
    entries: &[(String, String)],
    notes: &[String],
    top: f64,
    left: f64,
) -> Chart {
    let used = legend(&mut out, entries, top, left);
    notes_block(&mut out, notes, top + used - 8.0);
    out.push_str("</svg>");
    Chart::Svg(out)
}

/// The axis lines of a plot area `(left, top, width, height)` (its left
/// and bottom edges) and the x-axis label centred `label_below` under it.
fn frame(
    out: &mut String,
    (left, top, plot_w, plot_h): (f64, f64, f64, f64),
    x: &str,
    label_below: f64,
) {
    let _ = write!(
        out,
        r#"<path d="M{left:.1} {top:.1}V{:.1}H{:.1}" fill="none" stroke="{AXIS}"/>"#,
        top + plot_h,
        left + plot_w
    );
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        left + plot_w / 2.0,
        top + plot_h + label_below,
        escape(x)
    );
}

/// The x and y axis lines of a plot area `(left, top, width, height)`, the
/// x-axis label under its tick labels and the y-axis label turned upright.
fn axes(out: &mut String, plot: (f64, f64, f64, f64), x: &str, y: &str) {
    frame(out, plot, x, 34.0);
    let (_, top, _, plot_h) = plot;
    let _ = write!(
        out,
        r#"<text transform="translate(14,{:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        top + plot_h / 2.0,
        escape(y)
    );
}

fn notes_block(out: &mut String, notes: &[String], top: f64) {
    for (i, note) in notes.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text x="8" y="{:.1}" fill="{MUTED}" font-style="italic">{}</text>"#,
            top + 12.0 + 14.0 * i as f64,
            escape(&truncate(note, 110))
        );
    }
}

/// Legend entries per line.
const LEGEND_PER_LINE: usize = 3;

/// Legend entries laid out three per line from `top`; returns the height used.
fn legend(out: &mut String, entries: &[(String, String)], top: f64, left: f64) -> f64 {
    const COLUMN: f64 = 200.0;
    for (i, (swatch, label)) in entries.iter().enumerate() {
        let x = left + COLUMN * (i % LEGEND_PER_LINE) as f64;
        let y = top + 16.0 * (i / LEGEND_PER_LINE) as f64;
        let _ = write!(
            out,
            r#"<g transform="translate({x:.1},{y:.1})">{swatch}<text x="22" y="4">{}</text></g>"#,
            escape(&truncate(label, 30))
        );
    }
    16.0 * entries.len().div_ceil(LEGEND_PER_LINE) as f64
}

/// Left margin for row labels: room for the longest (truncated) label.
fn label_margin(rows: &[Row]) -> (f64, usize) {
    const MAX_CHARS: usize = 40;
    let longest = rows
        .iter()
        .map(|r| r.label.chars().count().min(MAX_CHARS))
        .max()
        .unwrap_or(0);
    ((12.0 + 6.2 * longest as f64).clamp(60.0, 270.0), MAX_CHARS)
}

fn row_label(out: &mut String, r: &Row, x: f64, y: f64, max: usize) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{:.1}" text-anchor="end"><title>{}</title>{}</text>"#,
        y + 4.0,
        escape(&r.tip),
        escape(&truncate(&r.label, max))
    );
}

/// Labels row `r` at height `y` (right-aligned at `left - 6`); its values,
/// or `None` after printing its `n/a (reason)` at `left`.
fn row_values<'a>(
    out: &mut String,
    r: &'a Row,
    left: f64,
    y: f64,
    max_chars: usize,
) -> Option<&'a [f64]> {
    row_label(out, r, left - 6.0, y, max_chars);
    match &r.values {
        Ok(v) => Some(v),
        Err(why) => {
            na_text(out, left, y, why);
            None
        }
    }
}

fn na_text(out: &mut String, x: f64, y: f64, reason: &str) {
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{:.1}" fill="{MUTED}" font-style="italic">{}</text>"#,
        x + 4.0,
        y + 4.0,
        escape(&truncate(&format!("n/a ({reason})"), 70))
    );
}

/// A series chart with nothing to draw: why, with its notes (points left out).
fn no_figures(title: &str, notes: &[String]) -> Chart {
    let mut why = format!("{title}: no figures to draw");
    if !notes.is_empty() {
        why = format!("{why} ({})", notes.join(" "));
    }
    Chart::NoData(why)
}

/// Ticks of a linear axis covering `values` and 0 (see [`linear_ticks`]).
fn linear_ticks_over(values: &[f64]) -> Vec<f64> {
    linear_ticks(
        values.iter().copied().fold(f64::INFINITY, f64::min),
        values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    )
}

fn no_rows_reason(title: &str, rows: &[Row]) -> String {
    let mut reasons: Vec<&str> = Vec::new();
    for r in rows {
        if let Err(why) = &r.values {
            if !reasons.contains(&why.as_str()) {
                reasons.push(why);
            }
        }
    }
    if reasons.is_empty() {
        format!("{title}: no figures to draw")
    } else {
        format!("{title}: no figures to draw ({})", reasons.join("; "))
    }
}

#[cfg(test)]
mod testing {
    //! Helpers shared by the chart tests.
    use super::{Chart, Row};

    /// The SVG of a drawn chart.
    pub fn svg(c: Chart) -> String {
        match c {
            Chart::Svg(s) => s,
            Chart::NoData(why) => panic!("expected a chart, got no data: {why}"),
        }
    }

    /// No coordinate or label came out as NaN or infinity.
    pub fn no_numbers_are_nan(s: &str) {
        assert!(!s.contains("NaN") && !s.contains("inf"), "{s}");
    }

    /// A row labelled `label`.
    pub fn row(label: &str, values: Result<Vec<f64>, String>) -> Row {
        Row {
            label: label.into(),
            tip: label.into(),
            values,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_cover_zero() {
        let labels = |t: Vec<f64>| t.into_iter().map(tick_number).collect::<Vec<_>>();
        assert_eq!(
            labels(linear_ticks(0.0, 0.0)),
            ["0", "0.2", "0.4", "0.6", "0.8", "1"]
        );
        assert_eq!(
            labels(linear_ticks(1.0, 4.3)),
            ["0", "1", "2", "3", "4", "5"]
        );
        let (lo, hi, t) = log_ticks(1024.0, 1024.0, 2.0, 0.0);
        assert_eq!((lo, hi, t), (9, 11, vec![9, 10, 11]));
        let (lo, hi, _) = log_ticks(1000.0, 1000.0, 2.0, 0.25);
        assert_eq!((lo, hi), (9, 11), "1000 sits inside, not on the edge");
        let (lo, hi, _) = log_ticks(1024.0, 65536.0, 2.0, 0.25);
        assert_eq!((lo, hi), (9, 17));
        let (lo, hi, t) = log_ticks(1.0, 1e9, 10.0, 0.0);
        assert_eq!((lo, hi), (0, 9));
        assert!(t.len() <= 10, "{t:?}");
    }

    #[test]
    fn truncation_and_tick_numbers() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(tick_number(0.2), "0.2");
        assert_eq!(tick_number(2.5), "2.5");
        assert_eq!(tick_number(1024.0), "1,024");
        assert_eq!(tick_number(3.0), "3");
    }
}
