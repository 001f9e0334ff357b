//! Number and note formatting shared by the renderers, so the Markdown, the
//! HTML and the terminal summary print a figure the same way. Output is
//! deterministic: fixed decimals, no locale, no exponent for usual ranges.

use super::schema::{CompareReport, MetricRow, Rule, Thresholds, Verdict};

/// A figure: integers as integers, others with decimals by magnitude.
pub fn value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else if v.abs() >= 1000.0 {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}

/// An optional figure; `—` when absent.
pub fn opt_value(v: Option<f64>) -> String {
    v.map(value).unwrap_or_else(|| "—".into())
}

/// A difference, signed.
pub fn delta(v: Option<f64>) -> String {
    match v {
        Some(d) if d > 0.0 => format!("+{}", value(d)),
        Some(d) => value(d),
        None => "—".into(),
    }
}

/// A ratio B / A.
pub fn ratio(v: Option<f64>) -> String {
    v.map(|r| format!("{r:.3}")).unwrap_or_else(|| "—".into())
}

/// A relative change of a row with figures: `+12.50%`; `from 0` when A is 0.
pub fn change(c: Option<f64>, has_figures: bool) -> String {
    match (c, has_figures) {
        (Some(c), _) => format!("{:+.2}%", c * 100.0),
        (None, true) => "from 0".into(),
        (None, false) => "—".into(),
    }
}

/// A fraction as a percentage without trailing zeros: 0.02 → `2%`.
pub fn pct(fraction: f64) -> String {
    let s = format!("{:.4}", fraction * 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// A fraction as a percentage with one decimal: 0.0432 → `±4.3%`.
pub fn pct_1(fraction: f64) -> String {
    format!("±{:.1}%", fraction * 100.0)
}

/// A share of samples: `12.34%`.
pub fn share(s: f64) -> String {
    format!("{:.2}%", s * 100.0)
}

/// A change of share in percentage points: `+3.21 pp`.
pub fn share_delta(d: f64) -> String {
    let d = if d.abs() < 0.00005 { 0.0 } else { d };
    format!("{:+.2} pp", d * 100.0)
}

/// A p-value.
pub fn p_value(p: f64) -> String {
    if p < 0.0001 {
        "p < 0.0001".into()
    } else {
        format!("p = {p:.4}")
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_format_by_magnitude() {
        assert_eq!(value(17408.0), "17408");
        assert_eq!(value(8.53125), "8.531");
        assert_eq!(value(1234.56), "1234.6");
        assert_eq!(value(0.012345), "0.0123");
        assert_eq!(delta(Some(3.0)), "+3");
        assert_eq!(delta(Some(-0.5)), "-0.5000");
        assert_eq!(change(Some(-0.25), true), "-25.00%");
        assert_eq!(change(None, true), "from 0");
        assert_eq!(pct(0.02), "2%");
        assert_eq!(pct(0.1), "10%");
        assert_eq!(pct(0.025), "2.5%");
        assert_eq!(share_delta(-0.00001), "+0.00 pp");
    }
}
