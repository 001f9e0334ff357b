//! The write timeline: per operation of a whole-workload cell's region, its
//! latency and the bytes it wrote per copy path, and the map events it
//! caused (growth start and end, evacuation steps, overflow allocations,
//! Swiss table splits, directory doublings, small-to-table moves, prunes).
//!
//! It is its own pass, run in the cell's native process after the other
//! once-per-cell lenses, on a freshly prepared map with exact accounting on
//! (never in the time lens's processes, whose figures it must not touch).
//! The region runs under an [`OpObserver`]: one `Instant` pair around each
//! operation, and after it one copy of the probe's totals (the map events
//! are the changes of its counters: no hook inside the models, so a map
//! with accounting off compiles exactly as before). Only the first
//! `budget.timeline_writes` operations are recorded; the region still runs
//! to its end, and the figures say the timeline was truncated.
//!
//! [`record`] makes a [`Recording`]; [`Recording::figures`] summarises it
//! for the report (including a down-sampled drawing), and [`trace`] writes
//! it as a Chrome trace-event file (`trace.json`).

pub mod trace;

use crate::accounting::{Accounting, CopyPath, PathBytes};
use crate::scenario::{AfterOp, OpKind, OpObserver, Runnable};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Columns of the drawn timeline: a column holds the max and min latency
/// of its operations, coloured by the path that dominated the bytes of the
/// slowest one.
pub const COLUMNS: usize = 275;

/// One recorded operation.
#[derive(Clone, Debug, PartialEq)]
pub struct OpRecord {
    /// Start, ns since the region's first operation started.
    pub start_ns: u64,
    /// Latency, ns (one `Instant` pair; includes the clock's own cost, see
    /// [`TimelineFigures::clock_pair_ns`]).
    pub dur_ns: u64,
    /// Insert/update or delete.
    pub kind: OpKind,
    /// Bytes the operation wrote, per copy path.
    pub bytes: PathBytes,
}

/// What a map event is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A growth that doubles the bucket count (Swiss model: a table grow).
    DoublingGrowStart,
    /// A same-size growth (classic map).
    SameSizeGrowStart,
    /// An incremental growth finished (classic map).
    GrowEnd,
    /// Entries moved by evacuation (classic map: buckets evacuated by a
    /// write or delete during growth; Swiss: moved by a grow or split).
    Evacuate,
    /// Overflow buckets obtained (classic map).
    Overflow,
    /// Swiss model: a 1024-slot table split in two.
    TableSplit,
    /// Swiss model: the directory doubled.
    DirectoryGrow,
    /// Swiss model: the small map became a table.
    SmallToTable,
    /// Swiss model: tombstones pruned.
    Prune,
}

impl EventKind {
    /// The event's name in traces and tooltips.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::DoublingGrowStart => "doubling grow start",
            EventKind::SameSizeGrowStart => "same-size grow start",
            EventKind::GrowEnd => "grow end",
            EventKind::Evacuate => "evacuate",
            EventKind::Overflow => "overflow",
            EventKind::TableSplit => "table split",
            EventKind::DirectoryGrow => "directory grow",
            EventKind::SmallToTable => "small to table",
            EventKind::Prune => "prune",
        }
    }
}

/// A map event, at the operation that caused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapEvent {
    /// Index of the operation among the recorded ones.
    pub op: usize,
    /// What happened.
    pub kind: EventKind,
    /// How many (entries evacuated, overflow buckets, tombstones, splits...).
    pub count: u64,
}

/// A growth, from the operation that started it to the one that finished it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowthSpan {
    /// `doubling` or `same_size`.
    pub kind: String,
    /// First operation (index among the recorded ones).
    pub first_op: usize,
    /// Last operation (inclusive).
    pub last_op: usize,
    /// Whether the growth finished within the recorded operations (a growth
    /// still in progress at the end of the region or of the recording is
    /// drawn to the last recorded operation).
    pub finished: bool,
}

/// One drawn column of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Fastest operation of the column, ns.
    pub min_ns: u64,
    /// Slowest operation of the column, ns.
    pub max_ns: u64,
    /// The copy path that dominated the bytes of the slowest operation.
    pub path: CopyPath,
}

/// The timeline's figures in the report (`lenses.timeline`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineFigures {
    /// Operations recorded (writes, and a churn's deletes).
    pub ops_recorded: u64,
    /// Operations of the region.
    pub ops_in_region: u64,
    /// The recording limit (`budget.timeline_writes`).
    pub limit: u64,
    /// Whether the limit cut the timeline short.
    pub truncated: bool,
    /// Median cost of one back-to-back `Instant` pair on this machine, ns:
    /// part of every recorded latency.
    pub clock_pair_ns: u64,
    /// Growth spans (doubling and same-size growths started in the recorded
    /// operations).
    pub growths: Vec<GrowthSpan>,
    /// Operations that evacuated entries.
    pub evacuation_steps: u64,
    /// Overflow buckets obtained.
    pub overflow_buckets: u64,
    /// Swiss table splits.
    pub table_splits: u64,
    /// Swiss directory doublings.
    pub directory_grows: u64,
    /// Median latency of the recorded operations, ns.
    pub p50_ns: u64,
    /// Largest latency, ns.
    pub max_ns: u64,
    /// The drawing: operations split into at most [`COLUMNS`] columns.
    pub columns: Vec<Column>,
    /// Operations per column (the last column may hold fewer).
    pub ops_per_column: u64,
    /// The Chrome trace, relative to the report folder.
    pub trace: String,
    /// The SVG timeline, relative to the report folder (`None`: nothing
    /// to draw, the report says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub svg: Option<String>,
}

/// What the recording pass saw.
#[derive(Clone, Debug, Default)]
pub struct Recording {
    /// The recorded operations, in order.
    pub ops: Vec<OpRecord>,
    /// Map events, in operation order.
    pub events: Vec<MapEvent>,
    /// Growth spans.
    pub growths: Vec<GrowthSpan>,
    /// Operations of the whole region.
    pub ops_in_region: u64,
    /// The limit.
    pub limit: u64,
    /// See [`TimelineFigures::clock_pair_ns`].
    pub clock_pair_ns: u64,
}

struct Recorder {
    limit: usize,
    origin: Option<Instant>,
    t0: Instant,
    last: Accounting,
    growing: bool,
    open: Option<GrowthSpan>,
    seen: u64,
    rec: Recording,
}

impl Recorder {
    fn recording(&self) -> bool {
        self.rec.ops.len() < self.limit
    }

    fn events_of(&mut self, op: usize, now: &Accounting, growing: bool) {
        let (a, b) = (&self.last, now);
        let mut ev = |kind: EventKind, count: u64| {
            if count > 0 {
                self.rec.events.push(MapEvent { op, kind, count });
            }
        };
        let doubling = b.doubling_grows - a.doubling_grows;
        let same_size = b.same_size_grows - a.same_size_grows;
        ev(EventKind::DoublingGrowStart, doubling);
        ev(EventKind::SameSizeGrowStart, same_size);
        ev(
            EventKind::Evacuate,
            b.entries_evacuated - a.entries_evacuated,
        );
        ev(
            EventKind::Overflow,
            (b.overflow_fresh_taken + b.overflow_prealloc_taken)
                - (a.overflow_fresh_taken + a.overflow_prealloc_taken),
        );
        ev(EventKind::TableSplit, b.table_splits - a.table_splits);
        ev(
            EventKind::DirectoryGrow,
            b.directory_grows - a.directory_grows,
        );
        let small = b.bytes_written.small_to_table - a.bytes_written.small_to_table;
        ev(EventKind::SmallToTable, u64::from(small > 0));
        ev(EventKind::Prune, b.tombstones_pruned - a.tombstones_pruned);
        // A write may finish one growth and start the next (Go's
        // mapassign: growWork, then hashGrow when still overloaded).
        let ended = (self.growing && !growing) || (self.open.is_some() && doubling + same_size > 0);
        if ended {
            ev(EventKind::GrowEnd, 1);
            if let Some(mut g) = self.open.take() {
                g.last_op = op;
                g.finished = true;
                self.rec.growths.push(g);
            }
        }
        let started = [("doubling", doubling), ("same_size", same_size)];
        for (kind, n) in started {
            for i in 0..n {
                let span = GrowthSpan {
                    kind: kind.to_string(),
                    first_op: op,
                    last_op: op,
                    finished: true,
                };
                // An incremental growth (classic map) stays open until the
                // operation after which the map no longer grows.
                if growing && i + 1 == n && self.open.is_none() {
                    self.open = Some(GrowthSpan {
                        finished: false,
                        ..span
                    });
                } else {
                    self.rec.growths.push(span);
                }
            }
        }
    }
}

impl OpObserver for Recorder {
    #[inline]
    fn begin(&mut self) {
        if self.recording() {
            self.t0 = Instant::now();
            self.origin.get_or_insert(self.t0);
        }
    }

    fn end(&mut self, after: AfterOp) {
        self.seen += 1;
        if !self.recording() {
            return;
        }
        let t1 = Instant::now();
        let origin = self.origin.unwrap_or(self.t0);
        let now = after.accounting.unwrap_or_default();
        let op = self.rec.ops.len();
        self.rec.ops.push(OpRecord {
            start_ns: self.t0.duration_since(origin).as_nanos() as u64,
            dur_ns: t1.duration_since(self.t0).as_nanos() as u64,
            kind: after.op,
            bytes: now.bytes_written.since(&self.last.bytes_written),
        });
        self.events_of(op, &now, after.growing);
        self.last = now;
        self.growing = after.growing;
    }
}

/// Median ns of `n` back-to-back `Instant` pairs (what a recorded latency
/// includes besides the operation).
fn clock_pair_ns(n: usize) -> u64 {
    let mut v: Vec<u64> = (0..n)
        .map(|_| {
            let t0 = Instant::now();
            let t1 = Instant::now();
            t1.duration_since(t0).as_nanos() as u64
        })
        .collect();
    v.sort_unstable();
    crate::stats::percentile_sorted(&v, 50.0).unwrap_or(0)
}

/// Why a cell's region cannot be recorded.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    /// The map was prepared with accounting off.
    #[error("the map was built without accounting")]
    NoAccounting,
    /// The cell is no map cell (it has no map operations).
    #[error("not a map cell: no operations to record")]
    NotAMapCell,
}

/// Runs a prepared map cell's region (built with a counting probe),
/// recording its first `limit` operations.
pub fn record(r: &mut dyn Runnable, limit: usize) -> Result<Recording, TimelineError> {
    let last = r.accounting().ok_or(TimelineError::NoAccounting)?;
    let mut rec = Recorder {
        limit,
        origin: None,
        t0: Instant::now(),
        last,
        growing: r.growing(),
        open: None,
        seen: 0,
        rec: Recording {
            ops: Vec::with_capacity(limit.min(r.units() as usize).min(1 << 20)),
            limit: limit as u64,
            ..Recording::default()
        },
    };
    r.run_observed(&mut rec).ok_or(TimelineError::NotAMapCell)?;
    if let Some(mut g) = rec.open.take() {
        g.last_op = rec.rec.ops.len().saturating_sub(1);
        rec.rec.growths.push(g);
    }
    rec.rec.growths.sort_by_key(|g| g.first_op);
    rec.rec.ops_in_region = rec.seen;
    rec.rec.clock_pair_ns = clock_pair_ns(1001);
    Ok(rec.rec)
}

impl Recording {
    /// Whether the limit cut the recording short.
    pub fn truncated(&self) -> bool {
        (self.ops.len() as u64) < self.ops_in_region
    }

    /// Events of one kind, summed.
    fn total(&self, kind: EventKind) -> u64 {
        self.events
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.count)
            .sum()
    }

    /// The report's figures; `trace` and `svg` are the files' paths
    /// relative to the report folder.
    pub fn figures(&self, trace: String, svg: Option<String>) -> TimelineFigures {
        let per = self.ops.len().div_ceil(COLUMNS).max(1);
        let columns = self
            .ops
            .chunks(per)
            .map(|ops| {
                let slowest = ops.iter().max_by_key(|o| o.dur_ns);
                Column {
                    min_ns: ops.iter().map(|o| o.dur_ns).min().unwrap_or(0),
                    max_ns: slowest.map_or(0, |o| o.dur_ns),
                    path: slowest.map_or(CopyPath::Assign, |o| o.bytes.dominant().0),
                }
            })
            .collect();
        let mut sorted: Vec<u64> = self.ops.iter().map(|o| o.dur_ns).collect();
        sorted.sort_unstable();
        TimelineFigures {
            ops_recorded: self.ops.len() as u64,
            ops_in_region: self.ops_in_region,
            limit: self.limit,
            truncated: self.truncated(),
            clock_pair_ns: self.clock_pair_ns,
            growths: self.growths.clone(),
            evacuation_steps: self
                .events
                .iter()
                .filter(|e| e.kind == EventKind::Evacuate)
                .count() as u64,
            overflow_buckets: self.total(EventKind::Overflow),
            table_splits: self.total(EventKind::TableSplit),
            directory_grows: self.total(EventKind::DirectoryGrow),
            p50_ns: crate::stats::percentile_sorted(&sorted, 50.0).unwrap_or(0),
            max_ns: sorted.last().copied().unwrap_or(0),
            columns,
            ops_per_column: per as u64,
            trace,
            svg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TimelineError;

    #[test]
    fn errors_say_why_nothing_was_recorded() {
        assert_eq!(
            crate::error::chain(&TimelineError::NoAccounting),
            "the map was built without accounting"
        );
        assert_eq!(
            crate::error::chain(&TimelineError::NotAMapCell),
            "not a map cell: no operations to record"
        );
    }
}
