//! The counters lens on this machine: software counters always come back;
//! hardware counters come back as values where a PMU is exposed and as
//! reasons (no PMU, paranoid) where it is not — never as made-up zeros.

use mapamp::lens::counters::{count, pmu_availability};
use mapamp::region::measured_region;
use mapamp::report::schema::Counter;
use std::hint::black_box;
use std::time::Instant;

const HARDWARE: [&str; 7] = [
    "cycles",
    "instructions",
    "cache_references",
    "cache_misses",
    "l1d_read_misses",
    "dtlb_read_misses",
    "branch_misses",
];

/// Touches every page of a fresh 32 MiB buffer: page faults and CPU time.
fn touch_pages() -> u64 {
    let mut buf = vec![0u8; 32 << 20];
    for i in (0..buf.len()).step_by(4096) {
        buf[i] = 1;
    }
    black_box(&buf);
    buf.iter().step_by(4096).map(|&b| b as u64).sum()
}

#[test]
fn counters_are_values_or_reasons() {
    let pmu = pmu_availability();
    let started = Instant::now();
    let (touched, figures) = count(8192, || measured_region(touch_pages));
    let wall_ns = started.elapsed().as_nanos() as f64;
    eprintln!("{}", serde_json::to_string_pretty(&figures).unwrap());
    assert_eq!(touched, 8192);
    assert_eq!(figures.len(), 9, "{figures:?}");

    for name in ["page_faults", "task_clock_ns"] {
        match &figures[name] {
            Counter::Value {
                value,
                source,
                per_op,
                unit,
                ..
            } => {
                assert!(*value > 0.0, "{name} = {value}");
                assert_eq!(source, "perf-sw");
                assert_eq!(*per_op, value / 8192.0);
                assert_eq!(
                    unit,
                    if name == "page_faults" {
                        "events"
                    } else {
                        "ns"
                    }
                );
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let Counter::Value { value: task_ns, .. } = figures["task_clock_ns"] else {
        unreachable!()
    };
    assert!(
        task_ns <= wall_ns,
        "task clock {task_ns} ns > wall {wall_ns} ns"
    );

    if pmu.available {
        // A PMU is exposed: cycles and instructions count; an event this
        // PMU lacks may still be unavailable, with a reason that says so.
        for name in ["cycles", "instructions"] {
            assert!(
                matches!(figures[name], Counter::Value { value, ref source, .. } if value > 0.0 && source == "perf-hw"),
                "{name}: {:?}",
                figures[name]
            );
        }
        for name in HARDWARE {
            if let Counter::Unavailable { unavailable } = &figures[name] {
                assert!(!unavailable.is_empty(), "{name}");
            }
        }
    } else {
        assert!(
            pmu.detail.contains("PMU") || pmu.detail.contains("paranoid"),
            "{pmu:?}"
        );
        for name in HARDWARE {
            match &figures[name] {
                Counter::Unavailable { unavailable } => assert!(
                    unavailable.contains("PMU") || unavailable.contains("paranoid"),
                    "{name}: {unavailable}"
                ),
                other => panic!("{name} counted without a PMU: {other:?}"),
            }
        }
    }
}

#[test]
fn counters_serialise_as_the_report_expects() {
    let (_, figures) = count(1, || measured_region(|| black_box(1 + 1)));
    let json = serde_json::to_value(&figures).unwrap();
    assert!(json["task_clock_ns"]["value"].is_number(), "{json}");
    assert_eq!(json["task_clock_ns"]["source"], "perf-sw");
    if !pmu_availability().available {
        assert!(json["cycles"]["unavailable"].is_string(), "{json}");
        assert!(json["cycles"].get("value").is_none(), "{json}");
    }
}
