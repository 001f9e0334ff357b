//! The words of a comparison: a row's note, the thresholds sentence and the
//! title, shared by the Markdown, the HTML and the terminal summary. The
//! figures themselves print through [`crate::report::format`], the one
//! number formatter.

use super::schema::{CompareReport, MetricRow, Rule, Thresholds, Verdict};
use crate::report::format::{p_value, pct, pct_1};

/// What a reader should know about a row's verdict, in words.
pub fn note(row: &MetricRow, th: &Thresholds) -> String {
    let mut parts = Vec::new();
    match row.verdict {
        Verdict::Unavailable | Verdict::Incomparable => {
            parts.push(row.reason.clone().unwrap_or_default());
        }
        _ => match row.rule {
            Rule::MannWhitney => {
                let p = row.p_value.unwrap_or(1.0);
                parts.push(p_value(p));
                if row.verdict == Verdict::Same {
                    parts.push(if p < th.alpha {
                        format!("median change within {}", pct(th.time_practical))
                    } else {
                        format!("not significant at α = {}", th.alpha)
                    });
                }
            }
            Rule::CiOverlap | Rule::SeedSpread => {
                parts.push(row.reason.clone().unwrap_or_default())
            }
            Rule::ProcessMannWhitney => {
                if let Some(p) = row.p_value {
                    parts.push(format!("{} over processes", p_value(p)));
                }
                match row.basis.as_deref() {
                    Some("vs_reference") => parts.push("drift-cancelled (÷ reference)".into()),
                    Some("ns_per_op") => parts.push("raw ns/op".into()),
                    _ => {}
                }
                if let Some(f) = row.noise_floor {
                    parts.push(format!("noise floor {}", pct_1(f)));
                }
                if let Some(r) = &row.reason {
                    parts.push(r.clone());
                }
            }
            Rule::RatioThreshold if row.verdict == Verdict::Same => {
                parts.push("within threshold".into());
            }
            _ => {}
        },
    }
    if let Some(s) = &row.source {
        parts.push(format!("source: {s}"));
    }
    parts.retain(|p| !p.is_empty());
    parts.join("; ")
}

/// The thresholds in one sentence.
pub fn thresholds(th: &Thresholds) -> String {
    format!(
        "lower is better for every metric. Time: a Mann–Whitney U test over the two sides' processes significant at α = {} \
         and a change of more than {} or the runs' measured noise floor, whichever is larger (one run: process medians of ns/op; \
         two runs: each process's ratio to the reference workload, which cancels the machine's drift). \
         p99 latency: the processes' p99 significant at the same α and a change of more than {}. \
         perf-hw counters: a change of more than {}. Instructions, callgrind cache misses, bytes, WA and allocations: any difference.",
        th.alpha,
        pct(th.time_practical),
        pct(th.latency_ratio),
        pct(th.hw_counter_ratio)
    )
}

/// `A → B` with the labels.
pub fn title(r: &CompareReport) -> String {
    format!("{} \u{2192} {}", r.inputs.a.label, r.inputs.b.label)
}
