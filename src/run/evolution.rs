//! The "Runtime evolution" section a report carries
//! ([`crate::report::evolution`]): the whole-workload cells of the Go
//! releases' models and real runtimes, grouped by scenario, configuration,
//! N and key distribution, a row per type shape and a column per release,
//! with the sentences the figures support and the verdicts of the
//! runtime-evolution claims ([`crate::claims::evolution`]).
//!
//! Every figure is a cell's own: bytes per copy path, WA and bytes per
//! operation from its accounting lens; heap bytes and objects from the
//! accounting lens's allocation accounting (models) or the Go runtime's
//! `runtime/metrics` (real runtimes, mean over the regions). Computed when
//! the report is written (`run`, `merge`) and stored in `report.json`.

use super::findings::is_whole_workload;
use crate::gotype::Shape;
use crate::heap::{self, RELEASE_MODELS};
use crate::report::evolution::{
    Evolution, EvolutionTable, Least, ReleaseEntry, ReleaseFigures, ShapeRow,
};
use crate::report::schema::CellReport;
use crate::variants::{HintSpec, Variant};

/// The Go release a variant stands for and whether it is the real runtime.
fn release_of(variant: &str) -> Option<(&'static str, bool)> {
    let v = Variant::parse(variant).ok()?;
    match v.go_release() {
        Some(r) => Some((r.name(), true)),
        None => heap::release_name(v).map(|r| (r, false)),
    }
}

/// A release's place on the x axis: the models' release order
/// ([`RELEASE_MODELS`], oldest first), which holds the real runtimes'
/// releases ([`crate::goconfig::GoRelease::ALL`]) in the same order.
pub fn release_rank(release: &str) -> usize {
    RELEASE_MODELS
        .iter()
        .position(|&v| heap::release_name(v) == Some(release))
        .unwrap_or(usize::MAX)
}

/// Whether a cell can be in the section: a whole workload (insert, churn,
/// update) on Go key and value types the profile names (`key`, `value`
/// axes: the type shapes the section is about; runs of `[W]uint64` sizes,
/// such as `smoke` and `quick`, compare variants in their own sections).
fn applies_to(c: &CellReport) -> bool {
    is_whole_workload(&c.axes.scenario)
        && (c.axes.key_type.is_some() || c.axes.value_type.is_some())
}

/// What a cell shares with the other releases' cells of its table.
fn table_key(c: &CellReport) -> (String, String, usize, String, String) {
    let a = &c.axes;
    (
        a.scenario.clone(),
        a.config.clone(),
        a.n,
        a.keys.clone(),
        a.hint.clone(),
    )
}

fn figures(c: &CellReport, real: bool) -> Result<ReleaseFigures, String> {
    let acct = c.lenses.accounting.ok();
    let n = c.axes.n.max(1) as f64;
    let (heap_bytes, objects, heap_source) = if real {
        let g = c.lenses.go_runtime.ok().ok_or_else(|| {
            c.lenses
                .go_runtime
                .reason()
                .unwrap_or("no figures")
                .to_string()
        })?;
        (
            g.heap_bytes.mean,
            g.heap_objects.mean,
            format!("{} (mean of {} regions)", g.heap_bytes.source, g.samples),
        )
    } else {
        let a = acct.ok_or_else(|| {
            c.lenses
                .accounting
                .reason()
                .unwrap_or("no figures")
                .to_string()
        })?;
        let bytes = a
            .model_allocated_bytes
            .ok_or("the accounting lens has no allocated bytes for this cell")?;
        (
            bytes as f64,
            a.model_allocations as f64,
            "model-accounting".to_string(),
        )
    };
    Ok(ReleaseFigures {
        bytes_written: acct.map(|a| a.bytes_written),
        total_bytes: acct.map(|a| a.total_bytes),
        bytes_per_op: acct.map(|a| a.bytes_per_op),
        write_amplification: acct.and_then(|a| a.write_amplification),
        heap_bytes,
        objects,
        heap_bytes_per_entry: heap_bytes / n,
        heap_source,
    })
}

/// The model releases with the least value of `f` (ties: all of them).
fn least_of(entries: &[ReleaseEntry], f: fn(&ReleaseFigures) -> Option<f64>) -> Vec<String> {
    let vals: Vec<(&str, f64)> = entries
        .iter()
        .filter(|e| !e.real)
        .filter_map(|e| Some((e.release.as_str(), f(e.figures.as_ref()?)?)))
        .collect();
    let min = vals.iter().map(|v| v.1).fold(f64::INFINITY, f64::min);
    vals.iter()
        .filter(|v| v.1 == min)
        .map(|v| v.0.to_string())
        .collect()
}

fn row_of(shape: String, cells: &[(&CellReport, &'static str, bool)]) -> ShapeRow {
    let mut entries: Vec<ReleaseEntry> = cells
        .iter()
        .map(|&(c, release, real)| {
            let f = figures(c, real);
            ReleaseEntry {
                release: release.to_string(),
                variant: c.axes.variant.clone(),
                real,
                cell: c.id.clone(),
                unavailable: f.as_ref().err().cloned(),
                figures: f.ok(),
            }
        })
        .collect();
    entries.sort_by_key(|e| (release_rank(&e.release), e.real));
    let least = Least {
        total_bytes: least_of(&entries, |f| f.total_bytes.map(|b| b as f64)),
        zero_fill: least_of(&entries, |f| {
            f.bytes_written
                .map(|p| p.get(crate::accounting::CopyPath::ZeroFill) as f64)
        }),
        write_amplification: least_of(&entries, |f| f.write_amplification),
        heap_bytes: least_of(&entries, |f| Some(f.heap_bytes)),
        objects: least_of(&entries, |f| Some(f.objects)),
    };
    let string_key_bytes = cells
        .first()
        .filter(|(c, _, _)| c.axes.key_type.as_deref() == Some("string"))
        .map(|(c, _, _)| crate::inspect::STRING_KEY_BYTES * c.axes.n as u64);
    ShapeRow {
        shape,
        string_key_bytes,
        entries,
        least,
    }
}

/// The section of a report's cells; `None` when no scenario, configuration,
/// N, key distribution and named type shape has cells of two releases or
/// more.
pub fn evolution(cells: &[CellReport]) -> Result<Option<Evolution>, EvolutionError> {
    type Group<'a> = Vec<(&'a CellReport, &'static str, bool)>;
    type Key = (String, String, usize, String, String);
    let mut tables: Vec<(Key, Vec<(String, Group)>)> = Vec::new();
    for c in cells.iter().filter(|c| applies_to(c)) {
        let Some((release, real)) = release_of(&c.axes.variant) else {
            continue;
        };
        let (key, shape) = (table_key(c), c.axes.types_label());
        let at = match tables.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                tables.push((key, Vec::new()));
                tables.len() - 1
            }
        };
        let rows = &mut tables[at].1;
        match rows.iter_mut().find(|(s, _)| *s == shape) {
            Some((_, g)) => g.push((c, release, real)),
            None => rows.push((shape, vec![(c, release, real)])),
        }
    }
    let distinct = |g: &Group| {
        let mut r: Vec<&str> = g.iter().map(|x| x.1).collect();
        r.sort();
        r.dedup();
        r.len()
    };
    tables.retain(|(_, rows)| rows.iter().any(|(_, g)| distinct(g) >= 2));
    if tables.is_empty() {
        return Ok(None);
    }
    let mut releases: Vec<String> = Vec::new();
    let mut shapes: Vec<String> = Vec::new();
    let tables: Vec<EvolutionTable> = tables
        .into_iter()
        .map(|((scenario, config, n, keys, hint), rows)| EvolutionTable {
            scenario,
            config,
            n,
            keys,
            hint,
            rows: rows
                .into_iter()
                .map(|(shape, g)| {
                    for (_, r, _) in &g {
                        if !releases.iter().any(|x| x == r) {
                            releases.push(r.to_string());
                        }
                    }
                    if !shapes.contains(&shape) {
                        shapes.push(shape.clone());
                    }
                    row_of(shape, &g)
                })
                .collect(),
        })
        .collect();
    releases.sort_by_key(|r| release_rank(r));
    let mut shape_types: Vec<(String, Shape, Shape)> = Vec::new();
    for c in cells {
        let label = c.axes.types_label();
        if shapes.contains(&label) && !shape_types.iter().any(|s| s.0 == label) {
            shape_types.push((
                label,
                shape(&c.axes.key_type, "key", c.axes.key_size)?,
                shape(&c.axes.value_type, "value", c.axes.value_size)?,
            ));
        }
    }
    let statements = statements(&tables, &shape_types)?;
    let verdicts = {
        use crate::claims::evolution as ev;
        vec![
            ev::swiss_regressed_types()?,
            ev::split_group_fixes()?,
            ev::small_map_update_saves()?,
        ]
    };
    Ok(Some(Evolution {
        releases,
        shapes,
        statements,
        tables,
        verdicts,
    }))
}

/// A key or value's shape: its Go type, or `size` bytes of `[W]uint64`.
fn shape(go: &Option<String>, what: &str, size: usize) -> Result<Shape, crate::gotype::TypeError> {
    match go {
        Some(t) => Shape::parse_go(t),
        None => Shape::blob(what, size),
    }
}

/// The heap bytes a release's model allocates for a row's map: the cell's
/// own figure without a hint; with one, `make(m, hint)` and the `n` inserts
/// ([`heap::fill`], seed 1), since the cells' measured region starts after
/// `make` and would show the presized Swiss maps allocating nothing. `None`
/// when the release's model did not run in the row.
fn heap_with_make(
    row: &ShapeRow,
    release: &str,
    shapes: &[(String, Shape, Shape)],
    n: usize,
    hint: usize,
) -> Result<Option<f64>, EvolutionError> {
    let Some(figures) = model(row, release) else {
        return Ok(None);
    };
    if hint == 0 {
        return Ok(Some(figures.heap_bytes));
    }
    let variant = RELEASE_MODELS
        .into_iter()
        .find(|&v| heap::release_name(v) == Some(release));
    let shape = shapes.iter().find(|(s, _, _)| *s == row.shape);
    match (variant, shape) {
        (Some(v), Some((_, k, e))) => {
            Ok(Some(heap::fill(v, *k, *e, n, hint, 1)?.heap_bytes as f64))
        }
        _ => Ok(None),
    }
}

/// The model's figures of `release` in a row.
fn model<'a>(row: &'a ShapeRow, release: &str) -> Option<&'a ReleaseFigures> {
    row.entries
        .iter()
        .find(|e| !e.real && e.release == release)
        .and_then(|e| e.figures.as_ref())
}

fn change(new: f64, old: f64) -> String {
    if old == 0.0 {
        format!("{} against {}", fmt(new), fmt(old))
    } else {
        format!("{:+.1}%", 100.0 * (new / old - 1.0))
    }
}

fn fmt(x: f64) -> String {
    crate::report::format::number(x)
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// The plain-word findings: per insert table, the types whose heap bytes
/// grew from Go 1.19's classic map to Go 1.26's Swiss map, and those the
/// split layout (Go 1.27 + mapsplitgroup) brings below Go 1.27's; per
/// update table, what Go 1.27 saves over Go 1.26; and what one update of a
/// full small map allocates on each (the model's figure for the run's types).
fn statements(
    tables: &[EvolutionTable],
    shapes: &[(String, Shape, Shape)],
) -> Result<Vec<String>, EvolutionError> {
    let mut out = Vec::new();
    for t in tables.iter().filter(|t| t.scenario == "insert") {
        let (mut worse, mut better) = (Vec::new(), Vec::new());
        let (mut split_less, mut back) = (Vec::new(), Vec::new());
        let hint = HintSpec::parse(&t.hint)?.resolve(t.n);
        for row in &t.rows {
            // Each release's figure once: with a hint it builds the model's map.
            let heap = |release: &str| heap_with_make(row, release, shapes, t.n, hint);
            let (classic, swiss) = (heap("go1.19")?, heap("go1.26")?);
            if let (Some(c), Some(s)) = (classic, swiss) {
                let d = format!("{} ({})", row.shape, change(s, c));
                if s > c {
                    worse.push(d);
                } else if s < c {
                    better.push(d);
                }
            }
            if let (Some(i), Some(s)) = (heap("go1.27")?, heap("go1.27split")?) {
                if s < i {
                    split_less.push(format!("{} ({})", row.shape, change(s, i)));
                    if let Some(c) = classic {
                        if i > c && s <= c {
                            back.push(row.shape.clone());
                        }
                    }
                }
            }
        }
        let at = if hint == 0 {
            t.title()
        } else {
            format!(
                "{} (size hint {}; heap bytes of make(m, {hint}) and the inserts, from the models: the cells' region starts after make)",
                t.title(),
                t.hint
            )
        };
        if t.rows
            .iter()
            .any(|r| model(r, "go1.19").is_some() && model(r, "go1.26").is_some())
        {
            out.push(format!(
                "{at}: with the Swiss map (go1.26 against go1.19's classic map) heap bytes grew for {}; they shrank for {}.",
                list(&worse),
                list(&better)
            ));
        }
        if t.rows
            .iter()
            .any(|r| model(r, "go1.27").is_some() && model(r, "go1.27split").is_some())
        {
            out.push(format!(
                "{at}: the split group layout (go1.27split against go1.27) allocates less for {}; back at or under go1.19's heap bytes: {}.",
                list(&split_less),
                list(&back)
            ));
        }
    }
    for t in tables.iter().filter(|t| t.scenario == "update") {
        let pairs: Vec<(f64, f64, f64, f64)> = t
            .rows
            .iter()
            .filter_map(|r| {
                let (o, n) = (model(r, "go1.26")?, model(r, "go1.27")?);
                Some((
                    o.heap_bytes,
                    n.heap_bytes,
                    o.total_bytes? as f64,
                    n.total_bytes? as f64,
                ))
            })
            .collect();
        if pairs.is_empty() {
            continue;
        }
        let (heap_saved, bytes_saved): (f64, f64) = pairs
            .iter()
            .fold((0.0, 0.0), |(h, b), p| (h + p.0 - p.1, b + p.2 - p.3));
        out.push(format!(
            "{}: Go 1.27's small-map change saves {} heap bytes and {} bytes written over go1.26 across {} types (it concerns a full map of 8 entries; larger maps never take that path).",
            t.title(),
            fmt(heap_saved),
            fmt(bytes_saved),
            pairs.len()
        ));
    }
    // One update of an existing key of a full 8-entry map, for the run's
    // types (model figures: the run's cells are larger maps).
    let mut small = Vec::new();
    for (shape, k, v) in shapes.iter().filter(|(_, k, _)| k.size > 0) {
        let o = heap::update_full_small(Variant::GoSwiss, *k, *v, 0)?;
        let n = heap::update_full_small(Variant::GoSwiss127, *k, *v, 0)?;
        small.push(format!(
            "{shape}: {} B in {} objects → {} B in {}",
            o.heap_bytes, o.objects, n.heap_bytes, n.objects
        ));
    }
    if !small.is_empty() {
        out.push(format!(
            "One update of an existing key of a full small map (8 entries), go1.26 → go1.27 (models): {}.",
            small.join("; ")
        ));
    }
    Ok(out)
}

/// Why the runtime-evolution section could not be computed: a model it
/// runs beside the cells' figures failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EvolutionError {
    /// A cell's key or value type.
    #[error(transparent)]
    Type(#[from] crate::gotype::TypeError),
    /// A table's hint as recorded.
    #[error(transparent)]
    Hint(#[from] crate::variants::HintError),
    /// A model's heap figures.
    #[error(transparent)]
    Heap(#[from] crate::heap::HeapError),
    /// The evolution claims' models.
    #[error(transparent)]
    Claims(#[from] crate::claims::ClaimsError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goconfig::GoRelease;

    #[test]
    fn releases_rank_oldest_first_models_and_real_runtimes_alike() {
        let models: Vec<&str> = RELEASE_MODELS
            .iter()
            .map(|&v| release_of(v.name()).unwrap().0)
            .collect();
        assert_eq!(
            models,
            ["go1.19", "go1.24", "go1.26", "go1.27", "go1.27split"]
        );
        // goconfig's release order is the real runtimes' order on the axis.
        let real: Vec<usize> = GoRelease::ALL
            .iter()
            .map(|r| release_rank(r.name()))
            .collect();
        assert!(real.windows(2).all(|w| w[0] < w[1]), "{real:?}");
        assert!(real.iter().all(|&r| r < RELEASE_MODELS.len()));
        for r in GoRelease::ALL {
            let v = Variant::every()
                .find(|v| v.go_release() == Some(r))
                .unwrap();
            assert_eq!(release_of(v.name()), Some((r.name(), true)));
        }
        assert_eq!(release_of("hashbrown"), None);
        assert_eq!(release_of("gomap-slab"), None);
    }
}
