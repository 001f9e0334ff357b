//! Line charts over categories: series over an ordered, evenly spaced
//! x-axis of named points (Go releases, oldest first) and a linear y-axis
//! that includes 0. One `<polyline>` per series of two or more points (a
//! single point draws as a marker only); a series can be drawn dashed (the
//! report draws the real runtimes dashed beside the models' solid lines),
//! and a solid series whose colour index is past the palette is dotted.
//! Points without a figure are left out and a note under the chart says how
//! many and why.

use super::{axes, chart_height, end_with_legend_and_notes, linear_ticks_over, no_figures};
use super::{series_open, svg_open, tick_number, x_tick, y_grid, Chart, PALETTE, WIDTH};
use crate::report::escaping::escape;
use std::fmt::Write as _;

/// A point of a category series: the category's index and its value, or
/// why it has none.
#[derive(Clone, Debug, PartialEq)]
pub struct CategoryPoint {
    /// Index into [`CategoryChart::categories`].
    pub at: usize,
    /// The value, or why there is none.
    pub y: Result<f64, String>,
    /// Tooltip text (the exact figure and where it came from).
    pub tip: String,
}

/// A series over the categories.
#[derive(Clone, Debug, PartialEq)]
pub struct CategorySeries {
    /// Legend label.
    pub label: String,
    /// Drawn dashed.
    pub dashed: bool,
    /// Colour index (into the palette): series that belong together (a
    /// model line and its real runtime's dashed line) share one.
    pub colour: usize,
    /// Points, in any order (drawn in category order).
    pub points: Vec<CategoryPoint>,
}

/// A line chart over named categories.
#[derive(Clone, Debug)]
pub struct CategoryChart {
    /// Unique element id prefix (ASCII, from the renderer, not from data).
    pub id: String,
    /// Title.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label (with unit).
    pub y_label: String,
    /// The categories, in axis order (left to right).
    pub categories: Vec<String>,
    /// The series.
    pub series: Vec<CategorySeries>,
    /// Notes printed under the chart.
    pub notes: Vec<String>,
}

/// A series to draw: its points with a figure as (category, value, tooltip).
type Drawn<'a> = (&'a CategorySeries, Vec<(usize, f64, &'a str)>);

/// Draws a category line chart (see [`CategoryChart`]).
pub fn category_chart(c: &CategoryChart) -> Chart {
    let mut notes = c.notes.clone();
    let mut missing: Vec<String> = Vec::new();
    let mut drawn: Vec<Drawn> = Vec::new();
    for s in &c.series {
        let mut pts: Vec<(usize, f64, &str)> = Vec::new();
        for p in &s.points {
            match &p.y {
                Ok(y) if y.is_finite() && p.at < c.categories.len() => {
                    pts.push((p.at, *y, p.tip.as_str()))
                }
                Ok(_) => missing.push(format!("{} at {}: not a finite figure", s.label, p.at)),
                Err(why) => {
                    let at = c.categories.get(p.at).map_or("?", |s| s.as_str());
                    missing.push(format!("{} at {at}: {why}", s.label));
                }
            }
        }
        pts.sort_by_key(|p| p.0);
        if !pts.is_empty() {
            drawn.push((s, pts));
        }
    }
    if !missing.is_empty() {
        notes.push(format!(
            "{} point(s) without a figure left out: {}",
            missing.len(),
            missing.join("; ")
        ));
    }
    if drawn.is_empty() || c.categories.is_empty() {
        return no_figures(&c.title, &notes);
    }
    let ys: Vec<f64> = drawn
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.1))
        .collect();
    let y_ticks = linear_ticks_over(&ys);
    let (left, right, top, plot_h) = (70.0, 20.0, 34.0, 220.0);
    let plot_w = WIDTH - left - right;
    let (y0, y1) = (y_ticks[0], y_ticks[y_ticks.len() - 1]);
    let step = plot_w / c.categories.len() as f64;
    let sx = |i: usize| left + step * (i as f64 + 0.5);
    let sy = |y: f64| top + plot_h - (y - y0) / (y1 - y0) * plot_h;
    let height = chart_height(top, plot_h, drawn.len(), notes.len());
    let desc = format!(
        "Line chart. x: {}, in order: {}. y: {}, {} to {}. {} series: {}.",
        c.x_label,
        c.categories.join(", "),
        c.y_label,
        tick_number(y0),
        tick_number(y1),
        drawn.len(),
        drawn
            .iter()
            .map(|(s, p)| {
                format!(
                    "{}{} ({} points)",
                    s.label,
                    if s.dashed { ", dashed" } else { "" },
                    p.len()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut out = String::new();
    svg_open(&mut out, &c.id, height, &c.title, &desc);
    y_grid(&mut out, &y_ticks, sy, tick_number, left, plot_w);
    for (i, name) in c.categories.iter().enumerate() {
        x_tick(&mut out, sx(i), top + plot_h, name, r#" class="x-tick""#);
    }
    axes(
        &mut out,
        (left, top, plot_w, plot_h),
        &c.x_label,
        &c.y_label,
    );
    let mut entries = Vec::new();
    for (s, pts) in &drawn {
        let colour = PALETTE[s.colour % PALETTE.len()];
        // Past the palette, colours repeat: a model line is then dotted.
        let dash = if s.dashed {
            "6 3"
        } else if s.colour >= PALETTE.len() {
            "2 2"
        } else {
            ""
        };
        series_open(&mut out, &s.label);
        if pts.len() > 1 {
            let xy: Vec<String> = pts
                .iter()
                .map(|&(i, y, _)| format!("{:.1},{:.1}", sx(i), sy(y)))
                .collect();
            let _ = write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
                xy.join(" ")
            );
        }
        for &(i, y, tip) in pts {
            let _ = write!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{}" stroke="{colour}" stroke-width="1.5"><title>{}</title></circle>"#,
                sx(i),
                sy(y),
                if s.dashed { "#fff" } else { colour },
                escape(tip)
            );
        }
        out.push_str("</g>");
        entries.push((
            format!(
                r#"<line x1="0" y1="0" x2="16" y2="0" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"#
            ),
            s.label.clone(),
        ));
    }
    let legend_top = top + plot_h + 52.0;
    end_with_legend_and_notes(out, &entries, &notes, legend_top, left)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{no_numbers_are_nan, svg};
    use super::*;

    fn chart(series: Vec<CategorySeries>) -> CategoryChart {
        CategoryChart {
            id: "evo".into(),
            title: "heap bytes per entry".into(),
            x_label: "Go release".into(),
            y_label: "B/entry".into(),
            categories: vec!["1.19".into(), "1.26".into(), "1.27split".into()],
            series,
            notes: vec![],
        }
    }

    fn pt(at: usize, y: f64) -> CategoryPoint {
        CategoryPoint {
            at,
            y: Ok(y),
            tip: format!("{at}: {y}"),
        }
    }

    fn series(label: &str, dashed: bool, points: Vec<CategoryPoint>) -> CategorySeries {
        CategorySeries {
            label: label.into(),
            dashed,
            colour: 0,
            points,
        }
    }

    #[test]
    fn one_polyline_per_series_ticks_in_the_given_order() {
        let s = svg(category_chart(&chart(vec![
            series(
                "map[int64]bool",
                false,
                vec![pt(2, 3.0), pt(0, 1.0), pt(1, 2.0)],
            ),
            series("map[int64]bool (real)", true, vec![pt(0, 1.5), pt(1, 2.5)]),
        ])));
        assert_eq!(s.matches("<polyline").count(), 2, "{s}");
        let ticks: Vec<&str> = s
            .split("class=\"x-tick\"")
            .skip(1)
            .map(|t| &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()])
            .collect();
        assert_eq!(ticks, ["1.19", "1.26", "1.27split"]);
        assert!(s.contains("stroke-dasharray=\"6 3\""), "{s}");
        // Points drawn left to right whatever their order in the series.
        let line = &s[s.find("points=\"").unwrap() + 8..];
        let xs: Vec<f64> = line[..line.find('"').unwrap()]
            .split(' ')
            .map(|p| p.split(',').next().unwrap().parse().unwrap())
            .collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
        no_numbers_are_nan(&s);
    }

    #[test]
    fn missing_points_are_noted_and_nothing_is_no_data() {
        let s = svg(category_chart(&chart(vec![series(
            "map[string]bool (real)",
            true,
            vec![
                pt(0, 4.0),
                CategoryPoint {
                    at: 1,
                    y: Err("go1.26 not installed".into()),
                    tip: String::new(),
                },
            ],
        )])));
        assert!(s.contains("go1.26 not installed"), "{s}");
        assert!(!s.contains("<polyline"), "one point is no line: {s}");
        let none = category_chart(&chart(vec![series(
            "x",
            false,
            vec![CategoryPoint {
                at: 0,
                y: Err("no toolchain".into()),
                tip: String::new(),
            }],
        )]));
        match none {
            Chart::NoData(why) => assert!(why.contains("no toolchain"), "{why}"),
            Chart::Svg(s) => panic!("drew {s}"),
        }
    }

    #[test]
    fn labels_are_escaped() {
        let s = svg(category_chart(&chart(vec![series(
            "<script>x</script>",
            false,
            vec![pt(0, 1.0), pt(1, 1.0)],
        )])));
        assert!(!s.contains("<script"), "{s}");
    }
}
