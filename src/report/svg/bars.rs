//! Stacked horizontal bars: one bar per row, one segment per kind (the
//! report's bytes per copy path, per cell). A row without figures prints
//! `n/a (reason)`; a measured zero prints `0`.

use super::{chart_height, end_with_legend_and_notes, frame, label_margin, linear_ticks};
use super::{no_rows_reason, row_values, svg_open, tick_number, x_grid_line, Chart, Row, WIDTH};
use crate::report::escaping::escape;
use crate::report::format::number;
use std::fmt::Write as _;

/// One segment kind of a stacked bar (legend entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Name.
    pub name: String,
    /// Fill colour.
    pub colour: &'static str,
}

/// Horizontal bars, one per row, stacked from segments.
#[derive(Clone, Debug)]
pub struct StackedBars {
    /// Unique element id prefix.
    pub id: String,
    /// Title.
    pub title: String,
    /// x-axis label (with unit).
    pub x_label: String,
    /// Unit printed after values (`B/op`).
    pub unit: String,
    /// Segment kinds, in stacking order.
    pub segments: Vec<Segment>,
    /// Rows.
    pub rows: Vec<Row>,
    /// Notes printed under the chart.
    pub notes: Vec<String>,
}

fn rect_swatch(colour: &str) -> String {
    format!(r#"<rect x="2" y="-5" width="12" height="10" fill="{colour}"/>"#)
}

/// Draws stacked horizontal bars (see [`StackedBars`]).
pub fn stacked_bars(c: &StackedBars) -> Chart {
    let valid = |v: &f64| v.is_finite() && *v >= 0.0;
    if !c.rows.iter().any(|r| r.values.is_ok()) {
        return Chart::NoData(no_rows_reason(&c.title, &c.rows));
    }
    let mut notes = c.notes.clone();
    let bad = c
        .rows
        .iter()
        .filter_map(|r| r.values.as_ref().ok())
        .flatten()
        .filter(|v| !valid(v))
        .count();
    if bad > 0 {
        notes.push(format!("{bad} negative or non-finite value(s) left out."));
    }
    let totals: Vec<f64> = c
        .rows
        .iter()
        .map(|r| match &r.values {
            Ok(v) => v.iter().filter(|x| valid(x)).sum(),
            Err(_) => 0.0,
        })
        .collect();
    let ticks = linear_ticks(0.0, totals.iter().copied().fold(0.0, f64::max));
    let x_max = ticks[ticks.len() - 1];
    let (left, max_chars) = label_margin(&c.rows);
    let (right, top, step, bar_h) = (80.0, 34.0, 22.0, 14.0);
    let plot_w = WIDTH - left - right;
    let plot_h = step * c.rows.len() as f64;
    let sx = |v: f64| v / x_max * plot_w;
    let used: Vec<&Segment> = c
        .segments
        .iter()
        .enumerate()
        .filter(|(k, _)| {
            c.rows.iter().any(|r| match &r.values {
                Ok(v) => v.get(*k).is_some_and(|x| valid(x) && *x > 0.0),
                Err(_) => false,
            })
        })
        .map(|(_, s)| s)
        .collect();
    // One segment kind: the axis label already says what the bars are.
    let with_legend = c.segments.len() > 1;
    let legend_entries = if with_legend { used.len() } else { 0 };
    let height = chart_height(top, plot_h, legend_entries, notes.len());
    let desc = format!(
        "Stacked horizontal bars, one per row ({} rows); x: {}, 0 to {}. Segments: {}.",
        c.rows.len(),
        c.x_label,
        tick_number(x_max),
        c.segments
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut out = String::new();
    svg_open(&mut out, &c.id, height, &c.title, &desc);
    for &t in &ticks {
        x_grid_line(&mut out, left + sx(t), top, top + plot_h, &tick_number(t));
    }
    for (i, r) in c.rows.iter().enumerate() {
        let y = top + step * i as f64 + step / 2.0;
        let Some(values) = row_values(&mut out, r, left, y, max_chars) else {
            continue;
        };
        let mut x = left;
        for (k, v) in values.iter().enumerate() {
            if !valid(v) || *v == 0.0 {
                continue;
            }
            let Some(seg) = c.segments.get(k) else {
                continue;
            };
            let w = sx(*v);
            let share = if totals[i] > 0.0 { v / totals[i] } else { 0.0 };
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{:.1}" width="{w:.1}" height="{bar_h}" fill="{}"><title>{}</title></rect>"#,
                y - bar_h / 2.0,
                seg.colour,
                escape(&format!(
                    "{}: {} {} ({:.1}%)",
                    seg.name,
                    number(*v),
                    c.unit,
                    share * 100.0
                ))
            );
            x += w;
        }
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            x + 4.0,
            y + 4.0,
            escape(&format!("{} {}", number(totals[i]), c.unit))
        );
    }
    frame(&mut out, (left, top, plot_w, plot_h), &c.x_label, 32.0);
    let entries: Vec<(String, String)> = used
        .iter()
        .filter(|_| with_legend)
        .map(|s| (rect_swatch(s.colour), s.name.clone()))
        .collect();
    let legend_top = top + plot_h + 50.0;
    end_with_legend_and_notes(out, &entries, &notes, legend_top, 8.0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{no_numbers_are_nan, row, svg};
    use super::super::PALETTE;
    use super::*;

    fn bars(rows: Vec<Row>) -> StackedBars {
        StackedBars {
            id: "b".into(),
            title: "bytes per path".into(),
            x_label: "bytes per op".into(),
            unit: "B/op".into(),
            segments: vec![
                Segment {
                    name: "assign".into(),
                    colour: PALETTE[0],
                },
                Segment {
                    name: "zero_fill".into(),
                    colour: PALETTE[1],
                },
            ],
            rows,
            notes: vec![],
        }
    }

    #[test]
    fn bars_without_figures_are_no_data_with_the_reason() {
        assert!(matches!(stacked_bars(&bars(vec![])), Chart::NoData(_)));
        match stacked_bars(&bars(vec![row("a", Err("accounting skipped".into()))])) {
            Chart::NoData(why) => assert!(why.contains("accounting skipped"), "{why}"),
            Chart::Svg(s) => panic!("drew {s}"),
        }
    }

    #[test]
    fn bars_all_zero_and_missing_rows_draw_without_nan() {
        let s = svg(stacked_bars(&bars(vec![
            row("zero", Ok(vec![0.0, 0.0])),
            row("missing", Err("accounting unavailable".into())),
            row("bad", Ok(vec![f64::NAN, 3.0])),
        ])));
        no_numbers_are_nan(&s);
        assert!(s.contains("n/a (accounting unavailable)"), "{s}");
        assert!(s.contains(">0 B/op<"), "a measured zero prints as 0: {s}");
        assert!(
            s.contains("1 negative or non-finite value(s) left out"),
            "{s}"
        );
        assert_eq!(
            s.matches("<rect x=\"").count() - 1,
            1,
            "one drawn segment (plus one legend swatch)"
        );
    }
}
