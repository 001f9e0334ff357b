//! The counters lens: perf-event counts of one run of a measured closure.
//!
//! [`count`] opens every counter of [`EVENTS`] on its own, enables them just
//! around the closure, and returns one [`Counter`] per name: a value (scaled
//! when the kernel multiplexed it, with `multiplexed` set to the running
//! share) or the reason it is unavailable. One counter failing never loses
//! the others: on a VM without a PMU the hardware counters say so while
//! `page_faults` and `task_clock_ns` still come back.
//!
//! ```no_run
//! use mapamp::lens::counters;
//! use mapamp::region::measured_region;
//!
//! let ops = 1_000_000u64;
//! let (sum, figures) = counters::count(ops, || measured_region(|| (0..ops).sum::<u64>()));
//! println!("{sum} {:?}", figures["task_clock_ns"]);
//! ```
//!
//! The counters are enabled one after another and disabled in the same
//! order, so each one's window is the closure plus a few `ioctl` calls;
//! being user-space only, they do not see the calls' kernel side.

use super::perf_events::{open_error_reason, EventSpec, Reading, EVENTS};
use crate::lens::figures::Counter;
use crate::machine::perf_event_paranoid;
use crate::machine::Availability;
use std::collections::BTreeMap;

/// Runs `f` once with every counter enabled around it; `ops` is the number
/// of operations `f` performs (for `per_op`), and must be at least 1.
pub fn count<R>(ops: u64, f: impl FnOnce() -> R) -> (R, BTreeMap<String, Counter>) {
    assert!(
        ops > 0,
        "counters::count needs ops ≥ 1 to report per-op figures"
    );
    let paranoid = perf_event_paranoid();
    let mut opened: Vec<(&EventSpec, Result<perf_event::Counter, String>)> = Vec::new();
    let mut pmu_usable = None;
    for spec in EVENTS.iter() {
        let counter = spec.open().map_err(|e| {
            open_error_reason(spec.name, &e, spec.is_hardware(), pmu_usable, paranoid)
        });
        if spec.name == "cycles" {
            pmu_usable = Some(counter.is_ok());
        }
        opened.push((spec, counter));
    }

    for (spec, slot) in opened.iter_mut() {
        if let Ok(c) = slot {
            if let Err(e) = c.reset().and_then(|_| c.enable()) {
                *slot = Err(format!("cannot enable {}: {e}", spec.name));
            }
        }
    }
    let result = f();
    for (spec, slot) in opened.iter_mut() {
        if let Ok(c) = slot {
            if let Err(e) = c.disable() {
                *slot = Err(format!("cannot disable {}: {e}", spec.name));
            }
        }
    }

    let figures = opened
        .into_iter()
        .map(|(spec, slot)| {
            let counter = match slot {
                Ok(mut c) => match Reading::read(&mut c) {
                    Ok(reading) => counter_figure(spec, &reading, ops),
                    Err(e) => Counter::Unavailable {
                        unavailable: format!("cannot read {}: {e}", spec.name),
                    },
                },
                Err(reason) => Counter::Unavailable {
                    unavailable: reason,
                },
            };
            (spec.name.to_string(), counter)
        })
        .collect();
    (result, figures)
}

/// One counter's figure from its reading over the region.
pub fn counter_figure(spec: &EventSpec, reading: &Reading, ops: u64) -> Counter {
    match reading.scaled() {
        Ok((value, multiplexed)) => Counter::Value {
            value,
            unit: spec.unit.to_string(),
            source: spec.source().to_string(),
            per_op: value / ops as f64,
            multiplexed,
        },
        Err(reason) => Counter::Unavailable {
            unavailable: reason.into(),
        },
    }
}

/// Whether a hardware cycles counter can be opened here; the detail is the
/// PMU's name (from sysfs) when it can, the reason when it cannot.
pub fn pmu_availability() -> Availability {
    let cycles = &EVENTS[0];
    match cycles.open() {
        Ok(_) => Availability {
            available: true,
            detail: pmu_name().unwrap_or_else(|| "hardware cycles counter opens".to_string()),
        },
        Err(e) => Availability {
            available: false,
            detail: open_error_reason(cycles.name, &e, true, None, perf_event_paranoid()),
        },
    }
}

/// The core PMU's name as sysfs gives it (`skylake`, `zen3`...), if it does.
fn pmu_name() -> Option<String> {
    ["cpu", "cpu_core"].iter().find_map(|dev| {
        std::fs::read_to_string(format!("/sys/bus/event_source/devices/{dev}/caps/pmu_name"))
            .ok()
            .map(|s| format!("{dev} PMU: {}", s.trim()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lens::perf_events::event;

    #[test]
    fn figures_carry_source_unit_and_per_op() {
        let spec = event("cycles").unwrap();
        let r = Reading {
            count: 900,
            time_enabled: 300,
            time_running: 100,
        };
        match counter_figure(spec, &r, 10) {
            Counter::Value {
                value,
                unit,
                source,
                per_op,
                multiplexed,
            } => {
                assert_eq!((value, per_op), (2700.0, 270.0));
                assert_eq!((unit.as_str(), source.as_str()), ("events", "perf-hw"));
                assert!((multiplexed.unwrap() - 1.0 / 3.0).abs() < 1e-12);
            }
            other => panic!("{other:?}"),
        }
        let spec = event("task_clock_ns").unwrap();
        let r = Reading {
            count: 5,
            time_enabled: 5,
            time_running: 5,
        };
        let Counter::Value {
            unit, multiplexed, ..
        } = counter_figure(spec, &r, 1)
        else {
            panic!()
        };
        assert_eq!((unit.as_str(), multiplexed), ("ns", None));
    }
}
