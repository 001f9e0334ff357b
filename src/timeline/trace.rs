//! A [`Recording`] as a Chrome trace-event file (`trace.json`), the JSON
//! Object Format of the Trace Event Format that chrome://tracing and
//! ui.perfetto.dev open.
//!
//! - process 1 is the cell (metadata `process_name` = the cell id);
//! - thread 1 (`operations`): one complete event (`"ph":"X"`) per recorded
//!   operation, named `write` or `delete`, `ts`/`dur` in µs (fractions keep
//!   the ns), `args` = the bytes it wrote per copy path (non-zero paths)
//!   and their total;
//! - thread 2 (`map events`): one nestable async span (`"ph":"b"` … `"e"`,
//!   category `growth`, one `id` per growth) per growth, from the start of
//!   the operation that started it to the end of the one that finished it
//!   (async spans may overlap: a write can finish one growth and start the
//!   next), and an instant event (`"ph":"i"`, thread scope) per evacuation
//!   step, overflow allocation, table split, directory doubling,
//!   small-to-table move or prune, at the start of its operation.
//!
//! Events are written in time order; `displayTimeUnit` is `ns`;
//! `otherData` holds the recording's limit, truncation and clock cost.

use super::{GrowthSpan, Recording};
use crate::accounting::CopyPath;
use crate::scenario::OpKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Name of the complete events of writes.
pub const WRITE: &str = "write";
/// Name of the complete events of deletes.
pub const DELETE: &str = "delete";
/// Category of growth spans.
pub const GROWTH: &str = "growth";

/// One trace event (the fields this file uses).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Event name.
    pub name: String,
    /// Category.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cat: String,
    /// Phase: `X`, `b`, `e`, `i` or `M`.
    pub ph: String,
    /// Timestamp, µs (absent on metadata events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<f64>,
    /// Duration of a complete event, µs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dur: Option<f64>,
    /// Process id.
    pub pid: u32,
    /// Thread id.
    pub tid: u32,
    /// Async span id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Instant event scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s: Option<String>,
    /// Arguments.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub args: Map<String, Value>,
}

/// A trace file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    /// The events.
    pub trace_events: Vec<TraceEvent>,
    /// `ns`: how the viewer shows times.
    pub display_time_unit: String,
    /// Figures of the recording.
    pub other_data: Map<String, Value>,
}

fn us(ns: u64) -> f64 {
    // Whole ns as µs with three decimals, exactly representable enough.
    ns as f64 / 1000.0
}

fn event(name: &str, cat: &str, ph: &str, ts_ns: u64, tid: u32) -> TraceEvent {
    TraceEvent {
        name: name.to_string(),
        cat: cat.to_string(),
        ph: ph.to_string(),
        ts: Some(us(ts_ns)),
        dur: None,
        pid: 1,
        tid,
        id: None,
        s: None,
        args: Map::new(),
    }
}

fn metadata(name: &str, tid: u32, value: &str) -> TraceEvent {
    let mut args = Map::new();
    args.insert("name".into(), value.into());
    TraceEvent {
        ts: None,
        args,
        ..event(name, "", "M", 0, tid)
    }
}

fn growth_event(r: &Recording, g: &GrowthSpan, index: usize, begin: bool) -> (u64, TraceEvent) {
    let (ph, ts) = if begin {
        ("b", r.ops[g.first_op].start_ns)
    } else {
        let last = &r.ops[g.last_op];
        ("e", last.start_ns + last.dur_ns)
    };
    let mut e = event(&format!("{} growth", g.kind), GROWTH, ph, ts, 2);
    e.id = Some(format!("0x{index:x}"));
    if begin {
        e.args.insert("first_op".into(), g.first_op.into());
        e.args.insert("last_op".into(), g.last_op.into());
        e.args.insert("finished".into(), g.finished.into());
    }
    (ts, e)
}

/// The recording of cell `cell` as a trace.
pub fn trace(r: &Recording, cell: &str) -> Trace {
    // (ts in ns, order at equal ts, event): begins before instants before ends.
    let mut timed: Vec<(u64, u8, TraceEvent)> = Vec::new();
    for o in &r.ops {
        let name = match o.kind {
            OpKind::Write => WRITE,
            OpKind::Remove => DELETE,
        };
        let mut e = event(name, "op", "X", o.start_ns, 1);
        e.dur = Some(us(o.dur_ns));
        for p in CopyPath::ALL {
            let b = o.bytes.get(p);
            if b > 0 {
                e.args.insert(p.name().into(), b.into());
            }
        }
        e.args.insert("total_bytes".into(), o.bytes.total().into());
        timed.push((o.start_ns, 1, e));
    }
    for (i, g) in r.growths.iter().enumerate() {
        let (ts, b) = growth_event(r, g, i, true);
        timed.push((ts, 0, b));
        let (ts, e) = growth_event(r, g, i, false);
        timed.push((ts, 3, e));
    }
    for ev in &r.events {
        let mut e = event(ev.kind.name(), "map", "i", r.ops[ev.op].start_ns, 2);
        e.s = Some("t".into());
        e.args.insert("op".into(), ev.op.into());
        e.args.insert("count".into(), ev.count.into());
        timed.push((r.ops[ev.op].start_ns, 2, e));
    }
    timed.sort_by_key(|(ts, order, _)| (*ts, *order));
    let mut events = vec![
        metadata("process_name", 1, cell),
        metadata("thread_name", 1, "operations"),
        metadata("thread_name", 2, "map events"),
    ];
    events.extend(timed.into_iter().map(|(_, _, e)| e));
    let mut other = Map::new();
    other.insert("cell".into(), cell.into());
    other.insert("ops_recorded".into(), r.ops.len().into());
    other.insert("ops_in_region".into(), r.ops_in_region.into());
    other.insert("limit".into(), r.limit.into());
    other.insert("truncated".into(), r.truncated().into());
    other.insert("clock_pair_ns".into(), r.clock_pair_ns.into());
    Trace {
        trace_events: events,
        display_time_unit: "ns".into(),
        other_data: other,
    }
}
