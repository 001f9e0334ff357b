//! The metrics `compare` knows, where each is read from in a cell's report,
//! and the rule that turns two figures into a verdict. Lower is better for
//! every metric.
//!
//! | metric | read from | rule |
//! |---|---|---|
//! | `ns_per_op` | `lenses.time.processes` | Mann–Whitney U over the *process* values of each side at α, and a change beyond the practical threshold or the runs' noise floor, whichever is larger ([`TimeContext`]); both sides from one run: process medians of ns/op; two runs: each process's ratio to the reference workload (drift-cancelled), when both have it |
//! | `p99_ns` | `lenses.latency.processes` | Mann–Whitney U over the processes' p99 at α and a change beyond the latency threshold; with fewer than 2 processes a side, the change alone |
//! | `ir_per_op` | `lenses.callgrind` | exact |
//! | `cache_misses` | per op: `counters.cache_misses` (`perf-hw`) or `callgrind.cache_misses` (`callgrind-sim`) | same source on both sides or `incomparable`; `callgrind-sim` exact, `perf-hw` relative change beyond the counter threshold |
//! | `write_amplification`, `bytes_per_op`, `bytes.<path>` | `lenses.accounting` | exact |
//! | `allocations` | `accounting.heap_allocations` when both sides have it, else `model_allocations` | exact |
//! | `copies_per_byte` | `lenses.io.copies.total_per_byte` (io cells) | exact |
//! | `syscalls_per_send` | `lenses.io.syscalls_total` (io cells) | relative change beyond the counter threshold (sendfile and splice calls depend on socket buffer space) |
//! | `heap_bytes_per_op` | real-Go cells: `go_runtime.heap_bytes` per region; model cells: `accounting.model_allocated_bytes` (the model's prediction of Go's heap bytes) | exact between models; else the ranges over the regions must not overlap |
//! | `gc_cycles` | `go_runtime.gc_cycles` per region (real-Go cells; a model has no collector) | the ranges must not overlap |
//!
//! The last two are compared by default only when a side has real-Go cells.
//!
//! "Exact" means any difference decides, up to float rounding
//! ([`Thresholds::exact_rel_tolerance`]) for figures stored as floats.
//! A lens that did not run on a side gives `unavailable` with its reason.

use super::schema::{MetricRow, Rule, Thresholds, Verdict};
use crate::accounting::CopyPath;
use crate::names::UnknownName;
use crate::report::cache_misses::{self, common_source, CacheMissSource};
use crate::report::schema::{CellReport, Counter, LensReport, Report, TimeFigures};
use crate::stats::replicates::{self, ProcessTest};

/// What the time verdict needs beyond the two cells: whether both sides
/// are one run, and the runs' measured noise floors.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeContext {
    /// Both sides come from the same run (two selections of one report):
    /// their processes ran interleaved, so the raw figure is compared.
    pub same_run: bool,
    /// The larger of the two reports' `ns_per_op` floors.
    pub floor: Option<f64>,
    /// The larger of the two reports' drift-cancelled floors.
    pub floor_vs_reference: Option<f64>,
}

impl TimeContext {
    /// The context of comparing report `a` with report `b`.
    pub fn of(a: &Report, b: &Report) -> TimeContext {
        let max = |f: fn(&crate::report::schema::NoiseFloor) -> Option<f64>| {
            [a, b]
                .iter()
                .filter_map(|r| r.noise.ok().and_then(f))
                .reduce(f64::max)
        };
        TimeContext {
            same_run: a.run == b.run,
            floor: max(|n| Some(n.floor)),
            floor_vs_reference: max(|n| n.floor_vs_reference),
        }
    }
}

/// A metric of a matched cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Median wall-clock ns per operation.
    NsPerOp,
    /// 99th percentile of single-operation latency.
    P99Ns,
    /// callgrind instructions per operation.
    IrPerOp,
    /// Last-level data cache misses per operation.
    CacheMisses,
    /// Bytes written / payload bytes.
    WriteAmplification,
    /// Bytes written per operation.
    BytesPerOp,
    /// Bytes written along one copy path.
    Bytes(CopyPath),
    /// Allocations in the measured region.
    Allocations,
    /// CPU copies per byte delivered (io cells).
    CopiesPerByte,
    /// System calls per send (io cells).
    SyscallsPerSend,
    /// Heap bytes allocated per operation (B/op).
    HeapBytesPerOp,
    /// Collections per region.
    GcCycles,
}

/// `metrics` without the copy paths no compared cell's variant can take
/// (the Go Swiss map's paths when only classic maps are compared), so a
/// comparison of classic maps keeps its shape.
pub fn for_variants<'a>(
    metrics: &[Metric],
    cells: impl Iterator<Item = &'a CellReport> + Clone,
) -> Vec<Metric> {
    metrics
        .iter()
        .copied()
        .filter(|m| cells.clone().any(|c| m.applies_to(c)))
        .collect()
}

impl Metric {
    /// Every metric, in report order.
    pub fn all() -> Vec<Metric> {
        let mut v = vec![
            Metric::NsPerOp,
            Metric::P99Ns,
            Metric::IrPerOp,
            Metric::CacheMisses,
            Metric::WriteAmplification,
            Metric::BytesPerOp,
        ];
        v.extend(CopyPath::ALL.map(Metric::Bytes));
        v.push(Metric::Allocations);
        v.push(Metric::CopiesPerByte);
        v.push(Metric::SyscallsPerSend);
        v
    }

    /// Whether the metric reads the io lens (io cells only).
    pub fn is_io(self) -> bool {
        matches!(self, Metric::CopiesPerByte | Metric::SyscallsPerSend)
    }

    /// The metrics of the Go runtime's own counters, compared by default
    /// when a side has real-Go cells.
    pub const GO_RUNTIME: [Metric; 2] = [Metric::HeapBytesPerOp, Metric::GcCycles];

    /// Every metric [`Metric::parse`] knows.
    pub fn every() -> Vec<Metric> {
        let mut v = Metric::all();
        v.extend(Metric::GO_RUNTIME);
        v
    }

    /// Whether a copy path's bytes metric can be non-`n/a` for a cell's variant.
    fn applies_to(self, c: &CellReport) -> bool {
        match self {
            Metric::Bytes(p) => crate::variants::Variant::parse(&c.axes.variant)
                .map_or(CopyPath::CLASSIC.contains(&p), |v| {
                    v.copy_paths().contains(&p)
                }),
            _ => true,
        }
    }

    /// The name used on the command line, in JSON and in reports.
    pub fn name(self) -> String {
        match self {
            Metric::NsPerOp => "ns_per_op".into(),
            Metric::P99Ns => "p99_ns".into(),
            Metric::IrPerOp => "ir_per_op".into(),
            Metric::CacheMisses => "cache_misses".into(),
            Metric::WriteAmplification => "write_amplification".into(),
            Metric::BytesPerOp => "bytes_per_op".into(),
            Metric::Bytes(p) => format!("bytes.{}", p.name()),
            Metric::Allocations => "allocations".into(),
            Metric::CopiesPerByte => "copies_per_byte".into(),
            Metric::SyscallsPerSend => "syscalls_per_send".into(),
            Metric::HeapBytesPerOp => "heap_bytes_per_op".into(),
            Metric::GcCycles => "gc_cycles".into(),
        }
    }

    /// Parses a name; an unknown one is an error listing the valid names.
    pub fn parse(s: &str) -> Result<Metric, UnknownName> {
        Metric::every()
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| {
                let names: Vec<String> = Metric::every().into_iter().map(Metric::name).collect();
                UnknownName {
                    what: "metric",
                    given: s.into(),
                    valid: "valid metrics",
                    names: names.join(", "),
                }
            })
    }

    /// Unit of the metric's figures.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::NsPerOp | Metric::P99Ns => "ns",
            Metric::IrPerOp => "instructions/op",
            Metric::CacheMisses => "misses/op",
            Metric::WriteAmplification => "ratio",
            Metric::BytesPerOp => "bytes/op",
            Metric::Bytes(_) => "bytes",
            Metric::Allocations => "allocations",
            Metric::CopiesPerByte => "copies/byte",
            Metric::SyscallsPerSend => "calls/send",
            Metric::HeapBytesPerOp => "bytes/op",
            Metric::GcCycles => "cycles/region",
        }
    }

    /// Compares one metric of a matched pair.
    pub fn row(
        self,
        a: &CellReport,
        b: &CellReport,
        th: &Thresholds,
        time: &TimeContext,
    ) -> MetricRow {
        let row = match self {
            Metric::NsPerOp => time_row(a, b, th, time),
            Metric::P99Ns => latency_row(a, b, th),
            Metric::IrPerOp => lens_pair("callgrind", &a.lenses.callgrind, &b.lenses.callgrind)
                .map(|(x, y)| Figures::plain(x.ir_per_op, y.ir_per_op).exact(th)),
            Metric::CacheMisses => cache_miss_row(a, b, th),
            Metric::WriteAmplification => {
                lens_pair("accounting", &a.lenses.accounting, &b.lenses.accounting).and_then(
                    |(x, y)| match (x.write_amplification, y.write_amplification) {
                        (Some(wa), Some(wb)) => Ok(Figures::plain(wa, wb)
                            .source(accounting_source(x, y))
                            .exact(th)),
                        (wa, wb) => Err(Unavailable(no_payload_reason(wa, wb))),
                    },
                )
            }
            Metric::BytesPerOp => {
                lens_pair("accounting", &a.lenses.accounting, &b.lenses.accounting).map(|(x, y)| {
                    Figures::plain(x.bytes_per_op, y.bytes_per_op)
                        .source(accounting_source(x, y))
                        .exact(th)
                })
            }
            Metric::Bytes(p) if !(self.applies_to(a) && self.applies_to(b)) => {
                Err(Unavailable(format!(
                    "copy path `{p}` cannot occur for `{}`",
                    if self.applies_to(a) {
                        &b.axes.variant
                    } else {
                        &a.axes.variant
                    }
                )))
            }
            Metric::Bytes(p) => lens_pair("accounting", &a.lenses.accounting, &b.lenses.accounting)
                .map(|(x, y)| {
                    Figures::plain(x.bytes_written.get(p) as f64, y.bytes_written.get(p) as f64)
                        .source(accounting_source(x, y))
                        .exact(th)
                }),
            Metric::Allocations => {
                lens_pair("accounting", &a.lenses.accounting, &b.lenses.accounting).map(|(x, y)| {
                    match (x.heap_allocations, y.heap_allocations) {
                        (Some(ha), Some(hb)) => {
                            Figures::plain(ha as f64, hb as f64).source(Some("heap".into()))
                        }
                        _ => Figures::plain(x.model_allocations as f64, y.model_allocations as f64)
                            .source(Some("model".into())),
                    }
                    .exact(th)
                })
            }
            Metric::CopiesPerByte => io_pair(a, b).map(|(x, y)| {
                Figures::plain(x.copies.total_per_byte, y.copies.total_per_byte)
                    .source(Some("io lens (measured + derived)".into()))
                    .exact(th)
            }),
            Metric::SyscallsPerSend => io_pair(a, b).map(|(x, y)| {
                Figures::plain(x.syscalls_total as f64, y.syscalls_total as f64)
                    .source(Some("io harness".into()))
                    .ratio_rule(th.hw_counter_ratio)
            }),
            Metric::HeapBytesPerOp => heap_bytes_side(a)
                .and_then(|x| heap_bytes_side(b).map(|y| (x, y)))
                .map(|(x, y)| spread_row(x, y, th)),
            Metric::GcCycles => gc_side(a)
                .and_then(|x| gc_side(b).map(|y| (x, y)))
                .map(|(x, y)| spread_row(x, y, th)),
        };
        let mut row = row.unwrap_or_else(|e| e.row());
        row.metric = self.name();
        if row.unit.is_empty() {
            row.unit = self.unit().into();
        }
        row
    }
}

/// Why a row has no verdict: `unavailable` or `incomparable`, with the reason.
enum NoVerdict {
    Unavailable(String),
    Incomparable(String),
}
use NoVerdict::{Incomparable, Unavailable};

impl NoVerdict {
    fn row(self) -> MetricRow {
        let (verdict, reason) = match self {
            Unavailable(r) => (Verdict::Unavailable, r),
            Incomparable(r) => (Verdict::Incomparable, r),
        };
        MetricRow {
            metric: String::new(),
            unit: String::new(),
            a: None,
            b: None,
            delta: None,
            ratio: None,
            change: None,
            verdict,
            rule: Rule::None,
            source: None,
            p_value: None,
            basis: None,
            noise_floor: None,
            reason: Some(reason),
        }
    }
}

/// Both sides' figures of a lens, or why a side has none.
fn lens_pair<'c, T>(
    name: &str,
    a: &'c LensReport<T>,
    b: &'c LensReport<T>,
) -> Result<(&'c T, &'c T), NoVerdict> {
    match (a.ok(), b.ok()) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => {
            let mut why = Vec::new();
            for (side, lens) in [("A", a), ("B", b)] {
                if let Some(r) = lens_reason(lens) {
                    why.push(format!("{side}: {name} lens {r}"));
                }
            }
            Err(Unavailable(why.join("; ")))
        }
    }
}

/// Both sides' io figures, or why a side has none.
fn io_pair<'c>(
    a: &'c CellReport,
    b: &'c CellReport,
) -> Result<
    (
        &'c crate::scenario::io::IoFigures,
        &'c crate::scenario::io::IoFigures,
    ),
    NoVerdict,
> {
    match (&a.lenses.io, &b.lenses.io) {
        (Some(x), Some(y)) => lens_pair("io", x, y),
        (x, y) => {
            let why: Vec<String> = [("A", x.is_none()), ("B", y.is_none())]
                .iter()
                .filter(|(_, missing)| *missing)
                .map(|(side, _)| format!("{side}: io lens skipped: not an io cell"))
                .collect();
            Err(Unavailable(why.join("; ")))
        }
    }
}

fn lens_reason<T>(lens: &LensReport<T>) -> Option<String> {
    match lens {
        LensReport::Ok(_) => None,
        LensReport::Unavailable { unavailable } => Some(format!("unavailable: {unavailable}")),
        LensReport::Skipped { skipped } => Some(format!("skipped: {skipped}")),
    }
}

fn no_payload_reason(a: Option<f64>, b: Option<f64>) -> String {
    let sides: Vec<&str> = [("A", a), ("B", b)]
        .iter()
        .filter(|(_, w)| w.is_none())
        .map(|(s, _)| *s)
        .collect();
    format!(
        "{}: the measured region writes no payload, so write amplification is undefined",
        sides.join(" and ")
    )
}

/// The accounting source, worth showing only when a side's bytes are
/// derived rather than counted (Swiss tables).
fn accounting_source(
    a: &crate::report::schema::AccountingFigures,
    b: &crate::report::schema::AccountingFigures,
) -> Option<String> {
    use crate::accounting::Exactness;
    let name = |e| match e {
        Exactness::Exact => "model-accounting",
        Exactness::Derived => "derived-accounting",
    };
    match (a.exactness, b.exactness) {
        (Exactness::Exact, Exactness::Exact) => None,
        (x, y) if x == y => Some(name(x).to_string()),
        (x, y) => Some(format!("A {}, B {}", name(x), name(y))),
    }
}

/// Two figures on their way to a row.
struct Figures {
    a: f64,
    b: f64,
    source: Option<String>,
}

impl Figures {
    fn plain(a: f64, b: f64) -> Figures {
        Figures { a, b, source: None }
    }

    fn source(mut self, s: Option<String>) -> Figures {
        self.source = s;
        self
    }

    fn change(&self) -> Option<f64> {
        relative_change(self.a, self.b)
    }

    fn row(self, verdict: Verdict, rule: Rule) -> MetricRow {
        let change = self.change();
        MetricRow {
            metric: String::new(),
            unit: String::new(),
            a: Some(self.a),
            b: Some(self.b),
            delta: Some(self.b - self.a),
            ratio: if self.a != 0.0 {
                Some(self.b / self.a)
            } else if self.b == 0.0 {
                Some(1.0)
            } else {
                None
            },
            change,
            verdict,
            rule,
            source: self.source,
            p_value: None,
            basis: None,
            noise_floor: None,
            reason: None,
        }
    }

    /// Exact figures: any difference beyond float rounding decides.
    fn exact(self, th: &Thresholds) -> MetricRow {
        let scale = self.a.abs().max(self.b.abs());
        let verdict = if (self.b - self.a).abs() <= th.exact_rel_tolerance * scale {
            Verdict::Same
        } else {
            direction(self.b - self.a)
        };
        self.row(verdict, Rule::Exact)
    }

    /// One noisy figure per side: the relative change must exceed `threshold`.
    fn ratio_rule(self, threshold: f64) -> MetricRow {
        let verdict = if beyond(self.change(), self.b - self.a, threshold) {
            direction(self.b - self.a)
        } else {
            Verdict::Same
        };
        self.row(verdict, Rule::RatioThreshold)
    }
}

/// (B − A) / A, `None` when A is 0 (0 when both are).
pub fn relative_change(a: f64, b: f64) -> Option<f64> {
    if a != 0.0 {
        Some((b - a) / a.abs())
    } else if b == 0.0 {
        Some(0.0)
    } else {
        None
    }
}

/// Whether a relative change is beyond `threshold`; an unbounded change
/// (from 0) is beyond any threshold.
fn beyond(change: Option<f64>, delta: f64, threshold: f64) -> bool {
    match change {
        Some(c) => c.abs() > threshold,
        None => delta != 0.0,
    }
}

/// `better` for a lower figure, `worse` for a higher one.
pub(super) fn direction(delta: f64) -> Verdict {
    if delta < 0.0 {
        Verdict::Better
    } else {
        Verdict::Worse
    }
}

/// One side's figure: a single value, or one per region (real Go).
struct Side {
    values: Vec<f64>,
    source: &'static str,
}

/// Heap bytes per operation: measured per region (real Go) or the model's
/// allocation accounting.
fn heap_bytes_side(c: &CellReport) -> Result<Side, NoVerdict> {
    let ops = c.ops.max(1) as f64;
    if let Some(g) = c.lenses.go_runtime.ok() {
        return Ok(Side {
            values: g.heap_bytes.values.iter().map(|v| v / ops).collect(),
            source: "go-runtime-metrics",
        });
    }
    if let Some(reason) = go_runtime_missing(c) {
        return Err(Unavailable(reason));
    }
    match c.lenses.accounting.ok() {
        Some(a) => match a.model_allocated_bytes {
            Some(b) => Ok(Side {
                values: vec![b as f64 / ops],
                source: "model-accounting",
            }),
            None => Err(Unavailable(format!(
                "{}: the accounting lens has no allocated bytes (a report written before mapamp recorded them)",
                c.id
            ))),
        },
        None => Err(Unavailable(format!(
            "{}: accounting lens {}",
            c.id,
            lens_reason(&c.lenses.accounting).unwrap_or_default()
        ))),
    }
}

/// Collections per region (real Go only).
fn gc_side(c: &CellReport) -> Result<Side, NoVerdict> {
    match c.lenses.go_runtime.ok() {
        Some(g) => Ok(Side {
            values: g.gc_cycles.values.clone(),
            source: "go-runtime-metrics",
        }),
        None => Err(Unavailable(go_runtime_missing(c).unwrap_or_else(|| {
            format!("{}: a model has no garbage collector", c.id)
        }))),
    }
}

/// Why a real-Go cell has no go_runtime figures (None for other cells).
fn go_runtime_missing(c: &CellReport) -> Option<String> {
    match &c.lenses.go_runtime {
        LensReport::Unavailable { unavailable } => Some(format!(
            "{}: go_runtime lens unavailable: {unavailable}",
            c.id
        )),
        _ => None,
    }
}

/// Figures with a spread: when both sides are single values, the exact
/// rule; otherwise the sides' ranges (min to max over the regions) must be
/// disjoint for a verdict other than `same`.
fn spread_row(x: Side, y: Side, th: &Thresholds) -> MetricRow {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let range = |v: &[f64]| {
        (
            v.iter().copied().fold(f64::INFINITY, f64::min),
            v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let source = if x.source == y.source {
        x.source.to_string()
    } else {
        format!("A {}, B {}", x.source, y.source)
    };
    let figures = Figures::plain(mean(&x.values), mean(&y.values)).source(Some(source));
    if x.values.len() <= 1 && y.values.len() <= 1 {
        return figures.exact(th);
    }
    let ((a0, a1), (b0, b1)) = (range(&x.values), range(&y.values));
    let apart = b1 < a0 || b0 > a1;
    let delta = figures.b - figures.a;
    let mut row = figures.row(
        if apart {
            direction(delta)
        } else {
            Verdict::Same
        },
        Rule::SeedSpread,
    );
    row.reason = Some(format!(
        "A {a0}..{a1} over {} value(s), B {b0}..{b1} over {} ({})",
        x.values.len(),
        y.values.len(),
        if apart { "disjoint" } else { "overlapping" }
    ));
    row
}

/// Which time figure a verdict uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Basis {
    /// ns per operation (process medians).
    NsPerOp,
    /// ns per operation over the reference's ns per key, per process.
    VsReference,
}

fn process_medians(t: &TimeFigures) -> Vec<f64> {
    t.processes.iter().map(|p| p.median_ns_per_op).collect()
}

/// `ns_per_op`: the process-level test on the figure the context calls
/// for, a change beyond the practical threshold or the noise floor.
fn time_row(
    a: &CellReport,
    b: &CellReport,
    th: &Thresholds,
    ctx: &TimeContext,
) -> Result<MetricRow, NoVerdict> {
    let (x, y) = lens_pair("time", &a.lenses.time, &b.lenses.time)?;
    let mut notes = Vec::new();
    let basis = match (&x.vs_reference, &y.vs_reference) {
        _ if ctx.same_run => Basis::NsPerOp,
        (Some(ra), Some(rb)) if ra.reference == rb.reference => Basis::VsReference,
        (Some(ra), Some(rb)) => {
            notes.push(format!(
                "the runs timed different reference workloads ({} / {}), so raw ns/op were compared, which the machine's drift between runs also moves",
                ra.reference, rb.reference
            ));
            Basis::NsPerOp
        }
        _ => {
            notes.push("a side has no reference timing, so raw ns/op were compared, which the machine's drift between runs also moves".into());
            Basis::NsPerOp
        }
    };
    let (va, vb, ca, cb, floor, unit, name) = match basis {
        Basis::NsPerOp => (
            process_medians(x),
            process_medians(y),
            x.ns_per_op,
            y.ns_per_op,
            ctx.floor,
            "ns",
            "ns_per_op",
        ),
        Basis::VsReference => {
            let ratios = |t: &TimeFigures| -> Vec<f64> {
                t.processes.iter().map(|p| p.vs_reference).collect()
            };
            let (ra, rb) = (x.vs_reference.as_ref(), y.vs_reference.as_ref());
            (
                ratios(x),
                ratios(y),
                ra.map_or(f64::NAN, |r| r.ratio),
                rb.map_or(f64::NAN, |r| r.ratio),
                ctx.floor_vs_reference,
                "× reference",
                "vs_reference",
            )
        }
    };
    let threshold = th.time_practical.max(floor.unwrap_or(0.0));
    let test = replicates::process_test(&va, &vb);
    let figures = Figures::plain(ca, cb);
    let verdict = match &test {
        Some(t) if t.is_difference(th.alpha, threshold) => direction(cb - ca),
        _ => Verdict::Same,
    };
    let mut row = figures.row(verdict, Rule::ProcessMannWhitney);
    row.unit = unit.into();
    row.basis = Some(name.into());
    row.noise_floor = floor;
    row.p_value = test.map(|t| t.p_value);
    if let Some(t) = &test {
        notes.extend(time_note(t, th, floor));
    } else {
        notes.push("a side has no process figures".into());
    }
    row.reason = (!notes.is_empty()).then(|| notes.join("; "));
    Ok(row)
}

/// Why a process-level test said `same` although it might look otherwise.
fn time_note(t: &ProcessTest, th: &Thresholds, floor: Option<f64>) -> Option<String> {
    let smallest = replicates::smallest_p(t.processes_a, t.processes_b);
    if smallest >= th.alpha {
        return Some(format!(
            "{} against {} processes cannot reach p < {} (the smallest possible p is {smallest:.3}); raise budget.time_processes",
            t.processes_a, t.processes_b, th.alpha
        ));
    }
    match floor {
        Some(f)
            if t.p_value < th.alpha
                && !replicates::beyond_log(t.change, f)
                && f > th.time_practical =>
        {
            Some(format!(
                "significant, but within the runs' measured noise floor of ±{:.1}%",
                f * 100.0
            ))
        }
        _ => None,
    }
}

/// `p99_ns`: the processes' p99 when both sides have at least 2 processes
/// (Mann–Whitney at α and a change beyond the latency threshold), else the
/// change alone.
fn latency_row(a: &CellReport, b: &CellReport, th: &Thresholds) -> Result<MetricRow, NoVerdict> {
    let (x, y) = lens_pair("latency", &a.lenses.latency, &b.lenses.latency)?;
    let (pa, pb) = (x.summary.p99_ns, y.summary.p99_ns);
    let figures = Figures::plain(pa, pb);
    if x.processes.len() < 2 || y.processes.len() < 2 {
        return Ok(figures.ratio_rule(th.latency_ratio));
    }
    let p99s = |l: &crate::report::schema::LatencyFigures| -> Vec<f64> {
        l.processes.iter().map(|p| p.latency.p99_ns).collect()
    };
    let test = replicates::process_test(&p99s(x), &p99s(y));
    let verdict = match &test {
        Some(t) if t.p_value < th.alpha && beyond(figures.change(), pb - pa, th.latency_ratio) => {
            direction(pb - pa)
        }
        _ => Verdict::Same,
    };
    let mut row = figures.row(verdict, Rule::ProcessMannWhitney);
    row.basis = Some("p99_ns".into());
    row.p_value = test.map(|t| t.p_value);
    Ok(row)
}

/// A side's cache-miss figures per op ([`cache_misses::by_source`], a cell
/// of 0 ops has none), and why a source gave none.
fn cache_misses_per_op(c: &CellReport) -> (Vec<(CacheMissSource, f64)>, Vec<String>) {
    let found: Vec<(CacheMissSource, f64)> = cache_misses::by_source(c)
        .iter()
        .filter_map(|f| Some((f.source, f.per_op?)))
        .collect();
    let has = |s: CacheMissSource| found.iter().any(|(t, _)| *t == s);
    let mut why = Vec::new();
    if !has(CacheMissSource::PerfHw) {
        match &c.lenses.counters {
            LensReport::Ok(map) => match cache_misses::counter(map).map(|(_, c)| c) {
                Some(Counter::Value { source, .. }) => {
                    why.push(format!(
                        "counter cache_misses has source {source}, not perf-hw"
                    ));
                }
                Some(Counter::Unavailable { unavailable }) => {
                    why.push(format!("counter cache_misses unavailable: {unavailable}"));
                }
                None => why.push("counters lens has no cache_misses counter".into()),
            },
            other => why.push(format!(
                "counters lens {}",
                lens_reason(other).unwrap_or_default()
            )),
        }
    }
    if !has(CacheMissSource::CallgrindSim) {
        match &c.lenses.callgrind {
            LensReport::Ok(_) => why.push("callgrind lens: the cell has 0 ops".into()),
            other => why.push(format!(
                "callgrind lens {}",
                lens_reason(other).unwrap_or_default()
            )),
        }
    }
    (found, why)
}

/// `cache_misses`: only figures from the same source are compared
/// ([`cache_misses::common_source`]: `perf-hw` is preferred);
/// `callgrind-sim` figures are exact.
fn cache_miss_row(a: &CellReport, b: &CellReport, th: &Thresholds) -> Result<MetricRow, NoVerdict> {
    let (fa, why_a) = cache_misses_per_op(a);
    let (fb, why_b) = cache_misses_per_op(b);
    if fa.is_empty() || fb.is_empty() {
        let mut why = Vec::new();
        if fa.is_empty() {
            why.push(format!("A: {}", why_a.join(", ")));
        }
        if fb.is_empty() {
            why.push(format!("B: {}", why_b.join(", ")));
        }
        return Err(Unavailable(why.join("; ")));
    }
    let sources = |f: &[(CacheMissSource, f64)]| -> Vec<CacheMissSource> {
        f.iter().map(|(s, _)| *s).collect()
    };
    let per_op = |f: &[(CacheMissSource, f64)], s| f.iter().find(|(t, _)| *t == s).map(|(_, v)| *v);
    let Some(source) = common_source(&sources(&fa), &sources(&fb)) else {
        let list = |f: &[(CacheMissSource, f64)]| {
            f.iter()
                .map(|(s, _)| <&str>::from(*s))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(Incomparable(format!(
            "A has cache misses from {} only, B from {} only; figures from different sources are not compared",
            list(&fa),
            list(&fb)
        )));
    };
    let (va, vb) = (per_op(&fa, source), per_op(&fb, source));
    let figures = Figures::plain(va.unwrap_or_default(), vb.unwrap_or_default())
        .source(Some(source.to_string()));
    Ok(if source == CacheMissSource::PerfHw {
        figures.ratio_rule(th.hw_counter_ratio)
    } else {
        figures.exact(th)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io_figures(total_copies: f64, calls: u64) -> crate::scenario::io::IoFigures {
        serde_json::from_value(serde_json::json!({
            "path": "read_write", "target": "tcp", "file_bytes": 1024, "chunk_asked": 512,
            "chunk_bytes": 512,
            "cache": {"state": "warm", "resident_pages": 1, "file_pages": 1, "method": "m"},
            "delivered_bytes": 1024, "verification": "v", "sends": 1,
            "region_ns_per_send": 10.0, "gb_per_s": 1.0,
            "syscalls": {"read": calls}, "syscalls_total": calls, "requests": 2,
            "copies": {"steps": [], "sender_user_space_per_byte": 2.0,
                       "measured_per_byte": total_copies, "derived_per_byte": 0.0,
                       "total_per_byte": total_copies},
            "usage": {"user_ns": 1.0, "system_ns": 1.0, "system_share": 0.5, "minor_faults": 0.0,
                      "major_faults": 0.0, "voluntary_switches": 0.0,
                      "involuntary_switches": 0.0, "source": "s"},
            "receiver": "r", "kernel_frames": {"available": false, "detail": "d"}
        }))
        .unwrap()
    }

    #[test]
    fn io_metrics_judge_io_cells_and_say_why_for_map_cells() {
        let r: crate::report::schema::Report =
            serde_json::from_str(include_str!("../../tests/data/report_fixture.json")).unwrap();
        let map = r.cells[0].clone();
        let th = Thresholds::default();
        let tc = TimeContext::default();
        let row = Metric::CopiesPerByte.row(&map, &map, &th, &tc);
        assert_eq!(row.verdict, Verdict::Unavailable);
        assert!(row
            .reason
            .unwrap()
            .contains("A: io lens skipped: not an io cell; B:"));
        let with = |copies, calls| {
            let mut c = map.clone();
            c.lenses.io = Some(LensReport::Ok(io_figures(copies, calls)));
            c
        };
        let (a, b) = (with(3.0, 100), with(1.0, 105));
        assert_eq!(
            Metric::CopiesPerByte.row(&a, &b, &th, &tc).verdict,
            Verdict::Better
        );
        assert_eq!(
            Metric::CopiesPerByte.row(&a, &a, &th, &tc).verdict,
            Verdict::Same
        );
        // 5% more calls is within the counter threshold (10%); 50% is not.
        assert_eq!(
            Metric::SyscallsPerSend.row(&a, &b, &th, &tc).verdict,
            Verdict::Same
        );
        let c = with(3.0, 150);
        assert_eq!(
            Metric::SyscallsPerSend.row(&a, &c, &th, &tc).verdict,
            Verdict::Worse
        );
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_valid_ones() {
        for m in Metric::all() {
            assert_eq!(Metric::parse(&m.name()), Ok(m));
        }
        assert_eq!(
            Metric::parse("bytes.evacuate_double"),
            Ok(Metric::Bytes(CopyPath::EvacuateDouble))
        );
        let e = crate::error::chain(&Metric::parse("ns").unwrap_err());
        assert!(e.starts_with("unknown metric `ns`; valid metrics: "), "{e}");
        assert!(
            e.contains("ns_per_op") && e.contains("bytes.zero_fill"),
            "{e}"
        );
    }

    #[test]
    fn exact_rule_decides_on_any_difference_but_not_on_rounding() {
        let th = Thresholds::default();
        assert_eq!(
            Figures::plain(100.0, 99.0).exact(&th).verdict,
            Verdict::Better
        );
        assert_eq!(
            Figures::plain(100.0, 101.0).exact(&th).verdict,
            Verdict::Worse
        );
        assert_eq!(Figures::plain(7.0, 7.0).exact(&th).verdict, Verdict::Same);
        let third = 1.0 / 3.0;
        assert_eq!(
            Figures::plain(third, third * (1.0 + 1e-13))
                .exact(&th)
                .verdict,
            Verdict::Same
        );
        let r = Figures::plain(0.0, 5.0).exact(&th);
        assert_eq!((r.verdict, r.ratio, r.change), (Verdict::Worse, None, None));
        let z = Figures::plain(0.0, 0.0).exact(&th);
        assert_eq!(
            (z.verdict, z.ratio, z.change),
            (Verdict::Same, Some(1.0), Some(0.0))
        );
    }

    #[test]
    fn ratio_rule_needs_a_change_beyond_the_threshold() {
        for (a, b, verdict) in [
            (100.0, 109.0, Verdict::Same),
            (100.0, 111.0, Verdict::Worse),
            (100.0, 89.0, Verdict::Better),
            (0.0, 1.0, Verdict::Worse),
        ] {
            assert_eq!(
                Figures::plain(a, b).ratio_rule(0.10).verdict,
                verdict,
                "{a} -> {b}"
            );
        }
    }
}
