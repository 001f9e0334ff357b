//! Stacked horizontal bars: one bar per row, one segment per kind (the
//! report's bytes per copy path, per cell). A row without figures prints
//! `n/a (reason)`; a measured zero prints `0`.

use super::{label_margin, legend_and_notes, tick_number, Chart, Row, AXIS, GRID, WIDTH};
use super::{linear_ticks, na_text, no_rows_reason, row_label, svg_open};
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
    let legend_rows = if with_legend {
        used.len().div_ceil(3) as f64
    } else {
        0.0
    };
    let height = top + plot_h + 56.0 + 16.0 * legend_rows + 14.0 * notes.len() as f64 + 8.0;
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
        let x = left + sx(t);
        let _ = write!(
            out,
            r#"<line x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{:.1}" stroke="{GRID}"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            top + plot_h + 4.0,
            top + plot_h + 16.0,
            escape(&tick_number(t))
        );
    }
    for (i, r) in c.rows.iter().enumerate() {
        let y = top + step * i as f64 + step / 2.0;
        row_label(&mut out, r, left - 6.0, y, max_chars);
        let values = match &r.values {
            Ok(v) => v,
            Err(why) => {
                na_text(&mut out, left, y, why);
                continue;
            }
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
        top + plot_h + 32.0,
        escape(&c.x_label)
    );
    let entries: Vec<(String, String)> = used
        .iter()
        .filter(|_| with_legend)
        .map(|s| (rect_swatch(s.colour), s.name.clone()))
        .collect();
    let legend_top = top + plot_h + 50.0;
    legend_and_notes(&mut out, &entries, &notes, legend_top, 8.0);
    out.push_str("</svg>");
    Chart::Svg(out)
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
