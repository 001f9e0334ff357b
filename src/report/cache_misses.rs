//! A cell's cache misses per operation, by source: the one place that
//! knows where cache-miss figures live in a report (the counters lens'
//! `cache-misses` counter, callgrind's simulated last-level misses) and
//! which source is preferred. The report's `cache_misses` column shows the
//! first figure a cell has; `compare`'s `cache_misses` row compares the
//! first source both sides have. Each caller words its own "why not".

use super::schema::{CellReport, Counter, LensReport};
use crate::names::Named;
use std::collections::BTreeMap;
use strum::VariantArray;

/// Where a cache-miss figure comes from, in order of preference (a
/// hardware count is the machine's own; callgrind's is a simulation, but
/// exact and reproducible). The names are the report's `source` strings.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::Display,
)]
pub enum CacheMissSource {
    /// perf's hardware `cache-misses` event (the counters lens).
    #[strum(serialize = "perf-hw")]
    PerfHw,
    /// callgrind's simulated last-level data cache, `DLmr + DLmw`.
    #[strum(serialize = "callgrind-sim")]
    CallgrindSim,
}

impl Named for CacheMissSource {}

impl CacheMissSource {
    /// The source a report names `s` (`perf-hw`, `callgrind-sim`).
    pub fn parse(s: &str) -> Result<Self, crate::names::UnknownName> {
        crate::names::parse(s, "cache-miss source", "valid")
    }
}

/// Names under which a cache-miss counter may appear in the counters lens
/// (the schema does not fix counter names; `cache-misses` is perf's).
pub const COUNTER_NAMES: [&str; 2] = ["cache_misses", "cache-misses"];

/// The cache-miss counter of a counters lens, under the first of
/// [`COUNTER_NAMES`] it has, with that name.
pub fn counter(counters: &BTreeMap<String, Counter>) -> Option<(&'static str, &Counter)> {
    COUNTER_NAMES
        .iter()
        .find_map(|name| counters.get(*name).map(|counter| (*name, counter)))
}

/// One cache-miss figure of a cell.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheMisses<'a> {
    /// Where it comes from.
    pub source: CacheMissSource,
    /// Total over the measured region.
    pub total: f64,
    /// Per operation; `None` when the cell ran no operation.
    pub per_op: Option<f64>,
    /// The unit (`events`).
    pub unit: &'a str,
    /// The share of the time a multiplexed counter counted, if it was.
    pub multiplexed: Option<f64>,
}

/// Every cache-miss figure `c` has, in [`CacheMissSource`]'s order of
/// preference (at most one per source). A counter whose source is not a
/// [`CacheMissSource`] is no cache-miss figure.
pub fn by_source(c: &CellReport) -> Vec<CacheMisses<'_>> {
    let counted = match &c.lenses.counters {
        LensReport::Ok(map) => match counter(map) {
            Some((
                _,
                Counter::Value {
                    value,
                    unit,
                    source,
                    per_op,
                    multiplexed,
                },
            )) => CacheMissSource::parse(source)
                .ok()
                .map(|source| CacheMisses {
                    source,
                    total: *value,
                    per_op: Some(*per_op),
                    unit,
                    multiplexed: *multiplexed,
                }),
            _ => None,
        },
        _ => None,
    };
    let simulated = c.lenses.callgrind.ok().map(|cg| {
        let m = &cg.cache_misses;
        CacheMisses {
            source: CacheMissSource::CallgrindSim,
            total: m.value,
            per_op: (c.ops > 0).then(|| m.value / c.ops as f64),
            unit: &m.unit,
            multiplexed: None,
        }
    });
    let mut found: Vec<CacheMisses<'_>> = counted.into_iter().chain(simulated).collect();
    found.sort_by_key(|f| {
        CacheMissSource::VARIANTS
            .iter()
            .position(|&s| s == f.source)
    });
    found.dedup_by_key(|f| f.source);
    found
}

/// The most preferred source that both `a` and `b` list.
pub fn common_source(a: &[CacheMissSource], b: &[CacheMissSource]) -> Option<CacheMissSource> {
    CacheMissSource::VARIANTS
        .iter()
        .copied()
        .find(|s| a.contains(s) && b.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_report_sources_and_parse_back() {
        assert_eq!(CacheMissSource::PerfHw.to_string(), "perf-hw");
        assert_eq!(<&str>::from(CacheMissSource::CallgrindSim), "callgrind-sim");
        for &s in CacheMissSource::VARIANTS {
            assert_eq!(CacheMissSource::parse(s.into()), Ok(s));
        }
        let err = CacheMissSource::parse("perf-sw").unwrap_err().to_string();
        assert!(err.contains("perf-hw, callgrind-sim"), "{err}");
    }

    #[test]
    fn the_hardware_count_is_preferred_when_both_sides_have_it() {
        use CacheMissSource::*;
        let both = [CallgrindSim, PerfHw];
        let sim = [CallgrindSim];
        let hw = [PerfHw];
        assert_eq!(common_source(&both, &both), Some(PerfHw));
        assert_eq!(common_source(&both, &sim), Some(CallgrindSim));
        assert_eq!(common_source(&sim, &both), Some(CallgrindSim));
        assert_eq!(common_source(&hw, &sim), None);
        assert_eq!(common_source(&[], &both), None);
    }
}
