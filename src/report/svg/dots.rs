//! Dot plots: a row of marks per cell over a log10 x-axis (the report's
//! latency percentiles). Marks differ in shape and colour; values ≤ 0 are
//! left out with a note, since a log axis cannot show them.

use super::{chart_height, end_with_legend_and_notes, frame, label_margin, log_ticks, na_text};
use super::{no_rows_reason, row_values, svg_open, x_grid_line, Chart, Row, GRID, WIDTH};
use crate::report::escaping::escape;
use std::fmt::Write as _;

/// A mark shape of a dot plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// ●
    Circle,
    /// ■
    Square,
    /// ◆
    Diamond,
    /// ▲
    Triangle,
}

/// One mark kind of a dot plot (legend entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Name.
    pub name: String,
    /// Colour.
    pub colour: &'static str,
    /// Shape.
    pub shape: Shape,
}

/// Rows of marks over a log10 x-axis.
#[derive(Clone, Debug)]
pub struct DotPlot {
    /// Unique element id prefix.
    pub id: String,
    /// Title.
    pub title: String,
    /// x-axis label (with unit).
    pub x_label: String,
    /// Tick label of an x value.
    pub x_tick: fn(f64) -> String,
    /// Mark kinds.
    pub marks: Vec<Mark>,
    /// Rows; each row's values align with `marks`.
    pub rows: Vec<Row>,
    /// Notes printed under the chart.
    pub notes: Vec<String>,
}

fn shape(out: &mut String, s: Shape, x: f64, y: f64, colour: &str, tip: &str) {
    let tip = escape(tip);
    let _ = match s {
        Shape::Circle => write!(
            out,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="{colour}"><title>{tip}</title></circle>"#
        ),
        Shape::Square => write!(
            out,
            r#"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{colour}"><title>{tip}</title></rect>"#,
            x - 3.5,
            y - 3.5
        ),
        Shape::Diamond => write!(
            out,
            r#"<path d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z" fill="{colour}"><title>{tip}</title></path>"#,
            y - 5.0,
            x + 5.0,
            y + 5.0,
            x - 5.0
        ),
        Shape::Triangle => write!(
            out,
            r#"<path d="M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z" fill="{colour}"><title>{tip}</title></path>"#,
            y - 5.0,
            x + 5.0,
            y + 4.0,
            x - 5.0,
            y + 4.0
        ),
    };
}

fn shape_swatch(s: Shape, colour: &str) -> String {
    let mut out = String::new();
    shape(&mut out, s, 8.0, 0.0, colour, "");
    out.replace("<title></title>", "")
}

/// Draws a dot plot over a log10 axis (see [`DotPlot`]).
pub fn dot_plot(c: &DotPlot) -> Chart {
    let drawable = |v: &f64| v.is_finite() && *v > 0.0;
    let values: Vec<f64> = c
        .rows
        .iter()
        .filter_map(|r| r.values.as_ref().ok())
        .flatten()
        .copied()
        .collect();
    let positive: Vec<f64> = values.iter().copied().filter(drawable).collect();
    if positive.is_empty() {
        let mut why = no_rows_reason(&c.title, &c.rows);
        if !values.is_empty() {
            why.push_str(" (no value > 0 to place on a log axis)");
        }
        return Chart::NoData(why);
    }
    let mut notes = c.notes.clone();
    if positive.len() < values.len() {
        notes.push(format!(
            "{} value(s) ≤ 0 or non-finite left out (a log axis cannot show them).",
            values.len() - positive.len()
        ));
    }
    let lo = positive.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = positive.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (e_lo, e_hi, ticks) = log_ticks(lo, hi, 10.0, 0.0);
    let (left, max_chars) = label_margin(&c.rows);
    let (right, top, step) = (24.0, 34.0, 22.0);
    let plot_w = WIDTH - left - right;
    let plot_h = step * c.rows.len() as f64;
    let sx = |v: f64| left + (v.log10() - e_lo as f64) / (e_hi - e_lo) as f64 * plot_w;
    let height = chart_height(top, plot_h, c.marks.len(), notes.len());
    let desc = format!(
        "Dot plot, one row per cell ({} rows); x: {} on a log10 scale, {} to {}. Marks: {}.",
        c.rows.len(),
        c.x_label,
        (c.x_tick)(10f64.powi(e_lo)),
        (c.x_tick)(10f64.powi(e_hi)),
        c.marks
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut out = String::new();
    svg_open(&mut out, &c.id, height, &c.title, &desc);
    for &e in &ticks {
        let v = 10f64.powi(e);
        x_grid_line(&mut out, sx(v), top, top + plot_h, &(c.x_tick)(v));
    }
    for (i, r) in c.rows.iter().enumerate() {
        let y = top + step * i as f64 + step / 2.0;
        let Some(values) = row_values(&mut out, r, left, y, max_chars) else {
            continue;
        };
        let shown: Vec<(usize, f64)> = values
            .iter()
            .copied()
            .enumerate()
            .filter(|(k, v)| drawable(v) && *k < c.marks.len())
            .collect();
        if shown.is_empty() {
            na_text(&mut out, left, y, "no value > 0");
            continue;
        }
        let (min, max) = shown
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(a, b), (_, v)| {
                (a.min(*v), b.max(*v))
            });
        let _ = write!(
            out,
            r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{GRID}" stroke-width="2"/>"#,
            sx(min),
            sx(max)
        );
        for (k, v) in shown {
            let m = &c.marks[k];
            let tip = format!("{}: {}", m.name, (c.x_tick)(v));
            shape(&mut out, m.shape, sx(v), y, m.colour, &tip);
        }
    }
    frame(&mut out, (left, top, plot_w, plot_h), &c.x_label, 32.0);
    let entries: Vec<(String, String)> = c
        .marks
        .iter()
        .map(|m| (shape_swatch(m.shape, m.colour), m.name.clone()))
        .collect();
    let legend_top = top + plot_h + 50.0;
    end_with_legend_and_notes(out, &entries, &notes, legend_top, 8.0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{no_numbers_are_nan, row, svg};
    use super::super::{tick_number, PALETTE};
    use super::*;

    fn n_tick(x: f64) -> String {
        tick_number(x)
    }

    fn dots(rows: Vec<Row>) -> DotPlot {
        DotPlot {
            id: "d".into(),
            title: "latency".into(),
            x_label: "ns".into(),
            x_tick: n_tick,
            marks: vec![
                Mark {
                    name: "p50".into(),
                    colour: PALETTE[0],
                    shape: Shape::Circle,
                },
                Mark {
                    name: "max".into(),
                    colour: PALETTE[1],
                    shape: Shape::Triangle,
                },
            ],
            rows,
            notes: vec![],
        }
    }

    #[test]
    fn dot_plot_degenerate_cases() {
        assert!(matches!(dot_plot(&dots(vec![])), Chart::NoData(_)));
        assert!(matches!(
            dot_plot(&dots(vec![row("zero", Ok(vec![0.0, 0.0]))])),
            Chart::NoData(_)
        ));
        let one = svg(dot_plot(&dots(vec![
            row("same", Ok(vec![100.0, 100.0])),
            row("zero", Ok(vec![0.0, 0.0])),
            row("missing", Err("latency skipped".into())),
        ])));
        no_numbers_are_nan(&one);
        assert!(one.contains("n/a (latency skipped)"), "{one}");
        assert!(one.contains("n/a (no value &gt; 0)"), "{one}");
        assert!(
            one.contains("2 value(s) ≤ 0 or non-finite left out"),
            "{one}"
        );
    }
}
