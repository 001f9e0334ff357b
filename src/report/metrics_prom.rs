//! `metrics.prom`: a report's per-cell figures in the Prometheus text
//! exposition format (version 0.0.4, which OpenMetrics readers also
//! accept), for node_exporter's textfile collector, a Pushgateway, or any
//! tool that scrapes that format.
//!
//! One gauge family per figure, each with `# HELP` and `# TYPE` lines; one
//! sample per cell, labelled with the run's profile, the cell id and the
//! cell's axes (`scenario`, `variant`, `config`, `n`, `keys`, `key_size`,
//! `value_size`, `hint`). Bytes per copy path carry a `path` label, and only
//! the paths the cell's variant can take appear. Times are in seconds (the
//! format's base unit). A figure that was not measured (lens unavailable or
//! skipped) has **no sample**, never 0: absence is how the format says
//! "unknown".

use super::schema::{CellReport, Report};
use crate::accounting::CopyPath;
use crate::variants::Variant;
use std::fmt::Write;

/// File name of the metrics file inside a report folder.
pub const METRICS_PROM: &str = "metrics.prom";

/// Label names and values.
type Labels = Vec<(&'static str, String)>;

/// A family's samples of one cell: extra labels and the value.
type Samples = Vec<(Labels, f64)>;

/// One metric family: name, help text, and how a cell yields its samples.
struct Family {
    name: &'static str,
    help: &'static str,
    samples: fn(&CellReport) -> Samples,
}

/// A single value without extra labels, if the cell has it.
fn one(v: Option<f64>) -> Samples {
    v.map(|v| (Vec::new(), v)).into_iter().collect()
}

/// The copy paths that apply to a cell (by its variant; locate cells and
/// real-Go cells whose variant names no model take the classic paths).
fn paths_of(c: &CellReport) -> &'static [CopyPath] {
    Variant::parse(&c.axes.variant).map_or(CopyPath::CLASSIC, |v| v.copy_paths())
}

const FAMILIES: &[Family] = &[
    Family {
        name: "mapamp_bytes_written_bytes",
        help: "Bytes the measured region wrote, per copy path (exact accounting; paths the variant cannot take are absent).",
        samples: |c| match c.lenses.accounting.ok() {
            Some(a) => paths_of(c)
                .iter()
                .map(|&p| {
                    (
                        vec![("path", p.name().to_string())],
                        a.bytes_written.get(p) as f64,
                    )
                })
                .collect(),
            None => Vec::new(),
        },
    },
    Family {
        name: "mapamp_total_bytes_written_bytes",
        help: "Bytes the measured region wrote over all copy paths.",
        samples: |c| one(c.lenses.accounting.ok().map(|a| a.total_bytes as f64)),
    },
    Family {
        name: "mapamp_payload_bytes",
        help: "Key and value bytes of the writes the measured region asked for.",
        samples: |c| one(c.lenses.accounting.ok().map(|a| a.payload_bytes as f64)),
    },
    Family {
        name: "mapamp_write_amplification_ratio",
        help: "Write amplification: bytes written over payload bytes (absent when the region writes no payload).",
        samples: |c| one(c.lenses.accounting.ok().and_then(|a| a.write_amplification)),
    },
    Family {
        name: "mapamp_bytes_written_per_op_bytes",
        help: "Bytes written per operation of the measured region.",
        samples: |c| one(c.lenses.accounting.ok().map(|a| a.bytes_per_op)),
    },
    Family {
        name: "mapamp_ops",
        help: "Operations of the measured region (the unit figures are normalised by).",
        samples: |c| one(Some(c.ops as f64)),
    },
    Family {
        name: "mapamp_model_allocations",
        help: "Allocations the modelled design makes in the measured region.",
        samples: |c| one(c.lenses.accounting.ok().map(|a| a.model_allocations as f64)),
    },
    Family {
        name: "mapamp_heap_allocations",
        help: "Real heap allocations in the measured region (counting allocator).",
        samples: |c| {
            one(c
                .lenses
                .accounting
                .ok()
                .and_then(|a| a.heap_allocations)
                .map(|v| v as f64))
        },
    },
    Family {
        name: "mapamp_time_per_op_seconds",
        help: "Wall-clock time per operation: median over processes of each process's median (accounting off).",
        samples: |c| one(c.lenses.time.ok().map(|t| t.ns_per_op * 1e-9)),
    },
    Family {
        name: "mapamp_latency_p99_seconds",
        help: "99th percentile of single-operation latency (median over processes).",
        samples: |c| one(c.lenses.latency.ok().map(|l| l.summary.p99_ns * 1e-9)),
    },
    Family {
        name: "mapamp_instructions",
        help: "Instructions executed by the measured region (callgrind Ir).",
        samples: |c| one(c.lenses.callgrind.ok().map(|g| g.ir as f64)),
    },
    Family {
        name: "mapamp_instructions_per_op",
        help: "Instructions per operation of the measured region (callgrind Ir per op).",
        samples: |c| one(c.lenses.callgrind.ok().map(|g| g.ir_per_op)),
    },
];

/// Escapes a label value: backslash, double quote and line feed.
fn label_value(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Escapes a HELP text: backslash and line feed.
fn help_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A sample value: shortest exact decimal, `+Inf`/`-Inf`/`NaN` spelled as
/// the format spells them.
fn value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{v}")
    }
}

/// The labels every sample of a cell carries.
fn cell_labels(profile: &str, c: &CellReport) -> Labels {
    let a = &c.axes;
    vec![
        ("profile", profile.to_string()),
        ("cell", c.id.clone()),
        ("scenario", a.scenario.clone()),
        ("variant", a.variant.clone()),
        ("config", a.config.clone()),
        ("n", a.n.to_string()),
        ("keys", a.keys.clone()),
        ("key_size", a.key_size.to_string()),
        ("value_size", a.value_size.to_string()),
        ("hint", a.hint.clone()),
    ]
}

/// The text of `metrics.prom` for a report.
pub fn metrics_prom(r: &Report) -> String {
    let mut s = String::new();
    s += "# HELP mapamp_run_info The run these figures come from (value always 1).\n";
    s += "# TYPE mapamp_run_info gauge\n";
    let _ = writeln!(
        s,
        "mapamp_run_info{{profile=\"{}\",mapamp_version=\"{}\",schema_version=\"{}\",started_at=\"{}\"}} 1",
        label_value(&r.run.profile),
        label_value(&r.mapamp_version),
        r.schema_version,
        label_value(&r.run.started_at)
    );
    for f in FAMILIES {
        let _ = writeln!(s, "# HELP {} {}", f.name, help_text(f.help));
        let _ = writeln!(s, "# TYPE {} gauge", f.name);
        for c in &r.cells {
            for (extra, v) in (f.samples)(c) {
                let labels: Vec<String> = cell_labels(&r.run.profile, c)
                    .into_iter()
                    .chain(extra)
                    .map(|(k, v)| format!("{k}=\"{}\"", label_value(&v)))
                    .collect();
                let _ = writeln!(s, "{}{{{}}} {}", f.name, labels.join(","), value(v));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn special_values_use_the_formats_spelling() {
        assert_eq!(value(f64::NAN), "NaN");
        assert_eq!(value(f64::INFINITY), "+Inf");
        assert_eq!(value(-f64::INFINITY), "-Inf");
        assert_eq!(value(1.5e-8), "0.000000015");
        assert_eq!(value(8.0), "8");
    }
}
