//! The real Go runtime as a lens: mapamp's cells run on Go's own map.
//!
//! The repository's Go module (`go/`) holds a harness, `go/cmd/mapamp-go`,
//! that runs one cell — the same scenario, key ids and measured region as
//! the model's cell (`src/scenario/`) — on `map[K]V`, and answers in JSON:
//! timed regions with the runtime's allocation and GC counters around each,
//! per-operation latencies, a CPU profile of the regions, the map's runtime
//! structure (read through `unsafe`, per Go version), and the structure
//! changes of one region run, operation by operation.
//!
//! This module owns the Rust side of it:
//!
//! | piece | module |
//! |---|---|
//! | which Go releases, where their toolchains are, how to install a missing one | [`toolchain`] |
//! | building the harness with a toolchain into `target/go/<release>/` (cached) | [`build`] |
//! | the cell spec sent and the JSON received | [`harness`] |
//! | knobs of the Go runtime (`GOGC`, `GOMEMLIMIT`) | [`knobs`] |
//! | turning the answer into the report's lens figures | [`figures`], [`accounting`] (classic), [`accounting_swiss`], [`profile`] |
//! | the article's claims measured on the real runtime | [`claims`] |
//!
//! ```text
//! mapamp variants                                  # go1.19, go1.26, go1.27, go1.27split among them
//! mapamp run --profile go                          # model and real Go, hint x GOGC
//! mapamp compare 'reports/go#variant=gomap' 'reports/go#variant=go1.19'
//! ```
//!
//! Releases: **go1.19** (Debian's `golang-1.19-go`, the last classic-map Go
//! a distribution ships: the runtime the `gomap` model reproduces),
//! **go1.26** (the machine's `go`: the Swiss-table map), **go1.27**
//! (optional, `GOTOOLCHAIN=go1.27.3` through the Go module proxy) and
//! **go1.27split** (the same with `GOEXPERIMENT=mapsplitgroup`). A
//! release whose toolchain is missing makes its cells' lenses `unavailable`
//! with the reason and the install command; the run goes on.

pub mod accounting;
pub mod accounting_swiss;
pub mod build;
pub mod claims;
pub mod figures;
pub mod harness;
pub mod profile;
pub mod toolchain;

pub use crate::goconfig as knobs;
pub use knobs::{GoRuntimeKnobs, Gogc};
pub use toolchain::GoRelease;
