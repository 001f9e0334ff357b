//! One hardware counter as a criterion [`Measurement`].
//!
//! `PerfMeasurement::new("cycles")` opens the counter on the calling thread
//! (user space only) and keeps it running; each criterion sample is the
//! difference of two readings, scaled by `time_enabled / time_running` when
//! the kernel multiplexed the counter. Criterion then reports, say, cycles
//! per iteration instead of time.
//!
//! ```no_run
//! use criterion::{criterion_group, criterion_main, Criterion};
//! use mapamp::lens::perf_measurement::PerfMeasurement;
//!
//! fn bench(c: &mut Criterion<PerfMeasurement>) {
//!     c.bench_function("sum", |b| b.iter(|| (0..1000u64).sum::<u64>()));
//! }
//!
//! fn config() -> Criterion<PerfMeasurement> {
//!     let m = PerfMeasurement::new("instructions")
//!         .unwrap_or_else(|e| panic!("{}", mapamp::error::chain(&e)));
//!     Criterion::default().with_measurement(m)
//! }
//! criterion_group! { name = benches; config = config(); targets = bench }
//! criterion_main!(benches);
//! ```
//!
//! Where the counter cannot be opened (no PMU in a VM, `perf_event_paranoid`)
//! [`PerfMeasurement::new`] returns the reason; a bench should then skip the
//! counter, never substitute a number. The counter counts the thread that
//! created the measurement, which is the thread criterion runs benchmarks on.

use super::error::LensError;
use super::perf_events::{self, open_error_reason, Reading};
use crate::machine::perf_event_paranoid;
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::Throughput;
use std::sync::Mutex;

/// Counter names [`PerfMeasurement::new`] accepts.
pub const COUNTER_NAMES: [&str; 7] = [
    "cycles",
    "instructions",
    "cache-misses",
    "cache-references",
    "branch-misses",
    "l1d-read-misses",
    "dtlb-read-misses",
];

/// A criterion measurement reading one hardware counter.
pub struct PerfMeasurement {
    name: &'static str,
    counter: Mutex<perf_event::Counter>,
    formatter: CounterFormatter,
}

impl PerfMeasurement {
    /// Opens and enables the counter `name` (one of [`COUNTER_NAMES`]).
    pub fn new(name: &str) -> Result<PerfMeasurement, LensError> {
        let index = COUNTER_NAMES
            .iter()
            .position(|n| *n == name)
            .ok_or_else(|| LensError::UnknownCounter { name: name.into() })?;
        let spec = perf_events::event(name)
            .ok_or_else(|| LensError::NotInEventTable { name: name.into() })?;
        let reason = |e: &std::io::Error, pmu_usable| LensError::CannotOpen {
            name: name.into(),
            reason: open_error_reason(spec.name, e, true, pmu_usable, perf_event_paranoid()),
        };
        let mut counter = match spec.open() {
            Ok(c) => c,
            Err(e) => {
                // Tell "no PMU" from "this PMU lacks the event".
                let pmu_usable = perf_events::EVENTS[0].open().is_ok();
                return Err(reason(&e, Some(pmu_usable)));
            }
        };
        counter.enable().map_err(|source| LensError::Enable {
            name: name.into(),
            source,
        })?;
        Ok(PerfMeasurement {
            name: COUNTER_NAMES[index],
            counter: Mutex::new(counter),
            formatter: CounterFormatter {
                units: UNITS[index],
            },
        })
    }

    /// The counter's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    fn read(&self) -> Reading {
        let mut counter = self.counter.lock().unwrap_or_else(|e| e.into_inner());
        Reading::read(&mut counter)
            .unwrap_or_else(|e| panic!("mapamp: cannot read the {} counter: {e}", self.name))
    }
}

impl Measurement for PerfMeasurement {
    type Intermediate = Reading;
    type Value = u64;

    fn start(&self) -> Reading {
        self.read()
    }

    /// The events since `start`, scaled if multiplexed. Panics if the counter
    /// never got onto the PMU in between: there is no count to report.
    fn end(&self, start: Reading) -> u64 {
        let delta = self.read().since(&start);
        match delta.scaled() {
            Ok((value, _)) => value.round() as u64,
            Err(reason) => panic!("mapamp: no {} count for this sample: {reason}", self.name),
        }
    }

    fn add(&self, v1: &u64, v2: &u64) -> u64 {
        v1 + v2
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &self.formatter
    }
}

/// Unit strings of one counter (criterion wants `&'static str`).
#[derive(Clone, Copy, Debug)]
struct Units {
    /// Plain, ×10³, ×10⁶, ×10⁹.
    scaled: [&'static str; 4],
    per_element: &'static str,
    per_byte: &'static str,
    per_bit: &'static str,
}

macro_rules! units {
    ($u:literal) => {
        Units {
            scaled: [$u, concat!("K", $u), concat!("M", $u), concat!("G", $u)],
            per_element: concat!($u, "/elem"),
            per_byte: concat!($u, "/B"),
            per_bit: concat!($u, "/bit"),
        }
    };
}

/// Units in the order of [`COUNTER_NAMES`].
const UNITS: [Units; 7] = [
    units!("cycles"),
    units!("instructions"),
    units!("cache-misses"),
    units!("cache-references"),
    units!("branch-misses"),
    units!("l1d-read-misses"),
    units!("dtlb-read-misses"),
];

/// Formats counts as `1.23 Mcycles`, throughputs as `cycles/elem`.
struct CounterFormatter {
    units: Units,
}

impl ValueFormatter for CounterFormatter {
    fn scale_values(&self, typical_value: f64, values: &mut [f64]) -> &'static str {
        let step = if typical_value < 1e3 {
            0
        } else if typical_value < 1e6 {
            1
        } else if typical_value < 1e9 {
            2
        } else {
            3
        };
        let factor = 1e3f64.powi(step as i32);
        for v in values.iter_mut() {
            *v /= factor;
        }
        self.units.scaled[step]
    }

    fn scale_throughputs(
        &self,
        _typical_value: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let (per, unit) = match *throughput {
            Throughput::Bits(bits) => (bits, self.units.per_bit),
            Throughput::Bytes(bytes) | Throughput::BytesDecimal(bytes) => {
                (bytes, self.units.per_byte)
            }
            Throughput::Elements(elements) | Throughput::ElementsAndBytes { elements, .. } => {
                (elements, self.units.per_element)
            }
        };
        let per = per.max(1) as f64;
        for v in values.iter_mut() {
            *v /= per;
        }
        unit
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        self.units.scaled[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_has_an_event_and_units() {
        for (name, units) in COUNTER_NAMES.iter().zip(UNITS) {
            let spec = perf_events::event(name).unwrap();
            assert!(spec.is_hardware(), "{name}");
            assert_eq!(units.scaled[0], *name);
        }
    }

    #[test]
    fn unknown_names_are_refused_with_the_list() {
        let e = crate::error::chain(&PerfMeasurement::new("cpu-clock").err().unwrap());
        assert!(e.contains("unknown counter `cpu-clock`") && e.contains("dtlb-read-misses"));
    }

    #[test]
    fn formatter_scales_counts_and_throughputs() {
        let f = CounterFormatter { units: UNITS[0] };
        let mut v = [2_500_000.0, 1_000_000.0];
        assert_eq!(f.scale_values(2_000_000.0, &mut v), "Mcycles");
        assert_eq!(v, [2.5, 1.0]);
        let mut v = [12.0];
        assert_eq!(f.scale_values(12.0, &mut v), "cycles");
        let mut v = [4000.0];
        assert_eq!(
            f.scale_throughputs(4000.0, &Throughput::Elements(1000), &mut v),
            "cycles/elem"
        );
        assert_eq!(v, [4.0]);
        let mut v = [4000.0];
        assert_eq!(
            f.scale_throughputs(4000.0, &Throughput::Bytes(2000), &mut v),
            "cycles/B"
        );
        assert_eq!(v, [2.0]);
        assert_eq!(f.scale_for_machines(&mut [1.0]), "cycles");
        assert!(f.format_value(3_000.0).contains("Kcycles"));
    }

    /// On a machine with a PMU the counter opens and counts; without one,
    /// the error names the counter and the reason.
    #[test]
    fn opens_or_says_why() {
        let pmu = crate::lens::counters::pmu_availability();
        match PerfMeasurement::new("instructions") {
            Ok(m) => {
                assert!(pmu.available, "{pmu:?}");
                let start = m.start();
                let mut acc = 0u64;
                for i in 0..10_000u64 {
                    acc = acc.wrapping_add(std::hint::black_box(i));
                }
                let n = m.end(start);
                assert!(acc > 0 && n > 10_000, "{n}");
            }
            Err(e) => {
                let e = crate::error::chain(&e);
                assert!(!pmu.available, "{pmu:?} but {e}");
                assert!(e.starts_with("cannot count instructions:"), "{e}");
                assert!(e.contains("PMU") || e.contains("paranoid"), "{e}");
            }
        }
    }
}
