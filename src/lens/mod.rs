//! Lenses: the ways mapamp looks at one measured region.
//!
//! A scenario defines its setup and its measured region once; the region is
//! whatever runs inside [`crate::region::measured_region`]. Each lens here
//! takes that region as a closure (or, for callgrind, a command that runs
//! it) and returns its figures ([`figures`]), which the report schema
//! writes as they are. No lens re-implements a workload.
//!
//! | lens | module | source of its figures | needs |
//! |---|---|---|---|
//! | perf-event counters | [`counters`] | `perf-hw`, `perf-sw` | a PMU for hardware events; software events work anywhere `perf_event_open` does |
//! | one counter as a criterion measurement | [`perf_measurement`] | `perf-hw` | a PMU |
//! | sampling profile, flame graph | [`flamegraph`] (signal: [`sampler`]; stacks: [`folded`]; picture names: [`short_names`]) | `SIGPROF` samples (pprof-rs), raised by a perf `cpu-clock` event or `ITIMER_PROF` | nothing (`perf_event_open` for the faster sampler) |
//! | flame graph from `cargo bench -- --profile-time N` | [`criterion_profiler`] | the same | nothing |
//! | instruction counts, simulated caches | [`callgrind`] | `callgrind`, `callgrind-sim` | valgrind on `PATH` |
//!
//! A lens that cannot run here says why (an `unavailable` reason); it never
//! returns 0 or a guessed figure in place of a measurement.
//!
//! Opening perf events is shared by the two counter lenses ([`perf_events`]):
//! one table of events, one place that turns `perf_event_open` errors into
//! reasons a reader can act on.
//!
//! What a lens refuses or fails on is a [`error::LensError`].

pub mod callgrind;
pub mod counters;
pub mod criterion_profiler;
pub mod error;
pub mod figures;
pub mod flamegraph;
pub mod folded;
pub mod perf_events;
pub mod perf_measurement;
pub mod sampler;
pub mod short_names;
