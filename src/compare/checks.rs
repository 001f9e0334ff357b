//! A `report.json` read by `compare` is input like any other: when it does
//! not parse, the error names the cell and the field; when a figure is one
//! no measurement can give (a time of 0 or below, a negative or non-finite
//! count), the report is refused rather than compared, since any verdict
//! drawn from it would be made up.

use crate::report::schema::{
    AccountingFigures, CallgrindFigures, CellReport, Counter, FlamegraphFigures, LatencyFigures,
    LensReport, Report, TimeFigures,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;

/// Why a `report.json` is not a valid report: where (the cell, the field)
/// and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ReportCheckError {
    /// The JSON does not have a report's shape.
    #[error("{at}: {reason}")]
    Shape {
        /// The cell (`cell \`id\` (cells\[3\])`) or the JSON path.
        at: String,
        /// The field and serde's reason.
        reason: String,
    },
    /// A figure no measurement gives.
    #[error("cell `{cell}`")]
    Figure {
        /// The cell's id.
        cell: String,
        /// The figure and its rule.
        #[source]
        source: BadFigure,
    },
}

/// A figure outside what a measurement gives: the field, its value and the
/// rule.
#[derive(Debug, thiserror::Error)]
pub enum BadFigure {
    /// A time or ratio that must be finite and above 0.
    #[error("{field} = {value} is not a valid {what} (it must be finite and above 0)")]
    NotPositive {
        /// The field's path in the cell.
        field: String,
        /// Its value.
        value: f64,
        /// What it measures.
        what: &'static str,
    },
    /// A figure that must be finite and not negative.
    #[error("{field} = {value} is not valid (it must be finite and not negative)")]
    Negative {
        /// The field's path in the cell.
        field: String,
        /// Its value.
        value: f64,
    },
}

/// Deserialises a report, with an error that names the cell and the field
/// when it fails (serde's own error stops at the lens, which is an untagged
/// enum: "data did not match any variant").
pub fn deserialize_report(value: Value) -> Result<Report, ReportCheckError> {
    match serde_path_to_error::deserialize::<_, Report>(&value) {
        Ok(r) => Ok(r),
        Err(e) => Err(explain(
            &value,
            &e.path().to_string(),
            e.inner().to_string(),
        )),
    }
}

/// A precise error for a failure at `path` (`cells[3].lenses.time`).
fn explain(value: &Value, path: &str, inner: String) -> ReportCheckError {
    let at_path = || ReportCheckError::Shape {
        at: format!("`{path}`"),
        reason: inner.clone(),
    };
    let Some(rest) = path.strip_prefix("cells[") else {
        return at_path();
    };
    let Some((index, field)) = rest.split_once(']') else {
        return at_path();
    };
    let Ok(i) = index.parse::<usize>() else {
        return at_path();
    };
    let cell = &value["cells"][i];
    let who = match cell.get("id").and_then(Value::as_str) {
        Some(id) => format!("cell `{id}` (cells[{i}])"),
        None => format!("cells[{i}]"),
    };
    let field = field.trim_start_matches('.');
    if let Some(lens) = field.strip_prefix("lenses.") {
        if let Some(detail) = lens_detail(lens, &cell["lenses"][lens]) {
            return ReportCheckError::Shape {
                at: who,
                reason: format!("lenses.{lens}.{detail}"),
            };
        }
    }
    ReportCheckError::Shape {
        at: who,
        reason: format!("{field}: {inner}"),
    }
}

/// Why a lens object is not valid: the figures' field and serde's reason.
fn lens_detail(lens: &str, v: &Value) -> Option<String> {
    let obj = v.as_object()?;
    if obj.contains_key("unavailable") || obj.contains_key("skipped") {
        return Some(format!(
            "{} must be a single text (the reason), with no other field",
            if obj.contains_key("unavailable") {
                "unavailable"
            } else {
                "skipped"
            }
        ));
    }
    fn figures<T: DeserializeOwned>(v: &Value) -> Option<String> {
        serde_path_to_error::deserialize::<_, T>(v)
            .err()
            .map(|e| format!("{}: {}", e.path(), e.inner()))
    }
    match lens {
        "accounting" => figures::<AccountingFigures>(v),
        "time" => figures::<TimeFigures>(v),
        "latency" => figures::<LatencyFigures>(v),
        "counters" => figures::<BTreeMap<String, Counter>>(v),
        "flamegraph" => figures::<FlamegraphFigures>(v),
        "callgrind" => figures::<CallgrindFigures>(v),
        _ => None,
    }
}

/// Refuses figures no measurement gives: times and latencies must be
/// finite and above 0, write amplification finite and above 0, other
/// figures finite and not negative.
pub fn check_figures(report: &Report) -> Result<(), ReportCheckError> {
    for c in &report.cells {
        check_cell(c).map_err(|source| ReportCheckError::Figure {
            cell: c.id.clone(),
            source,
        })?;
    }
    Ok(())
}

fn positive(field: &str, x: f64, what: &'static str) -> Result<(), BadFigure> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        Err(BadFigure::NotPositive {
            field: field.to_string(),
            value: x,
            what,
        })
    }
}

fn non_negative(field: &str, x: f64) -> Result<(), BadFigure> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(BadFigure::Negative {
            field: field.to_string(),
            value: x,
        })
    }
}

fn check_cell(c: &CellReport) -> Result<(), BadFigure> {
    let l = &c.lenses;
    if let LensReport::Ok(t) = &l.time {
        positive("lenses.time.ns_per_op", t.ns_per_op, "time")?;
        for (j, pt) in t.processes.iter().enumerate() {
            for (i, &s) in pt.samples_ns_per_op.iter().enumerate() {
                positive(
                    &format!("lenses.time.processes[{j}].samples_ns_per_op[{i}]"),
                    s,
                    "time",
                )?;
            }
        }
        non_negative("lenses.time.ci_low", t.ci_low)?;
        non_negative("lenses.time.ci_high", t.ci_high)?;
    }
    if let LensReport::Ok(x) = &l.latency {
        for (f, v) in [
            ("p50_ns", x.summary.p50_ns),
            ("p99_ns", x.summary.p99_ns),
            ("p999_ns", x.summary.p999_ns),
            ("max_ns", x.summary.max_ns),
        ] {
            non_negative(&format!("lenses.latency.{f}"), v)?;
        }
    }
    if let LensReport::Ok(a) = &l.accounting {
        if let Some(wa) = a.write_amplification {
            positive(
                "lenses.accounting.write_amplification",
                wa,
                "write amplification",
            )?;
        }
        non_negative("lenses.accounting.bytes_per_op", a.bytes_per_op)?;
    }
    if let LensReport::Ok(g) = &l.callgrind {
        non_negative("lenses.callgrind.ir_per_op", g.ir_per_op)?;
        non_negative("lenses.callgrind.cache_misses.value", g.cache_misses.value)?;
    }
    if let LensReport::Ok(counters) = &l.counters {
        for (name, k) in counters {
            if let Counter::Value { value, per_op, .. } = k {
                non_negative(&format!("lenses.counters.{name}.value"), *value)?;
                non_negative(&format!("lenses.counters.{name}.per_op"), *per_op)?;
            }
        }
    }
    Ok(())
}
