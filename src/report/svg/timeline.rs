//! The write timeline: latency over operation index on a log10 y-axis, one
//! vertical bar per column (min to max latency of its operations, coloured
//! by the copy path of its slowest one), growth spans shaded behind (one
//! `<rect class="growth-span">` each), and a legend.

use super::{axes, chart_height, legend, linear_ticks, log_ticks, notes_block, svg_open};
use super::{tick_number, x_tick, y_grid, Chart, WIDTH};
use crate::report::escaping::escape;
use std::fmt::Write as _;

/// One drawn column.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// First operation index (x).
    pub x0: f64,
    /// One past the last operation index.
    pub x1: f64,
    /// Smallest latency (y, > 0 to be drawn).
    pub lo: f64,
    /// Largest latency.
    pub hi: f64,
    /// Colour (of the path that dominated the slowest operation).
    pub colour: &'static str,
}

/// A shaded span over operation indices.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// First operation index.
    pub x0: f64,
    /// One past the last operation index.
    pub x1: f64,
    /// Tooltip.
    pub tip: String,
}

/// A timeline chart.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// Unique element id prefix (ASCII, from the renderer).
    pub id: String,
    /// Title.
    pub title: String,
    /// Operations on the x-axis (its domain is `0..ops`).
    pub ops: f64,
    /// Columns, in x order.
    pub bars: Vec<Bar>,
    /// Growth spans.
    pub spans: Vec<Span>,
    /// Legend: (colour, label) per path drawn.
    pub legend: Vec<(&'static str, String)>,
    /// Tick label of a latency in ns.
    pub y_tick: fn(f64) -> String,
    /// Notes under the chart.
    pub notes: Vec<String>,
}

const SPAN_FILL: &str = "#888";

fn swatch(colour: &str, opacity: f64) -> String {
    format!(
        r#"<rect x="2" y="-5" width="12" height="10" fill="{colour}" fill-opacity="{opacity}"/>"#
    )
}

/// Draws a timeline (see [`Timeline`]).
pub fn timeline(c: &Timeline) -> Chart {
    let bars: Vec<&Bar> = c
        .bars
        .iter()
        .filter(|b| b.lo.is_finite() && b.hi.is_finite() && b.lo > 0.0 && b.hi >= b.lo)
        .collect();
    if bars.is_empty() || c.ops <= 0.0 {
        return Chart::NoData(format!("{}: no latencies to draw", c.title));
    }
    let mut notes = c.notes.clone();
    if bars.len() < c.bars.len() {
        notes.push(format!(
            "{} column(s) with a latency ≤ 0 left out (a log axis cannot show them).",
            c.bars.len() - bars.len()
        ));
    }
    let lo = bars.iter().map(|b| b.lo).fold(f64::INFINITY, f64::min);
    let hi = bars.iter().map(|b| b.hi).fold(f64::NEG_INFINITY, f64::max);
    let (e_lo, e_hi, y_ticks) = log_ticks(lo, hi, 10.0, 0.0);
    let x_ticks = linear_ticks(0.0, c.ops);
    let x_max = x_ticks[x_ticks.len() - 1];
    let (left, right, top, plot_h) = (70.0, 20.0, 34.0, 200.0);
    let plot_w = WIDTH - left - right;
    let sx = |x: f64| left + x / x_max * plot_w;
    let sy = |y: f64| top + plot_h - (y.log10() - e_lo as f64) / (e_hi - e_lo) as f64 * plot_h;
    let height = chart_height(top, plot_h, c.legend.len() + 1, notes.len());
    let desc = format!(
        "Timeline. x: operation index, 0 to {}. y: latency per operation on a log10 scale, {} to {}. {} columns (min to max of their operations, coloured by the copy path that dominated the slowest one's bytes); {} growth span(s) shaded.",
        tick_number(c.ops),
        (c.y_tick)(10f64.powi(e_lo)),
        (c.y_tick)(10f64.powi(e_hi)),
        bars.len(),
        c.spans.len()
    );
    let mut out = String::new();
    svg_open(&mut out, &c.id, height, &c.title, &desc);
    let y_values: Vec<f64> = y_ticks.iter().map(|&e| 10f64.powi(e)).collect();
    y_grid(&mut out, &y_values, sy, |v| (c.y_tick)(v), left, plot_w);
    for &t in &x_ticks {
        x_tick(&mut out, sx(t), top + plot_h, &tick_number(t), "");
    }
    for s in &c.spans {
        let (x0, x1) = (sx(s.x0), sx(s.x1));
        let _ = write!(
            out,
            r#"<rect class="growth-span" x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{plot_h:.1}" fill="{SPAN_FILL}" fill-opacity="0.25"><title>{}</title></rect>"#,
            (x1 - x0).max(1.0),
            escape(&s.tip)
        );
    }
    // One path per colour: a vertical stroke per column.
    let mut colours: Vec<&str> = Vec::new();
    for b in &bars {
        if !colours.contains(&b.colour) {
            colours.push(b.colour);
        }
    }
    let width = (plot_w * (bars[0].x1 - bars[0].x0) / x_max).clamp(1.0, 4.0);
    for colour in colours {
        let mut d = String::new();
        for b in bars.iter().filter(|b| b.colour == colour) {
            let x = sx((b.x0 + b.x1) / 2.0);
            let (y_hi, y_lo) = (sy(b.hi), sy(b.lo));
            // A column whose operations all took the same time still shows.
            let _ = write!(d, "M{x:.1} {:.1}V{:.1}", y_lo.max(y_hi + 1.0), y_hi);
        }
        let _ = write!(
            out,
            r#"<path class="columns" d="{d}" stroke="{colour}" stroke-width="{width:.1}" fill="none"/>"#
        );
    }
    axes(
        &mut out,
        (left, top, plot_w, plot_h),
        "operation (write, or a churn's delete)",
        "latency per operation",
    );
    let mut legend_entries: Vec<(String, String)> = c
        .legend
        .iter()
        .map(|(colour, label)| (swatch(colour, 1.0), label.clone()))
        .collect();
    legend_entries.push((swatch(SPAN_FILL, 0.25), "growth span".into()));
    let used = legend(&mut out, &legend_entries, top + plot_h + 50.0, left);
    notes_block(&mut out, &notes, top + plot_h + 50.0 + used);
    out.push_str("</svg>");
    Chart::Svg(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{no_numbers_are_nan, svg};
    use super::*;

    fn chart(spans: usize) -> Timeline {
        Timeline {
            id: "t".into(),
            title: "a <timeline>".into(),
            ops: 100.0,
            bars: (0..10)
                .map(|i| Bar {
                    x0: i as f64 * 10.0,
                    x1: i as f64 * 10.0 + 10.0,
                    lo: 20.0,
                    hi: if i == 5 { 5000.0 } else { 40.0 },
                    colour: if i == 5 { "#D55E00" } else { "#0072B2" },
                })
                .collect(),
            spans: (0..spans)
                .map(|i| Span {
                    x0: i as f64 * 30.0,
                    x1: i as f64 * 30.0 + 5.0,
                    tip: format!("growth {i}"),
                })
                .collect(),
            legend: vec![("#0072B2", "assign".into()), ("#D55E00", "evacuate".into())],
            y_tick: |x| format!("{x} ns"),
            notes: vec![],
        }
    }

    #[test]
    fn draws_one_rect_per_span_and_one_path_per_colour() {
        let s = svg(timeline(&chart(3)));
        no_numbers_are_nan(&s);
        assert_eq!(s.matches(r#"class="growth-span""#).count(), 3);
        assert_eq!(s.matches(r#"class="columns""#).count(), 2);
        assert!(s.contains("a &lt;timeline&gt;"));
        assert!(s.contains("growth span"));
    }

    #[test]
    fn nothing_to_draw_is_no_data() {
        let mut c = chart(0);
        c.bars.clear();
        assert!(matches!(timeline(&c), Chart::NoData(_)));
        let mut c = chart(0);
        for b in &mut c.bars {
            b.lo = 0.0;
        }
        assert!(matches!(timeline(&c), Chart::NoData(_)));
    }
}
