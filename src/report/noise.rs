//! "How far to trust the times": the statement at the top of `summary.md`
//! and `index.html` — how time was sampled, the run's measured A/A noise
//! floor and false-difference rate, which figure `compare` tests, and the
//! flame graphs' sampler. Plain-text lines built once from the report;
//! each rendering escapes them.

use super::format::{integer, not_available};
use super::schema::{LensReport, Report};
use crate::stats;

/// `±4.3%`.
fn pm(fraction: f64) -> String {
    format!("±{:.1}%", fraction * 100.0)
}

/// The lines of the statement, in order.
pub fn trust_lines(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let s = &r.run.schedule;
    let timed = r.cells.iter().any(|c| c.lenses.time.ok().is_some());
    if timed {
        out.push(format!(
            "Time: {} processes per cell, run in {} interleaved rounds (each round every cell once, in its own shuffled order; seed {}). A cell's ns/op is the median of its processes' medians; its 95% interval resamples processes, then samples within them.",
            s.time_processes, s.time_processes, s.seed
        ));
        let procs = r
            .cells
            .iter()
            .filter_map(|c| c.lenses.time.ok())
            .flat_map(|t| &t.processes);
        let (kept, redone) = procs.fold((0, 0), |(k, d), p| {
            (k + p.samples_ns_per_op.len(), d + p.redone)
        });
        out.push(format!(
            "Samples: {} kept; {} redone because the scheduler preempted the process during them (their time included another program's).",
            integer(kept as u64),
            integer(redone as u64)
        ));
    }
    if let Some(l) = &r.run.load_average {
        let busy = l.start[0].max(l.end[0]) > r.machine.cores as f64;
        out.push(format!(
            "Machine load (1-minute average): {:.1} when the run started, {:.1} when it ended, on {} CPUs{}.",
            l.start[0],
            l.end[0],
            r.machine.cores,
            if busy {
                ": other programs competed for the CPUs while the times were taken, so expect a higher noise floor than on a quiet machine"
            } else {
                ""
            }
        ));
    }
    match &r.noise {
        LensReport::Ok(n) => {
            let vs = match n.floor_vs_reference {
                Some(f) => format!(", {} for the drift-cancelled figure", pm(f)),
                None => String::new(),
            };
            out.push(format!(
                "Noise floor (A/A, measured in this run): {} for ns/op{vs}. Each cell's processes split in two halves are identical work measured twice; over {} cells they differed by {:.1}% at the median, and the floor is their 95th percentile scaled to whole cells (÷√2). `mapamp compare` never calls a smaller time difference better or worse.",
                pm(n.floor),
                n.cells,
                n.median_half_change * 100.0
            ));
            let pairs = n.identical_pairs.len();
            if pairs > 0 {
                out.push(format!(
                    "False-difference rate: of {pairs} {} of cells that did identical work (same bytes on every copy path, instruction count and page faults), {} got a time verdict from the process-level test alone ({:.0}%), {} with the floor applied.",
                    if pairs == 1 { "pair" } else { "pairs" },
                    n.false_differences,
                    100.0 * n.false_differences as f64 / pairs as f64,
                    n.false_differences_after_floor
                ));
            }
            if !n.page_fault_pairs.is_empty() {
                let list: Vec<String> = n
                    .page_fault_pairs
                    .iter()
                    .map(|p| {
                        let (fa, fb) = p.page_faults.unwrap_or_default();
                        format!(
                            "{} against {} ({fa:.0} against {fb:.0} page faults per region; time {:+.0}%, {})",
                            p.a, p.b, p.change * 100.0, p.verdict
                        )
                    })
                    .collect();
                out.push(format!(
                    "Not identical work, although bytes and instructions are the same: {}. The kernel zero-fills fresh pages for one side only, so their time may really differ.",
                    list.join("; ")
                ));
            }
            if let Some(note) = &n.identical_pairs_note {
                out.push(format!("Identical-work pairs: {note}."));
            }
        }
        LensReport::Unavailable { unavailable } => {
            out.push(format!("Noise floor: {}", not_available(unavailable)));
        }
        LensReport::Skipped { skipped } => {
            out.push(format!("Noise floor: {}", not_available(skipped)));
        }
    }
    if let Some(reference) = r
        .cells
        .iter()
        .find_map(|c| c.lenses.time.ok()?.vs_reference.as_ref())
    {
        out.push(format!(
            "Drift-cancelled figure (÷ ref): each process's ns/op over the reference workload's ns per key, timed in the same process just before each sample ({}). `mapamp compare` of two runs tests this figure; of two selections of one run, raw ns/op.",
            reference.reference
        ));
    }
    let flames: Vec<_> = r
        .cells
        .iter()
        .filter_map(|c| c.lenses.flamegraph.ok())
        .collect();
    if !flames.is_empty() {
        let mut samplers: Vec<&str> = flames.iter().map(|f| f.sampler.as_str()).collect();
        samplers.sort_unstable();
        samplers.dedup();
        let counts: Vec<f64> = flames.iter().map(|f| f.samples as f64).collect();
        let min = flames.iter().map(|f| f.samples).min().unwrap_or(0);
        out.push(format!(
            "Flame graphs: {} cells, {} samples per cell at the median, {} at least; sampler: {}.",
            flames.len(),
            integer(stats::median(&counts).unwrap_or(0.0) as u64),
            integer(min),
            samplers.join(", ")
        ));
    }
    out
}
