//! Model and real Go side by side: for every cell that ran on a real Go
//! runtime, the cells of the same scenario, configuration, N, keys and
//! sizes on every variant, with the figures a Go user reads first.
//!
//! | column | model cells | real-Go cells |
//! |---|---|---|
//! | ns/op | time lens median | the same, measured in the Go harness |
//! | B/op, allocs/op | the model's allocation accounting (its prediction of Go's heap) | `runtime/metrics`, mean over the regions (min–max) |
//! | WA | exact accounting | derived accounting (classic), or why not |
//! | GC cycles | — (a model has no collector) | per region, mean (min–max) |
//! | Ir/op | callgrind | callgrind |

use super::format::{not_available, number};
use super::schema::{CellReport, Report, Spread};

/// One group of cells that differ only in their variant.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// `scenario / config / n=N / keys / kXvY`.
    pub title: String,
    /// One row per variant, in report order.
    pub rows: Vec<Row>,
}

/// One variant's figures, formatted.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Variant name.
    pub variant: String,
    /// Cell id.
    pub id: String,
    /// `ns/op`.
    pub ns_per_op: String,
    /// `B/op`.
    pub bytes_per_op: String,
    /// `allocs/op`.
    pub allocs_per_op: String,
    /// Write amplification.
    pub wa: String,
    /// GC cycles per region.
    pub gc_cycles: String,
    /// Instructions per operation.
    pub ir_per_op: String,
}

/// Column headers of [`Row`], in order.
pub const HEADERS: [&str; 7] = [
    "variant",
    "ns/op",
    "B/op",
    "allocs/op",
    "WA",
    "GC cycles/region",
    "Ir/op",
];

impl Row {
    /// The texts in [`HEADERS`] order.
    pub fn texts(&self) -> [&str; 7] {
        [
            &self.variant,
            &self.ns_per_op,
            &self.bytes_per_op,
            &self.allocs_per_op,
            &self.wa,
            &self.gc_cycles,
            &self.ir_per_op,
        ]
    }
}

/// The groups that hold a real-Go cell, in report order.
pub fn side_by_side(r: &Report) -> Vec<Group> {
    let key = |c: &CellReport| {
        let a = &c.axes;
        format!(
            "{} / {} / n={} / {} / k{}v{}",
            a.scenario, a.config, a.n, a.keys, a.key_size, a.value_size
        )
    };
    let mut groups: Vec<(String, Vec<&CellReport>)> = Vec::new();
    for c in &r.cells {
        let k = key(c);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, cells)) => cells.push(c),
            None => groups.push((k, vec![c])),
        }
    }
    groups
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| is_real_go(c)))
        .map(|(title, cells)| Group {
            title,
            rows: cells.into_iter().map(row).collect(),
        })
        .collect()
}

/// Whether a cell ran on a real Go runtime.
pub fn is_real_go(c: &CellReport) -> bool {
    !c.lenses.go_runtime.is_skipped()
}

fn spread_text(s: &Spread, per: f64) -> String {
    let (mean, lo, hi) = (s.mean / per, s.min / per, s.max / per);
    if lo == hi {
        number(mean)
    } else {
        format!("{} ({}–{})", number(mean), number(lo), number(hi))
    }
}

fn row(c: &CellReport) -> Row {
    let l = &c.lenses;
    let ops = c.ops.max(1) as f64;
    let missing = |lens: &str, why: Option<&str>| {
        not_available(&format!("{lens}: {}", why.unwrap_or("no figures")))
    };
    let (bytes_per_op, allocs_per_op, gc_cycles) = if is_real_go(c) {
        match l.go_runtime.ok() {
            Some(g) => {
                let mut allocs = g.heap_objects.clone();
                for (v, t) in allocs.values.iter_mut().zip(&g.tiny_allocs.values) {
                    *v += t;
                }
                let (lo, hi) = allocs
                    .values
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                        (a.min(v), b.max(v))
                    });
                allocs.min = lo;
                allocs.max = hi;
                allocs.mean = g.heap_objects.mean + g.tiny_allocs.mean;
                (
                    spread_text(&g.heap_bytes, ops),
                    spread_text(&allocs, ops),
                    spread_text(&g.gc_cycles, 1.0),
                )
            }
            None => {
                let m = missing("go_runtime", l.go_runtime.reason());
                (m.clone(), m.clone(), m)
            }
        }
    } else {
        let none = not_available("a model has no collector");
        match l.accounting.ok() {
            Some(a) => match a.model_allocated_bytes {
                Some(b) => (
                    number(b as f64 / ops),
                    number(a.model_allocations as f64 / ops),
                    none,
                ),
                None => {
                    let m = not_available("no allocated bytes recorded");
                    (m.clone(), m, none)
                }
            },
            None => {
                let m = missing("accounting", l.accounting.reason());
                (m.clone(), m, none)
            }
        }
    };
    Row {
        variant: c.axes.variant.clone(),
        id: c.id.clone(),
        ns_per_op: l
            .time
            .ok()
            .map_or_else(|| missing("time", l.time.reason()), |t| number(t.ns_per_op)),
        bytes_per_op,
        allocs_per_op,
        wa: match l.accounting.ok() {
            Some(a) => a
                .write_amplification
                .map_or_else(|| not_available("no payload"), number),
            None => missing("accounting", l.accounting.reason()),
        },
        gc_cycles,
        ir_per_op: l.callgrind.ok().map_or_else(
            || missing("callgrind", l.callgrind.reason()),
            |cg| number(cg.ir_per_op),
        ),
    }
}
