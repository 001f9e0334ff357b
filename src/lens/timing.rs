//! Time and latency figures from raw samples: the one place a median, its
//! bootstrap interval and latency percentiles are made into the report's
//! figures, whether the samples were taken in mapamp's own process or in
//! the Go harness.

use crate::report::schema::{LatencyFigures, TimeFigures};
use crate::stats;

/// The time lens's figures from per-sample ns per operation.
pub fn time_figures(
    samples_ns_per_op: Vec<f64>,
    ops_per_sample: u64,
    warmup_ms: u64,
    bytes_per_unit: u64,
) -> Result<TimeFigures, String> {
    let median = stats::median(&samples_ns_per_op).ok_or("no samples")?;
    let (ci_low, ci_high) =
        stats::bootstrap_median_ci(&samples_ns_per_op, 2000, 0x7469_6d65).ok_or("no samples")?;
    let ops_per_s = 1e9 / median.max(f64::MIN_POSITIVE);
    Ok(TimeFigures {
        ns_per_op: median,
        ci_low,
        ci_high,
        samples_ns_per_op,
        ops_per_sample,
        warmup_ms,
        ops_per_s,
        payload_bytes_per_s: (bytes_per_unit > 0).then_some(ops_per_s * bytes_per_unit as f64),
        accounting: "off".into(),
    })
}

/// The latency lens's figures from every operation's duration (any order).
pub fn latency_figures(mut ns: Vec<u64>, timer_overhead_ns: f64) -> Result<LatencyFigures, String> {
    if ns.is_empty() {
        return Err("the region ran no operation".into());
    }
    ns.sort_unstable();
    let p = |q: f64| stats::percentile_sorted(&ns, q).expect("non-empty") as f64;
    Ok(LatencyFigures {
        ops: ns.len() as u64,
        p50_ns: p(50.0),
        p99_ns: p(99.0),
        p999_ns: p(99.9),
        max_ns: *ns.last().expect("non-empty") as f64,
        mean_ns: ns.iter().sum::<u64>() as f64 / ns.len() as f64,
        timer_overhead_ns,
    })
}
