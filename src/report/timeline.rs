//! A cell's write timeline ([`TimelineFigures`]) as a chart: the figures
//! are mapped onto the [`svg::timeline`](super::svg::timeline) primitive.
//! The same SVG is written as `cells/<id>/timeline.svg` by the cell's
//! process and drawn inline in `index.html`.

use super::charts::{duration_tick, path_colour};
use super::svg::timeline::{timeline, Bar, Span, Timeline};
use super::svg::Chart;
use crate::accounting::CopyPath;
use crate::timeline::TimelineFigures;

/// The timeline chart of cell `cell` (`id` is the element id prefix).
pub fn chart(id: &str, cell: &str, f: &TimelineFigures) -> Chart {
    let per = f.ops_per_column as f64;
    let bars: Vec<Bar> = f
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| Bar {
            x0: i as f64 * per,
            x1: ((i + 1) as f64 * per).min(f.ops_recorded as f64),
            lo: c.min_ns as f64,
            hi: c.max_ns as f64,
            colour: path_colour(c.path),
        })
        .collect();
    let spans = f
        .growths
        .iter()
        .map(|g| Span {
            x0: g.first_op as f64,
            x1: (g.last_op + 1) as f64,
            tip: format!(
                "{} growth: operations {}–{}{}",
                g.kind.replace('_', "-"),
                g.first_op,
                g.last_op,
                if g.finished { "" } else { " (not finished)" }
            ),
        })
        .collect();
    let mut paths: Vec<CopyPath> = f.columns.iter().map(|c| c.path).collect();
    paths.sort();
    paths.dedup();
    let mut notes = vec![
        format!(
            "{} operations in {} columns: bars from the fastest to the slowest operation of each,",
            f.ops_recorded,
            f.columns.len()
        ),
        format!(
            "coloured by the copy path of the slowest one's bytes; p50 {}, max {}; a clock pair adds ~{} ns.",
            duration_tick(f.p50_ns as f64),
            duration_tick(f.max_ns as f64),
            f.clock_pair_ns
        ),
    ];
    if f.truncated {
        notes.push(format!(
            "Truncated: the first {} of the region's {} operations (budget.timeline_writes).",
            f.ops_recorded, f.ops_in_region
        ));
    }
    timeline(&Timeline {
        id: id.to_string(),
        title: format!("Write timeline: {cell}"),
        ops: f.ops_recorded as f64,
        bars,
        spans,
        legend: paths
            .into_iter()
            .map(|p| {
                (
                    path_colour(p),
                    format!("slowest write's bytes: {}", p.name()),
                )
            })
            .collect(),
        y_tick: duration_tick,
        notes,
    })
}
