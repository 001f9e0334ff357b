//! The analysis proper, over two in-memory sides: pairing the selected
//! cells, every metric's verdict, the differential profiles, the changes
//! and the summary counts. Writing the result is [`super::output`]'s job.

use super::criterion_input;
use super::schema::{
    self, CellComparison, Change, CompareReport, Gate, InputInfo, Inputs, MetricCounts, Summary,
    Unmatched, Verdict, VerdictCounts, COMPARE_SCHEMA_VERSION,
};
use super::select::{self, SelectorKey};
use super::{
    flame, metrics, CompareError, CompareOptions, Comparison, DiffSvgs, Metric, Side, Which,
};
use crate::report::schema::LensReport;
use std::collections::BTreeMap;

fn input_info(side: &Side, selected: usize, cells: &[CellComparison]) -> InputInfo {
    InputInfo {
        note: criterion_input::input_note(&side.origin, cells),
        arg: side.spec.arg.clone(),
        label: side.spec.label(),
        path: side.spec.dir.display().to_string(),
        selector: side.spec.selector.as_ref().map(|s| s.info()),
        run_name: side.report.run.name.clone(),
        profile: side.report.run.profile.clone(),
        mapamp_version: side.report.mapamp_version.clone(),
        cells_in_report: side.report.cells.len(),
        cells_selected: selected,
        noise_floor: side.report.noise.ok().map(|n| n.floor),
        noise_floor_vs_reference: side.report.noise.ok().and_then(|n| n.floor_vs_reference),
    }
}

/// The analysis: pairs the selected cells, compares every metric, diffs
/// the profiles and counts the verdicts. The sides come from
/// [`super::load_side`], which has checked their schema version.
pub fn from_reports(a: &Side, b: &Side, opts: &CompareOptions) -> Result<Comparison, CompareError> {
    let select_err = |which: Which, source: select::SelectError| CompareError::Select {
        which,
        arg: if which == Which::A { a } else { b }.spec.arg.clone(),
        source,
    };
    let cells_a =
        select::select(&a.report, a.spec.selector.as_ref()).map_err(|e| select_err(Which::A, e))?;
    let cells_b =
        select::select(&b.report, b.spec.selector.as_ref()).map_err(|e| select_err(Which::B, e))?;
    let mut blank: Vec<SelectorKey> = [&a.spec, &b.spec]
        .iter()
        .filter_map(|s| s.selector.as_ref().map(|s| s.key))
        .collect();
    blank.sort();
    blank.dedup();
    let pairing =
        select::pair(&cells_a, &cells_b, &blank).map_err(|(which, e)| select_err(which, e))?;
    if pairing.pairs.is_empty() {
        return Err(CompareError::NoCommonCells(no_common_cells_message(
            a, b, &cells_a, &cells_b, &blank,
        )));
    }

    let th = opts.thresholds;
    let mut metrics = opts.metrics.clone();
    let default_set = metrics == Metric::all();
    let real_go = |c: &&crate::report::schema::CellReport| !c.lenses.go_runtime.is_skipped();
    if default_set && pairing.pairs.iter().any(|p| real_go(&p.a) || real_go(&p.b)) {
        // The default set: the Go runtime's own counters join it when a
        // real-Go cell is compared.
        metrics.extend(Metric::GO_RUNTIME);
    }
    if default_set && !pairing.pairs.iter().any(|p| p.a.lenses.io.is_some()) {
        // The io metrics only where io cells are paired (the default set
        // otherwise adds a row per map cell that could never have a figure).
        metrics.retain(|m| !m.is_io());
    }
    let metrics = metrics::for_variants(&metrics, pairing.pairs.iter().flat_map(|p| [p.a, p.b]));
    let opts = &CompareOptions {
        metrics: metrics.clone(),
        ..opts.clone()
    };
    let time = metrics::TimeContext::of(&a.report, &b.report);
    let mut cells = Vec::new();
    let mut diff_svgs = BTreeMap::new();
    let title = format!(
        "Differential: {} \u{2192} {}",
        a.spec.label(),
        b.spec.label()
    );
    for p in &pairing.pairs {
        let mut rows: Vec<_> = metrics
            .iter()
            .map(|m| m.row(p.a, p.b, &th, &time))
            .collect();
        criterion_input::qualify(&mut rows, (&a.origin, p.a), (&b.origin, p.b), &th);
        let (flame, svgs) = diff_profiles(a, b, p, &title);
        if let Some(svgs) = svgs {
            diff_svgs.insert(p.id.to_string(), svgs);
        }
        cells.push(CellComparison {
            id: p.id.to_string(),
            a_id: p.a.id.clone(),
            b_id: p.b.id.clone(),
            rows,
            flame,
        });
    }

    let summary = summarise(&cells, &metrics);
    let gate = opts.fail_on_regression.map(|limit| Gate {
        fail_on_regression: limit,
        regressions: changes(&cells)
            .into_iter()
            .filter(|c| c.verdict == Verdict::Worse && c.change.is_none_or(|x| x.abs() > limit))
            .collect(),
    });
    let report = CompareReport {
        schema_version: COMPARE_SCHEMA_VERSION,
        mapamp_version: env!("CARGO_PKG_VERSION").to_string(),
        inputs: Inputs {
            a: input_info(a, cells_a.len(), &cells),
            b: input_info(b, cells_b.len(), &cells),
        },
        thresholds: th,
        gate,
        metrics: metrics.iter().map(|m| m.name()).collect(),
        cells,
        unmatched: Unmatched {
            only_a: pairing.only_a,
            only_b: pairing.only_b,
        },
        summary,
    };
    Ok(Comparison { report, diff_svgs })
}

/// The differential profile of a pair, drawn, or why there is none.
fn diff_profiles(
    a: &Side,
    b: &Side,
    p: &select::Pair<'_>,
    title: &str,
) -> (LensReport<schema::FlameDiff>, Option<DiffSvgs>) {
    let unavailable = |why: String| (LensReport::Unavailable { unavailable: why }, None);
    match (flame_inputs(a, p.a), flame_inputs(b, p.b)) {
        (Ok((ta, few_a)), Ok((tb, few_b))) => {
            let dir = format!("cells/{}", p.id);
            match flame::diff(&flame::parse_folded(&ta), &flame::parse_folded(&tb), &dir) {
                Ok(mut d) => {
                    for (side, few) in [("A", few_a), ("B", few_b)] {
                        if let Some(n) = few {
                            d.figures.notes.push(format!("{side}: {n}"));
                        }
                    }
                    let draw = |shape, what: &str| {
                        let subtitle =
                            format!("{} \u{2014} {what}; red: more in B, blue: less", p.id);
                        flame::render_svg(&d.stacks, shape, title, &subtitle)
                    };
                    match (
                        draw(flame::Shape::B, "B's shape"),
                        draw(flame::Shape::A, "A's shape"),
                    ) {
                        (Ok(b_shape), Ok(a_shape)) => {
                            (LensReport::Ok(d.figures), Some(DiffSvgs { b_shape, a_shape }))
                        }
                        (Err(e), _) | (_, Err(e)) => unavailable(format!(
                            "the differential flame graph cannot be drawn ({}; A has {} samples, B {} scaled by {:.3})",
                            crate::error::chain(&e), d.figures.samples_a, d.figures.samples_b, d.figures.scale_b
                        )),
                    }
                }
                Err(e) => unavailable(e.to_string()),
            }
        }
        (ra, rb) => {
            let why: Vec<String> = [("A", ra.err()), ("B", rb.err())]
                .into_iter()
                .filter_map(|(side, e)| e.map(|e| format!("{side}: {e}")))
                .collect();
            unavailable(why.join("; "))
        }
    }
}

/// A cell's folded stacks and a note when the profile had too few samples,
/// or why there are none.
fn flame_inputs(
    side: &Side,
    cell: &crate::report::schema::CellReport,
) -> Result<(String, Option<String>), String> {
    match &cell.lenses.flamegraph {
        LensReport::Ok(fg) => {
            let text =
                side.folded.get(&fg.folded).cloned().unwrap_or_else(|| {
                    Err(format!("folded stacks `{}` were not loaded", fg.folded))
                })?;
            let few = fg.too_few_samples.then(|| {
                format!(
                    "the profile has too few samples ({} < {})",
                    fg.samples, fg.min_samples
                )
            });
            Ok((text, few))
        }
        LensReport::Unavailable { unavailable } => {
            Err(format!("flamegraph lens unavailable: {unavailable}"))
        }
        LensReport::Skipped { skipped } => Err(format!("flamegraph lens skipped: {skipped}")),
    }
}

fn no_common_cells_message(
    a: &Side,
    b: &Side,
    cells_a: &[&crate::report::schema::CellReport],
    cells_b: &[&crate::report::schema::CellReport],
    blank: &[SelectorKey],
) -> String {
    let example = |cells: &[&crate::report::schema::CellReport]| {
        cells
            .first()
            .map(|c| format!(", e.g. `{}`", c.id))
            .unwrap_or_default()
    };
    let how = if blank.is_empty() {
        "cells are matched by identical id".to_string()
    } else {
        format!(
            "cells are matched by id with the {} segment ignored",
            blank
                .iter()
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(" and ")
        )
    };
    format!(
        "input A (`{}`) has {} selected cell(s){}; input B (`{}`) has {} selected cell(s){}; {how}",
        a.spec.arg,
        cells_a.len(),
        example(cells_a),
        b.spec.arg,
        cells_b.len(),
        example(cells_b),
    )
}

/// Every `better`/`worse` row.
fn changes(cells: &[CellComparison]) -> Vec<Change> {
    cells
        .iter()
        .flat_map(|c| {
            c.rows
                .iter()
                .filter(|r| matches!(r.verdict, Verdict::Better | Verdict::Worse))
                .map(move |r| Change {
                    cell: c.id.clone(),
                    metric: r.metric.clone(),
                    unit: r.unit.clone(),
                    a: r.a.unwrap_or_default(),
                    b: r.b.unwrap_or_default(),
                    change: r.change,
                    verdict: r.verdict,
                })
        })
        .collect()
}

fn summarise(cells: &[CellComparison], metrics: &[Metric]) -> Summary {
    let mut per_metric: Vec<MetricCounts> = metrics
        .iter()
        .map(|m| MetricCounts {
            metric: m.name(),
            counts: VerdictCounts::default(),
        })
        .collect();
    let mut total = VerdictCounts::default();
    for c in cells {
        for (r, mc) in c.rows.iter().zip(per_metric.iter_mut()) {
            mc.counts.add(r.verdict);
            total.add(r.verdict);
        }
    }
    let mut top = changes(cells);
    let magnitude = |c: &Change| c.change.map_or(f64::INFINITY, f64::abs);
    top.sort_by(|x, y| {
        magnitude(y)
            .total_cmp(&magnitude(x))
            .then_with(|| x.cell.cmp(&y.cell))
            .then_with(|| x.metric.cmp(&y.metric))
    });
    top.truncate(5);
    Summary {
        cells: cells.len(),
        per_metric,
        total,
        top_changes: top,
    }
}
