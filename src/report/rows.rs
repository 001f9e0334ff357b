//! The cell table both renderings print: its columns, and each cell's figures
//! formatted once (text with its unit, a number to sort by, and the full
//! reason when a figure is missing).
//!
//! Nothing here measures: figures are read from the report; the only numbers
//! made here are small derived ones (the dominant path's share, cache misses
//! per operation from a callgrind total). Texts are plain: each rendering
//! escapes them for its own format.

use super::cache_misses;
use super::format::{bytes, integer, nanos, not_available, number, percent};
use super::schema::{CellReport, Counter, LensReport, Report, TimeFigures};
use crate::accounting::Exactness;

/// One column of the cell table.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Stable key (used by the HTML sort and its `#sort=` links).
    pub key: &'static str,
    /// Header text.
    pub header: &'static str,
    /// Whether the column sorts numerically.
    pub numeric: bool,
    /// What the column shows, for a header tooltip.
    pub help: &'static str,
    /// The column's figure for a cell.
    pub figure: fn(&CellReport) -> Figure,
}

const fn col(
    key: &'static str,
    header: &'static str,
    numeric: bool,
    help: &'static str,
    figure: fn(&CellReport) -> Figure,
) -> Column {
    Column {
        key,
        header,
        numeric,
        help,
        figure,
    }
}

/// The columns, in print order. Markdown groups cells by scenario and so
/// leaves out [`SCENARIO`].
pub const COLUMNS: [Column; 17] = [
    col(SCENARIO, "scenario", false, "copy path or workload", |c| {
        Figure::text(&c.axes.scenario)
    }),
    col("id", "cell", false, "stable cell id", |c| {
        Figure::text(&c.id)
    }),
    col("variant", "variant", false, "map under study", |c| {
        Figure::text(&c.axes.variant)
    }),
    col("config", "config", false, "tuning configuration", |c| {
        Figure::text(&c.axes.config)
    }),
    col("n", "N", true, "keys of the workload", |c| {
        Figure::number(integer(c.axes.n as u64), c.axes.n as f64)
    }),
    col("keys", "keys", false, "key distribution", |c| {
        Figure::text(&c.axes.keys)
    }),
    col("kv", "kXvY", false, "key and value size in bytes", |c| {
        Figure::text(kv_label(c))
    }),
    col(
        "wa",
        "WA",
        true,
        "write amplification: bytes written / payload bytes",
        write_amplification,
    ),
    col(
        "bytes_per_op",
        "bytes/op",
        true,
        "bytes written per operation",
        bytes_per_op,
    ),
    col(
        "dominant",
        "dominant path",
        true,
        "copy path with the most bytes, and its share",
        dominant_path,
    ),
    col(
        "isolation",
        "isolation",
        true,
        "share of the isolated path vs the scenario's target",
        isolation,
    ),
    col(
        "ns_per_op",
        "ns/op (95% CI)",
        true,
        "wall-clock time per operation: median of the processes' medians, 95% interval over processes and samples, process count",
        ns_per_op,
    ),
    col(
        "vs_ref",
        "÷ ref",
        true,
        "drift-cancelled: ns/op over the reference workload's ns per key in the same processes (what compare tests across runs)",
        vs_reference,
    ),
    col(
        "p99",
        "p99 latency",
        true,
        "99th percentile of single-operation latency",
        p99,
    ),
    col(
        "ir_per_op",
        "Ir/op",
        true,
        "instructions per operation (callgrind)",
        ir_per_op,
    ),
    col(
        "cache_misses",
        "cache misses",
        true,
        "last-level data cache misses per operation, with their source",
        cache_misses_per_op,
    ),
    col(
        "allocations",
        "allocations",
        true,
        "allocations in the measured region (model; real heap)",
        allocations,
    ),
];

/// Key of the scenario column.
pub const SCENARIO: &str = "scenario";

/// One printed figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// Text with its unit, or `n/a (short reason)`.
    pub text: String,
    /// Number to sort by (`None`: missing, sorts last).
    pub sort: Option<f64>,
    /// The full reason when the figure is missing.
    pub why: Option<String>,
}

impl Figure {
    fn text(text: impl Into<String>) -> Figure {
        Figure {
            text: text.into(),
            sort: None,
            why: None,
        }
    }

    fn number(text: impl Into<String>, sort: f64) -> Figure {
        Figure {
            text: text.into(),
            sort: sort.is_finite().then_some(sort),
            why: None,
        }
    }

    fn missing(short: &str, why: Option<&str>) -> Figure {
        Figure {
            text: not_available(short),
            sort: None,
            why: why.map(str::to_string),
        }
    }
}

/// `n/a (<lens> unavailable|skipped)`, with the lens's reason as `why`.
fn lens_missing<T>(name: &str, lens: &LensReport<T>) -> Figure {
    let status = match lens {
        LensReport::Unavailable { .. } => "unavailable",
        _ => "skipped",
    };
    Figure::missing(&format!("{name} {status}"), lens.reason())
}

/// The 95% confidence interval of a timing, when it is usable (finite, ordered).
pub fn confidence_interval(t: &TimeFigures) -> Option<(f64, f64)> {
    (t.ci_low.is_finite() && t.ci_high.is_finite() && t.ci_low <= t.ci_high)
        .then_some((t.ci_low, t.ci_high))
}

/// `k8v16`: key and value size; `map[int32]struct{}` for Go types.
pub fn kv_label(c: &CellReport) -> String {
    c.axes.types_label()
}

/// The cells grouped by scenario, scenarios in order of first appearance,
/// cells in report order within each.
pub fn by_scenario(r: &Report) -> Vec<(&str, Vec<&CellReport>)> {
    let mut out: Vec<(&str, Vec<&CellReport>)> = Vec::new();
    for c in &r.cells {
        match out.iter_mut().find(|(s, _)| *s == c.axes.scenario) {
            Some((_, cells)) => cells.push(c),
            None => out.push((&c.axes.scenario, vec![c])),
        }
    }
    out
}

/// Every column's figure for one cell, in [`COLUMNS`] order.
pub fn cell_figures(c: &CellReport) -> Vec<Figure> {
    COLUMNS.iter().map(|col| (col.figure)(c)).collect()
}

fn write_amplification(c: &CellReport) -> Figure {
    let Some(acc) = c.lenses.accounting.ok() else {
        return lens_missing("accounting", &c.lenses.accounting);
    };
    match acc.write_amplification {
        Some(wa) => {
            let derived = match acc.exactness {
                Exactness::Exact => "",
                Exactness::Derived => " (derived)",
            };
            Figure::number(format!("{}×{derived}", number(wa)), wa)
        }
        None => Figure::missing(
            "no payload written",
            Some("the measured region writes no key or value bytes, so bytes written / payload bytes is undefined"),
        ),
    }
}

fn bytes_per_op(c: &CellReport) -> Figure {
    match c.lenses.accounting.ok() {
        Some(acc) => Figure::number(
            format!("{} B/op", number(acc.bytes_per_op)),
            acc.bytes_per_op,
        ),
        None => lens_missing("accounting", &c.lenses.accounting),
    }
}

fn dominant_path(c: &CellReport) -> Figure {
    let Some(acc) = c.lenses.accounting.ok() else {
        return lens_missing("accounting", &c.lenses.accounting);
    };
    if acc.bytes_written.total() == 0 {
        return Figure::missing("no bytes written", None);
    }
    let (path, share) = acc.bytes_written.dominant();
    Figure::number(format!("{path} {}", percent(share)), share)
}

fn isolation(c: &CellReport) -> Figure {
    let Some(acc) = c.lenses.accounting.ok() else {
        return lens_missing("accounting", &c.lenses.accounting);
    };
    let Some(iso) = &acc.isolation else {
        return Figure::missing(
            "not a copy-path scenario",
            Some("only copy-path scenarios isolate one path"),
        );
    };
    let verdict = if iso.share >= iso.target {
        "met"
    } else {
        "NOT met"
    };
    Figure::number(
        format!(
            "{} {} (target {}, {verdict})",
            iso.path,
            percent(iso.share),
            percent(iso.target)
        ),
        iso.share,
    )
}

fn ns_per_op(c: &CellReport) -> Figure {
    let Some(t) = c.lenses.time.ok() else {
        return lens_missing("time", &c.lenses.time);
    };
    let procs = t.processes.len();
    let text = match confidence_interval(t) {
        Some((low, high)) => format!(
            "{} ({}–{}, {procs} proc)",
            nanos(t.ns_per_op),
            number(low),
            number(high)
        ),
        None => format!("{} (no CI, {procs} proc)", nanos(t.ns_per_op)),
    };
    Figure::number(text, t.ns_per_op)
}

fn vs_reference(c: &CellReport) -> Figure {
    let Some(t) = c.lenses.time.ok() else {
        return lens_missing("time", &c.lenses.time);
    };
    match &t.vs_reference {
        Some(v) if v.ci_low.is_finite() && v.ci_high.is_finite() && v.ci_low <= v.ci_high => {
            Figure::number(
                format!(
                    "{} ({}–{})",
                    number(v.ratio),
                    number(v.ci_low),
                    number(v.ci_high)
                ),
                v.ratio,
            )
        }
        Some(v) => Figure::number(number(v.ratio), v.ratio),
        None => Figure::missing(
            "no reference timing",
            Some("the reference workload was not timed in this cell's processes"),
        ),
    }
}

fn p99(c: &CellReport) -> Figure {
    match c.lenses.latency.ok() {
        Some(l) => Figure::number(nanos(l.summary.p99_ns), l.summary.p99_ns),
        None => lens_missing("latency", &c.lenses.latency),
    }
}

fn ir_per_op(c: &CellReport) -> Figure {
    match c.lenses.callgrind.ok() {
        Some(cg) => Figure::number(format!("{} Ir/op", number(cg.ir_per_op)), cg.ir_per_op),
        None => lens_missing("callgrind", &c.lenses.callgrind),
    }
}

/// Cache misses per operation: the cell's most preferred figure
/// ([`cache_misses::by_source`]: a hardware counter when one was counted,
/// else callgrind's simulation); the source is printed either way.
fn cache_misses_per_op(c: &CellReport) -> Figure {
    if let Some(f) = cache_misses::by_source(c).first() {
        let (value, unit, source) = (f.total, f.unit, f.source);
        return match f.per_op {
            None => Figure::number(
                format!("{} {unit} in 0 ops ({source})", number(value)),
                value,
            ),
            Some(per_op) => {
                let multiplexed = match f.multiplexed {
                    Some(m) => format!(", counted {} of the time", percent(m)),
                    None => String::new(),
                };
                Figure::number(
                    format!("{} {unit}/op ({source}{multiplexed})", number(per_op)),
                    per_op,
                )
            }
        };
    }
    let counters = c.lenses.counters.ok();
    let counted = counters.and_then(cache_misses::counter);
    let counter_why = match (counters, counted) {
        (None, _) => match &c.lenses.counters {
            LensReport::Unavailable { .. } => "counters unavailable".to_string(),
            _ => "counters skipped".to_string(),
        },
        (Some(_), Some((name, Counter::Value { source, .. }))) => {
            format!("{name} from unknown source {source}")
        }
        (Some(_), Some((name, _))) => format!("{name} unavailable"),
        (Some(_), None) => "no cache-miss counter".to_string(),
    };
    let callgrind_why = match &c.lenses.callgrind {
        LensReport::Unavailable { .. } => "callgrind unavailable",
        _ => "callgrind skipped",
    };
    let full = [
        counted.and_then(|(_, counter)| match counter {
            Counter::Unavailable { unavailable } => Some(unavailable.as_str()),
            Counter::Value { .. } => None,
        }),
        c.lenses.counters.reason(),
        c.lenses.callgrind.reason(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("; ");
    Figure::missing(
        &format!("{counter_why}, {callgrind_why}"),
        (!full.is_empty()).then_some(full.as_str()),
    )
}

/// `1 alloc`, `12 allocs`.
fn allocs(n: u64) -> String {
    format!("{} alloc{}", integer(n), if n == 1 { "" } else { "s" })
}

fn allocations(c: &CellReport) -> Figure {
    let Some(acc) = c.lenses.accounting.ok() else {
        return lens_missing("accounting", &c.lenses.accounting);
    };
    let heap = match (acc.heap_allocations, acc.heap_bytes) {
        (Some(n), Some(b)) => format!("heap {} / {}", allocs(n), bytes(b)),
        (Some(n), None) => format!("heap {}", allocs(n)),
        _ => format!("heap {}", not_available("counting allocator not installed")),
    };
    Figure::number(
        format!("model {}; {heap}", allocs(acc.model_allocations)),
        acc.model_allocations as f64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(id_prefix: &str) -> CellReport {
        let r: Report =
            serde_json::from_str(include_str!("../../tests/data/report_fixture.json")).unwrap();
        r.cells
            .into_iter()
            .find(|c| c.id.starts_with(id_prefix))
            .unwrap()
    }

    fn column(c: &CellReport, key: &str) -> Figure {
        let col = COLUMNS.iter().find(|col| col.key == key).unwrap();
        (col.figure)(c)
    }

    #[test]
    fn every_column_has_a_unique_key() {
        for (i, a) in COLUMNS.iter().enumerate() {
            assert!(COLUMNS[i + 1..].iter().all(|b| b.key != a.key), "{}", a.key);
        }
    }

    #[test]
    fn hardware_counter_wins_over_callgrind_and_says_so() {
        let mut c = cell("evacuate_double/gomap/go-default/n=1024/");
        let callgrind = column(&c, "cache_misses");
        assert!(
            callgrind.text.ends_with("events/op (callgrind-sim)"),
            "{callgrind:?}"
        );
        if let LensReport::Ok(counters) = &mut c.lenses.counters {
            counters.insert(
                "cache-misses".into(),
                Counter::Value {
                    value: 2048.0,
                    unit: "events".into(),
                    source: "perf-hw".into(),
                    per_op: 4.0,
                    multiplexed: Some(0.5),
                },
            );
        }
        let hw = column(&c, "cache_misses");
        assert_eq!(
            hw.text,
            "4.00 events/op (perf-hw, counted 50.0% of the time)"
        );
        assert_eq!(hw.sort, Some(4.0));
    }

    #[test]
    fn missing_figures_say_why_and_never_sort_as_zero() {
        let locate = cell("locate/");
        for key in ["wa", "bytes_per_op", "dominant", "isolation", "allocations"] {
            let f = column(&locate, key);
            assert_eq!(f.text, "n/a (accounting skipped)", "{key}");
            assert_eq!(f.sort, None);
            assert!(f.why.as_deref().unwrap().contains("write no map memory"));
        }
        let f = column(&locate, "cache_misses");
        assert_eq!(f.text, "n/a (counters unavailable, callgrind skipped)");
        assert!(
            f.why.as_deref().unwrap().contains("no hardware PMU"),
            "{f:?}"
        );

        let mut c = cell("evacuate_double/gomap/go-default/n=1024/");
        if let LensReport::Ok(acc) = &mut c.lenses.accounting {
            acc.write_amplification = None;
        }
        c.lenses.time = LensReport::Unavailable {
            unavailable: "no clock".into(),
        };
        assert_eq!(column(&c, "wa").text, "n/a (no payload written)");
        let t = column(&c, "ns_per_op");
        assert_eq!(t.text, "n/a (time unavailable)");
        assert_eq!(t.why.as_deref(), Some("no clock"));
    }

    #[test]
    fn malformed_confidence_interval_is_not_printed() {
        let c = cell("insert/gomap/presized/");
        assert_eq!(column(&c, "ns_per_op").text, "44.0 ns (no CI, 5 proc)");
        let c = cell("insert/gomap/go-default/");
        assert_eq!(column(&c, "ns_per_op").text, "61.0 ns (57.9–64.7, 5 proc)");
    }
}
